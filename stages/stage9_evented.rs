//! Stage 9 · 事件驱动 · evented: one thread, non-blocking sockets, readiness events.
//!
//! Not a code block of the notes: netlab's own design, the successor of the thread per
//! client. One thread does all the work and never waits but in one place: the selector's
//! `select()`, which returns when some sockets are ready (Python's `selectors` module,
//! epoll on Linux; here `mio`, over the same epoll). Then it does what is ready, without
//! ever blocking:
//!
//! - the listening socket is readable: accept every client waiting and register it;
//! - a client is readable: read what is there into its input buffer, cut the whole lines
//!   off it, and append each message to every client's output buffer;
//! - at the end of the round, each client with output gets one `send()` of all of it;
//!   what the kernel does not take waits in the buffer, and the client is registered for
//!   EVENT_WRITE until it has gone out.
//!
//! No thread per client, so no lock and no race (5.race); no `send()` that blocks, so a
//! client that does not read freezes nobody (7.slow); `stop()` only wakes the selector,
//! and the loop closes everything (3.quit, 7.stop). The wire, the limits and the policies
//! are stage 8's (`policy`): same header, sender included, `quit` and EOF remove, a reset
//! or a line that is not UTF-8 removes that client only, a line too long gets one line
//! and is disconnected, a client with too much waiting is disconnected, past
//! `max_clients` a newcomer gets one line.
//!
//! `netlab diff 8 9` shows what changes from threads to events.

use crate::policy::{self, Limits};
use crate::py::{self, Dict, Event, Exception, Socket, Thread};
use chrono::Local;
use log::{error, info};
use mio::unix::SourceFd;
use mio::{Events, Interest, Poll, Token, Waker};
use nix::libc;
use std::collections::HashMap;
use std::net::{Shutdown, SocketAddr};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// `selectors.EVENT_READ` and `selectors.EVENT_WRITE`.
const EVENT_READ: Interest = Interest::READABLE;
const EVENT_WRITE: Interest = Interest::WRITABLE;

/// The key `stop()` wakes the selector with.
const WAKE: Token = Token(0);
/// The key of the listening socket.
const LISTENER: Token = Token(1);

/// How much one `recv_into()` reads.
const CHUNK: usize = 64 * 1024;
/// How many reads one client gets per round: a client that sends without pause waits for
/// the next round, so that the others are served in between.
const READS_PER_ROUND: usize = 8;
/// A buffer emptied after it grew past this gives its memory back.
const KEEP: usize = 64 * 1024;

/// The round's buffer is one for every client: it keeps up to 1 MiB between rounds.
const ROUND_KEEP: usize = 1024 * 1024;

/// The chat server, stage 9.
pub struct ChatServer {
    /// The listening socket, created with the server and bound by `start()`.
    sock: Socket,
    /// Where to listen: the notes' `(ip, port)` tuple.
    addr: SocketAddr,
    /// Every client in the chat, by address. Only the loop changes it; the console prints
    /// it (`logging.info(cs.clients)`), which is why it is a dict shared with other threads.
    clients: Dict<SocketAddr, Socket>,
    /// Set by `stop()`: the loop ends at its next round.
    event: Event,
    /// What `stop()` wakes the selector with (made by `start()`).
    waker: OnceLock<Waker>,
    /// The longest line, the most bytes waiting for one client, the most clients.
    limits: Limits,
}

/// `selectors.DefaultSelector()`: epoll, through mio. Each registered socket has a key
/// (a `Token`) that says whose it is when `select()` returns it.
struct Selector {
    poll: Poll,
    events: Events,
}

/// What `select()` says of one socket.
struct Ready {
    key: Token,
    /// Readable, closed by the peer, or in error: a read says which.
    read: bool,
    /// Writable again.
    write: bool,
}

impl Selector {
    fn new() -> py::Result<Selector> {
        Ok(Selector {
            poll: Poll::new().map_err(|e| Exception::os(&e))?,
            events: Events::with_capacity(1024),
        })
    }

