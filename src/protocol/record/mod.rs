//! The native record format: one ASCII line per record.
//!
//! ```text
//! fc1.<feed pseudonym>.<seq>.<base64url of an age file>
//! ```
//!
//! The cleartext prefix lets `push` place and de-duplicate records without the room key;
//! everything else is inside the age ciphertext, encrypted to the room's X25519 recipient:
//! a compact JSON [`Envelope`], a newline, and the base64url Ed25519 signature over
//! `"ftpchat record v1\n"` followed by the exact envelope bytes (no canonicalisation: the
//! signed bytes are the bytes sent). `docs/PROTOCOL.md` is the byte-exact description;
//! golden fixtures in `tests/fixtures/` keep old records decrypting.

pub mod chain;
pub mod legacy;

use std::io::Read;

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};

use crate::protocol::encoding::{b64, sha256, unb64};
use crate::protocol::keys::{RoomId, RoomKey, feed_pseudonym, is_base32_id, parse_verifying_key};

/// The format tag that starts every native record line.
pub const TAG: &str = "fc1";
/// Largest message body, in bytes of UTF-8.
pub const MAX_BODY: usize = 64 * 1024;
/// Largest display name, in bytes.
pub const MAX_NAME: usize = 64;
/// Longest record line accepted from anywhere (a maximal body fits with room to spare).
pub const MAX_LINE: usize = 256 * 1024;
/// Largest decrypted payload accepted.
const MAX_PLAINTEXT: u64 = 192 * 1024;
const SIGNING_CONTEXT: &[u8] = b"ftpchat record v1\n";

/// The envelope version writers use: 2, padded (see [`padded_size`]). Version 1 records
/// (unpadded, written before padding) are still read; readers that know only version 1
/// refuse version 2 by name ("unsupported envelope version 2").
pub const ENVELOPE_VERSION: u32 = 2;

/// Signature line length: LF and 86 base64url characters.
const SIGNATURE_LINE: usize = 1 + 86;

/// The size a version-2 plaintext (envelope JSON, LF, signature) is padded to: the
/// smallest of 512, 1024, 2048, ... 65,536 bytes that holds it, above that the next
/// multiple of 16,384. So the relay learns a size class, not a message's length.
pub fn padded_size(len: usize) -> usize {
    if len <= 65_536 {
        len.max(512).next_power_of_two()
    } else {
        len.div_ceil(16_384) * 16_384
    }
}

/// The envelope's JSON; for version 2, with `"pad"` (spaces) added last so that the
/// plaintext is exactly [`padded_size`] long.
fn envelope_json(envelope: &Envelope) -> Vec<u8> {
    let plain = serde_json::to_vec(envelope).expect("an envelope always serialises");
    if envelope.v < 2 {
        return plain;
    }
    // `,"pad":""` before the closing brace, then as many spaces as the bucket needs.
    let bare = plain.len() + br#","pad":"""#.len() + SIGNATURE_LINE;
    let fill = padded_size(bare) - bare;
    let mut out = plain;
    out.pop();
    out.extend_from_slice(br#","pad":""#);
    out.resize(out.len() + fill, b' ');
    out.extend_from_slice(b"\"}");
    out
}

/// The signed content of a record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Envelope {
    /// Envelope version, 1.
    pub v: u32,
    /// The room id; binds the record to one room.
    pub room: String,
    /// The sender's Ed25519 key, base64url.
    pub from: String,
    /// The sender's display name (a label, not an identity).
    pub name: String,
    /// Position in the sender's feed, from 1.
    pub seq: u64,
    /// [`line_hash`] of the sender's previous record; absent for seq 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prev: Option<String>,
    /// UTC time of writing, RFC 3339 with a `Z`.
    pub ts: String,
    /// What the record is: `message` for chat text.
    pub kind: String,
    /// The text.
    pub body: String,
    /// What the writer had read of the room's other feeds when it wrote this (version 2):
    /// feed pseudonym -> `<seq>.<first 12 characters of that record's line hash>`, at most
    /// [`MAX_SEEN`] feeds. Readers that were not shown those records learn that a relay
    /// withholds them (see `room::reader`).
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub seen: std::collections::BTreeMap<String, String>,
}

