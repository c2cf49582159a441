//! `ftpchat pull`: new record lines from a relay to stdout, advancing the read cursor.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use crate::cli::Io;
use crate::cli::args::PullArgs;
use crate::cli::commands::Context;
use crate::cli::output::warn;
use crate::cli::settings::Resolved;
use crate::error::{Error, Result};

use crate::room::delivery::backoff;
use crate::room::feed::{Cursor, RelayState};
use crate::room::reader::Reader;
use crate::room::replicas::{Patience, Replicas, with_saved_cursors};
use crate::signals;

/// Runs `pull`.
///
/// # Errors
///
/// Relay errors; [`Error::Findings`] when history was rewritten.
pub fn run(args: &PullArgs, ctx: &Context<'_>, io: &mut Io<'_>) -> Result<()> {
    let targets = Resolved::resolve(&args.relay, ctx, io.stderr)?.targets();
    let since = args.since.as_deref().map(parse_since).transpose()?;
    let mut filter = if since.is_some() || args.attachments.is_some() {
        Some(Reader::new(
            ctx.room_keys(&args.keys.room_key)?,
            None,
            false,
        ))
    } else {
        None
    };
    let from_start = args.all || since.is_some();
    let advance = !args.no_advance && since.is_none();
    let mut relays = Replicas::new(with_saved_cursors(
        &ctx.dirs.state,
        targets,
        &args.cursor,
        from_start,
    )?);
    if args.follow {
        return follow(args, relays, ctx, io);
    }
    let mut warnings = Vec::new();
    // Resuming, the owner's first records are behind the cursor: replay the roster from
    // them, or no sender of an attachment could be judged.
    if let Some(reader) = &mut filter
        && let Some(of) = reader.owner_feed()
        && relays.all_cursors().any(|c| c.contains_key(&of))
    {
        let keys = ctx.room_keys(&args.keys.room_key)?;
        let (_, side) = relays.on_any(|session, _| {
            session.replay_owner_feed(&of, keys.clone(), None, &mut Vec::new())
        })?;
        if let Some(roster) = side.complete_roster() {
            reader.set_roster(roster);
        }
    }
    let progress = progress_bar(io.stderr_tty);
    let mut rewritten = BTreeSet::new();
    let mut touched: BTreeSet<usize> = BTreeSet::new();
    // One poll downloads at most feed::POLL_BUDGET bytes: poll until the room is read.
    loop {
        // A one-off read waits for every relay: it wants all there is.
        let round = relays.poll(Patience::All)?;
        warnings.extend(round.warnings);
        let mut polled = round.polled;
        // The roster first, so it is known before the attachments it vouches for.
        if let Some(of) = filter.as_ref().and_then(Reader::owner_feed) {
            polled.sort_by_key(|p| p.feed != of);
        }
        for p in polled {
            let feed = &p.feed;
            let f = p.fetched;
            if let Some(why) = &f.rewritten {
                if rewritten.insert(format!("{}\n{feed}", relays.key(p.relay))) {
                    warnings.push(why.clone());
                }
                continue;
            }
            warnings.extend(f.skipped.iter().cloned());
            for line in &f.lines {
                if let Some(reader) = &mut filter {
                    let outcome = reader.read(line, &format!("feed {feed}"));
                    let keep = since.is_none()
                        || outcome
                            .message
                            .as_ref()
                            .and_then(|m| m.ts.as_deref())
                            .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
                            .is_some_and(|t| Some(t.with_timezone(&chrono::Utc)) >= since);
                    if !keep {
                        continue;
                    }
                    if let (Some(dir), Some(m)) = (&args.attachments, &outcome.message) {
                        let saved = match relays.session_mut(p.relay) {
                            Some(session) => session.save_attachment(m, dir),
                            None => Ok(None),
                        };
                        match saved {
                            Ok(Some(path)) => crate::cli::output::note(
                                io.stderr,
                                &format!("saved {}", path.display()),
                            ),
                            Ok(None) => {}
                            Err(e) => {
                                warnings.push(format!("feed {feed}: attachment not saved: {e}"))
                            }
                        }
                    }
                }
                // Fetching attachments to a terminal: the files are the point, not a screen
                // of ciphertext.
                if args.attachments.is_some() && io.stdout_tty {
                    continue;
                }
                crate::cli::output::write_record(io.stdout, line, args.json)
                    .map_err(|e| Error::io("cannot write", "stdout", e))?;
            }
            relays.advance(p.relay, feed, f.cursor);
            touched.insert(p.relay);
            if let Some(p) = &progress {
                p.inc(1);
            }
        }
        for w in warnings.drain(..) {
            warn(io.stderr, false, &w);
        }
        if !round.more || crate::signals::interrupted() {
            break;
        }
    }
    if let Some(p) = progress {
        p.finish_and_clear();
    }
    io.stdout
        .flush()
        .map_err(|e| Error::io("cannot write", "stdout", e))?;
    if advance {
        for i in touched {
            let cursors = relays.cursors(i).clone();
            RelayState::merge(&ctx.dirs.state, relays.key(i), &args.cursor, cursors)?;
        }
    }
    relays.close();
    if !rewritten.is_empty() {
        return Err(Error::Rewritten {
            feeds: rewritten.len(),
        });
    }
    Ok(())
}

