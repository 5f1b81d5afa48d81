//! A running Python program, as netlab models it: one interpreter with its threads, what
//! each is blocked in, its captured output (log records, prints), and its sockets.
//!
//! A Python process is one interpreter with one list of threads. netlab runs several
//! stage servers side by side in one test process, so that state lives in an
//! [`Interpreter`] value: each stage server gets its own, and every thread a stage starts
//! belongs to the interpreter of the thread that started it (`threading.rs` starts them).
//! The interpreter also knows what each thread is blocked in, which is how netlab can say,
//! after `quit`, which threads Python would be waiting for and why they do not wake up.

use super::{Call, Exception};
use crate::sync::{lock, wait_while};
use std::any::Any;
use std::cell::RefCell;
use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock, Weak};
use std::time::{Duration, Instant};

/// The threads, sockets and output of one running program (one stage server, one client).
pub struct Interpreter {
    /// Threads and captured records, behind one lock so that waiting on `changed` sees both.
    pub(super) state: Mutex<State>,
    /// Signalled when a thread ends, a record is captured, or a cut-short is requested:
    /// what tests and the quit sequence wait on instead of sleeping.
    pub(super) changed: Condvar,
    /// Whether to keep log records and prints in memory (tests, demos). The CLI does not.
    capture: bool,
    /// Whether this program's sockets set SO_REUSEADDR before `bind()`: netlab's stage
    /// servers do by default, so a stage restarts on its port at once after a run with
    /// clients (TIME-WAIT); the notes' code does not (`netlab stage N --no-reuseaddr`).
    reuse_addr: bool,
    /// Every OS socket this program opened, weakly: what a cut-short shuts down.
    sockets: Mutex<Vec<Weak<socket2::Socket>>>,
    /// Every socket object this program made, weakly, with the OS socket's entry above: what
    /// the live view lists per connection (`netlab stage N --view`). Nothing else reads it.
    /// (Held as `Any`, so that the interpreter needs to know nothing of sockets: `socket.rs`
    /// reads them back with [`Interpreter::socket_objects`].)
    socket_objects: Mutex<Vec<Weak<dyn Any + Send + Sync>>>,
    /// How many `threading.Lock()` this program made: the view says "no lock" in stages
    /// 2-4, which have none, rather than "free".
    locks: AtomicUsize,
    /// Set once netlab has cut the program short; thread deaths after that are expected.
    cut_short: AtomicBool,
    /// Set when the one who cut short reports the deaths that follow together (the quit
    /// sequence), so each thread does not announce its own end.
    pub(super) quiet_deaths: AtomicBool,
    /// Set once netlab has decided that this program ends (the client exits on a signal,
    /// after `quit`, on a failed send): from then on the log records of the threads it
    /// started are dropped. Cutting a program short wakes its threads, and what they then
    /// log (the `b''` that a shut-down socket makes `recv()` return) is netlab's doing,
    /// not the program's: it must not follow netlab's last word.
    silenced: AtomicBool,
}

pub(super) struct State {
    pub(super) threads: Vec<Arc<ThreadState>>,
    pub(super) records: Vec<Record>,
}

/// How many ended threads a program's list keeps (the latest): a server that runs a
/// thread per connection for hours must not grow with every client that came and went.
pub(super) const ENDED_KEPT: usize = 256;

/// Drops the oldest ended threads from `threads`, keeping the latest [`ENDED_KEPT`].
pub(super) fn forget_ended(threads: &mut Vec<Arc<ThreadState>>) {
    let ended = threads
        .iter()
        .filter(|t| !t.alive.load(Ordering::SeqCst))
        .count();
    let mut extra = ended.saturating_sub(ENDED_KEPT);
    threads.retain(|t| {
        if extra > 0 && !t.alive.load(Ordering::SeqCst) {
            extra -= 1;
            false
        } else {
            true
        }
    });
}

