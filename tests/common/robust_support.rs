//! What `tests/robust.rs` needs around netlab's own stages 8 and 9, run as a user runs
//! them (`netlab stage 8 --port 0`): the server process, killed with its process group
//! whatever happens ([`Server`]); what the kernel says of it (`/proc/<pid>/fd`,
//! `/proc/<pid>/task`, `/proc/<pid>/status`); clients that read on a thread of their own
//! ([`Peer`]); and the chat as the well-behaved clients must see it, byte for byte
//! ([`Chat`]).
//!
//! Every wait here waits for an event (a line, a byte count, an end, a count that
//! settles) and is bounded by a timeout: a broken server fails a test, it never hangs one.
#![allow(dead_code)]

use socket2::{Domain, SockAddr, SockRef, Socket, Type};
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::os::unix::process::CommandExt;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long a well-behaved client may wait for what it expects (generous: a busy machine
/// only makes the test slower, never wrong).
pub const LONG: Duration = Duration::from_secs(20);

/// How long the server's fd and thread counts get to come back to their baseline.
pub const SETTLE: Duration = Duration::from_secs(3);

/// How often a client's reader looks up from `recv()` to see whether to stop.
const POLL: Duration = Duration::from_millis(20);

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

// ------------------------------------------------------------------- the server

/// What the server printed on stderr: the beginning (the `listening on` line), the end
/// (how it stopped), and in between, when a flood of messages makes it large, only the
/// lines of netlab and of errors ([`NOTABLE`]).
#[derive(Default)]
struct Log {
    head: String,
    notable: String,
    tail: String,
    dropped: usize,
    /// A line not yet ended.
    partial: String,
}

const HEAD: usize = 64 * 1024;
const TAIL: usize = 256 * 1024;

/// What marks a line kept from the middle of a long stderr.
const NOTABLE: [&str; 3] = ["netlab", "error", "does not read"];

impl Log {
    fn push(&mut self, text: &str) {
        self.partial.push_str(text);
        let Some(end) = self.partial.rfind('\n') else {
            return;
        };
        let lines: String = self.partial.drain(..=end).collect();
        for line in lines.split_inclusive('\n') {
            self.push_line(line);
        }
    }

    fn push_line(&mut self, line: &str) {
        if self.head.len() < HEAD {
            self.head.push_str(line);
            return;
        }
        self.tail.push_str(line);
        if self.tail.len() > 2 * TAIL {
            let mut cut = self.tail.len() - TAIL;
            while !self.tail.is_char_boundary(cut) {
                cut += 1;
            }
            let gone: String = self.tail.drain(..cut).collect();
            self.dropped += gone.len();
            for l in gone.split_inclusive('\n') {
                if NOTABLE.iter().any(|n| l.contains(n)) && self.notable.len() < TAIL {
                    self.notable.push_str(l);
                }
            }
        }
    }

    fn len(&self) -> usize {
        self.head.len() + self.tail.len() + self.dropped + self.partial.len()
    }

    fn text(&self) -> String {
        if self.dropped == 0 {
            format!("{}{}{}", self.head, self.tail, self.partial)
        } else {
            format!(
                "{}[... {} bytes, of which these lines:]\n{}[...]\n{}{}",
                self.head, self.dropped, self.notable, self.tail, self.partial
            )
        }
    }
}

type Shared = Arc<(Mutex<Log>, Condvar)>;

/// The fd and thread counts of the server process.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Counts {
    pub fds: usize,
    pub threads: usize,
}

/// `netlab stage N --port P ...`, in a process group of its own; dropped, the group is
/// killed (SIGKILL) and the process reaped, whatever the test did.
pub struct Server {
    child: Child,
    stdin: Option<ChildStdin>,
    stderr: Shared,
    pub stage: u8,
    pub port: u16,
    pub pid: i32,
}

impl Server {
    /// Starts stage `stage` on port 0 with `extra` arguments and waits for its
    /// `listening on 127.0.0.1:PORT` line.
    pub fn start(stage: u8, extra: &[&str]) -> Server {
        Server::start_on(stage, 0, extra).unwrap_or_else(|s| panic!("{s}"))
    }

