//! Text laid out for a terminal, by terminal columns: one module for every wrapped
//! paragraph, cut cell and aligned table netlab prints (the quit report, the demos'
//! explanations, `netlab ports`, the live view, the bench's tables).
//!
//! Columns are not characters: a Chinese character (and a full-width mark such as `，`)
//! takes two columns (`unicode-width`). Chinese is written without spaces, so a line may
//! break between two Chinese characters, never before a closing punctuation mark; text
//! in backquotes (a command to copy) stays on one line. Nothing here asks which language
//! a text is in: the characters say it.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// The width prose is wrapped to when nothing better is known (output to a pipe or a
/// file: tests and scripts get the same lines on every machine).
pub(crate) const WIDTH: usize = 88;

/// The widest a paragraph is wrapped on a wide terminal: longer lines are hard to read.
const WIDEST: usize = 100;

/// How many terminal columns `text` takes.
pub fn columns(text: &str) -> usize {
    UnicodeWidthStr::width(text)
}

/// The width to wrap prose for standard output: the terminal's (at most [`WIDEST`]), or
/// [`WIDTH`] when it is not a terminal.
pub fn width() -> usize {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() {
        return WIDTH;
    }
    match ratatui::crossterm::terminal::size() {
        Ok((cols, _)) if cols >= 40 => (cols as usize).min(WIDEST),
        _ => WIDTH,
    }
}

/// `text` in lines of at most [`width`] columns, the first starting with `first`, the
/// others with `rest`; each line ends in `\n`.
pub fn wrap(text: &str, first: &str, rest: &str) -> String {
    wrap_to(text, first, rest, width())
}

