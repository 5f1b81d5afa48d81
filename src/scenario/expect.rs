//! What a client must receive, and how it compares with what it did receive: the
//! expected bytes as tokens (a header's time matched by its form, the rest exactly), the
//! first byte that cannot match, and the two lines a student reads with a caret between
//! them.
//!
//! A header's time is matched in one of two ways ([`HeaderMode`]): exactly as the notes
//! write it (`%Y%m/%d %H:%M:%S`, this machine's local time), or by its structure only (a
//! date and time of any format, then a space, the sender's `ip:port` and a newline), so
//! that a server that writes `2026/12/07 18:04:05` still gets every verdict on what it
//! does; one scenario checks the exact format, and `--strict` checks it everywhere.

use super::Piece;
use crate::wire::{timestamp_prefix, TIMESTAMP_FORMAT, TIMESTAMP_LEN};
use std::net::SocketAddr;
use unicode_width::UnicodeWidthStr;

/// How a header's time is matched.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum HeaderMode {
    /// The notes' format, and within a few minutes of this machine's local time.
    Exact,
    /// Any date and time: at least six digits, no control characters, before the space
    /// and the sender's address.
    Structure,
}

/// Part of an expectation: known bytes, or a header's time.
pub(crate) enum Token {
    Bytes(Vec<u8>),
    Timestamp,
}

/// How what came compares with what is expected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Match {
    /// All of it came: it took this many bytes of what was received.
    Complete(usize),
    /// What came so far matches; more must come.
    Partial,
    /// The first byte that cannot match, as an offset in what was received.
    Differs(usize),
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

/// The longest a header line may be, time and address, before it cannot be one.
const MAX_HEADER: usize = 96;

/// How the expected text shows a header's time that it could not take from what came.
const TIME_PLACEHOLDER: &str = "{date time}";

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

    /// The first message expected, after its time: its address line and its body
    /// (`" 127.0.0.1:5\nhello\n\n"`), to look for in what other clients received.
    pub(crate) fn first_message_after_time(&self) -> Option<Vec<u8>> {
        match self.tokens.as_slice() {
            [Token::Timestamp, Token::Bytes(address), Token::Bytes(body), ..] => {
                Some([address.as_slice(), body].concat())
            }
            _ => None,
        }
    }

    /// As a transcript shows it, each header's time as `{TS}`.
    pub(crate) fn show(&self) -> String {
        let mut text = String::from("\"");
        for t in &self.tokens {
            match t {
                Token::Bytes(b) => text.push_str(escape(b).trim_matches('"')),
                Token::Timestamp => text.push_str("{TS}"),
            }
        }
        text.push('"');
        text
    }

    /// How `got` compares: complete, a prefix of it so far, or different from a byte on.
    pub(crate) fn matches(&self, got: &[u8], mode: HeaderMode) -> Match {
        let mut at = 0;
        for (i, token) in self.tokens.iter().enumerate() {
            let rest = &got[at.min(got.len())..];
            match token {
                Token::Bytes(b) => {
                    if let Some(j) = b.iter().zip(rest).position(|(x, y)| x != y) {
                        return Match::Differs(at + j);
                    }
                    if rest.len() < b.len() {
                        return Match::Partial;
                    }
                    at += b.len();
                }
                Token::Timestamp => match time_len(rest, self.address_after(i), mode) {
                    TimeMatch::Len(n) => at += n,
                    TimeMatch::Partial => return Match::Partial,
                    TimeMatch::Differs(j) => return Match::Differs(at + j),
                },
            }
        }
        Match::Complete(at)
    }

    /// The header's address line that follows token `i` (a time): `" 127.0.0.1:5\n"`.
    fn address_after(&self, i: usize) -> &[u8] {
        match self.tokens.get(i + 1) {
            Some(Token::Bytes(b)) => b,
            _ => b"",
        }
    }

    /// Where each header's time falls in `got`, for the times `got` has so far: (start,
    /// end), the end being where the address begins; by structure, whatever the mode.
    pub(crate) fn times_in(&self, got: &[u8]) -> Vec<(usize, usize)> {
        let mut found = Vec::new();
        let mut at = 0;
        for (i, token) in self.tokens.iter().enumerate() {
            let rest = &got[at.min(got.len())..];
            match token {
                Token::Bytes(b) => at += b.len(),
                Token::Timestamp => {
                    let address = self.address_after(i);
                    let n = match time_len(rest, address, HeaderMode::Structure) {
                        TimeMatch::Len(n) => n,
                        // Where the address is in the line, whatever came before it.
                        _ => line_before(rest, address).unwrap_or(0),
                    };
                    found.push((at, at + n));
                    at += n;
                }
            }
        }
        found
    }

    /// The expected bytes as the report shows them: a header's time taken from `got`
    /// where it matched there (so that the two lines align), else this machine's local
    /// time now in the notes' format (exact) or a placeholder (by structure).
    pub(crate) fn filled(&self, got: &[u8], mode: HeaderMode) -> Vec<u8> {
        let mut expected = Vec::new();
        let mut at = 0;
        for (i, t) in self.tokens.iter().enumerate() {
            let rest = &got[at.min(got.len())..];
            match t {
                Token::Bytes(b) => {
                    expected.extend_from_slice(b);
                    at += b.len();
                }
                Token::Timestamp => match time_len(rest, self.address_after(i), mode) {
                    TimeMatch::Len(n) => {
                        expected.extend_from_slice(&rest[..n]);
                        at += n;
                    }
                    _ => {
                        let shown = match mode {
                            HeaderMode::Exact => {
                                chrono::Local::now().format(TIMESTAMP_FORMAT).to_string()
                            }
                            HeaderMode::Structure => TIME_PLACEHOLDER.to_string(),
                        };
                        expected.extend_from_slice(shown.as_bytes());
                        at += line_before(rest, self.address_after(i)).unwrap_or(shown.len());
                    }
                },
            }
        }
        expected
    }

    /// Expected and received around byte `at` of `got`, escaped, each marked with `…`
    /// where it was cut, and the terminal column of the caret under the first difference
    /// (a Chinese character is two columns wide).
    pub(crate) fn side_by_side(
        &self,
        got: &[u8],
        at: usize,
        mode: HeaderMode,
    ) -> (String, String, usize) {
        let expected = self.filled(got, mode);
        let from = start_of_char(got, at.saturating_sub(40));
        // Each side up to 40 bytes past the difference, and no further than the end of the
        // message the difference falls in; `…` where a message was cut.
        let window = |data: &[u8]| {
            let start = from.min(data.len());
            let message_end = crate::wire::headers(data)
                .iter()
                .map(|h| h.at)
                .find(|&h| h > at)
                .unwrap_or(data.len());
            let end = start_of_char(data, (at + 40).min(message_end).min(data.len())).max(start);
            let mut text = escape(&data[start..end]);
            if end < message_end {
                text.push('…');
            }
            text
        };
        let dots = if from > 0 { "…" } else { "" };
        // The escaped text before the character that differs, without its closing quote.
        let caret = escape(&got[from..start_of_char(got, at).max(from)]).width() - 1;
        (
            format!("{dots}{}", window(&expected)),
            format!("{dots}{}", window(got)),
            caret + dots.width(),
        )
    }
}

