//! What curl and lftp users expect of an FTP client: a login from `~/.netrc` for a URL
//! without a user, `--netrc-file`, `-v` showing the dialogue with the password redacted,
//! active mode, and implicit FTPS. Against real vsftpd servers on loopback.

mod common;
mod support;

use common::{Home, have, ok};
use predicates::prelude::*;

fn vsftpd(server: Option<support::FtpServer>) -> Option<support::FtpServer> {
    assert!(
        server.is_some() || !have("vsftpd"),
        "vsftpd is installed but did not start"
    );
    server
}

#[test]
fn a_url_without_user_takes_the_login_from_netrc_and_v_redacts_the_password() {
    let Some(server) = vsftpd(support::vsftpd()) else {
        return;
    };
    let home = Home::new();
    home.keys();
    let netrc = home.path().join("my-netrc");
    std::fs::write(
        &netrc,
        format!(
            "machine 127.0.0.1 login {} password {}\n",
            server.user, server.password
        ),
    )
    .expect("netrc");
    let url = format!("ftp://127.0.0.1:{}/", server.port);
    let out = home
        .cmd()
        .args(["-v", "send", "via netrc", "--relay", &url, "--room", "n"])
        .arg("--netrc-file")
        .arg(&netrc)
        .output()
        .expect("send");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "send failed: {stderr}");
    assert!(
        stderr.contains(&format!("> USER {}", server.user)),
        "-v shows the login taken from the netrc file: {stderr}"
    );
    assert!(stderr.contains("> PASS ****"), "{stderr}");
    assert!(stderr.contains("< 230"), "-v shows replies: {stderr}");
    assert!(
        !stderr
            .lines()
            .zip(stderr.lines().skip(1))
            .any(|(a, b)| a == b && a.starts_with("< ")),
        "each reply line once: {stderr}"
    );
    assert!(
        !stderr.contains(&server.password),
        "the password never reaches stderr: {stderr}"
    );
    // The same login through the default ~/.netrc, and the record is really there.
    std::fs::copy(&netrc, home.path().join(".netrc")).expect("copy netrc");
    let shown = ok(
        home.cmd()
            .args(["pull", "--all", "--relay", &url, "--room", "n"])
            .output()
            .expect("pull"),
        "pull",
    );
    assert_eq!(shown.lines().count(), 1, "one record: {shown}");

    // A --netrc-file that does not exist is an error naming it, not a silent anonymous login.
    home.cmd()
        .args(["send", "x", "--relay", &url, "--room", "n"])
        .args(["--netrc-file", "/nonexistent/netrc"])
        .assert()
        .code(6)
        .stderr(predicate::str::contains("/nonexistent/netrc"));
}

#[test]
fn active_mode_uses_port_or_eprt_and_never_passive() {
    let Some(server) = vsftpd(support::vsftpd()) else {
        return;
    };
    let home = Home::new();
    home.keys();
    let url = server.url("/");
    for msg in ["one", "two"] {
        home.cmd()
            .args(["send", msg, "--active", "--relay", &url, "--room", "a"])
            .env("FTPCHAT_PASSWORD", &server.password)
            .assert()
            .success();
    }
    let shown = ok(
        home.cmd()
            .args(["pull", "--all", "--active", "--relay", &url, "--room", "a"])
            .env("FTPCHAT_PASSWORD", &server.password)
            .output()
            .expect("pull"),
        "pull --active",
    );
    assert_eq!(shown.lines().count(), 2, "{shown}");
    let active = server.command_count("PORT") + server.command_count("EPRT");
    let passive = server.command_count("PASV") + server.command_count("EPSV");
    assert!(active > 0, "data connections were made in active mode");
    assert_eq!(
        passive,
        0,
        "no passive data connection: {:?}",
        server.commands()
    );
}

#[test]
fn implicit_ftps_round_trip_without_auth_tls() {
    let Some(server) = vsftpd(support::vsftpd_ftps_implicit()) else {
        return;
    };
    let ca = server.ca_file.clone().expect("CA");
    let home = Home::new();
    home.keys();
    let url = server.url("/");
    home.cmd()
        .args([
            "send",
            "over implicit TLS",
            "--implicit-tls",
            "--relay",
            &url,
        ])
        .args(["--room", "i", "--ca-file"])
        .arg(&ca)
        .env("FTPCHAT_PASSWORD", &server.password)
        .assert()
        .success();
    let shown = ok(
        home.cmd()
            .args([
                "pull",
                "--all",
                "--implicit-tls",
                "--relay",
                &url,
                "--room",
                "i",
            ])
            .arg("--ca-file")
            .arg(&ca)
            .env("FTPCHAT_PASSWORD", &server.password)
            .output()
            .expect("pull"),
        "pull --implicit-tls",
    );
    assert_eq!(shown.lines().count(), 1, "{shown}");
    let logins = server.command_count("USER");
    assert!(logins >= 2, "both runs logged in over TLS");
    assert_eq!(
        server.command_count("AUTH"),
        0,
        "implicit TLS sends no AUTH TLS"
    );
    // --implicit-tls on an ftp:// URL is a usage error.
    home.cmd()
        .args(["send", "x", "--implicit-tls", "--relay"])
        .arg(format!("ftp://u@127.0.0.1:{}/", server.port))
        .env("FTPCHAT_PASSWORD", "x")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("ftps://"));
}

/// An untrusted certificate is a refusal, said plainly and not retried: trying again
/// cannot fix it (issue 14, item 7).
#[test]
fn an_untrusted_certificate_is_not_retried() {
    let Some(server) = vsftpd(support::vsftpd_ftps()) else {
        return;
    };
    let home = Home::new();
    home.keys();
    let out = home
        .cmd()
        .args(["send", "hello", "--relay", &server.url("/"), "--room", "t"])
        .env("FTPCHAT_PASSWORD", &server.password)
        .output()
        .expect("send");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "queued, not sent: {stderr}");
    assert!(stderr.contains("certificate is not trusted"), "{stderr}");
    assert!(stderr.contains("--ca-file"), "{stderr}");
    assert!(!stderr.contains("retrying"), "{stderr}");
}
