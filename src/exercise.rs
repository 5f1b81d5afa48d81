//! Exercises: every flaw a stage keeps, as a fix-it task a student's own server must pass.
//!
//! The exercises are data (`stages/exercises.toml`, the one list, read by `build.rs` into
//! [`EXERCISES`]): what to change, hints from gentle to concrete, the scenarios the fixed
//! server must pass (black-box, so `netlab check 5.race -- python3 my_stage5.py {port}`
//! grades a program in any language), the base stage's scenarios that the fix changes, and
//! netlab's reference solution: a copy of the base stage's file with only the fix changed
//! (`stages/solutions/`), which runs as a stage (`netlab stage 5.race`) so that the teacher
//! can show the flaw, then the fix, then the diff.
//!
//! A student's progress is one small file in the current directory, [`PROGRESS_FILE`]:
//! one line per exercise passed, written by `netlab check` and read by `netlab exercises`.

use crate::scenario::{self, Scenario};
use crate::stage::{Client, Stage};
use crate::tr;
use std::fmt::Write as _;
use std::path::Path;

/// What an exercise starts from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Base {
    /// A server stage of the notes.
    Stage(u8),
    /// The notes' client.
    Client,
}

/// netlab's reference solution, in the shape of what the exercise starts from.
pub enum Solution {
    /// A server: runs like a stage (`netlab stage 5.race`).
    Server(Stage),
    /// The client (`netlab client --solution client.quit`).
    Client(Client),
}

/// One exercise of `stages/exercises.toml`.
pub struct Exercise {
    /// What students type: `5.race`.
    pub id: &'static str,
    /// The stage (or the client) the student starts from.
    pub base: Base,
    /// The task in one line, in Chinese and in English.
    pub title_zh: &'static str,
    pub title_en: &'static str,
    /// What to change and how it is checked, a few lines.
    pub task_zh: &'static str,
    pub task_en: &'static str,
    /// Hints, from gentle to concrete.
    pub hints_zh: &'static [&'static str],
    pub hints_en: &'static [&'static str],
    /// The scenarios the fixed program must pass.
    pub scenarios: &'static [&'static str],
    /// The base stage's scenarios that the fix changes (they describe the flaw).
    pub replaces: &'static [&'static str],
    /// Where netlab's own base stage, as shipped, first fails: (scenario, step).
    pub fails_at: (&'static str, usize),
    /// netlab's reference solution.
    pub solution: Solution,
}

include!(concat!(env!("OUT_DIR"), "/exercises.rs"));

/// The exercise with this id.
pub fn find(id: &str) -> Option<&'static Exercise> {
    EXERCISES.iter().find(|e| e.id == id)
}

/// What `netlab stage` runs: a stage by its number (`3`), or an exercise's reference
/// solution by the exercise's id (`5.race`).
pub fn find_stage(text: &str) -> Result<&'static Stage, String> {
    if let Ok(n) = text.parse::<u8>() {
        return crate::stage::find(n).ok_or_else(|| {
            format!(
                "{n} is not in 1..={}: give a stage number, or an exercise's id for its solution                  ({})",
                crate::stages::STAGES.len(),
                server_ids()
            )
        });
    }
    match find(text) {
        Some(e) => e.solution_stage().ok_or_else(|| {
            format!(
                "{text} is the client's exercise: run it with `netlab client --solution {text}`"
            )
        }),
        None => Err(format!(
            "{text:?} is neither a stage number ({}) nor an exercise ({})",
            crate::stage::numbers(),
            server_ids()
        )),
    }
}

/// The ids of the exercises whose solution is a server.
fn server_ids() -> String {
    EXERCISES
        .iter()
        .filter(|e| matches!(e.base, Base::Stage(_)))
        .map(|e| e.id)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Any exercise's id, for a command that takes one.
pub fn parse_id(text: &str) -> Result<&'static Exercise, String> {
    find(text).ok_or_else(|| {
        let ids: Vec<&str> = EXERCISES.iter().map(|e| e.id).collect();
        format!("no exercise {text:?}; the exercises are {}", ids.join(", "))
    })
}

