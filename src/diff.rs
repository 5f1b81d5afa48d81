//! What changed from one program to the next: the unified diff of two sources, as
//! `netlab diff 4 5` prints it and as each stage's page shows it.
//!
//! The notes' method is "the same program, one change at a time", and the stage files
//! (the Python ones under `stages/python/`, the Rust ones under `stages/`) keep every
//! unchanged line textually identical from one stage to the next, so the diff of two
//! stage files is what the notes changed. It leaves out a Rust file's module doc (the
//! leading `//!` block, which describes that one stage: `netlab diff` prints the stages'
//! headings above the diff instead; the Python files have none), and counts line numbers
//! in the whole files.
//!
//! A [`Source`] is a label (the file name) and a text, nothing more: a stage, the client,
//! or any other program netlab embeds can be compared.
//!
//! This file uses only `std` and `similar`: `build.rs` includes it to write the "what
//! changed since the previous stage" section of each stage's page at build time, so the
//! page and `netlab diff` cannot disagree.

use similar::{ChangeTag, DiffOp, TextDiff};
use std::fmt::Write as _;

/// Lines of context around each change, as `diff -u` and `git diff` show.
const CONTEXT: usize = 3;

/// One side of a diff.
#[derive(Clone, Copy, Debug)]
pub struct Source<'a> {
    /// The name on the `---`/`+++` line: `stages/stage4_quit.rs`.
    pub label: &'a str,
    /// The program.
    pub text: &'a str,
}

/// How many lines a diff adds and removes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stat {
    /// Lines only in the new source.
    pub added: usize,
    /// Lines only in the old source.
    pub removed: usize,
}

/// `text` without its leading module doc (the `//!` lines and the blank lines after
/// them), and how many lines that was.
fn body(text: &str) -> (usize, &str) {
    let mut skipped = 0;
    let mut offset = 0;
    let mut in_doc = false;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_end();
        if trimmed.starts_with("//!") {
            in_doc = true;
        } else if !(in_doc && trimmed.is_empty()) {
            break;
        }
        skipped += 1;
        offset += line.len();
    }
    (skipped, &text[offset..])
}

/// ANSI styles of a coloured diff.
const RESET: &str = "\x1b[0m";
const BOLD: &str = "\x1b[1m";
const CYAN: &str = "\x1b[36m";
const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
/// The changed words inside a changed line: reverse video, in the line's colour.
const EMPHASIS: &str = "\x1b[7m";

/// The unified diff from `old` to `new` (without their module docs), with `---`/`+++`
/// lines naming them; coloured with ANSI escapes when `color`, the changed words of a
/// changed line highlighted. Empty when the two are the same.
pub fn unified(old: Source<'_>, new: Source<'_>, color: bool) -> String {
    let (old_skip, old_body) = body(old.text);
    let (new_skip, new_body) = body(new.text);
    let diff = TextDiff::from_lines(old_body, new_body);
    let groups = diff.grouped_ops(CONTEXT);
    let mut out = String::new();
    if groups.is_empty() {
        return out;
    }
    let (bold, cyan, red, green, reset) = if color {
        (BOLD, CYAN, RED, GREEN, RESET)
    } else {
        ("", "", "", "", "")
    };
    let _ = writeln!(out, "{bold}--- {}{reset}", old.label);
    let _ = writeln!(out, "{bold}+++ {}{reset}", new.label);
    for group in &groups {
        let _ = writeln!(
            out,
            "{cyan}@@ -{} +{} @@{reset}",
            range(group, old_skip, |op| op.old_range()),
            range(group, new_skip, |op| op.new_range())
        );
        for op in group {
            for change in diff.iter_inline_changes(op) {
                let (sign, colour) = match change.tag() {
                    ChangeTag::Equal => (' ', ""),
                    ChangeTag::Delete => ('-', red),
                    ChangeTag::Insert => ('+', green),
                };
                out.push_str(colour);
                out.push(sign);
                for (emphasized, part) in change.iter_strings_lossy() {
                    let part = part.trim_end_matches('\n');
                    if emphasized && color {
                        let _ = write!(out, "{EMPHASIS}{part}{RESET}{colour}");
                    } else {
                        out.push_str(part);
                    }
                }
                if !colour.is_empty() {
                    out.push_str(reset);
                }
                out.push('\n');
                if change.missing_newline() {
                    out.push_str("\\ No newline at end of file\n");
                }
            }
        }
    }
    out
}

