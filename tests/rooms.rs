//! Rooms and the signed roster, black-box: the whole lifecycle (create, invite, join, add,
//! chat, remove + rotate) on the embedded relay and on vsftpd; write-only posters; and
//! tampering done directly to the relay's files on disk, each of which `verify` must name.

#![allow(
    clippy::print_stderr,
    reason = "tests report progress and skips on stderr"
)]

mod common;
mod support;
#[path = "common/target.rs"]
mod target;

use std::path::PathBuf;
use std::process::Output;

use common::Home;
use ftpchat::protocol::encoding::b64;
use ftpchat::protocol::keys::{DeviceIdentity, RoomKey, feed_pseudonym};
use ftpchat::protocol::record::{Envelope, line_hash, seal};
use serde_json::Value;
use target::Target;

/// What a command did.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    fn from(out: Output) -> Run {
        Run {
            code: out.status.code(),
            stdout: String::from_utf8(out.stdout).expect("utf8 stdout"),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Asserts exit 0 and returns stdout.
    fn ok(self, what: &str) -> String {
        assert_eq!(
            self.code,
            Some(0),
            "{what} failed\nstdout:\n{}\nstderr:\n{}",
            self.stdout,
            self.stderr
        );
        self.stdout
    }

    fn code(&self, code: i32, what: &str) -> &Run {
        assert_eq!(
            self.code,
            Some(code),
            "{what}: expected exit {code}\nstdout:\n{}\nstderr:\n{}",
            self.stdout,
            self.stderr
        );
        self
    }

    /// JSON lines on stdout.
    fn json(&self) -> Vec<Value> {
        self.stdout
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect()
    }
}

/// The message (JSON) with this body, if any.
fn find<'a>(msgs: &'a [Value], body: &str) -> Option<&'a Value> {
    msgs.iter().find(|m| m["body"].as_str() == Some(body))
}

/// A room on a relay, created by `owner`.
struct Room<'t> {
    t: &'t Target,
    path: String,
    owner: Home,
    /// What `room create` printed: the room's (genesis) recipient for write-only posters.
    recipient: String,
}

impl<'t> Room<'t> {
    fn create(t: &'t Target, path: &str) -> Room<'t> {
        let owner = Home::new();
        owner.cmd().arg("keygen").assert().success();
        let recipient = Run::from(
            t.cmd(&owner, path, &["room", "create", path, "--name", "owner"])
                .output()
                .expect("room create"),
        )
        .ok("room create")
        .trim()
        .to_string();
        assert!(
            recipient.starts_with("age1") && !recipient.contains('\n'),
            "room create prints the recipient: {recipient:?}"
        );
        Room {
            t,
            path: path.to_string(),
            owner,
            recipient,
        }
    }

    /// `ftpchat ARGS` as `home`, relying on the profile `room create`/`room join` wrote.
    fn run(&self, home: &Home, args: &[&str]) -> Run {
        let mut c = home.cmd();
        c.args(args).env("FTPCHAT_PASSWORD", &self.t.password);
        Run::from(c.output().expect("run ftpchat"))
    }

    fn send(&self, home: &Home, text: &str) {
        self.run(home, &["send", text])
            .ok(&format!("send {text:?}"));
    }

    /// Writes and pushes a record as `home` without `send`'s membership check (`encrypt`
    /// then `push`): how a non-member holding the room key writes anyway.
    fn send_unchecked(&self, home: &Home, text: &str) {
        let key = self.room_key_file(home);
        let line = self
            .run(
                home,
                &["encrypt", "-i", key.to_str().expect("utf8"), "-m", text],
            )
            .ok("encrypt");
        let mut c = home.cmd();
        c.arg("push")
            .env("FTPCHAT_PASSWORD", &self.t.password)
            .write_stdin(line);
        Run::from(c.output().expect("push")).ok("push");
    }

    /// A new home that joined with an invite (not added yet); returns its id line.
    fn join(&self, name: &str) -> (Home, String) {
        let invite = self.run(&self.owner, &["room", "invite"]).ok("room invite");
        assert!(invite.starts_with("ftpchat-invite1:"), "{invite}");
        let home = Home::new();
        let id = self
            .run(&home, &["room", "join", invite.trim(), "--name", name])
            .ok("room join");
        let id = id.trim().to_string();
        assert!(id.starts_with("ftpchat-id1:"), "{id}");
        (home, id)
    }

    fn add(&self, id: &str, name: &str) {
        let r = self.run(&self.owner, &["room", "add", id, "--name", name]);
        assert!(r.stderr.contains(&format!("added {name} to the roster")));
        r.ok("room add");
    }

    /// Joined and added.
    fn member(&self, name: &str) -> Home {
        let (home, id) = self.join(name);
        self.add(&id, name);
        home
    }

    fn watch(&self, home: &Home) -> Run {
        self.run(home, &["watch", "--once", "--json"])
    }

    /// `pull --all --no-advance | decrypt --verify --json` as `home`.
    fn audit(&self, home: &Home) -> Run {
        let lines = self
            .run(home, &["pull", "--all", "--no-advance"])
            .ok("pull --all");
        let mut c = home.cmd();
        c.args(["decrypt", "--verify", "--json"])
            .env("FTPCHAT_PASSWORD", &self.t.password)
            .write_stdin(lines);
        Run::from(c.output().expect("decrypt"))
    }

    fn verify(&self, home: &Home) -> Run {
        self.run(home, &["verify"])
    }

    /// Asserts `verify` by the owner is clean.
    fn assert_clean(&self) {
        let v = self.verify(&self.owner);
        assert!(v.stdout.contains("no findings"), "{}", v.stdout);
        v.ok("verify before tampering");
    }

    /// Asserts `verify` by the owner exits 1 and names `finding`; returns its stdout.
    fn assert_finding(&self, finding: &str) -> String {
        let v = self.verify(&self.owner);
        v.code(1, "verify after tampering");
        assert!(
            v.stdout.contains(finding),
            "verify does not name {finding:?}:\n{}",
            v.stdout
        );
        v.stdout
    }

    fn dir(&self) -> PathBuf {
        self.t.root.join(&self.path)
    }

    fn room_key(&self, home: &Home) -> RoomKey {
        RoomKey::load(&self.room_key_file(home)).expect("room key")
    }

    fn room_key_file(&self, home: &Home) -> PathBuf {
        let rooms = home.config().join("rooms");
        std::fs::read_dir(&rooms)
            .expect("rooms dir")
            .flatten()
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|x| x == "key"))
            .expect("a room key file")
    }

    fn identity(home: &Home) -> DeviceIdentity {
        DeviceIdentity::load(&home.config().join("identity.key")).expect("identity")
    }

    /// `home`'s feed file in the room directory on the relay's disk.
    fn feed_file(&self, home: &Home) -> PathBuf {
        let key = self.room_key(&self.owner);
        let id = Self::identity(home);
        let feed = feed_pseudonym(key.room_id(), &id.signing_key().verifying_key());
        self.dir().join(format!("{feed}.log"))
    }

    fn feed_name(&self, home: &Home) -> String {
        self.feed_file(home)
            .file_stem()
            .expect("stem")
            .to_string_lossy()
            .into_owned()
    }
}

