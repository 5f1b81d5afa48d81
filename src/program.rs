//! `ExternalProgram`: a server that is not netlab's own, started as a separate process: a
//! student's chat server in any language, the tutorial's Python original, or netlab's own
//! binary run as an outsider would run it. `netlab check` grades it; the bench loads it.
//!
//! The command is the user's, with `{port}` in its arguments replaced by the port it
//! must listen on, which is also in its environment as `PORT`. netlab starts it:
//!
//! - in a process group of its own, so that stopping it stops whatever it started (a
//!   shell script's children, `cargo run`'s server), and so that the terminal's Ctrl-C
//!   reaches netlab, which then stops the group itself;
//! - with its standard input on a pipe that stays open: the notes' servers read a `>> `
//!   console, where netlab can type `quit`;
//! - with its standard output and error captured, line by line, for the transcript
//!   (`PYTHONUNBUFFERED=1` too, so that a Python program's `print()` is not held back
//!   in a buffer while stdout is a pipe).
//!
//! netlab knows the program is ready when the kernel lists a listener on its port (read
//! from `/proc/net/tcp`, as `netlab ports` does), without connecting to it: stage 1
//! serves its first two connections and exits, so a probing connection would be served.
//! Stopping sends SIGTERM to the group, then SIGKILL to whatever is left a second later.
//! A program is stopped when its `ExternalProgram` is dropped, and [`stop_all`] stops every one
//! still running (netlab's own Ctrl-C handler calls it), so none is left behind.
//!
//! The grader keeps everything a program prints (its transcript needs it). The bench
//! cannot: a chat server under load logs every message, millions of lines, so it starts
//! programs with [`Keep::Tail`], which drains both streams but keeps only the last lines,
//! for a report on a server that died. [`ExternalProgram::usage`] reads what the program's
//! processes cost from `/proc`: CPU time and peak memory.

use crate::ports::{self, State, TcpSocket};
use nix::sys::signal::{killpg, Signal};
use nix::unistd::Pid;
use std::io::{self, Read, Write};
use std::net::SocketAddr;
use std::os::unix::process::CommandExt;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// How long a program gets to end after SIGTERM before its group gets SIGKILL: it is
/// being thrown away, so a short while (netlab's own stages take SIGTERM as `quit`).
const TERM_GRACE: Duration = Duration::from_millis(300);

/// How long, once the program has ended, its output may take to reach its end.
const OUTPUT_END: Duration = Duration::from_secs(1);

/// How often the kernel's socket table is read while waiting for the program to listen.
const LISTEN_POLL: Duration = Duration::from_millis(10);

/// The process groups of the programs running now, for [`stop_all`].
static RUNNING: Mutex<Vec<i32>> = Mutex::new(Vec::new());

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

type Shared = Arc<(Mutex<Printed>, Condvar)>;

fn lock(shared: &Shared) -> MutexGuard<'_, Printed> {
    shared.0.lock().unwrap_or_else(|p| p.into_inner())
}

/// Why a program is not ready to be talked to.
#[derive(Debug)]
pub(crate) enum NotListening {
    /// It ended before it listened, with this status.
    Exited(ExitStatus),
    /// It ran, but nothing listened on its port in time; `elsewhere` lists where its own
    /// processes listen instead, if anywhere.
    TimedOut { elsewhere: Vec<SocketAddr> },
}

