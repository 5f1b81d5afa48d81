//! `make bench`: the fixed comparison of docs/en/bench.md, run with `netlab bench` itself,
//! and the ratio targets that page states, checked. Absolute numbers are printed, never
//! asserted: on a shared two-core machine they move with whatever else runs; ratios
//! measured in one run, where the noise falls on every server alike, hold.
//!
//! 1. The comparison: netlab's stage 7 against stage 2 (and stages 8 and 9 once they
//!    exist), at 10, 50 and 200 clients, 100 messages of 64 B each, window 8, 3 runs
//!    each, interleaved.
//! 2. The load generator's own figures: the same bench against the fastest server there
//!    is, a broadcast server on one event loop that batches its writes (this binary,
//!    started with `--batch-server PORT`; `tests/support/batch_server.rs`), at 50 and 200
//!    clients, 4000 messages each with 64 in flight (10 and 160 million deliveries a
//!    run): deliveries per second and the bench's own CPU.
//!
//! `cargo test --all-targets` (so `make test`) runs this file too, without `--bench`:
//! then both parts run small (3 clients, 1 run), which proves the harness works, and no
//! target is checked but stage 7's: nothing lost.

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
        if netlab::stage::find(n).is_some() {
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

    let comparison = read(&comparison);
    let generator = read(&generator);
    print_generator(&generator);
    let targets = targets(&comparison, measure);
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