/// An envelope as read: [`Envelope`] and version 2's padding, in one parse.
#[derive(Deserialize)]
struct Incoming {
    v: u32,
    room: String,
    from: String,
    name: String,
    seq: u64,
    #[serde(default)]
    prev: Option<String>,
    ts: String,
    kind: String,
    body: String,
    #[serde(default)]
    seen: std::collections::BTreeMap<String, String>,
    pad: Option<String>,
}

impl Incoming {
    fn split(self) -> (Envelope, Option<String>) {
        let Incoming {
            v,
            room,
            from,
            name,
            seq,
            prev,
            ts,
            kind,
            body,
            seen,
            pad,
        } = self;
        let envelope = Envelope {
            v,
            room,
            from,
            name,
            seq,
            prev,
            ts,
            kind,
            body,
            seen,
        };
        (envelope, pad)
    }
}

/// The most feeds an envelope's `seen` names (those with the highest seqs).
pub const MAX_SEEN: usize = 16;

/// Characters of a line hash kept in `seen` (72 bits).
pub const SEEN_HASH: usize = 12;

/// Parses a `seen` value: (seq, hash prefix).
pub fn parse_seen(v: &str) -> Option<(u64, &str)> {
    let (seq, hash) = v.split_once('.')?;
    let seq = seq.parse().ok().filter(|&s| s > 0)?;
    (hash.len() == SEEN_HASH).then_some((seq, hash))
}

/// Why a message cannot become a record.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum SealError {
    /// Body over [`MAX_BODY`].
    #[error("message is {0} bytes; the limit is {MAX_BODY}")]
    TooLarge(usize),
    /// A display name that is empty, too long or has control characters.
    #[error("display name must be 1 to {MAX_NAME} bytes without control characters")]
    BadName,
}

impl From<SealError> for crate::Error {
    fn from(e: SealError) -> Self {
        match e {
            SealError::TooLarge(size) => crate::Error::MessageTooLarge {
                size,
                limit: MAX_BODY,
            },
            other => crate::Error::Usage(other.to_string()),
        }
    }
}

/// Checks a display name.
///
/// # Errors
///
/// [`SealError::BadName`].
pub fn check_name(name: &str) -> Result<(), SealError> {
    // Control characters, and the invisible or direction-changing format characters that
    // could make one name look like another.
    let deceptive = |c: char| matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}');
    if name.is_empty()
        || name.len() > MAX_NAME
        || name.chars().any(|c| c.is_control() || deceptive(c))
    {
        return Err(SealError::BadName);
    }
    Ok(())
}

/// Signs and encrypts an envelope into a record line (without a newline).
///
/// # Errors
///
/// [`SealError`] when the body or name is out of bounds.
pub fn seal(
    envelope: &Envelope,
    signer: &SigningKey,
    recipient: &age::x25519::Recipient,
) -> Result<String, SealError> {
    seal_to(envelope, signer, recipient, &[])
}

/// Like [`seal`], with the age file also to `extra` recipients (members' device X25519
/// keys): a roster record a re-added member must read although they lack the room key it
/// is written to. Readers holding the room key open it as usual.
///
/// # Errors
///
/// [`SealError`] when the body or name is out of bounds.
pub fn seal_to(
    envelope: &Envelope,
    signer: &SigningKey,
    recipient: &age::x25519::Recipient,
    extra: &[age::x25519::Recipient],
) -> Result<String, SealError> {
    if envelope.body.len() > MAX_BODY {
        return Err(SealError::TooLarge(envelope.body.len()));
    }
    check_name(&envelope.name)?;
    let room = RoomId::parse(&envelope.room).ok_or(SealError::BadName)?;
    let mut plaintext = envelope_json(envelope);
    if plaintext.len() + 100 > MAX_PLAINTEXT as usize {
        // Control characters grow six-fold in JSON; readers would refuse the record.
        return Err(SealError::TooLarge(envelope.body.len()));
    }
    let signature = signer.sign(&signing_input(&plaintext));
    plaintext.push(b'\n');
    plaintext.extend_from_slice(b64(&signature.to_bytes()).as_bytes());
    let ciphertext = if extra.is_empty() {
        age::encrypt(recipient, &plaintext).expect("x25519 encryption cannot fail")
    } else {
        let all = std::iter::once(recipient)
            .chain(extra)
            .map(|r| r as &dyn age::Recipient);
        let encryptor = age::Encryptor::with_recipients(all).expect("x25519 recipients");
        let mut out = Vec::new();
        let mut w = encryptor.wrap_output(&mut out).expect("writing to a Vec");
        std::io::Write::write_all(&mut w, &plaintext).expect("writing to a Vec");
        w.finish().expect("writing to a Vec");
        out
    };
    let feed = feed_pseudonym(&room, &signer.verifying_key());
    let line = format!("{TAG}.{feed}.{}.{}", envelope.seq, b64(&ciphertext));
    if line.len() > MAX_LINE {
        // Readers refuse longer lines; never write one.
        return Err(SealError::TooLarge(envelope.body.len()));
    }
    Ok(line)
}

