//! The scenarios: what the tutorial's servers do, stage by stage, as the original Python
//! code does it (measured on Linux: docs/en/python-originals.md). Each is an exercise:
//! `shows` says what to look for.
//!
//! A scenario's steps are the notes' contract unless a `Shows` marker says otherwise: from
//! `Shows(Flaw)` on they show a flaw the notes keep on purpose, from `Shows(Accident(..))`
//! what the notes' code does only because it is CPython, from
//! `Shows(ContractButCPython(..))` the contract that CPython's own program breaks. A
//! program judged by the contract (`netlab check` without `--strict`) must pass only the
//! contract's steps; the others are reported (`docs/en/check.md`, "What must hold").
//! Contract steps come first; a flaw's steps after them, since once the flaw shows absent
//! the steps that depend on it have nothing to see.

use super::load;
use super::model::Class::{Accident, Contract, ContractButCPython, Flaw};
use super::model::Data::{Bytes, Parts, Repeat};
use super::model::Piece::Message;
use super::model::Step::*;
use super::model::{msg, raw, ClientScenario, ClientStep, Experiment, Piece, Scenario};
use super::End;

/// A message from `from` with an empty body: what a stage 2-3 server broadcasts for every
/// `b''` it reads from a closed client.
const fn empty(from: &'static str, times: usize) -> Piece {
    Message {
        from,
        body: Bytes(b""),
        times,
    }
}

