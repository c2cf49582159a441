//! The FTP client: one control connection with timeouts, capability detection and
//! fallbacks, over suppaftp.
//!
//! Why each choice:
//! - The TCP stream is opened here with read/write timeouts before suppaftp sees it, and
//!   data sockets get the same timeouts through a passive stream builder: suppaftp's own
//!   `connect_timeout` does not bound the greeting and data sockets have none.
//! - `TYPE I` right after login: suppaftp defaults to ASCII (which rewrites LF), and some
//!   servers (pyftpdlib) refuse SIZE in ASCII mode.
//! - EPSV when FEAT lists it, else PASV with the reply's address replaced by the control
//!   peer (as curl does), so a server behind NAT, or a hostile one, cannot send our data
//!   connection elsewhere.
//! - One rustls `ClientConfig` per connection, shared by control and data channels, keeps
//!   TLS session resumption working (vsftpd's `require_ssl_reuse`); FTPS never falls back
//!   to plain FTP.
//! - Paths are relative to the login directory, as in curl's ftp:// URLs.
//! - Each operation is one guarded step ([`super::guard`]): socket timeouts bound each
//!   read, the guard bounds the step's total time (twice the I/O timeout, plus time for
//!   the bytes at [`MIN_RATE`]) and ends it at once on Ctrl-C or SIGTERM.

use std::io::Read;
use std::net::TcpStream;
use std::sync::Arc;
use std::time::Duration;

use suppaftp::rustls::{self, ClientConfig, RootCertStore};
use suppaftp::types::FileType;
use suppaftp::{FtpError, Mode, RustlsConnector, RustlsFtpStream, Status};

use super::guard::{Fired, Guard};
use super::{Capabilities, Endpoint, Entry, MAX_LISTING, Store, Support, TlsOptions, join};
use crate::error::{Error, Result};
use crate::store::url::Scheme;

#[derive(Debug, Default)]
struct Caps {
    feat: bool,
    size: Support,
    rest: Support,
    mlsd: bool,
    stat_dir: Support,
    appe: Support,
}

/// The slowest transfer rate a step's time budget allows for (32 KiB/s, below a slow
/// home uplink): a server trickling bytes slower than this fails the step.
pub const MIN_RATE: u64 = 32 * 1024;

/// A logged-in control connection.
pub struct Connection {
    ftp: RustlsFtpStream,
    guard: Guard,
    host: String,
    caps: Caps,
    commands: u64,
    endpoint: Endpoint,
    epsv: bool,
    /// The control connection was closed on purpose (a download cut short): the next
    /// operation reconnects first.
    spent: bool,
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("host", &self.host)
            .finish_non_exhaustive()
    }
}

fn reply_code(resp: &suppaftp::types::Response) -> u32 {
    match resp.status.code() {
        0 => std::str::from_utf8(resp.body.get(..3).unwrap_or_default())
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(0),
        c => c,
    }
}

/// The server's last reply line, with its code (e.g. "452 Insufficient storage space").
fn reply_text(resp: &suppaftp::types::Response) -> String {
    let text = String::from_utf8_lossy(&resp.body);
    let line = crate::protocol::text::sanitize(text.lines().last().unwrap_or_default().trim());
    if line.starts_with(|c: char| c.is_ascii_digit()) {
        line
    } else {
        format!("{} {line}", reply_code(resp))
    }
}

impl Connection {
    /// Connects, secures (for `ftps://`), logs in, switches to binary and reads FEAT.
    ///
    /// # Errors
    ///
    /// [`Error::Relay`] for network trouble and timeouts, [`Error::Auth`] for a refused
    /// login, [`Error::Refused`] for a TLS or protocol refusal.
    pub fn open(ep: &Endpoint) -> Result<Self> {
        let guard = Guard::new();
        let _step = guard.step(Some(ep.timeouts.connect + ep.timeouts.io * 3));
        Self::open_guarded(ep, guard.clone()).map_err(|e| judged(&guard, e))
    }

