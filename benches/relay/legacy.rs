//! Part 5: the original FTPChat app's protocol side by side with ftpchat: messages lost under
//! concurrent writers (APPE to the shared chat file, and the app's RETR+STOR fallback),
//! delivery latency with 5 s polling readers, and decode rate with a PBKDF2 per message.
//!
//! The app's line format and APPE sender are tests/python/ftpchat_legacy.py; the RETR+STOR
//! sender, the polling reader and the decoder are benches/legacy_app.py (which imports it).

use super::*;

/// The app's reader polls every 5 s.
pub(crate) const LEGACY_POLL: f64 = 5.0;
/// Concurrent writers and messages each for the loss figures.
const WRITERS: usize = 20;
const PER_WRITER: usize = 10;
/// A message not shown by a 5 s reader within this time is lost.
const LEGACY_LOST_AFTER: Duration = Duration::from_secs(20);
/// Idle interval for the relay's CPU (2 polls per reader).
const LEGACY_IDLE_WINDOW: Duration = Duration::from_secs(10);
/// Lines decoded with a PBKDF2 each; lines decoded with one key.
const PBKDF2_LINES: usize = 100;
const ONCE_LINES: usize = 10_000;

const PASSPHRASE: &str = "correct horse battery staple";

fn script(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// The chat passphrase in a 0600 file.
pub(crate) struct Passphrase {
    _dir: tempfile::TempDir,
    pub(crate) path: PathBuf,
}

impl Passphrase {
    pub(crate) fn new() -> Passphrase {
        let dir = tempfile::Builder::new()
            .prefix("relay-bench-pass-")
            .tempdir()
            .expect("temp dir");
        let path = dir.path().join("passphrase.txt");
        fs::write(&path, PASSPHRASE).expect("write passphrase");
        fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).expect("chmod passphrase");
        Passphrase { _dir: dir, path }
    }
}

fn python(b: &Bench, rel: &str) -> Command {
    let mut c = Command::new(&b.ctx.python);
    c.arg(script(rel))
        .env("FTPCHAT_PASSWORD", &b.server.password)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .stdin(Stdio::null());
    c
}

/// `ftpchat_legacy.py send`: PBKDF2, one Fernet line, `APPE <chat>.txt`.
pub(crate) fn legacy_send_cmd(
    b: &Bench,
    pass: &Path,
    chat: &str,
    name: &str,
    msg: &str,
) -> Command {
    let mut c = python(b, "tests/python/ftpchat_legacy.py");
    c.args(["send", "--host", "127.0.0.1", "--port"])
        .arg(b.server.port.to_string())
        .args([
            "--user",
            &b.server.user,
            "--password-env",
            "FTPCHAT_PASSWORD",
        ])
        .args(["--chat", chat, "--name", name, "--message", msg])
        .arg("--passphrase-file")
        .arg(pass);
    c
}

/// `legacy_app.py send-stor`: PBKDF2, RETR the chat file, add the line, STOR it back.
fn legacy_stor_cmd(b: &Bench, pass: &Path, file: &str, name: &str, msg: &str) -> Command {
    let mut c = python(b, "benches/legacy_app.py");
    c.args(["send-stor", "--port"])
        .arg(b.server.port.to_string())
        .args([
            "--user",
            &b.server.user,
            "--password-env",
            "FTPCHAT_PASSWORD",
        ])
        .args(["--file", file, "--name", name, "--message", msg])
        .arg("--passphrase-file")
        .arg(pass);
    c
}

/// `legacy_app.py watch`: a reader polling every 5 s (one login per poll), reached on `port`.
pub(crate) fn legacy_watch_cmd(b: &Bench, port: u16, pass: &Path, file: &str) -> Command {
    let mut c = python(b, "benches/legacy_app.py");
    c.args(["watch", "--port"])
        .arg(port.to_string())
        .args([
            "--user",
            &b.server.user,
            "--password-env",
            "FTPCHAT_PASSWORD",
        ])
        .args(["--file", file, "--duration", "600", "--poll"])
        .arg(LEGACY_POLL.to_string())
        .arg("--passphrase-file")
        .arg(pass);
    c
}

