//! `ftpchat chat`: one terminal to read and write a room.
//!
//! The screen (ratatui over crossterm, in the alternate screen) runs on the main thread;
//! polling and sending run on their own threads ([`worker`]) and report through a
//! channel, so the screen never waits for the relay. The terminal is restored on every
//! way out: `/quit`, Ctrl-C, Ctrl-D, SIGTERM, an error, or a panic (ratatui's hook).

pub mod editor;
pub mod view;
pub mod worker;

use std::collections::HashMap;
use std::io::Write as _;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender};
use std::time::{Duration, Instant};

use ratatui::crossterm::event::{
    self, Event as TermEvent, KeyCode, KeyEvent, KeyEventKind, KeyModifiers,
};
use ratatui::layout::{Constraint, Layout, Position};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::room::reader::Message;
use editor::Editor;
use view::{Item, Msg, Own, Palette};
use worker::{Command, Event, SendState};

/// What the screen needs to know about the room it shows.
#[derive(Debug, Clone)]
pub struct Screen {
    /// The room's name for the status bar.
    pub room: String,
    /// The relay, without password.
    pub relay: String,
    /// This device's signing key (to recognise its own messages when polled back).
    pub me: Option<String>,
    /// The display name sent with messages (for showing them at once).
    pub name: String,
    /// Whether the room is a legacy chat file.
    pub legacy: bool,
    /// Most items kept.
    pub scrollback: usize,
    /// Times in UTC.
    pub utc: bool,
    /// Colour.
    pub palette: Palette,
}

/// The state of the screen.
struct App {
    screen: Screen,
    items: Vec<Item>,
    /// Rows scrolled up from the bottom.
    scroll: usize,
    /// Messages that arrived while scrolled up.
    unread: usize,
    editor: Editor,
    /// Own sends by id: the item index and the text (to match them when polled back).
    own: HashMap<u64, (usize, String)>,
    /// Own records on the relay, by (feed, seq): shown already.
    own_seen: HashMap<(String, u64), usize>,
    next_id: u64,
    /// Attachments announced, for `/save N`.
    attachments: Vec<Message>,
    last_day: Option<String>,
    connection: String,
    last_poll: Option<Instant>,
    queued: usize,
    quit: bool,
    bell: bool,
}

/// Runs the screen until the user quits. The workers are started by the caller and fed
/// by `commands`; their reports come in on `events`.
///
/// # Errors
///
/// Terminal errors (the terminal is restored first).
pub fn run(
    screen: Screen,
    events: Receiver<Event>,
    commands: Sender<Command>,
    stop: Arc<AtomicBool>,
) -> std::io::Result<usize> {
    let mut terminal = ratatui::try_init()?;
    let _ = ratatui::crossterm::execute!(
        std::io::stdout(),
        ratatui::crossterm::event::EnableBracketedPaste
    );
    let mut app = App::new(screen);
    let done = Arc::new(AtomicBool::new(false));
    hangup_watchdog(Arc::clone(&done));
    let result = app.event_loop(&mut terminal, &events, &commands);
    done.store(true, Ordering::SeqCst);
    let _ = ratatui::crossterm::execute!(
        std::io::stdout(),
        ratatui::crossterm::event::DisableBracketedPaste
    );
    ratatui::restore();
    stop.store(true, Ordering::SeqCst);
    result.map(|()| app.unsent())
}