    fn open_guarded(ep: &Endpoint, guard: Guard) -> Result<Self> {
        let host = ep.url.authority();
        let relay_err = |what: &str, reason: String, timeout: bool| Error::Relay {
            host: host.clone(),
            what: what.to_string(),
            reason,
            timeout,
        };
        let stream = super::connect_tcp(&ep.url, ep.timeouts.connect)
            .map_err(|e| relay_err("connect", e, false))?;
        let io_timeout = ep.timeouts.io;
        let connect_timeout = ep.timeouts.connect;
        let setup = move |s: &TcpStream| -> std::io::Result<()> {
            s.set_read_timeout(Some(io_timeout))?;
            s.set_write_timeout(Some(io_timeout))?;
            s.set_nodelay(true)
        };
        setup(&stream).map_err(|e| relay_err("connect", e.to_string(), false))?;
        guard.control(&stream);
        // A handshake the client refused (an untrusted or mismatched certificate) fails the
        // same way on every attempt: it is not retried.
        let tls_refused = |e: FtpError, step: &str| match e {
            FtpError::SecureError(reason) => Error::Refused {
                host: host.clone(),
                what: "TLS handshake".into(),
                reply: reason,
            },
            FtpError::ConnectionError(io) if rejected_certificate(&io).is_some() => {
                Error::Refused {
                    host: host.clone(),
                    what: "TLS handshake".into(),
                    reply: rejected_certificate(&io).unwrap_or_default(),
                }
            }
            other => map_ftp(&host, step, other),
        };
        let secure = ep.url.scheme == Scheme::Ftps;
        let connector = |ep: &Endpoint| -> Result<TimedTls> {
            Ok(TimedTls {
                inner: RustlsConnector::from(Arc::new(tls_config(&ep.tls)?)),
                io: io_timeout,
            })
        };
        let ftp = if secure && ep.tls.implicit {
            // Implicit FTPS: TLS from the first byte. suppaftp opens this socket itself, so
            // the address that just answered is handed over and the probe closed; the
            // connector sets the timeouts before the handshake and the greeting.
            let addr = stream
                .peer_addr()
                .map_err(|e| relay_err("connect", e.to_string(), false))?;
            drop(stream);
            RustlsFtpStream::connect_secure_implicit(addr, connector(ep)?, &ep.url.host)
                .map_err(|e| tls_refused(e, "greeting"))?
        } else {
            RustlsFtpStream::connect_with_stream(stream)
                .map_err(|e| map_ftp(&host, "greeting", e))?
        };
        if secure && ep.tls.implicit {
            guard.control(&ftp.get_ref());
        }
        let mut conn = Connection {
            ftp: ftp.passive_stream_builder(move |addr| {
                let s = TcpStream::connect_timeout(&addr, connect_timeout)
                    .map_err(FtpError::ConnectionError)?;
                setup(&s).map_err(FtpError::ConnectionError)?;
                Ok(s)
            }),
            guard,
            host: host.clone(),
            caps: Caps::default(),
            commands: 0,
            endpoint: ep.clone(),
            epsv: false,
            spent: false,
        };
        conn.ftp.set_passive_nat_workaround(true);
        if secure && ep.tls.implicit {
            for cmd in ["PBSZ 0", "PROT P"] {
                conn.commands += 1;
                conn.ftp
                    .custom_command(cmd, &[Status::CommandOk])
                    .map_err(|e| map_ftp(&host, cmd, e))?;
            }
        } else if secure {
            let server_name = ep.url.host.clone();
            conn.ftp = conn
                .ftp
                .into_secure(connector(ep)?, &server_name)
                .map_err(|e| tls_refused(e, "AUTH TLS"))?;
        }
        if ep.active {
            conn.ftp = conn.ftp.active_mode(io_timeout);
        }
        conn.commands += 1;
        conn.ftp
            .login(ep.url.user.as_str(), ep.password.expose())
            .map_err(|e| match e {
                FtpError::UnexpectedResponse(r) if matches!(reply_code(&r), 530 | 331 | 332) => {
                    Error::Auth {
                        host: host.clone(),
                        user: ep.url.user.clone(),
                        reply: reply_text(&r),
                    }
                }
                other => map_ftp(&host, "login", other),
            })?;
        conn.commands += 1;
        conn.ftp
            .transfer_type(FileType::Binary)
            .map_err(|e| map_ftp(&host, "TYPE I", e))?;
        conn.read_features();
        Ok(conn)
    }

    fn read_features(&mut self) {
        self.commands += 1;
        let Ok(features) = self.ftp.feat() else {
            return;
        };
        self.caps.feat = true;
        let has = |k: &str| features.keys().any(|f| f.eq_ignore_ascii_case(k));
        if has("SIZE") {
            self.caps.size = Support::Yes;
        }
        if has("REST") {
            self.caps.rest = Support::Yes;
        }
        self.caps.mlsd = has("MLST");
        if has("EPSV") && !self.endpoint.active {
            self.ftp.set_mode(Mode::ExtendedPassive);
            self.epsv = true;
        }
    }

    /// Replaces this connection with a fresh one to the same relay.
    ///
    /// vsftpd with `require_ssl_reuse` accepts a data connection only when it resumes the
    /// control connection's TLS session; with TLS 1.3 each session ticket is good for one
    /// resumption and OpenSSL hands out two, so the third upload on one connection is
    /// refused with 522 and the session dropped. Nothing was transferred then, so the
    /// upload is repeated once on a new connection.
    fn reconnect(&mut self) -> Result<()> {
        let fresh = Connection::open(&self.endpoint)?;
        let commands = self.commands + fresh.commands;
        let old = std::mem::replace(self, fresh);
        self.commands = commands;
        drop(old);
        Ok(())
    }

    /// A data command refused as not understood while in EPSV mode: EPSV itself may be
    /// what the server refused (FEAT can overstate), so fall back to PASV for the rest of
    /// the connection and let the caller repeat the command once.
    fn epsv_refused<T>(&mut self, r: &std::result::Result<T, FtpError>) -> bool {
        let refused = matches!(r, Err(FtpError::UnexpectedResponse(resp)) if matches!(reply_code(resp), 500 | 501 | 502 | 522));
        if refused && self.epsv {
            self.epsv = false;
            self.ftp.set_mode(Mode::Passive);
            return true;
        }
        false
    }

    /// What an APPE's reply says: appended, or not supported (learned for next time).
    fn appended(&mut self, name: &str, result: std::result::Result<u64, FtpError>) -> Result<bool> {
        match result {
            Ok(_) => {
                self.caps.appe = Support::Yes;
                Ok(true)
            }
            Err(FtpError::UnexpectedResponse(r)) if matches!(reply_code(&r), 500 | 502 | 504) => {
                self.caps.appe = Support::No;
                Ok(false)
            }
            Err(e) => Err(self.err(&format!("APPE {name}"), e)),
        }
    }