fn signing_input(envelope: &[u8]) -> Vec<u8> {
    [SIGNING_CONTEXT, envelope].concat()
}

/// The hash that chains records: SHA-256 of the record line's bytes (without line end),
/// base64url.
pub fn line_hash(line: &str) -> String {
    b64(&sha256(&[line.as_bytes()]))
}

/// A native record line split into its cleartext fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordLine<'a> {
    /// The whole line, without line end.
    pub line: &'a str,
    /// Feed pseudonym.
    pub feed: &'a str,
    /// Sequence number.
    pub seq: u64,
    /// base64url ciphertext.
    pub ciphertext: &'a str,
}

/// What kind of line this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind<'a> {
    /// A native record.
    Native(RecordLine<'a>),
    /// A line of the original FTPChat app.
    Legacy(&'a str),
    /// A blank line (skipped silently).
    Blank,
}

/// Why a line is not a record.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LineError {
    /// Longer than [`MAX_LINE`].
    #[error("line is {0} bytes, longer than the {MAX_LINE}-byte limit")]
    TooLong(usize),
    /// Not valid UTF-8.
    #[error("line is not valid UTF-8")]
    NotUtf8,
    /// Does not follow the format.
    #[error("not a record line: {0}")]
    Malformed(&'static str),
}

/// Splits raw bytes of one line (CR LF or LF already removed or not) into a line kind.
///
/// # Errors
///
/// [`LineError`] describes what is wrong, without echoing the line.
pub fn classify(raw: &[u8]) -> Result<LineKind<'_>, LineError> {
    let raw = raw.strip_suffix(b"\n").unwrap_or(raw);
    let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
    if raw.len() > MAX_LINE {
        return Err(LineError::TooLong(raw.len()));
    }
    let line = std::str::from_utf8(raw).map_err(|_| LineError::NotUtf8)?;
    let line = line.trim_matches(|c: char| c.is_ascii_whitespace());
    if line.is_empty() {
        return Ok(LineKind::Blank);
    }
    if line.starts_with("gAAAAA") || line.starts_with("Z0FBQUFB") {
        return Ok(LineKind::Legacy(line));
    }
    parse_line(line).map(LineKind::Native)
}

/// Parses a native record line.
///
/// # Errors
///
/// [`LineError::Malformed`] naming the first field that is wrong.
pub fn parse_line(line: &str) -> Result<RecordLine<'_>, LineError> {
    let mut parts = line.splitn(4, '.');
    if parts.next() != Some(TAG) {
        return Err(LineError::Malformed("unknown format tag (expected fc1)"));
    }
    let feed = parts.next().unwrap_or_default();
    if !is_base32_id(feed) {
        return Err(LineError::Malformed("bad feed pseudonym"));
    }
    let seq = parts.next().unwrap_or_default();
    if seq.is_empty()
        || seq.len() > 19
        || seq.starts_with('0')
        || !seq.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(LineError::Malformed("bad sequence number"));
    }
    let seq: u64 = seq
        .parse()
        .map_err(|_| LineError::Malformed("bad sequence number"))?;
    let ciphertext = parts.next().unwrap_or_default();
    if ciphertext.is_empty()
        || !ciphertext
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(LineError::Malformed("bad ciphertext encoding"));
    }
    Ok(RecordLine {
        line,
        feed,
        seq,
        ciphertext,
    })
}

