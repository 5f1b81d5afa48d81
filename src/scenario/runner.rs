//! Runs a scenario against a server and writes the transcript.

use super::expect::{escape, shorten, Expected, HeaderMode, Match};
use super::hint;
use super::model::Class;
use super::outcome::{Failure, Note, Outcome};
use super::target::{External, InProcess, Observation, Target};
use super::{contains, ClientOptions, End, Scenario, Step, TestClient};
use crate::program::{ExternalProgram, Keep, Launch, Launched};
use crate::py::addr_repr;
use crate::stage::{Running, ServerProgram};
use crate::tr;
use crate::wire;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// How long a step waits for what it expects, unless told otherwise. Generous: CI machines
/// are slow and busy, and a passing step never waits this long.
pub const DEFAULT_WAIT: Duration = Duration::from_secs(5);

/// The most a whole scenario may take, whatever its steps wait for: every wait of a step
/// (a read, a write, a connect) is cut to what is left of it.
const SCENARIO_LIMIT: Duration = Duration::from_secs(60);

/// The longest a step of a flaw or an accident waits for the notes' behaviour, when the
/// program is judged by the contract: where the notes' code shows it, it shows at once.
const NOTES_WAIT: Duration = Duration::from_millis(1000);

/// How a program is judged: what must hold, and what is only reported.
#[derive(Clone, Copy, Debug, Default)]
pub struct Judge {
    /// Everything must hold: the notes' flaws and CPython's accidents too, and the
    /// header's exact format in every message (`netlab check --strict`; netlab's own
    /// stages are always judged so).
    pub strict: bool,
    /// The program is a CPython one (`python3 my.py`): where the notes' own program
    /// breaks the contract by an accident of CPython, so may it.
    pub python: bool,
}

impl Judge {
    /// How a program run as `command` is judged, `strict` or not.
    pub fn of(command: &[String], strict: bool) -> Judge {
        let python = command.iter().any(|word| {
            let name = word.rsplit('/').next().unwrap_or(word);
            name.starts_with("python") || name.starts_with("pypy") || word.contains(".py")
        });
        Judge { strict, python }
    }
}

/// The lines of a run, in the order things happened.
pub(crate) type Transcript = Vec<String>;

/// Starts `program` (a stage, or an exercise's reference solution) in this process on
/// 127.0.0.1:0, and runs `scenario` against it.
pub fn run_in_process(program: &'static ServerProgram, scenario: &'static Scenario) -> Outcome {
    let running = Running::start(program, "127.0.0.1:0".parse().unwrap(), true)
        .unwrap_or_else(|e| panic!("{} did not start: {e}", program.id));
    let judge = Judge {
        strict: true,
        python: false,
    };
    run(scenario, &mut InProcess::new(&running), DEFAULT_WAIT, judge)
}

/// How to run a scenario against a program started for it.
#[derive(Clone, Debug)]
pub struct ProgramOptions {
    /// The command, with `{port}` where the port goes.
    pub command: Vec<String>,
    /// A fixed port the program listens on (it hard-codes it); None: a free one each time.
    pub port: Option<u16>,
    /// How long the program gets to listen after it starts.
    pub start_timeout: Duration,
    /// How long each step waits for what it expects.
    pub wait: Duration,
    /// How the program's own output lines are labelled in transcripts.
    pub label: String,
    /// Whether everything must hold (`--strict`), or only the contract.
    pub strict: bool,
    /// Keep all of the program's output in the transcript (`--log`), not only the start
    /// and the end of it.
    pub keep_all_output: bool,
}

/// A program that could not be graded: it did not start, or never listened.
#[derive(Debug)]
pub struct NotStarted {
    /// What went wrong, in one line.
    pub message: String,
    /// What to try.
    pub hint: Option<String>,
    /// What the program printed, as transcript lines.
    pub output: Vec<String>,
}

/// Starts the program afresh through the launcher (a free port, or the fixed one once it
/// can be bound again; see [`crate::program::Launch`]), runs `scenario` against it, and
/// stops it and everything it started (its connections closed first, so that the
/// TIME-WAIT they leave falls on the clients' side, not on the program's port). Processes
/// that had escaped the program's group are ended too, and named in one line.
pub fn run_program(
    scenario: &'static Scenario,
    options: &ProgramOptions,
) -> Result<Outcome, NotStarted> {
    run_launched(scenario, launch(options)?, options)
}

/// The program of `options`, started and listening, for a scenario to come: what
/// [`run_launched`] takes. A check starts the next scenario's program while one runs, so
/// that the program's start-up (an interpreter's, a compiler's) is not waited for.
pub(crate) fn launch(options: &ProgramOptions) -> Result<Launched, NotStarted> {
    let launch = Launch {
        command: &options.command,
        port: options.port,
        start_timeout: options.start_timeout,
        keep: Keep::All,
    };
    launch.start().map_err(|mut e| {
        let output = match e.program_mut() {
            Some((program, addr)) => External::new(program, addr, &options.label).rest_of_output(),
            None => Vec::new(),
        };
        NotStarted {
            message: e.message(),
            hint: e.hint(),
            output,
        }
    })
}

/// [`run_program`] with the program [`launch`] started: runs `scenario` against it, then
/// stops it and everything it started.
pub(crate) fn run_launched(
    scenario: &'static Scenario,
    launched: Launched,
    options: &ProgramOptions,
) -> Result<Outcome, NotStarted> {
    let Launched { mut program, addr } = launched;
    // What the program prints once the scenario is over (its reaction to the clients
    // closing) is not part of the scenario, and stays out of the transcript.
    let outcome = run_keeping(
        scenario,
        &mut External::new(&mut program, addr, &options.label),
        options.wait,
        Judge::of(&options.command, options.strict),
        options.keep_all_output,
    );
    stop_after(&mut program, scenario.name);
    Ok(outcome)
}

