//! Self-test of the integration-test support module: the real FTP servers and the fault proxy,
//! driven directly with suppaftp.
#![allow(clippy::unwrap_used, clippy::print_stderr, missing_docs)]

mod support;

use std::io::{Cursor, Read};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use suppaftp::rustls;
use suppaftp::rustls::pki_types::CertificateDer;
use suppaftp::rustls::pki_types::pem::PemObject;
use suppaftp::types::FileType;
use suppaftp::{
    FtpError, FtpStream, ImplFtpStream, Mode, RustlsConnector, RustlsFtpStream, TlsStream,
};

use support::{FaultProxy, FtpServer, ServerKind};

const TIMEOUT: Duration = Duration::from_secs(10);

fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 + i / 251) as u8).collect()
}

fn stream_with_timeout(addr: SocketAddr, timeout: Duration) -> TcpStream {
    let s = TcpStream::connect_timeout(&addr, TIMEOUT).unwrap();
    s.set_read_timeout(Some(timeout)).unwrap();
    s.set_write_timeout(Some(timeout)).unwrap();
    s
}

fn data_stream(addr: SocketAddr) -> suppaftp::FtpResult<TcpStream> {
    support::timed_stream_result(addr).map_err(FtpError::ConnectionError)
}

/// Plain FTP client to `addr` (server or proxy) with socket timeouts, logged in, TYPE I.
fn plain_client(server: &FtpServer, addr: SocketAddr, timeout: Duration) -> FtpStream {
    let mut ftp = FtpStream::connect_with_stream(stream_with_timeout(addr, timeout))
        .unwrap()
        .passive_stream_builder(data_stream);
    ftp.login(&server.user, &server.password).unwrap();
    ftp.transfer_type(FileType::Binary).unwrap();
    ftp
}

fn rustls_config(ca_file: &Path, tls12_only: bool) -> rustls::ClientConfig {
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(ca_file).unwrap() {
        roots.add(cert.unwrap()).unwrap();
    }
    let builder = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ));
    let builder = if tls12_only {
        builder.with_protocol_versions(&[&rustls::version::TLS12])
    } else {
        builder.with_safe_default_protocol_versions()
    };
    builder
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth()
}

fn secure_client(server: &FtpServer, addr: SocketAddr, tls12_only: bool) -> RustlsFtpStream {
    let config = rustls_config(server.ca_file.as_ref().unwrap(), tls12_only);
    let ftp = RustlsFtpStream::connect_with_stream(stream_with_timeout(addr, TIMEOUT))
        .unwrap()
        .passive_stream_builder(data_stream);
    let mut ftp = ftp
        .into_secure(RustlsConnector::from(Arc::new(config)), "localhost")
        .unwrap();
    ftp.login(&server.user, &server.password).unwrap();
    ftp.transfer_type(FileType::Binary).unwrap();
    ftp
}

/// mkdir, put, append, size, full and resumed retr, nlst, rename, rm (2 uploads per round).
fn exercise<T: TlsStream>(
    ftp: &mut ImplFtpStream<T>,
    server: &FtpServer,
    dir: &str,
    rounds: usize,
) {
    let body = pattern(100_000);
    let (appe, rest) = (server.command_count("APPE"), server.command_count("REST"));
    ftp.mkdir(dir).unwrap();
    for round in 0..rounds {
        let name = format!("{dir}/f{round}.bin");
        assert_eq!(
            ftp.put_file(&name, &mut Cursor::new(&body[..60_000]))
                .unwrap(),
            60_000
        );
        assert_eq!(
            ftp.append_file(&name, &mut Cursor::new(&body[60_000..]))
                .unwrap(),
            40_000
        );
        assert_eq!(ftp.size(&name).unwrap(), body.len());
        assert_eq!(ftp.retr_as_buffer(&name).unwrap().into_inner(), body);
        ftp.resume_transfer(70_000).unwrap();
        assert_eq!(
            ftp.retr_as_buffer(&name).unwrap().into_inner(),
            &body[70_000..]
        );
        assert_eq!(server.read_file(&name), body, "file visible under root");
    }
    let names = ftp.nlst(Some(dir)).unwrap();
    for round in 0..rounds {
        let want = format!("f{round}.bin");
        assert!(
            names.iter().any(|n| n.ends_with(&want)),
            "{want} not in {names:?}"
        );
    }
    ftp.rename(format!("{dir}/f0.bin"), format!("{dir}/renamed.bin"))
        .unwrap();
    ftp.rm(format!("{dir}/renamed.bin")).unwrap();
    assert!(!server.path(&format!("{dir}/renamed.bin")).exists());
    assert!(server.path(dir).is_dir());
    ftp.quit().unwrap();

    assert_eq!(
        server.command_count("APPE"),
        appe + rounds,
        "{:?}",
        server.commands()
    );
    assert_eq!(
        server.command_count("REST"),
        rest + rounds,
        "{:?}",
        server.commands()
    );
    assert!(server.command_count("SIZE") >= rounds);
}

