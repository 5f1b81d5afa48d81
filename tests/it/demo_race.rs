//! `netlab demo race`: the notes' dict race (多线程读写出错的代码), its RuntimeError, and
//! the lock that prevents it. Each test is bounded to a few seconds.

use assert_cmd::Command;
use netlab::demo::race::{run_once, summarize, RaceFailure, RaceOutcome, Variant};
use netlab::py::Exception;
use std::path::PathBuf;
use std::process;
use std::time::Duration;

/// The longest any single run in these tests may take: a race that has not failed by
/// then is a test failure, not a hang.
const BOUND: Duration = Duration::from_secs(5);

/// Runs the built binary with `args` and returns (exit code, stdout, stderr).
fn netlab(args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("netlab")
        .expect("the netlab binary is built")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("LANG")
        .args(args)
        .timeout(BOUND)
        .output()
        .expect("netlab ran");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Without a lock, iterating while another thread adds keys raises Python's exact error,
/// and it does so quickly: the iterating thread dies, as in the notes.
#[test]
fn unlocked_race_raises_pythons_runtime_error() {
    let outcome = run_once(Variant::Unlocked, BOUND);
    let failure = outcome
        .first_failure
        .as_ref()
        .unwrap_or_else(|| panic!("no RuntimeError within {BOUND:?}: {outcome:#?}"));
    assert_eq!(
        failure.error.to_string(),
        "RuntimeError: dictionary changed size during iteration"
    );
    assert!(failure.after < BOUND, "{outcome:#?}");
    assert_eq!(outcome.failures, 1, "the thread dies at its first error");
    assert!(
        failure.keys_in_dict >= 1,
        "additem had added a key: {outcome:#?}"
    );
    assert!(
        outcome.elapsed < BOUND,
        "the run ends when iterdict dies, not at the limit: {outcome:#?}"
    );
}

/// With the lock held for each whole pass (and each insert), no pass ever fails, and both
/// threads still get work done.
#[test]
fn locked_race_never_fails_and_still_makes_progress() {
    let outcome = run_once(Variant::Locked, Duration::from_secs(1));
    assert_eq!(outcome.failures, 0, "{outcome:#?}");
    assert!(outcome.first_failure.is_none(), "{outcome:#?}");
    assert!(outcome.keys_added > 0, "additem got the lock: {outcome:#?}");
    assert!(
        outcome.passes > 0,
        "iterdict completed passes: {outcome:#?}"
    );
    assert!(outcome.items_visited > 0, "{outcome:#?}");
    assert!(
        outcome.elapsed >= Duration::from_secs(1),
        "the locked run lasts its whole time: {outcome:#?}"
    );
}

/// Without the lock, restarting the iterating thread after each error only gives more
/// errors: the race is not bad luck once, it strikes again and again.
#[test]
fn unlocked_race_fails_again_after_a_restart() {
    let outcome = run_once(Variant::UnlockedRestarting, Duration::from_millis(500));
    assert!(outcome.failures > 1, "{outcome:#?}");
    assert!(outcome.keys_added > 0, "{outcome:#?}");
}

/// A failure `after` this many milliseconds, for the summary test.
fn failed_after(ms: u64) -> RaceOutcome {
    RaceOutcome {
        variant: Variant::Unlocked,
        limit: BOUND,
        elapsed: Duration::from_millis(ms),
        first_failure: Some(RaceFailure {
            error: Exception::runtime_error("dictionary changed size during iteration"),
            after: Duration::from_millis(ms),
            items_in_pass: 1,
            passes_before: 0,
            keys_in_dict: 1,
        }),
        failures: 1,
        passes: 0,
        keys_added: 1,
        longest_wait: Duration::ZERO,
        items_visited: 1,
    }
}

/// The summary counts failed runs and takes min / median / max over them only; a run
/// that did not fail counts in the total, not in the times.
#[test]
fn summary_takes_min_median_max_of_failed_runs() {
    let mut survived = failed_after(0);
    survived.first_failure = None;
    survived.failures = 0;
    let outcomes = [failed_after(3), survived, failed_after(1), failed_after(2)];
    let s = summarize(&outcomes);
    assert_eq!((s.runs, s.failed), (4, 3));
    assert_eq!(s.min, Some(Duration::from_millis(1)));
    assert_eq!(s.median, Some(Duration::from_millis(2)));
    assert_eq!(s.max, Some(Duration::from_millis(3)));

    // An even count: the median is the mean of the two middle times.
    let s = summarize(&[failed_after(1), failed_after(4)]);
    assert_eq!(s.median, Some(Duration::from_micros(2500)));

    let s = summarize(&[]);
    assert_eq!((s.runs, s.failed, s.median), (0, 0, None));
}

/// `netlab demo race --runs 3` prints one row per run and the time-to-failure table next
/// to Python's measurements, and exits 0.
#[test]
fn binary_prints_a_time_to_failure_table() {
    let (code, stdout, stderr) = netlab(&["demo", "race", "--runs", "3", "--seconds", "1"]);
    assert_eq!(code, 0, "stdout:\n{stdout}\nstderr:\n{stderr}");
    for expected in [
        "RuntimeError after",
        "\n   1  ",
        "\n   3  ",
        "time to failure",
        " of 3 ",
        "Python (§7)",
        "error[E0499]",
    ] {
        assert!(
            stdout.contains(expected),
            "missing {expected:?} in stdout:\n{stdout}\nstderr:\n{stderr}"
        );
    }
}

/// `netlab demo race --locked` shows zero RuntimeErrors for the locked variant, next to
/// the unlocked one run for the same time.
#[test]
fn binary_locked_shows_no_errors_under_the_lock() {
    let (code, stdout, stderr) = netlab(&["demo", "race", "--locked", "--seconds", "0.3"]);
    assert_eq!(code, 0, "stdout:\n{stdout}\nstderr:\n{stderr}");
    let locked_row = stdout
        .lines()
        .find(|l| l.starts_with("locked "))
        .unwrap_or_else(|| panic!("no locked row in stdout:\n{stdout}"));
    let errors: Vec<&str> = locked_row.split_whitespace().collect();
    assert_eq!(errors[2], "0", "RuntimeErrors column: {locked_row}");
    assert!(
        stdout.contains("\nunlocked, restarted "),
        "no unlocked row in stdout:\n{stdout}"
    );
}

/// The unlocked `HashMap` version of the script from race.rs's module docs, as a program.
fn unlocked_hashmap_program() -> String {
    let source = include_str!("../../src/demo/race.rs");
    let start = source
        .find("//! ```compile_fail,E0499\n")
        .expect("race.rs keeps its compile_fail,E0499 example");
    let body: Vec<&str> = source[start..]
        .lines()
        .skip(1)
        .take_while(|l| l.trim() != "//! ```")
        .map(|l| l.strip_prefix("//!").unwrap_or(l))
        .map(|l| l.strip_prefix(' ').unwrap_or(l))
        .collect();
    // rustdoc wraps a doctest without `fn main` in one; do the same.
    format!("fn main() {{\n{}\n}}\n", body.join("\n"))
}

/// Rust refuses the notes' script outright: the compiler still rejects two threads
/// sharing a plain `HashMap` with E0499, in the words `netlab demo race` quotes. (Stable
/// rustdoc does not check a doctest's error code, so this test does.)
#[test]
fn rustc_refuses_the_unlocked_hashmap_with_e0499() {
    let dir = std::env::temp_dir().join(format!("netlab-race-{}", process::id()));
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    let file: PathBuf = dir.join("race_hashmap.rs");
    std::fs::write(&file, unlocked_hashmap_program()).expect("the program is written");
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_string());
    let out = process::Command::new(rustc)
        .args(["--edition", "2021", "--emit=metadata", "--out-dir"])
        .arg(&dir)
        .arg(&file)
        .output()
        .expect("rustc ran");
    let _ = std::fs::remove_dir_all(&dir);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "it compiled:\n{stderr}");
    let complaint = stderr
        .lines()
        .find(|l| l.starts_with("error[E0499]"))
        .unwrap_or_else(|| panic!("no E0499 in rustc's output:\n{stderr}"));

    let (code, stdout, _) = netlab(&["demo", "race"]);
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.contains(complaint),
        "the demo should quote rustc's {complaint:?}; stdout:\n{stdout}"
    );
}

/// A malformed option is a usage error: clap says what is wrong and exits 2.
#[test]
fn bad_option_exits_2() {
    for args in [
        &["demo", "race", "--runs", "abc"][..],
        &["demo", "race", "--runs", "0"],
        &["demo", "race", "--seconds", "0"],
    ] {
        let (code, stdout, stderr) = netlab(args);
        assert_eq!(code, 2, "{args:?}\nstdout:\n{stdout}\nstderr:\n{stderr}");
        assert!(stderr.contains("invalid value"), "{args:?}: {stderr}");
    }
}
