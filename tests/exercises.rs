//! The exercises are checked as rustlings checks its own: every exercise fails on netlab's
//! base stage as shipped, at the step `stages/curriculum.toml` says, and passes with netlab's
//! reference solution, in this process and as a program; the tutorial's original Python
//! program fails it too. The tests are generated from the exercise table
//! (the curriculum's entries of kind `solution`): nothing here lists the exercises again.
//!
//! Then the command around them: the progress file (a pass is recorded, a fail is not, a
//! file that is not netlab's is left alone) and `--watch` (a save starts a second run).

mod common;

use common::process::Netlab;
use libtest_mimic::{Arguments, Completion, Failed, Trial};
use netlab::curriculum::{self, Entry, Kind};
use netlab::exercise;
use netlab::scenario::{self, client_check, Verdict};
use nix::sys::signal::Signal;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn main() {
    let mut args = Arguments::from_args();
    // These tests mostly wait on programs and quiet periods: four at a time.
    args.test_threads = args.test_threads.or(Some(4));
    let mut trials = Vec::new();
    for e in curriculum::of_kind(Kind::Solution) {
        trials.push(Trial::test(
            format!("{}_fails_on_its_base_stage", e.id),
            move || base_fails(e),
        ));
        trials.push(Trial::test(
            format!("{}_solution_passes_in_process", e.id),
            move || solution_passes_in_process(e),
        ));
        trials.push(Trial::test(
            format!("{}_solution_passes_as_a_program", e.id),
            move || solution_passes_as_a_program(e),
        ));
        trials.push(Trial::ignorable_test(
            format!("{}_python_original_fails", e.id),
            move || python_original_fails(e),
        ));
    }
    trials.push(Trial::test(
        "a_pass_is_recorded_and_a_fail_is_not",
        progress,
    ));
    trials.push(Trial::test(
        "a_progress_file_that_is_not_netlabs_is_left_alone",
        corrupt_progress,
    ));
    trials.push(Trial::test(
        "watch_checks_again_when_the_file_is_saved",
        watch,
    ));
    libtest_mimic::run(&args, trials).exit();
}

const BIN: &str = env!("CARGO_BIN_EXE_netlab");

/// A fresh directory for one test: `netlab check` writes its progress file in the
/// current directory.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("netlab-exercises-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `netlab check args...` in `dir`, bounded by a watchdog.
fn check(dir: &Path, args: &[&str]) -> Output {
    let mut child = Command::new(BIN)
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("LANG")
        .arg("check")
        .args(args)
        .current_dir(dir)
        .env_remove("RUST_LOG")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start netlab check");
    let pid = child.id() as i32;
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let watch = done.clone();
    std::thread::spawn(move || {
        let deadline = Instant::now() + Duration::from_secs(240);
        while Instant::now() < deadline {
            if watch.load(std::sync::atomic::Ordering::SeqCst) {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), Signal::SIGINT);
    });
    let stdout = child.stdout.take();
    let stderr = child.stderr.take();
    let out = Output {
        stdout: read_all(stdout),
        stderr: read_all(stderr),
        status: child.wait().expect("netlab check ends"),
    };
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    out
}

