//! The curriculum: every program netlab runs, one typed table.
//!
//! `stages/curriculum.toml` is the one list: each stage of the notes (and netlab's own
//! stages 8 and 9), the notes' client, and each exercise's reference solution is an
//! [`Entry`] with an id, a [`Kind`], a base, its programs (Rust, and Python), its page, its
//! texts keyed by language, and the scenarios that hold for it *relative to its base*.
//! `build.rs` deserialises the file with serde and generates [`ENTRIES`].
//!
//! Two rules serve every command and test:
//!
//! - **One parser** for every id a command takes ([`find`]): `3`, `client`, `5.race`. A
//!   mistake gets one sentence, whatever the command, listing what exists.
//! - **One rule** for what must pass, stages and exercises alike ([`Entry::checks`]):
//!   `checks(entry) = checks(base) − drops + adds`. Stage 5 adds nothing to stage 4 (its
//!   lock does not fix the race); exercise `5.race` is stage 5 with the race's experiment
//!   dropped and `churn_kills_no_thread` added.

use crate::lang::{self, Lang};
use crate::scenario::{client_check, ClientScenario, Experiment, Scenario, EXPERIMENTS, SCENARIOS};
use crate::stage::{ClientProgram, ServerProgram};
use crate::tr;

/// What an entry is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A server of the notes (1-7), or one of netlab's own (8, 9): `netlab stage 3`.
    Stage,
    /// The notes' chat client: `netlab client`.
    Client,
    /// An exercise: a flaw of its base to fix, and netlab's reference solution.
    Solution,
}

/// Which of an entry's two programs: the Python the class types and runs, or the Rust
/// netlab runs. (The language people read, zh or en, is [`Lang`]; this is the one a
/// program is written in.)
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Code {
    /// `stages/python/*.py`: what `netlab source` prints and `netlab diff` compares by
    /// default, the class's language.
    Python,
    /// `stages/*.rs`: the program as netlab runs it (`--rust`).
    Rust,
}

/// A program file, embedded.
#[derive(Clone, Copy, Debug)]
pub struct Source {
    /// The file, relative to the repository: `stages/stage3_event.rs`.
    pub file: &'static str,
    /// The program itself.
    pub text: &'static str,
}

/// An entry's texts in one language.
#[derive(Debug)]
pub struct Text {
    /// The language's code: `zh`, `en`.
    pub lang: &'static str,
    /// What a stage adds, or an exercise's task, in one line.
    pub title: &'static str,
    /// An exercise's task: what to change and how it is checked (empty for the others).
    pub task: &'static str,
    /// An exercise's hints, from the gentlest to the most concrete.
    pub hints: &'static [&'static str],
}

/// How an entry runs.
#[derive(Debug)]
pub enum Runs {
    /// As a server: `netlab stage ID`.
    Server(ServerProgram),
    /// As the chat client: `netlab client`, `netlab client --solution ID`.
    Client(ClientProgram),
}

/// One entry of the curriculum.
#[derive(Debug)]
pub struct Entry {
    /// What students type: `3`, `client`, `5.race`.
    pub id: &'static str,
    /// A stage, the client, or an exercise's solution.
    pub kind: Kind,
    /// The entry this one changes: the previous stage, the stage an exercise starts from.
    pub base: Option<&'static str>,
    /// A short name for tables (a solution's is its id).
    pub slug: &'static str,
    /// The notes' heading for this code block, as the notes have it (empty for a solution).
    pub heading: &'static str,
    /// The program as netlab runs it.
    pub rust: Source,
    /// The same program in Python, as a student types it.
    pub python: Option<Source>,
    /// The page of `netlab explain` (`stage3-event`), the base's for a solution.
    pub page: Option<&'static str>,
    /// For the client: the stage that plays the server when it is checked.
    pub server: Option<&'static str>,
    /// The scenarios and experiments that hold here and not at the base.
    pub adds: &'static [&'static str],
    /// The base's scenarios and experiments that no longer hold here.
    pub drops: &'static [&'static str],
    /// For a solution: where its base, as shipped, first fails (scenario, step).
    pub fails_at: Option<(&'static str, usize)>,
    /// The texts, one per language.
    pub texts: &'static [Text],
    /// How it runs.
    pub runs: Runs,
}

