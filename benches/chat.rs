//! `make bench`: the fixed comparison of docs/en/bench.md, run with `netlab bench` itself,
//! and the ratio targets that page states, checked. Absolute numbers are printed, never
//! asserted: on a shared two-core machine they move with whatever else runs; ratios
//! measured in one run, where the noise falls on every server alike, hold.
//!
//! 1. The comparison: netlab's stage 7 against stages 2, 8 and 9, at 10, 50 and 200
//!    clients, 100 messages of 64 B each, window 8, 3 runs
//!    each, interleaved.
//! 2. The load generator's own figures: the same bench against the fastest server there
//!    is, a broadcast server on one event loop that batches its writes (this binary,
//!    started with `--batch-server PORT`; `tests/support/batch_server.rs`), at 50 and 200
//!    clients, 4000 messages each with 64 in flight (10 and 160 million deliveries a
//!    run): deliveries per second and the bench's own CPU.
//!
//! 3. One client that never reads, among 20 (10,000 messages from each of the others):
//!    stage 7 freezes, stages 8 and 9 disconnect it and go on; the tutorial's Python
//!    original beside them when python3 and `../shared` are there.
//! 4. Scale: stage 9 with 10,000 idle clients (stage 8 with 1,000): the server's memory
//!    for each, then a chat among 50 more with `netlab bench --addr`.
//!
//! `cargo test --all-targets` (so `make test`) runs this file too, without `--bench`:
//! then every part runs small (3 clients, 1 run; 500 and 50 idle clients), which proves
//! the harness works, and only the targets that need no load are checked: nothing lost.

#[path = "../tests/support/batch_server.rs"]
mod batch_server;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A target docs/en/bench.md states, and what one run measured for it.
struct Target {
    what: String,
    measured: String,
    met: bool,
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let [_, flag, port] = args.as_slice() {
        if flag == "--batch-server" {
            let result = batch_server::serve(port.parse().expect("a port"));
            eprintln!("batch server: {result:?}");
            std::process::exit(1);
        }
    }
    // `cargo bench` passes --bench; `cargo test --all-targets` runs this file without it.
    let measure = args.iter().any(|a| a == "--bench");
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bench");
    std::fs::create_dir_all(&dir).expect("a directory for the reports");

    let mut servers: Vec<String> = Vec::new();
    for n in [7u8, 2, 8, 9] {
        if netlab::curriculum::find(&n.to_string()).is_ok() {
            servers.extend(["--stage".to_string(), n.to_string()]);
        }
    }
    let (clients, messages, reps) = if measure {
        ("10,50,200", "100", "3")
    } else {
        println!("bench: a small run that proves the harness works; `make bench` measures");
        ("3", "20", "1")
    };
    let comparison = dir.join("comparison.json");
    let mut command = servers.clone();
    command.extend(
        [
            "--clients",
            clients,
            "--messages",
            messages,
            "--reps",
            reps,
            "--json",
        ]
        .map(String::from),
    );
    command.push(path(&comparison));
    command.extend(["--plot".to_string(), path(&dir.join("comparison.svg"))]);
    netlab_bench(&command);

    let me = std::env::current_exe().expect("this binary");
    let generator = dir.join("generator.json");
    let (g_clients, g_messages) = if measure {
        ("50,200", "4000")
    } else {
        ("3", "200")
    };
    let mut command: Vec<String> = [
        "--clients",
        g_clients,
        "--messages",
        g_messages,
        "--window",
        "64",
        "--reps",
        reps,
        "--name",
        "batching server",
        "--json",
    ]
    .map(String::from)
    .to_vec();
    command.push(path(&generator));
    command.extend([
        "--".to_string(),
        path(&me),
        "--batch-server".into(),
        "{port}".into(),
    ]);
    netlab_bench(&command);

