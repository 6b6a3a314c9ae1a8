//! Request deadlines, watched by one thread of the process instead of one runtime timer per
//! request.
//!
//! A tokio timer registered while the runtime's driver is parked with no earlier timer pending
//! wakes the driver (an eventfd write and an extra `epoll_wait` round trip), so on a lightly
//! loaded server — one request in flight at a time — a per-request `tokio::time::timeout` costs
//! every request a wake-up of another thread. Here a request only takes a lock to note its
//! deadline; the watchdog thread sleeps until the earliest deadline and cancels what is due.
//! It is woken early only by a deadline earlier than the one it sleeps until, which requests of
//! one endpoint (one timeout) never are: each is later than every one before it.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::{Condvar, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use tokio::sync::oneshot;

/// `future`, or `None` once `timeout` has passed (the future is then dropped, which cancels
/// whatever it was doing).
pub(crate) async fn timeout<F: Future>(timeout: Duration, future: F) -> Option<F::Output> {
    let Some(deadline) = Instant::now().checked_add(timeout) else {
        return Some(future.await);
    };
    let (watch, expired) = Watchdog::get().watch(deadline);
    let result = tokio::select! {
        biased;
        output = future => Some(output),
        _ = expired => None,
    };
    drop(watch);
    result
}

/// The process's watchdog: pending deadlines, each with the channel that cancels its request.
struct Watchdog {
    state: Mutex<State>,
    /// Wakes the thread when a deadline earlier than its planned wake-up arrives.
    wake: Condvar,
}

#[derive(Default)]
struct State {
    /// By deadline, then registration (deadlines may tie).
    pending: BTreeMap<(Instant, u64), oneshot::Sender<()>>,
    next_id: u64,
    /// When the thread will next look, if it is waiting for a time.
    planned: Option<Instant>,
}

/// A registered deadline; dropping it (the request finished) forgets it.
struct Watch {
    key: (Instant, u64),
}

impl Drop for Watch {
    fn drop(&mut self) {
        Watchdog::get().lock().pending.remove(&self.key);
    }
}

impl Watchdog {
    fn get() -> &'static Watchdog {
        static WATCHDOG: OnceLock<&'static Watchdog> = OnceLock::new();
        WATCHDOG.get_or_init(|| {
            let watchdog: &'static Watchdog = Box::leak(Box::new(Watchdog {
                state: Mutex::new(State::default()),
                wake: Condvar::new(),
            }));
            let started = std::thread::Builder::new()
                .name("fraiseql-deadlines".into())
                .spawn(move || watchdog.run());
            if let Err(error) = started {
                // Without the thread no request is ever cancelled: say so loudly.
                tracing::error!(%error, "cannot start the request deadline thread");
            }
            watchdog
        })
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn watch(&self, deadline: Instant) -> (Watch, oneshot::Receiver<()>) {
        let (cancel, expired) = oneshot::channel();
        let mut state = self.lock();
        let key = (deadline, state.next_id);
        state.next_id = state.next_id.wrapping_add(1);
        state.pending.insert(key, cancel);
        if state.planned.is_none_or(|planned| deadline < planned) {
            self.wake.notify_one();
        }
        (Watch { key }, expired)
    }

    /// Cancels every request past its deadline, then sleeps until the next one (or, with none
    /// pending, for a minute: a request arriving meanwhile has a later deadline than that only
    /// if its timeout is over a minute, and then it wakes the thread itself).
    fn run(&self) {
        const IDLE: Duration = Duration::from_secs(60);
        let mut state = self.lock();
        loop {
            let now = Instant::now();
            while let Some(entry) = state.pending.first_entry() {
                if entry.key().0 > now {
                    break;
                }
                // The request may have finished in between: nothing to cancel then.
                let _ = entry.remove().send(());
            }
            let next = state.pending.keys().next().map_or(now + IDLE, |key| key.0);
            state.planned = Some(next);
            let wait = next.saturating_duration_since(now);
            state = match self.wake.wait_timeout(state, wait) {
                Ok((state, _)) => state,
                Err(poisoned) => poisoned.into_inner().0,
            };
            state.planned = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    #[tokio::test]
    async fn finishes_or_is_cancelled_at_its_deadline() {
        let quick = super::timeout(Duration::from_secs(5), async { 7 }).await;
        assert_eq!(quick, Some(7));
        let started = Instant::now();
        let slow = super::timeout(Duration::from_millis(50), std::future::pending::<()>()).await;
        assert_eq!(slow, None);
        let waited = started.elapsed();
        assert!(waited >= Duration::from_millis(50), "{waited:?}");
        // A later deadline of another length does not delay an earlier one.
        let long = tokio::spawn(super::timeout(
            Duration::from_secs(30),
            std::future::pending::<()>(),
        ));
        let started = Instant::now();
        let short = super::timeout(Duration::from_millis(20), std::future::pending::<()>()).await;
        assert_eq!(short, None);
        assert!(started.elapsed() < Duration::from_secs(5));
        long.abort();
    }
}
