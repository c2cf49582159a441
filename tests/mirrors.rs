//! Rooms on several relays (`--mirror`, a profile's `mirrors`): sends go to every relay,
//! reads merge them and show each record once, a relay that goes down is caught up from
//! the outbox, and `verify` names what one relay withholds. Real servers on loopback:
//! the embedded relay (stopped and restarted on its port), vsftpd and OpenSSH's sshd.

mod common;
mod support;
#[path = "common/target.rs"]
mod target;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use common::{Home, join_by_invite, members, ok};

/// Record lines of the feed files in `dir` (a room directory on a relay's disk).
fn records_in(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        if e.path().extension().is_some_and(|x| x == "log") {
            let text = std::fs::read_to_string(e.path()).unwrap_or_default();
            out.extend(text.lines().map(str::to_string));
        }
    }
    out.sort();
    out
}

/// The feed files in `dir`.
fn feed_files(dir: &Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "log"))
        .collect()
}

/// Logins for every relay of the test in `home`'s ~/.netrc (one host, two users).
fn netrc(home: &Home, logins: &[(&str, &str)]) {
    let text: String = logins
        .iter()
        .map(|(user, pw)| format!("machine 127.0.0.1 login {user} password {pw}\n"))
        .collect();
    let path = home.path().join(".netrc");
    std::fs::write(&path, text).expect("netrc");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
}

/// `--relay FIRST --mirror ...` for `relays`, each with the room path in its URL.
fn relay_args(relays: &[String]) -> Vec<String> {
    let mut args = vec!["--relay".to_string(), relays[0].clone()];
    for m in &relays[1..] {
        args.push("--mirror".into());
        args.push(m.clone());
    }
    args.extend(
        ["--connect-timeout", "1", "--io-timeout", "3"]
            .iter()
            .map(|s| s.to_string()),
    );
    args
}