    fn err(&self, what: &str, e: FtpError) -> Error {
        judged(&self.guard, map_ftp(&self.host, what, e))
    }

    /// Starts an operation as one guarded step: reconnects first when the last operation
    /// closed the connection on purpose, then bounds the step by the I/O timeout plus time
    /// for `bytes` at [`MIN_RATE`] (`None`: a stream of unknown size, which only a signal
    /// ends early).
    fn begin(&mut self, bytes: Option<u64>) -> Result<super::guard::Step> {
        if self.spent {
            self.reconnect()?;
        }
        let io = self.endpoint.timeouts.io;
        Ok(self
            .guard
            .step(bytes.map(|b| io * 2 + Duration::from_secs(b / MIN_RATE))))
    }

    /// `STAT <dir>`: the entries, and whether every line of the reply looked like part
    /// of a listing (`None` when the server refuses the command).
    fn stat_list(&mut self, dir: &str) -> Result<Option<(Vec<Entry>, bool)>> {
        self.commands += 1;
        let target = if dir.is_empty() {
            ".".to_string()
        } else {
            dir.to_string()
        };
        // Status::System must not be among the expected codes: suppaftp then treats a
        // "ddd-" opener as a complete reply (its FEAT special case) and leaves the rest of
        // a multi-line reply unread. 211 and 200 replies arrive as errors and are read here.
        let reply = match self
            .ftp
            .custom_command(format!("STAT {target}"), &[Status::Directory, Status::File])
        {
            Ok(resp) => resp,
            Err(FtpError::UnexpectedResponse(r)) if matches!(reply_code(&r), 200 | 211) => r,
            Err(FtpError::UnexpectedResponse(r)) if reply_code(&r) == 550 => {
                return Ok(Some((Vec::new(), true)));
            }
            Err(FtpError::UnexpectedResponse(_)) => return Ok(None),
            Err(e) => return Err(self.err("STAT", e)),
        };
        let text = String::from_utf8_lossy(&reply.body);
        // Servers differ: vsftpd wraps the listing in "213-Status follows:" / "213 End",
        // libunftp prefixes every listing line with the code. Strip a code prefix, then
        // keep whatever parses as a listing line.
        let lines: Vec<&str> = text
            .lines()
            .map(|l| match l.as_bytes() {
                [a, b, c, b'-' | b' ', ..] if [a, b, c].iter().all(|d| d.is_ascii_digit()) => {
                    &l[4..]
                }
                _ => l,
            })
            .map(str::trim_start)
            .collect();
        // A multi-line reply may open and close with its own words ("Status follows",
        // "End of status"); everything between must look like a listing.
        let inner = if lines.len() > 2 {
            &lines[1..lines.len() - 1]
        } else {
            &[][..]
        };
        let clean = inner.iter().all(|l| l.is_empty() || listing_shaped(l));
        Ok(Some((
            lines.iter().filter_map(|l| parse_list_line(l)).collect(),
            clean,
        )))
    }

    /// RETR from `offset`, at most `limit` bytes (more is an error unless `cut`).
    fn retrieve(
        &mut self,
        dir: &str,
        name: &str,
        offset: u64,
        limit: u64,
        cut: bool,
    ) -> Result<Option<Vec<u8>>> {
        match self.retrieve_once(dir, name, offset, limit, cut) {
            // vsftpd with require_ssl_reuse refuses a data connection once the TLS
            // session tickets of the control connection are used up (the third transfer
            // of a connection, say): once more, on a fresh connection.
            Err(Reuse) => {
                self.reconnect()?;
                match self.retrieve_once(dir, name, offset, limit, cut) {
                    Err(Reuse) => Err(Error::Refused {
                        host: self.host.clone(),
                        what: format!("RETR {name}"),
                        reply: "522 TLS session reuse required, refused on a fresh connection too"
                            .into(),
                    }),
                    Err(Other(e)) => Err(e),
                    Ok(v) => Ok(v),
                }
            }
            Err(Other(e)) => Err(e),
            Ok(v) => Ok(v),
        }
    }

