//! Scenarios for a chat client: one of netlab's stages plays the server (the one the
//! curriculum's client entry names), and the client under test is either a program (a student's, the notes' Python client, netlab's own binary)
//! or netlab's client code in this process. What is checked is what a user sees: the
//! client says `I'm ready`, ends when told to `quit` or when the server goes away, and does
//! not spin meanwhile.

use super::expect::escape;
use super::library::CLIENT_SCENARIOS;
use super::model::{ClientScenario, ClientStep};
use super::outcome::{Failure, Outcome};
use super::runner::{NotStarted, ProgramOptions, Transcript};
use super::TestClient;
use crate::program::{ExternalProgram, Stream};
use crate::py::{Interpreter, Record};
use crate::stage::{ChatClient, ClientProgram, Running, ServerProgram};
use crate::tr;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The client scenario called `name`.
pub fn find(name: &str) -> Option<&'static ClientScenario> {
    CLIENT_SCENARIOS.iter().find(|s| s.name == name)
}

/// Where `scenario` stands in the client scenarios' table.
pub fn position(scenario: &ClientScenario) -> usize {
    CLIENT_SCENARIOS
        .iter()
        .position(|s| std::ptr::eq(s, scenario))
        .unwrap_or(0)
}

/// A client under test.
trait ClientTarget {
    /// Starts it against the server at `server`.
    fn start(&mut self, server: SocketAddr) -> Result<String, String>;
    /// Types a line at its prompt.
    fn type_line(&mut self, line: &str) -> Result<(), String>;
    /// Waits up to `timeout` for it to end; what ended it, for the transcript.
    fn wait_end(&mut self, timeout: Duration) -> Option<String>;
    /// How many lines it has printed so far.
    fn printed(&self) -> usize;
    /// What it printed since the last call, as transcript lines.
    fn output(&mut self) -> Vec<String>;
}

/// Runs `scenario` against the program of `options` (a client: `{port}` is the port of
/// netlab's `server`), started for it.
pub fn run_program(
    scenario: &'static ClientScenario,
    server: &'static ServerProgram,
    options: &ProgramOptions,
) -> Result<Outcome, NotStarted> {
    let mut target = ExternalClient {
        command: options.command.clone(),
        label: options.label.clone(),
        program: None,
        shown: 0,
    };
    let outcome = run(scenario, server, &mut target, options.wait);
    if let Some(program) = &mut target.program {
        super::runner::stop_after(program, scenario.name);
    }
    outcome
}

/// Runs `scenario` against netlab's client code `client` (the notes' or an exercise's
/// solution) in this process, with netlab's `server`.
pub fn run_in_process(
    scenario: &'static ClientScenario,
    server: &'static ServerProgram,
    client: &'static ClientProgram,
) -> Outcome {
    let mut target = InProcessClient {
        client,
        interp: Interpreter::new(true),
        running: None,
        stopping: None,
        shown: 0,
    };
    match run(scenario, server, &mut target, super::DEFAULT_WAIT) {
        Ok(outcome) => outcome,
        Err(not_started) => panic!("{}", not_started.message),
    }
}

