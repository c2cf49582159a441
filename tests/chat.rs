//! `ftpchat chat`, driven in tmux as a person would: keys in with `send-keys`, the screen
//! read back with `capture-pane`. Against the embedded relay and vsftpd.

#![allow(
    clippy::print_stderr,
    reason = "the latency figure is printed, not asserted"
)]

mod common;
mod support;
#[path = "common/target.rs"]
mod target;

use std::time::{Duration, Instant};

use common::{Home, have, members};
use target::{Target, start_embedded};

/// One tmux server (its own socket) running one `ftpchat chat`.
struct Pane {
    socket: String,
    _dir: tempfile::TempDir,
}

impl Pane {
    /// Starts `ftpchat chat ARGS` as `home` in a 100x30 window.
    fn start(home: &Home, env: &[(&str, &str)], args: &[&str]) -> Pane {
        Pane::start_sized(home, env, args, (100, 30))
    }

    fn start_sized(home: &Home, env: &[(&str, &str)], args: &[&str], (w, h): (u16, u16)) -> Pane {
        let dir = tempfile::tempdir().expect("tempdir");
        let socket = dir.path().join("tmux").display().to_string();
        let bin = assert_cmd::cargo::cargo_bin("ftpchat");
        // After chat ends the shell records the terminal's modes, so a test can check
        // they were restored, then waits.
        let mut script = String::from("exec env -i");
        for (k, v) in [
            ("HOME", home.path().display().to_string()),
            ("FTPCHAT_HOME", home.config().display().to_string()),
            ("USER", "tester".into()),
            ("TZ", "UTC".into()),
            ("TERM", "xterm-256color".into()),
            ("PATH", std::env::var("PATH").unwrap_or_default()),
        ]
        .into_iter()
        .chain(env.iter().map(|(k, v)| ((*k), (*v).to_string())))
        {
            script.push_str(&format!(" {k}={}", quote(&v)));
        }
        script.push_str(&format!(
            " sh -c '{} chat \"$@\"; echo \"exit=$?\"; stty -a > {}; sleep 600' chat",
            quote(&bin.display().to_string()),
            quote(&dir.path().join("stty").display().to_string())
        ));
        for a in args {
            script.push(' ');
            script.push_str(&quote(a));
        }
        let pane = Pane { socket, _dir: dir };
        pane.tmux(&[
            "new-session",
            "-d",
            "-x",
            &w.to_string(),
            "-y",
            &h.to_string(),
            &script,
        ]);
        pane
    }

    fn tmux(&self, args: &[&str]) -> String {
        let out = std::process::Command::new("tmux")
            .args(["-S", &self.socket, "-f", "/dev/null"])
            .args(args)
            .output()
            .expect("tmux");
        assert!(
            out.status.success(),
            "tmux {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).to_string()
    }

    /// Types text literally.
    fn type_text(&self, text: &str) {
        self.tmux(&["send-keys", "-l", text]);
    }

    /// Presses keys by tmux name (`Enter`, `C-c`, `PageUp`, `M-Enter`).
    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys"];
        args.extend(keys);
        self.tmux(&args);
    }

    fn screen(&self) -> String {
        self.tmux(&["capture-pane", "-p"])
    }

    /// Waits until the screen shows `text`; the screen, or a panic naming what was on it.
    fn wait_for(&self, text: &str, within: Duration) -> String {
        let end = Instant::now() + within;
        loop {
            let s = self.screen();
            if s.contains(text) {
                return s;
            }
            assert!(
                Instant::now() < end,
                "waited {within:?} for {text:?}; the screen shows:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn stty(&self) -> Option<String> {
        std::fs::read_to_string(self._dir.path().join("stty")).ok()
    }
}

impl Drop for Pane {
    fn drop(&mut self) {
        let _ = std::process::Command::new("tmux")
            .args(["-S", &self.socket, "kill-server"])
            .output();
    }
}

fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

fn chat_args<'a>(t: &'a Target, room: &'a str, name: &'a str) -> Vec<&'a str> {
    let mut a = vec!["--relay", &t.url, "--room", room, "--name", name];
    if let Some(ca) = &t.ca_file {
        a.push("--ca-file");
        a.push(ca.to_str().expect("utf8"));
    }
    a
}

const WAIT: Duration = Duration::from_secs(20);

