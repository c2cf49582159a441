//! SFTP relays against a real OpenSSH sshd (tests/support/sshd.rs): host keys checked the
//! OpenSSH way, and every login method. The relay cycle, concurrency and legacy suites
//! run on sshd too, through `Target::all()` in tests/relay_cycle.rs and tests/legacy.rs.

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
    let sock = agent_dir.path().join("agent.sock");
    let mut agent = Command::new("ssh-agent")
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
        .arg(&s.client_key)
        .env("SSH_AUTH_SOCK", &sock)
        .output()
        .expect("ssh-add");
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    let out = alice
        .cmd()
        .args(["send", "by agent", "--relay", &s.url(), "--room", "r"])
        .env("SSH_AUTH_SOCK", &sock)
        .output()
        .expect("send");
    let _ = agent.kill();
    let _ = agent.wait();
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
