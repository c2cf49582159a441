//! Profiles and the resolution of relay settings: flag > environment > profile > default.
//!
//! Profiles live in `profiles.toml` in the config directory. A profile never holds a
//! password unless the user puts one there; it names a password *source* (a file, a
//! command) instead. `--relay` takes a URL or a profile name.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::cli::args::RelayArgs;
use crate::cli::commands::Context;
use crate::cli::output::warn;
use crate::error::{Error, Result};
use crate::paths;
use crate::room::RelayTarget;
use crate::secret::Secret;
use crate::store::SshOptions;
use crate::store::netrc;
use crate::store::url::RelayUrl;
use crate::store::{Endpoint, Timeouts, TlsOptions};

/// One profile.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// Relay URL (no password).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relay: Option<String>,
    /// Room path on the relay.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub room: Option<String>,
    /// Room key file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub room_key: Option<PathBuf>,
    /// Device identity file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity: Option<PathBuf>,
    /// Display name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// File holding the FTP password (mode 0600).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password_file: Option<PathBuf>,
    /// Command printing the FTP password (e.g. `pass show relay`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password_command: Option<String>,
    /// CA file for FTPS.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ca_file: Option<PathBuf>,
    /// Skip FTPS certificate verification.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub insecure: bool,
    /// Active-mode FTP data connections (PORT/EPRT) for servers whose passive mode is broken.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub active: bool,
    /// Implicit FTPS (TLS from the first byte) for an `ftps://` relay on a port other than 990.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub implicit_tls: bool,
    /// The room is a chat file of the original FTPChat app.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub legacy: bool,
    /// File with the original app's chat passphrase.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub legacy_passphrase_file: Option<PathBuf>,
    /// Private key file for `sftp://` relays.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ssh_key: Option<PathBuf>,
    /// Which app version's lines to write (`v16`, `v17`, `v23`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legacy_format: Option<String>,
    /// More relays holding the same room (URLs, no passwords): records go to every
    /// relay, reads merge them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mirrors: Vec<String>,
}

/// The profiles file.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profiles {
    /// Name of the default profile.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// Profiles by name.
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
}

impl Profiles {
    /// Path of the profiles file.
    pub fn path(ctx: &Context<'_>) -> PathBuf {
        ctx.dirs.config.join("profiles.toml")
    }

    /// Loads the profiles file (empty when missing).
    ///
    /// # Errors
    ///
    /// Fails when the file exists but cannot be read or parsed.
    pub fn load(ctx: &Context<'_>) -> Result<Self> {
        let path = Self::path(ctx);
        match std::fs::read_to_string(&path) {
            Ok(text) => toml::from_str(&text)
                .map_err(|e| Error::Usage(format!("{}: {}", path.display(), e.message()))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Profiles::default()),
            Err(e) => Err(Error::io("cannot read", &path, e)),
        }
    }

    /// Saves the profiles file (mode 0600: it names files and commands, not secrets,
    /// but there is no reason for others to read it).
    ///
    /// # Errors
    ///
    /// Write errors.
    pub fn save(&self, ctx: &Context<'_>) -> Result<()> {
        let text = toml::to_string_pretty(self).map_err(|e| Error::Usage(e.to_string()))?;
        paths::write_private(&Self::path(ctx), text.as_bytes(), true)
    }

    /// Sets profile `name`, makes it the default when there is none, and saves.
    ///
    /// # Errors
    ///
    /// Write errors.
    pub fn set_and_save(&mut self, ctx: &Context<'_>, name: &str, profile: Profile) -> Result<()> {
        self.profiles.insert(name.to_string(), profile);
        if self.default.is_none() {
            self.default = Some(name.to_string());
        }
        self.save(ctx)
    }

    /// The profile named, or the default one.
    ///
    /// # Errors
    ///
    /// [`Error::Usage`] when a named profile does not exist.
    pub fn pick(&self, name: Option<&str>) -> Result<Option<(String, Profile)>> {
        match name {
            Some(n) => self
                .profiles
                .get(n)
                .map(|p| Some((n.to_string(), p.clone())))
                .ok_or_else(|| {
                    Error::Usage(format!(
                        "no profile named {n:?} in profiles.toml (and it is not a relay URL: ftp://, ftps://, sftp://, file:// or an absolute path)"
                    ))
                }),
            None => Ok(self
                .default
                .as_ref()
                .and_then(|d| self.profiles.get(d).map(|p| (d.clone(), p.clone())))),
        }
    }
}

