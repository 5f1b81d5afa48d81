//! Stage 5 · 加锁后的代码 · a `threading.Lock` around the clients dict.
//!
//! The notes explain that one dict operation is atomic but iterating is not, and add a
//! lock: taken to add a client, to pop one, and in `stop()`. The console now logs the
//! live threads and the clients for any line other than `quit`.
//!
//! Flaws this stage keeps on purpose (docs/en/stage5-lock.md shows each one):
//! - the broadcast loop iterates `clients` without the lock, so the
//!   `RuntimeError: dictionary changed size during iteration` of stage 4 still happens:
//!   a lock protects only the code that takes it;
//! - a reset or invalid UTF-8 still kills the thread and leaves the client behind;
//! - `recv(1024)` framing, a blank line disconnects, `quit` does not end the program.

use crate::py::{self, Dict, Event, Lock, Socket, Thread};
use chrono::Local;
use log::info;
use std::net::SocketAddr;
use std::sync::Arc;

/// The chat server of the notes.
pub struct ChatServer {
    /// The listening socket, created with the server and bound by `start()`.
    sock: Socket,
    /// Where to listen: the notes' `(ip, port)` tuple.
    addr: SocketAddr,
    /// Every accepted client, by address: whom each message goes to.
    clients: Dict<SocketAddr, Socket>,
    /// Set by `stop()`: every loop checks it before it blocks again.
    event: Event,
    /// Taken around every change to `clients`, and by `stop()` (not by the broadcast).
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
            {
                let _lock = self.lock.acquire(); // with self.lock:
                self.clients.insert(client, sock.clone()); // 添加到客户端字典
            }
            // recv() blocks too: one more thread for each client.
            let cs = Arc::clone(self);
            Thread::new(format!("recv {client}"), move || cs.recv(sock, client)).start()?;
        }
        Ok(())
    }

    /// 接受客户端数据
    fn recv(&self, sock: Socket, client: SocketAddr) -> py::Result<()> {
        while !self.event.is_set() {
            // Whatever has arrived, up to 1024 bytes: a piece of a line, or several lines.
            // A reset client raises ConnectionResetError here, which ends this thread and
            // leaves the client in the dict.
            let data = sock.recv(1024)?; // 阻塞到数据的到来
            let text = py::decode(&data)?;
            let msg = py::strip(&text);
            // 客户端退出命令: `quit`, or '' once the client has closed (主动断开得到空串).
            // strip() turns a blank line into '' too, so an empty line disconnects.
            if msg == "quit" || msg.is_empty() {
                {
                    let _lock = self.lock.acquire(); // with self.lock:
                    self.clients.pop(&client)?;
                    sock.close();
                }
                info!("{} quits", py::addr_repr(&client));
                break;
            }
            let msg = format!(
                "{} {}:{}\n{}\n",
                Local::now().format("%Y%m/%d %H:%M:%S"),
                client.ip(),
                client.port(),
                py::decode(&data)?
            );
            info!("{msg}");
            let msg = msg.into_bytes();
            // A client whose thread died (reset, bad UTF-8) is still in the dict: sending to a
            // reset one raises BrokenPipeError, which ends this thread, whoever the sender was.
            // This loop does not take the lock: if another thread adds or pops a client while
            // it runs, the next step still raises RuntimeError: dictionary changed size during
            // iteration. The lock protects only code that takes it (stage 6 takes it here).
            for s in self.clients.values() {
                s?.send(&msg)?;
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
            for s in self.clients.values() {
                s?.close();
            }
        }
        self.sock.close();
        Ok(())
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
