//! The two ways netlab waits on shared state, shared by the Python model (`py`), the
//! grader's test client and the tests: a mutex that a panicking thread cannot poison for
//! everyone, and a bounded wait on a condition.

use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::Duration;

/// Locks a mutex, carrying on if a panicking thread poisoned it: one broken thread must
/// not take the whole classroom server down with it.
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Waits on `cond` while `keep_waiting` says so, for `timeout` at most; returns the guard
/// so the caller can read the state it was waiting for.
pub fn wait_while<'a, T>(
    cond: &Condvar,
    guard: MutexGuard<'a, T>,
    timeout: Duration,
    keep_waiting: impl FnMut(&mut T) -> bool,
) -> MutexGuard<'a, T> {
    match cond.wait_timeout_while(guard, timeout, keep_waiting) {
        Ok((guard, _)) => guard,
        Err(poisoned) => poisoned.into_inner().0,
    }
}
