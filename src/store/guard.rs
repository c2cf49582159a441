//! Ends a network step that runs too long in total, or that Ctrl-C or SIGTERM asked to
//! stop, by shutting down its control socket: the blocked read or write then returns at
//! once.
//!
//! Socket timeouts bound each single read, so a server that sends one byte (or one
//! continuation line) just inside the timeout could hold a step forever; and a flag set by
//! a signal handler is only seen between steps. A [`Guard`] covers both: a connection
//! registers its control socket and arms the guard with a deadline for each step; one
//! process-wide thread checks every armed guard every 50 ms, and data transfers ask
//! [`Guard::expired`] between reads.

use std::net::{Shutdown, TcpStream};
use std::sync::{Arc, Mutex, OnceLock, PoisonError, Weak};
use std::time::{Duration, Instant};

/// Why a guard ended a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fired {
    /// The step ran past its deadline.
    Deadline,
    /// Ctrl-C or SIGTERM.
    Interrupt,
}

#[derive(Debug, Default)]
struct State {
    /// The control socket (a second descriptor of it).
    control: Option<TcpStream>,
    /// Steps running (a step may run others inside it; the outermost one's deadline
    /// counts).
    depth: usize,
    /// When the running step must be over (none: only a signal ends it).
    deadline: Option<Instant>,
    /// The budget the step was given, for the error message.
    budget: Duration,
    fired: Option<Fired>,
}

impl State {
    /// Why the running step must end now, if it must (none when no step runs or it was
    /// already ended).
    fn due(&self, now: Instant, interrupted: bool) -> Option<Fired> {
        if self.depth == 0 || self.fired.is_some() {
            None
        } else if interrupted {
            Some(Fired::Interrupt)
        } else if self.deadline.is_some_and(|d| now >= d) {
            Some(Fired::Deadline)
        } else {
            None
        }
    }

    fn shut(&mut self, why: Fired) {
        self.fired = Some(why);
        if let Some(s) = &self.control {
            let _ = s.shutdown(Shutdown::Both);
        }
    }
}

/// One connection's guard; clones share it.
#[derive(Debug, Clone)]
pub struct Guard {
    state: Arc<Mutex<State>>,
}

impl Default for Guard {
    fn default() -> Self {
        Self::new()
    }
}

impl Guard {
    /// A guard watched by the process-wide guard thread (started on first use).
    pub fn new() -> Self {
        let state = Arc::new(Mutex::new(State::default()));
        watched()
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(Arc::downgrade(&state));
        Guard { state }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Watches the control connection's socket (a clone of it).
    pub fn control(&self, socket: &TcpStream) {
        if let Ok(s) = socket.try_clone() {
            self.lock().control = Some(s);
        }
    }

    /// Whether the running step must stop: fired, past its deadline, or a signal came
    /// (marks the step fired, so its error is told as such).
    pub fn expired(&self) -> Option<Fired> {
        let mut state = self.lock();
        if let Some(why) = state.due(Instant::now(), crate::signals::interrupted()) {
            state.fired = Some(why);
        }
        state.fired
    }

    /// Starts a step that must end within `budget` (`None`: only a signal ends it). The
    /// step lasts until the returned value is dropped.
    #[must_use = "the step ends when this is dropped"]
    pub fn step(&self, budget: Option<Duration>) -> Step {
        let mut state = self.lock();
        if state.depth == 0 {
            state.fired = None;
            state.deadline = budget.map(|b| Instant::now() + b);
            state.budget = budget.unwrap_or_default();
        }
        state.depth += 1;
        Step {
            guard: self.clone(),
        }
    }

    /// Why the last step was ended, if it was, with the budget it had.
    pub fn fired(&self) -> Option<(Fired, Duration)> {
        let state = self.lock();
        state.fired.map(|f| (f, state.budget))
    }
}

/// A running step (see [`Guard::step`]).
#[derive(Debug)]
pub struct Step {
    guard: Guard,
}

impl Drop for Step {
    fn drop(&mut self) {
        let mut state = self.guard.lock();
        state.depth = state.depth.saturating_sub(1);
        if state.depth == 0 {
            state.deadline = None;
        }
    }
}

/// The guards the thread watches (dropped connections drop out).
fn watched() -> &'static Mutex<Vec<Weak<Mutex<State>>>> {
    static WATCHED: OnceLock<Mutex<Vec<Weak<Mutex<State>>>>> = OnceLock::new();
    WATCHED.get_or_init(|| {
        let _ = std::thread::Builder::new()
            .name("ftpchat-net-guard".into())
            .spawn(|| {
                loop {
                    std::thread::sleep(Duration::from_millis(50));
                    check(Instant::now(), crate::signals::interrupted());
                }
            });
        Mutex::new(Vec::new())
    })
}

/// One round of the guard thread.
fn check(now: Instant, interrupted: bool) {
    let mut list = watched().lock().unwrap_or_else(PoisonError::into_inner);
    list.retain(|weak| {
        let Some(state) = weak.upgrade() else {
            return false;
        };
        let mut state = state.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(why) = state.due(now, interrupted) {
            state.shut(why);
        }
        true
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;
    use std::net::TcpListener;

    #[test]
    fn a_step_past_its_deadline_has_its_sockets_shut() {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let mut client = TcpStream::connect(listener.local_addr().expect("addr")).expect("connect");
        let (_server, _) = listener.accept().expect("accept");
        let guard = Guard::new();
        guard.control(&client);
        let step = guard.step(Some(Duration::from_millis(200)));
        let start = Instant::now();
        // The server never writes: without the guard this read would block forever.
        let n = client.read(&mut [0u8; 16]).unwrap_or(0);
        assert_eq!(n, 0);
        assert!(start.elapsed() < Duration::from_secs(5));
        assert_eq!(
            guard.fired(),
            Some((Fired::Deadline, Duration::from_millis(200)))
        );
        drop(step);
        // A new step starts clean.
        let _step = guard.step(None);
        assert_eq!(guard.fired(), None);
    }

    #[test]
    fn an_idle_connection_is_left_alone() {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let client = TcpStream::connect(listener.local_addr().expect("addr")).expect("connect");
        let guard = Guard::new();
        guard.control(&client);
        drop(guard.step(Some(Duration::from_millis(1))));
        check(Instant::now() + Duration::from_secs(1), false);
        assert_eq!(guard.fired(), None);
    }
}