struct Watch {
    child: Child,
    lines: Receiver<String>,
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn_watch(home: &Home, relays: &[String]) -> Watch {
    let err = std::fs::File::create(home.path().join("watch.err")).expect("watch.err");
    let mut child = home
        .std_cmd()
        .args(["watch", "--json", "--poll-max", "0.3"])
        .args(relay_args(relays))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(err)
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
    Watch { child, lines: rx }
}

/// Message bodies the watch printed, gathered until `want` are there (a hang guard of
/// 60 s, not a speed check) and then for `settle` more, to catch duplicates.
fn bodies(w: &Watch, seen: &mut Vec<String>, want: &[&str], settle: Duration) {
    let give_up = Instant::now() + Duration::from_secs(60);
    let mut until = None;
    loop {
        if until.is_none() && want.iter().all(|b| seen.iter().any(|s| s == b)) {
            until = Some(Instant::now() + settle);
        }
        let end = until.unwrap_or(give_up);
        let left = end.saturating_duration_since(Instant::now());
        match w.lines.recv_timeout(left) {
            Ok(line) => {
                let v: serde_json::Value = serde_json::from_str(&line).expect("watch --json line");
                if let Some(b) = v["body"].as_str() {
                    seen.push(b.to_string());
                }
            }
            Err(RecvTimeoutError::Timeout) => {
                assert!(
                    until.is_some(),
                    "gave up waiting for {want:?}; seen {seen:?}"
                );
                return;
            }
            Err(RecvTimeoutError::Disconnected) => panic!("watch ended; seen {seen:?}"),
        }
    }
}

#[test]
fn a_room_on_three_relays_keeps_going_when_one_is_down_and_catches_it_up() {
    let vsftpd = support::vsftpd().expect("vsftpd (scripts/test installs it)");
    let sshd = support::sshd().expect("sshd (scripts/test installs openssh-server)");
    let embedded_dir = tempfile::tempdir().expect("tempdir");
    let mut embedded = Some(target::start_embedded(
        embedded_dir.path(),
        "127.0.0.1:0".parse().expect("addr"),
    ));
    let addr = embedded.as_ref().expect("running").addr();
    let room = "mirrored";
    let relays = vec![
        format!("ftp://chat@{addr}/{room}"),
        vsftpd.url(&format!("/{room}")),
        format!("{}{room}", sshd.url()),
    ];
    let disks = [
        embedded_dir.path().join(room),
        vsftpd.root.join(room),
        sshd.root.join(room),
    ];
    let (alice, bob) = members();
    for home in [&alice, &bob] {
        netrc(
            home,
            &[("chat", "relay-pw"), (&vsftpd.user, &vsftpd.password)],
        );
        sshd.trust_in(home.path());
    }
    let send = |body: &str| {
        alice
            .std_cmd()
            .args(["send", "--name", "alice", body])
            .args(relay_args(&relays))
            .output()
            .expect("send")
    };

    let watch = spawn_watch(&bob, &relays);
    let out = send("one");
    ok(out, "send to three relays");
    for d in &disks {
        assert_eq!(records_in(d).len(), 1, "{} holds the record", d.display());
    }
    let mut seen = Vec::new();
    bodies(&watch, &mut seen, &["one"], Duration::from_millis(800));

    // The first relay goes down: sends still succeed (on the other two) and say which
    // relay lags; the watch goes on reading the others.
    embedded.take().expect("running").stop();
    for body in ["two", "three"] {
        let out = send(body);
        let err = String::from_utf8_lossy(&out.stderr).to_string();
        assert_eq!(out.status.code(), Some(0), "{body}: {err}");
        assert!(err.contains(&relays[0]), "names the relay that lags: {err}");
    }
    let pending = ok(
        alice
            .cmd()
            .args(["outbox", "--json"])
            .output()
            .expect("outbox"),
        "outbox",
    );
    let owed: Vec<serde_json::Value> = pending
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .filter(|v: &serde_json::Value| v["pending"].as_u64() > Some(0))
        .collect();
    assert_eq!(owed.len(), 1, "one relay is owed records: {pending}");
    assert_eq!(owed[0]["pending"], 2, "{pending}");
    assert!(
        owed[0]["relay"]
            .as_str()
            .is_some_and(|r| r.contains(&addr.to_string())),
        "{pending}"
    );
    bodies(
        &watch,
        &mut seen,
        &["two", "three"],
        Duration::from_millis(800),
    );

    // Back on the same port: the outbox catches it up, and the watch, which kept its
    // cursors for it, shows nothing twice.
    let back = target::start_embedded(embedded_dir.path(), addr);
    ok(
        alice
            .cmd()
            .args(["outbox", "flush", "--connect-timeout", "2"])
            .output()
            .expect("flush"),
        "outbox flush",
    );
    assert_eq!(
        records_in(&disks[0]).len(),
        3,
        "the lagging relay caught up"
    );
    ok(send("four"), "send after the outage");
    bodies(&watch, &mut seen, &["four"], Duration::from_secs(2));
    assert_eq!(
        seen,
        ["one", "two", "three", "four"],
        "each message once, in order"
    );
    drop(watch);
    let err = std::fs::read_to_string(bob.path().join("watch.err")).expect("watch.err");
    assert!(
        err.contains("reading the other relays meanwhile"),
        "the watch said a relay was down: {err}"
    );
    assert!(!err.contains("duplicate"), "{err}");

    // `pull --all` from the three relays: each record once.
    let pulled = ok(
        bob.cmd()
            .args(["pull", "--all", "--no-advance"])
            .args(relay_args(&relays))
            .output()
            .expect("pull"),
        "pull --all",
    );
    assert_eq!(pulled.lines().count(), 4, "{pulled}");

    // All three hold the same room: verify finds nothing.
    let clean = bob
        .cmd()
        .arg("verify")
        .args(relay_args(&relays))
        .output()
        .expect("verify");
    let text = String::from_utf8_lossy(&clean.stdout).to_string();
    assert_eq!(
        clean.status.code(),
        Some(0),
        "{text}{}",
        String::from_utf8_lossy(&clean.stderr)
    );

    // vsftpd loses record 2 (the relay withholds it) and sshd the newest one: verify
    // names each relay and what it lacks, and which relays hold it.
    let feed = &feed_files(&disks[1])[0];
    let text = std::fs::read_to_string(feed).expect("feed");
    let kept: Vec<&str> = text
        .lines()
        .enumerate()
        .filter(|(i, _)| *i != 1)
        .map(|(_, l)| l)
        .collect();
    std::fs::write(feed, kept.join("\n") + "\n").expect("rewrite");
    let feed = &feed_files(&disks[2])[0];
    let text = std::fs::read_to_string(feed).expect("feed");
    let lines: Vec<&str> = text.lines().collect();
    std::fs::write(feed, lines[..3].join("\n") + "\n").expect("rewrite");
    let out = bob
        .cmd()
        .arg("verify")
        .args(relay_args(&relays))
        .output()
        .expect("verify");
    let report = String::from_utf8_lossy(&out.stdout).to_string();
    assert_eq!(out.status.code(), Some(1), "{report}");
    let vs_key = relays[1].trim_end_matches('/');
    assert!(
        report
            .lines()
            .any(|l| l.contains(&format!("relay {vs_key}"))
                && l.contains("withholds feed")
                && l.contains("records 2 that")),
        "{report}"
    );
    assert!(
        report.lines().any(|l| l.contains("relay sftp://")
            && l.contains("lacks the newest")
            && l.contains("(4)")),
        "{report}"
    );
    back.stop();
}

#[test]
fn a_profile_and_an_invite_carry_the_mirrors() {
    let a = tempfile::tempdir().expect("tempdir");
    let b = tempfile::tempdir().expect("tempdir");
    let relay = target::start_embedded(a.path(), "127.0.0.1:0".parse().expect("addr"));
    let owner = Home::new();
    owner.cmd().arg("keygen").assert().success();
    // A folder relay's directory is a mount point: it must exist (it is never created).
    std::fs::create_dir(b.path().join("ops")).expect("mkdir");
    let folder = format!("file://{}/ops", b.path().display());
    let out = owner
        .cmd()
        .args(["room", "create", "ops", "--name", "olga"])
        .args([
            "--relay",
            &format!("ftp://chat@{}/", relay.addr()),
            "--mirror",
            &folder,
        ])
        .env("FTPCHAT_PASSWORD", "relay-pw")
        .output()
        .expect("room create");
    ok(out, "room create with a mirror");
    // Descriptor and the owner's roster record on both.
    for dir in [a.path().join("ops"), b.path().join("ops")] {
        assert!(dir.join("room.age").exists(), "{}", dir.display());
        assert_eq!(records_in(&dir).len(), 1, "{}", dir.display());
    }
    let profiles = std::fs::read_to_string(owner.config().join("profiles.toml")).expect("profiles");
    assert!(
        profiles.contains("mirrors") && profiles.contains(&folder),
        "{profiles}"
    );
    // The profile alone now sends to both.
    let out = owner
        .cmd()
        .args(["send", "hello both"])
        .env("FTPCHAT_PASSWORD", "relay-pw")
        .output()
        .expect("send");
    ok(out, "send with the profile's mirrors");
    assert_eq!(records_in(&b.path().join("ops")).len(), 2);
    let invite = ok(
        owner
            .cmd()
            .args(["room", "invite"])
            .env("FTPCHAT_PASSWORD", "relay-pw")
            .output()
            .expect("invite"),
        "room invite",
    );
    let joiner = Home::new();
    let out = joiner
        .cmd()
        .args(["room", "join", invite.trim(), "--name", "bob"])
        .output()
        .expect("join");
    ok(out, "room join");
    let profiles =
        std::fs::read_to_string(joiner.config().join("profiles.toml")).expect("profiles");
    assert!(
        profiles.contains(&folder),
        "the invite carried the mirror: {profiles}"
    );
    // The joiner reads the room from the mirror alone while the first relay is down.
    relay.stop();
    let out = joiner
        .cmd()
        .args(["pull", "--all", "--connect-timeout", "1"])
        .env("FTPCHAT_PASSWORD", "relay-pw")
        .output()
        .expect("pull");
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).lines().count(),
        2,
        "{err}"
    );
}

