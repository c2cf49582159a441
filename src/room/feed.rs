//! A room on a relay: one append-only feed file per writer, read incrementally.
//!
//! Remote names are untrusted: only `<16 base32 chars>.log` names are ever turned into
//! paths, and every other listing entry is ignored with a warning. Reading keeps a cursor
//! per relay, room and feed (byte offset plus the last line read), so an idle poll
//! downloads nothing and a feed that shrank or whose already-read bytes changed is
//! reported as rewritten history instead of being read again.
//!
//! Writing appends only the records the remote feed lacks, found from the feed's tail,
//! and starts with a newline when an earlier append was cut mid-line, so a partial line
//! never swallows the next record.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::paths::{ensure_private_dir, write_atomic};
use crate::protocol::encoding::{b64, base32, sha256};
use crate::protocol::keys::is_base32_id;
use crate::protocol::record::{self, line_hash};
use crate::protocol::text::sanitize;
use crate::store::{Entry, MAX_DOWNLOAD, Store};

/// Feed files end with this.
pub const FEED_SUFFIX: &str = ".log";
/// The room's change marker: every writer appends one byte to it after each append to
/// its feed, so a live reader learns that something changed from one cheap size request
/// instead of listing every feed (docs/PROTOCOL.md 27).
pub const MARKER: &str = ".ftpchat-changes";
/// How much of a feed's tail is read to find its last record before reading it all.
const TAIL_WINDOW: u64 = 16 * 1024;

/// The file name of a feed.
pub fn feed_file(feed: &str) -> String {
    format!("{feed}{FEED_SUFFIX}")
}

/// The feed named by a listing entry, if the name is exactly a feed file name.
pub fn feed_of(name: &str) -> Option<&str> {
    name.strip_suffix(FEED_SUFFIX).filter(|f| is_base32_id(f))
}

/// Whether a listing name is one we expect in a room but not a feed (ignored quietly).
fn known_other(name: &str) -> bool {
    matches!(
        name,
        "." | ".."
            | "blobs"
            | crate::protocol::roster::DESCRIPTOR_FILE
            | crate::protocol::roster::RECIPIENT_FILE
            | MARKER
    ) || name.ends_with(".tmp")
        || name.starts_with(super::probe::PREFIX)
}

/// Feeds in a room listing, with sizes where known; other names become warnings.
pub fn feeds_in(entries: Vec<Entry>, warnings: &mut Vec<String>) -> BTreeMap<String, Option<u64>> {
    let mut feeds = BTreeMap::new();
    for e in entries {
        match feed_of(&e.name) {
            Some(f) => {
                feeds.insert(f.to_string(), e.size);
            }
            None if known_other(&e.name) || super::segment::parse(&e.name).is_some() => {}
            None => warnings.push(format!(
                "ignored listing entry {:?}: not a feed file name",
                sanitize(&crate::protocol::keys::truncate(&e.name, 40))
            )),
        }
    }
    feeds
}

/// How far a reader got in one feed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    /// Bytes read (always at a line end).
    pub offset: u64,
    /// Length of the last complete line read, newline included.
    pub tail_len: u64,
    /// Hash of those bytes, to notice them changing.
    pub tail_hash: String,
    /// Seq of the last record read (0: none).
    pub seq: u64,
    /// Line hash of that record (seeds the chain check).
    pub hash: String,
    /// Running hash of every line read from offset 0 to `offset` ([`digest_line`]), so a
    /// later reader notices any change to bytes already read, not only to the last line.
    /// Empty for cursors saved before it existed (then only the tail is checked).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub digest: String,
    /// Legacy chat files only: short hashes of the last [`SEEN_WINDOW`] lines read, so a
    /// file the app rewrote can be read again from the start without showing them twice.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub seen: Vec<u64>,
}

/// How many recent legacy lines a cursor remembers (8 bytes each).
pub const SEEN_WINDOW: usize = 4096;

/// The short hash a legacy line is remembered by.
fn seen_hash(line: &[u8]) -> u64 {
    let d = sha256(&[line]);
    u64::from_le_bytes(d[..8].try_into().expect("8 bytes"))
}

const DIGEST_CONTEXT: &[u8] = b"ftpchat feed digest v1\n";

/// The running digest after one more line (newline included) was read.
pub fn digest_line(digest: &str, line: &[u8]) -> String {
    b64(&sha256(&[DIGEST_CONTEXT, digest.as_bytes(), b"\n", line]))
}

/// The running digest of the complete lines in `data` (read from offset 0) up to `upto`
/// bytes, or `None` when `upto` does not fall on a line end.
pub fn digest_of(data: &[u8], upto: u64) -> Option<String> {
    let upto = usize::try_from(upto).ok()?;
    let mut digest = String::new();
    let mut pos = 0;
    while pos < upto {
        let nl = data.get(pos..)?.iter().position(|&b| b == b'\n')?;
        digest = digest_line(&digest, &data[pos..=pos + nl]);
        pos += nl + 1;
    }
    (pos == upto).then_some(digest)
}

/// New data from one feed.
#[derive(Debug, Default)]
pub struct Fetched {
    /// Complete lines, without line ends.
    pub lines: Vec<Vec<u8>>,
    /// The cursor after these lines.
    pub cursor: Cursor,
    /// Set when the feed no longer matches what was read before.
    pub rewritten: Option<String>,
    /// Lines skipped as malformed or belonging to another feed, described (the first
    /// [`MAX_SKIPPED`], then one line counting the rest).
    pub skipped: Vec<String>,
    /// The feed holds more than was read: a poll's byte budget ran out. The caller polls
    /// again soon.
    pub more: bool,
    /// Bytes downloaded for this.
    pub downloaded: u64,
}

/// The most bytes one poll downloads, all feeds together, so a hostile relay cannot make a
/// reader hold more than this (plus its line bookkeeping) at once; a feed that grew more
/// is read on in the next poll.
pub const POLL_BUDGET: u64 = 4 * 1024 * 1024;

/// The same for a live reader (`watch`, `chat`, `Room::watch`), which keeps running and
/// shows what it reads as it goes: half, so catching up with a long history holds less.
pub const LIVE_POLL_BUDGET: u64 = 2 * 1024 * 1024;

/// The smallest piece of a feed worth reading: one whole line of the longest kind.
const MIN_PIECE: u64 = crate::protocol::record::MAX_LINE as u64 + 2;

/// Skipped lines described one by one per fetch; the rest are counted.
pub const MAX_SKIPPED: usize = 20;

impl Fetched {
    /// Notes a skipped line: described while fewer than [`MAX_SKIPPED`] are, else only
    /// counted in `skipped_total` (see [`Fetched::count_unlisted`]).
    pub(super) fn skip(&mut self, skipped_total: &mut usize, why: impl FnOnce() -> String) {
        *skipped_total += 1;
        if self.skipped.len() < MAX_SKIPPED {
            self.skipped.push(why());
        }
    }

    /// After `skipped_total` lines of `feed` were skipped while the list grew from `before`
    /// entries: one line counting those not described.
    pub(super) fn count_unlisted(&mut self, feed: &str, skipped_total: usize, before: usize) {
        let listed = self.skipped.len() - before;
        if skipped_total > listed {
            self.skipped.push(format!(
                "feed {feed}: {} more lines skipped",
                skipped_total - listed
            ));
        }
    }
}

