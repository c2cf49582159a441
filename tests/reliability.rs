//! Reliability (issue #6): many concurrent writers on the embedded relay and on vsftpd,
//! senders and live watchers through a schedule of network faults and a relay restart,
//! and a relay whose disk is full. Each test prints its figures (counts, durations, the
//! fault schedule) on stderr: run with `--nocapture` to see them.
//!
//! The heavy tests (100 writer processes; faults with timeouts of 1-2 s) take a shared lock
//! so they never load the machine at the same time as each other. The fault schedule's
//! random moments and sizes come from a seed that is printed; `RELIABILITY_SEED=N` replays
//! one. Needs root for the tmpfs of the disk-full test (skipped without, except in CI).

#![allow(
    clippy::print_stderr,
    reason = "tests report figures, progress and skips on stderr"
)]

mod common;
mod support;
#[path = "common/target.rs"]
mod target;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Write};
use std::net::SocketAddr;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use common::{Home, ok};
use serde_json::Value;
use support::FaultProxy;
use target::{Target, start_embedded};

/// Serialises the heavy tests of this file.
static HEAVY: Mutex<()> = Mutex::new(());

fn heavy() -> std::sync::MutexGuard<'static, ()> {
    HEAVY.lock().unwrap_or_else(PoisonError::into_inner)
}

fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("ftpchat")
}

/// A member of the room: its own identity, the room key of `owner`.
fn member(owner: &Home) -> Home {
    let h = Home::new();
    let out = h.cmd().arg("keygen").output().expect("keygen");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::copy(owner.config().join("room.key"), h.config().join("room.key")).expect("share");
    h
}

/// `ftpchat` as `home` (clean environment, like `Home::cmd`) as a std command.
fn std_cmd(home: &Home, password: &str) -> Command {
    in_home(Command::new(bin()), home, password)
}

/// `program` with the environment of `Home::cmd` plus the relay password.
fn in_home(mut c: Command, home: &Home, password: &str) -> Command {
    c.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home.path())
        .env("FTPCHAT_HOME", home.config())
        .env("FTPCHAT_PASSWORD", password)
        .env("USER", "tester")
        .env("TZ", "UTC");
    c
}

/// Parsed `--json` message lines.
fn messages(s: &str) -> Vec<Value> {
    s.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("json line {l:?}: {e}")))
        .collect()
}

fn body(v: &Value) -> Option<String> {
    v["body"].as_str().map(str::to_string)
}

/// `pull --all | decrypt --verify --json` (both must exit 0), as `reader`.
fn audit(reader: &Home, url: &str, password: &str, room: &str) -> Vec<Value> {
    let all = ok(
        reader
            .cmd()
            .args(["pull", "--all", "--relay", url, "--room", room])
            .env("FTPCHAT_PASSWORD", password)
            .output()
            .expect("pull"),
        "pull --all",
    );
    messages(&ok(
        reader
            .cmd()
            .args(["decrypt", "--verify", "--json"])
            .write_stdin(all)
            .output()
            .expect("decrypt"),
        "decrypt --verify",
    ))
}

/// Counts of each body: (missing, duplicated, unexpected) against `expected`.
fn tally(
    got: &[String],
    expected: &BTreeSet<String>,
) -> (Vec<String>, Vec<(String, usize)>, Vec<String>) {
    let mut count: BTreeMap<&str, usize> = BTreeMap::new();
    for b in got {
        *count.entry(b).or_default() += 1;
    }
    let missing = expected
        .iter()
        .filter(|b| !count.contains_key(b.as_str()))
        .cloned()
        .collect();
    let dup = count
        .iter()
        .filter(|(_, n)| **n > 1)
        .map(|(b, n)| (b.to_string(), *n))
        .collect();
    let extra = count
        .keys()
        .filter(|b| !expected.contains(**b))
        .map(|b| b.to_string())
        .collect();
    (missing, dup, extra)
}

fn secs(d: Duration) -> String {
    format!("{:.2}s", d.as_secs_f64())
}

/// Small deterministic generator for the fault schedule (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Uniform in [lo, hi).
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo)
    }

    /// Uniform in [lo, hi) seconds.
    fn secs(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (self.next() >> 11) as f64 / (1u64 << 53) as f64 * (hi - lo)
    }
}

/// Waits for `child` until `deadline`; kills it past that. None when it had to be killed.
fn wait_until(child: &mut Child, deadline: Instant) -> Option<std::process::ExitStatus> {
    loop {
        match child.try_wait() {
            Ok(Some(st)) => return Some(st),
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => panic!("wait: {e}"),
        }
    }
}

