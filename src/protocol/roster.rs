//! The room's ledger: a signed descriptor and the owner's roster records.
//!
//! A room has an owner, pinned by every member when they create or join it (the invite
//! carries the owner's key; `# owner:` in the room key file). The owner's own feed holds
//! the roster as ordinary records of kinds `roster.add`, `roster.remove` and
//! `roster.rotate`, so they are signed, hash-chained, encrypted and tamper-evident like
//! every other record: the ledger needs no server of its own. Replaying the roster gives,
//! for any sender and time, whether they were a member, and for every room key epoch when
//! it was rotated out.
//!
//! Rotation makes a new room key, encrypts it (an age file) to the X25519 keys of the
//! members that remain, and publishes that in a `roster.rotate` record encrypted to the
//! old key: every current member can read the record, but only the remaining members can
//! open the new key inside it. From then on records are encrypted to the new key. There
//! is no forward secrecy within an epoch: a removed member keeps what it could read.
//!
//! The descriptor (`room.age` in the room directory) is an age file to every epoch's
//! recipient holding the signed summary: room id, genesis recipient, owner, current
//! epoch and recipient. Senders read it to notice a rotation before they write.

use std::collections::BTreeMap;
use std::io::{Read, Write};

use ed25519_dalek::{Signature, Signer, SigningKey};
use serde::{Deserialize, Serialize};

use crate::protocol::encoding::{b64, unb64};
use crate::protocol::keys::{PublicIdentity, RoomKey, parse_verifying_key};
use crate::protocol::record::Envelope;

/// Kind of a membership record.
pub const KIND_ADD: &str = "roster.add";
/// Kind of a removal record.
pub const KIND_REMOVE: &str = "roster.remove";
/// Kind of a key rotation record.
pub const KIND_ROTATE: &str = "roster.rotate";
/// The descriptor's file name in the room directory.
pub const DESCRIPTOR_FILE: &str = "room.age";
const DESCRIPTOR_CONTEXT: &[u8] = b"ftpchat room descriptor v1\n";
/// The owner-signed public recipient file's name in the room directory.
pub const RECIPIENT_FILE: &str = "recipient.txt";
const RECIPIENT_CONTEXT: &[u8] = b"ftpchat room recipient v1\n";
const RECIPIENT_MAGIC: &str = "ftpchat-recipient1";

/// Body of a `roster.add` record.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct AddBody {
    /// The member's public identity line (`ftpchat-id1:...`).
    pub member: String,
    /// The display name the owner gave.
    pub name: String,
}

/// Body of a `roster.remove` record.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct RemoveBody {
    /// The removed member's Ed25519 key, base64url.
    pub member: String,
    /// The last seq of the member's feed the owner had seen: any later record of theirs
    /// is from after the removal, whatever time it claims (timestamps are the sender's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_seq: Option<u64>,
}

/// Body of a `roster.rotate` record.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct RotateBody {
    /// The new epoch number (the genesis key is epoch 0).
    pub epoch: usize,
    /// The new room recipient.
    pub recipient: String,
    /// base64url of an age file, to the remaining members' X25519 keys, holding the new
    /// `AGE-SECRET-KEY-1...`.
    pub key: String,
}

/// One member as the ledger shows it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Member {
    /// Ed25519 key, base64url (`sender` in JSON, as in messages: the key that signs its records).
    #[serde(rename = "sender")]
    pub key: String,
    /// X25519 recipient (`age1...`) for room keys.
    pub recipient: String,
    /// Display name given by the owner.
    pub name: String,
    /// When and at which roster seq they were added.
    pub added_at: String,
    /// Roster record seq of the addition.
    pub added_seq: u64,
    /// When they were removed, if they were.
    pub removed_at: Option<String>,
    /// Roster record seq of the removal.
    pub removed_seq: Option<u64>,
    /// Earlier membership periods (added, removed, last seq at removal) when re-added.
    #[serde(skip)]
    pub earlier: Vec<(String, String, Option<u64>)>,
    /// The member's last seq when removed, if the removal says.
    #[serde(skip)]
    pub removed_after_seq: Option<u64>,
}

/// A sender's standing when it wrote a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// The room owner.
    Owner,
    /// A member at that time.
    Member,
    /// Removed before that time.
    Removed,
    /// Never added.
    Unknown,
}

impl Status {
    /// As shown to users.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Owner => "owner",
            Status::Member => "member",
            Status::Removed => "removed",
            Status::Unknown => "unknown",
        }
    }
}

