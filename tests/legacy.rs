//! Legacy rooms round 2 (issue 14): rooms shared with the original FTPChat app. Each test
//! runs the real binary against the embedded relay or vsftpd; lines are checked with the
//! Python reimplementation of the app's format in tests/python where the app's reading
//! matters.

#![allow(clippy::print_stderr, reason = "tests report figures on stderr")]

mod common;
mod support;
#[path = "common/target.rs"]
mod target;

use std::path::{Path, PathBuf};
use std::process::Stdio;

use common::{Home, have, ok};
use serde_json::Value;
use target::{Target, at, start_embedded};

fn pass_file(home: &Home) -> PathBuf {
    let p = home.path().join("chat.pass");
    std::fs::write(&p, "correct horse battery staple").expect("write");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    p
}

/// `ftpchat ARGS --legacy --legacy-passphrase-file P` in room `old` at `url`.
fn legacy(home: &Home, url: &str, args: &[&str]) -> assert_cmd::Command {
    let pass = pass_file(home);
    let mut c = at(home, url, "old", args);
    c.args(["--legacy", "--legacy-passphrase-file"]).arg(pass);
    c
}

/// Legacy lines by `ftpchat encrypt --legacy --name NAME`, one per input line.
fn encrypt(home: &Home, name: &str, input: &str) -> String {
    let mut c = home.cmd();
    c.args([
        "encrypt",
        "--legacy",
        "--lines",
        "--name",
        name,
        "--legacy-passphrase-file",
    ])
    .arg(pass_file(home))
    .write_stdin(input);
    ok(c.output().expect("encrypt"), "encrypt")
}

/// The messages `watch --once --json` reads from the room, as JSON values.
fn read_all(home: &Home, url: &str) -> (Vec<Value>, String) {
    let out = legacy(home, url, &["watch", "--once", "--all", "--json"])
        .output()
        .expect("watch");
    let messages = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    (messages, String::from_utf8_lossy(&out.stderr).into_owned())
}

/// The Python peer's decoding of every line of a chat file.
fn python_reads(chat: &Path, pass: &Path) -> Vec<Value> {
    assert!(have("python3"), "python3 is needed for the legacy peer");
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/python/ftpchat_legacy.py"
    );
    let out = std::process::Command::new("python3")
        .args([script, "decrypt", "--passphrase-file"])
        .arg(pass)
        .stdin(std::fs::File::open(chat).expect("chat file"))
        .stderr(Stdio::inherit())
        .output()
        .expect("python3");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect()
}

#[test]
fn encrypt_then_push_delivers_legacy_lines() {
    let root = tempfile::tempdir().expect("root");
    let relay = start_embedded(root.path(), "127.0.0.1:0".parse().expect("addr"));
    let url = format!("ftp://chat@{}/", relay.addr());
    let home = Home::new();
    let lines = encrypt(&home, "cron", "first\nsecond\n");
    assert_eq!(lines.lines().count(), 2);
    // push moves ciphertext only: no passphrase needed.
    let out = at(&home, &url, "old", &["push", "--legacy"])
        .write_stdin(lines)
        .output()
        .expect("push");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (read, _) = read_all(&home, &url);
    let bodies: Vec<&str> = read.iter().filter_map(|m| m["body"].as_str()).collect();
    assert_eq!(bodies, ["first", "second"]);
    // Lines that are not the app's are refused, and nothing given means no exit 0.
    let out = at(&home, &url, "old", &["push", "--legacy"])
        .write_stdin("fc1.aaaaaaaaaaaaaaaa.1.A\nhello\n")
        .output()
        .expect("push");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("not a chat line of the original FTPChat app")
            && err.contains("nothing pushed"),
        "{err}"
    );
    let chat = std::fs::read_to_string(root.path().join("old.txt")).expect("chat");
    assert_eq!(chat.lines().count(), 2, "{chat}");
}

