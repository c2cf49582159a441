//! A hostile FTP server: speaks just enough FTP for ftpchat to log in and poll, then
//! attacks the client in one of a few ways (see [`Attack`]). Plain threads and sockets on
//! 127.0.0.1, no FTP library, so the attack bytes are exactly what is written here.

use std::io::{BufRead, BufReader, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::SeqCst};
use std::thread;
use std::time::Duration;

/// What the server does once a client has logged in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attack {
    /// Every listing (MLSD, LIST, NLST) is an endless stream of distinct file names.
    EndlessListing,
    /// Lists `feeds` feed files, each claiming a size of 1 GiB; every download is an
    /// endless stream of short, well-formed-looking feed lines.
    EndlessFeeds {
        /// How many feeds the listing names.
        feeds: usize,
    },
    /// Answers PASS with a multi-line reply that never ends: one continuation line
    /// every `every`.
    DripLogin {
        /// Time between two continuation lines.
        every: Duration,
    },
}

/// A running hostile server; dropping it stops accepting (open attacks end when the
/// client goes away).
#[derive(Debug)]
pub struct HostileServer {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    sent: Arc<AtomicU64>,
}

impl HostileServer {
    /// `ftp://chat@127.0.0.1:PORT/PATH`.
    pub fn url(&self, path: &str) -> String {
        format!("ftp://chat@{}/{path}", self.addr)
    }

    /// Bytes written to clients so far (control and data), to show the attack ran.
    pub fn bytes_sent(&self) -> u64 {
        self.sent.load(SeqCst)
    }
}

impl Drop for HostileServer {
    fn drop(&mut self) {
        self.stop.store(true, SeqCst);
        // Wake the accept loop.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
    }
}

/// Starts a hostile server on a free loopback port.
pub fn hostile_server(attack: Attack) -> HostileServer {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind hostile server");
    let addr = listener.local_addr().expect("hostile server address");
    let stop = Arc::new(AtomicBool::new(false));
    let sent = Arc::new(AtomicU64::new(0));
    let (flag, counter) = (stop.clone(), sent.clone());
    thread::Builder::new()
        .name("hostile-server".into())
        .spawn(move || {
            for conn in listener.incoming() {
                if flag.load(SeqCst) {
                    break;
                }
                let Ok(stream) = conn else { continue };
                let (flag, counter) = (flag.clone(), counter.clone());
                thread::spawn(move || {
                    let _ = session(stream, attack, &flag, &counter);
                });
            }
        })
        .expect("spawn hostile server");
    HostileServer { addr, stop, sent }
}

