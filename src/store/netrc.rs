//! `~/.netrc` lookups, as curl and lftp do them: the first `machine` entry for the host
//! (with a matching `login`, when one is asked for), else `default`.

use crate::secret::Secret;

/// A login found in netrc text.
#[derive(Debug, Clone)]
pub struct Login {
    /// The `login` of the entry, when it names one.
    pub user: Option<String>,
    /// The password.
    pub password: Secret,
}

/// Finds the password for `user` at `host` in netrc text.
pub fn lookup(text: &str, host: &str, user: &str) -> Option<Secret> {
    find(text, host, Some(user)).map(|l| l.password)
}

/// Finds the login for `host`: the first `machine` entry for it with a password (whose
/// `login` matches `user`, when one is given), else the `default` entry. With no `user`,
/// the entry's own `login` is the user name, as curl takes it for a URL without one.
pub fn find(text: &str, host: &str, user: Option<&str>) -> Option<Login> {
    let mut tokens = Tokens::new(text);
    let mut entries: Vec<(Option<String>, Option<String>, Option<Secret>)> = Vec::new();
    while let Some(t) = tokens.next() {
        match t.as_str() {
            "machine" => entries.push((tokens.next(), None, None)),
            "default" => entries.push((None, None, None)),
            "login" => {
                let v = tokens.next();
                if let Some(e) = entries.last_mut() {
                    e.1 = v;
                }
            }
            "password" => {
                let v = tokens.next().map(Secret::new);
                if let Some(e) = entries.last_mut() {
                    e.2 = v;
                }
            }
            "macdef" => tokens.skip_macro(),
            "account" => {
                tokens.next();
            }
            _ => {}
        }
    }
    let matches = |e: &&(Option<String>, Option<String>, Option<Secret>)| {
        e.2.is_some() && (user.is_none() || e.1.is_none() || e.1.as_deref() == user)
    };
    let entry = entries
        .iter()
        .filter(|e| e.0.as_deref() == Some(host))
        .find(matches)
        .or_else(|| entries.iter().filter(|e| e.0.is_none()).find(matches))?;
    Some(Login {
        user: entry.1.clone(),
        password: entry.2.clone()?,
    })
}

struct Tokens<'a> {
    rest: &'a str,
}

impl<'a> Tokens<'a> {
    fn new(text: &'a str) -> Self {
        Tokens { rest: text }
    }

    fn next(&mut self) -> Option<String> {
        loop {
            self.rest = self.rest.trim_start();
            if self.rest.starts_with('#') {
                self.rest = self.rest.split_once('\n').map_or("", |x| x.1);
                continue;
            }
            break;
        }
        if self.rest.is_empty() {
            return None;
        }
        if let Some(quoted) = self.rest.strip_prefix('"') {
            let mut out = String::new();
            let mut chars = quoted.char_indices();
            while let Some((i, c)) = chars.next() {
                match c {
                    '"' => {
                        self.rest = &quoted[i + 1..];
                        return Some(out);
                    }
                    '\\' => {
                        if let Some((_, n)) = chars.next() {
                            out.push(n);
                        }
                    }
                    c => out.push(c),
                }
            }
            self.rest = "";
            return Some(out);
        }
        let end = self
            .rest
            .find(char::is_whitespace)
            .unwrap_or(self.rest.len());
        let tok = self.rest[..end].to_string();
        self.rest = &self.rest[end..];
        Some(tok)
    }

    /// A macro definition runs to the next blank line.
    fn skip_macro(&mut self) {
        self.rest = self.rest.split_once("\n\n").map_or("", |x| x.1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn machine_login_default() {
        let text = "# comment\nmachine a.example login bob password b1\n\
                    machine a.example login al password \"x y\"\n\
                    macdef init\ncd /\n\ndefault login anonymous password guest\n";
        let get = |h, u| lookup(text, h, u).map(|s| s.expose().to_string());
        assert_eq!(get("a.example", "al").as_deref(), Some("x y"));
        assert_eq!(get("a.example", "bob").as_deref(), Some("b1"));
        assert_eq!(get("other", "anonymous").as_deref(), Some("guest"));
        assert_eq!(get("other", "zed"), None);
    }

    #[test]
    fn login_taken_from_the_entry_when_the_url_has_none() {
        let text = "machine h login first password p1\nmachine h login second password p2\n\
                    default login guest password g\n";
        let l = find(text, "h", None).expect("an entry for h");
        assert_eq!(l.user.as_deref(), Some("first"));
        assert_eq!(l.password.expose(), "p1");
        let d = find(text, "elsewhere", None).expect("the default entry");
        assert_eq!(d.user.as_deref(), Some("guest"));
        assert!(
            find("machine h login x\n", "h", None).is_none(),
            "no password, no login"
        );
    }
}
