//! Relay figures for the release `ftpchat` binary against real vsftpd servers (plain FTP) on
//! 127.0.0.1, in one run, each part on a fresh vsftpd instance:
//!
//! 1. wall time of `ftpchat send` against `curl --append` of a record of the same size
//!    (fresh process each, interleaved);
//! 2. send-to-watch delivery latency with 1, 20 and 50 `ftpchat watch --json` processes, and
//!    the relay's (vsftpd's) CPU time while they poll idle;
//! 3. the cost of an idle poll: FTP commands (vsftpd's protocol log) and control-channel
//!    bytes (a counting proxy) per poll, for `watch` and for the original app's reader;
//! 4. throughput: 100 concurrent senders x 10 messages, `ftpchat send` against `curl
//!    --append`, every ftpchat message checked with `pull --all | decrypt --verify`;
//! 5. the original FTPChat app's protocol (tests/python/ftpchat_legacy.py and
//!    benches/legacy_app.py) side by side: lost messages under concurrency (APPE, and the
//!    RETR+STOR fallback), delivery latency with 5 s polling, decode rate with a PBKDF2 per
//!    message;
//! 6. history: `pull --all | decrypt --verify` of a 10,000-message room (written through
//!    `encrypt` + `push`) and of a 100,000-message room (sealed by the library, written to the
//!    relay's directory);
//! 7. peak RSS of `send`, `watch`, `pull`, `decrypt` (GNU `time -v`) and the binary size;
//! 8. streaming: records/s of one streaming `push` against one `push` process per record,
//!    and delivery latency of a room on one relay, on two, and on two with the first hung;
//! 9. with `FTPCHAT_BENCH_CRYPTO_OUT=FILE` (the output of `cargo bench --bench crypto`), its
//!    decrypt+verify / floor ratios;
//! 10. SFTP, on a real OpenSSH sshd on 127.0.0.1 (tests/support): `send` against `curl
//!    --append` over SFTP, and 100 concurrent SFTP senders x 10 against curl.
//!
//! Prints markdown (tables and targets) and asserts nothing about timing; with
//! `FTPCHAT_BENCH_REPORT=FILE` also writes the results section of BENCHMARKS.md there (after
//! every part). Percentiles are nearest-rank. Every loop is bounded in count and time; all
//! traffic goes to 127.0.0.1.
//!
//! Run: `scripts/bench` (everything), or `cargo bench --bench relay` (needs vsftpd, curl,
//! python3 with `cryptography`, GNU time, and root: the test support creates a local account
//! for vsftpd).

#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a benchmark prints its figures"
)]

#[path = "../tests/support/mod.rs"]
mod support;

#[path = "relay/history.rs"]
mod history;
#[path = "relay/legacy.rs"]
mod legacy;
#[path = "relay/sftp.rs"]
mod sftp;
#[path = "relay/streaming.rs"]
mod streaming;
#[path = "relay/sys.rs"]
mod sys;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Output, Stdio};
use std::sync::{Barrier, Mutex, MutexGuard, PoisonError, mpsc};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Runs of `send` and of `curl --append` each.
const SEND_RUNS: usize = 30;
/// Message body length for part 1, bytes.
const SEND_BODY_LEN: usize = 100;
/// Messages per latency run.
const LAT_MESSAGES: usize = 30;
/// Spacing between the starts of two sends in a latency run, ms (uniform).
const LAT_SPACING_MS: (u64, u64) = (300, 700);
/// A message not shown by a watcher within this time after it was sent is lost.
const LOST_AFTER: Duration = Duration::from_secs(10);
/// Idle interval over which the relay's CPU is measured, after the watchers backed off.
const IDLE_CPU_WINDOW: Duration = Duration::from_secs(10);
/// Time for `watch` to back off to its 1 s idle interval: it stays at 0.1 s for 3 s after
/// activity, then 0.1 x 1.5^n reaches 1 s after 3.1 s more.
const IDLE_SETTLE: Duration = Duration::from_secs(7);
/// Idle window of part 3 (bytes and commands per poll).
const IDLE_WINDOW: Duration = Duration::from_secs(8);
/// Part 4: concurrent senders, messages each, rounds (ftpchat and curl alternate).
const TP_SENDERS: usize = 100;
const TP_PER_SENDER: usize = 10;
const TP_ROUNDS: usize = 2;
/// Client source addresses the many clients of parts 2 and 4 are spread over.
const SPREAD: usize = 4;
/// `watch` defaults (see `ftpchat watch --help`), for the idle poll schedule.
const POLL_MIN: f64 = 0.1;
const POLL_MAX: f64 = 1.0;
/// Limit for any single short command (keygen, send, curl, push...).
const CMD_LIMIT: Duration = Duration::from_secs(120);

fn main() {
    let ctx = Ctx::new();
    header(&ctx);
    type Part = fn(&Ctx);
    let parts: [(&str, Part); 9] = [
        ("1. send vs curl --append", part1_send_vs_curl),
        ("2. delivery latency and idle relay CPU", part2_latency),
        ("3. idle poll cost", part3_idle_polls),
        ("4. throughput", part4_throughput),
        ("5. the original app's protocol", legacy::part5_legacy),
        ("6. history", history::part6_history),
        ("7. footprint", part7_footprint),
        (
            "8. streaming and several relays",
            streaming::part8_streaming,
        ),
        ("10. SFTP", sftp::part10_sftp),
    ];
    // FTPCHAT_BENCH_PARTS=1,3 runs only those parts (development).
    let only: Option<Vec<String>> = std::env::var("FTPCHAT_BENCH_PARTS")
        .ok()
        .map(|v| v.split(',').map(|p| p.trim().to_owned()).collect());
    for (name, part) in parts {
        let number = name.split('.').next().unwrap_or_default();
        if only
            .as_ref()
            .is_some_and(|o| !o.iter().any(|p| p == number))
        {
            continue;
        }
        let t = Instant::now();
        eprintln!("relay bench: {name} ...");
        if let Err(e) = catch_unwind(AssertUnwindSafe(|| part(&ctx))) {
            let msg = e
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_else(|| "panic".into());
            ctx.line(&format!(
                "**part failed**: {}",
                msg.lines().next().unwrap_or_default()
            ));
            ctx.note_failure(name, &msg);
        }
        ctx.line(&format!(
            "_({name}: {:.0} s; load average after: {})_",
            t.elapsed().as_secs_f64(),
            loadavg()
        ));
        ctx.flush();
    }
    crypto_section(&ctx);
    comparison_section(&ctx);
    summary_figures(&ctx);
    ctx.meta(
        "run",
        &format!(
            "{:.0} s in all; load average at the end {}",
            ctx.started.elapsed().as_secs_f64(),
            loadavg()
        ),
    );
    ctx.flush();
    if !ctx.rep().failures.is_empty() {
        std::process::exit(1);
    }
}

// ---------------------------------------------------------------------------------------------
// Report

#[derive(Default)]
struct Report {
    meta: Vec<(String, String)>,
    /// figure, measured, target, status.
    summary: Vec<[String; 4]>,
    sections: Vec<(String, Vec<String>)>,
    /// Values kept for the side-by-side section.
    figs: BTreeMap<String, String>,
    failures: Vec<String>,
}

impl Report {
    fn render(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "## Results\n");
        let _ = writeln!(
            s,
            "<!-- Generated by scripts/bench (benches/relay.rs); replaced on every run. -->\n"
        );
        s.push_str("### Machine and versions\n\n| | |\n|---|---|\n");
        for (k, v) in &self.meta {
            let _ = writeln!(s, "| {k} | {} |", v.replace('|', "/"));
        }
        s.push_str("\n### Against the targets\n\n");
        s.push_str("| figure | measured | target | status |\n|---|---|---|---|\n");
        for [f, m, t, st] in &self.summary {
            let _ = writeln!(s, "| {f} | {m} | {t} | {st} |");
        }
        if !self.failures.is_empty() {
            s.push_str("\nParts that failed:\n\n");
            for f in &self.failures {
                let _ = writeln!(s, "- {f}");
            }
        }
        for (title, lines) in &self.sections {
            let _ = writeln!(s, "\n### {title}\n");
            for l in lines {
                let _ = writeln!(s, "{l}");
            }
        }
        s
    }
}

/// What every part shares: the binary, the report, tools.
struct Ctx {
    bin: PathBuf,
    bin_size: u64,
    report: Mutex<Report>,
    report_path: Option<PathBuf>,
    clk_tck: f64,
    gnu_time: Option<&'static Path>,
    python: String,
    started: Instant,
    /// Holds the copy of the binary (a concurrent `cargo build` cannot swap it mid-run).
    tmp: tempfile::TempDir,
}

impl Ctx {
    fn new() -> Ctx {
        let built = ftpchat_binary();
        let tmp = tempfile::Builder::new()
            .prefix("relay-bench-bin-")
            .tempdir()
            .expect("temp dir");
        let bin = tmp.path().join("ftpchat");
        fs::copy(&built, &bin).expect("copy the ftpchat binary");
        let bin_size = fs::metadata(&built).map_or(0, |m| m.len());
        Ctx {
            bin,
            bin_size,
            report: Mutex::new(Report::default()),
            report_path: std::env::var_os("FTPCHAT_BENCH_REPORT").map(PathBuf::from),
            clk_tck: sys::clock_ticks(),
            gnu_time: sys::gnu_time(),
            python: std::env::var("FTPCHAT_TEST_PYTHON").unwrap_or_else(|_| "python3".into()),
            started: Instant::now(),
            tmp,
        }
    }

