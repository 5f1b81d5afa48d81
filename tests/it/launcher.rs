//! The launcher that `netlab check` and `netlab bench` share (`netlab::program`), run as a
//! user runs it, with real processes: nothing a program starts outlives it, even a daemon,
//! even when netlab is killed outright; a port taken between netlab's choice and the
//! program's bind is given up for another; a fixed `--port` lasts a whole check; a bench
//! against a closed address says so. Every test looks in `/proc` afterwards.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The repository's root, where the test servers are.
fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fresh directory for one test's files.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("netlab-launcher-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `netlab args...` in English, its output collected; killed if it outlives `limit`.
fn netlab(args: &[&str], limit: Duration) -> Output {
    let child = start(args);
    finish(child, limit)
}

fn start(args: &[&str]) -> Child {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_netlab"));
    cmd.args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for var in ["LC_ALL", "LC_MESSAGES", "LANG", "RUST_LOG", "MAKELEVEL"] {
        cmd.env_remove(var);
    }
    cmd.spawn().expect("netlab starts")
}

/// Waits for `child` at most `limit` (then kills it), with what it printed.
fn finish(mut child: Child, limit: Duration) -> Output {
    let read = |stream: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut v = Vec::new();
            if let Some(mut s) = stream {
                let _ = s.read_to_end(&mut v);
            }
            v
        })
    };
    let out = read(child.stdout.take().map(|s| Box::new(s) as _));
    let err = read(child.stderr.take().map(|s| Box::new(s) as _));
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            panic!("netlab did not end within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    }
}

fn shown(out: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}--- stderr\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// The processes whose command line mentions `needle`.
fn running_with(needle: &str) -> Vec<(u32, String)> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(cmdline) = std::fs::read(format!("/proc/{pid}/cmdline")) else {
            continue;
        };
        let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        if cmdline.contains(needle) && !zombie(pid) {
            found.push((pid, cmdline));
        }
    }
    found
}

/// Whether `pid` has ended and only waits to be reaped (or is gone).
fn zombie(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).map_or(true, |stat| {
        stat.rfind(')')
            .and_then(|i| stat[i + 1..].split_whitespace().next())
            .is_some_and(|state| state == "Z" || state == "X")
    })
}

