//! Membership work that needs the relay: replaying the roster (learning rotated keys sent
//! to this device), publishing roster records, uploading the signed descriptor, and the
//! check `send` makes before writing to a room whose key may have been rotated.

use std::path::{Path, PathBuf};

use super::delivery::{self, with_retries};
use super::reader::Reader;
use super::{RelayTarget, Session, Warn};
use crate::error::{Error, Result};
use crate::paths::write_private;
use crate::protocol::encoding::b64;
use crate::protocol::keys::{DeviceIdentity, PublicIdentity, RoomKey, RoomRecipient};
use crate::protocol::record::now_rfc3339;
use crate::protocol::roster::{self, AddBody, Descriptor};

/// A room as this device knows it: where, which key file, who we are.
#[derive(Debug)]
pub struct Membership {
    /// Where the room is.
    pub target: RelayTarget,
    /// More relays holding the same room: roster records and the descriptor go there
    /// too (a relay that cannot be reached is warned about and owed them).
    pub mirrors: Vec<RelayTarget>,
    /// The room key file (rotated keys learned are added to it).
    pub key_path: PathBuf,
    /// The room key as last loaded.
    pub key: RoomKey,
    /// This device.
    pub identity: DeviceIdentity,
}

impl Membership {
    /// This device's signing key, as the roster writes it.
    pub fn me(&self) -> String {
        b64(self.identity.signing_key().verifying_key().as_bytes())
    }

    /// Refuses unless this device owns the room.
    ///
    /// # Errors
    ///
    /// [`Error::Usage`] for members, and for rooms without a pinned owner.
    pub fn require_owner(&self) -> Result<()> {
        match self.key.owner() {
            Some(o) if o == self.me() => Ok(()),
            Some(_) => Err(Error::NotAllowed(
                "only the room's owner can change its roster".into(),
            )),
            None => Err(Error::Usage(
                "this room key has no owner pinned (it was not made by `room create` or `room join`)".into(),
            )),
        }
    }

    /// Reads the whole room (the owner's feed first) and replays the roster, learning
    /// rotated keys sent to us.
    ///
    /// # Errors
    ///
    /// Relay and key file errors.
    pub fn replay(&mut self, warn: Warn<'_>) -> Result<Reader> {
        let mut reader = Reader::new(vec![RoomKey::load(&self.key_path)?], None, false)
            .with_device(Some(self.identity.x25519().clone()));
        let mut warnings = Vec::new();
        let dir = self.target.dir.clone();
        let mut fetched = with_retries(&self.target, None, warn, |c| {
            super::feed::poll(c, &dir, &Default::default(), &mut warnings)
        })?;
        let owner_feed = reader.owner_feed();
        fetched.sort_by_key(|(f, _)| Some(f) != owner_feed.as_ref());
        // What the replay finds is reported, never dropped: a roster record that does not
        // open or verify changes who is a member.
        for w in &warnings {
            warn(w);
        }
        for (feed, f) in &fetched {
            // The roster's findings; other feeds' are `verify`'s to report.
            let roster = Some(feed) == owner_feed.as_ref();
            if roster {
                f.rewritten.iter().chain(&f.skipped).for_each(|w| warn(w));
            }
            for line in &f.lines {
                let outcome = reader.read(line, &format!("feed {feed}"));
                if roster {
                    outcome.warnings.iter().for_each(|w| warn(w));
                }
            }
        }
        if reader.roster_incomplete() {
            warn(
                "the room owner's feed is missing or does not start at its first record: \
                 the roster could not be read from the start",
            );
        }
        save_learned(&self.key_path, &mut reader)?;
        self.key = RoomKey::load(&self.key_path)?;
        Ok(reader)
    }

    /// Journals a roster record in our feed and delivers our feed.
    ///
    /// # Errors
    ///
    /// [`Error::Queued`] when delivery failed (the record stays journaled).
    pub fn publish(
        &self,
        state: &Path,
        deadline: Option<std::time::Instant>,
        warn: Warn<'_>,
        kind: &str,
        body: &str,
        name: &str,
    ) -> Result<()> {
        self.publish_to(state, deadline, warn, &[], kind, body, name)
    }

