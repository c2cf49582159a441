//! The part of `~/.ssh/config` an SFTP relay honours: `Host` blocks with `HostName`,
//! `Port`, `User` and `IdentityFile`.
//!
//! As in `ssh`, the first value found for a keyword wins, `Host` patterns take `*`/`?`
//! wildcards and `!` negations, and keywords are case-insensitive (`Key value` or
//! `Key=value`). `Match` blocks are skipped (their conditions need `ssh` itself).

use std::path::{Path, PathBuf};

use super::known_hosts::glob;

/// What the config says about one host.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HostConfig {
    /// The real host name to connect to.
    pub hostname: Option<String>,
    /// The port.
    pub port: Option<u16>,
    /// The login name.
    pub user: Option<String>,
    /// Key files to try, in order (`~` expanded against `home`).
    pub identity_files: Vec<PathBuf>,
}

/// Reads `text` for `host` (the name as given in the relay URL).
pub fn resolve(text: &str, host: &str, home: Option<&Path>) -> HostConfig {
    let mut out = HostConfig::default();
    let mut applies = true;
    let host = host.to_ascii_lowercase();
    for raw in text.lines() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, value) = match line.split_once(|c: char| c == '=' || c.is_whitespace()) {
            Some((k, v)) => (k.trim(), v.trim().trim_start_matches('=').trim()),
            None => continue,
        };
        let value = value.trim_matches('"');
        match key.to_ascii_lowercase().as_str() {
            "host" => applies = host_matches(value, &host),
            "match" => applies = false,
            _ if !applies => {}
            "hostname" if out.hostname.is_none() => out.hostname = Some(value.to_string()),
            "port" if out.port.is_none() => out.port = value.parse().ok(),
            "user" if out.user.is_none() => out.user = Some(value.to_string()),
            "identityfile" => {
                let path = match (value.strip_prefix("~/"), home) {
                    (Some(rest), Some(h)) => h.join(rest),
                    _ => PathBuf::from(value),
                };
                out.identity_files.push(path);
            }
            _ => {}
        }
    }
    out
}

fn host_matches(patterns: &str, host: &str) -> bool {
    let mut positive = false;
    for p in patterns.split_whitespace() {
        let p = p.to_ascii_lowercase();
        if let Some(neg) = p.strip_prefix('!') {
            if glob(neg, host) {
                return false;
            }
        } else if glob(&p, host) {
            positive = true;
        }
    }
    positive
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_value_wins_and_patterns_match_as_in_ssh() {
        let text = "\
# relays
Host relay
    HostName 127.0.0.1
    Port=2222
    IdentityFile ~/.ssh/relay_key

Host *.lan !printer.lan
    User pi

Match host x
    User nobody

Host *
    User fallback
    Port 22
    IdentityFile /etc/ftpchat/key
";
        let home = Path::new("/home/a");
        let r = resolve(text, "relay", Some(home));
        assert_eq!(r.hostname.as_deref(), Some("127.0.0.1"));
        assert_eq!(r.port, Some(2222));
        assert_eq!(r.user.as_deref(), Some("fallback"));
        assert_eq!(
            r.identity_files,
            [
                PathBuf::from("/home/a/.ssh/relay_key"),
                PathBuf::from("/etc/ftpchat/key")
            ]
        );
        assert_eq!(resolve(text, "nas.lan", None).user.as_deref(), Some("pi"));
        assert_eq!(
            resolve(text, "printer.lan", None).user.as_deref(),
            Some("fallback")
        );
    }
}
