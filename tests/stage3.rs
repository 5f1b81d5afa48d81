//! Stage 3 (Event and console quit): each test is an exercise. Run it, read its `///` line,
//! then try the same by hand with `netlab stage 3` and `nc 127.0.0.1 60000`.
//! The scenarios themselves live in `src/scenario/library.rs`.

mod common;

/// Send a line: every client gets it, the sender too, behind the header `{TS} ip:port`.
#[test]
fn stage3_broadcasts_to_everyone() {
    common::check(3, "broadcasts_to_everyone");
}

/// Send 你好: the bytes go out as they came, UTF-8.
#[test]
fn stage3_utf8_goes_through() {
    common::check(3, "utf8_goes_through");
}

/// Send `quit`: before stage 4 it is text like any other, and the client stays.
#[test]
fn stage3_quit_is_just_text() {
    common::check(3, "quit_is_just_text");
}

/// Send 5000 bytes: recv(1024) cuts them into five messages; the newline sent later is a sixth.
#[test]
fn stage3_long_line_is_cut_every_1024_bytes() {
    common::check(3, "long_line_is_cut_every_1024_bytes");
}

/// Close A: B gets one empty message, then A's thread dies on a broken pipe.
#[test]
fn stage3_closed_first_client_gets_one_empty_broadcast() {
    common::check(3, "closed_first_client_gets_one_empty_broadcast");
}

/// Close B: A gets two empty messages before B's thread dies.
#[test]
fn stage3_closed_second_client_gets_two_empty_broadcasts() {
    common::check(3, "closed_second_client_gets_two_empty_broadcasts");
}

/// Close A, then let B and a new C speak: each sender's thread dies on A's dead socket.
#[test]
fn stage3_dead_client_kills_later_senders() {
    common::check(3, "dead_client_kills_later_senders");
}

/// Half-close A: recv() returns b'' forever and the server broadcasts empty messages until netlab stops it.
#[test]
fn stage3_half_closed_client_spins() {
    common::check(3, "half_closed_client_spins");
}

/// Send two lines in one segment: one recv(), one message.
#[test]
fn stage3_two_lines_in_one_recv_are_one_message() {
    common::check(3, "two_lines_in_one_recv_are_one_message");
}

/// Send a line in two pieces: two messages.
#[test]
fn stage3_split_line_is_two_messages() {
    common::check(3, "split_line_is_two_messages");
}

/// Send 400 Chinese characters: byte 1024 cuts one in half, and decoding kills the thread.
#[test]
fn stage3_character_cut_at_1024_kills_the_thread() {
    common::check(3, "character_cut_at_1024_kills_the_thread");
}

/// Send invalid UTF-8: that client's thread dies; it still receives, but is never read again.
#[test]
fn stage3_invalid_utf8_kills_only_that_thread() {
    common::check(3, "invalid_utf8_kills_only_that_thread");
}

/// Reset A: its thread dies of ConnectionResetError, A stays in the dict, and every later sender dies on it.
#[test]
fn stage3_reset_client_kills_later_senders() {
    common::check(3, "reset_client_kills_later_senders");
}

/// A client that never reads stalls only the thread sending to it: B's message and a new client still get through.
#[test]
fn stage3_slow_reader_stalls_only_the_sender() {
    common::slow_reader(3, false);
}

/// Type quit with two clients connected: nothing happens to them until each one acts.
#[test]
fn stage3_quit_waits_for_blocked_threads() {
    common::check(3, "quit_waits_for_blocked_threads");
}

/// Type quit and let the clients sit: Python would wait forever; netlab cuts it short.
#[test]
fn stage3_quit_with_idle_clients_is_cut_short() {
    common::check(3, "quit_with_idle_clients_is_cut_short");
}
