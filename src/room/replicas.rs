//! One room read from several relays at once (a room with mirrors).
//!
//! Records authenticate themselves and are numbered per feed, so the relays of a room are
//! replicas: what one lacks another may hold. [`Replicas`] polls each relay over its own
//! kept session with its own byte cursors, and merges what they hold so each record is
//! passed on once, whichever relay served it first. A relay that cannot be reached is
//! rested with backoff and the others are read meanwhile; when it comes back its cursors
//! resume where they were, and what it serves that another relay already gave is dropped.
//!
//! With a single relay nothing is filtered: the reader's own chain check reports
//! duplicates and replays as before.

use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

use super::Session;
use super::delivery::backoff;
use super::feed::{Cursor, Fetched};
use crate::error::Result;
use crate::protocol::record;

/// One relay of the room.
#[derive(Debug)]
struct Source {
    session: Session,
    cursors: BTreeMap<String, Cursor>,
    failures: u32,
    next_try: Instant,
}

/// What one relay served in a poll, merged: lines another relay gave first are gone.
#[derive(Debug)]
pub struct Polled {
    /// Which relay (an index into the list the [`Replicas`] was made with).
    pub relay: usize,
    /// The feed.
    pub feed: String,
    /// What was read; its cursor is where this relay's reading of the feed got to.
    pub fetched: Fetched,
}

/// What a poll of every relay brought.
#[derive(Debug, Default)]
pub struct Round {
    /// Per relay and feed, in relay order.
    pub polled: Vec<Polled>,
    /// Findings: a relay that could not be read, a relay serving a different record at
    /// a place another relay filled.
    pub warnings: Vec<String>,
    /// Some relay opened a new connection (for a "reconnected" note).
    pub connected: bool,
    /// Some relay holds more than this poll downloaded.
    pub more: bool,
}

/// A room on one or more relays, polled together.
#[derive(Debug)]
pub struct Replicas {
    sources: Vec<Source>,
    merge: Option<Merge>,
}

impl Replicas {
    /// The relays, each with the cursors saved for it (empty: from the beginning).
    ///
    /// # Panics
    ///
    /// When `relays` is empty.
    pub fn new(relays: Vec<(Session, BTreeMap<String, Cursor>)>) -> Self {
        assert!(!relays.is_empty(), "a room has at least one relay");
        let merge = (relays.len() > 1).then(|| Merge::new(relays.iter().map(|(_, c)| c)));
        Replicas {
            sources: relays
                .into_iter()
                .map(|(session, cursors)| Source {
                    session,
                    cursors,
                    failures: 0,
                    next_try: Instant::now(),
                })
                .collect(),
            merge,
        }
    }

    /// How many relays.
    pub fn len(&self) -> usize {
        self.sources.len()
    }

    /// Always false: a room has at least one relay.
    pub fn is_empty(&self) -> bool {
        self.sources.is_empty()
    }

    /// The state key of relay `i`.
    pub fn key(&self, i: usize) -> &str {
        &self.sources[i].session.target().key
    }

    /// The saved cursors of relay `i`.
    pub fn cursors(&self, i: usize) -> &BTreeMap<String, Cursor> {
        &self.sources[i].cursors
    }

    /// Every relay's cursors.
    pub fn all_cursors(&self) -> impl Iterator<Item = &BTreeMap<String, Cursor>> {
        self.sources.iter().map(|s| &s.cursors)
    }

    /// Records that relay `i` has read `feed` up to `cursor`.
    pub fn advance(&mut self, i: usize, feed: &str, cursor: Cursor) {
        self.sources[i].cursors.insert(feed.to_string(), cursor);
    }

    /// The session of relay `i` (to fetch an attachment a message announced).
    pub fn session_mut(&mut self, i: usize) -> &mut Session {
        &mut self.sources[i].session
    }

