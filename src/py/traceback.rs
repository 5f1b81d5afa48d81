//! The last frame of a Python traceback: `File "stages/stage2_threaded.rs", line 40` and
//! the code on that line, as Python prints it when an exception ends a thread.
//!
//! The code comes from the program files of the curriculum, embedded as plain data by
//! `build.rs` ([`crate::sources::SOURCES`], which imports nothing), and a traceback looks
//! its line up there.

use crate::sources::SOURCES;
use std::panic::Location;

/// For a line of a registered file, the path to show and the code on that line. Lines
/// outside those files give just the path.
pub(crate) fn source_line(at: &Location<'_>) -> (String, Option<String>) {
    let file = at.file();
    for (name, source) in SOURCES {
        if file.ends_with(name) {
            let code = source
                .lines()
                .nth(at.line() as usize - 1)
                .map(str::to_string);
            return (name.to_string(), code);
        }
    }
    (file.to_string(), None)
}
