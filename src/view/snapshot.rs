//! `Snapshot`: everything the view draws, read at one moment from what netlab already
//! records (the interpreter's threads and sockets, the stage's clients dict) and from the
//! kernel's socket table (`/proc/net/tcp`: each connection's queues and state).
//!
//! Taking a snapshot only reads: it never calls into a socket, never waits for a lock
//! the stage uses (the dict is read in one step, as `logging.info(cs.clients)` reads
//! it), and never changes a thread's state. The drawing works from the snapshot alone, so
//! it is a pure function that the tests call with ratatui's test backend.

use super::feed::Feed;
use crate::ports::{self, State as TcpState, TcpSocket};
use crate::py::{Call, Interpreter, Socket, ThreadInfo};
use crate::stage::{Lifecycle, Running, Server, ServerProgram};
use crate::terminal::Shown;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What the view watches: a running stage's interpreter and server, shared with it.
#[derive(Clone)]
pub struct Watched {
    /// Which server runs.
    server_program: &'static ServerProgram,
    /// Its threads, sockets and (when captured) records.
    interp: Arc<Interpreter>,
    /// Its server object: the clients dict, the address.
    server: Arc<dyn Server>,
    /// What the header calls it: `stage 7 · full`.
    title: String,
    /// When the view began to watch it: the header's uptime.
    started: Instant,
    /// Whether Python's main thread sits at the `>> ` prompt (a stage run from the CLI
    /// with its console; not a demo, which drives the server itself).
    prompt: bool,
}

impl Watched {
    /// The stage `running`, titled `stage N · slug`.
    pub fn of(running: &Running) -> Watched {
        Watched {
            server_program: running.program(),
            interp: running.interpreter().clone(),
            server: running.server().clone(),
            title: crate::tr!(
                "view-title-stage",
                n = running.program().id,
                slug = running.program().slug
            ),
            started: Instant::now(),
            prompt: running.program().lifecycle.has_console(),
        }
    }

    /// The stage `running` as a demo drives it: titled `title`, with no console.
    pub fn demo(running: &Running, title: String) -> Watched {
        Watched {
            title,
            prompt: false,
            ..Watched::of(running)
        }
    }
    /// Its interpreter.
    pub(crate) fn interpreter(&self) -> &Arc<Interpreter> {
        &self.interp
    }
}

/// Everything on one screen of the view.
#[derive(Clone, Debug)]
pub struct Snapshot {
    /// `stage 7 · full`, or the demo's name.
    pub title: String,
    /// Where the server listens.
    pub listening: SocketAddr,
    /// How long the program has run.
    pub uptime: Duration,
    /// How the program lives: a console (stages 3-7), or none.
    pub lifecycle: Lifecycle,
    /// One row per thread, in the order they started.
    pub threads: Vec<ThreadRow>,
    /// The clients dict, entry by entry; `None` for a stage that keeps none (stage 1).
    pub dict: Option<Vec<Connection>>,
    /// Connections whose socket object exists but is not in the dict (a thread still
    /// holds it, or stage 1's one connection).
    pub others: Vec<Connection>,
    /// The program's lock.
    pub lock: LockState,
    /// The last lines of output, oldest first.
    pub log: Vec<Shown>,
    /// Where the quit is, once `quit` has come.
    pub quit: Option<Quit>,
}

/// One thread of the program.
#[derive(Clone, Debug)]
pub struct ThreadRow {
    /// `accept`, `recv 127.0.0.1:51234`, `MainThread`.
    pub name: String,
    pub state: ThreadState,
    /// How long it has been in that state.
    pub since: Duration,
    /// Whether it holds the lock now.
    pub holds_lock: bool,
}

/// What a thread is doing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ThreadState {
    /// Running Python code, in no blocking call.
    Running,
    /// In a blocking call: `recv()` from 127.0.0.1:51234, a wait for `self.lock`.
    Blocked(Call),
    /// Returned normally.
    Ended,
    /// Killed by an exception: its one-line text.
    Died(String),
    /// The console's `input()` (the main thread of stages 3-7 before `quit`).
    AtPrompt,
}

/// One connection: a dict entry, or a socket object not in the dict.
#[derive(Clone, Debug)]
pub struct Connection {
    /// The dict key (the client's address), or the socket's peer.
    pub client: SocketAddr,
    /// `close()` was called on the socket object.
    pub closed: bool,
    /// The thread that serves the client (`recv {client}`): alive, ended or dead.
    pub thread: Option<ThreadFate>,
    /// Bytes received from this client and sent to it, by the program.
    pub received: u64,
    pub sent: u64,
    /// The kernel's view of the server's end, if the kernel still has it.
    pub kernel: Option<Kernel>,
}

/// Whether a connection's thread still runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ThreadFate {
    Alive,
    Ended,
    Died,
}

/// One connection as the kernel sees it (`/proc/net/tcp`, as `ss -tan` shows it).
#[derive(Clone, Copy, Debug)]
pub struct Kernel {
    pub state: TcpState,
    /// Bytes the program has sent that the client has not acknowledged: they wait in the
    /// server's send queue. A client that does not read makes it grow, then stay full.
    pub send_q: u32,
    /// Bytes that arrived from the client and the program has not read yet.
    pub recv_q: u32,
    /// On this machine (loopback), the client's own receive queue: bytes it has not read.
    pub peer_recv_q: Option<u32>,
}

