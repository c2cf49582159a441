//! The library's error type and the exit codes it maps to.
//!
//! Every failure a user can meet is one variant here, carrying the path, host or room it
//! concerns, so the CLI can print one line of what went wrong plus a `hint:` line of what
//! to do. Secrets never appear in a variant: paths and hosts do, key material does not.

use std::io;
use std::path::PathBuf;

/// Result alias used across the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Process exit codes, one per outcome a script may want to tell apart.
///
/// They are documented in the README and the man page; keep the three in step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ExitCode {
    /// Everything worked.
    Success = 0,
    /// Some records could not be decrypted or verified (others were shown).
    Findings = 1,
    /// Bad command line or bad input data.
    Usage = 2,
    /// Nothing was lost, but records are waiting in the outbox: delivery failed.
    Queued = 3,
    /// The relay refused the login.
    Auth = 4,
    /// The relay could not be reached, stalled, or answered nonsense.
    Unreachable = 5,
    /// A local problem: key files, permissions, the state or config directory.
    Local = 6,
    /// Interrupted by Ctrl-C or SIGTERM.
    Interrupted = 130,
}

/// Everything that can go wrong in ftpchat.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file could not be read or written.
    #[error("{action} {path}: {source}")]
    Io {
        /// What was being done ("cannot read", "cannot write", ...).
        action: &'static str,
        /// The file concerned.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
    /// A secret key file can be read by other users.
    #[error(
        "{path} is accessible by others (mode {mode:03o}); refusing to use a secret key from it"
    )]
    KeyPermissions {
        /// The key file.
        path: PathBuf,
        /// Its permission bits.
        mode: u32,
    },
    /// A key file or key string could not be parsed.
    #[error("{what}: {reason}")]
    BadKey {
        /// Which key (usually a path).
        what: String,
        /// Why it was rejected.
        reason: String,
    },
    /// No key was given and none was found at the default place.
    #[error("no {what} given and none at {default}")]
    MissingKey {
        /// Which kind of key.
        what: &'static str,
        /// Where it was looked for.
        default: PathBuf,
        /// The flag and variable that name it.
        how: &'static str,
    },
    /// A refusal to overwrite an existing file.
    #[error("{path} already exists; refusing to overwrite it")]
    Exists {
        /// The existing file.
        path: PathBuf,
    },
    /// Invalid input or options.
    #[error("{0}")]
    Usage(String),
    /// Not allowed: no credentials to log in with, or the room does not accept this device
    /// for what was asked (not a member, removed, not the owner).
    #[error("{0}")]
    NotAllowed(String),
    /// A listening socket could not be opened (the port is taken, or needs privileges).
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        /// The address asked for.
        addr: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A message larger than the protocol allows.
    #[error("message is {size} bytes; the limit is {limit} bytes")]
    MessageTooLarge {
        /// Its size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// The FTP server refused the credentials.
    #[error("login to {host} as {user} refused: {reply}")]
    Auth {
        /// host:port.
        host: String,
        /// The user name (never the password).
        user: String,
        /// The server's reply.
        reply: String,
    },
    /// The relay could not be reached or failed mid-way.
    #[error("relay {host}: {what}: {reason}")]
    Relay {
        /// host:port.
        host: String,
        /// The step that failed ("connect", "STOR feed.log", ...).
        what: String,
        /// What happened.
        reason: String,
        /// Whether this was a timeout.
        timeout: bool,
    },
    /// The relay answered a command with an error that retrying will not fix.
    #[error("relay {host} refused {what}: {reply}")]
    Refused {
        /// host:port.
        host: String,
        /// The command.
        what: String,
        /// The server's reply.
        reply: String,
    },
    /// Delivery failed; the records stay queued in the outbox.
    #[error("{count} record(s) not delivered, kept in the outbox: {source}")]
    Queued {
        /// How many records wait in the outbox.
        count: usize,
        /// Why delivery failed.
        #[source]
        source: Box<Error>,
    },
    /// Some records failed to decrypt or verify.
    #[error("{failed} record(s) failed to decrypt or verify")]
    Findings {
        /// How many.
        failed: usize,
    },
    /// History the reader had already read was rewritten on the relay.
    #[error("history was rewritten in {feeds} feed(s); those feeds were not read again")]
    Rewritten {
        /// How many feeds.
        feeds: usize,
    },
    /// An audit found problems.
    #[error("{findings} finding(s): the room does not verify")]
    Audit {
        /// How many findings.
        findings: usize,
    },
    /// Interrupted by a signal.
    #[error("interrupted")]
    Interrupted,
}