/// `--follow`: poll, print new lines, save the cursor, sleep (fast after activity, up
/// to `--poll-max` when idle); reconnect with backoff after network trouble; stop at a
/// signal with everything printed accounted for in the cursor.
fn follow(args: &PullArgs, mut relays: Replicas, ctx: &Context<'_>, io: &mut Io<'_>) -> Result<()> {
    let advance = !args.no_advance;
    let poll_min = Duration::from_millis(200);
    let poll_max = Duration::from_secs_f64(args.poll_max.max(0.2));
    let mut cadence = crate::room::watch::Cadence::new(poll_min, poll_max);
    let mut failures = 0u32;
    let mut reported = BTreeSet::new();
    while !signals::interrupted() {
        let round = match relays.poll(Patience::Lively) {
            Ok(r) => r,
            Err(e) if e.is_transient() => {
                failures += 1;
                let wait = backoff(failures);
                warn(
                    io.stderr,
                    false,
                    &format!("{e}; reconnecting in {:.1}s", wait.as_secs_f64()),
                );
                if !signals::sleep(wait) {
                    break;
                }
                continue;
            }
            Err(e) => return Err(e),
        };
        failures = 0;
        let mut warnings = round.warnings;
        let mut advanced: BTreeMap<String, BTreeMap<String, Cursor>> = BTreeMap::new();
        let mut printed = 0;
        for p in round.polled {
            let key = relays.key(p.relay).to_string();
            if let Some(why) = p.fetched.rewritten {
                if reported.insert(format!("{key}\n{}", p.feed)) {
                    warnings.push(why);
                }
                continue;
            }
            warnings.extend(p.fetched.skipped.iter().cloned());
            for line in &p.fetched.lines {
                crate::cli::output::write_record(io.stdout, line, args.json)
                    .map_err(|e| Error::io("cannot write", "stdout", e))?;
                printed += 1;
            }
            advanced
                .entry(key)
                .or_default()
                .insert(p.feed.clone(), p.fetched.cursor.clone());
            relays.advance(p.relay, &p.feed, p.fetched.cursor);
        }
        io.stdout
            .flush()
            .map_err(|e| Error::io("cannot write", "stdout", e))?;
        if advance {
            RelayState::merge_each(&ctx.dirs.state, &args.cursor, advanced)?;
        }
        for w in &warnings {
            warn(io.stderr, false, w);
        }
        if !signals::sleep(cadence.next(printed > 0 || round.more)) {
            break;
        }
    }
    relays.close();
    Err(Error::Interrupted)
}

fn progress_bar(stderr_tty: bool) -> Option<indicatif::ProgressBar> {
    stderr_tty.then(|| {
        let p = indicatif::ProgressBar::new_spinner();
        p.set_message("pulling feeds");
        p.enable_steady_tick(std::time::Duration::from_millis(120));
        p
    })
}

/// Parses `--since`: RFC 3339, or an age such as `90s`, `30m`, `2h`, `7d`.
///
/// # Errors
///
/// [`Error::Usage`] for anything else.
pub fn parse_since(s: &str) -> Result<chrono::DateTime<chrono::Utc>> {
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&chrono::Utc));
    }
    let bad = || {
        Error::Usage(format!(
            "bad --since {s:?}: use RFC 3339 (2026-11-22T10:00:00Z) or an age like 30m, 2h, 7d"
        ))
    };
    let age = parse_age(s).ok_or_else(bad)?;
    Ok(chrono::Utc::now() - age)
}

/// An age such as `90s`, `30m`, `2h`, `7d`.
pub fn parse_age(s: &str) -> Option<chrono::Duration> {
    let (num, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit())?);
    let n: i64 = num.parse().ok()?;
    let secs = match unit {
        "s" => n,
        "m" => n.checked_mul(60)?,
        "h" => n.checked_mul(3600)?,
        "d" => n.checked_mul(86400)?,
        _ => return None,
    };
    chrono::Duration::try_seconds(secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_forms() {
        assert!(parse_since("2026-11-22T10:00:00Z").is_ok());
        let t = parse_since("2h").expect("age");
        assert!((chrono::Utc::now() - t).num_minutes() >= 119);
        for bad in ["", "2", "h", "2w", "yesterday"] {
            assert!(parse_since(bad).is_err(), "{bad}");
        }
    }
}