/// Every scenario, in the order of the stages that introduce them.
pub static SCENARIOS: &[Scenario] = &[
    // ---------------------------------------------------------------- stage 1
    Scenario {
        name: "serves_clients_in_accept_order",
        shows: "stage 1 serves one client at a time, in the order it accepted them: B, who spoke first, waits for A",
        steps: &[
            Arrive("A"),
            Arrive("B"),
            Send("B", Bytes(b"hi from B")),
            Quiet("B", 300),
            Send("A", Bytes(b"hi from A")),
            Expect("A", &[raw(b"welcome to network! ")]),
            Ends("A", End::Eof),
            Says("{A.repr} b'hi from A'"),
            Expect("B", &[raw(b"hello python")]),
            Ends("B", End::Eof),
            Says("{B.repr} b'hi from B'"),
            ThreadEnds("MainThread"),
        ],
    },
    Scenario {
        name: "reset_kills_the_server",
        shows: "an exception in stage 1 ends the whole server: a client that resets before sending, and B is never served",
        steps: &[
            Arrive("A"),
            Arrive("B"),
            Send("B", Bytes(b"hi from B")),
            Reset("A"),
            Shows(Flaw),
            ThreadDies("MainThread", "ConnectionResetError: [Errno 104] Connection reset by peer"),
            NoData("B", 300),
        ],
    },
    Scenario {
        name: "unread_bytes_make_a_reset",
        shows: "stage 1 reads 1024 bytes and closes; the kernel answers the 3976 unread bytes with RST, after the welcome",
        steps: &[
            Arrive("A"),
            Send("A", Repeat(b"x", 5000)),
            Expect("A", &[raw(b"welcome to network! ")]),
            Shows(Flaw),
            Ends("A", End::Reset),
            Shows(Contract),
            Arrive("B"),
            Send("B", Bytes(b"hi")),
            Expect("B", &[raw(b"hello python")]),
            Ends("B", End::Eof),
            ThreadEnds("MainThread"),
        ],
    },
    Scenario {
        name: "silent_client_still_gets_its_welcome",
        shows: "a client that closes without sending: recv() returns b'' and stage 1 sends the welcome to a closed peer without error",
        steps: &[
            Arrive("A"),
            Close("A"),
            Says("{A.repr} b''"),
            Arrive("B"),
            Send("B", Bytes(b"hi")),
            Expect("B", &[raw(b"hello python")]),
            Ends("B", End::Eof),
            ThreadEnds("MainThread"),
        ],
    },
    // ------------------------------------------------------------- stages 2-7
    Scenario {
        name: "broadcasts_to_everyone",
        shows: "every message goes to every client, the sender included, behind a header with the notes' odd timestamp",
        steps: &[
            Connect("A"),
            Connect("B"),
            Send("A", Bytes(b"hello\n")),
            Expect("A", &[msg("A", b"hello\n")]),
            Expect("B", &[msg("A", b"hello\n")]),
            Send("B", Bytes(b"world\n")),
            Expect("A", &[msg("B", b"world\n")]),
            Expect("B", &[msg("B", b"world\n")]),
        ],
    },
    Scenario {
        name: "utf8_goes_through",
        shows: "text is UTF-8 on the wire: \"你好\" is six bytes, sent back as they came",
        steps: &[
            Connect("A"),
            Connect("B"),
            Send("A", Bytes("你好\n".as_bytes())),
            Expect("B", &[msg("A", "你好\n".as_bytes())]),
        ],
    },
    Scenario {
        name: "header_has_the_notes_format",
        shows: "the header's time is written as the notes write it, %Y%m/%d %H:%M:%S (202611/25 16:35:53: year and month glued, a slash before the day), in this machine's local time; every other scenario accepts any date and time",
        steps: &[
            Connect("A"),
            Send("A", Bytes(b"what time is it?\n")),
            ExpectExactHeader("A", &[msg("A", b"what time is it?\n")]),
        ],
    },
    // ------------------------------------------------------------- stages 2-3
    Scenario {
        name: "quit_is_just_text",
        shows: "before stage 4 `quit` means nothing: it is broadcast like any text and the client stays",
        steps: &[
            Connect("A"),
            Connect("B"),
            Shows(Flaw),
            Send("A", Bytes(b"quit\n")),
            Expect("A", &[msg("A", b"quit\n")]),
            Expect("B", &[msg("A", b"quit\n")]),
            Send("B", Bytes(b"after\n")),
            Expect("A", &[msg("B", b"after\n")]),
        ],
    },
    Scenario {
        name: "long_line_is_cut_every_1024_bytes",
        shows: "recv(1024) is not a message: 5000 bytes arrive as five broadcasts, and the later newline as a sixth",
        steps: &[
            Connect("A"),
            Connect("B"),
            Shows(Flaw),
            Send("A", Repeat(b"x", 5000)),
            Expect(
                "B",
                &[
                    Message { from: "A", body: Repeat(b"x", 1024), times: 4 },
                    Message { from: "A", body: Repeat(b"x", 904), times: 1 },
                ],
            ),
            Send("A", Bytes(b"\n")),
            Expect("B", &[msg("A", b"\n")]),
        ],
    },
    Scenario {
        name: "closed_first_client_gets_one_empty_broadcast",
        shows: "stage 2 does not notice a closed client: B gets one empty broadcast, then A's thread dies on a broken pipe",
        steps: &[
            Connect("A"),
            Connect("B"),
            Close("A"),
            Shows(Flaw),
            Expect("B", &[empty("A", 1)]),
            ThreadDies("recv {A}", "BrokenPipeError: [Errno 32] Broken pipe"),
            Quiet("B", 300),
        ],
    },
    Scenario {
        name: "closed_second_client_gets_two_empty_broadcasts",
        shows: "when the second client closes, the first gets two empty broadcasts before that thread dies",
        steps: &[
            Connect("A"),
            Connect("B"),
            Close("B"),
            Shows(Flaw),
            Expect("A", &[empty("B", 2)]),
            ThreadDies("recv {B}", "BrokenPipeError: [Errno 32] Broken pipe"),
            Quiet("A", 300),
        ],
    },
    Scenario {
        name: "dead_client_kills_later_senders",
        shows: "the closed client stays in the dict, so every later sender's thread dies on it: the chat is dead for everyone",
        steps: &[
            Connect("A"),
            Connect("B"),
            Close("A"),
            Shows(Flaw),
            Expect("B", &[empty("A", 1)]),
            ThreadDies("recv {A}", "BrokenPipeError"),
            Send("B", Bytes(b"after-from-B\n")),
            Says("{B}\nafter-from-B"),
            ThreadDies("recv {B}", "BrokenPipeError: [Errno 32] Broken pipe"),
            Quiet("B", 200),
            Arrive("C"),
            Send("C", Bytes(b"from-C\n")),
            ThreadDies("recv {C}", "BrokenPipeError: [Errno 32] Broken pipe"),
            Quiet("C", 200),
            Send("B", Bytes(b"second-from-B\n")),
            Quiet("B", 300),
        ],
    },
    Scenario {
        name: "half_closed_client_spins",
        shows: "after a half-close, recv() returns b'' forever: empty broadcasts in a busy loop, until netlab stops it",
        steps: &[
            Connect("A"),
            Connect("B"),
            HalfClose("A"),
            Shows(Flaw),
            Expect("A", &[empty("A", crate::py::SPIN_LIMIT)]),
            Expect("B", &[empty("A", crate::py::SPIN_LIMIT)]),
            NetlabOnly("Python's thread spins on b'' for ever, at full speed; netlab ends it after 20"),
            ThreadDies("recv {A}", "netlab.SpinStopped"),
            Quiet("B", 300),
        ],
    },
    // ------------------------------------------------------------- stages 2-5
    Scenario {
        name: "two_lines_in_one_recv_are_one_message",
        shows: "two lines sent at once arrive in one recv() and go out as one message",
        steps: &[
            Connect("A"),
            Connect("B"),
            Shows(Flaw),
            Send("A", Bytes(b"a\nb\n")),
            Expect("B", &[msg("A", b"a\nb\n")]),
            Quiet("B", 300),
        ],
    },
    Scenario {
        name: "split_line_is_two_messages",
        shows: "a line that arrives in two pieces goes out as two messages",
        steps: &[
            Connect("A"),
            Connect("B"),
            Shows(Flaw),
            Send("A", Bytes(b"part1-")),
            Expect("B", &[msg("A", b"part1-")]),
            Send("A", Bytes(b"part2\n")),
            Expect("B", &[msg("A", b"part2\n")]),
        ],
    },
    Scenario {
        name: "character_cut_at_1024_kills_the_thread",
        shows: "a Chinese character cut at byte 1024 cannot be decoded: UnicodeDecodeError kills the thread, nobody gets anything",
        steps: &[
            Connect("A"),
            Connect("B"),
            Shows(Accident("CPython's strict decode() of one recv(1024) raises UnicodeDecodeError for a character cut in two; a server that forwards bytes has nothing to decode")),
            Send("A", Parts(&[Repeat("中".as_bytes(), 400), Bytes(b"\n")])),
            ThreadDies(
                "recv {A}",
                "UnicodeDecodeError: 'utf-8' codec can't decode byte 0xe4 in position 1023: unexpected end of data",
            ),
            Quiet("B", 300),
        ],
    },
    Scenario {
        name: "invalid_utf8_kills_only_that_thread",
        shows: "invalid UTF-8 kills the sender's thread; it stays in the dict and still receives, but is never read again",
        steps: &[
            Connect("A"),
            Connect("B"),
            Shows(Accident("CPython's decode() raises UnicodeDecodeError on bytes that are not UTF-8; a server that forwards bytes need not")),
            Send("A", Bytes(b"\xff\xfe\n")),
            ThreadDies(
                "recv {A}",
                "UnicodeDecodeError: 'utf-8' codec can't decode byte 0xff in position 0: invalid start byte",
            ),
            Send("B", Bytes(b"from-B\n")),
            Expect("A", &[msg("B", b"from-B\n")]),
            Expect("B", &[msg("B", b"from-B\n")]),
            Send("A", Bytes(b"again-A\n")),
            Quiet("B", 300),
        ],
    },
    Scenario {
        name: "reset_client_kills_later_senders",
        shows: "a reset raises ConnectionResetError instead of returning b'': the client stays in the dict and kills every later sender",
        steps: &[
            Connect("A"),
            Connect("B"),
            Reset("A"),
            Shows(Flaw),
            ThreadDies("recv {A}", "ConnectionResetError: [Errno 104] Connection reset by peer"),
            Send("B", Bytes(b"after-from-B\n")),
            ThreadDies("recv {B}", "BrokenPipeError: [Errno 32] Broken pipe"),
            Quiet("B", 200),
            Arrive("C"),
            Send("C", Bytes(b"from-C\n")),
            ThreadDies("recv {C}", "BrokenPipeError: [Errno 32] Broken pipe"),
            Quiet("C", 300),
        ],
    },
    // ------------------------------------------------------------- stages 4-7
    Scenario {
        name: "quit_removes_the_client",
        shows: "from stage 4, `quit` removes the client: no broadcast, the server logs it and closes the connection",
        steps: &[
            Connect("A"),
            Connect("B"),
            Send("A", Bytes(b"quit\n")),
            Ends("A", End::Eof),
            Says("{A.repr} quits"),
            Send("B", Bytes(b"after\n")),
            Expect("B", &[msg("B", b"after\n")]),
        ],
    },
    Scenario {
        name: "blank_line_disconnects",
        shows: "strip() turns a blank line into '', the same as a closed client: an empty line disconnects its sender",
        steps: &[
            Connect("A"),
            Connect("B"),
            Shows(Flaw),
            Send("A", Bytes(b"\n")),
            Ends("A", End::Eof),
            Says("{A.repr} quits"),
            Quiet("B", 200),
        ],
    },
    Scenario {
        name: "closed_client_is_removed",
        shows: "from stage 4, a client that closes is removed cleanly: no empty broadcasts, the chat goes on",
        steps: &[
            Connect("A"),
            Connect("B"),
            Close("A"),
            Says("{A.repr} quits"),
            Send("B", Bytes(b"still-here\n")),
            Expect("B", &[msg("B", b"still-here\n")]),
            Quiet("B", 200),
        ],
    },
    Scenario {
        name: "half_closed_client_is_removed",
        shows: "from stage 4, a half-closed client is removed at once: it gets EOF, and nothing spins",
        steps: &[
            Connect("A"),
            Connect("B"),
            HalfClose("A"),
            Ends("A", End::Eof),
            Says("{A.repr} quits"),
            Quiet("B", 200),
        ],
    },
    // ------------------------------------------------------------- stages 4-5
    Scenario {
        name: "quit_is_matched_after_strip",
        shows: "`quit` is compared after strip() and per recv(): spaces and CRLF still quit, `quit` glued to another line does not",
        steps: &[
            Connect("A"),
            Connect("B"),
            Connect("C"),
            Connect("D"),
            Send("A", Bytes(b"  quit \r\n")),
            Ends("A", End::Eof),
            Send("C", Bytes(b"QUIT\n")),
            Expect("B", &[msg("C", b"QUIT\n")]),
            Expect("D", &[msg("C", b"QUIT\n")]),
            // recv(1024) framing: one recv() is one message, whatever lines it holds.
            Shows(Flaw),
            Send("B", Bytes(b"x\nquit\n")),
            Expect("B", &[msg("B", b"x\nquit\n")]),
            Expect("D", &[msg("B", b"x\nquit\n")]),
            Send("D", Bytes(b"quit")),
            Ends("D", End::Eof),
            Send("B", Bytes(b"still-here\n")),
            Expect("B", &[msg("B", b"still-here\n")]),
        ],
    },
    Scenario {
        name: "long_line_then_newline_disconnects",
        shows: "5000 bytes go out as five pieces; the newline that ends the line, alone in its recv(), strips to '' and disconnects",
        steps: &[
            Connect("A"),
            Connect("B"),
            Shows(Flaw),
            Send("A", Repeat(b"x", 5000)),
            Expect(
                "B",
                &[
                    Message { from: "A", body: Repeat(b"x", 1024), times: 4 },
                    Message { from: "A", body: Repeat(b"x", 904), times: 1 },
                ],
            ),
            Expect(
                "A",
                &[
                    Message { from: "A", body: Repeat(b"x", 1024), times: 4 },
                    Message { from: "A", body: Repeat(b"x", 904), times: 1 },
                ],
            ),
            Send("A", Bytes(b"\n")),
            Ends("A", End::Eof),
            Quiet("B", 200),
        ],
    },
    // ------------------------------------------------------------- stages 6-7
    Scenario {
        name: "lines_are_framed_by_newline",
        shows: "makefile().readline() frames by line: CRLF becomes LF, a line split in two arrives as one message",
        steps: &[
            Connect("A"),
            Connect("B"),
            Send("A", Bytes(b"part1-")),
            Quiet("B", 300),
            Send("A", Bytes(b"part2\n")),
            Expect("B", &[msg("A", b"part1-part2\n")]),
            Shows(Accident("text-mode makefile() reads \"\\r\\n\" as \"\\n\" (universal newlines); a server may keep the \\r")),
            Send("A", Bytes(b"crlf\r\n")),
            Expect("B", &[msg("A", b"crlf\n")]),
        ],
    },
    Scenario {
        name: "every_line_is_delivered",
        shows: "two lines in one segment are two messages; netlab delivers both (CPython's makefile can lose the second: `netlab explain cpython-quirks`)",
        steps: &[
            Connect("A"),
            Connect("B"),
            Send("A", Bytes(b"a\nb\n")),
            Expect("B", &[msg("A", b"a\n")]),
            Shows(ContractButCPython("CPython's makefile() loses the second line when the broadcast writes to A's file (`netlab explain cpython-quirks`)")),
            Expect("B", &[msg("A", b"b\n")]),
            Expect("A", &[msg("A", b"a\n"), msg("A", b"b\n")]),
        ],
    },
    Scenario {
        name: "long_line_is_one_message",
        shows: "a 5000-byte line waits for its newline and goes out whole",
        steps: &[
            Connect("A"),
            Connect("B"),
            Send("A", Repeat(b"x", 5000)),
            Quiet("B", 300),
            Send("A", Bytes(b"\n")),
            Expect(
                "B",
                &[Message {
                    from: "A",
                    body: Parts(&[Repeat(b"x", 5000), Bytes(b"\n")]),
                    times: 1,
                }],
            ),
        ],
    },
    Scenario {
        name: "ten_megabyte_line_goes_through",
        shows: "a 10 MB line is buffered until its newline and broadcast whole, to everyone",
        steps: &[
            Connect("A"),
            Connect("B"),
            Send("A", Parts(&[Repeat(b"0123456789", 1_000_000), Bytes(b"\n")])),
            Expect(
                "B",
                &[Message {
                    from: "A",
                    body: Parts(&[Repeat(b"0123456789", 1_000_000), Bytes(b"\n")]),
                    times: 1,
                }],
            ),
            Send("B", Bytes(b"after\n")),
            Expect("B", &[msg("B", b"after\n")]),
        ],
    },
    Scenario {
        name: "chinese_line_is_one_message",
        shows: "the line reader decodes whole lines, so a character across a packet boundary is fine",
        steps: &[
            Connect("A"),
            Connect("B"),
            Send("A", Parts(&[Repeat("中".as_bytes(), 400), Bytes(b"\n")])),
            Expect(
                "B",
                &[Message {
                    from: "A",
                    body: Parts(&[Repeat("中".as_bytes(), 400), Bytes(b"\n")]),
                    times: 1,
                }],
            ),
        ],
    },
    Scenario {
        name: "last_line_without_newline",
        shows: "a last line without newline is sent when the client closes, with a single \\n after it",
        steps: &[
            Connect("A"),
            Connect("B"),
            Send("A", Bytes(b"no-newline")),
            Quiet("B", 200),
            Close("A"),
            Shows(Accident("CPython's readline() returns a last line without its newline when the connection ends; a server may drop it")),
            Expect("B", &[msg("A", b"no-newline")]),
            Says("{A.repr} quits"),
        ],
    },
    Scenario {
        name: "quit_is_matched_per_line",
        shows: "`quit` is compared per line after strip(): a `quit` line after another line quits; `quit` with no newline waits",
        steps: &[
            Connect("A"),
            Connect("B"),
            Connect("C"),
            Connect("D"),
            Send("A", Bytes(b"  quit \r\n")),
            Ends("A", End::Eof),
            Send("C", Bytes(b"QUIT\n")),
            Expect("C", &[msg("C", b"QUIT\n")]),
            Send("D", Bytes(b"quit")),
            Expect("D", &[msg("C", b"QUIT\n")]),
            Quiet("D", 300),
            Shows(ContractButCPython("CPython's makefile() drops what follows a line in the same segment once the broadcast writes to the sender's file, so Python loses this `quit` (`netlab explain cpython-quirks`)")),
            Send("B", Bytes(b"x\nquit\n")),
            Expect("C", &[msg("B", b"x\n")]),
            Expect("B", &[msg("C", b"QUIT\n"), msg("B", b"x\n")]),
            Ends("B", End::Eof),
        ],
    },
    // ---------------------------------------------------------------- stage 7
    Scenario {
        name: "reset_is_handled",
        shows: "stage 7 catches the reset: it logs the error, removes the client, and the chat goes on",
        steps: &[
            Connect("A"),
            Connect("B"),
            Reset("A"),
            Says("[Errno 104] Connection reset by peer"),
            Says("{A.repr} quits"),
            Send("B", Bytes(b"after-from-B\n")),
            Expect("B", &[msg("B", b"after-from-B\n")]),
            Connect("C"),
            Send("C", Bytes(b"from-C\n")),
            Expect("B", &[msg("C", b"from-C\n")]),
            Expect("C", &[msg("C", b"from-C\n")]),
        ],
    },
    Scenario {
        name: "line_over_the_limit_kills_the_thread",
        shows: "a line longer than netlab's 64 MiB limit raises ValueError in readline(): stage 6 does not catch it, so the sender's thread dies and it stays in the dict",
        steps: &[
            NetlabOnly("netlab refuses a line over 64 MiB; Python's readline() would keep buffering it, however long"),
            Connect("A"),
            Connect("B"),
            Send("A", Repeat(b"x", crate::py::MAX_LINE + 1)),
            ThreadDies("recv {A}", "ValueError: line longer than 64 MiB"),
            Send("B", Bytes(b"from-B\n")),
            Expect("A", &[msg("B", b"from-B\n")]),
            Expect("B", &[msg("B", b"from-B\n")]),
        ],
    },
    Scenario {
        name: "line_over_the_limit_is_refused",
        shows: "a line longer than netlab's 64 MiB limit is refused: stage 7 logs the error and removes the sender",
        steps: &[
            NetlabOnly("netlab refuses a line over 64 MiB; Python's readline() would keep buffering it, however long"),
            Connect("A"),
            Connect("B"),
            Send("A", Repeat(b"x", crate::py::MAX_LINE + 1)),
            Says("line longer than 64 MiB"),
            Ends("A", End::Eof),
            Says("{A.repr} quits"),
            Send("B", Bytes(b"still-here\n")),
            Expect("B", &[msg("B", b"still-here\n")]),
        ],
    },
    Scenario {
        name: "invalid_utf8_is_handled",
        shows: "stage 7 catches the decode error: it logs it and removes the client, which gets EOF; the chat goes on",
        steps: &[
            Connect("A"),
            Connect("B"),
            Send("A", Bytes(b"\xff\xfe\n")),
            Shows(Accident("CPython's decode() raises on bytes that are not UTF-8, and stage 7 takes that as `quit`; a server that forwards bytes keeps the client")),
            Says("'utf-8' codec can't decode byte 0xff in position 0: invalid start byte"),
            Ends("A", End::Eof),
            Says("{A.repr} quits"),
            // The chat goes on, for a newcomer who saw none of it.
            Shows(Contract),
            Connect("C"),
            Send("C", Bytes(b"from-C\n")),
            Expect("C", &[msg("C", b"from-C\n")]),
        ],
    },
    // ---------------------------------------------------- the console's quit
    Scenario {
        name: "quit_waits_for_blocked_threads",
        shows: "quit closes every socket, but the blocked threads do not wake, and the clients see nothing, until each acts",
        steps: &[
            Connect("A"),
            Connect("B"),
            Shows(Flaw),
            Quit(10_000),
            ThreadEnds("MainThread"),
            Quiet("A", 300),
            ThreadBlocked("accept", "accept()"),
            ThreadBlocked("recv {A}", "recv()"),
            Arrive("C"),
            ThreadEnds("accept"),
            Send("A", Bytes(b"late\n")),
            Ends("A", End::Eof),
            ThreadDies("recv {A}", "OSError: [Errno 9] Bad file descriptor"),
            Close("B"),
            ThreadDies("recv {B}", "OSError: [Errno 9] Bad file descriptor"),
            QuitEnds(true),
        ],
    },
    Scenario {
        name: "quit_ends_when_the_last_client_leaves",
        shows: "from stage 4 a client that closes after quit takes the clean path; the program ends when the last blocked thread does",
        steps: &[
            Connect("A"),
            Connect("B"),
            Shows(Flaw),
            Quit(10_000),
            ThreadEnds("MainThread"),
            Quiet("B", 300),
            Arrive("C"),
            ThreadEnds("accept"),
            Send("A", Bytes(b"late\n")),
            Ends("A", End::Eof),
            ThreadDies("recv {A}", "OSError: [Errno 9] Bad file descriptor"),
            Close("B"),
            Says("{B.repr} quits"),
            QuitEnds(true),
        ],
    },
    Scenario {
        name: "quit_blocks_in_stop",
        shows: "stop() waits in f.close() for each client's readline(), holding the lock: new clients wait for it too",
        steps: &[
            Connect("A"),
            Connect("B"),
            Shows(Flaw),
            Quit(10_000),
            ThreadBlocked("MainThread", "f.close()"),
            Quiet("A", 300),
            Arrive("C"),
            ThreadBlocked("accept", "self.lock"),
            Send("A", Bytes(b"late\n")),
            Ends("A", End::Eof),
            Close("B"),
            ThreadDies("recv {A}", "ValueError: I/O operation on closed file."),
            Says("{B.repr} quits"),
            QuitEnds(true),
        ],
    },
    Scenario {
        name: "quit_with_idle_clients_is_cut_short",
        shows: "after quit, idle clients notice nothing: Python would wait for ever; netlab cuts the wait short after the grace period",
        steps: &[
            Connect("A"),
            Shows(Flaw),
            Quit(1_000),
            Quiet("A", 500),
            NetlabOnly("Python waits for the blocked threads for ever; netlab cuts them short after the grace period"),
            QuitEnds(false),
            Ends("A", End::Eof),
        ],
    },
    // ------------------------------------------------------- netlab's own stages
    Scenario {
        name: "line_too_long_gets_an_error",
        shows: "a line longer than the limit (64 KiB by default) gets one error line, and its sender is disconnected; the chat goes on",
        steps: &[
            Connect("A"),
            Connect("B"),
            Send("A", Parts(&[Repeat(b"x", 70_000), Bytes(b"\n")])),
            Expect("A", &[raw(b"error: line longer than 65536 bytes; closing the connection\n")]),
            Ends("A", End::Eof),
            Send("B", Bytes(b"still-here\n")),
            Expect("B", &[msg("B", b"still-here\n")]),
        ],
    },
    // ------------------------------------------------- the exercises' scenarios
    // What a fixed server does (stages/exercises.toml): each fails on the stage the
    // exercise starts from, as shipped, and passes on netlab's reference solution.
    Scenario {
        name: "closed_client_leaves_the_chat",
        shows: "a client that closes is removed: no empty broadcast, and the others and a newcomer keep chatting",
        steps: &[
            Connect("A"),
            Connect("B"),
            Close("A"),
            Quiet("B", 300),
            Send("B", Bytes(b"after\n")),
            Expect("B", &[msg("B", b"after\n")]),
            Connect("C"),
            Send("C", Bytes(b"from-C\n")),
            Expect("B", &[msg("C", b"from-C\n")]),
            Expect("C", &[msg("C", b"from-C\n")]),
        ],
    },
    Scenario {
        name: "reset_client_leaves_the_chat",
        shows: "a client that resets is removed: the others and a newcomer keep chatting",
        steps: &[
            Connect("A"),
            Connect("B"),
            Reset("A"),
            Quiet("B", 300),
            Send("B", Bytes(b"after\n")),
            Expect("B", &[msg("B", b"after\n")]),
            Connect("C"),
            Send("C", Bytes(b"from-C\n")),
            Expect("B", &[msg("C", b"from-C\n")]),
            Expect("C", &[msg("C", b"from-C\n")]),
        ],
    },
    Scenario {
        name: "quit_ends_the_program",
        shows: "`quit` ends the program within 4 s (the notes' 3 s pause, and 1 s), with two idle clients, who see their connections close",
        steps: &[
            Connect("A"),
            Connect("B"),
            Quit(4_000),
            QuitEnds(true),
            Ends("A", End::Eof),
            Ends("B", End::Eof),
        ],
    },
    Scenario {
        name: "blank_line_is_a_message",
        shows: "a blank line is a message like any other: everyone gets it, and its sender stays",
        steps: &[
            Connect("A"),
            Connect("B"),
            Send("A", Bytes(b"\n")),
            Expect("A", &[msg("A", b"\n")]),
            Expect("B", &[msg("A", b"\n")]),
            Send("A", Bytes(b"still-here\n")),
            Expect("B", &[msg("A", b"still-here\n")]),
        ],
    },
    Scenario {
        name: "invalid_utf8_removes_the_client",
        shows: "a client that sends bytes that are not UTF-8 is removed (it sees EOF), and the chat goes on",
        steps: &[
            Connect("A"),
            Connect("B"),
            Send("A", Bytes(b"\xff\xfe\n")),
            Ends("A", End::Eof),
            Send("B", Bytes(b"from-B\n")),
            Expect("B", &[msg("B", b"from-B\n")]),
        ],
    },
    Scenario {
        name: "churn_kills_no_thread",
        shows: "clients come and go while one talks: no thread dies of `dictionary changed size during iteration`, and every line arrives",
        steps: &[
            Connect("A"),
            Connect("B"),
            Churn {
                chatty: "A",
                observer: "B",
                millis: 1_500,
            },
        ],
    },
    Scenario {
        name: "slow_reader_freezes_no_one",
        shows: "a client that never reads holds no one up: the others' lines arrive within 1 s, it is disconnected past the bound, memory stays bounded",
        steps: &[
            Connect("A"),
            Connect("B"),
            Silent("C"),
            Flood("A", 16_000_000),
            Send("B", Bytes(b"hello from B\n")),
            ExpectWithin("A", 1_000, &[msg("B", b"hello from B\n")]),
            ExpectWithin("B", 1_000, &[msg("B", b"hello from B\n")]),
            EndsSomeTime("C"),
            MemoryBelow(64),
        ],
    },
    Scenario {
        name: "leavers_leave_no_socket_behind",
        shows: "200 clients connect, say hi and close at once: the server closes every one of their sockets, and the chat goes on",
        steps: &[
            Connect("A"),
            Connect("B"),
            Leavers(200),
            NoCloseWait,
            Send("A", Bytes(b"still here\n")),
            Expect("B", &[msg("A", b"still here\n")]),
            Expect("A", &[msg("A", b"still here\n")]),
        ],
    },
];

