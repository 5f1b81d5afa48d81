//! `netlab demo bind`: the notes ask "两次绑定同一个监听端口会怎么样?" (what happens when
//! the same listening port is bound twice?) and answer "会出现绑定端口重复" (the port is
//! taken). This demo asks the kernel, and adds the question every student meets next:
//! why can't I restart my server right away?
//!
//! Every experiment is real: sockets on 127.0.0.1, one `bind()` that succeeds or not, and
//! the error the kernel gave, untouched. [`experiments`] runs them and returns a
//! [`Report`]; [`run`] prints it. A real application would pick its options once and
//! live with them; the demo tries each combination on a fresh port so that no experiment
//! disturbs the next.
//!
//! Which port: experiment 1 (the notes' question) uses `--port` when it is given, for
//! example the notes' 60000; it leaves no TIME-WAIT there, so the demo can run again at
//! once. Every other experiment binds port 0 to get a fresh port from the kernel, because
//! experiment 2 deliberately leaves its ports blocked for about a minute.

use crate::ports::{self, State, TcpSocket};
use crate::py::{errno_name, strerror};
use crate::tr;
use anyhow::{bail, Context};
use socket2::{Domain, Protocol, SockAddr, Socket, Type};
use std::fmt;
use std::io::{self, Read};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

/// Options of `netlab demo bind`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The port of experiment 1 (bind twice), for example the notes' 60000. 0 (the
    /// default) lets the kernel pick a free one. The other experiments always use fresh
    /// ports, so the demo leaves no TIME-WAIT on this port and can run again at once.
    #[arg(long, default_value_t = 0)]
    pub(crate) port: u16,
    /// How many clients experiment 3 connects to its two SO_REUSEPORT listeners.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u16).range(1..=200))]
    pub(crate) clients: u16,
}

/// Every experiment happens on loopback: nothing leaves this machine.
const LOOPBACK: Ipv4Addr = Ipv4Addr::LOCALHOST;

/// The longest the demo waits for anything (a connect, an accept, a state in /proc).
/// On loopback each takes well under a millisecond; the bound only keeps a broken
/// machine from hanging the demo.
const WAIT: Duration = Duration::from_secs(1);

/// The socket option a socket sets before `bind()`. Each socket of the demo sets at
/// most one, which keeps each experiment about one idea.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Reuse {
    /// No option, like the notes' `socket.socket()` and netlab's own stages.
    Off,
    /// `SO_REUSEADDR`: bind even though connections of an earlier socket on this port are
    /// still in TIME-WAIT, if that earlier socket set it too.
    Addr,
    /// `SO_REUSEPORT`: several sockets listen on one port, and the kernel shares the
    /// incoming connections among them.
    Port,
}

impl fmt::Display for Reuse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            Reuse::Off => "-",
            Reuse::Addr => "SO_REUSEADDR",
            Reuse::Port => "SO_REUSEPORT",
        })
    }
}

/// One line of the demo's table: one socket tries to bind a port that another one holds
/// (or held).
#[derive(Debug)]
pub struct Row {
    /// The experiment's number, e.g. `2b`, so that the explanation can point at it.
    pub(crate) id: &'static str,
    /// What the experiment does, in a few words, in the language in force.
    pub(crate) what: String,
    /// The port it binds, so that a student can look at it with `netlab ports --all --port`.
    pub port: u16,
    /// The option on the socket that holds (or held) the port first; `None` when there is
    /// no such socket.
    pub(crate) old: Option<Reuse>,
    /// The option on the socket that binds the port now.
    pub(crate) new: Reuse,
    /// What `bind()` then `listen()` on the new socket returned: `Ok`, or the kernel's
    /// error exactly as it came (Python would raise it as `OSError`).
    pub outcome: io::Result<()>,
    /// What the experiment measured besides the outcome (the port the kernel picked, how
    /// connections were shared); empty when there is nothing more.
    pub(crate) note: String,
}

impl Row {
    /// The errno of a failed bind (98 for EADDRINUSE on Linux), `None` if it succeeded.
    pub fn errno(&self) -> Option<i32> {
        self.outcome
            .as_ref()
            .err()
            .and_then(io::Error::raw_os_error)
    }

