//! Printing messages and diagnostics.
//!
//! Data goes to stdout, everything else to stderr. Human output is sanitised (control
//! characters in names and bodies are escaped, so a hostile record cannot drive the
//! terminal) and coloured only on a terminal without `NO_COLOR`.

use crate::protocol::text::sanitize;
use std::io::{self, Write};

use chrono::{DateTime, Local, Utc};

use crate::cli::args::ColorChoice;
use crate::room::reader::Message;

/// How to print messages.
#[derive(Debug, Clone, Copy)]
pub struct Printer {
    /// JSON lines instead of human text.
    pub json: bool,
    /// UTC instead of local time.
    pub utc: bool,
    /// ANSI colour.
    pub color: bool,
}

/// Decides colour from the choice, whether the stream is a terminal and `NO_COLOR`.
pub fn use_color(choice: ColorChoice, is_tty: bool, no_color: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => is_tty && !no_color,
    }
}

impl Printer {
    /// Writes one message.
    ///
    /// # Errors
    ///
    /// Write errors of `out` (a closed pipe among them).
    pub fn print(&self, m: &Message, out: &mut dyn Write) -> io::Result<()> {
        if self.json {
            serde_json::to_writer(&mut *out, m)?;
            return writeln!(out);
        }
        let Some(body) = &m.body else {
            // Not opened: the failure is on stderr; nothing to show as a message.
            return Ok(());
        };
        let ts =
            m.ts.as_deref()
                .map(|t| self.time(t, m.format))
                .unwrap_or_default();
        let name = sanitize(m.name.as_deref().unwrap_or("?"));
        let (b, z) = if self.color {
            (
                sender_color(m.sender.as_deref().unwrap_or(&name)),
                "\x1b[0m",
            )
        } else {
            ("", "")
        };
        let mark = match standing_mark(m) {
            Some(mark @ "legacy, unauthenticated") => {
                paint(self.color, "\x1b[33m", &format!(" [{mark}]"))
            }
            Some(mark) => paint(self.color, "\x1b[1;31m", &format!(" [{mark}]")),
            None if m.verified_by_you => paint(self.color, "\x1b[32m", &format!(" {VOUCHED}")),
            None => String::new(),
        };
        if let Some(event) = &m.event {
            return writeln!(out, "{ts} * {b}{name}{z}{mark} {}", sanitize(event));
        }
        writeln!(out, "{ts} {b}{name}{z}{mark}: {}", sanitize_body(body))
    }

    fn time(&self, ts: &str, format: &str) -> String {
        if format != "native" {
            return sanitize(ts);
        }
        match DateTime::parse_from_rfc3339(ts) {
            Ok(t) if self.utc => t
                .with_timezone(&Utc)
                .format("%Y-%m-%d %H:%M:%S")
                .to_string(),
            Ok(t) => t
                .with_timezone(&Local)
                .format("%Y-%m-%d %H:%M:%S")
                .to_string(),
            // The reader drops times that are not RFC 3339; this is for direct callers.
            Err(_) => "[invalid time]".into(),
        }
    }
}

/// What must be said beside a sender's name so that it is never shown bare unless the
/// record is verified and its sender a member or the owner (or the room has no roster to
/// judge by): `legacy, unauthenticated`, `NOT VERIFIED`, `not a member`, `removed member`.
pub fn standing_mark(m: &Message) -> Option<&'static str> {
    match (m.format, m.verified, m.roster) {
        ("legacy", _, _) => Some("legacy, unauthenticated"),
        (_, false, _) => Some("NOT VERIFIED"),
        (_, true, Some("unknown")) => Some("not a member"),
        (_, true, Some("removed")) => Some("removed member"),
        _ => None,
    }
}

/// The sender's name with its [`standing_mark`], sanitised: `alice`, `mallory [not a
/// member]`. What hooks should show (`FTPCHAT_MSG_LABEL`).
pub fn label(m: &Message) -> String {
    let name = sanitize(m.name.as_deref().unwrap_or("?"));
    match standing_mark(m) {
        Some(mark) => format!("{name} [{mark}]"),
        None if m.verified_by_you => format!("{name} {VOUCHED}"),
        None => name,
    }
}

