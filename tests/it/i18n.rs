//! Two languages and `netlab diff`, as a class meets them: the language chosen by `--lang`
//! or the locale, every page in both languages with the same code, netlab's own lines in
//! the language chosen, and the diff of two stages, coloured only where it should be.

use crate::common;

use assert_cmd::Command;
use netlab::docs::PAGES;
use netlab::lang::Lang;
use predicates::prelude::*;
use std::io::Read;
use std::path::Path;

/// `netlab` with no locale variable: each test sets the ones it is about.
fn netlab() -> Command {
    common::english(Command::cargo_bin("netlab").unwrap())
}

fn stdout_of(cmd: &mut Command) -> String {
    let out = cmd.assert().success().get_output().stdout.clone();
    String::from_utf8(out).unwrap()
}

fn zh() -> Lang {
    Lang::from_code("zh").unwrap()
}

fn en() -> Lang {
    Lang::fallback()
}

/// Whether `netlab stages` printed its Chinese titles.
fn stages_in_chinese(out: &str) -> bool {
    let first = netlab::curriculum::find("1").unwrap();
    assert!(out.contains(first.heading), "{out}");
    if out.contains(first.text_in(zh()).title) {
        assert!(!out.contains(first.text_in(en()).title), "{out}");
        true
    } else {
        assert!(out.contains(first.text_in(en()).title), "{out}");
        false
    }
}

/// Every page of the page table exists in every language: the table is generated from
/// the docs/<lang> directories, so a page added in one directory only shows here.
#[test]
fn every_page_exists_in_every_language() {
    let entries_with_pages = netlab::curriculum::ENTRIES
        .iter()
        .filter(|e| e.kind != netlab::curriculum::Kind::Solution)
        .count();
    assert!(PAGES.len() > entries_with_pages, "{} pages", PAGES.len());
    let missing: Vec<String> = PAGES
        .iter()
        .flat_map(|page| {
            Lang::all()
                .filter(|lang| page.get(*lang).is_none())
                .map(move |lang| format!("docs/{}/{}.md", lang.code(), page.stem))
        })
        .collect();
    assert!(missing.is_empty(), "pages missing: {missing:?}");
}

/// `--lang` decides, over any locale; without it LC_ALL, then LC_MESSAGES, then LANG.
#[test]
fn the_language_comes_from_lang_then_lc_all_lc_messages_lang() {
    let (zh_locale, en_locale) = ("zh_CN.UTF-8", "en_US.UTF-8");
    let (zh, en) = (zh_locale, en_locale);
    // (arguments, environment, whether netlab speaks Chinese)
    type Case<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)], bool);
    let cases: &[Case] = &[
        (&[], &[], false),
        (&["--lang", "zh"], &[], true),
        (&["--lang", "en"], &[("LC_ALL", zh)], false),
        (&["--lang", "zh"], &[("LC_ALL", en)], true),
        (&[], &[("LC_ALL", zh)], true),
        (&[], &[("LC_ALL", en), ("LANG", zh)], false),
        (&[], &[("LC_MESSAGES", zh), ("LANG", en)], true),
        (&[], &[("LC_MESSAGES", "C"), ("LANG", zh)], false),
        (&[], &[("LANG", zh)], true),
        (&[], &[("LANG", "C.UTF-8")], false),
        (&[], &[("LC_ALL", ""), ("LANG", zh)], true),
    ];
    for (args, env, chinese) in cases {
        let mut cmd = netlab();
        cmd.arg("stages").args(*args).envs(env.iter().copied());
        let out = stdout_of(&mut cmd);
        assert_eq!(
            stages_in_chinese(&out),
            *chinese,
            "netlab stages {args:?} with {env:?}:\n{out}"
        );
    }
    // The same choice picks the page.
    let page = netlab::docs::find("3").unwrap();
    let mut cmd = netlab();
    cmd.args(["explain", "3"]).env("LANG", zh_locale);
    assert_eq!(stdout_of(&mut cmd), page.get(self::zh()).unwrap().text);
}

