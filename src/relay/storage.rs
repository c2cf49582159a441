//! The relay's file store: libunftp's filesystem back end, with appends made safe.
//!
//! libunftp runs `APPE` as "read the size, then write from that offset" and the
//! filesystem back end first truncates the file to that offset, so two appends at once
//! overwrite each other (6 of 20 concurrent one-line appends were lost, measured). Here a
//! write that starts past offset 0 is an append, and so is a write from offset 0 right
//! after the size of that path was asked for and it did not exist or was empty (how
//! libunftp runs `APPE` on a new file: two such appends at once would otherwise truncate
//! each other).
//! An append opens the file with `O_APPEND`, and appends to one path run one at a time,
//! so each lands whole after the others. Every other operation is the back end's own. A
//! `REST n` + `STOR` to resume an upload therefore also appends; ftpchat never sends it,
//! and resuming clients use `APPE`.

use std::collections::HashMap;
use std::fmt::Debug;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError, Weak};

use async_trait::async_trait;
use unftp_core::auth::DefaultUser;
use unftp_core::storage::{Error, ErrorKind, Fileinfo, Metadata as _, Result, StorageBackend};
use unftp_sbe_fs::{Filesystem, Meta};

/// One lock per path being appended to, shared by every session of a relay.
#[derive(Debug, Default)]
pub struct AppendLocks(Mutex<HashMap<PathBuf, Weak<tokio::sync::Mutex<()>>>>);

impl AppendLocks {
    fn lock_for(&self, path: &Path) -> Arc<tokio::sync::Mutex<()>> {
        let mut map = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        // Entries whose appends have all ended go, so the map stays as small as the
        // number of appends in flight.
        map.retain(|_, w| w.strong_count() > 0);
        if let Some(lock) = map.get(path).and_then(Weak::upgrade) {
            return lock;
        }
        let lock = Arc::new(tokio::sync::Mutex::new(()));
        map.insert(path.to_path_buf(), Arc::downgrade(&lock));
        lock
    }
}

/// The served directory.
#[derive(Debug)]
pub struct RelayStore {
    inner: Filesystem,
    root: Arc<cap_std::fs::Dir>,
    locks: Arc<AppendLocks>,
    /// The last path whose metadata was asked for and that did not exist or was empty
    /// (per session).
    missing: Mutex<Option<PathBuf>>,
}

impl RelayStore {
    /// Opens `root` (two descriptors: the back end's and the one appends use).
    ///
    /// # Errors
    ///
    /// The directory cannot be opened (missing, or out of file descriptors).
    pub fn new(root: &Path, locks: Arc<AppendLocks>) -> std::io::Result<Self> {
        let dir = cap_std::fs::Dir::open_ambient_dir(root, cap_std::ambient_authority())?;
        Ok(RelayStore {
            inner: Filesystem::new(root)?,
            root: Arc::new(dir),
            locks,
            missing: Mutex::new(None),
        })
    }

    /// The append locks, for the next session's store.
    pub fn locks(&self) -> Arc<AppendLocks> {
        Arc::clone(&self.locks)
    }

    async fn append<R>(&self, input: R, path: &Path) -> Result<u64>
    where
        R: tokio::io::AsyncRead + Send + Sync + Unpin + 'static,
    {
        let relative = path.strip_prefix("/").unwrap_or(path).to_path_buf();
        let lock = self.locks.lock_for(&relative);
        let _held = lock.lock().await;
        let root = Arc::clone(&self.root);
        let file = tokio::task::spawn_blocking(move || {
            let mut options = cap_std::fs::OpenOptions::new();
            options.append(true).create(true);
            root.open_with(&relative, &options)
        })
        .await
        .map_err(|e| Error::new(ErrorKind::LocalError, e))??;
        let mut file = tokio::fs::File::from_std(file.into_std());
        let mut input = tokio::io::BufReader::with_capacity(64 * 1024, input);
        let copied = tokio::io::copy_buf(&mut input, &mut file).await?;
        tokio::io::AsyncWriteExt::flush(&mut file).await?;
        Ok(copied)
    }
}

#[async_trait]
impl StorageBackend<DefaultUser> for RelayStore {
    type Metadata = Meta;

    fn supported_features(&self) -> u32 {
        StorageBackend::<DefaultUser>::supported_features(&self.inner)
    }

    async fn metadata<P: AsRef<Path> + Send + Debug>(
        &self,
        user: &DefaultUser,
        path: P,
    ) -> Result<Meta> {
        let found = self.inner.metadata(user, path.as_ref()).await;
        let mut missing = self.missing.lock().unwrap_or_else(PoisonError::into_inner);
        // Empty counts as missing: another session's append may have just created it.
        let empty = found.as_ref().map_or(true, |m| m.len() == 0);
        *missing = empty.then(|| path.as_ref().to_path_buf());
        found
    }

    async fn list<P>(&self, user: &DefaultUser, path: P) -> Result<Vec<Fileinfo<PathBuf, Meta>>>
    where
        P: AsRef<Path> + Send + Debug,
    {
        self.inner.list(user, path).await
    }

    async fn get<P: AsRef<Path> + Send + Debug>(
        &self,
        user: &DefaultUser,
        path: P,
        start_pos: u64,
    ) -> Result<Box<dyn tokio::io::AsyncRead + Send + Sync + Unpin>> {
        self.inner.get(user, path, start_pos).await
    }

    async fn put<P, R>(&self, user: &DefaultUser, input: R, path: P, start_pos: u64) -> Result<u64>
    where
        P: AsRef<Path> + Send + Debug,
        R: tokio::io::AsyncRead + Send + Sync + Unpin + 'static,
    {
        let appending_new = {
            let mut missing = self.missing.lock().unwrap_or_else(PoisonError::into_inner);
            missing.take().is_some_and(|m| m == path.as_ref())
        };
        if start_pos == 0 && !appending_new {
            self.inner.put(user, input, path, 0).await
        } else {
            self.append(input, path.as_ref()).await
        }
    }

    async fn del<P: AsRef<Path> + Send + Debug>(&self, user: &DefaultUser, path: P) -> Result<()> {
        self.inner.del(user, path).await
    }

    async fn mkd<P: AsRef<Path> + Send + Debug>(&self, user: &DefaultUser, path: P) -> Result<()> {
        self.inner.mkd(user, path).await
    }

    async fn rename<P: AsRef<Path> + Send + Debug>(
        &self,
        user: &DefaultUser,
        from: P,
        to: P,
    ) -> Result<()> {
        self.inner.rename(user, from, to).await
    }

    async fn rmd<P: AsRef<Path> + Send + Debug>(&self, user: &DefaultUser, path: P) -> Result<()> {
        self.inner.rmd(user, path).await
    }

    async fn cwd<P: AsRef<Path> + Send + Debug>(&self, user: &DefaultUser, path: P) -> Result<()> {
        self.inner.cwd(user, path).await
    }
}
