//! `Socket`: a Python `socket.socket`, with the semantics the notes run into.
//!
//! A Python socket is one object that several threads may hold: the accept thread puts it
//! in `clients`, the client's recv thread reads from it, `stop()` closes it. Three rules
//! of CPython on Linux matter for the stages, and `Socket` keeps all three:
//!
//! * `close()` from another thread neither wakes a thread blocked in `recv()` or
//!   `accept()` on that socket nor sends FIN: the OS socket stays open until the blocked
//!   call returns (python-originals §12 M3). Here the OS socket is an `Arc` that a blocked call
//!   holds a clone of; `close()` drops only the socket object's own reference.
//! * After `close()`, every call raises `OSError: [Errno 9] Bad file descriptor`.
//! * While a `makefile()` is open, `close()` only marks the socket closed; the OS socket
//!   closes when the file object closes too.

use super::interpreter::{self, blocking};
use super::{Call, Exception, File, Result};
use crate::sync::lock;
use socket2::{Domain, SockAddr, Type};
use std::fmt;
use std::io::{self, Read};
use std::net::{Shutdown, SocketAddr};
use std::os::fd::AsRawFd;
use std::panic::Location;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// How many times in a row `recv()` may return `b''` before netlab stops the loop that
/// keeps calling it. After the peer's FIN, `recv()` returns `b''` at once, every time: a
/// loop that does not check for it (stages 2-3, the client) spins at full speed, tens of
/// thousands of times a second in Python (python-originals §4, §11). netlab lets the flaw show
/// this many times, then raises [`SPIN_STOPPED`] to end that thread.
pub const SPIN_LIMIT: usize = 20;

/// The class of the exception netlab raises to end a spinning `recv()` loop.
pub const SPIN_STOPPED: &str = "netlab.SpinStopped";

/// Why an `accept()` stays blocked after `close()`.
fn why_accept() -> String {
    crate::tr!("why-accept")
}
/// Why a `recv()` (or a `readline()`, which calls it) stays blocked, for `call`.
fn why_recv(call: &str) -> String {
    crate::tr!("why-recv", call = call)
}
/// Why a `send()` stays blocked.
fn why_send() -> String {
    crate::tr!("why-send")
}

/// A Python socket object: shared by every thread that holds a clone of it.
#[derive(Clone)]
pub struct Socket(Arc<Inner>);

struct Inner {
    state: Mutex<State>,
    /// `AF_INET` or `AF_INET6`, for the repr.
    family: i32,
    /// Consecutive `recv()` calls that returned `b''`: what the spin guard counts.
    empty_reads: AtomicUsize,
    /// Bytes `recv()` (or a makefile's `readline()`) has returned in all, and bytes the
    /// kernel took from `send()`/`sendall()`: the live view's per-connection counters.
    /// Python keeps no such count; two relaxed atomic adds per call cost nothing a class
    /// could measure, and nothing reads them but the view.
    received: AtomicU64,
    sent: AtomicU64,
    /// `setblocking(False)` was called: calls return at once (raising `BlockingIOError`
    /// when they would wait), so netlab does not record them as blocking.
    nonblocking: AtomicBool,
}

/// A value of the clients dict that holds a client's socket: the socket itself (stages
/// 2-5), or its makefile and socket (stages 6-7). The view reads the socket of each entry.
pub(crate) trait HoldsSocket {
    fn socket(&self) -> &Socket;
}

impl Socket {
    /// The socket objects of `interp` that still exist, in the order they were made: what
    /// the live view lists per connection. The caller holds each only while it reads it:
    /// if the program drops its last reference meanwhile, the OS socket closes when the
    /// caller lets go, microseconds later, as `logging.info(cs.clients)` would hold it.
    pub(crate) fn all_of(interp: &super::Interpreter) -> Vec<Socket> {
        interp
            .socket_objects::<Inner>()
            .into_iter()
            .map(Socket)
            .collect()
    }
}

impl HoldsSocket for Socket {
    fn socket(&self) -> &Socket {
        self
    }
}

impl HoldsSocket for (File, Socket) {
    fn socket(&self) -> &Socket {
        &self.1
    }
}

/// A makefile, a socket and what else an exercise's solution keeps per client (a queue).
impl<T> HoldsSocket for (File, Socket, T) {
    fn socket(&self) -> &Socket {
        &self.1
    }
}

struct State {
    /// The OS socket, shared with every call in progress on it; `None` once really closed.
    os: Option<Arc<socket2::Socket>>,
    /// `close()` was called (the OS socket may stay open for a makefile or a blocked call).
    closed: bool,
    /// Open `makefile()` objects, which keep the OS socket open (CPython's `_io_refs`).
    io_refs: usize,
    /// The file descriptor number, for the repr.
    fd: i32,
    /// The local and peer addresses, remembered so reports can name a closed socket.
    laddr: Option<SocketAddr>,
    raddr: Option<SocketAddr>,
}

