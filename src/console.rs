//! The program around a stage, as the CLI runs it: the `>> ` console, Ctrl-C, and a
//! `quit` that never hangs.
//!
//! The notes end stages 3-7 with the same console loop:
//!
//! ```python
//! while True:
//!     cmd = input('>> ').strip()
//!     if cmd == 'quit':
//!         cs.stop()
//!         threading.Event().wait(3)
//!         break
//!     logging.info(threading.enumerate())
//!     logging.info(cs.clients)
//! ```
//!
//! netlab keeps it, with five changes a classroom needs, each announced when it happens:
//! after `quit`, Python waits forever for threads that closing their sockets did not
//! wake; netlab says which ones and why, and cuts them short after a grace period (or a
//! second Ctrl-C). Ctrl-C and SIGTERM take the same path as `quit` (in Python, Ctrl-C only
//! kills the console). When stdin ends, the server keeps serving and netlab says how to
//! stop it. A line that is not UTF-8 is skipped with a warning, where Python's console
//! would die of `UnicodeDecodeError`. And stages 3-4, whose console ignores other lines,
//! log the threads and clients too, as the notes' stage 5 does.
//!
//! `netlab client` runs the notes' client the same way ([`run_client`]), with netlab's `/`
//! commands beside its typed lines (`crate::client_command`).

use crate::client_command::{After, ClientCommand};
use crate::logging::NETLAB;
use crate::py::{self, Interpreter, ThreadInfo};
use crate::stage::{describe, ClientProgram, Lifecycle, QuitOptions, Running};
use crate::tr;
use crate::view::{Control, Live, Watched};
use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::iterator::Signals;
use std::io::{BufRead, Write};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What the program's main loop reacts to.
enum Input {
    /// A line typed at the `>> ` prompt.
    Line(String),
    /// Standard input has ended.
    Eof,
    /// SIGINT or SIGTERM.
    Signal(i32),
    /// Every thread of the program has ended.
    ThreadsDone,
}

/// Catches SIGINT and SIGTERM from now on: call it first thing, so that a Ctrl-C that
/// comes before the console is ready waits for it instead of killing the process.
pub fn catch_signals() -> Option<Signals> {
    match Signals::new([SIGINT, SIGTERM]) {
        Ok(signals) => Some(signals),
        Err(e) => {
            // The logger is not set up yet: say it directly.
            eprintln!("{}", tr!("cannot-catch-signals", error = e.to_string()));
            None
        }
    }
}

/// Runs a started stage until it ends, the way its Python program lives; returns the
/// process exit code. `signals` comes from [`catch_signals`]. With `view`, the terminal
/// shows the live view ([`crate::view`]) and the console is its bottom line; the caller
/// has checked that the terminal can show it ([`crate::view::refusal`]), and ends the
/// process with [`crate::terminal::exit`], which gives the terminal back.
pub fn run_stage(running: &Running, grace: Duration, signals: Option<Signals>, view: bool) -> i32 {
    let interp = running.interpreter().clone();
    interp.clone().enter(|| match running.program().lifecycle {
        Lifecycle::Script => {
            let _live = view.then(|| start_view(running, grace, Control::Signal));
            run_script(running, &interp, signals)
        }
        Lifecycle::Forever => {
            let _live = view.then(|| start_view(running, grace, Control::Signal));
            run_forever(running, signals)
        }
        Lifecycle::Console | Lifecycle::Service => {
            run_console(running, &interp, grace, signals, view)
        }
    })
}

/// Starts the live view on `running`; `None`, having said why, if the terminal could not
/// be set up (the plain output goes on).
fn start_view(running: &Running, grace: Duration, control: Control) -> Option<Live> {
    match Live::start(Watched::of(running), false, grace, control) {
        Ok(live) => Some(live),
        Err(e) => {
            log::warn!(
                target: NETLAB,
                "{}",
                tr!("view-no-terminal", error = e.to_string())
            );
            None
        }
    }
}

/// Stage 1: the script ends by itself; exit with its status, as Python does.
fn run_script(running: &Running, interp: &Arc<Interpreter>, signals: Option<Signals>) -> i32 {
    let (tx, rx) = channel();
    spawn_signals(signals, tx.clone(), None);
    watch_threads(interp.clone(), tx);
    loop {
        match rx.recv() {
            Ok(Input::ThreadsDone) => {
                let failed = interp.threads().into_iter().any(|t| t.exception.is_some());
                return if failed {
                    log::info!(target: NETLAB, "{}", tr!("script-ended-exception"));
                    1
                } else {
                    log::info!(target: NETLAB, "{}", tr!("script-ended"));
                    0
                };
            }
            Ok(Input::Signal(sig)) => {
                let python = if sig == SIGINT {
                    tr!("script-signal-keyboard-interrupt")
                } else {
                    tr!("script-signal-killed")
                };
                log::info!(
                    target: NETLAB,
                    "{}",
                    tr!(
                        "script-signal",
                        signal = signal_name(sig),
                        stage = running.program().id,
                        python = python
                    )
                );
                return 128 + sig;
            }
            Ok(_) => {}
            Err(_) => return 1,
        }
    }
}