/// A server started as a separate process.
pub(crate) struct ExternalProgram {
    child: Child,
    /// The console: kept open for as long as the program runs.
    stdin: Option<ChildStdin>,
    printed: Shared,
    /// The command as it ran, with the port filled in, for people.
    command_line: String,
    /// The process group (the child's pid), what SIGTERM and SIGKILL are sent to.
    group: i32,
    /// Set once the program has been reaped.
    status: Option<ExitStatus>,
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
        let mut cmd = Command::new(fill(program));
        cmd.args(&args)
            .env("PORT", port.to_string())
            .env("PYTHONUNBUFFERED", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0);
        // SAFETY: prctl() is async-signal-safe; nothing else runs between fork and exec.
        // If netlab itself is killed outright (SIGKILL), the kernel kills the program too.
        unsafe {
            cmd.pre_exec(|| {
                nix::sys::prctl::set_pdeathsig(Signal::SIGKILL).map_err(io::Error::from)
            });
        }
        let mut child = cmd.spawn()?;
        let group = child.id() as i32;
        lock_running().push(group);
        // However netlab ends (a closed pipe, a fatal error), no program outlives it.
        crate::terminal::before_exit(stop_all);
        let printed: Shared = Arc::new((
            Mutex::new(Printed {
                keep,
                ..Printed::default()
            }),
            Condvar::new(),
        ));
        collect(child.stdout.take(), Stream::Stdout, printed.clone());
        collect(child.stderr.take(), Stream::Stderr, printed.clone());
        let command_line = std::iter::once(fill(program))
            .chain(args)
            .map(|a| shell_word(&a))
            .collect::<Vec<_>>()
            .join(" ");
        Ok(ExternalProgram {
            stdin: child.stdin.take(),
            child,
            printed,
            command_line,
            group,
            status: None,
        })
    }

    /// The command as it runs, port filled in: `python3 my_stage4.py 41234`.
    pub(crate) fn command_line(&self) -> &str {
        &self.command_line
    }

    /// Waits until something listens on `port`, the program ends, or `timeout` passes.
    pub(crate) fn wait_listening(
        &mut self,
        port: u16,
        timeout: Duration,
    ) -> Result<(), NotListening> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.try_exit() {
                return Err(NotListening::Exited(status));
            }
            let now = listeners();
            if now.iter().any(|s| s.local.port() == port) {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(NotListening::TimedOut {
                    elsewhere: self.own_listeners(&now),
                });
            }
            std::thread::sleep(LISTEN_POLL);
        }
    }

    /// Which of `listening` this program's processes hold (found through /proc, as
    /// `netlab ports` finds a socket's process).
    fn own_listeners(&self, listening: &[TcpSocket]) -> Vec<SocketAddr> {
        let owners = ports::owners();
        listening
            .iter()
            .filter(|s| {
                owners.get(&s.inode).is_some_and(|held| {
                    held.iter()
                        .any(|o| process_group(o.pid) == Some(self.group))
                })
            })
            .map(|s| s.local)
            .collect()
    }

    /// The resident memory of the program's processes (its process group), in KiB, from
    /// `/proc/PID/status`; None if it cannot be read.
    pub(crate) fn memory_kib(&self) -> Option<u64> {
        let mut total = None;
        for pid in group_members(self.group) {
            if let Some(kib) = status_kib(pid, "VmRSS:") {
                total = Some(total.unwrap_or(0) + kib);
            }
        }
        total
    }

    /// What the program's processes have cost so far (see [`Usage`]).
    pub(crate) fn usage(&self) -> Usage {
        usage_of(&group_members(self.group))
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
        if self.status.is_none() {
            if let Ok(Some(status)) = self.child.try_wait() {
                self.ended(status);
            }
        }
        self.status
    }

    /// Waits up to `timeout` for the program to end.
    pub(crate) fn wait_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.try_exit() {
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Stops the program: SIGTERM to its group, SIGKILL a second later to what is left.
    /// Returns its exit status. What it printed stays readable.
    pub(crate) fn stop(&mut self) -> Option<ExitStatus> {
        if self.try_exit().is_none() {
            let _ = killpg(Pid::from_raw(self.group), Signal::SIGTERM);
            if self.wait_exit(TERM_GRACE).is_none() {
                let _ = killpg(Pid::from_raw(self.group), Signal::SIGKILL);
                if let Ok(status) = self.child.wait() {
                    self.ended(status);
                }
            }
        }
        // The leader has ended; its children in the group must not outlive it.
        let _ = killpg(Pid::from_raw(self.group), Signal::SIGKILL);
        lock_running().retain(|&g| g != self.group);
        self.stdin = None;
        // Let the collectors take what the program printed last: its streams end once
        // every process of the group is gone (bounded, in case one escaped the group with
        // a copy of them).
        let (state, changed) = &*self.printed;
        let guard = state.lock().unwrap_or_else(|p| p.into_inner());
        drop(changed.wait_timeout_while(guard, OUTPUT_END, |p| p.closed < 2));
        self.status
    }

    fn ended(&mut self, status: ExitStatus) {
        self.status = Some(status);
        self.printed.1.notify_all();
    }
}

impl Drop for ExternalProgram {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Stops every program still running (SIGKILL to each group): for netlab's own Ctrl-C.
pub(crate) fn stop_all() {
    for group in lock_running().drain(..) {
        let _ = killpg(Pid::from_raw(group), Signal::SIGKILL);
    }
}

/// On Ctrl-C or SIGTERM: stops every program still running, says `what` was stopped
/// (`netlab check: interrupted; ...`), and exits as a signal would have it (128 + N).
pub(crate) fn stop_all_on_signals(what: &'static str) {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM]) else {
        return;
    };
    std::thread::spawn(move || {
        if let Some(sig) = signals.forever().next() {
            stop_all();
            crate::errln!("\n{what}");
            std::process::exit(128 + sig);
        }
    });
}

fn lock_running() -> MutexGuard<'static, Vec<i32>> {
    RUNNING.lock().unwrap_or_else(|p| p.into_inner())
}

/// A port nothing uses now, below the range the kernel gives connections their own ports
/// from (so that no connection takes it before the program binds it); the kernel's own
/// pick if none is found there.
pub(crate) fn free_port() -> std::io::Result<u16> {
    let low = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
        .ok()
        .and_then(|t| t.split_whitespace().next()?.parse::<u16>().ok())
        .unwrap_or(32768);
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

/// Every listening TCP socket on this machine.
fn listeners() -> Vec<TcpSocket> {
    ports::sockets()
        .unwrap_or_default()
        .into_iter()
        .filter(|s| s.state == State::Listen)
        .collect()
}

/// The processes of process group `group`, found through `/proc`.
fn group_members(group: i32) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|&pid| process_group(pid) == Some(group))
        .collect()
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

/// The process group of process `pid`: the fifth field of `/proc/PID/stat`, after the
/// command name in parentheses (which may itself hold spaces and parentheses).
fn process_group(pid: u32) -> Option<i32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after_name = &stat[stat.rfind(')')? + 1..];
    after_name.split_whitespace().nth(2)?.parse().ok()
}

/// Reads one output stream into `printed` until it closes.
fn collect(stream: Option<impl Read + Send + 'static>, which: Stream, printed: Shared) {
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
        let group = p.group;
        let t = Instant::now();
        assert!(p.stop().is_some());
        assert!(t.elapsed() < Duration::from_secs(5));
        // No process of the group is left: signalling the group soon finds nobody (the
        // orphaned `sleep` is reaped by init a moment after it is killed).
        let deadline = Instant::now() + Duration::from_secs(5);
        while killpg(Pid::from_raw(group), None).is_ok() {
            assert!(Instant::now() < deadline, "the group outlived stop()");
            std::thread::sleep(Duration::from_millis(10));
        }
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