    fn retrieve_once(
        &mut self,
        dir: &str,
        name: &str,
        offset: u64,
        limit: u64,
        cut: bool,
    ) -> std::result::Result<Option<Vec<u8>>, Retrieval> {
        let path = join(dir, name);

        let mut skip = 0;
        if offset > 0 {
            if self.caps.rest == Support::No {
                skip = offset;
            } else {
                let _ = self.ftp.resume_transfer(offset as usize);
                self.commands += 1;
            }
        }
        self.commands += 1;
        // Without REST the file comes from its start and the first `skip` bytes are
        // dropped here, so they do not count against the limit.
        let cap = limit.saturating_add(skip);
        // Ok((bytes, cut short))
        let guard = self.guard.clone();
        let read_all = |r: &mut dyn Read| -> std::result::Result<(Vec<u8>, bool), FtpError> {
            let mut buf = Vec::new();
            GuardedRead::new(r, &guard)
                .take(cap.saturating_add(1))
                .read_to_end(&mut buf)
                .map_err(FtpError::ConnectionError)?;
            if buf.len() as u64 > cap && cut {
                buf.truncate(usize::try_from(cap).unwrap_or(usize::MAX));
                return Ok((buf, true));
            } else if buf.len() as u64 > cap {
                return Err(FtpError::ConnectionError(std::io::Error::other(format!(
                    "file is larger than the {limit}-byte download limit"
                ))));
            }
            Ok((buf, false))
        };
        let mut opened = self.ftp.retr_as_stream(&path);
        if self.epsv_refused(&opened) {
            if offset > 0 && skip == 0 {
                let _ = self.ftp.resume_transfer(offset as usize);
            }
            opened = self.ftp.retr_as_stream(&path);
        }
        let result = match opened {
            Ok(mut stream) => match read_all(&mut stream) {
                Ok((buf, true)) => {
                    // Cut short on purpose. Servers answer an aborted transfer late or
                    // never, so the reply is not awaited: the control connection is closed
                    // and the next operation opens a fresh one.
                    let _ = self.ftp.get_ref().shutdown(std::net::Shutdown::Both);
                    drop(stream);
                    self.spent = true;
                    Ok(buf)
                }
                Ok((buf, false)) => stream.finish().map(|()| buf),
                Err(e) => Err(e),
            },
            Err(e) => Err(e),
        };
        match result {
            Ok(mut buf) => {
                if offset > 0 && self.caps.rest == Support::Unknown {
                    self.caps.rest = Support::Yes;
                }
                buf.drain(..(skip as usize).min(buf.len()));
                Ok(Some(buf))
            }
            Err(FtpError::UnexpectedResponse(r)) if reply_code(&r) == 550 => Ok(None),
            Err(FtpError::UnexpectedResponse(r))
                if offset > 0
                    && self.caps.rest != Support::No
                    && matches!(reply_code(&r), 500 | 502 | 504 | 554) =>
            {
                self.caps.rest = Support::No;
                self.retrieve_once(dir, name, offset, limit, cut)
            }
            Err(e) if is_reuse_reply(&e) => Err(Reuse),
            Err(e) => Err(Other(self.err(&format!("RETR {name}"), e))),
        }
    }

    /// A listing command's lines, read with a bound: a listing over [`MAX_LISTING`]
    /// bytes fails instead of filling memory.
    fn listing(
        &mut self,
        verb: &str,
        target: Option<&str>,
    ) -> std::result::Result<Vec<String>, FtpError> {
        let command = match target {
            Some(t) => format!("{verb} {t}"),
            None => verb.to_string(),
        };
        let (_, mut stream) = self
            .ftp
            .custom_data_command(command, &[Status::AboutToSend, Status::AlreadyOpen])?;
        let mut bytes = Vec::new();
        GuardedRead::new(&mut stream, &self.guard)
            .take(MAX_LISTING + 1)
            .read_to_end(&mut bytes)
            .map_err(FtpError::ConnectionError)?;
        if bytes.len() as u64 > MAX_LISTING {
            return Err(FtpError::ConnectionError(std::io::Error::other(format!(
                "the listing is larger than {} MiB: not a room",
                MAX_LISTING >> 20
            ))));
        }
        stream.finish()?;
        Ok(bytes
            .split(|&b| b == b'\n')
            .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
            .filter(|l| !l.is_empty())
            .map(|l| String::from_utf8_lossy(l).into_owned())
            .collect())
    }

    fn data_list(&mut self, dir: &str) -> Result<Vec<Entry>> {
        let target = if dir.is_empty() { None } else { Some(dir) };
        self.commands += 1;
        if self.caps.mlsd {
            let mut result = self.listing("MLSD", target);
            if self.epsv_refused(&result) {
                result = self.listing("MLSD", target);
            }
            match result {
                Ok(lines) => return Ok(lines.iter().filter_map(|l| parse_mlsd_line(l)).collect()),
                Err(FtpError::UnexpectedResponse(r)) if reply_code(&r) == 550 => {
                    return Ok(Vec::new());
                }
                Err(FtpError::UnexpectedResponse(_)) => self.caps.mlsd = false,
                Err(e) => return Err(self.err("MLSD", e)),
            }
            self.commands += 1;
        }
        let mut result = self.listing("LIST", target);
        if self.epsv_refused(&result) {
            result = self.listing("LIST", target);
        }
        match result {
            Ok(lines) => Ok(lines.iter().filter_map(|l| parse_list_line(l)).collect()),
            Err(FtpError::UnexpectedResponse(r)) if matches!(reply_code(&r), 550 | 450) => {
                Ok(Vec::new())
            }
            Err(FtpError::UnexpectedResponse(r)) if matches!(reply_code(&r), 500 | 502) => {
                self.commands += 1;
                let names = self
                    .listing("NLST", target)
                    .map_err(|e| self.err("NLST", e))?;
                Ok(names
                    .into_iter()
                    .map(|n| Entry {
                        name: n.rsplit('/').next().unwrap_or_default().to_string(),
                        size: None,
                    })
                    .collect())
            }
            Err(e) => Err(self.err("LIST", e)),
        }
    }
}

impl Store for Connection {
    /// Commands sent on this connection so far (for measurements).
    fn requests(&self) -> u64 {
        self.commands
    }

    /// The relay's `host:port`.
    fn host(&self) -> &str {
        &self.host
    }

    /// Creates `dir` and its parents where missing (errors for existing ones are ignored;
    /// a directory that still does not exist shows up at the first use).
    fn mkdir_all(&mut self, dir: &str) {
        let Ok(_step) = self.begin(Some(0)) else {
            return;
        };
        let mut prefix = String::new();
        for part in dir.split('/').filter(|p| !p.is_empty()) {
            if !prefix.is_empty() {
                prefix.push('/');
            }
            prefix.push_str(part);
            self.commands += 1;
            let _ = self.ftp.mkdir(&prefix);
        }
    }

