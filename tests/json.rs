//! One JSON vocabulary: every `--json` output is checked against docs/JSON.md, field by
//! field, so a field the page does not list (or a listed one that goes missing) fails here.

mod common;
mod support;
#[path = "common/target.rs"]
mod target;

use std::collections::BTreeMap;

use common::Home;
use serde_json::Value;
use target::Target;

/// Shape name -> (field, optional) as docs/JSON.md lists them.
fn documented() -> BTreeMap<String, Vec<(String, bool)>> {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/JSON.md"))
        .expect("docs/JSON.md");
    let mut shapes: BTreeMap<String, Vec<(String, bool)>> = BTreeMap::new();
    let mut current = None;
    for line in text.lines() {
        if let Some(name) = line.strip_prefix("### ") {
            current = Some(name.trim().to_string());
            shapes.entry(name.trim().to_string()).or_default();
        } else if let (Some(shape), Some(row)) = (&current, line.strip_prefix("| `")) {
            let (field, rest) = row.split_once('`').expect("a field in backticks");
            let optional = rest.contains("*optional*");
            shapes
                .get_mut(shape)
                .expect("shape")
                .push((field.to_string(), optional));
        }
    }
    shapes
}

fn json_lines(out: std::process::Output, what: &str) -> Vec<Value> {
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() || out.status.code() == Some(1),
        "{what} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{what}: not JSON ({e}): {l}")))
        .collect();
    assert!(!v.is_empty(), "{what} printed nothing");
    v
}

fn check(shapes: &BTreeMap<String, Vec<(String, bool)>>, shape: &str, v: &Value, what: &str) {
    let fields = shapes
        .get(shape)
        .unwrap_or_else(|| panic!("docs/JSON.md has no shape {shape}"));
    let obj = v
        .as_object()
        .unwrap_or_else(|| panic!("{what}: not an object: {v}"));
    for key in obj.keys() {
        assert!(
            fields.iter().any(|(f, _)| f == key),
            "{what} prints field {key:?}, which docs/JSON.md does not list for {shape}: {v}"
        );
    }
    for (f, optional) in fields {
        assert!(
            *optional || obj.contains_key(f),
            "{what} lacks field {f:?} that docs/JSON.md lists for {shape}: {v}"
        );
    }
}

#[test]
fn every_json_output_matches_docs_json_md() {
    let shapes = documented();
    let t = Target::embedded();
    let owner = Home::new();
    owner.cmd().arg("keygen").assert().success();
    t.cmd(&owner, "j", &["room", "create", "j", "--name", "owner"])
        .assert()
        .success();
    let run = |home: &Home, args: &[&str]| {
        home.cmd()
            .args(args)
            .env("FTPCHAT_PASSWORD", &t.password)
            .output()
            .expect("run ftpchat")
    };
    let invite = String::from_utf8(run(&owner, &["room", "invite"]).stdout).expect("utf8");
    let bob = Home::new();
    let id = String::from_utf8(run(&bob, &["room", "join", invite.trim(), "--name", "bob"]).stdout)
        .expect("utf8");
    assert!(
        run(&owner, &["room", "add", id.trim(), "--name", "bob"])
            .status
            .success()
    );

    let mut seen = 0;
    let mut each = |shape: &str, values: Vec<Value>, what: &str| {
        for v in &values {
            check(&shapes, shape, v, what);
            seen += 1;
        }
    };
    each(
        "sent",
        json_lines(run(&owner, &["send", "--json", "hello"]), "send --json"),
        "send --json",
    );
    each(
        "sent",
        json_lines(run(&bob, &["send", "--json", "hi owner"]), "send --json"),
        "send --json",
    );
    let records = run(&owner, &["pull", "--all", "--no-advance"]);
    each(
        "record",
        json_lines(
            run(&owner, &["pull", "--all", "--no-advance", "--json"]),
            "pull --json",
        ),
        "pull --json",
    );
    each(
        "record",
        json_lines(
            run(&owner, &["encrypt", "--json", "-m", "x"]),
            "encrypt --json",
        ),
        "encrypt --json",
    );
    let file = bob.path().join("report.txt");
    std::fs::write(&file, "quarterly figures").expect("write");
    let sent = bob
        .cmd()
        .args(["send", "--json", "--file"])
        .arg(&file)
        .arg("the report")
        .env("FTPCHAT_PASSWORD", &t.password)
        .output()
        .expect("send --file");
    each(
        "sent",
        json_lines(sent, "send --file --json"),
        "send --file --json",
    );
    let out = run(&owner, &["watch", "--once", "--json"]);
    // The file's own key is a room secret: never in `body`, never anywhere in the output.
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains("AGE-SECRET-KEY"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let watched = json_lines(out, "watch --json");
    assert!(
        watched
            .iter()
            .any(|m| m["body"] == "hi owner" && m["roster"] == "member"),
        "{watched:?}"
    );
    assert!(
        watched.iter().any(|m| m["kind"] == "attachment"
            && m["body"] == "the report"
            && m["attachment"]["name"] == "report.txt"
            && m["attachment"]["size"] == 17),
        "{watched:?}"
    );
    each("message", watched, "watch --json");
    let decrypted = owner
        .cmd()
        .args(["decrypt", "--json"])
        .write_stdin(records.stdout)
        .output()
        .expect("decrypt");
    each(
        "message",
        json_lines(decrypted, "decrypt --json"),
        "decrypt --json",
    );
    let members = json_lines(
        run(&owner, &["room", "members", "--json"]),
        "room members --json",
    );
    assert!(
        members
            .iter()
            .any(|m| m["name"] == "bob" && m["roster"] == "member")
    );
    each("member", members, "room members --json");
    for v in json_lines(run(&owner, &["verify", "--json"]), "verify --json") {
        let shape = v["type"]
            .as_str()
            .expect("verify lines carry a type")
            .to_string();
        each(&shape, vec![v], "verify --json");
    }
    each(
        "outbox",
        json_lines(run(&owner, &["outbox", "--json"]), "outbox --json"),
        "outbox --json",
    );
    each(
        "profile",
        json_lines(
            run(&owner, &["profile", "list", "--json"]),
            "profile list --json",
        ),
        "profile list --json",
    );
    let shown = json_lines(
        run(&owner, &["profile", "show", "--json"]),
        "profile show --json",
    );
    assert!(
        !shown[0].to_string().contains(&t.password),
        "no password in profile JSON"
    );
    each("profile", shown, "profile show --json");
    assert!(seen >= 12, "checked {seen} objects");
}
