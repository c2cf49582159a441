//! A cron notifier: posts one message and says, by its exit status, what happened.
//!
//! ```sh
//! backup.sh && cargo run --example notify -- "backup ok"
//! ```
//!
//! Exit 0: the message is on the relay. Exit 3: the relay could not be reached; the
//! message is kept in the outbox and goes first on the next run (so a cron job loses
//! nothing). Other codes as ftpchat's table (2 usage, 4 login refused, 6 local files).
//!
//! Environment: `FTPCHAT_RELAY` (room URL), `FTPCHAT_PASSWORD`, `FTPCHAT_ROOM_KEY` (room
//! key file), `NOTIFY_STATE` (state directory, default `./notify-state`), `NOTIFY_NAME`
//! (default `cron`).

use ftpchat::room::{RelayTarget, Room, RoomConfig};

fn main() -> std::process::ExitCode {
    let result = run();
    #[expect(clippy::print_stderr, reason = "an example's only way to report")]
    match result {
        Ok(seq) => {
            eprintln!("notify: delivered (seq {seq})");
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("notify: {e}");
            if let Some(hint) = e.hint() {
                eprintln!("hint: {hint}");
            }
            std::process::ExitCode::from(e.exit_code() as u8)
        }
    }
}

fn env(name: &str) -> ftpchat::Result<String> {
    std::env::var(name).map_err(|_| ftpchat::Error::Usage(format!("set {name}")))
}

fn run() -> ftpchat::Result<u64> {
    let text: Vec<String> = std::env::args().skip(1).collect();
    if text.is_empty() {
        return Err(ftpchat::Error::Usage("usage: notify MESSAGE...".into()));
    }
    let relay = RelayTarget::from_url(&env("FTPCHAT_RELAY")?, &env("FTPCHAT_PASSWORD")?)?;
    let state = std::env::var("NOTIFY_STATE").unwrap_or_else(|_| "notify-state".into());
    let name = std::env::var("NOTIFY_NAME").unwrap_or_else(|_| "cron".into());
    let mut room = Room::open(RoomConfig::new(relay, env("FTPCHAT_ROOM_KEY")?, state).name(&name))?;
    Ok(room.send(&text.join(" "))?.seq)
}
