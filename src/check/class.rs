//! `netlab check ID --class 'students/*/server.py' -- python3 {file} {port}`: a whole
//! class checked at once, for the teacher.
//!
//! The pattern names one program per student ([`glob`](super::glob), expanded by netlab so
//! that it works quoted, from any shell); each student is named after the folder that holds
//! the program, or after the file where several share a folder. Every program gets the
//! same scenarios as a single `netlab check` (the same [`plan`](super::plan), the same
//! [`grade`]), each scenario with a fresh program on a free port: `{file}` in the command is
//! the student's program, `{port}` the port.
//!
//! Students are checked side by side, and so are each one's scenarios, never more than
//! `--jobs` programs at once: the slots are shared out among as many lanes as there are
//! students, at most `--jobs` (with `-j 4` and three students: two, one and one), and a
//! lane takes the next student when its own is done. A share is fixed when a student
//! starts: near the end, the slots of lanes with no student left wait, rather than being
//! lent to a student still running (that would need a slot count shared into
//! [`grade`]'s pool). A progress bar runs on a terminal; then a table, one row
//! per student and one mark per scenario, what failed first for each student who did not
//! pass, and the exit code: 0 only when every student passed every scenario. `--json`
//! prints one object per student and scenario on standard output (the table then goes to
//! standard error); `--report FILE.html` writes the page of [`html`](super::html), with
//! every transcript.

use super::report::{self, Report};
use super::{glob, grade, html, Args, Graded, Grading, Item, FAILED, NOT_STARTED, PASSED};
use crate::scenario::{Outcome, ProgramOptions, Verdict};
use crate::{errln, outln, text, tr};
use indicatif::{ProgressBar, ProgressStyle};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How many of its last lines of output the table shows for a program that did not
/// start (the page shows them all).
const OUTPUT_LINES: usize = 6;

/// What stands for the student's program in the command.
pub(crate) const FILE: &str = "{file}";

/// One student of the class: a program to check, and the name the table gives it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Student {
    /// The folder that holds the program (`alice` for `students/alice/server.py`), or the
    /// file's name without its extension where several programs share a folder: what the
    /// teacher calls the student.
    pub(crate) name: String,
    /// The program, as an absolute path: `{file}` in the command, whatever directory the
    /// program runs in.
    pub(crate) file: PathBuf,
}

/// What checking one student gave.
pub(crate) struct Checked {
    /// Whose program it was: the row's name, and `{file}`.
    pub(crate) student: Student,
    /// Each scenario's outcome, in the plan's order, and why the program could not be
    /// checked if it could not.
    pub(crate) graded: Graded,
    /// The scenarios that the program could not be started for (the others without an
    /// outcome were not run, after a failure): what tells `!` from `-`.
    pub(crate) not_started_in: Vec<&'static str>,
    /// From the student's first program started to the last one stopped.
    pub(crate) elapsed: Duration,
}

/// One scenario for one student, as the table marks it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mark {
    /// Every step that could be checked held.
    Passed,
    /// A step of the contract did not hold: the student's transcript says which.
    Failed,
    /// It ran, but none of its steps could be checked against an outside program.
    NotChecked,
    /// Not run: the check of this student stopped before it (a failure every scenario
    /// would repeat, or `--fail-fast`).
    NotRun,
    /// The program did not start, or never listened, for this scenario.
    NotStarted,
}

impl Mark {
    /// Every mark, in the legend's order.
    pub(crate) const ALL: [Mark; 5] = [
        Mark::Passed,
        Mark::Failed,
        Mark::NotChecked,
        Mark::NotRun,
        Mark::NotStarted,
    ];

    /// One terminal column each (none of them is of ambiguous width, which a Chinese
    /// terminal would draw two columns wide).
    pub(crate) fn symbol(self) -> &'static str {
        match self {
            Mark::Passed => "✓",
            Mark::Failed => "✗",
            Mark::NotChecked => "?",
            Mark::NotRun => "-",
            Mark::NotStarted => "!",
        }
    }

    /// The mark in words, for the legend.
    pub(crate) fn word(self) -> String {
        match self {
            Mark::Passed => tr!("class-mark-passed"),
            Mark::Failed => tr!("class-mark-failed"),
            Mark::NotChecked => tr!("class-mark-not-checked"),
            Mark::NotRun => tr!("class-mark-not-run"),
            Mark::NotStarted => tr!("class-mark-not-started"),
        }
    }

    /// Its name in the page's CSS classes (`m-failed`).
    pub(crate) fn id(self) -> &'static str {
        match self {
            Mark::Passed => "passed",
            Mark::Failed => "failed",
            Mark::NotChecked => "not-checked",
            Mark::NotRun => "not-run",
            Mark::NotStarted => "not-started",
        }
    }

    /// Where a column sorted by this scenario puts it: what needs the teacher first.
    pub(crate) fn rank(self) -> u8 {
        match self {
            Mark::NotStarted => 0,
            Mark::Failed => 1,
            Mark::NotRun => 2,
            Mark::NotChecked => 3,
            Mark::Passed => 4,
        }
    }
}

