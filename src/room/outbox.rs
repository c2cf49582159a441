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
            out.push(Entry {
                room: room.to_string(),
                feed: feed.clone(),
                records: lines.len(),
                relay: None,
                pending: lines.len(),
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
