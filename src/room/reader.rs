//! Turning record lines into messages: decrypt, verify, chain-check.
//!
//! One [`Reader`] serves `decrypt`, `pull | decrypt` and `watch`: it takes raw lines in the
//! order they were read and returns, per line, the message to show (if any) and the
//! findings to report. A record that fails is never returned as an authentic message.

use serde::Serialize;

use crate::protocol::keys::{RoomId, RoomKey, feed_pseudonym, parse_verifying_key};
use crate::protocol::record::chain::{ChainChecker, Finding};
use crate::protocol::record::legacy::LegacyKey;
use crate::protocol::record::{self, LineKind};
use crate::protocol::roster::{self, Event, Roster, Status};

/// A message ready to print, native or legacy.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Message {
    /// `native` or `legacy`.
    pub format: &'static str,
    /// Native: RFC 3339 UTC. Legacy: the writer's local time as written, no zone.
    pub ts: Option<String>,
    /// Display name (a label; for legacy lines not authenticated at all).
    pub name: Option<String>,
    /// Sender's Ed25519 key, base64url (native only).
    pub sender: Option<String>,
    /// Room id (native only).
    pub room: Option<String>,
    /// Feed pseudonym (native only).
    pub feed: Option<String>,
    /// Seq in the feed (native only).
    pub seq: Option<u64>,
    /// `message`, ...; `None` when the record could not be opened.
    pub kind: Option<String>,
    /// The text; `None` when the record could not be opened.
    pub body: Option<String>,
    /// True only for a native record whose signature and chain position hold.
    pub verified: bool,
    /// Why `verified` is false.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Chain findings at this record.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<String>,
    /// Legacy line version (v1, v2, v3).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub legacy_version: Option<String>,
    /// The sender's standing in the room's roster when it wrote this: owner, member,
    /// removed or unknown (only when the room's owner is known and its roster was read
    /// from the start).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub roster: Option<&'static str>,
    /// For roster records: what happened, in words ("added bob", ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event: Option<String>,
    /// For an attachment record: the file it announces. Its text is the `body`; the file's
    /// own key stays in memory for saving the file and is never serialised.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::protocol::attachment::serialize_public"
    )]
    pub attachment: Option<crate::protocol::attachment::Attachment>,
    /// The room has an owner but its roster was not read from the start, so the sender
    /// could not be judged (`roster` is then absent): nothing is fetched on its word.
    #[serde(skip)]
    pub unjudged: bool,
    /// The sender's key is one this device verified with its owner in person
    /// (`ftpchat verify-member`), and the record verified.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub verified_by_you: bool,
    /// What the writer had read of other feeds (feed, seq), from the envelope's `seen`:
    /// for showing messages in an order consistent with it ([`causal_order`]).
    #[serde(skip)]
    pub after: Vec<(String, u64)>,
}

