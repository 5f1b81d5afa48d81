//! `netlab client`, the notes' chat client, against netlab's stage 7 (started in this
//! process) or against a bare listener: what it sends, what it logs, and how it ends
//! where the Python client would hang or spin.

use crate::common;

use common::process::Netlab;
use netlab::client_command::MAX_FLOOD;
use netlab::py::SPIN_LIMIT;
use netlab::scenario::TestClient;
use nix::sys::signal::Signal;
use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::{Duration, Instant};

const SHORT: Duration = Duration::from_secs(10);

fn client(port: u16) -> Netlab {
    Netlab::start(&["client", "--port", &port.to_string()])
}

/// A bare listener in place of a server: what the client puts on the wire, unchanged.
fn bare() -> (TcpListener, u16) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    (listener, port)
}

/// Accepts the client (waiting at most [`SHORT`]) and reads its `I'm ready\n`.
fn accept_ready(listener: &TcpListener) -> TcpStream {
    let (tx, rx) = std::sync::mpsc::channel();
    let l = listener.try_clone().unwrap();
    std::thread::spawn(move || {
        let _ = tx.send(l.accept());
    });
    let (mut conn, _) = rx
        .recv_timeout(SHORT)
        .expect("the client connects")
        .unwrap();
    conn.set_read_timeout(Some(SHORT)).unwrap();
    assert_eq!(read_n(&mut conn, 10), b"I'm ready\n");
    conn
}

/// Reads exactly `n` bytes (at most [`SHORT`] per read).
fn read_n(conn: &mut TcpStream, n: usize) -> Vec<u8> {
    let mut buf = vec![0u8; n];
    conn.read_exact(&mut buf).unwrap();
    buf
}

/// What the client printed after the line that contains `needle` (which must be there).
fn after_line(err: &str, needle: &str) -> String {
    let at = err
        .find(needle)
        .unwrap_or_else(|| panic!("no {needle:?} in:\n{err}"));
    let rest = &err[at..];
    rest.split_once('\n')
        .map_or("", |(_, after)| after)
        .to_string()
}

/// The client says `I'm ready` first, and the server broadcasts it to everyone.
#[test]
fn client_says_im_ready_first() {
    let server = common::start("7");
    let observer = TestClient::connect("observer", server.local_addr()).unwrap();
    std::thread::sleep(Duration::from_millis(100));
    let c = client(server.local_addr().port());
    assert!(
        observer.wait_for_text(b"\nI'm ready\n\n", SHORT),
        "{}",
        c.all()
    );
}

/// Typed lines are stripped and sent with one `\n`, which the line-based server needs.
#[test]
fn client_sends_typed_lines_stripped() {
    let server = common::start("7");
    let observer = TestClient::connect("observer", server.local_addr()).unwrap();
    std::thread::sleep(Duration::from_millis(100));
    let mut c = client(server.local_addr().port());
    assert!(observer.wait_for_text(b"I'm ready", SHORT));
    c.type_line("   hello there  \t");
    assert!(
        observer.wait_for_text(b"\nhello there\n\n", SHORT),
        "{}",
        c.all()
    );
}

/// Each recv() is logged with the server's address in the header (not the sender's) and
/// the repr of the stripped bytes as the body, as python-originals §11 shows.
#[test]
fn client_logs_what_it_receives_like_python() {
    let server = common::start("7");
    let port = server.local_addr().port();
    let c = client(port);
    // 2026-11-25 16:35:53,312 recv root 202611/25 16:35:53 127.0.0.1:SP
    // b"202611/25 16:35:53 127.0.0.1:PC\nI'm ready"
    c.expect_stderr(" recv root ", SHORT);
    c.expect_stderr("\\nI'm ready\"\n", SHORT);
    let err = c.stderr();
    let header = err.lines().find(|l| l.contains(" recv root ")).unwrap();
    assert!(header.ends_with(&format!(" 127.0.0.1:{port}")), "{header}");
    let body = err.lines().find(|l| l.starts_with("b\"")).unwrap();
    assert!(
        netlab::wire::timestamp_prefix(&body.as_bytes()[2..]) == netlab::wire::TIMESTAMP_LEN,
        "{body}"
    );
}

