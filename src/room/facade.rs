//! The library facade: one room for a program, with no clap and no terminal.
//!
//! A [`Room`] is built from a [`RoomConfig`] (where the relay is, which key files to use,
//! where to keep state) and offers what the commands offer: [`Room::send`],
//! [`Room::send_file`], [`Room::poll`], a blocking [`Room::watch`] iterator,
//! [`Room::members`], [`Room::verify`] and [`Room::outbox`]. It is the same machinery the
//! `ftpchat` binary uses (journal, delivery with retries, cursors, verification), so a
//! bot and the CLI sharing a state directory see one outbox and one set of cursors.
//!
//! Warnings that come up along the way (a retry, a skipped line, a chain finding) are
//! collected; [`Room::take_warnings`] hands them over.
//!
//! ```
//! use ftpchat::relay::{RelayConfig, RunningRelay};
//! use ftpchat::room::{RelayTarget, Room, RoomConfig};
//!
//! # fn main() -> ftpchat::Result<()> {
//! let tmp = tempfile::tempdir().expect("temp dir");
//! // An embedded relay on a free loopback port, for the example.
//! let relay = RunningRelay::start(RelayConfig::local(tmp.path().join("relay"), "chat", "pw")?)?;
//! let url = format!("ftp://chat@{}/lobby", relay.addr());
//!
//! // Keys: a room key shared by the members, an identity per device.
//! let key_file = tmp.path().join("room.key");
//! ftpchat::protocol::keys::RoomKey::generate().save(&key_file)?;
//! let mut alice = Room::open(
//!     RoomConfig::new(
//!         RelayTarget::from_url(&url, "pw")?,
//!         &key_file,
//!         tmp.path().join("alice"),
//!     )
//!     .name("alice"),
//! )?;
//! let mut bob = Room::open(
//!     RoomConfig::new(RelayTarget::from_url(&url, "pw")?, &key_file, tmp.path().join("bob"))
//!         .name("bob"),
//! )?;
//!
//! let sent = alice.send("hello, bob")?;
//! assert_eq!(sent.seq, 1);
//! let got = bob.poll()?;
//! assert_eq!(got.len(), 1);
//! assert_eq!(got[0].body.as_deref(), Some("hello, bob"));
//! assert_eq!(got[0].name.as_deref(), Some("alice"));
//! assert!(got[0].verified);
//! assert!(bob.poll()?.is_empty(), "a second poll has nothing new");
//! # Ok(())
//! # }
//! ```

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::audit::{self, Report};
use super::delivery::{self, backoff, retry_session};
use super::feed::RelayState;
use super::journal;
use super::membership::{self, Membership};
use super::outbox;
use super::reader::{Message, Reader};
use super::watch::{Cadence, Watcher};
use super::{RelayTarget, Session, attachment};
use crate::error::{Error, Result};
use crate::paths::{ensure_private_dir, write_private};
use crate::protocol::attachment::Attachment;
use crate::protocol::keys::{DeviceIdentity, PublicIdentity, RoomKey};
use crate::protocol::record::{self, MAX_BODY, now_rfc3339};
use crate::protocol::roster::Member;
use crate::signals;

/// How a program reaches a room.
#[derive(Debug, Clone)]
pub struct RoomConfig {
    /// The room on its relay.
    pub relay: RelayTarget,
    /// The same room on more relays: sends go to every relay, polls merge them.
    pub mirrors: Vec<RelayTarget>,
    /// The room key file (learned rotated keys are added to it).
    pub key_file: PathBuf,
    /// The device identity file; created (mode 0600) when missing.
    pub identity_file: PathBuf,
    /// Where journals, cursors and the outbox live (created when missing).
    pub state_dir: PathBuf,
    /// The display name on records sent.
    pub name: String,
    /// The name of the cursor set [`Room::poll`] advances (the CLI's is `default`).
    pub cursor: String,
    /// Shortest and longest wait between polls in [`Room::watch`].
    pub poll_interval: (Duration, Duration),
    /// Attachments larger than this are refused.
    pub max_attachment: u64,
    /// The first [`Room::poll`] reads the whole room whatever the saved cursors say (an
    /// interactive client shows history on start).
    pub from_start: bool,
}

