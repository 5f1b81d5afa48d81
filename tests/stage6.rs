//! Stage 6 (makefile): each test is an exercise. Run it, read its `///` line,
//! then try the same by hand with `netlab stage 6` and `nc 127.0.0.1 60000`.
//! The scenarios themselves live in `src/scenario/library.rs`.

mod common;

/// Send a line: every client gets it, the sender too, behind the header `{TS} ip:port`.
#[test]
fn stage6_broadcasts_to_everyone() {
    common::check(6, "broadcasts_to_everyone");
}

/// Send 你好: the bytes go out as they came, UTF-8.
#[test]
fn stage6_utf8_goes_through() {
    common::check(6, "utf8_goes_through");
}

/// Send invalid UTF-8: that client's thread dies; it still receives, but is never read again.
#[test]
fn stage6_invalid_utf8_kills_only_that_thread() {
    common::check(6, "invalid_utf8_kills_only_that_thread");
}

/// Reset A: its thread dies of ConnectionResetError, A stays in the dict, and every later sender dies on it.
#[test]
fn stage6_reset_client_kills_later_senders() {
    common::check(6, "reset_client_kills_later_senders");
}

/// Send `quit`: the client is removed and its connection closed.
#[test]
fn stage6_quit_removes_the_client() {
    common::check(6, "quit_removes_the_client");
}

/// Send an empty line: strip() makes it '', which the server takes for a closed client.
#[test]
fn stage6_blank_line_disconnects() {
    common::check(6, "blank_line_disconnects");
}

/// Close A: the server removes it cleanly, with no empty messages, and the chat goes on.
#[test]
fn stage6_closed_client_is_removed() {
    common::check(6, "closed_client_is_removed");
}

/// Half-close A: it is removed at once; nothing spins.
#[test]
fn stage6_half_closed_client_is_removed() {
    common::check(6, "half_closed_client_is_removed");
}

/// Send CRLF, and a line in two pieces: readline() gives one clean line each time.
#[test]
fn stage6_lines_are_framed_by_newline() {
    common::check(6, "lines_are_framed_by_newline");
}

/// Send two lines at once: two messages, and netlab loses neither.
#[test]
fn stage6_every_line_is_delivered() {
    common::check(6, "every_line_is_delivered");
}

/// Send 5000 bytes, then the newline: nothing until the newline, then one message.
#[test]
fn stage6_long_line_is_one_message() {
    common::check(6, "long_line_is_one_message");
}

/// Send a 10 MB line: it is read whole, however many packets it took, and sent to all.
#[test]
fn stage6_ten_megabyte_line_goes_through() {
    common::check(6, "ten_megabyte_line_goes_through");
}

/// Send a line over netlab's 64 MiB limit: readline() raises ValueError, which stage 6
/// does not catch: the thread dies and the sender stays in the dict (stage 7 catches it).
#[test]
fn stage6_line_over_the_limit_kills_the_thread() {
    common::check(6, "line_over_the_limit_kills_the_thread");
}

/// Send 400 Chinese characters: the line reader decodes whole lines, so nothing breaks.
#[test]
fn stage6_chinese_line_is_one_message() {
    common::check(6, "chinese_line_is_one_message");
}

/// Send a line without newline and close: it goes out when the connection ends.
#[test]
fn stage6_last_line_without_newline() {
    common::check(6, "last_line_without_newline");
}

/// Try `  quit \r\n`, `x\nquit\n`, `QUIT` and `quit` without newline, line by line.
#[test]
fn stage6_quit_is_matched_per_line() {
    common::check(6, "quit_is_matched_per_line");
}

/// Type quit: stop() itself blocks in f.close(), holding the lock, until the clients speak.
#[test]
fn stage6_quit_blocks_in_stop() {
    common::check(6, "quit_blocks_in_stop");
}

/// Type quit and let the clients sit: Python would wait forever; netlab cuts it short.
#[test]
fn stage6_quit_with_idle_clients_is_cut_short() {
    common::check(6, "quit_with_idle_clients_is_cut_short");
}

/// The broadcast now holds the lock: churn raises nothing, and every line comes back.
#[test]
fn stage6_no_dict_race_under_churn() {
    common::race_never_appears(6);
}

/// One client that never reads blocks flush() under the lock: nobody's message gets through, new clients wait.
#[test]
fn stage6_slow_reader_freezes_everyone() {
    common::slow_reader(6, true);
}
