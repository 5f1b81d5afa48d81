//! `PortUse`: why a port cannot be bound, said one way for every command that binds one
//! (`netlab stage`, and `netlab check` and `netlab bench` through the launcher); and the
//! ports netlab chooses for the programs it starts.
//!
//! `bind()` fails with EADDRINUSE for one of three reasons, all visible in the kernel's
//! socket table (`/proc/net/tcp`, what `netlab ports` reads):
//!
//! - a program listens on the port (`netlab ports` names it);
//! - connections that used the port wait out TIME-WAIT, about 60 s after the side that
//!   closed first closed (`netlab demo bind`); a socket without SO_REUSEADDR, as the
//!   notes' servers create theirs, cannot bind the port meanwhile;
//! - the port lies in Linux's *ephemeral range* (`/proc/sys/net/ipv4/ip_local_port_range`,
//!   32768-60999 by default), from which the kernel gives every outgoing connection its
//!   own port: any program's connection may hold the port while it lasts and for a minute
//!   after (its own TIME-WAIT). The notes' 60000 lies in it. SO_REUSEADDR is not the
//!   answer there; a port below the range is.

use crate::ports::{self, State};
use crate::tr;
use std::collections::HashSet;
use std::io;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// What Linux uses when `/proc/sys/net/ipv4/ip_local_port_range` cannot be read.
const DEFAULT_EPHEMERAL: (u16, u16) = (32768, 60999);

/// How often a port is tried while netlab waits for it.
const BIND_POLL: Duration = Duration::from_millis(50);

/// Why a port cannot be bound now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortUse {
    pub port: u16,
    pub cause: Cause,
}

/// What holds a port.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cause {
    /// A program listens on it; `holders` names it as `netlab ports` does.
    Listening { holders: Option<String> },
    /// Another program's outgoing connections took it as their own end, which the kernel
    /// does only in its ephemeral range `range`; `closing` when they have all closed and
    /// only wait out TIME-WAIT.
    Outgoing {
        holders: Option<String>,
        range: (u16, u16),
        closing: bool,
    },
    /// `n` connections of a server that was on it wait out TIME-WAIT.
    TimeWait { n: usize },
    /// Nothing this user can see explains it (another user's program, or it has just
    /// cleared); `holders` is what there is.
    Unknown { holders: Option<String> },
}

/// Who is about to bind the port: what the explanation can suggest depends on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Binder {
    /// One of netlab's stages, which sets SO_REUSEADDR unless `--no-reuseaddr`.
    Stage { reuse_addr: bool },
    /// A program netlab starts: a student's, which (like the notes') may set no
    /// SO_REUSEADDR.
    Program,
}

impl PortUse {
    /// Why a socket without SO_REUSEADDR cannot bind `port` now; None if it can.
    pub fn now(port: u16) -> Option<PortUse> {
        if bindable(port) {
            return None;
        }
        let why = PortUse::read(port);
        // Nothing on the port at all: what held it has just gone.
        let cleared = why.cause == Cause::Unknown { holders: None } && bindable(port);
        (!cleared).then_some(why)
    }

    /// What the socket table shows on `port`: for a bind that has just failed.
    pub fn read(port: u16) -> PortUse {
        let sockets = ports::sockets().unwrap_or_default();
        let on_port: Vec<_> = sockets.iter().filter(|s| s.local.port() == port).collect();
        let holders = || ports::holders(port);
        if on_port.iter().any(|s| s.state == State::Listen) {
            let cause = Cause::Listening { holders: holders() };
            return PortUse { port, cause };
        }
        let range = ephemeral_range();
        let listening: HashSet<u16> = sockets
            .iter()
            .filter(|s| s.state == State::Listen)
            .map(|s| s.local.port())
            .collect();
        // A connection accepted on the port has a client's port at its other end, which
        // the kernel took from the ephemeral range; an outgoing one has a server's port
        // there (a listener here, or a well-known port such as 443, below the range).
        let outgoing = in_range(port, range)
            && on_port.iter().any(|s| {
                let remote = s.remote.port();
                !in_range(remote, range) || listening.contains(&remote)
            });
        let time_wait = on_port
            .iter()
            .filter(|s| s.state == State::TimeWait)
            .count();
        let cause = if outgoing {
            Cause::Outgoing {
                holders: holders(),
                range,
                closing: time_wait == on_port.len(),
            }
        } else {
            match time_wait {
                0 => Cause::Unknown { holders: holders() },
                n => Cause::TimeWait { n },
            }
        };
        PortUse { port, cause }
    }

    /// Whether waiting can free the port: connections in TIME-WAIT end within a minute.
    pub fn passes(&self) -> bool {
        matches!(
            self.cause,
            Cause::TimeWait { .. } | Cause::Outgoing { closing: true, .. }
        )
    }

    /// One sentence on what holds the port, for `binder`.
    pub fn explain(&self, binder: Binder) -> String {
        let port = self.port.to_string();
        match (&self.cause, binder) {
            (Cause::Listening { holders: Some(h) }, _) => {
                tr!("port-listening-holders", holders = h)
            }
            (Cause::Listening { holders: None }, _) => tr!("port-listening", port = port),
            (Cause::Outgoing { holders, range, .. }, _) => tr!(
                "port-ephemeral",
                port = &port,
                low = range.0.to_string(),
                high = range.1.to_string(),
                holders = holders
                    .clone()
                    .unwrap_or_else(|| tr!("port-holders-unknown", port = &port))
            ),
            (Cause::TimeWait { n }, Binder::Stage { reuse_addr: false }) => {
                tr!("port-time-wait-no-reuse", n = *n, port = port)
            }
            (Cause::TimeWait { n }, Binder::Stage { reuse_addr: true }) => {
                tr!("port-time-wait", n = *n, port = port)
            }
            (Cause::TimeWait { n }, Binder::Program) => {
                tr!("port-time-wait-program", n = *n, port = port)
            }
            (Cause::Unknown { holders: Some(h) }, _) => tr!("port-unknown-holders", holders = h),
            (Cause::Unknown { holders: None }, _) => tr!("port-unknown"),
        }
    }
}