fn read_lines(path: &std::path::Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .map(str::to_string)
        .collect()
}

fn write_lines(path: &std::path::Path, lines: &[String]) {
    let mut text = lines.join("\n");
    text.push('\n');
    std::fs::write(path, text).expect("rewrite feed");
}

/// What bob's key signs next in these tests: a message in his feed, written now. Callers
/// change the kind, time or body before sealing it with [`seal_as`].
fn envelope(
    key: &RoomKey,
    id: &DeviceIdentity,
    seq: u64,
    prev: Option<&str>,
    body: &str,
) -> Envelope {
    Envelope {
        seen: Default::default(),
        v: 1,
        room: key.room_id().to_string(),
        from: b64(id.signing_key().verifying_key().as_bytes()),
        name: "bob".into(),
        seq,
        prev: prev.map(line_hash),
        ts: now(),
        kind: "message".into(),
        body: body.into(),
    }
}

/// A record line of `env`, signed by `id` and encrypted to the newest key in `key`.
fn seal_as(env: &Envelope, id: &DeviceIdentity, key: &RoomKey) -> String {
    seal(env, id.signing_key(), &key.current_recipient()).expect("seal")
}

fn now() -> String {
    ftpchat::protocol::record::now_rfc3339()
}

// ---------------------------------------------------------------------------------------
// 1. The lifecycle, on the embedded relay and on vsftpd.

fn lifecycle(t: &Target) {
    eprintln!("lifecycle on {}", t.name);
    let room = Room::create(t, "team/ops");
    let owner = &room.owner;
    let bob = room.member("bob");
    let carol = room.member("carol");
    // dave stays, and after the rotation only watches: he learns the new key from the roster.
    let dave = room.member("dave");

    room.send(&bob, "hello from bob");
    room.send(&carol, "hello from carol");
    room.send(owner, "hello from owner");

    for (who, home) in [
        ("owner", owner),
        ("bob", &bob),
        ("carol", &carol),
        ("dave", &dave),
    ] {
        let w = room.watch(home);
        let msgs = w.json();
        w.code(0, &format!("{who}'s watch"));
        for (body, sender, standing) in [
            ("hello from bob", "bob", "member"),
            ("hello from carol", "carol", "member"),
            ("hello from owner", "owner", "owner"),
        ] {
            let m = find(&msgs, body)
                .unwrap_or_else(|| panic!("{who} does not see {body:?}: {msgs:?}"));
            assert_eq!(m["verified"], true, "{who}: {m}");
            assert_eq!(m["name"], sender, "{who}: {m}");
            assert_eq!(m["roster"], standing, "{who}: {m}");
        }
        for name in ["bob", "carol", "dave"] {
            let event = format!("added {name} to the room");
            assert!(
                msgs.iter().any(|m| m["event"] == event.as_str()),
                "{who} does not see {event:?}"
            );
        }
    }

    // The roster as the ledger shows it, to every member.
    for home in [owner, &carol] {
        let m = room.run(home, &["room", "members", "--json"]).ok("members");
        let rows: Vec<Value> = m
            .lines()
            .map(|l| serde_json::from_str(l).expect("json"))
            .collect();
        let mut names: Vec<&str> = rows.iter().filter_map(|r| r["name"].as_str()).collect();
        names.sort_unstable();
        assert_eq!(names, ["bob", "carol", "dave", "owner"], "{m}");
        for r in &rows {
            assert_eq!(r["added_by"], "owner", "{r}");
            assert_eq!(r["owner"], r["name"] == "owner", "{r}");
            assert!(r["removed_at"].is_null(), "{r}");
            assert!(
                r["added_at"].as_str().is_some_and(|s| s.ends_with('Z')),
                "{r}"
            );
        }
    }
    let table = room.run(&dave, &["room", "members"]).ok("members");
    for name in ["bob", "carol", "dave"] {
        let line = table
            .lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_else(|| panic!("{name} not listed:\n{table}"));
        assert!(line.contains(" member "), "{line}");
        assert!(line.trim_end().ends_with("owner"), "added by owner: {line}");
    }
    assert!(table.contains("key epochs: 1"), "{table}");

    room.assert_clean();

    // Remove bob: the key is rotated to the remaining members.
    let r = room.run(owner, &["room", "remove", "bob"]);
    assert!(
        r.stderr
            .contains("rotated to epoch 1; 3 member(s) received it"),
        "{}",
        r.stderr
    );
    r.ok("room remove");
    let m = room
        .run(owner, &["room", "members", "--json"])
        .ok("members");
    let bob_row: Value = m
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("json"))
        .find(|r| r["name"] == "bob")
        .expect("bob still listed");
    assert!(bob_row["removed_at"].is_string(), "{bob_row}");
    let table = room.run(owner, &["room", "members"]).ok("members");
    assert!(table.contains("key epochs: 2"), "{table}");
    assert!(
        table
            .lines()
            .any(|l| l.starts_with("bob") && l.contains(" removed ")),
        "{table}"
    );

    room.send(&carol, "carol after rotation");
    room.send(owner, "owner after rotation");

    // bob is locked out of what follows.
    let w = room.watch(&bob);
    w.code(1, "bob's watch after his removal");
    assert!(
        w.stderr.contains("your room key does not open it"),
        "{}",
        w.stderr
    );
    assert!(!w.stdout.contains("after rotation"), "{}", w.stdout);
    let msgs = w.json();
    assert!(
        msgs.iter()
            .any(|m| m["event"] == "removed bob from the room"),
        "the removal itself is under the old key: {msgs:?}"
    );
    assert!(
        msgs.iter()
            .filter(|m| m["body"].is_null())
            .all(|m| m["verified"] == false),
        "{msgs:?}"
    );
    let all = room
        .run(&bob, &["pull", "--all", "--no-advance"])
        .ok("bob pull --all");
    let mut c = bob.cmd();
    c.args(["decrypt", "--json"]).write_stdin(all);
    let d = Run::from(c.output().expect("decrypt"));
    d.code(1, "bob decrypting the whole room");
    assert!(!d.stdout.contains("after rotation"), "{}", d.stdout);
    assert!(
        find(&d.json(), "hello from carol").is_some(),
        "bob keeps what he could read"
    );

    let s = room.run(&bob, &["send", "bob is still here"]);
    s.code(4, "bob's send after his removal");
    assert!(
        s.stderr.contains("did not receive the new one"),
        "{}",
        s.stderr
    );
    let v = room.verify(&bob);
    v.code(1, "bob's verify");
    assert!(
        v.stdout
            .contains("names epoch 1 with a key this device does not hold"),
        "{}",
        v.stdout
    );

    // The others read the new messages; dave only watches and learns the key from the roster.
    for (who, home) in [("owner", owner), ("carol", &carol), ("dave", &dave)] {
        let w = room.watch(home);
        let msgs = w.json();
        w.code(0, &format!("{who}'s watch after the rotation"));
        for body in ["carol after rotation", "owner after rotation"] {
            let m = find(&msgs, body).unwrap_or_else(|| panic!("{who} does not see {body:?}"));
            assert_eq!(m["verified"], true, "{m}");
        }
    }
    room.send(&dave, "dave after rotation");
    let w = room.watch(&carol);
    let msgs = w.json();
    w.code(0, "carol's watch");
    assert_eq!(
        find(&msgs, "dave after rotation").map(|m| &m["roster"]),
        Some(&Value::from("member"))
    );
    assert!(!room.watch(&bob).stdout.contains("dave after rotation"));

    // Old and new records together: carol's audit shows both, all verified.
    let a = room.audit(&carol);
    let msgs = a.json();
    a.code(0, "carol's audit");
    for (body, standing) in [
        ("hello from bob", "member"),
        ("hello from carol", "member"),
        ("hello from owner", "owner"),
        ("carol after rotation", "member"),
        ("owner after rotation", "owner"),
        ("dave after rotation", "member"),
    ] {
        let m = find(&msgs, body).unwrap_or_else(|| panic!("audit lacks {body:?}: {msgs:?}"));
        assert_eq!(m["verified"], true, "{m}");
        assert_eq!(m["roster"], standing, "{m}");
    }
    room.assert_clean();
    let v = room.verify(&carol);
    assert!(v.stdout.contains("no findings"), "{}", v.stdout);
    v.ok("carol's verify");
}

