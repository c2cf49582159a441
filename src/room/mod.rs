//! The room layer: a room session over any [`Store`]: feeds, cursors, the journal and
//! outbox, delivery with retries, polling, verification, legacy rooms and attachment
//! transfer. The facade for programs, [`Room`], lives here too.
//!
//! It may use the foundation, [`protocol`](crate::protocol) and [`store`](crate::store);
//! never the CLI. It prints nothing: warnings go to a caller's sink as text
//! ([`Warn`]), results come back as values.

pub mod attachment;
pub mod audit;
pub mod delivery;
mod facade;
pub mod feed;
pub mod journal;
pub mod legacy;
pub mod membership;
pub mod outbox;
pub mod probe;
pub mod reader;
pub mod replicas;
pub mod segment;
pub mod spool;
pub mod stream;
pub mod vouches;
pub mod watch;

pub use facade::{Room, RoomConfig, Sent, Watch};

use crate::error::Result;
use crate::secret::Secret;
use crate::store::url::RelayUrl;
use crate::store::{self, Endpoint, Store, Timeouts, TlsOptions};

/// Where a caller wants warnings that come up while work goes on (a retry, a skipped
/// line): one plain sentence each, not yet sanitised.
pub type Warn<'a> = &'a mut dyn FnMut(&str);

/// One room on one relay: how to log in, and where the room is.
#[derive(Debug, Clone)]
pub struct RelayTarget {
    /// How to log in.
    pub endpoint: Endpoint,
    /// The room directory relative to the login directory (`""` for the login directory).
    pub dir: String,
    /// A stable key naming relay and room, for state files (no password).
    pub key: String,
    /// The room is a chat file of the original FTPChat app.
    pub legacy: bool,
}

impl RelayTarget {
    /// The room at `url` (`ftp://user@host[:port]/path/to/room`, or `ftps://`), logging
    /// in with `password`; default TLS verification (system roots) and timeouts.
    ///
    /// # Errors
    ///
    /// [`Error::Usage`](crate::Error::Usage) for a malformed URL or room path.
    pub fn from_url(url: &str, password: &str) -> Result<Self> {
        let url = RelayUrl::parse(url)?;
        let dir = url.room_dir(None)?;
        let implicit = url.scheme == crate::store::url::Scheme::Ftps && url.port == 990;
        Ok(RelayTarget {
            key: url.key_for(&dir),
            dir: dir.trim_start_matches('/').to_string(),
            endpoint: Endpoint {
                url,
                password: Secret::new(password),
                tls: TlsOptions {
                    implicit,
                    ..TlsOptions::default()
                },
                active: false,
                timeouts: Timeouts::default(),
                ssh: crate::store::SshOptions::default(),
            },
            legacy: false,
        })
    }

    /// Trusts the certificates in this PEM file for `ftps://` instead of the system roots.
    #[must_use]
    pub fn with_ca_file(mut self, path: impl Into<std::path::PathBuf>) -> Self {
        self.endpoint.tls.ca_file = Some(path.into());
        self
    }

    /// Sets the connect and per-step I/O timeouts.
    #[must_use]
    pub fn with_timeouts(mut self, connect: std::time::Duration, io: std::time::Duration) -> Self {
        self.endpoint.timeouts = Timeouts { connect, io };
        self
    }

    /// The room's URL without user or password, as a descriptor lists relays.
    pub fn public_url(&self) -> String {
        self.endpoint.url.public_for(&format!("/{}", self.dir))
    }

    /// Whether `url` names this room's directory on this relay (user and password aside).
    pub fn is_at(&self, url: &RelayUrl) -> bool {
        let mut at = self.endpoint.url.clone();
        at.path = format!("/{}", self.dir);
        at.same_place(url)
    }

    /// Opens a session with the relay.
    ///
    /// # Errors
    ///
    /// Connection, TLS and login errors.
    pub fn open(&self) -> Result<Box<dyn Store>> {
        store::open(&self.endpoint)
    }
}

/// A session with one room's relay: the connection is opened on first use, kept between
/// requests, and dropped after a failure so the next request reconnects. Commands and
/// the [`Room`] facade reach the relay only through this and the delivery functions.
pub struct Session {
    target: RelayTarget,
    conn: Option<Box<dyn Store>>,
    watched: Watched,
    relist: std::time::Duration,
}

/// How long a live reader goes on trusting the room's change marker ([`feed::MARKER`])
/// alone before it lists the room again: the longest a record from a writer that does not
/// touch the marker (an older ftpchat, a hand-made `curl --append`) waits to be seen,
/// plus one poll interval.
pub const FULL_LISTING_EVERY: std::time::Duration = std::time::Duration::from_secs(30);