/// Resolved settings for talking to one room on its relays.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// The room on its (first) relay, as the room layer takes it.
    pub target: RelayTarget,
    /// The same room on more relays (`--mirror`, a profile's `mirrors`).
    pub mirrors: Vec<RelayTarget>,
    /// The profile in use, if any (its keys, name and legacy settings still apply).
    pub profile: Option<Profile>,
    /// Its name.
    pub profile_name: Option<String>,
}

impl Resolved {
    /// The profile in use, or an empty one.
    pub fn profile_or_default(&self) -> Profile {
        self.profile.clone().unwrap_or_default()
    }

    /// Every relay of the room, the first one first.
    pub fn targets(&self) -> Vec<RelayTarget> {
        std::iter::once(self.target.clone())
            .chain(self.mirrors.iter().cloned())
            .collect()
    }

    /// Refuses more than one relay for a command that works on one.
    ///
    /// # Errors
    ///
    /// [`Error::Usage`] naming the command, when mirrors are configured.
    pub fn single(self, command: &str) -> Result<Self> {
        if self.mirrors.is_empty() {
            Ok(self)
        } else {
            Err(Error::Usage(format!(
                "`{command}` works on one relay, and {} more are configured (--mirror or the \
                 profile's mirrors): give one with --relay URL",
                self.mirrors.len()
            )))
        }
    }

    /// Resolves `--relay`, `--room`, TLS options and the password.
    ///
    /// # Errors
    ///
    /// [`Error::Usage`] when no relay is configured or no password source is found.
    pub fn resolve(args: &RelayArgs, ctx: &Context<'_>, stderr: &mut dyn Write) -> Result<Self> {
        let profiles = Profiles::load(ctx)?;
        let mut profile_name = None;
        let (url_text, profile) = match args.relay.as_deref() {
            // An explicit URL stands alone: no profile's room or password source applies
            // to a host the profile was not written for.
            Some(r) if r.contains("://") || r.starts_with('/') => (r.to_string(), None),
            Some(name) => {
                let (_, p) = profiles
                    .pick(Some(name))?
                    .expect("pick(Some) is Some or Err");
                let url = p
                    .relay
                    .clone()
                    .ok_or_else(|| Error::Usage(format!("profile {name:?} has no relay URL")))?;
                profile_name = Some(name.to_string());
                (url, Some(p))
            }
            None => match profiles.pick(None)? {
                Some((name, p)) => {
                    let url = p.relay.clone().ok_or_else(|| {
                        Error::Usage(format!("profile {name:?} has no relay URL"))
                    })?;
                    profile_name = Some(name);
                    (url, Some(p))
                }
                None => {
                    return Err(Error::Usage(
                        "no relay: give --relay ftp://user@host/path, set FTPCHAT_RELAY, or run `ftpchat relay` for a local one".into(),
                    ));
                }
            },
        };
        let mut urls = vec![url_text];
        urls.extend(args.mirror.iter().cloned());
        if args.mirror.is_empty()
            && let Some(p) = &profile
        {
            urls.extend(p.mirrors.iter().cloned());
        }
        let mut targets = Vec::new();
        for (i, text) in urls.iter().enumerate() {
            let t = target_for(text, i > 0, args, profile.as_ref(), ctx, stderr)?;
            if targets.iter().any(|o: &RelayTarget| o.key == t.key) {
                return Err(Error::Usage(format!(
                    "relay {text} is given twice (as --relay, --mirror or a profile's mirrors)"
                )));
            }
            targets.push(t);
        }
        if targets.len() > 1 && targets.iter().any(|t| t.legacy) {
            return Err(Error::Usage(
                "a legacy room (a chat file of the original FTPChat app) lives on one relay: \
                 drop --mirror or the profile's mirrors"
                    .into(),
            ));
        }
        let target = targets.remove(0);
        Ok(Resolved {
            target,
            mirrors: targets,
            profile,
            profile_name,
        })
    }
}

