//! Scenarios: what each client does and exactly what it must receive.
//!
//! A scenario is data (`model.rs` says what it is made of, `library.rs` holds the table):
//! a list of steps (`connect A`, `send A "hello\n"`, `expect B ...`); which programs must
//! pass it is the curriculum's business (`stages/curriculum.toml`). The tests run every scenario against netlab's own stages,
//! and `netlab check` runs the same scenarios against a student's server, in any language,
//! since they only need a TCP port. The runner sees a server through a [`Target`]: netlab's
//! own stage in this process (its log and its threads can be checked too), or an external
//! program (its output and its console, as far as they tell; the rest is "not checked").
//!
//! Running a scenario writes a transcript a student can replay by hand with `nc`:
//!
//! ```text
//! [A] $ connect 127.0.0.1:41234    (A is 127.0.0.1:51234)
//! [A] $ send "hello\n"
//! [B] received "{TS} 127.0.0.1:51234\nhello\n\n"
//! ```
//!
//! and on a mismatch, the expected and received bytes with a caret under the first
//! difference, plus a hint for the usual mistakes.

mod client;
pub mod client_check;
mod expect;
mod hint;
mod library;
mod load;
mod model;
mod outcome;
mod runner;
mod target;

pub use client::{contains, ClientOptions, End, TestClient};
pub(crate) use expect::escape;
pub use library::{CLIENT_SCENARIOS, EXPERIMENTS, SCENARIOS};
pub(crate) use load::{
    churn, slow_reader, slow_reader_watched, ChurnOptions, ChurnReport, SlowOptions, SlowReport,
    SlowWatch,
};
pub use model::{Class, ClientScenario, ClientStep, Data, Experiment, Piece, Scenario, Step};
pub use outcome::{Failure, Note, Outcome, Verdict};
#[cfg(test)]
pub(crate) use runner::run as run_scenario;
pub(crate) use runner::Transcript;
pub(crate) use runner::{launch, run_launched};
pub use runner::{run_in_process, run_program, Judge, NotStarted, ProgramOptions, DEFAULT_WAIT};
#[cfg(test)]
pub(crate) use target::InProcess;