    /// `sel.register(sock, events, key)`
    fn register(&self, sock: &Socket, events: Interest, key: Token) -> py::Result<()> {
        let fd = sock.fileno();
        let registry = self.poll.registry();
        registry
            .register(&mut SourceFd(&fd), key, events)
            .map_err(|e| Exception::os(&e))
    }

    /// `sel.modify(sock, events, key)`
    fn modify(&self, sock: &Socket, events: Interest, key: Token) -> py::Result<()> {
        let fd = sock.fileno();
        let registry = self.poll.registry();
        registry
            .reregister(&mut SourceFd(&fd), key, events)
            .map_err(|e| Exception::os(&e))
    }

    /// `sel.unregister(sock)`
    fn unregister(&self, sock: &Socket) {
        let fd = sock.fileno();
        let _ = self.poll.registry().deregister(&mut SourceFd(&fd));
    }

    /// `sel.select(timeout)`: waits until some registered socket is ready (`None`: for as
    /// long as it takes). epoll through mio reports a socket once each time it becomes
    /// ready, not at every call as Python's selectors do: so the loop reads a socket until
    /// `BlockingIOError`, or comes back to it by itself.
    fn select(&mut self, timeout: Option<Duration>, ready: &mut Vec<Ready>) -> py::Result<()> {
        ready.clear();
        loop {
            // netlab records the wait, as it does for accept() and recv(): the view and the
            // tests see the loop idle in select().
            let polled = py::blocking(
                || py::Call::Other("select()".to_string()),
                || crate::tr!("why-select"),
                || self.poll.poll(&mut self.events, timeout),
            );
            match polled {
                Ok(()) => break,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(Exception::os(&e)),
            }
        }
        ready.extend(self.events.iter().map(|e| Ready {
            key: e.token(),
            read: e.is_readable() || e.is_read_closed() || e.is_error(),
            write: e.is_writable() || e.is_write_closed(),
        }));
        Ok(())
    }
}

/// One client, as the loop keeps it: what Python's selectors examples attach to each
/// registered socket (`data=types.SimpleNamespace(addr=addr, inb=b"", outb=b"")`).
struct Conn {
    sock: Socket,
    addr: SocketAddr,
    /// Bytes received that do not make a whole line yet.
    inb: Vec<u8>,
    /// Bytes to send, in order.
    outb: Vec<u8>,
    /// Registered for EVENT_WRITE: the kernel took only part of `outb`.
    writing: bool,
    /// In this round's list of clients to send to.
    queued: bool,
    /// Has left the chat (`quit`, EOF, an error): closes once `outb` has gone out.
    leaving: bool,
}

/// Why a client leaves.
enum Leave {
    /// `quit`, or EOF.
    Quit,
    /// A line longer than `max_line`: it gets one error line first.
    TooLong,
    /// A reset, a line that is not UTF-8, a send that failed: logged as stage 7 logs it.
    Error(Exception),
}

impl ChatServer {
    /// `__init__`: 启动服务
    pub fn new(addr: SocketAddr) -> py::Result<Arc<ChatServer>> {
        Ok(Arc::new(ChatServer {
            sock: Socket::new(&addr)?,
            addr,
            clients: Dict::new(), // 客户端
            event: Event::new(),
            waker: OnceLock::new(),
            limits: policy::limits(),
        }))
    }

    /// 启动监听
    pub fn start(self: &Arc<Self>) -> py::Result<()> {
        // A restart right after a run binds at once, whatever TIME-WAIT the last one left.
        self.sock.set_reuse_address()?;
        self.sock.bind(self.addr)?; // 绑定
        self.sock.listen(1024)?; // 监听: room for many clients that connect at once
        self.sock.setblocking(false)?; // accept() never waits: select() says when to call it
        let sel = Selector::new()?;
        sel.register(&self.sock, EVENT_READ, LISTENER)?;
        let waker = Waker::new(sel.poll.registry(), WAKE).map_err(|e| Exception::os(&e))?;
        let _ = self.waker.set(waker);
        let mut lp = Loop {
            cs: Arc::clone(self),
            sel,
            conns: HashMap::new(),
            next: 2,
            round: Vec::new(),
            to_send: Vec::new(),
            again: Vec::new(),
            out_of_fds: false,
            accept_later: false,
            buf: vec![0; CHUNK],
        };
        Thread::new("select", move || lp.run()).start()?;
        Ok(())
    }

