//! Fault-injecting TCP proxy for FTP, and a server that never greets.
//!
//! [`FaultProxy`] forwards FTP control connections to a target server and rewrites the
//! server's `227` (PASV) and `229` (EPSV) replies so that passive data connections also go
//! through the proxy. Faults are injected with thread-safe `&self` methods.
//!
//! Resets are real TCP RSTs (`SO_LINGER` 0 then close), so a peer sees `ECONNRESET` rather
//! than a clean EOF: a cut download fails instead of looking complete, and a cut upload makes
//! the server answer 426 instead of storing a truncated file.
//!
//! Over FTPS the control channel is encrypted after `234` (AUTH TLS): the proxy then forwards
//! it opaquely and can no longer rewrite passive replies, so data connections go straight to
//! the server (control-connection faults still work).

use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::net::{IpAddr, Ipv4Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock, Weak};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// Read/write timeout on proxied sockets: how fast pump threads notice cuts and shutdown.
const IO_TICK: Duration = Duration::from_millis(20);
/// How often a stalled pump re-checks the stall flag.
const STALL_TICK: Duration = Duration::from_millis(2);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long `cut_all` waits for the cut sockets to actually be closed.
const CUT_WAIT: Duration = Duration::from_secs(2);
/// A throttled link forwards one slice of its rate per tick.
const THROTTLE_TICK: Duration = Duration::from_millis(10);

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LinkKind {
    Control,
    Data,
}

/// One proxied connection: the client-side and the server-side socket.
#[derive(Debug)]
struct Link {
    kind: LinkKind,
    client: TcpStream,
    server: TcpStream,
    cut: AtomicBool,
    /// Bytes (both directions together) still allowed before the link is cut.
    budget: Mutex<Option<u64>>,
}

impl Link {
    /// Marks the link cut, arranges for an RST on close and wakes its pumps. The sockets are
    /// closed (RST sent) when the pump threads drop their `Arc<Link>`.
    fn reset(&self) {
        self.cut.store(true, SeqCst);
        for s in [&self.client, &self.server] {
            let _ = socket2::SockRef::from(s).set_linger(Some(Duration::ZERO));
            // SHUT_RD sends nothing to the peer but makes a blocked read return at once.
            let _ = s.shutdown(Shutdown::Read);
        }
    }

    /// Of `n` bytes about to be forwarded, how many may go, and whether to cut afterwards.
    fn take_budget(&self, n: usize) -> (usize, bool) {
        let mut budget = lock(&self.budget);
        match budget.as_mut() {
            None => (n, false),
            Some(rem) => {
                let send = (*rem).min(n as u64);
                *rem -= send;
                (send as usize, *rem == 0)
            }
        }
    }
}

/// Closes `stream` with an RST.
fn reset_stream(stream: TcpStream) {
    let _ = socket2::SockRef::from(&stream).set_linger(Some(Duration::ZERO));
    drop(stream);
}

#[derive(Debug)]
struct Shared {
    target: SocketAddr,
    shutdown: AtomicBool,
    down: AtomicBool,
    stall: AtomicBool,
    /// Bytes per second per direction of each link (0: unthrottled).
    throttle: AtomicU64,
    /// Held (read) around every forwarding write; `set_stall(true)` takes it (write) so that
    /// nothing is forwarded once it returns.
    gate: RwLock<()>,
    cut_data_after: Mutex<Option<u64>>,
    control_accepted: AtomicUsize,
    data_accepted: AtomicUsize,
    next_id: AtomicU64,
    links: Mutex<HashMap<u64, Weak<Link>>>,
    /// Data listeners still waiting for their connection (woken on shutdown).
    pending_data: Mutex<HashMap<u64, SocketAddr>>,
    threads: Mutex<Vec<JoinHandle<()>>>,
}

impl Shared {
    fn stopping(&self) -> bool {
        self.shutdown.load(SeqCst)
    }

    fn spawn(self: &Arc<Self>, name: &str, f: impl FnOnce(Arc<Shared>) + Send + 'static) {
        let shared = Arc::clone(self);
        let handle = thread::Builder::new()
            .name(format!("fault-proxy-{name}"))
            .spawn(move || f(shared))
            .expect("spawn proxy thread");
        let mut threads = lock(&self.threads);
        threads.retain(|h| !h.is_finished());
        threads.push(handle);
    }

