//! Reliability tests of netlab's own servers, stages 8 (threads) and 9 (one evented
//! thread), run as a user runs them: `netlab stage 8 --port 0`, over real TCP on
//! 127.0.0.1. Each test runs on each of them (`stage8_...` and `stage9_...`).
//!
//! The issue's list: a line that is not UTF-8, a 10 MB line, a reset in the middle of a
//! line, a half-close, a client that never reads, 2,000 connect/close cycles, SIGINT under
//! load. The tests are generated for every stage of netlab's own design (lifecycle
//! `service` in `stages/curriculum.toml`): a new one gets them all. After each, the well-behaved clients have received exactly what they should,
//! byte for byte (nothing lost, nothing added), and the server's file descriptors
//! (`/proc/<pid>/fd`) and threads (`/proc/<pid>/task`) are back to what they were before.
//! Then stage 8's promises, checked on both: `quit`, Ctrl-C and SIGTERM end the program
//! within 1 s with clients connected, each client gets EOF, no thread is left; a restart
//! on the same port right after a run works (SO_REUSEADDR); past `--max-clients`, one
//! `server full` line and close; a line over `--max-line` gets one error line and is
//! disconnected; a reset removes the client and the chat goes on; a blank line is a
//! message.
//!
//! ```sh
//! cargo test --test robust            # all of them, about 5 s on two cores
//! cargo test --test robust stage9_    # one stage's
//! ```

#[path = "common/robust_support.rs"]
mod support;

use libtest_mimic::{Arguments, Trial};
use netlab::curriculum::{self, Kind};
use netlab::stage::Lifecycle;
use nix::sys::signal::Signal;
use std::io::Write;
use std::net::TcpStream;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::{
    bindable_without_reuseaddr, parse, tcp_wmem_max, time_wait_on, Chat, End, Msg, Peer, Server,
    LONG,
};

/// A test, run on stage N.
type Test = fn(u8);

/// Every test of this file, by name: each runs on every stage of netlab's own design
/// (those whose lifecycle is `service` in the curriculum), as `stage8_NAME`, `stage9_NAME`.
const TESTS: &[(&str, Test)] = &[
    (
        "invalid_utf8_removes_only_its_sender",
        invalid_utf8_removes_only_its_sender,
    ),
    (
        "ten_megabyte_line_gets_an_error_and_memory_stays_bounded",
        ten_megabyte_line_gets_an_error_and_memory_stays_bounded,
    ),
    (
        "reset_in_the_middle_of_a_line_removes_the_client",
        reset_in_the_middle_of_a_line_removes_the_client,
    ),
    (
        "half_close_delivers_the_last_lines_then_eof",
        half_close_delivers_the_last_lines_then_eof,
    ),
    (
        "never_reader_is_disconnected_and_holds_no_one_up",
        never_reader_is_disconnected_and_holds_no_one_up,
    ),
    (
        "two_thousand_connect_close_cycles_leak_nothing",
        two_thousand_connect_close_cycles_leak_nothing,
    ),
    (
        "sigint_under_load_ends_within_2s_and_every_client_is_closed",
        sigint_under_load_ends_within_2s_and_every_client_is_closed,
    ),
    (
        "quit_ends_within_1s_with_clients_connected",
        quit_ends_within_1s_with_clients_connected,
    ),
    (
        "ctrl_c_ends_within_1s_with_clients_connected",
        ctrl_c_ends_within_1s_with_clients_connected,
    ),
    (
        "sigterm_ends_within_1s_with_clients_connected",
        sigterm_ends_within_1s_with_clients_connected,
    ),
    (
        "restart_on_the_same_port_right_after_a_run_works",
        restart_on_the_same_port_right_after_a_run_works,
    ),
    (
        "past_max_clients_a_newcomer_gets_one_line_and_is_closed",
        past_max_clients_a_newcomer_gets_one_line_and_is_closed,
    ),
    (
        "line_over_max_line_gets_one_error_line_and_is_disconnected",
        line_over_max_line_gets_one_error_line_and_is_disconnected,
    ),
    ("blank_lines_are_messages", blank_lines_are_messages),
];

