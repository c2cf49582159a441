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
#[command(
    name = "ftpchat",
    version,
    max_term_width = 100,
    propagate_version = true
)]
#[command(after_help = EXIT_CODES)]
pub struct Cli {
    /// The step to run.
    #[command(subcommand)]
    pub command: Command,
    /// Print only errors on stderr (no notes, warnings or progress).
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Print the FTP dialogue (commands and replies) on stderr, passwords redacted.
    #[arg(short, long, global = true, conflicts_with = "quiet")]
    pub verbose: bool,
    /// Bound the whole run to SECS seconds (for cron). `send`/`push` exit 3 with their
    /// records queued; `watch` stops cleanly; others exit 5.
    #[arg(long, global = true, value_name = "SECS", env = "FTPCHAT_TIMEOUT")]
    pub timeout: Option<f64>,
}

/// Exit codes, shown in `--help` and the man page.
pub const EXIT_CODES: &str = "\
Exit status:
  0    success
  1    some records failed to decrypt or verify (the others were shown)
  2    bad command line or bad input
  3    not delivered: the records are queued in the outbox for the next run
  4    not allowed: login refused or no password; not a member, removed, not the owner
  5    the relay is unreachable, stalled or answered nonsense
  6    local problem: key files, permissions, state or config directory, port taken
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
    /// Upload record lines (stdin, or the pending outbox) to a relay.
    Push(PushArgs),
    /// Download new record lines from a relay.
    Pull(PullArgs),
    /// Encrypt and push a message in one step.
    Send(SendArgs),
    /// Show a room live: pull and decrypt until interrupted.
    Watch(WatchArgs),
    /// Read and write a room in one full-screen terminal (a TTY is required).
    Chat(ChatArgs),
    /// List records waiting for delivery, or deliver them.
    Outbox(OutboxArgs),
    /// Run an FTP relay inside ftpchat (a quick start on 127.0.0.1 with no arguments).
    Relay(RelayServerArgs),
    /// Set up a profile: relay, credentials, room, name, keys (a wizard on a terminal).
    Init(InitArgs),
    /// List, show, remove profiles or pick the default one.
    Profile(ProfileArgs),
    /// Rooms and their signed roster: create, invite, join, add, members, remove, rotate.
    Room(RoomArgs),
    /// Audit a whole room: descriptor, roster, every feed's signatures and chain.
    Verify(VerifyArgs),
    /// Check a member's key with them in person: compare the code they read you.
    VerifyMember(VerifyMemberArgs),
}

/// `ftpchat verify-member`
#[derive(Debug, Args)]
#[command(
    after_help = "Each of you runs `ftpchat verify-member NAME` (or `ftpchat room \
members --fingerprints`) and reads the other their own code (\"your code\"); the code you
hear must be the one shown for them. On a call, in person or by a channel you trust: a code
passed through the relay itself proves nothing.

Examples:
  ftpchat verify-member bob                       # shows both codes, asks on a terminal
  ftpchat verify-member bob --code '0123 4567 8901 2345 6789 0123'

Messages from members you verified show a \u{2713} after their name (`verified_by_you` in
--json)."
)]
pub struct VerifyMemberArgs {
    /// The member: their name in the roster, or the start of their key.
    #[arg(value_name = "NAME")]
    pub member: String,
    /// The code they read you (without it, you are asked on a terminal).
    #[arg(long, value_name = "CODE")]
    pub code: Option<String>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub common: RoomCommonArgs,
}

/// `ftpchat room members`
#[derive(Debug, Args)]
pub struct RoomMembersArgs {
    /// Show each member's verification code (to compare in person) and whether you
    /// verified them (`ftpchat verify-member`).
    #[arg(long)]
    pub fingerprints: bool,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub common: RoomCommonArgs,
}

/// `ftpchat room invite`
#[derive(Debug, Args)]
pub struct RoomInviteArgs {
    /// The invite stops working after this: an age (`30m`, `12h`, `7d`) or an RFC 3339
    /// time. `room join` refuses it afterwards (older ftpchat ignores it).
    #[arg(long, value_name = "WHEN")]
    pub expires: Option<String>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub common: RoomCommonArgs,
}

