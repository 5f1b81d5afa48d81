//! Exercise 2.leaver · reference solution · stage 2, with a client that has left removed.
//!
//! The only change from `stages/stage2_threaded.rs` (`netlab diff 2 2.leaver`): `recv()`
//! tells when its client has left, `b''` once it closed, ConnectionResetError once it
//! reset, and then takes it out of the dict, closes its socket and ends its thread. No
//! empty broadcast goes out, and no later sender meets a dead socket.
//!
//! What it still has of stage 2: `recv(1024)` framing, and no lock: a client that comes
//! or goes while a broadcast iterates the dict still raises RuntimeError (exercise
//! 5.race), and a broadcast that meets a client in the instant it closes still dies of
//! BrokenPipeError (exercise 7.leaver).

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
            // b'' means the client closed its side, ConnectionResetError that it reset: either
            // way it has left. Take it out of the dict and close its socket (客户端已经离开).
            let data = match sock.recv(1024) {
                Ok(data) if !data.is_empty() => data, // 阻塞到数据的到来
                _ => {
                    self.clients.pop(&client)?;
                    sock.close();
                    info!("{} quits", py::addr_repr(&client));
                    return Ok(());
                }
            };
            let msg = format!(
                "{} {}:{}\n{}\n",
                Local::now().format("%Y%m/%d %H:%M:%S"),
                client.ip(),
                client.port(),
                py::decode(&data)?
            );
            info!("{msg}");
            let msg = msg.into_bytes();
            // A client that left has taken itself out of the dict above.
            // But if the accept thread adds a client while this loop runs, the next step
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