/// The room on the relay at `url_text`, with the settings that apply to it. For a
/// `mirror` whose URL has a path, that path is the room's directory (`--room` and the
/// profile's room apply to the first relay and to mirrors given without a path).
fn target_for(
    url_text: &str,
    mirror: bool,
    args: &RelayArgs,
    profile: Option<&Profile>,
    ctx: &Context<'_>,
    stderr: &mut dyn Write,
) -> Result<RelayTarget> {
    let mut url = RelayUrl::parse(url_text)?;
    let ssh = if url.scheme == crate::store::url::Scheme::Sftp {
        ssh_options(&mut url, args, profile, ctx)
    } else {
        SshOptions::default()
    };
    let netrc_path = args
        .netrc_file
        .clone()
        .or_else(|| ctx.dirs.home.as_ref().map(|h| h.join(".netrc")));
    let netrc_text = read_netrc(netrc_path.as_deref(), args.netrc_file.is_some())?;
    if !url.user_given
        && let Some(text) = &netrc_text
        && let Some(login) = netrc::find(text, &url.host, None)
        && let Some(user) = login.user
    {
        url.user = user;
    }
    let room = args
        .room
        .clone()
        .or_else(|| profile.and_then(|p| p.room.clone()));
    // A mirror whose URL names a directory holds the room right there: relays may keep
    // one room under different paths (a mounted share, an FTP login directory).
    let room = room.filter(|_| !mirror || url.path.trim_matches('/').is_empty());
    let dir = url.room_dir(room.as_deref())?;
    let password = password(&url, profile, netrc_text.as_deref(), ctx, stderr)?;
    let tls = TlsOptions {
        ca_file: args
            .ca_file
            .clone()
            .or_else(|| profile.and_then(|p| p.ca_file.clone())),
        insecure: args.insecure || profile.is_some_and(|p| p.insecure),
        implicit: url.scheme == crate::store::url::Scheme::Ftps
            && (args.implicit_tls || profile.is_some_and(|p| p.implicit_tls) || url.port == 990),
    };
    if (args.implicit_tls || profile.is_some_and(|p| p.implicit_tls))
        && url.scheme != crate::store::url::Scheme::Ftps
    {
        return Err(Error::Usage(format!(
            "--implicit-tls needs an ftps:// relay URL, not {url}"
        )));
    }
    if tls.insecure && url.scheme == crate::store::url::Scheme::Ftps {
        warn(
            stderr,
            false,
            "--insecure: the relay's TLS certificate is NOT verified; anyone on the path can read the FTP password",
        );
    }
    Ok(RelayTarget {
        key: url.key_for(&dir),
        dir: dir.trim_start_matches('/').to_string(),
        endpoint: Endpoint {
            url,
            password,
            tls,
            active: args.active || profile.is_some_and(|p| p.active),
            timeouts: Timeouts {
                connect: std::time::Duration::from_secs_f64(args.timeouts.connect_timeout),
                io: std::time::Duration::from_secs_f64(args.timeouts.io_timeout),
            },
            ssh,
        },
        legacy: args.legacy || profile.is_some_and(|p| p.legacy),
    })
}

/// Finds the FTP password: URL (with a warning), `FTPCHAT_PASSWORD`, the profile's
/// password file or command, `~/.netrc`, or the conventional one for `anonymous`.
fn password(
    url: &RelayUrl,
    profile: Option<&Profile>,
    netrc_text: Option<&str>,
    ctx: &Context<'_>,
    stderr: &mut dyn Write,
) -> Result<Secret> {
    if url.scheme == crate::store::url::Scheme::File {
        return Ok(Secret::new(""));
    }
    let sftp = url.scheme == crate::store::url::Scheme::Sftp;
    if let Some(p) = &url.password {
        warn(
            stderr,
            false,
            "a password in the relay URL can be seen by other users in the process list; use FTPCHAT_PASSWORD, ~/.netrc or a profile's password_file",
        );
        return Ok(p.clone());
    }
    if let Some(p) = ctx.env.get("FTPCHAT_PASSWORD") {
        return Ok(Secret::new(p));
    }
    if let Some(file) = profile.and_then(|p| p.password_file.as_ref()) {
        let text = paths::read_secret_file(file)?;
        return Ok(Secret::new(text.trim_end_matches(['\n', '\r'])));
    }
    if let Some(cmd) = profile.and_then(|p| p.password_command.as_ref()) {
        return password_from_command(cmd);
    }
    if let Some(text) = netrc_text
        && let Some(p) = netrc::lookup(text, &url.host, &url.user)
    {
        return Ok(p);
    }
    // SFTP logs in with keys first: no password is not an error, and nobody is asked
    // for one before the keys were tried.
    if sftp {
        return Ok(Secret::new(""));
    }
    if url.user == "anonymous" || url.user == "ftp" {
        return Ok(Secret::new("ftpchat@"));
    }
    if ctx.interactive {
        use crate::cli::ui::Ui;
        return crate::cli::ui::Terminal
            .password(&format!("FTP password for {}@{}", url.user, url.host), "");
    }
    Err(Error::NotAllowed(format!(
        "no password for {} at {} (and no terminal to ask on): set FTPCHAT_PASSWORD, add a \
         `machine {} login {} password ...` line to ~/.netrc, or give the profile a password_file \
         or password_command (`ftpchat init --password-file FILE` / `--password-command CMD`)",
        url.user, url.host, url.host, url.user
    )))
}

