//! Stage 4 (client quit): each test is an exercise. Run it, read its `///` line,
//! then try the same by hand with `netlab stage 4` and `nc 127.0.0.1 60000`.
//! The scenarios themselves live in `src/scenario/library.rs`.

mod common;

/// Send a line: every client gets it, the sender too, behind the header `{TS} ip:port`.
#[test]
fn stage4_broadcasts_to_everyone() {
    common::check(4, "broadcasts_to_everyone");
}

/// Send 你好: the bytes go out as they came, UTF-8.
#[test]
fn stage4_utf8_goes_through() {
    common::check(4, "utf8_goes_through");
}

/// Send two lines in one segment: one recv(), one message.
#[test]
fn stage4_two_lines_in_one_recv_are_one_message() {
    common::check(4, "two_lines_in_one_recv_are_one_message");
}

/// Send a line in two pieces: two messages.
#[test]
fn stage4_split_line_is_two_messages() {
    common::check(4, "split_line_is_two_messages");
}

/// Send 400 Chinese characters: byte 1024 cuts one in half, and decoding kills the thread.
#[test]
fn stage4_character_cut_at_1024_kills_the_thread() {
    common::check(4, "character_cut_at_1024_kills_the_thread");
}

/// Send invalid UTF-8: that client's thread dies; it still receives, but is never read again.
#[test]
fn stage4_invalid_utf8_kills_only_that_thread() {
    common::check(4, "invalid_utf8_kills_only_that_thread");
}

/// Reset A: its thread dies of ConnectionResetError, A stays in the dict, and every later sender dies on it.
#[test]
fn stage4_reset_client_kills_later_senders() {
    common::check(4, "reset_client_kills_later_senders");
}

/// Send `quit`: the client is removed and its connection closed.
#[test]
fn stage4_quit_removes_the_client() {
    common::check(4, "quit_removes_the_client");
}

/// Send an empty line: strip() makes it '', which the server takes for a closed client.
#[test]
fn stage4_blank_line_disconnects() {
    common::check(4, "blank_line_disconnects");
}

/// Close A: the server removes it cleanly, with no empty messages, and the chat goes on.
#[test]
fn stage4_closed_client_is_removed() {
    common::check(4, "closed_client_is_removed");
}

/// Half-close A: it is removed at once; nothing spins.
#[test]
fn stage4_half_closed_client_is_removed() {
    common::check(4, "half_closed_client_is_removed");
}

/// Try `  quit \r\n`, `x\nquit\n`, `QUIT` and `quit` without newline: which ones quit, and why?
#[test]
fn stage4_quit_is_matched_after_strip() {
    common::check(4, "quit_is_matched_after_strip");
}

/// Send 5000 bytes, then the newline alone: five pieces, then the lone newline disconnects A.
#[test]
fn stage4_long_line_then_newline_disconnects() {
    common::check(4, "long_line_then_newline_disconnects");
}

/// Type quit, then make each blocked thread return: the program ends with the last one.
#[test]
fn stage4_quit_ends_when_the_last_client_leaves() {
    common::check(4, "quit_ends_when_the_last_client_leaves");
}

/// Type quit and let the clients sit: Python would wait forever; netlab cuts it short.
#[test]
fn stage4_quit_with_idle_clients_is_cut_short() {
    common::check(4, "quit_with_idle_clients_is_cut_short");
}

/// Churn clients next to a chatty one: iterating the dict while others change it raises RuntimeError.
#[test]
fn stage4_dict_changed_size_under_churn() {
    common::race_appears(4);
}

/// A client that never reads stalls only the thread sending to it.
#[test]
fn stage4_slow_reader_stalls_only_the_sender() {
    common::slow_reader(4, false);
}
