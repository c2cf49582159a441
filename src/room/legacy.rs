//! Rooms of the original FTPChat app over FTP: one chat file, `<room>.txt`, shared by all.
//!
//! Writers append one Fernet line with APPE, as the app does (where APPE is missing, the
//! app's own fallback: download, add the line, upload). A line cut off mid-way by a lost
//! connection would swallow the next one, so before appending we check the file's last
//! byte and start with a newline when it is not one. Readers poll SIZE (in binary mode)
//! and fetch from their offset with REST + RETR, line by line, skipping bad lines one at a
//! time. Lines that could not be delivered wait in a local pending file and go first on
//! the next send. This format has no sender authentication; everything read from it is
//! marked so.

use std::path::{Path, PathBuf};

use super::delivery::with_retries;
use super::feed::PushLock;
use super::{RelayTarget, Warn};
use crate::error::{Error, Result};
use crate::store::{MAX_DOWNLOAD, Store};

/// The note shown once when reading a legacy room.
pub const NOTE: &str = "this room uses the original FTPChat format: messages are NOT authenticated \
(anyone with the passphrase can write any name) and its key uses a fixed, public salt";

/// Splits a room path into the directory and the chat file name (`.txt` added when
/// missing, as the app does).
pub fn chat_file(room_dir: &str) -> (String, String) {
    let (dir, name) = room_dir.rsplit_once('/').unwrap_or(("", room_dir));
    let name = if name.is_empty() { "chat" } else { name };
    let file = if name.ends_with(".txt") {
        name.to_string()
    } else {
        format!("{name}.txt")
    };
    (dir.to_string(), file)
}

fn pending_path(state: &Path, key: &str) -> Result<PathBuf> {
    let dir = state.join("legacy-outbox");
    crate::paths::ensure_private_dir(&dir)?;
    let id = crate::protocol::encoding::base32(
        &crate::protocol::encoding::sha256(&[key.as_bytes()])[..10],
    );
    Ok(dir.join(format!("{id}.txt")))
}

/// Lines waiting for delivery to this legacy room.
pub fn pending(state: &Path, key: &str) -> Result<Vec<String>> {
    let path = pending_path(state, key)?;
    Ok(std::fs::read_to_string(&path)
        .map(|t| {
            t.lines()
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default())
}

/// Appends `line` (and any earlier undelivered lines, first) to the chat file.
///
/// # Errors
///
/// [`Error::Queued`] when delivery failed; the lines stay pending.
pub fn send(
    state: &Path,
    target: &RelayTarget,
    line: &str,
    deadline: Option<std::time::Instant>,
    warn: Warn<'_>,
) -> Result<()> {
    deliver(state, target, Some(line), deadline, warn)
}

/// Deletes the undelivered lines of the legacy room `key` (`outbox drop`).
///
/// # Errors
///
/// Delete errors other than a missing file.
pub fn discard(state: &Path, key: &str) -> Result<()> {
    let path = pending_path(state, key)?;
    for p in [path.clone(), path.with_extension("relay")] {
        match std::fs::remove_file(&p) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io("cannot remove", &p, e)),
        }
    }
    Ok(())
}

/// Every legacy room with undelivered lines, as (relay-and-room key, line count).
pub fn all_pending(state: &Path) -> Vec<(String, usize)> {
    let Ok(entries) = std::fs::read_dir(state.join("legacy-outbox")) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for e in entries.flatten() {
        let path = e.path();
        if path.extension().is_some_and(|x| x == "relay")
            && let Ok(key) = std::fs::read_to_string(&path)
        {
            let n = pending(state, key.trim()).map(|l| l.len()).unwrap_or(0);
            if n > 0 {
                out.push((key.trim().to_string(), n));
            }
        }
    }
    out.sort();
    out
}

/// Delivers the undelivered lines of a legacy room, with `line` added last if given.
///
/// # Errors
///
/// [`Error::Queued`] when delivery failed; the lines stay pending.
pub fn deliver(
    state: &Path,
    target: &RelayTarget,
    line: Option<&str>,
    deadline: Option<std::time::Instant>,
    warn: Warn<'_>,
) -> Result<()> {
    let _lock = PushLock::acquire(state, &target.key, "legacy")?;
    let path = pending_path(state, &target.key)?;
    let mut lines = pending(state, &target.key)?;
    lines.extend(line.map(str::to_string));
    if lines.is_empty() {
        return Ok(());
    }
    // This file is the only copy of undelivered lines: make it durable, and remember
    // where they go so `outbox flush` can deliver them.
    crate::paths::write_private(&path, (lines.join("\n") + "\n").as_bytes(), true)?;
    crate::paths::write_atomic(&path.with_extension("relay"), target.key.as_bytes())?;
    let (dir, file) = chat_file(&target.dir);
    let payload = lines.join("\n") + "\n";
    match with_retries(target, deadline, warn, |conn| {
        append(conn, &dir, &file, payload.as_bytes())
    }) {
        Ok(()) => {
            let _ = std::fs::remove_file(&path);
            Ok(())
        }
        Err(e) => Err(Error::Queued {
            count: lines.len(),
            source: Box::new(e),
        }),
    }
}

/// Appends bytes to the chat file, repairing a cut-off last line first.
///
/// # Errors
///
/// Network errors.
pub fn append(conn: &mut dyn Store, dir: &str, file: &str, payload: &[u8]) -> Result<()> {
    if !dir.is_empty() {
        conn.mkdir_all(dir);
    }
    let size = conn.size(dir, file)?.unwrap_or(0);
    let mut bytes = Vec::with_capacity(payload.len() + 1);
    if size > 0 {
        let last = conn
            .read(dir, file, size - 1, MAX_DOWNLOAD)?
            .unwrap_or_default();
        if last.last().is_some_and(|&b| b != b'\n') {
            bytes.push(b'\n');
        }
    }
    bytes.extend_from_slice(payload);
    if conn.append(dir, file, &bytes)? {
        return Ok(());
    }
    let mut whole = conn.read(dir, file, 0, MAX_DOWNLOAD)?.unwrap_or_default();
    whole.extend_from_slice(&bytes);
    conn.put(dir, file, &whole)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chat_file_names() {
        assert_eq!(chat_file("lobby"), ("".into(), "lobby.txt".into()));
        assert_eq!(
            chat_file("a/b/lobby.txt"),
            ("a/b".into(), "lobby.txt".into())
        );
        assert_eq!(chat_file(""), ("".into(), "chat.txt".into()));
    }
}
