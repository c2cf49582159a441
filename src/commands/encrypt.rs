//! `ftpchat encrypt`: plaintext to record lines, journaled for delivery.

use crate::Io;
use crate::cli::{EncryptArgs, LegacyLayout};
use crate::commands::{Context, Target, now_rfc3339, read_text};
use crate::encoding::b64;
use crate::error::{Error, Result};
use crate::journal::Journal;
use crate::keys::{DeviceIdentity, RoomRecipient, feed_pseudonym};
use crate::record::legacy::Layout;
use crate::record::{self, Envelope, MAX_BODY, SealError};

/// Most input read for `--lines` before giving up (a log pipe may be long; each line is
/// still limited to [`MAX_BODY`]).
const MAX_LINES_INPUT: usize = 64 * 1024 * 1024;

/// Runs `encrypt`.
///
/// # Errors
///
/// Input, key and journal errors.
pub fn run(args: &EncryptArgs, ctx: &Context<'_>, io: &mut Io<'_>) -> Result<()> {
    let name = ctx.display_name(args.sender.name.as_deref());
    record::check_name(&name).map_err(seal_error)?;
    // One closure makes a record (or a legacy line) from a message.
    let mut make: MakeLine<'_> = if args.legacy {
        let key = ctx.legacy_key(&args.legacy_args)?.ok_or_else(|| {
            Error::Usage("--legacy needs the chat passphrase: --legacy-passphrase-file FILE or FTPCHAT_LEGACY_PASSPHRASE".into())
        })?;
        let layout = match args.legacy_layout {
            LegacyLayout::Dated => Layout::Dated,
            LegacyLayout::Short => Layout::Short,
        };
        let wrap = args.legacy_base64;
        let name = name.clone();
        Box::new(move |m| {
            Ok(key.encrypt_line(&name, m, &chrono::Local::now().naive_local(), layout, wrap))
        })
    } else {
        let identity = ctx.identity(&args.sender.identity)?;
        let room = Target::resolve(&args.sender, ctx)?.recipient();
        let name = name.clone();
        Box::new(move |m| journal_record(ctx, &identity, &room, &name, "message", m))
    };
    let out = |io: &mut Io<'_>, line: &str| -> Result<()> {
        writeln!(io.stdout, "{line}")
            .and_then(|()| io.stdout.flush())
            .map_err(|e| Error::io("cannot write", "stdout", e))
    };
    if args.lines && args.message.is_none() {
        // Streamed: each line becomes a record as it arrives (`journalctl -f | ...`).
        let mut buf = Vec::new();
        let (mut n, mut made) = (0, 0);
        loop {
            buf.clear();
            if crate::commands::decrypt::read_line_bounded(io.stdin, &mut buf)? == 0 {
                break;
            }
            n += 1;
            let text = buf.strip_suffix(b"\n").unwrap_or(&buf);
            let text = text.strip_suffix(b"\r").unwrap_or(text);
            let Ok(text) = std::str::from_utf8(text) else {
                return Err(Error::Usage(format!(
                    "input line {n} is not valid UTF-8 text"
                )));
            };
            if text.trim().is_empty() {
                continue;
            }
            if text.len() > MAX_BODY {
                return Err(Error::MessageTooLarge {
                    size: text.len(),
                    limit: MAX_BODY,
                });
            }
            let line = make(text)?;
            out(io, &line)?;
            made += 1;
        }
        if made == 0 {
            return Err(Error::Usage("nothing to send: the input is empty".into()));
        }
        return Ok(());
    }
    for m in messages(args.message.as_deref(), args.lines, io)? {
        let line = make(&m)?;
        out(io, &line)?;
    }
    Ok(())
}

/// Makes one output line from one message.
type MakeLine<'a> = Box<dyn FnMut(&str) -> Result<String> + 'a>;

/// The messages to encrypt: `--message`, or stdin whole, or stdin line by line.
///
/// # Errors
///
/// Empty input, oversized or non-UTF-8 input.
pub fn messages(given: Option<&str>, lines: bool, io: &mut Io<'_>) -> Result<Vec<String>> {
    let text = match given {
        Some(m) => m.to_string(),
        None => read_text(io, if lines { MAX_LINES_INPUT } else { MAX_BODY })?,
    };
    let out: Vec<String> = if lines {
        text.lines()
            .filter(|l| !l.trim().is_empty())
            .map(str::to_string)
            .collect()
    } else {
        let t = text.strip_suffix('\n').unwrap_or(&text);
        let t = t.strip_suffix('\r').unwrap_or(t);
        if t.trim().is_empty() {
            Vec::new()
        } else {
            vec![t.to_string()]
        }
    };
    if out.is_empty() {
        return Err(Error::Usage("nothing to send: the message is empty".into()));
    }
    if let Some(big) = out.iter().find(|m| m.len() > MAX_BODY) {
        return Err(Error::MessageTooLarge {
            size: big.len(),
            limit: MAX_BODY,
        });
    }
    Ok(out)
}

fn seal_error(e: SealError) -> Error {
    match e {
        SealError::TooLarge(size) => Error::MessageTooLarge {
            size,
            limit: MAX_BODY,
        },
        other => Error::Usage(other.to_string()),
    }
}

/// Makes the next record of this identity's feed in the room and journals it, under the
/// journal lock so that concurrent processes never reuse a seq. Returns the record line.
///
/// # Errors
///
/// Journal errors and out-of-bounds bodies.
pub fn journal_record(
    ctx: &Context<'_>,
    identity: &DeviceIdentity,
    room: &RoomRecipient,
    name: &str,
    kind: &str,
    body: &str,
) -> Result<String> {
    let key = identity.signing_key();
    let feed = feed_pseudonym(&room.id, &key.verifying_key());
    let journal = Journal::new(&ctx.dirs.state, &room.id, &feed);
    let locked = journal.lock()?;
    let (seq, prev) = match locked.head()? {
        Some((seq, hash)) => (seq + 1, Some(hash)),
        None => (1, None),
    };
    let envelope = Envelope {
        v: 1,
        room: room.id.to_string(),
        from: b64(key.verifying_key().as_bytes()),
        name: name.to_string(),
        seq,
        prev,
        ts: now_rfc3339(),
        kind: kind.to_string(),
        body: body.to_string(),
    };
    let line = record::seal(&envelope, key, &room.recipient).map_err(seal_error)?;
    locked.append(&line)?;
    Ok(line)
}
