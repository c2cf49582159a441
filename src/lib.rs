//! ftpchat: end-to-end-encrypted, signed group chat relayed through plain FTP servers.
//!
//! The crate is a library first; the `ftpchat` binary is a thin user of [`run`]. The
//! modules follow the relay cycle:
//!
//! - [`keys`]: device identities and room keys; [`record`]: the record line format, its
//!   signatures and the legacy FTPChat format; [`reader`]: lines to verified messages.
//! - [`journal`]: the writer's local feed journal and outbox marks.
//! - [`commands`]: one module per subcommand; [`cli`]: the clap definition.
//! - [`error`]: typed errors and exit codes; [`output`]: printing; [`paths`]: where files live.

pub mod attachment;
pub mod cli;
pub mod commands;
pub mod delivery;
pub mod encoding;
pub mod error;
pub mod journal;
pub mod keys;
pub mod legacy_room;
pub mod output;
pub mod paths;
pub mod reader;
pub mod record;
pub mod relay;
pub mod room;
pub mod roster;
pub mod secret;
pub mod settings;
pub mod signals;
pub mod transport;
pub mod ui;

use std::collections::HashMap;
use std::fmt;
use std::io::{BufRead, Write};

pub use error::{Error, ExitCode, Result};

/// A snapshot of the environment variables the library consults. Passed in rather than
/// read globally, so tests can drive commands with an environment of their own.
#[derive(Clone, Default)]
pub struct Env {
    vars: HashMap<String, String>,
}

impl fmt::Debug for Env {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Values may be secrets (FTPCHAT_PASSWORD); show names only.
        let mut keys: Vec<_> = self.vars.keys().collect();
        keys.sort();
        f.debug_struct("Env").field("names", &keys).finish()
    }
}

impl Env {
    /// The process environment.
    pub fn from_os() -> Self {
        Env {
            vars: std::env::vars_os()
                .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
                .collect(),
        }
    }

    /// An environment from pairs.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        Env {
            vars: pairs
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    /// A variable's value, if set and not empty.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.vars
            .get(key)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }
}

/// The standard streams a command uses, and whether each is a terminal.
pub struct Io<'a> {
    /// Input data.
    pub stdin: &'a mut dyn BufRead,
    /// Output data.
    pub stdout: &'a mut dyn Write,
    /// Diagnostics.
    pub stderr: &'a mut dyn Write,
    /// stdin is a terminal.
    pub stdin_tty: bool,
    /// stdout is a terminal.
    pub stdout_tty: bool,
    /// stderr is a terminal.
    pub stderr_tty: bool,
}

/// Runs a parsed command line.
///
/// # Errors
///
/// Any [`Error`]; the caller maps it to an exit code with [`Error::exit_code`].
pub fn run(cli: cli::Cli, env: &Env, io: &mut Io<'_>) -> Result<()> {
    let dirs = paths::Dirs::from_env(|k| env.get(k).map(str::to_string))?;
    let ctx = commands::Context {
        dirs,
        env,
        interactive: io.stdin_tty && io.stderr_tty,
        deadline: cli
            .timeout
            .map(|t| std::time::Instant::now() + std::time::Duration::from_secs_f64(t.max(0.0))),
    };
    if matches!(cli.command, cli::Command::Watch(_) | cli::Command::Relay(_)) {
        // Long-running commands stop at a safe point with their state saved.
        signals::install();
    }
    if cli.quiet {
        // Only errors, which the caller prints, remain.
        let mut sink = std::io::sink();
        let mut quiet = Io {
            stdin: &mut *io.stdin,
            stdout: &mut *io.stdout,
            stderr: &mut sink,
            stdin_tty: io.stdin_tty,
            stdout_tty: io.stdout_tty,
            stderr_tty: false,
        };
        return dispatch(cli.command, &ctx, &mut quiet);
    }
    dispatch(cli.command, &ctx, io)
}

fn dispatch(command: cli::Command, ctx: &commands::Context<'_>, io: &mut Io<'_>) -> Result<()> {
    match command {
        cli::Command::Keygen(a) => commands::keygen::run(&a, ctx, io),
        cli::Command::Encrypt(a) => commands::encrypt::run(&a, ctx, io),
        cli::Command::Decrypt(a) => commands::decrypt::run(&a, ctx, io),
        cli::Command::Push(a) => commands::push::run(&a, ctx, io),
        cli::Command::Pull(a) => commands::pull::run(&a, ctx, io),
        cli::Command::Send(a) => commands::send::run(&a, ctx, io),
        cli::Command::Watch(a) => commands::watch::run(&a, ctx, io),
        cli::Command::Outbox(a) => commands::outbox::run(&a, ctx, io),
        cli::Command::Relay(a) => relay::run(&a, ctx, io),
        cli::Command::Init(a) => commands::init::run(&a, ctx, io),
        cli::Command::Profile(a) => commands::profile::run(&a, ctx, io),
        cli::Command::Room(a) => commands::room::run(&a, ctx, io),
        cli::Command::Verify(a) => commands::verify::run(&a, ctx, io),
    }
}