#[test]
fn vsftpd_plain_roundtrip() {
    let Some(server) = support::vsftpd() else {
        return;
    };
    assert_eq!(server.kind, ServerKind::Vsftpd);
    assert_eq!(
        server.url("/chat/room"),
        format!("ftp://ftpchattest@127.0.0.1:{}/chat/room", server.port)
    );
    assert!(server.ca_file.is_none());
    let mut ftp = plain_client(&server, server.addr(), TIMEOUT);
    assert_eq!(ftp.pwd().unwrap(), "/");
    exercise(&mut ftp, &server, "inbox", 2);
    let log = server.log();
    assert!(log.contains("OK UPLOAD"), "transfer log missing:\n{log}");
    assert!(server.commands().iter().any(|c| c == "TYPE I"));

    // Fixtures written locally are usable (and deletable) by the FTP user.
    server.write_file("seed/hello.txt", b"hi");
    let mut ftp = server.connect();
    assert_eq!(
        ftp.retr_as_buffer("/seed/hello.txt").unwrap().into_inner(),
        b"hi"
    );
    ftp.rm("/seed/hello.txt").unwrap();
    ftp.quit().unwrap();

    // Wrong password is refused.
    let mut ftp =
        FtpStream::connect_with_stream(stream_with_timeout(server.addr(), TIMEOUT)).unwrap();
    assert!(ftp.login(server.user.as_str(), "wrong").is_err());
}

#[test]
fn vsftpd_ftps_roundtrip() {
    let Some(server) = support::vsftpd_ftps() else {
        return;
    };
    assert_eq!(server.kind, ServerKind::VsftpdFtps);
    assert!(server.url("x").starts_with("ftps://ftpchattest@127.0.0.1:"));
    let ca = server.ca_file.clone().unwrap();
    assert!(
        std::fs::read_to_string(&ca)
            .unwrap()
            .contains("BEGIN CERTIFICATE")
    );

    // Every data connection must resume the control connection's TLS session.
    // TLS 1.3 (rustls default): at most 2 uploads per session, see vsftpd_ftps_tls13_upload_limit.
    let mut ftp = secure_client(&server, server.addr(), false);
    let body = pattern(50_000);
    ftp.mkdir("tls13").unwrap();
    ftp.put_file("tls13/a.bin", &mut Cursor::new(&body))
        .unwrap();
    assert_eq!(ftp.size("tls13/a.bin").unwrap(), body.len());
    assert_eq!(
        ftp.retr_as_buffer("tls13/a.bin").unwrap().into_inner(),
        body
    );
    ftp.resume_transfer(100).unwrap();
    assert_eq!(
        ftp.retr_as_buffer("tls13/a.bin").unwrap().into_inner(),
        &body[100..]
    );
    assert!(
        ftp.nlst(Some("tls13"))
            .unwrap()
            .iter()
            .any(|n| n.ends_with("a.bin"))
    );
    ftp.append_file("tls13/a.bin", &mut Cursor::new(b"!"))
        .unwrap();
    ftp.quit().unwrap();
    assert_eq!(server.read_file("tls13/a.bin").len(), body.len() + 1);
    // TLS 1.2: any number of transfers.
    let mut ftp = secure_client(&server, server.addr(), true);
    exercise(&mut ftp, &server, "tls12", 4);
    let mut ftp = server.connect_secure();
    assert_eq!(ftp.size("tls12/f1.bin").unwrap(), 100_000);
    ftp.quit().unwrap();

    // Plain logins are refused (force_local_logins_ssl).
    let mut plain =
        FtpStream::connect_with_stream(stream_with_timeout(server.addr(), TIMEOUT)).unwrap();
    match plain.login(&server.user, &server.password) {
        Err(FtpError::UnexpectedResponse(r)) => assert_eq!(r.status.code(), 530),
        other => panic!("plain login should be refused, got {other:?}"),
    }

    // The certificate is not valid for other names.
    let ftp =
        RustlsFtpStream::connect_with_stream(stream_with_timeout(server.addr(), TIMEOUT)).unwrap();
    let config = rustls_config(&ca, false);
    assert!(
        ftp.into_secure(RustlsConnector::from(Arc::new(config)), "example.com")
            .is_err()
    );
    // ...but is for 127.0.0.1.
    let ftp =
        RustlsFtpStream::connect_with_stream(stream_with_timeout(server.addr(), TIMEOUT)).unwrap();
    let mut ftp = ftp
        .into_secure(
            RustlsConnector::from(support::tls_client_config(&ca)),
            "127.0.0.1",
        )
        .unwrap();
    ftp.login(&server.user, &server.password).unwrap();
    ftp.quit().unwrap();
}