/// Orders messages by time, except that a message never comes before one its writer
/// had read (its `seen`), when both are here: the writer's clock may be behind, but it
/// answered what it had read. Each message gets the latest time among itself and what
/// it had read (transitively), and a depth one more than theirs; ties keep time order.
pub fn causal_order(messages: &mut Vec<Message>) {
    messages.sort_by(|a, b| a.ts.cmp(&b.ts));
    let n = messages.len();
    let mut key: Vec<(Option<String>, usize)> =
        messages.iter().map(|m| (m.ts.clone(), 0)).collect();
    let place: std::collections::HashMap<(&str, u64), usize> = messages
        .iter()
        .enumerate()
        .filter_map(|(i, m)| Some(((m.feed.as_deref()?, m.seq?), i)))
        .collect();
    // A few passes settle chains; a forged cycle just stops changing anything useful.
    for _ in 0..4 {
        let mut changed = false;
        for i in 0..n {
            for (feed, seq) in &messages[i].after {
                // The newest record of that feed this batch holds up to `seq`.
                let Some(j) = (1..=*seq)
                    .rev()
                    .take(64)
                    .find_map(|s| place.get(&(feed.as_str(), s)).copied())
                else {
                    continue;
                };
                if j == i {
                    continue;
                }
                let (jt, jd) = key[j].clone();
                if jt > key[i].0 || (jt == key[i].0 && jd >= key[i].1) {
                    key[i] = (jt.max(key[i].0.clone()), jd + 1);
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| key[a].cmp(&key[b]).then(a.cmp(&b)));
    let mut taken: Vec<Option<Message>> = std::mem::take(messages).into_iter().map(Some).collect();
    *messages = order.into_iter().filter_map(|i| taken[i].take()).collect();
}

/// What one line produced.
#[derive(Debug, Default)]
pub struct Outcome {
    /// The message to show (possibly unverified, with its reason), if any.
    pub message: Option<Message>,
    /// Warnings to report on stderr, each naming the record.
    pub warnings: Vec<String>,
    /// Whether this line counts as a failure for the exit status.
    pub failed: bool,
    /// Whether the line was not a record line at all (bad input rather than a bad record).
    pub malformed: bool,
}

/// The reason shown for every legacy message.
pub const LEGACY_UNAUTHENTICATED: &str = "legacy FTPChat format: no sender authentication";

/// Decrypts and verifies a stream of lines.
pub struct Reader {
    rooms: Vec<RoomKey>,
    legacy: Option<LegacyKey>,
    chain: ChainChecker,
    strict: bool,
    roster: Option<(RoomId, Roster)>,
    /// The roster was replayed from the owner's first record: only then can a sender be
    /// judged "unknown" or "removed".
    roster_complete: bool,
    device: Option<age::x25519::Identity>,
    learned: Vec<(RoomId, age::x25519::Identity)>,
    /// A record that no room key opens was reported (said once per reader).
    key_mismatch_said: bool,
    /// Signing keys this device verified with their owners (`verify-member`).
    vouched: std::collections::BTreeSet<String>,
    /// Records other writers said they had read (`seen`) that this reader was not shown
    /// yet, by feed: the highest such claim.
    claims: std::collections::BTreeMap<String, Claim>,
}

/// What a record's writer said it had read (its envelope's `seen`) of other feeds than
/// its own (`feed`): feed, seq and hash prefix, of the first entries that parse.
fn seen_of<'a>(
    seen: &'a std::collections::BTreeMap<String, String>,
    feed: &'a str,
) -> impl Iterator<Item = (&'a str, u64, &'a str)> {
    seen.iter()
        .take(4 * record::MAX_SEEN)
        .filter(move |(f, _)| f.as_str() != feed)
        .filter_map(|(f, v)| {
            let (s, h) = record::parse_seen(v)?;
            Some((f.as_str(), s, h))
        })
}

/// The finding for a writer (`by`) that had read a record `seq` of `feed` other than the
/// one this reader holds.
fn split_view(by: &str, seq: u64, feed: &str) -> String {
    format!(
        "split view: {by} had read another record {seq} of feed {feed} than the one this reader holds"
    )
}

/// A writer's word that it had read a record this reader has not been shown.
#[derive(Debug, Clone)]
struct Claim {
    seq: u64,
    hash: String,
    /// Who said so: `name (feed F seq N)`.
    by: String,
    since: std::time::Instant,
    reported: bool,
}

impl std::fmt::Debug for Reader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reader")
            .field("rooms", &self.rooms)
            .field("legacy", &self.legacy)
            .field("strict", &self.strict)
            .field("device", &self.device.as_ref().map(|_| "[redacted]"))
            .finish_non_exhaustive()
    }
}

/// Records opened ahead of reading: for each line, `None` when it is not a native record
/// (or was not opened), else what [`record::open`] made of it.
pub type Preopened = Vec<Option<Result<record::Opened, record::OpenError>>>;

/// Decrypting and checking signatures, on every core: the expensive part of reading, and
/// independent of what was read before, so a caller can open the next lines on other
/// threads while [`Reader::read_opened`] reads the previous ones in order. Holds a copy
/// of the reader's room keys as they were when it was made.
#[derive(Clone)]
pub struct Opener {
    rooms: Vec<RoomKey>,
}

impl std::fmt::Debug for Opener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Opener")
            .field("rooms", &self.rooms.len())
            .finish()
    }
}