    // 3. One client that never reads, among 20: the stages of the notes freeze, netlab's
    //    own disconnect it and go on. The tutorial's Python original beside them when
    //    python3 and ../shared are there.
    let slow = dir.join("slow.json");
    let mut command = vec!["--stage".to_string(), "7".into()];
    for n in [8u8, 9] {
        if netlab::curriculum::find(&n.to_string()).is_ok() {
            command.extend(["--stage".to_string(), n.to_string()]);
        }
    }
    let (s_messages, s_reps) = if measure {
        ("10000", "1")
    } else {
        ("200", "1")
    };
    command.extend(
        [
            "--clients",
            "20",
            "--slow-readers",
            "1",
            "--messages",
            s_messages,
            "--reps",
            s_reps,
            "--json",
        ]
        .map(String::from),
    );
    command.push(path(&slow));
    match python_original(&dir) {
        Ok(script) => command.extend([
            "--name".to_string(),
            "python3 stage_7_full_server.py".into(),
            "--".into(),
            "python3".into(),
            path(&script),
        ]),
        Err(why) => println!(
            "
bench: the Python original is left out of the slow-reader run: {why}"
        ),
    }
    netlab_bench(&command);

    // 4. Many idle clients: the server's memory for each, then a chat among 50 of them.
    let mut scale = Vec::new();
    for (stage, idle) in [(9u8, 10_000usize), (8, 1_000)] {
        if netlab::curriculum::find(&stage.to_string()).is_ok() {
            let idle = if measure { idle } else { idle / 20 };
            scale.push(idle_clients(stage, idle, &dir));
        }
    }

    let comparison = read(&comparison);
    let generator = read(&generator);
    let slow = read(&slow);
    print_generator(&generator);
    let mut targets = targets(&comparison, measure);
    if measure {
        // A small run sends too little for a server to pass its bound.
        targets.extend(slow_targets(&slow));
    }
    targets.extend(scale.into_iter().flatten());
    println!("\ntargets (docs/en/bench.md), from the comparison above:");
    for t in &targets {
        println!(
            "  {:<4} {}: {}",
            if t.met { "ok" } else { "MISS" },
            t.what,
            t.measured
        );
    }
    if targets.iter().any(|t| !t.met) {
        eprintln!("bench: a target was missed (docs/en/bench.md)");
        std::process::exit(1);
    }
}

fn path(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

/// Runs `netlab bench ARGS` (the release build under `cargo bench`), its output shown.
fn netlab_bench(args: &[String]) {
    let shown: Vec<String> = args
        .iter()
        .map(|a| {
            if a.contains(' ') {
                format!("'{a}'")
            } else {
                a.clone()
            }
        })
        .collect();
    println!("\n$ netlab bench {}", shown.join(" "));
    let status = Command::new(env!("CARGO_BIN_EXE_netlab"))
        .arg("bench")
        .args(args)
        .status()
        .expect("netlab runs");
    assert!(status.success(), "netlab bench failed: {status}");
}

fn read(path: &PathBuf) -> Value {
    let text = std::fs::read_to_string(path).expect("netlab bench wrote its JSON");
    serde_json::from_str(&text).expect("valid JSON")
}

/// The summary row of `server` at `clients`, if it was measured.
fn row<'a>(report: &'a Value, server: &str, clients: u64) -> Option<&'a Value> {
    report["summary"].as_array()?.iter().find(|s| {
        s["server"] == server && s["clients"] == clients && s["measured"].as_u64() > Some(0)
    })
}

/// A figure's median in a summary row: `row["deliveries_per_second"]["median"]`.
fn median(row: &Value, path: &[&str]) -> f64 {
    let mut v = row;
    for key in path {
        v = &v[*key];
    }
    v["median"].as_f64().unwrap_or(f64::NAN)
}

/// The load generator against the batching server: what it sustained, and what it cost.
fn print_generator(report: &Value) {
    println!("\nthe load generator against the batching server (not asserted; the issue asks for at least");
    println!("10 million 64-byte deliveries a second, under 2 CPU-seconds per 10 million):");
    for s in report["summary"].as_array().into_iter().flatten() {
        let per_second = median(s, &["deliveries_per_second"]);
        let cpu = median(s, &["bench_cpu_seconds"]);
        let wall = median(s, &["wall_seconds"]);
        let delivered = median(s, &["expected"]) - median(s, &["lost"]);
        println!(
            "  {:>3} clients: {:>6.2} M deliveries/s, bench CPU {:.2} s per 10 M deliveries, busy {:.0} % of the run",
            s["clients"],
            per_second / 1e6,
            cpu / delivered * 1e7,
            100.0 * cpu / wall
        );
    }
}

