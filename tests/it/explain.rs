//! `netlab explain` as a student reads it: on a terminal, the page laid out and shown
//! through the pager (`$PAGER`, else `less -FRX`; `--no-pager` turns it off); in a pipe,
//! the Markdown as written; `--brief`, the first screen only.

use crate::common::{self, LOCALE_VARS};
use std::io::Read;
use std::process::{Command, Stdio};

/// `netlab args` with standard output on a pseudo-terminal, and what it printed there;
/// `PAGER=cat` (no pager) unless `env` names another.
fn on_a_terminal(args: &[&str], env: &[(&str, &str)]) -> String {
    let pty = nix::pty::openpty(None, None).expect("a pseudo-terminal");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_netlab"));
    cmd.args(args)
        .env("NO_COLOR", "1")
        .env("PAGER", "cat")
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::from(pty.slave));
    for var in LOCALE_VARS {
        cmd.env_remove(var);
    }
    let mut child = cmd.spawn().expect("start netlab");
    drop(cmd);
    let mut master = std::fs::File::from(pty.master);
    let mut out = Vec::new();
    // Reading the master fails with EIO once the child has closed its end: that is the end.
    let _ = master.read_to_end(&mut out);
    assert!(child.wait().unwrap().success());
    String::from_utf8_lossy(&out).replace("\r\n", "\n")
}

/// The page in a pipe: its Markdown, byte for byte as embedded.
fn in_a_pipe(args: &[&str]) -> String {
    let out = common::english(assert_cmd::Command::cargo_bin("netlab").unwrap())
        .args(args)
        .env("PAGER", "sed s/^/PAGED:/")
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

/// On a terminal the page is laid out (no Markdown markers, the heading ruled) and goes
/// through `$PAGER`; `--no-pager` prints it straight; a pipe never pages and gets the
/// Markdown.
#[test]
fn a_terminal_gets_the_page_laid_out_and_paged() {
    let paged = on_a_terminal(
        &["explain", "3", "--lang", "zh"],
        &[("PAGER", "sed s/^/PAGED:/")],
    );
    assert!(
        paged
            .lines()
            .all(|l| l.is_empty() || l.starts_with("PAGED:")),
        "{paged}"
    );
    assert!(paged.contains("PAGED:第 3 阶段"), "{paged}");
    assert!(paged.contains("PAGED:════"), "{paged}");
    assert!(!paged.contains("**") && !paged.contains("```"), "{paged}");
    let straight = on_a_terminal(
        &["explain", "3", "--lang", "zh", "--no-pager"],
        &[("PAGER", "sed s/^/PAGED:/")],
    );
    assert!(!straight.contains("PAGED:"), "{straight}");
    assert!(straight.contains("这一阶段加了什么。"), "{straight}");
    let piped = in_a_pipe(&["explain", "3"]);
    let page = netlab::docs::find("3").unwrap();
    let english = page.get(netlab::lang::Lang::fallback()).unwrap().text;
    assert!(!piped.contains("PAGED:"));
    assert_eq!(piped.trim_end(), english.trim_end());
}

/// `--brief` is the first screen: what the stage adds, the flaw it keeps, the commands;
/// nothing of the sections after it.
#[test]
fn brief_is_the_first_screen() {
    let brief = on_a_terminal(&["explain", "5", "--brief"], &[]);
    assert!(brief.contains("What it adds."), "{brief}");
    assert!(brief.contains("The flaw it keeps."), "{brief}");
    assert!(brief.contains("    netlab "), "{brief}");
    assert!(brief.lines().count() <= 40, "{brief}");
    let whole = on_a_terminal(&["explain", "5", "--no-pager"], &[]);
    assert!(whole.lines().count() > brief.lines().count() * 2);
    let piped = in_a_pipe(&["explain", "5", "--brief"]);
    assert!(
        piped.starts_with("# ") && piped.trim_end().ends_with("```"),
        "{piped}"
    );
}

/// Rows of the laid-out page keep to the width, counted in terminal columns, and two
/// Chinese characters joined from two source lines have no space between them.
#[test]
fn chinese_paragraphs_are_wrapped_by_columns() {
    let page = on_a_terminal(&["explain", "3", "--lang", "zh", "--no-pager"], &[]);
    let prose: Vec<&str> = page.lines().filter(|l| !l.starts_with("    ")).collect();
    for line in &prose {
        assert!(netlab::text::columns(line) <= 88, "{line}");
    }
    let joined: String = prose.iter().map(|l| l.trim()).collect();
    assert!(joined.contains("客户端什么也察觉不到"), "{page}");
}