/// `ftpchat room`
#[derive(Debug, Args)]
pub struct RoomArgs {
    /// What to do.
    #[command(subcommand)]
    pub action: RoomAction,
}

/// `ftpchat room` actions.
#[derive(Debug, Subcommand)]
pub enum RoomAction {
    /// Create a room on a relay: a room key, the signed descriptor and the roster, with you as owner.
    Create(RoomCreateArgs),
    /// Print an invite (relay URL without password, room path, room keys, owner). An invite is a
    /// SECRET: anyone holding it can read the room. Pass it on out of band.
    Invite(RoomInviteArgs),
    /// Store a room from an invite (and print your public identity line for the owner to add).
    Join(RoomJoinArgs),
    /// (Owner) Add a member by their public identity line.
    Add(RoomAddArgs),
    /// List the roster as the ledger shows it: who was added or removed, when, by whom.
    Members(RoomMembersArgs),
    /// (Owner) Remove a member and rotate the room key so they cannot read what follows.
    Remove(RoomRemoveArgs),
    /// (Owner) Rotate the room key: a new key for the remaining members only.
    Rotate(RoomCommonArgs),
    /// List the relays the room is on, as its owner's signed descriptor names them, and
    /// bring your profile's mirrors in line; (owner) `add URL` puts the room on one more
    /// relay (every feed copied there), `remove URL` stops listing one.
    Relays(RoomRelaysArgs),
}

/// `ftpchat room relays`
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  ftpchat room relays                                      # list; adopt the owner's list
  ftpchat room relays add sftp://alice@nas.lan/srv/chat/ops  # (owner) one more relay
  ftpchat room relays remove ftp://router.lan/ops          # (owner) stop listing one")]
pub struct RoomRelaysArgs {
    /// `add` or `remove` (without: list).
    #[arg(value_name = "ACTION", value_enum)]
    pub action: Option<RelaysAction>,
    /// The relay to add or remove: a URL whose path is the room's directory there.
    #[arg(value_name = "URL", requires = "action")]
    pub url: Option<String>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub common: RoomCommonArgs,
}

/// What `room relays` does besides listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RelaysAction {
    /// Put the room on one more relay.
    Add,
    /// Stop listing a relay.
    Remove,
}

/// Options shared by room actions that talk to the room.
#[derive(Debug, Clone, Args)]
pub struct RoomCommonArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub relay: RelayArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub identity: IdentityArgs,
    /// Room key file [default: the profile's, or room.key].
    #[arg(
        short = 'i',
        long = "room-key",
        value_name = "FILE",
        env = "FTPCHAT_ROOM_KEY"
    )]
    pub room_key: Option<PathBuf>,
    /// One JSON object per line.
    #[arg(long)]
    pub json: bool,
}

/// `ftpchat room create`
#[derive(Debug, Args)]
pub struct RoomCreateArgs {
    /// Room directory on the relay.
    #[arg(value_name = "PATH")]
    pub path: String,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub common: RoomCommonArgs,
    /// Your display name in the roster.
    #[arg(long, value_name = "NAME", env = "FTPCHAT_NAME")]
    pub name: Option<String>,
    /// Profile to store the room in [default: the default profile, or "default"].
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
}

/// `ftpchat room join`
#[derive(Debug, Args)]
pub struct RoomJoinArgs {
    /// The invite string (ftpchat-invite1:...), or "-" to read it from stdin (better: an
    /// invite is a secret, and arguments are visible to other users of the machine).
    #[arg(value_name = "INVITE")]
    pub invite: String,
    /// Profile to store the room in [default: a new profile named after the room].
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// Your display name.
    #[arg(long, value_name = "NAME", env = "FTPCHAT_NAME")]
    pub name: Option<String>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub identity: IdentityArgs,
}

/// `ftpchat room add`
#[derive(Debug, Args)]
pub struct RoomAddArgs {
    /// The member's public identity line (ftpchat-id1:..., from their `keygen` or `room join`).
    #[arg(value_name = "ID-LINE")]
    pub member: String,
    /// The name to list them under.
    #[arg(long, value_name = "NAME")]
    pub name: String,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub common: RoomCommonArgs,
}

