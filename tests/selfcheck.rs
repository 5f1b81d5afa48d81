//! The project checks itself: the scenario and experiment tables are sound, so every test
//! `tests/stages.rs` generates from them runs on a stage that exists; and the README lists
//! every stage.

use netlab::exercise::EXERCISES;
use netlab::scenario::{Step, EXPERIMENTS, SCENARIOS};
use netlab::stages::STAGES;

/// Every scenario and experiment applies to at least one stage or exercise, and only to
/// stages of the stage table: a typo in a `stages` list would otherwise silently drop its
/// tests.
#[test]
fn every_scenario_applies_to_stages_that_exist() {
    let tables = SCENARIOS
        .iter()
        .map(|s| (s.name, s.stages))
        .chain(EXPERIMENTS.iter().map(|e| (e.name, e.stages)));
    for (name, stages) in tables {
        let in_an_exercise = EXERCISES.iter().any(|e| e.scenarios.contains(&name));
        assert!(
            !stages.is_empty() || in_an_exercise,
            "{name} applies to no stage and no exercise"
        );
        for n in stages {
            assert!(
                STAGES.iter().any(|s| s.number == *n),
                "{name} lists stage {n}, which the stage table does not have"
            );
        }
    }
}

/// No two scenarios or experiments share a name: each name is a test's name.
#[test]
fn names_are_unique() {
    let names: Vec<&str> = SCENARIOS
        .iter()
        .map(|s| s.name)
        .chain(EXPERIMENTS.iter().map(|e| e.name))
        .collect();
    for (i, name) in names.iter().enumerate() {
        assert!(
            !names[i + 1..].contains(name),
            "two scenarios or experiments are called {name}"
        );
    }
}

/// A scenario that connects clients in a stage that broadcasts waits for their
/// registration (`Connect`); stage 1 serves one client at a time and broadcasts nothing,
/// so its clients only `Arrive`.
#[test]
fn stage_one_clients_only_arrive() {
    for s in SCENARIOS.iter().filter(|s| s.stages.contains(&1)) {
        assert!(
            !s.steps.iter().any(|step| matches!(step, Step::Connect(_))),
            "{}: stage 1 sends nothing back to register a client with; use Arrive",
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
