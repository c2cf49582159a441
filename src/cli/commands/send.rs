//! `ftpchat send`: encrypt and push one message; exit 0 only once it is on the relay.

use crate::cli::Io;
use crate::cli::args::SendArgs;
use crate::cli::commands::{Context, Target, read_text};
use crate::cli::output::{warn, warner};
use crate::cli::settings::Resolved;
use crate::error::{Error, Result};
use crate::protocol::record::{self, MAX_BODY};
use crate::room::delivery;
use crate::room::journal;
use crate::room::{RelayTarget, Session, attachment, membership};

/// Runs `send`.
///
/// # Errors
///
/// [`Error::Queued`] when delivery failed (the message is kept); input and key errors.
pub fn run(args: &SendArgs, ctx: &Context<'_>, io: &mut Io<'_>) -> Result<()> {
    let resolved = Resolved::resolve(&args.relay, ctx, io.stderr)?;
    let settings = resolved.clone();
    let profile = resolved.profile_or_default();
    let relays = resolved.targets();
    let relay = resolved.target;
    let mut sender = args.sender.clone();
    if sender.room_key.is_none() && sender.recipient.is_none() && sender.recipients_file.is_none() {
        sender.room_key = profile.room_key.clone();
    }
    if sender.identity.identity.is_none() {
        sender.identity.identity = profile.identity.clone();
    }
    let name = ctx.display_name(sender.name.as_deref().or(profile.name.as_deref()));
    record::check_name(&name).map_err(|e| Error::Usage(e.to_string()))?;
    let body = if args.message.is_empty() && args.file.is_some() {
        String::new()
    } else if args.message.is_empty() {
        if io.stdin_tty {
            return Err(Error::Usage(
                "no message: give it as arguments or on stdin".into(),
            ));
        }
        let text = read_text(io, MAX_BODY)?;
        text.strip_suffix('\n').unwrap_or(&text).to_string()
    } else {
        args.message.join(" ")
    };
    if body.trim().is_empty() && args.file.is_none() {
        return Err(Error::Usage("nothing to send: the message is empty".into()));
    }
    if body.len() > MAX_BODY {
        return Err(Error::MessageTooLarge {
            size: body.len(),
            limit: MAX_BODY,
        });
    }
    if relay.legacy && args.file.is_some() {
        return Err(Error::Usage(
            "the original FTPChat format has no attachments".into(),
        ));
    }
    if relay.legacy {
        let key = ctx.legacy_key_or_profile(&args.legacy_args, &profile)?.ok_or_else(|| {
            Error::Usage("a legacy room needs the chat passphrase: --legacy-passphrase-file FILE or FTPCHAT_LEGACY_PASSPHRASE".into())
        })?;
        crate::protocol::record::legacy::check_name(&name).map_err(Error::Usage)?;
        let flavour: crate::protocol::record::legacy::Flavour = args
            .legacy_format
            .as_deref()
            .or(profile.legacy_format.as_deref())
            .unwrap_or("v17")
            .parse()
            .map_err(Error::Usage)?;
        let (layout, wrap) = flavour.layout();
        let now = chrono::Local::now().naive_local();
        let line = key.encrypt_line(&name, &body, &now, layout, wrap);
        return crate::room::legacy::send(
            &ctx.dirs.state,
            &relay,
            &line,
            ctx.deadline,
            &mut warner(io.stderr),
        );
    }
    let identity = ctx.identity(&sender.identity)?;
    let target = Target::resolve(&sender, ctx)?;
    let mut room = target.recipient();
    if let (Target::Room(key), Some(path)) = (&target, room_key_path(&sender, ctx))
        && key.owner().is_some()
    {
        // A room with a roster: learn a rotated key before writing, be a member, and write
        // only to a key the owner introduced.
        let sync = {
            let (relays, identity, deadline) = (relays.clone(), identity.clone(), ctx.deadline);
            move || {
                let mut retries = Vec::new();
                let check = membership::sync_on_first_relay(
                    &relays,
                    &path,
                    &identity,
                    deadline,
                    &mut |w| retries.push(w.to_string()),
                );
                (check, retries)
            }
        };
        let (check, retries) =
            within_half_of(ctx.deadline, &relay.endpoint.url.host, move || Ok(sync()))?;
        for w in &retries {
            warn(io.stderr, false, w);
        }
        let check = check?;
        for w in &check.warnings {
            warn(io.stderr, false, w);
        }
        // The owner's signed list of relays: the profile follows it from the next
        // command on.
        crate::cli::commands::room_relays::adopt(&settings, &check.relays, ctx, io)?;
        room = check.recipient;
    } else if let Target::Room(key) = &target {
        check_unowned_once(&relay, key, &identity, ctx, io)?;
    }
    if let Target::WriteOnly(r) = &target {
        // A write-only poster: check the recipient against the owner-signed recipient
        // file (required when the owner is pinned).
        let pinned = match &args.owner {
            Some(o) => Some(o.clone()),
            None => match &sender.recipients_file {
                Some(f) => pinned_owner_in(f)?,
                None => None,
            },
        };
        if let Some(o) = &pinned
            && crate::protocol::keys::parse_verifying_key(o).is_none()
        {
            return Err(Error::Usage(format!(
                "--owner {:?} is not an owner key (base64url Ed25519, as `# owner:` in a room key file)",
                crate::protocol::keys::truncate(o, 20)
            )));
        }
        let mut session = Session::new(relay.clone());
        let warnings =
            delivery::retry_session(&mut session, ctx.deadline, &mut warner(io.stderr), |s| {
                membership::check_public_recipient(s, r, pinned.as_deref())
            })?;
        session.close();
        for w in &warnings {
            warn(io.stderr, false, w);
        }
    }
    let (kind, body, prepared) = match &args.file {
        Some(path) => {
            let prepared = attachment::prepare(&ctx.dirs.state, path, args.max_attachment)?;
            upload_with_progress(&relay, &prepared, ctx, io)?;
            for mirror in &relays[1..] {
                if let Err(e) = upload_with_progress(mirror, &prepared, ctx, io) {
                    warn(
                        io.stderr,
                        false,
                        &format!(
                            "{}: the attachment could not be uploaded there ({e}); members \
                             who read only that relay cannot fetch it",
                            mirror.key
                        ),
                    );
                }
            }
            let meta = crate::protocol::attachment::Attachment {
                text: body,
                ..prepared.meta.clone()
            };
            (
                crate::protocol::attachment::KIND,
                serde_json::to_string(&meta).expect("json"),
                Some(prepared),
            )
        }
        None => ("message", body, None),
    };
    let keys: Vec<&str> = relays.iter().map(|t| t.key.as_str()).collect();
    let line =
        journal::record_seeing(&ctx.dirs.state, &identity, &room, &keys, &name, kind, &body)?;
    if let Some(p) = &prepared {
        attachment::done(p);
    }
    let spread = delivery::deliver_own_everywhere(
        &ctx.dirs.state,
        &relays,
        &room.id,
        &identity,
        None,
        &mut warner(io.stderr),
    )?;
    for (key, e) in &spread.lagging {
        warn(
            io.stderr,
            false,
            &format!(
                "{key}: {e} (delivered to {}; `ftpchat outbox flush` or the next send retries)",
                spread.delivered.join(", ")
            ),
        );
    }
    if args.json {
        let sent = record::parse_line(&line).map_err(|e| Error::Usage(e.to_string()))?;
        let v = serde_json::json!({
            "room": room.id.to_string(),
            "feed": sent.feed,
            "seq": sent.seq,
            "kind": kind,
            "relay": spread.delivered[0],
            "relays": spread.delivered,
            "lagging": spread.lagging.iter().map(|(k, _)| k).collect::<Vec<_>>(),
            "bytes": line.len(),
        });
        writeln!(io.stdout, "{v}").map_err(|e| Error::io("cannot write", "stdout", e))?;
    } else if io.stderr_tty {
        // One short line for a person at a terminal; cron and --quiet get silence.
        crate::cli::output::note(
            io.stderr,
            &format!("sent to {}", spread.delivered.join(", ")),
        );
    }
    Ok(())
}

