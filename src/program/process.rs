//! `Process`: one process as `/proc/PID/stat` describes it, and [`descendants`], every
//! process a program started, however it tried to get away.
//!
//! A program that wants to outlive whoever started it (a daemon) forks, lets its parent
//! exit, and calls `setsid()`: it is then in a session and a process group of its own,
//! and its parent is gone. Killing the program's process group misses it; following
//! parents from `/proc` finds it only if something it descends from is still alive. The
//! guard (see `guard.rs`) is a *child subreaper*: Linux gives it every orphan among its
//! descendants instead of init, so the parent links from `/proc` always lead back to it.

use std::collections::{HashMap, HashSet};
use std::fs;

/// One process, from `/proc/PID/stat` (see `man 5 proc`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Process {
    pub(crate) pid: u32,
    /// Its parent: after its own parent ended, the nearest subreaper above it (the guard).
    pub(crate) ppid: u32,
    /// Its process group: the program's own pid, unless the process left the group
    /// (`setsid()`, `setpgid()`).
    pub(crate) pgid: i32,
    /// The command name (`comm`, at most 15 bytes), as `ps` and `netlab ports` show it.
    pub(crate) name: String,
    /// Ended, but not yet waited for by its parent: a zombie holds nothing but its pid.
    pub(crate) zombie: bool,
}

impl Process {
    /// Process `pid`, if it exists (and `/proc` lets this user read it).
    pub(crate) fn read(pid: u32) -> Option<Process> {
        parse(pid, &fs::read_to_string(format!("/proc/{pid}/stat")).ok()?)
    }
}

/// Parses one `/proc/PID/stat` line: `pid (comm) state ppid pgrp ...`. The command name is
/// in parentheses and may itself hold spaces and parentheses, so the fields are counted
/// from its last `)`.
fn parse(pid: u32, stat: &str) -> Option<Process> {
    let open = stat.find('(')?;
    let close = stat.rfind(')')?;
    let name = stat.get(open + 1..close)?.to_string();
    let mut fields = stat[close + 1..].split_whitespace();
    let state = fields.next()?;
    let ppid = fields.next()?.parse().ok()?;
    let pgid = fields.next()?.parse().ok()?;
    Some(Process {
        pid,
        ppid,
        pgid,
        name,
        zombie: state == "Z" || state == "X",
    })
}

/// Every process of this machine that this user can see.
pub(crate) fn all() -> Vec<Process> {
    let Ok(entries) = fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter_map(Process::read)
        .collect()
}

/// The living descendants of process `root` (children, their children, ...), `root`
/// itself left out; zombies too are left out, as they hold nothing and cannot be killed.
pub(crate) fn descendants(root: u32) -> Vec<Process> {
    let all = all();
    let mut children: HashMap<u32, Vec<&Process>> = HashMap::new();
    for p in &all {
        children.entry(p.ppid).or_default().push(p);
    }
    let mut found = Vec::new();
    let mut seen = HashSet::from([root]);
    let mut stack = vec![root];
    while let Some(pid) = stack.pop() {
        for &child in children.get(&pid).into_iter().flatten() {
            if seen.insert(child.pid) {
                stack.push(child.pid);
                if !child.zombie {
                    found.push(child.clone());
                }
            }
        }
    }
    found.sort_by_key(|p| p.pid);
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_with_spaces_and_parentheses_is_read_whole() {
        let p = parse(42, "42 (my (odd) name) S 7 42 42 0 -1 4194560").unwrap();
        assert_eq!(p.name, "my (odd) name");
        assert_eq!((p.ppid, p.pgid, p.zombie), (7, 42, false));
        assert!(parse(43, "43 (x) Z 1 43 43").unwrap().zombie);
    }

    #[test]
    fn this_process_descends_from_its_parent() {
        let me = std::process::id();
        let parent = Process::read(me).unwrap().ppid;
        assert!(descendants(parent).iter().any(|p| p.pid == me));
        assert!(!descendants(me).iter().any(|p| p.pid == me));
    }
}
