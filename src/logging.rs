//! Log output: the tutorial's `logging.basicConfig` formats, through `log` and `env_logger`.
//!
//! Stage code logs with `log::info!` as the notes log with `logging.info`; those records
//! print in the stage's own Python format (`2026-11-25 16:35:53,312 root [message]`),
//! with `root` as the logger name, as in Python. netlab's own explanations are marked
//! `netlab:`, and a thread killed by an exception prints Python's "Exception in thread".
//! `RUST_LOG` filters as usual: `RUST_LOG=root=off` hides the chat records, for example.
//!
//! When a test or demo captures a program (see `py::Interpreter`), that program's records
//! go to its interpreter instead of the terminal.

use crate::py::{threading, Record};
use std::io::Write;
use std::sync::OnceLock;

/// The Python logging format in effect (`%(asctime)s %(name)s [%(message)s]`).
static FORMAT: OnceLock<String> = OnceLock::new();

/// The target of netlab's own explanations.
pub const NETLAB: &str = "netlab";

/// Installs the logger for the CLI: records print to stderr in `python_format`, at level
/// info unless `RUST_LOG` says otherwise.
pub fn init(python_format: &str) {
    let _ = FORMAT.set(python_format.to_string());
    install("info");
}

/// Makes sure some logger is installed, so that captured programs' records are kept even
/// when nothing called [`init`] (tests, library use). Prints nothing unless `RUST_LOG` is set.
pub fn ensure_installed() {
    install("off");
}

fn install(default_filter: &str) {
    static INSTALLED: OnceLock<()> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        let inner = env_logger::Builder::from_env(
            env_logger::Env::default().default_filter_or(default_filter),
        )
        .format(|buf, record| {
            let text = format_record(record.target(), record.level(), &record.args().to_string());
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
        !threading::silenced() && (threading::current().captures() || self.inner.enabled(metadata))
    }

    fn log(&self, record: &log::Record<'_>) {
        // A program netlab has decided to end says nothing more (`Interpreter::silence`).
        if threading::silenced() {
            return;
        }
        let interp = threading::current();
        if interp.captures() {
            interp.push(Record::Log {
                target: short_target(record.target()).to_string(),
                level: record.level(),
                thread: threading::current_thread_name(),
                message: record.args().to_string(),
            });
        } else if self.inner.matches(record) {
            self.inner.log(record);
        }
    }

    fn flush(&self) {
        self.inner.flush();
    }
}

/// `root` for the stages' records (Python's root logger), else the target as given.
fn short_target(target: &str) -> &str {
    if target == "root" || target.contains("::stages::") {
        "root"
    } else {
        target
    }
}

/// One record as the terminal shows it.
pub fn format_record(target: &str, level: log::Level, message: &str) -> String {
    match short_target(target) {
        "root" => python_format(
            FORMAT
                .get()
                .map_or("%(asctime)s %(name)s %(message)s", String::as_str),
            level,
            message,
        ),
        // Python prints a dying thread's traceback as it is, with no timestamp.
        "threading" => message.to_string(),
        NETLAB => match level {
            log::Level::Error => format!("netlab: error: {message}"),
            log::Level::Warn => format!("netlab: warning: {message}"),
            _ => format!("netlab: {message}"),
        },
        other => format!("[{level} {other}] {message}"),
    }
}

/// Fills in a Python logging format string: `%(asctime)s`, `%(name)s`, `%(threadName)s`,
/// `%(levelname)s` and `%(message)s`, the fields the tutorial uses.
pub fn python_format(format: &str, level: log::Level, message: &str) -> String {
    let asctime = chrono::Local::now()
        .format("%Y-%m-%d %H:%M:%S,%3f")
        .to_string();
    format
        .replace("%(asctime)s", &asctime)
        .replace("%(name)s", "root")
        .replace("%(threadName)s", &threading::current_thread_name())
        .replace("%(levelname)s", &level.to_string().to_uppercase())
        .replace("%(message)s", message)
}
