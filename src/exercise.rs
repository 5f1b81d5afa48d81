//! Exercises: every flaw a stage keeps, as a fix-it task a student's own server must pass.
//!
//! The exercises are entries of the curriculum (`stages/curriculum.toml`, kind `solution`):
//! what to change, hints from the gentlest to the most concrete, the scenarios the fixed
//! server must pass (black-box, so `netlab check 5.race -- python3 my_stage5.py {port}`
//! grades a program in any language), the base stage's scenarios that the fix changes, and
//! netlab's reference solution: a copy of the base stage's file with only the fix changed
//! (`stages/solutions/`), which runs as a stage (`netlab stage 5.race`) so that the teacher
//! can show the flaw, then the fix, then the diff. This module is what is around them: the
//! pages of `netlab exercises` and `netlab exercise ID`, and the student's progress.
//!
//! A student starts from the base's Python program, written out by
//! `netlab exercise ID --start` as `ID.py` ([`start`]): the program `netlab source`
//! prints for the base, unchanged, flaw included, in the class's language. The page and
//! `--start` then name the same two commands: `netlab check ID --watch ID.py -- python3
//! ID.py {port}`, and `netlab exercise ID --hint`.
//!
//! A student's progress is one small file in the current directory, [`PROGRESS_FILE`]:
//! one line per exercise passed, written by `netlab check` and read by `netlab exercises`.

