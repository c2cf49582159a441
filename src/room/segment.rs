//! The segment layout, for stores whose appends cannot be trusted (docs/PROTOCOL.md 10.6).
//!
//! Where appends do not land (the append probe, [`super::probe`], found a gateway that
//! replaces the file, or the server has no `APPE`), each push writes its records as new
//! files of their own, `<feed>.<first seq>-<last seq>.seg`, written whole and never
//! changed, instead of appending to `<feed>.log`. No writer ever rewrites a file another
//! device writes, and a push costs one upload however long the feed is. Readers read both
//! layouts, by seq.
//!
//! So that the files stay few, the writer merges its own segments: when [`MERGE_AT`]
//! small segments (a tier is a power of 16 records) have gathered at the end of its feed,
//! they are written again as one segment and then deleted. A reader that
//! lists the room between the two steps finds those records twice and keeps them once; one
//! that finds a segment gone since its listing reads it from the merged one at its next
//! poll. No segment exceeds [`MAX_SEGMENT`] bytes, so a reader can always read a whole
//! one within a poll's budget.

use std::collections::BTreeMap;

use super::feed::{FeedLine, Fetched, feed_line, highest_accepted};
use crate::error::Result;
use crate::protocol::keys::is_base32_id;
use crate::protocol::record::{self, line_hash};
use crate::store::{Entry, Store};

/// Segment files end with this.
pub const SUFFIX: &str = ".seg";
/// The most bytes a segment holds (a push of more is split; merges stay under it).
pub const MAX_SEGMENT: u64 = 1024 * 1024;
/// How many segments of one tier at the end of a feed are merged into one.
pub const MERGE_AT: usize = 16;

/// One segment file in a listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// The file name.
    pub name: String,
    /// Seq of its first record.
    pub first: u64,
    /// Seq of its last record.
    pub last: u64,
    /// Its size, when the listing gave one.
    pub size: Option<u64>,
}

impl Segment {
    /// log16 of the records it names: 1-15 records are tier 0, 16-255 tier 1, ...
    fn tier(&self) -> u32 {
        (self.last - self.first + 1).ilog(16)
    }
}

/// The name of the segment of `feed` holding records `first` to `last`.
pub fn file_name(feed: &str, first: u64, last: u64) -> String {
    format!("{feed}.{first}-{last}{SUFFIX}")
}

/// The feed and seq range a listing name gives, if it is exactly a segment file name
/// (decimal seqs from 1, no leading zeros, `first <= last`).
pub fn parse(name: &str) -> Option<(&str, u64, u64)> {
    let (feed, range) = name.strip_suffix(SUFFIX)?.split_once('.')?;
    let (a, b) = range.split_once('-')?;
    let seq = |s: &str| {
        let digits = !s.is_empty() && s.len() <= 20 && s.bytes().all(|c| c.is_ascii_digit());
        (digits && !s.starts_with('0'))
            .then(|| s.parse::<u64>().ok())
            .flatten()
    };
    let (first, last) = (seq(a)?, seq(b)?);
    (is_base32_id(feed) && first <= last).then_some((feed, first, last))
}

/// The segments in a listing, per feed, in reading order: by first seq, the longest
/// first.
pub fn in_listing(entries: &[Entry]) -> BTreeMap<String, Vec<Segment>> {
    let mut out: BTreeMap<String, Vec<Segment>> = BTreeMap::new();
    for e in entries {
        if let Some((feed, first, last)) = parse(&e.name) {
            out.entry(feed.to_string()).or_default().push(Segment {
                name: e.name.clone(),
                first,
                last,
                size: e.size,
            });
        }
    }
    for segs in out.values_mut() {
        segs.sort_by_key(|s| (s.first, std::cmp::Reverse(s.last)));
    }
    out
}

