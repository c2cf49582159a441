//! The room key as an age identity that keeps its public key.
//!
//! age's own X25519 identity recomputes its public key (one fixed-base scalar
//! multiplication) for every file it opens, and ftpchat opens one age file per record:
//! about a fifth of the cost of reading a record. [`RoomIdentity`] computes it once and
//! unwraps the X25519 recipient stanza exactly as the age specification says
//! (<https://c2sp.org/age#x25519-recipient-stanza>): one argument, the ephemeral share in
//! canonical unpadded base64; a 32-byte body; the shared secret must not be all zero; the
//! wrap key is HKDF-SHA-256 with salt `ephemeral share || recipient` and label
//! `age-encryption.org/v1/X25519`; the body is ChaCha20-Poly1305 with a zero nonce. The
//! header MAC, the payload and every other check stay age's own.

use age::secrecy::ExposeSecret;
use age_core::format::{FileKey, Stanza};
use base64::Engine;
use zeroize::Zeroize;

const TAG: &str = "X25519";
const LABEL: &[u8] = b"age-encryption.org/v1/X25519";
/// The file key, and its wrapped form (plus the AEAD tag).
const FILE_KEY_BYTES: usize = 16;
const WRAPPED_BYTES: usize = FILE_KEY_BYTES + 16;
/// 32 bytes in unpadded base64.
const SHARE_B64_LEN: usize = 43;

/// An age X25519 identity with its recipient computed once.
#[derive(Clone)]
pub struct RoomIdentity {
    secret: x25519_dalek::StaticSecret,
    public: [u8; 32],
    recipient: String,
}

impl RoomIdentity {
    /// The same key as `identity`.
    pub fn new(identity: &age::x25519::Identity) -> Self {
        let text = identity.to_string();
        // age parsed (and checksummed) this string: it decodes to the 32-byte scalar.
        let (_, mut bytes) = bech32::decode(text.expose_secret()).expect("an age secret key");
        let mut scalar = [0u8; 32];
        scalar.copy_from_slice(&bytes[..32]);
        bytes.zeroize();
        let secret = x25519_dalek::StaticSecret::from(scalar);
        scalar.zeroize();
        let public = x25519_dalek::PublicKey::from(&secret).to_bytes();
        RoomIdentity {
            secret,
            public,
            recipient: identity.to_public().to_string(),
        }
    }

    /// The recipient (`age1...`).
    pub fn recipient(&self) -> &str {
        &self.recipient
    }
}

impl age::Identity for RoomIdentity {
    fn unwrap_stanza(&self, stanza: &Stanza) -> Option<Result<FileKey, age::DecryptError>> {
        if stanza.tag != TAG {
            return None;
        }
        let invalid = || Some(Err(age::DecryptError::InvalidHeader));
        let share: [u8; 32] = match &stanza.args[..] {
            [arg] if arg.len() == SHARE_B64_LEN => {
                match base64::engine::general_purpose::STANDARD_NO_PAD
                    .decode(arg)
                    .ok()
                    .and_then(|b| b.try_into().ok())
                {
                    Some(share) => share,
                    None => return invalid(),
                }
            }
            _ => return invalid(),
        };
        if stanza.body.len() != WRAPPED_BYTES {
            return invalid();
        }
        let shared = self
            .secret
            .diffie_hellman(&x25519_dalek::PublicKey::from(share));
        if !shared.was_contributory() {
            return invalid();
        }
        let mut salt = [0u8; 64];
        salt[..32].copy_from_slice(&share);
        salt[32..].copy_from_slice(&self.public);
        let mut key = age_core::primitives::hkdf(&salt, LABEL, shared.as_bytes());
        // Not ours (another key of the room may be): not an error.
        let unwrapped = age_core::primitives::aead_decrypt(&key, FILE_KEY_BYTES, &stanza.body);
        key.zeroize();
        unwrapped.ok().map(|mut plain| {
            let file_key = FileKey::init_with_mut(|k| k.copy_from_slice(&plain));
            plain.zeroize();
            Ok(file_key)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::RoomIdentity;
    use std::io::{Read, Write};

    fn seal(to: &age::x25519::Recipient, plain: &[u8]) -> Vec<u8> {
        let enc = age::Encryptor::with_recipients(std::iter::once(to as &dyn age::Recipient))
            .expect("recipients");
        let mut out = Vec::new();
        let mut w = enc.wrap_output(&mut out).expect("wrap");
        w.write_all(plain).expect("write");
        w.finish().expect("finish");
        out
    }

    fn open(id: &dyn age::Identity, file: &[u8]) -> Result<Vec<u8>, age::DecryptError> {
        let d = age::Decryptor::new_buffered(file)?;
        let mut r = d.decrypt(std::iter::once(id))?;
        let mut out = Vec::new();
        r.read_to_end(&mut out).expect("read");
        Ok(out)
    }

    #[test]
    fn it_opens_what_age_opens_and_nothing_else() {
        let key = age::x25519::Identity::generate();
        let ours = RoomIdentity::new(&key);
        assert_eq!(ours.recipient(), key.to_public().to_string());
        let file = seal(&key.to_public(), b"hello");
        assert_eq!(open(&ours, &file).expect("ours"), b"hello");
        assert_eq!(open(&key, &file).expect("age's"), b"hello");
        // Another key: no match, as age says it.
        let other = RoomIdentity::new(&age::x25519::Identity::generate());
        assert!(matches!(
            open(&other, &file),
            Err(age::DecryptError::NoMatchingKeys)
        ));
        // A share that is not canonical base64 (or a low-order point) is a bad header.
        let text = String::from_utf8_lossy(&file).to_string();
        let share = text
            .lines()
            .find_map(|l| l.strip_prefix("-> X25519 "))
            .expect("stanza")
            .to_string();
        let zero =
            base64::Engine::encode(&base64::engine::general_purpose::STANDARD_NO_PAD, [0u8; 32]);
        let bad = text.replacen(&share, &zero, 1).into_bytes();
        assert!(matches!(
            open(&ours, &bad),
            Err(age::DecryptError::InvalidHeader)
        ));
        assert!(matches!(
            open(&key, &bad),
            Err(age::DecryptError::InvalidHeader)
        ));
    }
}
