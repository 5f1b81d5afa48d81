//! `netlab check <stage|exercise> -- <command...>`: grades a chat server (or, for the
//! client's exercise, a client), in any language, black-box over TCP.
//!
//! Each scenario gets the program afresh (scenarios break servers on purpose), on a free
//! port given as `{port}` in its arguments and as `PORT` in its environment, or on the
//! fixed `--port`; `--jobs` scenarios run side by side ([`pool`]). For a stage, its own
//! scenarios come first, then those it keeps of earlier stages, as a grader checks that
//! nothing that worked broke; for an exercise, the exercise's scenarios, then those of its
//! stage that the fix keeps, and a pass is recorded in the progress file.
//!
//! What must hold is the notes' contract; the notes' flaws and CPython's accidents are
//! reported, never required but with `--strict` ([`crate::scenario::Class`]), so that a
//! server in any language, or a better one than the notes', passes. `--watch FILE` checks
//! again on every save. The runner and the targets live in [`crate::scenario`]; this module
//! is the command around them, and [`report`] what it prints. `--class PATTERN` checks a
//! whole class, a program per student ([`class`]), and `--report` writes its page
//! ([`html`]).

mod class;
mod glob;
mod html;
mod pool;
mod report;

use crate::curriculum::{self, Entry, Kind};
use crate::exercise;
use crate::program;
use crate::scenario::{
    self, client_check, ClientScenario, Outcome, ProgramOptions, Scenario, Verdict,
};
use crate::{errln, out, outln, tr};
use pool::Done;
use report::Report;
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
    /// failure, notes), for a teacher's script; the summary goes to stderr.
    #[arg(long)]
    pub(crate) json: bool,
    /// Check again every time FILE is saved (the program's source), until Ctrl-C.
    #[arg(long, value_name = "FILE")]
    pub(crate) watch: Option<PathBuf>,
    /// Require everything the notes' program does: its flaws, CPython's accidents, and the
    /// header's exact format (`%Y%m/%d %H:%M:%S`) in every message, not only the contract.
    #[arg(long)]
    pub(crate) strict: bool,
    /// How many scenarios run at once, each with its own program [default: the number of
    /// cores, at least 2; 1 with --port].
    #[arg(long, short, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=64))]
    pub(crate) jobs: Option<u64>,
    /// Stop at the first scenario that fails (those running finish).
    #[arg(long)]
    pub(crate) fail_fast: bool,
    /// Write each scenario's whole transcript, the program's output included, to
    /// DIR/SCENARIO.log (the report shows only the start and the end of long output).
    #[arg(long, value_name = "DIR")]
    pub(crate) log: Option<PathBuf>,
    /// How many seconds a step waits for what it expects before it fails.
    #[arg(long, default_value_t = 5.0, value_parser = seconds, value_name = "SECONDS")]
    pub(crate) timeout: f64,
    /// How many seconds the program may take to start listening.
    #[arg(long, default_value_t = 10.0, value_parser = seconds, value_name = "SECONDS")]
    pub(crate) start_timeout: f64,
    /// Check a whole class: one program per student, the files PATTERN names (quoted:
    /// `--class 'students/*/server.py'`; netlab expands it), each student named after the
    /// folder that holds it. `{file}` in the command is each student's program. A table
    /// at the end, a row per student; the exit code is 0 only when every student passed.
    #[arg(long, value_name = "PATTERN", conflicts_with_all = ["port", "watch", "log"])]
    pub(crate) class: Option<String>,
    /// With --class: write the class's report to FILE.html, one page that needs nothing
    /// else (every transcript in it, folded).
    #[arg(long, value_name = "FILE.html", requires = "class")]
    pub(crate) report: Option<PathBuf>,
    /// The program to check, and its arguments: `-- python3 my_stage4.py {port}`.
    #[arg(last = true, required = true, value_name = "COMMAND")]
    pub(crate) command: Vec<String>,
}

fn seconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(s) if s.is_finite() && s > 0.0 && s <= 600.0 => Ok(s),
        _ => Err(tr!("check-bad-seconds", text = format!("{text:?}"))),
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
pub(crate) enum Item {
    Server(&'static Scenario),
    Client(&'static ClientScenario),
}

impl Item {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Item::Server(s) => s.name,
            Item::Client(s) => s.name,
        }
    }

    /// How long it is likely to take, roughly: a console's `quit` (the notes pause 3 s), a
    /// flood or a churn, megabytes sent.
    fn weight(self) -> usize {
        use crate::scenario::Step;
        let Item::Server(s) = self else {
            return 1;
        };
        s.steps
            .iter()
            .map(|step| match step {
                Step::Quit(_) => 3,
                Step::Flood(..) | Step::Churn { .. } | Step::Leavers(_) => 2,
                Step::Send(_, data) if data.len() > 1 << 20 => 1,
                _ => 0,
            })
            .sum()
    }
}