    fn register(&self, link: &Arc<Link>) {
        let id = self.next_id.fetch_add(1, SeqCst);
        let mut links = lock(&self.links);
        links.retain(|_, w| w.strong_count() > 0);
        links.insert(id, Arc::downgrade(link));
    }

    /// Resets every open link; with `wait`, returns once their sockets are closed.
    fn cut_all(&self, wait: bool) {
        let links: Vec<Arc<Link>> = {
            let mut map = lock(&self.links);
            let links = map.values().filter_map(Weak::upgrade).collect();
            map.clear();
            links
        };
        let weak: Vec<Weak<Link>> = links.iter().map(Arc::downgrade).collect();
        for link in &links {
            link.reset();
        }
        drop(links);
        if wait {
            let deadline = Instant::now() + CUT_WAIT;
            while weak.iter().any(|w| w.strong_count() > 0) && Instant::now() < deadline {
                thread::sleep(Duration::from_millis(1));
            }
        }
    }

    /// Writes all of `data` to `to`, honouring stall, cut and shutdown. False if the link
    /// should be torn down.
    fn forward(&self, link: &Link, mut to: &TcpStream, data: &[u8]) -> bool {
        let mut off = 0;
        while off < data.len() {
            if self.stopping() || link.cut.load(SeqCst) {
                return false;
            }
            let gate = self.gate.read().unwrap_or_else(PoisonError::into_inner);
            if self.stall.load(SeqCst) {
                drop(gate);
                thread::sleep(STALL_TICK);
                continue;
            }
            let rate = self.throttle.load(SeqCst);
            let end = if rate == 0 {
                data.len()
            } else {
                let slice = rate.saturating_mul(THROTTLE_TICK.as_millis() as u64) / 1000;
                off.saturating_add(usize::try_from(slice.max(1)).unwrap_or(usize::MAX))
                    .min(data.len())
            };
            match to.write(&data[off..end]) {
                Ok(0) => return false,
                Ok(n) => off += n,
                Err(e) if is_transient(&e) => {}
                Err(_) => return false,
            }
            drop(gate);
            if rate != 0 {
                thread::sleep(THROTTLE_TICK);
            }
        }
        true
    }

    /// Moves bytes from one side of `link` to the other until EOF, error, cut or shutdown.
    fn pump(self: &Arc<Self>, link: &Link, to_server: bool, mut rewriter: Option<Rewriter>) {
        let (mut from, to) = if to_server {
            (&link.client, &link.server)
        } else {
            (&link.server, &link.client)
        };
        let mut buf = vec![0u8; 32 * 1024];
        loop {
            if self.stopping() || link.cut.load(SeqCst) {
                return;
            }
            if self.stall.load(SeqCst) {
                thread::sleep(STALL_TICK);
                continue;
            }
            let n = match from.read(&mut buf) {
                Ok(0) => {
                    if link.cut.load(SeqCst) {
                        return;
                    }
                    if let Some(rw) = rewriter.as_mut() {
                        let rest = rw.flush();
                        if !self.forward(link, to, &rest) {
                            link.reset();
                            return;
                        }
                    }
                    // Clean EOF: pass the half-close on.
                    let _ = to.shutdown(Shutdown::Write);
                    return;
                }
                Ok(n) => n,
                Err(e) if is_transient(&e) => continue,
                Err(_) => {
                    // The peer reset (or worse): reset the other side too.
                    link.reset();
                    return;
                }
            };
            let rewritten;
            let data: &[u8] = match rewriter.as_mut() {
                Some(rw) => {
                    rewritten = rw.process(&buf[..n], self);
                    &rewritten
                }
                None => &buf[..n],
            };
            let (send, cut_after) = link.take_budget(data.len());
            if !self.forward(link, to, &data[..send]) || cut_after {
                link.reset();
                return;
            }
        }
    }

    fn handle_control(self: &Arc<Self>, client: TcpStream) {
        let Ok(server) = TcpStream::connect_timeout(&self.target, CONNECT_TIMEOUT) else {
            reset_stream(client);
            return;
        };
        let link = match new_link(LinkKind::Control, client, server, None) {
            Ok(link) => link,
            Err((client, _)) => return reset_stream(client),
        };
        self.register(&link);
        if self.down.load(SeqCst) || self.stopping() {
            link.reset();
            return;
        }
        let up = Arc::clone(&link);
        self.spawn("ctl-up", move |shared| shared.pump(&up, true, None));
        self.pump(&link, false, Some(Rewriter::default()));
    }

