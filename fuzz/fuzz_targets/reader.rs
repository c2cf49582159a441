//! Reader and chain checker: the input is split on `\n` and every line is fed to
//! `Reader::read` (fixed room key and legacy key), as `decrypt`, `pull | decrypt` and
//! `watch` do. Because mutated ciphertext never opens, three short forms stand for valid
//! lines so the fuzzer can arrange real records in any order:
//!
//! - `#N` is replaced by native record N of a pool sealed at start-up (two writers'
//!   chains, a fork, broken links, a record of another room, the fixture records, ...);
//! - `@N` by legacy line N of a pool (fixture lines of every version);
//! - `!N` seeds the chain checker with pool record N as a cursor would.
//!
//! The first byte picks strict (`--verify`) or lenient mode. Properties: no panic; a
//! message shown as verified is a native record with a body and no tainting finding; a
//! legacy message is never verified.
#![no_main]

use std::sync::{Mutex, OnceLock};

use ftpchat::protocol::keys::RoomKey;
use ftpchat::room::reader::Reader;
use ftpchat::protocol::record::chain::ChainChecker;
use ftpchat::protocol::record::legacy::{Layout, LegacyKey};
use ftpchat::protocol::record::{self, Envelope};
use ftpchat_fuzz::{
    LEGACY_PASSPHRASE, OTHER_ROOM_KEY_TEXT, ROOM_KEY_TEXT, from_of, legacy, other_room, room,
    signer,
};
use libfuzzer_sys::fuzz_target;

const NATIVE_FIXTURE: &str = include_str!("../../tests/fixtures/native/records.txt");
const LEGACY_FIXTURES: [&[u8]; 4] = [
    include_bytes!("../../tests/fixtures/legacy/chat-v1.txt"),
    include_bytes!("../../tests/fixtures/legacy/chat-v2.txt"),
    include_bytes!("../../tests/fixtures/legacy/chat-v3.txt"),
    include_bytes!("../../tests/fixtures/legacy/mixed.txt"),
];

struct Pools {
    native: Vec<String>,
    legacy: Vec<Vec<u8>>,
}

fn seal(
    key: u8,
    room_id: &str,
    to: &RoomKey,
    seq: u64,
    prev: Option<&str>,
    body: &str,
) -> String {
    let k = signer(key);
    let env = Envelope {
        v: 1,
        room: room_id.to_string(),
        from: from_of(&k),
        name: format!("writer{key}"),
        seq,
        prev: prev.map(str::to_string),
        ts: "2026-11-22T10:00:00Z".into(),
        kind: "message".into(),
        body: body.into(),
    };
    record::seal(&env, &k, &to.current_recipient()).expect("seal")
}

fn pools() -> &'static Pools {
    static P: OnceLock<Pools> = OnceLock::new();
    P.get_or_init(|| {
        let id = room().room_id().as_str();
        let mut native: Vec<String> = Vec::new();
        // Writer 0: seq 1..=6, well chained (pool 0..=5).
        let mut prev: Option<String> = None;
        for seq in 1..=6 {
            let line = seal(0, id, room(), seq, prev.as_deref(), &format!("a{seq}"));
            prev = Some(record::line_hash(&line));
            native.push(line);
        }
        let h = |i: usize, n: &[String]| record::line_hash(&n[i]);
        // 6: fork of seq 3 (right prev, other body); 7: seq 4 chained to the fork.
        let fork = seal(0, id, room(), 3, Some(&h(1, &native)), "fork");
        let fork_hash = record::line_hash(&fork);
        native.push(fork);
        native.push(seal(0, id, room(), 4, Some(&fork_hash), "after fork"));
        // 8: seq 5 without prev; 9: seq 1 with a prev; 10: seq 4 with a wrong prev.
        native.push(seal(0, id, room(), 5, None, "no prev"));
        native.push(seal(0, id, room(), 1, Some("x"), "prev at 1"));
        native.push(seal(0, id, room(), 4, Some("bogus"), "bad prev"));
        // 11..=13: writer 1, seq 1..=3.
        let mut prev: Option<String> = None;
        for seq in 1..=3 {
            let line = seal(1, id, room(), seq, prev.as_deref(), &format!("b{seq}"));
            prev = Some(record::line_hash(&line));
            native.push(line);
        }
        // 14: signed for another room, encrypted to this one; 15: encrypted to another.
        native.push(seal(0, other_room().room_id().as_str(), room(), 1, None, "replay"));
        native.push(seal(
            0,
            other_room().room_id().as_str(),
            other_room(),
            1,
            None,
            "other",
        ));
        // 16..=18: the fixture records (another writer).
        native.extend(NATIVE_FIXTURE.lines().map(str::to_string));

        let mut legacy_lines: Vec<Vec<u8>> = LEGACY_FIXTURES
            .iter()
            .flat_map(|f| f.split(|&b| b == b'\n'))
            .filter(|l| !l.is_empty())
            .map(<[u8]>::to_vec)
            .collect();
        let t = chrono::NaiveDateTime::default();
        legacy_lines.push(
            legacy()
                .encrypt_line("x", "y: z", &t, Layout::Short, true)
                .into_bytes(),
        );
        Pools {
            native,
            legacy: legacy_lines,
        }
    })
}

fn reader(strict: bool) -> &'static Mutex<Reader> {
    static R: [OnceLock<Mutex<Reader>>; 2] = [OnceLock::new(), OnceLock::new()];
    R[usize::from(strict)].get_or_init(|| {
        let rooms = vec![
            RoomKey::parse(ROOM_KEY_TEXT, "fuzz").expect("key"),
            RoomKey::parse(OTHER_ROOM_KEY_TEXT, "fuzz").expect("key"),
        ];
        Mutex::new(Reader::new(
            rooms,
            Some(LegacyKey::derive(LEGACY_PASSPHRASE)),
            strict,
        ))
    })
}

fn index(rest: &[u8], len: usize) -> Option<usize> {
    if rest.is_empty() || rest.len() > 4 || !rest.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n: usize = std::str::from_utf8(rest).ok()?.parse().ok()?;
    Some(n % len)
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, data)) = data.split_first() else {
        return;
    };
    let pools = pools();
    let mut reader = reader(mode & 1 == 1)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    // Each input starts from an empty chain state.
    *reader.chain_mut() = ChainChecker::new();
    for (n, raw) in data.split(|&b| b == b'\n').enumerate() {
        let line: &[u8] = match raw.split_first() {
            Some((b'#', rest)) => match index(rest, pools.native.len()) {
                Some(i) => pools.native[i].as_bytes(),
                None => raw,
            },
            Some((b'@', rest)) => match index(rest, pools.legacy.len()) {
                Some(i) => &pools.legacy[i],
                None => raw,
            },
            Some((b'!', rest)) => match index(rest, pools.native.len()) {
                Some(i) => {
                    let text = &pools.native[i];
                    let rec = record::parse_line(text).expect("pool line parses");
                    reader
                        .chain_mut()
                        .seed(rec.feed, rec.seq, &record::line_hash(text));
                    continue;
                }
                None => raw,
            },
            _ => raw,
        };
        let out = reader.read(line, &format!("line {}", n + 1));
        if let Some(m) = &out.message {
            if m.verified {
                assert_eq!(m.format, "native");
                assert!(m.body.is_some() && m.sender.is_some());
                assert!(m.reason.is_none());
                assert!(!m.findings.iter().any(|f| f.starts_with("fork") || f.starts_with("broken")));
            }
            if m.format == "legacy" {
                assert!(!m.verified);
            }
            if m.body.is_none() {
                assert!(out.failed && !m.verified);
            }
        }
    }
});
