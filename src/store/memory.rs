//! An in-process store: files in a shared map, for unit tests of the room layer and for
//! programs that want to try the library without a server.
//!
//! Clones of a [`MemoryStore`] share one set of files, like two connections to one
//! relay. [`MemoryStore::without_append`] behaves like a server that has no `APPE`, so
//! the rewrite fallback can be tested too. Its paths follow the same rules as a relay's:
//! `dir` and `name` joined with `/`, no normalisation.

use std::collections::BTreeMap;
use std::io::Read;
use std::sync::{Arc, Mutex, MutexGuard};

use super::{Capabilities, Entry, Store, Support, join};
use crate::error::Result;

/// Files in memory, shared between clones.
#[derive(Debug, Clone, Default)]
pub struct MemoryStore {
    files: Arc<Mutex<BTreeMap<String, Vec<u8>>>>,
    no_append: bool,
    requests: u64,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// A view of the same files that refuses appends, as a server without `APPE` does.
    #[must_use]
    pub fn without_append(&self) -> Self {
        MemoryStore {
            no_append: true,
            ..self.clone()
        }
    }

    /// A copy of a file's bytes (`dir/name` as in [`join`]), for tests to inspect.
    pub fn file(&self, path: &str) -> Option<Vec<u8>> {
        self.files().get(path).cloned()
    }

    /// Replaces a file's bytes, as a hostile relay could.
    pub fn set_file(&self, path: &str, bytes: &[u8]) {
        self.files().insert(path.to_string(), bytes.to_vec());
    }

    fn files(&self) -> MutexGuard<'_, BTreeMap<String, Vec<u8>>> {
        // A panic while holding the lock cannot leave the map half-updated (every
        // update is one insert), so a poisoned lock is still usable.
        self.files.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Store for MemoryStore {
    fn host(&self) -> &str {
        "memory"
    }

    fn list(&mut self, dir: &str) -> Result<Vec<Entry>> {
        self.requests += 1;
        let prefix = if dir.is_empty() {
            String::new()
        } else {
            format!("{dir}/")
        };
        let mut entries: BTreeMap<String, Option<u64>> = BTreeMap::new();
        for (path, bytes) in self.files().iter() {
            let Some(rest) = path.strip_prefix(&prefix) else {
                continue;
            };
            match rest.split_once('/') {
                Some((sub, _)) => entries.insert(sub.to_string(), None),
                None => entries.insert(rest.to_string(), Some(bytes.len() as u64)),
            };
        }
        Ok(entries
            .into_iter()
            .map(|(name, size)| Entry { name, size })
            .collect())
    }

    fn size(&mut self, dir: &str, name: &str) -> Result<Option<u64>> {
        self.requests += 1;
        Ok(self.files().get(&join(dir, name)).map(|b| b.len() as u64))
    }

    fn read_part(
        &mut self,
        dir: &str,
        name: &str,
        offset: u64,
        limit: u64,
    ) -> Result<Option<Vec<u8>>> {
        self.requests += 1;
        let files = self.files();
        Ok(files.get(&join(dir, name)).map(|bytes| {
            let start = usize::try_from(offset)
                .unwrap_or(usize::MAX)
                .min(bytes.len());
            let end = start.saturating_add(usize::try_from(limit).unwrap_or(usize::MAX));
            bytes[start..end.min(bytes.len())].to_vec()
        }))
    }

    fn read(&mut self, dir: &str, name: &str, offset: u64, limit: u64) -> Result<Option<Vec<u8>>> {
        self.requests += 1;
        let files = self.files();
        let Some(bytes) = files.get(&join(dir, name)) else {
            return Ok(None);
        };
        let start = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(bytes.len());
        super::capped(
            bytes[start..].to_vec(),
            limit,
            false,
            "memory",
            &format!("read {name}"),
        )
        .map(Some)
    }

    fn assume_append(&mut self, works: bool) {
        self.no_append = !works;
    }

    fn append_from(&mut self, dir: &str, name: &str, data: &mut dyn Read) -> Result<bool> {
        if self.no_append {
            return Ok(false);
        }
        self.requests += 1;
        let bytes = super::read_upload(data)?;
        self.files()
            .entry(join(dir, name))
            .or_default()
            .extend_from_slice(&bytes);
        Ok(true)
    }

    fn put_from(&mut self, dir: &str, name: &str, data: &mut dyn Read) -> Result<()> {
        self.requests += 1;
        let bytes = super::read_upload(data)?;
        self.files().insert(join(dir, name), bytes);
        Ok(())
    }

    fn rename(&mut self, dir: &str, from: &str, to: &str) -> Result<bool> {
        self.requests += 1;
        let mut files = self.files();
        match files.remove(&join(dir, from)) {
            Some(bytes) => {
                files.insert(join(dir, to), bytes);
                Ok(true)
            }
            None => Ok(false),
        }
    }

    fn delete(&mut self, dir: &str, name: &str) -> Result<()> {
        self.requests += 1;
        self.files().remove(&join(dir, name));
        Ok(())
    }

    fn mkdir_all(&mut self, _dir: &str) {
        // Directories exist implicitly, as prefixes of file paths.
    }

    fn capabilities(&self) -> Capabilities {
        let yes_no = |b: bool| if b { Support::Yes } else { Support::No };
        Capabilities {
            append: yes_no(!self.no_append),
            ranged_read: Support::Yes,
            size: Support::Yes,
            cheap_list: Support::Yes,
        }
    }

    fn requests(&self) -> u64 {
        self.requests
    }

    fn keepalive(&mut self) -> Result<()> {
        Ok(())
    }

    fn close(self: Box<Self>) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_shared_between_clones_and_listed_per_directory() {
        let mut a = MemoryStore::new();
        let mut b = a.clone();
        assert!(a.append("room", "x.log", b"one\n").expect("append"));
        assert!(b.append("room", "x.log", b"two\n").expect("append"));
        a.put("room/blobs", "f.age", b"blob").expect("put");
        assert_eq!(
            b.list("room").expect("list"),
            vec![
                Entry {
                    name: "blobs".into(),
                    size: None
                },
                Entry {
                    name: "x.log".into(),
                    size: Some(8)
                },
            ]
        );
        assert_eq!(
            b.read("room", "x.log", 4, 100).expect("read"),
            Some(b"two\n".to_vec())
        );
        assert!(b.read("room", "x.log", 0, 3).is_err(), "limit enforced");
        assert_eq!(b.size("room", "nope").expect("size"), None);
    }

    #[test]
    fn without_append_refuses_appends() {
        let mut s = MemoryStore::new().without_append();
        assert!(!s.append("", "f", b"x").expect("append"));
        assert_eq!(s.capabilities().append, Support::No);
    }
}