/// One thread as `threading.enumerate()` would list it, plus what it is blocked in.
pub(crate) struct ThreadState {
    /// What the thread is for: `accept`, `recv 127.0.0.1:51234`.
    pub(crate) name: String,
    /// Daemon threads do not keep a Python process alive; the tutorial's threads are not.
    pub(crate) daemon: bool,
    pub(super) alive: AtomicBool,
    pub(super) blocked: Mutex<Option<Blocked>>,
    /// The exception that ended the thread, if one did.
    pub(super) exception: Mutex<Option<Exception>>,
    /// When the thread last changed state (started, entered or left a blocking call,
    /// ended): the view's "since" column. One uncontended lock per blocking call.
    pub(super) since: Mutex<Instant>,
    /// How many locks the thread holds now (`with self.lock:` blocks it is inside): the
    /// view names the holder, which is how the freeze of stages 6-7 shows.
    pub(super) holding: AtomicUsize,
}

/// What a thread is waiting for right now, and why it will not wake by itself.
#[derive(Clone, Debug)]
pub(crate) struct Blocked {
    /// The call it sits in: `recv()` from 127.0.0.1:51234.
    pub(crate) what: Call,
    /// Why that call does not return when the server stops, for the quit report.
    pub(crate) why: String,
}

impl Blocked {
    /// Whether the call waits for a client to send (or a client to connect), which is
    /// where an idle server's threads sit, rather than for room to send or for a lock.
    pub(crate) fn waits_for_input(&self) -> bool {
        self.what.waits_for_input()
    }
}

/// A snapshot of one thread for reports: name, whether alive, what it waits for.
#[derive(Clone, Debug)]
pub struct ThreadInfo {
    pub(crate) name: String,
    pub(crate) daemon: bool,
    pub(crate) alive: bool,
    pub(crate) blocked: Option<Blocked>,
    /// The exception that ended it (Python's "Exception in thread ..."), if any.
    pub(crate) exception: Option<Exception>,
    /// When it last changed state: started, entered or left a blocking call, ended.
    pub(crate) since: Instant,
    /// Whether it holds a lock now (is inside a `with self.lock:` block).
    pub(crate) holds_lock: bool,
}

/// Something a program did that tests and demos want to observe.
#[derive(Clone, Debug)]
pub enum Record {
    /// A log record (`logging.info(msg)` in the notes), with the thread that logged it.
    Log {
        target: String,
        level: log::Level,
        thread: String,
        message: String,
    },
    /// A line written with `print()`.
    Print(String),
    /// A thread started.
    Started { thread: String },
    /// A thread ended: normally, or killed by an exception (Python's "Exception in thread").
    Ended {
        thread: String,
        exception: Option<Exception>,
    },
}

impl Record {
    /// The log message, if this is a log record.
    pub fn message(&self) -> Option<&str> {
        match self {
            Record::Log { message, .. } => Some(message),
            _ => None,
        }
    }
}

/// Which interpreter an OS thread belongs to, and its entry there (None for a thread
/// that entered the interpreter without being started by it, such as a test's).
pub(super) type Membership = (Arc<Interpreter>, Option<Arc<ThreadState>>);

thread_local! {
    /// The interpreter (and the thread entry) the current OS thread belongs to.
    pub(super) static CURRENT: RefCell<Option<Membership>> = const { RefCell::new(None) };
}

/// The interpreter of code that runs outside any stage (demos that just need threads).
fn default_interpreter() -> Arc<Interpreter> {
    static DEFAULT: OnceLock<Arc<Interpreter>> = OnceLock::new();
    DEFAULT.get_or_init(|| Interpreter::new(false)).clone()
}

/// The interpreter the calling thread belongs to.
pub(crate) fn current() -> Arc<Interpreter> {
    CURRENT
        .with(|c| c.borrow().as_ref().map(|(i, _)| i.clone()))
        .unwrap_or_else(default_interpreter)
}

