//! Field readiness: faults between client and relay (through a fault-injecting proxy),
//! legacy FTPChat rooms shared with a Python peer, non-interactive set-up and password
//! sources, `watch --exec`, and cron behaviour (`--timeout`, `--quiet`, exit codes).

#![allow(
    clippy::print_stderr,
    reason = "tests report progress and skips on stderr"
)]

mod common;
mod support;
#[path = "common/target.rs"]
mod target;

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use common::{Home, have, members, ok};
use serde_json::Value;
use support::FaultProxy;
use target::{Target, at, start_embedded};

fn bodies(s: &str) -> Vec<String> {
    s.lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).expect("json")["body"]
                .as_str()
                .expect("body")
                .to_string()
        })
        .collect()
}

fn audit(home: &Home, url: &str, room: &str) -> Vec<String> {
    let all = ok(
        at(home, url, room, &["pull", "--all"])
            .output()
            .expect("pull"),
        "pull --all",
    );
    bodies(&ok(
        home.cmd()
            .args(["decrypt", "--verify", "--json"])
            .write_stdin(all)
            .output()
            .expect("decrypt"),
        "audit",
    ))
}

#[test]
fn relay_outage_queues_sends_and_the_next_send_delivers_in_order() {
    let root = tempfile::tempdir().expect("root");
    let relay = start_embedded(root.path(), "127.0.0.1:0".parse().expect("addr"));
    let addr = relay.addr();
    let url = format!("ftp://chat@{addr}/");
    let (alice, _) = members();
    ok(
        at(&alice, &url, "o", &["send", "before"])
            .output()
            .expect("send"),
        "send",
    );
    relay.stop();
    for i in 0..3 {
        let out = at(
            &alice,
            &url,
            "o",
            &["send", "--connect-timeout", "1", &format!("during {i}")],
        )
        .output()
        .expect("send");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(3), "{err}");
        assert!(
            err.contains(&format!("{} record(s) not delivered", i + 1)),
            "{err}"
        );
    }
    // Restarted on the same address with the same files.
    let _relay = start_embedded(root.path(), addr);
    ok(
        at(&alice, &url, "o", &["send", "after"])
            .output()
            .expect("send"),
        "send after restart",
    );
    assert_eq!(
        audit(&alice, &url, "o"),
        ["before", "during 0", "during 1", "during 2", "after"]
    );
}

fn spawn_watch(home: &Home, url: &str, room: &str) -> (Child, std::sync::mpsc::Receiver<String>) {
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("ftpchat"))
        .env_clear()
        .env("HOME", home.path())
        .env("FTPCHAT_HOME", home.config())
        .env("FTPCHAT_PASSWORD", "relay-pw")
        .args([
            "watch",
            "--json",
            "--poll-max",
            "0.2",
            "--connect-timeout",
            "1",
            "--io-timeout",
            "2",
        ])
        .args(["--relay", url, "--room", room])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("watch");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    (child, rx)
}

fn collect(rx: &std::sync::mpsc::Receiver<String>, n: usize, within: Duration) -> Vec<String> {
    let deadline = Instant::now() + within;
    let mut got = Vec::new();
    while got.len() < n {
        match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(l) => got.extend(bodies(&l)),
            Err(_) => break,
        }
    }
    got
}

#[test]
fn watch_across_an_outage_resumes_without_gap_or_duplicate() {
    let t = Target::embedded();
    let proxy = FaultProxy::start(
        t.url
            .trim_start_matches("ftp://chat@")
            .trim_end_matches('/')
            .parse()
            .expect("addr"),
    );
    let via = format!("ftp://chat@127.0.0.1:{}/", proxy.port());
    let (alice, bob) = members();
    let (mut watch, rx) = spawn_watch(&alice, &via, "w");
    ok(
        at(&bob, &t.url, "w", &["send", "one"])
            .output()
            .expect("send"),
        "send",
    );
    assert_eq!(collect(&rx, 1, Duration::from_secs(15)), ["one"]);
    proxy.set_down(true);
    proxy.cut_all();
    for m in ["two", "three"] {
        ok(
            at(&bob, &t.url, "w", &["send", m]).output().expect("send"),
            "send during outage",
        );
    }
    std::thread::sleep(Duration::from_millis(1500));
    proxy.set_down(false);
    ok(
        at(&bob, &t.url, "w", &["send", "four"])
            .output()
            .expect("send"),
        "send",
    );
    let got = collect(&rx, 3, Duration::from_secs(30));
    let _ = watch.kill();
    let _ = watch.wait();
    assert_eq!(got, ["two", "three", "four"]);
    assert!(
        rx.recv_timeout(Duration::from_millis(300)).is_err(),
        "duplicate after resume"
    );
}