/// What a live reader of a relay knew at its last full listing.
#[derive(Debug, Default, Clone, Copy)]
struct Watched {
    /// The change marker's size then (`Some(None)`: there was none); `None` when no full
    /// listing was made yet on this connection, or the store cannot tell a file's size.
    marker: Option<Option<u64>>,
    /// When that listing was made.
    listed: Option<std::time::Instant>,
    /// That poll left bytes unread, so the next one lists again.
    more: bool,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("relay", &self.target.key)
            .field("connected", &self.conn.is_some())
            .finish()
    }
}

impl Session {
    /// A session that has not connected yet.
    pub fn new(target: RelayTarget) -> Self {
        Session {
            target,
            conn: None,
            watched: Watched::default(),
            relist: FULL_LISTING_EVERY,
        }
    }

    /// A session over an already open store (an in-memory one in tests).
    pub fn with_store(target: RelayTarget, store: Box<dyn Store>) -> Self {
        Session {
            target,
            conn: Some(store),
            watched: Watched::default(),
            relist: FULL_LISTING_EVERY,
        }
    }

    /// Where this session goes.
    pub fn target(&self) -> &RelayTarget {
        &self.target
    }

    /// Whether a connection is open.
    pub fn is_connected(&self) -> bool {
        self.conn.is_some()
    }

    /// Opens the connection unless it is open.
    ///
    /// # Errors
    ///
    /// Connection, TLS and login errors.
    pub fn connect(&mut self) -> Result<()> {
        self.store().map(|_| ())
    }

    fn store(&mut self) -> Result<&mut dyn Store> {
        if self.conn.is_none() {
            self.conn = Some(self.target.open()?);
        }
        Ok(self
            .conn
            .as_deref_mut()
            .expect("the connection was just opened"))
    }

    /// Runs `work` on the connection; after an error the connection is dropped, so the
    /// next call starts on a fresh one.
    fn with<T>(
        &mut self,
        work: impl FnOnce(&mut dyn Store, &RelayTarget) -> Result<T>,
    ) -> Result<T> {
        let target = self.target.clone();
        let result = self.store().and_then(|s| work(s, &target));
        if result.is_err() {
            self.conn = None;
            self.watched = Watched::default();
        }
        result
    }

    /// One poll of the room: the listing, then a ranged download of each feed that grew
    /// since `cursors` (for a legacy room: the chat file).
    ///
    /// # Errors
    ///
    /// Network errors (nothing is lost: cursors are only advanced by the caller).
    pub fn poll(
        &mut self,
        cursors: &std::collections::BTreeMap<String, feed::Cursor>,
        warnings: &mut Vec<String>,
    ) -> Result<Vec<(String, feed::Fetched)>> {
        self.with(|s, t| {
            if t.legacy {
                feed::poll_legacy(s, &t.dir, cursors)
            } else {
                feed::poll(s, &t.dir, cursors, warnings)
            }
        })
    }

    /// One poll for a live reader: like [`Session::poll`], but between full listings
    /// (at most [`FULL_LISTING_EVERY`] apart) only the size of the room's change marker is
    /// asked, and an unchanged marker ends the poll: one request, a few dozen bytes,
    /// however many feeds the room has. Legacy rooms and stores that cannot tell a
    /// file's size are polled in full every time.
    ///
    /// # Errors
    ///
    /// Network errors (the next poll lists in full).
    pub fn poll_live(
        &mut self,
        cursors: &std::collections::BTreeMap<String, feed::Cursor>,
        warnings: &mut Vec<String>,
    ) -> Result<Vec<(String, feed::Fetched)>> {
        if self.target.legacy {
            return self.poll(cursors, warnings);
        }
        let before = self.watched;
        let due = before.more || before.listed.is_none_or(|at| at.elapsed() >= self.relist);
        let mut after = before;
        let polled = self.with(|s, t| {
            let marker = s.size(&t.dir, feed::MARKER)?;
            let marker = (s.capabilities().size != store::Support::No).then_some(marker);
            if !due && marker.is_some() && marker == before.marker {
                return Ok(Vec::new());
            }
            let polled = feed::poll_within(s, &t.dir, cursors, warnings, feed::LIVE_POLL_BUDGET)?;
            after = Watched {
                marker,
                listed: Some(std::time::Instant::now()),
                more: polled.iter().any(|(_, f)| f.more),
            };
            Ok(polled)
        })?;
        self.watched = after;
        Ok(polled)
    }

    /// Reads one feed from the start.
    ///
    /// # Errors
    ///
    /// Network errors.
    pub fn read_feed(&mut self, feed_name: &str) -> Result<feed::Fetched> {
        self.with(|s, t| feed::fetch_whole(s, &t.dir, feed_name))
    }

