//! How netlab lists a program's threads on the teacher's projector: after `quit`, which
//! threads Python would wait for, the call each one sits in, and why that call does not
//! return.
//!
//! A class of 40 has 40 recv threads blocked in the same `recv()` for the same reason, so
//! the list groups threads that share a reason and states the reason once, wrapped to
//! the terminal's width (`crate::text`):
//!
//! ```text
//!   - accept: in accept() on 127.0.0.1:60000
//!       closing the listening socket from another thread does not wake accept() on
//!       Linux; the next client that connects does (python-originals §12 M3)
//!   - 40 threads in recv() from ...:
//!     recv 127.0.0.1:51234, recv 127.0.0.1:51236, recv 127.0.0.1:51238 and 37 more
//!       closing this socket from another thread neither wakes recv() nor sends FIN ...
//! ```
//!
//! The quit sequence reports more than once (when `stop()` blocks, when it returns, when
//! the grace period ends); [`describe_changes`] says only what changed since the list
//! above, so each list is printed once.

use crate::py::{Call, ThreadInfo};
use crate::text::wrap;
use crate::tr;
use std::collections::HashSet;

/// How many names a group of threads shows before `and N more`.
const NAMES_SHOWN: usize = 3;

/// The threads, one entry per reason: a lone thread as `- name: in call`, several that
/// share a reason as `- N threads in call ...:` and their names on the next line, each
/// entry followed by the reason.
pub(crate) fn describe(threads: &[ThreadInfo]) -> String {
    let mut out = String::new();
    for group in groups(threads) {
        let first = group[0];
        if group.len() == 1 {
            out.push_str(&wrap(
                &tr!(
                    "threads-one",
                    name = first.name.as_str(),
                    state = state(first)
                ),
                "  - ",
                "    ",
            ));
        } else {
            let names: Vec<&str> = group.iter().map(|t| t.name.as_str()).collect();
            out.push_str(&wrap(
                &tr!(
                    "threads-group",
                    threads = tr!("count-threads", n = group.len()),
                    state = common_state(&group)
                ),
                "  - ",
                "    ",
            ));
            out.push_str(&wrap(&names_list(&names), "    ", "    "));
        }
        if let Some(b) = &first.blocked {
            out.push_str(&wrap(&b.why, "      ", "      "));
        }
    }
    out
}

/// What changed between a list shown earlier (`before`) and the threads running `now`:
/// the threads still where they were are counted, not listed again; those that moved to
/// another call or are new are listed; those that ended are named.
pub(crate) fn describe_changes(before: &[ThreadInfo], now: &[ThreadInfo]) -> String {
    let key = |t: &ThreadInfo| (t.name.clone(), t.blocked.as_ref().map(|b| b.what.clone()));
    let listed: HashSet<_> = before.iter().map(key).collect();
    let running: HashSet<&str> = now.iter().map(|t| t.name.as_str()).collect();
    let (same, changed): (Vec<&ThreadInfo>, Vec<&ThreadInfo>) =
        now.iter().partition(|t| listed.contains(&key(t)));
    let ended: Vec<&str> = before
        .iter()
        .map(|t| t.name.as_str())
        .filter(|name| !running.contains(name))
        .collect();
    let mut out = String::new();
    if !same.is_empty() {
        let which = if changed.is_empty() && ended.is_empty() {
            if same.len() == 1 {
                tr!("threads-same-one")
            } else {
                tr!("threads-same-all", n = same.len())
            }
        } else {
            tr!(
                "threads-same-some",
                threads = tr!("count-threads", n = same.len()),
                n = same.len()
            )
        };
        out.push_str(&wrap(&which, "  - ", "    "));
    }
    let changed: Vec<ThreadInfo> = changed.into_iter().cloned().collect();
    out.push_str(&describe(&changed));
    if !ended.is_empty() {
        out.push_str(&wrap(
            &tr!("threads-ended", names = names_list(&ended)),
            "  - ",
            "    ",
        ));
    }
    out
}

/// Threads grouped by what keeps them where they are (the reason, or `running`), in the
/// order their first thread started.
fn groups(threads: &[ThreadInfo]) -> Vec<Vec<&ThreadInfo>> {
    let mut groups: Vec<Vec<&ThreadInfo>> = Vec::new();
    for t in threads {
        let reason = t.blocked.as_ref().map(|b| &b.why);
        match groups
            .iter_mut()
            .find(|g| g[0].blocked.as_ref().map(|b| &b.why) == reason)
        {
            Some(group) => group.push(t),
            None => groups.push(vec![t]),
        }
    }
    groups
}

/// `in recv() from 127.0.0.1:51234`, or `running`.
fn state(t: &ThreadInfo) -> String {
    match &t.blocked {
        Some(b) => b.what.describe(),
        None => tr!("threads-running"),
    }
}