#[test]
fn a_streaming_push_delivers_to_every_relay_it_reaches_and_names_the_one_it_cannot() {
    let a = tempfile::tempdir().expect("tempdir");
    let b = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(b.path().join("feed")).expect("mkdir");
    let relay = target::start_embedded(a.path(), "127.0.0.1:0".parse().expect("addr"));
    let dead = format!("ftp://chat@127.0.0.1:{}/feed", support::free_port());
    let relays = vec![
        format!("ftp://chat@{}/feed", relay.addr()),
        dead.clone(),
        format!("file://{}/feed", b.path().display()),
    ];
    let home = Home::new();
    home.keys();
    let lines: String = (1..=5)
        .map(|i| home.encrypt(&format!("notice {i}"), "cron") + "\n")
        .collect();
    let out = home
        .cmd()
        .arg("push")
        .args(relay_args(&relays))
        .env("FTPCHAT_PASSWORD", "relay-pw")
        .write_stdin(lines)
        .output()
        .expect("push");
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.lines()
            .any(|l| l.contains(&dead) && l.contains("not reached")),
        "{err}"
    );
    assert_eq!(records_in(&a.path().join("feed")).len(), 5, "{err}");
    assert_eq!(records_in(&b.path().join("feed")).len(), 5, "{err}");

    // With every relay down, nothing is lost: exit 3, the records stay queued.
    relay.stop();
    std::fs::rename(b.path(), b.path().with_extension("gone")).expect("unmount");
    let more = home.encrypt("notice 6", "cron") + "\n";
    let out = home
        .cmd()
        .arg("push")
        .args(relay_args(&relays))
        .env("FTPCHAT_PASSWORD", "relay-pw")
        .write_stdin(more)
        .output()
        .expect("push");
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(3), "{err}");
    std::fs::rename(b.path().with_extension("gone"), b.path()).expect("remount");
}

