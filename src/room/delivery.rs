//! Delivering records to a relay: the shared engine of `push`, `send` and `outbox flush`.
//!
//! For each feed it takes the feed's push lock, learns the remote head, and appends the
//! records the relay lacks, in order. This device's own feeds come from their journals
//! (so an earlier failed send is delivered first, in order); other writers' feeds come
//! from the given lines (mirroring). Everything is idempotent, so after a transient
//! failure the whole round is simply retried on a new connection, with backoff.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use super::feed::{self, PushLock};
use super::journal::Journal;
use super::{RelayTarget, Session, Warn};
use crate::error::{Error, Result};
use crate::protocol::keys::{DeviceIdentity, RoomId, feed_pseudonym};
use crate::protocol::record;
use crate::signals;
use crate::store::Store;

/// Connection attempts per delivery before giving up (the records stay queued).
pub const ATTEMPTS: u32 = 3;

/// Lines to deliver, grouped by feed and ordered by seq.
pub type Feeds = BTreeMap<String, BTreeMap<u64, String>>;

/// What was delivered.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Report {
    /// Records appended.
    pub appended: usize,
    /// Feeds touched.
    pub feeds: usize,
}

/// Groups record lines by feed, dropping exact duplicates; a second, different line with
/// the same feed and seq is a fork in the input and is skipped with a warning.
pub fn group_lines<'a>(
    lines: impl IntoIterator<Item = &'a str>,
    warnings: &mut Vec<String>,
) -> Feeds {
    let mut feeds = Feeds::new();
    add_lines(&mut feeds, 0, lines, warnings);
    feeds
}

/// [`group_lines`] into an existing set; `first` is the input line number of the first
/// line minus one (for warnings).
pub fn add_lines<'a>(
    feeds: &mut Feeds,
    first: usize,
    lines: impl IntoIterator<Item = &'a str>,
    warnings: &mut Vec<String>,
) {
    for (n, line) in lines.into_iter().enumerate() {
        let n = n + first;
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        match record::parse_line(line) {
            Ok(r) => {
                let slot = feeds.entry(r.feed.to_string()).or_default();
                match slot.get(&r.seq) {
                    Some(existing) if existing != line => warnings.push(format!(
                        "line {}: feed {} seq {} differs from an earlier line with the same seq (fork); skipped",
                        n + 1,
                        r.feed,
                        r.seq
                    )),
                    Some(_) => {}
                    None => {
                        slot.insert(r.seq, line.to_string());
                    }
                }
            }
            Err(e) => warnings.push(format!("line {}: skipped: {e}", n + 1)),
        }
    }
}

/// Finds local journals for feeds, across all rooms.
pub fn journal_for(state: &std::path::Path, feed: &str) -> Option<Journal> {
    Journal::all(state)
        .into_iter()
        .find(|(_, f)| f == feed)
        .map(|(room, f)| Journal::new(state, &room, &f))
}

/// Records pending for `relay_key` in a journal.
///
/// # Errors
///
/// Journal read errors.
pub fn pending(journal: &Journal, relay_key: &str) -> Result<usize> {
    let locked = journal.lock()?;
    let delivered = locked.delivered(relay_key);
    Ok(locked.after(delivered)?.len())
}

/// Delivers `own` journals and `given` lines to the room at `target`.
///
/// `deadline` bounds the whole delivery including retries.
///
/// # Errors
///
/// The last error when every attempt failed, or a permanent error at once.
pub fn deliver(
    state: &std::path::Path,
    target: &RelayTarget,
    own: &[Journal],
    given: &Feeds,
    deadline: Option<Instant>,
    warn: Warn<'_>,
) -> Result<Report> {
    remember_target(own, target, given)?;
    with_retries(target, deadline, warn, |conn| {
        deliver_on(conn, state, target, own, given)
    })
}

