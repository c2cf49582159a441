//! Relay addresses: `ftp://user@host[:port]/path`, `ftps://...` (explicit TLS), and
//! `file:///path` (or a bare absolute path) for a folder on a mounted filesystem.

use std::fmt;

use percent_encoding::percent_decode_str;

use crate::error::{Error, Result};
use crate::secret::Secret;

/// How the relay is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// `ftp://`: no encryption of the transport (records are end-to-end encrypted anyway,
    /// but the password is sent in clear).
    Ftp,
    /// `ftps://`: AUTH TLS on the control connection, PROT P on data connections.
    Ftps,
    /// `file:///path`: a directory on a mounted filesystem (no host, user or password).
    File,
    /// `sftp://`: the SFTP subsystem of an SSH server (port 22 by default).
    Sftp,
}

/// A parsed relay address. `Display` never shows the password.
#[derive(Clone)]
pub struct RelayUrl {
    /// Transport.
    pub scheme: Scheme,
    /// Host name or address.
    pub host: String,
    /// Port.
    pub port: u16,
    /// Login name (`anonymous` when none is given and `~/.netrc` names none).
    pub user: String,
    /// Whether the URL named the user (otherwise `~/.netrc` may supply it, as in curl).
    pub user_given: bool,
    /// Password given in the URL (discouraged; a warning is printed).
    pub password: Option<Secret>,
    /// Directory path on the server, `/` when none; always starts with `/`, never ends
    /// with one except for the root.
    pub path: String,
    /// For `file://`: the relay folder itself, which must exist (a missing one is a disk
    /// that is not mounted), when `path` goes on below it into a room. Written as
    /// `file:///mnt/usb/./room` so that a stored relay-and-room key keeps the boundary.
    pub base: Option<String>,
}

impl fmt::Debug for RelayUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RelayUrl({self})")
    }
}

impl fmt::Display for RelayUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = match self.scheme {
            Scheme::Ftp => "ftp",
            Scheme::Ftps => "ftps",
            Scheme::Sftp => "sftp",
            Scheme::File => {
                return match &self.base {
                    Some(b)
                        if self
                            .path
                            .starts_with(&format!("{}/", b.trim_end_matches('/'))) =>
                    {
                        let below = self.path[b.len()..].trim_start_matches('/');
                        write!(f, "file://{}/./{below}", b.trim_end_matches('/'))
                    }
                    _ => write!(f, "file://{}", self.path),
                };
            }
        };
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        write!(
            f,
            "{scheme}://{}@{host}:{}{}",
            self.user, self.port, self.path
        )
    }
}

impl RelayUrl {
    /// Parses a relay URL.
    ///
    /// # Errors
    ///
    /// [`Error::Usage`] naming what is wrong; the password never appears in it.
    pub fn parse(s: &str) -> Result<Self> {
        let bad = |why: &str| {
            Error::Usage(format!(
                "bad relay URL: {why} (expected ftp://user@host[:port]/path, ftps://..., \
                 sftp://... or file:///path)"
            ))
        };
        if s.starts_with('/') || s.starts_with("file:") {
            return Self::parse_file(s).map_err(|why| bad(&why));
        }
        let parsed = ::url::Url::parse(s).map_err(|e| bad(&e.to_string()))?;
        let scheme = match parsed.scheme() {
            "ftp" => Scheme::Ftp,
            "ftps" => Scheme::Ftps,
            "sftp" => Scheme::Sftp,
            other => return Err(bad(&format!("unsupported scheme {other:?}"))),
        };
        let host = parsed
            .host_str()
            .filter(|h| !h.is_empty())
            .ok_or_else(|| bad("no host"))?;
        let host = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string();
        let user_given = !parsed.username().is_empty();
        let user = match parsed.username() {
            "" => "anonymous".to_string(),
            u => decode(u).ok_or_else(|| bad("user name is not UTF-8"))?,
        };
        let password = match parsed.password() {
            Some(p) => Some(Secret::new(
                decode(p).ok_or_else(|| bad("password is not UTF-8"))?,
            )),
            None => None,
        };
        if parsed.query().is_some() || parsed.fragment().is_some() {
            return Err(bad("query strings and fragments are not allowed"));
        }
        let path = decode(parsed.path()).ok_or_else(|| bad("path is not UTF-8"))?;
        Ok(RelayUrl {
            scheme,
            host,
            port: parsed
                .port()
                .unwrap_or(if scheme == Scheme::Sftp { 22 } else { 21 }),
            user,
            user_given,
            password,
            path: normalize_dir(&path).map_err(|e| bad(&e))?,
            base: None,
        })
    }

    /// `file:///path` or a bare absolute path.
    fn parse_file(s: &str) -> std::result::Result<Self, String> {
        // Parsed by hand: a URL parser would drop the `/./` that marks the room.
        let path = if s.starts_with('/') {
            s.to_string()
        } else {
            let rest = s
                .strip_prefix("file://")
                .ok_or("a folder relay is file:///path")?;
            let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
            if !host.is_empty() && !host.eq_ignore_ascii_case("localhost") {
                return Err("a file:// URL names a local folder: file:///path (no host)".into());
            }
            if path.contains(['?', '#']) {
                return Err("query strings and fragments are not allowed".into());
            }
            decode(path).ok_or("path is not UTF-8")?
        };
        // `/mnt/usb/./room`: the folder is `/mnt/usb`, the room below it.
        let base = match path.split_once("/./") {
            Some((b, _)) => normalize_dir(b)?,
            None => normalize_dir(&path)?,
        };
        Ok(RelayUrl {
            scheme: Scheme::File,
            host: String::new(),
            port: 0,
            user: String::new(),
            user_given: true,
            password: None,
            path: normalize_dir(&path)?,
            base: Some(base),
        })
    }

