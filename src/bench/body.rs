//! What every measured message carries, so that each delivery can be checked on its own:
//! who sent it, its sequence number, when it was sent, and a digest of all of that.
//!
//! A body is one line of printable ASCII, exactly `--size` bytes before its `\n`:
//!
//! ```text
//! #0003000000a70000004c4b40.......................9f3ab2c1
//! ^^   ^       ^           ^                      ^
//! |    |       |           padding (dots)         digest: 8 hex digits of the rest
//! |    |       sent: nanoseconds since the run began, 12 hex digits
//! |    sequence number from that sender, 8 hex digits (0, 1, 2, ...)
//! sender: 4 hex digits (the client's index), after the `#` that marks a body
//! ```
//!
//! A chat server frames it as any line: `"{time} {ip}:{port}\n" + body + "\n" + "\n"`
//! in stages 6-7 (the line keeps its own `\n`), the same in stages 2-5 as long as one
//! `recv(1024)` holds whole lines. A body that a server cut (stages 2-5 split what they
//! read at 1024 bytes) or mixed with another fails its length or its digest, and counts
//! as garbled. The digest is a multiply-rotate hash over 8-byte words: a few nanoseconds
//! for a 64-byte body, so that checking every delivery does not limit the bench.
//!
//! Registration uses a second kind of line, `!` + the sender's index + a round number
//! (`!0003` `0001`), never counted as a delivery.

/// The shortest body: `#`, sender, sequence number, time, digest.
pub(crate) const MIN_SIZE: usize = 1 + 4 + 8 + 12 + 8;

/// The most clients one run can have: the sender field has 4 hex digits.
pub(crate) const MAX_CLIENTS: usize = 0xffff;

/// What an intact body says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Stamp {
    /// The index of the client that sent it.
    pub(crate) sender: u16,
    /// Its place among that sender's messages: 0, 1, 2, ...
    pub(crate) seq: u32,
    /// When it was sent (open loop: when it was due), in nanoseconds since the run began.
    pub(crate) sent_ns: u64,
}

/// Appends the body for `stamp`, `size` bytes, and its `\n` to `out`.
pub(crate) fn write(out: &mut Vec<u8>, size: usize, stamp: Stamp) {
    debug_assert!(size >= MIN_SIZE);
    let start = out.len();
    out.push(b'#');
    hex(out, u64::from(stamp.sender), 4);
    hex(out, u64::from(stamp.seq), 8);
    hex(out, stamp.sent_ns, 12);
    out.resize(start + size - 8, b'.');
    let digest = digest(&out[start..]);
    hex(out, u64::from(digest), 8);
    out.push(b'\n');
}

/// The stamp of `line` (without its `\n`) if it is an intact body of `size` bytes.
pub(crate) fn check(line: &[u8], size: usize) -> Option<Stamp> {
    if line.len() != size || line.first() != Some(&b'#') {
        return None;
    }
    let (text, sum) = line.split_at(size - 8);
    if hex_digits(sum) != u64::from(digest(text)) {
        return None;
    }
    // The digest vouches for every byte before it: the fields are the sender's hex digits.
    Some(Stamp {
        sender: hex_digits(&text[1..5]) as u16,
        seq: hex_digits(&text[5..13]) as u32,
        sent_ns: (hex_digits(&text[13..17]) << 32) | hex_digits(&text[17..25]),
    })
}

/// Appends a registration line: `!` + sender + round, and `\n`.
pub(crate) fn write_sync(out: &mut Vec<u8>, sender: u16, round: u16) {
    out.push(b'!');
    hex(out, u64::from(sender), 4);
    hex(out, u64::from(round), 4);
    out.push(b'\n');
}

/// The sender of `line` if it is a registration line.
pub(crate) fn check_sync(line: &[u8]) -> Option<u16> {
    if line.len() != 9 || line[0] != b'!' {
        return None;
    }
    parse_hex(&line[1..9])?;
    Some(parse_hex(&line[1..5])? as u16)
}

/// Lower-case hex digits of `value`, exactly `digits` of them (higher bits are dropped).
fn hex(out: &mut Vec<u8>, value: u64, digits: u32) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for i in (0..digits).rev() {
        out.push(DIGITS[((value >> (4 * i)) & 0xf) as usize]);
    }
}

/// The value of lower-case hex digits; None if one is not a hex digit.
fn parse_hex(text: &[u8]) -> Option<u64> {
    let mut value = 0u64;
    for &c in text {
        let digit = match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            _ => return None,
        };
        value = (value << 4) | u64::from(digit);
    }
    Some(value)
}