/// Like [`deliver`], once, over a kept [`Session`] (a streaming `push`): no retries here;
/// after a failure the session reconnects on the next call.
///
/// # Errors
///
/// Relay errors; nothing is lost (own records stay journaled, `given` is the caller's).
pub fn deliver_over(
    session: &mut Session,
    state: &std::path::Path,
    own: &[Journal],
    given: &Feeds,
) -> Result<Report> {
    remember_target(own, session.target(), given)?;
    session.with(|conn, target| deliver_on(conn, state, target, own, given))
}

/// Remembers where each journal is meant to go, so `outbox flush` can finish the job if
/// this attempt fails. A relay new to a journal is owed the records given for it (or,
/// with none given, the newest one), not the whole history: a mistyped relay that never
/// answers must not keep every earlier record "pending" forever. (Delivery itself always
/// sends all that the relay lacks, found from the relay's copy, so a real new relay still
/// gets the whole feed.)
fn remember_target(own: &[Journal], target: &RelayTarget, given: &Feeds) -> Result<()> {
    for j in own {
        let locked = j.lock()?;
        if !locked.all_delivered().contains_key(&target.key) {
            let owed_from = match given.get(j.feed()).and_then(|g| g.keys().next()) {
                Some(first) => *first,
                None => locked.head()?.map_or(0, |(seq, _)| seq),
            };
            locked.set_delivered(&target.key, owed_from.saturating_sub(1))?;
        }
    }
    Ok(())
}

/// Delivers this device's own feed in `room` (everything journaled and not yet on the
/// relay, in order): what `send` does after journaling a record.
///
/// # Errors
///
/// [`Error::Queued`], with the number of records still pending, when delivery failed;
/// they stay journaled for the next `send`, `push` or `outbox flush`.
pub fn deliver_own(
    state: &std::path::Path,
    target: &RelayTarget,
    room: &RoomId,
    identity: &DeviceIdentity,
    deadline: Option<Instant>,
    warn: Warn<'_>,
) -> Result<Report> {
    let feed = feed_pseudonym(room, &identity.signing_key().verifying_key());
    let journal = Journal::new(state, room, &feed);
    deliver(
        state,
        target,
        std::slice::from_ref(&journal),
        &Feeds::new(),
        deadline,
        warn,
    )
    .map_err(|e| Error::Queued {
        count: pending(&journal, &target.key).unwrap_or(1),
        source: Box::new(e),
    })
}

/// Where [`deliver_own_everywhere`] got.
#[derive(Debug, Default)]
pub struct Spread {
    /// What reached the first relay that took it (records appended there).
    pub report: Report,
    /// Keys of the relays that hold everything now.
    pub delivered: Vec<String>,
    /// Relays that could not be reached, each with its error: their records stay in the
    /// outbox for a later `send`, `push` or `outbox flush`.
    pub lagging: Vec<(String, Error)>,
}

