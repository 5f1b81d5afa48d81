//! `netlab check N -- <command...>`: grades a chat server, in any language, with the
//! scenarios of stage N, black-box over TCP.
//!
//! Each scenario gets the program afresh (scenarios break servers on purpose), on a free
//! port given as `{port}` in its arguments and as `PORT` in its environment, or on the
//! fixed `--port`. The stage's own scenarios come first, then those of earlier stages that
//! still hold at it, as a grader checks that nothing that worked broke. The runner and the
//! targets live in [`crate::scenario`]; this module is the command around them.

use crate::program;
use crate::scenario::{self, Outcome, ProgramOptions, Verdict};
use crate::stage;
use crate::{errln, out, outln};
use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::iterator::Signals;
use std::time::Duration;

/// Options of `netlab check`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The stage whose scenarios the program must pass (`netlab stages` lists them).
    #[arg(value_parser = clap::value_parser!(u8).range(1..=crate::stages::STAGES.len() as i64))]
    pub(crate) stage: u8,
    /// The port the program listens on, if it cannot be told (the notes hard-code 60000).
    /// Without it, netlab picks a free port for each run and passes it as `{port}` in the
    /// command's arguments and as `PORT` in its environment.
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..))]
    pub(crate) port: Option<u16>,
    /// Run only the scenario of this name.
    #[arg(long, value_name = "NAME")]
    pub(crate) only: Option<String>,
    /// Show every scenario's transcript, not only the failing ones'.
    #[arg(long, short)]
    pub(crate) verbose: bool,
    /// Print one JSON object per scenario on stdout (stage, scenario, result, first
    /// failure), for a teacher's script; the summary goes to stderr.
    #[arg(long)]
    pub(crate) json: bool,
    /// How many seconds a step waits for what it expects before it fails.
    #[arg(long, default_value_t = 5.0, value_parser = seconds, value_name = "SECONDS")]
    pub(crate) timeout: f64,
    /// How many seconds the program may take to start listening.
    #[arg(long, default_value_t = 10.0, value_parser = seconds, value_name = "SECONDS")]
    pub(crate) start_timeout: f64,
    /// The program to check, and its arguments: `-- python3 my_stage4.py {port}`.
    #[arg(last = true, required = true, value_name = "COMMAND")]
    pub(crate) command: Vec<String>,
}

fn seconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(s) if s.is_finite() && s > 0.0 && s <= 600.0 => Ok(s),
        _ => Err(format!(
            "{text:?} is not a number of seconds between 0 and 600"
        )),
    }
}

/// The exit code when every scenario passed.
pub(crate) const PASSED: u8 = 0;
/// The exit code when a scenario failed.
pub(crate) const FAILED: u8 = 1;
/// The exit code when the program could not be checked: it did not start, never listened,
/// or its port was taken.
pub(crate) const NOT_STARTED: u8 = 2;

