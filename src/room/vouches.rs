//! The members this device verified in person (`ftpchat verify-member`): signed notes
//! in `verified.jsonl` in the config directory, one per line (see
//! [`crate::protocol::vouch`]). Only notes signed by this device's own key count, so a
//! line planted in the file by someone else marks nobody.

use std::collections::BTreeSet;
use std::io::Write as _;
use std::path::Path;

use crate::error::{Error, Result};
use crate::protocol::encoding::b64;
use crate::protocol::keys::{DeviceIdentity, RoomId};
use crate::protocol::record::now_rfc3339;
use crate::protocol::vouch::Vouch;

/// The file's name in the config directory.
pub const FILE: &str = "verified.jsonl";

/// The most bytes of the file read (a few hundred thousand verifications).
const MAX_FILE: u64 = 64 * 1024 * 1024;

/// The signing keys of members of `room` that `identity` verified.
///
/// # Errors
///
/// The file exists but cannot be read.
pub fn verified_in(
    path: &Path,
    identity: &DeviceIdentity,
    room: &RoomId,
) -> Result<BTreeSet<String>> {
    Ok(notes(path, identity)?
        .into_iter()
        .filter(|v| v.room == room.as_str())
        .map(|v| v.member)
        .collect())
}

/// Every note `identity` signed.
///
/// # Errors
///
/// The file exists but cannot be read.
pub fn notes(path: &Path, identity: &DeviceIdentity) -> Result<Vec<Vouch>> {
    use std::io::Read as _;
    let mut text = String::new();
    match std::fs::File::open(path) {
        Ok(f) => {
            f.take(MAX_FILE)
                .read_to_string(&mut text)
                .map_err(|e| Error::io("cannot read", path, e))?;
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::io("cannot read", path, e)),
    }
    let me = identity.signing_key().verifying_key();
    Ok(text.lines().filter_map(|l| Vouch::open(l, &me)).collect())
}

/// Records that `identity` verified `member` (named `name`) in `room`.
///
/// # Errors
///
/// Write errors.
pub fn record(
    path: &Path,
    identity: &DeviceIdentity,
    room: &RoomId,
    member: &str,
    name: &str,
) -> Result<()> {
    let note = Vouch {
        v: 1,
        room: room.to_string(),
        member: member.to_string(),
        name: name.to_string(),
        ts: now_rfc3339(),
        by: b64(identity.signing_key().verifying_key().as_bytes()),
    };
    let line = note.sign(identity.signing_key()) + "\n";
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| Error::io("cannot open", path, e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = f.set_permissions(std::fs::Permissions::from_mode(0o600));
    }
    f.write_all(line.as_bytes())
        .map_err(|e| Error::io("cannot write", path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_are_kept_per_room_and_only_our_own_count() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(FILE);
        let me = DeviceIdentity::generate();
        let room = RoomId::parse("aaaaaaaaaaaaaaaa").expect("room id");
        let other = RoomId::parse("bbbbbbbbbbbbbbbb").expect("room id");
        assert!(verified_in(&path, &me, &room).expect("read").is_empty());
        record(&path, &me, &room, "KEY-BOB", "bob").expect("record");
        record(&path, &DeviceIdentity::generate(), &room, "KEY-EVE", "eve").expect("planted");
        std::fs::write(
            &path,
            std::fs::read_to_string(&path).expect("read") + "not a note\n",
        )
        .expect("append junk");
        let got = verified_in(&path, &me, &room).expect("read");
        assert_eq!(got.into_iter().collect::<Vec<_>>(), ["KEY-BOB"]);
        assert!(verified_in(&path, &me, &other).expect("read").is_empty());
    }
}
