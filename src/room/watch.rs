//! Following a room: one poll at a time, each returning the messages that arrived, in a
//! form a caller can print, hand to a hook or collect.
//!
//! A [`Watcher`] keeps the connection, the reader (signatures, chains, roster) and the
//! read cursors between polls. Resuming from saved cursors skips roster records already
//! read, so before the first poll it replays the owner's feed once, without output, so
//! that senders are judged against the whole roster. A failed poll drops the connection
//! and leaves every cursor where it was, so the next poll repeats it: no gap, no
//! duplicate. Backoff between failed polls is the caller's choice.

use std::collections::{BTreeMap, BTreeSet};

use super::Session;
use super::feed::Cursor;
use super::reader::{Message, Reader};
use super::replicas::{Patience, Replicas};
use crate::error::Result;
use crate::protocol::keys::RoomKey;
use std::path::PathBuf;

/// Lines verified at once (a slice of a poll).
const READ_SLICE: usize = 1024;

/// How long a record another writer had read may stay unseen here before it is named as
/// withheld (a writer may be read a little ahead of a lagging relay, or of the poll).
pub const WITHHELD_AFTER: std::time::Duration = std::time::Duration::from_secs(15);

/// Findings one poll reports one by one; the rest are counted in one line.
pub const MAX_FINDINGS: usize = 200;

/// How long a live reader keeps polling at its shortest interval after the room was
/// last active, before it backs off: replies in a conversation come within seconds, and
/// an idle poll is one cheap request (see [`Session::poll_live`]).
pub const STAY_QUICK: std::time::Duration = std::time::Duration::from_secs(3);

/// When a live reader polls next: every `min` while the room is active and for
/// [`STAY_QUICK`] after, then each quiet poll waits 1.5 times longer, up to `max`.
#[derive(Debug, Clone)]
pub struct Cadence {
    min: std::time::Duration,
    max: std::time::Duration,
    interval: std::time::Duration,
    active_at: std::time::Instant,
}

impl Cadence {
    /// Starts quick, as after activity.
    pub fn new(min: std::time::Duration, max: std::time::Duration) -> Self {
        Cadence {
            min,
            max: max.max(min),
            interval: min,
            active_at: std::time::Instant::now(),
        }
    }

    /// The wait before the next poll, given whether the last one brought anything.
    pub fn next(&mut self, active: bool) -> std::time::Duration {
        if active {
            self.active_at = std::time::Instant::now();
            self.interval = self.min;
        } else if self.active_at.elapsed() >= STAY_QUICK {
            self.interval = self.interval.mul_f64(1.5).min(self.max);
        }
        self.interval
    }
}

/// What one poll brought.
#[derive(Debug, Default)]
pub struct Batch {
    /// New messages, ordered by their timestamps.
    pub messages: Vec<Message>,
    /// Findings to show: skipped lines, rewritten feeds, chain and roster findings, relays
    /// that could not be read.
    pub warnings: Vec<String>,
    /// Cursors of the feeds read, per relay key, to save once the messages are handled.
    pub advanced: BTreeMap<String, BTreeMap<String, Cursor>>,
    /// Records that could not be opened or verified.
    pub failed: usize,
    /// This poll opened a new connection.
    pub connected: bool,
    /// Some feed holds more than this poll could download: poll again without waiting.
    pub more: bool,
}

/// Follows one room on its relay (or relays, merged: see [`Replicas`]).
#[derive(Debug)]
pub struct Watcher {
    relays: Replicas,
    reader: Reader,
    owner_feed: Option<String>,
    replay: Option<Vec<PathBuf>>,
    reported: BTreeSet<String>,
    keep_empty: bool,
}

impl Watcher {
    /// A watcher starting from `cursors` (empty: from the beginning). `replay_keys` are
    /// the room key files for the one-time roster replay (needed only when resuming a
    /// room with an owner). `keep_empty` keeps records without a body (roster changes) in
    /// [`Batch::messages`].
    pub fn new(
        session: Session,
        reader: Reader,
        cursors: BTreeMap<String, Cursor>,
        replay_keys: Vec<PathBuf>,
        keep_empty: bool,
    ) -> Self {
        Self::several(vec![(session, cursors)], reader, replay_keys, keep_empty)
    }

