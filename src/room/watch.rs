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
use crate::error::Result;
use crate::protocol::keys::RoomKey;
use std::path::PathBuf;

/// Lines verified at once (a slice of a poll).
const READ_SLICE: usize = 4096;

/// Findings one poll reports one by one; the rest are counted in one line.
pub const MAX_FINDINGS: usize = 200;

/// What one poll brought.
#[derive(Debug, Default)]
pub struct Batch {
    /// New messages, ordered by their timestamps.
    pub messages: Vec<Message>,
    /// Findings to show: skipped lines, rewritten feeds, chain and roster findings.
    pub warnings: Vec<String>,
    /// Cursors of the feeds read, to save once the messages are handled.
    pub advanced: BTreeMap<String, Cursor>,
    /// Records that could not be opened or verified.
    pub failed: usize,
    /// This poll opened a new connection.
    pub connected: bool,
    /// Some feed holds more than this poll could download: poll again without waiting.
    pub more: bool,
}

/// Follows one room on one relay.
#[derive(Debug)]
pub struct Watcher {
    session: Session,
    reader: Reader,
    cursors: BTreeMap<String, Cursor>,
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
        mut reader: Reader,
        cursors: BTreeMap<String, Cursor>,
        replay_keys: Vec<PathBuf>,
        keep_empty: bool,
    ) -> Self {
        let owner_feed = reader.owner_feed();
        let replay = (owner_feed.is_some() && !cursors.is_empty()).then_some(replay_keys);
        for (feed, c) in &cursors {
            if c.seq > 0 {
                reader.chain_mut().seed(feed, c.seq, &c.hash);
            }
        }
        Watcher {
            session,
            reader,
            cursors,
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

    /// The session (to fetch attachments the messages announce).
    pub fn session_mut(&mut self) -> &mut Session {
        &mut self.session
    }

    /// Polls once: connects if needed, reads what grew, verifies it.
    ///
    /// # Errors
    ///
    /// Relay errors; nothing advanced then, and the next poll reconnects.
    pub fn poll(&mut self) -> Result<Batch> {
        let mut batch = Batch {
            connected: !self.session.is_connected(),
            ..Batch::default()
        };
        self.session.connect()?;
        if let (Some(keys), Some(of)) = (&self.replay, &self.owner_feed) {
            // The roster read before must still be there byte for byte: a relay that
            // rewrites it (even at the same size) could undo a removal.
            let changed = match self.cursors.get(of) {
                Some(c) => self.session.check_read_bytes(of, c)?,
                None => None,
            };
            let device = self.reader.device().cloned();
            let keys = keys
                .iter()
                .map(|p| RoomKey::load(p))
                .collect::<Result<Vec<_>>>()?;
            // Findings of the replay are reported, never dropped.
            let mut side = self
                .session
                .replay_owner_feed(of, keys, device, &mut batch.warnings)?;
            self.reader.adopt(side.take_learned());
            match changed {
                Some(why) => {
                    // The roster no longer matches what was read: judge no sender by it.
                    batch.warnings.push(format!(
                        "{why}; this is the room owner's feed (the roster), so senders are \
                         not judged against it (`ftpchat verify` names what changed)"
                    ));
                    self.reported.insert(of.clone());
                }
                None => {
                    if let Some(r) = side.complete_roster() {
                        self.reader.set_roster(r);
                    }
                }
            }
            self.replay = None;
        }
        let mut fetched = self.session.poll(&self.cursors, &mut batch.warnings)?;
        batch.more = fetched.iter().any(|(_, f)| f.more);
        // The roster first, so it is known before the messages it vouches for.
        fetched.sort_by_key(|(f, _)| Some(f) != self.owner_feed.as_ref());
        let mut readable = Vec::new();
        for (feed, f) in fetched {
            if let Some(why) = f.rewritten {
                if self.reported.insert(feed.clone()) {
                    batch.warnings.push(why);
                }
                continue;
            }
            batch.warnings.extend(f.skipped.iter().cloned());
            readable.push((feed, f));
        }
        // Lines are verified a slice at a time and findings past MAX_FINDINGS are only
        // counted, so what a poll holds besides its messages stays small however many
        // bad lines a relay serves.
        let mut unshown = 0usize;
        for (feed, f) in &readable {
            let label = format!("feed {feed}");
            for part in f.lines.chunks(READ_SLICE) {
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
        for (feed, f) in readable {
            // The chain seed kept in the cursor comes from verified records only.
            let mut cursor = f.cursor;
            let (seq, hash) = match self.reader.chain().head(&feed) {
                Some((seq, hash)) => (seq, hash.to_string()),
                None => (0, String::new()),
            };
            cursor.seq = seq;
            cursor.hash = hash;
            batch.advanced.insert(feed.clone(), cursor.clone());
            self.cursors.insert(feed, cursor);
        }
        // Feeds interleave by time only across files; order each batch by timestamp.
        batch.messages.sort_by(|a, b| a.ts.cmp(&b.ts));
        Ok(batch)
    }

    /// Ends the session politely.
    pub fn close(self) {
        self.session.close();
    }
}