impl Checked {
    /// Each scenario's mark, in the plan's order.
    pub(crate) fn marks(&self) -> Vec<Mark> {
        self.graded
            .outcomes
            .iter()
            .map(|(item, outcome)| match outcome {
                Some(o) => match o.verdict() {
                    Verdict::Passed => Mark::Passed,
                    Verdict::Failed => Mark::Failed,
                    Verdict::NotChecked => Mark::NotChecked,
                },
                None if self.not_started_in.contains(&item.name()) => Mark::NotStarted,
                None => Mark::NotRun,
            })
            .collect()
    }

    /// How many scenarios passed.
    pub(crate) fn passed_count(&self) -> usize {
        self.marks().iter().filter(|m| **m == Mark::Passed).count()
    }

    /// Whether the student passed: the program was checked, and no scenario failed or was
    /// left out (as a single check judges: a scenario not checked at all is no failure).
    pub(crate) fn passed(&self) -> bool {
        self.graded.not_started.is_none()
            && self
                .marks()
                .iter()
                .all(|m| matches!(m, Mark::Passed | Mark::NotChecked))
    }

    /// The first failed scenario: its number from 1 and its outcome.
    pub(crate) fn first_failure(&self) -> Option<(usize, &Outcome)> {
        self.graded
            .outcomes
            .iter()
            .enumerate()
            .find_map(|(i, (_, o))| {
                o.as_ref()
                    .filter(|o| o.failure.is_some())
                    .map(|o| (i + 1, o))
            })
    }
}

/// The class checked: what the table, the JSON and the page are made of.
pub(crate) struct Classroom<'a> {
    pub(crate) args: &'a Args,
    /// The pattern as the teacher gave it.
    pub(crate) pattern: &'a str,
    /// The scenarios, in the plan's order: the table's columns.
    pub(crate) items: Vec<Item>,
    /// Every student, in the order of their names: the table's rows.
    pub(crate) students: Vec<Checked>,
    /// How many programs ran at once, at most.
    pub(crate) jobs: usize,
    /// When the check started, for the page.
    pub(crate) started: chrono::DateTime<chrono::Local>,
    /// How long the whole class took.
    pub(crate) elapsed: Duration,
    /// The notes' words and the JSON objects, as a single check gives them.
    pub(crate) report: Report,
}

/// What a scenario shows, in a sentence, in the language in force.
pub(crate) fn shows(item: Item) -> String {
    match item {
        Item::Server(s) => s.shows(),
        Item::Client(s) => s.shows(),
    }
}

/// `12.3 s`, `12.3 秒`.
pub(crate) fn seconds(d: Duration) -> String {
    tr!("class-seconds", seconds = format!("{:.1}", d.as_secs_f64()))
}