fn conversation(t: &Target) {
    let (alice, bob) = members();
    let env = [("FTPCHAT_PASSWORD", t.password.as_str())];
    let a = Pane::start(&alice, &env, &chat_args(t, "lobby", "alice"));
    let b = Pane::start(&bob, &env, &chat_args(t, "lobby", "bob"));
    a.wait_for("connected", WAIT);
    b.wait_for("connected", WAIT);

    a.type_text("hello bob");
    a.keys(&["Enter"]);
    b.wait_for("alice ✓: hello bob", WAIT);
    // Alice sees her own message delivered, once.
    let s = a.wait_for("hello bob  ✓✓", WAIT);
    assert_eq!(s.matches("hello bob").count(), 1, "{s}");

    // A multi-line reply (Alt-Enter), and the input history.
    b.type_text("hi alice");
    b.keys(&["M-Enter"]);
    b.type_text("second line");
    b.keys(&["Enter"]);
    let s = a.wait_for("second line", WAIT);
    assert!(s.contains("bob ✓: hi alice"), "{s}");
    b.keys(&["Up"]);
    b.wait_for("│second line", WAIT);
}

#[test]
fn two_people_talk_on_the_embedded_relay() {
    assert!(have("tmux"), "tmux is needed (scripts/test installs it)");
    conversation(&Target::embedded());
}

#[test]
fn two_people_talk_on_vsftpd() {
    assert!(have("tmux"), "tmux is needed (scripts/test installs it)");
    let Some(server) = support::vsftpd() else {
        return;
    };
    conversation(&Target::server(server));
}

