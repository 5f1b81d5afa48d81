//! `netlab bench`: "is my server fast?", measured, and compared in one run.
//!
//! ```text
//! netlab bench --stage 7 --stage 2 -- python3 my_stage7.py
//! ```
//!
//! Every server (netlab's stages, a program after `--`, a server already running at
//! `--addr`) is measured at every class size (`--clients 10,50,200`), `--reps` times.
//! Each run starts the server afresh as a separate process (`server.rs`), registers the
//! class, measures (`load.rs`: the load generator, one event loop, every body checked by
//! `body.rs`), and stops the server. The repetitions are interleaved, the servers taking
//! turns at each class size, so that whatever else the machine does falls on all of them
//! alike: on a shared two-core machine the ratios of one bench run say more than any
//! absolute number. The table (`table.rs`) gives the median of the repetitions with the
//! lowest and highest; `--json` writes every run (`report.rs`), `--plot` draws the charts
//! (`plot.rs`). docs/en/bench.md explains every figure.

mod body;
mod load;
mod plot;
mod report;
mod server;
mod table;

use crate::program::{self, Usage};
use crate::{errln, outln, tr};
use indicatif::{ProgressBar, ProgressStyle};
use load::{Load, LoadLimits, Pace, Watch};
use report::{BenchRun, Figures};
use serde_json::json;
use server::{BenchServer, Benched};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Options of `netlab bench`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// netlab's stage N (2 and up), or an exercise's solution (`7.slow`), started afresh
    /// for each run as `netlab stage N`. Give it as often as you like: `--stage 7 --stage 2`.
    #[arg(long = "stage", value_name = "N|EXERCISE", value_parser = Benched::stage)]
    stages: Vec<Benched>,
    /// A chat server already running at HOST:PORT, on this machine (loopback only). It is
    /// not restarted between runs: only the first run finds it fresh.
    #[arg(long = "addr", value_name = "HOST:PORT", value_parser = loopback)]
    addrs: Vec<SocketAddr>,
    /// The class sizes to measure, each a run of its own.
    #[arg(long, value_delimiter = ',', default_value = "10,50,200", value_parser = clients)]
    clients: Vec<usize>,
    /// Messages each client sends in the measured phase.
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u32).range(1..=10_000_000))]
    messages: u32,
    /// Bytes of each message's body, its newline not counted (at least 33: sender, number,
    /// send time and digest).
    #[arg(long, default_value_t = 64, value_parser = size)]
    size: usize,
    /// Closed loop: each client is at most W messages ahead of the highest of its own that
    /// has come back to it [default: 8].
    #[arg(long, conflicts_with = "rate", value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    window: Option<u32>,
    /// Open loop: each client sends R messages a second, whatever comes back.
    #[arg(long, value_name = "R", value_parser = rate)]
    rate: Option<f64>,
    /// K of the clients register, then read nothing (and send nothing): one student's
    /// stopped terminal.
    #[arg(long, default_value_t = 0, value_name = "K")]
    slow_readers: usize,
    /// The slow readers read this many bytes a second instead of nothing.
    #[arg(long, value_name = "BYTES", requires = "slow_readers")]
    slow_read_bps: Option<u64>,
    /// How many times each server is measured at each class size.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=100))]
    reps: u32,
    /// Write every run's figures, and the summaries, to FILE as JSON.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    /// Draw throughput and latency against the class size to FILE (SVG).
    #[arg(long, value_name = "FILE.svg")]
    plot: Option<PathBuf>,
    /// A run ends when nothing was sent or delivered for this many seconds.
    #[arg(long, default_value_t = 3.0, value_parser = seconds, value_name = "SECONDS")]
    idle: f64,
    /// The most a run's measured phase may take.
    #[arg(long, default_value_t = 60.0, value_parser = seconds, value_name = "SECONDS")]
    deadline: f64,
    /// How long a server may take to listen, and then to register the whole class.
    #[arg(long, default_value_t = 20.0, value_parser = seconds, value_name = "SECONDS")]
    start_timeout: f64,
    /// How the table names the command after `--` [default: the command, paths shortened
    /// to file names].
    #[arg(long, value_name = "NAME", requires = "command")]
    name: Option<String>,
    /// A chat server to bench, and its arguments; `{port}` (or `$PORT`) is its port:
    /// `-- python3 my_stage7.py {port}`.
    #[arg(last = true, value_name = "COMMAND")]
    command: Vec<String>,
}