/// The targets docs/en/bench.md states, against the comparison's summaries. Under `cargo
/// test`, only stage 7's "nothing lost", which needs no load to hold.
fn targets(report: &Value, measure: bool) -> Vec<Target> {
    let mut out = Vec::new();
    let sizes: Vec<u64> = report["settings"]["clients"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_u64).collect())
        .unwrap_or_default();
    for &n in &sizes {
        let Some(s7) = row(report, "stage 7", n) else {
            out.push(Target {
                what: format!("stage 7 at {n} clients is measured"),
                measured: "not measured".into(),
                met: false,
            });
            continue;
        };
        let faults: f64 = ["lost", "duplicated", "out_of_order", "garbled"]
            .iter()
            .map(|f| s7[*f]["max"].as_f64().unwrap_or(f64::NAN))
            .sum();
        out.push(Target {
            what: format!("stage 7 at {n} clients loses, repeats, reorders and garbles nothing"),
            measured: format!("{faults} such deliveries in the worst run"),
            met: faults == 0.0,
        });
    }
    if !measure {
        return out;
    }
    for n in [50, 200] {
        for server in ["stage 7", "stage 2"] {
            let Some(r) = row(report, server, n) else {
                continue;
            };
            let ratio = median(r, &["bench_cpu_seconds"]) / median(r, &["server_cpu_seconds"]);
            out.push(Target {
                what: format!("{server} at {n} clients: bench CPU <= 0.5 x the server's CPU"),
                measured: format!("{ratio:.2} x"),
                met: ratio <= 0.5,
            });
        }
        if let (Some(s2), Some(s7)) = (row(report, "stage 2", n), row(report, "stage 7", n)) {
            let ratio =
                median(s2, &["deliveries_per_second"]) / median(s7, &["deliveries_per_second"]);
            out.push(Target {
                what: format!(
                    "at {n} clients stage 2 delivers >= 2 x what stage 7 does (window 8)"
                ),
                measured: format!("{ratio:.1} x"),
                met: ratio >= 2.0,
            });
        }
    }
    // netlab's own designs against stage 7, in the same run.
    for (server, n, times) in [
        ("stage 9", 50, 20.0),
        ("stage 9", 200, 30.0),
        ("stage 8", 50, 2.0),
        ("stage 8", 200, 2.0),
    ] {
        if let (Some(r), Some(s7)) = (row(report, server, n), row(report, "stage 7", n)) {
            let ratio =
                median(r, &["deliveries_per_second"]) / median(s7, &["deliveries_per_second"]);
            out.push(Target {
                what: format!("at {n} clients {server} delivers >= {times} x what stage 7 does"),
                measured: format!("{ratio:.1} x"),
                met: ratio >= times,
            });
        }
    }
    for (server, n, ms) in [("stage 9", 50, 10.0), ("stage 8", 10, 5.0)] {
        if let Some(r) = row(report, server, n) {
            let p99 = median(r, &["latency_ms", "p99"]);
            out.push(Target {
                what: format!("{server} at {n} clients: p99 under {ms} ms"),
                measured: format!("{p99:.2} ms"),
                met: p99 < ms,
            });
        }
    }
    for server in ["stage 8", "stage 9"] {
        for &n in &sizes {
            if let Some(r) = row(report, server, n) {
                let lost = r["lost"]["max"].as_f64().unwrap_or(f64::NAN);
                out.push(Target {
                    what: format!("{server} at {n} clients loses nothing"),
                    measured: format!("{lost} lost in the worst run"),
                    met: lost == 0.0,
                });
            }
        }
    }
    if let (Some(small), Some(large)) = (row(report, "stage 7", 10), row(report, "stage 7", 200)) {
        let ratio = median(large, &["latency_ms", "p50"]) / median(small, &["latency_ms", "p50"]);
        out.push(Target {
            what: "stage 7's median latency at 200 clients >= 10 x that at 10 (the broadcast lock's queue)".into(),
            measured: format!("{ratio:.0} x"),
            met: ratio >= 10.0,
        });
    }
    out
}

