//! `RUST_LOG`, as the README documents it: three targets, `root` (the chat's records),
//! `threading` (Python's tracebacks) and `netlab` (netlab's own explanations). Each
//! README example runs here against the binary, and each kind of line is looked for in
//! what it prints: a chat record and a chat error (stage 7), a traceback (stage 1), and
//! netlab's explanations (both).

use crate::common;

use common::process::{Netlab, Stream};
use netlab::scenario::{End, TestClient};
use nix::sys::signal::Signal;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(10);

/// What one run printed on stderr, by kind.
#[derive(Debug, PartialEq, Eq)]
struct Shown {
    /// `... root 202612/04 ... hello`: an info record of the chat.
    records: bool,
    /// `... root 'utf-8' codec can't decode ...`: stage 7's `logging.error`.
    errors: bool,
    /// `Exception in thread ...`: a thread killed by an exception.
    tracebacks: bool,
    /// `netlab: ...`
    netlab: bool,
}

fn env(rust_log: Option<&str>) -> Vec<(&str, &str)> {
    rust_log.map(|v| vec![("RUST_LOG", v)]).unwrap_or_default()
}

/// Stage 7: A says hello (a record), then sends invalid UTF-8 (an error record, then
/// `quits` and A's connection ends); SIGTERM then takes the quit path (netlab's lines).
/// Stage 1: a client resets, the script dies (a traceback and netlab's exit line).
fn run(rust_log: Option<&str>) -> Shown {
    let env = env(rust_log);
    let mut chat = Netlab::start_with(
        &["stage", "7", "--port", "0", "--grace", "0.5"],
        &env,
        Stream::Collected,
        Stream::Collected,
    );
    let port = chat.port();
    let mut a = TestClient::connect("A", ([127, 0, 0, 1], port).into()).unwrap();
    a.send(b"hello\n").unwrap();
    assert!(a.wait_for_text(b"\nhello\n\n", WAIT), "{}", chat.all());
    a.send(b"\xff\xfe\n").unwrap();
    // Stage 7 logs the error and then `quits` before it closes A: once A sees the end,
    // both records have been written.
    assert_eq!(a.wait_end(WAIT), Some(End::Eof), "{}", chat.all());
    a.close();
    chat.signal(Signal::SIGTERM);
    assert_eq!(chat.expect_exit(WAIT).code(), Some(0), "{}", chat.all());
    let chat_err = chat.stderr();

    let (mut script, port) = {
        let p = Netlab::start_with(
            &["stage", "1", "--port", "0"],
            &env,
            Stream::Collected,
            Stream::Collected,
        );
        let port = p.port();
        (p, port)
    };
    let mut b = TestClient::connect("B", ([127, 0, 0, 1], port).into()).unwrap();
    b.reset().unwrap();
    assert_eq!(script.expect_exit(WAIT).code(), Some(1), "{}", script.all());
    let script_err = script.stderr();

    let all = format!("{chat_err}{script_err}");
    assert!(!all.contains("panicked"), "{all}");
    Shown {
        records: chat_err.contains(" root ") && chat_err.contains("\nhello\n"),
        errors: chat_err.contains(" root 'utf-8' codec can't decode byte 0xff"),
        tracebacks: script_err.contains("Exception in thread MainThread:")
            && script_err.contains("ConnectionResetError: [Errno 104]"),
        netlab: chat_err.contains("netlab: SIGTERM: stopping as if `quit` had been typed")
            && script_err.contains("netlab: the script ended with an exception"),
    }
}

fn shown(records: bool, errors: bool, tracebacks: bool, netlab: bool) -> Shown {
    Shown {
        records,
        errors,
        tracebacks,
        netlab,
    }
}

/// No RUST_LOG: everything shows.
#[test]
fn unset_shows_everything() {
    assert_eq!(run(None), shown(true, true, true, true));
}

/// `RUST_LOG=root=off` (the README's example) hides the chat records only.
#[test]
fn root_off_hides_the_chat_records_only() {
    assert_eq!(run(Some("root=off")), shown(false, false, true, true));
}

/// `RUST_LOG=off` does the same: netlab's lines and the tracebacks have their own targets.
#[test]
fn off_hides_the_chat_records_only() {
    assert_eq!(run(Some("off")), shown(false, false, true, true));
}

/// `RUST_LOG=warn` keeps the chat's errors and netlab's explanations.
#[test]
fn warn_keeps_errors_and_explanations() {
    assert_eq!(run(Some("warn")), shown(false, true, true, true));
}

/// `RUST_LOG=netlab=off` hides netlab's explanations only.
#[test]
fn netlab_off_hides_the_explanations_only() {
    assert_eq!(run(Some("netlab=off")), shown(true, true, true, false));
}

/// `RUST_LOG=threading=off` hides the tracebacks only.
#[test]
fn threading_off_hides_the_tracebacks_only() {
    assert_eq!(run(Some("threading=off")), shown(true, true, false, true));
}
