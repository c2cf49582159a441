//! Record opening on arbitrary ciphertext: the input's first byte picks the seq (1..=4),
//! the rest is base64url-encoded into `fc1.<fixture feed>.<seq>.<b64>` and opened with
//! the fixed room key (age header parsing, X25519 unwrap, STREAM decryption, envelope).
//! Seeds are the fixture records' decoded ciphertexts, which open.
#![no_main]

use ftpchat::protocol::encoding::b64;
use ftpchat::protocol::record;
use ftpchat_fuzz::{FIXTURE_FEED, room, rooms};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&sel, ct)) = data.split_first() else {
        return;
    };
    let seq = u64::from(sel % 4) + 1;
    let line = format!("fc1.{FIXTURE_FEED}.{seq}.{}", b64(ct));
    let Ok(rec) = record::parse_line(&line) else {
        // Only an empty ciphertext is not a record line.
        assert!(ct.is_empty());
        return;
    };
    if let Ok(opened) = record::open(&rec, rooms()) {
        assert_eq!(opened.envelope.seq, seq);
        assert_eq!(opened.envelope.room, room().room_id().as_str());
        assert_eq!(opened.hash, record::line_hash(&line));
    }
});