/// How a header's time compares with what came.
enum TimeMatch {
    /// It is a time, this many bytes long.
    Len(usize),
    /// It may still become one.
    Partial,
    /// It is not: the first byte that cannot match, from the time's start.
    Differs(usize),
}

/// Matches a header's time at the start of `rest`, the header's address line (`" ip:port\n"`)
/// following it.
fn time_len(rest: &[u8], address: &[u8], mode: HeaderMode) -> TimeMatch {
    match mode {
        HeaderMode::Exact => {
            let n = timestamp_prefix(rest);
            if n < TIMESTAMP_LEN {
                return if n == rest.len() {
                    TimeMatch::Partial
                } else {
                    TimeMatch::Differs(n)
                };
            }
            if clock_offset(&rest[..TIMESTAMP_LEN]).is_some() {
                return TimeMatch::Differs(0);
            }
            TimeMatch::Len(TIMESTAMP_LEN)
        }
        HeaderMode::Structure => {
            let Some(newline) = rest.iter().position(|&b| b == b'\n') else {
                return if rest.len() > MAX_HEADER || rest.iter().any(u8::is_ascii_control) {
                    TimeMatch::Differs(0)
                } else {
                    TimeMatch::Partial
                };
            };
            let line = &rest[..=newline];
            let Some(time) = line.strip_suffix(address) else {
                // A time, then another address: where the address first differs. No time:
                // the header differs from its start.
                let space = line.iter().rposition(|&b| b == b' ').unwrap_or(0);
                if space == 0 || !is_a_time(&line[..space]) {
                    return TimeMatch::Differs(0);
                }
                let tail = &line[space..];
                let j = tail
                    .iter()
                    .zip(address)
                    .position(|(x, y)| x != y)
                    .unwrap_or(tail.len().min(address.len()));
                return TimeMatch::Differs(space + j);
            };
            if is_a_time(time) {
                TimeMatch::Len(time.len())
            } else {
                TimeMatch::Differs(0)
            }
        }
    }
}

/// Whether `text` can be a date and time: at least six digits, nothing unprintable.
fn is_a_time(text: &[u8]) -> bool {
    text.iter().filter(|b| b.is_ascii_digit()).count() >= 6
        && !text.iter().any(u8::is_ascii_control)
}