/// `ftpchat room remove`
#[derive(Debug, Args)]
pub struct RoomRemoveArgs {
    /// The member: their name in the roster, or a prefix of their key.
    #[arg(value_name = "MEMBER")]
    pub member: String,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub common: RoomCommonArgs,
}

/// `ftpchat verify`
#[derive(Debug, Args)]
#[command(after_help = "\
Checks the descriptor's signature and owner, the roster chain, every feed's signatures
and chain, forks, senders not in the roster (or removed before they wrote), records
under a rotated-out key, and history rewritten behind this device's read cursors. Prints
a summary; exits 1 naming each finding.

Examples:
  ftpchat verify --room ops
  ftpchat pull --all | ftpchat verify --stdin --json")]
pub struct VerifyArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub relay: RelayArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub keys: RoomKeyArgs,
    /// Audit record lines on stdin instead of a room on a relay.
    #[arg(long)]
    pub stdin: bool,
    /// Findings and the summary as JSON lines.
    #[arg(long)]
    pub json: bool,
}

/// `ftpchat init`
#[derive(Debug, Args)]
#[command(after_help = "\
On a terminal, asks for what the flags do not give (relay, user, password source, room,
name), tests the connection, creates missing keys and writes the profile. Without a
terminal (or with --yes) it never prompts: the flags are all there is. Running it again
edits the profile; existing keys are never replaced.

Example (cron, no terminal):
  ftpchat init --profile ops --relay ftp://bot@192.168.1.1/chat --room ops \\
      --password-command 'pass show ftp/bot' --name backup-bot --yes")]
pub struct InitArgs {
    /// Profile to create or edit.
    #[arg(long, value_name = "NAME", default_value = "default")]
    pub profile: String,
    /// Relay URL (ftp://user@host[:port]/path, ftps://..., sftp://..., or file:///path for
    /// a folder).
    #[arg(long, value_name = "URL")]
    pub relay: Option<String>,
    /// Another relay holding the same room (repeatable): sends go to every relay, reads
    /// merge them.
    #[arg(long, value_name = "URL")]
    pub mirror: Vec<String>,
    /// Room directory on the relay.
    #[arg(long, value_name = "PATH")]
    pub room: Option<String>,
    /// Display name.
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// Read the FTP password from this file (mode 0600).
    #[arg(long, value_name = "FILE", conflicts_with = "password_command")]
    pub password_file: Option<PathBuf>,
    /// Run this command to get the FTP password (e.g. `pass show ftp/relay`).
    #[arg(long, value_name = "CMD")]
    pub password_command: Option<String>,
    /// Use this room key file (default: room.key in the config directory, created if missing).
    #[arg(short = 'i', long = "room-key", value_name = "FILE")]
    pub room_key: Option<PathBuf>,
    /// Use this device identity (default: identity.key, created if missing).
    #[arg(long, value_name = "FILE")]
    pub identity: Option<PathBuf>,
    /// Trust this PEM file's certificates for ftps://.
    #[arg(long, value_name = "FILE")]
    pub ca_file: Option<PathBuf>,
    /// Skip TLS certificate verification for this relay (testing only).
    #[arg(long)]
    pub insecure: bool,
    /// The room is a chat file of the original FTPChat app.
    #[arg(long)]
    pub legacy: bool,
    /// File with the original app's chat passphrase (for --legacy).
    #[arg(long, value_name = "FILE")]
    pub legacy_passphrase_file: Option<PathBuf>,
    /// Make this the default profile.
    #[arg(long)]
    pub default: bool,
    /// Do not test the connection.
    #[arg(long)]
    pub no_test: bool,
    /// Never prompt; take everything from the flags.
    #[arg(short, long)]
    pub yes: bool,
    /// Make profiles from the original FTPChat app's saved_setups.json (one per setup;
    /// passwords and chat passphrases go to 0600 files, not into the profiles).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["relay", "mirror", "room", "password_file",
          "password_command", "legacy_passphrase_file"])]
    pub import: Option<PathBuf>,
}