#[test]
fn lifecycle_on_the_embedded_relay() {
    lifecycle(&Target::embedded());
}

#[test]
fn lifecycle_on_vsftpd() {
    let Some(server) = support::vsftpd() else {
        return;
    };
    lifecycle(&Target::server(server));
}

// ---------------------------------------------------------------------------------------
// 2. Write-only posters.

#[test]
fn a_write_only_poster_posts_with_the_recipient_and_cannot_read() {
    let t = Target::embedded();
    let room = Room::create(&t, "ops");
    let bob = room.member("bob");
    room.send(&bob, "bob before the poster");

    let cron = Home::new();
    let cron_id = Run::from(cron.cmd().arg("keygen").output().expect("keygen")).ok("keygen");
    let post = |text: &str| {
        Run::from(
            t.cmd(
                &cron,
                "ops",
                &["send", "-r", &room.recipient, "--name", "cron", text],
            )
            .output()
            .expect("send"),
        )
        .ok("write-only send");
    };
    post("backup ok");

    // Members read it; its sender is not in the roster.
    for home in [&room.owner, &bob] {
        let w = room.watch(home);
        let msgs = w.json();
        w.code(0, "watch");
        let m = find(&msgs, "backup ok").expect("members read the poster");
        assert_eq!(m["roster"], "unknown", "{m}");
        assert_eq!(m["name"], "cron", "{m}");
        assert!(
            m["findings"]
                .to_string()
                .contains("not in the room's roster"),
            "{m}"
        );
    }
    // A hook is told the sender's standing, and given a label that never shows a
    // non-member's name bare; the terminal says the same.
    let hooked = bob.path().join("hooked");
    let hook = format!(
        "printf '%s|%s\\n' \"$FTPCHAT_MSG_LABEL\" \"$FTPCHAT_MSG_ROSTER\" >> {}",
        hooked.display()
    );
    let w = room.run(&bob, &["watch", "--once", "--all", "--exec", &hook]);
    w.code(0, "watch --exec");
    let said = std::fs::read_to_string(&hooked).expect("the hook ran");
    assert!(said.contains("cron [not a member]|unknown\n"), "{said}");
    assert!(said.contains("bob|member\n"), "{said}");
    assert!(
        w.stdout.contains("cron [not a member]: backup ok"),
        "{}",
        w.stdout
    );
    let a = room.audit(&room.owner);
    a.code(1, "audit with an unknown sender");
    assert_eq!(
        find(&a.json(), "backup ok").map(|m| &m["roster"]),
        Some(&Value::from("unknown"))
    );
    room.assert_finding("sender is not in the room's roster");

    // Once the owner adds the poster's id line, what it posts is by a member.
    room.add(cron_id.trim(), "cron");
    post("backup ok again");
    let w = room.watch(&bob);
    let msgs = w.json();
    w.code(0, "watch");
    let m = find(&msgs, "backup ok again").expect("second post");
    assert_eq!(m["roster"], "member", "{m}");
    assert_eq!(m["verified"], true, "{m}");
    let a = room.audit(&bob);
    assert_eq!(
        find(&a.json(), "backup ok again").map(|m| &m["roster"]),
        Some(&Value::from("member"))
    );

    // The poster cannot read the room: no room key at all...
    let lines = Run::from(
        t.cmd(&cron, "ops", &["pull", "--all"])
            .output()
            .expect("pull"),
    )
    .ok("the poster can pull ciphertext");
    assert!(lines.lines().count() >= 5, "{lines}");
    let d = Run::from(
        cron.cmd()
            .arg("decrypt")
            .write_stdin(lines.clone())
            .output()
            .expect("decrypt"),
    );
    d.code(6, "decrypt without a room key");
    assert!(!d.stdout.contains("backup ok"), "{}", d.stdout);
    assert!(d.stderr.contains("no room key"), "{}", d.stderr);
    // ...nor with a room key of its own.
    cron.cmd().args(["keygen", "--room"]).assert().success();
    let d = Run::from(
        cron.cmd()
            .args(["decrypt", "--json"])
            .write_stdin(lines)
            .output()
            .expect("decrypt"),
    );
    d.code(1, "decrypt with an unrelated room key");
    assert!(
        d.stderr.contains("your room key does not open it"),
        "{}",
        d.stderr
    );
    assert!(d.json().iter().all(|m| m["body"].is_null()), "{}", d.stdout);
    assert!(!d.stdout.contains("backup ok"));
}