    /// Starts stage `stage` on `port`; Err with what it printed if it exits or prints no
    /// `listening on` line within 10 s.
    pub fn start_on(stage: u8, port: u16, extra: &[&str]) -> Result<Server, String> {
        let (n, p) = (stage.to_string(), port.to_string());
        let mut args = vec!["stage", n.as_str(), "--port", p.as_str()];
        args.extend_from_slice(extra);
        let mut child = Command::new(env!("CARGO_BIN_EXE_netlab"))
            .args(&args)
            .env_remove("RUST_LOG")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env_remove("LANG")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .process_group(0)
            .spawn()
            .expect("start netlab");
        let stderr: Shared = Arc::new((Mutex::new(Log::default()), Condvar::new()));
        let sink = stderr.clone();
        let mut pipe = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            let mut buf = vec![0u8; 64 * 1024];
            while let Ok(n) = pipe.read(&mut buf) {
                if n == 0 {
                    break;
                }
                lock(&sink.0).push(&String::from_utf8_lossy(&buf[..n]));
                sink.1.notify_all();
            }
        });
        let mut server = Server {
            pid: child.id() as i32,
            stdin: child.stdin.take(),
            child,
            stderr,
            stage,
            port: 0,
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let text = server.stderr();
            if let Some(line) = text
                .split_inclusive('\n')
                .find(|l| l.starts_with("listening on ") && l.ends_with('\n'))
            {
                let addr: SocketAddr = line["listening on ".len()..].trim().parse().unwrap();
                assert_eq!(addr.ip().to_string(), "127.0.0.1", "{line}");
                server.port = addr.port();
                return Ok(server);
            }
            if server.child.try_wait().unwrap().is_some() || Instant::now() >= deadline {
                // Let the collector take what was printed last.
                std::thread::sleep(Duration::from_millis(50));
                return Err(format!(
                    "stage {stage} --port {port} did not start listening:\n{}",
                    server.stderr()
                ));
            }
            server.wait_stderr_change(Duration::from_millis(100));
        }
    }

    fn wait_stderr_change(&self, timeout: Duration) {
        let log = lock(&self.stderr.0);
        let len = log.len();
        let _ = self
            .stderr
            .1
            .wait_timeout_while(log, timeout, |l| l.len() == len);
    }

    pub fn addr(&self) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], self.port))
    }

    /// What the server printed on stderr (its beginning and end, if it printed a lot).
    pub fn stderr(&self) -> String {
        lock(&self.stderr.0).text()
    }

    /// Waits until stderr contains `needle`; false if it does not within `timeout`.
    pub fn wait_stderr(&self, needle: &str, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            if self.stderr().contains(needle) {
                return true;
            }
            let now = Instant::now();
            if now >= deadline {
                return false;
            }
            self.wait_stderr_change(deadline - now);
        }
    }

    /// The last lines of stderr, for failure messages.
    pub fn last_words(&self) -> String {
        let text = self.stderr();
        let lines: Vec<&str> = text.lines().collect();
        let from = lines.len().saturating_sub(30);
        format!(
            "--- stage {} stderr (last lines):\n{}",
            self.stage,
            lines[from..].join("\n")
        )
    }

    /// Types a line at the server's `>> ` console.
    pub fn type_line(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().expect("stdin is open");
        stdin.write_all(format!("{line}\n").as_bytes()).unwrap();
        stdin.flush().unwrap();
    }

    /// Sends a signal to the server process.
    pub fn signal(&self, sig: nix::sys::signal::Signal) {
        nix::sys::signal::kill(nix::unistd::Pid::from_raw(self.pid), sig).unwrap();
    }

    /// Waits for the process to exit: its status and how long it took, or None if it is
    /// still running after `timeout`.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<(ExitStatus, Duration)> {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some((status, start.elapsed()));
            }
            if start.elapsed() >= timeout {
                return None;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Waits for the collector to have read the last of stderr, after the exit.
    pub fn wait_stderr_closed(&self, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        while Arc::strong_count(&self.stderr) > 1 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// How many file descriptors the server has open, and how many threads it runs.
    pub fn counts(&self) -> Counts {
        let count = |dir: &str| {
            std::fs::read_dir(format!("/proc/{}/{dir}", self.pid))
                .unwrap_or_else(|e| panic!("/proc/{}/{dir}: {e}", self.pid))
                .count()
        };
        Counts {
            fds: count("fd"),
            threads: count("task"),
        }
    }

    /// The counts once they have stayed the same for 100 ms (at most [`SETTLE`]): the
    /// baseline, taken with only the well-behaved clients connected.
    pub fn baseline(&self) -> Counts {
        let deadline = Instant::now() + SETTLE;
        let mut last = self.counts();
        let mut since = Instant::now();
        while Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
            let now = self.counts();
            if now != last {
                last = now;
                since = Instant::now();
            } else if since.elapsed() >= Duration::from_millis(100) {
                break;
            }
        }
        last
    }

    /// Waits (at most [`SETTLE`]) until the fd and thread counts are back to `baseline`,
    /// and fails the test with the numbers if they are not.
    pub fn assert_settles(&self, baseline: Counts, after: &str) -> Counts {
        let deadline = Instant::now() + SETTLE;
        loop {
            let now = self.counts();
            if now == baseline {
                eprintln!(
                    "stage {}: after {after}: {} fds, {} threads, as before",
                    self.stage, now.fds, now.threads
                );
                return now;
            }
            if Instant::now() >= deadline {
                panic!(
                    "stage {}: after {after}, the server has {} fds and {} threads; before, {} and {} \
                     (waited {SETTLE:?} for them to come back): something leaked\n{}",
                    self.stage,
                    now.fds,
                    now.threads,
                    baseline.fds,
                    baseline.threads,
                    self.last_words()
                );
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// A `/proc/<pid>/status` figure in kB: `VmHWM` (peak RSS), `VmRSS`.
    pub fn status_kib(&self, key: &str) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid)).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix(key)?.strip_prefix(':'))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or_else(|| panic!("no {key} in /proc/{}/status", self.pid))
    }
}

