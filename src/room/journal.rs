//! The writer's local feed journal: the outbox of record.
//!
//! `encrypt` appends every record it makes to `state/journal/<room>/<feed>.log` under an
//! exclusive file lock, so processes sharing an identity never reuse a seq. The remote
//! feed on a relay is a replica of this file; `push` compares the two and uploads what the
//! relay lacks, and records per relay how far delivery got (`<feed>.delivered`), which is
//! what `ftpchat outbox` lists as pending.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::paths::{ensure_private_dir, write_atomic};
use crate::protocol::encoding::b64;
use crate::protocol::keys::{DeviceIdentity, RoomId, RoomRecipient, feed_pseudonym};
use crate::protocol::record::{self, Envelope, line_hash, now_rfc3339};

/// One writer's journal for one room.
#[derive(Debug, Clone)]
pub struct Journal {
    dir: PathBuf,
    feed: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Head {
    seq: u64,
    hash: String,
    len: u64,
}

/// The journal while its lock is held; dropping it releases the lock.
#[derive(Debug)]
pub struct Locked<'a> {
    journal: &'a Journal,
    _lock: File,
}

impl Journal {
    /// The journal of `feed` in `room`, under the state directory.
    pub fn new(state: &Path, room: &RoomId, feed: &str) -> Self {
        Journal {
            dir: state.join("journal").join(room.as_str()),
            feed: feed.to_string(),
        }
    }

    /// All journals in the state directory, as (room id, feed) pairs.
    pub fn all(state: &Path) -> Vec<(RoomId, String)> {
        let mut out = Vec::new();
        let Ok(rooms) = fs::read_dir(state.join("journal")) else {
            return out;
        };
        for room in rooms.flatten() {
            let Some(id) = room.file_name().to_str().and_then(RoomId::parse) else {
                continue;
            };
            let Ok(files) = fs::read_dir(room.path()) else {
                continue;
            };
            for f in files.flatten() {
                if let Some(feed) = f.file_name().to_str().and_then(|n| n.strip_suffix(".log")) {
                    out.push((id.clone(), feed.to_string()));
                }
            }
        }
        out.sort();
        out
    }

    /// The feed pseudonym.
    pub fn feed(&self) -> &str {
        &self.feed
    }

    fn path(&self, ext: &str) -> PathBuf {
        self.dir.join(format!("{}.{ext}", self.feed))
    }

    /// Takes the journal's exclusive lock, waiting for other processes.
    ///
    /// # Errors
    ///
    /// Fails when the state directory cannot be created or locked.
    pub fn lock(&self) -> Result<Locked<'_>> {
        ensure_private_dir(&self.dir)?;
        let path = self.path("lock");
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| Error::io("cannot open lock file", &path, e))?;
        file.lock()
            .map_err(|e| Error::io("cannot lock", &path, e))?;
        Ok(Locked {
            journal: self,
            _lock: file,
        })
    }
}

