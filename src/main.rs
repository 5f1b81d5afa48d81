//! The `netlab` command line. Every subcommand is a thin layer over the library.

use anyhow::bail;
use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use netlab::curriculum::{self, Entry, Kind};
use netlab::docs::{self, Page};
use netlab::exercise;
use netlab::lang::{self, Lang};
use netlab::logging::NETLAB;
use netlab::program::{Binder, PortUse};
use netlab::py::{errno_name, Exception};
use netlab::stage::{Lifecycle, Running, ServerProgram, StartOptions};
use netlab::{console, demo, errln, out, ports, tr};
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// What `netlab --version` prints after the name: the version, and the commit a release
/// build was built from (`commit unknown` outside a git checkout; `debug build` for a
/// development build; build.rs says which).
const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), " (", env!("NETLAB_BUILD"), ")");

/// netlab: a socket-programming tutorial's chat server, stage by stage, flaws included.
///
/// Start with `netlab stages`, run one with `netlab stage 3`, connect with
/// `netlab client` or `nc 127.0.0.1 60000`, and read about it with `netlab explain 3`.
///
/// The doc comments of the commands and arguments document the code; what `--help`
/// prints comes from the message catalogue, in the language in force (`netlab::help`:
/// `help-stage--port` and the like in messages/*.ftl).
#[derive(Parser)]
#[command(name = "netlab", version = VERSION, propagate_version = true)]
struct Cli {
    /// The language of pages and explanations: zh (中文) or en. Without it, the locale
    /// decides: the first of LC_ALL, LC_MESSAGES, LANG that is set; zh* means Chinese.
    #[arg(long, global = true, value_parser = Lang::parser(), value_name = "LANG")]
    lang: Option<Lang>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// List the tutorial's stages: number, slug, title.
    Stages,
    /// Run one stage's server (those with a `>> ` console stop on `quit`).
    Stage(StageArgs),
    /// Run the tutorial's chat client (sends `I'm ready`, then each line you type; `/help`
    /// at its prompt lists netlab's commands: /reset, /halfclose, /bytes, /flood).
    Client(ClientArgs),
    /// Grade a chat server, in any language, with a stage's scenarios:
    /// `netlab check 4 -- python3 my_stage4.py {port}`.
    Check(netlab::check::Args),
    /// Measure chat servers side by side: deliveries per second, latency, losses, CPU and
    /// memory: `netlab bench --stage 7 --stage 2 -- python3 my_stage7.py {port}`.
    Bench(netlab::bench::Args),
    /// List the exercises (every flaw as a fix-it task), with your progress.
    Exercises,
    /// Show one exercise: the task, what to run, and with --hint the hints; with --start,
    /// write the program to start from.
    Exercise {
        /// The exercise's id (`netlab exercises` lists them): `5.race`.
        #[arg(value_parser = curriculum::parse_exercise)]
        id: &'static Entry,
        /// Show the hints, from gentle to concrete.
        #[arg(long)]
        hint: bool,
        /// Write the program to start from, the base's Python as `netlab source` prints
        /// it, as DIR/ID.py (DIR: the current directory if not given), and print the
        /// commands to run next. An existing file is left alone, unless --force.
        #[arg(long, value_name = "DIR", num_args = 0..=1, default_missing_value = ".",
              conflicts_with = "hint")]
        start: Option<PathBuf>,
        /// With --start: replace ID.py if it exists.
        #[arg(long, requires = "start")]
        force: bool,
    },
    /// Print a page: a stage's (what it adds, the flaws it keeps, how to see each), the
    /// client's, the console's, a demo's... With no page, list them.
    Explain {
        /// A stage number, `client`, or a page's name (`console`, `demo-race`, ...).
        #[arg(value_parser = parse_page)]
        page: Option<&'static Page>,
        /// Only the first screen: what the stage adds, the flaw it keeps, the commands.
        #[arg(long)]
        brief: bool,
        /// Print the page straight to the terminal, without a pager.
        #[arg(long)]
        no_pager: bool,
    },
    /// Show what changed from one stage to another: the unified diff of their Python files
    /// (--rust: of the Rust ones netlab runs), with the notes' headings of both above it
    /// (`netlab diff 4 5`, `netlab diff 7 client`, `netlab diff 5 5.race`).
    Diff(netlab::compare::Args),
    /// Print a stage's program: in Python, as the class types and runs it
    /// (`netlab source 4 > my4.py`), or with --rust as netlab runs it.
    Source(netlab::source::Args),
    /// Live experiments: the dict race, binding a port twice, a client that never reads,
    /// connection churn.
    Demo {
        #[command(subcommand)]
        demo: Demo,
    },
    /// List TCP sockets (LISTEN; with --all also ESTABLISHED and TIME-WAIT) and the process
    /// that holds each, like `ss -tanp`.
    Ports(ports::Args),
}

