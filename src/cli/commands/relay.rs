//! `ftpchat relay`: the embedded relay (see [`crate::relay`]) plus the quick-start
//! set-up around it: a password file, keys and a `local` profile pointing at it.

use std::net::SocketAddr;
use std::ops::RangeInclusive;

use crate::cli::Io;
use crate::cli::args::RelayServerArgs;
use crate::cli::commands::Context;
use crate::cli::output::note;
use crate::cli::settings::{Profile, Profiles};
use crate::error::{Error, Result};
use crate::paths::{self, write_private};
use crate::protocol::encoding::base32;
use crate::relay::{RelayConfig, RunningRelay, SessionLimits};
use crate::secret::Secret;
use crate::signals;

fn parse_ports(s: &str) -> Result<RangeInclusive<u16>> {
    let bad = || {
        Error::Usage(format!(
            "bad --passive-ports {s:?}: expected FIRST-LAST, e.g. 49152-65534"
        ))
    };
    let (a, b) = s.split_once('-').ok_or_else(bad)?;
    let (a, b): (u16, u16) = (
        a.trim().parse().map_err(|_| bad())?,
        b.trim().parse().map_err(|_| bad())?,
    );
    if a == 0 || b < a {
        return Err(bad());
    }
    Ok(a..=b)
}

/// Runs `ftpchat relay` until interrupted.
///
/// # Errors
///
/// Setup and bind errors; [`Error::Interrupted`] after a clean stop.
pub fn run(args: &RelayServerArgs, ctx: &Context<'_>, io: &mut Io<'_>) -> Result<()> {
    let listen: SocketAddr = args.listen.parse().map_err(|_| {
        Error::Usage(format!(
            "bad --listen {:?}: expected IP:PORT such as 127.0.0.1:2121",
            args.listen
        ))
    })?;
    let root = args
        .root
        .clone()
        .unwrap_or_else(|| ctx.dirs.state.join("relay"));
    paths::ensure_private_dir(&root)?;
    let password_file = args
        .password_file
        .clone()
        .unwrap_or_else(|| ctx.dirs.config.join("relay.password"));
    let password = match ctx.env.get("FTPCHAT_RELAY_PASSWORD") {
        Some(p) => Secret::new(p),
        None => {
            if !password_file.exists() {
                use rand_core::RngCore;
                let mut b = [0u8; 15];
                rand_core::OsRng.fill_bytes(&mut b);
                write_private(
                    &password_file,
                    format!("{}\n", base32(&b)).as_bytes(),
                    false,
                )?;
            }
            Secret::new(paths::read_secret_file(&password_file)?.trim_end())
        }
    };
    let tls = args.tls_cert.clone().zip(args.tls_key.clone());
    let relay = RunningRelay::start(RelayConfig {
        listen,
        root: root.clone(),
        user: args.user.clone(),
        password,
        passive_ports: parse_ports(&args.passive_ports)?,
        tls_required: args.tls_required,
        tls: tls.clone(),
        limits: SessionLimits {
            total: args.max_sessions as usize,
            per_address: args.max_per_address as usize,
            login_timeout: std::time::Duration::from_secs(args.login_timeout),
            ..SessionLimits::default()
        },
    })?;
    let scheme = if tls.is_some() { "ftps" } else { "ftp" };
    let url = format!("{scheme}://{}@{}/", args.user, relay.addr());
    note(
        io.stderr,
        &format!("relay serving {} at {url} (Ctrl-C to stop)", root.display()),
    );
    if !args.no_setup {
        setup(ctx, &url, &password_file, io)?;
    }
    let _ = io.stderr.flush();
    while signals::sleep(std::time::Duration::from_secs(3600)) {}
    relay.stop();
    note(io.stderr, "relay stopped");
    Err(Error::Interrupted)
}

/// First-run set-up: keys, a `local` profile pointing at this relay, made the default
/// when there is none.
fn setup(
    ctx: &Context<'_>,
    url: &str,
    password_file: &std::path::Path,
    io: &mut Io<'_>,
) -> Result<()> {
    let identity = ctx.dirs.identity_file();
    crate::cli::commands::ensure_identity(&identity, io)?;
    let room_key = ctx.dirs.room_key_file();
    crate::cli::commands::ensure_room_key(&room_key, io)?;
    let mut profiles = Profiles::load(ctx)?;
    let name = profile_for(&profiles, url, io);
    let local = Profile {
        relay: Some(url.to_string()),
        room: Some("lobby".into()),
        room_key: Some(room_key),
        identity: Some(identity),
        password_file: Some(password_file.to_path_buf()),
        ..profiles.profiles.get(&name).cloned().unwrap_or_default()
    };
    profiles.profiles.insert(name.clone(), local);
    let is_default = profiles.default.is_none() || profiles.default.as_deref() == Some(&name);
    if profiles.default.is_none() {
        profiles.default = Some(name.clone());
    }
    profiles.save(ctx)?;
    let flag = if is_default {
        String::new()
    } else {
        format!(" --relay {name}")
    };
    let program = program_name(ctx);
    let _ = writeln!(
        io.stderr,
        "\nIn another terminal, try:\n    {program} watch{flag}\n    {program} send{flag} hello\n"
    );
    if program != "ftpchat" {
        let _ = writeln!(
            io.stderr,
            "(ftpchat is not on your PATH yet: scripts/install puts it in ~/.local/bin)\n"
        );
    }
    Ok(())
}

/// The profile this relay's set-up writes: `local`, unless `local` points at another
/// relay that is still running (a second `ftpchat relay`), which keeps it; then
/// `local-PORT`. Repointing `local` away from a relay that is gone is said, not silent.
fn profile_for(profiles: &Profiles, url: &str, io: &mut Io<'_>) -> String {
    let Some(old) = profiles
        .profiles
        .get("local")
        .and_then(|p| p.relay.clone())
        .filter(|old| old != url)
    else {
        return "local".into();
    };
    let running = crate::store::url::RelayUrl::parse(&old)
        .ok()
        .and_then(|u| {
            use std::net::ToSocketAddrs;
            (u.host.as_str(), u.port).to_socket_addrs().ok()?.next()
        })
        .is_some_and(|addr| {
            std::net::TcpStream::connect_timeout(&addr, std::time::Duration::from_millis(300))
                .is_ok()
        });
    if running {
        let port = url
            .rsplit(':')
            .next()
            .map(|p| p.trim_end_matches('/'))
            .unwrap_or("2");
        let name = format!("local-{port}");
        note(
            io.stderr,
            &format!(
                "profile `local` stays with the relay still running at {old}; this one is profile `{name}`"
            ),
        );
        name
    } else {
        note(
            io.stderr,
            &format!(
                "profile `local` now points at this relay (it pointed at {old}, which is not running)"
            ),
        );
        "local".into()
    }
}

/// How to run this binary from another terminal: `ftpchat` when that name on `PATH` is
/// this very file, else its full path (after `cargo run`, `ftpchat` is not installed).
fn program_name(ctx: &Context<'_>) -> String {
    let Ok(me) = std::env::current_exe().and_then(std::fs::canonicalize) else {
        return "ftpchat".into();
    };
    let on_path = ctx
        .env
        .get("PATH")
        .into_iter()
        .flat_map(std::env::split_paths)
        .any(|dir| std::fs::canonicalize(dir.join("ftpchat")).is_ok_and(|p| p == me));
    if on_path {
        "ftpchat".into()
    } else {
        me.display().to_string()
    }
}
