//! The `ftpchat` binary: parse, build real stdio, run, map the error to an exit code.

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = ftpchat::cli::Cli::parse();
    let env = ftpchat::Env::from_os();
    let stdin = io::stdin();
    let stdout = io::stdout();
    let stderr = io::stderr();
    let (stdin_tty, stdout_tty, stderr_tty) = (
        stdin.is_terminal(),
        stdout.is_terminal(),
        stderr.is_terminal(),
    );
    let mut input = stdin.lock();
    let mut output = io::LineWriter::new(stdout.lock());
    let mut errors = stderr.lock();
    let mut streams = ftpchat::Io {
        stdin: &mut input,
        stdout: &mut output,
        stderr: &mut errors,
        stdin_tty,
        stdout_tty,
        stderr_tty,
    };
    let result = ftpchat::run(cli, &env, &mut streams);
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
