//! Part 8, streaming and several relays: records/s of one streaming `push` against one
//! `push` process per record, to the same vsftpd in the same run; and send-to-watch
//! delivery latency for a room on one relay, on two relays (two vsftpd instances), and on
//! two relays with the first one stopped.

use super::*;

/// Records the streaming `push` takes in one run.
const STREAM_RECORDS: usize = 5_000;
/// Records sent one `push` process each (the baseline).
const PER_PROCESS_RECORDS: usize = 100;
/// Messages per latency run.
const MIRROR_MESSAGES: usize = 10;

pub(crate) fn part8_streaming(ctx: &Ctx) {
    ctx.section("8. Streaming push and rooms on several relays");
    let b = ctx.bench();
    let writer = Home::member(&b, None);
    let room = "stream";
    b.mkdir(room);

    // The records, made beforehand (encryption is not what is measured here).
    let bodies: String = (0..STREAM_RECORDS + PER_PROCESS_RECORDS)
        .map(|i| format!("notice {i:06} {}\n", "x".repeat(60)))
        .collect();
    let (_, out) = run(
        writer
            .cmd(&b)
            .args(["encrypt", "--lines", "--name", "bench"]),
        Some(bodies.into_bytes()),
        CMD_LIMIT,
        "encrypt --lines",
    );
    expect_success(&out, "encrypt --lines");
    let lines: Vec<String> = String::from_utf8(out.stdout)
        .expect("utf8")
        .lines()
        .map(str::to_owned)
        .collect();
    assert_eq!(lines.len(), STREAM_RECORDS + PER_PROCESS_RECORDS);
    let (per_process, streamed) = lines.split_at(PER_PROCESS_RECORDS);

    // The records are pushed by another home, as a mirror or a relay bridge would: the
    // writer's own push would deliver its whole journal at once.
    let pusher = Home::reader(&writer);

    // Baseline: one `push` process per record.
    let relay = b.relay(room);
    let before = b.commands().len();
    let start = Instant::now();
    for l in per_process {
        let (_, out) = run(
            pusher.cmd(&b).arg("push").args(&relay),
            Some(format!("{l}\n").into_bytes()),
            CMD_LIMIT,
            "push (one record)",
        );
        expect_success(&out, "push (one record)");
    }
    let one_each = start.elapsed();
    let one_each_rate = PER_PROCESS_RECORDS as f64 / one_each.as_secs_f64();
    let one_each_commands = verb_counts(&b, before);

    // One streaming push: the records written to its stdin as fast as it reads them.
    let input: Vec<u8> = streamed
        .iter()
        .flat_map(|l| format!("{l}\n").into_bytes())
        .collect();
    let before = b.commands().len();
    let (took, out) = run(
        pusher.cmd(&b).arg("push").args(&relay),
        Some(input),
        CMD_LIMIT,
        "push (streaming)",
    );
    expect_success(&out, "push (streaming)");
    let streamed_commands = verb_counts(&b, before);
    let stream_rate = STREAM_RECORDS as f64 / took.as_secs_f64();
    let on_relay = fs::read_dir(b.server.path(room))
        .expect("room dir")
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "log"))
        .map(|e| {
            fs::read_to_string(e.path())
                .unwrap_or_default()
                .lines()
                .count()
        })
        .sum::<usize>();
    ctx.table(
        &[
            "how",
            "records",
            "time",
            "records/s",
            "FTP commands (vsftpd's log)",
        ],
        &[
            vec![
                "one `push` process per record".into(),
                PER_PROCESS_RECORDS.to_string(),
                secs(one_each),
                format!("{one_each_rate:.0}"),
                one_each_commands,
            ],
            vec![
                "one streaming `push`".into(),
                STREAM_RECORDS.to_string(),
                secs(took),
                format!("{stream_rate:.0}"),
                streamed_commands,
            ],
        ],
    );
    ctx.line(&format!(
        "Records on the relay afterwards: {on_relay} of {} (none lost). Ratio streaming / \
         one process each: {:.1}x.",
        STREAM_RECORDS + PER_PROCESS_RECORDS,
        stream_rate / one_each_rate
    ));
    ctx.target(
        "streaming `push`, one session, records/s to vsftpd",
        &format!(
            "{stream_rate:.0}/s ({:.1}x one process per record)",
            stream_rate / one_each_rate
        ),
        ">= 500/s",
        Some(stream_rate >= 500.0 && on_relay == STREAM_RECORDS + PER_PROCESS_RECORDS),
    );

    // Delivery latency: one relay, two relays, two relays with the first one down.
    let second = ctx.bench();
    let mroom = "mirrored";
    b.mkdir(mroom);
    second.mkdir(mroom);
    let first_url = b.server.url_with_port(b.server.port, &format!("/{mroom}"));
    let second_url = second
        .server
        .url_with_port(second.server.port, &format!("/{mroom}"));
    let reader = Home::reader(&writer);
    let both = vec![
        "--relay".to_string(),
        first_url.clone(),
        "--mirror".into(),
        second_url.clone(),
    ];
    let one = vec!["--relay".to_string(), first_url.clone()];
    // Both servers share the test account's password; netrc-free: FTPCHAT_PASSWORD serves both.
    let mut rows = Vec::new();
    let runs: [(&str, &Vec<String>, bool); 3] = [
        ("one relay", &one, false),
        ("two relays", &both, false),
        ("two relays, the first one hung (SIGSTOP)", &both, true),
    ];
    let mut p50s = Vec::new();
    let mut stopped = false;
    for (label, relays, first_down) in runs {
        if first_down {
            // Stand in for a dead relay: its port now answers nothing (vsftpd stopped).
            stopped = true;
            signal("STOP", &b.server.processes());
        }
        let l = mirror_latency(&b, &writer, &reader, relays, label);
        p50s.push(l.p50);
        rows.push(vec![
            label.to_string(),
            MIRROR_MESSAGES.to_string(),
            ms(l.p50),
            ms(l.max),
            ms(l.send_p50),
            l.lost.to_string(),
        ]);
    }
    if stopped {
        signal("CONT", &b.server.processes());
    }
    ctx.table(
        &[
            "room on",
            "messages",
            "p50 send→shown",
            "max",
            "p50 `send` exit",
            "lost",
        ],
        &rows,
    );
    ctx.line(
        "Each message: from the start of `send` until the reader's `watch --json` printed \
         it, and until `send` exited. With the first relay stopped (SIGSTOP: connections \
         are accepted by the kernel and then hang until --io-timeout 2 s), `send` delivers \
         to both relays at once and `watch` polls them at once, so the mirror carries the \
         message meanwhile.",
    );
    ctx.figure(
        "delivery latency p50, one relay / two relays / first of two stopped",
        &format!("{} / {} / {}", ms(p50s[0]), ms(p50s[1]), ms(p50s[2])),
    );
    padding_cost(ctx);
}

