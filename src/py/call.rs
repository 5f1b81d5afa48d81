//! The blocking call a thread sits in: `recv()` from a client, `accept()` on the
//! listening socket, a wait for `self.lock`...
//!
//! A call is data, not a sentence. The quit report and the live view say it in the
//! class's language, from the catalogue ([`Call::describe`]: `in recv() from
//! 127.0.0.1:51234`, `阻塞在 recv()（来自 127.0.0.1:51234）`), so that no English
//! fragment ends up inside a Chinese sentence. [`Call::code`] writes it as one line in
//! the words of the code, the same in every language: the grader's transcript and the
//! Python-style `repr` of a thread show that.

use std::fmt;

/// What stands for the addresses of a group of threads in the same call on different
/// clients.
const ELIDED: &str = "...";

/// One blocking call, with the address it concerns, already written (`127.0.0.1:51234`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Call {
    /// `accept()` on the listening socket bound to `on`.
    Accept { on: String },
    /// `call` (`recv()`, `recv_into()`, a makefile's `readline()`) on the connection
    /// `from` a client.
    Recv { call: &'static str, from: String },
    /// `send()` to a client.
    Send { to: String },
    /// Waiting to take `self.lock` (`with self.lock:`).
    Lock,
    /// `f.close()` of the makefile of a connection, waiting for a `readline()`.
    MakefileClose { of: String },
    /// Any other call, as the code writes it: `Event.wait(3)`, `q.get()`, `select()`.
    Other(String),
}

impl Call {
    /// The call in the words of the code: `recv() from 127.0.0.1:51234`, `a wait for
    /// self.lock`.
    pub fn code(&self) -> String {
        match self {
            Call::Accept { on } => format!("accept() on {on}"),
            Call::Recv { call, from } => format!("{call} from {from}"),
            Call::Send { to } => format!("send() to {to}"),
            Call::Lock => "a wait for self.lock".to_string(),
            Call::MakefileClose { of } => format!("f.close() of the makefile for {of}"),
            Call::Other(code) => code.clone(),
        }
    }

    /// Whether [`Call::code`] contains `text`: what a scenario asks (`recv()`, `self.lock`).
    pub fn contains(&self, text: &str) -> bool {
        self.code().contains(text)
    }

    /// The state of a thread in this call, in the language in force: `in recv() from
    /// 127.0.0.1:51234`, `waiting for self.lock`.
    pub fn describe(&self) -> String {
        match self {
            Call::Accept { on } => crate::tr!("call-accept", addr = on.as_str()),
            Call::Recv { call, from } => {
                crate::tr!("call-recv", call = *call, peer = from.as_str())
            }
            Call::Send { to } => crate::tr!("call-send", peer = to.as_str()),
            Call::Lock => crate::tr!("call-lock"),
            Call::MakefileClose { of } => crate::tr!("call-makefile-close", peer = of.as_str()),
            Call::Other(code) => crate::tr!("call-other", call = code.as_str()),
        }
    }

    /// Whether the call waits for a client to send or to connect, which is where an idle
    /// server's threads sit, rather than for room to send or for a lock.
    pub fn waits_for_input(&self) -> bool {
        matches!(self, Call::Accept { .. } | Call::Recv { .. })
    }

    /// Whether the call is a `send()`.
    pub fn is_send(&self) -> bool {
        matches!(self, Call::Send { .. })
    }

    /// The same call with its address left out (`recv() from ...`): what a group of
    /// threads in the same call on different clients has in common.
    pub fn elided(&self) -> Call {
        let elided = ELIDED.to_string();
        match self {
            Call::Accept { .. } => Call::Accept { on: elided },
            Call::Recv { call, .. } => Call::Recv { call, from: elided },
            Call::Send { .. } => Call::Send { to: elided },
            Call::MakefileClose { .. } => Call::MakefileClose { of: elided },
            Call::Lock | Call::Other(_) => self.clone(),
        }
    }
}

impl fmt::Display for Call {
    /// [`Call::code`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_is_the_same_words_in_every_language() {
        let recv = Call::Recv {
            call: "recv()",
            from: "127.0.0.1:5".into(),
        };
        assert_eq!(recv.code(), "recv() from 127.0.0.1:5");
        assert!(recv.contains("recv()") && Call::Lock.contains("self.lock"));
        assert_eq!(recv.elided().code(), "recv() from ...");
        assert!(recv.waits_for_input() && !recv.is_send());
    }
}
