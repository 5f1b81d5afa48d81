//! The command line as a teacher uses it: listing stages, starting one, bad input, the
//! console, signals and the bounded quit. Every server here listens on port 0.

mod common;

use assert_cmd::Command;
use common::process::Netlab;
use netlab::scenario::{End, TestClient};
use nix::sys::signal::Signal;
use predicates::prelude::*;
use std::time::{Duration, Instant};

const SHORT: Duration = Duration::from_secs(10);

/// Connects a client and returns once the server has accepted it: the echo of a first
/// line proves that. The pause after it lets the client's server thread get back into
/// recv(), which nothing outside the process can observe.
fn joined(name: &str, port: u16) -> TestClient {
    let c = TestClient::connect(name, ([127, 0, 0, 1], port).into()).unwrap();
    let hello = format!("{name} joins\n");
    c.send(hello.as_bytes()).unwrap();
    assert!(
        c.wait_for_text(format!("\n{hello}\n").as_bytes(), SHORT),
        "{name} got no echo"
    );
    std::thread::sleep(Duration::from_millis(100));
    c
}

fn netlab() -> Command {
    let mut cmd = Command::cargo_bin("netlab").unwrap();
    cmd.timeout(Duration::from_secs(30));
    cmd
}

/// `netlab stages` prints one line per stage, from the stage table, then the client.
#[test]
fn stages_lists_every_stage() {
    let out = netlab()
        .arg("stages")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    for stage in netlab::stages::STAGES {
        let line = out
            .lines()
            .find(|l| l.starts_with(&format!("{}  ", stage.number)))
            .unwrap_or_else(|| panic!("no line for stage {}:\n{out}", stage.number));
        assert!(
            line.contains(stage.slug) && line.contains(stage.title_en),
            "{line}"
        );
    }
    assert_eq!(out.lines().count(), netlab::stages::STAGES.len() + 1);
    assert!(out.lines().last().unwrap().contains("netlab client"));
}

/// A stage number outside 1-7 gets clap's error, with the valid range, and exit code 2.
#[test]
fn bad_stage_number_is_a_usage_error() {
    for bad in ["8", "0", "three"] {
        netlab()
            .args(["stage", bad])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("invalid value"));
    }
    netlab()
        .args(["stage", "8"])
        .assert()
        .stderr(predicate::str::contains("8 is not in 1..=7"));
}

