//! SFTP relays: `sftp://user@host[:port]/path`, any SSH server with an SFTP subsystem.
//!
//! russh (ring backend) and russh-sftp run on a small current-thread tokio runtime that
//! this store owns, so the layers above stay synchronous. Every step is bounded: the TCP
//! connect by the connect timeout per address, the handshake and login by the connect
//! plus I/O timeouts, and each SFTP request by the I/O timeout.
//!
//! Host keys are checked against `known_hosts` as OpenSSH does ([`super::known_hosts`]):
//! a known key passes, a changed or revoked one is a hard failure, and an unknown one is
//! recorded only when the caller allows it (`--accept-new-host-key`, or a yes to the
//! question [`SshOptions::ask`] puts on a terminal). Never a silent accept.
//!
//! Logins try, in order, the keys of ssh-agent (`SSH_AUTH_SOCK`), the key files (from
//! `--ssh-key`, `~/.ssh/config`, or `~/.ssh/id_ed25519`, `id_ecdsa`, `id_rsa`), then the
//! password when one was found. Appends open the file with `SSH_FXF_APPEND` (OpenSSH
//! honours it since 6.5); the first append of a session is preceded by a probe on a
//! scratch file, so a server that ignores the flag (and would write at offset 0) is
//! found before it can damage a feed, and the room layer then rewrites instead.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use russh::client;
use russh::keys::{HashAlg, PrivateKeyWithHashAlg, PublicKey};
use russh_sftp::client::SftpSession;
use russh_sftp::client::error::Error as SftpError;
use russh_sftp::protocol::{OpenFlags, StatusCode};
use tokio::io::{AsyncReadExt as _, AsyncSeekExt as _, AsyncWriteExt as _};

use super::known_hosts::{self, HostKey, Verdict};
use super::{Capabilities, Endpoint, Entry, SshOptions, Store, Support, join};
use crate::error::{Error, Result};

/// The scratch file of the append probe.
const PROBE: &str = ".ftpchat-append-probe";

/// An SFTP session.
pub struct Sftp {
    rt: tokio::runtime::Runtime,
    sftp: SftpSession,
    ssh: client::Handle<Checker>,
    host: String,
    io: Duration,
    requests: std::cell::Cell<u64>,
    caps: Capabilities,
}

impl std::fmt::Debug for Sftp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Sftp({})", self.host)
    }
}

/// What the host-key check decided, kept for the error message.
#[derive(Debug, Clone)]
enum Decision {
    Accepted,
    Unknown(HostKey),
    Refused(String),
}

struct Checker {
    host: String,
    port: u16,
    opts: SshOptions,
    decision: Arc<Mutex<Option<Decision>>>,
}

impl client::Handler for Checker {
    type Error = russh::Error;

    async fn check_server_key(
        &mut self,
        key: &PublicKey,
    ) -> std::result::Result<bool, Self::Error> {
        let decision = self.judge(key);
        let ok = matches!(decision, Decision::Accepted);
        *self.decision.lock().unwrap_or_else(PoisonError::into_inner) = Some(decision);
        Ok(ok)
    }
}

impl Checker {
    fn judge(&self, key: &PublicKey) -> Decision {
        let Some(key) = key
            .to_openssh()
            .ok()
            .and_then(|l| HostKey::from_openssh(&l))
        else {
            return Decision::Refused("the server's host key cannot be encoded".into());
        };
        let name = known_hosts::host_name(&self.host, self.port);
        match known_hosts::check(&self.opts.known_hosts, &self.host, self.port, &key) {
            Verdict::Known => Decision::Accepted,
            Verdict::Revoked { line } => Decision::Refused(format!(
                "host key {} {} of {name} is revoked ({line})",
                key.kind,
                key.fingerprint()
            )),
            Verdict::Changed { line, recorded } => Decision::Refused(format!(
                "REMOTE HOST KEY CHANGED for {name}: it offered {} {} but {line} records {}. \
                 Someone may be intercepting the connection, or the server was reinstalled; if \
                 you know it was, remove that line (`ssh-keygen -R '{name}'`) and connect again",
                key.kind,
                key.fingerprint(),
                recorded
            )),
            Verdict::Unknown if self.opts.accept_new => match self.opts.known_hosts.first() {
                Some(file) => match known_hosts::learn(file, &self.host, self.port, &key) {
                    Ok(()) => Decision::Accepted,
                    Err(e) => Decision::Refused(format!(
                        "cannot record the host key in {}: {e}",
                        file.display()
                    )),
                },
                None => Decision::Refused("no known_hosts file to record the key in".into()),
            },
            Verdict::Unknown => Decision::Unknown(key),
        }
    }
}