include!(concat!(env!("OUT_DIR"), "/curriculum.rs"));

/// The entry whose id is `text`; the error is the one sentence every command gives.
pub fn find(text: &str) -> Result<&'static Entry, String> {
    ENTRIES
        .iter()
        .find(|e| e.id == text)
        .ok_or_else(|| unknown(text))
}

/// The sentence for an id that is no entry's, listing what exists.
pub fn unknown(text: &str) -> String {
    tr!(
        "id-unknown",
        id = text,
        stages = stage_numbers(),
        client = client().id,
        exercises = crate::text::list(&ids(Kind::Solution))
    )
}

/// The ids of the entries of `kind`, in order.
pub fn ids(kind: Kind) -> Vec<&'static str> {
    of_kind(kind).map(|e| e.id).collect()
}

/// The entries of `kind`, in order.
pub fn of_kind(kind: Kind) -> impl Iterator<Item = &'static Entry> {
    ENTRIES.iter().filter(move |e| e.kind == kind)
}

/// The notes' client.
pub fn client() -> &'static Entry {
    of_kind(Kind::Client)
        .next()
        .expect("the curriculum has a client")
}

/// The stages' ids as people write them: `1-9`.
pub fn stage_numbers() -> String {
    ranges(of_kind(Kind::Stage).filter_map(|e| e.id.parse().ok()))
}

/// The ids of the stages with a `>> ` console: `3-9`.
pub fn stages_with_console() -> String {
    ranges(
        of_kind(Kind::Stage)
            .filter(|e| {
                e.server_program()
                    .is_some_and(|p| p.lifecycle.has_console())
            })
            .filter_map(|e| e.id.parse().ok()),
    )
}