/// Reads the records of `feed`'s `segments` (in reading order) after `out.cursor.seq`
/// into `out`, downloading at most `budget` bytes (it is reduced by what was read). Each
/// segment is read whole; its lines must be records of `feed` within its range. A
/// segment that is gone, or ends mid-line (still being written), ends the reading for
/// this poll: the next one lists again.
///
/// # Errors
///
/// Network errors.
pub fn read(
    conn: &mut dyn Store,
    dir: &str,
    feed: &str,
    segments: &[Segment],
    out: &mut Fetched,
    budget: &mut u64,
) -> Result<()> {
    let before = out.skipped.len();
    let mut skipped = 0;
    let result = read_into(conn, dir, feed, segments, out, budget, &mut skipped);
    out.count_unlisted(feed, skipped, before);
    result
}

fn read_into(
    conn: &mut dyn Store,
    dir: &str,
    feed: &str,
    segments: &[Segment],
    out: &mut Fetched,
    budget: &mut u64,
    skipped: &mut usize,
) -> Result<()> {
    for seg in segments {
        if seg.last <= out.cursor.seq {
            continue;
        }
        let need = seg.size.unwrap_or(MAX_SEGMENT).min(MAX_SEGMENT);
        if *budget < need {
            out.more = true;
            return Ok(());
        }
        let too_big = || {
            format!(
                "feed {feed}: skipped segment {}: larger than {} KiB",
                seg.name,
                MAX_SEGMENT / 1024
            )
        };
        if seg.size.is_some_and(|s| s > MAX_SEGMENT) {
            out.skip(skipped, too_big);
            continue;
        }
        let data = match conn.read_part(dir, &seg.name, 0, MAX_SEGMENT + 1)? {
            Some(d) if d.len() as u64 > MAX_SEGMENT => {
                out.skip(skipped, too_big);
                continue;
            }
            Some(d) => d,
            None => return Ok(()),
        };
        *budget = budget.saturating_sub(data.len() as u64);
        out.downloaded += data.len() as u64;
        let mut lines = data.split(|&b| b == b'\n').peekable();
        while let Some(line) = lines.next() {
            if lines.peek().is_none() {
                if line.is_empty() {
                    break;
                }
                // Cut off: still being written (or cut by the relay). Read again later.
                return Ok(());
            }
            let text = line.strip_suffix(b"\r").unwrap_or(line);
            if text.is_empty() {
                continue;
            }
            match feed_line(text, feed) {
                FeedLine::Ours(r) if (seg.first..=seg.last).contains(&r.seq) => {
                    if r.seq > out.cursor.seq {
                        out.cursor.seq = r.seq;
                        out.cursor.hash = line_hash(r.line);
                        out.lines.push(text.to_vec());
                    }
                }
                FeedLine::Ours(r) | FeedLine::Other(r) => out.skip(skipped, || {
                    format!(
                        "feed {feed}: segment {} holds a record it does not name (feed {}, seq {}): skipped",
                        seg.name, r.feed, r.seq
                    )
                }),
                FeedLine::Bad(why) => out.skip(skipped, || {
                    format!("feed {feed}: segment {}: skipped: {why}", seg.name)
                }),
            }
        }
    }
    Ok(())
}

/// Writes `lines` (records of `feed`, in seq order) as new segments, each at most
/// [`MAX_SEGMENT`] bytes, through a temporary name where the store renames. Then merges
/// the feed's trailing segments where [`MERGE_AT`] of a tier have gathered (best effort:
/// the records are delivered whatever happens there).
///
/// # Errors
///
/// Network errors while writing the new segments.
pub fn write(conn: &mut dyn Store, dir: &str, feed: &str, lines: &[&str]) -> Result<()> {
    let mut chunk: Vec<&str> = Vec::new();
    let mut bytes = 0u64;
    for line in lines {
        let len = line.len() as u64 + 1;
        if !chunk.is_empty() && bytes + len > MAX_SEGMENT {
            put_segment(conn, dir, feed, &chunk)?;
            chunk.clear();
            bytes = 0;
        }
        chunk.push(line);
        bytes += len;
    }
    if !chunk.is_empty() {
        put_segment(conn, dir, feed, &chunk)?;
    }
    let _ = merge(conn, dir, feed);
    Ok(())
}

fn seq_of(line: &str) -> u64 {
    record::parse_line(line).map_or(0, |r| r.seq)
}