/// The roster says, for a sender and a time, whether they were a member then
/// (`roster.rs`: "Replaying the roster gives, for any sender and time, whether they were a
/// member"): what a poster wrote before the owner added it was not written by a member.
#[test]
fn records_written_before_the_sender_was_added_are_not_member_records() {
    let t = Target::embedded();
    let room = Room::create(&t, "ops");
    let cron = Home::new();
    let cron_id = Run::from(cron.cmd().arg("keygen").output().expect("keygen")).ok("keygen");
    Run::from(
        t.cmd(
            &cron,
            "ops",
            &[
                "send",
                "-r",
                &room.recipient,
                "--name",
                "cron",
                "before the add",
            ],
        )
        .output()
        .expect("send"),
    )
    .ok("write-only send");
    room.add(cron_id.trim(), "cron");
    let a = room.audit(&room.owner);
    let msgs = a.json();
    let m = find(&msgs, "before the add").expect("the post");
    assert_eq!(
        m["roster"], "unknown",
        "a record written before its sender was added is judged against the later roster: {m}"
    );
}

// ---------------------------------------------------------------------------------------
// 3. Tampering with the relay's files on disk, each named by `verify`.

/// A room with an owner and bob, bob's feed holding three messages.
fn tamper_room(t: &Target) -> (Room<'_>, Home) {
    let room = Room::create(t, "ops");
    let bob = room.member("bob");
    for i in 1..=3 {
        room.send(&bob, &format!("bob {i}"));
    }
    room.send(&room.owner, "owner 1");
    room.assert_clean();
    assert_eq!(read_lines(&room.feed_file(&bob)).len(), 3);
    (room, bob)
}

#[test]
fn verify_names_a_modified_ciphertext_byte() {
    let t = Target::embedded();
    let (room, bob) = tamper_room(&t);
    let file = room.feed_file(&bob);
    let mut lines = read_lines(&file);
    let mut bytes = lines[1].clone().into_bytes();
    let at = bytes.len() * 2 / 3;
    bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
    lines[1] = String::from_utf8(bytes).expect("ascii");
    write_lines(&file, &lines);
    let feed = room.feed_name(&bob);
    let out = room.assert_finding(&format!("(feed {feed} seq 2): cannot decrypt"));
    assert!(out.contains("gap: record 2 is missing"), "{out}");
    let a = room.audit(&room.owner);
    a.code(1, "audit");
    assert!(
        find(&a.json(), "bob 2").is_none(),
        "the altered record is never shown"
    );
}

#[test]
fn verify_names_a_dropped_record() {
    let t = Target::embedded();
    let (room, bob) = tamper_room(&t);
    let file = room.feed_file(&bob);
    let mut lines = read_lines(&file);
    lines.remove(1);
    write_lines(&file, &lines);
    let feed = room.feed_name(&bob);
    room.assert_finding(&format!("(feed {feed} seq 3): gap: record 2 is missing"));
}

#[test]
fn verify_names_reordered_records() {
    let t = Target::embedded();
    let (room, bob) = tamper_room(&t);
    let file = room.feed_file(&bob);
    let mut lines = read_lines(&file);
    lines.swap(1, 2);
    write_lines(&file, &lines);
    let feed = room.feed_name(&bob);
    room.assert_finding(&format!(
        "(feed {feed} seq 2): out of order: arrived after record 3"
    ));
}

#[test]
fn verify_names_a_replayed_record() {
    let t = Target::embedded();
    let (room, bob) = tamper_room(&t);
    let file = room.feed_file(&bob);
    let mut lines = read_lines(&file);
    lines.push(lines[0].clone());
    write_lines(&file, &lines);
    let feed = room.feed_name(&bob);
    room.assert_finding(&format!(
        "(feed {feed} seq 1): duplicate of a record already shown (replayed?)"
    ));
    // Shown once, not twice.
    let a = room.audit(&room.owner);
    let n = a.json().iter().filter(|m| m["body"] == "bob 1").count();
    assert_eq!(n, 1, "{}", a.stdout);
}

#[test]
fn verify_names_a_fork() {
    let t = Target::embedded();
    let (room, bob) = tamper_room(&t);
    let file = room.feed_file(&bob);
    let mut lines = read_lines(&file);
    // bob's key writes a second, different seq 2 (as a second device with a copied identity
    // and a fresh journal would).
    let key = room.room_key(&bob);
    let id = Room::identity(&bob);
    let line = seal_as(
        &envelope(&key, &id, 2, Some(&lines[0]), "the other seq 2"),
        &id,
        &key,
    );
    lines.push(line);
    write_lines(&file, &lines);
    let feed = room.feed_name(&bob);
    room.assert_finding(&format!(
        "(feed {feed} seq 2): fork: a different record with the same seq was already seen"
    ));
    let a = room.audit(&room.owner);
    a.code(1, "audit");
    let m = find(&a.json(), "the other seq 2")
        .cloned()
        .expect("the fork is shown, marked");
    assert_eq!(m["verified"], false, "{m}");
}

#[test]
fn verify_names_a_sender_with_the_room_key_who_was_never_added() {
    let t = Target::embedded();
    let (room, _bob) = tamper_room(&t);
    // mallory has the invite (the room key) but the owner never added her.
    let (mallory, _id) = room.join("mallory");
    room.send_unchecked(&mallory, "hi, I am bob");
    let feed = room.feed_name(&mallory);
    let out = room.assert_finding(&format!(
        "(feed {feed} seq 1): sender is not in the room's roster"
    ));
    let row = out
        .lines()
        .find(|l| l.starts_with(&feed))
        .unwrap_or_else(|| panic!("no summary row for {feed}:\n{out}"));
    assert!(row.contains("unknown"), "{row}");
    let w = room.watch(&room.owner);
    let m = find(&w.json(), "hi, I am bob").cloned().expect("shown");
    assert_eq!(m["roster"], "unknown", "{m}");
}

