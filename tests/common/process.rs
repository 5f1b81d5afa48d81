//! Runs the `netlab` binary as a user would, with its stdin, stdout and stderr piped, and
//! waits on what it prints (never longer than a timeout). Killed when dropped.
//!
//! [`Netlab::start_with`] also sets environment variables (`RUST_LOG`, `MAKELEVEL`) and
//! can give the process an output whose reader has gone ([`Stream::Closed`]), as
//! `netlab stages | true` does.

use std::io::{Read, Write};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// Everything a stream has printed so far, and a condition variable to wait for more.
type Output = Arc<(Mutex<String>, Condvar)>;

pub struct Netlab {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: Output,
    stderr: Output,
}

fn collect(mut stream: impl Read + Send + 'static) -> Output {
    let out: Output = Arc::new((Mutex::new(String::new()), Condvar::new()));
    let sink = out.clone();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = stream.read(&mut buf) {
            if n == 0 {
                break;
            }
            sink.0
                .lock()
                .unwrap()
                .push_str(&String::from_utf8_lossy(&buf[..n]));
            sink.1.notify_all();
        }
    });
    out
}

/// Where the started process's stdout or stderr goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    /// A pipe the test reads, keeping everything printed.
    Collected,
    /// A pipe whose reading end is closed before the process starts: every write fails
    /// with EPIPE, as after `| head -1` has exited. Nothing is kept.
    Closed,
}

impl Stream {
    fn stdio(self) -> Stdio {
        match self {
            Stream::Collected => Stdio::piped(),
            Stream::Closed => {
                let (read, write) = nix::unistd::pipe().expect("a pipe");
                drop(read);
                Stdio::from(write)
            }
        }
    }
}

fn empty() -> Output {
    Arc::new((Mutex::new(String::new()), Condvar::new()))
}

impl Netlab {
    /// Starts `netlab args...`.
    pub fn start(args: &[&str]) -> Netlab {
        Netlab::start_with(args, &[], Stream::Collected, Stream::Collected)
    }

    /// Starts `netlab args...` with the variables `env` set (and `RUST_LOG` unset unless
    /// given), its stdout and stderr as asked.
    pub fn start_with(
        args: &[&str],
        env: &[(&str, &str)],
        stdout: Stream,
        stderr: Stream,
    ) -> Netlab {
        let mut command = Command::new(env!("CARGO_BIN_EXE_netlab"));
        command
            .args(args)
            .env_remove("RUST_LOG")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env_remove("LANG")
            .stdin(Stdio::piped())
            .stdout(stdout.stdio())
            .stderr(stderr.stdio());
        for (name, value) in env {
            command.env(name, value);
        }
        let mut child = command.spawn().expect("start netlab");
        let stdout = child.stdout.take().map_or_else(empty, collect);
        let stderr = child.stderr.take().map_or_else(empty, collect);
        Netlab {
            stdin: child.stdin.take(),
            child,
            stdout,
            stderr,
        }
    }

    /// Starts `netlab stage N --port 0 extra...` and waits for its `listening on` line;
    /// returns the process and the port.
    pub fn stage(number: u8, extra: &[&str]) -> (Netlab, u16) {
        let n = number.to_string();
        let mut args = vec!["stage", n.as_str(), "--port", "0"];
        args.extend_from_slice(extra);
        let p = Netlab::start(&args);
        let port = p.port();
        (p, port)
    }

    fn wait(out: &Output, timeout: Duration, mut done: impl FnMut(&str) -> bool) -> bool {
        let deadline = Instant::now() + timeout;
        let mut text = out.0.lock().unwrap();
        loop {
            if done(&text) {
                return true;
            }
            let now = Instant::now();
            if now >= deadline {
                return false;
            }
            text = out.1.wait_timeout(text, deadline - now).unwrap().0;
        }
    }

    /// Waits until stderr contains `needle`; panics with all output if it does not in time.
    pub fn expect_stderr(&self, needle: &str, timeout: Duration) {
        if !Netlab::wait(&self.stderr, timeout, |t| t.contains(needle)) {
            panic!(
                "stderr never showed {needle:?} within {timeout:?}:\n{}",
                self.all()
            );
        }
    }

    /// Waits until stdout contains `needle`.
    pub fn expect_stdout(&self, needle: &str, timeout: Duration) {
        if !Netlab::wait(&self.stdout, timeout, |t| t.contains(needle)) {
            panic!(
                "stdout never showed {needle:?} within {timeout:?}:\n{}",
                self.all()
            );
        }
    }

    /// The port from the `listening on 127.0.0.1:PORT` line.
    pub fn port(&self) -> u16 {
        let whole_line = |t: &str| {
            t.split_inclusive('\n')
                .any(|l| l.starts_with("listening on ") && l.ends_with('\n'))
        };
        if !Netlab::wait(&self.stderr, Duration::from_secs(10), whole_line) {
            panic!("no `listening on` line:\n{}", self.all());
        }
        let text = self.stderr();
        let line = text
            .lines()
            .find(|l| l.starts_with("listening on "))
            .unwrap();
        line.rsplit(':').next().unwrap().trim().parse().unwrap()
    }

    pub fn stderr(&self) -> String {
        self.stderr.0.lock().unwrap().clone()
    }

    pub fn stdout(&self) -> String {
        self.stdout.0.lock().unwrap().clone()
    }

    /// Both streams, for failure messages.
    pub fn all(&self) -> String {
        format!(
            "--- stdout:\n{}\n--- stderr:\n{}",
            self.stdout(),
            self.stderr()
        )
    }

    /// Types a line at the console.
    pub fn type_line(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().expect("stdin is open");
        stdin.write_all(format!("{line}\n").as_bytes()).unwrap();
        stdin.flush().unwrap();
    }

    /// Types raw bytes at the console, such as a line that is not UTF-8.
    pub fn type_bytes(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin is open");
        stdin.write_all(bytes).unwrap();
        stdin.flush().unwrap();
    }

    /// Closes stdin (the console sees EOF).
    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }

    /// Sends a signal (`nix::sys::signal::Signal::SIGINT`, ...).
    pub fn signal(&self, sig: nix::sys::signal::Signal) {
        nix::sys::signal::kill(nix::unistd::Pid::from_raw(self.child.id() as i32), sig).unwrap();
    }

    /// Waits for the process to exit; None if it is still running after `timeout`.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                // Let the collector threads drain what was printed last.
                std::thread::sleep(Duration::from_millis(50));
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits for the exit, failing the test with all output if it does not come in time.
    pub fn expect_exit(&mut self, timeout: Duration) -> ExitStatus {
        match self.wait_exit(timeout) {
            Some(status) => status,
            None => panic!("netlab did not exit within {timeout:?}:\n{}", self.all()),
        }
    }
}

impl Drop for Netlab {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
