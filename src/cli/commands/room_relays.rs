//! `ftpchat room relays`: which relays a room is on, as its owner's signed descriptor
//! lists them; members' profiles follow the list, the owner adds and removes relays.

use crate::cli::Io;
use crate::cli::args::{RelaysAction, RoomRelaysArgs};
use crate::cli::commands::Context;
use crate::cli::output::{note, warner};
use crate::cli::settings::{Profiles, Resolved};
use crate::error::{Error, Result};
use crate::protocol::keys::RoomKey;
use crate::room::membership::Membership;
use crate::store::url::RelayUrl;

/// Runs `room relays`.
///
/// # Errors
///
/// Relay and key errors; only the owner may add and remove relays.
pub fn run(a: &RoomRelaysArgs, ctx: &Context<'_>, io: &mut Io<'_>) -> Result<()> {
    let resolved = Resolved::resolve(&a.common.relay, ctx, io.stderr)?;
    let profile = resolved.profile_or_default();
    let key_path = a
        .common
        .room_key
        .clone()
        .or(profile.room_key.clone())
        .unwrap_or_else(|| ctx.dirs.room_key_file());
    let mut id_args = a.common.identity.clone();
    if id_args.identity.is_none() {
        id_args.identity = profile.identity.clone();
    }
    let mut membership = Membership {
        target: resolved.target.clone(),
        mirrors: resolved.mirrors.clone(),
        key: RoomKey::load(&key_path)?,
        key_path,
        identity: ctx.identity(&id_args)?,
    };
    match (a.action, a.url.as_deref()) {
        (None, _) => list(&membership, &resolved, ctx, io),
        (Some(_), None) => Err(Error::Usage(
            "`room relays add` and `room relays remove` need the relay's URL".into(),
        )),
        (Some(RelaysAction::Add), Some(url)) => add(&mut membership, &resolved, url, a, ctx, io),
        (Some(RelaysAction::Remove), Some(url)) => remove(&mut membership, &resolved, url, ctx, io),
    }
}

/// Prints the descriptor's list (or, for a room on one relay, that relay), marking the
/// relays this profile uses, and brings the profile's mirrors in line with the list.
fn list(m: &Membership, resolved: &Resolved, ctx: &Context<'_>, io: &mut Io<'_>) -> Result<()> {
    let listed = m.descriptor()?.relays;
    let using = resolved.targets();
    let uses = |url: &str| RelayUrl::parse(url).is_ok_and(|u| using.iter().any(|t| t.is_at(&u)));
    let w = |e| Error::io("cannot write", "stdout", e);
    if listed.is_empty() {
        writeln!(io.stdout, "{}", m.target.public_url()).map_err(w)?;
        note(
            io.stderr,
            "the room's descriptor lists no other relays (a room on one relay)",
        );
        return Ok(());
    }
    for url in &listed {
        let mark = if uses(url) { "*" } else { " " };
        writeln!(io.stdout, "{mark} {url}").map_err(w)?;
    }
    adopt(resolved, &listed, ctx, io)
}

fn add(
    m: &mut Membership,
    resolved: &Resolved,
    url: &str,
    a: &RoomRelaysArgs,
    ctx: &Context<'_>,
    io: &mut Io<'_>,
) -> Result<()> {
    m.require_owner()?;
    // The new relay resolved as a mirror would be: its password from the usual sources.
    let mut args = a.common.relay.clone();
    args.mirror = resolved
        .mirrors
        .iter()
        .map(|t| t.key.clone())
        .chain(std::iter::once(url.to_string()))
        .collect();
    if args.relay.is_none() {
        args.relay.clone_from(&resolved.profile_name);
    }
    let with_new = Resolved::resolve(&args, ctx, io.stderr)?;
    let new = with_new
        .mirrors
        .last()
        .cloned()
        .expect("the relay just added is the last mirror");
    let copied = m.add_relay(
        &ctx.dirs.state,
        new.clone(),
        ctx.deadline,
        &mut warner(io.stderr),
    )?;
    note(
        io.stderr,
        &format!(
            "copied {} record(s) of {} feed(s) to {}; the room's descriptor now lists {} relays",
            copied.appended,
            copied.feeds,
            new.key,
            m.mirrors.len() + 1
        ),
    );
    save_mirrors(resolved, ctx, io, |mirrors| mirrors.push(url.to_string()))
}