impl Sftp {
    /// Connects, checks the host key, logs in and starts the SFTP subsystem.
    ///
    /// # Errors
    ///
    /// [`Error::Relay`] for network failures and timeouts, [`Error::Refused`] for host
    /// key failures, [`Error::Auth`] when no login method worked.
    pub fn open(endpoint: &Endpoint) -> Result<Self> {
        let mut opts = endpoint.ssh.clone();
        loop {
            match Self::open_once(endpoint, &opts) {
                Err(Unverified(key)) => {
                    let url = &endpoint.url;
                    let name = known_hosts::host_name(&url.host, url.port);
                    let question = format!(
                        "The authenticity of host '{name}' can't be established.\n{} key \
                         fingerprint is {}.\nAre you sure you want to continue connecting and \
                         record it in {}?",
                        key.kind,
                        key.fingerprint(),
                        opts.known_hosts
                            .first()
                            .map_or_else(|| "known_hosts".into(), |p| p.display().to_string())
                    );
                    let yes = opts.ask.as_ref().is_some_and(|ask| (ask.0)(&question));
                    if !yes {
                        return Err(Error::Refused {
                            host: url.authority(),
                            what: "host key check".into(),
                            reply: format!(
                                "{name} is not in known_hosts ({} key {}); check the \
                                 fingerprint with the server's owner, then connect once with \
                                 --accept-new-host-key (as ssh's StrictHostKeyChecking=accept-new) \
                                 or add it with `ssh-keyscan -p {} {} >> ~/.ssh/known_hosts`",
                                key.kind,
                                key.fingerprint(),
                                url.port,
                                url.host
                            ),
                        });
                    }
                    opts.accept_new = true;
                    opts.ask = None;
                }
                Ok(s) => return Ok(s),
                Err(Failed(e)) => return Err(e),
            }
        }
    }