/// What one line of a feed's file holds, read as a line of `feed`.
pub(super) enum FeedLine<'a> {
    /// A record of this feed.
    Ours(record::RecordLine<'a>),
    /// A record of another feed.
    Other(record::RecordLine<'a>),
    /// Not a record line: why.
    Bad(String),
}

/// Reads one line (without its line end) of `feed`'s file.
pub(super) fn feed_line<'a>(text: &'a [u8], feed: &str) -> FeedLine<'a> {
    match std::str::from_utf8(text) {
        Err(_) => FeedLine::Bad("line is not valid UTF-8".into()),
        Ok(s) => match record::parse_line(s) {
            Ok(r) if r.feed == feed => FeedLine::Ours(r),
            Ok(r) => FeedLine::Other(r),
            Err(e) => FeedLine::Bad(e.to_string()),
        },
    }
}

/// The highest seq among `lines` (each without its LF) that are records of `feed` that
/// `accept` takes.
pub(super) fn highest_accepted<'a>(
    lines: impl Iterator<Item = &'a [u8]>,
    feed: &str,
    accept: &dyn Fn(u64, &str) -> bool,
) -> Option<u64> {
    lines
        .filter_map(|mut l| {
            while let Some(rest) = l.strip_suffix(b"\r") {
                l = rest;
            }
            match feed_line(l, feed) {
                FeedLine::Ours(r) if accept(r.seq, r.line) => Some(r.seq),
                _ => None,
            }
        })
        .max()
}

/// What a remote file is: a native feed, whose lines must be records of that feed, or a
/// chat file of the original FTPChat app, whose lines are handed on as they are.
#[derive(Debug, Clone, Copy)]
pub enum Source<'a> {
    /// A native feed (its pseudonym).
    Feed(&'a str),
    /// A legacy chat file (its file name).
    Legacy(&'a str),
}

/// Reads what `feed` gained since `cursor`. `size` is the size from the listing, if it
/// had one.
///
/// # Errors
///
/// Network errors.
pub fn fetch(
    conn: &mut dyn Store,
    dir: &str,
    feed: &str,
    cursor: &Cursor,
    size: Option<u64>,
) -> Result<Fetched> {
    fetch_source(conn, dir, Source::Feed(feed), cursor, size)
}

/// Reads a whole feed from the start: its log, then its segments.
///
/// # Errors
///
/// Network errors.
pub fn fetch_whole(conn: &mut dyn Store, dir: &str, feed: &str) -> Result<Fetched> {
    let entries = conn.list(dir)?;
    let size = entries
        .iter()
        .find(|e| e.name == feed_file(feed))
        .map(|e| e.size);
    let mut out = match size {
        Some(size) => fetch(conn, dir, feed, &Cursor::default(), size)?,
        None => Fetched::default(),
    };
    if let Some(segs) = super::segment::in_listing(&entries).remove(feed) {
        let mut budget = u64::MAX;
        super::segment::read(conn, dir, feed, &segs, &mut out, &mut budget)?;
    }
    Ok(out)
}

/// Like [`fetch_source`], downloading at most `limit` bytes (at least [`MIN_PIECE`]): the
/// complete lines in them are read and `more` is set when the feed holds more.
///
/// # Errors
///
/// Network errors.
pub fn fetch_part(
    conn: &mut dyn Store,
    dir: &str,
    source: Source<'_>,
    cursor: &Cursor,
    size: Option<u64>,
    limit: u64,
) -> Result<Fetched> {
    fetch_inner(conn, dir, source, cursor, size, Some(limit.max(MIN_PIECE)))
}

/// Like [`fetch`], for any [`Source`].
///
/// # Errors
///
/// Network errors.
pub fn fetch_source(
    conn: &mut dyn Store,
    dir: &str,
    source: Source<'_>,
    cursor: &Cursor,
    size: Option<u64>,
) -> Result<Fetched> {
    fetch_inner(conn, dir, source, cursor, size, None)
}

fn fetch_inner(
    conn: &mut dyn Store,
    dir: &str,
    source: Source<'_>,
    cursor: &Cursor,
    size: Option<u64>,
    limit: Option<u64>,
) -> Result<Fetched> {
    let out = fetch_once(conn, dir, source, cursor, size, limit)?;
    let Source::Legacy(file) = source else {
        return Ok(out);
    };
    let Some(why) = &out.rewritten else {
        return Ok(out);
    };
    if cursor.offset == 0 || why.contains("longer than") || why.contains("corrupt") {
        return Ok(out);
    }
    // The app rewrites its chat file routinely (download, add a line, upload): read it
    // again from the start and skip the lines already read.
    let fresh = Cursor {
        seen: cursor.seen.clone(),
        ..Cursor::default()
    };
    let mut again = fetch_once(conn, dir, source, &fresh, None, limit)?;
    if again.rewritten.is_some() {
        return Ok(again);
    }
    let known: std::collections::HashSet<u64> = cursor.seen.iter().copied().collect();
    let before = again.lines.len();
    again.lines.retain(|l| !known.contains(&seen_hash(l)));
    again.skipped.insert(
        0,
        format!(
            "chat file {file} was rewritten (the app does so when it cannot append): read \
             again from the start; {} line(s) already read were skipped",
            before - again.lines.len()
        ),
    );
    Ok(again)
}

fn fetch_once(
    conn: &mut dyn Store,
    dir: &str,
    source: Source<'_>,
    cursor: &Cursor,
    size: Option<u64>,
    limit: Option<u64>,
) -> Result<Fetched> {
    let (name, feed) = match source {
        Source::Feed(f) => (feed_file(f), f),
        Source::Legacy(file) => (file.to_string(), file),
    };
    let size = match size {
        Some(s) => Some(s),
        None => conn.size(dir, &name)?,
    };
    let mut out = Fetched {
        cursor: cursor.clone(),
        ..Fetched::default()
    };
    let Some(size) = size else {
        if cursor.offset > 0 {
            out.rewritten = Some(format!(
                "feed {feed} disappeared after {} bytes were read",
                cursor.offset
            ));
        }
        return Ok(out);
    };
    if size < cursor.offset {
        out.rewritten = Some(format!(
            "feed {feed} shrank from {} to {size} bytes: history was rewritten",
            cursor.offset
        ));
        return Ok(out);
    }
    if size == cursor.offset {
        return Ok(out);
    }
    let Some(start) = cursor.offset.checked_sub(cursor.tail_len) else {
        out.rewritten = Some(format!(
            "feed {feed}: the saved cursor is corrupt; reset it with --all"
        ));
        return Ok(out);
    };
    let data = match limit {
        None => conn.read(dir, &name, start, MAX_DOWNLOAD)?,
        Some(limit) => conn.read_part(dir, &name, start, limit)?,
    };
    let Some(data) = data else {
        out.rewritten = Some(format!("feed {feed} disappeared"));
        return Ok(out);
    };
    out.downloaded = data.len() as u64;
    out.more = limit.is_some_and(|l| data.len() as u64 >= l);
    let mut skipped_total = 0;
    let tail_len = usize::try_from(cursor.tail_len).unwrap_or(usize::MAX);
    if cursor.tail_len > 0
        && (data.len() < tail_len || tail_hash(&data[..tail_len]) != cursor.tail_hash)
    {
        out.rewritten = Some(format!(
            "feed {feed}: bytes already read (up to offset {}) were changed: history was rewritten",
            cursor.offset
        ));
        return Ok(out);
    }
    let mut pos = tail_len.min(data.len());
    // A cursor saved before digests existed cannot start one midway.
    let track = cursor.offset == 0 || !cursor.digest.is_empty();
    // The tail hash is of the last line only: computed once, after the loop.
    let mut last: Option<&[u8]> = None;
    while let Some(nl) = data[pos..].iter().position(|&b| b == b'\n') {
        let line = &data[pos..pos + nl + 1];
        out.cursor.offset += line.len() as u64;
        if track {
            out.cursor.digest = digest_line(&out.cursor.digest, line);
        }
        out.cursor.tail_len = line.len() as u64;
        last = Some(line);
        let text = line.strip_suffix(b"\n").unwrap_or(line);
        let text = text.strip_suffix(b"\r").unwrap_or(text);
        let at = out.cursor.offset - line.len() as u64;
        if matches!(source, Source::Legacy(_)) {
            if !text.is_empty() {
                out.lines.push(text.to_vec());
                out.cursor.seen.push(seen_hash(text));
            }
            pos += nl + 1;
            continue;
        }
        match feed_line(text, feed) {
            FeedLine::Ours(r) => {
                out.cursor.seq = r.seq;
                out.cursor.hash = line_hash(r.line);
                out.lines.push(text.to_vec());
            }
            FeedLine::Other(_) => out.skip(&mut skipped_total, || {
                format!("feed {feed} at byte {at}: skipped a record of another feed")
            }),
            FeedLine::Bad(_) if text.is_empty() => {}
            FeedLine::Bad(why) => out.skip(&mut skipped_total, || {
                format!("feed {feed} at byte {at}: skipped: {why}")
            }),
        }
        pos += nl + 1;
    }
    if let Some(line) = last {
        out.cursor.tail_hash = tail_hash(line);
    }
    if out.cursor.seen.len() > SEEN_WINDOW {
        let extra = out.cursor.seen.len() - SEEN_WINDOW;
        out.cursor.seen.drain(..extra);
    }
    if out.more && out.cursor.offset == cursor.offset {
        // A whole piece without one line end: no line of a feed is that long.
        out.more = false;
        out.rewritten = Some(format!(
            "feed {feed} at byte {}: a line longer than {} KiB; the feed is not read past it",
            cursor.offset,
            crate::protocol::record::MAX_LINE / 1024
        ));
        return Ok(out);
    }
    out.count_unlisted(feed, skipped_total, 0);
    drop_torn_appends(&mut out, feed);
    Ok(out)
}

/// An append cut off mid-line and repeated by the writer's retry leaves the cut copy
/// right before the whole one: drop it with a note instead of reporting a bad record.
fn drop_torn_appends(out: &mut Fetched, feed: &str) {
    let mut kept: Vec<Vec<u8>> = Vec::with_capacity(out.lines.len());
    let lines = std::mem::take(&mut out.lines);
    let mut iter = lines.into_iter().peekable();
    while let Some(line) = iter.next() {
        if let Some(next) = iter.peek()
            && next.len() > line.len()
            && next.starts_with(&line)
        {
            out.skipped.push(format!(
                "feed {feed}: skipped an append that was cut off and then repeated whole"
            ));
            continue;
        }
        kept.push(line);
    }
    out.lines = kept;
}

fn tail_hash(bytes: &[u8]) -> String {
    b64(&sha256(&[bytes]))
}

/// What a remote feed holds, as far as appending needs to know.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoteHead {
    /// File size (0 when missing).
    pub size: u64,
    /// Highest seq of a complete record line of this feed in it.
    pub seq: u64,
    /// Whether the file exists.
    pub exists: bool,
    /// Whether it ends in a partial line (an append cut off).
    #[serde(skip)]
    pub partial: bool,
    /// The store cannot append: records go to segments (`room::segment`), and `seq` is
    /// the highest of the log's and the segments'.
    #[serde(default)]
    pub segmented: bool,
}

