//! `netlab check` is itself checked: broken servers with their exact grader output, the
//! tutorial's Python originals against the next stages (against their own, with
//! `--strict`, in tests/python.rs, which compares them with netlab's Python), netlab's own
//! stages run as outside programs, and the command's edges (exit codes, JSON, a port that
//! is taken, Ctrl-C, a server that never answers).
//!
//! The broken servers are small Python programs in `tests/check/`; each one's grader output
//! is kept beside it as `<name>.golden`, with ports, times and paths normalised, and must
//! come out exactly so. After a deliberate change to the grader's output, rewrite them with
//! `NETLAB_BLESS=1 cargo test --test check` and read the diff before committing it.
//!
//! Tests that need `python3`, or the tutorial's originals in `../shared/reference`, are
//! reported as ignored, with the reason, where those are missing.

mod common;

use common::process::Netlab;
use libtest_mimic::{Arguments, Completion, Failed, Trial};
use netlab::curriculum::{self, Kind};
use nix::sys::signal::Signal;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

type Result = std::result::Result<Completion, Failed>;

/// A broken server, the stage it is checked as, and how.
struct Broken {
    /// `tests/servers/python/<name>.py`, and its golden output `tests/check/<name>.golden`.
    name: &'static str,
    stage: u8,
    /// Extra arguments for `netlab check` (`--only ...`).
    args: &'static [&'static str],
    /// Extra environment for netlab and the server.
    env: &'static [(&'static str, &'static str)],
    /// The exit code `netlab check` must give.
    code: i32,
    /// Whether the report's `expected:` and `received:` lines must differ before the
    /// golden's normalising (times and ports would hide a difference in the hour).
    differ: bool,
    /// The language of the report (`--lang`); the golden of another language than English
    /// is `tests/check/<name>.<lang>.golden`.
    lang: &'static str,
}

const BROKEN: &[Broken] = &[
    Broken {
        name: "no_header",
        stage: 2,
        args: &["--only", "broadcasts_to_everyone"],
        env: &[],
        code: 1,
        differ: false,
        lang: "en",
    },
    Broken {
        name: "no_echo",
        stage: 2,
        args: &["--only", "broadcasts_to_everyone"],
        env: &[],
        code: 1,
        differ: false,
        lang: "en",
    },
    // Eight hours east of UTC for netlab's clock, so that a UTC header is eight hours off.
    Broken {
        name: "utc_header",
        stage: 2,
        args: &["--only", "header_has_the_notes_format"],
        env: &[("TZ", "CST-8")],
        code: 1,
        differ: true,
        lang: "en",
    },
    Broken {
        name: "iso_header",
        stage: 2,
        args: &["--only", "header_has_the_notes_format"],
        env: &[],
        code: 1,
        differ: false,
        lang: "en",
    },
    Broken {
        name: "quit_ignored",
        stage: 4,
        args: &["--only", "quit_removes_the_client"],
        env: &[],
        code: 1,
        differ: false,
        lang: "en",
    },
    Broken {
        name: "one_message",
        stage: 2,
        args: &["--only", "broadcasts_to_everyone"],
        env: &[],
        code: 1,
        differ: false,
        lang: "en",
    },
    Broken {
        name: "recv_framing",
        stage: 6,
        args: &["--only", "lines_are_framed_by_newline"],
        env: &[],
        code: 1,
        differ: false,
        lang: "en",
    },
    Broken {
        name: "crash",
        stage: 2,
        args: &[],
        env: &[],
        code: 2,
        differ: false,
        lang: "en",
    },
    Broken {
        name: "wrong_port",
        stage: 2,
        args: &["--start-timeout", "5"],
        env: &[],
        code: 2,
        differ: false,
        lang: "en",
    },
    // A stage 4 server that broadcasts the b'' of a closed client: the hint names it.
    Broken {
        name: "empty_broadcast",
        stage: 4,
        args: &["--only", "closed_client_is_removed"],
        env: &[],
        code: 1,
        differ: false,
        lang: "en",
    },
    // A reset client left in the dict kills the next sender's broadcast: nobody gets it.
    Broken {
        name: "dead_client",
        stage: 7,
        args: &["--only", "reset_client_leaves_the_chat"],
        env: &[],
        code: 1,
        differ: false,
        lang: "en",
    },
    // Better than the notes: `quit` closes every client and ends the program. It passes,
    // and the report says the notes' flaw is absent.
    Broken {
        name: "closes_idle_at_quit",
        stage: 3,
        args: &["--only", "quit_with_idle_clients_is_cut_short"],
        env: &[],
        code: 0,
        differ: false,
        lang: "en",
    },
    // The whole of stage 7 against a server that never answers: the run must end.
    Broken {
        name: "silent",
        stage: 7,
        args: &[],
        env: &[],
        code: 1,
        differ: false,
        lang: "en",
    },
    // The same report in Chinese: every line a student reads comes from the catalogue.
    Broken {
        name: "utc_header",
        stage: 2,
        args: &["--only", "header_has_the_notes_format"],
        env: &[("TZ", "CST-8")],
        code: 1,
        differ: false,
        lang: "zh",
    },
];

