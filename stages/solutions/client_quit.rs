//! Exercise client.quit · reference solution · the client, ended at once by `quit` and by a
//! server that goes away.
//!
//! The change from `stages/stage7_client.rs` (`netlab diff client client.quit`): `stop()`
//! shuts the socket down before it closes it, which wakes the recv thread (its `recv()`
//! returns `b''`) and sends FIN, so the server sees the client leave; the notes' 3 s wait
//! goes. And the recv loop ends on `b''`, which is what `recv()` returns once the server
//! has closed, instead of logging it again and again.

use crate::py::{self, Event, Socket, Thread};
use chrono::Local;
use log::{error, info};
use std::net::{Shutdown, SocketAddr};
use std::sync::Arc;

/// The chat client of the notes (their class name).
pub struct ChatServer {
    /// The client's socket, connected by `start()`.
    sock: Socket,
    /// The server's address: the notes' `(ip, port)`, also printed in every log header.
    addr: SocketAddr,
    /// Set by `stop()`, after its 3 s wait; the recv loop checks it.
    event: Event,
}

impl ChatServer {
    /// `__init__`
    pub fn new(addr: SocketAddr) -> py::Result<Arc<ChatServer>> {
        Ok(Arc::new(ChatServer {
            sock: Socket::new(&addr)?,
            addr,
            event: Event::new(),
        }))
    }

    /// Connects, announces itself, and starts the recv thread.
    pub fn start(self: &Arc<Self>) -> py::Result<()> {
        self.sock.connect(self.addr)?;
        self.send("I'm ready")?;
        // 准备接收数据,recv是阻塞的,开启新的线程
        let cc = Arc::clone(self);
        Thread::new("recv", move || cc.recv()).start()?;
        Ok(())
    }

    /// 接收客户端的数据
    fn recv(&self) -> py::Result<()> {
        while !self.event.is_set() {
            // Once the server has closed (or stop() has shut the socket down), recv() returns
            // b'': the loop ends there.
            let data = match self.sock.recv(1024) {
                Ok(data) if data.is_empty() => break,
                Ok(data) => data,
                Err(e) => {
                    error!("{}", e.str()); // logging.error(e)
                    break;
                }
            };
            // The header shows self.addr, the server, whoever sent the message.
            let msg = format!(
                "{} {}:{}\n{}\n",
                Local::now().format("%Y%m/%d %H:%M:%S"),
                self.addr.ip(),
                self.addr.port(),
                py::bytes_repr(py::strip_bytes(&data))
            );
            info!("{msg}");
        }
        Ok(())
    }

    /// Sends one line: stripped, plus the `\n` the server's readline() waits for.
    pub fn send(&self, msg: &str) -> py::Result<()> {
        let data = format!("{}\n", py::strip(msg)); // 服务端需要一个换行符
        self.sock.send(data.as_bytes())?;
        Ok(())
    }

    /// Shuts the socket down and closes it, and stops the loop: shutdown() wakes the recv
    /// thread blocked in recv() and sends FIN, so the server sees the client leave.
    pub fn stop(&self) {
        self.event.set();
        let _ = self.sock.shutdown(Shutdown::Both); // 唤醒阻塞的 recv()
        self.sock.close();
        info!("Client stops");
    }
}

// ---- netlab: the interface the CLI and the tests use ----

impl crate::stage::ChatClient for ChatServer {
    fn local_addr(&self) -> SocketAddr {
        self.sock.getsockname().unwrap_or(self.addr)
    }

    fn send(&self, line: &str) -> py::Result<()> {
        ChatServer::send(self, line)
    }

    fn stop(&self) {
        ChatServer::stop(self)
    }

    fn socket(&self) -> &Socket {
        &self.sock
    }
}

/// `cc = ChatServer(); cc.start()`: returns once connected and announced.
pub fn start(addr: SocketAddr) -> py::Result<Arc<dyn crate::stage::ChatClient>> {
    let cc = ChatServer::new(addr)?;
    cc.start()?;
    Ok(cc)
}