fn main() {
    let args = Arguments::from_args();
    let stages: Vec<u8> = curriculum::of_kind(Kind::Stage)
        .filter(|e| {
            e.server_program()
                .is_some_and(|p| p.lifecycle == Lifecycle::Service)
        })
        .map(|e| e.id.parse().expect("a stage's id is its number"))
        .collect();
    let mut trials = Vec::new();
    for &stage in &stages {
        for &(name, test) in TESTS {
            // A test fails by panicking, as a #[test] does; libtest-mimic reports it.
            trials.push(Trial::test(format!("stage{stage}_{name}"), move || {
                test(stage);
                Ok(())
            }));
        }
    }
    trials.push(Trial::test(
        "the_parser_reads_the_wire_as_the_stages_write_it",
        || {
            the_parser_reads_the_wire_as_the_stages_write_it();
            Ok(())
        },
    ));
    libtest_mimic::run(&args, trials).exit();
}

/// A server with two well-behaved clients in its chat, A and B.
fn chat_of_two(stage: u8, extra: &[&str]) -> (Server, Chat, Peer, Peer) {
    let server = Server::start(stage, extra);
    let mut chat = Chat::new(&server);
    let a = chat.join("A", &[]);
    let b = chat.join("B", &[&a]);
    (server, chat, a, b)
}

/// The connection ended (within [`LONG`]), as `what` says it must have.
fn assert_ended(peer: &Peer, server: &Server, what: &str) -> End {
    match peer.wait_end(LONG) {
        Some(end) => end,
        None => panic!(
            "{} ({}) is still connected {LONG:?} after {what}\n{}",
            peer.name,
            peer.local,
            server.last_words()
        ),
    }
}

// ------------------------------------------------------------------- the issue's list

/// A line that is not UTF-8 (a cut-off `é`) removes its sender, who gets EOF; the line
/// before it in the same packet is a message, the one after it is never read; the others
/// chat on, and the sender's socket and threads are gone.
fn invalid_utf8_removes_only_its_sender(stage: u8) {
    let (server, mut chat, a, b) = chat_of_two(stage, &[]);
    let before = server.baseline();
    let x = chat.join("X", &[&a, &b]);
    chat.send(
        &x,
        b"good line\ncaf\xc3(\nnever delivered\n",
        &[b"good line\n"],
    );
    assert_eq!(
        assert_ended(&x, &server, "a line that is not UTF-8"),
        End::Eof
    );
    chat.expect(&[&a, &b, &x]);
    server.assert_settles(before, "a line that is not UTF-8");
    chat.say(&a, b"after\n");
    chat.say(&b, b"me too\n");
    chat.expect(&[&a, &b]);
}

/// 10 MB without a newline, then the newline: the sender gets the one error line and is
/// disconnected long before the end; the server never holds the line (its peak RSS grows
/// by far less than 10 MB); the others chat on; nothing leaks.
fn ten_megabyte_line_gets_an_error_and_memory_stays_bounded(stage: u8) {
    const TEN_MB: usize = 10_000_000;
    let (server, mut chat, a, b) = chat_of_two(stage, &[]);
    let before = server.baseline();
    let hwm_before = server.status_kib("VmHWM");
    let x = Peer::connect("X", server.addr());
    let stream = x.stream();
    stream.set_write_timeout(Some(LONG)).unwrap();
    let sender = std::thread::spawn(move || {
        let chunk = vec![b'x'; 64 * 1024];
        let mut sent = 0;
        while sent < TEN_MB {
            let n = chunk.len().min(TEN_MB - sent);
            match (&*stream).write(&chunk[..n]) {
                Ok(n) => sent += n,
                Err(e) => return (sent, Some(e.to_string())),
            }
        }
        match (&*stream).write_all(b"\n") {
            Ok(()) => (sent + 1, None),
            Err(e) => (sent, Some(e.to_string())),
        }
    });
    let end = assert_ended(&x, &server, "a 10 MB line");
    let (sent, error) = sender.join().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&x.received()),
        "error: line longer than 65536 bytes; closing the connection\n",
        "X must get exactly one error line (then {end:?}, after sending {sent} bytes)"
    );
    server.assert_settles(before, "a 10 MB line");
    let hwm = server.status_kib("VmHWM");
    let rss = server.status_kib("VmRSS");
    eprintln!(
        "stage {stage}: 10 MB line: X sent {sent} bytes before {}, then saw {end:?}; \
         server VmHWM {hwm_before} kB before, {hwm} kB after, VmRSS {rss} kB",
        error.as_deref().unwrap_or("the end")
    );
    assert!(
        hwm < 100 * 1024,
        "stage {stage}: the server's peak RSS reached {hwm} kB, over 100 MiB"
    );
    // A server that buffered the line whole would have touched 10 MB more.
    assert!(
        hwm - hwm_before < 8 * 1024,
        "stage {stage}: the server's peak RSS grew by {} kB with a 10 MB line: it buffered it",
        hwm - hwm_before
    );
    chat.say(&a, b"after\n");
    chat.say(&b, b"me too\n");
    chat.expect(&[&a, &b]);
}

