//! `ClientCommand`: the `/` commands of `netlab client`, to misbehave on purpose without
//! pasting Python.
//!
//! The stage pages ask students to reset a connection, half-close it, send bytes that are
//! not UTF-8, or flood the server, and each of those used to be a `python3 -c` line. The
//! client's `>> ` prompt does them directly. They are netlab's additions around the notes'
//! client, which knows none of them: they act on its socket beside the notes' code, and
//! every line without a leading `/` is still the notes' `send()`.
//!
//! | typed             | on the wire                                | in Python                                              |
//! |-------------------|--------------------------------------------|--------------------------------------------------------|
//! | `/reset`          | RST instead of FIN; then the client exits  | `s.setsockopt(SOL_SOCKET, SO_LINGER, pack('ii', 1, 0)); s.close()` |
//! | `/halfclose`      | FIN; the client keeps reading              | `s.shutdown(socket.SHUT_WR)`                           |
//! | `/bytes ff fe 0a` | exactly those bytes, nothing added         | `s.sendall(b'\xff\xfe\n')`                             |
//! | `/flood N`        | `flood 1\n` ... `flood N\n`, in one burst  | `s.sendall(''.join(...).encode())`                     |
//! | `/help`           | nothing: the list of commands              |                                                        |
//! | `//text`          | `/text\n`, as any typed line               | `cc.send('/text')`                                     |
//!
//! Any other line that starts with `/` gets a one-line error, and nothing is sent: a typo
//! in a command must not reach the chat.

use crate::logging::NETLAB;
use crate::py::{self, Exception, Interpreter};
use crate::stage::ChatClient;
use std::fmt::Write as _;
use std::net::Shutdown;
use std::time::{Duration, Instant};

/// The most lines one `/flood` sends: enough to bury a chat (and to show `recv(1024)`
/// cutting lines in stages 2-5), small enough that the burst ends within a second.
pub const MAX_FLOOD: usize = 10_000;

/// One `/` command typed at the client's prompt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum ClientCommand {
    /// `/reset`: SO_LINGER {on, 0}, then close(): the kernel sends RST, not FIN.
    Reset,
    /// `/halfclose`: shutdown(SHUT_WR): FIN goes out, and the client still reads.
    HalfClose,
    /// `/bytes ff fe 0a`: these bytes, as they are (no strip, no newline added).
    Bytes(Vec<u8>),
    /// `/flood N`: N numbered lines, sent in one burst.
    Flood(usize),
    /// `/help`: the list of commands.
    Help,
    /// `//text`: the chat line `/text`, sent as any typed line is.
    Line(String),
}

/// What the client does after a command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum After {
    /// Prompt for the next line.
    Continue,
    /// The connection is gone: exit with this code.
    Exit(i32),
}

impl ClientCommand {
    /// The command on a typed line: `None` for a chat line (no leading `/`), `Some(Err)`
    /// with a one-line reason for a `/` line that is not a command (nothing is sent then).
    pub(crate) fn parse(line: &str) -> Option<Result<ClientCommand, String>> {
        let rest = py::strip(line).strip_prefix('/')?;
        if rest.starts_with('/') {
            return Some(Ok(ClientCommand::Line(rest.to_string())));
        }
        let (name, args) = match rest.split_once(char::is_whitespace) {
            Some((name, args)) => (name, py::strip(args)),
            None => (rest, ""),
        };
        let bare = |command: ClientCommand| {
            if args.is_empty() {
                Ok(command)
            } else {
                Err(crate::tr!("client-command-bare", name = name))
            }
        };
        Some(match name {
            "reset" => bare(ClientCommand::Reset),
            "halfclose" => bare(ClientCommand::HalfClose),
            "help" => bare(ClientCommand::Help),
            "bytes" => parse_hex(args).map(ClientCommand::Bytes),
            "flood" => match args.parse::<usize>() {
                Ok(n) if (1..=MAX_FLOOD).contains(&n) => Ok(ClientCommand::Flood(n)),
                _ => Err(crate::tr!("client-command-flood", max = MAX_FLOOD)),
            },
            _ => Err(crate::tr!("client-command-unknown", name = name)),
        })
    }

