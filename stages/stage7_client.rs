//! The client · TCP客户端编程 · the chat client that goes with stage 7.
//!
//! It connects, says `I'm ready`, and logs every `recv(1024)` on a thread named `recv`;
//! each line typed at its `>> ` prompt is stripped and sent with a `\n`, which the
//! line-based server needs. The notes name this class `ChatServer` too; netlab keeps it.
//!
//! Flaws this client keeps on purpose (docs/en/client.md shows each one):
//! - each log record's header shows the server's address, not the sender's, and the body
//!   is the repr of the stripped bytes (`b"...\nhello"`), one record per `recv()`;
//! - `quit` closes the socket under the blocked `recv()`: no FIN is sent, the thread does
//!   not wake, and the Python process hangs after "Client stops". netlab says so and exits;
//! - once the server closes, `recv()` returns `b''` forever and Python logs it in a busy
//!   loop; netlab stops after a few and exits;
//! - an empty typed line is sent as `\n`, which stages 4-7 take as a disconnect.

use crate::py::{self, Event, Socket, Thread};
use chrono::Local;
use log::{error, info};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

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
            // Once the server has closed, recv() returns b'' at once, every time, and this
            // loop logs it again and again: nothing checks for b''.
            let data = match self.sock.recv(1024) {
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

    /// Closes the socket, waits 3 s, stops the loop. The recv thread is blocked in recv()
    /// on the socket just closed, which neither wakes it nor sends FIN.
    pub fn stop(&self) {
        self.sock.close();
        self.event.wait(Duration::from_secs(3));
        self.event.set();
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