    /// Opens a proxy listener for the server's passive data address `real`; returns the port
    /// clients should connect to.
    fn open_data_listener(self: &Arc<Self>, real: SocketAddr) -> Option<u16> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).ok()?;
        let addr = listener.local_addr().ok()?;
        let id = self.next_id.fetch_add(1, SeqCst);
        lock(&self.pending_data).insert(id, addr);
        if self.stopping() {
            // Drop may already have woken the pending listeners: don't start a new one.
            lock(&self.pending_data).remove(&id);
            return None;
        }
        self.spawn("data-accept", move |shared| {
            // One connection per passive reply; woken by a dummy connection on shutdown.
            let accepted = listener.accept();
            lock(&shared.pending_data).remove(&id);
            drop(listener);
            if let Ok((client, _)) = accepted {
                shared.handle_data(client, real);
            }
        });
        Some(addr.port())
    }

    fn handle_data(self: &Arc<Self>, client: TcpStream, real: SocketAddr) {
        if self.stopping() {
            return;
        }
        self.data_accepted.fetch_add(1, SeqCst);
        if self.down.load(SeqCst) {
            return reset_stream(client);
        }
        let Ok(server) = TcpStream::connect_timeout(&real, CONNECT_TIMEOUT) else {
            return reset_stream(client);
        };
        let budget = lock(&self.cut_data_after).take();
        let link = match new_link(LinkKind::Data, client, server, budget) {
            Ok(link) => link,
            Err((client, _)) => return reset_stream(client),
        };
        self.register(&link);
        if budget == Some(0) || self.down.load(SeqCst) {
            link.reset();
            return;
        }
        let up = Arc::clone(&link);
        self.spawn("data-up", move |shared| shared.pump(&up, true, None));
        self.pump(&link, false, None);
    }
}

fn new_link(
    kind: LinkKind,
    client: TcpStream,
    server: TcpStream,
    budget: Option<u64>,
) -> Result<Arc<Link>, (TcpStream, TcpStream)> {
    let setup = |s: &TcpStream| -> io::Result<()> {
        s.set_nonblocking(false)?;
        s.set_read_timeout(Some(IO_TICK))?;
        s.set_write_timeout(Some(IO_TICK))?;
        s.set_nodelay(true)
    };
    if setup(&client).is_err() || setup(&server).is_err() {
        return Err((client, server));
    }
    Ok(Arc::new(Link {
        kind,
        client,
        server,
        cut: AtomicBool::new(false),
        budget: Mutex::new(budget),
    }))
}

fn is_transient(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut | io::ErrorKind::Interrupted
    )
}

/// Line-based rewriting of the server's control replies (until TLS starts).
#[derive(Debug, Default)]
struct Rewriter {
    pending: Vec<u8>,
    raw: bool,
}

impl Rewriter {
    fn process(&mut self, input: &[u8], shared: &Arc<Shared>) -> Vec<u8> {
        if self.raw {
            return input.to_vec();
        }
        self.pending.extend_from_slice(input);
        let mut out = Vec::with_capacity(self.pending.len());
        while let Some(pos) = self.pending.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = self.pending.drain(..=pos).collect();
            out.extend_from_slice(&rewrite_reply(&line, shared));
            if line.starts_with(b"234") {
                // AUTH TLS accepted: from now on the stream is TLS, forward it opaquely.
                self.raw = true;
                out.append(&mut self.pending);
                break;
            }
        }
        if self.pending.len() > 64 * 1024 {
            // Not FTP replies after all.
            self.raw = true;
            out.append(&mut self.pending);
        }
        out
    }

    fn flush(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.pending)
    }
}

/// Rewrites a `227`/`229` reply to point at a new proxy data listener.
fn rewrite_reply(line: &[u8], shared: &Arc<Shared>) -> Vec<u8> {
    let Ok(text) = std::str::from_utf8(line) else {
        return line.to_vec();
    };
    if text.starts_with("227") {
        if let Some((start, end, nums)) = find_pasv_numbers(text) {
            let ip = Ipv4Addr::new(nums[0], nums[1], nums[2], nums[3]);
            let port = u16::from(nums[4]) << 8 | u16::from(nums[5]);
            let ip = if ip.is_unspecified() {
                shared.target.ip()
            } else {
                IpAddr::V4(ip)
            };
            if let Some(p) = shared.open_data_listener(SocketAddr::new(ip, port)) {
                return format!(
                    "{}127,0,0,1,{},{}{}",
                    &text[..start],
                    p >> 8,
                    p & 0xff,
                    &text[end..]
                )
                .into_bytes();
            }
        }
    } else if text.starts_with("229")
        && let Some(open) = text.find("|||")
        && let Some(len) = text[open + 3..].find('|')
        && let Ok(port) = text[open + 3..open + 3 + len].parse::<u16>()
        && let Some(p) = shared.open_data_listener(SocketAddr::new(shared.target.ip(), port))
    {
        let digits = open + 3;
        return format!("{}{}{}", &text[..digits], p, &text[digits + len..]).into_bytes();
    }
    line.to_vec()
}