#[test]
fn each_app_version_gets_its_own_layout_and_names_with_colon_space_are_refused() {
    let root = tempfile::tempdir().expect("root");
    let relay = start_embedded(root.path(), "127.0.0.1:0".parse().expect("addr"));
    let url = format!("ftp://chat@{}/", relay.addr());
    let home = Home::new();
    for (format, body) in [("v16", "for 1.6"), ("v17", "for 1.7"), ("v23", "for 2.3")] {
        ok(
            legacy(
                &home,
                &url,
                &["send", "--name", "ann", "--legacy-format", format, body],
            )
            .output()
            .expect("send"),
            "send",
        );
    }
    let chat = root.path().join("old.txt");
    let text = std::fs::read_to_string(&chat).expect("chat");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines[0].starts_with("Z0FBQUFB"), "{text}");
    assert!(lines[1..].iter().all(|l| l.starts_with("gAAAAA")), "{text}");
    // The app's own reading: 1.6 lines are wrapped, 2.3 lines have the short layout.
    let python = python_reads(&chat, &pass_file(&home));
    let versions: Vec<&str> = python
        .iter()
        .filter_map(|m| m["version"].as_str())
        .collect();
    assert_eq!(versions, ["v2", "v1", "v3"], "{python:?}");
    assert!(python.iter().all(|m| m["name"] == "ann"), "{python:?}");
    let out = legacy(&home, &url, &["send", "--name", "Dr: Who", "hi"])
        .output()
        .expect("send");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("\": \""));
    assert_eq!(
        std::fs::read_to_string(&chat)
            .expect("chat")
            .lines()
            .count(),
        3
    );
}

#[test]
fn a_cut_off_line_glued_to_the_apps_append_loses_only_the_cut_one() {
    let root = tempfile::tempdir().expect("root");
    let relay = start_embedded(root.path(), "127.0.0.1:0".parse().expect("addr"));
    let url = format!("ftp://chat@{}/", relay.addr());
    let home = Home::new();
    let line = |body: &str| {
        encrypt(&home, "app", &format!("{body}\n"))
            .trim()
            .to_string()
    };
    let (cut, whole, next) = (line("cut off"), line("glued"), line("after"));
    // A writer lost its connection mid-line; the app appended without a newline first.
    std::fs::write(
        root.path().join("old.txt"),
        format!("{}{whole}\n{next}\n", &cut[..cut.len() / 2]),
    )
    .expect("plant");
    let (read, err) = read_all(&home, &url);
    let bodies: Vec<&str> = read.iter().filter_map(|m| m["body"].as_str()).collect();
    assert_eq!(bodies, ["glued", "after"], "{err}");
    assert!(err.contains("glued to the next one"), "{err}");
}

/// How many of `n` concurrent raw APPEs (curl, one line each) land in `file`: the
/// server's own behaviour, before anything ftpchat does.
fn raw_appends(t: &Target, file: &str, n: usize) -> usize {
    if t.name == "folder" {
        // No server in between: the filesystem's O_APPEND is the baseline.
        return raw_folder_appends(t, file, n);
    }
    let (scheme, rest) = t.url.split_once("://").expect("url");
    let (user, host) = rest.split_once('@').expect("user@host");
    // curl's sftp:// paths are absolute; `/~/` is the login directory.
    let url = match scheme {
        "sftp" => format!("sftp://{host}~{file}"),
        _ => format!("ftp://{host}{file}"),
    };
    let children: Vec<_> = (0..n)
        .map(|i| {
            let mut c = std::process::Command::new("curl");
            c.args(["-sS", "--max-time", "30", "--append", "-T", "-", "--user"])
                .arg(format!("{user}:{}", t.password))
                .arg(&url);
            if scheme == "sftp" {
                // The test server's key is not in root's known_hosts; loopback only.
                c.arg("--insecure");
            }
            if scheme == "ftps" {
                c.arg("--ssl-reqd")
                    .arg("--cacert")
                    .arg(t.ca_file.as_ref().expect("ca"));
            }
            let mut child = c.stdin(Stdio::piped()).spawn().expect("curl");
            let line = format!("raw line {i} {}\n", "x".repeat(200));
            use std::io::Write as _;
            child
                .stdin
                .take()
                .expect("stdin")
                .write_all(line.as_bytes())
                .expect("write");
            child
        })
        .collect();
    for mut c in children {
        let _ = c.wait();
    }
    let text =
        std::fs::read_to_string(t.root.join(file.trim_start_matches('/'))).unwrap_or_default();
    let mut lines: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("raw line "))
        .collect();
    lines.sort_unstable();
    lines.dedup();
    lines.len()
}