#[test]
fn a_connection_cut_mid_upload_leaves_the_next_record_intact() {
    let t = Target::embedded();
    let proxy = FaultProxy::start(
        t.url
            .trim_start_matches("ftp://chat@")
            .trim_end_matches('/')
            .parse()
            .expect("addr"),
    );
    let via = format!("ftp://chat@127.0.0.1:{}/", proxy.port());
    let (alice, _) = members();
    ok(
        at(&alice, &via, "c", &["send", "first"])
            .output()
            .expect("send"),
        "send",
    );
    // The next data connection is cut after 200 bytes: the record (about 1 KB) is left
    // half-written on the relay.
    proxy.cut_data_after(Some(200));
    let big = "x".repeat(2000);
    let out = at(&alice, &via, "c", &["send", &big])
        .output()
        .expect("send");
    // The cut APPE fails; the retry on a new connection repairs the half-written line.
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("retrying"), "{err}");
    proxy.cut_data_after(None);
    ok(
        at(&alice, &via, "c", &["send", "third"])
            .output()
            .expect("send"),
        "send after the cut",
    );
    let got = audit(&alice, &t.url, "c");
    assert_eq!(got, ["first".to_string(), big, "third".to_string()]);
}

#[test]
fn a_stalled_server_triggers_the_timeouts() {
    let (alice, _) = members();
    let (_stall, port) = support::stalling_server();
    let url = format!("ftp://chat@127.0.0.1:{port}/");
    let start = Instant::now();
    let out = at(&alice, &url, "s", &["send", "--io-timeout", "1", "stalled"])
        .output()
        .expect("send");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(err.contains("timed out"), "{err}");
    assert!(start.elapsed() < Duration::from_secs(20));
    let out = at(&alice, &url, "s", &["pull", "--io-timeout", "1"])
        .output()
        .expect("pull");
    assert_eq!(out.status.code(), Some(5));
    // --timeout bounds the whole run, retries included.
    let start = Instant::now();
    let out = at(&alice, &url, "s", &["send", "--timeout", "2", "bounded"])
        .output()
        .expect("send");
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "{:?}",
        start.elapsed()
    );
    let pending = ok(
        alice
            .cmd()
            .args(["outbox", "--json"])
            .output()
            .expect("outbox"),
        "outbox",
    );
    assert!(pending.contains("\"pending\":2"), "{pending}");
}

// ----- legacy rooms shared with the original app's protocol (Python peer) -----

fn python_ready() -> bool {
    have("python3")
        && std::process::Command::new("python3")
            .args(["-c", "import cryptography"])
            .status()
            .is_ok_and(|s| s.success())
}

fn pass_file(home: &Home) -> std::path::PathBuf {
    let p = home.path().join("chat.pass");
    std::fs::write(&p, "correct horse battery staple").expect("write");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    }
    p
}

