//! Lines of the original FTPChat app (Python, Fernet), read and written for migration.
//!
//! Facts from the app's public source (the code is ours): the Fernet key is
//! PBKDF2-HMAC-SHA256 of the chat passphrase with 100,000 iterations and a fixed, public,
//! 42-byte salt; each line is a Fernet token (`gAAAAA...`) over zlib-compressed UTF-8 text
//! `YYYY-MM-DD HH:MM:<name>: <message>` in local time (v1). App 1.6 wrapped the token in
//! standard base64 once more (`Z0FBQUFB...`, v2); the newest app writes `[HH:MM] <name>:
//! <message>` (v3). We read all three and write v1 unless asked.
//!
//! This format has no sender authentication: anyone with the passphrase can write any name.
//! The salt is shared by every installation, so the key depends on the passphrase alone.

use std::fmt;
use std::io::{Read, Write};

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE};
use flate2::Compression;
use flate2::read::ZlibDecoder;
use flate2::write::ZlibEncoder;
use zeroize::Zeroizing;

/// The app's fixed PBKDF2 salt.
pub const SALT: &[u8; 42] = b"q6334#Q0q8294%E$(#$%^&^%$#@!#%^YHB>$W#CX>E";
/// The app's PBKDF2 iteration count.
pub const ITERATIONS: u32 = 100_000;
const MAX_TEXT: u64 = 256 * 1024;

/// Which of the app's line versions a line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Version {
    /// Fernet token, dated layout.
    V1,
    /// Token wrapped in base64 (app 1.6), dated layout.
    V2,
    /// Fernet token, `[HH:MM]` layout (newest app).
    V3,
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Version::V1 => "v1",
            Version::V2 => "v2",
            Version::V3 => "v3",
        })
    }
}

/// A decoded legacy line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegacyMessage {
    /// The line version.
    pub version: Version,
    /// `YYYY-MM-DD HH:MM` or `HH:MM`, local time of the writer, as written.
    pub time: String,
    /// The display name as written (not authenticated).
    pub name: String,
    /// The message text.
    pub body: String,
}

/// Why a legacy line cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LegacyError {
    /// Not a token, or the wrong passphrase, or altered.
    #[error("cannot decrypt legacy line (wrong passphrase, altered or truncated)")]
    Decrypt,
    /// Decrypted but not zlib or not UTF-8.
    #[error("legacy line decrypted but its content is not zlib-compressed UTF-8 text")]
    Content,
}

/// Layout to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// `YYYY-MM-DD HH:MM:<name>: <message>` (v1, the default).
    Dated,
    /// `[HH:MM] <name>: <message>` (v3).
    Short,
}

/// What each version of the app writes (and so reads back most faithfully).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavour {
    /// App 1.6: dated layout, token wrapped in base64 once more.
    V16,
    /// App 1.7: dated layout, plain token (what ftpchat writes by default).
    V17,
    /// App 2.3: `[HH:MM]` layout, plain token.
    V23,
}

impl Flavour {
    /// The layout and whether the token is wrapped.
    pub fn layout(self) -> (Layout, bool) {
        match self {
            Flavour::V16 => (Layout::Dated, true),
            Flavour::V17 => (Layout::Dated, false),
            Flavour::V23 => (Layout::Short, false),
        }
    }
}

impl std::str::FromStr for Flavour {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim_start_matches('v').replace('.', "").as_str() {
            "16" => Ok(Flavour::V16),
            "17" => Ok(Flavour::V17),
            "23" => Ok(Flavour::V23),
            _ => Err(format!(
                "unknown legacy format {s:?}: expected v16 (app 1.6), v17 (app 1.7) or v23 (app 2.3)"
            )),
        }
    }
}

/// Whether `name` can be written in the app's format: the app splits a line at the first
/// `": "`, so a name holding one would be read as part of the message.
///
/// # Errors
///
/// A message saying why, for a name with `": "` or a line break.
pub fn check_name(name: &str) -> Result<(), String> {
    if name.contains(": ") {
        return Err(format!(
            "the name {name:?} contains \": \", which the original FTPChat app reads as the \
             end of the name; choose a name without it for legacy rooms"
        ));
    }
    Ok(())
}

/// A chat passphrase turned into the app's Fernet key (derived once; PBKDF2 is slow).
pub struct LegacyKey {
    fernet: fernet::Fernet,
}

impl fmt::Debug for LegacyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("LegacyKey([redacted])")
    }
}

impl LegacyKey {
    /// Derives the key from the chat passphrase.
    pub fn derive(passphrase: &str) -> Self {
        let mut raw = Zeroizing::new([0u8; 32]);
        pbkdf2::pbkdf2_hmac::<sha2::Sha256>(passphrase.as_bytes(), SALT, ITERATIONS, &mut raw[..]);
        let encoded = Zeroizing::new(URL_SAFE.encode(&raw[..]));
        LegacyKey {
            fernet: fernet::Fernet::new(&encoded).expect("a 32-byte key is a valid Fernet key"),
        }
    }

