//! `ftpchat init`: create or edit a profile; a wizard on a terminal, flags otherwise.
//!
//! It never replaces an existing key and never writes a password into the profile: a
//! password typed in the wizard goes to its own 0600 file that the profile names.

use crate::cli::Io;
use crate::cli::args::{InitArgs, RelayArgs};
use crate::cli::commands::Context;
use crate::cli::output::{note, warn};
use crate::cli::settings::{Profile, Profiles, Resolved};
use crate::cli::ui::{NoPrompts, Terminal, Ui};
use crate::error::{Error, Result};
use crate::paths::write_private;
use crate::protocol::keys::DeviceIdentity;
use crate::room::Session;
use crate::store::url::RelayUrl;
use std::path::PathBuf;

/// Runs `init`.
///
/// # Errors
///
/// Missing flags without a terminal, bad input, key and config errors, and the
/// connection test's error (after the profile was saved).
pub fn run(args: &InitArgs, ctx: &Context<'_>, io: &mut Io<'_>) -> Result<()> {
    if let Some(file) = &args.import {
        return import(file, args, ctx, io);
    }
    let interactive = ctx.interactive && !args.yes;
    let ui: &dyn Ui = if interactive { &Terminal } else { &NoPrompts };
    let mut profiles = Profiles::load(ctx)?;
    let old = profiles
        .profiles
        .get(&args.profile)
        .cloned()
        .unwrap_or_default();

    let relay = match args.relay.clone().or(old.relay.clone()) {
        Some(r) => r,
        None => ui.input(
            "Relay URL (ftp://user@host[:port]/path or ftps://...)",
            None,
            "--relay URL",
        )?,
    };
    let url = RelayUrl::parse(&relay)?;
    if url.password.is_some() {
        warn(
            io.stderr,
            false,
            "the relay URL contains a password and will be stored in the profile as given; \
            prefer --password-file or --password-command",
        );
    }
    let room = match args.room.clone().or(old.room.clone()) {
        Some(r) => Some(r),
        None if interactive => {
            Some(ui.input("Room (directory on the relay)", Some("lobby"), "--room")?)
        }
        None => None,
    };
    let name = match args.name.clone().or(old.name.clone()) {
        Some(n) => Some(n),
        None if interactive => {
            Some(ui.input("Your display name", Some(&ctx.display_name(None)), "--name")?)
        }
        None => None,
    };
    crate::protocol::record::check_name(name.as_deref().unwrap_or("x"))
        .map_err(|e| Error::Usage(e.to_string()))?;

    let (mut password_file, mut password_command) =
        match (&args.password_file, &args.password_command) {
            (None, None) => (old.password_file.clone(), old.password_command.clone()),
            (f, c) => (f.clone(), c.clone()),
        };
    if password_file.is_none()
        && password_command.is_none()
        && interactive
        && url.password.is_none()
        && url.scheme != crate::store::url::Scheme::File
    {
        let choice = ui.select(
            "Where does the FTP password come from?",
            &[
                "FTPCHAT_PASSWORD or ~/.netrc (nothing stored)",
                "type it now; store it in a 0600 file",
                "a command that prints it (password manager)",
            ],
            0,
            "--password-file or --password-command",
        )?;
        match choice {
            1 => {
                let secret =
                    ui.password(&format!("FTP password for {}", url.user), "--password-file")?;
                let path = ctx
                    .dirs
                    .config
                    .join("passwords")
                    .join(format!("{}.password", args.profile));
                write_private(&path, format!("{}\n", secret.expose()).as_bytes(), true)?;
                note(
                    io.stderr,
                    &format!("stored the password in {} (mode 0600)", path.display()),
                );
                password_file = Some(path);
            }
            2 => password_command = Some(ui.input("Command", None, "--password-command")?),
            _ => {}
        }
    }

    let identity = args
        .identity
        .clone()
        .or(old.identity.clone())
        .unwrap_or_else(|| ctx.dirs.identity_file());
    crate::cli::commands::ensure_identity(&identity, io)?;
    let legacy = args.legacy || old.legacy;
    let room_key = args
        .room_key
        .clone()
        .or(old.room_key.clone())
        .or_else(|| (!legacy).then(|| ctx.dirs.room_key_file()));
    if let Some(k) = &room_key {
        crate::cli::commands::ensure_room_key(k, io)?;
    }
    let profile = Profile {
        relay: Some(relay),
        room,
        room_key,
        identity: Some(identity.clone()),
        name,
        password_file,
        password_command,
        ca_file: args.ca_file.clone().or(old.ca_file.clone()),
        insecure: args.insecure || old.insecure,
        active: old.active,
        implicit_tls: old.implicit_tls,
        legacy,
        legacy_passphrase_file: args
            .legacy_passphrase_file
            .clone()
            .or(old.legacy_passphrase_file.clone()),
        legacy_format: old.legacy_format.clone(),
        ssh_key: old.ssh_key.clone(),
        mirrors: if args.mirror.is_empty() {
            old.mirrors.clone()
        } else {
            args.mirror.clone()
        },
    };
    profiles.profiles.insert(args.profile.clone(), profile);
    if args.default || profiles.default.is_none() {
        profiles.default = Some(args.profile.clone());
    }
    profiles.save(ctx)?;
    note(
        io.stderr,
        &format!(
            "saved profile {} in {}",
            args.profile,
            Profiles::path(ctx).display()
        ),
    );
    let public = DeviceIdentity::load(&identity)?.public();
    writeln!(io.stdout, "{public}").map_err(|e| Error::io("cannot write", "stdout", e))?;

    if args.no_test {
        return Ok(());
    }
    let relay_args = RelayArgs {
        relay: Some(args.profile.clone()),
        room: None,
        ..RelayArgs::default()
    };
    let target = Resolved::resolve(&relay_args, ctx, io.stderr)?.target;
    let mut session = Session::new(target.clone());
    session.connect().inspect_err(|_| {
        warn(
            io.stderr,
            false,
            "the profile is saved, but the connection test failed (re-run `ftpchat init` or pass --no-test)",
        );
    })?;
    let entries = session.count_entries()?;
    session.close();
    note(
        io.stderr,
        &format!(
            "connection OK: {} ({entries} entries in the room)",
            target.key
        ),
    );
    Ok(())
}

