//! The attachment record: what an `attachment` record's body says about a file (name,
//! size, hashes, the blob's name on the relay and the file's own age key), and the rules
//! that keep an untrusted name inside the directory it is saved to. Moving the bytes is
//! the room layer's job (`room::attachment`).

use serde::{Deserialize, Serialize};

/// Record kind of an attachment.
pub const KIND: &str = "attachment";
/// Directory of blobs in a room.
pub const BLOB_DIR: &str = "blobs";
/// Default size limit (`--max-attachment`).
pub const DEFAULT_MAX: u64 = 100 * 1024 * 1024;

/// What an attachment record says.
#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Attachment {
    /// The file's name as sent (untrusted when read: see [`safe_name`]).
    pub name: String,
    /// Plaintext size in bytes.
    pub size: u64,
    /// SHA-256 of the plaintext, hex.
    pub sha256: String,
    /// Blob file name in `blobs/`: hex SHA-256 of the ciphertext plus `.age`.
    pub blob: String,
    /// The file's own age identity (`AGE-SECRET-KEY-1...`).
    pub key: String,
    /// Text sent with the file.
    #[serde(default)]
    pub text: String,
}

impl std::fmt::Debug for Attachment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Attachment")
            .field("name", &self.name)
            .field("size", &self.size)
            .field("sha256", &self.sha256)
            .field("blob", &self.blob)
            .field("key", &"[redacted]")
            .finish_non_exhaustive()
    }
}

/// Serialises an announced attachment for output (`--json`): everything but the file's
/// key, which is a secret of the room's members.
///
/// # Errors
///
/// Those of the serializer.
pub fn serialize_public<S: serde::Serializer>(
    a: &Option<Attachment>,
    s: S,
) -> Result<S::Ok, S::Error> {
    #[derive(Serialize)]
    struct Public<'a> {
        name: &'a str,
        size: u64,
        sha256: &'a str,
        blob: &'a str,
    }
    a.as_ref()
        .map(|a| Public {
            name: &a.name,
            size: a.size,
            sha256: &a.sha256,
            blob: &a.blob,
        })
        .serialize(s)
}

/// Whether `blob` is a name we would have made (64 hex digits and `.age`).
pub fn valid_blob_name(blob: &str) -> bool {
    blob.strip_suffix(".age").is_some_and(|h| {
        h.len() == 64
            && h.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

/// A file name that cannot leave the directory it is written to: the last path
/// component only, no control characters, no leading dots, at most 100 characters.
pub fn safe_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .filter(|&c| !c.is_control() && !crate::protocol::text::is_format(c))
        .take(100)
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_string();
    if cleaned.is_empty() {
        "attachment".into()
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_names_stay_inside() {
        for (given, want) in [
            ("../../etc/passwd", "passwd"),
            ("/abs/path.txt", "path.txt"),
            ("..\\..\\win.ini", "win.ini"),
            ("..", "attachment"),
            (".hidden", "hidden"),
            ("a\x1b[31mb\n.txt", "a[31mb.txt"),
            ("", "attachment"),
            ("report\u{202E}fdp.sh", "reportfdp.sh"),
            ("a\u{200B}b\u{2066}.txt", "ab.txt"),
        ] {
            assert_eq!(safe_name(given), want, "{given:?}");
        }
        assert!(valid_blob_name(&format!("{}.age", "a".repeat(64))));
        assert!(!valid_blob_name("../x.age"));
    }
}
