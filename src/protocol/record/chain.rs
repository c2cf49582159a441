//! Per-feed chain checking: gaps, forks, reorders, duplicates and broken hash links.
//!
//! Every native record names its feed, its seq and the hash of the feed's previous record.
//! Given records in the order they were read, [`ChainChecker`] reports each irregularity
//! naming the record. It works on records that already decrypted and verified; a record
//! that failed never enters the chain, so the next one shows up as a gap.

use std::collections::HashMap;
use std::fmt;

/// A chain irregularity in one feed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Finding {
    /// The same record again (same seq, same bytes): shown once.
    Duplicate,
    /// Two different records with one seq: the sender (or someone with its key) forked
    /// the feed, or history was rewritten.
    Fork,
    /// Records between the last one seen and this one are missing.
    Gap {
        /// First missing seq.
        from: u64,
        /// Last missing seq.
        to: u64,
    },
    /// This record arrived after a later one.
    OutOfOrder {
        /// The highest seq seen before it.
        after: u64,
    },
    /// The record's `prev` does not match the previous record's hash (or the next
    /// record's `prev` does not match this one).
    BrokenLink {
        /// The seq whose link failed.
        at: u64,
    },
    /// The first record seen in this feed is not seq 1 (earlier ones were not given).
    StartsLate,
}

impl Finding {
    /// Whether the record carrying this finding must not be shown as authentic.
    pub fn taints_record(&self) -> bool {
        matches!(self, Finding::Fork | Finding::BrokenLink { .. })
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Finding::Duplicate => write!(f, "duplicate of a record already shown (replayed?)"),
            Finding::Fork => write!(
                f,
                "fork: a different record with the same seq was already seen"
            ),
            Finding::Gap { from, to } if from == to => write!(f, "gap: record {from} is missing"),
            Finding::Gap { from, to } => write!(f, "gap: records {from} to {to} are missing"),
            Finding::OutOfOrder { after } => {
                write!(f, "out of order: arrived after record {after}")
            }
            Finding::BrokenLink { at } => {
                write!(
                    f,
                    "broken chain at record {at}: its previous-record hash does not match"
                )
            }
            Finding::StartsLate => write!(f, "feed starts here; earlier records were not given"),
        }
    }
}

#[derive(Debug, Default)]
struct Feed {
    /// seq -> (hash, prev); `prev` is `None` for seeded entries whose link is unknown.
    seen: HashMap<u64, (String, Option<Option<String>>)>,
    max: u64,
}

/// Tracks every feed's chain across a stream of records.
#[derive(Debug, Default)]
pub struct ChainChecker {
    feeds: HashMap<String, Feed>,
}

/// What to do with a checked record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    /// Irregularities found at this record.
    pub findings: Vec<Finding>,
    /// False for an exact duplicate, which is reported but not shown again.
    pub show: bool,
}

impl ChainChecker {
    /// An empty checker.
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts `feed` from a known point (a read cursor), so the next record is expected at
    /// `seq + 1` with `prev == hash`.
    pub fn seed(&mut self, feed: &str, seq: u64, hash: &str) {
        let f = self.feeds.entry(feed.to_string()).or_default();
        f.seen.insert(seq, (hash.to_string(), None));
        f.max = f.max.max(seq);
    }

    /// The hash of record `seq` of `feed`, if it was seen (or seeded).
    pub fn hash_at(&self, feed: &str, seq: u64) -> Option<&str> {
        self.feeds
            .get(feed)?
            .seen
            .get(&seq)
            .map(|(h, _)| h.as_str())
    }

    /// The last (highest) seq and its hash seen in `feed`.
    pub fn head(&self, feed: &str) -> Option<(u64, &str)> {
        let f = self.feeds.get(feed)?;
        f.seen.get(&f.max).map(|(h, _)| (f.max, h.as_str()))
    }

    /// The highest seq `n` such that records 1 to `n` of `feed` were all checked here, each
    /// linking to the one before (0 when record 1 is missing). Unlike [`ChainChecker::head`],
    /// a record planted far ahead (seq 1001 after seq 1) does not move it, so it is the
    /// last seq a reader saw in order.
    pub fn contiguous(&self, feed: &str) -> u64 {
        let Some(f) = self.feeds.get(feed) else {
            return 0;
        };
        let mut n = 0;
        let mut prev_hash: Option<&str> = None;
        while let Some((hash, prev)) = f.seen.get(&(n + 1)) {
            // Seeded entries (prev unknown) count: a cursor vouches for what it read.
            let links = match prev {
                None => true,
                Some(p) => p.as_deref() == prev_hash,
            };
            if !links {
                break;
            }
            prev_hash = Some(hash);
            n += 1;
        }
        n
    }