/// What padding (envelope version 2) costs on the relay, per record line, against the
/// unpadded version 1 of the same messages: sealed in-process, 50 times per size (the age
/// header's grease stanza varies in length).
fn padding_cost(ctx: &Ctx) {
    use ftpchat::protocol::encoding::b64;
    use ftpchat::protocol::keys::{DeviceIdentity, RoomKey};
    use ftpchat::protocol::record::{self, ENVELOPE_VERSION, Envelope};
    let key = RoomKey::generate();
    let id = DeviceIdentity::generate();
    let line_len = |v: u32, body: &str| -> f64 {
        let total: usize = (0..50)
            .map(|_| {
                let e = Envelope {
                    seen: Default::default(),
                    v,
                    room: key.room_id().to_string(),
                    from: b64(id.signing_key().verifying_key().as_bytes()),
                    name: "alice".into(),
                    seq: 1,
                    prev: None,
                    ts: "2026-12-04T10:00:00.000Z".into(),
                    kind: "message".into(),
                    body: body.into(),
                };
                record::seal(&e, id.signing_key(), &key.current_recipient())
                    .expect("seal")
                    .len()
            })
            .sum();
        total as f64 / 50.0
    };
    let mut rows = Vec::new();
    for len in [16, 64, 140, 280, 1_000, 4_000, 16_000] {
        let body = "m".repeat(len);
        let (plain, padded) = (line_len(1, &body), line_len(ENVELOPE_VERSION, &body));
        rows.push(vec![
            len.to_string(),
            format!("{plain:.0}"),
            format!("{padded:.0}"),
            format!("{:+.0}", padded - plain),
            format!("{:+.0}%", (padded / plain - 1.0) * 100.0),
        ]);
    }
    ctx.line("Padding (envelope version 2): record line bytes on the relay, mean of 50 seals.");
    ctx.line("");
    ctx.table(
        &[
            "body bytes",
            "line, unpadded (v1)",
            "line, padded (v2)",
            "cost",
            "cost %",
        ],
        &rows,
    );
    ctx.figure(
        "padding cost per record line, 140-byte message",
        &format!("{} bytes ({})", rows[2][3], rows[2][4]),
    );
}

/// Counts of the commands vsftpd logged after the first `before`, as `APPE 1, RETR 2`
/// (waiting briefly: vsftpd writes its log as sessions go).
fn verb_counts(b: &Bench, before: usize) -> String {
    thread::sleep(Duration::from_millis(300));
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for v in verbs(&b.commands()[before..]) {
        *counts.entry(v).or_default() += 1;
    }
    counts
        .into_iter()
        .filter(|(v, _)| ["APPE", "STOR", "RETR", "SIZE", "USER"].contains(&v.as_str()))
        .map(|(v, n)| format!("{v} {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// (p50, max, lost) of send → shown for a room on `relays`.
fn mirror_latency(
    b: &Bench,
    writer: &Home,
    reader: &Home,
    relays: &[String],
    label: &str,
) -> Latency {
    let mut c = reader.cmd(b);
    c.stderr(Stdio::null());
    c.args(["watch", "--json", "--poll-min", "0.05", "--poll-max", "0.2"])
        .args(["--connect-timeout", "1", "--io-timeout", "2"])
        .args(relays);
    let (watchers, rx) = start_readers(vec![c], ReaderKind::Ftpchat);
    // Let the watcher read what is there and settle into its idle interval.
    while rx.recv_timeout(Duration::from_secs(2)).is_ok() {}
    let mut took = Vec::new();
    let mut exits = Vec::new();
    let mut lost = 0;
    for i in 0..MIRROR_MESSAGES {
        let body = format!("{label} {i}");
        let start = Instant::now();
        let mut c = writer.cmd(b);
        c.args(["send", "--name", "bench"])
            .args(["--connect-timeout", "1", "--io-timeout", "2"])
            .args(relays)
            .arg(&body)
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let send = c.spawn().expect("send");
        if wait_all_printed(&rx, 1, &body, LOST_AFTER) {
            took.push(start.elapsed());
        } else {
            lost += 1;
        }
        let st = wait_limited(send, CMD_LIMIT).expect("send ended");
        assert!(st.success(), "send: {st}");
        exits.push(start.elapsed());
    }
    drop(watchers);
    let s = sorted(took);
    let e = sorted(exits);
    Latency {
        p50: pct(&s, 0.5),
        max: s.last().copied().unwrap_or_default(),
        lost,
        send_p50: pct(&e, 0.5),
    }
}

struct Latency {
    p50: Duration,
    max: Duration,
    lost: usize,
    /// How long `send` itself took to exit.
    send_p50: Duration,
}
