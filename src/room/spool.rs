//! Record lines of other writers' feeds that a streaming `push` has read but not yet
//! delivered (a mirror: `pull --follow --relay a | push --relay b`). They are not in any
//! journal of this device, so they are kept here, one file per relay and room, until the
//! relay has them: a push killed mid-stream loses nothing, and the next push to the same
//! relay delivers them first. Delivery is idempotent (by feed and seq), so a line spooled
//! twice is harmless.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use super::feed::{lock_file, relay_dir};
use crate::error::{Error, Result};

/// The spool of one relay and room, held under an exclusive lock.
#[derive(Debug)]
pub struct Spool {
    path: PathBuf,
    _lock: File,
}

impl Spool {
    /// Opens (and locks) the spool of `relay_key`; waits while another push holds it.
    ///
    /// # Errors
    ///
    /// State directory errors.
    pub fn open(state: &Path, relay_key: &str) -> Result<Self> {
        let dir = relay_dir(state, relay_key)?;
        Ok(Spool {
            _lock: lock_file(&dir.join("spool.lock"))?,
            path: dir.join("spool.lines"),
        })
    }

    /// The lines waiting, oldest first.
    ///
    /// # Errors
    ///
    /// Read errors other than a missing file.
    pub fn lines(&self) -> Result<Vec<String>> {
        match std::fs::read_to_string(&self.path) {
            Ok(text) => Ok(text
                .lines()
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
            Err(e) => Err(Error::io("cannot read", &self.path, e)),
        }
    }

    /// Adds lines (one write, so a crash leaves whole lines or a torn last one, which
    /// [`Spool::lines`] readers skip as malformed).
    ///
    /// # Errors
    ///
    /// Write errors.
    pub fn add(&self, lines: &[&str]) -> Result<()> {
        if lines.is_empty() {
            return Ok(());
        }
        let mut text = String::new();
        for l in lines {
            text.push_str(l);
            text.push('\n');
        }
        OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .and_then(|mut f| f.write_all(text.as_bytes()))
            .map_err(|e| Error::io("cannot write", &self.path, e))
    }

    /// Forgets every line (they are on the relay).
    ///
    /// # Errors
    ///
    /// Delete errors other than a missing file.
    pub fn clear(&self) -> Result<()> {
        match std::fs::remove_file(&self.path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(Error::io("cannot remove", &self.path, e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_survive_until_cleared() {
        let tmp = tempfile::tempdir().expect("tmp");
        let s = Spool::open(tmp.path(), "ftp://u@h:21/r").expect("open");
        assert!(s.lines().expect("lines").is_empty());
        s.add(&["a", "b"]).expect("add");
        s.add(&["c"]).expect("add");
        drop(s);
        let s = Spool::open(tmp.path(), "ftp://u@h:21/r").expect("reopen");
        assert_eq!(s.lines().expect("lines"), ["a", "b", "c"]);
        s.clear().expect("clear");
        assert!(s.lines().expect("lines").is_empty());
    }
}
