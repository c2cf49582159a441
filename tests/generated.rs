//! Man pages and shell completions are generated from the clap definition and committed.
//! This test fails when they are stale; `UPDATE_GENERATED=1 cargo test --test generated`
//! rewrites them.

#![allow(
    clippy::print_stderr,
    reason = "tests report progress and skips on stderr"
)]

use std::collections::BTreeMap;
use std::path::Path;

use clap::CommandFactory;
use clap_complete::{Generator, Shell};

/// The command as the man pages show it: `ftpchat help` still works, but a page per
/// `help` subcommand would say nothing `--help` does not.
fn without_help_subcommands(cmd: clap::Command) -> clap::Command {
    cmd.disable_help_subcommand(true)
        .mut_subcommands(without_help_subcommands)
}

/// A page for `cmd` named `name`, then one for each of its subcommands
/// (`ftpchat-room-create.1` and so on), as deep as they go.
fn man_pages(cmd: &clap::Command, name: &str, files: &mut BTreeMap<String, Vec<u8>>) {
    let static_name: &'static str = Box::leak(name.to_string().into_boxed_str());
    let mut buf = Vec::new();
    clap_mangen::Man::new(cmd.clone().name(static_name))
        .render(&mut buf)
        .expect("render man page");
    files.insert(format!("man/{name}.1"), buf);
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        man_pages(sub, &format!("{name}-{}", sub.get_name()), files);
    }
}

fn render() -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let cmd = ftpchat::cli::args::Cli::command();
    let mut man = without_help_subcommands(cmd.clone());
    man.build();
    man_pages(&man, "ftpchat", &mut files);
    for shell in [
        Shell::Bash,
        Shell::Zsh,
        Shell::Fish,
        Shell::PowerShell,
        Shell::Elvish,
    ] {
        let mut buf = Vec::new();
        clap_complete::generate(shell, &mut cmd.clone(), "ftpchat", &mut buf);
        let script = ftpchat::cli::complete::with_profile_names(
            &shell.to_string(),
            &String::from_utf8(buf).expect("utf8 script"),
        );
        files.insert(
            format!("completions/{}", shell.file_name("ftpchat")),
            script.into_bytes(),
        );
    }
    files
}

#[test]
fn man_pages_and_completions_are_current() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let update = std::env::var_os("UPDATE_GENERATED").is_some();
    let mut stale = Vec::new();
    for (rel, bytes) in render() {
        let path = root.join(&rel);
        if std::fs::read(&path).ok().as_deref() != Some(&bytes[..]) {
            if update {
                std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
                std::fs::write(&path, &bytes).expect("write");
            } else {
                stale.push(rel);
            }
        }
    }
    let rendered = render();
    for entry in std::fs::read_dir(root.join("man")).expect("man/").flatten() {
        let rel = format!("man/{}", entry.file_name().to_string_lossy());
        if !rendered.contains_key(&rel) {
            if update {
                std::fs::remove_file(entry.path()).expect("remove a page for no command");
            } else {
                stale.push(format!("{rel} (no such command)"));
            }
        }
    }
    assert!(
        stale.is_empty(),
        "stale generated files (run `UPDATE_GENERATED=1 cargo test --test generated`): {stale:?}"
    );
}

#[test]
fn every_page_a_man_page_cites_exists() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let pages = render();
    let mut missing = Vec::new();
    for (rel, bytes) in &pages {
        if !rel.starts_with("man/") {
            continue;
        }
        let text = String::from_utf8_lossy(bytes).replace("\\-", "-");
        for (i, _) in text.match_indices("(1)") {
            let start = text[..i]
                .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
                .map_or(0, |s| s + 1);
            let cited = &text[start..i];
            if cited.starts_with("ftpchat") && !root.join(format!("man/{cited}.1")).exists() {
                missing.push(format!("{rel} cites {cited}(1)"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "man pages cite pages that do not exist: {missing:?}"
    );
    // And the check itself sees citations: the room page cites its subcommands.
    let room = String::from_utf8_lossy(&pages["man/ftpchat-room.1"]).replace("\\-", "-");
    assert!(room.contains("ftpchat-room-create(1)"));
}
