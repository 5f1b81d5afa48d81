//! Stage 7 (full server): each test is an exercise. Run it, read its `///` line,
//! then try the same by hand with `netlab stage 7` and `nc 127.0.0.1 60000`.
//! The scenarios themselves live in `src/scenario/library.rs`.

mod common;

/// Send a line: every client gets it, the sender too, behind the header `{TS} ip:port`.
#[test]
fn stage7_broadcasts_to_everyone() {
    common::check(7, "broadcasts_to_everyone");
}

/// Send 你好: the bytes go out as they came, UTF-8.
#[test]
fn stage7_utf8_goes_through() {
    common::check(7, "utf8_goes_through");
}

/// Send `quit`: the client is removed and its connection closed.
#[test]
fn stage7_quit_removes_the_client() {
    common::check(7, "quit_removes_the_client");
}

/// Send an empty line: strip() makes it '', which the server takes for a closed client.
#[test]
fn stage7_blank_line_disconnects() {
    common::check(7, "blank_line_disconnects");
}

/// Close A: the server removes it cleanly, with no empty messages, and the chat goes on.
#[test]
fn stage7_closed_client_is_removed() {
    common::check(7, "closed_client_is_removed");
}

/// Half-close A: it is removed at once; nothing spins.
#[test]
fn stage7_half_closed_client_is_removed() {
    common::check(7, "half_closed_client_is_removed");
}

/// Send CRLF, and a line in two pieces: readline() gives one clean line each time.
#[test]
fn stage7_lines_are_framed_by_newline() {
    common::check(7, "lines_are_framed_by_newline");
}

/// Send two lines at once: two messages, and netlab loses neither.
#[test]
fn stage7_every_line_is_delivered() {
    common::check(7, "every_line_is_delivered");
}

/// Send 5000 bytes, then the newline: nothing until the newline, then one message.
#[test]
fn stage7_long_line_is_one_message() {
    common::check(7, "long_line_is_one_message");
}

/// Send a 10 MB line: it is read whole, however many packets it took, and sent to all.
#[test]
fn stage7_ten_megabyte_line_goes_through() {
    common::check(7, "ten_megabyte_line_goes_through");
}

/// Send 400 Chinese characters: the line reader decodes whole lines, so nothing breaks.
#[test]
fn stage7_chinese_line_is_one_message() {
    common::check(7, "chinese_line_is_one_message");
}

/// Send a line without newline and close: it goes out when the connection ends.
#[test]
fn stage7_last_line_without_newline() {
    common::check(7, "last_line_without_newline");
}

/// Try `  quit \r\n`, `x\nquit\n`, `QUIT` and `quit` without newline, line by line.
#[test]
fn stage7_quit_is_matched_per_line() {
    common::check(7, "quit_is_matched_per_line");
}

/// Reset A: stage 7 logs the error, removes A, and the chat goes on.
#[test]
fn stage7_reset_is_handled() {
    common::check(7, "reset_is_handled");
}

/// Send a line longer than 64 MiB: netlab refuses it (Python would buffer until memory ran
/// out), and stage 7 handles that like any error: log it, remove the sender.
#[test]
fn stage7_line_over_the_limit_is_refused() {
    common::check(7, "line_over_the_limit_is_refused");
}

/// Send invalid UTF-8: stage 7 logs the error and removes the sender.
#[test]
fn stage7_invalid_utf8_is_handled() {
    common::check(7, "invalid_utf8_is_handled");
}

/// Type quit: stop() itself blocks in f.close(), holding the lock, until the clients speak.
#[test]
fn stage7_quit_blocks_in_stop() {
    common::check(7, "quit_blocks_in_stop");
}

/// Type quit and let the clients sit: Python would wait forever; netlab cuts it short.
#[test]
fn stage7_quit_with_idle_clients_is_cut_short() {
    common::check(7, "quit_with_idle_clients_is_cut_short");
}

/// Churn raises nothing in stage 7, and every line comes back.
#[test]
fn stage7_no_dict_race_under_churn() {
    common::race_never_appears(7);
}

/// One client that never reads freezes the whole stage-7 server.
#[test]
fn stage7_slow_reader_freezes_everyone() {
    common::slow_reader(7, true);
}
