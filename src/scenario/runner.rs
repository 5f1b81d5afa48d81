//! Runs a scenario against a server and writes the transcript.

use super::{End, Piece, Scenario, Step, TestClient};
use crate::py::{addr_repr, Record};
use crate::stage::{QuitOptions, QuitReport, Running};
use crate::wire::{timestamp_prefix, TIMESTAMP_LEN};
use std::collections::HashMap;
use std::fmt;
use std::net::SocketAddr;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long a step waits for what it expects. Generous: CI machines are slow and busy,
/// and a passing step never waits this long.
const WAIT: Duration = Duration::from_secs(5);

/// Without netlab's server to ask, how long to let a server register a new client.
const SETTLE: Duration = Duration::from_millis(100);

/// The lines of a run, in the order things happened.
pub type Transcript = Vec<String>;

/// A scenario that did not go as expected: where, what, and the transcript up to there.
#[derive(Debug)]
pub struct Failure {
    /// The scenario's name.
    pub scenario: &'static str,
    /// The step that failed, from 1.
    pub step: usize,
    /// What was expected and what happened instead.
    pub message: String,
    /// A hint for the usual cause, if one applies.
    pub hint: Option<String>,
    /// Everything up to the failure.
    pub transcript: Transcript,
    /// The server's last log lines, prints and thread ends (netlab's own server only).
    pub server_said: Vec<String>,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "scenario {} failed at step {}:",
            self.scenario, self.step
        )?;
        for line in &self.transcript {
            writeln!(f, "  {line}")?;
        }
        for line in self.message.lines() {
            writeln!(f, "  {line}")?;
        }
        if let Some(hint) = &self.hint {
            writeln!(f, "  hint: {hint}")?;
        }
        if !self.server_said.is_empty() {
            writeln!(f, "  the server's last records:")?;
            for line in &self.server_said {
                writeln!(f, "    {line}")?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for Failure {}

/// Starts netlab's stage `number` in-process on 127.0.0.1:0 and runs scenario `name`
/// against it, with the server-side steps checked. What the tests call.
pub fn run_on_stage(number: u8, name: &str) -> Result<Transcript, Failure> {
    let scenario = super::find(name).unwrap_or_else(|| panic!("no scenario named {name}"));
    assert!(
        scenario.stages.contains(&number),
        "scenario {name} does not apply to stage {number}"
    );
    let stage = crate::stage::find(number).unwrap_or_else(|| panic!("no stage {number}"));
    let running = Running::start(stage, "127.0.0.1:0".parse().unwrap(), true)
        .unwrap_or_else(|e| panic!("stage {number} did not start: {e}"));
    run(scenario, running.local_addr(), Some(&running))
}

/// Runs `scenario` against the server at `addr`. With `server` (netlab's own, started
/// with capture), the steps about its log and threads are checked too.
pub fn run(
    scenario: &'static Scenario,
    addr: SocketAddr,
    server: Option<&Running>,
) -> Result<Transcript, Failure> {
    let mut run = Run {
        scenario,
        addr,
        server,
        clients: HashMap::new(),
        cursors: HashMap::new(),
        transcript: Vec::new(),
        quit: None,
        step: 0,
    };
    for (i, step) in scenario.steps.iter().enumerate() {
        run.step = i + 1;
        run.do_step(step)?;
    }
    Ok(run.transcript)
}

struct Run<'a> {
    scenario: &'static Scenario,
    addr: SocketAddr,
    server: Option<&'a Running>,
    clients: HashMap<&'static str, TestClient>,
    /// How much of each client's input earlier steps have matched.
    cursors: HashMap<&'static str, usize>,
    transcript: Transcript,
    quit: Option<JoinHandle<QuitReport>>,
    step: usize,
}

impl Run<'_> {
    fn fail(&self, message: impl Into<String>, hint: Option<String>) -> Failure {
        Failure {
            scenario: self.scenario.name,
            step: self.step,
            message: message.into(),
            hint,
            transcript: self.transcript.clone(),
            server_said: self.server_said(),
        }
    }

    /// The server's last records (netlab's own server only), for a failure report.
    fn server_said(&self) -> Vec<String> {
        let Some(interp) = self.observed() else {
            return Vec::new();
        };
        let shown: Vec<String> = interp
            .records()
            .iter()
            .filter_map(|r| match r {
                Record::Log { message, .. } => {
                    Some(format!("log: {}", shorten(&escape(message.as_bytes()))))
                }
                Record::Print(line) => {
                    Some(format!("print: {}", shorten(&escape(line.as_bytes()))))
                }
                Record::Ended { thread, exception } => Some(format!(
                    "thread {thread} ended{}",
                    exception
                        .as_ref()
                        .map_or(String::new(), |e| format!(": {e}"))
                )),
                Record::Started { .. } => None,
            })
            .collect();
        shown[shown.len().saturating_sub(20)..].to_vec()
    }

    fn client(&self, name: &str) -> Result<&TestClient, Failure> {
        self.clients.get(name).ok_or_else(|| {
            self.fail(
                format!("scenario bug: client {name} is not connected"),
                None,
            )
        })
    }

    fn addr_of(&self, name: &str) -> Result<SocketAddr, Failure> {
        Ok(self.client(name)?.local)
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

    /// The server's interpreter, when the server is netlab's and captures its records.
    fn observed(&self) -> Option<&crate::py::Interpreter> {
        self.server
            .map(|s| s.interpreter().as_ref())
            .filter(|i| i.captures())
    }

    fn note_unchecked(&mut self, what: String) {
        self.transcript.push(format!(
            "[server] (not checked: needs netlab's own server) {what}"
        ));
    }

    fn do_step(&mut self, step: &Step) -> Result<(), Failure> {
        match *step {
            Step::Connect(name) => self.connect(name, true),
            Step::Arrive(name) => self.connect(name, false),
            Step::Send(name, data) => {
                let bytes = data.to_bytes();
                self.transcript
                    .push(format!("[{name}] $ send {}", shorten(&escape(&bytes))));
                self.client(name)?.send(&bytes).map_err(|e| {
                    self.fail(
                        format!("[{name}] send failed: {e}"),
                        Some("the server closed or reset this connection earlier".into()),
                    )
                })
            }
            Step::Expect(name, pieces) => self.expect(name, pieces),
            Step::Quiet(name, ms) => self.quiet(name, ms),
            Step::Ends(name, ref end) => self.ends(name, end),
            Step::Close(name) => {
                self.transcript.push(format!("[{name}] $ close (FIN)"));
                self.clients.get_mut(name).map(TestClient::close);
                Ok(())
            }
            Step::Reset(name) => {
                self.transcript.push(format!("[{name}] $ reset (RST)"));
                let c = self
                    .clients
                    .get_mut(name)
                    .expect("reset of an unknown client");
                if let Err(e) = c.reset() {
                    return Err(self.fail(format!("[{name}] reset failed: {e}"), None));
                }
                Ok(())
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
            Step::Says(text) => self.says(text),
            Step::ThreadDies(thread, error) => self.thread_ends(thread, Some(error)),
            Step::ThreadEnds(thread) => self.thread_ends(thread, None),
            Step::ThreadBlocked(thread, call) => self.thread_blocked(thread, call),
            Step::Quit(grace_ms) => self.quit(grace_ms),
            Step::QuitEnds(clean) => self.quit_ends(clean),
        }
    }

    fn connect(&mut self, name: &'static str, registered: bool) -> Result<(), Failure> {
        let client = TestClient::connect(name, self.addr).map_err(|e| {
            let hint = if e.kind() == std::io::ErrorKind::ConnectionRefused {
                "nothing is listening there: did the server bind the port it was given?"
            } else {
                "the server's listen backlog may be full, or it is not running"
            };
            self.fail(
                format!("[{name}] could not connect to {}: {e}", self.addr),
                Some(hint.into()),
            )
        })?;
        self.transcript.push(format!(
            "[{name}] $ connect {}    ({name} is {})",
            self.addr, client.local
        ));
        let local = client.local;
        self.clients.insert(name, client);
        self.cursors.insert(name, 0);
        // A message sent before the server has put the new client in its dict does not
        // reach it. netlab's server says when it has (it starts the client's recv thread
        // right after); any other server gets a moment.
        let accepts_many = self.server.is_none_or(|s| s.stage.number != 1);
        if !registered {
            return Ok(());
        }
        match self.observed() {
            Some(interp) if accepts_many => {
                let thread = format!("recv {local}");
                let started = interp.wait_for(
                    WAIT,
                    |r| matches!(r, Record::Started { thread: t } if *t == thread),
                );
                if started.is_none() {
                    return Err(self.fail(
                        format!("the server did not start a thread for {name} ({local})"),
                        None,
                    ));
                }
                // Started is not enough: wait until the new thread sits in its recv() and
                // the accept thread in accept() again, as they would by the time a person
                // types the next line.
                interp.wait_idle(WAIT);
            }
            Some(_) => {}
            None => std::thread::sleep(SETTLE),
        }
        Ok(())
    }

    fn expect(&mut self, name: &'static str, pieces: &[Piece]) -> Result<(), Failure> {
        let mut tokens = Vec::new();
        for piece in pieces {
            match piece {
                Piece::Raw(data) => tokens.push(Token::Bytes(data.to_bytes())),
                Piece::Message { from, body, times } => {
                    let sender = self.addr_of(from)?;
                    let header_rest = format!(" {}:{}\n", sender.ip(), sender.port()).into_bytes();
                    let mut rest = body.to_bytes();
                    rest.push(b'\n');
                    for _ in 0..*times {
                        tokens.push(Token::Timestamp);
                        tokens.push(Token::Bytes(header_rest.clone()));
                        tokens.push(Token::Bytes(rest.clone()));
                    }
                }
            }
        }
        let want: usize = tokens.iter().map(Token::len).sum();
        let cursor = self.cursors[name];
        let client = self.client(name)?;
        client.wait_until(WAIT, |data, end| {
            data.len() >= cursor + want || end.is_some()
        });
        let got = client.received();
        let got = &got[cursor.min(got.len())..];
        let expected_text = tokens.iter().map(Token::show).collect::<String>();
        match first_difference(&tokens, got) {
            None => {
                self.transcript.push(format!(
                    "[{name}] received {}",
                    shorten(&escape(&got[..want]))
                ));
                self.cursors.insert(name, cursor + want);
                Ok(())
            }
            Some(at) if at >= got.len() => {
                let end = client.end();
                let hint = match end {
                    Some(End::Eof) => Some("the server closed this connection (EOF) before sending it all".into()),
                    Some(End::Reset) => Some("the connection was reset (RST): the server crashed, or closed it with unread data".into()),
                    _ => None,
                };
                Err(self.fail(
                    format!(
                        "[{name}] expected: {}\n[{name}] received only {} of {want} bytes in {} s: {}",
                        shorten(&expected_text),
                        got.len(),
                        WAIT.as_secs(),
                        shorten(&escape(got))
                    ),
                    hint,
                ))
            }
            Some(at) => {
                let (exp, rec, caret) = side_by_side(&tokens, got, at);
                let hint = if tokens_timestamp_at(&tokens, at) {
                    Some("the header's time must use the notes' format %Y%m/%d %H:%M:%S, e.g. 202611/25 16:35:53".into())
                } else {
                    None
                };
                Err(self.fail(
                    format!(
                        "[{name}] expected: {exp}\n[{name}] received: {rec}\n{}^ first difference at byte {at}",
                        " ".repeat(caret + name.len() + 13)
                    ),
                    hint,
                ))
            }
        }
    }

    fn quiet(&mut self, name: &'static str, ms: u64) -> Result<(), Failure> {
        let cursor = self.cursors[name];
        let client = self.client(name)?;
        let extra = client.wait_until(Duration::from_millis(ms), |data, _| data.len() > cursor);
        if extra {
            let got = client.received();
            return Err(self.fail(
                format!(
                    "[{name}] expected nothing more for {ms} ms, but received {}",
                    shorten(&escape(&got[cursor..]))
                ),
                None,
            ));
        }
        self.transcript
            .push(format!("[{name}] receives nothing for {ms} ms"));
        Ok(())
    }

    fn ends(&mut self, name: &'static str, expected: &End) -> Result<(), Failure> {
        let cursor = self.cursors[name];
        let client = self.client(name)?;
        let end = client.wait_end(WAIT);
        let got = client.received();
        if got.len() > cursor {
            return Err(self.fail(
                format!(
                    "[{name}] expected the connection to end, but first received {}",
                    shorten(&escape(&got[cursor..]))
                ),
                None,
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
                    other.map_or(
                        format!("nothing in {} s (still open)", WAIT.as_secs()),
                        |e| format!("{e:?}")
                    )
                ),
                None,
            )),
        }
    }

    fn says(&mut self, text: &str) -> Result<(), Failure> {
        let text = self.fill(text);
        let Some(interp) = self.observed() else {
            self.note_unchecked(format!("logs {text:?}"));
            return Ok(());
        };
        let found = interp.wait_for(WAIT, |r| match r {
            Record::Log { message, .. } | Record::Print(message) => message.contains(&text),
            _ => false,
        });
        if found.is_none() {
            return Err(self.fail(
                format!("[server] expected a log line containing {text:?}"),
                None,
            ));
        }
        self.transcript
            .push(format!("[server] logs {}", shorten(&format!("{text:?}"))));
        Ok(())
    }

    fn thread_ends(&mut self, thread: &str, error: Option<&str>) -> Result<(), Failure> {
        let thread = self.fill(thread);
        let Some(interp) = self.observed() else {
            self.note_unchecked(format!(
                "thread {thread} ends ({})",
                error.unwrap_or("normally")
            ));
            return Ok(());
        };
        let ended = interp.wait_for(
            WAIT,
            |r| matches!(r, Record::Ended { thread: t, .. } if *t == thread),
        );
        let line = match (ended, error) {
            (
                Some(Record::Ended {
                    exception: Some(e), ..
                }),
                Some(want),
            ) if e.to_string().contains(want) => {
                format!("[server] thread {thread} dies: {e}")
            }
            (
                Some(Record::Ended {
                    exception: None, ..
                }),
                None,
            ) => format!("[server] thread {thread} ends"),
            (Some(Record::Ended { exception, .. }), want) => {
                return Err(self.fail(
                    format!(
                        "[server] thread {thread} ended with {}, expected {}",
                        exception.map_or("no exception".to_string(), |e| e.to_string()),
                        want.map_or("no exception".to_string(), |w| format!(
                            "an exception containing {w:?}"
                        ))
                    ),
                    None,
                ))
            }
            _ => {
                return Err(self.fail(
                    format!(
                        "[server] expected thread {thread} to end within {} s; it did not",
                        WAIT.as_secs()
                    ),
                    None,
                ))
            }
        };
        self.transcript.push(line);
        Ok(())
    }

    fn thread_blocked(&mut self, thread: &str, call: &str) -> Result<(), Failure> {
        let thread = self.fill(thread);
        let Some(interp) = self.observed() else {
            self.note_unchecked(format!("thread {thread} is blocked in {call}"));
            return Ok(());
        };
        // A thread's blocked state is not an event, so this one step polls.
        let deadline = Instant::now() + WAIT;
        loop {
            let found = interp
                .alive_threads()
                .into_iter()
                .find(|t| t.name == thread);
            if let Some(b) = found.as_ref().and_then(|t| t.blocked.as_ref()) {
                if b.what.contains(call) {
                    self.transcript
                        .push(format!("[server] thread {thread} is blocked in {}", b.what));
                    return Ok(());
                }
            }
            if Instant::now() >= deadline {
                return Err(self.fail(
                    format!(
                        "[server] expected thread {thread} to be blocked in {call:?}; it is {}",
                        match found {
                            None => match interp
                                .threads()
                                .into_iter()
                                .rev()
                                .find(|t| t.name == thread)
                            {
                                Some(t) => format!(
                                    "not running: it ended{}",
                                    t.exception.map_or(String::new(), |e| format!(" with {e}"))
                                ),
                                None => "not running: it never started".to_string(),
                            },
                            Some(t) => t
                                .blocked
                                .map_or("running".to_string(), |b| format!("in {}", b.what)),
                        }
                    ),
                    None,
                ));
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    fn quit(&mut self, grace_ms: u64) -> Result<(), Failure> {
        let Some(server) = self.server else {
            self.note_unchecked("quit typed at the console".into());
            return Ok(());
        };
        // Typed when the server is idle, as a teacher would.
        server.interpreter().wait_idle(WAIT);
        self.transcript
            .push(format!("[console] >> quit    (grace {grace_ms} ms)"));
        self.quit = Some(server.quit_in_background(QuitOptions {
            main_wait: Duration::ZERO,
            grace: Duration::from_millis(grace_ms),
        }));
        Ok(())
    }

    fn quit_ends(&mut self, clean: bool) -> Result<(), Failure> {
        let Some(handle) = self.quit.take() else {
            self.note_unchecked("the server exits".into());
            return Ok(());
        };
        let report = handle.join().expect("the quit sequence panicked");
        if report.clean() != clean {
            return Err(self.fail(
                format!(
                    "[server] expected the quit to end {}, but after {:.1} s {}",
                    if clean {
                        "with every thread done"
                    } else {
                        "cut short"
                    },
                    report.elapsed.as_secs_f64(),
                    if report.clean() {
                        "every thread had ended".to_string()
                    } else {
                        format!(
                            "{} were cut short:\n{}",
                            report.stuck.len(),
                            crate::stage::describe(&report.stuck)
                        )
                    }
                ),
                None,
            ));
        }
        self.transcript.push(format!(
            "[server] every thread has {} {:.1} s after quit",
            if clean { "ended" } else { "been cut short" },
            report.elapsed.as_secs_f64()
        ));
        Ok(())
    }
}

/// Part of an expectation: known bytes, or a timestamp matched by shape.
enum Token {
    Bytes(Vec<u8>),
    Timestamp,
}

impl Token {
    fn len(&self) -> usize {
        match self {
            Token::Bytes(b) => b.len(),
            Token::Timestamp => TIMESTAMP_LEN,
        }
    }

    fn show(&self) -> String {
        match self {
            Token::Bytes(b) => escape(b).trim_matches('"').to_string(),
            Token::Timestamp => "{TS}".to_string(),
        }
    }
}

/// The offset of the first byte of `got` that does not match `tokens`; `got.len()` if
/// all of `got` matches but it is too short; None if it matches entirely.
fn first_difference(tokens: &[Token], got: &[u8]) -> Option<usize> {
    let mut at = 0;
    for token in tokens {
        let rest = &got[at.min(got.len())..];
        match token {
            Token::Bytes(b) => {
                if let Some(i) = b.iter().zip(rest).position(|(x, y)| x != y) {
                    return Some(at + i);
                }
                if rest.len() < b.len() {
                    return Some(got.len());
                }
            }
            Token::Timestamp => {
                let ok = timestamp_prefix(rest);
                if ok < TIMESTAMP_LEN {
                    return Some(at + ok);
                }
            }
        }
        at += token.len();
    }
    None
}

fn tokens_timestamp_at(tokens: &[Token], at: usize) -> bool {
    let mut start = 0;
    for t in tokens {
        if at < start + t.len() {
            return matches!(t, Token::Timestamp);
        }
        start += t.len();
    }
    false
}

/// Expected and received around byte `at`, escaped, and the caret's column in both.
fn side_by_side(tokens: &[Token], got: &[u8], at: usize) -> (String, String, usize) {
    // Expected bytes with the timestamp filled from what was received, so both lines align.
    let mut expected = Vec::new();
    for t in tokens {
        match t {
            Token::Bytes(b) => expected.extend_from_slice(b),
            Token::Timestamp => {
                let start = expected.len();
                let ts = got
                    .get(start..start + TIMESTAMP_LEN)
                    .unwrap_or(b"??????/?? ??:??:??");
                expected.extend_from_slice(ts);
            }
        }
    }
    let from = at.saturating_sub(40);
    let exp = escape(&expected[from.min(expected.len())..(at + 40).min(expected.len())]);
    let rec = escape(&got[from..(at + 40).min(got.len())]);
    let caret = escape(&got[from..at]).chars().count() - 1;
    let dots = if from > 0 { "…" } else { "" };
    (
        format!("{dots}{exp}"),
        format!("{dots}{rec}"),
        caret + dots.chars().count(),
    )
}

/// Bytes as a double-quoted string a student can type back: `"hello\n\xff"`.
pub fn escape(data: &[u8]) -> String {
    let mut out = String::from("\"");
    for chunk in data.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                c if c.is_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
                c => out.push(c),
            }
        }
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out.push('"');
    out
}

/// Long texts in transcripts: the start and the end, and the size.
fn shorten(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= 160 {
        return text.to_string();
    }
    let head: String = chars[..100].iter().collect();
    let tail: String = chars[chars.len() - 40..].iter().collect();
    format!("{head}…{tail} ({} characters)", chars.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_match_by_shape() {
        let tokens = [
            Token::Timestamp,
            Token::Bytes(b" 127.0.0.1:5\nhi\n\n".to_vec()),
        ];
        assert_eq!(
            first_difference(&tokens, b"202611/25 16:35:53 127.0.0.1:5\nhi\n\n"),
            None
        );
        assert_eq!(
            first_difference(&tokens, b"2026-11-25 16:35:53 127.0.0.1:5\nhi\n\n"),
            Some(4)
        );
        assert_eq!(
            first_difference(&tokens, b"202611/25 16:35:53 127.0.0.1:5\nho\n\n"),
            Some(32)
        );
        assert_eq!(
            first_difference(&tokens, b"202611/25 16:35:53 127"),
            Some(22)
        );
    }

    #[test]
    fn escape_is_readable() {
        assert_eq!(escape(b"hi\n\xff\"\\"), "\"hi\\n\\xff\\\"\\\\\"");
        assert_eq!(escape("你好".as_bytes()), "\"你好\"");
    }
}
