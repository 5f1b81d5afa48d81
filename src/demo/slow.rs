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

use crate::scenario::{slow_reader, SlowOptions};
use crate::stage::{self, describe, Running};
use crate::tr;
use std::net::SocketAddr;

/// Options of `netlab demo slow`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The stage whose server to run (`netlab stages` lists them).
    #[arg(long, default_value_t = 7, value_parser = clap::value_parser!(u8).range(1..=crate::stages::STAGES.len() as i64))]
    pub(crate) stage: u8,
}

/// Runs the experiment and prints the timeline and the verdict.
pub fn run(args: &Args) -> anyhow::Result<()> {
    let stage = stage::find(args.stage).expect("clap checked the range");
    if stage.number == 1 {
        crate::outln!("{}", tr!("slow-stage1"));
        return Ok(());
    }
    // Captured: the server's own log (10 KB lines) stays out of the demo's output.
    let server = Running::start(stage, SocketAddr::from(([127, 0, 0, 1], 0)), true)
        .map_err(|e| anyhow::anyhow!("could not start stage {}: {e}", stage.number))?;
    crate::outln!(
        "{}\n",
        tr!(
            "slow-intro",
            stage = stage.number,
            summary = stage.summary(),
            addr = server.local_addr().to_string()
        )
    );
    let report = slow_reader(server.local_addr(), Some(&server), SlowOptions::default())?;
    for (at, what) in &report.timeline {
        crate::outln!("  +{:5.2} s  {what}", at.as_secs_f64());
    }
    if !report.stuck_threads.is_empty() {
        crate::outln!(
            "\n{}\n{}",
            tr!("slow-stuck"),
            describe(&report.stuck_threads).trim_end()
        );
    }
    crate::outln!("\n{}", verdict(stage.number, &report));
    Ok(())
}

/// What the measured outcome means.
fn verdict(stage: u8, report: &crate::scenario::SlowReport) -> String {
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
