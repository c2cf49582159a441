//! One room read from several relays at once (a room with mirrors).
//!
//! Records authenticate themselves and are numbered per feed, so the relays of a room are
//! replicas: what one lacks another may hold. [`Replicas`] polls each relay over its own
//! kept session with its own byte cursors, each on a thread of its own, and merges what
//! they hold so each record is passed on once, whichever relay served it first. A relay
//! that answers slowly (one that hangs until its timeouts) does not hold up the others:
//! once one relay answered, the rest get [`LAGGARD_WAIT`] more, and a later answer is
//! taken up by the next poll. A relay that fails is rested with backoff and the others
//! are read meanwhile; when it comes back its cursors resume where they were, and what
//! it serves that another relay already gave is dropped.
//!
//! With a single relay nothing runs on a thread and nothing is filtered: the reader's own
//! chain check reports duplicates and replays as before.

use std::collections::{BTreeMap, HashMap};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::Session;
use super::delivery::backoff;
use super::feed::{Cursor, Fetched};
use crate::error::{Error, Result};
use crate::protocol::record;

/// Once one relay answered a poll, how long the others still have before the poll goes on
/// without them (their answers are taken up by the next poll).
pub const LAGGARD_WAIT: Duration = Duration::from_millis(300);

/// How long a poll waits for the relays it asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Patience {
    /// Until every relay asked has answered or failed (each within its own timeouts): a
    /// one-off read such as `pull`, which wants all there is.
    All,
    /// Until one answered and then [`LAGGARD_WAIT`]: a live reader such as `watch`. Its
    /// idle polls ask only for the room's change marker between full listings (see
    /// [`Session::poll_live`]).
    Lively,
}

/// One relay of the room.
#[derive(Debug)]
struct Source {
    key: String,
    /// `None` while a poll of this relay runs on its thread.
    session: Option<Session>,
    cursors: BTreeMap<String, Cursor>,
    failures: u32,
    next_try: Instant,
}

/// What a poll thread hands back: the relay, its session, and the poll (or the panic).
type Answer = (usize, std::thread::Result<(Session, Polling)>);