/// `ftpchat profile`
#[derive(Debug, Args)]
pub struct ProfileArgs {
    /// What to do.
    #[command(subcommand)]
    pub action: ProfileAction,
}

/// `ftpchat profile` actions.
#[derive(Debug, Subcommand)]
pub enum ProfileAction {
    /// List profiles (the default one is marked with *).
    List {
        /// One JSON object per profile.
        #[arg(long)]
        json: bool,
        /// Only the names, one per line (for scripts and shell completion).
        #[arg(long, conflicts_with = "json")]
        names: bool,
    },
    /// Show a profile's settings (never a password).
    Show {
        /// The profile [default: the default profile].
        name: Option<String>,
        /// One JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Remove a profile (keys and state are kept).
    Remove {
        /// The profile.
        name: String,
    },
    /// Make a profile the default.
    Use {
        /// The profile.
        name: String,
    },
}

/// Which relay and room, and how to reach it.
#[derive(Debug, Clone, Default, Args)]
pub struct RelayArgs {
    /// Relay URL (ftp://user@host[:port]/path, ftps://..., sftp://user@host[:port]/path,
    /// file:///path or /path for a folder) or profile name.
    #[arg(long, value_name = "URL|PROFILE", env = "FTPCHAT_RELAY")]
    pub relay: Option<String>,
    /// Another relay holding the same room (a URL; repeatable; replaces the profile's
    /// mirrors): records go to every relay, reads merge them and show each record once.
    /// A path in the URL is the room's directory there; without one, --room applies.
    #[arg(long, value_name = "URL")]
    pub mirror: Vec<String>,
    /// Room directory, relative to the URL's path (absolute when it starts with /).
    #[arg(long, value_name = "PATH", env = "FTPCHAT_ROOM")]
    pub room: Option<String>,
    /// Trust the certificates in this PEM file for ftps:// (instead of the system roots).
    #[arg(long, value_name = "FILE", env = "FTPCHAT_CA_FILE")]
    pub ca_file: Option<PathBuf>,
    /// Do not verify the relay's TLS certificate (prints a warning; testing only).
    #[arg(long)]
    pub insecure: bool,
    /// Implicit FTPS: TLS from the first byte, as curl does for ftps:// (the default on
    /// port 990; other ftps:// ports use explicit AUTH TLS unless this is given).
    #[arg(long)]
    pub implicit_tls: bool,
    /// Active-mode data connections (EPRT/PORT: the server connects back to this
    /// machine), for servers whose passive mode is broken.
    #[arg(long, env = "FTPCHAT_ACTIVE")]
    pub active: bool,
    /// Read logins and passwords from FILE instead of ~/.netrc (as curl's --netrc-file).
    #[arg(long, value_name = "FILE", env = "NETRC")]
    pub netrc_file: Option<PathBuf>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub timeouts: TimeoutArgs,
    /// The room is a chat file (<room>.txt) of the original FTPChat app.
    #[arg(long, env = "FTPCHAT_LEGACY")]
    pub legacy: bool,
    /// sftp://: log in with this private key file, Ed25519 or ECDSA (before
    /// ~/.ssh/config's and the default ones; an encrypted or RSA key must be in ssh-agent).
    #[arg(long, value_name = "FILE", env = "FTPCHAT_SSH_KEY")]
    pub ssh_key: Option<PathBuf>,
    /// sftp://: record an unknown server's host key in ~/.ssh/known_hosts and go on (as
    /// ssh's StrictHostKeyChecking=accept-new); a changed key is still refused.
    #[arg(long)]
    pub accept_new_host_key: bool,
}

/// Network timeouts, shared by every command that talks to a relay.
#[derive(Debug, Clone, Args)]
pub struct TimeoutArgs {
    /// Seconds to wait for a TCP connection.
    #[arg(
        long,
        value_name = "SECS",
        default_value_t = 10.0,
        env = "FTPCHAT_CONNECT_TIMEOUT"
    )]
    pub connect_timeout: f64,
    /// Seconds to wait for any reply or transfer progress before giving up.
    #[arg(
        long,
        value_name = "SECS",
        default_value_t = 20.0,
        env = "FTPCHAT_IO_TIMEOUT"
    )]
    pub io_timeout: f64,
}

