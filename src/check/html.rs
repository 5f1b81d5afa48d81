//! The class's report as one HTML page, `netlab check ID --class PATTERN --report FILE.html`:
//! what the teacher opens after class, or puts on the projector.
//!
//! One file that needs nothing else: the style and the script are inside it, nothing is
//! loaded from the network, so it opens from a disk, a mail or a course site alike, and
//! still reads with scripts off. On it: what was checked and how; the table, a row per
//! student and a column per scenario, each cell its mark and the notes' tags (a flaw of
//! the notes present, a CPython accident), the notes in full on hover; a click on a heading
//! sorts by it (a student's name, passed, time, or one scenario: who failed it first); a
//! click on a mark opens that scenario's transcript below, where each student's failures
//! are listed folded (`<details>`), the rest folded once more. Every word is the
//! catalogue's, in the class's language; the transcripts, the hints and the notes are what
//! `netlab check` prints for one program.

use super::class::{self, Checked, Classroom, Mark};
use super::report;
use crate::scenario::{Class, Note, Outcome};
use crate::tr;
use std::fmt::Write;

/// The page's style, kept beside this file so that it reads as CSS.
const STYLE: &str = include_str!("class_page.css");
/// The page's script: sorting, and a mark opening its transcript.
const SCRIPT: &str = include_str!("class_page.js");

/// The whole page.
pub(crate) fn page(classroom: &Classroom) -> String {
    let args = classroom.args;
    let subject = args.subject;
    let title = tr!("class-html-title", id = subject.id);
    let lang = match crate::lang::current().code() {
        "zh" => "zh-CN",
        code => code,
    };
    let passed = classroom.students.iter().filter(|c| c.passed()).count();
    let all = passed == classroom.students.len();
    let mut page = String::new();
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"netlab {version}\">\n<title>{title}</title>\n\
         <style>\n{STYLE}</style>\n</head>\n<body>\n<header>\n<h1>{title}</h1>\n\
         <p class=\"subject\">{subject_name} · {subject_title}</p>\n<dl class=\"facts\">\n",
        version = env!("CARGO_PKG_VERSION"),
        title = escape(&title),
        subject_name = escape(&subject.name()),
        subject_title = escape(subject.text().title),
    );
    let facts = [
        (
            tr!("class-html-command"),
            format!("<code>{}</code>", escape(&args.command.join(" "))),
        ),
        (
            tr!("class-html-programs"),
            format!(
                "<code>{}</code> · {}",
                escape(classroom.pattern),
                escape(&tr!(
                    "class-html-count",
                    students = classroom.students.len(),
                    scenarios = classroom.items.len()
                ))
            ),
        ),
        (
            tr!("class-html-when"),
            escape(&tr!(
                "class-html-when-text",
                date = classroom.started.format("%Y-%m-%d %H:%M").to_string(),
                seconds = format!("{:.1}", classroom.elapsed.as_secs_f64()),
                jobs = classroom.jobs
            )),
        ),
        (
            tr!("class-html-judged"),
            escape(&if args.strict {
                tr!("class-judged-strict")
            } else {
                tr!("class-judged")
            }),
        ),
    ];
    for (term, value) in facts {
        let _ = writeln!(page, "<dt>{}</dt><dd>{value}</dd>", escape(&term));
    }
    let _ = write!(
        page,
        "</dl>\n<p class=\"summary {}\">{}</p>\n</header>\n<main>\n",
        if all { "all-passed" } else { "some-failed" },
        escape(&tr!(
            "class-html-summary",
            passed = passed,
            students = classroom.students.len()
        ))
    );
    legend(&mut page);
    table(&mut page, classroom);
    for (row, checked) in classroom.students.iter().enumerate() {
        student(&mut page, classroom, row, checked);
    }
    let _ = write!(
        page,
        "</main>\n<footer>{}</footer>\n<script>\n{SCRIPT}</script>\n</body>\n</html>\n",
        escape(&tr!("class-html-footer"))
    );
    page
}

/// What the marks and the tags mean, and how to use the table.
fn legend(page: &mut String) {
    page.push_str("<div class=\"legend\">\n<p>");
    for mark in Mark::ALL {
        let _ = write!(
            page,
            "<span class=\"key\"><span class=\"swatch m-{}\">{}</span> {}</span> ",
            mark.id(),
            mark.symbol(),
            escape(&mark.word())
        );
    }
    page.push_str("</p>\n<p>");
    for tag in [Tag::Flaw, Tag::Python] {
        let _ = write!(
            page,
            "<span class=\"key\"><span class=\"tag {}\">{}</span> {}</span> ",
            tag.id(),
            escape(&tag.word()),
            escape(&tag.meaning())
        );
    }
    let _ = write!(
        page,
        "</p>\n<p class=\"how\">{}</p>\n</div>\n",
        escape(&tr!("class-html-how"))
    );
}

