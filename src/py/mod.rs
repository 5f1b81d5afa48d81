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
//! | exceptions             | [`Exception`], `Result` |

mod dict;
mod event;
mod exception;
mod lock;
mod makefile;
mod repr;
mod socket;
mod text;
pub mod threading;
mod traceback;

pub use dict::{Dict, Iter};
pub use event::Event;
pub use exception::{errno_name, strerror, Exception, Result};
pub use lock::{Lock, LockGuard};
pub use makefile::{File, MAX_LINE};
pub use repr::Repr;
pub use socket::{Socket, SPIN_LIMIT, SPIN_STOPPED};
pub use text::{addr_repr, bytes_repr, decode, strip, strip_bytes};
pub use threading::{Interpreter, Record, Thread, ThreadHandle, ThreadInfo};
pub use traceback::{register_sources, source_line};

use std::io::Write;

/// `print(line)`: writes the line to standard output, or, when a test or demo captures
/// this program's output, to its records. A closed stdout (`netlab stage 1 | head`) is
/// ignored rather than fatal.
pub fn print(line: impl std::fmt::Display) {
    let interp = threading::current();
    if interp.captures() {
        interp.push(Record::Print(line.to_string()));
    } else {
        let _ = writeln!(std::io::stdout().lock(), "{line}");
    }
}