    /// `OK`, or the errno's name and number as the kernel gave them: `EADDRINUSE (98)`.
    pub(crate) fn outcome_text(&self) -> String {
        let text = match &self.outcome {
            Ok(()) => tr!("bind-ok"),
            Err(e) => error_text(e),
        };
        if self.note.is_empty() {
            text
        } else {
            tr!(
                "bind-outcome-note",
                outcome = text,
                note = self.note.as_str()
            )
        }
    }
}

/// An error as the table shows it: the errno's name and number, `EADDRINUSE (98)`, taken
/// from the error itself (std's text for an error that has no errno).
fn error_text(e: &io::Error) -> String {
    match e.raw_os_error() {
        Some(errno) => format!("{} ({errno})", errno_name(errno)),
        None => e.to_string(),
    }
}

/// Everything one run of the demo observed, experiment by experiment.
#[derive(Debug)]
pub struct Report {
    /// 1: a second socket binds the port while the first listens: the notes' question.
    pub bind_twice: Row,
    /// 1b: the same with SO_REUSEADDR on both: it does not let two servers listen.
    pub bind_twice_reuse_addr: Row,
    /// 2: the TIME-WAIT lines that experiment 2's servers left, as `ss -tan` shows them
    /// (read from /proc); empty if none appeared within [`WAIT`].
    pub time_wait: Vec<TcpSocket>,
    /// 2a: the server restarts on its port, no options anywhere (the notes' code).
    pub restart: Row,
    /// 2b: the restarted server sets SO_REUSEADDR, the old one had not.
    pub restart_reuse_addr_new: Row,
    /// 2c: both the old and the restarted server set SO_REUSEADDR.
    pub restart_reuse_addr_both: Row,
    /// 2d: only the old server had set SO_REUSEADDR.
    pub restart_reuse_addr_old: Row,
    /// 3: two listeners with SO_REUSEPORT on one port.
    pub reuse_port: Row,
    /// 3: how many of the clients each of those two listeners accepted (old, new).
    pub accepted: [usize; 2],
    /// 4: a bind to port 0.
    pub port_zero: Row,
    /// 4: the address the kernel chose for it.
    pub picked: SocketAddr,
}

impl Report {
    /// The rows in the order of the table.
    pub(crate) fn rows(&self) -> [&Row; 8] {
        [
            &self.bind_twice,
            &self.bind_twice_reuse_addr,
            &self.restart,
            &self.restart_reuse_addr_new,
            &self.restart_reuse_addr_both,
            &self.restart_reuse_addr_old,
            &self.reuse_port,
            &self.port_zero,
        ]
    }
}

/// Runs every experiment. `port` is experiment 1's port (0: a fresh one); `clients` is
/// how many clients experiment 3 connects. Every socket is closed when this returns.
/// An error means the demo itself could not run (for example, `port` is taken); what
/// the kernel answers to the binds under test is in the report, not an error.
pub fn experiments(port: u16, clients: usize) -> anyhow::Result<Report> {
    let bind_twice = bind_while_listening("1", tr!("bind-what-1"), port, Reuse::Off)?;
    let bind_twice_reuse_addr =
        bind_while_listening("1b", tr!("bind-what-both"), port, Reuse::Addr)?;

    // Two servers like the notes' stage 1, each closing its connection first: one without
    // options (2a, 2b), one with SO_REUSEADDR (2c, 2d). Then each restarts on its port.
    let (plain_port, plain_line) = serve_one_client_and_exit(Reuse::Off)?;
    let (reuse_addr_port, reuse_addr_line) = serve_one_client_and_exit(Reuse::Addr)?;
    let time_wait = plain_line.into_iter().chain(reuse_addr_line).collect();
    let restart_plain = restart(
        "2a",
        tr!("bind-what-2a"),
        plain_port,
        Reuse::Off,
        Reuse::Off,
    );
    let restart_reuse_addr_new = restart(
        "2b",
        tr!("bind-what-new"),
        plain_port,
        Reuse::Off,
        Reuse::Addr,
    );
    // 2c's restarted server closes at once without a connection, so it leaves nothing
    // behind: 2d meets the same TIME-WAIT as 2c.
    let restart_reuse_addr_both = restart(
        "2c",
        tr!("bind-what-both"),
        reuse_addr_port,
        Reuse::Addr,
        Reuse::Addr,
    );
    let restart_reuse_addr_old = restart(
        "2d",
        tr!("bind-what-old"),
        reuse_addr_port,
        Reuse::Addr,
        Reuse::Off,
    );

    let (reuse_port, accepted) = share_one_port(clients)?;
    let (port_zero, picked) = port_zero()?;

    Ok(Report {
        bind_twice,
        bind_twice_reuse_addr,
        time_wait,
        restart: restart_plain,
        restart_reuse_addr_new,
        restart_reuse_addr_both,
        restart_reuse_addr_old,
        reuse_port,
        accepted,
        port_zero,
        picked,
    })
}

