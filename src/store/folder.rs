//! A folder as a relay: `file:///path` (or a bare absolute path), a directory on any
//! mounted filesystem (a local disk, NFS, SMB, a USB stick, a synced folder).
//!
//! Every writer appends with `O_APPEND` in one `write` per call, under an exclusive
//! advisory lock on the file where the filesystem has them (`flock`; NFS and SMB map
//! it to their own locks or ignore it), so two processes appending at once each land
//! whole. Whole files are replaced by writing a temporary file beside them, syncing it
//! and renaming it over, so a reader never sees half a file. Reads are bounded like a
//! network store's: a file longer than the cap is an error (or cut, for
//! [`Store::read_part`]), and a listing stops at [`super::MAX_ENTRIES`].
//!
//! A missing folder (an unmounted disk) is a transient error, so records wait in the
//! outbox; a read-only one is a refusal.

use std::fs::{File, OpenOptions};
use std::io::{ErrorKind, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use super::{Capabilities, Endpoint, Entry, Store, Support, join};
use crate::error::{Error, Result};

/// A directory tree used as a relay.
#[derive(Debug)]
pub struct Folder {
    /// The folder named by the URL; `dir` arguments are relative to `/`, as the room
    /// layer gives absolute paths without their leading slash.
    top: PathBuf,
    host: String,
    requests: u64,
    /// A probe found `O_APPEND` does not land at the end here (a FUSE mount of an object
    /// store, say): appends are refused so callers rewrite instead.
    no_append: bool,
}

impl Folder {
    /// Opens the folder named by `endpoint`'s URL. The folder must exist: a missing one
    /// is most likely a disk that is not mounted.
    ///
    /// # Errors
    ///
    /// A transient [`Error::Relay`] when the folder is missing or not a directory.
    pub fn open(endpoint: &Endpoint) -> Result<Self> {
        let url = &endpoint.url;
        let top = PathBuf::from(url.base.as_deref().unwrap_or(&url.path));
        let folder = Folder {
            host: endpoint.url.to_string(),
            top,
            requests: 0,
            no_append: false,
        };
        folder.check_top()?;
        Ok(folder)
    }

    fn check_top(&self) -> Result<()> {
        match std::fs::metadata(&self.top) {
            Ok(m) if m.is_dir() => Ok(()),
            Ok(_) => Err(Error::Refused {
                host: self.host.clone(),
                what: "open".into(),
                reply: format!("{} is not a directory", self.top.display()),
            }),
            Err(e) => Err(self.unreachable(
                "open",
                &format!(
                    "{}: {e} (is the disk or share mounted?)",
                    self.top.display()
                ),
            )),
        }
    }

    fn path(&self, dir: &str, name: &str) -> PathBuf {
        Path::new("/").join(join(dir, name))
    }

    fn unreachable(&self, what: &str, reason: &str) -> Error {
        Error::Relay {
            host: self.host.clone(),
            what: what.to_string(),
            reason: reason.to_string(),
            timeout: false,
        }
    }

    /// Our error for a failed file operation: read-only filesystems and permissions are
    /// refusals (retrying cannot help), the rest transient.
    fn failed(&self, what: &str, path: &Path, e: &std::io::Error) -> Error {
        let refused = |why: String| Error::Refused {
            host: self.host.clone(),
            what: format!("{what} {}", path.display()),
            reply: why,
        };
        match e.kind() {
            ErrorKind::ReadOnlyFilesystem => refused(format!(
                "{e}: the folder is mounted read-only; remount it read-write or use another relay"
            )),
            ErrorKind::PermissionDenied => refused(format!(
                "{e}: this user may not write there; check the folder's owner and mode"
            )),
            ErrorKind::StorageFull | ErrorKind::QuotaExceeded => refused(format!("{e}")),
            _ => self.unreachable(&format!("{what} {}", path.display()), &e.to_string()),
        }
    }

    fn read_capped(
        &mut self,
        dir: &str,
        name: &str,
        offset: u64,
        limit: u64,
        cut: bool,
    ) -> Result<Option<Vec<u8>>> {
        self.requests += 1;
        let path = self.path(dir, name);
        let mut file = match File::open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(self.failed("read", &path, &e)),
        };
        file.seek(SeekFrom::Start(offset))
            .map_err(|e| self.failed("read", &path, &e))?;
        let mut buf = Vec::new();
        file.take(limit.saturating_add(1))
            .read_to_end(&mut buf)
            .map_err(|e| self.failed("read", &path, &e))?;
        super::capped(
            buf,
            limit,
            cut,
            &self.host,
            &format!("read {}", path.display()),
        )
        .map(Some)
    }
}

