//! The embedded relay: an FTP server inside ftpchat, for a quick start and for tests.
//!
//! It is libunftp with its filesystem back end, run on its own thread and tokio runtime
//! so the rest of ftpchat stays synchronous. Connections are accepted by our own loop so
//! that TCP_NODELAY can be set on each control socket: without it Nagle's algorithm and
//! delayed ACKs cost about 44 ms per transfer on loopback (measured). Each connection gets
//! a freshly built server because `Server::service` consumes it. libunftp is built with
//! the ring TLS provider only: enabling aws-lc as well makes rustls panic at run time.
//! Appends go through [`storage`], which keeps concurrent `APPE`s to one file from
//! overwriting each other as libunftp's own filesystem back end lets them.
//!
//! The accept loop also keeps the relay standing against idle or hostile clients: it
//! counts sessions in total and per address and answers `421` beyond [`SessionLimits`],
//! closes a connection that has not logged in within the login timeout, and opens the
//! served directory before a session starts, so running out of file descriptors refuses
//! that one connection (`421`) instead of failing inside it.

mod storage;

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::ops::RangeInclusive;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use async_trait::async_trait;
use libunftp::options::FtpsRequired;
use unftp_core::auth::{AuthenticationError, Authenticator, Credentials, Principal};

use crate::error::{Error, Result};
use crate::protocol::encoding::sha256;
use crate::secret::Secret;
use storage::{AppendLocks, RelayStore};

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
    /// How many sessions it serves at once, and how fast a client must log in.
    pub limits: SessionLimits,
}

/// Bounds on the sessions a relay serves, so idle or hostile clients cannot exhaust its
/// file descriptors or memory. Connections beyond a limit are answered `421` and closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionLimits {
    /// Sessions open at once, from all addresses.
    pub total: usize,
    /// Sessions open at once from one IP address.
    pub per_address: usize,
    /// A connection that has not logged in by then is closed.
    pub login_timeout: Duration,
    /// A logged-in session idle this long is closed.
    pub idle_timeout: Duration,
}

impl Default for SessionLimits {
    /// 256 sessions, 128 per address (a burst of cron jobs behind one NAT fits), 10 s to
    /// log in, 10 minutes idle. A connection the relay has no descriptor for is refused
    /// with `421` like one beyond a limit.
    fn default() -> Self {
        SessionLimits {
            total: 256,
            per_address: 128,
            login_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(600),
        }
    }
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
            limits: SessionLimits::default(),
        })
    }
}

#[derive(Debug)]
struct PasswordAuth {
    user: String,
    digest: [u8; 32],
}

/// The shared password check, plus one connection's "has logged in" flag, which the
/// accept loop reads to close connections that never log in.
#[derive(Debug)]
struct SessionAuth {
    shared: Arc<PasswordAuth>,
    logged_in: Arc<AtomicBool>,
}

#[async_trait]
impl Authenticator for SessionAuth {
    async fn authenticate(
        &self,
        username: &str,
        creds: &Credentials,
    ) -> std::result::Result<Principal, AuthenticationError> {
        let principal = self.shared.authenticate(username, creds).await?;
        self.logged_in.store(true, Ordering::SeqCst);
        Ok(principal)
    }
}

/// Open sessions, in total and per address.
#[derive(Debug, Default)]
struct Sessions {
    total: usize,
    by_address: HashMap<IpAddr, usize>,
}

/// One counted session; dropping it frees its place.
struct Place {
    sessions: Arc<Mutex<Sessions>>,
    ip: IpAddr,
}

impl Place {
    /// Takes a place for a session from `ip`, or says which limit is full.
    fn take(
        sessions: &Arc<Mutex<Sessions>>,
        ip: IpAddr,
        limits: &SessionLimits,
    ) -> std::result::Result<Place, &'static str> {
        let mut s = sessions.lock().unwrap_or_else(PoisonError::into_inner);
        if s.total >= limits.total {
            return Err("too many sessions");
        }
        let mine = s.by_address.entry(ip).or_insert(0);
        if *mine >= limits.per_address {
            return Err("too many sessions from your address");
        }
        *mine += 1;
        s.total += 1;
        Ok(Place {
            sessions: sessions.clone(),
            ip,
        })
    }
}

