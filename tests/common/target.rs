//! Relays to test against: the embedded relay in-process, or a real server from the
//! test support code; and how to run ftpchat against one.

#![allow(dead_code, reason = "each test crate uses a different part of it")]

use std::path::PathBuf;

use crate::common::Home;
use crate::support;

/// A relay to test against, and what keeps it running.
pub struct Target {
    pub name: &'static str,
    pub url: String,
    pub password: String,
    pub ca_file: Option<PathBuf>,
    pub root: PathBuf,
    _guard: Guard,
}

#[allow(dead_code, reason = "the fields only keep the relay alive")]
pub enum Guard {
    Embedded(ftpchat::relay::RunningRelay, tempfile::TempDir),
    Server(support::FtpServer),
    Folder(tempfile::TempDir),
    Ssh(support::SshServer),
}

impl Target {
    pub fn embedded() -> Target {
        let dir = tempfile::tempdir().expect("tempdir");
        let relay = start_embedded(dir.path(), "127.0.0.1:0".parse().expect("addr"));
        Target {
            name: "embedded",
            url: format!("ftp://chat@{}/", relay.addr()),
            password: "relay-pw".into(),
            ca_file: None,
            root: dir.path().to_path_buf(),
            _guard: Guard::Embedded(relay, dir),
        }
    }

    pub fn server(s: support::FtpServer) -> Target {
        Target {
            name: s.kind.name(),
            url: s.url("/"),
            password: s.password.clone(),
            ca_file: s.ca_file.clone(),
            root: s.root.clone(),
            _guard: Guard::Server(s),
        }
    }

    /// A folder relay (`file:///tmp/...`).
    pub fn folder() -> Target {
        let dir = tempfile::tempdir().expect("tempdir");
        Target {
            name: "folder",
            url: format!("file://{}", dir.path().display()),
            password: String::new(),
            ca_file: None,
            root: dir.path().to_path_buf(),
            _guard: Guard::Folder(dir),
        }
    }

    /// An SFTP relay: OpenSSH's sshd (internal-sftp), password login, its host key in
    /// each home's known_hosts.
    pub fn sftp(s: support::SshServer) -> Target {
        Target {
            name: "sftp",
            url: s.url(),
            password: s.password.clone(),
            ca_file: None,
            root: s.root.clone(),
            _guard: Guard::Ssh(s),
        }
    }

    /// Every kind of relay: the embedded one, the real FTP servers, sshd, and a folder.
    pub fn all() -> Vec<Target> {
        let mut t = vec![Target::embedded()];
        t.extend(support::all_servers().into_iter().map(Target::server));
        t.extend(support::sshd().map(Target::sftp));
        t.push(Target::folder());
        t
    }

    /// Lets `home` trust this relay (SFTP: its host key in `~/.ssh/known_hosts`).
    fn introduce(&self, home: &Home) {
        if let Guard::Ssh(s) = &self._guard {
            s.trust_in(home.path());
        }
    }

    /// `ftpchat ARGS --relay URL --room ROOM` as `home`, with the password in the environment.
    pub fn cmd(&self, home: &Home, room: &str, args: &[&str]) -> assert_cmd::Command {
        self.introduce(home);
        let mut c = home.cmd();
        c.args(args)
            .args(["--relay", &self.url, "--room", room])
            .env("FTPCHAT_PASSWORD", &self.password);
        if let Some(ca) = &self.ca_file {
            c.arg("--ca-file").arg(ca);
        }
        c
    }

    pub fn std_cmd(&self, home: &Home, room: &str, args: &[&str]) -> std::process::Command {
        self.introduce(home);
        let mut c = std::process::Command::new(assert_cmd::cargo::cargo_bin("ftpchat"));
        c.env_clear()
            .env("HOME", home.path())
            .env("FTPCHAT_HOME", home.config())
            .env("FTPCHAT_PASSWORD", &self.password)
            .env("USER", "tester")
            .args(args)
            .args(["--relay", &self.url, "--room", room]);
        if let Some(ca) = &self.ca_file {
            c.arg("--ca-file").arg(ca);
        }
        c
    }
}

/// Starts an embedded relay serving `root` at `listen` (user `chat`, password `relay-pw`).
pub fn start_embedded(
    root: &std::path::Path,
    listen: std::net::SocketAddr,
) -> ftpchat::relay::RunningRelay {
    ftpchat::relay::RunningRelay::start(ftpchat::relay::RelayConfig {
        listen,
        root: root.to_path_buf(),
        user: "chat".into(),
        password: ftpchat::secret::Secret::new("relay-pw"),
        passive_ports: 40000..=40999,
        tls: None,
        tls_required: false,
        limits: ftpchat::relay::SessionLimits::default(),
    })
    .expect("relay")
}

/// `ftpchat ARGS --relay URL --room ROOM` as `home`, with the embedded relay's password.
pub fn at(home: &Home, url: &str, room: &str, args: &[&str]) -> assert_cmd::Command {
    let mut c = home.cmd();
    c.args(args)
        .args(["--relay", url, "--room", room])
        .env("FTPCHAT_PASSWORD", "relay-pw");
    c
}