/// One entry of the original app's saved_setups.json.
#[derive(Debug, serde::Deserialize)]
struct AppSetup {
    name: String,
    #[serde(default)]
    display_name: Option<String>,
    host: String,
    user: String,
    #[serde(default)]
    pass: Option<String>,
    chat: String,
    #[serde(default)]
    enc: Option<String>,
    #[serde(default)]
    ignore: Option<serde_json::Value>,
}

/// The largest saved_setups.json read (the app writes a few hundred bytes per setup).
const MAX_IMPORT: u64 = 1024 * 1024;

/// `init --import saved_setups.json`: one legacy-room profile per setup of the original
/// app. Secrets go to 0600 files; existing profiles are left as they are.
fn import(
    file: &std::path::Path,
    args: &InitArgs,
    ctx: &Context<'_>,
    io: &mut Io<'_>,
) -> Result<()> {
    use std::io::Read as _;
    let mut text = String::new();
    std::fs::File::open(file)
        .and_then(|f| f.take(MAX_IMPORT + 1).read_to_string(&mut text))
        .map_err(|e| Error::io("cannot read", file, e))?;
    if text.len() as u64 > MAX_IMPORT {
        return Err(Error::Usage(format!(
            "{} is over {} KiB: not a saved_setups.json of the FTPChat app",
            file.display(),
            MAX_IMPORT / 1024
        )));
    }
    let setups: Vec<AppSetup> = serde_json::from_str(&text).map_err(|e| {
        Error::Usage(format!(
            "{} is not the FTPChat app's saved_setups.json (a JSON array of \
             {{name, display_name, host, user, pass, chat, enc}}): {e}",
            file.display()
        ))
    })?;
    let mut profiles = Profiles::load(ctx)?;
    let identity = args
        .identity
        .clone()
        .unwrap_or_else(|| ctx.dirs.identity_file());
    crate::cli::commands::ensure_identity(&identity, io)?;
    let mut made = 0;
    for setup in &setups {
        let profile = profile_name(&setup.name);
        if profiles.profiles.contains_key(&profile) {
            warn(
                io.stderr,
                false,
                &format!(
                    "setup {:?}: profile {profile} exists; left as it is",
                    setup.name
                ),
            );
            continue;
        }
        let relay = app_relay_url(&setup.host, &setup.user);
        RelayUrl::parse(&relay).map_err(|e| {
            Error::Usage(format!(
                "setup {:?}: host {:?}: {e}",
                setup.name, setup.host
            ))
        })?;
        let secret = |dir: &str, ext: &str, value: &Option<String>| -> Result<Option<PathBuf>> {
            let Some(v) = value.as_deref().filter(|v| !v.is_empty()) else {
                return Ok(None);
            };
            let path = ctx.dirs.config.join(dir).join(format!("{profile}.{ext}"));
            write_private(&path, format!("{v}\n").as_bytes(), true)?;
            Ok(Some(path))
        };
        let password_file = secret("passwords", "password", &setup.pass)?;
        let passphrase = secret("legacy", "passphrase", &setup.enc)?;
        let name = setup
            .display_name
            .clone()
            .filter(|n| !n.is_empty())
            .map(|n| {
                crate::protocol::record::legacy::check_name(&n)
                    .map(|()| n)
                    .map_err(Error::Usage)
            })
            .transpose()?;
        profiles.profiles.insert(
            profile.clone(),
            Profile {
                relay: Some(relay.clone()),
                room: Some(setup.chat.trim_start_matches('/').to_string()),
                identity: Some(identity.clone()),
                name,
                password_file: password_file.clone(),
                legacy: true,
                legacy_passphrase_file: passphrase.clone(),
                ..Profile::default()
            },
        );
        made += 1;
        let mut done = format!(
            "setup {:?} -> profile {profile}: {relay}, chat file {}.txt",
            setup.name, setup.chat
        );
        for (what, path) in [
            ("password", &password_file),
            ("chat passphrase", &passphrase),
        ] {
            if let Some(p) = path {
                done.push_str(&format!("; {what} in {} (0600)", p.display()));
            }
        }
        note(io.stderr, &done);
        if setup.ignore.is_some() {
            warn(
                io.stderr,
                false,
                &format!(
                    "setup {:?}: its ignore list was not imported (ftpchat has none)",
                    setup.name
                ),
            );
        }
    }
    if made > 0 && (args.default || profiles.default.is_none()) {
        profiles.default = profiles
            .profiles
            .keys()
            .find(|k| setups.iter().any(|s| profile_name(&s.name) == **k))
            .cloned();
    }
    profiles.save(ctx)?;
    note(
        io.stderr,
        &format!(
            "imported {made} of {} setup(s) into {}; the app tried FTPS before FTP: if the \
             server offers TLS, change a profile's relay to ftps:// (`ftpchat init --profile NAME \
             --relay ftps://...`)",
            setups.len(),
            Profiles::path(ctx).display()
        ),
    );
    if made == 0 && !setups.is_empty() {
        return Err(Error::Usage(
            "nothing imported: every setup's profile exists already".into(),
        ));
    }
    Ok(())
}

