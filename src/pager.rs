//! Long output through a pager, as `git` does: `netlab explain` on a terminal.
//!
//! The pager is `$PAGER` if it is set (run by the shell, so it may carry options:
//! `PAGER='less -S'`), else `less -FRX`: it quits at once when the text fits on one
//! screen (`-F`), shows colours (`-R`), and leaves the text on the screen afterwards
//! (`-X`). An empty `$PAGER`, or `cat`, means no pager. Output that is not a terminal
//! is never paged: a pipe or a file gets the text as it is. If the pager cannot be
//! started, the text is printed instead.

use std::io::{IsTerminal, Write};
use std::process::{Command, Stdio};

/// Shows `text` through the pager when standard output is a terminal and `allowed`
/// (not `--no-pager`); prints it otherwise.
pub fn show(text: &str, allowed: bool) {
    if allowed && std::io::stdout().is_terminal() {
        if let Some(mut pager) = start() {
            if let Some(mut input) = pager.stdin.take() {
                // The reader may quit before the end (`q` in less): a closed pipe is fine.
                let _ = input.write_all(text.as_bytes());
            }
            let _ = pager.wait();
            return;
        }
    }
    crate::out!("{text}");
}

/// The pager, started with its input a pipe; None when there is none to use.
fn start() -> Option<std::process::Child> {
    let chosen = std::env::var("PAGER").ok();
    let mut command = match chosen.as_deref().map(str::trim) {
        Some("") | Some("cat") => return None,
        Some(pager) => {
            let mut shell = Command::new("sh");
            shell.arg("-c").arg(pager);
            shell
        }
        None => {
            let mut less = Command::new("less");
            less.arg("-FRX");
            less
        }
    };
    // `PAGER=less` shows colours too, as under git; and netlab's text is UTF-8 whatever
    // the locale (a classroom machine under LANG=C still gets Chinese, not <E4><B8>...).
    if std::env::var_os("LESS").is_none() {
        command.env("LESS", "FRX");
    }
    if std::env::var_os("LESSCHARSET").is_none() {
        command.env("LESSCHARSET", "utf-8");
    }
    command.stdin(Stdio::piped()).spawn().ok()
}
