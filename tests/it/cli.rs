//! The command line as a teacher uses it: listing stages, starting one, bad input, the
//! console, signals and the bounded quit. Every server here listens on port 0.

use crate::common;

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
    common::english(Command::cargo_bin("netlab").unwrap())
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
    let stages: Vec<_> = netlab::curriculum::of_kind(netlab::curriculum::Kind::Stage).collect();
    for stage in &stages {
        let line = out
            .lines()
            .find(|l| l.starts_with(&format!("{}  ", stage.id)))
            .unwrap_or_else(|| panic!("no line for stage {}:\n{out}", stage.id));
        assert!(
            line.contains(stage.slug) && line.contains(stage.text().title),
            "{line}"
        );
    }
    assert_eq!(out.lines().count(), stages.len() + 1);
    assert!(out.lines().last().unwrap().contains("netlab client"));
}

/// A stage number outside the stage table gets clap's error, with the valid range, and exit code 2.
#[test]
fn bad_stage_number_is_a_usage_error() {
    let past = common::past_the_last();
    for bad in [past.as_str(), "0", "three"] {
        netlab()
            .args(["stage", bad])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("invalid value"));
    }
    netlab()
        .args(["stage", &past])
        .assert()
        .stderr(predicate::str::contains(common::out_of_range()));
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
        .env_remove("MAKELEVEL")
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
    assert!(!err.contains("make run"), "not run by make:\n{err}");
    assert!(err.contains("another server is listening there"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

/// Under make (`make run`; make sets MAKELEVEL in its children), the port is chosen with
/// `PORT=... make run`: the hint says so, and still gives `--port 0` for outside make.
#[test]
fn port_in_use_under_make_says_port_equals() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = netlab()
        .args(["stage", "7", "--port", &port])
        .env("MAKELEVEL", "1")
        .write_stdin("")
        .assert()
        .code(1)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8(out).unwrap();
    assert_eq!(err.lines().count(), 1, "one line:\n{err}");
    assert!(err.contains("`PORT=0 make run`"), "{err}");
    assert!(err.contains("--port 0"), "{err}");
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
    assert!(err.contains("Python now waits for 2 threads"), "{err}");
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

/// `netlab explain 3` and `netlab source 3` print the stage's page and file, embedded: the
/// Python by default, the Rust with `--rust`.
#[test]
fn explain_and_source_print_embedded_files() {
    netlab()
        .args(["source", "3"])
        .assert()
        .success()
        .stdout(predicate::str::contains("class ChatServer:"))
        .stdout(predicate::str::contains("self.event = threading.Event()"));
    netlab()
        .args(["source", "3", "--rust"])
        .assert()
        .success()
        .stdout(predicate::str::contains("pub struct ChatServer"))
        .stdout(predicate::str::contains("event: Event"));
    let page = netlab::docs::find("3").unwrap();
    netlab()
        .args(["explain", "3"])
        .assert()
        .success()
        .stdout(predicate::str::diff(
            page.get(netlab::lang::Lang::fallback()).unwrap().text,
        ));
    netlab()
        .args(["explain", "12"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(netlab::curriculum::unknown("12")));
}

/// Waits (at most `timeout`) until this machine has a connection in TIME-WAIT on `port`.
fn time_wait_on(port: u16, timeout: Duration) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        let found = netlab::ports::sockets()
            .unwrap()
            .iter()
            .any(|s| s.state == netlab::ports::State::TimeWait && s.local.port() == port);
        if found || Instant::now() >= deadline {
            return found;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A class's stage 3 on port P with a client: `quit`, the client leaves; the server side
/// closed first, so its connection waits in TIME-WAIT on P. Returns P.
fn stage3_leaves_time_wait(extra: &[&str]) -> u16 {
    let mut args = vec!["--grace", "0.5"];
    args.extend_from_slice(extra);
    let (mut server, port) = Netlab::stage(3, &args);
    let mut a = joined("A", port);
    server.type_line("quit");
    assert_eq!(
        server.expect_exit(SHORT).code(),
        Some(0),
        "{}",
        server.all()
    );
    // The cut shut A's connection down from the server's side: A reads the end, closes.
    assert_eq!(a.wait_end(SHORT), Some(End::Eof));
    a.close();
    assert!(
        time_wait_on(port, SHORT),
        "no TIME-WAIT on port {port}:\n{}",
        server.all()
    );
    port
}

/// `netlab stage 3`, `quit`, `netlab stage 4` on the same port: netlab's stages set
/// SO_REUSEADDR, so stage 4 binds at once despite stage 3's connection in TIME-WAIT.
#[test]
fn next_stage_binds_the_same_port_at_once() {
    let port = stage3_leaves_time_wait(&[]);
    let p = port.to_string();
    let mut next = Netlab::start(&["stage", "4", "--port", &p, "--grace", "0.5"]);
    assert_eq!(next.port(), port, "{}", next.all());
    next.type_line("quit");
    assert_eq!(next.expect_exit(SHORT).code(), Some(0), "{}", next.all());
}

/// SO_REUSEADDR does not let two servers listen on one port: the notes' "bind the same
/// port twice" still fails with EADDRINUSE while a stage listens there.
#[test]
fn a_second_stage_on_a_busy_port_still_fails() {
    let (mut first, port) = Netlab::stage(3, &["--grace", "0.5"]);
    let p = port.to_string();
    let mut second = Netlab::start(&["stage", "4", "--port", &p]);
    assert_eq!(
        second.expect_exit(SHORT).code(),
        Some(1),
        "{}",
        second.all()
    );
    let err = second.stderr();
    assert!(err.contains("EADDRINUSE (98)"), "{err}");
    assert!(err.contains("another server is listening there"), "{err}");
    first.type_line("quit");
    assert_eq!(first.expect_exit(SHORT).code(), Some(0), "{}", first.all());
}

/// With `--no-reuseaddr` on both, the stages bind as the notes' code does: stage 4 cannot
/// bind while stage 3's connection is in TIME-WAIT, and the hint says exactly that.
#[test]
fn no_reuseaddr_restart_fails_with_the_time_wait_hint() {
    let port = stage3_leaves_time_wait(&["--no-reuseaddr"]);
    let p = port.to_string();
    let mut next = Netlab::start(&["stage", "4", "--port", &p, "--no-reuseaddr"]);
    assert_eq!(next.expect_exit(SHORT).code(), Some(1), "{}", next.all());
    let err = next.stderr();
    assert_eq!(err.lines().count(), 1, "one line:\n{err}");
    assert!(err.contains("EADDRINUSE (98)"), "{err}");
    assert!(
        err.contains(&format!(
            "1 connection of an earlier run on port {port} is in TIME-WAIT"
        )),
        "{err}"
    );
    assert!(err.contains("leave out --no-reuseaddr"), "{err}");
}

/// `text` with its line breaks and runs of spaces made single spaces: netlab wraps its
/// explanations to the terminal, and a sentence may span two lines.
fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Lines of `text` that are not inside a chat record (`... root [` up to the `]` line):
/// what netlab and the console print around the stage's own records.
fn around_records(text: &str) -> Vec<&str> {
    let mut lines = Vec::new();
    let mut in_record = false;
    for line in text.lines() {
        if line.contains(" root [") {
            in_record = !line.ends_with(']');
        } else if in_record {
            in_record = line != "]";
        } else {
            lines.push(line);
        }
    }
    lines
}

/// A class of 30 on the projector: after `quit`, each list of threads is printed once,
/// grouped by reason (one line for the 30 recv threads' reason, not 30), no line wider
/// than 100 columns, and one line for how the cut threads ended.
#[test]
fn quit_with_a_class_of_30_fits_the_projector() {
    let (mut server, port) = Netlab::stage(3, &["--grace", "4"]);
    let clients: Vec<TestClient> = (0..30).map(|i| joined(&format!("C{i}"), port)).collect();
    let before = server.stderr().len();
    server.type_line("quit");
    assert_eq!(
        server.expect_exit(SHORT).code(),
        Some(0),
        "{}",
        server.all()
    );
    let err = server.stderr();
    let quit = &err[before..];
    let netlab = around_records(quit);
    let shown = netlab.join("\n");
    assert!(
        words(&shown).contains("Python now waits for 31 threads that stop() did not wake:"),
        "{shown}"
    );
    assert!(
        shown.contains("  - 30 threads in recv() from ...:"),
        "{shown}"
    );
    assert_eq!(
        quit.matches("neither wakes recv() nor sends FIN").count(),
        1,
        "the reason once:\n{shown}"
    );
    assert!(
        shown.contains("  - the 31 listed above, each still where it was"),
        "{shown}"
    );
    assert!(
        shown.contains("the threads cut short have ended:\n  - accept: OSError: [Errno 22]"),
        "{shown}"
    );
    assert!(
        shown.contains("\n  - 30 threads: OSError: [Errno 9] Bad file descriptor"),
        "{shown}"
    );
    assert!(netlab.len() <= 25, "{} lines:\n{shown}", netlab.len());
    let widest = quit.lines().map(|l| l.chars().count()).max().unwrap();
    assert!(widest <= 100, "a line of {widest} columns:\n{quit}");
    drop(clients);
}

/// One student's 10 MB line: the server's terminal shows its first 1200 bytes and its
/// length, in the log record and in stage 7's print(), not 10 MB twice; the student still
/// gets every byte back.
#[test]
fn a_10_mb_line_is_shortened_on_the_terminal() {
    let (server, port) = Netlab::stage(7, &[]);
    let a = TestClient::connect("A", ([127, 0, 0, 1], port).into()).unwrap();
    let line = "x".repeat(10 * 1024 * 1024);
    a.send(format!("{line}\n").as_bytes()).unwrap();
    let note = "bytes in all; netlab shows the first 1200)";
    server.expect_stdout(&format!("{}... (10485780 {note}", "x".repeat(1200)), SHORT);
    server.expect_stderr(note, SHORT);
    // The header `202612/04 14:47:38 127.0.0.1:50238\n` is 35 bytes.
    assert!(
        a.wait_for_bytes(line.len() + 35, SHORT),
        "A got {} bytes",
        a.received_count()
    );
    assert!(server.stdout().len() < 3000, "{}", server.stdout().len());
    assert!(server.stderr().len() < 3000, "{}", server.stderr().len());
}

/// Every file in docs/zh/ and docs/en/ is a page of `netlab explain` in its language,
/// printed as it is (a stage's page with its generated diff in place of the marker);
/// `netlab explain` alone lists each of them, one line with its name and title.
#[test]
fn every_docs_page_is_explained_and_listed() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut count = 0;
    for lang in netlab::lang::Lang::all() {
        let code = lang.code();
        let list = netlab()
            .args(["explain", "--lang", code])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let list = String::from_utf8(list).unwrap();
        for entry in std::fs::read_dir(root.join("docs").join(code)).unwrap() {
            let file = entry.unwrap().path();
            let stem = file.file_stem().unwrap().to_str().unwrap();
            let page = netlab::docs::find(stem).unwrap_or_else(|| panic!("no page for {stem}"));
            let embedded = page
                .get(lang)
                .unwrap_or_else(|| panic!("no {code} text for {stem}"));
            let text = std::fs::read_to_string(&file).unwrap();
            let (before, after) = text
                .split_once("<!-- diff from the previous stage -->")
                .unwrap_or((&text, ""));
            assert!(
                embedded.text.starts_with(before) && embedded.text.ends_with(after),
                "docs/{code}/{stem}.md is not what netlab embeds"
            );
            netlab()
                .args(["explain", page.name, "--lang", code])
                .assert()
                .success()
                .stdout(predicate::str::diff(embedded.text));
            let title = text.lines().next().unwrap().trim_start_matches("# ");
            assert!(
                list.lines()
                    .any(|l| l.split_whitespace().next() == Some(page.name) && l.ends_with(title)),
                "docs/{code}/{stem}.md ({}) is not listed:\n{list}",
                page.name
            );
            count += 1;
        }
    }
    assert!(count >= 30, "{count} pages");
    // The names the pages point to.
    for name in [
        "console",
        "client",
        "demo-race",
        "demo-bind",
        "demo-slow",
        "ports",
        "cpython-quirks",
        "bench",
        "stage3-event",
    ] {
        netlab().args(["explain", name]).assert().success();
    }
}

/// `netlab client 61000` is a usage error whose tip gives `--port`; so is `stage 7 61000`.
#[test]
fn a_bare_port_gets_a_tip() {
    netlab()
        .args(["client", "61000"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unexpected argument '61000'"))
        .stderr(predicate::str::contains(
            "tip: a port is given with --port: `netlab client --port 61000`",
        ));
    netlab()
        .args(["stage", "7", "61000"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("`netlab stage 7 --port 61000`"));
}

/// One convention for usage errors: exit code 2, for `explain` and `source` as for `stage`.
#[test]
fn usage_errors_exit_2() {
    let past = common::past_the_last();
    for args in [
        &["explain", &past][..],
        &["explain", "nothing"],
        &["source", &past],
        &["source", "console"],
        &["stage", &past],
    ] {
        netlab().args(args).assert().code(2);
    }
}

/// `--grace` means nothing to stages 1 and 2 (no `quit`): they say so, and run.
#[test]
fn grace_on_stages_without_quit_warns() {
    for (stage, why) in [
        (1, "the script ends by itself"),
        (2, "it has no console and no stop()"),
    ] {
        let (mut server, _) = Netlab::stage(stage, &["--grace", "2"]);
        server.expect_stderr(
            &format!("netlab: warning: --grace 2 does nothing in stage {stage}: {why}"),
            SHORT,
        );
        server.signal(Signal::SIGTERM);
        server.expect_exit(SHORT);
    }
    let (mut server, _) = Netlab::stage(3, &["--grace", "0.5"]);
    server.type_line("quit");
    server.expect_exit(SHORT);
    assert!(
        !server.stderr().contains("does nothing"),
        "{}",
        server.all()
    );
}

/// Counts agree with their noun: one thread is `1 thread`, never `thread(s)`.
#[test]
fn one_thread_is_singular() {
    let (mut server, _) = Netlab::stage(3, &["--grace", "3.5"]);
    server.type_line("quit");
    assert_eq!(server.expect_exit(SHORT).code(), Some(0));
    let err = words(&server.stderr());
    assert!(
        err.contains("Python now waits for 1 thread that stop() did not wake"),
        "{err}"
    );
    assert!(err.contains("1 thread is still running"), "{err}");
    assert!(err.contains("having cut 1 thread short"), "{err}");
    assert!(!err.contains("(s)"), "{err}");
}

/// The README says `netlab stages` prints the list it shows: it does, word for word.
#[test]
fn readme_shows_what_netlab_stages_prints() {
    let out = netlab()
        .arg("stages")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    assert!(
        readme.contains(&format!("$ netlab stages\n{out}```")),
        "README.md does not show this output of `netlab stages`:\n{out}"
    );
}

/// `--view` with no terminal (the tests' pipes, like CI's) says why in one line and runs
/// the plain output: the chat still works and `quit` still quits, with no escape codes.
#[test]
fn view_without_a_terminal_runs_the_plain_output() {
    let (mut server, port) = Netlab::stage(7, &["--view"]);
    server.expect_stderr(
        "netlab: warning: --view needs a terminal to draw on: standard output is not a terminal",
        SHORT,
    );
    server.expect_stderr("Running stage 7 with the plain output instead.", SHORT);
    let a = TestClient::connect("A", ([127, 0, 0, 1], port).into()).unwrap();
    a.send(b"hello\n").unwrap();
    server.expect_stdout("hello +++++++++++++++++++\n", SHORT);
    server.type_line("quit");
    assert_eq!(server.expect_exit(Duration::from_secs(10)).code(), Some(0));
    assert!(
        !server.all().contains('\u{1b}'),
        "escape codes:\n{}",
        server.all()
    );
}

/// `netlab demo slow --view` in a pipe: the plain demo, after the same one-line warning.
#[test]
fn demo_slow_view_without_a_terminal_runs_the_plain_demo() {
    netlab()
        .args(["demo", "slow", "--stage", "7", "--view"])
        .timeout(Duration::from_secs(60))
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "--view needs a terminal to draw on: standard output is not a terminal",
        ))
        .stdout(predicate::str::contains("The whole server froze"));
}

/// Every command that takes a stage, the client or an exercise reads it with the one
/// parser of the curriculum: a bad id gets the same sentence everywhere, listing what
/// exists, and exit code 2; in Chinese with `--lang zh`.
#[test]
fn every_bad_id_gets_the_same_sentence() {
    let bad = common::past_the_last();
    let sentence = netlab::curriculum::unknown(&bad);
    let commands: &[&[&str]] = &[
        &["stage", &bad],
        &["check", &bad, "--", "true"],
        &["source", &bad],
        &["diff", "4", &bad],
        &["diff", &bad, "4"],
        &["bench", "--stage", &bad],
        &["client", "--solution", &bad],
        &["explain", &bad],
        &["exercise", &bad],
        &["demo", "slow", "--stage", &bad],
        &["demo", "churn", "--stage", &bad],
    ];
    for args in commands {
        netlab()
            .args(*args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(&sentence));
    }
    let zh = netlab()
        .args(["--lang", "zh", "stage", &bad])
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    let zh = String::from_utf8(zh).unwrap();
    assert!(zh.contains(&format!("没有“{bad}”这个阶段或练习")), "{zh}");
}

/// `netlab --version` names the version and the commit a release build was built from
/// (`unknown` when built outside a git checkout; a debug build says so): what a teacher reads off a student's installed copy.
#[test]
fn version_names_the_commit() {
    let out = netlab().arg("--version").assert().success();
    let out = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    let build = out
        .trim_end()
        .strip_prefix(concat!("netlab ", env!("CARGO_PKG_VERSION"), " ("))
        .and_then(|rest| rest.strip_suffix(')'))
        .unwrap_or_else(|| panic!("not `netlab VERSION (...)`: {out:?}"));
    // A test build is a debug build; a release build names its commit.
    let commit = build.strip_prefix("commit ");
    assert!(
        build == "debug build"
            || commit.is_some_and(|c| {
                c == "unknown" || (c.len() >= 7 && c.bytes().all(|b| b.is_ascii_hexdigit()))
            }),
        "not a commit: {build:?}"
    );
}
