//! A real OpenSSH sshd on a loopback port, serving only SFTP (internal-sftp) to the test
//! account, chrooted into its own directory. Never port 22, never a system service.

use std::fs;
use std::io::Write as _;
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::{VSFTPD_PASSWORD, VSFTPD_USER, free_port, in_ci, is_root, register, vsftpd_account};

/// Where the sshd binary is (from the openssh-server package, installed by scripts/test).
pub const SSHD_BIN: &str = "/usr/sbin/sshd";

/// Chroot directories must sit on a path of root-owned, not world-writable directories,
/// so not under /tmp.
const BASE: &str = "/var/lib/ftpchat-test";

/// A running sshd. Dropping it stops the server and removes its files.
#[derive(Debug)]
pub struct SshServer {
    pub port: u16,
    pub user: String,
    pub password: String,
    /// The directory the SFTP user starts in (`/data` in the chroot): relative paths in
    /// a relay URL land here.
    pub root: PathBuf,
    /// The server's host key as a `known_hosts` key: `ssh-ed25519 AAAA...`.
    pub host_key: String,
    /// A private key (no passphrase) the server accepts for [`SshServer::user`].
    pub client_key: PathBuf,
    child: Child,
    registry_entry: Option<PathBuf>,
    log: PathBuf,
    dir: tempfile::TempDir,
}

impl SshServer {
    /// `sftp://USER@127.0.0.1:PORT/`.
    pub fn url(&self) -> String {
        format!("sftp://{}@127.0.0.1:{}/", self.user, self.port)
    }

    /// The `known_hosts` line for this server.
    pub fn known_hosts_line(&self) -> String {
        format!("[127.0.0.1]:{} {}", self.port, self.host_key)
    }

    /// Writes this server's key into `home/.ssh/known_hosts` (once).
    pub fn trust_in(&self, home: &Path) {
        trust(home, &self.known_hosts_line());
    }

