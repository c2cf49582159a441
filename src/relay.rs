//! The embedded relay: an FTP server inside ftpchat, for a quick start and for tests.
//!
//! It is libunftp with its filesystem back end, run on its own thread and tokio runtime
//! so the rest of ftpchat stays synchronous. Connections are accepted by our own loop so
//! that TCP_NODELAY can be set on each control socket: without it Nagle's algorithm and
//! delayed ACKs cost about 44 ms per transfer on loopback (measured). Each connection gets
//! a freshly built server because `Server::service` consumes it. libunftp is built with
//! the ring TLS provider only: enabling aws-lc as well makes rustls panic at run time.

use std::net::SocketAddr;
use std::ops::RangeInclusive;
use std::path::PathBuf;
use std::sync::Arc;

use async_trait::async_trait;
use libunftp::options::FtpsRequired;
use unftp_core::auth::{AuthenticationError, Authenticator, Credentials, Principal};
use unftp_sbe_fs::Filesystem;

use crate::cli::RelayServerArgs;
use crate::commands::Context;
use crate::encoding::{base32, sha256};
use crate::error::{Error, Result};
use crate::output::note;
use crate::paths::{self, write_private};
use crate::secret::Secret;
use crate::settings::{Profile, Profiles};
use crate::{Io, signals};

/// How to run a relay.
#[derive(Debug, Clone)]
pub struct RelayConfig {
    /// Address to bind (port 0 picks a free one).
    pub listen: SocketAddr,
    /// Directory served as the FTP root.
    pub root: PathBuf,
    /// The one user.
    pub user: String,
    /// Its password.
    pub password: Secret,
    /// Passive data ports.
    pub passive_ports: RangeInclusive<u16>,
    /// FTPS certificate chain and key (PEM files).
    pub tls: Option<(PathBuf, PathBuf)>,
    /// Refuse plain-text sessions when TLS is on.
    pub tls_required: bool,
}

#[derive(Debug)]
struct PasswordAuth {
    user: String,
    digest: [u8; 32],
}

#[async_trait]
impl Authenticator for PasswordAuth {
    async fn authenticate(
        &self,
        username: &str,
        creds: &Credentials,
    ) -> std::result::Result<Principal, AuthenticationError> {
        let given = creds.password.as_deref().unwrap_or_default();
        // Compare digests so the comparison time does not depend on the password.
        if username == self.user && sha256(&[given.as_bytes()]) == self.digest {
            Ok(Principal {
                username: username.to_string(),
            })
        } else {
            Err(AuthenticationError::BadPassword)
        }
    }
}

