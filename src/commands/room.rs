//! `ftpchat room`: the room lifecycle around the signed roster (see [`crate::roster`]).

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::Io;
use crate::cli::{
    RelayArgs, RoomAction, RoomAddArgs, RoomArgs, RoomCommonArgs, RoomCreateArgs, RoomJoinArgs,
    RoomRemoveArgs,
};
use crate::commands::encrypt::journal_record;
use crate::commands::{Context, now_rfc3339};
use crate::delivery::{self, Feeds, with_retries};
use crate::encoding::{b64, unb64};
use crate::error::{Error, Result};
use crate::journal::Journal;
use crate::keys::{DeviceIdentity, PublicIdentity, RoomKey, feed_pseudonym};
use crate::output::{note, warn};
use crate::paths::write_private;
use crate::reader::Reader;
use crate::room;
use crate::roster::{self, AddBody, Descriptor, RemoveBody, RotateBody};
use crate::settings::{Profile, Profiles, RelayTarget};
use crate::transport::ftp::Connection;

const INVITE_PREFIX: &str = "ftpchat-invite1:";

#[derive(Serialize, Deserialize)]
struct Invite {
    relay: String,
    room: String,
    keys: Vec<String>,
    owner: String,
}

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
    }
}

/// A room as this device knows it: where, which key file, who we are.
struct Session {
    target: RelayTarget,
    key_path: PathBuf,
    key: RoomKey,
    identity: DeviceIdentity,
}

impl Session {
    fn open(common: &RoomCommonArgs, ctx: &Context<'_>, io: &mut Io<'_>) -> Result<Self> {
        let target = RelayTarget::resolve(&common.relay, ctx, io.stderr)?;
        let profile = target.profile.clone().unwrap_or_default();
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
        Ok(Session {
            target,
            key_path,
            key,
            identity,
        })
    }

    fn me(&self) -> String {
        b64(self.identity.signing_key().verifying_key().as_bytes())
    }

    fn require_owner(&self) -> Result<()> {
        match self.key.owner() {
            Some(o) if o == self.me() => Ok(()),
            Some(_) => Err(Error::Usage("only the room's owner can change its roster".into())),
            None => Err(Error::Usage(
                "this room key has no owner pinned (it was not made by `room create` or `room join`)".into(),
            )),
        }
    }

    /// Reads the whole room (the owner's feed first) and replays the roster, learning
    /// rotated keys sent to us.
    fn replay(&mut self, io: &mut Io<'_>) -> Result<Reader> {
        let mut reader = Reader::new(vec![RoomKey::load(&self.key_path)?], None, false)
            .with_device(Some(self.identity.x25519().clone()));
        let mut warnings = Vec::new();
        let dir = self.target.dir.clone();
        let mut fetched = with_retries(&self.target, None, io.stderr, |c| {
            room::poll(c, &dir, &Default::default(), &mut warnings)
        })?;
        let owner_feed = reader.owner_feed();
        fetched.sort_by_key(|(f, _)| Some(f) != owner_feed.as_ref());
        for (feed, f) in &fetched {
            for line in &f.lines {
                reader.read(line, &format!("feed {feed}"));
            }
        }
        save_learned(&self.key_path, &mut reader)?;
        self.key = RoomKey::load(&self.key_path)?;
        Ok(reader)
    }

    /// Journals a roster record in our feed and delivers our feed.
    fn publish(
        &self,
        ctx: &Context<'_>,
        io: &mut Io<'_>,
        kind: &str,
        body: &str,
        name: &str,
    ) -> Result<()> {
        journal_record(
            ctx,
            &self.identity,
            &self.key.to_recipient(),
            name,
            kind,
            body,
        )?;
        let feed = feed_pseudonym(
            self.key.room_id(),
            &self.identity.signing_key().verifying_key(),
        );
        let journal = Journal::new(&ctx.dirs.state, self.key.room_id(), &feed);
        delivery::deliver(
            &ctx.dirs.state,
            &self.target,
            std::slice::from_ref(&journal),
            &Feeds::new(),
            ctx.deadline,
            io.stderr,
        )
        .map(|_| ())
        .map_err(|e| Error::Queued {
            count: delivery::pending(&journal, &self.target.key).unwrap_or(1),
            source: Box::new(e),
        })
    }