fn remove(
    m: &mut Membership,
    resolved: &Resolved,
    url: &str,
    ctx: &Context<'_>,
    io: &mut Io<'_>,
) -> Result<()> {
    m.require_owner()?;
    let wanted = RelayUrl::parse(url)?;
    if m.target.is_at(&wanted) {
        return Err(Error::Usage(format!(
            "{url} is the first relay of this profile: make another relay the first one \
             (`ftpchat init --relay URL`) before removing it"
        )));
    }
    let Some(index) = m.mirrors.iter().position(|t| t.is_at(&wanted)) else {
        let known: Vec<&str> = m.mirrors.iter().map(|t| t.key.as_str()).collect();
        return Err(Error::Usage(format!(
            "{url} is not one of this room's mirrors ({})",
            if known.is_empty() {
                "none".to_string()
            } else {
                known.join(", ")
            }
        )));
    };
    let gone = m.remove_relay(index, &mut warner(io.stderr))?;
    note(
        io.stderr,
        &format!(
            "the room's descriptor no longer lists {}; what that relay holds stays there",
            gone.key
        ),
    );
    save_mirrors(resolved, ctx, io, |mirrors| {
        mirrors.retain(|u| !RelayUrl::parse(u).is_ok_and(|u| gone.is_at(&u)));
    })
}

/// Makes the profile in use read and write the room on the relays its owner lists:
/// listed relays it lacks become mirrors (as listed: without a user, so the login comes
/// from ~/.netrc or ~/.ssh/config), mirrors no longer listed are dropped. A relay the
/// profile has already keeps its own URL (its user).
///
/// # Errors
///
/// Profile file errors.
pub fn adopt(
    resolved: &Resolved,
    listed: &[String],
    ctx: &Context<'_>,
    io: &mut Io<'_>,
) -> Result<()> {
    if listed.is_empty() || resolved.profile_name.is_none() {
        return Ok(());
    }
    let mut wanted = Vec::new();
    for url in listed {
        let Ok(u) = RelayUrl::parse(url) else {
            continue;
        };
        if resolved.target.is_at(&u) {
            continue;
        }
        match resolved.mirrors.iter().find(|t| t.is_at(&u)) {
            Some(t) => wanted.push(t.key.clone()),
            None => wanted.push(url.clone()),
        }
    }
    let now: Vec<String> = resolved.mirrors.iter().map(|t| t.key.clone()).collect();
    if wanted == now {
        return Ok(());
    }
    let n = wanted.len();
    save_mirrors(resolved, ctx, io, move |mirrors| *mirrors = wanted)?;
    note(
        io.stderr,
        &format!(
            "profile {} now uses the relays the room's owner lists ({})",
            resolved.profile_name.as_deref().unwrap_or_default(),
            n + 1
        ),
    );
    Ok(())
}

/// Changes the mirrors of the profile in use and saves it (nothing to save without one).
fn save_mirrors(
    resolved: &Resolved,
    ctx: &Context<'_>,
    io: &mut Io<'_>,
    change: impl FnOnce(&mut Vec<String>),
) -> Result<()> {
    let Some(name) = &resolved.profile_name else {
        note(
            io.stderr,
            "no profile in use: give the relays with --mirror next time, or keep them in a \
             profile (`ftpchat init --mirror URL`)",
        );
        return Ok(());
    };
    let mut profiles = Profiles::load(ctx)?;
    let Some(p) = profiles.profiles.get_mut(name) else {
        return Ok(());
    };
    change(&mut p.mirrors);
    profiles.save(ctx)
}
