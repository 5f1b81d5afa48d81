//! Log output: the tutorial's `logging.basicConfig` formats, through `log` and `env_logger`.
//!
//! Stage code logs with `log::info!` as the notes log with `logging.info`; those records
//! print in the stage's own Python format (`2026-11-25 16:35:53,312 root [message]`),
//! with `root` as the logger name, as in Python. netlab's own explanations are marked
//! `netlab:`, and a thread killed by an exception prints Python's "Exception in thread".
//!
//! `RUST_LOG` filters by three targets, one for each kind of line:
//!
//! | target      | what it names                                                   |
//! |-------------|-----------------------------------------------------------------|
//! | `root`      | the chat's records: what the notes' `logging.info` prints       |
//! | `threading` | Python's "Exception in thread ..." tracebacks                   |
//! | `netlab`    | netlab's own explanations, the lines that start with `netlab:` |
//!
//! netlab starts from `info` for all three and puts `RUST_LOG` on top: a directive for a
//! target replaces netlab's, and a bare level (`RUST_LOG=warn`, `RUST_LOG=off`) applies to
//! the chat's records only, since `netlab` and `threading` keep their own `info` unless
//! named. So `RUST_LOG=root=off` (or `RUST_LOG=off`) hides the chat records and keeps the
//! tracebacks and the explanations; `RUST_LOG=warn` keeps only the chat's errors (stage 7
//! and the client log some with `logging.error`); `RUST_LOG=netlab=off` hides netlab's
//! explanations, `RUST_LOG=threading=off` the tracebacks. The stages' records are filtered
//! under the name `root`, as they print, whatever Rust module logs them.
//!
//! A record longer than [`crate::terminal::SHOWN`] bytes (one student's 10 MB line) shows
//! its beginning and its length on the terminal ([`crate::terminal::shorten`]).
//!
//! When a test or demo captures a program (see `py::Interpreter`), that program's records
//! go to its interpreter instead of the terminal, whole and unfiltered.

use crate::py::{interpreter, Record};
use crate::terminal::{shorten, Kind};
use log::LevelFilter;
use std::cell::RefCell;
use std::io::Write;
use std::sync::OnceLock;

thread_local! {
    /// The records of a [`batched`] call on this thread, written when it returns.
    static BATCH: RefCell<Option<Vec<u8>>> = const { RefCell::new(None) };
}

/// Runs `f`, holding back the records this thread logs meanwhile, then writes them to
/// standard error in one write, in order: an event loop's round logs many records and
/// should not make a system call for each (stage 9). The records are the same bytes.
pub(crate) fn batched<R>(f: impl FnOnce() -> R) -> R {
    let outer = BATCH.with(|b| b.borrow().is_some());
    if outer {
        return f();
    }
    BATCH.with(|b| *b.borrow_mut() = Some(Vec::new()));
    let result = f();
    if let Some(text) = BATCH.with(|b| b.borrow_mut().take()) {
        if !text.is_empty() {
            let _ = std::io::stderr().lock().write_all(&text);
        }
    }
    result
}

/// The Python logging format in effect (`%(asctime)s %(name)s [%(message)s]`).
static FORMAT: OnceLock<String> = OnceLock::new();

/// The target of netlab's own explanations (`netlab: ...`).
pub const NETLAB: &str = "netlab";

/// The target of the stages' records, Python's root logger.
pub(crate) const ROOT: &str = "root";

/// The target of the tracebacks of threads that an exception killed.
pub(crate) const THREADING: &str = "threading";

/// Installs the logger for the CLI: records print to stderr in `python_format`, at level
/// info, with `RUST_LOG` on top (see the module doc).
pub fn init(python_format: &str) {
    let _ = FORMAT.set(python_format.to_string());
    install(true);
}

/// Makes sure some logger is installed, so that captured programs' records are kept even
/// when nothing called [`init`] (tests, library use). Prints nothing unless `RUST_LOG` is set,
/// and then only what it names.
pub(crate) fn ensure_installed() {
    install(false);
}

/// The filter: with `cli`, `info` for the three targets, then `RUST_LOG` on top (a
/// directive for the same target replaces netlab's; directives are matched longest name
/// first, so `root=off` does not touch `netlab`); without, `RUST_LOG` alone, or nothing.
fn filter(cli: bool, rust_log: Option<&str>) -> env_logger::Builder {
    let mut builder = env_logger::Builder::new();
    if cli {
        builder
            .filter_level(LevelFilter::Info)
            .filter_module(NETLAB, LevelFilter::Info)
            .filter_module(THREADING, LevelFilter::Info);
    } else {
        builder.filter_level(LevelFilter::Off);
    }
    if let Some(spec) = rust_log {
        builder.parse_filters(spec);
    }
    builder
}

fn install(cli: bool) {
    static INSTALLED: OnceLock<()> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        let rust_log = std::env::var("RUST_LOG").ok();
        let inner = filter(cli, rust_log.as_deref())
            .format(|buf, record| {
                let text =
                    format_record(record.target(), record.level(), &record.args().to_string());
                writeln!(buf, "{text}")
            })
            .build();
        if log::set_boxed_logger(Box::new(Logger { inner })).is_ok() {
            log::set_max_level(log::LevelFilter::Trace);
        }
    });
}

/// Sends each record to the capturing interpreter, if any, else to `env_logger`; drops
/// the records of a program that netlab has decided to end (`Interpreter::silence`).
struct Logger {
    inner: env_logger::Logger,
}