impl Opener {
    /// Opens the native records among `raws`.
    pub fn open(&self, raws: &[&[u8]]) -> Preopened {
        open_lines(&self.rooms, raws)
    }
}

fn open_lines(rooms: &[RoomKey], raws: &[&[u8]]) -> Preopened {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8);
    let chunk = raws.len().div_ceil(threads).max(1);
    std::thread::scope(|s| {
        let handles: Vec<_> = raws
            .chunks(chunk)
            .map(|part| {
                let n = part.len();
                (
                    n,
                    s.spawn(move || {
                        part.iter()
                            .map(|raw| match record::classify(raw) {
                                Ok(LineKind::Native(rec)) => Some(record::open(&rec, rooms)),
                                _ => None,
                            })
                            .collect::<Vec<_>>()
                    }),
                )
            })
            .collect();
        // A worker that failed leaves its records to be opened again in order.
        handles
            .into_iter()
            .flat_map(|(n, h)| h.join().unwrap_or_else(|_| vec![None; n]))
            .collect()
    })
}

impl Reader {
    /// A reader with these room keys and, optionally, the legacy key. With `strict`, chain
    /// irregularities count as failures (`decrypt --verify`).
    pub fn new(rooms: Vec<RoomKey>, legacy: Option<LegacyKey>, strict: bool) -> Self {
        let roster = rooms.iter().find_map(|r| {
            let owner = r.owner()?;
            let genesis = r.recipients().first()?.to_string();
            Some((r.room_id().clone(), Roster::new(owner, &genesis)))
        });
        Reader {
            rooms,
            legacy,
            chain: ChainChecker::new(),
            strict,
            roster,
            roster_complete: false,
            device: None,
            learned: Vec::new(),
            key_mismatch_said: false,
            vouched: std::collections::BTreeSet::new(),
            claims: std::collections::BTreeMap::new(),
        }
    }

    /// Records that other writers had read but this reader was still not shown after
    /// `grace` (a relay withholding them, or showing this reader another view of the
    /// room): one finding per feed, said once. With a zero `grace` (a whole room read at
    /// once), every open claim.
    pub fn withheld(&mut self, grace: std::time::Duration) -> Vec<String> {
        let chain = &self.chain;
        let mut out = Vec::new();
        // Claims met since: gone, unless the record shown is not the one they had read.
        self.claims.retain(|feed, c| match chain.head(feed) {
            Some((max, _)) if max >= c.seq => {
                if chain
                    .hash_at(feed, c.seq)
                    .is_some_and(|h| !h.starts_with(&c.hash))
                {
                    out.push(split_view(&c.by, c.seq, feed));
                }
                false
            }
            _ => true,
        });
        for (feed, c) in &mut self.claims {
            if c.reported || c.since.elapsed() < grace {
                continue;
            }
            c.reported = true;
            let shown = self.chain.head(feed).map_or(0, |(max, _)| max);
            out.push(format!(
                "feed {feed}: record {} is not shown here (this relay shows up to {shown}), but \
                 {} had read it: withheld by the relay, or this view of the room differs \
                 from theirs",
                c.seq, c.by
            ));
        }
        out
    }

    /// Checks what a record's writer said it had read against what this reader holds:
    /// a different record at the same place is a split view (returned as findings); a
    /// record not held yet becomes a claim for [`Reader::withheld`].
    fn check_seen(&mut self, env: &record::Envelope, feed: &str, seq: u64) -> Vec<String> {
        let mut findings = Vec::new();
        let by = format!(
            "{} (feed {feed} record {seq})",
            crate::protocol::text::sanitize(&env.name)
        );
        for (f, s, h) in seen_of(&env.seen, feed) {
            match self.chain.hash_at(f, s) {
                Some(held) if !held.starts_with(h) => findings.push(split_view(&by, s, f)),
                Some(_) => {}
                None if self.chain.head(f).is_some_and(|(max, _)| max >= s) => {}
                None => {
                    let newer = self.claims.get(f).is_none_or(|c| c.seq < s);
                    if newer {
                        self.claims.insert(
                            f.to_string(),
                            Claim {
                                seq: s,
                                hash: h.to_string(),
                                by: by.clone(),
                                since: std::time::Instant::now(),
                                reported: false,
                            },
                        );
                    }
                }
            }
        }
        findings
    }

