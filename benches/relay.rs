//! Relay figures for the release `ftpchat` binary against one real vsftpd (plain FTP) on
//! 127.0.0.1, in one run:
//!
//! 1. wall time of `ftpchat send` against `curl --append` of a record of the same size
//!    (fresh process each, interleaved);
//! 2. send-to-watch delivery latency with 1 and 20 `ftpchat watch --json` processes;
//! 3. FTP commands the relay receives per idle `watch` poll (from vsftpd's protocol log);
//! 4. `ftpchat pull --all | ftpchat decrypt --verify` of a 10,000-message room.
//!
//! Prints figures and the targets beside them; asserts nothing about timing. Percentiles
//! are nearest-rank. Every loop is bounded in count and time; all traffic goes to 127.0.0.1.
//!
//! Run: `cargo bench --bench relay` (needs vsftpd and curl installed, and root: the test
//! support creates a local account for vsftpd).

#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a benchmark prints its figures"
)]

#[path = "../tests/support/mod.rs"]
mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::mpsc;
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
/// Idle window of part 3 (room with a feed).
const IDLE_WINDOW: Duration = Duration::from_secs(5);
/// Idle window of part 3 (room without any feed yet).
const EMPTY_IDLE_WINDOW: Duration = Duration::from_secs(3);
/// Writers and messages per writer of part 4.
const WRITERS: usize = 10;
const PER_WRITER: usize = 1_000;
/// Timed `pull --all | decrypt --verify` runs of part 4.
const PULL_RUNS: usize = 3;
/// `watch` defaults (see `ftpchat watch --help`), for the idle poll schedule.
const POLL_MIN: f64 = 0.1;
const POLL_MAX: f64 = 1.0;
/// Limit for any single short command (keygen, send, curl, push...).
const CMD_LIMIT: Duration = Duration::from_secs(60);

fn main() {
    let started = Instant::now();
    let bin = ftpchat_binary();
    let Some(server) = support::vsftpd() else {
        eprintln!(
            "relay bench: vsftpd is not available (install it, e.g. with scripts/test, and run as root)"
        );
        std::process::exit(1);
    };
    let b = Bench { bin, server };
    header(&b);
    part1_send_vs_curl(&b);
    println!("   (load average now {})", loadavg());
    part2_latency(&b);
    println!("   (load average now {})", loadavg());
    part3_idle_polls(&b);
    println!("   (load average now {})", loadavg());
    part4_pull_decrypt(&b);
    println!();
    println!(
        "total bench time {:.1} s; load average at end: {}",
        started.elapsed().as_secs_f64(),
        loadavg()
    );
}

// ---------------------------------------------------------------------------------------------
// Setup

struct Bench {
    bin: PathBuf,
    server: support::FtpServer,
}

impl Bench {
    /// `--relay URL --room ROOM`.
    fn relay(&self, room: &str) -> [String; 4] {
        [
            "--relay".into(),
            self.server.url("/"),
            "--room".into(),
            room.into(),
        ]
    }

    /// The commands vsftpd logged so far.
    fn commands(&self) -> Vec<String> {
        self.server.commands()
    }
}