impl Store for Folder {
    fn host(&self) -> &str {
        &self.host
    }

    fn list(&mut self, dir: &str) -> Result<Vec<Entry>> {
        self.requests += 1;
        let path = self.path(dir, "");
        let entries = match std::fs::read_dir(&path) {
            Ok(e) => e,
            Err(e) if e.kind() == ErrorKind::NotFound => {
                // The room's folder may not exist yet, but the relay's must.
                self.check_top()?;
                return Ok(Vec::new());
            }
            Err(e) => return Err(self.failed("list", &path, &e)),
        };
        let mut out = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| self.failed("list", &path, &e))?;
            if out.len() == super::MAX_ENTRIES {
                return Err(super::too_many_entries(
                    &self.host,
                    &format!("list {}", path.display()),
                ));
            }
            let Ok(name) = entry.file_name().into_string() else {
                continue;
            };
            let size = entry
                .metadata()
                .ok()
                .filter(std::fs::Metadata::is_file)
                .map(|m| m.len());
            out.push(Entry { name, size });
        }
        Ok(out)
    }

    fn size(&mut self, dir: &str, name: &str) -> Result<Option<u64>> {
        self.requests += 1;
        let path = self.path(dir, name);
        match std::fs::metadata(&path) {
            Ok(m) if m.is_file() => Ok(Some(m.len())),
            Ok(_) => Ok(None),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(self.failed("size of", &path, &e)),
        }
    }

    fn read(&mut self, dir: &str, name: &str, offset: u64, limit: u64) -> Result<Option<Vec<u8>>> {
        self.read_capped(dir, name, offset, limit, false)
    }

    fn read_part(
        &mut self,
        dir: &str,
        name: &str,
        offset: u64,
        limit: u64,
    ) -> Result<Option<Vec<u8>>> {
        self.read_capped(dir, name, offset, limit, true)
    }

    fn append_from(&mut self, dir: &str, name: &str, data: &mut dyn Read) -> Result<bool> {
        if self.no_append {
            return Ok(false);
        }
        self.requests += 1;
        let bytes = super::read_upload(data)?;
        let path = self.path(dir, name);
        let mut file = OpenOptions::new()
            .append(true)
            .create(true)
            .open(&path)
            .map_err(|e| self.failed("append to", &path, &e))?;
        // Filesystems without locks answer Unsupported: O_APPEND alone still keeps each
        // write whole on a local disk.
        match file.lock() {
            Ok(()) => {}
            Err(e) if e.kind() == ErrorKind::Unsupported => {}
            Err(e) => return Err(self.failed("lock", &path, &e)),
        }
        file.write_all(&bytes)
            .map_err(|e| self.failed("append to", &path, &e))?;
        Ok(true)
    }

    fn put_from(&mut self, dir: &str, name: &str, data: &mut dyn Read) -> Result<()> {
        self.requests += 1;
        let path = self.path(dir, name);
        let parent = path.parent().unwrap_or(Path::new("/"));
        let mut temp = tempfile::Builder::new()
            .prefix(".ftpchat-put-")
            .tempfile_in(parent)
            .map_err(|e| self.failed("write", &path, &e))?;
        std::io::copy(data, &mut temp).map_err(|e| self.failed("write", &path, &e))?;
        temp.as_file()
            .sync_all()
            .map_err(|e| self.failed("write", &path, &e))?;
        temp.persist(&path)
            .map_err(|e| self.failed("write", &path, &e.error))?;
        Ok(())
    }

    fn rename(&mut self, dir: &str, from: &str, to: &str) -> Result<bool> {
        self.requests += 1;
        let (a, b) = (self.path(dir, from), self.path(dir, to));
        std::fs::rename(&a, &b).map_err(|e| self.failed("rename", &a, &e))?;
        Ok(true)
    }

    fn delete(&mut self, dir: &str, name: &str) -> Result<()> {
        self.requests += 1;
        let path = self.path(dir, name);
        match std::fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(()),
            Err(e) => Err(self.failed("delete", &path, &e)),
        }
    }

    fn mkdir_all(&mut self, dir: &str) {
        self.requests += 1;
        // Only below the relay's folder: a missing mount point is not made into an
        // empty directory on the root filesystem.
        let path = self.path(dir, "");
        if path.starts_with(&self.top) && self.top.is_dir() {
            let _ = std::fs::create_dir_all(path);
        }
    }

    fn assume_append(&mut self, works: bool) {
        self.no_append = !works;
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            append: if self.no_append {
                Support::No
            } else {
                Support::Yes
            },
            ranged_read: Support::Yes,
            size: Support::Yes,
            cheap_list: Support::Yes,
        }
    }

    fn requests(&self) -> u64 {
        self.requests
    }

    fn keepalive(&mut self) -> Result<()> {
        self.check_top()
    }

    fn close(self: Box<Self>) {}
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::Secret;
    use crate::store::url::RelayUrl;

    fn folder(path: &Path) -> Result<Folder> {
        Folder::open(&Endpoint {
            url: RelayUrl::parse(&path.display().to_string()).expect("url"),
            password: Secret::new(""),
            tls: crate::store::TlsOptions::default(),
            active: false,
            timeouts: crate::store::Timeouts::default(),
            ssh: crate::store::SshOptions::default(),
        })
    }

    #[test]
    fn files_append_read_and_list_within_bounds() {
        let top = tempfile::tempdir().expect("dir");
        let mut f = folder(top.path()).expect("open");
        let dir = top.path().join("room");
        let dir = dir.display().to_string();
        let dir = dir.trim_start_matches('/');
        f.mkdir_all(dir);
        assert!(f.append(dir, "feed", b"one\n").expect("append"));
        assert!(f.append(dir, "feed", b"two\n").expect("append"));
        assert_eq!(f.size(dir, "feed").expect("size"), Some(8));
        assert_eq!(
            f.read(dir, "feed", 4, 100).expect("read").as_deref(),
            Some(&b"two\n"[..])
        );
        assert!(
            f.read(dir, "feed", 0, 3).is_err(),
            "over the cap is an error"
        );
        assert_eq!(
            f.read_part(dir, "feed", 0, 3).expect("part").as_deref(),
            Some(&b"one"[..])
        );
        assert_eq!(f.read(dir, "none", 0, 10).expect("read"), None);
        f.put(dir, "d", b"whole").expect("put");
        assert!(f.rename(dir, "d", "e").expect("rename"));
        let mut names: Vec<_> = f
            .list(dir)
            .expect("list")
            .into_iter()
            .map(|e| e.name)
            .collect();
        names.sort();
        assert_eq!(names, ["e", "feed"]);
        f.delete(dir, "e").expect("delete");
        f.delete(dir, "e").expect("deleting a missing file is fine");
    }

    #[test]
    fn a_missing_folder_is_transient_and_never_created() {
        let top = tempfile::tempdir().expect("dir");
        let gone = top.path().join("not-mounted");
        let err = folder(&gone).expect_err("missing folder");
        assert!(err.is_transient(), "{err}");
        assert!(err.to_string().contains("mounted"), "{err}");
        assert!(!gone.exists());
    }
}
