//! One module per subcommand, plus the loaders they share (keys, names, input).
//!
//! Each command takes its parsed arguments, the [`Context`] (directories and environment)
//! and the streams in [`Io`], and returns a typed error.

pub mod chat;
pub mod decrypt;
pub mod encrypt;
pub mod init;
pub mod keygen;
pub mod outbox;
pub mod profile;
pub mod pull;
pub mod push;
pub mod relay;
pub mod room;
pub mod room_relays;
pub mod send;
pub mod verify;
pub mod verify_member;
pub mod watch;

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::cli::args::{IdentityArgs, LegacyArgs, SenderArgs};
use crate::cli::{Env, Io};
use crate::error::{Error, Result};
use crate::paths::{self, Dirs};
use crate::protocol::keys::{DeviceIdentity, RoomKey, RoomRecipient};
use crate::protocol::record::legacy::LegacyKey;
use crate::protocol::record::now_rfc3339;

/// What every command gets besides its arguments and streams.
#[derive(Debug)]
pub struct Context<'a> {
    /// Config and state directories.
    pub dirs: Dirs,
    /// Environment lookups.
    pub env: &'a Env,
    /// stdin and stderr are terminals: prompts are allowed.
    pub interactive: bool,
    /// When the run must end (`--timeout`).
    pub deadline: Option<std::time::Instant>,
}

impl Context<'_> {
    /// The members `identity` verified in person in any of `rooms`
    /// (`verified.jsonl` in the config directory), for `Reader::with_vouched`.
    ///
    /// # Errors
    ///
    /// The file exists but cannot be read.
    pub fn vouched(
        &self,
        identity: Option<&DeviceIdentity>,
        rooms: &[RoomKey],
    ) -> Result<std::collections::BTreeSet<String>> {
        let mut out = std::collections::BTreeSet::new();
        let Some(id) = identity else {
            return Ok(out);
        };
        let path = self.dirs.config.join(crate::room::vouches::FILE);
        for r in rooms {
            out.extend(crate::room::vouches::verified_in(&path, id, r.room_id())?);
        }
        Ok(out)
    }

    /// Whether `NO_COLOR` asks for no colour.
    pub fn no_color(&self) -> bool {
        self.env.get("NO_COLOR").is_some()
    }

    /// The device identity from `--identity`, `FTPCHAT_IDENTITY` or the default file.
    ///
    /// # Errors
    ///
    /// [`Error::MissingKey`] when none is found, or a key loading error.
    pub fn identity(&self, args: &IdentityArgs) -> Result<DeviceIdentity> {
        let path = self.default_or(
            args.identity.as_deref(),
            self.dirs.identity_file(),
            "device identity",
            "give --identity FILE or set FTPCHAT_IDENTITY",
        )?;
        DeviceIdentity::load(&path)
    }

    /// The room keys from `-i` / `FTPCHAT_ROOM_KEY`, the default profile's, or the default
    /// file.
    ///
    /// # Errors
    ///
    /// [`Error::MissingKey`] when none is found, or a key loading error.
    pub fn room_keys(&self, given: &[PathBuf]) -> Result<Vec<RoomKey>> {
        if given.is_empty() {
            if let Some(path) = crate::cli::settings::Profiles::load(self)
                .ok()
                .and_then(|p| p.pick(None).ok().flatten())
                .and_then(|(_, p)| p.room_key)
            {
                return Ok(vec![RoomKey::load(&path)?]);
            }
            let path = self.default_or(
                None,
                self.dirs.room_key_file(),
                "room key",
                "give -i ROOMKEY or set FTPCHAT_ROOM_KEY",
            )?;
            return Ok(vec![RoomKey::load(&path)?]);
        }
        given.iter().map(|p| RoomKey::load(p)).collect()
    }

    fn default_or(
        &self,
        given: Option<&Path>,
        default: PathBuf,
        what: &'static str,
        how: &'static str,
    ) -> Result<PathBuf> {
        match given {
            Some(p) => Ok(p.to_path_buf()),
            None if default.exists() => Ok(default),
            None => Err(Error::MissingKey { what, default, how }),
        }
    }

    /// The legacy key from `--legacy-passphrase-file` or `FTPCHAT_LEGACY_PASSPHRASE`, if any.
    ///
    /// # Errors
    ///
    /// Fails when the passphrase file is unreadable, loose or empty.
    pub fn legacy_key(&self, args: &LegacyArgs) -> Result<Option<LegacyKey>> {
        let passphrase = match &args.legacy_passphrase_file {
            Some(path) => {
                let text = paths::read_secret_file(path)?;
                let text = text.strip_suffix('\n').unwrap_or(&text);
                let text = text.strip_suffix('\r').unwrap_or(text).to_string();
                if text.is_empty() {
                    return Err(Error::BadKey {
                        what: path.display().to_string(),
                        reason: "the passphrase file is empty".into(),
                    });
                }
                text
            }
            None => match self.env.get("FTPCHAT_LEGACY_PASSPHRASE") {
                Some(p) => p.to_string(),
                None => return Ok(None),
            },
        };
        Ok(Some(LegacyKey::derive(&passphrase)))
    }

    /// The legacy key from the flags, the environment, or the profile's passphrase file.
    ///
    /// # Errors
    ///
    /// As [`Context::legacy_key`].
    pub fn legacy_key_or_profile(
        &self,
        args: &LegacyArgs,
        profile: &crate::cli::settings::Profile,
    ) -> Result<Option<LegacyKey>> {
        self.legacy_key(&LegacyArgs {
            legacy_passphrase_file: args
                .legacy_passphrase_file
                .clone()
                .or(profile.legacy_passphrase_file.clone()),
        })
    }

    /// The display name: `--name`, `FTPCHAT_NAME`, `$USER`, or "anonymous".
    pub fn display_name(&self, given: Option<&str>) -> String {
        given
            .or_else(|| self.env.get("USER"))
            .unwrap_or("anonymous")
            .to_string()
    }
}

