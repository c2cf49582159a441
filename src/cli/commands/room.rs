//! `ftpchat room`: the room lifecycle around the signed roster (see [`crate::protocol::roster`]).

use crate::cli::Io;
use crate::cli::args::{
    RelayArgs, RoomAction, RoomAddArgs, RoomArgs, RoomCommonArgs, RoomCreateArgs, RoomInviteArgs,
    RoomJoinArgs, RoomMembersArgs, RoomRemoveArgs,
};
use crate::cli::commands::Context;
use crate::cli::output::{note, warn, warner};
use crate::cli::settings::{Profile, Profiles, Resolved};
use crate::error::{Error, Result};
use crate::paths::write_private;
use crate::protocol::encoding::b64;
use crate::protocol::invite::Invite;
use crate::protocol::keys::{DeviceIdentity, PublicIdentity, RoomKey, feed_pseudonym};
use crate::protocol::record::now_rfc3339;
use crate::protocol::roster::{self, RemoveBody, RotateBody};
use crate::room::membership::Membership;

/// Runs `room`.
///
/// # Errors
///
/// Relay, key and input errors; only the owner may add, remove and rotate.
pub fn run(args: &RoomArgs, ctx: &Context<'_>, io: &mut Io<'_>) -> Result<()> {
    match &args.action {
        RoomAction::Create(a) => create(a, ctx, io),
        RoomAction::Invite(a) => invite(a, ctx, io),
        RoomAction::Join(a) => join(a, ctx, io),
        RoomAction::Add(a) => add(a, ctx, io),
        RoomAction::Members(a) => members(a, ctx, io),
        RoomAction::Remove(a) => remove(a, ctx, io),
        RoomAction::Rotate(a) => rotate(a, ctx, io, None),
        RoomAction::Relays(a) => super::room_relays::run(a, ctx, io),
    }
}

/// Resolves the room a `room` subcommand works on: relay, key file and identity, from
/// flags and the profile.
pub(crate) fn open(
    common: &RoomCommonArgs,
    ctx: &Context<'_>,
    io: &mut Io<'_>,
) -> Result<(Membership, Option<Profile>)> {
    let resolved = Resolved::resolve(&common.relay, ctx, io.stderr)?;
    let profile = resolved.profile_or_default();
    let key_path = common
        .room_key
        .clone()
        .or(profile.room_key.clone())
        .unwrap_or_else(|| ctx.dirs.room_key_file());
    let key = RoomKey::load(&key_path)?;
    let mut id_args = common.identity.clone();
    if id_args.identity.is_none() {
        id_args.identity = profile.identity.clone();
    }
    let identity = ctx.identity(&id_args)?;
    Ok((
        Membership {
            mirrors: resolved.mirrors,
            target: resolved.target,
            key_path,
            key,
            identity,
        },
        resolved.profile,
    ))
}

/// Journals a roster record and delivers it.
fn publish(
    s: &Membership,
    ctx: &Context<'_>,
    io: &mut Io<'_>,
    kind: &str,
    body: &str,
    name: &str,
) -> Result<()> {
    s.publish(
        &ctx.dirs.state,
        ctx.deadline,
        &mut warner(io.stderr),
        kind,
        body,
        name,
    )
}

fn create(a: &RoomCreateArgs, ctx: &Context<'_>, io: &mut Io<'_>) -> Result<()> {
    let mut relay_args: RelayArgs = a.common.relay.clone();
    relay_args.room = Some(a.path.clone());
    let resolved = Resolved::resolve(&relay_args, ctx, io.stderr)?;
    let profile_name = a
        .profile
        .clone()
        .or_else(|| Profiles::load(ctx).ok().and_then(|p| p.default))
        .unwrap_or_else(|| "default".into());
    let mut id_args = a.common.identity.clone();
    if id_args.identity.is_none() {
        id_args.identity = resolved.profile.as_ref().and_then(|p| p.identity.clone());
    }
    let identity = ctx.identity(&id_args)?;
    let mut key = RoomKey::generate();
    key.set_owner(&b64(identity.signing_key().verifying_key().as_bytes()));
    let key_path = a.common.room_key.clone().unwrap_or_else(|| {
        ctx.dirs
            .config
            .join("rooms")
            .join(format!("{}.key", key.room_id()))
    });
    let name = ctx.display_name(a.name.as_deref());
    let session = Membership {
        mirrors: resolved.mirrors.clone(),
        target: resolved.target,
        key_path: key_path.clone(),
        key,
        identity,
    };
    session.found(&ctx.dirs.state, ctx.deadline, &mut warner(io.stderr), &name)?;
    let mut profiles = Profiles::load(ctx)?;
    let old = profiles
        .profiles
        .get(&profile_name)
        .cloned()
        .unwrap_or_default();
    let url = session.target.endpoint.url.to_string();
    profiles.set_and_save(
        ctx,
        &profile_name,
        Profile {
            relay: Some(
                url.trim_end_matches(&session.target.endpoint.url.path)
                    .to_string()
                    + "/",
            ),
            room: Some(format!("/{}", session.target.dir)),
            room_key: Some(key_path.clone()),
            name: Some(name),
            mirrors: session.mirrors.iter().map(|m| m.key.clone()).collect(),
            ..old
        },
    )?;
    note(
        io.stderr,
        &format!(
            "created room {} at {} (profile {profile_name}, key {})",
            session.key.room_id(),
            session.target.key,
            key_path.display()
        ),
    );
    note(
        io.stderr,
        &format!(
            "invite members with `ftpchat room invite`; give write-only posters the recipient \
             below and the owner key {}, which they pin with --owner",
            session.me()
        ),
    );
    writeln!(io.stdout, "{}", session.key.current_recipient())
        .map_err(|e| Error::io("cannot write", "stdout", e))
}

