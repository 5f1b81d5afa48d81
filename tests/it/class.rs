//! `netlab check --class`, as a teacher runs it: three students' folders in a temporary
//! directory (alice's server is the notes' own stage 2, bob's broadcasts without the
//! header, carol's does not start), one `netlab check 2 --class 'students/*/server.py' --report r.html`,
//! then the table, the exit code, the JSON and the page, the page read by a real browser
//! (headless Chromium) as the teacher's would render it.
//!
//! Chromium is installed where it is missing (`tests/browser.sh`, run by `make test`,
//! or here: `apt-get install chromium` as root); where it cannot be, the browser tests
//! say they are skipped, on the terminal even when their output is captured, and with
//! `NETLAB_REQUIRE_BROWSER=1` (CI) a missing browser is a failure. `NETLAB_CHROMIUM=PATH`
//! names another browser of Chromium's family, and installs nothing.

use crate::common;

use assert_cmd::Command;
use std::io::Write;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The stage the class is checked against.
const STAGE: &str = "2";

fn here(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// How many scenarios stage 2's check runs: the curriculum says, not this file.
fn scenarios() -> usize {
    netlab::curriculum::find(STAGE).unwrap().scenarios().len()
}

/// Why a test with Python students cannot run here, if it cannot.
fn no_python() -> Option<&'static str> {
    let ok = std::process::Command::new("python3")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    (!ok).then_some("python3 is not installed: the class's programs are Python")
}

/// Says on the terminal that a test is skipped, and why: through a handle of its own, not
/// `eprintln!`, whose output the test harness captures and shows only for a failure.
fn skipped(test: &str, why: &str) {
    let line = format!("\nSKIPPED {test}: {why}\n");
    let _ = std::io::stderr().write_all(line.as_bytes());
    if std::env::var_os("NETLAB_REQUIRE_BROWSER").is_some() && why.contains("Chromium") {
        panic!("{line}(NETLAB_REQUIRE_BROWSER is set)");
    }
}

/// A class of three in a fresh directory: `students/{alice,bob,carol}/server.py`.
struct Classroom {
    dir: PathBuf,
}

impl Classroom {
    fn new(tag: &str) -> Classroom {
        let dir = std::env::temp_dir().join(format!("netlab-class-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let servers = here("tests/servers/python");
        let folder = |name: &str| {
            let d = dir.join("students").join(name);
            std::fs::create_dir_all(&d).unwrap();
            d
        };
        // alice: the notes' own stage 2 in Python, which keeps the contract (its flaws are
        // reported, not required); it takes its port from argv[1].
        let alice = folder("alice");
        std::fs::copy(
            here("stages/python/stage2_threaded.py"),
            alice.join("server.py"),
        )
        .unwrap();
        // bob: broadcasts the text alone, without the header.
        let bob = folder("bob");
        std::fs::copy(servers.join("chat.py"), bob.join("chat.py")).unwrap();
        std::fs::copy(servers.join("no_header.py"), bob.join("server.py")).unwrap();
        // carol: a syntax error, so Python stops before it listens.
        let carol = folder("carol");
        std::fs::write(
            carol.join("server.py"),
            "import socket\n\ns = socket.socket()\ns.bind((\"127.0.0.1\", 60000)\n",
        )
        .unwrap();
        Classroom { dir }
    }

    /// `netlab check 2 --class 'students/*/server.py' ARGS -- python3 {file} {port}`,
    /// in the class's directory, with short waits and 4 programs at once (two for the
    /// first student's lane, alice's as a rule, one each for the others: they mostly wait
    /// on the network, and the correct program's 14 scenarios take half as long).
    fn check(&self, args: &[&str]) -> Output {
        let mut cmd = common::english(Command::cargo_bin("netlab").unwrap());
        cmd.timeout(Duration::from_secs(180))
            .current_dir(&self.dir)
            .args(["check", STAGE, "--class", "students/*/server.py"])
            .args(["--jobs", "4", "--timeout", "2"])
            .args(args)
            .args(["--", "python3", "{file}", "{port}"]);
        cmd.output().unwrap()
    }
}

impl Drop for Classroom {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// One checked class, shared by the tests that read it: its output with `--json`
/// (the objects on stdout, the table on stderr) and its page. Kept in memory: a static is
/// never dropped, so the class's directory is removed as soon as the check is done.
struct Checked {
    output: Output,
    /// The page `--report r.html` wrote.
    page: String,
    seconds: f64,
}

impl Checked {
    fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }
    fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }
}

/// The class checked once, in English; `None` without Python.
fn checked() -> Option<&'static Checked> {
    static CHECKED: OnceLock<Option<Checked>> = OnceLock::new();
    CHECKED
        .get_or_init(|| {
            if no_python().is_some() {
                return None;
            }
            let classroom = Classroom::new("en");
            let clock = Instant::now();
            let output = classroom.check(&["--json", "--report", "r.html"]);
            let seconds = clock.elapsed().as_secs_f64();
            let page = std::fs::read_to_string(classroom.dir.join("r.html")).unwrap_or_default();
            Some(Checked {
                output,
                page,
                seconds,
            })
        })
        .as_ref()
}

