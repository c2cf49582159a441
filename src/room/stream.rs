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
use crate::error::Result;

/// Lines waiting beyond this many make the caller stop reading until they are delivered.
pub const MAX_PENDING: usize = 100_000;

/// Delivers a stream of record lines to one relay.
#[derive(Debug)]
pub struct Pusher {
    session: Session,
    state: PathBuf,
    spool: Option<Spool>,
    pending: Feeds,
    journals: BTreeMap<String, Option<Journal>>,
    lines: usize,
    failures: u32,
    next_try: Instant,
    delivered: Report,
    feeds: BTreeSet<String>,
}

impl Pusher {
    /// A pusher for `target`. Lines an earlier, interrupted push left in the spool are
    /// taken up first.
    ///
    /// # Errors
    ///
    /// State directory errors.
    pub fn new(state: &Path, target: RelayTarget, warnings: &mut Vec<String>) -> Result<Self> {
        let mut pusher = Pusher {
            state: state.to_path_buf(),
            spool: None,
            pending: Feeds::new(),
            journals: BTreeMap::new(),
            lines: 0,
            failures: 0,
            next_try: Instant::now(),
            delivered: Report::default(),
            feeds: BTreeSet::new(),
            session: Session::new(target),
        };
        let spool = Spool::open(state, &pusher.session.target().key)?;
        let left = spool.lines()?;
        if left.is_empty() {
            drop(spool);
        } else {
            delivery::add_lines(
                &mut pusher.pending,
                0,
                left.iter().map(String::as_str),
                warnings,
            );
            pusher.spool = Some(spool);
        }
        Ok(pusher)
    }

    /// Takes lines as read (blank lines are ignored; malformed ones and forks become
    /// warnings numbered by input line). Lines of feeds this device does not journal
    /// are spooled before this returns.
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
        for (feed, records) in added {
            let state = &self.state;
            let own = self
                .journals
                .entry(feed.clone())
                .or_insert_with(|| journal_for(state, &feed))
                .is_some();
            let slot = self.pending.entry(feed).or_default();
            for (seq, line) in records {
                if !own {
                    foreign.push(line.clone());
                }
                slot.entry(seq).or_insert(line);
            }
        }
        if !foreign.is_empty() {
            if self.spool.is_none() {
                self.spool = Some(Spool::open(&self.state, &self.session.target().key)?);
            }
            let refs: Vec<&str> = foreign.iter().map(String::as_str).collect();
            self.spool.as_ref().expect("opened above").add(&refs)?;
        }
        Ok(())
    }

    /// Input lines taken so far.
    pub fn lines(&self) -> usize {
        self.lines
    }

    /// Records waiting for delivery.
    pub fn pending(&self) -> usize {
        self.pending.values().map(BTreeMap::len).sum()
    }

    /// When the next delivery may be tried: now, unless the last one failed.
    pub fn due(&self) -> Option<Instant> {
        (self.pending() > 0).then_some(self.next_try)
    }

    /// Failed deliveries in a row.
    pub fn failures(&self) -> u32 {
        self.failures
    }

    /// What was delivered so far.
    pub fn delivered(&self) -> Report {
        self.delivered
    }

    /// Tries to deliver everything waiting, once.
    ///
    /// # Errors
    ///
    /// The relay error; everything stays waiting and the next attempt is scheduled with
    /// backoff ([`Pusher::due`]).
    pub fn deliver(&mut self) -> Result<Report> {
        let own: Vec<Journal> = self
            .pending
            .keys()
            .filter_map(|f| self.journals.get(f).cloned().flatten())
            .collect();
        match deliver_over(&mut self.session, &self.state, &own, &self.pending) {
            Ok(report) => {
                self.feeds
                    .extend(std::mem::take(&mut self.pending).into_keys());
                if let Some(spool) = self.spool.take() {
                    spool.clear()?;
                }
                self.failures = 0;
                self.delivered.appended += report.appended;
                self.delivered.feeds = self.feeds.len();
                Ok(report)
            }
            Err(e) => {
                self.failures += 1;
                self.next_try = Instant::now() + backoff(self.failures);
                Err(e)
            }
        }
    }

    /// This device's own records still undelivered (they stay in the outbox).
    ///
    /// # Errors
    ///
    /// Journal read errors.
    pub fn queued_own(&self) -> Result<usize> {
        let key = &self.session.target().key;
        let mut n = 0;
        for j in self.journals.values().flatten() {
            n += delivery::pending(j, key)?;
        }
        Ok(n)
    }

    /// Ends the session politely.
    pub fn close(self) {
        self.session.close();
    }
}