/// Pins a property of vsftpd 3.0.3 + OpenSSL 3 + rustls over TLS 1.3 that clients must cope
/// with: OpenSSL issues 2 tickets on the control connection, rustls uses each ticket once,
/// downloads receive a replacement ticket on their data connection but uploads don't, so the
/// 3rd upload of a control session is refused (`522 ... session reuse required`) and the
/// session is dropped. TLS 1.2 sessions are reused without limit.
#[test]
fn vsftpd_ftps_tls13_upload_limit() {
    let Some(server) = support::vsftpd_ftps() else {
        return;
    };
    let mut ftp = secure_client(&server, server.addr(), false);
    server.write_file("g", b"y");
    for _ in 0..4 {
        assert_eq!(ftp.retr_as_buffer("g").unwrap().into_inner(), b"y");
    }
    ftp.put_file("u0", &mut Cursor::new(b"x")).unwrap();
    ftp.put_file("u1", &mut Cursor::new(b"x")).unwrap();
    match ftp.put_file("u2", &mut Cursor::new(b"x")) {
        Err(FtpError::UnexpectedResponse(r)) => {
            let text = String::from_utf8_lossy(&r.body);
            assert!(text.starts_with("522"), "{text}");
        }
        other => {
            panic!("3rd TLS 1.3 upload: expected 522, got {other:?} (did rustls or vsftpd change?)")
        }
    }
    assert!(ftp.noop().is_err(), "vsftpd drops the session after 522");

    let mut ftp = secure_client(&server, server.addr(), true);
    for i in 0..8 {
        ftp.put_file(format!("v{i}"), &mut Cursor::new(b"x"))
            .unwrap();
    }
    ftp.quit().unwrap();
}

#[test]
fn pyftpdlib_roundtrip() {
    let Some(server) = support::pyftpdlib() else {
        return;
    };
    assert_eq!(server.kind, ServerKind::Pyftpdlib);
    assert_eq!(
        server.url("a"),
        format!("ftp://ftpchat@127.0.0.1:{}/a", server.port)
    );

    // pyftpdlib refuses SIZE in ASCII mode (the default type).
    server.write_file("ascii.txt", b"hello\n");
    let mut ftp =
        FtpStream::connect_with_stream(stream_with_timeout(server.addr(), TIMEOUT)).unwrap();
    ftp.login(&server.user, &server.password).unwrap();
    match ftp.size("ascii.txt") {
        Err(FtpError::UnexpectedResponse(r)) => assert_eq!(r.status.code(), 550),
        other => panic!("SIZE in ASCII mode should be refused, got {other:?}"),
    }
    ftp.transfer_type(FileType::Binary).unwrap();
    assert_eq!(ftp.size("ascii.txt").unwrap(), 6);
    ftp.quit().unwrap();

    let mut ftp = plain_client(&server, server.addr(), TIMEOUT);
    exercise(&mut ftp, &server, "inbox", 2);
    assert!(server.log().contains("<- APPE"), "{}", server.log());
}

