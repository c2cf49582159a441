//! Attachments: a 50 MB round trip with matching hashes, an interrupted upload that
//! resumes instead of starting over, and hostile names that cannot escape the download
//! directory.

#![allow(
    clippy::print_stderr,
    reason = "tests report progress and skips on stderr"
)]

mod common;
mod support;
#[path = "common/target.rs"]
mod target;

use std::time::{Duration, Instant};

use common::{members, ok};
use serde_json::Value;
use sha2::{Digest, Sha256};
use support::FaultProxy;
use target::{Target, at, start_embedded};

/// A file of `len` pseudo-random bytes (incompressible, deterministic).
fn make_file(path: &std::path::Path, len: usize) -> String {
    let mut data = Vec::with_capacity(len);
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    while data.len() < len {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        data.extend_from_slice(&x.to_le_bytes());
    }
    data.truncate(len);
    std::fs::write(path, &data).expect("write");
    format!("{:x}", Sha256::digest(&data))
}

fn sha_of(path: &std::path::Path) -> String {
    format!("{:x}", Sha256::digest(std::fs::read(path).expect("read")))
}

#[test]
fn a_50_mb_file_round_trips_with_matching_hashes() {
    for t in [Target::embedded()]
        .into_iter()
        .chain(support::vsftpd().map(Target::server))
        .chain(support::sshd().map(Target::sftp))
        .chain([Target::folder()])
    {
        let (alice, bob) = members();
        let file = alice.path().join("big.bin");
        let want = make_file(&file, 50 * 1024 * 1024);
        let start = Instant::now();
        ok(
            t.cmd(
                &alice,
                "files",
                &[
                    "send",
                    "--file",
                    file.to_str().expect("path"),
                    "the big one",
                ],
            )
            .output()
            .expect("send"),
            "send --file",
        );
        eprintln!("{}: 50 MB sent in {:?}", t.name, start.elapsed());
        let shown = ok(
            t.cmd(&bob, "files", &["watch", "--once", "--json"])
                .output()
                .expect("watch"),
            "watch",
        );
        let v: Value =
            serde_json::from_str(shown.lines().next().expect("a message")).expect("json");
        assert_eq!(v["kind"], "attachment");
        assert_eq!(v["verified"], true);
        // The text is the body; the file's key is in neither.
        assert_eq!(v["body"], "the big one");
        assert!(!shown.contains("AGE-SECRET-KEY"), "{shown}");
        let meta = &v["attachment"];
        assert_eq!(
            (meta["name"].as_str(), meta["size"].as_u64()),
            (Some("big.bin"), Some(52_428_800))
        );
        assert_eq!(meta["sha256"], want);
        let dir = bob.path().join("downloads");
        let start = Instant::now();
        ok(
            t.cmd(
                &bob,
                "files",
                &["pull", "--all", "--attachments", dir.to_str().expect("dir")],
            )
            .output()
            .expect("pull"),
            "pull --attachments",
        );
        eprintln!(
            "{}: 50 MB fetched and checked in {:?}",
            t.name,
            start.elapsed()
        );
        assert_eq!(sha_of(&dir.join("big.bin")), want, "{}", t.name);
        // What the relay stores is ciphertext named by its own hash.
        let blobs: Vec<_> = std::fs::read_dir(t.root.join("files/blobs"))
            .expect("blobs")
            .flatten()
            .collect();
        assert_eq!(blobs.len(), 1);
        let blob = blobs[0].path();
        assert_eq!(
            format!("{}.age", sha_of(&blob)),
            blob.file_name().expect("name").to_string_lossy()
        );
        assert_ne!(sha_of(&blob), want);
    }
}