/// What follows the name of a sender whose key you verified in person
/// (`ftpchat verify-member`).
pub const VOUCHED: &str = "✓";

/// The colour of a sender's name: the same for the same sender in every run and on every
/// machine (a hash of its signing key, or of the name for legacy lines, which have no key).
/// Red and yellow are left for the marks and warnings.
pub fn sender_color(id: &str) -> &'static str {
    const PALETTE: [&str; SENDER_HUES] = [
        "\x1b[1;32m",
        "\x1b[1;34m",
        "\x1b[1;35m",
        "\x1b[1;36m",
        "\x1b[1;92m",
        "\x1b[1;94m",
    ];
    PALETTE[sender_hue(id)]
}

/// How many sender colours there are: green, blue, magenta, cyan, bright green, bright
/// blue (`ftpchat chat` uses the same ones).
pub const SENDER_HUES: usize = 6;

/// Which of the [`SENDER_HUES`] a sender gets: stable across runs and machines.
pub fn sender_hue(id: &str) -> usize {
    // FNV-1a: stable across releases, unlike std's randomly keyed hasher.
    let h = id.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    usize::try_from(h % SENDER_HUES as u64).unwrap_or(0)
}

fn paint(color: bool, code: &str, text: &str) -> String {
    if color {
        format!("{code}{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

/// Like [`sanitize`](crate::protocol::text::sanitize) but keeps line breaks and tabs, indenting continuation lines.
fn sanitize_body(s: &str) -> String {
    s.split('\n')
        .map(|l| sanitize(&l.replace('\t', "    ")))
        .collect::<Vec<_>>()
        .join("\n    ")
}

/// One record line as JSON (`pull --json`, `encrypt --json`): its format, feed and seq
/// where the cleartext prefix names them, and the line itself. The record is not opened.
pub fn record_json(line: &[u8]) -> serde_json::Value {
    use crate::protocol::record::{LineKind, classify};
    let text = String::from_utf8_lossy(line);
    match classify(line) {
        Ok(LineKind::Native(r)) => serde_json::json!({
            "format": "native", "feed": r.feed, "seq": r.seq, "line": text,
        }),
        Ok(LineKind::Legacy(_)) => serde_json::json!({"format": "legacy", "line": text}),
        _ => serde_json::json!({"format": "unknown", "line": text}),
    }
}

/// Writes one record line, bare or as [`record_json`].
///
/// # Errors
///
/// Write errors of `out`.
pub fn write_record(out: &mut dyn Write, line: &[u8], json: bool) -> io::Result<()> {
    if json {
        writeln!(out, "{}", record_json(line))
    } else {
        out.write_all(line)?;
        out.write_all(b"\n")
    }
}

/// Writes a warning line to stderr-like output.
pub fn warn(err: &mut dyn Write, color: bool, msg: &str) {
    let (y, z) = if color {
        ("\x1b[33m", "\x1b[0m")
    } else {
        ("", "")
    };
    let _ = writeln!(err, "{y}ftpchat: warning:{z} {}", sanitize(msg));
}

/// A [`Warn`](crate::room::Warn) sink that writes warnings to stderr-like output.
pub fn warner(err: &mut dyn Write) -> impl FnMut(&str) + '_ {
    move |msg| warn(err, false, msg)
}

/// Writes a note line (informational) to stderr-like output.
pub fn note(err: &mut dyn Write, msg: &str) {
    let _ = writeln!(err, "ftpchat: {msg}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sender_colours_are_stable_and_spread() {
        assert_eq!(sender_color("alice-key"), sender_color("alice-key"));
        let keys = ["k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8"];
        let distinct: std::collections::BTreeSet<_> =
            keys.iter().map(|k| sender_color(k)).collect();
        assert!(
            distinct.len() >= 3,
            "eight senders get several colours: {distinct:?}"
        );
        assert!(
            !distinct
                .iter()
                .any(|c| c.contains("31m") || c.contains("33m"))
        );
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(sanitize("a\x1b[31mb"), "a\\u{1b}[31mb");
        assert_eq!(sanitize_body("x\ny\tz"), "x\n    y    z");
    }
}