/// Finds the remote feed's head: trusts `known` when the size still matches (the usual
/// case: our own feed, which only we write), else reads the tail. Only lines `accept`s
/// count: for our own feed, lines byte-equal to our journal, so a line forged or mangled
/// on the relay can never make us skip records we have not delivered.
///
/// # Errors
///
/// Network errors.
pub fn remote_head(
    conn: &mut dyn Store,
    dir: &str,
    feed: &str,
    known: Option<RemoteHead>,
    accept: &dyn Fn(u64, &str) -> bool,
) -> Result<RemoteHead> {
    let name = feed_file(feed);
    let Some(size) = conn.size(dir, &name)? else {
        return Ok(RemoteHead::default());
    };
    if let Some(k) = known.filter(|k| k.exists && k.size == size) {
        return Ok(k);
    }
    log_head(conn, dir, feed, size, accept)
}

/// The head of `feed`'s log of `size` bytes, from its tail (or the whole of it when the
/// tail holds no accepted record).
fn log_head(
    conn: &mut dyn Store,
    dir: &str,
    feed: &str,
    size: u64,
    accept: &dyn Fn(u64, &str) -> bool,
) -> Result<RemoteHead> {
    let name = feed_file(feed);
    let mut start = size.saturating_sub(TAIL_WINDOW);
    loop {
        let data = conn
            .read(dir, &name, start, MAX_DOWNLOAD)?
            .unwrap_or_default();
        let partial = !data.is_empty() && !data.ends_with(b"\n");
        let mut lines: Vec<&[u8]> = data.split(|&b| b == b'\n').collect();
        lines.pop(); // after the last newline: empty or partial
        if start > 0 && !lines.is_empty() {
            lines.remove(0); // may begin mid-line
        }
        let seq = highest_accepted(lines.iter().copied(), feed, accept);
        if seq.is_some() || start == 0 {
            return Ok(RemoteHead {
                size: start + data.len() as u64,
                seq: seq.unwrap_or(0),
                exists: true,
                partial,
                segmented: false,
            });
        }
        start = 0;
    }
}

/// [`remote_head`] for a store that cannot append: the feed's records are in its log (from
/// before) and in segments. `known` is trusted when the log's size and the newest segment
/// listed are what they were after our last push.
///
/// # Errors
///
/// Network errors.
pub fn remote_head_segmented(
    conn: &mut dyn Store,
    dir: &str,
    feed: &str,
    known: Option<RemoteHead>,
    accept: &dyn Fn(u64, &str) -> bool,
) -> Result<RemoteHead> {
    let entries = conn.list(dir)?;
    let listed = entries
        .iter()
        .find(|e| e.name == feed_file(feed))
        .map(|e| e.size);
    let log_size = listed.map(|size| size.unwrap_or(u64::MAX));
    let segments = super::segment::in_listing(&entries)
        .remove(feed)
        .unwrap_or_default();
    let newest = segments.iter().map(|s| s.last).max().unwrap_or(0);
    if let Some(k) = known.filter(|k| {
        k.segmented && k.size == log_size.unwrap_or(0) && (newest == k.seq || newest == 0)
    }) && (newest > 0 || log_size.is_some())
    {
        return Ok(k);
    }
    let log = match listed {
        Some(Some(size)) => log_head(conn, dir, feed, size, accept)?,
        Some(None) => remote_head(conn, dir, feed, None, accept)?,
        None => RemoteHead::default(),
    };
    let seq = super::segment::head(conn, &segments, dir, feed, accept)?.max(log.seq);
    Ok(RemoteHead {
        seq,
        segmented: true,
        ..log
    })
}