/// A port in use: one line with the address, the errno name and what to try; exit code 1.
#[test]
fn port_in_use_is_one_clear_line() {
    // A plain listener, as another program would hold the port.
    let taken = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    taken
        .bind(
            &"127.0.0.1:0"
                .parse::<std::net::SocketAddr>()
                .unwrap()
                .into(),
        )
        .unwrap();
    taken.listen(5).unwrap();
    let port = taken
        .local_addr()
        .unwrap()
        .as_socket()
        .unwrap()
        .port()
        .to_string();
    let out = netlab()
        .args(["stage", "7", "--port", &port])
        .write_stdin("")
        .assert()
        .code(1)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8(out).unwrap();
    assert_eq!(err.lines().count(), 1, "one line, no backtrace:\n{err}");
    assert!(err.contains(&format!("127.0.0.1:{port}")), "{err}");
    assert!(err.contains("EADDRINUSE (98)"), "{err}");
    assert!(err.contains("--port 0"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

/// `--port 0` lets the kernel pick, and the `listening on` line gives the real port.
#[test]
fn port_zero_prints_the_real_port() {
    let (mut server, port) = Netlab::stage(7, &[]);
    assert_ne!(port, 0);
    let a = TestClient::connect("A", ([127, 0, 0, 1], port).into()).unwrap();
    a.send(b"hello\n").unwrap();
    assert!(a.wait_for_text(b"\nhello\n\n", SHORT), "{}", server.all());
    server.signal(Signal::SIGTERM);
    server.signal(Signal::SIGTERM);
    server.expect_exit(SHORT);
}

/// A host that is not loopback gets a warning: the chat is reachable from the network.
#[test]
fn non_loopback_host_warns() {
    let (mut server, _) = Netlab::stage(7, &["--host", "0.0.0.0"]);
    server.expect_stderr("is not a loopback address", SHORT);
    server.signal(Signal::SIGTERM);
    server.signal(Signal::SIGTERM);
    server.expect_exit(SHORT);
}

/// Stage 2 logs like the notes' logging.basicConfig: `asctime root [message]`, the message
/// spanning lines; a thread killed by an exception prints a traceback with the stage line.
#[test]
fn stage2_logs_like_python() {
    let (server, port) = Netlab::stage(2, &[]);
    let mut a = joined("A", port);
    let b = joined("B", port);
    a.send(b"hello\n").unwrap();
    assert!(b.wait_for_text(b"\nhello\n", SHORT));
    server.expect_stderr("\nhello\n\n]\n", SHORT);
    let err = server.stderr();
    let lines: Vec<&str> = err.lines().collect();
    let at = lines.iter().position(|l| *l == "hello").unwrap();
    let record = lines[at - 1];
    // 2026-11-25 16:35:53,312 root [202611/25 16:35:53 127.0.0.1:51234
    let (asctime, rest) = record.split_at(23);
    assert!(
        chrono::NaiveDateTime::parse_from_str(asctime, "%Y-%m-%d %H:%M:%S,%3f").is_ok(),
        "{record}"
    );
    assert!(
        rest.ends_with(&format!(" 127.0.0.1:{}", a.local.port())),
        "{record}"
    );
    assert!(err.contains("\nhello\n\n]\n"), "{err}");
    a.close();
    server.expect_stderr(&format!("Exception in thread recv {}:", a.local), SHORT);
    server.expect_stderr("File \"stages/stage2_threaded.rs\", line ", SHORT);
    server.expect_stderr(
        "s?.send(&msg)?;\nBrokenPipeError: [Errno 32] Broken pipe",
        SHORT,
    );
}

/// Stage 6 prints every line it reads with 19 `+` on stdout, and logs without brackets.
#[test]
fn stage6_prints_and_logs_like_python() {
    let (server, port) = Netlab::stage(6, &[]);
    let a = TestClient::connect("A", ([127, 0, 0, 1], port).into()).unwrap();
    a.send(b"hello\n").unwrap();
    server.expect_stdout("hello +++++++++++++++++++\n", SHORT);
    server.expect_stderr(&format!(" root {}", ""), SHORT);
    server.expect_stderr(&format!(":{}\nhello\n\n\n", a.local.port()), SHORT);
}

/// Stage 1 exits 0 once it has served its two clients, as the Python script does.
#[test]
fn stage1_exits_0_after_two_clients() {
    let (mut server, port) = Netlab::stage(1, &[]);
    for (name, answer) in [("A", &b"welcome to network! "[..]), ("B", b"hello python")] {
        let c = TestClient::connect(name, ([127, 0, 0, 1], port).into()).unwrap();
        c.send(b"hi").unwrap();
        assert_eq!(c.wait_end(SHORT), Some(End::Eof));
        assert_eq!(c.received(), answer);
    }
    assert_eq!(server.expect_exit(SHORT).code(), Some(0));
    assert!(server.stdout().contains("b'hi'"), "{}", server.all());
}

/// A reset kills stage 1's script: it exits 1, as Python does with its traceback.
#[test]
fn stage1_exits_1_after_a_reset() {
    let (mut server, port) = Netlab::stage(1, &[]);
    let mut a = TestClient::connect("A", ([127, 0, 0, 1], port).into()).unwrap();
    a.reset().unwrap();
    assert_eq!(server.expect_exit(SHORT).code(), Some(1));
    assert!(
        server
            .stderr()
            .contains("ConnectionResetError: [Errno 104]"),
        "{}",
        server.all()
    );
}

/// Stage 1 is a script with no stop(): Ctrl-C ends it at once, with the shell's 130 for SIGINT.
#[test]
fn stage1_ctrl_c_exits_130() {
    let (mut server, _port) = Netlab::stage(1, &[]);
    server.signal(Signal::SIGINT);
    assert_eq!(server.expect_exit(SHORT).code(), Some(130));
    server.expect_stderr("it ends at once", SHORT);
}

/// Stage 2 has no console and no stop(): Ctrl-C ends it at once, exit code 0.
#[test]
fn stage2_ctrl_c_exits_at_once() {
    let (mut server, port) = Netlab::stage(2, &[]);
    let a = TestClient::connect("A", ([127, 0, 0, 1], port).into()).unwrap();
    server.expect_stderr("no console", SHORT);
    // Its echo proves A was accepted: a connection still in the listen backlog would be
    // reset, not closed, when the process ends.
    a.send(b"hi\n").unwrap();
    assert!(a.wait_for_text(b"\nhi\n\n", SHORT), "{}", server.all());
    let t = Instant::now();
    server.signal(Signal::SIGINT);
    assert_eq!(server.expect_exit(SHORT).code(), Some(0));
    assert!(
        t.elapsed() < Duration::from_secs(2),
        "took {:?}",
        t.elapsed()
    );
    assert_eq!(a.wait_end(SHORT), Some(End::Eof));
}

/// Stage 2 and SIGTERM: Python's process is killed by it (143), and so is netlab's stage 2.
#[test]
fn stage2_sigterm_exits_143() {
    let (mut server, _port) = Netlab::stage(2, &[]);
    server.expect_stderr("no console", SHORT);
    server.signal(Signal::SIGTERM);
    assert_eq!(server.expect_exit(SHORT).code(), Some(143));
    server.expect_stderr("exit code 143", SHORT);
}

/// `quit` with idle clients: netlab lists the threads Python would wait for, waits the
/// grace period, cuts them short (the clients see EOF) and exits 0.
#[test]
fn console_quit_is_cut_short_after_the_grace_period() {
    let (mut server, port) = Netlab::stage(3, &["--grace", "4"]);
    let a = joined("A", port);
    let t = Instant::now();
    server.type_line("quit");
    // Closing A's socket neither wakes the thread blocked on it nor tells A anything.
    assert!(
        a.wait_end(Duration::from_secs(2)).is_none(),
        "A saw its connection end too early"
    );
    assert_eq!(server.expect_exit(SHORT).code(), Some(0));
    let took = t.elapsed();
    assert!(
        took >= Duration::from_secs(4) && took < Duration::from_secs(8),
        "took {took:?}"
    );
    assert_eq!(a.wait_end(SHORT), Some(End::Eof));
    let err = server.stderr();
    assert!(
        err.contains("Python would now wait for 2 thread(s)"),
        "{err}"
    );
    assert!(err.contains("- accept: in accept() on 127.0.0.1:"), "{err}");
    assert!(
        err.contains(&format!("- recv {}: in recv() from {}", a.local, a.local)),
        "{err}"
    );
    assert!(err.contains("netlab cuts them short"), "{err}");
}

/// `--grace` bounds the whole wait after `quit`, the notes' 3 s pause included: with
/// `--grace 2` the program exits after about 2 s, not 3.
#[test]
fn console_grace_shorter_than_the_notes_pause() {
    let (mut server, port) = Netlab::stage(3, &["--grace", "2"]);
    let a = joined("A", port);
    let t = Instant::now();
    server.type_line("quit");
    assert_eq!(server.expect_exit(SHORT).code(), Some(0));
    let took = t.elapsed();
    assert!(
        took >= Duration::from_secs(2) && took < Duration::from_millis(2800),
        "took {took:?}\n{}",
        server.all()
    );
    assert_eq!(a.wait_end(SHORT), Some(End::Eof));
    server.expect_stderr("- MainThread: in Event.wait(3)", SHORT);
}

/// `quit`, then the clients act: each blocked thread returns, and the program exits as
/// soon as the last one has, before the grace period ends.
#[test]
fn console_quit_ends_when_every_thread_has() {
    let (mut server, port) = Netlab::stage(4, &["--grace", "30"]);
    let a = joined("A", port);
    let mut b = joined("B", port);
    let t = Instant::now();
    server.type_line("quit");
    server.expect_stderr("stop() has returned", SHORT);
    let _c = TestClient::connect("C", ([127, 0, 0, 1], port).into()).unwrap();
    a.send(b"late\n").unwrap();
    assert_eq!(a.wait_end(SHORT), Some(End::Eof));
    b.close();
    assert_eq!(server.expect_exit(SHORT).code(), Some(0));
    assert!(
        t.elapsed() < Duration::from_secs(10),
        "took {:?}",
        t.elapsed()
    );
    server.expect_stderr("every thread has ended", SHORT);
}

/// Any other console line logs the threads and the clients, as the notes' stage 5 does.
#[test]
fn console_line_logs_threads_and_clients() {
    let (mut server, port) = Netlab::stage(5, &[]);
    let a = joined("A", port);
    server.type_line("who");
    server.expect_stderr("<_MainThread(MainThread, started", SHORT);
    server.expect_stderr("<Thread(accept, started, in accept() on 127.0.0.1:", SHORT);
    let key = netlab::py::addr_repr(&a.local);
    server.expect_stderr(&format!("{{{key}: <socket.socket fd="), SHORT);
    server.expect_stdout(">> >> ", SHORT);
}

/// With stdin at EOF the console is gone, but the server keeps serving and says how to
/// stop it; SIGTERM then takes the quit path.
#[test]
fn stdin_eof_keeps_serving() {
    let (mut server, port) = Netlab::stage(3, &["--grace", "1"]);
    server.close_stdin();
    server.expect_stderr("standard input has ended", SHORT);
    server.expect_stderr("kill ", SHORT);
    let a = TestClient::connect("A", ([127, 0, 0, 1], port).into()).unwrap();
    a.send(b"still serving\n").unwrap();
    assert!(
        a.wait_for_text(b"still serving\n\n", SHORT),
        "{}",
        server.all()
    );
    server.signal(Signal::SIGTERM);
    server.expect_stderr("stopping as if `quit` had been typed", SHORT);
    assert_eq!(server.expect_exit(SHORT).code(), Some(0));
}

/// A console line that is not UTF-8 is skipped with a word (Python's input() would raise
/// UnicodeDecodeError and the console would die); it is not the end of input: a `quit`
/// typed after it still stops the server.
#[test]
fn console_skips_a_line_that_is_not_utf8() {
    let (mut server, _port) = Netlab::stage(5, &["--grace", "1"]);
    server.type_bytes(b"caf\xe9\n");
    server.expect_stderr("that line is not UTF-8", SHORT);
    server.type_line("quit");
    assert_eq!(
        server.expect_exit(SHORT).code(),
        Some(0),
        "{}",
        server.all()
    );
    let err = server.stderr();
    assert!(
        err.contains("UnicodeDecodeError: 'utf-8' codec can't decode byte 0xe9 in position 3: invalid continuation byte"),
        "{err}"
    );
    assert!(!err.contains("standard input has ended"), "{err}");
    assert!(
        err.contains("s after quit"),
        "the quit path did not run:\n{err}"
    );
    // The prompt came again after the skipped line, as after any line.
    server.expect_stdout(">> >> ", SHORT);
}

/// Ctrl-C takes the quit path in stages 3-7; stage 6's stop() blocks, and netlab says so
/// at once; a second Ctrl-C cuts the wait short at once.
#[test]
fn second_ctrl_c_cuts_short_at_once() {
    let (mut server, port) = Netlab::stage(6, &["--grace", "60"]);
    let _a = joined("A", port);
    server.signal(Signal::SIGINT);
    server.expect_stderr("stopping as if `quit` had been typed", SHORT);
    // Stage 6's stop() blocks in f.close() for A, and netlab says so while it waits.
    server.expect_stderr("stop() has not returned after 1 s: it is blocked", SHORT);
    server.expect_stderr("- MainThread: in f.close() of the makefile for", SHORT);
    let t = Instant::now();
    server.signal(Signal::SIGINT);
    let status = server.expect_exit(SHORT);
    assert!(
        t.elapsed() < Duration::from_secs(3),
        "took {:?}",
        t.elapsed()
    );
    assert_eq!(status.code(), Some(130));
    server.expect_stderr("Ctrl-C (SIGINT) while quitting: cutting short now", SHORT);
    // Stage 6's stop() is still stuck in f.close() for A: the cut report says so too
    // (looked for after the report's first line, not in the earlier "not returned" list).
    let err = server.stderr();
    let report = &err[err.find("while quitting: cutting short now").unwrap()..];
    assert!(
        report.contains("- MainThread: in f.close() of the makefile for"),
        "{err}"
    );
}

/// `netlab explain 3` and `netlab source 3` print the stage's page and file, embedded.
#[test]
fn explain_and_source_print_embedded_files() {
    netlab()
        .args(["source", "3"])
        .assert()
        .success()
        .stdout(predicate::str::contains("pub struct ChatServer"))
        .stdout(predicate::str::contains("event: Event"));
    let stage3 = netlab::stage::find(3).unwrap();
    netlab()
        .args(["explain", "3"])
        .assert()
        .success()
        .stdout(predicate::str::diff(stage3.docs));
    netlab()
        .args(["explain", "9"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no stage \"9\""));
}
