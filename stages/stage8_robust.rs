//! Stage 8 · 健壮的多线程版本 · robust threads: stage 7 with every flaw fixed.
//!
//! Not a code block of the notes: netlab's own design, in the notes' shape (a thread
//! per client, the clients dict, the event and the lock), with each flaw that netlab
//! shows in stages 2-7 fixed, as the exercises fix them one by one (`netlab exercises`):
//!
//! - `stop()` shuts every socket down, which wakes the threads blocked in `accept()` and
//!   `readline()` (3.quit, 7.stop); `quit`, Ctrl-C and SIGTERM end the program at once;
//! - each client has an outbox and a writer thread; the broadcast only puts the message
//!   in each outbox, so it never blocks on a client that does not read; a client with
//!   more than `max_pending` bytes waiting is disconnected (7.slow); a writer writes
//!   everything queued for its client in one write;
//! - a write that fails concerns only the client written to (7.leaver);
//! - a reset, a line that is not UTF-8 or one longer than `max_line` removes that client,
//!   and the chat goes on (4.reset; `policy`);
//! - a blank line is a message; only `quit` or a closed connection removes (4.blank);
//! - the lock covers every access to the dict (5.race);
//! - TCP_NODELAY (no 40 ms wait for a small message), SO_REUSEADDR (a restart right after
//!   a run works), and at most `max_clients` clients (past them, one line and close).
//!
//! `netlab diff 7 8` shows all of it at once.

