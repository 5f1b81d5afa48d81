//! `make bench`: how fast and how lean the full chat server (stage 7, what `make run`
//! serves) is for a classroom, measured end to end over loopback, and checked against the
//! targets in `docs/bench.md`.
//!
//! It starts the real `netlab stage 7 --port 0` as a separate process (release build,
//! logging to a pipe that the bench drains, as a terminal would), connects a class of
//! clients, and measures:
//!
//! 1. memory: the server's resident set with no client, then with the whole class;
//! 2. round trip: one message at a time, from each client in turn, until every client has
//!    it (the latency a student sees), as an HdrHistogram;
//! 3. throughput: every client sends a burst of lines at once; deliveries per second
//!    until every client has every line;
//! 4. one 10 MB line through the server to two clients, and the server's peak memory.
//!
//! Every wait is bounded, the server is killed at the end, and a run takes about 15 s.
//! `cargo test --all-targets` (so `make test`) runs this file too, without `--bench`: then
//! it makes a small run with 4 clients that proves the bench works, and checks no target.
//! `cargo bench --bench chat -- --addr 127.0.0.1:61000` runs steps 2 and 3 against a
//! server that is already running (a student's, or the tutorial's Python original), and
//! checks no target: the numbers are for comparison.

use hdrhistogram::Histogram;
use netlab::scenario::{ClientOptions, TestClient};
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long any single wait may take before the bench gives up on the server.
const WAIT: Duration = Duration::from_secs(30);

/// What the bench is asked to do.
struct Options {
    /// Bench a server that is already running there, instead of starting netlab's.
    addr: Option<SocketAddr>,
    /// The size of the class.
    clients: usize,
    /// Messages in the round-trip test.
    messages: usize,
    /// Lines each client sends in the throughput burst.
    burst: usize,
    /// The long line's length in bytes.
    long_line: usize,
    /// Run by `cargo test` (no `--bench` argument): a small run that proves the bench
    /// works, with no target checked; `make bench` measures.
    smoke: bool,
}

/// One measured figure and, for netlab's own server, the target it must meet.
struct Row {
    what: String,
    value: f64,
    unit: &'static str,
    /// The limit and whether the value must stay below it (true) or above it (false).
    target: Option<(f64, bool)>,
}

impl Row {
    fn new(what: impl Into<String>, value: f64, unit: &'static str) -> Row {
        Row {
            what: what.into(),
            value,
            unit,
            target: None,
        }
    }

    fn at_most(mut self, limit: f64) -> Row {
        self.target = Some((limit, true));
        self
    }

    fn at_least(mut self, limit: f64) -> Row {
        self.target = Some((limit, false));
        self
    }

    fn met(&self) -> bool {
        match self.target {
            Some((limit, true)) => self.value <= limit,
            Some((limit, false)) => self.value >= limit,
            None => true,
        }
    }
}

fn main() {
    let options = match parse_args() {
        Ok(options) => options,
        Err(e) => {
            eprintln!("bench: {e}");
            eprintln!(
                "usage: cargo bench --bench chat -- [--addr HOST:PORT] [--clients N] [--messages N] \
                 [--burst N] [--long-line BYTES]"
            );
            std::process::exit(2);
        }
    };
    let mut rows = Vec::new();
    let result = run(&options, &mut rows);
    let checked = options.addr.is_none() && !options.smoke;
    print_rows(&rows, checked);
    if let Err(e) = result {
        eprintln!("bench: {e}");
        std::process::exit(1);
    }
    println!(
        "\nThe round trip's tail (about 40 ms) is Nagle's algorithm meeting delayed ACKs: the \
         tutorial's server,\nlike netlab's, does not set TCP_NODELAY. docs/bench.md explains, \
         with the figures for Python's original."
    );
    if checked && rows.iter().any(|r| !r.met()) {
        eprintln!("bench: a target was missed (docs/bench.md)");
        std::process::exit(1);
    }
}

