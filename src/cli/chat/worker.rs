//! The two threads beside `ftpchat chat`'s screen: one polls the room, one sends. Each has
//! its own connection, so a stalled relay never freezes typing, and a slow upload never
//! holds up reading. They talk to the screen only through channels.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use crate::cli::commands::watch::Exec;
use crate::error::Error;
use crate::protocol::record::legacy::{Layout, LegacyKey};
use crate::room::Room;
use crate::room::delivery::backoff;
use crate::room::membership::save_learned;
use crate::room::reader::Message;
use crate::room::watch::Watcher;
use crate::room::{RelayTarget, legacy};

/// What the threads tell the screen.
#[derive(Debug)]
pub enum Event {
    /// New messages, in the order to show them.
    Messages(Vec<Message>),
    /// A finding or problem, to show where it happened.
    Warning(String),
    /// A poll finished (`Ok`) or failed (with the reason, and when the next try is).
    Polled(std::result::Result<(), String>),
    /// A send this screen asked for changed state.
    Send {
        /// The screen's id for it.
        id: u64,
        /// Where it is now.
        state: SendState,
    },
    /// Records waiting in the outbox for this relay.
    Queued(usize),
    /// Command output (`/members`, `/verify`, `/save`).
    Note(String),
}

/// Where a send is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendState {
    /// On the relay: the record's feed and seq (native rooms).
    Delivered(Option<(String, u64)>),
    /// Upload progress of an attachment.
    Uploading(u64, u64),
    /// Kept for later: the relay cannot be reached.
    Queued,
    /// Refused for good.
    Failed(String),
}

/// What the screen asks the sending thread.
#[derive(Debug)]
pub enum Command {
    /// Send text.
    Text {
        /// The screen's id.
        id: u64,
        /// The message.
        text: String,
    },
    /// Send a file with text beside it.
    File {
        /// The screen's id.
        id: u64,
        /// The file.
        path: PathBuf,
        /// The text.
        text: String,
    },
    /// Save an announced attachment into a directory.
    Save(Box<Message>, PathBuf),
    /// List the roster.
    Members,
    /// Audit the room.
    Verify,
}

/// How the room is written to.
pub enum Writer {
    /// A native room, through the library's [`Room`].
    Native(Box<Room>),
    /// A chat file of the original app.
    Legacy(Box<LegacyWriter>),
}

/// Writing to a chat file of the original app.
pub struct LegacyWriter {
    /// The chat passphrase's key.
    pub key: LegacyKey,
    /// Where the chat file is.
    pub target: RelayTarget,
    /// The state directory (the legacy outbox).
    pub state: PathBuf,
    /// The display name written into lines.
    pub name: String,
}

impl Writer {
    fn send(&mut self, text: &str) -> crate::Result<Option<(String, u64)>> {
        match self {
            Writer::Native(room) => room.send(text).map(|s| Some((s.feed, s.seq))),
            Writer::Legacy(w) => {
                let now = chrono::Local::now().naive_local();
                let line = w
                    .key
                    .encrypt_line(&w.name, text, &now, Layout::Dated, false);
                legacy::send(&w.state, &w.target, &line, None, &mut |_| {}).map(|()| None)
            }
        }
    }

    fn flush(&mut self) -> crate::Result<()> {
        match self {
            Writer::Native(room) => room.flush(),
            Writer::Legacy(w) => legacy::deliver(&w.state, &w.target, &[], None, &mut |_| {}),
        }
    }

    fn queued(&self) -> usize {
        match self {
            Writer::Native(room) => room.queued().unwrap_or(0),
            Writer::Legacy(w) => legacy::pending(&w.state, &w.target.key).map_or(0, |l| l.len()),
        }
    }

    fn warnings(&mut self) -> Vec<String> {
        match self {
            Writer::Native(room) => room.take_warnings(),
            Writer::Legacy(_) => Vec::new(),
        }
    }
}

