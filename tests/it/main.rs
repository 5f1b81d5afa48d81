//! netlab's integration tests that need no harness of their own, in one test binary:
//! each binary links the whole library, so one instead of eleven saves minutes of linking
//! on two cores. Each module is one of netlab's faces, run as a user runs it.
//!
//! ```sh
//! cargo test --test it               # all of them
//! cargo test --test it i18n::        # one module's
//! ```

#[path = "../common/mod.rs"]
mod common;

mod class;
mod cli;
mod client;
mod closed_pipe;
mod demo_bind;
mod demo_churn;
mod demo_race;
mod demo_slow;
mod explain;
mod i18n;
mod language;
mod launcher;
mod ports;
mod rust_log;
mod selfcheck;
mod view;
mod zh_prose;
