//! Draws one [`Snapshot`] on a ratatui frame. A pure function of the snapshot and the
//! [`Ui`] state (what is typed, paused, the keys overlay): the tests draw on ratatui's
//! `TestBackend` and compare the text with a checked-in screen.
//!
//! The screen, top to bottom (80x24 at least; a larger one gives more rows and, from 92
//! columns, the client's own receive queue):
//!
//! ```text
//!  netlab · stage 7 · full · 127.0.0.1:60000 · up 0:42        ? keys  p pause  q quit
//! ─ threads ───────────────────────────────────────────────────────────────────────
//!  recv 127.0.0.1:51234   in send() to 127.0.0.1:51240        holds lock      12.1s
//! ─ clients dict (3) · self.lock held by recv 127.0.0.1:51234 ──────────────────────
//!  client (key)          socket thread  recv'd    sent  Send-Q  Recv-Q TCP
//! ─ messages and log records ───────────────────────────────────────────────────────
//!  11:55:53 202612/02 11:55:53 127.0.0.1:51234⏎hello⏎
//!  (the quit line, or the paused line)
//!  >> typed text
//! ```
//!
//! Rows keep their order from one frame to the next (threads in the order they started,
//! the dict in insertion order), so nothing jumps on a projector.

use super::labels as L;
use super::snapshot::{Connection, LockState, Snapshot, ThreadFate, ThreadRow, ThreadState};
use crate::py::Call;
use crate::terminal::Kind;
use crate::text::{columns as width, cut, right};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Row, Table};
use ratatui::Frame;
use std::time::Duration;

/// The smallest screen the view lays out: a projector's 80x24.
pub(crate) const MIN: (u16, u16) = (80, 24);

/// From this width on, the dict shows the client's own receive queue too.
const WIDE: u16 = 92;

/// The view's own state, beside the snapshot: what the keys changed.
#[derive(Clone, Debug, Default)]
pub struct Ui {
    /// The console line being typed.
    pub line: String,
    /// `p`: the display is still.
    pub paused: bool,
    /// `?`: the keys overlay.
    pub help: bool,
    /// Colours allowed (not `NO_COLOR`).
    pub colour: bool,
    /// A word for the bottom line in place of the console (set by the keys).
    pub note: Option<String>,
    /// A demo runs, not a stage: the bottom line says how to end it.
    pub demo: bool,
}

/// The styles, or none of their colours under `NO_COLOR` (bold and reverse stay).
struct Styles {
    colour: bool,
}

impl Styles {
    fn fg(&self, c: Color) -> Style {
        if self.colour {
            Style::default().fg(c)
        } else {
            Style::default()
        }
    }
    fn title(&self) -> Style {
        Style::default().add_modifier(Modifier::BOLD)
    }
    fn header(&self) -> Style {
        Style::default().add_modifier(Modifier::REVERSED)
    }
    fn bad(&self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }
    fn stuck(&self) -> Style {
        self.fg(Color::Yellow)
    }
    fn lock(&self) -> Style {
        self.fg(Color::Magenta).add_modifier(Modifier::BOLD)
    }
    fn good(&self) -> Style {
        self.fg(Color::Green)
    }
    fn dim(&self) -> Style {
        if self.colour {
            Style::default().fg(Color::DarkGray)
        } else {
            Style::default().add_modifier(Modifier::DIM)
        }
    }
    fn netlab(&self) -> Style {
        self.fg(Color::Cyan)
    }
}

