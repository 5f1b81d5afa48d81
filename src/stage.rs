//! What every stage offers the CLI, the tests and the grader, and how a running stage is
//! started, observed and stopped.
//!
//! Which programs exist is the curriculum's business (`crate::curriculum`, generated from
//! `stages/curriculum.toml`); this module defines what a server and a client offer, and
//! the lifecycle around a running server.

use crate::logging::NETLAB;
use crate::py::{self, Event, Interpreter, Thread, ThreadInfo};
use crate::thread_list::describe_changes;
use crate::tr;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub(crate) use crate::thread_list::describe;

/// A server netlab runs: a stage of the notes, one of netlab's own, or an exercise's
/// reference solution. The curriculum (`crate::curriculum`) has one per server entry.
#[derive(Debug)]
pub struct ServerProgram {
    /// Its id in the curriculum: `3`, `5.race`.
    pub id: &'static str,
    /// A short name for titles: `event`, `5.race`.
    pub slug: &'static str,
    /// How the Python program lives and ends.
    pub lifecycle: Lifecycle,
    /// The notes' `logging.basicConfig` format for it.
    pub log_format: &'static str,
    /// Starts the server on an address; returns once it listens.
    pub(crate) start: fn(SocketAddr) -> py::Result<Arc<dyn Server>>,
}

/// The chat client netlab runs: the notes' client, or an exercise's reference solution.
#[derive(Debug)]
pub struct ClientProgram {
    /// Its id in the curriculum: `client`, `client.quit`.
    pub id: &'static str,
    /// The notes' `logging.basicConfig` format for it.
    pub log_format: &'static str,
    /// Connects to a server and starts receiving; returns once connected.
    pub(crate) start: fn(SocketAddr) -> py::Result<Arc<dyn ChatClient>>,
}

/// How a stage's Python program lives, which decides what the CLI does around it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lifecycle {
    /// Runs to its end by itself (stage 1): the CLI waits for it and exits with its status.
    Script,
    /// No console, no stop(): only a signal ends it (stage 2).
    Forever,
    /// A `>> ` console; `quit` calls stop() and pauses 3 s, as the notes' `threading.Event().wait(3)`
    /// (stages 3-7 of the notes).
    Console,
    /// A `>> ` console whose `quit` (and Ctrl-C, and SIGTERM) calls stop(), which ends
    /// every thread at once: no pause (netlab's own stages 8-9).
    Service,
}

impl Lifecycle {
    /// Whether the program has a `>> ` console with `quit`.
    pub fn has_console(self) -> bool {
        matches!(self, Lifecycle::Console | Lifecycle::Service)
    }
}

/// The small interface every server stage implements (at the bottom of its file).
pub trait Server: Send + Sync {
    /// The address the server listens on, with the kernel's port when started on port 0.
    fn local_addr(&self) -> SocketAddr;
    /// The notes' `stop()`: set the event, close the sockets. Like the notes, it does not
    /// wait for the threads, and in stages 6-7 it can block (python-originals §9).
    fn stop(&self) -> py::Result<()>;
    /// The clients dict as `logging.info(cs.clients)` prints it.
    fn clients(&self) -> String;
    /// The clients dict as the live view shows it: each key and the socket its value holds,
    /// read at once as `logging.info(cs.clients)` reads it; `None` for a stage that keeps
    /// no dict (stage 1).
    fn clients_dict(&self) -> Option<Vec<(SocketAddr, py::Socket)>>;
}

/// The interface of the stage-7 client.
pub trait ChatClient: Send + Sync {
    /// The client's own address (what the server's broadcast header shows for it).
    fn local_addr(&self) -> SocketAddr;
    /// Sends one typed line: stripped, plus `\n`.
    fn send(&self, line: &str) -> py::Result<()>;
    /// The notes' `stop()`: close the socket, wait 3 s, log "Client stops".
    fn stop(&self);
    /// The client's socket, for what netlab adds around the notes' client: the console's
    /// `/` commands (`/reset`, `/halfclose`, `/bytes`, `/flood`) act on it directly.
    fn socket(&self) -> &py::Socket;
}

