//! The guard: a small process between netlab and each program it starts, so that nothing
//! the program starts outlives it, whatever the program does and however netlab ends.
//!
//! ```text
//! netlab ──channel (a Unix socket)── netlab __guard FD python3 my_server.py 41234
//!                                        └── python3 my_server.py 41234   (its own group)
//!                                              └── ... every process it starts
//! ```
//!
//! The guard is netlab's own binary, run again with a hidden first argument. It:
//!
//! - is a *child subreaper* (`prctl(PR_SET_CHILD_SUBREAPER)`): when a process among its
//!   descendants loses its parent, Linux makes the guard its new parent instead of init.
//!   A program that daemonizes (fork, `setsid()`, fork again, as `tests/servers/python/
//!   setsid_escape.py` does) leaves its own process group and session, but not the guard's
//!   family: `/proc` still leads from every such process back to the guard;
//! - starts the program in a process group of its own, with a parent-death signal: if the
//!   guard itself is killed, the kernel kills the program;
//! - waits for every process that ends among its descendants (the program's exit status
//!   goes to netlab), so none stays a zombie;
//! - when netlab says `stop`, or when the channel closes because netlab has ended in any
//!   way (SIGKILL included: the kernel closes a dead process's descriptors), sends SIGTERM
//!   to the program's group and to every descendant outside it, then SIGKILL to whatever
//!   is left, again until nothing is; tells netlab which processes had escaped the
//!   program's group; and exits.
//!
//! A guard sits in a process group of its own too: the terminal's Ctrl-C, or a signal to
//! netlab's group, reaches netlab, which then stops its programs; a signal sent to the
//! guard itself (SIGTERM, SIGINT, SIGHUP) is taken as `stop`.
//!
//! What goes over the channel, one line each:
//!
//! ```text
//! netlab → guard:   stop GRACE_MS
//! guard → netlab:   started PID | spawn-failed ERRNO | exited WAIT_STATUS
//!                   escaped PID NAME | stopped
//! ```
//!
//! The guard costs the program nothing: it sleeps in poll() while the program runs, and
//! `netlab bench` measures the program's processes, not the guard.

use super::process::{descendants, Process};
use nix::sys::signal::{kill, killpg, Signal};
use nix::unistd::Pid;
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io::{self, Read, Write};
use std::os::fd::{AsFd, FromRawFd, RawFd};
use std::os::unix::ffi::OsStringExt;
use std::os::unix::net::UnixStream;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The hidden first argument that makes netlab's binary a guard.
pub(crate) const ARG: &str = "__guard";

/// How long the guard goes on sending SIGKILL to what is left before it gives up (a
/// process stuck in the kernel, in state D, cannot die until its call returns).
const KILL_BOUND: Duration = Duration::from_secs(2);

/// How often the guard looks for ended processes and for netlab's word.
const TICK: Duration = Duration::from_millis(50);

/// Whether this executable serves as a guard when asked: see [`serve_if_asked`].
static CAN_GUARD: AtomicBool = AtomicBool::new(false);

/// Serves as a guard, and exits, if this process was started as one; otherwise records
/// that this executable can be: every executable that starts programs through
/// [`super::ExternalProgram`] calls this first (netlab's `main`; the library's own tests
/// through a constructor).
pub fn serve_if_asked() {
    // Read from /proc rather than std::env::args(): this may run before main.
    let args = command_line(&std::fs::read("/proc/self/cmdline").unwrap_or_default());
    if args.get(1).is_some_and(|a| a == ARG) {
        let code = match serve(&args[2..]) {
            Ok(()) => 0,
            Err(_) => 1,
        };
        std::process::exit(code);
    }
    CAN_GUARD.store(true, Ordering::SeqCst);
}

/// The arguments in `/proc/self/cmdline`: each ends with a NUL (an empty one too).
fn command_line(cmdline: &[u8]) -> Vec<OsString> {
    let mut args: Vec<OsString> = cmdline
        .split(|&b| b == 0)
        .map(|a| OsString::from_vec(a.to_vec()))
        .collect();
    // The last NUL ends the last argument; it does not start another.
    args.pop();
    args
}

/// The executable to start as a guard: this one.
pub(crate) fn executable() -> io::Result<PathBuf> {
    if !CAN_GUARD.load(Ordering::SeqCst) {
        return Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "this executable cannot guard the programs it starts: its main must call \
             netlab::program::serve_guard_if_asked() first",
        ));
    }
    // The path, so that `ps` names the guard `netlab`; /proc/self/exe if the file has
    // gone (a rebuild replaced it), which still runs this very binary.
    Ok(std::env::current_exe()
        .ok()
        .filter(|p| p.exists())
        .unwrap_or_else(|| PathBuf::from("/proc/self/exe")))
}