impl Default for TimeoutArgs {
    fn default() -> Self {
        TimeoutArgs {
            connect_timeout: 10.0,
            io_timeout: 20.0,
        }
    }
}

/// `ftpchat push`
#[derive(Debug, Args)]
#[command(after_help = "\
Record lines go to their own feed files in the room; records the relay already has are
skipped (by feed and seq), so pushing twice is harmless and `pull --all` from one relay
piped into `push` to another mirrors a room. This device's own records that `encrypt`
journaled and the relay lacks are delivered too, in order.

With stdin a terminal (or --outbox), only the pending outbox is delivered.

Examples:
  ftpchat encrypt -m 'deploy done' | ftpchat push --relay ftp://bot@relay/chat --room ops
  ftpchat pull --all --relay a | ftpchat push --relay b")]
pub struct PushArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub relay: RelayArgs,
    /// Deliver the pending outbox only; do not read stdin.
    #[arg(long)]
    pub outbox: bool,
    /// Room key whose journals (this device's feeds in that room) to deliver [default: room.key, if present].
    #[arg(
        short = 'i',
        long = "room-key",
        value_name = "FILE",
        env = "FTPCHAT_ROOM_KEY"
    )]
    pub room_key: Option<PathBuf>,
}

/// `ftpchat pull`
#[derive(Debug, Args)]
#[command(after_help = "\
Prints record lines new since the last pull (per relay, room and cursor name) and
advances the cursor. A feed that shrank, or whose already-read bytes changed, is
reported as rewritten history (exit status 1) and not read again.

Examples:
  ftpchat pull | ftpchat decrypt
  ftpchat pull --follow --relay a | ftpchat push --relay b     # mirror a room live
  ftpchat pull --all --room ops | ftpchat decrypt --verify")]
pub struct PullArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub relay: RelayArgs,
    /// Everything in the room, not just what is new.
    #[arg(long)]
    pub all: bool,
    /// Only records written at or after TIME (RFC 3339, or an age like 30m, 2h, 7d); needs the room key; implies --all --no-advance.
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
    /// Do not move the cursor (peek).
    #[arg(long)]
    pub no_advance: bool,
    /// Keep going: print new record lines as they appear, until interrupted (like
    /// `watch`, without decrypting), so `pull --follow | push --relay B` mirrors live.
    #[arg(long, short = 'f', conflicts_with_all = ["since", "attachments"])]
    pub follow: bool,
    /// With --follow: the longest wait between polls when the room is idle (polls are
    /// fast right after activity).
    #[arg(long, value_name = "SECS", default_value_t = 5.0, requires = "follow")]
    pub poll_max: f64,
    /// Name of the cursor to use, so several readers can keep their own places.
    #[arg(long, value_name = "NAME", default_value = "default")]
    pub cursor: String,
    /// One JSON object per record (`format`, `feed`, `seq`, `line`) instead of bare lines.
    #[arg(long)]
    pub json: bool,
    /// Download the attachments of the records pulled into DIR (checked against their
    /// signed hashes; names are sanitised so nothing is written outside DIR). Needs the room key.
    #[arg(long, value_name = "DIR")]
    pub attachments: Option<PathBuf>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub keys: RoomKeyArgs,
}

/// `ftpchat send`
#[derive(Debug, Args)]
#[command(after_help = "\
Exits 0 only once the record is on the relay. When delivery fails the message stays
queued in the outbox (exit status 3, or 4 for a refused login) and the next `send`,
`push` or `outbox flush` delivers it, in order.

Examples:
  ftpchat send --room ops 'backup ok'
  backup.sh 2>&1 | tail -5 | ftpchat send --room ops")]