/// A profile name from a setup's name: lower case, letters, digits, `-` and `_`.
fn profile_name(name: &str) -> String {
    let mut out: String = name
        .trim()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    out = out.trim_matches('-').to_string();
    if out.is_empty() { "app".into() } else { out }
}

/// The relay URL for the app's host field (a host name, `host:port`, or a URL) and user.
fn app_relay_url(host: &str, user: &str) -> String {
    use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
    let host = host.trim().trim_end_matches('/');
    let (scheme, rest) = match host.split_once("://") {
        Some((s, r)) => (s.to_ascii_lowercase(), r),
        None => ("ftp".to_string(), host),
    };
    let user: String = utf8_percent_encode(user, NON_ALPHANUMERIC).to_string();
    format!("{scheme}://{user}@{rest}/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn app_setups_become_urls_and_profile_names() {
        assert_eq!(
            app_relay_url("192.168.1.1", "admin"),
            "ftp://admin@192.168.1.1/"
        );
        assert_eq!(
            app_relay_url("ftp.example.org:2121", "a@b"),
            "ftp://a%40b@ftp.example.org:2121/"
        );
        assert_eq!(app_relay_url("FTPS://host/", "u"), "ftps://u@host/");
        assert_eq!(profile_name("Home"), "home");
        assert_eq!(profile_name(" My Office! "), "my-office");
        assert_eq!(profile_name("???"), "app");
    }
}
