//! Every word the live view draws, in one place, from the message catalogue (`view-*`
//! messages) in the language in force. The drawing code only arranges these; a test
//! renders every screen, so a label too long for 80 columns shows up there.

use crate::tr;

/// The keys line, top right.
pub(crate) fn keys_hint() -> String {
    tr!("view-keys-hint")
}
/// The same, when the title leaves no room.
pub(crate) fn keys_hint_short() -> String {
    tr!("view-keys-hint-short")
}
/// The keys overlay (`?`), one line each.
pub(crate) fn help() -> Vec<String> {
    tr!("view-help").lines().map(str::to_string).collect()
}
pub(crate) fn help_title() -> String {
    format!(" {} ", tr!("view-help-title"))
}
pub(crate) fn help_close() -> String {
    tr!("view-help-close")
}

/// Section titles.
pub(crate) fn threads(alive: usize, ended: usize) -> String {
    tr!("view-threads", alive = alive, ended = ended)
}
pub(crate) fn dict(n: usize) -> String {
    tr!("view-dict", n = n)
}
pub(crate) fn no_dict() -> String {
    tr!("view-no-dict")
}
pub(crate) fn log() -> String {
    tr!("view-log")
}

/// The lock, in the dict's title.
pub(crate) fn no_lock() -> String {
    tr!("view-no-lock")
}
pub(crate) fn lock_free() -> String {
    tr!("view-lock-free")
}
pub(crate) fn lock_held_by(thread: &str) -> String {
    tr!("view-lock-held-by", thread = thread)
}

/// Thread states (a blocking call says itself: `crate::py::Call::describe`).
pub(crate) fn running() -> String {
    tr!("view-running")
}
pub(crate) fn ended() -> String {
    tr!("view-ended")
}
pub(crate) fn died(exception: &str) -> String {
    tr!("view-died", exception = exception)
}
pub(crate) fn at_prompt() -> String {
    tr!("view-at-prompt")
}
pub(crate) fn holds_lock() -> String {
    tr!("view-holds-lock")
}
/// `f.close()` of a makefile, short enough for 80 columns.
pub(crate) fn makefile_close(peer: &str) -> String {
    tr!("view-makefile-close", peer = peer)
}

/// Connection columns: the client, its socket object, its thread, the bytes the program
/// received and sent, then the kernel's queues, named as `ss` names them.
pub(crate) fn columns() -> [String; 6] {
    [
        tr!("view-col-client"),
        tr!("view-col-socket"),
        tr!("view-col-thread"),
        tr!("view-col-received"),
        tr!("view-col-sent"),
        tr!("view-col-peer-recv-q"),
    ]
}
pub(crate) const COL_SEND_Q: &str = "Send-Q";
pub(crate) const COL_RECV_Q: &str = "Recv-Q";
pub(crate) const COL_TCP: &str = "TCP";

/// Connection cells.
pub(crate) fn open() -> String {
    tr!("view-open")
}
pub(crate) fn closed() -> String {
    tr!("view-closed")
}
pub(crate) fn alive() -> String {
    tr!("view-alive")
}
pub(crate) fn dead() -> String {
    tr!("view-dead")
}
pub(crate) fn gone() -> String {
    tr!("view-gone")
}
pub(crate) const NONE: &str = "-";
pub(crate) fn empty_dict() -> String {
    tr!("view-empty-dict")
}

/// More rows than fit.
pub(crate) fn more(n: usize) -> String {
    tr!("view-more", n = n)
}

/// The header's uptime.
pub(crate) fn up(clock: &str) -> String {
    tr!("view-up", clock = clock)
}
pub(crate) fn paused() -> String {
    tr!("view-paused")
}

/// The console line.
pub(crate) const PROMPT: &str = ">> ";
pub(crate) fn no_console() -> String {
    tr!("view-no-console")
}
pub(crate) fn demo_keys() -> String {
    tr!("view-demo-keys")
}
pub(crate) fn console_gone() -> String {
    tr!("view-console-gone")
}
pub(crate) fn quitting_keys() -> String {
    tr!("view-quitting-keys")
}

/// The quit line: how long ago `quit` came and where the quit is (left), when netlab
/// cuts the rest short (right).
pub(crate) fn quit_since(after: f64) -> String {
    format!(
        "{} · ",
        tr!("view-quit-since", seconds = format!("{after:.1}"))
    )
}
pub(crate) fn cut_in(left: f64) -> String {
    tr!("view-cut-in", seconds = format!("{left:.1}"))
}
pub(crate) fn stop_running() -> String {
    tr!("view-stop-running")
}
pub(crate) fn stop_blocked() -> String {
    tr!("view-stop-blocked")
}
pub(crate) fn stop_pause() -> String {
    tr!("view-stop-pause")
}
pub(crate) fn python_waits(n: usize) -> String {
    tr!("view-python-waits", threads = tr!("count-threads", n = n))
}
pub(crate) fn all_ended() -> String {
    tr!("view-all-ended")
}

/// The smallest screen the view draws on, and what it says on a smaller one.
pub(crate) fn too_small(w: u16, h: u16) -> String {
    tr!("view-too-small", w = w.to_string(), h = h.to_string())
}
