//! `netlab diff A B`: what changed from one stage to another, the command around
//! [`crate::diff`].
//!
//! It prints the notes' headings of both programs (in the language in force), then the
//! unified diff of their files, coloured on a terminal; `--stat` prints a summary
//! instead. A program is anything with a heading and a text ([`Program`]): a stage or
//! the client today; another kind (an exercise's reference solution) only needs a way to
//! name it on the command line.

use crate::diff::{self, Source};
use crate::exercise::{Exercise, Solution};
use crate::stage::Stage;
use crate::stages::{CLIENT, STAGES};
use crate::tr;
use std::io::IsTerminal;

/// Options of `netlab diff`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The program before: a stage number, `client`, or an exercise's id (its solution).
    #[arg(value_parser = Program::parse)]
    pub(crate) old: Program,
    /// The program after: a stage number, `client`, or an exercise's id (its solution).
    #[arg(value_parser = Program::parse)]
    pub(crate) new: Program,
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

/// A program netlab embeds, which `netlab diff` can compare with another.
#[derive(Clone, Copy)]
pub enum Program {
    /// A server stage.
    Stage(&'static Stage),
    /// The notes' client.
    Client,
    /// An exercise's reference solution (`5.race`): `netlab diff 5 5.race` is the lesson.
    Solution(&'static Exercise),
}

impl std::fmt::Debug for Program {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.source().label)
    }
}

impl Program {
    /// A stage number, `client`, or an exercise's id; the error lists what there is.
    pub fn parse(text: &str) -> Result<Program, String> {
        if text == CLIENT.slug {
            return Ok(Program::Client);
        }
        if let Some(exercise) = crate::exercise::find(text) {
            return Ok(Program::Solution(exercise));
        }
        text.parse::<u8>()
            .ok()
            .and_then(crate::stage::find)
            .map(Program::Stage)
            .ok_or_else(|| {
                let ids: Vec<&str> = crate::exercise::EXERCISES.iter().map(|e| e.id).collect();
                format!(
                    "no stage {text:?}: give a stage number from 1 to {}, `client`, or an exercise's id \
                     for its solution ({})",
                    STAGES.len(),
                    ids.join(", ")
                )
            })
    }

    /// Its file (for the `---` and `+++` lines) and its text.
    pub fn source(self) -> Source<'static> {
        match self {
            Program::Stage(stage) => Source {
                label: stage.source_file,
                text: stage.source,
            },
            Program::Client => Source {
                label: CLIENT.source_file,
                text: CLIENT.source,
            },
            Program::Solution(exercise) => match &exercise.solution {
                Solution::Server(stage) => Source {
                    label: stage.source_file,
                    text: stage.source,
                },
                Solution::Client(client) => Source {
                    label: client.source_file,
                    text: client.source,
                },
            },
        }
    }

    /// The line above the diff: the notes' heading and what it adds, in the language in
    /// force.
    pub fn heading(self) -> String {
        match self {
            Program::Stage(stage) => tr!(
                "diff-heading-stage",
                number = stage.number,
                heading = stage.title_zh,
                summary = stage.summary()
            ),
            Program::Client => tr!(
                "diff-heading-client",
                heading = CLIENT.title_zh,
                summary = CLIENT.summary()
            ),
            Program::Solution(exercise) => tr!(
                "diff-heading-solution",
                id = exercise.id,
                title = exercise.title()
            ),
        }
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
pub fn report(old: Program, new: Program, stat: bool, color: bool) -> String {
    let (bold, reset) = if color {
        ("\x1b[1m", "\x1b[0m")
    } else {
        ("", "")
    };
    let mut out = format!(
        "{bold}{}{reset}\n{bold}{}{reset}\n\n",
        tr!("diff-old", heading = old.heading()),
        tr!("diff-new", heading = new.heading())
    );
    let (a, b) = (old.source(), new.source());
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
    fn every_stage_page_shows_the_diff_from_the_previous_stage() {
        for pair in STAGES.windows(2) {
            let (old, new) = (Program::Stage(&pair[0]), Program::Stage(&pair[1]));
            let diff = diff::unified(old.source(), new.source(), false);
            let page = crate::docs::find(pair[1].page).expect("the stage's page");
            for lang in crate::lang::Lang::ALL {
                let text = page.get(lang).map_or("", |t| t.text);
                assert!(
                    text.contains(&format!("```diff\n{diff}```")),
                    "the {} page of stage {} lacks the diff from stage {}",
                    lang.code(),
                    pair[1].number,
                    pair[0].number
                );
            }
        }
    }
}
