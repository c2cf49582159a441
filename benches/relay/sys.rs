//! Process CPU time from /proc, peak RSS from `/usr/bin/time -v`, and a byte-counting TCP
//! proxy for FTP control connections.

use std::collections::BTreeMap;
use std::fs;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering::SeqCst};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

// ---------------------------------------------------------------------------------------------
// CPU time

/// Kernel clock ticks per second (`getconf CLK_TCK`, 100 when unknown).
pub fn clock_ticks() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse::<f64>().ok())
        .filter(|t| *t > 0.0)
        .unwrap_or(100.0)
}

/// CPU used so far by one process: its own utime+stime and its reaped children's
/// cutime+cstime, in ticks (`/proc/PID/stat`), and, where the kernel has schedstats, its own
/// time on CPU in ns (`/proc/PID/schedstat`, 1st field).
#[derive(Debug, Clone, Copy, Default)]
pub struct Cpu {
    pub ticks: u64,
    pub child_ticks: u64,
    pub ns: Option<u64>,
}

pub fn process_cpu(pid: u32) -> Option<Cpu> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after "(comm)": state is field 3, utime 14, stime 15, cutime 16, cstime 17.
    let rest: Vec<&str> = stat[stat.rfind(')')? + 1..].split_whitespace().collect();
    let field = |i: usize| -> Option<u64> { rest.get(i)?.parse().ok() };
    let (utime, stime, cutime, cstime) = (field(11)?, field(12)?, field(13)?, field(14)?);
    let ns = fs::read_to_string(format!("/proc/{pid}/schedstat"))
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok());
    Some(Cpu {
        ticks: utime + stime,
        child_ticks: cutime + cstime,
        ns,
    })
}

/// CPU of a set of processes at one instant.
#[derive(Debug, Clone, Default)]
pub struct CpuSample {
    pub at: Option<Instant>,
    pub by_pid: BTreeMap<u32, Cpu>,
}

pub fn sample(pids: &[u32]) -> CpuSample {
    CpuSample {
        at: Some(Instant::now()),
        by_pid: pids
            .iter()
            .filter_map(|&p| Some((p, process_cpu(p)?)))
            .collect(),
    }
}

/// CPU used between two samples, the interval, and how many processes of the first sample
/// were gone at the second or new.
///
/// `tick_secs`: utime+stime+cutime+cstime (10 ms resolution): a process that ends inside the
/// interval is counted in its parent's cutime once reaped. `sched_secs`: the same with the
/// live processes' own time from schedstat (ns) instead of ticks, when every process had it.
/// A process that ends with its parent still running is only lost if that parent does not
/// wait for it (vsftpd does).
#[derive(Debug, Clone, Copy, Default)]
pub struct CpuDelta {
    pub tick_secs: f64,
    pub sched_secs: Option<f64>,
    pub wall: Duration,
    pub gone: usize,
    pub new: usize,
}

pub fn delta(a: &CpuSample, b: &CpuSample, clk_tck: f64) -> CpuDelta {
    // Totals over the processes alive at each instant, each with its reaped children: a
    // process that ends in between moves from "alive" to its parent's cutime+cstime.
    let ticks = |s: &CpuSample| -> f64 {
        s.by_pid
            .values()
            .map(|c| (c.ticks + c.child_ticks) as f64)
            .sum::<f64>()
            / clk_tck
    };
    let sched = |s: &CpuSample| -> Option<f64> {
        s.by_pid
            .values()
            .map(|c| Some(c.ns? as f64 / 1e9 + c.child_ticks as f64 / clk_tck))
            .sum()
    };
    let gone = a
        .by_pid
        .keys()
        .filter(|p| !b.by_pid.contains_key(p))
        .count();
    let new = b
        .by_pid
        .keys()
        .filter(|p| !a.by_pid.contains_key(p))
        .count();
    CpuDelta {
        tick_secs: (ticks(b) - ticks(a)).max(0.0),
        sched_secs: match (sched(a), sched(b)) {
            (Some(x), Some(y)) => Some((y - x).max(0.0)),
            _ => None,
        },
        wall: match (a.at, b.at) {
            (Some(x), Some(y)) => y.duration_since(x),
            _ => Duration::ZERO,
        },
        gone,
        new,
    }
}

impl CpuDelta {
    /// The finer figure: schedstat-based when available, else ticks.
    pub fn best(&self) -> f64 {
        self.sched_secs.unwrap_or(self.tick_secs)
    }
}

// ---------------------------------------------------------------------------------------------
// Peak RSS

