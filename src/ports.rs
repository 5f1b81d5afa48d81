//! `netlab ports`: this machine's TCP sockets, as `ss -tan` shows them.
//!
//! The notes check that the server listens with `ss -tanl|grep 60000`. `ss` asks the
//! kernel over netlink; netlab reads the same table from the text files
//! `/proc/net/tcp` (IPv4) and `/proc/net/tcp6` (IPv6), which every user may read, so
//! no root is needed. One line of those files is one socket:
//!
//! ```text
//!   sl  local_address rem_address   st tx_queue rx_queue ...
//!    0: 0100007F:EA60 00000000:0000 0A 00000000:00000000 ...
//! ```
//!
//! `0100007F:EA60` is 127.0.0.1:60000 and `0A` is LISTEN: [`parse`] turns such lines into
//! [`TcpSocket`] values, [`sockets`] reads both files, and [`table`] prints them in the
//! columns of `ss -tan`, plus the process that holds each socket, as `ss -p` adds it
//! ([`owners`]: found through the socket's inode, the last column used here). `netlab demo
//! bind` uses the same code to show its TIME-WAIT, and [`holders`] answers, in one phrase,
//! what keeps a port busy.

mod owners;

pub(crate) use owners::{owners, Owner};

use crate::tr;
use anyhow::Context;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::fs;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// Options of `netlab ports`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Keep only the sockets whose local or peer port is PORT, like the notes'
    /// `ss -tanl | grep 60000`.
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..))]
    pub(crate) port: Option<u16>,
    /// Show every state (ESTAB, TIME-WAIT, ...), like `ss -tan`; without it only LISTEN,
    /// like `ss -tanl`.
    #[arg(long)]
    pub(crate) all: bool,
}

/// Where a TCP socket is in its life, named as `ss` names it. The kernel writes the
/// state as a hex number (`st` column); the numbers come from `include/net/tcp_states.h`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// `ESTAB`: a connection that carries data both ways.
    Established,
    /// `SYN-SENT`: a client's connect() waits for the server's answer.
    SynSent,
    /// `SYN-RECV`: a server has answered a connect() and waits for the last ACK.
    SynRecv,
    /// `FIN-WAIT-1`: this side closed first and its FIN is not yet acknowledged.
    FinWait1,
    /// `FIN-WAIT-2`: this side closed first; it waits for the peer to close too.
    FinWait2,
    /// `TIME-WAIT`: this side closed first and both sides are done; the kernel keeps the
    /// connection's addresses for about 60 s so late packets cannot reach a new one.
    /// While it lasts, the port cannot be bound again (`netlab demo bind`).
    TimeWait,
    /// `UNCONN`: closed, or created and never connected.
    Close,
    /// `CLOSE-WAIT`: the peer closed (recv() returns b''), this program has not yet.
    CloseWait,
    /// `LAST-ACK`: the peer closed first, then this side; waits for the last ACK.
    LastAck,
    /// `LISTEN`: a server's listen() socket, waiting for connections to accept().
    Listen,
    /// `CLOSING`: both sides closed at the same moment.
    Closing,
    /// `NEW-SYN-RECV`: a half-open connection on a listener (rarely written in /proc).
    NewSynRecv,
    /// A number this version of netlab does not know; kept so that nothing is hidden.
    Unknown(u8),
}

impl State {
    /// The state for the kernel's number in the `st` column.
    pub(crate) fn from_code(code: u8) -> State {
        match code {
            0x01 => State::Established,
            0x02 => State::SynSent,
            0x03 => State::SynRecv,
            0x04 => State::FinWait1,
            0x05 => State::FinWait2,
            0x06 => State::TimeWait,
            0x07 => State::Close,
            0x08 => State::CloseWait,
            0x09 => State::LastAck,
            0x0A => State::Listen,
            0x0B => State::Closing,
            0x0C => State::NewSynRecv,
            other => State::Unknown(other),
        }
    }

