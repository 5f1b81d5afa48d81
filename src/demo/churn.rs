//! `netlab demo churn [--stage N] [--seconds S]`: clients that come and go next to one
//! that talks, the experiment that shows the dict race of stages 4 and 5.
//!
//! The notes warn that iterating a dict is not thread-safe and add a lock in stage 5, but
//! stage 5's lock covers adding and removing clients, not the broadcast loop that iterates
//! them. This demo starts a stage in this process and runs python-originals §6's stress test
//! against it: client A sends a line every millisecond while six clients connect, say
//! `hi`, send `quit`, wait for the close, and start again. Each of A's lines is a broadcast
//! loop over `self.clients`; each connect and each `quit` changes that dict. Then it prints
//! a timeline of the server threads that died, and what it means:
//!
//! - stages 4-5: sooner or later an add or a pop lands inside a broadcast loop, and that
//!   thread dies of `RuntimeError: dictionary changed size during iteration`;
//! - stages 6-7: the loop runs under `self.lock`, which adding and removing take too: no
//!   thread dies, and A gets every line back;
//! - stages 2-3 do not remove clients that leave, so their threads die of other things
//!   first (the cascade of `netlab explain 2`).
//!
//! The experiment is [`crate::scenario::churn`], shared with the stage tests. It stops at
//! the first RuntimeError, or after `--seconds`, or after 20,000 connections, whichever
//! comes first, and the server is cut short before the demo returns.

use crate::py::{Exception, Interpreter, Record};
use crate::scenario::{churn, ChurnOptions, ChurnReport};
use crate::stage::{self, Running};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Options of `netlab demo churn`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The stage whose server to run (`netlab stages` lists them).
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u8).range(1..=crate::stages::STAGES.len() as i64))]
    pub(crate) stage: u8,
    /// How long to churn at most, in seconds (above 0, at most 60). The demo stops earlier
    /// at the first RuntimeError.
    #[arg(long, value_name = "S", default_value_t = 5.0, value_parser = parse_seconds)]
    pub(crate) seconds: f64,
}

/// What the notes' RuntimeError says: the race itself.
const RACE: &str = "dictionary changed size during iteration";

/// The most thread deaths the timeline lists one by one (stages 2-3 can have hundreds).
const LISTED: usize = 10;

/// One server thread that died during the churn.
#[derive(Clone, Debug)]
struct Death {
    /// When, from the start of the churn.
    at: Duration,
    /// Which thread: `recv 127.0.0.1:51234`.
    thread: String,
    /// What killed it.
    exception: Exception,
}

/// Runs the experiment and prints the timeline and the verdict.
pub fn run(args: &Args) -> anyhow::Result<()> {
    let stage = stage::find(args.stage).expect("clap checked the range");
    if stage.number == 1 {
        println!(
            "netlab demo churn --stage 1: stage 1 serves one client at a time and keeps no dict of clients, so \
             there is nothing for clients that come and go to race with. Try --stage 5 (the race) or --stage 7 \
             (no race)."
        );
        return Ok(());
    }
    // Captured: the server's log (a record per line A sends) stays out of the demo's output.
    let server = Running::start(stage, SocketAddr::from(([127, 0, 0, 1], 0)), true)
        .map_err(|e| anyhow::anyhow!("could not start stage {}: {e}", stage.number))?;
    let seconds = Duration::from_secs_f64(args.seconds);
    println!(
        "netlab demo churn --stage {}: stage {} ({}) runs here on {}.\n\
         A sends a line, waits a millisecond, and again; 6 clients connect, say \"hi\", send \"quit\", wait for the close, \
         and start again.\nIt stops at the first RuntimeError, or after {:.1} s.\n",
        stage.number,
        stage.number,
        stage.title_en,
        server.local_addr(),
        seconds.as_secs_f64()
    );
    let started = Instant::now();
    let watcher = DeathWatch::start(server.interpreter().clone(), started);
    let report = churn(
        server.local_addr(),
        Some(&server),
        ChurnOptions {
            duration: seconds,
            stop_at_first_race: true,
            ..ChurnOptions::default()
        },
    )?;
    let stopped = started.elapsed();
    let deaths = watcher.stop();
    let a = first_recv_thread(server.interpreter());
    let outcome = Outcome {
        stage: stage.number,
        races: deaths
            .iter()
            .filter(|d| d.exception.message.contains(RACE))
            .count(),
        a_died: deaths.iter().any(|d| Some(&d.thread) == a.as_ref()),
        report,
        deaths,
    };

    let mut timeline = vec![(
        Duration::ZERO,
        "A connects and starts talking; the churn starts".to_string(),
    )];
    for d in outcome.deaths.iter().take(LISTED) {
        let whose = if Some(&d.thread) == a.as_ref() {
            " (A's)"
        } else {
            ""
        };
        timeline.push((
            d.at,
            format!(
                "thread {}{whose} dies: {}{}",
                d.thread,
                d.exception,
                where_raised(&d.exception)
            ),
        ));
    }
    let why = if outcome.report.races > 0 {
        "a thread died of the race; the churners finished their round, and A waited for its last lines"
            .to_string()
    } else {
        format!(
            "the churn ran its {:.1} s; then A waited for its last lines (at most 2 s)",
            seconds.as_secs_f64()
        )
    };
    timeline.push((stopped, format!("done: {why}")));
    // Deaths keep coming in stages 2-3 while the clients close: the timeline is in time order.
    timeline.sort_by_key(|(at, _)| *at);
    for (at, what) in &timeline {
        println!("  +{:5.2} s  {what}", at.as_secs_f64());
    }
    if outcome.deaths.len() > LISTED {
        println!(
            "            ... and {} more deaths",
            outcome.deaths.len() - LISTED
        );
    }
    println!(
        "\n{} connections in {:.1} s. A sent {} lines and got {} back. Server threads that died: {} ({} of \
         the race).\n",
        outcome.report.connections,
        stopped.as_secs_f64(),
        outcome.report.lines_sent,
        outcome.report.lines_echoed,
        outcome.deaths.len(),
        outcome.races
    );
    println!("{}", outcome.verdict());
    Ok(())
}

