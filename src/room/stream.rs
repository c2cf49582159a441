//! Streaming delivery: record lines arrive one by one (a pipe from `encrypt --lines` or
//! `pull --follow`) and go to the relay as they come, over one kept session.
//!
//! The caller hands lines to a [`Pusher`] as it reads them and calls
//! [`Pusher::deliver`] whenever [`Pusher::due`] says so: at once when input is slow, so
//! a line is on the relay a round trip after it was read; in batches when input is fast,
//! because everything that arrived during one delivery goes in the next. A failed
//! delivery keeps everything and schedules the next attempt with backoff; this device's
//! own records are journaled already, and other writers' lines wait in the [`Spool`],
//! so a push killed at any point loses nothing.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

use super::delivery::{self, Feeds, Report, backoff, deliver_over, journal_for};
use super::journal::Journal;
use super::spool::Spool;
use super::{RelayTarget, Session};
use crate::error::{Error, Result};

/// Lines waiting beyond this many make the caller stop reading until they are delivered.
pub const MAX_PENDING: usize = 100_000;

/// Delivers a stream of record lines to a room's relay, or to each of its relays.
#[derive(Debug)]
pub struct Pusher {
    lanes: Vec<Lane>,
    state: PathBuf,
    journals: BTreeMap<String, Option<Journal>>,
    lines: usize,
}

/// One relay's share of the work: what it still lacks, and how its last tries went.
#[derive(Debug)]
struct Lane {
    session: Session,
    spool: Option<Spool>,
    pending: Feeds,
    failures: u32,
    next_try: Instant,
    delivered: Report,
    feeds: BTreeSet<String>,
    /// Given up on for this run (its records stay in the outbox and the spool).
    abandoned: bool,
}

impl Lane {
    fn key(&self) -> &str {
        &self.session.target().key
    }

    fn count(&self) -> usize {
        self.pending.values().map(BTreeMap::len).sum()
    }

    fn waiting(&self) -> bool {
        !self.abandoned && !self.pending.is_empty()
    }
}

/// Why a relay was given up on, and what happens to its records.
#[derive(Debug)]
pub struct Stalled {
    /// The relay's key.
    pub relay: String,
    /// Its last error.
    pub error: Error,
    /// Whether a later attempt is planned in this run.
    pub retrying: bool,
}

impl Pusher {
    /// A pusher for `targets` (a room's relays). Lines an earlier, interrupted push left
    /// in a relay's spool are taken up first.
    ///
    /// # Errors
    ///
    /// State directory errors.
    pub fn new(
        state: &Path,
        targets: Vec<RelayTarget>,
        warnings: &mut Vec<String>,
    ) -> Result<Self> {
        let mut lanes = Vec::new();
        for target in targets {
            let mut lane = Lane {
                spool: None,
                pending: Feeds::new(),
                failures: 0,
                next_try: Instant::now(),
                delivered: Report::default(),
                feeds: BTreeSet::new(),
                abandoned: false,
                session: Session::new(target),
            };
            let spool = Spool::open(state, lane.key())?;
            let left = spool.lines()?;
            if !left.is_empty() {
                delivery::add_lines(
                    &mut lane.pending,
                    0,
                    left.iter().map(String::as_str),
                    warnings,
                );
                lane.spool = Some(spool);
            }
            lanes.push(lane);
        }
        Ok(Pusher {
            lanes,
            state: state.to_path_buf(),
            journals: BTreeMap::new(),
            lines: 0,
        })
    }

    /// Takes lines as read (blank lines are ignored; malformed ones and forks become
    /// warnings numbered by input line). Lines of feeds this device does not journal
    /// are spooled, for every relay, before this returns.
    ///
    /// # Errors
    ///
    /// State directory errors.
    pub fn add(&mut self, lines: &[String], warnings: &mut Vec<String>) -> Result<()> {
        let mut added = Feeds::new();
        delivery::add_lines(
            &mut added,
            self.lines,
            lines.iter().map(String::as_str),
            warnings,
        );
        self.lines += lines.len();
        let mut foreign = Vec::new();
        for (feed, records) in &added {
            let state = &self.state;
            let own = self
                .journals
                .entry(feed.clone())
                .or_insert_with(|| journal_for(state, feed))
                .is_some();
            if !own {
                foreign.extend(records.values().cloned());
            }
        }
        for lane in &mut self.lanes {
            for (feed, records) in &added {
                let slot = lane.pending.entry(feed.clone()).or_default();
                for (seq, line) in records {
                    slot.entry(*seq).or_insert_with(|| line.clone());
                }
            }
            if !foreign.is_empty() {
                if lane.spool.is_none() {
                    lane.spool = Some(Spool::open(&self.state, lane.key())?);
                }
                let refs: Vec<&str> = foreign.iter().map(String::as_str).collect();
                lane.spool.as_ref().expect("opened above").add(&refs)?;
            }
        }
        Ok(())
    }

