//! `ftpchat push`: record lines (and this device's pending outbox) to a relay.

use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::cli::Io;
use crate::cli::args::PushArgs;
use crate::cli::commands::Context;
use crate::cli::commands::decrypt::read_line_bounded;
use crate::cli::output::{note, warn, warner};
use crate::cli::settings::Resolved;
use crate::error::{Error, Result};
use crate::protocol::keys::RoomKey;
use crate::room::RelayTarget;
use crate::room::delivery::{self, ATTEMPTS, Feeds, Report};
use crate::room::journal::Journal;
use crate::room::stream::{MAX_PENDING, Pusher};
use crate::signals;

/// Runs `push`.
///
/// # Errors
///
/// [`Error::Queued`] when this device's records could not be delivered; relay errors.
pub fn run(args: &PushArgs, ctx: &Context<'_>, io: &mut Io<'_>) -> Result<()> {
    let targets = Resolved::resolve(&args.relay, ctx, io.stderr)?.targets();
    if args.outbox || io.stdin_tty {
        return push_outbox_everywhere(args, &targets, ctx, io);
    }
    if targets[0].legacy {
        return push_legacy(&targets[0], ctx, io);
    }
    stream(targets, ctx, io)
}

/// Lines one `push` to a legacy room takes (they wait in one pending file).
const MAX_LEGACY_LINES: usize = 100_000;

/// A legacy room: the original app's chat lines from stdin (`encrypt --legacy`) are
/// appended to the chat file, after any undelivered ones.
fn push_legacy(target: &RelayTarget, ctx: &Context<'_>, io: &mut Io<'_>) -> Result<()> {
    use crate::protocol::record::{LineKind, classify};
    let mut lines = Vec::new();
    let mut given = 0usize;
    let mut buf = Vec::new();
    let mut n = 0usize;
    loop {
        buf.clear();
        if read_line_bounded(&mut *io.stdin, &mut buf)? == 0 {
            break;
        }
        n += 1;
        match classify(&buf) {
            Ok(LineKind::Blank) => {}
            Ok(LineKind::Legacy(line)) => {
                given += 1;
                lines.push(line.to_string());
            }
            _ => {
                given += 1;
                warn(
                    io.stderr,
                    false,
                    &format!(
                        "line {n}: skipped: not a chat line of the original FTPChat app \
                         (a Fernet token, gAAAAA...; make one with `ftpchat encrypt --legacy`)"
                    ),
                );
            }
        }
        if lines.len() > MAX_LEGACY_LINES {
            return Err(Error::Usage(format!(
                "more than {MAX_LEGACY_LINES} lines for a legacy room in one push: split the input"
            )));
        }
    }
    if lines.is_empty() {
        return Err(Error::Usage(if given == 0 {
            "nothing to push: stdin held no lines".into()
        } else {
            format!(
                "nothing pushed: none of the {given} line(s) is a chat line of the original \
                 FTPChat app"
            )
        }));
    }
    crate::room::legacy::deliver(
        &ctx.dirs.state,
        target,
        &lines,
        ctx.deadline,
        &mut warner(io.stderr),
    )?;
    note(
        io.stderr,
        &format!("pushed {} line(s) to {}", lines.len(), target.key),
    );
    Ok(())
}

/// Outbox mode on each relay: done when every relay took what it lacked, or, with
/// several, when at least one did (the others are warned about and stay owed).
fn push_outbox_everywhere(
    args: &PushArgs,
    targets: &[RelayTarget],
    ctx: &Context<'_>,
    io: &mut Io<'_>,
) -> Result<()> {
    if let [one] = targets {
        return push_outbox(args, one, ctx, io);
    }
    let mut failed = Vec::new();
    for t in targets {
        if let Err(e) = push_outbox(args, t, ctx, io) {
            failed.push((t.key.clone(), e));
        }
    }
    if failed.len() == targets.len() {
        return Err(failed.remove(0).1);
    }
    for (key, e) in &failed {
        warn(io.stderr, false, &format!("{key}: {e}"));
    }
    Ok(())
}

/// Outbox mode: journals meant for this relay, plus this room's journals.
fn push_outbox(
    args: &PushArgs,
    target: &RelayTarget,
    ctx: &Context<'_>,
    io: &mut Io<'_>,
) -> Result<()> {
    let state = &ctx.dirs.state;
    let room = args
        .room_key
        .clone()
        .or_else(|| Some(ctx.dirs.room_key_file()).filter(|p| p.exists()))
        .map(|p| RoomKey::load(&p))
        .transpose()?;
    let mut own = Vec::new();
    for (r, feed) in Journal::all(state) {
        let j = Journal::new(state, &r, &feed);
        let meant = j.lock()?.all_delivered().contains_key(&target.key);
        if meant || room.as_ref().is_some_and(|k| k.room_id() == &r) {
            own.push(j);
        }
    }
    let delivered = delivery::deliver(
        state,
        target,
        &own,
        &Feeds::new(),
        ctx.deadline,
        &mut warner(io.stderr),
    );
    match delivered {
        Ok(report) => {
            pushed(io, report, target);
            Ok(())
        }
        Err(e) => {
            let mut count = 0;
            for j in &own {
                count += delivery::pending(j, &target.key)?;
            }
            if count > 0 {
                Err(Error::Queued {
                    count,
                    source: Box::new(e),
                })
            } else {
                Err(e)
            }
        }
    }
}

fn pushed(io: &mut Io<'_>, report: Report, target: &RelayTarget) {
    note(
        io.stderr,
        &format!(
            "pushed {} record(s) in {} feed(s) to {}",
            report.appended, report.feeds, target.key
        ),
    );
}