/// `, at stages/stage5_lock.rs line 108: for s in self.clients.values() {`
fn where_raised(e: &Exception) -> String {
    let Some(at) = e.at else {
        return String::new();
    };
    let (file, code) = crate::py::source_line(at);
    match code {
        Some(code) => format!(", at {file} line {}: {}", at.line(), code.trim()),
        None => String::new(),
    }
}

/// The server's thread for A: A connects before any churner, so its thread is the first
/// `recv` thread the server started.
fn first_recv_thread(interp: &Interpreter) -> Option<String> {
    interp.records().into_iter().find_map(|r| match r {
        Record::Started { thread } if thread.starts_with("recv ") => Some(thread),
        _ => None,
    })
}

/// What the run measured, for the verdict.
struct Outcome {
    /// The stage that ran.
    stage: u8,
    /// What the churn counted.
    report: ChurnReport,
    /// Every server thread that died, in order.
    deaths: Vec<Death>,
    /// How many of them died of the race.
    races: usize,
    /// Whether the thread serving A was one of them.
    a_died: bool,
}

impl Outcome {
    /// What the outcome means, in a paragraph.
    fn verdict(&self) -> String {
        let stage = self.stage;
        let (sent, echoed) = (self.report.lines_sent, self.report.lines_echoed);
        let mut parts = Vec::new();
        if self.races > 0 {
            let lock = match stage {
                5 => "Stage 5 takes self.lock to add and to pop a client, but not around the loop that \
                      iterates them: a lock protects only the code that takes it, so the race the notes add \
                      the lock for remains (python-originals §8; test stage5_dict_changed_size_under_churn)."
                    .to_string(),
                4 => "Stage 4 has no lock at all (python-originals §6; test stage4_dict_changed_size_under_churn); \
                      stage 5's lock does not cover the loop either (`netlab demo churn --stage 5`)."
                    .to_string(),
                _ => format!("Stage {stage}'s broadcast loop takes no lock either."),
            };
            parts.push(format!(
                "The dict race. A thread was broadcasting, iterating self.clients, when the accept thread \
                 added a client or another thread popped one: the dict changed size under the loop, and Python \
                 raises RuntimeError there (`netlab demo race` shows the same with the notes' own script). \
                 {lock}"
            ));
        }
        let others = self.deaths.len() - self.races;
        if others > 0 {
            let mut classes: BTreeMap<&str, usize> = BTreeMap::new();
            for d in self
                .deaths
                .iter()
                .filter(|d| !d.exception.message.contains(RACE))
            {
                *classes.entry(d.exception.class).or_default() += 1;
            }
            let classes: Vec<String> = classes
                .iter()
                .map(|(class, n)| format!("{n} of {class}"))
                .collect();
            let first = if self.races > 0 {
                "Other"
            } else {
                "No RuntimeError, but"
            };
            let mut text = format!(
                "{first} server threads died of other things: {}.",
                classes.join(", ")
            );
            if stage <= 3 {
                text.push_str(&format!(
                    " Stage {stage} does not remove a client that leaves: each churner that closes stays in \
                     self.clients, and the next broadcast dies on its closed socket, the cascade of `netlab \
                     explain 2`."
                ));
            }
            parts.push(text);
        }
        if self.a_died {
            parts.push(if echoed < sent {
                format!(
                    "A's own thread was among the dead: from then on nothing A sends is read, which is why only \
                     {echoed} of its {sent} lines came back."
                )
            } else {
                "A's own thread died too, after its last line had come back: anything A sent after that would \
                 never be read."
                    .to_string()
            });
        }
        if self.races > 0 {
            if stage <= 5 {
                parts.push(
                    "Stage 6 holds the lock around the whole broadcast, and the race is gone: `netlab demo \
                     churn --stage 6`."
                        .to_string(),
                );
            }
        } else if stage <= 3 {
            parts.push(
                "The race itself shows best where clients that leave are removed: `netlab demo churn --stage 5`."
                    .to_string(),
            );
        } else if stage <= 5 {
            parts.push(format!(
                "No RuntimeError in {:.1} s this time. The race needs an add or a pop to land inside a \
                 broadcast loop, a window of microseconds, so how long it takes depends on the machine and its \
                 load. Run it again, or longer: `netlab demo churn --stage {stage} --seconds 30`.",
                self.report.elapsed.as_secs_f64()
            ));
        } else if self.deaths.is_empty() && echoed == sent {
            parts.push(format!(
                "No thread died, and A got back every one of its {sent} lines. Stage {stage} iterates \
                 self.clients only while holding self.lock, which adding and popping a client take too, so the \
                 dict cannot change size under the loop (python-originals §9; test stage{stage}_no_dict_race_under_churn). \
                 The price of holding a lock while sending: `netlab demo slow`."
            ));
        } else if self.deaths.is_empty() {
            parts.push(format!(
                "No thread died, but A got back {echoed} of its {sent} lines: the last ones may not have arrived \
                 before the demo stopped waiting."
            ));
        }
        parts.join(" ")
    }
}

