//! Black-box tests of the offline half: keygen, encrypt, decrypt, legacy lines, the
//! journal, and every tampering case `decrypt` must detect and name.

#![allow(
    clippy::print_stderr,
    reason = "tests report progress and skips on stderr"
)]

mod common;

use std::path::Path;

use common::{Home, have};
use ftpchat::protocol::encoding::b64;
use ftpchat::protocol::keys::{DeviceIdentity, RoomKey};
use ftpchat::protocol::record::{Envelope, seal};
use predicates::prelude::*;
use serde_json::Value;

fn lines(out: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(out)
        .lines()
        .map(str::to_string)
        .collect()
}

fn decrypt(home: &Home, input: &str, extra: &[&str]) -> std::process::Output {
    home.cmd()
        .arg("decrypt")
        .args(extra)
        .write_stdin(input.to_string())
        .output()
        .expect("decrypt")
}

#[test]
fn keygen_writes_private_files_and_refuses_to_overwrite() {
    let home = Home::new();
    let (id, room) = home.keys();
    assert!(id.starts_with("ftpchat-id1:"), "{id}");
    assert!(room.starts_with("age1"), "{room}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for f in ["identity.key", "room.key"] {
            let mode = std::fs::metadata(home.config().join(f))
                .expect("meta")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600, "{f}");
        }
    }
    home.cmd().arg("keygen").assert().code(6).stderr(
        predicate::str::contains("already exists").and(predicate::str::contains("--force")),
    );
    home.cmd().args(["keygen", "--force"]).assert().success();
}

#[test]
fn encrypt_decrypt_round_trip_human_and_json() {
    let home = Home::new();
    home.keys();
    let rec = home
        .cmd()
        .args(["encrypt", "--name", "alice"])
        .write_stdin("hello ✓ world\n")
        .output()
        .expect("encrypt");
    assert!(rec.status.success());
    let line = String::from_utf8(rec.stdout).expect("utf8");
    assert!(line.is_ascii() && line.starts_with("fc1.") && line.lines().count() == 1);

    let out = decrypt(&home, &line, &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let shown = String::from_utf8(out.stdout).expect("utf8");
    assert!(shown.ends_with(" alice: hello ✓ world\n"), "{shown}");
    assert_eq!(&shown[4..5], "-");

    let out = decrypt(&home, &line, &["--json"]);
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    for key in [
        "ts", "name", "sender", "feed", "seq", "body", "kind", "format", "verified",
    ] {
        assert!(v.get(key).is_some(), "missing {key} in {v}");
    }
    assert_eq!(v["body"], "hello ✓ world");
    assert_eq!(v["format"], "native");
    assert_eq!(v["verified"], true);
    assert_eq!(v["seq"], 1);
    assert_eq!(v["kind"], "message");
}

#[test]
fn lines_mode_makes_one_record_per_line_with_consecutive_seqs() {
    let home = Home::new();
    home.keys();
    let out = home
        .cmd()
        .args(["encrypt", "--lines"])
        .write_stdin("one\n\ntwo\r\nthree\n")
        .output()
        .expect("encrypt");
    assert!(out.status.success());
    let recs = lines(&out.stdout);
    assert_eq!(recs.len(), 3);
    let seqs: Vec<&str> = recs
        .iter()
        .map(|l| l.split('.').nth(2).expect("seq"))
        .collect();
    assert_eq!(seqs, ["1", "2", "3"]);
    let out = decrypt(&home, &(recs.join("\n") + "\n"), &["--json", "--verify"]);
    assert!(out.status.success());
    let bodies: Vec<String> = lines(&out.stdout)
        .iter()
        .map(|l| {
            serde_json::from_str::<Value>(l).expect("json")["body"]
                .as_str()
                .expect("body")
                .to_string()
        })
        .collect();
    assert_eq!(bodies, ["one", "two", "three"]);
}

#[test]
fn oversized_and_empty_messages_are_refused() {
    let home = Home::new();
    home.keys();
    home.cmd()
        .arg("encrypt")
        .write_stdin("x".repeat(70_000))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("limit is 65536 bytes"));
    home.cmd()
        .arg("encrypt")
        .write_stdin("\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("empty"));
    home.cmd()
        .arg("encrypt")
        .write_stdin(vec![0xff, 0xfe])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("UTF-8"));
}