impl Locked<'_> {
    /// The last record's seq and hash, or `None` for an empty journal.
    ///
    /// # Errors
    ///
    /// Fails when the journal cannot be read.
    pub fn head(&self) -> Result<Option<(u64, String)>> {
        let log = self.journal.path("log");
        let len = match fs::metadata(&log) {
            Ok(m) => m.len(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Error::io("cannot read", &log, e)),
        };
        let head_path = self.journal.path("head");
        if let Some(head) = fs::read(&head_path)
            .ok()
            .and_then(|b| serde_json::from_slice::<Head>(&b).ok())
            .filter(|h| h.len == len)
        {
            return Ok(Some((head.seq, head.hash)));
        }
        // The head file is missing or stale (a crash between the two writes): rescan.
        let last = self.lines()?.into_iter().last();
        Ok(last.and_then(|l| record::parse_line(&l).ok().map(|r| (r.seq, line_hash(&l)))))
    }

    /// Appends one record line durably and updates the head.
    ///
    /// # Errors
    ///
    /// Fails when the journal cannot be written; nothing is half-written in a way that
    /// breaks the next read (lines are appended whole with one write).
    pub fn append(&self, line: &str) -> Result<()> {
        let log = self.journal.path("log");
        let mut opts = OpenOptions::new();
        opts.create(true).append(true).read(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let mut f = opts
            .open(&log)
            .map_err(|e| Error::io("cannot open", &log, e))?;
        let rec = record::parse_line(line).map_err(|e| Error::Usage(e.to_string()))?;
        // A crash mid-write leaves a partial last line: end it so it cannot swallow this one.
        let torn = {
            use std::io::{Read, Seek, SeekFrom};
            let len = f
                .metadata()
                .map_err(|e| Error::io("cannot read", &log, e))?
                .len();
            let mut last = [b'\n'];
            if len > 0 {
                f.seek(SeekFrom::Start(len - 1))
                    .and_then(|_| f.read_exact(&mut last))
                    .map_err(|e| Error::io("cannot read", &log, e))?;
            }
            last[0] != b'\n'
        };
        let prefix = if torn { "\n" } else { "" };
        f.write_all(format!("{prefix}{line}\n").as_bytes())
            .and_then(|()| f.sync_data())
            .map_err(|e| Error::io("cannot write", &log, e))?;
        let len = f
            .metadata()
            .map_err(|e| Error::io("cannot read", &log, e))?
            .len();
        let head = Head {
            seq: rec.seq,
            hash: line_hash(line),
            len,
        };
        write_atomic(
            &self.journal.path("head"),
            &serde_json::to_vec(&head).expect("head serialises"),
        )
    }

    /// Every line of the journal, in order.
    ///
    /// # Errors
    ///
    /// Fails when the journal cannot be read.
    pub fn lines(&self) -> Result<Vec<String>> {
        let log = self.journal.path("log");
        let f = match File::open(&log) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(Error::io("cannot read", &log, e)),
        };
        // Only whole records: a torn line left by a crash is skipped.
        BufReader::new(f)
            .lines()
            .filter(|l| !matches!(l, Ok(s) if record::parse_line(s).is_err()))
            .collect::<std::io::Result<_>>()
            .map_err(|e| Error::io("cannot read", &log, e))
    }

    /// Lines with seq greater than `seq`.
    ///
    /// # Errors
    ///
    /// Fails when the journal cannot be read.
    pub fn after(&self, seq: u64) -> Result<Vec<String>> {
        Ok(self
            .lines()?
            .into_iter()
            .filter(|l| record::parse_line(l).is_ok_and(|r| r.seq > seq))
            .collect())
    }

    fn marks(&self) -> BTreeMap<String, u64> {
        fs::read(self.journal.path("delivered"))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }

    /// How far delivery to `relay` (a relay-and-room key) got: the highest seq known to be
    /// on it.
    pub fn delivered(&self, relay: &str) -> u64 {
        self.marks().get(relay).copied().unwrap_or(0)
    }

    /// The delivery marks of every relay this journal was pushed to.
    pub fn all_delivered(&self) -> BTreeMap<String, u64> {
        self.marks()
    }

    /// Stops tracking delivery to `relay` (its pending records are dropped from the
    /// outbox; the journal itself, this device's feed, is kept whole).
    ///
    /// # Errors
    ///
    /// Fails when the marks cannot be written.
    pub fn forget(&self, relay: &str) -> Result<()> {
        let mut marks = self.marks();
        if marks.remove(relay).is_none() {
            return Ok(());
        }
        write_atomic(
            &self.journal.path("delivered"),
            &serde_json::to_vec_pretty(&marks).expect("marks serialise"),
        )
    }

    /// Records that `relay` now holds everything up to `seq`.
    ///
    /// # Errors
    ///
    /// Fails when the mark cannot be written.
    pub fn set_delivered(&self, relay: &str, seq: u64) -> Result<()> {
        let mut marks = self.marks();
        marks.insert(relay.to_string(), seq);
        write_atomic(
            &self.journal.path("delivered"),
            &serde_json::to_vec_pretty(&marks).expect("marks serialise"),
        )
    }
}
/// Makes the next record of this identity's feed in the room and journals it, under the
/// journal lock so that concurrent processes never reuse a seq. Returns the record line.
///
/// # Errors
///
/// Journal errors and out-of-bounds bodies.
pub fn record(
    state: &Path,
    identity: &DeviceIdentity,
    room: &RoomRecipient,
    name: &str,
    kind: &str,
    body: &str,
) -> Result<String> {
    record_to(state, identity, room, &[], name, kind, body)
}

