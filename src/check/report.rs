//! What `netlab check` prints: the heading, a line per scenario as it is done (its
//! transcript too when it failed), the notes on the notes' flaws and CPython's accidents,
//! and the summary; or, with `--json`, one object per scenario. A report stays readable
//! whatever the program does: a failure that repeats another is named, not printed again,
//! and the program's output is shown by its start and its end.

use super::{Graded, Item};
use crate::curriculum::{self, Entry, Kind};
use crate::scenario::{Class, NotStarted, Note, Outcome, Verdict};
use crate::{errln, out, outln};
use std::path::PathBuf;

/// The report of one `netlab check` run, printed as it goes.
pub(crate) struct Report {
    subject: &'static Entry,
    json: bool,
    verbose: bool,
    /// Only the first failure in full (`--watch`).
    brief: bool,
    /// Where each scenario's whole transcript goes (`--log DIR`).
    log: Option<PathBuf>,
    /// The failures printed in full so far: their signature, and the scenario.
    printed: Vec<(String, &'static str)>,
    /// The scenarios that were not run.
    not_run: Vec<&'static str>,
}

impl Report {
    pub(crate) fn new(
        subject: &'static Entry,
        json: bool,
        verbose: bool,
        brief: bool,
        log: Option<PathBuf>,
    ) -> Report {
        Report {
            subject,
            json,
            verbose,
            brief,
            log,
            printed: Vec::new(),
            not_run: Vec::new(),
        }
    }

    /// A line for people: on standard output, or nowhere with `--json` (standard output
    /// then carries only the JSON objects).
    fn say(&self, text: &str) {
        if !self.json {
            outln!("{text}");
        }
    }

    /// What is checked, how, and against what.
    pub(crate) fn heading(&self, command: &[String], port: Option<u16>, jobs: usize, strict: bool) {
        let subject = self.subject;
        let what = match subject.kind {
            Kind::Solution => format!(
                "{} ({}), from {}",
                subject.name(),
                subject.text().title,
                crate::exercise::base_name(subject)
            ),
            _ => format!("{} ({})", subject.name(), subject.text().title),
        };
        let how = match (subject.server_stage(), port) {
            (Some(server), _) => format!(
                "a fresh client for each scenario, with {{port}} and $PORT the port of netlab's \
                 own stage {}",
                server.id
            ),
            (_, Some(port)) => format!("a fresh program for each scenario, on port {port}"),
            (_, None) => format!(
                "a fresh program for each scenario, on a free port ({{port}} in its arguments, \
                 $PORT in its environment), {jobs} at a time"
            ),
        };
        let judged = if strict {
            "everything the notes' program does must hold: its flaws, CPython's accidents and \
             the header's exact format (--strict)"
        } else {
            "the contract must hold; the notes' flaws and CPython's accidents are reported, not \
             required (--strict requires them)"
        };
        self.say(&format!(
            "netlab check {}: `{}` against {what}\n{how}\n{judged}",
            subject.id,
            command.join(" ")
        ));
        if subject.kind == Kind::Stage && subject.adds.is_empty() {
            self.say(&format!(
                "\nstage {} adds no scenario of its own: what it changes shows only under load \
                 (`netlab explain {}`); the scenarios below must still hold",
                subject.id, subject.id
            ));
        }
    }

    /// A group's heading: the stage's own scenarios, those it keeps.
    pub(crate) fn group(&self, heading: &str) {
        self.say(&format!("\n{heading}"));
    }

