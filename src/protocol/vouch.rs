//! Key verification between people: a short code per signing key that two people compare
//! out of band (read aloud, on a call, in person), and the signed note a device keeps of
//! the members it verified that way.
//!
//! The code is 24 decimal digits in six groups of four, from 80 bits of
//! SHA-256(`"ftpchat fingerprint v1\n"` || the 32-byte Ed25519 key): the same for a key in
//! every room, so one comparison serves every room two people share. Matching a code
//! that someone else chose takes about 2^80 tries of making keys.

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};

use super::encoding::{b64, sha256, unb64};
use super::keys::parse_verifying_key;

const FINGERPRINT_CONTEXT: &[u8] = b"ftpchat fingerprint v1\n";
const VOUCH_CONTEXT: &[u8] = b"ftpchat vouch v1\n";

/// The verification code of a signing key: `1234 5678 9012 3456 7890 1234`.
pub fn fingerprint(key: &VerifyingKey) -> String {
    let digest = sha256(&[FINGERPRINT_CONTEXT, key.as_bytes()]);
    let mut wide = [0u8; 16];
    wide[6..].copy_from_slice(&digest[..10]);
    let n = u128::from_be_bytes(wide) % 10u128.pow(24);
    let digits = format!("{n:024}");
    digits
        .as_bytes()
        .chunks(4)
        .map(|c| std::str::from_utf8(c).expect("ASCII digits"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The code of a key given as base64url (as rosters and messages carry it).
pub fn fingerprint_of(key: &str) -> Option<String> {
    parse_verifying_key(key).map(|k| fingerprint(&k))
}

/// Whether a code someone read out or typed is `code`: digits compared, spaces, dashes
/// and dots ignored.
pub fn same_code(given: &str, code: &str) -> bool {
    let digits = |s: &str| -> String { s.chars().filter(char::is_ascii_digit).collect() };
    let ok = given
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '.'));
    ok && digits(given) == digits(code)
}

/// A device's note that it verified a member's key with that person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vouch {
    /// Format version, 1.
    pub v: u32,
    /// The room the member was verified in (the code itself is room-independent).
    pub room: String,
    /// The member's signing key, base64url.
    pub member: String,
    /// The member's name in the roster when verified.
    pub name: String,
    /// When, RFC 3339.
    pub ts: String,
    /// The verifying device's signing key, base64url.
    pub by: String,
}

impl Vouch {
    /// The note as one line: its JSON, a TAB, the signature by `signer` (base64url).
    pub fn sign(&self, signer: &SigningKey) -> String {
        let json = serde_json::to_string(self).expect("a vouch serialises");
        let sig = signer.sign(&[VOUCH_CONTEXT, json.as_bytes()].concat());
        format!("{json}\t{}", b64(&sig.to_bytes()))
    }

    /// Reads a line written by [`Vouch::sign`]: `None` unless it is well formed and
    /// signed by the key it names as `by`, and that key is `me`.
    pub fn open(line: &str, me: &VerifyingKey) -> Option<Vouch> {
        let (json, sig) = line.trim_end().split_once('\t')?;
        let v: Vouch = serde_json::from_str(json).ok()?;
        if v.v != 1 || v.by != b64(me.as_bytes()) {
            return None;
        }
        let sig: [u8; 64] = unb64(sig)?.try_into().ok()?;
        me.verify_strict(
            &[VOUCH_CONTEXT, json.as_bytes()].concat(),
            &Signature::from_bytes(&sig),
        )
        .ok()?;
        Some(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::keys::DeviceIdentity;

    #[test]
    fn codes_are_24_digits_stable_and_compared_loosely() {
        let key = SigningKey::from_bytes(&[7; 32]).verifying_key();
        let code = fingerprint(&key);
        assert_eq!(code.len(), 29);
        assert_eq!(code, fingerprint(&key), "stable");
        assert!(code.split(' ').all(|g| g.len() == 4));
        let other = fingerprint(&SigningKey::from_bytes(&[8; 32]).verifying_key());
        assert_ne!(code, other);
        assert!(same_code(&code.replace(' ', "-"), &code));
        assert!(same_code(&code.replace(' ', ""), &code));
        assert!(!same_code(&other, &code));
        assert!(
            !same_code(&format!("{code}x"), &code),
            "only digits and separators"
        );
        assert_eq!(fingerprint_of(&b64(key.as_bytes())), Some(code));
    }

    #[test]
    fn a_vouch_opens_only_for_its_signer() {
        let me = DeviceIdentity::generate();
        let mine = me.signing_key().verifying_key();
        let v = Vouch {
            v: 1,
            room: "r".into(),
            member: "m".into(),
            name: "bob".into(),
            ts: "2026-12-04T10:00:00Z".into(),
            by: b64(mine.as_bytes()),
        };
        let line = v.sign(me.signing_key());
        assert_eq!(Vouch::open(&line, &mine), Some(v.clone()));
        let forged = line.replacen("bob", "eve", 1);
        assert_eq!(Vouch::open(&forged, &mine), None, "altered");
        let someone = DeviceIdentity::generate();
        let theirs = v.sign(someone.signing_key());
        assert_eq!(Vouch::open(&theirs, &mine), None, "signed by another key");
    }
}