    /// Like [`Membership::publish`], the record also encrypted to `extra` members' device
    /// keys: members re-added after missing key epochs, who could not open it otherwise.
    ///
    /// # Errors
    ///
    /// As [`Membership::publish`].
    #[allow(
        clippy::too_many_arguments,
        reason = "publish plus the extra recipients"
    )]
    pub fn publish_to(
        &self,
        state: &Path,
        deadline: Option<std::time::Instant>,
        warn: Warn<'_>,
        extra: &[age::x25519::Recipient],
        kind: &str,
        body: &str,
        name: &str,
    ) -> Result<()> {
        super::journal::record_to(
            state,
            &self.identity,
            &self.key.to_recipient(),
            extra,
            name,
            kind,
            body,
        )?;
        let relays: Vec<RelayTarget> = std::iter::once(self.target.clone())
            .chain(self.mirrors.iter().cloned())
            .collect();
        let spread = delivery::deliver_own_everywhere(
            state,
            &relays,
            self.key.room_id(),
            &self.identity,
            deadline,
            warn,
        )?;
        for (key, e) in spread.lagging {
            warn(&format!("{key}: {e}"));
        }
        Ok(())
    }

    /// Founds the room this membership describes (its key generated with this device
    /// pinned as owner): the signed descriptor goes to the relay first, then the key file
    /// is written, then the owner's own roster entry is published under `name`. Nothing
    /// is saved locally until the relay has the room.
    ///
    /// # Errors
    ///
    /// [`Error::Exists`] when the key file exists; relay and write errors.
    pub fn found(
        &self,
        state: &Path,
        deadline: Option<std::time::Instant>,
        warn: Warn<'_>,
        name: &str,
    ) -> Result<()> {
        if self.key_path.exists() {
            return Err(Error::Exists {
                path: self.key_path.clone(),
            });
        }
        self.upload_descriptor(warn, 0)?;
        write_private(
            &self.key_path,
            self.key.to_file_contents(&now_rfc3339()).as_bytes(),
            false,
        )?;
        self.add_member(state, deadline, warn, &self.identity.public(), name, name)
    }

    /// Publishes a roster record adding `member` under `name` (the owner only), signed
    /// with `my_name` as the sender's display name.
    ///
    /// # Errors
    ///
    /// As [`Membership::publish`]; a bad display name.
    pub fn add_member(
        &self,
        state: &Path,
        deadline: Option<std::time::Instant>,
        warn: Warn<'_>,
        member: &PublicIdentity,
        name: &str,
        my_name: &str,
    ) -> Result<()> {
        crate::protocol::record::check_name(name).map_err(|e| Error::Usage(e.to_string()))?;
        let body = serde_json::to_string(&AddBody {
            member: member.to_string(),
            name: name.to_string(),
        })
        .expect("a roster record serialises");
        // Also to the member's own key: one re-added after missing key epochs reads it.
        self.publish_to(
            state,
            deadline,
            warn,
            std::slice::from_ref(&member.recipient),
            roster::KIND_ADD,
            &body,
            my_name,
        )
    }

    /// Puts the room on one more relay (the owner only): every feed the room's relays
    /// hold is copied there, this device's journals are delivered there, then the
    /// descriptor listing it is written to every relay. `self.mirrors` gains `relay`.
    ///
    /// # Errors
    ///
    /// Not the owner; relay errors (a copy cut short is finished by running it again:
    /// delivery is idempotent).
    pub fn add_relay(
        &mut self,
        state: &Path,
        relay: RelayTarget,
        deadline: Option<std::time::Instant>,
        warn: Warn<'_>,
    ) -> Result<delivery::Report> {
        self.require_owner()?;
        let epoch = self.current_epoch()?;
        let from: Vec<RelayTarget> = std::iter::once(self.target.clone())
            .chain(self.mirrors.iter().cloned())
            .collect();
        let copied = delivery::copy_room(state, &from, &relay, deadline, warn)?;
        delivery::deliver_own(
            state,
            &relay,
            self.key.room_id(),
            &self.identity,
            deadline,
            warn,
        )?;
        self.mirrors.push(relay);
        self.upload_descriptor(warn, epoch)?;
        Ok(copied)
    }

    /// Stops listing mirror `index` in the descriptor (the owner only); what that relay
    /// holds stays there.
    ///
    /// # Errors
    ///
    /// Not the owner; relay errors.
    pub fn remove_relay(&mut self, index: usize, warn: Warn<'_>) -> Result<RelayTarget> {
        self.require_owner()?;
        let epoch = self.current_epoch()?;
        let gone = self.mirrors.remove(index);
        // Down to one relay, the list still names it, so members drop the one removed
        // (a descriptor listing no relays tells members nothing).
        let mut listed = self.relay_list();
        if listed.is_empty() {
            listed.push(self.target.public_url());
        }
        self.write_descriptor(warn, epoch, listed)?;
        Ok(gone)
    }

    /// The relays the descriptor lists: every relay, without users, when the room is on
    /// several; none for a room on one.
    pub fn relay_list(&self) -> Vec<String> {
        if self.mirrors.is_empty() {
            return Vec::new();
        }
        std::iter::once(&self.target)
            .chain(&self.mirrors)
            .map(RelayTarget::public_url)
            .collect()
    }

    /// The epoch the room's descriptor names now, for rewriting it without a rotation.
    ///
    /// # Errors
    ///
    /// As [`Membership::descriptor`].
    pub fn current_epoch(&self) -> Result<usize> {
        Ok(self.descriptor()?.epoch)
    }

    /// The room's descriptor, from the first relay whose copy checks out (signed by the
    /// pinned owner, for this room).
    ///
    /// # Errors
    ///
    /// Relay errors; no relay has a descriptor that checks out (the last relay's reason).
    pub fn descriptor(&self) -> Result<Descriptor> {
        let mut last = None;
        for t in std::iter::once(&self.target).chain(&self.mirrors) {
            let mut session = Session::new(t.clone());
            let found = session.descriptor();
            session.close();
            match found {
                Ok(Some(bytes)) => match roster::open_descriptor(&bytes, &self.key) {
                    Ok(d) => return Ok(d),
                    Err(e) => last = Some(Error::Usage(format!("{}: room.age {e}", t.key))),
                },
                Ok(None) => {
                    last = Some(Error::Usage(format!(
                        "{}: room.age is missing (rooms made by `room create` have one)",
                        t.key
                    )));
                }
                Err(e) => last = Some(e),
            }
        }
        Err(last.expect("a room has a relay"))
    }

    /// Signs and uploads the room's descriptor for key epoch `epoch`.
    ///
    /// # Errors
    ///
    /// Relay errors.
    pub fn upload_descriptor(&self, warn: Warn<'_>, epoch: usize) -> Result<()> {
        self.write_descriptor(warn, epoch, self.relay_list())
    }

    fn write_descriptor(&self, warn: Warn<'_>, epoch: usize, relays: Vec<String>) -> Result<()> {
        let recipients = self.key.recipients();
        let d = Descriptor {
            v: 1,
            room: self.key.room_id().to_string(),
            genesis: recipients[0].to_string(),
            owner: self.me(),
            epoch,
            current: self.key.current_recipient().to_string(),
            ts: now_rfc3339(),
            relays,
        };
        let bytes = roster::seal_descriptor(&d, self.identity.signing_key(), &recipients);
        // The same, in public and signed, for write-only posters who pinned the owner.
        let public = roster::PublicRecipient {
            room: d.room.clone(),
            owner: d.owner.clone(),
            epoch,
            genesis: d.genesis.clone(),
            current: d.current.clone(),
            ts: d.ts.clone(),
        }
        .sign(self.identity.signing_key());
        let upload = |target: &RelayTarget, warn: Warn<'_>| {
            with_retries(target, None, warn, |c| {
                c.mkdir_all(&target.dir);
                c.put(&target.dir, roster::DESCRIPTOR_FILE, &bytes)?;
                c.put(&target.dir, roster::RECIPIENT_FILE, public.as_bytes())
            })
        };
        upload(&self.target, warn)?;
        for mirror in &self.mirrors {
            if let Err(e) = upload(mirror, warn) {
                warn(&format!(
                    "{}: the room's signed descriptor could not be written there ({e}); \
                     `ftpchat room rotate` writes it again",
                    mirror.key
                ));
            }
        }
        Ok(())
    }
}

