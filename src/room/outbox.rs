//! The outbox: what this device has journaled and which relays still lack it.

use std::path::Path;

use serde::Serialize;

use super::journal::Journal;
use crate::error::Result;

/// One journal's standing with one relay (or with none, when it was never pushed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    /// The room id (`legacy` for a legacy room's pending lines).
    pub room: String,
    /// The feed pseudonym (`(chat file)` for a legacy room).
    pub feed: String,
    /// Records journaled.
    pub records: usize,
    /// The relay-and-room key, if the journal was ever pushed.
    pub relay: Option<String>,
    /// Records not yet delivered there.
    pub pending: usize,
}

/// Every journal of this device and what each relay still lacks, plus legacy rooms'
/// undelivered lines.
///
/// # Errors
///
/// Journal read errors.
pub fn entries(state: &Path) -> Result<Vec<Entry>> {
    let mut out = Vec::new();
    for (room, feed) in Journal::all(state) {
        let j = Journal::new(state, &room, &feed);
        let locked = j.lock()?;
        let lines = locked.lines()?;
        let marks = locked.all_delivered();
        if marks.is_empty() {
            // Journaled (by `encrypt`) but never meant for a relay: nothing is owed.
            out.push(Entry {
                room: room.to_string(),
                feed: feed.clone(),
                records: lines.len(),
                relay: None,
                pending: 0,
            });
        }
        for (relay, seq) in marks {
            let pending = locked.after(seq)?.len();
            out.push(Entry {
                room: room.to_string(),
                feed: feed.clone(),
                records: lines.len(),
                relay: Some(relay),
                pending,
            });
        }
    }
    for (relay, pending) in crate::room::legacy::all_pending(state) {
        out.push(Entry {
            room: "legacy".into(),
            feed: "(chat file)".into(),
            records: pending,
            relay: Some(relay),
            pending,
        });
    }
    Ok(out)
}

/// Drops records from the outbox: those owed to `relay` (a relay-and-room key), or in
/// `feed`, or (both `None`) everything. This device's journals stay whole (they are its
/// feeds); only the promise to deliver is dropped. Legacy rooms' undelivered lines,
/// which exist nowhere else, are deleted. Returns how many records were dropped.
///
/// # Errors
///
/// State errors.
pub fn drop_pending(state: &Path, relay: Option<&str>, feed: Option<&str>) -> Result<usize> {
    let mut dropped = 0;
    for (room, f) in Journal::all(state) {
        if feed.is_some_and(|want| want != f) {
            continue;
        }
        let j = Journal::new(state, &room, &f);
        let locked = j.lock()?;
        for (key, seq) in locked.all_delivered() {
            if relay.is_some_and(|want| want != key) {
                continue;
            }
            dropped += locked.after(seq)?.len();
            locked.forget(&key)?;
        }
    }
    if feed.is_none() {
        for (key, n) in super::legacy::all_pending(state) {
            if relay.is_none_or(|want| want == key) {
                super::legacy::discard(state, &key)?;
                dropped += n;
            }
        }
    }
    Ok(dropped)
}
