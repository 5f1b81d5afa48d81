//! The load generator: a class of clients on one event loop, and what they measure.
//!
//! One thread drives every client through `mio` (epoll underneath): a thread per client
//! would spend the two cores of a classroom machine switching between hundreds of
//! threads, and the bench would measure itself. Each client reads whatever the kernel
//! holds for it into one large buffer (256 KiB), so that a read system call carries
//! thousands of deliveries, and checks each delivered body on the spot (`body.rs`).
//!
//! A run has two phases:
//!
//! 1. **Registration.** Every client connects (one after the other: the notes' servers
//!    `listen(5)`), then sends a sync line. A client is in the server's dict once its
//!    line reaches the others, so registration is over when every client has seen every
//!    client's sync line; while some are missing, every client sends its line again,
//!    once a second. Nothing is measured yet, so no message is lost because the server
//!    had not registered its receiver. A server that never gets there is reported after
//!    `register` seconds.
//! 2. **The measured phase.** The senders send their messages, paced in one of two ways:
//!    closed loop (`--window W`: a sender is at most W messages ahead of the highest of
//!    its own it has received back; a lost message does not stall it as long as a later
//!    one comes back) or open loop (`--rate R`: each sender sends R messages a second
//!    whatever comes back, each stamped with the time it was due, so that a server that
//!    falls behind shows in the latency rather than slowing the senders down). It ends
//!    when every message has reached every reading client, when nothing has been sent or
//!    delivered for `idle` seconds, when every client's connection has closed, or at the
//!    `deadline`.
//!
//! The bench's own sockets set `TCP_NODELAY`: the bench adds no Nagle delay of its own,
//! so the 40 ms a server's small writes may wait (docs/en/bench.md) are the server's.
//! Slow readers (`--slow-readers K`) are K of the clients: they take part in
//! registration, then send nothing and read nothing (or `--slow-read-bps` bytes a second,
//! thrown away); the deliveries counted are those to the other clients.

use super::body::{self, Stamp};
use hdrhistogram::Histogram;
use mio::net::TcpStream;
use mio::{Events, Interest, Poll, Token};
use std::io::{self, Read, Write};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// How many bytes one read may take: large, so that a system call carries many messages.
const READ_BUFFER: usize = 256 * 1024;

/// The longest line the bench keeps whole: the largest body, with room for a header.
const MAX_LINE: usize = (1 << 20) + 4096;

/// How often, during registration, the clients send their sync lines again while some
/// are missing.
const SYNC_AGAIN: Duration = Duration::from_secs(1);

/// How often the progress callback runs, and slow readers read their share.
const TICK: Duration = Duration::from_millis(100);

/// How the senders pace themselves.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Pace {
    /// Closed loop: at most this many messages ahead of the highest of its own received.
    Window(u32),
    /// Open loop: this many messages a second per sender.
    Rate(f64),
}

/// How long each part of a run may take.
#[derive(Clone, Copy, Debug)]
pub(crate) struct LoadLimits {
    /// One client's connect.
    pub(crate) connect: Duration,
    /// The whole registration.
    pub(crate) register: Duration,
    /// The measured phase without a message sent or delivered.
    pub(crate) idle: Duration,
    /// The whole measured phase.
    pub(crate) deadline: Duration,
}

/// What the clients do.
#[derive(Clone, Debug)]
pub(crate) struct Load {
    /// The class: senders and slow readers together.
    pub(crate) clients: usize,
    /// Messages each sender sends in the measured phase.
    pub(crate) messages: u32,
    /// Bytes of each message's body, its `\n` not counted.
    pub(crate) size: usize,
    pub(crate) pace: Pace,
    /// How many of the clients read nothing in the measured phase, and send nothing.
    pub(crate) slow_readers: usize,
    /// If set, the slow readers read this many bytes a second (thrown away).
    pub(crate) slow_read_bps: Option<u64>,
    pub(crate) limits: LoadLimits,
}

impl Load {
    /// The clients that send, and whose deliveries count.
    pub(crate) fn senders(&self) -> usize {
        self.clients - self.slow_readers
    }

    /// Every delivery a server that keeps up makes: each message to each reading client.
    pub(crate) fn expected(&self) -> u64 {
        let readers = self.senders() as u64;
        readers * readers * u64::from(self.messages)
    }
}