#[test]
fn verify_names_a_roster_record_not_signed_by_the_owner() {
    let t = Target::embedded();
    let (room, bob) = tamper_room(&t);
    let (mallory, mallory_id) = room.join("mallory");
    // bob, a member, writes a roster.add for mallory into his own feed.
    let file = room.feed_file(&bob);
    let mut lines = read_lines(&file);
    let key = room.room_key(&bob);
    let body = serde_json::json!({"member": mallory_id, "name": "mallory"}).to_string();
    let id = Room::identity(&bob);
    let mut env = envelope(&key, &id, 4, lines.last().map(String::as_str), &body);
    env.kind = "roster.add".into();
    let line = seal_as(&env, &id, &key);
    lines.push(line);
    write_lines(&file, &lines);
    room.send_unchecked(&mallory, "mallory, added by bob");

    let bob_feed = room.feed_name(&bob);
    let out = room.assert_finding(&format!(
        "(feed {bob_feed} seq 4): roster.add record not signed by the room owner: ignored (forged roster record)"
    ));
    let mallory_feed = room.feed_name(&mallory);
    assert!(
        out.contains(&format!(
            "(feed {mallory_feed} seq 1): sender is not in the room's roster"
        )),
        "the forged add changes nothing:\n{out}"
    );
    let members = room
        .run(&room.owner, &["room", "members", "--json"])
        .ok("members");
    assert!(!members.contains("mallory"), "{members}");
    let w = room.watch(&room.owner);
    let msgs = w.json();
    assert_eq!(
        find(&msgs, "mallory, added by bob").map(|m| &m["roster"]),
        Some(&Value::from("unknown"))
    );
    assert!(
        !msgs
            .iter()
            .any(|m| m["event"] == "added mallory to the room"),
        "{msgs:?}"
    );
}

#[test]
fn verify_names_a_feed_truncated_behind_a_read_cursor() {
    let t = Target::embedded();
    let (room, bob) = tamper_room(&t);
    room.run(&room.owner, &["pull"])
        .ok("pull (saves the cursor)");
    let file = room.feed_file(&bob);
    let lines = read_lines(&file);
    write_lines(&file, &lines[..1]);
    let feed = room.feed_name(&bob);
    let out = room.assert_finding(&format!("feed {feed} shrank from"));
    assert!(out.contains("history was rewritten"), "{out}");
}

/// bob (every member shares the FTP login) replaces his last record, after the owner read
/// it, with another valid record: same seq, same link, a body of the same length, so the
/// file keeps its size. Nothing but the read cursor can tell; `verify` must use it.
#[test]
fn verify_names_a_same_size_rewrite_behind_a_read_cursor() {
    let t = Target::embedded();
    let (room, bob) = tamper_room(&t);
    room.run(&room.owner, &["pull"])
        .ok("pull (saves the cursor)");
    let file = room.feed_file(&bob);
    let mut lines = read_lines(&file);
    let size = std::fs::metadata(&file).expect("feed").len();
    let key = room.room_key(&bob);
    let rec = ftpchat::protocol::record::parse_line(&lines[2]).expect("record line");
    let mut env = ftpchat::protocol::record::open(&rec, std::slice::from_ref(&key))
        .expect("bob's record opens")
        .envelope;
    assert_eq!(env.body, "bob 3");
    env.body = "bob X".into();
    // age adds a random "grease" stanza to headers: seal until the length matches.
    let signer = Room::identity(&bob);
    let rewritten = (0..20_000)
        .map(|_| seal(&env, signer.signing_key(), &key.current_recipient()).expect("seal"))
        .find(|l| l.len() == lines[2].len())
        .expect("a same-length record");
    assert_eq!(
        rewritten.len(),
        lines[2].len(),
        "same length as the original"
    );
    lines[2] = rewritten;
    write_lines(&file, &lines);
    assert_eq!(std::fs::metadata(&file).expect("feed").len(), size);
    let feed = room.feed_name(&bob);
    let out = room.assert_finding("history was rewritten");
    assert!(out.contains(&format!("feed {feed}")), "{out}");
}

// ---------------------------------------------------------------------------------------
// 4. The descriptor.

#[test]
fn verify_names_a_descriptor_forged_by_a_non_owner_and_senders_refuse_it() {
    let t = Target::embedded();
    let (room, bob) = tamper_room(&t);
    let key = room.room_key(&room.owner);
    let mallory = DeviceIdentity::generate();
    // mallory has the room key and announces a "rotation" to a key of her own.
    let hers = age::x25519::Identity::generate();
    let forged = ftpchat::protocol::roster::Descriptor {
        v: 1,
        room: key.room_id().to_string(),
        genesis: key.recipients()[0].to_string(),
        owner: b64(mallory.signing_key().verifying_key().as_bytes()),
        epoch: 1,
        current: hers.to_public().to_string(),
        ts: now(),
        relays: vec![],
    };
    let path = room.dir().join(ftpchat::protocol::roster::DESCRIPTOR_FILE);
    std::fs::write(
        &path,
        ftpchat::protocol::roster::seal_descriptor(
            &forged,
            mallory.signing_key(),
            &key.recipients(),
        ),
    )
    .expect("write room.age");
    room.assert_finding(
        "descriptor: descriptor signed by someone other than the room owner you pinned (forged)",
    );
    // Senders are neither redirected to mallory's key nor left writing to a key that may
    // have been rotated: they refuse until the descriptor checks out again.
    let before = read_lines(&room.feed_file(&bob));
    let refused = room.run(&bob, &["send", "after the forged descriptor"]);
    assert_eq!(refused.code, Some(2), "{}", refused.stderr);
    assert!(
        refused.stderr.contains("does not check out"),
        "{}",
        refused.stderr
    );
    assert_eq!(
        read_lines(&room.feed_file(&bob)),
        before,
        "nothing was written"
    );
    let mut theirs = RoomKey::generate();
    theirs.add_identity(hers);
    for line in &before {
        let rec = ftpchat::protocol::record::parse_line(line).expect("line");
        assert!(ftpchat::protocol::record::open(&rec, std::slice::from_ref(&theirs)).is_err());
    }

    // The same summary claiming the real owner, but signed by mallory.
    let claims_owner = ftpchat::protocol::roster::Descriptor {
        owner: key.owner().expect("pinned").to_string(),
        ..forged
    };
    std::fs::write(
        &path,
        ftpchat::protocol::roster::seal_descriptor(
            &claims_owner,
            mallory.signing_key(),
            &key.recipients(),
        ),
    )
    .expect("write room.age");
    room.assert_finding("descriptor: bad signature: the descriptor was altered or forged");

    std::fs::remove_file(&path).expect("rm room.age");
    room.assert_finding("descriptor: room.age is missing");
}