/// Writes `bytes` as the whole file `name`, through a temporary name and a rename where
/// the store renames (so nobody reads it half written), else directly.
///
/// # Errors
///
/// Network errors.
pub(super) fn put_whole(conn: &mut dyn Store, dir: &str, name: &str, bytes: &[u8]) -> Result<()> {
    let tmp = format!("{name}.{}.tmp", base32(&rand_bytes()));
    conn.put(dir, &tmp, bytes)?;
    if !conn.rename(dir, &tmp, name)? {
        conn.put(dir, name, bytes)?;
        conn.delete(dir, &tmp)?;
    }
    Ok(())
}

/// Appends `lines` (already filtered to seqs above `head.seq`, in order) to the feed.
/// Returns the new head.
///
/// # Errors
///
/// Network errors; on error nothing is known to be appended and the caller keeps the
/// records queued (a partial append is repaired by the next one).
pub fn append(
    conn: &mut dyn Store,
    dir: &str,
    feed: &str,
    head: RemoteHead,
    lines: &[&str],
) -> Result<RemoteHead> {
    let Some(last) = lines.last() else {
        return Ok(head);
    };
    let last_seq = record::parse_line(last).map(|r| r.seq).unwrap_or(head.seq);
    let mut payload = String::new();
    if head.partial {
        payload.push('\n');
    }
    for l in lines {
        payload.push_str(l);
        payload.push('\n');
    }
    let name = feed_file(feed);
    if !head.exists {
        conn.mkdir_all(dir);
    }
    let appended = !head.segmented && conn.append(dir, &name, payload.as_bytes())?;
    if !appended {
        // No trustworthy append: the records go to new segments of their own.
        super::segment::write(conn, dir, feed, lines)?;
    }
    touch_marker(conn, dir);
    Ok(if appended {
        RemoteHead {
            size: head.size + payload.len() as u64,
            seq: last_seq,
            exists: true,
            partial: false,
            segmented: false,
        }
    } else {
        RemoteHead {
            seq: last_seq,
            segmented: true,
            partial: false,
            ..head
        }
    })
}

/// Tells live readers that the room changed: one byte appended to [`MARKER`], or where
/// the store cannot append, the marker rewritten one byte longer (up to 64, then 1
/// again). Best effort: the record is delivered whatever happens here, and a reader that
/// misses the signal finds the record at its next full listing.
fn touch_marker(conn: &mut dyn Store, dir: &str) {
    match conn.append(dir, MARKER, b"\n") {
        Ok(true) | Err(_) => {}
        Ok(false) => {
            let now = conn.size(dir, MARKER).ok().flatten().unwrap_or(0);
            let next = usize::try_from(now % 64).unwrap_or(0) + 1;
            let _ = conn.put(dir, MARKER, &b"\n".repeat(next));
        }
    }
}

fn rand_bytes() -> [u8; 5] {
    use rand_core::RngCore;
    let mut b = [0u8; 5];
    rand_core::OsRng.fill_bytes(&mut b);
    b
}

/// Per-relay read cursors, in one JSON file per relay-and-room and cursor name, updated
/// under a lock (held briefly: open, update, save, drop).
#[derive(Debug)]
pub struct RelayState {
    path: PathBuf,
    _lock: File,
    /// The state.
    pub data: RelayStateData,
}

/// The JSON content of a [`RelayState`].
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct RelayStateData {
    /// The relay-and-room key, for humans reading the file.
    pub relay: String,
    /// Read cursors by feed.
    #[serde(default)]
    pub cursors: BTreeMap<String, Cursor>,
}

impl RelayState {
    /// Opens and locks the state of `relay_key` (cursor set `name`).
    ///
    /// # Errors
    ///
    /// Fails when the state directory cannot be used.
    pub fn open(state_dir: &Path, relay_key: &str, name: &str) -> Result<Self> {
        let dir = relay_dir(state_dir, relay_key)?;
        let safe_name: String = name
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect();
        let path = dir.join(format!("cursors-{safe_name}.json"));
        let lock = lock_file(&path.with_extension("lock"))?;
        let mut data: RelayStateData = std::fs::read(&path)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default();
        data.relay = relay_key.to_string();
        Ok(RelayState {
            path,
            _lock: lock,
            data,
        })
    }

    /// Merges advanced cursors into the saved set `name` (nothing to do for none).
    ///
    /// # Errors
    ///
    /// State directory errors.
    pub fn merge(
        state_dir: &Path,
        relay_key: &str,
        name: &str,
        cursors: BTreeMap<String, Cursor>,
    ) -> Result<()> {
        if cursors.is_empty() {
            return Ok(());
        }
        let mut state = RelayState::open(state_dir, relay_key, name)?;
        state.data.cursors.extend(cursors);
        state.save()
    }

    /// [`RelayState::merge`] for several relays at once (cursors by relay key).
    ///
    /// # Errors
    ///
    /// State directory errors.
    pub fn merge_each(
        state_dir: &Path,
        name: &str,
        by_relay: BTreeMap<String, BTreeMap<String, Cursor>>,
    ) -> Result<()> {
        for (key, cursors) in by_relay {
            Self::merge(state_dir, &key, name, cursors)?;
        }
        Ok(())
    }

    /// The saved cursors of `relay_key` (set `name`).
    ///
    /// # Errors
    ///
    /// Fails when the state directory cannot be used.
    pub fn load(state_dir: &Path, relay_key: &str, name: &str) -> Result<BTreeMap<String, Cursor>> {
        Ok(Self::open(state_dir, relay_key, name)?.data.cursors)
    }

    /// Writes the state back (atomically).
    ///
    /// # Errors
    ///
    /// Write errors.
    pub fn save(&self) -> Result<()> {
        write_atomic(
            &self.path,
            &serde_json::to_vec_pretty(&self.data).expect("state serialises"),
        )
    }
}

pub(super) fn relay_dir(state_dir: &Path, relay_key: &str) -> Result<PathBuf> {
    let dir = state_dir
        .join("relays")
        .join(base32(&sha256(&[relay_key.as_bytes()])[..10]));
    ensure_private_dir(&dir)?;
    Ok(dir)
}

pub(super) fn lock_file(path: &Path) -> Result<File> {
    let lock = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .map_err(|e| Error::io("cannot open", path, e))?;
    lock.lock().map_err(|e| Error::io("cannot lock", path, e))?;
    Ok(lock)
}

/// Exclusive right to append to one feed on one relay from this machine, and the remote
/// head we last saw there (which saves a tail download when nothing else changed it).
#[derive(Debug)]
pub struct PushLock {
    _lock: File,
    head_path: PathBuf,
}

impl PushLock {
    /// Waits for and takes the lock.
    ///
    /// # Errors
    ///
    /// Fails when the state directory cannot be used.
    pub fn acquire(state_dir: &Path, relay_key: &str, feed: &str) -> Result<Self> {
        let dir = relay_dir(state_dir, relay_key)?;
        Ok(PushLock {
            _lock: lock_file(&dir.join(format!("{feed}.push.lock")))?,
            head_path: dir.join(format!("{feed}.head.json")),
        })
    }

