//! Every word the live view draws, in one place. The drawing code only arranges these; a test renders every screen, so a label too long for 80 columns
//! shows up there.

/// The keys line, top right.
pub(crate) const KEYS_HINT: &str = "? keys  p pause  q quit";
/// The same, when the title leaves no room.
pub(crate) const KEYS_HINT_SHORT: &str = "? keys";
/// The keys overlay (`?`), one line each.
pub(crate) const HELP: &[&str] = &[
    "q        quit: the console's `quit` (stages 1-2: as Ctrl-C)",
    "Ctrl-C   the same; again while quitting: cut the wait short",
    "p        pause the display (the server keeps running)",
    "?        show or hide these keys",
    "any other key starts a >> console line; Enter sends it,",
    "         Esc clears it. An empty line logs the threads and",
    "         the clients, as the notes' console does.",
];
pub(crate) const HELP_TITLE: &str = " keys ";
pub(crate) const HELP_CLOSE: &str = "any key closes this";

/// Section titles.
pub(crate) const THREADS: &str = "threads";
pub(crate) const DICT: &str = "clients dict";
pub(crate) const NO_DICT: &str = "stage 1 keeps no clients dict: its connections";
pub(crate) const LOG: &str = "messages and log records";

/// The lock, in the dict's title.
pub(crate) const NO_LOCK: &str = "no lock in this stage";
pub(crate) const LOCK_FREE: &str = "self.lock: free";
pub(crate) const LOCK_HELD_BY: &str = "self.lock held by";

/// Thread states.
pub(crate) const RUNNING: &str = "running";
pub(crate) const BLOCKED_IN: &str = "in";
pub(crate) const WAITING_FOR_LOCK: &str = "waiting for self.lock";
pub(crate) const ENDED: &str = "ended";
pub(crate) const DIED: &str = "died:";
pub(crate) const AT_PROMPT: &str = "at the >> prompt, in input()";
pub(crate) const HOLDS_LOCK: &str = "holds lock";

/// Connection columns.
pub(crate) const COL_CLIENT: &str = "client (key)";
pub(crate) const COL_SOCKET: &str = "socket";
pub(crate) const COL_THREAD: &str = "thread";
pub(crate) const COL_RECEIVED: &str = "recv'd";
pub(crate) const COL_SENT: &str = "sent";
pub(crate) const COL_SEND_Q: &str = "Send-Q";
pub(crate) const COL_RECV_Q: &str = "Recv-Q";
pub(crate) const COL_TCP: &str = "TCP";
pub(crate) const COL_PEER_RECV_Q: &str = "peer Recv-Q";

/// Connection cells.
pub(crate) const OPEN: &str = "open";
pub(crate) const CLOSED: &str = "closed";
pub(crate) const ALIVE: &str = "alive";
pub(crate) const DEAD: &str = "dead";
pub(crate) const GONE: &str = "gone";
pub(crate) const NONE: &str = "-";
pub(crate) const EMPTY_DICT: &str = "{}  (empty)";

/// More rows than fit.
pub(crate) fn more(n: usize) -> String {
    format!("... and {n} more")
}

/// The header's uptime.
pub(crate) const UP: &str = "up";
pub(crate) const PAUSED: &str = "PAUSED: the display is still, the server runs on (p)";

/// The console line.
pub(crate) const PROMPT: &str = ">> ";
pub(crate) const NO_CONSOLE: &str =
    "no >> console in this stage: q or Ctrl-C stops it (Ctrl-C in Python too)";
pub(crate) const DEMO_KEYS: &str = "a demo, no console: q or Ctrl-C ends it";
pub(crate) const CONSOLE_GONE: &str = "the console is gone (quit)";
pub(crate) const QUITTING_KEYS: &str = "Ctrl-C cuts the wait short";

/// The quit line: how long ago `quit` came and where the quit is (left), when netlab
/// cuts the rest short (right).
pub(crate) fn quit_since(after: f64) -> String {
    format!("quit {after:.1}s ago · ")
}
pub(crate) fn cut_in(left: f64) -> String {
    format!("cut short in {left:.1}s")
}
pub(crate) const STOP_RUNNING: &str = "stop() is running";
pub(crate) const STOP_BLOCKED: &str = "stop() is blocked";
pub(crate) const STOP_PAUSE: &str = "stop() returned; the notes' 3 s wait";
pub(crate) fn python_waits(n: usize) -> String {
    format!(
        "Python waits for {n} thread{} stop() did not wake",
        if n == 1 { "" } else { "s" }
    )
}
pub(crate) const ALL_ENDED: &str = "every thread has ended";

/// The smallest screen the view draws on, and what it says on a smaller one.
pub(crate) fn too_small(w: u16, h: u16) -> String {
    format!("netlab's view needs at least 80x24; this terminal is {w}x{h}. Enlarge it, or press q.")
}
