//! `netlab demo slow [--stage N]`: one client that never reads, next to a flood.
//!
//! Students ask why one stuck client can freeze the chat. This demo starts a stage in this
//! process, connects a client C that never reads, a client A that floods long lines, and
//! ordinary clients B and D; once the server stops reading A, B sends a message and a new
//! client E connects and sends one. Then it prints the timeline, what each server thread
//! is blocked in, and what it means:
//!
//! - stages 2-5: only the thread that sends to C stalls (A's, then B's and E's, each
//!   after its message has reached the clients before C in the dict): the chat goes on;
//! - stages 6-7: A's thread blocks in `flush()` to C **holding the lock**, every other
//!   thread waits for the lock, and nothing gets through: the whole server is frozen.
//!
//! The numbers come from the run. It ends by itself (the flood and every wait are
//! bounded) and cuts the server short before returning.
//!
//! With `--view`, the live view shows the server while the experiment runs, the timeline
//! in its log as it happens; at the end the clients stay connected (a frozen server stays
//! frozen on the screen) until `q`, then the timeline and the verdict print as usual.

use super::at_time;
use crate::scenario::{slow_reader, slow_reader_watched, SlowOptions, SlowReport, SlowWatch};
use crate::stage::{describe, Running};
use crate::tr;
use crate::view::{Control, Live, Watched};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Options of `netlab demo slow`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The stage whose server to run (`netlab stages` lists them).
    #[arg(long, default_value = "7", value_parser = crate::curriculum::parse_server)]
    pub(crate) stage: &'static crate::curriculum::Entry,
    /// Watch it in the live view (`netlab explain view`): the threads, the lock, each
    /// client's queues, the timeline as it happens; `q` ends the demo.
    #[arg(long)]
    pub(crate) view: bool,
}

/// Runs the experiment and prints the timeline and the verdict.
pub fn run(args: &Args) -> anyhow::Result<()> {
    let entry = args.stage;
    let stage = entry
        .server_program()
        .expect("the parser checked that it is a server");
    if stage.lifecycle == crate::stage::Lifecycle::Script {
        crate::outln!("{}", tr!("slow-stage1"));
        return Ok(());
    }
    // Captured: the server's own log (10 KB lines) stays out of the demo's output.
    let server = super::start_captured(stage)?;
    crate::outln!(
        "{}\n",
        tr!(
            "slow-intro",
            stage = stage.id,
            summary = entry.text().title,
            addr = server.local_addr().to_string()
        )
    );
    let live = args.view.then(|| watch(&server, stage.id)).flatten();
    let report = match &live {
        None => slow_reader(server.local_addr(), Some(&server), SlowOptions::default())?,
        Some((_, done)) => {
            let note = |at: Duration, what: &str| {
                crate::outln!("{}  {what}", at_time(at));
            };
            let before_end = |report: &SlowReport| {
                crate::outln!("{}", verdict(stage.id, report));
                crate::outln!("{}", tr!("slow-view-over"));
                while !done.load(Ordering::SeqCst) {
                    std::thread::sleep(Duration::from_millis(50));
                }
            };
            let watched = slow_reader_watched(
                server.local_addr(),
                Some(&server),
                SlowOptions::default(),
                &SlowWatch {
                    note: &note,
                    before_end: &before_end,
                },
            );
            crate::view::close();
            watched?
        }
    };
    for (at, what) in &report.timeline {
        crate::outln!("  {}  {what}", at_time(*at));
    }
    if !report.stuck_threads.is_empty() {
        crate::outln!(
            "\n{}\n{}",
            tr!("slow-stuck"),
            describe(&report.stuck_threads).trim_end()
        );
    }
    crate::outln!("\n{}", verdict(stage.id, &report));
    Ok(())
}

/// Starts the live view on the demo's server, if the terminal can show it; the flag is
/// set when the user ends the demo (`q`, Ctrl-C).
fn watch(server: &Running, stage: &str) -> Option<(Live, Arc<AtomicBool>)> {
    if let Some(why) = crate::view::refusal() {
        log::warn!(
            target: crate::logging::NETLAB,
            "{}",
            tr!("view-refused-demo", why = why.to_string())
        );
        return None;
    }
    let done = Arc::new(AtomicBool::new(false));
    let program = Watched::demo(server, tr!("slow-view-title", stage = stage));
    match Live::start(program, true, Duration::ZERO, Control::Demo(done.clone())) {
        Ok(live) => Some((live, done)),
        Err(e) => {
            log::warn!(
                target: crate::logging::NETLAB,
                "{}",
                tr!("view-no-terminal", error = e.to_string())
            );
            None
        }
    }
}

/// What the measured outcome means.
fn verdict(stage: &str, report: &crate::scenario::SlowReport) -> String {
    if !report.flood_stalled
        && report.message_delivered
        && report.newcomer_served
        && report.slow_one_dropped
    {
        return tr!(
            "slow-kept-up",
            stage = stage,
            mb = format!("{:.1}", report.flooded as f64 / 1e6)
        );
    }
    if !report.flood_stalled {
        return tr!(
            "slow-no-stall",
            mb = format!("{:.1}", report.flooded as f64 / 1e6)
        );
    }
    match (report.message_delivered, report.newcomer_served) {
        (false, false) => tr!("slow-frozen", stage = stage),
        (true, true) => tr!("slow-stalled", stage = stage),
        (delivered, served) => tr!(
            "slow-mixed",
            delivered = if delivered {
                tr!("slow-delivered")
            } else {
                tr!("slow-not-delivered")
            },
            served = if served {
                tr!("slow-served")
            } else {
                tr!("slow-not-served")
            }
        ),
    }
}
