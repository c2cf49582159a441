//! Trust you can check: members compare verification codes person to person and keep a
//! signed note of it (`verify-member`, `room members --fingerprints`), readers mark
//! messages from members you verified, and invites can expire. Two homes on the embedded
//! relay.

mod common;
mod support;
#[path = "common/target.rs"]
mod target;

use common::{Home, join_by_invite, ok};

/// The code a command printed after `label`.
fn code_after(out: &str, label: &str) -> String {
    out.lines()
        .find_map(|l| l.split_once(label).map(|(_, c)| c.trim().to_string()))
        .unwrap_or_else(|| panic!("no {label:?} in {out}"))
}

#[test]
fn two_people_verify_each_other_and_readers_mark_the_verified_sender() {
    let dir = tempfile::tempdir().expect("tempdir");
    let relay = target::start_embedded(dir.path(), "127.0.0.1:0".parse().expect("addr"));
    let url = format!("ftp://chat@{}/", relay.addr());
    let run = |home: &Home, args: &[&str]| {
        home.cmd()
            .args(args)
            .env("FTPCHAT_PASSWORD", "relay-pw")
            .output()
            .expect("ftpchat")
    };
    let olga = Home::new();
    olga.cmd().arg("keygen").assert().success();
    ok(
        run(
            &olga,
            &["room", "create", "ops", "--name", "olga", "--relay", &url],
        ),
        "create",
    );
    let invite = ok(run(&olga, &["room", "invite", "--expires", "7d"]), "invite");
    let bob = join_by_invite(invite, "bob", |args| run(&olga, args));

    // Each sees both codes; bob's own code is the one olga is shown for him.
    let at_bob = run(&bob, &["verify-member", "olga"]);
    let bob_code = code_after(
        &String::from_utf8_lossy(&at_bob.stdout),
        "your code (read it to olga):",
    );
    let at_olga = run(&olga, &["verify-member", "bob"]);
    assert_eq!(at_olga.status.code(), Some(2), "no code and no terminal");
    let shown = code_after(
        &String::from_utf8_lossy(&at_olga.stdout),
        "bob's code in this room:",
    );
    assert_eq!(
        shown, bob_code,
        "the code olga sees for bob is the one bob reads out"
    );
    let table = ok(
        run(&olga, &["room", "members", "--fingerprints"]),
        "members",
    );
    assert!(
        table
            .lines()
            .any(|l| l.starts_with("bob") && l.contains(&bob_code) && l.ends_with('-')),
        "{table}"
    );

    // A wrong code is refused and nothing is recorded.
    let wrong = run(
        &olga,
        &[
            "verify-member",
            "bob",
            "--code",
            "1111 2222 3333 4444 5555 6666",
        ],
    );
    assert_eq!(wrong.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&wrong.stdout).contains("NOT VERIFIED"));
    assert!(!olga.config().join("verified.jsonl").exists());

    ok(run(&bob, &["send", "before"]), "send");
    let before = ok(run(&olga, &["watch", "--once", "--json"]), "watch");
    assert!(!before.contains("verified_by_you"), "{before}");

    ok(
        run(
            &olga,
            &[
                "verify-member",
                "bob",
                "--code",
                &bob_code.replace(' ', "-"),
            ],
        ),
        "verify-member with the right code",
    );
    let table = ok(
        run(&olga, &["room", "members", "--fingerprints"]),
        "members",
    );
    assert!(
        table
            .lines()
            .any(|l| l.starts_with("bob") && l.ends_with("yes")),
        "{table}"
    );
    ok(run(&bob, &["send", "after"]), "send");
    let after = ok(run(&olga, &["watch", "--once", "--json"]), "watch");
    let v: serde_json::Value =
        serde_json::from_str(after.lines().last().expect("a message")).expect("json");
    assert_eq!(
        (v["body"].as_str(), v["verified_by_you"].as_bool()),
        (Some("after"), Some(true))
    );
    let text = ok(run(&olga, &["watch", "--once", "--all"]), "watch text");
    assert!(
        text.lines().any(|l| l.contains("bob \u{2713}: after")),
        "{text}"
    );

    // A line signed by another key in olga's file changes nothing for her.
    let planted = olga.config().join("verified.jsonl");
    let kept = std::fs::read_to_string(&planted).expect("notes");
    let forged = kept.replacen("\"bob\"", "\"olga\"", 1);
    std::fs::write(&planted, forged).expect("tamper");
    let after = ok(run(&olga, &["watch", "--all", "--once", "--json"]), "watch");
    assert!(
        !after.contains("verified_by_you"),
        "a tampered note counts for nothing: {after}"
    );
}