/// The default window when neither `--window` nor `--rate` is given.
const DEFAULT_WINDOW: u32 = 8;

fn loopback(text: &str) -> Result<SocketAddr, String> {
    let addr: SocketAddr = text
        .parse()
        .map_err(|_| tr!("bench-arg-addr", text = format!("{text:?}")))?;
    if addr.ip().is_loopback() {
        Ok(addr)
    } else {
        Err(tr!("bench-arg-not-loopback", addr = addr.to_string()))
    }
}

fn clients(text: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(n) if (1..=body::MAX_CLIENTS).contains(&n) => Ok(n),
        _ => Err(tr!(
            "bench-arg-clients",
            text = format!("{text:?}"),
            max = body::MAX_CLIENTS
        )),
    }
}

fn size(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(n) if (body::MIN_SIZE..=1 << 20).contains(&n) => Ok(n),
        _ => Err(tr!(
            "bench-arg-size",
            text = format!("{text:?}"),
            min = body::MIN_SIZE
        )),
    }
}

fn rate(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(r) if r.is_finite() && (0.01..=10_000_000.0).contains(&r) => Ok(r),
        _ => Err(tr!("bench-arg-rate", text = format!("{text:?}"))),
    }
}

fn seconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(s) if s.is_finite() && s > 0.0 && s <= 3600.0 => Ok(s),
        _ => Err(tr!("arg-not-seconds", text = format!("{text:?}"))),
    }
}

/// The exit code when the bench ran.
const DONE: u8 = 0;
/// The exit code for options that do not fit together.
const USAGE: u8 = 2;