#[test]
fn legacy_room_two_way_chat_with_the_python_app_protocol() {
    if !python_ready() {
        return;
    }
    let servers: Vec<support::FtpServer> = [support::vsftpd(), support::pyftpdlib()]
        .into_iter()
        .flatten()
        .collect();
    for s in servers {
        eprintln!("--- {}", s.kind.name());
        let home = Home::new();
        let pass = pass_file(&home);
        let script = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/python/ftpchat_legacy.py"
        );
        let py = |args: &[&str]| {
            let out = std::process::Command::new("python3")
                .arg(script)
                .args(args)
                .args([
                    "--host",
                    "127.0.0.1",
                    "--port",
                    &s.port.to_string(),
                    "--user",
                    &s.user,
                ])
                .args([
                    "--password-env",
                    "PW",
                    "--chat",
                    "lobby",
                    "--passphrase-file",
                ])
                .arg(&pass)
                .env("PW", &s.password)
                .output()
                .expect("python");
            assert!(
                out.status.success(),
                "python {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            String::from_utf8(out.stdout).expect("utf8")
        };
        let ftpchat = |args: &[&str]| {
            let mut c = home.cmd();
            c.args(args)
                .args([
                    "--relay",
                    &s.url("/"),
                    "--room",
                    "lobby",
                    "--legacy",
                    "--legacy-passphrase-file",
                ])
                .arg(&pass)
                .env("FTPCHAT_PASSWORD", &s.password);
            c
        };
        py(&[
            "send",
            "--name",
            "pyuser",
            "--message",
            "hello from the app",
        ]);
        ok(
            ftpchat(&["send", "--name", "rusty", "hello from ftpchat"])
                .output()
                .expect("send"),
            "send",
        );
        // A garbage line (and a partial one) in the shared file must not stop later lines.
        let mut chat = s.read_file("lobby.txt");
        chat.extend_from_slice(b"garbage that is not a token\n");
        s.write_file("lobby.txt", &chat);
        py(&["send", "--name", "pyuser", "--message", "after the garbage"]);

        // The app reads ftpchat's line.
        let read = py(&["read", "--offset", "0"]);
        let texts: Vec<Value> = read
            .lines()
            .map(|l| serde_json::from_str(l).expect("json"))
            .collect();
        let messages: Vec<&str> = texts.iter().filter_map(|v| v["message"].as_str()).collect();
        assert_eq!(
            messages,
            [
                "hello from the app",
                "hello from ftpchat",
                "after the garbage"
            ],
            "{}",
            s.kind.name()
        );

        // ftpchat reads the app's lines, skipping the garbage, marked unauthenticated.
        let out = ftpchat(&["watch", "--once", "--json"])
            .output()
            .expect("watch");
        let err = String::from_utf8_lossy(&out.stderr).to_string();
        assert!(err.contains("NOT authenticated"), "{err}");
        assert_eq!(
            out.status.code(),
            Some(1),
            "the garbage line counts as a failed record: {err}"
        );
        let got: Vec<Value> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).expect("json"))
            .collect();
        let shown: Vec<(&str, &str)> = got
            .iter()
            .map(|v| {
                (
                    v["name"].as_str().expect("name"),
                    v["body"].as_str().expect("body"),
                )
            })
            .collect();
        assert_eq!(
            shown,
            [
                ("pyuser", "hello from the app"),
                ("rusty", "hello from ftpchat"),
                ("pyuser", "after the garbage")
            ],
            "{}",
            s.kind.name()
        );
        assert!(
            got.iter()
                .all(|v| v["verified"] == false && v["format"] == "legacy")
        );
        // Incremental: the next poll only shows what is new.
        py(&["send", "--name", "pyuser", "--message", "later"]);
        let out = ok(
            ftpchat(&["watch", "--once", "--json"])
                .output()
                .expect("watch"),
            "watch again",
        );
        assert_eq!(bodies(&out), ["later"]);
    }
}

// ----- non-interactive set-up and password sources -----