/// Runs `netlab check`; returns the exit code.
pub fn run(args: &Args) -> anyhow::Result<u8> {
    let stage = stage::find(args.stage).expect("clap checked the range");
    let mut scenarios: Vec<_> = scenario::for_stage(stage.number).collect();
    if let Some(only) = &args.only {
        scenarios.retain(|s| s.name == only);
        if scenarios.is_empty() {
            let names: Vec<_> = scenario::for_stage(stage.number).map(|s| s.name).collect();
            errln!(
                "netlab check: no scenario {only:?} at stage {}; its scenarios are: {}",
                stage.number,
                names.join(", ")
            );
            return Ok(NOT_STARTED);
        }
    }
    if let Some(port) = args.port {
        if let Some(holder) = listener_on(port) {
            errln!(
                "netlab check: port {port} is taken: {holder}. Stop that program, or drop --port so \
                 that netlab picks a free port (the program then takes it from {{port}} or $PORT: \
                 `netlab explain check` shows the one-line change)"
            );
            return Ok(NOT_STARTED);
        }
    }
    stop_programs_on_signals();
    let options = ProgramOptions {
        command: args.command.clone(),
        port: args.port,
        start_timeout: Duration::from_secs_f64(args.start_timeout),
        wait: Duration::from_secs_f64(args.timeout),
        label: "your_program".to_string(),
    };
    // With --json, standard output carries only the JSON objects; people's lines go there
    // otherwise.
    let say = |text: &str| {
        if !args.json {
            outln!("{text}");
        }
    };
    say(&format!(
        "netlab check {}: `{}` against stage {} ({})\n{}",
        stage.number,
        args.command.join(" "),
        stage.number,
        stage.title_en,
        match args.port {
            Some(port) => format!("a fresh program for each scenario, on port {port}"),
            None => "a fresh program for each scenario, on a free port ({port} in its arguments, \
                     $PORT in its environment)"
                .to_string(),
        }
    ));
    if args.only.is_none() && !scenarios.iter().any(|s| s.introduced() == stage.number) {
        say(&format!(
            "\nstage {} adds no scenario of its own: what it changes shows only under load \
             (`netlab explain {}`); the scenarios below must still hold",
            stage.number, stage.number
        ));
    }
    let mut outcomes: Vec<Outcome> = Vec::new();
    let mut group = None;
    for s in scenarios {
        let own = s.introduced() == stage.number;
        if group != Some(own) {
            group = Some(own);
            say(&if own {
                format!("\nstage {}'s own scenarios:", stage.number)
            } else {
                format!(
                    "\nscenarios of earlier stages that still hold at stage {}:",
                    stage.number
                )
            });
        }
        let outcome = match scenario::run_program(s, stage.number, &options) {
            Ok(outcome) => outcome,
            Err(not_started) => {
                let mut text = format!("CANNOT CHECK {}: {}\n", s.name, not_started.message);
                for line in &not_started.output {
                    text.push_str(&format!("  {line}\n"));
                }
                if let Some(hint) = &not_started.hint {
                    text.push_str(&format!("  hint: {hint}\n"));
                }
                if args.json {
                    outln!(
                        "{}",
                        serde_json::json!({
                            "stage": stage.number,
                            "scenario": s.name,
                            "result": "not_started",
                            "first_failure": {"message": not_started.message, "hint": not_started.hint},
                        })
                    );
                    errln!("{}", text.trim_end());
                } else {
                    out!("{text}");
                }
                errln!("netlab check: the program could not be checked (exit code {NOT_STARTED})");
                return Ok(NOT_STARTED);
            }
        };
        if args.json {
            outln!("{}", outcome.json());
        } else if args.verbose || outcome.verdict() == Verdict::Failed {
            out!("{outcome}");
        } else {
            outln!("{}", outcome.headline());
        }
        outcomes.push(outcome);
    }
    let count = |v: Verdict| outcomes.iter().filter(|o| o.verdict() == v).count();
    let (passed, failed) = (count(Verdict::Passed), count(Verdict::Failed));
    let unchecked: usize = outcomes.iter().map(|o| o.unchecked).sum();
    let mut summary = format!("{passed} passed, {failed} failed");
    if unchecked > 0 {
        summary.push_str(&format!(", {unchecked} not checked"));
    }
    if args.json {
        errln!("{summary}");
    } else {
        outln!("\n{summary}");
        if unchecked > 0 {
            outln!(
                "(not checked: steps that look inside the server, such as what a thread is blocked \
                 in, or what only netlab's own stages do; `netlab explain check` says which)"
            );
        }
    }
    Ok(if failed > 0 { FAILED } else { PASSED })
}

/// What listens on `port` now, if anything: the program, as `netlab ports` names it.
fn listener_on(port: u16) -> Option<String> {
    let listening = crate::ports::sockets()
        .unwrap_or_default()
        .into_iter()
        .any(|s| s.state == crate::ports::State::Listen && s.local.port() == port);
    listening.then(|| {
        crate::ports::holders(port).unwrap_or_else(|| format!("something listens on port {port}"))
    })
}

/// Ctrl-C or SIGTERM while checking: stop the program under test, then exit.
fn stop_programs_on_signals() {
    let Ok(mut signals) = Signals::new([SIGINT, SIGTERM]) else {
        return;
    };
    std::thread::spawn(move || {
        if let Some(sig) = signals.forever().next() {
            program::stop_all();
            errln!("\nnetlab check: interrupted; the program under test was stopped");
            std::process::exit(128 + sig);
        }
    });
}