    /// The head recorded after the last successful append.
    pub fn known(&self) -> Option<RemoteHead> {
        std::fs::read(&self.head_path)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
    }

    /// Records the head after an append.
    ///
    /// # Errors
    ///
    /// Write errors.
    pub fn store(&self, head: RemoteHead) -> Result<()> {
        write_atomic(
            &self.head_path,
            &serde_json::to_vec(&head).expect("head serialises"),
        )
    }
}

/// One poll of a room: the listing, then a ranged download of each feed that grew.
/// Feeds a cursor knows but the listing lacks are reported as rewritten.
///
/// # Errors
///
/// Network errors (nothing is lost: cursors are only advanced by the caller).
pub fn poll(
    conn: &mut dyn Store,
    dir: &str,
    cursors: &BTreeMap<String, Cursor>,
    warnings: &mut Vec<String>,
) -> Result<Vec<(String, Fetched)>> {
    poll_within(conn, dir, cursors, warnings, POLL_BUDGET)
}

/// [`poll`] downloading at most `budget` bytes (at least one longest line per feed read).
///
/// # Errors
///
/// Network errors.
pub fn poll_within(
    conn: &mut dyn Store,
    dir: &str,
    cursors: &BTreeMap<String, Cursor>,
    warnings: &mut Vec<String>,
    budget: u64,
) -> Result<Vec<(String, Fetched)>> {
    let entries = conn.list(dir)?;
    let segments = super::segment::in_listing(&entries);
    let feeds = feeds_in(entries, warnings);
    let mut out = Vec::new();
    let mut budget = budget;
    for (feed, size) in &feeds {
        let cursor = cursors.get(feed).cloned().unwrap_or_default();
        if *size == Some(cursor.offset) {
            continue;
        }
        if budget < MIN_PIECE {
            // This poll downloaded its share: the feed is read in the next one.
            out.push((
                feed.clone(),
                Fetched {
                    cursor,
                    more: true,
                    ..Fetched::default()
                },
            ));
            continue;
        }
        let fetched = fetch_part(conn, dir, Source::Feed(feed), &cursor, *size, budget)?;
        budget = budget.saturating_sub(fetched.downloaded);
        out.push((feed.clone(), fetched));
    }
    // Segments (stores that cannot append) after each feed's log, by seq.
    for (feed, segs) in &segments {
        let at = out.iter().position(|(f, _)| f == feed);
        if at.is_some_and(|i| out[i].1.rewritten.is_some() || out[i].1.more) {
            continue;
        }
        let mut fetched = match at {
            Some(i) => out.remove(i).1,
            None => Fetched {
                cursor: cursors.get(feed).cloned().unwrap_or_default(),
                ..Fetched::default()
            },
        };
        super::segment::read(conn, dir, feed, segs, &mut fetched, &mut budget)?;
        if at.is_some() || !fetched.lines.is_empty() || fetched.more || !fetched.skipped.is_empty()
        {
            out.push((feed.clone(), fetched));
        }
    }
    for (feed, c) in cursors {
        if c.offset > 0 && !feeds.contains_key(feed) {
            out.push((
                feed.clone(),
                Fetched {
                    cursor: c.clone(),
                    rewritten: Some(format!(
                        "feed {feed} disappeared after {} bytes were read",
                        c.offset
                    )),
                    ..Fetched::default()
                },
            ));
        }
    }
    Ok(out)
}

/// One poll of a legacy room (a single chat file): SIZE, then a ranged download when it
/// grew. The result is keyed by the file name, like a feed.
///
/// # Errors
///
/// Network errors.
pub fn poll_legacy(
    conn: &mut dyn Store,
    room_dir: &str,
    cursors: &BTreeMap<String, Cursor>,
) -> Result<Vec<(String, Fetched)>> {
    let (dir, file) = crate::room::legacy::chat_file(room_dir);
    let cursor = cursors.get(&file).cloned().unwrap_or_default();
    let fetched = fetch_part(
        conn,
        &dir,
        Source::Legacy(&file),
        &cursor,
        None,
        POLL_BUDGET,
    )?;
    Ok(vec![(file, fetched)])
}

/// What this device has read of a room on the relays `relay_keys`, for a record's `seen`:
/// per feed (but `own_feed`), the highest seq any saved cursor set holds and that
/// record's hash prefix; the [`record::MAX_SEEN`] feeds with the highest seqs.
pub fn seen_by(state_dir: &Path, relay_keys: &[&str], own_feed: &str) -> BTreeMap<String, String> {
    let mut best: BTreeMap<String, (u64, String)> = BTreeMap::new();
    for key in relay_keys {
        for (_, cursors) in cursor_sets(state_dir, key) {
            for (feed, c) in cursors {
                if feed == own_feed || c.seq == 0 || c.hash.len() < record::SEEN_HASH {
                    continue;
                }
                let slot = best.entry(feed).or_insert((0, String::new()));
                if c.seq > slot.0 {
                    *slot = (c.seq, c.hash[..record::SEEN_HASH].to_string());
                }
            }
        }
    }
    let mut by_seq: Vec<(String, (u64, String))> = best.into_iter().collect();
    by_seq.sort_by_key(|(_, (seq, _))| std::cmp::Reverse(*seq));
    by_seq
        .into_iter()
        .take(record::MAX_SEEN)
        .map(|(feed, (seq, hash))| (feed, format!("{seq}.{hash}")))
        .collect()
}