#[test]
fn servers_run_concurrently_and_stop_on_drop() {
    let handles: Vec<_> = (0..4)
        .map(|i| {
            std::thread::spawn(move || {
                let server = if i % 2 == 0 {
                    support::vsftpd()
                } else {
                    support::pyftpdlib()
                };
                let server = server?;
                let mut ftp = server.connect();
                let name = format!("t{i}");
                ftp.put_file(&name, &mut Cursor::new(name.as_bytes()))
                    .unwrap();
                ftp.quit().unwrap();
                assert_eq!(server.read_file(&name), name.as_bytes());
                Some(server)
            })
        })
        .collect();
    let servers: Vec<FtpServer> = handles
        .into_iter()
        .filter_map(|h| h.join().unwrap())
        .collect();
    let mut ports: Vec<u16> = servers.iter().map(|s| s.port).collect();
    ports.sort_unstable();
    ports.dedup();
    assert_eq!(ports.len(), servers.len());

    for server in servers {
        let pid = server.pid();
        let root = server.root.clone();
        let addr = server.addr();
        let marker = server.process_marker().to_owned();
        // An open session keeps vsftpd session processes alive: Drop must kill them too.
        let _session = server.connect();
        let procs = server.processes();
        assert!(procs.contains(&pid), "{procs:?} lacks the listener {pid}");
        if server.kind == ServerKind::Vsftpd {
            assert!(
                procs.len() >= 2,
                "no vsftpd session process among {procs:?}"
            );
        }
        drop(server);
        assert!(!root.exists(), "temp dir not removed");
        assert!(
            !Path::new(&format!("/proc/{pid}")).exists(),
            "process {pid} still there"
        );
        let left = support::processes_matching(&marker);
        assert!(left.is_empty(), "server processes survived: {left:?}");
        assert!(TcpStream::connect_timeout(&addr, Duration::from_secs(1)).is_err());
    }
}

/// Any plain server for proxy tests (vsftpd preferred).
fn plain_server() -> Option<FtpServer> {
    if Path::new(support::VSFTPD_BIN).exists() || support::in_ci() {
        support::vsftpd()
    } else {
        support::pyftpdlib()
    }
}

#[test]
fn proxy_forwards_control_and_data() {
    let Some(server) = plain_server() else { return };
    let proxy = FaultProxy::for_server(&server);
    assert_eq!(proxy.addr().port(), proxy.port());
    let body = pattern(300_000);

    let mut ftp = plain_client(&server, proxy.addr(), TIMEOUT);
    ftp.put_file("p.bin", &mut Cursor::new(&body)).unwrap();
    assert_eq!(ftp.retr_as_buffer("p.bin").unwrap().into_inner(), body);
    // EPSV (229) is rewritten too.
    ftp.set_mode(Mode::ExtendedPassive);
    ftp.resume_transfer(1000).unwrap();
    assert_eq!(
        ftp.retr_as_buffer("p.bin").unwrap().into_inner(),
        &body[1000..]
    );
    assert!(ftp.nlst(None).unwrap().iter().any(|n| n.ends_with("p.bin")));
    ftp.quit().unwrap();

    assert_eq!(proxy.connections(), 1);
    assert_eq!(proxy.data_connections(), 4);
    assert_eq!(server.command_count("EPSV"), 2);
    assert_eq!(server.read_file("p.bin"), body);
    let url = server.url_with_port(proxy.port(), "/x");
    assert!(url.ends_with(&format!(":{}/x", proxy.port())));
}