/// Appends keys learned from rotations to the room key file.
///
/// # Errors
///
/// Key file errors.
pub fn save_learned(path: &Path, reader: &mut Reader) -> Result<()> {
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

/// What [`sync_before_send`] found: the recipient to write to and what to report.
#[derive(Debug)]
pub struct SendCheck {
    /// The room and the key to encrypt to: the newest key the owner's signed records
    /// introduced, never merely the newest line of the key file.
    pub recipient: RoomRecipient,
    /// Findings of the roster replay, to show.
    pub warnings: Vec<String>,
    /// The relays the owner's descriptor lists (empty: the room is on one relay).
    pub relays: Vec<String>,
}

/// [`sync_before_send`] on the first of `relays` that answers (each with retries); the
/// next relay is asked only when one cannot be reached.
///
/// # Errors
///
/// As [`sync_before_send`]; the last relay's error when none could be reached.
pub fn sync_on_first_relay(
    relays: &[RelayTarget],
    key_path: &Path,
    identity: &DeviceIdentity,
    deadline: Option<std::time::Instant>,
    warn: Warn<'_>,
) -> Result<SendCheck> {
    let mut check = None;
    for relay in relays {
        let mut session = Session::new(relay.clone());
        let r = delivery::retry_session(&mut session, deadline, warn, |s| {
            sync_before_send(s, key_path, identity)
        });
        session.close();
        let go_on = matches!(&r, Err(e) if e.is_transient());
        check = Some(r);
        if !go_on {
            break;
        }
    }
    check.expect("a room has a relay")
}

/// Before writing to a room with an owner: reads the signed descriptor and replays the
/// roster (the owner's feed), learning a rotated key first, so nothing is written to a
/// key a removed member still holds; refuses when this device is not a current member;
/// and picks the key to write to among those the owner's signed records introduced (the
/// genesis key, `roster.rotate` records, the descriptor), so a key planted in the key file
/// (by a forged invite) is never written to.
///
/// # Errors
///
/// Relay errors; the descriptor is missing or forged; this device was not given the new
/// key (it was removed); it is not in the roster; the roster cannot be read.
pub fn sync_before_send(
    session: &mut Session,
    key_path: &Path,
    identity: &DeviceIdentity,
) -> Result<SendCheck> {
    let key = RoomKey::load(key_path)?;
    let Some(owner) = key.owner().map(str::to_string) else {
        return Ok(SendCheck {
            recipient: key.to_recipient(),
            warnings: Vec::new(),
            relays: Vec::new(),
        });
    };
    // Fail closed: without a descriptor signed by the pinned owner we cannot know the
    // room key was not rotated, and writing to an old key would let removed members read.
    let refuse = |why: String| {
        Error::Usage(format!(
            "the room's descriptor (room.age) {why}; not sending, since the room key may have been \
             rotated (`ftpchat verify` shows what is wrong)"
        ))
    };
    let Some(bytes) = session.descriptor()? else {
        return Err(refuse("is missing on the relay".into()));
    };
    let desc = roster::open_descriptor(&bytes, &key)
        .map_err(|e| refuse(format!("does not check out: {e}")))?;
    let mut reader =
        Reader::new(vec![key], None, false).with_device(Some(identity.x25519().clone()));
    let mut warnings = Vec::new();
    if let Some(owner_feed) = reader.owner_feed() {
        let f = session.read_feed(&owner_feed)?;
        warnings.extend(f.skipped.iter().cloned());
        for line in &f.lines {
            warnings.extend(reader.read(line, &format!("feed {owner_feed}")).warnings);
        }
    }
    save_learned(key_path, &mut reader)?;
    let key = RoomKey::load(key_path)?;
    let held = key
        .recipients()
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>();
    if !held.contains(&desc.current) {
        return Err(Error::NotAllowed(
            "the room key was rotated and this device did not receive the new one (removed from the room?)".into(),
        ));
    }
    let roster = reader.complete_roster().ok_or_else(|| {
        Error::Usage(
            "the room's roster (the owner's feed) is missing or does not start at its first \
             record; not sending (`ftpchat verify` shows what is wrong)"
                .into(),
        )
    })?;
    let me = b64(identity.signing_key().verifying_key().as_bytes());
    if me != owner {
        match roster.members().find(|m| m.key == me) {
            Some(m) if m.removed_at.is_none() => {}
            Some(_) => {
                return Err(Error::NotAllowed(
                    "this device was removed from the room's roster; not sending".into(),
                ));
            }
            None => {
                return Err(Error::NotAllowed(format!(
                    "this device is not in the room's roster yet; not sending (what it wrote \
                     would be named by every reader as from a non-member). Send this line to \
                     the room's owner, who runs `ftpchat room add LINE --name NAME`:\n{}",
                    identity.public()
                )));
            }
        }
    }
    // Keys the owner introduced: the genesis key, every signed rotation, the descriptor.
    let vouched: Vec<&str> = std::iter::once(desc.genesis.as_str())
        .chain(roster.epochs().iter().map(|(r, _)| r.as_str()))
        .chain(std::iter::once(desc.current.as_str()))
        .collect();
    let newest = key.current_recipient().to_string();
    let Some(recipient) = key
        .recipients()
        .into_iter()
        .rev()
        .find(|r| vouched.contains(&r.to_string().as_str()))
    else {
        return Err(Error::Usage(
            "no key in the room key file was introduced by the room's owner; not sending".into(),
        ));
    };
    if recipient.to_string() != newest {
        warnings.push(format!(
            "the newest key in {} ({newest}) was not introduced by the room's owner (no signed \
             rotation names it; planted by an invite?): writing to {recipient} instead",
            key_path.display()
        ));
    }
    Ok(SendCheck {
        recipient: RoomRecipient {
            recipient,
            id: key.room_id().clone(),
        },
        warnings,
        relays: desc.relays,
    })
}

/// What [`check_unowned`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    /// The room holds no records yet: what is sent now starts it.
    New,
    /// The room's descriptor or records open with the key.
    Opens,
}