/// What applying a roster record did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// Someone was added.
    Added(String),
    /// Someone was removed.
    Removed(String),
    /// The key was rotated.
    Rotated(RotateBody),
}

/// The replayed roster.
#[derive(Debug, Clone)]
pub struct Roster {
    owner: String,
    applied: BTreeMap<u64, Event>,
    members: BTreeMap<String, Member>,
    /// Epoch recipients with the time they became current (genesis: empty time).
    epochs: Vec<(String, String)>,
}

impl Roster {
    /// An empty roster of a room with this owner and genesis recipient.
    pub fn new(owner: &str, genesis: &str) -> Self {
        Roster {
            owner: owner.to_string(),
            applied: BTreeMap::new(),
            members: BTreeMap::new(),
            epochs: vec![(genesis.to_string(), String::new())],
        }
    }

    /// A member's display name.
    pub fn name_of(&self, key: &str) -> Option<&str> {
        self.members.get(key).map(|m| m.name.as_str())
    }

    /// The owner's key.
    pub fn owner(&self) -> &str {
        &self.owner
    }

    /// Members in the order of their keys.
    pub fn members(&self) -> impl Iterator<Item = &Member> {
        self.members.values()
    }

    /// Members not removed.
    pub fn current(&self) -> impl Iterator<Item = &Member> {
        self.members.values().filter(|m| m.removed_at.is_none())
    }

    /// Epoch recipients, oldest first.
    pub fn epochs(&self) -> &[(String, String)] {
        &self.epochs
    }

    /// Applies one verified record of the owner's feed whose kind is `roster.*`.
    ///
    /// # Errors
    ///
    /// A description when the record is not from the owner or its body is malformed:
    /// such a record changes nothing.
    pub fn apply(&mut self, env: &Envelope) -> Result<Event, String> {
        if env.from != self.owner {
            return Err(format!(
                "{} record not signed by the room owner: ignored (forged roster record)",
                env.kind
            ));
        }
        if let Some(event) = self.applied.get(&env.seq) {
            // A replay overlapped a later read: same record, same event, applied once.
            return Ok(event.clone());
        }
        let event = self.apply_new(env)?;
        self.applied.insert(env.seq, event.clone());
        Ok(event)
    }

    fn apply_new(&mut self, env: &Envelope) -> Result<Event, String> {
        let bad = |e: serde_json::Error| format!("malformed {} record: {e}", env.kind);
        match env.kind.as_str() {
            KIND_ADD => {
                let body: AddBody = serde_json::from_str(&env.body).map_err(bad)?;
                let id: PublicIdentity = body
                    .member
                    .parse()
                    .map_err(|e: crate::Error| e.to_string())?;
                let key = b64(id.verifying.as_bytes());
                // Re-adding keeps the earlier periods: records from while they were out
                // stay judged as from a removed member.
                let mut earlier = Vec::new();
                if let Some(old) = self.members.remove(&key) {
                    earlier = old.earlier;
                    if let Some(removed) = old.removed_at {
                        earlier.push((old.added_at, removed, old.removed_after_seq));
                    }
                }
                self.members.insert(
                    key.clone(),
                    Member {
                        key: key.clone(),
                        recipient: id.recipient.to_string(),
                        name: body.name,
                        added_at: env.ts.clone(),
                        added_seq: env.seq,
                        removed_at: None,
                        removed_seq: None,
                        earlier,
                        removed_after_seq: None,
                    },
                );
                Ok(Event::Added(key))
            }
            KIND_REMOVE => {
                let body: RemoveBody = serde_json::from_str(&env.body).map_err(bad)?;
                let m = self
                    .members
                    .get_mut(&body.member)
                    .ok_or_else(|| "roster.remove of someone who is not a member".to_string())?;
                m.removed_at = Some(env.ts.clone());
                m.removed_seq = Some(env.seq);
                m.removed_after_seq = body.last_seq;
                Ok(Event::Removed(body.member))
            }
            KIND_ROTATE => {
                let body: RotateBody = serde_json::from_str(&env.body).map_err(bad)?;
                if body.epoch != self.epochs.len() {
                    return Err(format!(
                        "roster.rotate to epoch {} out of sequence",
                        body.epoch
                    ));
                }
                self.epochs.push((body.recipient.clone(), env.ts.clone()));
                Ok(Event::Rotated(body))
            }
            other => Err(format!("unknown roster record kind {other}")),
        }
    }

