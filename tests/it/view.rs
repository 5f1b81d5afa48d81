//! The live view as a class sees it, in each language: `netlab stage 3 --view` on a
//! pseudo-terminal of 80x24 (a projector's), two clients connected and one line said,
//! then the keys overlay (`?`). The screen is read back through a terminal emulator
//! (vt100) and compared with a checked-in screen, `tests/it/snapshots/view_LANG.txt`,
//! ports and numbers normalised. `NETLAB_BLESS=1 cargo test --test it view::` rewrites the
//! screens; read the diff before committing it.

use crate::common::LOCALE_VARS;
use netlab::scenario::TestClient;
use std::io::{Read, Write};
use std::net::SocketAddr;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const ROWS: u16 = 24;
const COLS: u16 = 80;
const WAIT: Duration = Duration::from_secs(20);

/// `netlab --lang LANG stage 3 --view` on a new pseudo-terminal, its controlling
/// terminal (so that the view measures this one); the screen as an emulator shows it.
struct OnScreen {
    child: Child,
    master: std::fs::File,
    screen: Arc<Mutex<vt100::Parser>>,
    stderr: Arc<Mutex<String>>,
}

impl OnScreen {
    fn start(lang: &str) -> OnScreen {
        let size = nix::pty::Winsize {
            ws_row: ROWS,
            ws_col: COLS,
            ws_xpixel: 0,
            ws_ypixel: 0,
        };
        let pty = nix::pty::openpty(Some(&size), None).expect("a pseudo-terminal");
        let slave = std::fs::File::from(pty.slave);
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_netlab"));
        cmd.args([
            "--lang", lang, "stage", "3", "--port", "0", "--grace", "1", "--view",
        ])
        .env("TERM", "xterm-256color")
        .env("NO_COLOR", "1")
        .env_remove("RUST_LOG")
        .stdin(Stdio::from(slave.try_clone().unwrap()))
        .stdout(Stdio::from(slave))
        .stderr(Stdio::piped());
        for var in LOCALE_VARS {
            cmd.env_remove(var);
        }
        // SAFETY: only async-signal-safe calls between fork and exec.
        unsafe {
            cmd.pre_exec(|| {
                nix::unistd::setsid().map_err(std::io::Error::from)?;
                if nix::libc::ioctl(0, nix::libc::TIOCSCTTY, 0) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let mut child = cmd.spawn().expect("start netlab");
        drop(cmd);
        let screen = Arc::new(Mutex::new(vt100::Parser::new(ROWS, COLS, 0)));
        let mut master = std::fs::File::from(pty.master);
        let mut reader = master.try_clone().unwrap();
        let mut answer = master.try_clone().unwrap();
        let feed = screen.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            // Reading fails with EIO once the child has closed its end.
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                // The view asks where the cursor is (`ESC [6n`), as a terminal answers.
                if buf[..n].windows(4).any(|w| w == b"\x1b[6n") {
                    let _ = answer.write_all(b"\x1b[1;1R");
                }
                feed.lock().unwrap().process(&buf[..n]);
            }
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut pipe = child.stderr.take().unwrap();
        let sink = stderr.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 1024];
            while let Ok(n) = pipe.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        master.flush().unwrap();
        OnScreen {
            child,
            master,
            screen,
            stderr,
        }
    }

    /// The port from the `listening on` line.
    fn port(&self) -> u16 {
        let deadline = Instant::now() + WAIT;
        loop {
            let text = self.stderr.lock().unwrap().clone();
            if let Some(line) = text
                .lines()
                .find(|l| l.starts_with("listening on ") && text.contains('\n'))
            {
                return line.rsplit(':').next().unwrap().trim().parse().unwrap();
            }
            assert!(Instant::now() < deadline, "no listening line: {text}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn contents(&self) -> String {
        self.screen.lock().unwrap().screen().contents()
    }

    /// The screen once `done` holds for it and it has stopped changing (the view redraws
    /// four times a second).
    fn settled(&self, what: &str, done: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + WAIT;
        let mut last = String::new();
        loop {
            std::thread::sleep(Duration::from_millis(300));
            let now = self.contents();
            if done(&now) && normalise(&now, &[]) == normalise(&last, &[]) {
                return now;
            }
            assert!(
                Instant::now() < deadline,
                "{what}: the screen is\n{now}\nstderr:\n{}",
                self.stderr.lock().unwrap()
            );
            last = now;
        }
    }

    fn keys(&mut self, keys: &str) {
        self.master.write_all(keys.as_bytes()).unwrap();
        self.master.flush().unwrap();
    }
}

impl Drop for OnScreen {
    fn drop(&mut self) {
        // `q` quits as the console's `quit` does; what remains after the grace is ended.
        let _ = self.master.write_all(b"q");
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Makes a screen comparable from run to run: each port becomes its owner's name
/// (`S____`, `A____`), every digit a 9, and a right-aligned number keeps its column but
/// not its width.
fn normalise(screen: &str, ports: &[(u16, char)]) -> String {
    let mut out = Vec::new();
    for line in screen.lines() {
        let mut line = line.trim_end().to_string();
        for (port, name) in ports {
            let port = port.to_string();
            let stand_in = format!("{name}{}", "_".repeat(port.len() - 1));
            line = line.replace(&format!(":{port}"), &format!(":{stand_in}"));
        }
        let line: String = line
            .chars()
            .map(|c| if c.is_ascii_digit() { '9' } else { c })
            .collect();
        out.push(right_aligned(&line));
    }
    out.join("\n") + "\n"
}

/// `   999` and `  9999` both become `     9`: a right-aligned number in its column.
fn right_aligned(line: &str) -> String {
    let c: Vec<char> = line.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < c.len() {
        if c[i] != ' ' {
            out.push(c[i]);
            i += 1;
            continue;
        }
        let start = i;
        while i < c.len() && c[i] == ' ' {
            i += 1;
        }
        let mut j = i;
        while j < c.len() && (c[j] == '9' || c[j] == '.') {
            j += 1;
        }
        if j < c.len() && "KMGs".contains(c[j]) {
            j += 1;
        }
        let number = j > i && c[i] == '9' && (j == c.len() || c[j] == ' ');
        if i - start >= 2 && number {
            out.push_str(&" ".repeat(i - start + (j - i) - 1));
            out.push('9');
            i = j;
        } else {
            out.push_str(&" ".repeat(i - start));
        }
    }
    out
}

/// Compares `screen` with `snapshots/NAME.txt`, or writes it under NETLAB_BLESS=1.
fn compare(name: &str, screen: &str) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/it/snapshots")
        .join(format!("{name}.txt"));
    if std::env::var_os("NETLAB_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, screen).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (NETLAB_BLESS=1 writes it)", path.display()));
    assert!(
        want == screen,
        "the view differs from {}:\n--- expected\n{want}--- got\n{screen}",
        path.display()
    );
}

/// Stage 3 with A and B connected, A's `hello` broadcast: the threads, the dict, the log,
/// then the keys overlay; `marks` are what the screens must show in this language.
fn view_in(lang: &str, marks: [&str; 3]) {
    let mut on = OnScreen::start(lang);
    let port = on.port();
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let a = TestClient::connect("A", addr).unwrap();
    let b = TestClient::connect("B", addr).unwrap();
    let ports = [(port, 'S'), (a.local.port(), 'A'), (b.local.port(), 'B')];
    let [dict, recv, keys] = marks;
    // Both in the dict (the view shows it) before A speaks, so that B hears it.
    on.settled("both clients in the dict", |s| {
        s.contains(dict) && s.contains(recv)
    });
    a.send(b"hello\n").unwrap();
    assert!(b.wait_for_text(b"\nhello\n", WAIT), "B got no hello");
    let main = on.settled("A's hello in the log", |s| {
        s.contains("hello") && s.contains(dict) && s.contains(recv)
    });
    on.keys("?");
    let help = on.settled("the keys overlay", |s| s.contains(keys));
    compare(
        &format!("view_{lang}"),
        &format!(
            "{}--- ?\n{}",
            normalise(&main, &ports),
            normalise(&help, &ports)
        ),
    );
    drop(on);
    drop((a, b));
}

/// The Chinese view: every label from the catalogue, a blocked call in Chinese words.
#[test]
fn the_view_in_chinese() {
    view_in("zh", ["客户端字典（2）", "阻塞在 recv()", "按任意键关闭"]);
}

/// The English view, the same screens.
#[test]
fn the_view_in_english() {
    view_in(
        "en",
        ["clients dict (2)", "in recv()", "any key closes this"],
    );
}