/// Polls the room until `stop`: messages, warnings and poll results go to `tx`.
pub fn poller(
    mut watcher: Watcher,
    key_files: Vec<PathBuf>,
    (min, max): (Duration, Duration),
    exec: Option<Exec>,
    tx: Sender<Event>,
    stop: Arc<AtomicBool>,
) {
    let mut cadence = crate::room::watch::Cadence::new(min, max);
    let mut failures = 0;
    while !stop.load(Ordering::SeqCst) {
        let wait = match watcher.poll() {
            Ok(batch) => {
                failures = 0;
                if let Some(first) = key_files.first()
                    && let Err(e) = save_learned(first, watcher.reader_mut())
                {
                    let _ = tx.send(Event::Warning(e.to_string()));
                }
                for w in batch.warnings {
                    let _ = tx.send(Event::Warning(w));
                }
                let active = !batch.messages.is_empty() || batch.more;
                if let Some(exec) = &exec {
                    for m in batch.messages.iter().filter(|m| m.body.is_some()) {
                        if let Err(why) = exec.run(m) {
                            let _ = tx.send(Event::Warning(format!("--exec: {why}")));
                        }
                    }
                }
                if active {
                    let _ = tx.send(Event::Messages(batch.messages));
                }
                let _ = tx.send(Event::Polled(Ok(())));
                cadence.next(active)
            }
            Err(e) => {
                failures += 1;
                let wait = if e.is_transient() {
                    backoff(failures)
                } else {
                    Duration::from_secs(30)
                };
                let _ = tx.send(Event::Polled(Err(format!(
                    "{e}; trying again in {:.0}s",
                    wait.as_secs_f64().ceil()
                ))));
                wait
            }
        };
        sleep_unless(&stop, wait);
    }
    watcher.close();
}

/// Sends what the screen asks, in order, until the channel closes; keeps what could not
/// be delivered and tries again by itself.
pub fn sender(mut writer: Writer, rx: Receiver<Command>, tx: Sender<Event>) {
    // Not journaled yet (the pre-send check could not reach the relay): sent again later.
    let mut unsent: VecDeque<(u64, String)> = VecDeque::new();
    // Journaled but not on the relay: delivered by a flush.
    let mut journaled: Vec<u64> = Vec::new();
    let mut failures = 0u32;
    let mut next_try = Instant::now();
    let _ = tx.send(Event::Queued(writer.queued()));
    loop {
        let wait = if unsent.is_empty() && journaled.is_empty() && writer.queued() == 0 {
            Duration::from_secs(3600)
        } else {
            next_try.saturating_duration_since(Instant::now())
        };
        match rx.recv_timeout(wait) {
            Ok(Command::Text { id, text }) => {
                if unsent.is_empty() {
                    send_text(&mut writer, &tx, id, &text, &mut unsent, &mut journaled);
                } else {
                    // Keep the order: behind what is already waiting.
                    unsent.push_back((id, text));
                    let _ = tx.send(Event::Send {
                        id,
                        state: SendState::Queued,
                    });
                }
            }
            Ok(Command::File { id, path, text }) => send_file(&mut writer, &tx, id, &path, &text),
            Ok(Command::Save(m, dir)) => save(&mut writer, &tx, &m, &dir),
            Ok(Command::Members) => members(&mut writer, &tx),
            Ok(Command::Verify) => verify(&mut writer, &tx),
            Err(RecvTimeoutError::Timeout) => {
                if retry(&mut writer, &tx, &mut unsent, &mut journaled) {
                    failures = 0;
                } else {
                    failures += 1;
                    next_try = Instant::now() + backoff(failures).max(Duration::from_secs(2));
                }
            }
            Err(RecvTimeoutError::Disconnected) => break,
        }
        if !unsent.is_empty() || !journaled.is_empty() {
            next_try = next_try.max(Instant::now() + Duration::from_secs(2));
        }
        for w in writer.warnings() {
            let _ = tx.send(Event::Warning(w));
        }
        let _ = tx.send(Event::Queued(writer.queued() + unsent.len()));
    }
}

fn send_text(
    writer: &mut Writer,
    tx: &Sender<Event>,
    id: u64,
    text: &str,
    unsent: &mut VecDeque<(u64, String)>,
    journaled: &mut Vec<u64>,
) {
    let state = match writer.send(text) {
        Ok(sent) => SendState::Delivered(sent),
        Err(Error::Queued { .. }) => {
            journaled.push(id);
            SendState::Queued
        }
        Err(e) if e.is_transient() => {
            unsent.push_back((id, text.to_string()));
            SendState::Queued
        }
        Err(e) => SendState::Failed(e.to_string()),
    };
    let _ = tx.send(Event::Send { id, state });
}