    /// A fresh vsftpd for one part.
    fn bench(&self) -> Bench<'_> {
        let Some(server) = support::vsftpd() else {
            eprintln!(
                "relay bench: vsftpd is not available (install it, e.g. with scripts/test, and run as root)"
            );
            std::process::exit(1);
        };
        Bench {
            ctx: self,
            bin: self.bin.clone(),
            server,
        }
    }

    fn rep(&self) -> MutexGuard<'_, Report> {
        self.report.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn meta(&self, k: &str, v: &str) {
        println!("{k:<14} {v}");
        self.rep().meta.push((k.into(), v.into()));
    }

    fn section(&self, title: &str) {
        println!("\n### {title}\n");
        self.rep().sections.push((title.into(), Vec::new()));
    }

    fn line(&self, s: &str) {
        println!("{s}");
        if let Some(last) = self.rep().sections.last_mut() {
            last.1.push(s.into());
        }
    }

    fn table(&self, head: &[&str], rows: &[Vec<String>]) {
        self.line(&format!("| {} |", head.join(" | ")));
        self.line(&format!("|{}", "---|".repeat(head.len())));
        for r in rows {
            self.line(&format!("| {} |", r.join(" | ")));
        }
        self.line("");
    }

    /// A row of the targets table; `ok` None: could not be measured.
    fn target(&self, figure: &str, measured: &str, target: &str, ok: Option<bool>) {
        let status = match ok {
            Some(true) => "ok",
            Some(false) => "**MISSED**",
            None => "**not measured**",
        };
        println!("TARGET  {figure}: {measured} (target {target}): {status}");
        self.rep()
            .summary
            .push([figure.into(), measured.into(), target.into(), status.into()]);
    }

    /// A row of the targets table for a figure without a target.
    fn figure(&self, figure: &str, measured: &str) {
        println!("FIGURE  {figure}: {measured}");
        self.rep().summary.push([
            figure.into(),
            measured.into(),
            "no target".into(),
            "".into(),
        ]);
    }

    fn keep(&self, key: &str, value: String) {
        self.rep().figs.insert(key.into(), value);
    }

    fn kept(&self, key: &str) -> String {
        self.rep()
            .figs
            .get(key)
            .cloned()
            .unwrap_or_else(|| "n/a".into())
    }

    fn note_failure(&self, part: &str, msg: &str) {
        eprintln!("relay bench: {part} failed: {msg}");
        self.rep().failures.push(format!(
            "{part}: {}",
            msg.lines().next().unwrap_or_default()
        ));
    }

    fn flush(&self) {
        if let Some(p) = &self.report_path {
            let text = self.rep().render();
            if let Err(e) = fs::write(p, text) {
                eprintln!("relay bench: cannot write {}: {e}", p.display());
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Setup

struct Bench<'a> {
    ctx: &'a Ctx,
    bin: PathBuf,
    server: support::FtpServer,
}

impl Bench<'_> {
    /// `--relay URL --room ROOM`.
    fn relay(&self, room: &str) -> [String; 4] {
        self.relay_via(self.server.port, room)
    }

    /// `--relay URL --room ROOM` with the relay reached on another port (a proxy).
    fn relay_via(&self, port: u16, room: &str) -> [String; 4] {
        [
            "--relay".into(),
            self.server.url_with_port(port, "/"),
            "--room".into(),
            room.into(),
        ]
    }

    /// The commands vsftpd logged so far.
    fn commands(&self) -> Vec<String> {
        self.server.commands()
    }

    /// `ftp://user:password@127.0.0.1:port/rel` for curl.
    fn curl_url(&self, rel: &str) -> String {
        self.curl_url_via(self.server.port, rel)
    }

    /// [`Bench::curl_url`] with the relay reached on another port (a proxy).
    fn curl_url_via(&self, port: u16, rel: &str) -> String {
        format!(
            "ftp://{}:{}@127.0.0.1:{port}/{rel}",
            self.server.user, self.server.password
        )
    }

    /// [`SPREAD`] forwarding proxies in front of the relay, connecting from 127.0.0.2,
    /// 127.0.0.3, ...: vsftpd allows 50 sessions per client address by default, and the
    /// many clients of parts 2 and 4 stand for different hosts.
    fn spread(&self) -> Vec<sys::RelayProxy> {
        (0..SPREAD)
            .map(|i| {
                sys::RelayProxy::start(
                    self.server.addr(),
                    std::net::Ipv4Addr::new(127, 0, 0, 2 + i as u8),
                )
            })
            .collect()
    }

    /// CPU of every process of the relay (vsftpd) instance now, with reaped children.
    fn relay_cpu(&self) -> sys::CpuSample {
        sys::sample(&self.server.processes())
    }

    /// Waits (at most `limit`) until the relay has no session process left (only its
    /// listener), so that the CPU of the sessions that ended is in the listener's cutime.
    fn wait_sessions_gone(&self, limit: Duration) {
        let deadline = Instant::now() + limit;
        while self.server.processes().len() > 1 && Instant::now() < deadline {
            thread::sleep(Duration::from_millis(2));
        }
    }

    /// Relay CPU seconds between two samples.
    fn cpu_between(&self, a: &sys::CpuSample, b: &sys::CpuSample) -> f64 {
        sys::delta(a, b, self.ctx.clk_tck).best()
    }

    /// Creates the directory `rel` on the relay's disk, owned by the FTP user.
    fn mkdir(&self, rel: &str) {
        fs::create_dir_all(self.server.path(rel)).expect("create room directory");
        self.server.fix_ownership();
    }
}

/// The release binary next to this bench executable: `target/release/deps/relay-HASH` ->
/// `target/release/ftpchat` (built by `cargo bench` with the bench profile, which inherits
/// release). Builds it when missing.
fn ftpchat_binary() -> PathBuf {
    let exe = std::env::current_exe().expect("path of the bench executable");
    let release = exe
        .parent()
        .and_then(Path::parent)
        .expect("bench executable lives in target/<profile>/deps");
    let bin = release.join("ftpchat");
    if bin.is_file() {
        return bin;
    }
    eprintln!(
        "relay bench: {} is missing; running `cargo build --release`",
        bin.display()
    );
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
    let mut cmd = Command::new(cargo);
    cmd.args(["build", "--release", "--bin", "ftpchat", "--manifest-path"])
        .arg(&manifest)
        .stdout(Stdio::inherit())
        .stderr(Stdio::inherit());
    let ok = cmd
        .spawn()
        .ok()
        .and_then(|child| wait_limited(child, Duration::from_secs(1200)))
        .is_some_and(|s| s.success());
    if !ok || !bin.is_file() {
        eprintln!(
            "relay bench: cannot find or build {}; run `cargo build --release` first",
            bin.display()
        );
        std::process::exit(1);
    }
    bin
}

/// An isolated ftpchat home (config in `ftpchat/`, state in `ftpchat/state/`).
struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    fn new() -> Home {
        let dir = tempfile::Builder::new()
            .prefix("relay-bench-")
            .tempdir()
            .expect("temp dir");
        Home { dir }
    }

    /// A member: device identity and the room key copied from `owner` (or a new room key).
    fn member(b: &Bench, owner: Option<&Home>) -> Home {
        let h = Home::new();
        h.ok(b, &["keygen"], "keygen");
        match owner {
            Some(o) => h.copy_room_key(o),
            None => {
                h.ok(b, &["keygen", "--room"], "keygen --room");
            }
        }
        h
    }

    /// A reader: only the room key of `owner`.
    fn reader(owner: &Home) -> Home {
        let h = Home::new();
        h.copy_room_key(owner);
        h
    }

    fn config(&self) -> PathBuf {
        self.dir.path().join("ftpchat")
    }

    fn room_key(&self) -> PathBuf {
        self.config().join("room.key")
    }

    fn copy_room_key(&self, owner: &Home) {
        let config = self.config();
        fs::create_dir_all(&config).expect("config dir");
        fs::set_permissions(&config, fs::Permissions::from_mode(0o700)).expect("chmod config");
        let to = config.join("room.key");
        fs::copy(owner.room_key(), &to).expect("copy room key");
        fs::set_permissions(&to, fs::Permissions::from_mode(0o600)).expect("chmod room key");
    }

    /// `ftpchat` as this home, with a clean environment and the relay password.
    fn cmd(&self, b: &Bench) -> Command {
        self.cmd_under(b, None)
    }

    /// Like [`Home::cmd`], run under `/usr/bin/time -v -o REPORT` when `time_report` is given.
    fn cmd_under(&self, b: &Bench, time_report: Option<&Path>) -> Command {
        let mut c = match (time_report, b.ctx.gnu_time) {
            (Some(report), Some(time)) => {
                let mut c = Command::new(time);
                c.arg("-v").arg("-o").arg(report).arg(&b.bin);
                c
            }
            _ => Command::new(&b.bin),
        };
        c.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.dir.path())
            .env("FTPCHAT_HOME", self.config())
            .env("FTPCHAT_PASSWORD", &b.server.password)
            .env("USER", "bench")
            .env("TZ", "UTC")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null());
        c
    }

    /// Runs `ftpchat ARGS`; panics (with its stderr) unless it succeeds.
    fn ok(&self, b: &Bench, args: &[&str], what: &str) -> String {
        let (_, out) = run(self.cmd(b).args(args), None, CMD_LIMIT, what);
        expect_success(&out, what);
        String::from_utf8(out.stdout).expect("utf8 output")
    }

    /// `ftpchat send --name bench BODY` with `--relay URL --room ROOM` args.
    fn send_to(&self, b: &Bench, relay: &[String; 4], body: &str) -> (Duration, Output) {
        let mut c = self.cmd(b);
        c.arg("send").args(relay).args(["--name", "bench", body]);
        run(&mut c, None, CMD_LIMIT, "ftpchat send")
    }

    /// `ftpchat send --name bench BODY` to `room`.
    fn send(&self, b: &Bench, room: &str, body: &str) -> (Duration, Output) {
        self.send_to(b, &b.relay(room), body)
    }
}

fn expect_success(out: &Output, what: &str) {
    assert!(
        out.status.success(),
        "{what} failed ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr).trim()
    );
}

// ---------------------------------------------------------------------------------------------
// Processes with time limits

/// Kills processes that outlive a limit, unless disarmed first.
struct Watchdog {
    tx: mpsc::Sender<()>,
    handle: thread::JoinHandle<bool>,
}

impl Watchdog {
    fn arm(pids: Vec<u32>, limit: Duration) -> Watchdog {
        let (tx, rx) = mpsc::channel::<()>();
        let handle = thread::spawn(move || match rx.recv_timeout(limit) {
            Err(mpsc::RecvTimeoutError::Timeout) => {
                signal("KILL", &pids);
                true
            }
            _ => false,
        });
        Watchdog { tx, handle }
    }

    /// Whether it fired.
    fn disarm(self) -> bool {
        let _ = self.tx.send(());
        self.handle.join().unwrap_or(true)
    }
}

/// `kill -s SIG -- PIDS` (only ever our own children).
fn signal(sig: &str, pids: &[u32]) {
    if pids.is_empty() {
        return;
    }
    let _ = Command::new("kill")
        .args(["-s", sig, "--"])
        .args(pids.iter().map(u32::to_string))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

/// Runs `cmd` with optional stdin bytes, capturing stdout and stderr; returns the wall time
/// from spawn to exit. Kills it and panics after `limit`.
fn run(
    cmd: &mut Command,
    input: Option<Vec<u8>>,
    limit: Duration,
    what: &str,
) -> (Duration, Output) {
    cmd.stdin(if input.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    })
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let start = Instant::now();
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("{what}: cannot start {:?}: {e}", cmd.get_program()));
    let dog = Watchdog::arm(vec![child.id()], limit);
    let writer = input.map(|data| {
        let mut stdin = child.stdin.take().expect("stdin pipe");
        thread::spawn(move || {
            let _ = stdin.write_all(&data);
        })
    });
    let out = child.wait_with_output().expect("wait for child");
    let took = start.elapsed();
    if let Some(w) = writer {
        let _ = w.join();
    }
    assert!(
        !dog.disarm(),
        "{what}: still running after {limit:?}; killed"
    );
    (took, out)
}

