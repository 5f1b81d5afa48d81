//! Python exceptions, as the stages raise them and as Python prints them.
//!
//! The tutorial's code never checks a return value: errors surface as exceptions that end
//! the thread they happen in. netlab's stages return `py::Result` and use `?` where Python
//! would let an exception fly, so a student sees the same consequence at the same line.

use std::fmt;
use std::io;
use std::panic::Location;

/// What a failed Python operation raises: the exception's class, its `str()`, and where.
#[derive(Clone, Debug)]
pub struct Exception {
    /// The class Python would raise (`BrokenPipeError`, `RuntimeError`, ...), so the log
    /// reads like the traceback a student would get from the original code.
    pub(crate) class: &'static str,
    /// What `str(e)` gives: `[Errno 32] Broken pipe`. Stage 7 logs exactly this.
    pub(crate) message: String,
    /// The OS error number behind an `OSError`, so callers can tell EPIPE from ECONNRESET.
    pub errno: Option<i32>,
    /// The line of the stage file that raised it: the last frame of a Python traceback.
    pub(crate) at: Option<&'static Location<'static>>,
}

/// `py::Result<T>`: a value, or the exception Python would have raised instead.
pub type Result<T> = std::result::Result<T, Exception>;

impl Exception {
    /// An exception of `class` with message `message`, raised at the caller's line.
    #[track_caller]
    pub(crate) fn new(class: &'static str, message: impl Into<String>) -> Exception {
        Exception {
            class,
            message: message.into(),
            errno: None,
            at: Some(Location::caller()),
        }
    }

    /// The `OSError` subclass CPython raises for this OS error, with CPython's message.
    #[track_caller]
    pub(crate) fn os(err: &io::Error) -> Exception {
        match err.raw_os_error() {
            Some(errno) => Exception {
                class: os_error_class(errno),
                message: format!("[Errno {errno}] {}", strerror(errno)),
                errno: Some(errno),
                at: Some(Location::caller()),
            },
            None => Exception::new("OSError", err.to_string()),
        }
    }

    /// `RuntimeError`: what iterating a dict that another thread resized raises.
    #[track_caller]
    pub fn runtime_error(message: impl Into<String>) -> Exception {
        Exception::new("RuntimeError", message)
    }

    /// `ValueError`: what an operation on a closed file object raises.
    #[track_caller]
    pub(crate) fn value_error(message: impl Into<String>) -> Exception {
        Exception::new("ValueError", message)
    }

    /// `OSError: [Errno 9] Bad file descriptor`: any operation on a closed socket.
    #[track_caller]
    pub(crate) fn bad_file_descriptor() -> Exception {
        Exception::os(&io::Error::from_raw_os_error(nix::libc::EBADF))
    }

    /// What `str(e)` prints (`logging.error(e)` in stage 7 and in the client).
    pub(crate) fn str(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Exception {
    /// `BrokenPipeError: [Errno 32] Broken pipe`, the last line of a Python traceback.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.class, self.message)
    }
}

impl std::error::Error for Exception {}

impl From<io::Error> for Exception {
    #[track_caller]
    fn from(err: io::Error) -> Exception {
        Exception::os(&err)
    }
}

/// The `OSError` subclass CPython maps an errno to (PEP 3151).
fn os_error_class(errno: i32) -> &'static str {
    use nix::libc;
    match errno {
        libc::EPIPE | libc::ESHUTDOWN => "BrokenPipeError",
        libc::ECONNRESET => "ConnectionResetError",
        libc::ECONNREFUSED => "ConnectionRefusedError",
        libc::ECONNABORTED => "ConnectionAbortedError",
        libc::ETIMEDOUT => "TimeoutError",
        libc::EAGAIN | libc::EALREADY | libc::EINPROGRESS => "BlockingIOError",
        libc::EINTR => "InterruptedError",
        libc::EACCES | libc::EPERM => "PermissionError",
        _ => "OSError",
    }
}

/// The C library's description of `errno` ("Broken pipe"), as `os.strerror` gives it.
pub fn strerror(errno: i32) -> String {
    let text = io::Error::from_raw_os_error(errno).to_string();
    // std formats it as "Broken pipe (os error 32)"; keep the C library's part.
    match text.rfind(" (os error ") {
        Some(cut) => text[..cut].to_string(),
        None => text,
    }
}

/// The symbolic name of `errno` (`EADDRINUSE`), for messages that say what happened.
pub fn errno_name(errno: i32) -> String {
    format!("{:?}", nix::errno::Errno::from_raw(errno))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broken_pipe_reads_like_python() {
        let e = Exception::os(&io::Error::from_raw_os_error(32));
        assert_eq!(e.to_string(), "BrokenPipeError: [Errno 32] Broken pipe");
        assert_eq!(e.str(), "[Errno 32] Broken pipe");
    }

    #[test]
    fn reset_and_bad_fd_read_like_python() {
        let e = Exception::os(&io::Error::from_raw_os_error(104));
        assert_eq!(
            e.to_string(),
            "ConnectionResetError: [Errno 104] Connection reset by peer"
        );
        assert_eq!(
            Exception::bad_file_descriptor().to_string(),
            "OSError: [Errno 9] Bad file descriptor"
        );
    }

    #[test]
    fn errno_names() {
        assert_eq!(errno_name(98), "EADDRINUSE");
        assert_eq!(strerror(98), "Address already in use");
    }
}
