//! `ftpchat outbox`: what this device has journaled but not yet delivered, and `flush`.

use std::collections::BTreeMap;

use crate::cli::Io;
use crate::cli::args::{DropArgs, FlushArgs, OutboxAction, OutboxArgs, RelayArgs};
use crate::cli::commands::Context;
use crate::cli::output::{note, warn, warner};
use crate::cli::settings::Resolved;
use crate::error::{Error, Result};
use crate::room::delivery::{self, Feeds};
use crate::room::journal::Journal;
use crate::room::outbox;

/// Runs `outbox`.
///
/// # Errors
///
/// State errors; [`Error::Queued`] when `flush` could not deliver everything.
pub fn run(args: &OutboxArgs, ctx: &Context<'_>, io: &mut Io<'_>) -> Result<()> {
    match &args.action {
        None | Some(OutboxAction::List) => list(args.json, ctx, io),
        Some(OutboxAction::Flush(f)) => flush(f, ctx, io),
        Some(OutboxAction::Drop(d)) => drop_pending(d, ctx, io),
    }
}

fn drop_pending(args: &DropArgs, ctx: &Context<'_>, io: &mut Io<'_>) -> Result<()> {
    use crate::cli::ui::Ui;
    let relay = args.relay.as_deref();
    let feed = args.feed.as_deref();
    let owed: usize = outbox::entries(&ctx.dirs.state)?
        .iter()
        .filter(|e| relay.is_none_or(|r| e.relay.as_deref() == Some(r)))
        .filter(|e| feed.is_none_or(|f| e.feed == f))
        .map(|e| e.pending)
        .sum();
    if owed == 0 {
        note(
            io.stderr,
            "nothing pending matches; the outbox is unchanged",
        );
        return Ok(());
    }
    let what = format!(
        "drop {owed} undelivered record(s){}{}? They will not be delivered",
        relay.map(|r| format!(" owed to {r}")).unwrap_or_default(),
        feed.map(|f| format!(" of feed {f}")).unwrap_or_default()
    );
    if !args.yes {
        if !ctx.interactive {
            return Err(Error::Usage(format!(
                "not dropping without a terminal to ask on: {what}. Add --yes to confirm"
            )));
        }
        if !crate::cli::ui::Terminal.confirm(&what, false)? {
            note(io.stderr, "nothing dropped");
            return Ok(());
        }
    }
    let dropped = outbox::drop_pending(&ctx.dirs.state, relay, feed)?;
    note(
        io.stderr,
        &format!("dropped {dropped} record(s) from the outbox"),
    );
    Ok(())
}

fn list(json: bool, ctx: &Context<'_>, io: &mut Io<'_>) -> Result<()> {
    let w = |e| Error::io("cannot write", "stdout", e);
    let rows = outbox::entries(&ctx.dirs.state)?;
    if json {
        for r in &rows {
            serde_json::to_writer(&mut *io.stdout, r).map_err(|e| w(e.into()))?;
            writeln!(io.stdout).map_err(w)?;
        }
        return Ok(());
    }
    if rows.is_empty() {
        note(
            io.stderr,
            "no journals: nothing has been encrypted on this device yet",
        );
        return Ok(());
    }
    writeln!(
        io.stdout,
        "{:<16}  {:<16}  {:>7}  {:>7}  RELAY",
        "ROOM", "FEED", "RECORDS", "PENDING"
    )
    .map_err(w)?;
    for r in &rows {
        let relay = r.relay.as_deref().unwrap_or("(not pushed anywhere)");
        writeln!(
            io.stdout,
            "{:<16}  {:<16}  {:>7}  {:>7}  {relay}",
            r.room, r.feed, r.records, r.pending
        )
        .map_err(w)?;
    }
    Ok(())
}

/// The relay settings for flushing to `relay` (a relay-and-room key, which is a URL).
fn flush_target(relay: &str, args: &FlushArgs, legacy: bool) -> RelayArgs {
    RelayArgs {
        relay: Some(relay.to_string()),
        room: None,
        ca_file: args.ca_file.clone(),
        timeouts: args.timeouts.clone(),
        legacy,
        ..RelayArgs::default()
    }
}

fn flush(args: &FlushArgs, ctx: &Context<'_>, io: &mut Io<'_>) -> Result<()> {
    let mut by_relay: BTreeMap<String, Vec<Journal>> = BTreeMap::new();
    for (room, feed) in Journal::all(&ctx.dirs.state) {
        let j = Journal::new(&ctx.dirs.state, &room, &feed);
        let locked = j.lock()?;
        for (relay, seq) in locked.all_delivered() {
            if !locked.after(seq)?.is_empty() {
                by_relay.entry(relay).or_default().push(j.clone());
            }
        }
    }
    let legacy = crate::room::legacy::all_pending(&ctx.dirs.state);
    if by_relay.is_empty() && legacy.is_empty() {
        note(io.stderr, "outbox is empty");
        return Ok(());
    }
    let mut first_error = None;
    let mut queued = 0;
    for (relay, pending) in legacy {
        let relay_args = flush_target(&relay, args, true);
        let result = Resolved::resolve(&relay_args, ctx, io.stderr).and_then(|r| {
            crate::room::legacy::deliver(
                &ctx.dirs.state,
                &r.target,
                &[],
                ctx.deadline,
                &mut warner(io.stderr),
            )
        });
        match result {
            Ok(()) => note(
                io.stderr,
                &format!("delivered {pending} legacy line(s) to {relay}"),
            ),
            Err(e) => {
                warn(io.stderr, false, &format!("{relay}: {e}"));
                queued += pending;
                first_error.get_or_insert(e);
            }
        }
    }
    for (relay, journals) in by_relay {
        let relay_args = flush_target(&relay, args, false);
        let result = Resolved::resolve(&relay_args, ctx, io.stderr).and_then(|r| {
            delivery::deliver(
                &ctx.dirs.state,
                &r.target,
                &journals,
                &Feeds::new(),
                ctx.deadline,
                &mut warner(io.stderr),
            )
        });
        match result {
            Ok(r) => note(
                io.stderr,
                &format!("delivered {} record(s) to {relay}", r.appended),
            ),
            Err(e) => {
                warn(io.stderr, false, &format!("{relay}: {e}"));
                for j in &journals {
                    queued += delivery::pending(j, &relay)?;
                }
                first_error.get_or_insert(e);
            }
        }
    }
    match first_error {
        Some(e) => Err(Error::Queued {
            count: queued,
            source: Box::new(e),
        }),
        None => Ok(()),
    }
}