/// A TCP socket on loopback with `reuse` set, bound to `port` (0: the kernel picks).
/// The option must be set before `bind()`: bind is where the kernel checks it.
fn bind(reuse: Reuse, port: u16) -> io::Result<Socket> {
    let socket = Socket::new(Domain::IPV4, Type::STREAM, Some(Protocol::TCP))?;
    match reuse {
        Reuse::Off => {}
        Reuse::Addr => socket.set_reuse_address(true)?,
        Reuse::Port => socket.set_reuse_port(true)?,
    }
    socket.bind(&SockAddr::from(SocketAddr::from((LOOPBACK, port))))?;
    Ok(socket)
}

/// A listening socket, as the notes' `s.bind(...)` then `s.listen(5)` make. The backlog
/// is larger than the notes' 5 so that experiment 3's clients all fit in the queue.
fn listen(reuse: Reuse, port: u16) -> io::Result<Socket> {
    let socket = bind(reuse, port)?;
    socket.listen(128)?;
    Ok(socket)
}

/// The local address of a bound socket, as a std address.
fn local_addr(socket: &Socket) -> io::Result<SocketAddr> {
    socket
        .local_addr()?
        .as_socket()
        .ok_or_else(|| io::Error::other("not an IP socket"))
}

/// Experiment 1: a listener holds the port, a second socket binds it.
fn bind_while_listening(
    id: &'static str,
    what: String,
    port: u16,
    reuse: Reuse,
) -> anyhow::Result<Row> {
    let old = match listen(reuse, port) {
        Ok(old) => old,
        Err(e) if port == 0 => return Err(e).context(tr!("bind-err-fresh-port")),
        Err(e) => bail!(tr!(
            "bind-port-taken",
            port = port.to_string(),
            error = error_text(&e),
            strerror = format!("{:?}", e.raw_os_error().map(strerror).unwrap_or_default())
        )),
    };
    let port = local_addr(&old)?.port();
    // The old socket is still listening while the new one binds: the notes' question.
    let outcome = listen(reuse, port).map(drop);
    Ok(Row {
        id,
        what,
        port,
        old: Some(reuse),
        new: reuse,
        outcome,
        note: String::new(),
    })
}

/// Experiment 2's server, shaped like the notes' stage 1: listen on a fresh port, accept
/// one client, close that connection first, then exit (close the listener). Returns the
/// port and the TIME-WAIT line it left, if it appeared within [`WAIT`].
fn serve_one_client_and_exit(reuse: Reuse) -> anyhow::Result<(u16, Option<TcpSocket>)> {
    let server = listen(reuse, 0).context(tr!("bind-err-fresh-port"))?;
    let addr = local_addr(&server)?;
    let mut client = TcpStream::connect_timeout(&addr, WAIT)
        .with_context(|| tr!("bind-err-connect", addr = addr.to_string()))?;
    let client_addr = client.local_addr()?;
    let connection = accept_within(&server, Instant::now() + WAIT)?;
    // The server closes first, like the notes' `s1.close()`. TCP makes the side that
    // closes first wait in TIME-WAIT, so the wait lands on the server's port.
    drop(connection);
    // The client reads the end of the stream (recv() returns b''), then closes as well.
    // Its FIN is what moves the server's side from FIN-WAIT-2 into TIME-WAIT. Reading
    // first keeps the notes' order (server, then client); two closes crossing each other
    // would put both sides in TIME-WAIT, the client's too.
    client.set_read_timeout(Some(WAIT))?;
    let n = client.read(&mut [0; 1]).context(tr!("bind-err-no-close"))?;
    if n != 0 {
        bail!(tr!("bind-err-data"));
    }
    drop(client);
    // The program exits: its listener closes. The port is still not free.
    drop(server);
    let line = wait_for_time_wait(addr, client_addr, Instant::now() + WAIT)?;
    Ok((addr.port(), line))
}