    /// Runs `work` on the first relay that answers (relays resting after a failure last),
    /// with that relay's index and cursors.
    ///
    /// # Errors
    ///
    /// The last relay's error when none answered.
    pub fn on_any<T>(
        &mut self,
        mut work: impl FnMut(&mut Session, &BTreeMap<String, Cursor>) -> Result<T>,
    ) -> Result<(usize, T)> {
        let mut order: Vec<usize> = (0..self.sources.len()).collect();
        order.sort_by_key(|&i| self.sources[i].failures > 0);
        let mut last = None;
        for i in order {
            let s = &mut self.sources[i];
            match s
                .session
                .connect()
                .and_then(|()| work(&mut s.session, &s.cursors))
            {
                Ok(v) => return Ok((i, v)),
                Err(e) if e.is_transient() && self.sources.len() > 1 => {
                    self.sources[i].session.disconnect();
                    last = Some(e);
                }
                Err(e) => return Err(e),
            }
        }
        Err(last.expect("a room has at least one relay"))
    }

    /// Polls every relay that is not resting after a failure, merging what they serve.
    ///
    /// # Errors
    ///
    /// With one relay, its error. With several, an error only when every relay tried
    /// failed (the last one's); otherwise a relay's failure is a warning and it is
    /// tried again after a backoff. Cursors never move on an error.
    pub fn poll(&mut self) -> Result<Round> {
        let mut round = Round::default();
        let several = self.sources.len() > 1;
        let now = Instant::now();
        // Several relays are polled at once, each on its own thread, so one that hangs
        // until its timeouts delays only itself.
        let polled: Vec<Option<Polling>> = if several {
            std::thread::scope(|scope| {
                let running: Vec<_> = self
                    .sources
                    .iter_mut()
                    .map(|s| (now >= s.next_try).then(|| scope.spawn(move || poll_one(s))))
                    .collect();
                running
                    .into_iter()
                    .map(|t| t.map(|t| t.join().unwrap_or_else(|p| std::panic::resume_unwind(p))))
                    .collect()
            })
        } else {
            vec![Some(poll_one(&mut self.sources[0]))]
        };
        let mut answered = false;
        let mut last = None;
        for (i, p) in polled.into_iter().enumerate() {
            let Some(p) = p else { continue };
            round.warnings.extend(p.warnings);
            let s = &mut self.sources[i];
            match p.result {
                Ok(fetched) => {
                    answered = true;
                    round.connected |= !p.was_connected;
                    if s.failures > 0 && several {
                        round
                            .warnings
                            .push(format!("{}: reachable again", s.session.target().key));
                    }
                    s.failures = 0;
                    for (feed, mut f) in fetched {
                        round.more |= f.more;
                        if let Some(m) = &mut self.merge
                            && f.rewritten.is_none()
                        {
                            let key = &self.sources[i].session.target().key;
                            f.lines = m.admit(i, key, &feed, f.lines, &mut round.warnings);
                        }
                        round.polled.push(Polled {
                            relay: i,
                            feed,
                            fetched: f,
                        });
                    }
                }
                Err(e) if several && e.is_transient() => {
                    s.failures += 1;
                    let wait = backoff(s.failures);
                    s.next_try = Instant::now() + wait;
                    round.warnings.push(format!(
                        "{}: {e}; trying it again in {:.1}s, reading the other relays meanwhile",
                        s.session.target().key,
                        wait.as_secs_f64()
                    ));
                    last = Some(e);
                }
                Err(e) => return Err(e),
            }
        }
        match last {
            Some(e) if !answered => Err(e),
            _ => Ok(round),
        }
    }

    /// Ends every session politely.
    pub fn close(self) {
        for s in self.sources {
            s.session.close();
        }
    }
}

/// One relay's poll, as its thread hands it back.
struct Polling {
    was_connected: bool,
    result: Result<Vec<(String, Fetched)>>,
    warnings: Vec<String>,
}

fn poll_one(s: &mut Source) -> Polling {
    let was_connected = s.session.is_connected();
    let mut warnings = Vec::new();
    let result = s.session.poll(&s.cursors, &mut warnings);
    Polling {
        was_connected,
        result,
        warnings,
    }
}

/// The merge of several relays' copies of each feed: which (feed, seq) places were
/// filled, by which relay and with which record.
#[derive(Debug, Default)]
struct Merge {
    /// Per feed, the highest seq an earlier run read from any relay: lines at or below
    /// it that this run has not seen were passed on before.
    shown_through: HashMap<String, u64>,
    /// (feed, seq) -> short hash of the line and the relay that served it first.
    seen: HashMap<(String, u64), (u64, usize)>,
}