    fn open_once(endpoint: &Endpoint, opts: &SshOptions) -> std::result::Result<Self, Opening> {
        let url = &endpoint.url;
        let host = url.authority();
        let relay = |what: &str, reason: String, timeout: bool| {
            Failed(Error::Relay {
                host: host.clone(),
                what: what.to_string(),
                reason,
                timeout,
            })
        };
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| relay("start", e.to_string(), false))?;
        let timeouts = endpoint.timeouts;
        let stream =
            super::connect_tcp(url, timeouts.connect).map_err(|e| relay("connect", e, false))?;
        // Without TCP_NODELAY each small request waits out the peer's delayed ACK
        // (40 ms, three times per send, measured).
        stream
            .set_nodelay(true)
            .and_then(|()| stream.set_nonblocking(true))
            .map_err(|e| relay("connect", e.to_string(), false))?;
        let decision = Arc::new(Mutex::new(None));
        let checker = Checker {
            host: url.host.clone(),
            port: url.port,
            opts: opts.clone(),
            decision: decision.clone(),
        };
        let config = Arc::new(client::Config {
            nodelay: true,
            keepalive_interval: Some(timeouts.io),
            keepalive_max: 2,
            ..client::Config::default()
        });
        let login = timeouts.connect + timeouts.io;
        let connected = rt.block_on(async {
            let stream = tokio::net::TcpStream::from_std(stream)?;
            tokio::time::timeout(login, client::connect_stream(config, stream, checker))
                .await
                .map_err(|_| russh::Error::ConnectionTimeout)?
        });
        let mut ssh = match connected {
            Ok(h) => h,
            Err(e) => {
                let decided = decision
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .clone();
                return Err(match decided {
                    Some(Decision::Unknown(key)) => Unverified(key),
                    Some(Decision::Refused(why)) => Failed(Error::Refused {
                        host,
                        what: "host key check".into(),
                        reply: why,
                    }),
                    _ => relay(
                        "SSH handshake",
                        e.to_string(),
                        matches!(e, russh::Error::ConnectionTimeout),
                    ),
                });
            }
        };
        let logged_in = rt.block_on(async {
            tokio::time::timeout(
                login,
                authenticate(&mut ssh, &url.user, endpoint.password.expose(), opts),
            )
            .await
        });
        match logged_in {
            Ok(Ok(())) => {}
            Ok(Err(refused)) => {
                // Asked only now, outside the login's time limit: a person may take a
                // while to type (the server's own grace time still applies).
                let asked = opts.ask_secret.as_ref().is_some_and(|ask| {
                    ask_and_retry(&rt, &mut ssh, &url.user, &host, &refused, ask, timeouts.io)
                });
                if !asked {
                    return Err(Failed(Error::Auth {
                        host,
                        user: url.user.clone(),
                        reply: refused.why,
                    }));
                }
            }
            Err(_) => return Err(relay("login", "timed out".into(), true)),
        }
        let io = timeouts.io;
        let sftp = rt.block_on(async {
            tokio::time::timeout(io, async {
                let channel = ssh
                    .channel_open_session()
                    .await
                    .map_err(|e| e.to_string())?;
                channel
                    .request_subsystem(true, "sftp")
                    .await
                    .map_err(|e| e.to_string())?;
                let config = russh_sftp::client::Config {
                    request_timeout_secs: io.as_secs().max(1),
                    ..russh_sftp::client::Config::default()
                };
                SftpSession::new_with_config(channel.into_stream(), config)
                    .await
                    .map_err(|e| e.to_string())
            })
            .await
        });
        let sftp = match sftp {
            Ok(Ok(s)) => s,
            Ok(Err(why)) => {
                return Err(relay(
                    "SFTP subsystem",
                    format!("{why} (is SFTP enabled on this server?)"),
                    false,
                ));
            }
            Err(_) => return Err(relay("SFTP subsystem", "timed out".into(), true)),
        };
        Ok(Sftp {
            rt,
            sftp,
            ssh,
            host,
            io,
            requests: std::cell::Cell::new(0),
            caps: Capabilities {
                ranged_read: Support::Yes,
                size: Support::Yes,
                ..Capabilities::default()
            },
        })
    }

    /// Runs one SFTP request under the I/O timeout.
    fn run<T>(
        &self,
        what: &str,
        fut: impl std::future::Future<Output = std::result::Result<T, SftpError>>,
    ) -> Result<std::result::Result<T, SftpError>> {
        self.requests.set(self.requests.get() + 1);
        let io = self.io;
        match self
            .rt
            .block_on(async move { tokio::time::timeout(io, fut).await })
        {
            Ok(r) => Ok(r),
            Err(_) => Err(Error::Relay {
                host: self.host.clone(),
                what: what.to_string(),
                reason: "timed out".into(),
                timeout: true,
            }),
        }
    }

    fn err(&self, what: &str, e: &SftpError) -> Error {
        match e {
            SftpError::Status(s)
                if matches!(
                    s.status_code,
                    StatusCode::PermissionDenied | StatusCode::OpUnsupported
                ) =>
            {
                Error::Refused {
                    host: self.host.clone(),
                    what: what.to_string(),
                    reply: format!("{}: {}", s.status_code, s.error_message),
                }
            }
            other => Error::Relay {
                host: self.host.clone(),
                what: what.to_string(),
                reason: other.to_string(),
                timeout: matches!(other, SftpError::Timeout),
            },
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
        let path = join(dir, name);
        let sftp = &self.sftp;
        let read = async {
            let mut file = sftp.open(path.as_str()).await?;
            if offset > 0 {
                file.seek(std::io::SeekFrom::Start(offset))
                    .await
                    .map_err(|e| SftpError::IO(e.to_string()))?;
            }
            let mut buf = Vec::new();
            (&mut file)
                .take(limit.saturating_add(1))
                .read_to_end(&mut buf)
                .await
                .map_err(|e| SftpError::IO(e.to_string()))?;
            let _ = file.close().await;
            Ok(buf)
        };
        let host = self.host.clone();
        let buf = match self.run(&format!("read {path}"), read)? {
            Ok(b) => b,
            Err(e) if is_missing(&e) => return Ok(None),
            Err(e) => return Err(self.err(&format!("read {path}"), &e)),
        };
        super::capped(buf, limit, cut, &host, &format!("read {path}")).map(Some)
    }

    fn write_with(&mut self, path: &str, flags: OpenFlags, bytes: &[u8]) -> Result<()> {
        let sftp = &self.sftp;
        let write = async {
            let mut file = sftp.open_with_flags(path, flags).await?;
            file.write_all(bytes)
                .await
                .map_err(|e| SftpError::IO(e.to_string()))?;
            file.shutdown()
                .await
                .map_err(|e| SftpError::IO(e.to_string()))?;
            Ok(())
        };
        match self.run(&format!("write {path}"), write)? {
            Ok(()) => Ok(()),
            Err(e) => Err(self.err(&format!("write {path}"), &e)),
        }
    }

    /// Whether appends land at the end: `a` then an append of `b` must read `ab`.
    fn probe_append(&mut self, dir: &str) -> Result<bool> {
        let path = join(dir, &format!("{PROBE}-{}", std::process::id()));
        let create = OpenFlags::CREATE | OpenFlags::TRUNCATE | OpenFlags::WRITE;
        self.write_with(&path, create, b"a")?;
        self.write_with(
            &path,
            OpenFlags::CREATE | OpenFlags::APPEND | OpenFlags::WRITE,
            b"b",
        )?;
        let name = path.rsplit('/').next().unwrap_or(&path).to_string();
        let got = self.read_capped(dir, &name, 0, 16, true)?;
        let _ = self.delete(dir, &name);
        Ok(got.as_deref() == Some(&b"ab"[..]))
    }
}

