//! Hints for the usual mistakes, as a grader students trust gives them: what the
//! difference probably means, in the notes' terms, and what to look at.

use super::expect::{clock_offset, Expected};
use super::End;
use crate::wire::{starts_with_header as is_header, timestamp_prefix, TIMESTAMP_LEN};

/// What an `Expect` step saw, for a hint.
pub(crate) struct Mismatch<'a> {
    /// The client that expected.
    pub(crate) client: &'a str,
    pub(crate) expected: &'a Expected,
    /// What it received, from where the expectation starts.
    pub(crate) got: &'a [u8],
    /// The first byte that differs (`got.len()` when `got` is only too short).
    pub(crate) at: usize,
    /// How its connection ended, if it has.
    pub(crate) end: Option<&'a End>,
    /// Whether the expected message is the client's own line coming back.
    pub(crate) own_line: bool,
    /// What the client sent last.
    pub(crate) sent: Option<&'a [u8]>,
}

/// A hint for a client that did not receive what it expected.
pub(crate) fn for_mismatch(m: &Mismatch<'_>) -> Option<String> {
    if m.at >= m.got.len() {
        return too_short(m);
    }
    let rest = &m.got[m.at..];
    if let Some(start) = m.expected.timestamp_start(m.at) {
        let stamp = m.got.get(start..start + TIMESTAMP_LEN).unwrap_or_default();
        if timestamp_prefix(stamp) == TIMESTAMP_LEN {
            if let Some(offset) = clock_offset(stamp) {
                return Some(clock_hint(offset));
            }
        }
        if start == m.at && start > 0 && !m.got[start].is_ascii_digit() {
            return Some(
                "more text came where the next message should start: two lines went out as one \
                 message, or the body has bytes it should not (recv(1024) framing sends whatever one \
                 recv() returned; from stage 6 each line is a message)"
                    .into(),
            );
        }
        if timestamp_prefix(&m.got[start..]) == 0 {
            return Some(
                "each message starts with a header line \"{TS} ip:port\\n\" (the time, then the \
                 sender's address), then the text: this one has no header"
                    .into(),
            );
        }
        return Some(
            "the header's time must use the notes' format %Y%m/%d %H:%M:%S, e.g. 202611/25 16:35:53 \
             (year and month glued, a slash before the day)"
                .into(),
        );
    }
    let expected_byte = m.expected.filled_from(m.got).get(m.at).copied();
    if rest[0] == b'\r' && expected_byte == Some(b'\n') {
        return Some(
            "a \\r before the newline: a line-based server reads text with universal newlines, so \
             \"\\r\\n\" arrives as \"\\n\" (makefile() in text mode, or strip the \\r yourself)"
                .into(),
        );
    }
    if is_header(rest) || (rest[0] == b'\n' && is_header(&rest[1..])) {
        return Some(
            "a new message started where this one should go on: the line was split into two \
             messages (recv(1024) framing sends each chunk as it comes; from stage 6, \
             makefile().readline() waits for the whole line)"
                .into(),
        );
    }
    if in_header_address(m.got, m.at) {
        return Some(
            "the header names the sender as ip:port, the address the server got from accept() for \
             that client (the client's own port, not the server's)"
                .into(),
        );
    }
    None
}

fn too_short(m: &Mismatch<'_>) -> Option<String> {
    match m.end {
        Some(End::Eof) => {
            return Some(format!(
                "the server closed {}'s connection (EOF) before sending it all{}",
                m.client,
                if quit_or_blank(m.sent) {
                    ""
                } else {
                    ": did it crash, or treat the line as `quit`?"
                }
            ))
        }
        Some(End::Reset) => return Some(
            "the connection was reset (RST): the server crashed, or closed the connection with \
                 bytes it had not read"
                .into(),
        ),
        _ => {}
    }
    if m.got.is_empty() && m.own_line {
        return Some(format!(
            "{} did not get its own message back: in the notes every message goes to every \
             client in the clients dict, the sender included (is the sender left out of the \
             broadcast, or not in the dict?)",
            m.client
        ));
    }
    if m.got.is_empty() {
        return Some(format!(
            "nothing arrived: is {} in the server's clients dict, and does the broadcast reach \
             every client?",
            m.client
        ));
    }
    if m.expected.timestamp_start(0) == Some(0)
        && timestamp_prefix(m.got) < TIMESTAMP_LEN.min(m.got.len())
    {
        return Some(
            "each message starts with a header line \"{TS} ip:port\\n\" (the sender's address): \
             this one does not"
                .into(),
        );
    }
    Some(
        "only part of the message came: is the line still being waited for, or was it cut \
         (recv(1024) reads at most 1024 bytes at a time)?"
            .into(),
    )
}

/// A hint for bytes that came where nothing should have; `last_sent` is what a client
/// sent last.
pub(crate) fn for_extra(extra: &[u8], last_sent: Option<&[u8]>) -> Option<String> {
    if is_header(extra) && last_sent.is_some_and(|s| !s.ends_with(b"\n")) {
        return Some(
            "part of a line went out before its newline came: recv(1024) framing sends whatever one \
             recv() returned; a line-based server (stage 6 on) waits for the whole line"
                .into(),
        );
    }
    let headers = crate::wire::headers(extra);
    if !headers.is_empty() && crate::wire::empty_broadcasts(extra) == headers.len() {
        return Some(
            "empty messages: recv() returns b'' once a client has closed, and a loop that does \
             not check for it broadcasts nothing, again and again"
                .into(),
        );
    }
    None
}

/// A hint for a connection the server should have ended and did not.
pub(crate) fn for_no_end(sent: Option<&[u8]>, got: &[u8]) -> Option<String> {
    let sent = sent.map(|s| String::from_utf8_lossy(s).trim().to_string());
    match sent.as_deref() {
        Some("quit") => Some(if got.is_empty() {
            "`quit` must remove the client: pop it from the dict, close its socket (the client \
             sees EOF), and broadcast nothing"
                .into()
        } else {
            "`quit` was broadcast like a message: the server must compare the stripped line with \
             'quit' and remove the client instead"
                .into()
        }),
        Some("") => Some(
            "a blank line strips to '', which the notes treat like a closed client: removed, and \
             its connection closed"
                .into(),
        ),
        _ => None,
    }
}

fn quit_or_blank(sent: Option<&[u8]>) -> bool {
    sent.is_some_and(|s| {
        let s = String::from_utf8_lossy(s);
        let s = s.trim();
        s == "quit" || s.is_empty()
    })
}

fn clock_hint(offset: i64) -> String {
    let minutes = offset.abs() / 60;
    format!(
        "the header's time is {} h {:02} min {} this machine's clock: the notes stamp messages with \
         datetime.now(), the local time (a server that uses UTC, or another time zone, is off by \
         whole hours)",
        minutes / 60,
        minutes % 60,
        if offset < 0 { "behind" } else { "ahead of" }
    )
}

/// Where the line that holds byte `at` starts.
fn header_start(data: &[u8], at: usize) -> usize {
    data[..at.min(data.len())]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1)
}

/// Whether byte `at` falls in the `ip:port` part of a header line.
fn in_header_address(data: &[u8], at: usize) -> bool {
    let start = header_start(data, at);
    is_header(&data[start..]) && at > start + TIMESTAMP_LEN
}
