//! `threading` as the notes use it: `threading.Thread(target=...)`, `start()`, `join()`,
//! and the "Exception in thread ..." report Python prints when an exception ends a thread.
//! The threads belong to an interpreter (`interpreter.rs`), which lists them.

use super::interpreter::{
    current, forget_ended, Interpreter, Record, ThreadState, CURRENT, ENDED_KEPT,
};
use super::{Exception, Result};
use crate::sync::{lock, wait_while};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// `threading.Thread(target=..., name=...)`
pub(crate) struct Thread {
    name: String,
    daemon: bool,
    target: Box<dyn FnOnce() -> Result<()> + Send>,
}

/// A started thread: `is_alive()` and `join()`.
pub(crate) struct ThreadHandle {
    state: Arc<ThreadState>,
    interp: Arc<Interpreter>,
}

impl Thread {
    /// A thread that will run `target`; an `Err` it returns is the exception that kills it.
    pub(crate) fn new(
        name: impl Into<String>,
        target: impl FnOnce() -> Result<()> + Send + 'static,
    ) -> Thread {
        Thread {
            name: name.into(),
            daemon: false,
            target: Box::new(target),
        }
    }

    /// `thread.start()`. Fails (as Python's `RuntimeError: can't start new thread`) only
    /// when the OS refuses another thread.
    #[track_caller]
    pub fn start(self) -> Result<ThreadHandle> {
        let interp = current();
        let state = Arc::new(ThreadState {
            name: self.name.clone(),
            daemon: self.daemon,
            alive: AtomicBool::new(true),
            blocked: Mutex::new(None),
            exception: Mutex::new(None),
            since: Mutex::new(Instant::now()),
            holding: AtomicUsize::new(0),
        });
        {
            let mut st = lock(&interp.state);
            if st.threads.len() % ENDED_KEPT == ENDED_KEPT - 1 {
                forget_ended(&mut st.threads);
            }
            st.threads.push(state.clone());
        }
        interp.push(Record::Started {
            thread: self.name.clone(),
        });
        let (child_interp, child_state) = (interp.clone(), state.clone());
        let target = self.target;
        let spawned = std::thread::Builder::new()
            .name(self.name.clone())
            .spawn(move || {
                CURRENT.with(|c| {
                    *c.borrow_mut() = Some((child_interp.clone(), Some(child_state.clone())))
                });
                let outcome = catch_unwind(AssertUnwindSafe(target));
                let exception = match outcome {
                    Ok(Ok(())) => None,
                    Ok(Err(e)) => Some(e),
                    Err(_) => Some(Exception::new(
                        "SystemError",
                        "netlab bug: this thread panicked",
                    )),
                };
                if let Some(e) = &exception {
                    report_death(&child_interp, &child_state.name, e);
                    *lock(&child_state.exception) = Some(e.clone());
                }
                *lock(&child_state.since) = Instant::now();
                child_state.alive.store(false, Ordering::SeqCst);
                child_interp.push(Record::Ended {
                    thread: child_state.name.clone(),
                    exception,
                });
            });
        match spawned {
            Ok(_) => Ok(ThreadHandle { state, interp }),
            Err(err) => {
                state.alive.store(false, Ordering::SeqCst);
                interp.push(Record::Ended {
                    thread: self.name,
                    exception: None,
                });
                Err(Exception::new(
                    "RuntimeError",
                    format!("can't start new thread ({err})"),
                ))
            }
        }
    }
}

impl ThreadHandle {
    /// `thread.is_alive()`
    pub(crate) fn is_alive(&self) -> bool {
        self.state.alive.load(Ordering::SeqCst)
    }

    /// `thread.join(timeout)`: true if the thread has ended.
    pub(crate) fn join(&self, timeout: Duration) -> bool {
        let state = lock(&self.interp.state);
        drop(wait_while(&self.interp.changed, state, timeout, |_| {
            self.is_alive()
        }));
        !self.is_alive()
    }
}

/// What Python prints when an exception escapes a thread, shaped like its traceback:
/// the thread, the line of the stage file, that line's code, and the exception.
fn report_death(interp: &Interpreter, name: &str, e: &Exception) {
    if interp.is_cut_short() {
        if !interp.quiet_deaths.load(Ordering::SeqCst) {
            log::info!(
                target: "netlab",
                "{}",
                crate::tr!("thread-cut-short", name = name, error = e.to_string())
            );
        }
        return;
    }
    let mut text = format!("Exception in thread {name}:\nTraceback (most recent call last):\n");
    if let Some(at) = e.at {
        let (file, code) = super::source_line(at);
        text.push_str(&format!("  File \"{file}\", line {}\n", at.line()));
        if let Some(code) = code {
            text.push_str(&format!("    {}\n", code.trim()));
        }
    }
    text.push_str(&e.to_string());
    log::error!(target: "threading", "{text}");
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A thread per connection for hours: the list keeps the threads alive and the
    /// latest ended ones, not every thread that ever ran.
    #[test]
    fn ended_threads_are_forgotten_past_a_bound() {
        let interp = Interpreter::new(false);
        interp.enter(|| {
            for i in 0..ENDED_KEPT * 3 {
                let t = Thread::new(format!("t{i}"), || Ok(())).start().unwrap();
                assert!(t.join(Duration::from_secs(10)), "thread {i} ended");
            }
        });
        let listed = interp.threads().len();
        assert!(
            (ENDED_KEPT..2 * ENDED_KEPT).contains(&listed),
            "{listed} threads listed after {} ended",
            ENDED_KEPT * 3
        );
    }
}