/// Before writing to a room whose key pins no owner (made by `keygen` or `init`): is the
/// key one the room uses? The room's descriptor, if it has one, must open with it; else
/// the first record of up to three other feeds is tried. A key that opens none of them is
/// refused, since every member would see only "cannot decrypt" while `send` said it was
/// delivered.
///
/// # Errors
///
/// [`Error::NotAllowed`] for a key the room does not use; network errors.
pub fn check_unowned(session: &mut Session, key: &RoomKey, my_feed: &str) -> Result<Found> {
    let relay = session.target().key.clone();
    let wrong = |why: &str| {
        Error::NotAllowed(format!(
            "your room key is not the key of the room at {relay}: {why}. Nothing was sent. Use the \
             room's own key file (`-i FILE`, copied from a member), or join with an invite \
             (`ftpchat room join`); a new key starts a new room only in an empty directory"
        ))
    };
    if let Some(bytes) = session.descriptor()? {
        return match roster::open_descriptor(&bytes, key) {
            Ok(_) => Ok(Found::Opens),
            Err(e) => Err(wrong(&format!(
                "the room's descriptor (room.age) does not open with it ({e})"
            ))),
        };
    }
    let feeds = session.feed_names()?;
    let others: Vec<&String> = feeds.iter().filter(|f| *f != my_feed).take(3).collect();
    if feeds.is_empty() {
        return Ok(Found::New);
    }
    let mut tried = 0;
    for feed in others {
        let Some(line) = session.first_line(feed)? else {
            continue;
        };
        let Ok(text) = std::str::from_utf8(&line) else {
            continue;
        };
        let Ok(rec) = crate::protocol::record::parse_line(text.trim_end_matches('\r')) else {
            continue;
        };
        match crate::protocol::record::open(&rec, std::slice::from_ref(key)) {
            Ok(_) => return Ok(Found::Opens),
            Err(crate::protocol::record::OpenError::NoKey) => tried += 1,
            Err(_) => {}
        }
    }
    if tried > 0 {
        return Err(wrong(&format!(
            "the first record of {tried} other feed(s) there does not open with it"
        )));
    }
    Ok(Found::Opens)
}