impl Drop for Server {
    /// Kills the group while its leader is still ours (not reaped, so its pid cannot
    /// have been reused), then reaps it.
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let group = nix::unistd::Pid::from_raw(self.pid);
            let _ = nix::sys::signal::killpg(group, nix::sys::signal::Signal::SIGKILL);
            let _ = self.child.wait();
        }
    }
}

// ------------------------------------------------------------------- the clients

/// How a connection ended, as the client saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum End {
    /// recv() returned 0: the server closed (FIN).
    Eof,
    /// ECONNRESET: the server's kernel sent RST.
    Reset,
    Error(String),
}

#[derive(Default)]
struct Inbox {
    data: Vec<u8>,
    end: Option<End>,
}

/// A client connection; unless made not to read, a thread reads everything the server
/// sends. It polls instead of reading a duplicated descriptor, so that closing or
/// resetting the client really closes its socket.
pub struct Peer {
    pub name: String,
    /// The client's address: what the server's header shows for its messages.
    pub local: SocketAddr,
    sock: Option<Arc<TcpStream>>,
    inbox: Arc<(Mutex<Inbox>, Condvar)>,
    stop: Arc<AtomicBool>,
    reader: Option<JoinHandle<()>>,
    /// Where, in the chat's log, the messages this client must receive begin.
    pub from: usize,
}

impl Peer {
    /// Connects to `addr` and starts reading.
    pub fn connect(name: &str, addr: SocketAddr) -> Peer {
        Peer::connect_with(name, addr, true, None)
    }

