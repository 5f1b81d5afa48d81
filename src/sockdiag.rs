//! The kernel's TCP socket table, asked for by state over netlink, as `ss` asks for it.
//!
//! [`crate::ports`] reads `/proc/net/tcp` and `/proc/net/tcp6`: the kernel prints every
//! TCP socket of the machine as text, whatever the reader wants. On a machine that has
//! run tests, that is thousands of TIME-WAIT lines, and netlab polls: a program's launch
//! waits for its listener every 10 ms, so printing and parsing the whole table at each
//! poll cost seconds of system time per run.
//!
//! `ss` asks instead through a `NETLINK_SOCK_DIAG` socket: one `inet_diag_req_v2` request
//! per address family names the states wanted as a bitmask, and the kernel answers with
//! one binary `inet_diag_msg` per matching socket, then `NLMSG_DONE`. Asked for LISTEN
//! only, the kernel walks only its table of listening sockets and never touches the
//! connections, which is what makes a poll cheap. [`tcp_sockets`] does that, and returns
//! the same [`TcpSocket`] values as [`ports::sockets`].
//!
//! Where netlink does not answer (a kernel built without `inet_diag`, a sandbox that
//! forbids the socket), [`tcp_sockets`] reads /proc instead, filtered by the same states:
//! the answer is the same, only its cost differs. Whether netlink works is decided once
//! per process, at its first query.

use crate::ports::{self, State, TcpSocket};
use nix::errno::Errno;
use nix::libc;
use nix::sys::socket::{
    self, sockopt, AddressFamily, MsgFlags, NetlinkAddr, SockFlag, SockProtocol, SockType,
};
use nix::sys::time::TimeVal;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::os::fd::{AsRawFd, OwnedFd};
use std::sync::OnceLock;

/// The TCP sockets of this machine (its network namespace) whose state is one of
/// `states`, IPv4 first, then IPv6, in the kernel's order, as [`ports::sockets`] lists
/// them: through netlink where it works, else through /proc (see the module's text).
pub fn tcp_sockets(states: &[State]) -> io::Result<Vec<TcpSocket>> {
    static NETLINK_WORKS: OnceLock<bool> = OnceLock::new();
    if states.is_empty() {
        return Ok(Vec::new());
    }
    if NETLINK_WORKS.get() == Some(&false) {
        return from_proc(states);
    }
    match netlink(states) {
        Ok(found) => {
            let _ = NETLINK_WORKS.set(true);
            Ok(found)
        }
        Err(e) => {
            if NETLINK_WORKS.set(false).is_ok() {
                log::debug!("sock_diag netlink does not answer ({e}): reading /proc/net/tcp");
            } else {
                // It worked before: a passing failure (no descriptor left, say). This
                // query reads /proc; the next tries netlink again.
                log::debug!("sock_diag netlink failed once ({e}): reading /proc/net/tcp");
            }
            from_proc(states)
        }
    }
}

/// The slow way, whose answer [`netlink`] must match: every socket from /proc, filtered.
fn from_proc(states: &[State]) -> io::Result<Vec<TcpSocket>> {
    let mut all = ports::sockets()?;
    all.retain(|s| states.contains(&s.state));
    Ok(all)
}

// From the kernel's uapi headers: <linux/netlink.h>, <linux/sock_diag.h>,
// <linux/inet_diag.h>. The libc crate has the first few, not the diag ones.
const NLMSG_HDRLEN: usize = 16;
const NLMSG_ERROR: u16 = 2;
const NLMSG_DONE: u16 = 3;
const NLM_F_REQUEST: u16 = 0x001;
/// NLM_F_ROOT | NLM_F_MATCH: every matching object, not one.
const NLM_F_DUMP: u16 = 0x100 | 0x200;
const SOCK_DIAG_BY_FAMILY: u16 = 20;
/// `struct inet_diag_req_v2`: family, protocol, ext, pad, states, then the 48-byte
/// `inet_diag_sockid` (all zero: no filter on addresses).
const REQ_LEN: usize = 56;
/// `struct inet_diag_msg`: family, state, timer, retrans, the 48-byte sockid, expires,
/// rqueue, wqueue, uid, inode.
const MSG_LEN: usize = 72;
/// What one recv() takes: the kernel fills a dump's datagrams up to 32 KiB at most, and
/// a datagram longer than the buffer would be cut (that is checked, and an error).
const RECV_BUFFER: usize = 64 * 1024;
/// A bound on each recv(); the kernel answers at once, so only a broken kernel waits.
const RECV_TIMEOUT: TimeVal = TimeVal::new(2, 0);

