//! Legacy line parser on arbitrary text: `LegacyKey::decrypt_line` (base64 unwrap of v2,
//! Fernet framing and HMAC, zlib, UTF-8, layout split) with the fixture passphrase, so
//! the fixture tokens in the seed corpus decrypt and mutations start from valid tokens.
#![no_main]

use ftpchat_fuzz::legacy;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(line) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(m) = legacy().decrypt_line(line) {
        assert!(m.time.is_empty() || m.time.len() == 5 || m.time.len() == 16);
    }
});