    /// Replays the roster from the room owner's whole feed `owner_feed` with a fresh
    /// reader of `keys` (for a reader that resumes past the owner's first records and so
    /// cannot judge senders by itself). Every finding of the replay goes to `warnings`;
    /// the caller decides whether to trust the roster it returns.
    ///
    /// # Errors
    ///
    /// Network errors.
    pub fn replay_owner_feed(
        &mut self,
        owner_feed: &str,
        keys: Vec<crate::protocol::keys::RoomKey>,
        device: Option<age::x25519::Identity>,
        warnings: &mut Vec<String>,
    ) -> Result<reader::Reader> {
        let f = self.read_feed(owner_feed)?;
        let mut side = reader::Reader::new(keys, None, false).with_device(device);
        warnings.extend(f.skipped.iter().map(|w| format!("roster replay: {w}")));
        if let Some(why) = &f.rewritten {
            warnings.push(format!("roster replay: {why}"));
        }
        for line in &f.lines {
            let outcome = side.read(line, &format!("roster replay: feed {owner_feed}"));
            warnings.extend(outcome.warnings);
        }
        Ok(side)
    }

    /// Whether the bytes `cursor` read of `feed` are all still there, unchanged (see
    /// [`feed::check_read_bytes`]); what changed, if anything.
    ///
    /// # Errors
    ///
    /// Network errors.
    pub fn check_read_bytes(
        &mut self,
        feed_name: &str,
        cursor: &feed::Cursor,
    ) -> Result<Option<String>> {
        self.with(|s, t| feed::check_read_bytes(s, &t.dir, feed_name, cursor))
    }

    /// The room's owner-signed public recipient file, if the relay has one.
    ///
    /// # Errors
    ///
    /// Network errors.
    pub fn recipient_file(&mut self) -> Result<Option<Vec<u8>>> {
        self.with(|s, t| {
            s.read(
                &t.dir,
                crate::protocol::roster::RECIPIENT_FILE,
                0,
                64 * 1024,
            )
        })
    }

    /// The room's signed descriptor file, if the relay has one.
    ///
    /// # Errors
    ///
    /// Network errors.
    pub fn descriptor(&mut self) -> Result<Option<Vec<u8>>> {
        self.with(|s, t| {
            s.read(
                &t.dir,
                crate::protocol::roster::DESCRIPTOR_FILE,
                0,
                store::MAX_DOWNLOAD,
            )
        })
    }

    /// Entries in the room directory (a connection test).
    ///
    /// # Errors
    ///
    /// Network errors.
    pub fn count_entries(&mut self) -> Result<usize> {
        self.with(|s, t| Ok(s.list(&t.dir)?.len()))
    }

    /// The names of the room's feeds on the relay.
    ///
    /// # Errors
    ///
    /// Network errors.
    pub fn feed_names(&mut self) -> Result<Vec<String>> {
        self.with(|s, t| {
            Ok(s.list(&t.dir)?
                .iter()
                .filter_map(|e| feed::feed_of(&e.name).map(str::to_string))
                .collect())
        })
    }

    /// The first line of a feed (at most one record line long), if the feed exists.
    ///
    /// # Errors
    ///
    /// Network errors.
    pub fn first_line(&mut self, feed_name: &str) -> Result<Option<Vec<u8>>> {
        let name = format!("{feed_name}{}", feed::FEED_SUFFIX);
        let limit = crate::protocol::record::MAX_LINE as u64 + 2;
        let bytes = self.with(|s, t| s.read(&t.dir, &name, 0, limit))?;
        Ok(bytes.map(|mut b| {
            if let Some(end) = b.iter().position(|&c| c == b'\n') {
                b.truncate(end);
            }
            b
        }))
    }

    /// Checks that the bytes a saved cursor has read are still there, unchanged.
    ///
    /// # Errors
    ///
    /// Network errors.
    pub fn check_cursor(
        &mut self,
        feed_name: &str,
        cursor: &feed::Cursor,
    ) -> Result<Option<String>> {
        self.with(|s, t| feed::check_cursor(s, &t.dir, feed_name, cursor))
    }

    /// Downloads the attachment a verified message announces, if it is one.
    ///
    /// # Errors
    ///
    /// Network errors, a blob that does not match its signed hashes, local write errors,
    /// a sender the roster does not vouch for.
    pub fn save_attachment(
        &mut self,
        m: &reader::Message,
        dest: &std::path::Path,
    ) -> Result<Option<std::path::PathBuf>> {
        attachment::save_announced(self, m, dest)
    }

    /// Uploads a prepared attachment, resuming a partial copy.
    ///
    /// # Errors
    ///
    /// Network errors (the local copy stays for the next try).
    pub fn upload(&mut self, p: &attachment::Prepared, progress: &dyn Fn(u64)) -> Result<()> {
        self.with(|s, t| attachment::upload(s, &t.dir, p, progress))
    }

