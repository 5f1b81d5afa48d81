//! `ExternalProgram`: a server that is not netlab's own, started as a separate process: a
//! student's chat server in any language, the tutorial's Python original, or netlab's own
//! binary run as an outsider would run it. `netlab check` grades it; the bench loads it.
//!
//! The command is the user's, with `{port}` in its arguments replaced by the port it
//! must listen on, which is also in its environment as `PORT`. netlab starts it:
//!
//! - through a guard (`program/guard.rs`): netlab's own binary in a hidden mode, a child
//!   subreaper between netlab and the program, so that everything the program starts,
//!   even a process that daemonized out of its group and session, is ended with it, and
//!   so that nothing outlives netlab, even when netlab is killed with SIGKILL;
//! - in a process group of its own, so that the terminal's Ctrl-C reaches netlab, which
//!   then stops the program itself;
//! - with its standard input on a pipe that stays open: the notes' servers read a `>> `
//!   console, where netlab can type `quit`;
//! - with its standard output and error captured, line by line, for the transcript
//!   (`PYTHONUNBUFFERED=1` too, so that a Python program's `print()` is not held back
//!   in a buffer while stdout is a pipe).
//!
//! netlab knows the program is ready when the kernel lists a listener on its port that
//! one of the program's processes holds (read from `/proc/net/tcp` and `/proc/PID/fd`, as
//! `netlab ports` does), without connecting to it: stage 1 serves its first two
//! connections and exits, so a probing connection would be served. Stopping sends
//! SIGTERM to the program's group and to whatever escaped it, then SIGKILL to whatever is
//! left 0.3 s later. A program is stopped when its `ExternalProgram` is dropped, and
//! [`stop_all`] stops every one still running (netlab's own Ctrl-C handler calls it).
//! Starting a program on a free port, waiting for it, starting it again when the port was
//! taken meanwhile, and saying why a port cannot be used, is the launcher's
//! (`program/launch.rs`, `program/port.rs`).
//!
//! The grader keeps everything a program prints (its transcript needs it). The bench
//! cannot: a chat server under load logs every message, millions of lines, so it starts
//! programs with [`Keep::Tail`], which drains both streams but keeps only the last lines,
//! for a report on a server that died. [`ExternalProgram::usage`] reads what the program's
//! processes cost from `/proc`: CPU time and peak memory.

mod guard;
mod launch;
mod port;
mod process;

pub use guard::serve_if_asked as serve_guard_if_asked;

// The library's own tests start programs too: their binary must serve as a guard when
// asked, as netlab's does from its main.
#[cfg(test)]
#[ctor::ctor(unsafe)]
fn serve_as_guard_in_tests() {
    guard::serve_if_asked();
}
pub(crate) use guard::Escaped;
pub(crate) use launch::{
    fixed_port_notice, fixed_port_remedy, left_running, status_text, Launch, Launched,
};
pub use port::{Binder, Cause, PortUse};

use crate::ports::{self, State, TcpSocket};
use guard::Reports;
use nix::sys::signal::{killpg, Signal};
use nix::unistd::Pid;
use std::collections::HashSet;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::SocketAddr;
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::os::unix::net::UnixStream;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// How long a program gets to end after SIGTERM before what is left gets SIGKILL: it is
/// being thrown away, so a short while (netlab's own stages take SIGTERM as `quit`).
const TERM_GRACE: Duration = Duration::from_millis(300);

/// How long the guard may take to start the program, or to stop it: far more than it
/// needs (it stops within [`TERM_GRACE`] and two seconds of SIGKILLs at worst).
const GUARD_ANSWER: Duration = Duration::from_secs(10);

/// How long, once the program has ended, its output may take to reach its end.
const OUTPUT_END: Duration = Duration::from_secs(1);

/// How often the kernel's socket table is read while waiting for the program to listen.
const LISTEN_POLL: Duration = Duration::from_millis(10);

/// The programs running now, for [`stop_all`].
static RUNNING: Mutex<Vec<Running>> = Mutex::new(Vec::new());

/// A program running now, as [`stop_all`] reaches it.
struct Running {
    /// The guard's pid, which identifies the entry.
    guard: u32,
    /// The program's process group.
    group: i32,
    /// netlab's end of the guard's channel, to say `stop`.
    channel: UnixStream,
}

