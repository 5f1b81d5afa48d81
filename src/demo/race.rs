//! `netlab demo race`: the notes' race script (多线程读写出错的代码), measured.
//!
//! The notes end stage 4 with a warning: a single dict operation is atomic under the GIL,
//! but "遍历过程是线程不安全的" (iterating is not thread-safe). Their script shows it: one
//! thread, `additem`, adds a key about every millisecond, while another, `iterdict`,
//! loops over `d.items()` and rewrites every value. Python's `iterdict` soon dies with
//! `RuntimeError: dictionary changed size during iteration`.
//!
//! This demo runs the same two threads over a [`py::Dict`], which keeps CPython's rules:
//! each operation is atomic, and an iteration fails when the size changes under it. With
//! `--locked`, both threads take one [`py::Lock`]: `additem` around each insert,
//! `iterdict` around each *whole* pass, and no pass ever fails.
//!
//! # What Rust says about the original
//!
//! The notes' script, with a plain `HashMap` shared by the two threads and no lock, does
//! not compile. Both threads need `&mut` to the same map, and `&mut` means "no one else
//! has access while I hold it", so the borrow checker refuses (error E0499):
//!
//! ```compile_fail,E0499
//! use std::collections::HashMap;
//! use std::thread;
//! use std::time::Duration;
//!
//! fn additem(d: &mut HashMap<u64, u64>) {
//!     let mut count = 1;
//!     loop {
//!         d.insert(count, 15); // kv一直增加
//!         count += 1;
//!         thread::sleep(Duration::from_millis(1));
//!     }
//! }
//!
//! fn iterdict(d: &mut HashMap<u64, u64>) {
//!     loop {
//!         for v in d.values_mut() { // 遍历
//!             *v = 5;
//!         }
//!     }
//! }
//!
//! let mut global_dict: HashMap<u64, u64> = HashMap::new();
//! thread::scope(|s| {
//!     s.spawn(|| additem(&mut global_dict));
//!     s.spawn(|| iterdict(&mut global_dict)); // error[E0499]: second mutable borrow
//! });
//! ```
//!
//! Sharing the map through an `Arc` instead does not help: an `Arc` only hands out shared
//! references (`&`), through which a `HashMap` cannot be changed (error E0596):
//!
//! ```compile_fail,E0596
//! use std::collections::HashMap;
//! use std::sync::Arc;
//!
//! let global_dict: Arc<HashMap<u64, u64>> = Arc::new(HashMap::new());
//! let d = Arc::clone(&global_dict);
//! std::thread::spawn(move || d.insert(1, 15)); // error[E0596]: cannot borrow as mutable
//! ```
//!
//! (Nightly rustdoc checks the error codes of these two examples; stable rustdoc checks
//! only that they fail, so `tests/demo_race.rs` also compiles the first one with rustc and
//! looks for E0499 and the message the demo prints.)
//!
//! What compiles is a map behind a lock, `Arc<Mutex<HashMap>>` or a scoped `&Mutex<..>`,
//! and then the only way to iterate is to hold the lock for the whole loop: the
//! `--locked` variant. Rust has no unlocked variant to get wrong. (Rust also refuses the
//! notes' `d[k] = ...` inside `for k, v in d.items()` even in one thread, error E0502;
//! the Rust spelling is `for v in d.values_mut()`, as above.) netlab's [`py::Dict`]
//! compiles unlocked because every method takes `&self` and its own internal lock, the
//! stand-in for the GIL; that is exactly what lets it reproduce Python's failure.

use crate::py::{self, Dict, Exception, Lock};
use crate::{text, tr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

/// Options of `netlab demo race`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Put one lock around every insert and every whole pass, run it for --seconds, and
    /// compare its counts with the unlocked script run for the same time.
    #[arg(long)]
    pub(crate) locked: bool,

    /// Run N times and print a table: how many runs failed, time to failure min / median
    /// / max.
    #[arg(long, value_name = "N", default_value_t = 1,
          value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub(crate) runs: u32,

    /// Time limit of each run, in seconds. A run that has not failed by then is reported
    /// as "no failure" (the demo never hangs). With --locked, each variant runs this long.
    #[arg(long, value_name = "S", default_value_t = 1.0, value_parser = parse_seconds)]
    pub(crate) seconds: f64,
}