/// Every saved cursor set for a relay and room, by name (`default`, `watch`, ...).
pub fn cursor_sets(state_dir: &Path, relay_key: &str) -> Vec<(String, BTreeMap<String, Cursor>)> {
    let Ok(dir) = relay_dir(state_dir, relay_key) else {
        return Vec::new();
    };
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        let Some(set) = name
            .strip_prefix("cursors-")
            .and_then(|n| n.strip_suffix(".json"))
        else {
            continue;
        };
        if let Some(data) = std::fs::read(e.path())
            .ok()
            .and_then(|b| serde_json::from_slice::<RelayStateData>(&b).ok())
        {
            out.push((set.to_string(), data.cursors));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// Checks that the bytes a cursor has read are still there, unchanged, even when the
/// feed's size did not change (a same-size rewrite that an incremental poll skips).
/// Returns what was rewritten, if anything.
///
/// # Errors
///
/// Network errors.
pub fn check_cursor(
    conn: &mut dyn Store,
    dir: &str,
    feed: &str,
    cursor: &Cursor,
) -> Result<Option<String>> {
    if cursor.offset == 0 {
        return Ok(None);
    }
    let name = feed_file(feed);
    let Some(size) = conn.size(dir, &name)? else {
        return Ok(Some(format!(
            "feed {feed} disappeared after {} bytes were read",
            cursor.offset
        )));
    };
    if size < cursor.offset {
        return Ok(Some(format!(
            "feed {feed} shrank from {} to {size} bytes: history was rewritten",
            cursor.offset
        )));
    }
    let Some(start) = cursor.offset.checked_sub(cursor.tail_len) else {
        return Ok(Some(format!("feed {feed}: the saved cursor is corrupt")));
    };
    let data = conn
        .read(dir, &name, start, MAX_DOWNLOAD)?
        .unwrap_or_default();
    let tail = usize::try_from(cursor.tail_len).unwrap_or(usize::MAX);
    if data.len() < tail || tail_hash(&data[..tail]) != cursor.tail_hash {
        return Ok(Some(format!(
            "feed {feed}: bytes already read (up to offset {}) were changed: history was rewritten",
            cursor.offset
        )));
    }
    Ok(None)
}

/// Checks that every byte a cursor has read is unchanged, from offset 0: the running
/// digest when the cursor has one, else the last line (see [`check_cursor`]). A roster
/// read once must not change later, even at the same size.
///
/// # Errors
///
/// Network errors.
pub fn check_read_bytes(
    conn: &mut dyn Store,
    dir: &str,
    feed: &str,
    cursor: &Cursor,
) -> Result<Option<String>> {
    if let Some(why) = check_cursor(conn, dir, feed, cursor)? {
        return Ok(Some(why));
    }
    if cursor.offset == 0 || cursor.digest.is_empty() {
        return Ok(None);
    }
    let data = conn
        .read(dir, &feed_file(feed), 0, MAX_DOWNLOAD)?
        .unwrap_or_default();
    if digest_of(&data, cursor.offset).as_deref() != Some(cursor.digest.as_str()) {
        return Ok(Some(format!(
            "feed {feed}: bytes already read (before offset {}) were changed: history was rewritten",
            cursor.offset
        )));
    }
    Ok(None)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::store::memory::MemoryStore;

    /// Two feed pseudonyms.
    pub(crate) const A: &str = "aaaaaaaaaaaaaaaa";
    pub(crate) const B: &str = "bbbbbbbbbbbbbbbb";
    const DIR: &str = "room";

    #[test]
    fn the_digest_covers_every_byte_read_and_resumes_across_polls() {
        let mut s = MemoryStore::new();
        let first = format!("{}\n{}\n", rec(A, 1), rec(A, 2));
        s.append(DIR, &feed_file(A), first.as_bytes())
            .expect("append");
        let c1 = fetch(&mut s, DIR, A, &Cursor::default(), None)
            .expect("fetch")
            .cursor;
        assert_eq!(
            digest_of(first.as_bytes(), c1.offset),
            Some(c1.digest.clone())
        );
        s.append(DIR, &feed_file(A), format!("{}\n", rec(A, 3)).as_bytes())
            .expect("append");
        let c2 = fetch(&mut s, DIR, A, &c1, None).expect("fetch").cursor;
        let all = s
            .read(DIR, &feed_file(A), 0, MAX_DOWNLOAD)
            .expect("read")
            .expect("file");
        assert_eq!(digest_of(&all, c2.offset), Some(c2.digest.clone()));
        assert_eq!(check_read_bytes(&mut s, DIR, A, &c2).expect("check"), None);
        // Same size, first line changed (the tail is untouched): named.
        let forged = String::from_utf8(all)
            .expect("utf8")
            .replacen("Zm9v", "Zm9w", 1);
        s.put(DIR, &feed_file(A), forged.as_bytes()).expect("put");
        assert_eq!(check_cursor(&mut s, DIR, A, &c2).expect("check"), None);
        assert!(
            check_read_bytes(&mut s, DIR, A, &c2)
                .expect("check")
                .is_some_and(|w| w.contains("were changed"))
        );
    }

    /// A line shaped like a record of `feed` (feeds and delivery never decrypt); its
    /// ciphertext starts with `Zm9v`, which tests replace to forge a same-length line.
    pub(crate) fn rec(feed: &str, seq: u64) -> String {
        format!("fc1.{feed}.{seq}.Zm9vYmFy{seq}x{}", "Q".repeat(20))
    }

    /// The bytes of a feed file holding `lines`.
    pub(crate) fn file(lines: &[String]) -> Vec<u8> {
        lines
            .iter()
            .flat_map(|l| format!("{l}\n").into_bytes())
            .collect()
    }

    fn path(feed: &str) -> String {
        format!("{DIR}/{}", feed_file(feed))
    }

    fn texts(f: &Fetched) -> Vec<String> {
        f.lines
            .iter()
            .map(|l| String::from_utf8(l.clone()).expect("utf8"))
            .collect()
    }

    #[test]
    fn fetch_reads_only_what_was_added_since_the_cursor() {
        let mut s = MemoryStore::new();
        s.set_file(&path(A), &file(&[rec(A, 1), rec(A, 2)]));
        let first = fetch(&mut s, DIR, A, &Cursor::default(), None).expect("fetch");
        assert_eq!(texts(&first), vec![rec(A, 1), rec(A, 2)]);
        assert_eq!(
            first.cursor.offset,
            file(&[rec(A, 1), rec(A, 2)]).len() as u64
        );
        assert_eq!(
            (first.cursor.seq, first.cursor.hash.clone()),
            (2, line_hash(&rec(A, 2)))
        );
        assert_eq!(first.rewritten, None);

        s.append(DIR, &feed_file(A), format!("{}\n", rec(A, 3)).as_bytes())
            .expect("append");
        let second = fetch(&mut s, DIR, A, &first.cursor, None).expect("fetch");
        assert_eq!(texts(&second), vec![rec(A, 3)]);
        assert_eq!(second.cursor.seq, 3);

        // Nothing new, size known from a listing: no request at all.
        let before = s.requests();
        let size = Some(second.cursor.offset);
        let idle = fetch(&mut s, DIR, A, &second.cursor, size).expect("fetch");
        assert!(idle.lines.is_empty() && idle.rewritten.is_none());
        assert_eq!(idle.cursor, second.cursor);
        assert_eq!(s.requests(), before);
    }

    #[test]
    fn a_partial_last_line_is_left_for_the_next_fetch() {
        let mut s = MemoryStore::new();
        let whole = rec(A, 2);
        let (head, rest) = whole.split_at(20);
        let mut bytes = file(&[rec(A, 1)]);
        bytes.extend_from_slice(head.as_bytes());
        s.set_file(&path(A), &bytes);
        let f = fetch(&mut s, DIR, A, &Cursor::default(), None).expect("fetch");
        assert_eq!(texts(&f), vec![rec(A, 1)]);
        assert_eq!(
            f.cursor.offset,
            file(&[rec(A, 1)]).len() as u64,
            "stops at the line end"
        );
        assert_eq!(f.cursor.seq, 1);
        // The writer finishes the line.
        s.append(DIR, &feed_file(A), format!("{rest}\n").as_bytes())
            .expect("append");
        let g = fetch(&mut s, DIR, A, &f.cursor, None).expect("fetch");
        assert_eq!(texts(&g), vec![whole]);
        assert_eq!(g.rewritten, None);
    }

    #[test]
    fn a_feed_that_shrank_or_vanished_is_reported_rewritten() {
        let mut s = MemoryStore::new();
        s.set_file(&path(A), &file(&[rec(A, 1), rec(A, 2)]));
        let f = fetch(&mut s, DIR, A, &Cursor::default(), None).expect("fetch");
        s.set_file(&path(A), &file(&[rec(A, 1)]));
        let g = fetch(&mut s, DIR, A, &f.cursor, None).expect("fetch");
        assert!(
            g.rewritten.as_deref().is_some_and(|w| w.contains("shrank")),
            "{g:?}"
        );
        assert!(g.lines.is_empty());
        assert_eq!(
            g.cursor, f.cursor,
            "the cursor does not move past rewritten history"
        );

        s.delete(DIR, &feed_file(A)).expect("delete");
        let h = fetch(&mut s, DIR, A, &f.cursor, None).expect("fetch");
        assert!(
            h.rewritten
                .as_deref()
                .is_some_and(|w| w.contains("disappeared")),
            "{h:?}"
        );
        // A feed never read that does not exist is simply empty.
        let n = fetch(&mut s, DIR, A, &Cursor::default(), None).expect("fetch");
        assert_eq!((n.lines.len(), n.rewritten), (0, None));
    }

    #[test]
    fn changed_bytes_already_read_are_reported_when_the_feed_grows() {
        let mut s = MemoryStore::new();
        s.set_file(&path(A), &file(&[rec(A, 1), rec(A, 2)]));
        let f = fetch(&mut s, DIR, A, &Cursor::default(), None).expect("fetch");
        // Seq 2 swapped for another line of the same length, and a new record after it.
        let forged = rec(A, 2).replace("Zm9v", "ZZZZ");
        s.set_file(&path(A), &file(&[rec(A, 1), forged, rec(A, 3)]));
        let g = fetch(&mut s, DIR, A, &f.cursor, None).expect("fetch");
        assert!(
            g.rewritten
                .as_deref()
                .is_some_and(|w| w.contains("were changed")),
            "{g:?}"
        );
        assert!(g.lines.is_empty(), "nothing after a rewrite is trusted");
    }

    #[test]
    fn a_same_size_rewrite_is_invisible_to_fetch_but_found_by_check_cursor() {
        let mut s = MemoryStore::new();
        s.set_file(&path(A), &file(&[rec(A, 1), rec(A, 2)]));
        let f = fetch(&mut s, DIR, A, &Cursor::default(), None).expect("fetch");
        assert_eq!(
            check_cursor(&mut s, DIR, A, &f.cursor).expect("check"),
            None
        );
        let forged = rec(A, 2).replace("Zm9v", "ZZZZ");
        s.set_file(&path(A), &file(&[rec(A, 1), forged]));
        let g = fetch(&mut s, DIR, A, &f.cursor, None).expect("fetch");
        assert_eq!(
            (g.lines.len(), g.rewritten),
            (0, None),
            "same size: the poll sees nothing"
        );
        let found = check_cursor(&mut s, DIR, A, &f.cursor).expect("check");
        assert!(found.is_some_and(|w| w.contains("were changed")));
        s.set_file(&path(A), b"");
        let shrunk = check_cursor(&mut s, DIR, A, &f.cursor).expect("check");
        assert!(shrunk.is_some_and(|w| w.contains("shrank")));
        assert_eq!(
            check_cursor(&mut s, DIR, A, &Cursor::default()).expect("check"),
            None
        );
    }

    #[test]
    fn a_torn_append_repeated_whole_is_dropped_with_a_note() {
        let mut s = MemoryStore::new();
        let two = rec(A, 2);
        // What a cut-off append followed by the writer's repaired retry leaves.
        let bytes = format!("{}\n{}\n{two}\n{}\n", rec(A, 1), &two[..30], rec(A, 3));
        s.set_file(&path(A), bytes.as_bytes());
        let f = fetch(&mut s, DIR, A, &Cursor::default(), None).expect("fetch");
        assert_eq!(texts(&f), vec![rec(A, 1), two, rec(A, 3)]);
        assert_eq!(f.skipped.len(), 1);
        assert!(
            f.skipped[0].contains("cut off and then repeated"),
            "{:?}",
            f.skipped
        );
        assert_eq!(f.cursor.offset, bytes.len() as u64);
    }

    #[test]
    fn lines_of_other_feeds_malformed_and_blank_lines_are_skipped() {
        let mut s = MemoryStore::new();
        let bytes = format!(
            "{}\r\n\n{}\nnot a record\n\u{0}\u{ff}\n{}\n",
            rec(A, 1),
            rec(B, 1),
            rec(A, 2)
        );
        let mut raw = bytes.into_bytes();
        // An invalid UTF-8 byte in the fifth line.
        let at = raw.iter().position(|&b| b == 0).expect("marker");
        raw[at] = 0xff;
        s.set_file(&path(A), &raw);
        let f = fetch(&mut s, DIR, A, &Cursor::default(), None).expect("fetch");
        assert_eq!(texts(&f), vec![rec(A, 1), rec(A, 2)], "CR LF is accepted");
        assert_eq!(f.skipped.len(), 3, "{:?}", f.skipped);
        assert!(f.skipped[0].contains("another feed"));
        assert!(f.skipped[1].contains("not a record"));
        assert!(f.skipped[2].contains("UTF-8"));
        assert_eq!(
            f.cursor.offset,
            raw.len() as u64,
            "skipped lines are consumed too"
        );
        assert_eq!(f.cursor.seq, 2);
    }

    #[test]
    fn poll_fetches_grown_feeds_and_warns_about_strange_names() {
        let mut s = MemoryStore::new();
        s.set_file(&path(A), &file(&[rec(A, 1)]));
        s.set_file(&path(B), &file(&[rec(B, 1)]));
        for other in [
            "room/room.age",
            "room/blobs/x.age",
            "room/x.log.abc.tmp",
            "room/../evil",
            "room/README",
        ] {
            s.set_file(other, b"x");
        }
        let mut warnings = Vec::new();
        let got = poll(&mut s, DIR, &BTreeMap::new(), &mut warnings).expect("poll");
        assert_eq!(
            got.iter().map(|(f, _)| f.as_str()).collect::<Vec<_>>(),
            vec![A, B]
        );
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].contains("README"), "{warnings:?}");

        // A at its cursor is not downloaded; B vanished after being read.
        let cursors: BTreeMap<String, Cursor> =
            got.into_iter().map(|(f, x)| (f, x.cursor)).collect();
        s.delete(DIR, &feed_file(B)).expect("delete");
        let before = s.requests();
        let again = poll(&mut s, DIR, &cursors, &mut Vec::new()).expect("poll");
        assert_eq!(s.requests() - before, 1, "one listing, no download");
        assert_eq!(again.len(), 1);
        assert_eq!(again[0].0, B);
        assert!(
            again[0]
                .1
                .rewritten
                .as_deref()
                .is_some_and(|w| w.contains("disappeared"))
        );
    }

    #[test]
    fn feed_names_are_exact() {
        assert_eq!(feed_of(&feed_file(A)), Some(A));
        for bad in [
            "AAAAAAAAAAAAAAAA.log",
            "aaaa.log",
            "aaaaaaaaaaaaaaaa.txt",
            "../aaaaaaaaaaaaaaa.log",
            "aaaaaaaaaaaaaaaa.log.tmp",
        ] {
            assert_eq!(feed_of(bad), None, "{bad}");
        }
    }

    fn all(_: u64, _: &str) -> bool {
        true
    }

    #[test]
    fn remote_head_reads_the_tail_of_a_feed() {
        let mut s = MemoryStore::new();
        assert_eq!(
            remote_head(&mut s, DIR, A, None, &all).expect("head"),
            RemoteHead::default(),
            "missing feed"
        );
        let bytes = file(&[rec(A, 1), rec(A, 2), rec(B, 9)]);
        s.set_file(&path(A), &bytes);
        let h = remote_head(&mut s, DIR, A, None, &all).expect("head");
        assert_eq!(
            h,
            RemoteHead {
                size: bytes.len() as u64,
                seq: 2,
                exists: true,
                partial: false,
                segmented: false,
            },
            "another feed's line does not count"
        );
        let mut torn = bytes.clone();
        torn.extend_from_slice(&rec(A, 3).as_bytes()[..25]);
        s.set_file(&path(A), &torn);
        let h = remote_head(&mut s, DIR, A, None, &all).expect("head");
        assert_eq!((h.seq, h.partial, h.size), (2, true, torn.len() as u64));
    }

    #[test]
    fn remote_head_trusts_a_known_head_only_while_the_size_matches() {
        let mut s = MemoryStore::new();
        let bytes = file(&[rec(A, 1), rec(A, 2)]);
        s.set_file(&path(A), &bytes);
        let known = RemoteHead {
            size: bytes.len() as u64,
            seq: 2,
            exists: true,
            partial: false,
            segmented: false,
        };
        let before = s.requests();
        assert_eq!(
            remote_head(&mut s, DIR, A, Some(known), &all).expect("head"),
            known
        );
        assert_eq!(s.requests() - before, 1, "a SIZE, no download");
        // Someone else changed the file: the known head is not used.
        s.set_file(&path(A), &file(&[rec(A, 1)]));
        let h = remote_head(&mut s, DIR, A, Some(known), &all).expect("head");
        assert_eq!(h.seq, 1);
    }

    #[test]
    fn remote_head_counts_only_accepted_lines_and_looks_past_the_tail_window() {
        let mut s = MemoryStore::new();
        // Seq 1 is ours; then more than a tail window of lines we never wrote.
        let mut lines = vec![rec(A, 1)];
        let mut n = 2;
        while lines.iter().map(|l| l.len() + 1).sum::<usize>() < 2 * TAIL_WINDOW as usize {
            lines.push(rec(A, n));
            n += 1;
        }
        s.set_file(&path(A), &file(&lines));
        let ours = |seq: u64, line: &str| seq == 1 && line == rec(A, 1);
        let h = remote_head(&mut s, DIR, A, None, &ours).expect("head");
        assert_eq!(h.seq, 1, "forged lines never raise the head");
        assert_eq!(h.size, file(&lines).len() as u64);
        let h = remote_head(&mut s, DIR, A, None, &all).expect("head");
        assert_eq!(h.seq, n - 1);
    }

    #[test]
    fn append_creates_and_extends_a_feed() {
        let mut s = MemoryStore::new();
        let h0 = remote_head(&mut s, DIR, A, None, &all).expect("head");
        let (l1, l2, l3) = (rec(A, 1), rec(A, 2), rec(A, 3));
        let h1 = append(&mut s, DIR, A, h0, &[&l1, &l2]).expect("append");
        assert_eq!(s.file(&path(A)), Some(file(&[l1.clone(), l2.clone()])));
        assert_eq!(
            h1,
            RemoteHead {
                size: file(&[l1.clone(), l2.clone()]).len() as u64,
                seq: 2,
                exists: true,
                partial: false,
                segmented: false,
            }
        );
        let h2 = append(&mut s, DIR, A, h1, &[&l3]).expect("append");
        assert_eq!(s.file(&path(A)), Some(file(&[l1, l2, l3])));
        assert_eq!(h2.seq, 3);
        assert_eq!(remote_head(&mut s, DIR, A, None, &all).expect("head"), h2);
        // Nothing to append: nothing sent.
        let before = s.requests();
        assert_eq!(append(&mut s, DIR, A, h2, &[]).expect("append"), h2);
        assert_eq!(s.requests(), before);
    }

    #[test]
    fn without_appends_records_go_to_segments_beside_the_log_and_read_back_in_order() {
        let shared = MemoryStore::new();
        // Records 1-2 in the log from before (an honest store then).
        shared.set_file(&path(A), &file(&[rec(A, 1), rec(A, 2)]));
        let mut s = shared.without_append();
        let ours = |_: u64, _: &str| true;
        let h = remote_head_segmented(&mut s, DIR, A, None, &ours).expect("head");
        assert_eq!((h.seq, h.segmented), (2, true));
        let h = append(&mut s, DIR, A, h, &[&rec(A, 3)]).expect("append");
        let h = append(&mut s, DIR, A, h, &[&rec(A, 4), &rec(A, 5)]).expect("append");
        assert_eq!(h.seq, 5);
        assert_eq!(
            shared.file(&path(A)),
            Some(file(&[rec(A, 1), rec(A, 2)])),
            "the log is never rewritten"
        );
        let mut names: Vec<String> = s
            .list(DIR)
            .expect("list")
            .into_iter()
            .map(|e| e.name)
            .collect();
        names.sort();
        assert_eq!(
            names,
            vec![
                MARKER.to_string(),
                format!("{A}.3-3.seg"),
                format!("{A}.4-5.seg"),
                feed_file(A)
            ],
            "no temp file left behind"
        );
        // The cached head holds while nothing changed; a fresh look agrees.
        assert_eq!(
            remote_head_segmented(&mut s, DIR, A, Some(h), &ours).expect("head"),
            h
        );
        assert_eq!(
            remote_head_segmented(&mut s, DIR, A, None, &ours)
                .expect("head")
                .seq,
            5
        );
        // A reader polls both layouts: every record once, in order, and resumes by seq.
        let mut warnings = Vec::new();
        let got = poll(&mut s, DIR, &BTreeMap::new(), &mut warnings).expect("poll");
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(got.len(), 1);
        assert_eq!(
            texts(&got[0].1),
            (1..=5).map(|q| rec(A, q)).collect::<Vec<_>>()
        );
        let cursors: BTreeMap<String, Cursor> =
            got.into_iter().map(|(f, x)| (f, x.cursor)).collect();
        append(&mut s, DIR, A, h, &[&rec(A, 6)]).expect("append");
        let again = poll(&mut s, DIR, &cursors, &mut warnings).expect("poll");
        assert_eq!(texts(&again[0].1), vec![rec(A, 6)]);
        assert_eq!(
            texts(&fetch_whole(&mut s, DIR, A).expect("whole")),
            (1..=6).map(|q| rec(A, q)).collect::<Vec<_>>()
        );
    }

    #[test]
    fn append_after_a_cut_off_line_starts_on_a_new_line() {
        let mut s = MemoryStore::new();
        let (l1, l2, l3) = (rec(A, 1), rec(A, 2), rec(A, 3));
        let mut bytes = file(std::slice::from_ref(&l1));
        bytes.extend_from_slice(&l2.as_bytes()[..30]);
        s.set_file(&path(A), &bytes);
        let head = remote_head(&mut s, DIR, A, None, &all).expect("head");
        assert_eq!((head.seq, head.partial), (1, true));
        append(&mut s, DIR, A, head, &[&l2, &l3]).expect("append");
        // A reader sees every record once, the cut copy dropped.
        let f = fetch(&mut s, DIR, A, &Cursor::default(), None).expect("fetch");
        assert_eq!(texts(&f), vec![l1, l2, l3]);
        assert_eq!(f.skipped.len(), 1, "{:?}", f.skipped);
    }
}