/// The relay serves the owner's genuine but older descriptor (from before a rotation):
/// nothing new is to be learned from it, so members keep sending with the newest key, and
/// `verify` says what it is (an older epoch than this device holds).
#[test]
fn a_replayed_old_descriptor_does_not_lock_members_out_and_is_named() {
    let t = Target::embedded();
    let room = Room::create(&t, "ops");
    let bob = room.member("bob");
    let carol = room.member("carol");
    let path = room.dir().join(ftpchat::protocol::roster::DESCRIPTOR_FILE);
    let epoch0 = std::fs::read(&path).expect("room.age");
    room.run(&room.owner, &["room", "remove", "bob"])
        .ok("room remove");
    room.send(&carol, "carol after rotation");
    assert_ne!(std::fs::read(&path).expect("room.age"), epoch0);

    std::fs::write(&path, &epoch0).expect("roll back room.age");
    let s = room.run(&carol, &["send", "carol after the rollback"]);
    s.code(0, "carol's send with an old descriptor on the relay");
    let w = room.watch(&room.owner);
    assert!(find(&w.json(), "carol after the rollback").is_some());
    assert!(!room.watch(&bob).stdout.contains("after the rollback"));

    let out = room.assert_finding("descriptor: ");
    let finding = out
        .lines()
        .find(|l| l.contains("descriptor: "))
        .expect("descriptor finding")
        .to_lowercase();
    assert!(
        ["older", "rolled back", "stale", "replayed", "outdated"]
            .iter()
            .any(|w| finding.contains(w)),
        "the owner holds epoch 0's key; the finding should say the descriptor is old: {finding}"
    );
}

/// A removed member still holds the old key and can push records to its own feed; the
/// timestamp inside is its own word. A record written after the removal must not pass as
/// written by a member, whatever time it claims.
#[test]
fn a_removed_member_cannot_post_as_a_member_with_a_backdated_clock() {
    let t = Target::embedded();
    let room = Room::create(&t, "ops");
    let bob = room.member("bob");
    let carol = room.member("carol");
    room.send(&bob, "bob before removal");
    let before = read_lines(&room.feed_file(&bob));
    let bob_ts = {
        let a = room.audit(&room.owner);
        find(&a.json(), "bob before removal").expect("bob's post")["ts"]
            .as_str()
            .expect("ts")
            .to_string()
    };
    room.run(&room.owner, &["room", "remove", "bob"])
        .ok("room remove");
    room.send(&carol, "carol after rotation");
    room.assert_clean();

    // bob writes his next record, to the old key he holds, claiming his last post's time,
    // and pushes it with the ordinary CLI.
    let old_key = room.room_key(&bob);
    let id = Room::identity(&bob);
    let mut env = envelope(
        &old_key,
        &id,
        2,
        before.last().map(String::as_str),
        "bob after removal, backdated",
    );
    env.ts = bob_ts;
    let line = seal_as(&env, &id, &old_key);
    Run::from(
        t.cmd(&bob, "ops", &["push"])
            .write_stdin(format!("{line}\n"))
            .output()
            .expect("push"),
    )
    .ok("push");
    assert_eq!(read_lines(&room.feed_file(&bob)).len(), 2);

    let w = room.watch(&carol);
    let m = find(&w.json(), "bob after removal, backdated")
        .cloned()
        .expect("carol still reads the old key");
    assert_ne!(
        m["roster"], "member",
        "a record bob wrote after his removal is shown as a member's: {m}"
    );
    let v = room.verify(&room.owner);
    v.code(1, "verify with a post by a removed member");
}

#[test]
fn verify_names_a_withheld_owner_feed() {
    let t = Target::embedded();
    let (room, _bob) = tamper_room(&t);
    // The relay withholds the owner's feed (the roster): nobody can be judged a member,
    // and that must not pass as a clean audit.
    std::fs::remove_file(room.feed_file(&room.owner)).expect("remove the owner's feed");
    room.assert_finding("the roster could not be read");
}

// ---------------------------------------------------------------------------------------
// 4. Roster and key trust (issue 13: items 2, 3, 5, 13 and 15).

/// Appends `line` to `home`'s feed on the relay's disk, as a member with upload rights
/// (or the relay) can.
fn append_line(path: &std::path::Path, line: &str) {
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(path)
        .expect("open feed");
    writeln!(f, "{line}").expect("append");
}

/// The owner's removal must not trust a seq it never saw in order: bob, while a member,
/// plants seq 1001 (readers see only a gap); after his removal his seq 2, 3 must not pass
/// as a member's.
#[test]
fn a_removal_does_not_trust_a_planted_high_seq() {
    let t = Target::embedded();
    let room = Room::create(&t, "ops");
    let bob = room.member("bob");
    let carol = room.member("carol");
    room.send(&bob, "bob 1");
    let first = read_lines(&room.feed_file(&bob));
    let key = room.room_key(&bob);
    let id = Room::identity(&bob);
    let planted = seal_as(
        &envelope(
            &key,
            &id,
            1001,
            first.last().map(String::as_str),
            "bob 1001",
        ),
        &id,
        &key,
    );
    append_line(&room.feed_file(&bob), &planted);
    room.run(&room.owner, &["room", "remove", "bob"])
        .ok("room remove");
    // After the removal, bob goes on with seq 2 and 3 under the key he holds.
    let mut prev = first.last().cloned().expect("bob's first record");
    for seq in [2, 3] {
        let line = seal_as(
            &envelope(
                &key,
                &id,
                seq,
                Some(&prev),
                &format!("bob after removal {seq}"),
            ),
            &id,
            &key,
        );
        append_line(&room.feed_file(&bob), &line);
        prev = line;
    }
    let w = room.watch(&carol);
    let msgs = w.json();
    for seq in [2, 3] {
        let m = find(&msgs, &format!("bob after removal {seq}"))
            .cloned()
            .expect("carol still reads the old key");
        assert_eq!(m["roster"], "removed", "{m}");
    }
    assert_eq!(
        find(&msgs, "bob 1").map(|m| m["roster"].clone()),
        Some(Value::from("member"))
    );
}