enum Opening {
    Unverified(HostKey),
    Failed(Error),
}
use Opening::{Failed, Unverified};

fn is_missing(e: &SftpError) -> bool {
    matches!(e, SftpError::Status(s) if s.status_code == StatusCode::NoSuchFile)
}

/// Why no login method worked, and what a person could still supply.
struct Refused {
    why: String,
    /// Encrypted key files (a passphrase may open them).
    encrypted: Vec<PathBuf>,
    /// Whether a password was tried.
    password_tried: bool,
}

/// Asks for the passphrases of `refused.encrypted` keys, then for the password when none
/// was tried, and logs in with what is given. True once logged in.
fn ask_and_retry(
    rt: &tokio::runtime::Runtime,
    ssh: &mut client::Handle<Checker>,
    user: &str,
    host: &str,
    refused: &Refused,
    ask: &super::SecretPrompt,
    io: Duration,
) -> bool {
    for file in &refused.encrypted {
        let Some(pass) = (ask.0)(&format!("Enter passphrase for key '{}'", file.display())) else {
            continue;
        };
        let Ok(key) = russh::keys::load_secret_key(file, Some(pass.expose())) else {
            continue;
        };
        let with = PrivateKeyWithHashAlg::new(Arc::new(key), None);
        let ok = rt.block_on(async {
            tokio::time::timeout(io, ssh.authenticate_publickey(user, with)).await
        });
        if matches!(ok, Ok(Ok(r)) if r.success()) {
            return true;
        }
    }
    if !refused.password_tried
        && let Some(pw) = (ask.0)(&format!("{user}@{host}'s password"))
    {
        let ok = rt.block_on(async {
            tokio::time::timeout(io, ssh.authenticate_password(user, pw.expose())).await
        });
        return matches!(ok, Ok(Ok(r)) if r.success());
    }
    false
}