/// Stage 2: no console, no stop(); a signal ends the process at once, as in Python.
fn run_forever(running: &Running, signals: Option<Signals>) -> i32 {
    log::info!(
        target: NETLAB,
        "{}",
        tr!("forever-no-stop", stage = running.program().id)
    );
    let (tx, rx) = channel();
    spawn_signals(signals, tx, None);
    loop {
        if let Ok(Input::Signal(sig)) = rx.recv() {
            // Python's main thread has already finished: Ctrl-C interrupts its wait for the
            // other threads and it exits 0 (python-originals §4); SIGTERM kills it (143).
            let code = if sig == SIGINT { 0 } else { 128 + sig };
            log::info!(
                target: NETLAB,
                "{}",
                tr!("forever-signal", signal = signal_name(sig), code = code)
            );
            return code;
        }
    }
}

/// Stages 3-7: the `>> ` console; `quit` (or a signal) runs stop() and the bounded wait.
fn run_console(
    running: &Running,
    interp: &Arc<Interpreter>,
    grace: Duration,
    signals: Option<Signals>,
    view: bool,
) -> i32 {
    let (tx, rx) = channel();
    let quitting = Arc::new(AtomicBool::new(false));
    spawn_signals(
        signals,
        tx.clone(),
        Some((quitting.clone(), interp.clone())),
    );
    // With the view, the console is the view's bottom line: it sends what is typed there.
    let live = view
        .then(|| {
            let lines = tx.clone();
            let send = move |line| {
                let _ = lines.send(Input::Line(line));
            };
            start_view(running, grace, Control::Console(Box::new(send)))
        })
        .flatten();
    let prompt = match live {
        Some(_) => channel().0,
        None => spawn_stdin(tx),
    };
    let _ = prompt.send(());
    let quit_started = || {
        if let Some(live) = &live {
            live.quit_started();
        }
    };
    loop {
        match rx.recv() {
            Ok(Input::Line(line)) => {
                if py::strip(&line) == "quit" {
                    quitting.store(true, Ordering::SeqCst);
                    quit_started();
                    break;
                }
                log_threads_and_clients(running, interp);
                let _ = prompt.send(());
            }
            Ok(Input::Eof) => log::info!(
                target: NETLAB,
                "{}",
                tr!("console-eof", pid = std::process::id())
            ),
            Ok(Input::Signal(sig)) => {
                log::info!(
                    target: NETLAB,
                    "{}",
                    tr!("console-signal", signal = signal_name(sig))
                );
                quit_started();
                break;
            }
            Ok(Input::ThreadsDone) => {}
            Err(_) => break,
        }
    }
    let report = running.quit(QuitOptions::cli(grace, running.program().lifecycle));
    if report.clean() {
        log::info!(
            target: NETLAB,
            "{}",
            tr!(
                "quit-every-thread-ended",
                seconds = format!("{:.1}", report.elapsed.as_secs_f64())
            )
        );
    } else {
        log::info!(
            target: NETLAB,
            "{}",
            tr!(
                "quit-cut-short",
                seconds = format!("{:.1}", report.elapsed.as_secs_f64()),
                threads = tr!("count-threads", n = report.stuck.len())
            )
        );
    }
    0
}

/// The notes' `logging.info(threading.enumerate())` and `logging.info(cs.clients)`.
fn log_threads_and_clients(running: &Running, interp: &Interpreter) {
    // A stage's own record (the notes' logging.info): as Python prints it, in any language.
    let mut threads = vec!["<_MainThread(MainThread, started, in the >> console)>".to_string()];
    threads.extend(interp.alive_threads().iter().map(ThreadInfo::to_string));
    log::info!(target: "root", "[{}]", threads.join(", "));
    log::info!(target: "root", "{}", running.server().clients());
}

/// How long, after the client's stop(), its recv thread gets to end by itself.
const THREADS_END: Duration = Duration::from_millis(200);