    /// Marks messages from these signing keys (base64url) as verified by you
    /// ([`Message::verified_by_you`]), when they verify.
    #[must_use]
    pub fn with_vouched(mut self, keys: std::collections::BTreeSet<String>) -> Self {
        self.vouched = keys;
        self
    }

    /// Takes over a roster replayed elsewhere (e.g. the owner's whole feed read at start).
    pub fn set_roster(&mut self, roster: Roster) {
        if let Some((_, r)) = self.roster.as_mut() {
            *r = roster;
            self.roster_complete = true;
        }
    }

    /// Adopts room keys another reader learned (they are also kept for [`Reader::take_learned`]).
    pub fn adopt(&mut self, learned: Vec<(RoomId, age::x25519::Identity)>) {
        for (room, key) in learned {
            if let Some(r) = self.rooms.iter_mut().find(|r| r.room_id() == &room)
                && r.add_identity(key.clone())
            {
                self.learned.push((room, key));
            }
        }
    }

    /// Whether the room has an owner but its roster was never read from the start (the
    /// owner's feed is missing or incomplete): senders could not be judged.
    pub fn roster_incomplete(&self) -> bool {
        self.roster.is_some() && !self.roster_complete
    }

    /// The roster, if it was replayed from the start.
    pub fn complete_roster(&self) -> Option<Roster> {
        self.roster_complete
            .then(|| self.roster().cloned())
            .flatten()
    }

    /// Lets the reader open rotated room keys sent to this device's X25519 key.
    pub fn with_device(mut self, device: Option<age::x25519::Identity>) -> Self {
        self.device = device;
        self
    }

    /// This device's X25519 key, if the reader was given one.
    pub fn device(&self) -> Option<&age::x25519::Identity> {
        self.device.as_ref()
    }

    /// The replayed roster, if the room's owner is known.
    pub fn roster(&self) -> Option<&Roster> {
        self.roster.as_ref().map(|(_, r)| r)
    }

    /// The owner's feed pseudonym: read it first so the roster is known before the
    /// messages it vouches for.
    pub fn owner_feed(&self) -> Option<String> {
        let (room, roster) = self.roster.as_ref()?;
        Some(feed_pseudonym(room, &parse_verifying_key(roster.owner())?))
    }

    /// Room keys learned from rotations since the last call, to be saved.
    pub fn take_learned(&mut self) -> Vec<(RoomId, age::x25519::Identity)> {
        std::mem::take(&mut self.learned)
    }

    /// The chain state.
    pub fn chain(&self) -> &ChainChecker {
        &self.chain
    }

    /// The chain state, to seed from cursors or read heads.
    pub fn chain_mut(&mut self) -> &mut ChainChecker {
        &mut self.chain
    }

    /// Processes one line; `place` names it in warnings (e.g. "line 4").
    pub fn read(&mut self, raw: &[u8], place: &str) -> Outcome {
        self.read_preopened(raw, place, None)
    }

    /// Reads many lines in order, decrypting and checking signatures on every core first
    /// (the expensive, independent part), then checking chains and the roster in order.
    pub fn read_all<'a>(
        &mut self,
        lines: impl IntoIterator<Item = (&'a [u8], String)>,
    ) -> Vec<Outcome> {
        let lines: Vec<(&[u8], String)> = lines.into_iter().collect();
        let raws: Vec<&[u8]> = lines.iter().map(|(raw, _)| *raw).collect();
        let opened = open_lines(&self.rooms, &raws);
        self.read_opened(&lines, opened)
    }

    /// The part of reading that needs only the room keys, to run apart: see [`Opener`].
    pub fn opener(&self) -> Opener {
        Opener {
            rooms: self.rooms.clone(),
        }
    }

    /// Reads lines in order that an [`Opener`] opened (`opened[i]` for `lines[i]`):
    /// chains, roster, findings. A record the opener could not decrypt is tried again
    /// with the keys this reader holds now (a rotation read since may have brought one).
    pub fn read_opened(&mut self, lines: &[(&[u8], String)], opened: Preopened) -> Vec<Outcome> {
        let mut opened = opened.into_iter();
        lines
            .iter()
            .map(|(raw, place)| self.read_preopened(raw, place, opened.next().flatten()))
            .collect()
    }

