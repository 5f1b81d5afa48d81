//! The project checks itself: every scenario runs, as a named test, on every stage it
//! applies to, and the README lists every stage.

use netlab::scenario::SCENARIOS;
use netlab::stages::STAGES;

/// The stage test files, as the tests are written.
const STAGE_TESTS: [&str; 7] = [
    include_str!("stage1.rs"),
    include_str!("stage2.rs"),
    include_str!("stage3.rs"),
    include_str!("stage4.rs"),
    include_str!("stage5.rs"),
    include_str!("stage6.rs"),
    include_str!("stage7.rs"),
];

/// Each scenario of the library has a test `stageN_<name>` for every stage N it lists,
/// so no exercise is silently left unrun.
#[test]
fn every_scenario_runs_on_every_stage_it_applies_to() {
    assert_eq!(STAGE_TESTS.len(), STAGES.len());
    let mut missing = Vec::new();
    for scenario in SCENARIOS {
        for &n in scenario.stages {
            let test = format!("fn stage{n}_{}()", scenario.name);
            let call = format!("common::check({n}, \"{}\")", scenario.name);
            let file = STAGE_TESTS[n as usize - 1];
            if !file.contains(&test) || !file.contains(&call) {
                missing.push(format!("tests/stage{n}.rs: {test} calling {call}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "scenarios without a test:\n{}",
        missing.join("\n")
    );
}

/// No two scenarios share a name, and every scenario applies to at least one stage.
#[test]
fn scenario_names_are_unique() {
    for (i, s) in SCENARIOS.iter().enumerate() {
        assert!(!s.stages.is_empty(), "{} applies to no stage", s.name);
        assert!(
            SCENARIOS[i + 1..].iter().all(|t| t.name != s.name),
            "two scenarios are called {}",
            s.name
        );
    }
}

/// The README's stage list names every stage of the stage table.
#[test]
fn readme_lists_every_stage() {
    let readme = include_str!("../README.md");
    for stage in STAGES {
        assert!(
            readme.contains(&format!("| {} | `{}` |", stage.number, stage.slug)),
            "README.md does not list stage {} ({})",
            stage.number,
            stage.slug
        );
    }
}