/// Waits for `child` at most `limit`; kills it after that (then `None`).
fn wait_limited(mut child: Child, limit: Duration) -> Option<ExitStatus> {
    let deadline = Instant::now() + limit;
    loop {
        if let Ok(Some(st)) = child.try_wait() {
            return Some(st);
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        thread::sleep(Duration::from_millis(20));
    }
}

/// Long-running reader processes (`ftpchat watch`, the legacy reader); stopped with SIGTERM
/// (then SIGKILL) when dropped.
struct Watchers {
    children: Vec<Child>,
    /// Kept open: the legacy reader stops when its stdin closes.
    stdins: Vec<ChildStdin>,
    /// `watch` exits 130 on SIGTERM; the Python reader dies of the signal.
    expect_130: bool,
}

impl Watchers {
    fn pids(&self) -> Vec<u32> {
        self.children.iter().map(Child::id).collect()
    }

    /// Stops every watcher; returns how many did not exit as expected.
    fn stop(&mut self) -> usize {
        signal("TERM", &self.pids());
        self.stdins.clear();
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut odd = 0;
        for mut child in self.children.drain(..) {
            let st = loop {
                match child.try_wait() {
                    Ok(Some(st)) => break Some(st),
                    Ok(None) if Instant::now() < deadline => {
                        thread::sleep(Duration::from_millis(10));
                    }
                    _ => {
                        let _ = child.kill();
                        let _ = child.wait();
                        break None;
                    }
                }
            };
            if self.expect_130 && st.and_then(|s| s.code()) != Some(130) {
                odd += 1;
            }
        }
        odd
    }
}

impl Drop for Watchers {
    fn drop(&mut self) {
        self.stop();
    }
}

/// One JSON line printed by a reader, stamped on receipt.
struct Seen {
    watcher: usize,
    body: String,
    verified: bool,
    at: SystemTime,
}

/// What a reader prints: `watch --json` (`body`, `verified`) or the legacy reader
/// (`message`, `ok`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum ReaderKind {
    Ftpchat,
    Legacy,
}

/// Starts reader processes; their lines arrive on the channel.
fn start_readers(cmds: Vec<Command>, kind: ReaderKind) -> (Watchers, mpsc::Receiver<Seen>) {
    let (tx, rx) = mpsc::channel();
    let mut children = Vec::new();
    let mut stdins = Vec::new();
    for (i, mut cmd) in cmds.into_iter().enumerate() {
        if kind == ReaderKind::Legacy {
            cmd.stdin(Stdio::piped());
        }
        let mut child = cmd
            .stdout(Stdio::piped())
            .spawn()
            .expect("spawn a reader process");
        let stdout = child.stdout.take().expect("reader stdout");
        if let Some(s) = child.stdin.take() {
            stdins.push(s);
        }
        children.push(child);
        let tx = tx.clone();
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let at = SystemTime::now();
                let v: serde_json::Value = serde_json::from_str(&line).unwrap_or_default();
                let (body, verified) = match kind {
                    ReaderKind::Ftpchat => (&v["body"], v["verified"] == true),
                    ReaderKind::Legacy => (&v["message"], v["ok"] == true),
                };
                let seen = Seen {
                    watcher: i,
                    body: body.as_str().unwrap_or_default().to_owned(),
                    verified,
                    at,
                };
                if tx.send(seen).is_err() {
                    break;
                }
            }
        });
    }
    (
        Watchers {
            children,
            stdins,
            expect_130: kind == ReaderKind::Ftpchat,
        },
        rx,
    )
}

/// `ftpchat watch --json EXTRA` for each home (stderr to `watch.stderr` in the home).
fn watch_cmds(b: &Bench, homes: &[Home], relay: &[String; 4], extra: &[&str]) -> Vec<Command> {
    homes
        .iter()
        .map(|h| {
            let stderr = fs::File::create(h.dir.path().join("watch.stderr")).expect("stderr file");
            let mut c = h.cmd(b);
            c.args(["watch", "--json"])
                .args(extra)
                .args(relay)
                .stderr(stderr);
            c
        })
        .collect()
}

/// Waits until every one of `n` watchers printed a message with body `body`.
fn wait_all_printed(rx: &mpsc::Receiver<Seen>, n: usize, body: &str, limit: Duration) -> bool {
    let deadline = Instant::now() + limit;
    let mut ready = BTreeSet::new();
    while ready.len() < n {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(s) if s.body == body => {
                ready.insert(s.watcher);
            }
            Ok(_) => {}
            Err(_) => return false,
        }
    }
    true
}

/// Runs one closure per worker on its own thread, all released at once; returns the wall
/// time from release to the last one done, and their results.
fn concurrently<T: Send>(n: usize, work: impl Fn(usize) -> T + Sync) -> (Duration, Vec<T>) {
    let barrier = Barrier::new(n + 1);
    thread::scope(|scope| {
        let jobs: Vec<_> = (0..n)
            .map(|i| {
                let (barrier, work) = (&barrier, &work);
                scope.spawn(move || {
                    barrier.wait();
                    work(i)
                })
            })
            .collect();
        barrier.wait();
        let start = Instant::now();
        let out: Vec<T> = jobs
            .into_iter()
            .map(|j| j.join().expect("worker thread"))
            .collect();
        (start.elapsed(), out)
    })
}

// ---------------------------------------------------------------------------------------------
// Figures

fn sorted(mut v: Vec<Duration>) -> Vec<Duration> {
    v.sort_unstable();
    v
}

/// Nearest-rank percentile of sorted values.
fn pct(sorted: &[Duration], q: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}

fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

fn verb(command: &str) -> String {
    command
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_ascii_uppercase()
}

fn verbs(commands: &[String]) -> Vec<String> {
    commands.iter().map(|c| verb(c)).collect()
}

/// The most frequent verb sequence and how often it occurred.
fn usual_sequence(seqs: &[Vec<String>]) -> (String, usize) {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for s in seqs {
        *counts.entry(s.join(" ")).or_default() += 1;
    }
    counts
        .into_iter()
        .max_by_key(|(_, n)| *n)
        .unwrap_or_default()
}

fn command_output(program: &str, args: &[&str]) -> String {
    Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_else(|| "unknown".into())
}

fn loadavg() -> String {
    fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| "unknown".into())
}

fn check(ok: bool) -> &'static str {
    if ok { "" } else { " **MISSED**" }
}

fn header(ctx: &Ctx) {
    let cpu = fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, m)| m.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".into());
    let mem = fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("MemTotal:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or_else(
            || "unknown".into(),
            |kb| format!("{:.1} GiB", kb / 1048576.0),
        );
    let nproc = thread::available_parallelism().map_or(0, |n| n.get());
    let manifest = env!("CARGO_MANIFEST_DIR");
    let commit = command_output("git", &["-C", manifest, "rev-parse", "--short", "HEAD"]);
    let dirty = !command_output(
        "git",
        &[
            "-C",
            manifest,
            "status",
            "--porcelain",
            "--",
            "src",
            "Cargo.toml",
        ],
    )
    .is_empty();
    let python = command_output(
        &ctx.python,
        &[
            "-c",
            "import sys, cryptography; print(sys.version.split()[0], 'cryptography', cryptography.__version__)",
        ],
    );
    ctx.meta(
        "date",
        &chrono::Utc::now()
            .format("%Y-%m-%d %H:%M:%S UTC")
            .to_string(),
    );
    ctx.meta(
        "machine",
        &format!(
            "{cpu}, {nproc} CPUs, {mem} RAM, {}",
            command_output("uname", &["-sr"])
        ),
    );
    ctx.meta(
        "load average",
        &format!(
            "{} at the start (1, 5, 15 min; the machine is shared with other builds)",
            loadavg()
        ),
    );
    ctx.meta(
        "ftpchat",
        &format!(
            "{} (commit {commit}{}), release profile, binary {:.2} MB",
            command_output(&ctx.bin.to_string_lossy(), &["--version"]),
            if dirty {
                ", with uncommitted changes in src/"
            } else {
                ""
            },
            ctx.bin_size as f64 / 1e6
        ),
    );
    ctx.meta(
        "vsftpd",
        &format!(
            "{} (plain FTP, 127.0.0.1, a fresh instance per part)",
            command_output("dpkg-query", &["-W", "vsftpd"]).replace('\t', " ")
        ),
    );
    ctx.meta(
        "curl",
        command_output("curl", &["--version"])
            .lines()
            .next()
            .unwrap_or("unknown"),
    );
    ctx.meta("python", &python);
    ctx.meta("rustc", &command_output("rustc", &["--version"]));
    ctx.meta(
        "GNU time",
        if ctx.gnu_time.is_some() {
            "/usr/bin/time (peak RSS)"
        } else {
            "missing: peak RSS not measured"
        },
    );
    ctx.meta(
        "method",
        "wall clock; percentiles nearest-rank; CPU from /proc/PID/stat (utime+stime, children \
         included, 1 tick = 10 ms) and /proc/PID/schedstat (ns)",
    );
}

// ---------------------------------------------------------------------------------------------
// 1. send vs curl --append

/// A record of `body`'s size made by another identity, of median length among `n`.
fn median_record(b: &Bench, other: &Home, body: &str, n: usize) -> String {
    let lines: String = (0..n).map(|_| format!("{body}\n")).collect();
    let (_, out) = run(
        other.cmd(b).args(["encrypt", "--lines", "--name", "bench"]),
        Some(lines.into_bytes()),
        CMD_LIMIT,
        "encrypt --lines",
    );
    expect_success(&out, "encrypt --lines");
    let mut records: Vec<String> = String::from_utf8(out.stdout)
        .expect("utf8 records")
        .lines()
        .map(|l| format!("{l}\n"))
        .collect();
    records.sort_by_key(String::len);
    records.swap_remove(records.len() / 2)
}

/// Message `i` of the send-vs-curl parts: [`SEND_BODY_LEN`] bytes.
fn send_body(i: usize) -> String {
    let head = format!("send {i:03} ");
    format!("{head}{}", "x".repeat(SEND_BODY_LEN - head.len()))
}

/// The cells median, p90, min, max of sorted times `v`.
fn time_cells(v: &[Duration]) -> [String; 4] {
    [
        ms(pct(v, 0.5)),
        ms(pct(v, 0.9)),
        ms(v[0]),
        ms(v[v.len() - 1]),
    ]
}