/// A stage server started in this process: the handle tests, demos and the CLI hold.
pub struct Running {
    /// Which server this is.
    pub(crate) program: &'static ServerProgram,
    /// The program's threads, sockets and (when captured) output.
    interp: Arc<Interpreter>,
    /// The stage's server object.
    server: Arc<dyn Server>,
}

/// How to run the quit sequence.
#[derive(Clone, Copy, Debug)]
pub(crate) struct QuitOptions {
    /// How long "MainThread" waits after stop(), as the notes' `threading.Event().wait(3)`.
    pub(crate) main_wait: Duration,
    /// How long netlab waits in all for the threads before it cuts them short.
    pub(crate) grace: Duration,
}

impl QuitOptions {
    /// What the CLI does: the notes' 3 s wait (none for a stage that needs none), within
    /// the given grace period.
    pub(crate) fn cli(grace: Duration, lifecycle: Lifecycle) -> QuitOptions {
        QuitOptions {
            main_wait: if lifecycle == Lifecycle::Service {
                Duration::ZERO
            } else {
                Duration::from_secs(3)
            },
            grace,
        }
    }
}

/// What happened after `quit`.
#[derive(Debug)]
pub(crate) struct QuitReport {
    /// Time from `quit` to the end (all threads done, or the cut).
    pub(crate) elapsed: Duration,
    /// The threads still blocked when the grace period ran out (empty if all ended).
    pub(crate) stuck: Vec<ThreadInfo>,
}

impl QuitReport {
    /// True if every thread ended by itself within the grace period.
    pub(crate) fn clean(&self) -> bool {
        self.stuck.is_empty()
    }
}

/// How to start a stage server; [`Running::start`] takes the defaults but for `capture`.
#[derive(Clone, Copy, Debug)]
pub struct StartOptions {
    /// Keep the program's log records and prints for [`Running::interpreter`] instead of
    /// showing them (tests, demos).
    pub capture: bool,
    /// Set SO_REUSEADDR on the listening socket before `bind()` (the default), so that a
    /// stage restarts on its port at once after a run with clients. `false` binds exactly
    /// as the notes' code does (`--no-reuseaddr`): the restart then fails for about 60 s,
    /// while the connections the last run closed wait in TIME-WAIT. Nothing on the wire
    /// changes either way, and a second server on a port in use still fails.
    pub reuse_addr: bool,
}

impl Default for StartOptions {
    fn default() -> StartOptions {
        StartOptions {
            capture: false,
            reuse_addr: true,
        }
    }
}

impl Running {
    /// Starts `program` on `addr`. With `capture`, the program's log records and prints
    /// are kept for [`Running::interpreter`] instead of being shown (tests, demos).
    pub fn start(
        program: &'static ServerProgram,
        addr: SocketAddr,
        capture: bool,
    ) -> py::Result<Running> {
        Running::start_with(
            program,
            addr,
            StartOptions {
                capture,
                ..StartOptions::default()
            },
        )
    }

    /// Starts `program` on `addr` with `options`.
    pub fn start_with(
        program: &'static ServerProgram,
        addr: SocketAddr,
        options: StartOptions,
    ) -> py::Result<Running> {
        crate::logging::ensure_installed();
        let interp = Interpreter::with_reuse_addr(options.capture, options.reuse_addr);
        let server = interp.enter(|| (program.start)(addr))?;
        Ok(Running {
            program,
            interp,
            server,
        })
    }

