//! The server a scenario runs against, as the runner sees it: always its port; its log,
//! its threads and its console as far as they can be seen.
//!
//! Two kinds of server implement [`Target`]:
//!
//! - [`InProcess`]: one of netlab's stages, started in this process with its records
//!   captured. Everything can be checked: what it logged, which thread died of what,
//!   what a thread is blocked in, how the quit sequence ended.
//! - [`External`]: any program, in any language, started as a separate process
//!   ([`crate::program::ExternalProgram`]). What it logs can be looked for in its output (a Python
//!   server's `Exception in thread ...` traceback names the exception), `quit` can be typed
//!   on its console, and its exit can be watched; what a thread is blocked in cannot be
//!   seen, and is "not checked".

use crate::program::{ExternalProgram, Stream};
use crate::py::Record;
use crate::stage::{QuitOptions, QuitReport, Running};
use crate::tr;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// What looking for something in the server gave.
#[derive(Debug)]
pub(crate) enum Observation {
    /// It happened: the transcript's line for it.
    Yes(String),
    /// It did not: what was expected and what happened instead, and a hint.
    No(String, Option<String>),
    /// It cannot be seen in this server: what would have been checked.
    Unknown(String),
}

/// A chat server under test.
pub(crate) trait Target {
    /// The address clients connect to.
    fn addr(&self) -> SocketAddr;

    /// Whether this is one of netlab's own stages, for which the steps after a
    /// `NetlabOnly` marker hold too.
    fn is_netlab(&self) -> bool;

    /// Lines the server printed since the last call, for the transcript (a program's
    /// output; netlab's stages in this process keep theirs as records).
    fn output(&mut self) -> Vec<String> {
        Vec::new()
    }

    /// Waits until the server's threads are back waiting for the network, before a step
    /// that adds a client to the dict or removes one. In stages 4-5 the thread that
    /// broadcast is still leaving its loop over the dict when the line reaches the last
    /// client; a client that comes or goes in that moment changes the dict's size under it
    /// (the race the notes' lock is for, which stage 5 still has, and which the
    /// experiments show on purpose). A person typing the next line is never that quick.
    /// netlab's own stage says when every thread is blocked again; another program gets a
    /// short pause.
    fn settle(&mut self, wait: Duration);

    /// The server logs or prints something containing `text`.
    fn says(&mut self, text: &str, wait: Duration) -> Observation;

    /// The server never logged, printed or died of anything containing `text`.
    fn never_says(&mut self, text: &str) -> Observation;

    /// How much memory the server uses (its resident set, in KiB), when that can be told.
    fn memory_kib(&self) -> Option<u64> {
        None
    }

    /// The thread `thread` ends, of an exception containing `error`, or normally.
    fn thread_ends(&mut self, thread: &str, error: Option<&str>, wait: Duration) -> Observation;

    /// The thread `thread` is blocked in a call containing `call`.
    fn thread_blocked(&mut self, thread: &str, call: &str, wait: Duration) -> Observation;

    /// Types `quit` at the server's console; the quit sequence is given `grace`.
    fn quit(&mut self, grace: Duration) -> Observation;

    /// The quit sequence ends: every thread by itself (`clean`), or cut short.
    fn quit_ends(&mut self, clean: bool) -> Observation;

    /// How the program ended, if it has (a program run by netlab; netlab's own stage in
    /// this process ends only when the test does).
    fn exited(&mut self) -> Option<String> {
        None
    }

    /// The server's last records, for a failure report (netlab's stages in this process).
    fn last_records(&self) -> Vec<String> {
        Vec::new()
    }
}

/// One of netlab's stages, running in this process with its records captured.
pub(crate) struct InProcess<'a> {
    running: &'a Running,
    quit: Option<JoinHandle<QuitReport>>,
}