impl Merge {
    fn new<'a>(saved: impl Iterator<Item = &'a BTreeMap<String, Cursor>>) -> Self {
        let mut shown_through: HashMap<String, u64> = HashMap::new();
        for cursors in saved {
            for (feed, c) in cursors {
                let v = shown_through.entry(feed.clone()).or_default();
                *v = (*v).max(c.seq);
            }
        }
        Merge {
            shown_through,
            seen: HashMap::new(),
        }
    }

    /// The lines of `feed` relay `relay` served that no relay served before. A line
    /// that differs from the one another relay served at the same place is kept (the
    /// reader's chain check calls it a fork) and reported naming both relays.
    fn admit(
        &mut self,
        relay: usize,
        key: &str,
        feed: &str,
        lines: Vec<Vec<u8>>,
        warnings: &mut Vec<String>,
    ) -> Vec<Vec<u8>> {
        let before = self.shown_through.get(feed).copied().unwrap_or(0);
        lines
            .into_iter()
            .filter(|line| {
                let Some(seq) = std::str::from_utf8(line)
                    .ok()
                    .and_then(|l| record::parse_line(l).ok())
                    .filter(|r| r.feed == feed)
                    .map(|r| r.seq)
                else {
                    // Not a record of this feed: the reader says what is wrong with it.
                    return true;
                };
                let short = short_hash(line);
                match self.seen.get(&(feed.to_string(), seq)) {
                    Some((h, _)) if *h == short => false,
                    Some((_, first)) if *first == relay => true,
                    Some((_, first)) => {
                        warnings.push(format!(
                            "{key}: feed {feed} record {seq} differs from the one relay #{} \
                             served (`ftpchat verify` compares the relays)",
                            first + 1
                        ));
                        true
                    }
                    None => {
                        self.seen.insert((feed.to_string(), seq), (short, relay));
                        seq > before
                    }
                }
            })
            .collect()
    }
}

fn short_hash(line: &[u8]) -> u64 {
    let d = crate::protocol::encoding::sha256(&[line]);
    u64::from_le_bytes(d[..8].try_into().expect("8 bytes"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::room::feed::tests::rec;

    const F: &str = crate::room::feed::tests::A;

    fn lines(seqs: &[u64]) -> Vec<Vec<u8>> {
        seqs.iter().map(|&s| rec(F, s).into_bytes()).collect()
    }

    #[test]
    fn each_record_passes_once_whichever_relay_serves_it_first() {
        let mut m = Merge::default();
        let mut w = Vec::new();
        assert_eq!(m.admit(0, "a", F, lines(&[1, 2, 3]), &mut w).len(), 3);
        assert_eq!(m.admit(1, "b", F, lines(&[1, 2]), &mut w).len(), 0);
        assert_eq!(
            m.admit(1, "b", F, lines(&[3, 4, 5]), &mut w),
            lines(&[4, 5])
        );
        assert_eq!(m.admit(0, "a", F, lines(&[4, 5, 6]), &mut w), lines(&[6]));
        assert!(w.is_empty(), "{w:?}");
    }

    #[test]
    fn a_different_record_at_a_filled_place_is_kept_and_named() {
        let mut m = Merge::default();
        let mut w = Vec::new();
        m.admit(0, "a", F, lines(&[1]), &mut w);
        let other = format!("fc1.{F}.1.b3RoZXI{}", "Q".repeat(20)).into_bytes();
        let kept = m.admit(1, "ftp://b/room", F, vec![other.clone()], &mut w);
        assert_eq!(kept, vec![other]);
        assert_eq!(w.len(), 1);
        assert!(
            w[0].contains("ftp://b/room") && w[0].contains("relay #1"),
            "{w:?}"
        );
    }

    #[test]
    fn records_an_earlier_run_read_from_another_relay_are_not_passed_again() {
        let saved = BTreeMap::from([(
            F.to_string(),
            Cursor {
                seq: 4,
                ..Cursor::default()
            },
        )]);
        let empty = BTreeMap::new();
        let mut m = Merge::new([&saved, &empty].into_iter());
        let mut w = Vec::new();
        // The lagging relay starts from its own (empty) cursor.
        assert_eq!(
            m.admit(1, "b", F, lines(&[1, 2, 3, 4, 5]), &mut w),
            lines(&[5])
        );
    }
}