/// Stops a program a scenario ran against, and says so if it had left processes running.
pub(crate) fn stop_after(program: &mut ExternalProgram, scenario: &str) {
    if let Some(report) = program.stop_reporting() {
        crate::errln!(
            "{}",
            crate::tr!("check-after-scenario", scenario = scenario, report = report)
        );
    }
}

/// Runs `scenario` against `target`, each step waiting at most `wait`, judged by `judge`.
pub(crate) fn run(
    scenario: &'static Scenario,
    target: &mut dyn Target,
    wait: Duration,
    judge: Judge,
) -> Outcome {
    run_keeping(scenario, target, wait, judge, false)
}

/// [`run`], with all of the program's output in the transcript if `keep_all`.
pub(crate) fn run_keeping(
    scenario: &'static Scenario,
    target: &mut dyn Target,
    wait: Duration,
    judge: Judge,
    keep_all: bool,
) -> Outcome {
    let started = Instant::now();
    let strict = judge.strict || target.is_netlab();
    let mut run = Run {
        target,
        wait,
        deadline: started + SCENARIO_LIMIT,
        judge: Judge {
            strict,
            python: judge.python,
        },
        mode: if strict {
            HeaderMode::Exact
        } else {
            HeaderMode::Structure
        },
        class: Class::Contract,
        section: Section::default(),
        notes: Vec::new(),
        output: OutputShown::new(keep_all),
        clients: HashMap::new(),
        cursors: HashMap::new(),
        noise: Vec::new(),
        silent: Vec::new(),
        unsettled: false,
        sent: HashMap::new(),
        last_sent: None,
        transcript: Vec::new(),
        step: 0,
        checked: 0,
        unchecked: 0,
    };
    let mut failure = None;
    for (i, step) in scenario.steps.iter().enumerate() {
        run.step = i + 1;
        run.show_output();
        if let Step::Shows(class) = step {
            run.close_section();
            run.class = *class;
            run.section = Section {
                start: i + 2,
                ..Section::default()
            };
            continue;
        }
        if let Step::NetlabOnly(reason) = step {
            if !run.target.is_netlab() {
                let rest = scenario.steps[i..].iter().filter(|s| s.checks()).count();
                run.unchecked += rest;
                run.transcript.push(tr!(
                    "run-netlab-only-unchecked",
                    n = rest,
                    reason = crate::catalogue::text(reason, &[])
                ));
                break;
            }
            run.transcript.push(tr!(
                "run-netlab-only",
                reason = crate::catalogue::text(reason, &[])
            ));
            continue;
        }
        if run.section.absent.is_some() {
            // The notes' behaviour is not there: its remaining steps have nothing to see.
            continue;
        }
        if Instant::now() >= run.deadline {
            failure = Some(run.fail(
                tr!("run-deadline", seconds = SCENARIO_LIMIT.as_secs()),
                None,
            ));
            break;
        }
        run.section.checks |= step.checks();
        if let Err(f) = run.do_step(step) {
            if run.required() {
                failure = Some(f);
                break;
            }
            run.transcript
                .push(tr!("run-not-the-notes", what = first_line(&f.message)));
            run.section.absent = Some((f.step, first_line(&f.message).to_string()));
        }
    }
    run.close_section();
    run.show_output();
    run.output.finish(&mut run.transcript);
    if !run.target.is_netlab() {
        // The clients go with a reset (RST), not a FIN: a connection the program closed
        // first then ends at once instead of holding the program's port in TIME-WAIT for
        // a minute, which a program without SO_REUSEADDR could not bind again under a
        // fixed --port. What the program makes of it is after the scenario, and not shown.
        for client in run.clients.values_mut() {
            let _ = client.reset();
        }
    }
    Outcome {
        name: scenario.name,
        shows: scenario.shows(),
        transcript: run.transcript,
        checked: run.checked,
        unchecked: run.unchecked,
        failure,
        notes: run.notes,
        elapsed: started.elapsed(),
    }
}

/// How many lines of a program's output a scenario's transcript shows before it keeps
/// only the last [`OUTPUT_TAIL`]: a program that prints a million lines (a spinning
/// thread's log) gives a report a person can read.
const OUTPUT_SHOWN: usize = 20;

/// How many of the last lines are shown after those left out.
const OUTPUT_TAIL: usize = 10;

/// The program's output lines in a transcript: all of the first ones, then only a count
/// and the last ones.
struct OutputShown {
    keep_all: bool,
    shown: usize,
    left_out: usize,
    tail: std::collections::VecDeque<String>,
}

impl OutputShown {
    fn new(keep_all: bool) -> OutputShown {
        OutputShown {
            keep_all,
            shown: 0,
            left_out: 0,
            tail: std::collections::VecDeque::new(),
        }
    }

    fn add(&mut self, line: String, transcript: &mut Transcript) {
        if self.keep_all || self.shown < OUTPUT_SHOWN {
            self.shown += 1;
            transcript.push(line);
            return;
        }
        self.tail.push_back(line);
        if self.tail.len() > OUTPUT_TAIL {
            self.tail.pop_front();
            self.left_out += 1;
        }
    }

    /// Puts what was held back at the end of the transcript.
    fn finish(&mut self, transcript: &mut Transcript) {
        if self.left_out > 0 {
            transcript.push(tr!("run-output-left-out", n = self.left_out));
        }
        transcript.extend(self.tail.drain(..));
    }
}

/// The first line of a message.
fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("")
}

