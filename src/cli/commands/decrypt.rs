//! `ftpchat decrypt`: record lines to messages, with every signature and chain checked.

use std::io::{BufRead, Read, Write};
use std::path::PathBuf;

use crate::cli::Io;
use crate::cli::args::DecryptArgs;
use crate::cli::commands::Context;
use crate::cli::output::{Printer, use_color, warn};
use crate::error::{Error, Result};
use crate::protocol::record::MAX_LINE;
use crate::room::reader::Reader;

/// Runs `decrypt`: picks the input (files or stdin) and output (`-o` or stdout), then
/// decrypts, or with `--age` extracts a record's age file.
///
/// # Errors
///
/// [`Error::Findings`] when any record failed; key and I/O errors.
pub fn run(args: &DecryptArgs, ctx: &Context<'_>, io: &mut Io<'_>) -> Result<()> {
    let key_from_stdin = args.keys.room_key.iter().any(|p| p.as_os_str() == "-");
    let records_from_stdin =
        args.inputs.is_empty() || args.inputs.iter().any(|p| p.as_os_str() == "-");
    if key_from_stdin && records_from_stdin {
        return Err(Error::Usage(
            "`-i -` reads the room key from stdin, so the records must come from FILE arguments"
                .into(),
        ));
    }
    let stdin = std::mem::replace(&mut io.stdin, Box::new(std::io::empty()));
    let mut stdin = Some(stdin);
    let key_text = if key_from_stdin {
        let mut text = String::new();
        stdin
            .take()
            .expect("stdin is taken once")
            .take(64 * 1024)
            .read_to_string(&mut text)
            .map_err(|e| Error::io("cannot read the room key from", "stdin", e))?;
        Some(text)
    } else {
        None
    };
    let mut input: Box<dyn BufRead + Send> = Box::new(std::io::empty());
    let sources: Vec<PathBuf> = if args.inputs.is_empty() {
        vec![PathBuf::from("-")]
    } else {
        args.inputs.clone()
    };
    for path in sources {
        let next: Box<dyn BufRead + Send> = if path.as_os_str() == "-" {
            stdin
                .take()
                .ok_or_else(|| Error::Usage("stdin (`-`) given twice".into()))?
        } else {
            Box::new(std::io::BufReader::new(
                std::fs::File::open(&path).map_err(|e| Error::io("cannot read", &path, e))?,
            ))
        };
        input = Box::new(input.chain(next));
    }
    let mut file = match &args.output_file {
        Some(path) => Some(std::io::BufWriter::new(
            std::fs::File::create(path).map_err(|e| Error::io("cannot write", path, e))?,
        )),
        None => None,
    };
    let to_terminal = file.is_none() && io.stdout_tty;
    let mut redirected = Io {
        stdin: input,
        stdout: match file.as_mut() {
            Some(f) => f,
            None => &mut *io.stdout,
        },
        stderr: &mut *io.stderr,
        stdin_tty: false,
        stdout_tty: to_terminal,
        stderr_tty: io.stderr_tty,
    };
    let result = if args.age {
        extract_age(&mut redirected)
    } else {
        decrypt(args, key_text.as_deref(), ctx, &mut redirected)
    };
    drop(redirected);
    if let (Some(mut f), Some(path)) = (file, &args.output_file) {
        f.flush().map_err(|e| Error::io("cannot write", path, e))?;
    }
    result
}

/// `--age`: the one native record's ciphertext, as the binary age file it is.
fn extract_age(io: &mut Io<'_>) -> Result<()> {
    if io.stdout_tty {
        return Err(Error::Usage(
            "--age writes a binary age file: give -o FILE or pipe it (e.g. into `age -d -i ROOMKEY`)".into(),
        ));
    }
    let mut found: Option<Vec<u8>> = None;
    let mut buf = Vec::new();
    let mut n = 0;
    loop {
        buf.clear();
        if read_line_bounded(&mut *io.stdin, &mut buf)? == 0 {
            break;
        }
        n += 1;
        match crate::protocol::record::classify(&buf) {
            Ok(crate::protocol::record::LineKind::Native(r)) => {
                if found.is_some() {
                    return Err(Error::Usage(
                        "--age takes exactly one record; pick one first (e.g. `grep '^fc1.FEED.SEQ.'`)".into(),
                    ));
                }
                let ct = crate::protocol::encoding::unb64(r.ciphertext).ok_or_else(|| {
                    Error::Usage(format!("line {n}: the ciphertext is not base64url"))
                })?;
                found = Some(ct);
            }
            Ok(crate::protocol::record::LineKind::Blank) => {}
            Ok(crate::protocol::record::LineKind::Legacy(_)) => {
                return Err(Error::Usage(format!(
                    "line {n}: a legacy FTPChat line is a Fernet token, not an age file"
                )));
            }
            Err(e) => return Err(Error::Usage(format!("line {n}: {e}"))),
        }
    }
    let ct = found.ok_or_else(|| Error::Usage("--age: the input holds no record".into()))?;
    io.stdout
        .write_all(&ct)
        .and_then(|()| io.stdout.flush())
        .map_err(|e| Error::io("cannot write", "stdout", e))
}

