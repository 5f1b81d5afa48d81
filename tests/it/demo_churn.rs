//! `netlab demo churn`: the churn of the stage tests' dict race, through the CLI.

use crate::common;

use assert_cmd::Command;
use predicates::prelude::*;
use std::time::Duration;

fn netlab() -> Command {
    let mut cmd = Command::cargo_bin("netlab").unwrap();
    cmd.timeout(Duration::from_secs(60))
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("LANG");
    cmd
}

/// By default the demo churns stage 5, whose lock does not cover the broadcast loop: a
/// thread must die of the race, at the loop's line (bounded to 15 s, as the stage test).
#[test]
fn demo_churn_shows_the_race_at_stage5_by_default() {
    netlab()
        .args(["demo", "churn", "--seconds", "15"])
        .assert()
        .success()
        .stdout(predicate::str::contains("netlab demo churn --stage 5:"))
        .stdout(predicate::str::contains(
            "dies: RuntimeError: dictionary changed size during iteration, at stages/stage5_lock.rs line",
        ))
        .stdout(predicate::str::contains("for s in self.clients.values()"))
        .stdout(predicate::str::contains("The dict race."));
}

/// Stage 7 iterates under the lock: no thread dies, and A gets every line back.
#[test]
fn demo_churn_shows_no_race_at_stage7() {
    netlab()
        .args(["demo", "churn", "--stage", "7", "--seconds", "1"])
        .assert()
        .success()
        .stdout(predicate::str::contains("(0 of the race)"))
        .stdout(predicate::str::contains(
            "No thread died, and A got back every one of its",
        ))
        .stdout(predicate::str::contains("dies:").not());
}

/// A stage the curriculum does not have, or a time outside (0, 60] s, is a usage error with exit code 2:
/// the load is always bounded.
#[test]
fn demo_churn_rejects_bad_arguments() {
    netlab()
        .args(["demo", "churn", "--stage", &common::past_the_last()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(common::out_of_range()));
    for bad in ["0", "61", "forever"] {
        netlab()
            .args(["demo", "churn", "--seconds", bad])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("at most 60"));
    }
}