fn run(
    scenario: &'static ClientScenario,
    program: &'static ServerProgram,
    target: &mut dyn ClientTarget,
    wait: Duration,
) -> Result<Outcome, NotStarted> {
    let started = Instant::now();
    crate::logging::ensure_installed();
    let server =
        Running::start(program, "127.0.0.1:0".parse().unwrap(), true).map_err(|e| NotStarted {
            message: tr!(
                "client-check-server-did-not-start",
                stage = program.id,
                error = e.to_string()
            ),
            hint: None,
            output: Vec::new(),
        })?;
    let addr = server.local_addr();
    let mut transcript: Transcript = vec![tr!(
        "client-check-server",
        stage = program.id,
        addr = addr.to_string()
    )];
    let observer = TestClient::connect("observer", addr).map_err(|e| NotStarted {
        message: tr!("client-check-observer-failed", error = e.to_string()),
        hint: None,
        output: Vec::new(),
    })?;
    if !observer.announce(&observer, wait) {
        return Err(NotStarted {
            message: tr!("client-check-observer-unregistered"),
            hint: None,
            output: Vec::new(),
        });
    }
    transcript.push(tr!("client-check-observer", addr = addr.to_string()));
    let mut checked = 0;
    let mut mark = (Instant::now(), 0usize);
    let mut failure = None;
    for (i, step) in scenario.steps.iter().enumerate() {
        let fail = |message: String, hint: Option<String>| Failure {
            step: i + 1,
            message,
            hint,
            server_said: Vec::new(),
            registering: false,
        };
        let result: Result<(), Failure> = match *step {
            ClientStep::Starts => match target.start(addr) {
                Err(e) => Err(fail(e, Some(tr!("hint-check-command")))),
                Ok(line) => {
                    transcript.push(line);
                    let ready = observer.wait_for_text(b"\nI'm ready\n\n", wait);
                    transcript.extend(target.output());
                    if ready {
                        transcript.push(tr!("client-check-ready"));
                        mark = (Instant::now(), target.printed());
                        Ok(())
                    } else {
                        Err(fail(
                            tr!(
                                "client-check-not-ready",
                                seconds = wait.as_secs_f64().round()
                            ),
                            Some(tr!("hint-client-ready")),
                        ))
                    }
                }
            },
            ClientStep::Types(line) => {
                transcript.push(tr!("client-check-types", line = line));
                mark = (Instant::now(), target.printed());
                target.type_line(line).map_err(|e| fail(e, None))
            }
            ClientStep::ServerGoes => {
                server.interpreter().cut_short();
                transcript.push(tr!("client-check-server-goes"));
                mark = (Instant::now(), target.printed());
                Ok(())
            }
            ClientStep::EndsWithin(ms) => {
                let left =
                    (mark.0 + Duration::from_millis(ms)).saturating_duration_since(Instant::now());
                let ended = target.wait_end(left);
                transcript.extend(target.output());
                match ended {
                    Some(how) => {
                        transcript.push(tr!(
                            "client-check-ends",
                            seconds = format!("{:.2}", mark.0.elapsed().as_secs_f64()),
                            how = how
                        ));
                        Ok(())
                    }
                    None => Err(fail(
                        tr!("client-check-still-running", ms = ms),
                        Some(tr!("hint-client-still-running")),
                    )),
                }
            }
            ClientStep::PrintsAtMost(n) => {
                let printed = target.printed().saturating_sub(mark.1);
                if printed <= n {
                    transcript.push(tr!("client-check-printed", printed = printed, n = n));
                    Ok(())
                } else {
                    Err(fail(
                        tr!("client-check-spun", printed = printed, n = n),
                        Some(tr!("hint-client-spun")),
                    ))
                }
            }
        };
        match result {
            Ok(()) if step.checks() => checked += 1,
            Ok(()) => {}
            Err(f) => {
                failure = Some(f);
                break;
            }
        }
    }
    Ok(Outcome {
        name: scenario.name,
        shows: scenario.shows(),
        transcript,
        checked,
        unchecked: 0,
        failure,
        notes: Vec::new(),
        elapsed: started.elapsed(),
    })
}

/// A client program.
struct ExternalClient {
    command: Vec<String>,
    label: String,
    program: Option<ExternalProgram>,
    shown: usize,
}

impl ClientTarget for ExternalClient {
    fn start(&mut self, server: SocketAddr) -> Result<String, String> {
        let program = ExternalProgram::start(&self.command, server.port()).map_err(|e| {
            tr!(
                "client-check-could-not-start",
                command = self.command.join(" "),
                error = e.to_string()
            )
        })?;
        let line = tr!("client-check-command", command = program.command_line());
        self.program = Some(program);
        Ok(line)
    }

