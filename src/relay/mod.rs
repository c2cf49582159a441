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

use crate::error::{Error, Result};
use crate::protocol::encoding::sha256;
use crate::secret::Secret;

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

impl RelayConfig {
    /// A plain-FTP relay on a free loopback port serving `root` (created when missing)
    /// to one user: what tests and examples start.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when `root` cannot be created.
    pub fn local(root: impl Into<PathBuf>, user: &str, password: &str) -> Result<Self> {
        let root = root.into();
        std::fs::create_dir_all(&root).map_err(|e| Error::io("cannot create", &root, e))?;
        Ok(RelayConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            root,
            user: user.to_string(),
            password: Secret::new(password),
            passive_ports: 40000..=49999,
            tls: None,
            tls_required: false,
        })
    }
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
        let listen_err = |source| Error::Listen {
            addr: config.listen.to_string(),
            source,
        };
        let std_listener = std::net::TcpListener::bind(config.listen).map_err(listen_err)?;
        std_listener.set_nonblocking(true).map_err(listen_err)?;
        let addr = std_listener.local_addr().map_err(listen_err)?;
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