/// An unknown language is clap's usage error, which lists the choices.
#[test]
fn an_unknown_lang_lists_the_choices() {
    netlab()
        .args(["stages", "--lang", "fr"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("invalid value 'fr'"))
        .stderr(predicate::str::contains("[possible values: en, zh]"));
}

/// The page's text outside fenced code blocks, and inline code spans removed.
fn prose(text: &str) -> String {
    let mut out = String::new();
    let mut in_block = false;
    for line in text.lines() {
        if line.starts_with("```") {
            in_block = !in_block;
            continue;
        }
        if in_block {
            continue;
        }
        for (i, part) in line.split('`').enumerate() {
            if i % 2 == 0 {
                out.push_str(part);
            }
        }
        out.push('\n');
    }
    out
}

/// The fenced code blocks of a page, in order.
fn code_blocks(text: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        if line.starts_with("```") {
            match current.take() {
                Some(mut block) => {
                    block.push_str(line);
                    blocks.push(block);
                }
                None => current = Some(format!("{line}\n")),
            }
        } else if let Some(block) = current.as_mut() {
            block.push_str(line);
            block.push('\n');
        }
    }
    blocks
}

fn is_cjk(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

/// The share of Chinese characters among the letters of `text` (Chinese characters and
/// ASCII letters): a Chinese word is one character, an English word several letters, so
/// the share counts English words at about a letter and a half each.
fn chinese_share(text: &str) -> f64 {
    let cjk = text.chars().filter(|c| is_cjk(*c)).count() as f64;
    let words = text
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| !w.is_empty())
        .count() as f64;
    cjk / (cjk + 1.5 * words).max(1.0)
}

/// The Chinese pages are Chinese: outside code, most of their words are Chinese; and the
/// English pages are English.
#[test]
fn chinese_pages_are_mostly_chinese_outside_code() {
    for page in PAGES {
        let zh = chinese_share(&prose(page.get(zh()).unwrap().text));
        assert!(
            zh > 0.6,
            "docs/zh/{}.md is {:.0} % Chinese",
            page.stem,
            zh * 100.0
        );
        let en = chinese_share(&prose(page.get(en()).unwrap().text));
        assert!(
            en < 0.2,
            "docs/en/{}.md is {:.0} % Chinese",
            page.stem,
            en * 100.0
        );
    }
}

/// Code and commands are the same in both languages: the fenced blocks of a page's two
/// versions match one for one, in kind and in what a reader types or runs. What may
/// differ is what is written for a person: a code block's comments (Chinese in the
/// Chinese page), and the output a sample shows (netlab's own lines, printed with
/// `--lang zh` for the Chinese page).
#[test]
fn code_blocks_are_identical_in_both_languages() {
    for page in PAGES {
        let zh = code_blocks(page.get(zh()).unwrap().text);
        let en = code_blocks(page.get(en()).unwrap().text);
        assert_eq!(zh.len(), en.len(), "{}: number of code blocks", page.stem);
        for (i, (z, e)) in zh.iter().zip(&en).enumerate() {
            assert_eq!(
                code_of(z),
                code_of(e),
                "{}: code block {} differs\n--- zh\n{z}\n--- en\n{e}",
                page.stem,
                i + 1
            );
        }
    }
}

/// What must be the same in both languages of a fenced block: its kind, and its lines
/// without their comments; of an output sample (`console`, `text`, or no kind), only the
/// commands in it: its `$ ...` lines, or, in a block with no `$ ` line, every line when
/// each of them starts with a command (a usage line). Output that starts with a command's
/// name (`netlab demo churn --stage 5: ...`, `netlab waits for them ...`) is output: the
/// Chinese page shows it in Chinese.
fn code_of(block: &str) -> (String, Vec<String>) {
    let mut lines = block.lines();
    let kind = lines
        .next()
        .unwrap_or_default()
        .trim_start_matches('`')
        .to_string();
    let body: Vec<&str> = lines.filter(|l| !l.starts_with("```")).collect();
    let comment = if kind == "rust" { "//" } else { "#" };
    let without_comment = |line: &str| -> Option<String> {
        let code = match line.find(comment) {
            Some(0) => return None,
            Some(at) if line[..at].trim().is_empty() => return None,
            Some(at) if line[..at].ends_with(' ') => &line[..at],
            _ => line,
        };
        Some(code.trim_end().to_string())
    };
    let starts_with_a_command = |line: &str| {
        ["netlab ", "nc ", "python3 ", "cargo ", "make ", "pip "]
            .iter()
            .any(|c| line.starts_with(c))
    };
    let prompted = body.iter().any(|line| line.starts_with("$ "));
    let only_commands = body.iter().all(|line| {
        starts_with_a_command(line) || line.trim().is_empty() || line.trim_start().starts_with('#')
    });
    let code = match kind.as_str() {
        "console" | "text" | "" => body
            .iter()
            .filter_map(|line| {
                let command = line.strip_prefix("$ ").or_else(|| {
                    (!prompted && only_commands && starts_with_a_command(line)).then_some(*line)
                })?;
                without_comment(command)
            })
            .collect(),
        _ => body
            .iter()
            .filter_map(|line| without_comment(line))
            .collect(),
    };
    (kind, code)
}