/// `quit`: the notes' stop() closes the socket under the blocked recv thread and waits
/// 3 s; Python's process then hangs. netlab says so, closes the connection, and exits.
#[test]
fn client_quit_exits_after_the_notes_3_s() {
    let server = common::start("7");
    let mut c = client(server.local_addr().port());
    c.expect_stderr("I'm ready", SHORT);
    // Let the recv thread, which has just logged "I'm ready", block in recv() again.
    std::thread::sleep(Duration::from_millis(300));
    let t = Instant::now();
    c.type_line("quit");
    assert_eq!(c.expect_exit(SHORT).code(), Some(0));
    let took = t.elapsed();
    assert!(
        took >= Duration::from_millis(2900) && took < Duration::from_secs(6),
        "took {took:?}"
    );
    c.expect_stderr("MainThread root Client stops", SHORT);
    // On a very busy machine the recv thread may not be back in recv() when quit closes
    // the socket: its next recv() then fails at once (EBADF), as Python's would, and
    // nothing hangs. Otherwise netlab must say that Python would hang.
    let err = c.stderr();
    assert!(
        err.contains("Python's client would hang here")
            || err.contains("recv root [Errno 9] Bad file descriptor"),
        "{}",
        c.all()
    );
    // The server sees the client leave only because netlab shut the connection down.
    let left = server.interpreter().wait_for(SHORT, |r| {
        r.message().is_some_and(|m| m.ends_with(" quits"))
    });
    assert!(left.is_some(), "the server never saw the client leave");
}

/// When the server closes, recv() returns b'' forever: Python spins logging b''. netlab
/// logs it SPIN_LIMIT times, explains, and exits.
#[test]
fn client_exits_when_the_server_closes() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let mut c = client(port);
    let (mut conn, _) = listener.accept().unwrap();
    // Read the client's "I'm ready\n" first: closing with unread bytes would send RST.
    conn.set_read_timeout(Some(SHORT)).unwrap();
    let mut ready = [0u8; 10];
    std::io::Read::read_exact(&mut conn, &mut ready).unwrap();
    assert_eq!(&ready, b"I'm ready\n");
    drop(conn);
    drop(listener);
    assert_eq!(c.expect_exit(SHORT).code(), Some(0));
    let err = c.stderr();
    assert_eq!(err.matches("\nb''\n").count(), SPIN_LIMIT, "{err}");
    assert!(
        err.contains(&format!("returned b'' {SPIN_LIMIT} times in a row")),
        "{err}"
    );
    assert!(err.contains("the recv thread has ended"), "{err}");
}

/// An empty typed line is sent as `\n`; stages 4-7 take it for a disconnect, and the
/// client then finds itself disconnected and exits.
#[test]
fn client_empty_line_gets_it_disconnected() {
    let server = common::start("7");
    let mut c = client(server.local_addr().port());
    c.expect_stderr("I'm ready", SHORT);
    c.type_line("");
    assert_eq!(c.expect_exit(SHORT).code(), Some(0), "{}", c.all());
    c.expect_stderr("the recv thread has ended", SHORT);
}

