//! `netlab source ID`: an entry's program, in Python as the class types and runs it (the
//! default), or in Rust as netlab runs it (`--rust`); and that choice, `--python|--rust`,
//! which `netlab diff` takes too.
//!
//! Both programs are embedded (`stages/curriculum.toml` names them, `build.rs` includes
//! them), so `netlab source 4 > my4.py` needs no checkout. An entry the curriculum gives
//! no Python shows its Rust, with one line on stderr that says so.

use crate::curriculum::{self, Code, Entry, Source};
use crate::{errln, out, tr};

/// `--python` or `--rust`: which of an entry's programs a command shows.
#[derive(clap::Args, Clone, Copy, Debug, Default)]
pub struct CodeFlags {
    /// The Python program, as the class types and runs it (the default).
    #[arg(long, conflicts_with = "rust")]
    pub(crate) python: bool,
    /// The Rust program, as netlab runs it (`stages/*.rs`).
    #[arg(long)]
    pub(crate) rust: bool,
}

impl CodeFlags {
    /// The program asked for: Python unless `--rust`.
    pub fn code(self) -> Code {
        if self.rust {
            Code::Rust
        } else {
            Code::Python
        }
    }
}

/// Options of `netlab source`.
#[derive(clap::Args)]
pub struct Args {
    /// A stage number, `client`, or an exercise's id (its reference solution).
    #[arg(value_parser = curriculum::parse_any, value_name = "STAGE|EXERCISE")]
    pub(crate) entry: &'static Entry,
    #[command(flatten)]
    pub(crate) code: CodeFlags,
}

/// The entry's program in `code`; where it has no Python, its Rust, and the line that says
/// so (for stderr).
pub fn shown(entry: &Entry, code: Code) -> (Source, Option<String>) {
    match entry.program(code) {
        Some(source) => (source, None),
        None => (
            entry.rust,
            Some(tr!(
                "source-no-python",
                entry = entry.name(),
                file = entry.rust.file
            )),
        ),
    }
}

/// Runs `netlab source`.
pub fn run(args: &Args) {
    let (source, note) = shown(args.entry, args.code.code());
    if let Some(note) = note {
        errln!("{note}");
    }
    out!("{}", source.text);
}