/// Each stage's page opens with a screen a projector shows whole: within its first 40
/// lines, what the stage adds, the flaw it keeps, and a block of commands to see it.
#[test]
fn stage_pages_open_with_a_first_screen() {
    let marks = [
        (en(), "**What it adds.**", "**The flaw it keeps.**"),
        (zh(), "**这一阶段加了什么。**", "**它保留的缺陷。**"),
    ];
    for stage in netlab::curriculum::of_kind(netlab::curriculum::Kind::Stage) {
        let page = netlab::docs::find(stage.id).unwrap();
        for (lang, adds, keeps) in marks {
            let text = page.get(lang).unwrap().text;
            let screen: Vec<&str> = text.lines().take(40).collect();
            let screen = screen.join("\n");
            assert!(screen.contains(adds), "{} ({lang:?})", page.stem);
            assert!(screen.contains(keeps), "{} ({lang:?})", page.stem);
            let commands = code_blocks(&screen)
                .iter()
                .flat_map(|b| b.lines().map(str::to_string).collect::<Vec<_>>())
                .filter(|l| l.starts_with("netlab ") || l.starts_with("nc "))
                .count();
            assert!(
                commands >= 2,
                "{} ({lang:?}): {commands} commands",
                page.stem
            );
        }
    }
}

/// No page, README, source or stage file cites REFERENCE, a file a clone of netlab lacks.
#[test]
fn no_reference_citations_are_left() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![root.join("README.md")];
    for dir in ["docs", "src", "stages"] {
        collect(&root.join(dir), &mut files);
    }
    let cited: Vec<String> = files
        .iter()
        .filter(|f| {
            std::fs::read_to_string(f)
                .map(|t| t.contains(concat!("REFERENCE", " §")))
                .unwrap_or(false)
        })
        .map(|f| f.display().to_string())
        .collect();
    assert!(cited.is_empty(), "still citing REFERENCE: {cited:?}");
}

