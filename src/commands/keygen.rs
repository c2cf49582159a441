//! `ftpchat keygen`: a new device identity or room key, written with mode 0600.

use crate::Io;
use crate::cli::KeygenArgs;
use crate::commands::{Context, now_rfc3339};
use crate::error::{Error, Result};
use crate::keys::{DeviceIdentity, RoomKey};
use crate::output::note;
use crate::paths::write_private;

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
