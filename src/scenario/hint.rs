//! Hints for the usual mistakes, as a grader students trust gives them: a hint is given
//! only where its cause was seen in what came (a header's time eight hours off, a message
//! every other client received, an empty broadcast), never as a guess. A failure with no
//! cause seen has no hint.

use super::expect::{clock_offset, Expected, HeaderMode};
use super::End;
use crate::tr;
use crate::wire::{self, starts_with_header as is_header, timestamp_prefix, TIMESTAMP_LEN};
use std::net::SocketAddr;

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
    /// How the header's time was matched.
    pub(crate) mode: HeaderMode,
    /// Whether another client received a message from the expected sender meanwhile.
    pub(crate) others_got_it: bool,
    /// How the program ended, if it has.
    pub(crate) program_ended: Option<&'a str>,
    /// Every client's address, by name, and the server's.
    pub(crate) addresses: &'a [(&'a str, SocketAddr)],
    pub(crate) server: SocketAddr,
}

/// A hint for a client that did not receive what it expected.
pub(crate) fn for_mismatch(m: &Mismatch<'_>) -> Option<String> {
    if let Some(how) = m.program_ended {
        return Some(tr!("hint-program-ended", how = how));
    }
    if let Some(hint) = another_sender(m) {
        return Some(hint);
    }
    if m.at >= m.got.len() {
        return too_short(m);
    }
    if let Some(&(start, end)) = m
        .expected
        .times_in(m.got)
        .iter()
        .find(|(start, end)| (*start..=*end).contains(&m.at))
    {
        return header_hint(m, start, end);
    }
    let rest = &m.got[m.at..];
    let expected_byte = m.expected.filled(m.got, m.mode).get(m.at).copied();
    if rest[0] == b'\r' && expected_byte == Some(b'\n') {
        return Some(tr!("hint-crlf"));
    }
    if header_body(rest)
        .is_some_and(|b| b.starts_with(b"\n") && (b.len() == 1 || is_header(&b[1..])))
    {
        return Some(tr!("hint-empty-message"));
    }
    if expected_byte == Some(b'\n') && is_header(rest) {
        return Some(tr!("hint-missing-newline"));
    }
    if is_header(rest) || (rest[0] == b'\n' && is_header(&rest[1..])) {
        return Some(tr!("hint-split-line"));
    }
    if expected_byte.is_some_and(|b| b.is_ascii_digit()) && wire::header_len(m.got).is_some() {
        // The next message was due here (a header's first digit), and more text came.
        return Some(tr!("hint-joined-lines"));
    }
    None
}

/// A hint for a whole message that came from another client than the one expected, where
/// the difference is: an empty one (a closed client's `b''` broadcast), or another line.
fn another_sender(m: &Mismatch<'_>) -> Option<String> {
    // The message the difference falls in.
    let headers = wire::headers(m.got);
    let h = headers.iter().rev().find(|h| h.at <= m.at)?;
    if m.at >= h.body {
        return None;
    }
    let (who, _) = m.addresses.iter().find(|(_, a)| a.to_string() == h.addr)?;
    let expected_from = m.expected.sender()?;
    if expected_from.to_string() == h.addr {
        return None;
    }
    let body = &m.got[h.body..];
    let empty = body.first() == Some(&b'\n') && (body.len() == 1 || is_header(&body[1..]));
    Some(if empty {
        tr!("hint-empty-message-from", who = *who)
    } else {
        tr!("hint-another-sender", who = *who)
    })
}

