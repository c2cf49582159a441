//! Whether a relay's appends can be trusted, found once per relay and room and
//! remembered.
//!
//! Gateways in front of object storage (rclone's `serve`, SFTPGo on S3) and some FUSE
//! mounts accept an append and then store only the appended bytes, or the object as a
//! stale copy had it: a feed appended there would lose its earlier records. Before the
//! first append to a relay, a scratch file gets two writes, a whole-file write and an
//! append, and is read back. When the append did not land after the first write, the
//! store is told so ([`Store::assume_append`]) and every feed is written whole instead
//! (one writer per feed makes that safe). The verdict is kept in the relay's state
//! directory for [`RECHECK_AFTER`], so a send costs the probe once, not every time.

use std::path::Path;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::feed::relay_dir;
use crate::error::Result;
use crate::paths::write_atomic;
use crate::store::Store;

/// What scratch files of the probe are called (with `-<pid>-<random>` after it).
pub const PREFIX: &str = ".ftpchat-append-probe";

/// A remembered verdict older than this is probed again.
pub const RECHECK_AFTER: Duration = Duration::from_secs(7 * 24 * 3600);

/// What the probe found, as remembered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    /// An append landed after what was there.
    pub appends: bool,
    /// When it was probed (RFC 3339).
    pub probed: String,
    /// What was read back, in words.
    pub found: String,
}

/// The remembered verdict for `relay_key`, if any (fresh or not).
pub fn remembered(state: &Path, relay_key: &str) -> Option<Verdict> {
    let path = relay_dir(state, relay_key).ok()?.join("appends.json");
    serde_json::from_slice(&std::fs::read(path).ok()?).ok()
}

/// Tells `conn` whether its appends can be trusted, probing in `dir` (and remembering the
/// verdict for `relay_key`) when no fresh verdict is kept. Returns the verdict.
///
/// # Errors
///
/// Relay errors while probing (nothing is remembered then); state directory errors.
pub fn ensure(state: &Path, relay_key: &str, dir: &str, conn: &mut dyn Store) -> Result<bool> {
    if let Some(v) = remembered(state, relay_key).filter(fresh) {
        conn.assume_append(v.appends);
        return Ok(v.appends);
    }
    let v = probe(conn, dir)?;
    let path = relay_dir(state, relay_key)?.join("appends.json");
    write_atomic(
        &path,
        &serde_json::to_vec_pretty(&v).expect("a verdict serialises"),
    )?;
    conn.assume_append(v.appends);
    Ok(v.appends)
}

fn fresh(v: &Verdict) -> bool {
    chrono::DateTime::parse_from_rfc3339(&v.probed).is_ok_and(|t| {
        let age = chrono::Utc::now().signed_duration_since(t);
        age >= chrono::Duration::zero() && age.to_std().is_ok_and(|a| a < RECHECK_AFTER)
    })
}

/// Writes `a`, appends `b` to a scratch file in `dir`, reads it back, deletes it.
///
/// # Errors
///
/// Relay errors.
pub fn probe(conn: &mut dyn Store, dir: &str) -> Result<Verdict> {
    use rand::Rng;
    let name = format!(
        "{PREFIX}-{}-{:08x}",
        std::process::id(),
        rand::thread_rng().r#gen::<u32>()
    );
    let first = b"ftpchat append probe: first write\n";
    let second = b"ftpchat append probe: appended\n";
    conn.mkdir_all(dir);
    conn.put(dir, &name, first)?;
    // The store's own idea (a server without APPE says so) is not what is tested here.
    conn.assume_append(true);
    let tried = conn
        .append(dir, &name, second)
        .and_then(|appended| match appended {
            true => Ok((true, conn.read(dir, &name, 0, 4096)?)),
            false => Ok((false, None)),
        });
    // The scratch file goes whatever happened (a failed delete leaves a dot file that
    // readers ignore).
    let _ = conn.delete(dir, &name);
    let expected = [&first[..], &second[..]].concat();
    let (appends, found) = match tried? {
        (false, _) => (false, "the server does not append".to_string()),
        (true, Some(b)) if b == expected => (true, "the append landed at the end".into()),
        (true, Some(b)) if b == second => (
            false,
            "the append replaced the file (only the appended bytes were left)".into(),
        ),
        (true, Some(b)) => (
            false,
            format!(
                "after the append the file held {} bytes, not {}",
                b.len(),
                expected.len()
            ),
        ),
        (true, None) => (false, "the file was gone after the append".into()),
    };
    Ok(Verdict {
        appends,
        probed: crate::protocol::record::now_rfc3339(),
        found,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::memory::MemoryStore;

    #[test]
    fn an_honest_store_appends_and_the_scratch_file_is_gone() {
        let mut s = MemoryStore::new();
        let v = probe(&mut s, "room").expect("probe");
        assert!(v.appends, "{v:?}");
        assert!(
            s.list("room").expect("list").is_empty(),
            "scratch file deleted"
        );
    }

    #[test]
    fn a_store_without_appends_is_found_out() {
        let v = probe(&mut NoAppend(MemoryStore::new()), "room").expect("probe");
        assert!(!v.appends && v.found.contains("does not append"), "{v:?}");
    }

    /// A store that never appends, whatever it is told.
    struct NoAppend(MemoryStore);

    impl Store for NoAppend {
        fn host(&self) -> &str {
            "no-append"
        }
        fn list(&mut self, d: &str) -> Result<Vec<crate::store::Entry>> {
            self.0.list(d)
        }
        fn size(&mut self, d: &str, n: &str) -> Result<Option<u64>> {
            self.0.size(d, n)
        }
        fn read(&mut self, d: &str, n: &str, o: u64, l: u64) -> Result<Option<Vec<u8>>> {
            self.0.read(d, n, o, l)
        }
        fn read_part(&mut self, d: &str, n: &str, o: u64, l: u64) -> Result<Option<Vec<u8>>> {
            self.0.read_part(d, n, o, l)
        }
        fn assume_append(&mut self, _: bool) {}
        fn append_from(&mut self, _: &str, _: &str, _: &mut dyn std::io::Read) -> Result<bool> {
            Ok(false)
        }
        fn put_from(&mut self, d: &str, n: &str, data: &mut dyn std::io::Read) -> Result<()> {
            self.0.put_from(d, n, data)
        }
        fn rename(&mut self, d: &str, from: &str, to: &str) -> Result<bool> {
            self.0.rename(d, from, to)
        }
        fn delete(&mut self, d: &str, n: &str) -> Result<()> {
            self.0.delete(d, n)
        }
        fn mkdir_all(&mut self, d: &str) {
            self.0.mkdir_all(d);
        }
        fn capabilities(&self) -> crate::store::Capabilities {
            self.0.capabilities()
        }
        fn requests(&self) -> u64 {
            self.0.requests()
        }
        fn keepalive(&mut self) -> Result<()> {
            Ok(())
        }
        fn close(self: Box<Self>) {}
    }
}