use crate::curriculum::{self, Code, Entry, Kind};
use crate::tr;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// What the exercise starts from, as a student says it: `stage 5`, `the client`.
pub fn base_name(e: &Entry) -> String {
    match e.base() {
        Some(b) if b.kind == Kind::Client => tr!("exercise-base-client"),
        Some(b) => tr!("exercise-base-stage", n = b.id),
        None => String::new(),
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
        Err(e) => {
            return Err(tr!(
                "exercise-progress-unreadable",
                file = path.display().to_string(),
                error = e.to_string()
            ))
        }
    };
    let mut lines = text.lines();
    if lines.next() != Some(PROGRESS_HEADER) {
        return Err(tr!(
            "exercise-progress-foreign",
            file = path.display().to_string(),
            header = format!("{PROGRESS_HEADER:?}")
        ));
    }
    let mut done = Vec::new();
    for (i, line) in lines.enumerate() {
        let (id, when) = line.split_once('\t').unwrap_or((line, ""));
        if curriculum::parse_exercise(id).is_err() {
            return Err(tr!(
                "exercise-progress-unknown",
                file = path.display().to_string(),
                line = i + 2,
                text = format!("{line:?}")
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
    std::fs::write(&path, text).map_err(|e| {
        tr!(
            "exercise-start-failed",
            file = path.display().to_string(),
            error = e.to_string()
        )
    })
}

/// `netlab exercises`: every exercise, in the order of the notes, with this student's
/// status from the progress file in `dir`, in the language in force.
pub fn list(dir: &Path) -> Result<String, String> {
    let done = passed(dir)?;
    let exercises: Vec<&Entry> = curriculum::of_kind(Kind::Solution).collect();
    let width = exercises.iter().map(|e| e.id.len()).max().unwrap_or(0);
    let statuses: Vec<String> = exercises
        .iter()
        .map(|e| match done.iter().find(|(id, _)| id == e.id) {
            Some((_, when)) if !when.is_empty() => tr!("exercise-done-at", when = when),
            Some(_) => tr!("exercise-done"),
            None => tr!("exercise-pending"),
        })
        .collect();
    // Columns, not chars: a Chinese status takes two columns a character. The column is
    // as wide as the widest status, so that every title starts at the same column.
    let status_width = statuses
        .iter()
        .map(|s| crate::text::columns(s))
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for (e, status) in exercises.iter().zip(&statuses) {
        let _ = writeln!(
            out,
            "{:<width$}  {}  {}",
            e.id,
            crate::text::left(status, status_width),
            e.text().title
        );
    }
    let _ = writeln!(
        out,
        "\n{}",
        tr!(
            "exercises-summary",
            done = done.len(),
            total = exercises.len(),
            file = PROGRESS_FILE
        )
    );
    Ok(out)
}

/// The start file's name: `5.race.py`.
pub fn start_file(e: &Entry) -> String {
    format!("{}.py", e.id)
}

/// The command that checks the start file on every save: `netlab check 5.race --watch
/// 5.race.py -- python3 5.race.py {port}` (for the client's exercise, `{port}` is the port
/// of the server netlab runs for it).
pub fn check_command(e: &Entry) -> String {
    let file = start_file(e);
    format!(
        "netlab check {id} --watch {file} -- python3 {file} {{port}}",
        id = e.id
    )
}

/// `netlab exercise ID`: the task, what to run, and (with `hints`) the hints, in the
/// language in force.
pub fn page(e: &Entry, hints: bool) -> String {
    let text = e.text();
    let mut out = format!("{} · {}\n\n", e.id, text.title);
    let _ = writeln!(out, "{}\n", text.task);
    let base = e.base().expect("an exercise has a base");
    let client = base.kind == Kind::Client;
    let _ = writeln!(
        out,
        "{}\n",
        tr!(
            "exercise-how",
            base = base_name(e),
            start = format!("netlab exercise {} --start", e.id),
            file = start_file(e),
            source = base.id,
            run = check_command(e)
        )
    );
    if hints {
        for (i, hint) in text.hints.iter().enumerate() {
            let hint = tr!("exercise-hint", n = i + 1, text = *hint);
            let _ = writeln!(out, "{}", crate::text::wrap(&hint, "", "  "));
        }
    } else {
        let _ = writeln!(
            out,
            "{}",
            tr!("exercise-stuck", id = e.id, n = text.hints.len())
        );
    }
    let run = if client {
        format!("netlab client --solution {}", e.id)
    } else {
        format!("netlab stage {}", e.id)
    };
    let _ = writeln!(
        out,
        "{}",
        tr!("exercise-afterwards", base = base.id, id = e.id, run = run)
    );
    out
}

/// `netlab exercise ID --start [DIR] [--force]`: writes the base's Python program,
/// unchanged, as `DIR/ID.py`, and returns what to tell the student (what was written, the
/// commands to run next). An existing file is left alone without `force`: it may hold the
/// student's work. A missing `DIR` is created.
pub fn start(e: &Entry, dir: &Path, force: bool) -> Result<String, String> {
    let base = e.base().expect("an exercise has a base");
    let Some(program) = base.program(Code::Python) else {
        return Err(tr!(
            "exercise-start-no-python",
            base = base_name(e),
            source = base.id
        ));
    };
    let here = dir == Path::new(".") || dir == Path::new("");
    // In the current directory, the file's name alone: what the commands below name.
    let path: PathBuf = if here {
        PathBuf::from(start_file(e))
    } else {
        dir.join(start_file(e))
    };
    let shown = path.display().to_string();
    let failed = |error: std::io::Error| {
        tr!(
            "exercise-start-failed",
            file = shown.as_str(),
            error = error.to_string()
        )
    };
    if !here {
        std::fs::create_dir_all(dir).map_err(failed)?;
    }
    // create_new: the check and the creation are one step, so nothing written meanwhile is
    // lost either.
    let opened = std::fs::OpenOptions::new()
        .write(true)
        .create_new(!force)
        .create(force)
        .truncate(force)
        .open(&path);
    let mut file = match opened {
        Ok(file) => file,
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(tr!(
                "exercise-start-exists",
                file = shown.as_str(),
                base = base_name(e)
            ))
        }
        Err(error) => return Err(failed(error)),
    };
    file.write_all(program.text.as_bytes()).map_err(failed)?;
    let mut out = tr!(
        "exercise-started",
        file = shown.as_str(),
        base = base_name(e),
        title = e.text().title
    );
    out.push_str("\n\n");
    if here {
        out.push_str(&tr!("exercise-next"));
    } else {
        out.push_str(&tr!("exercise-next-in", dir = dir.display().to_string()));
    }
    let _ = write!(
        out,
        "\n  {}\n  netlab exercise {} --hint\n",
        check_command(e),
        e.id
    );
    Ok(out)
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

    /// `--start` writes the base's Python program unchanged as `ID.py`, leaves an existing
    /// one alone unless forced, and names the commands the page names.
    #[test]
    fn start_writes_the_bases_python_once_and_the_page_names_it() {
        for e in curriculum::of_kind(Kind::Solution) {
            let dir = temp_dir(&format!("start-{}", e.id));
            let base = e.base().unwrap().python.expect("the base has Python");
            let said = start(e, &dir, false).unwrap();
            let file = dir.join(format!("{}.py", e.id));
            assert_eq!(std::fs::read_to_string(&file).unwrap(), base.text);
            assert!(said.contains(&check_command(e)), "{said}");
            assert!(said.contains(&format!("netlab exercise {} --hint", e.id)));
            std::fs::write(&file, "# my work\n").unwrap();
            let refused = start(e, &dir, false).unwrap_err();
            assert!(refused.contains("already exists"), "{refused}");
            assert_eq!(std::fs::read_to_string(&file).unwrap(), "# my work\n");
            start(e, &dir, true).unwrap();
            assert_eq!(std::fs::read_to_string(&file).unwrap(), base.text);
            let page = page(e, false);
            for wanted in [
                format!("netlab exercise {} --start", e.id),
                check_command(e),
            ] {
                assert!(page.contains(&wanted), "{}: no {wanted:?} in\n{page}", e.id);
            }
            assert!(!page.contains("my_server"), "{page}");
            let _ = std::fs::remove_dir_all(&dir);
        }
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
}
