//! Invites: everything a new member needs to join a room, in one pasteable line
//! (`ftpchat-invite1:` and base64url of a JSON object). An invite holds the room's
//! secret keys, so it is a secret itself.

use serde::{Deserialize, Serialize};

use super::encoding::{b64, unb64};
use super::keys::parse_verifying_key;

/// What every invite line starts with.
pub const PREFIX: &str = "ftpchat-invite1:";

/// The contents of an invite.
#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Invite {
    /// The relay URL (no password, path `/`).
    pub relay: String,
    /// The room's path on the relay.
    pub room: String,
    /// The room's age identities (`AGE-SECRET-KEY-1...`), oldest first.
    pub keys: Vec<String>,
    /// The owner's Ed25519 key (base64url), which the joiner pins.
    pub owner: String,
    /// More relays holding the room: URLs whose path is the room's directory there
    /// (absent in invites of one relay; readers from before it ignore it).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mirrors: Vec<String>,
    /// When the invite stops working (RFC 3339), if the inviter set a limit; `room join`
    /// refuses it afterwards (readers from before it ignore it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
}

impl std::fmt::Debug for Invite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Invite")
            .field("relay", &self.relay)
            .field("room", &self.room)
            .field("keys", &format_args!("[{} redacted]", self.keys.len()))
            .field("owner", &self.owner)
            .field("mirrors", &self.mirrors)
            .field("expires", &self.expires)
            .finish()
    }
}

/// Why a text is not an invite.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InviteError {
    /// Not `ftpchat-invite1:` followed by base64url JSON of the right shape.
    #[error("not an ftpchat invite (expected ftpchat-invite1:...)")]
    Malformed,
    /// The owner key is not an Ed25519 public key.
    #[error("the invite's owner key is malformed")]
    BadOwner,
}

impl Invite {
    /// The invite as one line (without a line end).
    pub fn encode(&self) -> String {
        format!(
            "{PREFIX}{}",
            b64(&serde_json::to_vec(self).expect("an invite serialises"))
        )
    }

    /// Parses an invite line (surrounding white space is ignored).
    ///
    /// # Errors
    ///
    /// [`InviteError`] for anything that is not a well-formed invite.
    pub fn decode(text: &str) -> Result<Self, InviteError> {
        let inv: Invite = text
            .trim()
            .strip_prefix(PREFIX)
            .and_then(unb64)
            .and_then(|b| serde_json::from_slice(&b).ok())
            .ok_or(InviteError::Malformed)?;
        if parse_verifying_key(&inv.owner).is_none() {
            return Err(InviteError::BadOwner);
        }
        Ok(inv)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_rejections() {
        let owner = b64(ed25519_dalek::SigningKey::from_bytes(&[7; 32])
            .verifying_key()
            .as_bytes());
        let inv = Invite {
            relay: "ftp://u@127.0.0.1:2121/".into(),
            room: "/ops".into(),
            keys: vec!["AGE-SECRET-KEY-1XYZ".into()],
            owner,
            mirrors: vec!["sftp://u@127.0.0.1:2222/srv/ops".into()],
            expires: Some("2026-12-11T10:00:00Z".into()),
        };
        let line = inv.encode();
        assert!(line.starts_with(PREFIX));
        assert_eq!(Invite::decode(&format!(" {line}\n")), Ok(inv.clone()));
        assert!(
            !format!("{inv:?}").contains("AGE-SECRET-KEY"),
            "keys redacted"
        );
        assert_eq!(Invite::decode("hello"), Err(InviteError::Malformed));
        let bad_owner = Invite {
            owner: "nope".into(),
            ..inv
        };
        assert_eq!(
            Invite::decode(&bad_owner.encode()),
            Err(InviteError::BadOwner)
        );
    }
}
