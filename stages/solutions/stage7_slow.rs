//! Exercise 7.slow · reference solution · stage 7, where a client that never reads holds
//! no one up.
//!
//! The change from `stages/stage7_full_server.rs` (`netlab diff 7 7.slow`): each client
//! gets an outbox (a `queue.Queue` and the number of bytes in it) and a thread of its own
//! that writes what the outbox holds. The broadcast, under the lock as before, only puts
//! the message in every outbox, which never blocks; the writer threads flush outside the
//! lock, each at its own client's pace. A client with more than `OUTBOX_LIMIT` waiting is
//! disconnected with a log line, so what waits for a client that never reads stays
//! bounded (Redis' client output buffer limit and NATS' slow consumers follow the same
//! rule).
//!
//! What it still has of stage 7: `stop()` blocks (exercise 7.stop), a blank line
//! disconnects.

use crate::py::{self, Dict, Event, File, Lock, Queue, Socket, Thread};
use chrono::Local;
use log::{error, info};
use std::net::{Shutdown, SocketAddr};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

/// The most bytes that may wait for one client: a client with more than this waiting
/// when a new message comes is disconnected, so that at most this, and one message, wait
/// for it. A real server would make this configurable.
pub const OUTBOX_LIMIT: usize = 1 << 20;

/// What waits to be written to one client: in Python, a `queue.Queue()` and an int.
pub struct Outbox {
    /// The messages, in order; `None` tells the writer thread to end.
    queue: Queue<Option<String>>,
    /// How many bytes the queue holds.
    pending: AtomicUsize,
    /// Set once the client has been disconnected for not reading: nothing more is queued.
    dropped: AtomicBool,
}

/// The chat server of the notes.
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
    /// Taken around every change to `clients`, by `stop()`, and around the whole broadcast.
    lock: Lock,
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
        }))
    }

    /// 启动监听
    pub fn start(self: &Arc<Self>) -> py::Result<()> {
        self.sock.bind(self.addr)?; // 绑定
        self.sock.listen(5)?; // 监听
        // accept() blocks until a client connects, so it gets a thread of its own
        // (accept会阻塞主线程,所以开启一个新线程).
        let cs = Arc::clone(self);
        Thread::new("accept", move || cs.accept()).start()?;
        Ok(())
    }

    /// 多人连接
    fn accept(self: &Arc<Self>) -> py::Result<()> {
        // The event is checked only between two accept() calls: a blocked accept() does not
        // see stop() until one more client connects.
        while !self.event.is_set() {
            let (sock, client) = self.sock.accept()?; // 阻塞
            let f = sock.makefile(); // 支持读写: makefile('rw')
            let outbox = Arc::new(Outbox {
                queue: Queue::new(),
                pending: AtomicUsize::new(0),
                dropped: AtomicBool::new(false),
            });
            {
                let _lock = self.lock.acquire(); // with self.lock:
                self.clients.insert(client, (f.clone(), sock.clone(), outbox.clone())); // 添加到客户端字典
            }
            // readline() blocks too: one more thread for each client.
            let cs = Arc::clone(self);
            let reader = f.clone();
            Thread::new(format!("recv {client}"), move || cs.recv(reader, client)).start()?;
            // And one that writes to it: flush() blocks while this client does not read,
            // and only this thread waits for it.
            Thread::new(format!("write {client}"), move || write(f, sock, outbox)).start()?;
        }
        Ok(())
    }

    /// 接受客户端数据
    fn recv(&self, f: File, client: SocketAddr) -> py::Result<()> {
        while !self.event.is_set() {
            // One whole line, however TCP split it, with `\r\n` turned into `\n`; a last line
            // without `\n` before the client closes; '' once it has closed. A reset or invalid
            // UTF-8 raises here: the error is logged and handled as if the client sent `quit`.
            let data = match f.readline() {
                Ok(line) => line, // 阻塞到数据的到来
                Err(e) => {
                    error!("{}", e.str()); // logging.error(e)
                    "quit".to_string()
                }
            };
            let msg = py::strip(&data);
            py::print(format!("{msg} +++++++++++++++++++"));
            // 客户端退出命令: `quit`, or '' once the client has closed (主动断开得到空串).
            // strip() turns a blank line into '' too, so an empty line disconnects.
            if msg == "quit" || msg.is_empty() {
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
            // blocks: it only puts the message in each client's outbox. A client whose outbox
            // is full has not read for too long: it is disconnected (its threads end when its
            // socket is shut down), and its messages are no longer kept.
            {
                let _lock = self.lock.acquire(); // with self.lock:
                for c in self.clients.values() {
                    let (_, s, outbox) = c?;
                    if outbox.dropped.load(Ordering::SeqCst) {
                        continue;
                    }
                    let pending = outbox.pending.load(Ordering::SeqCst);
                    if pending > OUTBOX_LIMIT {
                        error!(
                            "{} does not read: {pending} bytes wait for it, the limit is \
                             {OUTBOX_LIMIT}; disconnected",
                            s.getpeername().map_or("?".into(), |a| py::addr_repr(&a))
                        );
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

    /// 停止服务: the console's `quit` calls it.
    pub fn stop(&self) -> py::Result<()> {
        self.event.set();
        // close() does not wake a thread blocked in recv() or accept() on the socket, and
        // sends no FIN while such a call holds it: the clients notice nothing yet.
        {
            let _lock = self.lock.acquire(); // with self.lock:
            for c in self.clients.values() {
                let (f, s, outbox) = c?;
                outbox.queue.put(None);
                s.close();
                // Waits for a readline() in progress on the client's thread, holding the lock
                // meanwhile (python-originals §12 M2): stop() returns only when every client has sent
                // a line or left.
                f.close();
            }
        }
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

/// A client's writer thread: writes what its outbox holds, in order, until told to end
/// (the client has left: what was queued before still goes out) or until a write fails
/// (the client has gone); then closes the client's file and socket.
fn write(f: File, sock: Socket, outbox: Arc<Outbox>) -> py::Result<()> {
    while let Some(msg) = outbox.queue.get() {
        let sent = f.write(&msg).and_then(|()| f.flush());
        outbox.pending.fetch_sub(msg.len(), Ordering::SeqCst);
        if sent.is_err() {
            break;
        }
    }
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