/// Which of the program's output streams a line came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Stream {
    Stdout,
    Stderr,
}

/// What the program has printed so far.
#[derive(Default)]
struct Printed {
    /// Each stream's whole text so far (invalid UTF-8 shown as U+FFFD), indexed by
    /// [`Stream`] as `0` (stdout) and `1` (stderr): what steps search.
    text: [String; 2],
    /// Complete lines, in the order they arrived across both streams: the transcript's.
    lines: Vec<(Stream, String)>,
    /// Each stream's last line, until its newline comes.
    partial: [String; 2],
    /// How many of the two streams have reached their end (the program and everything
    /// it started have closed them).
    closed: usize,
    /// What is kept of it.
    keep: Keep,
    /// How many of the first complete lines were let go ([`Keep::Tail`]).
    dropped: usize,
}

/// How much of what a program prints is kept.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum Keep {
    /// Everything: the grader searches it and shows it in transcripts.
    #[default]
    All,
    /// About the last `n` complete lines, and no searchable text: for a server that logs
    /// every message of a long run (the bench), whose output is drained, not read.
    Tail(usize),
}

/// What a program's processes have cost so far, read from `/proc`.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct Usage {
    /// CPU time, user and system, of its processes alive now (every thread of each, those
    /// that ended included), in seconds.
    pub(crate) cpu_seconds: f64,
    /// The most resident memory each process has had (`VmHWM`), added up, in KiB.
    pub(crate) peak_rss_kib: u64,
}

type Shared<T> = Arc<(Mutex<T>, Condvar)>;

fn lock<T>(shared: &Shared<T>) -> MutexGuard<'_, T> {
    shared.0.lock().unwrap_or_else(|p| p.into_inner())
}

/// Why a program is not ready to be talked to.
#[derive(Debug)]
pub(crate) enum NotListening {
    /// It ended before it listened, with this status.
    Exited(ExitStatus),
    /// It ran, but none of its processes listened on its port in time; `elsewhere` lists
    /// where they listen instead, if anywhere. `early`: netlab stopped waiting before the
    /// start timeout, as the program had listened only elsewhere (the notes' fixed 60000)
    /// for [`ELSEWHERE_GRACE`], and waiting longer would tell nothing more.
    TimedOut {
        elsewhere: Vec<SocketAddr>,
        early: bool,
    },
}

/// How long a program may listen elsewhere only before netlab stops waiting for it to
/// listen on its port too.
const ELSEWHERE_GRACE: Duration = Duration::from_secs(2);

/// A server started as a separate process.
pub(crate) struct ExternalProgram {
    /// The guard between netlab and the program (see `program/guard.rs`).
    guard: Child,
    /// netlab's end of the guard's channel: `stop` goes there.
    channel: UnixStream,
    /// What the guard has said: the program's pid, its end, who escaped.
    reports: Shared<Reports>,
    /// The console: kept open for as long as the program runs.
    stdin: Option<ChildStdin>,
    printed: Shared<Printed>,
    /// The command as it ran, with the port filled in, for people.
    command_line: String,
    /// Set once the guard has stopped everything.
    stopped: bool,
}

impl ExternalProgram {
    /// Starts `command` (`["python3", "my_stage4.py", "{port}"]`) to listen on `port`.
    pub fn start(command: &[String], port: u16) -> io::Result<ExternalProgram> {
        ExternalProgram::start_keeping(command, port, Keep::All)
    }

