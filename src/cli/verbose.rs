//! `-v`/`--verbose`: the FTP dialogue on stderr, as `curl -v` shows it.
//!
//! The FTP client traces every control-channel line through the `log` facade; this logger
//! prints those lines (`> ` for commands, `< ` for replies) and nothing else, with the
//! argument of `PASS` replaced so a password never reaches the terminal or a log file.

use std::io::Write;

use crate::protocol::text::sanitize;

struct Dialogue;

thread_local! {
    /// The next `CC IN` trace repeats the line just printed.
    static REPEAT_NEXT: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

impl log::Log for Dialogue {
    fn enabled(&self, meta: &log::Metadata<'_>) -> bool {
        meta.target().starts_with("suppaftp")
    }

    fn log(&self, record: &log::Record<'_>) {
        if !self.enabled(record.metadata()) {
            return;
        }
        let msg = record.args().to_string();
        // suppaftp traces a reply's first line twice, before and after the trace of its
        // parsed code: the second one is skipped.
        if msg.starts_with("Code parsed from response") {
            REPEAT_NEXT.set(true);
            return;
        }
        if msg.starts_with("CC IN: ") && REPEAT_NEXT.replace(false) {
            return;
        }
        if let Some(line) = dialogue_line(&msg) {
            let _ = writeln!(std::io::stderr().lock(), "{line}");
        }
    }

    fn flush(&self) {}
}

/// The printable form of one traced control-channel line, or `None` for other traces.
fn dialogue_line(msg: &str) -> Option<String> {
    if let Some(cmd) = msg.strip_prefix("CC OUT: ") {
        return Some(format!("> {}", redact(&sanitize(cmd))));
    }
    let reply = msg.strip_prefix("CC IN: ")?;
    // The client traces a reply line as the Debug form of its bytes: `[50, 51, 48, ...]`.
    let bytes: Option<Vec<u8>> = reply
        .strip_prefix('[')
        .and_then(|r| r.strip_suffix(']'))
        .map(|r| r.split(", ").filter_map(|b| b.parse().ok()).collect());
    let text = match bytes {
        Some(b) => String::from_utf8_lossy(&b).into_owned(),
        None => reply.to_string(),
    };
    Some(format!(
        "< {}",
        sanitize(text.trim_end_matches(['\r', '\n']))
    ))
}

fn redact(cmd: &str) -> String {
    match cmd.get(..5) {
        Some(p) if p.eq_ignore_ascii_case("PASS ") => "PASS ****".to_string(),
        _ => cmd.to_string(),
    }
}

/// Starts printing the dialogue. Called once, before any connection is made.
pub fn install() {
    static LOGGER: Dialogue = Dialogue;
    if log::set_logger(&LOGGER).is_ok() {
        log::set_max_level(log::LevelFilter::Trace);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_redacted_and_replies_unquoted() {
        assert_eq!(
            dialogue_line("CC OUT: PASS hunter2").as_deref(),
            Some("> PASS ****")
        );
        assert_eq!(
            dialogue_line("CC OUT: pass hunter2").as_deref(),
            Some("> PASS ****")
        );
        assert_eq!(
            dialogue_line("CC OUT: USER bob").as_deref(),
            Some("> USER bob")
        );
        assert_eq!(
            dialogue_line(&format!("CC IN: {:?}", b"230 Login ok.\r\n".to_vec())).as_deref(),
            Some("< 230 Login ok.")
        );
        assert_eq!(dialogue_line("Parsed POSIX line x"), None);
    }
}