/// Before a write-only poster writes: checks its recipient against the room's public
/// recipient file. With `pinned_owner` the file must be signed by that owner and name the
/// recipient given, else nothing is sent (the error names the current recipient). Without
/// one, a file naming another recipient is only reported: it cannot be checked.
///
/// # Errors
///
/// Relay errors; with a pinned owner: the file is missing, forged, for another room, or
/// names another recipient.
pub fn check_public_recipient(
    session: &mut Session,
    room: &RoomRecipient,
    pinned_owner: Option<&str>,
) -> Result<Vec<String>> {
    let bytes = session.recipient_file()?;
    let text = bytes.as_deref().map(String::from_utf8_lossy);
    let Some(owner) = pinned_owner else {
        let mut warnings = Vec::new();
        if let Some(p) = text
            .as_deref()
            .and_then(|t| roster::PublicRecipient::parse_unchecked(t).ok())
            && p.room == room.id.as_str()
            && p.current != room.recipient.to_string()
        {
            warnings.push(format!(
                "the room's {} names another current recipient ({}); it is not checked: pin the \
                 room owner with --owner KEY to check it",
                roster::RECIPIENT_FILE,
                p.current
            ));
        }
        return Ok(warnings);
    };
    let refuse = |why: String| {
        Error::Usage(format!(
            "the room's {} {why}; not sending",
            roster::RECIPIENT_FILE
        ))
    };
    let Some(text) = text else {
        return Err(refuse(
            "is missing on the relay, so the recipient cannot be checked against the owner you pinned"
                .into(),
        ));
    };
    let p = roster::PublicRecipient::open(&text, owner)
        .map_err(|e| refuse(format!("does not check out: {e}")))?;
    if p.room != room.id.as_str() {
        return Err(refuse(format!("is for room {}, not {}", p.room, room.id)));
    }
    if p.current != room.recipient.to_string() {
        return Err(Error::Usage(format!(
            "the room's key was rotated: its current recipient is {} (epoch {}, signed by the \
             owner you pinned), and you are posting to the old {}, which removed members can \
             read; not sending. Post with -R FILE holding these two lines:\n{}\n{}",
            p.current, p.epoch, room.recipient, p.genesis, p.current
        )));
    }
    Ok(Vec::new())
}
