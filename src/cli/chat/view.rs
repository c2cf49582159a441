//! What `ftpchat chat` shows: the conversation as items (day separators, messages with
//! their standing, notes and warnings where they happened), wrapped to the window.
//!
//! Every piece of text from a relay or a sender goes through
//! [`sanitize`](crate::protocol::text::sanitize) before it reaches a cell, so no control
//! or bidirectional character gets to the terminal.

use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthChar;

use crate::cli::output::{sender_hue, standing_mark};
use crate::protocol::text::sanitize;
use crate::room::reader::Message;

/// The state of a message this device sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Own {
    /// Handed to the sending thread.
    Sending,
    /// Uploading an attachment: bytes done, bytes in all.
    Uploading(u64, u64),
    /// On the relay.
    Delivered,
    /// The relay could not be reached: kept, and delivered later without asking.
    Queued,
    /// Refused for good (the reason).
    Failed(String),
}

/// One entry of the conversation.
#[derive(Debug, Clone)]
pub enum Item {
    /// A day separator.
    Day(String),
    /// A message.
    Msg(Msg),
    /// Something ftpchat says (command output, connection changes).
    Note(String),
    /// A finding or problem where it happened (gaps, rewritten history, roster findings).
    Warn(String),
}

/// A message as shown.
#[derive(Debug, Clone)]
pub struct Msg {
    /// `HH:MM`.
    pub time: String,
    /// Sanitised display name.
    pub name: String,
    /// Colour of the name, from the sender's key.
    pub hue: usize,
    /// What is said beside the name: `✓` for verified, `owner`, or a warning mark.
    pub standing: Standing,
    /// Sanitised text (events such as "sent a file" included).
    pub body: String,
    /// An attachment's number for `/save N`.
    pub attachment: Option<usize>,
    /// For messages this device sent.
    pub own: Option<Own>,
}