    /// Size of a file, `None` when it does not exist.
    ///
    /// # Errors
    ///
    /// Network and protocol errors.
    fn size(&mut self, dir: &str, name: &str) -> Result<Option<u64>> {
        let _step = self.begin(Some(MAX_LISTING))?;
        if self.caps.size != Support::No {
            self.commands += 1;
            match self.ftp.size(join(dir, name)) {
                Ok(n) => {
                    self.caps.size = Support::Yes;
                    return Ok(Some(n as u64));
                }
                Err(FtpError::UnexpectedResponse(r)) if reply_code(&r) == 550 => return Ok(None),
                Err(FtpError::UnexpectedResponse(r))
                    if matches!(reply_code(&r), 500 | 502 | 504) =>
                {
                    self.caps.size = Support::No;
                }
                // rclone's FTP server answers a missing file with "450 path ... not found":
                // a listing tells a missing file from a busy one.
                Err(FtpError::UnexpectedResponse(r)) if reply_code(&r) == 450 => {}
                Err(e) => return Err(self.err(&format!("SIZE {name}"), e)),
            }
        }
        let entries = self.list(dir)?;
        Ok(entries
            .into_iter()
            .find(|e| e.name == name)
            .and_then(|e| e.size))
    }

    /// Lists a directory. Prefers `STAT <dir>` (one command, no data connection) once a
    /// first comparison with a real listing showed the server supports it; else MLSD,
    /// else LIST. A missing directory lists as empty.
    ///
    /// # Errors
    ///
    /// Network and protocol errors.
    fn list(&mut self, dir: &str) -> Result<Vec<Entry>> {
        let _step = self.begin(Some(MAX_LISTING))?;
        if self.caps.stat_dir == Support::Yes {
            if let Some((entries, _)) = self.stat_list(dir)? {
                return Ok(entries);
            }
            self.caps.stat_dir = Support::No;
        }
        let listed = self.data_list(dir)?;
        if self.caps.stat_dir == Support::Unknown {
            // Some servers answer STAT <dir> with general status and ignore the path;
            // trust STAT only when it agrees with a real listing, and for an empty room
            // only when its reply holds nothing but listing lines (general status has
            // text lines), so an idle poll of an empty room is one command too.
            self.caps.stat_dir = match self.stat_list(dir) {
                Ok(Some((stat, _))) if !listed.is_empty() && same_names(&stat, &listed) => {
                    Support::Yes
                }
                Ok(Some((stat, true))) if listed.is_empty() && stat.is_empty() => Support::Yes,
                Ok(Some((_, false))) if listed.is_empty() => Support::Unknown,
                _ => Support::No,
            };
        }
        Ok(listed)
    }

    /// Downloads a file from `offset` to its end (REST + RETR where the server has REST;
    /// otherwise the whole file, skipping `offset` bytes here).
    ///
    /// # Errors
    ///
    /// Network and protocol errors; a missing file is `Ok(None)`.
    fn read(&mut self, dir: &str, name: &str, offset: u64, limit: u64) -> Result<Option<Vec<u8>>> {
        let _step = self.begin(Some(limit))?;
        self.retrieve(dir, name, offset, limit, false)
    }

    /// Like `read`, but a file longer than `limit` is cut there: the transfer is ended
    /// once `limit` bytes are in, and the server's "transfer aborted" reply is expected.
    ///
    /// # Errors
    ///
    /// Network and protocol errors; a missing file is `Ok(None)`.
    fn read_part(
        &mut self,
        dir: &str,
        name: &str,
        offset: u64,
        limit: u64,
    ) -> Result<Option<Vec<u8>>> {
        let _step = self.begin(Some(limit))?;
        self.retrieve(dir, name, offset, limit, true)
    }

    /// Appends bytes with APPE. `Ok(false)` when the server has no APPE (the caller then
    /// rewrites the file).
    ///
    /// # Errors
    ///
    /// Network and protocol errors.
    fn append(&mut self, dir: &str, name: &str, bytes: &[u8]) -> Result<bool> {
        let _step = self.begin(Some(bytes.len() as u64))?;
        if self.caps.appe == Support::No {
            return Ok(false);
        }
        self.commands += 1;
        let mut result = self.ftp.append_file(
            &join(dir, name),
            &mut GuardedRead::new(&mut &bytes[..], &self.guard),
        );
        if is_reuse_refusal(&result) {
            self.reconnect()?;
            result = self.ftp.append_file(
                &join(dir, name),
                &mut GuardedRead::new(&mut &bytes[..], &self.guard),
            );
        }
        self.appended(name, result)
    }

    /// Stores a whole file with STOR.
    ///
    /// # Errors
    ///
    /// Network and protocol errors.
    fn put(&mut self, dir: &str, name: &str, bytes: &[u8]) -> Result<()> {
        let _step = self.begin(Some(bytes.len() as u64))?;
        self.commands += 1;
        let mut result = self.ftp.put_file(
            join(dir, name),
            &mut GuardedRead::new(&mut &bytes[..], &self.guard),
        );
        if is_reuse_refusal(&result) {
            self.reconnect()?;
            result = self.ftp.put_file(
                join(dir, name),
                &mut GuardedRead::new(&mut &bytes[..], &self.guard),
            );
        }
        result
            .map(|_| ())
            .map_err(|e| self.err(&format!("STOR {name}"), e))
    }

