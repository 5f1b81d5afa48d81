//! `File`: what `sock.makefile('rw')` returns in stages 6 and 7: a text file over a socket.
//!
//! `readline()` reads up to a newline, decodes UTF-8 strictly and translates `\r\n` and
//! `\r` to `\n` (Python's universal newlines). `write()` buffers, `flush()` sends.
//!
//! Like CPython's buffered socket file, a reader holds the file's read lock while it waits
//! inside `readline()`, and `close()` takes that lock: closing a makefile from another
//! thread waits until the reader's `readline()` returns (python-originals §12 M2). That is why
//! the notes' `stop()` hangs in stages 6-7; netlab keeps it.
//!
//! Unlike CPython, writing to the file does not throw away what `readline()` had already
//! read ahead (python-originals §12 M1): netlab delivers every line. See docs/en/cpython-quirks.md.

use super::interpreter::blocking;
use super::{decode, Call, Exception, Result, Socket};
use crate::sync::lock;
use std::panic::Location;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// The longest line `readline()` buffers. Python has no limit and would grow until memory
/// runs out; netlab raises `ValueError` past this size. A 10 MB line still goes through.
pub(crate) const MAX_LINE: usize = 64 * 1024 * 1024;

/// How much `readline()` asks the socket for at a time (CPython's buffer size).
const CHUNK: usize = 8192;

/// A text file object over a socket: `f = sock.makefile('rw')`.
#[derive(Clone)]
pub(crate) struct File(Arc<Inner>);

struct Inner {
    /// The socket the file reads from and writes to.
    sock: Socket,
    /// Bytes received but not yet returned by `readline()`. Held for the whole of a
    /// `readline()`, including the blocking `recv()`: what makes `close()` wait (M2).
    reader: Mutex<Vec<u8>>,
    /// Text written but not yet flushed.
    writer: Mutex<Vec<u8>>,
    /// `f.close()` was called: every later call raises `ValueError`.
    closed: AtomicBool,
}

fn closed_file(at: &'static Location<'static>) -> Exception {
    let mut e = Exception::value_error("I/O operation on closed file.");
    e.at = Some(at);
    e
}

impl File {
    pub(crate) fn new(sock: Socket) -> File {
        File(Arc::new(Inner {
            sock,
            reader: Mutex::new(Vec::new()),
            writer: Mutex::new(Vec::new()),
            closed: AtomicBool::new(false),
        }))
    }

    /// `f.readline()`: the next line with its `\n`, a last line without one, or `''` at
    /// end of file. Blocks until a whole line (or EOF) has arrived.
    #[track_caller]
    pub(crate) fn readline(&self) -> Result<String> {
        self.readline_in(MAX_LINE, Location::caller())
    }

    /// `f.readline(size)`: as `readline()`, but a line longer than `size` bytes raises
    /// `ValueError` without being decoded (netlab's stage 8 limits its lines so; Python's
    /// `readline(size)` would return the first `size` characters instead).
    #[track_caller]
    pub(crate) fn readline_limited(&self, size: usize) -> Result<String> {
        self.readline_in(size.min(MAX_LINE), Location::caller())
    }

    fn readline_in(&self, limit: usize, at: &'static Location<'static>) -> Result<String> {
        if self.0.closed.load(Ordering::SeqCst) {
            return Err(closed_file(at));
        }
        let mut buf = lock(&self.0.reader);
        // Where to look for the end of the line: bytes before it have no line end (a long
        // line is scanned once, not once per chunk).
        let mut scanned = 0;
        loop {
            if let Some((len, skip)) =
                line_end(&buf[scanned..]).map(|(len, skip)| (scanned + len, skip))
            {
                if len > limit {
                    buf.drain(..len + skip);
                    return Err(too_long(limit, at));
                }
                let mut line: Vec<u8> = buf.drain(..len + skip).collect();
                line.truncate(len);
                line.push(b'\n');
                return decode(&line).map_err(|mut e| {
                    e.at = Some(at);
                    e
                });
            }
            // A `\r` at the end may be the start of the line's `\r\n`: not counted.
            if buf.len() > limit + usize::from(buf.last() == Some(&b'\r')) {
                buf.clear();
                return Err(too_long(limit, at));
            }
            let data = self.0.sock.recv_in(CHUNK, "readline()", at)?;
            if data.is_empty() {
                // End of file: the last line, even without its newline, then ''.
                let rest: Vec<u8> = std::mem::take(&mut *buf);
                let rest = if rest.ends_with(b"\r") {
                    [&rest[..rest.len() - 1], b"\n"].concat()
                } else {
                    rest
                };
                return decode(&rest).map_err(|mut e| {
                    e.at = Some(at);
                    e
                });
            }
            // Keep the last byte in view: a `\r` there may be the first half of `\r\n`.
            scanned = buf.len().saturating_sub(1);
            buf.extend_from_slice(&data);
        }
    }