    /// One scenario, as soon as it is done (`None`: it was not run).
    pub(crate) fn scenario(&mut self, item: Item, outcome: Option<&Outcome>) {
        let Some(outcome) = outcome else {
            self.not_run.push(item.name());
            if self.json {
                outln!(
                    "{}",
                    with_subject(
                        serde_json::json!({"scenario": item.name(), "result": "not_run"}),
                        self.subject
                    )
                );
            }
            return;
        };
        if let Some(dir) = &self.log {
            let text = format!("{}{}", outcome, self.notes_text(outcome));
            let _ = std::fs::write(dir.join(format!("{}.log", outcome.name)), text);
        }
        if self.json {
            outln!("{}", self.json_object(outcome));
            return;
        }
        let headline = self.headline(outcome);
        let failed = outcome.verdict() == Verdict::Failed;
        if failed {
            let signature = signature(outcome);
            if let Some((_, first)) = self.printed.iter().find(|(s, _)| *s == signature) {
                outln!("{headline}\n  the same failure as {first}, above");
                return;
            }
            let first = self.printed.is_empty();
            self.printed.push((signature, outcome.name));
            if !self.brief || first {
                out!("{}", full(outcome, &headline, ""));
                return;
            }
        } else if self.verbose {
            out!("{}", full(outcome, &headline, ""));
            return;
        }
        outln!("{headline}");
    }

    /// The program could not be checked at all.
    pub(crate) fn not_started(&self, why: &NotStarted) {
        let mut text = format!("CANNOT CHECK: {}\n", why.message);
        for line in &why.output {
            text.push_str(&format!("  {line}\n"));
        }
        if let Some(hint) = &why.hint {
            text.push_str(&format!("  hint: {hint}\n"));
        }
        if self.json {
            outln!(
                "{}",
                with_subject(
                    serde_json::json!({
                        "result": "not_started",
                        "first_failure": {"message": why.message, "hint": why.hint},
                    }),
                    self.subject
                )
            );
            errln!("{}", text.trim_end());
        } else {
            out!("{text}");
        }
        errln!(
            "netlab check: the program could not be checked (exit code {})",
            super::NOT_STARTED
        );
    }

    /// The summary; returns whether a scenario failed.
    pub(crate) fn summary(&self, graded: &Graded) -> bool {
        let outcomes: Vec<&Outcome> = graded
            .outcomes
            .iter()
            .filter_map(|(_, o)| o.as_ref())
            .collect();
        let count = |v: Verdict| outcomes.iter().filter(|o| o.verdict() == v).count();
        let (passed, failed) = (count(Verdict::Passed), count(Verdict::Failed));
        let not_checked = count(Verdict::NotChecked);
        let unchecked: usize = outcomes.iter().map(|o| o.unchecked).sum();
        let mut summary = format!("{passed} passed, {failed} failed");
        if not_checked > 0 {
            summary.push_str(&format!(", {not_checked} not checked at all"));
        }
        if !self.not_run.is_empty() {
            summary.push_str(&format!(", {} not run", self.not_run.len()));
        }
        if unchecked > 0 {
            summary.push_str(&format!(
                " ({} not checked)",
                crate::terminal::count(unchecked, "step", "steps")
            ));
        }
        let notes: Vec<&Note> = outcomes.iter().flat_map(|o| o.notes.iter()).collect();
        let flaws = |present: bool| {
            notes
                .iter()
                .filter(|n| n.class == Class::Flaw && n.absent.is_none() == present)
                .count()
        };
        let accidents = notes.iter().filter(|n| n.class != Class::Flaw).count();
        let mut second = Vec::new();
        if flaws(true) + flaws(false) > 0 {
            second.push(format!(
                "the notes' flaws: {} present, {} absent",
                flaws(true),
                flaws(false)
            ));
        }
        if accidents > 0 {
            second.push(format!("python-specific: {accidents} (not required)"));
        }
        if self.json {
            errln!("{summary}");
            return failed > 0 || !self.not_run.is_empty();
        }
        outln!("\n{summary}");
        if !second.is_empty() {
            outln!("{}", second.join(" · "));
        }
        if !self.not_run.is_empty() {
            let registering = outcomes
                .iter()
                .filter_map(|o| o.failure.as_ref())
                .all(|f| f.registering);
            if registering && failed > 0 {
                outln!(
                    "(the other {} scenarios were not run: every scenario starts by registering its \
                     clients, each sending a line and waiting for it to come back, and that failed: \
                     fix it first)",
                    self.not_run.len()
                );
            } else {
                outln!(
                    "(not run, after the first failure: {})",
                    self.not_run.join(", ")
                );
            }
        }
        if unchecked > 0 {
            outln!(
                "(not checked: steps that look inside the server, such as what a thread is blocked \
                 in, or what only netlab's own stages do; `netlab explain check` says which)"
            );
        }
        failed > 0 || !self.not_run.is_empty()
    }