/// Experiment 2's restart: a new server binds and listens on `port`, where an old server
/// with option `old` has just exited and left a connection in TIME-WAIT.
fn restart(id: &'static str, what: String, port: u16, old: Reuse, new: Reuse) -> Row {
    Row {
        id,
        what,
        port,
        old: Some(old),
        new,
        // The new server closes at once: only whether it could start matters here.
        outcome: listen(new, port).map(drop),
        note: String::new(),
    }
}

/// Accepts one connection, waiting until `deadline` at most. A blocking accept() could
/// wait forever if the connection never came, so the listener is polled instead.
fn accept_within(listener: &Socket, deadline: Instant) -> anyhow::Result<Socket> {
    listener.set_nonblocking(true)?;
    loop {
        match listener.accept() {
            Ok((connection, _)) => return Ok(connection),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock && Instant::now() < deadline => {
                thread::sleep(Duration::from_millis(1));
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                bail!(tr!("bind-err-no-accept", seconds = WAIT.as_secs()))
            }
            Err(e) => return Err(e).context(tr!("bind-err-accept")),
        }
    }
}

/// The TIME-WAIT line of the connection `local`-`remote`, read from /proc until it shows
/// or `deadline` passes (on loopback it is there at once).
fn wait_for_time_wait(
    local: SocketAddr,
    remote: SocketAddr,
    deadline: Instant,
) -> anyhow::Result<Option<TcpSocket>> {
    loop {
        let found = ports::sockets()
            .context(tr!("bind-err-proc"))?
            .into_iter()
            .find(|s| s.state == State::TimeWait && s.local == local && s.remote == remote);
        if found.is_some() || Instant::now() >= deadline {
            return Ok(found);
        }
        thread::sleep(Duration::from_millis(5));
    }
}

