//! Exercise 7.leaver · reference solution · stage 7, whose broadcast survives a client that
//! has just closed.
//!
//! The only change from `stages/stage7_full_server.rs` (`netlab diff 7 7.leaver`): a write
//! or flush that fails in the broadcast concerns only the client written to. That client
//! has closed: its socket is shut down, which its own thread sees as '' at its next
//! `readline()`, and it leaves by the `quit` path as usual. The thread that broadcasts goes
//! on, so it still closes its own client when that one leaves: no socket is left behind
//! in CLOSE-WAIT.
//!
//! What it still has of stage 7: one client that does not read freezes everyone (exercise
//! 7.slow), `stop()` blocks (exercise 7.stop), a blank line disconnects.

use crate::py::{self, Dict, Event, File, Lock, Socket, Thread};
use chrono::Local;
use log::{error, info};
use std::net::{Shutdown, SocketAddr};
use std::sync::Arc;

/// The chat server of the notes.
pub struct ChatServer {
    /// The listening socket, created with the server and bound by `start()`.
    sock: Socket,
    /// Where to listen: the notes' `(ip, port)` tuple.
    addr: SocketAddr,
    /// Every accepted client, by address: its file object (to write to) and its socket.
    clients: Dict<SocketAddr, (File, Socket)>,
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
            {
                let _lock = self.lock.acquire(); // with self.lock:
                self.clients.insert(client, (f.clone(), sock)); // 添加到客户端字典
            }
            // readline() blocks too: one more thread for each client.
            let cs = Arc::clone(self);
            Thread::new(format!("recv {client}"), move || cs.recv(f, client)).start()?;
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
                    let (_, sock) = self.clients.pop(&client)?;
                    f.close();
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
                data
            );
            info!("{msg}");
            // The lock now covers the loop, so the dict cannot change under it. But flush()
            // blocks while a client does not read, and this thread holds the lock meanwhile:
            // every other thread, the accept thread included, waits for it. One stuck client
            // freezes the whole server.
            {
                let _lock = self.lock.acquire(); // with self.lock:
                for c in self.clients.values() {
                    let (ff, s) = c?;
                    // A client that has just closed makes this fail (BrokenPipeError): its own
                    // thread will see it leave; this one goes on to the others.
                    if ff.write(&msg).and_then(|()| ff.flush()).is_err() {
                        let _ = s.shutdown(Shutdown::Both);
                    }
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
                let (f, s) = c?;
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