/// A table row's marks, without the spaces between groups.
fn marks(table: &str, student: &str) -> String {
    let row = table
        .lines()
        .find(|l| l.starts_with(&format!("{student} ")))
        .unwrap_or_else(|| panic!("no row for {student}:\n{table}"));
    row[student.len()..]
        .split("  ")
        .map(str::trim)
        .find(|cell| !cell.is_empty())
        .unwrap()
        .replace(' ', "")
}

/// The table has a row per student with a mark per scenario: alice passes all, bob
/// fails the first and the rest are not run, carol's program did not start; the exit
/// code is 1, and what failed first is said for each.
#[test]
fn the_table_has_a_row_per_student_and_a_mark_per_scenario() {
    let Some(run) = checked() else {
        return skipped("class::the_table", no_python().unwrap());
    };
    let table = run.stderr();
    let n = scenarios();
    assert_eq!(run.output.status.code(), Some(1), "{table}");
    assert_eq!(marks(&table, "alice"), "✓".repeat(n), "{table}");
    // How many of bob's and carol's scenarios ran before their check stopped depends on
    // the slots their lane had (one or two): at least the first, the rest not run.
    let only = |marks: &str, first: char| {
        marks.starts_with(first) && marks.chars().all(|c| c == first || c == '-')
    };
    assert!(only(&marks(&table, "bob"), '✗'), "{table}");
    assert!(only(&marks(&table, "carol"), '!'), "{table}");
    assert!(table.contains(&format!("{n}/{n}")), "{table}");
    let bob = table.lines().find(|l| l.starts_with("bob: ")).unwrap();
    assert!(
        bob.contains("the first, 1 broadcasts_to_everyone, at step 1"),
        "{table}"
    );
    assert!(table.contains("carol: could not be checked"), "{table}");
    assert!(
        table.contains("SyntaxError"),
        "the program's output is shown:\n{table}"
    );
    assert!(table.contains("1 of 3 passed every scenario"), "{table}");
    assert!(
        table.contains("the report, for a browser: r.html"),
        "{table}"
    );
    eprintln!("the class checked in {:.1} s", run.seconds);
}