/// A relay running on its own thread; dropping it stops it.
#[derive(Debug)]
pub struct RunningRelay {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl RunningRelay {
    /// Binds and starts serving.
    ///
    /// # Errors
    ///
    /// Fails when the address cannot be bound or the root is not a directory.
    pub fn start(config: RelayConfig) -> Result<Self> {
        if !config.root.is_dir() {
            return Err(Error::Usage(format!(
                "relay root {} is not a directory",
                config.root.display()
            )));
        }
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|e| Error::Usage(format!("cannot start the relay runtime: {e}")))?;
        let std_listener = std::net::TcpListener::bind(config.listen)
            .map_err(|e| Error::Usage(format!("cannot listen on {}: {e}", config.listen)))?;
        std_listener
            .set_nonblocking(true)
            .map_err(|e| Error::Usage(format!("cannot listen on {}: {e}", config.listen)))?;
        let addr = std_listener
            .local_addr()
            .map_err(|e| Error::Usage(format!("cannot listen on {}: {e}", config.listen)))?;
        let (stop_tx, mut stop_rx) = tokio::sync::oneshot::channel::<()>();
        let auth = Arc::new(PasswordAuth {
            user: config.user.clone(),
            digest: sha256(&[config.password.expose().as_bytes()]),
        });
        let thread = std::thread::Builder::new()
            .name("ftpchat-relay".into())
            .spawn(move || {
                runtime.block_on(async move {
                    let Ok(listener) = tokio::net::TcpListener::from_std(std_listener) else {
                        return;
                    };
                    loop {
                        tokio::select! {
                            _ = &mut stop_rx => break,
                            accepted = listener.accept() => {
                                let Ok((socket, _)) = accepted else { continue };
                                let _ = socket.set_nodelay(true);
                                #[expect(clippy::print_stderr, reason = "the relay thread has no other channel for a failed connection set-up")]
                                match build_server(&config, auth.clone()) {
                                    Ok(server) => {
                                        tokio::spawn(server.service(socket));
                                    }
                                    Err(e) => eprintln!("ftpchat relay: cannot serve a connection: {e}"),
                                }
                            }
                        }
                    }
                });
                runtime.shutdown_timeout(std::time::Duration::from_millis(500));
            })
            .map_err(|e| Error::Usage(format!("cannot start the relay thread: {e}")))?;
        Ok(RunningRelay {
            addr,
            stop: Some(stop_tx),
            thread: Some(thread),
        })
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting and ends open sessions.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for RunningRelay {
    fn drop(&mut self) {
        self.shutdown();
    }
}

fn build_server(
    config: &RelayConfig,
    auth: Arc<PasswordAuth>,
) -> std::result::Result<
    libunftp::Server<Filesystem, unftp_core::auth::DefaultUser>,
    libunftp::ServerError,
> {
    let root = config.root.clone();
    let mut builder = libunftp::ServerBuilder::with_authenticator(
        Box::new(move || {
            Filesystem::new(root.clone()).expect("the relay root was checked to be a directory")
        }),
        auth,
    )
    .greeting("ftpchat relay")
    .passive_ports(config.passive_ports.clone())
    .idle_session_timeout(600);
    if let Some((cert, key)) = &config.tls {
        builder = builder.ftps(cert.clone(), key.clone());
        if config.tls_required {
            builder = builder.ftps_required(FtpsRequired::All, FtpsRequired::All);
        }
    }
    builder.build()
}

fn parse_ports(s: &str) -> Result<RangeInclusive<u16>> {
    let bad = || {
        Error::Usage(format!(
            "bad --passive-ports {s:?}: expected FIRST-LAST, e.g. 49152-65534"
        ))
    };
    let (a, b) = s.split_once('-').ok_or_else(bad)?;
    let (a, b): (u16, u16) = (
        a.trim().parse().map_err(|_| bad())?,
        b.trim().parse().map_err(|_| bad())?,
    );
    if a == 0 || b < a {
        return Err(bad());
    }
    Ok(a..=b)
}

/// Runs `ftpchat relay` until interrupted.
///
/// # Errors
///
/// Setup and bind errors; [`Error::Interrupted`] after a clean stop.
pub fn run(args: &RelayServerArgs, ctx: &Context<'_>, io: &mut Io<'_>) -> Result<()> {
    let listen: SocketAddr = args.listen.parse().map_err(|_| {
        Error::Usage(format!(
            "bad --listen {:?}: expected IP:PORT such as 127.0.0.1:2121",
            args.listen
        ))
    })?;
    let root = args
        .root
        .clone()
        .unwrap_or_else(|| ctx.dirs.state.join("relay"));
    paths::ensure_private_dir(&root)?;
    let password_file = args
        .password_file
        .clone()
        .unwrap_or_else(|| ctx.dirs.config.join("relay.password"));
    let password = match ctx.env.get("FTPCHAT_RELAY_PASSWORD") {
        Some(p) => Secret::new(p),
        None => {
            if !password_file.exists() {
                use rand_core::RngCore;
                let mut b = [0u8; 15];
                rand_core::OsRng.fill_bytes(&mut b);
                write_private(
                    &password_file,
                    format!("{}\n", base32(&b)).as_bytes(),
                    false,
                )?;
            }
            Secret::new(paths::read_secret_file(&password_file)?.trim_end())
        }
    };
    let tls = args.tls_cert.clone().zip(args.tls_key.clone());
    let relay = RunningRelay::start(RelayConfig {
        listen,
        root: root.clone(),
        user: args.user.clone(),
        password,
        passive_ports: parse_ports(&args.passive_ports)?,
        tls_required: args.tls_required,
        tls: tls.clone(),
    })?;
    let scheme = if tls.is_some() { "ftps" } else { "ftp" };
    let url = format!("{scheme}://{}@{}/", args.user, relay.addr());
    note(
        io.stderr,
        &format!("relay serving {} at {url} (Ctrl-C to stop)", root.display()),
    );
    if !args.no_setup {
        setup(ctx, &url, &password_file, io)?;
    }
    let _ = io.stderr.flush();
    while signals::sleep(std::time::Duration::from_secs(3600)) {}
    relay.stop();
    note(io.stderr, "relay stopped");
    Err(Error::Interrupted)
}

/// First-run set-up: keys, a `local` profile pointing at this relay, made the default
/// when there is none.
fn setup(
    ctx: &Context<'_>,
    url: &str,
    password_file: &std::path::Path,
    io: &mut Io<'_>,
) -> Result<()> {
    let identity = ctx.dirs.identity_file();
    crate::commands::ensure_identity(&identity, io)?;
    let room_key = ctx.dirs.room_key_file();
    crate::commands::ensure_room_key(&room_key, io)?;
    let mut profiles = Profiles::load(ctx)?;
    let local = Profile {
        relay: Some(url.to_string()),
        room: Some("lobby".into()),
        room_key: Some(room_key),
        identity: Some(identity),
        password_file: Some(password_file.to_path_buf()),
        ..profiles.profiles.get("local").cloned().unwrap_or_default()
    };
    profiles.profiles.insert("local".into(), local);
    let is_default = profiles.default.is_none() || profiles.default.as_deref() == Some("local");
    if profiles.default.is_none() {
        profiles.default = Some("local".into());
    }
    profiles.save(ctx)?;
    let flag = if is_default {
        String::new()
    } else {
        " --relay local".to_string()
    };
    let _ = writeln!(
        io.stderr,
        "\nIn another terminal, try:\n    ftpchat watch{flag}\n    ftpchat send{flag} hello\n"
    );
    Ok(())
}