/// One control connection.
fn session(
    stream: TcpStream,
    attack: Attack,
    stop: &AtomicBool,
    sent: &AtomicU64,
) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(60)))?;
    let mut out = stream.try_clone()?;
    let reply = |out: &mut TcpStream, text: &str| -> std::io::Result<()> {
        sent.fetch_add(text.len() as u64 + 2, SeqCst);
        out.write_all(format!("{text}\r\n").as_bytes())
    };
    reply(&mut out, "220 hostile relay")?;
    let mut data: Option<TcpListener> = None;
    let mut lines = BufReader::new(stream);
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line)? == 0 || stop.load(SeqCst) {
            return Ok(());
        }
        let (verb, arg) = line
            .trim_end()
            .split_once(' ')
            .unwrap_or((line.trim_end(), ""));
        match verb.to_ascii_uppercase().as_str() {
            "USER" => reply(&mut out, "331 password please")?,
            "PASS" => match attack {
                Attack::DripLogin { every } => {
                    reply(&mut out, "230-welcome")?;
                    for n in 0u64.. {
                        if stop.load(SeqCst) {
                            return Ok(());
                        }
                        thread::sleep(every);
                        reply(&mut out, &format!(" notice {n}"))?;
                    }
                }
                _ => reply(&mut out, "230 logged in")?,
            },
            "TYPE" => reply(&mut out, "200 binary")?,
            "FEAT" => {
                for l in [
                    "211-Features:",
                    " EPSV",
                    " MLST type*;size*;",
                    " REST STREAM",
                ] {
                    reply(&mut out, l)?;
                }
                reply(&mut out, "211 End")?;
            }
            "EPSV" | "PASV" => {
                let l = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
                let port = l.local_addr()?.port();
                data = Some(l);
                let answer = if verb.eq_ignore_ascii_case("EPSV") {
                    format!("229 Entering Extended Passive Mode (|||{port}|)")
                } else {
                    format!(
                        "227 Entering Passive Mode (127,0,0,1,{},{})",
                        port >> 8,
                        port & 255
                    )
                };
                reply(&mut out, &answer)?;
            }
            "MLSD" | "LIST" | "NLST" | "RETR" => {
                let Some(l) = data.take() else {
                    reply(&mut out, "425 use EPSV first")?;
                    continue;
                };
                reply(&mut out, "150 here it comes")?;
                let (mut conn, _) = l.accept()?;
                let result = match (attack, verb) {
                    (Attack::EndlessListing, _) => endless(&mut conn, stop, sent, |n| {
                        format!("type=file;size=10;modify=20261201000000; f{n:012}.log\r\n")
                    }),
                    (Attack::EndlessFeeds { feeds }, "MLSD" | "LIST" | "NLST") => {
                        let mut text = String::new();
                        for n in 0..feeds {
                            text.push_str(&format!(
                                "type=file;size=1073741824;modify=20261201000000; {}.log\r\n",
                                feed_id(n as u64)
                            ));
                        }
                        sent.fetch_add(text.len() as u64, SeqCst);
                        conn.write_all(text.as_bytes())
                    }
                    (Attack::EndlessFeeds { .. }, _) => {
                        let name = arg.rsplit('/').next().unwrap_or(arg);
                        let feed = name.trim_end_matches(".log").to_string();
                        endless(&mut conn, stop, sent, move |n| {
                            format!("fc1.{feed}.{}.A\n", n + 1)
                        })
                    }
                    _ => Ok(()),
                };
                drop(conn);
                if result.is_ok() {
                    reply(&mut out, "226 done")?;
                } else {
                    reply(&mut out, "426 aborted")?;
                }
            }
            "SIZE" => reply(&mut out, "213 1073741824")?,
            "REST" => reply(&mut out, "350 restarting")?,
            "STAT" | "MDTM" => reply(&mut out, "502 no")?,
            "CWD" | "MKD" | "NOOP" => reply(&mut out, "200 ok")?,
            "QUIT" => {
                reply(&mut out, "221 bye")?;
                return Ok(());
            }
            _ => reply(&mut out, "502 not here")?,
        }
    }
}

/// A feed id (16 base32 characters) for `n`.
pub fn feed_id(mut n: u64) -> String {
    const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";
    let mut id = [b'a'; 16];
    for c in id.iter_mut().rev() {
        *c = ALPHABET[(n % 32) as usize];
        n /= 32;
    }
    String::from_utf8_lossy(&id).into_owned()
}

/// Writes `line(0)`, `line(1)`, ... until the client stops reading or the server stops:
/// one 1 MiB chunk of lines is made once and sent over and over, so the server runs at
/// loopback speed even in a debug build.
fn endless(
    conn: &mut TcpStream,
    stop: &AtomicBool,
    sent: &AtomicU64,
    line: impl Fn(u64) -> String,
) -> std::io::Result<()> {
    conn.set_write_timeout(Some(Duration::from_secs(30)))?;
    let mut chunk = String::new();
    let mut n = 0u64;
    while chunk.len() < 1024 * 1024 {
        chunk.push_str(&line(n));
        n += 1;
    }
    while !stop.load(SeqCst) {
        conn.write_all(chunk.as_bytes())?;
        sent.fetch_add(chunk.len() as u64, SeqCst);
    }
    Ok(())
}
