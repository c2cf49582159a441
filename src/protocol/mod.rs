//! The protocol layer: what ftpchat writes and reads, as pure functions over bytes.
//!
//! Keys and identities ([`keys`]), the native record line with its signed envelope and
//! per-feed chain ([`record`], [`record::chain`]), the original app's Fernet lines
//! ([`record::legacy`]), the signed roster and room descriptor ([`roster`]), invites
//! ([`invite`]), the attachment record ([`attachment`]), encodings ([`encoding`]), the
//! rule that makes untrusted text inert ([`text`]) and the codes people compare to
//! verify each other's keys ([`vouch`]).
//!
//! No network, no printing, no clap: bytes in, values out. It may use only the crate's
//! foundation (`error`, `paths` for key files, `secret`). docs/PROTOCOL.md is the
//! byte-exact description of what these modules implement.

pub mod attachment;
pub mod encoding;
pub mod invite;
pub mod keys;
pub mod record;
pub mod roster;
pub mod text;
pub mod vouch;
pub mod x25519;
