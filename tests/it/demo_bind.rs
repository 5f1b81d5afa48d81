//! `netlab demo bind`: the notes ask what happens when a port is bound twice. These tests
//! check that the demo reports what the kernel really says, by asking the kernel the same
//! question directly in the test and comparing, never by comparing with a constant.
//! Everything runs on 127.0.0.1 with ports the kernel picks.

use assert_cmd::Command;
use netlab::demo::bind::{self, Report};
use netlab::ports::State;
use socket2::{Domain, Protocol, SockAddr, Socket, Type};
use std::net::{SocketAddr, TcpListener};
use std::process::Output;
use std::time::Duration;

/// The longest the binary may run; the demo itself takes a few milliseconds.
const WAIT: Duration = Duration::from_secs(5);

/// How many clients experiment 3 connects in these tests.
const CLIENTS: usize = 20;

/// A TCP socket with no options, like Python's `socket.socket()`. (Rust's
/// `TcpListener::bind` would set SO_REUSEADDR on it behind our back.)
fn plain_socket() -> Socket {
    Socket::new(Domain::IPV4, Type::STREAM, Some(Protocol::TCP)).unwrap()
}

/// The errno a plain second bind gets while a plain listener holds the port: what the
/// notes' second `s.bind(('127.0.0.1', 60000))` would raise, asked of this kernel now.
fn plain_second_bind_errno() -> i32 {
    let first = plain_socket();
    first
        .bind(&SockAddr::from(SocketAddr::from(([127, 0, 0, 1], 0))))
        .unwrap();
    first.listen(5).unwrap();
    let e = plain_socket()
        .bind(&first.local_addr().unwrap())
        .expect_err("a second bind on a listening port must fail");
    e.raw_os_error().expect("bind fails with an errno")
}

/// One run of the demo's experiments, with a fresh port for experiment 1.
fn report() -> Report {
    bind::experiments(0, CLIENTS).expect("the demo runs")
}

/// Runs `netlab demo bind ARGS`, bounded by [`WAIT`].
fn netlab_demo_bind(args: &[&str]) -> Output {
    Command::cargo_bin("netlab")
        .unwrap()
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("LANG")
        .args(["demo", "bind"])
        .args(args)
        .timeout(WAIT)
        .output()
        .unwrap()
}

/// The output as text, to show in full when an assertion fails.
fn transcript(output: &Output) -> String {
    format!(
        "status: {:?}\nstdout:\n{}\nstderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Binding a port while another socket listens on it fails, with the same errno as a
/// plain second bind (EADDRINUSE, 98 on Linux): the notes' "绑定端口重复".
#[test]
fn binding_a_listening_port_fails_like_a_plain_second_bind() {
    let expected = plain_second_bind_errno();
    let report = report();
    assert_eq!(report.bind_twice.errno(), Some(expected), "{report:#?}");
    assert_eq!(
        report.bind_twice_reuse_addr.errno(),
        Some(expected),
        "{report:#?}"
    );
}

/// A server that closed first leaves TIME-WAIT on its port, and restarting it there
/// without options fails exactly as binding a port that is listened on does.
#[test]
fn restarting_during_time_wait_fails_like_a_plain_second_bind() {
    let expected = plain_second_bind_errno();
    let report = report();
    let port = report.restart.port;
    assert!(
        report
            .time_wait
            .iter()
            .any(|s| s.state == State::TimeWait && s.local.port() == port),
        "no TIME-WAIT line for port {port}: {report:#?}"
    );
    assert_eq!(report.restart.errno(), Some(expected), "{report:#?}");
}

/// SO_REUSEADDR on both the old listener and the new socket lets the server restart at
/// once; on one side only, it does not (on Linux).
#[test]
fn reuse_addr_on_both_sides_restarts_at_once() {
    let expected = plain_second_bind_errno();
    let report = report();
    assert!(
        report.restart_reuse_addr_both.outcome.is_ok(),
        "{report:#?}"
    );
    assert_eq!(
        report.restart_reuse_addr_new.errno(),
        Some(expected),
        "{report:#?}"
    );
    assert_eq!(
        report.restart_reuse_addr_old.errno(),
        Some(expected),
        "{report:#?}"
    );
}

/// Two SO_REUSEPORT listeners both bind one port, and between them they accept every
/// client: the kernel shares the connections out.
#[test]
fn reuse_port_shares_the_connections_between_two_listeners() {
    let report = report();
    assert!(report.reuse_port.outcome.is_ok(), "{report:#?}");
    assert_eq!(
        report.accepted[0] + report.accepted[1],
        CLIENTS,
        "{report:#?}"
    );
}

/// Port 0 means "any free port": the kernel picks a real one.
#[test]
fn port_zero_gets_a_port_from_the_kernel() {
    let report = report();
    assert!(report.port_zero.outcome.is_ok(), "{report:#?}");
    assert_ne!(report.picked.port(), 0, "{report:#?}");
}

/// With a port given, experiment 1 binds that port, and leaves it free afterwards (the
/// demo can run again at once).
#[test]
fn a_given_port_is_used_for_experiment_1_and_left_free() {
    // A port found free can be taken again, as an ephemeral port, by a connection of a
    // test running in parallel before the demo binds it: then try another.
    let (port, report) = (0..5)
        .find_map(|_| {
            let port = TcpListener::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap()
                .port();
            bind::experiments(port, 2).ok().map(|report| (port, report))
        })
        .expect("one of five free ports stays free long enough");
    assert_eq!(report.bind_twice.port, port, "{report:#?}");
    assert_eq!(report.bind_twice_reuse_addr.port, port, "{report:#?}");
    TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], port)))
        .expect("the demo leaves experiment 1's port free");
}

/// A given port that something already listens on stops the demo with a hint, rather
/// than a wrong table.
#[test]
fn a_busy_port_is_an_error_with_a_hint() {
    let busy = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = busy.local_addr().unwrap().port();
    let e = bind::experiments(port, 2).unwrap_err();
    let message = format!("{e:#}");
    assert!(
        message.contains(&format!("netlab ports --all --port {port}")),
        "{message}"
    );
}

/// `netlab demo bind` prints the table and its explanation, and exits 0.
#[test]
fn the_binary_prints_the_table() {
    let output = netlab_demo_bind(&[]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    assert!(
        stdout.lines().any(|l| l.starts_with("#")
            && l.contains("old socket")
            && l.contains("new socket")
            && l.contains("outcome")),
        "no table header:\n{}",
        transcript(&output)
    );
    for id in ["1 ", "1b ", "2a ", "2b ", "2c ", "2d ", "3 ", "4 "] {
        assert!(
            stdout.lines().any(|l| l.starts_with(id)),
            "no row {id:?}:\n{}",
            transcript(&output)
        );
    }
    assert!(stdout.contains("TIME-WAIT"), "{}", transcript(&output));
    assert!(stdout.contains("What it means:"), "{}", transcript(&output));
}

/// A port above 65535, or one that is not a number, is a usage error: exit code 2 and
/// one line from clap naming the bad value, before any socket is opened.
#[test]
fn a_bad_port_is_a_one_line_usage_error() {
    for bad in ["70000", "abc"] {
        let output = netlab_demo_bind(&["--port", bad]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{}", transcript(&output));
        assert!(output.stdout.is_empty(), "{}", transcript(&output));
        let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error")).collect();
        assert_eq!(errors.len(), 1, "{}", transcript(&output));
        assert!(
            errors[0].starts_with(&format!("error: invalid value '{bad}' for '--port")),
            "{}",
            transcript(&output)
        );
    }
}
