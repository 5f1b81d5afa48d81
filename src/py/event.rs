//! `Event`: `threading.Event()`, the switch stage 3 adds so that `stop()` can tell every
//! loop to end. Setting it wakes threads waiting in `wait()`, but not threads blocked in
//! `accept()` or `recv()`: those check the event only after their call returns.

use super::interpreter::blocking;
use super::Call;
use crate::sync::{lock, wait_while};
use std::sync::{Condvar, Mutex};
use std::time::Duration;

/// A flag that threads can set, test, and wait for.
#[derive(Default)]
pub(crate) struct Event {
    /// Whether `set()` has been called (and `clear()` not since).
    flag: Mutex<bool>,
    /// Wakes the threads in `wait()` when the flag is set.
    cond: Condvar,
}

impl Event {
    /// `threading.Event()`
    pub(crate) fn new() -> Event {
        Event::default()
    }

    /// `event.set()`
    pub(crate) fn set(&self) {
        *lock(&self.flag) = true;
        self.cond.notify_all();
    }

    /// `event.is_set()`
    pub(crate) fn is_set(&self) -> bool {
        *lock(&self.flag)
    }

    /// `event.wait(timeout)`: true if the flag is set, false if the timeout passed first.
    /// `threading.Event().wait(3)` in the notes is a three-second sleep.
    pub(crate) fn wait(&self, timeout: Duration) -> bool {
        blocking(
            || Call::Other(format!("Event.wait({:.0})", timeout.as_secs_f64())),
            || crate::tr!("why-event"),
            || *wait_while(&self.cond, lock(&self.flag), timeout, |flag| !*flag),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn wait_returns_when_set_from_another_thread() {
        let e = Arc::new(Event::new());
        let setter = e.clone();
        std::thread::spawn(move || setter.set());
        assert!(e.wait(Duration::from_secs(5)));
        assert!(e.is_set());
        assert!(!Event::new().wait(Duration::from_millis(10)));
    }
}
