//! Auditing a room: what `verify` and [`Room::verify`](super::Room::verify) report.
//!
//! One consistent pass over the relay ([`snapshot`]): the descriptor, every feed from
//! the start, and a re-check of every byte this device's saved cursors have read, so a
//! same-size rewrite behind a cursor is caught too. Then every record is opened and
//! checked ([`verify_feeds`]): signature, chain, roster status. Every irregularity is a
//! [`Finding`]; the caller decides how to show them.

use std::collections::BTreeMap;

use serde::Serialize;
use std::path::Path;
use std::time::Instant;

use super::delivery::with_retries;
use super::feed::{self, Fetched};
use super::reader::Reader;
use super::{RelayTarget, Warn};
use crate::error::Result;
use crate::protocol::keys::RoomKey;
use crate::protocol::roster;
use crate::store::MAX_DOWNLOAD;

/// The room as the relay shows it now.
#[derive(Debug, Default)]
pub struct Snapshot {
    /// The descriptor file, if present.
    pub descriptor: Option<Vec<u8>>,
    /// Every feed, read from the start.
    pub feeds: Vec<(String, Fetched)>,
    /// History rewritten behind a saved cursor, described.
    pub rewritten: Vec<String>,
    /// Listing entries that were not feeds, described.
    pub warnings: Vec<String>,
}

/// Reads the whole room once (retrying transient failures from the start).
///
/// # Errors
///
/// Relay errors after the retries.
pub fn snapshot(
    target: &RelayTarget,
    state: &Path,
    deadline: Option<Instant>,
    warn: Warn<'_>,
) -> Result<Snapshot> {
    let dir = &target.dir;
    with_retries(target, deadline, warn, |c| {
        let mut snap = Snapshot {
            descriptor: c.read(dir, roster::DESCRIPTOR_FILE, 0, MAX_DOWNLOAD)?,
            ..Snapshot::default()
        };
        snap.feeds = feed::poll(c, dir, &BTreeMap::new(), &mut snap.warnings)?;
        // Every byte behind every saved cursor: the last line read, and all earlier bytes
        // when the cursor keeps a running digest (each feed downloaded at most once more).
        let mut whole: BTreeMap<String, Vec<u8>> = BTreeMap::new();
        for (set, cursors) in feed::cursor_sets(state, &target.key) {
            for (name, cursor) in cursors {
                let mut why = feed::check_cursor(c, dir, &name, &cursor)?;
                if why.is_none() && cursor.offset > 0 && !cursor.digest.is_empty() {
                    if !whole.contains_key(&name) {
                        let data = c
                            .read(dir, &feed::feed_file(&name), 0, MAX_DOWNLOAD)?
                            .unwrap_or_default();
                        whole.insert(name.clone(), data);
                    }
                    let data = whole.get(&name).map_or(&[][..], Vec::as_slice);
                    if feed::digest_of(data, cursor.offset).as_deref()
                        != Some(cursor.digest.as_str())
                    {
                        why = Some(format!(
                            "feed {name}: bytes already read (before offset {}) were changed: \
                             history was rewritten",
                            cursor.offset
                        ));
                    }
                }
                if let Some(why) = why {
                    snap.rewritten.push(format!("behind cursor {set:?}: {why}"));
                }
            }
        }
        Ok(snap)
    })
}

/// One thing that does not hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Where: `listing`, `history`, `descriptor`, `roster`, `feed <pseudonym>`, `line <n>`.
    pub scope: String,
    /// What, in one sentence (untrusted parts not yet sanitised).
    pub finding: String,
}

impl Finding {
    fn new(scope: impl Into<String>, finding: impl Into<String>) -> Self {
        Finding {
            scope: scope.into(),
            finding: finding.into(),
        }
    }
}

/// One feed's tally.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FeedSummary {
    /// The feed pseudonym (`legacy` for legacy lines).
    pub feed: String,
    /// The sender's display name, as its first readable record says.
    pub name: String,
    /// The sender's standing in the roster now, as `room members` shows it (owner,
    /// member, removed, unknown); without a complete roster, the status of its last
    /// readable record (empty when unknown).
    pub roster: String,
    /// Records read.
    pub records: usize,
    /// Records whose signature and chain hold.
    pub verified: usize,
    /// Records that could not be opened or verified.
    pub failed: usize,
}

