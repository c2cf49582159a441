//! Record opening behind the age layer: the fuzz input becomes PLAINTEXT that is properly
//! age-encrypted to the fixed room key, so `record::open` reaches the envelope JSON,
//! sender key, signature and prefix checks. The first byte picks a mode:
//!
//! - 0: the rest is the whole plaintext (envelope line + signature line), as is.
//! - 1: byte 2 is the line's seq (1..=8); the rest is envelope bytes that the harness
//!   signs with a fixed device key (as `seal` does), so the checks after the signature
//!   (room, version, feed, seq, bounds) are reached with arbitrary JSON.
//! - 2: an `Envelope` built from the input (arbitrary strings and numbers) is sealed with
//!   `record::seal` and opened again. Property: it opens iff it names the signing key,
//!   this room and version 1, and then the envelope comes back unchanged.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use ftpchat::protocol::record::{self, Envelope, OpenError};
use ftpchat_fuzz::{
    FIXTURE_FEED, feed_of_signer, from_of, line_for, other_room, room, rooms, signed_plaintext,
    signer,
};
use libfuzzer_sys::fuzz_target;

fn pick_string(u: &mut Unstructured<'_>, usual: &str, other: &str) -> arbitrary::Result<String> {
    Ok(match u8::arbitrary(u)? % 4 {
        0 => String::arbitrary(u)?,
        1 => other.to_string(),
        _ => usual.to_string(),
    })
}

fn sealed(data: &[u8]) -> arbitrary::Result<()> {
    let mut u = Unstructured::new(data);
    let key = signer(u8::arbitrary(&mut u)? % 2);
    let me = from_of(&key);
    let room_id = room().room_id().as_str();
    let env = Envelope {
        v: if bool::arbitrary(&mut u)? { 1 } else { u32::arbitrary(&mut u)? },
        room: pick_string(&mut u, room_id, other_room().room_id().as_str())?,
        from: pick_string(&mut u, &me, &from_of(&signer(7)))?,
        name: String::arbitrary(&mut u)?,
        seq: match u8::arbitrary(&mut u)? {
            0..=200 => u64::from(u8::arbitrary(&mut u)?),
            _ => u64::arbitrary(&mut u)?,
        },
        prev: Option::<String>::arbitrary(&mut u)?,
        ts: String::arbitrary(&mut u)?,
        kind: String::arbitrary(&mut u)?,
        body: String::arbitrary_take_rest(u)?,
    };
    let Ok(line) = record::seal(&env, &key, &room().current_recipient()) else {
        return Ok(());
    };
    let parsed = record::parse_line(&line);
    let seq_ok = (1..=9_999_999_999_999_999_999u64).contains(&env.seq);
    assert_eq!(parsed.is_ok(), seq_ok, "seq {}", env.seq);
    let Ok(rec) = parsed else { return Ok(()) };
    if env.room == room_id {
        assert_eq!(rec.feed, feed_of_signer(room().room_id(), &key));
    }
    let result = record::open(&rec, rooms());
    let should_open = env.from == me && env.room == room_id && env.v == 1;
    match result {
        Ok(opened) => {
            assert!(should_open, "opened a record that should fail: {env:?}");
            assert_eq!(opened.envelope, env);
            assert_eq!(opened.sender, key.verifying_key());
        }
        Err(e) => {
            assert!(!should_open, "a sealed record failed to open: {e} {env:?}");
            // The version is checked before the room, so WrongRoom needs a v1 envelope.
            if env.from == me && env.room != room_id && env.v == 1 {
                assert!(matches!(e, OpenError::WrongRoom { .. }), "{e}");
            }
        }
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    match mode % 3 {
        0 => {
            let line = line_for(rest, room(), FIXTURE_FEED, 1);
            let rec = record::parse_line(&line).expect("harness line parses");
            // Arbitrary plaintext carries no valid signature by the named key.
            let _ = record::open(&rec, rooms());
        }
        1 => {
            let Some((&seq, envelope)) = rest.split_first() else {
                return;
            };
            let key = signer(0);
            let feed = feed_of_signer(room().room_id(), &key);
            let line = line_for(
                &signed_plaintext(envelope, &key),
                room(),
                &feed,
                u64::from(seq % 8) + 1,
            );
            let rec = record::parse_line(&line).expect("harness line parses");
            if let Ok(opened) = record::open(&rec, rooms()) {
                assert_eq!(opened.sender, key.verifying_key());
                assert_eq!(opened.envelope.seq, rec.seq);
                assert_eq!(opened.envelope.v, 1);
                assert_eq!(opened.envelope.room, room().room_id().as_str());
                assert!(opened.envelope.body.len() <= record::MAX_BODY);
                assert!(record::check_name(&opened.envelope.name).is_ok());
            }
        }
        _ => {
            let _ = sealed(rest);
        }
    }
});