/// Draws the whole screen.
pub fn draw(frame: &mut Frame<'_>, snap: &Snapshot, ui: &Ui) {
    let area = frame.area();
    let st = Styles { colour: ui.colour };
    if area.width < MIN.0 || area.height < MIN.1 {
        frame.render_widget(
            Paragraph::new(L::too_small(area.width, area.height))
                .wrap(ratatui::widgets::Wrap { trim: true }),
            area,
        );
        return;
    }
    let connections: Vec<&Connection> = snap
        .dict
        .iter()
        .flatten()
        .chain(snap.others.iter())
        .collect();
    // Rows for the three lists: the fixed lines take 7 (header, three titles, the column
    // names, the status line, the console line); the log keeps at least 4.
    let avail = area.height.saturating_sub(7) as usize;
    let cap = avail.saturating_sub(4);
    let want_threads = snap.threads.len().max(1);
    let want_dict = connections.len().max(1);
    let t = want_threads.min(cap - want_dict.min(cap / 2));
    let d = want_dict.min(cap - t);
    let l = avail - t - d;
    let rows = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1 + t as u16),
        Constraint::Length(2 + d as u16),
        Constraint::Length(1 + l as u16),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .split(area);
    header(frame, rows[0], snap, &st);
    threads(frame, rows[1], snap, t, &st);
    dict(frame, rows[2], snap, &connections, d, &st);
    log(frame, rows[3], snap, &st);
    status(frame, rows[4], snap, ui, &st);
    console(frame, rows[5], snap, ui, &st);
    if ui.help {
        help(frame, area, &st);
    }
}

fn header(frame: &mut Frame<'_>, area: Rect, snap: &Snapshot, st: &Styles) {
    let left = format!(
        " netlab · {} · {} · {}",
        snap.title,
        snap.listening,
        L::up(&clock(snap.uptime))
    );
    let mut right = format!("{} ", L::keys_hint());
    if width(&left) + width(&right) + 2 > area.width as usize {
        right = format!("{} ", L::keys_hint_short());
    }
    let pad = (area.width as usize).saturating_sub(width(&left) + width(&right));
    frame.render_widget(
        Paragraph::new(format!("{left}{}{right}", " ".repeat(pad))).style(st.header()),
        area,
    );
}

/// A section: a rule with its title on the top line, the content below.
fn section<'a>(title: impl Into<Line<'a>>, st: &Styles) -> Block<'a> {
    Block::default()
        .borders(Borders::TOP)
        .title(title)
        .title_style(st.title())
}

fn threads(frame: &mut Frame<'_>, area: Rect, snap: &Snapshot, fit: usize, st: &Styles) {
    let alive = snap.alive().count();
    let title = format!(" {} ", L::threads(alive, snap.threads.len() - alive));
    // When they do not all fit, the ended threads go first (oldest first), then the rest
    // is cut with "... and N more".
    let mut shown: Vec<&ThreadRow> = snap.threads.iter().collect();
    let mut ended_dropped = 0;
    while shown.len() > fit {
        match shown
            .iter()
            .position(|t| matches!(t.state, ThreadState::Ended | ThreadState::Died(_)))
        {
            Some(i) => {
                shown.remove(i);
                ended_dropped += 1;
            }
            None => break,
        }
    }
    let mut more = ended_dropped;
    if shown.len() > fit {
        more += shown.len() - (fit - 1);
        shown.truncate(fit - 1);
    } else if more > 0 && shown.len() == fit {
        more += 1;
        shown.truncate(fit - 1);
    }
    let rows: Vec<Row> = shown
        .iter()
        .map(|t| {
            let (text, style) = thread_state(t, st);
            Row::new(vec![
                Span::raw(t.name.clone()),
                Span::styled(text, style),
                if t.holds_lock {
                    Span::styled(L::holds_lock(), st.lock())
                } else {
                    Span::raw("")
                },
                Span::raw(right(&seconds(t.since), 6)),
            ])
        })
        .chain((more > 0).then(|| Row::new(vec![Span::styled(L::more(more), st.dim())])))
        .collect();
    // The lock column takes room only while a thread holds the lock.
    let lock_width = if shown.iter().any(|t| t.holds_lock) {
        width(&L::holds_lock()) as u16
    } else {
        0
    };
    let table = Table::new(
        rows,
        [
            Constraint::Length(22),
            Constraint::Fill(1),
            Constraint::Length(lock_width),
            Constraint::Length(6),
        ],
    )
    .block(section(title, st));
    frame.render_widget(table, area);
}

