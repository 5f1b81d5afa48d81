//! `Lock`: `threading.Lock()`, used as the notes use it: `with self.lock: ...`.
//!
//! In Rust the `with` block is a scope holding the guard:
//! `{ let _lock = self.lock.acquire(); ... }` releases the lock at the closing brace,
//! and also when `?` leaves the scope early, as `with` does when an exception flies.

use super::interpreter::{self, blocking, current_thread_name, holding_lock};
use super::Call;
use crate::sync::lock;
use std::sync::{Mutex, MutexGuard};

/// A lock that knows who holds it, so a report can say who a waiting thread waits for.
#[derive(Default)]
pub(crate) struct Lock {
    /// The lock itself. Like Python's, it protects nothing by itself: only the code that
    /// takes it around an operation is protected.
    mutex: Mutex<()>,
    /// The name of the thread holding it, for "waiting for self.lock, held by ...".
    holder: Mutex<Option<String>>,
}

/// The `with self.lock:` block: the lock is held until this guard is dropped.
pub(crate) struct LockGuard<'a> {
    lock: &'a Lock,
    _guard: MutexGuard<'a, ()>,
}

impl Lock {
    /// `threading.Lock()`
    pub(crate) fn new() -> Lock {
        interpreter::current().register_lock();
        Lock::default()
    }

    /// `with self.lock:`: waits until the lock is free, then holds it until the guard drops.
    #[must_use = "the lock is released as soon as the guard is dropped"]
    pub(crate) fn acquire(&self) -> LockGuard<'_> {
        let guard = match self.mutex.try_lock() {
            Ok(g) => g,
            Err(_) => blocking(
                || Call::Lock,
                || match lock(&self.holder).as_deref() {
                    Some(holder) => crate::tr!("why-lock-held-by", holder = holder),
                    None => crate::tr!("why-lock-held"),
                },
                || self.mutex.lock().unwrap_or_else(|p| p.into_inner()),
            ),
        };
        *lock(&self.holder) = Some(current_thread_name());
        holding_lock(true);
        LockGuard {
            lock: self,
            _guard: guard,
        }
    }
}

impl Drop for LockGuard<'_> {
    fn drop(&mut self) {
        *lock(&self.lock.holder) = None;
        holding_lock(false);
    }
}
