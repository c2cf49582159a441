//! SFTP relays against a real OpenSSH sshd (tests/support/sshd.rs): host keys checked the
//! OpenSSH way, and every login method. The relay cycle, concurrency and legacy suites
//! run on sshd too, through `Target::all()` in tests/relay_cycle.rs and tests/legacy.rs.

#![allow(clippy::print_stderr, reason = "tests report what happened on stderr")]

mod common;
mod support;

use std::path::Path;
use std::process::Command;

use common::{Home, members, ok};

fn server() -> support::SshServer {
    support::sshd().expect("sshd (scripts/test installs openssh-server)")
}

/// `ftpchat send TEXT` to `url`, room `r`, as `home`, with no password.
fn send(home: &Home, url: &str, text: &str, extra: &[&str]) -> std::process::Output {
    home.cmd()
        .args(["send", text, "--relay", url, "--room", "r"])
        .args(extra)
        .output()
        .expect("send")
}

/// The same with the server's password in the environment.
fn send_pw(
    s: &support::SshServer,
    home: &Home,
    text: &str,
    extra: &[&str],
) -> std::process::Output {
    home.cmd()
        .args(["send", text, "--relay", &s.url(), "--room", "r"])
        .args(extra)
        .env("FTPCHAT_PASSWORD", &s.password)
        .output()
        .expect("send")
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `SHA256:...` of a public key line, as `ssh-keygen -l` prints it.
fn fingerprint(dir: &Path, key_line: &str) -> String {
    let file = dir.join("key.pub");
    std::fs::write(&file, format!("{key_line}\n")).expect("write");
    let out = Command::new("ssh-keygen")
        .arg("-lf")
        .arg(&file)
        .output()
        .expect("ssh-keygen");
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .nth(1)
        .expect("fingerprint")
        .to_string()
}

/// The bodies of every record of `room`, in order: `pull --all | decrypt --verify --json`
/// as `home`, failing unless every record and chain verifies.
fn verified_bodies(home: &Home, url: &str, password: &str, room: &str) -> Vec<String> {
    let all = ok(
        home.cmd()
            .args(["pull", "--all", "--relay", url, "--room", room])
            .env("FTPCHAT_PASSWORD", password)
            .output()
            .expect("pull"),
        "pull",
    );
    let shown = ok(
        home.cmd()
            .args(["decrypt", "--verify", "--json"])
            .write_stdin(all)
            .output()
            .expect("decrypt"),
        "every record and chain verifies",
    );
    shown
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).expect("json")["body"]
                .as_str()
                .expect("body")
                .to_string()
        })
        .collect()
}

fn known_hosts(home: &Home) -> std::path::PathBuf {
    home.path().join(".ssh/known_hosts")
}