pub struct SendArgs {
    /// The message; read from stdin when not given.
    #[arg(value_name = "MESSAGE")]
    pub message: Vec<String>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub relay: RelayArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub sender: SenderArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub legacy_args: LegacyArgs,
    /// Attach a file: encrypted to a key of its own, uploaded (resumably) to the room's
    /// blobs/, announced by the record. The message becomes its caption.
    #[arg(long, value_name = "PATH")]
    pub file: Option<PathBuf>,
    /// Largest attachment accepted, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = crate::protocol::attachment::DEFAULT_MAX, env = "FTPCHAT_MAX_ATTACHMENT")]
    pub max_attachment: u64,
    /// Print what was sent as one JSON object on stdout: feed, seq, relay, ts, kind.
    #[arg(long)]
    pub json: bool,
    /// Write-only posters: the room owner's key (as `room create` prints it). The
    /// recipient is then checked against the owner-signed recipient.txt on the relay, and
    /// nothing is sent to a recipient the owner rotated out. A `# owner: KEY` line in the
    /// -R file does the same.
    #[arg(long, value_name = "KEY")]
    pub owner: Option<String>,
    /// Legacy rooms: write lines as this version of the original app does: v16 (1.6,
    /// base64-wrapped), v17 (1.7, the default) or v23 (2.3, `[HH:MM]` layout).
    #[arg(long, value_name = "VERSION", value_parser = ["v16", "v17", "v23"])]
    pub legacy_format: Option<String>,
}

/// `ftpchat watch`
#[derive(Debug, Args)]
#[command(after_help = "\
Polls every --poll-min while the room is active and for 3 s after, then backs off to
--poll-max. An idle poll is one small request (the size of the room's change marker,
which every ftpchat writer touches); the room is listed in full every 30 s as well, so a
writer that does not touch the marker is seen within 30 s. After any failure it reconnects with backoff and resumes where it was, with no gap and
no duplicate. Verification findings are shown inline. Ctrl-C or SIGTERM stops it with
its cursor saved.

Examples:
  ftpchat watch --room ops
  ftpchat watch --once --json | jq -r .body
  ftpchat watch --exec 'notify-send \"$FTPCHAT_MSG_LABEL\" \"$FTPCHAT_MSG_BODY\"'")]
pub struct WatchArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub relay: RelayArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub keys: RoomKeyArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub output: OutputArgs,
    /// Poll once, print what is new, and exit.
    #[arg(long)]
    pub once: bool,
    /// Shortest time between polls, in seconds (used while the room is active and 3 s after).
    #[arg(long, value_name = "SECS", default_value_t = 0.1)]
    pub poll_min: f64,
    /// Longest time between polls, in seconds (reached when idle).
    #[arg(long, value_name = "SECS", default_value_t = 1.0)]
    pub poll_max: f64,
    /// Start from the beginning of the room instead of the saved cursor.
    #[arg(long)]
    pub all: bool,
    /// Show history written at or after TIME first (RFC 3339, or an age like 30m, 2h,
    /// 7d), then follow; implies --all (older records are read, verified, not shown).
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
    /// Name of the cursor to use.
    #[arg(long, value_name = "NAME", default_value = "watch")]
    pub cursor: String,
    /// Run CMD (with sh -c) for each message: the message on stdin, its fields in
    /// FTPCHAT_MSG_BODY, _NAME, _LABEL (the name with its standing, e.g. `mallory [not a
    /// member]`), _SENDER, _TS, _ROOM, _FEED, _SEQ, _KIND, _FORMAT, _VERIFIED, _ROSTER.
    #[arg(long, value_name = "CMD", env = "FTPCHAT_EXEC")]
    pub exec: Option<String>,
    /// Download attachments into DIR as they arrive.
    #[arg(long, value_name = "DIR")]
    pub attachments: Option<PathBuf>,
    /// Seconds a --exec command may run before it is killed.
    #[arg(long, value_name = "SECS", default_value_t = 30.0)]
    pub exec_timeout: f64,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub legacy: LegacyArgs,
}

/// `ftpchat chat`
#[derive(Debug, Args)]
#[command(after_help = "\
The conversation fills the screen; type below it. Polling and sending run beside the
screen, so typing never waits for the relay. Your messages show as sending, then
delivered (or queued while the relay cannot be reached, and delivered later by
themselves).

