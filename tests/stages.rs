//! The stage tests, generated from the curriculum (`stages/curriculum.toml`): one test per
//! stage and scenario, `stage4_quit_removes_the_client`, and one per stage and experiment,
//! `stage4_dict_changed_size_under_churn`. Nothing here lists them again: each stage's
//! scenarios are its base's, minus what it drops, plus what it adds, and a new stage gets
//! its tests from its entry.
//!
//! Each test is an exercise: run one, read what it shows (the scenario's `shows` line is
//! printed with its transcript when it fails), then try the same by hand with
//! `netlab stage 4` and `nc 127.0.0.1 60000`:
//!
//! ```sh
//! cargo test --test stages stage2_dead_client_kills_later_senders
//! ```
//!
//! With `NETLAB_SERVER` set, a stage's scenarios run against that program instead of
//! netlab's own stage, started afresh for each (`{port}` and `$PORT` as `netlab check`
//! gives them), with the same transcripts on failure:
//!
//! ```sh
//! NETLAB_SERVER='python3 my_stage4.py {port}' cargo test --test stages stage4_
//! ```

use libtest_mimic::{Arguments, Failed, Trial};
use netlab::curriculum::{self, Entry, Kind};
use netlab::scenario::{self, Experiment, ProgramOptions, Scenario, Verdict, DEFAULT_WAIT};
use netlab::stage::Running;
use std::time::Duration;

fn main() {
    // With NETLAB_SERVER, programs are started through a guard, which is this binary run
    // again (see netlab::program).
    netlab::program::serve_guard_if_asked();
    let args = Arguments::from_args();
    let server = std::env::var("NETLAB_SERVER")
        .ok()
        .filter(|s| !s.trim().is_empty());
    if server.is_some() && !names_one_stage(args.filter.as_deref()) {
        eprintln!(
            "NETLAB_SERVER runs one stage's scenarios against your program: name the stage, e.g.\n  \
             NETLAB_SERVER='python3 my_stage4.py {{port}}' cargo test --test stages stage4_"
        );
        std::process::exit(2);
    }
    let mut trials = Vec::new();
    for stage in curriculum::of_kind(Kind::Stage) {
        let n = stage.id;
        for s in stage.scenarios() {
            let server = server.clone();
            trials.push(Trial::test(
                format!("stage{n}_{}", s.name),
                move || match server {
                    Some(command) => against_program(s, &command),
                    None => against_stage(s, stage),
                },
            ));
        }
        for e in stage.experiments() {
            trials.push(
                Trial::test(format!("stage{n}_{}", e.name), move || experiment(e, stage))
                    // An experiment looks inside netlab's own server (which threads died).
                    .with_ignored_flag(server.is_some()),
            );
        }
    }
    libtest_mimic::run(&args, trials).exit();
}

/// Whether a test filter picks the tests of one stage: `stage4_`, `stage4_quit_...`.
fn names_one_stage(filter: Option<&str>) -> bool {
    filter.is_some_and(|f| {
        f.strip_prefix("stage")
            .and_then(|rest| rest.split('_').next())
            .is_some_and(|n| curriculum::find(n).is_ok_and(|e| e.kind == Kind::Stage))
            && f.contains('_')
    })
}

/// Runs the scenario against netlab's stage in this process: it must pass, with at least
/// one step checked.
fn against_stage(s: &'static Scenario, stage: &'static Entry) -> Result<(), Failed> {
    let program = stage.server_program().expect("a stage is a server");
    let outcome = scenario::run_in_process(program, s);
    match outcome.verdict() {
        Verdict::Passed => Ok(()),
        _ => Err(format!("\n{outcome}").into()),
    }
}

/// Runs the scenario against the program of `NETLAB_SERVER`, started for it.
fn against_program(s: &'static Scenario, command: &str) -> Result<(), Failed> {
    let options = ProgramOptions {
        command: vec!["sh".into(), "-c".into(), command.into()],
        port: None,
        start_timeout: Duration::from_secs(10),
        wait: DEFAULT_WAIT,
        label: "NETLAB_SERVER".into(),
        strict: false,
        keep_all_output: false,
    };
    match scenario::run_program(s, &options) {
        Ok(outcome) if outcome.verdict() == Verdict::Failed => Err(format!("\n{outcome}").into()),
        Ok(_) => Ok(()),
        Err(not_started) => Err(format!(
            "\n{}\n{}{}",
            not_started.message,
            not_started
                .output
                .iter()
                .map(|l| format!("  {l}\n"))
                .collect::<String>(),
            not_started
                .hint
                .map_or(String::new(), |h| format!("hint: {h}"))
        )
        .into()),
    }
}

/// Runs the experiment against netlab's stage in this process.
fn experiment(e: &'static Experiment, stage: &'static Entry) -> Result<(), Failed> {
    let program = stage.server_program().expect("a stage is a server");
    let running = Running::start(program, "127.0.0.1:0".parse().unwrap(), true)
        .map_err(|err| format!("stage {} did not start: {err}", stage.id))?;
    (e.run)(&running).map_err(|why| format!("\n{}\n{why}", e.shows()).into())
}
