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

use super::at_time;
use crate::py::{Exception, Interpreter, Record};
use crate::scenario::{churn, ChurnOptions, ChurnReport};
use crate::tr;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Options of `netlab demo churn`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The stage whose server to run (`netlab stages` lists them).
    #[arg(long, default_value = "5", value_parser = crate::curriculum::parse_server)]
    pub(crate) stage: &'static crate::curriculum::Entry,
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
    let entry = args.stage;
    let stage = entry
        .server_program()
        .expect("the parser checked that it is a server");
    if stage.lifecycle == crate::stage::Lifecycle::Script {
        crate::outln!("{}", tr!("churn-stage1"));
        return Ok(());
    }
    // Captured: the server's log (a record per line A sends) stays out of the demo's output.
    let server = super::start_captured(stage)?;
    let seconds = Duration::from_secs_f64(args.seconds);
    crate::outln!(
        "{}\n",
        tr!(
            "churn-intro",
            stage = stage.id,
            summary = entry.text().title,
            addr = server.local_addr().to_string(),
            seconds = format!("{:.1}", seconds.as_secs_f64())
        )
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
    let outcome = ChurnOutcome {
        stage: stage.id,
        races: deaths
            .iter()
            .filter(|d| d.exception.message.contains(RACE))
            .count(),
        a_died: deaths.iter().any(|d| Some(&d.thread) == a.as_ref()),
        report,
        deaths,
    };

    let mut timeline = vec![(Duration::ZERO, tr!("churn-start"))];
    for d in outcome.deaths.iter().take(LISTED) {
        let whose = if Some(&d.thread) == a.as_ref() {
            tr!("churn-whose-a")
        } else {
            tr!("churn-whose-other")
        };
        timeline.push((
            d.at,
            tr!(
                "churn-dies",
                thread = d.thread.as_str(),
                whose = whose,
                exception = d.exception.to_string(),
                where = where_raised(&d.exception)
            ),
        ));
    }
    let done = if outcome.report.races > 0 {
        tr!("churn-done-race")
    } else {
        tr!(
            "churn-done-time",
            seconds = format!("{:.1}", seconds.as_secs_f64())
        )
    };
    timeline.push((stopped, done));
    // Deaths keep coming in stages 2-3 while the clients close: the timeline is in time order.
    timeline.sort_by_key(|(at, _)| *at);
    for (at, what) in &timeline {
        crate::outln!("  {}  {what}", at_time(*at));
    }
    if outcome.deaths.len() > LISTED {
        crate::outln!(
            "            {}",
            tr!("churn-more-deaths", n = outcome.deaths.len() - LISTED)
        );
    }
    crate::outln!(
        "\n{}\n",
        tr!(
            "churn-summary",
            connections = outcome.report.connections,
            seconds = format!("{:.1}", stopped.as_secs_f64()),
            sent = outcome.report.lines_sent,
            echoed = outcome.report.lines_echoed,
            deaths = outcome.deaths.len(),
            races = outcome.races
        )
    );
    crate::outln!("{}", outcome.verdict());
    Ok(())
}

/// `, at stages/stage5_lock.rs line 108: for s in self.clients.values() {`
fn where_raised(e: &Exception) -> String {
    let Some(at) = e.at else {
        return String::new();
    };
    let (file, code) = crate::py::source_line(at);
    match code {
        Some(code) => tr!(
            "churn-where",
            file = file,
            line = at.line(),
            code = code.trim()
        ),
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
struct ChurnOutcome {
    /// The stage that ran.
    stage: &'static str,
    /// What the churn counted.
    report: ChurnReport,
    /// Every server thread that died, in order.
    deaths: Vec<Death>,
    /// How many of them died of the race.
    races: usize,
    /// Whether the thread serving A was one of them.
    a_died: bool,
}

impl ChurnOutcome {
    /// What the outcome means, in a paragraph.
    fn verdict(&self) -> String {
        let stage = self.stage;
        // The notes' stages by number; an exercise's solution counts as its base stage.
        let number: u8 = stage
            .split('.')
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or(u8::MAX);
        let (sent, echoed) = (self.report.lines_sent, self.report.lines_echoed);
        let mut parts = Vec::new();
        if self.races > 0 {
            let lock = match number {
                5 => tr!("churn-lock-5"),
                4 => tr!("churn-lock-4"),
                _ => tr!("churn-lock-other", stage = stage),
            };
            parts.push(tr!("churn-race", lock = lock));
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
                .map(|(class, n)| tr!("churn-class", n = *n, class = *class))
                .collect();
            let classes = classes.join(&tr!("threads-names-separator"));
            parts.push(if self.races > 0 {
                tr!("churn-others", classes = classes)
            } else {
                tr!("churn-others-only", classes = classes)
            });
            if number <= 3 {
                parts.push(tr!("churn-cascade", stage = stage));
            }
        }
        if self.a_died {
            parts.push(if echoed < sent {
                tr!("churn-a-died", echoed = echoed, sent = sent)
            } else {
                tr!("churn-a-died-after")
            });
        }
        if self.races > 0 {
            if number <= 5 {
                parts.push(tr!("churn-stage6-fixes"));
            }
        } else if number <= 3 {
            parts.push(tr!("churn-see-stage5"));
        } else if number <= 5 {
            parts.push(tr!(
                "churn-no-race-yet",
                seconds = format!("{:.1}", self.report.elapsed.as_secs_f64()),
                stage = stage
            ));
        } else if self.deaths.is_empty() && echoed == sent {
            parts.push(tr!("churn-no-death", sent = sent, stage = stage));
        } else if self.deaths.is_empty() {
            parts.push(tr!("churn-no-death-lines", echoed = echoed, sent = sent));
        }
        crate::text::sentences(&parts)
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
        _ => Err(tr!("churn-not-seconds", text = format!("{text:?}"))),
    }
}