/// The table: a row per student, a column per scenario.
fn table(page: &mut String, classroom: &Classroom) {
    page.push_str("<div class=\"scroll\">\n<table id=\"class\">\n<thead>\n<tr>");
    let _ = write!(
        page,
        "<th scope=\"col\" class=\"name\" data-sort=\"text\" aria-sort=\"ascending\">\
         <button type=\"button\">{}</button></th>",
        escape(&tr!("class-column-student"))
    );
    for word in [tr!("class-column-passed"), tr!("class-column-time")] {
        let _ = write!(
            page,
            "<th scope=\"col\" class=\"number\" data-sort=\"number\">\
             <button type=\"button\">{}</button></th>",
            escape(&word)
        );
    }
    for (i, item) in classroom.items.iter().enumerate() {
        let _ = write!(
            page,
            "<th scope=\"col\" class=\"scenario\" data-sort=\"number\" title=\"{}\">\
             <button type=\"button\"><span>{} {}</span></button></th>",
            escape(&format!(
                "{} {}: {}",
                i + 1,
                item.name(),
                class::shows(*item)
            )),
            i + 1,
            escape(item.name())
        );
    }
    page.push_str("</tr>\n</thead>\n<tbody>\n");
    let n = classroom.items.len();
    for (row, checked) in classroom.students.iter().enumerate() {
        let name = &checked.student.name;
        let _ = write!(
            page,
            "<tr class=\"{}\"><th scope=\"row\" data-key=\"{}\"><a href=\"#s-{row}\">{}</a></th>\
             <td class=\"number\" data-key=\"{}\">{}/{n}</td>\
             <td class=\"number\" data-key=\"{:.3}\">{}</td>",
            if checked.passed() { "passed" } else { "failed" },
            escape(name),
            escape(name),
            checked.passed_count(),
            checked.passed_count(),
            checked.elapsed.as_secs_f64(),
            escape(&class::seconds(checked.elapsed)),
        );
        for (col, ((_, outcome), mark)) in checked
            .graded
            .outcomes
            .iter()
            .zip(checked.marks())
            .enumerate()
        {
            cell(page, classroom, row, col, outcome.as_ref(), mark);
        }
        page.push_str("</tr>\n");
    }
    page.push_str("</tbody>\n</table>\n</div>\n");
}

/// One student's mark for one scenario, with the notes' tags; a link to its transcript.
fn cell(
    page: &mut String,
    classroom: &Classroom,
    row: usize,
    col: usize,
    outcome: Option<&Outcome>,
    mark: Mark,
) {
    let mut title = vec![mark.word()];
    let mut tags = String::new();
    if let Some(outcome) = outcome {
        if let Some(f) = &outcome.failure {
            title[0] = tr!("class-html-failed-at", step = f.step);
        }
        for note in &outcome.notes {
            title.push(classroom.report.note(outcome.name, note, true));
        }
        let mut shown = Vec::new();
        for tag in outcome.notes.iter().filter_map(Tag::of) {
            if !shown.contains(&tag) {
                shown.push(tag);
                let _ = write!(
                    tags,
                    "<span class=\"tag {}\">{}</span>",
                    tag.id(),
                    escape(&tag.word())
                );
            }
        }
    }
    // A scenario that ran has its transcript; one the program could not start for has
    // the student's explanation.
    let target = match (outcome, mark) {
        (Some(_), _) => Some(format!("t-{row}-{col}")),
        (None, Mark::NotStarted) => Some(format!("s-{row}")),
        (None, _) => None,
    };
    let symbol = match target {
        Some(id) => format!("<a href=\"#{id}\">{}</a>", mark.symbol()),
        None => mark.symbol().to_string(),
    };
    let _ = write!(
        page,
        "<td class=\"mark m-{}\" data-key=\"{}\" title=\"{}\">{symbol}{tags}</td>",
        mark.id(),
        mark.rank(),
        escape(&title.join("\n"))
    );
}

