//! The programs in examples/ are real users of the library: run them against the
//! embedded relay and check what reached the room.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use ftpchat::relay::{RelayConfig, RunningRelay};
use ftpchat::room::{RelayTarget, Room, RoomConfig};

/// `cargo test` builds the examples next to the test binaries' directory.
fn example(name: &str) -> PathBuf {
    let deps = std::env::current_exe().expect("test binary path");
    let path = deps
        .parent()
        .and_then(Path::parent)
        .expect("target/debug")
        .join("examples")
        .join(name);
    assert!(path.exists(), "{} was not built", path.display());
    path
}

struct Setup {
    tmp: tempfile::TempDir,
    relay: Option<RunningRelay>,
    url: String,
    key_file: PathBuf,
}

fn setup() -> Setup {
    let tmp = tempfile::tempdir().expect("temp dir");
    let relay = RunningRelay::start(
        RelayConfig::local(tmp.path().join("relay"), "u", "pw").expect("relay config"),
    )
    .expect("relay");
    let url = format!("ftp://u@{}/ops", relay.addr());
    let key_file = tmp.path().join("room.key");
    ftpchat::protocol::keys::RoomKey::generate()
        .save(&key_file)
        .expect("room key");
    Setup {
        tmp,
        relay: Some(relay),
        url,
        key_file,
    }
}

impl Setup {
    fn room(&self, who: &str) -> Room {
        let relay = RelayTarget::from_url(&self.url, "pw").expect("url");
        Room::open(RoomConfig::new(relay, &self.key_file, self.tmp.path().join(who)).name(who))
            .expect("open room")
    }

    fn command(&self, name: &str) -> Command {
        let mut c = Command::new(example(name));
        c.env("FTPCHAT_RELAY", &self.url)
            .env("FTPCHAT_PASSWORD", "pw")
            .env("FTPCHAT_ROOM_KEY", &self.key_file)
            .env("NOTIFY_STATE", self.tmp.path().join("notify"))
            .env("BOT_STATE", self.tmp.path().join("bot"))
            .stdin(Stdio::null());
        c
    }
}

#[test]
fn notify_delivers_and_queues_when_the_relay_is_down() {
    let mut s = setup();
    let out = s
        .command("notify")
        .args(["backup", "ok"])
        .output()
        .expect("run notify");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got = s.room("reader").poll().expect("poll");
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].body.as_deref(), Some("backup ok"));
    assert_eq!(got[0].name.as_deref(), Some("cron"));
    assert!(got[0].verified);

    s.relay.take().expect("relay").stop();
    let out = s
        .command("notify")
        .arg("disk full")
        .output()
        .expect("run notify");
    assert_eq!(out.status.code(), Some(3), "queued is exit 3");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("outbox"), "{stderr}");
}

#[test]
fn bot_answers_ping_and_ignores_itself() {
    let s = setup();
    let mut bot = s
        .command("bot")
        .env("BOT_SECONDS", "60")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start bot");
    let mut alice = s.room("alice");
    alice.send("!ping").expect("send");
    alice.send("just chatting").expect("send");
    let mut replies = Vec::new();
    // A hang guard, not a speed check: the bot answers within its first polls.
    let give_up = Instant::now() + Duration::from_secs(50);
    while replies.is_empty() && Instant::now() < give_up {
        for m in alice.poll().expect("poll") {
            if m.name.as_deref() == Some("bot") {
                replies.push(m.body.unwrap_or_default());
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = bot.kill();
    let _ = bot.wait();
    assert_eq!(replies, ["pong"], "one answer, to !ping only");
}