/// Runs `netlab bench`; returns the exit code. `netlab` is netlab's own binary, which
/// runs the stages.
pub fn run(args: &Args, netlab: &Path) -> anyhow::Result<u8> {
    let mut servers: Vec<Benched> = args.stages.clone();
    servers.extend(args.addrs.iter().copied().map(Benched::Addr));
    if !args.command.is_empty() {
        servers.push(Benched::Command(args.command.clone()));
    }
    if servers.is_empty() {
        errln!("{}", tr!("bench-nothing"));
        return Ok(USAGE);
    }
    // A server at --addr is the user's to start: without it, every run would measure
    // nothing.
    if let Some(addr) = args.addrs.iter().find(|a| !listened(**a)) {
        errln!(
            "{}",
            crate::tr!(
                "bench-addr-closed",
                addr = addr.to_string(),
                port = addr.port().to_string()
            )
        );
        return Ok(USAGE);
    }
    let smallest = args.clients.iter().copied().min().unwrap_or(1);
    if args.slow_readers >= smallest {
        errln!(
            "{}",
            tr!(
                "bench-no-sender",
                slow = args.slow_readers,
                smallest = smallest
            )
        );
        return Ok(USAGE);
    }
    let labels: Vec<String> = servers
        .iter()
        .map(|s| match (s, &args.name) {
            (Benched::Command(_), Some(name)) => name.clone(),
            _ => s.label(),
        })
        .collect();
    let pace = match (args.rate, args.window) {
        (Some(r), _) => Pace::Rate(r),
        (None, w) => Pace::Window(w.unwrap_or(DEFAULT_WINDOW)),
    };
    let limits = LoadLimits {
        connect: Duration::from_secs(5),
        register: Duration::from_secs_f64(args.start_timeout),
        idle: Duration::from_secs_f64(args.idle),
        deadline: Duration::from_secs_f64(args.deadline),
    };
    // Said at most once, at the end of the process: the text may live as long.
    program::stop_all_on_signals(tr!("bench-interrupted").leak());
    let largest = args.clients.iter().copied().max().unwrap_or(1);
    if let Some(note) = raise_fd_limit(largest as u64 + 64) {
        errln!("{}", tr!("bench-line", text = note));
    }

    let reps = args.reps as usize;
    let total = reps * args.clients.len() * servers.len();
    let bar = ProgressBar::new(total as u64).with_style(
        ProgressStyle::with_template(&format!(
            "{{bar:30}} {{pos}}/{{len}} {}  {{elapsed}}  {{msg}}",
            tr!("bench-progress-runs")
        ))
        .expect("a valid template"),
    );
    let plan = describe(args, pace, &labels);
    bar.suspend(|| errln!("{}", tr!("bench-line", text = plan.as_str())));
    let mut runs = Vec::new();
    for rep in 1..=reps {
        for &n in &args.clients {
            // The servers take turns, each first in its turn: none always runs on a machine
            // just woken, or just warmed.
            for k in 0..servers.len() {
                let s = (k + rep - 1) % servers.len();
                let load = Load {
                    clients: n,
                    messages: args.messages,
                    size: args.size,
                    pace,
                    slow_readers: args.slow_readers,
                    slow_read_bps: args.slow_read_bps,
                    limits,
                };
                let what = tr!(
                    "bench-run-what",
                    server = labels[s].as_str(),
                    clients = n,
                    rep = rep,
                    reps = reps
                );
                bar.set_message(what.clone());
                let outcome = one_run(&servers[s], &load, netlab, args.start_timeout, &bar, &what);
                bar.inc(1);
                let line = match &outcome {
                    Ok(f) => tr!(
                        "bench-run-done",
                        what = what.as_str(),
                        rate = table::rate(f.per_second),
                        p99 = table::millis(f.latency_ms.p99),
                        lost = f.lost,
                        ended = f.ended.describe()
                    ),
                    Err(why) => tr!("bench-run-failed", what = what.as_str(), why = why.as_str()),
                };
                bar.suspend(|| errln!("{}", tr!("bench-line", text = line)));
                runs.push(BenchRun {
                    server: s,
                    clients: n,
                    rep,
                    outcome,
                });
            }
        }
    }
    bar.finish_and_clear();

    let summaries = report::summarise(&runs, &labels, &args.clients);
    outln!();
    outln!("{plan}");
    outln!();
    crate::out!("{}", table::render(&summaries, &labels, reps));
    if let Some(path) = &args.json {
        let settings = json!({
            "clients": args.clients,
            "messages": args.messages,
            "size": args.size,
            "window": match pace { Pace::Window(w) => Some(w), Pace::Rate(_) => None },
            "rate": match pace { Pace::Rate(r) => Some(r), Pace::Window(_) => None },
            "slow_readers": args.slow_readers,
            "slow_read_bps": args.slow_read_bps,
            "reps": reps,
            "idle": args.idle,
            "deadline": args.deadline,
            "cores": std::thread::available_parallelism().map_or(0, |n| n.get()),
        });
        let text = serde_json::to_string_pretty(&report::Report::new(
            settings, &labels, &runs, &summaries,
        ))?;
        std::fs::write(path, text + "\n").map_err(|e| {
            anyhow::anyhow!(tr!(
                "bench-cannot-write",
                file = path.display().to_string(),
                error = e.to_string()
            ))
        })?;
        outln!("{}", tr!("bench-wrote", file = path.display().to_string()));
    }
    if let Some(path) = &args.plot {
        plot::draw(path, &summaries, &labels).map_err(|e| anyhow::anyhow!(e))?;
        outln!("{}", tr!("bench-drew", file = path.display().to_string()));
    }
    Ok(DONE)
}