/// The verification state shown beside a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Standing {
    /// Verified; the sender is a member (or the room has no roster).
    Verified,
    /// Verified; the sender is the room's owner.
    Owner,
    /// Verified, and the sender is someone you verified in person (`verify-member`);
    /// `owner` when they own the room.
    Vouched {
        /// The sender owns the room.
        owner: bool,
    },
    /// Verified, but by a sender the roster calls not a member or removed.
    Warning(&'static str),
    /// Not verified (the reason is in the warnings).
    Bad(&'static str),
    /// The original app's format: no sender authentication.
    Legacy,
}

impl Msg {
    /// A message read from the room; `attachment` numbers a file it announces.
    pub fn from_message(m: &Message, utc: bool, attachment: Option<usize>) -> Self {
        let standing = match (standing_mark(m), m.roster) {
            (Some("legacy, unauthenticated"), _) => Standing::Legacy,
            (Some("NOT VERIFIED"), _) => Standing::Bad("NOT VERIFIED"),
            (Some("not a member"), _) => Standing::Warning("not a member"),
            (Some(_), _) => Standing::Warning("removed member"),
            (None, roster) if m.verified_by_you => Standing::Vouched {
                owner: roster == Some("owner"),
            },
            (None, Some("owner")) => Standing::Owner,
            (None, _) => Standing::Verified,
        };
        let body = match (&m.event, &m.body) {
            (Some(event), Some(body)) if !body.is_empty() && m.attachment.is_none() => {
                format!("* {event}: {body}")
            }
            (Some(event), _) => format!("* {event}"),
            (None, body) => body.clone().unwrap_or_default(),
        };
        let body = match attachment {
            Some(n) => format!("{body}  [/save {n}]"),
            None => body,
        };
        Msg {
            time: time_of(m, utc).1,
            name: sanitize(m.name.as_deref().unwrap_or("?")),
            hue: sender_hue(m.sender.as_deref().or(m.name.as_deref()).unwrap_or("?")),
            standing,
            body: sanitize_lines(&body),
            attachment,
            own: None,
        }
    }
}

/// A message's day (for separators) and `HH:MM`, in local time or UTC.
pub fn time_of(m: &Message, utc: bool) -> (Option<String>, String) {
    use chrono::{DateTime, Local, NaiveDateTime, Utc};
    let Some(ts) = m.ts.as_deref() else {
        return (None, "--:--".into());
    };
    if m.format == "legacy" {
        // The writer's local time as written: `YYYY-MM-DD HH:MM` or `HH:MM`.
        return match NaiveDateTime::parse_from_str(ts, "%Y-%m-%d %H:%M") {
            Ok(t) => (
                Some(t.format("%A %-d %B %Y").to_string()),
                t.format("%H:%M").to_string(),
            ),
            Err(_) => (None, sanitize(&ts.chars().take(5).collect::<String>())),
        };
    }
    match DateTime::parse_from_rfc3339(ts) {
        Ok(t) if utc => {
            let t = t.with_timezone(&Utc);
            (
                Some(t.format("%A %-d %B %Y").to_string()),
                t.format("%H:%M").to_string(),
            )
        }
        Ok(t) => {
            let t = t.with_timezone(&Local);
            (
                Some(t.format("%A %-d %B %Y").to_string()),
                t.format("%H:%M").to_string(),
            )
        }
        Err(_) => (None, "--:--".into()),
    }
}

/// Sanitises each line of a multi-line text, keeping the line breaks.
pub fn sanitize_lines(s: &str) -> String {
    s.split('\n')
        .map(|l| sanitize(&l.replace('\t', "    ")))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Colours for the screen, or none (`NO_COLOR`, `--color never`).
#[derive(Debug, Clone, Copy)]
pub struct Palette {
    /// Whether to use colour at all.
    pub color: bool,
}

impl Palette {
    fn style(self, fg: Color) -> Style {
        if self.color {
            Style::default().fg(fg)
        } else {
            Style::default()
        }
    }

    fn name(self, hue: usize) -> Style {
        const HUES: [Color; crate::cli::output::SENDER_HUES] = [
            Color::Green,
            Color::Blue,
            Color::Magenta,
            Color::Cyan,
            Color::LightGreen,
            Color::LightBlue,
        ];
        self.style(HUES[hue % HUES.len()])
            .add_modifier(Modifier::BOLD)
    }

    fn dim(self) -> Style {
        if self.color {
            Style::default().fg(Color::DarkGray)
        } else {
            Style::default()
        }
    }

    fn warn(self) -> Style {
        self.style(Color::Yellow)
    }

    fn bad(self) -> Style {
        self.style(Color::Red).add_modifier(Modifier::BOLD)
    }
}

/// The styled text of one item, before wrapping: a sequence of (text, style) pieces
/// that may contain line breaks.
fn pieces(item: &Item, p: Palette) -> Vec<(String, Style)> {
    match item {
        Item::Day(day) => vec![(format!("──── {day} ────"), p.dim())],
        Item::Note(text) => vec![(format!("-- {text}"), p.dim())],
        Item::Warn(text) => vec![(format!("!! {text}"), p.warn())],
        Item::Msg(m) => {
            let mut out = vec![
                (format!("{} ", m.time), p.dim()),
                (m.name.clone(), p.name(m.hue)),
            ];
            match &m.standing {
                Standing::Verified => out.push((" ✓".into(), p.dim())),
                Standing::Owner => out.push((" ✓ owner".into(), p.dim())),
                Standing::Vouched { owner } => out.push((
                    if *owner {
                        " ✓ owner, verified by you".into()
                    } else {
                        " ✓ verified by you".into()
                    },
                    p.name(m.hue),
                )),
                Standing::Warning(w) => out.push((format!(" [{w}]"), p.bad())),
                Standing::Bad(w) => out.push((format!(" [{w}]"), p.bad())),
                Standing::Legacy => out.push((" [legacy, unauthenticated]".into(), p.warn())),
            }
            out.push((": ".into(), Style::default()));
            out.push((m.body.replace('\n', "\n  "), Style::default()));
            match &m.own {
                None | Some(Own::Delivered) => {}
                Some(Own::Sending) => out.push(("  (sending…)".into(), p.dim())),
                Some(Own::Uploading(done, all)) => out.push((
                    format!("  (uploading {}%)", done * 100 / (*all).max(1)),
                    p.dim(),
                )),
                Some(Own::Queued) => {
                    out.push(("  (queued: the relay cannot be reached)".into(), p.warn()))
                }
                Some(Own::Failed(why)) => out.push((format!("  (NOT SENT: {why})"), p.bad())),
            }
            if m.own == Some(Own::Delivered) {
                out.push(("  ✓✓".into(), p.dim()));
            }
            out
        }
    }
}

/// Wraps an item to `width` columns: its screen rows.
pub fn rows(item: &Item, width: u16, p: Palette) -> Vec<Line<'static>> {
    let width = usize::from(width.max(8));
    let mut rows: Vec<Vec<(char, Style)>> = vec![Vec::new()];
    let mut used = 0;
    for (text, style) in pieces(item, p) {
        for c in text.chars() {
            if c == '\n' {
                rows.push(Vec::new());
                used = 0;
                continue;
            }
            let w = c.width().unwrap_or(0);
            if used + w > width {
                rows.push(Vec::new());
                used = 0;
            }
            rows.last_mut().expect("a row").push((c, style));
            used += w;
        }
    }
    rows.into_iter().map(to_line).collect()
}

/// Merges runs of one style into spans.
fn to_line(row: Vec<(char, Style)>) -> Line<'static> {
    let mut spans: Vec<Span<'static>> = Vec::new();
    let mut text = String::new();
    let mut style = None;
    for (c, s) in row {
        if style.is_some_and(|st| st != s) {
            spans.push(Span::styled(
                std::mem::take(&mut text),
                style.unwrap_or_default(),
            ));
        }
        style = Some(s);
        text.push(c);
    }
    if !text.is_empty() {
        spans.push(Span::styled(text, style.unwrap_or_default()));
    }
    Line::from(spans)
}