fn invite(a: &RoomInviteArgs, ctx: &Context<'_>, io: &mut Io<'_>) -> Result<()> {
    use age::secrecy::ExposeSecret;
    let expires = a
        .expires
        .as_deref()
        .map(|e| {
            chrono::DateTime::parse_from_rfc3339(e)
                .map(|t| t.with_timezone(&chrono::Utc))
                .ok()
                .or_else(|| {
                    super::pull::parse_age(e).and_then(|d| chrono::Utc::now().checked_add_signed(d))
                })
                .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
                .ok_or_else(|| {
                    Error::Usage(format!(
                        "bad --expires {e:?}: use an age like 12h or 7d, or an RFC 3339 time"
                    ))
                })
        })
        .transpose()?;
    let (s, _) = open(&a.common, ctx, io)?;
    let owner = s.key.owner().ok_or_else(|| {
        Error::Usage(
            "this room key has no owner pinned; only rooms made with `room create` have invites"
                .into(),
        )
    })?;
    let mut url = s.target.endpoint.url.clone();
    url.path = "/".into();
    let inv = Invite {
        relay: url.to_string(),
        room: format!("/{}", s.target.dir),
        keys: s
            .key
            .identities()
            .iter()
            .map(|i| i.to_string().expose_secret().to_string())
            .collect(),
        owner: owner.to_string(),
        mirrors: s.mirrors.iter().map(|m| m.key.clone()).collect(),
        expires,
    };
    warn(
        io.stderr,
        false,
        "this invite is a SECRET: anyone holding it can read the room; pass it on privately",
    );
    writeln!(io.stdout, "{}", inv.encode()).map_err(|e| Error::io("cannot write", "stdout", e))
}