/// One student's section: their program, why it could not be checked if it could not,
/// each failure's transcript folded, then the other scenarios' folded together.
fn student(page: &mut String, classroom: &Classroom, row: usize, checked: &Checked) {
    let n = classroom.items.len();
    let verdict = if checked.passed() {
        ("passed", tr!("class-html-student-passed"))
    } else {
        ("failed", tr!("class-html-student-failed"))
    };
    let _ = write!(
        page,
        "<section class=\"student\" id=\"s-{row}\">\n<h2>{} <span class=\"verdict {}\">{}</span></h2>\n\
         <p class=\"file\"><code>{}</code> · {}/{n} · {}</p>\n",
        escape(&checked.student.name),
        verdict.0,
        escape(&verdict.1),
        escape(&checked.student.file.display().to_string()),
        checked.passed_count(),
        escape(&class::seconds(checked.elapsed)),
    );
    if let Some(why) = &checked.graded.not_started {
        let _ = write!(
            page,
            "<div class=\"not-started\">\n<p><strong>{}</strong>: {}</p>\n",
            escape(&tr!("class-mark-not-started")),
            escape(&why.message)
        );
        if !why.output.is_empty() {
            let _ = writeln!(page, "<pre>{}</pre>", escape(&why.output.join("\n")));
        }
        if let Some(hint) = &why.hint {
            let _ = writeln!(page, "<p>{}</p>", escape(&tr!("class-hint", hint = hint)));
        }
        page.push_str("</div>\n");
    }
    let marks = checked.marks();
    let mut others = String::new();
    let mut other_count = 0;
    for (col, ((item, outcome), mark)) in checked.graded.outcomes.iter().zip(&marks).enumerate() {
        let Some(outcome) = outcome else {
            continue;
        };
        let summary = match &outcome.failure {
            Some(f) => tr!(
                "class-html-failure",
                number = col + 1,
                scenario = item.name(),
                step = f.step,
                why = class::failure_line(f)
            ),
            None => format!("{} {}", col + 1, item.name()),
        };
        let transcript = report::full(
            outcome,
            &classroom.report.headline(outcome),
            &classroom.report.notes_text(outcome),
        );
        let details = format!(
            "<details id=\"t-{row}-{col}\" class=\"m-{}\"><summary><span class=\"swatch m-{}\">{}</span> {}</summary>\n<pre>{}</pre>\n</details>\n",
            mark.id(),
            mark.id(),
            mark.symbol(),
            escape(&summary),
            escape(transcript.trim_end())
        );
        if *mark == Mark::Failed {
            page.push_str(&details);
        } else {
            other_count += 1;
            others.push_str(&details);
        }
    }
    if other_count > 0 {
        let _ = write!(
            page,
            "<details class=\"others\"><summary>{}</summary>\n{others}</details>\n",
            escape(&tr!("class-html-others", n = other_count))
        );
    }
    page.push_str("</section>\n");
}

/// A tag in a cell: what the notes say of a scenario that a teacher wants to see at a
/// glance. A flaw or an accident the program does not have is no tag (the notes say so
/// on hover and in the transcript).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Tag {
    /// A flaw the notes keep, present in this program too.
    Flaw,
    /// What CPython does by accident, present; or the contract, broken the way CPython
    /// breaks it.
    Python,
}

impl Tag {
    fn of(note: &Note) -> Option<Tag> {
        match (note.class, &note.absent) {
            (Class::Flaw, None) => Some(Tag::Flaw),
            (Class::Accident(_), None) | (Class::ContractButCPython(_), _) => Some(Tag::Python),
            _ => None,
        }
    }

    fn id(self) -> &'static str {
        match self {
            Tag::Flaw => "flaw",
            Tag::Python => "python",
        }
    }

    fn word(self) -> String {
        match self {
            Tag::Flaw => tr!("class-html-tag-flaw"),
            Tag::Python => tr!("class-html-tag-python"),
        }
    }

    fn meaning(self) -> String {
        match self {
            Tag::Flaw => tr!("class-html-tag-flaw-meaning"),
            Tag::Python => tr!("class-html-tag-python-meaning"),
        }
    }
}

/// `text` safe inside an element or a quoted attribute.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' => out.push_str("&#10;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_cannot_open_an_element_or_close_an_attribute() {
        assert_eq!(
            escape("<script>\"a\" & 'b'"),
            "&lt;script&gt;&quot;a&quot; &amp; &#39;b&#39;"
        );
    }

    #[test]
    fn the_page_loads_nothing_from_the_network() {
        for asset in [STYLE, SCRIPT] {
            for needle in [
                "http:",
                "https:",
                "@import",
                "url(",
                "fetch(",
                "XMLHttpRequest",
            ] {
                assert!(!asset.contains(needle), "{needle}");
            }
        }
    }
}