/// Typed while the relay is down: shown queued at once, delivered when it is back, with
/// nothing for the user to do.
#[test]
fn a_message_typed_while_the_relay_is_down_is_queued_then_delivered() {
    assert!(have("tmux"), "tmux is needed (scripts/test installs it)");
    let dir = tempfile::tempdir().expect("tempdir");
    let relay = start_embedded(dir.path(), "127.0.0.1:0".parse().expect("addr"));
    let addr = relay.addr();
    let url = format!("ftp://chat@{addr}/");
    let (alice, bob) = members();
    let env = [("FTPCHAT_PASSWORD", "relay-pw")];
    let args = [
        "--relay",
        url.as_str(),
        "--room",
        "q",
        "--name",
        "alice",
        "--poll-max",
        "0.5",
    ];
    let a = Pane::start(&alice, &env, &args);
    a.wait_for("connected", WAIT);
    relay.stop();
    a.wait_for("reconnecting", WAIT);

    a.type_text("sent while down");
    a.keys(&["Enter"]);
    let s = a.wait_for("queued", Duration::from_secs(60));
    assert!(s.contains("sent while down"), "{s}");

    let relay = start_embedded(dir.path(), addr);
    a.wait_for("sent while down  ✓✓", Duration::from_secs(90));
    let out = bob
        .cmd()
        .args(["watch", "--once", "--relay", &url, "--room", "q"])
        .env("FTPCHAT_PASSWORD", "relay-pw")
        .output()
        .expect("watch");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("alice: sent while down"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    drop(relay);
}

#[test]
fn a_file_goes_up_with_file_and_comes_down_with_save() {
    assert!(have("tmux"), "tmux is needed (scripts/test installs it)");
    let t = Target::embedded();
    let (alice, bob) = members();
    let env = [("FTPCHAT_PASSWORD", t.password.as_str())];
    let report = alice.path().join("q3 report.txt");
    std::fs::write(&report, "all figures green").expect("write");
    let a = Pane::start(&alice, &env, &chat_args(&t, "files", "alice"));
    let b = Pane::start(&bob, &env, &chat_args(&t, "files", "bob"));
    a.wait_for("connected", WAIT);
    b.wait_for("connected", WAIT);

    a.type_text(&format!("/file \"{}\" the report", report.display()));
    a.keys(&["Enter"]);
    a.wait_for("✓✓", WAIT);
    b.wait_for(
        "sent a file: q3 report.txt (17 bytes): the report  [/save 1]",
        WAIT,
    );

    let inbox = bob.path().join("inbox");
    b.type_text(&format!("/save 1 {}", inbox.display()));
    b.keys(&["Enter"]);
    b.wait_for("saved ", WAIT);
    assert_eq!(
        std::fs::read_to_string(inbox.join("q3 report.txt")).expect("saved file"),
        "all figures green"
    );
}

#[test]
fn hostile_text_renders_inert_and_a_resize_keeps_the_screen() {
    assert!(have("tmux"), "tmux is needed (scripts/test installs it)");
    let t = Target::embedded();
    let (alice, bob) = members();
    let env = [("FTPCHAT_PASSWORD", t.password.as_str())];
    let b = Pane::start(&bob, &env, &chat_args(&t, "h", "bob"));
    b.wait_for("connected", WAIT);
    // Clear-screen and cursor-home escapes, a bidi override, and a fake status line.
    t.cmd(
        &alice,
        "h",
        &[
            "send",
            "--name",
            "mallory",
            "x\x1b[2J\x1b[Hbob ✓: pay now \u{202E}gnp.exe",
        ],
    )
    .assert()
    .success();
    let s = b.wait_for("mallory ✓: x", WAIT);
    assert!(
        s.contains("\\u{1b}[2J\\u{1b}[Hbob ✓: pay now \\u{202e}gnp.exe"),
        "{s}"
    );
    assert!(!s.contains('\u{202E}'));
    // The line above the input box is still the conversation, not a cleared screen.
    assert!(s.contains("type a message and press Enter"), "{s}");

    b.tmux(&["resize-window", "-x", "50", "-y", "15"]);
    std::thread::sleep(Duration::from_millis(300));
    b.type_text("after resize");
    b.keys(&["Enter"]);
    let s = b.wait_for("after resize  ✓✓", WAIT);
    assert!(s.lines().all(|l| l.chars().count() <= 50), "{s}");
}

#[test]
fn ctrl_c_restores_the_terminal() {
    assert!(have("tmux"), "tmux is needed (scripts/test installs it)");
    let t = Target::embedded();
    let (alice, _) = members();
    let env = [("FTPCHAT_PASSWORD", t.password.as_str())];
    let a = Pane::start(&alice, &env, &chat_args(&t, "r", "alice"));
    a.wait_for("connected", WAIT);
    a.keys(&["C-c"]);
    let s = a.wait_for("exit=0", WAIT);
    assert!(
        !s.contains("type a message"),
        "the alternate screen was left: {s}"
    );
    let end = Instant::now() + WAIT;
    let stty = loop {
        if let Some(s) = a.stty().filter(|s| !s.is_empty()) {
            break s;
        }
        assert!(Instant::now() < end, "stty never ran");
        std::thread::sleep(Duration::from_millis(50));
    };
    // Raw mode is off again: line editing and echo are back.
    assert!(
        stty.contains(" icanon") && stty.contains(" echo "),
        "{stty}"
    );
    assert!(!stty.contains("-icanon"), "{stty}");
}

#[test]
fn closing_the_terminal_ends_chat() {
    assert!(have("tmux"), "tmux is needed (scripts/test installs it)");
    let t = Target::embedded();
    let (alice, _) = members();
    let env = [("FTPCHAT_PASSWORD", t.password.as_str())];
    // A room name no other test uses marks this chat's process.
    let room = format!("hangup{}", std::process::id());
    let a = Pane::start(&alice, &env, &chat_args(&t, &room, "alice"));
    a.wait_for("connected", WAIT);
    let running = || {
        std::process::Command::new("pgrep")
            // Only the ftpchat process itself: the shell around it names the room too.
            .args(["-f", &format!("^[^ ]*ftpchat chat .*--room {room} ")])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    assert!(running(), "the chat process was not found");
    drop(a);
    let end = Instant::now() + Duration::from_secs(10);
    while running() {
        assert!(
            Instant::now() < end,
            "chat still runs 10 s after its terminal closed"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn without_a_terminal_it_points_to_watch_and_send() {
    let t = Target::embedded();
    let (alice, _) = members();
    let out = t.cmd(&alice, "r", &["chat"]).output().expect("chat");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("ftpchat watch") && err.contains("ftpchat send"),
        "{err}"
    );
}

/// Typing stays live while a poll hangs on a relay that accepts connections and never
/// answers: prints the time from a key press to its echo on screen.
#[test]
fn typing_echoes_while_the_relay_is_stalled() {
    assert!(have("tmux"), "tmux is needed (scripts/test installs it)");
    let hole = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = hole.local_addr().expect("addr");
    let held = std::thread::spawn(move || {
        // Accept and hold every connection without a byte of reply.
        let mut kept = Vec::new();
        for c in hole.incoming().take(20).flatten() {
            kept.push(c);
        }
    });
    let (alice, _) = members();
    let url = format!("ftp://chat@{addr}/");
    let env = [("FTPCHAT_PASSWORD", "x")];
    let a = Pane::start(
        &alice,
        &env,
        &["--relay", &url, "--room", "s", "--name", "alice"],
    );
    a.wait_for("not polled yet", WAIT);
    let mut delays = Vec::new();
    for (i, c) in "stalled-but-typing".chars().enumerate() {
        let start = Instant::now();
        a.type_text(&c.to_string());
        let typed: String = "stalled-but-typing".chars().take(i + 1).collect();
        a.wait_for(&format!("│{typed}"), Duration::from_secs(5));
        delays.push(start.elapsed());
    }
    delays.sort();
    eprintln!(
        "chat: key-to-screen latency while the relay is stalled, {} keys: p50 {:?}, max {:?} \
         (includes tmux send-keys and capture-pane round trips)",
        delays.len(),
        delays[delays.len() / 2],
        delays[delays.len() - 1]
    );
    let s = a.screen();
    assert!(
        s.contains("not polled yet") || s.contains("reconnecting"),
        "{s}"
    );
    drop(a);
    drop(held);
}