/// Which version of the script a run executes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    /// The notes' script: no lock, and `iterdict` dies at its first RuntimeError, as an
    /// uncaught exception ends a Python thread.
    Unlocked,
    /// No lock, but after each RuntimeError a fresh `iterdict` takes over (as if a new
    /// thread were started), so the run lasts its full time and its counts can be set
    /// against the locked run's.
    UnlockedRestarting,
    /// `with lock:` around each insert in `additem` and around each whole pass in
    /// `iterdict`.
    Locked,
}

impl Variant {
    /// The row label in `--locked`'s table.
    pub(crate) fn label(self) -> String {
        match self {
            Variant::Unlocked => tr!("race-unlocked"),
            Variant::UnlockedRestarting => tr!("race-unlocked-restarted"),
            Variant::Locked => tr!("race-locked"),
        }
    }
}

/// What one run measured.
#[derive(Clone, Debug)]
pub struct RaceOutcome {
    /// Which script ran, so a report can label its row.
    pub variant: Variant,
    /// The time limit the run had: a run without failure lasted this long.
    pub limit: Duration,
    /// How long the run lasted: until `iterdict` died (Unlocked) or until the limit.
    pub elapsed: Duration,
    /// The first RuntimeError, with where and when it struck; `None` if none did.
    pub first_failure: Option<RaceFailure>,
    /// How many RuntimeErrors were raised: 0 or 1, except in `UnlockedRestarting`.
    pub failures: u64,
    /// Passes over `d.items()` that reached the end without an error.
    pub passes: u64,
    /// Keys `additem` inserted: whether the adder got its turn (see `--locked`).
    pub keys_added: u64,
    /// The longest `additem` waited for the lock (zero without one): starvation, if any,
    /// shows here first.
    pub longest_wait: Duration,
    /// Items `iterdict` visited and rewrote, in complete and failed passes alike: the work
    /// it got done.
    pub items_visited: u64,
}

/// The moment `iterdict` hit `RuntimeError: dictionary changed size during iteration`.
#[derive(Clone, Debug)]
pub struct RaceFailure {
    /// The exception, as Python's traceback ends: `RuntimeError: dictionary changed ...`,
    /// and the `for` line that raised it.
    pub error: Exception,
    /// Time from the start of the run (both threads started right after).
    pub after: Duration,
    /// Items the failing pass had visited before the error: python-originals §7 counts 1-17.
    pub items_in_pass: u64,
    /// Passes `iterdict` had completed before the failing one.
    pub passes_before: u64,
    /// Keys in the dict when the error was raised: how much `additem` had added by then.
    pub keys_in_dict: usize,
}

/// Time to failure over several runs of the unlocked script.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Summary {
    /// How many runs there were.
    pub runs: usize,
    /// How many of them raised a RuntimeError within their time limit.
    pub failed: usize,
    /// The shortest time to failure (`None` when no run failed).
    pub min: Option<Duration>,
    /// The median time to failure (mean of the two middle ones for an even count).
    pub median: Option<Duration>,
    /// The longest time to failure.
    pub max: Option<Duration>,
}

/// One line of the demo's report on standard output (a closed one ends the demo quietly).
fn print(line: impl std::fmt::Display) {
    crate::outln!("{line}");
}

/// Runs the demo.
pub fn run(args: &Args) -> anyhow::Result<()> {
    let limit = Duration::from_secs_f64(args.seconds);
    if args.locked {
        run_locked(args.runs, limit);
    } else if args.runs == 1 {
        run_single(limit);
    } else {
        run_table(args.runs, limit);
    }
    Ok(())
}

/// The script once, reported the way Python reports the thread's death.
fn run_single(limit: Duration) {
    print_header(limit);
    let outcome = run_once(Variant::Unlocked, limit);
    match &outcome.first_failure {
        Some(f) => {
            // The last lines of Python's report of a thread killed by an exception.
            print("Exception in thread Thread-2 (iterdict):");
            if let Some(at) = f.error.at {
                print(format!(
                    "  File \"{}\", line {}, in one_pass: for item in d.items()",
                    at.file(),
                    at.line()
                ));
            }
            print(&f.error);
            print(tr!(
                "race-died",
                after = ms(f.after),
                items = f.items_in_pass,
                passes = f.passes_before,
                keys = f.keys_in_dict
            ));
        }
        None => print(tr!(
            "race-no-failure",
            limit = secs(limit),
            passes = outcome.passes,
            keys = outcome.keys_added
        )),
    }
    print("");
    print(tr!("race-python-says"));
    print("");
    print(tr!("race-rustc-says"));
}