    /// Input lines taken so far.
    pub fn lines(&self) -> usize {
        self.lines
    }

    /// Records waiting for delivery (to the relay that lacks the most, among those still
    /// tried).
    pub fn pending(&self) -> usize {
        self.lanes
            .iter()
            .filter(|l| !l.abandoned)
            .map(Lane::count)
            .max()
            .unwrap_or(0)
    }

    /// When the next delivery may be tried: now, unless the last one to every relay
    /// that waits failed. `None` when nothing waits.
    pub fn due(&self) -> Option<Instant> {
        self.lanes
            .iter()
            .filter(|l| l.waiting())
            .map(|l| l.next_try)
            .min()
    }

    /// Whether every relay was given up on (nothing holds the records but the outbox).
    pub fn all_abandoned(&self) -> bool {
        self.lanes.iter().all(|l| l.abandoned)
    }

    /// The relays given up on in this run.
    pub fn abandoned(&self) -> Vec<String> {
        self.lanes
            .iter()
            .filter(|l| l.abandoned)
            .map(|l| l.key().to_string())
            .collect()
    }

    /// What was delivered so far, to the relay that took the most.
    pub fn delivered(&self) -> Report {
        self.lanes
            .iter()
            .map(|l| l.delivered)
            .max_by_key(|r| r.appended)
            .unwrap_or_default()
    }

    /// The relays' keys.
    pub fn relays(&self) -> Vec<String> {
        self.lanes.iter().map(|l| l.key().to_string()).collect()
    }

    /// Tries, once, to deliver everything waiting to each relay that is due. A relay
    /// that fails is retried with backoff, or given up on for this run when `give_up`
    /// says so for its error and failures in a row (a permanent error always is). What
    /// a relay that was given up on lacks stays in the outbox (this device's records)
    /// and its spool (other writers' lines) for a later push.
    ///
    /// # Errors
    ///
    /// Spool clean-up errors only; relay failures come back as [`Stalled`] entries.
    pub fn deliver(&mut self, give_up: impl Fn(&Error, u32) -> bool) -> Result<Vec<Stalled>> {
        let own: Vec<Journal> = self.journals.values().flatten().cloned().collect();
        let mut stalled = Vec::new();
        let now = Instant::now();
        for lane in &mut self.lanes {
            if !lane.waiting() || now < lane.next_try {
                continue;
            }
            let own: Vec<Journal> = own
                .iter()
                .filter(|j| lane.pending.contains_key(j.feed()))
                .cloned()
                .collect();
            match deliver_over(&mut lane.session, &self.state, &own, &lane.pending) {
                Ok(report) => {
                    lane.feeds
                        .extend(std::mem::take(&mut lane.pending).into_keys());
                    if let Some(spool) = lane.spool.take() {
                        spool.clear()?;
                    }
                    lane.failures = 0;
                    lane.delivered.appended += report.appended;
                    lane.delivered.feeds = lane.feeds.len();
                }
                Err(error) => {
                    lane.failures += 1;
                    lane.next_try = Instant::now() + backoff(lane.failures);
                    let retrying = error.is_transient() && !give_up(&error, lane.failures);
                    lane.abandoned = !retrying;
                    stalled.push(Stalled {
                        relay: lane.key().to_string(),
                        error,
                        retrying,
                    });
                }
            }
        }
        Ok(stalled)
    }

    /// This device's own records still undelivered to the relay that lacks the most
    /// (they stay in the outbox).
    ///
    /// # Errors
    ///
    /// Journal read errors.
    pub fn queued_own(&self) -> Result<usize> {
        let mut most = 0;
        for lane in &self.lanes {
            let mut n = 0;
            for j in self.journals.values().flatten() {
                n += delivery::pending(j, lane.key())?;
            }
            most = most.max(n);
        }
        Ok(most)
    }

    /// Ends the sessions politely.
    pub fn close(self) {
        for lane in self.lanes {
            lane.session.close();
        }
    }
}