/// A client resets (RST) in the middle of a 30 KB line: it is removed, its half line is
/// never a message, the others chat on, a newcomer joins, nothing leaks.
fn reset_in_the_middle_of_a_line_removes_the_client(stage: u8) {
    let (server, mut chat, a, b) = chat_of_two(stage, &[]);
    let before = server.baseline();
    let mut x = chat.join("X", &[&a, &b]);
    x.send(&vec![b'y'; 30_000]).unwrap();
    x.send(b"and no end").unwrap();
    x.reset();
    server.assert_settles(before, "a reset in the middle of a line");
    chat.say(&a, b"after\n");
    chat.expect(&[&a, &b]);
    let c = chat.join("C", &[&a, &b]);
    chat.say(&c, b"from C\n");
    chat.expect(&[&a, &b, &c]);
}

/// A client sends a line and a last line without `\n`, then half-closes (FIN, still
/// reading): both lines are messages (the last one without a `\n` added, as `readline()`
/// gives it), the client receives them too, then EOF; nothing leaks.
fn half_close_delivers_the_last_lines_then_eof(stage: u8) {
    let (server, mut chat, a, b) = chat_of_two(stage, &[]);
    let before = server.baseline();
    let x = chat.join("X", &[&a, &b]);
    x.send(b"last words\nno newline at the end").unwrap();
    x.half_close();
    chat.expect_later(&x, &[b"last words\n", b"no newline at the end"]);
    chat.expect(&[&a, &b, &x]);
    assert_eq!(assert_ended(&x, &server, "its half-close"), End::Eof);
    server.assert_settles(before, "a half-close");
    chat.say(&a, b"after\n");
    chat.expect(&[&a, &b]);
}