/// Why the measured phase ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Ended {
    /// Every message reached every reading client.
    Complete,
    /// Nothing was sent or delivered for the idle time.
    Idle,
    /// The deadline passed.
    Deadline,
    /// The server closed (or reset) every reading client's connection.
    Closed,
}

impl Ended {
    /// How the table and the progress lines say it, in the language in force (the JSON
    /// keeps the variant's name).
    pub(crate) fn describe(self) -> String {
        match self {
            Ended::Complete => crate::tr!("bench-ended-complete"),
            Ended::Idle => crate::tr!("bench-ended-idle"),
            Ended::Deadline => crate::tr!("bench-ended-deadline"),
            Ended::Closed => crate::tr!("bench-ended-closed"),
        }
    }
}

/// What one measured phase saw.
#[derive(Clone, Debug)]
pub(crate) struct Measured {
    /// Deliveries a server that keeps up makes.
    pub(crate) expected: u64,
    /// Intact bodies received, each (sender, number, receiver) counted once.
    pub(crate) delivered: u64,
    /// Intact bodies received a second time (or more) by the same client.
    pub(crate) duplicated: u64,
    /// Intact bodies that came after a later one from the same sender.
    pub(crate) out_of_order: u64,
    /// Lines that were neither a header, an intact body, a sync line nor empty: bodies
    /// the server cut, joined or changed.
    pub(crate) garbled: u64,
    /// Messages the senders sent.
    pub(crate) sent: u64,
    /// From the start of the measured phase to the last delivery.
    pub(crate) elapsed: Duration,
    /// Latency of every delivery, send to receipt, in microseconds.
    pub(crate) latency: Histogram<u64>,
    /// CPU time the bench's process spent in the measured phase, user and system, every
    /// thread (the event loop, and the threads that drain the server's output).
    pub(crate) bench_cpu_seconds: f64,
    /// The measured phase, as the wall clock saw it (to its end, not its last delivery).
    pub(crate) wall: Duration,
    pub(crate) ended: Ended,
    /// Reading clients whose connection the server closed or reset.
    pub(crate) closed: usize,
    /// Slow readers whose connection the server closed or reset (a server that
    /// disconnects a client that does not read), seen once the measured phase is over.
    pub(crate) slow_cut: usize,
}

impl Measured {
    /// Deliveries a server that keeps up would have made that did not arrive intact.
    pub(crate) fn lost(&self) -> u64 {
        self.expected.saturating_sub(self.delivered)
    }

    /// Intact deliveries per second.
    pub(crate) fn per_second(&self) -> f64 {
        let s = self.elapsed.as_secs_f64();
        if s > 0.0 {
            self.delivered as f64 / s
        } else {
            0.0
        }
    }
}

/// Why no measurement was made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum LoadFailure {
    /// A client could not connect.
    Connect { client: usize, why: String },
    /// Registration did not finish in time: `complete` clients had seen every client's
    /// sync line, of `clients`.
    Unregistered {
        complete: usize,
        clients: usize,
        waited: Duration,
    },
    /// The event loop itself failed.
    Io(String),
}

impl std::fmt::Display for LoadFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadFailure::Connect { client, why } => f.write_str(&crate::tr!(
                "bench-fail-connect",
                client = *client,
                why = why.as_str()
            )),
            LoadFailure::Unregistered {
                complete,
                clients,
                waited,
            } => f.write_str(&crate::tr!(
                "bench-fail-unregistered",
                seconds = format!("{:.1}", waited.as_secs_f64()),
                complete = *complete,
                clients = *clients
            )),
            LoadFailure::Io(why) => f.write_str(&crate::tr!("bench-fail-io", why = why.as_str())),
        }
    }
}

/// What the caller hears of a run as it goes.
pub(crate) trait Watch {
    /// Registration is over: the measured phase starts now.
    fn started(&mut self) {}
    /// About ten times a second in the measured phase: deliveries so far, and expected.
    fn progress(&mut self, _delivered: u64, _expected: u64) {}
    /// The measured phase is over; no client has closed yet.
    fn ended(&mut self) {}
}

impl Watch for () {}