fn parse_args() -> Result<Options, String> {
    let mut options = Options {
        addr: None,
        clients: 40,
        messages: 1000,
        burst: 200,
        long_line: 10 * 1024 * 1024,
        smoke: true,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        // `cargo bench` passes --bench; `cargo test --all-targets` runs this file without it.
        if arg == "--bench" {
            options.smoke = false;
            continue;
        }
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        let number = |text: String| {
            text.parse::<usize>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or(format!("{text:?} is not a positive number"))
        };
        match arg.as_str() {
            "--addr" => {
                let text = value("--addr")?;
                options.addr = Some(
                    text.parse()
                        .map_err(|_| format!("{text:?} is not HOST:PORT"))?,
                );
            }
            "--clients" => options.clients = number(value("--clients")?)?,
            "--messages" => options.messages = number(value("--messages")?)?,
            "--burst" => options.burst = number(value("--burst")?)?,
            "--long-line" => options.long_line = number(value("--long-line")?)?,
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    if options.smoke {
        options.clients = options.clients.min(4);
        options.messages = options.messages.min(20);
        options.burst = options.burst.min(10);
        options.long_line = options.long_line.min(64 * 1024);
    }
    if options.addr.is_some_and(|a| !a.ip().is_loopback()) {
        return Err("the bench only talks to loopback (127.0.0.0/8, ::1)".into());
    }
    Ok(options)
}

/// Runs the steps, adding a row per figure as it is measured (so that the figures before
/// a failure still print).
fn run(options: &Options, rows: &mut Vec<Row>) -> Result<(), String> {
    let (addr, mut server) = match options.addr {
        Some(addr) => (addr, None),
        None => {
            let server = Server::start()?;
            (server.addr, Some(server))
        }
    };
    if options.smoke {
        println!("bench: a small run, to prove the bench works; `make bench` measures and checks targets");
    }
    println!(
        "bench: {} on {addr}, a class of {} clients",
        if server.is_some() {
            if cfg!(debug_assertions) {
                "netlab stage 7 (debug build)"
            } else {
                "netlab stage 7 (release build)"
            }
        } else {
            "the server already running"
        },
        options.clients
    );

    let idle = server.as_ref().map(Server::memory).transpose()?;
    let mut class = Vec::new();
    let mut received = Vec::new();
    for i in 0..options.clients {
        class.push(
            TestClient::connect(&format!("c{i}"), addr)
                .map_err(|e| format!("client {i} could not connect: {e}"))?,
        );
        received.push(0);
        // A client is in the server's dict once its own first line comes back to it (the
        // newest entry is written to last): until then, a broadcast may miss it.
        broadcast(&class, &mut received, i, b"hello\n")?;
    }
    // Each client has a thread in the server: once the class has left, this many remain.
    let mut server_threads = 0;
    if let (Some(server), Some(idle)) = (&server, idle) {
        let full = server.memory()?;
        server_threads = full.threads.saturating_sub(options.clients as u64);
        rows.push(
            Row::new(
                "server memory, no client",
                idle.rss_kib as f64 / 1024.0,
                "MiB",
            )
            .at_most(16.0),
        );
        rows.push(
            Row::new(
                format!(
                    "server memory per connected client ({} threads)",
                    full.threads
                ),
                (full.rss_kib.saturating_sub(idle.rss_kib)) as f64 / options.clients as f64,
                "KiB",
            )
            .at_most(256.0),
        );
    }

    // Round trip: one message at a time, each client in turn.
    let mut histogram = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3)
        .map_err(|e| format!("histogram: {e}"))?;
    let started = Instant::now();
    for i in 0..options.messages {
        let line = format!("{i:06}\n");
        let t0 = Instant::now();
        broadcast(&class, &mut received, i % class.len(), line.as_bytes())?;
        histogram.saturating_record(t0.elapsed().as_micros() as u64);
    }
    let elapsed = started.elapsed();
    let ms = |q: f64| histogram.value_at_quantile(q) as f64 / 1000.0;
    rows.push(Row::new(
        "round trip to the whole class, median",
        ms(0.5),
        "ms",
    ));
    rows.push(Row::new(
        "round trip to the whole class, p90",
        ms(0.9),
        "ms",
    ));
    rows.push(Row::new("round trip to the whole class, p99", ms(0.99), "ms").at_most(100.0));
    let slow = histogram.count_between(10_000, histogram.max());
    rows.push(Row::new(
        "round trips over 10 ms",
        100.0 * slow as f64 / histogram.len() as f64,
        "%",
    ));
    rows.push(Row::new(
        "round trip to the whole class, max",
        histogram.max() as f64 / 1000.0,
        "ms",
    ));
    rows.push(
        Row::new(
            format!("messages one at a time ({})", options.messages),
            options.messages as f64 / elapsed.as_secs_f64(),
            "msg/s",
        )
        .at_least(30.0),
    );

    // Throughput: every client sends a burst at once.
    let started = Instant::now();
    for (i, sender) in class.iter().enumerate() {
        let burst: Vec<u8> = (0..options.burst)
            .flat_map(|j| format!("{:06}\n", i * options.burst + j).into_bytes())
            .collect();
        sender
            .send(&burst)
            .map_err(|e| format!("{} could not send its burst: {e}", sender.name))?;
        let per_line = message_len(sender, 7);
        for r in &mut received {
            *r += per_line * options.burst;
        }
    }
    wait_all(&class, &received)?;
    let elapsed = started.elapsed();
    let deliveries = (class.len() * class.len() * options.burst) as f64;
    rows.push(
        Row::new(
            format!(
                "burst: {} clients x {} lines, deliveries",
                class.len(),
                options.burst
            ),
            deliveries / elapsed.as_secs_f64(),
            "msg/s",
        )
        .at_least(50_000.0),
    );
    drop(class);

    // One long line, to two clients that count what they get without keeping it.
    if let Some(server) = &mut server {
        server.wait_threads(server_threads, WAIT)?;
        let before = server.memory()?;
        let count_only = ClientOptions {
            keep: false,
            ..ClientOptions::default()
        };
        let pair = [
            TestClient::connect_with("long", addr, count_only).map_err(|e| e.to_string())?,
            TestClient::connect_with("other", addr, count_only).map_err(|e| e.to_string())?,
        ];
        let mut line = vec![b'x'; options.long_line];
        line.push(b'\n');
        let t0 = Instant::now();
        pair[0].send(&line).map_err(|e| e.to_string())?;
        let expected = message_len(&pair[0], line.len());
        wait_all(&pair, &[expected, expected])?;
        let elapsed = t0.elapsed();
        let after = server.memory()?;
        let mib = options.long_line as f64 / (1024.0 * 1024.0);
        rows.push(
            Row::new(
                format!("one {} line to 2 clients", size(options.long_line)),
                elapsed.as_secs_f64() * 1000.0,
                "ms",
            )
            .at_most(2000.0),
        );
        rows.push(
            Row::new(
                format!(
                    "server peak memory for it, per MiB of line ({:.0} MiB peak)",
                    after.hwm_kib as f64 / 1024.0
                ),
                after.hwm_kib.saturating_sub(before.hwm_kib) as f64 / 1024.0 / mib,
                "MiB",
            )
            .at_most(10.0),
        );
    }
    Ok(())
}

/// A size as people say it: `10 MiB`, `64 KiB`.
fn size(bytes: usize) -> String {
    if bytes >= 1 << 20 {
        format!("{:.0} MiB", bytes as f64 / (1 << 20) as f64)
    } else {
        format!("{:.0} KiB", bytes as f64 / 1024.0)
    }
}

/// The bytes one message from `sender` with a `body` of that many bytes takes on the wire:
/// `"{TS} ip:port\n" + body + "\n"`.
fn message_len(sender: &TestClient, body: usize) -> usize {
    netlab::wire::message_len(sender.local, body)
}

/// `class[from]` sends `line`; returns once every client has received it.
fn broadcast(
    class: &[TestClient],
    received: &mut [usize],
    from: usize,
    line: &[u8],
) -> Result<(), String> {
    let sender = &class[from];
    sender
        .send(line)
        .map_err(|e| format!("{} could not send: {e}", sender.name))?;
    let len = message_len(sender, line.len());
    for r in received.iter_mut() {
        *r += len;
    }
    wait_all(class, received)
}

/// Waits until each client has received its expected number of bytes.
fn wait_all(clients: &[TestClient], expected: &[usize]) -> Result<(), String> {
    for (c, &n) in clients.iter().zip(expected) {
        if !c.wait_for_bytes(n, WAIT) {
            return Err(format!(
                "{} received {} of {n} bytes within {WAIT:?} (connection: {:?}); is the server \
                 line-framed like stage 7?",
                c.name,
                c.received_count(),
                c.end()
            ));
        }
    }
    Ok(())
}

fn print_rows(rows: &[Row], checked: bool) {
    println!();
    println!("{:<62} {:>12}  {:<6} target", "measure", "value", "unit");
    for row in rows {
        let target = match (checked, row.target) {
            (true, Some((limit, below))) => format!(
                "{} {} {}",
                if below { "<=" } else { ">=" },
                limit,
                if row.met() { "ok" } else { "MISSED" }
            ),
            (false, Some(_)) => "(not checked)".to_string(),
            (_, None) => String::new(),
        };
        println!(
            "{:<62} {:>12.2}  {:<6} {target}",
            row.what, row.value, row.unit
        );
    }
}

/// `netlab stage 7 --port 0`, started as a teacher would, its output drained.
struct Server {
    child: Child,
    addr: SocketAddr,
}

/// What `/proc/<pid>/status` says about the server's memory and threads.
#[derive(Clone, Copy)]
struct Memory {
    rss_kib: u64,
    hwm_kib: u64,
    threads: u64,
}

impl Server {
    fn start() -> Result<Server, String> {
        let mut child = Command::new(env!("CARGO_BIN_EXE_netlab"))
            .args(["stage", "7", "--port", "0", "--grace", "1"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("could not start netlab: {e}"))?;
        let mut stderr = BufReader::new(child.stderr.take().expect("piped stderr"));
        let mut line = String::new();
        let addr = loop {
            line.clear();
            match stderr.read_line(&mut line) {
                Ok(0) | Err(_) => {
                    let _ = child.kill();
                    return Err("netlab stage 7 ended before it listened".into());
                }
                Ok(_) => {
                    if let Some(addr) = line.trim().strip_prefix("listening on ") {
                        break addr
                            .parse()
                            .map_err(|_| format!("bad address in {line:?}"))?;
                    }
                }
            }
        };
        // The server logs every message: drain it, as a terminal would.
        std::thread::spawn(move || std::io::copy(&mut stderr, &mut std::io::sink()));
        Ok(Server { child, addr })
    }

    fn memory(&self) -> Result<Memory, String> {
        let path = format!("/proc/{}/status", self.child.id());
        let status = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.split_whitespace().next())
                .and_then(|v| v.parse().ok())
                .ok_or(format!("{path} has no {name}"))
        };
        Ok(Memory {
            rss_kib: field("VmRSS:")?,
            hwm_kib: field("VmHWM:")?,
            threads: field("Threads:")?,
        })
    }

    /// Waits until the server is down to `n` threads (the clients that left are gone).
    fn wait_threads(&self, n: u64, timeout: Duration) -> Result<(), String> {
        let deadline = Instant::now() + timeout;
        loop {
            let threads = self.memory()?.threads;
            if threads <= n {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(format!(
                    "the server still has {threads} threads after {timeout:?}"
                ));
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