/// Every experiment.
pub static EXPERIMENTS: &[Experiment] = &[
    Experiment {
        name: "slow_reader_stalls_only_the_sender",
        shows: "a client that never reads stalls only the thread sending to it: B's message and a newcomer still get through",
        run: load::slow_reader_stalls_only_the_sender,
    },
    Experiment {
        name: "slow_reader_freezes_everyone",
        shows: "a client that never reads freezes the whole server: the broadcast blocks in flush() holding the lock",
        run: load::slow_reader_freezes_everyone,
    },
    Experiment {
        name: "dict_changed_size_under_churn",
        shows: "churn clients next to a chatty one: iterating the dict while others change it raises RuntimeError",
        run: load::race_appears,
    },
    Experiment {
        name: "no_dict_race_under_churn",
        shows: "with the whole broadcast under the lock, churn kills no thread and every line comes back",
        run: load::race_never_appears,
    },
    Experiment {
        name: "leavers_leave_sockets_in_close_wait",
        shows: "clients that close just as a broadcast writes to them kill the broadcasting thread before it closes its own client: sockets pile up in CLOSE-WAIT",
        run: load::leavers_leave_sockets_behind,
    },
];

/// The scenarios for a client, run with netlab's stage 7 as the server.
pub static CLIENT_SCENARIOS: &[ClientScenario] = &[
    ClientScenario {
        name: "client_quit_exits_at_once",
        shows: "`quit` ends the client within 1 s: its recv thread wakes, and the server sees it leave",
        steps: &[
            ClientStep::Starts,
            ClientStep::Types("quit"),
            ClientStep::EndsWithin(1_000),
        ],
    },
    ClientScenario {
        name: "client_exits_when_the_server_goes",
        shows: "when the server goes away, the client ends within 1 s, without spinning on the b'' recv() returns",
        steps: &[
            ClientStep::Starts,
            ClientStep::ServerGoes,
            ClientStep::EndsWithin(1_000),
            ClientStep::PrintsAtMost(10),
        ],
    },
];