    /// Connects; `read: false` makes a client that never reads; `recv_buffer` sets its
    /// SO_RCVBUF before connecting (small: its window fills at once).
    pub fn connect_with(
        name: &str,
        addr: SocketAddr,
        read: bool,
        recv_buffer: Option<usize>,
    ) -> Peer {
        let sock = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
        if let Some(size) = recv_buffer {
            sock.set_recv_buffer_size(size).unwrap();
        }
        sock.connect_timeout(&SockAddr::from(addr), Duration::from_secs(5))
            .unwrap_or_else(|e| panic!("{name} cannot connect to {addr}: {e}"));
        sock.set_tcp_nodelay(true).unwrap();
        let stream: TcpStream = sock.into();
        stream.set_read_timeout(Some(POLL)).unwrap();
        let local = stream.local_addr().unwrap();
        let sock = Arc::new(stream);
        let inbox = Arc::new((Mutex::new(Inbox::default()), Condvar::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let reader = read.then(|| {
            let (sock, inbox, stop) = (sock.clone(), inbox.clone(), stop.clone());
            std::thread::Builder::new()
                .name(format!("peer {name}"))
                .spawn(move || read_loop(&sock, &inbox, &stop))
                .unwrap()
        });
        Peer {
            name: name.to_string(),
            local,
            sock: Some(sock),
            inbox,
            stop,
            reader,
            from: 0,
        }
    }

    /// Whether a thread reads what the server sends to this client.
    pub fn reads(&self) -> bool {
        self.reader.is_some()
    }

    fn socket(&self) -> &Arc<TcpStream> {
        self.sock.as_ref().expect("this client is closed")
    }

    /// The socket, for a thread that sends while the test goes on.
    pub fn stream(&self) -> Arc<TcpStream> {
        self.socket().clone()
    }

    /// Sends all of `data`.
    pub fn send(&self, data: &[u8]) -> io::Result<()> {
        (&**self.socket()).write_all(data)
    }

    /// Everything received so far.
    pub fn received(&self) -> Vec<u8> {
        lock(&self.inbox.0).data.clone()
    }

    pub fn received_len(&self) -> usize {
        lock(&self.inbox.0).data.len()
    }

    /// How the connection ended, if it has.
    pub fn end(&self) -> Option<End> {
        lock(&self.inbox.0).end.clone()
    }

    /// Waits until at least `n` bytes have arrived, or the connection ended, or `timeout`.
    pub fn wait_len(&self, n: usize, timeout: Duration) -> usize {
        let (inbox, cond) = &*self.inbox;
        let state = cond
            .wait_timeout_while(lock(inbox), timeout, |s| {
                s.data.len() < n && s.end.is_none()
            })
            .unwrap_or_else(|p| p.into_inner())
            .0;
        state.data.len()
    }

    /// Waits until the connection ends; how, or None after `timeout`.
    pub fn wait_end(&self, timeout: Duration) -> Option<End> {
        let (inbox, cond) = &*self.inbox;
        cond.wait_timeout_while(lock(inbox), timeout, |s| s.end.is_none())
            .unwrap_or_else(|p| p.into_inner())
            .0
            .end
            .clone()
    }

    /// For a client that never read: reads at last, keeping what comes, until the
    /// connection ends or `timeout` passes. Returns the bytes and how it ended.
    pub fn read_to_end(&self, timeout: Duration) -> (Vec<u8>, Option<End>) {
        let sock = self.socket();
        let deadline = Instant::now() + timeout;
        let mut buf = vec![0u8; 64 * 1024];
        let mut data = Vec::new();
        while Instant::now() < deadline {
            match (&**sock).read(&mut buf) {
                Ok(0) => return (data, Some(End::Eof)),
                Ok(n) => data.extend_from_slice(&buf[..n]),
                Err(e) if transient(&e) => {}
                Err(e) if e.kind() == io::ErrorKind::ConnectionReset => {
                    return (data, Some(End::Reset))
                }
                Err(e) => return (data, Some(End::Error(e.to_string()))),
            }
        }
        (data, None)
    }

    /// Half-closes: sends FIN (`shutdown(SHUT_WR)`), keeps reading.
    pub fn half_close(&self) {
        self.socket().shutdown(Shutdown::Write).unwrap();
    }

    /// Closes normally (FIN), having read what had arrived.
    pub fn close(&mut self) {
        self.stop_reader();
        self.sock = None;
    }

    /// Resets the connection: SO_LINGER 0, then close; the kernel sends RST, not FIN.
    /// Any thread given [`Peer::stream`] must have ended.
    pub fn reset(&mut self) {
        self.stop_reader();
        let sock = self.sock.take().expect("this client is open");
        SockRef::from(&*sock)
            .set_linger(Some(Duration::ZERO))
            .unwrap();
        assert_eq!(
            Arc::strong_count(&sock),
            1,
            "a thread still holds {}'s socket",
            self.name
        );
        drop(sock);
    }

    fn stop_reader(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        self.stop_reader();
    }
}

fn transient(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut | io::ErrorKind::Interrupted
    )
}

fn read_loop(sock: &TcpStream, inbox: &(Mutex<Inbox>, Condvar), stop: &AtomicBool) {
    let mut buf = vec![0u8; 64 * 1024];
    let end = loop {
        if stop.load(Ordering::SeqCst) {
            return;
        }
        match (&*sock).read(&mut buf) {
            Ok(0) => break End::Eof,
            Ok(n) => {
                lock(&inbox.0).data.extend_from_slice(&buf[..n]);
                inbox.1.notify_all();
            }
            Err(e) if transient(&e) => {}
            Err(e) if e.kind() == io::ErrorKind::ConnectionReset => break End::Reset,
            Err(e) => break End::Error(e.to_string()),
        }
    };
    lock(&inbox.0).end = Some(end);
    inbox.1.notify_all();
}

// ------------------------------------------------------------------- the wire

/// One message as stages 8 and 9 send it: `"{time} {ip}:{port}\n" + body + "\n"`, where
/// the body is the sender's line with its `\n` (`\r\n` and a lone `\r` become `\n`), or,
/// for a last line that a closing client sent without one, without it (as Python's
/// `readline()` gives it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Msg {
    pub from: String,
    pub body: Vec<u8>,
}

