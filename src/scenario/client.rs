//! `TestClient`: the one TCP client that tests, scenarios, the grader and the demos use.
//!
//! A reader thread collects everything the server sends, so the server never blocks on
//! this client unless the client is told not to read. The reader polls with a short
//! timeout instead of sharing a duplicated file descriptor, so that `close()` really
//! closes the connection: a server that later sends to it gets a reset, as it would from
//! a real program that exited.

use crate::sync::wait_while;
use socket2::{Domain, SockAddr, Socket, Type};
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How often the reader thread looks up from `recv()` to see if it should stop.
const POLL: Duration = Duration::from_millis(20);

/// How a connection ended, as seen by the client.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum End {
    /// The server closed the connection (recv returned 0 bytes).
    Eof,
    /// The connection was reset (RST): `ConnectionResetError` in Python.
    Reset,
    /// Another error, with its text.
    Error(String),
}

/// Options for [`TestClient::connect_with`].
#[derive(Clone, Copy, Debug)]
pub struct ClientOptions {
    /// Read what the server sends (true), or never read it (a client whose buffers fill up).
    pub read: bool,
    /// A receive buffer size (SO_RCVBUF) to set before connecting; small means "fills fast".
    pub recv_buffer: Option<usize>,
    /// Keep the received bytes (true), or only count them (floods would fill memory).
    pub keep: bool,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            read: true,
            recv_buffer: None,
            keep: true,
        }
    }
}

/// What the reader thread has seen so far.
#[derive(Default)]
struct Inbox {
    /// Every byte received, in order (unless the client only counts).
    data: Vec<u8>,
    /// How many bytes were received in all.
    count: usize,
    /// How the connection ended, once it has.
    end: Option<End>,
    /// When it ended: a report says how long after a step began.
    ended_at: Option<Instant>,
}

/// A client connection with a reader thread.
pub struct TestClient {
    /// The name scenarios and transcripts use for it: "A", "B", ...
    pub name: String,
    /// The client's own address: what the server's header shows for its messages.
    pub local: SocketAddr,
    /// The socket; `None` once closed.
    sock: Option<Arc<Socket>>,
    /// What was received, and a condition variable to wait for more.
    inbox: Arc<(Mutex<Inbox>, Condvar)>,
    /// Tells the reader thread to stop.
    stop: Arc<AtomicBool>,
    reader: Option<JoinHandle<()>>,
}

fn lock(inbox: &Mutex<Inbox>) -> MutexGuard<'_, Inbox> {
    inbox.lock().unwrap_or_else(|p| p.into_inner())
}

impl TestClient {
    /// Connects to `addr` and starts reading.
    pub fn connect(name: &str, addr: SocketAddr) -> io::Result<TestClient> {
        TestClient::connect_with(name, addr, ClientOptions::default())
    }

    /// Connects with `options`, waiting at most 5 s for the connection.
    pub fn connect_with(
        name: &str,
        addr: SocketAddr,
        options: ClientOptions,
    ) -> io::Result<TestClient> {
        TestClient::connect_within(name, addr, options, Duration::from_secs(5))
    }

    /// Connects with `options`, waiting at most `timeout` for the connection (a server
    /// whose listen backlog is full leaves a connect hanging).
    pub fn connect_within(
        name: &str,
        addr: SocketAddr,
        options: ClientOptions,
        timeout: Duration,
    ) -> io::Result<TestClient> {
        let sock = Socket::new(Domain::for_address(addr), Type::STREAM, None)?;
        if let Some(size) = options.recv_buffer {
            sock.set_recv_buffer_size(size)?;
        }
        sock.connect_timeout(&SockAddr::from(addr), timeout.max(Duration::from_millis(1)))?;
        sock.set_read_timeout(Some(POLL))?;
        sock.set_tcp_nodelay(true)?;
        let local = sock
            .local_addr()?
            .as_socket()
            .ok_or_else(|| io::Error::other("not an IP socket"))?;
        let sock = Arc::new(sock);
        let inbox = Arc::new((Mutex::new(Inbox::default()), Condvar::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let reader = if options.read {
            let (sock, inbox, stop) = (sock.clone(), inbox.clone(), stop.clone());
            Some(
                std::thread::Builder::new()
                    .name(format!("client {name}"))
                    .spawn(move || read_loop(&sock, &inbox, &stop, options.keep))?,
            )
        } else {
            None
        };
        Ok(TestClient {
            name: name.to_string(),
            local,
            sock: Some(sock),
            inbox,
            stop,
            reader,
        })
    }

    fn socket(&self) -> io::Result<&Arc<Socket>> {
        self.sock
            .as_ref()
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotConnected, "this client is closed"))
    }

