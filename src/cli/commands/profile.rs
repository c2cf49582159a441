//! `ftpchat profile`: list, show (never a password), remove, pick the default.

use crate::cli::Io;
use crate::cli::args::{ProfileAction, ProfileArgs};
use crate::cli::commands::Context;
use crate::cli::output::note;
use crate::cli::settings::{Profile, Profiles};
use crate::error::{Error, Result};
use crate::store::url::RelayUrl;

/// Runs `profile`.
///
/// # Errors
///
/// Unknown profiles; config file errors.
pub fn run(args: &ProfileArgs, ctx: &Context<'_>, io: &mut Io<'_>) -> Result<()> {
    let w = |e| Error::io("cannot write", "stdout", e);
    let mut profiles = Profiles::load(ctx)?;
    match &args.action {
        ProfileAction::List { names: true, .. } => {
            for name in profiles.profiles.keys() {
                writeln!(io.stdout, "{name}").map_err(w)?;
            }
        }
        ProfileAction::List { json: true, .. } => {
            for (name, p) in &profiles.profiles {
                let is_default = profiles.default.as_deref() == Some(name);
                writeln!(io.stdout, "{}", to_json(name, p, is_default)).map_err(w)?;
            }
        }
        ProfileAction::List { .. } => {
            for (name, p) in &profiles.profiles {
                let mark = if profiles.default.as_deref() == Some(name) {
                    "*"
                } else {
                    " "
                };
                let relay = p.relay.as_deref().map(redact_url).unwrap_or_default();
                let room = p.room.as_deref().unwrap_or("");
                writeln!(io.stdout, "{mark} {name:<16} {relay} {room}").map_err(w)?;
            }
            if profiles.profiles.is_empty() {
                note(io.stderr, "no profiles yet: `ftpchat init` makes one");
            }
        }
        ProfileAction::Show { name, json } => {
            let (name, p) = profiles.pick(name.as_deref())?.ok_or_else(|| {
                Error::Usage("no default profile; name one, or run `ftpchat init`".into())
            })?;
            let is_default = profiles.default.as_deref() == Some(&name);
            let text = if *json {
                to_json(&name, &p, is_default).to_string()
            } else {
                show(&name, &p, is_default)
            };
            writeln!(io.stdout, "{text}").map_err(w)?;
        }
        ProfileAction::Remove { name } => {
            if profiles.profiles.remove(name).is_none() {
                return Err(Error::Usage(format!("no profile named {name:?}")));
            }
            if profiles.default.as_deref() == Some(name) {
                profiles.default = None;
            }
            profiles.save(ctx)?;
            note(
                io.stderr,
                &format!("removed profile {name} (keys and state are kept)"),
            );
        }
        ProfileAction::Use { name } => {
            if !profiles.profiles.contains_key(name) {
                return Err(Error::Usage(format!("no profile named {name:?}")));
            }
            profiles.default = Some(name.clone());
            profiles.save(ctx)?;
            note(io.stderr, &format!("{name} is now the default profile"));
        }
    }
    Ok(())
}

/// A relay URL without any password in it.
fn redact_url(url: &str) -> String {
    RelayUrl::parse(url)
        .map(|u| u.to_string())
        .unwrap_or_else(|_| "(invalid URL)".into())
}

/// A profile as JSON, in the vocabulary of docs/JSON.md: `profile` is its name, `name`
/// the display name; never a password or the password command itself.
fn to_json(profile: &str, p: &Profile, is_default: bool) -> serde_json::Value {
    let path = |o: &Option<std::path::PathBuf>| o.as_ref().map(|p| p.display().to_string());
    let source = match (&p.password_file, &p.password_command) {
        (Some(_), _) => "file",
        (None, Some(_)) => "command",
        (None, None) => "environment or netrc",
    };
    serde_json::json!({
        "profile": profile,
        "default": is_default,
        "relay": p.relay.as_deref().map(redact_url),
        "room": p.room,
        "name": p.name,
        "password_source": source,
        "password_file": path(&p.password_file),
        "room_key": path(&p.room_key),
        "identity": path(&p.identity),
        "ca_file": path(&p.ca_file),
        "insecure": p.insecure,
        "active": p.active,
        "implicit_tls": p.implicit_tls,
        "legacy": p.legacy,
        "legacy_passphrase_file": path(&p.legacy_passphrase_file),
    })
}

fn show(name: &str, p: &Profile, is_default: bool) -> String {
    let path = |o: &Option<std::path::PathBuf>| o.as_ref().map(|p| p.display().to_string());
    let password = match (&p.password_file, &p.password_command) {
        (Some(f), _) => format!("from file {}", f.display()),
        (None, Some(_)) => "from a command (password_command)".into(),
        (None, None) => "FTPCHAT_PASSWORD or ~/.netrc".into(),
    };
    let fields: [(&str, Option<String>); 11] = [
        ("relay", p.relay.as_deref().map(redact_url)),
        ("room", p.room.clone()),
        ("name", p.name.clone()),
        ("password", Some(password)),
        ("room_key", path(&p.room_key)),
        ("identity", path(&p.identity)),
        ("ca_file", path(&p.ca_file)),
        ("insecure", p.insecure.then(|| "yes".into())),
        (
            "legacy",
            p.legacy
                .then(|| "yes (original FTPChat chat file, unauthenticated)".into()),
        ),
        ("legacy_passphrase_file", path(&p.legacy_passphrase_file)),
        (
            "default",
            Some(if is_default { "yes" } else { "no" }.into()),
        ),
    ];
    let mut out = format!("profile {name}");
    for (k, v) in fields {
        if let Some(v) = v {
            out.push_str(&format!("\n  {k:<23} {v}"));
        }
    }
    out
}
