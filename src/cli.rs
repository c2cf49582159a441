//! The command-line definition (clap derive). Clap types stop here: each command turns its
//! arguments into validated settings before doing any work.
//!
//! Man pages and shell completions in `man/` and `completions/` are rendered from this
//! definition by `tests/generated.rs`; run `UPDATE_GENERATED=1 cargo test --test generated`
//! after changing it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// End-to-end-encrypted, signed group chat relayed through plain FTP servers.
///
/// Each subcommand is one step of the relay cycle and reads stdin / writes stdout, so
/// they chain:
///
///   encrypt | push      (= send)        pull | decrypt      (= watch)
#[derive(Debug, Parser)]
#[command(name = "ftpchat", version, max_term_width = 100, propagate_version = true)]
#[command(after_help = EXIT_CODES)]
pub struct Cli {
    /// The step to run.
    #[command(subcommand)]
    pub command: Command,
}

/// Exit codes, shown in `--help` and the man page.
pub const EXIT_CODES: &str = "\
Exit status:
  0    success
  1    some records failed to decrypt or verify (the others were shown)
  2    bad command line or bad input
  3    not delivered: the records are queued in the outbox for the next run
  4    the relay refused the login
  5    the relay is unreachable, stalled or answered nonsense
  6    local problem: key files, permissions, state or config directory
  130  interrupted (Ctrl-C, SIGTERM); state is saved";

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a device identity, or a room key with --room.
    Keygen(KeygenArgs),
    /// Turn plaintext into signed, encrypted record lines.
    Encrypt(EncryptArgs),
    /// Turn record lines into messages, verifying signatures and chains.
    Decrypt(DecryptArgs),
}

/// `ftpchat keygen`
#[derive(Debug, Args)]
#[command(after_help = "\
A device identity holds an Ed25519 signing key and an X25519 key; its public line
(ftpchat-id1:...) is printed on stdout, for a room owner to add. A room key is an age
X25519 identity (AGE-SECRET-KEY-1...), the same as `age-keygen` makes; its public
recipient (age1...) is printed, and is all a write-only poster needs.

Files are written with mode 0600 and never overwritten without --force.")]
pub struct KeygenArgs {
    /// Make a room key instead of a device identity.
    #[arg(long)]
    pub room: bool,
    /// Where to write the key [default: identity.key or room.key in the config directory].
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Replace an existing key file (the old key is lost).
    #[arg(long)]
    pub force: bool,
}

/// Which room key(s) decrypt.
#[derive(Debug, Clone, Args)]
pub struct RoomKeyArgs {
    /// Room key file (age identity file); may be repeated [default: room.key in the config directory].
    #[arg(short = 'i', long = "room-key", value_name = "FILE", env = "FTPCHAT_ROOM_KEY")]
    pub room_key: Vec<PathBuf>,
}

/// The sender's device identity.
#[derive(Debug, Clone, Args)]
pub struct IdentityArgs {
    /// Device identity file [default: identity.key in the config directory].
    #[arg(long, value_name = "FILE", env = "FTPCHAT_IDENTITY")]
    pub identity: Option<PathBuf>,
}

/// Options for the original FTPChat app's format.
#[derive(Debug, Clone, Args)]
pub struct LegacyArgs {
    /// File holding the original app's chat passphrase (or set FTPCHAT_LEGACY_PASSPHRASE).
    #[arg(long, value_name = "FILE")]
    pub legacy_passphrase_file: Option<PathBuf>,
}

/// How records are encrypted and who signs them.
#[derive(Debug, Clone, Args)]
pub struct SenderArgs {
    /// Room key file; the newest key in it is encrypted to.
    #[arg(short = 'i', long = "room-key", value_name = "FILE", env = "FTPCHAT_ROOM_KEY",
          conflicts_with_all = ["recipient", "recipients_file"])]
    pub room_key: Option<PathBuf>,
    /// Post write-only to the room with this public recipient (age1...).
    #[arg(short = 'r', long, value_name = "RECIPIENT", conflicts_with = "recipients_file")]
    pub recipient: Option<String>,
    /// Post write-only to the room whose recipient(s) are in FILE (first names the room, last is used).
    #[arg(short = 'R', long = "recipients-file", value_name = "FILE")]
    pub recipients_file: Option<PathBuf>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub identity: IdentityArgs,
    /// Display name shown with the messages [default: $USER].
    #[arg(long, value_name = "NAME", env = "FTPCHAT_NAME")]
    pub name: Option<String>,
}

/// `ftpchat encrypt`
#[derive(Debug, Args)]
#[command(after_help = "\
Each record is journaled in the state directory as not yet sent; `ftpchat push` (or
the next `send`) delivers it. Messages are UTF-8 text of at most 65536 bytes.

Examples:
  echo 'backup ok' | ftpchat encrypt -i room.key > records.txt
  journalctl -f | ftpchat encrypt --lines -r age1... | ftpchat push")]
pub struct EncryptArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub sender: SenderArgs,
    /// The message (instead of stdin).
    #[arg(short, long, value_name = "TEXT")]
    pub message: Option<String>,
    /// One record per input line instead of one for the whole input.
    #[arg(long)]
    pub lines: bool,
    /// Write lines of the original FTPChat app (unauthenticated; needs its passphrase).
    #[arg(long)]
    pub legacy: bool,
    /// Layout of legacy lines: dated (v1, the app's default) or short ([HH:MM], newest app).
    #[arg(long, value_enum, default_value_t = LegacyLayout::Dated, requires = "legacy")]
    pub legacy_layout: LegacyLayout,
    /// Wrap legacy tokens in base64 once more, as app version 1.6 did.
    #[arg(long, requires = "legacy")]
    pub legacy_base64: bool,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub legacy_args: LegacyArgs,
}

/// Legacy plaintext layouts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LegacyLayout {
    /// `YYYY-MM-DD HH:MM:<name>: <message>`
    Dated,
    /// `[HH:MM] <name>: <message>`
    Short,
}

/// How messages are printed.
#[derive(Debug, Clone, Args)]
pub struct OutputArgs {
    /// One JSON object per record on stdout.
    #[arg(long)]
    pub json: bool,
    /// Show times in UTC instead of local time.
    #[arg(long)]
    pub utc: bool,
    /// When to colour output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
}

/// Colour choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, unless NO_COLOR is set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// `ftpchat decrypt`
#[derive(Debug, Args)]
#[command(after_help = "\
Reads native records and lines of the original FTPChat app (with its passphrase), in
any mix, CRLF tolerated. Every signature is checked, and across the records given,
every feed's chain: gaps, forks, reorders and duplicates are reported on stderr naming
the record. A record that fails is never shown as authentic; the others still are.

Examples:
  ftpchat pull --all | ftpchat decrypt --verify
  ftpchat decrypt -i room.key --json < records.txt | jq .body")]
pub struct DecryptArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub keys: RoomKeyArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub legacy: LegacyArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub output: OutputArgs,
    /// Treat every chain irregularity (gap, fork, reorder, duplicate, late start) as a failure.
    #[arg(long)]
    pub verify: bool,
}