    /// Stores the room's descriptor file.
    ///
    /// # Errors
    ///
    /// Network errors.
    pub fn put_descriptor(&mut self, bytes: &[u8]) -> Result<()> {
        self.with(|s, t| {
            s.mkdir_all(&t.dir);
            s.put(&t.dir, crate::protocol::roster::DESCRIPTOR_FILE, bytes)
        })
    }

    /// Drops the connection (after a failure the caller wants to retry later).
    pub fn disconnect(&mut self) {
        self.conn = None;
    }

    /// Ends the session politely.
    pub fn close(mut self) {
        if let Some(c) = self.conn.take() {
            c.close();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::feed::tests::{A, file, rec};
    use super::feed::{Cursor, FEED_SUFFIX, MARKER, RemoteHead};
    use super::*;
    use crate::store::memory::MemoryStore;
    use std::collections::BTreeMap;
    use std::time::Duration;

    const B: &str = "bbbbbbbbbbbbbbbb";

    fn live(store: &MemoryStore) -> Session {
        let target =
            RelayTarget::from_url("ftp://chat@127.0.0.1:2121/lobby", "pw").expect("target");
        Session::with_store(target, Box::new(store.clone()))
    }

    fn grown(polled: &[(String, feed::Fetched)]) -> Vec<(String, usize)> {
        polled
            .iter()
            .map(|(f, got)| (f.clone(), got.lines.len()))
            .collect()
    }

    #[test]
    fn a_live_poll_asks_only_the_marker_until_a_writer_touches_it() {
        let store = MemoryStore::new();
        let mut writer = store.clone();
        let mut s = live(&store);
        let mut cursors = BTreeMap::new();
        let advance = |s: &mut Session, cursors: &mut BTreeMap<String, Cursor>| {
            let polled = s.poll_live(cursors, &mut Vec::new()).expect("poll");
            for (f, got) in &polled {
                cursors.insert(f.clone(), got.cursor.clone());
            }
            grown(&polled)
        };
        let h = feed::append(
            &mut writer,
            "lobby",
            A,
            RemoteHead::default(),
            &[&rec(A, 1)],
        )
        .expect("append");
        assert_eq!(advance(&mut s, &mut cursors), vec![(A.to_string(), 1)]);
        // Idle: one request (the marker's size) per poll, nothing listed.
        let requests = |s: &Session| s.conn.as_ref().expect("connected").requests();
        let before = requests(&s);
        assert!(advance(&mut s, &mut cursors).is_empty());
        assert!(advance(&mut s, &mut cursors).is_empty());
        assert_eq!(requests(&s) - before, 2, "one SIZE per idle poll");
        // A writer appends (and touches the marker): the next poll lists and reads it.
        feed::append(&mut writer, "lobby", A, h, &[&rec(A, 2)]).expect("append");
        assert_eq!(advance(&mut s, &mut cursors), vec![(A.to_string(), 1)]);
        // A writer that does not touch the marker is not seen by marker polls...
        store.set_file(&format!("lobby/{B}{FEED_SUFFIX}"), &file(&[rec(B, 1)]));
        assert!(advance(&mut s, &mut cursors).is_empty());
        // ...but by the next full listing, at most `relist` after the last one.
        s.relist = Duration::from_millis(50);
        std::thread::sleep(Duration::from_millis(60));
        assert_eq!(advance(&mut s, &mut cursors), vec![(B.to_string(), 1)]);
        assert!(store.file(&format!("lobby/{MARKER}")).is_some());
    }

    #[test]
    fn a_live_poll_lists_again_while_a_feed_holds_more_than_one_poll_reads() {
        let store = MemoryStore::new();
        let mut s = live(&store);
        // Two feeds together past one poll's download budget.
        let per_feed = feed::POLL_BUDGET / 50;
        let mut sizes = BTreeMap::new();
        for f in [A, B] {
            let lines: Vec<String> = (1..=per_feed).map(|q| rec(f, q)).collect();
            let bytes = file(&lines);
            sizes.insert(f.to_string(), bytes.len() as u64);
            store.set_file(&format!("lobby/{f}{FEED_SUFFIX}"), &bytes);
        }
        assert!(sizes.values().sum::<u64>() > feed::POLL_BUDGET);
        let mut cursors = BTreeMap::new();
        let mut reads = 0;
        loop {
            let polled = s.poll_live(&cursors, &mut Vec::new()).expect("poll");
            let more = polled.iter().any(|(_, f)| f.more);
            for (f, got) in polled {
                cursors.insert(f, got.cursor);
            }
            reads += 1;
            if !more {
                break;
            }
            assert!(reads < 10, "the poll never finished the feed");
        }
        assert!(reads >= 2);
        for (f, size) in sizes {
            assert_eq!(
                cursors.get(&f).map(|c| c.offset),
                Some(size),
                "{f} read to the end without a marker or a relisting interval"
            );
        }
    }
}