/// One client of the class.
struct Client {
    stream: TcpStream,
    /// Reads nothing in the measured phase (or `--slow-read-bps`), sends nothing.
    slow: bool,
    /// Messages queued so far.
    sent: u32,
    /// Bytes queued but not yet taken by the kernel, from `written` on.
    out: Vec<u8>,
    written: usize,
    /// Open loop: when the next message is due.
    due: Instant,
    /// The start of a line that the last read cut off.
    carry: Vec<u8>,
    /// What this client has received from each sender.
    seen: Vec<SenderOrder>,
    /// Registration: which clients' sync lines this client has seen.
    synced: Vec<bool>,
    /// How many of them.
    synced_count: usize,
    /// The server closed or reset the connection.
    closed: bool,
}

/// What one client has received from one sender.
#[derive(Clone, Default)]
struct SenderOrder {
    /// Every number below it has been received (while `bits` is empty).
    next: u32,
    /// The highest number received, plus one.
    high: u32,
    /// Once a number came out of sequence: one bit per number, set once received.
    bits: Vec<u64>,
}

/// What a received number was.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Receipt {
    InOrder,
    /// New, but after a later one.
    Late,
    Duplicate,
}

impl SenderOrder {
    fn record(&mut self, seq: u32, messages: u32) -> Receipt {
        if self.bits.is_empty() {
            if seq == self.next {
                self.next += 1;
                self.high = self.next;
                return Receipt::InOrder;
            }
            if seq < self.next {
                return Receipt::Duplicate;
            }
            // The first gap: from now on, keep a bit per number.
            self.bits = vec![0; (messages as usize).div_ceil(64)];
            for s in 0..self.next {
                self.bits[s as usize / 64] |= 1 << (s % 64);
            }
        }
        let (word, bit) = (seq as usize / 64, 1u64 << (seq % 64));
        if self.bits[word] & bit != 0 {
            return Receipt::Duplicate;
        }
        self.bits[word] |= bit;
        let late = seq < self.high;
        self.high = self.high.max(seq + 1);
        if late {
            Receipt::Late
        } else {
            Receipt::InOrder
        }
    }
}

/// What the reading clients have counted so far.
struct Tally {
    delivered: u64,
    duplicated: u64,
    out_of_order: u64,
    garbled: u64,
    latency: Histogram<u64>,
    last_delivery: Instant,
}