/// The plaintext of a record line, as the stock `age -d` opens it with the home's room key.
fn age_decrypt(home: &Home, line: &str) -> Vec<u8> {
    let ct = ftpchat::protocol::encoding::unb64(line.split('.').nth(3).expect("ct")).expect("b64");
    let ct_path = home.path().join("rec.age");
    std::fs::write(&ct_path, ct).expect("write");
    let out = std::process::Command::new("age")
        .arg("-d")
        .arg("-i")
        .arg(home.config().join("room.key"))
        .arg(&ct_path)
        .output()
        .expect("age");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn native_ciphertext_opens_with_stock_age() {
    if !have("age") {
        return;
    }
    let home = Home::new();
    home.keys();
    let line = home.encrypt("for the auditors", "alice");
    let plain = String::from_utf8(age_decrypt(&home, &line)).expect("utf8");
    let (envelope, sig) = plain.rsplit_once('\n').expect("two parts");
    let v: Value = serde_json::from_str(envelope).expect("envelope json");
    assert_eq!(v["body"], "for the auditors");
    assert_eq!(sig.len(), 86, "base64url Ed25519 signature");
}

#[test]
fn padded_plaintexts_fall_in_the_size_buckets_as_stock_age_sees_them() {
    assert!(have("age"), "age (scripts/test installs it)");
    let home = Home::new();
    home.keys();
    for (len, bucket) in [
        (1, 512),
        (150, 512),
        (600, 1024),
        (3000, 4096),
        (20_000, 32_768),
    ] {
        let line = home.encrypt(&"m".repeat(len), "alice");
        let plain = age_decrypt(&home, &line);
        assert_eq!(plain.len(), bucket, "a {len}-byte message");
        let plain = String::from_utf8(plain).expect("utf8");
        let (envelope, _) = plain.rsplit_once('\n').expect("two parts");
        let v: Value = serde_json::from_str(envelope).expect("envelope json");
        assert_eq!(v["v"], 2);
        assert!(
            v["pad"]
                .as_str()
                .is_some_and(|p| p.bytes().all(|b| b == b' '))
        );
    }
}

#[test]
fn room_key_from_age_keygen_works() {
    if !have("age-keygen") {
        return;
    }
    let home = Home::new();
    home.cmd().arg("keygen").assert().success();
    let key = home.path().join("agekey.txt");
    let st = std::process::Command::new("age-keygen")
        .arg("-o")
        .arg(&key)
        .output()
        .expect("age-keygen");
    assert!(st.status.success());
    let line = home
        .cmd()
        .args(["encrypt", "-m", "hi", "-i"])
        .arg(&key)
        .output()
        .expect("encrypt");
    assert!(
        line.status.success(),
        "{}",
        String::from_utf8_lossy(&line.stderr)
    );
    home.cmd()
        .args(["decrypt", "-i"])
        .arg(&key)
        .write_stdin(line.stdout)
        .assert()
        .success()
        .stdout(predicate::str::contains("tester: hi"));
}

#[test]
fn write_only_recipient_can_post_but_not_read() {
    let home = Home::new();
    let (_, recipient) = home.keys();
    let poster = Home::new();
    poster.cmd().arg("keygen").assert().success();
    let out = poster
        .cmd()
        .args(["encrypt", "-m", "cron says hi", "-r", &recipient])
        .output()
        .expect("encrypt");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The poster has no room key, so it cannot read its own record.
    poster
        .cmd()
        .arg("decrypt")
        .write_stdin(out.stdout.clone())
        .assert()
        .code(6)
        .stderr(predicate::str::contains("no room key"));
    // The room's members can, and the room id matches (no "another room" finding).
    decrypt(&home, &String::from_utf8_lossy(&out.stdout), &["--verify"]);
    home.cmd()
        .args(["decrypt", "--verify"])
        .write_stdin(out.stdout)
        .assert()
        .success()
        .stdout(predicate::str::contains("cron says hi"));
}

/// Six records of one feed, made through the binary.
fn feed(home: &Home, n: usize) -> Vec<String> {
    home.keys();
    let out = home
        .cmd()
        .args(["encrypt", "--lines", "--name", "alice"])
        .write_stdin(
            (1..=n)
                .map(|i| format!("message {i}\n"))
                .collect::<String>(),
        )
        .output()
        .expect("encrypt");
    lines(&out.stdout)
}

fn expect_finding(
    home: &Home,
    input: &[String],
    args: &[&str],
    code: i32,
    finding: &str,
) -> String {
    let out = decrypt(home, &(input.join("\n") + "\n"), args);
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(code), "stderr: {err}");
    assert!(err.contains(finding), "expected {finding:?} in: {err}");
    String::from_utf8_lossy(&out.stdout).to_string()
}