#[test]
fn the_owner_adds_and_removes_relays_and_members_follow_the_signed_list() {
    let a = tempfile::tempdir().expect("tempdir");
    let b = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(b.path().join("ops")).expect("mkdir");
    let relay = target::start_embedded(a.path(), "127.0.0.1:0".parse().expect("addr"));
    let first = format!("ftp://chat@{}/", relay.addr());
    let folder = format!("file://{}/ops", b.path().display());
    let owner = Home::new();
    owner.cmd().arg("keygen").assert().success();
    let run = |home: &Home, args: &[&str]| {
        home.cmd()
            .args(args)
            .env("FTPCHAT_PASSWORD", "relay-pw")
            .output()
            .expect("ftpchat")
    };
    ok(
        run(
            &owner,
            &["room", "create", "ops", "--name", "olga", "--relay", &first],
        ),
        "room create",
    );
    let invite = ok(run(&owner, &["room", "invite"]), "invite");
    let bob = join_by_invite(invite, "bob", |args| run(&owner, args));
    ok(run(&bob, &["send", "before the second relay"]), "bob sends");

    // The owner puts the room on the folder too: the history is copied there.
    let out = run(&owner, &["room", "relays", "add", &folder]);
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("copied 3 record(s) of 2 feed(s)"), "{err}");
    assert_eq!(records_in(&b.path().join("ops")).len(), 3);
    assert!(b.path().join("ops/room.age").exists());

    // Bob lists the relays, sees the owner's signed list and follows it.
    let out = run(&bob, &["room", "relays"]);
    let listed = String::from_utf8_lossy(&out.stdout).to_string();
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert_eq!(listed.lines().count(), 2, "{listed}");
    assert!(
        listed
            .lines()
            .any(|l| l.starts_with("  ") && l.ends_with(&folder)),
        "not used by bob yet: {listed}"
    );
    assert!(
        err.contains("now uses the relays the room's owner lists (2)"),
        "{err}"
    );
    ok(run(&bob, &["send", "on both"]), "bob sends to both");
    assert_eq!(records_in(&b.path().join("ops")).len(), 4);
    assert_eq!(records_in(&a.path().join("ops")).len(), 4);

    // The owner stops listing the folder; bob's next send follows (and goes to one).
    let out = run(&owner, &["room", "relays", "remove", &folder]);
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(0), "{err}");
    let out = run(&bob, &["send", "one relay again"]);
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("now uses the relays the room's owner lists (1)"),
        "{err}"
    );
    ok(run(&bob, &["send", "and again"]), "send");
    assert_eq!(records_in(&a.path().join("ops")).len(), 6);
    assert_eq!(
        records_in(&b.path().join("ops")).len(),
        5,
        "the send that learned the change still went to both; the next one did not"
    );
    // A member cannot change the list.
    let out = run(&bob, &["room", "relays", "add", &folder]);
    assert_eq!(
        out.status.code(),
        Some(4),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