/// The tutorial's stage 7 server, its port taken from `$PORT` (the notes hard-code
/// 61000), written to `dir`.
fn python_original(dir: &Path) -> Result<PathBuf, String> {
    let original =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/reference/stage_7_full_server.py");
    let text = std::fs::read_to_string(&original)
        .map_err(|e| format!("{} cannot be read ({e})", original.display()))?;
    let ok = Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        return Err("python3 is not installed".into());
    }
    let edited = text.replacen(
        "port=61000",
        "port=int(__import__('os').environ.get('PORT', 61000))",
        1,
    );
    if edited == text {
        return Err(format!(
            "{} has no `port=61000` to edit",
            original.display()
        ));
    }
    let script = dir.join("stage_7_full_server.py");
    std::fs::write(&script, edited).map_err(|e| e.to_string())?;
    Ok(script)
}

/// The slow-reader run's targets: netlab's stages 8 and 9 deliver every message to the
/// 19 that read, 99 % of them within 100 ms, disconnect the one that does not, and stay
/// small; stage 7 freezes (it is there to show it, and the Python original beside it).
fn slow_targets(report: &Value) -> Vec<Target> {
    let mut out = Vec::new();
    for server in ["stage 8", "stage 9"] {
        let Some(r) = row(report, server, 20) else {
            continue;
        };
        let lost = r["lost"]["max"].as_f64().unwrap_or(f64::NAN);
        let p99 = median(r, &["latency_ms", "p99"]);
        let mib = median(r, &["server_peak_rss_mib"]);
        let cut = r["fewest_slow_readers_disconnected"].as_u64().unwrap_or(0);
        out.push(Target {
            what: format!("{server}, 1 slow reader among 20: the 19 others lose nothing"),
            measured: format!("{lost} lost"),
            met: lost == 0.0,
        });
        out.push(Target {
            what: format!("{server}, 1 slow reader among 20: p99 under 100 ms"),
            measured: format!("{p99:.1} ms"),
            met: p99 < 100.0,
        });
        out.push(Target {
            what: format!("{server}, 1 slow reader among 20: it is disconnected"),
            measured: format!("{cut} of 1 in every run"),
            met: cut == 1,
        });
        out.push(Target {
            what: format!("{server}, 1 slow reader among 20: server memory under 64 MiB (8 MiB waiting at most)"),
            measured: format!("{mib:.1} MiB"),
            met: mib < 64.0,
        });
    }
    if let Some(r) = row(report, "stage 7", 20) {
        let lost = r["lost"]["median"].as_f64().unwrap_or(0.0);
        out.push(Target {
            what: "stage 7, 1 slow reader among 20: freezes (shown, as the notes' code does)"
                .into(),
            measured: format!("{lost} deliveries never made"),
            met: lost > 0.0,
        });
    }
    out
}

/// The process's resident memory now, in KiB (0 once it has gone).
fn resident_kib(pid: u32) -> u64 {
    netlab::program::status_kib(pid, "VmRSS:").unwrap_or(0)
}