/// One row of a table: each cell padded to its width (`-` for left-aligned, by terminal
/// columns: a Chinese label takes two a character), one space apart.
fn row(cells: &[(String, isize)]) -> String {
    let padded: Vec<String> = cells
        .iter()
        .map(|(text, w)| {
            if *w < 0 {
                text::left(text, w.unsigned_abs())
            } else {
                text::right(text, *w as usize)
            }
        })
        .collect();
    padded.join(" ").trim_end().to_string()
}

/// The script `runs` times: one row per run, then time to failure next to Python's.
fn run_table(runs: u32, limit: Duration) {
    print_header(limit);
    // The run column and the next are two spaces apart, as the numbers below them.
    let table = |n: String, after: String, items: String, keys: String, passes: String| {
        row(&[
            (format!("{} ", text::right(&n, 4)), 0),
            (after, -22),
            (items, 13),
            (keys, 12),
            (passes, 14),
        ])
    };
    print(table(
        tr!("race-col-run"),
        tr!("race-col-after"),
        tr!("race-col-items"),
        tr!("race-col-keys"),
        tr!("race-col-passes"),
    ));
    let mut outcomes = Vec::new();
    for n in 1..=runs {
        let outcome = run_once(Variant::Unlocked, limit);
        let line = match &outcome.first_failure {
            Some(f) => table(
                n.to_string(),
                ms(f.after),
                f.items_in_pass.to_string(),
                f.keys_in_dict.to_string(),
                f.passes_before.to_string(),
            ),
            None => table(
                n.to_string(),
                tr!("race-no-failure-in", limit = secs(limit)),
                "-".to_string(),
                outcome.keys_added.to_string(),
                outcome.passes.to_string(),
            ),
        };
        print(line);
        outcomes.push(outcome);
    }
    let s = summarize(&outcomes);
    let show = |d: Option<Duration>| d.map_or("-".to_string(), ms);
    let summary = |who: String, failed: String, min: String, median: String, max: String| {
        row(&[(who, -16), (failed, 11), (min, 9), (median, 9), (max, 9)])
    };
    print("");
    print(summary(
        tr!("race-col-time-to-failure"),
        tr!("race-col-failed"),
        tr!("race-col-min"),
        tr!("race-col-median"),
        tr!("race-col-max"),
    ));
    print(summary(
        "netlab".to_string(),
        tr!("race-failed-of", failed = s.failed, runs = s.runs),
        show(s.min),
        show(s.median),
        show(s.max),
    ));
    print(summary(
        tr!("race-python-row"),
        tr!("race-failed-of", failed = 25, runs = 25),
        tr!("unit-ms", n = "38"),
        "-".to_string(),
        tr!("unit-ms", n = "930"),
    ));
    print("");
    print(tr!("race-python-says"));
    print("");
    print(tr!("race-rustc-says"));
}

/// The locked script and the unlocked one, each for the full time, counts side by side.
fn run_locked(runs: u32, limit: Duration) {
    print(tr!("race-locked-header", limit = secs(limit)));
    print("");
    let table = |cells: [String; 7]| {
        let widths = [-20, 3, 13, 8, 10, 13, 14];
        row(&cells.into_iter().zip(widths).collect::<Vec<_>>())
    };
    print(table([
        tr!("race-col-variant"),
        tr!("race-col-run"),
        tr!("race-col-errors"),
        tr!("race-col-pass-count"),
        tr!("race-col-keys-added"),
        tr!("race-col-items-visited"),
        tr!("race-col-longest-wait"),
    ]));
    for n in 1..=runs {
        for variant in [Variant::Locked, Variant::UnlockedRestarting] {
            let o = run_once(variant, limit);
            let wait = if variant == Variant::Locked {
                ms(o.longest_wait)
            } else {
                "-".to_string()
            };
            print(table([
                variant.label(),
                n.to_string(),
                o.failures.to_string(),
                o.passes.to_string(),
                o.keys_added.to_string(),
                o.items_visited.to_string(),
                wait,
            ]));
        }
    }
    print("");
    print(tr!("race-locked-says"));
    print("");
    print(tr!("race-rustc-says"));
}

