//! `netlab check <stage|exercise> -- <command...>`: grades a chat server (or, for the
//! client's exercise, a client), in any language, black-box over TCP.
//!
//! Each scenario gets the program afresh (scenarios break servers on purpose), on a free
//! port given as `{port}` in its arguments and as `PORT` in its environment, or on the
//! fixed `--port`. For a stage, its own scenarios come first, then those of earlier stages
//! that still hold at it, as a grader checks that nothing that worked broke; for an
//! exercise, the exercise's scenarios, then those of its stage that the fix keeps, and a
//! pass is recorded in the progress file. `--watch FILE` checks again on every save. The
//! runner and the targets live in [`crate::scenario`]; this module is the command around
//! them.

use crate::curriculum::{self, Entry, Kind};
use crate::exercise;
use crate::program;
use crate::scenario::{
    self, client_check, ClientScenario, Outcome, ProgramOptions, Scenario, Verdict,
};
use crate::{errln, out, outln, tr};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Options of `netlab check`.
#[derive(clap::Args)]
pub struct Args {
    /// The stage whose scenarios the program must pass (`netlab stages` lists them), or an
    /// exercise (`netlab exercises`).
    #[arg(value_parser = curriculum::parse_any, value_name = "STAGE|EXERCISE")]
    pub(crate) subject: &'static Entry,
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
    /// Check again every time FILE is saved (the program's source), until Ctrl-C.
    #[arg(long, value_name = "FILE")]
    pub(crate) watch: Option<PathBuf>,
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

/// One scenario to run: a server's, or the client's.
#[derive(Clone, Copy)]
enum Item {
    Server(&'static Scenario),
    Client(&'static ClientScenario),
}

impl Item {
    fn name(self) -> &'static str {
        match self {
            Item::Server(s) => s.name,
            Item::Client(s) => s.name,
        }
    }
}

/// The scenarios of `subject`, in groups with their headings: its own, then those it
/// keeps of its base's (a grader checks that nothing that worked broke).
fn plan(subject: &'static Entry) -> Vec<(String, Vec<Item>)> {
    if let Some(server) = subject.server_stage() {
        return vec![(
            format!(
                "{}'s scenarios (netlab's stage {} plays the server):",
                subject.name(),
                server.id
            ),
            subject
                .client_scenarios()
                .into_iter()
                .map(Item::Client)
                .collect(),
        )];
    }
    let (own, kept): (Vec<_>, Vec<_>) = subject
        .scenarios()
        .into_iter()
        .partition(|s| subject.adds(s.name));
    let base = subject.base().map_or(String::new(), Entry::name);
    vec![
        (
            format!("{}'s own scenarios:", subject.name()),
            own.into_iter().map(Item::Server).collect(),
        ),
        (
            match subject.kind {
                Kind::Solution => format!("scenarios of {base} that the fix must keep:"),
                _ => format!(
                    "scenarios of earlier stages that still hold at {}:",
                    subject.name()
                ),
            },
            kept.into_iter().map(Item::Server).collect(),
        ),
    ]
}

/// Runs `netlab check`; returns the exit code.
pub fn run(args: &Args) -> anyhow::Result<u8> {
    if args.subject.kind == Kind::Client {
        errln!(
            "netlab check: the notes' client has no scenarios of its own; its exercise has: \
             `netlab check {} -- python3 my_client.py {{port}}`",
            curriculum::ids(Kind::Solution)
                .into_iter()
                .find(|id| curriculum::find(id).is_ok_and(|e| e.server_stage().is_some()))
                .unwrap_or("client.quit")
        );
        return Ok(NOT_STARTED);
    }
    let mut groups = plan(args.subject);
    if let Some(only) = &args.only {
        let names: Vec<&str> = groups
            .iter()
            .flat_map(|(_, items)| items.iter().map(|i| i.name()))
            .collect();
        if !names.contains(&only.as_str()) {
            errln!(
                "netlab check: no scenario {only:?} here; the scenarios are: {}",
                names.join(", ")
            );
            return Ok(NOT_STARTED);
        }
        for (_, items) in &mut groups {
            items.retain(|i| i.name() == only);
        }
    }
    let client = args.subject.server_stage().is_some();
    if let (Some(port), false) = (args.port, client) {
        // Held for good (a listener, another program's connection): say so now. Held for
        // a while (TIME-WAIT): the launcher waits before each scenario, which costs time.
        if let Some(taken) = program::PortUse::now(port).filter(|u| !u.passes()) {
            errln!(
                "{}",
                tr!(
                    "check-port-taken",
                    port = port.to_string(),
                    why = taken.explain(program::Binder::Program),
                    remedy = program::fixed_port_remedy()
                )
            );
            return Ok(NOT_STARTED);
        }
        let scenarios = groups.iter().map(|(_, items)| items.len()).sum();
        errln!("{}", program::fixed_port_notice(port, scenarios));
    }
    program::stop_all_on_signals("netlab check: interrupted; the program under test was stopped");
    let Some(watched) = &args.watch else {
        return Ok(run_once(args, &groups, false));
    };
    watch(args, &groups, watched)
}

/// Checks once; returns the exit code. `brief`: only the first failure in full (watch mode).
fn run_once(args: &Args, groups: &[(String, Vec<Item>)], brief: bool) -> u8 {
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
    let subject = args.subject;
    let server = subject.server_stage();
    let what = match subject.kind {
        Kind::Solution => format!(
            "{} ({}), from {}",
            subject.name(),
            subject.text().title,
            exercise::base_name(subject)
        ),
        _ => format!("{} ({})", subject.name(), subject.text().title),
    };
    say(&format!(
        "netlab check {}: `{}` against {what}\n{}",
        subject.id,
        args.command.join(" "),
        match (server, args.port) {
            (Some(server), _) => format!(
                "a fresh client for each scenario, with {{port}} and $PORT the port of netlab's own stage {}",
                server.id
            ),
            (_, Some(port)) => format!("a fresh program for each scenario, on port {port}"),
            (_, None) => "a fresh program for each scenario, on a free port ({port} in its arguments, \
                          $PORT in its environment)"
                .to_string(),
        }
    ));
    if subject.kind == Kind::Stage && args.only.is_none() && groups[0].1.is_empty() {
        say(&format!(
            "\nstage {} adds no scenario of its own: what it changes shows only under load \
             (`netlab explain {}`); the scenarios below must still hold",
            subject.id, subject.id
        ));
    }
    let mut outcomes: Vec<Outcome> = Vec::new();
    for (heading, items) in groups {
        if items.is_empty() {
            continue;
        }
        say(&format!("\n{heading}"));
        for &item in items {
            let result = match item {
                Item::Server(s) => scenario::run_program(s, &options),
                Item::Client(s) => client_check::run_program(
                    s,
                    server
                        .and_then(Entry::server_program)
                        .expect("a client's server is a stage"),
                    &options,
                ),
            };
            let outcome = match result {
                Ok(outcome) => outcome,
                Err(not_started) => {
                    let mut text =
                        format!("CANNOT CHECK {}: {}\n", item.name(), not_started.message);
                    for line in &not_started.output {
                        text.push_str(&format!("  {line}\n"));
                    }
                    if let Some(hint) = &not_started.hint {
                        text.push_str(&format!("  hint: {hint}\n"));
                    }
                    if args.json {
                        outln!(
                            "{}",
                            with_subject(
                                serde_json::json!({
                                    "scenario": item.name(),
                                    "result": "not_started",
                                    "first_failure": {"message": not_started.message, "hint": not_started.hint},
                                }),
                                subject
                            )
                        );
                        errln!("{}", text.trim_end());
                    } else {
                        out!("{text}");
                    }
                    errln!(
                        "netlab check: the program could not be checked (exit code {NOT_STARTED})"
                    );
                    return NOT_STARTED;
                }
            };
            let first_failure = outcome.verdict() == Verdict::Failed
                && !outcomes.iter().any(|o| o.verdict() == Verdict::Failed);
            if args.json {
                outln!("{}", with_subject(outcome.json(), subject));
            } else if args.verbose
                || (outcome.verdict() == Verdict::Failed && (!brief || first_failure))
            {
                out!("{outcome}");
            } else {
                outln!("{}", outcome.headline());
            }
            outcomes.push(outcome);
        }
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
    if subject.kind == Kind::Solution {
        let hints = subject.text().hints;
        if failed == 0 && passed > 0 && args.only.is_none() {
            record(subject);
        } else if let Some(hint) = hints.first().filter(|_| failed > 0) {
            say(&format!(
                "hint: {hint}\n(`netlab exercise {} --hint` has {} hints)",
                subject.id,
                hints.len()
            ));
        }
    }
    if failed > 0 {
        FAILED
    } else {
        PASSED
    }
}

/// A scenario's JSON object with what was checked: `"stage"`, the stage whose scenarios
/// they are (for an exercise, its base; for the client's, the stage that played the
/// server), and `"exercise"`, the exercise's id or null.
fn with_subject(mut object: serde_json::Value, subject: &Entry) -> serde_json::Value {
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

/// Records a passed exercise in the progress file of the current directory, and says so.
fn record(e: &Entry) {
    match exercise::record_pass(Path::new("."), e.id) {
        Ok(()) => errln!(
            "netlab check: exercise {} passed; recorded in ./{} (`netlab exercises` shows your progress)",
            e.id,
            exercise::PROGRESS_FILE
        ),
        Err(why) => errln!("netlab check: exercise {} passed, but not recorded: {why}", e.id),
    }
}

/// `--watch FILE`: checks, then again every time FILE is saved, until Ctrl-C.
fn watch(args: &Args, groups: &[(String, Vec<Item>)], file: &Path) -> anyhow::Result<u8> {
    use notify::{RecursiveMode, Watcher};
    let file = std::fs::canonicalize(file)
        .map_err(|e| anyhow::anyhow!("cannot watch {}: {e}", file.display()))?;
    let dir = file.parent().unwrap_or(Path::new("/")).to_path_buf();
    let (tx, rx) = std::sync::mpsc::channel();
    // The directory, not the file: editors often save by writing a new file and renaming it.
    let mut watcher = notify::recommended_watcher(tx)?;
    watcher.watch(&dir, RecursiveMode::NonRecursive)?;
    let terminal = std::io::stdout().is_terminal();
    loop {
        if terminal {
            // Clear the screen and go home, as watchers do.
            out!("\x1b[2J\x1b[H");
        }
        let code = run_once(args, groups, true);
        outln!(
            "\nnetlab check: watching {} (exit code {code} this time); save it to check again, \
             Ctrl-C to stop",
            file.display()
        );
        // Wait for a change to the file, then for the saves that follow it to settle.
        loop {
            match rx.recv() {
                Ok(Ok(event))
                    if event.paths.iter().any(|p| p == &file) && !event.kind.is_access() =>
                {
                    break
                }
                Ok(_) => {}
                Err(_) => return Ok(code),
            }
        }
        std::thread::sleep(Duration::from_millis(150));
        while rx.try_recv().is_ok() {}
    }
}