    /// Sends all of `data` (blocks while the server does not read: the grader's steps use
    /// [`TestClient::send_within`]).
    pub fn send(&self, data: &[u8]) -> io::Result<()> {
        self.socket()?.as_ref().write_all(data)
    }

    /// Sends what fits within `timeout`: returns the bytes sent, fewer than `data.len()`
    /// when the connection stayed full that long (the server stopped reading).
    pub(crate) fn send_within(&self, data: &[u8], timeout: Duration) -> io::Result<usize> {
        let sock = self.socket()?;
        sock.set_write_timeout(Some(timeout.max(Duration::from_millis(1))))?;
        let mut sent = 0;
        let result = loop {
            if sent == data.len() {
                break Ok(sent);
            }
            match sock.as_ref().write(&data[sent..]) {
                Ok(n) => sent += n,
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                    ) =>
                {
                    break Ok(sent)
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => break Err(e),
            }
        };
        sock.set_write_timeout(None)?;
        result
    }

    /// Says `{name} joins` and waits until `witness` (this client itself, or another one
    /// that reads) receives it: a chat server sends a line only to the clients in its dict,
    /// and puts a client there before it reads from it, so this client is then registered,
    /// and so is every client that connected before it. False if it did not come in time.
    pub(crate) fn announce(&self, witness: &TestClient, timeout: Duration) -> bool {
        let line = format!("{} joins\n", self.name);
        self.send(line.as_bytes()).is_ok()
            && witness.wait_for_text(format!("\n{line}\n").as_bytes(), timeout)
    }

    /// Everything received so far.
    pub fn received(&self) -> Vec<u8> {
        lock(&self.inbox.0).data.clone()
    }

    /// How many bytes were received so far.
    pub fn received_count(&self) -> usize {
        lock(&self.inbox.0).count
    }

    /// How the connection ended, if it has.
    pub fn end(&self) -> Option<End> {
        lock(&self.inbox.0).end.clone()
    }

    /// When the connection ended, if it has.
    pub(crate) fn ended_at(&self) -> Option<Instant> {
        lock(&self.inbox.0).ended_at
    }

    /// Waits up to `timeout` until `done(received, end)` is true; returns whether it became true.
    pub(crate) fn wait_until(
        &self,
        timeout: Duration,
        mut done: impl FnMut(&[u8], Option<&End>) -> bool,
    ) -> bool {
        let (inbox, cond) = &*self.inbox;
        let state = wait_while(cond, lock(inbox), timeout, |state| {
            !done(&state.data, state.end.as_ref())
        });
        done(&state.data, state.end.as_ref())
    }

    /// Waits until at least `n` bytes have arrived in all (kept or only counted); false if
    /// the connection ends or `timeout` passes first.
    pub fn wait_for_bytes(&self, n: usize, timeout: Duration) -> bool {
        let (inbox, cond) = &*self.inbox;
        let state = wait_while(cond, lock(inbox), timeout, |state| {
            state.count < n && state.end.is_none()
        });
        state.count >= n
    }

    /// Waits until `needle` appears in what was received.
    pub fn wait_for_text(&self, needle: &[u8], timeout: Duration) -> bool {
        self.wait_until(timeout, |data, _| contains(data, needle))
    }