    /// The name `ss` prints for this state, so both tools can be read side by side.
    pub(crate) fn name(self) -> &'static str {
        match self {
            State::Established => "ESTAB",
            State::SynSent => "SYN-SENT",
            State::SynRecv => "SYN-RECV",
            State::FinWait1 => "FIN-WAIT-1",
            State::FinWait2 => "FIN-WAIT-2",
            State::TimeWait => "TIME-WAIT",
            State::Close => "UNCONN",
            State::CloseWait => "CLOSE-WAIT",
            State::LastAck => "LAST-ACK",
            State::Listen => "LISTEN",
            State::Closing => "CLOSING",
            State::NewSynRecv => "NEW-SYN-RECV",
            State::Unknown(_) => "UNKNOWN",
        }
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.name())
    }
}

/// One TCP socket of this machine: one line of `/proc/net/tcp` or `/proc/net/tcp6`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TcpSocket {
    /// What the socket is doing: listening, carrying a connection, or waiting out its end.
    pub state: State,
    /// This machine's end: the address the server gave bind(), or the port the kernel
    /// picked for a client's connect(). This is the end that "holds" a port.
    pub local: SocketAddr,
    /// The other end of the connection; a listener has none and shows `0.0.0.0:0`
    /// (printed `0.0.0.0:*`, as `ss` does).
    pub remote: SocketAddr,
    /// Bytes sent but not yet acknowledged by the peer: `ss`'s Send-Q. A peer that does
    /// not read makes it grow. Always 0 for a listener here: `ss` shows a listener's
    /// backlog in this column, which /proc does not have.
    pub(crate) tx_queue: u32,
    /// Bytes that arrived but the program has not recv()'d yet: `ss`'s Recv-Q. For a
    /// listener, the connections that wait for accept() (its accept queue).
    pub rx_queue: u32,
    /// The socket's inode: what a process's descriptor for it points to
    /// (`/proc/PID/fd/N -> socket:[inode]`), so the way to find who holds it. 0 when no
    /// process does any more (TIME-WAIT, or a connection the kernel finishes alone).
    pub(crate) inode: u64,
}

impl TcpSocket {
    /// Whether either end uses `port`: what `grep 60000` keeps in the notes' `ss` line.
    pub(crate) fn has_port(&self, port: u16) -> bool {
        self.local.port() == port || self.remote.port() == port
    }
}

/// Reads every TCP socket of this machine (its network namespace, to be exact), IPv4
/// first, then IPv6, in the kernel's order, as `ss` lists them.
pub fn sockets() -> io::Result<Vec<TcpSocket>> {
    let mut all = parse(&fs::read_to_string("/proc/net/tcp")?)?;
    // A kernel without IPv6 has no tcp6 file; that is not an error, just no IPv6 sockets.
    match fs::read_to_string("/proc/net/tcp6") {
        Ok(text) => all.extend(parse(&text)?),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    Ok(all)
}

/// Parses the text of `/proc/net/tcp` or `/proc/net/tcp6`: a header line, then one
/// socket per line. A line that does not parse is an error rather than skipped, so a
/// socket never silently goes missing from the list.
pub(crate) fn parse(text: &str) -> io::Result<Vec<TcpSocket>> {
    text.lines()
        .skip(1)
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            parse_line(line).ok_or_else(|| {
                io::Error::new(
                    io::ErrorKind::InvalidData,
                    tr!("ports-bad-line", line = format!("{line:?}")),
                )
            })
        })
        .collect()
}

/// One line: `sl: local remote st tx_queue:rx_queue tr:when retrnsmt uid timeout inode
/// ...`; the timers, the retransmit count and the uid are not needed here.
fn parse_line(line: &str) -> Option<TcpSocket> {
    let mut fields = line.split_whitespace().skip(1);
    let local = parse_addr(fields.next()?)?;
    let remote = parse_addr(fields.next()?)?;
    let state = State::from_code(u8::from_str_radix(fields.next()?, 16).ok()?);
    let (tx, rx) = fields.next()?.split_once(':')?;
    let inode = fields.nth(4)?.parse().ok()?;
    Some(TcpSocket {
        state,
        local,
        remote,
        tx_queue: u32::from_str_radix(tx, 16).ok()?,
        rx_queue: u32::from_str_radix(rx, 16).ok()?,
        inode,
    })
}

