//! Part 6, history: `pull --all | decrypt --verify` of a 10,000-message room written through
//! `encrypt` + `push`, and of a 100,000-message room sealed by the library and written to
//! the relay's directory; plus the room generator other parts use.

use super::*;

use ftpchat::protocol::encoding::b64;
use ftpchat::protocol::keys::{DeviceIdentity, RoomKey, feed_pseudonym};
use ftpchat::protocol::record::{self, Envelope};

/// Writers and messages per writer of the 10,000-message room.
const WRITERS: usize = 10;
const PER_WRITER: usize = 1_000;
/// Messages per writer of the 100,000-message room (same writers count).
const BIG_PER_WRITER: usize = 10_000;
/// Timed `pull --all | decrypt --verify` runs.
const PULL_RUNS: usize = 3;
const BIG_PULL_RUNS: usize = 1;

/// Writes a room of `writers` feeds x `per_writer` chained records to the relay's disk, as
/// `<feed>.log` files in `room` (what `encrypt` + `push` would leave there). Sealed with the
/// library on all cores. Returns (records, bytes, time taken).
pub(crate) fn generate_room(
    b: &Bench,
    room: &str,
    key: &RoomKey,
    writers: usize,
    per_writer: usize,
) -> (usize, u64, Duration) {
    let start = Instant::now();
    let dir = b.server.path(room);
    fs::create_dir_all(&dir).expect("create room directory");
    let recipient = key.current_recipient();
    let room_id = key.room_id().clone();
    let threads = thread::available_parallelism().map_or(2, |n| n.get());
    let base = chrono::Utc::now() - chrono::Duration::milliseconds((writers * per_writer) as i64);
    let bytes: u64 = thread::scope(|scope| {
        let jobs: Vec<_> = (0..threads)
            .map(|t| {
                let (dir, recipient, room_id) = (&dir, &recipient, &room_id);
                scope.spawn(move || {
                    let mut bytes = 0u64;
                    for w in (t..writers).step_by(threads) {
                        let id = DeviceIdentity::generate();
                        let signer = id.signing_key();
                        let vk = signer.verifying_key();
                        let from = b64(vk.as_bytes());
                        let feed = feed_pseudonym(room_id, &vk);
                        let mut text = String::with_capacity(per_writer * 700);
                        let mut prev: Option<String> = None;
                        for i in 0..per_writer {
                            let ts = base
                                + chrono::Duration::milliseconds((i * writers + w) as i64);
                            let envelope = Envelope {
                                seen: Default::default(),
                                v: record::ENVELOPE_VERSION,
                                room: room_id.to_string(),
                                from: from.clone(),
                                name: format!("w{w:03}"),
                                seq: i as u64 + 1,
                                prev: prev.take(),
                                ts: ts.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                                kind: "message".into(),
                                body: format!(
                                    "writer {w:03} message {i:05} the quick brown fox jumps over the lazy dog"
                                ),
                            };
                            let line = record::seal(&envelope, signer, recipient).expect("seal");
                            prev = Some(record::line_hash(&line));
                            text.push_str(&line);
                            text.push('\n');
                        }
                        bytes += text.len() as u64;
                        fs::write(dir.join(format!("{feed}.log")), text).expect("write feed");
                    }
                    bytes
                })
            })
            .collect();
        jobs.into_iter()
            .map(|j| j.join().expect("generator thread"))
            .sum()
    });
    b.server.fix_ownership();
    (writers * per_writer, bytes, start.elapsed())
}