/// What the stdin reader hands over.
enum Input {
    Line(Vec<u8>),
    End,
    Failed(Error),
}

/// Stream mode: each line goes to the relay as it arrives (see [`crate::room::stream`]);
/// a thread reads stdin so that a slow writer never delays what was already read.
fn stream(targets: Vec<RelayTarget>, ctx: &Context<'_>, io: &mut Io<'_>) -> Result<()> {
    let mut warnings = Vec::new();
    let mut pusher = Pusher::new(&ctx.dirs.state, targets, &mut warnings)?;
    let (tx, rx) = mpsc::sync_channel::<Input>(1024);
    let mut stdin = std::mem::replace(&mut io.stdin, Box::new(std::io::empty()));
    // Not joined: after an error or a signal it may still be blocked reading a pipe that
    // never ends; it goes away with the process.
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        loop {
            buf.clear();
            let item = match read_line_bounded(&mut *stdin, &mut buf) {
                Ok(0) => Input::End,
                Ok(_) => Input::Line(buf.clone()),
                Err(e) => Input::Failed(e),
            };
            let last = !matches!(item, Input::Line(_));
            if tx.send(item).is_err() || last {
                return;
            }
        }
    });
    drive(&mut pusher, &rx, ctx, io, &mut warnings)?;
    let report = pusher.delivered();
    let lagging = pusher.abandoned();
    let reached: Vec<String> = pusher
        .relays()
        .into_iter()
        .filter(|k| !lagging.contains(k))
        .collect();
    note(
        io.stderr,
        &format!(
            "pushed {} record(s) in {} feed(s) to {}",
            report.appended,
            report.feeds,
            reached.join(", ")
        ),
    );
    for key in lagging {
        warn(
            io.stderr,
            false,
            &format!(
                "{key}: not reached; what it lacks stays queued for the next push \
                 (`ftpchat outbox` lists this device's records)"
            ),
        );
    }
    pusher.close();
    Ok(())
}

/// Reads what is available, delivers when due, until end of input with nothing left.
fn drive(
    pusher: &mut Pusher,
    rx: &mpsc::Receiver<Input>,
    ctx: &Context<'_>,
    io: &mut Io<'_>,
    warnings: &mut Vec<String>,
) -> Result<()> {
    let mut ended = false;
    loop {
        if signals::interrupted() {
            return Err(Error::Interrupted);
        }
        let mut batch = Vec::new();
        if !ended && pusher.pending() < MAX_PENDING {
            // Block for input only when nothing waits; else take what is there.
            let wait = match pusher.due() {
                None => Some(Duration::from_millis(250)),
                Some(due) => Some(due.saturating_duration_since(Instant::now())),
            };
            let first = match wait {
                Some(w) if w > Duration::ZERO => rx.recv_timeout(w).ok(),
                _ => rx.try_recv().ok(),
            };
            let mut next = first;
            while let Some(item) = next.take() {
                match item {
                    // Not UTF-8: an empty stand-in keeps the numbering of later lines;
                    // a record line is ASCII, so nothing deliverable is lost.
                    Input::Line(l) => batch.push(match std::str::from_utf8(&l) {
                        Ok(s) => s.trim_end_matches(['\n', '\r']).to_string(),
                        Err(_) => {
                            warnings.push(format!(
                                "line {}: skipped: not valid UTF-8",
                                pusher.lines() + batch.len() + 1
                            ));
                            String::new()
                        }
                    }),
                    Input::End => ended = true,
                    Input::Failed(e) => return Err(e),
                }
                if ended || batch.len() >= 10_000 {
                    break;
                }
                next = rx.try_recv().ok();
            }
        } else if ended && pusher.due().is_none() {
            return Ok(());
        }
        pusher.add(&batch, warnings)?;
        for w in warnings.drain(..) {
            warn(io.stderr, false, &w);
        }
        let Some(due) = pusher.due() else {
            if ended {
                return Ok(());
            }
            continue;
        };
        if Instant::now() < due {
            if ended {
                std::thread::sleep(
                    due.saturating_duration_since(Instant::now())
                        .min(Duration::from_millis(250)),
                );
            }
            continue;
        }
        let out_of_time = ctx.deadline.is_some_and(|d| Instant::now() >= d);
        let stalled =
            pusher.deliver(|_, failures| out_of_time || (ended && failures >= ATTEMPTS))?;
        for s in &stalled {
            if s.retrying {
                warn(
                    io.stderr,
                    false,
                    &format!(
                        "{}{}; retrying in {:.1}s",
                        several(pusher, &s.relay),
                        s.error,
                        pusher.due().map_or(0.0, |d| d
                            .saturating_duration_since(Instant::now())
                            .as_secs_f64())
                    ),
                );
            }
        }
        if pusher.all_abandoned() {
            let e = stalled
                .into_iter()
                .next_back()
                .map(|s| s.error)
                .expect("the last relay was given up on just now");
            let count = pusher.queued_own()?;
            return Err(if count > 0 {
                Error::Queued {
                    count,
                    source: Box::new(e),
                }
            } else {
                e
            });
        }
        for s in stalled.iter().filter(|s| !s.retrying) {
            warn(io.stderr, false, &format!("{}: {}", s.relay, s.error));
        }
    }
}

/// `"KEY: "` to name the relay in a warning when there are several, else nothing.
fn several(pusher: &Pusher, key: &str) -> String {
    if pusher.relays().len() > 1 {
        format!("{key}: ")
    } else {
        String::new()
    }
}