impl log::Log for Logger {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        !interpreter::silenced()
            && (interpreter::current().captures()
                || self.inner.enabled(
                    &log::Metadata::builder()
                        .level(metadata.level())
                        .target(short_target(metadata.target()))
                        .build(),
                ))
    }

    fn log(&self, record: &log::Record<'_>) {
        // A program netlab has decided to end says nothing more (`Interpreter::silence`).
        if interpreter::silenced() {
            return;
        }
        let interp = interpreter::current();
        let target = short_target(record.target());
        if interp.captures() {
            interp.push(Record::Log {
                target: target.to_string(),
                level: record.level(),
                thread: interpreter::current_thread_name(),
                message: record.args().to_string(),
            });
            return;
        }
        // Filtered and printed under the name it prints with: a stage's record is `root`,
        // whichever module of netlab logs it.
        let shown = log::Record::builder()
            .args(*record.args())
            .level(record.level())
            .target(target)
            .build();
        if self.inner.matches(&shown) {
            let message = record.args().to_string();
            let (kind, text) = for_view(target, record.level(), &shorten(&message));
            if crate::terminal::diverted(kind, &text) {
                return;
            }
            let held = BATCH.with(|b| {
                let mut b = b.borrow_mut();
                let Some(batch) = b.as_mut() else {
                    return false;
                };
                let line = format_record(target, record.level(), &message);
                batch.extend_from_slice(line.as_bytes());
                batch.push(b'\n');
                true
            });
            if !held {
                self.inner.log(&shown);
            }
        }
    }

    fn flush(&self) {
        self.inner.flush();
    }
}

/// `root` for the stages' records (Python's root logger), else the target as given.
fn short_target(target: &str) -> &str {
    // The stage files and the exercises' reference solutions log as the notes' code does.
    if target == ROOT || target.contains("::stages::") || target.contains("::exercise::solution_") {
        ROOT
    } else {
        target
    }
}

/// One record as the terminal shows it (a long chat message shortened).
pub(crate) fn format_record(target: &str, level: log::Level, message: &str) -> String {
    match short_target(target) {
        ROOT => python_format(
            FORMAT
                .get()
                .map_or("%(asctime)s %(name)s %(message)s", String::as_str),
            level,
            &shorten(message),
        ),
        // Python prints a dying thread's traceback as it is, with no timestamp.
        THREADING => message.to_string(),
        NETLAB => match level {
            log::Level::Error => crate::tr!("netlab-error", message = message),
            log::Level::Warn => crate::tr!("netlab-warning", message = message),
            _ => format!("netlab: {message}"),
        },
        other => format!("[{level} {other}] {message}"),
    }
}

/// One record as the live view shows it: its kind, and its text without Python's
/// `asctime` and logger name (the view has its own time column).
pub(crate) fn for_view(target: &str, level: log::Level, message: &str) -> (Kind, String) {
    match short_target(target) {
        ROOT => (Kind::Chat, message.to_string()),
        THREADING => (Kind::Traceback, message.to_string()),
        NETLAB => (Kind::Netlab, format_record(NETLAB, level, message)),
        other => (Kind::Command, format_record(other, level, message)),
    }
}

/// Fills in a Python logging format string: `%(asctime)s`, `%(name)s`, `%(threadName)s`,
/// `%(levelname)s` and `%(message)s`, the fields the tutorial uses.
pub(crate) fn python_format(format: &str, level: log::Level, message: &str) -> String {
    let asctime = chrono::Local::now()
        .format("%Y-%m-%d %H:%M:%S,%3f")
        .to_string();
    format
        .replace("%(asctime)s", &asctime)
        .replace("%(name)s", "root")
        .replace("%(threadName)s", &interpreter::current_thread_name())
        .replace("%(levelname)s", &level.to_string().to_uppercase())
        .replace("%(message)s", message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use log::Level::{Error, Info};

    /// Whether the CLI's logger shows a record of `target` at `level` under `rust_log`.
    fn shows(rust_log: Option<&str>, target: &str, level: log::Level) -> bool {
        let logger = filter(true, rust_log).build();
        log::Log::enabled(
            &logger,
            &log::Metadata::builder().level(level).target(target).build(),
        )
    }

    #[test]
    fn by_default_everything_shows() {
        for target in [ROOT, THREADING, NETLAB] {
            assert!(shows(None, target, Info), "{target}");
        }
    }

    #[test]
    fn root_off_hides_only_the_chat_records() {
        for spec in ["root=off", "off"] {
            assert!(!shows(Some(spec), ROOT, Error), "{spec}");
            assert!(shows(Some(spec), THREADING, Error), "{spec}");
            assert!(shows(Some(spec), NETLAB, Info), "{spec}");
        }
    }

    #[test]
    fn a_bare_level_leaves_netlab_and_tracebacks_alone() {
        assert!(!shows(Some("warn"), ROOT, Info));
        assert!(shows(Some("warn"), ROOT, Error), "stage 7's logging.error");
        assert!(shows(Some("warn"), NETLAB, Info));
        assert!(shows(Some("warn"), THREADING, Error));
    }

    #[test]
    fn a_named_target_replaces_netlabs_default() {
        assert!(!shows(Some("netlab=off"), NETLAB, Error));
        assert!(shows(Some("netlab=off"), ROOT, Info));
        assert!(!shows(Some("threading=off"), THREADING, Error));
        assert!(shows(Some("threading=off"), NETLAB, Info));
        assert!(!shows(Some("netlab=warn"), NETLAB, Info));
        assert!(shows(Some("netlab=warn"), NETLAB, log::Level::Warn));
    }

    #[test]
    fn stage_modules_are_filtered_as_root() {
        assert_eq!(short_target("netlab::stages::stage3_event"), ROOT);
        assert_eq!(short_target(NETLAB), NETLAB);
    }
}