impl Msg {
    pub fn new(from: SocketAddr, body: &[u8]) -> Msg {
        Msg {
            from: from.to_string(),
            body: body.to_vec(),
        }
    }

    /// Its length on the wire.
    pub fn wire_len(&self) -> usize {
        netlab::wire::TIMESTAMP_LEN + 1 + self.from.len() + 1 + self.body.len() + 1
    }
}

impl std::fmt::Display for Msg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let body = String::from_utf8_lossy(&self.body);
        if body.len() > 60 {
            write!(
                f,
                "{} {:?}... ({} bytes)",
                self.from,
                &body[..40],
                body.len()
            )
        } else {
            write!(f, "{} {:?}", self.from, body)
        }
    }
}

/// Cuts `data` into whole, well-formed messages; the rest starts at the first byte that
/// does not begin one (a message cut short, or something else: an error line).
pub fn parse(data: &[u8]) -> (Vec<Msg>, &[u8]) {
    let mut msgs = Vec::new();
    let mut at = 0;
    while let Some((msg, len)) = parse_one(&data[at..]) {
        msgs.push(msg);
        at += len;
    }
    (msgs, &data[at..])
}

fn parse_one(data: &[u8]) -> Option<(Msg, usize)> {
    let ts = netlab::wire::TIMESTAMP_LEN;
    if netlab::wire::timestamp_prefix(data) != ts || data.get(ts) != Some(&b' ') {
        return None;
    }
    let header_end = ts + 1 + data[ts + 1..].iter().position(|&b| b == b'\n')?;
    let from: SocketAddr = std::str::from_utf8(&data[ts + 1..header_end])
        .ok()?
        .parse()
        .ok()?;
    let body_start = header_end + 1;
    let line_end = body_start + data[body_start..].iter().position(|&b| b == b'\n')? + 1;
    // The body's own `\n`, then the message's; a body without `\n` is followed by the
    // next header or by nothing.
    let (body_end, len) = match data.get(line_end) {
        Some(b'\n') => (line_end, line_end + 1),
        None => (line_end - 1, line_end),
        Some(_) if netlab::wire::timestamp_prefix(&data[line_end..]) == ts => {
            (line_end - 1, line_end)
        }
        Some(_) => return None,
    };
    Some((Msg::new(from, &data[body_start..body_end]), len))
}

/// The first difference between two lists of messages, for failure messages.
pub fn first_difference(got: &[Msg], want: &[Msg]) -> String {
    match got.iter().zip(want).position(|(g, w)| g != w) {
        Some(i) => format!("message {i}: got {}, expected {}", got[i], want[i]),
        None => format!(
            "{} messages received, {} expected{}",
            got.len(),
            want.len(),
            want.get(got.len())
                .map_or(String::new(), |w| format!("; the first missing: {w}"))
        ),
    }
}

/// The chat as the well-behaved clients must see it: every message the server must have
/// broadcast, in order. Each client must receive exactly those from the one it joined
/// with on, byte for byte: nothing lost, nothing added, nothing changed.
pub struct Chat {
    pub addr: SocketAddr,
    pub log: Vec<Msg>,
}

impl Chat {
    pub fn new(server: &Server) -> Chat {
        Chat {
            addr: server.addr(),
            log: Vec::new(),
        }
    }