/// Like [`record`], saying what this device had read of the room on `relay_keys` (the
/// envelope's `seen`, from the saved read cursors: [`super::feed::seen_by`]).
///
/// # Errors
///
/// As [`record`].
pub fn record_seeing(
    state: &Path,
    identity: &DeviceIdentity,
    room: &RoomRecipient,
    relay_keys: &[&str],
    name: &str,
    kind: &str,
    body: &str,
) -> Result<String> {
    let own = feed_pseudonym(&room.id, &identity.signing_key().verifying_key());
    let seen = super::feed::seen_by(state, relay_keys, &own);
    write_record(state, identity, room, &[], seen, name, kind, body)
}

/// Like [`record`], the record also encrypted to `extra` device keys (see
/// [`record::seal_to`]).
///
/// # Errors
///
/// As [`record`].
pub fn record_to(
    state: &Path,
    identity: &DeviceIdentity,
    room: &RoomRecipient,
    extra: &[age::x25519::Recipient],
    name: &str,
    kind: &str,
    body: &str,
) -> Result<String> {
    write_record(
        state,
        identity,
        room,
        extra,
        Default::default(),
        name,
        kind,
        body,
    )
}

#[allow(
    clippy::too_many_arguments,
    reason = "record_to plus what the writer had read"
)]
fn write_record(
    state: &Path,
    identity: &DeviceIdentity,
    room: &RoomRecipient,
    extra: &[age::x25519::Recipient],
    seen: std::collections::BTreeMap<String, String>,
    name: &str,
    kind: &str,
    body: &str,
) -> Result<String> {
    let key = identity.signing_key();
    let feed = feed_pseudonym(&room.id, &key.verifying_key());
    let journal = Journal::new(state, &room.id, &feed);
    let locked = journal.lock()?;
    let (seq, prev) = match locked.head()? {
        Some((seq, hash)) => (seq + 1, Some(hash)),
        None => (1, None),
    };
    let envelope = Envelope {
        v: record::ENVELOPE_VERSION,
        room: room.id.to_string(),
        from: b64(key.verifying_key().as_bytes()),
        name: name.to_string(),
        seq,
        prev,
        ts: now_rfc3339(),
        kind: kind.to_string(),
        body: body.to_string(),
        seen,
    };
    let line = record::seal_to(&envelope, key, &room.recipient, extra).map_err(Error::from)?;
    locked.append(&line)?;
    Ok(line)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::keys::RoomKey;
    use crate::protocol::record::{open, parse_line};

    /// A state directory, a room and this device's identity.
    struct Fixture {
        state: tempfile::TempDir,
        room: RoomKey,
        me: DeviceIdentity,
    }

    fn fixture() -> Fixture {
        Fixture {
            state: tempfile::tempdir().expect("tempdir"),
            room: RoomKey::generate(),
            me: DeviceIdentity::generate(),
        }
    }

    impl Fixture {
        fn send_as(&self, who: &DeviceIdentity, body: &str) -> String {
            let to = self.room.to_recipient();
            record(self.state.path(), who, &to, "me", "message", body).expect("record")
        }

        fn send(&self, body: &str) -> String {
            self.send_as(&self.me, body)
        }

        fn journal(&self) -> Journal {
            let key = self.me.signing_key().verifying_key();
            let feed = feed_pseudonym(self.room.room_id(), &key);
            Journal::new(self.state.path(), self.room.room_id(), &feed)
        }

        fn opened(&self, line: &str) -> Envelope {
            let rec = parse_line(line).expect("record line");
            open(&rec, std::slice::from_ref(&self.room))
                .expect("opens")
                .envelope
        }
    }

    #[test]
    fn record_numbers_from_one_and_chains_each_record_to_the_last() {
        let fx = fixture();
        let lines: Vec<String> = (0..3).map(|i| fx.send(&format!("m{i}"))).collect();
        let envs: Vec<Envelope> = lines.iter().map(|l| fx.opened(l)).collect();
        assert_eq!(
            envs.iter().map(|e| e.seq).collect::<Vec<_>>(),
            vec![1, 2, 3]
        );
        assert_eq!(envs[0].prev, None);
        assert_eq!(envs[1].prev, Some(line_hash(&lines[0])));
        assert_eq!(envs[2].prev, Some(line_hash(&lines[1])));
        assert_eq!(envs[2].body, "m2");

        let j = fx.journal();
        let locked = j.lock().expect("lock");
        assert_eq!(locked.lines().expect("lines"), lines);
        assert_eq!(
            locked.head().expect("head"),
            Some((3, line_hash(&lines[2])))
        );
        assert_eq!(locked.after(1).expect("after"), lines[1..].to_vec());
        drop(locked);
        assert_eq!(
            Journal::all(fx.state.path()),
            vec![(fx.room.room_id().clone(), j.feed().to_string())]
        );
    }

    #[test]
    fn two_identities_in_one_room_have_separate_feeds_and_seqs() {
        let fx = fixture();
        fx.send("1");
        fx.send("2");
        let other = DeviceIdentity::generate();
        let first_of_other = fx.send_as(&other, "1");
        assert_eq!(fx.opened(&first_of_other).seq, 1);
        assert_eq!(Journal::all(fx.state.path()).len(), 2);
    }

    #[test]
    fn a_stale_head_file_is_rebuilt_from_the_log() {
        let fx = fixture();
        fx.send("one");
        let head_file = fx.journal().path("head");
        let stale = fs::read(&head_file).expect("head file");
        let l2 = fx.send("two");
        // A crash between the log write and the head write leaves the old head.
        fs::write(&head_file, &stale).expect("write");
        assert_eq!(
            fx.journal().lock().expect("lock").head().expect("head"),
            Some((2, line_hash(&l2)))
        );
        fs::remove_file(&head_file).expect("remove");
        let env = fx.opened(&fx.send("three"));
        assert_eq!((env.seq, env.prev), (3, Some(line_hash(&l2))));
    }

    #[test]
    fn a_torn_last_line_is_skipped_and_ended_before_the_next_record() {
        let fx = fixture();
        let l1 = fx.send("one");
        let j = fx.journal();
        // A crash mid-write: half a line at the end.
        let mut log = OpenOptions::new()
            .append(true)
            .open(j.path("log"))
            .expect("open");
        log.write_all(&l1.as_bytes()[..20]).expect("write");
        drop(log);
        assert_eq!(
            j.lock().expect("lock").lines().expect("lines"),
            vec![l1.clone()]
        );
        let l2 = fx.send("two");
        assert_eq!(fx.opened(&l2).seq, 2, "the torn line took no seq");
        assert_eq!(
            j.lock().expect("lock").lines().expect("lines"),
            vec![l1, l2]
        );
    }

    #[test]
    fn delivered_marks_are_kept_per_relay() {
        let fx = fixture();
        let j = fx.journal();
        let locked = j.lock().expect("lock");
        assert_eq!(locked.delivered("relay-1"), 0, "never delivered");
        assert!(locked.all_delivered().is_empty());
        locked.set_delivered("relay-1", 4).expect("mark");
        locked.set_delivered("relay-2", 0).expect("mark");
        locked.set_delivered("relay-1", 6).expect("mark");
        assert_eq!(locked.delivered("relay-1"), 6);
        assert_eq!(locked.delivered("relay-2"), 0);
        assert_eq!(
            locked.all_delivered(),
            [("relay-1".to_string(), 6), ("relay-2".to_string(), 0)]
                .into_iter()
                .collect()
        );
    }

    #[test]
    fn only_record_lines_enter_a_journal() {
        let fx = fixture();
        let j = fx.journal();
        let locked = j.lock().expect("lock");
        assert!(locked.append("hello").is_err());
        assert_eq!(locked.head().expect("head"), None);
        assert!(locked.lines().expect("lines").is_empty());
    }

    #[test]
    fn an_oversized_body_is_refused_and_takes_no_seq() {
        let fx = fixture();
        let big = "x".repeat(record::MAX_BODY + 1);
        let to = fx.room.to_recipient();
        assert!(matches!(
            record(fx.state.path(), &fx.me, &to, "me", "message", &big),
            Err(Error::MessageTooLarge { .. })
        ));
        assert_eq!(fx.opened(&fx.send("ok")).seq, 1);
    }
}