/// Ascending numbers as ranges: `1-3, 5`.
fn ranges(numbers: impl Iterator<Item = u8>) -> String {
    let mut parts: Vec<(u8, u8)> = Vec::new();
    for n in numbers {
        match parts.last_mut() {
            Some((_, last)) if *last + 1 == n => *last = n,
            _ => parts.push((n, n)),
        }
    }
    parts
        .iter()
        .map(|&(a, b)| {
            if a == b {
                a.to_string()
            } else {
                format!("{a}-{b}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// What a command that runs a server takes: a stage, or a server exercise's solution.
pub fn parse_server(text: &str) -> Result<&'static Entry, String> {
    let entry = find(text)?;
    match &entry.runs {
        Runs::Server(_) => Ok(entry),
        Runs::Client(_) if entry.kind == Kind::Client => Err(tr!("id-is-the-client", id = text)),
        Runs::Client(_) => Err(tr!("id-is-a-client-solution", id = text)),
    }
}

/// What `netlab client --solution` takes: the id of an exercise whose solution is a client.
pub fn parse_client_solution(text: &str) -> Result<&'static Entry, String> {
    let entry = find(text)?;
    match (&entry.runs, entry.kind) {
        (Runs::Client(_), Kind::Solution) => Ok(entry),
        (Runs::Client(_), _) => Err(tr!("id-is-the-client", id = text)),
        (Runs::Server(_), Kind::Stage) => Err(tr!("id-is-a-stage-not-a-client", id = text)),
        (Runs::Server(_), _) => Err(tr!("id-is-a-server-solution", id = text)),
    }
}

/// What `netlab exercise` takes: an exercise's id.
pub fn parse_exercise(text: &str) -> Result<&'static Entry, String> {
    let entry = find(text)?;
    if entry.kind == Kind::Solution {
        Ok(entry)
    } else {
        Err(tr!(
            "id-is-not-an-exercise",
            id = text,
            exercises = crate::text::list(&ids(Kind::Solution))
        ))
    }
}

/// Any entry: `netlab source`, `netlab diff`, `netlab check`.
pub fn parse_any(text: &str) -> Result<&'static Entry, String> {
    find(text)
}

/// A check an entry must pass: a scenario (run against any program), an experiment (run
/// against netlab's own server in this process), or a client scenario (the client's).
#[derive(Clone, Copy, Debug)]
pub enum Check {
    Scenario(&'static Scenario),
    Experiment(&'static Experiment),
    Client(&'static ClientScenario),
}

impl Check {
    /// Its name, also the name of its test.
    pub fn name(self) -> &'static str {
        match self {
            Check::Scenario(s) => s.name,
            Check::Experiment(e) => e.name,
            Check::Client(c) => c.name,
        }
    }

    /// The check called `name`.
    pub fn named(name: &str) -> Option<Check> {
        if let Some(s) = SCENARIOS.iter().find(|s| s.name == name) {
            return Some(Check::Scenario(s));
        }
        if let Some(e) = EXPERIMENTS.iter().find(|e| e.name == name) {
            return Some(Check::Experiment(e));
        }
        client_check::find(name).map(Check::Client)
    }

    /// Where it stands in the tables: checks are listed in table order.
    fn position(self) -> usize {
        let (s, e) = (SCENARIOS.len(), EXPERIMENTS.len());
        match self {
            Check::Scenario(x) => SCENARIOS
                .iter()
                .position(|y| std::ptr::eq(x, y))
                .unwrap_or(0),
            Check::Experiment(x) => {
                s + EXPERIMENTS
                    .iter()
                    .position(|y| std::ptr::eq(x, y))
                    .unwrap_or(0)
            }
            Check::Client(x) => s + e + client_check::position(x),
        }
    }
}

impl Entry {
    /// The entry this one changes.
    pub fn base(&self) -> Option<&'static Entry> {
        self.base.and_then(|b| find(b).ok())
    }

    /// The names of everything that must hold here: `checks(base) − drops + adds`, the
    /// entry's own (`adds`) first, then what it keeps of its base's, each in table order.
    pub fn check_names(&self) -> Vec<&'static str> {
        let mut names: Vec<&'static str> = sorted(self.adds.to_vec());
        let kept = self.base().map_or(Vec::new(), |b| b.check_names());
        let kept = kept
            .into_iter()
            .filter(|n| !self.drops.contains(n) && !self.adds.contains(n));
        names.extend(sorted(kept.collect()));
        names
    }

    /// Everything that must hold here, own first: see [`Entry::check_names`].
    pub fn checks(&self) -> Vec<Check> {
        self.check_names()
            .into_iter()
            .map(|n| Check::named(n).unwrap_or_else(|| panic!("{}: no check called {n}", self.id)))
            .collect()
    }

    /// The scenarios a program must pass here (those a grader runs): own first.
    pub fn scenarios(&self) -> Vec<&'static Scenario> {
        self.checks()
            .into_iter()
            .filter_map(|c| match c {
                Check::Scenario(s) => Some(s),
                _ => None,
            })
            .collect()
    }

    /// The experiments that hold here (run against netlab's own server).
    pub fn experiments(&self) -> Vec<&'static Experiment> {
        self.checks()
            .into_iter()
            .filter_map(|c| match c {
                Check::Experiment(e) => Some(e),
                _ => None,
            })
            .collect()
    }

    /// The client scenarios a client program must pass here.
    pub fn client_scenarios(&self) -> Vec<&'static ClientScenario> {
        self.checks()
            .into_iter()
            .filter_map(|c| match c {
                Check::Client(s) => Some(s),
                _ => None,
            })
            .collect()
    }

    /// Whether `name` is one of the entry's own checks (rather than one kept from its base).
    pub fn adds(&self, name: &str) -> bool {
        self.adds.contains(&name)
    }

    /// The entry's program in `code`, if it has one: the Rust always, the Python where the
    /// curriculum gives it.
    pub fn program(&self, code: Code) -> Option<Source> {
        match code {
            Code::Python => self.python,
            Code::Rust => Some(self.rust),
        }
    }

    /// The entry's texts in `lang`, or in English where it has none.
    pub fn text_in(&self, lang: Lang) -> &'static Text {
        self.texts
            .iter()
            .find(|t| t.lang == lang.code())
            .or_else(|| {
                self.texts
                    .iter()
                    .find(|t| t.lang == Lang::fallback().code())
            })
            .expect("build.rs checks that every entry has every language's text")
    }

    /// The entry's texts in the language in force.
    pub fn text(&self) -> &'static Text {
        self.text_in(lang::current())
    }

    /// How it runs as a server, if it is one.
    pub fn server_program(&self) -> Option<&ServerProgram> {
        match &self.runs {
            Runs::Server(p) => Some(p),
            Runs::Client(_) => None,
        }
    }

    /// How it runs as the client, if it is one.
    pub fn client_program(&self) -> Option<&ClientProgram> {
        match &self.runs {
            Runs::Client(p) => Some(p),
            Runs::Server(_) => None,
        }
    }

    /// The stage that plays the server when this client (or a client exercise) is
    /// checked: the client entry's `server`.
    pub fn server_stage(&self) -> Option<&'static Entry> {
        let client = match self.kind {
            Kind::Client => Some(self),
            Kind::Solution => self.base().filter(|b| b.kind == Kind::Client),
            Kind::Stage => None,
        }?;
        client.server.and_then(|s| find(s).ok())
    }

    /// What the entry is called: `stage 5`, `the client`, `exercise 5.race`.
    pub fn name(&self) -> String {
        match self.kind {
            Kind::Stage => tr!("entry-stage", id = self.id),
            Kind::Client => tr!("entry-client"),
            Kind::Solution => tr!("entry-exercise", id = self.id),
        }
    }
}