fn current_thread() -> Option<Arc<ThreadState>> {
    CURRENT.with(|c| c.borrow().as_ref().and_then(|(_, t)| t.clone()))
}

/// Whether the calling OS thread is one a program started (a stage's `accept` or `recv`
/// thread): such a thread catches its own panics and reports them as Python would.
pub(crate) fn in_program_thread() -> bool {
    current_thread().is_some()
}

/// `threading.current_thread().name`
pub(crate) fn current_thread_name() -> String {
    if let Some(t) = current_thread() {
        return t.name.clone();
    }
    match std::thread::current().name() {
        // The process's first thread, which Python calls MainThread.
        Some("main") | None => "MainThread".to_string(),
        Some(name) => name.to_string(),
    }
}

/// Runs `call`, noting meanwhile that the current thread is blocked in `what` (for `why`).
/// Every blocking call of the `py` types goes through here, so a report can always say
/// where each thread is.
pub(crate) fn blocking<R>(
    what: impl FnOnce() -> Call,
    why: impl FnOnce() -> String,
    call: impl FnOnce() -> R,
) -> R {
    let Some(thread) = current_thread() else {
        return call();
    };
    *lock(&thread.blocked) = Some(Blocked {
        what: what(),
        why: why(),
    });
    *lock(&thread.since) = Instant::now();
    let result = call();
    *lock(&thread.blocked) = None;
    *lock(&thread.since) = Instant::now();
    result
}

/// Notes that the current thread took (`true`) or released (`false`) a lock, for the view.
pub(crate) fn holding_lock(taken: bool) {
    if let Some(thread) = current_thread() {
        if taken {
            thread.holding.fetch_add(1, Ordering::Relaxed);
        } else {
            thread.holding.fetch_sub(1, Ordering::Relaxed);
        }
    }
}

impl Interpreter {
    /// A fresh interpreter; `capture` keeps log records and prints for tests and demos.
    /// Its sockets behave as Python's do: no SO_REUSEADDR.
    pub(crate) fn new(capture: bool) -> Arc<Interpreter> {
        Interpreter::with_reuse_addr(capture, false)
    }

    /// A fresh interpreter whose sockets set SO_REUSEADDR before `bind()` when
    /// `reuse_addr` is true (see [`Interpreter::reuse_addr`]).
    pub(crate) fn with_reuse_addr(capture: bool, reuse_addr: bool) -> Arc<Interpreter> {
        Arc::new(Interpreter {
            state: Mutex::new(State {
                threads: Vec::new(),
                records: Vec::new(),
            }),
            changed: Condvar::new(),
            capture,
            reuse_addr,
            sockets: Mutex::new(Vec::new()),
            socket_objects: Mutex::new(Vec::new()),
            locks: AtomicUsize::new(0),
            cut_short: AtomicBool::new(false),
            quiet_deaths: AtomicBool::new(false),
            silenced: AtomicBool::new(false),
        })
    }

    /// Runs `f` on the calling thread as part of this interpreter: threads and sockets it
    /// creates belong here, and its log records are captured here.
    pub(crate) fn enter<R>(self: &Arc<Self>, f: impl FnOnce() -> R) -> R {
        let previous = CURRENT.with(|c| c.replace(Some((self.clone(), None))));
        let result = f();
        CURRENT.with(|c| *c.borrow_mut() = previous);
        result
    }

    /// Whether this program's output is kept in its records instead of being shown.
    pub(crate) fn captures(&self) -> bool {
        self.capture
    }

    /// Whether this program's sockets set SO_REUSEADDR before `bind()`. Only the kernel
    /// sees the option: nothing on the wire changes, and a second listener on a port in
    /// use still fails with EADDRINUSE. What it changes is a restart: the connections of
    /// the last run wait about 60 s in TIME-WAIT, and a new listener can bind their port
    /// only if both the old listener and the new one set SO_REUSEADDR (`netlab demo bind`).
    pub(crate) fn reuse_addr(&self) -> bool {
        self.reuse_addr
    }

