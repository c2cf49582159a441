//! `ftpchat decrypt`: record lines to messages, with every signature and chain checked.

use crate::cli::Io;
use crate::cli::args::DecryptArgs;
use crate::cli::commands::Context;
use crate::cli::output::{Printer, use_color, warn};
use crate::error::{Error, Result};
use crate::protocol::record::MAX_LINE;
use crate::room::reader::Reader;

/// Runs `decrypt`.
///
/// # Errors
///
/// [`Error::Findings`] when any record failed; key and I/O errors.
pub fn run(args: &DecryptArgs, ctx: &Context<'_>, io: &mut Io<'_>) -> Result<()> {
    let legacy = ctx.legacy_key(&args.legacy)?;
    let rooms = match ctx.room_keys(&args.keys.room_key) {
        Ok(keys) => keys,
        // A legacy-only stream needs no room key.
        Err(Error::MissingKey { .. }) if legacy.is_some() => Vec::new(),
        Err(e) => return Err(e),
    };
    let printer = Printer {
        json: args.output.json,
        utc: args.output.utc,
        color: use_color(args.output.color, io.stdout_tty, ctx.no_color()),
    };
    let err_color = use_color(args.output.color, io.stderr_tty, ctx.no_color());
    let device = ctx
        .identity(&crate::cli::args::IdentityArgs { identity: None })
        .ok()
        .map(|d| d.x25519().clone());
    let mut reader = Reader::new(rooms, legacy, args.verify).with_device(device);
    let mut failed = 0;
    // An audit (--verify) reads everything first and replays the room owner's feed before
    // the others, so every sender is judged against the whole roster; records are opened
    // on every core. Otherwise lines are handled as they arrive (`tail -f | ftpchat decrypt`).
    if args.verify {
        let owner = reader.owner_feed();
        let mut all = Vec::new();
        loop {
            let mut line = Vec::new();
            if read_line_bounded(&mut *io.stdin, &mut line)? == 0 {
                break;
            }
            all.push((all.len() + 1, line));
        }
        all.sort_by_key(|(_, l)| {
            let is_owner = owner.as_ref().is_some_and(|o| {
                crate::protocol::record::classify(l).is_ok_and(
                    |k| matches!(k, crate::protocol::record::LineKind::Native(r) if r.feed == o),
                )
            });
            !is_owner
        });
        for outcome in reader.read_all(all.iter().map(|(n, l)| (&l[..], format!("line {n}")))) {
            failed += report(&outcome, &printer, err_color, io)?;
        }
    } else {
        let mut buf = Vec::new();
        let mut n = 0;
        loop {
            buf.clear();
            if read_line_bounded(&mut *io.stdin, &mut buf)? == 0 {
                break;
            }
            n += 1;
            let outcome = reader.read(&buf, &format!("line {n}"));
            failed += report(&outcome, &printer, err_color, io)?;
        }
    }
    if failed > 0 {
        return Err(Error::Findings { failed });
    }
    Ok(())
}

/// Prints one outcome: warnings to stderr, the message to stdout. Returns 1 if it failed.
fn report(
    outcome: &crate::room::reader::Outcome,
    printer: &Printer,
    err_color: bool,
    io: &mut Io<'_>,
) -> Result<usize> {
    for w in &outcome.warnings {
        warn(io.stderr, err_color, w);
    }
    if let Some(m) = &outcome.message {
        printer
            .print(m, io.stdout)
            .map_err(|e| Error::io("cannot write", "stdout", e))?;
    }
    Ok(usize::from(outcome.failed))
}

/// Reads one line into `buf`, keeping at most [`MAX_LINE`] + 1 bytes of it (the rest of an
/// overlong line is discarded so memory stays bounded). Returns bytes consumed.
///
/// # Errors
///
/// Read errors of the input.
pub fn read_line_bounded(input: &mut dyn std::io::BufRead, buf: &mut Vec<u8>) -> Result<usize> {
    let mut consumed = 0;
    loop {
        let chunk = input
            .fill_buf()
            .map_err(|e| Error::io("cannot read", "stdin", e))?;
        if chunk.is_empty() {
            return Ok(consumed);
        }
        let (take, done) = match chunk.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (chunk.len(), false),
        };
        let room = (MAX_LINE + 1).saturating_sub(buf.len());
        buf.extend_from_slice(&chunk[..take.min(room)]);
        input.consume(take);
        consumed += take;
        if done {
            return Ok(consumed);
        }
    }
}
