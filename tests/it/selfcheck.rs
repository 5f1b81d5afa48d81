//! The project checks itself: the curriculum and the scenario tables are sound, so every
//! test generated from them runs; and the README lists what the curriculum has.

use netlab::curriculum::{self, Check, Kind, ENTRIES};
use netlab::scenario::{Step, CLIENT_SCENARIOS, EXPERIMENTS, SCENARIOS};

/// Every scenario and experiment holds for at least one entry of the curriculum: one that
/// no entry adds would silently never run.
#[test]
fn every_scenario_is_checked_somewhere() {
    let names = SCENARIOS
        .iter()
        .map(|s| s.name)
        .chain(EXPERIMENTS.iter().map(|e| e.name))
        .chain(CLIENT_SCENARIOS.iter().map(|c| c.name));
    for name in names {
        assert!(
            ENTRIES.iter().any(|e| e.adds(name)),
            "{name} is added by no entry of stages/curriculum.toml"
        );
    }
}

/// No two scenarios, experiments or client scenarios share a name: each name is a test's
/// name, and the curriculum names them.
#[test]
fn names_are_unique() {
    let names: Vec<&str> = SCENARIOS
        .iter()
        .map(|s| s.name)
        .chain(EXPERIMENTS.iter().map(|e| e.name))
        .chain(CLIENT_SCENARIOS.iter().map(|c| c.name))
        .collect();
    for (i, name) in names.iter().enumerate() {
        assert!(
            !names[i + 1..].contains(name),
            "two scenarios or experiments are called {name}"
        );
        assert!(Check::named(name).is_some(), "{name}");
    }
}

/// A scenario that connects clients in a stage that broadcasts waits for their
/// registration (`Connect`); a script (stage 1) serves one client at a time and
/// broadcasts nothing, so its clients only `Arrive`.
#[test]
fn a_scripts_clients_only_arrive() {
    let scripts = curriculum::of_kind(Kind::Stage).filter(|e| {
        e.server_program()
            .is_some_and(|p| p.lifecycle == netlab::stage::Lifecycle::Script)
    });
    for stage in scripts {
        for s in stage.scenarios() {
            assert!(
                !s.steps.iter().any(|step| matches!(step, Step::Connect(_))),
                "{}: stage {} sends nothing back to register a client with; use Arrive",
                s.name,
                stage.id
            );
        }
    }
}

/// The README's stage table names every stage of the curriculum, and the usage block
/// gives the stages' range as the curriculum has it.
#[test]
fn readme_lists_every_stage() {
    let readme = include_str!("../../README.md");
    for stage in curriculum::of_kind(Kind::Stage) {
        assert!(
            readme.contains(&format!("| {} | `{}` |", stage.id, stage.slug)),
            "README.md does not list stage {} ({})",
            stage.id,
            stage.slug
        );
    }
}

/// README's command block names no stage numbers: which stages exist is the curriculum's
/// to say (`netlab stages`), so a block that listed them would be a second list to keep.
#[test]
fn readme_commands_list_no_stage_numbers() {
    let readme = include_str!("../../README.md");
    let start = readme.find("## Commands").expect("a Commands section");
    let block = &readme[start..];
    let block = &block[..block[3..].find("```\n").map_or(block.len(), |end| end + 3)];
    let ranges: Vec<&str> = block
        .split(|c: char| !(c.is_ascii_digit() || c == '-'))
        .filter(|w| {
            let mut parts = w.split('-');
            matches!((parts.next(), parts.next(), parts.next()),
                (Some(a), Some(b), None) if !a.is_empty() && !b.is_empty())
        })
        .collect();
    assert!(
        ranges.is_empty(),
        "README's commands name stages: {ranges:?}"
    );
}