/// [`wrap`] to exactly `max` columns.
pub fn wrap_to(text: &str, first: &str, rest: &str, max: usize) -> String {
    let mut out = String::new();
    let first_room = max.saturating_sub(columns(first)).max(10);
    let rest_room = max.saturating_sub(columns(rest)).max(10);
    for (i, line) in lines(text, first_room, rest_room).iter().enumerate() {
        out.push_str(if i == 0 { first } else { rest });
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// How far back (in columns) a row of Chinese may end early, after a `，` or `；`, rather
/// than between two characters of a word: `可立 / 即终止` reads badly, `，/ 可立即终止` well.
const PUNCTUATION_REACH: usize = 12;

/// `text` in rows of at most `max` columns (the first may be narrower, `first_max`): the
/// rows of a wrapped paragraph, without indentation. Breaks at spaces, between Chinese
/// characters (after a Chinese punctuation mark when one is near the end of the row),
/// and never inside backquotes; a word longer than a row is cut.
pub fn lines(text: &str, first_max: usize, max: usize) -> Vec<String> {
    let mut rows = Vec::new();
    let mut row = String::new();
    let room = |rows: &Vec<String>| if rows.is_empty() { first_max } else { max };
    for (space, piece) in pieces(text) {
        let need = columns(piece) + usize::from(space && !row.is_empty());
        if !row.is_empty() && columns(&row) + need > room(&rows) {
            let carried = early_break(&mut row, piece, room(&rows));
            rows.push(std::mem::take(&mut row));
            row = carried;
        }
        if space && !row.is_empty() {
            row.push(' ');
        }
        if columns(piece) > room(&rows) {
            // Longer than any row: cut where the row ends.
            for c in piece.chars() {
                let w = c.width().unwrap_or(0);
                if !row.is_empty() && columns(&row) + w > room(&rows) {
                    rows.push(std::mem::take(&mut row));
                }
                row.push(c);
            }
        } else {
            row.push_str(piece);
        }
    }
    if !row.is_empty() || rows.is_empty() {
        rows.push(row);
    }
    rows
}

/// When a Chinese row must break before `next` (itself Chinese), and within the row's
/// last [`PUNCTUATION_REACH`] columns a `，；：。、` ends a piece or a space separates two:
/// the row is cut there and what followed is returned, to start the next row (`按 Ctrl-C
/// 可立` / `即终止` becomes `按 Ctrl-C` / `可立即终止`). Otherwise nothing moves; nor in
/// rows too narrow (`room`) to spare the columns, nor across a backquoted command.
fn early_break(row: &mut String, next: &str, room: usize) -> String {
    let wide = |c: Option<char>| c.and_then(UnicodeWidthChar::width).unwrap_or(0) == 2;
    if room < 3 * PUNCTUATION_REACH || !wide(next.chars().next()) || !wide(row.chars().next_back())
    {
        return String::new();
    }
    let marks = "，；：。、！？";
    let mut tail = 0;
    for (at, c) in row.char_indices().rev() {
        if c == '`' {
            break;
        }
        let after = at + c.len_utf8();
        if after < row.len() && (marks.contains(c) || c == ' ') {
            let carried = row[after..].to_string();
            row.truncate(if c == ' ' { at } else { after });
            return carried;
        }
        tail += c.width().unwrap_or(0);
        if tail > PUNCTUATION_REACH {
            break;
        }
    }
    String::new()
}

/// The places a line may break: each piece is a word, a Chinese character with the
/// punctuation that sticks to it (a closing mark to the character before it, an opening
/// one to the character after it), or a backquoted span, whole; with whether the text
/// had a space before it (a space is put back only there).
fn pieces(text: &str) -> Vec<(bool, &str)> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut in_code = false;
    let mut after_wide = false;
    let mut after_opening = false;
    let mut space_before = false;
    for (at, c) in text.char_indices() {
        if c.is_whitespace() && !in_code {
            if let Some(s) = start.take() {
                out.push((std::mem::take(&mut space_before), &text[s..at]));
            }
            space_before = true;
            after_wide = false;
            after_opening = false;
            continue;
        }
        let wide = c.width().unwrap_or(0) == 2;
        let sticks = "，。、；：！？）」』》”’,.;:!?)".contains(c);
        if let Some(s) = start {
            if !in_code && !sticks && !after_opening && (wide || after_wide) {
                out.push((std::mem::take(&mut space_before), &text[s..at]));
                start = None;
            }
        }
        after_opening = !in_code && "（「『《“‘".contains(c);
        if start.is_none() {
            start = Some(at);
        }
        if c == '`' {
            in_code = !in_code;
        }
        after_wide = wide;
    }
    if let Some(s) = start {
        out.push((space_before, &text[s..]));
    }
    keep_numbers_with_their_words(text, out)
}

/// A short number between two Chinese characters (`第 6 阶段`, `共 3 个`) joins them in
/// one piece, so that no row ends with `第 6` or starts with `个`.
fn keep_numbers_with_their_words<'t>(
    text: &'t str,
    pieces: Vec<(bool, &'t str)>,
) -> Vec<(bool, &'t str)> {
    let wide = |c: Option<char>| c.and_then(|c| c.width()).unwrap_or(0) == 2;
    let number = |p: &str| p.len() <= 6 && p.chars().all(|c| c.is_ascii_digit() || c == '.');
    let offset = |piece: &str| piece.as_ptr() as usize - text.as_ptr() as usize;
    let mut out: Vec<(bool, &'t str)> = Vec::with_capacity(pieces.len());
    let mut i = 0;
    while i < pieces.len() {
        let (space, piece) = pieces[i];
        if let (Some(&(before_space, before)), Some(&(after_space, after))) =
            (out.last(), pieces.get(i + 1))
        {
            if space
                && after_space
                && number(piece)
                && wide(before.chars().next_back())
                && wide(after.chars().next())
            {
                out.pop();
                let end = offset(after) + after.len();
                out.push((before_space, &text[offset(before)..end]));
                i += 2;
                continue;
            }
        }
        out.push((space, piece));
        i += 1;
    }
    out
}

/// Appends to `text` the next row of a paragraph that a wrap broke (undoing [`lines`]):
/// with a space between them, unless both sides of the break are wide (Chinese
/// characters or full-width marks), where the wrap broke the line without one: "客户端才"
/// and "会唤醒它" make "客户端才会唤醒它", not "客户端才 会唤醒它".
pub fn push_row(text: &mut String, row: &str) {
    let wide = |c: Option<char>| c.and_then(|c| c.width()).unwrap_or(0) == 2;
    let chinese_break = wide(text.chars().next_back()) && wide(row.chars().next());
    if !text.is_empty() && !chinese_break {
        text.push(' ');
    }
    text.push_str(row);
}

/// Sentences made into one paragraph: a space between two, except after a sentence that
/// ends in a Chinese character or mark (Chinese puts none).
pub fn sentences<S: AsRef<str>>(parts: &[S]) -> String {
    let mut out = String::new();
    for part in parts {
        let part = part.as_ref();
        if let Some(last) = out.chars().last() {
            if last.width().unwrap_or(0) < 2 {
                out.push(' ');
            }
        }
        out.push_str(part);
    }
    out
}

/// Items as a list in a sentence: `a, b, c`, in Chinese `a、b、c`.
pub fn list<S: AsRef<str>>(items: &[S]) -> String {
    let items: Vec<&str> = items.iter().map(AsRef::as_ref).collect();
    items.join(&crate::tr!("list-separator"))
}

/// `text` cut to `max` columns, with `…` when cut.
pub fn cut(text: &str, max: usize) -> String {
    if columns(text) <= max {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > max {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// `text` padded with spaces to `w` columns, on the right.
pub fn left(text: &str, w: usize) -> String {
    format!("{text}{}", " ".repeat(w.saturating_sub(columns(text))))
}

/// `text` right-aligned in `w` columns.
pub fn right(text: &str, w: usize) -> String {
    format!("{}{text}", " ".repeat(w.saturating_sub(columns(text))))
}

/// Rows in left-aligned columns two spaces apart, each line ending in `\n`: the layout of
/// `ss`, shared by `netlab ports`, the demos' tables and the bench's.
pub fn aligned<R: AsRef<[String]>>(rows: &[R]) -> String {
    let mut widths: Vec<usize> = Vec::new();
    for row in rows {
        for (i, cell) in row.as_ref().iter().enumerate() {
            let w = columns(cell);
            match widths.get_mut(i) {
                Some(max) => *max = (*max).max(w),
                None => widths.push(w),
            }
        }
    }
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (cell, w) in row.as_ref().iter().zip(&widths) {
            line.push_str(&left(cell, *w));
            line.push_str("  ");
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_wraps_at_spaces_within_the_width() {
        let text = "one two three four five six seven eight nine ten eleven twelve";
        let out = wrap_to(text, "- ", "  ", 20);
        for line in out.lines() {
            assert!(columns(line) <= 20, "{line:?}");
        }
        assert_eq!(out.split_whitespace().filter(|w| *w != "-").count(), 12);
        assert!(out.starts_with("- one two"));
    }

    #[test]
    fn chinese_wraps_between_characters_with_no_stray_spaces() {
        let text =
            "客户端才会唤醒它，阻塞在套接字调用里的线程永远不会结束，除非另一个客户端发来一行。";
        let out = wrap_to(text, "", "", 20);
        for line in out.lines() {
            assert!(columns(line) <= 20, "{line:?}");
            assert!(
                !line.contains(' '),
                "a space between Chinese characters: {line:?}"
            );
            assert!(
                !line.starts_with('，') && !line.starts_with('。'),
                "{line:?}"
            );
        }
        assert_eq!(out.replace('\n', ""), text);
    }

    #[test]
    fn chinese_breaks_after_a_comma_when_one_is_near() {
        // 40 columns end at 辰, five characters after the comma: the row ends at the comma.
        let text = "甲乙丙丁戊己庚辛壬癸甲乙丙丁，子丑寅卯辰巳午未申酉戌亥";
        let out = wrap_to(text, "", "", 40);
        assert_eq!(
            out,
            "甲乙丙丁戊己庚辛壬癸甲乙丙丁，\n子丑寅卯辰巳午未申酉戌亥\n"
        );
        // A space near the end of the row is a better place than inside a word.
        let spaced =
            "netlab 最多等到 quit 之后 5.0 秒，届时强行终止仍在运行的线程；按 Ctrl-C 可立即终止。";
        let out = wrap_to(spaced, "", "", 77);
        assert!(
            out.starts_with(
                "netlab 最多等到 quit 之后 5.0 秒，届时强行终止仍在运行的线程；按 Ctrl-C\n可立即"
            ),
            "{out}"
        );
        // Too far from the end of the row, a comma changes nothing.
        let far = "甲乙丙丁，戊己庚辛壬癸甲乙丙丁子丑寅卯辰巳午未申酉戌亥";
        assert!(wrap_to(far, "", "", 40).starts_with("甲乙丙丁，戊己庚辛壬癸甲乙丙丁子丑寅卯辰\n"));
    }

    #[test]
    fn a_number_stays_with_the_characters_around_it() {
        let text = "做完之后再看第 6 阶段怎么做，一共 12 个线程";
        for max in 8..30 {
            for row in lines(text, max, max) {
                assert!(
                    !row.ends_with('6') && !row.starts_with("阶段"),
                    "{max}: {row:?}"
                );
                assert!(
                    !row.ends_with("12") && !row.starts_with('个'),
                    "{max}: {row:?}"
                );
            }
        }
        assert_eq!(lines(text, 80, 80).concat(), text);
    }

    #[test]
    fn an_opening_bracket_stays_with_what_it_opens() {
        let text =
            "SO_REUSEADDR 改变不了这一点（1b）；只有 SO_REUSEPORT 能让两个套接字监听同一个端口";
        for max in 20..40 {
            let out = wrap_to(text, "", "", max);
            assert!(out.lines().all(|l| !l.ends_with('（')), "at {max}: {out}");
        }
    }

    #[test]
    fn a_command_after_chinese_may_start_the_next_row() {
        let text = "它们就像笔记的代码那样运行。`netlab ports --all --port 51693` 会显示 TIME-WAIT";
        let out = wrap_to(text, "", "", 40);
        assert!(
            out.starts_with("它们就像笔记的代码那样运行。\n`netlab"),
            "{out}"
        );
    }

    #[test]
    fn a_command_in_backquotes_stays_on_one_line() {
        let text = "to see it again run `netlab demo bind --port 60000` in a second terminal";
        let out = wrap_to(text, "", "", 40);
        assert!(
            out.lines()
                .any(|l| l.contains("`netlab demo bind --port 60000`")),
            "{out}"
        );
    }

    #[test]
    fn mixed_text_keeps_its_spaces() {
        let text = "在 >> 提示符下输入 quit，然后 `netlab ports` 列出 TIME-WAIT 的连接";
        let out = wrap_to(text, "", "", 200);
        assert_eq!(out.trim_end(), text);
    }

    #[test]
    fn tables_align_by_columns_not_chars() {
        let rows = vec![
            vec!["状态".to_string(), "x".to_string()],
            vec!["LISTEN".to_string(), "y".to_string()],
        ];
        let out = aligned(&rows);
        let cols: Vec<usize> = out.lines().map(|l| columns(&l[..l.len() - 1])).collect();
        assert_eq!(cols[0], cols[1], "{out}");
    }

    #[test]
    fn rows_join_again_as_they_were_broken() {
        let text = "客户端才会唤醒它，而 recv() 阻塞在 accept() 里，then English words go on";
        for max in [12, 17, 20, 31] {
            let mut joined = String::new();
            for row in lines(text, max, max) {
                push_row(&mut joined, &row);
            }
            assert_eq!(joined, text, "at {max} columns");
        }
    }

    #[test]
    fn sentences_join_with_a_space_only_after_latin_text() {
        assert_eq!(sentences(&["One.", "Two."]), "One. Two.");
        assert_eq!(sentences(&["第一句。", "第二句。"]), "第一句。第二句。");
    }

    #[test]
    fn cut_marks_what_it_cut() {
        assert_eq!(cut("hello world", 8), "hello w…");
        assert_eq!(cut("你好世界", 5), "你好…");
        assert_eq!(cut("short", 8), "short");
    }
}