/// Tries what waits again: the outbox first, then unsent texts in order. True when
/// nothing is left waiting.
fn retry(
    writer: &mut Writer,
    tx: &Sender<Event>,
    unsent: &mut VecDeque<(u64, String)>,
    journaled: &mut Vec<u64>,
) -> bool {
    if writer.queued() > 0 {
        if writer.flush().is_err() {
            return false;
        }
        for id in journaled.drain(..) {
            let _ = tx.send(Event::Send {
                id,
                state: SendState::Delivered(None),
            });
        }
    }
    while let Some((id, text)) = unsent.pop_front() {
        let before = unsent.len();
        send_text(writer, tx, id, &text, unsent, journaled);
        if unsent.len() > before || !journaled.is_empty() {
            // Still unreachable: it went back to the end; put it first again.
            if let Some(back) = unsent.pop_back() {
                unsent.push_front(back);
            }
            return false;
        }
    }
    true
}

fn send_file(writer: &mut Writer, tx: &Sender<Event>, id: u64, path: &std::path::Path, text: &str) {
    let Writer::Native(room) = writer else {
        let _ = tx.send(Event::Send {
            id,
            state: SendState::Failed("the original FTPChat format has no attachments".into()),
        });
        return;
    };
    let progress_tx = tx.clone();
    let last = std::cell::Cell::new(Instant::now());
    let state = match room.send_file_with_progress(path, text, &|done, all| {
        if last.get().elapsed() > Duration::from_millis(200) || done == all {
            last.set(Instant::now());
            let _ = progress_tx.send(Event::Send {
                id,
                state: SendState::Uploading(done, all),
            });
        }
    }) {
        Ok(s) => SendState::Delivered(Some((s.feed, s.seq))),
        Err(Error::Queued { .. }) => SendState::Queued,
        Err(e) => SendState::Failed(e.to_string()),
    };
    let _ = tx.send(Event::Send { id, state });
}

fn save(writer: &mut Writer, tx: &Sender<Event>, m: &Message, dir: &std::path::Path) {
    let Writer::Native(room) = writer else {
        return;
    };
    let note = match room.save_attachment(m, dir) {
        Ok(Some(path)) => format!("saved {}", path.display()),
        Ok(None) => "that message announces no file that verified".into(),
        Err(e) => format!("not saved: {e}"),
    };
    let _ = tx.send(Event::Note(note));
}

fn members(writer: &mut Writer, tx: &Sender<Event>) {
    let Writer::Native(room) = writer else {
        let _ = tx.send(Event::Note(
            "a legacy room has no roster: anyone with the passphrase can write".into(),
        ));
        return;
    };
    match room.members() {
        Ok(list) => {
            let _ = tx.send(Event::Note(format!("{} in the roster:", list.len())));
            for m in list {
                let state = match &m.removed_at {
                    Some(at) => format!("removed {at}"),
                    None => format!("member since {}", m.added_at),
                };
                let _ = tx.send(Event::Note(format!(
                    "  {} ({}) {state}",
                    crate::protocol::text::sanitize(&m.name),
                    crate::protocol::keys::truncate(&m.key, 12)
                )));
            }
        }
        Err(e) => {
            let _ = tx.send(Event::Note(format!("members: {e}")));
        }
    }
}

fn verify(writer: &mut Writer, tx: &Sender<Event>) {
    let Writer::Native(room) = writer else {
        let _ = tx.send(Event::Note(
            "a legacy room cannot be verified: its lines carry no signatures".into(),
        ));
        return;
    };
    match room.verify() {
        Ok(report) => {
            let _ = tx.send(Event::Note(format!(
                "verify: {} feed(s), {} finding(s)",
                report.feeds.len(),
                report.findings.len()
            )));
            for f in &report.findings {
                let _ = tx.send(Event::Warning(format!(
                    "{}: {}",
                    crate::protocol::text::sanitize(&f.scope),
                    crate::protocol::text::sanitize(&f.finding)
                )));
            }
        }
        Err(e) => {
            let _ = tx.send(Event::Note(format!("verify: {e}")));
        }
    }
}

/// Sleeps up to `d`, waking early when `stop` is set.
fn sleep_unless(stop: &AtomicBool, d: Duration) {
    let end = Instant::now() + d;
    while !stop.load(Ordering::SeqCst) {
        let now = Instant::now();
        if now >= end {
            return;
        }
        std::thread::sleep((end - now).min(Duration::from_millis(25)));
    }
}