fn decrypt(
    args: &DecryptArgs,
    key_text: Option<&str>,
    ctx: &Context<'_>,
    io: &mut Io<'_>,
) -> Result<()> {
    let legacy = ctx.legacy_key(&args.legacy)?;
    let keys = match key_text {
        Some(text) => {
            let mut keys = vec![crate::protocol::keys::RoomKey::parse(
                text,
                "the room key on stdin",
            )?];
            let files: Vec<PathBuf> = args
                .keys
                .room_key
                .iter()
                .filter(|p| p.as_os_str() != "-")
                .cloned()
                .collect();
            if !files.is_empty() {
                keys.extend(ctx.room_keys(&files)?);
            }
            Ok(keys)
        }
        None => ctx.room_keys(&args.keys.room_key),
    };
    let rooms = match keys {
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
    let identity = ctx
        .identity(&crate::cli::args::IdentityArgs { identity: None })
        .ok();
    let vouched = ctx.vouched(identity.as_ref(), &rooms)?;
    let device = identity.map(|d| d.x25519().clone());
    let mut reader = Reader::new(rooms, legacy, args.verify)
        .with_device(device)
        .with_vouched(vouched);
    let mut tally = Tally::default();
    // An audit (--verify) reads everything first and replays the room owner's feed before
    // the others, so every sender is judged against the whole roster; what it holds beyond
    // a few MiB waits in a temporary file, and records are opened on every core, a chunk
    // at a time. Otherwise lines are handled as they arrive (`tail -f | ftpchat decrypt`).
    if args.verify {
        let owner = reader.owner_feed();
        let (mut owners, mut others) = (Held::default(), Held::default());
        let mut n = 0;
        loop {
            let mut line = Vec::new();
            if read_line_bounded(&mut *io.stdin, &mut line)? == 0 {
                break;
            }
            n += 1;
            let is_owner = owner.as_ref().is_some_and(|o| {
                crate::protocol::record::classify(&line).is_ok_and(
                    |k| matches!(k, crate::protocol::record::LineKind::Native(r) if r.feed == o),
                )
            });
            if is_owner { &mut owners } else { &mut others }.push(n, line)?;
        }
        // A chunk is opened (decrypted, signatures checked) on other threads while the
        // one before it is read in order (chains, roster, output).
        type Opening = (
            std::sync::Arc<Vec<(usize, Vec<u8>)>>,
            std::thread::JoinHandle<crate::room::reader::Preopened>,
        );
        let mut read_part = |(part, opening): Opening, reader: &mut Reader| -> Result<()> {
            let opened = opening.join().unwrap_or_else(|_| vec![None; part.len()]);
            let lines: Vec<(&[u8], String)> = part
                .iter()
                .map(|(n, l)| (&l[..], format!("line {n}")))
                .collect();
            for outcome in reader.read_opened(&lines, opened) {
                tally.add(&outcome, report(&outcome, &printer, err_color, io)?);
            }
            Ok(())
        };
        let mut pending: Option<Opening> = None;
        for held in [owners, others] {
            for part in held.into_parts() {
                let part = std::sync::Arc::new(part?);
                let opener = reader.opener();
                let raws = std::sync::Arc::clone(&part);
                let opening = std::thread::spawn(move || {
                    let raws: Vec<&[u8]> = raws.iter().map(|(_, l)| &l[..]).collect();
                    opener.open(&raws)
                });
                if let Some(before) = pending.replace((part, opening)) {
                    read_part(before, &mut reader)?;
                }
            }
        }
        if let Some(last) = pending.take() {
            read_part(last, &mut reader)?;
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
            tally.add(&outcome, report(&outcome, &printer, err_color, io)?);
        }
    }
    // Records a writer had read that the input lacks: withheld from whoever pulled it.
    let withheld = reader.withheld(std::time::Duration::ZERO);
    for w in &withheld {
        warn(io.stderr, err_color, w);
    }
    if args.verify {
        tally.failed += withheld.len();
    }
    tally.result()
}

/// Lines an audit holds until the input ends (the owner's feed is read first, whatever
/// the input's order): in memory up to [`HELD_IN_MEMORY`] bytes, the rest in an unnamed
/// temporary file, so an audit of any length of history takes bounded memory.
#[derive(Default)]
struct Held {
    memory: Vec<(usize, Vec<u8>)>,
    bytes: usize,
    file: Option<std::io::BufWriter<std::fs::File>>,
}

/// Bytes of lines an audit keeps in memory, per part (the owner's feed, the rest).
const HELD_IN_MEMORY: usize = 8 << 20;
/// Lines opened at once (on every core) when an audit reads what it held.
const AUDIT_CHUNK: usize = 2048;

impl Held {
    fn push(&mut self, n: usize, line: Vec<u8>) -> Result<()> {
        if self.file.is_none() && self.bytes + line.len() <= HELD_IN_MEMORY {
            self.bytes += line.len();
            self.memory.push((n, line));
            return Ok(());
        }
        let spill_err = |e| Error::io("cannot hold the input in", "a temporary file", e);
        let file = match &mut self.file {
            Some(f) => f,
            None => self.file.insert(std::io::BufWriter::new(
                tempfile::tempfile().map_err(spill_err)?,
            )),
        };
        let len = u32::try_from(line.len()).expect("lines are bounded by MAX_LINE");
        file.write_all(&(n as u64).to_le_bytes())
            .and_then(|()| file.write_all(&len.to_le_bytes()))
            .and_then(|()| file.write_all(&line))
            .map_err(spill_err)
    }

    /// Every held line, in order, [`AUDIT_CHUNK`] lines at a time.
    fn into_parts(self) -> Parts {
        Parts {
            memory: self.memory.into_iter(),
            file: self.file,
            input: None,
        }
    }
}

/// The chunks of [`Held::into_parts`]: the lines kept in memory, then those in the file.
struct Parts {
    memory: std::vec::IntoIter<(usize, Vec<u8>)>,
    file: Option<std::io::BufWriter<std::fs::File>>,
    input: Option<std::io::BufReader<std::fs::File>>,
}

impl Iterator for Parts {
    type Item = Result<Vec<(usize, Vec<u8>)>>;

    fn next(&mut self) -> Option<Self::Item> {
        let part: Vec<(usize, Vec<u8>)> = self.memory.by_ref().take(AUDIT_CHUNK).collect();
        if !part.is_empty() {
            return Some(Ok(part));
        }
        let read_err = |e| Error::io("cannot read back", "a temporary file", e);
        if let Some(file) = self.file.take() {
            let opened = file
                .into_inner()
                .map_err(|e| read_err(e.into_error()))
                .and_then(|mut f| {
                    std::io::Seek::rewind(&mut f).map_err(read_err)?;
                    Ok(f)
                });
            match opened {
                Ok(f) => self.input = Some(std::io::BufReader::new(f)),
                Err(e) => return Some(Err(e)),
            }
        }
        let input = self.input.as_mut()?;
        let mut part = Vec::with_capacity(AUDIT_CHUNK);
        while part.len() < AUDIT_CHUNK {
            let mut head = [0u8; 12];
            match input.read_exact(&mut head) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => break,
                Err(e) => return Some(Err(read_err(e))),
            }
            let n = u64::from_le_bytes(head[..8].try_into().expect("8 bytes"));
            let len = u32::from_le_bytes(head[8..].try_into().expect("4 bytes"));
            let mut line = vec![0u8; len as usize];
            if let Err(e) = input.read_exact(&mut line) {
                return Some(Err(read_err(e)));
            }
            part.push((usize::try_from(n).unwrap_or(usize::MAX), line));
        }
        if part.is_empty() {
            self.input = None;
            return None;
        }
        Some(Ok(part))
    }
}