/// Finds `h1,h2,h3,h4,p1,p2` in a 227 reply: (start, end, numbers).
fn find_pasv_numbers(text: &str) -> Option<(usize, usize, [u8; 6])> {
    let bytes = text.as_bytes();
    let mut i = 3; // skip the reply code
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() && (i == 0 || !bytes[i - 1].is_ascii_digit()) {
            let mut nums = [0u8; 6];
            let mut j = i;
            let mut ok = true;
            for (k, slot) in nums.iter_mut().enumerate() {
                let s = j;
                while j < bytes.len() && bytes[j].is_ascii_digit() {
                    j += 1;
                }
                match text[s..j].parse::<u8>() {
                    Ok(v) if j > s => *slot = v,
                    _ => {
                        ok = false;
                        break;
                    }
                }
                if k < 5 {
                    if j < bytes.len() && bytes[j] == b',' {
                        j += 1;
                    } else {
                        ok = false;
                        break;
                    }
                }
            }
            if ok {
                return Some((i, j, nums));
            }
        }
        i += 1;
    }
    None
}

/// A TCP proxy in front of an FTP server that can refuse, cut and stall connections.
///
/// All controls take `&self` and may be used from any thread. Dropping the proxy resets all
/// its connections and joins all its threads.
#[derive(Debug)]
pub struct FaultProxy {
    shared: Arc<Shared>,
    addr: SocketAddr,
    accept_thread: Option<JoinHandle<()>>,
}

impl FaultProxy {
    /// Starts a proxy on 127.0.0.1 (ephemeral port) forwarding to `target`.
    pub fn start(target: SocketAddr) -> FaultProxy {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind proxy listener");
        let addr = listener.local_addr().expect("proxy listener address");
        let shared = Arc::new(Shared {
            target,
            shutdown: AtomicBool::new(false),
            down: AtomicBool::new(false),
            stall: AtomicBool::new(false),
            throttle: AtomicU64::new(0),
            gate: RwLock::new(()),
            cut_data_after: Mutex::new(None),
            control_accepted: AtomicUsize::new(0),
            data_accepted: AtomicUsize::new(0),
            next_id: AtomicU64::new(0),
            links: Mutex::new(HashMap::new()),
            pending_data: Mutex::new(HashMap::new()),
            threads: Mutex::new(Vec::new()),
        });
        let accept_shared = Arc::clone(&shared);
        let accept_thread = thread::Builder::new()
            .name("fault-proxy-accept".into())
            .spawn(move || {
                let shared = accept_shared;
                for conn in listener.incoming() {
                    if shared.stopping() {
                        return;
                    }
                    let Ok(client) = conn else { continue };
                    shared.control_accepted.fetch_add(1, SeqCst);
                    if shared.down.load(SeqCst) {
                        reset_stream(client);
                        continue;
                    }
                    shared.spawn("control", move |shared| shared.handle_control(client));
                }
            })
            .expect("spawn proxy accept thread");
        FaultProxy {
            shared,
            addr,
            accept_thread: Some(accept_thread),
        }
    }

    /// Starts a proxy in front of `server`.
    pub fn for_server(server: &super::FtpServer) -> FaultProxy {
        FaultProxy::start(server.addr())
    }

    /// The proxy's port on 127.0.0.1.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// The proxy's address (`127.0.0.1:port`).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The server the proxy forwards to.
    pub fn target(&self) -> SocketAddr {
        self.shared.target
    }

    /// Down: new connections (control and data) are accepted and immediately reset, and
    /// every open connection is reset now. Up again with `false`.
    pub fn set_down(&self, down: bool) {
        self.shared.down.store(down, SeqCst);
        if down {
            self.shared.cut_all(true);
        }
    }