/// Waits, at most `limit`, until none of `pids` runs; the ones still running.
fn wait_gone(pids: &[u32], limit: Duration) -> Vec<u32> {
    let deadline = Instant::now() + limit;
    loop {
        let left: Vec<u32> = pids.iter().copied().filter(|&p| !zombie(p)).collect();
        if left.is_empty() || Instant::now() >= deadline {
            return left;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Copies the Python test servers `names` (and the skeleton they import) into `dir`.
fn copy_servers(dir: &Path, names: &[&str]) {
    for name in names.iter().chain(&["chat.py"]) {
        std::fs::copy(
            root().join("tests/servers/python").join(name),
            dir.join(name),
        )
        .unwrap();
    }
}

/// A program that daemonizes (fork, setsid(), fork; `tests/servers/python/
/// setsid_escape.py`) leaves nothing after `netlab check 2`: each scenario's escapee is
/// ended with its program, and named in one line.
#[test]
fn a_daemonizing_program_leaves_nothing_after_check() {
    let dir = temp_dir("setsid");
    copy_servers(&dir, &["setsid_escape.py"]);
    let script = dir.join("setsid_escape.py");
    let script = script.to_str().unwrap();
    let out = netlab(
        &["check", "2", "--", "python3", script, "{port}"],
        Duration::from_secs(240),
    );
    let left = running_with(script);
    assert!(left.is_empty(), "left running: {left:?}\n{}", shown(&out));
    // Its server is a correct stage 2 one: the daemonizing is all that is wrong with it.
    assert_eq!(out.status.code(), Some(0), "{}", shown(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    let reports: Vec<&str> = err
        .lines()
        .filter(|l| l.contains("your program left 1 process running: pid "))
        .collect();
    let passed_or_failed = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.starts_with("PASS ") || l.starts_with("FAIL "))
        .count();
    assert!(passed_or_failed > 0, "{}", shown(&out));
    // One line per scenario, each naming the grandchild, which is gone.
    assert_eq!(reports.len(), passed_or_failed, "{}", shown(&out));
    for line in reports {
        assert!(
            line.starts_with("netlab check, after ") && line.ends_with(" (python3), ended"),
            "{line}"
        );
        let pid: u32 = line
            .split("pid ")
            .nth(1)
            .and_then(|rest| rest.split(' ').next()?.parse().ok())
            .unwrap();
        assert!(zombie(pid), "pid {pid} still runs");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// netlab killed with SIGKILL in the middle of a check cannot stop anything itself: the
/// guard between it and the program notices and ends the program and its child, even one
/// that left the program's session.
#[test]
fn nothing_outlives_netlab_killed_with_sigkill() {
    let dir = temp_dir("sigkill");
    let pids = dir.join("pids");
    // A program that starts a child in a session of its own, says both pids, and never
    // listens: netlab waits for it.
    let script = format!(
        "setsid sleep 300 & echo $$ $! > {}.tmp; mv {0}.tmp {0}; wait",
        pids.display()
    );
    let mut netlab_process = start(&[
        "check",
        "2",
        "--start-timeout",
        "60",
        "--",
        "sh",
        "-c",
        &script,
    ]);
    let deadline = Instant::now() + Duration::from_secs(30);
    while !pids.exists() {
        assert!(Instant::now() < deadline, "the program did not start");
        std::thread::sleep(Duration::from_millis(20));
    }
    let text = std::fs::read_to_string(&pids).unwrap();
    let mut started: Vec<u32> = text
        .split_whitespace()
        .map(|p| p.parse().unwrap())
        .collect();
    assert_eq!(started.len(), 2, "{text}");
    // The guard: the program's parent.
    let stat = std::fs::read_to_string(format!("/proc/{}/stat", started[0])).unwrap();
    let guard: u32 = stat[stat.rfind(')').unwrap() + 1..]
        .split_whitespace()
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    assert_ne!(guard, netlab_process.id());
    started.push(guard);
    netlab_process.kill().unwrap();
    netlab_process.wait().unwrap();
    let left = wait_gone(&started, Duration::from_secs(15));
    assert!(
        left.is_empty(),
        "still running after netlab's SIGKILL: {left:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A free port netlab picked is taken by another program before the program binds it:
/// netlab sees the port still held once the program has stopped, and starts the program
/// again on another free port, where the check passes.
#[test]
fn a_port_taken_before_the_program_binds_it_is_given_up_for_another() {
    let dir = temp_dir("taken");
    copy_servers(&dir, &[]);
    // The test plays the other program: told a port, it listens there.
    let taker = TcpListener::bind("127.0.0.1:0").unwrap();
    let taker_port = taker.local_addr().unwrap().port();
    let taken = std::thread::spawn(move || {
        let (stream, _) = taker.accept().unwrap();
        let mut line = String::new();
        BufReader::new(&stream).read_line(&mut line).unwrap();
        let port: u16 = line.trim().parse().unwrap();
        let held = TcpListener::bind(("127.0.0.1", port)).unwrap();
        (&stream).write_all(b"taken\n").unwrap();
        (port, held)
    });
    let program = dir.join("takes_its_time.py");
    std::fs::write(
        &program,
        format!(
            "import os, socket, sys\n\
             sys.path.insert(0, {dir:?})\n\
             from chat import listen, serve\n\
             marker = os.path.join({dir:?}, 'first')\n\
             if not os.path.exists(marker):\n\
             \x20   open(marker, 'w').close()\n\
             \x20   c = socket.create_connection(('127.0.0.1', {taker_port}))\n\
             \x20   c.sendall(os.environ['PORT'].encode() + b'\\n')\n\
             \x20   c.recv(16)\n\
             serve(listener=listen())\n",
            dir = dir.to_str().unwrap()
        ),
    )
    .unwrap();
    let out = netlab(
        &[
            "check",
            "2",
            "--only",
            "broadcasts_to_everyone",
            "--verbose",
            "--",
            "python3",
            program.to_str().unwrap(),
        ],
        Duration::from_secs(60),
    );
    let (port, held) = taken.join().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", shown(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("PASS broadcasts_to_everyone"),
        "{}",
        shown(&out)
    );
    drop(held);
    // The scenario ran on another port than the one taken.
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("$ connect 127.0.0.1:"), "{stdout}");
    assert!(
        !stdout.contains(&format!("$ connect 127.0.0.1:{port} ")),
        "{stdout}"
    );
    let left = running_with(program.to_str().unwrap());
    assert!(left.is_empty(), "left running: {left:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// With `--port P`, a stage 4 server (which closes a connection first on `quit`, leaving
/// P in TIME-WAIT) is checked on every scenario: netlab waits for P between them, says it
/// once each time, and says at the start what the waits may cost.
#[test]
fn a_fixed_port_lasts_a_whole_check_at_stage_4() {
    let port = loop {
        // Below the ephemeral range, as a port a student picks for a class would be.
        let p = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        if let Ok(l) = TcpListener::bind(("127.0.0.1", p - 10_000)) {
            break l.local_addr().unwrap().port();
        }
    };
    let program = root().join("stages/python/stage4_quit.py");
    let p = port.to_string();
    let out = netlab(
        &[
            "check",
            "4",
            "--port",
            &p,
            "--",
            "python3",
            program.to_str().unwrap(),
        ],
        Duration::from_secs(900),
    );
    let all = shown(&out);
    assert!(
        all.contains(&format!("with --port {port}, each scenario starts once")),
        "{all}"
    );
    assert!(!all.contains("CANNOT CHECK"), "{all}");
    assert_eq!(out.status.code(), Some(0), "{all}");
    let waits = all.matches(&format!("waiting for port {port}")).count();
    eprintln!("{waits} waits for port {port}\n{all}");
    let left = running_with(program.to_str().unwrap());
    assert!(left.is_empty(), "left running: {left:?}");
}

/// `netlab bench --addr` on a port where nothing listens measures nothing: it says so
/// and exits with 2 at once.
#[test]
fn bench_against_a_closed_address_exits_with_2() {
    let closed = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = format!("127.0.0.1:{closed}");
    let t = Instant::now();
    let out = netlab(
        &["bench", "--addr", &addr, "--clients", "2", "--reps", "1"],
        Duration::from_secs(60),
    );
    assert_eq!(out.status.code(), Some(2), "{}", shown(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("netlab bench: nothing listens on {addr}")),
        "{}",
        shown(&out)
    );
    assert!(t.elapsed() < Duration::from_secs(10), "{:?}", t.elapsed());
}

/// A port of the ephemeral range held by another program's outgoing connection: `netlab
/// stage` says that, and a port below the range, instead of blaming TIME-WAIT or
/// SO_REUSEADDR.
#[test]
fn a_port_held_by_an_outgoing_connection_is_explained_as_such() {
    let server = TcpListener::bind("127.0.0.1:0").unwrap();
    // connect() takes its own port from the ephemeral range, as any program's does.
    let client = std::net::TcpStream::connect(server.local_addr().unwrap()).unwrap();
    let port = client.local_addr().unwrap().port().to_string();
    let out = netlab(&["stage", "7", "--port", &port], Duration::from_secs(30));
    assert_eq!(out.status.code(), Some(1), "{}", shown(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("EADDRINUSE (98)"), "{err}");
    assert!(
        err.contains(&format!(
            "port {port} lies in the range {}",
            std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
                .unwrap()
                .split_whitespace()
                .next()
                .unwrap()
        )),
        "{err}"
    );
    assert!(err.contains("has 1 connection on port"), "{err}");
    assert!(!err.contains("set no SO_REUSEADDR"), "{err}");
    drop(client);
}