/// The value of at most 8 lower-case hex digits, all eight at once (SWAR: a `u64` holds
/// the digits, one per byte). Bytes that are not hex digits give a wrong value, not an
/// error: what it reads has passed the digest, or is the digest being compared.
fn hex_digits(text: &[u8]) -> u64 {
    debug_assert!(text.len() <= 8);
    let mut bytes = [b'0'; 8];
    bytes[8 - text.len()..].copy_from_slice(text);
    let v = u64::from_be_bytes(bytes);
    // '0'-'9' are 0x30-0x39, 'a'-'f' 0x61-0x66: the low nibble, plus 9 for a letter.
    let letters = (v & 0x4040_4040_4040_4040) >> 6;
    let v = (v & 0x0f0f_0f0f_0f0f_0f0f) + letters * 9;
    // Pack the eight nibbles: pairs into bytes, bytes into 16 bits, then into 32.
    let v = ((v >> 4) | v) & 0x00ff_00ff_00ff_00ff;
    let v = ((v >> 8) | v) & 0x0000_ffff_0000_ffff;
    ((v >> 16) | v) & 0x0000_0000_ffff_ffff
}

/// A 32-bit digest of `bytes`: each 8-byte word is mixed in with a multiply and a
/// rotate, both of which lose nothing, so any change within one word always shows.
fn digest(bytes: &[u8]) -> u32 {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let mix = |h: u64, word: u64| (h ^ word).wrapping_mul(K).rotate_left(29);
    let mut h = bytes.len() as u64;
    let mut words = bytes.chunks_exact(8);
    for word in &mut words {
        h = mix(h, u64::from_le_bytes(word.try_into().expect("8 bytes")));
    }
    let rest = words.remainder();
    if !rest.is_empty() {
        let mut last = [0u8; 8];
        last[..rest.len()].copy_from_slice(rest);
        h = mix(h, u64::from_le_bytes(last));
    }
    (h ^ (h >> 32)) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    const STAMP: Stamp = Stamp {
        sender: 3,
        seq: 0xa7,
        sent_ns: 5_000_000,
    };

    #[test]
    fn a_body_is_its_size_and_checks() {
        let mut out = Vec::new();
        write(&mut out, 64, STAMP);
        assert_eq!(out.len(), 65);
        assert_eq!(out.last(), Some(&b'\n'));
        assert!(out.starts_with(b"#0003000000a70000004c4b40...."), "{out:?}");
        assert_eq!(check(&out[..64], 64), Some(STAMP));
        // The shortest body has no padding.
        let mut short = Vec::new();
        write(&mut short, MIN_SIZE, STAMP);
        assert_eq!(check(&short[..MIN_SIZE], MIN_SIZE), Some(STAMP));
    }

    #[test]
    fn a_changed_cut_or_joined_body_is_garbled() {
        let mut out = Vec::new();
        write(&mut out, 64, STAMP);
        let line = &out[..64];
        for i in 0..64 {
            let mut changed = line.to_vec();
            changed[i] ^= 0x01;
            assert_eq!(check(&changed, 64), None, "byte {i} changed");
        }
        assert_eq!(check(&line[..40], 64), None);
        assert_eq!(check(&line[..40], 40), None);
        let mut other = Vec::new();
        write(&mut other, 64, Stamp { seq: 0xa8, ..STAMP });
        let joined = [&line[..32], &other[32..64]].concat();
        assert_eq!(check(&joined, 64), None);
    }

    #[test]
    fn hex_digits_all_at_once() {
        for value in [0u64, 1, 0xa7, 0xdead_beef, 0xffff_ffff, 0x1234_5678] {
            let mut out = Vec::new();
            hex(&mut out, value, 8);
            assert_eq!(hex_digits(&out), value);
            assert_eq!(parse_hex(&out), Some(value));
        }
        assert_eq!(hex_digits(b"00a7"), 0xa7);
        assert_eq!(hex_digits(b""), 0);
        assert_eq!(parse_hex(b"00g7"), None);
    }

    #[test]
    fn sync_lines_are_not_bodies() {
        let mut out = Vec::new();
        write_sync(&mut out, 0x12, 7);
        assert_eq!(out, b"!00120007\n");
        assert_eq!(check_sync(&out[..9]), Some(0x12));
        assert_eq!(check(&out[..9], 9), None);
        assert_eq!(check_sync(b"#00120007"), None);
    }
}