#[test]
fn tampering_is_detected_and_named() {
    let home = Home::new();
    let recs = feed(&home, 6);

    // A flipped byte inside the ciphertext: not shown, named by line, feed and seq.
    let mut flipped = recs.clone();
    let mut bytes = flipped[2].clone().into_bytes();
    let i = bytes.len() - 20;
    bytes[i] = if bytes[i] == b'A' { b'B' } else { b'A' };
    flipped[2] = String::from_utf8(bytes).expect("ascii");
    let shown = expect_finding(&home, &flipped, &[], 1, "line 3 (feed ");
    assert!(
        !shown.contains("message 3"),
        "tampered record shown: {shown}"
    );
    assert!(shown.contains("message 4"), "later records still shown");

    // A dropped middle record: a gap, an error with --verify.
    let mut dropped = recs.clone();
    dropped.remove(3);
    expect_finding(&home, &dropped, &[], 0, "gap: record 4 is missing");
    expect_finding(
        &home,
        &dropped,
        &["--verify"],
        1,
        "gap: record 4 is missing",
    );

    // Reordered records.
    let mut reordered = recs.clone();
    reordered.swap(1, 2);
    expect_finding(&home, &reordered, &["--verify"], 1, "out of order");

    // A duplicate (replayed) record is shown once.
    let mut dup = recs.clone();
    dup.push(recs[1].clone());
    let shown = expect_finding(&home, &dup, &["--verify"], 1, "duplicate");
    assert_eq!(shown.matches("message 2").count(), 1);

    // A truncated line, garbage and invalid UTF-8 do not stop the others.
    let mut junk = recs.clone();
    junk[0] = recs[0][..recs[0].len() / 2].to_string();
    junk.insert(2, "this is not a record".into());
    let mut input = junk.join("\n").into_bytes();
    input.extend_from_slice(b"\n\xff\xfe\xfd\n");
    let out = home
        .cmd()
        .arg("decrypt")
        .write_stdin(input)
        .output()
        .expect("decrypt");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(err.contains("line 1 (feed "), "{err}");
    assert!(err.contains("line 3: skipped: not a record line"), "{err}");
    assert!(err.contains("not valid UTF-8"), "{err}");
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 5);

    // The wrong room key.
    let other = Home::new();
    other.keys();
    expect_finding(&other, &recs[..1], &[], 1, "cannot decrypt");
}

#[test]
fn forks_and_cross_room_replays_are_named() {
    let home = Home::new();
    home.keys();
    let room = RoomKey::load(&home.config().join("room.key")).expect("room key");
    let id = DeviceIdentity::load(&home.config().join("identity.key")).expect("identity");
    let first = home.encrypt("one", "alice");
    let env = |seq, body: &str, room: &RoomKey| Envelope {
        seen: Default::default(),
        v: 1,
        room: room.room_id().to_string(),
        from: b64(id.signing_key().verifying_key().as_bytes()),
        name: "alice".into(),
        seq,
        prev: Some(ftpchat::protocol::record::line_hash(&first)),
        ts: "2026-11-22T10:00:00Z".into(),
        kind: "message".into(),
        body: body.into(),
    };
    let a = seal(
        &env(2, "two", &room),
        id.signing_key(),
        &room.current_recipient(),
    )
    .expect("seal");
    let b = seal(
        &env(2, "TWO, rewritten", &room),
        id.signing_key(),
        &room.current_recipient(),
    )
    .expect("seal");
    let out = expect_finding(&home, &[first.clone(), a, b], &[], 1, "fork");
    assert!(
        out.contains("alice [NOT VERIFIED]: TWO, rewritten"),
        "{out}"
    );

    // Signed for another room, re-encrypted to this one by someone holding both keys.
    let elsewhere = RoomKey::generate();
    let replay = seal(
        &env(2, "from elsewhere", &elsewhere),
        id.signing_key(),
        &room.current_recipient(),
    )
    .expect("seal");
    let out = expect_finding(
        &home,
        &[first, replay],
        &[],
        1,
        "replayed from another room",
    );
    assert!(!out.contains("from elsewhere"));
}

