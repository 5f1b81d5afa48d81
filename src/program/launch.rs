//! `Launch`: starting a program for one run, as `netlab check` (each scenario) and
//! `netlab bench` (each run) do: on a free port, or the one the user fixed; waiting,
//! bounded, until it listens there; and starting it again on another free port when the
//! one netlab picked was taken between the choice and the program's bind.
//!
//! That last case is told one way: once the program and everything it started have been
//! stopped, the port still cannot be bound, so something else holds it ([`PortUse`] says
//! what). It does not depend on what the program printed, in whatever language.
//!
//! With a fixed port (`--port P`), a run can only start once P can be bound again:
//! a program that closed a connection first (a client's `quit`, from stage 4) leaves its
//! side in TIME-WAIT for 60 s (Linux's fixed `TCP_TIMEWAIT_LEN`), and the notes' servers
//! bind without SO_REUSEADDR. The launcher waits for it, saying so once, for at most
//! [`PORT_WAIT`].

use super::guard::Escaped;
use super::port::{ephemeral_range, free_port, wait_bindable, Binder, Cause, PortUse};
use super::{ExternalProgram, Keep, NotListening};
use crate::{errln, tr};
use std::io;
use std::net::SocketAddr;
use std::os::unix::process::ExitStatusExt;
use std::process::ExitStatus;
use std::time::Duration;

/// How long, with a fixed port, netlab waits for it to be bindable again before a run:
/// TIME-WAIT lasts 60 s on Linux, and the connections of the last run closed a moment
/// before.
pub(crate) const PORT_WAIT: Duration = Duration::from_secs(65);

/// How many times a program is started, each time on another free port, when the port
/// netlab picked was taken before the program could bind it.
const ATTEMPTS: usize = 3;

/// What the program's output must say for the hint to suspect a bind to another port.
const IN_USE: [&str; 2] = ["Address already in use", "EADDRINUSE"];

/// How to start a program for one run.
pub(crate) struct Launch<'a> {
    /// The command, with `{port}` where the port goes.
    pub(crate) command: &'a [String],
    /// The port the program always listens on (the user's `--port`); None: a free one,
    /// chosen for each start.
    pub(crate) port: Option<u16>,
    /// How long the program may take to listen.
    pub(crate) start_timeout: Duration,
    /// How much of what it prints is kept.
    pub(crate) keep: Keep,
}

/// A program that listens.
pub(crate) struct Launched {
    pub(crate) program: ExternalProgram,
    /// Where it listens: 127.0.0.1 and its port.
    pub(crate) addr: SocketAddr,
}

/// Why a program could not be started for a run.
pub(crate) enum LaunchError {
    /// No port could be found free on 127.0.0.1.
    NoFreePort(io::Error),
    /// The command could not be run at all.
    Spawn {
        command: Vec<String>,
        error: io::Error,
    },
    /// The fixed port cannot be bound, and waiting did not (or could not) free it.
    PortUnusable(PortUse),
    /// The program ran but did not listen on its port.
    NotListening {
        /// The program, stopped: what it printed.
        program: Box<ExternalProgram>,
        addr: SocketAddr,
        why: NotListening,
        /// What holds the port now that the program is gone, if anything: it was taken.
        taken: Option<Box<PortUse>>,
        /// How long it was given.
        timeout: Duration,
        /// Whether the port was the user's (`--port`) rather than netlab's pick.
        fixed: bool,
    },
}

impl Launch<'_> {
    /// Starts the program and waits until it listens on its port.
    pub(crate) fn start(&self) -> Result<Launched, LaunchError> {
        let attempts = if self.port.is_some() { 1 } else { ATTEMPTS };
        let mut attempt = 0;
        loop {
            attempt += 1;
            let port = match self.port {
                Some(port) => {
                    wait_bindable(port, PORT_WAIT, say_waiting)
                        .map_err(LaunchError::PortUnusable)?;
                    port
                }
                None => free_port().map_err(LaunchError::NoFreePort)?,
            };
            let addr = SocketAddr::from(([127, 0, 0, 1], port));
            let mut program = ExternalProgram::start_keeping(self.command, port, self.keep)
                .map_err(|error| LaunchError::Spawn {
                    command: self.command.to_vec(),
                    error,
                })?;
            let Err(why) = program.wait_listening(port, self.start_timeout) else {
                return Ok(Launched { program, addr });
            };
            program.stop();
            // The one sign that the port was taken: with the program gone, it still
            // cannot be bound.
            let taken = PortUse::now(port).map(Box::new);
            if taken.is_none() || attempt >= attempts {
                return Err(LaunchError::NotListening {
                    program: Box::new(program),
                    addr,
                    why,
                    taken,
                    timeout: self.start_timeout,
                    fixed: self.port.is_some(),
                });
            }
        }
    }
}

/// The one line said while netlab waits for a fixed port.
fn say_waiting(why: &PortUse) {
    let port = why.port.to_string();
    let seconds = PORT_WAIT.as_secs();
    errln!(
        "{}",
        match why.cause {
            Cause::TimeWait { n } =>
                tr!("launch-waiting-port", port = port, n = n, seconds = seconds),
            _ => tr!(
                "launch-waiting-port-why",
                port = port,
                seconds = seconds,
                why = why.explain(Binder::Program)
            ),
        }
    );
}

