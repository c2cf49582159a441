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
        "." | ".." | "blobs" | crate::protocol::roster::DESCRIPTOR_FILE
    ) || name.ends_with(".tmp")
}

/// Feeds in a room listing, with sizes where known; other names become warnings.
pub fn feeds_in(entries: Vec<Entry>, warnings: &mut Vec<String>) -> BTreeMap<String, Option<u64>> {
    let mut feeds = BTreeMap::new();
    for e in entries {
        match feed_of(&e.name) {
            Some(f) => {
                feeds.insert(f.to_string(), e.size);
            }
            None if known_other(&e.name) => {}
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
    /// Lines skipped as malformed or belonging to another feed, described.
    pub skipped: Vec<String>,
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
    let Some(data) = conn.read(dir, &name, start, MAX_DOWNLOAD)? else {
        out.rewritten = Some(format!("feed {feed} disappeared"));
        return Ok(out);
    };
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
    while let Some(nl) = data[pos..].iter().position(|&b| b == b'\n') {
        let line = &data[pos..pos + nl + 1];
        out.cursor.offset += line.len() as u64;
        out.cursor.tail_len = line.len() as u64;
        out.cursor.tail_hash = tail_hash(line);
        let text = line.strip_suffix(b"\n").unwrap_or(line);
        let text = text.strip_suffix(b"\r").unwrap_or(text);
        let at = out.cursor.offset - line.len() as u64;
        if matches!(source, Source::Legacy(_)) {
            if !text.is_empty() {
                out.lines.push(text.to_vec());
            }
            pos += nl + 1;
            continue;
        }
        match std::str::from_utf8(text).map(|s| (s, record::parse_line(s))) {
            Ok((s, Ok(r))) if r.feed == feed => {
                out.cursor.seq = r.seq;
                out.cursor.hash = line_hash(s);
                out.lines.push(text.to_vec());
            }
            Ok((_, Ok(_))) => out.skipped.push(format!(
                "feed {feed} at byte {at}: skipped a record of another feed"
            )),
            _ if text.is_empty() => {}
            Ok((_, Err(e))) => out
                .skipped
                .push(format!("feed {feed} at byte {at}: skipped: {e}")),
            Err(_) => out.skipped.push(format!(
                "feed {feed} at byte {at}: skipped: line is not valid UTF-8"
            )),
        }
        pos += nl + 1;
    }
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
        let seq = lines
            .iter()
            .filter_map(|l| std::str::from_utf8(l).ok())
            .filter_map(|l| record::parse_line(l.trim_end_matches('\r')).ok())
            .filter(|r| r.feed == feed && accept(r.seq, r.line))
            .map(|r| r.seq)
            .max();
        if seq.is_some() || start == 0 {
            return Ok(RemoteHead {
                size: start + data.len() as u64,
                seq: seq.unwrap_or(0),
                exists: true,
                partial,
            });
        }
        start = 0;
    }
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
    if !conn.append(dir, &name, payload.as_bytes())? {
        // No APPE: rewrite our own feed (nobody else writes it) via a temp file.
        let mut whole = if head.exists {
            conn.read(dir, &name, 0, MAX_DOWNLOAD)?.unwrap_or_default()
        } else {
            Vec::new()
        };
        whole.truncate(usize::try_from(head.size).unwrap_or(usize::MAX));
        whole.extend_from_slice(payload.as_bytes());
        let tmp = format!("{name}.{}.tmp", base32(&rand_bytes()));
        conn.put(dir, &tmp, &whole)?;
        if !conn.rename(dir, &tmp, &name)? {
            conn.put(dir, &name, &whole)?;
            conn.delete(dir, &tmp)?;
        }
    }
    Ok(RemoteHead {
        size: head.size + payload.len() as u64,
        seq: last_seq,
        exists: true,
        partial: false,
    })
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
    let feeds = feeds_in(conn.list(dir)?, warnings);
    let mut out = Vec::new();
    for (feed, size) in &feeds {
        let cursor = cursors.get(feed).cloned().unwrap_or_default();
        if *size == Some(cursor.offset) {
            continue;
        }
        let fetched = fetch(conn, dir, feed, &cursor, *size)?;
        out.push((feed.clone(), fetched));
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
    let fetched = fetch_source(conn, &dir, Source::Legacy(&file), &cursor, None)?;
    Ok(vec![(file, fetched)])
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
