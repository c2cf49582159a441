//! Legacy lines that are valid Fernet tokens under the fixture passphrase. First byte:
//!
//! - 0: `encrypt_line(name, body, time, Dated|Short, wrap)` from fuzz-chosen values, then
//!   `decrypt_line`. Property: when the name has no ": " and no newline (and the year is
//!   0..=9999, so `%Y` is 4 digits), name, body, time and version come back unchanged.
//! - 1: arbitrary UTF-8 text, zlib-compressed and Fernet-encrypted (optionally v2
//!   wrapped), then `decrypt_line`. Property: it decrypts, and time/name/body put back
//!   together in the detected layout give the text again.
//! - 2: arbitrary bytes Fernet-encrypted as they are (so zlib sees hostile data), then
//!   `decrypt_line`: must not panic.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::NaiveDate;
use ftpchat::protocol::record::legacy::{Layout, Version};
use ftpchat_fuzz::{fernet, legacy, zlib};
use libfuzzer_sys::fuzz_target;

/// Below the reader's 256 KiB cap on decompressed text, with room for time and name.
const MAX_TEXT: usize = 200 * 1024;

fn round_trip(data: &[u8]) -> arbitrary::Result<()> {
    let mut u = Unstructured::new(data);
    let layout = if bool::arbitrary(&mut u)? { Layout::Dated } else { Layout::Short };
    let wrap = bool::arbitrary(&mut u)?;
    let year = u.int_in_range(0..=9999)?;
    let month = u.int_in_range(1..=12)?;
    let day = u.int_in_range(1..=28)?;
    let (h, m, s) = (
        u.int_in_range(0..=23)?,
        u.int_in_range(0..=59)?,
        u.int_in_range(0..=59)?,
    );
    let time = NaiveDate::from_ymd_opt(year, month, day)
        .and_then(|d| d.and_hms_opt(h, m, s))
        .expect("in range");
    let name = String::arbitrary(&mut u)?;
    let body = String::arbitrary_take_rest(u)?;
    if name.len() + body.len() > MAX_TEXT {
        return Ok(());
    }
    let line = legacy().encrypt_line(&name, &body, &time, layout, wrap);
    let msg = legacy()
        .decrypt_line(&line)
        .expect("a line we wrote must decrypt");
    if name.contains(": ") || name.contains('\n') {
        return Ok(());
    }
    let (version, want_time) = match (layout, wrap) {
        (_, true) => (Version::V2, None),
        (Layout::Dated, false) => (Version::V1, None),
        (Layout::Short, false) => (Version::V3, None::<String>),
    };
    let want_time = want_time.unwrap_or_else(|| match layout {
        Layout::Dated => time.format("%Y-%m-%d %H:%M").to_string(),
        Layout::Short => time.format("%H:%M").to_string(),
    });
    assert_eq!(msg.version, version);
    assert_eq!(msg.time, want_time);
    assert_eq!(msg.name, name);
    assert_eq!(msg.body, body);
    Ok(())
}

fn text_round_trip(data: &[u8]) {
    let Some((&wrap, rest)) = data.split_first() else {
        return;
    };
    let wrap = wrap & 1 == 1;
    let text = String::from_utf8_lossy(rest);
    if text.len() > MAX_TEXT {
        return;
    }
    let token = fernet().encrypt(&zlib(text.as_bytes()));
    let line = if wrap { STANDARD.encode(token) } else { token };
    let m = legacy()
        .decrypt_line(&line)
        .expect("a valid token of zlib UTF-8 text must decrypt");
    if wrap {
        assert_eq!(m.version, Version::V2);
    } else {
        assert!(matches!(m.version, Version::V1 | Version::V3));
    }
    if m.time.is_empty() {
        assert!(m.name.is_empty());
        assert_eq!(m.body, text);
        return;
    }
    let prefix = match m.time.len() {
        16 => format!("{}:", m.time),
        5 => format!("[{}] ", m.time),
        n => panic!("time of {n} bytes: {:?}", m.time),
    };
    let named = format!("{prefix}{}: {}", m.name, m.body);
    let unnamed = format!("{prefix}{}", m.body);
    assert!(
        named == text || (m.name.is_empty() && unnamed == text && !m.body.contains(": ")),
        "{m:?} from {text:?}"
    );
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    match mode % 3 {
        0 => {
            let _ = round_trip(rest);
        }
        1 => text_round_trip(rest),
        _ => {
            let token = fernet().encrypt(rest);
            let _ = legacy().decrypt_line(&token);
        }
    }
});
