//! Every row of the README's exit-status table, each produced by a real run: the code a
//! script sees is decided in one place (`Error::exit_code`) and this keeps it honest.

mod common;
mod support;
#[path = "common/target.rs"]
mod target;

use std::process::Output;

use common::{Home, members};
use predicates::prelude::*;
use target::{Target, at};

fn code(out: &Output) -> i32 {
    out.status.code().unwrap_or(-1)
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A closed port on loopback: nothing listens there.
fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = l.local_addr().expect("addr").port();
    drop(l);
    port
}

#[test]
fn success_is_0_and_findings_are_1_and_a_key_mismatch_is_said_once() {
    let (alice, _bob) = members();
    let good = alice.encrypt("hello", "alice");
    let stranger = Home::new();
    stranger.keys();
    let foreign: Vec<String> = (0..3)
        .map(|i| stranger.encrypt(&format!("other room {i}"), "eve"))
        .collect();
    let out = alice
        .cmd()
        .arg("decrypt")
        .write_stdin(format!("{good}\n"))
        .output()
        .expect("decrypt");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let out = alice
        .cmd()
        .arg("decrypt")
        .write_stdin(format!("{good}\n{}\n", foreign.join("\n")))
        .output()
        .expect("decrypt");
    let err = stderr(&out);
    assert_eq!(
        code(&out),
        1,
        "records that do not open are findings: {err}"
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("hello"));
    assert_eq!(
        err.matches("does not open it").count(),
        1,
        "the key mismatch is said once, not per record: {err}"
    );
    assert!(err.contains("3 record(s) failed"), "{err}");
}

#[test]
fn bad_input_is_2() {
    let home = Home::new();
    home.keys();
    home.cmd().args(["send", "--no-such-flag"]).assert().code(2);
    home.cmd()
        .arg("decrypt")
        .write_stdin("this is not a record\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not record lines"));
    let t = Target::embedded();
    let owner = Home::new();
    owner.cmd().arg("keygen").assert().success();
    t.cmd(&owner, "r", &["room", "create", "r", "--name", "owner"])
        .assert()
        .success();
    owner
        .cmd()
        .args(["room", "add", "garbage", "--name", "x"])
        .env("FTPCHAT_PASSWORD", &t.password)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a public identity"));
}

#[test]
fn queued_is_3_and_unreachable_is_5() {
    let home = Home::new();
    home.keys();
    let url = format!("ftp://u@127.0.0.1:{}/", closed_port());
    at(&home, &url, "r", &["send", "kept"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("kept in the outbox"));
    at(&home, &url, "r", &["pull", "--all"]).assert().code(5);
}

#[test]
fn not_allowed_is_4() {
    let t = Target::embedded();
    let home = Home::new();
    home.keys();
    // A wrong password.
    home.cmd()
        .args(["pull", "--all", "--relay", &t.url, "--room", "r"])
        .env("FTPCHAT_PASSWORD", "wrong")
        .assert()
        .code(4);
    // No password and no terminal to ask on.
    home.cmd()
        .args(["pull", "--all", "--relay", &t.url, "--room", "r"])
        .env_remove("FTPCHAT_PASSWORD")
        .assert()
        .code(4)
        .stderr(predicate::str::contains("no password"));
    // A member removed from the roster may not send.
    let owner = Home::new();
    owner.cmd().arg("keygen").assert().success();
    t.cmd(
        &owner,
        "club",
        &["room", "create", "club", "--name", "owner"],
    )
    .assert()
    .success();
    let invite = owner
        .cmd()
        .args(["room", "invite"])
        .env("FTPCHAT_PASSWORD", &t.password)
        .output()
        .expect("invite");
    let invite = String::from_utf8_lossy(&invite.stdout).trim().to_string();
    let bob = Home::new();
    let id = bob
        .cmd()
        .args(["room", "join", &invite, "--name", "bob"])
        .env("FTPCHAT_PASSWORD", &t.password)
        .output()
        .expect("join");
    let id = String::from_utf8_lossy(&id.stdout).trim().to_string();
    for args in [
        vec!["room", "add", id.as_str(), "--name", "bob"],
        vec!["room", "remove", "bob"],
    ] {
        owner
            .cmd()
            .args(&args)
            .env("FTPCHAT_PASSWORD", &t.password)
            .assert()
            .success();
    }
    bob.cmd()
        .args(["send", "still here?"])
        .env("FTPCHAT_PASSWORD", &t.password)
        .assert()
        .code(4)
        .stderr(predicate::str::contains("removed"));
}

#[test]
fn local_problems_are_6() {
    let home = Home::new();
    home.keys();
    let key = home.config().join("room.key");
    std::fs::set_permissions(&key, std::os::unix::fs::PermissionsExt::from_mode(0o644))
        .expect("chmod");
    home.cmd()
        .args(["encrypt", "-m", "x"])
        .assert()
        .code(6)
        .stderr(predicate::str::contains("chmod 600"));
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = taken.local_addr().expect("addr").to_string();
    let root = tempfile::tempdir().expect("tempdir");
    Home::new()
        .cmd()
        .args(["relay", "--listen", &addr, "--root"])
        .arg(root.path())
        .assert()
        .code(6)
        .stderr(predicate::str::contains("cannot listen"));
}

#[test]
fn interrupted_is_130() {
    let t = Target::embedded();
    let home = Home::new();
    home.keys();
    let mut child = t
        .std_cmd(&home, "r", &["watch"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("watch");
    std::thread::sleep(std::time::Duration::from_millis(1500));
    std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    let status = child.wait().expect("wait");
    assert_eq!(status.code(), Some(130), "SIGTERM ends watch with 130");
}