#[test]
fn init_by_flags_writes_a_working_profile_without_prompting_or_storing_passwords() {
    let t = Target::embedded();
    let (alice, bob) = members();
    // No terminal: missing values are errors naming the flag, never prompts.
    let out = alice.cmd().arg("init").output().expect("init");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--relay"));

    let pwfile = alice.path().join("ftp.pw");
    std::fs::write(&pwfile, "relay-pw\n").expect("write");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&pwfile, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    }
    ok(
        alice
            .cmd()
            .args([
                "init",
                "--relay",
                &t.url,
                "--room",
                "ops",
                "--name",
                "cronbot",
                "--password-file",
            ])
            .arg(&pwfile)
            .output()
            .expect("init"),
        "init",
    );
    let profiles = std::fs::read_to_string(alice.config().join("profiles.toml")).expect("profiles");
    assert!(
        !profiles.contains("relay-pw"),
        "password stored in the profile: {profiles}"
    );
    // The profile alone is enough: no --relay, no password variable.
    ok(
        alice
            .cmd()
            .args(["send", "via profile"])
            .output()
            .expect("send"),
        "send with the profile",
    );
    // Re-running edits the profile and keeps the keys.
    let key_before = std::fs::read(alice.config().join("identity.key")).expect("key");
    ok(
        alice
            .cmd()
            .args(["init", "--room", "ops2", "--no-test"])
            .output()
            .expect("init"),
        "re-init",
    );
    assert_eq!(
        std::fs::read(alice.config().join("identity.key")).expect("key"),
        key_before
    );
    let shown = ok(
        alice
            .cmd()
            .args(["profile", "show"])
            .output()
            .expect("show"),
        "show",
    );
    assert!(
        shown.contains("ops2") && shown.contains("cronbot") && !shown.contains("relay-pw"),
        "{shown}"
    );
    let listed = ok(
        alice
            .cmd()
            .args(["profile", "list"])
            .output()
            .expect("list"),
        "list",
    );
    assert!(listed.starts_with("* default"), "{listed}");

    // A password command (e.g. a password manager).
    ok(
        bob.cmd()
            .args([
                "init",
                "--relay",
                &t.url,
                "--room",
                "ops",
                "--password-command",
                "echo relay-pw",
            ])
            .output()
            .expect("init"),
        "init with a password command",
    );
    let seen = ok(
        bob.cmd()
            .args(["watch", "--once", "--json"])
            .output()
            .expect("watch"),
        "watch",
    );
    assert_eq!(bodies(&seen), ["via profile"]);
}

#[test]
fn netrc_supplies_the_password_and_its_absence_is_explained() {
    let t = Target::embedded();
    let (alice, _) = members();
    let no_pw = alice
        .cmd()
        .args(["send", "--relay", &t.url, "x"])
        .output()
        .expect("send");
    assert_eq!(no_pw.status.code(), Some(4));
    let err = String::from_utf8_lossy(&no_pw.stderr);
    for way in ["FTPCHAT_PASSWORD", ".netrc", "password_command"] {
        assert!(err.contains(way), "{err}");
    }
    std::fs::write(
        alice.path().join(".netrc"),
        "machine 127.0.0.1 login chat password relay-pw\n",
    )
    .expect("netrc");
    ok(
        alice
            .cmd()
            .args(["send", "--relay", &t.url, "--room", "n", "via netrc"])
            .output()
            .expect("send"),
        "netrc",
    );
    // A password in the URL works but warns.
    let url = t.url.replace("chat@", "chat:relay-pw@");
    let out = alice
        .cmd()
        .args(["send", "--relay", &url, "--room", "n", "via url"])
        .output()
        .expect("send");
    assert!(String::from_utf8_lossy(&out.stderr).contains("process list"));
    assert!(out.status.success());
}

// ----- watch --exec -----

#[test]
fn watch_exec_gets_the_fields_for_native_and_legacy_messages() {
    let t = Target::embedded();
    let (alice, bob) = members();
    ok(
        at(&bob, &t.url, "e", &["send", "--name", "bob", "ping"])
            .output()
            .expect("send"),
        "send",
    );
    let log = alice.path().join("exec.log");
    let cmd = format!(
        "printf '%s|%s|%s|%s|%s|%s|' \"$FTPCHAT_MSG_NAME\" \"$FTPCHAT_MSG_BODY\" \"$FTPCHAT_MSG_FORMAT\" \
         \"$FTPCHAT_MSG_VERIFIED\" \"$FTPCHAT_MSG_SEQ\" \"$FTPCHAT_MSG_FEED\" >> {0}; cat >> {0}; echo >> {0}; exit 3",
        log.display()
    );
    let out = at(&alice, &t.url, "e", &["watch", "--once", "--exec", &cmd])
        .output()
        .expect("watch");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "a failing --exec is not fatal: {err}");
    assert!(err.contains("--exec") && err.contains("failed"), "{err}");
    let line = std::fs::read_to_string(&log).expect("log");
    let parts: Vec<&str> = line.trim_end().split('|').collect();
    assert_eq!(&parts[..5], ["bob", "ping", "native", "1", "1"], "{line}");
    assert_eq!(parts[5].len(), 16);
    assert_eq!(parts[6], "ping", "message on stdin");

    // Legacy.
    let pass = pass_file(&alice);
    let legacy = |home: &Home, args: &[&str]| {
        let mut c = at(home, &t.url, "old", args);
        c.args(["--legacy", "--legacy-passphrase-file"]).arg(&pass);
        c
    };
    ok(
        legacy(&alice, &["send", "--name", "oldtimer", "hi old"])
            .output()
            .expect("send"),
        "legacy send",
    );
    std::fs::remove_file(&log).expect("rm");
    let out = legacy(&alice, &["watch", "--once", "--exec", &cmd])
        .output()
        .expect("watch");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line = std::fs::read_to_string(&log).expect("log");
    let parts: Vec<&str> = line.trim_end().split('|').collect();
    assert_eq!(
        &parts[..5],
        ["oldtimer", "hi old", "legacy", "0", ""],
        "{line}"
    );
}

