//! The layer rules of ARCHITECTURE.md, checked on the source tree.
//!
//! Every file under `src/` belongs to one layer by its place: `src/protocol/**`,
//! `src/store/**`, `src/room/**`, `src/cli/**`, `src/relay/**`, or the foundation files
//! (`error.rs`, `paths.rs`, `secret.rs`, `signals.rs`). A file may name only the
//! top-level modules its layer may use:
//!
//! | layer      | may use                                   |
//! |------------|-------------------------------------------|
//! | foundation | foundation                                |
//! | protocol   | foundation, protocol                      |
//! | store      | foundation, protocol, store               |
//! | room       | foundation, protocol, store, room         |
//! | relay      | foundation, protocol, relay               |
//! | cli        | everything                                |
//!
//! Paths are found in code only (comments, doc examples and string literals are not
//! dependencies): `crate::x`, `crate::{x, y::z}`, `super::super::x` chains that climb
//! out of a layer (inline `mod` blocks counted), globs of the crate root, `crate as`
//! aliases, and root re-exports (`crate::Error` is `error`, by `src/lib.rs`).
//!
//! A second rule keeps commands thin: no file under `src/cli/` names the `Store` trait
//! or a store kind, or reaches into `store` beyond its configuration types (`url`,
//! `netrc`, `ssh_config`, `Endpoint`, `Timeouts`, `TlsOptions`, `SshOptions`,
//! `HostKeyPrompt`, `SecretPrompt`); commands go through the room layer.
//!
//! The checker itself is tested on small snippets below, so a rule that silently stops
//! matching shows up as a failing test, not as a green one.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const FOUNDATION: &[&str] = &["error", "paths", "secret", "signals"];
const LAYERS: &[&str] = &["protocol", "store", "room", "cli", "relay"];

/// Top-level modules a layer may name.
fn allowed(layer: &str) -> Vec<&'static str> {
    let mut ok: Vec<&'static str> = FOUNDATION.to_vec();
    match layer {
        "foundation" => {}
        "protocol" => ok.push("protocol"),
        "store" => ok.extend(["protocol", "store"]),
        "room" => ok.extend(["protocol", "store", "room"]),
        "relay" => ok.extend(["protocol", "relay"]),
        "cli" => ok.extend(LAYERS),
        other => panic!("no rule for layer {other}"),
    }
    ok
}

/// The store items a command may name: configuration, not the store itself.
const CLI_STORE_ALLOWED: &[&str] = &[
    "url",
    "netrc",
    "ssh_config",
    "Endpoint",
    "Timeouts",
    "TlsOptions",
    "SshOptions",
    "HostKeyPrompt",
    "SecretPrompt",
];
/// Identifiers that only make sense when talking to a store directly.
const CLI_STORE_FORBIDDEN_IDENTS: &[&str] = &["Store", "MemoryStore", "Connection"];
/// `Store` methods with names nothing else in the crate uses.
const CLI_STORE_FORBIDDEN_METHODS: &[&str] = &["append_from", "put_from", "mkdir_all", "keepalive"];

/// A file's layer and its module path (`src/room/feed.rs` -> room, [room, feed]).
/// `None` for the crate roots (`lib.rs`, `main.rs`), which wire the layers together.
fn classify(rel: &Path) -> Result<Option<(String, Vec<String>)>, String> {
    let parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().to_string())
        .collect();
    let mut module: Vec<String> = parts
        .iter()
        .map(|p| p.strip_suffix(".rs").unwrap_or(p).to_string())
        .collect();
    if module.last().is_some_and(|m| m == "mod") {
        module.pop();
    }
    let first = module.first().cloned().unwrap_or_default();
    if parts.len() == 1 {
        if first == "lib" || first == "main" {
            return Ok(None);
        }
        if FOUNDATION.contains(&first.as_str()) {
            return Ok(Some(("foundation".into(), module)));
        }
    }
    if LAYERS.contains(&first.as_str()) && (parts.len() > 1) {
        return Ok(Some((first, module)));
    }
    Err(format!(
        "src/{}: not in any layer; put it in a layer folder or add it to the rules in tests/layers.rs",
        rel.display()
    ))
}

