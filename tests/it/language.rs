//! Every line netlab writes for a person is in the language chosen. A fixed set of
//! commands runs with `--lang zh`, and its output must hold no English word outside code,
//! commands, identifiers, the bytes on the wire and the stages' own records (which stay as
//! the notes print them); the same commands with `--lang en` must hold no Chinese, except
//! the quotations of the notes listed below.
//!
//! What counts as "code" is decided word by word ([`english_words`]): text in backquotes,
//! a word with a digit, `_`, `-`, `.`, `/`, `(`, `=` and the like in it, an identifier in
//! CamelCase or in capitals (`RuntimeError`, `TCP`), a command line (`netlab stage 3
//! --port 0`, up to the next Chinese character). What is left is prose, and an English
//! word there is a line not yet in the catalogue, unless the allow list below names it.

use crate::common::{self, process::Netlab};
use std::collections::BTreeMap;
use std::time::Duration;

/// English words that Chinese prose uses as they are: the names of programs, of the
/// notes' threads and calls, and the console's `quit`.
const ZH_ALLOWED: &[&str] = &[
    // programs, systems and languages
    "netlab",
    "python",
    "Python",
    "Linux",
    "Rust",
    "rustc",
    "std",
    "nc",
    "ss",
    "make",
    "clap",
    "less",
    "git",
    "root",
    // the notes' threads, calls and objects, named as in the code
    "accept",
    "recv",
    "send",
    "readline",
    "flush",
    "stop",
    "select",
    "makefile",
    "shutdown",
    "iterdict",
    "additem",
    "lock",
    "self",
    "dict",
    "outbox",
    "socket",
    "localhost",
    "Mutex",
    "Arc",
    "HashMap",
    "traceback",
    // the program's output streams, as the transcript labels them
    "stderr",
    "stdout",
    // language codes (`--lang zh`)
    "zh",
    "en",
    // what a student types
    "quit",
    "hi",
    "hello",
];

/// Lines kept verbatim whatever the language: netlab's own `listening on` line (scripts
/// and tests wait for it), `ss`'s column names (netlab ports and demo bind print its
/// layout, to be compared with `ss -tan`), and rustc's error message that demo race quotes.
const VERBATIM_PREFIXES: &[&str] = &[
    "listening on ",
    ">> listening on ",
    "State ",
    "error[E0499]",
    // demo race's listing of the notes' script
    "Thread-1 (additem):",
    "Thread-2 (iterdict):",
];

/// Words that start a command line in prose: from there to the next Chinese character
/// is the command, not prose.
const COMMANDS: &[&str] = &[
    "netlab",
    "nc",
    "python3",
    "ss",
    "kill",
    "make",
    "PORT=0",
    "PORT=61001",
];

/// Chinese that English output shows on purpose: the name of the Chinese language where
/// `--lang` offers it; quotations of the notes (a script's title, a question, stage 3's
/// verdict on itself); and the Chinese text the tests send (你好, and 中, the character
/// cut at byte 1024). The notes' headings are allowed too: see [`quotes_the_notes`].
const EN_ALLOWED: &[&str] = &[
    "中文",
    "多线程读写出错的代码",
    "两次绑定同一个监听端口会怎么样",
    "基本能用了",
    "测试通过",
    "你好",
    "中",
];

fn is_cjk(c: char) -> bool {
    !c.is_ascii()
}

/// Whether `line` is one of the stages' own records or Python's text, which stay as the
/// notes print them: a log record (it starts with the date or time the notes' format
/// puts first), a traceback, or the console's prompt with nothing of netlab's after it.
fn is_record(line: &str) -> bool {
    let t = line.trim_start();
    let starts_with_time = t.len() > 5
        && t.as_bytes()[..2].iter().all(u8::is_ascii_digit)
        && matches!(t.as_bytes()[2], b':' | b'-' | b'/' | b'0'..=b'9');
    starts_with_time
        || t.starts_with("Traceback ")
        || t.starts_with("File \"")
        || t.starts_with("Exception in thread")
        || (t.starts_with(">> ") && !t.contains("netlab"))
        || t.starts_with("[你的程序] ")
        || t.starts_with("[your_program] ")
}