/// Runs `load` against the server at `addr`.
pub(crate) fn run(
    addr: SocketAddr,
    load: &Load,
    watch: &mut dyn Watch,
) -> Result<Measured, LoadFailure> {
    assert!(load.clients >= 1 && load.clients <= body::MAX_CLIENTS);
    assert!(load.slow_readers < load.clients && load.size >= body::MIN_SIZE);
    let io = |e: io::Error| LoadFailure::Io(e.to_string());
    let mut poll = Poll::new().map_err(io)?;
    let epoch = Instant::now();
    let mut clients = connect(addr, load, &poll)?;
    settle(addr, 0, load.limits.connect);
    std::thread::sleep(SETTLE);

    let mut buffer = vec![0u8; READ_BUFFER];
    let mut events = Events::with_capacity(1024);
    register(&mut poll, &mut events, &mut clients, &mut buffer, load)?;

    // The measured phase.
    let senders = load.senders();
    let mut tally = Tally {
        delivered: 0,
        duplicated: 0,
        out_of_order: 0,
        garbled: 0,
        latency: Histogram::new_with_bounds(1, 600_000_000, 3).expect("valid bounds"),
        last_delivery: Instant::now(),
    };
    watch.started();
    let cpu_before = own_cpu_seconds();
    let start = Instant::now();
    tally.last_delivery = start;
    let expected = load.expected();
    let interval = match load.pace {
        Pace::Rate(r) => Duration::from_secs_f64(1.0 / r),
        Pace::Window(_) => Duration::ZERO,
    };
    for (i, c) in clients.iter_mut().enumerate() {
        // Open loop: the senders' first messages are spread over one interval, not sent
        // all at once.
        c.due = start + interval.mul_f64(i as f64 / senders as f64);
        c.seen = vec![SenderOrder::default(); senders];
    }
    let mut last_progress = start;
    let mut last_activity = start;
    let mut sent_total: u64 = 0;
    let mut slow_budget_at = start;
    let ended = loop {
        // Senders queue what their pace allows, and write it.
        let now = Instant::now();
        for (i, c) in clients.iter_mut().enumerate().take(senders) {
            let before = c.sent;
            match load.pace {
                Pace::Window(w) => {
                    let own_high = c.seen[i].high;
                    while c.sent < load.messages && c.sent < own_high.saturating_add(w) {
                        queue(c, i, load.size, epoch, Instant::now());
                    }
                }
                Pace::Rate(_) => {
                    while c.sent < load.messages && c.due <= now {
                        let due = c.due;
                        queue(c, i, load.size, epoch, due);
                        c.due += interval;
                    }
                }
            }
            if c.sent != before {
                sent_total += u64::from(c.sent - before);
                last_activity = now;
                flush(c);
            }
        }

        let now = Instant::now();
        if tally.delivered >= expected {
            break Ended::Complete;
        }
        if now.duration_since(start) >= load.limits.deadline {
            break Ended::Deadline;
        }
        if now.duration_since(last_activity.max(tally.last_delivery)) >= load.limits.idle {
            break Ended::Idle;
        }
        if clients[..senders].iter().all(|c| c.closed) {
            break Ended::Closed;
        }
        if now.duration_since(last_progress) >= TICK {
            watch.progress(tally.delivered, expected);
            last_progress = now;
        }
        if let Some(bps) = load.slow_read_bps {
            if now.duration_since(slow_budget_at) >= TICK {
                let share =
                    (bps as f64 * now.duration_since(slow_budget_at).as_secs_f64()) as usize;
                slow_budget_at = now;
                for c in clients.iter_mut().filter(|c| c.slow && !c.closed) {
                    drain(c, &mut buffer, share.max(1));
                }
            }
        }

        let mut timeout = TICK;
        if let Pace::Rate(_) = load.pace {
            if let Some(due) = clients[..senders]
                .iter()
                .filter(|c| c.sent < load.messages)
                .map(|c| c.due)
                .min()
            {
                timeout = timeout.min(due.saturating_duration_since(now));
            }
        }
        if let Err(e) = poll.poll(&mut events, Some(timeout)) {
            if e.kind() != io::ErrorKind::Interrupted {
                return Err(io(e));
            }
        }
        for event in events.iter() {
            let i = event.token().0;
            let c = &mut clients[i];
            if event.is_writable() {
                flush(c);
            }
            if c.slow || !(event.is_readable() || event.is_read_closed() || event.is_error()) {
                continue;
            }
            let before = tally.delivered;
            receive(c, &mut buffer, load, &mut tally, epoch);
            if tally.delivered != before {
                tally.last_delivery = Instant::now();
            }
        }
    };
    let wall = start.elapsed();
    let bench_cpu_seconds = own_cpu_seconds() - cpu_before;
    watch.progress(tally.delivered, expected);
    watch.ended();
    let closed = clients[..senders].iter().filter(|c| c.closed).count();
    let mut slow_cut = 0;
    for c in &mut clients[senders..] {
        slow_cut += usize::from(cut_off(c, &mut buffer));
    }
    // The clients close here (dropped), before the caller stops the server, so that the
    // TIME-WAIT their connections leave falls on the bench's side, not on the server's port.
    drop(clients);
    Ok(Measured {
        expected,
        delivered: tally.delivered,
        duplicated: tally.duplicated,
        out_of_order: tally.out_of_order,
        garbled: tally.garbled,
        sent: sent_total,
        elapsed: tally.last_delivery.duration_since(start),
        latency: tally.latency,
        bench_cpu_seconds,
        wall,
        ended,
        closed,
        slow_cut,
    })
}

/// Whether the server closed (or reset) a slow reader's connection: reads what it holds,
/// thrown away, until its end, for at most 64 MiB and one second (a server that still
/// sends to it has not cut it off).
fn cut_off(c: &mut Client, buffer: &mut [u8]) -> bool {
    let deadline = Instant::now() + Duration::from_secs(1);
    let mut read = 0usize;
    while read < 64 << 20 && Instant::now() < deadline {
        match c.stream.read(buffer) {
            Ok(0) => return true,
            Ok(n) => read += n,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return false,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return true, // reset
        }
    }
    false
}

