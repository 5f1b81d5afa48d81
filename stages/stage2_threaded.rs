//! Stage 2 · 实战: 写一个群聊程序 · a thread per client, every message broadcast to everyone.
//!
//! The notes' first `ChatServer`: `start()` binds and listens, an `accept` thread puts
//! every new client in `clients`, and one `recv` thread per client sends whatever that
//! client sends to every client, the sender included, behind a header line
//! `"{time} {ip}:{port}\n"`.
//!
//! Flaws this stage keeps on purpose (docs/en/stage2-threaded.md shows each one):
//! - a client that leaves stays in `clients`; its thread dies on a broken pipe, and then
//!   every sender's thread dies when its broadcast reaches the dead socket;
//! - a client that half-closes makes `recv()` return `b''` forever: a busy loop;
//! - `recv(1024)` is not a message: a long line arrives in pieces, two lines in one piece,
//!   and a character cut at byte 1024 cannot be decoded;
//! - nothing can stop it but Ctrl-C.

use crate::py::{self, Dict, Socket, Thread};
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
}

impl ChatServer {
    /// `__init__`: 启动服务
    pub fn new(addr: SocketAddr) -> py::Result<Arc<ChatServer>> {
        Ok(Arc::new(ChatServer {
            sock: Socket::new(&addr)?,
            addr,
            clients: Dict::new(), // 客户端
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
        loop {
            let (sock, client) = self.sock.accept()?; // 阻塞
            self.clients.insert(client, sock.clone()); // 添加到客户端字典
            // recv() blocks too: one more thread for each client.
            let cs = Arc::clone(self);
            Thread::new(format!("recv {client}"), move || cs.recv(sock, client)).start()?;
        }
    }

    /// 接受客户端数据
    fn recv(&self, sock: Socket, client: SocketAddr) -> py::Result<()> {
        loop {
            // Whatever has arrived, up to 1024 bytes: a piece of a line, or several lines.
            // b'' means the client closed its side; nothing here checks for it (stage 4 does),
            // so a closed client gets an empty broadcast, and recv() returns b'' again at once.
            let data = sock.recv(1024)?; // 阻塞到数据的到来
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
    }

    /// 停止服务: defined by the notes, but nothing calls it in this stage.
    pub fn stop(&self) -> py::Result<()> {
        for s in self.clients.values() {
            s?.close();
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