/// The result of an audit.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Everything that does not hold; empty when the room checks out.
    pub findings: Vec<Finding>,
    /// Per feed, owner first.
    pub feeds: Vec<FeedSummary>,
}

/// Findings about the relay's view as a whole: non-feed listing entries, history
/// rewritten behind saved cursors, the descriptor. Returns the feeds' lines, in file
/// order, for [`verify_feeds`].
pub fn check_snapshot(
    snap: Snapshot,
    room_key: &RoomKey,
    findings: &mut Vec<Finding>,
) -> Vec<(String, Vec<Vec<u8>>)> {
    for w in snap.warnings {
        findings.push(Finding::new("listing", w));
    }
    for r in snap.rewritten {
        findings.push(Finding::new("history", r));
    }
    match snap.descriptor {
        None if room_key.owner().is_some() => {
            findings.push(Finding::new("descriptor", "room.age is missing"));
        }
        None => {}
        Some(bytes) => match roster::open_descriptor(&bytes, room_key) {
            Ok(d) if d.current != room_key.current_recipient().to_string() => {
                let held = room_key
                    .recipients()
                    .iter()
                    .any(|r| r.to_string() == d.current);
                findings.push(Finding::new(
                    "descriptor",
                    if held {
                        format!(
                            "names epoch {}, older than the key this device holds: stale or rolled back",
                            d.epoch
                        )
                    } else {
                        format!("names epoch {} with a key this device does not hold", d.epoch)
                    },
                ));
            }
            Ok(_) => {}
            Err(e) => findings.push(Finding::new("descriptor", e)),
        },
    }
    let mut feeds = Vec::new();
    for (feed, f) in snap.feeds {
        // A cut-off append repeated whole is the writer's repair working, not a finding.
        for s in f
            .skipped
            .into_iter()
            .filter(|s| !s.contains("cut off and then repeated whole"))
        {
            findings.push(Finding::new(format!("feed {feed}"), s));
        }
        feeds.push((feed, f.lines));
    }
    feeds
}

/// Opens and checks every record of `feeds` (the owner's feed first, so the roster is
/// known before the records it vouches for), adding what does not hold to `findings`.
pub fn verify_feeds(
    reader: &mut Reader,
    mut feeds: Vec<(String, Vec<Vec<u8>>)>,
    findings: &mut Vec<Finding>,
) -> Vec<FeedSummary> {
    let owner_feed = reader.owner_feed();
    feeds.sort_by_key(|(f, _)| (Some(f) != owner_feed.as_ref(), f.clone()));
    let mut summaries = Vec::new();
    let flat = feeds
        .iter()
        .flat_map(|(feed, lines)| lines.iter().map(move |l| (&l[..], format!("feed {feed}"))));
    let mut outcomes = reader.read_all(flat).into_iter();
    let mut senders = Vec::new();
    for (feed, lines) in &feeds {
        let mut sender = None;
        let mut s = FeedSummary {
            feed: feed.clone(),
            ..FeedSummary::default()
        };
        for outcome in outcomes.by_ref().take(lines.len()) {
            s.records += 1;
            for w in outcome.warnings {
                findings.push(Finding::new(format!("feed {feed}"), w));
            }
            if let Some(m) = &outcome.message {
                if s.name.is_empty() {
                    s.name = m.name.clone().unwrap_or_default();
                }
                if let Some(r) = m.roster {
                    s.roster = r.to_string();
                }
                if sender.is_none() && m.verified {
                    sender.clone_from(&m.sender);
                }
            }
            if outcome.failed {
                s.failed += 1;
            } else {
                s.verified += 1;
            }
        }
        summaries.push(s);
        senders.push(sender);
    }
    // The table names a sender's standing now, the same word `room members` uses: a
    // removed member's feed is `removed` even though its records were a member's.
    if !reader.roster_incomplete()
        && let Some(roster) = reader.roster()
    {
        for (s, sender) in summaries.iter_mut().zip(senders) {
            let Some(key) = sender else { continue };
            s.roster = if key == roster.owner() {
                "owner"
            } else {
                match roster.members().find(|m| m.key == key) {
                    Some(m) if m.removed_at.is_some() => "removed",
                    Some(_) => "member",
                    None => "unknown",
                }
            }
            .to_string();
        }
    }
    for w in reader.withheld(std::time::Duration::ZERO) {
        findings.push(Finding::new("withheld", w));
    }
    if reader.roster_incomplete() {
        findings.push(Finding::new(
            "roster",
            "the room owner's feed is missing or does not start at its first record: \
             the roster could not be read, so no sender could be checked against it",
        ));
    }
    summaries
}