/// A thread's state in words, and its style.
fn thread_state(t: &ThreadRow, st: &Styles) -> (String, Style) {
    match &t.state {
        ThreadState::Running => (L::running(), st.good()),
        ThreadState::AtPrompt => (L::at_prompt(), Style::default()),
        ThreadState::Ended => (L::ended(), st.dim()),
        ThreadState::Died(e) => (L::died(e), st.bad()),
        ThreadState::Blocked(call) => {
            let text = match call {
                // `recv()` from 127.0.0.1:51234 on the thread `recv 127.0.0.1:51234`: the
                // address is in the name already.
                Call::Recv { call, from } if t.name == format!("recv {from}") => {
                    Call::Other(call.to_string()).describe()
                }
                Call::MakefileClose { of } => L::makefile_close(of),
                call => call.describe(),
            };
            let stuck = matches!(
                call,
                Call::Lock | Call::Send { .. } | Call::MakefileClose { .. }
            );
            (text, if stuck { st.stuck() } else { Style::default() })
        }
    }
}

fn dict(
    frame: &mut Frame<'_>,
    area: Rect,
    snap: &Snapshot,
    connections: &[&Connection],
    fit: usize,
    st: &Styles,
) {
    let lock = match &snap.lock {
        LockState::NoLock => Span::styled(L::no_lock(), st.dim()),
        LockState::Free => Span::raw(L::lock_free()),
        LockState::HeldBy(name) => Span::styled(L::lock_held_by(name), st.lock()),
    };
    let title = match &snap.dict {
        Some(entries) => Line::from(vec![
            Span::raw(format!(" {} · ", L::dict(entries.len()))),
            lock,
            Span::raw(" "),
        ]),
        None => Line::from(format!(" {} ", L::no_dict())),
    };
    let wide = area.width >= WIDE;
    let [client, socket, thread, received, sent, peer_recv_q] = L::columns();
    let mut names = vec![
        client,
        socket,
        thread,
        received,
        sent,
        L::COL_SEND_Q.to_string(),
        L::COL_RECV_Q.to_string(),
    ];
    if wide {
        names.push(peer_recv_q);
    }
    names.push(L::COL_TCP.to_string());
    let in_dict = snap.dict.as_ref().map_or(0, Vec::len);
    let mut rows: Vec<Row> = connections
        .iter()
        .enumerate()
        .take(if connections.len() > fit {
            fit - 1
        } else {
            fit
        })
        .map(|(i, c)| connection_row(c, i >= in_dict && snap.dict.is_some(), wide, st))
        .collect();
    if connections.len() > fit {
        rows.push(Row::new(vec![Span::styled(
            L::more(connections.len() - (fit - 1)),
            st.dim(),
        )]));
    }
    if snap.dict.as_ref().is_some_and(Vec::is_empty) && rows.is_empty() {
        rows.push(Row::new(vec![Span::styled(L::empty_dict(), st.dim())]));
    }
    let mut widths = vec![
        Constraint::Length(21),
        Constraint::Length(6),
        Constraint::Length(6),
        Constraint::Length(7),
        Constraint::Length(7),
        Constraint::Length(7),
        Constraint::Length(7),
    ];
    if wide {
        widths.push(Constraint::Length(11));
    }
    widths.push(Constraint::Fill(1));
    let table = Table::new(rows, widths)
        .header(Row::new(names.into_iter().enumerate().map(|(i, n)| {
            // Numbers are right-aligned, so are their names.
            if (3..7 + wide as usize).contains(&i) {
                right(&n, if i == 7 { 11 } else { 7 })
            } else {
                n
            }
        })))
        .block(section(title, st));
    frame.render_widget(table, area);
}

