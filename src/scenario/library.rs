//! The scenarios: what the tutorial's servers do, stage by stage, as the original Python
//! code does it (measured on Linux: docs/en/python-originals.md). Each is an exercise:
//! what it shows, what to look for, is the message `scenario-NAME` of the catalogue
//! (`messages/*.ftl`), in each language.
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
        steps: &[
            Connect("A"),
            Connect("B"),
            Send("A", Bytes("你好\n".as_bytes())),
            Expect("B", &[msg("A", "你好\n".as_bytes())]),
        ],
    },
    Scenario {
        name: "header_has_the_notes_format",
        steps: &[
            Connect("A"),
            Send("A", Bytes(b"what time is it?\n")),
            ExpectExactHeader("A", &[msg("A", b"what time is it?\n")]),
        ],
    },
    // ------------------------------------------------------------- stages 2-3
    Scenario {
        name: "quit_is_just_text",
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
        steps: &[
            Connect("A"),
            Connect("B"),
            HalfClose("A"),
            Shows(Flaw),
            Expect("A", &[empty("A", crate::py::SPIN_LIMIT)]),
            Expect("B", &[empty("A", crate::py::SPIN_LIMIT)]),
            NetlabOnly("netlab-spin-limit"),
            ThreadDies("recv {A}", "netlab.SpinStopped"),
            Quiet("B", 300),
        ],
    },
    // ------------------------------------------------------------- stages 2-5
    Scenario {
        name: "two_lines_in_one_recv_are_one_message",
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
        steps: &[
            Connect("A"),
            Connect("B"),
            Shows(Accident("accident-cut-character")),
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
        steps: &[
            Connect("A"),
            Connect("B"),
            Shows(Accident("accident-invalid-utf8")),
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
        steps: &[
            Connect("A"),
            Connect("B"),
            Send("A", Bytes(b"part1-")),
            Quiet("B", 300),
            Send("A", Bytes(b"part2\n")),
            Expect("B", &[msg("A", b"part1-part2\n")]),
            Shows(Accident("accident-crlf")),
            Send("A", Bytes(b"crlf\r\n")),
            Expect("B", &[msg("A", b"crlf\n")]),
        ],
    },
    Scenario {
        name: "every_line_is_delivered",
        steps: &[
            Connect("A"),
            Connect("B"),
            Send("A", Bytes(b"a\nb\n")),
            Expect("B", &[msg("A", b"a\n")]),
            Shows(ContractButCPython("cpython-loses-a-line")),
            Expect("B", &[msg("A", b"b\n")]),
            Expect("A", &[msg("A", b"a\n"), msg("A", b"b\n")]),
        ],
    },
    Scenario {
        name: "long_line_is_one_message",
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
        steps: &[
            Connect("A"),
            Connect("B"),
            Send("A", Bytes(b"no-newline")),
            Quiet("B", 200),
            Close("A"),
            Shows(Accident("accident-last-line")),
            Expect("B", &[msg("A", b"no-newline")]),
            Says("{A.repr} quits"),
        ],
    },
    Scenario {
        name: "quit_is_matched_per_line",
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
            Shows(ContractButCPython("cpython-loses-a-quit")),
            Send("B", Bytes(b"x\nquit\n")),
            Expect("C", &[msg("B", b"x\n")]),
            Expect("B", &[msg("C", b"QUIT\n"), msg("B", b"x\n")]),
            Ends("B", End::Eof),
        ],
    },
    // ---------------------------------------------------------------- stage 7
    Scenario {
        name: "reset_is_handled",
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
        steps: &[
            NetlabOnly("netlab-line-limit"),
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
        steps: &[
            NetlabOnly("netlab-line-limit"),
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
        steps: &[
            Connect("A"),
            Connect("B"),
            Send("A", Bytes(b"\xff\xfe\n")),
            Shows(Accident("accident-utf8-quit")),
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
        steps: &[
            Connect("A"),
            Shows(Flaw),
            Quit(1_000),
            Quiet("A", 500),
            NetlabOnly("netlab-cut-short"),
            QuitEnds(false),
            Ends("A", End::Eof),
        ],
    },
    // ------------------------------------------------------- netlab's own stages
    Scenario {
        name: "line_too_long_gets_an_error",
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
    // What a fixed server does (stages/curriculum.toml): each fails on the stage the
    // exercise starts from, as shipped, and passes on netlab's reference solution.
    Scenario {
        name: "closed_client_leaves_the_chat",
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
        run: load::slow_reader_stalls_only_the_sender,
    },
    Experiment {
        name: "slow_reader_freezes_everyone",
        run: load::slow_reader_freezes_everyone,
    },
    Experiment {
        name: "dict_changed_size_under_churn",
        run: load::race_appears,
    },
    Experiment {
        name: "no_dict_race_under_churn",
        run: load::race_never_appears,
    },
    Experiment {
        name: "leavers_leave_sockets_in_close_wait",
        run: load::leavers_leave_sockets_behind,
    },
];

/// The scenarios for a client, run with netlab's stage 7 as the server.
pub static CLIENT_SCENARIOS: &[ClientScenario] = &[
    ClientScenario {
        name: "client_quit_exits_at_once",
        steps: &[
            ClientStep::Starts,
            ClientStep::Types("quit"),
            ClientStep::EndsWithin(1_000),
        ],
    },
    ClientScenario {
        name: "client_exits_when_the_server_goes",
        steps: &[
            ClientStep::Starts,
            ClientStep::ServerGoes,
            ClientStep::EndsWithin(1_000),
            ClientStep::PrintsAtMost(10),
        ],
    },
];

#[cfg(test)]
mod tests {
    use super::super::model::{Class, Step};
    use super::*;
    use crate::lang::Lang;

    /// Every id the tables name in the catalogue (what each check shows, each accident,
    /// each stretch only netlab's own stages hold), in every language: the code builds
    /// these ids, so the test of `tr!` literals does not see them.
    #[test]
    fn every_id_the_tables_name_is_in_every_catalogue() {
        let mut ids: Vec<String> = SCENARIOS
            .iter()
            .map(|s| s.name)
            .chain(EXPERIMENTS.iter().map(|e| e.name))
            .chain(CLIENT_SCENARIOS.iter().map(|c| c.name))
            .map(|name| format!("scenario-{name}"))
            .collect();
        for scenario in SCENARIOS {
            for step in scenario.steps {
                match step {
                    Step::NetlabOnly(id)
                    | Step::Shows(Class::Accident(id))
                    | Step::Shows(Class::ContractButCPython(id)) => ids.push(id.to_string()),
                    _ => {}
                }
            }
        }
        for lang in Lang::all() {
            let missing: Vec<&String> = ids
                .iter()
                .filter(|id| !crate::catalogue::has(lang, id))
                .collect();
            assert!(
                missing.is_empty(),
                "messages/{}.ftl lacks {missing:?}",
                lang.code()
            );
        }
    }
}
