//! What a client must receive, and how it compares with what it did receive: the
//! expected bytes as tokens (a timestamp is matched by its shape, the rest exactly), the
//! first differing byte, and the two lines a student reads with a caret between them.

use super::Piece;
use crate::wire::{timestamp_prefix, TIMESTAMP_LEN};
use std::net::SocketAddr;
use unicode_width::UnicodeWidthStr;

/// Part of an expectation: known bytes, or a timestamp matched by shape.
pub(crate) enum Token {
    Bytes(Vec<u8>),
    Timestamp,
}

impl Token {
    fn len(&self) -> usize {
        match self {
            Token::Bytes(b) => b.len(),
            Token::Timestamp => TIMESTAMP_LEN,
        }
    }

    fn show(&self) -> String {
        match self {
            Token::Bytes(b) => escape(b).trim_matches('"').to_string(),
            Token::Timestamp => "{TS}".to_string(),
        }
    }
}

/// The bytes one `Expect` step waits for.
pub(crate) struct Expected {
    tokens: Vec<Token>,
    /// The sender of the first message expected, if it starts with one.
    sender: Option<SocketAddr>,
}

/// How far from this machine's clock a header's time may be before it is taken for a
/// wrong clock or time zone (the notes use `datetime.now()`: local time).
const CLOCK_SLACK_SECONDS: i64 = 300;

impl Expected {
    /// The pieces of an `Expect` step, with each sender's address filled in.
    pub(crate) fn new(pieces: &[Piece], addr_of: impl Fn(&str) -> Option<SocketAddr>) -> Expected {
        let mut tokens = Vec::new();
        let mut sender = None;
        for piece in pieces {
            match piece {
                Piece::Raw(data) => tokens.push(Token::Bytes(data.to_bytes())),
                Piece::Message { from, body, times } => {
                    let from = addr_of(from)
                        .expect("scenario bug: a message from a client that never connected");
                    if tokens.is_empty() {
                        sender = Some(from);
                    }
                    let mut message = body.to_bytes();
                    message.push(b'\n');
                    for _ in 0..*times {
                        push_message(&mut tokens, from, &message);
                    }
                }
            }
        }
        Expected { tokens, sender }
    }

    /// One message from `sender` whose body (its final `\n` included) is `body_nl`.
    pub fn message(sender: SocketAddr, body_nl: &[u8]) -> Expected {
        let mut tokens = Vec::new();
        push_message(&mut tokens, sender, body_nl);
        Expected {
            tokens,
            sender: Some(sender),
        }
    }

    /// The sender of the first message expected, if it starts with a message.
    pub(crate) fn sender(&self) -> Option<SocketAddr> {
        self.sender
    }

    /// How many bytes it is.
    pub(crate) fn len(&self) -> usize {
        self.tokens.iter().map(Token::len).sum()
    }

    /// As a transcript shows it, the timestamp as `{TS}`.
    pub(crate) fn show(&self) -> String {
        format!(
            "\"{}\"",
            self.tokens.iter().map(Token::show).collect::<String>()
        )
    }

    /// The offset of the first byte of `got` that does not match; `got.len()` if all of
    /// `got` matches but it is too short; None if it matches entirely.
    pub(crate) fn first_difference(&self, got: &[u8]) -> Option<usize> {
        let mut at = 0;
        for token in &self.tokens {
            let rest = &got[at.min(got.len())..];
            match token {
                Token::Bytes(b) => {
                    if let Some(i) = b.iter().zip(rest).position(|(x, y)| x != y) {
                        return Some(at + i);
                    }
                    if rest.len() < b.len() {
                        return Some(got.len());
                    }
                }
                Token::Timestamp => {
                    let ok = timestamp_prefix(rest);
                    if ok < TIMESTAMP_LEN {
                        return Some(at + ok);
                    }
                    if clock_offset(&rest[..TIMESTAMP_LEN]).is_some() {
                        return Some(at);
                    }
                }
            }
            at += token.len();
        }
        None
    }

    /// Where the timestamp that byte `at` falls in starts, if it falls in one.
    pub(crate) fn timestamp_start(&self, at: usize) -> Option<usize> {
        let mut start = 0;
        for t in &self.tokens {
            if at < start + t.len() {
                return matches!(t, Token::Timestamp).then_some(start);
            }
            start += t.len();
        }
        None
    }

    /// The expected bytes, with each timestamp taken from `got` where it has one there
    /// (so that the two lines align), else shown as `{TS}`.
    pub(crate) fn filled_from(&self, got: &[u8]) -> Vec<u8> {
        let mut expected = Vec::new();
        for t in &self.tokens {
            match t {
                Token::Bytes(b) => expected.extend_from_slice(b),
                Token::Timestamp => {
                    let start = expected.len();
                    let ts = got
                        .get(start..start + TIMESTAMP_LEN)
                        .filter(|ts| timestamp_prefix(ts) == TIMESTAMP_LEN)
                        .unwrap_or(b"{TS}");
                    expected.extend_from_slice(ts);
                }
            }
        }
        expected
    }

