//! Exercise 3.quit · reference solution · stage 3, whose `quit` ends the program.
//!
//! The only change from `stages/stage3_event.rs` (`netlab diff 3 3.quit`): `stop()` shuts
//! every socket down before it closes it. Unlike `close()`, `shutdown()` acts on the
//! connection itself: the client sees EOF at once, a thread blocked in `recv()` on it
//! returns `b''`, and `accept()` on the listening socket fails. The loops then see the
//! event set and end, and the program ends after the notes' 3 s pause.
//!
//! What it still has of stage 3: a client that leaves stays in the dict (exercise
//! 2.leaver), a half-closed client makes `recv()` spin, `recv(1024)` framing.

use crate::py::{self, Dict, Event, Socket, Thread};
use chrono::Local;
use log::info;
use std::net::{Shutdown, SocketAddr};
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
}

impl ChatServer {
    /// `__init__`: 启动服务
    pub fn new(addr: SocketAddr) -> py::Result<Arc<ChatServer>> {
        Ok(Arc::new(ChatServer {
            sock: Socket::new(&addr)?,
            addr,
            clients: Dict::new(), // 客户端
            event: Event::new(),
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
            let (sock, client) = match self.sock.accept() {
                Ok(accepted) => accepted, // 阻塞
                // stop() shut the listening socket down: accept() fails, and the loop ends.
                Err(_) if self.event.is_set() => break,
                Err(e) => return Err(e),
            };
            self.clients.insert(client, sock.clone()); // 添加到客户端字典
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
            // b'' means the client closed its side; nothing here checks for it (stage 4 does),
            // so a closed client gets an empty broadcast, and recv() returns b'' again at once.
            let data = sock.recv(1024)?; // 阻塞到数据的到来
            // stop() shut this socket down, and recv() returned: the server is stopping.
            if self.event.is_set() {
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
            // A client that left is still in the dict: sending to it raises BrokenPipeError,
            // which ends this thread, whoever the sender was (stage 4 removes clients that leave).
            // And if the accept thread adds a client while this loop runs, the next step
            // raises RuntimeError: dictionary changed size during iteration (see stage 5).
            for s in self.clients.values() {
                s?.send(&msg)?;
            }
        }
        Ok(())
    }

    /// 停止服务: the console's `quit` calls it.
    pub fn stop(&self) -> py::Result<()> {
        self.event.set();
        // close() alone does not wake a thread blocked in recv() or accept() on the socket;
        // shutdown() does, and sends FIN: every client sees its connection close.
        for s in self.clients.values() {
            let s = s?;
            let _ = s.shutdown(Shutdown::Both); // 唤醒阻塞的 recv()
            s.close();
        }
        let _ = self.sock.shutdown(Shutdown::Both); // 唤醒阻塞的 accept()
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