    /// Which server this is.
    pub fn program(&self) -> &'static ServerProgram {
        self.program
    }

    /// The address the server listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.server.local_addr()
    }

    /// The program's interpreter: its threads, and its records when captured.
    pub fn interpreter(&self) -> &Arc<Interpreter> {
        &self.interp
    }

    /// The stage's server object.
    pub(crate) fn server(&self) -> &Arc<dyn Server> {
        &self.server
    }

    /// The console's `quit`: runs the notes' `stop()` (and their 3 s wait) on a thread
    /// named MainThread, then waits for every thread, as Python waits for its non-daemon
    /// threads at exit, but never longer than `options.grace`: then it reports which
    /// threads are stuck and why, and cuts them short.
    pub(crate) fn quit(&self, options: QuitOptions) -> QuitReport {
        quit_sequence(&self.interp, &self.server, options)
    }

    /// [`Running::quit`] on a thread of its own, so the caller can act (as clients do in
    /// class) while the server stops; join the handle for the report.
    pub(crate) fn quit_in_background(
        &self,
        options: QuitOptions,
    ) -> std::thread::JoinHandle<QuitReport> {
        let (interp, server) = (self.interp.clone(), self.server.clone());
        std::thread::spawn(move || quit_sequence(&interp, &server, options))
    }
}

/// How long the threads that stop() woke get to end before netlab lists those left.
const THREADS_END: Duration = Duration::from_millis(200);

/// How long stop() may take before netlab says that it is blocked.
const STOP_BLOCKED_AFTER: Duration = Duration::from_secs(1);

fn quit_sequence(
    interp: &Arc<Interpreter>,
    server: &Arc<dyn Server>,
    options: QuitOptions,
) -> QuitReport {
    let started = Instant::now();
    let deadline = started + options.grace;
    let server = server.clone();
    let main_wait = options.main_wait;
    // The notes' `threading.Event().wait(3)`: a pause on an event nobody sets. netlab keeps
    // a handle on it so that cutting short also ends the pause: --grace bounds it too.
    let pause = Arc::new(Event::new());
    // Set once stop() has returned, so that netlab can tell a blocked stop() from the pause.
    let stopped = Arc::new(Event::new());
    let main = interp.enter(|| {
        let (pause, stopped) = (pause.clone(), stopped.clone());
        Thread::new("MainThread", move || {
            server.stop()?;
            stopped.set();
            pause.wait(main_wait);
            Ok(())
        })
        .start()
    });
    // Each list of threads is printed once: a later report says what changed since.
    let mut listed: Option<Vec<ThreadInfo>> = None;
    if let Ok(main) = &main {
        // stop() returns at once in stages 3-5; in stages 6-7 it blocks in f.close() until
        // each client's readline() returns (python-originals §9). Say so while the class waits,
        // rather than only when the grace period ends.
        let soon = STOP_BLOCKED_AFTER.min(deadline.saturating_duration_since(Instant::now()));
        if !stopped.wait(soon) && main.is_alive() && Instant::now() < deadline {
            let threads = list(&mut listed, interp.alive_threads());
            log::info!(
                target: NETLAB,
                "{}\n{threads}{}",
                paragraph(
                    "netlab: ",
                    &tr!(
                        "quit-stop-blocked",
                        seconds = format!("{:.0}", STOP_BLOCKED_AFTER.as_secs_f64())
                    )
                ),
                paragraph(
                    "",
                    &tr!(
                        "quit-stop-blocked-then",
                        grace = format!("{:.1}", options.grace.as_secs_f64())
                    )
                )
            );
        }
        // Python's main thread returns from stop() and its 3 s wait, then waits at exit for
        // the other threads: say which ones, and why they do not end.
        if main.join(deadline.saturating_duration_since(Instant::now())) {
            // Threads that stop() did wake take a moment to end: only those still there
            // after it are the ones Python would wait for.
            interp.wait_threads(deadline.min(Instant::now() + THREADS_END));
            let waiting = interp.alive_threads();
            if !waiting.is_empty() {
                let n = waiting.len();
                let threads = list(&mut listed, waiting);
                log::info!(
                    target: NETLAB,
                    "{}\n{threads}{}",
                    paragraph(
                        "netlab: ",
                        &tr!(
                            "quit-stop-returned",
                            threads = tr!("count-threads", n = n)
                        )
                    ),
                    paragraph(
                        "",
                        &tr!(
                            "quit-stop-returned-then",
                            n = n,
                            grace = format!("{:.1}", options.grace.as_secs_f64())
                        )
                    )
                );
            }
        }
    }
    if interp.wait_threads(deadline) {
        return QuitReport {
            elapsed: started.elapsed(),
            stuck: Vec::new(),
        };
    }
    let stuck = interp.alive_threads();
    cut_short(interp, &stuck, started.elapsed(), listed);
    pause.set();
    interp.wait_threads(Instant::now() + Duration::from_secs(1));
    log::info!(target: NETLAB, "{}", how_they_ended(interp, &stuck));
    QuitReport {
        elapsed: started.elapsed(),
        stuck,
    }
}