fn put_segment(conn: &mut dyn Store, dir: &str, feed: &str, lines: &[&str]) -> Result<()> {
    let (Some(first), Some(last)) = (lines.first(), lines.last()) else {
        return Ok(());
    };
    let name = file_name(feed, seq_of(first), seq_of(last));
    let body: String = lines.iter().flat_map(|l| [*l, "\n"]).collect();
    super::feed::put_whole(conn, dir, &name, body.as_bytes())
}

/// Merges the feed's newest segments into one while [`MERGE_AT`] or more of them are
/// small: for the lowest tier `t` at which the trailing run of segments of tier `t` or
/// below is [`MERGE_AT`] long, as many of its newest as fit in [`MAX_SEGMENT`] (at least
/// two) become one. Repeated until nothing is left to merge; each round has one segment
/// fewer. Smaller segments never sit stranded behind a bigger one this way, and a record
/// is rewritten a few times (about 9 times per tier, two tiers or three below the size
/// cap), not once per push as when the whole feed is rewritten.
fn merge(conn: &mut dyn Store, dir: &str, feed: &str) -> Result<()> {
    loop {
        let entries = conn.list(dir)?;
        let Some(segs) = in_listing(&entries).remove(feed) else {
            return Ok(());
        };
        // The segments that tile the feed's tail, newest first, without overlaps.
        let mut tail: Vec<&Segment> = Vec::new();
        for s in segs.iter().rev() {
            if tail.last().is_none_or(|t: &&Segment| s.last < t.first) {
                tail.push(s);
            }
        }
        let Some(top) = tail.iter().map(|s| s.tier()).max() else {
            return Ok(());
        };
        let Some(run) = (0..=top)
            .map(|t| tail.iter().take_while(|s| s.tier() <= t).count())
            .find(|&n| n >= MERGE_AT)
        else {
            return Ok(());
        };
        let mut size = 0u64;
        let pick: Vec<&Segment> = tail[..run]
            .iter()
            .take_while(|s| match s.size {
                Some(n) if size + n <= MAX_SEGMENT => {
                    size += n;
                    true
                }
                _ => false,
            })
            .copied()
            .collect();
        if pick.len() < 2 {
            return Ok(());
        }
        let mut body = Vec::new();
        for s in pick.iter().rev() {
            let Some(data) = conn.read(dir, &s.name, 0, MAX_SEGMENT)? else {
                return Ok(());
            };
            if !data.ends_with(b"\n") {
                return Ok(());
            }
            body.extend_from_slice(&data);
        }
        let (first, last) = (pick[pick.len() - 1].first, pick[0].last);
        super::feed::put_whole(conn, dir, &file_name(feed, first, last), &body)?;
        for s in pick {
            conn.delete(dir, &s.name)?;
        }
    }
}