    /// [`ExternalProgram::start`], keeping `keep` of what the program prints.
    pub(crate) fn start_keeping(
        command: &[String],
        port: u16,
        keep: Keep,
    ) -> io::Result<ExternalProgram> {
        let (program, args) = command
            .split_first()
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no command given"))?;
        let fill = |arg: &String| arg.replace("{port}", &port.to_string());
        let args: Vec<String> = args.iter().map(fill).collect();
        let (channel, guard_end) = UnixStream::pair()?;
        // A descriptor above 2 (try_clone_to_owned asks for 3 or more): the child's
        // standard streams are set up on 0-2 before the guard's is handed over.
        let theirs: OwnedFd = guard_end.as_fd().try_clone_to_owned()?;
        drop(guard_end);
        let fd = theirs.as_raw_fd();
        let mut cmd = Command::new(guard::executable()?);
        cmd.arg(guard::ARG)
            .arg(fd.to_string())
            .arg(fill(program))
            .args(&args)
            .env("PORT", port.to_string())
            .env("PYTHONUNBUFFERED", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0);
        // SAFETY: fcntl() is async-signal-safe; nothing else runs between fork and exec.
        // Only this child keeps the channel's other end across exec; every other process
        // netlab starts closes it (close-on-exec), so it closes when netlab ends.
        unsafe {
            cmd.pre_exec(move || {
                if nix::libc::fcntl(fd, nix::libc::F_SETFD, 0) == -1 {
                    return Err(io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let mut guard = cmd.spawn()?;
        // netlab keeps no copy of the guard's end: if the guard ends, the channel closes.
        drop(theirs);
        let reports: Shared<Reports> = Arc::new((Mutex::new(Reports::default()), Condvar::new()));
        listen_to_guard(channel.try_clone()?, reports.clone());
        let answered = {
            let (state, changed) = &*reports;
            let guard_state = state.lock().unwrap_or_else(|p| p.into_inner());
            let (r, _) = changed
                .wait_timeout_while(guard_state, GUARD_ANSWER, |r| {
                    r.pid.is_none() && r.spawn_failed.is_none() && !r.closed
                })
                .unwrap_or_else(|p| p.into_inner());
            (r.pid, r.spawn_failed)
        };
        let group = match answered {
            (Some(pid), _) => pid as i32,
            (None, errno) => {
                let _ = guard.kill();
                let _ = guard.wait();
                return Err(match errno {
                    Some(errno) if errno != 0 => io::Error::from_raw_os_error(errno),
                    _ => io::Error::other("netlab's guard did not start the program"),
                });
            }
        };
        lock_running().push(Running {
            guard: guard.id(),
            group,
            channel: channel.try_clone()?,
        });
        // However netlab ends (a closed pipe, a fatal error), no program outlives it.
        crate::terminal::before_exit(stop_all);
        let printed: Shared<Printed> = Arc::new((
            Mutex::new(Printed {
                keep,
                ..Printed::default()
            }),
            Condvar::new(),
        ));
        collect(guard.stdout.take(), Stream::Stdout, printed.clone());
        collect(guard.stderr.take(), Stream::Stderr, printed.clone());
        let command_line = std::iter::once(fill(program))
            .chain(args)
            .map(|a| shell_word(&a))
            .collect::<Vec<_>>()
            .join(" ");
        Ok(ExternalProgram {
            stdin: guard.stdin.take(),
            guard,
            channel,
            reports,
            printed,
            command_line,
            stopped: false,
        })
    }

    /// The command as it runs, port filled in: `python3 my_stage4.py 41234`.
    pub(crate) fn command_line(&self) -> &str {
        &self.command_line
    }

    /// Waits until one of the program's processes listens on `port`, the program ends, or
    /// `timeout` passes. A listener on `port` that is not the program's does not count:
    /// the port was taken by someone else (the launcher then says who).
    pub(crate) fn wait_listening(
        &mut self,
        port: u16,
        timeout: Duration,
    ) -> Result<(), NotListening> {
        let started = Instant::now();
        let deadline = started + timeout;
        let mut next_look = started;
        // A listener seen on the port that is not the program's, not looked at again.
        let mut foreign = HashSet::new();
        loop {
            if let Some(status) = self.try_exit() {
                return Err(NotListening::Exited(status));
            }
            let now = listeners();
            let on_port: Vec<u64> = now
                .iter()
                .filter(|s| s.local.port() == port && !foreign.contains(&s.inode))
                .map(|s| s.inode)
                .collect();
            if !on_port.is_empty() {
                let owners = ports::owners();
                let family = self.pids();
                for inode in on_port {
                    if owned_by(&owners, inode, &family) {
                        return Ok(());
                    }
                    foreign.insert(inode);
                }
            }
            if Instant::now() >= deadline {
                return Err(NotListening::TimedOut {
                    elsewhere: self.own_listeners(&now),
                    early: false,
                });
            }
            // Whose listeners those are takes a walk through /proc: looked at twice a
            // second, once the program has had time to bind what it meant to.
            if started.elapsed() >= ELSEWHERE_GRACE && Instant::now() >= next_look {
                next_look = Instant::now() + Duration::from_millis(500);
                let elsewhere = self.own_listeners(&now);
                if !elsewhere.is_empty() {
                    return Err(NotListening::TimedOut {
                        elsewhere,
                        early: true,
                    });
                }
            }
            std::thread::sleep(LISTEN_POLL);
        }
    }

    /// Which of `listening` this program's processes hold (found through /proc, as
    /// `netlab ports` finds a socket's process).
    fn own_listeners(&self, listening: &[TcpSocket]) -> Vec<SocketAddr> {
        let owners = ports::owners();
        let family = self.pids();
        listening
            .iter()
            .filter(|s| owned_by(&owners, s.inode, &family))
            .map(|s| s.local)
            .collect()
    }

    /// The program's processes now: it and everything it started that still runs, in
    /// its group or not (the guard itself left out).
    fn pids(&self) -> Vec<u32> {
        process::descendants(self.guard.id())
            .into_iter()
            .map(|p| p.pid)
            .collect()
    }

    /// The resident memory of the program's processes, in KiB, from `/proc/PID/status`;
    /// None if it cannot be read.
    pub(crate) fn memory_kib(&self) -> Option<u64> {
        let mut total = None;
        for pid in self.pids() {
            if let Some(kib) = status_kib(pid, "VmRSS:") {
                total = Some(total.unwrap_or(0) + kib);
            }
        }
        total
    }

    /// What the program's processes have cost so far (see [`Usage`]); the guard, which
    /// sleeps meanwhile, is not counted.
    pub(crate) fn usage(&self) -> Usage {
        usage_of(&self.pids())
    }

    /// Types a line at the program's console (its standard input).
    pub(crate) fn type_line(&mut self, line: &str) -> io::Result<()> {
        let stdin = self
            .stdin
            .as_mut()
            .ok_or_else(|| io::Error::new(io::ErrorKind::BrokenPipe, "stdin is closed"))?;
        stdin.write_all(format!("{line}\n").as_bytes())?;
        stdin.flush()
    }

    /// Waits up to `timeout` for `needle` in the program's output, in either stream, at
    /// or after `from` (a byte offset per stream). Returns where each stream's match
    /// ends, so that the next search for the same text needs a second occurrence.
    pub(crate) fn find_output(
        &self,
        needle: &str,
        from: [usize; 2],
        timeout: Duration,
    ) -> Option<[usize; 2]> {
        let mut found = None;
        let (state, changed) = &*self.printed;
        let guard = state.lock().unwrap_or_else(|p| p.into_inner());
        let _ = changed.wait_timeout_while(guard, timeout, |p| {
            found = (0..2).find_map(|i| {
                let start = from[i].min(p.text[i].len());
                p.text[i][start..].find(needle).map(|at| {
                    let mut after = from;
                    after[i] = start + at + needle.len();
                    after
                })
            });
            found.is_none()
        });
        found
    }

    /// The complete lines printed since line `from` (counting both streams), and the
    /// count to pass next time.
    pub(crate) fn lines_since(&self, from: usize) -> (Vec<(Stream, String)>, usize) {
        let printed = lock(&self.printed);
        let start = from.saturating_sub(printed.dropped);
        let lines = printed.lines.get(start..).unwrap_or_default().to_vec();
        (lines, printed.dropped + printed.lines.len())
    }

    /// Each stream's unfinished last line (a `>> ` prompt, say), if any.
    pub(crate) fn partial_lines(&self) -> Vec<(Stream, String)> {
        let printed = lock(&self.printed);
        [Stream::Stdout, Stream::Stderr]
            .into_iter()
            .zip(printed.partial.iter())
            .filter(|(_, text)| !text.is_empty())
            .map(|(s, text)| (s, text.clone()))
            .collect()
    }

    /// The exit status, if the program has ended.
    pub(crate) fn try_exit(&mut self) -> Option<ExitStatus> {
        exit_status(&lock(&self.reports))
    }

    /// Waits up to `timeout` for the program to end.
    pub(crate) fn wait_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let (state, changed) = &*self.reports;
        let guard = state.lock().unwrap_or_else(|p| p.into_inner());
        let (r, _) = changed
            .wait_timeout_while(guard, timeout, |r| exit_status(r).is_none())
            .unwrap_or_else(|p| p.into_inner());
        exit_status(&r)
    }

    /// Stops the program and everything it started, in its group or not: SIGTERM, then
    /// SIGKILL 0.3 s later to what is left (the guard does it). Returns its exit status.
    /// What it printed stays readable, and [`ExternalProgram::escaped`] says which of its
    /// processes had left its group.
    pub(crate) fn stop(&mut self) -> Option<ExitStatus> {
        if !self.stopped {
            self.stopped = true;
            let _ = writeln!(self.channel, "stop {}", TERM_GRACE.as_millis());
            let answered = {
                let (state, changed) = &*self.reports;
                let guard = state.lock().unwrap_or_else(|p| p.into_inner());
                let (r, _) = changed
                    .wait_timeout_while(guard, GUARD_ANSWER, |r| !r.stopped && !r.closed)
                    .unwrap_or_else(|p| p.into_inner());
                r.stopped || r.closed
            };
            if !answered {
                // A guard that does not answer is ended; the kernel then ends the program
                // (its parent-death signal).
                let _ = self.guard.kill();
            }
            let _ = self.guard.wait();
            lock_running().retain(|r| r.guard != self.guard.id());
        }
        self.stdin = None;
        // Let the collectors take what the program printed last: its streams end once
        // every process it started is gone (bounded all the same).
        let (state, changed) = &*self.printed;
        let guard = state.lock().unwrap_or_else(|p| p.into_inner());
        drop(changed.wait_timeout_while(guard, OUTPUT_END, |p| p.closed < 2));
        self.try_exit()
    }

    /// The processes that had left the program's process group (a daemon's, after
    /// `setsid()`) and that [`ExternalProgram::stop`] ended.
    pub(crate) fn escaped(&self) -> Vec<Escaped> {
        lock(&self.reports).escaped.clone()
    }

    /// [`ExternalProgram::stop`], then the line that says which processes it had left
    /// running ([`left_running`]), if it had.
    pub(crate) fn stop_reporting(&mut self) -> Option<String> {
        self.stop();
        left_running(&self.escaped())
    }
}

impl Drop for ExternalProgram {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The program's exit status in `reports`: as the guard saw it, or, if the guard has
/// gone without saying, killed (by its parent-death signal).
fn exit_status(reports: &Reports) -> Option<ExitStatus> {
    match (reports.exited, reports.closed) {
        (Some(raw), _) => Some(ExitStatus::from_raw(raw)),
        (None, true) => Some(ExitStatus::from_raw(Signal::SIGKILL as i32)),
        (None, false) => None,
    }
}

/// Reads the guard's lines into `reports` until the channel closes.
fn listen_to_guard(channel: UnixStream, reports: Shared<Reports>) {
    std::thread::spawn(move || {
        for line in BufReader::new(channel).lines() {
            let Ok(line) = line else { break };
            lock(&reports).take(&line);
            reports.1.notify_all();
        }
        lock(&reports).closed = true;
        reports.1.notify_all();
    });
}

/// Whether socket `inode` is held by one of `pids`.
fn owned_by(
    owners: &std::collections::HashMap<u64, Vec<ports::Owner>>,
    inode: u64,
    pids: &[u32],
) -> bool {
    owners
        .get(&inode)
        .is_some_and(|held| held.iter().any(|o| pids.contains(&o.pid)))
}

/// Stops every program still running, and everything each started: for netlab's own
/// Ctrl-C, and on its way out. Bounded: it waits at most a few seconds for the guards.
pub(crate) fn stop_all() {
    let running: Vec<Running> = lock_running().drain(..).collect();
    for r in &running {
        // The program's group at once; then the guard ends the rest, without grace.
        let _ = killpg(Pid::from_raw(r.group), Signal::SIGKILL);
        let _ = writeln!(&r.channel, "stop 0");
    }
    let deadline = Instant::now() + Duration::from_secs(3);
    for r in &running {
        // The guard's pid stays a zombie until its ExternalProgram waits for it.
        while process::Process::read(r.guard).is_some_and(|p| !p.zombie)
            && Instant::now() < deadline
        {
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

/// On Ctrl-C or SIGTERM: stops every program still running, says `what` was stopped
/// (`netlab check: interrupted; ...`), and exits as a signal would have it (128 + N).
pub(crate) fn stop_all_on_signals(what: impl Into<String>) {
    let what = what.into();
    use signal_hook::consts::{SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM]) else {
        return;
    };
    std::thread::spawn(move || {
        if let Some(sig) = signals.forever().next() {
            // Said first: the programs stopped below end the command's own wait, which
            // must not then report them as failed to start (see `interrupted`).
            INTERRUPTED.store(sig, std::sync::atomic::Ordering::SeqCst);
            stop_all();
            crate::errln!("\n{what}");
            std::process::exit(128 + sig);
        }
    });
}

/// The signal that interrupted the command (0: none yet).
static INTERRUPTED: std::sync::atomic::AtomicI32 = std::sync::atomic::AtomicI32::new(0);

/// After Ctrl-C or SIGTERM under [`stop_all_on_signals`]: the signal. The command's own
/// path may end before the handler has exited the process with 128 + N; `main` then
/// waits for it rather than exit with what the stopped programs made of the command.
pub fn interrupted() -> Option<i32> {
    match INTERRUPTED.load(std::sync::atomic::Ordering::SeqCst) {
        0 => None,
        sig => Some(sig),
    }
}

fn lock_running() -> MutexGuard<'static, Vec<Running>> {
    RUNNING.lock().unwrap_or_else(|p| p.into_inner())
}

/// Every listening TCP socket on this machine, asked for by state: the kernel walks only
/// its listeners, however many connections (TIME-WAITs) the machine holds.
fn listeners() -> Vec<TcpSocket> {
    crate::sockdiag::tcp_sockets(&[State::Listen]).unwrap_or_default()
}

/// What processes `pids` have cost so far: CPU from `/proc/PID/stat` (fields 14 and 15,
/// user and system time of all the process's threads, in clock ticks), peak memory from
/// `VmHWM` in `/proc/PID/status`. A process that has gone counts nothing.
pub(crate) fn usage_of(pids: &[u32]) -> Usage {
    // SAFETY: sysconf only reads a configuration value.
    let ticks = match unsafe { nix::libc::sysconf(nix::libc::_SC_CLK_TCK) } {
        t if t > 0 => t as f64,
        _ => 100.0,
    };
    let mut usage = Usage::default();
    for &pid in pids {
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        let Some(close) = stat.rfind(')') else {
            continue;
        };
        // After the name: state is field 3, so utime (14) and stime (15) are the 12th and
        // 13th words here.
        let fields: Vec<&str> = stat[close + 1..].split_whitespace().collect();
        let field = |i: usize| {
            fields
                .get(i)
                .and_then(|f| f.parse::<u64>().ok())
                .unwrap_or(0)
        };
        usage.cpu_seconds += (field(11) + field(12)) as f64 / ticks;
        usage.peak_rss_kib += status_kib(pid, "VmHWM:").unwrap_or(0);
    }
    usage
}

/// A field of `/proc/PID/status` in kB (`VmRSS:`, `VmHWM:`).
pub fn status_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.split_whitespace().next()?.parse::<u64>().ok())
}

/// Reads one output stream into `printed` until it closes.
fn collect(stream: Option<impl Read + Send + 'static>, which: Stream, printed: Shared<Printed>) {
    let Some(mut stream) = stream else {
        return;
    };
    let i = which as usize;
    std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        // Bytes of a UTF-8 character cut by the end of a read, kept for the next one.
        let mut pending = Vec::new();
        loop {
            let n = match stream.read(&mut buf) {
                Ok(0) | Err(_) => 0,
                Ok(n) => n,
            };
            pending.extend_from_slice(&buf[..n]);
            let valid = match std::str::from_utf8(&pending) {
                Ok(_) => pending.len(),
                Err(e) if e.error_len().is_none() && n > 0 => e.valid_up_to(),
                Err(_) => pending.len(),
            };
            let text = String::from_utf8_lossy(&pending[..valid]).into_owned();
            pending.drain(..valid);
            let mut p = lock(&printed);
            if p.keep == Keep::All {
                p.text[i].push_str(&text);
            }
            for piece in text.split_inclusive('\n') {
                p.partial[i].push_str(piece);
                if piece.ends_with('\n') {
                    let mut line = std::mem::take(&mut p.partial[i]);
                    line.pop();
                    p.lines.push((which, line));
                }
            }
            if let Keep::Tail(n) = p.keep {
                // Let the oldest lines go in one piece once twice as many are held.
                if p.lines.len() > 2 * n.max(1) {
                    let gone = p.lines.len() - n;
                    p.lines.drain(..gone);
                    p.dropped += gone;
                }
            }
            if n == 0 {
                p.closed += 1;
            }
            printed.1.notify_all();
            if n == 0 {
                return;
            }
        }
    });
}

/// An argument as a shell would need it typed: quoted when it holds anything special.
fn shell_word(arg: &str) -> String {
    let plain = !arg.is_empty()
        && arg
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=,+@%{}".contains(c));
    if plain {
        arg.to_string()
    } else {
        format!("'{}'", arg.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(script: &str) -> Vec<String> {
        vec!["sh".into(), "-c".into(), script.into()]
    }

    #[test]
    fn fills_the_port_and_captures_both_streams() {
        let mut p = ExternalProgram::start(
            &sh("echo out $PORT {port}; echo err >&2; printf '>> '"),
            4321,
        )
        .unwrap();
        assert_eq!(
            p.command_line(),
            "sh -c 'echo out $PORT 4321; echo err >&2; printf '\\''>> '\\'''"
        );
        assert!(p.wait_exit(Duration::from_secs(10)).is_some());
        // stop() returns once both streams have ended: all the output is there.
        p.stop();
        let (lines, n) = p.lines_since(0);
        assert_eq!(n, 2);
        assert!(
            lines.contains(&(Stream::Stdout, "out 4321 4321".to_string())),
            "{lines:?}"
        );
        assert!(
            lines.contains(&(Stream::Stderr, "err".to_string())),
            "{lines:?}"
        );
        assert_eq!(p.partial_lines(), vec![(Stream::Stdout, ">> ".to_string())]);
        assert!(p.find_output("err", [0, 0], Duration::ZERO).is_some());
        let after = p.find_output("out", [0, 0], Duration::ZERO).unwrap();
        assert!(p.find_output("out", after, Duration::ZERO).is_none());
    }

    #[test]
    fn stop_ends_the_whole_group() {
        // The shell starts a child that would outlive it; stopping the group ends both.
        let mut p = ExternalProgram::start(&sh("sleep 30 & echo started; wait"), 1).unwrap();
        assert!(p
            .find_output("started", [0, 0], Duration::from_secs(10))
            .is_some());
        let group = lock(&p.reports).pid.unwrap() as i32;
        let t = Instant::now();
        assert!(p.stop().is_some());
        assert!(t.elapsed() < Duration::from_secs(5));
        // No process of the group is left: the guard waited for each before it ended.
        assert!(killpg(Pid::from_raw(group), None).is_err());
        assert!(p.escaped().is_empty(), "{:?}", p.escaped());
    }

    #[test]
    fn a_process_that_left_the_group_is_ended_and_named() {
        // `setsid` puts `sleep` in a session and a group of its own, as a daemon does;
        // the shell then exits, so `sleep` is an orphan too.
        let mut p =
            ExternalProgram::start(&sh("setsid sleep 30 & echo $! started; sleep 0.2"), 1).unwrap();
        let after = p.find_output("started", [0, 0], Duration::from_secs(10));
        assert!(after.is_some());
        let (lines, _) = p.lines_since(0);
        let pid: u32 = lines[0].1.split(' ').next().unwrap().parse().unwrap();
        assert!(p.wait_exit(Duration::from_secs(10)).is_some());
        // The shell has ended; its orphan still runs, a child of the guard now.
        let guard = p.guard.id();
        let orphan = process::Process::read(pid).expect("sleep still runs");
        assert_eq!(orphan.ppid, guard);
        assert_ne!(orphan.pgid, lock(&p.reports).pid.unwrap() as i32);
        p.stop();
        assert!(
            process::Process::read(pid).is_none(),
            "sleep outlived stop()"
        );
        assert_eq!(
            p.escaped(),
            vec![Escaped {
                pid,
                name: "sleep".into()
            }]
        );
        assert_eq!(
            left_running(&p.escaped()).unwrap(),
            format!("your program left 1 process running: pid {pid} (sleep), ended")
        );
    }

    #[test]
    fn a_program_that_exits_at_once_is_not_listening() {
        let mut p = ExternalProgram::start(&sh("echo bye >&2; exit 3"), 1).unwrap();
        match p.wait_listening(1, Duration::from_secs(10)) {
            Err(NotListening::Exited(status)) => assert_eq!(status.code(), Some(3)),
            other => panic!("{other:?}"),
        }
    }
}