Keys:
  Enter            send                    Alt-Enter, Ctrl-J   new line
  Up/Down          input history           PageUp/PageDown     scroll (End: bottom)
  Ctrl-A/Ctrl-E    start/end of line       Ctrl-U/Ctrl-K/Ctrl-W  delete to start/end/word
  Ctrl-C, Ctrl-D   quit (Ctrl-D on an empty line)

Commands: /file PATH [TEXT], /save N [DIR], /members, /verify, /me TEXT, /help, /quit.

Without a terminal, use `ftpchat watch` to read and `ftpchat send` to write.

Examples:
  ftpchat chat
  ftpchat chat --relay ops
  ftpchat chat --relay ftp://chat@192.168.1.1/team --room team")]
pub struct ChatArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub relay: RelayArgs,
    /// Room key file [default: the profile's, or room.key].
    #[arg(
        short = 'i',
        long = "room-key",
        value_name = "FILE",
        env = "FTPCHAT_ROOM_KEY"
    )]
    pub room_key: Option<PathBuf>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub identity: IdentityArgs,
    /// Display name shown with your messages [default: the profile's, or $USER].
    #[arg(long, value_name = "NAME", env = "FTPCHAT_NAME")]
    pub name: Option<String>,
    /// Messages of history kept for scrolling back (the oldest are dropped beyond it).
    #[arg(long, value_name = "N", default_value_t = 10_000)]
    pub scrollback: usize,
    /// Shortest time between polls, in seconds (used right after activity).
    #[arg(long, value_name = "SECS", default_value_t = 0.2)]
    pub poll_min: f64,
    /// Longest time between polls, in seconds (reached when idle).
    #[arg(long, value_name = "SECS", default_value_t = 2.0)]
    pub poll_max: f64,
    /// Run CMD (with sh -c) for each message, as `watch --exec` does.
    #[arg(long, value_name = "CMD", env = "FTPCHAT_EXEC")]
    pub exec: Option<String>,
    /// Seconds a --exec command may run before it is killed.
    #[arg(long, value_name = "SECS", default_value_t = 30.0)]
    pub exec_timeout: f64,
    /// Show times in UTC instead of local time.
    #[arg(long)]
    pub utc: bool,
    /// When to colour the screen.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub legacy: LegacyArgs,
}

/// `ftpchat outbox`
#[derive(Debug, Args)]
pub struct OutboxArgs {
    /// What to do (default: list).
    #[command(subcommand)]
    pub action: Option<OutboxAction>,
    /// List as JSON lines.
    #[arg(long)]
    pub json: bool,
}

/// `ftpchat outbox` actions.
#[derive(Debug, Subcommand)]
pub enum OutboxAction {
    /// List pending records per room, feed and relay.
    List,
    /// Deliver every pending record to the relay it was meant for.
    Flush(FlushArgs),
    /// Give up delivering: drop what is owed to one relay, one feed, or everything. This
    /// device's feeds stay whole; a legacy room's undelivered lines are deleted.
    Drop(DropArgs),
}

/// `ftpchat outbox drop`
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  ftpchat outbox drop --relay ftp://chat@relay.example:21/typo
  ftpchat outbox drop --all --yes")]
pub struct DropArgs {
    /// Only what is owed to this relay (as `outbox` lists it).
    #[arg(long, value_name = "RELAY", required_unless_present_any = ["feed", "all"])]
    pub relay: Option<String>,
    /// Only this feed's records.
    #[arg(long, value_name = "FEED")]
    pub feed: Option<String>,
    /// Everything pending, for every relay.
    #[arg(long, conflicts_with_all = ["relay", "feed"])]
    pub all: bool,
    /// Do not ask (needed without a terminal).
    #[arg(long, short = 'y')]
    pub yes: bool,
}

/// `ftpchat outbox flush`
#[derive(Debug, Args)]
pub struct FlushArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub timeouts: TimeoutArgs,
    /// Trust the certificates in this PEM file for ftps://.
    #[arg(long, value_name = "FILE", env = "FTPCHAT_CA_FILE")]
    pub ca_file: Option<PathBuf>,
}