#[test]
fn proxy_cut_data_after_fails_transfers() {
    let Some(server) = plain_server() else { return };
    let proxy = FaultProxy::for_server(&server);
    let body = pattern(2_000_000);
    server.write_file("big.bin", &body);

    let mut ftp = plain_client(&server, proxy.addr(), TIMEOUT);
    proxy.cut_data_after(Some(10_000));
    let err = ftp.retr_as_buffer("big.bin");
    assert!(err.is_err(), "RETR through a cut data connection must fail");

    // Only the next data connection is cut; the session may be broken by the failed transfer,
    // so use a fresh one.
    let mut ftp = plain_client(&server, proxy.addr(), TIMEOUT);
    assert_eq!(ftp.retr_as_buffer("big.bin").unwrap().into_inner(), body);

    // Upload cut mid-way: the server must not report success.
    proxy.cut_data_after(Some(50_000));
    assert!(ftp.put_file("up.bin", &mut Cursor::new(&body)).is_err());
    let mut ftp = plain_client(&server, proxy.addr(), TIMEOUT);
    let size = ftp.size("up.bin").unwrap_or(0);
    assert!(
        size < body.len(),
        "cut upload stored completely ({size} bytes)"
    );

    // Some(0): reset as soon as the data connection is accepted.
    proxy.cut_data_after(Some(0));
    assert!(ftp.retr_as_buffer("big.bin").is_err());
}

#[test]
fn proxy_down_refuses_and_cuts() {
    let Some(server) = plain_server() else { return };
    let proxy = FaultProxy::for_server(&server);
    let mut ftp = plain_client(&server, proxy.addr(), TIMEOUT);
    ftp.noop().unwrap();

    proxy.set_down(true);
    assert!(ftp.noop().is_err(), "existing connection must be cut");
    let before = proxy.connections();
    let attempt = TcpStream::connect_timeout(&proxy.addr(), TIMEOUT)
        .map_err(FtpError::ConnectionError)
        .and_then(|s| {
            s.set_read_timeout(Some(TIMEOUT)).unwrap();
            FtpStream::connect_with_stream(s)
        });
    assert!(attempt.is_err(), "connecting while down must fail");
    assert_eq!(proxy.connections(), before + 1);

    proxy.set_down(false);
    let mut ftp = plain_client(&server, proxy.addr(), TIMEOUT);
    ftp.noop().unwrap();
    ftp.quit().unwrap();
}

#[test]
fn proxy_cut_all_resets_sessions() {
    let Some(server) = plain_server() else { return };
    let proxy = FaultProxy::for_server(&server);
    let mut a = plain_client(&server, proxy.addr(), TIMEOUT);
    let mut b = plain_client(&server, proxy.addr(), TIMEOUT);
    assert_eq!(proxy.open_connections(), (2, 0));
    proxy.cut_all();
    assert!(a.noop().is_err());
    assert!(b.pwd().is_err());
    assert_eq!(proxy.open_connections(), (0, 0));
    let mut c = plain_client(&server, proxy.addr(), TIMEOUT);
    c.noop().unwrap();
    assert_eq!(proxy.connections(), 3);
}

#[test]
fn proxy_stall_times_out_reads() {
    let Some(server) = plain_server() else { return };
    let proxy = FaultProxy::for_server(&server);
    let mut ftp = plain_client(&server, proxy.addr(), Duration::from_secs(1));
    ftp.noop().unwrap();

    proxy.set_stall(true);
    let started = Instant::now();
    let res = ftp.noop();
    assert!(res.is_err(), "NOOP through a stalled proxy must time out");
    assert!(started.elapsed() >= Duration::from_millis(900));

    // A new connection gets no greeting while stalled.
    let s = stream_with_timeout(proxy.addr(), Duration::from_secs(1));
    assert!(FtpStream::connect_with_stream(s).is_err());

    // Unstalled, a fresh session works again.
    proxy.set_stall(false);
    let mut ftp = plain_client(&server, proxy.addr(), TIMEOUT);
    ftp.noop().unwrap();
    ftp.quit().unwrap();
}