/// `legacy_app.py decode`: (lines, decodable, seconds).
fn legacy_decode(
    b: &Bench,
    pass: &Path,
    data: Vec<u8>,
    per_line_derive: bool,
) -> (usize, usize, f64) {
    let mut c = python(b, "benches/legacy_app.py");
    c.args(["decode", "--passphrase-file"]).arg(pass);
    if per_line_derive {
        c.arg("--per-line-derive");
    }
    let (_, out) = run(&mut c, Some(data), CMD_LIMIT, "legacy decode");
    expect_success(&out, "legacy decode");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
    (
        v["lines"].as_u64().unwrap_or(0) as usize,
        v["ok"].as_u64().unwrap_or(0) as usize,
        v["seconds"].as_f64().unwrap_or(f64::NAN),
    )
}

pub(crate) fn part5_legacy(ctx: &Ctx) {
    let b = ctx.bench();
    ctx.section("5. The original app's protocol side by side");
    let pass = Passphrase::new();
    let total = WRITERS * PER_WRITER;

    // 5a. Lost messages under concurrent writers.
    ctx.line(&format!(
        "**Concurrent writers** ({WRITERS} writers x {PER_WRITER} messages, a fresh process per message):"
    ));
    ctx.line("");
    let owner = Home::member(&b, None);
    let senders: Vec<Home> = (0..WRITERS)
        .map(|_| Home::member(&b, Some(&owner)))
        .collect();
    let reader = Home::reader(&owner);
    let msg = |s: usize, m: usize| format!("loss s{s:02} m{m:02} {}", "x".repeat(60));
    let mut rows = Vec::new();

    let room = "bench/leg-ftpchat";
    let make = |s: usize, m: usize| {
        let mut c = senders[s].cmd(&b);
        c.arg("send")
            .args(b.relay(room))
            .args(["--name", &format!("s{s:02}"), &msg(s, m)]);
        c
    };
    let f = burst(&b, WRITERS, PER_WRITER, &make, "ftpchat send");
    let (bodies, lines, status) = room_contents(&b, &reader, room);
    let got: BTreeSet<&String> = bodies.iter().collect();
    let lost = (0..WRITERS)
        .flat_map(|s| (0..PER_WRITER).map(move |m| (s, m)))
        .filter(|(s, m)| !got.contains(&msg(*s, *m)))
        .count();
    ctx.keep("loss-ftpchat", format!("{lost} of {total}"));
    ctx.keep("rate-ftpchat", format!("{:.1} messages/s", f.rate()));
    ctx.keep("relay-cpu-ftpchat", f.relay_cpu_cell());
    rows.push(vec![
        "ftpchat send (own feed per writer, APPE)".into(),
        f.sent.to_string(),
        f.failed.to_string(),
        secs(f.wall),
        format!("{:.1}", f.rate()),
        f.relay_cpu_cell(),
        format!("{lines} records ({status})"),
        got.len().to_string(),
        lost.to_string(),
    ]);

    for (stor, dir) in [(false, "bench/leg-appe"), (true, "bench/leg-stor")] {
        b.mkdir(dir);
        let file = format!("{dir}/chat.txt");
        let chat = format!("{dir}/chat");
        let make = |s: usize, m: usize| {
            let name = format!("s{s:02}");
            if stor {
                legacy_stor_cmd(&b, &pass.path, &file, &name, &msg(s, m))
            } else {
                legacy_send_cmd(&b, &pass.path, &chat, &name, &msg(s, m))
            }
        };
        let what = if stor {
            "legacy RETR+STOR"
        } else {
            "legacy APPE"
        };
        let r = burst(&b, WRITERS, PER_WRITER, &make, what);
        let data = fs::read(b.server.path(&file)).unwrap_or_default();
        let (lines, ok, _) = legacy_decode(&b, &pass.path, data.clone(), false);
        let lost = total.saturating_sub(ok);
        let key = if stor { "stor" } else { "appe" };
        ctx.keep(&format!("loss-{key}"), format!("{lost} of {total}"));
        ctx.keep(
            &format!("rate-{key}"),
            format!("{:.1} messages/s", r.rate()),
        );
        ctx.keep(&format!("relay-cpu-{key}"), r.relay_cpu_cell());
        if !stor {
            // Keep the file: its lines feed the decode-rate figure below.
            fs::write(b.ctx.tmp.path().join("appe-chat.txt"), &data).expect("keep chat file");
        }
        rows.push(vec![
            if stor {
                "original app, RETR + append + STOR (no APPE)".into()
            } else {
                "original app, APPE to the shared chat file".into()
            },
            r.sent.to_string(),
            r.failed.to_string(),
            secs(r.wall),
            format!("{:.1}", r.rate()),
            r.relay_cpu_cell(),
            format!("{lines} lines"),
            ok.to_string(),
            format!("{lost}{}", if lost > 0 { " **lost**" } else { "" }),
        ]);
    }
    ctx.table(
        &[
            "writer",
            "messages",
            "failed sends",
            "wall",
            "messages/s",
            "relay CPU per message",
            "in the room",
            "readable",
            "lost",
        ],
        &rows,
    );
    ctx.line("The app's sender derives its key with PBKDF2 (100,000 iterations) for every message, as the app does. \
              ftpchat messages are counted verified by `pull --all | decrypt --verify --json`; the app's lines by decoding the final chat file.");
    ctx.line("");

    // 5b. Delivery latency with 5 s polling readers.
    ctx.line(&format!(
        "**Delivery latency** with the app's readers (poll every {LEGACY_POLL} s, one login per poll, PBKDF2 per message decoded), \
         sender `ftpchat_legacy.py send` (APPE); {LAT_MESSAGES} messages {}-{} ms apart; lost = not shown within {} s. \
         ftpchat's figures are in part 2.",
        LAT_SPACING_MS.0,
        LAT_SPACING_MS.1,
        LEGACY_LOST_AFTER.as_secs()
    ));
    ctx.line("");
    let mut rows = Vec::new();
    let mut idle_rows = Vec::new();
    for n in [1, 20] {
        let dir = format!("bench/leg-lat-{n}");
        b.mkdir(&dir);
        let chat = format!("{dir}/chat");
        let file = format!("{chat}.txt");
        let (_, out) = run(
            &mut legacy_send_cmd(&b, &pass.path, &chat, "bench", "ready"),
            None,
            CMD_LIMIT,
            "legacy send",
        );
        expect_success(&out, "legacy seed send");
        let cmds = (0..n)
            .map(|_| legacy_watch_cmd(&b, b.server.port, &pass.path, &file))
            .collect();
        let (readers, rx) = start_readers(cmds, ReaderKind::Legacy);
        if !wait_all_printed(&rx, n, "ready", Duration::from_secs(90)) {
            ctx.line(&format!(
                "{n} legacy readers: not all showed the seed within 90 s; skipped"
            ));
            continue;
        }
        let send = |body: &str| {
            run(
                &mut legacy_send_cmd(&b, &pass.path, &chat, "bench", body),
                None,
                CMD_LIMIT,
                "legacy send",
            )
        };
        let l = latency_run(
            &b,
            readers,
            &rx,
            &send,
            LEGACY_LOST_AFTER,
            Some((Duration::ZERO, LEGACY_IDLE_WINDOW, "SIZE")),
        );
        let bounds = format!("{LEGACY_POLL} s");
        rows.push(latency_row("original app reader", n, &bounds, &l));
        ctx.keep(
            &format!("legacy-lat-{n}"),
            format!(
                "p50 {}, p99 {}, {} lost",
                ms(pct(&l.shown, 0.5)),
                ms(pct(&l.shown, 0.99)),
                l.lost
            ),
        );
        if let Some(i) = &l.idle {
            idle_rows.push(idle_row("original app reader", &bounds, i));
            let (t, s) = i.relay_ms_per_reader_s();
            ctx.keep(
                &format!("legacy-cpu-{n}"),
                format!("{:.3} ms/s", s.unwrap_or(t)),
            );
        }
    }
    ctx.table(&LATENCY_HEAD, &rows);
    ctx.line("Relay CPU while these readers poll an idle chat file (each poll is a new session: vsftpd forks and runs PAM for it):");
    ctx.line("");
    ctx.table(&IDLE_HEAD, &idle_rows);
    ctx.line("Each poll of these readers is a session that ends inside the interval: its CPU is counted when vsftpd reaps it (the parents' cutime+cstime, 10 ms ticks), so both CPU columns have tick resolution here.");
    ctx.line("");

    // 5c. Decode rate.
    ctx.line("**Decode rate** (lines/s):");
    ctx.line("");
    let appe = fs::read(b.ctx.tmp.path().join("appe-chat.txt")).unwrap_or_default();
    let first: Vec<u8> = appe
        .split_inclusive(|&c| c == b'\n')
        .take(PBKDF2_LINES)
        .flatten()
        .copied()
        .collect();
    let mut rows = Vec::new();
    let (n, ok, s) = legacy_decode(&b, &pass.path, first, true);
    ctx.keep(
        "decode-legacy-pbkdf2",
        format!("{:.1} lines/s", n as f64 / s),
    );
    rows.push(vec![
        "original app: PBKDF2 + Fernet per line (Python)".into(),
        n.to_string(),
        ok.to_string(),
        format!("{s:.2} s"),
        format!("{:.1}", n as f64 / s),
    ]);
    // 10,000 legacy lines made by ftpchat itself (encrypt --legacy).
    let input: String = (0..ONCE_LINES)
        .map(|i| format!("decode {i:05} {}\n", "x".repeat(60)))
        .collect();
    let mut c = owner.cmd(&b);
    c.args([
        "encrypt",
        "--legacy",
        "--lines",
        "--name",
        "alice",
        "--legacy-passphrase-file",
    ])
    .arg(&pass.path);
    let (_, out) = run(
        &mut c,
        Some(input.into_bytes()),
        CMD_LIMIT,
        "encrypt --legacy",
    );
    expect_success(&out, "encrypt --legacy --lines");
    let legacy_lines = out.stdout;
    let (n, ok, s) = legacy_decode(&b, &pass.path, legacy_lines.clone(), false);
    ctx.keep("decode-legacy-once", format!("{:.0} lines/s", n as f64 / s));
    rows.push(vec![
        "Fernet only, key derived once (Python)".into(),
        n.to_string(),
        ok.to_string(),
        format!("{s:.2} s"),
        format!("{:.0}", n as f64 / s),
    ]);
    let mut c = reader.cmd(&b);
    c.args(["decrypt", "--json", "--legacy-passphrase-file"])
        .arg(&pass.path);
    let (t, out) = run(&mut c, Some(legacy_lines), CMD_LIMIT, "decrypt legacy");
    let shown = out.stdout.iter().filter(|&&c| c == b'\n').count();
    ctx.keep(
        "decode-legacy-ftpchat",
        format!("{:.0} lines/s", ONCE_LINES as f64 / t.as_secs_f64()),
    );
    rows.push(vec![
        format!(
            "`ftpchat decrypt --legacy-passphrase-file` (one PBKDF2, whole process, exit {})",
            out.status.code().unwrap_or(-1)
        ),
        ONCE_LINES.to_string(),
        shown.to_string(),
        secs(t),
        format!("{:.0}", ONCE_LINES as f64 / t.as_secs_f64()),
    ]);
    ctx.table(&["decoder", "lines", "decoded", "time", "lines/s"], &rows);
    ctx.line(&format!(
        "ftpchat's own records: `decrypt --verify` rate in part 6, the in-process rate against the X25519 + Ed25519 floor in part 8. \
         The PBKDF2 figure uses the first {PBKDF2_LINES} lines of the APPE chat file above."
    ));
}
