//! Stage 1 (single-threaded server): each test is an exercise. Run it, read its `///` line,
//! then try the same by hand with `netlab stage 1` and `nc 127.0.0.1 60000`.
//! The scenarios themselves live in `src/scenario/library.rs`.

mod common;

/// B speaks first but waits: stage 1 serves clients one at a time, in accept order.
#[test]
fn stage1_serves_clients_in_accept_order() {
    common::check(1, "serves_clients_in_accept_order");
}

/// Reset A before it sends: the exception ends stage 1, and B is never served.
#[test]
fn stage1_reset_kills_the_server() {
    common::check(1, "reset_kills_the_server");
}

/// Send 5000 bytes: stage 1 reads 1024, answers, closes; the unread rest makes the kernel reset A.
#[test]
fn stage1_unread_bytes_make_a_reset() {
    common::check(1, "unread_bytes_make_a_reset");
}

/// Close A without sending: recv() returns b'', and the welcome goes to a closed peer without error.
#[test]
fn stage1_silent_client_still_gets_its_welcome() {
    common::check(1, "silent_client_still_gets_its_welcome");
}