    /// `f.write(text)`: buffered until `flush()`.
    #[track_caller]
    pub(crate) fn write(&self, text: &str) -> Result<()> {
        if self.0.closed.load(Ordering::SeqCst) {
            return Err(closed_file(Location::caller()));
        }
        lock(&self.0.writer).extend_from_slice(text.as_bytes());
        Ok(())
    }

    /// `f.flush()`: sends everything written so far; blocks while the peer does not read.
    #[track_caller]
    pub(crate) fn flush(&self) -> Result<()> {
        let at = Location::caller();
        if self.0.closed.load(Ordering::SeqCst) {
            return Err(closed_file(at));
        }
        let data = std::mem::take(&mut *lock(&self.0.writer));
        self.0.sock.sendall_in(&data, at)
    }

    /// `f.close()`: waits for a `readline()` in progress on another thread (M2), then
    /// closes the file; the OS socket closes once the socket object is closed too.
    pub fn close(&self) {
        if self.0.closed.load(Ordering::SeqCst) {
            return;
        }
        let peer = self.0.sock.getpeername();
        let _reader = blocking(
            || Call::MakefileClose {
                of: peer.map_or("?".into(), |a| a.to_string()),
            },
            || crate::tr!("why-makefile-close"),
            || lock(&self.0.reader),
        );
        if !self.0.closed.swap(true, Ordering::SeqCst) {
            self.0.sock.decref_io();
        }
    }
}

/// The `ValueError` of a line longer than `limit` bytes.
fn too_long(limit: usize, at: &'static Location<'static>) -> Exception {
    // netlab's own limits: their messages are netlab's explanations, in the class's
    // language (Python's exceptions keep their own messages).
    let mut e = if limit == MAX_LINE {
        Exception::value_error(crate::tr!("makefile-line-too-long", mib = MAX_LINE >> 20))
    } else {
        Exception::value_error(crate::tr!("makefile-line-over-limit", limit = limit))
    };
    e.at = Some(at);
    e
}

impl std::fmt::Debug for File {
    /// `<_io.TextIOWrapper mode='rw' encoding='UTF-8'>`, as CPython prints the makefile.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<_io.TextIOWrapper mode='rw' encoding='UTF-8'>")
    }
}

/// Where the first line in `buf` ends: (length without terminator, terminator length).
/// `\n`, `\r\n` and a lone `\r` all end a line; a `\r` at the very end waits for more
/// bytes, since a `\n` may follow.
pub(crate) fn line_end(buf: &[u8]) -> Option<(usize, usize)> {
    let i = buf.iter().position(|&b| b == b'\n' || b == b'\r')?;
    match (buf[i], buf.get(i + 1)) {
        (b'\n', _) => Some((i, 1)),
        (_, Some(b'\n')) => Some((i, 2)),
        (_, Some(_)) => Some((i, 1)),
        (_, None) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::line_end;

    #[test]
    fn universal_newlines() {
        assert_eq!(line_end(b"ab\ncd"), Some((2, 1)));
        assert_eq!(line_end(b"ab\r\ncd"), Some((2, 2)));
        assert_eq!(line_end(b"ab\rcd"), Some((2, 1)));
        assert_eq!(line_end(b"ab\r"), None);
        assert_eq!(line_end(b"abc"), None);
    }
}
