//! The last frame of a Python traceback: `File "stages/stage2_threaded.rs", line 40` and
//! the code on that line, as Python prints it when an exception ends a thread.
//!
//! The code comes from the stage files, which live above this floor: whoever starts a
//! program hands their sources down once with [`register_sources`] (netlab's stage table
//! does), and a traceback looks its line up there.

use std::panic::Location;
use std::sync::OnceLock;

/// The source files a traceback can quote: (path as shown, e.g. `stages/stage2_threaded.rs`,
/// the file's text).
static SOURCES: OnceLock<Vec<(&'static str, &'static str)>> = OnceLock::new();

/// Hands down the files whose lines tracebacks quote. The first call wins: the sources
/// are the same for the whole process.
pub(crate) fn register_sources(sources: impl IntoIterator<Item = (&'static str, &'static str)>) {
    let _ = SOURCES.set(sources.into_iter().collect());
}

/// For a line of a registered file, the path to show and the code on that line. Lines
/// outside those files give just the path.
pub(crate) fn source_line(at: &Location<'_>) -> (String, Option<String>) {
    let file = at.file();
    for (name, source) in SOURCES.get().into_iter().flatten() {
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
