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

/// Runs `init`.
///
/// # Errors
///
/// Missing flags without a terminal, bad input, key and config errors, and the
/// connection test's error (after the profile was saved).
pub fn run(args: &InitArgs, ctx: &Context<'_>, io: &mut Io<'_>) -> Result<()> {
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