    /// 停止服务: the console's `quit`, Ctrl-C and SIGTERM call it. The loop does the
    /// rest at once: it closes every client (each gets EOF) and the listening socket.
    pub fn stop(&self) -> py::Result<()> {
        self.event.set();
        if let Some(waker) = self.waker.get() {
            waker.wake().map_err(|e| Exception::os(&e))?; // 唤醒阻塞的 select()
        }
        Ok(())
    }
}

/// The loop's own state: only its thread touches it, so nothing here needs a lock.
struct Loop {
    cs: Arc<ChatServer>,
    sel: Selector,
    /// Every open client socket by key, in the chat or leaving.
    conns: HashMap<Token, Conn>,
    /// The key for the next client.
    next: usize,
    /// Every message broadcast this round, in order: each client in the chat gets all
    /// of it, the same bytes, at the end of the round.
    round: Vec<u8>,
    /// The clients that leave with something still to send.
    to_send: Vec<Token>,
    /// The clients that still had bytes to read when their share of the round ran out.
    again: Vec<Token>,
    /// `accept()` failed for lack of file descriptors: clients wait in the backlog.
    out_of_fds: bool,
    /// Accept at the end of this round: a client has left since `accept()` ran out.
    accept_later: bool,
    /// Where `recv_into()` reads, shared by every client.
    buf: Vec<u8>,
}

impl Loop {
    /// The event loop: select, then do what is ready, until `stop()`.
    fn run(&mut self) -> py::Result<()> {
        let mut ready = Vec::new();
        while !self.cs.event.is_set() {
            // A client with bytes left to read means: look, but do not wait.
            let timeout = if self.again.is_empty() {
                None
            } else {
                Some(Duration::ZERO)
            };
            self.sel.select(timeout, &mut ready)?; // 阻塞: the one place the loop waits
            // The round's log records go out together, in one write, as its messages do.
            if !crate::logging::batched(|| self.round(&ready))? {
                return self.close_all(); // the listening socket was shut down
            }
        }
        self.close_all()
    }

    /// One round: what select() said is ready. False once the listening socket is shut
    /// down.
    fn round(&mut self, ready: &[Ready]) -> py::Result<bool> {
        let mut readable: Vec<Token> = std::mem::take(&mut self.again);
        for r in ready {
            match r.key {
                WAKE => {}
                LISTENER => {
                    if !self.accept()? {
                        return Ok(false);
                    }
                }
                key => {
                    if r.write {
                        self.send(key);
                    }
                    if r.read {
                        readable.push(key);
                    }
                }
            }
        }
        // A client left over from the last round may be ready again: read it once. (Not
        // `contains()` per event: with thousands of clients ready, that is quadratic.)
        readable.sort_unstable();
        readable.dedup();
        for key in readable {
            self.recv(key);
        }
        // One send() per client: every message of the round.
        self.deliver();
        for key in std::mem::take(&mut self.to_send) {
            if let Some(c) = self.conns.get_mut(&key) {
                c.queued = false;
            }
            self.send(key);
        }
        if self.accept_later && !self.accept()? {
            return Ok(false);
        }
        Ok(true)
    }


