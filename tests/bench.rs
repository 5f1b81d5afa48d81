//! `netlab bench` as a user runs it: small runs that prove the tool counts what it should,
//! reports what it cannot measure instead of hanging on it, and stops what it starts. No
//! speed is asserted here (the tests share two cores with everything else); `make bench`
//! measures, and checks only ratios.
//!
//! This file has its own `main`: started as `bench --batch-server PORT`, the test binary
//! is the batching broadcast server of `tests/support/batch_server.rs` (the fastest server
//! the tests know); as `bench --silent-server PORT`, a server that accepts and reads but
//! never answers. The tests bench those as programs after `--`, as a student's would be.

#[path = "support/batch_server.rs"]
mod batch_server;

use libtest_mimic::{Arguments, Completion, Failed, Trial};
use serde_json::Value;
use std::io::Read;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

type Result = std::result::Result<(), Failed>;

/// The most any one bench command here may take.
const LIMIT: Duration = Duration::from_secs(90);

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let [_, mode, port] = args.as_slice() {
        let port: u16 = port.parse().expect("a port");
        match mode.as_str() {
            "--batch-server" => {
                let result = batch_server::serve(port);
                eprintln!("batch server: {result:?}");
                std::process::exit(1);
            }
            "--silent-server" => silent_server(port),
            _ => {}
        }
    }
    let mut args = Arguments::from_args();
    // Each test runs servers and a load generator: two at a time keep two cores busy.
    args.test_threads = args.test_threads.or(Some(2));
    let trials = vec![
        Trial::test("stage7_window1_loses_nothing", stage7_window1_loses_nothing),
        Trial::test(
            "every_delivery_of_the_batching_server_is_counted",
            every_delivery_counted,
        ),
        Trial::test(
            "a_server_that_never_answers_is_reported_not_hung_on",
            silent_is_reported,
        ),
        Trial::test(
            "a_program_that_exits_at_once_is_reported",
            exits_at_once_is_reported,
        ),
        Trial::test(
            "a_slow_reader_freezes_stage7_and_the_run_ends_by_itself",
            slow_reader_freezes_stage7,
        ),
        Trial::test("usage_errors_exit_with_2", usage_errors),
        Trial::ignorable_test(
            "python_original_loses_pipelined_lines",
            python_loses_pipelined_lines,
        ),
    ];
    libtest_mimic::run(&args, trials).exit();
}

/// A server that accepts every client and reads what it sends, but never writes.
fn silent_server(port: u16) -> ! {
    let listener = TcpListener::bind(("127.0.0.1", port)).expect("bind");
    for stream in listener.incoming().flatten() {
        std::thread::spawn(move || {
            let mut stream = stream;
            let _ = std::io::copy(&mut stream, &mut std::io::sink());
        });
    }
    std::process::exit(0)
}

/// This test binary's path: the bench runs it as a server.
fn me() -> String {
    std::env::current_exe()
        .expect("the test binary")
        .to_string_lossy()
        .into_owned()
}

fn temp_file(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("netlab-bench-{}-{name}", std::process::id()))
}

/// Runs `netlab bench ARGS`, bounded by [`LIMIT`]; its output, and how long it took.
fn bench(args: &[&str]) -> (Output, Duration) {
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_netlab"))
        .arg("bench")
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("netlab runs");
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = stdout.read_to_end(&mut v);
        v
    });
    let err = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = stderr.read_to_end(&mut v);
        v
    });
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > LIMIT {
            // SIGTERM: netlab stops the servers it started, then exits.
            let _ = nix::sys::signal::kill(
                nix::unistd::Pid::from_raw(child.id() as i32),
                nix::sys::signal::Signal::SIGTERM,
            );
            break child.wait().unwrap();
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let output = Output {
        status,
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    };
    (output, started.elapsed())
}