/// `/usr/bin/time` when installed (GNU time; `-v` reports "Maximum resident set size").
pub fn gnu_time() -> Option<&'static Path> {
    let p = Path::new("/usr/bin/time");
    let ok = Command::new(p)
        .args(["-v", "true"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    ok.then_some(p)
}

/// "Maximum resident set size (kbytes): N" from a `time -v -o FILE` report.
pub fn max_rss_kb(report: &Path) -> Option<u64> {
    fs::read_to_string(report).ok()?.lines().find_map(|l| {
        l.trim()
            .strip_prefix("Maximum resident set size (kbytes):")
            .and_then(|v| v.trim().parse().ok())
    })
}

/// Children of `pid` (`/proc/PID/task/PID/children`).
pub fn children_of(pid: u32) -> Vec<u32> {
    fs::read_to_string(format!("/proc/{pid}/task/{pid}/children"))
        .map(|s| {
            s.split_whitespace()
                .filter_map(|p| p.parse().ok())
                .collect()
        })
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// Forwarding proxy: byte counts, and a source address of its own

/// Read timeout of the pumps: how fast they notice the proxy stopping.
const TICK: Duration = Duration::from_millis(50);
/// How long a passive data listener waits for the client's connection.
const DATA_ACCEPT: Duration = Duration::from_secs(30);

/// A TCP forwarder on 127.0.0.1 in front of an FTP server that connects to it from a source
/// address of its own (any 127.0.0.0/8 address) and counts the control-channel bytes.
///
/// It rewrites `227` (PASV) and `229` (EPSV) replies so that data connections go through it
/// too, from the same source address: vsftpd refuses data connections from another address
/// than the control connection's. Used to count bytes (part 3) and to spread many clients
/// over several source addresses: vsftpd's built-in default `max_per_ip` is 50 sessions per
/// client address (the man page says 0; the changelog of 2.2.0 set 2000 / 50), and real
/// clients come from different hosts. The support crate's `FaultProxy` has neither byte
/// counters nor a source address.
pub struct RelayProxy {
    pub port: u16,
    shared: Arc<Shared>,
    accept: Option<JoinHandle<()>>,
}

struct Shared {
    target: SocketAddr,
    source: Ipv4Addr,
    /// Control bytes client to server, server to client.
    up: AtomicU64,
    down: AtomicU64,
    /// Data bytes, both directions.
    data: AtomicU64,
    conns: AtomicUsize,
    stop: AtomicBool,
}

fn connect_from(source: Ipv4Addr, target: SocketAddr) -> std::io::Result<TcpStream> {
    let s = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None)?;
    s.bind(&SocketAddr::new(source.into(), 0).into())?;
    s.connect_timeout(&target.into(), Duration::from_secs(5))?;
    let s: TcpStream = s.into();
    s.set_nodelay(true)?;
    Ok(s)
}

impl RelayProxy {
    pub fn start(target: SocketAddr, source: Ipv4Addr) -> RelayProxy {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind relay proxy");
        listener
            .set_nonblocking(true)
            .expect("nonblocking listener");
        let port = listener.local_addr().expect("proxy address").port();
        let shared = Arc::new(Shared {
            target,
            source,
            up: AtomicU64::new(0),
            down: AtomicU64::new(0),
            data: AtomicU64::new(0),
            conns: AtomicUsize::new(0),
            stop: AtomicBool::new(false),
        });
        let sh = Arc::clone(&shared);
        let accept = thread::spawn(move || {
            while !sh.stop.load(SeqCst) {
                match listener.accept() {
                    Ok((client, _)) => {
                        let Ok(server) = connect_from(sh.source, sh.target) else {
                            continue;
                        };
                        sh.conns.fetch_add(1, SeqCst);
                        let _ = client.set_nodelay(true);
                        let (Ok(c2), Ok(s2)) = (client.try_clone(), server.try_clone()) else {
                            continue;
                        };
                        let up = Arc::clone(&sh);
                        thread::spawn(move || pump(client, server, &up.up, &up.stop));
                        let down = Arc::clone(&sh);
                        thread::spawn(move || pump_replies(s2, c2, &down));
                    }
                    Err(_) => thread::sleep(Duration::from_millis(2)),
                }
            }
        });
        RelayProxy {
            port,
            shared,
            accept: Some(accept),
        }
    }

    /// (control bytes client to server, control bytes server to client, control
    /// connections accepted, data bytes).
    pub fn counts(&self) -> (u64, u64, usize, u64) {
        let s = &self.shared;
        (
            s.up.load(SeqCst),
            s.down.load(SeqCst),
            s.conns.load(SeqCst),
            s.data.load(SeqCst),
        )
    }
}

fn transient(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::WouldBlock
            | std::io::ErrorKind::TimedOut
            | std::io::ErrorKind::Interrupted
    )
}

/// Copies `from` to `to` until EOF, error or stop, counting bytes.
fn pump(mut from: TcpStream, mut to: TcpStream, counter: &AtomicU64, stop: &AtomicBool) {
    let _ = from.set_nonblocking(false);
    let _ = from.set_read_timeout(Some(TICK));
    let mut buf = vec![0u8; 32 * 1024];
    loop {
        match from.read(&mut buf) {
            Ok(0) => {
                let _ = to.shutdown(Shutdown::Write);
                return;
            }
            Ok(n) => {
                counter.fetch_add(n as u64, SeqCst);
                if to.write_all(&buf[..n]).is_err() {
                    let _ = from.shutdown(Shutdown::Both);
                    return;
                }
            }
            Err(e) if transient(&e) => {
                if stop.load(SeqCst) {
                    let _ = to.shutdown(Shutdown::Both);
                    return;
                }
            }
            Err(_) => {
                let _ = to.shutdown(Shutdown::Both);
                return;
            }
        }
    }
}