/// `n` processes appending one line each with `O_APPEND` (`sh -c 'echo ... >> file'`).
fn raw_folder_appends(t: &Target, file: &str, n: usize) -> usize {
    let path = t.root.join(file.trim_start_matches('/'));
    let children: Vec<_> = (0..n)
        .map(|i| {
            std::process::Command::new("sh")
                .arg("-c")
                .arg(format!(
                    "printf 'raw line {i} %0200d\\n' 0 >> '{}'",
                    path.display()
                ))
                .spawn()
                .expect("sh")
        })
        .collect();
    for mut c in children {
        let _ = c.wait();
    }
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    text.lines().filter(|l| l.starts_with("raw line ")).count()
}

#[test]
fn concurrent_legacy_sends_all_land_on_every_server() {
    // 20 writers at once; exit 0 must mean the line is in the file. pure-ftpd lets
    // concurrent APPEs overwrite each other (the raw figure shows it when it happens).
    assert!(have("curl"), "curl is needed for the raw baseline");
    let mut targets = Target::all();
    targets.extend(support::pure_ftpd().map(Target::server));
    for t in targets {
        let start = std::time::Instant::now();
        let raw = raw_appends(&t, "/raw.txt", 20);
        let raw_took = start.elapsed();
        let home = Home::new();
        let room = format!("race{}", support::random_u64() % 100_000);
        let pass = pass_file(&home);
        let children: Vec<_> = (0..20)
            .map(|i| {
                let mut c = t.std_cmd(&home, &room, &["send", "--name", "w", &format!("m{i}")]);
                c.args(["--legacy", "--legacy-passphrase-file"])
                    .arg(&pass)
                    .env("PATH", std::env::var_os("PATH").unwrap_or_default())
                    .stdout(Stdio::null())
                    .stderr(Stdio::piped());
                c.spawn().expect("send")
            })
            .collect();
        let mut delivered = 0;
        for c in children {
            let out = c.wait_with_output().expect("wait");
            if out.status.success() {
                delivered += 1;
            } else {
                eprintln!("{}: {}", t.name, String::from_utf8_lossy(&out.stderr));
            }
        }
        let mut c = t.cmd(&home, &room, &["watch", "--once", "--all", "--json"]);
        c.args(["--legacy", "--legacy-passphrase-file"]).arg(&pass);
        let out = c.output().expect("watch");
        let mut bodies: Vec<String> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
            .filter_map(|m| m["body"].as_str().map(str::to_string))
            .collect();
        bodies.sort();
        bodies.dedup();
        eprintln!(
            "{:<12} raw APPE x20: {raw} in the file, {} lost | send --legacy x20: {delivered} \
             exited 0, {} in the file, {} lost ({raw_took:.1?} + {:.1?})",
            t.name,
            20 - raw,
            bodies.len(),
            20 - bodies.len(),
            start.elapsed() - raw_took
        );
        if t.name == "embedded" {
            assert_eq!(raw, 20, "ftpchat's own relay lost concurrent appends");
        }
        assert_eq!(delivered, 20, "{}", t.name);
        assert_eq!(bodies.len(), 20, "{}: {bodies:?}", t.name);
    }
}

