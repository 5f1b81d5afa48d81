//! Stage 1 · TCP服务端编程 · a single-threaded server: two clients, one after the other.
//!
//! The notes' first server is a script, not a class: create a socket, bind, listen,
//! accept one client, read once, answer `welcome to network! `, close; then the same for
//! a second client with `hello python`; then exit.
//!
//! What it shows (docs/en/stage1-single.md): `accept()` and `recv()` block, so clients are
//! served strictly one at a time, in accept order, and any exception ends the server. Not
//! in the notes: closing a connection with unread data makes the kernel send RST, so a
//! client that sent more than 1024 bytes gets "connection reset" after the welcome.

use crate::py::{self, Socket, Thread};
use std::net::SocketAddr;
use std::sync::Arc;

/// The first lines of the script: create the socket, bind, listen. The rest of the script
/// runs on a thread named MainThread, so that netlab can watch it and report how it ended.
pub fn start(addr: SocketAddr) -> py::Result<Arc<dyn crate::stage::Server>> {
    let s = Socket::new(&addr)?; // 创建socket对象
    s.bind(addr)?;
    s.listen(5)?; // 开始监听,等待客户端连接到来 5的意思是最多5个连接
    let script = s.clone();
    Thread::new("MainThread", move || main(script)).start()?;
    Ok(Arc::new(Script { s, addr }))
}

/// The rest of the script, top to bottom.
fn main(s: Socket) -> py::Result<()> {
    // 接入一个到来的连接
    // accept() blocks until a client connects; a second client that connects meanwhile
    // waits in the listen backlog until this one has been served.
    let (s1, info) = s.accept()?; // 阻塞直到和客户端成功建立连接,返回一个新的socket对象和客户端地址
    py::print(format!("{} {}", s1, py::addr_repr(&info)));

    // 使用缓冲区获取数据
    // A reset client raises ConnectionResetError here, and nothing catches it: the server
    // ends, and the second client is never served.
    let data = s1.recv(1024)?; // 阻塞 1024是接受数据的大小
    py::print(format!("{} {}", py::addr_repr(&info), py::bytes_repr(&data)));
    s1.send(b"welcome to network! ")?; // 这里发送的是二进制数据
    // Bytes the client sent beyond the first 1024 are still unread: closing now makes the
    // kernel answer with RST, so that client sees "connection reset" after the welcome.
    s1.close();

    // 接入另一个连接
    let (s2, info) = s.accept()?;
    let data = s2.recv(1024)?;
    py::print(format!("{} {}", py::addr_repr(&info), py::bytes_repr(&data)));
    s2.send(b"hello python")?;

    s2.close();
    // A third client still waiting in the backlog is reset when the listener closes.
    s.close();
    Ok(())
}

// ---- netlab: the interface every stage offers the CLI, the tests and the grader ----

/// The script as a server: it listens on `s` until it has served two clients.
struct Script {
    s: Socket,
    addr: SocketAddr,
}

impl crate::stage::Server for Script {
    fn local_addr(&self) -> SocketAddr {
        self.s.getsockname().unwrap_or(self.addr)
    }

    /// The script has no stop(): it ends by itself after its second client.
    fn stop(&self) -> py::Result<()> {
        Ok(())
    }

    fn clients(&self) -> String {
        "(stage 1 keeps no clients dict)".to_string()
    }

    fn clients_dict(&self) -> Option<Vec<(SocketAddr, Socket)>> {
        None
    }
}