/// Where records go: a room whose key we hold, or write-only to a recipient.
#[derive(Debug)]
pub enum Target {
    /// Full member.
    Room(RoomKey),
    /// Write-only poster.
    WriteOnly(RoomRecipient),
}

impl Target {
    /// Resolves `-i`, `-r` or `-R` (default: the room key file).
    ///
    /// # Errors
    ///
    /// Key loading errors.
    pub fn resolve(args: &SenderArgs, ctx: &Context<'_>) -> Result<Self> {
        if let Some(r) = &args.recipient {
            return Ok(Target::WriteOnly(RoomRecipient::parse(r, "-r")?));
        }
        if let Some(path) = &args.recipients_file {
            let text =
                std::fs::read_to_string(path).map_err(|e| Error::io("cannot read", path, e))?;
            return Ok(Target::WriteOnly(RoomRecipient::parse(
                &text,
                &path.display().to_string(),
            )?));
        }
        let mut keys = ctx.room_keys(args.room_key.as_slice())?;
        Ok(Target::Room(keys.remove(0)))
    }

    /// The write-only half.
    pub fn recipient(&self) -> RoomRecipient {
        match self {
            Target::Room(k) => k.to_recipient(),
            Target::WriteOnly(r) => r.clone(),
        }
    }
}

/// Reads all of stdin as UTF-8 text: at most `limit` bytes plus a line end.
///
/// # Errors
///
/// [`Error::MessageTooLarge`] past the limit, [`Error::Usage`] for invalid UTF-8.
pub fn read_text(io: &mut Io<'_>, limit: usize) -> Result<String> {
    let mut buf = Vec::new();
    (&mut io.stdin)
        .take(limit as u64 + 3)
        .read_to_end(&mut buf)
        .map_err(|e| Error::io("cannot read", "stdin", e))?;
    let body = buf.strip_suffix(b"\n").unwrap_or(&buf);
    let body = body.strip_suffix(b"\r").unwrap_or(body);
    if body.len() > limit {
        return Err(Error::MessageTooLarge {
            size: body.len(),
            limit,
        });
    }
    String::from_utf8(buf).map_err(|_| Error::Usage("input is not valid UTF-8 text".into()))
}

/// Creates a device identity at `path` unless one is there (keys are never replaced).
///
/// # Errors
///
/// Write errors.
pub fn ensure_identity(path: &Path, io: &mut Io<'_>) -> Result<()> {
    if path.exists() {
        return Ok(());
    }
    let contents = DeviceIdentity::generate().to_file_contents(&now_rfc3339());
    paths::write_private(path, contents.as_bytes(), false)?;
    crate::cli::output::note(
        io.stderr,
        &format!("created device identity {}", path.display()),
    );
    Ok(())
}

/// Creates a room key at `path` unless one is there (keys are never replaced).
///
/// # Errors
///
/// Write errors.
pub fn ensure_room_key(path: &Path, io: &mut Io<'_>) -> Result<()> {
    if path.exists() {
        return Ok(());
    }
    paths::write_private(
        path,
        RoomKey::generate()
            .to_file_contents(&now_rfc3339())
            .as_bytes(),
        false,
    )?;
    crate::cli::output::note(
        io.stderr,
        &format!(
            "created room key {} (share it with the room's members)",
            path.display()
        ),
    );
    Ok(())
}
