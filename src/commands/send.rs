//! `ftpchat send`: encrypt and push one message; exit 0 only once it is on the relay.

use crate::Io;
use crate::cli::SendArgs;
use crate::commands::encrypt::journal_record;
use crate::commands::{Context, Target, read_text};
use crate::delivery::{self, Feeds};
use crate::error::{Error, Result};
use crate::journal::Journal;
use crate::keys::feed_pseudonym;
use crate::record::{self, MAX_BODY};
use crate::settings::RelayTarget;

/// Runs `send`.
///
/// # Errors
///
/// [`Error::Queued`] when delivery failed (the message is kept); input and key errors.
pub fn run(args: &SendArgs, ctx: &Context<'_>, io: &mut Io<'_>) -> Result<()> {
    let relay = RelayTarget::resolve(&args.relay, ctx, io.stderr)?;
    let profile = relay.profile.clone().unwrap_or_default();
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
        let legacy_args = crate::cli::LegacyArgs {
            legacy_passphrase_file: args
                .legacy_args
                .legacy_passphrase_file
                .clone()
                .or(profile.legacy_passphrase_file.clone()),
        };
        let key = ctx.legacy_key(&legacy_args)?.ok_or_else(|| {
            Error::Usage("a legacy room needs the chat passphrase: --legacy-passphrase-file FILE or FTPCHAT_LEGACY_PASSPHRASE".into())
        })?;
        let now = chrono::Local::now().naive_local();
        let line = key.encrypt_line(
            &name,
            &body,
            &now,
            crate::record::legacy::Layout::Dated,
            false,
        );
        return crate::legacy_room::send(&ctx.dirs.state, &relay, &line, ctx.deadline, io.stderr);
    }
    let identity = ctx.identity(&sender.identity)?;
    let target = Target::resolve(&sender, ctx)?;
    if let (Target::Room(key), Some(path)) = (&target, room_key_path(&sender, ctx))
        && key.owner().is_some()
    {
        // A room with a roster: learn a rotated key before writing.
        delivery::with_retries(&relay, ctx.deadline, io.stderr, |c| {
            crate::commands::room::sync_before_send(c, &relay, &path, &identity)
        })?;
    }
    let room = Target::resolve(&sender, ctx)?.recipient();
    let (kind, body, prepared) = match &args.file {
        Some(path) => {
            let prepared = crate::attachment::prepare(&ctx.dirs.state, path, args.max_attachment)?;
            upload_with_progress(&relay, &prepared, ctx, io)?;
            let meta = crate::attachment::Attachment {
                text: body,
                ..prepared.meta.clone()
            };
            (
                crate::attachment::KIND,
                serde_json::to_string(&meta).expect("json"),
                Some(prepared),
            )
        }
        None => ("message", body, None),
    };
    journal_record(ctx, &identity, &room, &name, kind, &body)?;
    if let Some(p) = &prepared {
        crate::attachment::done(p);
    }
    let feed = feed_pseudonym(&room.id, &identity.signing_key().verifying_key());
    let journal = Journal::new(&ctx.dirs.state, &room.id, &feed);
    match delivery::deliver(
        &ctx.dirs.state,
        &relay,
        std::slice::from_ref(&journal),
        &Feeds::new(),
        None,
        io.stderr,
    ) {
        Ok(_) => Ok(()),
        Err(e) => Err(Error::Queued {
            count: delivery::pending(&journal, &relay.key)?,
            source: Box::new(e),
        }),
    }
}

/// The room key file `send` uses, when it uses one.
fn room_key_path(sender: &crate::cli::SenderArgs, ctx: &Context<'_>) -> Option<std::path::PathBuf> {
    if sender.recipient.is_some() || sender.recipients_file.is_some() {
        return None;
    }
    // The same file `Context::room_keys` picks: flag or environment, the default
    // profile's, or room.key.
    sender
        .room_key
        .clone()
        .or_else(|| {
            crate::settings::Profiles::load(ctx)
                .ok()
                .and_then(|p| p.pick(None).ok().flatten())
                .and_then(|(_, p)| p.room_key)
        })
        .or_else(|| Some(ctx.dirs.room_key_file()))
}

fn upload_with_progress(
    relay: &RelayTarget,
    prepared: &crate::attachment::Prepared,
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
    let result = delivery::with_retries(relay, ctx.deadline, io.stderr, |c| {
        crate::attachment::upload(c, &relay.dir, prepared, &|n| bar.set_position(n))
    });
    bar.finish_and_clear();
    result.inspect_err(|_| {
        crate::output::warn(
            io.stderr,
            false,
            "the encrypted file is kept: the same `send --file` resumes the upload where it stopped",
        );
    })
}
