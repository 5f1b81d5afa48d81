//! `netlab diff A B`: what changed from one stage to another, the command around
//! [`crate::diff`].
//!
//! It prints the notes' headings of both programs (in the language in force), then the
//! unified diff of their files, coloured on a terminal; `--stat` prints a summary
//! instead. Either program is any entry of the curriculum: a stage, the client, an
//! exercise's reference solution (`netlab diff 5 5.race` is the lesson).
//!
//! The files are the Python ones by default, the class's language (`netlab diff 4 5` is
//! the lock the notes add, as the notes write it); `--rust` compares the Rust files netlab
//! runs. Where either entry has no Python, both sides are Rust, and a line on stderr says
//! so: a diff of a Python file against a Rust one would show everything.

use crate::curriculum::{self, Code, Entry, Kind};
use crate::diff::{self, Source};
use crate::source::CodeFlags;
use crate::{errln, tr};
use std::io::IsTerminal;

/// Options of `netlab diff`.
#[derive(clap::Args)]
pub struct Args {
    /// The program before: a stage number, `client`, or an exercise's id (its solution).
    #[arg(value_parser = curriculum::parse_any)]
    pub(crate) old: &'static Entry,
    /// The program after: a stage number, `client`, or an exercise's id (its solution).
    #[arg(value_parser = curriculum::parse_any)]
    pub(crate) new: &'static Entry,
    /// Only a summary: how many lines were added and removed.
    #[arg(long)]
    pub(crate) stat: bool,
    #[command(flatten)]
    pub(crate) code: CodeFlags,
    /// Colour the diff: on a terminal (auto, unless NO_COLOR is set), always, or never.
    #[arg(long, value_enum, default_value_t = Color::Auto, value_name = "WHEN")]
    pub(crate) color: Color,
}

/// When to colour the diff. (Plain comments on the values: a doc comment would be
/// clap's English help for each, and `--help` says them from the catalogue.)
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Color {
    // On a terminal, unless `NO_COLOR` is set (to anything but the empty string).
    Auto,
    // Always, even into a pipe or with `NO_COLOR` (the flag is the user's latest word).
    Always,
    // Never.
    Never,
}

impl Color {
    /// Whether to colour, for standard output that is (or is not) a terminal and a
    /// `NO_COLOR` variable with this value.
    pub fn enabled(self, terminal: bool, no_color: Option<&str>) -> bool {
        match self {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => terminal && no_color.is_none_or(str::is_empty),
        }
    }
}

/// An entry's file in `code` (its name for the `---` and `+++` lines) and its text; the
/// Rust file for an entry without Python.
pub fn source(entry: &Entry, code: Code) -> Source<'static> {
    let file = entry.program(code).unwrap_or(entry.rust);
    Source {
        label: file.file,
        text: file.text,
    }
}

/// The code both sides can be compared in: `wanted`, unless one of them has no Python;
/// then Rust, and the line that says so (for stderr).
pub fn common_code(old: &Entry, new: &Entry, wanted: Code) -> (Code, Option<String>) {
    let lacking = [old, new].into_iter().find(|e| e.program(wanted).is_none());
    match lacking {
        None => (wanted, None),
        Some(e) => (Code::Rust, Some(tr!("diff-no-python", entry = e.name()))),
    }
}

/// The line above the diff: the notes' heading and what it adds, in the language in
/// force.
pub fn heading(entry: &Entry) -> String {
    match entry.kind {
        Kind::Stage => tr!(
            "diff-heading-stage",
            number = entry.id,
            heading = entry.heading,
            summary = entry.text().title
        ),
        Kind::Client => tr!(
            "diff-heading-client",
            heading = entry.heading,
            summary = entry.text().title
        ),
        Kind::Solution => tr!(
            "diff-heading-solution",
            id = entry.id,
            title = entry.text().title
        ),
    }
}

/// Runs `netlab diff`.
pub fn run(args: &Args) {
    let color = args.color.enabled(
        std::io::stdout().is_terminal(),
        std::env::var("NO_COLOR").ok().as_deref(),
    );
    let (code, note) = common_code(args.old, args.new, args.code.code());
    if let Some(note) = note {
        errln!("{note}");
    }
    crate::out!("{}", report(args.old, args.new, code, args.stat, color));
}