/// Once per relay, room directory and key: checks that a key pinning no owner is the
/// room's (see [`membership::check_unowned`]), and says so when this send starts a new
/// room. Remembered in the state directory, so later sends cost nothing; when the relay
/// cannot be reached the check is left to the next send and delivery queues as usual.
fn check_unowned_once(
    relay: &RelayTarget,
    key: &crate::protocol::keys::RoomKey,
    identity: &crate::protocol::keys::DeviceIdentity,
    ctx: &Context<'_>,
    io: &mut Io<'_>,
) -> Result<()> {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("{}\n{}", relay.key, key.room_id()));
    let dir = ctx.dirs.state.join("checked");
    let marker = dir.join(crate::protocol::encoding::hex(&digest[..12]));
    if marker.exists() {
        return Ok(());
    }
    let my_feed = crate::protocol::keys::feed_pseudonym(
        key.room_id(),
        &identity.signing_key().verifying_key(),
    );
    let check = {
        let (relay, key) = (relay.clone(), key.clone());
        move || {
            let mut session = Session::new(relay);
            let found = session
                .connect()
                .and_then(|()| membership::check_unowned(&mut session, &key, &my_feed));
            session.close();
            found
        }
    };
    let found = within_half_of(ctx.deadline, &relay.endpoint.url.host, check);
    match found {
        Ok(found) => {
            if found == membership::Found::New {
                warn(
                    io.stderr,
                    false,
                    &format!(
                        "{} holds no room yet: this message starts room {} there (if you meant \
                         an existing room, check --relay and --room)",
                        relay.key,
                        key.room_id()
                    ),
                );
            }
            crate::paths::ensure_private_dir(&dir)?;
            crate::paths::write_private(&marker, relay.key.as_bytes(), true)
        }
        // The check's own refusal stops the send; anything else (an unreachable relay, the
        // --timeout deadline, a refused login) is left to delivery, which queues or says so.
        Err(e @ Error::NotAllowed(_)) => Err(e),
        Err(_) => Ok(()),
    }
}