/// Polls `done` every 10 ms until it holds or `limit` has passed; whether it holds.
fn until(limit: std::time::Duration, mut done: impl FnMut() -> bool) -> bool {
    let end = std::time::Instant::now() + limit;
    while !done() && std::time::Instant::now() < end {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    done()
}

fn open_fds(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd")).map_or(0, |d| d.count())
}

/// A server process that is killed when dropped, whatever happens.
struct Started(std::process::Child);

impl Drop for Started {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `netlab stage N` with `idle` clients connected that send nothing (a thread reads and
/// drops what the server sends them): the server's memory for each, then whether a chat
/// among 50 more still goes through, with `netlab bench --addr`.
fn idle_clients(stage: u8, idle: usize, dir: &Path) -> Vec<Target> {
    use std::time::{Duration, Instant};
    if let Some(note) = netlab::bench::raise_fd_limit(idle as u64 + 1_000) {
        println!("\nbench: {note}");
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let child = Command::new(env!("CARGO_BIN_EXE_netlab"))
        .args(["stage", &stage.to_string(), "--port", &port.to_string()])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("netlab stage runs");
    let server = Started(child);
    let pid = server.0.id();
    let listening = || std::net::TcpStream::connect(addr).is_ok();
    assert!(
        until(Duration::from_secs(10), listening),
        "stage {stage} never listened on {addr}"
    );
    // The probe above has come and gone: wait until its socket is closed.
    std::thread::sleep(Duration::from_millis(300));
    let (fds_before, rss_before) = (open_fds(pid), resident_kib(pid));
    println!("\n$ stage {stage} with {idle} idle clients");
    let started = Instant::now();
    let mut streams = Vec::with_capacity(idle);
    for i in 0..idle {
        let s = std::net::TcpStream::connect_timeout(&addr, Duration::from_secs(5))
            .unwrap_or_else(|e| panic!("idle client {i} could not connect: {e}"));
        s.set_nonblocking(true).expect("non-blocking");
        streams.push(s);
        if i % 100 == 99 {
            // No faster than the server accepts: its backlog stays short.
            until(Duration::from_secs(5), || {
                open_fds(pid) + 50 >= fds_before + i
            });
        }
    }
    let all_in = until(Duration::from_secs(20), || {
        open_fds(pid) >= fds_before + idle
    });
    std::thread::sleep(Duration::from_millis(500));
    let (fds_after, rss_after) = (open_fds(pid), resident_kib(pid));
    let per_client = rss_after.saturating_sub(rss_before) as f64 / idle as f64;
    println!(
        "  connected in {:.1} s; server: {} -> {} open files, {:.1} -> {:.1} MiB resident, {per_client:.1} KiB per idle client",
        started.elapsed().as_secs_f64(),
        fds_before,
        fds_after,
        rss_before as f64 / 1024.0,
        rss_after as f64 / 1024.0
    );

    // The idle clients read what the chat sends them, on one event loop.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let drainer = {
        let stop = stop.clone();
        std::thread::spawn(move || drain(streams, &stop))
    };
    let report = dir.join(format!("idle-{stage}.json"));
    netlab_bench(&[
        "--addr".to_string(),
        addr.to_string(),
        "--clients".into(),
        "50".into(),
        "--messages".into(),
        "20".into(),
        "--reps".into(),
        "1".into(),
        "--start-timeout".into(),
        "60".into(),
        "--json".into(),
        path(&report),
    ]);
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let drained = drainer.join().expect("the drainer");
    println!(
        "  the idle clients read {:.1} MiB of the chat",
        drained as f64 / (1 << 20) as f64
    );
    drop(server);

    let report = read(&report);
    let chat = report["summary"]
        .as_array()
        .and_then(|a| a.first())
        .cloned()
        .unwrap_or(Value::Null);
    let lost = chat["lost"]["max"].as_f64().unwrap_or(f64::NAN);
    let measured = chat["measured"].as_u64().unwrap_or(0);
    let mut out = vec![
        Target {
            what: format!("stage {stage} holds {idle} idle clients"),
            measured: format!("{} of them accepted", fds_after.saturating_sub(fds_before)),
            met: all_in,
        },
        Target {
            what: format!(
                "stage {stage} with {idle} idle clients still serves a chat among 50, nothing lost"
            ),
            measured: if measured > 0 {
                format!("{lost} lost")
            } else {
                "not measured".into()
            },
            met: measured > 0 && lost == 0.0,
        },
    ];
    if stage == 9 {
        out.push(Target {
            what: format!("stage 9: at most 16 KiB of server memory per idle client ({idle})"),
            measured: format!("{per_client:.1} KiB"),
            met: per_client <= 16.0,
        });
    }
    out
}

/// Reads and drops what arrives on `streams` until `stop`; returns the bytes read.
fn drain(streams: Vec<std::net::TcpStream>, stop: &std::sync::atomic::AtomicBool) -> u64 {
    use mio::{Events, Interest, Poll, Token};
    use std::io::Read;
    let mut poll = Poll::new().expect("a poll");
    let mut streams: Vec<mio::net::TcpStream> = streams
        .into_iter()
        .map(mio::net::TcpStream::from_std)
        .collect();
    for (i, s) in streams.iter_mut().enumerate() {
        poll.registry()
            .register(s, Token(i), Interest::READABLE)
            .expect("register");
    }
    let mut events = Events::with_capacity(1024);
    let mut buffer = vec![0u8; 256 * 1024];
    let mut total = 0u64;
    while !stop.load(std::sync::atomic::Ordering::SeqCst) {
        if poll
            .poll(&mut events, Some(std::time::Duration::from_millis(50)))
            .is_err()
        {
            continue;
        }
        for event in events.iter() {
            let s = &mut streams[event.token().0];
            while let Ok(n) = s.read(&mut buffer) {
                if n == 0 {
                    break;
                }
                total += n as u64;
            }
        }
    }
    total
}