    /// After a failed exercise: its first hint.
    pub(crate) fn exercise_hint(&self) {
        let hints = self.subject.text().hints;
        if let Some(hint) = hints.first() {
            self.say(&format!(
                "hint: {hint}\n(`netlab exercise {} --hint` has {} hints)",
                self.subject.id,
                hints.len()
            ));
        }
    }

    /// `PASS name (flaw present: exercise 2.leaver fixes it)`.
    pub(super) fn headline(&self, outcome: &Outcome) -> String {
        let notes: Vec<String> = outcome
            .notes
            .iter()
            .map(|n| self.note(outcome.name, n, false))
            .collect();
        outcome.headline_with(&notes)
    }

    /// The notes in full, a line each, for a transcript.
    pub(super) fn notes_text(&self, outcome: &Outcome) -> String {
        outcome
            .notes
            .iter()
            .map(|n| format!("  {}\n", self.note(outcome.name, n, true)))
            .collect()
    }

    /// One note: what the steps from `note.step` showed.
    pub(super) fn note(&self, scenario: &str, note: &Note, long: bool) -> String {
        let absent = |text: String| match (&note.absent, long) {
            (Some((step, why)), true) => format!("{text} (step {step}: {why})"),
            _ => text,
        };
        match (note.class, &note.absent) {
            (Class::Flaw, None) => {
                let fixes = fixers(self.subject, scenario);
                let ids: Vec<&str> = fixes.iter().map(|e| e.id).collect();
                match (fixes.first().map(|e| e.kind), ids.len()) {
                    (None, _) => "flaw present, as the notes keep it".to_string(),
                    (Some(_), 1) => format!("flaw present: {} fixes it", fixes[0].name()),
                    (Some(Kind::Solution), _) => {
                        format!("flaw present: exercises {} fix it", ids.join(", "))
                    }
                    (Some(_), _) => format!("flaw present: stages {} fix it", ids.join(", ")),
                }
            }
            (Class::Flaw, Some(_)) => {
                absent("flaw absent: the notes' code shows it here, this program does not".into())
            }
            (Class::Accident(_), None) => format!("python-specific: {}", why(note.class)),
            (Class::Accident(_), Some(_)) => absent(format!(
                "python-specific, not required: {}",
                why(note.class)
            )),
            (Class::ContractButCPython(_), _) => absent(format!(
                "python-specific: {}; a server in another language must do it",
                why(note.class)
            )),
            (Class::Contract, _) => String::new(),
        }
    }