/// How many bytes of the first line of `rest` come before `address`, if the line ends
/// with it.
fn line_before(rest: &[u8], address: &[u8]) -> Option<usize> {
    let newline = rest.iter().position(|&b| b == b'\n')?;
    rest[..=newline].strip_suffix(address).map(<[u8]>::len)
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
    crate::tr!("shortened", head = head, tail = tail, n = chars.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The current time in the notes' format, as a server would stamp a message now.
    fn now() -> String {
        chrono::Local::now().format(TIMESTAMP_FORMAT).to_string()
    }

    fn hi() -> Expected {
        Expected::message("127.0.0.1:5".parse().unwrap(), b"hi\n\n")
    }

    #[test]
    fn the_notes_time_matches_exactly() {
        let e = hi();
        let ts = now();
        let got = |rest: &str| format!("{ts}{rest}").into_bytes();
        let whole = got(" 127.0.0.1:5\nhi\n\n");
        assert_eq!(
            e.matches(&whole, HeaderMode::Exact),
            Match::Complete(whole.len())
        );
        assert_eq!(
            e.matches(
                b"2026-11-25 16:35:53 127.0.0.1:5\nhi\n\n",
                HeaderMode::Exact
            ),
            Match::Differs(4)
        );
        assert_eq!(
            e.matches(&got(" 127.0.0.1:5\nho\n\n"), HeaderMode::Exact),
            Match::Differs(32)
        );
        assert_eq!(e.matches(&got(" 127"), HeaderMode::Exact), Match::Partial);
    }

    #[test]
    fn any_date_and_time_matches_by_structure() {
        let e = hi();
        for header in [
            "2026/12/07 18:04:05",
            "2026-12-07T18:04:05",
            "202612/07 18:04:05",
            "12/07/2026 6:04:05 PM",
        ] {
            let got = format!("{header} 127.0.0.1:5\nhi\n\n").into_bytes();
            assert_eq!(
                e.matches(&got, HeaderMode::Structure),
                Match::Complete(got.len()),
                "{header}"
            );
            assert_eq!(e.times_in(&got), vec![(0, header.len())]);
        }
        // No time: the header is only the address.
        assert_eq!(
            e.matches(b"127.0.0.1:5\nhi\n\n", HeaderMode::Structure),
            Match::Differs(0)
        );
        // Another sender's port.
        let got = format!("{} 127.0.0.1:6\nhi\n\n", now()).into_bytes();
        assert_eq!(e.matches(&got, HeaderMode::Structure), Match::Differs(29));
        // Not yet a whole line.
        assert_eq!(
            e.matches(b"2026/12/07 18:0", HeaderMode::Structure),
            Match::Partial
        );
    }

    #[test]
    fn a_time_far_from_the_local_clock_differs_and_is_shown_as_expected() {
        // Eight hours off: a server that stamps UTC in a class in China, or the reverse.
        let then = chrono::Local::now() - chrono::Duration::hours(8);
        let ts = then.format(TIMESTAMP_FORMAT).to_string();
        let got = format!("{ts} 127.0.0.1:5\nhi\n\n");
        assert_eq!(
            hi().matches(got.as_bytes(), HeaderMode::Exact),
            Match::Differs(0)
        );
        assert_eq!(
            hi().matches(got.as_bytes(), HeaderMode::Structure),
            Match::Complete(got.len())
        );
        let offset = clock_offset(ts.as_bytes()).unwrap();
        assert!((offset + 8 * 3600).abs() < 5, "{offset}");
        assert_eq!(clock_offset(now().as_bytes()), None);
        // What was expected is this machine's time, not the time that came.
        let (exp, rec, _) = hi().side_by_side(got.as_bytes(), 0, HeaderMode::Exact);
        assert_ne!(exp, rec);
        assert!(exp.contains(&now()[..13]), "{exp}");
    }

    #[test]
    fn caret_counts_terminal_columns() {
        let sender: SocketAddr = "127.0.0.1:5".parse().unwrap();
        let e = Expected::message(sender, "你好吗\n".as_bytes());
        let header = format!("{} 127.0.0.1:5\n", now());
        let got = format!("{header}你好吧\n").into_bytes();
        let Match::Differs(at) = e.matches(&got, HeaderMode::Exact) else {
            panic!("a difference")
        };
        let (exp, rec, caret) = e.side_by_side(&got, at, HeaderMode::Exact);
        assert!(
            exp.contains("你好吗") && rec.contains("你好吧"),
            "{exp} {rec}"
        );
        // The quote, the escaped header (`\n` is two columns), then 你好 (four columns).
        let before = format!("\"{}\\n你好", header.trim_end());
        assert_eq!(caret, before.width());
    }

    #[test]
    fn a_cut_is_marked() {
        let e = hi();
        let got = format!("{} 127.0.0.1:5\nhx{}\n\n", now(), "y".repeat(200)).into_bytes();
        let Match::Differs(at) = e.matches(&got, HeaderMode::Exact) else {
            panic!("a difference")
        };
        let (_, rec, _) = e.side_by_side(&got, at, HeaderMode::Exact);
        assert!(rec.ends_with('…'), "{rec}");
    }

    #[test]
    fn escape_is_readable() {
        assert_eq!(escape(b"hi\n\xff\"\\"), "\"hi\\n\\xff\\\"\\\\\"");
        assert_eq!(escape("你好".as_bytes()), "\"你好\"");
    }
}
