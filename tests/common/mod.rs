//! Shared helpers for black-box tests: an isolated home per test and a command builder
//! that points HOME, XDG_* and FTPCHAT_* at it.

#![allow(dead_code)]
#![allow(clippy::print_stderr, reason = "tests report skips on stderr")]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// An isolated ftpchat home (config + state) in a temp directory.
pub struct Home {
    pub dir: tempfile::TempDir,
}

impl Home {
    pub fn new() -> Self {
        Home {
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `ftpchat` with this home and a clean environment.
    pub fn cmd(&self) -> Command {
        let mut c = Command::from_std(self.std_cmd());
        c.timeout(std::time::Duration::from_secs(120));
        c
    }

    /// The same as a plain std command (for spawning, signals and wrapping).
    pub fn std_cmd(&self) -> std::process::Command {
        let mut c = std::process::Command::new(assert_cmd::cargo::cargo_bin("ftpchat"));
        c.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.path())
            .env("FTPCHAT_HOME", self.path().join("ftpchat"))
            .env("USER", "tester")
            .env("TZ", "UTC");
        c
    }

    /// A new home with its own identity and a copy of `owner`'s room key.
    pub fn joining(owner: &Home) -> Self {
        let h = Home::new();
        h.cmd().arg("keygen").assert().success();
        std::fs::copy(owner.config().join("room.key"), h.config().join("room.key"))
            .expect("share the room key");
        h
    }

    pub fn config(&self) -> PathBuf {
        self.path().join("ftpchat")
    }

    /// Creates the default identity and room key; returns (public id line, room recipient).
    pub fn keys(&self) -> (String, String) {
        let id = self.cmd().arg("keygen").output().expect("keygen");
        assert!(
            id.status.success(),
            "{}",
            String::from_utf8_lossy(&id.stderr)
        );
        let room = self
            .cmd()
            .args(["keygen", "--room"])
            .output()
            .expect("keygen --room");
        assert!(room.status.success());
        (
            String::from_utf8(id.stdout)
                .expect("utf8")
                .trim()
                .to_string(),
            String::from_utf8(room.stdout)
                .expect("utf8")
                .trim()
                .to_string(),
        )
    }

    /// Encrypts `msg` as `name`, returning the record line.
    pub fn encrypt(&self, msg: &str, name: &str) -> String {
        let out = self
            .cmd()
            .args(["encrypt", "--name", name, "-m", msg])
            .output()
            .expect("encrypt");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout)
            .expect("utf8")
            .trim()
            .to_string()
    }
}

/// Whether an external program is installed; in CI a missing one is a failure.
pub fn have(program: &str) -> bool {
    let found = std::process::Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !found {
        assert!(
            std::env::var("CI").as_deref() != Ok("true")
                && std::env::var_os("FTPCHAT_TEST_STRICT").is_none(),
            "{program} is required (CI or scripts/test) but not installed"
        );
        eprintln!("skipping: {program} not installed");
    }
    found
}

/// Asserts a command succeeded and returns its stdout.
pub fn ok(out: std::process::Output, what: &str) -> String {
    assert!(
        out.status.success(),
        "{what} failed ({:?}): {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf8")
}

/// Two members sharing a room key: alice (who made it) and bob.
pub fn members() -> (Home, Home) {
    let alice = Home::new();
    alice.keys();
    let bob = Home::joining(&alice);
    (alice, bob)
}

/// A new home that joins a room with `invite` (what `room invite` printed) as `name`, added
/// by the room's owner: `as_owner` runs ftpchat with the given arguments as the owner.
pub fn join_by_invite(
    invite: String,
    name: &str,
    as_owner: impl Fn(&[&str]) -> std::process::Output,
) -> Home {
    let home = Home::new();
    let id_line = ok(
        home.cmd()
            .args(["room", "join", "-", "--name", name])
            .write_stdin(invite)
            .output()
            .expect("join"),
        "join",
    );
    ok(
        as_owner(&["room", "add", id_line.trim(), "--name", name]),
        "room add",
    );
    home
}

/// The append-probe verdicts (`appends.json`) a home remembers, as JSON text.
pub fn append_verdicts(home: &Home) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![home.path().to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.file_name().is_some_and(|n| n == "appends.json") {
                out.push(std::fs::read_to_string(&p).expect("verdict"));
            }
        }
    }
    out
}