fn read_all(stream: Option<impl std::io::Read>) -> Vec<u8> {
    let mut buf = Vec::new();
    if let Some(mut s) = stream {
        let _ = s.read_to_end(&mut buf);
    }
    buf
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn json(out: &Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

/// Whether the exercise is the client's.
fn of_the_client(e: &Entry) -> bool {
    e.base().is_some_and(|b| b.kind == Kind::Client)
}

/// How netlab runs the exercise's base as shipped, as a program.
fn base_command(e: &Entry) -> Vec<String> {
    let base = e.base().expect("an exercise has a base");
    if of_the_client(e) {
        vec![
            BIN.into(),
            "client".into(),
            "--port".into(),
            "{port}".into(),
        ]
    } else {
        vec![
            BIN.into(),
            "stage".into(),
            base.id.into(),
            "--port".into(),
            "{port}".into(),
        ]
    }
}

/// How netlab runs the exercise's reference solution, as a program.
fn solution_command(e: &Entry) -> Vec<String> {
    match of_the_client(e) {
        false => vec![
            BIN.into(),
            "stage".into(),
            e.id.into(),
            "--port".into(),
            "{port}".into(),
        ],
        true => vec![
            BIN.into(),
            "client".into(),
            "--solution".into(),
            e.id.into(),
            "--port".into(),
            "{port}".into(),
        ],
    }
}

/// netlab's own base, as shipped and checked black-box, fails the exercise's scenario at
/// the step the table says.
fn base_fails(e: &'static Entry) -> Result<(), Failed> {
    let dir = temp_dir(&format!("{}-base", e.id));
    let (scenario, step) = e.fails_at.expect("an exercise says where its base fails");
    let mut args = vec![e.id, "--json", "--only", scenario, "--"];
    let command = base_command(e);
    args.extend(command.iter().map(String::as_str));
    let out = check(&dir, &args);
    let found = json(&out);
    let _ = std::fs::remove_dir_all(&dir);
    let first = found
        .first()
        .ok_or_else(|| format!("no result:\n{}", text(&out)))?;
    if first["result"] != "fail" || first["first_failure"]["step"] != step {
        return Err(format!(
            "{} as shipped should fail {scenario} at step {step}; got {first}\n{}",
            exercise::base_name(e),
            text(&out)
        )
        .into());
    }
    if out.status.code() != Some(1) {
        return Err(format!(
            "exit code {:?}, expected 1:\n{}",
            out.status.code(),
            text(&out)
        )
        .into());
    }
    Ok(())
}

/// The reference solution, started in this process, passes every scenario of the exercise.
fn solution_passes_in_process(e: &'static Entry) -> Result<(), Failed> {
    if let Some(server) = e.server_program() {
        for s in e.scenarios() {
            let outcome = scenario::run_in_process(server, s);
            if outcome.verdict() != Verdict::Passed {
                return Err(format!("\n{outcome}").into());
            }
        }
    }
    if let Some(client) = e.client_program() {
        let server = e
            .server_stage()
            .and_then(Entry::server_program)
            .expect("the client's server is a stage");
        for s in e.client_scenarios() {
            let outcome = client_check::run_in_process(s, server, client);
            if outcome.verdict() != Verdict::Passed {
                return Err(format!("\n{outcome}").into());
            }
        }
    }
    Ok(())
}

/// The reference solution, run as a program (`netlab stage 5.race`), passes `netlab check`,
/// which records no pass for netlab's own program, and says so.
fn solution_passes_as_a_program(e: &'static Entry) -> Result<(), Failed> {
    let dir = temp_dir(&format!("{}-solution", e.id));
    let mut args = vec![e.id, "--"];
    let command = solution_command(e);
    args.extend(command.iter().map(String::as_str));
    let out = check(&dir, &args);
    let recorded = exercise::passed(&dir);
    let _ = std::fs::remove_dir_all(&dir);
    if out.status.code() != Some(0) {
        return Err(format!(
            "netlab's solution of {} does not pass:\n{}",
            e.id,
            text(&out)
        )
        .into());
    }
    match recorded {
        Ok(done) if done.is_empty() && text(&out).contains("not recorded") => Ok(()),
        other => Err(format!(
            "netlab's own solution must not be recorded as a pass, and the check must say so: \
             {other:?}\n{}",
            text(&out)
        )
        .into()),
    }
}

/// The tutorial's original Python program of the exercise's base fails it too.
fn python_original_fails(e: &'static Entry) -> Result<Completion, Failed> {
    let python = Command::new("python3")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !python {
        return Ok(Completion::ignored_with("python3 is not installed"));
    }
    let base = e.base().expect("an exercise has a base");
    let wanted = if of_the_client(e) {
        "stage_7_client".to_string()
    } else {
        format!("stage_{}_", base.id)
    };
    let dir = temp_dir(&format!("{}-python", e.id));
    let copy = match common::copy_original(&wanted, of_the_client(e), &dir) {
        Ok(copy) => copy,
        Err(why) => {
            let _ = std::fs::remove_dir_all(&dir);
            return Ok(Completion::ignored_with(why));
        }
    };
    let copy = copy.to_string_lossy().to_string();
    let (scenario, _) = e.fails_at.expect("an exercise says where its base fails");
    let out = check(
        &dir,
        &[e.id, "--json", "--only", scenario, "--", "python3", &copy],
    );
    let found = json(&out);
    let _ = std::fs::remove_dir_all(&dir);
    if found.len() != 1 || found[0]["result"] != "fail" || out.status.code() != Some(1) {
        return Err(format!(
            "the Python original should fail {scenario}:\n{}",
            text(&out)
        )
        .into());
    }
    Ok(Completion::Completed)
}

/// A student's program that passes `id`: netlab's solution run through a shell, which is
/// not netlab itself (netlab records no pass for its own solution).
fn as_a_students(id: &str) -> [&'static str; 3] {
    let script: &'static str =
        Box::leak(format!("exec '{BIN}' stage {id} --port \"$PORT\"").into_boxed_str());
    ["sh", "-c", script]
}

/// A pass is recorded in ./netlab-progress.txt, a fail is not, and `netlab exercises`
/// shows the progress.
fn progress() -> Result<(), Failed> {
    let dir = temp_dir("progress");
    let only = ["--only", "blank_line_is_a_message"];
    let fail = check(
        &dir,
        &[
            &["4.blank"][..],
            &only,
            &["--", BIN, "stage", "4", "--port", "{port}"],
        ]
        .concat(),
    );
    if fail.status.code() != Some(1) || dir.join(exercise::PROGRESS_FILE).exists() {
        return Err(format!("a failing check must record nothing:\n{}", text(&fail)).into());
    }
    // --only checks one scenario: not a pass of the whole exercise.
    let partial = check(
        &dir,
        &[
            &["4.blank"][..],
            &only,
            &["--", BIN, "stage", "4.blank", "--port", "{port}"],
        ]
        .concat(),
    );
    if partial.status.code() != Some(0) || dir.join(exercise::PROGRESS_FILE).exists() {
        return Err(format!(
            "a check of one scenario must record nothing:\n{}",
            text(&partial)
        )
        .into());
    }
    let pass = check(
        &dir,
        &[&["4.blank", "--"][..], &as_a_students("4.blank")].concat(),
    );
    if pass.status.code() != Some(0) || !text(&pass).contains("recorded in ./netlab-progress.txt") {
        return Err(format!("a pass must be recorded and said so:\n{}", text(&pass)).into());
    }
    let list = Command::new(BIN)
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("LANG")
        .arg("exercises")
        .current_dir(&dir)
        .output()
        .unwrap();
    let listed = String::from_utf8_lossy(&list.stdout).to_string();
    let _ = std::fs::remove_dir_all(&dir);
    let line = listed
        .lines()
        .find(|l| l.starts_with("4.blank"))
        .unwrap_or_default();
    if !line.contains("done")
        || !listed.contains(&format!(
            "1 of {} done",
            curriculum::ids(Kind::Solution).len()
        ))
    {
        return Err(format!("`netlab exercises` should show 4.blank done:\n{listed}").into());
    }
    Ok(())
}

/// A progress file that is not netlab's gets a clear error, and is not overwritten.
fn corrupt_progress() -> Result<(), Failed> {
    let dir = temp_dir("corrupt");
    let path = dir.join(exercise::PROGRESS_FILE);
    std::fs::write(&path, "my own notes\n").unwrap();
    let pass = check(
        &dir,
        &[&["4.blank", "--"][..], &as_a_students("4.blank")].concat(),
    );
    let list = Command::new(BIN)
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("LANG")
        .arg("exercises")
        .current_dir(&dir)
        .output()
        .unwrap();
    let after = std::fs::read_to_string(&path).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    if after != "my own notes\n" {
        return Err(format!("the file was changed to {after:?}").into());
    }
    if !text(&pass).contains("not recorded")
        || !text(&pass).contains("is not netlab's progress file")
    {
        return Err(format!(
            "the check should say why it did not record:\n{}",
            text(&pass)
        )
        .into());
    }
    if list.status.success()
        || !String::from_utf8_lossy(&list.stderr).contains("is not netlab's progress file")
    {
        return Err(format!("`netlab exercises` should refuse it: {list:?}").into());
    }
    Ok(())
}

/// `--watch FILE` checks once, then again when FILE is saved; Ctrl-C stops it.
fn watch() -> Result<(), Failed> {
    let dir = temp_dir("watch");
    let file = dir.join("my_server.py");
    std::fs::write(&file, "# version 1\n").unwrap();
    let file_arg = file.to_string_lossy().to_string();
    let mut p = Netlab::start(&[
        "check",
        "4.blank",
        "--only",
        "blank_line_is_a_message",
        "--watch",
        &file_arg,
        "--",
        BIN,
        "stage",
        "4.blank",
        "--port",
        "{port}",
    ]);
    let runs = |p: &Netlab| p.stdout().matches("netlab check: watching").count();
    let deadline = Instant::now() + Duration::from_secs(60);
    while runs(&p) < 1 {
        if Instant::now() > deadline {
            return Err(format!("no first run:\n{}", p.all()).into());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    std::fs::write(&file, "# version 2\n").unwrap();
    while runs(&p) < 2 {
        if Instant::now() > deadline {
            return Err(format!("saving the file started no second run:\n{}", p.all()).into());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    p.signal(Signal::SIGINT);
    let status = p.expect_exit(Duration::from_secs(10));
    let _ = std::fs::remove_dir_all(&dir);
    if status.code() != Some(130) {
        return Err(format!("Ctrl-C should end the watch with 130: {status}").into());
    }
    Ok(())
}