/// The release binary next to this bench executable: `target/release/deps/relay-HASH` ->
/// `target/release/ftpchat`. Builds it when missing.
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
        .and_then(|child| wait_limited(child, Duration::from_secs(600)))
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

    fn copy_room_key(&self, owner: &Home) {
        let config = self.config();
        fs::create_dir_all(&config).expect("config dir");
        fs::set_permissions(&config, fs::Permissions::from_mode(0o700)).expect("chmod config");
        let to = config.join("room.key");
        fs::copy(owner.config().join("room.key"), &to).expect("copy room key");
        fs::set_permissions(&to, fs::Permissions::from_mode(0o600)).expect("chmod room key");
    }

    /// `ftpchat` as this home, with a clean environment and the relay password.
    fn cmd(&self, b: &Bench) -> Command {
        let mut c = Command::new(&b.bin);
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

    /// `ftpchat send --name bench BODY` to `room`.
    fn send(&self, b: &Bench, room: &str, body: &str) -> (Duration, Output) {
        let mut c = self.cmd(b);
        c.arg("send")
            .args(b.relay(room))
            .args(["--name", "bench", body]);
        run(&mut c, None, CMD_LIMIT, "ftpchat send")
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

/// Long-running `ftpchat watch` processes; stopped with SIGTERM (then SIGKILL) when dropped.
struct Watchers {
    children: Vec<Child>,
}

impl Watchers {
    /// Stops every watcher; returns how many did not exit with 130 (interrupted, state saved).
    fn stop(&mut self) -> usize {
        let pids: Vec<u32> = self.children.iter().map(Child::id).collect();
        signal("TERM", &pids);
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
            if st.and_then(|s| s.code()) != Some(130) {
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

/// One JSON line printed by a watcher, stamped on receipt.
struct Seen {
    watcher: usize,
    body: String,
    verified: bool,
    at: SystemTime,
}

/// Starts `ftpchat watch --json EXTRA` for each home; their lines arrive on the channel.
fn start_watchers(
    b: &Bench,
    homes: &[Home],
    room: &str,
    extra: &[&str],
) -> (Watchers, mpsc::Receiver<Seen>) {
    let (tx, rx) = mpsc::channel();
    let mut children = Vec::new();
    for (i, h) in homes.iter().enumerate() {
        let stderr = fs::File::create(h.dir.path().join("watch.stderr")).expect("stderr file");
        let mut child = h
            .cmd(b)
            .args(["watch", "--json"])
            .args(extra)
            .args(b.relay(room))
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("spawn ftpchat watch");
        let stdout = child.stdout.take().expect("watch stdout");
        children.push(child);
        let tx = tx.clone();
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let at = SystemTime::now();
                let v: serde_json::Value = serde_json::from_str(&line).unwrap_or_default();
                let seen = Seen {
                    watcher: i,
                    body: v["body"].as_str().unwrap_or_default().to_owned(),
                    verified: v["verified"] == true,
                    at,
                };
                if tx.send(seen).is_err() {
                    break;
                }
            }
        });
    }
    (Watchers { children }, rx)
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

fn header(b: &Bench) {
    let cpu = fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, m)| m.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".into());
    let nproc = thread::available_parallelism().map_or(0, |n| n.get());
    let built = fs::metadata(&b.bin)
        .and_then(|m| m.modified())
        .ok()
        .map(|t| {
            chrono::DateTime::<chrono::Utc>::from(t)
                .format("%Y-%m-%d %H:%M:%S UTC")
                .to_string()
        })
        .unwrap_or_default();
    let curl = command_output("curl", &["--version"]);
    println!("ftpchat relay bench");
    println!(
        "date      {}",
        chrono::Utc::now().format("%Y-%m-%d %H:%M:%S UTC")
    );
    println!("machine   nproc {nproc}, {cpu}, load average {}", loadavg());
    println!(
        "vsftpd    {} (plain FTP, 127.0.0.1:{})",
        command_output("dpkg-query", &["-W", "vsftpd"]).replace('\t', " "),
        b.server.port
    );
    println!("curl      {}", curl.lines().next().unwrap_or("unknown"));
    println!("rustc     {}", command_output("rustc", &["--version"]));
    println!(
        "ftpchat   {} ({}, built {built})",
        command_output(&b.bin.to_string_lossy(), &["--version"]),
        b.bin.display()
    );
    println!("percentiles are nearest-rank; times are wall clock");
}

// ---------------------------------------------------------------------------------------------
// 1. send vs curl --append

fn part1_send_vs_curl(b: &Bench) {
    let room = "bench/send";
    println!();
    println!(
        "1. ftpchat send vs curl --append ({SEND_RUNS} runs each, fresh process each, interleaved A,B,A,B)"
    );
    let sender = Home::member(b, None);
    let other = Home::member(b, Some(&sender));
    let body = |i: usize| {
        let head = format!("send {i:03} ");
        format!("{head}{}", "x".repeat(SEND_BODY_LEN - head.len()))
    };
    // Warm-up (creates the room directory and the feed; not timed).
    let (_, out) = sender.send(b, room, &body(0));
    expect_success(&out, "warm-up send");

    // curl's payload: a record of the same body, name and seq range from another identity.
    // Record lengths vary by ~100 bytes (age adds a random "grease" stanza), so take the
    // record of median length among SEND_RUNS made in one `encrypt --lines`.
    let lines: String = (0..SEND_RUNS).map(|_| format!("{}\n", body(0))).collect();
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
    let record = records.swap_remove(records.len() / 2);
    let payload = other.dir.path().join("record.txt");
    fs::write(&payload, record.as_bytes()).expect("write payload");
    let curl_url = format!(
        "ftp://{}:{}@127.0.0.1:{}/{room}/curl-append.dat",
        b.server.user, b.server.password, b.server.port
    );
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
    for i in 1..=SEND_RUNS {
        let c0 = b.commands().len();
        let (t, out) = sender.send(b, room, &body(i));
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
    let curl_dat = fs::metadata(feed_dir.join("curl-append.dat"))
        .map(|m| m.len())
        .unwrap_or(0);
    println!(
        "   bytes per upload: send record mean {mean_send_bytes} (min {}, max {}, {} feed lines), curl payload {} ({} bytes appended in all)",
        send_bytes.iter().min().copied().unwrap_or(0),
        send_bytes.iter().max().copied().unwrap_or(0),
        send_bytes.len(),
        record.len(),
        curl_dat
    );
    let s = sorted(send_t);
    let c = sorted(curl_t);
    println!(
        "   {:<15} {:>9} {:>9} {:>9} {:>9}  failures",
        "", "median", "p90", "min", "max"
    );
    for (name, v, fails) in [
        ("ftpchat send", &s, send_fail),
        ("curl --append", &c, curl_fail),
    ] {
        println!(
            "   {:<15} {:>9} {:>9} {:>9} {:>9}  {fails}",
            name,
            ms(pct(v, 0.5)),
            ms(pct(v, 0.9)),
            ms(v[0]),
            ms(v[v.len() - 1]),
        );
    }
    println!(
        "   ratio send/curl: median {:.2}x, p90 {:.2}x   (target <= 1.3x)",
        pct(&s, 0.5).as_secs_f64() / pct(&c, 0.5).as_secs_f64(),
        pct(&s, 0.9).as_secs_f64() / pct(&c, 0.9).as_secs_f64()
    );
    for (name, seqs) in [("send", &send_cmds), ("curl", &curl_cmds)] {
        let (seq, n) = usual_sequence(seqs);
        println!(
            "   FTP commands per {name}: {} [{seq}] ({n} of {} runs)",
            seq.split_whitespace().count(),
            seqs.len()
        );
    }
}

// ---------------------------------------------------------------------------------------------
// 2. Delivery latency

fn part2_latency(b: &Bench) {
    println!();
    println!(
        "2. delivery latency send -> watch --json ({LAT_MESSAGES} messages, {}-{} ms apart; lost = not shown within {}s)",
        LAT_SPACING_MS.0,
        LAT_SPACING_MS.1,
        LOST_AFTER.as_secs()
    );
    println!(
        "   {:<8} {:<20} {:>6} {:>9} {:>9} {:>9} {:>9}  {:>4}  {:>11}  notes",
        "watchers", "poll bounds", "pairs", "p50", "p90", "p99", "max", "lost", "send p50"
    );
    for (watchers, poll_max) in [(1, None), (20, None), (1, Some("0.25")), (20, Some("0.25"))] {
        latency_run(b, watchers, poll_max);
    }
}

fn latency_run(b: &Bench, n_watchers: usize, poll_max: Option<&str>) {
    let label = format!("w{n_watchers}-{}", poll_max.unwrap_or("default"));
    let room = format!("bench/lat-{label}");
    let sender = Home::member(b, None);
    let homes: Vec<Home> = (0..n_watchers).map(|_| Home::reader(&sender)).collect();
    let (_, out) = sender.send(b, &room, "ready");
    expect_success(&out, "seed send");
    let extra: Vec<&str> = poll_max.map(|p| vec!["--poll-max", p]).unwrap_or_default();
    let (mut watchers, rx) = start_watchers(b, &homes, &room, &extra);
    if !wait_all_printed(&rx, n_watchers, "ready", Duration::from_secs(30)) {
        println!("   {label}: not every watcher showed the seed message within 30 s; skipped");
        return;
    }
    // Let the watchers back off from the seed's activity to their idle interval.
    thread::sleep(Duration::from_millis(1500));

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
        let (t, out) = sender.send(b, &room, &format!("lat {i} {nanos}"));
        if !out.status.success() {
            send_fail += 1;
        }
        send_times.push(t);
        sent.push(at);
        thread::sleep(spacing.saturating_sub(start.elapsed()));
    }
    let last_sent = *sent.last().expect("sent");

    // Collect until every pair arrived or the last message is LOST_AFTER old.
    let expected = n_watchers * LAT_MESSAGES;
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
        let deadline = last_sent + LOST_AFTER;
        let Ok(left) = deadline.duration_since(SystemTime::now()) else {
            break;
        };
        if let Ok(s) = rx.recv_timeout(left) {
            handle(s, &mut got);
        }
    }
    let odd_exits = watchers.stop();
    // Lines that were already in the pipe when the watchers stopped.
    while let Ok(s) = rx.try_recv() {
        handle(s, &mut got);
    }
    let in_time: Vec<Duration> = got.values().copied().filter(|l| *l <= LOST_AFTER).collect();
    let lost = expected - in_time.len();
    let l = sorted(in_time);
    let mut notes = Vec::new();
    if dups > 0 {
        notes.push(format!("{dups} DUPLICATES"));
    }
    if unverified > 0 {
        notes.push(format!("{unverified} unverified"));
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
    let warned = homes
        .iter()
        .filter(|h| {
            fs::read_to_string(h.dir.path().join("watch.stderr"))
                .is_ok_and(|s| !s.trim().is_empty())
        })
        .count();
    if warned > 0 {
        notes.push(format!("{warned} watchers wrote to stderr"));
    }
    let bounds = format!("{POLL_MIN}..{} s", poll_max.unwrap_or("1.0"));
    println!(
        "   {:<8} {:<20} {:>6} {:>9} {:>9} {:>9} {:>9}  {:>4}  {:>11}  {}",
        n_watchers,
        bounds,
        l.len(),
        ms(pct(&l, 0.5)),
        ms(pct(&l, 0.9)),
        ms(pct(&l, 0.99)),
        ms(l.last().copied().unwrap_or_default()),
        lost,
        ms(pct(&sorted(send_times), 0.5)),
        notes.join("; ")
    );
}

// ---------------------------------------------------------------------------------------------
// 3. Commands per idle poll

fn part3_idle_polls(b: &Bench) {
    println!();
    println!(
        "3. FTP commands per idle poll of one `ftpchat watch` (default poll bounds {POLL_MIN}..{POLL_MAX} s; polls = STAT commands)"
    );
    let owner = Home::member(b, None);
    let room = "bench/idle";
    let (_, out) = owner.send(b, room, "seed");
    expect_success(&out, "seed send");
    idle_window(
        b,
        &owner,
        room,
        Some("seed"),
        IDLE_WINDOW,
        "room with a feed",
    );
    idle_window(
        b,
        &owner,
        "bench/idle-empty",
        None,
        EMPTY_IDLE_WINDOW,
        "room with no feed yet",
    );
    println!("   target: 1 command per idle poll");
}

/// Counts the relay's commands during `window` of an idle watch, starting right after its
/// first poll (the one that printed `seed`, or, for an empty room, the first STAT).
fn idle_window(
    b: &Bench,
    owner: &Home,
    room: &str,
    seed: Option<&str>,
    window: Duration,
    what: &str,
) {
    let home = Home::reader(owner);
    let homes = [home];
    let before = b.commands().len();
    let (mut watchers, rx) = start_watchers(b, &homes, room, &[]);
    let ready = match seed {
        Some(body) => wait_all_printed(&rx, 1, body, Duration::from_secs(20)),
        None => {
            let deadline = Instant::now() + Duration::from_secs(20);
            let stat = format!("STAT {room}");
            loop {
                if b.commands()[before..].contains(&stat) {
                    break true;
                }
                if Instant::now() >= deadline {
                    break false;
                }
                thread::sleep(Duration::from_millis(5));
            }
        }
    };
    if !ready {
        println!("   {what}: the watcher did not complete a first poll within 20 s; skipped");
        return;
    }
    let t0 = Instant::now();
    let c0 = b.commands().len();
    thread::sleep(window);
    let cmds = b.commands();
    let elapsed = t0.elapsed();
    let first_poll: Vec<String> = verbs(&cmds[before..c0]);
    let in_window = &cmds[c0..];
    let odd = watchers.stop();
    let mut by_verb: BTreeMap<String, usize> = BTreeMap::new();
    for v in verbs(in_window) {
        *by_verb.entry(v).or_default() += 1;
    }
    let polls = by_verb.get("STAT").copied().unwrap_or(0);
    let per_poll = |n: usize| n as f64 / polls.max(1) as f64;
    let breakdown: Vec<String> = by_verb
        .iter()
        .map(|(v, n)| format!("{v} {:.2}", per_poll(*n)))
        .collect();
    println!(
        "   {what}: {} commands in {:.2} s over {polls} polls (the backoff schedule predicts ~{}) = {:.2} commands/poll [{}]{}",
        in_window.len(),
        elapsed.as_secs_f64(),
        predicted_polls(elapsed.as_secs_f64()),
        per_poll(in_window.len()),
        breakdown.join(", "),
        if odd > 0 {
            "; watcher did not exit 130"
        } else {
            ""
        }
    );
    println!(
        "      connect + first poll: {} commands [{}]",
        first_poll.len(),
        first_poll.join(" ")
    );
}

/// Polls `watch` makes in `secs` after an active poll: intervals 0.1 s, x1.5 each, capped at
/// 1 s (poll time itself ignored).
fn predicted_polls(secs: f64) -> usize {
    let (mut t, mut interval, mut n) = (0.0, POLL_MIN, 0);
    while n < 10_000 {
        t += interval;
        if t > secs {
            break;
        }
        n += 1;
        interval = (interval * 1.5).min(POLL_MAX);
    }
    n
}

// ---------------------------------------------------------------------------------------------
// 4. pull --all | decrypt --verify of a 10,000-message room

fn part4_pull_decrypt(b: &Bench) {
    let room = "bench/big";
    let total = WRITERS * PER_WRITER;
    println!();
    println!(
        "4. pull --all | decrypt --verify of a {total}-message room ({WRITERS} writers x {PER_WRITER})"
    );
    let owner = Home::member(b, None);
    let writers: Vec<Home> = (0..WRITERS)
        .map(|_| Home::member(b, Some(&owner)))
        .collect();
    // All writers encrypt at once: `encrypt` syncs its journal to disk for every record, so
    // it is bound by fsync latency, and concurrent writers overlap their waits.
    let enc_start = Instant::now();
    let encrypted: Vec<(Duration, Output)> = thread::scope(|scope| {
        let jobs: Vec<_> = writers
            .iter()
            .enumerate()
            .map(|(w, writer)| {
                let input: String = (0..PER_WRITER)
                    .map(|i| {
                        format!(
                            "writer {w:02} message {i:04} the quick brown fox jumps over the lazy dog\n"
                        )
                    })
                    .collect();
                let name = format!("w{w:02}");
                let mut cmd = writer.cmd(b);
                cmd.args(["encrypt", "--lines", "--name", &name]);
                scope.spawn(move || {
                    run(
                        &mut cmd,
                        Some(input.into_bytes()),
                        CMD_LIMIT,
                        "encrypt --lines",
                    )
                })
            })
            .collect();
        jobs.into_iter()
            .map(|j| j.join().expect("encrypt thread"))
            .collect()
    });
    let enc_wall = enc_start.elapsed();
    let enc_each = sorted(encrypted.iter().map(|(t, _)| *t).collect());
    let mut push_t = Duration::ZERO;
    let mut record_bytes = 0;
    for (writer, (_, out)) in writers.iter().zip(encrypted) {
        expect_success(&out, "encrypt --lines");
        let records = out.stdout;
        record_bytes += records.len();
        let n = records.iter().filter(|&&c| c == b'\n').count();
        assert_eq!(n, PER_WRITER, "encrypt --lines made {n} records");
        let (t, out) = run(
            writer.cmd(b).arg("push").args(b.relay(room)),
            Some(records),
            CMD_LIMIT,
            "push",
        );
        expect_success(&out, "push");
        push_t += t;
    }
    println!(
        "   setup: {WRITERS} concurrent encrypt --lines of {PER_WRITER} in {:.2} s wall (each {:.2}..{:.2} s, i.e. {:.2}..{:.2} ms/record); push {:.2} s in all; {:.1} MB of records",
        enc_wall.as_secs_f64(),
        enc_each[0].as_secs_f64(),
        enc_each[enc_each.len() - 1].as_secs_f64(),
        enc_each[0].as_secs_f64() * 1e3 / PER_WRITER as f64,
        enc_each[enc_each.len() - 1].as_secs_f64() * 1e3 / PER_WRITER as f64,
        push_t.as_secs_f64(),
        record_bytes as f64 / 1e6
    );

    let reader = Home::reader(&owner);
    let mut times = Vec::new();
    for r in 1..=PULL_RUNS {
        let (t, lines, note) = pull_decrypt(b, &reader, room);
        println!(
            "   run {r}: {:.3} s wall, {lines} lines{}",
            t.as_secs_f64(),
            if note.is_empty() {
                String::new()
            } else {
                format!(" ({note})")
            }
        );
        times.push(t);
    }
    let t = sorted(times);
    println!(
        "   pull --all | decrypt --verify: median {:.3} s (min {:.3}, max {:.3})   (target <= 2 s)",
        pct(&t, 0.5).as_secs_f64(),
        t[0].as_secs_f64(),
        t[t.len() - 1].as_secs_f64()
    );

    // The two halves alone, to see where the time goes.
    let (pull_t, out) = run(
        reader.cmd(b).args(["pull", "--all"]).args(b.relay(room)),
        None,
        CMD_LIMIT,
        "pull --all",
    );
    expect_success(&out, "pull --all");
    let (dec_t, dec) = run(
        reader.cmd(b).args(["decrypt", "--verify"]),
        Some(out.stdout),
        CMD_LIMIT,
        "decrypt --verify",
    );
    expect_success(&dec, "decrypt --verify");
    println!(
        "   alone: pull --all {:.3} s, decrypt --verify {:.3} s from memory ({:.0} us/record, one thread)",
        pull_t.as_secs_f64(),
        dec_t.as_secs_f64(),
        dec_t.as_secs_f64() * 1e6 / total as f64
    );
}

/// One timed `pull --all | decrypt --verify`: wall time from spawning pull until both exited,
/// lines decrypt printed, and anything odd.
fn pull_decrypt(b: &Bench, reader: &Home, room: &str) -> (Duration, usize, String) {
    let start = Instant::now();
    let mut pull = reader
        .cmd(b)
        .args(["pull", "--all"])
        .args(b.relay(room))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn pull");
    let pipe = pull.stdout.take().expect("pull stdout");
    let mut dec = reader
        .cmd(b)
        .args(["decrypt", "--verify"])
        .stdin(Stdio::from(pipe))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn decrypt");
    let dog = Watchdog::arm(vec![pull.id(), dec.id()], Duration::from_secs(120));
    let stderr_of = |child: &mut Child| {
        let mut e = child.stderr.take().expect("stderr");
        thread::spawn(move || {
            let mut s = String::new();
            let _ = e.read_to_string(&mut s);
            s
        })
    };
    let pull_err = stderr_of(&mut pull);
    let dec_err = stderr_of(&mut dec);
    let mut out = dec.stdout.take().expect("decrypt stdout");
    let mut lines = 0;
    let mut buf = vec![0u8; 64 * 1024];
    while let Ok(n) = out.read(&mut buf) {
        if n == 0 {
            break;
        }
        lines += buf[..n].iter().filter(|&&c| c == b'\n').count();
    }
    let pull_st = pull.wait().expect("wait pull");
    let dec_st = dec.wait().expect("wait decrypt");
    let took = start.elapsed();
    let killed = dog.disarm();
    let mut notes = Vec::new();
    if killed {
        notes.push("KILLED after 120 s".to_owned());
    }
    for (name, st, err) in [("pull", pull_st, pull_err), ("decrypt", dec_st, dec_err)] {
        let err = err.join().unwrap_or_default();
        if !st.success() {
            notes.push(format!("{name} exited {st}: {}", err.trim()));
        } else if !err.trim().is_empty() {
            notes.push(format!("{name} stderr: {}", err.trim()));
        }
    }
    (took, lines, notes.join("; "))
}