/// A record that decrypted and whose signature holds.
#[derive(Debug, Clone)]
pub struct Opened {
    /// The envelope as signed.
    pub envelope: Envelope,
    /// The sender's key.
    pub sender: VerifyingKey,
    /// [`line_hash`] of this record.
    pub hash: String,
    /// The room it was opened with.
    pub room: RoomId,
    /// The age recipient of the room key that opened it (which key epoch it was written to).
    pub recipient: String,
}

/// Why a native record cannot be trusted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OpenError {
    /// The ciphertext is not base64url.
    #[error("ciphertext is not valid base64url")]
    Encoding,
    /// No key held opens it: encrypted to another room's key, or to a rotation this device
    /// has not received.
    #[error(
        "cannot decrypt: your room key does not open it (it was encrypted to another key: another \
         room's, or a key rotation this device has not received)"
    )]
    NoKey,
    /// Decryption failed (a modified header or payload, or a malformed age file).
    #[error("cannot decrypt: {0}")]
    Decrypt(String),
    /// It decrypted, but the content is not a well-formed envelope.
    #[error("malformed envelope: {0}")]
    Envelope(String),
    /// The signature does not verify: the record was altered or forged.
    #[error("bad signature: the record was altered or not written by the key it names")]
    Signature,
    /// Signed for another room (replayed across rooms).
    #[error("record belongs to room {found}, not {expected}: replayed from another room")]
    WrongRoom {
        /// The room it was opened with.
        expected: String,
        /// The room it names.
        found: String,
    },
    /// The cleartext prefix disagrees with the signed envelope.
    #[error("cleartext prefix does not match the signed record ({0})")]
    Prefix(&'static str),
}

/// Decrypts and verifies one native record with any of the given room keys.
///
/// # Errors
///
/// [`OpenError`] for every way a record can fail; nothing unverified is returned.
pub fn open(record: &RecordLine<'_>, rooms: &[RoomKey]) -> Result<Opened, OpenError> {
    let ciphertext = unb64(record.ciphertext).ok_or(OpenError::Encoding)?;
    let mut last_err = OpenError::NoKey;
    for room in rooms {
        match decrypt(&ciphertext, room) {
            Ok((plaintext, recipient)) => {
                let mut opened = verify(record, &plaintext, room.room_id())?;
                opened.recipient = recipient;
                return Ok(opened);
            }
            Err(e) => last_err = e,
        }
    }
    Err(last_err)
}

/// Opens a record of `room` with this device's own X25519 key: a roster record the owner
/// also encrypted to a re-added member who lacks the room key it was written to. The
/// opened record's `recipient` is empty (no room key epoch).
///
/// # Errors
///
/// As [`open`].
pub fn open_with_device(
    record: &RecordLine<'_>,
    device: &age::x25519::Identity,
    room: &RoomId,
) -> Result<Opened, OpenError> {
    let ciphertext = unb64(record.ciphertext).ok_or(OpenError::Encoding)?;
    let decryptor = age::Decryptor::new_buffered(&ciphertext[..])
        .map_err(|e| OpenError::Decrypt(e.to_string()))?;
    let mut reader = decryptor
        .decrypt(std::iter::once(device as &dyn age::Identity))
        .map_err(|e| OpenError::Decrypt(e.to_string()))?;
    let mut plaintext = Vec::new();
    reader
        .by_ref()
        .take(MAX_PLAINTEXT)
        .read_to_end(&mut plaintext)
        .map_err(|e| OpenError::Decrypt(e.to_string()))?;
    if plaintext.len() as u64 >= MAX_PLAINTEXT {
        return Err(OpenError::Envelope("payload too large".into()));
    }
    let mut opened = verify(record, &plaintext, room)?;
    opened.recipient = String::new();
    Ok(opened)
}

