//! How a scenario went: its transcript, what could and could not be checked, and the
//! first failure with its hint; printed for a student, or as JSON for a teacher's script.

use super::model::Class;
use super::Transcript;
use crate::tr;
use std::fmt;
use std::time::Duration;

/// The verdict on one scenario.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Every step that could be checked held, and at least one could.
    Passed,
    /// A step did not hold.
    Failed,
    /// No step could be checked against this server (each needs netlab's own).
    NotChecked,
}

impl Verdict {
    /// The word on the scenario's line, in the language in force.
    pub(crate) fn word(self) -> String {
        match self {
            Verdict::Passed => tr!("verdict-pass"),
            Verdict::Failed => tr!("verdict-fail"),
            Verdict::NotChecked => tr!("verdict-not-checked"),
        }
    }
}

/// The step that did not go as expected.
#[derive(Clone, Debug)]
pub struct Failure {
    /// The step, from 1.
    pub(crate) step: usize,
    /// What was expected and what happened instead (several lines, already laid out).
    pub(crate) message: String,
    /// A hint for the usual cause, if one applies.
    pub(crate) hint: Option<String>,
    /// The server's last records (netlab's own server in this process only).
    pub(crate) server_said: Vec<String>,
    /// Whether it failed while a client was being registered (it sends a line and waits
    /// for it to come back): where every scenario starts.
    pub(crate) registering: bool,
}

/// What the steps of a flaw or an accident showed (`Class`), for a program judged by the
/// contract: the notes' behaviour present, or absent (how, in one line).
#[derive(Clone, Debug)]
pub struct Note {
    /// What the steps show.
    pub class: Class,
    /// The first step of them, from 1.
    pub step: usize,
    /// The notes' behaviour was there (every step held), or not: the first step that did
    /// not hold, and what happened instead.
    pub absent: Option<(usize, String)>,
}

/// What running a scenario against a server gave.
#[derive(Debug)]
pub struct Outcome {
    /// Which scenario: its name, and what it shows.
    pub name: &'static str,
    pub(crate) shows: String,
    /// Everything that happened, in order, as a student can replay it with `nc`.
    pub(crate) transcript: Transcript,
    /// Steps that checked something and held.
    pub(crate) checked: usize,
    /// Steps that could not be checked against this server (they never count as passed).
    pub(crate) unchecked: usize,
    /// The first step of the contract that did not hold, if one did not.
    pub(crate) failure: Option<Failure>,
    /// What the flaws' and accidents' steps showed, in order.
    pub(crate) notes: Vec<Note>,
    /// How long it took.
    pub elapsed: Duration,
}

impl Outcome {
    /// Passed, failed, or not checked at all.
    pub fn verdict(&self) -> Verdict {
        if self.failure.is_some() {
            Verdict::Failed
        } else if self.checked == 0 {
            Verdict::NotChecked
        } else {
            Verdict::Passed
        }
    }

    /// `PASS quit_removes_the_client (2 steps not checked)`: the scenario's line.
    pub(crate) fn headline(&self) -> String {
        self.headline_with(&[])
    }

    /// The scenario's line, with `more` said in its parentheses:
    /// `PASS quit_blocks_in_stop (flaw present: exercise 7.stop fixes it; 2 steps not checked)`.
    pub(crate) fn headline_with(&self, more: &[String]) -> String {
        let mut line = format!("{} {}", self.verdict().word(), self.name);
        let mut said: Vec<String> = Vec::new();
        if let Some(f) = &self.failure {
            said.push(tr!("outcome-at-step", step = f.step));
        }
        said.extend(more.iter().cloned());
        if self.failure.is_none() && self.unchecked > 0 {
            said.push(tr!("outcome-not-checked", n = self.unchecked));
        }
        if !said.is_empty() {
            line.push_str(&tr!(
                "outcome-said",
                said = said.join(&tr!("outcome-said-separator"))
            ));
        }
        line
    }

    /// One JSON object for a teacher's script: scenario, result, first failure (the
    /// command adds what was checked).
    pub(crate) fn json(&self) -> serde_json::Value {
        serde_json::json!({
            "scenario": self.name,
            "result": match self.verdict() {
                Verdict::Passed => "pass",
                Verdict::Failed => "fail",
                Verdict::NotChecked => "not_checked",
            },
            "checked_steps": self.checked,
            "unchecked_steps": self.unchecked,
            "seconds": (self.elapsed.as_secs_f64() * 1000.0).round() / 1000.0,
            "first_failure": self.failure.as_ref().map(|f| serde_json::json!({
                "step": f.step,
                "message": f.message,
                "hint": f.hint,
            })),
        })
    }
}

impl fmt::Display for Outcome {
    /// The headline, then the transcript and the failure, indented.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.headline())?;
        writeln!(f, "  {}", self.shows)?;
        for line in &self.transcript {
            writeln!(f, "  {line}")?;
        }
        if let Some(failure) = &self.failure {
            for line in failure.message.lines() {
                writeln!(f, "  {line}")?;
            }
            if let Some(hint) = &failure.hint {
                writeln!(f, "  {}", tr!("outcome-hint", hint = hint.as_str()))?;
            }
            if !failure.server_said.is_empty() {
                writeln!(f, "  {}", tr!("outcome-server-records"))?;
                for line in &failure.server_said {
                    writeln!(f, "    {line}")?;
                }
            }
        }
        Ok(())
    }
}