impl<'a> InProcess<'a> {
    /// `running` must have been started with its records captured.
    pub(crate) fn new(running: &'a Running) -> InProcess<'a> {
        assert!(
            running.interpreter().captures(),
            "start the stage with capture to run scenarios against it"
        );
        InProcess {
            running,
            quit: None,
        }
    }
}

impl Target for InProcess<'_> {
    fn addr(&self) -> SocketAddr {
        self.running.local_addr()
    }

    fn is_netlab(&self) -> bool {
        true
    }

    fn settle(&mut self, wait: Duration) {
        self.running.interpreter().wait_receiving(wait);
    }

    fn says(&mut self, text: &str, wait: Duration) -> Observation {
        let found = self.running.interpreter().wait_for(wait, |r| match r {
            Record::Log { message, .. } | Record::Print(message) => message.contains(text),
            _ => false,
        });
        match found {
            Some(_) => Observation::Yes(tr!("target-logs", text = short_quoted(text))),
            None => Observation::No(tr!("target-expected-log", text = short_quoted(text)), None),
        }
    }

    fn never_says(&mut self, text: &str) -> Observation {
        let said = self
            .running
            .interpreter()
            .records()
            .into_iter()
            .find_map(|r| match r {
                Record::Log { message, .. } | Record::Print(message) if message.contains(text) => {
                    Some(tr!("target-logged", text = short_quoted(&message)))
                }
                Record::Ended {
                    thread,
                    exception: Some(e),
                } if e.to_string().contains(text) => Some(tr!(
                    "target-thread-died",
                    thread = thread,
                    error = e.to_string()
                )),
                _ => None,
            });
        match said {
            Some(line) => Observation::No(line, None),
            None => Observation::Yes(tr!("target-never-says", text = short_quoted(text))),
        }
    }

    fn thread_ends(&mut self, thread: &str, error: Option<&str>, wait: Duration) -> Observation {
        let ended = self.running.interpreter().wait_for(
            wait,
            |r| matches!(r, Record::Ended { thread: t, .. } if t == thread),
        );
        let Some(Record::Ended { exception, .. }) = ended else {
            return Observation::No(
                tr!(
                    "target-thread-did-not-end",
                    thread = thread,
                    seconds = wait.as_secs_f64().round()
                ),
                None,
            );
        };
        match (exception, error) {
            (Some(e), Some(want)) if e.to_string().contains(want) => Observation::Yes(tr!(
                "target-thread-dies",
                thread = thread,
                error = e.to_string()
            )),
            (None, None) => Observation::Yes(tr!("target-thread-ends", thread = thread)),
            (exception, want) => Observation::No(
                tr!(
                    "target-thread-ended-otherwise",
                    thread = thread,
                    got = exception.map_or(tr!("target-no-exception"), |e| e.to_string()),
                    want = want.map_or(tr!("target-no-exception"), |w| {
                        tr!("target-an-exception", text = format!("{w:?}"))
                    })
                ),
                None,
            ),
        }
    }