/// `ADDRESS:PORT` in hex. The port is a plain hex number. The address is the kernel's
/// in-memory address printed as 32-bit words with `%08X`: each word shows its bytes in
/// the machine's own order, so on a little-endian machine (x86, ARM) 127.0.0.1 appears
/// as `0100007F`. An IPv4 address is one word, an IPv6 address four.
fn parse_addr(text: &str) -> Option<SocketAddr> {
    let (addr, port) = text.split_once(':')?;
    let port = u16::from_str_radix(port, 16).ok()?;
    let bytes = hex_words(addr)?;
    let ip = match bytes.len() {
        4 => IpAddr::V4(Ipv4Addr::new(bytes[0], bytes[1], bytes[2], bytes[3])),
        // An IPv4 client of an IPv6 listener shows as ::ffff:127.0.0.1 (IPv4-mapped);
        // Rust prints it in that form, as `ss` does, so it stays recognisable.
        16 => IpAddr::V6(Ipv6Addr::from(<[u8; 16]>::try_from(bytes).ok()?)),
        _ => return None,
    };
    Some(SocketAddr::new(ip, port))
}

/// The bytes of hex text made of 8-digit words, each word in the machine's byte order.
fn hex_words(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(8) || !text.is_ascii() {
        return None;
    }
    let mut bytes = Vec::with_capacity(text.len() / 2);
    for start in (0..text.len()).step_by(8) {
        let word = u32::from_str_radix(&text[start..start + 8], 16).ok()?;
        bytes.extend_from_slice(&word.to_ne_bytes());
    }
    Some(bytes)
}

/// The sockets as `ss -tanp` prints them: State, Recv-Q, Send-Q, Local Address:Port,
/// Peer Address:Port, and Process (`pid 1234 (python3)`: empty for a socket no process
/// holds, or one of another user's processes), in aligned columns, one line per socket
/// after the header.
pub(crate) fn table(sockets: &[TcpSocket]) -> String {
    let owners = owners_of(sockets);
    let mut rows = vec![[
        "State",
        "Recv-Q",
        "Send-Q",
        "Local Address:Port",
        "Peer Address:Port",
        "Process",
    ]
    .map(String::from)];
    rows.extend(sockets.iter().map(|s| {
        let process: Vec<String> = owners
            .get(&s.inode)
            .into_iter()
            .flatten()
            .map(owner)
            .collect();
        [
            s.state.to_string(),
            s.rx_queue.to_string(),
            s.tx_queue.to_string(),
            endpoint(s.local),
            endpoint(s.remote),
            process.join(", "),
        ]
    }));
    crate::text::aligned(&rows)
}

/// [`owners`], read only when some of `sockets` can have one (TIME-WAIT sockets cannot).
fn owners_of(sockets: &[TcpSocket]) -> HashMap<u64, Vec<Owner>> {
    if sockets.iter().any(|s| s.inode != 0) {
        owners()
    } else {
        HashMap::new()
    }
}