/// Turns an OS error into the Python exception raised at `at` (a stage file line).
fn raise(at: &'static Location<'static>) -> impl Fn(io::Error) -> Exception {
    move |err| {
        let mut e = Exception::os(&err);
        e.at = Some(at);
        e
    }
}

/// Retries a call that a signal interrupted, as CPython does since PEP 475.
fn retry<T>(mut call: impl FnMut() -> io::Result<T>) -> io::Result<T> {
    loop {
        match call() {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

impl Socket {
    /// `socket.socket()`: a TCP socket of the address family of `addr` (Python's default
    /// is IPv4; netlab also takes an IPv6 `--host`). No options are set here (Rust's
    /// `TcpListener::bind` would set SO_REUSEADDR behind your back); [`Socket::bind`]
    /// sets SO_REUSEADDR only where the program asks for it.
    #[track_caller]
    pub(crate) fn new(addr: &SocketAddr) -> Result<Socket> {
        let at = Location::caller();
        let os = socket2::Socket::new(Domain::for_address(*addr), Type::STREAM, None)
            .map_err(raise(at))?;
        Ok(Socket::wrap(os, None))
    }

    pub(crate) fn wrap(os: socket2::Socket, raddr: Option<SocketAddr>) -> Socket {
        let os = Arc::new(os);
        interpreter::current().register_socket(&os);
        let laddr = os.local_addr().ok().and_then(|a| a.as_socket());
        let family = match laddr {
            Some(SocketAddr::V6(_)) => nix::libc::AF_INET6,
            _ => nix::libc::AF_INET,
        };
        let sock = Socket(Arc::new(Inner {
            family,
            empty_reads: AtomicUsize::new(0),
            received: AtomicU64::new(0),
            sent: AtomicU64::new(0),
            nonblocking: AtomicBool::new(false),
            state: Mutex::new(State {
                fd: os.as_raw_fd(),
                os: Some(os),
                closed: false,
                io_refs: 0,
                laddr,
                raddr,
            }),
        }));
        interpreter::current().register_socket_object(Arc::downgrade(&sock.0) as _);
        sock
    }

    /// The OS socket for one call, or EBADF if this socket object is closed.
    fn os(&self, at: &'static Location<'static>) -> Result<Arc<socket2::Socket>> {
        lock(&self.0.state).os.clone().ok_or_else(|| {
            let mut e = Exception::bad_file_descriptor();
            e.at = Some(at);
            e
        })
    }

    /// `sock.bind(addr)`. In a program whose interpreter asks for it (netlab's stage
    /// servers, unless `--no-reuseaddr`), the socket first sets SO_REUSEADDR, which the
    /// notes' code does not: see [`interpreter::Interpreter::reuse_addr`].
    #[track_caller]
    pub(crate) fn bind(&self, addr: SocketAddr) -> Result<()> {
        let at = Location::caller();
        let os = self.os(at)?;
        // netlab's one departure from the notes' sockets, for the classroom: without it,
        // `netlab stage 4` right after `netlab stage 3` (with clients) on the same port
        // fails for about 60 s, while the connections the server closed wait in TIME-WAIT.
        // The kernel checks the option at bind(), so it goes before.
        if interpreter::current().reuse_addr() {
            os.set_reuse_address(true).map_err(raise(at))?;
        }
        os.bind(&SockAddr::from(addr)).map_err(raise(at))?;
        lock(&self.0.state).laddr = os.local_addr().ok().and_then(|a| a.as_socket());
        Ok(())
    }

    /// `sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)`: bind even though
    /// connections of an earlier run on this port wait in TIME-WAIT. The notes never set
    /// it; netlab's own stage 8 does.
    #[track_caller]
    pub(crate) fn set_reuse_address(&self) -> Result<()> {
        let at = Location::caller();
        self.os(at)?.set_reuse_address(true).map_err(raise(at))
    }

    /// `sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)`: send small writes at
    /// once instead of waiting (Nagle's algorithm) for the last one to be acknowledged,
    /// which costs a chat about 40 ms a message with delayed ACKs.
    #[track_caller]
    pub(crate) fn set_nodelay(&self) -> Result<()> {
        let at = Location::caller();
        self.os(at)?.set_tcp_nodelay(true).map_err(raise(at))
    }

    /// `sock.listen(backlog)`: the notes pass 5.
    #[track_caller]
    pub(crate) fn listen(&self, backlog: i32) -> Result<()> {
        let at = Location::caller();
        self.os(at)?.listen(backlog).map_err(raise(at))
    }

    /// `sock.accept()`: blocks until a client connects; returns its socket and address.
    #[track_caller]
    pub(crate) fn accept(&self) -> Result<(Socket, SocketAddr)> {
        let at = Location::caller();
        let os = self.os(at)?;
        let (conn, addr) = self
            .maybe_blocking(
                || Call::Accept {
                    on: show(self.getsockname()),
                },
                why_accept,
                || retry(|| os.accept()),
            )
            .map_err(raise(at))?;
        let addr = addr
            .as_socket()
            .ok_or_else(|| Exception::new("OSError", "accept() returned a non-IP address"))?;
        Ok((Socket::wrap(conn, Some(addr)), addr))
    }

    /// `sock.connect(addr)`
    #[track_caller]
    pub fn connect(&self, addr: SocketAddr) -> Result<()> {
        let at = Location::caller();
        let os = self.os(at)?;
        retry(|| os.connect(&SockAddr::from(addr))).map_err(raise(at))?;
        let mut state = lock(&self.0.state);
        state.laddr = os.local_addr().ok().and_then(|a| a.as_socket());
        state.raddr = Some(addr);
        Ok(())
    }

    /// `sock.recv(bufsize)`: blocks until data arrives; `b''` means the peer closed.
    #[track_caller]
    pub(crate) fn recv(&self, bufsize: usize) -> Result<Vec<u8>> {
        self.recv_in(bufsize, "recv()", Location::caller())
    }

    /// `recv()` on behalf of `call` (`recv()`, or a makefile's `readline()`), raising at `at`.
    pub(crate) fn recv_in(
        &self,
        bufsize: usize,
        call: &'static str,
        at: &'static Location<'static>,
    ) -> Result<Vec<u8>> {
        let mut buf = vec![0u8; bufsize];
        let n = self.recv_into_in(&mut buf, call, at)?;
        buf.truncate(n);
        Ok(buf)
    }

    /// `sock.recv_into(buffer)`: reads into `buf`, returns how many bytes; 0 means the peer
    /// closed. On a non-blocking socket, raises `BlockingIOError` when nothing is there.
    #[track_caller]
    pub(crate) fn recv_into(&self, buf: &mut [u8]) -> Result<usize> {
        self.recv_into_in(buf, "recv_into()", Location::caller())
    }

    fn recv_into_in(
        &self,
        buf: &mut [u8],
        call: &'static str,
        at: &'static Location<'static>,
    ) -> Result<usize> {
        let os = self.os(at)?;
        let n = self
            .maybe_blocking(
                || Call::Recv {
                    call,
                    from: show(self.getpeername()),
                },
                || why_recv(call),
                || retry(|| (&*os).read(buf)),
            )
            .map_err(raise(at))?;
        if n > 0 || buf.is_empty() {
            self.0.empty_reads.store(0, Ordering::Relaxed);
            self.0.received.fetch_add(n as u64, Ordering::Relaxed);
            return Ok(n);
        }
        let empties = self.0.empty_reads.fetch_add(1, Ordering::Relaxed) + 1;
        if empties > SPIN_LIMIT {
            // netlab's own exception: its message is netlab's explanation, in the class's
            // language (Python's exceptions keep their own messages).
            let mut e = Exception::new(
                SPIN_STOPPED,
                crate::tr!("spin-stopped", call = call, limit = SPIN_LIMIT),
            );
            e.at = Some(at);
            return Err(e);
        }
        Ok(0)
    }

    /// A call that may block, recorded as blocking (for reports and the view) unless the
    /// socket is non-blocking: then it returns at once, and recording it would only cost.
    fn maybe_blocking<R>(
        &self,
        what: impl FnOnce() -> Call,
        why: impl FnOnce() -> String,
        call: impl FnOnce() -> R,
    ) -> R {
        if self.0.nonblocking.load(Ordering::Relaxed) {
            call()
        } else {
            blocking(what, why, call)
        }
    }

    /// `sock.setblocking(flag)`: with `False`, every call returns at once, and one that
    /// would have to wait raises `BlockingIOError` instead (stage 9's sockets).
    #[track_caller]
    pub(crate) fn setblocking(&self, flag: bool) -> Result<()> {
        let at = Location::caller();
        self.os(at)?.set_nonblocking(!flag).map_err(raise(at))?;
        self.0.nonblocking.store(!flag, Ordering::Relaxed);
        Ok(())
    }

    /// `sock.fileno()`: the file descriptor, which a selector registers; -1 once closed.
    pub(crate) fn fileno(&self) -> i32 {
        lock(&self.0.state).fd
    }

    /// `sock.send(data)`: one send call; returns how many bytes the kernel took. The
    /// notes ignore the count (on Linux a blocking send takes everything).
    #[track_caller]
    pub fn send(&self, data: &[u8]) -> Result<usize> {
        let at = Location::caller();
        let os = self.os(at)?;
        let n = self
            .maybe_blocking(
                || Call::Send {
                    to: show(self.getpeername()),
                },
                why_send,
                || retry(|| os.send(data)),
            )
            .map_err(raise(at))?;
        self.0.sent.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }

    /// `sock.sendall(data)`: sends until every byte is taken.
    #[track_caller]
    pub(crate) fn sendall(&self, data: &[u8]) -> Result<()> {
        self.sendall_in(data, Location::caller())
    }

    pub(crate) fn sendall_in(&self, mut data: &[u8], at: &'static Location<'static>) -> Result<()> {
        let os = self.os(at)?;
        let peer = self.getpeername();
        while !data.is_empty() {
            let n = blocking(
                || Call::Send { to: show(peer) },
                why_send,
                || retry(|| os.send(data)),
            )
            .map_err(raise(at))?;
            self.0.sent.fetch_add(n as u64, Ordering::Relaxed);
            data = &data[n..];
        }
        Ok(())
    }

    /// `sock.close()`: the socket object is closed at once; the OS socket closes (and the
    /// peer sees FIN) when no call is still blocked on it and no makefile holds it.
    pub fn close(&self) {
        let mut state = lock(&self.0.state);
        state.closed = true;
        if state.io_refs == 0 {
            state.os = None;
            state.fd = -1;
        }
    }

    /// `sock.shutdown(how)`: unlike `close()`, this acts on the connection itself and
    /// wakes every thread blocked on it. The notes never call it; netlab's tools do.
    #[track_caller]
    pub(crate) fn shutdown(&self, how: Shutdown) -> Result<()> {
        let at = Location::caller();
        self.os(at)?.shutdown(how).map_err(raise(at))
    }

    /// `sock.makefile('rw')`: a text file object for line I/O over this socket.
    pub(crate) fn makefile(&self) -> File {
        lock(&self.0.state).io_refs += 1;
        File::new(self.clone())
    }

    /// A makefile was closed: the OS socket may now close, if the socket was closed too.
    pub(crate) fn decref_io(&self) {
        let mut state = lock(&self.0.state);
        state.io_refs = state.io_refs.saturating_sub(1);
        if state.closed && state.io_refs == 0 {
            state.os = None;
            state.fd = -1;
        }
    }

    /// `sock.getsockname()`, remembered even after close.
    pub(crate) fn getsockname(&self) -> Option<SocketAddr> {
        lock(&self.0.state).laddr
    }

    /// `sock.getpeername()`, remembered even after close.
    pub(crate) fn getpeername(&self) -> Option<SocketAddr> {
        lock(&self.0.state).raddr
    }

    /// Bytes received and bytes sent through this socket object so far (for the view).
    pub(crate) fn counters(&self) -> (u64, u64) {
        (
            self.0.received.load(Ordering::Relaxed),
            self.0.sent.load(Ordering::Relaxed),
        )
    }

    /// `close()` was called on the socket object (the OS socket may still be open).
    pub(crate) fn is_closed(&self) -> bool {
        lock(&self.0.state).closed
    }

    /// The OS socket, for netlab's own tools (socket options, shutdown); None once closed.
    pub(crate) fn os_socket(&self) -> Option<Arc<socket2::Socket>> {
        lock(&self.0.state).os.clone()
    }
}

fn show(addr: Option<SocketAddr>) -> String {
    addr.map_or_else(|| "?".to_string(), |a| a.to_string())
}

impl fmt::Display for Socket {
    /// CPython 3.11's repr: `<socket.socket fd=4, family=2, type=1, proto=0,
    /// laddr=('127.0.0.1', 60000), raddr=('127.0.0.1', 51234)>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = lock(&self.0.state);
        let family = self.0.family;
        if state.os.is_none() || (state.closed && state.io_refs == 0) {
            return write!(
                f,
                "<socket.socket [closed] fd=-1, family={family}, type=1, proto=0>"
            );
        }
        write!(
            f,
            "<socket.socket fd={}, family={family}, type=1, proto=0",
            state.fd
        )?;
        if let Some(a) = &state.laddr {
            write!(f, ", laddr={}", super::addr_repr(a))?;
        }
        if let Some(a) = &state.raddr {
            write!(f, ", raddr={}", super::addr_repr(a))?;
        }
        f.write_str(">")
    }
}

impl fmt::Debug for Socket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}