/// Agent keys, then key files, then the password. `Err` says what was tried.
async fn authenticate(
    ssh: &mut client::Handle<Checker>,
    user: &str,
    password: &str,
    opts: &SshOptions,
) -> std::result::Result<(), Refused> {
    let mut tried = Vec::new();
    let mut encrypted = Vec::new();
    // Only RSA keys need the server's preferred signature hash, and asking waits for the
    // server's extension info: asked once, and only when an RSA key comes up.
    let mut rsa_hash: Option<Option<HashAlg>> = None;
    if let Some(sock) = &opts.agent
        && let Ok(mut agent) = russh::keys::agent::client::AgentClient::connect_uds(sock).await
    {
        let identities = agent.request_identities().await.unwrap_or_default();
        for id in identities {
            let key = id.public_key().into_owned();
            let hash = if key.algorithm() == (russh::keys::Algorithm::Rsa { hash: None }) {
                match rsa_hash {
                    Some(h) => h,
                    None => {
                        let h = ssh.best_supported_rsa_hash().await.ok().flatten().flatten();
                        rsa_hash = Some(h);
                        h
                    }
                }
            } else {
                None
            };
            if let Ok(r) = ssh
                .authenticate_publickey_with(user, key, hash, &mut agent)
                .await
                && r.success()
            {
                return Ok(());
            }
        }
        tried.push("ssh-agent keys".to_string());
    }
    for file in &opts.identity_files {
        if !file.exists() {
            continue;
        }
        match russh::keys::load_secret_key(file, None) {
            Ok(key) if matches!(key.algorithm(), russh::keys::Algorithm::Rsa { .. }) => {
                // RSA signing is not built in (russh's `rsa` feature needs crates that do
                // not build together yet); RSA keys work through ssh-agent, which signs.
                tried.push(rsa_file(file));
            }
            Ok(key) => {
                // Key files are Ed25519 or ECDSA here.
                let with = PrivateKeyWithHashAlg::new(Arc::new(key), None);
                if let Ok(r) = ssh.authenticate_publickey(user, with).await
                    && r.success()
                {
                    return Ok(());
                }
                tried.push(format!("key {}", file.display()));
            }
            Err(russh::keys::Error::KeyIsEncrypted) => {
                tried.push(format!(
                    "key {} (encrypted: add it to ssh-agent with `ssh-add`, or run on a \
                     terminal to be asked its passphrase)",
                    file.display()
                ));
                encrypted.push(file.clone());
            }
            Err(_) if is_rsa_key(file) => tried.push(rsa_file(file)),
            Err(e) => tried.push(format!("key {} (unreadable: {e})", file.display())),
        }
    }
    if !password.is_empty() {
        if let Ok(r) = ssh.authenticate_password(user, password).await
            && r.success()
        {
            return Ok(());
        }
        tried.push("password".into());
    }
    let why = if tried.is_empty() {
        "no login method: no ssh-agent, no key file and no password (give --ssh-key FILE, \
         run ssh-agent, or set FTPCHAT_PASSWORD)"
            .into()
    } else {
        format!("refused every login method tried: {}", tried.join(", "))
    };
    Err(Refused {
        why,
        encrypted,
        password_tried: !password.is_empty(),
    })
}

impl Store for Sftp {
    fn host(&self) -> &str {
        &self.host
    }

    fn list(&mut self, dir: &str) -> Result<Vec<Entry>> {
        let path = if dir.is_empty() { "." } else { dir }.to_string();
        let sftp = &self.sftp;
        let listed = self.run(&format!("list {path}"), sftp.read_dir(path.as_str()))?;
        let entries = match listed {
            Ok(e) => e,
            Err(e) if is_missing(&e) => return Ok(Vec::new()),
            Err(e) => return Err(self.err(&format!("list {path}"), &e)),
        };
        let mut out = Vec::new();
        for entry in entries {
            if out.len() == super::MAX_ENTRIES {
                return Err(super::too_many_entries(&self.host, &format!("list {path}")));
            }
            let name = entry.file_name();
            if name == "." || name == ".." {
                continue;
            }
            let meta = entry.metadata();
            let size = (!meta.is_dir()).then_some(meta.size).flatten();
            out.push(Entry { name, size });
        }
        Ok(out)
    }