/// One relay's copy of the room's feeds (lines in file order, per feed).
pub type Copy = Vec<(String, Vec<Vec<u8>>)>;

/// Compares several relays' copies of one room and merges them into one set of feeds
/// for [`verify_feeds`]: per feed, each record once, in seq order. A relay that lacks
/// records another holds is named: as withholding them when it holds later ones of the
/// same feed (a writer appends in order, so a hole is never lag), else as lagging
/// behind (not delivered there yet, or withheld). A record that differs between relays
/// is named with the relays on each side; both versions go on to the reader, whose
/// chain check calls the second a fork. With one copy, it is returned as it is.
pub fn merge_copies(copies: Vec<(String, Copy)>, findings: &mut Vec<Finding>) -> Copy {
    if copies.len() <= 1 {
        return copies
            .into_iter()
            .next()
            .map(|(_, c)| c)
            .unwrap_or_default();
    }
    let relays: Vec<String> = copies.iter().map(|(k, _)| k.clone()).collect();
    // feed -> seq -> versions, each with the relays holding it.
    type Versions = Vec<(Vec<u8>, Vec<usize>)>;
    let mut records: BTreeMap<String, BTreeMap<u64, Versions>> = BTreeMap::new();
    let mut other: BTreeMap<String, Vec<Vec<u8>>> = BTreeMap::new();
    for (i, (_, feeds)) in copies.into_iter().enumerate() {
        for (feed, lines) in feeds {
            let seqs = records.entry(feed.clone()).or_default();
            for line in lines {
                let seq = std::str::from_utf8(&line)
                    .ok()
                    .and_then(|l| crate::protocol::record::parse_line(l).ok())
                    .filter(|r| r.feed == feed)
                    .map(|r| r.seq);
                let Some(seq) = seq else {
                    // Not a record of this feed: the reader names it (once).
                    let bad = other.entry(feed.clone()).or_default();
                    if !bad.contains(&line) {
                        bad.push(line);
                    }
                    continue;
                };
                let versions = seqs.entry(seq).or_default();
                match versions.iter_mut().find(|(l, _)| *l == line) {
                    Some((_, holders)) => {
                        if !holders.contains(&i) {
                            holders.push(i);
                        }
                    }
                    None => versions.push((line, vec![i])),
                }
            }
        }
    }
    let names = |set: &[usize]| -> String {
        set.iter()
            .map(|&i| relays[i].as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut merged = Vec::new();
    for (feed, seqs) in records {
        let mut missing: Vec<Vec<u64>> = vec![Vec::new(); relays.len()];
        let mut highest = vec![0u64; relays.len()];
        for (seq, versions) in &seqs {
            if versions.len() > 1 {
                let sides: Vec<String> = versions.iter().map(|(_, h)| names(h)).collect();
                findings.push(Finding::new(
                    format!("feed {feed}"),
                    format!(
                        "record {seq} differs between relays ({}): one of them altered it, \
                         or its writer forked the feed",
                        sides.join(" / ")
                    ),
                ));
            }
            for (i, m) in missing.iter_mut().enumerate() {
                if versions.iter().any(|(_, h)| h.contains(&i)) {
                    highest[i] = *seq;
                } else {
                    m.push(*seq);
                }
            }
        }
        for (i, lacks) in missing.iter().enumerate() {
            if lacks.is_empty() {
                continue;
            }
            let holders: Vec<usize> = (0..relays.len()).filter(|&j| j != i).collect();
            let (hidden, behind): (Vec<u64>, Vec<u64>) =
                lacks.iter().partition(|&&seq| seq < highest[i]);
            if !hidden.is_empty() {
                findings.push(Finding::new(
                    format!("relay {}", relays[i]),
                    format!(
                        "withholds feed {feed} records {} that {} show (it shows later ones)",
                        ranges(&hidden),
                        names(&holders)
                    ),
                ));
            }
            if !behind.is_empty() {
                findings.push(Finding::new(
                    format!("relay {}", relays[i]),
                    format!(
                        "lacks the newest records of feed {feed} ({}) that {} show: not \
                         delivered there yet (`ftpchat outbox`), or withheld",
                        ranges(&behind),
                        names(&holders)
                    ),
                ));
            }
        }
        let mut lines: Vec<Vec<u8>> = seqs
            .into_values()
            .flat_map(|versions| versions.into_iter().map(|(l, _)| l))
            .collect();
        lines.extend(other.remove(&feed).unwrap_or_default());
        merged.push((feed, lines));
    }
    merged
}

/// `1-3, 7` for seqs 1, 2, 3, 7 (sorted).
fn ranges(seqs: &[u64]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < seqs.len() {
        let start = seqs[i];
        let mut end = start;
        while i + 1 < seqs.len() && seqs[i + 1] == end + 1 {
            i += 1;
            end = seqs[i];
        }
        out.push(if start == end {
            start.to_string()
        } else {
            format!("{start}-{end}")
        });
        i += 1;
    }
    out.join(", ")
}

/// Audits the room at `target` as a whole: [`snapshot`], [`check_snapshot`] and
/// [`verify_feeds`] in one call.
///
/// # Errors
///
/// Relay errors after the retries. Findings are not errors: they are in the report.
pub fn audit(
    target: &RelayTarget,
    state: &Path,
    reader: &mut Reader,
    room_key: &RoomKey,
    deadline: Option<Instant>,
    warn: Warn<'_>,
) -> Result<Report> {
    let mut findings = Vec::new();
    let snap = snapshot(target, state, deadline, warn)?;
    let feeds = check_snapshot(snap, room_key, &mut findings);
    let feeds = verify_feeds(reader, feeds, &mut findings);
    Ok(Report { findings, feeds })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::room::feed::tests::{A, rec};

    fn copy(seqs: &[u64]) -> Copy {
        vec![(
            A.to_string(),
            seqs.iter().map(|&s| rec(A, s).into_bytes()).collect(),
        )]
    }

    #[test]
    fn relays_compared_name_holes_lag_and_altered_records() {
        let altered = format!("fc1.{A}.2.YWx0ZXJlZA{}", "Q".repeat(20)).into_bytes();
        let mut c = copy(&[1, 2, 4]);
        c[0].1[1] = altered.clone();
        let copies = vec![
            ("ftp://a/r".to_string(), copy(&[1, 2, 3, 4, 5])),
            ("ftp://b/r".to_string(), copy(&[1, 2, 4])),
            ("ftp://c/r".to_string(), c),
        ];
        let mut findings = Vec::new();
        let merged = merge_copies(copies, &mut findings);
        let text: Vec<String> = findings
            .iter()
            .map(|f| format!("{}: {}", f.scope, f.finding))
            .collect();
        assert!(
            text.iter()
                .any(|t| t.starts_with("relay ftp://b/r: withholds feed")
                    && t.contains("records 3 that")),
            "{text:#?}"
        );
        assert!(
            text.iter()
                .any(|t| t.starts_with("relay ftp://b/r: lacks the newest") && t.contains("(5)")),
            "{text:#?}"
        );
        assert!(
            text.iter().any(|t| t
                .contains("record 2 differs between relays (ftp://a/r, ftp://b/r / ftp://c/r)")),
            "{text:#?}"
        );
        // Each record once, both versions of record 2 (the reader calls one a fork).
        assert_eq!(merged[0].1.len(), 6);
        assert!(merged[0].1.contains(&altered));
    }

    #[test]
    fn one_copy_passes_through_and_equal_copies_find_nothing() {
        let mut findings = Vec::new();
        let merged = merge_copies(vec![("a".into(), copy(&[1, 1, 2]))], &mut findings);
        assert_eq!(
            merged[0].1.len(),
            3,
            "a relay's own duplicates reach the reader"
        );
        let merged = merge_copies(
            vec![("a".into(), copy(&[1, 2])), ("b".into(), copy(&[1, 2]))],
            &mut findings,
        );
        assert_eq!(merged[0].1.len(), 2);
        assert!(findings.is_empty(), "{findings:?}");
        assert_eq!(ranges(&[1, 2, 3, 7, 9, 10]), "1-3, 7, 9-10");
    }
}