#[derive(Subcommand)]
enum Demo {
    /// Iterate a dict while another thread adds to it: Python's RuntimeError, and the lock.
    Race(demo::race::Args),
    /// Bind the same port twice, and rebind after TIME_WAIT, with and without SO_REUSEADDR.
    Bind(demo::bind::Args),
    /// One client that never reads: which stages freeze, which only stall one thread.
    Slow(demo::slow::Args),
    /// Clients that come and go next to one that talks: the dict race of stages 4-5.
    Churn(demo::churn::Args),
}

#[derive(clap::Args)]
struct StageArgs {
    /// The stage to run (`netlab stages` lists them).
    #[arg(value_parser = curriculum::parse_server, value_name = "NUMBER|EXERCISE")]
    stage: &'static Entry,
    /// The address to listen on. Anything but loopback makes the chat reachable from the network.
    #[arg(long, default_value = "127.0.0.1", value_parser = parse_host)]
    host: IpAddr,
    /// The port to listen on; 0 lets the kernel pick one (printed in `listening on ...`).
    #[arg(long, default_value_t = 60000)]
    port: u16,
    /// After `quit`, how many seconds to wait for the threads that Python would wait for
    /// forever, before cutting them short [default: 5]. Stages with a console only.
    #[arg(long, value_parser = parse_seconds)]
    grace: Option<f64>,
    /// Bind as the notes' code does, without SO_REUSEADDR: after a run with clients, the
    /// port cannot be bound again for about 60 s (TIME-WAIT). By default netlab sets it, so
    /// the next stage starts on the same port at once; nothing on the wire changes.
    #[arg(long)]
    no_reuseaddr: bool,
    /// netlab's own stages (8 and on): the longest line a client may send, in bytes
    /// [default: 65536]; a longer one gets an error line and the client is disconnected.
    #[arg(long, value_name = "BYTES", value_parser = clap::value_parser!(u64).range(1..))]
    max_line: Option<u64>,
    /// netlab's own stages: how many bytes may wait for one client before it counts as not
    /// reading and is disconnected [default: 8388608, 8 MiB].
    #[arg(long, value_name = "BYTES", value_parser = clap::value_parser!(u64).range(1..))]
    max_pending: Option<u64>,
    /// netlab's own stages: the most clients at once [default: 10240]; a newcomer past it
    /// gets one line and is closed.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    max_clients: Option<u64>,
    /// Show the live view: the threads, the clients dict, each connection's bytes and
    /// kernel queues, the last messages, and the console on the bottom line (`?` lists
    /// the keys). In a pipe or with TERM=dumb, netlab says why and runs the plain output.
    #[arg(long)]
    view: bool,
}

/// The grace period when `--grace` is not given.
const DEFAULT_GRACE: f64 = 5.0;

#[derive(clap::Args)]
struct ClientArgs {
    /// The server's address.
    #[arg(long, default_value = "127.0.0.1", value_parser = parse_host)]
    host: IpAddr,
    /// The server's port.
    #[arg(long, default_value_t = 60000)]
    port: u16,
    /// Run an exercise's reference solution instead of the notes' client: `client.quit`.
    #[arg(long, value_name = "EXERCISE", value_parser = curriculum::parse_client_solution)]
    solution: Option<&'static Entry>,
}

fn parse_host(text: &str) -> Result<IpAddr, String> {
    if text == "localhost" {
        return Ok(IpAddr::from([127, 0, 0, 1]));
    }
    text.parse()
        .map_err(|_| tr!("arg-not-an-address", text = format!("{text:?}")))
}

fn parse_seconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(s) if s.is_finite() && (0.0..=3600.0).contains(&s) => Ok(s),
        _ => Err(tr!("arg-not-seconds", text = format!("{text:?}"))),
    }
}