    /// A snapshot of every thread ever started here, in start order.
    pub(crate) fn threads(&self) -> Vec<ThreadInfo> {
        lock(&self.state)
            .threads
            .iter()
            .map(|t| ThreadInfo {
                name: t.name.clone(),
                daemon: t.daemon,
                alive: t.alive.load(Ordering::SeqCst),
                blocked: lock(&t.blocked).clone(),
                exception: lock(&t.exception).clone(),
                since: *lock(&t.since),
                holds_lock: t.holding.load(Ordering::Relaxed) > 0,
            })
            .collect()
    }

    /// The threads still running (what `threading.enumerate()` lists, minus MainThread).
    pub(crate) fn alive_threads(&self) -> Vec<ThreadInfo> {
        self.threads().into_iter().filter(|t| t.alive).collect()
    }

    /// Waits until every non-daemon thread has ended (true) or `deadline` passes (false).
    /// This is Python's wait for its threads at exit, with a bound.
    pub(crate) fn wait_threads(&self, deadline: Instant) -> bool {
        let running = |state: &mut State| {
            state
                .threads
                .iter()
                .any(|t| !t.daemon && t.alive.load(Ordering::SeqCst))
        };
        let timeout = deadline.saturating_duration_since(Instant::now());
        let mut state = wait_while(&self.changed, lock(&self.state), timeout, running);
        !running(&mut state)
    }

    /// Waits up to `timeout` until every running thread waits for input (in `recv()`,
    /// `readline()` or `accept()`, or for a lock); true if it got there. This is how a test
    /// knows that the server is back in `accept()` and each client's thread in `recv()`, as
    /// they would be by the time a person types the next line. A thread still marked in
    /// `send()` is not done yet: its broadcast may just have written its last byte, with
    /// the end of its loop still to run. Blocked states are not events, so this polls.
    pub(crate) fn wait_receiving(&self, timeout: Duration) -> bool {
        self.wait_until_all_blocked(timeout, |b| !b.what.is_send())
    }

