//! The command line: clap definitions ([`args`]), the resolution of flags, environment
//! and profiles into one settings value ([`settings`]), the commands ([`commands`]),
//! output formatting, prompts and progress bars.
//!
//! Commands are thin: they resolve settings, call the room layer, print. This is the only
//! layer that knows about clap, terminals and stdout; everything it prints comes from
//! values the layers below return.

pub mod args;
pub mod chat;
pub mod commands;
pub mod complete;
pub mod output;
pub mod settings;
pub mod ui;
pub mod verbose;

use std::collections::HashMap;
use std::fmt;
use std::io::{BufRead, Write};

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
    /// Input data (owned, so a command may hand it to a reader thread).
    pub stdin: Box<dyn BufRead + Send>,
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
/// Any [`Error`](crate::Error); the caller maps it to an exit code with
/// [`Error::exit_code`](crate::Error::exit_code).
pub fn run(cli: args::Cli, env: &Env, io: &mut Io<'_>) -> crate::Result<()> {
    let dirs = crate::paths::Dirs::from_env(|k| env.get(k).map(str::to_string))?;
    let ctx = commands::Context {
        dirs,
        env,
        interactive: io.stdin_tty && io.stderr_tty,
        deadline: cli
            .timeout
            .map(|t| std::time::Instant::now() + std::time::Duration::from_secs_f64(t.max(0.0))),
    };
    if matches!(
        cli.command,
        args::Command::Watch(_)
            | args::Command::Relay(_)
            | args::Command::Push(_)
            | args::Command::Chat(_)
    ) || matches!(&cli.command, args::Command::Pull(p) if p.follow)
        || matches!(&cli.command, args::Command::Send(s) if s.file.is_some())
    {
        // Long-running commands stop at a safe point with their state saved.
        crate::signals::install();
    }
    if cli.verbose {
        verbose::install();
    }
    if cli.quiet {
        // Only errors, which the caller prints, remain.
        let mut sink = std::io::sink();
        let mut quiet = Io {
            stdin: std::mem::replace(&mut io.stdin, Box::new(std::io::empty())),
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

fn dispatch(
    command: args::Command,
    ctx: &commands::Context<'_>,
    io: &mut Io<'_>,
) -> crate::Result<()> {
    match command {
        args::Command::Keygen(a) => commands::keygen::run(&a, ctx, io),
        args::Command::Encrypt(a) => commands::encrypt::run(&a, ctx, io),
        args::Command::Decrypt(a) => commands::decrypt::run(&a, ctx, io),
        args::Command::Push(a) => commands::push::run(&a, ctx, io),
        args::Command::Pull(a) => commands::pull::run(&a, ctx, io),
        args::Command::Send(a) => commands::send::run(&a, ctx, io),
        args::Command::Watch(a) => commands::watch::run(&a, ctx, io),
        args::Command::Chat(a) => commands::chat::run(&a, ctx, io),
        args::Command::Outbox(a) => commands::outbox::run(&a, ctx, io),
        args::Command::Relay(a) => commands::relay::run(&a, ctx, io),
        args::Command::Init(a) => commands::init::run(&a, ctx, io),
        args::Command::Profile(a) => commands::profile::run(&a, ctx, io),
        args::Command::Room(a) => commands::room::run(&a, ctx, io),
        args::Command::Verify(a) => commands::verify::run(&a, ctx, io),
        args::Command::VerifyMember(a) => commands::verify_member::run(&a, ctx, io),
    }
}