    /// A watcher of a room on several relays, each with its saved cursors.
    ///
    /// # Panics
    ///
    /// When `relays` is empty.
    pub fn several(
        relays: Vec<(Session, BTreeMap<String, Cursor>)>,
        mut reader: Reader,
        replay_keys: Vec<PathBuf>,
        keep_empty: bool,
    ) -> Self {
        let relays = Replicas::new(relays);
        let owner_feed = reader.owner_feed();
        let resuming = relays.all_cursors().any(|c| !c.is_empty());
        let replay = (owner_feed.is_some() && resuming).then_some(replay_keys);
        for cursors in relays.all_cursors() {
            for (feed, c) in cursors {
                if c.seq > 0 {
                    reader.chain_mut().seed(feed, c.seq, &c.hash);
                }
            }
        }
        Watcher {
            relays,
            reader,
            owner_feed,
            replay,
            reported: BTreeSet::new(),
            keep_empty,
        }
    }

    /// The reader (for learned keys and the roster).
    pub fn reader_mut(&mut self) -> &mut Reader {
        &mut self.reader
    }

    /// Downloads the attachment a verified message announces, from the first relay that
    /// has it.
    ///
    /// # Errors
    ///
    /// As [`Session::save_attachment`], of the last relay tried.
    pub fn save_attachment(
        &mut self,
        m: &Message,
        dest: &std::path::Path,
    ) -> Result<Option<PathBuf>> {
        let mut last = None;
        for i in 0..self.relays.len() {
            // A relay still busy with a poll is skipped (the next one may have the file).
            let Some(session) = self.relays.session_mut(i) else {
                continue;
            };
            match session.save_attachment(m, dest) {
                Ok(saved) => return Ok(saved),
                Err(e) => last = Some(e),
            }
        }
        Err(last.unwrap_or_else(|| {
            crate::error::Error::Usage(
                "every relay is busy with a poll; the attachment is fetched on the next try".into(),
            )
        }))
    }

    /// The one-time roster replay of a resumed room, from the first relay that answers.
    fn replay_roster(&mut self, keys: &[PathBuf], of: &str, batch: &mut Batch) -> Result<()> {
        let device = self.reader.device().cloned();
        let keys = keys
            .iter()
            .map(|p| RoomKey::load(p))
            .collect::<Result<Vec<_>>>()?;
        let mut warnings = Vec::new();
        let (_, (changed, mut side)) = self.relays.on_any(|session, cursors| {
            // The roster read before must still be there byte for byte: a relay that
            // rewrites it (even at the same size) could undo a removal.
            let changed = match cursors.get(of) {
                Some(c) => session.check_read_bytes(of, c)?,
                None => None,
            };
            warnings.clear();
            let side =
                session.replay_owner_feed(of, keys.clone(), device.clone(), &mut warnings)?;
            Ok((changed, side))
        })?;
        // Findings of the replay are reported, never dropped.
        batch.warnings.append(&mut warnings);
        self.reader.adopt(side.take_learned());
        match changed {
            Some(why) => {
                // The roster no longer matches what was read: judge no sender by it.
                batch.warnings.push(format!(
                    "{why}; this is the room owner's feed (the roster), so senders are \
                     not judged against it (`ftpchat verify` names what changed)"
                ));
                self.reported.insert(of.to_string());
            }
            None => {
                if let Some(r) = side.complete_roster() {
                    self.reader.set_roster(r);
                }
            }
        }
        Ok(())
    }