/// The steps since the last [`Step::Shows`] marker.
#[derive(Default)]
struct Section {
    /// Its first step, from 1.
    start: usize,
    /// Whether any of its steps checks something.
    checks: bool,
    /// The step that did not hold, and what happened instead, if one did not (the
    /// section is then not required, or the scenario would have failed).
    absent: Option<(usize, String)>,
}

struct Run<'a> {
    target: &'a mut dyn Target,
    /// How long a step waits at most.
    wait: Duration,
    /// When the whole scenario must be over.
    deadline: Instant,
    /// What must hold.
    judge: Judge,
    /// How a header's time is matched.
    mode: HeaderMode,
    /// What the steps show now (the last `Shows` marker's).
    class: Class,
    /// The steps since that marker.
    section: Section,
    /// What the finished sections of flaws and accidents showed.
    notes: Vec<Note>,
    /// The program's output, as much as the transcript shows of it.
    output: OutputShown,
    clients: HashMap<&'static str, TestClient>,
    /// How much of each client's input earlier steps have matched.
    cursors: HashMap<&'static str, usize>,
    /// Messages that are not part of what steps expect, skipped wherever they turn up in a
    /// client's input: each registered client's `A joins`, a flood's lines, leavers' `hi`.
    noise: Vec<Noise>,
    /// The clients that never read.
    silent: Vec<&'static str>,
    /// Whether the last step added or removed a client, which the server may still be
    /// doing.
    unsettled: bool,
    /// What each client sent last, for hints.
    sent: HashMap<&'static str, Vec<u8>>,
    /// What any client sent last, for hints.
    last_sent: Option<Vec<u8>>,
    transcript: Transcript,
    step: usize,
    checked: usize,
    unchecked: usize,
}

