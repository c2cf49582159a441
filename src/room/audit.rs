//! What `verify` needs from the relay in one consistent pass: the descriptor, every feed
//! from the start, and a re-check of every byte this device's saved cursors have read,
//! so a same-size rewrite behind a cursor is caught too.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use super::delivery::with_retries;
use super::feed::{self, Fetched};
use super::{RelayTarget, Warn};
use crate::error::Result;
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
        for (set, cursors) in feed::cursor_sets(state, &target.key) {
            for (name, cursor) in cursors {
                if let Some(why) = feed::check_cursor(c, dir, &name, &cursor)? {
                    snap.rewritten.push(format!("behind cursor {set:?}: {why}"));
                }
            }
        }
        Ok(snap)
    })
}