/// What holds the local TCP port `port` on this machine, in one short phrase for other
/// commands to print, in the language in force: `pid 1234 (python3) listens on
/// 127.0.0.1:60000`, `3 connections in TIME-WAIT (no process; they clear in about
/// 60 s)`, several joined by `; `. None if no socket uses that port as its own (or /proc
/// cannot be read).
pub fn holders(port: u16) -> Option<String> {
    let mine: Vec<TcpSocket> = sockets()
        .ok()?
        .into_iter()
        .filter(|s| s.local.port() == port)
        .collect();
    if mine.is_empty() {
        return None;
    }
    let owners = owners_of(&mine);
    let mut phrases = Vec::new();
    // Listeners first: they are what a bind() most often collides with.
    for s in mine.iter().filter(|s| s.state == State::Listen) {
        let addr = s.local.to_string();
        phrases.push(match owners.get(&s.inode) {
            Some(holders) => tr!("ports-holder-listens", who = who(holders), addr = addr),
            None => tr!("ports-holder-unknown-listens", addr = addr),
        });
    }
    // Connections whose process is known, by process; then the others, by state.
    let mut by_owner: BTreeMap<String, Vec<State>> = BTreeMap::new();
    let mut unowned: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut no_process: BTreeMap<&'static str, usize> = BTreeMap::new();
    for s in mine.iter().filter(|s| s.state != State::Listen) {
        match owners.get(&s.inode) {
            Some(holders) => by_owner.entry(who(holders)).or_default().push(s.state),
            None if s.inode != 0 => *unowned.entry(s.state.name()).or_default() += 1,
            None => *no_process.entry(s.state.name()).or_default() += 1,
        }
    }
    for (owner, states) in &by_owner {
        let names: BTreeSet<&str> = states.iter().map(|s| s.name()).collect();
        let names: Vec<&str> = names.into_iter().collect();
        phrases.push(tr!(
            "ports-holder-has",
            owner = owner.as_str(),
            connections = tr!("ports-connections", n = states.len()),
            port = port.to_string(),
            states = crate::text::list(&names)
        ));
    }
    for (state, n) in &unowned {
        phrases.push(tr!(
            "ports-holder-other-user",
            connections = tr!("ports-connections", n = *n),
            state = *state
        ));
    }
    for (state, n) in &no_process {
        let when = if *state == State::TimeWait.name() {
            tr!("ports-when-time-wait", n = *n)
        } else {
            tr!("ports-when-kernel", n = *n)
        };
        phrases.push(tr!(
            "ports-holder-no-process",
            connections = tr!("ports-connections", n = *n),
            state = *state,
            when = when
        ));
    }
    Some(phrases.join(&tr!("ports-holders-separator")))
}

/// `pid 1234 (python3)`, in the language in force.
fn owner(o: &Owner) -> String {
    tr!("ports-owner", pid = o.pid, name = o.name.as_str())
}

/// `pid 1234 (python3)`, or `pid 1234 (python3) and pid 1240 (python3)` after a fork, in
/// the language in force.
fn who(holders: &[Owner]) -> String {
    let names: Vec<String> = holders.iter().map(owner).collect();
    match names.split_last() {
        Some((last, first)) if !first.is_empty() => tr!(
            "threads-names-two",
            first = crate::text::list(first),
            last = last.as_str()
        ),
        _ => names.concat(),
    }
}

/// An address as `ss` writes it: port 0 (a listener's missing peer) becomes `*`.
fn endpoint(addr: SocketAddr) -> String {
    if addr.port() == 0 {
        match addr.ip() {
            IpAddr::V4(ip) => format!("{ip}:*"),
            IpAddr::V6(ip) => format!("[{ip}]:*"),
        }
    } else {
        addr.to_string()
    }
}