    fn thread_blocked(&mut self, thread: &str, call: &str, wait: Duration) -> Observation {
        let interp = self.running.interpreter();
        // A thread's blocked state is not an event, so this one step polls.
        let deadline = Instant::now() + wait;
        loop {
            let found = interp
                .alive_threads()
                .into_iter()
                .find(|t| t.name == thread);
            if let Some(b) = found.as_ref().and_then(|t| t.blocked.as_ref()) {
                if b.what.contains(call) {
                    return Observation::Yes(tr!(
                        "target-thread-blocked",
                        thread = thread,
                        state = b.what.describe()
                    ));
                }
            }
            if Instant::now() >= deadline {
                let now = match found {
                    None => match interp
                        .threads()
                        .into_iter()
                        .rev()
                        .find(|t| t.name == thread)
                    {
                        Some(t) => match t.exception {
                            Some(e) => tr!("target-now-ended-with", error = e.to_string()),
                            None => tr!("target-now-ended"),
                        },
                        None => tr!("target-now-never-started"),
                    },
                    Some(t) => t
                        .blocked
                        .map_or(tr!("target-now-running"), |b| b.what.describe()),
                };
                return Observation::No(
                    tr!(
                        "target-expected-blocked",
                        thread = thread,
                        call = format!("{call:?}"),
                        now = now
                    ),
                    None,
                );
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    fn quit(&mut self, grace: Duration) -> Observation {
        self.quit = Some(self.running.quit_in_background(QuitOptions {
            main_wait: Duration::ZERO,
            grace,
        }));
        Observation::Yes(tr!(
            "target-quit-grace",
            seconds = format!("{:.1}", grace.as_secs_f64())
        ))
    }

    fn quit_ends(&mut self, clean: bool) -> Observation {
        let Some(handle) = self.quit.take() else {
            return Observation::No(tr!("target-bug-quit-ends"), None);
        };
        let report = handle.join().expect("the quit sequence panicked");
        if report.clean() != clean {
            let seconds = format!("{:.1}", report.elapsed.as_secs_f64());
            return Observation::No(
                if clean {
                    format!(
                        "{}\n{}",
                        tr!("target-quit-not-clean", seconds = seconds),
                        crate::stage::describe(&report.stuck)
                    )
                } else {
                    tr!("target-quit-not-cut", seconds = seconds)
                },
                None,
            );
        }
        let seconds = format!("{:.1}", report.elapsed.as_secs_f64());
        Observation::Yes(if clean {
            tr!("target-quit-clean", seconds = seconds)
        } else {
            tr!("target-quit-cut", seconds = seconds)
        })
    }

    fn last_records(&self) -> Vec<String> {
        let shown: Vec<String> = self
            .running
            .interpreter()
            .records()
            .iter()
            .filter_map(|r| match r {
                Record::Log { message, .. } => Some(tr!(
                    "target-record-log",
                    text = super::expect::shorten(&super::escape(message.as_bytes()))
                )),
                Record::Print(line) => Some(tr!(
                    "target-record-print",
                    text = super::expect::shorten(&super::escape(line.as_bytes()))
                )),
                Record::Ended { thread, exception } => Some(match exception {
                    Some(e) => tr!(
                        "target-record-ended-with",
                        thread = thread,
                        error = e.to_string()
                    ),
                    None => tr!("target-record-ended", thread = thread),
                }),
                Record::Started { .. } => None,
            })
            .collect();
        shown[shown.len().saturating_sub(20)..].to_vec()
    }
}

/// How long to look in a program's output for a line that a server in another language
/// may never print: found, it is checked; not found, it is "not checked", not a failure.
const OUTPUT_WAIT: Duration = Duration::from_secs(1);

/// How long a program's threads get to finish a broadcast before a client comes or goes
/// (see [`Target::settle`]): far longer than a loop over a few clients takes, even on a
/// busy machine.
const SETTLE: Duration = Duration::from_millis(30);

/// A program started by [`ExternalProgram`], listening on `addr`.
pub(crate) struct External<'a> {
    program: &'a mut ExternalProgram,
    addr: SocketAddr,
    /// How the program's output lines are labelled in the transcript: `your_program`.
    label: String,
    /// Output lines already put in the transcript.
    shown: usize,
    /// For each exception text looked for, where its last occurrence ended (per stream),
    /// so that a second thread's death needs a second traceback.
    deaths: HashMap<String, [usize; 2]>,
    /// When `quit` was typed, and the grace it was given.
    quit: Option<(Instant, Duration)>,
}

impl<'a> External<'a> {
    /// The program, which listens on `addr`; its lines are labelled `[label]`.
    pub(crate) fn new(
        program: &'a mut ExternalProgram,
        addr: SocketAddr,
        label: &str,
    ) -> External<'a> {
        External {
            program,
            addr,
            label: label.to_string(),
            shown: 0,
            deaths: HashMap::new(),
            quit: None,
        }
    }

    /// Everything the program printed that is not in the transcript yet, its unfinished
    /// last lines included: for the end of a scenario.
    pub(crate) fn rest_of_output(&mut self) -> Vec<String> {
        let mut lines = self.output();
        lines.extend(
            self.program
                .partial_lines()
                .into_iter()
                .map(|(s, text)| self.labelled(s, &text)),
        );
        lines
    }

    fn labelled(&self, stream: Stream, text: &str) -> String {
        let tag = match stream {
            Stream::Stdout => "",
            Stream::Stderr => " (stderr)",
        };
        format!("[{}]{tag} {}", self.label, super::expect::shorten(text))
    }
}

impl Target for External<'_> {
    fn addr(&self) -> SocketAddr {
        self.addr
    }

