//! Python semantics that the tutorial's code depends on, made into small Rust types.
//!
//! The tutorial is Python, and several of its lessons (and flaws) come from how CPython
//! behaves: which operations are atomic, what `close()` does to a blocked thread, how a
//! dict reacts to being changed while iterated, how `makefile()` buffers. Each type here
//! reproduces one of those behaviours, documented where it matters, so the stage files in
//! `stages/` can read like the notes' code and behave like it.
//!
//! | Python                 | netlab                  |
//! |------------------------|-------------------------|
//! | `socket.socket`        | [`Socket`]              |
//! | `sock.makefile('rw')`  | [`File`]                |
//! | `dict`                 | [`Dict`]                |
//! | `threading.Thread`     | [`Thread`]              |
//! | `threading.Event`      | [`Event`]               |
//! | `threading.Lock`       | [`Lock`]                |
//! | `queue.Queue`          | [`Queue`]               |
//! | exceptions             | [`Exception`], `Result` |

mod call;
mod dict;
mod event;
mod exception;
pub(crate) mod interpreter;
mod lock;
mod makefile;
mod queue;
mod repr;
mod socket;
mod text;
mod threading;
mod traceback;

pub use call::Call;
pub(crate) use dict::Dict;
pub(crate) use event::Event;
pub use exception::{errno_name, strerror, Exception, Result};
pub(crate) use interpreter::blocking;
pub use interpreter::{Interpreter, Record, ThreadInfo};
pub(crate) use lock::Lock;
pub(crate) use makefile::{line_end, File, MAX_LINE};
pub(crate) use queue::Queue;
pub(crate) use repr::Repr;
pub use socket::{Socket, SPIN_LIMIT, SPIN_STOPPED};
pub use text::{addr_repr, bytes_repr, decode, strip, strip_bytes};
pub(crate) use threading::Thread;
pub(crate) use traceback::source_line;

use std::io::Write;

/// `print(line)`: writes the line to standard output, or, when a test or demo captures
/// this program's output, to its records. A closed stdout (`netlab stage 1 | head`) is
/// ignored rather than fatal: the chat goes on. A line longer than
/// [`crate::terminal::SHOWN`] bytes shows its beginning and its length; the records keep
/// it whole.
pub(crate) fn print(line: impl std::fmt::Display) {
    let interp = interpreter::current();
    let line = line.to_string();
    if interp.captures() {
        interp.push(Record::Print(line));
    } else if !crate::terminal::diverted(crate::terminal::Kind::Print, &line) {
        let _ = writeln!(
            std::io::stdout().lock(),
            "{}",
            crate::terminal::shorten(&line)
        );
    }
}