impl Exercise {
    /// The reference solution as a stage, for a server exercise.
    pub fn solution_stage(&self) -> Option<&'static Stage> {
        match &find(self.id)?.solution {
            Solution::Server(stage) => Some(stage),
            Solution::Client(_) => None,
        }
    }

    /// The reference solution's source file.
    pub fn solution_source(&self) -> &'static str {
        match &find(self.id).expect("an exercise of the table").solution {
            Solution::Server(stage) => stage.source,
            Solution::Client(client) => client.source,
        }
    }

    /// The server scenarios a program must pass for this exercise: the exercise's own,
    /// then those of the base stage that the fix does not change. (The client exercise's
    /// scenarios are client scenarios: see [`scenario::client_check`].)
    pub fn server_scenarios(&self) -> Vec<&'static Scenario> {
        let own = self
            .scenarios
            .iter()
            .filter_map(|name| scenario::find(name));
        let kept = match self.base {
            Base::Stage(n) => scenario::for_stage(n)
                .filter(|s| !self.replaces.contains(&s.name) && !self.scenarios.contains(&s.name))
                .collect(),
            Base::Client => Vec::new(),
        };
        own.chain(kept).collect()
    }

    /// What the base is called: `stage 5`, `the client`.
    pub fn base_name(&self) -> String {
        match self.base {
            Base::Stage(n) => tr!("exercise-base-stage", n = n),
            Base::Client => tr!("exercise-base-client"),
        }
    }

    /// The task in one line, in the language in force.
    pub fn title(&self) -> &'static str {
        match crate::lang::current() {
            crate::lang::Lang::Zh => self.title_zh,
            crate::lang::Lang::En => self.title_en,
        }
    }

    /// The task in one line, in the other language: shown beside it, in parentheses.
    fn other_title(&self) -> &'static str {
        match crate::lang::current() {
            crate::lang::Lang::Zh => self.title_en,
            crate::lang::Lang::En => self.title_zh,
        }
    }

    /// What to change and how it is checked, in the language in force.
    pub fn task(&self) -> &'static str {
        match crate::lang::current() {
            crate::lang::Lang::Zh => self.task_zh,
            crate::lang::Lang::En => self.task_en,
        }
    }

    /// The hints, from gentle to concrete, in the language in force.
    pub fn hints(&self) -> &'static [&'static str] {
        match crate::lang::current() {
            crate::lang::Lang::Zh => self.hints_zh,
            crate::lang::Lang::En => self.hints_en,
        }
    }
}

/// The progress file: in the current directory, and nowhere else.
pub const PROGRESS_FILE: &str = "netlab-progress.txt";

/// The first line of the progress file, which says what the file is.
const PROGRESS_HEADER: &str =
    "# netlab exercises passed: `netlab exercises` reads this file, `netlab check ID` adds to it";

/// The exercises passed, from the progress file in `dir` (none if there is no file).
/// A file that is not netlab's, or that names an exercise netlab does not know, is an
/// error: netlab then neither reads nor rewrites it.
pub fn passed(dir: &Path) -> Result<Vec<(String, String)>, String> {
    let path = dir.join(PROGRESS_FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(format!("could not read {}: {e}", path.display())),
    };
    let mut lines = text.lines();
    if lines.next() != Some(PROGRESS_HEADER) {
        return Err(format!(
            "{} is not netlab's progress file (its first line should be {PROGRESS_HEADER:?}): \
             netlab leaves it as it is; rename or delete it to keep your progress here",
            path.display()
        ));
    }
    let mut done = Vec::new();
    for (i, line) in lines.enumerate() {
        let (id, when) = line.split_once('\t').unwrap_or((line, ""));
        if find(id).is_none() {
            return Err(format!(
                "{} line {}: {line:?} is not an exercise netlab knows: netlab leaves the file as \
                 it is; fix or delete that line",
                path.display(),
                i + 2
            ));
        }
        done.push((id.to_string(), when.to_string()));
    }
    Ok(done)
}

/// Records that exercise `id` passed, in the progress file of `dir` (once per exercise).
pub fn record_pass(dir: &Path, id: &str) -> Result<(), String> {
    let mut done = passed(dir)?;
    if done.iter().any(|(d, _)| d == id) {
        return Ok(());
    }
    done.push((
        id.to_string(),
        chrono::Local::now().format("%Y-%m-%d %H:%M").to_string(),
    ));
    let mut text = format!("{PROGRESS_HEADER}\n");
    for (id, when) in &done {
        let _ = writeln!(text, "{id}\t{when}");
    }
    let path = dir.join(PROGRESS_FILE);
    std::fs::write(&path, text).map_err(|e| format!("could not write {}: {e}", path.display()))
}

