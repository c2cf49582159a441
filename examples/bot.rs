//! A bot that answers in a room: `!ping` gets `pong`, `!time` the bot's clock, `!help`
//! the list. It follows the room with [`Room::watch`] and answers with [`Room::send`],
//! ignoring its own messages and anything whose signature does not hold.
//!
//! ```sh
//! FTPCHAT_RELAY=ftp://bot@relay.example/ops FTPCHAT_PASSWORD=... \
//! FTPCHAT_ROOM_KEY=~/.config/ftpchat/room.key cargo run --example bot
//! ```
//!
//! Environment: `FTPCHAT_RELAY` (room URL), `FTPCHAT_PASSWORD`, `FTPCHAT_ROOM_KEY` (room
//! key file), `BOT_STATE` (state directory, default `./bot-state`), `BOT_NAME` (default
//! `bot`), `BOT_SECONDS` (stop after this long; default: until Ctrl-C).

use std::time::{Duration, Instant};

use ftpchat::room::{RelayTarget, Room, RoomConfig};

fn main() -> std::process::ExitCode {
    match run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            #[expect(clippy::print_stderr, reason = "an example's only way to report")]
            {
                eprintln!("bot: error: {e}");
                if let Some(hint) = e.hint() {
                    eprintln!("hint: {hint}");
                }
            }
            std::process::ExitCode::from(e.exit_code() as u8)
        }
    }
}

fn env(name: &str) -> ftpchat::Result<String> {
    std::env::var(name).map_err(|_| ftpchat::Error::Usage(format!("set {name}")))
}

fn answer(body: &str) -> Option<String> {
    match body.trim() {
        "!ping" => Some("pong".into()),
        "!time" => Some(chrono::Utc::now().to_rfc3339()),
        "!help" => Some("I answer !ping, !time and !help".into()),
        _ => None,
    }
}

fn run() -> ftpchat::Result<()> {
    ftpchat::signals::install();
    let relay = RelayTarget::from_url(&env("FTPCHAT_RELAY")?, &env("FTPCHAT_PASSWORD")?)?;
    let state = std::env::var("BOT_STATE").unwrap_or_else(|_| "bot-state".into());
    let name = std::env::var("BOT_NAME").unwrap_or_else(|_| "bot".into());
    let deadline = std::env::var("BOT_SECONDS")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .map(|s| Instant::now() + Duration::from_secs_f64(s));
    let config = RoomConfig::new(relay, env("FTPCHAT_ROOM_KEY")?, state)
        .name(&name)
        .cursor("bot")
        .poll_interval(Duration::from_millis(200), Duration::from_secs(2));
    let mut room = Room::open(config)?;
    let me = room.feed()?;
    loop {
        // The next message to answer; the watch ends at the deadline or on a signal.
        let next = room.watch(deadline).find_map(|message| match message {
            Err(e) => Some(Err(e)),
            Ok(m) if m.feed.as_deref() == Some(me.as_str()) || !m.verified => None,
            Ok(m) => m.body.as_deref().and_then(answer).map(Ok),
        });
        match next {
            None => return Ok(()),
            Some(reply) => {
                room.send(&reply?)?;
            }
        }
    }
}