fn collect(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// The changed lines of a diff (`+` or `-`, not the `+++`/`---` file lines), without the
/// sign.
fn changed_lines(diff: &str) -> Vec<&str> {
    diff.lines()
        .filter(|l| {
            (l.starts_with('+') || l.starts_with('-'))
                && !l.starts_with("+++")
                && !l.starts_with("---")
        })
        .map(|l| &l[1..])
        .collect()
}

/// `netlab diff 4 5` prints both stages' headings, then the diff of their files: Python by
/// default, Rust with `--rust`.
fn diff_4_5(args: &[&str]) -> String {
    let out = stdout_of(
        netlab()
            .args(["diff", "4", "5", "--color", "never"])
            .args(args),
    );
    let (four, five) = (
        netlab::curriculum::find("4").unwrap(),
        netlab::curriculum::find("5").unwrap(),
    );
    let mut lines = out.lines();
    let first = lines.next().unwrap();
    let second = lines.next().unwrap();
    assert!(
        first.contains(four.heading) && first.contains(four.text_in(en()).title),
        "{out}"
    );
    assert!(
        second.contains(five.heading) && second.contains(five.text_in(en()).title),
        "{out}"
    );
    out
}

/// `netlab diff 4 5` shows the lock the notes add, in Python as the notes write it, and
/// nothing else: every changed line is about the lock, a comment, or the two records the
/// notes' stage 5 adds to its console.
#[test]
fn diff_4_5_shows_the_lock_and_nothing_else() {
    let out = diff_4_5(&[]);
    assert!(
        out.contains("--- stages/python/stage4_quit.py\n+++ stages/python/stage5_lock.py\n"),
        "{out}"
    );
    for wanted in [
        "+        self.lock = threading.Lock()",
        "+            with self.lock:",
        "+                self.clients[client] = sock  # 添加到客户端字典",
    ] {
        assert!(out.contains(wanted), "no {wanted:?} in:\n{out}");
    }
    assert_eq!(out.matches("with self.lock:").count(), 3, "{out}");
    for line in changed_lines(&out) {
        let code = line.trim();
        let about_the_lock = code.to_lowercase().contains("lock")
            || code.starts_with('#')
            || code.is_empty()
            || code.starts_with("self.clients")
            || matches!(code, "sock.close()" | "s.close()")
            || code.starts_with("for s in self.clients.values()")
            || code.starts_with("logging.info(threading.enumerate())")
            || code == "logging.info(cs.clients)";
        assert!(about_the_lock, "a change the notes did not make: {line}");
    }
}

/// `netlab diff 4 5 --rust` shows the same lock in the Rust netlab runs, and nothing else:
/// the stages' module docs stay out.
#[test]
fn diff_4_5_rust_shows_the_lock_and_nothing_else() {
    let out = diff_4_5(&["--rust"]);
    assert!(out.contains("--- stages/stage4_quit.rs\n+++ stages/stage5_lock.rs\n"));
    for wanted in [
        "+use crate::py::{self, Dict, Event, Lock, Socket, Thread};",
        "+    lock: Lock,",
        "+            lock: Lock::new(),",
        "+                let _lock = self.lock.acquire(); // with self.lock:",
    ] {
        assert!(out.contains(wanted), "no {wanted:?} in:\n{out}");
    }
    assert_eq!(out.matches("self.lock.acquire()").count(), 3, "{out}");
    for line in changed_lines(&out) {
        let code = line.trim();
        assert!(!code.starts_with("//!"), "a module doc line: {line}");
        let about_the_lock = code.to_lowercase().contains("lock")
            || code.starts_with("//")
            || matches!(code, "{" | "}" | "")
            || code.starts_with("use crate::py::")
            || code.starts_with("self.clients.")
            || code.starts_with("s?.close()")
            || code.starts_with("sock.close()")
            || code.starts_with("for s in self.clients.values()");
        assert!(about_the_lock, "a change the notes did not make: {line}");
    }
}

/// The page of stage 5 shows the very diffs `netlab diff 4 5` and `netlab diff 4 5 --rust`
/// print, in both languages: the Python first, the Rust below it, folded.
#[test]
fn stage_pages_show_the_diff_netlab_diff_prints() {
    let from_the_diff = |args: &[&str]| {
        let out = stdout_of(
            netlab()
                .args(["diff", "4", "5", "--color", "never"])
                .args(args),
        );
        out[out.find("--- ").unwrap()..].to_string()
    };
    let (python, rust) = (from_the_diff(&[]), from_the_diff(&["--rust"]));
    for lang in ["en", "zh"] {
        let page = stdout_of(netlab().args(["explain", "5", "--lang", lang]));
        let python_at = page.find(&format!("```diff\n{python}```"));
        let rust_at = page.find(&format!("```diff\n{rust}```\n\n</details>"));
        let details_at = page.find("<details>\n<summary>");
        assert!(
            python_at.is_some() && python_at < details_at && details_at < rust_at,
            "{lang}: {python_at:?} {details_at:?} {rust_at:?}"
        );
    }
}

/// `--stat` sums it up, in the language chosen; the headings are in it too.
#[test]
fn diff_stat_sums_up() {
    let en = stdout_of(netlab().args(["diff", "4", "5", "--stat"]));
    assert!(
        en.contains("stages/python/stage4_quit.py → stages/python/stage5_lock.py |"),
        "{en}"
    );
    assert!(en.contains("lines added,") && !en.contains("@@"), "{en}");
    let zh = stdout_of(netlab().args(["diff", "4", "5", "--stat", "--lang", "zh"]));
    assert!(zh.contains("增加") && zh.contains("第 4 阶段"), "{zh}");
}

/// A stage that does not exist is a usage error that says what there is.
#[test]
fn diff_of_a_bad_stage_is_a_clear_error() {
    netlab()
        .args(["diff", "4", "12"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(netlab::curriculum::unknown("12")));
    netlab().args(["diff", "7", "client"]).assert().success();
}

/// Runs `netlab args` with its standard output on a pseudo-terminal, as in a terminal,
/// and returns what it printed there.
fn on_a_terminal(args: &[&str], env: &[(&str, &str)]) -> String {
    let pty = nix::pty::openpty(None, None).expect("a pseudo-terminal");
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_netlab"));
    cmd.args(args)
        .env_remove("NO_COLOR")
        .envs(env.iter().copied())
        .stdout(std::process::Stdio::from(pty.slave));
    for var in common::LOCALE_VARS {
        cmd.env_remove(var);
    }
    let mut child = cmd.spawn().expect("start netlab");
    // Drop the parent's copy of the terminal's other end, so reading ends with the child.
    drop(cmd);
    let mut master = std::fs::File::from(pty.master);
    let mut out = Vec::new();
    // Reading the master fails with EIO once the child has closed its end: that is the end.
    let _ = master.read_to_end(&mut out);
    assert!(child.wait().unwrap().success());
    String::from_utf8_lossy(&out).into_owned()
}

/// On a terminal the diff is coloured; `NO_COLOR` turns that off, and so does a pipe;
/// `--color always` colours a pipe too.
#[test]
fn colour_only_on_a_terminal_and_never_with_no_color() {
    let coloured = on_a_terminal(&["diff", "4", "5"], &[]);
    assert!(coloured.contains("\x1b[32m+"), "{coloured:?}");
    let plain = on_a_terminal(&["diff", "4", "5"], &[("NO_COLOR", "1")]);
    assert!(
        plain.contains("self.lock = threading.Lock()") && !plain.contains('\x1b'),
        "{plain:?}"
    );
    let never = on_a_terminal(&["diff", "4", "5", "--color", "never"], &[]);
    assert!(!never.contains('\x1b'));
    let piped = stdout_of(netlab().args(["diff", "4", "5"]));
    assert!(!piped.contains('\x1b'));
    let forced = stdout_of(netlab().args(["diff", "4", "5", "--color", "always"]));
    assert!(forced.contains('\x1b'));
}

/// netlab's own lines speak the language chosen: the client that finds no server says so
/// in Chinese under a Chinese locale, in English otherwise, with the same exit code.
#[test]
fn netlab_lines_speak_the_language_chosen() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
        .to_string();
    netlab()
        .args(["client", "--port", &port])
        .env("LANG", "zh_CN.UTF-8")
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "netlab: 错误：无法连接到 127.0.0.1:",
        ))
        .stderr(predicate::str::contains("netlab stage 7"));
    netlab()
        .args(["client", "--port", &port])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "netlab: error: could not connect to 127.0.0.1:",
        ));
}