    /// Renames within a directory; `Ok(false)` when the server has no RNFR/RNTO.
    ///
    /// # Errors
    ///
    /// Network and protocol errors.
    fn rename(&mut self, dir: &str, from: &str, to: &str) -> Result<bool> {
        let _step = self.begin(Some(0))?;
        self.commands += 2;
        match self.ftp.rename(join(dir, from), join(dir, to)) {
            Ok(()) => Ok(true),
            // No RNFR/RNTO, or no renaming over an existing file: the caller falls back.
            Err(FtpError::UnexpectedResponse(r)) if (500..600).contains(&reply_code(&r)) => {
                Ok(false)
            }
            Err(e) => Err(self.err("RNFR/RNTO", e)),
        }
    }

    /// Deletes a file, ignoring a missing one.
    ///
    /// # Errors
    ///
    /// Network and protocol errors.
    fn delete(&mut self, dir: &str, name: &str) -> Result<()> {
        let _step = self.begin(Some(0))?;
        self.commands += 1;
        match self.ftp.rm(join(dir, name)) {
            Ok(()) => Ok(()),
            Err(FtpError::UnexpectedResponse(r)) if reply_code(&r) == 550 => Ok(()),
            Err(e) => Err(self.err(&format!("DELE {name}"), e)),
        }
    }

    /// A cheap command to check the connection is alive.
    ///
    /// # Errors
    ///
    /// Network errors.
    fn keepalive(&mut self) -> Result<()> {
        let _step = self.begin(Some(0))?;
        self.commands += 1;
        self.ftp.noop().map_err(|e| self.err("NOOP", e))
    }

    /// Says goodbye (errors ignored: the connection is being dropped anyway).
    fn close(mut self: Box<Self>) {
        if self.spent {
            return;
        }
        let _step = self.begin(Some(0));
        let _ = self.ftp.quit();
    }

    fn append_from(&mut self, dir: &str, name: &str, data: &mut dyn Read) -> Result<bool> {
        // The data's size is unknown: only a signal ends this step early.
        let _step = self.begin(None)?;
        if self.caps.appe == Support::No {
            return Ok(false);
        }
        self.commands += 1;
        let result = self
            .ftp
            .append_file(&join(dir, name), &mut GuardedRead::new(data, &self.guard));
        self.appended(name, result)
    }

    fn put_from(&mut self, dir: &str, name: &str, data: &mut dyn Read) -> Result<()> {
        let _step = self.begin(None)?;
        self.commands += 1;
        self.ftp
            .put_file(join(dir, name), &mut GuardedRead::new(data, &self.guard))
            .map(|_| ())
            .map_err(|e| self.err(&format!("STOR {name}"), e))
    }

    fn assume_append(&mut self, works: bool) {
        self.caps.appe = if works { Support::Yes } else { Support::No };
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            append: self.caps.appe,
            ranged_read: self.caps.rest,
            size: self.caps.size,
            cheap_list: self.caps.stat_dir,
        }
    }
}

/// rustls with the control and data sockets' timeouts set before each handshake (the
/// implicit-FTPS control socket and active-mode data sockets are opened by suppaftp).
#[derive(Debug)]
struct TimedTls {
    inner: RustlsConnector,
    io: Duration,
}

impl suppaftp::TlsConnector for TimedTls {
    type Stream = <RustlsConnector as suppaftp::TlsConnector>::Stream;

    fn connect(&self, domain: &str, stream: TcpStream) -> suppaftp::FtpResult<Self::Stream> {
        stream
            .set_read_timeout(Some(self.io))
            .and_then(|()| stream.set_write_timeout(Some(self.io)))
            .map_err(FtpError::ConnectionError)?;
        self.inner.connect(domain, stream)
    }
}

/// Why a download failed: refused for want of TLS session reuse (worth one more try on
/// a fresh connection), or anything else.
enum Retrieval {
    Reuse,
    Other(Error),
}
use Retrieval::{Other, Reuse};

/// A data connection refused because the TLS session was not resumed (vsftpd's 522).
fn is_reuse_refusal<T>(r: &std::result::Result<T, FtpError>) -> bool {
    r.as_ref().err().is_some_and(is_reuse_reply)
}

fn is_reuse_reply(e: &FtpError) -> bool {
    match e {
        FtpError::UnexpectedResponse(resp) => {
            reply_code(resp) == 522 || String::from_utf8_lossy(&resp.body).contains("session reuse")
        }
        _ => false,
    }
}

fn same_names(a: &[Entry], b: &[Entry]) -> bool {
    let mut x: Vec<&str> = a.iter().map(|e| e.name.as_str()).collect();
    let mut y: Vec<&str> = b.iter().map(|e| e.name.as_str()).collect();
    x.sort_unstable();
    y.sort_unstable();
    x == y
}

/// A reader that stops once its connection's step has run out of time or a signal asked
/// to stop: between two reads of a data connection (each bounded by the socket timeout)
/// the guard is asked, so a server trickling data cannot hold a step. The guard does not
/// hold data sockets itself: a second descriptor would keep an upload's data connection
/// open after suppaftp closes it, and the server would wait for it forever.
struct GuardedRead<'a, R: Read + ?Sized> {
    inner: &'a mut R,
    guard: &'a Guard,
}

impl<'a, R: Read + ?Sized> GuardedRead<'a, R> {
    fn new(inner: &'a mut R, guard: &'a Guard) -> Self {
        GuardedRead { inner, guard }
    }
}

