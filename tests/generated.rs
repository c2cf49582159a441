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

fn render() -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let cmd = ftpchat::cli::args::Cli::command();
    let mut man = |cmd: clap::Command, name: String| {
        let mut buf = Vec::new();
        clap_mangen::Man::new(cmd)
            .render(&mut buf)
            .expect("render man page");
        files.insert(format!("man/{name}.1"), buf);
    };
    man(cmd.clone(), "ftpchat".into());
    let mut built = cmd.clone();
    built.build();
    for sub in built
        .get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
    {
        let name = format!("ftpchat-{}", sub.get_name());
        let static_name: &'static str = Box::leak(name.clone().into_boxed_str());
        man(sub.clone().name(static_name), name);
    }
    for shell in [
        Shell::Bash,
        Shell::Zsh,
        Shell::Fish,
        Shell::PowerShell,
        Shell::Elvish,
    ] {
        let mut buf = Vec::new();
        clap_complete::generate(shell, &mut cmd.clone(), "ftpchat", &mut buf);
        files.insert(format!("completions/{}", shell.file_name("ftpchat")), buf);
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
    assert!(
        stale.is_empty(),
        "stale generated files (run `UPDATE_GENERATED=1 cargo test --test generated`): {stale:?}"
    );
}