    fn read_preopened(
        &mut self,
        raw: &[u8],
        place: &str,
        pre: Option<Result<record::Opened, record::OpenError>>,
    ) -> Outcome {
        let mut out = Outcome::default();
        match record::classify(raw) {
            Ok(LineKind::Blank) => {}
            Err(e) => {
                let text = String::from_utf8_lossy(raw);
                if self.legacy.is_some() && self.recover_glued(&text, place, &mut out) {
                    return out;
                }
                if self.legacy.is_some() && self.rooms.is_empty() {
                    out.warnings.push(format!(
                        "{place}: skipped: not a chat line of the original FTPChat app"
                    ));
                } else {
                    out.warnings.push(format!("{place}: skipped: {e}"));
                }
                out.failed = true;
                out.malformed = true;
            }
            Ok(LineKind::Legacy(line)) => {
                self.read_legacy(line, place, &mut out);
                if out.message.is_none() && self.recover_glued(line, place, &mut out) {
                    out.failed = false;
                    out.warnings
                        .retain(|w| !w.contains("cannot decrypt legacy line"));
                }
            }
            Ok(LineKind::Native(rec)) => self.read_native(&rec, place, &mut out, pre),
        }
        out
    }

    /// A line cut off mid-way and followed by the app's append (which adds no newline
    /// first) holds two tokens glued together: reads the last token that decrypts,
    /// with a warning naming what was lost. False when no token in it decrypts.
    fn recover_glued(&mut self, line: &str, place: &str, out: &mut Outcome) -> bool {
        let starts: Vec<usize> = line
            .match_indices("gAAAAA")
            .chain(line.match_indices("Z0FBQUFB"))
            .map(|(i, _)| i)
            .filter(|&i| i > 0)
            .collect();
        let Some(key) = &self.legacy else {
            return false;
        };
        for &start in starts.iter().rev() {
            let end = starts
                .iter()
                .copied()
                .filter(|&e| e > start)
                .min()
                .unwrap_or(line.len());
            if key.decrypt_line(&line[start..end]).is_ok() {
                let mut found = Outcome::default();
                self.read_legacy(&line[start..end], place, &mut found);
                out.message = found.message;
                out.warnings.push(format!(
                    "{place}: a cut-off line was glued to the next one; recovered the \
                     message after byte {start}, the cut-off one is lost"
                ));
                return true;
            }
        }
        false
    }

    fn read_legacy(&mut self, line: &str, place: &str, out: &mut Outcome) {
        let Some(key) = &self.legacy else {
            out.warnings.push(format!(
                "{place}: skipped a legacy FTPChat line: no legacy passphrase given \
                 (--legacy-passphrase-file or FTPCHAT_LEGACY_PASSPHRASE)"
            ));
            out.failed = true;
            return;
        };
        match key.decrypt_line(line) {
            Ok(m) => {
                out.message = Some(Message {
                    format: "legacy",
                    ts: Some(m.time),
                    name: Some(m.name),
                    sender: None,
                    room: None,
                    feed: None,
                    seq: None,
                    kind: Some("message".into()),
                    body: Some(m.body),
                    verified: false,
                    reason: Some(LEGACY_UNAUTHENTICATED.into()),
                    findings: Vec::new(),
                    legacy_version: Some(m.version.to_string()),
                    roster: None,
                    event: None,
                    attachment: None,
                    unjudged: false,
                    verified_by_you: false,
                    after: Vec::new(),
                })
            }
            Err(e) => {
                out.warnings.push(format!("{place}: {e}"));
                out.failed = true;
            }
        }
    }