/// [`deliver_own`] to every relay of a room (a room on several relays), to all at once:
/// done when the record is on at least one of them; the others are owed it in the outbox.
///
/// # Errors
///
/// The first relay's error (an [`Error::Queued`]) when no relay took it.
pub fn deliver_own_everywhere(
    state: &std::path::Path,
    targets: &[RelayTarget],
    room: &RoomId,
    identity: &DeviceIdentity,
    deadline: Option<Instant>,
    warn: Warn<'_>,
) -> Result<Spread> {
    let mut spread = Spread::default();
    let results: Vec<Result<Report>> = if let [one] = targets {
        vec![deliver_own(state, one, room, identity, deadline, warn)]
    } else {
        // One thread per relay: a relay that hangs until its timeouts holds up only
        // itself. Their retry notes are passed on afterwards, in relay order.
        let done: Vec<(Result<Report>, Vec<String>)> = std::thread::scope(|scope| {
            let running: Vec<_> = targets
                .iter()
                .map(|target| {
                    scope.spawn(move || {
                        let mut notes = Vec::new();
                        let r = deliver_own(state, target, room, identity, deadline, &mut |w| {
                            notes.push(w.to_string());
                        });
                        (r, notes)
                    })
                })
                .collect();
            running
                .into_iter()
                .map(|t| t.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
                .collect()
        });
        done.into_iter()
            .map(|(r, notes)| {
                notes.iter().for_each(|n| warn(n));
                r
            })
            .collect()
    };
    for (target, result) in targets.iter().zip(results) {
        match result {
            Ok(report) => {
                if spread.delivered.is_empty() {
                    spread.report = report;
                }
                spread.delivered.push(target.key.clone());
            }
            Err(e) => spread.lagging.push((target.key.clone(), e)),
        }
    }
    if spread.delivered.is_empty() {
        let (_, e) = spread.lagging.remove(0);
        return Err(e);
    }
    Ok(spread)
}

/// Copies every feed of a room from its relays `from` (merged, each record once) to
/// `to`, a poll's worth at a time (memory stays bounded by one poll), appending what
/// `to` lacks; records already there are skipped, so a copy cut short is finished by
/// running it again.
///
/// # Errors
///
/// Relay errors of the reading side (when no relay of `from` answers) or of `to`.
pub fn copy_room(
    state: &std::path::Path,
    from: &[RelayTarget],
    to: &RelayTarget,
    deadline: Option<Instant>,
    warn: Warn<'_>,
) -> Result<Report> {
    use super::replicas::{Patience, Replicas};
    let mut relays = Replicas::new(
        from.iter()
            .map(|t| (Session::new(t.clone()), BTreeMap::new()))
            .collect(),
    );
    let mut total = Report::default();
    let mut feeds_seen = std::collections::BTreeSet::new();
    loop {
        let round = relays.poll(Patience::All)?;
        round.warnings.iter().for_each(|w| warn(w));
        let mut given = Feeds::new();
        for p in &round.polled {
            if let Some(why) = &p.fetched.rewritten {
                warn(why);
                continue;
            }
            let lines = p
                .fetched
                .lines
                .iter()
                .filter_map(|l| std::str::from_utf8(l).ok());
            let mut skipped = Vec::new();
            add_lines(&mut given, 0, lines, &mut skipped);
            skipped.iter().for_each(|w| warn(w));
        }
        for p in round.polled {
            relays.advance(p.relay, &p.feed, p.fetched.cursor);
        }
        if !given.is_empty() {
            feeds_seen.extend(given.keys().cloned());
            let r = deliver(state, to, &[], &given, deadline, warn)?;
            total.appended += r.appended;
        }
        if !round.more {
            break;
        }
    }
    relays.close();
    total.feeds = feeds_seen.len();
    Ok(total)
}

/// Runs `work` on a fresh connection, retrying transient failures on a new connection with
/// backoff ([`ATTEMPTS`] tries, and never past `deadline`). `work` must be idempotent.
///
/// # Errors
///
/// The last error when every attempt failed, or a permanent error at once.
pub fn with_retries<T>(
    target: &RelayTarget,
    deadline: Option<Instant>,
    warn: Warn<'_>,
    mut work: impl FnMut(&mut dyn Store) -> Result<T>,
) -> Result<T> {
    let mut session = Session::new(target.clone());
    let result = retry_session(&mut session, deadline, warn, |s| {
        s.with(|store, _| work(store))
    });
    if result.is_ok() {
        session.close();
    }
    result
}

/// Like [`with_retries`], for work on a [`Session`]: the session reconnects after a
/// failure, so each attempt runs on a fresh connection.
///
/// # Errors
///
/// The last error when every attempt failed, or a permanent error at once.
pub fn retry_session<T>(
    session: &mut Session,
    deadline: Option<Instant>,
    warn: Warn<'_>,
    mut work: impl FnMut(&mut Session) -> Result<T>,
) -> Result<T> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        match work(session) {
            Ok(v) => return Ok(v),
            Err(e) if e.is_transient() && attempt < ATTEMPTS => {
                session.disconnect();
                let wait = backoff(attempt);
                if deadline.is_some_and(|d| Instant::now() + wait >= d) {
                    return Err(e);
                }
                warn(&format!("{e}; retrying in {:.1}s", wait.as_secs_f64()));
                if !signals::sleep(wait) {
                    return Err(Error::Interrupted);
                }
            }
            Err(e) => return Err(e),
        }
    }
}

