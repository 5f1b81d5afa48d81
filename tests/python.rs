//! The class's Python programs (`stages/python/`), run as a student runs them: the built
//! `netlab`, and `netlab check ID --json -- python3 FILE {port}`.
//!
//! - Each stage's Python program passes its stage with `--strict` (flaws and CPython's
//!   accidents required too).
//! - Where the tutorial's original of a stage is at hand (`../shared/reference`, copied
//!   with its port taken from `$PORT`), the original and netlab's Python get the same
//!   result on every scenario of that stage and of the next, with `--strict`: netlab's
//!   Python is the notes' program, flaws included, and the original passes its own stage
//!   strictly (so with the contract alone too).
//! - Each exercise's start file, as `netlab exercise ID --start` writes it, fails the
//!   exercise first at the scenario and step its `fails_at` names; each Python solution
//!   passes it.
//! - The commands around them: `netlab source` (Python by default, `--rust`), `netlab diff`
//!   (the Python diff: the lock from the stage that adds it, each exercise's fix), and
//!   `netlab exercise ID --start` (the base's program, never over a student's file).
//!
//! The trials are generated from the curriculum (`netlab::curriculum::ENTRIES`): nothing
//! here lists stages or exercises. A trial that needs `python3` or the originals reports
//! itself ignored, with the reason, where they are missing. Only what `netlab check --json`
//! promises is read: each scenario's `scenario`, `result` and `first_failure.step`, and
//! the exit code. A run of a program against a check is made once and shared by the
//! trials that need it.

mod common;

use libtest_mimic::{Arguments, Completion, Failed, Trial};
use netlab::curriculum::{self, Code, Entry, Kind};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

type Outcome = Result<Completion, Failed>;

const BIN: &str = env!("CARGO_BIN_EXE_netlab");

/// How long one `netlab check` may take before the watchdog stops it: a full check takes
/// 2-15 s alone, several times that when the trials crowd two cores.
const CHECK_BOUND: Duration = Duration::from_secs(240);

fn main() {
    let mut args = Arguments::from_args();
    // A check mostly waits (a program's start, a quiet period, a quit's 3 s pause): six at
    // a time keep two cores busy; more, on a machine others share, starve the scenarios'
    // own deadlines (a step waits 5 s) and fail programs that pass.
    args.test_threads = args.test_threads.or(Some(6));
    let mut trials = Vec::new();
    // The long ones first, so that the pool ends with short ones, not one long one alone:
    // a stage's program against the next stage's check fails scenarios, and a failing step
    // waits out its timeout.
    let stages: Vec<&'static Entry> = curriculum::of_kind(Kind::Stage).collect();
    for &stage in &stages {
        if let Some(next) = next_stage(stage) {
            trials.push(Trial::ignorable_test(
                format!(
                    "stage{}_python_agrees_with_the_original_on_check_{}",
                    stage.id, next.id
                ),
                move || agrees_with_the_original(stage, next),
            ));
        }
    }
    for e in curriculum::of_kind(Kind::Solution) {
        trials.push(Trial::ignorable_test(
            format!("{}_python_solution_passes", e.id),
            move || passes(e, e),
        ));
    }
    for &stage in &stages {
        let n = stage.id;
        trials.push(Trial::ignorable_test(
            format!("stage{n}_python_passes_check_{n}"),
            move || passes(stage, stage),
        ));
        trials.push(Trial::ignorable_test(
            format!("stage{n}_python_agrees_with_the_original_on_check_{n}"),
            move || agrees_with_the_original(stage, stage),
        ));
    }
    for e in curriculum::of_kind(Kind::Solution) {
        let (scenario, step) = e.fails_at.expect("an exercise says where its base fails");
        trials.push(Trial::ignorable_test(
            format!("{}_start_file_fails_at_{scenario}_step_{step}", e.id),
            move || start_file_fails(e),
        ));
    }
    for e in curriculum::ENTRIES {
        trials.push(Trial::test(
            format!("source_{}_prints_the_python_and_with_rust_the_rust", e.id),
            move || source(e),
        ));
        if let Some(base) = e.base().filter(|_| e.kind != Kind::Client) {
            trials.push(Trial::test(
                format!("diff_{}_{}_is_the_python_diff", base.id, e.id),
                move || diff(base, e),
            ));
        }
    }
    trials.push(Trial::test(
        "diff_of_the_stage_that_adds_the_lock_is_the_lock",
        lock_diff,
    ));
    for e in curriculum::of_kind(Kind::Solution) {
        trials.push(Trial::ignorable_test(
            format!(
                "exercise_{}_start_writes_the_base_python_and_keeps_a_students_file",
                e.id
            ),
            move || start_keeps(e),
        ));
    }
    let conclusion = libtest_mimic::run(&args, trials);
    remove_originals();
    conclusion.exit();
}