/// The rows to show in a window `height` rows high, `scroll` rows up from the bottom:
/// only the items needed are wrapped. Also returns how far up one can scroll from here
/// (the scroll is clamped to the top of the history).
pub fn window(
    items: &[Item],
    width: u16,
    height: usize,
    scroll: usize,
    p: Palette,
) -> (Vec<Line<'static>>, usize) {
    let want = height + scroll;
    let mut collected: Vec<Line<'static>> = Vec::new();
    for item in items.iter().rev() {
        let mut r = rows(item, width, p);
        r.extend(collected);
        collected = r;
        if collected.len() >= want {
            break;
        }
    }
    let scroll = scroll.min(collected.len().saturating_sub(height));
    let end = collected.len() - scroll;
    let start = end.saturating_sub(height);
    (collected[start..end].to_vec(), scroll)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(name: &str, body: &str) -> Item {
        Item::Msg(Msg {
            time: "10:00".into(),
            name: name.into(),
            hue: 0,
            standing: Standing::Verified,
            body: sanitize_lines(body),
            attachment: None,
            own: None,
        })
    }

    fn text(line: &Line<'_>) -> String {
        line.spans.iter().map(|s| s.content.as_ref()).collect()
    }

    #[test]
    fn long_and_multi_line_messages_wrap_inside_the_width() {
        let p = Palette { color: false };
        let r = rows(&msg("alice", "one\ntwo"), 40, p);
        assert_eq!(
            r.iter().map(text).collect::<Vec<_>>(),
            ["10:00 alice ✓: one", "  two"]
        );
        let r = rows(&msg("bob", &"x".repeat(50)), 20, p);
        assert!(r.iter().all(|l| l.width() <= 20), "{r:?}");
        assert_eq!(
            r.iter().map(text).collect::<String>().matches('x').count(),
            50
        );
    }

    #[test]
    fn hostile_text_reaches_no_cell_raw() {
        let p = Palette { color: true };
        let m = Message {
            format: "native",
            ts: Some("2026-12-03T10:00:00Z".into()),
            name: Some("mal\u{202E}lory\x1b]0;title\x07".into()),
            sender: Some("key".into()),
            room: None,
            feed: None,
            seq: None,
            kind: Some("message".into()),
            body: Some("\x1b[2J\x1b[Hfake\u{2066}\nsecond \u{200B}line".into()),
            verified: true,
            reason: None,
            findings: Vec::new(),
            legacy_version: None,
            roster: Some("unknown"),
            event: None,
            attachment: None,
            unjudged: false,
            verified_by_you: false,
            after: Vec::new(),
        };
        let r = rows(&Item::Msg(Msg::from_message(&m, true, None)), 80, p);
        let all: String = r.iter().map(text).collect();
        assert!(!all.contains('\x1b') && !all.contains('\u{202E}') && !all.contains('\u{2066}'));
        assert!(all.contains("\\u{1b}[2J"), "{all}");
        assert!(
            all.contains("mal\\u{202e}lory\\u{1b}]0;title\\u{7} [not a member]"),
            "{all}"
        );
        assert!(!all.contains('\u{200B}') && !all.contains('\x07'), "{all}");
    }

    #[test]
    fn the_window_is_the_bottom_of_the_history_and_scrolls_up() {
        let p = Palette { color: false };
        let items: Vec<Item> = (0..10).map(|i| msg("a", &format!("m{i}"))).collect();
        let (rows, scroll) = window(&items, 40, 3, 0, p);
        assert_eq!(
            rows.iter()
                .map(text)
                .collect::<Vec<_>>()
                .last()
                .map(String::as_str),
            Some("10:00 a ✓: m9")
        );
        assert_eq!(scroll, 0);
        let (rows, _) = window(&items, 40, 3, 2, p);
        assert_eq!(text(&rows[2]), "10:00 a ✓: m7");
        let (_, clamped) = window(&items, 40, 3, 100, p);
        assert_eq!(clamped, 7, "no further than the first message");
    }
}