fn join(a: &RoomJoinArgs, ctx: &Context<'_>, io: &mut Io<'_>) -> Result<()> {
    let text = if a.invite == "-" {
        crate::cli::commands::read_text(io, 64 * 1024)?
    } else {
        a.invite.clone()
    };
    let inv = Invite::decode(&text).map_err(|e| Error::Usage(e.to_string()))?;
    if let Some(e) = &inv.expires {
        let at = chrono::DateTime::parse_from_rfc3339(e)
            .map_err(|_| Error::Usage(format!("the invite's expiry {e:?} is not a time")))?;
        if chrono::Utc::now() > at {
            return Err(Error::NotAllowed(format!(
                "this invite expired at {e}; ask the room's owner for a new one"
            )));
        }
    }
    let mut key = RoomKey::parse(&inv.keys.join("\n"), "invite")?;
    key.set_owner(&inv.owner);
    let invited = crate::store::url::RelayUrl::parse(&inv.relay)?;
    let key_path = ctx
        .dirs
        .config
        .join("rooms")
        .join(format!("{}.key", key.room_id()));
    if key_path.exists() {
        // Joining again keeps the keys already learned (later epochs), but a different
        // owner means a different room under the same id: refuse.
        let old = RoomKey::load(&key_path)?;
        if old.owner().is_some_and(|o| o != inv.owner) {
            return Err(Error::Usage(format!(
                "{} already holds this room with another owner; not replacing it",
                key_path.display()
            )));
        }
        // The invite's keys are kept for reading; `send` writes only to a key the owner's
        // signed records introduced, so a key planted in an invite is never written to.
        let mut added = 0;
        for identity in key.identities() {
            let mut merged = RoomKey::load(&key_path)?;
            added += usize::from(merged.add_identity(identity.clone()));
            merged.set_owner(&inv.owner);
            write_private(
                &key_path,
                merged.to_file_contents(&now_rfc3339()).as_bytes(),
                true,
            )?;
        }
        if added > 0 {
            note(
                io.stderr,
                &format!(
                    "added {added} key(s) from the invite to {}; `send` writes only to keys the \
                     room owner's signed records introduced",
                    key_path.display()
                ),
            );
        }
    } else {
        write_private(
            &key_path,
            key.to_file_contents(&now_rfc3339()).as_bytes(),
            false,
        )?;
    }
    let identity_path = a
        .identity
        .identity
        .clone()
        .unwrap_or_else(|| ctx.dirs.identity_file());
    crate::cli::commands::ensure_identity(&identity_path, io)?;
    let identity = DeviceIdentity::load(&identity_path)?;
    let mut profiles = Profiles::load(ctx)?;
    let (profile_name, old) = join_profile(&profiles, a.profile.as_deref(), &inv.room, &key_path)?;
    if a.profile.is_none() && profiles.profiles.contains_key(&profile_name) {
        note(
            io.stderr,
            &format!("updating profile {profile_name}, which holds this room"),
        );
    }
    // Credentials and TLS trust belong to a host: a profile that moves to another relay
    // host keeps none of them, so an invite cannot lead a password elsewhere.
    let same_host = old
        .relay
        .as_deref()
        .and_then(|r| crate::store::url::RelayUrl::parse(r).ok())
        .is_some_and(|r| (r.host.as_str(), r.port) == (invited.host.as_str(), invited.port));
    let old = if same_host {
        old
    } else {
        if old.password_file.is_some()
            || old.password_command.is_some()
            || old.ca_file.is_some()
            || old.insecure
        {
            note(
                io.stderr,
                &format!(
                    "the room moved to {}: profile {profile_name} keeps no password source or \
                     TLS setting of its old relay",
                    invited.host
                ),
            );
        }
        Profile {
            password_file: None,
            password_command: None,
            ca_file: None,
            insecure: false,
            implicit_tls: false,
            active: false,
            ..old
        }
    };
    profiles.set_and_save(
        ctx,
        &profile_name,
        Profile {
            relay: Some(inv.relay),
            room: Some(inv.room),
            mirrors: inv.mirrors,
            room_key: Some(key_path),
            identity: Some(identity_path),
            name: a.name.clone().or(old.name.clone()),
            ..old
        },
    )?;
    note(
        io.stderr,
        &format!("joined room {} as profile {profile_name}", key.room_id()),
    );
    note(
        io.stderr,
        "send the line below to the room's owner, who runs `ftpchat room add LINE --name NAME`",
    );
    writeln!(io.stdout, "{}", identity.public()).map_err(|e| Error::io("cannot write", "stdout", e))
}

/// The profile a joined room is stored in, and what it held before. An existing profile
/// is only ever updated when it holds this very room (its key file); a name picked from
/// the invite that is taken gets a suffix, and a `--profile` that holds another room is
/// refused: an invite never overwrites a profile it did not make.
fn join_profile(
    profiles: &Profiles,
    given: Option<&str>,
    room: &str,
    key_path: &std::path::Path,
) -> Result<(String, Profile)> {
    let holds_this_room = |p: &Profile| p.room_key.as_deref() == Some(key_path);
    if let Some(name) = given {
        return match profiles.profiles.get(name) {
            Some(p) if !holds_this_room(p) => Err(Error::Usage(format!(
                "profile {name} already holds another room ({}); not overwriting it: choose \
                 another --profile, or remove it first (`ftpchat profile remove {name}`)",
                p.relay.as_deref().unwrap_or("no relay")
            ))),
            p => Ok((name.to_string(), p.cloned().unwrap_or_default())),
        };
    }
    let base = room
        .trim_matches('/')
        .rsplit('/')
        .next()
        .filter(|s| !s.is_empty())
        .unwrap_or("room")
        .to_string();
    for n in 1..=1000 {
        let name = if n == 1 {
            base.clone()
        } else {
            format!("{base}-{n}")
        };
        match profiles.profiles.get(&name) {
            None => return Ok((name, Profile::default())),
            Some(p) if holds_this_room(p) => return Ok((name, p.clone())),
            Some(_) => {}
        }
    }
    Err(Error::Usage(format!(
        "profiles {base} to {base}-1000 are all taken: give the room a --profile NAME"
    )))
}

