//! `ftpchat watch`: pull and decrypt, live, until interrupted.
//!
//! Polls adaptively (fast right after activity, backing off to `--poll-max` when idle),
//! reconnects with backoff after any failure, and saves its cursor after each batch it
//! printed, so a restart or a reconnect resumes with no gap and no duplicate.

use std::time::Duration;

use crate::cli::Io;
use crate::cli::args::WatchArgs;
use crate::cli::commands::Context;
use crate::cli::output::{Printer, note, use_color, warn};
use crate::cli::settings::Resolved;
use crate::error::{Error, Result};
use crate::room::delivery::backoff;
use crate::room::feed::RelayState;
use crate::room::legacy;
use crate::room::membership::save_learned;
use crate::room::reader::{Message, Reader};
use crate::room::replicas::with_saved_cursors;
use crate::room::watch::{Cadence, Watcher};
use crate::signals;

/// Runs `watch`.
///
/// # Errors
///
/// Permanent relay errors (login refused), key errors; [`Error::Interrupted`] when
/// stopped by a signal (after saving state).
pub fn run(args: &WatchArgs, ctx: &Context<'_>, io: &mut Io<'_>) -> Result<()> {
    let resolved = Resolved::resolve(&args.relay, ctx, io.stderr)?;
    let profile = resolved.profile_or_default();
    let targets = resolved.targets();
    let target = resolved.target;
    let mut key_files = args.keys.room_key.clone();
    if key_files.is_empty()
        && let Some(k) = profile.room_key.clone()
    {
        key_files.push(k);
    }
    if key_files.is_empty() && ctx.dirs.room_key_file().exists() {
        key_files.push(ctx.dirs.room_key_file());
    }
    let legacy = ctx.legacy_key_or_profile(&args.legacy, &profile)?;
    if target.legacy && legacy.is_none() {
        return Err(Error::Usage(
            "a legacy room needs the chat passphrase: --legacy-passphrase-file FILE or FTPCHAT_LEGACY_PASSPHRASE".into(),
        ));
    }
    let rooms = match ctx.room_keys(&key_files) {
        Ok(keys) => keys,
        Err(Error::MissingKey { .. }) if target.legacy => Vec::new(),
        Err(e) => return Err(e),
    };
    if target.legacy {
        warn(io.stderr, false, legacy::NOTE);
    }
    let exec = args.exec.clone().map(|cmd| Exec {
        cmd,
        timeout: Duration::from_secs_f64(args.exec_timeout.max(0.1)),
    });
    let printer = Printer {
        json: args.output.json,
        utc: args.output.utc,
        color: use_color(args.output.color, io.stdout_tty, ctx.no_color()),
    };
    let err_color = use_color(args.output.color, io.stderr_tty, ctx.no_color());
    let since = args
        .since
        .as_deref()
        .map(crate::cli::commands::pull::parse_since)
        .transpose()?;
    let relays = with_saved_cursors(
        &ctx.dirs.state,
        targets.clone(),
        &args.cursor,
        args.all || since.is_some(),
    )?;
    let identity = ctx
        .identity(&crate::cli::args::IdentityArgs {
            identity: profile.identity.clone(),
        })
        .ok();
    let vouched = ctx.vouched(identity.as_ref(), &rooms)?;
    let device = identity.map(|d| d.x25519().clone());
    let reader = Reader::new(rooms, legacy, false)
        .with_device(device)
        .with_vouched(vouched);
    let mut watcher = Watcher::several(relays, reader, key_files.clone(), printer.json);
    if io.stderr_tty && !args.once {
        let keys: Vec<&str> = targets.iter().map(|t| t.key.as_str()).collect();
        note(
            io.stderr,
            &format!("watching {} (Ctrl-C to stop)", keys.join(", ")),
        );
    }
    let poll_min = Duration::from_secs_f64(args.poll_min.max(0.01));
    let poll_max = Duration::from_secs_f64(args.poll_max.max(args.poll_min).max(0.01));
    let mut cadence = Cadence::new(poll_min, poll_max);
    let mut failures = 0u32;
    let mut failed_records = 0usize;
    loop {
        if signals::interrupted() {
            break;
        }
        if ctx.deadline.is_some_and(|d| std::time::Instant::now() >= d) {
            // --timeout: a watch for a set time ends normally when it is up.
            return finish(watcher, failed_records);
        }
        let batch = match watcher.poll() {
            Ok(b) => b,
            Err(e) if e.is_transient() && !args.once => {
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
        if batch.connected && failures > 0 {
            note(
                io.stderr,
                &format!("reconnected to {}", target.endpoint.url.authority()),
            );
        }
        failures = 0;
        failed_records += batch.failed;
        for w in &batch.warnings {
            warn(io.stderr, err_color, w);
        }
        let active = !batch.messages.is_empty();
        for m in batch.messages.iter().filter(|m| shown_since(m, since)) {
            printer
                .print(m, io.stdout)
                .map_err(|e| Error::io("cannot write", "stdout", e))?;
            if let Some(dir) = &args.attachments {
                match watcher.save_attachment(m, dir) {
                    Ok(Some(path)) => note(io.stderr, &format!("saved {}", path.display())),
                    Ok(None) => {}
                    Err(e) => warn(io.stderr, err_color, &format!("attachment not saved: {e}")),
                }
            }
            if let Some(exec) = &exec
                && m.body.is_some()
                && let Err(why) = exec.run(m)
            {
                warn(io.stderr, err_color, &format!("--exec: {why}"));
            }
        }
        io.stdout
            .flush()
            .map_err(|e| Error::io("cannot write", "stdout", e))?;
        RelayState::merge_each(&ctx.dirs.state, &args.cursor, batch.advanced)?;
        if let Some(path) = key_files.first() {
            save_learned(path, watcher.reader_mut())?;
        }
        if args.once && !batch.more {
            return finish(watcher, failed_records);
        }
        let interval = cadence.next(active || batch.more);
        if batch.more {
            // The relay holds more than one poll downloads: read on at once.
            if signals::interrupted() {
                break;
            }
            continue;
        }
        let left = ctx.deadline.map_or(interval, |d| {
            d.saturating_duration_since(std::time::Instant::now())
        });
        if !signals::sleep(interval.min(left)) {
            break;
        }
    }
    watcher.close();
    Err(Error::Interrupted)
}

/// Ends a watch that ran its course (`--once` read everything, or `--timeout` is up):
/// exit 1 when records failed on the way.
fn finish(watcher: Watcher, failed_records: usize) -> Result<()> {
    watcher.close();
    if failed_records > 0 {
        return Err(Error::Findings {
            failed: failed_records,
        });
    }
    Ok(())
}

/// Whether `m` is at or after `--since` (everything is, without it; a record whose time
/// cannot be read is shown rather than hidden).
fn shown_since(m: &Message, since: Option<chrono::DateTime<chrono::Utc>>) -> bool {
    let Some(since) = since else {
        return true;
    };
    m.ts.as_deref()
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .is_none_or(|t| t.with_timezone(&chrono::Utc) >= since)
}

/// `--exec`: a command run for each message, with its fields in the environment and the
/// body on stdin (as ntfy's `subscribe` does). A failing or hanging command is reported
/// and does not stop the watch.
pub struct Exec {
    /// The command, run with `sh -c`.
    pub cmd: String,
    /// How long it may run before it is killed.
    pub timeout: Duration,
}

impl Exec {
    /// Runs the command for `m`; why it failed, if it did.
    pub fn run(&self, m: &Message) -> std::result::Result<(), String> {
        use std::io::Write as _;
        let mut c = std::process::Command::new("sh");
        c.arg("-c").arg(&self.cmd);
        let fields = [
            ("FTPCHAT_MSG_BODY", m.body.clone()),
            ("FTPCHAT_MSG_NAME", m.name.clone()),
            ("FTPCHAT_MSG_LABEL", Some(crate::cli::output::label(m))),
            ("FTPCHAT_MSG_SENDER", m.sender.clone()),
            ("FTPCHAT_MSG_TS", m.ts.clone()),
            ("FTPCHAT_MSG_ROOM", m.room.clone()),
            ("FTPCHAT_MSG_FEED", m.feed.clone()),
            ("FTPCHAT_MSG_SEQ", m.seq.map(|s| s.to_string())),
            ("FTPCHAT_MSG_KIND", m.kind.clone()),
            ("FTPCHAT_MSG_FORMAT", Some(m.format.to_string())),
            (
                "FTPCHAT_MSG_VERIFIED",
                Some(if m.verified { "1" } else { "0" }.to_string()),
            ),
            ("FTPCHAT_MSG_ROSTER", m.roster.map(str::to_string)),
        ];
        for (k, v) in fields {
            c.env(k, v.unwrap_or_default());
        }
        let mut child = c
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::inherit())
            .stderr(std::process::Stdio::inherit())
            .spawn()
            .map_err(|e| format!("cannot run {:?}: {e}", self.cmd))?;
        if let Some(mut stdin) = child.stdin.take() {
            // A command that does not read its stdin is fine.
            let _ = stdin.write_all(m.body.as_deref().unwrap_or_default().as_bytes());
        }
        let start = std::time::Instant::now();
        loop {
            match child.try_wait() {
                Ok(Some(st)) if st.success() => return Ok(()),
                Ok(Some(st)) => return Err(format!("{:?} failed ({st})", self.cmd)),
                Ok(None) if start.elapsed() > self.timeout => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(format!(
                        "{:?} ran longer than {:?} and was killed",
                        self.cmd, self.timeout
                    ));
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(10)),
                Err(e) => return Err(e.to_string()),
            }
        }
    }
}