/// With `--max-pending 1 MiB`: S joins, then never reads (its receive buffer is 4 KB)
/// while A floods 8 MB (more where the kernel's send buffers grow past 4 MiB). A and B
/// receive every message; S is disconnected by the server (its socket and threads go,
/// without S doing anything), and what reached S is exactly the beginning of what B got
/// from S's join on.
fn never_reader_is_disconnected_and_holds_no_one_up(stage: u8) {
    // More than the kernel can hold on its way to S (the server's send buffer grows up
    // to tcp_wmem's maximum) and than --max-pending, with megabytes to spare.
    let lines_count = (tcp_wmem_max() + (4 << 20)) / 1000;
    let (server, mut chat, a, b) = chat_of_two(stage, &["--max-pending", "1048576"]);
    let before = server.baseline();
    let mut s = Peer::connect_with("S", server.addr(), false, Some(4096));
    s.from = chat.log.len();
    chat.say(&s, b"S joins\n");
    chat.expect(&[&a, &b]);
    let lines: Vec<Vec<u8>> = (0..lines_count)
        .map(|i| format!("A{i:05} {}\n", "a".repeat(1000)).into_bytes())
        .collect();
    let flood: Vec<u8> = lines.concat();
    let stream = a.stream();
    let flooder = std::thread::spawn(move || (&*stream).write_all(&flood));
    let bodies: Vec<&[u8]> = lines.iter().map(Vec::as_slice).collect();
    chat.expect_later(&a, &bodies);
    let started = Instant::now();
    chat.expect(&[&a, &b]);
    let took = started.elapsed();
    flooder.join().unwrap().expect("A's flood is sent");
    server.assert_settles(before, "a client that never reads");
    assert!(
        server.wait_stderr("does not read:", Duration::from_secs(1)),
        "no `does not read` line\n{}",
        server.last_words()
    );
    let (got, end) = s.read_to_end(LONG);
    assert!(
        end.is_some(),
        "S read {} bytes and is still connected",
        got.len()
    );
    let b_data = b.received();
    let offset: usize = chat.log[b.from..s.from].iter().map(Msg::wire_len).sum();
    assert!(
        b_data[offset..].starts_with(&got),
        "the {} bytes S received are not the beginning of what B got from S's join on",
        got.len()
    );
    eprintln!(
        "stage {stage}: never-reader: A and B got {} bytes each in {took:?}; S got {} before \
         it was disconnected ({end:?})",
        b_data.len(),
        got.len()
    );
}

/// 2,000 clients connect and close at once, four at a time: afterwards the server has
/// the fds and threads it had before, and A and B chat as before.
fn two_thousand_connect_close_cycles_leak_nothing(stage: u8) {
    let (server, mut chat, a, b) = chat_of_two(stage, &[]);
    let before = server.baseline();
    let addr = server.addr();
    let started = Instant::now();
    let churners: Vec<_> = (0..4)
        .map(|_| {
            std::thread::spawn(move || {
                for _ in 0..500 {
                    let c = TcpStream::connect_timeout(&addr, Duration::from_secs(5))
                        .unwrap_or_else(|e| panic!("connect to {addr}: {e}"));
                    drop(c);
                }
            })
        })
        .collect();
    for c in churners {
        c.join().unwrap();
    }
    let took = started.elapsed();
    let after = server.assert_settles(before, "2,000 connect/close cycles");
    eprintln!(
        "stage {stage}: 2,000 connect/close cycles in {took:?}; {} fds, {} threads",
        after.fds, after.threads
    );
    chat.say(&a, b"after\n");
    chat.say(&b, b"me too\n");
    chat.expect(&[&a, &b]);
}