fn connection_row<'a>(c: &Connection, not_in_dict: bool, wide: bool, st: &Styles) -> Row<'a> {
    let client = if not_in_dict {
        format!("({})", c.client)
    } else {
        c.client.to_string()
    };
    let socket = if c.closed {
        Span::styled(L::closed(), st.bad())
    } else {
        Span::raw(L::open())
    };
    let thread = match c.thread {
        Some(ThreadFate::Alive) => Span::raw(L::alive()),
        Some(ThreadFate::Ended) => Span::styled(L::ended(), st.dim()),
        Some(ThreadFate::Died) => Span::styled(L::dead(), st.bad()),
        None => Span::raw(L::NONE),
    };
    let q = |n: Option<u32>, w: usize| match n {
        Some(n) => right(&bytes(n as u64), w),
        None => right(L::NONE, w),
    };
    let k = c.kernel;
    let full = |n: Option<u32>| {
        if n.unwrap_or(0) > 0 {
            st.stuck()
        } else {
            Style::default()
        }
    };
    let mut cells = vec![
        Span::raw(client),
        socket,
        thread,
        Span::raw(right(&bytes(c.received), 7)),
        Span::raw(right(&bytes(c.sent), 7)),
        Span::styled(q(k.map(|k| k.send_q), 7), full(k.map(|k| k.send_q))),
        Span::styled(q(k.map(|k| k.recv_q), 7), full(k.map(|k| k.recv_q))),
    ];
    if wide {
        let peer = k.and_then(|k| k.peer_recv_q);
        cells.push(Span::styled(q(peer, 11), full(peer)));
    }
    cells.push(match k {
        Some(k) => Span::raw(k.state.name()),
        None => Span::styled(L::gone(), st.dim()),
    });
    let row = Row::new(cells);
    if c.closed || c.thread == Some(ThreadFate::Died) {
        row.style(st.bad())
    } else {
        row
    }
}

fn log(frame: &mut Frame<'_>, area: Rect, snap: &Snapshot, st: &Styles) {
    let block = section(format!(" {} ", L::log()), st);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let text_width = (inner.width as usize).saturating_sub(9).max(10);
    // Each record: a chat message or a print() on one row (its newlines shown as ⏎, cut
    // with … when longer); netlab's explanations and tracebacks wrapped, line by line.
    let mut rows: Vec<Line> = Vec::new();
    for shown in &snap.log {
        let style = match shown.kind {
            Kind::Netlab => st.netlab(),
            Kind::Traceback => st.bad(),
            Kind::Print => st.dim(),
            Kind::Chat | Kind::Command => Style::default(),
        };
        let pieces: Vec<String> = match shown.kind {
            Kind::Chat | Kind::Print => {
                vec![cut(&shown.text.replace('\n', "⏎"), text_width)]
            }
            // netlab's explanations come wrapped for an 88-column terminal: flowed again
            // for this width, each list item and each reason its own paragraph.
            Kind::Netlab => reflow(&shown.text)
                .iter()
                .flat_map(|p| wrap_indented(&p.text, p.indent, p.cont, text_width))
                .collect(),
            Kind::Traceback | Kind::Command => shown
                .text
                .lines()
                .flat_map(|l| {
                    let indent = l.len() - l.trim_start().len();
                    wrap_indented(l.trim_start(), indent, indent + 2, text_width)
                })
                .collect(),
        };
        for (i, piece) in pieces.into_iter().enumerate() {
            let time = if i == 0 {
                format!("{} ", shown.at)
            } else {
                " ".repeat(9)
            };
            rows.push(Line::from(vec![
                Span::styled(time, st.dim()),
                Span::styled(piece, style),
            ]));
        }
    }
    let skip = rows.len().saturating_sub(inner.height as usize);
    frame.render_widget(
        Paragraph::new(rows.into_iter().skip(skip).collect::<Vec<_>>()),
        inner,
    );
}