/// The English words of `text` that are prose: see the module's doc.
fn english_words(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut in_fence = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence
            || is_record(line)
            || VERBATIM_PREFIXES
                .iter()
                .any(|p| line.trim_start().starts_with(p))
        {
            continue;
        }
        // Backquoted spans are code.
        let mut prose = String::new();
        let mut code = false;
        for c in line.chars() {
            // Double quotes hold the bytes on the wire (`发送 "A joins\n"`): Chinese
            // prose quotes with “”.
            if c == '`' || c == '"' {
                code = !code;
                prose.push(' ');
            } else if !code {
                prose.push(c);
            }
        }
        // An English term glossed in full-width brackets after its Chinese name
        // (`管道破裂（broken pipe）`) is part of Chinese prose; a list of values
        // (`[可选值：auto、always]`, `[默认值：auto]`) is code.
        let prose = without_glosses(&without_values(&prose));
        // A help's command list: the first word of each row names a command.
        let prose = if in_command_list(line) {
            let rest = prose.trim_start().split_once(' ');
            rest.map_or(String::new(), |(_, r)| r.to_string())
        } else {
            prose
        };
        // Chinese characters separate runs of ASCII; each run is read word by word.
        for run in prose.split(is_cjk) {
            let mut command = false;
            let mut exception = false;
            for raw in run.split_whitespace() {
                if command || exception {
                    continue;
                }
                if COMMANDS.contains(&raw) {
                    command = true;
                    continue;
                }
                // A call (`bind()`) is code, and so is a name in single quotes, as clap
                // quotes what was typed ('stagez').
                if raw.contains("()") || raw.starts_with('\'') {
                    continue;
                }
                let word = raw.trim_matches(|c: char| ",.;:!?()[]\"'".contains(c));
                // An exception's class: the rest is Python's own message.
                if raw.ends_with(':') && (word.ends_with("Error") || word.ends_with("Exception")) {
                    exception = true;
                    continue;
                }
                if is_code(word) || ZH_ALLOWED.contains(&word) || is_slug(word) {
                    continue;
                }
                found.push(word.to_string());
            }
        }
    }
    found
}

/// `text` without the values that `[可选值：...]` and `[默认值：...]` list.
fn without_values(text: &str) -> String {
    let mut text = text.to_string();
    for mark in ["[可选值：", "[默认值："] {
        while let Some(at) = text.find(mark) {
            let end = text[at..].find(']').map_or(text.len(), |e| at + e + 1);
            text.replace_range(at..end, "");
        }
    }
    text
}

/// Whether `line` is a row of a help's command list: two spaces, a command, two spaces.
fn in_command_list(line: &str) -> bool {
    line.starts_with("  ")
        && !line.starts_with("   ")
        && line[2..].split_once("  ").is_some_and(|(name, _)| {
            !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase())
        })
}