fn add(a: &RoomAddArgs, ctx: &Context<'_>, io: &mut Io<'_>) -> Result<()> {
    let (s, profile) = open(&a.common, ctx, io)?;
    s.require_owner()?;
    let member: PublicIdentity = a.member.parse()?;
    let me = ctx.display_name(profile.as_ref().and_then(|p| p.name.as_deref()));
    s.add_member(
        &ctx.dirs.state,
        ctx.deadline,
        &mut warner(io.stderr),
        &member,
        &a.name,
        &me,
    )?;
    note(io.stderr, &format!("added {} to the roster", a.name));
    Ok(())
}

/// A member's standing now, in the words `roster` takes everywhere.
fn standing(m: &crate::protocol::roster::Member, owner: &str) -> &'static str {
    match (&m.removed_at, m.key == owner) {
        (Some(_), _) => "removed",
        (None, true) => "owner",
        (None, false) => "member",
    }
}

/// The one current member `query` names: their roster name, or at least 4 characters of
/// the start of their key; `except` (the owner, for a removal) is never matched.
///
/// # Errors
///
/// [`Error::Usage`] when none or several match.
pub(crate) fn one_member(
    roster: &roster::Roster,
    query: &str,
    except: Option<&str>,
) -> Result<roster::Member> {
    let matches: Vec<_> = roster
        .current()
        .filter(|m| m.name == query || (query.len() >= 4 && m.key.starts_with(query)))
        .filter(|m| Some(m.key.as_str()) != except)
        .collect();
    match matches.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(Error::Usage(format!(
            "no current member matches {query:?} (see `ftpchat room members`)"
        ))),
        many => {
            let keys: Vec<&str> = many.iter().map(|m| &m.key[..10]).collect();
            Err(Error::Usage(format!(
                "{} members match {query:?} (keys {}); give more of the key instead",
                many.len(),
                keys.join(", ")
            )))
        }
    }
}

fn members(args: &RoomMembersArgs, ctx: &Context<'_>, io: &mut Io<'_>) -> Result<()> {
    let a = &args.common;
    let (mut s, _) = open(a, ctx, io)?;
    let vouched = ctx.vouched(Some(&s.identity), std::slice::from_ref(&s.key))?;
    let reader = s.replay(&mut warner(io.stderr))?;
    let roster = reader.roster().ok_or_else(|| {
        Error::Usage("this room key has no owner pinned, so the room has no roster to show".into())
    })?;
    let w = |e| Error::io("cannot write", "stdout", e);
    let owner_name = roster
        .members()
        .find(|m| m.key == roster.owner())
        .map_or("owner", |m| m.name.as_str())
        .to_string();
    if a.json {
        for m in roster.members() {
            let mut v = serde_json::to_value(m).expect("json");
            v["added_by"] = serde_json::Value::String(owner_name.clone());
            v["owner"] = serde_json::Value::Bool(m.key == roster.owner());
            v["roster"] = standing(m, roster.owner()).into();
            if args.fingerprints {
                v["fingerprint"] = crate::protocol::vouch::fingerprint_of(&m.key)
                    .unwrap_or_default()
                    .into();
                v["verified_by_you"] = vouched.contains(&m.key).into();
            }
            writeln!(io.stdout, "{v}").map_err(w)?;
        }
        return Ok(());
    }
    if args.fingerprints {
        let me = b64(s.identity.signing_key().verifying_key().as_bytes());
        writeln!(
            io.stdout,
            "{:<20} {:<8} {:<30} VERIFIED",
            "NAME", "STATUS", "CODE"
        )
        .map_err(w)?;
        for m in roster.members() {
            let mark = if m.key == me {
                "(you)"
            } else if vouched.contains(&m.key) {
                "yes"
            } else {
                "-"
            };
            writeln!(
                io.stdout,
                "{:<20} {:<8} {:<30} {mark}",
                crate::protocol::text::sanitize(&m.name),
                standing(m, roster.owner()),
                crate::protocol::vouch::fingerprint_of(&m.key).unwrap_or_default(),
            )
            .map_err(w)?;
        }
        return Ok(());
    }
    writeln!(
        io.stdout,
        "{:<20} {:<12} {:<8} {:<25} {:<25} ADDED BY",
        "NAME", "KEY", "STATUS", "ADDED", "REMOVED"
    )
    .map_err(w)?;
    for m in roster.members() {
        let status = standing(m, roster.owner());
        writeln!(
            io.stdout,
            "{:<20} {:<12} {:<8} {:<25} {:<25} {owner_name}",
            crate::protocol::text::sanitize(&m.name),
            &m.key[..10],
            status,
            m.added_at,
            m.removed_at.as_deref().unwrap_or("-")
        )
        .map_err(w)?;
    }
    writeln!(io.stdout, "key epochs: {}", roster.epochs().len()).map_err(w)
}