    /// 多人连接: accepts every client waiting. False once the listening socket is shut
    /// down (netlab cuts a program short so).
    fn accept(&mut self) -> py::Result<bool> {
        self.accept_later = false;
        loop {
            let (sock, client) = match self.cs.sock.accept() {
                Ok(accepted) => accepted,
                Err(e) => match e.errno {
                    Some(libc::EAGAIN) => {
                        self.out_of_fds = false;
                        return Ok(true); // nobody else waiting
                    }
                    Some(libc::ECONNABORTED) => continue,  // left before we got to it
                    // Out of file descriptors (or memory): the client waits in the
                    // backlog, and gets its turn when someone leaves.
                    Some(libc::EMFILE | libc::ENFILE | libc::ENOBUFS | libc::ENOMEM) => {
                        error!("{}", e.str()); // logging.error(e)
                        self.out_of_fds = true;
                        return Ok(true);
                    }
                    Some(libc::EINVAL) => return Ok(false),
                    _ if self.cs.event.is_set() => return Ok(false),
                    _ => return Err(e),
                },
            };
            if self.cs.clients.len() >= self.cs.limits.max_clients {
                // One line (the socket buffer of a new connection takes it whole), then close.
                let _ = sock.setblocking(false);
                let _ = sock.send(policy::server_full(self.cs.limits.max_clients).as_bytes());
                let _ = sock.shutdown(Shutdown::Both);
                sock.close();
                continue;
            }
            // Small messages go out at once, not 40 ms later (Nagle and delayed ACKs).
            let _ = sock.set_nodelay();
            sock.setblocking(false)?; // recv_into() and send() never wait
            let key = Token(self.next);
            self.next += 1;
            self.sel.register(&sock, EVENT_READ, key)?;
            self.cs.clients.insert(client, sock.clone()); // 添加到客户端字典
            self.conns.insert(
                key,
                Conn {
                    sock,
                    addr: client,
                    inb: Vec::new(),
                    outb: Vec::new(),
                    writing: false,
                    queued: false,
                    leaving: false,
                },
            );
        }
    }

    /// 接受客户端数据: reads what a readable client has sent, and handles each whole line.
    fn recv(&mut self, key: Token) {
        let limits = self.cs.limits;
        let mut messages: Vec<String> = Vec::new();
        let mut leave: Option<Leave> = None;
        {
            let Some(c) = self.conns.get_mut(&key) else {
                return;
            };
            if c.leaving {
                return; // what a client sends after `quit` is not read
            }
            let mut rounds = 0;
            while leave.is_none() {
                // stop() is seen between two reads, and between two messages (below): a
                // round of short lines (8 reads of 64 KiB from each client, tens of
                // thousands of messages) would keep the loop from it for seconds.
                if rounds == READS_PER_ROUND || self.cs.event.is_set() {
                    self.again.push(key);
                    break;
                }
                rounds += 1;
                match c.sock.recv_into(&mut self.buf) {
                    // '' once the client has closed: its last line (even without its
                    // newline), then the `quit` path, as readline() gives them: the last
                    // line as it came, without a `\n` unless it ends with `\r`, read as one.
                    Ok(0) => {
                        let mut rest = std::mem::take(&mut c.inb);
                        if !rest.is_empty() {
                            let newline = rest.last() == Some(&b'\r');
                            if newline {
                                rest.pop();
                            }
                            rest.push(b'\n');
                            leave = line(&rest, &limits, &mut messages);
                            if leave.is_none() && !newline {
                                // Sent without `\n`: broadcast without it.
                                if let Some(last) = messages.last_mut() {
                                    last.pop();
                                }
                            }
                        }
                        leave.get_or_insert(Leave::Quit);
                    }
                    Ok(n) => {
                        c.inb.extend_from_slice(&self.buf[..n]);
                        leave = lines(&mut c.inb, &limits, &mut messages);
                    }
                    Err(e) if e.errno == Some(libc::EAGAIN) => break, // all read
                    Err(e) => leave = Some(Leave::Error(e)),          // a reset
                }
            }
        }
        for data in messages {
            if self.cs.event.is_set() {
                break; // stop(): these would go nowhere (close_all() drops what waits)
            }
            let addr = self.conns[&key].addr;
            self.broadcast(addr, &data);
        }
        if let Some(why) = leave {
            self.leave(key, why);
        }
    }

