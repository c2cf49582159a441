//! `ftpchat push`: record lines (and this device's pending outbox) to a relay.

use std::io::BufRead;

use crate::cli::Io;
use crate::cli::args::PushArgs;
use crate::cli::commands::Context;
use crate::cli::output::{note, warn, warner};
use crate::cli::settings::Resolved;
use crate::error::{Error, Result};
use crate::protocol::keys::RoomKey;
use crate::room::delivery::{self, Feeds};
use crate::room::journal::Journal;

/// Runs `push`.
///
/// # Errors
///
/// [`Error::Queued`] when this device's records could not be delivered; relay errors.
pub fn run(args: &PushArgs, ctx: &Context<'_>, io: &mut Io<'_>) -> Result<()> {
    let target = Resolved::resolve(&args.relay, ctx, io.stderr)?.target;
    let state = &ctx.dirs.state;
    let mut warnings = Vec::new();
    let given = if args.outbox || io.stdin_tty {
        Feeds::new()
    } else {
        let mut lines = Vec::new();
        for line in io.stdin.lines() {
            lines.push(line.map_err(|e| Error::io("cannot read", "stdin", e))?);
        }
        delivery::group_lines(lines.iter().map(String::as_str), &mut warnings)
    };
    let mut own: Vec<Journal> = given
        .keys()
        .filter_map(|feed| delivery::journal_for(state, feed))
        .collect();
    if given.is_empty() {
        // Outbox mode: journals meant for this relay, plus this room's journals.
        let room = args
            .room_key
            .clone()
            .or_else(|| Some(ctx.dirs.room_key_file()).filter(|p| p.exists()))
            .map(|p| RoomKey::load(&p))
            .transpose()?;
        for (r, feed) in Journal::all(state) {
            let j = Journal::new(state, &r, &feed);
            let meant = j.lock()?.all_delivered().contains_key(&target.key);
            if meant || room.as_ref().is_some_and(|k| k.room_id() == &r) {
                own.push(j);
            }
        }
    }
    for w in &warnings {
        warn(io.stderr, false, w);
    }
    let delivered = delivery::deliver(
        state,
        &target,
        &own,
        &given,
        ctx.deadline,
        &mut warner(io.stderr),
    );
    match delivered {
        Ok(report) => {
            note(
                io.stderr,
                &format!(
                    "pushed {} record(s) in {} feed(s) to {}",
                    report.appended, report.feeds, target.key
                ),
            );
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