/// Exponential backoff with jitter: about 0.5 s, 1 s, 2 s, ... capped at 30 s.
pub fn backoff(attempt: u32) -> Duration {
    use rand::Rng;
    let base = 500u64
        .saturating_mul(1 << attempt.saturating_sub(1).min(6))
        .min(30_000);
    let jitter = rand::thread_rng().gen_range(0..=base / 2);
    Duration::from_millis(base / 2 + jitter)
}

fn deliver_on(
    conn: &mut dyn Store,
    state: &std::path::Path,
    target: &RelayTarget,
    own: &[Journal],
    given: &Feeds,
) -> Result<Report> {
    let mut report = Report::default();
    let mut done = Vec::new();
    for j in own {
        let extra = given.get(j.feed());
        let n = push_feed(conn, state, target, j.feed(), Some(j), extra)?;
        report.appended += n;
        report.feeds += 1;
        done.push(j.feed().to_string());
    }
    for (feed, lines) in given {
        if done.contains(feed) {
            continue;
        }
        report.appended += push_feed(conn, state, target, feed, None, Some(lines))?;
        report.feeds += 1;
    }
    Ok(report)
}

fn push_feed(
    conn: &mut dyn Store,
    state: &std::path::Path,
    target: &RelayTarget,
    feed: &str,
    journal: Option<&Journal>,
    given: Option<&BTreeMap<u64, String>>,
) -> Result<usize> {
    let lock = PushLock::acquire(state, &target.key, feed)?;
    // Our own journal, read only when the remote feed changed behind our back.
    let journal_lines: std::cell::OnceCell<BTreeMap<u64, String>> = std::cell::OnceCell::new();
    let accept = |seq: u64, line: &str| match journal {
        None => true,
        Some(j) => journal_lines
            .get_or_init(|| {
                j.lock()
                    .and_then(|l| l.lines())
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(|l| record::parse_line(&l).ok().map(|r| (r.seq, l.clone())))
                    .collect()
            })
            .get(&seq)
            .is_some_and(|l| l == line),
    };
    // Whether appends can be trusted here decides where the head is (and where records
    // go): remembered per relay, so usually no request.
    let head = if super::probe::ensure(state, &target.key, &target.dir, conn)? {
        feed::remote_head(conn, &target.dir, feed, lock.known(), &accept)?
    } else {
        feed::remote_head_segmented(conn, &target.dir, feed, lock.known(), &accept)?
    };
    let mut lines: BTreeMap<u64, String> = BTreeMap::new();
    if let Some(j) = journal {
        let locked = j.lock()?;
        for l in locked.after(head.seq)? {
            if let Ok(r) = record::parse_line(&l) {
                lines.insert(r.seq, l.clone());
            }
        }
    }
    if let Some(g) = given {
        for (seq, l) in g.range(head.seq + 1..) {
            lines.entry(*seq).or_insert_with(|| l.clone());
        }
    }
    let refs: Vec<&str> = lines.values().map(String::as_str).collect();
    let new_head = feed::append(conn, &target.dir, feed, head, &refs)?;
    lock.store(new_head)?;
    if let Some(j) = journal {
        j.lock()?.set_delivered(&target.key, new_head.seq)?;
    }
    Ok(refs.len())
}