    fn upload_descriptor(&self, io: &mut Io<'_>, epoch: usize) -> Result<()> {
        let recipients = self.key.recipients();
        let d = Descriptor {
            v: 1,
            room: self.key.room_id().to_string(),
            genesis: recipients[0].to_string(),
            owner: self.me(),
            epoch,
            current: self.key.current_recipient().to_string(),
            ts: now_rfc3339(),
        };
        let bytes = roster::seal_descriptor(&d, self.identity.signing_key(), &recipients);
        let dir = self.target.dir.clone();
        with_retries(&self.target, None, io.stderr, |c| {
            c.mkdir_all(&dir);
            c.store(&dir, roster::DESCRIPTOR_FILE, &bytes)
        })
    }
}

/// Appends keys learned from rotations to the room key file.
///
/// # Errors
///
/// Key file errors.
pub fn save_learned(path: &std::path::Path, reader: &mut Reader) -> Result<()> {
    let learned = reader.take_learned();
    if learned.is_empty() {
        return Ok(());
    }
    let mut key = RoomKey::load(path)?;
    for (room, identity) in learned {
        if &room == key.room_id() {
            key.add_identity(identity);
        }
    }
    write_private(path, key.to_file_contents(&now_rfc3339()).as_bytes(), true)
}

fn create(a: &RoomCreateArgs, ctx: &Context<'_>, io: &mut Io<'_>) -> Result<()> {
    let mut relay_args: RelayArgs = a.common.relay.clone();
    relay_args.room = Some(a.path.clone());
    let target = RelayTarget::resolve(&relay_args, ctx, io.stderr)?;
    let profile_name = a
        .profile
        .clone()
        .or_else(|| Profiles::load(ctx).ok().and_then(|p| p.default))
        .unwrap_or_else(|| "default".into());
    let mut id_args = a.common.identity.clone();
    if id_args.identity.is_none() {
        id_args.identity = target.profile.as_ref().and_then(|p| p.identity.clone());
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
    if key_path.exists() {
        return Err(Error::Exists { path: key_path });
    }
    let name = ctx.display_name(a.name.as_deref());
    let session = Session {
        target,
        key_path: key_path.clone(),
        key,
        identity,
    };
    // Nothing is saved locally until the relay has the room.
    session.upload_descriptor(io, 0)?;
    write_private(
        &key_path,
        session.key.to_file_contents(&now_rfc3339()).as_bytes(),
        false,
    )?;
    let body = serde_json::to_string(&AddBody {
        member: session.identity.public().to_string(),
        name: name.clone(),
    })
    .expect("json");
    session.publish(ctx, io, roster::KIND_ADD, &body, &name)?;
    let mut profiles = Profiles::load(ctx)?;
    let old = profiles
        .profiles
        .get(&profile_name)
        .cloned()
        .unwrap_or_default();
    let url = session.target.endpoint.url.to_string();
    profiles.profiles.insert(
        profile_name.clone(),
        Profile {
            relay: Some(
                url.trim_end_matches(&session.target.endpoint.url.path)
                    .to_string()
                    + "/",
            ),
            room: Some(format!("/{}", session.target.dir)),
            room_key: Some(key_path.clone()),
            name: Some(name),
            ..old
        },
    );
    if profiles.default.is_none() {
        profiles.default = Some(profile_name.clone());
    }
    profiles.save(ctx)?;
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
        "invite members with `ftpchat room invite`; give write-only posters the recipient below",
    );
    writeln!(io.stdout, "{}", session.key.current_recipient())
        .map_err(|e| Error::io("cannot write", "stdout", e))
}

fn invite(a: &RoomCommonArgs, ctx: &Context<'_>, io: &mut Io<'_>) -> Result<()> {
    use age::secrecy::ExposeSecret;
    let s = Session::open(a, ctx, io)?;
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
    };
    warn(
        io.stderr,
        false,
        "this invite is a SECRET: anyone holding it can read the room; pass it on privately",
    );
    writeln!(
        io.stdout,
        "{INVITE_PREFIX}{}",
        b64(&serde_json::to_vec(&inv).expect("json"))
    )
    .map_err(|e| Error::io("cannot write", "stdout", e))
}