/// Decrypts with the room's keys, newest first (the usual case costs one attempt), and
/// says which key it was.
fn decrypt(ciphertext: &[u8], room: &RoomKey) -> Result<(Vec<u8>, String), OpenError> {
    let mut last = OpenError::NoKey;
    for identity in room.opening_identities().iter().rev() {
        let decryptor = age::Decryptor::new_buffered(ciphertext)
            .map_err(|e| OpenError::Decrypt(e.to_string()))?;
        let mut reader = match decryptor.decrypt(std::iter::once(identity as &dyn age::Identity)) {
            Ok(r) => r,
            Err(age::DecryptError::NoMatchingKeys) => {
                last = OpenError::NoKey;
                continue;
            }
            Err(e) => return Err(OpenError::Decrypt(e.to_string())),
        };
        let mut plaintext = Vec::new();
        reader
            .by_ref()
            .take(MAX_PLAINTEXT)
            .read_to_end(&mut plaintext)
            .map_err(|e| OpenError::Decrypt(e.to_string()))?;
        if plaintext.len() as u64 >= MAX_PLAINTEXT {
            return Err(OpenError::Envelope("payload too large".into()));
        }
        return Ok((plaintext, identity.recipient().to_string()));
    }
    Err(last)
}

/// Sender keys already decompressed on this thread (a room has few senders, and each
/// decompression costs about a tenth of a signature check).
const SENDER_KEYS_KEPT: usize = 1024;

fn sender_key(from: &str) -> Option<VerifyingKey> {
    thread_local! {
        static KEYS: std::cell::RefCell<std::collections::HashMap<String, VerifyingKey>> =
            std::cell::RefCell::default();
    }
    KEYS.with_borrow_mut(|keys| {
        if let Some(k) = keys.get(from) {
            return Some(*k);
        }
        let key = parse_verifying_key(from)?;
        if keys.len() >= SENDER_KEYS_KEPT {
            keys.clear();
        }
        keys.insert(from.to_string(), key);
        Some(key)
    })
}

fn verify(record: &RecordLine<'_>, plaintext: &[u8], room: &RoomId) -> Result<Opened, OpenError> {
    let split = plaintext
        .iter()
        .rposition(|&b| b == b'\n')
        .ok_or_else(|| OpenError::Envelope("no signature line".into()))?;
    let (envelope_bytes, signature) = (&plaintext[..split], &plaintext[split + 1..]);
    // One parse for the envelope and its padding; when it fails, the version is read on
    // its own, so a future envelope is named as such, not as malformed.
    let unsupported = |v: u32| OpenError::Envelope(format!("unsupported envelope version {v}"));
    let (envelope, pad) = match serde_json::from_slice::<Incoming>(envelope_bytes) {
        Ok(i) if matches!(i.v, 1 | 2) => i.split(),
        Ok(i) => return Err(unsupported(i.v)),
        Err(e) => {
            #[derive(Deserialize)]
            struct Version {
                v: u32,
            }
            return Err(match serde_json::from_slice::<Version>(envelope_bytes) {
                Ok(Version { v }) if !matches!(v, 1 | 2) => unsupported(v),
                _ => OpenError::Envelope(e.to_string()),
            });
        }
    };
    let sender =
        sender_key(&envelope.from).ok_or_else(|| OpenError::Envelope("bad sender key".into()))?;
    let signature: [u8; 64] = std::str::from_utf8(signature)
        .ok()
        .and_then(unb64)
        .and_then(|b| b.try_into().ok())
        .ok_or(OpenError::Signature)?;
    sender
        .verify_strict(
            &signing_input(envelope_bytes),
            &Signature::from_bytes(&signature),
        )
        .map_err(|_| OpenError::Signature)?;
    if envelope.room != room.as_str() {
        return Err(OpenError::WrongRoom {
            expected: room.to_string(),
            found: envelope.room.clone(),
        });
    }
    // Padding is version 2's only addition: spaces only, and only there.
    if let Some(p) = pad {
        if envelope.v == 1 {
            return Err(OpenError::Envelope(
                "padding in a version 1 envelope".into(),
            ));
        }
        if !p.bytes().all(|b| b == b' ') {
            return Err(OpenError::Envelope("padding that is not spaces".into()));
        }
    }
    if feed_pseudonym(room, &sender) != record.feed {
        return Err(OpenError::Prefix("feed"));
    }
    if envelope.seq != record.seq {
        return Err(OpenError::Prefix("seq"));
    }
    if envelope.body.len() > MAX_BODY || check_name(&envelope.name).is_err() {
        return Err(OpenError::Envelope("body or name out of bounds".into()));
    }
    Ok(Opened {
        envelope,
        sender,
        hash: line_hash(record.line),
        room: room.clone(),
        recipient: String::new(),
    })
}

