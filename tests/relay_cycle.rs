//! The relay cycle against real FTP servers on loopback: the embedded relay (in-process),
//! vsftpd in plain FTP and in FTPS with TLS session reuse required, and pyftpdlib (which
//! refuses SIZE in ASCII mode and lists with MLSD).

#![allow(
    clippy::print_stderr,
    reason = "tests report progress and skips on stderr"
)]

mod common;
mod support;
#[path = "common/target.rs"]
mod target;

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use common::{Home, members, ok};
use serde_json::Value;
use target::Target;

fn json_lines(s: &str) -> Vec<Value> {
    s.lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect()
}

fn bodies(s: &str) -> Vec<String> {
    json_lines(s)
        .iter()
        .map(|v| v["body"].as_str().expect("body").to_string())
        .collect()
}

#[test]
fn full_cycle_on_every_server() {
    for t in Target::all() {
        eprintln!("--- {}", t.name);
        let (alice, bob) = members();
        let room = "chat/lobby";
        ok(
            t.cmd(
                &alice,
                room,
                &["send", "--name", "alice", "hello from alice"],
            )
            .output()
            .expect("send"),
            "send",
        );
        ok(
            t.cmd(&bob, room, &["send", "--name", "bob"])
                .write_stdin("hi alice\n")
                .output()
                .expect("send"),
            "send",
        );

        // pull | decrypt, then pull again: nothing new.
        let lines = ok(t.cmd(&bob, room, &["pull"]).output().expect("pull"), "pull");
        assert_eq!(lines.lines().count(), 2, "{}: {lines}", t.name);
        let shown = ok(
            bob.cmd()
                .args(["decrypt", "--json"])
                .write_stdin(lines)
                .output()
                .expect("decrypt"),
            "decrypt",
        );
        let mut got = bodies(&shown);
        got.sort();
        assert_eq!(got, ["hello from alice", "hi alice"], "{}", t.name);
        let again = ok(
            t.cmd(&bob, room, &["pull"]).output().expect("pull"),
            "pull again",
        );
        assert_eq!(again, "", "{}: cursor did not advance", t.name);

        // watch --once sees both, verified, in time order.
        let shown = ok(
            t.cmd(&alice, room, &["watch", "--once", "--json"])
                .output()
                .expect("watch"),
            "watch",
        );
        let v = json_lines(&shown);
        assert_eq!(v.len(), 2, "{}", t.name);
        assert!(v.iter().all(|m| m["verified"] == true));
        assert_eq!(v[0]["body"], "hello from alice");

        // encrypt | push, then watch shows only the new record.
        let rec = alice.encrypt("via push", "alice");
        ok(
            t.cmd(&alice, room, &["push"])
                .write_stdin(rec.clone())
                .output()
                .expect("push"),
            "push",
        );
        ok(
            t.cmd(&alice, room, &["push"])
                .write_stdin(rec)
                .output()
                .expect("push"),
            "push again",
        );
        let shown = ok(
            t.cmd(&alice, room, &["watch", "--once", "--json"])
                .output()
                .expect("watch"),
            "watch",
        );
        assert_eq!(bodies(&shown), ["via push"], "{}", t.name);

        // The whole room audits clean, with nothing duplicated by the second push.
        let all = ok(
            t.cmd(&bob, room, &["pull", "--all"])
                .output()
                .expect("pull --all"),
            "pull --all",
        );
        assert_eq!(all.lines().count(), 3, "{}: {all}", t.name);
        ok(
            bob.cmd()
                .args(["decrypt", "--verify"])
                .write_stdin(all.clone())
                .output()
                .expect("decrypt"),
            "verify",
        );

        // Mirror the room to a second relay, where it audits the same.
        let mirror = Target::embedded();
        ok(
            mirror
                .cmd(&bob, "copy", &["push"])
                .write_stdin(all.clone())
                .output()
                .expect("mirror push"),
            "mirror",
        );
        let copied = ok(
            mirror
                .cmd(&bob, "copy", &["pull", "--all"])
                .output()
                .expect("pull"),
            "mirror pull",
        );
        let mut a: Vec<&str> = all.lines().collect();
        let mut b: Vec<&str> = copied.lines().collect();
        a.sort_unstable();
        b.sort_unstable();
        assert_eq!(a, b, "{}: mirror differs", t.name);
        ok(
            t.cmd(&bob, "copy", &["pull", "--all"])
                .output()
                .expect("pull"),
            "empty room pulls fine",
        );
    }
}