impl Error {
    /// Builds an [`Error::Io`].
    pub fn io(action: &'static str, path: impl Into<PathBuf>, source: io::Error) -> Self {
        Error::Io {
            action,
            path: path.into(),
            source,
        }
    }

    /// Whether the error is worth retrying (network trouble, 4xx replies, timeouts), as
    /// opposed to a refusal that will repeat (a bad password, 5xx replies, TLS
    /// verification).
    pub fn is_transient(&self) -> bool {
        matches!(self, Error::Relay { .. })
    }

    /// The exit code this error maps to.
    pub fn exit_code(&self) -> ExitCode {
        match self {
            Error::Io { .. }
            | Error::KeyPermissions { .. }
            | Error::BadKey { .. }
            | Error::MissingKey { .. }
            | Error::Exists { .. }
            | Error::Listen { .. } => ExitCode::Local,
            Error::Usage(_) | Error::MessageTooLarge { .. } => ExitCode::Usage,
            Error::Auth { .. } | Error::NotAllowed(_) => ExitCode::Auth,
            Error::Relay { .. } | Error::Refused { .. } => ExitCode::Unreachable,
            Error::Queued { source, .. } => match source.exit_code() {
                ExitCode::Auth => ExitCode::Auth,
                _ => ExitCode::Queued,
            },
            Error::Findings { .. } | Error::Rewritten { .. } | Error::Audit { .. } => {
                ExitCode::Findings
            }
            Error::Interrupted => ExitCode::Interrupted,
        }
    }

    /// A line telling the user what to do about it, where there is one.
    pub fn hint(&self) -> Option<String> {
        match self {
            Error::KeyPermissions { path, .. } => Some(format!(
                "run `chmod 600 {}` so that only you can read it",
                path.display()
            )),
            Error::MissingKey { how, .. } => Some(format!(
                "{how}; `ftpchat keygen` creates a device identity, `ftpchat keygen --room` a room key"
            )),
            Error::Exists { .. } => Some("pass --force to replace it, or choose another file with -o".into()),
            Error::MessageTooLarge { .. } => Some(
                "split the text (`ftpchat encrypt --lines | ftpchat push` makes one record per line) \
                 or send it as a file (`ftpchat send --file FILE`)"
                    .into(),
            ),
            Error::Listen { .. } => Some(
                "another program (or another `ftpchat relay`) listens there; choose a free port with --listen".into(),
            ),
            Error::Auth { .. } => Some(
                "check the user in the relay URL and the password source (FTPCHAT_PASSWORD or ~/.netrc)".into(),
            ),
            Error::Relay { timeout: true, .. } => {
                Some("the relay stopped answering; check it is up, or raise --io-timeout".into())
            }
            Error::Relay { reason, .. } if reason.starts_with("452") || reason.starts_with("552") => Some(
                "the relay is out of storage space (or over its quota); free space on it and run again".into(),
            ),
            Error::Refused { reply, .. } if reply.starts_with("552") => Some(
                "the relay is out of storage space (or over its quota); free space on it and run again".into(),
            ),
            Error::Relay { .. } => Some("check the relay URL and that the server is running".into()),
            Error::Queued { source, .. } => Some(match source.hint() {
                Some(h) => format!("{h}; the next `send`, `push` or `outbox flush` delivers the queue"),
                None => "the next `send`, `push` or `outbox flush` delivers the queue".into(),
            }),
            Error::Findings { .. } => Some(
                "the messages above marked as failed were not shown as authentic; see the warnings".into(),
            ),
            _ => None,
        }
    }
}
