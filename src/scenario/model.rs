//! What a scenario is made of: steps for named clients, the bytes they send and must
//! receive, and the checks that need many clients at once (experiments). The tables of
//! them are in `library.rs`; what runs them in `runner.rs` and `client_check.rs`.

use super::End;
use crate::stage::Running;

/// One scenario: steps for named clients. It names itself and its steps; which programs
/// must pass it is the curriculum's business (`stages/curriculum.toml`).
#[derive(Debug)]
pub struct Scenario {
    /// Its name, also the name of the test that runs it (after the `stageN_` prefix), and
    /// of what it shows in the message catalogue (`scenario-NAME`: a sentence a student
    /// can read as the exercise).
    pub name: &'static str,
    /// What happens, in order.
    pub steps: &'static [Step],
}

/// What the check called `name` shows, in the language in force: `scenario-NAME` in the
/// message catalogue.
pub(crate) fn shows(name: &str) -> String {
    crate::catalogue::text(&format!("scenario-{name}"), &[])
}

impl Scenario {
    /// What it shows, in the language in force.
    pub fn shows(&self) -> String {
        shows(self.name)
    }
}

/// A check that needs many clients at once, or netlab's own server to look into (its
/// threads' deaths): the dict race under churn, a client that never reads. Run by the
/// tests against netlab's stages in this process.
#[derive(Debug)]
pub struct Experiment {
    /// Its name, also the name of its test (after the `stageN_` prefix), and of what it
    /// shows in the message catalogue (`scenario-NAME`).
    pub name: &'static str,
    /// Runs it against a started stage: Err says what went otherwise.
    pub run: fn(&Running) -> Result<(), String>,
}