/// The range Linux gives outgoing connections their own port from.
pub(crate) fn ephemeral_range() -> (u16, u16) {
    std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
        .ok()
        .and_then(|text| {
            let mut words = text.split_whitespace().map(|w| w.parse::<u16>().ok());
            Some((words.next()??, words.next()??))
        })
        .unwrap_or(DEFAULT_EPHEMERAL)
}

fn in_range(port: u16, (low, high): (u16, u16)) -> bool {
    (low..=high).contains(&port)
}

/// A port nothing uses now, below the ephemeral range (so that no connection takes it
/// before the program binds it); the kernel's own pick if none is found there.
pub(crate) fn free_port() -> io::Result<u16> {
    let low = ephemeral_range().0;
    let from = low.saturating_sub(10_000).max(1024);
    if from < low {
        // A different start each time: runs side by side do not all try the same ports.
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos())
            ^ std::process::id().wrapping_mul(2_654_435_761);
        let span = u32::from(low - from);
        for i in 0..64u32 {
            let port = from + (seed.wrapping_add(i.wrapping_mul(7919)) % span) as u16;
            if bindable(port) {
                return Ok(port);
            }
        }
    }
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

/// Whether a socket without SO_REUSEADDR, as the notes' servers create theirs, could bind
/// 127.0.0.1:`port` now.
pub(crate) fn bindable(port: u16) -> bool {
    socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None)
        .and_then(|s| s.bind(&SocketAddr::from(([127, 0, 0, 1], port)).into()))
        .is_ok()
}

/// Waits up to `timeout` until `port` can be bound (see [`bindable`]); `waiting` is told
/// once, with what holds it, if it cannot at first. What still holds it at the end, if
/// anything does.
pub(crate) fn wait_bindable(
    port: u16,
    timeout: Duration,
    waiting: impl FnOnce(&PortUse),
) -> Result<(), PortUse> {
    let Some(first) = PortUse::now(port) else {
        return Ok(());
    };
    if !first.passes() {
        // A listener or another program's connection: nothing says it will go.
        return Err(first);
    }
    waiting(&first);
    let deadline = Instant::now() + timeout;
    loop {
        std::thread::sleep(BIND_POLL);
        if bindable(port) {
            return Ok(());
        }
        if Instant::now() >= deadline {
            return Err(PortUse::read(port));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_listened_port_is_not_bindable_and_says_who_listens() {
        let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = taken.local_addr().unwrap().port();
        let why = PortUse::now(port).expect("a listened port cannot be bound");
        assert!(
            matches!(why.cause, Cause::Listening { .. }),
            "{:?}",
            why.cause
        );
        // Nothing will make a listener go: no waiting for it.
        let t = Instant::now();
        assert!(wait_bindable(port, Duration::from_secs(5), |_| panic!("no wait")).is_err());
        assert!(t.elapsed() < Duration::from_secs(1));
        drop(taken);
        assert_eq!(PortUse::now(port), None);
    }

    /// Another program's outgoing connection holds a port of the ephemeral range: that is
    /// what is said, not TIME-WAIT or SO_REUSEADDR.
    #[test]
    fn a_port_held_by_an_outgoing_connection_is_said_to_be_ephemeral() {
        let server = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        // connect() takes its own port from the ephemeral range, as any client's does.
        let client = std::net::TcpStream::connect(server.local_addr().unwrap()).unwrap();
        let port = client.local_addr().unwrap().port();
        let why = PortUse::now(port).expect("a connection's port cannot be bound");
        match &why.cause {
            Cause::Outgoing { range, closing, .. } => {
                assert!((range.0..=range.1).contains(&port));
                assert!(!closing);
            }
            other => panic!("{other:?}"),
        }
        assert!(!why.passes());
        let said = why.explain(Binder::Stage { reuse_addr: true });
        assert!(said.contains("outgoing connection"), "{said}");
        assert!(!said.contains("set no SO_REUSEADDR"), "{said}");
    }

    /// A server that closed first leaves its side in TIME-WAIT on its own port: waiting
    /// frees it, and a program without SO_REUSEADDR cannot bind it meanwhile.
    #[test]
    fn a_server_that_closed_first_leaves_time_wait() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let mut client = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        let (accepted, _) = listener.accept().unwrap();
        drop(listener);
        drop(accepted);
        // The client reads the end, then closes: the server's side waits in TIME-WAIT.
        let mut buf = [0u8; 1];
        assert_eq!(std::io::Read::read(&mut client, &mut buf).unwrap(), 0);
        drop(client);
        let why = PortUse::now(port).expect("TIME-WAIT keeps the port");
        assert_eq!(why.cause, Cause::TimeWait { n: 1 });
        assert!(why.passes());
        let said = why.explain(Binder::Program);
        assert!(said.contains("TIME-WAIT"), "{said}");
    }

    #[test]
    fn a_free_port_lies_below_the_ephemeral_range() {
        let (low, high) = ephemeral_range();
        assert!(low <= high);
        let port = free_port().unwrap();
        assert!(port < low || low <= 1024, "{port} in {low}-{high}");
    }
}
