//! `ftpchat keygen`: a new device identity or room key, written with mode 0600.

use crate::cli::Io;
use crate::cli::args::KeygenArgs;
use crate::cli::commands::{Context, now_rfc3339};
use crate::cli::output::note;
use crate::error::{Error, Result};
use crate::paths::write_private;
use crate::protocol::keys::{DeviceIdentity, RoomKey};

/// Runs `keygen`.
///
/// # Errors
///
/// [`Error::Exists`] without `--force` when the file exists; write errors.
pub fn run(args: &KeygenArgs, ctx: &Context<'_>, io: &mut Io<'_>) -> Result<()> {
    let created = now_rfc3339();
    let (path, contents, public) = if args.room {
        let key = RoomKey::generate();
        let path = args
            .output
            .clone()
            .unwrap_or_else(|| ctx.dirs.room_key_file());
        (
            path,
            key.to_file_contents(&created),
            key.current_recipient().to_string(),
        )
    } else {
        let id = DeviceIdentity::generate();
        let path = args
            .output
            .clone()
            .unwrap_or_else(|| ctx.dirs.identity_file());
        (path, id.to_file_contents(&created), id.public().to_string())
    };
    write_private(&path, contents.as_bytes(), args.force)?;
    note(io.stderr, &format!("wrote {} (mode 0600)", path.display()));
    writeln!(io.stdout, "{public}").map_err(|e| Error::io("cannot write", "stdout", e))
}
