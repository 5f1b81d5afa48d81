//! The chat's wire format, from the toolkit's side: what a broadcast looks like, and how
//! to recognise one whose timestamp is not known in advance. The stage files format their
//! own messages, as the notes do; scenarios, the grader and the demos use this module.
//!
//! Every message a chat server (stages 2-7) sends is a header line, then the body, then
//! `\n`: `"{time} {ip}:{port}\n" + body + "\n"`. The time uses the notes' format string
//! `%Y%m/%d %H:%M:%S`, which glues year and month and puts the slash before the day:
//! `202611/25 16:35:53`. The address is the sender's, as the server sees it.

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

/// Whether `data` starts with a header's timestamp and the space after it.
pub(crate) fn starts_with_header(data: &[u8]) -> bool {
    timestamp_prefix(data) == TIMESTAMP_LEN && data.get(TIMESTAMP_LEN) == Some(&b' ')
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

/// Every header in `data`, in order: (offset, sender address as text `ip:port`).
pub(crate) fn headers(data: &[u8]) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    let mut line_start = 0;
    while line_start < data.len() {
        let line_end = data[line_start..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(data.len(), |i| line_start + i);
        let line = &data[line_start..line_end];
        if starts_with_header(line) {
            let addr = String::from_utf8_lossy(&line[TIMESTAMP_LEN + 1..]).into_owned();
            if addr.parse::<SocketAddr>().is_ok()
                || addr
                    .rsplit_once(':')
                    .is_some_and(|(_, p)| p.parse::<u16>().is_ok())
            {
                found.push((line_start, addr));
            }
        }
        line_start = line_end + 1;
    }
    found
}

/// The bodies of every message from `sender` in `data`, one after the other: what the
/// sender sent, put back together whatever the server's framing did to it.
pub fn bodies_from(data: &[u8], sender: SocketAddr) -> Vec<u8> {
    let who = format!("{}:{}", sender.ip(), sender.port());
    let found = headers(data);
    let mut bodies = Vec::new();
    for (i, (at, addr)) in found.iter().enumerate() {
        if *addr != who {
            continue;
        }
        let start = at + TIMESTAMP_LEN + 1 + addr.len() + 1;
        let end = found.get(i + 1).map_or(data.len(), |(next, _)| *next);
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
        .filter(|(at, addr)| {
            let end = at + TIMESTAMP_LEN + 1 + addr.len() + 1;
            data.get(end) == Some(&b'\n')
                && (data.len() == end + 1 || timestamp_prefix(&data[end + 1..]) == TIMESTAMP_LEN)
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
        assert_eq!(h[1].1, "127.0.0.1:2");
        assert_eq!(empty_broadcasts(data), 1);
        assert_eq!(timestamp_prefix(b"2026-11-25"), 4);
    }
}
