//! Integration-test support: real FTP servers on loopback, and a fault-injecting proxy.
//!
//! Include from an integration test with `mod support;`.
//!
//! * [`vsftpd`], [`vsftpd_ftps`] and [`pyftpdlib`] each start a private server process on
//!   `127.0.0.1` (ephemeral port, own temp directory) and stop it when the returned
//!   [`FtpServer`] is dropped. They return `None` (after printing `skipping: ...`) only when
//!   the server program is missing and `CI` is not `true`; under `CI=true` they panic.
//! * [`FaultProxy`] forwards an FTP control connection and its passive data connections, and
//!   can cut, stall or refuse them. [`stalling_server`] accepts TCP and never greets.
//!
//! Everything here only ever talks to 127.0.0.1.
//!
//! Requirements (Debian/Ubuntu): `apt-get install -y vsftpd openssl python3 python3-pip procps`
//! and `python3 -m pip install pyftpdlib`; vsftpd also needs root (the CI runs as root). On
//! first use the vsftpd helpers create the system account [`VSFTPD_USER`] (`useradd`,
//! `chpasswd`, shell nologin, home `/`) and the PAM service `/etc/pam.d/ftpchat-test`.
//! Servers left behind by a SIGKILLed test process are killed by the next one (registry in
//! `$TMPDIR/ftpchat-test-servers/`).
//!
//! Proxy caveats: over FTPS the proxy cannot rewrite the (encrypted) passive replies, so data
//! connections bypass it; active mode (PORT/EPRT) data connections bypass it too.
#![allow(
    dead_code,
    unused_imports,
    unreachable_pub,
    missing_docs,
    clippy::print_stderr,
    clippy::print_stdout,
    clippy::unwrap_used
)]

mod hostile;
mod proxy;
mod rclone_ftp;
mod sshd;

pub use hostile::{Attack, HostileServer, feed_id, hostile_server};
pub use proxy::{FaultProxy, StallingServer, stalling_server};
pub use rclone_ftp::{RcloneFtp, rclone_ftp};
pub use sshd::{RcloneSftp, SshServer, rclone_sftp, sshd};

use std::fmt::Write as _;
use std::fs;
use std::hash::{BuildHasher, RandomState};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4, TcpListener, TcpStream};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock, mpsc};
use std::thread;
use std::time::{Duration, Instant, SystemTime};

/// Where Debian's `vsftpd` package installs the daemon.
pub const VSFTPD_BIN: &str = "/usr/sbin/vsftpd";
/// Where scripts/test unpacks Debian's pure-ftpd package (not installed: it conflicts with
/// vsftpd as an `ftp-server`).
pub const PURE_FTPD_ROOT: &str = "/opt/ftpchat-test/pure-ftpd";
/// Dedicated local account the vsftpd servers authenticate (created on demand, as root).
pub const VSFTPD_USER: &str = "ftpchattest";
/// Password set on [`VSFTPD_USER`] (fixed, so concurrent test processes agree on it).
pub const VSFTPD_PASSWORD: &str = "ftpchattest-Secret-42";
/// PAM service written to `/etc/pam.d/` for the test vsftpd (plain `pam_unix`, no shell or
/// ftpusers checks, unlike Debian's `/etc/pam.d/vsftpd`).
pub const PAM_SERVICE: &str = "ftpchat-test";
/// Account name used by the pyftpdlib servers (virtual user, random password per instance).
pub const PYFTPD_USER: &str = "ftpchat";

const PAM_CONFIG: &str = "# Written by ftpchat's integration tests (tests/support/mod.rs).\n\
auth     required pam_unix.so nodelay\n\
account  required pam_unix.so\n\
session  required pam_permit.so\n";

const START_TIMEOUT: Duration = Duration::from_secs(10);
const START_ATTEMPTS: usize = 5;

/// Which server program an [`FtpServer`] runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ServerKind {
    /// vsftpd 3, plain FTP.
    Vsftpd,
    /// vsftpd 3, explicit FTPS (AUTH TLS), TLS required for logins and data, session reuse
    /// required on data connections.
    VsftpdFtps,
    /// vsftpd 3, implicit FTPS (TLS from the first byte, as on port 990).
    VsftpdFtpsImplicit,
    /// pyftpdlib (Python), plain FTP.
    Pyftpdlib,
    /// pure-ftpd 1.0, plain FTP: concurrent APPEs to one file can overwrite each other.
    PureFtpd,
}

impl ServerKind {
    /// Short human-readable name.
    pub fn name(self) -> &'static str {
        match self {
            ServerKind::Vsftpd => "vsftpd",
            ServerKind::VsftpdFtps => "vsftpd-ftps",
            ServerKind::VsftpdFtpsImplicit => "vsftpd-ftps-implicit",
            ServerKind::Pyftpdlib => "pyftpdlib",
            ServerKind::PureFtpd => "pure-ftpd",
        }
    }

    /// Whether the server requires TLS.
    pub fn is_tls(self) -> bool {
        matches!(
            self,
            ServerKind::VsftpdFtps | ServerKind::VsftpdFtpsImplicit
        )
    }

    /// URL scheme for this server.
    pub fn scheme(self) -> &'static str {
        if self.is_tls() { "ftps" } else { "ftp" }
    }
}

/// A running FTP server process. Dropping it kills the process (and its session processes),
/// waits for it and removes its temp directory.
#[derive(Debug)]
pub struct FtpServer {
    pub kind: ServerKind,
    pub port: u16,
    pub user: String,
    pub password: String,
    /// Local directory the FTP user sees as `/`: a file created over FTP as `/x` appears at
    /// `root.join("x")`. For vsftpd it is owned by [`VSFTPD_USER`]; create fixtures with
    /// [`FtpServer::write_file`] so the server can also modify them.
    pub root: PathBuf,
    /// PEM of the test CA that signed the FTPS server's leaf certificate (`DNS:localhost`,
    /// `IP:127.0.0.1`); `Some` only for [`ServerKind::VsftpdFtps`].
    pub ca_file: Option<PathBuf>,
    child: Child,
    /// pyftpd.py exits when this pipe closes (also when the test process dies).
    stdin: Option<ChildStdin>,
    log_path: PathBuf,
    stderr_path: PathBuf,
    registry_entry: Option<PathBuf>,
    owner: Option<(u32, u32)>,
    /// `"<temp dir>/"`: appears in the command line of every process of this server
    /// (vsftpd's per-session processes are forks that call setsid, so they are found by this,
    /// not by process group).
    marker: String,
    /// Declared last: removed after the process is gone.
    dir: tempfile::TempDir,
}

