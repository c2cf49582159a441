//! The conventions users bring from age and friends: files as arguments, `-` for stdin,
//! `-o FILE`, a key on stdin (`-i -`), and a record's age file for the stock `age` tool.

mod common;
mod support;
#[path = "common/target.rs"]
mod target;

use common::{Home, have, members, ok};
use predicates::prelude::*;
use target::Target;

fn setup() -> (Home, String) {
    let home = Home::new();
    home.keys();
    let a = home.encrypt("first", "alice");
    let b = home.encrypt("second", "alice");
    (home, format!("{a}\n{b}\n"))
}

#[test]
fn decrypt_reads_files_and_stdin_in_order_and_writes_to_o() {
    let (home, records) = setup();
    let (first, second) = records.split_once('\n').expect("two lines");
    let f1 = home.path().join("one.txt");
    std::fs::write(&f1, format!("{first}\n")).expect("write");
    let out = home.path().join("out.txt");
    home.cmd()
        .arg("decrypt")
        .arg(&f1)
        .arg("-")
        .arg("-o")
        .arg(&out)
        .write_stdin(second.to_string())
        .assert()
        .success()
        .stdout(predicate::str::is_empty());
    let shown = std::fs::read_to_string(&out).expect("output file");
    let (x, y) = (
        shown.find("first").expect("first"),
        shown.find("second").expect("second"),
    );
    assert!(x < y, "file before stdin: {shown}");
    // A missing file is a clear local error (exit 6), not a hang on stdin.
    home.cmd()
        .args(["decrypt", "nope.txt"])
        .assert()
        .code(6)
        .stderr(predicate::str::contains("nope.txt"));
}

#[test]
fn the_room_key_can_come_from_stdin() {
    let (home, records) = setup();
    let f = home.path().join("records.txt");
    std::fs::write(&f, &records).expect("write");
    let key = std::fs::read_to_string(home.config().join("room.key")).expect("key");
    let shown = ok(
        home.cmd()
            .args(["decrypt", "-i", "-"])
            .arg(&f)
            .write_stdin(key)
            .output()
            .expect("decrypt"),
        "decrypt -i -",
    );
    assert!(
        shown.contains("first") && shown.contains("second"),
        "{shown}"
    );
    // Both the key and the records on stdin cannot work: said plainly.
    home.cmd()
        .args(["decrypt", "-i", "-"])
        .write_stdin(records)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("FILE arguments"));
}

#[test]
fn a_record_extracted_with_age_opens_with_stock_age() {
    if !have("age") {
        return;
    }
    let (home, records) = setup();
    let first = records.lines().next().expect("a record").to_string();
    let rec = home.path().join("rec.age");
    home.cmd()
        .args(["decrypt", "--age", "-o"])
        .arg(&rec)
        .write_stdin(format!("{first}\n"))
        .assert()
        .success();
    let out = std::process::Command::new("age")
        .arg("-d")
        .arg("-i")
        .arg(home.config().join("room.key"))
        .arg(&rec)
        .output()
        .expect("age");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"body\":\"first\""));
    // Two records cannot be one age file.
    home.cmd()
        .args(["decrypt", "--age"])
        .write_stdin(records)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("exactly one record"));
}

#[test]
fn send_json_says_what_was_sent_and_watch_since_filters_history() {
    let t = Target::embedded();
    let (alice, bob) = members();
    let first: serde_json::Value = serde_json::from_str(&ok(
        t.cmd(&alice, "n", &["send", "--json", "one"])
            .output()
            .expect("send"),
        "send --json",
    ))
    .expect("one JSON object");
    let second: serde_json::Value = serde_json::from_str(&ok(
        t.cmd(&alice, "n", &["send", "--json", "two"])
            .output()
            .expect("send"),
        "send --json",
    ))
    .expect("one JSON object");
    assert_eq!(first["seq"], 1);
    assert_eq!(second["seq"], 2);
    assert_eq!(first["feed"], second["feed"]);
    assert_eq!(first["kind"], "message");
    assert!(
        first["relay"].as_str().is_some_and(|r| r.ends_with("/n")),
        "{first}"
    );
    // Nothing was written after a time in the future; everything in the last hour.
    let none = ok(
        t.cmd(
            &bob,
            "n",
            &["watch", "--once", "--since", "2099-01-01T00:00:00Z"],
        )
        .output()
        .expect("watch"),
        "watch --since future",
    );
    assert!(!none.contains("one") && !none.contains("two"), "{none}");
    let both = ok(
        t.cmd(
            &bob,
            "n",
            &["watch", "--once", "--since", "1h", "--cursor", "other"],
        )
        .output()
        .expect("watch"),
        "watch --since 1h",
    );
    assert!(both.contains("one") && both.contains("two"), "{both}");
}

#[test]
fn bash_completion_offers_profile_names() {
    assert!(have("bash"), "bash is needed for this test");
    let home = Home::new();
    std::fs::create_dir_all(home.config()).expect("config dir");
    std::fs::write(
        home.config().join("profiles.toml"),
        "default = \"work\"\n[profiles.work]\nrelay = \"ftp://a@127.0.0.1/\"\n\
         [profiles.wiki]\nrelay = \"ftp://b@127.0.0.1/\"\n[profiles.home]\nrelay = \"ftp://c@127.0.0.1/\"\n",
    )
    .expect("profiles");
    let bin = assert_cmd::cargo::cargo_bin("ftpchat");
    let path = format!(
        "{}:{}",
        bin.parent().expect("bin dir").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/completions/ftpchat.bash");
    let complete = |words: &str, cword: usize| {
        let out = std::process::Command::new("bash")
            .arg("-c")
            .arg(format!(
                "source {script}; COMP_WORDS=({words}); COMP_CWORD={cword}; \
                 _ftpchat_with_profiles ftpchat \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"; printf '%s\\n' \"${{COMPREPLY[@]}}\""
            ))
            .env("PATH", &path)
            .env("FTPCHAT_HOME", home.config())
            .env("HOME", home.path())
            .output()
            .expect("bash");
        let mut got: Vec<String> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::to_string)
            .collect();
        got.sort();
        got
    };
    assert_eq!(complete("ftpchat send --relay w", 3), ["wiki", "work"]);
    assert_eq!(
        complete("ftpchat profile use ''", 3),
        ["home", "wiki", "work"]
    );
    // Elsewhere the generated completion still answers (subcommands).
    assert!(complete("ftpchat pro", 1).contains(&"profile".to_string()));
}
