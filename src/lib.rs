//! netlab: a classroom toolkit for network programming.
//!
//! netlab runs, stage by stage, the TCP group-chat server that a Chinese Python socket
//! tutorial builds, with the same bytes on the wire and the same flaws, and shows each
//! flaw in a bounded, observable way. See README.md for the classroom walk-through.
//!
//! - [`curriculum`]: every program netlab runs (the stages, the client, the exercises'
//!   solutions), one typed table generated from `stages/curriculum.toml`; [`stages`]: the
//!   programs themselves, one file each under `stages/`.
//! - [`py`]: the Python semantics the stages depend on (sockets, dicts, threads, ...).
//! - [`stage`]: the interface every stage offers, and a running stage's lifecycle.
//! - [`console`]: the `>> ` console, signals and the bounded `quit` of the CLI;
//!   [`client_command`]: the `/` commands of `netlab client`.
//! - [`scenario`]: what clients do and what they must receive, per stage: the tests'
//!   exercises, and what a grader runs against a student's server.
//! - [`program`]: a server that is not netlab's, run as a separate process.
//! - [`check`]: `netlab check`, grading such a program with the scenarios.
//! - [`bench`]: `netlab bench`, measuring servers side by side with an event-loop load
//!   generator.
//! - [`demo`] and [`ports`]: live experiments for the questions the notes raise.
//! - [`docs`]: netlab's pages, generated from `docs/` by `build.rs`, for `netlab explain`,
//!   in two languages; [`lang`]: which one a run speaks; [`catalogue`]: the lines netlab
//!   prints, in both.
//! - [`markdown`]: a page laid out for a terminal, and [`pager`]: `netlab explain`
//!   through `$PAGER` or `less`, as `git` does.
//! - [`diff`] and [`compare`]: `netlab diff`, what changed from one stage to the next;
//!   [`source`]: `netlab source`, a stage's program (Python by default, or `--rust`).
//! - [`help`]: `--help` in the language in force, its texts from the catalogue.
//! - [`terminal`]: what netlab writes to the terminal (a closed pipe ends a command
//!   quietly; a very long message is shortened), and [`thread_list`]: the quit's list of
//!   threads, grouped for a projector.
//! - [`view`]: the live view (`--view`): threads, the clients dict, each connection's
//!   bytes and kernel queues, redrawn four times a second.

pub mod bench;
pub mod catalogue;
pub mod check;
pub mod client_command;
pub mod compare;
pub mod console;
pub mod curriculum;
pub mod demo;
pub mod diff;
pub mod docs;
pub mod exercise;
pub mod help;
pub mod lang;
pub mod logging;
pub mod markdown;
pub mod pager;
pub mod policy;
pub mod ports;
pub mod program;
pub mod py;
pub mod scenario;
pub mod sockdiag;
pub mod source;
pub mod stage;
pub mod sync;
pub mod terminal;
pub mod text;
pub mod thread_list;
pub mod view;
pub mod wire;

/// The programs of the curriculum, one module per Rust file under `stages/` (a stage, the
/// client, an exercise's solution), declared by `build.rs` from `stages/curriculum.toml`.
pub mod stages {
    include!(concat!(env!("OUT_DIR"), "/stages.rs"));
}

/// The same programs' texts as plain data, for the lines a traceback quotes: generated,
/// and importing nothing, so the ground floor (`py`) can read it.
pub mod sources {
    include!(concat!(env!("OUT_DIR"), "/sources.rs"));
}