impl FtpServer {
    /// `ftp://USER@127.0.0.1:PORT/path` (`ftps://` for FTPS). No password in the URL.
    pub fn url(&self, path: &str) -> String {
        self.url_with_port(self.port, path)
    }

    /// Like [`FtpServer::url`] but with another port, e.g. a [`FaultProxy`]'s.
    pub fn url_with_port(&self, port: u16, path: &str) -> String {
        format!(
            "{}://{}@127.0.0.1:{}/{}",
            self.kind.scheme(),
            self.user,
            port,
            path.trim_start_matches('/')
        )
    }

    /// The control address, `127.0.0.1:PORT`.
    pub fn addr(&self) -> SocketAddr {
        SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::LOCALHOST, self.port))
    }

    /// Host name to verify the FTPS certificate against (`localhost`; `127.0.0.1` works too).
    pub fn tls_domain(&self) -> &'static str {
        "localhost"
    }

    /// The server's command/transfer log so far (vsftpd: `log_ftp_protocol=YES` log including
    /// transfers; pyftpdlib: its DEBUG log). Includes the readiness probe's connection, which
    /// sends no command.
    pub fn log(&self) -> String {
        fs::read(&self.log_path)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default()
    }

    /// The server process's stderr so far.
    pub fn stderr(&self) -> String {
        fs::read(&self.stderr_path)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default()
    }

    /// Every FTP command line the server received so far, in order, e.g. `"SIZE /x"`
    /// (passwords are masked by the servers).
    pub fn commands(&self) -> Vec<String> {
        parse_commands(self.kind, &self.log())
    }

    /// How many received commands start with `verb` (case-insensitive), e.g. `"SIZE"`.
    pub fn command_count(&self, verb: &str) -> usize {
        self.commands()
            .iter()
            .filter(|c| {
                c.split_whitespace()
                    .next()
                    .is_some_and(|v| v.eq_ignore_ascii_case(verb))
            })
            .count()
    }

    /// Local path of `/rel` as the FTP user sees it.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel.trim_start_matches('/'))
    }

    /// Create a fixture file `/rel` (and parent directories) owned by the FTP user.
    pub fn write_file(&self, rel: &str, contents: &[u8]) -> PathBuf {
        let path = self.path(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("create fixture directories");
        }
        fs::write(&path, contents).expect("write fixture file");
        self.fix_ownership();
        path
    }

    /// Read `/rel` from the server's directory.
    pub fn read_file(&self, rel: &str) -> Vec<u8> {
        let path = self.path(rel);
        fs::read(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
    }

    /// Give everything under `root` to the FTP user (needed for vsftpd after creating files
    /// directly as root; a no-op for pyftpdlib).
    pub fn fix_ownership(&self) {
        if let Some((uid, gid)) = self.owner {
            chown_tree(&self.root, uid, gid);
        }
    }

    /// Whether the server process is still running.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Process id of the server (the listener).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Live processes of this server: the listener and, for vsftpd, the per-session processes.
    pub fn processes(&self) -> Vec<u32> {
        processes_matching(&self.marker)
    }

    /// A string found in the command line of every process of this server (see
    /// [`processes_matching`]); stays valid after drop, to check that nothing survived.
    pub fn process_marker(&self) -> &str {
        &self.marker
    }

    /// A plain suppaftp client, logged in, binary type, with 10 s socket timeouts.
    /// Panics for FTPS servers (use [`FtpServer::connect_secure`]).
    pub fn connect(&self) -> suppaftp::FtpStream {
        assert!(!self.kind.is_tls(), "{} requires TLS", self.kind.name());
        let mut ftp = suppaftp::FtpStream::connect_with_stream(timed_stream(self.addr()))
            .expect("connect")
            .passive_stream_builder(|addr| {
                timed_stream_result(addr).map_err(suppaftp::FtpError::ConnectionError)
            });
        ftp.login(&self.user, &self.password).expect("login");
        ftp.transfer_type(suppaftp::types::FileType::Binary)
            .expect("TYPE I");
        ftp
    }

    /// An FTPS suppaftp client (AUTH TLS, trusting [`FtpServer::ca_file`]), logged in, binary
    /// type, 10 s socket timeouts. Uses TLS 1.2 so that any number of transfers works (see
    /// [`tls_client_config`] for why TLS 1.3 limits uploads per session with vsftpd).
    pub fn connect_secure(&self) -> suppaftp::RustlsFtpStream {
        let ca = self.ca_file.as_ref().expect("not an FTPS server");
        let ftp = suppaftp::RustlsFtpStream::connect_with_stream(timed_stream(self.addr()))
            .expect("connect")
            .passive_stream_builder(|addr| {
                timed_stream_result(addr).map_err(suppaftp::FtpError::ConnectionError)
            });
        let mut ftp = ftp
            .into_secure(
                suppaftp::RustlsConnector::from(tls12_client_config(ca)),
                self.tls_domain(),
            )
            .expect("AUTH TLS");
        ftp.login(&self.user, &self.password).expect("login");
        ftp.transfer_type(suppaftp::types::FileType::Binary)
            .expect("TYPE I");
        ftp
    }
}

impl Drop for FtpServer {
    fn drop(&mut self) {
        drop(self.stdin.take());
        // Listener first (no new sessions after this), then vsftpd's per-session processes,
        // which would otherwise outlive it (they are in their own sessions).
        let _ = self.child.kill();
        kill_all_matching(&self.marker);
        let _ = self.child.wait();
        if let Some(entry) = self.registry_entry.take() {
            let _ = fs::remove_file(entry);
        }
        // `dir` (TempDir) is removed when the fields drop, after this.
    }
}