/// One process that had left the program's process group when the program was stopped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Escaped {
    pub(crate) pid: u32,
    /// Its command name (`python3`).
    pub(crate) name: String,
}

/// What the guard has said so far, read by netlab.
#[derive(Debug, Default)]
pub(crate) struct Reports {
    /// The program's pid, which is also its process group, once started.
    pub(crate) pid: Option<u32>,
    /// Why the program could not be started (an errno), if it could not.
    pub(crate) spawn_failed: Option<i32>,
    /// The program's wait status, once it has ended.
    pub(crate) exited: Option<i32>,
    /// The processes outside the program's group that the stop ended.
    pub(crate) escaped: Vec<Escaped>,
    /// Whether the guard has stopped everything.
    pub(crate) stopped: bool,
    /// Whether the channel has closed: the guard has ended.
    pub(crate) closed: bool,
}

impl Reports {
    /// Takes in one line from the guard.
    pub(crate) fn take(&mut self, line: &str) {
        let (word, rest) = line.split_once(' ').unwrap_or((line, ""));
        match word {
            "started" => self.pid = rest.parse().ok(),
            "spawn-failed" => self.spawn_failed = Some(rest.parse().unwrap_or(0)),
            "exited" => self.exited = rest.parse().ok(),
            "escaped" => {
                let (pid, name) = rest.split_once(' ').unwrap_or((rest, ""));
                if let Ok(pid) = pid.parse() {
                    let name = name.to_string();
                    self.escaped.push(Escaped { pid, name });
                }
            }
            "stopped" => self.stopped = true,
            _ => {}
        }
    }
}

/// The guard's life: `args` are the channel's descriptor, then the program and its
/// arguments.
fn serve(args: &[OsString]) -> io::Result<()> {
    let invalid = || io::Error::new(io::ErrorKind::InvalidInput, "netlab __guard FD COMMAND...");
    let fd: RawFd = args
        .first()
        .and_then(|a| a.to_str()?.parse().ok())
        .ok_or_else(invalid)?;
    let (program, program_args) = args[1..].split_first().ok_or_else(invalid)?;
    // SAFETY: netlab passed this descriptor, open, for the guard alone.
    let mut channel = unsafe { UnixStream::from_raw_fd(fd) };
    // The program must not inherit it: only netlab and the guard hold the channel.
    nix::fcntl::fcntl(
        channel.as_fd(),
        nix::fcntl::FcntlArg::F_SETFD(nix::fcntl::FdFlag::FD_CLOEXEC),
    )?;
    // A write to a channel netlab has closed fails instead of killing the guard (this may
    // run before Rust's runtime ignores SIGPIPE; the program gets the default back).
    // SAFETY: setting a signal's disposition to "ignore" runs no code of ours.
    unsafe { nix::sys::signal::signal(Signal::SIGPIPE, nix::sys::signal::SigHandler::SigIgn) }
        .map_err(io::Error::from)?;
    let asked_to_stop = Arc::new(AtomicBool::new(false));
    for signal in [
        signal_hook::consts::SIGTERM,
        signal_hook::consts::SIGINT,
        signal_hook::consts::SIGHUP,
    ] {
        signal_hook::flag::register(signal, asked_to_stop.clone())?;
    }
    nix::sys::prctl::set_child_subreaper(true).map_err(io::Error::from)?;

    let mut command = Command::new(program);
    command.args(program_args).process_group(0);
    // SAFETY: prctl() is async-signal-safe; nothing else runs between fork and exec. The
    // guard has one thread, so "the parent" is the guard as long as it lives.
    unsafe {
        command
            .pre_exec(|| nix::sys::prctl::set_pdeathsig(Signal::SIGKILL).map_err(io::Error::from));
    }
    let pid = match command.spawn() {
        Ok(child) => child.id(),
        Err(e) => {
            writeln!(channel, "spawn-failed {}", e.raw_os_error().unwrap_or(0))?;
            return Ok(());
        }
    };
    writeln!(channel, "started {pid}")?;
    // The guard's copies of the program's standard streams go: they end when the
    // program's own processes have all closed them, as if the guard were not there.
    let null = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/null")?;
    nix::unistd::dup2_stdin(&null)?;
    nix::unistd::dup2_stdout(&null)?;
    nix::unistd::dup2_stderr(&null)?;

    let mut guard = Guard {
        me: std::process::id(),
        program: pid,
        exited: false,
        channel,
    };
    let mut heard = Vec::new();
    loop {
        guard.reap();
        if asked_to_stop.load(Ordering::SeqCst) {
            return guard.stop(super::TERM_GRACE);
        }
        let mut fds = [nix::poll::PollFd::new(
            guard.channel.as_fd(),
            nix::poll::PollFlags::POLLIN,
        )];
        match nix::poll::poll(
            &mut fds,
            nix::poll::PollTimeout::from(TICK.as_millis() as u16),
        ) {
            Ok(0) | Err(nix::errno::Errno::EINTR) => continue,
            Ok(_) => {}
            Err(e) => return Err(e.into()),
        }
        let mut buf = [0u8; 256];
        let n = match guard.channel.read(&mut buf) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => 0,
        };
        if n == 0 {
            // netlab has ended, however it ended: nothing it started stays.
            return guard.stop(super::TERM_GRACE);
        }
        heard.extend_from_slice(&buf[..n]);
        while let Some(end) = heard.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = heard.drain(..=end).collect();
            let line = String::from_utf8_lossy(&line);
            if let Some(ms) = line.trim().strip_prefix("stop ") {
                let grace = Duration::from_millis(ms.parse().unwrap_or(0));
                return guard.stop(grace);
            }
        }
    }
}