/// Source with comments and string/char literals blanked out (newlines kept, so line
/// numbers stay right).
fn strip(src: &str) -> String {
    let b: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len());
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < b.len() && b[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < b.len() {
                if b[i] == '/' && b.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if b[i] == '*' && b.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    out.push(blank(b[i]));
                    i += 1;
                }
            }
        } else if c == 'r'
            && (next == Some('"') || next == Some('#'))
            && (i == 0 || !(b[i - 1].is_alphanumeric() || b[i - 1] == '_'))
        {
            // Raw string: r"..." or r#"..."#.
            let mut j = i + 1;
            let mut hashes = 0;
            while b.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if b.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            j += 1;
            loop {
                if j >= b.len() {
                    break;
                }
                if b[j] == '"' && (1..=hashes).all(|k| b.get(j + k) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                j += 1;
            }
            for &ch in &b[i..j.min(b.len())] {
                out.push(blank(ch));
            }
            i = j;
        } else if c == '"' {
            out.push(' ');
            i += 1;
            while i < b.len() && b[i] != '"' {
                if b[i] == '\\' {
                    out.push(' ');
                    i += 1;
                }
                if i < b.len() {
                    out.push(blank(b[i]));
                    i += 1;
                }
            }
            out.push(' ');
            i += 1;
        } else if c == '\'' {
            // A char literal ('x', '\n', '\u{..}'), or a lifetime ('a), which stays.
            let end = if next == Some('\\') {
                (i + 2..b.len()).find(|&j| b[j] == '\'')
            } else if b.get(i + 2) == Some(&'\'') {
                Some(i + 2)
            } else {
                None
            };
            match end {
                Some(e) => {
                    for &ch in &b[i..=e] {
                        out.push(blank(ch));
                    }
                    i = e + 1;
                }
                None => {
                    out.push(c);
                    i += 1;
                }
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

#[derive(Debug, Clone, PartialEq)]
struct Tok {
    text: String,
    line: usize,
}

fn tokens(code: &str) -> Vec<Tok> {
    let mut out = Vec::new();
    for (n, line) in code.lines().enumerate() {
        let chars: Vec<char> = line.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if c.is_alphanumeric() || c == '_' {
                let start = i;
                while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                out.push(Tok {
                    text: chars[start..i].iter().collect(),
                    line: n + 1,
                });
            } else if c == ':' && chars.get(i + 1) == Some(&':') {
                out.push(Tok {
                    text: "::".into(),
                    line: n + 1,
                });
                i += 2;
            } else if c.is_whitespace() {
                i += 1;
            } else {
                out.push(Tok {
                    text: c.to_string(),
                    line: n + 1,
                });
                i += 1;
            }
        }
    }
    out
}

/// One path a file names, resolved against the crate root.
#[derive(Debug, Clone, PartialEq)]
struct Reference {
    line: usize,
    /// The absolute path's segments as far as they were read (at least the first).
    path: Vec<String>,
    /// How it was written, for the message.
    written: String,
}

/// Every path in `code` that starts at the crate root (`crate::`) or climbs with
/// `super::`, resolved against `module` (the file's module path; inline `mod` blocks are
/// added as they open). A glob or alias of the crate root resolves to `["*"]`.
fn references(code: &str, module: &[String]) -> Vec<Reference> {
    let toks = tokens(code);
    let t = |i: usize| toks.get(i).map(|t| t.text.as_str()).unwrap_or("");
    let mut refs = Vec::new();
    // Inline modules: (brace depth inside them, name).
    let mut inline: Vec<(usize, String)> = Vec::new();
    let mut depth = 0usize;
    let mut pending_mod: Option<String> = None;
    let mut i = 0;
    while i < toks.len() {
        let word = t(i);
        match word {
            "mod" if t(i + 2) == "{" => pending_mod = Some(t(i + 1).to_string()),
            "{" => {
                depth += 1;
                if let Some(name) = pending_mod.take() {
                    inline.push((depth, name));
                }
            }
            "}" => {
                if inline.last().is_some_and(|(d, _)| *d == depth) {
                    inline.pop();
                }
                depth = depth.saturating_sub(1);
            }
            _ => {}
        }
        let starts_path = (word == "crate" || word == "super") && t(i.wrapping_sub(1)) != "::";
        if !starts_path || (i > 0 && t(i - 1) == "$") {
            i += 1;
            continue;
        }
        let line = toks[i].line;
        if word == "crate" && t(i + 1) == "as" {
            refs.push(Reference {
                line,
                path: vec!["*".into()],
                written: "crate as ...".into(),
            });
            i += 1;
            continue;
        }
        let mut base: Vec<String> = if word == "crate" {
            Vec::new()
        } else {
            module
                .iter()
                .cloned()
                .chain(inline.iter().map(|(_, n)| n.clone()))
                .collect()
        };
        let mut j = i;
        let mut written = String::new();
        let mut escaped = false;
        if word == "crate" {
            written.push_str("crate::");
            j += 1;
        } else {
            while t(j) == "super" {
                if base.pop().is_none() {
                    escaped = true;
                }
                written.push_str("super::");
                j += 1;
                if t(j) == "::" && t(j + 1) == "super" {
                    j += 1;
                }
            }
        }
        if t(j) != "::" {
            // `crate` alone (`pub(crate)`) or `super` used as a value path end.
            i = j.max(i + 1);
            continue;
        }
        j += 1;
        let mut push = |seg: Vec<String>, shown: String| {
            refs.push(Reference {
                line,
                path: if escaped { vec!["*".into()] } else { seg },
                written: shown,
            });
        };
        match t(j) {
            "{" => {
                let (items, k) = use_group(&toks, j);
                for it in items {
                    let mut full = base.clone();
                    full.extend(it.iter().filter(|s| *s != "self").cloned());
                    if full.is_empty() {
                        continue;
                    }
                    let shown = format!("{written}{{{}}}", it.join("::"));
                    push(full, shown);
                }
                i = k;
            }
            "*" => {
                let full = if base.is_empty() {
                    vec!["*".to_string()]
                } else {
                    base.clone()
                };
                push(full, format!("{written}*"));
                i = j + 1;
            }
            w if !w.is_empty() => {
                // `a::b::c`, `a::b::{c, d}` or `a::b::*`.
                let mut segs = vec![w.to_string()];
                let mut k = j + 1;
                while t(k) == "::" {
                    let n = t(k + 1);
                    if n == "{" || n == "*" || n.is_empty() {
                        break;
                    }
                    segs.push(n.to_string());
                    k += 2;
                }
                if t(k) == "::" && t(k + 1) == "{" {
                    let (items, next) = use_group(&toks, k + 1);
                    for it in items {
                        let mut full = base.clone();
                        full.extend(segs.iter().cloned());
                        full.extend(it.iter().filter(|s| *s != "self").cloned());
                        let shown = format!("{written}{}::{{{}}}", segs.join("::"), it.join("::"));
                        push(full, shown);
                    }
                    i = next;
                } else {
                    let mut full = base.clone();
                    full.extend(segs.iter().cloned());
                    push(full, format!("{written}{}", segs.join("::")));
                    i = k;
                }
            }
            _ => i = j + 1,
        }
    }
    refs
}

/// The paths of a `{ ... }` use group starting at `toks[k]`, each as its segments
/// (`{error::Error, cli::{output, ui}}` -> error::Error, cli::output, cli::ui), and the
/// index after the closing brace.
fn use_group(toks: &[Tok], k: usize) -> (Vec<Vec<String>>, usize) {
    let t = |i: usize| toks.get(i).map(|t| t.text.as_str()).unwrap_or("");
    let mut out = Vec::new();
    let mut k = k + 1; // past `{`
    let mut prefix: Vec<String> = Vec::new();
    loop {
        match t(k) {
            "" => return (out, k),
            "}" => {
                if !prefix.is_empty() {
                    out.push(std::mem::take(&mut prefix));
                }
                return (out, k + 1);
            }
            "," => {
                if !prefix.is_empty() {
                    out.push(std::mem::take(&mut prefix));
                }
                k += 1;
            }
            "::" => k += 1,
            "{" => {
                let (inner, next) = use_group(toks, k);
                for it in inner {
                    out.push(prefix.iter().cloned().chain(it).collect());
                }
                prefix.clear();
                k = next;
            }
            "as" => k += 2, // the alias names nothing new
            w => {
                prefix.push(w.to_string());
                k += 1;
            }
        }
    }
}

/// Names `lib.rs` re-exports at the crate root, mapped to the module they come from.
fn root_reexports(lib: &str) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    let code = strip(lib);
    for stmt in code.split(';') {
        let stmt = stmt.trim();
        let Some(rest) = stmt.strip_prefix("pub use ") else {
            continue;
        };
        let Some((module, names)) = rest.split_once("::") else {
            continue;
        };
        let names = names.trim().trim_start_matches('{').trim_end_matches('}');
        for n in names.split(',') {
            let n = n.trim();
            let name = n.rsplit(" as ").next().unwrap_or(n).trim();
            let name = name.rsplit("::").next().unwrap_or(name).trim();
            if !name.is_empty() {
                map.insert(name.to_string(), module.trim().to_string());
            }
        }
    }
    map
}

/// Layer violations in one file, as `src/path:line: message`.
fn check_file(
    rel: &Path,
    src: &str,
    reexports: &BTreeMap<String, String>,
) -> Result<Vec<String>, String> {
    let Some((layer, module)) = classify(rel)? else {
        return Ok(Vec::new());
    };
    let ok = allowed(&layer);
    let code = strip(src);
    let mut problems = Vec::new();
    let at = |line: usize| format!("src/{}:{line}", rel.display());
    let mut seen = std::collections::BTreeSet::new();
    for r in references(&code, &module) {
        let first = r.path[0].as_str();
        if !seen.insert((r.line, r.path.clone())) {
            continue;
        }
        let top = if first == "*" {
            None
        } else if FOUNDATION.contains(&first) || LAYERS.contains(&first) {
            Some(first.to_string())
        } else {
            reexports.get(first).cloned()
        };
        match top {
            None if first == "*" => problems.push(format!(
                "{}: `{}` reaches the crate root as a whole; name the module instead",
                at(r.line),
                r.written
            )),
            None => problems.push(format!(
                "{}: `{}` names crate-root item `{first}`, which tests/layers.rs cannot place in a layer",
                at(r.line),
                r.written
            )),
            Some(top) if !ok.contains(&top.as_str()) => problems.push(format!(
                "{}: the {layer} layer names `{}` (the {top} {}); it may use only {}",
                at(r.line),
                r.written,
                if FOUNDATION.contains(&top.as_str()) {
                    "foundation module"
                } else {
                    "layer"
                },
                ok.join(", ")
            )),
            Some(_) => {}
        }
        if layer == "cli" && first == "store" {
            match r.path.get(1) {
                Some(item) if CLI_STORE_ALLOWED.contains(&item.as_str()) => {}
                Some(item) => problems.push(format!(
                    "{}: a command names `{}` (store item `{item}`); commands reach a relay only through the room layer",
                    at(r.line),
                    r.written
                )),
                None => problems.push(format!(
                    "{}: a command imports the `store` module itself (`{}`); import only its configuration types ({})",
                    at(r.line),
                    r.written,
                    CLI_STORE_ALLOWED.join(", ")
                )),
            }
        }
    }
    if layer == "cli" {
        let toks = tokens(&code);
        for (k, tok) in toks.iter().enumerate() {
            let prev = k.checked_sub(1).map(|p| toks[p].text.as_str());
            if CLI_STORE_FORBIDDEN_IDENTS.contains(&tok.text.as_str()) {
                problems.push(format!(
                    "{}: a command names `{}`; commands never talk to a store directly",
                    at(tok.line),
                    tok.text
                ));
            }
            if prev == Some(".")
                && CLI_STORE_FORBIDDEN_METHODS.contains(&tok.text.as_str())
                && toks.get(k + 1).is_some_and(|n| n.text == "(")
            {
                problems.push(format!(
                    "{}: a command calls the store method `{}`; go through the room layer",
                    at(tok.line),
                    tok.text
                ));
            }
        }
    }
    Ok(problems)
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

fn check_tree(src_dir: &Path) -> Vec<String> {
    let lib = std::fs::read_to_string(src_dir.join("lib.rs")).expect("src/lib.rs");
    let reexports = root_reexports(&lib);
    let mut files = Vec::new();
    rust_files(src_dir, &mut files);
    assert!(files.len() > 20, "found only {} files in src/", files.len());
    let mut problems = Vec::new();
    for f in files {
        let rel = f.strip_prefix(src_dir).expect("under src");
        let text = std::fs::read_to_string(&f).expect("readable source");
        match check_file(rel, &text, &reexports) {
            Ok(p) => problems.extend(p),
            Err(e) => problems.push(e),
        }
    }
    problems
}

#[test]
fn no_layer_names_a_higher_one_and_commands_never_touch_a_store() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let problems = check_tree(&src);
    assert!(
        problems.is_empty(),
        "layer rules broken (see ARCHITECTURE.md):\n{}",
        problems.join("\n")
    );
}

// The checker on snippets: each rule must fire, and ordinary code must pass.

fn check(path: &str, src: &str) -> Vec<String> {
    let mut re = BTreeMap::new();
    re.insert("Error".to_string(), "error".to_string());
    re.insert("Room".to_string(), "room".to_string());
    check_file(Path::new(path), src, &re).expect("classified")
}

#[test]
fn upward_imports_are_named_with_file_and_line() {
    let p = check(
        "protocol/keys.rs",
        "use crate::error::Error;\n\nuse crate::store::Store;\n",
    );
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(
        p[0].starts_with("src/protocol/keys.rs:3: the protocol layer names `crate::store::Store`"),
        "{p:?}"
    );
    for (path, bad) in [
        ("store/ftp.rs", "use crate::room::feed;"),
        ("store/ftp.rs", "fn f() { crate::cli::run(); }"),
        ("room/feed.rs", "use crate::cli::output::Printer;"),
        ("room/feed.rs", "use crate::relay::RunningRelay;"),
        ("relay/mod.rs", "use crate::store::Store;"),
        ("relay/mod.rs", "use crate::room::Session;"),
        ("relay/mod.rs", "use crate::cli::Cli;"),
        ("error.rs", "use crate::protocol::keys::RoomId;"),
        ("signals.rs", "use crate :: room;"),
        ("protocol/roster.rs", "fn f() -> crate::Room { todo() }"),
    ] {
        assert_eq!(check(path, bad).len(), 1, "{path}: {bad}");
    }
}

#[test]
fn allowed_imports_pass() {
    for (path, ok) in [
        (
            "protocol/keys.rs",
            "use crate::paths;\nuse crate::Error;\nuse super::encoding::b64;",
        ),
        (
            "store/ftp.rs",
            "use crate::protocol::text::sanitize;\nuse super::{Store, join};",
        ),
        (
            "room/feed.rs",
            "use crate::store::{Entry, Store};\nuse super::journal::Journal;",
        ),
        (
            "relay/mod.rs",
            "use crate::protocol::encoding::sha256;\nuse crate::secret::Secret;",
        ),
        (
            "cli/commands/send.rs",
            "use crate::room::Room;\nuse crate::store::url::RelayUrl;",
        ),
        (
            "cli/settings.rs",
            "use crate::store::{Endpoint, Timeouts, TlsOptions};",
        ),
        (
            "room/feed.rs",
            "#[cfg(test)]\nmod tests {\n    use super::*;\n    use super::super::journal;\n}",
        ),
        ("room/mod.rs", "pub(crate) fn f() {}"),
    ] {
        assert_eq!(check(path, ok), Vec::<String>::new(), "{path}: {ok}");
    }
}

#[test]
fn group_forms_super_escapes_and_globs_are_caught() {
    let p = check(
        "room/delivery.rs",
        "use crate::{error::Error, cli, store::Store};",
    );
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(p[0].contains("`crate::{cli}`"), "{p:?}");
    let p = check(
        "room/delivery.rs",
        "use crate::{\n    error::Error,\n    cli::{output, ui},\n};",
    );
    assert_eq!(p.len(), 2, "one per path: {p:?}");
    assert!(
        p.iter().all(|m| m.starts_with("src/room/delivery.rs:1:")),
        "{p:?}"
    );
    // room/feed.rs is crate::room::feed: super::super is the crate root.
    let p = check("room/feed.rs", "use super::super::cli::Cli;");
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(p[0].contains("`super::super::cli::Cli`"), "{p:?}");
    // In an inline module one more super is needed to get there.
    let p = check(
        "store/ftp.rs",
        "mod inner {\n    use super::super::super::room::Session;\n}",
    );
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(p[0].starts_with("src/store/ftp.rs:2:"), "{p:?}");
    assert_eq!(
        check("protocol/record/chain.rs", "use super::super::keys;"),
        Vec::<String>::new()
    );
    assert_eq!(
        check(
            "protocol/record/chain.rs",
            "use super::super::super::store;"
        )
        .len(),
        1
    );
    assert_eq!(check("room/feed.rs", "use super::super::*;").len(), 1);
    assert_eq!(check("room/feed.rs", "use crate::*;").len(), 1);
    assert_eq!(check("room/feed.rs", "use crate as root;").len(), 1);
}

#[test]
fn comments_and_strings_are_not_dependencies() {
    let src = "//! Never `use crate::cli` here.\n/// See [`crate::cli::run`].\n/* crate::relay */\nconst S: &str = \"crate::cli\";\nconst R: &str = r#\"crate::room\"#;\nfn f<'a>(c: char) -> bool { c == '\"' }\n";
    assert_eq!(check("protocol/text.rs", src), Vec::<String>::new());
    // ...but code after a lifetime or char literal still counts.
    let src = "fn f<'a>(x: &'a str) -> char { let _ = crate::cli::run; '\"' }";
    assert_eq!(check("protocol/text.rs", src).len(), 1);
}

#[test]
fn commands_never_name_a_store() {
    for bad in [
        "use crate::store::Store;",
        "use crate::store::{self, url::RelayUrl};",
        "use crate::store;",
        "fn f(s: &mut dyn Store) {}",
        "use crate::store::memory::MemoryStore;",
        "fn f() { let _ = crate::store::open(&e); }",
        "fn f(t: T) { t.open()?.mkdir_all(\"x\"); }",
        "use crate::store::ftp::Connection;",
    ] {
        assert!(!check("cli/commands/send.rs", bad).is_empty(), "{bad}");
    }
    // Room code may talk to a store; and "Store a room" in a doc comment is prose.
    assert_eq!(
        check("room/feed.rs", "use crate::store::Store;"),
        Vec::<String>::new()
    );
    assert_eq!(
        check("cli/args.rs", "/// Store a room from an invite."),
        Vec::<String>::new()
    );
}

#[test]
fn files_outside_the_layers_are_refused() {
    let re = BTreeMap::new();
    assert!(check_file(Path::new("util.rs"), "", &re).is_err());
    assert!(
        check_file(Path::new("lib.rs"), "pub mod cli;", &re)
            .expect("root")
            .is_empty()
    );
    assert_eq!(
        root_reexports("pub use error::{Error, ExitCode, Result};\npub use room::Room;")
            .get("Room")
            .map(String::as_str),
        Some("room")
    );
}