#[test]
fn an_expired_invite_is_refused_and_a_bad_expiry_is_a_usage_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let relay = target::start_embedded(dir.path(), "127.0.0.1:0".parse().expect("addr"));
    let url = format!("ftp://chat@{}/", relay.addr());
    let olga = Home::new();
    olga.cmd().arg("keygen").assert().success();
    let run = |args: &[&str]| {
        olga.cmd()
            .args(args)
            .env("FTPCHAT_PASSWORD", "relay-pw")
            .output()
            .expect("ftpchat")
    };
    ok(
        run(&["room", "create", "ops", "--name", "olga", "--relay", &url]),
        "create",
    );
    assert_eq!(
        run(&["room", "invite", "--expires", "soon"]).status.code(),
        Some(2)
    );
    let stale = ok(
        run(&["room", "invite", "--expires", "2020-01-01T00:00:00Z"]),
        "invite",
    );
    let bob = Home::new();
    let out = bob
        .cmd()
        .args(["room", "join", "-"])
        .write_stdin(stale)
        .output()
        .expect("join");
    assert_eq!(
        out.status.code(),
        Some(4),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("expired at 2020-01-01T00:00:00"));
    assert!(
        !bob.config().join("profiles.toml").exists(),
        "nothing saved"
    );
}

/// The feed files in `dir`, by name.
fn feeds(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .expect("room dir")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "log"))
        .collect();
    v.sort();
    v
}

#[test]
fn a_relay_that_withholds_or_forks_what_a_writer_had_read_is_named() {
    let a = tempfile::tempdir().expect("tempdir");
    let b = tempfile::tempdir().expect("tempdir");
    let (room_a, room_b) = (a.path().join("room"), b.path().join("room"));
    std::fs::create_dir(&room_a).expect("mkdir");
    std::fs::create_dir(&room_b).expect("mkdir");
    let relay_a = format!("file://{}", room_a.display());
    let relay_b = format!("file://{}", room_b.display());
    let (alice, bob) = common::members();
    let carol = Home::joining(&alice);
    use std::os::unix::fs::PermissionsExt;
    let at = |home: &Home, relay: &str, args: &[&str]| {
        home.cmd()
            .args(args)
            .args(["--relay", relay])
            .output()
            .expect("ftpchat")
    };
    ok(
        at(&alice, &relay_a, &["send", "--name", "alice", "a1"]),
        "send",
    );
    ok(
        at(&alice, &relay_a, &["send", "--name", "alice", "a2"]),
        "send",
    );
    let alice_feed = feeds(&room_a)[0].clone();
    // Bob reads both, then writes: his record says he had read alice's record 2.
    ok(at(&bob, &relay_a, &["watch", "--once"]), "bob reads");
    ok(
        at(&bob, &relay_a, &["send", "--name", "bob", "b1"]),
        "bob writes",
    );

    // Relay B shows carol all of bob's feed but only alice's first record.
    for f in feeds(&room_a) {
        let text = std::fs::read_to_string(&f).expect("feed");
        let shown = if f == alice_feed {
            text.lines().next().expect("a1").to_string() + "\n"
        } else {
            text
        };
        std::fs::write(room_b.join(f.file_name().expect("name")), shown).expect("copy");
    }
    let pulled = ok(at(&carol, &relay_b, &["pull", "--all"]), "pull");
    let out = carol
        .cmd()
        .args(["decrypt", "--verify"])
        .write_stdin(pulled)
        .output()
        .expect("decrypt");
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("record 2 is not shown here (this relay shows up to 1), but bob (feed")
            && err.contains("had read it"),
        "{err}"
    );
    let out = at(&carol, &relay_b, &["verify"]);
    let report = String::from_utf8_lossy(&out.stdout).to_string();
    assert_eq!(out.status.code(), Some(1), "{report}");
    assert!(report.contains("withheld: feed"), "{report}");
    // Relay A, which shows everything, checks out.
    let out = at(&carol, &relay_a, &["verify"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    // A split view: relay B shows carol another history of alice's feed (written with
    // alice's key from a second device), while bob had read the real one.
    let twin = Home::new();
    std::fs::create_dir_all(twin.config()).expect("config");
    for f in ["room.key", "identity.key"] {
        std::fs::copy(alice.config().join(f), twin.config().join(f)).expect("copy");
        std::fs::set_permissions(
            twin.config().join(f),
            std::fs::Permissions::from_mode(0o600),
        )
        .expect("chmod");
    }
    let x1 = twin.encrypt("x1", "alice");
    let x2 = twin.encrypt("x2", "alice");
    std::fs::write(
        room_b.join(alice_feed.file_name().expect("name")),
        format!("{x1}\n{x2}\n"),
    )
    .expect("fork");
    let out = at(&carol, &relay_b, &["verify"]);
    let report = String::from_utf8_lossy(&out.stdout).to_string();
    assert_eq!(out.status.code(), Some(1), "{report}");
    assert!(
        report.contains("split view: bob (feed") && report.contains("had read another record 2"),
        "{report}"
    );
}