#[test]
fn an_interrupted_upload_resumes_where_it_stopped() {
    let root = tempfile::tempdir().expect("root");
    let relay = start_embedded(root.path(), "127.0.0.1:0".parse().expect("addr"));
    let proxy = FaultProxy::start(relay.addr());
    let via = format!("ftp://chat@127.0.0.1:{}/", proxy.port());
    let direct = format!("ftp://chat@{}/", relay.addr());
    let (alice, bob) = members();
    let file = alice.path().join("data.bin");
    let want = make_file(&file, 8 * 1024 * 1024);
    // The upload is cut after 2 MB and the relay then becomes unreachable: the send
    // fails, keeping the encrypted file.
    proxy.cut_data_after(Some(2 * 1024 * 1024));
    let blobs = root.path().join("up/blobs");
    let watcher = {
        let blobs = blobs.clone();
        let proxy_down = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = proxy_down.clone();
        let handle = std::thread::spawn(move || {
            let deadline = Instant::now() + Duration::from_secs(30);
            while Instant::now() < deadline {
                let partial = std::fs::read_dir(&blobs)
                    .ok()
                    .and_then(|d| d.flatten().next())
                    .and_then(|e| e.metadata().ok())
                    .map_or(0, |m| m.len());
                if partial > 0 {
                    flag.store(true, std::sync::atomic::Ordering::SeqCst);
                    return;
                }
                std::thread::sleep(Duration::from_millis(5));
            }
        });
        (handle, proxy_down)
    };
    // Take the proxy down as soon as the first bytes land, so every retry is refused.
    let down_thread = {
        let flag = watcher.1.clone();
        let p = &proxy;
        std::thread::scope(|s| {
            s.spawn(|| {
                let deadline = Instant::now() + Duration::from_secs(30);
                while !flag.load(std::sync::atomic::Ordering::SeqCst) && Instant::now() < deadline {
                    std::thread::sleep(Duration::from_millis(2));
                }
                p.set_down(true);
            });
            let out = at(
                &alice,
                &via,
                "up",
                &[
                    "send",
                    "--connect-timeout",
                    "1",
                    "--file",
                    file.to_str().expect("p"),
                ],
            )
            .output()
            .expect("send");
            let err = String::from_utf8_lossy(&out.stderr).to_string();
            (out.status.code(), err)
        })
    };
    watcher.0.join().expect("watcher");
    let (code, err) = down_thread;
    assert_ne!(code, Some(0), "the send should have failed: {err}");
    assert!(err.contains("resumes the upload"), "{err}");
    let partial: Vec<_> = std::fs::read_dir(&blobs)
        .expect("blobs")
        .flatten()
        .collect();
    assert_eq!(partial.len(), 1);
    let partial_name = partial[0].file_name();
    let partial_len = partial[0].metadata().expect("meta").len();
    assert!(
        partial_len > 0 && partial_len < 8 * 1024 * 1024,
        "partial upload of {partial_len} bytes"
    );

    // The same send again, relay reachable: it continues the same blob (same encrypted
    // file, same name) from where the relay's copy stops.
    ok(
        at(
            &alice,
            &direct,
            "up",
            &["send", "--file", file.to_str().expect("p")],
        )
        .output()
        .expect("send"),
        "resumed send",
    );
    let after: Vec<_> = std::fs::read_dir(&blobs)
        .expect("blobs")
        .flatten()
        .collect();
    assert_eq!(
        after.len(),
        1,
        "a second blob means the upload restarted instead of resuming"
    );
    assert_eq!(after[0].file_name(), partial_name);
    let dir = bob.path().join("got");
    ok(
        at(
            &bob,
            &direct,
            "up",
            &["pull", "--all", "--attachments", dir.to_str().expect("d")],
        )
        .output()
        .expect("pull"),
        "pull",
    );
    assert_eq!(sha_of(&dir.join("data.bin")), want);
}