    fn type_line(&mut self, line: &str) -> Result<(), String> {
        let program = self
            .program
            .as_mut()
            .ok_or_else(|| tr!("client-check-not-started"))?;
        program
            .type_line(line)
            .map_err(|e| tr!("client-check-could-not-type", error = e.to_string()))
    }

    fn wait_end(&mut self, timeout: Duration) -> Option<String> {
        let program = self.program.as_mut()?;
        program.wait_exit(timeout).map(crate::program::status_text)
    }

    fn printed(&self) -> usize {
        self.program
            .as_ref()
            .map_or(0, |p| p.lines_since(0).1 + p.partial_lines().len())
    }

    fn output(&mut self) -> Vec<String> {
        let Some(program) = &self.program else {
            return Vec::new();
        };
        let (lines, next) = program.lines_since(self.shown);
        self.shown = next;
        // A spinning client prints thousands of lines: show the first few.
        let total = lines.len();
        let mut shown: Vec<String> = lines
            .iter()
            .take(8)
            .map(|(s, text)| {
                let tag = if *s == Stream::Stderr {
                    " (stderr)"
                } else {
                    ""
                };
                format!("[{}]{tag} {}", self.label, super::expect::shorten(text))
            })
            .collect();
        if total > 8 {
            shown.push(tr!(
                "client-check-more-lines",
                label = self.label.as_str(),
                n = total - 8
            ));
        }
        shown
    }
}

/// netlab's client code, run in this process.
struct InProcessClient {
    client: &'static ClientProgram,
    interp: Arc<Interpreter>,
    running: Option<Arc<dyn ChatClient>>,
    /// The thread running the notes' `stop()` after `quit`.
    stopping: Option<std::thread::JoinHandle<()>>,
    shown: usize,
}

impl ClientTarget for InProcessClient {
    fn start(&mut self, server: SocketAddr) -> Result<String, String> {
        let start = self.client.start;
        let client = self.interp.enter(|| start(server)).map_err(|e| {
            tr!(
                "client-check-own-did-not-start",
                client = self.client.id,
                error = e.to_string()
            )
        })?;
        self.running = Some(client);
        Ok(tr!("client-check-own", client = self.client.id))
    }

    fn type_line(&mut self, line: &str) -> Result<(), String> {
        let client = self
            .running
            .clone()
            .ok_or_else(|| tr!("client-check-not-started"))?;
        if crate::py::strip(line) == "quit" {
            let interp = self.interp.clone();
            self.stopping = Some(std::thread::spawn(move || interp.enter(|| client.stop())));
            Ok(())
        } else {
            self.interp
                .enter(|| client.send(line))
                .map_err(|e| tr!("client-check-send-failed", error = e.to_string()))
        }
    }

    fn wait_end(&mut self, timeout: Duration) -> Option<String> {
        let deadline = Instant::now() + timeout;
        if let Some(stopping) = &self.stopping {
            while !stopping.is_finished() {
                if Instant::now() >= deadline {
                    return None;
                }
                std::thread::sleep(Duration::from_millis(5));
            }
        }
        self.interp
            .wait_threads(deadline)
            .then(|| tr!("client-check-threads-ended"))
    }

    fn printed(&self) -> usize {
        self.interp
            .records()
            .iter()
            .filter(|r| matches!(r, Record::Log { .. } | Record::Print(_)))
            .count()
    }

    fn output(&mut self) -> Vec<String> {
        let records = self.interp.records();
        let new: Vec<String> = records[self.shown.min(records.len())..]
            .iter()
            .filter_map(|r| {
                r.message()
                    .map(|m| tr!("client-check-logs", record = escape(m.as_bytes())))
            })
            .collect();
        self.shown = records.len();
        let total = new.len();
        let mut shown: Vec<String> = new.into_iter().take(8).collect();
        if total > 8 {
            shown.push(tr!("client-check-more-records", n = total - 8));
        }
        shown
    }
}

impl Drop for InProcessClient {
    fn drop(&mut self) {
        self.interp.cut_short();
        self.interp
            .wait_threads(Instant::now() + Duration::from_secs(2));
    }
}