/// Records that failed, and lines that were not records at all (bad input, exit 2, unless
/// a record also failed: a failed record is the graver news, exit 1).
#[derive(Default)]
struct Tally {
    failed: usize,
    malformed: usize,
}

impl Tally {
    fn add(&mut self, outcome: &crate::room::reader::Outcome, failed: usize) {
        if outcome.malformed {
            self.malformed += 1;
        } else {
            self.failed += failed;
        }
    }

    fn result(&self) -> Result<()> {
        if self.failed > 0 {
            return Err(Error::Findings {
                failed: self.failed + self.malformed,
            });
        }
        if self.malformed > 0 {
            return Err(Error::Usage(format!(
                "{} input line(s) are not record lines (expected lines from `ftpchat encrypt` or \
                 `ftpchat pull`, starting fc1.)",
                self.malformed
            )));
        }
        Ok(())
    }
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

#[cfg(test)]
mod tests {
    use super::{AUDIT_CHUNK, HELD_IN_MEMORY, Held};

    #[test]
    fn held_lines_come_back_in_order_past_memory_into_the_file() {
        let mut held = Held::default();
        let line = |n: usize| format!("{n:08}:{}", "x".repeat(1000)).into_bytes();
        let count = HELD_IN_MEMORY / 1000 + 3 * AUDIT_CHUNK;
        for n in 1..=count {
            held.push(n, line(n)).expect("push");
        }
        assert!(held.file.is_some(), "the tail went to a temporary file");
        assert!(held.bytes <= HELD_IN_MEMORY);
        let mut next = 1;
        let mut parts = 0;
        for part in held.into_parts() {
            let part = part.expect("read back");
            assert!(part.len() <= AUDIT_CHUNK);
            for (n, l) in part {
                assert_eq!((n, l), (next, line(next)));
                next += 1;
            }
            parts += 1;
        }
        assert_eq!(next, count + 1, "every line once");
        assert!(parts > count / AUDIT_CHUNK);
    }
}
