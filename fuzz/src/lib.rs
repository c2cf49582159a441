//! Fixed keys and helpers shared by the fuzz targets.
//!
//! The room key and the legacy passphrase are the golden-fixture ones
//! (`tests/fixtures/native/room.key`, `tests/fixtures/legacy/passphrase.txt`), so the
//! seed corpora built from those fixtures decrypt and the fuzzer starts from inputs
//! that reach the deepest code (envelope, signature, chain; zlib, layout parsing).

use std::io::Write;
use std::sync::OnceLock;

use base64::Engine;
use ed25519_dalek::{Signer, SigningKey};
use ftpchat::encoding::b64;
use ftpchat::keys::{RoomId, RoomKey, feed_pseudonym};
use ftpchat::record::legacy::{ITERATIONS, LegacyKey, SALT};

/// The fixture room key (room `dusvw2eiopm26qwj`).
pub const ROOM_KEY_TEXT: &str =
    "AGE-SECRET-KEY-1PP05359YELET0WKJQG7HYNF7KKN968ZJ6CNP8CCQK7PJQ3PZNVGSCEYT2M";
/// A second, unrelated room key (for records signed for another room).
pub const OTHER_ROOM_KEY_TEXT: &str =
    "AGE-SECRET-KEY-1W0RZH000N6RHFJSG9GETF69JDWSD3RXMMW554A559H7STLDDL6WS8WK6LL";
/// The fixture legacy passphrase.
pub const LEGACY_PASSPHRASE: &str = "correct horse battery staple";
/// The feed of the fixture records.
pub const FIXTURE_FEED: &str = "zqcssgde3z7ftlfr";
/// The signing context of native records (docs/PROTOCOL.md).
pub const SIGNING_CONTEXT: &[u8] = b"ftpchat record v1\n";

/// The fixed room key.
pub fn room() -> &'static RoomKey {
    static K: OnceLock<RoomKey> = OnceLock::new();
    K.get_or_init(|| RoomKey::parse(ROOM_KEY_TEXT, "fuzz").expect("fixed room key parses"))
}

/// Another room's key.
pub fn other_room() -> &'static RoomKey {
    static K: OnceLock<RoomKey> = OnceLock::new();
    K.get_or_init(|| RoomKey::parse(OTHER_ROOM_KEY_TEXT, "fuzz").expect("fixed room key parses"))
}

/// The room keys slice given to `open`.
pub fn rooms() -> &'static [RoomKey] {
    std::slice::from_ref(room())
}

/// The legacy key, derived once (PBKDF2 with 100,000 iterations is slow).
pub fn legacy() -> &'static LegacyKey {
    static K: OnceLock<LegacyKey> = OnceLock::new();
    K.get_or_init(|| LegacyKey::derive(LEGACY_PASSPHRASE))
}

/// The same Fernet key as [`legacy`], derived the way the app does, to wrap arbitrary
/// bytes in valid Fernet tokens.
pub fn fernet() -> &'static fernet::Fernet {
    static K: OnceLock<fernet::Fernet> = OnceLock::new();
    K.get_or_init(|| {
        let mut raw = [0u8; 32];
        pbkdf2::pbkdf2_hmac::<sha2::Sha256>(LEGACY_PASSPHRASE.as_bytes(), SALT, ITERATIONS, &mut raw);
        let key = base64::engine::general_purpose::URL_SAFE.encode(raw);
        fernet::Fernet::new(&key).expect("32-byte key")
    })
}

/// zlib-compresses bytes.
pub fn zlib(bytes: &[u8]) -> Vec<u8> {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    z.write_all(bytes).expect("Vec write");
    z.finish().expect("Vec write")
}

/// A fixed device signing key (seed `i`).
pub fn signer(i: u8) -> SigningKey {
    SigningKey::from_bytes(&[i.wrapping_add(0x42); 32])
}

/// base64url of a signer's public key, as in an envelope's `from`.
pub fn from_of(key: &SigningKey) -> String {
    b64(key.verifying_key().as_bytes())
}

/// The feed pseudonym of a signer in a room.
pub fn feed_of_signer(room: &RoomId, key: &SigningKey) -> String {
    feed_pseudonym(room, &key.verifying_key())
}

/// Signs `envelope` bytes the way `record::seal` does and appends the signature line.
pub fn signed_plaintext(envelope: &[u8], key: &SigningKey) -> Vec<u8> {
    let sig = key.sign(&[SIGNING_CONTEXT, envelope].concat());
    let mut out = envelope.to_vec();
    out.push(b'\n');
    out.extend_from_slice(b64(&sig.to_bytes()).as_bytes());
    out
}

/// age-encrypts `plaintext` to the room and frames it as a record line.
pub fn line_for(plaintext: &[u8], room: &RoomKey, feed: &str, seq: u64) -> String {
    let ct = age::encrypt(&room.current_recipient(), plaintext).expect("x25519 encryption");
    format!("fc1.{feed}.{seq}.{}", b64(&ct))
}