/// `--json`: one object per student and scenario, a single check's fields with the
/// student and the absolute file; carol's scenario that could not start says why.
#[test]
fn json_has_one_object_per_student_and_scenario() {
    let Some(run) = checked() else {
        return skipped("class::json", no_python().unwrap());
    };
    let objects: Vec<serde_json::Value> = run
        .stdout()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let n = scenarios();
    assert_eq!(objects.len(), 3 * n, "{}", run.stdout());
    for student in ["alice", "bob", "carol"] {
        let mine: Vec<&serde_json::Value> =
            objects.iter().filter(|o| o["student"] == student).collect();
        assert_eq!(mine.len(), n, "{student}");
        for o in &mine {
            let file = o["file"].as_str().unwrap();
            assert!(Path::new(file).is_absolute(), "{file}");
            assert!(
                file.ends_with(&format!("students/{student}/server.py")),
                "{file}"
            );
            assert_eq!(o["stage"], 2);
            assert!(o["scenario"].is_string());
        }
        let results: Vec<&str> = mine.iter().map(|o| o["result"].as_str().unwrap()).collect();
        match student {
            "alice" => assert!(results.iter().all(|r| *r == "pass"), "{results:?}"),
            "bob" => {
                assert_eq!(results[0], "fail");
                assert_eq!(mine[0]["first_failure"]["step"], 1);
                // One or two ran, as bob's lane had one slot or two.
                let ran = results.iter().filter(|r| **r == "fail").count();
                assert!(ran <= 2, "{results:?}");
                assert_eq!(results.iter().filter(|r| **r == "not_run").count(), n - ran);
            }
            _ => {
                let started: Vec<&&serde_json::Value> = mine
                    .iter()
                    .filter(|o| o["result"] == "not_started")
                    .collect();
                assert!((1..=2).contains(&started.len()), "{results:?}");
                let message = started[0]["first_failure"]["message"].as_str().unwrap();
                assert!(message.contains("before it listened"), "{message}");
                let not_run = results.iter().filter(|r| **r == "not_run").count();
                assert_eq!(not_run, n - started.len(), "{results:?}");
            }
        }
    }
}

/// The page is one file that loads nothing: its style and script inside, no address.
#[test]
fn the_page_needs_nothing_but_itself() {
    let Some(run) = checked() else {
        return skipped("class::the_page", no_python().unwrap());
    };
    let page = &run.page;
    assert!(page.starts_with("<!DOCTYPE html>"), "{}", run.stderr());
    for needle in ["<link", "src=", "http://", "https://", "url(", "@import"] {
        assert!(!page.contains(needle), "the page refers to {needle}");
    }
    assert!(page.contains("<style>") && page.contains("<script>"));
    // A transcript for every scenario that ran: alice's all, bob's one or two.
    let ran = run
        .stdout()
        .lines()
        .filter(|l| {
            ["\"pass\"", "\"fail\"", "\"not_checked\""]
                .iter()
                .any(|r| l.contains(r))
        })
        .count();
    assert!(ran > scenarios(), "{}", run.stdout());
    assert_eq!(page.matches("<details id=\"t-").count(), ran);
}