    /// A sender's standing for its record `seq` written at `ts` (RFC 3339 strings
    /// compare in time order). Times are the sender's claim; a removal that names the
    /// member's last seq catches later records whatever time they claim.
    pub fn status(&self, key: &str, ts: &str, seq: u64) -> Status {
        if key == self.owner {
            return Status::Owner;
        }
        let Some(m) = self.members.get(key) else {
            return Status::Unknown;
        };
        let removed_after = |removed_at: &str, last_seq: Option<u64>| match last_seq {
            Some(last) => seq > last,
            None => ts > removed_at,
        };
        if let Some(r) = &m.removed_at
            && removed_after(r, m.removed_after_seq)
        {
            return Status::Removed;
        }
        if ts >= m.added_at.as_str() {
            return Status::Member;
        }
        // Before the current period: an earlier period, or not yet a member.
        for (added, removed, last_seq) in m.earlier.iter().rev() {
            if ts >= added.as_str() {
                return if removed_after(removed, *last_seq) {
                    Status::Removed
                } else {
                    Status::Member
                };
            }
        }
        Status::Unknown
    }

    /// If a record encrypted to `recipient` and written at `ts` used a key that had been
    /// rotated out by then, the epoch it was rotated out at.
    pub fn rotated_out(&self, recipient: &str, ts: &str) -> Option<usize> {
        let i = self.epochs.iter().position(|(r, _)| r == recipient)?;
        let (_, since) = self.epochs.get(i + 1)?;
        (ts > since.as_str()).then_some(i + 1)
    }
}

/// Wraps a new room key for the given members' X25519 recipients.
///
/// # Errors
///
/// When there are no recipients.
pub fn wrap_key(
    key: &age::x25519::Identity,
    to: &[age::x25519::Recipient],
) -> Result<String, String> {
    use age::secrecy::ExposeSecret;
    let recipients: Vec<&dyn age::Recipient> =
        to.iter().map(|r| r as &dyn age::Recipient).collect();
    let encryptor =
        age::Encryptor::with_recipients(recipients.into_iter()).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    let mut w = encryptor.wrap_output(&mut out).map_err(|e| e.to_string())?;
    w.write_all(key.to_string().expose_secret().as_bytes())
        .map_err(|e| e.to_string())?;
    w.finish().map_err(|e| e.to_string())?;
    Ok(b64(&out))
}

/// Opens a wrapped room key with this device's X25519 identity; `None` when it was not
/// wrapped for us (we were removed) or is malformed.
pub fn unwrap_key(wrapped: &str, device: &age::x25519::Identity) -> Option<age::x25519::Identity> {
    let bytes = unb64(wrapped)?;
    let d = age::Decryptor::new_buffered(&bytes[..]).ok()?;
    let mut r = d
        .decrypt(std::iter::once(device as &dyn age::Identity))
        .ok()?;
    let mut text = String::new();
    r.by_ref().take(200).read_to_string(&mut text).ok()?;
    text.trim().parse().ok()
}

/// The signed summary of a room.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Descriptor {
    /// Format version, 1.
    pub v: u32,
    /// Room id.
    pub room: String,
    /// The genesis recipient (the room id derives from it).
    pub genesis: String,
    /// The owner's Ed25519 key.
    pub owner: String,
    /// Current epoch.
    pub epoch: usize,
    /// Current recipient.
    pub current: String,
    /// When written.
    pub ts: String,
    /// The relays holding the room when it is on several (URLs of the room directory,
    /// without user or password); empty for a room on one relay.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub relays: Vec<String>,
}

/// Signs and encrypts a descriptor to every epoch's recipient.
pub fn seal_descriptor(
    d: &Descriptor,
    owner: &SigningKey,
    to: &[age::x25519::Recipient],
) -> Vec<u8> {
    let json = serde_json::to_vec(d).expect("descriptor serialises");
    let sig = owner.sign(&[DESCRIPTOR_CONTEXT, &json].concat());
    let mut plain = json;
    plain.push(b'\n');
    plain.extend_from_slice(b64(&sig.to_bytes()).as_bytes());
    let recipients: Vec<&dyn age::Recipient> =
        to.iter().map(|r| r as &dyn age::Recipient).collect();
    let encryptor =
        age::Encryptor::with_recipients(recipients.into_iter()).expect("x25519 recipients");
    let mut out = Vec::new();
    let mut w = encryptor.wrap_output(&mut out).expect("writing to a Vec");
    w.write_all(&plain).expect("writing to a Vec");
    w.finish().expect("writing to a Vec");
    out
}