/// A hunk's range on one side, as `diff -u` writes it: `12,6` (first line, count), with
/// the lines of the skipped module doc added back.
fn range(
    group: &[DiffOp],
    skipped: usize,
    side: impl Fn(&DiffOp) -> std::ops::Range<usize>,
) -> String {
    let start = side(&group[0]).start;
    let end = side(group.last().expect("a hunk has operations")).end;
    let len = end - start;
    // An empty range names the line before it, as in diff -u.
    let first = if len == 0 { start } else { start + 1 } + skipped;
    if len == 1 {
        format!("{first}")
    } else {
        format!("{first},{len}")
    }
}

/// A stage page's "what changed since the previous stage": the diff of the Python files,
/// then that of the Rust files folded under `summary` (a `<details>` block, which a
/// reader opens); with no Python diff, the Rust one alone.
pub fn page_section(python: Option<&str>, rust: &str, summary: &str) -> String {
    match python {
        Some(python) => format!(
            "```diff\n{python}```\n\n<details>\n<summary>{summary}</summary>\n\n\
             ```diff\n{rust}```\n\n</details>"
        ),
        None => format!("```diff\n{rust}```"),
    }
}

/// How many lines the diff from `old` to `new` adds and removes (module docs left out).
pub fn stat(old: Source<'_>, new: Source<'_>) -> Stat {
    let diff = TextDiff::from_lines(body(old.text).1, body(new.text).1);
    let mut stat = Stat {
        added: 0,
        removed: 0,
    };
    for change in diff.iter_all_changes() {
        match change.tag() {
            ChangeTag::Insert => stat.added += 1,
            ChangeTag::Delete => stat.removed += 1,
            ChangeTag::Equal => {}
        }
    }
    stat
}

/// `--stat`'s bar: one `+` per added line and one `-` per removed one, scaled down to at
/// most `width` characters in all, as `git diff --stat` draws it.
pub fn bar(stat: Stat, width: usize) -> String {
    let total = stat.added + stat.removed;
    let (plus, minus) = if total <= width {
        (stat.added, stat.removed)
    } else {
        let plus = (stat.added * width).div_ceil(total);
        (plus, width - plus)
    };
    format!("{}{}", "+".repeat(plus), "-".repeat(minus))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(text: &str) -> Source<'_> {
        Source {
            label: "x.rs",
            text,
        }
    }

    #[test]
    fn the_module_doc_is_left_out_and_line_numbers_count_it() {
        let old = "//! Stage 4\n//! about 4\n\nfn a() {}\nfn b() {}\n";
        let new = "//! Stage 5, with a longer doc\n\nfn a() {}\nfn c() {}\n";
        let text = unified(source(old), source(new), false);
        assert!(!text.contains("//!"), "{text}");
        assert!(text.contains("@@ -4,2 +3,2 @@"), "{text}");
        assert!(text.contains("-fn b() {}\n+fn c() {}\n"), "{text}");
    }

    #[test]
    fn the_same_text_gives_no_diff() {
        let text = "//! doc\nfn a() {}\n";
        assert_eq!(unified(source(text), source(text), true), "");
        assert_eq!(
            stat(source(text), source(text)),
            Stat {
                added: 0,
                removed: 0
            }
        );
    }

    #[test]
    fn colour_only_when_asked() {
        let (old, new) = ("fn a() { 1 }\n", "fn a() { 2 }\n");
        assert!(!unified(source(old), source(new), false).contains('\x1b'));
        let coloured = unified(source(old), source(new), true);
        assert!(coloured.contains(RED) && coloured.contains(GREEN));
        assert!(coloured.contains(&format!("{EMPHASIS}2")), "{coloured:?}");
    }

    #[test]
    fn the_bar_scales_down() {
        let stat = Stat {
            added: 30,
            removed: 10,
        };
        assert_eq!(
            bar(stat, 80),
            format!("{}{}", "+".repeat(30), "-".repeat(10))
        );
        assert_eq!(
            bar(stat, 20),
            format!("{}{}", "+".repeat(15), "-".repeat(5))
        );
    }
}
