//! The limits and policies of netlab's own servers, stages 8 and 9, which go beyond the
//! notes: the notes' servers have none, and each missing one is a flaw netlab shows
//! (a 10 MB line buffered whole, a client that never reads freezing everyone, no end to
//! how many clients connect). Both stages apply the same ones, from here.
//!
//! - A line longer than [`Limits::max_line`] bytes gets one error line ([`too_long`]) and
//!   the client is disconnected.
//! - A line that is not UTF-8 disconnects its client, as stage 7 of the notes does (it
//!   logs the decode error and takes its `quit` path): a chat of text has no use for it,
//!   and replacing the bytes would put words in the sender's mouth.
//! - A client with more than [`Limits::max_pending`] bytes waiting for it when a new
//!   message comes is disconnected, with a log line: it does not read. At most that, and
//!   one message, ever wait for one client (Redis' client output buffer limit and NATS'
//!   slow consumers follow the same rule).
//! - Past [`Limits::max_clients`] connected clients, a newcomer gets one line
//!   ([`server_full`]) and is closed.
//!
//! `netlab stage 8 --max-line B --max-pending B --max-clients N` sets them, once, before
//! the server starts; tests and other stages use the defaults.

use std::sync::OnceLock;

/// The limits of stages 8 and 9.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The longest line a client may send, in bytes, its `\n` not counted.
    pub max_line: usize,
    /// The most bytes that may wait for one client before it counts as not reading.
    pub max_pending: usize,
    /// The most clients connected at once.
    pub max_clients: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_line: 64 * 1024,
            max_pending: 8 * 1024 * 1024,
            max_clients: 10_240,
        }
    }
}

static LIMITS: OnceLock<Limits> = OnceLock::new();

/// Sets the limits for this process; false if they were already set (or used).
pub fn set(limits: Limits) -> bool {
    LIMITS.set(limits).is_ok()
}

/// The limits in force: those set, or the defaults.
pub fn limits() -> Limits {
    *LIMITS.get_or_init(Limits::default)
}

/// The one line a client gets before it is disconnected for a line too long.
pub fn too_long(max_line: usize) -> String {
    format!("error: line longer than {max_line} bytes; closing the connection\n")
}

/// The one line a client gets when the server already has as many clients as it takes.
pub fn server_full(max_clients: usize) -> String {
    format!("error: server full ({max_clients} clients); try again later\n")
}

/// The log line for a client disconnected for not reading.
pub fn not_reading(client: &str, pending: usize, max_pending: usize) -> String {
    format!(
        "{client} does not read: {pending} bytes wait for it, more than {max_pending}; disconnected"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The scenario `line_too_long_gets_an_error` expects this line, for the default limit.
    #[test]
    fn the_scenarios_error_line_is_the_default_one() {
        assert_eq!(
            too_long(Limits::default().max_line),
            "error: line longer than 65536 bytes; closing the connection\n"
        );
    }
}