/// A rustls client configuration (ring provider, TLS 1.3 and 1.2) trusting only the PEM
/// certificates in `ca_file`, with rustls's default in-memory session resumption.
///
/// Beware: against vsftpd (`require_ssl_reuse=YES`) over TLS 1.3, rustls spends one session
/// ticket per data connection and OpenSSL issues only 2 tickets on the control connection;
/// downloads get a fresh ticket on their data connection (net zero) but uploads do not, so the
/// 3rd upload of a control session fails with `522 SSL connection failed: session reuse
/// required` and vsftpd drops the session. TLS 1.2 sessions are reusable indefinitely: see
/// [`tls12_client_config`].
pub fn tls_client_config(ca_file: &Path) -> Arc<suppaftp::rustls::ClientConfig> {
    client_config(ca_file, false)
}

/// Like [`tls_client_config`] but TLS 1.2 only (unlimited data connections per session with
/// vsftpd's `require_ssl_reuse=YES`).
pub fn tls12_client_config(ca_file: &Path) -> Arc<suppaftp::rustls::ClientConfig> {
    client_config(ca_file, true)
}

fn client_config(ca_file: &Path, tls12_only: bool) -> Arc<suppaftp::rustls::ClientConfig> {
    use suppaftp::rustls;
    use suppaftp::rustls::pki_types::CertificateDer;
    use suppaftp::rustls::pki_types::pem::PemObject;

    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(ca_file).expect("open CA file") {
        roots.add(cert.expect("parse CA PEM")).expect("add CA root");
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider);
    let builder = if tls12_only {
        builder.with_protocol_versions(&[&rustls::version::TLS12])
    } else {
        builder.with_safe_default_protocol_versions()
    };
    let config = builder
        .expect("protocol versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    Arc::new(config)
}

/// A TCP connection to `addr` with 10 s connect/read/write timeouts.
pub fn timed_stream(addr: SocketAddr) -> TcpStream {
    timed_stream_result(addr).unwrap_or_else(|e| panic!("connect {addr}: {e}"))
}

/// Fallible [`timed_stream`], for suppaftp's `passive_stream_builder`.
pub fn timed_stream_result(addr: SocketAddr) -> std::io::Result<TcpStream> {
    let timeout = Duration::from_secs(10);
    let stream = TcpStream::connect_timeout(&addr, timeout)?;
    stream.set_read_timeout(Some(timeout))?;
    stream.set_write_timeout(Some(timeout))?;
    Ok(stream)
}

/// Every server available on this machine, started (panics under `CI=true` if any is missing).
pub fn all_servers() -> Vec<FtpServer> {
    [vsftpd(), vsftpd_ftps(), pyftpdlib()]
        .into_iter()
        .flatten()
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Availability / skipping

/// Whether `CI` is `true` (or `1`): missing servers must then fail the test.
pub fn in_ci() -> bool {
    std::env::var_os("FTPCHAT_TEST_STRICT").is_some()
        || std::env::var("CI")
            .map(|v| v.eq_ignore_ascii_case("true") || v == "1")
            .unwrap_or(false)
}

fn unavailable(program: &str, why: &str) -> Option<FtpServer> {
    if in_ci() {
        let hint = match program {
            "vsftpd" => "apt-get install -y vsftpd (and run the tests as root)",
            "openssl" => "apt-get install -y openssl",
            "pure-ftpd" => "run scripts/test, which unpacks it",
            _ => "python3 -m pip install pyftpdlib",
        };
        panic!("{program} is required when CI=true but {why}; install it: {hint}");
    }
    eprintln!("skipping: {program} {why}");
    None
}

fn is_root() -> bool {
    // "Uid:\treal\teffective\tsaved\tfs"
    fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .and_then(|l| l.split_whitespace().nth(2).map(|e| e == "0"))
        })
        .unwrap_or(false)
}

fn program_on_path(name: &str) -> bool {
    let Some(path) = std::env::var_os("PATH") else {
        return false;
    };
    std::env::split_paths(&path).any(|dir| {
        fs::metadata(dir.join(name))
            .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    })
}

// ---------------------------------------------------------------------------------------------
// vsftpd

/// Plain-FTP vsftpd on 127.0.0.1 (user [`VSFTPD_USER`], chrooted into [`FtpServer::root`]).
pub fn vsftpd() -> Option<FtpServer> {
    start_vsftpd(ServerKind::Vsftpd)
}

/// Explicit-FTPS vsftpd (AUTH TLS required for login and data, TLS session reuse required on
/// data connections, `ssl_ciphers=HIGH`), with a leaf certificate signed by the test CA in
/// [`FtpServer::ca_file`].
pub fn vsftpd_ftps() -> Option<FtpServer> {
    start_vsftpd(ServerKind::VsftpdFtps)
}

/// Implicit-FTPS vsftpd (`implicit_ssl=YES`: TLS from the first byte), otherwise as
/// [`vsftpd_ftps`].
pub fn vsftpd_ftps_implicit() -> Option<FtpServer> {
    start_vsftpd(ServerKind::VsftpdFtpsImplicit)
}

