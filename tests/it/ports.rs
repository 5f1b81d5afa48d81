//! `netlab ports` against real sockets: each test opens TCP sockets on 127.0.0.1 (port 0,
//! so the kernel picks a free port) and looks for them the way the notes do with
//! `ss -tanl | grep 60000`.

use assert_cmd::Command;
use netlab::ports::{self, State, TcpSocket};
use std::io::{self, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

/// The longest any test waits for the kernel; on loopback everything takes microseconds.
const WAIT: Duration = Duration::from_secs(2);

/// The sockets whose local address is `local`, read from /proc until `found` accepts
/// them or [`WAIT`] passes (the kernel updates a queue a moment after connect() returns).
fn sockets_at(local: SocketAddr, found: impl Fn(&[TcpSocket]) -> bool) -> Vec<TcpSocket> {
    let deadline = Instant::now() + WAIT;
    loop {
        let mine: Vec<TcpSocket> = ports::sockets()
            .expect("read /proc/net/tcp")
            .into_iter()
            .filter(|s| s.local == local)
            .collect();
        if found(&mine) || Instant::now() >= deadline {
            return mine;
        }
        thread::sleep(Duration::from_millis(5));
    }
}

/// The next connection on `server`, waiting at most [`WAIT`]: a plain accept() could
/// block the test forever if something went wrong.
fn accept(server: &TcpListener) -> (TcpStream, SocketAddr) {
    server.set_nonblocking(true).unwrap();
    let deadline = Instant::now() + WAIT;
    loop {
        match server.accept() {
            Ok(accepted) => return accepted,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock && Instant::now() < deadline => {
                thread::sleep(Duration::from_millis(1));
            }
            Err(e) => panic!("no connection to accept within {WAIT:?}: {e}"),
        }
    }
}

/// Runs `netlab ports ARGS` and returns its standard output, which must succeed.
fn netlab_ports(args: &[&str]) -> String {
    let output = Command::cargo_bin("netlab")
        .unwrap()
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("LANG")
        .arg("ports")
        .args(args)
        .timeout(WAIT)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "netlab ports {args:?} failed: {:?}\nstdout:\n{stdout}\nstderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// A server's listen() socket is in the list as LISTEN, with no peer.
#[test]
fn a_listener_is_listed_by_the_library() {
    let server = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = server.local_addr().unwrap();
    let mine = sockets_at(addr, |s| !s.is_empty());
    assert_eq!(mine.len(), 1, "{mine:?}");
    assert_eq!(mine[0].state, State::Listen);
    assert_eq!(mine[0].remote, "0.0.0.0:0".parse().unwrap());
}

/// This test process, as `netlab ports` and `holders()` name it: `pid 1234 (ports-0a1b2c3d)`.
fn this_process() -> String {
    let name = std::fs::read_to_string("/proc/self/comm").unwrap();
    format!("pid {} ({})", std::process::id(), name.trim_end())
}

/// `netlab ports --port P` prints the listener's line, like `ss -tanlp | grep P`: with the
/// process that holds it, this test.
#[test]
fn a_listener_is_listed_by_netlab_ports() {
    let server = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = server.local_addr().unwrap();
    let port = addr.port().to_string();
    let stdout = netlab_ports(&["--port", &port]);
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        lines[0].starts_with("State")
            && lines[0].contains("Local Address:Port")
            && lines[0].ends_with("Process"),
        "the header comes first:\n{stdout}"
    );
    assert!(
        lines.iter().any(|l| l.starts_with("LISTEN")
            && l.contains(&format!("{addr} "))
            && l.contains(" 0.0.0.0:* ")
            && l.ends_with(&this_process())),
        "no LISTEN line for {addr} held by {}:\n{stdout}",
        this_process()
    );
}

/// A connection shows as two ESTAB sockets (the client's and the server's end), but only
/// with --all: by default netlab ports shows listeners only, like `ss -tanl`.
#[test]
fn an_established_pair_is_listed_only_with_all() {
    let server = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = server.local_addr().unwrap();
    let client = TcpStream::connect_timeout(&addr, WAIT).unwrap();
    let (_connection, client_addr) = accept(&server);
    assert_eq!(client.local_addr().unwrap(), client_addr);
    let port = addr.port().to_string();

    let listeners = netlab_ports(&["--port", &port]);
    assert!(listeners.contains("LISTEN"), "{listeners}");
    assert!(
        !listeners.contains("ESTAB"),
        "ESTAB without --all:\n{listeners}"
    );

    let all = netlab_ports(&["--port", &port, "--all"]);
    let server_end = format!("{addr} ");
    let estab: Vec<&str> = all.lines().filter(|l| l.starts_with("ESTAB")).collect();
    assert_eq!(estab.len(), 2, "one ESTAB per end:\n{all}");
    assert!(
        estab
            .iter()
            .any(|l| l.contains(&server_end) && l.contains(&format!(" {client_addr} "))),
        "the server's end, with the client as peer:\n{all}"
    );
    assert!(
        estab
            .iter()
            .any(|l| l.contains(&format!("{client_addr} ")) && l.contains(&format!(" {addr} "))),
        "the client's end, with the server as peer:\n{all}"
    );
    // Both ends are this test's sockets.
    assert!(estab.iter().all(|l| l.ends_with(&this_process())), "{all}");
}

/// A listener's Recv-Q counts the connections waiting for accept(): two clients
/// connected, nobody accepted, so the accept queue holds 2.
#[test]
fn a_listeners_recv_q_is_its_accept_queue() {
    let server = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = server.local_addr().unwrap();
    let _a = TcpStream::connect_timeout(&addr, WAIT).unwrap();
    let _b = TcpStream::connect_timeout(&addr, WAIT).unwrap();
    let mine = sockets_at(addr, |s| {
        s.iter()
            .any(|s| s.state == State::Listen && s.rx_queue == 2)
    });
    let listener = mine.iter().find(|s| s.state == State::Listen).unwrap();
    assert_eq!(listener.rx_queue, 2, "{mine:?}");
}

/// An ESTAB socket's Recv-Q counts bytes that arrived but were not recv()'d yet: the
/// client sends 5 bytes, the server never reads them.
#[test]
fn an_unread_message_waits_in_recv_q() {
    let server = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = server.local_addr().unwrap();
    let mut client = TcpStream::connect_timeout(&addr, WAIT).unwrap();
    let (_connection, client_addr) = accept(&server);
    client.write_all(b"hello").unwrap();
    let mine = sockets_at(addr, |s| s.iter().any(|s| s.rx_queue == 5));
    let server_end = mine.iter().find(|s| s.remote == client_addr).unwrap();
    assert_eq!(server_end.state, State::Established);
    assert_eq!(server_end.rx_queue, 5, "{mine:?}");
}

/// `holders()` names the process that listens on a port: this one, with its pid.
#[test]
fn holders_names_the_process_that_listens() {
    let server = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = server.local_addr().unwrap();
    assert_eq!(
        ports::holders(addr.port()),
        Some(format!("{} listens on {addr}", this_process()))
    );
}

/// A server that closes first leaves its end in TIME-WAIT, held by no process: after the
/// listener is gone, that is all `holders()` finds on the port, and it says so.
#[test]
fn holders_reports_time_wait_after_a_server_side_close() {
    let server = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = server.local_addr().unwrap();
    let mut client = TcpStream::connect_timeout(&addr, WAIT).unwrap();
    let (connection, _) = accept(&server);
    drop(server);
    // The server closes first (FIN); the client reads the end of the stream, then closes.
    drop(connection);
    client.set_read_timeout(Some(WAIT)).unwrap();
    let mut buf = [0u8; 1];
    assert_eq!(io::Read::read(&mut client, &mut buf).unwrap(), 0);
    drop(client);
    let want = "1 connection in TIME-WAIT (no process; it clears in about 60 s)";
    let deadline = Instant::now() + WAIT;
    let mut got = ports::holders(addr.port());
    while got.as_deref() != Some(want) && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(5));
        got = ports::holders(addr.port());
    }
    assert_eq!(got.as_deref(), Some(want));
    // `netlab ports --port P` finds no listener, and says what holds the port instead.
    let output = Command::cargo_bin("netlab")
        .unwrap()
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("LANG")
        .args(["ports", "--port", &addr.port().to_string()])
        .timeout(WAIT)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!("the port is not free, though: {want}")),
        "{stderr}"
    );
}

/// A port nothing uses: no phrase at all.
#[test]
fn holders_is_none_for_a_free_port() {
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    assert_eq!(ports::holders(port), None);
}