/// `netlab client`: the notes' client, with its hangs and spins bounded, and netlab's `/`
/// commands ([`ClientCommand`]). Returns the exit code.
/// `definition` is the notes' client or an exercise's solution.
pub fn run_client(
    definition: &'static ClientProgram,
    addr: SocketAddr,
    signals: Option<Signals>,
) -> i32 {
    // What netlab says about the notes' client does not fit a solution that fixes it.
    let notes = crate::curriculum::find(definition.id)
        .is_ok_and(|e| e.kind == crate::curriculum::Kind::Client);
    let interp = Interpreter::new(false);
    interp.clone().enter(|| {
        let client = match (definition.start)(addr) {
            Ok(client) => client,
            Err(e) => {
                log::error!(
                    target: NETLAB,
                    "{}",
                    tr!(
                        "client-cannot-connect",
                        addr = addr.to_string(),
                        error = e.to_string()
                    )
                );
                return 1;
            }
        };
        let ending = Arc::new(Ending::new(interp.clone()));
        spawn_client_signals(signals, ending.clone());
        let (tx, rx) = channel();
        watch_threads(interp.clone(), tx.clone());
        let prompt = spawn_stdin(tx);
        let _ = prompt.send(());
        loop {
            match rx.recv() {
                Ok(Input::Line(line)) if py::strip(&line) == "quit" => {
                    ending.stopping.store(true, Ordering::SeqCst);
                    if notes {
                        log::info!(target: NETLAB, "{}", tr!("client-quit"));
                    }
                    client.stop();
                    // A stop() that wakes the recv thread lets it end in a moment.
                    interp.wait_threads(Instant::now() + THREADS_END);
                    ending.decide();
                    if notes && !interp.alive_threads().is_empty() {
                        log::info!(target: NETLAB, "{}", tr!("client-would-hang"));
                    }
                    return ending.finish(0);
                }
                Ok(Input::Line(line)) => {
                    // A typed line is the notes' send(); a line starting with `/` is netlab's.
                    let (what, outcome) = match ClientCommand::parse(&line) {
                        None => (
                            tr!("client-send"),
                            client.send(&line).map(|()| After::Continue),
                        ),
                        Some(Ok(command)) => {
                            (command.name().to_string(), command.run(&*client, &interp))
                        }
                        Some(Err(why)) => {
                            log::error!(target: NETLAB, "{why}");
                            (String::new(), Ok(After::Continue))
                        }
                    };
                    match outcome {
                        Ok(After::Continue) => {
                            let _ = prompt.send(());
                        }
                        Ok(After::Exit(code)) => {
                            ending.decide();
                            return ending.finish(code);
                        }
                        Err(e) => {
                            ending.decide();
                            log::error!(
                                target: NETLAB,
                                "{}",
                                tr!("client-failed", what = what, error = e.to_string())
                            );
                            return ending.finish(1);
                        }
                    }
                }
                Ok(Input::Eof) => log::info!(target: NETLAB, "{}", tr!("client-eof")),
                // The client's signals end it from their own thread (spawn_client_signals).
                Ok(Input::Signal(_)) => {}
                Ok(Input::ThreadsDone) | Err(_) => {
                    ending.decide();
                    if notes {
                        log::info!(target: NETLAB, "{}", tr!("client-recv-ended"));
                    } else {
                        log::info!(target: NETLAB, "{}", tr!("client-recv-ended-solution"));
                    }
                    return ending.finish(0);
                }
            }
        }
    })
}

/// How the client ends, decided once. Its main loop and its signal thread can both decide
/// it at nearly the same moment (a Ctrl-C shuts the connection down, and the main loop then
/// sees the recv thread end): the first one ends the client, the other says nothing.
struct Ending {
    /// The client's program: silenced and cut short at the end.
    interp: Arc<Interpreter>,
    /// Set once someone has decided that the client ends.
    decided: AtomicBool,
    /// Set once `quit` has started the notes' stop(), for what a signal then says.
    stopping: AtomicBool,
}

impl Ending {
    fn new(interp: Arc<Interpreter>) -> Ending {
        Ending {
            interp,
            decided: AtomicBool::new(false),
            stopping: AtomicBool::new(false),
        }
    }

    /// Claims the decision for the main loop. If the signal thread got there first, it is
    /// ending the process now: wait for that, saying nothing.
    fn decide(&self) {
        if self.decided.swap(true, Ordering::SeqCst) {
            loop {
                std::thread::park();
            }
        }
    }

    /// Ends the client once decided: from now on its recv thread says nothing; then netlab
    /// shuts the connection down, which wakes that thread, and gives it a moment to end, so
    /// that it never speaks after netlab's last line. Returns `code`.
    fn finish(&self, code: i32) -> i32 {
        self.interp.silence();
        self.interp.cut_short();
        self.interp
            .wait_threads(Instant::now() + Duration::from_secs(1));
        code
    }
}