/// The guard at work.
struct Guard {
    /// The guard's own pid: every process the program started descends from it.
    me: u32,
    /// The program's pid, which is also its process group.
    program: u32,
    /// Whether the program's end has been told to netlab.
    exited: bool,
    channel: UnixStream,
}

impl Guard {
    /// Waits for every process that has ended among the guard's children (orphans come to
    /// it), and tells netlab when the program itself has. A failed write means netlab has
    /// gone; the loop notices on its next read.
    fn reap(&mut self) {
        loop {
            let mut status = 0;
            // SAFETY: waitpid writes one int; WNOHANG never blocks.
            let pid = unsafe { nix::libc::waitpid(-1, &mut status, nix::libc::WNOHANG) };
            if pid <= 0 {
                return;
            }
            if pid as u32 == self.program && !self.exited {
                self.exited = true;
                let _ = writeln!(self.channel, "exited {status}");
            }
        }
    }

    /// Ends the program and everything it started: SIGTERM to its group and to every
    /// descendant outside it, `grace` for them to end, then SIGKILL to whatever is left,
    /// until nothing is (bounded). Tells netlab which had escaped the group, then ends.
    fn stop(mut self, grace: Duration) -> io::Result<()> {
        let program = self.program as i32;
        let group = Pid::from_raw(program);
        let mut escaped: BTreeMap<u32, String> = BTreeMap::new();
        let mut note = |p: &Process| {
            if p.pgid != program {
                escaped.entry(p.pid).or_insert_with(|| p.name.clone());
            }
        };
        for p in descendants(self.me) {
            note(&p);
            if p.pgid != program {
                let _ = kill(Pid::from_raw(p.pid as i32), Signal::SIGTERM);
            }
        }
        let _ = killpg(group, Signal::SIGTERM);
        let deadline = Instant::now() + grace;
        while Instant::now() < deadline {
            self.reap();
            if descendants(self.me).is_empty() {
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        // A process may fork while it is being killed: kill again until none is left.
        let deadline = Instant::now() + KILL_BOUND;
        loop {
            let left = descendants(self.me);
            if left.is_empty() || Instant::now() >= deadline {
                break;
            }
            for p in &left {
                note(p);
                let _ = kill(Pid::from_raw(p.pid as i32), Signal::SIGKILL);
            }
            let _ = killpg(group, Signal::SIGKILL);
            std::thread::sleep(Duration::from_millis(5));
            self.reap();
        }
        self.reap();
        for (pid, name) in escaped {
            // A command name may hold any byte but NUL; one line each all the same.
            let name: String = name.chars().filter(|c| !c.is_control()).collect();
            let _ = writeln!(self.channel, "escaped {pid} {name}");
        }
        let _ = writeln!(self.channel, "stopped");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_keeps_empty_arguments_and_adds_none() {
        assert_eq!(
            command_line(b"netlab\0__guard\0\0x\0"),
            ["netlab", "__guard", "", "x"].map(OsString::from)
        );
        assert!(command_line(b"").is_empty());
    }

    #[test]
    fn reports_are_read_line_by_line() {
        let mut r = Reports::default();
        for line in [
            "started 41",
            "exited 256",
            "escaped 57 python3",
            "escaped 58 my server",
            "stopped",
            "something new",
        ] {
            r.take(line);
        }
        assert_eq!(r.pid, Some(41));
        assert_eq!(r.exited, Some(256));
        assert_eq!(
            r.escaped,
            vec![
                Escaped {
                    pid: 57,
                    name: "python3".into()
                },
                Escaped {
                    pid: 58,
                    name: "my server".into()
                }
            ]
        );
        assert!(r.stopped && !r.closed && r.spawn_failed.is_none());
    }
}
