//! SSH host keys the OpenSSH way: `known_hosts` files as `ssh` reads them.
//!
//! A line is `[marker] patterns keytype base64-key [comment]`. Patterns are a comma list
//! of host names, `[host]:port` for ports other than 22, `*`/`?` wildcards, `!`
//! negations (a matching negation makes the whole line not apply) and hashed entries
//! `|1|salt|hmac` (HMAC-SHA1 of the host pattern, as `HashKnownHosts yes` writes them).
//! `@revoked` lines name keys that must never be accepted; `@cert-authority` lines are
//! about certificates, which ftpchat does not use, and are skipped.
//!
//! The verdict for a host and the key it presented: a revoked key fails; a line with
//! the same key makes it known; a line with a key of the same type but different bytes
//! means the key changed (a hard failure naming both fingerprints and the line);
//! otherwise it is unknown, and the caller asks, refuses or records it.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use hmac::{Hmac, Mac};
use sha2::Digest as _;

/// Where a `known_hosts` line is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// The file.
    pub file: PathBuf,
    /// 1-based line number.
    pub number: usize,
}

impl std::fmt::Display for Line {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.file.display(), self.number)
    }
}

/// What the files say about a host's key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// A line names this key for this host.
    Known,
    /// Nothing names a key of this type for this host.
    Unknown,
    /// A line names another key of the same type: the host's key changed, or someone is
    /// in between.
    Changed {
        /// The line with the recorded key.
        line: Line,
        /// The recorded key's SHA256 fingerprint.
        recorded: String,
    },
    /// A `@revoked` line names this key.
    Revoked {
        /// The `@revoked` line.
        line: Line,
    },
}

/// A public key as `known_hosts` writes it: its type name and its blob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostKey {
    /// `ssh-ed25519`, `ecdsa-sha2-nistp256`, `ssh-rsa`, ...
    pub kind: String,
    /// The key blob (the base64 field, decoded).
    pub blob: Vec<u8>,
}

impl HostKey {
    /// From the OpenSSH one-line form `type base64 [comment]`.
    pub fn from_openssh(line: &str) -> Option<HostKey> {
        let mut fields = line.split_whitespace();
        let kind = fields.next()?.to_string();
        let blob = STANDARD.decode(fields.next()?).ok()?;
        Some(HostKey { kind, blob })
    }

    /// `SHA256:...` as `ssh` and `ssh-keygen -l` show it.
    pub fn fingerprint(&self) -> String {
        fingerprint(&self.blob)
    }
}

fn fingerprint(blob: &[u8]) -> String {
    format!(
        "SHA256:{}",
        STANDARD_NO_PAD.encode(sha2::Sha256::digest(blob))
    )
}

/// How a host is named in `known_hosts`: `host`, or `[host]:port` off port 22.
pub fn host_name(host: &str, port: u16) -> String {
    if port == 22 {
        host.to_string()
    } else {
        format!("[{host}]:{port}")
    }
}

/// Checks `key` for `host:port` against `files` (missing files count as empty).
pub fn check(files: &[PathBuf], host: &str, port: u16, key: &HostKey) -> Verdict {
    let name = host_name(host, port);
    let mut changed = None;
    let mut known = false;
    for file in files {
        let Ok(text) = std::fs::read_to_string(file) else {
            continue;
        };
        for (i, raw) in text.lines().enumerate() {
            let line = || Line {
                file: file.clone(),
                number: i + 1,
            };
            let Some(entry) = Entry::parse(raw) else {
                continue;
            };
            if !entry.matches(&name) {
                continue;
            }
            let same = entry.key == *key;
            match entry.marker {
                Marker::Revoked if same => return Verdict::Revoked { line: line() },
                Marker::Revoked | Marker::CertAuthority => {}
                Marker::None if same => known = true,
                Marker::None if entry.key.kind == key.kind && changed.is_none() => {
                    changed = Some(Verdict::Changed {
                        line: line(),
                        recorded: fingerprint(&entry.key.blob),
                    });
                }
                Marker::None => {}
            }
        }
    }
    if known {
        Verdict::Known
    } else {
        changed.unwrap_or(Verdict::Unknown)
    }
}

/// Records `key` for `host:port` at the end of `file` (created 0600, its directory 0700),
/// as `ssh` does with `StrictHostKeyChecking=accept-new`.
///
/// # Errors
///
/// The file cannot be created or written.
pub fn learn(file: &Path, host: &str, port: u16, key: &HostKey) -> std::io::Result<()> {
    use std::os::unix::fs::{DirBuilderExt as _, OpenOptionsExt as _};
    if let Some(dir) = file.parent()
        && !dir.exists()
    {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
    }
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .mode(0o600)
        .open(file)?;
    // A file that does not end with a newline would glue the new line to its last one.
    let ends_open = std::fs::read(file).is_ok_and(|b| b.last().is_some_and(|&c| c != b'\n'));
    let lead = if ends_open { "\n" } else { "" };
    writeln!(
        f,
        "{lead}{} {} {}",
        host_name(host, port),
        key.kind,
        STANDARD.encode(&key.blob)
    )
}

#[derive(Debug, PartialEq, Eq)]
enum Marker {
    None,
    Revoked,
    CertAuthority,
}

struct Entry<'a> {
    marker: Marker,
    patterns: &'a str,
    key: HostKey,
}

