//! Two experiments that need many clients at once, used by the tests and the demos:
//! connect/quit churn next to a chatty client (the dict race of stages 4-5), and a client
//! that never reads next to a flood (the freeze of stages 6-7). Both are bounded in
//! connections and time, and stop by themselves.

use super::{ClientOptions, TestClient};
use crate::py::Record;
use crate::stage::Running;
use crate::tr;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How the churn runs.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ChurnOptions {
    /// Threads that connect, say `hi`, send `quit`, wait for the close, and start over.
    pub(crate) churners: usize,
    /// How long to churn at most.
    pub(crate) duration: Duration,
    /// With netlab's server: stop as soon as a thread dies of the dict race.
    pub(crate) stop_at_first_race: bool,
    /// The most connections to open in all.
    pub(crate) max_connections: usize,
}

impl Default for ChurnOptions {
    fn default() -> Self {
        ChurnOptions {
            churners: 6,
            duration: Duration::from_secs(3),
            stop_at_first_race: false,
            max_connections: 20_000,
        }
    }
}

/// What the churn did and what it saw.
#[derive(Clone, Debug, Default)]
pub(crate) struct ChurnReport {
    /// How long it ran.
    pub(crate) elapsed: Duration,
    /// Connections the churners opened.
    pub(crate) connections: usize,
    /// Lines the chatty client sent (one a millisecond).
    pub(crate) lines_sent: usize,
    /// Of those, how many came back to it (its own broadcasts).
    pub(crate) lines_echoed: usize,
    /// Server threads that died of `RuntimeError: dictionary changed size during iteration`
    /// (known only for netlab's server).
    pub(crate) races: usize,
    /// Server threads that died of anything (known only for netlab's server).
    pub(crate) deaths: usize,
}

pub(crate) const RACE: &str = "dictionary changed size during iteration";

/// How many of A's lines the slow-reader experiment sends ahead of what B has received.
const FLOOD_WINDOW: usize = 20;

/// How long a churner waits for the server to close its connection after `quit`.
const QUIT_ANSWERED: Duration = Duration::from_secs(2);

/// Runs the churn of python-originals §6: client A sends a line every millisecond while
/// `churners` threads connect, say `hi`, quit and close, over and over.
pub fn churn(
    addr: SocketAddr,
    server: Option<&Running>,
    options: ChurnOptions,
) -> std::io::Result<ChurnReport> {
    let started = Instant::now();
    let chatty = TestClient::connect("A", addr)?;
    if !chatty.announce(&chatty, Duration::from_secs(5)) {
        return Err(not_registered("A"));
    }
    let stop_early =
        || options.stop_at_first_race && server.is_some_and(|s| count_deaths(s, Some(RACE)) > 0);
    let (sent, connections) = churn_around(addr, &chatty, options, stop_early);
    // Let the last echoes arrive: every line, if the server's thread for A is alive.
    let last = format!("spam {}\n", sent.saturating_sub(1)).into_bytes();
    chatty.wait_for_text(&last, Duration::from_secs(2));
    let echoed = spam_lines(&chatty.received(), chatty.local);
    Ok(ChurnReport {
        elapsed: started.elapsed(),
        connections,
        lines_sent: sent,
        lines_echoed: echoed,
        races: server.map_or(0, |s| count_deaths(s, Some(RACE))),
        deaths: server.map_or(0, |s| count_deaths(s, None)),
    })
}