impl RoomConfig {
    /// A configuration with defaults: the identity in `state_dir/identity`, the name
    /// `ftpchat`, cursor set `library`, polls between 0.5 s and 5 s, 100 MiB attachments.
    pub fn new(
        relay: RelayTarget,
        key_file: impl AsRef<Path>,
        state_dir: impl AsRef<Path>,
    ) -> Self {
        let state_dir = state_dir.as_ref().to_path_buf();
        RoomConfig {
            relay,
            mirrors: Vec::new(),
            key_file: key_file.as_ref().to_path_buf(),
            identity_file: state_dir.join("identity"),
            state_dir,
            name: "ftpchat".into(),
            cursor: "library".into(),
            poll_interval: (Duration::from_millis(500), Duration::from_secs(5)),
            max_attachment: crate::protocol::attachment::DEFAULT_MAX,
            from_start: false,
        }
    }

    /// Adds another relay holding the same room.
    #[must_use]
    pub fn mirror(mut self, relay: RelayTarget) -> Self {
        self.mirrors.push(relay);
        self
    }

    /// The room's relays, the first one first.
    pub fn relays(&self) -> Vec<RelayTarget> {
        std::iter::once(self.relay.clone())
            .chain(self.mirrors.iter().cloned())
            .collect()
    }

    /// Makes the first [`Room::poll`] read the whole room, ignoring saved cursors.
    #[must_use]
    pub fn from_start(mut self) -> Self {
        self.from_start = true;
        self
    }

    /// Sets the display name.
    #[must_use]
    pub fn name(mut self, name: &str) -> Self {
        self.name = name.to_string();
        self
    }

    /// Uses this identity file instead of `state_dir/identity`.
    #[must_use]
    pub fn identity_file(mut self, path: impl AsRef<Path>) -> Self {
        self.identity_file = path.as_ref().to_path_buf();
        self
    }

    /// Uses another cursor set (two programs sharing a state directory each want their own).
    #[must_use]
    pub fn cursor(mut self, name: &str) -> Self {
        self.cursor = name.to_string();
        self
    }

    /// Sets the shortest and longest wait between polls in [`Room::watch`].
    #[must_use]
    pub fn poll_interval(mut self, min: Duration, max: Duration) -> Self {
        self.poll_interval = (min, max.max(min));
        self
    }
}

/// What [`Room::send`] delivered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    /// This device's feed pseudonym in the room.
    pub feed: String,
    /// The record's sequence number in that feed.
    pub seq: u64,
    /// The record line as it went to the relay.
    pub line: String,
}

/// One room, for a program.
#[derive(Debug)]
pub struct Room {
    config: RoomConfig,
    identity: DeviceIdentity,
    watcher: Option<Watcher>,
    /// Messages polled by a [`Watch`] and not yet handed out: kept here, so dropping
    /// the iterator early loses none of them.
    inbox: VecDeque<Message>,
    warnings: Vec<String>,
    /// The last poll left bytes on the relay for the next one.
    more: bool,
}

impl Room {
    /// Opens a room: loads the room key and the identity (creating the identity when
    /// missing). Nothing is sent or read until asked.
    ///
    /// # Errors
    ///
    /// Key files that are missing, malformed or readable by others; an unusable state
    /// directory.
    pub fn open(config: RoomConfig) -> Result<Self> {
        RoomKey::load(&config.key_file)?;
        Room::open_without_key(config)
    }

    fn open_without_key(config: RoomConfig) -> Result<Self> {
        ensure_private_dir(&config.state_dir)?;
        record::check_name(&config.name)?;
        if !config.identity_file.exists() {
            let contents = DeviceIdentity::generate().to_file_contents(&now_rfc3339());
            write_private(&config.identity_file, contents.as_bytes(), false)?;
        }
        let identity = DeviceIdentity::load(&config.identity_file)?;
        Ok(Room {
            config,
            identity,
            watcher: None,
            inbox: VecDeque::new(),
            warnings: Vec::new(),
            more: false,
        })
    }

