//! ftpchat: end-to-end-encrypted, signed group chat relayed through plain file servers.
//!
//! The crate is a library first; the `ftpchat` binary is a thin user of [`cli::run`].
//! The folders are the layers, and nothing imports upward (ARCHITECTURE.md is the map):
//!
//! - [`protocol`]: keys, records, signatures, chains, roster, descriptor, invites, the
//!   attachment record, the legacy FTPChat format, text sanitising. Pure: bytes in,
//!   values out.
//! - [`store`]: the relay as a dumb file store, the [`store::Store`] trait and its kinds.
//! - [`room`]: a room session over any store: feeds, cursors, journal and outbox,
//!   delivery, polling, verification, legacy rooms, attachments; the [`room::Room`]
//!   facade for programs.
//! - [`cli`]: clap, settings, commands, output, prompts.
//! - [`relay`]: the embedded FTP server, standing alone.
//!
//! Beside them, the foundation every layer may use: [`error`] (typed errors and exit
//! codes), [`paths`] (where local files live and how they are written), [`secret`]
//! (values that redact themselves) and [`signals`] (Ctrl-C and SIGTERM as a flag).

pub mod cli;
pub mod error;
pub mod paths;
pub mod protocol;
pub mod relay;
pub mod room;
pub mod secret;
pub mod signals;
pub mod store;

pub use error::{Error, ExitCode, Result};