fn remove(a: &RoomRemoveArgs, ctx: &Context<'_>, io: &mut Io<'_>) -> Result<()> {
    let (mut s, profile) = open(&a.common, ctx, io)?;
    s.require_owner()?;
    let reader = s.replay(&mut warner(io.stderr))?;
    let roster = reader
        .roster()
        .ok_or_else(|| Error::Usage("no roster".into()))?;
    let member = one_member(roster, &a.member, Some(roster.owner()))?;
    // The member's last record as of now, counting only what was read in order from
    // their first record: anything later from them is from after the removal, whatever
    // seq or time it claims. A record planted far ahead (a gap) is not vouched for.
    let feed = crate::protocol::keys::parse_verifying_key(&member.key)
        .map(|k| feed_pseudonym(s.key.room_id(), &k));
    let last_seq = feed.as_deref().map_or(0, |f| reader.chain().contiguous(f));
    if let Some((head, _)) = feed.as_deref().and_then(|f| reader.chain().head(f))
        && head > last_seq
    {
        warn(
            io.stderr,
            false,
            &format!(
                "{}'s feed has records up to seq {head} but only 1 to {last_seq} were read in \
                 order: the removal counts records after seq {last_seq} as written after it",
                crate::protocol::text::sanitize(&member.name)
            ),
        );
    }
    let body = serde_json::to_string(&RemoveBody {
        member: member.key.clone(),
        last_seq: Some(last_seq),
    })
    .expect("json");
    let me = ctx.display_name(profile.as_ref().and_then(|p| p.name.as_deref()));
    publish(&s, ctx, io, roster::KIND_REMOVE, &body, &me)?;
    note(
        io.stderr,
        &format!(
            "removed {} from the roster; rotating the room key",
            member.name
        ),
    );
    rotate(&a.common, ctx, io, Some(member.key))
}

fn rotate(
    a: &RoomCommonArgs,
    ctx: &Context<'_>,
    io: &mut Io<'_>,
    also_removed: Option<String>,
) -> Result<()> {
    let (mut s, profile) = open(a, ctx, io)?;
    s.require_owner()?;
    let reader = s.replay(&mut warner(io.stderr))?;
    let roster = reader
        .roster()
        .ok_or_else(|| Error::Usage("no roster".into()))?;
    let recipients: Vec<age::x25519::Recipient> = roster
        .current()
        .filter(|m| Some(&m.key) != also_removed.as_ref())
        .filter_map(|m| m.recipient.parse().ok())
        .collect();
    let epoch = roster.epochs().len();
    let new_key = age::x25519::Identity::generate();
    let wrapped = roster::wrap_key(&new_key, &recipients).map_err(Error::Usage)?;
    let body = serde_json::to_string(&RotateBody {
        epoch,
        recipient: new_key.to_public().to_string(),
        key: wrapped,
    })
    .expect("json");
    let me = ctx.display_name(profile.as_ref().and_then(|p| p.name.as_deref()));
    // The rotation record itself goes to the old key: every current member reads it; and
    // to members re-added after a removal, who may lack the old key.
    let readded: Vec<age::x25519::Recipient> = roster
        .current()
        .filter(|m| Some(&m.key) != also_removed.as_ref() && !m.earlier.is_empty())
        .filter_map(|m| m.recipient.parse().ok())
        .collect();
    s.publish_to(
        &ctx.dirs.state,
        ctx.deadline,
        &mut warner(io.stderr),
        &readded,
        roster::KIND_ROTATE,
        &body,
        &me,
    )?;
    let mut key = RoomKey::load(&s.key_path)?;
    key.add_identity(new_key);
    write_private(
        &s.key_path,
        key.to_file_contents(&now_rfc3339()).as_bytes(),
        true,
    )?;
    s.key = key;
    s.upload_descriptor(&mut warner(io.stderr), epoch)?;
    note(
        io.stderr,
        &format!(
            "room key rotated to epoch {epoch}; {} member(s) received it",
            recipients.len()
        ),
    );
    note(
        io.stderr,
        &format!(
            "write-only posters must now post with -R FILE holding the two lines below (the \
             old recipient is refused when they pin the owner with --owner {})",
            s.me()
        ),
    );
    let genesis = s
        .key
        .recipients()
        .first()
        .map(ToString::to_string)
        .unwrap_or_default();
    writeln!(io.stdout, "{genesis}\n{}", s.key.current_recipient())
        .map_err(|e| Error::io("cannot write", "stdout", e))
}