    /// Creates a new room with a signed roster, owned by this device: a fresh room key
    /// is written to the config's `key_file` (which must not exist), the signed
    /// descriptor and the owner's roster entry go to the relay.
    ///
    /// ```
    /// # use ftpchat::relay::{RelayConfig, RunningRelay};
    /// # use ftpchat::room::{RelayTarget, Room, RoomConfig};
    /// # fn main() -> ftpchat::Result<()> {
    /// # let tmp = tempfile::tempdir().expect("temp dir");
    /// # let relay = RunningRelay::start(RelayConfig::local(tmp.path().join("relay"), "u", "pw")?)?;
    /// # let url = format!("ftp://u@{}/ops", relay.addr());
    /// let key_file = tmp.path().join("ops.key");
    /// let mut owner = Room::create(
    ///     RoomConfig::new(RelayTarget::from_url(&url, "pw")?, &key_file, tmp.path().join("o"))
    ///         .name("olga"),
    /// )?;
    /// // A second device joins with a copy of the key file and is added by the owner.
    /// let bot_key = tmp.path().join("bot.key");
    /// std::fs::copy(&key_file, &bot_key).expect("copy");
    /// # #[cfg(unix)] { use std::os::unix::fs::PermissionsExt;
    /// # std::fs::set_permissions(&bot_key, std::fs::Permissions::from_mode(0o600)).expect("chmod"); }
    /// let mut bot = Room::open(
    ///     RoomConfig::new(RelayTarget::from_url(&url, "pw")?, &bot_key, tmp.path().join("b"))
    ///         .name("bot"),
    /// )?;
    /// owner.add_member(&bot.public_identity(), "bot")?;
    /// let mut names: Vec<String> = bot.members()?.into_iter().map(|m| m.name).collect();
    /// names.sort();
    /// assert_eq!(names, ["bot", "olga"]);
    ///
    /// bot.send("deploy finished")?;
    /// let report = owner.verify()?;
    /// assert!(report.findings.is_empty(), "{:?}", report.findings);
    /// assert!(report.feeds.iter().any(|f| f.name == "bot" && f.roster == "member"));
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Exists`] when the key file exists; relay errors (nothing is saved
    /// locally until the relay has the room).
    pub fn create(config: RoomConfig) -> Result<Self> {
        let mut room = Room::open_without_key(config)?;
        let mut key = RoomKey::generate();
        key.set_owner(&crate::protocol::encoding::b64(
            room.identity.signing_key().verifying_key().as_bytes(),
        ));
        let founding = Membership {
            target: room.config.relay.clone(),
            mirrors: room.config.mirrors.clone(),
            key_path: room.config.key_file.clone(),
            key,
            identity: DeviceIdentity::load(&room.config.identity_file)?,
        };
        let warnings = &mut room.warnings;
        founding.found(
            &room.config.state_dir,
            None,
            &mut |w| warnings.push(w.to_string()),
            &room.config.name,
        )?;
        Ok(room)
    }

    /// This device's feed pseudonym in the room (the `feed` of messages it sent).
    ///
    /// # Errors
    ///
    /// Key file errors.
    pub fn feed(&self) -> Result<String> {
        let key = RoomKey::load(&self.config.key_file)?;
        Ok(crate::protocol::keys::feed_pseudonym(
            key.room_id(),
            &self.identity.signing_key().verifying_key(),
        ))
    }

    /// This device's public identity: what a member gives the owner to be added.
    pub fn public_identity(&self) -> PublicIdentity {
        self.identity.public()
    }

    /// Adds a member to the roster (the owner only) under `name`.
    ///
    /// # Errors
    ///
    /// [`Error::Usage`] when this device is not the owner; [`Error::Queued`] when the
    /// relay could not be reached.
    pub fn add_member(&mut self, member: &PublicIdentity, name: &str) -> Result<()> {
        let m = self.membership()?;
        m.require_owner()?;
        let warnings = &mut self.warnings;
        m.add_member(
            &self.config.state_dir,
            None,
            &mut |w| warnings.push(w.to_string()),
            member,
            name,
            &self.config.name,
        )
    }

    /// The configuration in use.
    pub fn config(&self) -> &RoomConfig {
        &self.config
    }

    /// Warnings collected since the last call (retries, skipped lines, findings).
    pub fn take_warnings(&mut self) -> Vec<String> {
        std::mem::take(&mut self.warnings)
    }

    /// Sends a text message. Returns once it is on the relay.
    ///
    /// # Errors
    ///
    /// [`Error::Queued`] when the relay could not be reached (the message stays in the
    /// outbox and goes first next time); [`Error::MessageTooLarge`]; a rotated room key
    /// this device was not given.
    pub fn send(&mut self, text: &str) -> Result<Sent> {
        if text.len() > MAX_BODY {
            return Err(Error::MessageTooLarge {
                size: text.len(),
                limit: MAX_BODY,
            });
        }
        self.post("message", text)
    }

    /// Sends a file as an attachment, with `text` beside it. The file is encrypted to a
    /// key of its own, uploaded (resuming an earlier partial upload), then announced.
    /// Readers fetch it with [`Room::save_attachment`].
    ///
    /// ```
    /// # use ftpchat::relay::{RelayConfig, RunningRelay};
    /// # use ftpchat::room::{RelayTarget, Room, RoomConfig};
    /// # fn main() -> ftpchat::Result<()> {
    /// # let tmp = tempfile::tempdir().expect("temp dir");
    /// # let relay = RunningRelay::start(RelayConfig::local(tmp.path().join("relay"), "u", "pw")?)?;
    /// # let url = format!("ftp://u@{}/lobby", relay.addr());
    /// # let key_file = tmp.path().join("room.key");
    /// # ftpchat::protocol::keys::RoomKey::generate().save(&key_file)?;
    /// # let config = |who: &str| -> ftpchat::Result<RoomConfig> {
    /// #     Ok(RoomConfig::new(RelayTarget::from_url(&url, "pw")?, &key_file, tmp.path().join(who)).name(who))
    /// # };
    /// let report = tmp.path().join("report.txt");
    /// std::fs::write(&report, "all green").expect("write");
    /// let mut alice = Room::open(config("alice")?)?;
    /// alice.send_file(&report, "tonight's report")?;
    ///
    /// let mut bob = Room::open(config("bob")?)?;
    /// let got = bob.poll()?;
    /// let saved = bob.save_attachment(&got[0], &tmp.path().join("downloads"))?;
    /// let saved = saved.expect("the message announces a file");
    /// assert_eq!(std::fs::read_to_string(saved).expect("read"), "all green");
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Room::send`], plus unreadable or oversized files.
    pub fn send_file(&mut self, path: &Path, text: &str) -> Result<Sent> {
        self.send_file_with_progress(path, text, &|_, _| {})
    }

    /// [`Room::send_file`], calling `progress(bytes uploaded, bytes in all)` as the
    /// encrypted file goes up.
    ///
    /// # Errors
    ///
    /// As [`Room::send_file`].
    pub fn send_file_with_progress(
        &mut self,
        path: &Path,
        text: &str,
        progress: &dyn Fn(u64, u64),
    ) -> Result<Sent> {
        let prepared =
            attachment::prepare(&self.config.state_dir, path, self.config.max_attachment)?;
        let total = std::fs::metadata(&prepared.cipher).map_or(0, |m| m.len());
        let mut session = Session::new(self.config.relay.clone());
        let warnings = &mut self.warnings;
        retry_session(
            &mut session,
            None,
            &mut |w| warnings.push(w.to_string()),
            |s| s.upload(&prepared, &|n| progress(n, total)),
        )?;
        session.close();
        for mirror in &self.config.mirrors {
            let mut session = Session::new(mirror.clone());
            let up = retry_session(&mut session, None, &mut |_| {}, |s| {
                s.upload(&prepared, &|_| {})
            });
            session.close();
            if let Err(e) = up {
                warnings.push(format!(
                    "{}: the attachment could not be uploaded there ({e}); members who read \
                     only that relay cannot fetch it",
                    mirror.key
                ));
            }
        }
        let meta = Attachment {
            text: text.to_string(),
            ..prepared.meta.clone()
        };
        let body = serde_json::to_string(&meta).expect("an attachment record serialises");
        let sent = self.post(crate::protocol::attachment::KIND, &body);
        if sent.is_ok() {
            attachment::done(&prepared);
        }
        sent
    }

    fn post(&mut self, kind: &str, body: &str) -> Result<Sent> {
        let key = RoomKey::load(&self.config.key_file)?;
        let warnings = &mut self.warnings;
        let warn = &mut |w: &str| warnings.push(w.to_string());
        let mut room = key.to_recipient();
        if key.owner().is_some() {
            // A room with a roster: learn a rotated key before writing, be a member, and
            // write only to a key the owner introduced.
            let check = membership::sync_on_first_relay(
                &self.config.relays(),
                &self.config.key_file,
                &self.identity,
                None,
                warn,
            )?;
            check.warnings.iter().for_each(|w| warn(w));
            room = check.recipient;
        }
        let relays = self.config.relays();
        let keys: Vec<&str> = relays.iter().map(|t| t.key.as_str()).collect();
        let line = journal::record_seeing(
            &self.config.state_dir,
            &self.identity,
            &room,
            &keys,
            &self.config.name,
            kind,
            body,
        )?;
        let spread = delivery::deliver_own_everywhere(
            &self.config.state_dir,
            &self.config.relays(),
            &room.id,
            &self.identity,
            None,
            warn,
        )?;
        for (key, e) in spread.lagging {
            warn(&format!("{key}: {e}"));
        }
        let parsed = record::parse_line(&line).map_err(|e| Error::Usage(e.to_string()))?;
        Ok(Sent {
            feed: parsed.feed.to_string(),
            seq: parsed.seq,
            line: line.clone(),
        })
    }

    /// Reads what arrived since the last poll (the first poll reads the whole history),
    /// verified, ordered by time, and advances the cursor set. Messages a [`Watch`]
    /// polled but did not hand out come first.
    ///
    /// # Errors
    ///
    /// Relay errors (nothing is skipped: the next poll reads the same records again).
    pub fn poll(&mut self) -> Result<Vec<Message>> {
        if self.watcher.is_none() {
            let relays = super::replicas::with_saved_cursors(
                &self.config.state_dir,
                self.config.relays(),
                &self.config.cursor,
                self.config.from_start,
            )?;
            let key = RoomKey::load(&self.config.key_file)?;
            let reader = Reader::new(vec![key], None, false)
                .with_device(Some(self.identity.x25519().clone()));
            self.watcher = Some(Watcher::several(
                relays,
                reader,
                vec![self.config.key_file.clone()],
                false,
            ));
        }
        if !self.inbox.is_empty() {
            return Ok(self.inbox.drain(..).collect());
        }
        let watcher = self.watcher.as_mut().expect("the watcher was just made");
        let batch = watcher.poll()?;
        self.more = batch.more;
        self.warnings.extend(batch.warnings);
        RelayState::merge_each(&self.config.state_dir, &self.config.cursor, batch.advanced)?;
        membership::save_learned(&self.config.key_file, watcher.reader_mut())?;
        Ok(batch.messages)
    }

    /// Follows the room: an iterator that blocks until the next message arrives.
    ///
    /// ```
    /// # use ftpchat::relay::{RelayConfig, RunningRelay};
    /// # use ftpchat::room::{RelayTarget, Room, RoomConfig};
    /// # fn main() -> ftpchat::Result<()> {
    /// # let tmp = tempfile::tempdir().expect("temp dir");
    /// # let relay = RunningRelay::start(RelayConfig::local(tmp.path().join("relay"), "u", "pw")?)?;
    /// # let url = format!("ftp://u@{}/lobby", relay.addr());
    /// # let key_file = tmp.path().join("room.key");
    /// # ftpchat::protocol::keys::RoomKey::generate().save(&key_file)?;
    /// # let config = |who: &str| -> ftpchat::Result<RoomConfig> {
    /// #     Ok(RoomConfig::new(RelayTarget::from_url(&url, "pw")?, &key_file, tmp.path().join(who)).name(who))
    /// # };
    /// let mut alice = Room::open(config("alice")?)?;
    /// alice.send("one")?;
    /// alice.send("two")?;
    /// let mut bob = Room::open(config("bob")?)?;
    /// let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    /// let bodies: Vec<String> = bob
    ///     .watch(Some(deadline))
    ///     .take(2)
    ///     .map(|m| m.map(|m| m.body.unwrap_or_default()))
    ///     .collect::<ftpchat::Result<_>>()?;
    /// assert_eq!(bodies, ["one", "two"]);
    /// # Ok(())
    /// # }
    /// ```
    /// It polls
    /// quickly after activity and backs off to the longest interval when idle, reconnects
    /// after network trouble with backoff, and ends after Ctrl-C or SIGTERM (once
    /// [`signals::install`](crate::signals::install) was called) or at `deadline`.
    /// A permanent error (a refused login) is yielded once, then the iterator ends.
    pub fn watch(&mut self, deadline: Option<Instant>) -> Watch<'_> {
        Watch {
            cadence: Cadence::new(self.config.poll_interval.0, self.config.poll_interval.1),
            room: self,
            failures: 0,
            deadline,
            done: false,
        }
    }

    /// The room's members as the owner's signed roster says (replaying it from the relay).
    ///
    /// # Errors
    ///
    /// Relay errors; [`Error::Usage`] for a room without a pinned owner (no roster).
    pub fn members(&mut self) -> Result<Vec<Member>> {
        let mut m = self.membership()?;
        let warnings = &mut self.warnings;
        let reader = m.replay(&mut |w| warnings.push(w.to_string()))?;
        let roster = reader.roster().ok_or_else(|| {
            Error::Usage("this room key has no owner pinned, so the room has no roster".into())
        })?;
        Ok(roster.members().cloned().collect())
    }

    /// Audits the whole room: every record's signature and chain, senders against the
    /// roster, the descriptor, and history rewritten behind this device's cursors.
    ///
    /// # Errors
    ///
    /// Relay and key errors. Findings are not errors: they are in the report.
    pub fn verify(&mut self) -> Result<Report> {
        let key = RoomKey::load(&self.config.key_file)?;
        let mut reader = Reader::new(vec![RoomKey::load(&self.config.key_file)?], None, true)
            .with_device(Some(self.identity.x25519().clone()));
        let warnings = &mut self.warnings;
        let report = audit::audit(
            &self.config.relay,
            &self.config.state_dir,
            &mut reader,
            &key,
            None,
            &mut |w| warnings.push(w.to_string()),
        )?;
        membership::save_learned(&self.config.key_file, &mut reader)?;
        Ok(report)
    }

    /// This device's outbox: journals and what each relay still lacks.
    ///
    /// ```
    /// # use ftpchat::relay::{RelayConfig, RunningRelay};
    /// # use ftpchat::room::{RelayTarget, Room, RoomConfig};
    /// # fn main() -> ftpchat::Result<()> {
    /// # let tmp = tempfile::tempdir().expect("temp dir");
    /// # let relay = RunningRelay::start(RelayConfig::local(tmp.path().join("relay"), "u", "pw")?)?;
    /// # let url = format!("ftp://u@{}/lobby", relay.addr());
    /// # let key_file = tmp.path().join("room.key");
    /// # ftpchat::protocol::keys::RoomKey::generate().save(&key_file)?;
    /// # let config = |who: &str| -> ftpchat::Result<RoomConfig> {
    /// #     Ok(RoomConfig::new(RelayTarget::from_url(&url, "pw")?, &key_file, tmp.path().join(who)).name(who))
    /// # };
    /// let mut alice = Room::open(config("alice")?)?;
    /// alice.send("delivered")?;
    /// relay.stop();
    /// let err = alice.send("queued").expect_err("the relay is down");
    /// assert!(matches!(err, ftpchat::Error::Queued { count: 1, .. }));
    /// let pending: usize = alice.outbox()?.iter().map(|e| e.pending).sum();
    /// assert_eq!(pending, 1, "kept for the next send");
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// Journal read errors.
    pub fn outbox(&self) -> Result<Vec<outbox::Entry>> {
        outbox::entries(&self.config.state_dir)
    }

    /// Delivers what this device's outbox holds for the room: records journaled by a
    /// [`Room::send`] that could not reach the relay.
    ///
    /// # Errors
    ///
    /// [`Error::Queued`] when the relay still cannot be reached; key file errors.
    pub fn flush(&mut self) -> Result<()> {
        let key = RoomKey::load(&self.config.key_file)?;
        let warnings = &mut self.warnings;
        let spread = delivery::deliver_own_everywhere(
            &self.config.state_dir,
            &self.config.relays(),
            key.room_id(),
            &self.identity,
            None,
            &mut |w| warnings.push(w.to_string()),
        )?;
        for (key, e) in spread.lagging {
            warnings.push(format!("{key}: {e}"));
        }
        Ok(())
    }

    /// How many of this device's records for the room wait in the outbox for this relay.
    ///
    /// # Errors
    ///
    /// Key file and journal read errors.
    pub fn queued(&self) -> Result<usize> {
        let key = RoomKey::load(&self.config.key_file)?;
        let room = key.room_id().to_string();
        Ok(self
            .outbox()?
            .iter()
            .filter(|e| e.room == room)
            .filter(|e| {
                e.relay
                    .as_deref()
                    .is_none_or(|r| r == self.config.relay.key)
            })
            .map(|e| e.pending)
            .sum())
    }

    /// Downloads the file a message announces into `dir` (under a sanitised name that
    /// stays inside it), after checking it against the hashes the record signed.
    /// `Ok(None)` when the message is not a verified attachment.
    ///
    /// # Errors
    ///
    /// A blob that is missing or altered, a sender the roster does not vouch for, relay
    /// and write errors.
    pub fn save_attachment(&mut self, message: &Message, dir: &Path) -> Result<Option<PathBuf>> {
        let mut last = None;
        for relay in self.config.relays() {
            let mut session = Session::new(relay);
            let saved = session.save_attachment(message, dir);
            session.close();
            match saved {
                Ok(saved) => return Ok(saved),
                Err(e) => last = Some(e),
            }
        }
        Err(last.expect("a room has a relay"))
    }

    fn membership(&self) -> Result<Membership> {
        Ok(Membership {
            target: self.config.relay.clone(),
            mirrors: self.config.mirrors.clone(),
            key_path: self.config.key_file.clone(),
            key: RoomKey::load(&self.config.key_file)?,
            identity: DeviceIdentity::load(&self.config.identity_file)?,
        })
    }
}