/// Whether something listens on `addr` (on its address, or on every address).
fn listened(addr: SocketAddr) -> bool {
    crate::ports::sockets().unwrap_or_default().iter().any(|s| {
        s.state == crate::ports::State::Listen
            && s.local.port() == addr.port()
            && (s.local.ip() == addr.ip() || s.local.ip().is_unspecified())
    })
}

/// One line that says what is measured.
fn describe(args: &Args, pace: Pace, labels: &[String]) -> String {
    let pace = match pace {
        Pace::Window(w) => tr!("bench-pace-window", window = w),
        Pace::Rate(r) => tr!("bench-pace-rate", rate = r),
    };
    let slow = match (args.slow_readers, args.slow_read_bps) {
        (0, _) => String::new(),
        (k, None) => tr!("bench-slow-none", k = k),
        (k, Some(bps)) => tr!("bench-slow-bps", k = k, bps = bps),
    };
    let clients: Vec<String> = args.clients.iter().map(usize::to_string).collect();
    tr!(
        "bench-plan",
        servers = labels.join(&tr!("bench-versus")),
        clients = crate::text::list(&clients),
        slow = slow,
        messages = args.messages,
        size = args.size,
        pace = pace,
        reps = args.reps,
        cores = std::thread::available_parallelism().map_or(0, |n| n.get())
    )
}

/// Starts the server, measures, stops it.
fn one_run(
    subject: &Benched,
    load: &Load,
    netlab: &Path,
    start_timeout: f64,
    bar: &ProgressBar,
    what: &str,
) -> Result<Figures, String> {
    let mut server = subject.start(netlab, Duration::from_secs_f64(start_timeout))?;
    let mut watching = Watching {
        server: &server,
        bar,
        what,
        before: None,
        after: None,
    };
    let measured = load::run(server.addr(), load, &mut watching);
    let (before, after) = (watching.before, watching.after);
    let died = server.exited();
    if let Some(report) = server.stop() {
        bar.suspend(|| {
            errln!(
                "{}",
                crate::tr!("bench-after-run", what = what, report = report)
            )
        });
    }
    let measured = measured.map_err(|e| match &died {
        Some(why) => tr!(
            "bench-failed-because",
            error = e.to_string(),
            why = why.as_str()
        ),
        None => e.to_string(),
    })?;
    Ok(Figures::new(&measured, before, after))
}

/// Reads the server's usage when the measured phase starts and ends, and draws progress.
struct Watching<'a> {
    server: &'a BenchServer,
    bar: &'a ProgressBar,
    what: &'a str,
    before: Option<Usage>,
    after: Option<Usage>,
}

impl Watch for Watching<'_> {
    fn started(&mut self) {
        self.before = self.server.usage();
    }

    fn progress(&mut self, delivered: u64, expected: u64) {
        self.bar.set_message(tr!(
            "bench-progress-deliveries",
            what = self.what,
            delivered = delivered,
            expected = expected
        ));
    }

    fn ended(&mut self) {
        self.after = self.server.usage();
    }
}

/// Raises this process's limit of open files (RLIMIT_NOFILE) as far as its hard limit
/// allows, for the class's sockets; the servers the bench starts inherit it. Says so
/// when that is fewer than `needed`.
pub fn raise_fd_limit(needed: u64) -> Option<String> {
    use nix::sys::resource::{getrlimit, setrlimit, Resource};
    let Ok((mut soft, hard)) = getrlimit(Resource::RLIMIT_NOFILE) else {
        return Some(tr!("bench-no-rlimit"));
    };
    if soft < hard && setrlimit(Resource::RLIMIT_NOFILE, hard, hard).is_ok() {
        soft = hard;
    }
    (soft < needed).then(|| tr!("bench-rlimit", soft = soft, hard = hard, needed = needed))
}