/// A pattern that names no file, and a command without `{file}`, are said plainly, with
/// exit code 2, before any program starts.
#[test]
fn no_file_and_no_match_are_said_plainly() {
    let dir = std::env::temp_dir().join(format!("netlab-class-empty-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let run = |command: &[&str]| {
        let mut cmd = common::english(Command::cargo_bin("netlab").unwrap());
        cmd.current_dir(&dir)
            .args(["check", STAGE, "--class", "students/*/server.py", "--"])
            .args(command);
        cmd.output().unwrap()
    };
    let none = run(&["python3", "{file}", "{port}"]);
    let no_file = run(&["python3", "server.py", "{port}"]);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(none.status.code(), Some(2));
    let said = String::from_utf8_lossy(&none.stderr);
    assert!(
        said.contains("no file matches students/*/server.py"),
        "{said}"
    );
    assert_eq!(no_file.status.code(), Some(2));
    let said = String::from_utf8_lossy(&no_file.stderr);
    assert!(said.contains("put {file} there"), "{said}");
}

/// Headless Chromium, found or installed; why not, if neither.
fn chromium() -> Result<PathBuf, String> {
    static FOUND: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    FOUND.get_or_init(find_or_install_chromium).clone()
}

fn find_or_install_chromium() -> Result<PathBuf, String> {
    // Another browser of Chromium's family (`google-chrome`), or none: no install then.
    if let Some(named) = std::env::var_os("NETLAB_CHROMIUM") {
        let named = PathBuf::from(named);
        return if named.is_file() {
            Ok(named)
        } else {
            Err(format!(
                "NETLAB_CHROMIUM={} is not a file: no Chromium to read the page",
                named.display()
            ))
        };
    }
    let find = || {
        ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
            .iter()
            .map(PathBuf::from)
            .find(|p| p.is_file())
    };
    if let Some(found) = find() {
        return Ok(found);
    }
    let root = std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.trim_ascii() == b"0");
    if !root {
        return Err("Chromium is not installed, and this user is not root: \
                    `sudo apt-get install chromium` (or ./tests/browser.sh as root)"
            .into());
    }
    if !Path::new("/usr/bin/apt-get").is_file() {
        return Err("Chromium is not installed, and there is no apt-get to install it".into());
    }
    let clock = Instant::now();
    let script = here("tests/browser.sh");
    let status = bounded(
        std::process::Command::new(&script).stdout(Stdio::null()),
        Duration::from_secs(600),
    );
    // Said on the terminal, as a skip is: how long the install took, or why it failed.
    let said = match &status {
        Ok(out) => format!(
            "{} ({})",
            out.status,
            String::from_utf8_lossy(&out.stderr)
                .lines()
                .last()
                .unwrap_or("")
        ),
        Err(why) => why.clone(),
    };
    let _ = std::io::stderr().write_all(
        format!(
            "\n{}: {said}, {:.0} s\n",
            script.display(),
            clock.elapsed().as_secs_f64()
        )
        .as_bytes(),
    );
    find().ok_or_else(|| {
        format!("Chromium is not installed, and tests/browser.sh could not install it: {said}")
    })
}