impl Run<'_> {
    /// Whether the steps now must hold: the contract always; a flaw or an accident only
    /// when judged strictly; the contract that CPython breaks, for any program but a
    /// CPython one (strictly or not: the notes' own program breaks it).
    fn required(&self) -> bool {
        match self.class {
            Class::Contract => true,
            Class::Flaw | Class::Accident(_) => self.judge.strict,
            Class::ContractButCPython(_) => !self.judge.python,
        }
    }

    /// Ends the section of steps since the last marker: for a flaw or an accident, notes
    /// whether the notes' behaviour was there; for the contract that CPython may break,
    /// notes it only where it was broken.
    fn close_section(&mut self) {
        let section = std::mem::take(&mut self.section);
        let note = match (self.class, &section.absent) {
            (Class::Contract, _) => false,
            (Class::ContractButCPython(_), absent) => absent.is_some(),
            (_, absent) => section.checks || absent.is_some(),
        };
        if note {
            self.notes.push(Note {
                class: self.class,
                step: section.start,
                absent: section.absent,
            });
        }
    }

    fn fail(&self, message: impl Into<String>, hint: Option<String>) -> Failure {
        Failure {
            step: self.step,
            message: message.into(),
            hint,
            server_said: self.target.last_records(),
            registering: false,
        }
    }

    /// The time a step may wait: `wait`, or what is left of the scenario's limit; for the
    /// notes' flaws and accidents, when they need not hold, only as long as the notes' code
    /// takes to show them.
    fn wait(&self) -> Duration {
        let wait = if self.required() {
            self.wait
        } else {
            self.wait.min(NOTES_WAIT)
        };
        wait.min(self.deadline.saturating_duration_since(Instant::now()))
    }

    /// Puts what the server printed since the last step in the transcript: the first
    /// [`OUTPUT_SHOWN`] lines; past them only the last few are kept, to be shown at the end
    /// with how many there were between (all of them with `keep_all`).
    fn show_output(&mut self) {
        for line in self.target.output() {
            self.output.add(line, &mut self.transcript);
        }
    }

    /// Records what a look into the server gave.
    fn seen(&mut self, seen: Observation) -> Result<(), Failure> {
        match seen {
            Observation::Yes(line) => {
                self.checked += 1;
                self.transcript.push(line);
                Ok(())
            }
            Observation::Unknown(what) => {
                self.unchecked += 1;
                self.transcript.push(tr!("run-not-checked", what = what));
                Ok(())
            }
            Observation::No(message, hint) => Err(self.fail(message, hint)),
        }
    }

    fn client(&self, name: &str) -> Result<&TestClient, Failure> {
        self.clients
            .get(name)
            .ok_or_else(|| self.fail(tr!("run-bug-not-connected", name = name), None))
    }

    /// Replaces `{A}` and `{A.repr}` by client A's address, for every connected client.
    fn fill(&self, text: &str) -> String {
        let mut out = text.to_string();
        for (name, c) in &self.clients {
            out = out.replace(&format!("{{{name}.repr}}"), &addr_repr(&c.local));
            out = out.replace(&format!("{{{name}}}"), &c.local.to_string());
        }
        out
    }

    fn do_step(&mut self, step: &Step) -> Result<(), Failure> {
        // Before a step that adds or removes a client, and after one (the server adds or
        // removes it in its own time, while the next step may already broadcast).
        if settles_first(step) || self.unsettled {
            self.target.settle(self.wait());
        }
        self.unsettled = settles_first(step);
        match *step {
            Step::Connect(name) => {
                self.connect(name)?;
                self.register(name).map_err(|mut f| {
                    f.registering = true;
                    f
                })
            }
            Step::Arrive(name) => self.connect(name),
            Step::Send(name, data) => self.send(name, &data.to_bytes(), ""),
            Step::Expect(name, pieces) => {
                let expected =
                    Expected::new(pieces, |from| self.clients.get(from).map(|c| c.local));
                self.expect(name, &expected, self.wait(), self.mode)
            }
            Step::ExpectExactHeader(name, pieces) => {
                let expected =
                    Expected::new(pieces, |from| self.clients.get(from).map(|c| c.local));
                self.expect(name, &expected, self.wait(), HeaderMode::Exact)
            }
            Step::ExpectWithin(name, ms, pieces) => {
                let expected =
                    Expected::new(pieces, |from| self.clients.get(from).map(|c| c.local));
                let wait = Duration::from_millis(ms).min(self.wait());
                self.expect(name, &expected, wait, self.mode)
            }
            Step::Silent(name) => self.silent(name),
            Step::Flood(name, bytes) => self.flood(name, bytes),
            Step::EndsSomeTime(name) => self.ends_some_time(name),
            Step::MemoryBelow(mib) => {
                let used = |kib: u64| format!("{:.1}", kib as f64 / 1024.0);
                let seen = match self.target.memory_kib() {
                    None => Observation::Unknown(tr!("run-memory-unknown", mib = mib)),
                    Some(kib) if kib < mib * 1024 => {
                        Observation::Yes(tr!("run-memory-under", used = used(kib), mib = mib))
                    }
                    Some(kib) => Observation::No(
                        tr!("run-memory-over", used = used(kib), mib = mib),
                        Some(tr!("hint-memory")),
                    ),
                };
                self.seen(seen)
            }
            Step::Churn {
                chatty,
                observer,
                millis,
            } => self.churn(chatty, observer, millis),
            Step::Leavers(n) => {
                let connected = super::load::leavers_until(self.target.addr(), n, self.deadline);
                self.transcript
                    .push(tr!("run-leavers", n = n, connected = connected));
                self.noise.push(Noise::Lines {
                    sender: None,
                    prefix: b"hi\n".to_vec(),
                });
                Ok(())
            }
            Step::NoCloseWait => self.no_close_wait(),
            Step::Quiet(name, ms) => self.quiet(name, ms, false),
            Step::NoData(name, ms) => self.quiet(name, ms, true),
            Step::Ends(name, ref end) => self.ends(name, end),
            Step::Close(name) => {
                self.transcript.push(tr!("run-close", name = name));
                self.clients.get_mut(name).map(TestClient::close);
                Ok(())
            }
            Step::Reset(name) => {
                self.transcript.push(tr!("run-reset", name = name));
                let result = match self.clients.get_mut(name) {
                    Some(c) => c.reset(),
                    None => return Err(self.fail(tr!("run-bug-not-connected", name = name), None)),
                };
                result.map_err(|e| {
                    self.fail(
                        tr!("run-reset-failed", name = name, error = e.to_string()),
                        None,
                    )
                })
            }
            Step::HalfClose(name) => {
                self.transcript.push(tr!("run-half-close", name = name));
                self.client(name)?.half_close().map_err(|e| {
                    self.fail(
                        tr!("run-shutdown-failed", name = name, error = e.to_string()),
                        None,
                    )
                })
            }
            Step::Pause(ms) => {
                std::thread::sleep(Duration::from_millis(ms));
                Ok(())
            }
            Step::Says(text) => {
                let text = self.fill(text);
                let seen = self.target.says(&text, self.wait());
                self.seen(seen)
            }
            Step::ThreadDies(thread, error) => {
                let thread = self.fill(thread);
                let seen = self.target.thread_ends(&thread, Some(error), self.wait());
                self.seen(seen)
            }
            Step::ThreadEnds(thread) => {
                let thread = self.fill(thread);
                let seen = self.target.thread_ends(&thread, None, self.wait());
                self.seen(seen)
            }
            Step::ThreadBlocked(thread, call) => {
                let thread = self.fill(thread);
                let seen = self.target.thread_blocked(&thread, call, self.wait());
                self.seen(seen)
            }
            Step::Quit(grace_ms) => {
                let seen = self.target.quit(Duration::from_millis(grace_ms));
                match seen {
                    Observation::Yes(line) => {
                        self.transcript.push(line);
                        Ok(())
                    }
                    other => self.seen(other),
                }
            }
            Step::QuitEnds(clean) => {
                let seen = self.target.quit_ends(clean);
                self.seen(seen)
            }
            Step::NetlabOnly(_) | Step::Shows(_) => Ok(()),
        }
    }

    fn connect(&mut self, name: &'static str) -> Result<(), Failure> {
        let addr = self.target.addr();
        let wait = self.wait();
        let connected = TestClient::connect_within(name, addr, ClientOptions::default(), wait);
        let client = match connected {
            Ok(client) => client,
            Err(e) => {
                let gone = self.target.exited();
                let hint = match (e.kind(), gone) {
                    (_, Some(how)) => tr!("hint-program-ended", how = how),
                    (std::io::ErrorKind::ConnectionRefused, None) => tr!("hint-no-longer-listens"),
                    (std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock, None) => {
                        tr!("hint-backlog-full", seconds = seconds(wait))
                    }
                    _ => String::new(),
                };
                return Err(self.fail(
                    tr!(
                        "run-connect-failed",
                        name = name,
                        addr = addr.to_string(),
                        error = e.to_string()
                    ),
                    (!hint.is_empty()).then_some(hint),
                ));
            }
        };
        self.transcript.push(tr!(
            "run-connect",
            name = name,
            addr = addr.to_string(),
            local = client.local.to_string()
        ));
        self.clients.insert(name, client);
        self.cursors.insert(name, 0);
        Ok(())
    }

    /// Makes sure the server has put the new client in its dict: the client sends a line
    /// and waits for it to come back, as it does only from a broadcast over the dict.
    /// Every client connected then gets that line too; later steps skip it.
    fn register(&mut self, name: &'static str) -> Result<(), Failure> {
        let line = format!("{name} joins\n");
        self.send(
            name,
            line.as_bytes(),
            &tr!("run-register-note", name = name),
        )?;
        let local = self.client(name)?.local;
        let mut body = line.into_bytes();
        body.push(b'\n');
        let probe = Expected::message(local, &body);
        self.expect(name, &probe, self.wait(), self.mode)?;
        self.noise.push(Noise::Exact(probe, self.mode));
        Ok(())
    }

    /// Connects a client that never reads, and waits until a client that reads receives
    /// its first line: then it is in the dict.
    fn silent(&mut self, name: &'static str) -> Result<(), Failure> {
        self.checked += 1;
        let addr = self.target.addr();
        let options = ClientOptions {
            read: false,
            recv_buffer: Some(4096),
            keep: false,
        };
        let client = TestClient::connect_within(name, addr, options, self.wait()).map_err(|e| {
            self.fail(
                tr!(
                    "run-connect-failed",
                    name = name,
                    addr = addr.to_string(),
                    error = e.to_string()
                ),
                None,
            )
        })?;
        let local = client.local;
        self.transcript.push(tr!(
            "run-connect-silent",
            name = name,
            addr = addr.to_string(),
            local = local.to_string()
        ));
        self.clients.insert(name, client);
        self.cursors.insert(name, 0);
        self.silent.push(name);
        let line = format!("{name} joins\n");
        self.send(name, line.as_bytes(), "")?;
        let mut body = line.into_bytes();
        body.push(b'\n');
        let probe = Expected::message(local, &body);
        let witness = self
            .readers()
            .first()
            .copied()
            .ok_or_else(|| self.fail(tr!("run-bug-no-witness"), None))?;
        let tail = [wire::after_time(local).as_bytes(), &body].concat();
        let seen = self
            .client(witness)?
            .wait_until(self.wait(), |data, _| contains(data, &tail));
        if !seen {
            return Err(self.fail(
                tr!(
                    "run-silent-line-missing",
                    witness = witness,
                    name = name,
                    line = escape(&body[..body.len() - 1]),
                    seconds = seconds(self.wait())
                ),
                None,
            ));
        }
        self.transcript
            .push(tr!("run-silent-registered", witness = witness, name = name));
        self.noise.push(Noise::Exact(probe, self.mode));
        Ok(())
    }

    /// The connected clients that read, in the order they connected.
    fn readers(&self) -> Vec<&'static str> {
        let mut names: Vec<&'static str> = self
            .clients
            .keys()
            .copied()
            .filter(|n| !self.silent.contains(n))
            .collect();
        names.sort_unstable();
        names
    }

    /// Floods 10 KB lines from `name`, at most `FLOOD_WINDOW` of them ahead of what every
    /// reading client has received (as a chat where people wait to see their lines come
    /// back): a server that keeps up with its readers never holds more than that for them,
    /// while a client that never reads falls further and further behind. A server that
    /// stops serving its readers (a freeze) stalls the flood.
    fn flood(&mut self, name: &'static str, bytes: usize) -> Result<(), Failure> {
        self.checked += 1;
        const LINE: usize = 10_000;
        let from = self.client(name)?.local;
        let marker = [wire::after_time(from).as_bytes(), b"flood "].concat();
        let readers = self.readers();
        // For each reader: the flood lines counted so far, and where to count on from
        // (each byte is looked at once, while the reader thread waits for the count).
        let mut counted: Vec<(usize, usize)> = vec![(0, 0); readers.len()];
        let progress = |run: &Run<'_>, counted: &mut Vec<(usize, usize)>, want: usize| {
            for (reader, (got, from_byte)) in readers.iter().zip(counted.iter_mut()) {
                let Ok(client) = run.client(reader) else {
                    return Err((*reader, *got));
                };
                let all = client.wait_until(run.wait(), |data, _| {
                    *got += count(&data[(*from_byte).min(data.len())..], &marker);
                    *from_byte = data.len().saturating_sub(marker.len() - 1);
                    *got >= want
                });
                if !all {
                    return Err((*reader, *got));
                }
            }
            Ok(())
        };
        let (mut sent, mut lines) = (0, 0);
        let mut stalled = None;
        while sent < bytes {
            if lines >= FLOOD_WINDOW {
                if let Err(behind) = progress(self, &mut counted, lines + 1 - FLOOD_WINDOW) {
                    stalled = Some(behind);
                    break;
                }
            }
            let mut line = format!("flood {:06} ", lines + 1).into_bytes();
            line.resize(LINE - 1, b'x');
            line.push(b'\n');
            let took = self
                .client(name)?
                .send_within(&line, FLOOD_STALL)
                .map_err(|e| {
                    self.fail(
                        tr!("run-send-failed", name = name, error = e.to_string()),
                        None,
                    )
                })?;
            sent += took;
            if took < line.len() {
                stalled = Some((name, lines));
                break;
            }
            lines += 1;
        }
        if stalled.is_none() {
            if let Err(behind) = progress(self, &mut counted, lines) {
                stalled = Some(behind);
            }
        }
        self.transcript.push(tr!(
            "run-flood",
            name = name,
            lines = lines,
            size = LINE,
            mb = format!("{:.1}", sent as f64 / 1e6),
            window = FLOOD_WINDOW
        ));
        self.noise.push(Noise::Lines {
            sender: Some(from),
            prefix: b"flood ".to_vec(),
        });
        if let Some((reader, got)) = stalled {
            return Err(self.fail(
                tr!(
                    "run-flood-stalled",
                    reader = reader,
                    got = got,
                    name = name,
                    lines = lines,
                    seconds = seconds(self.wait().max(FLOOD_STALL))
                ),
                Some(tr!("hint-chat-froze")),
            ));
        }
        for reader in &readers {
            self.transcript.push(tr!(
                "run-flood-received",
                reader = *reader,
                lines = lines,
                name = name
            ));
        }
        Ok(())
    }

    /// A silent client reads at last; its connection must have been ended.
    fn ends_some_time(&mut self, name: &'static str) -> Result<(), Failure> {
        self.checked += 1;
        let wait = self.wait();
        let (bytes, end) = self.client(name)?.read_to_end(wait);
        match end {
            Some(end) => {
                let how = match end {
                    End::Eof => "EOF".to_string(),
                    End::Reset => "RST".to_string(),
                    End::Error(e) => e,
                };
                self.transcript.push(tr!(
                    "run-reads-at-last",
                    name = name,
                    bytes = bytes,
                    how = how
                ));
                Ok(())
            }
            None => Err(self.fail(
                tr!(
                    "run-still-open",
                    name = name,
                    bytes = bytes,
                    seconds = seconds(wait)
                ),
                Some(tr!("hint-disconnect-slow")),
            )),
        }
    }

    /// The churn: see [`Step::Churn`].
    fn churn(
        &mut self,
        chatty: &'static str,
        observer: &'static str,
        millis: u64,
    ) -> Result<(), Failure> {
        self.checked += 1;
        let addr = self.target.addr();
        let options = super::load::ChurnOptions {
            duration: Duration::from_millis(millis),
            ..Default::default()
        };
        let (sent, connections) =
            super::load::churn_around(addr, self.client(chatty)?, options, || false);
        self.transcript.push(tr!(
            "run-churn",
            seconds = seconds(Duration::from_millis(millis)),
            connections = connections,
            chatty = chatty,
            sent = sent
        ));
        if let Observation::No(message, _) = self.target.never_says(super::load::RACE) {
            return Err(self.fail(message, Some(tr!("hint-race"))));
        }
        let from = self.client(chatty)?.local;
        for name in [chatty, observer] {
            let client = self.client(name)?;
            let all = client.wait_until(self.wait(), |data, _| {
                super::load::spam_lines(data, from) >= sent
            });
            let got = super::load::spam_lines(&client.received(), from);
            if !all {
                return Err(self.fail(
                    tr!(
                        "run-churn-lost",
                        name = name,
                        got = got,
                        chatty = chatty,
                        sent = sent
                    ),
                    Some(tr!("hint-churn-lost")),
                ));
            }
            // What the churn left in their input is not for later steps.
            let end = client.received().len();
            self.transcript.push(tr!(
                "run-churn-all",
                name = name,
                sent = sent,
                chatty = chatty
            ));
            self.cursors.insert(name, end);
        }
        Ok(())
    }

    /// No connection of the server waits in CLOSE-WAIT (within the step's wait).
    fn no_close_wait(&mut self) -> Result<(), Failure> {
        self.checked += 1;
        let port = self.target.addr().port();
        let deadline = Instant::now() + self.wait();
        let mut left = super::load::close_wait_on(port);
        while left > 0 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
            left = super::load::close_wait_on(port);
        }
        if left > 0 {
            return Err(self.fail(
                tr!("run-close-wait", n = left, seconds = seconds(self.wait())),
                Some(tr!("hint-close-wait")),
            ));
        }
        self.transcript.push(tr!("run-no-close-wait"));
        Ok(())
    }

    fn send(&mut self, name: &'static str, bytes: &[u8], note: &str) -> Result<(), Failure> {
        self.transcript.push(tr!(
            "run-send",
            name = name,
            bytes = shorten(&escape(bytes)),
            note = note
        ));
        self.sent.insert(name, bytes.to_vec());
        self.last_sent = Some(bytes.to_vec());
        let wait = self.wait();
        let sent = self.client(name)?.send_within(bytes, wait).map_err(|e| {
            let hint = match e.kind() {
                std::io::ErrorKind::BrokenPipe => Some(tr!("hint-send-closed", name = name)),
                std::io::ErrorKind::ConnectionReset => Some(tr!("hint-send-reset", name = name)),
                _ => None,
            };
            self.fail(
                tr!("run-send-failed", name = name, error = e.to_string()),
                hint,
            )
        })?;
        if sent < bytes.len() {
            return Err(self.fail(
                tr!(
                    "run-send-stalled",
                    name = name,
                    sent = sent,
                    total = bytes.len(),
                    seconds = seconds(wait)
                ),
                Some(tr!("hint-send-stalled", name = name)),
            ));
        }
        Ok(())
    }

    fn expect(
        &mut self,
        name: &'static str,
        expected: &Expected,
        wait: Duration,
        mode: HeaderMode,
    ) -> Result<(), Failure> {
        self.checked += 1;
        let cursor = self.cursors[name];
        let began = Instant::now();
        let until = began + wait;
        let noise = &self.noise;
        let Some(client) = self.clients.get(name) else {
            return Err(self.fail(tr!("run-bug-not-connected", name = name), None));
        };
        // Wait until it has come, or cannot come any more: a byte that differs, the end of
        // the connection, the end of the program.
        let mut gone = None;
        loop {
            let left = until.saturating_duration_since(Instant::now());
            let settled = client.wait_until(left.min(LOOK_AGAIN), |data, end| {
                let start = skip_noise(noise, data, cursor);
                end.is_some()
                    || !matches!(
                        expected.matches(&data[start.min(data.len())..], mode),
                        Match::Partial
                    )
            });
            if settled || left.is_zero() {
                break;
            }
            gone = self.target.exited();
            if gone.is_some() {
                break;
            }
        }
        let client = &self.clients[name];
        let data = client.received();
        let start = skip_noise(&self.noise, &data, cursor);
        let got = &data[start.min(data.len())..];
        let at = match expected.matches(got, mode) {
            Match::Complete(n) => {
                self.transcript.push(tr!(
                    "run-received",
                    name = name,
                    bytes = shorten(&escape(&got[..n]))
                ));
                self.cursors.insert(name, start + n);
                return Ok(());
            }
            // Where it first differs from what is shown as expected (a time matched as a
            // whole differs from its first digit that is not the same).
            Match::Differs(at) => {
                let shown = expected.filled(got, mode);
                (at..got.len().min(shown.len()))
                    .find(|&i| got[i] != shown[i])
                    .unwrap_or(at)
            }
            Match::Partial => got.len(),
        };
        let end = client.end();
        let ended_after = client
            .ended_at()
            .map(|t| t.saturating_duration_since(began));
        let sent = self.sent.get(name).map(Vec::as_slice);
        let others_got_it = expected.first_message_after_time().is_some_and(|message| {
            self.clients
                .iter()
                .any(|(other, c)| *other != name && contains(&c.received(), &message))
        });
        let addresses: Vec<(&str, SocketAddr)> =
            self.clients.iter().map(|(n, c)| (*n, c.local)).collect();
        let hint = hint::for_mismatch(&hint::Mismatch {
            client: name,
            expected,
            got,
            at,
            end: end.as_ref(),
            own_line: expected.sender() == Some(client.local),
            sent,
            mode,
            others_got_it,
            program_ended: gone.as_deref(),
            addresses: &addresses,
            server: self.target.addr(),
        });
        let message = if at >= got.len() {
            let how = match (&end, ended_after) {
                (Some(End::Eof), Some(after)) => {
                    tr!("run-then-eof", after = seconds_exact(after))
                }
                (Some(End::Reset), Some(after)) => {
                    tr!("run-then-rst", after = seconds_exact(after))
                }
                (Some(End::Error(e)), _) => tr!("run-then-error", error = e),
                _ => match &gone {
                    Some(how) => tr!("run-then-exited", how = how),
                    None => String::new(),
                },
            };
            let waited = end.is_none() && gone.is_none();
            let received = match (got.is_empty(), waited) {
                (true, true) => tr!(
                    "run-received-nothing-in",
                    name = name,
                    seconds = seconds(wait)
                ),
                (true, false) => tr!("run-received-nothing", name = name),
                (false, true) => tr!(
                    "run-received-only-in",
                    name = name,
                    n = got.len(),
                    seconds = seconds(wait),
                    bytes = shorten(&escape(got))
                ),
                (false, false) => tr!(
                    "run-received-only",
                    name = name,
                    n = got.len(),
                    bytes = shorten(&escape(got))
                ),
            };
            let expected = tr!(
                "run-expected",
                name = name,
                bytes = shorten(&expected.show())
            );
            format!("{expected}\n{received}{how}")
        } else {
            let (exp, rec, caret) = expected.side_by_side(got, at, mode);
            // The two labels, padded to one width, so that the bytes line up.
            let labels = [
                tr!("run-expected", name = name, bytes = ""),
                tr!("run-received-label", name = name, bytes = ""),
            ];
            let width = labels
                .iter()
                .map(|l| crate::text::columns(l))
                .max()
                .unwrap_or(0);
            let [expected, received] =
                labels.map(|l| format!("{l}{}", " ".repeat(width - crate::text::columns(&l))));
            format!(
                "{expected}{exp}\n{received}{rec}\n{}{}",
                " ".repeat(caret + width),
                tr!("run-first-difference", at = at)
            )
        };
        Err(self.fail(message, hint))
    }

    /// Nothing more comes to `name` for `ms` (the contract's silence): new bytes fail, and
    /// so does the end of the connection, unless `may_end`.
    fn quiet(&mut self, name: &'static str, ms: u64, may_end: bool) -> Result<(), Failure> {
        self.checked += 1;
        let cursor = self.cursors[name];
        let began = Instant::now();
        let noise = &self.noise;
        let Some(client) = self.clients.get(name) else {
            return Err(self.fail(tr!("run-bug-not-connected", name = name), None));
        };
        let broken = client.wait_until(Duration::from_millis(ms), |data, end| {
            data.len() > skip_noise(noise, data, cursor) || (!may_end && end.is_some())
        });
        if broken {
            let data = client.received();
            let extra = &data[skip_noise(&self.noise, &data, cursor)..];
            if !extra.is_empty() {
                return Err(self.fail(
                    tr!(
                        "run-extra",
                        name = name,
                        ms = ms,
                        bytes = shorten(&escape(extra))
                    ),
                    hint::for_extra(extra, self.last_sent.as_deref()),
                ));
            }
            let after = client.ended_at().map_or(String::new(), |t| {
                seconds_exact(t.saturating_duration_since(began))
            });
            let message = match client.end() {
                Some(End::Reset) => tr!("run-quiet-rst", name = name, ms = ms, after = after),
                _ => tr!("run-quiet-eof", name = name, ms = ms, after = after),
            };
            return Err(self.fail(message, None));
        }
        self.transcript.push(tr!("run-quiet", name = name, ms = ms));
        Ok(())
    }

    fn ends(&mut self, name: &'static str, expected: &End) -> Result<(), Failure> {
        self.checked += 1;
        let cursor = self.cursors[name];
        let noise = &self.noise;
        let client = self.client(name)?;
        // Until the end comes, or a whole message comes first (what is not noise and holds
        // the blank line that ends a message): then the end can no longer be the next
        // thing, and waiting longer tells nothing more.
        client.wait_until(self.wait(), |data, end| {
            let rest = &data[skip_noise(noise, data, cursor).min(data.len())..];
            end.is_some() || memchr::memmem::find(rest, b"\n\n").is_some()
        });
        let end = client.end();
        let data = client.received();
        let got = &data[skip_noise(&self.noise, &data, cursor)..];
        let sent = self.sent.get(name).map(Vec::as_slice);
        if !got.is_empty() {
            return Err(self.fail(
                tr!(
                    "run-end-but-received",
                    name = name,
                    bytes = shorten(&escape(got))
                ),
                hint::for_no_end(sent, got),
            ));
        }
        match end {
            Some(ref e) if e == expected => {
                self.transcript.push(match e {
                    End::Eof => tr!("run-closed-eof", name = name),
                    End::Reset => tr!("run-closed-rst", name = name),
                    End::Error(error) => tr!("run-closed-error", name = name, error = error),
                });
                Ok(())
            }
            other => Err(self.fail(
                {
                    let expected = end_name(expected);
                    match &other {
                        None => tr!(
                            "run-end-still-open",
                            name = name,
                            expected = expected,
                            seconds = seconds(self.wait())
                        ),
                        Some(End::Error(error)) => tr!(
                            "run-end-error",
                            name = name,
                            expected = expected,
                            error = error
                        ),
                        Some(got) => tr!(
                            "run-end-other",
                            name = name,
                            expected = expected,
                            got = end_name(got)
                        ),
                    }
                },
                if other.is_none() {
                    hint::for_no_end(sent, got)
                } else {
                    None
                },
            )),
        }
    }
}