impl<'a> Entry<'a> {
    fn parse(raw: &'a str) -> Option<Entry<'a>> {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            return None;
        }
        let mut fields = line.split_whitespace();
        let mut first = fields.next()?;
        let marker = match first {
            "@revoked" => Marker::Revoked,
            "@cert-authority" => Marker::CertAuthority,
            m if m.starts_with('@') => return None,
            _ => Marker::None,
        };
        if marker != Marker::None {
            first = fields.next()?;
        }
        let kind = fields.next()?.to_string();
        let blob = STANDARD.decode(fields.next()?).ok()?;
        Some(Entry {
            marker,
            patterns: first,
            key: HostKey { kind, blob },
        })
    }

    /// Whether the line applies to `name` (`host` or `[host]:port`).
    fn matches(&self, name: &str) -> bool {
        let mut positive = false;
        for pattern in self.patterns.split(',') {
            if let Some(hashed) = pattern.strip_prefix("|1|") {
                positive |= hashed_matches(hashed, name);
            } else if let Some(negated) = pattern.strip_prefix('!') {
                if glob(&negated.to_ascii_lowercase(), &name.to_ascii_lowercase()) {
                    return false;
                }
            } else if glob(&pattern.to_ascii_lowercase(), &name.to_ascii_lowercase()) {
                positive = true;
            }
        }
        positive
    }
}

/// `salt|hmac` (both base64) of a hashed host entry.
fn hashed_matches(hashed: &str, name: &str) -> bool {
    let Some((salt, hash)) = hashed.split_once('|') else {
        return false;
    };
    let (Ok(salt), Ok(hash)) = (STANDARD.decode(salt), STANDARD.decode(hash)) else {
        return false;
    };
    let Ok(mut mac) = Hmac::<sha1::Sha1>::new_from_slice(&salt) else {
        return false;
    };
    mac.update(name.as_bytes());
    mac.verify_slice(&hash).is_ok()
}

/// OpenSSH's pattern matching: `*` any run of characters, `?` any one.
pub(crate) fn glob(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    const ED: &str = "AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";
    const ED2: &str = "AAAAC3NzaC1lZDI1NTE5AAAAIH1tL3LxT7y1h9b0VUF7FzUzpW3ZzLV4vbAU0mIu5G9n";

    fn key(b64: &str) -> HostKey {
        HostKey::from_openssh(&format!("ssh-ed25519 {b64}")).expect("key")
    }

    fn file(text: &str) -> (tempfile::TempDir, Vec<PathBuf>) {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("known_hosts");
        std::fs::write(&path, text).expect("write");
        (dir, vec![path])
    }

    /// A hashed entry made as `ssh-keygen -H` makes one.
    fn hashed(name: &str) -> String {
        let salt = [7u8; 20];
        let mut mac = Hmac::<sha1::Sha1>::new_from_slice(&salt).expect("mac");
        mac.update(name.as_bytes());
        format!(
            "|1|{}|{}",
            STANDARD.encode(salt),
            STANDARD.encode(mac.finalize().into_bytes())
        )
    }

    #[test]
    fn plain_ported_wildcard_and_hashed_entries_match() {
        let (_d, f) = file(&format!(
            "# comment\nrelay.example ssh-ed25519 {ED}\n[127.0.0.1]:2222 ssh-ed25519 {ED}\n\
             *.lan,!evil.lan ssh-ed25519 {ED}\n{} ssh-ed25519 {ED}\n",
            hashed("[::1]:2022")
        ));
        assert_eq!(check(&f, "relay.example", 22, &key(ED)), Verdict::Known);
        assert_eq!(check(&f, "RELAY.example", 22, &key(ED)), Verdict::Known);
        assert_eq!(check(&f, "127.0.0.1", 2222, &key(ED)), Verdict::Known);
        assert_eq!(check(&f, "127.0.0.1", 22, &key(ED)), Verdict::Unknown);
        assert_eq!(check(&f, "nas.lan", 22, &key(ED)), Verdict::Known);
        assert_eq!(check(&f, "evil.lan", 22, &key(ED)), Verdict::Unknown);
        assert_eq!(check(&f, "::1", 2022, &key(ED)), Verdict::Known);
    }

    #[test]
    fn a_different_key_is_a_change_and_a_revoked_one_fails() {
        let (_d, f) = file(&format!(
            "relay ssh-ed25519 {ED}\n@revoked * ssh-ed25519 {ED2}\n"
        ));
        match check(&f, "relay", 22, &key(ED2)) {
            Verdict::Revoked { line } => assert_eq!(line.number, 2),
            v => panic!("{v:?}"),
        }
        let (_d, f) = file(&format!("relay ssh-ed25519 {ED}\n"));
        match check(&f, "relay", 22, &key(ED2)) {
            Verdict::Changed { line, recorded } => {
                assert_eq!(line.number, 1);
                assert_eq!(recorded, key(ED).fingerprint());
            }
            v => panic!("{v:?}"),
        }
    }

    #[test]
    fn learning_appends_a_line_that_then_matches() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join(".ssh/known_hosts");
        learn(&path, "127.0.0.1", 2222, &key(ED)).expect("learn");
        assert_eq!(
            check(std::slice::from_ref(&path), "127.0.0.1", 2222, &key(ED)),
            Verdict::Known
        );
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    #[test]
    fn globs_as_openssh() {
        assert!(glob("*", "x"));
        assert!(glob("10.0.0.?", "10.0.0.7"));
        assert!(!glob("10.0.0.?", "10.0.0.17"));
        assert!(glob("*.example.*", "a.example.org"));
        assert!(!glob("a*b", "acbd"));
    }
}