/// What `netlab diff` prints: both headings, then the diff of their files in `code` (or
/// with `stat`, the summary).
pub fn report(old: &Entry, new: &Entry, code: Code, stat: bool, color: bool) -> String {
    let (bold, reset) = if color {
        ("\x1b[1m", "\x1b[0m")
    } else {
        ("", "")
    };
    let mut out = format!(
        "{bold}{}{reset}\n{bold}{}{reset}\n\n",
        tr!("diff-old", heading = heading(old)),
        tr!("diff-new", heading = heading(new))
    );
    let (a, b) = (source(old, code), source(new, code));
    let counts = diff::stat(a, b);
    if counts.added + counts.removed == 0 {
        out.push_str(&tr!("diff-same"));
        out.push('\n');
    } else if stat {
        let files = format!("{} → {}", a.label, b.label);
        let (green, red) = if color {
            ("\x1b[32m", "\x1b[31m")
        } else {
            ("", "")
        };
        let bar = diff::bar(counts, 40);
        let plus = bar.trim_end_matches('-');
        let minus = &bar[plus.len()..];
        out.push_str(&format!(
            " {files} | {} {green}{plus}{reset}{red}{minus}{reset}\n",
            counts.added + counts.removed
        ));
        out.push_str(&tr!(
            "diff-stat",
            added = counts.added,
            removed = counts.removed
        ));
        out.push('\n');
    } else {
        out.push_str(&diff::unified(a, b, color));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_color_turns_auto_off_on_a_terminal() {
        assert!(Color::Auto.enabled(true, None));
        assert!(!Color::Auto.enabled(true, Some("1")));
        assert!(
            Color::Auto.enabled(true, Some("")),
            "an empty NO_COLOR is unset"
        );
        assert!(!Color::Auto.enabled(false, None));
        assert!(Color::Always.enabled(false, Some("1")));
        assert!(!Color::Never.enabled(true, None));
    }

    /// Each stage's page shows what changed since its base as `netlab diff` prints it: the
    /// Python files' diff first, then the Rust files', folded under the catalogue's summary
    /// in the page's language; a stage without Python (or whose base has none), the Rust
    /// diff alone.
    #[test]
    fn every_stage_page_shows_the_python_diff_then_the_rust_one_folded() {
        for new in curriculum::of_kind(Kind::Stage) {
            let Some(old) = new.base() else { continue };
            let diff_in = |code| diff::unified(source(old, code), source(new, code), false);
            let rust = diff_in(Code::Rust);
            let python =
                (old.python.is_some() && new.python.is_some()).then(|| diff_in(Code::Python));
            let page = crate::docs::find(new.page.unwrap()).expect("the stage's page");
            for lang in crate::lang::Lang::all() {
                let text = page.get(lang).map_or("", |t| t.text);
                let Some(python) = &python else {
                    assert!(
                        text.contains(&format!("```diff\n{rust}```")),
                        "the {} page of stage {} lacks the Rust diff from stage {}",
                        lang.code(),
                        new.id,
                        old.id
                    );
                    continue;
                };
                let summary = crate::catalogue::text_in(
                    lang,
                    "page-diff-rust-summary",
                    &[("old", old.id.into()), ("new", new.id.into())],
                );
                let python_at = text.find(&format!("```diff\n{python}```\n"));
                let rust_at = text.find(&format!(
                    "<details>\n<summary>{summary}</summary>\n\n```diff\n{rust}```\n\n</details>"
                ));
                assert!(
                    python.starts_with("--- stages/python/")
                        && python_at.is_some()
                        && rust_at.is_some()
                        && python_at < rust_at,
                    "the {} page of stage {} lacks the Python diff from stage {} ({python_at:?}), \
                     then the Rust one folded under {summary:?} ({rust_at:?})",
                    lang.code(),
                    new.id,
                    old.id
                );
            }
        }
    }
}