/// Connects the class, one client after the other.
fn connect(addr: SocketAddr, load: &Load, poll: &Poll) -> Result<Vec<Client>, LoadFailure> {
    let mut clients = Vec::with_capacity(load.clients);
    for i in 0..load.clients {
        let failed = |e: io::Error| LoadFailure::Connect {
            client: i,
            why: e.to_string(),
        };
        // A blocking connect, bounded: a server whose accept queue is full (the notes'
        // `listen(5)`) makes the kernel resend the SYN a second later.
        let std_stream =
            std::net::TcpStream::connect_timeout(&addr, load.limits.connect).map_err(failed)?;
        std_stream.set_nodelay(true).map_err(failed)?;
        std_stream.set_nonblocking(true).map_err(failed)?;
        // Keep the server's accept queue short (see `settle`).
        if i % 2 == 1 {
            settle(addr, 2, load.limits.connect);
        }
        let mut stream = TcpStream::from_std(std_stream);
        poll.registry()
            .register(
                &mut stream,
                Token(i),
                Interest::READABLE | Interest::WRITABLE,
            )
            .map_err(failed)?;
        clients.push(Client {
            stream,
            slow: i >= load.senders(),
            sent: 0,
            out: Vec::new(),
            written: 0,
            due: Instant::now(),
            carry: Vec::new(),
            seen: Vec::new(),
            synced: vec![false; load.clients],
            synced_count: 0,
            closed: false,
        });
    }
    Ok(clients)
}

/// How long the server's accept thread gets, once its accept queue is empty, to put the
/// last client in its dict and start that client's thread.
const SETTLE: Duration = Duration::from_millis(50);

/// Waits (at most `limit`) until at most `queued` connections wait in the kernel's
/// accept queue of the server's listener (`rx_queue` of a LISTEN socket in
/// `/proc/net/tcp`), or it cannot be read.
///
/// Two reasons to wait. The notes' servers `listen(5)`: once six connections wait for
/// `accept()`, the kernel drops the next SYN and the client waits a second for its
/// retransmission, so the bench connects no faster than the server accepts (200 clients
/// would otherwise take about 25 s). And stages 2-5 iterate the clients dict unlocked
/// while the accept thread adds to it: a sync line sent while clients are still arriving
/// would kill its sender's thread with the dict race (`netlab demo race`), and the bench
/// would measure the race, not the server.
fn settle(addr: SocketAddr, queued: u32, limit: Duration) {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        let waiting = crate::ports::sockets().ok().and_then(|sockets| {
            sockets
                .iter()
                .find(|s| s.state == crate::ports::State::Listen && s.local.port() == addr.port())
                .map(|s| s.rx_queue)
        });
        if waiting.unwrap_or(0) <= queued {
            return;
        }
        std::thread::sleep(Duration::from_micros(500));
    }
}

/// Registration: sync lines until every client has seen every client's, or the limit.
fn register(
    poll: &mut Poll,
    events: &mut Events,
    clients: &mut [Client],
    buffer: &mut Vec<u8>,
    load: &Load,
) -> Result<(), LoadFailure> {
    let n = clients.len();
    let start = Instant::now();
    let mut round: u16 = 0;
    let mut sent_at = start - SYNC_AGAIN;
    loop {
        let complete = clients.iter().filter(|c| c.synced_count == n).count();
        if complete == n {
            return Ok(());
        }
        let now = Instant::now();
        if now.duration_since(start) >= load.limits.register {
            return Err(LoadFailure::Unregistered {
                complete,
                clients: n,
                waited: now.duration_since(start),
            });
        }
        if now.duration_since(sent_at) >= SYNC_AGAIN {
            round = round.wrapping_add(1);
            sent_at = now;
            for (i, c) in clients.iter_mut().enumerate() {
                body::write_sync(&mut c.out, i as u16, round);
                flush(c);
            }
        }
        if let Err(e) = poll.poll(events, Some(TICK)) {
            if e.kind() != io::ErrorKind::Interrupted {
                return Err(LoadFailure::Io(e.to_string()));
            }
        }
        for event in events.iter() {
            let c = &mut clients[event.token().0];
            if event.is_writable() {
                flush(c);
            }
            let mut ignored = 0;
            read_lines(
                c,
                buffer,
                start,
                0,
                |c, line, _| {
                    if let Some(from) = body::check_sync(line) {
                        if let Some(seen) = c.synced.get_mut(usize::from(from)) {
                            if !*seen {
                                *seen = true;
                                c.synced_count += 1;
                            }
                        }
                    }
                    Line::Other
                },
                &mut ignored,
            );
        }
    }
}

