//! `ftpchat watch`: pull and decrypt, live, until interrupted.
//!
//! Polls adaptively (fast right after activity, backing off to `--poll-max` when idle),
//! reconnects with backoff after any failure, and saves its cursor after each batch it
//! printed, so a restart or a reconnect resumes with no gap and no duplicate.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use crate::Io;
use crate::cli::WatchArgs;
use crate::commands::Context;
use crate::commands::pull::save_cursors;
use crate::delivery::backoff;
use crate::error::{Error, Result};
use crate::output::{Printer, note, use_color, warn};
use crate::reader::{Message, Reader};
use crate::room::{self, Cursor, RelayState};
use crate::settings::RelayTarget;
use crate::signals;
use crate::transport::ftp::{Connection, is_transient};

/// Runs `watch`.
///
/// # Errors
///
/// Permanent relay errors (login refused), key errors; [`Error::Interrupted`] when
/// stopped by a signal (after saving state).
pub fn run(args: &WatchArgs, ctx: &Context<'_>, io: &mut Io<'_>) -> Result<()> {
    let target = RelayTarget::resolve(&args.relay, ctx, io.stderr)?;
    let mut key_files = args.keys.room_key.clone();
    if key_files.is_empty()
        && let Some(k) = target.profile.as_ref().and_then(|p| p.room_key.clone())
    {
        key_files.push(k);
    }
    let rooms = ctx.room_keys(&key_files)?;
    let printer = Printer {
        json: args.output.json,
        utc: args.output.utc,
        color: use_color(args.output.color, io.stdout_tty, ctx.no_color()),
    };
    let err_color = use_color(args.output.color, io.stderr_tty, ctx.no_color());
    let mut cursors: BTreeMap<String, Cursor> = if args.all {
        BTreeMap::new()
    } else {
        RelayState::open(&ctx.dirs.state, &target.key, &args.cursor)?
            .data
            .cursors
    };
    let mut reader = Reader::new(rooms, None, false);
    for (feed, c) in &cursors {
        if c.seq > 0 {
            reader.chain_mut().seed(feed, c.seq, &c.hash);
        }
    }
    let poll_min = Duration::from_secs_f64(args.poll_min.max(0.01));
    let poll_max = Duration::from_secs_f64(args.poll_max.max(args.poll_min).max(0.01));
    let mut interval = poll_min;
    let mut conn: Option<Connection> = None;
    let mut failures = 0u32;
    let mut reported = BTreeSet::new();
    let mut failed_records = 0usize;
    loop {
        if signals::interrupted() {
            break;
        }
        let c = match conn.as_mut() {
            Some(c) => c,
            None => match Connection::open(&target.endpoint) {
                Ok(c) => {
                    if failures > 0 {
                        note(
                            io.stderr,
                            &format!("reconnected to {}", target.endpoint.url.authority()),
                        );
                    }
                    failures = 0;
                    conn.insert(c)
                }
                Err(e) if is_transient(&e) && !args.once => {
                    failures += 1;
                    let wait = backoff(failures);
                    warn(
                        io.stderr,
                        err_color,
                        &format!("{e}; reconnecting in {:.1}s", wait.as_secs_f64()),
                    );
                    if !signals::sleep(wait) {
                        break;
                    }
                    continue;
                }
                Err(e) => return Err(e),
            },
        };
        let mut warnings = Vec::new();
        let fetched = match room::poll(c, &target.dir, &cursors, &mut warnings) {
            Ok(f) => f,
            Err(e) if is_transient(&e) && !args.once => {
                conn = None;
                failures += 1;
                let wait = backoff(failures);
                warn(
                    io.stderr,
                    err_color,
                    &format!("{e}; reconnecting in {:.1}s", wait.as_secs_f64()),
                );
                if !signals::sleep(wait) {
                    break;
                }
                continue;
            }
            Err(e) => return Err(e),
        };
        let mut batch: Vec<Message> = Vec::new();
        let mut advanced = BTreeMap::new();
        for (feed, f) in fetched {
            if let Some(why) = f.rewritten {
                if reported.insert(feed.clone()) {
                    warnings.push(why);
                }
                continue;
            }
            warnings.extend(f.skipped.iter().cloned());
            for line in &f.lines {
                let outcome = reader.read(line, &format!("feed {feed}"));
                warnings.extend(outcome.warnings);
                failed_records += usize::from(outcome.failed);
                if let Some(m) = outcome.message
                    && (m.body.is_some() || printer.json)
                {
                    batch.push(m);
                }
            }
            advanced.insert(feed.clone(), f.cursor.clone());
            cursors.insert(feed, f.cursor);
        }
        // Feeds interleave by time only across files; order each batch by timestamp.
        batch.sort_by(|a, b| a.ts.cmp(&b.ts));
        for w in &warnings {
            warn(io.stderr, err_color, w);
        }
        let active = !batch.is_empty();
        for m in &batch {
            printer
                .print(m, io.stdout)
                .map_err(|e| Error::io("cannot write", "stdout", e))?;
        }
        io.stdout
            .flush()
            .map_err(|e| Error::io("cannot write", "stdout", e))?;
        save_cursors(ctx, &target.key, &args.cursor, advanced)?;
        if args.once {
            if let Some(c) = conn.take() {
                c.quit();
            }
            if failed_records > 0 {
                return Err(Error::Findings {
                    failed: failed_records,
                });
            }
            return Ok(());
        }
        interval = if active {
            poll_min
        } else {
            (interval.mul_f64(1.5)).min(poll_max)
        };
        if !signals::sleep(interval) {
            break;
        }
    }
    if let Some(c) = conn.take() {
        c.quit();
    }
    Err(Error::Interrupted)
}
