//! A page of `docs/` laid out for a terminal: what `netlab explain N` shows there.
//!
//! The pages are Markdown written for a browser (GitHub shows them) and for a pipe (the
//! tests read them as they are). On a terminal, netlab lays them out as `man` or `git
//! help` would: headings in bold and underlined, paragraphs joined again and wrapped to
//! the terminal's width (by terminal columns: a Chinese character takes two), code
//! blocks indented and set apart, tables in aligned columns, links as the command that
//! shows the page they point to. Only what the pages use is handled; anything else is
//! shown as it is written.
//!
//! [`first_screen`] is the opening that every stage page keeps within a projector's
//! screen (`netlab explain 3 --brief`): what the stage adds, the flaw it keeps, and the
//! commands to see it.

use crate::text::{columns, left, lines, push_row};
use crate::tr;

/// How the page is drawn: ANSI styles (bold, underline, colour), or plain text under
/// `NO_COLOR`.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    /// Whether to use colours and bold; without, code keeps its backquotes.
    pub colour: bool,
}

impl Style {
    fn paint(self, codes: &str, text: &str) -> String {
        if self.colour && !text.is_empty() {
            format!("\x1b[{codes}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
}

/// The page's opening, as written: up to the end of its first code block (the commands
/// to try), or up to its first section (`## `) if that comes first.
pub fn first_screen(page: &str) -> String {
    let mut out = String::new();
    let mut in_code = false;
    for line in page.lines() {
        if !in_code && line.starts_with("## ") {
            break;
        }
        out.push_str(line);
        out.push('\n');
        if line.starts_with("```") {
            if in_code {
                break;
            }
            in_code = true;
        }
    }
    out
}

/// `page` laid out for a terminal `width` columns wide.
pub fn render(page: &str, width: usize, style: Style) -> String {
    let mut out = String::new();
    let all: Vec<&str> = page.lines().collect();
    let mut i = 0;
    // A blank line between blocks, never two.
    let blank = |out: &mut String| {
        if !out.is_empty() && !out.ends_with("\n\n") {
            out.push('\n');
        }
    };
    while i < all.len() {
        let line = all[i];
        let trimmed = line.trim_start();
        if trimmed.is_empty() {
            blank(&mut out);
            i += 1;
        } else if let Some(language) = trimmed.strip_prefix("```") {
            blank(&mut out);
            i += 1;
            while i < all.len() && !all[i].trim_start().starts_with("```") {
                // A diff in git's colours; any other code in one colour.
                let colour = match (language, all[i].chars().next()) {
                    ("diff", Some('+')) => "32",
                    ("diff", Some('-')) => "31",
                    ("diff", Some('@')) => "36",
                    ("diff", _) => "0",
                    _ => "36",
                };
                out.push_str(&style.paint(colour, &format!("    {}", all[i])));
                out.push('\n');
                i += 1;
            }
            i += 1;
            out.push('\n');
        } else if let Some((level, title)) = heading(line) {
            blank(&mut out);
            let title = inline(title, style);
            out.push_str(&style.paint("1", &title));
            out.push('\n');
            if level <= 2 {
                let rule = if level == 1 { "═" } else { "─" };
                let shown = columns(&strip_ansi(&title)).min(width);
                out.push_str(&rule.repeat(shown));
                out.push('\n');
            }
            out.push('\n');
            i += 1;
        } else if trimmed.starts_with("<!--") {
            while i < all.len() && !all[i].contains("-->") {
                i += 1;
            }
            i += 1;
        } else if let Some(summary) = trimmed
            .strip_prefix("<summary>")
            .and_then(|s| s.strip_suffix("</summary>"))
        {
            blank(&mut out);
            out.push_str(&style.paint("1", &format!("▸ {}", inline(summary, style))));
            out.push_str("\n\n");
            i += 1;
        } else if trimmed.starts_with('<') && trimmed.ends_with('>') {
            // <details>, </details>: folding is a browser's; the text shows whole.
            i += 1;
        } else if trimmed.starts_with('|') {
            let mut rows = Vec::new();
            while i < all.len() && all[i].trim_start().starts_with('|') {
                rows.push(all[i].trim());
                i += 1;
            }
            blank(&mut out);
            out.push_str(&table(&rows, width, style));
            out.push('\n');
        } else if trimmed == "---" || trimmed == "***" {
            blank(&mut out);
            out.push_str(&"─".repeat(width.min(40)));
            out.push_str("\n\n");
            i += 1;
        } else {
            // A paragraph, a list item or a quotation: its lines until a blank line or
            // another block.
            let indent = line.len() - trimmed.len();
            let (first, rest, body) = if let Some(item) = trimmed.strip_prefix("- ") {
                (
                    format!("{}  • ", " ".repeat(indent)),
                    " ".repeat(indent + 4),
                    item,
                )
            } else if let Some(quoted) = trimmed.strip_prefix("> ") {
                ("  │ ".to_string(), "  │ ".to_string(), quoted)
            } else if let Some((number, item)) = numbered(trimmed) {
                let first = format!("{}  {number}. ", " ".repeat(indent));
                let rest = " ".repeat(columns(&first));
                (first, rest, item)
            } else {
                (" ".repeat(indent), " ".repeat(indent), trimmed)
            };
            let mut text = body.to_string();
            i += 1;
            while i < all.len() && continues(all[i]) {
                let next = all[i].trim();
                push_row(&mut text, next.strip_prefix("> ").unwrap_or(next));
                i += 1;
            }
            out.push_str(&paragraph(&text, &first, &rest, width, style));
            // The items of one list follow each other; anything else ends with a blank.
            let item = !first.trim().is_empty();
            if !(item && i < all.len() && continues_list(all[i])) {
                blank(&mut out);
            }
        }
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// `## Title`: its level and title.
fn heading(line: &str) -> Option<(usize, &str)> {
    let level = line.chars().take_while(|c| *c == '#').count();
    (1..=6)
        .contains(&level)
        .then(|| line[level..].strip_prefix(' '))
        .flatten()
        .map(|title| (level, title.trim()))
}

/// `3. text`: the number and the text.
fn numbered(line: &str) -> Option<(&str, &str)> {
    let (number, rest) = line.split_once(". ")?;
    (!number.is_empty() && number.chars().all(|c| c.is_ascii_digit())).then_some((number, rest))
}

/// Whether `line` continues the paragraph above (it is not blank and starts no block).
fn continues(line: &str) -> bool {
    let t = line.trim_start();
    !(t.is_empty()
        || t.starts_with("```")
        || t.starts_with("- ")
        || t.starts_with('|')
        || t.starts_with('<')
        || heading(line).is_some()
        || numbered(t).is_some())
}

/// Whether `line` is the next item of the same list (no blank line between items).
fn continues_list(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with("- ") || numbered(t).is_some()
}

/// A paragraph wrapped to `width`, its first row after `first`, the others after `rest`,
/// with its inline code and emphasis styled.
fn paragraph(text: &str, first: &str, rest: &str, width: usize, style: Style) -> String {
    // Links and emphasis first, so that the wrapping measures what is shown; code keeps
    // its backquotes meanwhile, so that a command stays on one row.
    let (text, bold) = emphasis(&links(text));
    let first_room = width.saturating_sub(columns(first)).max(20);
    let rest_room = width.saturating_sub(columns(rest)).max(20);
    let mut out = String::new();
    for (n, row) in lines(&text, first_room, rest_room).iter().enumerate() {
        out.push_str(if n == 0 { first } else { rest });
        let mut row = code(row, style);
        for phrase in &bold {
            if let Some(at) = row.find(phrase.as_str()) {
                let painted = style.paint("1", phrase);
                row.replace_range(at..at + phrase.len(), &painted);
            }
        }
        out.push_str(&row);
        out.push('\n');
    }
    out
}

/// A heading's or a summary's text, styled: code and links, no emphasis markers.
fn inline(text: &str, style: Style) -> String {
    code(&emphasis(&links(text)).0, style)
}

/// `text` without its `**` markers, and the phrases they marked.
fn emphasis(text: &str) -> (String, Vec<String>) {
    let mut plain = String::new();
    let mut bold = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find("**") {
        let after = &rest[open + 2..];
        let Some(close) = after.find("**") else {
            break;
        };
        plain.push_str(&rest[..open]);
        plain.push_str(&after[..close]);
        if !after[..close].trim().is_empty() {
            bold.push(after[..close].to_string());
        }
        rest = &after[close + 2..];
    }
    plain.push_str(rest);
    (plain, bold)
}

/// `[text](page.md)` as `text (netlab explain page)`, `[text](https://...)` as `text
/// <https://...>`: what a reader at a terminal can follow.
fn links(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        let after = &rest[open + 1..];
        let parsed = after.find("](").and_then(|mid| {
            let target_start = mid + 2;
            after[target_start..].find(')').map(|end| {
                (
                    &after[..mid],
                    &after[target_start..target_start + end],
                    target_start + end + 1,
                )
            })
        });
        let Some((label, target, used)) = parsed else {
            out.push_str(&rest[..open + 1]);
            rest = after;
            continue;
        };
        out.push_str(&rest[..open]);
        let page = target.split('#').next().unwrap_or("").strip_suffix(".md");
        let shown = match page.and_then(|p| crate::docs::find(p.rsplit('/').next().unwrap_or(p))) {
            Some(found) => tr!(
                "explain-link-page",
                text = label,
                command = format!("`netlab explain {}`", found.name)
            ),
            None => tr!("explain-link-url", text = label, url = target),
        };
        out.push_str(&shown);
        rest = &after[used..];
    }
    out.push_str(rest);
    out
}

/// Inline code spans (`` `x` ``) styled: coloured without their backquotes, or as they
/// are without colour.
fn code(row: &str, style: Style) -> String {
    if !style.colour {
        return row.to_string();
    }
    let mut out = String::new();
    let mut parts = row.split('`');
    if let Some(first) = parts.next() {
        out.push_str(first);
    }
    for (n, part) in parts.enumerate() {
        if n % 2 == 0 {
            out.push_str(&style.paint("36", part));
        } else {
            out.push_str(part);
        }
    }
    out
}

/// `text` without ANSI styles: what takes columns.
fn strip_ansi(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A Markdown table in aligned columns, the header in bold and ruled; a cell too wide
/// for the terminal is wrapped within its column (the widest columns give way first).
fn table(rows: &[&str], width: usize, style: Style) -> String {
    let cells: Vec<Vec<String>> = rows
        .iter()
        .filter(|r| !r.trim_matches(|c| "|-: ".contains(c)).is_empty())
        .map(|r| {
            r.trim_matches('|')
                .split('|')
                .map(|c| {
                    let (text, _) = emphasis(&links(c.trim()));
                    text
                })
                .collect()
        })
        .collect();
    let count = cells.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths: Vec<usize> = (0..count)
        .map(|i| {
            cells
                .iter()
                .filter_map(|r| r.get(i))
                .map(|c| columns(c))
                .max()
                .unwrap_or(0)
        })
        .collect();
    // Two columns between cells; shrink the widest column until the table fits.
    let room = width.saturating_sub(2 + 2 * count.saturating_sub(1));
    while widths.iter().sum::<usize>() > room {
        let (widest, w) = widths
            .iter()
            .copied()
            .enumerate()
            .max_by_key(|(_, w)| *w)
            .unwrap_or((0, 0));
        if w <= 12 {
            break;
        }
        widths[widest] = w - 1;
    }
    let mut out = String::new();
    for (n, row) in cells.iter().enumerate() {
        let wrapped: Vec<Vec<String>> = (0..count)
            .map(|i| {
                let cell = row.get(i).map_or("", String::as_str);
                lines(cell, widths[i], widths[i])
            })
            .collect();
        let height = wrapped.iter().map(Vec::len).max().unwrap_or(1);
        for k in 0..height {
            let mut line = "  ".to_string();
            for (i, cell) in wrapped.iter().enumerate() {
                let piece = cell.get(k).map_or("", String::as_str);
                let shown = code(&left(piece, widths[i]), style);
                line.push_str(&if n == 0 {
                    style.paint("1", &shown)
                } else {
                    shown
                });
                if i + 1 < count {
                    line.push_str("  ");
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        if n == 0 {
            let total: usize = widths.iter().sum::<usize>() + 2 * count.saturating_sub(1);
            out.push_str(&format!("  {}\n", "─".repeat(total)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLAIN: Style = Style { colour: false };

    const PAGE: &str = "# 第 3 阶段 · 标题\n\n**这一阶段加了什么。** 一个停下来的办法：accept 和 recv 两个循环都检查的\n`threading.Event`；客户端\n什么也察觉不到。\n\n```sh\nnetlab stage 3            # terminal 1\n```\n\n更多说明。\n\n## 一次演示\n\n- 第一项，见[练习](exercises.md)\n- 第二项\n\n| 列 | 含义 |\n|---|---|\n| lost | 到运行结束仍未完好送达的次数。 |\n";

    #[test]
    fn the_first_screen_ends_with_the_commands() {
        let brief = first_screen(PAGE);
        assert!(
            brief.ends_with("netlab stage 3            # terminal 1\n```\n"),
            "{brief}"
        );
        assert!(!brief.contains("更多说明"));
    }

    #[test]
    fn paragraphs_join_and_wrap_without_stray_spaces() {
        let out = render(PAGE, 40, PLAIN);
        assert!(out.contains("第 3 阶段 · 标题\n════"), "{out}");
        assert!(!out.contains("**"), "{out}");
        let joined: String = out.lines().collect();
        assert!(joined.contains("客户端什么也察觉不到"), "{out}");
        for line in out.lines() {
            assert!(columns(line) <= 40 || line.starts_with("    "), "{line:?}");
        }
        // A code block is indented as it is, not wrapped.
        assert!(
            out.contains("\n    netlab stage 3            # terminal 1\n"),
            "{out}"
        );
    }

    #[test]
    fn lists_tables_and_links_read_at_a_terminal() {
        let out = render(PAGE, 60, PLAIN);
        assert!(out.contains("  • 第一项"), "{out}");
        assert!(out.contains("`netlab explain exercises`"), "{out}");
        let header = out.lines().find(|l| l.contains("含义")).unwrap();
        let row = out.lines().find(|l| l.contains("lost")).unwrap();
        let column = |line: &str, what: &str| columns(&line[..line.find(what).unwrap()]);
        assert_eq!(column(header, "含义"), column(row, "到运行"), "{out}");
    }

    #[test]
    fn colour_paints_code_and_bold() {
        let out = render(PAGE, 80, Style { colour: true });
        assert!(out.contains("\x1b[1m这一阶段加了什么。\x1b[0m"), "{out:?}");
        assert!(out.contains("\x1b[36mthreading.Event\x1b[0m"), "{out:?}");
    }
}