#[test]
fn journal_gives_distinct_gapless_seqs_under_concurrency() {
    let home = Home::new();
    home.keys();
    let procs: Vec<_> = (0..8)
        .map(|p| {
            let mut c = std::process::Command::new(assert_cmd::cargo::cargo_bin("ftpchat"));
            c.env_clear()
                .env("FTPCHAT_HOME", home.config())
                .env("HOME", home.path())
                .args(["encrypt", "--lines", "--name", &format!("p{p}")])
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped());
            let mut child = c.spawn().expect("spawn");
            use std::io::Write;
            let input: String = (0..5).map(|i| format!("p{p} m{i}\n")).collect();
            child
                .stdin
                .take()
                .expect("stdin")
                .write_all(input.as_bytes())
                .expect("write");
            child
        })
        .collect();
    let mut all = Vec::new();
    for child in procs {
        let out = child.wait_with_output().expect("wait");
        assert!(out.status.success());
        all.extend(lines(&out.stdout));
    }
    let mut seqs: Vec<u64> = all
        .iter()
        .map(|l| l.split('.').nth(2).expect("seq").parse().expect("n"))
        .collect();
    seqs.sort_unstable();
    assert_eq!(seqs, (1..=40).collect::<Vec<_>>());
    // The journal, in file order, is a valid chain.
    let journal = std::fs::read_dir(home.config().join("state/journal"))
        .expect("journal dir")
        .flatten()
        .next()
        .expect("room dir")
        .path();
    let log = std::fs::read_dir(&journal)
        .expect("read")
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "log"))
        .expect("log");
    home.cmd()
        .args(["decrypt", "--verify"])
        .write_stdin(std::fs::read(log).expect("log"))
        .assert()
        .success();
}

#[cfg(unix)]
#[test]
fn loose_key_permissions_are_refused_without_leaking_the_key() {
    use std::os::unix::fs::PermissionsExt;
    let home = Home::new();
    home.keys();
    for f in ["identity.key", "room.key"] {
        let path = home.config().join(f);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        let secret = std::fs::read_to_string(&path).expect("read");
        let secret_line = secret
            .lines()
            .find(|l| !l.starts_with('#'))
            .expect("key line")
            .to_string();
        let out = home
            .cmd()
            .args(["encrypt", "-m", "x"])
            .output()
            .expect("encrypt");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(6), "{err}");
        assert!(err.contains("chmod 600"), "{err}");
        assert!(!err.contains(&secret_line[20..]), "secret leaked: {err}");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    }
}

#[test]
fn wrong_kind_of_key_file_is_explained_without_leaking_it() {
    let home = Home::new();
    home.keys();
    let id = home.config().join("identity.key");
    let secret = std::fs::read_to_string(&id).expect("read");
    let out = home
        .cmd()
        .arg("decrypt")
        .arg("-i")
        .arg(&id)
        .write_stdin("")
        .output()
        .expect("decrypt");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(6));
    assert!(err.contains("device identity, not a room key"), "{err}");
    for l in secret.lines().filter(|l| !l.starts_with('#')) {
        assert!(!err.contains(&l[25..]), "leaked {err}");
    }
}

#[test]
fn broken_pipe_exits_quietly() {
    let home = Home::new();
    let recs = feed(&home, 3);
    let script = format!(
        "printf '%s\\n' {} | {} decrypt | head -c 1 >/dev/null; echo ${{PIPESTATUS[1]}}",
        recs.iter()
            .map(|r| format!("'{r}'"))
            .collect::<Vec<_>>()
            .join(" "),
        assert_cmd::cargo::cargo_bin("ftpchat").display()
    );
    let out = std::process::Command::new("bash")
        .args(["-c", &script])
        .env("FTPCHAT_HOME", home.config())
        .output()
        .expect("bash");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "0",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

// ----- legacy FTPChat lines -----

fn fixtures() -> &'static Path {
    Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/legacy"
    ))
}

/// The fixture passphrase, copied to a 0600 file (git does not keep modes).
fn passphrase_file(home: &Home) -> std::path::PathBuf {
    let p = home.path().join("pass.txt");
    std::fs::copy(fixtures().join("passphrase.txt"), &p).expect("copy");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    }
    p
}