    /// Polls once: connects if needed, reads what grew, verifies it.
    ///
    /// # Errors
    ///
    /// Relay errors (with several relays: only when none could be read); nothing
    /// advanced then, and the next poll reconnects.
    pub fn poll(&mut self) -> Result<Batch> {
        let mut batch = Batch::default();
        if let (Some(keys), Some(of)) = (self.replay.clone(), self.owner_feed.clone()) {
            self.replay_roster(&keys, &of, &mut batch)?;
            self.replay = None;
        }
        let round = self.relays.poll(Patience::Lively)?;
        batch.connected = round.connected;
        batch.more = round.more;
        batch.warnings.extend(round.warnings);
        let mut polled = round.polled;
        // The roster first, so it is known before the messages it vouches for.
        polled.sort_by_key(|p| Some(&p.feed) != self.owner_feed.as_ref());
        let mut readable = Vec::new();
        for p in polled {
            if let Some(why) = &p.fetched.rewritten {
                let key = format!("{}\n{}", self.relays.key(p.relay), p.feed);
                if self.reported.insert(key) {
                    batch.warnings.push(why.clone());
                }
                continue;
            }
            batch.warnings.extend(p.fetched.skipped.iter().cloned());
            readable.push(p);
        }
        // Lines are verified a slice at a time and findings past MAX_FINDINGS are only
        // counted, so what a poll holds besides its messages stays small however many
        // bad lines a relay serves.
        let mut unshown = 0usize;
        for p in &readable {
            let label = format!("feed {}", p.feed);
            for part in p.fetched.lines.chunks(READ_SLICE) {
                let lines = part.iter().map(|l| (&l[..], label.clone()));
                for outcome in self.reader.read_all(lines) {
                    for w in outcome.warnings {
                        if batch.warnings.len() < MAX_FINDINGS {
                            batch.warnings.push(w);
                        } else {
                            unshown += 1;
                        }
                    }
                    batch.failed += usize::from(outcome.failed);
                    if let Some(m) = outcome.message
                        && (m.body.is_some() || self.keep_empty)
                    {
                        batch.messages.push(m);
                    }
                }
            }
        }
        if unshown > 0 {
            batch
                .warnings
                .push(format!("{unshown} more findings in this poll not shown"));
        }
        for p in readable {
            // The chain seed kept in the cursor comes from verified records only.
            let mut cursor = p.fetched.cursor;
            let (seq, hash) = match self.reader.chain().head(&p.feed) {
                Some((seq, hash)) => (seq, hash.to_string()),
                None => (0, String::new()),
            };
            cursor.seq = seq;
            cursor.hash = hash;
            batch
                .advanced
                .entry(self.relays.key(p.relay).to_string())
                .or_default()
                .insert(p.feed.clone(), cursor.clone());
            self.relays.advance(p.relay, &p.feed, cursor);
        }
        // Records other writers had read that no relay has shown this reader for a while.
        batch.warnings.extend(self.reader.withheld(WITHHELD_AFTER));
        // Feeds interleave by time only across files; order each batch by timestamp, but
        // never a message before one its writer had read.
        super::reader::causal_order(&mut batch.messages);
        Ok(batch)
    }

    /// Ends the sessions politely.
    pub fn close(self) {
        self.relays.close();
    }
}

#[cfg(test)]
mod cadence_tests {
    use super::{Cadence, STAY_QUICK};
    use std::time::{Duration, Instant};

    #[test]
    fn a_reader_stays_quick_after_activity_then_backs_off_to_the_longest_interval() {
        let (min, max) = (Duration::from_millis(100), Duration::from_secs(1));
        let mut c = Cadence::new(min, max);
        assert_eq!(c.next(false), min, "quick right after start");
        assert_eq!(c.next(true), min);
        // As if the last activity was long ago.
        c.active_at = Instant::now().checked_sub(STAY_QUICK).expect("clock");
        let waits: Vec<Duration> = (0..8).map(|_| c.next(false)).collect();
        assert_eq!(waits[0], Duration::from_millis(150));
        assert!(waits.windows(2).all(|w| w[0] <= w[1]));
        assert_eq!(waits[7], max);
        assert_eq!(c.next(true), min, "activity makes it quick again");
    }
}
