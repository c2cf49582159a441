//! The input line of `ftpchat chat`: a small multi-line editor with the keys shells
//! have taught everyone (Emacs-style line editing, Up/Down through what was sent).

/// Text being typed, with a cursor, and the history of what was submitted.
#[derive(Debug, Default)]
pub struct Editor {
    text: Vec<char>,
    cursor: usize,
    history: Vec<String>,
    /// Position in `history` while browsing it (`None`: editing a new line).
    browsing: Option<usize>,
    /// What was being typed before browsing started.
    draft: Vec<char>,
}

/// Most entries kept in the input history.
const HISTORY: usize = 500;

impl Editor {
    /// The text as typed.
    pub fn text(&self) -> String {
        self.text.iter().collect()
    }

    /// Whether nothing is typed.
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// The cursor as (line, column in characters) within [`Editor::text`].
    pub fn cursor_line_col(&self) -> (usize, usize) {
        let before = &self.text[..self.cursor];
        let line = before.iter().filter(|&&c| c == '\n').count();
        let col = before.iter().rev().take_while(|&&c| c != '\n').count();
        (line, col)
    }

    /// Inserts typed or pasted text at the cursor (CR LF and CR become LF).
    pub fn insert(&mut self, s: &str) {
        let s = s.replace("\r\n", "\n").replace('\r', "\n");
        for c in s.chars() {
            self.text.insert(self.cursor, c);
            self.cursor += 1;
        }
        self.browsing = None;
    }

    /// Deletes the character before the cursor.
    pub fn backspace(&mut self) {
        if self.cursor > 0 {
            self.cursor -= 1;
            self.text.remove(self.cursor);
        }
    }

    /// Deletes the character under the cursor.
    pub fn delete(&mut self) {
        if self.cursor < self.text.len() {
            self.text.remove(self.cursor);
        }
    }

    /// Moves one character left.
    pub fn left(&mut self) {
        self.cursor = self.cursor.saturating_sub(1);
    }

    /// Moves one character right.
    pub fn right(&mut self) {
        self.cursor = (self.cursor + 1).min(self.text.len());
    }

    /// Start of the current line.
    pub fn home(&mut self) {
        while self.cursor > 0 && self.text[self.cursor - 1] != '\n' {
            self.cursor -= 1;
        }
    }

    /// End of the current line.
    pub fn end(&mut self) {
        while self.cursor < self.text.len() && self.text[self.cursor] != '\n' {
            self.cursor += 1;
        }
    }

    /// Deletes from the start of the line to the cursor (Ctrl-U).
    pub fn kill_to_start(&mut self) {
        let end = self.cursor;
        self.home();
        self.text.drain(self.cursor..end);
    }

    /// Deletes from the cursor to the end of the line (Ctrl-K).
    pub fn kill_to_end(&mut self) {
        let start = self.cursor;
        self.end();
        self.text.drain(start..self.cursor);
        self.cursor = start;
    }

    /// Deletes the word before the cursor (Ctrl-W).
    pub fn kill_word(&mut self) {
        let end = self.cursor;
        while self.cursor > 0 && self.text[self.cursor - 1].is_whitespace() {
            self.cursor -= 1;
        }
        while self.cursor > 0 && !self.text[self.cursor - 1].is_whitespace() {
            self.cursor -= 1;
        }
        self.text.drain(self.cursor..end);
    }

    /// Up: the line above within a multi-line text, else the previous history entry.
    pub fn up(&mut self) {
        let (line, col) = self.cursor_line_col();
        if line > 0 {
            self.home();
            self.left();
            self.home();
            self.move_in_line(col);
            return;
        }
        let next = match self.browsing {
            None if self.history.is_empty() => return,
            None => {
                self.draft = std::mem::take(&mut self.text);
                self.history.len() - 1
            }
            Some(0) => return,
            Some(i) => i - 1,
        };
        self.show_history(next);
    }

    /// Down: the line below within a multi-line text, else the next history entry (and
    /// at the end, what was being typed before).
    pub fn down(&mut self) {
        let (_, col) = self.cursor_line_col();
        if self.text[self.cursor..].contains(&'\n') {
            self.end();
            self.right();
            self.move_in_line(col);
            return;
        }
        match self.browsing {
            None => {}
            Some(i) if i + 1 < self.history.len() => self.show_history(i + 1),
            Some(_) => {
                self.browsing = None;
                self.text = std::mem::take(&mut self.draft);
                self.cursor = self.text.len();
            }
        }
    }

    fn move_in_line(&mut self, col: usize) {
        for _ in 0..col {
            if self.cursor < self.text.len() && self.text[self.cursor] != '\n' {
                self.cursor += 1;
            }
        }
    }

    fn show_history(&mut self, i: usize) {
        self.browsing = Some(i);
        self.text = self.history[i].chars().collect();
        self.cursor = self.text.len();
    }

    /// Takes the text for sending, clears the line and remembers it in the history.
    pub fn submit(&mut self) -> String {
        let text = self.text();
        if !text.trim().is_empty() && self.history.last() != Some(&text) {
            self.history.push(text.clone());
            if self.history.len() > HISTORY {
                self.history.remove(0);
            }
        }
        self.text.clear();
        self.cursor = 0;
        self.browsing = None;
        self.draft.clear();
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(s: &str) -> Editor {
        let mut e = Editor::default();
        e.insert(s);
        e
    }

    #[test]
    fn editing_keys_work_like_a_shell() {
        let mut e = typed("hello world");
        e.kill_word();
        assert_eq!(e.text(), "hello ");
        e.home();
        e.insert("> ");
        assert_eq!(e.text(), "> hello ");
        e.kill_to_end();
        assert_eq!(e.text(), "> ");
        e.backspace();
        e.left();
        e.delete();
        assert_eq!(e.text(), "");
        e.insert("abc");
        e.left();
        e.kill_to_start();
        assert_eq!(e.text(), "c");
    }

    #[test]
    fn history_and_multi_line_movement() {
        let mut e = typed("first");
        assert_eq!(e.submit(), "first");
        e.insert("second");
        e.submit();
        e.insert("draft");
        e.up();
        assert_eq!(e.text(), "second");
        e.up();
        assert_eq!(e.text(), "first");
        e.down();
        e.down();
        assert_eq!(e.text(), "draft", "back to what was being typed");

        let mut m = typed("one\r\ntwo");
        assert_eq!(m.text(), "one\ntwo");
        assert_eq!(m.cursor_line_col(), (1, 3));
        m.up();
        assert_eq!(m.cursor_line_col(), (0, 3));
        m.insert("!");
        assert_eq!(m.text(), "one!\ntwo");
        m.down();
        assert_eq!(m.cursor_line_col(), (1, 3));
    }
}
