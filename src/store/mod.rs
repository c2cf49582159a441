//! The store layer: a relay seen as a dumb file store.
//!
//! The room layer needs only a handful of file operations (list a directory with sizes,
//! the size of one file, read from an offset with a byte cap, append, create or
//! overwrite, rename, delete, make directories, a cheap "what changed" poll) and the
//! capabilities a store turned out to have. The [`Store`] trait is exactly that, so the
//! rooms, feeds and outbox above it work the same on every kind of relay.
//!
//! Kinds: [`ftp`] (`ftp://`, `ftps://`; any RFC 959 server, with everything beyond the
//! basics probed and a fallback for each), [`sftp`] (`sftp://`; any SSH server with an
//! SFTP subsystem, host keys checked as OpenSSH does), [`folder`] (`file:///path`: a directory on a
//! mounted filesystem) and [`memory`] (in-process, for tests and examples). [`open`]
//! picks the kind from the URL's scheme.
//!
//! A store may use the crate's foundation (`error`, `secret`, `paths`) and the pure
//! [`protocol`](crate::protocol) layer. It prints nothing and knows no clap: findings
//! a caller may want to show are returned as values.

pub mod folder;
pub mod ftp;
pub mod guard;
pub mod known_hosts;
pub mod memory;
pub mod netrc;
pub mod sftp;
pub mod ssh_config;
pub mod url;

use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::error::Result;
use crate::secret::Secret;
use url::{RelayUrl, Scheme};

/// The most bytes a directory listing may have (about 100 000 entries): a longer one is
/// refused, so a hostile server cannot fill memory with it.
pub const MAX_LISTING: u64 = 8 * 1024 * 1024;

/// The most entries a listing may have, for stores that list entry by entry (folders,
/// SFTP); [`MAX_LISTING`] bounds FTP's listing text the same way.
pub const MAX_ENTRIES: usize = 100_000;

/// The default cap of one [`Store::read`] (a hostile server cannot exhaust memory).
pub const MAX_DOWNLOAD: u64 = 512 * 1024 * 1024;

/// Timeouts for every network step.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    /// TCP connect, per address.
    pub connect: Duration,
    /// Any single read or write on control or data connections (the greeting included).
    pub io: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Duration::from_secs(10),
            io: Duration::from_secs(20),
        }
    }
}

/// TLS settings for `ftps://`.
#[derive(Debug, Clone, Default)]
pub struct TlsOptions {
    /// Trust this PEM file's certificates instead of the system roots.
    pub ca_file: Option<std::path::PathBuf>,
    /// Do not verify the server certificate (prints a warning; for testing only).
    pub insecure: bool,
    /// Implicit FTPS: TLS from the first byte (port 990), not AUTH TLS.
    pub implicit: bool,
}

/// A question for the person at the terminal; `true` means yes.
#[derive(Clone)]
pub struct HostKeyPrompt(pub Arc<dyn Fn(&str) -> bool + Send + Sync>);

impl std::fmt::Debug for HostKeyPrompt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HostKeyPrompt")
    }
}

/// Asks the person at the terminal for a secret (a key's passphrase, a password);
/// `None` when they gave none.
#[derive(Clone)]
pub struct SecretPrompt(pub Arc<AskSecret>);

/// The function behind a [`SecretPrompt`]: the prompt in, the secret (if any) out.
pub type AskSecret = dyn Fn(&str) -> Option<Secret> + Send + Sync;

impl std::fmt::Debug for SecretPrompt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretPrompt")
    }
}

/// SSH settings for `sftp://` relays.
#[derive(Debug, Clone, Default)]
pub struct SshOptions {
    /// `known_hosts` files to check, in order; new keys are recorded in the first.
    pub known_hosts: Vec<PathBuf>,
    /// Record an unknown host's key without asking (`StrictHostKeyChecking=accept-new`).
    pub accept_new: bool,
    /// Asks whether to trust an unknown host's key (on a terminal only).
    pub ask: Option<HostKeyPrompt>,
    /// Private key files to try, in order (missing ones are skipped).
    pub identity_files: Vec<PathBuf>,
    /// The ssh-agent socket (`SSH_AUTH_SOCK`).
    pub agent: Option<PathBuf>,
    /// On a terminal: asks for an encrypted key's passphrase, or for the password, once
    /// the agent, the unencrypted keys and any given password were refused.
    pub ask_secret: Option<SecretPrompt>,
}

