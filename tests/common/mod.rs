//! What the stage tests share: run a scenario from the library against a stage, and the
//! two load experiments with their verdicts.
#![allow(dead_code)]

pub mod process;

use netlab::scenario::{self, ChurnOptions, SlowOptions};
use netlab::stage::{self, Running};
use std::time::Duration;

/// Starts stage `number` in this process on 127.0.0.1:0, with its output captured.
pub fn start(number: u8) -> Running {
    let stage = stage::find(number).expect("a stage with this number");
    Running::start(stage, "127.0.0.1:0".parse().unwrap(), true).expect("the stage starts")
}

/// Runs scenario `name` (from `netlab::scenario::SCENARIOS`) against stage `number`, and
/// fails with the transcript, expected and received bytes if it does not go as expected.
pub fn check(number: u8, name: &str) {
    if let Err(failure) = scenario::run_on_stage(number, name) {
        panic!("\n{failure}");
    }
}

/// Churns connections next to a chatty client until a server thread dies of the dict
/// race (at most 15 s): the race must show.
pub fn race_appears(number: u8) {
    let server = start(number);
    let report = scenario::churn(
        server.local_addr(),
        Some(&server),
        ChurnOptions {
            duration: Duration::from_secs(15),
            stop_at_first_race: true,
            ..ChurnOptions::default()
        },
    )
    .expect("the churn runs");
    assert!(
        report.races > 0,
        "no thread died of `dictionary changed size during iteration` in {:.1} s of churn: {report:?}",
        report.elapsed.as_secs_f64()
    );
}

/// Churns for 1.5 s: no thread may die, and the chatty client must get back every line
/// it sent (netlab does not lose lines, REFERENCE §12 M1).
pub fn race_never_appears(number: u8) {
    let server = start(number);
    let report = scenario::churn(
        server.local_addr(),
        Some(&server),
        ChurnOptions {
            duration: Duration::from_millis(1500),
            ..ChurnOptions::default()
        },
    )
    .expect("the churn runs");
    assert_eq!(report.races, 0, "{report:?}");
    assert_eq!(report.deaths, 0, "{report:?}");
    assert!(report.connections > 10, "the churn hardly ran: {report:?}");
    assert_eq!(
        report.lines_echoed, report.lines_sent,
        "lines were lost: {report:?}"
    );
}

/// Floods through a client that never reads; `freezes` says whether the whole server
/// must stop (stages 6-7) or only the flooder's thread (stages 2-5).
pub fn slow_reader(number: u8, freezes: bool) {
    let server = start(number);
    let report = scenario::slow_reader(server.local_addr(), Some(&server), SlowOptions::default())
        .expect("the experiment runs");
    let timeline: String = report
        .timeline
        .iter()
        .map(|(t, what)| format!("  +{:.2} s {what}\n", t.as_secs_f64()))
        .collect();
    assert!(report.flood_stalled, "the flood never stalled:\n{timeline}");
    assert_eq!(
        report.message_delivered, !freezes,
        "B's message:\n{timeline}"
    );
    assert_eq!(
        report.newcomer_served, !freezes,
        "the newcomer:\n{timeline}"
    );
}