fn start_vsftpd(kind: ServerKind) -> Option<FtpServer> {
    let tls = kind.is_tls();
    if !Path::new(VSFTPD_BIN).exists() {
        return unavailable("vsftpd", "not installed");
    }
    if !is_root() {
        return unavailable(
            "vsftpd",
            "needs root (local account + chroot) and we are not root",
        );
    }
    let pki = if tls {
        match test_pki() {
            Some(pki) => Some(pki),
            None => {
                return unavailable("openssl", "not installed");
            }
        }
    } else {
        None
    };
    let (uid, gid) = match vsftpd_account() {
        Ok(ids) => *ids,
        Err(e) => panic!("cannot prepare the vsftpd test account: {e}"),
    };
    reap_orphans();

    let mut failures = String::new();
    for attempt in 1..=START_ATTEMPTS {
        let dir = tempfile::Builder::new()
            .prefix("ftpchat-vsftpd-")
            .tempdir()
            .expect("create vsftpd temp dir");
        let base = dir.path().to_path_buf();
        fs::set_permissions(&base, fs::Permissions::from_mode(0o755)).expect("chmod temp dir");
        let root = base.join("root");
        let empty = base.join("empty");
        fs::create_dir(&root).expect("create root dir");
        fs::create_dir(&empty).expect("create empty dir");
        std::os::unix::fs::chown(&root, Some(uid), Some(gid)).expect("chown root dir");
        fs::set_permissions(&root, fs::Permissions::from_mode(0o755)).expect("chmod root dir");

        let port = free_port();
        let pasv_min = 10_000 + (random_u64() % 220) as u16 * 100; // [10000, 31999], below ephemeral
        let token = format!("{:016x}", random_u64());
        let banner = format!("ftpchat-test vsftpd {token}");
        let log_path = base.join("vsftpd.log");
        let stderr_path = base.join("vsftpd.stderr");
        let conf_path = base.join("vsftpd.conf");

        let mut conf = String::new();
        let mut set = |k: &str, v: &dyn std::fmt::Display| {
            let _ = writeln!(conf, "{k}={v}");
        };
        set("listen", &"YES");
        set("listen_ipv6", &"NO");
        set("listen_address", &"127.0.0.1");
        set("listen_port", &port);
        set("background", &"NO");
        set("ftpd_banner", &banner);
        set("anonymous_enable", &"NO");
        set("local_enable", &"YES");
        set("write_enable", &"YES");
        set("local_umask", &"022");
        set("local_root", &root.display());
        set("chroot_local_user", &"YES");
        set("allow_writeable_chroot", &"YES");
        set("secure_chroot_dir", &empty.display());
        set("pam_service_name", &PAM_SERVICE);
        set("userlist_enable", &"NO");
        set("tcp_wrappers", &"NO");
        set("check_shell", &"NO");
        set("seccomp_sandbox", &"NO");
        set("isolate", &"NO");
        set("isolate_network", &"NO");
        set("pasv_enable", &"YES");
        set("pasv_min_port", &pasv_min);
        set("pasv_max_port", &(pasv_min + 99));
        set("port_enable", &"YES");
        set("connect_from_port_20", &"NO");
        set("xferlog_enable", &"YES");
        set("xferlog_std_format", &"NO");
        set("log_ftp_protocol", &"YES");
        set("vsftpd_log_file", &log_path.display());
        set("dual_log_enable", &"NO");
        set("syslog_enable", &"NO");
        set("dirmessage_enable", &"NO");
        set("use_localtime", &"NO");
        set("delay_failed_login", &0);
        if let Some(pki) = pki {
            set("ssl_enable", &"YES");
            set("rsa_cert_file", &pki.leaf_cert.display());
            set("rsa_private_key_file", &pki.leaf_key.display());
            set("allow_anon_ssl", &"NO");
            set("force_local_logins_ssl", &"YES");
            set("force_local_data_ssl", &"YES");
            set("require_ssl_reuse", &"YES");
            set("ssl_ciphers", &"HIGH");
            set("ssl_tlsv1", &"YES");
            set("ssl_sslv2", &"NO");
            set("ssl_sslv3", &"NO");
            if kind == ServerKind::VsftpdFtpsImplicit {
                set("implicit_ssl", &"YES");
            }
        }
        fs::write(&conf_path, conf).expect("write vsftpd.conf");
        // vsftpd refuses config files not owned by root or writable by others.
        fs::set_permissions(&conf_path, fs::Permissions::from_mode(0o600)).expect("chmod conf");

        let stderr_file = fs::File::create(&stderr_path).expect("create vsftpd stderr file");
        let child = Command::new(VSFTPD_BIN)
            .arg(&conf_path)
            .stdin(Stdio::null())
            .stdout(stderr_file.try_clone().expect("dup stderr file"))
            .stderr(stderr_file)
            .spawn()
            .unwrap_or_else(|e| panic!("spawn {VSFTPD_BIN}: {e}"));
        let registry_entry = register(child.id(), &base);
        let mut server = FtpServer {
            kind,
            port,
            user: VSFTPD_USER.to_owned(),
            password: VSFTPD_PASSWORD.to_owned(),
            root,
            ca_file: pki.map(|p| p.ca_cert.clone()),
            child,
            stdin: None,
            log_path,
            stderr_path,
            registry_entry,
            owner: Some((uid, gid)),
            marker: marker_for(&base),
            dir,
        };
        match wait_ready(&mut server, &token) {
            Ready::Yes => return Some(server),
            Ready::Retry(why) => {
                let _ = writeln!(failures, "attempt {attempt} (port {port}): {why}");
                drop(server);
            }
            Ready::Fatal(why) => {
                panic!(
                    "{} did not start: {why}\nlog:\n{}",
                    kind.name(),
                    server.log()
                )
            }
        }
    }
    panic!(
        "{} did not start after {START_ATTEMPTS} attempts:\n{failures}",
        kind.name()
    );
}

/// Creates (idempotently, once per process) the local account and PAM service vsftpd uses.
/// Returns the account's (uid, gid).
fn vsftpd_account() -> &'static Result<(u32, u32), String> {
    static ACCOUNT: OnceLock<Result<(u32, u32), String>> = OnceLock::new();
    ACCOUNT.get_or_init(setup_vsftpd_account)
}

fn setup_vsftpd_account() -> Result<(u32, u32), String> {
    // useradd/chpasswd run concurrently from several test processes can lose each other's
    // updates of /etc/passwd and /etc/shadow (seen: the account recreated with another uid
    // under a process that had already chowned its root dir): serialize across processes.
    let lock_path = std::env::temp_dir().join("ftpchat-test-account.lock");
    let lock = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|e| format!("open {}: {e}", lock_path.display()))?;
    lock.lock()
        .map_err(|e| format!("lock {}: {e}", lock_path.display()))?;
    let result = setup_vsftpd_account_locked();
    drop(lock);
    result
}

