//! Turning record lines into messages: decrypt, verify, chain-check.
//!
//! One [`Reader`] serves `decrypt`, `pull | decrypt` and `watch`: it takes raw lines in the
//! order they were read and returns, per line, the message to show (if any) and the
//! findings to report. A record that fails is never returned as an authentic message.

use serde::Serialize;

use crate::keys::RoomKey;
use crate::record::chain::{ChainChecker, Finding};
use crate::record::legacy::LegacyKey;
use crate::record::{self, LineKind};

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
}

/// The reason shown for every legacy message.
pub const LEGACY_UNAUTHENTICATED: &str = "legacy FTPChat format: no sender authentication";

/// Decrypts and verifies a stream of lines.
#[derive(Debug)]
pub struct Reader {
    rooms: Vec<RoomKey>,
    legacy: Option<LegacyKey>,
    chain: ChainChecker,
    strict: bool,
}

impl Reader {
    /// A reader with these room keys and, optionally, the legacy key. With `strict`, chain
    /// irregularities count as failures (`decrypt --verify`).
    pub fn new(rooms: Vec<RoomKey>, legacy: Option<LegacyKey>, strict: bool) -> Self {
        Reader {
            rooms,
            legacy,
            chain: ChainChecker::new(),
            strict,
        }
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
        let mut out = Outcome::default();
        match record::classify(raw) {
            Ok(LineKind::Blank) => {}
            Err(e) => {
                out.warnings.push(format!("{place}: skipped: {e}"));
                out.failed = true;
            }
            Ok(LineKind::Legacy(line)) => self.read_legacy(line, place, &mut out),
            Ok(LineKind::Native(rec)) => self.read_native(&rec, place, &mut out),
        }
        out
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
                })
            }
            Err(e) => {
                out.warnings.push(format!("{place}: {e}"));
                out.failed = true;
            }
        }
    }

    fn read_native(&mut self, rec: &record::RecordLine<'_>, place: &str, out: &mut Outcome) {
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
        };
        let opened = match record::open(rec, &self.rooms) {
            Ok(o) => o,
            Err(e) => {
                out.warnings.push(format!("{name}: {e}"));
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
        let findings: Vec<String> = checked.findings.iter().map(ToString::to_string).collect();
        let tainted = checked.findings.iter().any(Finding::taints_record);
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
        let env = opened.envelope;
        out.failed = tainted || (self.strict && irregular);
        out.message = Some(Message {
            format: "native",
            ts: Some(env.ts),
            name: Some(env.name),
            sender: Some(env.from),
            room: Some(env.room),
            feed: Some(rec.feed.to_string()),
            seq: Some(rec.seq),
            kind: Some(env.kind),
            body: Some(env.body),
            verified: !tainted,
            reason: tainted.then(|| findings.join("; ")),
            findings,
            legacy_version: None,
        });
    }
}