#[test]
fn legacy_golden_fixtures_decrypt_as_expected() {
    let home = Home::new();
    let pass = passphrase_file(&home);
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(fixtures().join("expected.json")).expect("expected"),
    )
    .expect("json");
    for (file, entries) in expected.as_object().expect("object") {
        let out = home
            .cmd()
            .args(["decrypt", "--json", "--legacy-passphrase-file"])
            .arg(&pass)
            .write_stdin(std::fs::read(fixtures().join(file)).expect("fixture"))
            .output()
            .expect("decrypt");
        let got: Vec<Value> = lines(&out.stdout)
            .iter()
            .map(|l| serde_json::from_str(l).expect("json"))
            .collect();
        let want: Vec<&Value> = entries
            .as_array()
            .expect("array")
            .iter()
            .filter(|e| e.get("bad").is_none())
            .collect();
        assert_eq!(got.len(), want.len(), "{file}: {got:?}");
        for (g, w) in got.iter().zip(&want) {
            assert_eq!(g["format"], "legacy");
            assert_eq!(g["verified"], false);
            assert!(
                g["reason"]
                    .as_str()
                    .expect("reason")
                    .contains("no sender authentication")
            );
            assert_eq!(g["legacy_version"], w["version"], "{file}");
            assert_eq!(g["name"], w["name"], "{file}");
            assert_eq!(g["body"], w["message"], "{file}");
            assert_eq!(g["ts"], w["time"], "{file}");
        }
        let bad = entries
            .as_array()
            .expect("array")
            .iter()
            .filter(|e| e.get("bad").is_some())
            .count();
        // Blank lines are skipped silently; every other bad line fails the run.
        let code = out.status.code().expect("code");
        assert_eq!(
            code == 1,
            bad > 0 && file == "mixed.txt",
            "{file}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn legacy_lines_interoperate_with_python_fernet_both_ways() {
    if !have("python3") {
        return;
    }
    let py_ok = std::process::Command::new("python3")
        .args(["-c", "import cryptography"])
        .status()
        .is_ok_and(|s| s.success());
    if !py_ok {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "python3 cryptography required in CI"
        );
        return;
    }
    let home = Home::new();
    let pass = passphrase_file(&home);
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/python/ftpchat_legacy.py"
    );
    // ftpchat writes, Python reads: dated (v1), base64-wrapped (v2), short (v3).
    for (flags, version) in [
        (vec![], "v1"),
        (vec!["--legacy-base64"], "v2"),
        (vec!["--legacy-layout", "short"], "v3"),
    ] {
        let out = home
            .cmd()
            .args([
                "encrypt",
                "--legacy",
                "--name",
                "rustacean",
                "-m",
                "grüße: from rust",
            ])
            .args(&flags)
            .arg("--legacy-passphrase-file")
            .arg(&pass)
            .output()
            .expect("encrypt");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let py = std::process::Command::new("python3")
            .args([script, "decrypt", "--passphrase-file"])
            .arg(&pass)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("python");
        use std::io::Write;
        let mut py = py;
        py.stdin
            .take()
            .expect("stdin")
            .write_all(&out.stdout)
            .expect("write");
        let res = py.wait_with_output().expect("python");
        let v: Value = serde_json::from_slice(&res.stdout).expect("python json");
        assert_eq!(v["ok"], true, "{v}");
        assert_eq!(v["version"], version);
        assert_eq!(v["name"], "rustacean");
        assert_eq!(v["message"], "grüße: from rust");
    }
    // Python writes, ftpchat reads, each version (v2 with CRLF).
    for (version, crlf) in [("v1", false), ("v2", true), ("v3", false)] {
        let mut py = std::process::Command::new("python3");
        py.args([
            script,
            "encrypt",
            "--name",
            "snake",
            "--version",
            version,
            "--passphrase-file",
        ])
        .arg(&pass);
        if crlf {
            py.arg("--crlf");
        }
        let out = py
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .and_then(|mut c| {
                use std::io::Write;
                c.stdin
                    .take()
                    .expect("stdin")
                    .write_all(b"hello from python\n")?;
                c.wait_with_output()
            })
            .expect("python encrypt");
        assert!(out.status.success());
        let got = home
            .cmd()
            .args(["decrypt", "--json", "--legacy-passphrase-file"])
            .arg(&pass)
            .write_stdin(out.stdout)
            .output()
            .expect("decrypt");
        assert!(
            got.status.success(),
            "{}",
            String::from_utf8_lossy(&got.stderr)
        );
        let v: Value = serde_json::from_slice(&got.stdout).expect("json");
        assert_eq!(
            (
                v["legacy_version"].as_str(),
                v["name"].as_str(),
                v["body"].as_str()
            ),
            (Some(version), Some("snake"), Some("hello from python"))
        );
    }
}