/// A, B and C each send numbered lines as fast as they can; SIGINT. The program ends
/// within 2 s with exit code 0 (Ctrl-C is `quit` in netlab's stages), having said every
/// thread ended; each client's connection is closed; what each received is whole
/// messages of the one order the server broadcast (a prefix of it: the rest was still in
/// flight), each sender's lines in order, none missing in between.
fn sigint_under_load_ends_within_2s_and_every_client_is_closed(stage: u8) {
    // At most this many lines each: a bound on what the clients keep if the server does
    // not stop; far more than it reads before the signal.
    const LINES: usize = 400_000;
    let mut server = Server::start(stage, &[]);
    let mut chat = Chat::new(&server);
    let a = chat.join("A", &[]);
    let b = chat.join("B", &[&a]);
    let c = chat.join("C", &[&a, &b]);
    let peers = [&a, &b, &c];
    let progress: Arc<[AtomicUsize; 3]> = Arc::new(Default::default());
    let senders: Vec<_> = peers
        .iter()
        .enumerate()
        .map(|(who, p)| {
            let (stream, name, progress) = (p.stream(), p.name.clone(), progress.clone());
            stream.set_write_timeout(Some(LONG)).unwrap();
            std::thread::spawn(move || {
                for batch in 0..LINES / 50 {
                    let lines: String = (batch * 50..batch * 50 + 50)
                        .map(|i| format!("{name} {i:06}\n"))
                        .collect();
                    if (&*stream).write_all(lines.as_bytes()).is_err() {
                        break;
                    }
                    progress[who].store(batch * 50 + 50, Ordering::SeqCst);
                }
            })
        })
        .collect();
    // Under load: each client has received at least 100 KB of the others' lines.
    for p in peers {
        let due: usize = chat.due(p).iter().map(Msg::wire_len).sum();
        assert!(
            p.wait_len(due + 100_000, LONG) >= due + 100_000,
            "{} received only {} bytes\n{}",
            p.name,
            p.received_len(),
            server.last_words()
        );
    }
    let sent_then: Vec<usize> = progress.iter().map(|n| n.load(Ordering::SeqCst)).collect();
    server.signal(Signal::SIGINT);
    let Some((status, took)) = server.wait_exit(Duration::from_secs(10)) else {
        panic!(
            "stage {stage} still runs 10 s after SIGINT under load\n{}",
            server.last_words()
        );
    };
    server.wait_stderr_closed(Duration::from_secs(2));
    for s in senders {
        s.join().unwrap();
    }
    eprintln!(
        "stage {stage}: SIGINT under load: exit {status} after {took:?}; the clients had \
         sent {sent_then:?} lines at the signal"
    );
    assert!(
        took <= Duration::from_secs(2),
        "stage {stage} took {took:?} to end after SIGINT under load\n{}",
        server.last_words()
    );
    assert_eq!(status.code(), Some(0), "{}", server.last_words());
    assert!(
        server.stderr().contains("every thread has ended"),
        "stage {stage} did not end all its threads\n{}",
        server.last_words()
    );
    // Each stream: its join messages exactly, then its share of the load. Each connection
    // has ended: EOF, or RST when the kernel closed a socket with that client's lines still
    // unread and the server's FIN still queued behind bytes the client had no room for
    // (what TCP does; with idle clients, EOF it must be: see `ends_within_1s`).
    let mut loads = Vec::new();
    let mut ends = Vec::new();
    for p in peers {
        let end = assert_ended(p, &server, "SIGINT");
        assert!(matches!(end, End::Eof | End::Reset), "{}: {end:?}", p.name);
        ends.push(end);
        let data = p.received();
        let joins: usize = chat.due(p).iter().map(Msg::wire_len).sum();
        let (msgs, _) = parse(&data[..joins]);
        assert_eq!(msgs, chat.due(p), "{}'s first messages", p.name);
        loads.push((p.name.clone(), data[joins..].to_vec()));
    }
    loads.sort_by_key(|(_, d)| d.len());
    let (longest_name, longest) = loads.last().unwrap();
    for (name, load) in &loads {
        assert!(
            longest.starts_with(load),
            "what {name} received ({} bytes) is not a prefix of what {longest_name} received \
             ({} bytes): the server broadcast in two orders",
            load.len(),
            longest.len()
        );
    }
    let (msgs, rest) = parse(longest);
    // After the whole messages, at most the beginning of one, cut short by the end.
    let ts = netlab::wire::TIMESTAMP_LEN;
    assert!(
        rest.len() < 64 && netlab::wire::timestamp_prefix(rest) == rest.len().min(ts),
        "after {} whole messages, {longest_name} received {} bytes that are not one: {:?}",
        msgs.len(),
        rest.len(),
        String::from_utf8_lossy(&rest[..rest.len().min(200)])
    );
    let mut next = [0usize; 3];
    for (i, m) in msgs.iter().enumerate() {
        let Some(who) = peers.iter().position(|p| m.from == p.local.to_string()) else {
            panic!("message {i} of the load is from {}, not A, B or C", m.from)
        };
        let want = format!("{} {:06}\n", peers[who].name, next[who]);
        if m.body != want.as_bytes() {
            // The last message may have been cut short by the end (its `\n` missing).
            assert!(
                i == msgs.len() - 1 && rest.is_empty() && want.as_bytes().starts_with(&m.body),
                "message {i} of the load: {m}, expected {want:?}: a line lost or out of order"
            );
            break;
        }
        next[who] += 1;
    }
    eprintln!(
        "stage {stage}: SIGINT under load: {} whole messages reached {longest_name} ({next:?} \
         of A, B, C), {} bytes of a cut one; the clients saw {ends:?}",
        msgs.len(),
        rest.len()
    );
}

