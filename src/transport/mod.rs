//! Talking to relays: addresses, credentials and the FTP client.
//!
//! Only RFC 959 basics are assumed (USER, PASS, TYPE, PASV, STOR, RETR, LIST/NLST, CWD,
//! MKD, DELE, QUIT); everything else is used after FEAT or a first try shows it works,
//! with a fallback. Every network step has a timeout.

pub mod ftp;
pub mod netrc;
pub mod url;
