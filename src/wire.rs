//! The chat's wire format, from the toolkit's side: what a broadcast looks like, and how
//! to recognise one whose timestamp is not known in advance. The stage files format their
//! own messages, as the notes do; scenarios, the grader and the demos use this module.
//!
//! Every message a chat server (stages 2-9) sends is a header line, then the body, then
//! `\n`: `"{time} {ip}:{port}\n" + body + "\n"`. The time uses the notes' format string
//! `%Y%m/%d %H:%M:%S`, which glues year and month and puts the slash before the day:
//! `202611/25 16:35:53`. The address is the sender's, as the server sees it.
//!
//! A header is recognised by its structure (a date and time of any format, a space, an
//! `ip:port`, a newline: [`header_len`]), so that counting and skipping messages works for
//! a server that writes its date another way; whether the time is exactly the notes' is
//! the grader's one scenario about it (`timestamp_prefix`).

use chrono::NaiveDateTime;
use std::net::SocketAddr;

/// The notes' timestamp format (`"{:%Y%m/%d %H:%M:%S}"`).
pub(crate) const TIMESTAMP_FORMAT: &str = "%Y%m/%d %H:%M:%S";

/// A timestamp's length in bytes: `202611/25 16:35:53`.
pub const TIMESTAMP_LEN: usize = 18;

/// The shape of a timestamp: `D` is a digit, anything else must match exactly.
const TIMESTAMP_SHAPE: &[u8; TIMESTAMP_LEN] = b"DDDDDD/DD DD:DD:DD";

/// The header after its timestamp: `" 127.0.0.1:51234\n"`, the sender's address.
pub(crate) fn after_time(sender: SocketAddr) -> String {
    format!(" {}:{}\n", sender.ip(), sender.port())
}

/// How many bytes a whole message from `sender` with a body of `body` bytes takes on the
/// wire: the header, the body, and the `\n` after it.
pub fn message_len(sender: SocketAddr, body: usize) -> usize {
    TIMESTAMP_LEN + after_time(sender).len() + body + 1
}

/// The time a timestamp of the notes' format stands for, if `data` is one.
pub(crate) fn parse_timestamp(data: &[u8]) -> Option<NaiveDateTime> {
    let text = std::str::from_utf8(data.get(..TIMESTAMP_LEN)?).ok()?;
    NaiveDateTime::parse_from_str(text, TIMESTAMP_FORMAT).ok()
}

/// The longest a header line may be, time and address, before it cannot be one.
pub(crate) const MAX_HEADER: usize = 96;

/// If `data` starts with a header line: how long its time is (before the space) and how
/// long the whole line is, its `\n` included. A header is a date and time (at least six
/// digits, nothing unprintable), a space, an address `ip:port`, a newline.
pub(crate) fn header_len(data: &[u8]) -> Option<(usize, usize)> {
    let window = &data[..data.len().min(MAX_HEADER + 1)];
    let newline = window.iter().position(|&b| b == b'\n')?;
    header_time_len(&window[..newline]).map(|time| (time, newline + 1))
}

/// Whether `line` (without its `\n`) is a header line.
pub(crate) fn is_header_line(line: &[u8]) -> bool {
    line.len() <= MAX_HEADER && header_time_len(line).is_some()
}

/// For a header line (without its `\n`), how long its time is (before the last space).
fn header_time_len(line: &[u8]) -> Option<usize> {
    let space = line.iter().rposition(|&b| b == b' ')?;
    let (time, addr) = (&line[..space], &line[space + 1..]);
    let addr = std::str::from_utf8(addr).ok()?;
    let is_addr = addr.parse::<SocketAddr>().is_ok()
        || addr
            .rsplit_once(':')
            .is_some_and(|(ip, p)| !ip.is_empty() && p.parse::<u16>().is_ok());
    let digits = time.iter().filter(|b| b.is_ascii_digit()).count();
    (is_addr && digits >= 6 && !time.iter().any(u8::is_ascii_control)).then_some(space)
}

/// Whether `data` starts with a header line.
pub(crate) fn starts_with_header(data: &[u8]) -> bool {
    header_len(data).is_some()
}

/// How many leading bytes of `data` match a timestamp of the notes' shape; equal to
/// [`TIMESTAMP_LEN`] when `data` starts with a whole one.
pub fn timestamp_prefix(data: &[u8]) -> usize {
    data.iter()
        .zip(TIMESTAMP_SHAPE)
        .take_while(|(b, shape)| match shape {
            b'D' => b.is_ascii_digit(),
            other => *b == *other,
        })
        .count()
}