/// The scenarios of `subject`, in groups with their headings: its own, then those it
/// keeps of its base's (a grader checks that nothing that worked broke).
pub(crate) fn plan(subject: &'static Entry) -> Vec<(String, Vec<Item>)> {
    if let Some(server) = subject.server_stage() {
        return vec![(
            tr!(
                "check-group-client",
                subject = subject.name(),
                stage = server.id
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
            tr!("check-group-own", subject = subject.name()),
            own.into_iter().map(Item::Server).collect(),
        ),
        (
            match subject.kind {
                Kind::Solution => tr!("check-group-kept-fix", base = base),
                _ => tr!("check-group-kept", subject = subject.name()),
            },
            kept.into_iter().map(Item::Server).collect(),
        ),
    ]
}

/// How many scenarios run at once when `--jobs` does not say: the cores, at least 2 (a
/// scenario mostly waits for the network), one for a fixed port.
fn jobs(args: &Args) -> usize {
    if args.port.is_some() {
        return 1;
    }
    args.jobs.map_or_else(
        || {
            std::thread::available_parallelism()
                .map_or(2, |n| n.get())
                .max(2)
        },
        |n| n as usize,
    )
}

/// Runs `netlab check`; returns the exit code.
pub fn run(args: &Args) -> anyhow::Result<u8> {
    if args.subject.kind == Kind::Client {
        errln!(
            "{}",
            tr!(
                "check-client-no-scenarios",
                exercise = curriculum::ids(Kind::Solution)
                    .into_iter()
                    .find(|id| curriculum::find(id).is_ok_and(|e| e.server_stage().is_some()))
                    .unwrap_or("client.quit")
            )
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
                "{}",
                tr!(
                    "check-no-such-scenario",
                    name = format!("{only:?}"),
                    names = names.join(", ")
                )
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
    if let Some(dir) = &args.log {
        std::fs::create_dir_all(dir).map_err(|e| {
            anyhow::anyhow!(
                "{}",
                tr!(
                    "check-log-dir",
                    dir = dir.display().to_string(),
                    error = e.to_string()
                )
            )
        })?;
    }
    if let Some(pattern) = &args.class {
        return class::run(args, pattern, &groups);
    }
    program::stop_all_on_signals(tr!("check-interrupted"));
    let Some(watched) = &args.watch else {
        return Ok(run_once(args, &groups, false));
    };
    watch(args, &groups, watched)
}

/// What one program's check gave: each scenario's outcome in plan order (`None`: not run),
/// or why the program could not be checked at all.
pub(crate) struct Graded {
    /// The scenarios, in the plan's order, and what came of each.
    pub(crate) outcomes: Vec<(Item, Option<Outcome>)>,
    /// Why the program could not be checked, if it could not.
    pub(crate) not_started: Option<scenario::NotStarted>,
}

/// How to run one program's scenarios.
pub(crate) struct Grading<'a> {
    pub(crate) subject: &'static Entry,
    pub(crate) options: ProgramOptions,
    pub(crate) jobs: usize,
    pub(crate) fail_fast: bool,
    /// Told of each scenario, in plan order, as soon as it and those before it are done
    /// (`None`: not run).
    pub(crate) each: &'a mut dyn FnMut(Item, Option<&Outcome>),
}

/// Runs the scenarios of `items` against a program started for each, side by side.
pub(crate) fn grade(items: &[Item], grading: Grading<'_>) -> Graded {
    let Grading {
        subject,
        options,
        jobs,
        fail_fast,
        each,
    } = grading;
    let server = subject.server_stage().and_then(Entry::server_program);
    let mut outcomes: Vec<(Item, Option<Outcome>)> = Vec::new();
    let mut not_started = None;
    let mut same = report::SameStart::default();
    // The long ones first (a quit's pause, a flood, a churn), so that none starts last.
    let mut first: Vec<usize> = (0..items.len()).collect();
    first.sort_by_key(|&i| std::cmp::Reverse(items[i].weight()));
    // Each scenario's program starts while the one before it runs, unless they share a
    // fixed port (--port): then only one may listen at a time.
    let pool = pool::Pool {
        items,
        first: &first,
        jobs,
        ahead: options.port.is_none(),
    };
    pool.run(
        |item| match *item {
            Item::Server(_) => Some(scenario::launch(&options)),
            Item::Client(_) => None,
        },
        |item, launched| match *item {
            Item::Server(s) => {
                let launched = launched.expect("every server scenario's program is launched");
                scenario::run_launched(s, launched?, &options)
            }
            Item::Client(s) => client_check::run_program(
                s,
                server.expect("a client's exercise has a server stage"),
                &options,
            ),
        },
        |done| match done {
            Ok(outcome) => {
                (fail_fast && outcome.verdict() == Verdict::Failed) || same.stops_after(outcome)
            }
            Err(_) => true,
        },
        |i, done| {
            let item = items[i];
            match done {
                Done::Ran(Ok(outcome)) => {
                    each(item, Some(&outcome));
                    outcomes.push((item, Some(outcome)));
                }
                Done::Ran(Err(why)) => {
                    if not_started.is_none() {
                        not_started = Some(why);
                    }
                    outcomes.push((item, None));
                }
                Done::NotRun => {
                    each(item, None);
                    outcomes.push((item, None));
                }
            }
        },
    );
    Graded {
        outcomes,
        not_started,
    }
}

/// Checks once; returns the exit code. `brief`: only the first failure in full (watch mode).
fn run_once(args: &Args, groups: &[(String, Vec<Item>)], brief: bool) -> u8 {
    let subject = args.subject;
    let options = ProgramOptions {
        command: args.command.clone(),
        port: args.port,
        start_timeout: Duration::from_secs_f64(args.start_timeout),
        wait: Duration::from_secs_f64(args.timeout),
        label: crate::tr!("check-program-label"),
        strict: args.strict,
        keep_all_output: args.log.is_some(),
    };
    let jobs = jobs(args);
    let mut report = Report::new(subject, args.json, args.verbose, brief, args.log.clone());
    report.heading(&args.command, args.port, jobs, args.strict);
    let items: Vec<Item> = groups.iter().flat_map(|(_, items)| items.clone()).collect();
    let headings: Vec<(usize, &str)> = {
        let mut at = 0;
        groups
            .iter()
            .map(|(heading, items)| {
                let start = at;
                at += items.len();
                (start, heading.as_str())
            })
            .filter(|(_, h)| !h.is_empty())
            .collect()
    };
    let mut index = 0;
    let mut each = |item: Item, outcome: Option<&Outcome>| {
        if let Some((_, heading)) = headings.iter().find(|(start, _)| *start == index) {
            let group_len = groups
                .iter()
                .find(|(h, _)| h == heading)
                .map_or(0, |(_, items)| items.len());
            if group_len > 0 {
                report.group(heading);
            }
        }
        index += 1;
        report.scenario(item, outcome);
    };
    let graded = grade(
        &items,
        Grading {
            subject,
            options,
            jobs,
            fail_fast: args.fail_fast,
            each: &mut each,
        },
    );
    if let Some(why) = &graded.not_started {
        report.not_started(why);
        return NOT_STARTED;
    }
    let failed = report.summary(&graded);
    if subject.kind == Kind::Solution {
        let passed = graded
            .outcomes
            .iter()
            .all(|(_, o)| o.as_ref().is_some_and(|o| o.verdict() != Verdict::Failed));
        if passed && args.only.is_none() && !graded.outcomes.is_empty() {
            record(subject, &args.command);
        } else if failed {
            report.exercise_hint();
        }
    }
    if failed {
        FAILED
    } else {
        PASSED
    }
}

/// Records a passed exercise in the progress file of the current directory, and says so;
/// not for netlab's own solution (`netlab stage 5.race` checked), which is no one's work.
fn record(e: &Entry, command: &[String]) {
    if is_netlab(command) {
        errln!(
            "{}",
            tr!(
                "check-not-recorded-own",
                exercise = e.id,
                file = exercise::PROGRESS_FILE
            )
        );
        return;
    }
    match exercise::record_pass(Path::new("."), e.id) {
        Ok(()) => errln!(
            "{}",
            tr!(
                "check-recorded",
                exercise = e.id,
                file = exercise::PROGRESS_FILE
            )
        ),
        Err(why) => errln!(
            "{}",
            tr!("check-not-recorded", exercise = e.id, why = why.to_string())
        ),
    }
}

/// Whether `command` runs netlab itself (its own stages and solutions).
fn is_netlab(command: &[String]) -> bool {
    let Some(program) = command.first() else {
        return false;
    };
    let own = std::env::current_exe()
        .ok()
        .and_then(|p| p.canonicalize().ok());
    let named = which(program).and_then(|p| p.canonicalize().ok());
    own.is_some() && own == named
}

/// Where `program` is: itself if it has a `/`, else the first of `$PATH` that holds it.
fn which(program: &str) -> Option<PathBuf> {
    if program.contains('/') {
        return Some(PathBuf::from(program));
    }
    std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|dir| dir.join(program))
            .find(|p| p.is_file())
    })
}

/// `--watch FILE`: checks, then again every time FILE is saved, until Ctrl-C.
fn watch(args: &Args, groups: &[(String, Vec<Item>)], file: &Path) -> anyhow::Result<u8> {
    use notify::{RecursiveMode, Watcher};
    let file = std::fs::canonicalize(file).map_err(|e| {
        anyhow::anyhow!(
            "{}",
            tr!(
                "check-cannot-watch",
                file = file.display().to_string(),
                error = e.to_string()
            )
        )
    })?;
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
        // What is going on first; the summary of this run is the last thing on screen.
        outln!(
            "{}\n",
            tr!("check-watching", file = file.display().to_string())
        );
        let code = run_once(args, groups, true);
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