    /// Resets every open control and data connection; returns once they are closed.
    pub fn cut_all(&self) {
        self.shared.cut_all(true);
    }

    /// Stall: stop forwarding bytes in both directions (on all connections, including new
    /// ones) while keeping every socket open. Once `set_stall(true)` returns, no more bytes
    /// are forwarded until `set_stall(false)`.
    pub fn set_stall(&self, stall: bool) {
        self.shared.stall.store(stall, SeqCst);
        if stall {
            // Wait for writes already in progress to finish.
            drop(
                self.shared
                    .gate
                    .write()
                    .unwrap_or_else(PoisonError::into_inner),
            );
        }
    }

    /// Slow link: limit every connection (control and data, open and new) to about
    /// `bytes_per_sec` in each direction; `None` lifts the limit. Cuts, stalls and shutdown
    /// still act at once on a throttled link.
    pub fn set_throttle(&self, bytes_per_sec: Option<u64>) {
        self.shared
            .throttle
            .store(bytes_per_sec.map_or(0, |b| b.max(1)), SeqCst);
    }

    /// The next data connection (only that one) is reset after forwarding `bytes` bytes
    /// (both directions counted together; `Some(0)` resets it as soon as it is accepted).
    /// `None` cancels a pending cut.
    pub fn cut_data_after(&self, bytes: Option<u64>) {
        *lock(&self.shared.cut_data_after) = bytes;
    }

    /// Control connections accepted so far (including ones reset because the proxy was down).
    pub fn connections(&self) -> usize {
        self.shared.control_accepted.load(SeqCst)
    }

    /// Data connections accepted so far.
    pub fn data_connections(&self) -> usize {
        self.shared.data_accepted.load(SeqCst)
    }

    /// Open (not yet closed) proxied connections: (control, data).
    pub fn open_connections(&self) -> (usize, usize) {
        let map = lock(&self.shared.links);
        map.values()
            .filter_map(Weak::upgrade)
            .filter(|l| !l.cut.load(SeqCst))
            .fold((0, 0), |(c, d), l| match l.kind {
                LinkKind::Control => (c + 1, d),
                LinkKind::Data => (c, d + 1),
            })
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.shared.shutdown.store(true, SeqCst);
        self.shared.stall.store(false, SeqCst);
        self.shared.throttle.store(0, SeqCst);
        self.shared.cut_all(false);
        // Wake the blocking accepts.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        let pending: Vec<SocketAddr> = lock(&self.shared.pending_data).values().copied().collect();
        for addr in pending {
            let _ = TcpStream::connect_timeout(&addr, Duration::from_secs(1));
        }
        if let Some(t) = self.accept_thread.take() {
            let _ = t.join();
        }
        loop {
            let threads: Vec<JoinHandle<()>> = std::mem::take(&mut *lock(&self.shared.threads));
            if threads.is_empty() {
                break;
            }
            for t in threads {
                let _ = t.join();
            }
        }
    }
}

/// A TCP server on 127.0.0.1 that accepts connections and never sends anything (no FTP
/// greeting). Connections stay open until it is dropped.
#[derive(Debug)]
pub struct StallingServer {
    addr: SocketAddr,
    shutdown: Arc<AtomicBool>,
    accepted: Arc<AtomicUsize>,
    thread: Option<JoinHandle<()>>,
}

impl StallingServer {
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> usize {
        self.accepted.load(SeqCst)
    }
}

impl Drop for StallingServer {
    fn drop(&mut self) {
        self.shutdown.store(true, SeqCst);
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Starts a [`StallingServer`]; returns it with its port.
pub fn stalling_server() -> (StallingServer, u16) {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind stalling server");
    let addr = listener.local_addr().expect("stalling server address");
    let shutdown = Arc::new(AtomicBool::new(false));
    let accepted = Arc::new(AtomicUsize::new(0));
    let (flag, count) = (Arc::clone(&shutdown), Arc::clone(&accepted));
    let thread = thread::Builder::new()
        .name("stalling-server".into())
        .spawn(move || {
            let mut held = Vec::new();
            for conn in listener.incoming() {
                if flag.load(SeqCst) {
                    break;
                }
                if let Ok(stream) = conn {
                    count.fetch_add(1, SeqCst);
                    held.push(stream);
                }
            }
        })
        .expect("spawn stalling server");
    (
        StallingServer {
            addr,
            shutdown,
            accepted,
            thread: Some(thread),
        },
        addr.port(),
    )
}
