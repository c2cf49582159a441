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
    deliver(state, target, &[line.to_string()], deadline, warn)
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

/// Delivers the undelivered lines of a legacy room, with `new` added last.
///
/// # Errors
///
/// [`Error::Queued`] when delivery failed; the lines stay pending.
pub fn deliver(
    state: &Path,
    target: &RelayTarget,
    new: &[String],
    deadline: Option<std::time::Instant>,
    warn: Warn<'_>,
) -> Result<()> {
    let _lock = PushLock::acquire(state, &target.key, "legacy")?;
    let path = pending_path(state, &target.key)?;
    let mut lines = pending(state, &target.key)?;
    lines.extend(new.iter().cloned());
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
        super::probe::ensure(state, &target.key, &dir, conn)?;
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

/// Appends lines to the chat file, then reads back what was added since and appends
/// again whatever is missing: some servers let concurrent APPEs overwrite each other
/// (pure-ftpd, proftpd with TLS), so the server's "226" alone does not mean the line is
/// in the file. Gives up after [`APPEND_ROUNDS`] rounds (a transient error: the lines stay
/// pending).
///
/// # Errors
///
/// Network errors; lines still missing after the last round.
pub fn append(conn: &mut dyn Store, dir: &str, file: &str, payload: &[u8]) -> Result<()> {
    if !dir.is_empty() {
        conn.mkdir_all(dir);
    }
    let wanted: Vec<&[u8]> = payload
        .split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .filter(|l| !l.is_empty())
        .collect();
    let mut missing = wanted.clone();
    for _ in 0..APPEND_ROUNDS {
        let before = conn.size(dir, file)?.unwrap_or(0);
        append_once(conn, dir, file, &missing, before)?;
        let after = conn.size(dir, file)?.unwrap_or(0);
        // A file that shrank was rewritten by a writer (the app's download-and-upload
        // fallback): look for the lines in all of it.
        let from = if after >= before { before } else { 0 };
        let added = conn
            .read_part(dir, file, from, READ_BACK)?
            .unwrap_or_default();
        let present: std::collections::HashSet<&[u8]> = added
            .split(|&b| b == b'\n')
            .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
            .collect();
        missing.retain(|l| !present.contains(l));
        if missing.is_empty() {
            return Ok(());
        }
    }
    Err(Error::Relay {
        host: conn.host().to_string(),
        what: format!("APPE {file}"),
        reason: format!(
            "{} of {} line(s) were not in the file after {APPEND_ROUNDS} appends (the server \
             let another writer overwrite them)",
            missing.len(),
            wanted.len()
        ),
        timeout: false,
    })
}

/// Rounds of append and read-back before giving up.
pub const APPEND_ROUNDS: usize = 4;

/// The most bytes read back after an append to find the lines again.
const READ_BACK: u64 = 4 * 1024 * 1024;

/// One append of `lines`, starting with a newline when the file's last line was cut off.
fn append_once(
    conn: &mut dyn Store,
    dir: &str,
    file: &str,
    lines: &[&[u8]],
    size: u64,
) -> Result<()> {
    let mut bytes = Vec::new();
    if size > 0 {
        let last = conn
            .read(dir, file, size - 1, MAX_DOWNLOAD)?
            .unwrap_or_default();
        if last.last().is_some_and(|&b| b != b'\n') {
            bytes.push(b'\n');
        }
    }
    for l in lines {
        bytes.extend_from_slice(l);
        bytes.push(b'\n');
    }
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
    use crate::store::memory::MemoryStore;

    /// A store whose first `lose` appends are acknowledged and then overwritten, as
    /// concurrent APPEs are on some servers.
    struct Lossy {
        inner: MemoryStore,
        lose: usize,
    }

    impl Store for Lossy {
        fn host(&self) -> &str {
            "lossy"
        }
        fn list(&mut self, dir: &str) -> Result<Vec<crate::store::Entry>> {
            self.inner.list(dir)
        }
        fn size(&mut self, dir: &str, name: &str) -> Result<Option<u64>> {
            self.inner.size(dir, name)
        }
        fn read(&mut self, d: &str, n: &str, o: u64, l: u64) -> Result<Option<Vec<u8>>> {
            self.inner.read(d, n, o, l)
        }
        fn read_part(&mut self, d: &str, n: &str, o: u64, l: u64) -> Result<Option<Vec<u8>>> {
            self.inner.read_part(d, n, o, l)
        }
        fn assume_append(&mut self, works: bool) {
            self.inner.assume_append(works);
        }
        fn append_from(&mut self, d: &str, n: &str, data: &mut dyn std::io::Read) -> Result<bool> {
            if self.lose > 0 {
                self.lose -= 1;
                let mut sink = Vec::new();
                let _ = data.read_to_end(&mut sink);
                // Another writer's line lands where ours went.
                return self.inner.append(d, n, b"gAAAAAothers-line\n");
            }
            self.inner.append_from(d, n, data)
        }
        fn put_from(&mut self, d: &str, n: &str, data: &mut dyn std::io::Read) -> Result<()> {
            self.inner.put_from(d, n, data)
        }
        fn rename(&mut self, d: &str, f: &str, t: &str) -> Result<bool> {
            self.inner.rename(d, f, t)
        }
        fn delete(&mut self, d: &str, n: &str) -> Result<()> {
            self.inner.delete(d, n)
        }
        fn mkdir_all(&mut self, d: &str) {
            self.inner.mkdir_all(d);
        }
        fn capabilities(&self) -> crate::store::Capabilities {
            self.inner.capabilities()
        }
        fn requests(&self) -> u64 {
            self.inner.requests()
        }
        fn keepalive(&mut self) -> Result<()> {
            Ok(())
        }
        fn close(self: Box<Self>) {}
    }

    #[test]
    fn an_overwritten_append_is_found_missing_and_repeated() {
        let mut store = Lossy {
            inner: MemoryStore::new(),
            lose: 2,
        };
        append(&mut store, "", "lobby.txt", b"gAAAAAmine-1\ngAAAAAmine-2\n").expect("append");
        let text = store.inner.read("", "lobby.txt", 0, 1 << 20).expect("read");
        let text = String::from_utf8(text.expect("file")).expect("utf8");
        assert_eq!(text.matches("gAAAAAmine-1").count(), 1, "{text}");
        assert_eq!(text.matches("gAAAAAmine-2").count(), 1, "{text}");
        // Always losing: a transient error after the last round, never a silent success.
        let mut store = Lossy {
            inner: MemoryStore::new(),
            lose: usize::MAX,
        };
        let err = append(&mut store, "", "lobby.txt", b"gAAAAAmine\n").expect_err("lost");
        assert!(err.is_transient(), "{err}");
        assert!(err.to_string().contains("not in the file"), "{err}");
    }

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