/// The threads for a report: the whole list the first time, then only what changed since
/// the list above (`listed`), so a class of 40 does not see 40 lines twice.
fn list(listed: &mut Option<Vec<ThreadInfo>>, now: Vec<ThreadInfo>) -> String {
    let text = match listed {
        Some(before) => describe_changes(before, &now),
        None => describe(&now),
    };
    *listed = Some(now);
    text
}

/// `text` wrapped for the terminal, its first line after `prefix` (what the logger puts
/// before it: `netlab: `), with no newline at the end.
fn paragraph(prefix: &str, text: &str) -> String {
    let indent = " ".repeat(crate::text::columns(prefix));
    let wrapped = crate::text::wrap(text, &indent, "");
    wrapped[indent.len()..].trim_end().to_string()
}

/// Ends what is still running: logs the stuck threads (what changed since `listed`, if
/// they were listed before) and shuts down every socket (which wakes their blocked calls).
fn cut_short(
    interp: &Interpreter,
    stuck: &[ThreadInfo],
    after: Duration,
    mut listed: Option<Vec<ThreadInfo>>,
) {
    if !stuck.is_empty() {
        let n = stuck.len();
        let threads = list(&mut listed, stuck.to_vec());
        log::warn!(
            target: NETLAB,
            "{}\n{threads}{}",
            paragraph(
                &tr!("netlab-warning", message = ""),
                &tr!(
                    "quit-grace-over",
                    seconds = format!("{:.1}", after.as_secs_f64()),
                    n = n
                )
            ),
            paragraph("", &tr!("quit-grace-over-then", n = n))
        );
    }
    interp.cut_short_quietly();
}

/// How the threads cut short ended, one line per way: threads that ended the same way are
/// counted together (`- 29 threads: OSError: [Errno 9] Bad file descriptor`).
fn how_they_ended(interp: &Interpreter, stuck: &[ThreadInfo]) -> String {
    let now = interp.threads();
    let mut ways: Vec<(String, Vec<&str>)> = Vec::new();
    for t in stuck {
        let Some(after) = now.iter().find(|a| a.name == t.name) else {
            continue;
        };
        let way = match (&after.exception, after.alive) {
            (_, true) => tr!("quit-still-running"),
            (Some(e), false) => e.to_string(),
            (None, false) => tr!("quit-returned-normally"),
        };
        match ways.iter_mut().find(|(w, _)| *w == way) {
            Some((_, names)) => names.push(&t.name),
            None => ways.push((way, vec![&t.name])),
        }
    }
    let mut out = tr!("quit-how-they-ended");
    for (way, names) in ways {
        let who = match names.as_slice() {
            [one] => one.to_string(),
            _ => tr!("count-threads", n = names.len()),
        };
        out.push('\n');
        out.push_str(&tr!("quit-ended-way", who = who, way = way));
    }
    out
}

impl Drop for Running {
    /// A dropped server must not leave threads and ports behind (tests start hundreds):
    /// whatever still runs is cut short.
    fn drop(&mut self) {
        if !self.interp.alive_threads().is_empty() {
            self.interp.cut_short();
            self.interp
                .wait_threads(Instant::now() + Duration::from_secs(2));
        }
    }
}