    /// sshd's log so far.
    pub fn log(&self) -> String {
        fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for SshServer {
    fn drop(&mut self) {
        // Session processes end with their clients' connections.
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some(e) = self.registry_entry.take() {
            let _ = fs::remove_file(e);
        }
        let _ = &self.dir;
    }
}

/// Adds `line` to `home/.ssh/known_hosts` unless it is there already.
fn trust(home: &Path, line: &str) {
    let ssh = home.join(".ssh");
    fs::create_dir_all(&ssh).expect("mkdir .ssh");
    let file = ssh.join("known_hosts");
    if fs::read_to_string(&file).unwrap_or_default().contains(line) {
        return;
    }
    let mut f = fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(&file)
        .expect("known_hosts");
    writeln!(f, "{line}").expect("write known_hosts");
}

/// Makes an Ed25519 key pair at `path` (no passphrase); returns the public key as
/// `known_hosts` writes it, `ssh-ed25519 AAAA...`.
fn keygen(path: &Path, comment: &str) -> String {
    run(Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", comment, "-f"])
        .arg(path));
    let public = fs::read_to_string(path.with_extension("pub")).expect("public key");
    public
        .split_whitespace()
        .take(2)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Waits up to 10 s for an SSH banner on `port`; false when `child` exits first or none
/// comes.
fn greets_ssh(child: &mut Child, port: u16) -> bool {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return false;
        }
        if let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
            let mut buf = [0u8; 64];
            if std::io::Read::read(&mut s, &mut buf).is_ok_and(|n| buf[..n].starts_with(b"SSH-")) {
                return true;
            }
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

fn run(cmd: &mut Command) {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Starts sshd, or returns `None` (outside CI) when it is missing or we are not root.
pub fn sshd() -> Option<SshServer> {
    if !Path::new(SSHD_BIN).exists() {
        assert!(
            !in_ci(),
            "sshd is required when CI=true: run scripts/test (openssh-server)"
        );
        eprintln!("skipping: sshd not installed");
        return None;
    }
    if !is_root() {
        assert!(
            !in_ci(),
            "sshd tests need root (chroot and the test account)"
        );
        eprintln!("skipping: sshd needs root");
        return None;
    }
    let (uid, gid) = match vsftpd_account() {
        Ok(ids) => *ids,
        Err(e) => panic!("sshd: the test account could not be set up: {e}"),
    };
    fs::create_dir_all(BASE).expect("base dir");
    fs::set_permissions(BASE, fs::Permissions::from_mode(0o755)).expect("chmod base");
    // sshd's privilege separation directory.
    fs::create_dir_all("/run/sshd").expect("/run/sshd");
    let dir = tempfile::Builder::new()
        .prefix("sshd-")
        .tempdir_in(BASE)
        .expect("sshd dir");
    let base = dir.path();
    fs::set_permissions(base, fs::Permissions::from_mode(0o755)).expect("chmod");
    let chroot = base.join("chroot");
    let data = chroot.join("data");
    fs::create_dir_all(&data).expect("data dir");
    fs::set_permissions(&chroot, fs::Permissions::from_mode(0o755)).expect("chmod chroot");
    std::os::unix::fs::chown(&data, Some(uid), Some(gid)).expect("chown data");
    let host_key = base.join("host_ed25519");
    let host_pub = keygen(&host_key, "ftpchat-test-host");
    let client_key = base.join("client_ed25519");
    keygen(&client_key, "ftpchat-test-client");
    let authorized = base.join("authorized_keys");
    fs::copy(client_key.with_extension("pub"), &authorized).expect("authorized_keys");
    let log = base.join("sshd.log");
    let mut failures = String::new();
    for _ in 0..5 {
        let port = free_port();
        let config = base.join("sshd_config");
        fs::write(
            &config,
            format!(
                "Port {port}\nListenAddress 127.0.0.1\nHostKey {}\nPidFile {}/sshd.pid\n\
                 AuthorizedKeysFile {}\nStrictModes no\nUsePAM no\nPasswordAuthentication yes\n\
                 KbdInteractiveAuthentication no\nPubkeyAuthentication yes\nPermitRootLogin no\n\
                 AllowUsers {VSFTPD_USER}\nSubsystem sftp internal-sftp\nChrootDirectory {}\n\
                 ForceCommand internal-sftp -d /data\nAllowTcpForwarding no\nX11Forwarding no\n\
                 LogLevel VERBOSE\nMaxStartups 100\nMaxSessions 100\n",
                host_key.display(),
                base.display(),
                authorized.display(),
                chroot.display()
            ),
        )
        .expect("sshd_config");
        let mut child = Command::new(SSHD_BIN)
            .arg("-D")
            .arg("-f")
            .arg(&config)
            .arg("-E")
            .arg(&log)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn sshd");
        let registry_entry = register(child.id(), base);
        let up = greets_ssh(&mut child, port);
        if up {
            return Some(SshServer {
                port,
                user: VSFTPD_USER.to_owned(),
                password: VSFTPD_PASSWORD.to_owned(),
                root: data,
                host_key: host_pub,
                client_key,
                child,
                registry_entry,
                log,
                dir,
            });
        }
        let _ = child.kill();
        let _ = child.wait();
        if let Some(e) = registry_entry {
            let _ = fs::remove_file(e);
        }
        failures.push_str(&fs::read_to_string(&log).unwrap_or_default());
    }
    panic!("sshd did not start: {failures}");
}

/// `rclone serve sftp` over a temporary directory (Debian's rclone 1.60: it ignores the
/// SFTP append flag, so an "append" replaces the file). Password login; its own host key.
#[derive(Debug)]
pub struct RcloneSftp {
    pub port: u16,
    pub user: String,
    pub password: String,
    /// The served directory (the SFTP root).
    pub root: PathBuf,
    /// Its host key as `ssh-ed25519 AAAA...`.
    pub host_key: String,
    child: Child,
    dir: tempfile::TempDir,
}

impl RcloneSftp {
    /// `sftp://USER@127.0.0.1:PORT/`.
    pub fn url(&self) -> String {
        format!("sftp://{}@127.0.0.1:{}/", self.user, self.port)
    }

    /// Writes this server's key into `home/.ssh/known_hosts` (once).
    pub fn trust_in(&self, home: &Path) {
        trust(
            home,
            &format!("[127.0.0.1]:{} {}", self.port, self.host_key),
        );
    }
}

impl Drop for RcloneSftp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = &self.dir;
    }
}

/// Starts `rclone serve sftp`, or `None` (outside CI) when rclone is missing.
pub fn rclone_sftp() -> Option<RcloneSftp> {
    if Command::new("rclone").arg("version").output().is_err() {
        assert!(
            !in_ci(),
            "rclone is required when CI=true: run scripts/test"
        );
        eprintln!("skipping: rclone not installed");
        return None;
    }
    let dir = tempfile::tempdir().expect("dir");
    let root = dir.path().join("data");
    fs::create_dir(&root).expect("data");
    let key = dir.path().join("host_ed25519");
    let host_key = keygen(&key, "ftpchat-test-rclone");
    let password = "rclone-test-pw".to_string();
    for _ in 0..5 {
        let port = free_port();
        let mut child = Command::new("rclone")
            .arg("serve")
            .arg("sftp")
            .arg(&root)
            .args([
                "--addr",
                &format!("127.0.0.1:{port}"),
                "--user",
                "u",
                "--pass",
            ])
            .arg(&password)
            .arg("--key")
            .arg(&key)
            .arg("--config")
            .arg(dir.path().join("rclone.conf"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn rclone");
        if greets_ssh(&mut child, port) {
            return Some(RcloneSftp {
                port,
                user: "u".into(),
                password,
                root,
                host_key,
                child,
                dir,
            });
        }
        let _ = child.kill();
        let _ = child.wait();
    }
    panic!("rclone serve sftp did not start");
}