/// The churn itself, around a connected `chatty` client: it sends `spam N` every
/// millisecond while `options.churners` threads connect, say `hi`, quit and close, until
/// `options.duration` has passed or `stop_early` says so. Returns the lines sent and the
/// connections opened.
pub(crate) fn churn_around(
    addr: SocketAddr,
    chatty: &TestClient,
    options: ChurnOptions,
    stop_early: impl Fn() -> bool,
) -> (usize, usize) {
    let deadline = Instant::now() + options.duration;
    let stop = Arc::new(AtomicBool::new(false));
    let connections = Arc::new(AtomicUsize::new(0));
    let churners: Vec<_> = (0..options.churners)
        .map(|i| {
            let (stop, connections) = (stop.clone(), connections.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::SeqCst)
                    && connections.fetch_add(1, Ordering::SeqCst) < options.max_connections
                {
                    let Ok(mut c) = TestClient::connect(&format!("churn{i}"), addr) else {
                        continue;
                    };
                    let short = Duration::from_millis(500);
                    let _ = c.send(b"hi\n");
                    c.wait_for_text(b"\nhi\n", short);
                    let _ = c.send(b"quit\n");
                    // Leave once the server has closed the connection (it has popped this
                    // client by then): a client that closes while still in the dict is
                    // another flaw (the leavers of stage 7), not the one a churn shows.
                    c.wait_end(QUIT_ANSWERED);
                    c.close();
                }
            })
        })
        .collect();
    let mut sent: usize = 0;
    while Instant::now() < deadline && !stop.load(Ordering::SeqCst) {
        if chatty.send(format!("spam {sent}\n").as_bytes()).is_err() {
            break;
        }
        sent += 1;
        if stop_early() {
            break;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    stop.store(true, Ordering::SeqCst);
    for c in churners {
        let _ = c.join();
    }
    let opened = connections
        .load(Ordering::SeqCst)
        .min(options.max_connections);
    (sent, opened)
}

/// How many `spam N` lines `data` holds in the messages from `from`: what a churn's
/// chatty client sent, as another client received it. The bodies are put back together
/// first, since a server that frames by `recv(1024)` may cut a line in two.
pub(crate) fn spam_lines(data: &[u8], from: SocketAddr) -> usize {
    count(&crate::wire::bodies_from(data, from), b"spam ")
}

/// `n` clients, a few at a time, each connect, send `hi` and close at once, without
/// waiting for anything: the leavers of stage 7's flaw (exercise 7.leaver), whose sockets a
/// broadcast can meet just after they closed. Returns how many connected.
pub(crate) fn leavers(addr: SocketAddr, n: usize) -> usize {
    leavers_until(addr, n, Instant::now() + Duration::from_secs(60))
}

/// [`leavers`], stopping at `deadline`: connects into a server whose backlog is full each
/// wait until it, not longer.
pub(crate) fn leavers_until(addr: SocketAddr, n: usize, deadline: Instant) -> usize {
    const AT_ONCE: usize = 4;
    let connected = Arc::new(AtomicUsize::new(0));
    let threads: Vec<_> = (0..AT_ONCE)
        .map(|t| {
            let connected = connected.clone();
            std::thread::spawn(move || {
                for i in (t..n).step_by(AT_ONCE) {
                    let left = deadline.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        return;
                    }
                    let options = super::ClientOptions::default();
                    let wait = left.min(Duration::from_secs(5));
                    if let Ok(mut c) =
                        TestClient::connect_within(&format!("leaver{i}"), addr, options, wait)
                    {
                        connected.fetch_add(1, Ordering::SeqCst);
                        let _ = c.send_within(b"hi\n", left);
                        c.close();
                    }
                }
            })
        })
        .collect();
    for t in threads {
        let _ = t.join();
    }
    connected.load(Ordering::SeqCst)
}

/// How many connections on the server's side of `port` wait in CLOSE-WAIT: their client
/// has closed, and the server never closed its socket.
pub(crate) fn close_wait_on(port: u16) -> usize {
    crate::sockdiag::tcp_sockets(&[crate::ports::State::CloseWait])
        .unwrap_or_default()
        .iter()
        .filter(|s| s.local.port() == port)
        .count()
}

fn not_registered(name: &str) -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::TimedOut,
        tr!("load-not-registered", name = name),
    )
}