/// Everything needed to log in to a relay.
#[derive(Debug, Clone)]
pub struct Endpoint {
    /// The relay.
    pub url: RelayUrl,
    /// The password.
    pub password: Secret,
    /// TLS options.
    pub tls: TlsOptions,
    /// Active-mode data connections (EPRT/PORT) instead of passive.
    pub active: bool,
    /// Timeouts.
    pub timeouts: Timeouts,
    /// SSH settings (`sftp://` only).
    pub ssh: SshOptions,
}

/// A listing entry as the server gave it; names are untrusted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The name, exactly as listed.
    pub name: String,
    /// Size in bytes, when the listing format gives one.
    pub size: Option<u64>,
}

/// Whether a store has a feature, as far as probing has shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Support {
    /// Not tried yet.
    #[default]
    Unknown,
    /// Tried, and it works.
    Yes,
    /// Tried, and the store refused it.
    No,
}

/// What a store has shown it can do (learned by probing, so it fills in with use).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Capabilities {
    /// Appending to a file in place (FTP `APPE`).
    pub append: Support,
    /// Reading from an offset without reading what comes before (FTP `REST`).
    pub ranged_read: Support,
    /// Asking one file's size (FTP `SIZE`).
    pub size: Support,
    /// Listing a directory with one cheap request and no data transfer (FTP `STAT dir`).
    pub cheap_list: Support,
}

/// A relay as a file store. Paths are a directory relative to the store's root (the
/// login directory; `""` for the root itself) and a file name in it.
///
/// Names from [`Store::list`] are untrusted: callers check them before turning them
/// into paths. Every method is bounded in time (each store sets timeouts on every
/// network step) and [`Store::read`] in memory.
pub trait Store: Send {
    /// The relay's `host:port` (or path), for messages.
    fn host(&self) -> &str;

    /// The entries of `dir`, with sizes where the store gives them. A missing directory
    /// lists as empty.
    ///
    /// # Errors
    ///
    /// Network and protocol errors.
    fn list(&mut self, dir: &str) -> Result<Vec<Entry>>;

    /// The size of a file, `None` when it does not exist.
    ///
    /// # Errors
    ///
    /// Network and protocol errors.
    fn size(&mut self, dir: &str, name: &str) -> Result<Option<u64>>;

    /// The bytes of a file from `offset` to its end, at most `limit` of them (more is an
    /// error, so a hostile relay cannot exhaust memory). `None` when it does not exist.
    ///
    /// # Errors
    ///
    /// Network and protocol errors; a file longer than `limit` from `offset` is an error.
    fn read(&mut self, dir: &str, name: &str, offset: u64, limit: u64) -> Result<Option<Vec<u8>>>;

    /// Up to `limit` bytes of a file from `offset`: a longer file is cut at `limit`, and
    /// the caller reads on from where it stopped. `None` when it does not exist.
    ///
    /// # Errors
    ///
    /// Network and protocol errors.
    fn read_part(
        &mut self,
        dir: &str,
        name: &str,
        offset: u64,
        limit: u64,
    ) -> Result<Option<Vec<u8>>>;

    /// Appends `bytes` to a file, creating it when missing. `Ok(false)` when the store
    /// cannot append (the caller then rewrites the file).
    ///
    /// # Errors
    ///
    /// Network and protocol errors.
    fn append(&mut self, dir: &str, name: &str, bytes: &[u8]) -> Result<bool> {
        self.append_from(dir, name, &mut &bytes[..])
    }

    /// Appends everything `data` yields; `Ok(false)` when the store cannot append.
    ///
    /// # Errors
    ///
    /// Network, protocol and read errors.
    fn append_from(&mut self, dir: &str, name: &str, data: &mut dyn Read) -> Result<bool>;

    /// Creates or replaces a whole file.
    ///
    /// # Errors
    ///
    /// Network and protocol errors.
    fn put(&mut self, dir: &str, name: &str, bytes: &[u8]) -> Result<()> {
        self.put_from(dir, name, &mut &bytes[..])
    }

    /// Creates or replaces a whole file with everything `data` yields.
    ///
    /// # Errors
    ///
    /// Network, protocol and read errors.
    fn put_from(&mut self, dir: &str, name: &str, data: &mut dyn Read) -> Result<()>;