/// Runs `netlab check --class PATTERN`: every student's program against the scenarios of
/// `groups`; returns the exit code.
pub(crate) fn run(
    args: &Args,
    pattern: &str,
    groups: &[(String, Vec<Item>)],
) -> anyhow::Result<u8> {
    if !args.command.iter().any(|a| a.contains(FILE)) {
        errln!("{}", tr!("class-no-file", file = FILE, port = "{port}"));
        return Ok(NOT_STARTED);
    }
    let files = glob::files(pattern);
    if files.is_empty() {
        let dir =
            std::env::current_dir().map_or_else(|_| ".".to_string(), |d| d.display().to_string());
        errln!("{}", tr!("class-no-match", pattern = pattern, dir = dir));
        return Ok(NOT_STARTED);
    }
    // The page is made before the check, so that a path it cannot be written to says so
    // now, not after the whole class has run.
    let page = match &args.report {
        Some(path) => Some((
            path,
            std::fs::File::create(path).map_err(|e| {
                anyhow::anyhow!(tr!(
                    "class-report-unwritable",
                    file = path.display().to_string(),
                    error = e.to_string()
                ))
            })?,
        )),
        None => None,
    };
    let students = students(&files, &glob::base(pattern));
    let items: Vec<Item> = groups.iter().flat_map(|(_, items)| items.clone()).collect();
    let jobs = super::jobs(args);
    // What a person reads goes to standard output, or to standard error with --json
    // (standard output then carries only the JSON objects).
    let say = |text: &str| {
        if args.json {
            errln!("{text}");
        } else {
            outln!("{text}");
        }
    };
    // A heading's line, wrapped to the terminal, its continuation indented.
    let heading = |text: String| say(text::wrap(&text, "", "  ").trim_end());
    let subject = args.subject;
    heading(tr!(
        "class-heading",
        id = subject.id,
        pattern = pattern,
        students = students.len(),
        subject = subject.name(),
        title = subject.text().title
    ));
    heading(tr!(
        "class-how",
        command = args.command.join(" "),
        file = FILE,
        scenarios = items.len(),
        jobs = jobs
    ));
    heading(if args.strict {
        tr!("class-judged-strict")
    } else {
        tr!("class-judged")
    });
    // Ctrl-C stops every student's program before netlab exits.
    crate::program::stop_all_on_signals(tr!("class-interrupted"));
    let started = chrono::Local::now();
    let clock = Instant::now();
    let checked = check_all(args, &students, &items, jobs);
    let classroom = Classroom {
        args,
        pattern,
        items,
        students: checked,
        jobs,
        started,
        elapsed: clock.elapsed(),
        report: Report::new(subject, true, false, false, None),
    };
    if args.json {
        for line in json_lines(&classroom) {
            outln!("{line}");
        }
    }
    say(&format!("\n{}", table(&classroom)));
    if let Some((path, mut file)) = page {
        use std::io::Write;
        file.write_all(html::page(&classroom).as_bytes())
            .map_err(|e| {
                anyhow::anyhow!(tr!(
                    "class-report-unwritable",
                    file = path.display().to_string(),
                    error = e.to_string()
                ))
            })?;
        say(&tr!(
            "class-report-written",
            file = path.display().to_string()
        ));
    }
    Ok(if classroom.students.iter().all(Checked::passed) {
        PASSED
    } else {
        FAILED
    })
}

/// The students of `files`: each named after its folder, or after the file where several
/// share a folder; where two names are still the same (`a/alice/s.py`, `b/alice/s.py`),
/// after their path from `base`, the pattern's start. In the order of their names.
pub(crate) fn students(files: &[PathBuf], base: &Path) -> Vec<Student> {
    let folder = |f: &Path| f.parent().map(Path::to_path_buf).unwrap_or_default();
    let sharing = |f: &Path| files.iter().filter(|g| folder(g) == folder(f)).count() > 1;
    // What names the student: the folder, or the file without its extension.
    let naming = |f: &Path| -> PathBuf {
        let dir = folder(f);
        if sharing(f) {
            return f.with_extension("");
        }
        if dir.file_name().is_some() {
            return dir;
        }
        // The pattern named the folder `.` (or none): its name is the current directory's.
        let here = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir.as_path()
        };
        match std::path::absolute(here) {
            Ok(named) if named.file_name().is_some() => named,
            _ => f.with_extension(""),
        }
    };
    let last = |p: &Path| {
        p.file_name().map_or_else(
            || p.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        )
    };
    let short: Vec<String> = files.iter().map(|f| last(&naming(f))).collect();
    let mut students: Vec<Student> = files
        .iter()
        .zip(&short)
        .map(|(f, name)| {
            let same = short.iter().filter(|n| *n == name).count() > 1;
            let name = if same {
                let path = naming(f);
                path.strip_prefix(base)
                    .unwrap_or(&path)
                    .display()
                    .to_string()
            } else {
                name.clone()
            };
            Student {
                name,
                file: std::path::absolute(f).unwrap_or_else(|_| f.clone()),
            }
        })
        .collect();
    students.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.file.cmp(&b.file)));
    students
}