fn shown(out: &Output) -> String {
    format!(
        "--- stdout\n{}--- stderr\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).expect("the JSON file");
    let _ = std::fs::remove_file(path);
    serde_json::from_str(&text).expect("valid JSON")
}

/// The figures of every run in a `--json` report.
fn figures(report: &Value) -> Vec<&Value> {
    report["runs"]
        .as_array()
        .expect("runs")
        .iter()
        .map(|r| &r["figures"])
        .collect()
}

fn check(ok: bool, what: &str, out: &Output) -> std::result::Result<(), Failed> {
    if ok {
        Ok(())
    } else {
        Err(format!("{what}\n{}", shown(out)).into())
    }
}

/// The smoke run of `make test`: netlab's stage 7, one message in flight per client,
/// loses nothing, and every delivery is counted: 3 clients x 30 messages x 3 readers.
fn stage7_window1_loses_nothing() -> Result {
    let json = temp_file("stage7.json");
    let (out, _) = bench(&[
        "--stage",
        "7",
        "--clients",
        "3",
        "--messages",
        "30",
        "--window",
        "1",
        "--reps",
        "1",
        "--json",
        json.to_str().unwrap(),
    ]);
    check(out.status.success(), "netlab bench failed", &out)?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    check(
        stdout.contains("stage 7  3"),
        "no row for stage 7 at 3 clients",
        &out,
    )?;
    let report = read_json(&json);
    let runs = figures(&report);
    check(runs.len() == 1, "one run expected", &out)?;
    let f = runs[0];
    check(f["expected"] == 270, "270 deliveries expected", &out)?;
    check(
        f["delivered"] == 270,
        &format!("delivered: {}", f["delivered"]),
        &out,
    )?;
    for field in ["lost", "duplicated", "out_of_order", "garbled"] {
        check(f[field] == 0, &format!("{field}: {}", f[field]), &out)?;
    }
    check(f["ended"] == "complete", "the run should complete", &out)?;
    check(
        f["server_cpu_seconds"].is_number() && f["server_peak_rss_mib"].as_f64() > Some(0.0),
        "the server's CPU and memory are read from /proc",
        &out,
    )?;
    check(
        f["bench_cpu_seconds"].is_number(),
        "the bench's own CPU",
        &out,
    )?;
    Ok(())
}

/// Against the batching server, pipelined (window 16), every one of 5 x 5 x 400 deliveries
/// arrives and is counted once, in order, intact; the plot is drawn.
fn every_delivery_counted() -> Result {
    let json = temp_file("batch.json");
    let svg = temp_file("batch.svg");
    let me = me();
    let (out, _) = bench(&[
        "--clients",
        "2,5",
        "--messages",
        "400",
        "--window",
        "16",
        "--reps",
        "2",
        "--json",
        json.to_str().unwrap(),
        "--plot",
        svg.to_str().unwrap(),
        "--",
        &me,
        "--batch-server",
        "{port}",
    ]);
    check(out.status.success(), "netlab bench failed", &out)?;
    let report = read_json(&json);
    let runs = figures(&report);
    check(runs.len() == 4, "2 class sizes x 2 reps", &out)?;
    for (f, clients) in runs.iter().zip([2u64, 5, 2, 5]) {
        let expected = clients * clients * 400;
        check(
            f["expected"] == expected,
            &format!("expected {expected}"),
            &out,
        )?;
        check(
            f["delivered"] == expected,
            &format!("delivered: {}", f["delivered"]),
            &out,
        )?;
        for field in ["lost", "duplicated", "out_of_order", "garbled"] {
            check(f[field] == 0, &format!("{field}: {}", f[field]), &out)?;
        }
    }
    let picture = std::fs::read_to_string(&svg).unwrap_or_default();
    let _ = std::fs::remove_file(&svg);
    check(
        picture.contains("<svg") && picture.contains("deliveries per second"),
        "the SVG plot",
        &out,
    )?;
    Ok(())
}

/// A server that never broadcasts cannot register the class: the run is reported as not
/// measured, within the start timeout, and the bench still prints its table.
fn silent_is_reported() -> Result {
    let me = me();
    let (out, took) = bench(&[
        "--clients",
        "3",
        "--reps",
        "1",
        "--start-timeout",
        "2",
        "--",
        &me,
        "--silent-server",
        "{port}",
    ]);
    check(out.status.success(), "netlab bench failed", &out)?;
    let all = shown(&out);
    check(
        all.contains("never registered the class"),
        "the reason",
        &out,
    )?;
    check(all.contains("not measured"), "the table says so", &out)?;
    check(
        took < Duration::from_secs(30),
        "bounded by the start timeout",
        &out,
    )?;
    Ok(())
}

/// A program that exits before it listens is reported with its status.
fn exits_at_once_is_reported() -> Result {
    let (out, _) = bench(&[
        "--clients",
        "2",
        "--reps",
        "1",
        "--",
        "sh",
        "-c",
        "echo bye >&2; exit 3",
    ]);
    check(out.status.success(), "netlab bench failed", &out)?;
    let all = shown(&out);
    check(all.contains("before it listened"), "the reason", &out)?;
    check(all.contains("bye"), "its last lines", &out)?;
    Ok(())
}

/// One client that reads nothing freezes stage 7 (the broadcast blocks under the lock):
/// the run ends by itself on the idle timeout, with deliveries lost, and stage 7 is
/// stopped. 200 KB bodies fill the stuck client's socket buffers quickly.
fn slow_reader_freezes_stage7() -> Result {
    let json = temp_file("slow.json");
    let (out, took) = bench(&[
        "--stage",
        "7",
        "--clients",
        "3",
        "--slow-readers",
        "1",
        "--messages",
        "200",
        "--size",
        "200000",
        "--window",
        "4",
        "--reps",
        "1",
        "--idle",
        "1",
        "--json",
        json.to_str().unwrap(),
    ]);
    check(out.status.success(), "netlab bench failed", &out)?;
    let report = read_json(&json);
    let f = figures(&report)[0];
    check(
        f["ended"] == "idle",
        &format!("ended: {}", f["ended"]),
        &out,
    )?;
    check(f["lost"].as_u64() > Some(0), "deliveries lost", &out)?;
    check(took < Duration::from_secs(40), "ended by itself", &out)?;
    Ok(())
}

/// Options that do not fit together are usage errors: nothing to bench, stage 1 (not a
/// chat server), a non-loopback address, both a window and a rate.
fn usage_errors() -> Result {
    for args in [
        &["--clients", "2"][..],
        &["--stage", "1"],
        &["--addr", "192.0.2.1:60000"],
        &["--stage", "7", "--window", "2", "--rate", "10"],
        &["--stage", "7", "--clients", "2", "--slow-readers", "2"],
    ] {
        let (out, _) = bench(args);
        check(
            out.status.code() == Some(2),
            &format!("`netlab bench {}` should exit with 2", args.join(" ")),
            &out,
        )?;
    }
    Ok(())
}

/// The tutorial's Python stage 7, with 8 lines in flight per client, loses most of them:
/// writing its own broadcast to a client's text `makefile()` drops what it had read ahead
/// (python-originals §12 M1). netlab's stage 7 loses none (the smoke test above).
fn python_loses_pipelined_lines() -> std::result::Result<Completion, Failed> {
    let Some(original) = python_original() else {
        return Ok(Completion::Ignored {
            reason: Some("needs python3 and ../shared/reference/stage_7_full_server.py".into()),
        });
    };
    let json = temp_file("python.json");
    let (out, _) = bench(&[
        "--clients",
        "3",
        "--messages",
        "100",
        "--window",
        "8",
        "--reps",
        "1",
        "--idle",
        "1",
        "--json",
        json.to_str().unwrap(),
        "--",
        "python3",
        original.to_str().unwrap(),
    ]);
    let _ = std::fs::remove_file(&original);
    check(out.status.success(), "netlab bench failed", &out)?;
    let report = read_json(&json);
    let f = figures(&report)[0];
    let (lost, expected) = (
        f["lost"].as_u64().unwrap_or(0),
        f["expected"].as_u64().unwrap_or(0),
    );
    check(
        expected == 900 && lost > expected / 4,
        &format!("lost {lost} of {expected}"),
        &out,
    )?;
    check(f["garbled"] == 0, "lines are lost whole, not garbled", &out)?;
    Ok(Completion::Completed)
}

/// The tutorial's stage 7 with its port from `$PORT`, in a temporary file; None without
/// python3 or the reference.
fn python_original() -> Option<PathBuf> {
    Command::new("python3")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .ok()?
        .success()
        .then_some(())?;
    let source =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/reference/stage_7_full_server.py");
    let text = std::fs::read_to_string(source).ok()?;
    let text = text.replace("61000", "int(__import__('os').environ.get('PORT', 61000))");
    let copy = temp_file("stage_7_full_server.py");
    std::fs::write(&copy, text).ok()?;
    Some(copy)
}