/// How long a full `netlab check 7` against a server that never answers may take, with
/// `--timeout 1` (docs/en/check.md states the bound for the default 5 s).
const SILENT_BOUND: Duration = Duration::from_secs(90);

fn main() {
    let mut args = Arguments::from_args();
    // These tests mostly wait (for a program to start, a quit's 3 s pause, a quiet period),
    // so four at a time keep two cores busy without crowding them.
    args.test_threads = args.test_threads.or(Some(4));
    let mut trials = Vec::new();
    for b in BROKEN {
        let name = match b.lang {
            "en" => format!("golden_{}", b.name),
            lang => format!("golden_{}_{lang}", b.name),
        };
        trials.push(Trial::ignorable_test(name, move || golden(b)));
    }
    for stage in curriculum::of_kind(Kind::Stage) {
        let n: u8 = stage.id.parse().expect("a stage's id is its number");
        trials.push(Trial::test(
            format!("netlab_binary_passes_stage{n}"),
            move || binary_passes(n),
        ));
    }
    for f in FAIR {
        let name = f
            .file
            .trim_end_matches(".c")
            .trim_end_matches(".js")
            .replace('/', "_");
        trials.push(Trial::ignorable_test(format!("fair_{name}"), move || {
            fair(f)
        }));
    }
    trials.push(Trial::ignorable_test(
        "a_server_that_stops_reading_fails_in_bounded_time",
        stops_reading,
    ));
    trials.push(Trial::ignorable_test(
        "python_stage3_fails_stage4_quit",
        || original_fails(3, 4, "quit_removes_the_client"),
    ));
    trials.push(Trial::ignorable_test(
        "python_stage5_fails_stage7_reset",
        || original_fails(5, 7, "reset_is_handled"),
    ));
    trials.push(Trial::ignorable_test(
        "json_has_one_object_per_scenario",
        json_lines,
    ));
    trials.push(Trial::test(
        "taken_port_is_refused_before_starting",
        taken_port,
    ));
    trials.push(Trial::test("ctrl_c_stops_the_program", ctrl_c));
    trials.push(Trial::test(
        "unknown_scenario_lists_the_stage_ones",
        unknown_scenario,
    ));
    trials.push(Trial::ignorable_test(
        "golden_interleaving_is_all_that_may_differ",
        interleaving_is_all_that_may_differ,
    ));
    libtest_mimic::run(&args, trials).exit();
}

fn netlab() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_netlab"));
    cmd.env_remove("RUST_LOG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("LANG")
        .stdin(Stdio::null());
    cmd
}