    /// Expected and received around byte `at`, escaped, and the terminal column of the
    /// caret under the first difference (a Chinese character is two columns wide).
    pub(crate) fn side_by_side(&self, got: &[u8], at: usize) -> (String, String, usize) {
        let expected = self.filled_from(got);
        let from = start_of_char(got, at.saturating_sub(40));
        let exp = escape(&expected[from.min(expected.len())..(at + 40).min(expected.len())]);
        let rec = escape(&got[from..(at + 40).min(got.len())]);
        // The escaped text before the character that differs, without its closing quote.
        let caret = escape(&got[from..start_of_char(got, at).max(from)]).width() - 1;
        let dots = if from > 0 { "…" } else { "" };
        (
            format!("{dots}{exp}"),
            format!("{dots}{rec}"),
            caret + dots.width(),
        )
    }
}

/// How far a header's time (of the notes' shape) is from this machine's local time, in
/// seconds (positive: ahead), when it is further than a few minutes; None when it is close.
pub(crate) fn clock_offset(timestamp: &[u8]) -> Option<i64> {
    let then = crate::wire::parse_timestamp(timestamp)?;
    let offset = (then - chrono::Local::now().naive_local()).num_seconds();
    (offset.abs() > CLOCK_SLACK_SECONDS).then_some(offset)
}

fn push_message(tokens: &mut Vec<Token>, sender: SocketAddr, body_nl: &[u8]) {
    tokens.push(Token::Timestamp);
    tokens.push(Token::Bytes(crate::wire::after_time(sender).into_bytes()));
    tokens.push(Token::Bytes(body_nl.to_vec()));
}

/// `at`, moved back to the start of the UTF-8 character it falls in.
fn start_of_char(data: &[u8], mut at: usize) -> usize {
    while at > 0 && at < data.len() && (data[at] & 0xC0) == 0x80 {
        at -= 1;
    }
    at
}

/// Bytes as a double-quoted string a student can type back: `"hello\n\xff"`.
pub(crate) fn escape(data: &[u8]) -> String {
    let mut out = String::from("\"");
    for chunk in data.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                c if c.is_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
                c => out.push(c),
            }
        }
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out.push('"');
    out
}

/// Long texts in transcripts: the start and the end, and the size.
pub(crate) fn shorten(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= 160 {
        return text.to_string();
    }
    let head: String = chars[..100].iter().collect();
    let tail: String = chars[chars.len() - 40..].iter().collect();
    format!("{head}…{tail} ({} characters)", chars.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The current time in the notes' format, as a server would stamp a message now.
    fn now() -> String {
        chrono::Local::now()
            .format(crate::wire::TIMESTAMP_FORMAT)
            .to_string()
    }

    fn hi() -> Expected {
        Expected {
            tokens: vec![
                Token::Timestamp,
                Token::Bytes(b" 127.0.0.1:5\nhi\n\n".to_vec()),
            ],
            sender: None,
        }
    }

    #[test]
    fn timestamps_match_by_shape() {
        let e = hi();
        let ts = now();
        let got = |rest: &str| format!("{ts}{rest}").into_bytes();
        assert_eq!(e.first_difference(&got(" 127.0.0.1:5\nhi\n\n")), None);
        assert_eq!(
            e.first_difference(b"2026-11-25 16:35:53 127.0.0.1:5\nhi\n\n"),
            Some(4)
        );
        assert_eq!(e.first_difference(&got(" 127.0.0.1:5\nho\n\n")), Some(32));
        assert_eq!(e.first_difference(&got(" 127")), Some(22));
        assert_eq!(e.timestamp_start(4), Some(0));
        assert_eq!(e.timestamp_start(20), None);
    }

    #[test]
    fn a_time_far_from_the_local_clock_differs() {
        // Eight hours off: a server that stamps UTC in a class in China, or the reverse.
        let then = chrono::Local::now() - chrono::Duration::hours(8);
        let ts = then.format(crate::wire::TIMESTAMP_FORMAT).to_string();
        let got = format!("{ts} 127.0.0.1:5\nhi\n\n");
        assert_eq!(hi().first_difference(got.as_bytes()), Some(0));
        let offset = clock_offset(ts.as_bytes()).unwrap();
        assert!((offset + 8 * 3600).abs() < 5, "{offset}");
        assert_eq!(clock_offset(now().as_bytes()), None);
    }

    #[test]
    fn caret_counts_terminal_columns() {
        let sender: SocketAddr = "127.0.0.1:5".parse().unwrap();
        let e = Expected::message(sender, "你好吗\n".as_bytes());
        let header = format!("{} 127.0.0.1:5\n", now());
        let got = format!("{header}你好吧\n").into_bytes();
        let at = e.first_difference(&got).unwrap();
        let (exp, rec, caret) = e.side_by_side(&got, at);
        assert!(
            exp.contains("你好吗") && rec.contains("你好吧"),
            "{exp} {rec}"
        );
        // The quote, the escaped header (`\n` is two columns), then 你好 (four columns).
        let before = format!("\"{}\\n你好", header.trim_end());
        assert_eq!(caret, before.width());
    }

    #[test]
    fn escape_is_readable() {
        assert_eq!(escape(b"hi\n\xff\"\\"), "\"hi\\n\\xff\\\"\\\\\"");
        assert_eq!(escape("你好".as_bytes()), "\"你好\"");
    }
}