/// A port in use: the explanation and what to try, in Chinese too.
#[test]
fn the_port_in_use_hint_speaks_chinese() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    netlab()
        .args(["stage", "7", "--port", &port, "--lang", "zh"])
        // Under make (make test sets MAKELEVEL) the hint would name `PORT=0 make run`.
        .env_remove("MAKELEVEL")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("无法在 127.0.0.1:"))
        .stderr(predicate::str::contains("已经有另一个服务端在那里监听"))
        .stderr(predicate::str::contains("--port 0 让内核挑一个"));
}

/// The wire and the stages' own records do not change with the language: a Chinese run
/// of stage 7 broadcasts the same bytes and logs the same record as an English one.
#[test]
fn the_wire_and_the_stages_records_do_not_change_with_the_language() {
    use common::process::Netlab;
    use netlab::scenario::TestClient;
    use std::time::Duration;
    for lang in ["zh", "en"] {
        let p = Netlab::start(&["stage", "7", "--port", "0", "--lang", lang]);
        let port = p.port();
        let c = TestClient::connect("A", ([127, 0, 0, 1], port).into()).unwrap();
        c.send(b"hello\n").unwrap();
        assert!(
            c.wait_for_text(b"\nhello\n\n", Duration::from_secs(10)),
            "{lang}"
        );
        p.expect_stderr(" root ", Duration::from_secs(10));
        p.expect_stdout("hello +++++++++++++++++++", Duration::from_secs(10));
        drop(c);
        p.expect_stderr("quits", Duration::from_secs(10));
    }
}
