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
//!
//! **The live view.** While `netlab stage N --view` holds the terminal (raw mode, the
//! alternate screen), nothing may write to it but the view: one stray line would garble
//! the screen. [`divert`] sends everything that would have been written (netlab's lines,
//! the stage's log records and `print()` lines, the tracebacks) to a [`Tail`], a bounded
//! list of the last lines that the view draws; [`undivert`] gives the terminal back.
//! [`exit`] ends the process through a hook that restores the terminal first.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::fmt;
use std::io::{self, Write};
use std::sync::{Arc, Mutex, RwLock};

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
        "{}... {}",
        &text[..cut],
        crate::tr!("terminal-shortened", total = text.len(), shown = cut)
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

/// What kind of line the terminal would have shown: the view colours each kind its way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A record of the chat (`logging.info` in the notes, target `root`).
    Chat,
    /// A line the stage wrote with `print()`.
    Print,
    /// netlab's own explanations: `netlab: ...`.
    Netlab,
    /// Python's `Exception in thread ...` traceback.
    Traceback,
    /// What a command prints (`out!`, `errln!`): a demo's timeline, for one.
    Command,
}

/// One line the terminal would have shown, kept for the view.
#[derive(Clone, Debug)]
pub struct Shown {
    /// Counts the lines diverted so far (1, 2, ...): how the view knows what is new.
    pub seq: u64,
    /// The wall-clock time it came, `hh:mm:ss`.
    pub at: String,
    pub kind: Kind,
    /// The text, shortened as the terminal would show it ([`shorten`]).
    pub text: String,
}

/// The last lines diverted from the terminal while the view holds it.
pub struct Tail {
    /// The lines, oldest first, at most [`Tail::KEEP`] of them.
    lines: Mutex<VecDeque<Shown>>,
    /// How many lines came in all (the seq of the last one).
    count: Mutex<u64>,
}

impl Tail {
    /// How many lines a tail keeps: more than any screen shows, and the whole of what
    /// netlab says after `quit`, which the CLI prints again once the view has closed.
    pub const KEEP: usize = 400;

    pub fn new() -> Tail {
        Tail {
            lines: Mutex::new(VecDeque::new()),
            count: Mutex::new(0),
        }
    }

    /// Adds a line (the text is shortened as the terminal would show it).
    pub fn push(&self, kind: Kind, text: &str) {
        let text = shorten(text.trim_end_matches('\n')).into_owned();
        let at = chrono::Local::now().format("%H:%M:%S").to_string();
        let mut count = self.count.lock().unwrap_or_else(|p| p.into_inner());
        *count += 1;
        let mut lines = self.lines.lock().unwrap_or_else(|p| p.into_inner());
        if lines.len() == Tail::KEEP {
            lines.pop_front();
        }
        lines.push_back(Shown {
            seq: *count,
            at,
            kind,
            text,
        });
    }

    /// The lines kept, oldest first.
    pub fn lines(&self) -> Vec<Shown> {
        self.lines
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .cloned()
            .collect()
    }

    /// How many lines came in all.
    pub fn count(&self) -> u64 {
        *self.count.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Default for Tail {
    fn default() -> Tail {
        Tail::new()
    }
}

/// Where the terminal's lines go while the view holds it, if it does.
static DIVERTED: RwLock<Option<Arc<Tail>>> = RwLock::new(None);

/// From now on, every line netlab would write to the terminal goes to `tail` instead.
pub fn divert(tail: Arc<Tail>) {
    *DIVERTED.write().unwrap_or_else(|p| p.into_inner()) = Some(tail);
}

/// Gives the terminal back: lines print again.
pub fn undivert() {
    *DIVERTED.write().unwrap_or_else(|p| p.into_inner()) = None;
}

/// Sends `text` to the view's tail if the terminal is diverted; false if it is not (the
/// caller then writes it as usual).
pub(crate) fn diverted(kind: Kind, text: &str) -> bool {
    match &*DIVERTED.read().unwrap_or_else(|p| p.into_inner()) {
        Some(tail) => {
            tail.push(kind, text);
            true
        }
        None => false,
    }
}

/// What runs before the process exits through [`exit`], in the order registered: the
/// view's terminal restore, the end of the programs `netlab check` started. (Those who
/// need it register here, so that this floor imports nothing above it.)
static BEFORE_EXIT: Mutex<Vec<fn()>> = Mutex::new(Vec::new());

/// Registers what [`exit`] runs first (the view restores the terminal; the launcher of
/// other programs stops them). A hook registered twice runs once.
pub fn before_exit(hook: fn()) {
    let mut hooks = BEFORE_EXIT.lock().unwrap_or_else(|p| p.into_inner());
    if !hooks.iter().any(|h| std::ptr::fn_addr_eq(*h, hook)) {
        hooks.push(hook);
    }
}

/// `std::process::exit`, after the hooks registered with [`before_exit`]: a view that
/// holds the terminal gives it back, and no program netlab started outlives it.
pub fn exit(code: i32) -> ! {
    let hooks = BEFORE_EXIT
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    for hook in hooks {
        hook();
    }
    std::process::exit(code)
}

/// Writes to standard output; what [`out!`](crate::out) and [`outln!`](crate::outln) call.
/// A closed standard output ends the process at once, status 0, quietly. While the view
/// holds the terminal, the text goes to the view instead.
pub fn write_out(args: fmt::Arguments<'_>) {
    if diverted(Kind::Command, &args.to_string()) {
        return;
    }
    let mut out = io::stdout().lock();
    if let Err(e) = out.write_fmt(args).and_then(|()| out.flush()) {
        drop(out);
        if e.kind() == io::ErrorKind::BrokenPipe {
            // The hooks end what must not outlive netlab (a program `netlab check` grades).
            exit(0);
        }
        write_err(format_args!(
            "netlab: error: could not write to standard output: {e}\n"
        ));
        std::process::exit(1);
    }
}

/// Writes to standard error, ignoring a failure; what [`errln!`](crate::errln) calls.
/// While the view holds the terminal, the text goes to the view instead.
pub fn write_err(args: fmt::Arguments<'_>) {
    if diverted(Kind::Command, &args.to_string()) {
        return;
    }
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