/// Check names in table order.
fn sorted(mut names: Vec<&'static str>) -> Vec<&'static str> {
    names.sort_by_key(|n| Check::named(n).map_or(usize::MAX, Check::position));
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_check_an_entry_names_exists() {
        for e in ENTRIES {
            for name in e.adds.iter().chain(e.drops) {
                assert!(
                    Check::named(name).is_some(),
                    "{}: no check called {name}",
                    e.id
                );
            }
            if let Some((scenario, _)) = e.fails_at {
                assert!(
                    e.adds(scenario),
                    "{}: fails_at names another scenario",
                    e.id
                );
            }
            for name in e.drops {
                let base = e.base().expect("an entry that drops has a base");
                assert!(
                    base.check_names().contains(name),
                    "{}: drops {name}, which its base {} does not have",
                    e.id,
                    base.id
                );
            }
        }
    }

    #[test]
    fn ids_and_kinds_parse_as_the_commands_need() {
        assert_eq!(find("3").unwrap().kind, Kind::Stage);
        assert_eq!(parse_server("5.race").unwrap().id, "5.race");
        assert!(parse_server("client").is_err());
        assert!(parse_server("client.quit").is_err());
        assert_eq!(
            parse_client_solution("client.quit").unwrap().id,
            "client.quit"
        );
        assert!(parse_client_solution("3").is_err());
        assert!(parse_exercise("3").is_err());
        let e = find("12").unwrap_err();
        assert!(e.contains("12") && e.contains("5.race"), "{e}");
    }

    #[test]
    fn ranges_join_consecutive_numbers() {
        assert_eq!(ranges([1, 2, 3, 5, 7, 8].into_iter()), "1-3, 5, 7-8");
    }
}
