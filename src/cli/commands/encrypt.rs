//! `ftpchat encrypt`: plaintext to record lines, journaled for delivery.

use crate::cli::Io;
use crate::cli::args::{EncryptArgs, LegacyLayout};
use crate::cli::commands::{Context, Target, read_text};
use crate::error::{Error, Result};
use crate::protocol::record::legacy::{Flavour, Layout};
use crate::protocol::record::{self, MAX_BODY};
use crate::room::journal;

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
    record::check_name(&name)?;
    // One closure makes a record (or a legacy line) from a message.
    let mut make: MakeLine<'_> = if args.legacy {
        let key = ctx.legacy_key(&args.legacy_args)?.ok_or_else(|| {
            Error::Usage("--legacy needs the chat passphrase: --legacy-passphrase-file FILE or FTPCHAT_LEGACY_PASSPHRASE".into())
        })?;
        let (layout, wrap) = match &args.legacy_format {
            Some(v) => v.parse::<Flavour>().map_err(Error::Usage)?.layout(),
            None => match args.legacy_layout {
                LegacyLayout::Dated => (Layout::Dated, args.legacy_base64),
                LegacyLayout::Short => (Layout::Short, args.legacy_base64),
            },
        };
        crate::protocol::record::legacy::check_name(&name).map_err(Error::Usage)?;
        let name = name.clone();
        Box::new(move |m| {
            Ok(key.encrypt_line(&name, m, &chrono::Local::now().naive_local(), layout, wrap))
        })
    } else {
        let identity = ctx.identity(&args.sender.identity)?;
        let room = Target::resolve(&args.sender, ctx)?.recipient();
        let name = name.clone();
        Box::new(move |m| journal::record(&ctx.dirs.state, &identity, &room, &name, "message", m))
    };
    let json = args.json;
    let out = |io: &mut Io<'_>, line: &str| -> Result<()> {
        crate::cli::output::write_record(io.stdout, line.as_bytes(), json)
            .and_then(|()| io.stdout.flush())
            .map_err(|e| Error::io("cannot write", "stdout", e))
    };
    if args.lines && args.message.is_none() {
        // Streamed: each line becomes a record as it arrives (`journalctl -f | ...`).
        let mut buf = Vec::new();
        let (mut n, mut made) = (0, 0);
        loop {
            buf.clear();
            if crate::cli::commands::decrypt::read_line_bounded(&mut *io.stdin, &mut buf)? == 0 {
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