/// Checks every student, `jobs` programs at a time in all: the slots are shared among
/// the students being checked, a student's own scenarios side by side within its share.
fn check_all(args: &Args, students: &[Student], items: &[Item], jobs: usize) -> Vec<Checked> {
    let total = (students.len() * items.len()) as u64;
    // Drawn on standard error, only when it is a terminal (indicatif hides it otherwise).
    let bar = ProgressBar::new(total).with_style(
        ProgressStyle::with_template(&format!(
            "{{bar:30}} {{pos}}/{{len}} {}, {{elapsed}}  {{msg}}",
            tr!("class-progress")
        ))
        .expect("a valid template"),
    );
    let lanes = jobs.clamp(1, students.len().max(1));
    let next = AtomicUsize::new(0);
    let running: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let done: Mutex<Vec<Option<Checked>>> = Mutex::new(students.iter().map(|_| None).collect());
    std::thread::scope(|scope| {
        for lane in 0..lanes {
            // Each lane checks one student at a time with its share of the slots: together
            // they never run more than `jobs` programs.
            let share = jobs / lanes + usize::from(lane < jobs % lanes);
            let (next, running, done, bar) = (&next, &running, &done, &bar);
            scope.spawn(move || loop {
                let n = next.fetch_add(1, Ordering::SeqCst);
                let Some(student) = students.get(n) else {
                    return;
                };
                // The students being checked now, or nothing once the last is done.
                let show = |running: &Vec<String>| {
                    let message = if running.is_empty() {
                        String::new()
                    } else {
                        tr!("class-progress-students", students = text::list(running))
                    };
                    bar.set_message(message);
                };
                {
                    let mut running = crate::sync::lock(running);
                    running.push(student.name.clone());
                    show(&running);
                }
                let checked = check_one(args, student, items, share, bar);
                {
                    let mut running = crate::sync::lock(running);
                    running.retain(|name| *name != student.name);
                    show(&running);
                }
                crate::sync::lock(done)[n] = Some(checked);
            });
        }
    });
    bar.finish_and_clear();
    done.into_inner()
        .unwrap_or_else(|p| p.into_inner())
        .into_iter()
        .flatten()
        .collect()
}

/// Checks one student's program with `jobs` programs at a time.
fn check_one(
    args: &Args,
    student: &Student,
    items: &[Item],
    jobs: usize,
    bar: &ProgressBar,
) -> Checked {
    let file = student.file.display().to_string();
    let options = ProgramOptions {
        command: args
            .command
            .iter()
            .map(|a| a.replace(FILE, &file))
            .collect(),
        port: None,
        start_timeout: Duration::from_secs_f64(args.start_timeout),
        wait: Duration::from_secs_f64(args.timeout),
        // As a single check labels it: the transcript is one the student can be given.
        label: crate::tr!("check-program-label"),
        strict: args.strict,
        keep_all_output: false,
    };
    let mut told: Vec<&'static str> = Vec::new();
    let mut each = |item: Item, _: Option<&Outcome>| {
        told.push(item.name());
        bar.inc(1);
    };
    let clock = Instant::now();
    let graded = grade(
        items,
        Grading {
            subject: args.subject,
            options,
            jobs,
            fail_fast: args.fail_fast,
            each: &mut each,
        },
    );
    let elapsed = clock.elapsed();
    // `grade` tells of every scenario but those the program could not be started for.
    let not_started_in: Vec<&'static str> = graded
        .outcomes
        .iter()
        .map(|(item, _)| item.name())
        .filter(|name| !told.contains(name))
        .collect();
    bar.inc(not_started_in.len() as u64);
    Checked {
        student: student.clone(),
        graded,
        not_started_in,
        elapsed,
    }
}

/// One JSON object per student and scenario: a single check's fields, with `"student"`
/// and `"file"`; a scenario the program could not be started for is `"not_started"`,
/// with why in `"first_failure"`.
pub(crate) fn json_lines(classroom: &Classroom) -> Vec<String> {
    let subject = classroom.args.subject;
    let mut lines = Vec::new();
    for checked in &classroom.students {
        for ((item, outcome), mark) in checked.graded.outcomes.iter().zip(checked.marks()) {
            let mut object = match (outcome, mark, &checked.graded.not_started) {
                (Some(outcome), _, _) => classroom.report.json_object(outcome),
                (None, Mark::NotStarted, Some(why)) => report::with_subject(
                    serde_json::json!({
                        "scenario": item.name(),
                        "result": "not_started",
                        "first_failure": {"message": why.message, "hint": why.hint},
                    }),
                    subject,
                ),
                (None, _, _) => report::with_subject(
                    serde_json::json!({"scenario": item.name(), "result": "not_run"}),
                    subject,
                ),
            };
            object["student"] = checked.student.name.clone().into();
            object["file"] = checked.student.file.display().to_string().into();
            lines.push(object.to_string());
        }
    }
    lines
}