/// The highest seq among `feed`'s segments whose record there `accept`s (for our own
/// feed: byte-equal to our journal, so a forged segment name cannot make us skip records),
/// reading segments from the newest until one has an accepted record; and the highest
/// seq any segment names (to tell a cached head is still right).
///
/// # Errors
///
/// Network errors.
pub fn head(
    conn: &mut dyn Store,
    segments: &[Segment],
    dir: &str,
    feed: &str,
    accept: &dyn Fn(u64, &str) -> bool,
) -> Result<u64> {
    let mut newest: Vec<&Segment> = segments.iter().collect();
    newest.sort_by_key(|s| std::cmp::Reverse(s.last));
    for s in newest {
        let Some(data) = conn.read(dir, &s.name, 0, MAX_SEGMENT)? else {
            continue;
        };
        if let Some(seq) = highest_accepted(data.split(|&b| b == b'\n'), feed, accept) {
            return Ok(seq);
        }
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::room::feed::tests::{A, rec};
    use crate::store::memory::MemoryStore;

    const DIR: &str = "room";

    #[test]
    fn segment_names_are_exact() {
        assert_eq!(parse(&file_name(A, 3, 17)), Some((A, 3, 17)));
        for bad in [
            format!("{A}.0-3.seg"),
            format!("{A}.03-4.seg"),
            format!("{A}.5-4.seg"),
            format!("{A}.5-.seg"),
            format!("{A}.1-2.log"),
            "short.1-2.seg".to_string(),
            format!("{A}.1-2-3.seg"),
        ] {
            assert_eq!(parse(&bad), None, "{bad}");
        }
    }

    #[test]
    fn many_pushes_stay_few_files_and_read_back_once_in_order() {
        let mut s = MemoryStore::new().without_append();
        let all: Vec<String> = (1..=300).map(|q| rec(A, q)).collect();
        for (i, line) in all.iter().enumerate() {
            write(&mut s, DIR, A, &[line]).expect("write");
            let entries = s.list(DIR).expect("list");
            let segs = in_listing(&entries).remove(A).unwrap_or_default();
            assert!(
                segs.len() <= 2 * MERGE_AT,
                "after push {}: {}",
                i + 1,
                segs.len()
            );
        }
        let entries = s.list(DIR).expect("list");
        let segs = in_listing(&entries).remove(A).expect("segments");
        assert!(segs.iter().any(|s| s.last - s.first + 1 >= 256), "{segs:?}");
        let mut out = Fetched::default();
        let mut budget = super::super::feed::POLL_BUDGET;
        read(&mut s, DIR, A, &segs, &mut out, &mut budget).expect("read");
        let got: Vec<String> = out
            .lines
            .iter()
            .map(|l| String::from_utf8(l.clone()).expect("utf8"))
            .collect();
        assert_eq!(got, all);
        assert!(out.skipped.is_empty(), "{:?}", out.skipped);
        // From a cursor: only what follows it.
        let mut out = Fetched::default();
        out.cursor.seq = 295;
        read(&mut s, DIR, A, &segs, &mut out, &mut budget).expect("read");
        assert_eq!(out.lines.len(), 5);
        assert_eq!(out.cursor.seq, 300);
    }

    #[test]
    fn a_reader_between_a_merge_and_its_deletes_keeps_each_record_once() {
        let mut s = MemoryStore::new().without_append();
        for q in 1..=3 {
            put_segment(&mut s, DIR, A, &[&rec(A, q)]).expect("put");
        }
        // The merged copy written, the small ones not yet deleted.
        let merged: String = (1..=3).map(|q| format!("{}\n", rec(A, q))).collect();
        s.put(DIR, &file_name(A, 1, 3), merged.as_bytes())
            .expect("put");
        let segs = in_listing(&s.list(DIR).expect("list"))
            .remove(A)
            .expect("segs");
        let mut out = Fetched::default();
        let mut budget = u64::MAX;
        read(&mut s, DIR, A, &segs, &mut out, &mut budget).expect("read");
        assert_eq!(out.lines.len(), 3);
        // A segment still being written (no final line end) is read again later.
        s.put(
            DIR,
            &file_name(A, 4, 5),
            format!("{}\n{}", rec(A, 4), &rec(A, 5)[..20]).as_bytes(),
        )
        .expect("put");
        let segs = in_listing(&s.list(DIR).expect("list"))
            .remove(A)
            .expect("segs");
        let mut more = Fetched::default();
        more.cursor.seq = 3;
        read(&mut s, DIR, A, &segs, &mut more, &mut budget).expect("read");
        assert_eq!(more.cursor.seq, 4, "the complete line only");
    }

    #[test]
    fn a_forged_segment_name_does_not_move_the_head() {
        let mut s = MemoryStore::new().without_append();
        put_segment(&mut s, DIR, A, &[&rec(A, 1), &rec(A, 2)]).expect("put");
        s.put(DIR, &file_name(A, 3, 90), b"junk\n").expect("put");
        let segs = in_listing(&s.list(DIR).expect("list"))
            .remove(A)
            .expect("segs");
        let ours = |seq: u64, line: &str| seq <= 2 && line == rec(A, seq);
        assert_eq!(head(&mut s, &segs, DIR, A, &ours).expect("head"), 2);
    }
}