/// Runs a check that must finish before the message is journaled. Under `--timeout` it
/// gets half of the time left, on its own thread, so a stalled relay still leaves time to
/// journal the message, which then stays queued (exit 3) instead of being lost when the
/// watchdog ends the run.
fn within_half_of<T: Send + 'static>(
    deadline: Option<std::time::Instant>,
    host: &str,
    check: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    let Some(deadline) = deadline else {
        return check();
    };
    let budget = deadline.saturating_duration_since(std::time::Instant::now()) / 2;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(check());
    });
    rx.recv_timeout(budget).unwrap_or_else(|_| {
        Err(Error::Relay {
            host: host.to_string(),
            what: "checking the room before sending".into(),
            reason: format!(
                "no answer within {:.1}s, half of --timeout",
                budget.as_secs_f64()
            ),
            timeout: true,
        })
    })
}

/// The owner pinned in a recipients file (`# owner: KEY`), if any.
fn pinned_owner_in(path: &std::path::Path) -> Result<Option<String>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io("cannot read", path, e))?;
    Ok(text
        .lines()
        .find_map(|l| l.trim().strip_prefix("# owner:"))
        .map(|o| o.trim().to_string()))
}

/// The room key file `send` uses, when it uses one.
fn room_key_path(
    sender: &crate::cli::args::SenderArgs,
    ctx: &Context<'_>,
) -> Option<std::path::PathBuf> {
    if sender.recipient.is_some() || sender.recipients_file.is_some() {
        return None;
    }
    // The same file `Context::room_keys` picks: flag or environment, the default
    // profile's, or room.key.
    sender
        .room_key
        .clone()
        .or_else(|| {
            crate::cli::settings::Profiles::load(ctx)
                .ok()
                .and_then(|p| p.pick(None).ok().flatten())
                .and_then(|(_, p)| p.room_key)
        })
        .or_else(|| Some(ctx.dirs.room_key_file()))
}

fn upload_with_progress(
    relay: &RelayTarget,
    prepared: &attachment::Prepared,
    ctx: &Context<'_>,
    io: &mut Io<'_>,
) -> Result<()> {
    let total = std::fs::metadata(&prepared.cipher)
        .map(|m| m.len())
        .unwrap_or(0);
    let bar = if io.stderr_tty {
        let b = indicatif::ProgressBar::new(total);
        b.set_style(
            indicatif::ProgressStyle::with_template(
                "{msg} {bar:30} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b.set_message(prepared.meta.name.clone());
        b
    } else {
        indicatif::ProgressBar::hidden()
    };
    let mut session = Session::new(relay.clone());
    let result = delivery::retry_session(&mut session, ctx.deadline, &mut warner(io.stderr), |s| {
        s.upload(prepared, &|n| bar.set_position(n))
    });
    session.close();
    bar.finish_and_clear();
    result.inspect_err(|_| {
        crate::cli::output::warn(
            io.stderr,
            false,
            "the file was not sent; its encrypted copy is kept: the same `send --file` resumes the upload where it stopped",
        );
    })
}