#[test]
fn an_unknown_host_key_is_refused_without_a_terminal_and_recorded_when_asked() {
    let s = server();
    let (alice, _) = members();
    let out = alice
        .cmd()
        .args(["pull", "--all", "--relay", &s.url(), "--room", "r"])
        .env("FTPCHAT_PASSWORD", &s.password)
        .output()
        .expect("pull");
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(5), "{err}");
    let fp = fingerprint(alice.path(), &s.host_key);
    assert!(err.contains(&fp), "shows the fingerprint {fp}: {err}");
    assert!(
        err.contains("--accept-new-host-key") && err.contains("ssh-keyscan"),
        "{err}"
    );
    assert!(!known_hosts(&alice).exists(), "nothing recorded silently");
    let out = send_pw(&s, &alice, "first contact", &["--accept-new-host-key"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let recorded = std::fs::read_to_string(known_hosts(&alice)).expect("known_hosts");
    assert!(recorded.contains(&s.known_hosts_line()), "{recorded}");
    // Now known: no flag needed.
    let out = alice
        .cmd()
        .args(["pull", "--all", "--relay", &s.url(), "--room", "r"])
        .env("FTPCHAT_PASSWORD", &s.password)
        .output()
        .expect("pull");
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn a_changed_host_key_is_a_hard_failure_naming_both_keys_and_the_line() {
    let s = server();
    let (alice, _) = members();
    let other = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";
    std::fs::create_dir_all(alice.path().join(".ssh")).expect("mkdir");
    std::fs::write(
        known_hosts(&alice),
        format!("# mine\n[127.0.0.1]:{} {other}\n", s.port),
    )
    .expect("write");
    for extra in [&[][..], &["--accept-new-host-key"][..]] {
        let out = send_pw(&s, &alice, "x", extra);
        let err = stderr(&out);
        assert!(!out.status.success(), "{err}");
        assert!(err.contains("CHANGED"), "{err}");
        assert!(
            err.contains(&fingerprint(alice.path(), &s.host_key)),
            "{err}"
        );
        assert!(err.contains(&fingerprint(alice.path(), other)), "{err}");
        assert!(err.contains("known_hosts:2"), "names the line: {err}");
    }
}

#[test]
fn hashed_known_hosts_entries_are_matched() {
    let s = server();
    let (alice, _) = members();
    s.trust_in(alice.path());
    let hashed = Command::new("ssh-keygen")
        .arg("-H")
        .arg("-f")
        .arg(known_hosts(&alice))
        .output()
        .expect("ssh-keygen -H");
    assert!(hashed.status.success());
    let text = std::fs::read_to_string(known_hosts(&alice)).expect("read");
    assert!(
        text.starts_with("|1|") && !text.contains("127.0.0.1"),
        "{text}"
    );
    let out = send_pw(&s, &alice, "hashed", &[]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn logins_by_password_key_file_agent_and_ssh_config() {
    let s = server();
    let (alice, bob) = members();
    s.trust_in(alice.path());
    s.trust_in(bob.path());
    // Password (from the same sources as FTP).
    let out = alice
        .cmd()
        .args(["send", "by password", "--relay", &s.url(), "--room", "r"])
        .env("FTPCHAT_PASSWORD", &s.password)
        .output()
        .expect("send");
    assert!(out.status.success(), "{}", stderr(&out));
    // No method at all: a clear refusal, exit 4, the message kept for later.
    let out = send(&alice, &s.url(), "queued while locked out", &[]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(stderr(&out).contains("no login method"), "{}", stderr(&out));
    // A key file.
    let key = s.client_key.display().to_string();
    let out = send(&alice, &s.url(), "by key file", &["--ssh-key", &key]);
    assert!(out.status.success(), "{}", stderr(&out));
    // ssh-agent holding the key.
    let agent_dir = tempfile::tempdir().expect("dir");
    let out = Agent::holding(agent_dir.path(), &s.client_key).send(&alice, &s.url(), "by agent");
    assert!(out.status.success(), "{}", stderr(&out));
    // ~/.ssh/config names the host, port, user and key behind a short alias.
    std::fs::write(
        bob.path().join(".ssh/config"),
        format!(
            "Host relay\n  HostName 127.0.0.1\n  Port {}\n  User {}\n  IdentityFile {key}\n",
            s.port, s.user
        ),
    )
    .expect("config");
    let shown = ok(
        bob.cmd()
            .args(["watch", "--once", "--relay", "sftp://relay/", "--room", "r"])
            .output()
            .expect("watch"),
        "watch through ~/.ssh/config",
    );
    // The locked-out message went out with the next send that could log in.
    for text in [
        "by password",
        "queued while locked out",
        "by key file",
        "by agent",
    ] {
        assert!(shown.contains(text), "{text}: {shown}");
    }
}

/// `ssh-agent -D` on a socket of its own, holding one key; stopped when dropped.
struct Agent {
    child: std::process::Child,
    sock: std::path::PathBuf,
}

impl Agent {
    /// Starts an agent with its socket in `dir` and adds `key` to it.
    fn holding(dir: &Path, key: &Path) -> Agent {
        let sock = dir.join("agent.sock");
        let child = Command::new("ssh-agent")
            .arg("-D")
            .arg("-a")
            .arg(&sock)
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("ssh-agent");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while !sock.exists() && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let added = Command::new("ssh-add")
            .arg(key)
            .env("SSH_AUTH_SOCK", &sock)
            .output()
            .expect("ssh-add");
        assert!(
            added.status.success(),
            "{}",
            String::from_utf8_lossy(&added.stderr)
        );
        Agent { child, sock }
    }

    /// `ftpchat send TEXT` to `url`, room `r`, as `home`, logging in through this agent.
    fn send(&self, home: &Home, url: &str, text: &str) -> std::process::Output {
        home.cmd()
            .args(["send", text, "--relay", url, "--room", "r"])
            .env("SSH_AUTH_SOCK", &self.sock)
            .output()
            .expect("send")
    }
}

impl Drop for Agent {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn an_rsa_key_logs_in_through_ssh_agent_and_as_a_file_is_refused_saying_how() {
    let s = server();
    let (alice, _) = members();
    s.trust_in(alice.path());
    // An RSA key the server accepts.
    let dir = tempfile::tempdir().expect("dir");
    let key = dir.path().join("id_rsa");
    let made = Command::new("ssh-keygen")
        .args([
            "-q", "-t", "rsa", "-b", "3072", "-N", "", "-C", "rsa-test", "-f",
        ])
        .arg(&key)
        .output()
        .expect("ssh-keygen");
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let public = std::fs::read_to_string(key.with_extension("pub")).expect("pub");
    let authorized = s
        .client_key
        .parent()
        .expect("server dir")
        .join("authorized_keys");
    let mut keys = std::fs::read_to_string(&authorized).expect("authorized_keys");
    keys.push_str(&public);
    std::fs::write(&authorized, keys).expect("authorized_keys");
    // As a key file: refused (exit 4, kept for later), naming the way that works.
    let out = send(
        &alice,
        &s.url(),
        "rsa file",
        &["--ssh-key", &key.display().to_string()],
    );
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("RSA") && stderr(&out).contains("ssh-add"),
        "{}",
        stderr(&out)
    );
    // Through ssh-agent it logs in: the agent signs (rsa-sha2-256 or -512).
    let out = Agent::holding(dir.path(), &key).send(&alice, &s.url(), "by rsa agent");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        s.log().contains("Accepted publickey") && s.log().contains("RSA SHA256:"),
        "{}",
        s.log()
    );
}

/// A TCP proxy that cuts its first connection once the client has sent `cut_after`
/// bytes through it, and passes later connections untouched. (The FTP fault proxy reads
/// the control connection line by line, which SSH's binary packets do not fit.)
struct CuttingProxy {
    port: u16,
}

impl CuttingProxy {
    fn start(target: u16, cut_after: usize) -> CuttingProxy {
        use std::io::{Read as _, Write as _};
        use std::net::{Shutdown, TcpListener, TcpStream};
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        std::thread::spawn(move || {
            for (n, client) in listener.incoming().enumerate() {
                let Ok(client) = client else { continue };
                let Ok(server) = TcpStream::connect(("127.0.0.1", target)) else {
                    continue;
                };
                let budget = if n == 0 { cut_after } else { usize::MAX };
                let (c2, s2) = (
                    client.try_clone().expect("clone"),
                    server.try_clone().expect("clone"),
                );
                std::thread::spawn(move || {
                    let (mut from, mut to) = (c2, s2);
                    let mut sent = 0usize;
                    let mut buf = [0u8; 4096];
                    while let Ok(k) = from.read(&mut buf) {
                        if k == 0 || to.write_all(&buf[..k]).is_err() {
                            break;
                        }
                        sent += k;
                        if sent >= budget {
                            break;
                        }
                    }
                    let _ = from.shutdown(Shutdown::Both);
                    let _ = to.shutdown(Shutdown::Both);
                });
                std::thread::spawn(move || {
                    let (mut from, mut to) = (server, client);
                    let _ = std::io::copy(&mut from, &mut to);
                    let _ = from.shutdown(Shutdown::Both);
                    let _ = to.shutdown(Shutdown::Both);
                });
            }
        });
        CuttingProxy { port }
    }
}

/// A connection cut in the middle of a push over SFTP: what was cut is delivered later,
/// every chain still verifies, and nothing is lost or doubled.
#[test]
fn a_connection_cut_mid_push_loses_nothing() {
    let s = server();
    let (alice, bob) = members();
    s.trust_in(bob.path());
    // About 40 KB into the first session: past the handshake and login, inside the
    // records' appends.
    let proxy = CuttingProxy::start(s.port, 40_000);
    std::fs::create_dir_all(alice.path().join(".ssh")).expect("mkdir");
    std::fs::write(
        known_hosts(&alice),
        format!("[127.0.0.1]:{} {}\n", proxy.port, s.host_key),
    )
    .expect("known_hosts");
    let via = format!("sftp://{}@127.0.0.1:{}/", s.user, proxy.port);
    let lines: String = (0..100).map(|i| format!("record {i}\n")).collect();
    let records = ok(
        alice
            .cmd()
            .args(["encrypt", "--lines"])
            .write_stdin(lines)
            .output()
            .expect("encrypt"),
        "encrypt",
    );
    let out = alice
        .cmd()
        .args(["push", "--relay", &via, "--room", "r"])
        .env("FTPCHAT_PASSWORD", &s.password)
        .write_stdin(records)
        .output()
        .expect("push");
    let err = stderr(&out);
    eprintln!("push through the cut: {:?} {err}", out.status.code());
    assert!(
        matches!(out.status.code(), Some(0 | 3)),
        "delivered or queued: {err}"
    );
    if out.status.code() == Some(3) {
        ok(
            alice
                .cmd()
                .args(["outbox", "flush"])
                .env("FTPCHAT_PASSWORD", &s.password)
                .output()
                .expect("flush"),
            "outbox flush",
        );
    }
    let bodies = verified_bodies(&bob, &s.url(), &s.password, "r");
    let want: Vec<String> = (0..100).map(|i| format!("record {i}")).collect();
    assert_eq!(bodies, want);
}

/// `ftpchat ARGS` in a tmux terminal as `home` (with `env` set), then `EXIT=<code>`.
struct Terminal {
    socket: String,
}

impl Terminal {
    fn run(home: &Home, env: &[(&str, &str)], args: &[&str]) -> Terminal {
        assert!(
            common::have("tmux"),
            "tmux is needed (scripts/test installs it)"
        );
        let socket = home.path().join("tmux.sock").display().to_string();
        let mut script = format!(
            "env -i HOME={} FTPCHAT_HOME={} USER=tester TERM=xterm",
            home.path().display(),
            home.config().display()
        );
        for (k, v) in env {
            script.push_str(&format!(" {k}={v}"));
        }
        script.push_str(&format!(
            " {}",
            assert_cmd::cargo::cargo_bin("ftpchat").display()
        ));
        for a in args {
            script.push_str(&format!(" {a}"));
        }
        script.push_str("; echo EXIT=$?; sleep 60");
        let t = Terminal { socket };
        assert!(
            t.tmux(&["new-session", "-d", "-x", "150", "-y", "40", &script])
                .status
                .success()
        );
        t
    }

    fn tmux(&self, args: &[&str]) -> std::process::Output {
        Command::new("tmux")
            .args(["-S", &self.socket])
            .args(args)
            .output()
            .expect("tmux")
    }

    fn wait_for(&self, text: &str) -> String {
        let end = std::time::Instant::now() + std::time::Duration::from_secs(20);
        loop {
            let now =
                String::from_utf8_lossy(&self.tmux(&["capture-pane", "-p"]).stdout).into_owned();
            if now.contains(text) {
                return now;
            }
            assert!(
                std::time::Instant::now() < end,
                "no {text:?} on screen:\n{now}"
            );
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys"];
        args.extend_from_slice(keys);
        assert!(self.tmux(&args).status.success());
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        let _ = self.tmux(&["kill-server"]);
    }
}

/// On a terminal an unknown host key is asked about, as `ssh` asks: the fingerprint is
/// shown, and a yes records the key.
#[test]
fn on_a_terminal_an_unknown_host_key_is_asked_about() {
    let s = server();
    let (alice, _) = members();
    let url = s.url();
    let term = Terminal::run(
        &alice,
        &[("FTPCHAT_PASSWORD", &s.password)],
        &["pull", "--all", "--relay", &url, "--room", "r"],
    );
    let asked = term.wait_for("Are you sure");
    assert!(
        asked.contains(&fingerprint(alice.path(), &s.host_key)),
        "{asked}"
    );
    term.keys(&["y"]);
    let done = term.wait_for("EXIT=");
    assert!(done.contains("EXIT=0"), "{done}");
    let recorded = std::fs::read_to_string(known_hosts(&alice)).expect("known_hosts");
    assert!(recorded.contains(&s.known_hosts_line()), "{recorded}");
}

/// On a terminal an encrypted key's passphrase is asked for (and never without one).
#[test]
fn on_a_terminal_an_encrypted_key_asks_its_passphrase() {
    let s = server();
    let (alice, _) = members();
    s.trust_in(alice.path());
    let key = alice.path().join("locked_key");
    std::fs::copy(&s.client_key, &key).expect("copy key");
    let locked = Command::new("ssh-keygen")
        .args(["-q", "-p", "-P", "", "-N", "open sesame", "-f"])
        .arg(&key)
        .output()
        .expect("ssh-keygen -p");
    assert!(
        locked.status.success(),
        "{}",
        String::from_utf8_lossy(&locked.stderr)
    );
    let key = key.display().to_string();
    // Without a terminal: refused, saying what to do.
    let out = send(&alice, &s.url(), "x", &["--ssh-key", &key]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(stderr(&out).contains("encrypted"), "{}", stderr(&out));
    let url = s.url();
    let term = Terminal::run(
        &alice,
        &[],
        &[
            "pull",
            "--all",
            "--relay",
            &url,
            "--room",
            "r",
            "--ssh-key",
            &key,
        ],
    );
    term.wait_for("Enter passphrase for key");
    term.keys(&["open sesame", "Enter"]);
    let done = term.wait_for("EXIT=");
    assert!(done.contains("EXIT=0"), "{done}");
    assert!(
        !done.contains("open sesame"),
        "the passphrase is not echoed: {done}"
    );
}

/// rclone's SFTP server (1.60) takes the append flag and replaces the file. The probe
/// finds that before the first real append, and feeds are rewritten instead (each
/// writer rewrites only its own): 20 writers x 10 messages at once lose nothing.
#[test]
fn a_server_that_ignores_the_append_flag_is_found_and_nothing_is_lost() {
    let r = support::rclone_sftp().expect("rclone (scripts/test installs it)");
    let owner = Home::new();
    owner.keys();
    let homes: Vec<Home> = (0..20)
        .map(|_| {
            let h = Home::joining(&owner);
            r.trust_in(h.path());
            h
        })
        .collect();
    r.trust_in(owner.path());
    let url = r.url();
    let children: Vec<_> = homes
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let script = format!(
                "for n in 1 2 3 4 5 6 7 8 9 10; do \"$0\" send --name w{i} --relay {url} --room busy \"w{i} m$n\" || exit 1; done"
            );
            // The same clean environment as `Home::std_cmd`, around a shell loop.
            let c = h.std_cmd();
            let mut sh = Command::new("sh");
            sh.arg("-c").arg(script).arg(c.get_program()).env_clear();
            for (k, v) in c.get_envs() {
                if let Some(v) = v {
                    sh.env(k, v);
                }
            }
            sh.env("FTPCHAT_PASSWORD", &r.password)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("spawn")
        })
        .collect();
    for c in children {
        let out = c.wait_with_output().expect("wait");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let mut bodies = verified_bodies(&owner, &url, &r.password, "busy");
    bodies.sort();
    bodies.dedup();
    assert_eq!(bodies.len(), 200, "{bodies:?}");
    let probe_left = std::fs::read_dir(r.root.join("busy"))
        .expect("room dir")
        .filter_map(Result::ok)
        .any(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with(".ftpchat-append-probe")
        });
    assert!(!probe_left, "the probe's scratch file is removed");
    // The room's own append probe found the same, and each writer remembers it.
    for h in &homes {
        let v = common::append_verdicts(h);
        assert!(
            v.len() == 1 && v[0].contains("\"appends\": false") && v[0].contains("replaced"),
            "{v:?}"
        );
    }
}
