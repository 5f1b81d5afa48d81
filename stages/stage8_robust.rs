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
use crate::py::{self, Dict, Event, File, Lock, Queue, Socket, Thread};
use chrono::Local;
use log::{error, info};
use std::net::{Shutdown, SocketAddr};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

/// What waits to be written to one client: in Python, a `queue.Queue()` and an int.
pub struct Outbox {
    /// The messages, in order; `None` tells the writer thread to end.
    queue: Queue<Option<String>>,
    /// How many bytes the queue holds.
    pending: AtomicUsize,
    /// Set once the client has been disconnected for not reading: nothing more is queued.
    dropped: AtomicBool,
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
        self.sock.listen(128)?; // 监听: room for a class that connects at once
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
                queue: Queue::new(),
                pending: AtomicUsize::new(0),
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
                {
                    let _lock = self.lock.acquire(); // with self.lock:
                    let (_, _, outbox) = self.clients.pop(&client)?;
                    // The writer thread writes what is still queued for this client, then
                    // closes its file and socket.
                    outbox.queue.put(None);
                }
                info!("{} quits", py::addr_repr(&client));
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
            {
                let _lock = self.lock.acquire(); // with self.lock:
                for c in self.clients.values() {
                    let (_, s, outbox) = c?;
                    if outbox.dropped.load(Ordering::SeqCst) {
                        continue;
                    }
                    let pending = outbox.pending.load(Ordering::SeqCst);
                    if pending > self.limits.max_pending {
                        let who = s.getpeername().map_or("?".into(), |a| py::addr_repr(&a));
                        error!("{}", policy::not_reading(&who, pending, self.limits.max_pending));
                        outbox.dropped.store(true, Ordering::SeqCst);
                        let _ = s.shutdown(Shutdown::Both);
                        continue;
                    }
                    outbox.pending.fetch_add(msg.len(), Ordering::SeqCst);
                    outbox.queue.put(Some(msg.clone()));
                }
            }
        }
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
    /// `<queue.Queue: 1024 bytes waiting>`, as the console's `logging.info(cs.clients)` shows it.
    fn repr(&self) -> String {
        format!(
            "<queue.Queue: {} bytes waiting>",
            self.pending.load(Ordering::SeqCst)
        )
    }
}

/// A client's writer thread: writes what its outbox holds, in order, everything queued
/// at once in one write, until told to end (the client has left: what was queued before
/// still goes out) or until a write fails (the client has gone); then closes the client's
/// file and socket.
fn write(f: File, sock: Socket, outbox: Arc<Outbox>) -> py::Result<()> {
    let mut open = true;
    while open {
        let Some(first) = outbox.queue.get() else {
            break;
        };
        let mut batch = first;
        while let Some(more) = outbox.queue.get_nowait() {
            match more {
                Some(msg) => batch.push_str(&msg),
                None => {
                    open = false;
                    break;
                }
            }
        }
        let sent = f.write(&batch).and_then(|()| f.flush());
        outbox.pending.fetch_sub(batch.len(), Ordering::SeqCst);
        if sent.is_err() {
            break;
        }
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
