//! `ftpchat verify`: audit a whole room (or record lines on stdin) and name every finding.

use std::collections::BTreeMap;

use crate::cli::Io;
use crate::cli::args::VerifyArgs;
use crate::cli::commands::Context;
use crate::cli::commands::decrypt::read_line_bounded;
use crate::cli::output::warner;
use crate::cli::settings::Resolved;
use crate::error::{Error, Result};
use crate::protocol::record;
use crate::room::audit::{self, Finding};
use crate::room::membership::save_learned;
use crate::room::reader::Reader;

/// Runs `verify`.
///
/// # Errors
///
/// [`Error::Findings`] when anything does not hold; relay and key errors.
pub fn run(args: &VerifyArgs, ctx: &Context<'_>, io: &mut Io<'_>) -> Result<()> {
    let mut findings: Vec<Finding> = Vec::new();
    let mut key_files = args.keys.room_key.clone();
    let mut target = None;
    if !args.stdin {
        let t = Resolved::resolve(&args.relay, ctx, io.stderr)?;
        if key_files.is_empty()
            && let Some(k) = t.profile.as_ref().and_then(|p| p.room_key.clone())
        {
            key_files.push(k);
        }
        target = Some(t);
    }
    if key_files.is_empty() {
        key_files.push(ctx.dirs.room_key_file());
    }
    let keys = ctx.room_keys(&key_files)?;
    let device = ctx
        .identity(&crate::cli::args::IdentityArgs {
            identity: target
                .as_ref()
                .and_then(|t| t.profile.as_ref()?.identity.clone()),
        })
        .ok()
        .map(|d| d.x25519().clone());
    let room_key = crate::protocol::keys::RoomKey::load(&key_files[0])?;
    let mut reader = Reader::new(keys, None, true).with_device(device);
    if reader.roster().is_none() {
        crate::cli::output::note(
            io.stderr,
            "no owner pinned in the room key: checking signatures and chains, not the roster",
        );
    }

    // Lines per feed, in file order.
    let feeds: Vec<(String, Vec<Vec<u8>>)> = match &target {
        Some(t) => {
            let targets = t.targets();
            let several = targets.len() > 1;
            let mut copies = Vec::new();
            let mut unreadable = Vec::new();
            let mut errors = Vec::new();
            for target in &targets {
                let snap = match audit::snapshot(
                    target,
                    &ctx.dirs.state,
                    ctx.deadline,
                    &mut warner(io.stderr),
                ) {
                    Ok(snap) => snap,
                    Err(e) if several => {
                        unreadable.push(Finding {
                            scope: format!("relay {}", target.key),
                            finding: format!("could not be read: {e}"),
                        });
                        errors.push(e);
                        continue;
                    }
                    Err(e) => return Err(e),
                };
                let mut found = Vec::new();
                let copy = audit::check_snapshot(snap, &room_key, &mut found);
                for mut f in found {
                    if several {
                        f.scope = format!("{} on {}", f.scope, target.key);
                    }
                    findings.push(f);
                }
                copies.push((target.key.clone(), copy));
            }
            if copies.is_empty() {
                // None of the relays could be read: that is the error, not a finding.
                return Err(errors.remove(0));
            }
            findings.extend(unreadable);
            audit::merge_copies(copies, &mut findings)
        }
        None => {
            let mut by_feed: BTreeMap<String, Vec<Vec<u8>>> = BTreeMap::new();
            let mut buf = Vec::new();
            let mut n = 0;
            while read_line_bounded(&mut *io.stdin, &mut buf)? > 0 {
                n += 1;
                let feed = match record::classify(&buf) {
                    Ok(record::LineKind::Native(r)) => r.feed.to_string(),
                    Ok(record::LineKind::Blank) => {
                        buf.clear();
                        continue;
                    }
                    Ok(record::LineKind::Legacy(_)) => "legacy".to_string(),
                    Err(e) => {
                        findings.push(Finding {
                            scope: format!("line {n}"),
                            finding: e.to_string(),
                        });
                        buf.clear();
                        continue;
                    }
                };
                by_feed
                    .entry(feed)
                    .or_default()
                    .push(std::mem::take(&mut buf));
            }
            by_feed.into_iter().collect()
        }
    };
    let summaries = audit::verify_feeds(&mut reader, feeds, &mut findings);
    if let Some(p) = key_files.first() {
        save_learned(p, &mut reader)?;
    }
    let w = |e| Error::io("cannot write", "stdout", e);
    if args.json {
        for f in &findings {
            writeln!(
                io.stdout,
                "{}",
                serde_json::json!({"type": "finding", "finding": f.finding, "scope": f.scope})
            )
            .map_err(w)?;
        }
        for s in &summaries {
            let mut v = serde_json::to_value(s).expect("json");
            v["type"] = "feed".into();
            writeln!(io.stdout, "{v}").map_err(w)?;
        }
    } else {
        writeln!(
            io.stdout,
            "{:<16}  {:<16}  {:<8}  {:>7}  {:>8}  {:>6}",
            "FEED", "NAME", "ROSTER", "RECORDS", "VERIFIED", "FAILED"
        )
        .map_err(w)?;
        for s in &summaries {
            writeln!(
                io.stdout,
                "{:<16}  {:<16}  {:<8}  {:>7}  {:>8}  {:>6}",
                s.feed,
                crate::protocol::text::sanitize(&crate::protocol::keys::truncate(&s.name, 16)),
                if s.roster.is_empty() { "-" } else { &s.roster },
                s.records,
                s.verified,
                s.failed
            )
            .map_err(w)?;
        }
        if findings.is_empty() {
            writeln!(io.stdout, "\nno findings").map_err(w)?;
        } else {
            writeln!(io.stdout, "\n{} finding(s):", findings.len()).map_err(w)?;
            for f in &findings {
                writeln!(
                    io.stdout,
                    "  {}: {}",
                    f.scope,
                    crate::protocol::text::sanitize(&f.finding)
                )
                .map_err(w)?;
            }
        }
    }
    if findings.is_empty() {
        Ok(())
    } else {
        Err(Error::Audit {
            findings: findings.len(),
        })
    }
}
