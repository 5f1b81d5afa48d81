//! `netlab diff A B`: what changed from one stage to another, the command around
//! [`crate::diff`].
//!
//! It prints the notes' headings of both programs (in the language in force), then the
//! unified diff of their files, coloured on a terminal; `--stat` prints a summary
//! instead. Either program is any entry of the curriculum: a stage, the client, an
//! exercise's reference solution (`netlab diff 5 5.race` is the lesson).

use crate::curriculum::{self, Entry, Kind};
use crate::diff::{self, Source};
use crate::tr;
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
    /// Colour the diff: on a terminal (auto, unless NO_COLOR is set), always, or never.
    #[arg(long, value_enum, default_value_t = Color::Auto, value_name = "WHEN")]
    pub(crate) color: Color,
}

/// When to colour the diff.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Color {
    /// On a terminal, unless `NO_COLOR` is set (to anything but the empty string).
    Auto,
    /// Always, even into a pipe or with `NO_COLOR` (the flag is the user's latest word).
    Always,
    /// Never.
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

/// An entry's Rust file (for the `---` and `+++` lines) and its text.
pub fn source(entry: &Entry) -> Source<'static> {
    Source {
        label: entry.rust.file,
        text: entry.rust.text,
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
    crate::out!("{}", report(args.old, args.new, args.stat, color));
}

/// What `netlab diff` prints: both headings, then the diff (or with `stat`, the summary).
pub fn report(old: &Entry, new: &Entry, stat: bool, color: bool) -> String {
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
    let (a, b) = (source(old), source(new));
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

    #[test]
    fn every_stage_page_shows_the_diff_from_its_base() {
        for new in curriculum::of_kind(Kind::Stage) {
            let Some(old) = new.base() else { continue };
            let diff = diff::unified(source(old), source(new), false);
            let page = crate::docs::find(new.page.unwrap()).expect("the stage's page");
            for lang in crate::lang::Lang::all() {
                let text = page.get(lang).map_or("", |t| t.text);
                assert!(
                    text.contains(&format!("```diff\n{diff}```")),
                    "the {} page of stage {} lacks the diff from stage {}",
                    lang.code(),
                    new.id,
                    old.id
                );
            }
        }
    }
}