    /// Connects `name`, which says `{name} joins`, and checks that it and every one of
    /// `others` have received exactly the chat so far: it is then in the server's dict.
    pub fn join(&mut self, name: &str, others: &[&Peer]) -> Peer {
        let mut peer = Peer::connect(name, self.addr);
        peer.from = self.log.len();
        self.say(&peer, format!("{name} joins\n").as_bytes());
        let mut all = others.to_vec();
        all.push(&peer);
        self.expect(&all);
        peer
    }

    /// `who` sends one line (with its `\n`); it goes to the log as its message.
    pub fn say(&mut self, who: &Peer, line: &[u8]) {
        self.send(who, line, &[line]);
    }

    /// `who` sends `bytes`, which must come back as the messages `bodies`. If `who`
    /// reads, this waits until they have come back to it: the server has then broadcast
    /// them, so whatever anyone sends next comes after them, for everyone.
    pub fn send(&mut self, who: &Peer, bytes: &[u8], bodies: &[&[u8]]) {
        who.send(bytes)
            .unwrap_or_else(|e| panic!("{} cannot send: {e}", who.name));
        self.expect_later(who, bodies);
        if who.reads() {
            self.expect(&[who]);
        }
    }

    /// Adds `who`'s messages `bodies` to the log, for a sender that sends on its own.
    pub fn expect_later(&mut self, who: &Peer, bodies: &[&[u8]]) {
        self.log
            .extend(bodies.iter().map(|b| Msg::new(who.local, b)));
    }

    /// The messages `peer` must have received.
    pub fn due(&self, peer: &Peer) -> &[Msg] {
        &self.log[peer.from..]
    }

    /// Each of `peers` receives exactly its messages of the log, and nothing else.
    pub fn expect(&self, peers: &[&Peer]) {
        for peer in peers {
            self.expect_then(peer, b"");
        }
    }

    /// `peer` receives exactly its messages of the log, then `tail` (an error line).
    pub fn expect_then(&self, peer: &Peer, tail: &[u8]) {
        let due = self.due(peer);
        let len = due.iter().map(Msg::wire_len).sum::<usize>() + tail.len();
        let got = peer.wait_len(len, LONG);
        let data = peer.received();
        let (msgs, rest) = parse(&data);
        let trouble = if msgs != due {
            Some(first_difference(&msgs, due))
        } else if rest != tail {
            Some(format!(
                "after the {} messages expected, {:?} (expected {:?})",
                due.len(),
                String::from_utf8_lossy(&rest[..rest.len().min(200)]),
                String::from_utf8_lossy(tail)
            ))
        } else {
            None
        };
        if let Some(why) = trouble {
            panic!(
                "{} ({}) did not receive exactly what it should: {why}\n\
                 ({got} bytes received, {len} expected; connection end: {:?})",
                peer.name,
                peer.local,
                peer.end()
            );
        }
    }
}

/// How many sockets in TIME-WAIT have `port` as their local port (`/proc/net/tcp`).
pub fn time_wait_on(port: u16) -> usize {
    let table = std::fs::read_to_string("/proc/net/tcp").expect("read /proc/net/tcp");
    table
        .lines()
        .skip(1)
        .filter(|l| {
            let fields: Vec<&str> = l.split_whitespace().collect();
            fields.len() > 3
                && fields[3] == "06"
                && fields[1]
                    .rsplit(':')
                    .next()
                    .and_then(|p| u16::from_str_radix(p, 16).ok())
                    == Some(port)
        })
        .count()
}

/// Whether `port` can be bound on 127.0.0.1 without SO_REUSEADDR (which std's
/// `TcpListener::bind` sets): not while connections of an earlier run wait in TIME-WAIT.
pub fn bindable_without_reuseaddr(port: u16) -> bool {
    let sock = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    sock.set_reuse_address(false).unwrap();
    sock.bind(&SockAddr::from(SocketAddr::from(([127, 0, 0, 1], port))))
        .is_ok()
}

/// The most a TCP send buffer grows to (the last of `net.ipv4.tcp_wmem`), in bytes.
pub fn tcp_wmem_max() -> usize {
    std::fs::read_to_string("/proc/sys/net/ipv4/tcp_wmem")
        .ok()
        .and_then(|t| t.split_whitespace().last()?.parse().ok())
        .unwrap_or(4 << 20)
}
