//! Membership work that needs the relay: replaying the roster (learning rotated keys sent
//! to this device), publishing roster records, uploading the signed descriptor, and the
//! check `send` makes before writing to a room whose key may have been rotated.

use std::path::{Path, PathBuf};

use super::delivery::{self, with_retries};
use super::journal::record;
use super::reader::Reader;
use super::{RelayTarget, Session, Warn};
use crate::error::{Error, Result};
use crate::paths::write_private;
use crate::protocol::encoding::b64;
use crate::protocol::keys::{DeviceIdentity, PublicIdentity, RoomKey};
use crate::protocol::record::now_rfc3339;
use crate::protocol::roster::{self, AddBody, Descriptor};

/// A room as this device knows it: where, which key file, who we are.
#[derive(Debug)]
pub struct Membership {
    /// Where the room is.
    pub target: RelayTarget,
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
            Some(_) => Err(Error::Usage("only the room's owner can change its roster".into())),
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
        record(
            state,
            &self.identity,
            &self.key.to_recipient(),
            name,
            kind,
            body,
        )?;
        delivery::deliver_own(
            state,
            &self.target,
            self.key.room_id(),
            &self.identity,
            deadline,
            warn,
        )
        .map(|_| ())
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
        self.publish(state, deadline, warn, roster::KIND_ADD, &body, my_name)
    }

    /// Signs and uploads the room's descriptor for key epoch `epoch`.
    ///
    /// # Errors
    ///
    /// Relay errors.
    pub fn upload_descriptor(&self, warn: Warn<'_>, epoch: usize) -> Result<()> {
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
        with_retries(&self.target, None, warn, |c| {
            c.mkdir_all(&self.target.dir);
            c.put(&self.target.dir, roster::DESCRIPTOR_FILE, &bytes)
        })
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

/// Before writing to a room with an owner: if the descriptor says the key was rotated,
/// learn the new key from the roster first, so nothing is written to a key a removed
/// member still holds.
///
/// # Errors
///
/// Relay errors, or this device was not given the new key (it was removed).
pub fn sync_before_send(
    session: &mut Session,
    key_path: &Path,
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
    let Some(bytes) = session.descriptor()? else {
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
    let mut fetched = session.poll(&Default::default(), &mut warnings)?;
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