/// Kills a child started with `process_group(0)` and everything it started.
fn kill_group(c: &mut Child) {
    let _ = Command::new("kill")
        .args(["-KILL", "--", &format!("-{}", c.id())])
        .stderr(Stdio::null())
        .status();
    let _ = c.kill();
    let _ = c.wait();
}

/// Writer shells; whatever is still running when this is dropped (a failed test) is killed
/// with everything it started.
struct Writers(Vec<(usize, Child)>);

impl Drop for Writers {
    fn drop(&mut self) {
        for (_, c) in &mut self.0 {
            kill_group(c);
        }
    }
}

// ----- 1. 100 writers x 10 messages -----

const WRITERS: usize = 100;
const PER_WRITER: usize = 10;
/// Writer processes running at once. All 100 start together (no cap is needed): on the
/// 2-core test machine the 1000 sends take about 13 s on the embedded relay and 47 s on
/// vsftpd, where each login costs about 54 ms of CPU in PAM (yescrypt password hash).
const CONCURRENCY: usize = 100;
/// Bound for all the writers of one relay.
const WRITERS_DEADLINE: Duration = Duration::from_secs(120);

fn hundred_writers(t: &Target) {
    let started = Instant::now();
    let owner = Home::new();
    owner.keys();
    let homes: Vec<Home> = (0..WRITERS).map(|_| member(&owner)).collect();
    let setup = started.elapsed();
    let room = "load";
    // Each writer: one `sh -c` loop of 10 `ftpchat send`, recording each exit status.
    let script = r#"i=0
while [ "$i" -lt "$COUNT" ]; do
  "$FTPCHAT_BIN" send --relay "$URL" --room "$ROOM" --name "$NAME" "$NAME-m$i" 2>>"$HOME/send.err"
  echo "$i $?" >> "$HOME/status"
  i=$((i + 1))
done"#;
    let spawn = |k: usize| -> Child {
        let home = &homes[k];
        in_home(Command::new("sh"), home, &t.password)
            .env("FTPCHAT_BIN", bin())
            .env("URL", &t.url)
            .env("ROOM", room)
            .env("NAME", format!("w{k:03}"))
            .env("COUNT", PER_WRITER.to_string())
            .args(["-c", script])
            .process_group(0)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn sh")
    };
    let sends_started = Instant::now();
    let deadline = sends_started + WRITERS_DEADLINE;
    let mut running = Writers(Vec::new());
    let mut next = 0;
    let mut finish_times = Vec::new();
    let mut peak = 0;
    while next < WRITERS || !running.0.is_empty() {
        while next < WRITERS && running.0.len() < CONCURRENCY {
            running.0.push((next, spawn(next)));
            next += 1;
        }
        peak = peak.max(running.0.len());
        let mut i = 0;
        while i < running.0.len() {
            match running.0[i].1.try_wait().expect("try_wait") {
                Some(st) => {
                    assert!(st.success(), "writer {} shell: {st}", running.0[i].0);
                    finish_times.push(sends_started.elapsed());
                    running.0.swap_remove(i);
                }
                None => i += 1,
            }
        }
        assert!(
            Instant::now() < deadline,
            "{}: {} writers still running after {WRITERS_DEADLINE:?}",
            t.name,
            running.0.len()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let sends = sends_started.elapsed();

    // Exit statuses: 0 sent, 3 queued (then flushed below); anything else fails.
    let mut codes: BTreeMap<String, usize> = BTreeMap::new();
    let mut queued_homes = Vec::new();
    for (k, home) in homes.iter().enumerate() {
        let status = std::fs::read_to_string(home.path().join("status")).unwrap_or_default();
        assert_eq!(status.lines().count(), PER_WRITER, "writer {k}: {status}");
        for l in status.lines() {
            let code = l.split_whitespace().nth(1).unwrap_or("?").to_string();
            if code == "3" && !queued_homes.contains(&k) {
                queued_homes.push(k);
            }
            *codes.entry(code).or_default() += 1;
        }
    }
    let bad: Vec<(&String, &usize)> = codes
        .iter()
        .filter(|(c, _)| *c != "0" && *c != "3")
        .collect();
    if !bad.is_empty() {
        let k = homes
            .iter()
            .position(|h| {
                std::fs::read_to_string(h.path().join("status"))
                    .unwrap_or_default()
                    .lines()
                    .any(|l| !l.ends_with(" 0") && !l.ends_with(" 3"))
            })
            .unwrap_or(0);
        panic!(
            "{}: send exit statuses {codes:?}; writer {k} stderr:\n{}",
            t.name,
            std::fs::read_to_string(homes[k].path().join("send.err")).unwrap_or_default()
        );
    }
    for &k in &queued_homes {
        let mut c = std_cmd(&homes[k], &t.password);
        let out = c.args(["outbox", "flush"]).output().expect("flush");
        assert!(
            out.status.success(),
            "{}: writer {k} outbox flush: {}",
            t.name,
            String::from_utf8_lossy(&out.stderr)
        );
    }

    let audit_started = Instant::now();
    let reader = member(&owner);
    let got = audit(&reader, &t.url, &t.password, room);
    let audit_took = audit_started.elapsed();
    let bodies: Vec<String> = got.iter().filter_map(body).collect();
    let expected: BTreeSet<String> = (0..WRITERS)
        .flat_map(|k| (0..PER_WRITER).map(move |i| format!("w{k:03}-m{i}")))
        .collect();
    let (missing, dup, extra) = tally(&bodies, &expected);
    let distinct: BTreeSet<&String> = bodies.iter().collect();
    let unverified = got.iter().filter(|v| v["verified"] != true).count();
    // Each writer's feed holds its messages in the order they were sent.
    let mut per_feed: BTreeMap<String, Vec<(u64, String)>> = BTreeMap::new();
    for v in &got {
        per_feed
            .entry(v["feed"].as_str().unwrap_or_default().to_string())
            .or_default()
            .push((v["seq"].as_u64().unwrap_or(0), body(v).unwrap_or_default()));
    }
    let out_of_order = per_feed
        .values()
        .filter(|msgs| {
            let mut by_seq = msgs.to_vec();
            by_seq.sort();
            let want: Vec<String> = (0..PER_WRITER)
                .map(|i| {
                    let name = by_seq[0].1.split('-').next().unwrap_or_default();
                    format!("{name}-m{i}")
                })
                .collect();
            by_seq.iter().map(|(_, b)| b.clone()).collect::<Vec<_>>() != want
        })
        .count();
    finish_times.sort();
    // On vsftpd: what the server received (its protocol log sits next to its root).
    let log = std::fs::read_to_string(t.root.parent().unwrap_or(&t.root).join("vsftpd.log"))
        .unwrap_or_default();
    let mut verbs: BTreeMap<String, usize> = BTreeMap::new();
    for l in log.lines() {
        if let Some(i) = l.find("FTP command: Client \"")
            && let Some(j) = l[i..].find("\", \"")
            && let Some(verb) = l[i + j + 4..].split(['"', ' ']).next()
        {
            *verbs.entry(verb.to_uppercase()).or_default() += 1;
        }
    }
    if !verbs.is_empty() {
        eprintln!("[reliability] {}: commands received: {verbs:?}", t.name);
    }
    eprintln!(
        "[reliability] {}: {WRITERS} writers x {PER_WRITER} sends (concurrency {CONCURRENCY}, peak {peak} \
         processes): setup {} (keygen x{}), all sends {} (first writer done {}, median {}, last {}); \
         exit statuses {codes:?}; flushed {} writer outboxes; audit {}: {} records, {} distinct bodies, \
         {} feeds, {} lost, {} duplicated, {} unexpected, {} unverified, {} feeds out of order",
        t.name,
        secs(setup),
        WRITERS + 2,
        secs(sends),
        secs(finish_times[0]),
        secs(finish_times[finish_times.len() / 2]),
        secs(finish_times[finish_times.len() - 1]),
        queued_homes.len(),
        secs(audit_took),
        got.len(),
        distinct.len(),
        per_feed.len(),
        missing.len(),
        dup.len(),
        extra.len(),
        unverified,
        out_of_order,
    );
    assert!(missing.is_empty(), "{}: lost {missing:?}", t.name);
    assert!(dup.is_empty(), "{}: duplicated {dup:?}", t.name);
    assert!(extra.is_empty(), "{}: unexpected {extra:?}", t.name);
    assert_eq!(got.len(), WRITERS * PER_WRITER, "{}", t.name);
    assert_eq!(distinct.len(), WRITERS * PER_WRITER, "{}", t.name);
    assert_eq!(unverified, 0, "{}", t.name);
    assert_eq!(per_feed.len(), WRITERS, "{}", t.name);
    assert_eq!(out_of_order, 0, "{}", t.name);
}

#[test]
fn hundred_writers_on_the_embedded_relay() {
    let _heavy = heavy();
    hundred_writers(&Target::embedded());
}

#[test]
fn hundred_writers_on_vsftpd() {
    let Some(s) = support::vsftpd() else { return };
    let _heavy = heavy();
    hundred_writers(&Target::server(s));
}

// ----- 2. faults between senders/watchers and the relay -----

const SENDERS: usize = 10;
const SENDS_EACH: usize = 10;
const WATCHERS: usize = 2;
/// Sender k starts its send m at `k * SEND_STAGGER + m * SEND_PACE` (or when its previous
/// send ends, if later): the sends span the whole schedule, the last ones in the final outage.
const SEND_PACE: Duration = Duration::from_millis(1700);
const SEND_STAGGER: Duration = Duration::from_millis(120);
/// Bound for one `send` (its own timeouts and 3 attempts end it well before).
const SEND_DEADLINE: Duration = Duration::from_secs(60);

#[derive(Debug, Clone, Copy)]
enum Fault {
    /// `cut_all`: reset every control and data connection now.
    CutAll,
    /// `set_down`: connection refused (reset at once) while true.
    Down(bool),
    /// `set_stall`: forward nothing, keep sockets open.
    Stall(bool),
    /// `cut_data_after`: reset the next data connection after this many bytes.
    CutData(u64),
    /// `set_throttle`: slow link, bytes per second per direction.
    Throttle(Option<u64>),
    /// Kill the embedded relay (`RunningRelay::stop`).
    RelayStop,
    /// Start it again on the same address and root.
    RelayStart,
}

/// When the final outage starts: it lasts until every sender is done, so each sender's
/// last send is queued and only `outbox flush` delivers it.
const FINAL_OUTAGE: f64 = 15.2;

/// The fault schedule: fixed phases over about 15 s, with random moments, durations and
/// sizes drawn from `rng`, ending with an outage (lifted once the senders are done).
fn fault_schedule(rng: &mut Rng) -> Vec<(f64, Fault)> {
    let mut s = Vec::new();
    let t = rng.secs(1.0, 1.5);
    s.push((t, Fault::Down(true)));
    s.push((t + rng.secs(1.0, 2.0), Fault::Down(false)));
    s.push((rng.secs(3.6, 4.0), Fault::CutData(rng.range(1, 600))));
    let stall1 = rng.secs(4.2, 4.6);
    let stall1_end = stall1 + rng.secs(2.0, 3.0);
    s.push((stall1, Fault::Stall(true)));
    s.push((stall1_end, Fault::Stall(false)));
    let t = rng.secs(7.8, 8.2);
    s.push((t, Fault::Throttle(Some(rng.range(2_000, 6_000)))));
    s.push((t + 2.0, Fault::Throttle(None)));
    s.push((rng.secs(8.5, 9.5), Fault::CutData(rng.range(1, 600))));
    let t = rng.secs(10.4, 10.8);
    s.push((t, Fault::RelayStop));
    s.push((t + rng.secs(1.0, 1.5), Fault::RelayStart));
    s.push((rng.secs(12.4, 12.6), Fault::CutData(rng.range(1, 600))));
    let stall2 = rng.secs(12.6, 12.7);
    let stall2_end = stall2 + rng.secs(2.0, 2.5);
    s.push((stall2, Fault::Stall(true)));
    s.push((stall2_end, Fault::Stall(false)));
    // Resets of control and data connections at random moments (not during the stalls,
    // so that the stalls end in timeouts rather than resets).
    let mut cuts = 0;
    while cuts < 6 {
        let t = rng.secs(0.2, FINAL_OUTAGE);
        if !(stall1..stall1_end).contains(&t) && !(stall2..stall2_end).contains(&t) {
            s.push((t, Fault::CutAll));
            cuts += 1;
        }
    }
    s.push((FINAL_OUTAGE, Fault::Down(true)));
    s.sort_by(|a, b| a.0.total_cmp(&b.0));
    s
}

/// Starts the embedded relay again on `addr` (retrying while the port is briefly taken).
fn restart_embedded(root: &Path, addr: SocketAddr) -> ftpchat::relay::RunningRelay {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match std::panic::catch_unwind(|| start_embedded(root, addr)) {
            Ok(r) => return r,
            Err(_) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(100)),
            Err(e) => std::panic::resume_unwind(e),
        }
    }
}