/// The client's Ctrl-C and SIGTERM: whatever its main loop is blocked in (the notes' 3 s
/// wait in stop(), a send to a server that has stopped reading), the client ends at once,
/// with exit code 128 + the signal. A signal that comes once the main loop has decided to
/// end the client changes nothing.
fn spawn_client_signals(signals: Option<Signals>, ending: Arc<Ending>) {
    let Some(mut signals) = signals else {
        return;
    };
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            if let Some(sig) = signals.forever().next() {
                if ending.decided.swap(true, Ordering::SeqCst) {
                    return;
                }
                let python = match (sig, ending.stopping.load(Ordering::SeqCst)) {
                    (SIGINT, false) => tr!("client-signal-console"),
                    (SIGINT, true) => tr!("client-signal-stopping"),
                    _ => tr!("client-signal-other"),
                };
                let code = 128 + sig;
                log::info!(
                    target: NETLAB,
                    "{}",
                    tr!(
                        "client-signal",
                        signal = signal_name(sig),
                        python = python,
                        code = code
                    )
                );
                std::process::exit(ending.finish(code));
            }
        })
        .expect("start the signal thread");
}

/// Reads the console: prints `>> ` each time the main loop asks for a line (as `input()`
/// does, on stdout), and forwards what was typed. Returns the "ask for a line" sender.
///
/// A line that is not UTF-8 is skipped with a warning, and the prompt comes again: Python's
/// `input()` would raise `UnicodeDecodeError` there, which ends its console (the server
/// keeps serving without one; the client keeps receiving without one). Only the end of
/// standard input, or an error reading it, is [`Input::Eof`].
fn spawn_stdin(tx: Sender<Input>) -> Sender<()> {
    let (prompt_tx, prompt_rx): (Sender<()>, Receiver<()>) = channel();
    std::thread::Builder::new()
        .name("console".into())
        .spawn(move || {
            let stdin = std::io::stdin();
            while prompt_rx.recv().is_ok() {
                let line = loop {
                    let mut out = std::io::stdout().lock();
                    let _ = out.write_all(b">> ");
                    let _ = out.flush();
                    drop(out);
                    let mut line = Vec::new();
                    match stdin.lock().read_until(b'\n', &mut line) {
                        Ok(0) | Err(_) => {
                            let _ = tx.send(Input::Eof);
                            return;
                        }
                        Ok(_) => match py::decode(&line) {
                            Ok(text) => break text,
                            Err(e) => log::warn!(
                                target: NETLAB,
                                "{}",
                                tr!("console-not-utf8", error = e.to_string())
                            ),
                        },
                    }
                };
                if tx.send(Input::Line(line)).is_err() {
                    return;
                }
            }
        })
        .expect("start the console thread");
    prompt_tx
}

/// Forwards SIGINT and SIGTERM to the main loop. Once `quitting` is set, a further
/// signal cuts everything short at once and exits: the second Ctrl-C.
fn spawn_signals(
    signals: Option<Signals>,
    tx: Sender<Input>,
    quitting: Option<(Arc<AtomicBool>, Arc<Interpreter>)>,
) {
    let Some(mut signals) = signals else {
        return;
    };
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            for sig in signals.forever() {
                if let Some((quitting, interp)) = &quitting {
                    if quitting.swap(true, Ordering::SeqCst) {
                        let stuck = interp.alive_threads();
                        log::warn!(
                            target: NETLAB,
                            "{}\n{}",
                            tr!("quit-signal-cut", signal = signal_name(sig), n = stuck.len()),
                            describe(&stuck)
                        );
                        interp.cut_short();
                        crate::terminal::exit(128 + sig);
                    }
                }
                if tx.send(Input::Signal(sig)).is_err() {
                    return;
                }
            }
        })
        .expect("start the signal thread");
}

/// Tells the main loop when every thread of `interp` has ended.
fn watch_threads(interp: Arc<Interpreter>, tx: Sender<Input>) {
    std::thread::Builder::new()
        .name("watch".into())
        .spawn(move || {
            // Far enough to mean "until they end"; the loop only guards against wake-ups.
            while !interp.wait_threads(Instant::now() + Duration::from_secs(3600)) {}
            let _ = tx.send(Input::ThreadsDone);
        })
        .expect("start the watcher thread");
}

fn signal_name(sig: i32) -> String {
    match sig {
        SIGINT => tr!("signal-sigint"),
        SIGTERM => tr!("signal-sigterm"),
        _ => tr!("signal-other"),
    }
}