/// What a group's threads have in common: `waiting for self.lock` when they sit in the
/// same call, `in recv() from ...` when the calls differ only in their address, `running`.
fn common_state(group: &[&ThreadInfo]) -> String {
    let calls: Vec<&Call> = group
        .iter()
        .filter_map(|t| t.blocked.as_ref().map(|b| &b.what))
        .collect();
    let Some(first) = calls.first() else {
        return tr!("threads-running");
    };
    if calls.iter().all(|c| c == first) {
        first.describe()
    } else {
        first.elided().describe()
    }
}

/// `a, b, c and 37 more`, `a and b`, `a`.
fn names_list(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => one.to_string(),
        _ if names.len() <= NAMES_SHOWN => tr!(
            "threads-names-two",
            first = names[..names.len() - 1].join(&tr!("threads-names-separator")),
            last = names[names.len() - 1]
        ),
        _ => tr!(
            "threads-names-more",
            first = names[..NAMES_SHOWN].join(&tr!("threads-names-separator")),
            more = names.len() - NAMES_SHOWN
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::py::interpreter::Blocked;

    fn blocked(name: &str, what: Call, why: &str) -> ThreadInfo {
        ThreadInfo {
            name: name.to_string(),
            daemon: false,
            alive: true,
            blocked: Some(Blocked {
                what,
                why: why.to_string(),
            }),
            exception: None,
            since: std::time::Instant::now(),
            holds_lock: false,
        }
    }

    const WHY_RECV: &str = "closing this socket from another thread neither wakes recv() nor \
        sends FIN on Linux; recv() returns only when this client sends something or \
        disconnects (python-originals §12 M3)";

    fn class(n: u16) -> Vec<ThreadInfo> {
        let mut threads = vec![blocked(
            "accept",
            Call::Accept {
                on: "127.0.0.1:60000".into(),
            },
            "the next client that connects wakes it",
        )];
        threads.extend((0..n).map(|i| {
            let addr = format!("127.0.0.1:{}", 40000 + i);
            blocked(
                &format!("recv {addr}"),
                Call::Recv {
                    call: "recv()",
                    from: addr.clone(),
                },
                WHY_RECV,
            )
        }));
        threads
    }

    #[test]
    fn a_lone_thread_reads_as_before() {
        let text = describe(&class(1));
        assert!(
            text.starts_with("  - accept: in accept() on 127.0.0.1:60000\n"),
            "{text}"
        );
        assert!(
            text.contains("  - recv 127.0.0.1:40000: in recv() from 127.0.0.1:40000\n"),
            "{text}"
        );
    }

    #[test]
    fn forty_clients_share_one_reason() {
        let text = describe(&class(40));
        assert_eq!(text.matches("neither wakes recv()").count(), 1, "{text}");
        assert!(
            text.contains(
                "  - 40 threads in recv() from ...:\n    recv 127.0.0.1:40000, recv 127.0.0.1:40001, recv 127.0.0.1:40002 and 37 more\n"
            ),
            "{text}"
        );
        assert!(text.lines().count() <= 8, "{text}");
        assert!(
            text.lines()
                .all(|l| l.chars().count() <= crate::text::WIDTH),
            "{text}"
        );
    }

    #[test]
    fn same_call_same_words() {
        let threads = vec![
            blocked("recv a", Call::Lock, "held"),
            blocked("recv b", Call::Lock, "held"),
        ];
        assert_eq!(
            describe(&threads),
            "  - 2 threads waiting for self.lock:\n    recv a and recv b\n      held\n"
        );
    }

    #[test]
    fn unchanged_list_is_not_repeated() {
        let threads = class(40);
        let text = describe_changes(&threads, &threads);
        assert_eq!(text, "  - the 41 listed above, each still where it was\n");
    }

    #[test]
    fn chinese_wraps_between_characters_within_the_width() {
        let text = "在 Linux 上, 从另一个线程关闭这个套接字既不会唤醒 recv(), 也不会发送 FIN; 只有这个客户端发送了数据或断开连接, recv() 才会返回。";
        let wrapped = wrap(text, "      ", "      ");
        assert!(wrapped.lines().count() > 1, "{wrapped}");
        for line in wrapped.lines() {
            let columns = crate::text::columns(line);
            assert!(columns <= crate::text::WIDTH, "{line}: {columns} columns");
            assert!(!line.trim_start().starts_with('。'), "{wrapped}");
        }
        let joined: String = wrapped.lines().map(str::trim_start).collect();
        assert_eq!(joined.replace(' ', ""), text.replace(' ', ""));
    }

    #[test]
    fn changes_are_listed_and_endings_named() {
        let before = class(3);
        let mut now = class(3);
        now.remove(1); // recv 127.0.0.1:40000 ended
        now.push(blocked(
            "MainThread",
            Call::Other("Event.wait(3)".into()),
            "a pause",
        ));
        let text = describe_changes(&before, &now);
        assert_eq!(
            text,
            "  - 3 threads as listed above, still where they were\n\
             \x20 - MainThread: in Event.wait(3)\n      a pause\n\
             \x20 - ended since the list above: recv 127.0.0.1:40000\n"
        );
    }
}