/// Ends the process when a stop was asked for (SIGHUP when the terminal closes, SIGTERM)
/// and the screen loop has not ended a second later. A hung-up terminal reads as endless
/// end-of-file, and crossterm's reader then retries inside one call without returning,
/// so the loop never sees the request. Messages already handed to the sending thread are
/// in the outbox and go out with the next command that flushes it.
fn hangup_watchdog(done: Arc<AtomicBool>) {
    let _ = std::thread::Builder::new()
        .name("chat-hangup".into())
        .spawn(move || {
            while !done.load(Ordering::SeqCst) {
                if crate::signals::interrupted() {
                    std::thread::sleep(Duration::from_secs(1));
                    if !done.load(Ordering::SeqCst) {
                        ratatui::restore();
                        std::process::exit(crate::error::ExitCode::Interrupted as i32);
                    }
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        });
}

impl App {
    fn new(screen: Screen) -> Self {
        let mut app = App {
            items: Vec::new(),
            scroll: 0,
            unread: 0,
            editor: Editor::default(),
            own: HashMap::new(),
            own_seen: HashMap::new(),
            next_id: 1,
            attachments: Vec::new(),
            last_day: None,
            connection: "connecting".into(),
            last_poll: None,
            queued: 0,
            quit: false,
            bell: false,
            screen,
        };
        if app.screen.legacy {
            app.push(Item::Warn(crate::room::legacy::NOTE.into()));
        }
        app.push(Item::Note(format!(
            "{} on {}: type a message and press Enter; /help lists commands",
            app.screen.room, app.screen.relay
        )));
        app
    }

    fn event_loop(
        &mut self,
        terminal: &mut ratatui::DefaultTerminal,
        events: &Receiver<Event>,
        commands: &Sender<Command>,
    ) -> std::io::Result<()> {
        let mut dirty = true;
        let mut last_draw = Instant::now();
        while !self.quit {
            if crate::signals::interrupted() {
                break;
            }
            while let Ok(e) = events.try_recv() {
                self.on_worker(e);
                dirty = true;
            }
            if self.bell {
                self.bell = false;
                let _ = std::io::stdout().write_all(b"\x07");
                let _ = std::io::stdout().flush();
            }
            if dirty || last_draw.elapsed() > Duration::from_secs(1) {
                terminal.draw(|f| self.draw(f))?;
                last_draw = Instant::now();
                dirty = false;
            }
            if event::poll(Duration::from_millis(30))? {
                match event::read()? {
                    TermEvent::Key(k) if k.kind != KeyEventKind::Release => {
                        self.on_key(k, commands);
                    }
                    TermEvent::Paste(text) => self.editor.insert(&text),
                    _ => {}
                }
                dirty = true;
            }
        }
        Ok(())
    }

    /// Messages typed but not known to be on the relay or in the outbox.
    fn unsent(&self) -> usize {
        self.own
            .values()
            .filter(|(i, _)| {
                matches!(&self.items[*i], Item::Msg(m) if matches!(m.own, Some(Own::Sending | Own::Uploading(..))))
            })
            .count()
    }

    fn push(&mut self, item: Item) -> usize {
        if self.scroll > 0 {
            // Keep the view where the reader left it.
            self.scroll += view::rows(&item, 80, self.screen.palette).len();
        }
        self.items.push(item);
        if self.items.len() > self.screen.scrollback {
            let drop = self.items.len() - self.screen.scrollback;
            self.items.drain(..drop);
            for (i, _) in self.own.values_mut() {
                *i = i.saturating_sub(drop);
            }
            for i in self.own_seen.values_mut() {
                *i = i.saturating_sub(drop);
            }
        }
        self.items.len() - 1
    }

    fn on_worker(&mut self, e: Event) {
        match e {
            Event::Messages(ms) => {
                for m in ms {
                    self.show(m);
                }
            }
            Event::Warning(w) => {
                self.push(Item::Warn(view::sanitize_lines(&w)));
            }
            Event::Note(n) => {
                self.push(Item::Note(view::sanitize_lines(&n)));
            }
            Event::Polled(Ok(())) => {
                if self.connection != "connected" && self.last_poll.is_some() {
                    self.push(Item::Note("connected to the relay again".into()));
                }
                self.connection = "connected".into();
                self.last_poll = Some(Instant::now());
            }
            Event::Polled(Err(why)) => {
                if self.connection == "connected" || self.last_poll.is_none() {
                    self.push(Item::Warn(view::sanitize_lines(&why)));
                }
                self.connection = "reconnecting".into();
            }
            Event::Queued(n) => self.queued = n,
            Event::Send { id, state } => self.on_send(id, state),
        }
    }

    fn on_send(&mut self, id: u64, state: SendState) {
        let Some((index, _)) = self.own.get(&id).cloned() else {
            return;
        };
        let own = match state {
            SendState::Delivered(place) => {
                if let Some(place) = place {
                    self.own_seen.insert(place, index);
                }
                Own::Delivered
            }
            SendState::Uploading(done, all) => Own::Uploading(done, all),
            SendState::Queued => Own::Queued,
            SendState::Failed(why) => Own::Failed(crate::protocol::text::sanitize(&why)),
        };
        if let Some(Item::Msg(m)) = self.items.get_mut(index) {
            m.own = Some(own);
        }
    }

    /// Shows a message read from the room, unless it is one of ours already shown.
    fn show(&mut self, m: Message) {
        let mine = self.screen.me.is_some() && m.sender == self.screen.me;
        if mine && let (Some(feed), Some(seq)) = (&m.feed, m.seq) {
            if let Some(&i) = self.own_seen.get(&(feed.clone(), seq)) {
                if let Some(Item::Msg(shown)) = self.items.get_mut(i) {
                    shown.own = Some(Own::Delivered);
                }
                return;
            }
            // Polled back before the sender heard it was delivered: match by text.
            let body = m.body.clone().unwrap_or_default();
            let waiting = self.own.values().find(|(i, text)| {
                *text == body
                    && matches!(&self.items[*i], Item::Msg(x) if x.own != Some(Own::Delivered))
            });
            if let Some(&(i, _)) = waiting {
                self.own_seen.insert((feed.clone(), seq), i);
                if let Some(Item::Msg(shown)) = self.items.get_mut(i) {
                    shown.own = Some(Own::Delivered);
                }
                return;
            }
        }
        let (day, _) = view::time_of(&m, self.screen.utc);
        if let Some(day) = day
            && self.last_day.as_ref() != Some(&day)
        {
            self.last_day = Some(day.clone());
            self.push(Item::Day(day));
        }
        for f in &m.findings {
            // Findings at this record appear in the conversation before it.
            let who = crate::protocol::text::sanitize(m.name.as_deref().unwrap_or("?"));
            self.push(Item::Warn(format!(
                "{who}: {}",
                crate::protocol::text::sanitize(f)
            )));
        }
        let number = m.attachment.as_ref().map(|_| {
            self.attachments.push(m.clone());
            self.attachments.len()
        });
        self.push(Item::Msg(Msg::from_message(&m, self.screen.utc, number)));
        if self.scroll > 0 {
            self.unread += 1;
            self.bell = true;
        }
    }

    fn on_key(&mut self, k: KeyEvent, commands: &Sender<Command>) {
        let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
        let alt = k.modifiers.contains(KeyModifiers::ALT);
        match k.code {
            KeyCode::Char('c') if ctrl => self.quit = true,
            KeyCode::Char('d') if ctrl && self.editor.is_empty() => self.quit = true,
            KeyCode::Char('d') if ctrl => self.editor.delete(),
            KeyCode::Char('j') if ctrl => self.editor.insert("\n"),
            KeyCode::Enter if alt || k.modifiers.contains(KeyModifiers::SHIFT) => {
                self.editor.insert("\n");
            }
            KeyCode::Enter => {
                let text = self.editor.submit();
                self.submit(&text, commands);
            }
            KeyCode::Char('a') if ctrl => self.editor.home(),
            KeyCode::Char('e') if ctrl => self.editor.end(),
            KeyCode::Char('u') if ctrl => self.editor.kill_to_start(),
            KeyCode::Char('k') if ctrl => self.editor.kill_to_end(),
            KeyCode::Char('w') if ctrl => self.editor.kill_word(),
            KeyCode::Char('b') if ctrl => self.editor.left(),
            KeyCode::Char('f') if ctrl => self.editor.right(),
            KeyCode::Char('l') if ctrl => {}
            KeyCode::Char(c) if !ctrl => self.editor.insert(&c.to_string()),
            KeyCode::Backspace => self.editor.backspace(),
            KeyCode::Delete => self.editor.delete(),
            KeyCode::Left => self.editor.left(),
            KeyCode::Right => self.editor.right(),
            KeyCode::Home => self.editor.home(),
            KeyCode::End if ctrl || self.editor.is_empty() => self.scroll_to_bottom(),
            KeyCode::End => self.editor.end(),
            KeyCode::Up => self.editor.up(),
            KeyCode::Down => self.editor.down(),
            KeyCode::PageUp => self.scroll = self.scroll.saturating_add(10),
            KeyCode::PageDown => {
                self.scroll = self.scroll.saturating_sub(10);
                if self.scroll == 0 {
                    self.unread = 0;
                }
            }
            KeyCode::Tab => self.editor.insert("    "),
            _ => {}
        }
    }

    fn scroll_to_bottom(&mut self) {
        self.scroll = 0;
        self.unread = 0;
    }

    fn submit(&mut self, text: &str, commands: &Sender<Command>) {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return;
        }
        self.scroll_to_bottom();
        if let Some(rest) = trimmed.strip_prefix('/')
            && !rest.starts_with('/')
        {
            return self.command(rest, commands);
        }
        // `//text` sends `/text`.
        let text = text
            .strip_prefix('/')
            .filter(|t| t.starts_with('/'))
            .unwrap_or(text);
        self.send(text.to_string(), None, commands);
    }

    fn send(&mut self, text: String, file: Option<PathBuf>, commands: &Sender<Command>) {
        let id = self.next_id;
        self.next_id += 1;
        let shown = match &file {
            Some(p) => format!("* sending a file: {}  {text}", p.display()),
            None => text.clone(),
        };
        let index = self.push(Item::Msg(Msg {
            time: chrono::Local::now().format("%H:%M").to_string(),
            name: crate::protocol::text::sanitize(&self.screen.name),
            hue: crate::cli::output::sender_hue(
                self.screen.me.as_deref().unwrap_or(&self.screen.name),
            ),
            standing: if self.screen.legacy {
                view::Standing::Legacy
            } else {
                view::Standing::Verified
            },
            body: view::sanitize_lines(&shown),
            attachment: None,
            own: Some(Own::Sending),
        }));
        self.own.insert(id, (index, text.clone()));
        let command = match file {
            Some(path) => Command::File { id, path, text },
            None => Command::Text { id, text },
        };
        if commands.send(command).is_err() {
            self.on_send(id, SendState::Failed("the sending thread stopped".into()));
        }
    }

    fn command(&mut self, line: &str, commands: &Sender<Command>) {
        let (name, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        let rest = rest.trim();
        match name {
            "quit" | "exit" | "q" => self.quit = true,
            "help" | "h" | "?" => {
                for l in HELP {
                    self.push(Item::Note((*l).into()));
                }
            }
            "me" if !rest.is_empty() => {
                let text = format!("* {} {rest}", self.screen.name);
                self.send(text, None, commands);
            }
            "file" if !rest.is_empty() => {
                let (path, text) = split_path(rest);
                let path = expand_home(&path);
                if !path.is_file() {
                    self.push(Item::Warn(format!(
                        "/file: {} is not a readable file",
                        crate::protocol::text::sanitize(&path.display().to_string())
                    )));
                    return;
                }
                self.send(text, Some(path), commands);
            }
            "save" if !rest.is_empty() => {
                let (n, dir) = rest.split_once(char::is_whitespace).unwrap_or((rest, "."));
                let found = n
                    .parse::<usize>()
                    .ok()
                    .and_then(|n| n.checked_sub(1))
                    .and_then(|i| self.attachments.get(i).cloned());
                match found {
                    Some(m) => {
                        let dir = expand_home(dir.trim());
                        self.push(Item::Note(format!(
                            "saving attachment {n} into {}…",
                            crate::protocol::text::sanitize(&dir.display().to_string())
                        )));
                        let _ = commands.send(Command::Save(Box::new(m), dir));
                    }
                    None => {
                        self.push(Item::Warn(format!(
                            "/save: no attachment {} (files are numbered as they are shown: [/save N])",
                            crate::protocol::text::sanitize(n)
                        )));
                    }
                }
            }
            "members" => {
                self.push(Item::Note("reading the roster…".into()));
                let _ = commands.send(Command::Members);
            }
            "verify" => {
                self.push(Item::Note("verifying the whole room…".into()));
                let _ = commands.send(Command::Verify);
            }
            _ => {
                self.push(Item::Warn(format!(
                    "unknown command /{}: /help lists them (start with // to send a line that begins with /)",
                    crate::protocol::text::sanitize(line)
                )));
            }
        }
    }

    fn draw(&mut self, f: &mut ratatui::Frame<'_>) {
        let area = f.area();
        let input_rows = u16::try_from(self.editor.text().split('\n').count().min(5)).unwrap_or(5);
        let [conv, input, status] = Layout::vertical([
            Constraint::Min(1),
            Constraint::Length(input_rows + 2),
            Constraint::Length(1),
        ])
        .areas(area);

        let (rows, scroll) = view::window(
            &self.items,
            conv.width,
            usize::from(conv.height),
            self.scroll,
            self.screen.palette,
        );
        self.scroll = scroll;
        if scroll == 0 {
            self.unread = 0;
        }
        f.render_widget(Paragraph::new(rows), conv);

        // The input: sanitised per line, scrolled so the cursor's line is visible.
        let text = self.editor.text();
        let lines: Vec<String> = text
            .split('\n')
            .map(crate::protocol::text::sanitize)
            .collect();
        let (cl, cc) = self.editor.cursor_line_col();
        let first = cl.saturating_sub(usize::from(input_rows) - 1);
        let shown: Vec<Line<'_>> = lines
            .iter()
            .skip(first)
            .take(usize::from(input_rows))
            .map(|l| Line::from(l.as_str()))
            .collect();
        let title = if self.scroll > 0 {
            format!(" scrolled up: End for the latest ({} new) ", self.unread)
        } else {
            " message (Enter sends, Alt-Enter new line, /help) ".into()
        };
        let border = if self.screen.palette.color {
            Style::default().fg(Color::DarkGray)
        } else {
            Style::default()
        };
        let inner_width = input.width.saturating_sub(2);
        // Horizontal scroll for long lines.
        let before: String = text
            .split('\n')
            .nth(cl)
            .unwrap_or_default()
            .chars()
            .take(cc)
            .collect();
        let col = unicode_width::UnicodeWidthStr::width(
            crate::protocol::text::sanitize(&before).as_str(),
        );
        let hscroll = col.saturating_sub(usize::from(inner_width.saturating_sub(1)));
        f.render_widget(
            Paragraph::new(shown)
                .scroll((0, u16::try_from(hscroll).unwrap_or(u16::MAX)))
                .block(
                    Block::default()
                        .borders(Borders::ALL)
                        .border_style(border)
                        .title(title),
                ),
            input,
        );
        let x = input.x + 1 + u16::try_from(col - hscroll).unwrap_or(0);
        let y = input.y + 1 + u16::try_from(cl - first).unwrap_or(0);
        f.set_cursor_position(Position::new(
            x.min(input.x + input.width.saturating_sub(2)),
            y,
        ));

        let polled = self.last_poll.map_or_else(
            || "not polled yet".to_string(),
            |t| format!("polled {}s ago", t.elapsed().as_secs()),
        );
        let mut parts = vec![
            format!(" {} ", self.screen.room),
            self.screen.relay.clone(),
            self.connection.clone(),
            polled,
        ];
        if self.queued > 0 {
            parts.push(format!("{} queued", self.queued));
        }
        if self.unread > 0 {
            parts.push(format!("{} unread", self.unread));
        }
        let bar = parts.join(" · ");
        let style = if self.screen.palette.color {
            Style::default().bg(Color::Blue).fg(Color::White)
        } else {
            Style::default().add_modifier(Modifier::REVERSED)
        };
        f.render_widget(
            Paragraph::new(Line::from(Span::styled(
                format!("{bar:<width$}", width = usize::from(status.width)),
                style,
            ))),
            status,
        );
    }
}

const HELP: &[&str] = &[
    "commands:",
    "  /file PATH [TEXT]  send a file (quote a PATH with spaces: \"my file.pdf\")",
    "  /save N [DIR]      save attachment N (as numbered [/save N]) into DIR (default .)",
    "  /members           the room's roster",
    "  /verify            audit the whole room",
    "  /me TEXT           an action (* name TEXT)",
    "  /quit              leave (also Ctrl-C, or Ctrl-D on an empty line)",
    "keys: Enter send · Alt-Enter/Ctrl-J new line · Up/Down history · PageUp/PageDown scroll · End bottom",
];

/// `PATH rest` or `"PATH with spaces" rest`.
fn split_path(s: &str) -> (String, String) {
    if let Some(quoted) = s.strip_prefix('"')
        && let Some((path, rest)) = quoted.split_once('"')
    {
        return (path.to_string(), rest.trim().to_string());
    }
    let (path, rest) = s.split_once(char::is_whitespace).unwrap_or((s, ""));
    (path.to_string(), rest.trim().to_string())
}

/// `~/x` as `$HOME/x`.
fn expand_home(p: &str) -> PathBuf {
    match (p.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => PathBuf::from(p),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_paths_may_be_quoted() {
        assert_eq!(
            split_path("\"my file.pdf\" the report"),
            ("my file.pdf".to_string(), "the report".to_string())
        );
        assert_eq!(split_path("a.txt"), ("a.txt".to_string(), String::new()));
    }
}