/// Server threads that died, of an exception containing `what` if given.
fn count_deaths(server: &Running, what: Option<&str>) -> usize {
    server
        .interpreter()
        .records()
        .iter()
        .filter(|r| match r {
            Record::Ended {
                exception: Some(e), ..
            } => what.is_none_or(|w| e.message.contains(w)),
            _ => false,
        })
        .count()
}

fn count(data: &[u8], needle: &[u8]) -> usize {
    data.windows(needle.len()).filter(|w| *w == needle).count()
}

/// How the slow-reader experiment runs.
#[derive(Clone, Copy, Debug)]
pub(crate) struct SlowOptions {
    /// The length of each flood line, newline included.
    pub(crate) line_len: usize,
    /// The most bytes to flood.
    pub(crate) max_flood: usize,
    /// How long to flood at most.
    pub(crate) max_time: Duration,
    /// A send that cannot finish in this long means the server stopped reading the flooder.
    pub(crate) stall_after: Duration,
    /// How long to wait for an ordinary message to arrive.
    pub(crate) wait: Duration,
}

impl Default for SlowOptions {
    fn default() -> Self {
        SlowOptions {
            line_len: 10_000,
            max_flood: 32 << 20,
            max_time: Duration::from_secs(8),
            stall_after: Duration::from_millis(300),
            wait: Duration::from_secs(1),
        }
    }
}

/// What happened, with a timeline for people.
#[derive(Clone, Debug, Default)]
pub(crate) struct SlowReport {
    /// What happened when, from the start.
    pub(crate) timeline: Vec<(Duration, String)>,
    /// How many bytes the flooder got the server to take.
    pub(crate) flooded: usize,
    /// Whether the server stopped reading the flooder.
    pub(crate) flood_stalled: bool,
    /// Whether B's message, sent after the stall, reached B and D.
    pub(crate) message_delivered: bool,
    /// Whether a client connecting after the stall got its message to B and D.
    pub(crate) newcomer_served: bool,
    /// Whether the server had closed C's connection by the end (a server with a bound on
    /// what waits for a client, such as stage 8, disconnects a client that never reads).
    pub(crate) slow_one_dropped: bool,
    /// With netlab's server: its threads that were stuck at the end of the run (before the
    /// clients closed), and in what.
    pub(crate) stuck_threads: Vec<crate::py::ThreadInfo>,
}

impl SlowReport {
    fn note(&mut self, started: Instant, watch: &SlowWatch<'_>, what: String) {
        (watch.note)(started.elapsed(), &what);
        self.timeline.push((started.elapsed(), what));
    }
}

/// Who watches the slow-reader experiment as it runs (`netlab demo slow --view`).
pub(crate) struct SlowWatch<'a> {
    /// Called with each line of the timeline as it happens.
    pub(crate) note: &'a dyn Fn(Duration, &str),
    /// Called once the report is complete, while every client is still connected (the
    /// server still frozen, if it froze): the experiment ends when this returns.
    pub(crate) before_end: &'a dyn Fn(&SlowReport),
}

impl SlowWatch<'_> {
    /// Nobody watches: the report is all there is.
    const NONE: SlowWatch<'static> = SlowWatch {
        note: &|_, _| {},
        before_end: &|_| {},
    };
}

/// The slow reader of python-originals §4 and §9: A floods long lines, C never reads (small
/// receive buffer), B and D are ordinary clients. Once the server stops reading A, B
/// sends a message and a new client E connects and sends one: do they get through?
pub(crate) fn slow_reader(
    addr: SocketAddr,
    server: Option<&Running>,
    options: SlowOptions,
) -> std::io::Result<SlowReport> {
    slow_reader_watched(addr, server, options, &SlowWatch::NONE)
}