/// The kernel's number for `state` (`include/net/tcp_states.h`): the inverse of
/// `State::from_code`, so the same numbers as the `st` column of /proc/net/tcp.
fn code(state: State) -> u8 {
    match state {
        State::Established => 1,
        State::SynSent => 2,
        State::SynRecv => 3,
        State::FinWait1 => 4,
        State::FinWait2 => 5,
        State::TimeWait => 6,
        State::Close => 7,
        State::CloseWait => 8,
        State::LastAck => 9,
        State::Listen => 10,
        State::Closing => 11,
        State::NewSynRecv => 12,
        State::Unknown(n) => n,
    }
}

/// `idiag_states`: bit N set asks for the sockets in state N.
fn state_mask(states: &[State]) -> u32 {
    states
        .iter()
        .map(|&s| code(s))
        .filter(|&c| c < 32)
        .fold(0, |mask, c| mask | 1 << c)
}

/// One query over a fresh netlink socket: IPv4, then IPv6.
fn netlink(states: &[State]) -> io::Result<Vec<TcpSocket>> {
    let fd = socket::socket(
        AddressFamily::Netlink,
        SockType::Datagram,
        SockFlag::SOCK_CLOEXEC,
        SockProtocol::NetlinkSockDiag,
    )?;
    socket::setsockopt(&fd, sockopt::ReceiveTimeout, &RECV_TIMEOUT)?;
    let mask = state_mask(states);
    let mut buf = vec![0; RECV_BUFFER];
    let mut found = Vec::new();
    for (seq, family) in [(1, libc::AF_INET), (2, libc::AF_INET6)] {
        dump(
            &fd,
            &request(family as u8, mask, seq),
            seq,
            &mut buf,
            &mut found,
        )?;
    }
    // The kernel answers exactly the states asked for, with one exception that /proc
    // shares: a half-open connection (NEW_SYN_RECV) is reported as SYN-RECV.
    found.retain(|s| states.contains(&s.state));
    Ok(found)
}

/// `struct nlmsghdr` + `struct inet_diag_req_v2` for a dump of the TCP sockets of
/// `family` whose state is in `mask`, in the machine's byte order as the kernel reads
/// them.
fn request(family: u8, mask: u32, seq: u32) -> [u8; NLMSG_HDRLEN + REQ_LEN] {
    let mut r = [0; NLMSG_HDRLEN + REQ_LEN];
    r[0..4].copy_from_slice(&((NLMSG_HDRLEN + REQ_LEN) as u32).to_ne_bytes());
    r[4..6].copy_from_slice(&SOCK_DIAG_BY_FAMILY.to_ne_bytes());
    r[6..8].copy_from_slice(&(NLM_F_REQUEST | NLM_F_DUMP).to_ne_bytes());
    r[8..12].copy_from_slice(&seq.to_ne_bytes());
    // nlmsg_pid 0: to the kernel.
    r[16] = family;
    r[17] = libc::IPPROTO_TCP as u8;
    r[20..24].copy_from_slice(&mask.to_ne_bytes());
    r
}

/// Sends `request` and reads its answer's datagrams until NLMSG_DONE.
fn dump(
    fd: &OwnedFd,
    request: &[u8],
    seq: u32,
    buf: &mut [u8],
    found: &mut Vec<TcpSocket>,
) -> io::Result<()> {
    let kernel = NetlinkAddr::new(0, 0);
    socket::sendto(fd.as_raw_fd(), request, &kernel, MsgFlags::empty())?;
    loop {
        // MSG_TRUNC: the datagram's full length, even where it did not fit.
        let n = match socket::recv(fd.as_raw_fd(), buf, MsgFlags::MSG_TRUNC) {
            Ok(n) => n,
            Err(Errno::EINTR) => continue,
            Err(e) => return Err(e.into()),
        };
        if n > buf.len() {
            return Err(invalid(format!(
                "a sock_diag datagram of {n} bytes does not fit {} bytes",
                buf.len()
            )));
        }
        if n == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        if parse_datagram(&buf[..n], seq, found)? {
            return Ok(());
        }
    }
}