/// The room's current public recipient, signed by the owner, for write-only posters (who
/// hold no room key and so cannot open the descriptor). Plain text, see PROTOCOL.md.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicRecipient {
    /// Room id.
    pub room: String,
    /// The owner's Ed25519 key, base64url.
    pub owner: String,
    /// Current key epoch.
    pub epoch: usize,
    /// The genesis recipient (names the room).
    pub genesis: String,
    /// The recipient posters encrypt to now.
    pub current: String,
    /// When signed.
    pub ts: String,
}

impl PublicRecipient {
    fn signed_part(&self) -> String {
        format!(
            "{RECIPIENT_MAGIC}\nroom: {}\nowner: {}\nepoch: {}\ngenesis: {}\nrecipient: {}\nts: {}\n",
            self.room, self.owner, self.epoch, self.genesis, self.current, self.ts
        )
    }

    /// The file's contents, signed with the owner's key.
    pub fn sign(&self, owner: &SigningKey) -> String {
        let text = self.signed_part();
        let sig = owner.sign(&[RECIPIENT_CONTEXT, text.as_bytes()].concat());
        format!("{text}sig: {}\n", b64(&sig.to_bytes()))
    }

    /// Parses and checks a recipient file against the owner the poster pinned: the
    /// signature must be that owner's, the recipients well-formed and the room id the one
    /// the genesis recipient names.
    ///
    /// # Errors
    ///
    /// A description of what does not hold.
    pub fn open(text: &str, pinned_owner: &str) -> Result<Self, String> {
        let p = Self::parse(text)?;
        if p.owner != pinned_owner {
            return Err("signed by someone other than the room owner you pinned (forged)".into());
        }
        let key = parse_verifying_key(pinned_owner).ok_or("the pinned owner key is malformed")?;
        let sig = text
            .lines()
            .last()
            .and_then(|l| l.strip_prefix("sig: "))
            .and_then(unb64)
            .and_then(|b| <[u8; 64]>::try_from(b).ok())
            .ok_or("no signature line")?;
        key.verify_strict(
            &[RECIPIENT_CONTEXT, p.signed_part().as_bytes()].concat(),
            &Signature::from_bytes(&sig),
        )
        .map_err(|_| "bad signature: the file was altered or forged".to_string())?;
        // Nothing but the signed lines and the signature line.
        if text.trim_end_matches('\n') != format!("{}sig: {}", p.signed_part(), b64(&sig)) {
            return Err("unexpected content around the signed lines".into());
        }
        Ok(p)
    }

    /// Parses a recipient file without checking its signature (for a notice only).
    ///
    /// # Errors
    ///
    /// A description of what is malformed.
    pub fn parse_unchecked(text: &str) -> Result<Self, String> {
        Self::parse(text)
    }

    fn parse(text: &str) -> Result<Self, String> {
        let mut lines = text.lines();
        if lines.next() != Some(RECIPIENT_MAGIC) {
            return Err(format!(
                "not an ftpchat recipient file (expected {RECIPIENT_MAGIC})"
            ));
        }
        let mut field = |name: &str| {
            lines
                .next()
                .and_then(|l| l.strip_prefix(name))
                .and_then(|l| l.strip_prefix(": "))
                .map(str::to_string)
                .ok_or_else(|| format!("missing {name} line"))
        };
        let p = PublicRecipient {
            room: field("room")?,
            owner: field("owner")?,
            epoch: field("epoch")?
                .parse()
                .map_err(|_| "epoch is not a number".to_string())?,
            genesis: field("genesis")?,
            current: field("recipient")?,
            ts: field("ts")?,
        };
        let genesis: age::x25519::Recipient = p
            .genesis
            .parse()
            .map_err(|_| "genesis is not an age1... recipient".to_string())?;
        p.current
            .parse::<age::x25519::Recipient>()
            .map_err(|_| "recipient is not an age1... recipient".to_string())?;
        if crate::protocol::keys::RoomId::from_recipient(&genesis).as_str() != p.room {
            return Err("the room id does not match the genesis recipient".into());
        }
        Ok(p)
    }
}