fn status(frame: &mut Frame<'_>, area: Rect, snap: &Snapshot, ui: &Ui, st: &Styles) {
    let line = if ui.paused {
        Line::styled(L::paused(), st.header())
    } else if let Some(quit) = &snap.quit {
        let waiting = snap.alive().filter(|t| t.name != "MainThread").count();
        let main = snap.threads.iter().rev().find(|t| t.name == "MainThread");
        let phase = match main.map(|t| &t.state) {
            Some(ThreadState::Blocked(Call::Other(call))) if call.starts_with("Event.wait") => {
                L::stop_pause()
            }
            Some(ThreadState::Blocked(_)) => L::stop_blocked(),
            Some(ThreadState::Running) => L::stop_running(),
            _ if waiting == 0 => L::all_ended(),
            _ => L::python_waits(waiting),
        };
        let cut = L::cut_in(quit.grace.saturating_sub(quit.after).as_secs_f64());
        let mut left = format!("{}{phase}", L::quit_since(quit.after.as_secs_f64()));
        if width(&left) + 2 + width(&cut) > area.width as usize {
            left = phase;
        }
        let pad = (area.width as usize).saturating_sub(width(&left) + width(&cut));
        Line::styled(
            format!("{left}{}{cut}", " ".repeat(pad)),
            st.stuck().add_modifier(Modifier::BOLD),
        )
    } else {
        Line::raw("")
    };
    frame.render_widget(Paragraph::new(line), area);
}

fn console(frame: &mut Frame<'_>, area: Rect, snap: &Snapshot, ui: &Ui, st: &Styles) {
    let line = if let Some(note) = &ui.note {
        Line::styled(note.clone(), st.dim())
    } else if ui.demo {
        Line::styled(L::demo_keys(), st.dim())
    } else if !snap.lifecycle.has_console() {
        Line::styled(L::no_console(), st.dim())
    } else if snap.quit.is_some() {
        Line::from(vec![
            Span::styled(format!("{}quit", L::PROMPT), st.dim()),
            Span::raw("   "),
            Span::styled(
                format!("{} · {}", L::console_gone(), L::quitting_keys()),
                st.dim(),
            ),
        ])
    } else {
        Line::from(vec![
            Span::styled(L::PROMPT, st.title()),
            Span::raw(ui.line.clone()),
            Span::styled("_", Style::default().add_modifier(Modifier::SLOW_BLINK)),
        ])
    };
    frame.render_widget(Paragraph::new(line), area);
}

fn help(frame: &mut Frame<'_>, area: Rect, st: &Styles) {
    let keys = L::help();
    let w = keys.iter().map(|l| width(l)).max().unwrap_or(0) as u16 + 4;
    let h = keys.len() as u16 + 4;
    let x = area.x + area.width.saturating_sub(w) / 2;
    let y = area.y + area.height.saturating_sub(h) / 2;
    let rect = Rect::new(x, y, w.min(area.width), h.min(area.height));
    let mut lines: Vec<Line> = keys.into_iter().map(Line::raw).collect();
    lines.push(Line::raw(""));
    lines.push(Line::styled(L::help_close(), st.dim()));
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::ALL)
                .title(L::help_title())
                .title_style(st.title()),
        ),
        rect,
    );
}

/// `text` in rows of at most `max` columns.
fn wrap(text: &str, max: usize) -> Vec<String> {
    crate::text::lines(text, max, max)
}

/// A paragraph of a wrapped text: its words, its first line's indentation, and that of
/// the lines that continue it.
struct Flowed {
    text: String,
    indent: usize,
    cont: usize,
}

/// Undoes the wrapping of a text wrapped for another width (the quit report's 88
/// columns): a line continues the paragraph above when it has that paragraph's
/// continuation indentation and does not start a list item (`- `).
fn reflow(text: &str) -> Vec<Flowed> {
    let mut paragraphs: Vec<Flowed> = Vec::new();
    for line in text.lines() {
        let body = line.trim_start();
        let indent = line.len() - body.len();
        let item = body.starts_with("- ");
        match paragraphs.last_mut() {
            Some(p) if !item && indent == p.cont && !body.is_empty() => {
                crate::text::push_row(&mut p.text, body);
            }
            _ => paragraphs.push(Flowed {
                text: body.to_string(),
                indent,
                cont: if item { indent + 2 } else { indent },
            }),
        }
    }
    paragraphs
}