/// The program's lock, as the dict's title shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LockState {
    /// Stages 2-4 make no `threading.Lock()`.
    NoLock,
    Free,
    /// Held by the named thread.
    HeldBy(String),
}

/// How far the quit has gone.
#[derive(Clone, Copy, Debug)]
pub struct Quit {
    /// Time since `quit` (or Ctrl-C).
    pub after: Duration,
    /// `--grace`: when netlab cuts the threads short.
    pub grace: Duration,
}

impl Snapshot {
    /// Reads `program` now; `feed` holds its output so far, `quit` says when the quit
    /// began and the grace period (`--grace`).
    pub fn take(program: &Watched, feed: &mut Feed, quit: Option<(Instant, Duration)>) -> Snapshot {
        let now = Instant::now();
        let started = program.started;
        let interp = &program.interp;
        let infos = interp.threads();
        let quitting = quit.is_some();
        let lifecycle = program.server_program.lifecycle;
        let mut threads = Vec::new();
        // Python's main thread sits in the console's input() until `quit`; then the quit
        // sequence runs the notes' stop() on a thread of that name, which the list shows.
        if program.prompt && !quitting {
            threads.push(ThreadRow {
                name: "MainThread".to_string(),
                state: ThreadState::AtPrompt,
                since: now.saturating_duration_since(started),
                holds_lock: false,
            });
        }
        threads.extend(infos.iter().map(|t| thread_row(t, now)));
        let kernel = kernel_table();
        let fate = |client: &SocketAddr| {
            let name = format!("recv {client}");
            infos
                .iter()
                .rev()
                .find(|t| t.name == name)
                .map(|t| match (t.alive, &t.exception) {
                    (true, _) => ThreadFate::Alive,
                    (false, None) => ThreadFate::Ended,
                    (false, Some(_)) => ThreadFate::Died,
                })
        };
        let connection = |client: SocketAddr, sock: &Socket| {
            let (received, sent) = sock.counters();
            Connection {
                client,
                closed: sock.is_closed(),
                thread: fate(&client),
                received,
                sent,
                kernel: sock
                    .getsockname()
                    .and_then(|local| kernel_of(&kernel, local, client)),
            }
        };
        let dict = program.server.clients_dict().map(|entries| {
            entries
                .iter()
                .map(|(key, sock)| connection(*key, sock))
                .collect::<Vec<_>>()
        });
        let in_dict: Vec<SocketAddr> = dict
            .iter()
            .flatten()
            .map(|c: &Connection| c.client)
            .collect();
        let others = crate::py::Socket::all_of(interp)
            .iter()
            .filter_map(|sock| Some((sock.getpeername()?, sock)))
            .filter(|(peer, _)| !in_dict.contains(peer))
            .map(|(peer, sock)| connection(peer, sock))
            .collect();
        let lock = if !interp.has_lock() {
            LockState::NoLock
        } else {
            match infos.iter().find(|t| t.alive && t.holds_lock) {
                Some(t) => LockState::HeldBy(t.name.clone()),
                None => LockState::Free,
            }
        };
        feed.pull();
        Snapshot {
            title: program.title.clone(),
            listening: program.server.local_addr(),
            uptime: now.saturating_duration_since(started),
            lifecycle,
            threads,
            dict,
            others,
            lock,
            log: feed.lines(),
            quit: quit.map(|(at, grace)| Quit {
                after: now.saturating_duration_since(at),
                grace,
            }),
        }
    }

    /// The threads still running (what Python would wait for after `quit`).
    pub(crate) fn alive(&self) -> impl Iterator<Item = &ThreadRow> {
        self.threads.iter().filter(|t| {
            matches!(
                t.state,
                ThreadState::Running | ThreadState::Blocked(_) | ThreadState::AtPrompt
            )
        })
    }
}

fn thread_row(t: &ThreadInfo, now: Instant) -> ThreadRow {
    let state = match (&t.blocked, t.alive, &t.exception) {
        (_, false, Some(e)) => ThreadState::Died(e.to_string()),
        (_, false, None) => ThreadState::Ended,
        (Some(b), true, _) => ThreadState::Blocked(b.what.clone()),
        (None, true, _) => ThreadState::Running,
    };
    ThreadRow {
        name: t.name.clone(),
        state,
        since: now.saturating_duration_since(t.since),
        holds_lock: t.alive && t.holds_lock,
    }
}

/// The kernel's TCP sockets by (local, remote) address: read once per snapshot, the
/// whole table, as `ss` reads it. An unreadable table (no /proc) leaves the columns empty.
fn kernel_table() -> HashMap<(SocketAddr, SocketAddr), TcpSocket> {
    ports::sockets()
        .unwrap_or_default()
        .into_iter()
        .map(|s| ((s.local, s.remote), s))
        .collect()
}

/// The server's end of the connection `local` - `client`, and the client's receive queue
/// when the client runs on this machine.
fn kernel_of(
    table: &HashMap<(SocketAddr, SocketAddr), TcpSocket>,
    local: SocketAddr,
    client: SocketAddr,
) -> Option<Kernel> {
    let ours = table.get(&(local, client))?;
    Some(Kernel {
        state: ours.state,
        send_q: ours.tx_queue,
        recv_q: ours.rx_queue,
        peer_recv_q: table.get(&(client, local)).map(|peer| peer.rx_queue),
    })
}
