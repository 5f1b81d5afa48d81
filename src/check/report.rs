//! What `netlab check` prints: the heading, a line per scenario as it is done (its
//! transcript too when it failed), the notes on the notes' flaws and CPython's accidents,
//! and the summary; or, with `--json`, one object per scenario. A report stays readable
//! whatever the program does: a failure that repeats another is named, not printed again,
//! and the program's output is shown by its start and its end.

use super::{Graded, Item};
use crate::curriculum::{self, Entry, Kind};
use crate::scenario::{Class, NotStarted, Note, Outcome, Verdict};
use crate::{errln, out, outln, tr};
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
    /// A group's heading not printed yet: it comes before the group's first scenario that
    /// ran, so a group whose scenarios were all not run shows no heading.
    group: Option<String>,
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
            group: None,
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
            Kind::Solution => tr!(
                "check-what-exercise",
                subject = subject.name(),
                title = subject.text().title,
                base = crate::exercise::base_name(subject)
            ),
            _ => tr!(
                "check-what",
                subject = subject.name(),
                title = subject.text().title
            ),
        };
        let how = match (subject.server_stage(), port) {
            (Some(server), _) => tr!("check-how-client", stage = server.id),
            (_, Some(port)) => tr!("check-how-port", port = port.to_string()),
            (_, None) => tr!("check-how", jobs = jobs),
        };
        let judged = if strict {
            tr!("check-judged-strict")
        } else {
            tr!("check-judged")
        };
        self.say(&format!(
            "{}\n{how}\n{judged}",
            tr!(
                "check-heading",
                id = subject.id,
                command = command.join(" "),
                what = what
            )
        ));
        if subject.kind == Kind::Stage && subject.adds.is_empty() {
            self.say(&format!(
                "\n{}",
                tr!(
                    "check-adds-nothing",
                    subject = subject.name(),
                    id = subject.id
                )
            ));
        }
    }

    /// A group's heading: the stage's own scenarios, those it keeps.
    pub(crate) fn group(&mut self, heading: &str) {
        self.group = Some(heading.to_string());
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
        if let Some(heading) = self.group.take() {
            self.say(&format!("\n{heading}"));
        }
        let headline = self.headline(outcome);
        let failed = outcome.verdict() == Verdict::Failed;
        if failed {
            let signature = signature(outcome);
            if let Some((_, first)) = self.printed.iter().find(|(s, _)| *s == signature) {
                outln!(
                    "{headline}\n  {}",
                    tr!("check-same-failure", first = *first)
                );
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
        let mut text = format!(
            "\n{}\n",
            tr!("check-cannot-check", why = why.message.as_str())
        );
        for line in &why.output {
            text.push_str(&format!("  {line}\n"));
        }
        if let Some(hint) = &why.hint {
            text.push_str(&format!(
                "  {}\n",
                tr!("outcome-hint", hint = hint.as_str())
            ));
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
        errln!("{}", tr!("check-not-started", code = super::NOT_STARTED));
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
        let mut said = vec![tr!("check-summary", passed = passed, failed = failed)];
        if not_checked > 0 {
            said.push(tr!("check-summary-not-checked", n = not_checked));
        }
        if !self.not_run.is_empty() {
            said.push(tr!("check-summary-not-run", n = self.not_run.len()));
        }
        let mut summary = said.join(&tr!("check-summary-separator"));
        if unchecked > 0 {
            summary.push_str(&tr!("check-summary-steps", n = unchecked));
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
            second.push(tr!(
                "check-summary-flaws",
                present = flaws(true),
                absent = flaws(false)
            ));
        }
        if accidents > 0 {
            second.push(tr!("check-summary-python", n = accidents));
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
                    "{}",
                    tr!("check-not-run-registering", n = self.not_run.len())
                );
            } else {
                outln!("{}", tr!("check-not-run", names = self.not_run.join(", ")));
            }
        }
        if unchecked > 0 {
            outln!("{}", tr!("check-not-checked-why"));
        }
        failed > 0 || !self.not_run.is_empty()
    }

    /// After a failed exercise: its first hint.
    pub(crate) fn exercise_hint(&self) {
        let hints = self.subject.text().hints;
        if let Some(hint) = hints.first() {
            self.say(&format!(
                "{}\n{}",
                tr!("outcome-hint", hint = *hint),
                tr!(
                    "check-exercise-hints",
                    exercise = self.subject.id,
                    n = hints.len()
                )
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
            (Some((step, why)), true) => tr!(
                "note-absent-at",
                text = text,
                step = *step,
                why = why.as_str()
            ),
            _ => text,
        };
        match (note.class, &note.absent) {
            (Class::Flaw, None) => {
                let fixes = fixers(self.subject, scenario);
                let ids: Vec<&str> = fixes.iter().map(|e| e.id).collect();
                match (fixes.first().map(|e| e.kind), ids.len()) {
                    (None, _) => tr!("note-flaw-kept"),
                    (Some(_), 1) => tr!("note-flaw-fixed-by", fixer = fixes[0].name()),
                    (Some(Kind::Solution), _) => {
                        tr!("note-flaw-exercises", ids = ids.join(", "))
                    }
                    (Some(_), _) => tr!("note-flaw-stages", ids = ids.join(", ")),
                }
            }
            (Class::Flaw, Some(_)) => absent(tr!("note-flaw-absent")),
            (Class::Accident(_), None) => tr!("note-python", why = why(note.class)),
            (Class::Accident(_), Some(_)) => {
                absent(tr!("note-python-not-required", why = why(note.class)))
            }
            (Class::ContractButCPython(_), _) => {
                absent(tr!("note-python-contract", why = why(note.class)))
            }
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
