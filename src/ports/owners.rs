//! Which process holds a socket: the Process column of `netlab ports`, as `ss -p` finds it.
//!
//! `/proc/net/tcp` says which sockets exist, with an inode number for each, but not which
//! program opened them. A program holds a socket through a file descriptor, and Linux
//! shows every descriptor of process PID as a symbolic link in `/proc/PID/fd/`: for a
//! socket, the link reads `socket:[41371]`, the same inode. Reading every process's
//! `fd/` directory therefore maps inodes to processes. Without root, Linux lets a user
//! read only the `fd/` of their own processes, so other users' sockets (a system
//! service, a classmate's server on a shared machine) get no owner: `sudo netlab ports`
//! (or `sudo ss -tanp`) sees them all. A socket in TIME-WAIT has inode 0: no process
//! holds it any more, only the kernel.

use std::collections::HashMap;
use std::fs;

/// One process that holds a socket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Owner {
    /// Its process id, what `kill` takes.
    pub(crate) pid: u32,
    /// Its command name from `/proc/PID/comm` (at most 15 bytes, as `ps` and `ss` show it).
    pub(crate) name: String,
}

/// Every socket inode that a process readable by this user holds, with its holders
/// (several after a fork), in pid order.
pub(crate) fn owners() -> HashMap<u64, Vec<Owner>> {
    let mut found: HashMap<u64, Vec<Owner>> = HashMap::new();
    let Ok(procs) = fs::read_dir("/proc") else {
        return found;
    };
    let mut pids: Vec<u32> = procs
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
        .collect();
    pids.sort_unstable();
    for pid in pids {
        // Another user's process: permission denied, as for `ss -p` without root.
        let Ok(fds) = fs::read_dir(format!("/proc/{pid}/fd")) else {
            continue;
        };
        let mut name = None;
        for fd in fds.flatten() {
            let Some(inode) = fs::read_link(fd.path())
                .ok()
                .and_then(|target| socket_inode(target.to_str()?))
            else {
                continue;
            };
            let name = name.get_or_insert_with(|| command_name(pid));
            let holders = found.entry(inode).or_default();
            // Two descriptors of one process on one socket (after dup()) are one holder.
            if !holders.iter().any(|o| o.pid == pid) {
                holders.push(Owner {
                    pid,
                    name: name.clone(),
                });
            }
        }
    }
    found
}

/// The inode in a descriptor's link text `socket:[41371]`; None for files, pipes, ...
fn socket_inode(link: &str) -> Option<u64> {
    link.strip_prefix("socket:[")?
        .strip_suffix(']')?
        .parse()
        .ok()
}

/// `/proc/PID/comm` without its newline; `?` if the process has just gone.
fn command_name(pid: u32) -> String {
    fs::read_to_string(format!("/proc/{pid}/comm"))
        .map(|c| c.trim_end().to_string())
        .unwrap_or_else(|_| "?".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn socket_links_give_their_inode() {
        assert_eq!(socket_inode("socket:[41371]"), Some(41371));
        assert_eq!(socket_inode("pipe:[41371]"), None);
        assert_eq!(socket_inode("/dev/null"), None);
    }

    #[test]
    fn this_process_holds_its_own_listener() {
        use std::os::unix::fs::MetadataExt;
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let fd = std::os::fd::AsRawFd::as_raw_fd(&listener);
        // The inode of the socket, as fstat() gives it: the one /proc/net/tcp shows.
        let inode = fs::metadata(format!("/proc/self/fd/{fd}")).unwrap().ino();
        let holders = owners().remove(&inode).unwrap_or_default();
        assert_eq!(
            holders,
            vec![Owner {
                pid: std::process::id(),
                name: command_name(std::process::id())
            }]
        );
    }
}