/// The first lines of the unlocked report: what runs.
fn print_header(limit: Duration) {
    print(tr!("race-header", limit = secs(limit)));
    print("  Thread-1 (additem):  d[count] = randint(10, 20); count += 1; sleep(0.001)");
    print(format!(
        "  Thread-2 (iterdict): for k, v in d.items(): d[k] = randint(1, 10)   {}",
        tr!("race-forever")
    ));
    print("");
}

/// Runs the race script once, for at most `limit`, and reports what happened.
///
/// Both threads share one [`Dict`] by plain reference (`&`), which compiles because every
/// `Dict` operation locks internally; a `HashMap` would need `&mut` (see the module docs).
pub fn run_once(variant: Variant, limit: Duration) -> RaceOutcome {
    let global_dict: Dict<u64, u64> = Dict::new();
    let lock = Lock::new();
    let lock = (variant == Variant::Locked).then_some(&lock);
    // Set when iterdict is done, so that additem stops too. Python's threads are daemons
    // and die with the process; netlab runs the script many times in one process.
    let stop = AtomicBool::new(false);
    let start = Instant::now();

    let ((keys_added, longest_wait), iterated) = thread::scope(|s| {
        let adder = thread::Builder::new()
            .name("Thread-1 (additem)".into())
            .spawn_scoped(s, || additem(&global_dict, lock, &stop))
            .expect("could not start the additem thread");
        let iterator = thread::Builder::new()
            .name("Thread-2 (iterdict)".into())
            .spawn_scoped(s, || iterdict(&global_dict, lock, variant, start, limit))
            .expect("could not start the iterdict thread");
        let iterated = iterator.join().expect("iterdict panicked");
        stop.store(true, Ordering::Relaxed);
        let keys_added = adder.join().expect("additem panicked");
        (keys_added, iterated)
    });

    RaceOutcome {
        variant,
        limit,
        elapsed: iterated.elapsed,
        first_failure: iterated.first_failure,
        failures: iterated.failures,
        passes: iterated.passes,
        keys_added,
        longest_wait,
        items_visited: iterated.items_visited,
    }
}

/// Time to failure over `outcomes`: how many failed, and min / median / max.
pub fn summarize(outcomes: &[RaceOutcome]) -> Summary {
    let mut times: Vec<Duration> = outcomes
        .iter()
        .filter_map(|o| o.first_failure.as_ref().map(|f| f.after))
        .collect();
    times.sort();
    let median = match times.len() {
        0 => None,
        n if n % 2 == 1 => Some(times[n / 2]),
        n => Some((times[n / 2 - 1] + times[n / 2]) / 2),
    };
    Summary {
        runs: outcomes.len(),
        failed: times.len(),
        min: times.first().copied(),
        median,
        max: times.last().copied(),
    }
}

/// The notes' `additem`: `d[count] = random.randint(10,20); count += 1; time.sleep(0.001)`.
/// Returns how many keys it added, and the longest it waited for the lock.
fn additem(d: &Dict<u64, u64>, lock: Option<&Lock>, stop: &AtomicBool) -> (u64, Duration) {
    let mut random = Random::seeded();
    let mut longest_wait = Duration::ZERO;
    let mut count = 1;
    while !stop.load(Ordering::Relaxed) {
        {
            // `with lock:` in the locked variant; `None` is the notes' unlocked insert.
            // A single insert is atomic either way: the lock matters only because
            // iterdict holds it across a whole pass.
            let asked = Instant::now();
            let _lock = lock.map(Lock::acquire);
            longest_wait = longest_wait.max(asked.elapsed());
            d.insert(count, random.randint(10, 20)); // kv一直增加
        }
        count += 1;
        thread::sleep(Duration::from_millis(1));
    }
    (count - 1, longest_wait)
}