fn here(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// Why a Python test cannot run here, if it cannot.
fn no_python() -> Option<String> {
    let ok = Command::new("python3")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    (!ok).then(|| "python3 is not installed: this test runs Python servers".to_string())
}

/// The tutorial's original stage `n`, copied to `dir` with its port taken from `$PORT`;
/// or why it cannot be had.
fn original(n: u8, dir: &Path) -> std::result::Result<PathBuf, String> {
    common::copy_original(&format!("stage_{n}_"), false, dir)
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("netlab-check-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Runs `netlab check` with a bound on its time; the output and how long it took.
fn check(args: &[&str], env: &[(&str, &str)], bound: Duration) -> (Output, Duration) {
    let started = Instant::now();
    let child = netlab()
        .arg("check")
        .args(args)
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start netlab check");
    let pid = child.id();
    // A watchdog: netlab check must end by itself; if it does not, it is killed and the
    // test fails on the time.
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let watch = done.clone();
    std::thread::spawn(move || {
        let deadline = Instant::now() + bound + Duration::from_secs(10);
        while Instant::now() < deadline {
            if watch.load(std::sync::atomic::Ordering::SeqCst) {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(pid as i32),
            nix::sys::signal::Signal::SIGINT,
        );
    });
    let out = child.wait_with_output().expect("netlab check runs");
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    (out, started.elapsed())
}

/// Makes a grader transcript comparable from run to run: ports, times, dates and paths
/// replaced by stand-ins of the same width, so that carets still line up.
fn normalise(text: &str) -> String {
    let mut ports: HashMap<String, String> = HashMap::new();
    let mut out = String::new();
    for line in text.lines() {
        // Each scenario numbers its own ports: the kernel may give a later scenario a port
        // an earlier one used, which must not change the numbering.
        if [
            "PASS ",
            "FAIL ",
            "NOT CHECKED ",
            "CANNOT CHECK ",
            "通过 ",
            "未通过 ",
            "未检查 ",
        ]
        .iter()
        .any(|w| line.starts_with(w))
        {
            ports.clear();
        }
        let mut line = line.replace(env!("CARGO_MANIFEST_DIR"), "{DIR}");
        // Ports: each distinct number after "127.0.0.1:" or "('127.0.0.1', " becomes Pnnnn.
        for prefix in ["127.0.0.1:", "'127.0.0.1', "] {
            let mut at = 0;
            while let Some(i) = line[at..].find(prefix) {
                let start = at + i + prefix.len();
                let digits: String = line[start..]
                    .chars()
                    .take_while(char::is_ascii_digit)
                    .collect();
                if (4..=5).contains(&digits.len()) {
                    let next = format!("P{:0w$}", ports.len() + 1, w = digits.len() - 1);
                    let stand_in = ports.entry(digits.clone()).or_insert(next).clone();
                    line.replace_range(start..start + digits.len(), &stand_in);
                }
                at = start;
            }
        }
        let line = shapes(&line);
        let line = caret_in_port(&line, out.lines().last().unwrap_or_default());
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// A caret under a port number (`P0002`, a port that the kernel chose) points at the first
/// digit that differs, which depends on the ports: it is moved to the port's start, and
/// the byte number with it.
fn caret_in_port(line: &str, above: &str) -> String {
    let Some((caret, label)) = ["^ first difference at byte ", "^ 第一处不同：字节偏移 "]
        .iter()
        .find_map(|label| line.find(label).map(|at| (at, *label)))
    else {
        return line.to_string();
    };
    if !line[..caret].chars().all(|c| c == ' ') {
        return line.to_string();
    }
    let byte: usize = line[caret + label.len()..].trim().parse().unwrap_or(0);
    // The line above by column: a Chinese character takes two.
    let chars: Vec<char> = above
        .chars()
        .flat_map(|c| {
            let wide = matches!(c, '\u{1100}'..='\u{115f}' | '\u{2e80}'..='\u{a4cf}' | '\u{ac00}'..='\u{d7a3}' | '\u{f900}'..='\u{faff}' | '\u{fe30}'..='\u{fe4f}' | '\u{ff00}'..='\u{ff60}' | '\u{ffe0}'..='\u{ffe6}');
            std::iter::once(c).chain(wide.then_some('\0'))
        })
        .collect();
    let start = (0..=caret.min(chars.len().saturating_sub(1)))
        .rev()
        .find(|&i| chars[i] == 'P')
        .filter(|&p| {
            caret < p + 5
                && chars
                    .get(p + 1..p + 5)
                    .is_some_and(|d| d.iter().all(char::is_ascii_digit))
        });
    match start {
        Some(p) => format!("{}{label}{}", " ".repeat(p), byte - (caret - p)),
        None => line.to_string(),
    }
}

/// Replaces the notes' timestamps (`202612/04 14:47:37`), ISO dates and times, and
/// durations (`0.3 s`) with fixed stand-ins of the same width.
fn shapes(line: &str) -> String {
    let b = line.as_bytes();
    let mut out = String::new();
    let mut i = 0;
    let shape = |at: usize, pattern: &str| {
        pattern.len() <= b.len() - at
            && pattern.bytes().zip(&b[at..]).all(|(p, c)| match p {
                b'D' => c.is_ascii_digit(),
                p => p == *c,
            })
    };
    while i < b.len() {
        let starts_number = i == 0 || !b[i - 1].is_ascii_digit();
        if starts_number && shape(i, "DDDDDD/DD DD:DD:DD") {
            out.push_str("YYYYMM/DD hh:mm:ss");
            i += 18;
        } else if starts_number && shape(i, "DDDD-DD-DD DD:DD:DD") {
            out.push_str("YYYY-MM-DD hh:mm:ss");
            i += 19;
        } else if let Some((pattern, stand_in)) = [
            ("D.DD s", "9.99 s"),
            ("DD.D s", "99.9 s"),
            ("D.D s", "9.9 s"),
            ("D.DD 秒", "9.99 秒"),
            ("DD.D 秒", "99.9 秒"),
            ("D.D 秒", "9.9 秒"),
        ]
        .into_iter()
        .find(|(pattern, _)| starts_number && shape(i, pattern))
        {
            out.push_str(stand_in);
            i += pattern.len();
        } else {
            let c = line[i..].chars().next().unwrap();
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

fn golden(b: &'static Broken) -> Result {
    if let Some(why) = no_python() {
        return Ok(Completion::ignored_with(why));
    }
    let server = format!("tests/servers/python/{}.py", b.name);
    let stage = b.stage.to_string();
    let mut args = vec![
        stage.as_str(),
        "--timeout",
        "1",
        "--jobs",
        "2",
        "--lang",
        b.lang,
    ];
    args.extend_from_slice(b.args);
    args.extend_from_slice(&["--", "python3", server.as_str()]);
    let (out, took) = check(&args, b.env, SILENT_BOUND);
    let raw = text(&out);
    let got = normalise(&raw);
    if b.differ {
        let line = |label: &str| {
            raw.lines()
                .find(|l| l.contains(label))
                .map(|l| l.split_once(label).map_or("", |(_, r)| r).to_string())
        };
        let (expected, received) = (line("] expected: "), line("] received: "));
        if expected.is_none() || expected == received {
            return Err(format!("expected and received must differ as printed:\n{raw}").into());
        }
    }
    if b.name == "silent" && took > SILENT_BOUND {
        return Err(format!(
            "netlab check 7 took {took:?} against a silent server, more than {SILENT_BOUND:?}"
        )
        .into());
    }
    if out.status.code() != Some(b.code) {
        return Err(format!(
            "exit code {:?}, expected {}:\n{got}",
            out.status.code(),
            b.code
        )
        .into());
    }
    let path = match b.lang {
        "en" => here(&format!("tests/check/{}.golden", b.name)),
        lang => here(&format!("tests/check/{}.{lang}.golden", b.name)),
    };
    if std::env::var_os("NETLAB_BLESS").is_some() {
        std::fs::write(&path, &got).unwrap();
        return Ok(Completion::Completed);
    }
    let want = std::fs::read_to_string(&path)
        .map_err(|e| format!("{}: {e} (NETLAB_BLESS=1 writes it)", path.display()))?;
    if got != want && !same_apart_from_interleaving(&got, &want) {
        let diff: String = want
            .lines()
            .zip(got.lines().chain(std::iter::repeat("<nothing>")))
            .enumerate()
            .filter(|(_, (w, g))| w != g)
            .take(5)
            .map(|(i, (w, g))| format!("line {}:\n  expected: {w}\n  got:      {g}\n", i + 1))
            .collect();
        return Err(format!(
            "the grader's output for {} differs from {}:\n{diff}\nwhole output:\n{got}",
            b.name,
            path.display()
        )
        .into());
    }
    Ok(Completion::Completed)
}

/// Whether `got` and `want` differ only in where the program's output lines fall among
/// netlab's: a program prints while a step waits (a traceback during a 300 ms quiet step
/// comes before or after the step's line as the timing falls), so netlab's lines, and the
/// program's, are each compared whole and in order, but not their interleaving.
fn same_apart_from_interleaving(got: &str, want: &str) -> bool {
    let split = |text: &str| -> (Vec<String>, Vec<String>) {
        text.lines().map(str::to_string).partition(|line| {
            let t = line.trim_start();
            !(t.starts_with("[your_program] ") || t.starts_with("[你的程序] "))
        })
    };
    split(got) == split(want)
}

/// [`same_apart_from_interleaving`] lets lines move, and nothing else.
fn interleaving_is_all_that_may_differ() -> Result {
    let want = "FAIL x\n  [B] receives nothing\n  [your_program] (stderr) Traceback\n  [B] sends\n";
    let moved =
        "FAIL x\n  [your_program] (stderr) Traceback\n  [B] receives nothing\n  [B] sends\n";
    assert!(same_apart_from_interleaving(moved, want));
    let other = "FAIL x\n  [your_program] (stderr) Trace\n  [B] receives nothing\n  [B] sends\n";
    assert!(!same_apart_from_interleaving(other, want));
    let reordered =
        "FAIL x\n  [B] sends\n  [B] receives nothing\n  [your_program] (stderr) Traceback\n";
    assert!(!same_apart_from_interleaving(reordered, want));
    Ok(Completion::Completed)
}

/// `--json` output, one object per scenario: parsed, with the fields a script relies on.
fn json_scenarios(out: &Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

/// A server written for the tests in another language (`tests/servers/`), and what
/// `netlab check` must say of it.
struct Fair {
    /// `c/stage2.c`, `node/stage7_broken.js`.
    file: &'static str,
    stage: u8,
    /// None: it passes. Some((step, text)): it fails, and the first failure printed is at
    /// that step and says that text.
    fails: Option<(usize, &'static str)>,
}

const FAIR: &[Fair] = &[
    Fair {
        file: "c/stage2.c",
        stage: 2,
        fails: None,
    },
    Fair {
        file: "c/stage4.c",
        stage: 4,
        fails: None,
    },
    Fair {
        file: "c/stage7.c",
        stage: 7,
        fails: None,
    },
    Fair {
        file: "node/stage2.js",
        stage: 2,
        fails: None,
    },
    Fair {
        file: "node/stage4.js",
        stage: 4,
        fails: None,
    },
    Fair {
        file: "node/stage7.js",
        stage: 7,
        fails: None,
    },
    // The broadcast leaves the sender out: A's own line never comes back.
    Fair {
        file: "c/stage2_broken.c",
        stage: 2,
        fails: Some((1, "received nothing")),
    },
    // `quit` is broadcast like any text.
    Fair {
        file: "c/stage4_broken.c",
        stage: 4,
        fails: Some((4, "`quit` was broadcast like a message")),
    },
    // The second line of a segment is lost.
    Fair {
        file: "c/stage7_broken.c",
        stage: 7,
        fails: Some((6, "[B] expected: \"{TS} 127.0.0.1:")),
    },
    // The header has no time.
    Fair {
        file: "node/stage2_broken.js",
        stage: 2,
        fails: Some((1, "the header has no date and time")),
    },
    // `quit` forgets to end the connection.
    Fair {
        file: "node/stage4_broken.js",
        stage: 4,
        fails: Some((
            4,
            "expected the connection to be closed (EOF), but it is still open",
        )),
    },
    // No "\n" after the body.
    Fair {
        file: "node/stage7_broken.js",
        stage: 7,
        fails: Some((1, "the message ends without its own \\n")),
    },
];

/// How to run a server of `tests/servers/`: a C one compiled into `dir` first, a Node one
/// with node. None, with why, where gcc or node is missing.
fn fair_command(file: &str, dir: &Path) -> std::result::Result<Vec<String>, String> {
    let source = here(&format!("tests/servers/{file}"));
    let has = |program: &str| {
        Command::new(program)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if file.ends_with(".c") {
        if !has("gcc") {
            return Err("gcc is not installed: this test compiles a C server".into());
        }
        let binary = dir.join(file.replace('/', "_").trim_end_matches(".c"));
        let built = Command::new("gcc")
            .args(["-O2", "-pthread", "-o"])
            .arg(&binary)
            .arg(&source)
            .output()
            .map_err(|e| format!("gcc: {e}"))?;
        if !built.status.success() {
            return Err(format!(
                "gcc failed: {}",
                String::from_utf8_lossy(&built.stderr)
            ));
        }
        return Ok(vec![binary.to_string_lossy().into(), "{port}".into()]);
    }
    if !has("node") {
        return Err("node is not installed: this test runs a Node server".into());
    }
    Ok(vec![
        "node".into(),
        source.to_string_lossy().into(),
        "{port}".into(),
    ])
}

/// A server in C or for Node passes `netlab check N` where it is correct (its framing,
/// its choices, no CPython accident asked of it), and fails with the right first failure
/// where it has a student's bug.
fn fair(f: &'static Fair) -> Result {
    let dir = temp_dir(&format!("fair-{}", f.file.replace('/', "-")));
    let command = match fair_command(f.file, &dir) {
        Ok(command) => command,
        Err(why) => {
            // gcc and node are on every machine netlab is built on: their absence is worth
            // a line, not a silent pass.
            return Ok(Completion::ignored_with(why));
        }
    };
    let stage = f.stage.to_string();
    let mut args: Vec<&str> = vec![&stage, "--jobs", "2", "--"];
    args.extend(command.iter().map(String::as_str));
    let (out, _) = check(&args, &[], Duration::from_secs(180));
    let _ = std::fs::remove_dir_all(&dir);
    let report = text(&out);
    match f.fails {
        None if out.status.code() == Some(0) => Ok(Completion::Completed),
        None => Err(format!("{} must pass netlab check {stage}:\n{report}", f.file).into()),
        Some((step, said)) => {
            let first = report.find("\nFAIL ").map(|at| &report[at + 1..]);
            let first_line = first.and_then(|f| f.lines().next()).unwrap_or("");
            let failure: String = first
                .map(|f| {
                    f.lines()
                        .skip(1)
                        .take_while(|l| l.starts_with("  "))
                        .collect::<Vec<_>>()
                        .join("\n")
                })
                .unwrap_or_default();
            if out.status.code() == Some(1)
                && first_line.contains(&format!("(at step {step}"))
                && failure.contains(said)
            {
                Ok(Completion::Completed)
            } else {
                Err(format!(
                    "{} must fail first at step {step}, saying {said:?}:\n{report}",
                    f.file
                )
                .into())
            }
        }
    }
}

/// A server that stops reading one client (the notes' "dead thread keeps its socket"):
/// `netlab check 7 --timeout 2` ends with FAIL within a bound, says how much went, and
/// names the cause, where it used to hang for ever in a send.
fn stops_reading() -> Result {
    if let Some(why) = no_python() {
        return Ok(Completion::ignored_with(why));
    }
    let started = Instant::now();
    let (out, _) = check(
        &[
            "7",
            "--only",
            "ten_megabyte_line_goes_through",
            "--timeout",
            "2",
            "--",
            "python3",
            "tests/servers/python/dead_reader.py",
        ],
        &[],
        Duration::from_secs(60),
    );
    let took = started.elapsed();
    let report = text(&out);
    if out.status.code() != Some(1)
        || !report.contains("then the connection stayed full")
        || !report.contains("the server stopped reading from A")
        || took > STOPS_READING_BOUND
    {
        return Err(format!("took {took:?} (bound {STOPS_READING_BOUND:?}):\n{report}").into());
    }
    Ok(Completion::Completed)
}

/// How long `netlab check 7 --timeout 2` against a server that stops reading may take:
/// the program's start, two clients registered, and the send's 2 s (docs/en/check.md).
const STOPS_READING_BOUND: Duration = Duration::from_secs(20);

fn original_fails(n: u8, as_stage: u8, scenario: &str) -> Result {
    if let Some(why) = no_python() {
        return Ok(Completion::ignored_with(why));
    }
    let dir = temp_dir(&format!("original{n}as{as_stage}"));
    let file = match original(n, &dir) {
        Ok(file) => file,
        Err(why) => return Ok(Completion::ignored_with(why)),
    };
    let file = file.to_string_lossy().to_string();
    let (out, _) = check(
        &[
            &as_stage.to_string(),
            "--json",
            "--only",
            scenario,
            "--",
            "python3",
            &file,
        ],
        &[],
        Duration::from_secs(60),
    );
    let _ = std::fs::remove_dir_all(&dir);
    let scenarios = json_scenarios(&out);
    if out.status.code() != Some(1) || scenarios.len() != 1 || scenarios[0]["result"] != "fail" {
        return Err(format!(
            "stage {n}'s original should fail {scenario} as stage {as_stage}:\n{}",
            text(&out)
        )
        .into());
    }
    Ok(Completion::Completed)
}

fn binary_passes(n: u8) -> std::result::Result<(), Failed> {
    let bin = env!("CARGO_BIN_EXE_netlab");
    let stage = n.to_string();
    let (out, _) = check(
        &[&stage, "--", bin, "stage", &stage, "--port", "{port}"],
        &[],
        Duration::from_secs(180),
    );
    if out.status.code() != Some(0) {
        return Err(format!(
            "netlab's own stage {n}, checked as a program, does not pass:\n{}",
            text(&out)
        )
        .into());
    }
    Ok(())
}

fn json_lines() -> Result {
    if let Some(why) = no_python() {
        return Ok(Completion::ignored_with(why));
    }
    let (out, _) = check(
        &[
            "2",
            "--json",
            "--timeout",
            "1",
            "--",
            "python3",
            "tests/servers/python/no_echo.py",
        ],
        &[],
        Duration::from_secs(60),
    );
    let scenarios = json_scenarios(&out);
    let expected = curriculum::find("2").unwrap().scenarios().len();
    if scenarios.len() != expected {
        return Err(format!(
            "{} JSON objects for {expected} scenarios:\n{}",
            scenarios.len(),
            text(&out)
        )
        .into());
    }
    let mut failed = 0;
    for s in &scenarios {
        if s["stage"] != 2 || !s["scenario"].is_string() {
            return Err(format!("unexpected object: {s}").into());
        }
        if s["result"] == "not_run" {
            continue;
        }
        failed += 1;
        let failure = &s["first_failure"];
        if s["result"] != "fail"
            || failure["step"] != 2 && failure["step"] != 1
            || !failure["message"].is_string()
            || !(failure["hint"].is_string() || failure["hint"].is_null())
        {
            return Err(format!("first_failure lacks step or message: {s}").into());
        }
    }
    let summary = String::from_utf8_lossy(&out.stderr);
    if failed == 0
        || !summary.contains(&format!(
            "0 passed, {failed} failed, {} not run",
            expected - failed
        ))
    {
        return Err(format!("the summary goes to stderr: {summary}").into());
    }
    Ok(Completion::Completed)
}

fn taken_port() -> std::result::Result<(), Failed> {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let (out, took) = check(
        &["2", "--port", &port, "--", "sh", "-c", "echo started >&2"],
        &[],
        Duration::from_secs(20),
    );
    let all = text(&out);
    if out.status.code() != Some(2)
        || all.contains("started")
        || !all.contains(&format!("port {port} is taken"))
    {
        return Err(format!(
            "a taken port must stop netlab check before it starts anything:\n{all}"
        )
        .into());
    }
    if all.lines().count() != 1 || took > Duration::from_secs(10) {
        return Err(format!("one line, at once:\n{all}").into());
    }
    Ok(())
}

/// Ctrl-C while a program is being checked stops the program's whole process group.
fn ctrl_c() -> std::result::Result<(), Failed> {
    let dir = temp_dir("ctrl-c");
    let pidfile = dir.join("pid");
    // A program that writes its pid and then never listens: netlab waits for it.
    let script = format!("echo $$ > {}; exec sleep 60", pidfile.display());
    let mut check = Netlab::start(&[
        "check",
        "2",
        "--start-timeout",
        "60",
        "--",
        "sh",
        "-c",
        &script,
    ]);
    let deadline = Instant::now() + Duration::from_secs(20);
    let pid = loop {
        if let Some(pid) = std::fs::read_to_string(&pidfile)
            .ok()
            .and_then(|t| t.trim().parse::<i32>().ok())
        {
            break pid;
        }
        if Instant::now() > deadline {
            return Err(format!("the program never started:\n{}", check.all()).into());
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let _ = std::fs::remove_dir_all(&dir);
    check.signal(Signal::SIGINT);
    let status = check.expect_exit(Duration::from_secs(10));
    if status.code() != Some(130) {
        return Err(format!("netlab check exited with {status} on Ctrl-C, expected 130").into());
    }
    // The program is gone: signalling it fails (after its reaping by init, at most a moment).
    let gone = Instant::now() + Duration::from_secs(5);
    while nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), None).is_ok() {
        if Instant::now() > gone {
            return Err(format!("the program (pid {pid}) outlived netlab check's Ctrl-C").into());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Ok(())
}

fn unknown_scenario() -> std::result::Result<(), Failed> {
    let (out, _) = check(
        &["4", "--only", "nope", "--", "true"],
        &[],
        Duration::from_secs(20),
    );
    let all = text(&out);
    if out.status.code() != Some(2) || !all.contains("quit_removes_the_client") {
        return Err(
            format!("an unknown scenario gets the list of the stage's scenarios:\n{all}").into(),
        );
    }
    Ok(())
}