/// [`slow_reader`], with `watch` told of each step as it happens.
pub(crate) fn slow_reader_watched(
    addr: SocketAddr,
    server: Option<&Running>,
    options: SlowOptions,
    watch: &SlowWatch<'_>,
) -> std::io::Result<SlowReport> {
    let started = Instant::now();
    let mut report = SlowReport::default();
    let counting = ClientOptions {
        keep: false,
        ..ClientOptions::default()
    };
    // C joins last, so that every broadcast reaches A, B and D before it reaches C.
    let a = TestClient::connect_with("A", addr, counting)?;
    let b = TestClient::connect("B", addr)?;
    let d = TestClient::connect("D", addr)?;
    let c = TestClient::connect_with(
        "C",
        addr,
        ClientOptions {
            read: false,
            recv_buffer: Some(4096),
            keep: false,
        },
    )?;
    // D joins last of those who read: once its line comes back, A, B and D are all in the
    // dict; C's line reaching D says C is in it too.
    if !d.announce(&d, options.wait * 5) {
        return Err(not_registered("D"));
    }
    if !c.announce(&d, options.wait * 5) {
        return Err(not_registered("C"));
    }
    report.note(
        started,
        watch,
        tr!(
            "slow-connect",
            a = a.local.to_string(),
            b = b.local.to_string(),
            d = d.local.to_string(),
            c = c.local.to_string()
        ),
    );

    let mut line = vec![b'x'; options.line_len.max(2) - 1];
    line.push(b'\n');
    report.note(started, watch, tr!("slow-flood-starts", size = line.len()));
    let flood_end = started + options.max_time;
    // A keeps at most FLOOD_WINDOW lines ahead of what B has received, as a person waits to
    // see their lines come back: a server that serves its readers is never pushed harder
    // than they read, and one that stops serving them stalls the flood at once.
    let each = crate::wire::message_len(a.local, line.len());
    let b_start = b.received_count();
    let mut lines = 0;
    while report.flooded < options.max_flood && Instant::now() < flood_end {
        if lines >= FLOOD_WINDOW
            && !b.wait_for_bytes(b_start + (lines - FLOOD_WINDOW) * each, options.stall_after)
        {
            report.flood_stalled = true;
            break;
        }
        let n = a.send_within(&line, options.stall_after)?;
        report.flooded += n;
        if n < line.len() {
            report.flood_stalled = true;
            break;
        }
        lines += 1;
    }
    let mb = format!("{:.1}", report.flooded as f64 / 1e6);
    report.note(
        started,
        watch,
        if report.flood_stalled {
            tr!("slow-flood-stalled", mb = mb)
        } else {
            tr!("slow-flood-read", mb = mb)
        },
    );

    b.send(b"hello from B\n")?;
    report.note(started, watch, tr!("slow-b-sends"));
    report.message_delivered = [&b, &d]
        .iter()
        .all(|x| x.wait_for_text(b"\nhello from B\n", options.wait));
    report.note(
        started,
        watch,
        if report.message_delivered {
            tr!("slow-b-delivered")
        } else {
            tr!(
                "slow-b-lost",
                seconds = format!("{:.1}", options.wait.as_secs_f64())
            )
        },
    );

    // E cannot wait for its own line (the server may be frozen): it only arrives.
    let e = TestClient::connect("E", addr)?;
    e.send(b"hello from E\n")?;
    report.note(started, watch, tr!("slow-e-sends"));
    report.newcomer_served = [&b, &d]
        .iter()
        .all(|x| x.wait_for_text(b"\nhello from E\n", options.wait));
    report.note(
        started,
        watch,
        if report.newcomer_served {
            tr!("slow-e-served")
        } else {
            tr!(
                "slow-e-not-served",
                seconds = format!("{:.1}", options.wait.as_secs_f64())
            )
        },
    );
    // Idle threads wait in recv(), readline() or accept(); the others are what got stuck.
    if let Some(server) = server {
        report.stuck_threads = server
            .interpreter()
            .alive_threads()
            .into_iter()
            .filter(|t| t.blocked.as_ref().is_some_and(|b| !b.waits_for_input()))
            .collect();
    }
    report.slow_one_dropped = c.read_to_end(Duration::from_millis(200)).1.is_some();
    (watch.before_end)(&report);
    drop((a, b, c, d, e));
    Ok(report)
}