// ------------------------------------------------------------- stage 8's promises

/// How a test stops the server.
#[derive(Clone, Copy, Debug)]
enum Stop {
    Quit,
    CtrlC,
    Term,
}

/// Three clients connected and idle; `how` stops the server: it exits within 1 s with
/// code 0, says every thread ended, and each client got exactly the chat, then EOF.
fn ends_within_1s(stage: u8, how: Stop) {
    let mut server = Server::start(stage, &[]);
    let mut chat = Chat::new(&server);
    let a = chat.join("A", &[]);
    let b = chat.join("B", &[&a]);
    let c = chat.join("C", &[&a, &b]);
    match how {
        Stop::Quit => server.type_line("quit"),
        Stop::CtrlC => server.signal(Signal::SIGINT),
        Stop::Term => server.signal(Signal::SIGTERM),
    }
    let Some((status, took)) = server.wait_exit(Duration::from_secs(10)) else {
        panic!(
            "stage {stage} still runs 10 s after {how:?}\n{}",
            server.last_words()
        );
    };
    server.wait_stderr_closed(Duration::from_secs(2));
    eprintln!("stage {stage}: {how:?} with 3 clients: exit {status} after {took:?}");
    assert!(
        took <= Duration::from_secs(1),
        "stage {stage} took {took:?} to end after {how:?}\n{}",
        server.last_words()
    );
    assert_eq!(status.code(), Some(0), "{}", server.last_words());
    assert!(
        server.stderr().contains("every thread has ended"),
        "stage {stage} did not end all its threads after {how:?}\n{}",
        server.last_words()
    );
    for p in [&a, &b, &c] {
        assert_eq!(
            p.wait_end(Duration::from_secs(1)),
            Some(End::Eof),
            "{} must see EOF",
            p.name
        );
    }
    chat.expect(&[&a, &b, &c]);
}

fn quit_ends_within_1s_with_clients_connected(stage: u8) {
    ends_within_1s(stage, Stop::Quit);
}

fn ctrl_c_ends_within_1s_with_clients_connected(stage: u8) {
    ends_within_1s(stage, Stop::CtrlC);
}

fn sigterm_ends_within_1s_with_clients_connected(stage: u8) {
    ends_within_1s(stage, Stop::Term);
}

/// A run with two clients ends with `quit`; the clients close once they see EOF, so
/// the server's side of each connection waits in TIME-WAIT on the port (checked, and
/// checked to stop a plain bind). A new run on that port starts at once and chats.
fn restart_on_the_same_port_right_after_a_run_works(stage: u8) {
    let (mut server, mut chat, mut a, mut b) = chat_of_two(stage, &[]);
    chat.say(&a, b"first run\n");
    chat.expect(&[&a, &b]);
    let port = server.port;
    server.type_line("quit");
    assert!(
        server.wait_exit(Duration::from_secs(10)).is_some(),
        "the first run did not end\n{}",
        server.last_words()
    );
    for p in [&mut a, &mut b] {
        assert_eq!(assert_ended(p, &server, "quit"), End::Eof);
        p.close();
    }
    let deadline = Instant::now() + Duration::from_secs(3);
    while time_wait_on(port) == 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    let waiting = time_wait_on(port);
    assert!(waiting > 0, "no connection in TIME-WAIT on port {port}");
    // Without SO_REUSEADDR, the port cannot be bound now: the restart below means something.
    assert!(
        !bindable_without_reuseaddr(port),
        "port {port} could be bound without SO_REUSEADDR: the restart would prove nothing"
    );
    let again = Server::start_on(stage, port, &[]).unwrap_or_else(|why| {
        panic!("the restart on port {port} ({waiting} connections in TIME-WAIT) failed: {why}")
    });
    eprintln!("stage {stage}: restarted on port {port} with {waiting} connections in TIME-WAIT");
    let mut chat = Chat::new(&again);
    let a = chat.join("A", &[]);
    let b = chat.join("B", &[&a]);
    chat.say(&b, b"second run\n");
    chat.expect(&[&a, &b]);
}

