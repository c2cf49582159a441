//! Part 10, SFTP: `ftpchat send` over SFTP against `curl --append` of a record of the same
//! size to the same OpenSSH sshd (internal-sftp, chrooted, password login for both), a
//! fresh process each, interleaved; and 100 concurrent senders x 10 messages over SFTP,
//! ftpchat against curl, with every ftpchat message checked.

use super::*;

/// Runs of each sender in the side-by-side.
const SFTP_RUNS: usize = 30;

/// `--relay sftp://... --room ROOM`.
fn sftp_relay(server: &support::SshServer, room: &str) -> [String; 4] {
    ["--relay".into(), server.url(), "--room".into(), room.into()]
}

/// `curl --append -T PAYLOAD sftp://user:password@127.0.0.1:PORT/data/REL` with the
/// server's key trusted through `home`'s known_hosts.
fn curl_sftp(server: &support::SshServer, home: &Home, payload: &Path, rel: &str) -> Command {
    let mut c = Command::new("curl");
    c.env("HOME", home.dir.path())
        .args(["-sS", "--append", "-T"])
        .arg(payload)
        .arg(format!(
            "sftp://{}:{}@127.0.0.1:{}/data/{rel}",
            server.user, server.password, server.port
        ));
    c
}

pub(crate) fn part10_sftp(ctx: &Ctx) {
    ctx.section(&format!(
        "10. SFTP: `ftpchat send` vs `curl --append` over SFTP ({SFTP_RUNS} runs each, interleaved), and {TP_SENDERS} concurrent senders x {TP_PER_SENDER}"
    ));
    let b = ctx.bench();
    let server = support::sshd().expect("sshd (scripts/test installs openssh-server)");
    // `sshd -V` prints its version on stderr.
    let version = Command::new("/usr/sbin/sshd")
        .arg("-V")
        .output()
        .map(|o| {
            String::from_utf8_lossy(&o.stderr)
                .lines()
                .next()
                .unwrap_or_default()
                .trim()
                .to_owned()
        })
        .unwrap_or_default();
    ctx.meta(
        "sshd",
        if version.is_empty() {
            "OpenSSH (version not reported)"
        } else {
            &version
        },
    );
    let sender = Home::member(&b, None);
    server.trust_in(sender.dir.path());
    let room = "send";
    let body = send_body;
    let relay = sftp_relay(&server, room);
    let (_, out) = sender.send_to(&b, &relay, &body(0));
    expect_success(&out, "warm-up send over SFTP");
    let other = Home::member(&b, Some(&sender));
    let record = median_record(&b, &other, &body(0), SFTP_RUNS);
    let payload = other.dir.path().join("record.txt");
    fs::write(&payload, record.as_bytes()).expect("write payload");
    let curl = || {
        run(
            &mut curl_sftp(
                &server,
                &sender,
                &payload,
                &format!("{room}/curl-append.dat"),
            ),
            None,
            CMD_LIMIT,
            "curl --append sftp",
        )
    };
    let (_, out) = curl();
    expect_success(&out, "warm-up curl --append over SFTP");
    let (mut send_t, mut curl_t) = (Vec::new(), Vec::new());
    let (mut send_fail, mut curl_fail) = (0, 0);
    for i in 1..=SFTP_RUNS {
        let (t, out) = sender.send_to(&b, &relay, &body(i));
        send_fail += usize::from(!out.status.success());
        send_t.push(t);
        let (t, out) = curl();
        curl_fail += usize::from(!out.status.success());
        curl_t.push(t);
    }
    let (s, c) = (sorted(send_t), sorted(curl_t));
    let rows: Vec<Vec<String>> = [
        ("ftpchat send (sftp://)", &s, send_fail),
        ("curl --append (sftp://, libssh2)", &c, curl_fail),
    ]
    .into_iter()
    .map(|(name, v, fails)| {
        let mut row = vec![name.to_string()];
        row.extend(time_cells(v));
        row.push(fails.to_string());
        row
    })
    .collect();
    ctx.table(&["", "median", "p90", "min", "max", "failures"], &rows);
    let ratio = pct(&s, 0.5).as_secs_f64() / pct(&c, 0.5).as_secs_f64();
    ctx.line(&format!(
        "Bytes per upload: curl payload {} (the median of {SFTP_RUNS} records of the same body); `send` appends its own record of that body and touches the change marker. Both log in with the password.",
        record.len()
    ));
    ctx.target(
        &format!("`send` / `curl --append` over SFTP, median of {SFTP_RUNS} fresh processes"),
        &format!("{ratio:.2}x ({} / {})", ms(pct(&s, 0.5)), ms(pct(&c, 0.5))),
        "<= 1.3x",
        Some(ratio <= 1.3 && send_fail + curl_fail == 0),
    );

    // Throughput: each sender its own identity (feed) or its own curl file.
    let owner = Home::member(&b, None);
    server.trust_in(owner.dir.path());
    let senders: Vec<Home> = (0..TP_SENDERS)
        .map(|_| {
            let h = Home::member(&b, Some(&owner));
            server.trust_in(h.dir.path());
            h
        })
        .collect();
    let room = "tp";
    let tp_body = |s: usize, m: usize| format!("tp s{s:03} m{m:02} {}", "x".repeat(60));
    let tp_record = median_record(&b, &owner, &tp_body(0, 0), 30);
    let tp_payload = owner.dir.path().join("tp-record.txt");
    fs::write(&tp_payload, tp_record.as_bytes()).expect("write payload");
    fs::create_dir_all(server.root.join("tp-curl")).expect("curl dir");
    let (uid, gid) = {
        use std::os::unix::fs::MetadataExt as _;
        let m = fs::metadata(&server.root).expect("sftp root");
        (m.uid(), m.gid())
    };
    std::os::unix::fs::chown(server.root.join("tp-curl"), Some(uid), Some(gid)).expect("chown");
    let burst_of = |make: &(dyn Fn(usize, usize) -> Command + Sync), what: &str| {
        let (wall, results) = concurrently(TP_SENDERS, |s| {
            (0..TP_PER_SENDER)
                .map(|m| {
                    let (_, o) = run(&mut make(s, m), None, CMD_LIMIT, what);
                    if !o.status.success() {
                        eprintln!(
                            "{what} {s}/{m} failed: {}",
                            String::from_utf8_lossy(&o.stderr).trim()
                        );
                    }
                    o.status.success()
                })
                .filter(|ok| !ok)
                .count()
        });
        (wall, results.into_iter().sum::<usize>())
    };
    let mut rows = Vec::new();
    let total = TP_SENDERS * TP_PER_SENDER;
    let send_cmd = |s: usize, m: usize| {
        let mut c = senders[s].cmd(&b);
        c.arg("send").args(sftp_relay(&server, room)).args([
            "--name",
            &format!("s{s:03}"),
            &tp_body(s, m),
        ]);
        c
    };
    let (f_wall, f_failed) = burst_of(&send_cmd, "ftpchat send sftp");
    // Every message checked: pull --all | decrypt --verify --json, by body.
    let reader = Home::reader(&owner);
    server.trust_in(reader.dir.path());
    let (_, pulled) = run(
        reader
            .cmd(&b)
            .args(["pull", "--all"])
            .args(sftp_relay(&server, room)),
        None,
        CMD_LIMIT,
        "pull --all sftp",
    );
    expect_success(&pulled, "pull --all over SFTP");
    let (_, decrypted) = run(
        reader.cmd(&b).args(["decrypt", "--verify", "--json"]),
        Some(pulled.stdout),
        CMD_LIMIT,
        "decrypt --verify",
    );
    let got: BTreeSet<String> = String::from_utf8_lossy(&decrypted.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["verified"] == serde_json::Value::Bool(true))
        .filter_map(|v| v["body"].as_str().map(str::to_owned))
        .collect();
    let want: BTreeSet<String> = (0..TP_SENDERS)
        .flat_map(|s| (0..TP_PER_SENDER).map(move |m| tp_body(s, m)))
        .collect();
    let lost = want.difference(&got).count();
    let f_rate = total as f64 / f_wall.as_secs_f64();
    rows.push(vec![
        "ftpchat send (sftp://)".into(),
        total.to_string(),
        f_failed.to_string(),
        secs(f_wall),
        format!("{f_rate:.1}"),
        format!(
            "{} verified, {lost} lost (decrypt --verify exit {})",
            got.len(),
            decrypted.status.code().unwrap_or(-1)
        ),
    ]);
    let curl_cmd = |s: usize, _m: usize| {
        curl_sftp(
            &server,
            &senders[s],
            &tp_payload,
            &format!("tp-curl/s{s:03}.dat"),
        )
    };
    let (c_wall, c_failed) = burst_of(&curl_cmd, "curl --append sftp");
    let appended: u64 = (0..TP_SENDERS)
        .map(|s| {
            fs::metadata(server.root.join(format!("tp-curl/s{s:03}.dat"))).map_or(0, |m| m.len())
        })
        .sum();
    let c_rate = total as f64 / c_wall.as_secs_f64();
    rows.push(vec![
        "curl --append (sftp://)".into(),
        total.to_string(),
        c_failed.to_string(),
        secs(c_wall),
        format!("{c_rate:.1}"),
        format!(
            "{} records of {} B",
            appended / tp_record.len() as u64,
            tp_record.len()
        ),
    ]);
    ctx.table(
        &[
            "sender",
            "messages",
            "failed",
            "wall",
            "messages/s",
            "on the relay",
        ],
        &rows,
    );
    let ratio = f_rate / c_rate;
    ctx.target(
        &format!(
            "throughput over SFTP, {TP_SENDERS} concurrent senders x {TP_PER_SENDER}: ftpchat / curl rate"
        ),
        &format!("{ratio:.2}x ({f_rate:.1} / {c_rate:.1} messages/s), {lost} lost"),
        ">= 1.0x, 0 lost",
        Some(ratio >= 1.0 && lost == 0),
    );
    ctx.line("One round each (ftpchat first). sshd runs with `MaxStartups 100` (the default 10:30:100 drops concurrent logins beyond 10).");
}
