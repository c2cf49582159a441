//! Keys: the per-device identity and the room key.
//!
//! A *device identity* is an Ed25519 signing key (who wrote a record) plus an age X25519
//! key (so a room owner can later send this member a new room key). A *room key* is a
//! plain age X25519 identity, so `age-keygen` output works and `age -d -i room.key` opens
//! any record's ciphertext. Room key files may list several keys: the first names the
//! room (its id is derived from the first key's recipient), the last is the one new
//! records are encrypted to, the others stay so history remains readable after rotation.
//!
//! Secret types here redact themselves in `Debug` and key files are read only when no one
//! but the owner can access them.

use std::fmt;
use std::path::Path;

use age::secrecy::ExposeSecret;
use ed25519_dalek::{SigningKey, VerifyingKey};

use crate::error::{Error, Result};
use crate::paths;
use crate::protocol::encoding::{b64, base32, sha256, unb64};

const SIGNING_PREFIX: &str = "FTPCHAT-SIGNING-KEY-1:";
const PUBLIC_PREFIX: &str = "ftpchat-id1:";

/// A room id: 16 lower-case base32 characters derived from the room's first recipient.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RoomId(String);

impl RoomId {
    /// Derives the id of the room whose (first) recipient is `recipient`.
    pub fn from_recipient(recipient: &age::x25519::Recipient) -> Self {
        let digest = sha256(&[b"ftpchat room id v1\0", recipient.to_string().as_bytes()]);
        RoomId(base32(&digest[..10]))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Parses an id given as text (16 base32 characters).
    pub fn parse(s: &str) -> Option<Self> {
        is_base32_id(s).then(|| RoomId(s.to_string()))
    }
}

impl fmt::Display for RoomId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for RoomId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RoomId({})", self.0)
    }
}

/// Whether `s` is 16 characters of lower-case base32 (room ids and feed pseudonyms).
pub fn is_base32_id(s: &str) -> bool {
    s.len() == 16
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || (b'2'..=b'7').contains(&b))
}

/// The feed pseudonym of a writer in a room: 16 base32 characters that reveal neither the
/// room nor the key to someone without both.
pub fn feed_pseudonym(room: &RoomId, key: &VerifyingKey) -> String {
    let digest = sha256(&[
        b"ftpchat feed v1\0",
        room.0.as_bytes(),
        b"\0",
        key.as_bytes(),
    ]);
    base32(&digest[..10])
}

/// A device's secret identity.
#[derive(Clone)]
pub struct DeviceIdentity {
    signing: SigningKey,
    x25519: age::x25519::Identity,
}

impl fmt::Debug for DeviceIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeviceIdentity")
            .field("public", &self.public().to_string())
            .field("secret", &"[redacted]")
            .finish()
    }
}

impl DeviceIdentity {
    /// A fresh identity from the OS random generator.
    pub fn generate() -> Self {
        DeviceIdentity {
            signing: SigningKey::generate(&mut rand_core::OsRng),
            x25519: age::x25519::Identity::generate(),
        }
    }

    /// The signing key.
    pub fn signing_key(&self) -> &SigningKey {
        &self.signing
    }

    /// The age identity that room keys are sent to.
    pub fn x25519(&self) -> &age::x25519::Identity {
        &self.x25519
    }

    /// The public parts.
    pub fn public(&self) -> PublicIdentity {
        PublicIdentity {
            verifying: self.signing.verifying_key(),
            recipient: self.x25519.to_public(),
        }
    }

    /// The file contents, comments included.
    pub fn to_file_contents(&self, created: &str) -> String {
        format!(
            "# ftpchat device identity: SECRET, keep this file private (mode 0600)\n\
             # created: {created}\n\
             # public: {}\n\
             {SIGNING_PREFIX}{}\n\
             {}\n",
            self.public(),
            b64(self.signing.as_bytes()),
            self.x25519.to_string().expose_secret(),
        )
    }