/// Reads JSON lines from a child's stdout until `n` arrived or the deadline passed.
fn read_n(child: &mut Child, n: usize, within: Duration) -> Vec<Value> {
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = Instant::now() + within;
    let mut got = Vec::new();
    while got.len() < n {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(l) => got.push(serde_json::from_str(&l).expect("json")),
            Err(_) => break,
        }
    }
    got
}

fn terminate(child: &mut Child) -> Option<i32> {
    let _ = std::process::Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(st) = child.try_wait().expect("wait") {
            return st.code();
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn live_watch_receives_and_resumes_without_duplicates() {
    for t in Target::all() {
        eprintln!("--- {}", t.name);
        let (alice, bob) = members();
        let room = "live";
        let mut watch = t
            .std_cmd(&alice, room, &["watch", "--json", "--poll-max", "0.3"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("watch");
        for i in 0..3 {
            ok(
                t.cmd(&bob, room, &["send", &format!("live {i}")])
                    .output()
                    .expect("send"),
                "send",
            );
        }
        let got = read_n(&mut watch, 3, Duration::from_secs(20));
        let code = terminate(&mut watch);
        assert_eq!(code, Some(130), "{}: watch exit", t.name);
        let got: Vec<&str> = got
            .iter()
            .map(|v| v["body"].as_str().expect("body"))
            .collect();
        assert_eq!(got, ["live 0", "live 1", "live 2"], "{}", t.name);
        // A new message while nobody watched; the restarted watch shows it and nothing else.
        ok(
            t.cmd(&bob, room, &["send", "while away"])
                .output()
                .expect("send"),
            "send",
        );
        let shown = ok(
            t.cmd(&alice, room, &["watch", "--once", "--json"])
                .output()
                .expect("watch"),
            "watch",
        );
        assert_eq!(bodies(&shown), ["while away"], "{}", t.name);
    }
}

#[test]
fn concurrent_senders_lose_nothing_on_every_server() {
    const SENDERS: usize = 20;
    const EACH: usize = 10;
    for t in Target::all() {
        eprintln!("--- {}", t.name);
        let owner = Home::new();
        owner.keys();
        let room = "busy";
        let homes: Vec<Home> = (0..SENDERS).map(|_| Home::joining(&owner)).collect();
        let started = Instant::now();
        let children: Vec<Child> = homes
            .iter()
            .enumerate()
            .map(|(i, h)| {
                let c = t.std_cmd(h, room, &[]);
                let script = format!(
                    "for n in $(seq 1 {EACH}); do \"$0\" send --name s{i} \"$@\" \"s{i} m$n\" || exit 1; done"
                );
                let prog = c.get_program().to_owned();
                let args: Vec<_> = c.get_args().map(|a| a.to_owned()).collect();
                let mut sh = std::process::Command::new("sh");
                sh.arg("-c").arg(script).arg(prog).args(args);
                for (k, v) in c.get_envs() {
                    match v {
                        Some(v) => sh.env(k, v),
                        None => sh.env_remove(k),
                    };
                }
                sh.env_remove("CI").stdout(Stdio::null()).stderr(Stdio::piped()).spawn().expect("spawn")
            })
            .collect();
        for c in children {
            let out = c.wait_with_output().expect("wait");
            assert!(
                out.status.success(),
                "{}: {}",
                t.name,
                String::from_utf8_lossy(&out.stderr)
            );
        }
        eprintln!(
            "{}: {} sends by {SENDERS} processes in {:?}",
            t.name,
            SENDERS * EACH,
            started.elapsed()
        );
        let all = ok(
            t.cmd(&owner, room, &["pull", "--all"])
                .output()
                .expect("pull"),
            "pull --all",
        );
        let shown = ok(
            owner
                .cmd()
                .args(["decrypt", "--verify", "--json"])
                .write_stdin(all)
                .output()
                .expect("decrypt"),
            "every chain verifies",
        );
        let mut got = bodies(&shown);
        assert_eq!(got.len(), SENDERS * EACH, "{}", t.name);
        got.sort();
        got.dedup();
        assert_eq!(got.len(), SENDERS * EACH, "{}: duplicates", t.name);
    }
}

#[test]
fn one_identity_in_many_processes_keeps_one_chain() {
    let t = Target::embedded();
    let (alice, _) = members();
    let children: Vec<Child> = (0..5)
        .map(|p| {
            let c = t.std_cmd(&alice, "same", &[]);
            let prog = c.get_program().to_owned();
            let args: Vec<_> = c.get_args().map(|a| a.to_owned()).collect();
            let mut sh = std::process::Command::new("sh");
            sh.arg("-c")
                .arg(format!(
                    "for n in 1 2 3 4; do \"$0\" send \"$@\" \"p{p} $n\" || exit 1; done"
                ))
                .arg(prog)
                .args(args);
            for (k, v) in c.get_envs() {
                if let Some(v) = v {
                    sh.env(k, v);
                }
            }
            sh.stderr(Stdio::piped()).spawn().expect("spawn")
        })
        .collect();
    for c in children {
        let out = c.wait_with_output().expect("wait");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let all = ok(
        t.cmd(&alice, "same", &["pull", "--all"])
            .output()
            .expect("pull"),
        "pull",
    );
    assert_eq!(all.lines().count(), 20);
    ok(
        alice
            .cmd()
            .args(["decrypt", "--verify"])
            .write_stdin(all)
            .output()
            .expect("decrypt"),
        "one clean chain",
    );
}

fn feed_file(root: &std::path::Path, room: &str) -> PathBuf {
    std::fs::read_dir(root.join(room))
        .expect("room dir")
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "log"))
        .expect("a feed file")
}

#[test]
fn history_rewritten_behind_the_cursor_is_reported() {
    for t in [Target::embedded()]
        .into_iter()
        .chain(support::vsftpd().map(Target::server))
    {
        let (alice, bob) = members();
        for i in 0..3 {
            ok(
                t.cmd(&alice, "r", &["send", &format!("m{i}")])
                    .output()
                    .expect("send"),
                "send",
            );
        }
        ok(
            t.cmd(&bob, "r", &["pull"]).output().expect("pull"),
            "first pull",
        );
        let feed = feed_file(&t.root, "r");
        let original = std::fs::read(&feed).expect("read feed");

        // Bytes already read are changed (same length).
        let mut edited = original.clone();
        let i = edited.len() - 30;
        edited[i] = if edited[i] == b'A' { b'B' } else { b'A' };
        std::fs::write(&feed, &edited).expect("edit");
        ok(
            t.cmd(&alice, "r", &["send", "m3"]).output().expect("send"),
            "send after edit",
        );
        let out = t.cmd(&bob, "r", &["pull"]).output().expect("pull");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{}: {err}", t.name);
        assert!(err.contains("history was rewritten"), "{}: {err}", t.name);
        assert!(out.stdout.is_empty(), "rewritten feed was read again");

        // The feed shrinks.
        std::fs::write(&feed, &original[..original.len() / 2]).expect("truncate");
        let out = t.cmd(&bob, "r", &["pull"]).output().expect("pull");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("shrank"), "{}: {err}", t.name);
        assert_eq!(out.status.code(), Some(1));
    }
}

#[test]
fn hostile_listing_names_are_ignored_with_a_warning() {
    for t in [Target::embedded()]
        .into_iter()
        .chain(support::vsftpd().map(Target::server))
    {
        let (alice, bob) = members();
        ok(
            t.cmd(&alice, "h", &["send", "legit"])
                .output()
                .expect("send"),
            "send",
        );
        let dir = t.root.join("h");
        let long = format!("{}.log", "a".repeat(240));
        for name in [
            "..aaaaaaaaaaaaaaaa.log",
            "AAAAAAAAAAAAAAAA.log",
            "esc\x1b[31mape.log",
            long.as_str(),
            "x\ny.log",
        ] {
            std::fs::write(dir.join(name), b"fc1.aaaaaaaaaaaaaaaa.1.AAAA\n")
                .expect("write hostile name");
        }
        let out = t.cmd(&bob, "h", &["pull", "--all"]).output().expect("pull");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{}: {err}", t.name);
        assert_eq!(
            String::from_utf8_lossy(&out.stdout).lines().count(),
            1,
            "{}",
            t.name
        );
        assert!(err.contains("ignored listing entry"), "{}: {err}", t.name);
        assert!(
            !err.contains('\x1b'),
            "control characters reached the terminal"
        );
    }
}

#[test]
fn failed_send_is_queued_and_delivered_by_the_next_send() {
    let (alice, _) = members();
    // Nothing listens on this port.
    let dead = format!("ftp://u@127.0.0.1:{}/", support::free_port());
    let out = alice
        .cmd()
        .args([
            "send",
            "--relay",
            &dead,
            "--room",
            "q",
            "--connect-timeout",
            "1",
            "queued one",
        ])
        .env("FTPCHAT_PASSWORD", "x")
        .output()
        .expect("send");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(err.contains("kept in the outbox"), "{err}");
    let listed = ok(
        alice
            .cmd()
            .args(["outbox", "--json"])
            .output()
            .expect("outbox"),
        "outbox",
    );
    let rows = json_lines(&listed);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["pending"], 1);

    // The relay comes back (here: a relay at the same address), and the next send
    // delivers both, in order.
    let t = Target::embedded();
    let relay = t.url.clone();
    ok(
        t.cmd(&alice, "q", &["send", "second"])
            .output()
            .expect("send"),
        "send",
    );
    let all = ok(
        t.cmd(&alice, "q", &["pull", "--all"])
            .output()
            .expect("pull"),
        "pull",
    );
    let shown = ok(
        alice
            .cmd()
            .args(["decrypt", "--verify", "--json"])
            .write_stdin(all)
            .output()
            .expect("d"),
        "d",
    );
    assert_eq!(bodies(&shown), ["queued one", "second"], "{relay}");
}

#[test]
fn outbox_flush_delivers_to_the_relay_it_was_meant_for() {
    let t = Target::embedded();
    let (alice, _) = members();
    // Journal two records and point them at the relay without delivering: a push whose
    // password is wrong fails with the records queued.
    let rec1 = alice.encrypt("one", "alice");
    let rec2 = alice.encrypt("two", "alice");
    let out = alice
        .cmd()
        .args(["push", "--relay", &t.url, "--room", "f"])
        .env("FTPCHAT_PASSWORD", "wrong")
        .write_stdin(format!("{rec1}\n{rec2}\n"))
        .output()
        .expect("push");
    assert_eq!(
        out.status.code(),
        Some(4),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let listed = ok(
        alice
            .cmd()
            .args(["outbox", "--json"])
            .output()
            .expect("outbox"),
        "outbox",
    );
    assert_eq!(json_lines(&listed)[0]["pending"], 2);
    let out = alice
        .cmd()
        .args(["outbox", "flush"])
        .env("FTPCHAT_PASSWORD", &t.password)
        .output()
        .expect("flush");
    ok(out, "flush");
    let listed = ok(
        alice
            .cmd()
            .args(["outbox", "--json"])
            .output()
            .expect("outbox"),
        "outbox",
    );
    assert_eq!(json_lines(&listed)[0]["pending"], 0);
    let all = ok(
        t.cmd(&alice, "f", &["pull", "--all"])
            .output()
            .expect("pull"),
        "pull",
    );
    assert_eq!(all.lines().count(), 2);
}

#[test]
fn a_forged_line_on_the_relay_cannot_make_push_skip_records() {
    let t = Target::embedded();
    let (alice, bob) = members();
    ok(
        t.cmd(&alice, "f", &["send", "one"]).output().expect("send"),
        "send",
    );
    let feed = feed_file(&t.root, "f");
    let name = feed
        .file_stem()
        .expect("stem")
        .to_string_lossy()
        .to_string();
    // The relay appends a syntactically valid record line with a high seq to our feed.
    let mut bytes = std::fs::read(&feed).expect("read");
    bytes.extend_from_slice(format!("fc1.{name}.99.AAAA\n").as_bytes());
    std::fs::write(&feed, bytes).expect("write");
    ok(
        t.cmd(&alice, "f", &["send", "two"]).output().expect("send"),
        "send",
    );
    ok(
        t.cmd(&alice, "f", &["send", "three"])
            .output()
            .expect("send"),
        "send",
    );
    let all = ok(
        t.cmd(&bob, "f", &["pull", "--all"]).output().expect("pull"),
        "pull",
    );
    let out = bob
        .cmd()
        .args(["decrypt", "--json"])
        .write_stdin(all)
        .output()
        .expect("decrypt");
    // The forged line is named and not shown; every real record is there.
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("seq 99"));
    let shown: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("json"))
        .filter_map(|v| v["body"].as_str().map(str::to_string))
        .collect();
    assert_eq!(shown, ["one", "two", "three"]);
}

#[test]
fn an_explicit_relay_url_ignores_the_default_profile() {
    let home_relay = Target::embedded();
    let other = Target::embedded();
    let (alice, _) = members();
    let pw = alice.path().join("pw");
    std::fs::write(&pw, "relay-pw").expect("write");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&pw, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    }
    ok(
        alice
            .cmd()
            .args([
                "init",
                "--relay",
                &home_relay.url,
                "--room",
                "lobby",
                "--password-file",
            ])
            .arg(&pw)
            .output()
            .expect("init"),
        "init",
    );
    // The other relay has the same password here, but the profile's password file must
    // not be sent to it, and the profile's room must not be joined to its URL.
    let out = alice
        .cmd()
        .args(["send", "--relay", &other.url, "elsewhere"])
        .output()
        .expect("send");
    assert_eq!(
        out.status.code(),
        Some(4),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    ok(
        alice
            .cmd()
            .args(["send", "--relay", &other.url, "elsewhere"])
            .env("FTPCHAT_PASSWORD", "relay-pw")
            .output()
            .expect("send"),
        "send",
    );
    assert!(!other.root.join("lobby").exists());
}