/// Bytes to send or expect, written compactly.
#[derive(Clone, Copy, Debug)]
pub enum Data {
    /// These bytes.
    Bytes(&'static [u8]),
    /// These bytes, repeated.
    Repeat(&'static [u8], usize),
    /// These parts, one after the other.
    Parts(&'static [Data]),
}

impl Experiment {
    /// What it shows, in the language in force.
    pub fn shows(&self) -> String {
        shows(self.name)
    }
}

impl Data {
    /// How many bytes it is, without making them.
    pub(crate) fn len(self) -> usize {
        match self {
            Data::Bytes(b) => b.len(),
            Data::Repeat(b, n) => b.len() * n,
            Data::Parts(parts) => parts.iter().map(|p| p.len()).sum(),
        }
    }

    /// The bytes themselves.
    pub(crate) fn to_bytes(self) -> Vec<u8> {
        match self {
            Data::Bytes(b) => b.to_vec(),
            Data::Repeat(b, n) => b.repeat(n),
            Data::Parts(parts) => parts.iter().flat_map(|p| p.to_bytes()).collect(),
        }
    }
}

/// Part of what a client must receive.
#[derive(Clone, Copy, Debug)]
pub enum Piece {
    /// A chat message from client `from`: the header `"{TS} ip:port\n"`, the body, `"\n"`;
    /// `times` times in a row.
    Message {
        from: &'static str,
        body: Data,
        times: usize,
    },
    /// Exactly these bytes.
    Raw(Data),
}

/// What the steps after a [`Step::Shows`] marker show, which decides what their failing
/// means for a program that is not netlab's (`docs/en/check.md`, "What must hold"). A
/// scenario starts with the contract.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    /// The notes' contract: what a chat server of that stage is for (the bytes and the
    /// header, framing, broadcast to everyone, `quit`, a closed or reset client removed,
    /// nothing lost). Required.
    Contract,
    /// A flaw the notes keep on purpose (the dict race, `stop()` blocking, a client that
    /// never reads freezing the chat): reported as present or absent, never required but
    /// with `--strict`, so that a server better than the notes' passes.
    Flaw,
    /// What the notes' code does only because it is CPython (the message of this id in
    /// the catalogue says what): reported, never required but with `--strict`.
    Accident(&'static str),
    /// The contract, which the notes' own CPython program breaks by an accident (the
    /// message of this id says which): required of every program but a CPython one, for
    /// which a failure is reported as that accident.
    ContractButCPython(&'static str),
}

impl Class {
    /// Why the steps are what they are, in the language in force: the accident's text.
    pub fn why(self) -> Option<String> {
        match self {
            Class::Accident(id) | Class::ContractButCPython(id) => {
                Some(crate::catalogue::text(id, &[]))
            }
            Class::Contract | Class::Flaw => None,
        }
    }
}

/// One step of a scenario. `{A}` in a text stands for client A's address (`127.0.0.1:51234`)
/// and `{A.repr}` for its Python repr (`('127.0.0.1', 51234)`).
#[derive(Clone, Debug)]
pub enum Step {
    /// A new client connects, and is in the server's clients dict before the next step: it
    /// sends a line of its own (`A joins`) and waits for it to come back, since a chat
    /// server sends every message to every client, the sender included. Other clients'
    /// copies of that line are taken out of what later steps expect.
    Connect(&'static str),
    /// A new client connects, and nothing waits for the server to register it: for stage 1,
    /// which serves one client at a time, and for a server that is stuck or whose chat is
    /// dead and will not send the line back.
    Arrive(&'static str),
    /// The client sends these bytes.
    Send(&'static str, Data),
    /// The client receives exactly these bytes next (a header's time matched by its form,
    /// or exactly with `--strict`).
    Expect(&'static str, &'static [Piece]),
    /// As `Expect`, and each header's time is exactly as the notes write it
    /// (`%Y%m/%d %H:%M:%S`, this machine's local time), whatever the mode.
    ExpectExactHeader(&'static str, &'static [Piece]),
    /// The client receives nothing more during this many milliseconds, and its connection
    /// stays open.
    Quiet(&'static str, u64),
    /// The client receives nothing more during this many milliseconds; its connection may
    /// end meanwhile (the server died).
    NoData(&'static str, u64),
    /// The server ends the client's connection: `End::Eof` (FIN) or `End::Reset` (RST),
    /// with nothing unread before it.
    Ends(&'static str, End),
    /// The client closes its connection (FIN).
    Close(&'static str),
    /// The client resets its connection (RST).
    Reset(&'static str),
    /// The client shuts down its sending side (FIN) and keeps reading.
    HalfClose(&'static str),
    /// Wait this many milliseconds (to split a line across two TCP segments).
    Pause(u64),
    /// The server logs or prints a line containing this text.
    Says(&'static str),
    /// The server's thread of this name ends with an exception containing this text.
    ThreadDies(&'static str, &'static str),
    /// The server's thread of this name ends, without an exception.
    ThreadEnds(&'static str),
    /// The server's thread of this name is blocked in a call containing this text.
    ThreadBlocked(&'static str, &'static str),
    /// The console's `quit` is typed, with this grace period in milliseconds.
    Quit(u64),
    /// The quit sequence ends: every thread ended by itself (true), or was cut short (false).
    QuitEnds(bool),
    /// A new client connects that never reads, with a small receive buffer (its buffers
    /// fill up at once). It is registered when a client that reads receives its first line.
    Silent(&'static str),
    /// The client sends 10 KB lines (`flood 000001 xxx...`) until this many bytes have
    /// gone, or the server has stopped taking them for 2 s; then every client that reads
    /// must receive every one of them (later steps skip them).
    Flood(&'static str, usize),
    /// As `Expect`, waiting at most this many milliseconds.
    ExpectWithin(&'static str, u64, &'static [Piece]),
    /// The client (a silent one) reads at last: the server must have ended its
    /// connection; what came before the end does not matter.
    EndsSomeTime(&'static str),
    /// The server's memory (the resident set of its processes) stays under this many MiB.
    MemoryBelow(u64),
    /// Churn for this many milliseconds: clients connect, say `hi`, send `quit` and close,
    /// over and over, while `chatty` sends a line every millisecond. No thread may die of
    /// `dictionary changed size during iteration`, and `chatty` and `observer` must receive
    /// every line `chatty` sent.
    Churn {
        chatty: &'static str,
        observer: &'static str,
        millis: u64,
    },
    /// This many clients each connect, send `hi` and close at once (later steps skip their
    /// lines).
    Leavers(usize),
    /// The server holds no connection in CLOSE-WAIT: it closed the socket of every client
    /// that closed.
    NoCloseWait,
    /// From here on, the steps show what netlab does where the Python program would hang,
    /// spin, lose a line or run out of memory (the message of this id in the catalogue says
    /// which): they hold for netlab's own stages, and are not checked against another
    /// program.
    NetlabOnly(&'static str),
    /// From here on, the steps show this (until the next marker).
    Shows(Class),
}

impl Step {
    /// Whether the step checks something (rather than only acting).
    pub(crate) fn checks(&self) -> bool {
        !matches!(
            self,
            Step::Arrive(_)
                | Step::Leavers(_)
                | Step::Send(..)
                | Step::Close(_)
                | Step::Reset(_)
                | Step::HalfClose(_)
                | Step::Pause(_)
                | Step::Quit(_)
                | Step::NetlabOnly(_)
                | Step::Shows(_)
        )
    }
}

/// A chat message from `from` with this body.
pub(crate) const fn msg(from: &'static str, body: &'static [u8]) -> Piece {
    Piece::Message {
        from,
        body: Data::Bytes(body),
        times: 1,
    }
}

/// Exactly these bytes.
pub(crate) const fn raw(bytes: &'static [u8]) -> Piece {
    Piece::Raw(Data::Bytes(bytes))
}

/// One scenario for a client.
#[derive(Debug)]
pub struct ClientScenario {
    /// Its name, and of what it shows in the message catalogue (`scenario-NAME`).
    pub name: &'static str,
    /// What happens, in order.
    pub steps: &'static [ClientStep],
}

impl ClientScenario {
    /// What it shows, in the language in force.
    pub fn shows(&self) -> String {
        shows(self.name)
    }
}

/// One step of a client scenario.
#[derive(Clone, Copy, Debug)]
pub enum ClientStep {
    /// The client starts, connects to netlab's server and says `I'm ready`, which an
    /// observer connected to the same server receives.
    Starts,
    /// A line is typed at the client's `>> ` prompt.
    Types(&'static str),
    /// The server goes away: netlab shuts every one of its connections down.
    ServerGoes,
    /// The client ends within this many milliseconds of the step before.
    EndsWithin(u64),
    /// Since the step before the last, the client printed at most this many lines: it did
    /// not spin, logging the `b''` that `recv()` returns again and again.
    PrintsAtMost(usize),
}

impl ClientStep {
    pub(crate) fn checks(&self) -> bool {
        !matches!(self, ClientStep::Types(_) | ClientStep::ServerGoes)
    }
}