/// A hint for a difference in a header, whose time spans `start..end` of what came.
fn header_hint(m: &Mismatch<'_>, start: usize, end: usize) -> Option<String> {
    let line_end = m.got[start..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(m.got.len(), |i| start + i);
    let line = &m.got[start..line_end];
    if m.at > end || (m.at == end && end > start) {
        // In the address: whose is it?
        let shown = String::from_utf8_lossy(&m.got[end..line_end]);
        let shown = shown.trim();
        if let Some((who, _)) = m.addresses.iter().find(|(_, a)| a.to_string() == shown) {
            return Some(tr!("hint-header-names", who = *who, shown = shown));
        }
        if shown == m.server.to_string() {
            return Some(tr!("hint-header-server-address"));
        }
        return None;
    }
    let time = &m.got[start..end.max(start)];
    if end == start || time.iter().filter(|b| b.is_ascii_digit()).count() < 6 {
        if wire::header_len(&m.got[start..]).is_none()
            && line.contains(&b':')
            && !line.contains(&b' ')
        {
            return Some(tr!("hint-header-no-time"));
        }
        return Some(tr!("hint-not-a-header"));
    }
    if timestamp_prefix(time) == TIMESTAMP_LEN && time.len() == TIMESTAMP_LEN {
        return clock_offset(time).map(clock_hint);
    }
    let text = String::from_utf8_lossy(time);
    let format = [
        "%Y/%m/%d %H:%M:%S",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
    ]
    .into_iter()
    .find(|f| chrono::NaiveDateTime::parse_from_str(text.trim(), f).is_ok());
    Some(match format {
        Some(f) => tr!("hint-header-format", format = f),
        None => tr!("hint-header-time", text = text.as_ref()),
    })
}

fn too_short(m: &Mismatch<'_>) -> Option<String> {
    match m.end {
        Some(End::Eof) if quit_or_blank(m.sent) => {
            return Some(tr!("hint-took-as-leaving", name = m.client))
        }
        Some(End::Reset) => return Some(tr!("hint-reset")),
        _ => {}
    }
    let shown = m.expected.filled(m.got, m.mode);
    if !m.got.is_empty()
        && shown.len() == m.got.len() + 1
        && shown.starts_with(m.got)
        && shown.ends_with(b"\n\n")
    {
        return Some(tr!("hint-missing-newline"));
    }
    if m.got.is_empty() && m.own_line && m.others_got_it {
        return Some(tr!("hint-not-own-message", name = m.client));
    }
    if m.got.is_empty() && m.own_line && m.addresses.len() > 1 {
        return Some(tr!("hint-nobody-received"));
    }
    if m.got.is_empty() && m.others_got_it {
        return Some(tr!("hint-not-in-dict", name = m.client));
    }
    None
}

/// A hint for bytes that came where nothing should have; `last_sent` is what a client
/// sent last.
pub(crate) fn for_extra(extra: &[u8], last_sent: Option<&[u8]>) -> Option<String> {
    let headers = wire::headers(extra);
    if !headers.is_empty() && wire::empty_broadcasts(extra) == headers.len() {
        return Some(tr!("hint-empty-messages"));
    }
    if is_header(extra) && last_sent.is_some_and(|s| !s.ends_with(b"\n")) {
        return Some(tr!("hint-part-of-line"));
    }
    None
}

/// A hint for a connection the server should have ended and did not.
pub(crate) fn for_no_end(sent: Option<&[u8]>, got: &[u8]) -> Option<String> {
    let sent = sent.map(|s| String::from_utf8_lossy(s).trim().to_string());
    match sent.as_deref() {
        Some("quit") if got.is_empty() => Some(tr!("hint-quit-removes")),
        Some("quit") if header_body(got).is_some_and(|b| b.starts_with(b"quit")) => {
            Some(tr!("hint-quit-broadcast"))
        }
        _ => None,
    }
}

/// The body of the message `data` starts with, if it starts with a header.
fn header_body(data: &[u8]) -> Option<&[u8]> {
    let (_, len) = wire::header_len(data)?;
    Some(&data[len..])
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
    let (hours, minutes) = (minutes / 60, format!("{:02}", minutes % 60));
    if offset < 0 {
        tr!("hint-clock-behind", hours = hours, minutes = minutes)
    } else {
        tr!("hint-clock-ahead", hours = hours, minutes = minutes)
    }
}
