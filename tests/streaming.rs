//! Streaming pipelines: `push` delivers each record as it arrives, `pull --follow` prints
//! records as they appear, so `pull --follow | push` mirrors a room live. Real servers on
//! loopback: the embedded relay and vsftpd.

mod common;
mod support;
#[path = "common/target.rs"]
mod target;

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::{Home, members, ok};
use target::Target;

/// Lines of the feed files in a room directory on the relay's disk.
fn records_in(root: &Path, room: &str) -> Vec<String> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(root.join(room)) else {
        return out;
    };
    for e in entries.flatten() {
        if e.path().extension().is_some_and(|x| x == "log") {
            let text = std::fs::read_to_string(e.path()).unwrap_or_default();
            out.extend(text.lines().map(str::to_string));
        }
    }
    out
}

/// Waits (a hang guard, not a speed check) until `check` holds.
fn wait_until(what: &str, mut check: impl FnMut() -> bool) {
    let give_up = Instant::now() + Duration::from_secs(60);
    while !check() {
        assert!(Instant::now() < give_up, "gave up waiting: {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn push_delivers_each_line_before_the_next_is_written() {
    for t in [Target::embedded()]
        .into_iter()
        .chain(support::vsftpd().map(Target::server))
    {
        let home = Home::new();
        home.keys();
        let room = "stream";
        let mut encrypt = std::process::Command::new(assert_cmd::cargo::cargo_bin("ftpchat"));
        encrypt
            .env_clear()
            .env("HOME", home.path())
            .env("FTPCHAT_HOME", home.config())
            .env("USER", "tester")
            .args(["encrypt", "--lines", "--name", "stream"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped());
        let mut encrypt = encrypt.spawn().expect("encrypt");
        let push = t
            .std_cmd(&home, room, &["push"])
            .stdin(Stdio::from(encrypt.stdout.take().expect("stdout")))
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("push");
        let mut input = encrypt.stdin.take().expect("stdin");
        writeln!(input, "a").expect("write a");
        input.flush().expect("flush");
        // `b` is written only once `a` is on the relay: push must not wait for EOF.
        wait_until(&format!("{}: a on the relay", t.name), || {
            records_in(&t.root, room).len() == 1
        });
        writeln!(input, "b").expect("write b");
        drop(input);
        assert!(encrypt.wait().expect("encrypt").success());
        let out = push.wait_with_output().expect("push");
        assert!(
            out.status.success(),
            "{}: {}",
            t.name,
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(records_in(&t.root, room).len(), 2, "{}", t.name);
        let pulled = ok(
            t.cmd(&home, room, &["pull", "--all"])
                .output()
                .expect("pull"),
            "pull",
        );
        let shown = ok(
            home.cmd()
                .arg("decrypt")
                .write_stdin(pulled)
                .output()
                .expect("decrypt"),
            "decrypt",
        );
        assert!(shown.contains(": a") && shown.contains(": b"), "{shown}");
    }
}

#[test]
fn a_push_killed_mid_stream_loses_nothing() {
    let t = Target::embedded();
    let home = Home::new();
    home.keys();
    let room = "killed";
    // Records journaled by encrypt but fed to a push that is killed before it can
    // deliver them (the relay refuses connections: wrong port) stay in the outbox.
    let mut encrypt = std::process::Command::new(assert_cmd::cargo::cargo_bin("ftpchat"));
    encrypt
        .env_clear()
        .env("HOME", home.path())
        .env("FTPCHAT_HOME", home.config())
        .env("USER", "tester")
        .args(["encrypt", "--lines", "--name", "k"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped());
    let mut encrypt = encrypt.spawn().expect("encrypt");
    let dead = format!("ftp://chat@127.0.0.1:{}/", support::free_port());
    let mut push = std::process::Command::new(assert_cmd::cargo::cargo_bin("ftpchat"));
    push.env_clear()
        .env("HOME", home.path())
        .env("FTPCHAT_HOME", home.config())
        .env("FTPCHAT_PASSWORD", "relay-pw")
        .env("USER", "tester")
        .args(["push", "--relay", &dead, "--room", room])
        .stdin(Stdio::from(encrypt.stdout.take().expect("stdout")))
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut push = push.spawn().expect("push");
    let mut input = encrypt.stdin.take().expect("stdin");
    for i in 0..5 {
        writeln!(input, "line {i}").expect("write");
    }
    input.flush().expect("flush");
    // Wait until push has tried and is retrying (its stderr says so), then kill it.
    let mut err = BufReader::new(push.stderr.take().expect("stderr"));
    let mut line = String::new();
    wait_until("push retrying", || {
        line.clear();
        err.read_line(&mut line).expect("stderr") > 0 && line.contains("retrying")
    });
    push.kill().expect("kill");
    let _ = push.wait();
    drop(input);
    assert!(encrypt.wait().expect("encrypt").success());
    // The next push to the real relay delivers all five.
    let out = t
        .cmd(&home, room, &["push", "--outbox"])
        .output()
        .expect("push --outbox");
    ok(out, "push --outbox");
    assert_eq!(records_in(&t.root, room).len(), 5);
}

#[test]
fn pull_follow_mirrors_vsftpd_to_the_embedded_relay_live() {
    let Some(server) = support::vsftpd() else {
        return;
    };
    let a = Target::server(server);
    let b = Target::embedded();
    let (alice, bob) = members();
    let room = "mirror";
    ok(
        a.cmd(&alice, room, &["send", "first"])
            .output()
            .expect("send"),
        "send first",
    );
    let mirror_home = Home::new();
    // pull --follow from A piped into push to B.
    let mut pull = a
        .std_cmd(
            &mirror_home,
            room,
            &["pull", "--follow", "--poll-max", "0.5"],
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("pull --follow");
    let mut push = b
        .std_cmd(&mirror_home, room, &["push"])
        .stdin(Stdio::from(pull.stdout.take().expect("stdout")))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("push");
    wait_until("first mirrored", || records_in(&b.root, room).len() == 1);
    ok(
        a.cmd(&alice, room, &["send", "second"])
            .output()
            .expect("send"),
        "send second",
    );
    wait_until("second mirrored live", || {
        records_in(&b.root, room).len() == 2
    });
    // Bob reads the mirror and sees both, verified.
    let shown = ok(
        b.cmd(&bob, room, &["watch", "--once", "--json"])
            .output()
            .expect("watch"),
        "watch on the mirror",
    );
    let bodies: Vec<String> = shown
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["verified"] == true)
        .filter_map(|v| v["body"].as_str().map(str::to_string))
        .collect();
    assert_eq!(bodies, ["first", "second"]);
    // SIGTERM stops pull --follow cleanly (exit 130); push then sees EOF and exits 0.
    let _ = std::process::Command::new("kill")
        .args(["-TERM", &pull.id().to_string()])
        .status();
    let status = pull.wait().expect("pull");
    assert_eq!(status.code(), Some(130));
    assert!(push.wait().expect("push").success());
}