/// `netlab ports`: prints the table for the sockets that the options keep.
pub fn run(args: &Args) -> anyhow::Result<()> {
    let all = sockets().context(tr!("ports-no-proc"))?;
    let shown: Vec<TcpSocket> = all
        .into_iter()
        .filter(|s| args.all || s.state == State::Listen)
        .filter(|s| args.port.is_none_or(|port| s.has_port(port)))
        .collect();
    crate::out!("{}", table(&shown));
    if shown.is_empty() {
        // An empty table alone looks like a bug; say what was looked for.
        let mut line = match (args.all, args.port) {
            (true, None) => crate::tr!("ports-none-tcp"),
            (true, Some(port)) => crate::tr!("ports-none-tcp-port", port = port.to_string()),
            (false, None) => crate::tr!("ports-none-listening"),
            (false, Some(port)) => {
                crate::tr!("ports-none-listening-port", port = port.to_string())
            }
        };
        // No listener, yet the port may not be free: say what holds it.
        if let Some(what) = args.port.filter(|_| !args.all).and_then(holders) {
            line.push_str(&crate::tr!("ports-not-free", what = what));
        }
        crate::errln!("{line}");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    // The literal lines below are what a little-endian machine (x86, ARM) writes.
    const TCP: &str = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:EA60 00000000:0000 0A 00000000:00000002 00:00000000 00000000  1000        0 41371 1 0000000000000000 100 0 0 10 0
   1: 0100007F:EA60 0100007F:B86A 01 00000000:00000005 00:00000000 00000000  1000        0 41372 1 0000000000000000 20 4 30 10 -1
   2: 0100007F:EE66 0100007F:BA3A 06 00000000:00000000 03:00001577 00000000     0        0 0 3 0000000000000000
";

    const TCP6: &str = "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000001000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 51234 1 0000000000000000 100 0 0 10 0
   1: 0000000000000000FFFF00000100007F:1F90 0000000000000000FFFF00000100007F:D3A4 01 0000000C:00000000 01:00000014 00000000  1000        0 51240 1 0000000000000000 20 4 30 10 -1
   2: 000080FE00000000FF005452F9FDB7FE:0016 000080FE00000000FF005452010000FE:C001 01 00000000:00000000 00:00000000 00000000     0        0 51250 1 0000000000000000 20 4 30 10 -1
";

    fn v4(text: &str) -> SocketAddr {
        text.parse().unwrap()
    }

    #[test]
    fn ipv4_listener_with_two_connections_waiting_for_accept() {
        let sockets = parse(TCP).unwrap();
        assert_eq!(sockets.len(), 3, "the header line is skipped");
        assert_eq!(
            sockets[0],
            TcpSocket {
                state: State::Listen,
                local: v4("127.0.0.1:60000"),
                remote: v4("0.0.0.0:0"),
                tx_queue: 0,
                rx_queue: 2,
                inode: 41371,
            }
        );
    }

    #[test]
    fn ipv4_connection_and_time_wait() {
        let sockets = parse(TCP).unwrap();
        assert_eq!(sockets[1].state, State::Established);
        assert_eq!(sockets[1].remote, v4("127.0.0.1:47210"));
        assert_eq!(sockets[1].rx_queue, 5, "5 bytes not yet recv()'d");
        assert_eq!(sockets[2].state, State::TimeWait);
        assert_eq!(sockets[2].local, v4("127.0.0.1:61030"));
        assert_eq!(sockets[2].remote, v4("127.0.0.1:47674"));
        assert_eq!(sockets[2].inode, 0, "no process holds a TIME-WAIT");
    }

    #[test]
    fn ipv6_words_are_little_endian() {
        let sockets = parse(TCP6).unwrap();
        assert_eq!(sockets[0].local, "[::1]:8080".parse().unwrap());
        assert_eq!(sockets[0].remote, "[::]:0".parse().unwrap());
        assert_eq!(
            sockets[2].local,
            "[fe80::5254:ff:feb7:fdf9]:22".parse().unwrap()
        );
    }

    #[test]
    fn ipv4_mapped_ipv6_reads_as_the_ipv4_address() {
        let sockets = parse(TCP6).unwrap();
        assert_eq!(sockets[1].local.to_string(), "[::ffff:127.0.0.1]:8080");
        assert_eq!(sockets[1].remote.to_string(), "[::ffff:127.0.0.1]:54180");
        assert_eq!(
            sockets[1].tx_queue, 12,
            "12 bytes sent, not yet acknowledged"
        );
    }

    #[test]
    fn states_have_ss_names() {
        assert_eq!(State::from_code(0x0A).name(), "LISTEN");
        assert_eq!(State::from_code(0x01).name(), "ESTAB");
        assert_eq!(State::from_code(0x06).name(), "TIME-WAIT");
        assert_eq!(State::from_code(0x07).name(), "UNCONN");
        assert_eq!(State::from_code(0x42), State::Unknown(0x42));
    }

    #[test]
    fn a_broken_line_is_an_error_not_a_missing_socket() {
        let text = "header\n   0: 0100007F:EA60 zz 0A 00000000:00000000\n";
        let e = parse(text).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidData);
    }

    #[test]
    fn table_reads_like_ss() {
        let sockets = parse(TCP).unwrap();
        // The TIME-WAIT line: no process holds it, so the Process column is empty.
        let table = table(&sockets[2..]);
        assert_eq!(
            table,
            "State      Recv-Q  Send-Q  Local Address:Port  Peer Address:Port  Process\n\
             TIME-WAIT  0       0       127.0.0.1:61030     127.0.0.1:47674\n"
        );
    }
}