    fn read_native(
        &mut self,
        rec: &record::RecordLine<'_>,
        place: &str,
        out: &mut Outcome,
        pre: Option<Result<record::Opened, record::OpenError>>,
    ) {
        let name = format!("{place} (feed {} seq {})", rec.feed, rec.seq);
        let failed_message = |reason: String| Message {
            format: "native",
            ts: None,
            name: None,
            sender: None,
            room: None,
            feed: Some(rec.feed.to_string()),
            seq: Some(rec.seq),
            kind: None,
            body: None,
            verified: false,
            reason: Some(reason),
            findings: Vec::new(),
            legacy_version: None,
            roster: None,
            event: None,
            attachment: None,
            unjudged: false,
            verified_by_you: false,
            after: Vec::new(),
        };
        // A record opened ahead of time that failed to decrypt is tried again: a key
        // rotation read since may have brought the key it needs.
        let opened = match pre {
            Some(Ok(o)) => Ok(o),
            _ => record::open(rec, &self.rooms),
        };
        // A roster record the owner also encrypted to this device (re-added after missing
        // key epochs): only the owner's own records are opened this way.
        let opened = match (opened, &self.device, &self.roster) {
            (Err(e), Some(device), Some((room, roster))) => {
                match record::open_with_device(rec, device, room) {
                    Ok(o)
                        if o.envelope.from == roster.owner()
                            && o.envelope.kind.starts_with("roster.") =>
                    {
                        Ok(o)
                    }
                    _ => Err(e),
                }
            }
            (other, _, _) => other,
        };
        let opened = match opened {
            Ok(o) => o,
            Err(e) => {
                // A key mismatch is said once, plainly; later records that fail the same way
                // are counted in the caller's summary rather than repeated line by line.
                if matches!(e, record::OpenError::NoKey) {
                    if !self.key_mismatch_said {
                        self.key_mismatch_said = true;
                        out.warnings.push(format!(
                            "{name}: {e}; later records failing the same way are counted, not \
                             listed again"
                        ));
                    }
                } else {
                    out.warnings.push(format!("{name}: {e}"));
                }
                out.message = Some(failed_message(e.to_string()));
                out.failed = true;
                return;
            }
        };
        let checked = self.chain.check(
            rec.feed,
            rec.seq,
            &opened.hash,
            opened.envelope.prev.as_deref(),
        );
        let mut findings: Vec<String> = checked.findings.iter().map(ToString::to_string).collect();
        // The time is free text inside the signature: only an RFC 3339 timestamp is shown,
        // so a sender cannot print a fake line ahead of its own name.
        let bad_time = chrono::DateTime::parse_from_rfc3339(&opened.envelope.ts).is_err();
        if bad_time {
            findings.push("its time is not an RFC 3339 timestamp".into());
        }
        let tainted = bad_time || checked.findings.iter().any(Finding::taints_record);
        let irregular = checked
            .findings
            .iter()
            .any(|f| self.strict || f.taints_record() || !matches!(f, Finding::StartsLate));
        for f in &findings {
            out.warnings.push(format!("{name}: {f}"));
        }
        if !checked.show {
            out.failed = self.strict;
            return;
        }
        let (standing, roster_findings, forged, event) = self.check_roster(&opened);
        for f in &roster_findings {
            out.warnings.push(format!("{name}: {f}"));
        }
        if !tainted {
            for f in self.check_seen(&opened.envelope, rec.feed, rec.seq) {
                out.warnings.push(format!("{name}: {f}"));
                findings.push(f);
            }
        }
        let env = opened.envelope;
        // An attachment's body carries the file's key: the message shows its text, and
        // the announcement goes in a field whose serialisation leaves the key out.
        let (body, attachment, event) = if env.kind == crate::protocol::attachment::KIND {
            match serde_json::from_str::<crate::protocol::attachment::Attachment>(&env.body) {
                Ok(a) => {
                    let said = if a.text.is_empty() {
                        format!("sent a file: {} ({} bytes)", a.name, a.size)
                    } else {
                        format!("sent a file: {} ({} bytes): {}", a.name, a.size, a.text)
                    };
                    (a.text.clone(), Some(a), event.or(Some(said)))
                }
                Err(_) => (
                    String::new(),
                    None,
                    event.or_else(|| Some("sent a malformed attachment record".into())),
                ),
            }
        } else {
            (env.body, None, event)
        };
        let tainted = tainted || forged;
        out.failed = tainted || (self.strict && (irregular || !roster_findings.is_empty()));
        findings.extend(roster_findings);
        let by_you = !tainted && self.vouched.contains(&env.from);
        let after: Vec<(String, u64)> = seen_of(&env.seen, rec.feed)
            .map(|(f, s, _)| (f.to_string(), s))
            .collect();
        out.message = Some(Message {
            format: "native",
            ts: (!bad_time).then_some(env.ts),
            name: Some(env.name),
            sender: Some(env.from),
            room: Some(env.room),
            feed: Some(rec.feed.to_string()),
            seq: Some(rec.seq),
            kind: Some(env.kind),
            body: Some(body),
            verified: !tainted,
            reason: tainted.then(|| findings.join("; ")),
            findings,
            legacy_version: None,
            roster: standing.map(Status::as_str),
            event,
            attachment,
            unjudged: self.roster_incomplete() && standing.is_none(),
            verified_by_you: by_you,
            after,
        });
    }
}