/// A reader that has read the roster notices when the relay later rewrites it, even at the
/// same size, and a resumed `watch` does not silently undo a removal.
#[test]
fn a_same_size_rewrite_of_the_roster_is_named_when_watch_resumes() {
    let t = Target::embedded();
    let room = Room::create(&t, "ops");
    let bob = room.member("bob");
    let carol = room.member("carol");
    room.send(&bob, "bob 1");
    room.watch(&carol).ok("carol's first watch");
    room.run(&room.owner, &["room", "remove", "bob"])
        .ok("room remove");
    room.watch(&carol).ok("carol reads the removal");
    // The relay replaces the removal record by a same-length line that does not decrypt.
    let owner_feed = room.feed_file(&room.owner);
    let mut lines = read_lines(&owner_feed);
    let n = lines.len();
    let removal = &mut lines[n - 2];
    let cut = removal.len() - 10;
    let flipped = removal[cut..].replace(['A', 'B'], "C");
    let flipped = if flipped == removal[cut..] {
        "C".repeat(10)
    } else {
        flipped
    };
    removal.replace_range(cut.., &flipped);
    write_lines(&owner_feed, &lines);
    // bob posts after his removal under the old key.
    let key = room.room_key(&bob);
    let id = Room::identity(&bob);
    let prev = read_lines(&room.feed_file(&bob));
    let line = seal_as(
        &envelope(
            &key,
            &id,
            2,
            prev.last().map(String::as_str),
            "bob after removal",
        ),
        &id,
        &key,
    );
    append_line(&room.feed_file(&bob), &line);
    let w = room.watch(&carol);
    assert!(
        w.stderr.contains("rewritten"),
        "the rewritten roster is not named:\n{}",
        w.stderr
    );
    let m = find(&w.json(), "bob after removal").cloned();
    assert!(
        m.as_ref().is_none_or(|m| m["roster"] != "member"),
        "a rewritten roster undid bob's removal: {m:?}"
    );
    // `room members` and `send`'s pre-send check replay the roster too, and name what
    // they could not read.
    let r = room.run(&carol, &["room", "members"]);
    assert!(
        r.stderr.contains(&room.feed_name(&room.owner)),
        "room members drops the roster's warnings:\n{}",
        r.stderr
    );
    // `verify` checks every byte behind carol's saved cursors, not only the last line.
    let v = room.verify(&carol);
    v.code(1, "verify after the rewrite");
    assert!(
        v.stdout.contains(&format!(
            "feed {}: bytes already read (before offset",
            room.feed_name(&room.owner)
        )),
        "{}",
        v.stdout
    );
    let s = room.run(&carol, &["send", "carol after the rewrite"]);
    assert!(
        s.stderr.contains(&room.feed_name(&room.owner)),
        "send's pre-send check drops the roster's warnings:\n{}",
        s.stderr
    );
}

/// An invite for the same room with an extra key must not make `send` encrypt to it:
/// only keys the owner introduced may become the sending key.
#[test]
fn an_invite_cannot_plant_the_sending_key() {
    use ftpchat::protocol::invite::Invite;
    let t = Target::embedded();
    let room = Room::create(&t, "ops");
    let bob = room.member("bob");
    room.send(&bob, "bob before the invite");
    let genuine = room.run(&room.owner, &["room", "invite"]).ok("invite");
    let genuine = Invite::decode(genuine.trim()).expect("invite");
    let planted = age::x25519::Identity::generate();
    let forged = Invite {
        keys: {
            use age::secrecy::ExposeSecret;
            let mut k = genuine.keys.clone();
            k.push(planted.to_string().expose_secret().to_string());
            k
        },
        ..genuine
    };
    room.run(&bob, &["room", "join", &forged.encode()])
        .ok("bob joins the forged invite");
    let s = room.run(&bob, &["send", "for the room only"]);
    let w = room.watch(&room.owner);
    let m = find(&w.json(), "for the room only").cloned();
    assert!(
        m.is_some() || s.code != Some(0),
        "send exited 0 but the room cannot read what it wrote (encrypted to the planted key)\n{}",
        s.stderr
    );
    if let Some(m) = m {
        assert_eq!(m["verified"], true, "{m}");
    }
    assert!(
        s.stderr.contains("not introduced by the room's owner"),
        "the planted key is not named:\n{}",
        s.stderr
    );
}

/// After a removal, a write-only poster that pinned the owner learns the new recipient
/// from a file the owner signed, and is told when it uses an old one.
#[test]
fn a_write_only_poster_learns_the_rotated_recipient_from_the_owner() {
    let t = Target::embedded();
    let room = Room::create(&t, "ops");
    let bob = room.member("bob");
    let carol = room.member("carol");
    let owner_key = b64(Room::identity(&room.owner)
        .signing_key()
        .verifying_key()
        .as_bytes());
    let cron = Home::new();
    cron.cmd().arg("keygen").assert().success();
    let post = |args: &[&str], text: &str| {
        let mut a = vec!["send", "--name", "cron", "--owner", &owner_key];
        a.extend_from_slice(args);
        a.push(text);
        Run::from(t.cmd(&cron, "ops", &a).output().expect("send"))
    };
    post(&["-r", &room.recipient], "before the removal").ok("poster before removal");
    let r = room.run(&room.owner, &["room", "remove", "bob"]);
    let printed = r.ok("room remove");
    let lines: Vec<&str> = printed.lines().filter(|l| l.starts_with("age1")).collect();
    assert_eq!(
        lines.len(),
        2,
        "remove prints genesis and new recipient:\n{printed}"
    );
    assert_eq!(lines[0], room.recipient);
    let new = lines[1].to_string();
    assert_ne!(new, room.recipient);

    let old = post(&["-r", &room.recipient], "to the old recipient");
    assert_ne!(old.code, Some(0), "posting to the old recipient exits 0");
    assert!(
        old.stderr.contains(&new),
        "the poster is not told the new recipient:\n{}",
        old.stderr
    );
    let file = cron.path().join("ops.recipients");
    std::fs::write(&file, printed).expect("recipients file");
    post(
        &["-R", file.to_str().expect("utf8 path")],
        "to the new recipient",
    )
    .ok("poster with the new recipient");
    let w = room.watch(&carol);
    assert!(find(&w.json(), "to the new recipient").is_some());
    let w = room.watch(&bob);
    assert!(
        !w.stdout.contains("to the new recipient") && !w.stdout.contains("to the old recipient"),
        "{}",
        w.stdout
    );
    // The relay cannot forge the recipient file: another key's signature is refused.
    let forged = room.dir().join("recipient.txt");
    let text = std::fs::read_to_string(&forged).expect("recipient.txt on the relay");
    std::fs::write(&forged, text.replace(&new, &room.recipient)).expect("forge");
    let f = post(&["-r", &room.recipient], "to a forged recipient");
    assert_ne!(f.code, Some(0), "a forged recipient file was trusted");
}

