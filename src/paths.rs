//! Where ftpchat keeps its files.
//!
//! Config (profiles, keys) follows `$XDG_CONFIG_HOME/ftpchat`, state (journals, outbox
//! marks, read cursors) follows `$XDG_STATE_HOME/ftpchat`. `FTPCHAT_HOME` replaces both
//! with one directory (`$FTPCHAT_HOME` for config, `$FTPCHAT_HOME/state` for state), which
//! is what the tests use. The environment is passed in, never read here.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The resolved config and state directories.
#[derive(Debug, Clone)]
pub struct Dirs {
    /// Profiles and keys.
    pub config: PathBuf,
    /// Journals, outbox marks and cursors.
    pub state: PathBuf,
    /// The user's home, for `~/.netrc`.
    pub home: Option<PathBuf>,
}

impl Dirs {
    /// Resolves the directories from environment lookups.
    ///
    /// # Errors
    ///
    /// Fails when neither `FTPCHAT_HOME`, the XDG variables nor `HOME` are set.
    pub fn from_env(var: impl Fn(&str) -> Option<String>) -> Result<Self> {
        let nonempty = |k: &str| var(k).filter(|v| !v.is_empty()).map(PathBuf::from);
        let home = nonempty("HOME");
        if let Some(root) = nonempty("FTPCHAT_HOME") {
            return Ok(Dirs {
                state: root.join("state"),
                config: root,
                home,
            });
        }
        let missing = || {
            Error::Usage(
                "cannot find a home directory: set HOME, XDG_CONFIG_HOME or FTPCHAT_HOME".into(),
            )
        };
        let config = match nonempty("XDG_CONFIG_HOME") {
            Some(d) => d,
            None => home.as_ref().ok_or_else(missing)?.join(".config"),
        };
        let state = match nonempty("XDG_STATE_HOME") {
            Some(d) => d,
            None => home.as_ref().ok_or_else(missing)?.join(".local/state"),
        };
        Ok(Dirs {
            config: config.join("ftpchat"),
            state: state.join("ftpchat"),
            home,
        })
    }

    /// Dirs rooted at one directory, as `FTPCHAT_HOME` does.
    pub fn at(root: &Path) -> Self {
        Dirs {
            config: root.to_path_buf(),
            state: root.join("state"),
            home: None,
        }
    }

    /// The default device identity file.
    pub fn identity_file(&self) -> PathBuf {
        self.config.join("identity.key")
    }

    /// The default room key file.
    pub fn room_key_file(&self) -> PathBuf {
        self.config.join("room.key")
    }
}

/// Creates a directory (and parents) readable only by the user.
///
/// # Errors
///
/// Fails when the directory cannot be created.
pub fn ensure_private_dir(dir: &Path) -> Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder
        .create(dir)
        .map_err(|e| Error::io("cannot create directory", dir, e))
}

/// Writes `contents` to a new file with mode 0600, atomically (temp file and rename).
///
/// With `overwrite` false an existing file is an error ([`Error::Exists`]).
///
/// # Errors
///
/// Fails when the file exists (and `overwrite` is false) or cannot be written.
pub fn write_private(path: &Path, contents: &[u8], overwrite: bool) -> Result<()> {
    write_file(path, contents, overwrite, true)
}

fn write_file(path: &Path, contents: &[u8], overwrite: bool, durable: bool) -> Result<()> {
    if !overwrite && path.exists() {
        return Err(Error::Exists {
            path: path.to_path_buf(),
        });
    }
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        ensure_private_dir(parent)?;
    }
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    let write = || -> io::Result<()> {
        let mut opts = fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let mut f = opts.open(&tmp)?;
        io::Write::write_all(&mut f, contents)?;
        if durable {
            f.sync_all()?;
        }
        fs::rename(&tmp, path)
    };
    write().map_err(|e| {
        let _ = fs::remove_file(&tmp);
        Error::io("cannot write", path, e)
    })
}

/// Writes a state file atomically (temp file and rename, mode 0600), creating parents,
/// without waiting for the disk: for caches and marks that can be rebuilt from the
/// journal and the relay (a crash loses at most the latest update, never leaves a torn
/// file). Keys and the journal itself use [`write_private`] or an explicit sync.
///
/// # Errors
///
/// Fails when the file cannot be written.
pub fn write_atomic(path: &Path, contents: &[u8]) -> Result<()> {
    write_file(path, contents, true, false)
}

/// Reads a secret file, refusing one that group or others can access (as ssh does).
///
/// # Errors
///
/// [`Error::KeyPermissions`] for a loose mode, [`Error::Io`] when it cannot be read.
pub fn read_secret_file(path: &Path) -> Result<String> {
    let meta = fs::metadata(path).map_err(|e| Error::io("cannot read", path, e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(Error::KeyPermissions {
                path: path.to_path_buf(),
                mode,
            });
        }
    }
    #[cfg(not(unix))]
    let _ = meta;
    let bytes = fs::read(path).map_err(|e| Error::io("cannot read", path, e))?;
    String::from_utf8(bytes).map_err(|_| Error::BadKey {
        what: path.display().to_string(),
        reason: "not a text file".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ftpchat_home_overrides_xdg() {
        let d = Dirs::from_env(|k| match k {
            "FTPCHAT_HOME" => Some("/h".into()),
            "XDG_CONFIG_HOME" => Some("/x".into()),
            _ => None,
        })
        .expect("dirs");
        assert_eq!(d.config, PathBuf::from("/h"));
        assert_eq!(d.state, PathBuf::from("/h/state"));
    }

    #[test]
    fn xdg_then_home() {
        let d = Dirs::from_env(|k| match k {
            "HOME" => Some("/home/a".into()),
            "XDG_STATE_HOME" => Some("/s".into()),
            _ => None,
        })
        .expect("dirs");
        assert_eq!(d.config, PathBuf::from("/home/a/.config/ftpchat"));
        assert_eq!(d.state, PathBuf::from("/s/ftpchat"));
        assert!(Dirs::from_env(|_| None).is_err());
    }

    #[test]
    fn loose_secret_file_is_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("k");
        write_private(&p, b"k3y-m4ter1al", false).expect("write");
        assert_eq!(read_secret_file(&p).expect("read"), "k3y-m4ter1al");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&p, fs::Permissions::from_mode(0o644)).expect("chmod");
            let err = read_secret_file(&p).expect_err("loose mode");
            assert!(matches!(err, Error::KeyPermissions { mode: 0o644, .. }));
            assert!(!err.to_string().contains("k3y-m4ter1al"));
        }
        assert!(matches!(
            write_private(&p, b"x", false),
            Err(Error::Exists { .. })
        ));
    }
}