impl Reader {
    /// Applies roster records and judges the sender against the roster. Returns the
    /// sender's standing, findings, and whether the record is a forged roster record.
    fn check_roster(
        &mut self,
        opened: &crate::protocol::record::Opened,
    ) -> (Option<Status>, Vec<String>, bool, Option<String>) {
        let Some((room, roster)) = self.roster.as_mut() else {
            return (None, Vec::new(), false, None);
        };
        let env = &opened.envelope;
        if &opened.room != room {
            return (None, Vec::new(), false, None);
        }
        if !self.roster_complete {
            if env.from == roster.owner() && env.seq == 1 {
                self.roster_complete = true;
            } else {
                return (None, Vec::new(), false, None);
            }
        }
        let mut findings = Vec::new();
        let mut forged = false;
        let mut event = None;
        if env.kind.starts_with("roster.") {
            match roster.apply(env) {
                Ok(Event::Rotated(body)) => {
                    event = Some(format!("rotated the room key (epoch {})", body.epoch));
                    if let Some(device) = &self.device
                        && let Some(key) = roster::unwrap_key(&body.key, device)
                        && let Some(r) = self.rooms.iter_mut().find(|r| r.room_id() == room)
                        && r.add_identity(key.clone())
                    {
                        self.learned.push((room.clone(), key));
                    }
                }
                Ok(Event::Added(key)) => {
                    event = Some(format!(
                        "added {} to the room",
                        roster.name_of(&key).unwrap_or("?")
                    ));
                }
                Ok(Event::Removed(key)) => {
                    event = Some(format!(
                        "removed {} from the room",
                        roster.name_of(&key).unwrap_or("?")
                    ));
                }
                Err(e) => {
                    findings.push(e);
                    forged = true;
                }
            }
        }
        let status = roster.status(&env.from, &env.ts, env.seq);
        match status {
            Status::Unknown => findings.push("sender is not in the room's roster".into()),
            Status::Removed => {
                findings.push("sender had been removed from the room when this was written".into())
            }
            Status::Owner | Status::Member => {}
        }
        if let Some(epoch) = roster.rotated_out(&opened.recipient, &env.ts) {
            findings.push(format!(
                "written under a room key that was rotated out (epoch {epoch} had begun)"
            ));
        }
        (Some(status), findings, forged, event)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::time::Duration;

    use super::*;
    use crate::protocol::encoding::b64;
    use crate::protocol::keys::DeviceIdentity;
    use crate::protocol::record::{ENVELOPE_VERSION, Envelope, line_hash, seal};

    fn line(
        room: &RoomKey,
        id: &DeviceIdentity,
        seq: u64,
        prev: Option<String>,
        seen: BTreeMap<String, String>,
    ) -> String {
        let e = Envelope {
            v: ENVELOPE_VERSION,
            room: room.room_id().to_string(),
            from: b64(id.signing_key().verifying_key().as_bytes()),
            name: "w".into(),
            seq,
            prev,
            ts: "2026-12-04T10:00:00Z".into(),
            kind: "message".into(),
            body: format!("m{seq}"),
            seen,
        };
        seal(&e, id.signing_key(), &room.current_recipient()).expect("seal")
    }

    #[test]
    fn a_message_is_never_shown_before_one_its_writer_had_read() {
        let room = RoomKey::generate();
        let (alice, bob, carol) = (
            DeviceIdentity::generate(),
            DeviceIdentity::generate(),
            DeviceIdentity::generate(),
        );
        let sealed = |id: &DeviceIdentity, ts: &str, seen: BTreeMap<String, String>| {
            let e = Envelope {
                v: ENVELOPE_VERSION,
                room: room.room_id().to_string(),
                from: b64(id.signing_key().verifying_key().as_bytes()),
                name: "w".into(),
                seq: 1,
                prev: None,
                ts: ts.into(),
                kind: "message".into(),
                body: ts.into(),
                seen,
            };
            seal(&e, id.signing_key(), &room.current_recipient()).expect("seal")
        };
        let feed =
            |id: &DeviceIdentity| feed_pseudonym(room.room_id(), &id.signing_key().verifying_key());
        // alice's clock is ahead: her message says 10:00:09. bob read it and answered at
        // 10:00:05 by his clock; carol read bob's and answered at 10:00:01 by hers.
        let a = sealed(&alice, "2026-12-04T10:00:09Z", BTreeMap::new());
        let b = sealed(
            &bob,
            "2026-12-04T10:00:05Z",
            BTreeMap::from([(feed(&alice), format!("1.{}", &line_hash(&a)[..12]))]),
        );
        let c = sealed(
            &carol,
            "2026-12-04T10:00:01Z",
            BTreeMap::from([(feed(&bob), format!("1.{}", &line_hash(&b)[..12]))]),
        );
        let d = sealed(
            &DeviceIdentity::generate(),
            "2026-12-04T10:00:03Z",
            BTreeMap::new(),
        );
        let mut r = Reader::new(vec![room.clone()], None, false);
        let mut msgs: Vec<Message> = [&c, &d, &b, &a]
            .iter()
            .filter_map(|l| r.read(l.as_bytes(), "x").message)
            .collect();
        causal_order(&mut msgs);
        let order: Vec<&str> = msgs
            .iter()
            .map(|m| m.body.as_deref().unwrap_or(""))
            .collect();
        assert_eq!(
            order,
            [
                "2026-12-04T10:00:03Z",
                "2026-12-04T10:00:09Z",
                "2026-12-04T10:00:05Z",
                "2026-12-04T10:00:01Z"
            ],
            "d by its time; then a before b before c, as they had read each other"
        );
    }

    #[test]
    fn what_a_writer_had_read_and_this_reader_lacks_is_named_after_the_grace() {
        let room = RoomKey::generate();
        let (alice, bob) = (DeviceIdentity::generate(), DeviceIdentity::generate());
        let a1 = line(&room, &alice, 1, None, BTreeMap::new());
        let a2 = line(&room, &alice, 2, Some(line_hash(&a1)), BTreeMap::new());
        let alice_feed = feed_pseudonym(room.room_id(), &alice.signing_key().verifying_key());
        let seen = BTreeMap::from([(alice_feed, format!("2.{}", &line_hash(&a2)[..12]))]);
        let b1 = line(&room, &bob, 1, None, seen);

        let mut r = Reader::new(vec![room.clone()], None, false);
        r.read(a1.as_bytes(), "a1");
        let out = r.read(b1.as_bytes(), "b1");
        assert!(out.message.expect("b1").verified);
        assert!(
            r.withheld(Duration::from_secs(3600)).is_empty(),
            "within the grace"
        );
        let w = r.withheld(Duration::ZERO);
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(
            w[0].contains("record 2 is not shown here (this relay shows up to 1)"),
            "{w:?}"
        );
        assert!(r.withheld(Duration::ZERO).is_empty(), "said once");

        // Shown late, the record meets the claim; a reader shown everything finds nothing.
        let mut late = Reader::new(vec![room.clone()], None, false);
        late.read(a1.as_bytes(), "a1");
        late.read(b1.as_bytes(), "b1");
        late.read(a2.as_bytes(), "a2");
        assert!(late.withheld(Duration::ZERO).is_empty());
        let mut all = Reader::new(vec![room], None, false);
        for l in [&a1, &a2, &b1] {
            assert!(all.read(l.as_bytes(), "x").warnings.is_empty());
        }
        assert!(all.withheld(Duration::ZERO).is_empty());
    }
}