fn join(a: &RoomJoinArgs, ctx: &Context<'_>, io: &mut Io<'_>) -> Result<()> {
    let text = if a.invite == "-" {
        crate::commands::read_text(io, 64 * 1024)?
    } else {
        a.invite.clone()
    };
    let bad = || Error::Usage("not an ftpchat invite (expected ftpchat-invite1:...)".into());
    let inv: Invite = text
        .trim()
        .strip_prefix(INVITE_PREFIX)
        .and_then(unb64)
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or_else(bad)?;
    let mut key = RoomKey::parse(&inv.keys.join("\n"), "invite")?;
    if crate::keys::parse_verifying_key(&inv.owner).is_none() {
        return Err(Error::Usage("the invite's owner key is malformed".into()));
    }
    key.set_owner(&inv.owner);
    crate::transport::url::RelayUrl::parse(&inv.relay)?;
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
        for identity in key.identities() {
            let mut merged = RoomKey::load(&key_path)?;
            merged.add_identity(identity.clone());
            merged.set_owner(&inv.owner);
            write_private(
                &key_path,
                merged.to_file_contents(&now_rfc3339()).as_bytes(),
                true,
            )?;
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
    crate::commands::ensure_identity(&identity_path, io)?;
    let identity = DeviceIdentity::load(&identity_path)?;
    let profile_name = a.profile.clone().unwrap_or_else(|| {
        inv.room
            .trim_matches('/')
            .rsplit('/')
            .next()
            .filter(|s| !s.is_empty())
            .unwrap_or("room")
            .to_string()
    });
    let mut profiles = Profiles::load(ctx)?;
    let old = profiles
        .profiles
        .get(&profile_name)
        .cloned()
        .unwrap_or_default();
    profiles.profiles.insert(
        profile_name.clone(),
        Profile {
            relay: Some(inv.relay),
            room: Some(inv.room),
            room_key: Some(key_path),
            identity: Some(identity_path),
            name: a.name.clone().or(old.name.clone()),
            ..old
        },
    );
    if profiles.default.is_none() {
        profiles.default = Some(profile_name.clone());
    }
    profiles.save(ctx)?;
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

fn add(a: &RoomAddArgs, ctx: &Context<'_>, io: &mut Io<'_>) -> Result<()> {
    let s = Session::open(&a.common, ctx, io)?;
    s.require_owner()?;
    let member: PublicIdentity = a.member.parse()?;
    crate::record::check_name(&a.name).map_err(|e| Error::Usage(e.to_string()))?;
    let body = serde_json::to_string(&AddBody {
        member: member.to_string(),
        name: a.name.clone(),
    })
    .expect("json");
    let me = ctx.display_name(s.target.profile.as_ref().and_then(|p| p.name.as_deref()));
    s.publish(ctx, io, roster::KIND_ADD, &body, &me)?;
    note(io.stderr, &format!("added {} to the roster", a.name));
    Ok(())
}

fn members(a: &RoomCommonArgs, ctx: &Context<'_>, io: &mut Io<'_>) -> Result<()> {
    let mut s = Session::open(a, ctx, io)?;
    let reader = s.replay(io)?;
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
            writeln!(io.stdout, "{v}").map_err(w)?;
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
        let status = match (&m.removed_at, m.key == roster.owner()) {
            (Some(_), _) => "removed",
            (None, true) => "owner",
            (None, false) => "member",
        };
        writeln!(
            io.stdout,
            "{:<20} {:<12} {:<8} {:<25} {:<25} {owner_name}",
            crate::output::sanitize(&m.name),
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
    let mut s = Session::open(&a.common, ctx, io)?;
    s.require_owner()?;
    let reader = s.replay(io)?;
    let roster = reader
        .roster()
        .ok_or_else(|| Error::Usage("no roster".into()))?;
    let matches: Vec<_> = roster
        .current()
        .filter(|m| m.name == a.member || m.key.starts_with(&a.member))
        .filter(|m| m.key != roster.owner())
        .collect();
    let member = match matches.as_slice() {
        [one] => (*one).clone(),
        [] => {
            return Err(Error::Usage(format!(
                "no current member matches {:?} (see `ftpchat room members`)",
                a.member
            )));
        }
        _ => {
            return Err(Error::Usage(format!(
                "{:?} matches several members; give more of their key",
                a.member
            )));
        }
    };
    // The member's last record as of now: anything later from them is from after the
    // removal, whatever time it claims.
    let last_seq = crate::keys::parse_verifying_key(&member.key)
        .and_then(|k| {
            reader
                .chain()
                .head(&feed_pseudonym(s.key.room_id(), &k))
                .map(|(seq, _)| seq)
        })
        .unwrap_or(0);
    let body = serde_json::to_string(&RemoveBody {
        member: member.key.clone(),
        last_seq: Some(last_seq),
    })
    .expect("json");
    let me = ctx.display_name(s.target.profile.as_ref().and_then(|p| p.name.as_deref()));
    s.publish(ctx, io, roster::KIND_REMOVE, &body, &me)?;
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
    let mut s = Session::open(a, ctx, io)?;
    s.require_owner()?;
    let reader = s.replay(io)?;
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
    let me = ctx.display_name(s.target.profile.as_ref().and_then(|p| p.name.as_deref()));
    // The rotation record itself goes to the old key: every current member reads it.
    s.publish(ctx, io, roster::KIND_ROTATE, &body, &me)?;
    let mut key = RoomKey::load(&s.key_path)?;
    key.add_identity(new_key);
    write_private(
        &s.key_path,
        key.to_file_contents(&now_rfc3339()).as_bytes(),
        true,
    )?;
    s.key = key;
    s.upload_descriptor(io, epoch)?;
    note(
        io.stderr,
        &format!(
            "room key rotated to epoch {epoch}; {} member(s) received it",
            recipients.len()
        ),
    );
    Ok(())
}

/// Before writing to a room with an owner: if the descriptor says the key was rotated,
/// learn the new key from the roster first, so nothing is written to a key a removed
/// member still holds.
///
/// # Errors
///
/// Relay errors, or this device was not given the new key (it was removed).
pub fn sync_before_send(
    conn: &mut Connection,
    target: &RelayTarget,
    key_path: &std::path::Path,
    identity: &DeviceIdentity,
) -> Result<()> {
    let key = RoomKey::load(key_path)?;
    if key.owner().is_none() {
        return Ok(());
    }
    // Fail closed: without a descriptor signed by the pinned owner we cannot know the
    // room key was not rotated, and writing to an old key would let removed members read.
    let refuse = |why: String| {
        Error::Usage(format!(
            "the room's descriptor (room.age) {why}; not sending, since the room key may have been \
             rotated (`ftpchat verify` shows what is wrong)"
        ))
    };
    let Some(bytes) = conn.retrieve(&target.dir, roster::DESCRIPTOR_FILE, 0)? else {
        return Err(refuse("is missing on the relay".into()));
    };
    let desc = roster::open_descriptor(&bytes, &key)
        .map_err(|e| refuse(format!("does not check out: {e}")))?;
    if desc.current == key.current_recipient().to_string()
        || key
            .recipients()
            .iter()
            .any(|r| r.to_string() == desc.current)
    {
        // Current, or an older key we hold (a stale or rolled-back descriptor, which
        // `verify` names): nothing to learn.
        return Ok(());
    }
    let mut reader =
        Reader::new(vec![key], None, false).with_device(Some(identity.x25519().clone()));
    let mut warnings = Vec::new();
    let mut fetched = room::poll(conn, &target.dir, &Default::default(), &mut warnings)?;
    let owner_feed = reader.owner_feed();
    fetched.retain(|(f, _)| Some(f) == owner_feed.as_ref());
    for (feed, f) in &fetched {
        for line in &f.lines {
            reader.read(line, &format!("feed {feed}"));
        }
    }
    save_learned(key_path, &mut reader)?;
    if RoomKey::load(key_path)?.current_recipient().to_string() != desc.current {
        return Err(Error::Usage(
            "the room key was rotated and this device did not receive the new one (removed from the room?)".into(),
        ));
    }
    Ok(())
}