/// Runs `cmd` in a process group of its own, killed whole after `limit`; its output.
fn bounded(cmd: &mut std::process::Command, limit: Duration) -> Result<Output, String> {
    let child = cmd
        .process_group(0)
        .stdin(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    let group = nix::unistd::Pid::from_raw(child.id() as i32);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    let result = match rx.recv_timeout(limit) {
        Ok(output) => output.map_err(|e| e.to_string()),
        Err(_) => Err(format!(
            "still running after {} s: stopped",
            limit.as_secs()
        )),
    };
    // Whatever it left behind (Chromium's helper processes), the group ends with it.
    let _ = nix::sys::signal::killpg(group, nix::sys::signal::Signal::SIGKILL);
    result
}

/// The page as Chromium has it after its script ran: `--dump-dom`, from a file.
fn rendered(browser: &Path, page: &Path) -> String {
    let profile = Scratch(tempdir("chromium-profile"));
    let output = bounded(
        std::process::Command::new(browser)
            .args(CHROMIUM_FLAGS)
            .arg(format!("--user-data-dir={}", profile.0.display()))
            .arg("--dump-dom")
            .arg(format!("file://{}", page.display()))
            .stdout(Stdio::piped()),
        Duration::from_secs(90),
    );
    drop(profile);
    let output = output.unwrap_or_else(|e| panic!("chromium: {e}"));
    assert!(
        output.status.success(),
        "chromium: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// Headless, nothing fetched or synced, no sandbox (it needs user namespaces, which a
/// container or root rarely has).
const CHROMIUM_FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
];

/// A directory removed when dropped, the test passed or not.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn tempdir(tag: &str) -> PathBuf {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!("netlab-{tag}-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The text of each row of the rendered table's body, tags removed: what a reader sees.
fn rows(dom: &str) -> Vec<String> {
    let body = &dom[dom.find("<tbody>").expect("a table body")..];
    let body = &body[..body.find("</tbody>").unwrap()];
    body.split("<tr")
        .skip(1)
        .map(|row| {
            let mut text = String::new();
            let mut inside = false;
            for c in format!("<tr{row}").chars() {
                match c {
                    '<' => inside = true,
                    '>' => {
                        inside = false;
                        text.push(' ');
                    }
                    c if !inside => text.push(c),
                    _ => {}
                }
            }
            text.split_whitespace().collect::<Vec<_>>().join(" ")
        })
        .collect()
}

/// The page in a real browser: a row per student with its name, passed count and marks,
/// in name order; a click on a scenario's heading puts those who failed it first; a click
/// on bob's failed mark opens its transcript.
#[test]
fn the_page_reads_in_a_browser() {
    let Some(run) = checked() else {
        return skipped("class::the_page_reads_in_a_browser", no_python().unwrap());
    };
    let browser = match chromium() {
        Ok(b) => b,
        Err(why) => return skipped("class::the_page_reads_in_a_browser", &why),
    };
    let clock = Instant::now();
    let n = scenarios();
    // The page and a copy to click in, in a directory of their own.
    let dir = Scratch(tempdir("class-page"));
    let page = dir.0.join("r.html");
    std::fs::write(&page, &run.page).unwrap();
    let dom = rendered(&browser, &page);
    let shown = rows(&dom);
    assert_eq!(shown.len(), 3, "{shown:?}");
    assert!(shown[0].starts_with(&format!("alice {n}/{n}")), "{shown:?}");
    assert_eq!(shown[0].matches('✓').count(), n, "{shown:?}");
    assert!(shown[1].starts_with(&format!("bob 0/{n}")), "{shown:?}");
    assert!(
        shown[1].contains('✗') && !shown[1].contains('✓'),
        "{shown:?}"
    );
    assert!(shown[2].starts_with(&format!("carol 0/{n}")), "{shown:?}");
    assert!(
        shown[2].contains('!') && !shown[2].contains('✓'),
        "{shown:?}"
    );

    // The script, clicked as a reader clicks: the first scenario's heading, then bob's
    // failed mark.
    let clicked = run.page.replace(
        "</body>",
        "<script>document.querySelector('th.scenario button').click();\
         document.querySelector('td.m-failed a').click();</script></body>",
    );
    let copy = dir.0.join("clicked.html");
    std::fs::write(&copy, clicked).unwrap();
    let dom = rendered(&browser, &copy);
    let order: Vec<String> = rows(&dom)
        .iter()
        .map(|r| r.split(' ').next().unwrap().to_string())
        .collect();
    assert_eq!(
        order,
        ["carol", "bob", "alice"],
        "did not start, failed, passed"
    );
    assert!(
        dom.contains("<details id=\"t-1-0\" class=\"m-failed\" open=\"\">"),
        "bob's transcript is open"
    );
    eprintln!(
        "Chromium read the page twice in {:.1} s",
        clock.elapsed().as_secs_f64()
    );
}

/// In Chinese (`--lang zh`), the table's words and the page's are the catalogue's, the
/// columns aligned by terminal columns (a Chinese character takes two).
#[test]
fn the_class_reads_in_chinese() {
    if let Some(why) = no_python() {
        return skipped("class::the_class_reads_in_chinese", why);
    }
    let classroom = Classroom::new("zh");
    // One scenario is enough for the words and the columns.
    let output = classroom.check(&[
        "--lang",
        "zh",
        "--report",
        "报告.html",
        "--only",
        "broadcasts_to_everyone",
    ]);
    let table = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{table}");
    let heading = table
        .lines()
        .find(|l| l.starts_with("学生"))
        .unwrap_or_else(|| panic!("{table}"));
    assert!(
        heading.contains("通过") && heading.contains("用时"),
        "{heading}"
    );
    let alice = table.lines().find(|l| l.starts_with("alice")).unwrap();
    let column = |line: &str, what: &str| netlab::text::columns(&line[..line.find(what).unwrap()]);
    assert_eq!(column(heading, "通过"), column(alice, "1/1"), "{table}");
    assert!(table.contains("3 名学生中有 1 名通过了全部场景"), "{table}");
    let page = std::fs::read_to_string(classroom.dir.join("报告.html")).unwrap();
    assert!(page.contains("<html lang=\"zh-CN\">"));
    for words in ["全班", "交互记录", "未能启动", "缺陷"] {
        assert!(page.contains(words), "{words}");
    }
}