/// Notes each server thread that dies, with the time, while the churn runs: the records
/// say what died, the watcher says when.
struct DeathWatch {
    deaths: Arc<Mutex<Vec<Death>>>,
    done: Arc<AtomicBool>,
    thread: std::thread::JoinHandle<()>,
}

impl DeathWatch {
    fn start(interp: Arc<Interpreter>, started: Instant) -> DeathWatch {
        let deaths = Arc::new(Mutex::new(Vec::new()));
        let done = Arc::new(AtomicBool::new(false));
        let (found, stop) = (deaths.clone(), done.clone());
        let thread = std::thread::spawn(move || {
            // Records seen so far: each wait looks at the new ones only.
            let mut seen = 0;
            while !stop.load(Ordering::SeqCst) {
                let mut index = 0;
                let death = interp.wait_for(Duration::from_millis(100), |r| {
                    index += 1;
                    index > seen
                        && matches!(
                            r,
                            Record::Ended {
                                exception: Some(_),
                                ..
                            }
                        )
                });
                match death {
                    Some(Record::Ended {
                        thread,
                        exception: Some(exception),
                    }) => {
                        seen = index;
                        found.lock().unwrap_or_else(|p| p.into_inner()).push(Death {
                            at: started.elapsed(),
                            thread,
                            exception,
                        });
                    }
                    _ => seen = index.max(seen),
                }
            }
            // A last look, for a death recorded after the last wait.
            for record in interp.records().into_iter().skip(seen) {
                if let Record::Ended {
                    thread,
                    exception: Some(exception),
                } = record
                {
                    found.lock().unwrap_or_else(|p| p.into_inner()).push(Death {
                        at: started.elapsed(),
                        thread,
                        exception,
                    });
                }
            }
        });
        DeathWatch {
            deaths,
            done,
            thread,
        }
    }

    /// Stops watching (after a last look) and returns the deaths in the order they came.
    fn stop(self) -> Vec<Death> {
        self.done.store(true, Ordering::SeqCst);
        let _ = self.thread.join();
        let deaths = self.deaths.lock().unwrap_or_else(|p| p.into_inner());
        deaths.clone()
    }
}

/// `--seconds`: above 0 and at most 60, so the load always stops soon.
fn parse_seconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(s) if s.is_finite() && s > 0.0 && s <= 60.0 => Ok(s),
        _ => Err(format!(
            "{text:?} is not a number of seconds above 0 and at most 60"
        )),
    }
}