/// How long a flood waits for the server to take more before it counts as stalled.
const FLOOD_STALL: Duration = Duration::from_secs(2);

/// How many lines a flood sends ahead of what every reading client has received.
const FLOOD_WINDOW: usize = 20;

/// How often a step that waits looks whether the program has ended meanwhile.
const LOOK_AGAIN: Duration = Duration::from_millis(100);

/// `0.40 s`: a measured time, for people.
fn seconds_exact(d: Duration) -> String {
    tr!("unit-seconds", s = format!("{:.2}", d.as_secs_f64()))
}

/// `5 s`, `0.5 s`: a wait, for people.
fn seconds(d: Duration) -> String {
    let s = d.as_secs_f64();
    let s = if s.fract() == 0.0 {
        format!("{s:.0}")
    } else {
        format!("{s:.1}")
    };
    tr!("unit-seconds", s = s)
}

/// How an end of a connection is named in a sentence: `closed (EOF)`, `reset (RST)`.
fn end_name(end: &End) -> String {
    match end {
        End::Eof => tr!("end-eof"),
        End::Reset => tr!("end-rst"),
        End::Error(e) => e.clone(),
    }
}

/// How many times `needle` occurs in `data`.
fn count(data: &[u8], needle: &[u8]) -> usize {
    data.windows(needle.len()).filter(|w| *w == needle).count()
}