struct Sent {
    body: String,
    code: Option<i32>,
    took: Duration,
}

/// A live `watch --json` as `home`: its process and the lines it printed. Killed on drop
/// (when the test fails before stopping it).
struct Watcher {
    child: Child,
    lines: Receiver<String>,
}

impl Drop for Watcher {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn watch_args<'a>(url: &'a str, room: &'a str) -> Vec<&'a str> {
    vec![
        "--json",
        "--connect-timeout",
        "1",
        "--io-timeout",
        "2",
        "--relay",
        url,
        "--room",
        room,
    ]
}

fn spawn_watcher(home: &Home, url: &str, room: &str) -> Watcher {
    let err = std::fs::File::create(home.path().join("watch.err")).expect("watch.err");
    let mut child = std_cmd(home, "relay-pw")
        .arg("watch")
        .args(watch_args(url, room))
        .args(["--poll-max", "0.3"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(err)
        .spawn()
        .expect("watch");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    Watcher { child, lines: rx }
}

/// Moves what `rx` has (waiting until `until` says enough or `deadline`) into `seen`.
/// True when the channel is closed (the watcher's stdout ended).
fn drain(
    rx: &Receiver<String>,
    seen: &mut Vec<String>,
    deadline: Instant,
    until: &dyn Fn(&[String]) -> bool,
) -> bool {
    while !until(seen) {
        match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(l) => seen.extend(messages(&l).iter().filter_map(body)),
            Err(RecvTimeoutError::Timeout) => return false,
            Err(RecvTimeoutError::Disconnected) => return true,
        }
    }
    false
}

fn terminate(child: &mut Child) -> Option<std::process::ExitStatus> {
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    wait_until(child, Instant::now() + Duration::from_secs(10))
}

fn outbox_pending(home: &Home) -> u64 {
    let out = ok(
        home.cmd()
            .args(["outbox", "--json"])
            .output()
            .expect("outbox"),
        "outbox --json",
    );
    messages(&out)
        .iter()
        .map(|r| r["pending"].as_u64().unwrap_or(0))
        .sum()
}

/// Stderr lines grouped by kind (numbers, addresses and feed names masked, cut at 100
/// characters), with counts.
fn kinds(stderr: &str) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for l in stderr.lines().filter(|l| !l.starts_with("--- ")) {
        let mut k = String::new();
        let mut word = String::new();
        let flush = |word: &mut String, k: &mut String| {
            if word.chars().any(|c| c.is_ascii_digit()) || word.len() == 16 {
                k.push('#');
            } else {
                k.push_str(word);
            }
            word.clear();
        };
        for c in l.chars() {
            if c.is_ascii_alphanumeric() {
                word.push(c);
            } else {
                flush(&mut word, &mut k);
                k.push(c);
            }
        }
        flush(&mut word, &mut k);
        *out.entry(k.chars().take(100).collect()).or_default() += 1;
    }
    out
}

fn merge(into: &mut BTreeMap<String, usize>, from: BTreeMap<String, usize>) {
    for (k, n) in from {
        *into.entry(k).or_default() += n;
    }
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v.get(v.len() / 2).copied().unwrap_or_default()
}

#[test]
fn senders_and_watchers_through_faults_and_a_relay_restart_lose_and_repeat_nothing() {
    let _heavy = heavy();
    let seed = std::env::var("RELIABILITY_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(support::random_u64)
        | 1;
    let mut rng = Rng(seed);
    let plan = fault_schedule(&mut rng);

    let root = tempfile::tempdir().expect("root");
    let relay = start_embedded(root.path(), "127.0.0.1:0".parse().expect("addr"));
    let addr = relay.addr();
    let direct = format!("ftp://chat@{addr}/");
    let proxy = FaultProxy::start(addr);
    let via = format!("ftp://chat@127.0.0.1:{}/", proxy.port());
    let room = "faults";

    let owner = Home::new();
    owner.keys();
    let senders: Vec<Home> = (0..SENDERS).map(|_| member(&owner)).collect();
    let watch_homes: Vec<Home> = (0..WATCHERS).map(|_| member(&owner)).collect();
    let mut watchers: Vec<Watcher> = watch_homes
        .iter()
        .map(|h| spawn_watcher(h, &via, room))
        .collect();

    let started = Instant::now();
    let (relay, fault_log, sent) = std::thread::scope(|scope| {
        let driver = scope.spawn(|| {
            let mut relay = Some(relay);
            let mut log = Vec::new();
            for (at, fault) in &plan {
                let when = started + Duration::from_secs_f64(*at);
                std::thread::sleep(when.saturating_duration_since(Instant::now()));
                let t0 = Instant::now();
                match *fault {
                    Fault::CutAll => proxy.cut_all(),
                    Fault::Down(d) => proxy.set_down(d),
                    Fault::Stall(s) => proxy.set_stall(s),
                    Fault::CutData(n) => proxy.cut_data_after(Some(n)),
                    Fault::Throttle(r) => proxy.set_throttle(r),
                    Fault::RelayStop => {
                        if let Some(r) = relay.take() {
                            r.stop();
                        }
                    }
                    Fault::RelayStart => relay = Some(restart_embedded(root.path(), addr)),
                }
                log.push(format!(
                    "{:6.2}s {fault:?} (planned {at:.2}s, took {})",
                    (t0 - started).as_secs_f64(),
                    secs(t0.elapsed())
                ));
            }
            (relay, log)
        });
        let workers: Vec<_> = senders
            .iter()
            .enumerate()
            .map(|(k, home)| {
                let via = &via;
                scope.spawn(move || {
                    let mut err =
                        std::fs::File::create(home.path().join("send.err")).expect("send.err");
                    let mut out = Vec::new();
                    for m in 0..SENDS_EACH {
                        let at = started + SEND_STAGGER * k as u32 + SEND_PACE * m as u32;
                        std::thread::sleep(at.saturating_duration_since(Instant::now()));
                        let body = format!("s{k}-m{m}");
                        let _ = writeln!(err, "--- {body}");
                        let t0 = Instant::now();
                        let mut child = std_cmd(home, "relay-pw")
                            .args(["send", "--connect-timeout", "1", "--io-timeout", "2"])
                            .args(["--relay", via, "--room", room, "--name", &format!("s{k}")])
                            .arg(&body)
                            .stdin(Stdio::null())
                            .stdout(Stdio::null())
                            .stderr(err.try_clone().expect("dup"))
                            .spawn()
                            .expect("send");
                        let st = wait_until(&mut child, t0 + SEND_DEADLINE);
                        out.push(Sent {
                            body,
                            code: st.and_then(|s| s.code()),
                            took: t0.elapsed(),
                        });
                    }
                    out
                })
            })
            .collect();
        let sent: Vec<Sent> = workers
            .into_iter()
            .flat_map(|w| w.join().expect("sender thread"))
            .collect();
        let (relay, mut log) = driver.join().expect("fault driver");
        proxy.set_down(false);
        log.push(format!(
            "{:6.2}s Down(false) (the senders are done)",
            started.elapsed().as_secs_f64()
        ));
        (relay, log, sent)
    });
    let faults_and_sends = started.elapsed();
    // Everything back to normal (the schedule ends with it, this makes sure).
    proxy.set_down(false);
    proxy.set_stall(false);
    proxy.set_throttle(None);
    proxy.cut_data_after(None);
    let _relay = relay.expect("the schedule restarted the relay");

    let mut codes: BTreeMap<String, usize> = BTreeMap::new();
    for s in &sent {
        *codes
            .entry(s.code.map_or("killed".into(), |c| c.to_string()))
            .or_default() += 1;
    }
    let took: Vec<Duration> = sent.iter().map(|s| s.took).collect();
    let mut send_stderr = BTreeMap::new();
    let mut retries = 0;
    for h in &senders {
        let text = std::fs::read_to_string(h.path().join("send.err")).unwrap_or_default();
        retries += text.matches("retrying in").count();
        merge(&mut send_stderr, kinds(&text));
    }

    // Deliver every outbox (bounded tries).
    let flush_started = Instant::now();
    let mut flush_runs = 0;
    let mut flushed_records = 0;
    for (k, home) in senders.iter().enumerate() {
        for _ in 0..5 {
            if outbox_pending(home) == 0 {
                break;
            }
            flush_runs += 1;
            let out = std_cmd(home, "relay-pw")
                .args([
                    "outbox",
                    "flush",
                    "--connect-timeout",
                    "2",
                    "--io-timeout",
                    "5",
                ])
                .output()
                .expect("flush");
            let err = String::from_utf8_lossy(&out.stderr);
            flushed_records += err
                .lines()
                .filter_map(|l| l.split("delivered ").nth(1))
                .filter_map(|r| r.split_whitespace().next()?.parse::<usize>().ok())
                .sum::<usize>();
            if !out.status.success() {
                eprintln!("[reliability] sender {k}: outbox flush: {err}");
            }
        }
    }
    let pending_after: Vec<u64> = senders.iter().map(outbox_pending).collect();
    let flush_took = flush_started.elapsed();

    let expected: BTreeSet<String> = sent
        .iter()
        .filter(|s| matches!(s.code, Some(0 | 3)))
        .map(|s| s.body.clone())
        .collect();
    let reader = member(&owner);
    let audited = audit(&reader, &direct, "relay-pw", room);
    let audit_bodies: Vec<String> = audited.iter().filter_map(body).collect();
    let (lost, dup, extra) = tally(&audit_bodies, &expected);
    let unverified = audited.iter().filter(|v| v["verified"] != true).count();

    // Watchers: let them catch up live, stop them (SIGTERM saves the cursor), then one
    // `watch --once` each with the same home and cursor.
    let catch_up = Instant::now() + Duration::from_secs(20);
    let mut watcher_reports = Vec::new();
    let mut watch_stderr = BTreeMap::new();
    let mut watcher_failures = Vec::new();
    for (w, (watcher, home)) in watchers.iter_mut().zip(&watch_homes).enumerate() {
        let mut seen = Vec::new();
        let n = expected.len();
        drain(&watcher.lines, &mut seen, catch_up, &|s: &[String]| {
            s.len() >= n
        });
        let live_before_stop = seen.len();
        let status = terminate(&mut watcher.child);
        drain(
            &watcher.lines,
            &mut seen,
            Instant::now() + Duration::from_secs(5),
            &|_: &[String]| false,
        );
        let live = seen.len();
        let once = std_cmd(home, "relay-pw")
            .args(["watch", "--once"])
            .args(watch_args(&via, room))
            .output()
            .expect("watch --once");
        let once_bodies: Vec<String> = messages(&String::from_utf8_lossy(&once.stdout))
            .iter()
            .filter_map(body)
            .collect();
        seen.extend(once_bodies.iter().cloned());
        let stderr = std::fs::read_to_string(home.path().join("watch.err")).unwrap_or_default();
        merge(&mut watch_stderr, kinds(&stderr));
        let (missing, dup, extra) = tally(&seen, &expected);
        watcher_reports.push(format!(
            "watcher {w}: {live_before_stop} live before stop, {live} after SIGTERM (exit {:?}), \
             {} from watch --once (exit {:?}); {} reconnects, {} warnings; {} missing, {} duplicated, {} unexpected",
            status.and_then(|s| s.code()),
            once_bodies.len(),
            once.status.code(),
            stderr.matches("reconnected").count(),
            stderr.lines().filter(|l| l.contains("warning")).count(),
            missing.len(),
            dup.len(),
            extra.len()
        ));
        if !missing.is_empty() || !dup.is_empty() || !extra.is_empty() || !once.status.success() {
            watcher_failures.push(format!(
                "watcher {w}: missing {missing:?}, duplicated {dup:?}, unexpected {extra:?}, \
                 --once exit {:?}: {}\nlive stderr:\n{stderr}",
                once.status.code(),
                String::from_utf8_lossy(&once.stderr)
            ));
        }
        if stderr.contains("rewritten") {
            watcher_failures.push(format!("watcher {w} reported rewritten history:\n{stderr}"));
        }
    }

    eprintln!(
        "[reliability] faults: seed {seed} (RELIABILITY_SEED={seed} replays the schedule); \
         {SENDERS} senders x {SENDS_EACH} sends (--connect-timeout 1 --io-timeout 2, {} ms apart), \
         {WATCHERS} watchers; schedule:\n  {}",
        SEND_PACE.as_millis(),
        fault_log.join("\n  ")
    );
    eprintln!(
        "[reliability] faults: sends and faults took {}; send exit statuses {codes:?}; send took \
         median {}, max {}; {retries} retry warnings; proxy accepted {} control and {} data \
         connections; flush: {flush_runs} runs delivered {flushed_records} records in {}, pending \
         after {pending_after:?}; audit: {} records, {} expected, {} lost, {} duplicated, {} \
         unexpected, {} unverified",
        secs(faults_and_sends),
        secs(median(took.clone())),
        secs(took.iter().max().copied().unwrap_or_default()),
        proxy.connections(),
        proxy.data_connections(),
        secs(flush_took),
        audited.len(),
        expected.len(),
        lost.len(),
        dup.len(),
        extra.len(),
        unverified
    );
    for r in &watcher_reports {
        eprintln!("[reliability] faults: {r}");
    }
    let show = |m: &BTreeMap<String, usize>| {
        m.iter()
            .map(|(k, n)| format!("{n:5} x {k}"))
            .collect::<Vec<_>>()
            .join("\n  ")
    };
    eprintln!(
        "[reliability] faults: send stderr lines by kind:\n  {}",
        show(&send_stderr)
    );
    eprintln!(
        "[reliability] faults: watch stderr lines by kind:\n  {}",
        show(&watch_stderr)
    );

    let bad: Vec<String> = sent
        .iter()
        .filter(|s| !matches!(s.code, Some(0 | 3)))
        .map(|s| format!("{}: {:?}", s.body, s.code))
        .collect();
    if !bad.is_empty() {
        let k: usize = bad[0][1..bad[0].find('-').unwrap_or(2)]
            .parse()
            .unwrap_or(0);
        panic!(
            "sends exited with neither 0 nor 3: {bad:?}; sender {k} stderr:\n{}",
            std::fs::read_to_string(senders[k].path().join("send.err")).unwrap_or_default()
        );
    }
    assert!(
        pending_after.iter().all(|p| *p == 0),
        "outboxes not empty after flushing: {pending_after:?}"
    );
    assert!(lost.is_empty(), "lost: {lost:?}");
    assert!(dup.is_empty(), "duplicated: {dup:?}");
    assert!(extra.is_empty(), "unexpected: {extra:?}");
    assert_eq!(unverified, 0);
    assert_eq!(audited.len(), SENDERS * SENDS_EACH);
    assert!(
        watcher_failures.is_empty(),
        "{}",
        watcher_failures.join("\n")
    );
}

// ----- 3. the relay's disk is full -----

/// A small tmpfs mounted on a temp directory; unmounted on drop (lazily if busy).
struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    /// Mounts a tmpfs of `size` (e.g. `1m`); None (after saying why) when that is not
    /// possible outside CI. In CI it must work (the CI runs as root).
    fn mount(size: &str) -> Option<Tmpfs> {
        let dir = tempfile::tempdir().expect("mount point");
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .output();
        match out {
            Ok(o) if o.status.success() => Some(Tmpfs { dir }),
            other => {
                let why = match other {
                    Ok(o) => String::from_utf8_lossy(&o.stderr).trim().to_string(),
                    Err(e) => e.to_string(),
                };
                assert!(
                    !support::in_ci(),
                    "mounting a tmpfs is required in CI (needs root): {why}"
                );
                eprintln!("skipping: cannot mount a tmpfs (needs root): {why}");
                None
            }
        }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let plain = Command::new("umount")
            .arg(self.dir.path())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !plain {
            let _ = Command::new("umount")
                .arg("-l")
                .arg(self.dir.path())
                .status();
        }
    }
}

#[test]
fn a_full_disk_on_the_relay_queues_the_send_and_the_next_send_delivers_both() {
    let Some(fs) = Tmpfs::mount("1m") else { return };
    // Declared after the mount: stopped (dropped) before it is unmounted.
    let relay = start_embedded(fs.path(), "127.0.0.1:0".parse().expect("addr"));
    let url = format!("ftp://chat@{}/", relay.addr());
    let room = "full";
    let alice = Home::new();
    alice.keys();
    let send = |msg: &str| {
        alice
            .cmd()
            .args([
                "send",
                "--io-timeout",
                "5",
                "--relay",
                &url,
                "--room",
                room,
                msg,
            ])
            .env("FTPCHAT_PASSWORD", "relay-pw")
            .output()
            .expect("send")
    };

    // Fill the file system directly, until ENOSPC (bounded: 1 MiB takes 16 chunks).
    let filler = fs.path().join("filler");
    let mut f = std::fs::File::create(&filler).expect("filler");
    let chunk = vec![0x5au8; 64 * 1024];
    let mut filled = 0usize;
    let mut enospc = None;
    for _ in 0..256 {
        match f.write(&chunk) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) => {
                enospc = Some(e);
                break;
            }
        }
    }
    drop(f);
    let e = enospc.expect("the tmpfs never filled up");
    assert_eq!(e.kind(), std::io::ErrorKind::StorageFull, "{e}");

    let t0 = Instant::now();
    let out = send("written while the disk is full");
    let full_took = t0.elapsed();
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    let out_full_code = out.status.code();
    assert_eq!(out_full_code, Some(3), "{err}");
    assert!(
        ["451", "452", "552"].iter().any(|c| err.contains(c)),
        "the relay's refusal is not named: {err}"
    );
    assert!(err.contains("kept in the outbox"), "{err}");
    assert!(
        err.contains("out of storage space"),
        "the hint should name the cause: {err}"
    );
    assert!(
        !err.contains("452 452"),
        "the reply code is printed once: {err}"
    );
    let pending_full = outbox_pending(&alice);
    assert_eq!(pending_full, 1, "outbox while full");

    std::fs::remove_file(&filler).expect("remove filler");
    let t0 = Instant::now();
    let out = send("written after space was freed");
    let freed_took = t0.elapsed();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(outbox_pending(&alice), 0, "outbox after delivery");
    let reader = member(&alice);
    let got = audit(&reader, &url, "relay-pw", room);
    let bodies: Vec<String> = got.iter().filter_map(body).collect();
    let feed_bytes: u64 = std::fs::read_dir(fs.path().join(room))
        .expect("room dir")
        .flatten()
        .filter_map(|e| e.metadata().ok())
        .map(|m| m.len())
        .sum();
    eprintln!(
        "[reliability] disk full: tmpfs 1 MiB filled with {filled} bytes until {e}; send while full \
         exit {:?} in {} with:\n  {}\n  outbox pending {pending_full}; after freeing space: send in {}, \
         audit {bodies:?} ({} bytes in the room)",
        out_full_code,
        secs(full_took),
        err.trim().replace('\n', "\n  "),
        secs(freed_took),
        feed_bytes
    );
    assert_eq!(
        bodies,
        [
            "written while the disk is full",
            "written after space was freed"
        ]
    );
    assert!(got.iter().all(|v| v["verified"] == true));
    relay.stop();
}
