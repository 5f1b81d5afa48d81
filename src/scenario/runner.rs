//! Runs a scenario against a server and writes the transcript.

use super::expect::{escape, shorten, Expected};
use super::hint;
use super::outcome::{steps, Failure, Outcome};
use super::target::{External, InProcess, Observation, Target};
use super::{contains, ClientOptions, End, Scenario, Step, TestClient};
use crate::program::{left_running, Keep, Launch, Launched};
use crate::py::addr_repr;
use crate::stage::{Running, ServerProgram};
use crate::wire;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// How long a step waits for what it expects, unless told otherwise. Generous: CI machines
/// are slow and busy, and a passing step never waits this long.
pub const DEFAULT_WAIT: Duration = Duration::from_secs(5);

/// The most a whole scenario may take, whatever its steps wait for.
const SCENARIO_LIMIT: Duration = Duration::from_secs(60);

/// The lines of a run, in the order things happened.
pub(crate) type Transcript = Vec<String>;

/// Starts `program` (a stage, or an exercise's reference solution) in this process on
/// 127.0.0.1:0, and runs `scenario` against it.
pub fn run_in_process(program: &'static ServerProgram, scenario: &'static Scenario) -> Outcome {
    let running = Running::start(program, "127.0.0.1:0".parse().unwrap(), true)
        .unwrap_or_else(|e| panic!("{} did not start: {e}", program.id));
    run(scenario, &mut InProcess::new(&running), DEFAULT_WAIT)
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
    let launch = Launch {
        command: &options.command,
        port: options.port,
        start_timeout: options.start_timeout,
        keep: Keep::All,
    };
    let Launched { mut program, addr } = launch.start().map_err(|mut e| {
        let output = match e.program_mut() {
            Some((program, addr)) => External::new(program, addr, &options.label).rest_of_output(),
            None => Vec::new(),
        };
        NotStarted {
            message: e.message(),
            hint: e.hint(),
            output,
        }
    })?;
    // What the program prints once the scenario is over (its reaction to the clients
    // closing) is not part of the scenario, and stays out of the transcript.
    let outcome = run(
        scenario,
        &mut External::new(&mut program, addr, &options.label),
        options.wait,
    );
    program.stop();
    if let Some(report) = left_running(&program.escaped()) {
        crate::errln!(
            "{}",
            crate::tr!(
                "check-after-scenario",
                scenario = scenario.name,
                report = report
            )
        );
    }
    Ok(outcome)
}

/// Runs `scenario` against `target`, each step waiting at most `wait`.
pub(crate) fn run(scenario: &'static Scenario, target: &mut dyn Target, wait: Duration) -> Outcome {
    let started = Instant::now();
    let mut run = Run {
        target,
        wait,
        deadline: started + SCENARIO_LIMIT,
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
        if let Step::NetlabOnly(reason) = step {
            if !run.target.is_netlab() {
                let rest = scenario.steps[i..].iter().filter(|s| s.checks()).count();
                run.unchecked += rest;
                run.transcript.push(format!(
                    "(not checked from here, {}: {reason})",
                    steps(rest)
                ));
                break;
            }
            run.transcript
                .push(format!("(netlab's own behaviour from here: {reason})"));
            continue;
        }
        if Instant::now() >= run.deadline {
            failure = Some(run.fail(
                format!(
                    "the scenario did not finish within {} s",
                    SCENARIO_LIMIT.as_secs()
                ),
                None,
            ));
            break;
        }
        if let Err(f) = run.do_step(step) {
            failure = Some(f);
            break;
        }
    }
    run.show_output();
    Outcome {
        name: scenario.name,
        shows: scenario.shows,
        transcript: run.transcript,
        checked: run.checked,
        unchecked: run.unchecked,
        failure,
        elapsed: started.elapsed(),
    }
}