/// `netlab explain`'s argument: an entry of the curriculum (its page), or a page of
/// `docs/` by name.
fn parse_page(text: &str) -> Result<&'static Page, String> {
    if let Some(page) = curriculum::find(text)
        .ok()
        .and_then(|e| e.page)
        .and_then(docs::find)
    {
        return Ok(page);
    }
    docs::find(text).ok_or_else(|| {
        let names: Vec<&str> = docs::PAGES.iter().map(|p| p.name).collect();
        format!(
            "{} {}",
            curriculum::unknown(text),
            tr!("explain-or-a-page", pages = netlab::text::list(&names))
        )
    })
}

fn main() -> ExitCode {
    // netlab's binary is also the guard it puts between itself and each program it starts
    // (`netlab check`, `netlab bench`): run as one, it serves and exits here.
    netlab::program::serve_guard_if_asked();
    // The language first: the arguments' own errors (a wrong stage number) are printed in
    // it, while clap parses them.
    lang::choose(lang_flag(std::env::args()));
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // --help or a usage error: parsed again with every text from the catalogue
        // (netlab::help), which only a help or an error shows, so that a run that
        // parses does not pay for them; clap prints it and exits, 2 for an error.
        Err(_) => {
            let e = netlab::help::localised(Cli::command())
                .try_get_matches()
                .and_then(|matches| Cli::from_arg_matches(&matches))
                .err()
                .expect("the same arguments fail the same way");
            with_port_tip(e).apply::<netlab::help::Errors>().exit()
        }
    };
    // Chosen above from the same flag; clap has now checked its value.
    debug_assert!(cli.lang.is_none_or(|l| l == lang::current()));
    let result = run(cli);
    if let Some(sig) = netlab::program::interrupted() {
        // The handler is stopping the programs and exits with 128 + N itself.
        std::thread::sleep(std::time::Duration::from_secs(5));
        return ExitCode::from((128 + sig) as u8);
    }
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            errln!("{}", tr!("netlab-error", message = format!("{e:#}")));
            ExitCode::from(1)
        }
    }
}

/// The language `--lang CODE` or `--lang=CODE` names on the command line, if it names one
/// (clap checks the value again, and says so if it is wrong).
fn lang_flag(args: impl Iterator<Item = String>) -> Option<Lang> {
    let args: Vec<String> = args.take_while(|a| a != "--").collect();
    args.iter().enumerate().find_map(|(i, a)| {
        let value = match a.strip_prefix("--lang") {
            Some("") => args.get(i + 1)?.as_str(),
            Some(rest) => rest.strip_prefix('=')?,
            None => return None,
        };
        Lang::from_code(value)
    })
}