    fn size(&mut self, dir: &str, name: &str) -> Result<Option<u64>> {
        let path = join(dir, name);
        let sftp = &self.sftp;
        match self.run(&format!("size of {path}"), sftp.metadata(path.as_str()))? {
            Ok(m) if m.is_dir() => Ok(None),
            Ok(m) => Ok(Some(m.size.unwrap_or(0))),
            Err(e) if is_missing(&e) => Ok(None),
            Err(e) => Err(self.err(&format!("size of {path}"), &e)),
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

    fn append_from(&mut self, dir: &str, name: &str, data: &mut dyn std::io::Read) -> Result<bool> {
        if self.caps.append == Support::Unknown {
            self.caps.append = if self.probe_append(dir)? {
                Support::Yes
            } else {
                Support::No
            };
        }
        if self.caps.append == Support::No {
            return Ok(false);
        }
        let bytes = super::read_upload(data)?;
        let flags = OpenFlags::CREATE | OpenFlags::APPEND | OpenFlags::WRITE;
        self.write_with(&join(dir, name), flags, &bytes)?;
        Ok(true)
    }

    fn put_from(&mut self, dir: &str, name: &str, data: &mut dyn std::io::Read) -> Result<()> {
        let bytes = super::read_upload(data)?;
        let flags = OpenFlags::CREATE | OpenFlags::TRUNCATE | OpenFlags::WRITE;
        self.write_with(&join(dir, name), flags, &bytes)
    }

    fn rename(&mut self, dir: &str, from: &str, to: &str) -> Result<bool> {
        let (a, b) = (join(dir, from), join(dir, to));
        let sftp = &self.sftp;
        // SFTP v3 renames refuse an existing target: the caller then falls back.
        Ok(self
            .run(&format!("rename {a}"), sftp.rename(a.as_str(), b.as_str()))?
            .is_ok())
    }

    fn delete(&mut self, dir: &str, name: &str) -> Result<()> {
        let path = join(dir, name);
        let sftp = &self.sftp;
        match self.run(&format!("delete {path}"), sftp.remove_file(path.as_str()))? {
            Ok(()) => Ok(()),
            Err(e) if is_missing(&e) => Ok(()),
            Err(e) => Err(self.err(&format!("delete {path}"), &e)),
        }
    }

    fn mkdir_all(&mut self, dir: &str) {
        let mut prefix = String::new();
        for part in dir.split('/').filter(|p| !p.is_empty()) {
            prefix = join(&prefix, part);
            let sftp = &self.sftp;
            let _ = self.run("mkdir", sftp.create_dir(prefix.as_str()));
        }
    }

    fn assume_append(&mut self, works: bool) {
        self.caps.append = if works { Support::Yes } else { Support::No };
    }

    fn capabilities(&self) -> Capabilities {
        self.caps
    }

    fn requests(&self) -> u64 {
        self.requests.get()
    }

    fn keepalive(&mut self) -> Result<()> {
        let sftp = &self.sftp;
        match self.run("keepalive", sftp.canonicalize("."))? {
            Ok(_) => Ok(()),
            Err(e) => Err(self.err("keepalive", &e)),
        }
    }

    fn close(self: Box<Self>) {
        let Sftp {
            rt, sftp, ssh, io, ..
        } = *self;
        rt.block_on(async {
            let _ = tokio::time::timeout(io, sftp.close()).await;
            let _ = tokio::time::timeout(
                io,
                ssh.disconnect(russh::Disconnect::ByApplication, "", "en"),
            )
            .await;
        });
    }
}

/// What to say about an RSA key file.
fn rsa_file(file: &std::path::Path) -> String {
    format!(
        "key {} (an RSA key: ftpchat signs with RSA keys only through ssh-agent; run \
         `ssh-add {}`)",
        file.display(),
        file.display()
    )
}

/// Whether `path` holds an RSA private key (PEM `RSA PRIVATE KEY`, or an OpenSSH key whose
/// public part is `ssh-rsa`), to say what to do with one.
fn is_rsa_key(path: &std::path::Path) -> bool {
    use base64::Engine as _;
    let Ok(text) = std::fs::read_to_string(path) else {
        return false;
    };
    if text.contains("-----BEGIN RSA PRIVATE KEY-----") {
        return true;
    }
    let body: String = text
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect::<Vec<_>>()
        .concat();
    base64::engine::general_purpose::STANDARD
        .decode(body.trim())
        .is_ok_and(|blob| blob.windows(11).any(|w| w == b"\0\0\0\x07ssh-rsa"))
}
