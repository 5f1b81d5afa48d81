//! A reader that goes away: `netlab stages | head -1`, `netlab demo bind | true`. Every
//! command that prints must then stop quietly, exit status 0, as command-line tools do
//! (README, Decisions); a command that fails must still exit with its own status, even
//! when nobody reads its error. Each test gives netlab a stdout (or stderr) whose reading
//! end is closed before it starts, so every write fails with EPIPE.

use crate::common;

use common::process::{Netlab, Stream};
use netlab::scenario::TestClient;
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(30);

/// Runs `netlab args...` with its stdout closed; it must exit 0 without a word.
fn quiet_on_closed_stdout(args: &[&str]) {
    let mut p = Netlab::start_with(args, &[], Stream::Closed, Stream::Collected);
    let status = p.expect_exit(WAIT);
    let err = p.stderr();
    assert!(
        !err.contains("panicked"),
        "netlab {args:?} panicked:\n{err}"
    );
    assert_eq!(status.code(), Some(0), "netlab {args:?}:\n{err}");
    assert_eq!(err, "", "netlab {args:?} should stop quietly");
}

/// `netlab stages | true`
#[test]
fn stages_stops_quietly() {
    quiet_on_closed_stdout(&["stages"]);
}

/// `netlab explain 3 | true`, and a page that is not a stage's.
#[test]
fn explain_stops_quietly() {
    quiet_on_closed_stdout(&["explain", "3"]);
    quiet_on_closed_stdout(&["explain", "console"]);
}

/// `netlab explain | true`: the list of pages.
#[test]
fn explain_list_stops_quietly() {
    quiet_on_closed_stdout(&["explain"]);
}

/// `netlab source 3 | true`
#[test]
fn source_stops_quietly() {
    quiet_on_closed_stdout(&["source", "3"]);
}

/// `netlab ports | true` and `netlab ports --all | true`
#[test]
fn ports_stops_quietly() {
    quiet_on_closed_stdout(&["ports"]);
    quiet_on_closed_stdout(&["ports", "--all"]);
}

/// `netlab demo race --locked | true`: it stops at its first line instead of running
/// both variants for their full time (2 x 3 s here) with nobody reading.
#[test]
fn demo_race_stops_quietly() {
    let started = Instant::now();
    quiet_on_closed_stdout(&["demo", "race", "--locked", "--seconds", "3"]);
    assert!(
        started.elapsed() < Duration::from_millis(2500),
        "took {:?}",
        started.elapsed()
    );
    quiet_on_closed_stdout(&["demo", "race"]);
}

/// `netlab demo bind | head -4`
#[test]
fn demo_bind_stops_quietly() {
    quiet_on_closed_stdout(&["demo", "bind", "--clients", "2"]);
}

/// `netlab demo slow --stage 2 | true`
#[test]
fn demo_slow_stops_quietly() {
    quiet_on_closed_stdout(&["demo", "slow", "--stage", "2"]);
}

/// An error that nobody reads (stderr closed) keeps its exit status: 2 for a usage error
/// of netlab's own (`explain 12`), 1 for a server that cannot start; no panic (101).
#[test]
fn errors_keep_their_status_on_a_closed_stderr() {
    let mut p = Netlab::start_with(&["explain", "12"], &[], Stream::Collected, Stream::Closed);
    assert_eq!(p.expect_exit(WAIT).code(), Some(2), "{}", p.all());

    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let mut p = Netlab::start_with(
        &["stage", "7", "--port", &port],
        &[],
        Stream::Collected,
        Stream::Closed,
    );
    assert_eq!(p.expect_exit(WAIT).code(), Some(1), "{}", p.all());
}

/// `netlab ports --port P` with nothing on P says so on stderr; a closed stderr is no
/// reason to fail.
#[test]
fn ports_note_on_a_closed_stderr() {
    // A port nothing listens on: bound and closed again at once, never listening.
    let free = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = free.local_addr().unwrap().port().to_string();
    drop(free);
    let mut p = Netlab::start_with(
        &["ports", "--port", &port],
        &[],
        Stream::Collected,
        Stream::Closed,
    );
    assert_eq!(p.expect_exit(WAIT).code(), Some(0), "{}", p.all());
    assert!(p.stdout().starts_with("State"), "{}", p.all());
}

/// A stage server is not a command that prints: with its stdout closed (`netlab stage 6 |
/// head -1`), its print() lines go nowhere and the chat goes on, as before.
#[test]
fn a_stage_keeps_serving_with_stdout_closed() {
    let mut p = Netlab::start_with(
        &["stage", "6", "--port", "0", "--grace", "1"],
        &[],
        Stream::Closed,
        Stream::Collected,
    );
    let port = p.port();
    let a = TestClient::connect("A", ([127, 0, 0, 1], port).into()).unwrap();
    for line in ["hello", "still here"] {
        a.send(format!("{line}\n").as_bytes()).unwrap();
        assert!(
            a.wait_for_text(format!("\n{line}\n\n").as_bytes(), WAIT),
            "no echo of {line:?}:\n{}",
            p.all()
        );
    }
    assert!(
        p.wait_exit(Duration::from_millis(100)).is_none(),
        "{}",
        p.all()
    );
    a.send(b"quit\n").unwrap();
    p.type_line("quit");
    assert_eq!(p.expect_exit(WAIT).code(), Some(0), "{}", p.all());
    assert!(!p.stderr().contains("panicked"), "{}", p.all());
}

/// `netlab check 2 -- ... | true`: it stops at its first line, before it starts the
/// program it would grade (a program already started is stopped before the exit).
#[test]
fn check_stops_quietly_before_starting_the_program() {
    let dir = std::env::temp_dir().join(format!("netlab-closed-check-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let marker = dir.join("started");
    let script = format!("touch {}; exec sleep 60", marker.display());
    quiet_on_closed_stdout(&["check", "2", "--", "sh", "-c", &script]);
    let started = marker.exists();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        !started,
        "the program was started with nobody to read the grade"
    );
}