    fn wait_until_all_blocked(&self, timeout: Duration, done: impl Fn(&Blocked) -> bool) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            let busy = lock(&self.state).threads.iter().any(|t| {
                t.alive.load(Ordering::SeqCst) && !lock(&t.blocked).as_ref().is_some_and(&done)
            });
            if !busy {
                return true;
            }
            if Instant::now() >= deadline {
                return false;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Everything captured so far (empty unless created with `capture`).
    pub(crate) fn records(&self) -> Vec<Record> {
        lock(&self.state).records.clone()
    }

    /// Calls `f` with each record captured after the first `seen` (what the view has not
    /// shown yet), under the lock that the program's threads take to add one: `f` must be
    /// quick (the view keeps the first 1200 bytes of a message, never a copy of all of a
    /// 10 MB line). Returns how many records there are now.
    pub(crate) fn each_record_since(&self, seen: usize, f: impl FnMut(&Record)) -> usize {
        let state = lock(&self.state);
        state.records.iter().skip(seen).for_each(f);
        state.records.len()
    }

    /// Waits up to `timeout` for a captured record that satisfies `pred`, looking at each
    /// record once; returns it, or `None` on timeout.
    pub fn wait_for(
        &self,
        timeout: Duration,
        mut pred: impl FnMut(&Record) -> bool,
    ) -> Option<Record> {
        let mut seen = 0;
        let mut found = None;
        drop(wait_while(
            &self.changed,
            lock(&self.state),
            timeout,
            |state| {
                found = state.records[seen..].iter().find(|r| pred(r)).cloned();
                seen = state.records.len();
                found.is_none()
            },
        ));
        found
    }

    pub(crate) fn push(&self, record: Record) {
        if self.capture {
            lock(&self.state).records.push(record);
        }
        self.changed.notify_all();
    }

    pub(crate) fn register_socket(&self, sock: &Arc<socket2::Socket>) {
        let mut sockets = lock(&self.sockets);
        if sockets.len() % 64 == 63 {
            sockets.retain(|w| w.strong_count() > 0);
        }
        sockets.push(Arc::downgrade(sock));
    }

    /// Remembers a socket object weakly, for the live view: remembering it keeps nothing
    /// open.
    pub(crate) fn register_socket_object(&self, sock: Weak<dyn Any + Send + Sync>) {
        let mut objects = lock(&self.socket_objects);
        if objects.len() % 64 == 63 {
            objects.retain(|w| w.strong_count() > 0);
        }
        objects.push(sock);
    }

    /// The socket objects of this program that still exist, in the order they were made,
    /// as `T` (what `socket.rs` registered): what the view lists per connection.
    pub(crate) fn socket_objects<T: Any + Send + Sync>(&self) -> Vec<Arc<T>> {
        lock(&self.socket_objects)
            .iter()
            .filter_map(Weak::upgrade)
            .filter_map(|object| object.downcast::<T>().ok())
            .collect()
    }

    pub(crate) fn register_lock(&self) {
        self.locks.fetch_add(1, Ordering::Relaxed);
    }

    /// Whether this program has made a `threading.Lock()`.
    pub(crate) fn has_lock(&self) -> bool {
        self.locks.load(Ordering::Relaxed) > 0
    }

    /// Ends what Python would wait for forever: shuts down every socket still open, which
    /// (unlike `close()`) wakes the threads blocked in `accept()`, `recv()` or `send()` on
    /// them. Returns how many sockets it shut down.
    pub(crate) fn cut_short(&self) -> usize {
        self.cut_short.store(true, Ordering::SeqCst);
        let sockets: Vec<_> = lock(&self.sockets)
            .iter()
            .filter_map(Weak::upgrade)
            .collect();
        for s in &sockets {
            let _ = s.shutdown(std::net::Shutdown::Both);
        }
        self.changed.notify_all();
        sockets.len()
    }

    /// [`Interpreter::cut_short`], for a caller that then reports how the threads ended,
    /// all together: they do not each log a line (40 clients would make 40).
    pub(crate) fn cut_short_quietly(&self) -> usize {
        self.quiet_deaths.store(true, Ordering::SeqCst);
        self.cut_short()
    }

    /// True once [`Interpreter::cut_short`] has run.
    pub(crate) fn is_cut_short(&self) -> bool {
        self.cut_short.load(Ordering::SeqCst)
    }

    /// From now on, the threads this program started say nothing: their log records are
    /// dropped (see [`silenced`]). The thread that entered the interpreter to drive it (the
    /// CLI's main loop) still speaks, so netlab's own last words still show.
    pub(crate) fn silence(&self) {
        self.silenced.store(true, Ordering::SeqCst);
    }

    /// True once [`Interpreter::silence`] has run.
    pub(crate) fn is_silenced(&self) -> bool {
        self.silenced.load(Ordering::SeqCst)
    }
}

/// Whether the calling thread is one that a silenced interpreter started: the logger
/// drops its records.
pub(crate) fn silenced() -> bool {
    CURRENT.with(|c| {
        c.borrow()
            .as_ref()
            .is_some_and(|(interp, thread)| thread.is_some() && interp.is_silenced())
    })
}

impl fmt::Display for ThreadInfo {
    /// `<Thread(recv 127.0.0.1:51234, started, in recv() from 127.0.0.1:51234)>`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let daemon = if self.daemon { " daemon" } else { "" };
        let status = if self.alive { "started" } else { "stopped" };
        write!(f, "<Thread({}, {status}{daemon}", self.name)?;
        if let Some(b) = &self.blocked {
            write!(f, ", in {}", b.what)?;
        }
        f.write_str(")>")
    }
}