/// `ftpchat relay`
#[derive(Debug, Args)]
#[command(after_help = "\
With no arguments: serves a directory in the state directory on 127.0.0.1:2121, creates
what a first try needs (a device identity, a room key, a password file and a `local`
profile made the default), and prints the two commands to run in another terminal.

The password is read from FTPCHAT_RELAY_PASSWORD or --password-file (default: a
generated one, stored in relay.password in the config directory). Stop with Ctrl-C.")]
pub struct RelayServerArgs {
    /// Address to listen on.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:2121")]
    pub listen: String,
    /// Directory to serve [default: relay/ in the state directory].
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// User name clients log in with.
    #[arg(long, value_name = "NAME", default_value = "ftpchat")]
    pub user: String,
    /// File holding the password (mode 0600).
    #[arg(long, value_name = "FILE")]
    pub password_file: Option<PathBuf>,
    /// Passive data ports, as FIRST-LAST (at least 100 ports are advised).
    #[arg(long, value_name = "RANGE", default_value = "49152-65534")]
    pub passive_ports: String,
    /// Serve FTPS with this certificate chain (PEM); requires --tls-key.
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// Private key for --tls-cert (PEM).
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// With TLS: refuse clients that do not use it.
    #[arg(long, requires = "tls_cert")]
    pub tls_required: bool,
    /// Do not create keys, a room or a profile; only serve.
    #[arg(long)]
    pub no_setup: bool,
    /// Sessions served at once; more are answered 421.
    #[arg(long, value_name = "N", default_value_t = 256, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_sessions: u32,
    /// Sessions served at once to one IP address; more are answered 421.
    #[arg(long, value_name = "N", default_value_t = 128, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_per_address: u32,
    /// Seconds a client has to log in before it is disconnected.
    #[arg(long, value_name = "SECS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
    pub login_timeout: u64,
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
    /// Room key file (age identity file); may be repeated; `-` reads it from stdin [default: room.key in the config directory].
    #[arg(
        short = 'i',
        long = "room-key",
        value_name = "FILE",
        env = "FTPCHAT_ROOM_KEY"
    )]
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
    #[arg(
        short = 'r',
        long,
        value_name = "RECIPIENT",
        conflicts_with = "recipients_file"
    )]
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
    /// One JSON object per record (`format`, `feed`, `seq`, `line`) instead of bare lines.
    #[arg(long)]
    pub json: bool,
    /// Write lines of the original FTPChat app (unauthenticated; needs its passphrase).
    #[arg(long)]
    pub legacy: bool,
    /// Layout of legacy lines: dated (v1, the app's default) or short ([HH:MM], newest app).
    #[arg(long, value_enum, default_value_t = LegacyLayout::Dated, requires = "legacy")]
    pub legacy_layout: LegacyLayout,
    /// Wrap legacy tokens in base64 once more, as app version 1.6 did.
    #[arg(long, requires = "legacy")]
    pub legacy_base64: bool,
    /// Write legacy lines as this version of the original app does: v16 (1.6,
    /// base64-wrapped), v17 (1.7) or v23 (2.3, `[HH:MM]` layout); instead of the two above.
    #[arg(long, value_name = "VERSION", value_parser = ["v16", "v17", "v23"],
          requires = "legacy", conflicts_with_all = ["legacy_layout", "legacy_base64"])]
    pub legacy_format: Option<String>,
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
  ftpchat decrypt -i room.key --json records.txt | jq .body
  pass show room-key | ftpchat decrypt -i - records.txt
  grep '^fc1.ABC' records.txt | ftpchat decrypt --age -o rec.age && age -d -i room.key rec.age")]
pub struct DecryptArgs {
    /// Files of record lines, read in order; `-` (or none) reads stdin.
    #[arg(value_name = "FILE")]
    pub inputs: Vec<PathBuf>,
    /// Write to FILE instead of stdout.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output_file: Option<PathBuf>,
    /// Do not decrypt: write the one record's ciphertext as the age file it is (binary),
    /// for `age -d -i ROOMKEY`. Needs exactly one native record in the input.
    #[arg(long, conflicts_with = "verify")]
    pub age: bool,
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