    /// Decodes one line (either version; CR LF tolerated).
    ///
    /// # Errors
    ///
    /// [`LegacyError`] when the line is not a readable token.
    pub fn decrypt_line(&self, line: &str) -> Result<LegacyMessage, LegacyError> {
        let line = line.trim();
        let (token, wrapped) = if line.starts_with("Z0FBQUFB") {
            let inner = STANDARD.decode(line).map_err(|_| LegacyError::Decrypt)?;
            (
                String::from_utf8(inner).map_err(|_| LegacyError::Decrypt)?,
                true,
            )
        } else {
            (line.to_string(), false)
        };
        // No TTL and no clock-skew limit, as the app reads (the fernet crate's `decrypt`
        // refuses tokens stamped over 60 s in the future, which a fast clock produces).
        let compressed = self
            .fernet
            .decrypt_at_time(token.trim(), None, u64::MAX - 60)
            .map_err(|_| LegacyError::Decrypt)?;
        let mut text = Vec::new();
        ZlibDecoder::new(&compressed[..])
            .take(MAX_TEXT + 1)
            .read_to_end(&mut text)
            .map_err(|_| LegacyError::Content)?;
        if text.len() as u64 > MAX_TEXT {
            return Err(LegacyError::Content);
        }
        let text = String::from_utf8(text).map_err(|_| LegacyError::Content)?;
        Ok(parse_text(&text, wrapped))
    }

    /// Encodes one message as the app would write it (no line end).
    pub fn encrypt_line(
        &self,
        name: &str,
        body: &str,
        local_time: &chrono::NaiveDateTime,
        layout: Layout,
        wrap: bool,
    ) -> String {
        let text = match layout {
            Layout::Dated => format!("{}:{name}: {body}", local_time.format("%Y-%m-%d %H:%M")),
            Layout::Short => format!("[{}] {name}: {body}", local_time.format("%H:%M")),
        };
        let mut z = ZlibEncoder::new(Vec::new(), Compression::default());
        z.write_all(text.as_bytes())
            .expect("writing to a Vec cannot fail");
        let compressed = z.finish().expect("writing to a Vec cannot fail");
        let token = self.fernet.encrypt(&compressed);
        if wrap { STANDARD.encode(token) } else { token }
    }
}

/// Splits the app's plaintext into time, name and message. Text that matches neither
/// layout is kept whole as the body with an empty name.
fn parse_text(text: &str, wrapped: bool) -> LegacyMessage {
    let dated = |v| {
        let bytes = text.as_bytes();
        let looks_dated = bytes.len() > 17
            && bytes[4] == b'-'
            && bytes[7] == b'-'
            && bytes[10] == b' '
            && bytes[13] == b':'
            && bytes[16] == b':'
            && text.is_char_boundary(17);
        looks_dated.then(|| {
            let (name, body) = split_name(&text[17..]);
            LegacyMessage {
                version: v,
                time: text[..16].to_string(),
                name,
                body,
            }
        })
    };
    let short = || {
        let rest = text.strip_prefix('[')?;
        let (time, rest) = rest.split_once("] ")?;
        (time.len() == 5 && time.as_bytes()[2] == b':').then(|| {
            let (name, body) = split_name(rest);
            LegacyMessage {
                version: Version::V3,
                time: time.to_string(),
                name,
                body,
            }
        })
    };
    if wrapped {
        dated(Version::V2).or_else(short).map(|m| LegacyMessage {
            version: Version::V2,
            ..m
        })
    } else {
        short().or_else(|| dated(Version::V1))
    }
    .unwrap_or_else(|| LegacyMessage {
        version: if wrapped { Version::V2 } else { Version::V1 },
        time: String::new(),
        name: String::new(),
        body: text.to_string(),
    })
}

fn split_name(s: &str) -> (String, String) {
    match s.split_once(": ") {
        Some((name, body)) => (name.to_string(), body.to_string()),
        None => (String::new(), s.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_all_layouts() {
        let key = LegacyKey::derive("pw");
        let t = chrono::NaiveDate::from_ymd_opt(2026, 11, 20)
            .and_then(|d| d.and_hms_opt(9, 15, 0))
            .expect("date");
        let v1 = key.encrypt_line("alice", "ping: 10:30 ok", &t, Layout::Dated, false);
        assert!(v1.starts_with("gAAAAA"));
        let m = key.decrypt_line(&v1).expect("v1");
        assert_eq!(
            (m.version, m.time.as_str(), m.name.as_str(), m.body.as_str()),
            (Version::V1, "2026-11-20 09:15", "alice", "ping: 10:30 ok")
        );
        let v2 = key.encrypt_line("bob", "grüße", &t, Layout::Dated, true);
        assert!(v2.starts_with("Z0FBQUFB"));
        assert_eq!(
            key.decrypt_line(&format!("{v2}\r")).expect("v2").version,
            Version::V2
        );
        let v3 = key.encrypt_line("bob", "x", &t, Layout::Short, false);
        let m = key.decrypt_line(&v3).expect("v3");
        assert_eq!((m.version, m.time.as_str()), (Version::V3, "09:15"));
    }

    #[test]
    fn bad_lines_fail_cleanly() {
        let key = LegacyKey::derive("pw");
        for bad in ["", "gAAAAA", "Z0FBQUFB!!", "gAAAAAB"] {
            assert_eq!(key.decrypt_line(bad), Err(LegacyError::Decrypt));
        }
        let other = LegacyKey::derive("other");
        let t = chrono::NaiveDateTime::default();
        let line = other.encrypt_line("a", "b", &t, Layout::Dated, false);
        assert_eq!(key.decrypt_line(&line), Err(LegacyError::Decrypt));
        assert_eq!(format!("{key:?}"), "LegacyKey([redacted])");
    }
}
