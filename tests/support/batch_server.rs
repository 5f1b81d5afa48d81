//! The fastest chat server the bench's tests know: one thread, one event loop, and every
//! client's messages of one loop turn written to each client in one batch. Not a stage and
//! not shipped: the bench's own tests and `make bench` run it (their binary, started with
//! `--batch-server PORT`) to show that the load generator keeps up with a server that
//! keeps up, so that a slow row in the table is the server's, not the bench's.
//!
//! It speaks stage 7's wire format, `"{time} {ip}:{port}\n" + line + "\n"` to every
//! client for every line, so the bench sees it as it sees the stages. What it does not
//! do, as a real server must: bound what it holds for a client that does not read, limit
//! line length, handle a console.

use mio::net::{TcpListener, TcpStream};
use mio::{Events, Interest, Poll, Token};
use std::io::{self, Read, Write};
use std::net::SocketAddr;

/// The listener's token; clients have their slot's index.
const LISTENER: Token = Token(usize::MAX);

/// One client.
struct Conn {
    stream: TcpStream,
    /// `" 127.0.0.1:51234\n"`: what follows the time in its messages' header.
    after_time: Vec<u8>,
    /// The start of a line not yet complete.
    partial: Vec<u8>,
    /// Bytes for it that the kernel has not taken yet.
    out: Vec<u8>,
}

/// Serves on 127.0.0.1:`port` until killed.
pub fn serve(port: u16) -> io::Result<()> {
    let mut poll = Poll::new()?;
    let mut listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], port)))?;
    poll.registry()
        .register(&mut listener, LISTENER, Interest::READABLE)?;
    eprintln!("listening on {}", listener.local_addr()?);
    let mut conns: Vec<Option<Conn>> = Vec::new();
    let mut events = Events::with_capacity(1024);
    let mut buffer = vec![0u8; 256 * 1024];
    // What this loop turn's lines become, for every client: the batch.
    let mut batch: Vec<u8> = Vec::new();
    let mut clock = Clock::default();
    loop {
        poll.poll(&mut events, None)?;
        for event in events.iter() {
            if event.token() == LISTENER {
                loop {
                    match listener.accept() {
                        Ok((mut stream, peer)) => {
                            stream.set_nodelay(true)?;
                            let slot =
                                conns.iter().position(Option::is_none).unwrap_or_else(|| {
                                    conns.push(None);
                                    conns.len() - 1
                                });
                            poll.registry().register(
                                &mut stream,
                                Token(slot),
                                Interest::READABLE | Interest::WRITABLE,
                            )?;
                            conns[slot] = Some(Conn {
                                stream,
                                after_time: format!(" {}:{}\n", peer.ip(), peer.port())
                                    .into_bytes(),
                                partial: Vec::new(),
                                out: Vec::new(),
                            });
                        }
                        Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                        Err(e) => return Err(e),
                    }
                }
                continue;
            }
            let slot = event.token().0;
            let Some(conn) = conns[slot].as_mut() else {
                continue;
            };
            let mut open = true;
            if event.is_readable() {
                open = read(conn, &mut buffer, &mut batch, &mut clock);
            }
            if open && event.is_writable() {
                open = flush(conn);
            }
            if !open {
                conns[slot] = None;
            }
        }
        if batch.is_empty() {
            continue;
        }
        for slot in conns.iter_mut() {
            let Some(conn) = slot.as_mut() else { continue };
            if conn.out.is_empty() {
                // The usual case: write the batch itself, keep only what the kernel left.
                match write_some(&mut conn.stream, &batch) {
                    Some(n) => conn.out.extend_from_slice(&batch[n..]),
                    None => *slot = None,
                }
            } else {
                conn.out.extend_from_slice(&batch);
                if !flush(conn) {
                    *slot = None;
                }
            }
        }
        batch.clear();
    }
}

/// Reads what the kernel holds for `conn`, adding a message to `batch` per whole line;
/// false once the client has gone.
fn read(conn: &mut Conn, buffer: &mut [u8], batch: &mut Vec<u8>, clock: &mut Clock) -> bool {
    loop {
        let n = match conn.stream.read(buffer) {
            Ok(0) => return false,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return true,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => return false,
        };
        let mut data = &buffer[..n];
        while let Some(i) = memchr::memchr(b'\n', data) {
            batch.extend_from_slice(clock.now());
            batch.extend_from_slice(&conn.after_time);
            if !conn.partial.is_empty() {
                batch.append(&mut conn.partial);
            }
            // The line with its own `\n`, then the message's.
            batch.extend_from_slice(&data[..=i]);
            batch.push(b'\n');
            data = &data[i + 1..];
        }
        conn.partial.extend_from_slice(data);
    }
}

/// Writes what `conn` is owed as far as the kernel takes it; false once it has gone.
fn flush(conn: &mut Conn) -> bool {
    match write_some(&mut conn.stream, &conn.out) {
        Some(n) => {
            conn.out.drain(..n);
            true
        }
        None => false,
    }
}

/// Writes `data` as far as the kernel takes it now: how much it took, None once the
/// client has gone.
fn write_some(stream: &mut TcpStream, data: &[u8]) -> Option<usize> {
    let mut written = 0;
    while written < data.len() {
        match stream.write(&data[written..]) {
            Ok(0) => return None,
            Ok(n) => written += n,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
    }
    Some(written)
}

/// The notes' timestamp (`202611/25 16:35:53`), formatted once a second.
#[derive(Default)]
struct Clock {
    second: i64,
    text: Vec<u8>,
}

impl Clock {
    fn now(&mut self) -> &[u8] {
        let now = chrono::Local::now();
        if now.timestamp() != self.second || self.text.is_empty() {
            self.second = now.timestamp();
            self.text = now.format("%Y%m/%d %H:%M:%S").to_string().into_bytes();
        }
        &self.text
    }
}