/// `text` without its glosses: `（...）` holding a few lower-case English words only.
fn without_glosses(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(open) = rest.find('（') {
        let after = &rest[open + '（'.len_utf8()..];
        match after.find('）') {
            Some(close)
                if !after[..close].is_empty()
                    && after[..close].split(' ').count() <= 3
                    && after[..close]
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c == ' ') =>
            {
                out.push_str(&rest[..open]);
                rest = &after[close + '）'.len_utf8()..];
            }
            _ => {
                out.push_str(&rest[..open + '（'.len_utf8()]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Whether `word` is a stage's slug (`threaded`, `full`): an identifier, which names its
/// files.
fn is_slug(word: &str) -> bool {
    netlab::curriculum::of_kind(netlab::curriculum::Kind::Stage)
        .chain(std::iter::once(netlab::curriculum::client()))
        .any(|e| e.slug == word)
}

/// Whether `word` is code, an identifier or a single letter rather than an English word.
fn is_code(word: &str) -> bool {
    let letters = word.chars().filter(char::is_ascii_alphabetic).count();
    if letters < 2 || word.chars().any(|c| !c.is_ascii_alphabetic()) {
        return true;
    }
    let upper = word.chars().filter(char::is_ascii_uppercase).count();
    // TCP, EOF, SO_REUSEADDR's parts; RuntimeError, MainThread.
    upper == letters || word.chars().skip(1).any(|c| c.is_ascii_uppercase())
}

/// Whether the Chinese `run` quotes the notes: a heading of the curriculum (`netlab
/// stages` and the pages quote them as the notes have them).
fn quotes_the_notes(run: &str) -> bool {
    netlab::curriculum::ENTRIES
        .iter()
        .any(|e| e.heading.contains(run))
}

/// The Chinese runs of `text`, outside code blocks, that are not on the allow list.
fn chinese_runs(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut in_fence = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence || is_record(line) {
            continue;
        }
        let mut run = String::new();
        for c in line.chars().chain(std::iter::once(' ')) {
            if ('\u{4e00}'..='\u{9fff}').contains(&c) {
                run.push(c);
            } else if !run.is_empty() {
                if !EN_ALLOWED.contains(&run.as_str()) && !quotes_the_notes(&run) {
                    found.push(std::mem::take(&mut run));
                }
                run.clear();
            }
        }
    }
    found
}

/// The subcommands a help text lists: the indented first words of its command list
/// (`  stage   Run one stage's server`), whatever the heading's language.
fn subcommands(help: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_list = false;
    for line in help.lines() {
        if !line.starts_with(' ') {
            in_list = line.ends_with("Commands:") || line.ends_with("命令：");
            continue;
        }
        if in_list {
            if let Some(name) = line.split_whitespace().next() {
                if name != "help" {
                    out.push(name.to_string());
                }
            }
        }
    }
    out
}

/// `netlab --lang LANG args...`: its standard output and error, together.
fn run(lang: &str, args: &[&str]) -> String {
    let mut cmd = common::english(assert_cmd::Command::cargo_bin("netlab").unwrap());
    let out = cmd
        .args(["--lang", lang])
        .args(args)
        .timeout(Duration::from_secs(60))
        .output()
        .expect("netlab runs");
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// `netlab stage 3` with a client that joins and says a line, then `quit` at the console:
/// the whole quit report, the threads Python would wait for and why.
fn stage3_quit(lang: &str) -> String {
    let mut p = Netlab::start(&["--lang", lang, "stage", "3", "--port", "0", "--grace", "4"]);
    let port = p.port();
    let client = netlab::scenario::TestClient::connect("A", ([127, 0, 0, 1], port).into())
        .expect("a client connects");
    client.send(b"hi\n").unwrap();
    assert!(client.wait_for_text(b"\nhi\n", Duration::from_secs(10)));
    std::thread::sleep(Duration::from_millis(200));
    p.type_line("quit");
    p.expect_exit(Duration::from_secs(20));
    drop(client);
    format!("{}{}", p.stdout(), p.stderr())
}

/// Every command of the check, by name, with its output in `lang`.
fn outputs(lang: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut help = |args: Vec<String>| {
        let mut all = args.clone();
        all.push("--help".into());
        let refs: Vec<&str> = all.iter().map(String::as_str).collect();
        let text = run(lang, &refs);
        out.insert(format!("{} --help", args.join(" ")), text.clone());
        text
    };
    let root = help(vec![]);
    for sub in subcommands(&root) {
        let text = help(vec![sub.clone()]);
        for subsub in subcommands(&text) {
            help(vec![sub.clone(), subsub]);
        }
    }
    let fixed: &[&[&str]] = &[
        &[
            "bench",
            "--stage",
            "7",
            "--clients",
            "3",
            "--messages",
            "20",
            "--reps",
            "1",
        ],
        &["demo", "race", "--seconds", "0.3", "--runs", "2"],
        &["demo", "race", "--locked", "--seconds", "0.3"],
        &["demo", "bind", "--clients", "4"],
        &["ports"],
        &["ports", "--all", "--port", "1"],
        &["explain", "3"],
        &["exercise", "5.race", "--hint"],
        &["stages"],
        // usage errors: clap's, in the catalogue's words
        &["stage", "12"],
        &["stagez"],
        &["stage", "3", "61000"],
    ];
    for args in fixed {
        out.insert(args.join(" "), run(lang, args));
    }
    // The grader's reports: a failing run (flaws, notes, hints, the summary), one that
    // passes, and a program that never listens.
    let checks: &[&[&str]] = &[
        &[
            "check",
            "4",
            "--",
            "python3",
            "stages/python/stage3_event.py",
            "{port}",
        ],
        &[
            "check",
            "7",
            "--only",
            "quit_blocks_in_stop",
            "--",
            "python3",
            "stages/python/stage7_full_server.py",
            "{port}",
        ],
        &[
            "check",
            "2",
            "--only",
            "header_has_the_notes_format",
            "--",
            "python3",
            "tests/servers/python/slash_date.py",
            "{port}",
        ],
        &[
            "check",
            "2",
            "--start-timeout",
            "1",
            "--",
            "python3",
            "tests/servers/python/silent.py",
            "{port}",
        ],
    ];
    // English reports are compared byte for byte with golden files (tests/check.rs): the
    // checks run here in Chinese only.
    let python = has_python();
    if !python {
        eprintln!("skipped: the checks of Python programs (python3 is not installed)");
    }
    for args in checks.iter().filter(|_| python && lang == "zh") {
        out.insert(args.join(" "), run(lang, args));
    }
    out.insert("stage 3, then quit".into(), stage3_quit(lang));
    out
}

/// Whether python3 runs here.
fn has_python() -> bool {
    std::process::Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// A table of what was found per command, for the failure message.
fn report(found: &BTreeMap<String, Vec<String>>) -> String {
    found
        .iter()
        .map(|(cmd, words)| format!("{:>4}  {cmd}: {}\n", words.len(), words.join(" ")))
        .collect()
}

/// With `--lang zh`, no English word in netlab's prose.
#[test]
fn chinese_output_has_no_english_prose() {
    let found: BTreeMap<String, Vec<String>> = outputs("zh")
        .into_iter()
        .map(|(cmd, text)| (cmd, english_words(&text)))
        .collect();
    let total: usize = found.values().map(Vec::len).sum();
    assert!(total == 0, "{total} English words:\n{}", report(&found));
}

/// With `--lang en`, no Chinese but the notes' own words.
#[test]
fn english_output_has_no_chinese() {
    let found: BTreeMap<String, Vec<String>> = outputs("en")
        .into_iter()
        .map(|(cmd, text)| (cmd, chinese_runs(&text)))
        .collect();
    let total: usize = found.values().map(Vec::len).sum();
    assert!(total == 0, "{total} Chinese runs:\n{}", report(&found));
}

/// The checker itself: prose words are found, code and commands are not.
#[test]
fn the_checker_tells_prose_from_code() {
    let words = english_words(
        "阻塞在 accept() on 127.0.0.1:5000，用 `netlab demo bind` 或 netlab stage 3 --port 0 试试\n\
         OSError: [Errno 98] Address already in use\n\
         线程 RuntimeError 因 b'' 退出 in TIME-WAIT\n\
         \x20 stage      运行一个阶段 [可选值：auto、always]，管道破裂（broken pipe）",
    );
    assert_eq!(words, ["on", "in"]);
    assert_eq!(
        chinese_runs("stage 5 (多线程读写出错的代码) 中文 网页"),
        ["网页"]
    );
}
