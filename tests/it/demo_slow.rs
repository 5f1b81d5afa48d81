//! `netlab demo slow`: the same experiment as the stage tests' slow reader, through the CLI.

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

/// Stage 7 holds its lock while a broadcast waits for a client that never reads: the demo
/// must find the whole server frozen.
#[test]
fn demo_slow_shows_stage7_frozen() {
    netlab()
        .args(["demo", "slow", "--stage", "7"])
        .assert()
        .success()
        .stdout(predicate::str::contains("The whole server froze"))
        .stdout(predicate::str::contains("E is not served"));
}

/// Stage 2 has no lock: only the thread sending to the slow client stalls.
#[test]
fn demo_slow_shows_stage2_only_stalls_one_thread() {
    netlab()
        .args(["demo", "slow", "--stage", "2"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Only the sending threads stalled"))
        .stdout(predicate::str::contains("B's message reaches B and D"));
}

/// A stage the curriculum does not have is a one-line usage error with exit code 2.
#[test]
fn demo_slow_rejects_a_stage_that_does_not_exist() {
    netlab()
        .args(["demo", "slow", "--stage", &common::past_the_last()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(common::out_of_range()));
}
