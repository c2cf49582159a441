//! Stores whose appends cannot be trusted: a server that accepts an append and then holds
//! only the appended bytes (as gateways in front of object storage do) is found out by
//! the append probe before the first record goes there, the verdict is remembered, and
//! every feed is written whole instead: nothing is lost. A real FTP server (pyftpdlib)
//! whose APPE replaces the file, on loopback.

mod common;
mod support;
#[path = "common/target.rs"]
mod target;

use std::path::Path;

use common::{Home, append_verdicts as verdicts, ok};
use target::Target;

fn records_in(dir: &Path) -> Vec<String> {
    let mut out = std::collections::BTreeSet::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        if e.path()
            .extension()
            .is_some_and(|x| x == "log" || x == "seg")
        {
            let text = std::fs::read_to_string(e.path()).unwrap_or_default();
            out.extend(text.lines().map(str::to_string));
        }
    }
    out.into_iter().collect()
}

/// Segment files (`<feed>.<first>-<last>.seg`) in `dir`.
fn segments_in(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.ends_with(".seg"))
        .collect()
}

/// With curl: uploads `first` as `raw.txt` under `url` (with its password), then
/// `second` with `--append`.
fn upload_then_append(url: &str) {
    assert!(common::have("curl"), "curl (scripts/test installs it)");
    let scratch = tempfile::tempdir().expect("tempdir");
    for (text, append) in [("first\n", false), ("second\n", true)] {
        let file = scratch.path().join("part");
        std::fs::write(&file, text).expect("write");
        let mut c = std::process::Command::new("curl");
        c.args(["-sS", "--max-time", "20", "-T"]).arg(&file);
        if append {
            c.arg("--append");
        }
        assert!(
            c.arg(format!("{url}raw.txt"))
                .status()
                .expect("curl")
                .success()
        );
    }
}

#[test]
fn an_append_that_replaces_the_file_is_found_out_and_no_record_is_lost() {
    let t = Target::server(support::pyftpdlib_appe_replaces().expect("pyftpdlib"));
    // The server as it is: a second upload with --append leaves only its own bytes.
    // ftp://user@host:port/ -> ftp://user:password@host:port/
    upload_then_append(&t.url.replacen('@', &format!(":{}@", t.password), 1));
    assert_eq!(
        std::fs::read_to_string(t.root.join("raw.txt")).expect("raw"),
        "second\n",
        "the server replaces on APPE"
    );

    // Four writers, five messages each, at once.
    let owner = Home::new();
    owner.keys();
    let writers: Vec<Home> = (0..4).map(|_| Home::joining(&owner)).collect();
    let room = "gateway";
    std::thread::scope(|s| {
        for (w, home) in writers.iter().enumerate() {
            let t = &t;
            s.spawn(move || {
                for i in 0..5 {
                    let out = t
                        .cmd(
                            home,
                            room,
                            &["send", "--name", &format!("w{w}"), &format!("m{w}-{i}")],
                        )
                        .output()
                        .expect("send");
                    ok(out, "send");
                }
            });
        }
    });
    let lines = records_in(&t.root.join(room));
    assert_eq!(lines.len(), 20, "every record is on the relay: {lines:#?}");
    // Each push wrote a segment of its own; no feed log was written, none rewritten.
    let segments = segments_in(&t.root.join(room));
    assert_eq!(segments.len(), 20, "{segments:?}");
    assert!(
        !std::fs::read_dir(t.root.join(room))
            .expect("room")
            .flatten()
            .any(|e| e.path().extension().is_some_and(|x| x == "log")),
        "no feed log on a store that cannot append"
    );
    for home in &writers {
        let v = verdicts(home);
        assert_eq!(v.len(), 1, "{v:?}");
        assert!(
            v[0].contains("\"appends\": false") && v[0].contains("replaced the file"),
            "{v:?}"
        );
    }
    let out = t.cmd(&owner, room, &["verify"]).output().expect("verify");
    let report = String::from_utf8_lossy(&out.stdout).to_string();
    assert_eq!(out.status.code(), Some(0), "{report}");
    assert!(report.contains("no findings"), "{report}");
    // No probe file is left behind, and none was taken for a feed.
    let left: Vec<String> = std::fs::read_dir(t.root.join(room))
        .expect("room")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with(".ftpchat") && n != ".ftpchat-changes")
        .collect();
    assert!(left.is_empty(), "{left:?}");
    // The change marker is rewritten whole where appends replace the file.
    let marker = std::fs::read(t.root.join(room).join(".ftpchat-changes")).expect("marker");
    assert!(
        (1..=64).contains(&marker.len()) && marker.iter().all(|&b| b == b'\n'),
        "{marker:?}"
    );
}