fn setup_vsftpd_account_locked() -> Result<(u32, u32), String> {
    let pam_path = Path::new("/etc/pam.d").join(PAM_SERVICE);
    if fs::read_to_string(&pam_path).ok().as_deref() != Some(PAM_CONFIG) {
        let tmp = pam_path.with_extension(format!("tmp{}", std::process::id()));
        fs::write(&tmp, PAM_CONFIG).map_err(|e| format!("write {}: {e}", tmp.display()))?;
        fs::rename(&tmp, &pam_path).map_err(|e| format!("install {}: {e}", pam_path.display()))?;
    }
    let shell = ["/usr/sbin/nologin", "/sbin/nologin", "/bin/false"]
        .into_iter()
        .find(|s| Path::new(s).exists())
        .unwrap_or("/bin/false");

    // Home "/" (must exist: vsftpd chdirs there before chrooting into local_root).
    let mut last_err = String::new();
    let mut ids = None;
    for _ in 0..100 {
        if let Some((uid, gid, home)) = passwd_entry(VSFTPD_USER) {
            if home != "/" {
                let _ = run(Command::new("usermod").args(["-d", "/", VSFTPD_USER]));
            }
            ids = Some((uid, gid));
            break;
        }
        // Concurrent test processes may race here; useradd then fails and we re-check.
        match run(Command::new("useradd").args([
            "--system",
            "--no-create-home",
            "--home-dir",
            "/",
            "--shell",
            shell,
            "--user-group",
            VSFTPD_USER,
        ])) {
            Ok(()) => {}
            Err(e) => {
                last_err = e;
                thread::sleep(Duration::from_millis(50));
            }
        }
    }
    let ids = ids.ok_or_else(|| format!("useradd {VSFTPD_USER} failed: {last_err}"))?;

    for _ in 0..100 {
        let mut child = Command::new("chpasswd")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("spawn chpasswd: {e}"))?;
        if let Some(mut stdin) = child.stdin.take() {
            let _ = writeln!(stdin, "{VSFTPD_USER}:{VSFTPD_PASSWORD}");
        }
        let out = child
            .wait_with_output()
            .map_err(|e| format!("chpasswd: {e}"))?;
        if out.status.success() {
            return Ok(ids);
        }
        // /etc/shadow locked by a concurrent test process: retry.
        last_err = String::from_utf8_lossy(&out.stderr).into_owned();
        thread::sleep(Duration::from_millis(50));
    }
    Err(format!("chpasswd failed: {last_err}"))
}

fn passwd_entry(user: &str) -> Option<(u32, u32, String)> {
    let passwd = fs::read_to_string("/etc/passwd").ok()?;
    passwd.lines().find_map(|line| {
        let f: Vec<&str> = line.split(':').collect();
        if f.len() >= 7 && f[0] == user {
            Some((f[2].parse().ok()?, f[3].parse().ok()?, f[5].to_owned()))
        } else {
            None
        }
    })
}

