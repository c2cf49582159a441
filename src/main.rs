//! The `ftpchat` binary: parse, build real stdio, run, map the error to an exit code.

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = ftpchat::cli::args::Cli::parse();
    if let Some(secs) = cli.timeout {
        watchdog(secs, &cli.command);
    }
    let env = ftpchat::cli::Env::from_os();
    let stdin = io::stdin();
    let stdout = io::stdout();
    let stderr = io::stderr();
    let (stdin_tty, stdout_tty, stderr_tty) = (
        stdin.is_terminal(),
        stdout.is_terminal(),
        stderr.is_terminal(),
    );
    // Not locked for the whole run: prompts (dialoguer) read stdin themselves.
    let input = io::BufReader::new(stdin);
    let mut output = io::LineWriter::new(stdout.lock());
    // Not locked for the whole run: the --timeout watchdog must be able to write too.
    let mut errors = stderr;
    let mut streams = ftpchat::cli::Io {
        stdin: Box::new(input),
        stdout: &mut output,
        stderr: &mut errors,
        stdin_tty,
        stdout_tty,
        stderr_tty,
    };
    let result = ftpchat::cli::run(cli, &env, &mut streams);
    let flushed = output.flush();
    match result.and_then(|()| flushed.map_err(|e| ftpchat::Error::io("cannot write", "stdout", e)))
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        // Ctrl-C or SIGTERM on a long-running command: a normal way to stop, state saved.
        Err(ftpchat::Error::Interrupted) => ExitCode::from(130),
        Err(e) => {
            let _ = writeln!(errors, "ftpchat: error: {e}");
            if let Some(hint) = e.hint() {
                let _ = writeln!(errors, "hint: {hint}");
            }
            ExitCode::from(e.exit_code() as u8)
        }
    }
}

/// `--timeout`: a hard bound on the whole run, for cron. Records `send` and `push` could
/// not deliver are already journaled, so they stay queued (exit 3). `watch` stops itself
/// at the deadline; this only catches a step stuck past it.
fn watchdog(secs: f64, command: &ftpchat::cli::args::Command) {
    use ftpchat::cli::args::Command;
    let (code, grace, what) = match command {
        Command::Send(_) | Command::Push(_) | Command::Outbox(_) => {
            (3, 0.0, "undelivered records stay queued in the outbox")
        }
        Command::Watch(_) => (5, 30.0, "watch did not stop at its deadline"),
        _ => (5, 0.0, "stopped"),
    };
    let limit = std::time::Duration::from_secs_f64((secs + grace).max(0.0));
    std::thread::spawn(move || {
        std::thread::sleep(limit);
        let _ = writeln!(
            io::stderr(),
            "ftpchat: error: timed out after {secs}s; {what}"
        );
        std::process::exit(code);
    });
}

/// A closed stdout (`ftpchat decrypt | head`) is a normal way for a reader to stop.
fn is_broken_pipe(e: &ftpchat::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<io::Error>() {
            return io.kind() == io::ErrorKind::BrokenPipe;
        }
        source = s.source();
    }
    false
}