/// The marks of one row, in groups of five: `✓✓✓✓✓ ✓✗--- -`.
fn marks_text(marks: &[Mark]) -> String {
    marks
        .chunks(5)
        .map(|group| group.iter().map(|m| m.symbol()).collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The heading over the marks: each group's first number, `1     6     11`.
fn ruler(n: usize) -> String {
    let mut ruler = String::new();
    for start in (0..n).step_by(5) {
        let label = (start + 1).to_string();
        let width = (n - start).min(5) + 1;
        ruler.push_str(&text::left(&label, width));
    }
    ruler.trim_end().to_string()
}

/// The table for the terminal: a row per student, the legend, the scenarios' numbers,
/// what each student who did not pass failed first, and the count.
pub(crate) fn table(classroom: &Classroom) -> String {
    let n = classroom.items.len();
    let mut rows = vec![vec![
        tr!("class-column-student"),
        ruler(n),
        tr!("class-column-passed"),
        tr!("class-column-time"),
    ]];
    for checked in &classroom.students {
        rows.push(vec![
            checked.student.name.clone(),
            marks_text(&checked.marks()),
            format!("{}/{n}", checked.passed_count()),
            seconds(checked.elapsed),
        ]);
    }
    let mut out = text::aligned(&rows);
    let legend: Vec<String> = Mark::ALL
        .iter()
        .map(|m| format!("{} {}", m.symbol(), m.word()))
        .collect();
    out.push_str(&format!("\n{}\n", legend.join("  ")));
    out.push_str(&format!("{}\n", tr!("class-scenarios")));
    let numbered: Vec<Vec<String>> = classroom
        .items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            vec![
                text::right(&(i + 1).to_string(), 4),
                item.name().to_string(),
            ]
        })
        .collect();
    out.push_str(&text::aligned(&numbered));
    let mut why = String::new();
    for checked in classroom.students.iter().filter(|c| !c.passed()) {
        let name = &checked.student.name;
        let line = if let Some(not_started) = &checked.graded.not_started {
            why.push_str(&text::wrap(
                &tr!(
                    "class-not-started",
                    student = name,
                    why = &not_started.message
                ),
                "",
                "    ",
            ));
            // What the program printed (a traceback ends with its reason), and the hint.
            let output = &not_started.output;
            for line in &output[output.len().saturating_sub(OUTPUT_LINES)..] {
                why.push_str(&format!("    {}\n", text::cut(line, text::WIDTH - 4)));
            }
            if let Some(hint) = &not_started.hint {
                why.push_str(&text::wrap(&tr!("class-hint", hint = hint), "    ", "    "));
            }
            continue;
        } else if let Some((number, outcome)) = checked.first_failure() {
            let failure = outcome.failure.as_ref().expect("a failure");
            let failed = checked
                .marks()
                .iter()
                .filter(|m| **m == Mark::Failed)
                .count();
            tr!(
                "class-failed",
                student = name,
                failed = failed,
                number = number,
                scenario = outcome.name,
                step = failure.step,
                why = failure_line(failure)
            )
        } else {
            tr!("class-not-run", student = name)
        };
        why.push_str(&text::wrap(&line, "", "    "));
    }
    if !why.is_empty() {
        out.push('\n');
        out.push_str(&why);
    }
    let passed = classroom.students.iter().filter(|c| c.passed()).count();
    out.push_str(&format!(
        "\n{}",
        tr!(
            "class-summary",
            passed = passed,
            students = classroom.students.len(),
            seconds = format!("{:.1}", classroom.elapsed.as_secs_f64())
        )
    ));
    out
}

/// A failure in one line: its hint if it has one (it names the usual mistake), else the
/// first line of what was expected and what came.
pub(crate) fn failure_line(failure: &crate::scenario::Failure) -> String {
    failure.hint.clone().unwrap_or_else(|| {
        failure
            .message
            .lines()
            .next()
            .unwrap_or("")
            .trim()
            .to_string()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(files: &[&str], base: &str) -> Vec<String> {
        let files: Vec<PathBuf> = files.iter().map(PathBuf::from).collect();
        students(&files, Path::new(base))
            .into_iter()
            .map(|s| s.name)
            .collect()
    }

    #[test]
    fn a_student_is_the_folder_or_the_file_where_folders_are_shared() {
        assert_eq!(
            names(&["s/bob/server.py", "s/alice/server.py"], "s"),
            ["alice", "bob"]
        );
        assert_eq!(names(&["s/alice.py", "s/bob.py"], "s"), ["alice", "bob"]);
        assert_eq!(
            names(&["x/alice/a.py", "y/alice/a.py"], ""),
            ["x/alice", "y/alice"]
        );
        assert_eq!(
            names(&["s/张三/server.py", "s/李四/server.py"], "s"),
            ["张三", "李四"]
        );
    }

    #[test]
    fn the_ruler_numbers_each_group_of_five_over_its_marks() {
        let marks = [Mark::Passed; 12];
        assert_eq!(marks_text(&marks), "✓✓✓✓✓ ✓✓✓✓✓ ✓✓");
        assert_eq!(ruler(12), "1     6     11");
        assert_eq!(ruler(3), "1");
        assert_eq!(ruler(16), "1     6     11    16");
    }
}