/// With `--max-clients 2` and A and B in the chat: C gets exactly one `server full` line,
/// then EOF, and leaves nothing behind; A and B chat on; once A has left, D gets in.
fn past_max_clients_a_newcomer_gets_one_line_and_is_closed(stage: u8) {
    let (server, mut chat, a, b) = chat_of_two(stage, &["--max-clients", "2"]);
    let before = server.baseline();
    let c = Peer::connect("C", server.addr());
    assert_eq!(assert_ended(&c, &server, "the server was full"), End::Eof);
    assert_eq!(
        String::from_utf8_lossy(&c.received()),
        "error: server full (2 clients); try again later\n"
    );
    server.assert_settles(before, "a newcomer past --max-clients");
    chat.say(&a, b"still here\n");
    chat.expect(&[&a, &b]);
    a.send(b"quit\n").unwrap();
    assert_eq!(assert_ended(&a, &server, "quit"), End::Eof);
    chat.expect(&[&a]);
    let d = chat.join("D", &[&b]);
    chat.say(&d, b"got in\n");
    chat.expect(&[&b, &d]);
}

/// With `--max-line 1000`: a line of exactly 1000 bytes is a message; one of 1001 gets
/// exactly one error line, then EOF; the others never see it, chat on, nothing leaks.
fn line_over_max_line_gets_one_error_line_and_is_disconnected(stage: u8) {
    let (server, mut chat, a, b) = chat_of_two(stage, &["--max-line", "1000"]);
    let before = server.baseline();
    let x = chat.join("X", &[&a, &b]);
    let mut fits = vec![b'f'; 1000];
    fits.push(b'\n');
    chat.say(&x, &fits);
    chat.expect(&[&a, &b, &x]);
    // The same line ending in `\r\n`, its `\n` in a later segment: still 1000 bytes.
    let mut crlf = vec![b'f'; 1000];
    crlf.push(b'\r');
    x.send(&crlf).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(100)); // two reads, not one
    chat.send(&x, b"\n", &[&fits]);
    chat.expect(&[&a, &b, &x]);
    let mut over = vec![b'o'; 1001];
    over.push(b'\n');
    x.send(&over).unwrap();
    assert_eq!(assert_ended(&x, &server, "a line too long"), End::Eof);
    chat.expect_then(
        &x,
        b"error: line longer than 1000 bytes; closing the connection\n",
    );
    server.assert_settles(before, "a line over --max-line");
    chat.say(&a, b"after\n");
    chat.expect(&[&a, &b]);
}

/// `\n` and `\r\n` alone are messages (an empty line, sent to everyone, sender
/// included), and their sender stays in the chat.
fn blank_lines_are_messages(stage: u8) {
    let (_server, mut chat, a, b) = chat_of_two(stage, &[]);
    chat.say(&a, b"\n");
    chat.send(&b, b"\r\n", &[b"\n"]);
    chat.expect(&[&a, &b]);
    chat.say(&a, b"still here\n");
    chat.say(&b, b"me too\n");
    chat.expect(&[&a, &b]);
}

/// The wire format the tests rely on, checked on a made-up stream.
fn the_parser_reads_the_wire_as_the_stages_write_it() {
    let data = b"202611/25 16:35:53 127.0.0.1:50844\nhello\n\n\
                 202611/25 16:35:53 127.0.0.1:50845\nlast\n\
                 202611/25 16:35:54 127.0.0.1:50844\n\n\n\
                 error: line longer";
    let (msgs, rest) = parse(data);
    let at = |p: u16| std::net::SocketAddr::from(([127, 0, 0, 1], p));
    assert_eq!(
        msgs,
        vec![
            Msg::new(at(50844), b"hello\n"),
            Msg::new(at(50845), b"last"),
            Msg::new(at(50844), b"\n"),
        ]
    );
    assert_eq!(rest, b"error: line longer");
    let lens: usize = msgs.iter().map(Msg::wire_len).sum();
    assert_eq!(lens, data.len() - rest.len());
}