impl<R: Read + ?Sized> Read for GuardedRead<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if let Some(why) = self.guard.expired() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                match why {
                    Fired::Deadline => "the step's time limit ran out",
                    Fired::Interrupt => "interrupted",
                },
            ));
        }
        self.inner.read(buf)
    }
}

/// The error a step ended with, told by why the guard ended it (if it did).
fn judged(guard: &Guard, e: Error) -> Error {
    match (guard.fired(), e) {
        (Some((Fired::Interrupt, _)), _) => Error::Interrupted,
        (Some((Fired::Deadline, budget)), Error::Relay { host, what, .. }) => Error::Relay {
            host,
            what,
            reason: format!(
                "no complete answer within {}s (the step's time limit; see --io-timeout)",
                budget.as_secs()
            ),
            timeout: true,
        },
        (_, e) => e,
    }
}

/// What is wrong with the relay's certificate, when `io` is rustls refusing it.
fn rejected_certificate(io: &std::io::Error) -> Option<String> {
    let tls = io.get_ref()?.downcast_ref::<suppaftp::rustls::Error>()?;
    let why = match tls {
        suppaftp::rustls::Error::InvalidCertificate(c) => format!("{c:?}"),
        _ => return None,
    };
    Some(format!(
        "the relay's TLS certificate is not trusted ({why}); if the server uses its own \
         certificate authority give its certificate with --ca-file FILE, and check that the \
         URL names the host the certificate was made for"
    ))
}

/// Maps a suppaftp error to ours.
fn map_ftp(host: &str, what: &str, e: FtpError) -> Error {
    match e {
        FtpError::ConnectionError(io) => Error::Relay {
            host: host.to_string(),
            what: what.to_string(),
            timeout: matches!(
                io.kind(),
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
            ),
            reason: match io.kind() {
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut => {
                    "timed out".to_string()
                }
                _ => io.to_string(),
            },
        },
        FtpError::UnexpectedResponse(r) => {
            let code = reply_code(&r);
            // vsftpd's "500 OOPS: ..." reports an internal failure that ended the session
            // (seen under load: "priv_sock_get_int"): a fresh connection may well succeed.
            let oops = code == 500 && reply_text(&r).contains("OOPS:");
            if (400..500).contains(&code) || oops {
                Error::Relay {
                    host: host.to_string(),
                    what: what.to_string(),
                    reason: reply_text(&r),
                    timeout: false,
                }
            } else {
                Error::Refused {
                    host: host.to_string(),
                    what: what.to_string(),
                    reply: reply_text(&r),
                }
            }
        }
        FtpError::SecureError(reason) => Error::Relay {
            host: host.to_string(),
            what: what.to_string(),
            reason: format!("TLS: {reason}"),
            timeout: false,
        },
        other => Error::Relay {
            host: host.to_string(),
            what: what.to_string(),
            reason: other.to_string(),
            timeout: false,
        },
    }
}

/// Whether a line has the shape of a Unix or DOS listing line (directories included).
fn listing_shaped(line: &str) -> bool {
    let first = line.split_whitespace().next().unwrap_or_default();
    let unix = first.len() >= 10
        && first.starts_with(['-', 'd', 'l', 'c', 'b', 'p', 's'])
        // Bytes, not a str slice: a hostile reply may put a multi-byte character there.
        && first.as_bytes().get(1..10).is_some_and(|m| m.iter().all(|b| b"rwxsStTl-".contains(b)));
    unix || parse_list_line(line).is_some()
        || line.eq_ignore_ascii_case("total 0")
        || line.starts_with("total ")
}

/// Parses one LIST line (Unix or DOS style) into a file entry; directories and lines that
/// fit neither style are skipped.
pub fn parse_list_line(line: &str) -> Option<Entry> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let fields: Vec<&str> = line.split_whitespace().collect();
    let first = fields.first()?;
    if first.len() >= 10 && first.starts_with('-') {
        // Unix style, with or without a group column and with ACL marks (`+`, `@`) after
        // the mode: the size is the number right before the month.
        let month = fields
            .iter()
            .position(|f| MONTHS.contains(&f.to_ascii_lowercase().as_str()))
            .filter(|&m| m >= 2 && fields.len() > m + 3)?;
        return Some(Entry {
            name: fields[m_name(month)..].join(" "),
            size: fields[month - 1].parse().ok(),
        });
    }
    if first.as_bytes().first()?.is_ascii_digit() && fields.len() >= 4 && first.contains('-') {
        // DOS: 11-22-26  02:30AM  1234 name
        if fields[2].eq_ignore_ascii_case("<DIR>") {
            return None;
        }
        return Some(Entry {
            name: fields[3..].join(" "),
            size: fields[2].parse().ok(),
        });
    }
    None
}

/// Where the name starts in a Unix LIST line: after month, day and time-or-year.
fn m_name(month: usize) -> usize {
    month + 3
}

/// Parses one MLSD line (`fact=value;... name`) into a file entry.
pub fn parse_mlsd_line(line: &str) -> Option<Entry> {
    let (facts, name) = line.split_once(' ')?;
    let mut size = None;
    let mut is_file = false;
    for fact in facts.split(';') {
        let (k, v) = fact.split_once('=').unwrap_or((fact, ""));
        match k.to_ascii_lowercase().as_str() {
            "type" => is_file = v.eq_ignore_ascii_case("file"),
            "size" => size = v.parse().ok(),
            _ => {}
        }
    }
    is_file.then(|| Entry {
        name: name.to_string(),
        size,
    })
}