    /// Puts one message in every client's output buffer, to go out at the end of the
    /// round. A client with too much waiting does not read: it is disconnected.
    fn broadcast(&mut self, from: SocketAddr, data: &str) {
        let msg = format!(
            "{} {}:{}\n{}\n",
            Local::now().format("%Y%m/%d %H:%M:%S"),
            from.ip(),
            from.port(),
            data
        );
        info!("{msg}");
        self.round.extend_from_slice(msg.as_bytes());
    }

    /// The end of a round: each client in the chat gets the round's messages in one
    /// `send()`, straight from `round` when nothing older waits for it. A client with
    /// too much waiting does not read: it is disconnected.
    fn deliver(&mut self) {
        if self.round.is_empty() {
            return;
        }
        let round = std::mem::take(&mut self.round);
        let keys: Vec<Token> = self.conns.keys().copied().collect();
        for key in keys {
            let c = self.conns.get_mut(&key).expect("a client of this round");
            if c.leaving {
                continue;
            }
            if c.outb.len() > self.cs.limits.max_pending {
                let pending = c.outb.len();
                let who = py::addr_repr(&c.addr);
                error!("{}", policy::not_reading(&who, pending, self.cs.limits.max_pending));
                self.leave(key, Leave::Quit);
                self.close(key); // what waits for it will never be read: dropped
                continue;
            }
            if !c.outb.is_empty() {
                c.outb.extend_from_slice(&round);
                self.send(key);
                continue;
            }
            match c.sock.send(&round) {
                Ok(n) if n == round.len() => {}
                Ok(n) => {
                    c.outb.extend_from_slice(&round[n..]);
                    self.send(key); // waits for EVENT_WRITE
                }
                Err(e) if e.errno == Some(libc::EAGAIN) => {
                    c.outb.extend_from_slice(&round);
                    self.send(key);
                }
                Err(e) => {
                    // The client has gone: what waits for it goes nowhere.
                    self.leave(key, Leave::Error(e));
                    self.close(key);
                }
            }
        }
        self.round = round;
        self.round.clear();
        if self.round.capacity() > ROUND_KEEP {
            self.round = Vec::new();
        }
    }

    /// Sends what waits for a client, in one `send()`; what the kernel does not take
    /// waits for EVENT_WRITE.
    fn send(&mut self, key: Token) {
        let Some(c) = self.conns.get_mut(&key) else {
            return;
        };
        let mut failed = None;
        if !c.outb.is_empty() {
            match c.sock.send(&c.outb) {
                Ok(n) => {
                    c.outb.drain(..n);
                }
                Err(e) if e.errno == Some(libc::EAGAIN) => {}
                Err(e) => failed = Some(e),
            }
        }
        if let Some(e) = failed {
            // The client has gone: what waits for it goes nowhere.
            if !c.leaving {
                self.leave(key, Leave::Error(e));
            }
            self.close(key);
        } else if c.outb.is_empty() {
            if c.outb.capacity() > KEEP {
                c.outb = Vec::new();
            }
            if c.leaving {
                self.close(key);
            } else if c.writing {
                c.writing = false;
                let _ = self.sel.modify(&c.sock, EVENT_READ, key);
            }
        } else if !c.writing {
            c.writing = true;
            let _ = self.sel.modify(&c.sock, EVENT_READ | EVENT_WRITE, key);
        }
    }