/// The netlink messages of one datagram: sockets are added to `found`; true once
/// NLMSG_DONE came, an error for NLMSG_ERROR or a message that does not parse.
/// Messages of another sequence number (none on a fresh socket) are skipped.
fn parse_datagram(mut data: &[u8], seq: u32, found: &mut Vec<TcpSocket>) -> io::Result<bool> {
    while data.len() >= NLMSG_HDRLEN {
        let len = u32_at(data, 0) as usize;
        let kind = u16::from_ne_bytes([data[4], data[5]]);
        if len < NLMSG_HDRLEN || len > data.len() {
            return Err(invalid(format!(
                "a netlink message of {len} bytes in {} bytes",
                data.len()
            )));
        }
        let payload = &data[NLMSG_HDRLEN..len];
        if u32_at(data, 8) == seq {
            match kind {
                // Its payload is the dump's own error, if it failed part-way.
                NLMSG_DONE => {
                    return match payload.get(..4).map(|_| u32_at(payload, 0) as i32) {
                        Some(e) if e < 0 => Err(io::Error::from_raw_os_error(-e)),
                        _ => Ok(true),
                    }
                }
                // `struct nlmsgerr`: a negative errno, or 0 for an acknowledgement.
                NLMSG_ERROR => match payload.get(..4).map(|_| u32_at(payload, 0) as i32) {
                    Some(0) => {}
                    Some(e) => return Err(io::Error::from_raw_os_error(-e)),
                    None => return Err(invalid("a netlink error without its errno".into())),
                },
                SOCK_DIAG_BY_FAMILY => found.push(parse_msg(payload)?),
                // NLMSG_NOOP and the like.
                _ => {}
            }
        }
        // Messages start at multiples of 4 (NLMSG_ALIGN).
        data = &data[len.next_multiple_of(4).min(data.len())..];
    }
    Ok(false)
}

/// One `struct inet_diag_msg`. Ports and addresses are in network order (big-endian),
/// the counters in the machine's.
fn parse_msg(m: &[u8]) -> io::Result<TcpSocket> {
    if m.len() < MSG_LEN {
        return Err(invalid(format!("an inet_diag_msg of {} bytes", m.len())));
    }
    let addr = |at: usize| -> io::Result<IpAddr> {
        match m[0] as i32 {
            libc::AF_INET => Ok(IpAddr::V4(Ipv4Addr::new(
                m[at],
                m[at + 1],
                m[at + 2],
                m[at + 3],
            ))),
            libc::AF_INET6 => Ok(IpAddr::V6(Ipv6Addr::from(
                <[u8; 16]>::try_from(&m[at..at + 16]).expect("16 bytes"),
            ))),
            other => Err(invalid(format!("an inet_diag_msg of family {other}"))),
        }
    };
    let port = |at: usize| u16::from_be_bytes([m[at], m[at + 1]]);
    let state = State::from_code(m[1]);
    Ok(TcpSocket {
        state,
        local: SocketAddr::new(addr(8)?, port(4)),
        remote: SocketAddr::new(addr(24)?, port(6)),
        // A listener's wqueue is its backlog's limit, which /proc does not show: there,
        // as in `ports`, a listener's Send-Q is 0.
        tx_queue: if state == State::Listen {
            0
        } else {
            u32_at(m, 60)
        },
        rx_queue: u32_at(m, 56),
        inode: u64::from(u32_at(m, 68)),
    })
}

fn u32_at(data: &[u8], at: usize) -> u32 {
    u32::from_ne_bytes(data[at..at + 4].try_into().expect("4 bytes"))
}