/// Queues sender `i`'s next message, stamped `at`.
fn queue(c: &mut Client, i: usize, size: usize, epoch: Instant, at: Instant) {
    let stamp = Stamp {
        sender: i as u16,
        seq: c.sent,
        sent_ns: at.saturating_duration_since(epoch).as_nanos() as u64,
    };
    body::write(&mut c.out, size, stamp);
    c.sent += 1;
}

/// Writes what the client has queued, as far as the kernel takes it now.
fn flush(c: &mut Client) {
    while c.written < c.out.len() && !c.closed {
        match c.stream.write(&c.out[c.written..]) {
            Ok(0) => c.closed = true,
            Ok(n) => c.written += n,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => c.closed = true,
        }
    }
    c.out.clear();
    c.written = 0;
}

/// Reads everything the kernel holds for a reading client and counts what it contains.
fn receive(c: &mut Client, buffer: &mut Vec<u8>, load: &Load, tally: &mut Tally, epoch: Instant) {
    let size = load.size;
    let messages = load.messages;
    read_lines(
        c,
        buffer,
        epoch,
        size,
        |c, line, now_ns| {
            let stamp = match line[0] {
                b'#' => body::check(line, size),
                // What the server puts around a body (its header), a late sync line.
                b'0'..=b'9' if crate::wire::is_header_line(line) => return Line::Other,
                b'!' if body::check_sync(line).is_some() => return Line::Other,
                _ => None,
            };
            let Some(stamp) = stamp else {
                return Line::Garbled;
            };
            let sender = usize::from(stamp.sender);
            if sender >= c.seen.len() || stamp.seq >= messages {
                return Line::Garbled;
            }
            match c.seen[sender].record(stamp.seq, messages) {
                Receipt::Duplicate => tally.duplicated += 1,
                receipt => {
                    tally.delivered += 1;
                    if receipt == Receipt::Late {
                        tally.out_of_order += 1;
                    }
                    let micros = now_ns.saturating_sub(stamp.sent_ns) / 1000;
                    tally.latency.saturating_record(micros.max(1));
                }
            }
            Line::Body
        },
        &mut tally.garbled,
    );
}

/// What a line was, to [`read_lines`].
#[derive(Clone, Copy, PartialEq, Eq)]
enum Line {
    /// An intact body, counted.
    Body,
    /// A header or a sync line.
    Other,
    /// None of those.
    Garbled,
}

/// Reads until the kernel has nothing more for the client, calling `line` for each
/// complete line that is not empty (without its `\n`), with the time of the read in
/// nanoseconds since `epoch`; garbled lines are counted in `garbled`. The start of a
/// line cut off by the end of a read waits for the next read.
///
/// A line that starts with `#` and has a `\n` exactly `size` bytes on is offered to
/// `line` as a body before any search for its end; only if it is not one is the end
/// searched for (memchr). With stage 7's framing, that leaves one search per delivery,
/// for the header's end.
fn read_lines(
    c: &mut Client,
    buffer: &mut Vec<u8>,
    epoch: Instant,
    size: usize,
    mut line: impl FnMut(&mut Client, &[u8], u64) -> Line,
    garbled: &mut u64,
) {
    loop {
        let carried = c.carry.len();
        if buffer.len() < carried + READ_BUFFER {
            // A long line (`--size` up to 1 MiB) is carried whole until its end comes.
            buffer.resize(carried + READ_BUFFER, 0);
        }
        buffer[..carried].copy_from_slice(&c.carry);
        let n = match c.stream.read(&mut buffer[carried..]) {
            Ok(0) => {
                c.closed = true;
                return;
            }
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => {
                c.closed = true;
                return;
            }
        };
        // One clock reading per read: every delivery in it had arrived by then.
        let now_ns = epoch.elapsed().as_nanos() as u64;
        let data = &buffer[..carried + n];
        let mut at = 0;
        while at < data.len() {
            if data[at] == b'\n' {
                at += 1;
                continue;
            }
            let end = at + size;
            if data[at] == b'#'
                && data.get(end) == Some(&b'\n')
                && line(c, &data[at..end], now_ns) == Line::Body
            {
                at = end + 1;
                continue;
            }
            let Some(i) = memchr::memchr(b'\n', &data[at..]) else {
                break;
            };
            if line(c, &data[at..at + i], now_ns) == Line::Garbled {
                *garbled += 1;
            }
            at += i + 1;
        }
        c.carry.clear();
        if data.len() - at <= MAX_LINE {
            c.carry.extend_from_slice(&data[at..]);
        }
        // (A longer line is no message of the bench's: it is dropped, and what is left
        // of it counts as garbled.)
    }
}

