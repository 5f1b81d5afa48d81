//! The servers a bench compares: netlab's own stages, any program, or a server already
//! running, each behind the same small interface (start, address, usage, stop).
//!
//! netlab's stages and programs are started afresh for every run, as separate processes
//! through the launcher `netlab check` uses ([`Launch`]): on a free port below the kernel's
//! ephemeral range, ready once the kernel lists the program's listener, started again on
//! another port if that one was taken meanwhile, and stopped with everything it started. A stage runs as
//! `netlab stage N --port P --grace 1` from netlab's own binary, as a teacher would run
//! it, logging included (docs/en/bench.md says what the logging costs, and how to turn it
//! off with `RUST_LOG`). The output of both is drained and only its last lines kept.
//!
//! A server at `--addr` is the user's to start and stop; its CPU and memory are read from
//! the process that holds its listening socket, when this user may read it.

use crate::program::{self, ExternalProgram, Keep, Launch, Launched, Usage};
use crate::stage::Lifecycle;
use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

/// How many of a program's last output lines are kept, for the report on a failed run.
const TAIL: usize = 40;

/// One server to bench.
#[derive(Clone, Debug)]
pub(crate) enum Benched {
    /// netlab's stage (or an exercise's solution), by what was typed after `--stage`.
    Stage(String),
    /// A command after `--`, with `{port}` in its arguments or `PORT` in its environment.
    Command(Vec<String>),
    /// A server already running there.
    Addr(SocketAddr),
}

impl Benched {
    /// netlab's stage `id` (a number or an exercise's id), if it is a chat server.
    pub(crate) fn stage(id: &str) -> Result<Benched, String> {
        let entry = crate::curriculum::parse_server(id)?;
        let stage = entry
            .server_program()
            .expect("the parser checked that it is a server");
        if stage.lifecycle == Lifecycle::Script {
            return Err(crate::tr!("bench-not-a-chat-server", id = id));
        }
        Ok(Benched::Stage(id.to_string()))
    }

    /// How the table names it.
    pub(crate) fn label(&self) -> String {
        match self {
            Benched::Stage(id) => crate::tr!("entry-stage", id = id.as_str()),
            Benched::Command(command) => {
                let mut words: Vec<String> = command
                    .iter()
                    .map(|w| match Path::new(w).file_name() {
                        // A path shows as its file name: `python3 stage_7.py`.
                        Some(name) if w.contains('/') => name.to_string_lossy().into_owned(),
                        _ => w.clone(),
                    })
                    .collect();
                words.retain(|w| w != "{port}");
                words.join(" ")
            }
            Benched::Addr(addr) => addr.to_string(),
        }
    }

    /// Starts it for one run (a server at `--addr` is only looked up).
    pub(crate) fn start(
        &self,
        netlab: &Path,
        start_timeout: Duration,
    ) -> Result<BenchServer, String> {
        let command = match self {
            Benched::Addr(addr) => {
                return Ok(BenchServer {
                    program: None,
                    addr: *addr,
                })
            }
            Benched::Stage(id) => [
                netlab.to_string_lossy().as_ref(),
                "stage",
                id,
                "--port",
                "{port}",
                "--grace",
                "1",
            ]
            .map(String::from)
            .to_vec(),
            Benched::Command(command) => command.clone(),
        };
        let launch = Launch {
            command: &command,
            port: None,
            start_timeout,
            keep: Keep::Tail(TAIL),
        };
        match launch.start() {
            Ok(Launched { program, addr }) => Ok(BenchServer {
                program: Some(program),
                addr,
            }),
            Err(mut e) => {
                let mut why = e.message();
                if let Some(hint) = e.hint() {
                    why.push_str(&format!(" ({hint})"));
                }
                if let Some((program, _)) = e.program_mut() {
                    why.push_str(&tail(program));
                }
                Err(why)
            }
        }
    }
}

/// A server started (or found) for one run.
pub(crate) struct BenchServer {
    /// What netlab started; None for a server at `--addr`.
    program: Option<ExternalProgram>,
    addr: SocketAddr,
}

impl BenchServer {
    pub(crate) fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// What the server's processes have cost so far; None if they cannot be read.
    pub(crate) fn usage(&self) -> Option<Usage> {
        match &self.program {
            Some(program) => Some(program.usage()),
            None => {
                let pids = listener_pids(self.addr);
                (!pids.is_empty()).then(|| program::usage_of(&pids))
            }
        }
    }

    /// If the server has ended by itself, how, and its last lines.
    pub(crate) fn exited(&mut self) -> Option<String> {
        let program = self.program.as_mut()?;
        let status = program.try_exit()?;
        Some(crate::tr!(
            "bench-server-ended",
            status = status.to_string(),
            tail = tail(program)
        ))
    }

    /// Stops what netlab started, and everything it started; says which processes had
    /// escaped the server's process group, if any did.
    pub(crate) fn stop(&mut self) -> Option<String> {
        self.program.as_mut()?.stop_reporting()
    }
}

/// The last lines a program printed, for a message: `; it printed: ...`, or nothing.
fn tail(program: &ExternalProgram) -> String {
    let (lines, _) = program.lines_since(0);
    let last: Vec<String> = lines
        .iter()
        .rev()
        .take(6)
        .rev()
        .map(|(_, l)| crate::terminal::shorten(l).into_owned())
        .collect();
    if last.is_empty() {
        String::new()
    } else {
        crate::tr!("bench-last-lines", lines = last.join("\n    "))
    }
}

/// The processes that hold a listening socket on `addr`'s port, where this user may see.
fn listener_pids(addr: SocketAddr) -> Vec<u32> {
    let Ok(sockets) = crate::ports::sockets() else {
        return Vec::new();
    };
    let owners = crate::ports::owners();
    let mut pids: Vec<u32> = sockets
        .iter()
        .filter(|s| s.state == crate::ports::State::Listen && s.local.port() == addr.port())
        .filter_map(|s| owners.get(&s.inode))
        .flatten()
        .map(|o| o.pid)
        .collect();
    pids.sort_unstable();
    pids.dedup();
    pids
}