fn invalid(what: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;
    use std::io::Write;
    use std::net::{TcpListener, TcpStream};
    use std::time::{Duration, Instant};

    /// The netlink answer itself (not the /proc fallback), or None where this machine
    /// has no sock_diag for us: then the test says so and checks nothing. Any other
    /// error (a request the kernel rejects as malformed, say) fails the test.
    fn netlink_here(states: &[State]) -> Option<Vec<TcpSocket>> {
        match netlink(states) {
            Ok(found) => Some(found),
            Err(e)
                if matches!(
                    e.raw_os_error(),
                    Some(libc::EPROTONOSUPPORT | libc::EAFNOSUPPORT | libc::EACCES | libc::EPERM)
                ) =>
            {
                eprintln!("skipped: no sock_diag netlink here ({e})");
                None
            }
            Err(e) => panic!("sock_diag query failed: {e}"),
        }
    }

    /// Asks again until `found` says yes, for at most 5 s; the last answer.
    fn eventually(
        states: &[State],
        found: impl Fn(&[TcpSocket]) -> bool,
    ) -> Option<Vec<TcpSocket>> {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let now = netlink_here(states)?;
            if found(&now) || Instant::now() >= deadline {
                return Some(now);
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    fn the(sockets: &[TcpSocket], local: SocketAddr, state: State) -> TcpSocket {
        let mine: Vec<&TcpSocket> = sockets
            .iter()
            .filter(|s| s.local == local && s.state == state)
            .collect();
        assert_eq!(
            mine.len(),
            1,
            "one {state} socket on {local} in {sockets:?}"
        );
        mine[0].clone()
    }

    #[test]
    fn state_codes_are_the_kernels() {
        for n in 0..=u8::MAX {
            assert_eq!(code(State::from_code(n)), n);
        }
        assert_eq!(state_mask(&[State::Listen]), 1 << 10);
        assert_eq!(
            state_mask(&[State::Established, State::CloseWait]),
            0b1_0000_0010
        );
        assert_eq!(state_mask(&[State::Unknown(40)]), 0, "no bit for it");
    }

    #[test]
    fn listeners_on_ipv4_and_ipv6_loopback_are_found_with_procs_inode() {
        let mut listeners = vec![TcpListener::bind("127.0.0.1:0").unwrap()];
        match TcpListener::bind("[::1]:0") {
            Ok(l) => listeners.push(l),
            Err(e) => eprintln!("no IPv6 loopback here ({e}): IPv4 only"),
        }
        let Some(found) = netlink_here(&[State::Listen]) else {
            return;
        };
        let proc = ports::sockets().unwrap();
        assert!(found.iter().all(|s| s.state == State::Listen));
        for l in &listeners {
            let local = l.local_addr().unwrap();
            let ours = the(&found, local, State::Listen);
            assert_eq!(ours.remote.port(), 0, "a listener has no peer");
            assert!(ours.remote.ip().is_unspecified());
            assert_eq!(ours.tx_queue, 0);
            assert_ne!(ours.inode, 0, "a process holds it");
            assert_eq!(ours, the(&proc, local, State::Listen), "netlink and /proc");
        }
        // The public entry point finds them too, whichever way it asks.
        let public = tcp_sockets(&[State::Listen]).unwrap();
        for l in &listeners {
            the(&public, l.local_addr().unwrap(), State::Listen);
        }
    }

    #[test]
    fn a_connected_pair_is_established_at_both_ends_with_its_queue() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let server_addr = listener.local_addr().unwrap();
        let mut client = TcpStream::connect(server_addr).unwrap();
        let (server, client_addr) = listener.accept().unwrap();
        client.write_all(b"hello").unwrap();
        // The 5 bytes wait in the server's receive queue: nobody reads them.
        let Some(found) = eventually(&[State::Established], |now| {
            now.iter()
                .any(|s| s.local == server.local_addr().unwrap() && s.rx_queue == 5)
        }) else {
            return;
        };
        assert!(found.iter().all(|s| s.state == State::Established));
        let at_client = the(&found, client_addr, State::Established);
        assert_eq!(at_client.remote, server_addr);
        assert_ne!(at_client.inode, 0);
        let at_server = the(&found, server_addr, State::Established);
        assert_eq!(at_server.remote, client_addr);
        assert_eq!(at_server.rx_queue, 5);
        assert_ne!(at_server.inode, at_client.inode);
        assert!(
            !found
                .iter()
                .any(|s| s.local == server_addr && s.remote.port() == 0),
            "the listener is not ESTAB"
        );
        drop(server);
    }

    #[test]
    fn a_connection_whose_peer_closed_is_in_close_wait() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (server, client_addr) = listener.accept().unwrap();
        drop(client);
        // The client's FIN arrives; the server never closes its end.
        let server_addr = server.local_addr().unwrap();
        let Some(found) = eventually(&[State::CloseWait], |now| {
            now.iter()
                .any(|s| s.local == server_addr && s.remote == client_addr)
        }) else {
            return;
        };
        assert!(found.iter().all(|s| s.state == State::CloseWait));
        let ours = the(&found, server_addr, State::CloseWait);
        assert_eq!(ours.remote, client_addr);
        assert_ne!(ours.inode, 0);
        drop(server);
    }

    #[test]
    fn netlink_and_proc_agree_on_the_listeners() {
        let v4 = TcpListener::bind("127.0.0.1:0").unwrap();
        let _v6 = TcpListener::bind("[::1]:0");
        let set = |sockets: Vec<TcpSocket>| -> BTreeSet<(SocketAddr, u64)> {
            sockets.iter().map(|s| (s.local, s.inode)).collect()
        };
        // Read in turn: /proc, netlink, /proc, netlink. A listener's inode never comes
        // back once closed, so one present in two readings was there between them: what
        // both /proc readings show, the netlink reading between them shows, and the
        // other way round. Listeners of other programs that come or go are left out.
        let p1 = set(from_proc(&[State::Listen]).unwrap());
        let Some(n1) = netlink_here(&[State::Listen]) else {
            return;
        };
        let n1 = set(n1);
        let p2 = set(from_proc(&[State::Listen]).unwrap());
        let n2 = set(netlink(&[State::Listen]).unwrap());
        let in_both_proc: BTreeSet<_> = p1.intersection(&p2).cloned().collect();
        let in_both_netlink: BTreeSet<_> = n1.intersection(&n2).cloned().collect();
        let ours = v4.local_addr().unwrap();
        assert!(in_both_proc.iter().any(|(local, _)| *local == ours));
        assert!(in_both_netlink.iter().any(|(local, _)| *local == ours));
        assert!(
            in_both_proc.is_subset(&n1),
            "/proc shows, netlink not: {:?}",
            in_both_proc.difference(&n1).collect::<Vec<_>>()
        );
        assert!(
            in_both_netlink.is_subset(&p2),
            "netlink shows, /proc not: {:?}",
            in_both_netlink.difference(&p2).collect::<Vec<_>>()
        );
    }

    /// A datagram as the kernel writes it: two sockets, then NLMSG_DONE.
    #[test]
    fn a_datagram_of_two_sockets_and_done_parses() {
        fn message(kind: u16, seq: u32, payload: &[u8]) -> Vec<u8> {
            let mut m = Vec::new();
            m.extend_from_slice(&((NLMSG_HDRLEN + payload.len()) as u32).to_ne_bytes());
            m.extend_from_slice(&kind.to_ne_bytes());
            m.extend_from_slice(&2u16.to_ne_bytes()); // NLM_F_MULTI
            m.extend_from_slice(&seq.to_ne_bytes());
            m.extend_from_slice(&0u32.to_ne_bytes());
            m.extend_from_slice(payload);
            m
        }
        let mut listen = [0u8; MSG_LEN];
        listen[0] = libc::AF_INET as u8;
        listen[1] = 10;
        listen[4..6].copy_from_slice(&60000u16.to_be_bytes());
        listen[8..12].copy_from_slice(&[127, 0, 0, 1]);
        listen[56..60].copy_from_slice(&2u32.to_ne_bytes()); // 2 waiting for accept()
        listen[60..64].copy_from_slice(&128u32.to_ne_bytes()); // backlog limit
        listen[68..72].copy_from_slice(&41371u32.to_ne_bytes());
        let mut estab = [0u8; MSG_LEN];
        estab[0] = libc::AF_INET6 as u8;
        estab[1] = 1;
        estab[4..6].copy_from_slice(&8080u16.to_be_bytes());
        estab[6..8].copy_from_slice(&54180u16.to_be_bytes());
        estab[8..24].copy_from_slice(&Ipv6Addr::LOCALHOST.octets());
        estab[24..40].copy_from_slice(&Ipv6Addr::LOCALHOST.octets());
        estab[60..64].copy_from_slice(&12u32.to_ne_bytes());
        estab[68..72].copy_from_slice(&51240u32.to_ne_bytes());
        let mut datagram = message(SOCK_DIAG_BY_FAMILY, 7, &listen);
        datagram.extend(message(SOCK_DIAG_BY_FAMILY, 7, &estab));
        let more = datagram.clone();
        datagram.extend(message(NLMSG_DONE, 7, &0i32.to_ne_bytes()));

        let mut found = Vec::new();
        assert!(
            !parse_datagram(&more, 7, &mut found).unwrap(),
            "not done yet"
        );
        found.clear();
        assert!(parse_datagram(&datagram, 7, &mut found).unwrap(), "done");
        assert_eq!(
            found,
            vec![
                TcpSocket {
                    state: State::Listen,
                    local: "127.0.0.1:60000".parse().unwrap(),
                    remote: "0.0.0.0:0".parse().unwrap(),
                    tx_queue: 0,
                    rx_queue: 2,
                    inode: 41371,
                },
                TcpSocket {
                    state: State::Established,
                    local: "[::1]:8080".parse().unwrap(),
                    remote: "[::1]:54180".parse().unwrap(),
                    tx_queue: 12,
                    rx_queue: 0,
                    inode: 51240,
                },
            ]
        );

        // Another request's messages are not this one's.
        found.clear();
        assert!(!parse_datagram(&more, 8, &mut found).unwrap());
        assert!(found.is_empty());

        // NLMSG_ERROR carries a negative errno; a cut message is an error, not skipped.
        let mut error = (-libc::EINVAL).to_ne_bytes().to_vec();
        error.extend_from_slice(&[0; NLMSG_HDRLEN]);
        let e = parse_datagram(&message(NLMSG_ERROR, 7, &error), 7, &mut found).unwrap_err();
        assert_eq!(e.raw_os_error(), Some(libc::EINVAL));
        let e = parse_datagram(&datagram[..40], 7, &mut found).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidData);
    }

    /// Not run by default: the cost of 1,000 listener queries, /proc against netlink.
    /// `cargo test --lib sockdiag::tests::cost -- --ignored --nocapture`
    #[test]
    #[ignore]
    fn cost_of_a_thousand_listener_queries() {
        use nix::sys::resource::{getrusage, UsageWho};
        let lines = std::fs::read_to_string("/proc/net/tcp")
            .map(|t| t.lines().count())
            .unwrap_or(0);
        let measure = |what: &str, query: &dyn Fn() -> Vec<TcpSocket>| {
            let before = getrusage(UsageWho::RUSAGE_SELF).unwrap();
            let start = Instant::now();
            let mut n = 0;
            for _ in 0..1000 {
                n = query().len();
            }
            let wall = start.elapsed();
            let after = getrusage(UsageWho::RUSAGE_SELF).unwrap();
            let secs = |t: TimeVal| t.tv_sec() as f64 + t.tv_usec() as f64 / 1e6;
            eprintln!(
                "{what}: 1000 calls in {:.3} s wall, {:.3} s user, {:.3} s sys ({n} listeners)",
                wall.as_secs_f64(),
                secs(after.user_time()) - secs(before.user_time()),
                secs(after.system_time()) - secs(before.system_time()),
            );
        };
        eprintln!("/proc/net/tcp: {lines} lines");
        measure("/proc", &|| from_proc(&[State::Listen]).unwrap());
        measure("netlink", &|| netlink(&[State::Listen]).unwrap());
    }
}
