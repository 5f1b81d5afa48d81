//! Python's text rules where the stages depend on them: strict UTF-8 decoding with CPython's
//! error messages, `str.strip()`, `bytes.strip()` and the `repr()` of bytes and addresses.

use super::{Exception, Result};
use std::net::SocketAddr;

/// `data.decode()`: strict UTF-8, raising `UnicodeDecodeError` with CPython's message.
///
/// Stages 2-5 decode each `recv(1024)` chunk on its own, so a multi-byte character cut at
/// byte 1024 fails here ("unexpected end of data"), exactly as it does in Python.
#[track_caller]
pub fn decode(data: &[u8]) -> Result<String> {
    match std::str::from_utf8(data) {
        Ok(text) => Ok(text.to_string()),
        Err(err) => Err(Exception::new(
            "UnicodeDecodeError",
            decode_error_message(data, &err),
        )),
    }
}

/// CPython's wording: `'utf-8' codec can't decode byte 0xff in position 0: invalid start byte`.
fn decode_error_message(data: &[u8], err: &std::str::Utf8Error) -> String {
    let start = err.valid_up_to();
    let (len, reason) = match err.error_len() {
        None => (data.len() - start, "unexpected end of data"),
        Some(len) => {
            let first = data[start];
            // A byte that can never begin a UTF-8 sequence is an "invalid start byte";
            // a valid lead byte followed by a wrong byte is an "invalid continuation byte".
            if (0x80..0xc2).contains(&first) || first > 0xf4 {
                (len, "invalid start byte")
            } else {
                (len, "invalid continuation byte")
            }
        }
    };
    if len == 1 {
        format!(
            "'utf-8' codec can't decode byte {:#04x} in position {start}: {reason}",
            data[start]
        )
    } else {
        format!(
            "'utf-8' codec can't decode bytes in position {start}-{}: {reason}",
            start + len - 1
        )
    }
}

/// `str.strip()`: Python strips every character for which `str.isspace()` is true, which
/// is Unicode white space plus the ASCII separators `\x1c`-`\x1f`.
pub fn strip(text: &str) -> &str {
    text.trim_matches(|c: char| c.is_whitespace() || ('\x1c'..='\x1f').contains(&c))
}

/// `bytes.strip()`: only ASCII white space (space, `\t`, `\n`, `\r`, `\x0b`, `\x0c`).
pub fn strip_bytes(data: &[u8]) -> &[u8] {
    let is_space = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c);
    let start = data.iter().position(|b| !is_space(b)).unwrap_or(data.len());
    let end = data
        .iter()
        .rposition(|b| !is_space(b))
        .map_or(start, |i| i + 1);
    &data[start..end]
}

/// `repr(b)` for bytes: `b'hi'`, `b"I'm ready"`, `b'\xff\n'`.
pub fn bytes_repr(data: &[u8]) -> String {
    // Python picks double quotes only when the bytes hold a ' and no ".
    let quote = if data.contains(&b'\'') && !data.contains(&b'"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(data.len() + 3);
    out.push('b');
    out.push(quote);
    for &b in data {
        match b {
            b'\\' => out.push_str("\\\\"),
            b'\t' => out.push_str("\\t"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            _ if b as char == quote => {
                out.push('\\');
                out.push(quote);
            }
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out.push(quote);
    out
}

/// `repr(client)` for an address tuple: `('127.0.0.1', 51234)`, as the notes log it.
pub fn addr_repr(addr: &SocketAddr) -> String {
    match addr {
        SocketAddr::V4(a) => format!("('{}', {})", a.ip(), a.port()),
        SocketAddr::V6(a) => format!(
            "('{}', {}, {}, {})",
            a.ip(),
            a.port(),
            a.flowinfo(),
            a.scope_id()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The expected strings below are what CPython 3.11 prints for the same input.
    #[test]
    fn decode_errors_match_cpython() {
        let msg = |b: &[u8]| decode(b).unwrap_err().str().to_string();
        assert_eq!(
            msg(b"\xff\xfe\n"),
            "'utf-8' codec can't decode byte 0xff in position 0: invalid start byte"
        );
        let mut zh = "中".repeat(400).into_bytes();
        zh.truncate(1024);
        assert_eq!(
            msg(&zh),
            "'utf-8' codec can't decode byte 0xe4 in position 1023: unexpected end of data"
        );
        assert_eq!(
            msg(b"ab\xe4\xb8"),
            "'utf-8' codec can't decode bytes in position 2-3: unexpected end of data"
        );
        assert_eq!(
            msg(b"\xe4A"),
            "'utf-8' codec can't decode byte 0xe4 in position 0: invalid continuation byte"
        );
        assert_eq!(
            msg(b"\xf0\x90A"),
            "'utf-8' codec can't decode bytes in position 0-1: invalid continuation byte"
        );
    }

    #[test]
    fn strip_like_python() {
        assert_eq!(strip("  quit \r\n"), "quit");
        assert_eq!(strip("\x1c\x1fquit\u{3000}"), "quit");
        assert_eq!(strip("\n"), "");
        assert_eq!(strip_bytes(b" \tI'm ready\n\x0b"), b"I'm ready");
        assert_eq!(strip_bytes(b"\n\n"), b"");
    }

    #[test]
    fn bytes_repr_like_python() {
        assert_eq!(bytes_repr(b"hi from A"), "b'hi from A'");
        assert_eq!(bytes_repr(b"I'm ready"), "b\"I'm ready\"");
        assert_eq!(bytes_repr(b"it's \"x\""), "b'it\\'s \"x\"'");
        assert_eq!(bytes_repr(b"a\nb\\\xff\x00"), "b'a\\nb\\\\\\xff\\x00'");
        assert_eq!(bytes_repr(b""), "b''");
    }

    #[test]
    fn addr_repr_like_python() {
        let a: SocketAddr = "127.0.0.1:51234".parse().unwrap();
        assert_eq!(addr_repr(&a), "('127.0.0.1', 51234)");
        let b: SocketAddr = "[::1]:5".parse().unwrap();
        assert_eq!(addr_repr(&b), "('::1', 5, 0, 0)");
    }
}