#[test]
fn legacy_line_without_passphrase_is_explained() {
    let home = Home::new();
    home.keys();
    let line = std::fs::read_to_string(fixtures().join("chat-v1.txt")).expect("fixture");
    home.cmd()
        .arg("decrypt")
        .write_stdin(line)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("FTPCHAT_LEGACY_PASSPHRASE"));
}

// ----- golden native fixtures: records made by an earlier build must keep decrypting -----

#[test]
fn native_golden_fixture_still_decrypts() {
    let dir = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/native"
    ));
    let home = Home::new();
    let key = home.path().join("room.key");
    std::fs::copy(dir.join("room.key"), &key).expect("copy");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    }
    let out = home
        .cmd()
        .args(["decrypt", "--verify", "--json", "-i"])
        .arg(&key)
        .write_stdin(std::fs::read(dir.join("records.txt")).expect("records"))
        .output()
        .expect("decrypt");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let expected = std::fs::read_to_string(dir.join("expected.jsonl")).expect("expected");
    assert_eq!(String::from_utf8(out.stdout).expect("utf8"), expected);
}

#[test]
fn legacy_tokens_from_a_fast_clock_are_read_as_the_app_reads_them() {
    if !have("python3") {
        return;
    }
    let home = Home::new();
    let pass = passphrase_file(&home);
    // A token stamped an hour ahead (the writer's clock runs fast): Python's Fernet reads
    // it without a TTL, so must we.
    let script = r#"
import base64, hashlib, sys, time, zlib
from cryptography.fernet import Fernet
salt = b"q6334#Q0q8294%E$(#$%^&^%$#@!#%^YHB>$W#CX>E"
key = base64.urlsafe_b64encode(hashlib.pbkdf2_hmac("sha256", open(sys.argv[1], "rb").read(), salt, 100000, 32))
print(Fernet(key).encrypt_at_time(zlib.compress(b"2026-11-20 09:15:a: from the future"), int(time.time()) + 3600).decode())
"#;
    let out = std::process::Command::new("python3")
        .args(["-c", script])
        .arg(&pass)
        .output()
        .expect("python");
    if !out.status.success() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        return;
    }
    home.cmd()
        .args(["decrypt", "--legacy-passphrase-file"])
        .arg(&pass)
        .write_stdin(out.stdout)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "a [legacy, unauthenticated]: from the future",
        ));
}

#[test]
fn a_fake_time_or_bidi_text_cannot_spoof_a_line() {
    let home = Home::new();
    home.keys();
    let room = RoomKey::load(&home.config().join("room.key")).expect("room key");
    let id = DeviceIdentity::load(&home.config().join("identity.key")).expect("identity");
    let env = |seq, ts: &str, body: &str| Envelope {
        seen: Default::default(),
        v: 1,
        room: room.room_id().to_string(),
        from: b64(id.signing_key().verifying_key().as_bytes()),
        name: "mallory".into(),
        seq,
        prev: None,
        ts: ts.into(),
        kind: "message".into(),
        body: body.into(),
    };
    // A free-text time that would print a whole line ahead of the sender's own name.
    let spoof = seal(
        &env(
            1,
            "2026-12-03 06:20:00 alice: Approved, pay it",
            &" ".repeat(40),
        ),
        id.signing_key(),
        &room.current_recipient(),
    )
    .expect("seal");
    let out = expect_finding(
        &home,
        &[spoof],
        &["--utc"],
        1,
        "its time is not an RFC 3339 timestamp",
    );
    assert!(!out.contains("alice: Approved"), "{out}");
    assert!(out.contains("mallory [NOT VERIFIED]"), "{out}");

    // Bidi overrides in a body are shown escaped, not obeyed.
    let bidi = seal(
        &env(1, "2026-12-03T06:20:00Z", "open report\u{202E}fdp.sh now"),
        id.signing_key(),
        &room.current_recipient(),
    )
    .expect("seal");
    let out = decrypt(&home, &(bidi + "\n"), &["--utc"]);
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(!shown.contains('\u{202E}'), "{shown}");
    assert!(shown.contains("report\\u{202e}fdp.sh"), "{shown}");
}