    /// `host:port`, for messages and connecting (the folder's path for `file://`).
    pub fn authority(&self) -> String {
        if self.scheme == Scheme::File {
            return self.path.clone();
        }
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }

    /// The room directory: `room` joined to the URL's path (an absolute `room` replaces it).
    ///
    /// # Errors
    ///
    /// [`Error::Usage`] for `..` or control characters.
    pub fn room_dir(&self, room: Option<&str>) -> Result<String> {
        let joined = match room {
            None => self.path.clone(),
            Some(r) if r.starts_with('/') => r.to_string(),
            Some(r) => format!("{}/{r}", self.path.trim_end_matches('/')),
        };
        normalize_dir(&joined).map_err(|e| Error::Usage(format!("bad room path: {e}")))
    }

    /// The room at `dir` on this relay without user or password, as a room's descriptor
    /// lists its relays (each member logs in as themselves): `ftp://host:port/dir`.
    pub fn public_for(&self, dir: &str) -> String {
        let mut u = self.clone();
        u.path = dir.to_string();
        u.password = None;
        let shown = u.to_string();
        match self.scheme {
            Scheme::File => shown,
            _ => shown.replacen(&format!("://{}@", u.user), "://", 1),
        }
    }

    /// Whether `other` names the same place: scheme, host, port and path (the user and
    /// password aside).
    pub fn same_place(&self, other: &RelayUrl) -> bool {
        self.scheme == other.scheme
            && self.host.eq_ignore_ascii_case(&other.host)
            && self.port == other.port
            && self.path == other.path
    }

    /// The same relay with another path, without the password: what state files key on.
    pub fn key_for(&self, dir: &str) -> String {
        let mut u = self.clone();
        u.path = dir.to_string();
        u.password = None;
        u.to_string()
    }
}

fn decode(s: &str) -> Option<String> {
    percent_decode_str(s)
        .decode_utf8()
        .ok()
        .map(|c| c.into_owned())
}

/// Normalises a directory path: absolute, no empty or `.` parts, no `..`, no control
/// characters, no trailing slash.
fn normalize_dir(path: &str) -> std::result::Result<String, String> {
    let mut parts = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => return Err("'..' is not allowed".into()),
            p if p.chars().any(char::is_control) => {
                return Err("control characters are not allowed".into());
            }
            p => parts.push(p),
        }
    }
    Ok(format!("/{}", parts.join("/")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_hides_password() {
        let u = RelayUrl::parse("ftp://al%40ce:p%3Ass@example.org:2121/chat/").expect("url");
        assert_eq!(
            (u.user.as_str(), u.port, u.path.as_str()),
            ("al@ce", 2121, "/chat")
        );
        assert_eq!(u.password.as_ref().map(Secret::expose), Some("p:ss"));
        assert!(!u.to_string().contains("p:ss"));
        assert!(!format!("{u:?}").contains("p:ss"));
        assert_eq!(u.room_dir(Some("ops")).expect("dir"), "/chat/ops");
        assert_eq!(u.room_dir(Some("/x/y/")).expect("dir"), "/x/y");
        assert!(u.room_dir(Some("../etc")).is_err());
        for text in [
            "file:///srv/relay/",
            "/srv/relay",
            "file://localhost/srv/relay",
        ] {
            let f = RelayUrl::parse(text).expect(text);
            assert_eq!(f.scheme, Scheme::File);
            assert_eq!(f.to_string(), "file:///srv/relay");
            assert_eq!(f.room_dir(Some("ops")).expect("dir"), "/srv/relay/ops");
        }
        assert!(RelayUrl::parse("file://elsewhere/x").is_err());
        // A stored relay-and-room key keeps where the folder ends and the room begins.
        let f = RelayUrl::parse("file:///srv/relay").expect("url");
        let key = f.key_for("/srv/relay/chat/ops");
        assert_eq!(key, "file:///srv/relay/./chat/ops");
        let again = RelayUrl::parse(&key).expect("key");
        assert_eq!(again.base.as_deref(), Some("/srv/relay"));
        assert_eq!(again.path, "/srv/relay/chat/ops");
        assert_eq!(again.to_string(), key);
        assert!(RelayUrl::parse("/srv/../etc").is_err());
    }

    #[test]
    fn defaults_and_errors() {
        let u = RelayUrl::parse("ftps://[::1]").expect("url");
        assert_eq!(
            (u.scheme, u.port, u.user.as_str(), u.path.as_str()),
            (Scheme::Ftps, 21, "anonymous", "/")
        );
        assert_eq!(u.authority(), "[::1]:21");
        assert!(RelayUrl::parse("http://h/").is_err());
        assert!(RelayUrl::parse("ftp://").is_err());
        assert!(RelayUrl::parse("ftp://h/?q=1").is_err());
        let e = RelayUrl::parse("gopher://u:hunter2@h/")
            .expect_err("scheme")
            .to_string();
        assert!(!e.contains("hunter2"));
        let s = RelayUrl::parse("sftp://u@h/chat").expect("sftp");
        assert_eq!((s.scheme, s.port), (Scheme::Sftp, 22));
        assert_eq!(s.to_string(), "sftp://u@h:22/chat");
    }
}