#[test]
fn proxy_throttle_slows_transfers_until_lifted() {
    let Some(server) = plain_server() else { return };
    let proxy = FaultProxy::for_server(&server);
    let body = pattern(40_000);
    server.write_file("t.bin", &body);
    let mut ftp = plain_client(&server, proxy.addr(), TIMEOUT);
    proxy.set_throttle(Some(20_000));
    let started = Instant::now();
    assert_eq!(ftp.retr_as_buffer("t.bin").unwrap().into_inner(), body);
    let slow = started.elapsed();
    assert!(
        slow >= Duration::from_millis(1500),
        "throttled RETR took {slow:?}"
    );
    proxy.set_throttle(None);
    let started = Instant::now();
    assert_eq!(ftp.retr_as_buffer("t.bin").unwrap().into_inner(), body);
    let fast = started.elapsed();
    assert!(
        fast < Duration::from_millis(1000),
        "unthrottled RETR took {fast:?}"
    );
    ftp.quit().unwrap();
}

#[test]
fn proxy_stall_mid_transfer_then_resume() {
    let Some(server) = plain_server() else { return };
    let proxy = FaultProxy::for_server(&server);
    let body = pattern(8_000_000);
    server.write_file("s.bin", &body);
    let mut ftp = plain_client(&server, proxy.addr(), TIMEOUT);
    let mut stream = ftp.retr_as_stream("s.bin").unwrap();
    let mut first = vec![0u8; 1000];
    stream.read_exact(&mut first).unwrap();
    proxy.set_stall(true);
    // Drain whatever was already in flight, then reads must block.
    let data = stream.get_ref().get_ref().try_clone().unwrap();
    data.set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    let mut got = first.len();
    let mut buf = vec![0u8; 64 * 1024];
    let stalled = loop {
        match (&data).read(&mut buf) {
            Ok(0) => break false,
            Ok(n) => got += n,
            Err(_) => break true,
        }
    };
    assert!(
        stalled && got < body.len(),
        "transfer did not stall ({got} bytes)"
    );
    proxy.set_stall(false);
    let mut rest = Vec::new();
    stream.read_to_end(&mut rest).unwrap();
    stream.finish().unwrap();
    assert_eq!(first.len() + rest.len() + (got - first.len()), body.len());
}

#[test]
fn proxy_passes_ftps_control_through() {
    let Some(server) = support::vsftpd_ftps() else {
        return;
    };
    let proxy = FaultProxy::for_server(&server);
    // Control through the proxy (TLS end to end); data connections go to the server directly.
    let mut ftp = secure_client(&server, proxy.addr(), true);
    ftp.put_file("t.txt", &mut Cursor::new(b"secret")).unwrap();
    assert_eq!(ftp.retr_as_buffer("t.txt").unwrap().into_inner(), b"secret");
    proxy.cut_all();
    assert!(ftp.noop().is_err());
    assert_eq!(proxy.connections(), 1);
}

#[test]
fn stalling_server_never_greets() {
    let (stalling, port) = support::stalling_server();
    assert_eq!(stalling.port(), port);
    let addr: SocketAddr = ([127, 0, 0, 1], port).into();
    let started = Instant::now();
    let res = FtpStream::connect_with_stream(stream_with_timeout(addr, Duration::from_secs(1)));
    assert!(res.is_err());
    assert!(started.elapsed() >= Duration::from_millis(900));
    assert_eq!(stalling.connections(), 1);
}

#[test]
fn proxy_drop_is_prompt() {
    let Some(server) = plain_server() else { return };
    let proxy = FaultProxy::for_server(&server);
    let mut ftp = plain_client(&server, proxy.addr(), TIMEOUT);
    // Leave a passive data listener pending and a stalled connection open.
    ftp.custom_command("PASV", &[suppaftp::Status::PassiveMode])
        .unwrap();
    proxy.set_stall(true);
    let started = Instant::now();
    drop(proxy);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "drop took {:?}",
        started.elapsed()
    );
    assert!(ftp.noop().is_err());
}