/// Opens and checks a descriptor: it must decrypt with the room key, be signed by the
/// owner it names, name this room, and (when the room key pins one) that owner.
///
/// # Errors
///
/// A description of what does not hold.
pub fn open_descriptor(bytes: &[u8], room: &RoomKey) -> Result<Descriptor, String> {
    let d = age::Decryptor::new_buffered(bytes).map_err(|e| format!("not an age file: {e}"))?;
    let mut r = d
        .decrypt(room.identities().iter().map(|i| i as &dyn age::Identity))
        .map_err(|e| format!("cannot decrypt: {e}"))?;
    let mut plain = Vec::new();
    r.by_ref()
        .take(64 * 1024)
        .read_to_end(&mut plain)
        .map_err(|e| e.to_string())?;
    let split = plain
        .iter()
        .rposition(|&b| b == b'\n')
        .ok_or("no signature")?;
    let (json, sig) = (&plain[..split], &plain[split + 1..]);
    let desc: Descriptor = serde_json::from_slice(json).map_err(|e| format!("malformed: {e}"))?;
    let key = parse_verifying_key(&desc.owner).ok_or("bad owner key")?;
    let sig: [u8; 64] = std::str::from_utf8(sig)
        .ok()
        .and_then(unb64)
        .and_then(|b| b.try_into().ok())
        .ok_or("bad signature encoding")?;
    key.verify_strict(
        &[DESCRIPTOR_CONTEXT, json].concat(),
        &Signature::from_bytes(&sig),
    )
    .map_err(|_| "bad signature: the descriptor was altered or forged".to_string())?;
    if desc.room != room.room_id().as_str() {
        return Err(format!(
            "descriptor names room {}, not {}",
            desc.room,
            room.room_id()
        ));
    }
    if let Some(pinned) = room.owner()
        && pinned != desc.owner
    {
        return Err(
            "descriptor signed by someone other than the room owner you pinned (forged)".into(),
        );
    }
    Ok(desc)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::keys::DeviceIdentity;

    fn env(from: &str, kind: &str, seq: u64, ts: &str, body: String) -> Envelope {
        Envelope {
            v: 1,
            room: "r".into(),
            from: from.into(),
            name: "o".into(),
            seq,
            prev: None,
            ts: ts.into(),
            kind: kind.into(),
            body,
            seen: Default::default(),
        }
    }

    #[test]
    fn replay_add_remove_rotate_and_statuses() {
        let owner = DeviceIdentity::generate();
        let bob = DeviceIdentity::generate();
        let okey = b64(owner.signing_key().verifying_key().as_bytes());
        let bkey = b64(bob.signing_key().verifying_key().as_bytes());
        let mut r = Roster::new(&okey, "age1genesis");
        let add = serde_json::to_string(&AddBody {
            member: bob.public().to_string(),
            name: "bob".into(),
        })
        .expect("json");
        assert_eq!(
            r.apply(&env(
                &okey,
                KIND_ADD,
                2,
                "2026-01-01T00:00:00Z",
                add.clone()
            )),
            Ok(Event::Added(bkey.clone()))
        );
        assert_eq!(r.status(&bkey, "2026-01-02T00:00:00Z", 1), Status::Member);
        assert_eq!(
            r.status(&bkey, "2025-12-31T00:00:00Z", 1),
            Status::Unknown,
            "before being added"
        );
        assert_eq!(
            r.status("someone", "2026-01-02T00:00:00Z", 1),
            Status::Unknown
        );
        // A roster record signed by a member is ignored.
        assert!(
            r.apply(&env(&bkey, KIND_ADD, 1, "2026-01-01T00:00:00Z", add))
                .is_err()
        );
        let rm = serde_json::to_string(&RemoveBody {
            member: bkey.clone(),
            last_seq: Some(5),
        })
        .expect("json");
        r.apply(&env(&okey, KIND_REMOVE, 3, "2026-01-03T00:00:00Z", rm))
            .expect("remove");
        assert_eq!(r.status(&bkey, "2026-01-02T12:00:00Z", 5), Status::Member);
        assert_eq!(r.status(&bkey, "2026-01-04T00:00:00Z", 6), Status::Removed);
        // A backdated record after the last seq the owner saw is still from a removed member.
        assert_eq!(r.status(&bkey, "2026-01-02T12:00:00Z", 6), Status::Removed);
        assert_eq!(
            r.status(&bkey, "2025-12-31T00:00:00Z", 1),
            Status::Unknown,
            "before being added"
        );
        let rot = serde_json::to_string(&RotateBody {
            epoch: 1,
            recipient: "age1new".into(),
            key: String::new(),
        })
        .expect("json");
        r.apply(&env(&okey, KIND_ROTATE, 4, "2026-01-03T00:00:01Z", rot))
            .expect("rotate");
        assert_eq!(
            r.rotated_out("age1genesis", "2026-01-05T00:00:00Z"),
            Some(1)
        );
        assert_eq!(r.rotated_out("age1genesis", "2026-01-01T00:00:00Z"), None);
        assert_eq!(r.rotated_out("age1new", "2026-01-05T00:00:00Z"), None);
    }

    #[test]
    fn key_wrapping_reaches_only_the_recipients() {
        let alice = DeviceIdentity::generate();
        let mallory = DeviceIdentity::generate();
        let key = age::x25519::Identity::generate();
        let wrapped = wrap_key(&key, &[alice.public().recipient]).expect("wrap");
        assert_eq!(
            unwrap_key(&wrapped, alice.x25519()).map(|k| k.to_public().to_string()),
            Some(key.to_public().to_string())
        );
        assert!(unwrap_key(&wrapped, mallory.x25519()).is_none());
    }

    #[test]
    fn descriptor_round_trip_and_forgery() {
        let owner = DeviceIdentity::generate();
        let mut room = RoomKey::generate();
        let okey = b64(owner.signing_key().verifying_key().as_bytes());
        room.set_owner(&okey);
        let d = Descriptor {
            v: 1,
            room: room.room_id().to_string(),
            genesis: room.current_recipient().to_string(),
            owner: okey,
            epoch: 0,
            current: room.current_recipient().to_string(),
            ts: "t".into(),
            relays: vec![],
        };
        let bytes = seal_descriptor(&d, owner.signing_key(), &room.recipients());
        assert_eq!(open_descriptor(&bytes, &room), Ok(d.clone()));
        let listed = Descriptor {
            relays: vec![
                "ftp://relay.lan:21/ops".into(),
                "file:///mnt/share/ops".into(),
            ],
            ..d.clone()
        };
        let bytes = seal_descriptor(&listed, owner.signing_key(), &room.recipients());
        assert_eq!(
            open_descriptor(&bytes, &room),
            Ok(listed),
            "the relay list is signed"
        );
        let mallory = DeviceIdentity::generate();
        let forged = Descriptor {
            owner: b64(mallory.signing_key().verifying_key().as_bytes()),
            ..d
        };
        let bytes = seal_descriptor(&forged, mallory.signing_key(), &room.recipients());
        assert!(
            open_descriptor(&bytes, &room)
                .expect_err("forged")
                .contains("pinned")
        );
    }

    #[test]
    fn public_recipient_round_trip_and_forgery() {
        let owner = DeviceIdentity::generate();
        let okey = b64(owner.signing_key().verifying_key().as_bytes());
        let room = RoomKey::generate();
        let genesis = room.current_recipient().to_string();
        let p = PublicRecipient {
            room: room.room_id().to_string(),
            owner: okey.clone(),
            epoch: 1,
            genesis: genesis.clone(),
            current: age::x25519::Identity::generate().to_public().to_string(),
            ts: "2026-01-01T00:00:00Z".into(),
        };
        let text = p.sign(owner.signing_key());
        assert_eq!(PublicRecipient::open(&text, &okey), Ok(p.clone()));
        // Another recipient under the owner's signature: refused.
        let swapped = text.replace(&p.current, &genesis);
        assert!(
            PublicRecipient::open(&swapped, &okey)
                .expect_err("altered")
                .contains("bad signature")
        );
        // Signed by someone else claiming to be the owner, or naming themselves: refused.
        let mallory = DeviceIdentity::generate();
        let forged = p.sign(mallory.signing_key());
        assert!(PublicRecipient::open(&forged, &okey).is_err());
        let mkey = b64(mallory.signing_key().verifying_key().as_bytes());
        let own = PublicRecipient {
            owner: mkey,
            ..p.clone()
        }
        .sign(mallory.signing_key());
        assert!(
            PublicRecipient::open(&own, &okey)
                .expect_err("other owner")
                .contains("pinned")
        );
        // Extra lines around the signed part, or a room id the genesis does not name.
        assert!(PublicRecipient::open(&format!("{text}extra\n"), &okey).is_err());
        let other_room = PublicRecipient {
            room: "aaaaaaaaaaaaaaaa".into(),
            ..p
        }
        .sign(owner.signing_key());
        assert!(PublicRecipient::open(&other_room, &okey).is_err());
    }

    struct Room {
        owner: String,
        roster: Roster,
    }

    fn key_of(id: &DeviceIdentity) -> String {
        b64(id.signing_key().verifying_key().as_bytes())
    }

    fn add_body(id: &DeviceIdentity, name: &str) -> String {
        serde_json::to_string(&AddBody {
            member: id.public().to_string(),
            name: name.into(),
        })
        .expect("json")
    }

    fn remove_body(key: &str, last_seq: Option<u64>) -> String {
        serde_json::to_string(&RemoveBody {
            member: key.into(),
            last_seq,
        })
        .expect("json")
    }

    fn room() -> Room {
        let owner = key_of(&DeviceIdentity::generate());
        Room {
            roster: Roster::new(&owner, "age1genesis"),
            owner,
        }
    }

    impl Room {
        fn owner_does(
            &mut self,
            kind: &str,
            seq: u64,
            ts: &str,
            body: String,
        ) -> Result<Event, String> {
            let e = env(&self.owner, kind, seq, ts, body);
            self.roster.apply(&e)
        }
    }

    /// A room where bob was added (seq 2 at T1) and removed (seq 3 at `at`).
    fn bob_removed(at: &str, last_seq: Option<u64>) -> (Room, String) {
        let mut r = room();
        let bob = DeviceIdentity::generate();
        let bkey = key_of(&bob);
        r.owner_does(KIND_ADD, 2, T1, add_body(&bob, "bob"))
            .expect("add");
        r.owner_does(KIND_REMOVE, 3, at, remove_body(&bkey, last_seq))
            .expect("remove");
        (r, bkey)
    }

    const T1: &str = "2026-01-01T00:00:00Z";
    const T2: &str = "2026-01-02T00:00:00Z";
    const T3: &str = "2026-01-03T00:00:00Z";
    const T4: &str = "2026-01-04T00:00:00Z";
    const T5: &str = "2026-01-05T00:00:00Z";

    #[test]
    fn removal_without_last_seq_goes_by_time() {
        let (r, bkey) = bob_removed(T3, None);
        assert_eq!(
            r.roster.status(&bkey, T2, 99),
            Status::Member,
            "before the removal"
        );
        assert_eq!(
            r.roster.status(&bkey, T3, 99),
            Status::Member,
            "at the removal instant"
        );
        assert_eq!(
            r.roster.status(&bkey, T4, 1),
            Status::Removed,
            "after, whatever the seq"
        );
        let m = r.roster.members().next().expect("member");
        assert_eq!(
            (m.removed_seq, m.removed_at.as_deref()),
            (Some(3), Some(T3))
        );
        assert_eq!(r.roster.current().count(), 0);
    }

    #[test]
    fn removal_with_last_seq_goes_by_seq_whatever_the_time() {
        let (r, bkey) = bob_removed(T3, Some(4));
        // Written late but within what the owner had seen: still a member's record.
        assert_eq!(r.roster.status(&bkey, T5, 4), Status::Member);
        // Backdated but past the last seq: removed.
        assert_eq!(r.roster.status(&bkey, T2, 5), Status::Removed);
    }

    #[test]
    fn re_added_member_keeps_the_gap_between_periods() {
        let mut r = room();
        let bob = DeviceIdentity::generate();
        let bkey = key_of(&bob);
        r.owner_does(KIND_ADD, 2, T1, add_body(&bob, "bob"))
            .expect("add");
        r.owner_does(KIND_REMOVE, 3, T2, remove_body(&bkey, Some(3)))
            .expect("remove");
        r.owner_does(KIND_ADD, 4, T4, add_body(&bob, "bob again"))
            .expect("re-add");
        assert_eq!(
            r.roster.status(&bkey, "2026-01-01T12:00:00Z", 2),
            Status::Member,
            "first period"
        );
        assert_eq!(r.roster.status(&bkey, T3, 4), Status::Removed, "while out");
        assert_eq!(
            r.roster.status(&bkey, T5, 9),
            Status::Member,
            "second period"
        );
        assert_eq!(r.roster.name_of(&bkey), Some("bob again"));
        assert_eq!(r.roster.current().count(), 1);
        let m = r.roster.members().next().expect("member");
        assert_eq!((m.added_seq, m.removed_at.clone()), (4, None));
    }

    #[test]
    fn roster_records_from_anyone_but_the_owner_change_nothing() {
        let mut r = room();
        let bob = DeviceIdentity::generate();
        let mallory = DeviceIdentity::generate();
        let bkey = key_of(&bob);
        let mkey = key_of(&mallory);
        r.owner_does(KIND_ADD, 2, T1, add_body(&bob, "bob"))
            .expect("add");
        for (kind, body) in [
            (KIND_ADD, add_body(&mallory, "mallory")),
            (KIND_REMOVE, remove_body(&bkey, None)),
            (
                KIND_ROTATE,
                serde_json::to_string(&RotateBody {
                    epoch: 1,
                    recipient: "age1forged".into(),
                    key: String::new(),
                })
                .expect("json"),
            ),
        ] {
            let err = r
                .roster
                .apply(&env(&mkey, kind, 1, T2, body))
                .expect_err("forged");
            assert!(err.contains("not signed by the room owner"), "{err}");
        }
        assert_eq!(r.roster.status(&mkey, T3, 1), Status::Unknown);
        assert_eq!(r.roster.status(&bkey, T3, 1), Status::Member);
        assert_eq!(r.roster.epochs().len(), 1);
        assert_eq!(r.roster.status(&r.owner, T3, 1), Status::Owner);
    }

    #[test]
    fn a_roster_record_read_twice_applies_once() {
        let mut r = room();
        let bob = DeviceIdentity::generate();
        let carol = DeviceIdentity::generate();
        let bkey = key_of(&bob);
        let first = r.owner_does(KIND_ADD, 2, T1, add_body(&bob, "bob"));
        r.owner_does(KIND_REMOVE, 3, T2, remove_body(&bkey, None))
            .expect("remove");
        // Seq 2 again (an overlapping replay): the same event, and bob stays removed.
        assert_eq!(r.owner_does(KIND_ADD, 2, T1, add_body(&bob, "bob")), first);
        assert_eq!(r.roster.status(&bkey, T3, 1), Status::Removed);
        // Even another body under an applied seq does not apply.
        assert_eq!(
            r.owner_does(KIND_ADD, 2, T1, add_body(&carol, "carol")),
            first
        );
        assert_eq!(r.roster.members().count(), 1);
    }

    #[test]
    fn malformed_and_out_of_sequence_roster_records_are_refused() {
        let mut r = room();
        let bob = DeviceIdentity::generate();
        assert!(
            r.owner_does(KIND_ADD, 2, T1, "{".into())
                .expect_err("bad json")
                .contains("malformed roster.add")
        );
        assert!(
            r.owner_does(KIND_ADD, 3, T1, r#"{"member":"nope","name":"x"}"#.into())
                .is_err()
        );
        assert!(
            r.owner_does(KIND_REMOVE, 4, T1, remove_body(&key_of(&bob), None))
                .expect_err("not a member")
                .contains("not a member")
        );
        let rot = |epoch| {
            serde_json::to_string(&RotateBody {
                epoch,
                recipient: format!("age1epoch{epoch}"),
                key: String::new(),
            })
            .expect("json")
        };
        assert!(
            r.owner_does(KIND_ROTATE, 5, T2, rot(2))
                .expect_err("skips epoch 1")
                .contains("out of sequence")
        );
        assert!(r.owner_does("roster.bogus", 6, T2, "{}".into()).is_err());
        assert_eq!(r.roster.members().count(), 0);
        assert_eq!(r.roster.epochs().len(), 1);
        // Refused seqs are not marked applied: a good record can still take them.
        assert_eq!(
            r.owner_does(KIND_ROTATE, 5, T2, rot(1)),
            Ok(Event::Rotated(RotateBody {
                epoch: 1,
                recipient: "age1epoch1".into(),
                key: String::new()
            }))
        );
        assert_eq!(
            r.roster.epochs(),
            &[
                ("age1genesis".to_string(), String::new()),
                ("age1epoch1".to_string(), T2.to_string())
            ]
        );
    }

    #[test]
    fn rotation_dates_each_epoch() {
        let mut r = room();
        for (seq, epoch, ts) in [(2, 1, T2), (3, 2, T4)] {
            let body = serde_json::to_string(&RotateBody {
                epoch,
                recipient: format!("age1e{epoch}"),
                key: String::new(),
            })
            .expect("json");
            r.owner_does(KIND_ROTATE, seq, ts, body).expect("rotate");
        }
        assert_eq!(
            r.roster.rotated_out("age1genesis", T2),
            None,
            "at the rotation instant"
        );
        assert_eq!(r.roster.rotated_out("age1genesis", T3), Some(1));
        assert_eq!(r.roster.rotated_out("age1e1", T3), None);
        assert_eq!(r.roster.rotated_out("age1e1", T5), Some(2));
        assert_eq!(r.roster.rotated_out("age1e2", T5), None, "current epoch");
        assert_eq!(r.roster.rotated_out("age1unknown", T5), None);
    }
}
