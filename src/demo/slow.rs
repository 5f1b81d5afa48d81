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

use crate::scenario::{slow_reader, slow_reader_watched, SlowOptions, SlowReport, SlowWatch};
use crate::stage::{self, describe, Running};
use crate::view::{Control, Live, Program};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Options of `netlab demo slow`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The stage whose server to run (`netlab stages` lists them).
    #[arg(long, default_value_t = 7, value_parser = clap::value_parser!(u8).range(1..=crate::stages::STAGES.len() as i64))]
    pub(crate) stage: u8,
    /// Watch it in the live view (`netlab explain view`): the threads, the lock, each
    /// client's queues, the timeline as it happens; `q` ends the demo.
    #[arg(long)]
    pub(crate) view: bool,
}

/// Runs the experiment and prints the timeline and the verdict.
pub fn run(args: &Args) -> anyhow::Result<()> {
    let stage = stage::find(args.stage).expect("clap checked the range");
    if stage.number == 1 {
        crate::outln!(
            "netlab demo slow --stage 1: stage 1 serves one client at a time and broadcasts nothing, so there is \
             no other client for a slow one to hold up. Try --stage 2 (only one thread stalls) or --stage 7 \
             (everything freezes)."
        );
        return Ok(());
    }
    // Captured: the server's own log (10 KB lines) stays out of the demo's output.
    let server = Running::start(stage, SocketAddr::from(([127, 0, 0, 1], 0)), true)
        .map_err(|e| anyhow::anyhow!("could not start stage {}: {e}", stage.number))?;
    crate::outln!(
        "netlab demo slow --stage {}: stage {} ({}) runs here on {}.\n\
         A floods long lines, C never reads, B and D are ordinary clients; then B speaks and E joins.\n",
        stage.number,
        stage.number,
        stage.title_en,
        server.local_addr()
    );
    let live = args.view.then(|| watch(&server, stage.number)).flatten();
    let report = match &live {
        None => slow_reader(server.local_addr(), Some(&server), SlowOptions::default())?,
        Some((_, done)) => {
            let note = |at: Duration, what: &str| {
                crate::outln!("+{:5.2} s  {what}", at.as_secs_f64());
            };
            let before_end = |report: &SlowReport| {
                crate::outln!("{}", verdict(stage.number, report));
                crate::outln!(
                    "The experiment is over; the clients stay connected, so the server stays as it is. \
                     q ends the demo."
                );
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
        crate::outln!("  +{:5.2} s  {what}", at.as_secs_f64());
    }
    if !report.stuck_threads.is_empty() {
        crate::outln!(
            "\nServer threads stuck at the end of the run:\n{}",
            describe(&report.stuck_threads).trim_end()
        );
    }
    crate::outln!("\n{}", verdict(stage.number, &report));
    Ok(())
}

/// Starts the live view on the demo's server, if the terminal can show it; the flag is
/// set when the user ends the demo (`q`, Ctrl-C).
fn watch(server: &Running, stage: u8) -> Option<(Live, Arc<AtomicBool>)> {
    if let Some(why) = crate::view::refusal() {
        log::warn!(
            target: crate::logging::NETLAB,
            "--view needs a terminal to draw on: {why}. Running the demo with the plain output instead."
        );
        return None;
    }
    let done = Arc::new(AtomicBool::new(false));
    let program = Program::demo(server, format!("demo slow · stage {stage}"));
    match Live::start(program, true, Duration::ZERO, Control::Demo(done.clone())) {
        Ok(live) => Some((live, done)),
        Err(e) => {
            log::warn!(
                target: crate::logging::NETLAB,
                "the view could not take the terminal ({e}); the plain output goes on"
            );
            None
        }
    }
}

/// What the measured outcome means.
fn verdict(stage: u8, report: &crate::scenario::SlowReport) -> String {
    if !report.flood_stalled {
        return format!(
            "The server kept reading A for {:.1} MB: this run never filled C's buffers, so it shows nothing. \
             (The kernel's buffer sizes decide when the stall comes.)",
            report.flooded as f64 / 1e6
        );
    }
    match (report.message_delivered, report.newcomer_served) {
        (false, false) => format!(
            "The whole server froze. Stage {stage} writes each broadcast while holding self.lock; A's thread \
             holds it while flush() waits for C to read, which C never does. B's thread waits for the lock, \
             and so does the accept thread, so E is connected by the kernel but never served. One client \
             that does not read stops the chat for everyone. (REFERENCE §9; test \
             stage{stage}_slow_reader_freezes_everyone.)"
        ),
        (true, true) => format!(
            "Only the sending threads stalled. Stage {stage} takes no lock around the broadcast, so A's thread \
             waits alone in send() to C, and the others carry on: B's message and E's reach the clients that \
             come before C in the dict. (Small messages may still fit in C's send buffer; when they do not, \
             that sender's thread stalls at C too: the list above shows which did.) The chat goes on, leaking \
             a stuck thread per sender. (REFERENCE §4, §8; test stage{stage}_slow_reader_stalls_only_the_sender.)"
        ),
        (delivered, served) => format!(
            "Mixed result: B's message {} and E {}. The timeline above says when.",
            if delivered { "got through" } else { "did not get through" },
            if served { "was served" } else { "was not served" }
        ),
    }
}