struct Run<'a> {
    target: &'a mut dyn Target,
    /// How long a step waits at most.
    wait: Duration,
    /// When the whole scenario must be over.
    deadline: Instant,
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
    fn fail(&self, message: impl Into<String>, hint: Option<String>) -> Failure {
        Failure {
            step: self.step,
            message: message.into(),
            hint,
            server_said: self.target.last_records(),
        }
    }

    /// The time a step may wait: `wait`, or what is left of the scenario's limit.
    fn wait(&self) -> Duration {
        self.wait
            .min(self.deadline.saturating_duration_since(Instant::now()))
    }

    /// Puts what the server printed since the last step in the transcript.
    fn show_output(&mut self) {
        let lines = self.target.output();
        self.transcript.extend(lines);
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
                self.transcript
                    .push(format!("[server] (not checked: {what})"));
                Ok(())
            }
            Observation::No(message, hint) => Err(self.fail(message, hint)),
        }
    }

    fn client(&self, name: &str) -> Result<&TestClient, Failure> {
        self.clients.get(name).ok_or_else(|| {
            self.fail(
                format!("scenario bug: client {name} is not connected"),
                None,
            )
        })
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

    /// `at`, moved past every whole message of noise that starts there.
    fn skip_noise(&self, data: &[u8], mut at: usize) -> usize {
        'again: loop {
            for noise in &self.noise {
                if let Some(len) = noise.at(&data[at.min(data.len())..]) {
                    at += len;
                    continue 'again;
                }
            }
            return at;
        }
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
                self.register(name)
            }
            Step::Arrive(name) => self.connect(name),
            Step::Send(name, data) => self.send(name, &data.to_bytes(), ""),
            Step::Expect(name, pieces) => {
                let expected =
                    Expected::new(pieces, |from| self.clients.get(from).map(|c| c.local));
                self.expect(name, &expected, self.wait())
            }
            Step::ExpectWithin(name, ms, pieces) => {
                let expected =
                    Expected::new(pieces, |from| self.clients.get(from).map(|c| c.local));
                let wait = Duration::from_millis(ms).min(self.wait());
                self.expect(name, &expected, wait)
            }
            Step::Silent(name) => self.silent(name),
            Step::Flood(name, bytes) => self.flood(name, bytes),
            Step::EndsSomeTime(name) => self.ends_some_time(name),
            Step::MemoryBelow(mib) => {
                let seen = match self.target.memory_kib() {
                    None => {
                        Observation::Unknown(format!("the server's memory stays under {mib} MiB"))
                    }
                    Some(kib) if kib < mib * 1024 => Observation::Yes(format!(
                        "[server] uses {:.1} MiB of memory (under {mib} MiB)",
                        kib as f64 / 1024.0
                    )),
                    Some(kib) => Observation::No(
                        format!(
                            "[server] uses {:.1} MiB of memory, more than {mib} MiB",
                            kib as f64 / 1024.0
                        ),
                        Some(
                            "what is queued for a client that does not read must be bounded: \
                             disconnect it past the bound instead of keeping everything"
                                .into(),
                        ),
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
                let connected = super::load::leavers(self.target.addr(), n);
                self.transcript.push(format!(
                    "[L1..L{n}] $ {n} clients each connect, send \"hi\\n\" and close at once \
                     ({connected} connected)"
                ));
                self.noise.push(Noise::Lines {
                    sender: None,
                    prefix: b"hi\n".to_vec(),
                });
                Ok(())
            }
            Step::NoCloseWait => self.no_close_wait(),
            Step::Quiet(name, ms) => self.quiet(name, ms),
            Step::Ends(name, ref end) => self.ends(name, end),
            Step::Close(name) => {
                self.transcript.push(format!("[{name}] $ close (FIN)"));
                self.clients.get_mut(name).map(TestClient::close);
                Ok(())
            }
            Step::Reset(name) => {
                self.transcript.push(format!("[{name}] $ reset (RST)"));
                let result = match self.clients.get_mut(name) {
                    Some(c) => c.reset(),
                    None => return Err(self.fail(format!("scenario bug: no client {name}"), None)),
                };
                result.map_err(|e| self.fail(format!("[{name}] reset failed: {e}"), None))
            }
            Step::HalfClose(name) => {
                self.transcript.push(format!(
                    "[{name}] $ shutdown(SHUT_WR): FIN, but keeps reading"
                ));
                self.client(name)?
                    .half_close()
                    .map_err(|e| self.fail(format!("[{name}] shutdown failed: {e}"), None))
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
            Step::NetlabOnly(_) => Ok(()),
        }
    }

    fn connect(&mut self, name: &'static str) -> Result<(), Failure> {
        let addr = self.target.addr();
        let client = TestClient::connect(name, addr).map_err(|e| {
            let hint = if e.kind() == std::io::ErrorKind::ConnectionRefused {
                "nothing is listening there: did the server bind the port it was given, and is it still running?"
            } else {
                "the server's listen backlog may be full, or it is not running"
            };
            self.fail(
                format!("[{name}] could not connect to {addr}: {e}"),
                Some(hint.into()),
            )
        })?;
        self.transcript.push(format!(
            "[{name}] $ connect {addr}    ({name} is {})",
            client.local
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
            &format!("    (and waits for it to come back: then {name} is in the clients dict)"),
        )?;
        let local = self.client(name)?.local;
        let mut body = line.into_bytes();
        body.push(b'\n');
        let probe = Expected::message(local, &body);
        self.expect(name, &probe, self.wait())?;
        self.noise.push(Noise::Exact(probe));
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
        let client = TestClient::connect_with(name, addr, options)
            .map_err(|e| self.fail(format!("[{name}] could not connect to {addr}: {e}"), None))?;
        let local = client.local;
        self.transcript.push(format!(
            "[{name}] $ connect {addr}    ({name} is {local}; it never reads, with a 4 KB receive buffer)"
        ));
        self.clients.insert(name, client);
        self.cursors.insert(name, 0);
        self.silent.push(name);
        let line = format!("{name} joins\n");
        self.send(name, line.as_bytes(), "")?;
        let mut body = line.into_bytes();
        body.push(b'\n');
        let probe = Expected::message(local, &body);
        let witness =
            self.readers().first().copied().ok_or_else(|| {
                self.fail("scenario bug: a silent client needs a reading one", None)
            })?;
        let tail = [wire::after_time(local).as_bytes(), &body].concat();
        let seen = self
            .client(witness)?
            .wait_until(self.wait(), |data, _| contains(data, &tail));
        if !seen {
            return Err(self.fail(
                format!(
                    "[{witness}] expected {name}'s line {} within {}; it did not come",
                    escape(&body[..body.len() - 1]),
                    seconds(self.wait())
                ),
                Some(format!(
                    "{name} is not in the dict, or the broadcast does not reach {witness}"
                )),
            ));
        }
        self.transcript.push(format!(
            "[{witness}] received {name}'s line: {name} is in the clients dict"
        ));
        self.noise.push(Noise::Exact(probe));
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
                .map_err(|e| self.fail(format!("[{name}] send failed: {e}"), None))?;
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
        self.transcript.push(format!(
            "[{name}] $ send {lines} lines of {LINE} bytes (\"flood 000001 xxx...\\n\", {:.1} MB), \
             at most {FLOOD_WINDOW} ahead of what everyone who reads has received",
            sent as f64 / 1e6
        ));
        self.noise.push(Noise::Lines {
            sender: Some(from),
            prefix: b"flood ".to_vec(),
        });
        if let Some((reader, got)) = stalled {
            return Err(self.fail(
                format!(
                    "[{reader}] received {got} of {name}'s {lines} lines, and nothing more for {}",
                    seconds(self.wait().max(FLOOD_STALL))
                ),
                Some(
                    "the chat froze: a broadcast that waits for a client that does not read holds \
                     everyone up (in the notes, flush() blocks while the thread holds the lock)"
                        .into(),
                ),
            ));
        }
        for reader in &readers {
            self.transcript
                .push(format!("[{reader}] received all {lines} of {name}'s lines"));
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
                self.transcript.push(format!(
                    "[{name}] reads at last: {bytes} bytes, then the connection ends ({})",
                    match end {
                        End::Eof => "EOF".to_string(),
                        End::Reset => "RST".to_string(),
                        End::Error(e) => e,
                    }
                ));
                Ok(())
            }
            None => Err(self.fail(
                format!(
                    "[{name}] reads at last: {bytes} bytes, and the connection is still open after {}",
                    seconds(wait)
                ),
                Some(
                    "a client that does not read must be disconnected once too much is queued for \
                     it; otherwise what waits for it grows without end"
                        .into(),
                ),
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
        self.transcript.push(format!(
            "[churn] $ for {}: 6 threads connect, send \"hi\\n\", \"quit\\n\" and close, over and over              ({connections} connections), while [{chatty}] sends \"spam N\\n\" every millisecond ({sent} lines)",
            seconds(Duration::from_millis(millis))
        ));
        if let Observation::No(message, _) = self.target.never_says(super::load::RACE) {
            return Err(self.fail(
                message,
                Some(
                    "iterating the dict while another thread adds or removes a client raises \
                     RuntimeError: every access to the dict, the broadcast's loop included, must \
                     hold the lock"
                        .into(),
                ),
            ));
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
                    format!("[{name}] received {got} of {chatty}'s {sent} lines"),
                    Some(
                        "a thread that broadcast died, or a line was lost: a client connected \
                         throughout must receive every line"
                            .into(),
                    ),
                ));
            }
            // What the churn left in their input is not for later steps.
            let end = client.received().len();
            self.transcript
                .push(format!("[{name}] received all {sent} of {chatty}'s lines"));
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
                format!(
                    "[server] still holds {} in CLOSE-WAIT after {}: their clients closed, and the \
                     server never closed its sockets",
                    crate::terminal::count(left, "connection", "connections"),
                    seconds(self.wait())
                ),
                Some(
                    "a write to a client that has just closed raises BrokenPipeError; if nothing \
                     catches it, it ends the thread that was broadcasting before that thread \
                     closes its own client (`ss -tan state close-wait` shows them)"
                        .into(),
                ),
            ));
        }
        self.transcript
            .push("[server] holds no connection in CLOSE-WAIT".to_string());
        Ok(())
    }

    fn send(&mut self, name: &'static str, bytes: &[u8], note: &str) -> Result<(), Failure> {
        self.transcript
            .push(format!("[{name}] $ send {}{note}", shorten(&escape(bytes))));
        self.sent.insert(name, bytes.to_vec());
        self.last_sent = Some(bytes.to_vec());
        self.client(name)?.send(bytes).map_err(|e| {
            self.fail(
                format!("[{name}] send failed: {e}"),
                Some("the server closed or reset this connection earlier".into()),
            )
        })
    }

    fn expect(
        &mut self,
        name: &'static str,
        expected: &Expected,
        wait: Duration,
    ) -> Result<(), Failure> {
        self.checked += 1;
        let want = expected.len();
        let cursor = self.cursors[name];
        let client = self.client(name)?;
        client.wait_until(wait, |data, end| {
            data.len() >= self.skip_noise(data, cursor) + want || end.is_some()
        });
        let data = client.received();
        let start = self.skip_noise(&data, cursor);
        let got = &data[start.min(data.len())..];
        let Some(at) = expected.first_difference(got) else {
            self.transcript.push(format!(
                "[{name}] received {}",
                shorten(&escape(&got[..want]))
            ));
            self.cursors.insert(name, start + want);
            return Ok(());
        };
        let end = client.end();
        let sent = self.sent.get(name).map(Vec::as_slice);
        let hint = hint::for_mismatch(&hint::Mismatch {
            client: name,
            expected,
            got,
            at,
            end: end.as_ref(),
            own_line: expected.sender() == Some(client.local),
            sent,
        });
        let message = if at >= got.len() {
            format!(
                "[{name}] expected: {}\n[{name}] received {} of {want} bytes in {}: {}{}",
                shorten(&expected.show()),
                got.len(),
                seconds(wait),
                shorten(&escape(got)),
                match end {
                    Some(End::Eof) => ", then the connection closed (EOF)",
                    Some(End::Reset) => ", then the connection was reset (RST)",
                    _ => "",
                }
            )
        } else {
            let (exp, rec, caret) = expected.side_by_side(got, at);
            format!(
                "[{name}] expected: {exp}\n[{name}] received: {rec}\n{}^ first difference at byte {at}",
                " ".repeat(caret + name.len() + 13)
            )
        };
        Err(self.fail(message, hint))
    }

    fn quiet(&mut self, name: &'static str, ms: u64) -> Result<(), Failure> {
        self.checked += 1;
        let cursor = self.cursors[name];
        let client = self.client(name)?;
        let extra = client.wait_until(Duration::from_millis(ms), |data, _| {
            data.len() > self.skip_noise(data, cursor)
        });
        if extra {
            let data = client.received();
            let extra = &data[self.skip_noise(&data, cursor)..];
            return Err(self.fail(
                format!(
                    "[{name}] expected nothing more for {ms} ms, but received {}",
                    shorten(&escape(extra))
                ),
                hint::for_extra(extra, self.last_sent.as_deref()),
            ));
        }
        self.transcript
            .push(format!("[{name}] receives nothing for {ms} ms"));
        Ok(())
    }

    fn ends(&mut self, name: &'static str, expected: &End) -> Result<(), Failure> {
        self.checked += 1;
        let cursor = self.cursors[name];
        let client = self.client(name)?;
        let end = client.wait_end(self.wait());
        let data = client.received();
        let got = &data[self.skip_noise(&data, cursor)..];
        let sent = self.sent.get(name).map(Vec::as_slice);
        if !got.is_empty() {
            return Err(self.fail(
                format!(
                    "[{name}] expected the connection to end, but first received {}",
                    shorten(&escape(got))
                ),
                hint::for_no_end(sent, got),
            ));
        }
        match end {
            Some(ref e) if e == expected => {
                let how = match e {
                    End::Eof => "closed by the server (EOF)",
                    End::Reset => "reset (ConnectionResetError)",
                    End::Error(_) => "ended with an error",
                };
                self.transcript.push(format!("[{name}] connection {how}"));
                Ok(())
            }
            other => Err(self.fail(
                format!(
                    "[{name}] expected the connection to end with {expected:?}, got {}",
                    other.as_ref().map_or(
                        format!("nothing in {:.0} s (still open)", self.wait.as_secs_f64()),
                        |e| format!("{e:?}")
                    )
                ),
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

/// `5 s`, `0.5 s`: a wait, for people.
fn seconds(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s.fract() == 0.0 {
        format!("{s:.0} s")
    } else {
        format!("{s:.1} s")
    }
}

/// How many times `needle` occurs in `data`.
fn count(data: &[u8], needle: &[u8]) -> usize {
    data.windows(needle.len()).filter(|w| *w == needle).count()
}

/// A message that is not part of what steps expect.
enum Noise {
    /// Exactly this message (a registration line).
    Exact(Expected),
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
            Noise::Exact(expected) => (data.len() >= expected.len()
                && expected.first_difference(data).is_none())
            .then(|| expected.len()),
            Noise::Lines { sender, prefix } => {
                if !wire::starts_with_header(data) {
                    return None;
                }
                let header_end = data.iter().position(|&b| b == b'\n')? + 1;
                if let Some(sender) = sender {
                    let after = wire::after_time(*sender);
                    if &data[wire::TIMESTAMP_LEN..header_end] != after.as_bytes() {
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