impl LaunchError {
    /// What went wrong, in one line.
    pub(crate) fn message(&self) -> String {
        match self {
            LaunchError::NoFreePort(e) => tr!("launch-no-free-port", error = e.to_string()),
            LaunchError::Spawn { command, error } => tr!(
                "launch-spawn",
                command = command.join(" "),
                error = error.to_string()
            ),
            LaunchError::PortUnusable(why) => {
                tr!("launch-port-unusable", port = why.port.to_string())
            }
            LaunchError::NotListening {
                program, addr, why, ..
            } => match why {
                NotListening::Exited(status) => tr!(
                    "launch-exited",
                    command = program.command_line(),
                    status = status_text(*status),
                    addr = addr.to_string()
                ),
                NotListening::TimedOut { early: false, .. } => tr!(
                    "launch-timed-out",
                    addr = addr.to_string(),
                    seconds = format!("{:.0}", self.timeout().as_secs_f64()),
                    command = program.command_line()
                ),
                NotListening::TimedOut { elsewhere, .. } => tr!(
                    "launch-elsewhere",
                    command = program.command_line(),
                    other = elsewhere
                        .iter()
                        .map(SocketAddr::to_string)
                        .collect::<Vec<_>>()
                        .join(", "),
                    addr = addr.to_string()
                ),
            },
        }
    }

    /// What to look at or try, when something can be said.
    pub(crate) fn hint(&self) -> Option<String> {
        let port_from = || tr!("launch-port-from");
        match self {
            LaunchError::NoFreePort(_) => None,
            LaunchError::Spawn { command, error } => Some(match error.kind() {
                io::ErrorKind::NotFound => tr!(
                    "launch-hint-not-found",
                    program = command.first().map_or("", String::as_str)
                ),
                _ => tr!("launch-hint-command"),
            }),
            LaunchError::PortUnusable(why) => Some(tr!(
                "port-why-and-what-to-do",
                why = why.explain(Binder::Program),
                next = fixed_port_remedy()
            )),
            LaunchError::NotListening {
                program,
                why,
                taken,
                fixed,
                ..
            } => {
                if let Some(taken) = taken {
                    return Some(if *fixed {
                        tr!(
                            "port-why-and-what-to-do",
                            why = taken.explain(Binder::Program),
                            next = fixed_port_remedy()
                        )
                    } else {
                        tr!(
                            "launch-hint-taken",
                            attempts = ATTEMPTS,
                            why = taken.explain(Binder::Program)
                        )
                    });
                }
                if let NotListening::TimedOut { early: true, .. } = why {
                    // The message says where it listens; what to change is what is left.
                    return Some(port_from());
                }
                if let NotListening::TimedOut { elsewhere, .. } = why {
                    if let Some(other) = elsewhere.first() {
                        return Some(tr!(
                            "launch-hint-elsewhere",
                            other = other.to_string(),
                            port_from = port_from()
                        ));
                    }
                }
                let (lines, _) = program.lines_since(0);
                let printed = !lines.is_empty() || !program.partial_lines().is_empty();
                if lines
                    .iter()
                    .any(|(_, l)| IN_USE.iter().any(|w| l.contains(w)))
                {
                    // The program could not bind, yet its port was free: it bound another.
                    return Some(tr!(
                        "launch-hint-other-port-in-use",
                        port_from = port_from()
                    ));
                }
                Some(if printed {
                    tr!("launch-hint-output-above")
                } else {
                    tr!("launch-hint-silent")
                })
            }
        }
    }

    /// The program, stopped, if it ran: what it printed.
    pub(crate) fn program_mut(&mut self) -> Option<(&mut ExternalProgram, SocketAddr)> {
        match self {
            LaunchError::NotListening { program, addr, .. } => Some((program, *addr)),
            _ => None,
        }
    }

    fn timeout(&self) -> Duration {
        match self {
            LaunchError::NotListening { timeout, .. } => *timeout,
            _ => Duration::ZERO,
        }
    }
}

/// What to do about a fixed port that cannot be used: another one, below the range
/// connections take theirs from, or none at all.
pub(crate) fn fixed_port_remedy() -> String {
    tr!(
        "launch-fixed-port-remedy",
        low = ephemeral_range().0.to_string()
    )
}

/// What `netlab check --port P` says before it starts: how long the waits for P may make
/// it, with `scenarios` scenarios, and how to need none.
pub(crate) fn fixed_port_notice(port: u16, scenarios: usize) -> String {
    tr!(
        "launch-fixed-port-notice",
        port = port.to_string(),
        n = scenarios,
        minutes = scenarios.max(1)
    )
}

/// `your program left 1 process running: pid 4242 (python3), ended`: the processes that
/// had escaped the program's group and were ended with it; None if there were none.
pub(crate) fn left_running(escaped: &[Escaped]) -> Option<String> {
    if escaped.is_empty() {
        return None;
    }
    let processes: Vec<String> = escaped
        .iter()
        .map(|e| format!("pid {} ({})", e.pid, e.name))
        .collect();
    Some(tr!(
        "program-left-running",
        n = escaped.len(),
        processes = processes.join(", ")
    ))
}

/// `exit code 1`, or `killed by signal 9`.
pub(crate) fn status_text(status: ExitStatus) -> String {
    match (status.code(), status.signal()) {
        (Some(code), _) => tr!("launch-status-code", code = code.to_string()),
        (None, Some(signal)) => tr!("launch-status-signal", signal = signal.to_string()),
        _ => tr!("launch-status-ended"),
    }
}