/// The current UTC time in the envelope's format (RFC 3339, milliseconds, `Z`).
pub fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::encoding::b64;
    use crate::protocol::keys::DeviceIdentity;

    pub(crate) fn envelope(
        room: &RoomKey,
        id: &DeviceIdentity,
        seq: u64,
        prev: Option<String>,
        body: &str,
    ) -> Envelope {
        Envelope {
            v: 1,
            room: room.room_id().to_string(),
            from: b64(id.signing_key().verifying_key().as_bytes()),
            name: "alice".into(),
            seq,
            prev,
            ts: "2026-11-22T10:00:00Z".into(),
            kind: "message".into(),
            body: body.into(),
            seen: Default::default(),
        }
    }

    /// The plaintext inside a sealed line, decrypted with `room`.
    fn plaintext_of(line: &str, room: &RoomKey) -> Vec<u8> {
        let r = parse_line(line).expect("line");
        decrypt(&unb64(r.ciphertext).expect("b64"), room)
            .expect("decrypt")
            .0
    }

    #[test]
    fn version_2_plaintexts_are_padded_to_their_bucket_and_open() {
        let room = RoomKey::generate();
        let id = DeviceIdentity::generate();
        for (body_len, bucket) in [
            (0, 512),
            (200, 512),
            (300, 1024),
            (1500, 2048),
            (60_000, 65_536),
        ] {
            let mut e = envelope(&room, &id, 1, None, &"x".repeat(body_len));
            e.v = ENVELOPE_VERSION;
            let line = seal(&e, id.signing_key(), &room.current_recipient()).expect("seal");
            assert_eq!(
                plaintext_of(&line, &room).len(),
                bucket,
                "body of {body_len}"
            );
            let opened = open(
                &parse_line(&line).expect("line"),
                std::slice::from_ref(&room),
            )
            .expect("open");
            assert_eq!(opened.envelope, e);
        }
        assert_eq!(padded_size(65_537), 81_920);
        // Version 1 (records written before padding) is not padded and still opens.
        let e = envelope(&room, &id, 1, None, "hi");
        let line = seal(&e, id.signing_key(), &room.current_recipient()).expect("seal");
        assert!(plaintext_of(&line, &room).len() < 512);
        assert!(open(&parse_line(&line).expect("line"), &[room]).is_ok());
    }

    #[test]
    fn bad_padding_and_unknown_versions_are_refused_by_name() {
        let room = RoomKey::generate();
        let id = DeviceIdentity::generate();
        let sealed = |json: &str| {
            let sig = id.signing_key().sign(&signing_input(json.as_bytes()));
            let plain = format!("{json}\n{}", b64(&sig.to_bytes()));
            let c = age::encrypt(&room.current_recipient(), plain.as_bytes()).expect("encrypt");
            let feed = feed_pseudonym(room.room_id(), &id.signing_key().verifying_key());
            format!("{TAG}.{feed}.1.{}", b64(&c))
        };
        let json = |v: u32, pad: &str| {
            let e = Envelope {
                v,
                ..envelope(&room, &id, 1, None, "hi")
            };
            let mut j = serde_json::to_string(&e).expect("json");
            if !pad.is_empty() {
                j.pop();
                j.push_str(&format!(r#","pad":"{pad}"}}"#));
            }
            j
        };
        let why = |line: String| {
            open(
                &parse_line(&line).expect("line"),
                std::slice::from_ref(&room),
            )
            .expect_err("refused")
            .to_string()
        };
        assert!(why(sealed(&json(2, "  x "))).contains("padding that is not spaces"));
        assert!(why(sealed(&json(1, "   "))).contains("padding in a version 1 envelope"));
        // How a reader that knows only version 1 meets version 2: by name, not silently.
        assert!(why(sealed(&json(3, ""))).contains("unsupported envelope version 3"));
    }

    #[test]
    fn seal_open_round_trip() {
        let room = RoomKey::generate();
        let id = DeviceIdentity::generate();
        let env = envelope(&room, &id, 1, None, "hi ✓");
        let line = seal(&env, id.signing_key(), &room.current_recipient()).expect("seal");
        assert!(line.is_ascii());
        let LineKind::Native(rec) = classify(line.as_bytes()).expect("classify") else {
            panic!("not native")
        };
        assert_eq!(rec.seq, 1);
        let opened = open(&rec, std::slice::from_ref(&room)).expect("open");
        assert_eq!(opened.envelope, env);
        assert_eq!(opened.hash, line_hash(&line));
    }

    #[test]
    fn wrong_key_flipped_byte_and_prefix_are_rejected() {
        let room = RoomKey::generate();
        let other = RoomKey::generate();
        let id = DeviceIdentity::generate();
        let line = seal(
            &envelope(&room, &id, 3, Some("x".into()), "m"),
            id.signing_key(),
            &room.current_recipient(),
        )
        .expect("seal");
        let rec = parse_line(&line).expect("parse");
        assert!(matches!(
            open(&rec, std::slice::from_ref(&other)),
            Err(OpenError::NoKey)
        ));

        let mut bytes = line.clone().into_bytes();
        let n = bytes.len() - 10;
        bytes[n] = if bytes[n] == b'A' { b'B' } else { b'A' };
        let flipped = String::from_utf8(bytes).expect("ascii");
        let rec = parse_line(&flipped).expect("parse");
        assert!(open(&rec, std::slice::from_ref(&room)).is_err());

        let moved = line.replacen(".3.", ".4.", 1);
        let rec = parse_line(&moved).expect("parse");
        assert_eq!(
            open(&rec, std::slice::from_ref(&room)).err(),
            Some(OpenError::Prefix("seq"))
        );
    }

    #[test]
    fn record_replayed_into_another_room_is_named() {
        let room = RoomKey::generate();
        let other = RoomKey::generate();
        let id = DeviceIdentity::generate();
        // Signed for `room`, but encrypted to `other` by someone holding both keys.
        let line = seal(
            &envelope(&room, &id, 1, None, "m"),
            id.signing_key(),
            &other.current_recipient(),
        )
        .expect("seal");
        let rec = parse_line(&line).expect("parse");
        assert!(matches!(
            open(&rec, std::slice::from_ref(&other)),
            Err(OpenError::WrongRoom { .. })
        ));
    }

    #[test]
    fn limits_and_malformed_lines() {
        let room = RoomKey::generate();
        let id = DeviceIdentity::generate();
        let big = "x".repeat(MAX_BODY + 1);
        assert_eq!(
            seal(
                &envelope(&room, &id, 1, None, &big),
                id.signing_key(),
                &room.current_recipient()
            ),
            Err(SealError::TooLarge(MAX_BODY + 1))
        );
        let max = "y".repeat(MAX_BODY);
        let line = seal(
            &envelope(&room, &id, 1, None, &max),
            id.signing_key(),
            &room.current_recipient(),
        )
        .expect("max body fits");
        assert!(line.len() < MAX_LINE);
        for bad in [
            "",
            "fc1",
            "fc2.aaaaaaaaaaaaaaaa.1.AAAA",
            "fc1.AAAAAAAAAAAAAAAA.1.AAAA",
            "fc1.aaaaaaaaaaaaaaaa.01.AAAA",
            "fc1.aaaaaaaaaaaaaaaa.1.",
            "fc1.aaaaaaaaaaaaaaaa.1.AA=A",
            "fc1.aaaaaaaaaaaaaaaa.99999999999999999999.AAAA",
        ] {
            assert!(parse_line(bad).is_err(), "{bad}");
        }
        assert_eq!(classify(b"\xff\xfe"), Err(LineError::NotUtf8));
        assert_eq!(classify(b"  \r\n"), Ok(LineKind::Blank));
        assert!(matches!(
            classify(b"gAAAAAB\r\n"),
            Ok(LineKind::Legacy("gAAAAAB"))
        ));
        assert!(matches!(
            classify(&vec![b'a'; MAX_LINE + 1]),
            Err(LineError::TooLong(_))
        ));
    }
}