/// With no server, the client fails with one clear line and exit code 1.
#[test]
fn client_without_server_fails_clearly() {
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut c = client(port);
    assert_eq!(c.expect_exit(SHORT).code(), Some(1));
    let err = c.stderr();
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    assert!(
        err.contains(&format!("could not connect to {addr}")),
        "{err}"
    );
    assert!(
        err.contains("ConnectionRefusedError: [Errno 111] Connection refused"),
        "{err}"
    );
    assert!(err.contains("netlab stage 7"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

/// A signal during `quit`'s 3 s wait (the notes' stop(): close, `event.wait(3)`) ends the
/// client at once with 128 + the signal, and nothing follows netlab's line for it.
fn signal_during_quit(sig: Signal, code: i32) {
    let server = common::start("7");
    let mut c = client(server.local_addr().port());
    c.expect_stderr("I'm ready", SHORT);
    c.type_line("quit");
    c.expect_stderr("netlab: quit: the notes' stop()", SHORT);
    let t = Instant::now();
    c.signal(sig);
    assert_eq!(c.expect_exit(SHORT).code(), Some(code), "{}", c.all());
    assert!(
        t.elapsed() < Duration::from_secs(2),
        "the notes' 3 s wait was not cut: {:?}\n{}",
        t.elapsed(),
        c.all()
    );
    let err = c.stderr();
    assert!(!err.contains("root Client stops"), "{err}");
    assert_eq!(
        after_line(&err, "netlab closes the connection and exits"),
        "",
        "{err}"
    );
    // netlab shut the connection down: the server sees the client leave.
    let left = server.interpreter().wait_for(SHORT, |r| {
        r.message().is_some_and(|m| m.ends_with(" quits"))
    });
    assert!(left.is_some(), "the server never saw the client leave");
}

/// Ctrl-C during `quit`'s 3 s wait exits 130 at once.
#[test]
fn client_ctrl_c_during_quit_exits_130_at_once() {
    signal_during_quit(Signal::SIGINT, 130);
}

/// SIGTERM during `quit`'s 3 s wait exits 143 at once.
#[test]
fn client_sigterm_during_quit_exits_143_at_once() {
    signal_during_quit(Signal::SIGTERM, 143);
}

/// How many clients the "says nothing more" tests run at once. What they catch is a race
/// (the woken recv thread printing before the process is gone): one client at a time
/// showed it in about one run in five, so they run several, each a separate process.
const RACERS: usize = 12;

/// Starts [`RACERS`] clients against one bare listener; returns each with the server's end.
fn racers() -> (TcpListener, Vec<(Netlab, TcpStream)>) {
    let (listener, port) = bare();
    let clients = (0..RACERS)
        .map(|_| {
            let c = client(port);
            let conn = accept_ready(&listener);
            (c, conn)
        })
        .collect();
    (listener, clients)
}

/// After Ctrl-C the client exits 130 and says nothing more: netlab's shutdown() wakes the
/// recv thread, which would log `b''` (and "the peer closed its side") if it still spoke.
#[test]
fn client_says_nothing_after_a_signal() {
    let (_listener, mut clients) = racers();
    for (c, _) in &clients {
        c.signal(Signal::SIGINT);
    }
    for (c, conn) in &mut clients {
        assert_eq!(c.expect_exit(SHORT).code(), Some(130), "{}", c.all());
        let err = c.stderr();
        assert_eq!(after_line(&err, "Ctrl-C (SIGINT)"), "", "{err}");
        assert!(
            !err.contains("b''") && !err.contains("peer closed"),
            "{err}"
        );
        // The connection was shut down: the server's end reads EOF.
        let mut buf = [0u8; 16];
        assert_eq!(conn.read(&mut buf).unwrap(), 0);
    }
}

/// After `quit`, once netlab has said why it exits, nothing follows: the `b''` that its
/// shutdown() makes the recv thread read is not logged.
#[test]
fn client_says_nothing_after_quit() {
    let (_listener, mut clients) = racers();
    for (c, _) in &mut clients {
        c.type_line("quit");
    }
    for (c, _) in &mut clients {
        assert_eq!(c.expect_exit(SHORT).code(), Some(0), "{}", c.all());
        let err = c.stderr();
        let after = after_line(&err, "MainThread root Client stops");
        // netlab may still explain why it exits (not when the recv thread had already
        // ended, its recv() failing on the closed socket); the recv thread says nothing.
        assert!(
            after.lines().all(|l| l.starts_with("netlab: ")),
            "the recv thread spoke after Client stops:\n{err}"
        );
    }
}

/// A typed line that is not UTF-8 is skipped with a word (Python's input() would raise
/// UnicodeDecodeError); the console goes on, and the next line is sent.
#[test]
fn client_skips_a_line_that_is_not_utf8() {
    let (listener, port) = bare();
    let mut c = client(port);
    let mut conn = accept_ready(&listener);
    c.type_bytes(b"caf\xe9\n");
    c.expect_stderr("that line is not UTF-8", SHORT);
    c.type_line("hello");
    assert_eq!(read_n(&mut conn, 6), b"hello\n", "{}", c.all());
    let err = c.stderr();
    assert!(
        err.contains("UnicodeDecodeError: 'utf-8' codec can't decode byte 0xe9 in position 3"),
        "{err}"
    );
    assert!(!err.contains("standard input has ended"), "{err}");
}

/// `/reset`: SO_LINGER 0 and close(): the server's end gets a reset, not EOF; the client
/// says so and exits 0, and its recv thread says nothing after that.
#[test]
fn client_reset_sends_rst() {
    let (listener, port) = bare();
    let mut c = client(port);
    let mut conn = accept_ready(&listener);
    c.type_line("/reset");
    let mut buf = [0u8; 16];
    let got = conn.read(&mut buf);
    assert_eq!(
        got.as_ref().map_err(|e| e.kind()),
        Err(ErrorKind::ConnectionReset),
        "{got:?}\n{}",
        c.all()
    );
    assert_eq!(c.expect_exit(SHORT).code(), Some(0), "{}", c.all());
    let err = c.stderr();
    assert_eq!(after_line(&err, "netlab: /reset: SO_LINGER"), "", "{err}");
}

/// `/halfclose`: the server's end reads EOF (FIN) while the client still receives; a line
/// typed after it fails (the sending side is shut), and the client exits 1 saying so.
#[test]
fn client_halfclose_sends_fin_and_keeps_reading() {
    let (listener, port) = bare();
    let mut c = client(port);
    let mut conn = accept_ready(&listener);
    c.type_line("/halfclose");
    let mut buf = [0u8; 16];
    assert_eq!(conn.read(&mut buf).unwrap(), 0, "no FIN:\n{}", c.all());
    conn.write_all(b"still here\n").unwrap();
    c.expect_stderr("b'still here'", SHORT);
    c.type_line("late");
    assert_eq!(c.expect_exit(SHORT).code(), Some(1), "{}", c.all());
    let err = c.stderr();
    assert!(err.contains("send failed: BrokenPipeError"), "{err}");
    assert_eq!(after_line(&err, "send failed"), "", "{err}");
}

/// `/bytes ff fe 0a` sends exactly those three bytes: no strip, no newline added.
#[test]
fn client_bytes_sends_exactly_those_bytes() {
    let (listener, port) = bare();
    let mut c = client(port);
    let mut conn = accept_ready(&listener);
    c.type_line("/bytes ff fe 0a");
    c.type_line("/bytes 20 68 69");
    c.type_line("after");
    assert_eq!(
        read_n(&mut conn, 12),
        b"\xff\xfe\n hiafter\n",
        "{}",
        c.all()
    );
}

/// `/flood N` sends N numbered lines; a count above the bound is refused, nothing sent.
#[test]
fn client_flood_sends_n_numbered_lines() {
    let (listener, port) = bare();
    let mut c = client(port);
    let mut conn = accept_ready(&listener);
    c.type_line(&format!("/flood {}", MAX_FLOOD + 1));
    c.type_line("/flood 0");
    c.type_line("/flood 1000");
    let want: String = (1..=1000).map(|i| format!("flood {i}\n")).collect();
    assert_eq!(
        String::from_utf8(read_n(&mut conn, want.len())).unwrap(),
        want,
        "{}",
        c.all()
    );
    c.expect_stderr("/flood: sent 1000 lines", SHORT);
    assert_eq!(
        c.stderr().matches("/flood needs a number of lines").count(),
        2,
        "{}",
        c.all()
    );
}

/// `/help`, an unknown `/command` and a bad argument send nothing; `//text` sends `/text`.
#[test]
fn client_slash_lines_that_are_not_commands() {
    let (listener, port) = bare();
    let mut c = client(port);
    let mut conn = accept_ready(&listener);
    c.type_line("/help");
    c.type_line("/nope");
    c.type_line("/bytes xyz");
    c.type_line("//nope");
    assert_eq!(read_n(&mut conn, 6), b"/nope\n", "{}", c.all());
    // The client wrote its answers to the three lines before it sent the fourth; wait
    // until they have come through the pipe too.
    c.expect_stderr("unknown command `/nope`", SHORT);
    c.expect_stderr("/bytes: `xyz` is not bytes in hex", SHORT);
    let err = c.stderr();
    assert!(
        err.contains("/reset") && err.contains("/halfclose"),
        "{err}"
    );
    let unknown: Vec<&str> = err
        .lines()
        .filter(|l| l.contains("unknown command `/nope`"))
        .collect();
    assert_eq!(unknown.len(), 1, "{err}");
    assert!(unknown[0].starts_with("netlab: error: "), "{err}");
    assert!(err.contains("/bytes: `xyz` is not bytes in hex"), "{err}");
}