#[test]
fn a_long_feed_without_appends_stays_a_few_segments_and_reads_back_once() {
    let t = Target::server(support::pyftpdlib_appe_replaces().expect("pyftpdlib"));
    let owner = Home::new();
    owner.keys();
    let room = "segments";
    let n = 40;
    for i in 0..n {
        ok(
            t.cmd(&owner, room, &["send", &format!("note {i:02}")])
                .output()
                .expect("send"),
            "send",
        );
        // The writer merges as it goes: never more than two runs of 15 small segments.
        let segments = segments_in(&t.root.join(room));
        assert!(segments.len() <= 30, "after send {i}: {segments:?}");
    }
    // 16 single-record segments became 1-16; with 15 more, 1-31; then 9 singles.
    let segments = segments_in(&t.root.join(room));
    assert_eq!(segments.len(), 10, "{segments:?}");
    assert!(
        segments.iter().any(|s| s.ends_with(".1-31.seg")),
        "the first records were merged: {segments:?}"
    );
    // A reader shows each message once, in order, verified; verify finds nothing.
    let out = t
        .cmd(&owner, room, &["watch", "--once", "--json"])
        .output()
        .expect("watch");
    let bodies: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("json"))
        .filter(|v| v["verified"] == serde_json::Value::Bool(true))
        .filter_map(|v| v["body"].as_str().map(str::to_string))
        .collect();
    let want: Vec<String> = (0..n).map(|i| format!("note {i:02}")).collect();
    assert_eq!(bodies, want, "{}", String::from_utf8_lossy(&out.stderr));
    let out = t.cmd(&owner, room, &["verify"]).output().expect("verify");
    let report = String::from_utf8_lossy(&out.stdout).to_string();
    assert_eq!(out.status.code(), Some(0), "{report}");
    assert!(report.contains("no findings"), "{report}");
}

#[test]
fn an_honest_server_is_probed_once_and_remembered() {
    let s = support::vsftpd().expect("vsftpd (scripts/test installs it)");
    let home = Home::new();
    home.keys();
    for i in 0..3 {
        let out = home
            .cmd()
            .args(["send", &format!("m{i}")])
            .args(["--relay", &s.url("/"), "--room", "honest"])
            .env("FTPCHAT_PASSWORD", &s.password)
            .output()
            .expect("send");
        ok(out, "send");
    }
    let v = verdicts(&home);
    assert_eq!(v.len(), 1, "{v:?}");
    assert!(v[0].contains("\"appends\": true"), "{v:?}");
    let commands = s.commands();
    let probes: Vec<&String> = commands
        .iter()
        .filter(|c| c.starts_with("APPE") && c.contains(".ftpchat-append-probe"))
        .collect();
    assert_eq!(probes.len(), 1, "one probe for three sends: {commands:#?}");
    let appends = commands
        .iter()
        .filter(|c| c.starts_with("APPE") && c.ends_with(".log"))
        .count();
    assert_eq!(appends, 3, "each record appended: {commands:#?}");
}

#[test]
fn every_kind_of_relay_that_appends_is_found_to() {
    let mut targets = Target::all();
    targets.push(Target::server(
        support::pure_ftpd().expect("pure-ftpd (scripts/test unpacks it)"),
    ));
    for t in targets {
        let home = Home::new();
        home.keys();
        ok(
            t.cmd(&home, "kinds", &["send", "hello"])
                .output()
                .expect("send"),
            t.name,
        );
        let v = verdicts(&home);
        assert_eq!(v.len(), 1, "{}: {v:?}", t.name);
        assert!(
            v[0].contains("\"appends\": true") && v[0].contains("landed at the end"),
            "{}: {v:?}",
            t.name
        );
    }
}

#[test]
fn upstream_rclone_serve_ftp_with_write_caching_is_found_out_and_twenty_writers_lose_nothing() {
    let r = support::rclone_ftp().expect("upstream rclone (scripts/test unpacks it)");
    let url = r.url();
    // The server as it is: what an append leaves, read back over FTP.
    let with_pw = url.replacen('@', &format!(":{}@", r.password), 1);
    upload_then_append(&with_pw);
    let back = std::process::Command::new("curl")
        .args(["-sS", "--max-time", "20"])
        .arg(format!("{with_pw}raw.txt"))
        .output()
        .expect("curl");
    assert_eq!(
        String::from_utf8_lossy(&back.stdout),
        "second\n",
        "rclone's FTP server with write caching replaces a file on APPE"
    );

    // 20 writers x 10 messages at once.
    let owner = Home::new();
    owner.keys();
    let writers: Vec<Home> = (0..20).map(|_| Home::joining(&owner)).collect();
    let room = "busy";
    std::thread::scope(|s| {
        for (w, home) in writers.iter().enumerate() {
            let (url, pw) = (&url, &r.password);
            s.spawn(move || {
                for i in 0..10 {
                    let out = home
                        .cmd()
                        .args(["send", "--name", &format!("w{w}"), &format!("w{w} m{i}")])
                        .args(["--relay", url, "--room", room])
                        .env("FTPCHAT_PASSWORD", pw)
                        .output()
                        .expect("send");
                    ok(out, "send");
                }
            });
        }
    });
    for home in &writers {
        let v = verdicts(home);
        assert!(
            v.len() == 1 && v[0].contains("\"appends\": false") && v[0].contains("replaced"),
            "{v:?}"
        );
    }
    let pulled = ok(
        owner
            .cmd()
            .args(["pull", "--all", "--relay", &url, "--room", room])
            .env("FTPCHAT_PASSWORD", &r.password)
            .output()
            .expect("pull"),
        "pull --all",
    );
    let out = owner
        .cmd()
        .args(["decrypt", "--verify", "--json"])
        .write_stdin(pulled)
        .output()
        .expect("decrypt");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut bodies: Vec<String> = text
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("json"))
        .filter_map(|v| v["body"].as_str().map(str::to_string))
        .collect();
    bodies.sort();
    let shown = bodies.len();
    bodies.dedup();
    assert_eq!(bodies.len(), 200, "every message, verified");
    assert_eq!(shown, 200, "each message once");
}
