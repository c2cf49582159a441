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
    if key_files.is_empty() && ctx.dirs.room_key_file().exists() {
        key_files.push(ctx.dirs.room_key_file());
    }
    let profile = target.profile.clone().unwrap_or_default();
    let legacy_args = crate::cli::LegacyArgs {
        legacy_passphrase_file: args
            .legacy
            .legacy_passphrase_file
            .clone()
            .or(profile.legacy_passphrase_file.clone()),
    };
    let legacy = ctx.legacy_key(&legacy_args)?;
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
        warn(io.stderr, false, crate::legacy_room::NOTE);
    }
    let exec = args.exec.as_deref().map(|cmd| Exec {
        cmd,
        timeout: Duration::from_secs_f64(args.exec_timeout.max(0.1)),
    });
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
    let device = ctx
        .identity(&crate::cli::IdentityArgs {
            identity: profile.identity.clone(),
        })
        .ok()
        .map(|d| d.x25519().clone());
    let mut reader = Reader::new(rooms, legacy, false).with_device(device.clone());
    let owner_feed = reader.owner_feed();
    // Resuming from a cursor skips the roster records already read: replay the owner's
    // feed once (without printing) so senders are judged against the whole roster.
    let mut needs_replay = owner_feed.is_some() && !cursors.is_empty();
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
        if needs_replay && let Some(of) = &owner_feed {
            match room::fetch(c, &target.dir, of, &Cursor::default(), None) {
                Ok(f) => {
                    let mut side = Reader::new(ctx.room_keys(&key_files)?, None, false)
                        .with_device(device.clone());
                    for line in &f.lines {
                        side.read(line, "");
                    }
                    reader.adopt(side.take_learned());
                    if let Some(r) = side.complete_roster() {
                        reader.set_roster(r);
                    }
                    needs_replay = false;
                }
                Err(e) if is_transient(&e) && !args.once => {
                    conn = None;
                    failures += 1;
                    if !signals::sleep(backoff(failures)) {
                        break;
                    }
                    continue;
                }
                Err(e) => return Err(e),
            }
        }
        let mut warnings = Vec::new();
        let polled = if target.legacy {
            room::poll_legacy(c, &target.dir, &cursors)
        } else {
            room::poll(c, &target.dir, &cursors, &mut warnings)
        };
        let mut fetched = match polled {
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
        // The roster first, so it is known before the messages it vouches for.
        fetched.sort_by_key(|(f, _)| Some(f) != owner_feed.as_ref());
        let mut batch: Vec<Message> = Vec::new();
        let mut advanced = BTreeMap::new();
        let mut readable = Vec::new();
        for (feed, f) in fetched {
            if let Some(why) = f.rewritten {
                if reported.insert(feed.clone()) {
                    warnings.push(why);
                }
                continue;
            }
            warnings.extend(f.skipped.iter().cloned());
            readable.push((feed, f));
        }
        let lines = readable.iter().flat_map(|(feed, f)| {
            f.lines
                .iter()
                .map(move |l| (&l[..], format!("feed {feed}")))
        });
        for outcome in reader.read_all(lines) {
            warnings.extend(outcome.warnings);
            failed_records += usize::from(outcome.failed);
            if let Some(m) = outcome.message
                && (m.body.is_some() || printer.json)
            {
                batch.push(m);
            }
        }
        for (feed, f) in readable {
            // The chain seed kept in the cursor comes from verified records only.
            let mut cursor = f.cursor;
            let (seq, hash) = match reader.chain().head(&feed) {
                Some((seq, hash)) => (seq, hash.to_string()),
                None => (0, String::new()),
            };
            cursor.seq = seq;
            cursor.hash = hash;
            advanced.insert(feed.clone(), cursor.clone());
            cursors.insert(feed, cursor);
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
            if let (Some(dir), Some(c)) = (&args.attachments, conn.as_mut()) {
                match crate::commands::pull::save_attachment(c, &target.dir, m, dir) {
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
        save_cursors(ctx, &target.key, &args.cursor, advanced)?;
        if let Some(path) = key_files.first() {
            crate::commands::room::save_learned(path, &mut reader)?;
        }
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

/// `--exec`: a command run for each message, with its fields in the environment and the
/// body on stdin (as ntfy's `subscribe` does). A failing or hanging command is reported
/// and does not stop the watch.
struct Exec<'a> {
    cmd: &'a str,
    timeout: Duration,
}

impl Exec<'_> {
    fn run(&self, m: &Message) -> std::result::Result<(), String> {
        use std::io::Write as _;
        let mut c = std::process::Command::new("sh");
        c.arg("-c").arg(self.cmd);
        let fields = [
            ("FTPCHAT_MSG_BODY", m.body.clone()),
            ("FTPCHAT_MSG_NAME", m.name.clone()),
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