    /// One scenario's JSON object.
    pub(super) fn json_object(&self, outcome: &Outcome) -> serde_json::Value {
        let mut object = with_subject(outcome.json(), self.subject);
        object["notes"] = outcome
            .notes
            .iter()
            .map(|n| {
                let class = match n.class {
                    Class::Flaw => "flaw",
                    Class::Accident(_) | Class::ContractButCPython(_) => "python-specific",
                    Class::Contract => "contract",
                };
                let why = n.class.why();
                serde_json::json!({
                    "class": class,
                    "present": n.absent.is_none(),
                    "step": n.step,
                    "why": why,
                    "fixed_by": if n.class == Class::Flaw {
                        fixers(self.subject, outcome.name).iter().map(|e| e.id).collect::<Vec<_>>()
                    } else {
                        Vec::new()
                    },
                })
            })
            .collect::<Vec<_>>()
            .into();
        object
    }
}

/// A scenario in full: its headline, what it shows, its transcript, its failure and its
/// notes.
pub(super) fn full(outcome: &Outcome, headline: &str, notes: &str) -> String {
    let text = outcome.to_string();
    // The outcome's own headline is its first line: this one has the notes in it.
    let rest = text.split_once('\n').map_or("", |(_, rest)| rest);
    format!("{headline}\n{rest}{notes}")
}

/// What makes two failures the same failure: the step, and the message with its numbers
/// (ports, times, sizes) left out.
fn signature(outcome: &Outcome) -> String {
    let Some(f) = &outcome.failure else {
        return String::new();
    };
    let message: String = f
        .message
        .chars()
        .map(|c| if c.is_ascii_digit() { '#' } else { c })
        .collect();
    format!("{} {message} {:?}", f.step, f.hint)
}

/// The entries that fix the flaw `scenario` shows in `subject`: the exercises that start
/// from it (or from its base, for an exercise) and drop that scenario; else the nearest
/// later stages' exercises or the later stage that drops it.
pub(crate) fn fixers(subject: &'static Entry, scenario: &str) -> Vec<&'static Entry> {
    let mut from: Vec<&'static Entry> = vec![match subject.kind {
        Kind::Solution => subject.base().unwrap_or(subject),
        _ => subject,
    }];
    for _ in 0..curriculum::ENTRIES.len() {
        let children: Vec<&'static Entry> = curriculum::ENTRIES
            .iter()
            .filter(|e| from.iter().any(|f| e.base == Some(f.id)))
            .collect();
        if children.is_empty() {
            break;
        }
        let dropping = |kind: Kind| -> Vec<&'static Entry> {
            children
                .iter()
                .copied()
                .filter(|e| e.kind == kind && e.drops.contains(&scenario))
                .collect()
        };
        let exercises = dropping(Kind::Solution);
        if !exercises.is_empty() {
            return exercises;
        }
        let stages = dropping(Kind::Stage);
        if !stages.is_empty() {
            return stages;
        }
        from = children
            .into_iter()
            .filter(|e| e.kind == Kind::Stage)
            .collect();
    }
    Vec::new()
}

/// A scenario's JSON object with what was checked: `"stage"`, the stage whose scenarios
/// they are (for an exercise, its base; for the client's, the stage that played the
/// server), and `"exercise"`, the exercise's id or null.
pub(super) fn with_subject(mut object: serde_json::Value, subject: &Entry) -> serde_json::Value {
    let stage = match subject.kind {
        Kind::Stage => Some(subject),
        Kind::Solution => subject.server_stage().or_else(|| subject.base()),
        Kind::Client => subject.server_stage(),
    };
    let stage = stage.map(|s| {
        s.id.parse::<u64>()
            .map_or(s.id.into(), serde_json::Value::from)
    });
    object["stage"] = stage.unwrap_or(serde_json::Value::Null);
    object["exercise"] = match subject.kind {
        Kind::Solution => subject.id.into(),
        _ => serde_json::Value::Null,
    };
    object
}

/// Stops the run when a scenario failed while registering its clients before any scenario
/// passed: every scenario starts so (each client sends a line and waits for it to come
/// back), and the rest would only fail the same way, each after waiting out the timeout.
#[derive(Default)]
pub(crate) struct SameStart {
    passed: bool,
}

impl SameStart {
    /// Whether to stop after `outcome`.
    pub(crate) fn stops_after(&mut self, outcome: &Outcome) -> bool {
        match &outcome.failure {
            Some(f) if f.registering => !self.passed,
            _ => {
                self.passed = true;
                false
            }
        }
    }
}

/// What an accident is, in the language in force.
fn why(class: Class) -> String {
    class.why().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fix_of_a_flaw_is_the_exercise_that_starts_there() {
        let id = |e: Vec<&Entry>| e.iter().map(|e| e.id).collect::<Vec<_>>();
        let two = curriculum::find("2").unwrap();
        assert_eq!(
            id(fixers(two, "closed_first_client_gets_one_empty_broadcast")),
            ["2.leaver"]
        );
        let three = curriculum::find("3").unwrap();
        assert_eq!(
            id(fixers(three, "quit_with_idle_clients_is_cut_short")),
            ["3.quit"]
        );
        let one = curriculum::find("1").unwrap();
        assert_eq!(id(fixers(one, "reset_kills_the_server")), ["2"]);
    }
}