#[test]
fn a_chat_file_the_app_rewrote_is_read_again_without_repeats() {
    // Over FTP (the app's RETR + STOR fallback) and SFTP (app 2.x rewrites the whole file).
    let sshd = support::sshd().expect("sshd (scripts/test installs openssh-server)");
    for t in [Target::embedded(), Target::sftp(sshd)] {
        let home = Home::new();
        let run = |args: &[&str]| {
            let mut c = t.cmd(&home, "old", args);
            c.args(["--legacy", "--legacy-passphrase-file"])
                .arg(pass_file(&home));
            c.output().expect("ftpchat")
        };
        for body in ["one", "two"] {
            ok(run(&["send", "--name", "a", body]), "send");
        }
        let resume = || {
            let out = run(&["watch", "--once", "--json"]);
            let bodies: Vec<String> = String::from_utf8_lossy(&out.stdout)
                .lines()
                .filter_map(|l| serde_json::from_str::<Value>(l).ok())
                .filter_map(|m| m["body"].as_str().map(str::to_string))
                .collect();
            (
                out.status.code(),
                bodies,
                String::from_utf8_lossy(&out.stderr).into_owned(),
            )
        };
        let (_, first, _) = resume();
        assert_eq!(first, ["one", "two"], "{}", t.name);
        // The app rewrote the file: line two lost to a race, a new line added, and the
        // file is no longer what was read (shorter here).
        let chat = t.root.join("old.txt");
        let text = std::fs::read_to_string(&chat).expect("chat");
        let one = text.lines().next().expect("line one").to_string();
        let three = encrypt(&home, "app", "three\n");
        std::fs::write(&chat, format!("{one}\n{three}")).expect("rewrite");
        let (code, again, err) = resume();
        assert_eq!(again, ["three"], "{}: {err}", t.name);
        assert!(err.contains("was rewritten"), "{err}");
        assert_eq!(code, Some(0), "{err}");
        // And the next poll goes on from there.
        ok(run(&["send", "--name", "a", "four"]), "send");
        let (_, next, err) = resume();
        assert_eq!(next, ["four"], "{}: {err}", t.name);
    }
}

#[test]
fn the_apps_saved_setups_become_profiles_that_reach_its_room() {
    let root = tempfile::tempdir().expect("root");
    let relay = start_embedded(root.path(), "127.0.0.1:0".parse().expect("addr"));
    std::fs::create_dir(root.path().join("usb1_1")).expect("dir");
    let home = Home::new();
    let setups = home.path().join("saved_setups.json");
    std::fs::write(
        &setups,
        format!(
            r#"[{{"name": "Home", "display_name": "Ahmed", "host": "{}", "user": "chat",
                 "pass": "relay-pw", "chat": "/usb1_1/chat1", "enc": "0000"}},
                {{"name": "Office", "host": "192.0.2.1", "user": "a@b", "chat": "c",
                  "enc": "x", "ignore": ["bob"]}}]"#,
            relay.addr()
        ),
    )
    .expect("setups");
    let out = home
        .cmd()
        .args(["init", "--import"])
        .arg(&setups)
        .output()
        .expect("init");
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{err}");
    assert!(err.contains("imported 2 of 2"), "{err}");
    assert!(err.contains("ignore list was not imported"), "{err}");
    // No secret in the profiles file; each in its own 0600 file.
    let profiles = std::fs::read_to_string(home.config().join("profiles.toml")).expect("toml");
    assert!(
        !profiles.contains("relay-pw") && !profiles.contains("0000"),
        "{profiles}"
    );
    assert!(profiles.contains("ftp://a%40b@192.0.2.1/"), "{profiles}");
    use std::os::unix::fs::PermissionsExt;
    for f in ["passwords/home.password", "legacy/home.passphrase"] {
        let mode = std::fs::metadata(home.config().join(f))
            .expect(f)
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{f}");
    }
    // The imported profile sends to the app's chat file, and the app reads it.
    ok(
        home.cmd()
            .args(["send", "--relay", "home", "hello from ftpchat"])
            .output()
            .expect("send"),
        "send",
    );
    let chat = root.path().join("usb1_1/chat1.txt");
    let pass = home.path().join("app.pass");
    std::fs::write(&pass, "0000").expect("pass");
    let read = python_reads(&chat, &pass);
    assert_eq!(read.len(), 1, "{read:?}");
    assert_eq!(read[0]["name"], "Ahmed");
    assert_eq!(read[0]["message"], "hello from ftpchat", "{read:?}");
    // Importing again leaves the profiles as they are and says so.
    let again = home
        .cmd()
        .args(["init", "--import"])
        .arg(&setups)
        .output()
        .expect("init");
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists"));
}