    /// Waits until the connection ends; returns how, or None on timeout.
    pub fn wait_end(&self, timeout: Duration) -> Option<End> {
        let mut end = None;
        self.wait_until(timeout, |_, e| {
            end = e.cloned();
            e.is_some()
        });
        end
    }

    /// For a client made not to read: reads at last, discarding what comes, until the
    /// connection ends or `timeout` passes. Returns the bytes read and how it ended.
    pub fn read_to_end(&self, timeout: Duration) -> (usize, Option<End>) {
        let Ok(sock) = self.socket() else {
            return (0, None);
        };
        let deadline = std::time::Instant::now() + timeout;
        let mut buf = vec![0u8; 64 * 1024];
        let mut total = 0;
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            if left.is_zero() || sock.set_read_timeout(Some(left.min(POLL))).is_err() {
                return (total, None);
            }
            match (&**sock).read(&mut buf) {
                Ok(0) => return (total, Some(End::Eof)),
                Ok(n) => total += n,
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock
                            | io::ErrorKind::TimedOut
                            | io::ErrorKind::Interrupted
                    ) => {}
                Err(e) if e.kind() == io::ErrorKind::ConnectionReset => {
                    return (total, Some(End::Reset))
                }
                Err(e) => return (total, Some(End::Error(e.to_string()))),
            }
        }
    }

    /// Closes the connection normally (FIN). A server that sends to it afterwards gets RST.
    /// What has already arrived is read first: closing a socket with unread bytes makes the
    /// kernel send RST instead of FIN, which is a different test.
    pub fn close(&mut self) {
        self.stop_reader();
        self.drain();
        self.sock = None;
    }

    /// Reads, without waiting, whatever is in the socket's receive buffer.
    fn drain(&self) {
        let Some(sock) = &self.sock else {
            return;
        };
        if sock.set_nonblocking(true).is_err() {
            return;
        }
        let mut buf = vec![0u8; 64 * 1024];
        while let Ok(n) = (&**sock).read(&mut buf) {
            if n == 0 {
                break;
            }
            let mut state = lock(&self.inbox.0);
            state.count += n;
            state.data.extend_from_slice(&buf[..n]);
            self.inbox.1.notify_all();
        }
    }

    /// Resets the connection (SO_LINGER 0, then close: the kernel sends RST, not FIN).
    pub fn reset(&mut self) -> io::Result<()> {
        self.socket()?.set_linger(Some(Duration::ZERO))?;
        self.close();
        Ok(())
    }

    /// Half-closes: sends FIN (`shutdown(SHUT_WR)`) but keeps reading.
    pub(crate) fn half_close(&self) -> io::Result<()> {
        self.socket()?.shutdown(Shutdown::Write)
    }

    fn stop_reader(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
    }
}

impl Drop for TestClient {
    fn drop(&mut self) {
        self.stop_reader();
    }
}

fn read_loop(sock: &Socket, inbox: &(Mutex<Inbox>, Condvar), stop: &AtomicBool, keep: bool) {
    let mut buf = vec![0u8; 64 * 1024];
    let end = loop {
        if stop.load(Ordering::SeqCst) {
            return;
        }
        match (&*sock).read(&mut buf) {
            Ok(0) => break End::Eof,
            Ok(n) => {
                let mut state = lock(&inbox.0);
                state.count += n;
                if keep {
                    state.data.extend_from_slice(&buf[..n]);
                }
                inbox.1.notify_all();
            }
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) => {}
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) if e.kind() == io::ErrorKind::ConnectionReset => break End::Reset,
            Err(e) => break End::Error(e.to_string()),
        }
    };
    {
        let mut state = lock(&inbox.0);
        state.end = Some(end);
        state.ended_at = Some(Instant::now());
    }
    inbox.1.notify_all();
}

/// Whether `haystack` contains `needle`.
pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    memchr::memmem::find(haystack, needle).is_some()
}