/// The stage whose base is `stage`: the next one, whose check the original must also
/// meet as netlab's Python does.
fn next_stage(stage: &Entry) -> Option<&'static Entry> {
    curriculum::of_kind(Kind::Stage).find(|s| s.base == Some(stage.id))
}

/// The repository's path `relative`.
fn here(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

/// The entry's Python program: its file in the checkout.
fn python_file(e: &Entry) -> Result<PathBuf, Failed> {
    let source = e.python.ok_or_else(|| no_program(e))?;
    Ok(here(source.file))
}

/// Why a trial about `e`'s Python program cannot run: the curriculum gives it none.
fn no_program(e: &Entry) -> String {
    format!(
        "{} has no Python program (no `python` in its entry of stages/curriculum.toml)",
        e.id
    )
}

/// Why a trial that runs the Python programs of `entries` cannot run here, if it cannot:
/// no python3, or an entry without a Python program.
fn cannot_run(entries: &[&Entry]) -> Option<String> {
    no_python().or_else(|| {
        entries
            .iter()
            .find(|e| e.python.is_none())
            .map(|e| no_program(e))
    })
}

/// Why a Python program cannot run here, if it cannot.
fn no_python() -> Option<String> {
    static WHY: OnceLock<Option<String>> = OnceLock::new();
    WHY.get_or_init(|| {
        let ok = Command::new("python3")
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        (!ok).then(|| "python3 is not installed: this trial runs Python programs".to_string())
    })
    .clone()
}

/// A fresh directory (`netlab check` writes its progress file in the current one).
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("netlab-python-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `netlab args...`, in `dir`, with no locale (netlab speaks English) and stdin closed.
fn netlab(dir: &Path) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.current_dir(dir)
        .env_remove("RUST_LOG")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for var in common::LOCALE_VARS {
        cmd.env_remove(var);
    }
    cmd
}

/// Runs `cmd` to its end, stopped by a watchdog (SIGINT, which makes `netlab check` stop
/// its program too) if it outlasts `bound`.
fn run_bounded(mut cmd: Command, bound: Duration) -> Output {
    let child = cmd.spawn().expect("start netlab");
    let pid = nix::unistd::Pid::from_raw(child.id() as i32);
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let watch = done.clone();
    std::thread::spawn(move || {
        let deadline = Instant::now() + bound;
        while Instant::now() < deadline {
            if watch.load(std::sync::atomic::Ordering::SeqCst) {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGINT);
    });
    let out = child.wait_with_output().expect("netlab ends");
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    out
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// One scenario's result, as `--json` gives it.
#[derive(Clone, Debug, PartialEq)]
struct ScenarioResult {
    scenario: String,
    /// `pass`, `fail`, `not_checked`, `not_started`...
    result: String,
    /// `first_failure.step`, for a failure that names one.
    step: Option<u64>,
}

/// One `netlab check` of a program: its exit code, each scenario's result, and all it
/// printed (for a failing trial's message).
#[derive(Debug)]
struct CheckRun {
    code: Option<i32>,
    results: Vec<ScenarioResult>,
    text: String,
}

impl CheckRun {
    /// The result of each scenario, by name.
    fn by_scenario(&self) -> HashMap<&str, &str> {
        self.results
            .iter()
            .map(|r| (r.scenario.as_str(), r.result.as_str()))
            .collect()
    }

    /// Whether every scenario passed or could not be seen (none failed), and netlab
    /// said so with exit code 0.
    fn passed(&self) -> bool {
        self.code == Some(0)
            && !self.results.is_empty()
            && self
                .results
                .iter()
                .all(|r| r.result == "pass" || r.result == "not_checked")
    }
}

/// `netlab check ID --json [--only SCENARIO] -- COMMAND...`, in a fresh directory; with
/// `--strict` when ID is a stage: the stages' programs (netlab's Python and the notes'
/// originals) keep the notes' flaws and CPython's accidents, and must show them all. (A
/// program that passes strictly passes the contract alone too, so the originals passing
/// here is all `netlab check N` promises of them.) An exercise's solution fixes a flaw,
/// so exercises are checked as a student's program is, without it.
fn check(id: &str, only: Option<&str>, command: &[String]) -> CheckRun {
    let dir = temp_dir(&format!("check-{id}-{}", unique()));
    let mut cmd = netlab(&dir);
    cmd.args(["check", id, "--json"]);
    let stage = curriculum::of_kind(Kind::Stage).any(|s| s.id == id);
    if stage {
        cmd.arg("--strict");
    }
    if let Some(only) = only {
        cmd.args(["--only", only]);
    }
    cmd.arg("--").args(command);
    let out = run_bounded(cmd, CHECK_BOUND);
    let _ = std::fs::remove_dir_all(&dir);
    let results = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .map(|v| ScenarioResult {
            scenario: v["scenario"].as_str().unwrap_or_default().to_string(),
            result: v["result"].as_str().unwrap_or_default().to_string(),
            step: v["first_failure"]["step"].as_u64(),
        })
        .collect();
    CheckRun {
        code: out.status.code(),
        results,
        text: format!(
            "$ netlab check {id} --json{} -- {}\n{}",
            if stage { " --strict" } else { "" },
            command.join(" "),
            text(&out)
        ),
    }
}

/// A number no other call in this process gets: directory names for runs in parallel.
fn unique() -> usize {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
}

/// `check(id, only, command)`, made once per (check, scenario, program) and shared: two
/// trials that need the same run wait for the one that makes it.
fn shared(id: &str, only: Option<&str>, command: &[String]) -> Arc<CheckRun> {
    type Key = (String, Option<String>, Vec<String>);
    type Slot = Arc<OnceLock<Arc<CheckRun>>>;
    static RUNS: OnceLock<Mutex<HashMap<Key, Slot>>> = OnceLock::new();
    let key = (id.to_string(), only.map(str::to_string), command.to_vec());
    let slot = RUNS
        .get_or_init(Default::default)
        .lock()
        .unwrap()
        .entry(key)
        .or_default()
        .clone();
    slot.get_or_init(|| Arc::new(check(id, only, command)))
        .clone()
}

/// The whole `netlab check id` of a program, shared.
fn shared_check(id: &str, command: &[String]) -> Arc<CheckRun> {
    shared(id, None, command)
}

/// `python3 FILE {port}`: a program of the curriculum, as a student runs it.
fn python_command(file: &Path) -> Vec<String> {
    vec![
        "python3".into(),
        file.display().to_string(),
        "{port}".into(),
    ]
}

/// `program` (an entry's Python) passes `netlab check subject`: every scenario, exit 0.
fn passes(program: &'static Entry, subject: &'static Entry) -> Outcome {
    if let Some(why) = cannot_run(&[program]) {
        return Ok(Completion::ignored_with(why));
    }
    let run = shared_check(subject.id, &python_command(&python_file(program)?));
    if !run.passed() {
        return Err(format!(
            "{}'s Python does not pass netlab check {}:\n{}",
            program.id, subject.id, run.text
        )
        .into());
    }
    Ok(Completion::Completed)
}

/// The copies of the tutorial's originals, by stage, made once: the path of each, or why
/// there is none.
type Copies = Mutex<HashMap<&'static str, Result<PathBuf, String>>>;
static COPIES: OnceLock<Copies> = OnceLock::new();

/// The tutorial's original of `stage`, copied once into a temporary directory with its
/// literal port `61000` replaced by `$PORT`; or why there is none here.
fn original(stage: &'static Entry) -> Result<PathBuf, String> {
    let mut copies = COPIES.get_or_init(Default::default).lock().unwrap();
    copies
        .entry(stage.id)
        .or_insert_with(|| copy_original(stage))
        .clone()
}

/// Removes the copies' temporary directories, once every trial is done.
fn remove_originals() {
    let Some(copies) = COPIES.get() else { return };
    for copy in copies.lock().unwrap().values().flatten() {
        if let Some(dir) = copy.parent() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

fn copy_original(stage: &Entry) -> Result<PathBuf, String> {
    let dir = temp_dir(&format!("original-{}", stage.id));
    common::copy_original(&format!("stage_{}_", stage.id), false, &dir)
}

/// What a program of `stage` gets on each scenario of `netlab check subject`, by name,
/// and the transcripts it came from. For `subject` = `stage`, one whole check; for the
/// next stage, the scenarios it shares with `stage` come from that same whole check (a
/// scenario runs alike whatever stage it is checked for: the runner takes the scenario and
/// the program, nothing else), and each one it adds from `netlab check subject --only
/// SCENARIO`: every scenario runs once per program, not once per check.
fn results_on(
    stage: &Entry,
    subject: &Entry,
    command: &[String],
) -> (HashMap<String, String>, Vec<String>) {
    let whole = shared_check(stage.id, command);
    let mut texts = vec![whole.text.clone()];
    let mut results: HashMap<String, String> = whole
        .by_scenario()
        .into_iter()
        .map(|(s, r)| (s.to_string(), r.to_string()))
        .collect();
    if subject.id != stage.id {
        let kept: Vec<&str> = stage.scenarios().iter().map(|s| s.name).collect();
        results.retain(|s, _| subject.scenarios().iter().any(|x| x.name == s));
        for s in subject.scenarios() {
            if kept.contains(&s.name) {
                continue;
            }
            let one = shared(subject.id, Some(s.name), command);
            texts.push(one.text.clone());
            results.extend(
                one.by_scenario()
                    .into_iter()
                    .map(|(s, r)| (s.to_string(), r.to_string())),
            );
        }
    }
    (results, texts)
}

/// On every scenario of `netlab check subject`, the original of `stage` and netlab's
/// Python of it get the same result.
fn agrees_with_the_original(stage: &'static Entry, subject: &'static Entry) -> Outcome {
    if let Some(why) = cannot_run(&[stage]) {
        return Ok(Completion::ignored_with(why));
    }
    let original = match original(stage) {
        Ok(file) => file,
        Err(why) => return Ok(Completion::ignored_with(why)),
    };
    let ours = python_command(&python_file(stage)?);
    let theirs = ["python3".to_string(), original.display().to_string()];
    let (a, a_texts) = results_on(stage, subject, &ours);
    let (b, b_texts) = results_on(stage, subject, &theirs);
    let mut differ: Vec<String> = subject
        .scenarios()
        .iter()
        .map(|s| s.name)
        .filter(|name| a.get(*name) != b.get(*name) || !a.contains_key(*name))
        .map(|name| {
            let result = |r: Option<&String>| r.map_or("(no result)".to_string(), String::clone);
            format!(
                "{name}: netlab's Python {}, the original {}",
                result(a.get(name)),
                result(b.get(name))
            )
        })
        .collect();
    if a.is_empty() {
        differ.push("no result at all".to_string());
    }
    if !differ.is_empty() {
        return Err(format!(
            "stage {}'s Python and the original differ on check {}:\n  {}\n\n{}\n\n{}",
            stage.id,
            subject.id,
            differ.join("\n  "),
            a_texts.join("\n"),
            b_texts.join("\n")
        )
        .into());
    }
    Ok(Completion::Completed)
}

/// The start file `netlab exercise ID --start` writes (the base's Python) fails the
/// exercise, first at the scenario and step of `fails_at`.
fn start_file_fails(e: &'static Entry) -> Outcome {
    if let Some(why) = cannot_run(&[e.base().expect("an exercise has a base")]) {
        return Ok(Completion::ignored_with(why));
    }
    let (scenario, step) = e.fails_at.expect("an exercise says where its base fails");
    let dir = temp_dir(&format!("start-{}", e.id));
    let out = run_bounded(
        {
            let mut cmd = netlab(&dir);
            cmd.args(["exercise", e.id, "--start"]);
            cmd
        },
        Duration::from_secs(30),
    );
    let file = dir.join(format!("{}.py", e.id));
    if !out.status.success() || !file.is_file() {
        let _ = std::fs::remove_dir_all(&dir);
        return Err(format!("netlab exercise {} --start:\n{}", e.id, text(&out)).into());
    }
    let run = check(e.id, Some(scenario), &python_command(&file));
    let _ = std::fs::remove_dir_all(&dir);
    let first = run.results.first();
    let failed_there = first.is_some_and(|r| {
        r.scenario == scenario && r.result == "fail" && r.step == Some(step as u64)
    });
    if run.code != Some(1) || run.results.len() != 1 || !failed_there {
        return Err(format!(
            "the start file of {} should fail {scenario} at step {step}, exit code 1; got {:?}, {first:?}:\n{}",
            e.id, run.code, run.text
        )
        .into());
    }
    Ok(Completion::Completed)
}

/// `netlab args` in a temporary directory, bounded; its output.
fn netlab_output(args: &[&str]) -> Output {
    let mut cmd = netlab(&std::env::temp_dir());
    cmd.args(args);
    run_bounded(cmd, Duration::from_secs(30))
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `netlab source ID` prints the entry's Python program, exactly; `--rust` its Rust file.
/// An entry without Python prints its Rust either way, and says so in one line on stderr.
fn source(e: &'static Entry) -> Result<(), Failed> {
    for (args, code) in [(&[][..], Code::Python), (&["--rust"][..], Code::Rust)] {
        let (wanted, note) = match e.program(code) {
            Some(program) => (program, false),
            None => (e.rust, true),
        };
        let out = netlab_output(&[&["source", e.id][..], args].concat());
        let said = String::from_utf8_lossy(&out.stderr).lines().count();
        if !out.status.success() || stdout(&out) != wanted.text || said != usize::from(note) {
            return Err(format!(
                "netlab source {} {args:?} should print {} exactly{}:\n{}",
                e.id,
                wanted.file,
                if note {
                    ", and say in one line that it has no Python"
                } else {
                    ""
                },
                text(&out)
            )
            .into());
        }
    }
    Ok(())
}

/// `netlab diff BASE ID` prints both headings, then the diff of the two Python files
/// (their names on the `---`/`+++` lines), and nothing of the Rust; where either has no
/// Python, the diff of the Rust files, and a line on stderr that says so.
fn diff(base: &'static Entry, e: &'static Entry) -> Result<(), Failed> {
    let out = netlab_output(&["diff", base.id, e.id, "--color", "never"]);
    let printed = stdout(&out);
    let python = base.python.is_some() && e.python.is_some();
    let code = if python { Code::Python } else { Code::Rust };
    let (old, new) = (
        netlab::compare::source(base, code),
        netlab::compare::source(e, code),
    );
    let wanted = netlab::diff::unified(old, new, false);
    let labels = format!("--- {}\n+++ {}\n", old.label, new.label);
    let said = String::from_utf8_lossy(&out.stderr).lines().count();
    let python_labels = !python || old.label.starts_with("stages/python/");
    if !out.status.success()
        || !printed.ends_with(&wanted)
        || !wanted.starts_with(&labels)
        || !python_labels
        || said != usize::from(!python)
    {
        return Err(format!(
            "netlab diff {} {} should end with the {code:?} diff:\n{wanted}\ngot:\n{}",
            base.id,
            e.id,
            text(&out)
        )
        .into());
    }
    Ok(())
}

/// The changed lines of a diff (`+`/`-`, not the `+++`/`---` file lines), signs kept.
fn changed(diff: &str) -> Vec<&str> {
    diff.lines()
        .filter(|l| {
            (l.starts_with('+') && !l.starts_with("+++"))
                || (l.starts_with('-') && !l.starts_with("---"))
        })
        .collect()
}

/// The stage whose Python adds `threading.Lock()` (stage 5 of the notes): `netlab diff`
/// from its base shows the lock's lines and nothing but what the notes change with it.
fn lock_diff() -> Result<(), Failed> {
    let has_lock = |e: &Entry| {
        e.python
            .is_some_and(|p| p.text.contains("threading.Lock()"))
    };
    let stage = curriculum::of_kind(Kind::Stage)
        .find(|s| has_lock(s) && s.base().is_some_and(|b| !has_lock(b)))
        .ok_or("no stage's Python adds threading.Lock()")?;
    let base = stage.base().unwrap();
    let out = netlab_output(&["diff", base.id, stage.id, "--color", "never"]);
    let printed = stdout(&out);
    let lines = changed(&printed);
    for wanted in [
        "+        self.lock = threading.Lock()",
        "+            with self.lock:",
    ] {
        if !lines.contains(&wanted) {
            return Err(format!(
                "no {wanted:?} in netlab diff {} {}:\n{printed}",
                base.id, stage.id
            )
            .into());
        }
    }
    let added_withs = lines
        .iter()
        .filter(|l| l.starts_with('+') && l.trim_start_matches('+').trim() == "with self.lock:")
        .count();
    // Adding a client, popping one, and stop(): not the broadcast (its flaw).
    if added_withs != 3 {
        return Err(format!("{added_withs} `with self.lock:` added, not 3:\n{printed}").into());
    }
    for line in &lines {
        let code = line[1..].trim();
        let about_the_lock = code.contains("lock")
            || code.is_empty()
            || code.starts_with('#')
            || code.starts_with("self.clients")
            || matches!(code, "sock.close()" | "s.close()")
            || code.starts_with("for s in self.clients.values():")
            // The notes' stage 5 console also logs the threads and the clients.
            || code.starts_with("logging.info(threading.enumerate())")
            || code == "logging.info(cs.clients)";
        if !about_the_lock {
            return Err(format!("a change the notes did not make: {line}\n{printed}").into());
        }
    }
    Ok(())
}

/// `netlab exercise ID --start DIR` writes DIR/ID.py, the base's Python unchanged, and
/// names the check on it; a second `--start` leaves the student's file alone (exit 1);
/// `--force` replaces it.
fn start_keeps(e: &'static Entry) -> Outcome {
    // No python3 needed: the file is written, not run.
    let base = e.base().expect("an exercise has a base");
    if base.python.is_none() {
        return Ok(Completion::ignored_with(no_program(base)));
    }
    let dir = temp_dir(&format!("keep-{}", e.id));
    let result = start_keeps_in(e, &dir);
    let _ = std::fs::remove_dir_all(&dir);
    result.map(|()| Completion::Completed)
}

fn start_keeps_in(e: &'static Entry, dir: &Path) -> Result<(), Failed> {
    let base = e.base().expect("an exercise has a base");
    let wanted = base
        .program(Code::Python)
        .ok_or_else(|| format!("{} has no Python", base.id))?;
    let dir_arg = dir.display().to_string();
    let file = dir.join(format!("{}.py", e.id));
    let first = netlab_output(&["exercise", e.id, "--start", &dir_arg]);
    let check = format!(
        "netlab check {id} --watch {id}.py -- python3 {id}.py {{port}}",
        id = e.id
    );
    let hint = format!("netlab exercise {} --hint", e.id);
    if !first.status.success()
        || std::fs::read_to_string(&file).ok().as_deref() != Some(wanted.text)
        || !stdout(&first).contains(&check)
        || !stdout(&first).contains(&hint)
    {
        return Err(format!(
            "netlab exercise {} --start {dir_arg} should write {} as {} and name `{check}` and `{hint}`:\n{}",
            e.id,
            wanted.file,
            file.display(),
            text(&first)
        )
        .into());
    }
    std::fs::write(&file, "# my work\n").unwrap();
    let again = netlab_output(&["exercise", e.id, "--start", &dir_arg]);
    if again.status.code() != Some(1)
        || std::fs::read_to_string(&file).unwrap() != "# my work\n"
        || !String::from_utf8_lossy(&again.stderr).contains("already exists")
    {
        return Err(format!(
            "a second --start must leave the file alone, say so and exit 1:\n{}",
            text(&again)
        )
        .into());
    }
    let forced = netlab_output(&["exercise", e.id, "--start", &dir_arg, "--force"]);
    if !forced.status.success() || std::fs::read_to_string(&file).unwrap() != wanted.text {
        return Err(format!(
            "--force should write the base's program again:\n{}",
            text(&forced)
        )
        .into());
    }
    Ok(())
}