fn tls_config(opts: &TlsOptions) -> Result<ClientConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Usage(format!("TLS setup: {e}")))?;
    if opts.insecure {
        return Ok(builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(insecure::NoVerify(provider)))
            .with_no_client_auth());
    }
    let mut roots = RootCertStore::empty();
    match &opts.ca_file {
        Some(path) => {
            use rustls::pki_types::CertificateDer;
            use rustls::pki_types::pem::PemObject;
            let certs = CertificateDer::pem_file_iter(path)
                .map_err(|e| Error::BadKey {
                    what: path.display().to_string(),
                    reason: format!("cannot read CA file: {e}"),
                })?
                .collect::<std::result::Result<Vec<_>, _>>()
                .map_err(|e| Error::BadKey {
                    what: path.display().to_string(),
                    reason: format!("bad PEM: {e}"),
                })?;
            let (added, _) = roots.add_parsable_certificates(certs);
            if added == 0 {
                return Err(Error::BadKey {
                    what: path.display().to_string(),
                    reason: "no usable certificate in the CA file".into(),
                });
            }
        }
        None => {
            let found = rustls_native_certs::load_native_certs();
            roots.add_parsable_certificates(found.certs);
        }
    }
    Ok(builder.with_root_certificates(roots).with_no_client_auth())
}

mod insecure {
    //! `--insecure`: accept any certificate, still checking the handshake signatures.

    use std::sync::Arc;

    use suppaftp::rustls::client::danger::{
        HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier,
    };
    use suppaftp::rustls::crypto::{
        CryptoProvider, verify_tls12_signature, verify_tls13_signature,
    };
    use suppaftp::rustls::pki_types::{CertificateDer, ServerName, UnixTime};
    use suppaftp::rustls::{DigitallySignedStruct, Error, SignatureScheme};

    #[derive(Debug)]
    pub struct NoVerify(pub Arc<CryptoProvider>);

    impl ServerCertVerifier for NoVerify {
        fn verify_server_cert(
            &self,
            _: &CertificateDer<'_>,
            _: &[CertificateDer<'_>],
            _: &ServerName<'_>,
            _: &[u8],
            _: UnixTime,
        ) -> Result<ServerCertVerified, Error> {
            Ok(ServerCertVerified::assertion())
        }

        fn verify_tls12_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, Error> {
            verify_tls12_signature(
                message,
                cert,
                dss,
                &self.0.signature_verification_algorithms,
            )
        }

        fn verify_tls13_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, Error> {
            verify_tls13_signature(
                message,
                cert,
                dss,
                &self.0.signature_verification_algorithms,
            )
        }

        fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
            self.0.signature_verification_algorithms.supported_schemes()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_vsftpd_oops_is_worth_a_fresh_connection_and_other_5xx_replies_are_not() {
        let reply = |code: u32, text: &str| {
            FtpError::UnexpectedResponse(suppaftp::types::Response::new(
                suppaftp::Status::from(code),
                format!("{code} {text}\r\n").into_bytes(),
            ))
        };
        let oops = map_ftp("h", "RETR x", reply(500, "OOPS: priv_sock_get_int"));
        assert!(oops.is_transient(), "{oops}");
        for (code, text) in [(500, "Unknown command."), (550, "Permission denied.")] {
            let e = map_ftp("h", "RETR x", reply(code, text));
            assert!(!e.is_transient(), "{e}");
        }
        assert!(map_ftp("h", "RETR x", reply(421, "Timeout.")).is_transient());
    }

    #[test]
    fn list_formats() {
        assert_eq!(
            parse_list_line("-rw-r--r--    1 1000     1000         1234 Nov 22 02:30 abc.log"),
            Some(Entry {
                name: "abc.log".into(),
                size: Some(1234)
            })
        );
        assert_eq!(
            parse_list_line("drwxr-xr-x 2 u g 4096 Nov 22 02:30 blobs"),
            None
        );
        assert_eq!(
            parse_list_line("11-22-26  02:30AM                 77 x.log"),
            Some(Entry {
                name: "x.log".into(),
                size: Some(77)
            })
        );
        assert_eq!(
            parse_list_line("11-22-26  02:30AM       <DIR>          d"),
            None
        );
        assert_eq!(parse_list_line("total 8"), None);
        // Found by fuzzing: a multi-byte character at byte 10 of a STAT reply line.
        // (That one still parses as a listing line by its other fields; what matters is
        // that it does not panic.)
        let _ = listing_shaped("-rwxrwxrw\u{e9} 1 u g 1 Nov 22 02:30 x.log");
        assert!(!listing_shaped("-rwxrwxrw\u{fffd}"));
        assert!(listing_shaped("-rw-r--r-- 1 u g 1 Nov 22 02:30 x.log"));
        assert_eq!(
            parse_list_line("-rw-r--r--+ 1 ftp 77 Nov 22  2025 acl.log"),
            Some(Entry {
                name: "acl.log".into(),
                size: Some(77)
            })
        );
        assert_eq!(parse_list_line(""), None);
        assert_eq!(
            parse_mlsd_line("type=file;size=12;modify=20261122023000; a b.log"),
            Some(Entry {
                name: "a b.log".into(),
                size: Some(12)
            })
        );
        assert_eq!(parse_mlsd_line("type=dir; x"), None);
        assert_eq!(parse_mlsd_line("garbage"), None);
    }
}