    /// Parses an identity file's contents.
    ///
    /// # Errors
    ///
    /// [`Error::BadKey`] naming `what` when a key is missing or malformed.
    pub fn parse(contents: &str, what: &str) -> Result<Self> {
        let bad = |reason: &str| Error::BadKey {
            what: what.to_string(),
            reason: reason.to_string(),
        };
        let mut signing = None;
        let mut x25519 = None;
        for line in contents.lines().map(str::trim) {
            if let Some(rest) = line.strip_prefix(SIGNING_PREFIX) {
                let bytes: [u8; 32] = unb64(rest)
                    .and_then(|b| b.try_into().ok())
                    .ok_or_else(|| bad("the signing key line is malformed"))?;
                signing = Some(SigningKey::from_bytes(&bytes));
            } else if line.starts_with("AGE-SECRET-KEY-1") {
                x25519 = Some(
                    line.parse::<age::x25519::Identity>()
                        .map_err(|_| bad("the AGE-SECRET-KEY line is malformed"))?,
                );
            }
        }
        match (signing, x25519) {
            (Some(signing), Some(x25519)) => Ok(DeviceIdentity { signing, x25519 }),
            (None, _) => Err(bad(
                "no FTPCHAT-SIGNING-KEY-1 line: this is not an ftpchat identity file (a room key goes to -i)",
            )),
            (_, None) => Err(bad("no AGE-SECRET-KEY-1 line")),
        }
    }

    /// Reads an identity file, refusing loose permissions.
    ///
    /// # Errors
    ///
    /// See [`paths::read_secret_file`] and [`DeviceIdentity::parse`].
    pub fn load(path: &Path) -> Result<Self> {
        let text = paths::read_secret_file(path)?;
        Self::parse(&text, &path.display().to_string())
    }
}

/// The public half of a device identity, shown as one line:
/// `ftpchat-id1:<base64url Ed25519 key>:<age1 recipient>`.
#[derive(Clone, PartialEq, Eq)]
pub struct PublicIdentity {
    /// Ed25519 key that signs records.
    pub verifying: VerifyingKey,
    /// age recipient that room keys are encrypted to.
    pub recipient: age::x25519::Recipient,
}

impl fmt::Display for PublicIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{PUBLIC_PREFIX}{}:{}",
            b64(self.verifying.as_bytes()),
            self.recipient
        )
    }
}

impl fmt::Debug for PublicIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicIdentity({self})")
    }
}

impl std::str::FromStr for PublicIdentity {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        // A public identity is typed or pasted, not read from a key file: bad input.
        let bad = |reason: &str| Error::Usage(format!("not a public identity: {reason}"));
        let rest = s
            .trim()
            .strip_prefix(PUBLIC_PREFIX)
            .ok_or_else(|| bad("expected a line starting with ftpchat-id1:"))?;
        let (key, recipient) = rest
            .split_once(':')
            .ok_or_else(|| bad("expected ftpchat-id1:<key>:<age1...>"))?;
        Ok(PublicIdentity {
            verifying: parse_verifying_key(key).ok_or_else(|| bad("bad Ed25519 key"))?,
            recipient: recipient.parse().map_err(|_| bad("bad age recipient"))?,
        })
    }
}

/// Parses a base64url Ed25519 public key.
pub fn parse_verifying_key(s: &str) -> Option<VerifyingKey> {
    let bytes: [u8; 32] = unb64(s)?.try_into().ok()?;
    VerifyingKey::from_bytes(&bytes).ok()
}

/// A room key: one or more age X25519 identities (oldest first).
#[derive(Clone)]
pub struct RoomKey {
    identities: Vec<age::x25519::Identity>,
    /// The same keys, each with its recipient computed once, for opening records.
    opening: Vec<super::x25519::RoomIdentity>,
    id: RoomId,
    owner: Option<String>,
}

impl fmt::Debug for RoomKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RoomKey")
            .field("room", &self.id)
            .field("keys", &self.identities.len())
            .field("secret", &"[redacted]")
            .finish()
    }
}

impl RoomKey {
    /// A fresh room key.
    pub fn generate() -> Self {
        Self::from_identities(vec![age::x25519::Identity::generate()])
    }

    fn from_identities(identities: Vec<age::x25519::Identity>) -> Self {
        let id = RoomId::from_recipient(&identities[0].to_public());
        RoomKey {
            opening: identities
                .iter()
                .map(super::x25519::RoomIdentity::new)
                .collect(),
            identities,
            id,
            owner: None,
        }
    }

    /// The room's id.
    pub fn room_id(&self) -> &RoomId {
        &self.id
    }

    /// The recipient new records are encrypted to (the newest key).
    pub fn current_recipient(&self) -> age::x25519::Recipient {
        self.identities[self.identities.len() - 1].to_public()
    }

