//! The outbox can be managed: what is owed and to whom, dropping it, and relays that do
//! not quietly take over each other's profile.

mod common;
mod support;
#[path = "common/target.rs"]
mod target;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use common::{Home, ok};
use predicates::prelude::*;
use serde_json::Value;
use target::Target;

fn outbox(home: &Home) -> Vec<Value> {
    let listed = ok(
        home.cmd()
            .args(["outbox", "--json"])
            .output()
            .expect("outbox"),
        "outbox",
    );
    listed
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect()
}

#[test]
fn encrypt_only_journals_owe_nothing_and_a_typo_owes_one_record_not_the_history() {
    let home = Home::new();
    home.keys();
    home.encrypt("kept locally", "alice");
    let rows = outbox(&home);
    assert_eq!(rows.len(), 1);
    assert_eq!(
        rows[0]["pending"], 0,
        "nothing was meant for a relay: {rows:?}"
    );
    assert!(rows[0]["relay"].is_null());

    let t = Target::embedded();
    for m in ["one", "two", "three"] {
        ok(
            t.cmd(&home, "r", &["send", m]).output().expect("send"),
            "send",
        );
    }
    let port = support::free_port();
    let typo = format!("ftp://chat@127.0.0.1:{port}/");
    let out = home
        .cmd()
        .args([
            "send",
            "--relay",
            &typo,
            "--room",
            "r",
            "--connect-timeout",
            "1",
            "oops",
        ])
        .env("FTPCHAT_PASSWORD", "relay-pw")
        .output()
        .expect("send");
    assert_eq!(out.status.code(), Some(3));
    let owed: Vec<Value> = outbox(&home)
        .into_iter()
        .filter(|r| {
            r["relay"]
                .as_str()
                .is_some_and(|k| k.contains(&format!(":{port}/")))
        })
        .collect();
    assert_eq!(owed.len(), 1, "{owed:?}");
    assert_eq!(owed[0]["pending"], 1, "only the record sent there is owed");

    // Without a terminal, dropping needs --yes; then it is gone.
    let key = owed[0]["relay"].as_str().expect("key").to_string();
    home.cmd()
        .args(["outbox", "drop", "--relay", &key])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--yes"));
    home.cmd()
        .args(["outbox", "drop", "--relay", &key, "--yes"])
        .assert()
        .success()
        .stderr(predicate::str::contains("dropped 1 record"));
    assert!(
        outbox(&home).iter().all(|r| r["relay"] != key.as_str()),
        "the typo relay is forgotten"
    );
    // The real relay still gets everything, the record sent to the typo included: the
    // journal is whole.
    ok(
        t.cmd(&home, "r", &["send", "four"]).output().expect("send"),
        "send",
    );
    assert!(outbox(&home).iter().all(|r| r["pending"] == 0));
    let pulled = ok(
        t.cmd(&home, "r", &["pull", "--all"])
            .output()
            .expect("pull"),
        "pull",
    );
    // "kept locally", one, two, three, oops, four: the first send delivered the whole feed.
    assert_eq!(pulled.lines().count(), 6, "{pulled}");
}

fn start_relay(home: &Home) -> (Child, String) {
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("ftpchat"))
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", home.path())
        .env("FTPCHAT_HOME", home.config())
        .env("USER", "tester")
        .args(["relay", "--listen", "127.0.0.1:0"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("relay");
    let mut err = BufReader::new(child.stderr.take().expect("stderr"));
    let mut text = String::new();
    // Up to the blank line that ends the printed next steps.
    while !(text.contains("In another terminal")
        && text.ends_with("\n\n")
        && text.contains(" send"))
    {
        let mut line = String::new();
        assert!(
            err.read_line(&mut line).expect("read") > 0,
            "relay ended: {text}"
        );
        text.push_str(&line);
    }
    std::thread::spawn(move || std::io::copy(&mut err, &mut std::io::sink()));
    (child, text)
}

fn stop(mut child: Child) {
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let _ = child.wait();
}

#[test]
fn a_second_relay_does_not_repoint_the_local_profile() {
    let home = Home::new();
    let (first, _) = start_relay(&home);
    let profiles =
        || std::fs::read_to_string(home.config().join("profiles.toml")).expect("profiles");
    let before = profiles();
    let (second, text) = start_relay(&home);
    assert!(text.contains("profile `local` stays"), "{text}");
    assert!(
        text.contains("--relay local-"),
        "the next steps name the new profile: {text}"
    );
    let after = profiles();
    let local = |p: &str| {
        let v: toml::Value = toml::from_str(p).expect("toml");
        v["profiles"]["local"]["relay"]
            .as_str()
            .expect("relay")
            .to_string()
    };
    assert_eq!(
        local(&before),
        local(&after),
        "local still points at the first relay"
    );
    stop(first);
    stop(second);
    // With the first relay gone, a new one takes `local` over, and says so.
    let (third, text) = start_relay(&home);
    assert!(text.contains("now points at this relay"), "{text}");
    stop(third);
}
