//! The `netlab` command line. Every subcommand is a thin layer over the library.

use anyhow::{bail, Context};
use clap::{Parser, Subcommand};
use netlab::logging::NETLAB;
use netlab::py::{errno_name, Exception};
use netlab::stage::{self, Running};
use netlab::stages::{CLIENT, STAGES};
use netlab::{console, demo, ports};
use std::net::{IpAddr, SocketAddr};
use std::process::ExitCode;
use std::time::Duration;

/// netlab: a socket-programming tutorial's chat server, stage by stage, flaws included.
///
/// Start with `netlab stages`, run one with `netlab stage 3`, connect with
/// `netlab client` or `nc 127.0.0.1 60000`, and read about it with `netlab explain 3`.
#[derive(Parser)]
#[command(name = "netlab", version, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// List the tutorial's stages: number, slug, title.
    Stages,
    /// Run one stage's server (stages 3-7 have a `>> ` console: type `quit` to stop).
    Stage(StageArgs),
    /// Run the tutorial's chat client (sends `I'm ready`, then each line you type; `/help`
    /// at its prompt lists netlab's commands: /reset, /halfclose, /bytes, /flood).
    Client(ClientArgs),
    /// Grade a chat server, in any language, with a stage's scenarios:
    /// `netlab check 4 -- python3 my_stage4.py {port}`.
    Check(netlab::check::Args),
    /// Print a stage's page: what it adds, the flaw it keeps, how to see it.
    Explain {
        /// A stage number (1-7), or `client`.
        stage: String,
    },
    /// Print a stage's source file, as netlab runs it.
    Source {
        /// A stage number (1-7), or `client`.
        stage: String,
    },
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
    #[arg(value_parser = stage_number())]
    number: u8,
    /// The address to listen on. Anything but loopback makes the chat reachable from the network.
    #[arg(long, default_value = "127.0.0.1", value_parser = parse_host)]
    host: IpAddr,
    /// The port to listen on; 0 lets the kernel pick one (printed in `listening on ...`).
    #[arg(long, default_value_t = 60000)]
    port: u16,
    /// After `quit`, how many seconds to wait for the threads that Python would wait for
    /// forever, before cutting them short.
    #[arg(long, default_value_t = 5.0, value_parser = parse_seconds)]
    grace: f64,
}

#[derive(clap::Args)]
struct ClientArgs {
    /// The server's address.
    #[arg(long, default_value = "127.0.0.1", value_parser = parse_host)]
    host: IpAddr,
    /// The server's port.
    #[arg(long, default_value_t = 60000)]
    port: u16,
}

/// Stage numbers 1..=N, N from the stage table: clap reports the range on a bad number.
fn stage_number() -> clap::builder::RangedI64ValueParser<u8> {
    clap::value_parser!(u8).range(1..=STAGES.len() as i64)
}

fn parse_host(text: &str) -> Result<IpAddr, String> {
    if text == "localhost" {
        return Ok(IpAddr::from([127, 0, 0, 1]));
    }
    text.parse()
        .map_err(|_| format!("{text:?} is not an IP address (try 127.0.0.1 or ::1)"))
}

fn parse_seconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(s) if s.is_finite() && (0.0..=3600.0).contains(&s) => Ok(s),
        _ => Err(format!(
            "{text:?} is not a number of seconds between 0 and 3600"
        )),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("netlab: error: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<u8> {
    match cli.command {
        Command::Stages => {
            print!("{}", stages_table());
            Ok(0)
        }
        Command::Stage(args) => run_stage(args),
        Command::Client(args) => {
            let signals = console::catch_signals();
            netlab::logging::init(CLIENT.log_format);
            let code = console::run_client(SocketAddr::new(args.host, args.port), signals);
            Ok(code as u8)
        }
        Command::Check(args) => netlab::check::run(&args),
        Command::Explain { stage } => {
            print!("{}", page(&stage)?.0);
            Ok(0)
        }
        Command::Source { stage } => {
            print!("{}", page(&stage)?.1);
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

/// `netlab stages`: one line per stage, then the client.
fn stages_table() -> String {
    let mut out = String::new();
    for s in STAGES {
        out.push_str(&format!(
            "{}  {:<9} {}  ({})\n",
            s.number, s.slug, s.title_en, s.title_zh
        ));
    }
    out.push_str(&format!(
        "   {:<9} {}  ({}): netlab client\n",
        CLIENT.slug, CLIENT.title_en, CLIENT.title_zh
    ));
    out
}

/// The docs page and the source of a stage number or `client`.
fn page(which: &str) -> anyhow::Result<(&'static str, &'static str)> {
    if which == "client" {
        return Ok((CLIENT.docs, CLIENT.source));
    }
    let stage = which
        .parse::<u8>()
        .ok()
        .and_then(stage::find)
        .with_context(|| {
            format!(
                "no stage {which:?}: give a number from 1 to {}, or `client`",
                STAGES.len()
            )
        })?;
    Ok((stage.docs, stage.source))
}

fn run_stage(args: StageArgs) -> anyhow::Result<u8> {
    let stage = stage::find(args.number).expect("clap checked the range");
    let signals = console::catch_signals();
    netlab::logging::init(stage.log_format);
    let addr = SocketAddr::new(args.host, args.port);
    let running = match Running::start(stage, addr, false) {
        Ok(running) => running,
        Err(e) => bail!("{}", start_failure(stage.number, addr, &e)),
    };
    // Scripts and tests wait for this exact line to learn the port.
    eprintln!("listening on {}", running.local_addr());
    if !args.host.is_loopback() {
        log::warn!(
            target: NETLAB,
            "{} is not a loopback address: anyone who can reach this machine on port {} can join this chat, \
             and its flaws (crashes, freezes) are open to them too. Use --host 127.0.0.1 in class.",
            args.host,
            running.local_addr().port()
        );
    }
    let code = console::run_stage(&running, Duration::from_secs_f64(args.grace), signals);
    // Exit now: a thread Python would still wait for must not keep the process alive.
    std::process::exit(code);
}

/// One clear line for a server that could not start, with what to try next.
fn start_failure(stage: u8, addr: SocketAddr, e: &Exception) -> String {
    let Some(errno) = e.errno else {
        return format!("could not start stage {stage} on {addr}: {e}");
    };
    let what = format!(
        "could not listen on {addr}: {} ({errno}), {}",
        errno_name(errno),
        netlab::py::strerror(errno)
    );
    let hint = match errno {
        nix::libc::EADDRINUSE => {
            "another server is listening there (another netlab?), or connections of an earlier run are still in \
             TIME_WAIT (about 60 s; `netlab ports --all` lists them, `netlab demo bind` explains). Try another \
             --port, or --port 0 to let the kernel pick one"
        }
        nix::libc::EACCES => "ports below 1024 need root: use a port from 1024 up, or --port 0",
        nix::libc::EADDRNOTAVAIL => "that address is not on this machine: use 127.0.0.1 (or ::1)",
        _ => "try --port 0, or another --host",
    };
    format!("{what}: {hint}")
}