impl Drop for Place {
    fn drop(&mut self) {
        let mut s = self.sessions.lock().unwrap_or_else(PoisonError::into_inner);
        s.total = s.total.saturating_sub(1);
        if let Some(n) = s.by_address.get_mut(&self.ip) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                s.by_address.remove(&self.ip);
            }
        }
    }
}

/// Answers `421 why` on a connection the relay will not serve, and closes it.
async fn refuse(mut socket: tokio::net::TcpStream, why: &str) {
    use tokio::io::AsyncWriteExt;
    let reply = format!("421 {why}, try again later\r\n");
    let _ = tokio::time::timeout(Duration::from_secs(2), socket.write_all(reply.as_bytes())).await;
}

/// Serves one connection: counts it, opens the served directory for it, closes it when
/// it does not log in in time, and frees its place when it ends.
async fn serve(
    socket: tokio::net::TcpStream,
    peer: SocketAddr,
    config: Arc<RelayConfig>,
    auth: Arc<PasswordAuth>,
    sessions: Arc<Mutex<Sessions>>,
    locks: Arc<AppendLocks>,
) {
    let place = match Place::take(&sessions, peer.ip(), &config.limits) {
        Ok(p) => p,
        Err(why) => return refuse(socket, why).await,
    };
    let _ = socket.set_nodelay(true);
    let Ok(fs) = RelayStore::new(&config.root, locks.clone()) else {
        // Most likely out of file descriptors: refuse this one, keep serving the others.
        return refuse(socket, "cannot open the relay directory").await;
    };
    let logged_in = Arc::new(AtomicBool::new(false));
    let session_auth = Arc::new(SessionAuth {
        shared: auth,
        logged_in: logged_in.clone(),
    });
    let server = match build_server(&config, fs, session_auth) {
        Ok(server) => server,
        Err(_) => return refuse(socket, "cannot start a session").await,
    };
    let login_timeout = config.limits.login_timeout;
    let session = server.service(socket);
    let watch_login = async move {
        tokio::time::sleep(login_timeout).await;
        if logged_in.load(Ordering::SeqCst) {
            std::future::pending::<()>().await;
        }
    };
    // Dropping the session future drops its shutdown notifier, which ends the control
    // loop and closes the connection.
    tokio::select! {
        _ = session => {}
        () = watch_login => {}
    }
    drop(place);
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
        let config = Arc::new(config);
        let sessions = Arc::new(Mutex::new(Sessions::default()));
        let locks = Arc::new(AppendLocks::default());
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
                            accepted = listener.accept() => match accepted {
                                Ok((socket, peer)) => {
                                    tokio::spawn(serve(socket, peer, config.clone(), auth.clone(), sessions.clone(), locks.clone()));
                                }
                                // Out of descriptors (EMFILE) or a connection reset before
                                // it was accepted: wait a little instead of spinning.
                                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
                            },
                        }
                    }
                });
                runtime.shutdown_timeout(Duration::from_millis(500));
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
    fs: RelayStore,
    auth: Arc<SessionAuth>,
) -> std::result::Result<
    libunftp::Server<RelayStore, unftp_core::auth::DefaultUser>,
    libunftp::ServerError,
> {
    // libunftp asks for the storage once per served connection, and this server serves
    // one; the directory was opened by the caller, so a lack of descriptors was already
    // answered there.
    let locks = fs.locks();
    let fs = Mutex::new(Some(fs));
    let root = config.root.clone();
    let mut builder = libunftp::ServerBuilder::with_authenticator(
        Box::new(move || {
            fs.lock()
                .unwrap_or_else(PoisonError::into_inner)
                .take()
                .or_else(|| RelayStore::new(&root, locks.clone()).ok())
                .unwrap_or_else(|| {
                    unreachable!("libunftp asked twice for the storage of one connection")
                })
        }),
        auth,
    )
    .greeting("ftpchat relay")
    .passive_ports(config.passive_ports.clone())
    .idle_session_timeout(config.limits.idle_timeout.as_secs().max(1));
    if let Some((cert, key)) = &config.tls {
        builder = builder.ftps(cert.clone(), key.clone());
        if config.tls_required {
            builder = builder.ftps_required(FtpsRequired::All, FtpsRequired::All);
        }
    }
    builder.build()
}