/// The iterator of [`Room::watch`].
#[derive(Debug)]
pub struct Watch<'a> {
    room: &'a mut Room,
    cadence: Cadence,
    failures: u32,
    deadline: Option<Instant>,
    done: bool,
}

impl Watch<'_> {
    /// Sleeps up to `wait` (less at the deadline); false when it is time to stop.
    fn sleep(&self, wait: Duration) -> bool {
        let wait = match self.deadline {
            Some(d) => wait.min(d.saturating_duration_since(Instant::now())),
            None => wait,
        };
        signals::sleep(wait) && self.deadline.is_none_or(|d| Instant::now() < d)
    }
}

impl Iterator for Watch<'_> {
    type Item = Result<Message>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(m) = self.room.inbox.pop_front() {
                return Some(Ok(m));
            }
            if self.done || signals::interrupted() {
                return None;
            }
            match self.room.poll() {
                Ok(_) if self.room.more => {
                    // The relay holds more than one poll downloads: read on at once.
                    self.failures = 0;
                    self.cadence.next(true);
                    continue;
                }
                Ok(messages) if messages.is_empty() => {
                    self.failures = 0;
                    let wait = self.cadence.next(false);
                    if !self.sleep(wait) {
                        return None;
                    }
                }
                Ok(messages) => {
                    self.failures = 0;
                    self.cadence.next(true);
                    self.room.inbox.extend(messages);
                    continue;
                }
                Err(e) if e.is_transient() => {
                    self.failures += 1;
                    let wait = backoff(self.failures);
                    self.room
                        .warnings
                        .push(format!("{e}; reconnecting in {:.1}s", wait.as_secs_f64()));
                    if !self.sleep(wait) {
                        return None;
                    }
                    continue;
                }
                Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
            }
        }
    }
}