/// `netlab exercises`: every exercise, in the order of the notes, with this student's
/// status from the progress file in `dir`, in the language in force.
pub fn list(dir: &Path) -> Result<String, String> {
    let done = passed(dir)?;
    let width = EXERCISES.iter().map(|e| e.id.len()).max().unwrap_or(0);
    let mut out = String::new();
    for e in EXERCISES {
        let status = match done.iter().find(|(id, _)| id == e.id) {
            Some((_, when)) if !when.is_empty() => tr!("exercise-done-at", when = when),
            Some(_) => tr!("exercise-done"),
            None => tr!("exercise-pending"),
        };
        // Columns, not chars: a Chinese status takes two columns a character.
        let pad = 22usize.saturating_sub(crate::thread_list::columns(&status));
        let _ = writeln!(
            out,
            "{:<width$}  {status}{}  {}  ({})",
            e.id,
            " ".repeat(pad),
            e.title(),
            e.other_title()
        );
    }
    let _ = writeln!(
        out,
        "\n{}",
        tr!(
            "exercises-summary",
            done = done.len(),
            total = EXERCISES.len(),
            file = PROGRESS_FILE
        )
    );
    Ok(out)
}

/// `netlab exercise ID`: the task, what to run, and (with `hints`) the hints, in the
/// language in force.
pub fn page(e: &Exercise, hints: bool) -> String {
    let mut out = format!("{} · {}\n{}\n\n", e.id, e.title(), e.other_title());
    let _ = writeln!(out, "{}\n", e.task());
    let (start, run) = match e.base {
        Base::Stage(n) => (
            tr!("exercise-start-stage", n = n),
            "netlab check {id} -- python3 my_server.py {port}".replace("{id}", e.id),
        ),
        Base::Client => (
            tr!("exercise-start-client"),
            "netlab check {id} -- python3 my_client.py {port}".replace("{id}", e.id),
        ),
    };
    let _ = writeln!(
        out,
        "{}\n",
        tr!(
            "exercise-how",
            base = e.base_name(),
            start = start,
            run = run
        )
    );
    if hints {
        for (i, hint) in e.hints().iter().enumerate() {
            let _ = writeln!(out, "{}\n", tr!("exercise-hint", n = i + 1, text = *hint));
        }
    } else {
        let _ = writeln!(
            out,
            "{}",
            tr!("exercise-stuck", id = e.id, n = e.hints_en.len())
        );
    }
    let _ = writeln!(
        out,
        "{}",
        tr!(
            "exercise-afterwards",
            base = match e.base {
                Base::Stage(n) => n.to_string(),
                Base::Client => "client".to_string(),
            },
            id = e.id,
            run = match e.base {
                Base::Stage(_) => format!("netlab stage {}", e.id),
                Base::Client => format!("netlab client --solution {}", e.id),
            }
        )
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(name: &str) -> std::path::PathBuf {
        let dir =
            std::env::temp_dir().join(format!("netlab-progress-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn a_pass_is_recorded_once_and_listed() {
        let dir = temp_dir("pass");
        assert!(passed(&dir).unwrap().is_empty());
        record_pass(&dir, "5.race").unwrap();
        record_pass(&dir, "5.race").unwrap();
        let done = passed(&dir).unwrap();
        assert_eq!(done.len(), 1);
        assert_eq!(done[0].0, "5.race");
        assert!(list(&dir).unwrap().contains("1 of"));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_file_that_is_not_netlabs_is_left_alone() {
        let dir = temp_dir("corrupt");
        let path = dir.join(PROGRESS_FILE);
        std::fs::write(&path, "my notes\n").unwrap();
        let e = record_pass(&dir, "5.race").unwrap_err();
        assert!(e.contains("is not netlab's progress file"), "{e}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "my notes\n");
        std::fs::write(
            &path,
            format!("{PROGRESS_HEADER}\n9.nothing\t2026-12-04 10:00\n"),
        )
        .unwrap();
        let e = passed(&dir).unwrap_err();
        assert!(e.contains("line 2"), "{e}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn every_exercise_names_scenarios_that_exist() {
        for e in EXERCISES {
            assert!(
                e.hints_en.len() >= 2 && e.hints_en.len() == e.hints_zh.len(),
                "{}",
                e.id
            );
            for name in e.scenarios.iter().chain(e.replaces) {
                assert!(
                    scenario::find(name).is_some() || scenario::client_check::find(name).is_some(),
                    "{}: no scenario {name}",
                    e.id
                );
            }
            assert!(
                e.scenarios.contains(&e.fails_at.0),
                "{}: fails_at names another scenario",
                e.id
            );
        }
    }
}