use crate::policy::{self, Limits};
use crate::py::{blocking, Call};
use crate::sync::{lock, wait_while};
use crate::py::{self, Dict, Event, File, Lock, Socket, Thread};
use chrono::Local;
use log::{error, info};
use std::net::{Shutdown, SocketAddr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

/// What waits to be written to one client: in Python, a `bytearray` guarded by a
/// `threading.Condition()`, which the writer thread waits on while it is empty.
pub struct Outbox {
    pending: Mutex<Pending>,
    ready: Condvar,
    /// Set once the client has been disconnected for not reading: nothing more is queued.
    dropped: AtomicBool,
}

/// The outbox's contents.
#[derive(Default)]
struct Pending {
    /// The messages not yet written, in order, one after the other.
    text: String,
    /// Bytes the writer took and is writing now.
    writing: usize,
    /// Set when the client has left: the writer writes what is left, then ends.
    closing: bool,
    /// The writer waits for text: the next `put()` must wake it.
    waiting: bool,
}

impl Outbox {
    /// Adds `msg`; true when the writer waits and must be woken (by `wake()`, once the
    /// caller has released the dict's lock, so that the woken writer does not take the
    /// CPU from a thread that holds it).
    fn put(&self, msg: &str) -> bool {
        let mut p = lock(&self.pending);
        p.text.push_str(msg);
        std::mem::take(&mut p.waiting)
    }

    /// Tells the writer to end once it has written what is queued.
    fn close(&self) {
        lock(&self.pending).closing = true;
        self.wake();
    }

    fn wake(&self) {
        self.ready.notify_one();
    }

    /// Bytes queued and not yet written, those being written included.
    fn len(&self) -> usize {
        let p = lock(&self.pending);
        p.text.len() + p.writing
    }

    /// Everything queued, once there is something; None once the client has left and
    /// everything has been written.
    fn take(&self) -> Option<String> {
        let mut p = lock(&self.pending);
        if p.text.is_empty() && !p.closing {
            p = blocking(
                || Call::Other("cond.wait()".to_string()),
                || crate::tr!("why-outbox-empty"),
                || {
                    p.waiting = true;
                    wait_while(&self.ready, p, Duration::from_secs(3600), |p| {
                        p.text.is_empty() && !p.closing
                    })
                },
            );
            p.waiting = false;
        }
        p.writing = p.text.len();
        if p.text.is_empty() {
            None
        } else {
            Some(std::mem::take(&mut p.text))
        }
    }

    /// The writer has written what it took.
    fn written(&self) {
        lock(&self.pending).writing = 0;
    }
}

/// The chat server, stage 8.
pub struct ChatServer {
    /// The listening socket, created with the server and bound by `start()`.
    sock: Socket,
    /// Where to listen: the notes' `(ip, port)` tuple.
    addr: SocketAddr,
    /// Every accepted client, by address: its file object (to write to), its socket, and
    /// its outbox, which its writer thread empties.
    clients: Dict<SocketAddr, (File, Socket, Arc<Outbox>)>,
    /// Set by `stop()`: every loop checks it before it blocks again.
    event: Event,
    /// Taken around every access to `clients`: adding, removing, the whole broadcast.
    lock: Lock,
    /// The longest line, the most bytes waiting for one client, the most clients.
    limits: Limits,
}

impl ChatServer {
    /// `__init__`: 启动服务
    pub fn new(addr: SocketAddr) -> py::Result<Arc<ChatServer>> {
        Ok(Arc::new(ChatServer {
            sock: Socket::new(&addr)?,
            addr,
            clients: Dict::new(), // 客户端
            event: Event::new(),
            lock: Lock::new(),
            limits: policy::limits(),
        }))
    }

    /// 启动监听
    pub fn start(self: &Arc<Self>) -> py::Result<()> {
        // A restart right after a run binds at once, whatever TIME-WAIT the last one left.
        self.sock.set_reuse_address()?;
        self.sock.bind(self.addr)?; // 绑定

        // 监听: room for a class that connects at once, and for a burst of connections while
        // the accept thread starts two threads for each (past the backlog, the kernel drops
        // a connect's SYN, and that client waits a second or more before it tries again).
        self.sock.listen(1024)?;
        let cs = Arc::clone(self);
        Thread::new("accept", move || cs.accept()).start()?;
        Ok(())
    }

    /// 多人连接
    fn accept(self: &Arc<Self>) -> py::Result<()> {
        while !self.event.is_set() {
            let (sock, client) = match self.sock.accept() {
                Ok(accepted) => accepted, // 阻塞
                // stop() shut the listening socket down: accept() fails, and the loop ends.
                Err(_) if self.event.is_set() => break,
                Err(e) => return Err(e),
            };
            // Small messages go out at once, not 40 ms later (Nagle and delayed ACKs).
            let _ = sock.set_nodelay();
            let f = sock.makefile(); // 支持读写: makefile('rw')
            let outbox = Arc::new(Outbox {
                pending: Mutex::default(),
                ready: Condvar::new(),
                dropped: AtomicBool::new(false),
            });
            {
                let _lock = self.lock.acquire(); // with self.lock:
                if self.clients.len() >= self.limits.max_clients {
                    let _ = sock.sendall(policy::server_full(self.limits.max_clients).as_bytes());
                    let _ = sock.shutdown(Shutdown::Both);
                    sock.close();
                    f.close();
                    continue;
                }
                self.clients.insert(client, (f.clone(), sock.clone(), outbox.clone())); // 添加到客户端字典
            }
            // readline() blocks: one thread for each client reads it...
            let cs = Arc::clone(self);
            let reader = f.clone();
            Thread::new(format!("recv {client}"), move || cs.recv(reader, client)).start()?;
            // ...and one writes to it: flush() blocks while this client does not read,
            // and only this thread waits for it.
            Thread::new(format!("write {client}"), move || write(f, sock, outbox)).start()?;
        }
        Ok(())
    }

    /// 接受客户端数据
    fn recv(&self, f: File, client: SocketAddr) -> py::Result<()> {
        while !self.event.is_set() {
            // One whole line, however TCP split it, with `\r\n` turned into `\n`; a last line
            // without `\n` before the client closes; '' once it has closed. A reset, a line
            // that is not UTF-8 or one too long raises here: the error is logged, a line too
            // long gets one line back, and the client is removed as if it sent `quit`.
            let data = match f.readline_limited(self.limits.max_line) {
                Ok(line) => line, // 阻塞到数据的到来
                Err(e) => {
                    error!("{}", e.str()); // logging.error(e)
                    if e.str().starts_with("line longer than") {
                        let _ = f.write(&policy::too_long(self.limits.max_line));
                        let _ = f.flush();
                    }
                    String::new()
                }
            };
            // 客户端退出命令: `quit`, or '' once the client has closed (主动断开得到空串).
            // A blank line is "\n", not '': it is a message.
            if data.is_empty() || py::strip(&data) == "quit" {
                break;
            }
            let msg = format!(
                "{} {}:{}\n{}\n",
                Local::now().format("%Y%m/%d %H:%M:%S"),
                client.ip(),
                client.port(),
                data
            );
            info!("{msg}");
            // The lock covers the loop, so the dict cannot change under it, and the loop never
            // blocks: it only puts the message in each client's outbox. A client with too much
            // waiting has not read for too long: it is disconnected (its threads end when its
            // socket is shut down), and nothing more is queued for it.
            // The writers that wait are woken once the lock is released.
            let mut wake = Vec::new();
            {
                let _lock = self.lock.acquire(); // with self.lock:
                for c in self.clients.values() {
                    let (_, s, outbox) = c?;
                    if outbox.dropped.load(Ordering::SeqCst) {
                        continue;
                    }
                    let pending = outbox.len();
                    if pending > self.limits.max_pending {
                        let who = s.getpeername().map_or("?".into(), |a| py::addr_repr(&a));
                        error!("{}", policy::not_reading(&who, pending, self.limits.max_pending));
                        outbox.dropped.store(true, Ordering::SeqCst);
                        let _ = s.shutdown(Shutdown::Both);
                        continue;
                    }
                    if outbox.put(&msg) {
                        wake.push(outbox);
                    }
                }
            }
            for outbox in wake {
                outbox.wake();
            }
        }
        // The client leaves, however the loop ended: `quit`, '', or the event, when stop()
        // came while this thread was busy with a message (its writer would wait for ever).
        {
            let _lock = self.lock.acquire(); // with self.lock:
            let (_, _, outbox) = self.clients.pop(&client)?;
            // The writer thread writes what is still queued for this client, then closes
            // its file and socket.
            outbox.close();
        }
        info!("{} quits", py::addr_repr(&client));
        Ok(())
    }

    /// 停止服务: the console's `quit`, Ctrl-C and SIGTERM call it.
    pub fn stop(&self) -> py::Result<()> {
        self.event.set();
        // shutdown() wakes the readline() of each client's thread (it returns '') and sends
        // FIN; each thread then leaves by the `quit` path. Nothing here waits for them.
        {
            let _lock = self.lock.acquire(); // with self.lock:
            for c in self.clients.values() {
                let (_, s, _) = c?;
                let _ = s.shutdown(Shutdown::Both); // 唤醒阻塞的 readline()
            }
        }
        let _ = self.sock.shutdown(Shutdown::Both); // 唤醒阻塞的 accept()
        self.sock.close();
        Ok(())
    }
}

impl py::Repr for Outbox {
    /// `<outbox: 1024 bytes waiting>`, as the console's `logging.info(cs.clients)` shows it.
    fn repr(&self) -> String {
        format!(
            "<outbox: {} bytes waiting>",
            self.len()
        )
    }
}

/// A client's writer thread: writes what its outbox holds, in order, everything queued
/// at once in one write, until told to end (the client has left: what was queued before
/// still goes out) or until a write fails (the client has gone); then closes the client's
/// file and socket.
fn write(f: File, sock: Socket, outbox: Arc<Outbox>) -> py::Result<()> {
    while let Some(batch) = outbox.take() {
        let sent = f.write(&batch).and_then(|()| f.flush());
        outbox.written();
        if sent.is_err() {
            break;
        }
        // Let the readers run before the next batch (Python: `time.sleep(0)`): what they
        // broadcast meanwhile goes out in the next write, instead of a thread switch and
        // a write for every message. Measured at 200 clients (`netlab bench`): 3 times
        // the deliveries a second of waking the writer for each message.
        std::thread::yield_now();
    }
    let _ = sock.shutdown(Shutdown::Both);
    f.close();
    sock.close();
    Ok(())
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