    /// Checks one verified record: its feed, seq, own hash and `prev` link.
    pub fn check(&mut self, feed: &str, seq: u64, hash: &str, prev: Option<&str>) -> Checked {
        let f = self.feeds.entry(feed.to_string()).or_default();
        let mut findings = Vec::new();
        if let Some((known, _)) = f.seen.get(&seq) {
            let finding = if known == hash {
                Finding::Duplicate
            } else {
                Finding::Fork
            };
            let show = finding == Finding::Fork;
            return Checked {
                findings: vec![finding],
                show,
            };
        }
        let broken_own_link = match (seq, prev) {
            (1, Some(_)) => true,
            (1, None) => false,
            (_, None) => true,
            (_, Some(p)) => f.seen.get(&(seq - 1)).is_some_and(|(h, _)| h != p),
        };
        let broken_next_link = f
            .seen
            .get(&(seq + 1))
            .and_then(|(_, next_prev)| next_prev.as_ref())
            .is_some_and(|next_prev| next_prev.as_deref() != Some(hash));
        if broken_own_link {
            findings.push(Finding::BrokenLink { at: seq });
        }
        if broken_next_link {
            findings.push(Finding::BrokenLink { at: seq + 1 });
        }
        if f.max == 0 {
            if seq > 1 {
                findings.push(Finding::StartsLate);
            }
        } else if seq > f.max + 1 {
            findings.push(Finding::Gap {
                from: f.max + 1,
                to: seq - 1,
            });
        } else if seq < f.max {
            findings.push(Finding::OutOfOrder { after: f.max });
        }
        f.seen
            .insert(seq, (hash.to_string(), Some(prev.map(str::to_string))));
        f.max = f.max.max(seq);
        Checked {
            findings,
            show: true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(records: &[(u64, &str, Option<&str>)]) -> Vec<Vec<Finding>> {
        let mut c = ChainChecker::new();
        records
            .iter()
            .map(|(s, h, p)| c.check("f", *s, h, *p).findings)
            .collect()
    }

    #[test]
    fn contiguous_stops_at_the_first_gap_or_broken_link() {
        let mut c = ChainChecker::new();
        assert_eq!(c.contiguous("f"), 0);
        c.check("f", 1, "a", None);
        c.check("f", 1001, "z", Some("a"));
        assert_eq!(
            (c.contiguous("f"), c.head("f").map(|h| h.0)),
            (1, Some(1001))
        );
        c.check("f", 2, "b", Some("a"));
        c.check("f", 3, "c", Some("x"));
        assert_eq!(c.contiguous("f"), 2, "seq 3 does not link to seq 2");
        let mut late = ChainChecker::new();
        late.check("g", 2, "b", Some("a"));
        assert_eq!(late.contiguous("g"), 0, "record 1 never seen");
    }

    #[test]
    fn clean_chain_has_no_findings() {
        let r = run(&[(1, "a", None), (2, "b", Some("a")), (3, "c", Some("b"))]);
        assert!(r.iter().all(Vec::is_empty));
    }

    #[test]
    fn gap_duplicate_fork_reorder() {
        let r = run(&[(1, "a", None), (3, "c", Some("b"))]);
        assert_eq!(r[1], vec![Finding::Gap { from: 2, to: 2 }]);

        let mut c = ChainChecker::new();
        c.check("f", 1, "a", None);
        let dup = c.check("f", 1, "a", None);
        assert_eq!((dup.findings, dup.show), (vec![Finding::Duplicate], false));
        let fork = c.check("f", 1, "x", None);
        assert_eq!((fork.findings, fork.show), (vec![Finding::Fork], true));

        let r = run(&[(1, "a", None), (3, "c", Some("b")), (2, "b", Some("a"))]);
        assert_eq!(r[2], vec![Finding::OutOfOrder { after: 3 }]);
    }

    #[test]
    fn broken_links_both_directions() {
        let r = run(&[(1, "a", None), (2, "b", Some("zz"))]);
        assert_eq!(r[1], vec![Finding::BrokenLink { at: 2 }]);
        let r = run(&[(2, "b", Some("a")), (1, "x", None)]);
        assert_eq!(r[0], vec![Finding::StartsLate]);
        assert_eq!(
            r[1],
            vec![
                Finding::BrokenLink { at: 2 },
                Finding::OutOfOrder { after: 2 }
            ]
        );
        let r = run(&[(1, "a", Some("q"))]);
        assert_eq!(r[0], vec![Finding::BrokenLink { at: 1 }]);
    }

    #[test]
    fn seeded_feed_continues_from_cursor() {
        let mut c = ChainChecker::new();
        c.seed("f", 7, "h7");
        assert!(c.check("f", 8, "h8", Some("h7")).findings.is_empty());
        assert_eq!(c.head("f"), Some((8, "h8")));
        let mut c = ChainChecker::new();
        c.seed("f", 7, "h7");
        assert_eq!(
            c.check("f", 8, "h8", Some("other")).findings,
            vec![Finding::BrokenLink { at: 8 }]
        );
    }

    #[test]
    fn gap_of_several_records_names_the_range() {
        let r = run(&[(1, "a", None), (5, "e", Some("d"))]);
        assert_eq!(r[1], vec![Finding::Gap { from: 2, to: 4 }]);
        assert_eq!(
            Finding::Gap { from: 2, to: 4 }.to_string(),
            "gap: records 2 to 4 are missing"
        );
        assert_eq!(
            Finding::Gap { from: 2, to: 2 }.to_string(),
            "gap: record 2 is missing"
        );
    }

    #[test]
    fn replayed_old_record_is_a_hidden_duplicate_and_head_stays() {
        let mut c = ChainChecker::new();
        c.check("f", 1, "a", None);
        c.check("f", 2, "b", Some("a"));
        c.check("f", 3, "c", Some("b"));
        let replay = c.check("f", 2, "b", Some("a"));
        assert_eq!(replay.findings, vec![Finding::Duplicate]);
        assert!(!replay.show, "a replayed record is not shown twice");
        assert_eq!(c.head("f"), Some((3, "c")));
    }

    #[test]
    fn forks_taint_but_duplicates_gaps_and_reorders_do_not() {
        let mut c = ChainChecker::new();
        c.check("f", 1, "a", None);
        c.check("f", 2, "b", Some("a"));
        let fork = c.check("f", 2, "b2", Some("a"));
        assert_eq!(fork.findings, vec![Finding::Fork]);
        assert!(fork.show, "a fork is shown, marked");
        assert!(Finding::Fork.taints_record());
        assert!(Finding::BrokenLink { at: 2 }.taints_record());
        assert!(!Finding::Duplicate.taints_record());
        assert!(!Finding::Gap { from: 1, to: 1 }.taints_record());
        assert!(!Finding::OutOfOrder { after: 3 }.taints_record());
        assert!(!Finding::StartsLate.taints_record());
        // The first record with that seq stays the chain's: the next link checks against it.
        assert!(c.check("f", 3, "c", Some("b")).findings.is_empty());
    }

    #[test]
    fn feeds_are_checked_independently() {
        let mut c = ChainChecker::new();
        assert!(c.check("a", 1, "a1", None).findings.is_empty());
        assert!(c.check("b", 1, "b1", None).findings.is_empty());
        assert!(c.check("a", 2, "a2", Some("a1")).findings.is_empty());
        assert_eq!(
            c.check("b", 3, "b3", Some("b2")).findings,
            vec![Finding::Gap { from: 2, to: 2 }]
        );
        // A record of feed a replayed into feed b is judged by b's chain, not as a duplicate.
        assert_eq!(
            c.check("b", 2, "a2", Some("b1")).findings,
            vec![
                Finding::BrokenLink { at: 3 },
                Finding::OutOfOrder { after: 3 }
            ]
        );
        assert_eq!(c.head("a"), Some((2, "a2")));
        assert_eq!(c.head("none"), None);
    }

    #[test]
    fn reorder_that_fills_a_gap_checks_links_on_both_sides() {
        // 1, 3, then 2 whose hash is what 3 names as prev: only the reorder is reported.
        let r = run(&[(1, "a", None), (3, "c", Some("b")), (2, "b", Some("a"))]);
        assert_eq!(r[2], vec![Finding::OutOfOrder { after: 3 }]);
        // The same, but 2 is not the record 3 links to.
        let r = run(&[(1, "a", None), (3, "c", Some("b")), (2, "x", Some("a"))]);
        assert_eq!(
            r[2],
            vec![
                Finding::BrokenLink { at: 3 },
                Finding::OutOfOrder { after: 3 }
            ]
        );
    }

    #[test]
    fn later_record_without_prev_is_a_broken_link() {
        let r = run(&[(1, "a", None), (2, "b", None)]);
        assert_eq!(r[1], vec![Finding::BrokenLink { at: 2 }]);
    }

    #[test]
    fn seeded_head_catches_replay_fork_and_gap_after_the_cursor() {
        let mut c = ChainChecker::new();
        c.seed("f", 7, "h7");
        assert_eq!(c.head("f"), Some((7, "h7")));
        let again = c.check("f", 7, "h7", Some("h6"));
        assert_eq!(
            (again.findings, again.show),
            (vec![Finding::Duplicate], false)
        );
        assert_eq!(
            c.check("f", 7, "other", Some("h6")).findings,
            vec![Finding::Fork]
        );
        // Seeded: not "starts late", but a jump past 8 is a gap.
        assert_eq!(
            c.check("f", 9, "h9", Some("h8")).findings,
            vec![Finding::Gap { from: 8, to: 8 }]
        );
        // A seeded entry's own prev is unknown, so a record before it is not blamed for it.
        let mut c = ChainChecker::new();
        c.seed("f", 7, "h7");
        assert_eq!(
            c.check("f", 6, "h6", Some("h5")).findings,
            vec![Finding::OutOfOrder { after: 7 }]
        );
    }

    #[test]
    fn first_record_seen_late_is_named_once() {
        let r = run(&[(4, "d", Some("c")), (5, "e", Some("d"))]);
        assert_eq!(r[0], vec![Finding::StartsLate]);
        assert!(r[1].is_empty());
    }
}