/// Experiment: churning connections next to a chatty client makes a server thread die of
/// the dict race within 15 s.
pub(crate) fn race_appears(server: &Running) -> Result<(), String> {
    let report = churn(
        server.local_addr(),
        Some(server),
        ChurnOptions {
            duration: Duration::from_secs(15),
            stop_at_first_race: true,
            ..ChurnOptions::default()
        },
    )
    .map_err(|e| format!("the churn could not run: {e}"))?;
    if report.races == 0 {
        return Err(format!(
            "no thread died of `{RACE}` in {:.1} s of churn: {report:?}",
            report.elapsed.as_secs_f64()
        ));
    }
    Ok(())
}

/// Experiment: 1.5 s of churn kills no thread, and the chatty client gets back every line
/// it sent (netlab does not lose lines, docs/en/cpython-quirks.md).
pub(crate) fn race_never_appears(server: &Running) -> Result<(), String> {
    let report = churn(
        server.local_addr(),
        Some(server),
        ChurnOptions {
            duration: Duration::from_millis(1500),
            ..ChurnOptions::default()
        },
    )
    .map_err(|e| format!("the churn could not run: {e}"))?;
    if report.races > 0 || report.deaths > 0 {
        return Err(format!("server threads died: {report:?}"));
    }
    if report.connections <= 10 {
        return Err(format!("the churn hardly ran: {report:?}"));
    }
    if report.lines_echoed != report.lines_sent {
        return Err(format!("lines were lost: {report:?}"));
    }
    Ok(())
}

/// Experiment: 200 clients that connect, say `hi` and close at once leave sockets in
/// CLOSE-WAIT in stage 7: a broadcast that writes to one that has just closed dies of
/// BrokenPipeError before its own thread closes its own client.
pub(crate) fn leavers_leave_sockets_behind(server: &Running) -> Result<(), String> {
    let connected = leavers(server.local_addr(), 200);
    // The server's threads get to run their course: every leaver's thread ends, one way
    // or the other.
    server.interpreter().wait_receiving(Duration::from_secs(10));
    let left = close_wait_on(server.local_addr().port());
    let broken = count_deaths(server, Some("Broken pipe"));
    if left == 0 || broken == 0 {
        return Err(format!(
            "{connected} leavers left {left} sockets in CLOSE-WAIT, with {broken} threads dead of \
             BrokenPipeError: the flaw did not show"
        ));
    }
    Ok(())
}

/// Experiment: a client that never reads stalls only the thread sending to it.
pub(crate) fn slow_reader_stalls_only_the_sender(server: &Running) -> Result<(), String> {
    slow_reader_verdict(server, false)
}

/// Experiment: a client that never reads freezes the whole server.
pub(crate) fn slow_reader_freezes_everyone(server: &Running) -> Result<(), String> {
    slow_reader_verdict(server, true)
}

fn slow_reader_verdict(server: &Running, freezes: bool) -> Result<(), String> {
    let report = slow_reader(server.local_addr(), Some(server), SlowOptions::default())
        .map_err(|e| format!("the experiment could not run: {e}"))?;
    let timeline: String = report
        .timeline
        .iter()
        .map(|(t, what)| format!("  +{:.2} s {what}\n", t.as_secs_f64()))
        .collect();
    if !report.flood_stalled {
        return Err(format!("the flood never stalled:\n{timeline}"));
    }
    if report.message_delivered == freezes {
        return Err(format!(
            "B's message was {}delivered:\n{timeline}",
            if freezes { "" } else { "not " }
        ));
    }
    if report.newcomer_served == freezes {
        return Err(format!(
            "the newcomer was {}served:\n{timeline}",
            if freezes { "" } else { "not " }
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_occurrences() {
        assert_eq!(count(b"spam 1\nspam 2\nx", b"spam "), 2);
    }
}