/// Join, send, then get added: `send` says it is not a member yet instead of writing a
/// record `verify` would name forever; once added, everything verifies. A removed member
/// is shown `removed` by verify's table as by `room members`; re-added and rotated, they
/// read again.
#[test]
fn join_send_add_and_readd_flows_verify() {
    let t = Target::embedded();
    let room = Room::create(&t, "ops");
    let (bob, bob_id) = room.join("bob");
    let early = room.run(&bob, &["send", "too early"]);
    assert_ne!(early.code, Some(0), "a send before being added exits 0");
    assert!(
        early.stderr.contains("not in the room's roster"),
        "{}",
        early.stderr
    );
    room.add(&bob_id, "bob");
    room.send(&bob, "bob once added");
    room.assert_clean();

    room.run(&room.owner, &["room", "remove", "bob"])
        .ok("room remove");
    let v = room.verify(&room.owner);
    let bob_feed = room.feed_name(&bob);
    let row = v
        .stdout
        .lines()
        .find(|l| l.starts_with(&bob_feed[..16]))
        .unwrap_or_else(|| panic!("bob's feed not in the table:\n{}", v.stdout))
        .to_string();
    assert!(
        row.contains(" removed "),
        "verify shows a removed member as: {row}"
    );

    // Re-added and the key rotated (no new invite): bob reads again, although he never
    // held the key of the epoch he was out for.
    room.add(&bob_id, "bob");
    room.run(&room.owner, &["room", "rotate"]).ok("rotate");
    room.send(&room.owner, "welcome back");
    let w = room.watch(&bob);
    let m = find(&w.json(), "welcome back")
        .cloned()
        .unwrap_or_else(|| panic!("bob cannot read after re-add:\n{}", w.stderr));
    assert_eq!(m["verified"], true, "{m}");
    room.send(&bob, "bob back");
    let w = room.watch(&room.owner);
    assert_eq!(
        find(&w.json(), "bob back").map(|m| m["roster"].clone()),
        Some(Value::from("member"))
    );
}

/// A resumed `pull --attachments` judges senders too: its cursor is past the owner's
/// first records, so it replays the roster before it fetches a file on a sender's word.
#[test]
fn a_resumed_pull_fetches_no_file_from_a_non_member() {
    let t = Target::embedded();
    let room = Room::create(&t, "files");
    let bob = room.member("bob");
    room.send(&bob, "bob is here");
    // Bob reads the room once: his cursor moves past the owner's roster records.
    room.run(&bob, &["pull"]).ok("first pull");

    let mallory = Home::new();
    Run::from(mallory.cmd().arg("keygen").output().expect("keygen")).ok("keygen");
    let file = mallory.path().join("invoice.pdf");
    std::fs::write(&file, "pay me").expect("write");
    Run::from(
        t.cmd(
            &mallory,
            "files",
            &[
                "send",
                "-r",
                &room.recipient,
                "--name",
                "owner",
                "--file",
                file.to_str().expect("utf8"),
            ],
        )
        .output()
        .expect("send"),
    )
    .ok("write-only send --file");

    let dir = bob.path().join("inbox");
    let r = room.run(
        &bob,
        &["pull", "--attachments", dir.to_str().expect("utf8")],
    );
    assert!(
        r.stderr
            .contains("not downloading a file from a sender who is not a member"),
        "{}",
        r.stderr
    );
    let saved: Vec<_> = std::fs::read_dir(&dir)
        .map(|d| d.flatten().map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert!(saved.is_empty(), "fetched from a non-member: {saved:?}");
}

/// An invite for a room with the same name as a profile of ours, on the attacker's host:
/// joining it leaves the profile alone and takes none of its credentials elsewhere.
#[test]
fn an_invite_cannot_take_over_a_profile_or_its_password() {
    let home_relay = Target::embedded();
    let evil_relay = Target::embedded();
    let me = Home::new();
    Run::from(
        me.cmd()
            .args([
                "init",
                "--profile",
                "lobby",
                "--relay",
                &home_relay.url,
                "--room",
                "lobby",
            ])
            .args(["--password-command", "echo relay-pw", "--no-test", "--yes"])
            .output()
            .expect("init"),
    )
    .ok("init");
    let show = |name: &str| -> Value {
        let r = Run::from(
            me.cmd()
                .args(["profile", "show", name, "--json"])
                .output()
                .expect("profile show"),
        );
        serde_json::from_str(&r.ok("profile show")).expect("json")
    };
    let before = show("lobby");

    let evil = Room::create(&evil_relay, "lobby");
    let invite = evil.run(&evil.owner, &["room", "invite"]).ok("invite");
    let joined = Run::from(
        me.cmd()
            .args(["room", "join", invite.trim(), "--name", "me"])
            .output()
            .expect("join"),
    );
    assert!(
        joined.stderr.contains("as profile lobby-2"),
        "{}",
        joined.stderr
    );
    joined.ok("join");
    assert_eq!(show("lobby"), before, "the existing profile was changed");
    let new = show("lobby-2");
    assert_eq!(new["password_source"], "environment or netrc", "{new}");
    assert_eq!(before["password_source"], "command", "{before}");

    // Naming the profile explicitly does not overwrite it either.
    let r = Run::from(
        me.cmd()
            .args(["room", "join", invite.trim(), "--profile", "lobby"])
            .output()
            .expect("join"),
    );
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr.contains("already holds another room"),
        "{}",
        r.stderr
    );
    assert_eq!(show("lobby"), before);
}

/// `send` with a key the room does not use, or to a room that is not there, is not a
/// silent success: a new room is announced, a foreign key is refused with nothing sent.
#[test]
fn send_knows_the_room_and_its_key_before_it_says_sent() {
    let t = Target::embedded();
    let feeds = |room: &str| {
        std::fs::read_dir(t.root.join(room))
            .map(|d| {
                d.flatten()
                    .filter(|e| e.file_name().to_string_lossy().ends_with(".log"))
                    .count()
            })
            .unwrap_or(0)
    };
    let alice = Home::new();
    alice.keys();
    let r = Run::from(
        t.cmd(&alice, "ops", &["send", "first"])
            .output()
            .expect("send"),
    );
    assert!(r.stderr.contains("holds no room yet"), "{}", r.stderr);
    r.ok("send to a new room");
    let r = Run::from(
        t.cmd(&alice, "ops", &["send", "second"])
            .output()
            .expect("send"),
    );
    assert!(!r.stderr.contains("holds no room yet"), "{}", r.stderr);
    r.ok("send again");

    // `init`/`keygen` elsewhere made a fresh key: the room's records do not open with it.
    let carol = Home::new();
    carol.keys();
    let r = Run::from(
        t.cmd(&carol, "ops", &["send", "lost?"])
            .output()
            .expect("send"),
    );
    assert_eq!(r.code, Some(4), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("your room key is not the key of the room"),
        "{}",
        r.stderr
    );
    assert_eq!(feeds("ops"), 1, "nothing may be written with a foreign key");

    // A room with an owner: its descriptor does not open with a stranger's key.
    let owned = Room::create(&t, "owned");
    let r = Run::from(
        t.cmd(&carol, "owned", &["send", "hello?"])
            .output()
            .expect("send"),
    );
    assert_eq!(r.code, Some(4), "{}", r.stderr);
    assert!(
        r.stderr.contains("descriptor (room.age) does not open"),
        "{}",
        r.stderr
    );
    assert_eq!(feeds("owned"), 1, "only the owner's feed");
    drop(owned);
}
