//! Record line parser: `record::classify` on raw bytes and `record::parse_line` on text.
//! Properties: a parsed line is exactly `fc1.<feed>.<seq>.<ciphertext>` with a valid
//! feed id and base64url alphabet; `classify` agrees with `parse_line`.
#![no_main]

use ftpchat::protocol::keys::is_base32_id;
use ftpchat::protocol::record::{self, LineKind, MAX_LINE};
use libfuzzer_sys::fuzz_target;

fn check_parsed(input: &str, rec: &record::RecordLine<'_>) {
    assert_eq!(rec.line, input);
    assert!(is_base32_id(rec.feed));
    assert!(rec.seq >= 1);
    assert!(!rec.ciphertext.is_empty());
    assert!(
        rec.ciphertext
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    );
    assert_eq!(
        format!("fc1.{}.{}.{}", rec.feed, rec.seq, rec.ciphertext),
        input
    );
}

fuzz_target!(|data: &[u8]| {
    match record::classify(data) {
        Ok(LineKind::Native(rec)) => {
            check_parsed(rec.line, &rec);
            assert!(rec.line.len() <= MAX_LINE);
            assert_eq!(record::parse_line(rec.line), Ok(rec));
        }
        Ok(LineKind::Legacy(l)) => assert!(l.starts_with("gAAAAA") || l.starts_with("Z0FBQUFB")),
        Ok(LineKind::Blank) | Err(_) => {}
    }
    if let Ok(s) = std::str::from_utf8(data) {
        if let Ok(rec) = record::parse_line(s) {
            check_parsed(s, &rec);
            let _ = record::line_hash(rec.line);
        }
    }
});