    /// Renames a file within `dir`; `Ok(false)` when the store cannot (or will not
    /// replace an existing file), so the caller falls back.
    ///
    /// # Errors
    ///
    /// Network and protocol errors.
    fn rename(&mut self, dir: &str, from: &str, to: &str) -> Result<bool>;

    /// Deletes a file; a missing file is not an error.
    ///
    /// # Errors
    ///
    /// Network and protocol errors.
    fn delete(&mut self, dir: &str, name: &str) -> Result<()>;

    /// Creates `dir` and its parents where missing. Failures are ignored here: a
    /// directory that still does not exist shows up at its first use.
    fn mkdir_all(&mut self, dir: &str);

    /// What the store has shown it can do so far.
    fn capabilities(&self) -> Capabilities;

    /// Tells the store what a probe remembered from an earlier session found about its
    /// appends (see `room::probe`): `false` makes [`Store::append`] answer `Ok(false)`, so
    /// callers fall back to rewriting a whole file, as for a server without appends;
    /// `true` saves a probe the store would make itself.
    fn assume_append(&mut self, works: bool);

    /// Requests sent so far (FTP commands), for measurements.
    fn requests(&self) -> u64;

    /// A cheap request that checks the connection is alive.
    ///
    /// # Errors
    ///
    /// Network errors.
    fn keepalive(&mut self) -> Result<()>;

    /// Ends the session politely (errors ignored: it is being dropped anyway).
    fn close(self: Box<Self>);
}

/// Opens a store for `endpoint`, by the URL's scheme.
///
/// # Errors
///
/// Connection, TLS and login errors.
pub fn open(endpoint: &Endpoint) -> Result<Box<dyn Store>> {
    match endpoint.url.scheme {
        Scheme::Ftp | Scheme::Ftps => Ok(Box::new(ftp::Connection::open(endpoint)?)),
        Scheme::File => Ok(Box::new(folder::Folder::open(endpoint)?)),
        Scheme::Sftp => Ok(Box::new(sftp::Sftp::open(endpoint)?)),
    }
}

/// A TCP connection to the URL's host, trying each address in turn within `timeout`.
///
/// # Errors
///
/// Why the last address failed (or that the name did not resolve), for messages.
pub fn connect_tcp(
    url: &RelayUrl,
    timeout: Duration,
) -> std::result::Result<std::net::TcpStream, String> {
    use std::net::ToSocketAddrs as _;
    let addrs = (url.host.as_str(), url.port)
        .to_socket_addrs()
        .map_err(|e| format!("cannot resolve {}: {e}", url.host))?;
    let mut last = None;
    for addr in addrs {
        match std::net::TcpStream::connect_timeout(&addr, timeout) {
            Ok(s) => return Ok(s),
            Err(e) => last = Some(e),
        }
    }
    Err(last.map_or_else(|| "no address".to_string(), |e| e.to_string()))
}

/// Holds what a read got to its cap: more than `limit` bytes (the reader asks for one
/// more than `limit` to tell) are cut to `limit` when `cut`, else an error, so a
/// hostile relay cannot exhaust memory.
///
/// # Errors
///
/// [`Error::Relay`](crate::Error::Relay) naming the limit, when not `cut`.
pub(crate) fn capped(
    mut bytes: Vec<u8>,
    limit: u64,
    cut: bool,
    host: &str,
    what: &str,
) -> Result<Vec<u8>> {
    if bytes.len() as u64 > limit {
        if !cut {
            return Err(crate::error::Error::Relay {
                host: host.to_string(),
                what: what.to_string(),
                reason: format!("file is larger than the {limit}-byte download limit"),
                timeout: false,
            });
        }
        bytes.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    }
    Ok(bytes)
}

/// The error for a listing of more than [`MAX_ENTRIES`] entries.
pub(crate) fn too_many_entries(host: &str, what: &str) -> crate::error::Error {
    crate::error::Error::Relay {
        host: host.to_string(),
        what: what.to_string(),
        reason: format!("more than {MAX_ENTRIES} entries"),
        timeout: false,
    }
}

/// Everything an upload source yields, for stores that send a file in one request.
///
/// # Errors
///
/// The source cannot be read.
pub(crate) fn read_upload(data: &mut dyn Read) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    data.read_to_end(&mut buf)
        .map_err(|e| crate::error::Error::io("cannot read", "upload source", e))?;
    Ok(buf)
}

/// `dir/name`, or `name` in the root.
pub fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}
