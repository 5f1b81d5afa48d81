//! What the tests share: netlab's stages started in this process, and the binary run as a
//! user runs it (`process`).
#![allow(dead_code)]

pub mod process;

use netlab::stage::{self, Running};

/// Starts stage `number` in this process on 127.0.0.1:0, with its output captured.
pub fn start(number: u8) -> Running {
    let stage = stage::find(number).expect("a stage with this number");
    Running::start(stage, "127.0.0.1:0".parse().unwrap(), true).expect("the stage starts")
}

/// The stage number just past the stage table: `8`.
pub fn past_the_last() -> String {
    (netlab::stages::STAGES.len() + 1).to_string()
}

/// clap's message for that number: `8 is not in 1..=7`.
pub fn out_of_range() -> String {
    format!(
        "{} is not in 1..={}",
        past_the_last(),
        netlab::stages::STAGES.len()
    )
}

/// The locale variables netlab reads to choose its language (`netlab::lang`).
pub const LOCALE_VARS: [&str; 3] = ["LC_ALL", "LC_MESSAGES", "LANG"];

/// `cmd` with a 30 s timeout and no locale variables, so that netlab speaks English
/// whatever the machine's locale: the tests that look at netlab's words read English.
pub fn english(mut cmd: assert_cmd::Command) -> assert_cmd::Command {
    cmd.timeout(std::time::Duration::from_secs(30));
    for var in LOCALE_VARS {
        cmd.env_remove(var);
    }
    cmd
}