/// The journals of this device in a room (all identities used there).
pub fn room_journals(state: &std::path::Path, room: &RoomId) -> Vec<Journal> {
    Journal::all(state)
        .into_iter()
        .filter(|(r, _)| r == room)
        .map(|(r, f)| Journal::new(state, &r, &f))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::room::feed::tests::{A, B, file, rec};
    use crate::store::memory::MemoryStore;

    struct Fixture {
        state: tempfile::TempDir,
        target: RelayTarget,
        store: MemoryStore,
    }

    fn fixture() -> Fixture {
        Fixture {
            state: tempfile::tempdir().expect("tempdir"),
            target: RelayTarget::from_url("ftp://chat@127.0.0.1:2121/lobby", "pw").expect("target"),
            store: MemoryStore::new(),
        }
    }

    impl Fixture {
        fn path(&self, feed: &str) -> String {
            crate::store::join(&self.target.dir, &feed::feed_file(feed))
        }

        fn journal(&self, lines: &[String]) -> Journal {
            let room = RoomId::from_recipient(&age::x25519::Identity::generate().to_public());
            let j = Journal::new(self.state.path(), &room, A);
            let locked = j.lock().expect("lock");
            for l in lines {
                locked.append(l).expect("journal");
            }
            drop(locked);
            j
        }

        fn deliver(&mut self, own: &[Journal], given: &Feeds) -> Report {
            deliver_on(&mut self.store, self.state.path(), &self.target, own, given)
                .expect("deliver")
        }
    }

    #[test]
    fn group_lines_drops_duplicates_and_skips_forks_with_a_warning() {
        let forked = rec(A, 2).replace("Zm9v", "ZZZZ");
        let input = [
            rec(A, 2),
            format!("  {}  ", rec(A, 1)),
            String::new(),
            rec(B, 1),
            rec(A, 2),
            forked,
            "junk".to_string(),
        ];
        let mut warnings = Vec::new();
        let feeds = group_lines(input.iter().map(String::as_str), &mut warnings);
        assert_eq!(feeds.len(), 2);
        assert_eq!(
            feeds[A].iter().collect::<Vec<_>>(),
            vec![(&1, &rec(A, 1)), (&2, &rec(A, 2))],
            "ordered by seq, trimmed, first of the two seq-2 lines kept"
        );
        assert_eq!(feeds[B].len(), 1);
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(
            warnings[0].starts_with("line 6:") && warnings[0].contains("fork"),
            "{warnings:?}"
        );
        assert!(warnings[1].starts_with("line 7: skipped"), "{warnings:?}");
    }

    #[test]
    fn only_what_the_remote_lacks_is_pushed() {
        let mut fx = fixture();
        fx.store
            .set_file(&fx.path(A), &file(&[rec(A, 1), rec(A, 2)]));
        let mut given = Feeds::new();
        given.insert(A.into(), (1..=4).map(|s| (s, rec(A, s))).collect());
        given.insert(B.into(), (1..=2).map(|s| (s, rec(B, s))).collect());
        let report = fx.deliver(&[], &given);
        assert_eq!(
            report,
            Report {
                appended: 4,
                feeds: 2
            }
        );
        assert_eq!(
            fx.store.file(&fx.path(A)),
            Some(file(&(1..=4).map(|s| rec(A, s)).collect::<Vec<_>>()))
        );
        assert_eq!(
            fx.store.file(&fx.path(B)),
            Some(file(&[rec(B, 1), rec(B, 2)]))
        );
        // Again: everything is there, nothing is appended (idempotent).
        assert_eq!(
            fx.deliver(&[], &given),
            Report {
                appended: 0,
                feeds: 2
            }
        );
        assert_eq!(
            fx.store.file(&fx.path(A)),
            Some(file(&(1..=4).map(|s| rec(A, s)).collect::<Vec<_>>()))
        );
    }

    #[test]
    fn the_journal_is_delivered_in_order_and_marked() {
        let mut fx = fixture();
        let lines: Vec<String> = (1..=3).map(|s| rec(A, s)).collect();
        let j = fx.journal(&lines);
        fx.store.set_file(&fx.path(A), &file(&lines[..1]));
        assert_eq!(
            fx.deliver(std::slice::from_ref(&j), &Feeds::new()).appended,
            2
        );
        assert_eq!(fx.store.file(&fx.path(A)), Some(file(&lines)));
        let locked = j.lock().expect("lock");
        assert_eq!(locked.delivered(&fx.target.key), 3);
        drop(locked);
        assert_eq!(pending(&j, &fx.target.key).expect("pending"), 0);
        assert_eq!(pending(&j, "another relay").expect("pending"), 3);
    }

    #[test]
    fn a_forged_remote_line_does_not_make_us_skip_records() {
        let mut fx = fixture();
        let lines: Vec<String> = (1..=3).map(|s| rec(A, s)).collect();
        let j = fx.journal(&lines);
        // The relay holds our seq 1, then a seq 3 we never wrote.
        let forged = rec(A, 3).replace("Zm9v", "Zm9y");
        fx.store
            .set_file(&fx.path(A), &file(&[lines[0].clone(), forged.clone()]));
        let report = fx.deliver(std::slice::from_ref(&j), &Feeds::new());
        assert_eq!(report.appended, 2, "seq 2 and our seq 3 are still pushed");
        assert_eq!(
            fx.store.file(&fx.path(A)),
            Some(file(&[
                lines[0].clone(),
                forged,
                lines[1].clone(),
                lines[2].clone()
            ]))
        );
        assert_eq!(j.lock().expect("lock").delivered(&fx.target.key), 3);
    }

    #[test]
    fn a_known_head_saves_the_download_when_nothing_changed() {
        let mut fx = fixture();
        let j = fx.journal(&[rec(A, 1)]);
        fx.deliver(std::slice::from_ref(&j), &Feeds::new());
        let before = fx.store.requests();
        assert_eq!(
            fx.deliver(std::slice::from_ref(&j), &Feeds::new()).appended,
            0
        );
        assert_eq!(
            fx.store.requests() - before,
            1,
            "one SIZE, no read, no append"
        );
        // The journal grows: only the new record goes, still without a download.
        j.lock().expect("lock").append(&rec(A, 2)).expect("journal");
        let before = fx.store.requests();
        assert_eq!(
            fx.deliver(std::slice::from_ref(&j), &Feeds::new()).appended,
            1
        );
        assert_eq!(
            fx.store.requests() - before,
            3,
            "SIZE, APPE and the change marker's APPE"
        );
        assert_eq!(
            fx.store.file(&fx.path(A)),
            Some(file(&[rec(A, 1), rec(A, 2)]))
        );
    }

    #[test]
    fn the_journal_wins_over_given_lines_for_our_own_feed() {
        let mut fx = fixture();
        let ours: Vec<String> = (1..=2).map(|s| rec(A, s)).collect();
        let j = fx.journal(&ours);
        let mut given = Feeds::new();
        let other = rec(A, 2).replace("Zm9v", "b3Ro");
        given.insert(A.into(), [(2, other), (3, rec(A, 3))].into_iter().collect());
        let report = fx.deliver(std::slice::from_ref(&j), &given);
        assert_eq!(
            report,
            Report {
                appended: 3,
                feeds: 1
            }
        );
        assert_eq!(
            fx.store.file(&fx.path(A)),
            Some(file(&[ours[0].clone(), ours[1].clone(), rec(A, 3)]))
        );
    }

    #[test]
    fn delivery_works_on_a_store_without_append() {
        let mut fx = fixture();
        let shared = fx.store.clone();
        fx.store = shared.without_append();
        let lines: Vec<String> = (1..=3).map(|s| rec(A, s)).collect();
        let j = fx.journal(&lines[..2]);
        assert_eq!(
            fx.deliver(std::slice::from_ref(&j), &Feeds::new()).appended,
            2
        );
        j.lock().expect("lock").append(&lines[2]).expect("journal");
        assert_eq!(
            fx.deliver(std::slice::from_ref(&j), &Feeds::new()).appended,
            1
        );
        assert_eq!(shared.file(&fx.path(A)), Some(file(&lines)));
        assert_eq!(j.lock().expect("lock").delivered(&fx.target.key), 3);
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let ms = |attempt| backoff(attempt).as_millis();
        assert!((250..=500).contains(&ms(1)), "{}", ms(1));
        assert!((500..=1000).contains(&ms(2)), "{}", ms(2));
        for attempt in [8, 20, u32::MAX] {
            assert!((15_000..=30_000).contains(&ms(attempt)), "{}", ms(attempt));
        }
    }
}
