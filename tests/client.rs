//! `netlab client`, the notes' chat client, against netlab's stage 7 (started in this
//! process) or against a bare listener: what it sends, what it logs, and how it ends
//! where the Python client would hang or spin.

mod common;

use common::process::Netlab;
use netlab::py::SPIN_LIMIT;
use netlab::scenario::TestClient;
use std::net::{SocketAddr, TcpListener};
use std::time::{Duration, Instant};

const SHORT: Duration = Duration::from_secs(10);

fn client(port: u16) -> Netlab {
    Netlab::start(&["client", "--port", &port.to_string()])
}

/// The client says `I'm ready` first, and the server broadcasts it to everyone.
#[test]
fn client_says_im_ready_first() {
    let server = common::start(7);
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
    let server = common::start(7);
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
/// the repr of the stripped bytes as the body, as REFERENCE §11 shows.
#[test]
fn client_logs_what_it_receives_like_python() {
    let server = common::start(7);
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
    let server = common::start(7);
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
    let server = common::start(7);
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