/// Reads the netrc file: a missing `~/.netrc` is no error, a missing `--netrc-file` is.
fn read_netrc(path: Option<&Path>, asked: bool) -> Result<Option<String>> {
    let Some(path) = path else { return Ok(None) };
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if !asked && e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::Io {
            action: "cannot read the netrc file",
            path: path.to_path_buf(),
            source: e,
        }),
    }
}

fn password_from_command(cmd: &str) -> Result<Secret> {
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(cmd)
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|e| Error::Usage(format!("cannot run password_command: {e}")))?;
    if !out.status.success() {
        return Err(Error::Usage(format!(
            "password_command failed ({})",
            out.status
        )));
    }
    let text = String::from_utf8(out.stdout)
        .map_err(|_| Error::Usage("password_command printed non-UTF-8".into()))?;
    let line = text.lines().next().unwrap_or_default();
    if line.is_empty() {
        return Err(Error::Usage("password_command printed nothing".into()));
    }
    Ok(Secret::new(line))
}

/// SSH settings for an `sftp://` relay: `~/.ssh/config` (which may also name the real
/// host, port and user), key files, known_hosts files, the agent, and whether an
/// unknown host key may be recorded or asked about.
fn ssh_options(
    url: &mut RelayUrl,
    args: &RelayArgs,
    profile: Option<&Profile>,
    ctx: &Context<'_>,
) -> SshOptions {
    let home = ctx.dirs.home.clone();
    let ssh_dir = home.as_ref().map(|h| h.join(".ssh"));
    let config = ssh_dir
        .as_ref()
        .and_then(|d| std::fs::read_to_string(d.join("config")).ok())
        .map(|text| crate::store::ssh_config::resolve(&text, &url.host, home.as_deref()))
        .unwrap_or_default();
    if let Some(h) = config.hostname {
        url.host = h;
    }
    if url.port == 22
        && let Some(p) = config.port
    {
        url.port = p;
    }
    if !url.user_given
        && let Some(u) = config.user
    {
        url.user = u;
        url.user_given = true;
    }
    if !url.user_given
        && let Some(u) = ctx.env.get("USER")
    {
        url.user = u.to_string();
    }
    let mut identity_files: Vec<PathBuf> = args
        .ssh_key
        .clone()
        .or_else(|| profile.and_then(|p| p.ssh_key.clone()))
        .into_iter()
        .collect();
    identity_files.extend(config.identity_files);
    if let Some(d) = &ssh_dir {
        identity_files.extend(["id_ed25519", "id_ecdsa", "id_rsa"].map(|n| d.join(n)));
    }
    let mut known_hosts: Vec<PathBuf> = ssh_dir.iter().map(|d| d.join("known_hosts")).collect();
    known_hosts.push(PathBuf::from("/etc/ssh/ssh_known_hosts"));
    SshOptions {
        known_hosts,
        accept_new: args.accept_new_host_key,
        ask: ctx.interactive.then(|| {
            crate::store::HostKeyPrompt(std::sync::Arc::new(|question: &str| {
                dialoguer::Confirm::new()
                    .with_prompt(question)
                    .default(false)
                    .interact()
                    .unwrap_or(false)
            }))
        }),
        identity_files,
        agent: ctx.env.get("SSH_AUTH_SOCK").map(PathBuf::from),
        ask_secret: ctx.interactive.then(|| {
            crate::store::SecretPrompt(std::sync::Arc::new(|prompt: &str| {
                use crate::cli::ui::Ui as _;
                crate::cli::ui::Terminal
                    .password(prompt, "")
                    .ok()
                    .filter(|s| !s.expose().is_empty())
            }))
        }),
    }
}