pub(crate) fn part6_history(ctx: &Ctx) {
    let b = ctx.bench();
    ctx.section("6. History: `pull --all | decrypt --verify` of a whole room");
    let mut rows = Vec::new();

    // 10,000 messages through the CLI: 10 concurrent `encrypt --lines` (each journals and
    // syncs every record), then `push`.
    let room = "bench/big";
    let total = WRITERS * PER_WRITER;
    let owner = Home::member(&b, None);
    let writers: Vec<Home> = (0..WRITERS)
        .map(|_| Home::member(&b, Some(&owner)))
        .collect();
    let (enc_wall, encrypted) = concurrently(WRITERS, |w| {
        let input: String = (0..PER_WRITER)
            .map(|i| {
                format!(
                    "writer {w:02} message {i:04} the quick brown fox jumps over the lazy dog\n"
                )
            })
            .collect();
        let name = format!("w{w:02}");
        let mut cmd = writers[w].cmd(&b);
        cmd.args(["encrypt", "--lines", "--name", &name]);
        run(
            &mut cmd,
            Some(input.into_bytes()),
            CMD_LIMIT,
            "encrypt --lines",
        )
    });
    let mut push_t = Duration::ZERO;
    let mut record_bytes = 0;
    for (writer, (_, out)) in writers.iter().zip(encrypted) {
        expect_success(&out, "encrypt --lines");
        let records = out.stdout;
        record_bytes += records.len();
        let (t, out) = run(
            writer.cmd(&b).arg("push").args(b.relay(room)),
            Some(records),
            CMD_LIMIT,
            "push",
        );
        expect_success(&out, "push");
        push_t += t;
    }
    let how = format!(
        "{WRITERS} concurrent `encrypt --lines` of {PER_WRITER} ({}), then `push` ({} in all)",
        secs(enc_wall),
        secs(push_t)
    );
    let reader = Home::reader(&owner);
    let small = measure(
        &b,
        &reader,
        room,
        total,
        record_bytes as u64,
        PULL_RUNS,
        &how,
    );
    let ok = small.median <= Duration::from_millis(600) && small.bad.is_empty();
    ctx.target(
        &format!("history: `pull --all | decrypt --verify`, {total} messages (10 writers)"),
        &format!("{} median of {PULL_RUNS}", secs(small.median)),
        "<= 0.6 s",
        Some(ok),
    );
    rows.push(small.row(total));

    // 100,000 messages sealed by the library.
    let big_room = "bench/big100k";
    let big_total = WRITERS * BIG_PER_WRITER;
    let key = RoomKey::load(&owner.room_key()).expect("load room key");
    let (n, bytes, took) = generate_room(&b, big_room, &key, WRITERS, BIG_PER_WRITER);
    let how = format!(
        "sealed by the library (`record::seal`, chained) on {} threads in {}, written as feed files",
        thread::available_parallelism().map_or(2, |n| n.get()),
        secs(took)
    );
    let reader = Home::reader(&owner);
    let big = measure(&b, &reader, big_room, n, bytes, BIG_PULL_RUNS, &how);
    ctx.target(
        &format!("history: `pull --all | decrypt --verify`, {big_total} messages (10 writers)"),
        &format!(
            "{} ({:.0} records/s){}",
            secs(big.median),
            big_total as f64 / big.median.as_secs_f64(),
            if big.bad.is_empty() {
                String::new()
            } else {
                format!("; **{}**", big.bad.join("; "))
            }
        ),
        "<= 6 s",
        Some(big.median <= Duration::from_secs(6) && big.bad.is_empty()),
    );
    let rss = big.rss.1.map(|kb| kb as f64 / 1024.0);
    ctx.target(
        &format!("peak RSS of `decrypt --verify`, {big_total} messages"),
        &rss.map_or_else(|| "not measured".into(), |m| format!("{m:.0} MiB")),
        "<= 64 MiB",
        rss.map(|m| m <= 64.0),
    );
    ctx.keep(
        "decode-ftpchat",
        format!(
            "{:.0} records/s",
            big_total as f64 / big.decrypt_alone.as_secs_f64()
        ),
    );
    rows.push(big.row(big_total));
    ctx.table(
        &[
            "room",
            "written by",
            "MB",
            "runs (wall)",
            "median",
            "records/s",
            "`pull --all` alone",
            "`decrypt --verify` alone",
            "peak RSS pull / decrypt",
            "checks",
        ],
        &rows,
    );
    ctx.line(
        "Piped runs time `pull --all | ftpchat decrypt --verify` from spawning pull until both exited, reading decrypt's output. \
         The 'alone' figures run each half once with its input or output in memory, under GNU `time -v` for the peak RSS. \
         `decrypt --verify` verifies in parallel on all cores.",
    );
}

struct History {
    how: String,
    mb: f64,
    runs: Vec<Duration>,
    median: Duration,
    pull_alone: Duration,
    decrypt_alone: Duration,
    rss: (Option<u64>, Option<u64>),
    lines: usize,
    bad: Vec<String>,
}

impl History {
    fn row(&self, total: usize) -> Vec<String> {
        let mib = |k: Option<u64>| {
            k.map_or_else(|| "n/a".into(), |k| format!("{:.0} MiB", k as f64 / 1024.0))
        };
        vec![
            format!("{total} messages"),
            self.how.clone(),
            format!("{:.1}", self.mb),
            self.runs
                .iter()
                .map(|t| format!("{:.2}", t.as_secs_f64()))
                .collect::<Vec<_>>()
                .join(", "),
            secs(self.median),
            format!("{:.0}", total as f64 / self.median.as_secs_f64()),
            secs(self.pull_alone),
            format!(
                "{} ({:.0} records/s)",
                secs(self.decrypt_alone),
                total as f64 / self.decrypt_alone.as_secs_f64()
            ),
            format!("{} / {}", mib(self.rss.0), mib(self.rss.1)),
            if self.bad.is_empty() {
                format!("{} lines, all exits 0", self.lines)
            } else {
                format!("**{}**", self.bad.join("; "))
            },
        ]
    }
}

fn measure(
    b: &Bench,
    reader: &Home,
    room: &str,
    total: usize,
    bytes: u64,
    runs: usize,
    how: &str,
) -> History {
    let mut times = Vec::new();
    let mut bad = Vec::new();
    let mut lines = 0;
    for _ in 0..runs {
        let (t, n, note) = pull_decrypt(b, reader, room);
        if n != total {
            bad.push(format!("{n} lines instead of {total}"));
        }
        if !note.is_empty() {
            bad.push(note);
        }
        lines = n;
        times.push(t);
    }
    let sorted_t = sorted(times.clone());
    // The two halves alone, under GNU time.
    let pull_report = reader.dir.path().join("pull.time");
    let (pull_t, out) = run(
        reader
            .cmd_under(b, Some(&pull_report))
            .args(["pull", "--all"])
            .args(b.relay(room)),
        None,
        CMD_LIMIT,
        "pull --all",
    );
    expect_success(&out, "pull --all");
    let dec_report = reader.dir.path().join("decrypt.time");
    let (dec_t, dec) = run(
        reader
            .cmd_under(b, Some(&dec_report))
            .args(["decrypt", "--verify"]),
        Some(out.stdout),
        CMD_LIMIT,
        "decrypt --verify",
    );
    if !dec.status.success() {
        bad.push(format!(
            "decrypt --verify alone: {}",
            String::from_utf8_lossy(&dec.stderr)
                .lines()
                .next()
                .unwrap_or_default()
        ));
    }
    History {
        how: how.into(),
        mb: bytes as f64 / 1e6,
        runs: times,
        median: pct(&sorted_t, 0.5),
        pull_alone: pull_t,
        decrypt_alone: dec_t,
        rss: (sys::max_rss_kb(&pull_report), sys::max_rss_kb(&dec_report)),
        lines,
        bad,
    }
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
    let dog = Watchdog::arm(vec![pull.id(), dec.id()], Duration::from_secs(300));
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
        notes.push("KILLED after 300 s".to_owned());
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