// ----- cron behaviour -----

#[test]
fn cron_quiet_send_prints_nothing_and_never_prompts() {
    let t = Target::embedded();
    let (alice, _) = members();
    let out = at(&alice, &t.url, "q", &["send", "--quiet", "backup ok"])
        .output()
        .expect("send");
    assert!(out.status.success());
    assert!(
        out.stderr.is_empty() && out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Errors still show under --quiet.
    let out = at(&alice, &t.url, "q", &["send", "--quiet"])
        .write_stdin("")
        .output()
        .expect("send");
    assert_eq!(out.status.code(), Some(2));
    assert!(!out.stderr.is_empty());
    // Wrong password: "auth failed" is its own exit status, and the message is queued.
    let out = alice
        .cmd()
        .args(["send", "--relay", &t.url, "--room", "q", "auth"])
        .env("FTPCHAT_PASSWORD", "nope")
        .output()
        .expect("send");
    assert_eq!(
        out.status.code(),
        Some(4),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("kept in the outbox"));
    // Stdin is bounded.
    let out = at(&alice, &t.url, "q", &["send"])
        .write_stdin("y".repeat(1 << 20))
        .output()
        .expect("send");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn many_uploads_on_one_ftps_connection_survive_vsftpd_ticket_limits() {
    let Some(s) = support::vsftpd_ftps() else {
        return;
    };
    let t = Target::server(s);
    // Five writers' records mirrored in one push: five uploads on one connection, more
    // than vsftpd's two TLS 1.3 session tickets allow.
    let owner = Home::new();
    owner.keys();
    let mut lines = String::new();
    for _ in 0..5 {
        let h = Home::joining(&owner);
        lines.push_str(&h.encrypt("hello", "w"));
        lines.push('\n');
    }
    ok(
        t.cmd(&owner, "tls", &["push"])
            .write_stdin(lines)
            .output()
            .expect("push"),
        "push over FTPS",
    );
    let all = ok(
        t.cmd(&owner, "tls", &["pull", "--all"])
            .output()
            .expect("pull"),
        "pull",
    );
    assert_eq!(all.lines().count(), 5);
}

#[test]
fn undelivered_legacy_lines_are_listed_and_flushed() {
    let root = tempfile::tempdir().expect("root");
    let relay = start_embedded(root.path(), "127.0.0.1:0".parse().expect("addr"));
    let addr = relay.addr();
    let url = format!("ftp://chat@{addr}/");
    relay.stop();
    let home = Home::new();
    let pass = pass_file(&home);
    let legacy = |args: &[&str]| {
        let mut c = at(&home, &url, "old", args);
        c.args(["--legacy", "--legacy-passphrase-file"]).arg(&pass);
        c
    };
    let out = legacy(&[
        "send",
        "--connect-timeout",
        "1",
        "--name",
        "a",
        "while down",
    ])
    .output()
    .expect("send");
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let listed = ok(
        home.cmd()
            .args(["outbox", "--json"])
            .output()
            .expect("outbox"),
        "outbox",
    );
    assert!(
        listed.contains("\"room\":\"legacy\"") && listed.contains("\"pending\":1"),
        "{listed}"
    );
    let _relay = start_embedded(root.path(), addr);
    ok(
        home.cmd()
            .args(["outbox", "flush"])
            .env("FTPCHAT_PASSWORD", "relay-pw")
            .output()
            .expect("flush"),
        "flush",
    );
    let chat = std::fs::read_to_string(root.path().join("old.txt")).expect("chat file");
    assert_eq!(chat.lines().count(), 1);
    let listed = ok(
        home.cmd()
            .args(["outbox", "--json"])
            .output()
            .expect("outbox"),
        "outbox",
    );
    assert!(!listed.contains("legacy"), "{listed}");
}

/// Drives a terminal program in tmux, waiting for each prompt before answering.
struct Tmux {
    name: String,
}

impl Tmux {
    fn start(command: &str) -> Tmux {
        assert!(have("tmux"), "tmux is needed (scripts/test installs it)");
        let name = format!("ftpchat-test-{}", std::process::id());
        let st = std::process::Command::new("tmux")
            .args([
                "new-session",
                "-d",
                "-s",
                &name,
                "-x",
                "150",
                "-y",
                "40",
                command,
            ])
            .status()
            .expect("tmux");
        assert!(st.success());
        Tmux { name }
    }

    fn screen(&self) -> String {
        let out = std::process::Command::new("tmux")
            .args(["capture-pane", "-p", "-t", &self.name])
            .output()
            .expect("tmux capture");
        String::from_utf8_lossy(&out.stdout).to_string()
    }

    fn wait_for(&self, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if self.screen().contains(text) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("waited for {text:?}; the screen shows:\n{}", self.screen());
    }

    fn keys(&self, keys: &[&str]) {
        for k in keys {
            let st = std::process::Command::new("tmux")
                .args(["send-keys", "-t", &self.name, k])
                .status()
                .expect("tmux");
            assert!(st.success());
        }
    }

    fn type_text(&self, text: &str) {
        let st = std::process::Command::new("tmux")
            .args(["send-keys", "-t", &self.name, "-l", text])
            .status()
            .expect("tmux");
        assert!(st.success());
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = std::process::Command::new("tmux")
            .args(["kill-session", "-t", &self.name])
            .status();
    }
}

#[test]
fn init_on_a_terminal_is_a_wizard_that_stores_a_typed_password_in_its_own_file() {
    let t = Target::embedded();
    let home = Home::new();
    let command = format!(
        "env -i PATH=/usr/bin:/bin HOME={} FTPCHAT_HOME={} USER=wiz TERM=xterm {} init; echo EXIT=$?; sleep 60",
        home.path().display(),
        home.config().display(),
        assert_cmd::cargo::cargo_bin("ftpchat").display()
    );
    let tmux = Tmux::start(&command);
    tmux.wait_for("Relay URL");
    tmux.type_text(&t.url);
    tmux.keys(&["Enter"]);
    tmux.wait_for("Room (directory on the relay)");
    tmux.type_text("wiz");
    tmux.keys(&["Enter"]);
    tmux.wait_for("Your display name");
    tmux.keys(&["Enter"]);
    tmux.wait_for("Where does the FTP password come from?");
    tmux.keys(&["Down", "Enter"]);
    tmux.wait_for("FTP password for chat");
    tmux.type_text("relay-pw");
    tmux.keys(&["Enter"]);
    tmux.wait_for("EXIT=");
    let screen = tmux.screen();
    assert!(screen.contains("EXIT=0"), "{screen}");
    assert!(
        screen.contains("connection OK"),
        "the wizard tests the connection: {screen}"
    );
    assert!(
        !screen.contains("relay-pw"),
        "the typed password was echoed: {screen}"
    );
    let profiles = std::fs::read_to_string(home.config().join("profiles.toml")).expect("profiles");
    assert!(
        !profiles.contains("relay-pw") && profiles.contains("password_file"),
        "{profiles}"
    );
    // The profile works without a terminal and without a password in the environment.
    ok(
        home.cmd()
            .args(["send", "from the wizard's profile"])
            .output()
            .expect("send"),
        "send",
    );
}
