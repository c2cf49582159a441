//! `ftpchat chat`: resolve the room as `watch` and `send` do, start the polling and
//! sending threads, and hand the terminal to the chat screen.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use crate::cli::Io;
use crate::cli::args::{ChatArgs, IdentityArgs};
use crate::cli::chat::{self, Screen, view::Palette, worker};
use crate::cli::commands::Context;
use crate::cli::commands::watch::Exec;
use crate::cli::output::{note, use_color};
use crate::cli::settings::Resolved;
use crate::error::{Error, Result};
use crate::protocol::encoding::b64;
use crate::room::reader::Reader;
use crate::room::watch::Watcher;
use crate::room::{Room, RoomConfig};
use crate::room::{Session, legacy};

/// Runs `chat`.
///
/// # Errors
///
/// No terminal; settings and key errors; terminal errors.
pub fn run(args: &ChatArgs, ctx: &Context<'_>, io: &mut Io<'_>) -> Result<()> {
    if !io.stdin_tty || !io.stdout_tty {
        return Err(Error::Usage(
            "`ftpchat chat` needs a terminal on stdin and stdout; without one, read with \
             `ftpchat watch` and write with `ftpchat send`"
                .into(),
        ));
    }
    let resolved = Resolved::resolve(&args.relay, ctx, io.stderr)?;
    let profile = resolved.profile_or_default();
    let targets = resolved.targets();
    let target = resolved.target;
    let name = ctx.display_name(args.name.as_deref().or(profile.name.as_deref()));
    crate::protocol::record::check_name(&name).map_err(|e| Error::Usage(e.to_string()))?;
    let key_file = args
        .room_key
        .clone()
        .or_else(|| profile.room_key.clone())
        .unwrap_or_else(|| ctx.dirs.room_key_file());
    let identity_file = args
        .identity
        .identity
        .clone()
        .or_else(|| profile.identity.clone())
        .unwrap_or_else(|| ctx.dirs.identity_file());
    let legacy_key = ctx.legacy_key_or_profile(&args.legacy, &profile)?;
    if target.legacy && legacy_key.is_none() {
        return Err(Error::Usage(
            "a legacy room needs the chat passphrase: --legacy-passphrase-file FILE or FTPCHAT_LEGACY_PASSPHRASE".into(),
        ));
    }

    // Reading: the whole room from its start (history to scroll back through, and the
    // roster replayed from its first record), as `watch --all` reads it.
    let rooms = if target.legacy {
        Vec::new()
    } else {
        ctx.room_keys(std::slice::from_ref(&key_file))?
    };
    let identity = ctx
        .identity(&IdentityArgs {
            identity: Some(identity_file.clone()),
        })
        .ok();
    let me = identity
        .as_ref()
        .map(|i| b64(i.signing_key().verifying_key().as_bytes()));
    let vouched = ctx.vouched(identity.as_ref(), &rooms)?;
    let reader = Reader::new(rooms, legacy_key, false)
        .with_device(identity.as_ref().map(|i| i.x25519().clone()))
        .with_vouched(vouched);
    let watcher = Watcher::several(
        targets
            .iter()
            .map(|t| (Session::new(t.clone()), Default::default()))
            .collect(),
        reader,
        vec![key_file.clone()],
        false,
    );

    // Writing: the library's room for native rooms, the chat file for legacy ones.
    let writer = if target.legacy {
        crate::protocol::record::legacy::check_name(&name).map_err(Error::Usage)?;
        worker::Writer::Legacy(Box::new(worker::LegacyWriter {
            key: ctx
                .legacy_key_or_profile(&args.legacy, &profile)?
                .ok_or_else(|| Error::Usage("a legacy room needs the chat passphrase".into()))?,
            target: target.clone(),
            state: ctx.dirs.state.clone(),
            name: name.clone(),
        }))
    } else {
        let mut config = RoomConfig::new(target.clone(), &key_file, &ctx.dirs.state)
            .name(&name)
            .identity_file(&identity_file)
            .cursor("chat");
        config.max_attachment = crate::protocol::attachment::DEFAULT_MAX;
        config.mirrors = resolved.mirrors.clone();
        worker::Writer::Native(Box::new(Room::open(config)?))
    };

    let stop = Arc::new(AtomicBool::new(false));
    let (event_tx, event_rx) = std::sync::mpsc::channel();
    let (command_tx, command_rx) = std::sync::mpsc::channel();
    let poll = (
        Duration::from_secs_f64(args.poll_min.max(0.05)),
        Duration::from_secs_f64(args.poll_max.max(args.poll_min).max(0.05)),
    );
    let exec = args.exec.clone().map(|cmd| Exec {
        cmd,
        timeout: Duration::from_secs_f64(args.exec_timeout.max(0.1)),
    });
    {
        let (tx, stop) = (event_tx.clone(), stop.clone());
        let keys = vec![key_file.clone()];
        std::thread::Builder::new()
            .name("chat-poll".into())
            .spawn(move || worker::poller(watcher, keys, poll, exec, tx, stop))
            .map_err(|e| Error::io("cannot start a thread", "chat", e))?;
    }
    std::thread::Builder::new()
        .name("chat-send".into())
        .spawn(move || worker::sender(writer, command_rx, event_tx))
        .map_err(|e| Error::io("cannot start a thread", "chat", e))?;

    let room = target
        .dir
        .trim_matches('/')
        .rsplit('/')
        .next()
        .filter(|s| !s.is_empty())
        .unwrap_or("/")
        .to_string();
    let screen = Screen {
        room,
        relay: target.endpoint.url.authority(),
        me,
        name,
        legacy: target.legacy,
        scrollback: args.scrollback.max(100),
        utc: args.utc,
        palette: Palette {
            color: use_color(args.color, io.stdout_tty, ctx.no_color()),
        },
    };
    let unsent = chat::run(screen, event_rx, command_tx, stop)
        .map_err(|e| Error::io("terminal error", "chat", e))?;
    let queued = crate::room::outbox::entries(&ctx.dirs.state)
        .map(|e| {
            e.iter()
                .filter(|e| e.relay.as_deref() == Some(target.key.as_str()))
                .map(|e| e.pending)
                .sum::<usize>()
        })
        .unwrap_or(0)
        + if target.legacy {
            legacy::pending(&ctx.dirs.state, &target.key).map_or(0, |l| l.len())
        } else {
            0
        };
    if unsent > 0 {
        crate::cli::output::warn(
            io.stderr,
            false,
            &format!(
                "{unsent} message(s) were still being sent when chat ended and may not have been"
            ),
        );
    }
    if queued > 0 {
        note(
            io.stderr,
            &format!(
                "{queued} record(s) wait in the outbox for {}: the next `ftpchat send` or `ftpchat outbox flush` delivers them",
                target.key
            ),
        );
    }
    if crate::signals::interrupted() {
        return Err(Error::Interrupted);
    }
    Ok(())
}