#[test]
fn hostile_attachment_names_cannot_escape_the_download_directory() {
    let t = Target::embedded();
    let (alice, bob) = members();
    let file = alice.path().join("note.txt");
    std::fs::write(&file, "harmless").expect("write");
    ok(
        t.cmd(&alice, "h", &["send", "--file", file.to_str().expect("p")])
            .output()
            .expect("send"),
        "send",
    );
    // Alice (a member, so her records verify) re-announces the same blob under hostile
    // names, appending properly chained records to her own feed on the relay.
    let room =
        ftpchat::protocol::keys::RoomKey::load(&alice.config().join("room.key")).expect("room key");
    let id = ftpchat::protocol::keys::DeviceIdentity::load(&alice.config().join("identity.key"))
        .expect("identity");
    let feed =
        ftpchat::protocol::keys::feed_pseudonym(room.room_id(), &id.signing_key().verifying_key());
    let feed_path = t.root.join("h").join(format!("{feed}.log"));
    let first = std::fs::read_to_string(&feed_path)
        .expect("feed")
        .lines()
        .next()
        .expect("record")
        .to_string();
    let opened = ftpchat::protocol::record::open(
        &ftpchat::protocol::record::parse_line(&first).expect("line"),
        std::slice::from_ref(&room),
    )
    .expect("open");
    let mut meta: Value = serde_json::from_str(&opened.envelope.body).expect("meta");
    let mut prev = first.clone();
    let mut lines = String::new();
    for (seq, name) in [
        (2u64, "../../escape.txt"),
        (3, "/etc/evil.txt"),
        (4, ".."),
        (5, "sub/../../x\u{1b}[31m.txt"),
    ] {
        meta["name"] = Value::String(name.into());
        let env = ftpchat::protocol::record::Envelope {
            seen: Default::default(),
            seq,
            prev: Some(ftpchat::protocol::record::line_hash(&prev)),
            body: meta.to_string(),
            ..opened.envelope.clone()
        };
        let line =
            ftpchat::protocol::record::seal(&env, id.signing_key(), &room.current_recipient())
                .expect("seal");
        lines.push_str(&line);
        lines.push('\n');
        prev = line;
    }
    let mut bytes = std::fs::read(&feed_path).expect("read");
    bytes.extend_from_slice(lines.as_bytes());
    std::fs::write(&feed_path, bytes).expect("write");

    let outer = bob.path().join("outer");
    let dir = outer.join("inbox");
    ok(
        t.cmd(
            &bob,
            "h",
            &["pull", "--all", "--attachments", dir.to_str().expect("d")],
        )
        .output()
        .expect("pull"),
        "pull",
    );
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "attachment",
            "escape.txt",
            "evil.txt",
            "note.txt",
            "x[31m.txt"
        ]
    );
    // Nothing was written next to or above the download directory.
    let outside: Vec<_> = std::fs::read_dir(&outer)
        .expect("outer")
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(outside, [std::ffi::OsString::from("inbox")]);
    assert!(
        !bob.path().join("escape.txt").exists() && !std::path::Path::new("/etc/evil.txt").exists()
    );
    for n in &names {
        assert!(
            !n.contains('/') && !n.contains('\u{1b}') && !n.starts_with('.'),
            "{n:?}"
        );
        assert_eq!(
            std::fs::read_to_string(dir.join(n)).expect("read"),
            "harmless"
        );
    }
    assert_eq!(names.len(), 5, "{names:?}");
}

#[test]
fn ctrl_c_during_an_upload_says_it_was_not_sent_and_the_next_send_resumes() {
    let root = tempfile::tempdir().expect("root");
    let relay = start_embedded(root.path(), "127.0.0.1:0".parse().expect("addr"));
    let proxy = FaultProxy::start(relay.addr());
    proxy.set_throttle(Some(512 * 1024));
    let via = format!("ftp://chat@127.0.0.1:{}/", proxy.port());
    let direct = format!("ftp://chat@{}/", relay.addr());
    let (alice, bob) = members();
    let file = alice.path().join("big.bin");
    let want = make_file(&file, 8 * 1024 * 1024);
    let proc = std::process::Command::new(assert_cmd::cargo::cargo_bin("ftpchat"))
        .env_clear()
        .env("HOME", alice.path())
        .env("FTPCHAT_HOME", alice.config())
        .env("FTPCHAT_PASSWORD", "relay-pw")
        .env("USER", "tester")
        .args(["send", "--relay", &via, "--room", "up", "--file"])
        .arg(&file)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("send --file");
    // Wait until part of the blob is on the relay, then Ctrl-C.
    let blobs = root.path().join("up/blobs");
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        let partial = std::fs::read_dir(&blobs)
            .ok()
            .and_then(|d| d.flatten().next())
            .and_then(|e| e.metadata().ok())
            .map_or(0, |m| m.len());
        if partial > 256 * 1024 {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    std::process::Command::new("kill")
        .args(["-INT", &proc.id().to_string()])
        .status()
        .expect("kill -INT");
    let out = proc.wait_with_output().expect("wait");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{err}");
    assert!(
        err.contains("not sent"),
        "says the file was not sent: {err}"
    );
    let partial = std::fs::read_dir(&blobs)
        .expect("blobs")
        .flatten()
        .next()
        .expect("a partial blob")
        .metadata()
        .expect("meta")
        .len();
    assert!(partial > 0, "part of the upload stays on the relay");
    // The same command without the slow link finishes it, and bob gets the whole file.
    ok(
        at(
            &alice,
            &direct,
            "up",
            &["send", "--file", file.to_str().expect("utf8")],
        )
        .output()
        .expect("send again"),
        "send --file again",
    );
    let dir = bob.path().join("got");
    ok(
        at(
            &bob,
            &direct,
            "up",
            &[
                "pull",
                "--all",
                "--attachments",
                dir.to_str().expect("utf8"),
            ],
        )
        .output()
        .expect("pull"),
        "pull --attachments",
    );
    assert_eq!(sha_of(&dir.join("big.bin")), want);
}
