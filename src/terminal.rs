//! What netlab writes to the terminal: its own output, which ends quietly when the
//! terminal goes away, and the chat's messages, cut short when one is too long to show.
//!
//! **A closed pipe.** `netlab stages | head -3`: `head` exits after three lines, and the
//! next write to standard output fails with `EPIPE` (Broken pipe). Rust ignores the
//! `SIGPIPE` signal that would otherwise end the process there, so the write returns an
//! error, and `println!` panics on it. Command-line tools stop quietly instead: the reader
//! wants no more. Every command of netlab prints through [`out!`](crate::out) and
//! [`outln!`](crate::outln): when standard output is closed, the process exits at once,
//! with status 0 and no message, as ripgrep does. [`errln!`](crate::errln) writes to
//! standard error and ignores a closed one (there is nobody left to tell).
//!
//! The stage servers are the exception: a server must not stop because the terminal that
//! shows its `print()` has gone; `py::print` ignores a closed standard output, as netlab
//! always has, and the chat goes on.
//!
//! **A long message.** One student's 10 MB line would fill the teacher's projector twice
//! over (the stage's log record, and in stages 6-7 its `print()` too). [`shorten`] keeps
//! the first [`SHOWN`] bytes of a longer message and says how long it was. Only the
//! terminal sees the short form: the bytes on the wire and the records that tests capture
//! are the whole message.

use std::borrow::Cow;
use std::fmt;
use std::io::{self, Write};

/// The most bytes of one log record or `print()` line that the terminal shows. It is more
/// than stages 2-5 ever log for one `recv(1024)` (1024 bytes plus a header of 35-60), so
/// those records always show whole; a longer line shows its first 1200 bytes, then its
/// length.
pub(crate) const SHOWN: usize = 1200;

/// `text` as the terminal shows it: whole up to [`SHOWN`] bytes; beyond, its first bytes
/// (cut at a character boundary), then `... (10485796 bytes in all; netlab shows the first 1200)`.
pub(crate) fn shorten(text: &str) -> Cow<'_, str> {
    if text.len() <= SHOWN {
        return Cow::Borrowed(text);
    }
    let mut cut = SHOWN;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    Cow::Owned(format!(
        "{}... ({} bytes in all; netlab shows the first {cut})",
        &text[..cut],
        text.len()
    ))
}

/// `1 thread`, `2 threads`: a count with its noun, singular or plural.
pub fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("{n} {one}")
    } else {
        format!("{n} {many}")
    }
}

/// Writes to standard output; what [`out!`](crate::out) and [`outln!`](crate::outln) call.
/// A closed standard output ends the process at once, status 0, quietly.
pub fn write_out(args: fmt::Arguments<'_>) {
    let mut out = io::stdout().lock();
    if let Err(e) = out.write_fmt(args).and_then(|()| out.flush()) {
        drop(out);
        if e.kind() == io::ErrorKind::BrokenPipe {
            // A program `netlab check` is grading must not outlive it.
            crate::program::stop_all();
            std::process::exit(0);
        }
        write_err(format_args!(
            "netlab: error: could not write to standard output: {e}\n"
        ));
        std::process::exit(1);
    }
}

/// Writes to standard error, ignoring a failure; what [`errln!`](crate::errln) calls.
pub fn write_err(args: fmt::Arguments<'_>) {
    let _ = io::stderr().lock().write_fmt(args);
}

/// `print!` for netlab's commands: a closed standard output ends the process quietly.
#[macro_export]
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::terminal::write_out(format_args!($($arg)*))
    };
}

/// `println!` for netlab's commands: a closed standard output ends the process quietly.
#[macro_export]
macro_rules! outln {
    () => {
        $crate::terminal::write_out(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::terminal::write_out(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// `eprintln!` that ignores a closed standard error instead of panicking.
#[macro_export]
macro_rules! errln {
    ($($arg:tt)*) => {
        $crate::terminal::write_err(format_args!("{}\n", format_args!($($arg)*)))
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_shown_whole() {
        let text = "x".repeat(SHOWN);
        assert!(matches!(shorten(&text), Cow::Borrowed(_)));
    }

    #[test]
    fn long_text_shows_its_start_and_its_length() {
        let text = "y".repeat(10 * 1024 * 1024);
        let shown = shorten(&text);
        assert_eq!(
            shown,
            format!(
                "{}... (10485760 bytes in all; netlab shows the first 1200)",
                "y".repeat(SHOWN)
            )
        );
    }

    #[test]
    fn cut_falls_on_a_character_boundary() {
        // 中 is 3 bytes: after one `a`, byte 1200 falls inside the 400th 中.
        let text = format!("a{}", "中".repeat(400));
        let shown = shorten(&text);
        assert_eq!(
            shown,
            format!(
                "a{}... (1201 bytes in all; netlab shows the first 1198)",
                "中".repeat(399)
            )
        );
    }

    #[test]
    fn counts_agree_with_their_noun() {
        assert_eq!(count(1, "thread", "threads"), "1 thread");
        assert_eq!(count(0, "thread", "threads"), "0 threads");
        assert_eq!(count(40, "thread", "threads"), "40 threads");
    }
}