    /// All keys, oldest first, for decryption.
    pub fn identities(&self) -> &[age::x25519::Identity] {
        &self.identities
    }

    /// All keys, oldest first, each with its recipient computed once: what opens
    /// records (one age file each) fastest.
    pub fn opening_identities(&self) -> &[super::x25519::RoomIdentity] {
        &self.opening
    }

    /// The room owner's Ed25519 key (base64url), pinned when the room was created or joined.
    pub fn owner(&self) -> Option<&str> {
        self.owner.as_deref()
    }

    /// Pins the room owner's key.
    pub fn set_owner(&mut self, owner: &str) {
        self.owner = Some(owner.to_string());
    }

    /// Adds a newer key (after a rotation); a key already present is ignored.
    /// Returns whether it was new.
    pub fn add_identity(&mut self, identity: age::x25519::Identity) -> bool {
        let public = identity.to_public().to_string();
        if self.opening.iter().any(|i| i.recipient() == public) {
            return false;
        }
        self.opening
            .push(super::x25519::RoomIdentity::new(&identity));
        self.identities.push(identity);
        true
    }

    /// Every key's recipient, oldest first.
    pub fn recipients(&self) -> Vec<age::x25519::Recipient> {
        self.identities
            .iter()
            .map(age::x25519::Identity::to_public)
            .collect()
    }

    /// The write-only half: what a poster needs.
    pub fn to_recipient(&self) -> RoomRecipient {
        RoomRecipient {
            recipient: self.current_recipient(),
            id: self.id.clone(),
        }
    }

    /// File contents in age-keygen's layout.
    pub fn to_file_contents(&self, created: &str) -> String {
        let mut s = format!(
            "# ftpchat room key: SECRET, anyone holding it reads the room (mode 0600)\n\
             # room: {}\n# created: {created}\n",
            self.id
        );
        if let Some(owner) = &self.owner {
            s.push_str(&format!("# owner: {owner}\n"));
        }
        for identity in &self.identities {
            s.push_str(&format!("# public key: {}\n", identity.to_public()));
            s.push_str(identity.to_string().expose_secret());
            s.push('\n');
        }
        s
    }

    /// Writes the key to a new file, mode 0600 (an existing file is never replaced).
    ///
    /// # Errors
    ///
    /// [`Error::Exists`] when the file exists; write errors.
    pub fn save(&self, path: &Path) -> Result<()> {
        if path.exists() {
            return Err(Error::Exists {
                path: path.to_path_buf(),
            });
        }
        let created = crate::protocol::record::now_rfc3339();
        paths::write_private(path, self.to_file_contents(&created).as_bytes(), false)
    }

    /// Parses an age identity file (comments and blank lines allowed).
    ///
    /// # Errors
    ///
    /// [`Error::BadKey`] when no valid key is found.
    pub fn parse(contents: &str, what: &str) -> Result<Self> {
        let bad = |reason: String| Error::BadKey {
            what: what.to_string(),
            reason,
        };
        let mut identities = Vec::new();
        let mut owner = None;
        for (n, line) in contents.lines().map(str::trim).enumerate() {
            if let Some(o) = line.strip_prefix("# owner:") {
                owner = parse_verifying_key(o.trim()).map(|k| b64(k.as_bytes()));
                continue;
            }
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if line.starts_with(SIGNING_PREFIX) {
                return Err(bad(
                    "this is a device identity, not a room key (give it with --identity)".into(),
                ));
            }
            let key = line
                .parse::<age::x25519::Identity>()
                .map_err(|_| bad(format!("line {} is not an AGE-SECRET-KEY-1 key", n + 1)))?;
            identities.push(key);
        }
        if identities.is_empty() {
            return Err(bad("no AGE-SECRET-KEY-1 key found".into()));
        }
        let mut key = Self::from_identities(identities);
        key.owner = owner;
        Ok(key)
    }

    /// Reads a room key file, refusing loose permissions.
    ///
    /// # Errors
    ///
    /// See [`paths::read_secret_file`] and [`RoomKey::parse`].
    pub fn load(path: &Path) -> Result<Self> {
        let text = paths::read_secret_file(path)?;
        Self::parse(&text, &path.display().to_string())
    }
}

/// The public half of a room: enough to post (encrypt and name the room), not to read.
#[derive(Clone, Debug)]
pub struct RoomRecipient {
    /// Where records are encrypted to.
    pub recipient: age::x25519::Recipient,
    /// The room id.
    pub id: RoomId,
}