/// Server-to-client control pump: forwards whole lines, rewriting passive replies to point
/// at a data listener of this proxy. Counts the bytes the server sent.
fn pump_replies(mut from: TcpStream, mut to: TcpStream, sh: &Arc<Shared>) {
    let _ = from.set_nonblocking(false);
    let _ = from.set_read_timeout(Some(TICK));
    let mut buf = vec![0u8; 32 * 1024];
    let mut pending: Vec<u8> = Vec::new();
    loop {
        match from.read(&mut buf) {
            Ok(0) => {
                let _ = to.write_all(&pending);
                let _ = to.shutdown(Shutdown::Write);
                return;
            }
            Ok(n) => {
                sh.down.fetch_add(n as u64, SeqCst);
                pending.extend_from_slice(&buf[..n]);
                let Some(last) = pending.iter().rposition(|&c| c == b'\n') else {
                    continue;
                };
                let rest = pending.split_off(last + 1);
                let mut out = Vec::with_capacity(pending.len());
                for line in pending.split_inclusive(|&c| c == b'\n') {
                    out.extend_from_slice(&rewrite(line, sh));
                }
                pending = rest;
                if to.write_all(&out).is_err() {
                    let _ = from.shutdown(Shutdown::Both);
                    return;
                }
            }
            Err(e) if transient(&e) => {
                if sh.stop.load(SeqCst) {
                    let _ = to.shutdown(Shutdown::Both);
                    return;
                }
            }
            Err(_) => {
                let _ = to.shutdown(Shutdown::Both);
                return;
            }
        }
    }
}

/// `227 ... (h1,h2,h3,h4,p1,p2)` and `229 ... (|||port|)`: the server's data port replaced
/// by a listener of the proxy.
fn rewrite(line: &[u8], sh: &Arc<Shared>) -> Vec<u8> {
    let Ok(text) = std::str::from_utf8(line) else {
        return line.to_vec();
    };
    if let Some(rest) = text.strip_prefix("227 ")
        && let (Some(open), Some(close)) = (rest.find('('), rest.rfind(')'))
    {
        let nums: Vec<u16> = rest[open + 1..close]
            .split(',')
            .filter_map(|n| n.trim().parse().ok())
            .collect();
        if nums.len() == 6 {
            let port = nums[4] << 8 | nums[5];
            if let Some(p) = data_listener(sh, port) {
                return format!(
                    "227 {}(127,0,0,1,{},{}){}",
                    &rest[..open],
                    p >> 8,
                    p & 0xff,
                    &rest[close + 1..]
                )
                .into_bytes();
            }
        }
    } else if let Some(rest) = text.strip_prefix("229 ")
        && let Some(open) = rest.find("(|||")
        && let Some(len) = rest[open + 4..].find('|')
        && let Ok(port) = rest[open + 4..open + 4 + len].parse::<u16>()
        && let Some(p) = data_listener(sh, port)
    {
        return format!(
            "229 {}(|||{p}|{}",
            &rest[..open],
            &rest[open + 4 + len + 1..]
        )
        .into_bytes();
    }
    line.to_vec()
}

/// A one-shot listener that forwards the client's data connection to the server's passive
/// `port`, from the proxy's source address.
fn data_listener(sh: &Arc<Shared>, port: u16) -> Option<u16> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).ok()?;
    listener.set_nonblocking(true).ok()?;
    let local = listener.local_addr().ok()?.port();
    let sh = Arc::clone(sh);
    thread::spawn(move || {
        let deadline = Instant::now() + DATA_ACCEPT;
        let client = loop {
            if sh.stop.load(SeqCst) || Instant::now() >= deadline {
                return;
            }
            match listener.accept() {
                Ok((c, _)) => break c,
                Err(_) => thread::sleep(Duration::from_millis(1)),
            }
        };
        drop(listener);
        let target = SocketAddr::new(sh.target.ip(), port);
        let Ok(server) = connect_from(sh.source, target) else {
            return;
        };
        let _ = client.set_nodelay(true);
        let (Ok(c2), Ok(s2)) = (client.try_clone(), server.try_clone()) else {
            return;
        };
        let up = Arc::clone(&sh);
        thread::spawn(move || pump(client, server, &up.data, &up.stop));
        pump(s2, c2, &sh.data, &sh.stop);
    });
    Some(local)
}

impl Drop for RelayProxy {
    fn drop(&mut self) {
        self.shared.stop.store(true, SeqCst);
        if let Some(t) = self.accept.take() {
            let _ = t.join();
        }
    }
}