/// `text` wrapped to `max` columns, its first row indented by `indent`, the next ones
/// by `cont`.
fn wrap_indented(text: &str, indent: usize, cont: usize, max: usize) -> Vec<String> {
    let room = max.saturating_sub(cont.max(indent)).max(20);
    wrap(text, room)
        .into_iter()
        .enumerate()
        .map(|(i, row)| format!("{}{row}", " ".repeat(if i == 0 { indent } else { cont })))
        .collect()
}

/// A byte count in at most 6 columns: exact up to 99999, then K, M, G (of 1024).
pub(crate) fn bytes(n: u64) -> String {
    const K: f64 = 1024.0;
    let x = n as f64;
    if n < 100_000 {
        n.to_string()
    } else if x < K * K {
        format!("{:.0}K", x / K)
    } else if x < K * K * K {
        format!("{:.1}M", x / (K * K))
    } else {
        format!("{:.1}G", x / (K * K * K))
    }
}

/// A duration as the since column shows it: `0.4s`, `12s`, `3m05s`.
fn seconds(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s < 10.0 {
        format!("{s:.1}s")
    } else if s < 600.0 {
        format!("{:.0}s", s.floor())
    } else {
        format!("{}m{:02}s", d.as_secs() / 60, d.as_secs() % 60)
    }
}

/// An uptime: `0:42`, `12:05`, `1:02:03`.
fn clock(d: Duration) -> String {
    let s = d.as_secs();
    if s < 3600 {
        format!("{}:{:02}", s / 60, s % 60)
    } else {
        format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_counts_fit_their_column() {
        assert_eq!(bytes(0), "0");
        assert_eq!(bytes(99_999), "99999");
        assert_eq!(bytes(100_000), "98K");
        assert_eq!(bytes(2_621_440), "2.5M");
        assert!([0, 5, 99_999, 1 << 20, 1 << 30, 1 << 39]
            .iter()
            .all(|&n| bytes(n).len() <= 7));
    }

    #[test]
    fn wrapping_keeps_every_word() {
        let text =
            "netlab: stop() has returned; Python now waits for 2 threads that stop() did not wake";
        let rows = wrap(text, 30);
        assert!(rows.iter().all(|r| width(r) <= 30), "{rows:?}");
        assert_eq!(rows.join(" "), text);
    }

    #[test]
    fn a_quit_report_flows_again() {
        let text = "stop() has returned; Python now waits for 2 threads\nthat stop() did not wake:\n  - 2 threads in recv() from ...:\n    recv a and recv b\n      closing this socket\n      does not wake recv()\nnetlab waits";
        let p = reflow(text);
        let texts: Vec<&str> = p.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "stop() has returned; Python now waits for 2 threads that stop() did not wake:",
                "- 2 threads in recv() from ...: recv a and recv b",
                "closing this socket does not wake recv()",
                "netlab waits"
            ]
        );
        assert_eq!((p[1].indent, p[1].cont, p[2].indent), (2, 4, 6));
    }

    #[test]
    fn a_chinese_report_flows_again_without_stray_spaces() {
        let text = "  - recv 127.0.0.1:5: 阻塞在 recv()\n      从另一个线程关闭它不会唤醒 recv()；只有这个客户端才\n      会唤醒它";
        let p = reflow(text);
        assert_eq!(
            p[1].text,
            "从另一个线程关闭它不会唤醒 recv()；只有这个客户端才会唤醒它"
        );
    }

    #[test]
    fn cutting_marks_the_cut() {
        assert_eq!(cut("hello", 10), "hello");
        assert_eq!(cut("hello world", 6), "hello…");
        assert_eq!(cut("中文中文", 5), "中文…");
    }
}