    fn is_netlab(&self) -> bool {
        false
    }

    fn output(&mut self) -> Vec<String> {
        let (lines, next) = self.program.lines_since(self.shown);
        self.shown = next;
        lines
            .iter()
            .map(|(s, text)| self.labelled(*s, text))
            .collect()
    }

    fn settle(&mut self, _wait: Duration) {
        std::thread::sleep(SETTLE);
    }

    fn says(&mut self, text: &str, wait: Duration) -> Observation {
        match self
            .program
            .find_output(text, [0, 0], wait.min(OUTPUT_WAIT))
        {
            Some(_) => Observation::Yes(tr!("target-prints", text = short_quoted(text))),
            None => Observation::Unknown(tr!("target-logs-unknown", text = short_quoted(text))),
        }
    }

    fn never_says(&mut self, text: &str) -> Observation {
        match self.program.find_output(text, [0, 0], Duration::ZERO) {
            Some(_) => Observation::No(tr!("target-printed", text = short_quoted(text)), None),
            None => Observation::Yes(tr!("target-never-prints", text = short_quoted(text))),
        }
    }

    fn memory_kib(&self) -> Option<u64> {
        self.program.memory_kib()
    }

    fn exited(&mut self) -> Option<String> {
        self.program.try_exit().map(crate::program::status_text)
    }

    fn thread_ends(&mut self, thread: &str, error: Option<&str>, wait: Duration) -> Observation {
        let Some(error) = error else {
            return Observation::Unknown(tr!("target-unknown-thread-ends", thread = thread));
        };
        let from = self.deaths.get(error).copied().unwrap_or([0, 0]);
        match self.program.find_output(error, from, wait.min(OUTPUT_WAIT)) {
            Some(after) => {
                self.deaths.insert(error.to_string(), after);
                Observation::Yes(tr!("target-a-thread-dies", error = error))
            }
            None => Observation::Unknown(tr!(
                "target-unknown-thread-dies",
                thread = thread,
                error = error
            )),
        }
    }

    fn thread_blocked(&mut self, thread: &str, call: &str, _wait: Duration) -> Observation {
        Observation::Unknown(tr!("target-unknown-blocked", thread = thread, call = call))
    }

    fn quit(&mut self, grace: Duration) -> Observation {
        if let Err(e) = self.program.type_line("quit") {
            return Observation::No(
                tr!("target-could-not-type-quit", error = e.to_string()),
                Some(tr!("hint-stdin-closed")),
            );
        }
        self.quit = Some((Instant::now(), grace));
        Observation::Yes(tr!("target-typed-quit"))
    }

    fn quit_ends(&mut self, clean: bool) -> Observation {
        let Some((at, grace)) = self.quit else {
            return Observation::No(tr!("target-bug-quit-ends"), None);
        };
        if !clean {
            return Observation::Unknown(tr!("target-unknown-quit-cut"));
        }
        let left = (at + grace).saturating_duration_since(Instant::now());
        match self.program.wait_exit(left) {
            Some(status) => Observation::Yes(tr!(
                "target-program-ends",
                seconds = format!("{:.1}", at.elapsed().as_secs_f64()),
                how = crate::program::status_text(status)
            )),
            None => Observation::No(
                tr!(
                    "target-program-still-running",
                    seconds = format!("{:.1}", grace.as_secs_f64())
                ),
                Some(tr!("hint-quit-still-running")),
            ),
        }
    }
}

fn short_quoted(text: &str) -> String {
    super::expect::shorten(&format!("{text:?}"))
}