fn run(cmd: &mut Command) -> Result<(), String> {
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("{cmd:?}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{cmd:?}: {}: {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

fn chown_tree(path: &Path, uid: u32, gid: u32) {
    let _ = std::os::unix::fs::lchown(path, Some(uid), Some(gid));
    if fs::symlink_metadata(path).is_ok_and(|m| m.is_dir())
        && let Ok(entries) = fs::read_dir(path)
    {
        for entry in entries.flatten() {
            chown_tree(&entry.path(), uid, gid);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Test PKI (CA + leaf) for FTPS

/// The test CA and the FTPS server's leaf certificate (generated once per test process).
#[derive(Debug)]
pub struct TestPki {
    pub dir: PathBuf,
    /// Self-signed CA certificate (PEM): the only root clients should trust.
    pub ca_cert: PathBuf,
    /// Leaf certificate (PEM) signed by the CA: `CN=localhost`, SAN `DNS:localhost`,
    /// `IP:127.0.0.1`, `IP:::1`, `CA:FALSE`, `serverAuth`.
    pub leaf_cert: PathBuf,
    pub leaf_key: PathBuf,
}

/// The per-process test PKI, generated with the `openssl` CLI on first use. `None` if
/// `openssl` is not installed. Lives under cargo's `CARGO_TARGET_TMPDIR`; directories left by
/// dead test processes are pruned.
pub fn test_pki() -> Option<&'static TestPki> {
    static PKI: OnceLock<Option<TestPki>> = OnceLock::new();
    PKI.get_or_init(|| {
        if !program_on_path("openssl") {
            return None;
        }
        Some(generate_pki())
    })
    .as_ref()
}

fn generate_pki() -> TestPki {
    let parent = Path::new(env!("CARGO_TARGET_TMPDIR"));
    fs::create_dir_all(parent).expect("create CARGO_TARGET_TMPDIR");
    prune_dead_pid_dirs(parent, "ftpchat-pki-");
    let dir = parent.join(format!("ftpchat-pki-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("create PKI dir");
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o700)).expect("chmod PKI dir");

    fs::write(
        dir.join("ca.cnf"),
        "[req]\ndistinguished_name = dn\nprompt = no\n\
         [dn]\nCN = ftpchat test CA\nO = ftpchat tests\n\
         [v3_ca]\nbasicConstraints = critical,CA:TRUE\nkeyUsage = critical,keyCertSign,cRLSign\n\
         subjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid:always\n",
    )
    .expect("write ca.cnf");
    fs::write(
        dir.join("leaf.cnf"),
        "[req]\ndistinguished_name = dn\nprompt = no\n\
         [dn]\nCN = localhost\nO = ftpchat tests\n\
         [v3_leaf]\nbasicConstraints = critical,CA:FALSE\n\
         keyUsage = critical,digitalSignature,keyEncipherment\nextendedKeyUsage = serverAuth\n\
         subjectAltName = DNS:localhost,IP:127.0.0.1,IP:::1\n\
         subjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid,issuer\n",
    )
    .expect("write leaf.cnf");

    let openssl = |args: &[&str]| {
        let out = Command::new("openssl")
            .args(args)
            .current_dir(&dir)
            .stdin(Stdio::null())
            .output()
            .expect("run openssl");
        assert!(
            out.status.success(),
            "openssl {args:?} failed: {}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    };
    openssl(&[
        "req",
        "-x509",
        "-config",
        "ca.cnf",
        "-extensions",
        "v3_ca",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "3650",
        "-sha256",
    ]);
    openssl(&[
        "req", "-new", "-config", "leaf.cnf", "-newkey", "rsa:2048", "-nodes", "-keyout",
        "leaf.key", "-out", "leaf.csr", "-sha256",
    ]);
    let serial = format!("0x{:016x}", random_u64() >> 1);
    openssl(&[
        "x509",
        "-req",
        "-in",
        "leaf.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-set_serial",
        &serial,
        "-days",
        "3650",
        "-sha256",
        "-extfile",
        "leaf.cnf",
        "-extensions",
        "v3_leaf",
        "-out",
        "leaf.pem",
    ]);
    TestPki {
        ca_cert: dir.join("ca.pem"),
        leaf_cert: dir.join("leaf.pem"),
        leaf_key: dir.join("leaf.key"),
        dir,
    }
}

// ---------------------------------------------------------------------------------------------
// pyftpdlib

/// Path of the launcher script.
pub fn pyftpd_script() -> PathBuf {
    support_dir().join("pyftpd.py")
}

/// This directory (`tests/support`), for its helper scripts.
pub fn support_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support")
}

fn python() -> String {
    std::env::var("FTPCHAT_TEST_PYTHON").unwrap_or_else(|_| "python3".to_owned())
}

fn pyftpdlib_available() -> bool {
    static AVAILABLE: OnceLock<bool> = OnceLock::new();
    *AVAILABLE.get_or_init(|| {
        Command::new(python())
            .args(["-c", "import pyftpdlib"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    })
}

/// Plain-FTP pyftpdlib on 127.0.0.1 (virtual user [`PYFTPD_USER`] with perms `elradfmwMT`,
/// home = [`FtpServer::root`], default behaviour otherwise: e.g. SIZE is refused in ASCII
/// mode).
pub fn pyftpdlib() -> Option<FtpServer> {
    start_pyftpdlib(&[])
}

/// [`pyftpdlib`] whose APPE replaces the file with the bytes sent and answers success, as
/// gateways in front of object storage do.
pub fn pyftpdlib_appe_replaces() -> Option<FtpServer> {
    start_pyftpdlib(&["--appe-replaces"])
}

fn start_pyftpdlib(extra: &[&str]) -> Option<FtpServer> {
    if !pyftpdlib_available() {
        return unavailable("pyftpdlib", "not installed");
    }
    reap_orphans();
    let mut failures = String::new();
    for attempt in 1..=START_ATTEMPTS {
        let dir = tempfile::Builder::new()
            .prefix("ftpchat-pyftpd-")
            .tempdir()
            .expect("create pyftpdlib temp dir");
        let base = dir.path().to_path_buf();
        let root = base.join("root");
        fs::create_dir(&root).expect("create root dir");
        let token = format!("{:016x}", random_u64());
        let banner = format!("ftpchat-test pyftpdlib {token}");
        let password = format!("pw-{:016x}", random_u64());
        let log_path = base.join("pyftpd.log");
        let stderr_path = base.join("pyftpd.stderr");
        let stderr_file = fs::File::create(&stderr_path).expect("create pyftpd stderr file");

        let mut child = Command::new(python())
            .arg(pyftpd_script())
            .arg("--dir")
            .arg(&root)
            .args(["--user", PYFTPD_USER, "--password", &password])
            .arg("--log")
            .arg(&log_path)
            .args(["--banner", &banner])
            .args(extra)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(stderr_file)
            .spawn()
            .unwrap_or_else(|e| panic!("spawn {} {}: {e}", python(), pyftpd_script().display()));
        let registry_entry = register(child.id(), &base);
        let stdout = child.stdout.take().expect("pyftpd stdout");
        let (tx, rx) = mpsc::channel();
        thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let stdin = child.stdin.take();
        let mut server = FtpServer {
            kind: ServerKind::Pyftpdlib,
            port: 0,
            user: PYFTPD_USER.to_owned(),
            password,
            root,
            ca_file: None,
            child,
            stdin,
            log_path,
            stderr_path,
            registry_entry,
            owner: None,
            marker: marker_for(&base),
            dir,
        };
        let line = rx.recv_timeout(START_TIMEOUT).unwrap_or_default();
        match line.trim().parse::<u16>() {
            Ok(port) if port != 0 => server.port = port,
            _ => {
                let _ = server.child.kill();
                let _ = server.child.wait();
                panic!(
                    "pyftpd.py did not print its port (got {line:?}); stderr:\n{}",
                    server.stderr()
                );
            }
        }
        match wait_ready(&mut server, &token) {
            Ready::Yes => return Some(server),
            Ready::Retry(why) => {
                let _ = writeln!(failures, "attempt {attempt}: {why}");
            }
            Ready::Fatal(why) => panic!("pyftpdlib did not start: {why}"),
        }
    }
    panic!("pyftpdlib did not start after {START_ATTEMPTS} attempts:\n{failures}");
}

// ---------------------------------------------------------------------------------------------
// Readiness, ports, randomness, logs

enum Ready {
    Yes,
    Retry(String),
    Fatal(String),
}

/// Polls until the server on `server.port` sends a 220 greeting containing `token` (which
/// proves it is our process, not whoever else grabbed the port).
fn wait_ready(server: &mut FtpServer, token: &str) -> Ready {
    let deadline = Instant::now() + START_TIMEOUT;
    loop {
        if let Ok(Some(status)) = server.child.try_wait() {
            return exited(server, status);
        }
        let greeting = match (&server.ca_file, server.kind) {
            (Some(ca), ServerKind::VsftpdFtpsImplicit) => read_greeting_tls(server.addr(), ca),
            _ => read_greeting(server.addr()),
        };
        match greeting {
            Ok(greeting) if greeting.starts_with("220") && greeting.contains(token) => {
                return Ready::Yes;
            }
            Ok(greeting) => {
                // Someone else owns the port (or an error greeting): try another port.
                return Ready::Retry(format!("unexpected greeting {greeting:?}"));
            }
            Err(_) => {}
        }
        if Instant::now() > deadline {
            return Ready::Fatal(format!(
                "no 220 greeting on port {} within {START_TIMEOUT:?}; stderr:\n{}",
                server.port,
                server.stderr()
            ));
        }
        thread::sleep(Duration::from_millis(10));
    }
}

fn exited(server: &FtpServer, status: ExitStatus) -> Ready {
    let stderr = server.stderr();
    let msg = format!("exited with {status}; stderr:\n{stderr}");
    if stderr.contains("could not bind") || stderr.contains("Address already in use") {
        Ready::Retry(msg)
    } else {
        Ready::Fatal(msg)
    }
}

/// The greeting of an implicit-FTPS server, read over TLS.
fn read_greeting_tls(addr: SocketAddr, ca: &Path) -> std::io::Result<String> {
    use suppaftp::rustls::{ClientConnection, StreamOwned, pki_types::ServerName};
    let stream = TcpStream::connect_timeout(&addr, Duration::from_millis(500))?;
    stream.set_read_timeout(Some(Duration::from_secs(2)))?;
    let name = ServerName::try_from("localhost").expect("static name");
    let conn = ClientConnection::new(tls_client_config(ca), name).map_err(std::io::Error::other)?;
    let mut tls = StreamOwned::new(conn, stream);
    let mut line = Vec::new();
    let mut byte = [0u8; 1];
    while line.len() < 4096 && tls.read(&mut byte)? == 1 {
        line.push(byte[0]);
        if byte[0] == b'\n' {
            break;
        }
    }
    Ok(String::from_utf8_lossy(&line).into_owned())
}

fn read_greeting(addr: SocketAddr) -> std::io::Result<String> {
    let stream = TcpStream::connect_timeout(&addr, Duration::from_millis(500))?;
    stream.set_read_timeout(Some(Duration::from_secs(2)))?;
    let mut line = Vec::new();
    let mut byte = [0u8; 1];
    let mut reader = &stream;
    while line.len() < 4096 {
        match reader.read(&mut byte)? {
            0 => break,
            _ => {
                line.push(byte[0]);
                if byte[0] == b'\n' {
                    break;
                }
            }
        }
    }
    if line.is_empty() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            "closed without greeting",
        ));
    }
    let _ = (&stream).write_all(b"QUIT\r\n");
    Ok(String::from_utf8_lossy(&line).trim_end().to_owned())
}

/// pure-ftpd on 127.0.0.1 with one virtual user (puredb), files owned by [`VSFTPD_USER`].
/// Not part of [`all_servers`]: it serves the tests about servers that lose concurrent
/// appends.
pub fn pure_ftpd() -> Option<FtpServer> {
    let bin = Path::new(PURE_FTPD_ROOT).join("usr/sbin/pure-ftpd");
    let pw = Path::new(PURE_FTPD_ROOT).join("usr/bin/pure-pw");
    if !bin.exists() {
        return unavailable("pure-ftpd", "not unpacked (scripts/test does it)");
    }
    if !is_root() {
        return unavailable("pure-ftpd", "needs root and we are not root");
    }
    let (uid, gid) = match vsftpd_account() {
        Ok(ids) => *ids,
        Err(e) => panic!("pure-ftpd: the test account could not be set up: {e}"),
    };
    reap_orphans();
    let mut failures = String::new();
    for attempt in 1..=START_ATTEMPTS {
        let dir = tempfile::Builder::new()
            .prefix("ftpchat-pureftpd-")
            .tempdir()
            .expect("create pure-ftpd temp dir");
        let base = dir.path().to_path_buf();
        let root = base.join("root");
        fs::create_dir(&root).expect("create root dir");
        std::os::unix::fs::chown(&root, Some(uid), Some(gid)).expect("chown root dir");
        // The base stays root's; the user only needs to reach its root below it.
        fs::set_permissions(&base, fs::Permissions::from_mode(0o711)).expect("chmod base");
        let token = format!("ftpchat-test pure-ftpd {:016x}", random_u64());
        fs::write(base.join("banner"), format!("{token}\n")).expect("banner");
        let password = format!("pw-{:016x}", random_u64());
        let (passwd, pdb) = (base.join("passwd"), base.join("pdb"));
        let mut add = Command::new(&pw)
            .args([
                "useradd",
                "chat",
                "-u",
                &uid.to_string(),
                "-g",
                &gid.to_string(),
                "-d",
            ])
            .arg(&root)
            .arg("-f")
            .arg(&passwd)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("spawn pure-pw");
        if let Some(mut stdin) = add.stdin.take() {
            let _ = writeln!(stdin, "{password}\n{password}");
        }
        assert!(
            add.wait().expect("pure-pw").success(),
            "pure-pw useradd failed"
        );
        // pure-pw hashes with a deliberately slow function (2.3 s per login here); a
        // SHA-512 crypt hash keeps 40 logins at once from taking a minute.
        let mut hash = Command::new("openssl")
            .args(["passwd", "-6", "-stdin"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("spawn openssl passwd");
        if let Some(mut stdin) = hash.stdin.take() {
            let _ = writeln!(stdin, "{password}");
        }
        let hash = hash.wait_with_output().expect("openssl passwd");
        let hash = String::from_utf8_lossy(&hash.stdout).trim().to_owned();
        assert!(hash.starts_with("$6$"), "openssl passwd -6 gave {hash:?}");
        let entry = fs::read_to_string(&passwd).expect("read passwd");
        let mut fields: Vec<&str> = entry.trim_end().split(':').collect();
        fields[1] = &hash;
        fs::write(&passwd, format!("{}\n", fields.join(":"))).expect("write passwd");
        let made = Command::new(&pw)
            .arg("mkdb")
            .arg(&pdb)
            .arg("-f")
            .arg(&passwd)
            .status()
            .expect("pure-pw mkdb");
        assert!(made.success(), "pure-pw mkdb failed");
        let port = free_port();
        let data = 32_000 + (random_u64() % 200) as u16 * 100;
        let log_path = base.join("pure-ftpd.log");
        let stderr_path = base.join("pure-ftpd.stderr");
        let stderr_file = fs::File::create(&stderr_path).expect("create stderr file");
        let child = Command::new(&bin)
            .arg("-S")
            .arg(format!("127.0.0.1,{port}"))
            .arg("-l")
            .arg(format!("puredb:{}", pdb.display()))
            .args(["-E", "-H", "-A", "-c", "200", "-C", "200"])
            .arg("-p")
            .arg(format!("{data}:{}", data + 99))
            .arg("-F")
            .arg(base.join("banner"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(stderr_file)
            .spawn()
            .unwrap_or_else(|e| panic!("spawn {}: {e}", bin.display()));
        let registry_entry = register(child.id(), &base);
        let mut server = FtpServer {
            kind: ServerKind::PureFtpd,
            port,
            user: "chat".to_owned(),
            password,
            root,
            ca_file: None,
            child,
            stdin: None,
            log_path,
            stderr_path,
            registry_entry,
            owner: Some((uid, gid)),
            marker: marker_for(&base),
            dir,
        };
        match wait_ready(&mut server, &token) {
            Ready::Yes => return Some(server),
            Ready::Retry(why) => {
                let _ = writeln!(failures, "attempt {attempt}: {why}");
            }
            Ready::Fatal(why) => panic!("pure-ftpd did not start: {why}"),
        }
    }
    panic!("pure-ftpd did not start after {START_ATTEMPTS} attempts:\n{failures}");
}

/// A port that was free a moment ago (bind 127.0.0.1:0 and release it). Callers retry if the
/// server then fails to bind it.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("bind 127.0.0.1:0")
}

/// Non-cryptographic random number (std's randomly keyed SipHash).
pub fn random_u64() -> u64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    RandomState::new().hash_one((
        SystemTime::now(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        std::process::id(),
        thread::current().id(),
    ))
}

fn parse_commands(kind: ServerKind, log: &str) -> Vec<String> {
    match kind {
        // Tue Nov 22 02:25:50 2026 [pid 9337] [user] FTP command: Client "127.0.0.1", "SIZE /x"
        ServerKind::Vsftpd | ServerKind::VsftpdFtps | ServerKind::VsftpdFtpsImplicit => log
            .lines()
            .filter_map(|l| {
                let rest = &l[l.find("FTP command: Client \"")?..];
                let start = rest.find("\", \"")? + 4;
                Some(
                    rest[start..]
                        .strip_suffix('"')
                        .unwrap_or(&rest[start..])
                        .to_owned(),
                )
            })
            .collect(),
        // 2026-11-22 02:25:50,123 127.0.0.1:40000-[ftpchat] <- SIZE /x
        ServerKind::Pyftpdlib => log
            .lines()
            .filter_map(|l| l.find("] <- ").map(|i| l[i + 5..].to_owned()))
            .collect(),
        // pure-ftpd logs to syslog only: no command log here.
        ServerKind::PureFtpd => Vec::new(),
    }
}

// ---------------------------------------------------------------------------------------------
// Process groups and orphan reaping

fn marker_for(dir: &Path) -> String {
    format!("{}/", dir.display())
}

/// Live (non-zombie) processes, other than this one, whose command line contains `marker`.
pub fn processes_matching(marker: &str) -> Vec<u32> {
    let me = std::process::id();
    let Ok(entries) = fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|entry| {
            let pid: u32 = entry.file_name().to_str()?.parse().ok()?;
            if pid == me {
                return None;
            }
            let cmdline = fs::read(entry.path().join("cmdline")).ok()?;
            if !cmdline
                .windows(marker.len())
                .any(|w| w == marker.as_bytes())
            {
                return None;
            }
            let stat = fs::read_to_string(entry.path().join("stat")).ok()?;
            let state = stat[stat.rfind(')')? + 1..].split_whitespace().next()?;
            (state != "Z").then_some(pid)
        })
        .collect()
}

/// SIGKILLs every process matching `marker` until none is left (a session process may fork
/// its unprivileged half while we look).
fn kill_all_matching(marker: &str) {
    for _ in 0..200 {
        let pids = processes_matching(marker);
        if pids.is_empty() {
            return;
        }
        kill_pids(&pids);
        thread::sleep(Duration::from_millis(2));
    }
}

/// `kill -s KILL -- PIDS` with /bin/kill or, where procps is not installed, the shell builtin.
fn kill_pids(pids: &[u32]) {
    let pids: Vec<String> = pids.iter().map(u32::to_string).collect();
    let quiet = |cmd: &mut Command| {
        cmd.stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
    };
    let mut args = vec!["-s".to_owned(), "KILL".to_owned(), "--".to_owned()];
    args.extend(pids.iter().cloned());
    if quiet(Command::new("kill").args(&args)).is_err() {
        let script = format!("kill -s KILL -- {}", pids.join(" "));
        let _ = quiet(Command::new("sh").args(["-c", &script]));
    }
}

fn registry_dir() -> PathBuf {
    std::env::temp_dir().join("ftpchat-test-servers")
}

/// Records "server pid -> (owner pid, temp dir)" so that servers left behind by a test process
/// that was killed (Drop never ran) are cleaned up by the next test process.
fn register(pid: u32, dir: &Path) -> Option<PathBuf> {
    let reg = registry_dir();
    fs::create_dir_all(&reg).ok()?;
    let entry = reg.join(pid.to_string());
    fs::write(
        &entry,
        format!("{}\n{}\n", std::process::id(), dir.display()),
    )
    .ok()?;
    Some(entry)
}

fn reap_orphans() {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| {
        let Ok(entries) = fs::read_dir(registry_dir()) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(content) = fs::read_to_string(&path) else {
                continue;
            };
            let mut lines = content.lines();
            let (Some(owner), Some(dir)) = (lines.next(), lines.next()) else {
                let _ = fs::remove_file(&path);
                continue;
            };
            if Path::new("/proc").join(owner).exists() {
                continue; // owner still running (or its pid was reused: leave it alone)
            }
            let dir = Path::new(dir);
            let ours = dir.starts_with(std::env::temp_dir())
                && dir
                    .file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("ftpchat-"));
            if ours {
                kill_all_matching(&marker_for(dir));
                let _ = fs::remove_dir_all(dir);
            }
            let _ = fs::remove_file(&path);
        }
    });
}

fn prune_dead_pid_dirs(parent: &Path, prefix: &str) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(prefix))
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        if pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists() {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}