/// `netlab client 61000` means `--port 61000`: clap only says "unexpected argument", so
/// add the tip, with the command as it should have been typed.
fn with_port_tip(mut e: clap::Error) -> clap::Error {
    if e.kind() != ErrorKind::UnknownArgument {
        return e;
    }
    let Some(ContextValue::String(arg)) = e.get(ContextKind::InvalidArg) else {
        return e;
    };
    let arg = arg.clone();
    if arg.parse::<u16>().is_err() {
        return e;
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    // The command's words, without the global `--lang CODE` wherever it stands.
    let mut words = Vec::new();
    let mut skip_value = false;
    for a in &args {
        if std::mem::take(&mut skip_value) {
            continue;
        }
        match a.as_str() {
            "--lang" => skip_value = true,
            a if a.starts_with("--lang=") => {}
            a => words.push(a),
        }
    }
    let takes_port = match words.first().copied() {
        Some("stage" | "client" | "ports") => true,
        Some("demo") => words.get(1).is_some_and(|d| *d == "bind"),
        _ => false,
    };
    if !takes_port {
        return e;
    }
    let fixed: Vec<String> = args
        .iter()
        .map(|a| {
            if *a == arg {
                format!("--port {a}")
            } else {
                a.clone()
            }
        })
        .collect();
    e.insert(
        ContextKind::Suggested,
        ContextValue::StyledStrs(vec![tr!(
            "arg-port-tip",
            command = format!("netlab {}", fixed.join(" "))
        )
        .into()]),
    );
    e
}

fn run(cli: Cli) -> anyhow::Result<u8> {
    match cli.command {
        Command::Stages => {
            out!("{}", stages_table());
            Ok(0)
        }
        Command::Stage(args) => run_stage(args),
        Command::Client(args) => {
            let signals = console::catch_signals();
            let client = args
                .solution
                .unwrap_or_else(curriculum::client)
                .client_program()
                .expect("the parser checked that it is a client");
            netlab::logging::init(client.log_format);
            let code = console::run_client(client, SocketAddr::new(args.host, args.port), signals);
            Ok(code as u8)
        }
        Command::Check(args) => netlab::check::run(&args),
        Command::Bench(args) => {
            let netlab = std::env::current_exe()
                .map_err(|e| anyhow::anyhow!(tr!("bench-no-binary", error = e.to_string())))?;
            netlab::bench::run(&args, &netlab)
        }
        Command::Exercises => match exercise::list(std::path::Path::new(".")) {
            Ok(text) => {
                out!("{text}");
                Ok(0)
            }
            Err(why) => bail!("{why}"),
        },
        Command::Exercise {
            id,
            start: Some(dir),
            force,
            ..
        } => match exercise::start(id, &dir, force) {
            Ok(text) => {
                out!("{text}");
                Ok(0)
            }
            Err(why) => bail!("{why}"),
        },
        Command::Exercise { id, hint, .. } => {
            out!("{}", exercise::page(id, hint));
            Ok(0)
        }
        Command::Explain {
            page,
            brief,
            no_pager,
        } => {
            match page {
                Some(page) => {
                    let wanted = lang::current();
                    let (text, shown) = page.best(wanted);
                    if shown != wanted {
                        errln!(
                            "{}",
                            tr!("explain-not-translated", page = page.name, file = text.file)
                        );
                    }
                    explain(text.text, brief, no_pager);
                }
                None => out!("{}", docs::list()),
            }
            Ok(0)
        }
        Command::Diff(args) => {
            netlab::compare::run(&args);
            Ok(0)
        }
        Command::Source(args) => {
            netlab::source::run(&args);
            Ok(0)
        }
        Command::Demo { demo } => {
            netlab::logging::init("%(asctime)s %(name)s %(message)s");
            match demo {
                Demo::Race(args) => demo::race::run(&args)?,
                Demo::Bind(args) => demo::bind::run(&args)?,
                Demo::Slow(args) => demo::slow::run(&args)?,
                Demo::Churn(args) => demo::churn::run(&args)?,
            }
            Ok(0)
        }
        Command::Ports(args) => {
            ports::run(&args)?;
            Ok(0)
        }
    }
}

/// `netlab explain PAGE`: on a terminal, the page laid out for it (`netlab::markdown`)
/// and shown through the pager unless `--no-pager`; elsewhere (a pipe, a file) the
/// Markdown as it is written. `--brief`: only its first screen.
fn explain(page: &str, brief: bool, no_pager: bool) {
    use std::io::IsTerminal;
    let page = if brief {
        netlab::markdown::first_screen(page)
    } else {
        page.to_string()
    };
    if !std::io::stdout().is_terminal() {
        out!("{page}");
        return;
    }
    let style = netlab::markdown::Style {
        colour: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    };
    let shown = netlab::markdown::render(&page, netlab::text::width(), style);
    netlab::pager::show(&format!("{shown}\n"), !no_pager);
}

/// `netlab stages`: one line per stage, then the client, what each adds in the language
/// in force, beside the notes' heading.
fn stages_table() -> String {
    let mut out = String::new();
    for s in curriculum::of_kind(Kind::Stage) {
        out.push_str(&format!(
            "{}  {:<9} {}  {}\n",
            s.id,
            s.slug,
            s.text().title,
            tr!("stages-heading", heading = s.heading)
        ));
    }
    let client = curriculum::client();
    out.push_str(&format!(
        "   {:<9} {}  {}\n",
        client.slug,
        client.text().title,
        tr!(
            "stages-client",
            heading = client.heading,
            command = "netlab client"
        )
    ));
    out
}

fn run_stage(args: StageArgs) -> anyhow::Result<u8> {
    let stage = args
        .stage
        .server_program()
        .expect("the parser checked that it is a server");
    let signals = console::catch_signals();
    netlab::logging::init(stage.log_format);
    let limits = [args.max_line, args.max_pending, args.max_clients];
    if limits.iter().any(Option::is_some) {
        if stage.lifecycle == Lifecycle::Service {
            let defaults = netlab::policy::Limits::default();
            let or = |given: Option<u64>, default: usize| given.map_or(default, |n| n as usize);
            netlab::policy::set(netlab::policy::Limits {
                max_line: or(args.max_line, defaults.max_line),
                max_pending: or(args.max_pending, defaults.max_pending),
                max_clients: or(args.max_clients, defaults.max_clients),
            });
        } else {
            log::warn!(
                target: NETLAB,
                "{}",
                tr!("stage-limits-ignored", stage = stage.id)
            );
        }
    }
    let addr = SocketAddr::new(args.host, args.port);
    let options = StartOptions {
        capture: false,
        reuse_addr: !args.no_reuseaddr,
    };
    let running = match Running::start_with(stage, addr, options) {
        Ok(running) => running,
        Err(e) => bail!("{}", start_failure(stage.id, addr, &e, options.reuse_addr)),
    };
    // Scripts and tests wait for this exact line to learn the port, whatever the
    // language: it stays English, outside the catalogue, on purpose.
    errln!("listening on {}", running.local_addr());
    if !args.host.is_loopback() {
        log::warn!(
            target: NETLAB,
            "{}",
            tr!(
                "stage-not-loopback",
                host = args.host.to_string(),
                port = running.local_addr().port()
            )
        );
    }
    if let (Some(grace), Some(why)) = (args.grace, no_quit(stage)) {
        log::warn!(
            target: NETLAB,
            "{}",
            tr!(
                "stage-grace-unused",
                grace = grace.to_string(),
                stage = stage.id,
                why = why,
                stages = curriculum::stages_with_console()
            )
        );
    }
    let grace = Duration::from_secs_f64(args.grace.unwrap_or(DEFAULT_GRACE));
    let view = args.view && view_allowed(&tr!("view-what-stage", n = stage.id));
    let code = console::run_stage(&running, grace, signals, view);
    // Exit now: a thread Python would still wait for must not keep the process alive. The
    // view, if one runs, gives the terminal back first.
    netlab::terminal::exit(code);
}

/// Whether `--view` can draw here; if not, says why and that the plain output follows.
fn view_allowed(what: &str) -> bool {
    match netlab::view::refusal() {
        None => true,
        Some(why) => {
            log::warn!(
                target: NETLAB,
                "{}",
                tr!("view-refused", why = why.to_string(), what = what)
            );
            false
        }
    }
}

/// Why a stage has no `quit` for `--grace` to bound, if it has none.
fn no_quit(stage: &ServerProgram) -> Option<String> {
    match stage.lifecycle {
        Lifecycle::Script => Some(tr!("stage-no-quit-script")),
        Lifecycle::Forever => Some(tr!("stage-no-quit-forever")),
        Lifecycle::Console | Lifecycle::Service => None,
    }
}

/// One clear line for a server that could not start, with what to try next.
fn start_failure(stage: &str, addr: SocketAddr, e: &Exception, reuse_addr: bool) -> String {
    let Some(errno) = e.errno else {
        return tr!(
            "start-failed",
            stage = stage,
            addr = addr.to_string(),
            error = e.to_string()
        );
    };
    let hint = match errno {
        nix::libc::EADDRINUSE => tr!(
            "port-why-and-what-to-do",
            why = PortUse::read(addr.port()).explain(Binder::Stage { reuse_addr }),
            next = try_another_port()
        ),
        nix::libc::EACCES => tr!("start-port-root", next = try_another_port()),
        nix::libc::EADDRNOTAVAIL => tr!("start-not-here"),
        _ => tr!("start-other"),
    };
    tr!(
        "start-cannot-listen",
        addr = addr.to_string(),
        errno_name = errno_name(errno),
        errno = errno.to_string(),
        strerror = error_text(errno),
        hint = hint
    )
}

/// The C library's description of `errno` (`Address already in use`), or the
/// catalogue's for the errors a student meets here (`errno-EADDRINUSE`): the system's
/// text is English whatever the locale netlab speaks in.
fn error_text(errno: i32) -> String {
    let id = format!("errno-{}", errno_name(errno));
    if netlab::catalogue::has(netlab::lang::current(), &id) {
        netlab::catalogue::text(&id, &[])
    } else {
        netlab::py::strerror(errno)
    }
}

/// How to choose another port: `--port`, and under make (`make run` sets MAKELEVEL in its
/// children), `PORT=... make run`, since the command line is make's.
fn try_another_port() -> String {
    if std::env::var_os("MAKELEVEL").is_some() {
        tr!("port-try-make")
    } else {
        tr!("port-try")
    }
}