fn part1_send_vs_curl(ctx: &Ctx) {
    let b = ctx.bench();
    let room = "bench/send";
    ctx.section(&format!(
        "1. `ftpchat send` vs `curl --append` ({SEND_RUNS} runs each, a fresh process each, interleaved)"
    ));
    let sender = Home::member(&b, None);
    let other = Home::member(&b, Some(&sender));
    let body = send_body;
    // Warm-up (creates the room directory and the feed; not timed).
    let (_, out) = sender.send(&b, room, &body(0));
    expect_success(&out, "warm-up send");

    // curl's payload: a record of the same body from another identity. Record lengths vary
    // by ~100 bytes (age adds a random "grease" stanza): take the median of SEND_RUNS.
    let record = median_record(&b, &other, &body(0), SEND_RUNS);
    let payload = other.dir.path().join("record.txt");
    fs::write(&payload, record.as_bytes()).expect("write payload");
    let curl_url = b.curl_url(&format!("{room}/curl-append.dat"));
    let curl = || {
        let mut c = Command::new("curl");
        c.args(["-sS", "--append", "-T"])
            .arg(&payload)
            .arg(&curl_url);
        run(&mut c, None, CMD_LIMIT, "curl --append")
    };
    let (_, out) = curl();
    expect_success(&out, "warm-up curl --append");

    let mut send_t = Vec::new();
    let mut curl_t = Vec::new();
    let mut send_cmds = Vec::new();
    let mut curl_cmds = Vec::new();
    let (mut send_fail, mut curl_fail) = (0, 0);
    let (mut send_cpu, mut curl_cpu) = (0.0, 0.0);
    b.wait_sessions_gone(Duration::from_secs(5));
    for i in 1..=SEND_RUNS {
        let c0 = b.commands().len();
        let r0 = b.relay_cpu();
        let (t, out) = sender.send(&b, room, &body(i));
        b.wait_sessions_gone(Duration::from_secs(5));
        let r1 = b.relay_cpu();
        send_cpu += b.cpu_between(&r0, &r1);
        if !out.status.success() {
            send_fail += 1;
            eprintln!(
                "send {i} failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        send_t.push(t);
        let cmds = b.commands();
        let c1 = cmds.len();
        send_cmds.push(verbs(&cmds[c0..c1]));
        let (t, out) = curl();
        b.wait_sessions_gone(Duration::from_secs(5));
        curl_cpu += b.cpu_between(&r1, &b.relay_cpu());
        if !out.status.success() {
            curl_fail += 1;
            eprintln!(
                "curl {i} failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        curl_t.push(t);
        let cmds = b.commands();
        curl_cmds.push(verbs(&cmds[c1..]));
    }

    // Size of what send appended: the feed's lines (all the same body length).
    let feed_dir = b.server.path(room);
    let mut send_bytes = Vec::new();
    for e in fs::read_dir(&feed_dir).expect("room dir").flatten() {
        if e.path().extension().is_some_and(|x| x == "log") {
            let text = fs::read_to_string(e.path()).expect("read feed");
            send_bytes.extend(text.lines().map(|l| l.len() + 1));
        }
    }
    let mean_send_bytes = send_bytes.iter().sum::<usize>() / send_bytes.len().max(1);
    ctx.line(&format!(
        "Bytes per upload: `send` record mean {mean_send_bytes} (min {}, max {}), curl payload {} (the median of {SEND_RUNS} records of the same body).",
        send_bytes.iter().min().copied().unwrap_or(0),
        send_bytes.iter().max().copied().unwrap_or(0),
        record.len(),
    ));
    ctx.line("");
    let s = sorted(send_t);
    let c = sorted(curl_t);
    let mut rows = Vec::new();
    for (name, v, fails, seqs, cpu) in [
        ("ftpchat send", &s, send_fail, &send_cmds, send_cpu),
        ("curl --append", &c, curl_fail, &curl_cmds, curl_cpu),
    ] {
        let (seq, n) = usual_sequence(seqs);
        let mut row = vec![name.to_string()];
        row.extend(time_cells(v));
        row.extend([
            fails.to_string(),
            format!("{:.1} ms", cpu * 1e3 / SEND_RUNS as f64),
            format!(
                "{} ({seq}; {n} of {} runs)",
                seq.split_whitespace().count(),
                seqs.len()
            ),
        ]);
        rows.push(row);
    }
    ctx.table(
        &[
            "",
            "median",
            "p90",
            "min",
            "max",
            "failures",
            "relay CPU per run (mean)",
            "FTP commands per run",
        ],
        &rows,
    );
    let ratio = pct(&s, 0.5).as_secs_f64() / pct(&c, 0.5).as_secs_f64();
    let ratio90 = pct(&s, 0.9).as_secs_f64() / pct(&c, 0.9).as_secs_f64();
    ctx.line(&format!(
        "Ratio send / curl: median {ratio:.2}x{}, p90 {ratio90:.2}x (target <= 1.0x).",
        check(ratio <= 1.0)
    ));
    ctx.target(
        &format!("`send` / `curl --append` wall time, median of {SEND_RUNS} fresh processes"),
        &format!("{ratio:.2}x ({} / {})", ms(pct(&s, 0.5)), ms(pct(&c, 0.5))),
        "<= 1.0x",
        Some(ratio <= 1.0 && send_fail == 0),
    );
}

// ---------------------------------------------------------------------------------------------
// 2. Delivery latency, idle CPU

/// One latency run's figures.
struct Latency {
    /// Latencies of the (reader, message) pairs shown in time, sorted.
    shown: Vec<Duration>,
    lost: usize,
    send_p50: Duration,
    notes: Vec<String>,
    idle: Option<IdleCpu>,
}

/// CPU while the readers poll an idle room.
struct IdleCpu {
    relay: sys::CpuDelta,
    readers: sys::CpuDelta,
    readers_n: usize,
    polls: usize,
}

impl IdleCpu {
    /// Relay CPU in ms per reader per second (ticks, then schedstat when available).
    fn relay_ms_per_reader_s(&self) -> (f64, Option<f64>) {
        let per = |cpu: f64| cpu * 1e3 / self.readers_n as f64 / self.relay.wall.as_secs_f64();
        (per(self.relay.tick_secs), self.relay.sched_secs.map(per))
    }

    fn relay_us_per_poll(&self) -> f64 {
        let cpu = self.relay.sched_secs.unwrap_or(self.relay.tick_secs);
        cpu * 1e6 / self.polls.max(1) as f64
    }

    fn reader_ms_per_s(&self) -> f64 {
        let cpu = self.readers.sched_secs.unwrap_or(self.readers.tick_secs);
        cpu * 1e3 / self.readers_n as f64 / self.readers.wall.as_secs_f64()
    }

    fn polls_per_reader_s(&self) -> f64 {
        self.polls as f64 / self.readers_n as f64 / self.relay.wall.as_secs_f64()
    }
}

/// Samples CPU of all processes of the vsftpd instance with their reaped children (so
/// sessions that end inside the interval still count, see [`sys::delta`]) and of the
/// readers.
fn idle_cpu(b: &Bench, readers: &Watchers, poll_verb: &str, window: Duration) -> IdleCpu {
    let marker = b.server.process_marker().to_owned();
    let c0 = b.commands().len();
    let r0 = sys::sample(&b.server.processes());
    let w0 = sys::sample(&readers.pids());
    thread::sleep(window);
    let r1 = sys::sample(&support::processes_matching(&marker));
    let w1 = sys::sample(&readers.pids());
    let polls = b.commands()[c0..]
        .iter()
        .filter(|c| verb(c) == poll_verb)
        .count();
    IdleCpu {
        relay: sys::delta(&r0, &r1, b.ctx.clk_tck),
        readers: sys::delta(&w0, &w1, b.ctx.clk_tck),
        readers_n: readers.children.len(),
        polls,
    }
}

/// Sends LAT_MESSAGES messages through `send`, `LAT_SPACING_MS` apart, and collects when
/// each of `n` readers shows them. Readers must already have shown `ready`.
fn latency_run(
    b: &Bench,
    mut readers: Watchers,
    rx: &mpsc::Receiver<Seen>,
    send: &dyn Fn(&str) -> (Duration, Output),
    lost_after: Duration,
    idle: Option<(Duration, Duration, &str)>,
) -> Latency {
    let n = readers.children.len();
    let mut sent: Vec<SystemTime> = Vec::new();
    let mut send_times = Vec::new();
    let mut send_fail = 0;
    for i in 0..LAT_MESSAGES {
        let spacing = Duration::from_millis(
            LAT_SPACING_MS.0 + support::random_u64() % (LAT_SPACING_MS.1 - LAT_SPACING_MS.0 + 1),
        );
        let start = Instant::now();
        let at = SystemTime::now();
        let nanos = at.duration_since(UNIX_EPOCH).expect("clock").as_nanos();
        let (t, out) = send(&format!("lat {i} {nanos}"));
        if !out.status.success() {
            send_fail += 1;
            eprintln!(
                "latency send failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        send_times.push(t);
        sent.push(at);
        thread::sleep(spacing.saturating_sub(start.elapsed()));
    }
    let last_sent = *sent.last().expect("sent");

    // Collect until every pair arrived or the last message is `lost_after` old.
    let expected = n * LAT_MESSAGES;
    let mut got: BTreeMap<(usize, usize), Duration> = BTreeMap::new();
    let (mut dups, mut unverified, mut other) = (0, 0, 0);
    let mut handle = |s: Seen, got: &mut BTreeMap<(usize, usize), Duration>| {
        let mut parts = s.body.split_whitespace();
        let (Some("lat"), Some(i), Some(nanos)) = (parts.next(), parts.next(), parts.next()) else {
            if s.body != "ready" {
                other += 1;
            }
            return;
        };
        let (Ok(i), Ok(nanos)) = (i.parse::<usize>(), nanos.parse::<u64>()) else {
            other += 1;
            return;
        };
        if !s.verified {
            unverified += 1;
        }
        let sent_at = UNIX_EPOCH + Duration::from_nanos(nanos);
        let latency = s.at.duration_since(sent_at).unwrap_or_default();
        if got.insert((s.watcher, i), latency).is_some() {
            dups += 1;
        }
    };
    loop {
        while let Ok(s) = rx.try_recv() {
            handle(s, &mut got);
        }
        if got.len() >= expected {
            break;
        }
        let deadline = last_sent + lost_after;
        let Ok(left) = deadline.duration_since(SystemTime::now()) else {
            break;
        };
        if let Ok(s) = rx.recv_timeout(left) {
            handle(s, &mut got);
        }
    }
    let idle = idle.map(|(settle, window, verb)| {
        thread::sleep(settle);
        idle_cpu(b, &readers, verb, window)
    });
    let odd_exits = readers.stop();
    // Lines that were already in the pipe when the readers stopped.
    while let Ok(s) = rx.try_recv() {
        handle(s, &mut got);
    }
    let shown: Vec<Duration> = got.values().copied().filter(|l| *l <= lost_after).collect();
    let lost = expected - shown.len();
    let mut notes = Vec::new();
    if dups > 0 {
        notes.push(format!("{dups} DUPLICATES"));
    }
    if unverified > 0 {
        notes.push(format!("{unverified} not verified"));
    }
    if other > 0 {
        notes.push(format!("{other} unexpected lines"));
    }
    if send_fail > 0 {
        notes.push(format!("{send_fail} sends failed"));
    }
    if odd_exits > 0 {
        notes.push(format!("{odd_exits} watchers did not exit 130 on SIGTERM"));
    }
    Latency {
        shown: sorted(shown),
        lost,
        send_p50: pct(&sorted(send_times), 0.5),
        notes,
        idle,
    }
}

fn latency_row(who: &str, n: usize, bounds: &str, l: &Latency) -> Vec<String> {
    let s = &l.shown;
    vec![
        who.into(),
        n.to_string(),
        bounds.into(),
        s.len().to_string(),
        ms(pct(s, 0.5)),
        ms(pct(s, 0.9)),
        ms(pct(s, 0.99)),
        ms(s.last().copied().unwrap_or_default()),
        l.lost.to_string(),
        ms(l.send_p50),
        l.notes.join("; "),
    ]
}

const LATENCY_HEAD: [&str; 11] = [
    "reader",
    "readers",
    "poll interval",
    "pairs shown",
    "p50",
    "p90",
    "p99",
    "max",
    "lost",
    "send p50",
    "notes",
];

fn idle_row(who: &str, bounds: &str, i: &IdleCpu) -> Vec<String> {
    let (ticks, sched) = i.relay_ms_per_reader_s();
    vec![
        who.into(),
        i.readers_n.to_string(),
        bounds.into(),
        format!("{:.2}", i.polls_per_reader_s()),
        sched.map_or_else(|| "n/a".into(), |v| format!("{v:.3}")),
        format!("{ticks:.3}"),
        format!("{:.0}", i.relay_us_per_poll()),
        format!("{:.3}", i.reader_ms_per_s()),
        format!(
            "{} s; {} relay processes new, {} gone",
            i.relay.wall.as_secs(),
            i.relay.new,
            i.relay.gone
        ),
    ]
}

const IDLE_HEAD: [&str; 9] = [
    "reader",
    "readers",
    "poll interval",
    "polls/s per reader",
    "relay CPU ms/s per reader",
    "same, ticks only",
    "relay CPU us per poll",
    "reader CPU ms/s each",
    "interval",
];

fn part2_latency(ctx: &Ctx) {
    let b = ctx.bench();
    let proxies = b.spread();
    ctx.section(&format!(
        "2. Delivery latency `send` -> `watch --json`, and relay CPU while watchers poll idle ({LAT_MESSAGES} messages {}-{} ms apart; lost = not shown within {} s)",
        LAT_SPACING_MS.0,
        LAT_SPACING_MS.1,
        LOST_AFTER.as_secs()
    ));
    let mut rows = Vec::new();
    let mut idle_rows = Vec::new();
    for (n, poll_max) in [(1, None), (20, None), (50, None), (20, Some("0.25"))] {
        let label = format!("w{n}-{}", poll_max.unwrap_or("default"));
        let room = format!("bench/lat-{label}");
        let sender = Home::member(&b, None);
        let homes: Vec<Home> = (0..n).map(|_| Home::reader(&sender)).collect();
        let send_relay = b.relay_via(proxies[n % SPREAD].port, &room);
        let (_, out) = sender.send_to(&b, &send_relay, "ready");
        expect_success(&out, "seed send");
        let extra: Vec<&str> = poll_max.map(|p| vec!["--poll-max", p]).unwrap_or_default();
        let cmds = homes
            .iter()
            .enumerate()
            .flat_map(|(i, h)| {
                let relay = b.relay_via(proxies[i % SPREAD].port, &room);
                watch_cmds(&b, std::slice::from_ref(h), &relay, &extra)
            })
            .collect();
        let (watchers, rx) = start_readers(cmds, ReaderKind::Ftpchat);
        let bounds = format!("{POLL_MIN}..{} s", poll_max.unwrap_or("1.0"));
        if !wait_all_printed(&rx, n, "ready", Duration::from_secs(60)) {
            ctx.line(&format!(
                "{label}: not every watcher showed the seed message within 60 s; skipped"
            ));
            continue;
        }
        // Let the watchers back off from the seed's activity to their idle interval.
        thread::sleep(Duration::from_millis(1500));
        let send = |body: &str| sender.send_to(&b, &send_relay, body);
        let mut l = latency_run(
            &b,
            watchers,
            &rx,
            &send,
            LOST_AFTER,
            Some((IDLE_SETTLE, IDLE_CPU_WINDOW, "SIZE")),
        );
        let warned = homes
            .iter()
            .filter(|h| {
                fs::read_to_string(h.dir.path().join("watch.stderr"))
                    .is_ok_and(|s| !s.trim().is_empty())
            })
            .count();
        if warned > 0 {
            l.notes.push(format!("{warned} watchers wrote to stderr"));
        }
        rows.push(latency_row("ftpchat watch", n, &bounds, &l));
        if let Some(i) = &l.idle {
            idle_rows.push(idle_row("ftpchat watch", &bounds, i));
        }
        if poll_max.is_none() {
            let (p50, p99) = (pct(&l.shown, 0.5), pct(&l.shown, 0.99));
            let ok = p50 <= Duration::from_millis(120)
                && p99 <= Duration::from_millis(400)
                && l.lost == 0;
            ctx.target(
                &format!(
                    "delivery latency, {n} watcher{} (default poll {bounds})",
                    if n == 1 { "" } else { "s" }
                ),
                &format!(
                    "p50 {}, p90 {}, p99 {}, {} lost",
                    ms(p50),
                    ms(pct(&l.shown, 0.9)),
                    ms(p99),
                    l.lost
                ),
                "p50 <= 120 ms, p99 <= 400 ms",
                Some(ok),
            );
            ctx.keep(
                &format!("lat-{n}"),
                format!("p50 {}, p99 {}, {} lost", ms(p50), ms(p99), l.lost),
            );
            if let Some(i) = &l.idle {
                let (t, s) = i.relay_ms_per_reader_s();
                ctx.keep(&format!("cpu-{n}"), format!("{:.3} ms/s", s.unwrap_or(t)));
                if n == 50 {
                    let per = s.unwrap_or(t);
                    ctx.target(
                        "relay (vsftpd) CPU per idle `watch`, 50 watchers",
                        &format!(
                            "{per:.3} ms CPU per watcher per second ({:.0} us per poll, {:.2} polls/s each)",
                            i.relay_us_per_poll(),
                            i.polls_per_reader_s()
                        ),
                        "<= 0.126 ms/s (round 1's figure)",
                        Some(per <= 0.126),
                    );
                }
            }
        }
    }
    ctx.table(&LATENCY_HEAD, &rows);
    ctx.line(&format!(
        "Latency = from just before the sender process starts (so it includes the whole `send`) to the line read from the watcher's stdout. \
         Relay CPU: after the last message the watchers are left idle {} s (backing off to their longest interval), then all processes of the vsftpd instance \
         (listener and per-session processes) are sampled over {} s: schedstat (ns) of the live processes plus the CPU of reaped children (ticks); \
         the ticks-only column is utime+stime+cutime+cstime. Per reader per second, and per poll:",
        IDLE_SETTLE.as_secs(),
        IDLE_CPU_WINDOW.as_secs()
    ));
    ctx.line("");
    ctx.table(&IDLE_HEAD, &idle_rows);
}

// ---------------------------------------------------------------------------------------------
// 3. Idle poll cost: commands and bytes

/// Commands, bytes and log-estimated bytes in an idle window.
struct PollCost {
    polls: usize,
    commands: usize,
    by_verb: BTreeMap<String, usize>,
    up: u64,
    down: u64,
    log_bytes: usize,
    window: Duration,
    first: Vec<String>,
    conns: usize,
}

/// Bytes of the commands and replies vsftpd logged in `log` (each + CRLF). vsftpd logs
/// every reply line it writes through its command channel code, but not the listing lines
/// of a `STAT <dir>` reply, which it writes directly: so this undercounts STAT replies.
fn log_bytes(log: &str) -> usize {
    log.lines()
        .filter_map(|l| {
            let i = l
                .find("FTP command: Client \"")
                .or_else(|| l.find("FTP response: Client \""))?;
            let rest = &l[i..];
            let start = rest.find("\", \"")? + 4;
            let text = rest[start..].strip_suffix('"').unwrap_or(&rest[start..]);
            Some(text.len() + 2)
        })
        .sum()
}

/// Starts a reader through a counting proxy, waits until `ready` says its first poll is
/// done, then measures `window`.
fn poll_cost(
    b: &Bench,
    proxy: &sys::RelayProxy,
    reader: Command,
    kind: ReaderKind,
    ready: &dyn Fn(&Bench, &[Seen]) -> bool,
    poll_verb: &str,
    (settle, window): (Duration, Duration),
) -> Option<PollCost> {
    let before = b.commands().len();
    let (mut readers, rx) = start_readers(vec![reader], kind);
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut seen = Vec::new();
    loop {
        while let Ok(s) = rx.try_recv() {
            seen.push(s);
        }
        if ready(b, &seen) {
            break;
        }
        if Instant::now() >= deadline {
            return None;
        }
        thread::sleep(Duration::from_millis(5));
    }
    let c_first = b.commands().len();
    thread::sleep(settle);
    let t0 = Instant::now();
    let c0 = b.commands().len();
    let l0 = b.server.log().len();
    let (u0, d0, n0, _) = proxy.counts();
    thread::sleep(window);
    let (u1, d1, n1, _) = proxy.counts();
    let cmds = b.commands();
    let log = b.server.log();
    let elapsed = t0.elapsed();
    readers.stop();
    let in_window = &cmds[c0..];
    let mut by_verb: BTreeMap<String, usize> = BTreeMap::new();
    for v in verbs(in_window) {
        *by_verb.entry(v).or_default() += 1;
    }
    Some(PollCost {
        polls: by_verb.get(poll_verb).copied().unwrap_or(0),
        commands: in_window.len(),
        by_verb,
        up: u1 - u0,
        down: d1 - d0,
        log_bytes: log_bytes(log.get(l0..).unwrap_or_default()),
        window: elapsed,
        first: verbs(&cmds[before..c_first]),
        conns: n1 - n0,
    })
}

fn part3_idle_polls(ctx: &Ctx) {
    let b = ctx.bench();
    ctx.section(&format!(
        "3. Idle poll cost: commands and control-channel bytes the relay sees per poll, one reader ({} s window, from {} s after its first poll for `watch`)",
        IDLE_WINDOW.as_secs(),
        IDLE_SETTLE.as_secs()
    ));
    let proxy = sys::RelayProxy::start(b.server.addr(), std::net::Ipv4Addr::LOCALHOST);
    let owner = Home::member(&b, None);
    let room_key =
        ftpchat::protocol::keys::RoomKey::load(&owner.room_key()).expect("load room key");
    // Rooms: none yet, 1 feed, 100 feeds (one record each), sealed by the library.
    history::generate_room(&b, "bench/idle-1", &room_key, 1, 1);
    history::generate_room(&b, "bench/idle-100", &room_key, 100, 1);
    let mut rows = Vec::new();
    for (room, feeds, what) in [
        ("bench/idle-empty", 0, "no feed yet"),
        ("bench/idle-1", 1, "1 feed"),
        ("bench/idle-100", 100, "100 feeds"),
    ] {
        let home = [Home::reader(&owner)];
        let cmd = watch_cmds(&b, &home, &b.relay_via(proxy.port, room), &[])
            .pop()
            .expect("one command");
        let stat = format!("STAT {room}");
        let ready = move |b: &Bench, seen: &[Seen]| {
            if feeds == 0 {
                b.commands().contains(&stat)
            } else {
                seen.len() >= feeds
            }
        };
        let Some(c) = poll_cost(
            &b,
            &proxy,
            cmd,
            ReaderKind::Ftpchat,
            &ready,
            "SIZE",
            (IDLE_SETTLE, IDLE_WINDOW),
        ) else {
            ctx.line(&format!(
                "{what}: the watcher did not complete a first poll within 60 s; skipped"
            ));
            continue;
        };
        let per = |n: f64| n / c.polls.max(1) as f64;
        let cmds_per_poll = per(c.commands as f64);
        if feeds > 0 {
            ctx.keep(
                &format!("poll-ftpchat-{feeds}"),
                format!(
                    "{cmds_per_poll:.2} commands, {:.0} bytes per poll; {:.2} polls/s",
                    per((c.up + c.down) as f64),
                    c.polls as f64 / c.window.as_secs_f64()
                ),
            );
        }
        if feeds == 100 {
            let bytes = per((c.up + c.down) as f64);
            ctx.target(
                "commands per idle `watch` poll (room of 100 feeds)",
                &format!("{cmds_per_poll:.2}"),
                "1 (one SIZE of the change marker)",
                Some(c.polls > 0 && (cmds_per_poll - 1.0).abs() < 0.01),
            );
            ctx.target(
                "control-channel bytes per idle `watch` poll, room of 100 feeds",
                &format!(
                    "{:.0} up + {:.0} down = {bytes:.0} bytes per poll",
                    per(c.up as f64),
                    per(c.down as f64)
                ),
                "<= 300 bytes, whatever the number of feeds",
                Some(c.polls > 0 && bytes <= 300.0),
            );
            // The full listing a live reader still makes every 30 s (for writers that do
            // not touch the marker): one STAT <dir>, measured on its own connection.
            let listing = stat_listing_bytes(&b, room);
            let every = ftpchat::room::FULL_LISTING_EVERY.as_secs_f64() / POLL_MAX;
            ctx.figure(
                "full listing every 30 s, room of 100 feeds (amortized over idle polls)",
                &format!(
                    "{listing} bytes per STAT <dir>: {:.0} bytes per idle poll with it ({bytes:.0} + {listing} / {every:.0})",
                    bytes + listing as f64 / every
                ),
            );
        }
        if feeds == 1 {
            ctx.figure(
                &format!("control-channel bytes per idle `watch` poll, room of {what}"),
                &format!(
                    "{:.0} up + {:.0} down = {:.0} bytes per poll ({:.0} bytes/s at the 1 s idle interval)",
                    per(c.up as f64),
                    per(c.down as f64),
                    per((c.up + c.down) as f64),
                    (c.up + c.down) as f64 / c.window.as_secs_f64()
                ),
            );
        }
        rows.push(poll_row(
            &format!("ftpchat watch, {what}"),
            &format!("{POLL_MIN}..{POLL_MAX} s (idle: {POLL_MAX} s)"),
            &c,
        ));
    }

    // The original app's reader: one connection per poll every 5 s.
    let pass = legacy::Passphrase::new();
    let key = &pass.path;
    b.mkdir("bench/idle-legacy");
    let (_, out) = run(
        &mut legacy::legacy_send_cmd(&b, key, "bench/idle-legacy/chat", "alice", "seed"),
        None,
        CMD_LIMIT,
        "legacy send",
    );
    expect_success(&out, "legacy send");
    let cmd = legacy::legacy_watch_cmd(&b, proxy.port, key, "bench/idle-legacy/chat.txt");
    let ready = |_: &Bench, seen: &[Seen]| !seen.is_empty();
    let window = Duration::from_secs_f64(legacy::LEGACY_POLL * 2.0 + 0.5);
    if let Some(c) = poll_cost(
        &b,
        &proxy,
        cmd,
        ReaderKind::Legacy,
        &ready,
        "SIZE",
        (Duration::ZERO, window),
    ) {
        let per = |n: f64| n / c.polls.max(1) as f64;
        ctx.figure(
            "original app reader: idle poll (every 5 s, one login each)",
            &format!(
                "{:.2} commands, {:.0} control bytes and a TCP connection per poll",
                per(c.commands as f64),
                per((c.up + c.down) as f64)
            ),
        );
        ctx.keep(
            "poll-legacy",
            format!(
                "{:.2} commands, {:.0} bytes per poll (+ a TCP connection); {:.2} polls/s",
                per(c.commands as f64),
                per((c.up + c.down) as f64),
                c.polls as f64 / c.window.as_secs_f64()
            ),
        );
        rows.push(poll_row(
            "original app reader (one login per poll), 1 message",
            &format!("{} s", legacy::LEGACY_POLL),
            &c,
        ));
    }
    ctx.table(
        &[
            "reader, room",
            "poll interval",
            "polls in window",
            "commands per poll",
            "verbs per poll",
            "bytes/poll up",
            "bytes/poll down",
            "bytes/poll total",
            "bytes/s",
            "log estimate bytes/poll",
            "TCP connections in window",
            "connect + first poll",
        ],
        &rows,
    );
    ctx.line(
        "Bytes are counted exactly on the control connection by a counting TCP proxy in the bench (the support crate's `FaultProxy` has no byte counters); \
         an idle poll opens no data connection (no PASV/EPSV in the window). The log estimate sums the command and reply lines vsftpd logs, each + CRLF: \
         vsftpd does not log the listing lines of a `STAT <dir>` reply, so it undercounts STAT replies (the difference is the listing). \
         TCP/IP headers are not included. Commands per poll = all commands in the window / polls (SIZE in both cases: of the room's change marker for `watch`, of the chat file for the app's reader). \
         `watch` also lists the room in full every 30 s (for writers that do not touch the marker): that listing's cost is given apart, in the table at the top.",
    );
}

/// Control-channel bytes (command and reply) of one `STAT <dir>` of `room`, on a fresh
/// login of its own.
fn stat_listing_bytes(b: &Bench, room: &str) -> usize {
    let mut s = std::net::TcpStream::connect(b.server.addr()).expect("connect for STAT");
    s.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let mut r = BufReader::new(s.try_clone().expect("clone"));
    // Reads one reply (multi-line ones too); returns its bytes.
    let reply = |r: &mut BufReader<std::net::TcpStream>| -> usize {
        let mut total = 0;
        let mut first: Option<String> = None;
        loop {
            let mut line = String::new();
            let n = r.read_line(&mut line).expect("reply line");
            assert!(n > 0, "the relay closed the connection");
            total += n;
            let code = first.get_or_insert_with(|| line.get(..3).unwrap_or_default().to_owned());
            if line.len() > 3 && line.starts_with(code.as_str()) && &line[3..4] == " " {
                return total;
            }
        }
    };
    reply(&mut r);
    let mut send = |cmd: &str| {
        s.write_all(format!("{cmd}\r\n").as_bytes())
            .expect("command");
        cmd.len() + 2
    };
    send(&format!("USER {}", b.server.user));
    reply(&mut r);
    send(&format!("PASS {}", b.server.password));
    reply(&mut r);
    let up = send(&format!("STAT {room}"));
    let down = reply(&mut r);
    send("QUIT");
    up + down
}

/// Verbs in order of first appearance, with counts: `USER, PASS, EPSV x3, RETR x2`.
fn runs_of(verbs: &[String]) -> String {
    let mut order: Vec<(&str, usize)> = Vec::new();
    for v in verbs {
        match order.iter_mut().find(|(x, _)| x == v) {
            Some((_, n)) => *n += 1,
            None => order.push((v, 1)),
        }
    }
    order
        .iter()
        .map(|(v, n)| {
            if *n == 1 {
                (*v).to_owned()
            } else {
                format!("{v} x{n}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn poll_row(who: &str, interval: &str, c: &PollCost) -> Vec<String> {
    let per = |n: f64| n / c.polls.max(1) as f64;
    let verbs: Vec<String> = c
        .by_verb
        .iter()
        .map(|(v, n)| format!("{v} {:.2}", per(*n as f64)))
        .collect();
    vec![
        who.into(),
        interval.into(),
        c.polls.to_string(),
        format!("{:.2}", per(c.commands as f64)),
        verbs.join(", "),
        format!("{:.0}", per(c.up as f64)),
        format!("{:.0}", per(c.down as f64)),
        format!("{:.0}", per((c.up + c.down) as f64)),
        format!("{:.0}", (c.up + c.down) as f64 / c.window.as_secs_f64()),
        format!("{:.0}", per(c.log_bytes as f64)),
        c.conns.to_string(),
        format!("{} ({})", c.first.len(), runs_of(&c.first)),
    ]
}

// ---------------------------------------------------------------------------------------------
// 4. Throughput

/// Messages a room holds after `pull --all | decrypt --verify --json`: (verified bodies,
/// lines, decrypt's exit status and stderr).
fn room_contents(b: &Bench, reader: &Home, room: &str) -> (Vec<String>, usize, String) {
    let (_, pulled) = run(
        reader.cmd(b).args(["pull", "--all"]).args(b.relay(room)),
        None,
        CMD_LIMIT,
        "pull --all",
    );
    expect_success(&pulled, "pull --all");
    let (_, dec) = run(
        reader.cmd(b).args(["decrypt", "--verify", "--json"]),
        Some(pulled.stdout),
        CMD_LIMIT,
        "decrypt --verify --json",
    );
    let text = String::from_utf8_lossy(&dec.stdout);
    let mut bodies = Vec::new();
    let mut lines = 0;
    for l in text.lines() {
        lines += 1;
        let v: serde_json::Value = serde_json::from_str(l).unwrap_or_default();
        if v["verified"] == true
            && let Some(body) = v["body"].as_str()
        {
            bodies.push(body.to_owned());
        }
    }
    let status = if dec.status.success() {
        "decrypt --verify exit 0".to_owned()
    } else {
        format!(
            "decrypt --verify {}: {}",
            dec.status,
            String::from_utf8_lossy(&dec.stderr)
                .lines()
                .next()
                .unwrap_or_default()
        )
    };
    (bodies, lines, status)
}

/// Result of one concurrent-senders run.
struct Burst {
    /// Relay (vsftpd) CPU seconds used by the burst's sessions.
    relay_cpu: f64,
    wall: Duration,
    sent: usize,
    failed: usize,
    per_send: Vec<Duration>,
}

impl Burst {
    fn rate(&self) -> f64 {
        self.sent as f64 / self.wall.as_secs_f64()
    }

    /// Relay CPU per message, and the relay's average share of all cores during the burst.
    fn relay_cpu_cell(&self) -> String {
        let cores = thread::available_parallelism().map_or(2, |n| n.get()) as f64;
        format!(
            "{:.1} ms ({:.0}% of {cores} cores)",
            self.relay_cpu * 1e3 / self.sent.max(1) as f64,
            self.relay_cpu * 100.0 / self.wall.as_secs_f64() / cores
        )
    }
}

/// `senders` threads, each running `per` sequential commands made by `make(sender, msg)`.
fn burst(
    b: &Bench,
    senders: usize,
    per: usize,
    make: &(dyn Fn(usize, usize) -> Command + Sync),
    what: &str,
) -> Burst {
    b.wait_sessions_gone(Duration::from_secs(10));
    let r0 = b.relay_cpu();
    let (wall, results) = concurrently(senders, |s| {
        let mut out = Vec::with_capacity(per);
        for m in 0..per {
            let (t, o) = run(&mut make(s, m), None, CMD_LIMIT, what);
            if !o.status.success() {
                eprintln!(
                    "{what} {s}/{m} failed ({}): {}",
                    o.status,
                    String::from_utf8_lossy(&o.stderr).trim()
                );
            }
            out.push((t, o.status.success()));
        }
        out
    });
    b.wait_sessions_gone(Duration::from_secs(10));
    let relay_cpu = b.cpu_between(&r0, &b.relay_cpu());
    let flat: Vec<(Duration, bool)> = results.into_iter().flatten().collect();
    Burst {
        relay_cpu,
        wall,
        sent: flat.len(),
        failed: flat.iter().filter(|(_, ok)| !ok).count(),
        per_send: sorted(flat.iter().map(|(t, _)| *t).collect()),
    }
}

fn part4_throughput(ctx: &Ctx) {
    let b = ctx.bench();
    let proxies = b.spread();
    let total = TP_SENDERS * TP_PER_SENDER;
    ctx.section(&format!(
        "4. Throughput: {TP_SENDERS} concurrent senders x {TP_PER_SENDER} messages, `ftpchat send` vs `curl --append` ({TP_ROUNDS} rounds, alternating)"
    ));
    let owner = Home::member(&b, None);
    let senders: Vec<Home> = (0..TP_SENDERS)
        .map(|_| Home::member(&b, Some(&owner)))
        .collect();
    let reader = Home::reader(&owner);
    let body = |r: usize, s: usize, m: usize| format!("tp r{r} s{s:03} m{m:02} {}", "x".repeat(60));
    let record = median_record(&b, &owner, &body(0, 0, 0), 30);
    let payload = owner.dir.path().join("record.txt");
    fs::write(&payload, record.as_bytes()).expect("write payload");

    let mut rows = Vec::new();
    let (mut f_sent, mut f_wall, mut c_sent, mut c_wall) = (0, Duration::ZERO, 0, Duration::ZERO);
    let mut lost_total = 0;
    let mut f_failed = 0;
    // One room (each sender's feed grows round after round) and one directory of curl files.
    let room = "bench/tp";
    let dir = "bench/tp-curl";
    b.mkdir(dir);
    for r in 0..TP_ROUNDS {
        // ftpchat: each sender its own identity (its own feed), a fresh process per message.
        let make = |s: usize, m: usize| {
            let mut c = senders[s].cmd(&b);
            let relay = b.relay_via(proxies[s % SPREAD].port, room);
            c.arg("send")
                .args(relay)
                .args(["--name", &format!("s{s:03}"), &body(r, s, m)]);
            c
        };
        let f = burst(&b, TP_SENDERS, TP_PER_SENDER, &make, "ftpchat send");
        let (bodies, lines, status) = room_contents(&b, &reader, room);
        let want: BTreeSet<String> = (0..TP_SENDERS)
            .flat_map(|s| (0..TP_PER_SENDER).map(move |m| (s, m)))
            .map(|(s, m)| body(r, s, m))
            .collect();
        let got: BTreeSet<String> = bodies.iter().cloned().collect();
        let lost = want.difference(&got).count();
        let dups = bodies.len() - got.len();
        lost_total += lost;
        f_failed += f.failed;
        rows.push(vec![
            format!("{}", r + 1),
            "ftpchat send".into(),
            f.sent.to_string(),
            f.failed.to_string(),
            secs(f.wall),
            format!("{:.1}", f.rate()),
            ms(pct(&f.per_send, 0.5)),
            ms(pct(&f.per_send, 0.99)),
            f.relay_cpu_cell(),
            format!(
                "{} verified of {lines} lines, {lost} lost, {dups} duplicates ({status})",
                got.len()
            ),
        ]);
        f_sent += f.sent;
        f_wall += f.wall;

        // curl: each sender appends to its own file, a fresh process per message.
        let make = |s: usize, _m: usize| {
            let mut c = Command::new("curl");
            c.args(["-sS", "--append", "-T"])
                .arg(&payload)
                .arg(b.curl_url_via(proxies[s % SPREAD].port, &format!("{dir}/s{s:03}.dat")));
            c
        };
        let c = burst(&b, TP_SENDERS, TP_PER_SENDER, &make, "curl --append");
        let appended: u64 = (0..TP_SENDERS)
            .map(|s| {
                fs::metadata(b.server.path(&format!("{dir}/s{s:03}.dat"))).map_or(0, |m| m.len())
            })
            .sum();
        let records = appended / record.len() as u64;
        let c_lost = ((r + 1) * total) as u64 - records;
        rows.push(vec![
            format!("{}", r + 1),
            "curl --append".into(),
            c.sent.to_string(),
            c.failed.to_string(),
            secs(c.wall),
            format!("{:.1}", c.rate()),
            ms(pct(&c.per_send, 0.5)),
            ms(pct(&c.per_send, 0.99)),
            c.relay_cpu_cell(),
            format!(
                "{appended} bytes in all = {records} records of {} B, {c_lost} lost",
                record.len()
            ),
        ]);
        c_sent += c.sent;
        c_wall += c.wall;
    }
    ctx.table(
        &[
            "round",
            "sender",
            "messages",
            "failed",
            "wall",
            "messages/s",
            "per message p50",
            "p99",
            "relay CPU per message",
            "on the relay",
        ],
        &rows,
    );
    let f_rate = f_sent as f64 / f_wall.as_secs_f64();
    let c_rate = c_sent as f64 / c_wall.as_secs_f64();
    let ratio = f_rate / c_rate;
    ctx.line(&format!(
        "All rounds: ftpchat {f_rate:.1} messages/s, curl {c_rate:.1} messages/s: ratio {ratio:.2}x{} (target >= 1.0x); ftpchat messages lost: {lost_total}{}.",
        check(ratio >= 1.0),
        check(lost_total == 0)
    ));
    ctx.line("");
    ctx.line("Each ftpchat sender has its own identity, so its own feed file; the room directory is created by the first sends (MKD); curl's directory exists beforehand. Every ftpchat message is checked by `pull --all | decrypt --verify --json` (verified, by body).");
    ctx.target(
        &format!(
            "throughput, {TP_SENDERS} concurrent senders x {TP_PER_SENDER}: ftpchat / curl rate"
        ),
        &format!("{ratio:.2}x ({f_rate:.1} / {c_rate:.1} messages/s)"),
        ">= 1.0x",
        Some(ratio >= 1.0),
    );
    ctx.target(
        &format!(
            "throughput: ftpchat messages lost ({} sent, `pull --all | decrypt --verify`)",
            TP_ROUNDS * total
        ),
        &format!("{lost_total} lost, {f_failed} sends failed"),
        "0 lost",
        Some(lost_total == 0),
    );
    ctx.keep(
        "tp-ftpchat",
        format!("{f_rate:.1} messages/s, {lost_total} lost"),
    );
}

// ---------------------------------------------------------------------------------------------
// 7. Footprint

/// Runs a watch under GNU time until `want` lines were printed (or `limit`), then SIGTERMs
/// it; returns (peak RSS KiB, lines, time to the lines).
fn watch_rss(
    b: &Bench,
    home: &Home,
    room: &str,
    extra: &[&str],
    want: usize,
    linger: Duration,
    limit: Duration,
) -> Option<(u64, usize, Duration)> {
    let report = home.dir.path().join("watch.time");
    let mut c = home.cmd_under(b, Some(&report));
    c.args(["watch", "--json"])
        .args(extra)
        .args(b.relay(room))
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let start = Instant::now();
    let mut time = c.spawn().expect("spawn time watch");
    let dog = Watchdog::arm(vec![time.id()], limit + Duration::from_secs(30));
    let stdout = time.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let mut n = 0usize;
        let mut r = BufReader::new(stdout);
        let mut line = Vec::new();
        while r.read_until(b'\n', &mut line).is_ok_and(|k| k > 0) {
            n += 1;
            line.clear();
            if tx.send(n).is_err() {
                break;
            }
        }
    });
    let deadline = start + limit;
    let mut lines = 0;
    let mut took = Duration::ZERO;
    while lines < want {
        match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(n) => {
                lines = n;
                took = start.elapsed();
            }
            Err(_) => break,
        }
    }
    thread::sleep(linger);
    signal("TERM", &sys::children_of(time.id()));
    let _ = wait_limited(time, Duration::from_secs(20));
    dog.disarm();
    Some((sys::max_rss_kb(&report)?, lines, took))
}

fn part7_footprint(ctx: &Ctx) {
    let b = ctx.bench();
    ctx.section("7. Footprint: peak RSS and binary size");
    let stripped = {
        let copy = ctx.tmp.path().join("ftpchat.stripped");
        let ok = Command::new("strip")
            .arg("-o")
            .arg(&copy)
            .arg(&ctx.bin)
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| fs::metadata(&copy).map_or(0, |m| m.len()))
    };
    ctx.line(&format!(
        "Binary `target/release/ftpchat`: {} bytes ({:.2} MB); after `strip`: {} (the release profile sets `strip = true`).",
        ctx.bin_size,
        ctx.bin_size as f64 / 1e6,
        stripped.map_or_else(|| "strip not available".into(), |s| format!("{s} bytes"))
    ));
    ctx.line("");
    ctx.keep("binary", format!("{:.2} MB", ctx.bin_size as f64 / 1e6));
    if ctx.gnu_time.is_none() {
        ctx.line(
            "GNU time (/usr/bin/time) is missing: peak RSS not measured (`apt-get install time`).",
        );
        return;
    }
    let owner = Home::member(&b, None);
    let room = "bench/rss";
    let mut rows = Vec::new();
    // send: 5 fresh processes.
    let mut send_rss = Vec::new();
    for i in 0..5 {
        let report = owner.dir.path().join(format!("send{i}.time"));
        let mut c = owner.cmd_under(&b, Some(&report));
        c.arg("send").args(b.relay(room)).args([
            "--name",
            "bench",
            &format!("rss {i} {}", "x".repeat(90)),
        ]);
        let (_, out) = run(&mut c, None, CMD_LIMIT, "time send");
        expect_success(&out, "send under time");
        send_rss.extend(sys::max_rss_kb(&report));
    }
    send_rss.sort_unstable();
    if let (Some(lo), Some(hi)) = (send_rss.first(), send_rss.last()) {
        rows.push(vec![
            "`send` (100-byte message)".into(),
            format!("{:.1} MiB", send_rss[send_rss.len() / 2] as f64 / 1024.0),
            format!(
                "{:.1}..{:.1} MiB over {} runs",
                *lo as f64 / 1024.0,
                *hi as f64 / 1024.0,
                send_rss.len()
            ),
        ]);
        ctx.keep(
            "rss-send",
            format!("{:.1} MiB", send_rss[send_rss.len() / 2] as f64 / 1024.0),
        );
    }
    // watch, idle in a small room.
    let reader = Home::reader(&owner);
    if let Some((kb, n, _)) = watch_rss(
        &b,
        &reader,
        room,
        &[],
        5,
        Duration::from_secs(5),
        Duration::from_secs(60),
    ) {
        rows.push(vec![
            "`watch`, 5 messages then idle 5 s".into(),
            format!("{:.1} MiB", kb as f64 / 1024.0),
            format!("{n} lines printed"),
        ]);
        ctx.keep("rss-watch", format!("{:.1} MiB", kb as f64 / 1024.0));
    }
    // watch catching up a 10,000-message room (sealed by the library), then idle 2 s.
    let room_key =
        ftpchat::protocol::keys::RoomKey::load(&owner.room_key()).expect("load room key");
    history::generate_room(&b, "bench/rss-10k", &room_key, 10, 1_000);
    let reader = Home::reader(&owner);
    if let Some((kb, n, took)) = watch_rss(
        &b,
        &reader,
        "bench/rss-10k",
        &[],
        10_000,
        Duration::from_secs(2),
        Duration::from_secs(120),
    ) {
        rows.push(vec![
            "`watch` joining a 10,000-message room (10 feeds), then idle 2 s".into(),
            format!("{:.1} MiB", kb as f64 / 1024.0),
            format!("{n} lines printed in {}", secs(took)),
        ]);
        ctx.keep("rss-watch-10k", format!("{:.1} MiB", kb as f64 / 1024.0));
        ctx.target(
            "peak RSS, `watch` joining a 10,000-message room",
            &format!("{:.1} MiB", kb as f64 / 1024.0),
            "<= 24 MiB",
            Some(kb as f64 / 1024.0 <= 24.0),
        );
    }
    ctx.table(&["process", "peak RSS (median)", "notes"], &rows);
    ctx.line("Peak RSS is `Maximum resident set size` from GNU `time -v`; `pull` and `decrypt` on the 100,000-message room are in part 6.");
}

// ---------------------------------------------------------------------------------------------
// 8. Crypto figures (cargo bench --bench crypto), and the side-by-side table

fn crypto_section(ctx: &Ctx) {
    let Some(path) = std::env::var_os("FTPCHAT_BENCH_CRYPTO_OUT") else {
        return;
    };
    ctx.section(
        "9. decrypt+verify vs the X25519 + Ed25519 floor (`cargo bench --bench crypto`, same run)",
    );
    let Ok(text) = fs::read_to_string(&path) else {
        ctx.line("The crypto bench output is missing.");
        ctx.target(
            "decrypt+verify / floor (X25519 DH + Ed25519 verify)",
            "not run",
            "<= 1.2x",
            None,
        );
        return;
    };
    // The table and the ratio lines, verbatim.
    let keep: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with("inputs:"))
        .take_while(|l| !l.starts_with("sanity"))
        .collect();
    ctx.line("```text");
    for l in &keep {
        ctx.line(l.trim_end());
    }
    ctx.line("```");
    let ratio = text.lines().find_map(|l| {
        let rest = l
            .trim()
            .strip_prefix("decrypt+verify (parse_line + open) / floor = ")?;
        rest.split('x').next()?.trim().parse::<f64>().ok()
    });
    let rate = text.lines().find_map(|l| {
        let rest = l.strip_prefix("decrypt+verify: parse_line + record::open")?;
        rest.split_whitespace().nth(4)?.parse::<f64>().ok()
    });
    let floor = text.lines().find_map(|l| {
        let rest = l.strip_prefix("floor: X25519 DH + Ed25519 verify_strict 300B")?;
        rest.split_whitespace().nth(4)?.parse::<f64>().ok()
    });
    match ratio {
        Some(r) => {
            ctx.target(
                "decrypt+verify / floor (X25519 DH + Ed25519 verify), one core",
                &format!(
                    "{r:.2}x ({} vs {} records/s)",
                    rate.map_or_else(|| "?".into(), |v| format!("{v:.0}")),
                    floor.map_or_else(|| "?".into(), |v| format!("{v:.0}"))
                ),
                "<= 1.2x",
                Some(r <= 1.2),
            );
            if let Some(v) = rate {
                ctx.keep("crypto-rate", format!("{v:.0} records/s"));
            }
        }
        None => ctx.target(
            "decrypt+verify / floor (X25519 DH + Ed25519 verify)",
            "ratio line not found",
            "<= 1.2x",
            None,
        ),
    }
}

/// Figures without a target, from the parts, for the table at the top.
fn summary_figures(ctx: &Ctx) {
    let rows = [
        (
            "messages lost, 20 concurrent writers x 10: ftpchat `send`",
            "loss-ftpchat",
        ),
        (
            "messages lost, 20 concurrent writers x 10: the app's APPE",
            "loss-appe",
        ),
        (
            "messages lost, 20 concurrent writers x 10: the app's RETR+STOR fallback",
            "loss-stor",
        ),
        (
            "delivery latency, the app's reader (5 s polls), 1 reader",
            "legacy-lat-1",
        ),
        (
            "delivery latency, the app's readers (5 s polls), 20 readers",
            "legacy-lat-20",
        ),
        (
            "decode rate, the app (PBKDF2 per message, Python)",
            "decode-legacy-pbkdf2",
        ),
        (
            "decode rate, `ftpchat decrypt --verify` of its records (part 6, 100k room)",
            "decode-ftpchat",
        ),
        ("peak RSS, `send`", "rss-send"),
        ("peak RSS, `watch` (small room, idle)", "rss-watch"),
        ("binary size (stripped release)", "binary"),
    ];
    for (label, key) in rows {
        let v = ctx.kept(key);
        if v != "n/a" {
            ctx.figure(label, &v);
        }
    }
}

fn comparison_section(ctx: &Ctx) {
    ctx.section("Side by side: ftpchat and the original app's protocol");
    let k = |key: &str| ctx.kept(key);
    let rows = vec![
        vec![
            "messages lost, 20 concurrent writers x 10".into(),
            k("loss-ftpchat"),
            format!(
                "APPE: {}; RETR+STOR fallback: {}",
                k("loss-appe"),
                k("loss-stor")
            ),
        ],
        vec![
            "send rate, 20 concurrent writers x 10".into(),
            k("rate-ftpchat"),
            format!("APPE: {}; RETR+STOR: {}", k("rate-appe"), k("rate-stor")),
        ],
        vec![
            "relay CPU per message sent, 20 concurrent writers".into(),
            k("relay-cpu-ftpchat"),
            format!(
                "APPE: {}; RETR+STOR: {}",
                k("relay-cpu-appe"),
                k("relay-cpu-stor")
            ),
        ],
        vec![
            "delivery latency, 1 reader".into(),
            k("lat-1"),
            k("legacy-lat-1"),
        ],
        vec![
            "delivery latency, 20 readers".into(),
            k("lat-20"),
            k("legacy-lat-20"),
        ],
        vec![
            "relay CPU per idle reader".into(),
            format!(
                "1: {}; 20: {}; 50: {}",
                k("cpu-1"),
                k("cpu-20"),
                k("cpu-50")
            ),
            format!("1: {}; 20: {}", k("legacy-cpu-1"), k("legacy-cpu-20")),
        ],
        vec![
            "idle poll".into(),
            format!(
                "1 feed: {}; 100 feeds: {}",
                k("poll-ftpchat-1"),
                k("poll-ftpchat-100")
            ),
            k("poll-legacy"),
        ],
        vec![
            "decode rate".into(),
            format!(
                "`decrypt --verify` (2 cores): {}; in-process, one core: {}",
                k("decode-ftpchat"),
                k("crypto-rate")
            ),
            format!(
                "app (PBKDF2 per message): {}; key derived once: {}; ftpchat reading legacy lines: {}",
                k("decode-legacy-pbkdf2"),
                k("decode-legacy-once"),
                k("decode-legacy-ftpchat")
            ),
        ],
        vec![
            "sender authentication, history integrity".into(),
            "Ed25519 per record, hash chain per feed".into(),
            "none (anyone with the passphrase writes any name); fixed public salt".into(),
        ],
    ];
    ctx.table(&["figure", "ftpchat", "original app protocol"], &rows);
}
