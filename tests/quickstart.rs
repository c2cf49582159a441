//! The README's first command: `ftpchat relay` on a fresh home sets everything up and
//! prints what to run next; those lines must work exactly as printed.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use common::Home;

#[test]
fn the_printed_next_steps_run_as_printed() {
    let home = Home::new();
    let bin = assert_cmd::cargo::cargo_bin("ftpchat");
    // PATH without ftpchat on it, as after `cargo run`.
    let env = |c: &mut Command| {
        c.env_clear()
            .env("PATH", "/usr/bin:/bin")
            .env("HOME", home.path())
            .env("FTPCHAT_HOME", home.config())
            .env("USER", "tester")
            .env("TZ", "UTC");
    };
    let mut relay = Command::new(&bin);
    env(&mut relay);
    let mut relay = relay
        .args(["relay", "--listen", "127.0.0.1:0"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("relay");
    let mut err = BufReader::new(relay.stderr.take().expect("stderr"));
    let mut steps = Vec::new();
    let mut text = String::new();
    loop {
        let mut line = String::new();
        assert!(
            err.read_line(&mut line).expect("read") > 0,
            "relay ended: {text}"
        );
        text.push_str(&line);
        if text.contains("In another terminal") && line.trim().is_empty() && !steps.is_empty() {
            break;
        }
        if text.contains("In another terminal") && line.starts_with("    ") {
            steps.push(line.trim().to_string());
        }
    }
    assert_eq!(steps.len(), 2, "{text}");
    let me = bin
        .canonicalize()
        .expect("binary path")
        .display()
        .to_string();
    assert!(
        steps[0].starts_with(&me),
        "not on PATH: the full path is printed: {text}"
    );
    // `... send hello`, exactly as printed (no shell needed: no quoting in it).
    let send: Vec<&str> = steps[1].split_whitespace().collect();
    let mut c = Command::new(send[0]);
    env(&mut c);
    let out = c.args(&send[1..]).output().expect("send as printed");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let watch: Vec<&str> = steps[0].split_whitespace().collect();
    let mut c = Command::new(watch[0]);
    env(&mut c);
    let out = c
        .args(&watch[1..])
        .args(["--once", "--json"])
        .output()
        .expect("watch as printed");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"body\":\"hello\""));
    let _ = Command::new("kill")
        .args(["-TERM", &relay.id().to_string()])
        .status();
    assert_eq!(relay.wait().expect("relay").code(), Some(130));
}