impl RoomRecipient {
    /// Parses recipients (`age1...`, one per line, comments allowed); the first names the
    /// room and the last is encrypted to, as in a room key file.
    ///
    /// # Errors
    ///
    /// [`Error::BadKey`] when a line is not a recipient or none is given.
    pub fn parse(contents: &str, what: &str) -> Result<Self> {
        let mut recipients = Vec::new();
        for (n, line) in contents.lines().map(str::trim).enumerate() {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            // Nothing of the line is echoed: it may be a secret key given by mistake.
            let reason = if line.to_ascii_uppercase().starts_with("AGE-SECRET-KEY-") {
                format!(
                    "line {} is a secret room key, not a recipient (a room key file is given \
                     with -i/--room-key; -r/-R take the public age1... recipient that \
                     `ftpchat room create` printed)",
                    n + 1
                )
            } else {
                format!("line {} is not an age1... X25519 recipient", n + 1)
            };
            recipients.push(
                line.parse::<age::x25519::Recipient>()
                    .map_err(|_| Error::BadKey {
                        what: what.to_string(),
                        reason,
                    })?,
            );
        }
        let (Some(first), Some(last)) = (recipients.first(), recipients.last()) else {
            return Err(Error::BadKey {
                what: what.to_string(),
                reason: "no recipient found".into(),
            });
        };
        Ok(RoomRecipient {
            id: RoomId::from_recipient(first),
            recipient: last.clone(),
        })
    }
}

/// The first `n` characters of `s` with an ellipsis, for error messages about input that
/// is not secret.
pub fn truncate(s: &str, n: usize) -> String {
    match s.char_indices().nth(n) {
        Some((i, _)) => format!("{}...", &s[..i]),
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_file_round_trip_and_debug_redacts() {
        let id = DeviceIdentity::generate();
        let text = id.to_file_contents("2026-11-22T00:00:00Z");
        let back = DeviceIdentity::parse(&text, "test").expect("parse");
        assert_eq!(back.public(), id.public());
        let secret = b64(id.signing_key().as_bytes());
        assert!(!format!("{id:?}").contains(&secret));
        let age_secret = id.x25519().to_string().expose_secret().to_string();
        assert!(!format!("{id:?}").contains(&age_secret));
        let public: PublicIdentity = id.public().to_string().parse().expect("public");
        assert_eq!(public, id.public());
    }

    #[test]
    fn room_key_round_trip_and_ids() {
        let key = RoomKey::generate();
        let text = key.to_file_contents("now");
        let back = RoomKey::parse(&text, "test").expect("parse");
        assert_eq!(back.room_id(), key.room_id());
        assert!(is_base32_id(key.room_id().as_str()));
        let secret = key.identities()[0].to_string().expose_secret().to_string();
        assert!(!format!("{key:?}").contains(&secret));
        let rr = RoomRecipient::parse(&key.current_recipient().to_string(), "r").expect("r");
        assert_eq!(&rr.id, key.room_id());
        assert!(RoomKey::parse("# nothing\n", "t").is_err());
        assert!(RoomKey::parse("garbage\n", "t").is_err());
    }

    #[test]
    fn a_secret_key_given_as_recipient_is_not_echoed() {
        let key = RoomKey::generate();
        let text = key.to_file_contents("2026-12-03T00:00:00Z");
        let err = RoomRecipient::parse(&text, "-R room.key")
            .expect_err("a secret key is not a recipient")
            .to_string();
        assert!(err.contains("is a secret room key"), "{err}");
        let secret = text
            .lines()
            .find(|l| l.starts_with("AGE-SECRET-KEY-1"))
            .expect("secret line");
        let tail = &secret["AGE-SECRET-KEY-1".len()..];
        for i in 0..tail.len() - 3 {
            assert!(!err.contains(&tail[i..i + 4]), "{err} echoes the key");
        }
    }

    #[test]
    fn pseudonym_depends_on_room_and_key() {
        let a = DeviceIdentity::generate().public().verifying;
        let r1 = RoomKey::generate();
        let r2 = RoomKey::generate();
        let p1 = feed_pseudonym(r1.room_id(), &a);
        assert!(is_base32_id(&p1));
        assert_ne!(p1, feed_pseudonym(r2.room_id(), &a));
    }
}