/// A header found in a stream: where it starts, where its line ends, and the sender.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Header {
    /// The offset of the header's first byte.
    pub(crate) at: usize,
    /// The offset just after its `\n`: where the body starts.
    pub(crate) body: usize,
    /// The sender's address as text, `ip:port`.
    pub(crate) addr: String,
}

/// Every header in `data`, in order.
pub(crate) fn headers(data: &[u8]) -> Vec<Header> {
    let mut found = Vec::new();
    let mut line_start = 0;
    while line_start < data.len() {
        let rest = &data[line_start..];
        if let Some((time, len)) = header_len(rest) {
            let addr = String::from_utf8_lossy(&rest[time + 1..len - 1]).into_owned();
            found.push(Header {
                at: line_start,
                body: line_start + len,
                addr,
            });
        }
        line_start = rest
            .iter()
            .position(|&b| b == b'\n')
            .map_or(data.len(), |i| line_start + i + 1);
    }
    found
}

/// The bodies of every message from `sender` in `data`, one after the other: what the
/// sender sent, put back together whatever the server's framing did to it.
pub fn bodies_from(data: &[u8], sender: SocketAddr) -> Vec<u8> {
    let who = format!("{}:{}", sender.ip(), sender.port());
    let found = headers(data);
    let mut bodies = Vec::new();
    for (i, h) in found.iter().enumerate() {
        if h.addr != who {
            continue;
        }
        let start = h.body;
        let end = found.get(i + 1).map_or(data.len(), |next| next.at);
        let body = &data[start.min(end)..end];
        // The message's own `\n` after the body is not the sender's.
        bodies.extend_from_slice(body.strip_suffix(b"\n").unwrap_or(body));
    }
    bodies
}

/// How many messages in `data` are empty broadcasts (`header + "\n"`, the body `''`): what
/// a stage 2-3 server sends for every `b''` it receives from a closed client.
pub(crate) fn empty_broadcasts(data: &[u8]) -> usize {
    headers(data)
        .iter()
        .filter(|h| {
            data.get(h.body) == Some(&b'\n')
                && (data.len() == h.body + 1 || starts_with_header(&data[h.body + 1..]))
        })
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Local;

    #[test]
    fn header_has_the_notes_quirky_timestamp() {
        let now = chrono::TimeZone::with_ymd_and_hms(&Local, 2026, 11, 25, 16, 35, 53).unwrap();
        let addr: SocketAddr = "127.0.0.1:50844".parse().unwrap();
        let h = format!("{}{}", now.format(TIMESTAMP_FORMAT), after_time(addr));
        assert_eq!(h, "202611/25 16:35:53 127.0.0.1:50844\n");
        assert_eq!(h.len(), 35);
        assert_eq!(message_len(addr, 6), 35 + 6 + 1);
        assert!(starts_with_header(h.as_bytes()));
        assert_eq!(parse_timestamp(h.as_bytes()), Some(now.naive_local()));
        assert_eq!(timestamp_prefix(h.as_bytes()), TIMESTAMP_LEN);
    }

    #[test]
    fn finds_headers_and_empty_broadcasts() {
        let data = b"202611/25 16:35:53 127.0.0.1:1\nhello\n\n202611/25 16:35:53 127.0.0.1:2\n\n";
        let h = headers(data);
        assert_eq!(h.len(), 2);
        assert_eq!(h[1].addr, "127.0.0.1:2");
        assert_eq!(empty_broadcasts(data), 1);
        assert_eq!(timestamp_prefix(b"2026-11-25"), 4);
    }

    #[test]
    fn a_header_is_recognised_by_its_structure() {
        for header in [
            "202611/25 16:35:53 127.0.0.1:50844\n",
            "2026/11/25 16:35:53 127.0.0.1:50844\n",
            "2026-11-25T16:35:53 [::1]:50844\n",
        ] {
            let (time, len) = header_len(header.as_bytes()).expect(header);
            assert_eq!(len, header.len(), "{header}");
            assert_eq!(&header[time..time + 1], " ");
        }
        for not in [
            "127.0.0.1:50844\n",
            "hello world\n",
            "12:00 127.0.0.1:5\n",
            "no newline",
        ] {
            assert_eq!(header_len(not.as_bytes()), None, "{not}");
        }
    }
}