/// `at`, moved past every whole message of noise that starts there.
fn skip_noise(noise: &[Noise], data: &[u8], mut at: usize) -> usize {
    'again: loop {
        for n in noise {
            if let Some(len) = n.at(&data[at.min(data.len())..]) {
                at += len;
                continue 'again;
            }
        }
        return at;
    }
}

/// A message that is not part of what steps expect.
enum Noise {
    /// Exactly this message (a registration line), its header matched so.
    Exact(Expected, HeaderMode),
    /// A message from `sender` (anyone, if None) whose one-line body starts with `prefix`.
    Lines {
        sender: Option<SocketAddr>,
        prefix: Vec<u8>,
    },
}

impl Noise {
    /// The length of the whole message of noise at the start of `data`, if one is there.
    fn at(&self, data: &[u8]) -> Option<usize> {
        match self {
            Noise::Exact(expected, mode) => match expected.matches(data, *mode) {
                Match::Complete(n) => Some(n),
                _ => None,
            },
            Noise::Lines { sender, prefix } => {
                let (time, header_end) = wire::header_len(data)?;
                if let Some(sender) = sender {
                    let after = wire::after_time(*sender);
                    if &data[time..header_end] != after.as_bytes() {
                        return None;
                    }
                }
                let body = &data[header_end..];
                if !body.starts_with(prefix) {
                    return None;
                }
                let line_end = header_end + body.iter().position(|&b| b == b'\n')? + 1;
                // The message ends with one more newline after the line.
                (data.get(line_end) == Some(&b'\n')).then_some(line_end + 1)
            }
        }
    }
}

/// Whether the server's threads get to finish what they were doing before the step: a
/// step that may add a client to the server's dict or take one out (a connection comes or
/// goes, or a line that strips to `quit` or to '', which removes its sender from stage 4
/// on), and the console's `quit` (typed, as a teacher would, once the server is back in
/// `accept()`: the notes' `stop()` closes the listening socket, which stays open only
/// while a thread is blocked in `accept()` on it).
fn settles_first(step: &Step) -> bool {
    match step {
        Step::Connect(_)
        | Step::Arrive(_)
        | Step::Close(_)
        | Step::Reset(_)
        | Step::HalfClose(_)
        | Step::Quit(_) => true,
        // (A line that long is no `quit`: the bytes of a 64 MiB line are not made twice.)
        Step::Send(_, data) if data.len() <= 64 => {
            matches!(crate::py::strip_bytes(&data.to_bytes()), b"quit" | b"")
        }
        _ => false,
    }
}