/// A session for each of `relays` with the cursors saved for it under `cursor` (none
/// with `from_start`), as [`Replicas::new`] and [`super::watch::Watcher::several`] take
/// them.
///
/// # Errors
///
/// The state directory cannot be used.
pub fn with_saved_cursors(
    state: &std::path::Path,
    relays: Vec<super::RelayTarget>,
    cursor: &str,
    from_start: bool,
) -> Result<Vec<(Session, BTreeMap<String, Cursor>)>> {
    relays
        .into_iter()
        .map(|t| {
            let cursors = if from_start {
                BTreeMap::new()
            } else {
                super::feed::RelayState::load(state, &t.key, cursor)?
            };
            Ok((Session::new(t), cursors))
        })
        .collect()
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
    answers: mpsc::Receiver<Answer>,
    answer_to: mpsc::Sender<Answer>,
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
        let (answer_to, answers) = mpsc::channel();
        Replicas {
            sources: relays
                .into_iter()
                .map(|(session, cursors)| Source {
                    key: session.target().key.clone(),
                    session: Some(session),
                    cursors,
                    failures: 0,
                    next_try: Instant::now(),
                })
                .collect(),
            merge,
            answers,
            answer_to,
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
        &self.sources[i].key
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

    /// The session of relay `i` (to fetch an attachment a message announced); `None`
    /// while a poll of it is still running.
    pub fn session_mut(&mut self, i: usize) -> Option<&mut Session> {
        self.sources[i].session.as_mut()
    }

    /// The relays whose poll is still running (they answered nothing yet).
    pub fn busy(&self) -> Vec<String> {
        self.sources
            .iter()
            .filter(|s| s.session.is_none())
            .map(|s| s.key.clone())
            .collect()
    }

    /// Runs `work` on the first relay that answers (relays resting after a failure last,
    /// relays being polled not at all), with that relay's index and cursors.
    ///
    /// # Errors
    ///
    /// The last relay's error when none answered.
    pub fn on_any<T>(
        &mut self,
        mut work: impl FnMut(&mut Session, &BTreeMap<String, Cursor>) -> Result<T>,
    ) -> Result<(usize, T)> {
        let several = self.sources.len() > 1;
        let mut order: Vec<usize> = (0..self.sources.len()).collect();
        order.sort_by_key(|&i| self.sources[i].failures > 0);
        let mut last = None;
        for i in order {
            let s = &mut self.sources[i];
            let Some(session) = s.session.as_mut() else {
                continue;
            };
            match session.connect().and_then(|()| work(session, &s.cursors)) {
                Ok(v) => return Ok((i, v)),
                Err(e) if e.is_transient() && several => {
                    session.disconnect();
                    last = Some(e);
                }
                Err(e) => return Err(e),
            }
        }
        Err(last.unwrap_or_else(|| {
            Error::Usage("every relay of the room is busy with a poll; try again".into())
        }))
    }

    /// Polls every relay that is not resting after a failure and not still busy with the
    /// last poll, merging what they serve, plus what relays that were late for the last
    /// poll answered since.
    ///
    /// # Errors
    ///
    /// With one relay, its error. With several, an error only when no relay answered and
    /// one failed (the last one's); otherwise a relay's failure is a warning and it is
    /// tried again after a backoff. Cursors never move on an error.
    pub fn poll(&mut self, patience: Patience) -> Result<Round> {
        if self.sources.len() == 1 {
            let s = &mut self.sources[0];
            let session = s
                .session
                .as_mut()
                .expect("one relay is never polled on a thread");
            let p = poll_one(session, &s.cursors, patience == Patience::Lively);
            let mut round = Round::default();
            self.take(0, p, &mut round)?;
            return Ok(round);
        }
        let now = Instant::now();
        let mut started = 0;
        for (i, s) in self.sources.iter_mut().enumerate() {
            if now < s.next_try {
                continue;
            }
            let Some(mut session) = s.session.take() else {
                continue;
            };
            started += 1;
            let cursors = s.cursors.clone();
            let answer_to = self.answer_to.clone();
            std::thread::spawn(move || {
                let polled = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
                    let p = poll_one(&mut session, &cursors, patience == Patience::Lively);
                    (session, p)
                }));
                let _ = answer_to.send((i, polled));
            });
        }
        let mut round = Round::default();
        let mut answered: Option<Instant> = None;
        let mut last = None;
        while self.sources.iter().any(|s| s.session.is_none()) {
            let wait = match (patience, answered) {
                (Patience::Lively, Some(at)) => LAGGARD_WAIT.saturating_sub(at.elapsed()),
                // Nothing asked this time (the rest resting, or still busy from before):
                // a live reader does not wait on a hung relay's old poll.
                (Patience::Lively, None) if started == 0 => LAGGARD_WAIT,
                // Every poll ends within its relay's own timeouts.
                _ => Duration::from_secs(3600),
            };
            let Ok((i, polled)) = self.answers.recv_timeout(wait) else {
                break;
            };
            let (session, p) = polled.unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            self.sources[i].session = Some(session);
            match self.take(i, p, &mut round) {
                Ok(()) => {
                    answered.get_or_insert_with(Instant::now);
                }
                Err(e) => last = Some(e),
            }
        }
        match last {
            Some(e) if answered.is_none() => Err(e),
            _ => Ok(round),
        }
    }

    /// Takes relay `i`'s poll into `round`: its feeds, merged, or its failure as a
    /// warning (with several relays; the error itself is returned either way).
    fn take(&mut self, i: usize, p: Polling, round: &mut Round) -> Result<()> {
        let several = self.sources.len() > 1;
        round.warnings.extend(p.warnings);
        let s = &mut self.sources[i];
        match p.result {
            Ok(fetched) => {
                round.connected |= !p.was_connected;
                if s.failures > 0 && several {
                    round.warnings.push(format!("{}: reachable again", s.key));
                }
                s.failures = 0;
                for (feed, mut f) in fetched {
                    round.more |= f.more;
                    if let Some(m) = &mut self.merge
                        && f.rewritten.is_none()
                    {
                        f.lines =
                            m.admit(i, &self.sources[i].key, &feed, f.lines, &mut round.warnings);
                    }
                    round.polled.push(Polled {
                        relay: i,
                        feed,
                        fetched: f,
                    });
                }
                Ok(())
            }
            Err(e) if several && e.is_transient() => {
                s.failures += 1;
                let wait = backoff(s.failures);
                s.next_try = Instant::now() + wait;
                round.warnings.push(format!(
                    "{}: {e}; trying it again in {:.1}s, reading the other relays meanwhile",
                    s.key,
                    wait.as_secs_f64()
                ));
                Err(e)
            }
            Err(e) if several => {
                // A permanent failure (a refused login) rests the relay as long as it gets.
                s.failures += 1;
                s.next_try = Instant::now() + backoff(u32::MAX);
                round.warnings.push(format!("{}: {e}", s.key));
                Err(e)
            }
            Err(e) => Err(e),
        }
    }

    /// Ends every session politely (a poll still running ends on its own).
    pub fn close(self) {
        for s in self.sources {
            if let Some(session) = s.session {
                session.close();
            }
        }
    }
}

/// One relay's poll, as its thread hands it back.
struct Polling {
    was_connected: bool,
    result: Result<Vec<(String, Fetched)>>,
    warnings: Vec<String>,
}

fn poll_one(session: &mut Session, cursors: &BTreeMap<String, Cursor>, live: bool) -> Polling {
    let was_connected = session.is_connected();
    let mut warnings = Vec::new();
    let result = if live {
        session.poll_live(cursors, &mut warnings)
    } else {
        session.poll(cursors, &mut warnings)
    };
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