    /// Takes a client out of the chat: logs why, removes it from the dict; its socket
    /// closes once what waits for it has gone out.
    fn leave(&mut self, key: Token, why: Leave) {
        let Some(c) = self.conns.get_mut(&key) else {
            return;
        };
        if !c.leaving {
            // What the chat said this round before the client left.
            c.outb.extend_from_slice(&self.round);
        }
        match why {
            Leave::Quit => {}
            Leave::TooLong => {
                error!("line longer than {} bytes", self.cs.limits.max_line);
                c.outb
                    .extend_from_slice(policy::too_long(self.cs.limits.max_line).as_bytes());
            }
            Leave::Error(e) => error!("{}", e.str()), // logging.error(e)
        }
        c.leaving = true;
        c.inb = Vec::new();
        let _ = self.cs.clients.pop(&c.addr);
        info!("{} quits", py::addr_repr(&c.addr));
        if !c.queued {
            c.queued = true;
            self.to_send.push(key);
        }
    }

    /// Closes a client's socket: the client gets EOF.
    fn close(&mut self, key: Token) {
        if let Some(c) = self.conns.remove(&key) {
            self.sel.unregister(&c.sock);
            let _ = c.sock.shutdown(Shutdown::Both);
            c.sock.close();
            // A file descriptor is free again: a client left in the backlog may come in.
            self.accept_later |= self.out_of_fds;
        }
    }

    /// The end: every client leaves and gets EOF, and the listening socket closes.
    fn close_all(&mut self) -> py::Result<()> {
        let keys: Vec<Token> = self.conns.keys().copied().collect();
        for key in keys {
            if !self.conns[&key].leaving {
                self.leave(key, Leave::Quit);
            }
            self.close(key);
        }
        self.sel.unregister(&self.cs.sock);
        let _ = self.cs.sock.shutdown(Shutdown::Both);
        self.cs.sock.close();
        Ok(())
    }
}

/// Cuts the whole lines off the front of `inb` and handles each; what follows the last
/// line end stays for the next read. Stops at the first line that makes its client leave.
fn lines(inb: &mut Vec<u8>, limits: &Limits, messages: &mut Vec<String>) -> Option<Leave> {
    let mut start = 0;
    let mut leave = None;
    while let Some((len, skip)) = py::line_end(&inb[start..]) {
        let mut one = inb[start..start + len].to_vec();
        one.push(b'\n');
        start += len + skip;
        leave = line(&one, limits, messages);
        if leave.is_some() {
            break;
        }
    }
    inb.drain(..start);
    // A `\r` at the end may be the start of the line's `\r\n`: not counted.
    if leave.is_none() && inb.len() > limits.max_line + usize::from(inb.last() == Some(&b'\r')) {
        leave = Some(Leave::TooLong); // no end in sight
    }
    if inb.is_empty() && inb.capacity() > KEEP {
        *inb = Vec::new();
    }
    leave
}

/// One line with its `\n`: a message, `quit`, or a reason to leave.
fn line(data: &[u8], limits: &Limits, messages: &mut Vec<String>) -> Option<Leave> {
    if data.len() - 1 > limits.max_line {
        return Some(Leave::TooLong);
    }
    match py::decode(data) {
        // 客户端退出命令. A blank line is "\n": it is a message.
        Ok(text) if py::strip(&text) == "quit" => Some(Leave::Quit),
        Ok(text) => {
            messages.push(text);
            None
        }
        Err(e) => Some(Leave::Error(e)), // not UTF-8
    }
}

// ---- netlab: the interface every stage offers the CLI, the tests and the grader ----

impl crate::stage::Server for ChatServer {
    fn local_addr(&self) -> SocketAddr {
        self.sock.getsockname().unwrap_or(self.addr)
    }

    fn stop(&self) -> py::Result<()> {
        ChatServer::stop(self)
    }

    fn clients(&self) -> String {
        py::Repr::repr(&self.clients)
    }

    fn clients_dict(&self) -> Option<Vec<(SocketAddr, Socket)>> {
        Some(self.clients.sockets())
    }
}

/// `cs = ChatServer(); cs.start()`: returns once the server listens on `addr`.
pub fn start(addr: SocketAddr) -> py::Result<Arc<dyn crate::stage::Server>> {
    let cs = ChatServer::new(addr)?;
    cs.start()?;
    Ok(cs)
}