/// What `iterdict` did in one run.
struct Iterated {
    /// When it stopped: at its death (Unlocked) or at the time limit.
    elapsed: Duration,
    /// The first RuntimeError it met.
    first_failure: Option<RaceFailure>,
    /// RuntimeErrors met (the restarting variant carries on after each one).
    failures: u64,
    /// Passes completed without error.
    passes: u64,
    /// Items visited in all passes, complete or not.
    items_visited: u64,
}

/// The notes' `iterdict`: `while True: for k,v in d.items(): d[k] = random.randint(1,10)`,
/// bounded by `limit`.
fn iterdict(
    d: &Dict<u64, u64>,
    lock: Option<&Lock>,
    variant: Variant,
    start: Instant,
    limit: Duration,
) -> Iterated {
    let mut random = Random::seeded();
    let mut done = Iterated {
        elapsed: Duration::ZERO,
        first_failure: None,
        failures: 0,
        passes: 0,
        items_visited: 0,
    };
    while start.elapsed() < limit {
        let mut items_in_pass = 0;
        let pass = {
            // The fix: hold the lock for the *whole* pass, not per item. Per item would
            // change nothing, since each Dict operation is atomic already.
            let _lock = lock.map(Lock::acquire);
            one_pass(d, &mut random, &mut items_in_pass)
        };
        done.items_visited += items_in_pass;
        match pass {
            Ok(()) => done.passes += 1,
            Err(error) => {
                done.failures += 1;
                if done.first_failure.is_none() {
                    done.first_failure = Some(RaceFailure {
                        error,
                        after: start.elapsed(),
                        items_in_pass,
                        passes_before: done.passes,
                        keys_in_dict: d.len(),
                    });
                }
                if variant == Variant::Unlocked {
                    // Nothing catches the exception, so, as in Python, the thread ends.
                    break;
                }
            }
        }
        // No `yield_now()` here, on purpose. std's Mutex is not fair: unlocking wakes the
        // waiting additem, but this thread locks again at once, usually before additem
        // has woken, so additem can lose several times in a row ("longest wait" in
        // `--locked`). Measured on two cores, it still gets ~80% of its inserts in, and a
        // yield here did not change that (additem waits on the other core, so there is
        // nothing to yield to): see docs/en/demo-race.md.
    }
    done.elapsed = start.elapsed();
    done
}

/// One `for k,v in d.items(): d[k] = random.randint(1,10)`. Counts into `visited` as it
/// goes, so that a RuntimeError still tells how far the pass got.
fn one_pass(d: &Dict<u64, u64>, random: &mut Random, visited: &mut u64) -> py::Result<()> {
    for item in d.items() {
        // 遍历: each step checks the dict's size, and raises if additem changed it.
        let (k, _v) = item?;
        // The notes log `logging.info(k,v)` here, which is broken (python-originals §7: a
        // `--- Logging error ---` per call); netlab logs nothing per item.
        // Rewriting a value keeps the size, so it is allowed during iteration.
        d.insert(k, random.randint(1, 10));
        *visited += 1;
    }
    Ok(())
}

/// `random.randint(a, b)` by xorshift64: the values are not the lesson, only that they
/// change, so a few lines of arithmetic stand in for a random-number crate.
struct Random {
    /// The generator's whole state; never zero, or xorshift would stay at zero.
    state: u64,
}

impl Random {
    /// Seeded from the clock, so the two threads (and each run) draw different numbers.
    fn seeded() -> Random {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        Random {
            state: u64::from(nanos) | 1,
        }
    }

    /// A number in `a..=b`, both ends included as in Python.
    fn randint(&mut self, a: u64, b: u64) -> u64 {
        self.state ^= self.state << 13;
        self.state ^= self.state >> 7;
        self.state ^= self.state << 17;
        a + self.state % (b - a + 1)
    }
}

/// `--seconds`: a positive, finite number.
fn parse_seconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(s) if s.is_finite() && s > 0.0 && s <= 3600.0 => Ok(s),
        _ => Err(tr!("race-not-seconds", text = format!("{text:?}"))),
    }
}

/// `1.2 ms`: the unit for times to failure.
fn ms(d: Duration) -> String {
    tr!("unit-ms", n = format!("{:.1}", d.as_secs_f64() * 1000.0))
}

/// `1 s`, `0.5 s`: the unit for time limits.
fn secs(d: Duration) -> String {
    tr!("unit-s", n = d.as_secs_f64().to_string())
}