    /// What the command is called in messages: `/reset`, ...; `send` for `//text`.
    pub(crate) fn name(&self) -> &'static str {
        match self {
            ClientCommand::Reset => "/reset",
            ClientCommand::HalfClose => "/halfclose",
            ClientCommand::Bytes(_) => "/bytes",
            ClientCommand::Flood(_) => "/flood",
            ClientCommand::Help => "/help",
            ClientCommand::Line(_) => "send",
        }
    }

    /// Runs the command on `client`'s socket. `interp` is the client's program, which
    /// `/reset` silences before it wakes the recv thread (the client exits). An error is
    /// what the socket call raised: the connection is gone.
    pub(crate) fn run(&self, client: &dyn ChatClient, interp: &Interpreter) -> py::Result<After> {
        let sock = client.socket();
        match self {
            ClientCommand::Reset => {
                let os = sock
                    .os_socket()
                    .ok_or_else(|| Exception::bad_file_descriptor())?;
                // SO_LINGER {on, 0}: close() then drops whatever is unsent and answers with
                // RST, where a normal close() sends FIN.
                os.set_linger(Some(Duration::ZERO))
                    .map_err(|e| Exception::os(&e))?;
                // The client exits now; what its recv thread sees from here on is netlab's doing.
                interp.silence();
                // The kernel acts on close() only when the last reference goes, and the recv
                // thread, blocked in recv(), holds one: closing from this thread would not
                // wake it (python-originals §12 M3). shutdown(SHUT_RD) wakes it and sends nothing;
                // then it finds the socket closed and ends, and the last close sends RST.
                let _ = os.shutdown(Shutdown::Read);
                drop(os);
                sock.close();
                interp.wait_threads(Instant::now() + Duration::from_secs(2));
                log::info!(target: NETLAB, "{}", crate::tr!("client-reset"));
                Ok(After::Exit(0))
            }
            ClientCommand::HalfClose => {
                sock.shutdown(Shutdown::Write)?;
                log::info!(target: NETLAB, "{}", crate::tr!("client-halfclose"));
                Ok(After::Continue)
            }
            ClientCommand::Bytes(bytes) => {
                sock.sendall(bytes)?;
                log::info!(
                    target: NETLAB,
                    "{}",
                    crate::tr!(
                        "client-bytes",
                        n = bytes.len(),
                        bytes = py::bytes_repr(bytes)
                    )
                );
                Ok(After::Continue)
            }
            ClientCommand::Flood(n) => {
                let mut data = String::new();
                for i in 1..=*n {
                    let _ = writeln!(data, "flood {i}");
                }
                let started = Instant::now();
                sock.sendall(data.as_bytes())?;
                log::info!(
                    target: NETLAB,
                    "{}",
                    crate::tr!(
                        "client-flood",
                        n = *n,
                        bytes = data.len(),
                        ms = format!("{:.1}", started.elapsed().as_secs_f64() * 1000.0)
                    )
                );
                Ok(After::Continue)
            }
            ClientCommand::Help => {
                log::info!(target: NETLAB, "{}", help());
                Ok(After::Continue)
            }
            ClientCommand::Line(text) => {
                client.send(text)?;
                Ok(After::Continue)
            }
        }
    }
}

/// `/bytes ff fe 0a` (or `fffe0a`): two hex digits per byte, spaces where you like.
fn parse_hex(args: &str) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    for token in args.split_whitespace() {
        if token.len() % 2 != 0 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(crate::tr!("client-command-hex", token = token));
        }
        for pair in token.as_bytes().chunks(2) {
            let pair = std::str::from_utf8(pair).expect("ASCII hex digits");
            bytes.push(u8::from_str_radix(pair, 16).expect("checked hex digits"));
        }
    }
    if bytes.is_empty() {
        return Err(crate::tr!("client-command-no-bytes"));
    }
    Ok(bytes)
}

/// What `/help` prints.
pub(crate) fn help() -> String {
    crate::tr!("client-help", max = MAX_FLOOD)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &str) -> Option<Result<ClientCommand, String>> {
        ClientCommand::parse(line)
    }

    #[test]
    fn chat_lines_are_not_commands() {
        assert_eq!(parse("hello /reset"), None);
        assert_eq!(parse("quit"), None);
        assert_eq!(parse(""), None);
    }

    #[test]
    fn commands_are_stripped_like_typed_lines() {
        assert_eq!(parse("  /reset \n"), Some(Ok(ClientCommand::Reset)));
        assert_eq!(parse("/halfclose\n"), Some(Ok(ClientCommand::HalfClose)));
        assert_eq!(parse("/help"), Some(Ok(ClientCommand::Help)));
    }

    #[test]
    fn bytes_take_hex_pairs_with_or_without_spaces() {
        let want = Some(Ok(ClientCommand::Bytes(vec![0xff, 0xfe, 0x0a])));
        assert_eq!(parse("/bytes ff fe 0a"), want);
        assert_eq!(parse("/bytes FFFE0a\n"), want);
        assert!(matches!(parse("/bytes"), Some(Err(_))));
        assert!(matches!(parse("/bytes f"), Some(Err(_))));
        assert!(matches!(parse("/bytes zz"), Some(Err(_))));
        assert!(matches!(parse("/bytes 中文"), Some(Err(_))));
    }

    #[test]
    fn flood_is_bounded() {
        assert_eq!(parse("/flood 3"), Some(Ok(ClientCommand::Flood(3))));
        assert_eq!(
            parse(&format!("/flood {MAX_FLOOD}")),
            Some(Ok(ClientCommand::Flood(MAX_FLOOD)))
        );
        for bad in ["/flood", "/flood 0", "/flood -1", "/flood many"] {
            assert!(matches!(parse(bad), Some(Err(_))), "{bad}");
        }
        assert!(matches!(
            parse(&format!("/flood {}", MAX_FLOOD + 1)),
            Some(Err(_))
        ));
    }

    #[test]
    fn a_doubled_slash_is_a_chat_line() {
        assert_eq!(
            parse("//reset me"),
            Some(Ok(ClientCommand::Line("/reset me".into())))
        );
        assert_eq!(parse("//"), Some(Ok(ClientCommand::Line("/".into()))));
    }

    #[test]
    fn unknown_commands_and_stray_arguments_are_one_line_errors() {
        for bad in ["/nope", "/", "/reset now", "/help me"] {
            match parse(bad) {
                Some(Err(why)) => {
                    assert!(!why.contains('\n'), "{why}");
                    assert!(why.contains("nothing was sent"), "{why}");
                }
                other => panic!("{bad}: {other:?}"),
            }
        }
    }
}