/// A slow reader's share: reads up to `budget` bytes and throws them away.
fn drain(c: &mut Client, buffer: &mut [u8], budget: usize) {
    let mut left = budget;
    while left > 0 {
        let take = left.min(buffer.len());
        match c.stream.read(&mut buffer[..take]) {
            Ok(0) => {
                c.closed = true;
                return;
            }
            Ok(n) => left -= n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return,
        }
    }
}

/// CPU time this process has used, user and system, every thread, in seconds.
fn own_cpu_seconds() -> f64 {
    use nix::sys::resource::{getrusage, UsageWho};
    match getrusage(UsageWho::RUSAGE_SELF) {
        Ok(u) => {
            let t = |tv: nix::sys::time::TimeVal| tv.tv_sec() as f64 + tv.tv_usec() as f64 / 1e6;
            t(u.user_time()) + t(u.system_time())
        }
        Err(_) => 0.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufRead, BufReader};
    use std::net::{TcpListener, TcpStream as StdStream};
    use std::sync::{Arc, Mutex};

    /// What a test server does wrong, to every fifth message of each sender (numbers 2,
    /// 7, 12, 17, ...), or to everything.
    #[derive(Clone, Copy, PartialEq)]
    enum Fault {
        None,
        /// Broadcasts nothing for it.
        Drop,
        /// Broadcasts it twice.
        Duplicate,
        /// Changes one byte of its padding.
        Corrupt,
        /// Holds it back until the sender's next message has gone out.
        Swap,
        /// Never broadcasts anything, sync lines included.
        Silent,
    }

    /// A broadcast server with a thread per client (stage 2's design, line-framed as in
    /// stage 7), doing `fault`. Runs until the test process ends.
    fn server(fault: Fault) -> SocketAddr {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let clients: Arc<Mutex<Vec<StdStream>>> = Arc::default();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                clients.lock().unwrap().push(stream.try_clone().unwrap());
                let clients = clients.clone();
                std::thread::spawn(move || serve(stream, fault, &clients));
            }
        });
        addr
    }

    fn serve(stream: StdStream, fault: Fault, clients: &Mutex<Vec<StdStream>>) {
        let header = format!("202612/04 17:11:49 {}\n", stream.peer_addr().unwrap());
        let mut held: Option<Vec<u8>> = None;
        for line in BufReader::new(stream).split(b'\n') {
            let Ok(mut line) = line else { return };
            line.push(b'\n');
            let special = line[0] == b'#'
                && u32::from_str_radix(std::str::from_utf8(&line[5..13]).unwrap(), 16).unwrap() % 5
                    == 2;
            let mut out = vec![line.clone()];
            match fault {
                Fault::Silent => continue,
                Fault::Drop if special => out.clear(),
                Fault::Duplicate if special => out.push(line),
                Fault::Corrupt if special => out[0][30] = b'/',
                Fault::Swap if special => {
                    held = Some(line);
                    out.clear();
                }
                Fault::Swap => out.extend(held.take()),
                _ => {}
            }
            let mut all = clients.lock().unwrap();
            for l in out {
                let message = [header.as_bytes(), &l, b"\n"].concat();
                for c in all.iter_mut() {
                    let _ = c.write_all(&message);
                }
            }
        }
    }

    /// 3 clients, 20 messages each, 4 in flight.
    fn load() -> Load {
        Load {
            clients: 3,
            messages: 20,
            size: 64,
            pace: Pace::Window(4),
            slow_readers: 0,
            slow_read_bps: None,
            limits: LoadLimits {
                connect: Duration::from_secs(5),
                register: Duration::from_secs(3),
                idle: Duration::from_millis(300),
                deadline: Duration::from_secs(20),
            },
        }
    }

    fn measure(fault: Fault) -> Measured {
        run(server(fault), &load(), &mut ()).expect("measured")
    }

    /// 4 messages of 20 from each of 3 senders, to each of 3 readers.
    const SPECIAL: u64 = 4 * 3 * 3;

    /// A server that keeps up: every delivery counted once, nothing else.
    #[test]
    fn counts_every_delivery() {
        let m = measure(Fault::None);
        assert_eq!((m.expected, m.delivered, m.sent), (180, 180, 60));
        assert_eq!(
            (m.lost(), m.duplicated, m.out_of_order, m.garbled),
            (0, 0, 0, 0)
        );
        assert_eq!(m.ended, Ended::Complete);
        assert_eq!(m.latency.len(), 180);
        assert!(m.per_second() > 0.0);
    }

    /// Dropped messages are lost, and the run ends on the idle timeout.
    #[test]
    fn counts_what_is_lost() {
        let m = measure(Fault::Drop);
        assert_eq!((m.delivered, m.lost()), (180 - SPECIAL, SPECIAL));
        assert_eq!((m.duplicated, m.out_of_order, m.garbled), (0, 0, 0));
        assert_eq!(m.ended, Ended::Idle);
    }

    /// A message delivered twice counts once, and once as a duplicate.
    #[test]
    fn counts_duplicates() {
        let m = measure(Fault::Duplicate);
        assert_eq!((m.delivered, m.duplicated), (180, SPECIAL));
        assert_eq!((m.lost(), m.out_of_order, m.garbled), (0, 0, 0));
    }

    /// A changed body is garbled, and its message lost.
    #[test]
    fn counts_garbled_bodies() {
        let m = measure(Fault::Corrupt);
        assert_eq!((m.garbled, m.lost()), (SPECIAL, SPECIAL));
        assert_eq!((m.duplicated, m.out_of_order), (0, 0));
    }

    /// A message that comes after its sender's next one is out of order, not lost.
    #[test]
    fn counts_late_deliveries() {
        let m = measure(Fault::Swap);
        assert_eq!((m.delivered, m.out_of_order), (180, SPECIAL));
        assert_eq!((m.lost(), m.duplicated, m.garbled), (0, 0, 0));
        assert_eq!(m.ended, Ended::Complete);
    }

    /// A server that never broadcasts is reported once registration's limit has passed.
    #[test]
    fn a_silent_server_is_never_registered() {
        let started = Instant::now();
        match run(server(Fault::Silent), &load(), &mut ()) {
            Err(LoadFailure::Unregistered {
                complete: 0,
                clients: 3,
                ..
            }) => {}
            other => panic!("{other:?}"),
        }
        assert!(started.elapsed() < Duration::from_secs(10));
    }

    /// Open loop: the senders keep to their rate, and every delivery is still counted.
    #[test]
    fn open_loop_keeps_its_rate() {
        let load = Load {
            pace: Pace::Rate(200.0),
            ..load()
        };
        let m = run(server(Fault::None), &load, &mut ()).expect("measured");
        assert_eq!((m.delivered, m.ended), (180, Ended::Complete));
        // 20 messages at 200 a second: the last is due 95 ms after the first.
        assert!(m.wall >= Duration::from_millis(90), "{:?}", m.wall);
    }

    /// A slow reader takes part in registration, then neither sends nor counts.
    #[test]
    fn slow_readers_do_not_count() {
        let load = Load {
            slow_readers: 1,
            slow_read_bps: Some(1000),
            ..load()
        };
        let m = run(server(Fault::None), &load, &mut ()).expect("measured");
        assert_eq!((m.expected, m.delivered, m.sent), (80, 80, 40));
    }

    #[test]
    fn seen_tells_in_order_late_and_duplicate() {
        let mut seen = SenderOrder::default();
        assert_eq!(seen.record(0, 10), Receipt::InOrder);
        assert_eq!(seen.record(0, 10), Receipt::Duplicate);
        assert_eq!(seen.record(2, 10), Receipt::InOrder);
        assert_eq!(seen.record(1, 10), Receipt::Late);
        assert_eq!(seen.record(2, 10), Receipt::Duplicate);
        assert_eq!(seen.record(1, 10), Receipt::Duplicate);
        assert_eq!(seen.record(9, 10), Receipt::InOrder);
        assert_eq!(seen.record(3, 10), Receipt::Late);
    }
}