/// Experiment 3: two listeners with SO_REUSEPORT on one port, `clients` connections,
/// and how many each listener accepted.
fn share_one_port(clients: usize) -> anyhow::Result<(Row, [usize; 2])> {
    let old = listen(Reuse::Port, 0).context(tr!("bind-err-fresh-port"))?;
    let addr = local_addr(&old)?;
    let mut row = Row {
        id: "3",
        what: tr!("bind-what-3"),
        port: addr.port(),
        old: Some(Reuse::Port),
        new: Reuse::Port,
        outcome: Ok(()),
        note: String::new(),
    };
    let new = match listen(Reuse::Port, addr.port()) {
        Ok(new) => new,
        Err(e) => {
            row.outcome = Err(e);
            return Ok((row, [0, 0]));
        }
    };
    // connect() returns once the kernel has completed the handshake and queued the
    // connection on one of the two listeners; nobody has to accept() yet.
    let streams = (0..clients)
        .map(|_| TcpStream::connect_timeout(&addr, WAIT))
        .collect::<io::Result<Vec<_>>>()
        .with_context(|| tr!("bind-err-connect", addr = addr.to_string()))?;
    // Now see which listener got each one: poll both without blocking, for at most WAIT.
    let listeners = [old, new];
    for listener in &listeners {
        listener.set_nonblocking(true)?;
    }
    let mut accepted = [0; 2];
    let mut connections = Vec::new();
    let deadline = Instant::now() + WAIT;
    while accepted.iter().sum::<usize>() < clients && Instant::now() < deadline {
        let mut progress = false;
        for (count, listener) in accepted.iter_mut().zip(&listeners) {
            match listener.accept() {
                Ok((connection, _)) => {
                    *count += 1;
                    connections.push(connection);
                    progress = true;
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                Err(e) => return Err(e).context(tr!("bind-err-accept")),
            }
        }
        if !progress {
            thread::sleep(Duration::from_millis(1));
        }
    }
    let total = accepted[0] + accepted[1];
    row.note = tr!(
        "bind-note-shared",
        old = accepted[0],
        new = accepted[1],
        clients = clients
    );
    if total < clients {
        row.note.push_str(&tr!(
            "bind-note-short",
            total = total,
            seconds = WAIT.as_secs()
        ));
    }
    // The clients close first, so the TIME-WAITs stay on their own ephemeral ports.
    drop(streams);
    drop(connections);
    Ok((row, accepted))
}

/// Experiment 4: bind port 0 and let the kernel choose.
fn port_zero() -> anyhow::Result<(Row, SocketAddr)> {
    let (outcome, picked) = match listen(Reuse::Off, 0) {
        Ok(socket) => (Ok(()), local_addr(&socket)?),
        Err(e) => (Err(e), SocketAddr::from((LOOPBACK, 0))),
    };
    let row = Row {
        id: "4",
        what: tr!("bind-what-4"),
        port: 0,
        old: None,
        new: Reuse::Off,
        note: match outcome {
            Ok(()) => tr!("bind-note-picked", port = picked.port().to_string()),
            Err(_) => String::new(),
        },
        outcome,
    };
    Ok((row, picked))
}

/// The report as a table: experiment, port, the options of the old and the new socket,
/// and the outcome.
pub(crate) fn table(report: &Report) -> String {
    let mut rows = vec![[
        "#".to_string(),
        tr!("bind-col-experiment"),
        tr!("bind-col-port"),
        tr!("bind-col-old"),
        tr!("bind-col-new"),
        tr!("bind-col-outcome"),
    ]];
    rows.extend(report.rows().into_iter().map(|row| {
        [
            row.id.to_string(),
            row.what.clone(),
            row.port.to_string(),
            row.old.map_or(tr!("bind-no-old"), |old| old.to_string()),
            row.new.to_string(),
            row.outcome_text(),
        ]
    }));
    crate::text::aligned(&rows)
}

/// What the table means, in the words of this run's results.
fn explanation(report: &Report) -> String {
    let refused = match &report.bind_twice.outcome {
        Ok(()) => tr!("bind-refused-ok"),
        Err(e) => match e.raw_os_error() {
            Some(errno) => tr!(
                "bind-refused-errno",
                error = error_text(e),
                errno = errno.to_string(),
                strerror = strerror(errno)
            ),
            None => tr!("bind-refused-other", error = e.to_string()),
        },
    };
    let points = [
        tr!("bind-point-1", refused = refused),
        tr!("bind-point-2"),
        tr!("bind-point-3"),
        tr!("bind-point-4"),
        tr!("bind-point-5", port = report.restart.port.to_string()),
    ];
    let mut out = format!("{}\n", tr!("bind-means"));
    for point in points {
        out.push_str(&crate::text::wrap(&point, "- ", "  "));
    }
    out
}

/// `netlab demo bind`: runs the experiments and prints the table, experiment 2's
/// TIME-WAIT lines, and what they mean.
pub fn run(args: &Args) -> anyhow::Result<()> {
    let report = experiments(args.port, usize::from(args.clients))?;
    crate::outln!("{}", tr!("bind-title"));
    crate::outln!("{}", tr!("bind-rows"));
    crate::outln!();
    crate::out!("{}", table(&report));
    crate::outln!();
    if report.time_wait.is_empty() {
        crate::outln!("{}", tr!("bind-no-time-wait", seconds = WAIT.as_secs()));
    } else {
        crate::outln!("{}", tr!("bind-time-wait"));
        crate::outln!();
        crate::out!("{}", ports::table(&report.time_wait));
    }
    crate::outln!();
    crate::out!("{}", explanation(&report));
    Ok(())
}
