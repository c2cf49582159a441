//! Listing parsers: each input line goes through `ftp::parse_list_line` (Unix and DOS
//! LIST) and `ftp::parse_mlsd_line`; the entries then go through `room::feeds_in` and
//! `room::feed_of`, as a room listing from a hostile server would.
//! Properties: every feed found is a 16-char base32 id whose `<id>.log` entry was listed,
//! with that entry's size; every entry is a feed, a known name or a warning.
#![no_main]

use ftpchat::protocol::keys::is_base32_id;
use ftpchat::room::feed::{feed_of, feeds_in};
use ftpchat::store::ftp::{Entry, parse_list_line, parse_mlsd_line};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut entries: Vec<Entry> = Vec::new();
    for line in text.lines() {
        if let Some(e) = parse_list_line(line) {
            assert!(line.contains(e.name.split(' ').next().unwrap_or_default()));
            entries.push(e);
        }
        if let Some(e) = parse_mlsd_line(line) {
            assert!(line.ends_with(e.name.as_str()));
            entries.push(e);
        }
        // NLST fallback: bare names.
        let _ = feed_of(line);
    }
    let mut warnings = Vec::new();
    let feeds = feeds_in(entries.clone(), &mut warnings);
    assert!(feeds.len() + warnings.len() <= entries.len());
    for (feed, size) in &feeds {
        assert!(is_base32_id(feed));
        let name = format!("{feed}.log");
        assert_eq!(feed_of(&name), Some(feed.as_str()));
        // The last entry with that name wins.
        let last = entries.iter().rev().find(|e| e.name == name);
        assert_eq!(last.map(|e| e.size), Some(*size));
    }
    for e in &entries {
        if let Some(f) = feed_of(&e.name) {
            assert!(feeds.contains_key(f));
        }
    }
});
