//! Generates the stage table from `stages/stages.toml`, the one list of stages, and the
//! page table from the `docs/` directory, the one list of pages.
//!
//! For every stage it declares the stage's module (the file in `stages/`) and one
//! `netlab::stage::Stage` value that points at it, with the stage's source and docs page
//! embedded so that `netlab explain 3` works without a checkout.
//!
//! For every `.md` file under `docs/` it writes one `netlab::docs::Page`, embedded, named
//! as `netlab explain` takes it: a stage's page by the stage's number, the client's by
//! `client`, any other by its path without `.md` (`console`, `demo-race`). A page added to
//! `docs/` is listed and explained without a change to the code.

use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::Path;

fn main() {
    let root = env::var("CARGO_MANIFEST_DIR").unwrap();
    let root = Path::new(&root);
    let meta_path = root.join("stages/stages.toml");
    println!("cargo::rerun-if-changed={}", meta_path.display());
    let text = fs::read_to_string(&meta_path).expect("read stages/stages.toml");
    let meta: toml::Table = text.parse().expect("stages/stages.toml is not valid TOML");

    let mut out = String::new();
    let stages = meta["stage"].as_array().expect("[[stage]] entries");
    let mut table = String::new();
    let mut previous = 0;
    for stage in stages {
        let stage = stage.as_table().expect("a [[stage]] table");
        let number = stage["number"].as_integer().expect("number") as u8;
        assert_eq!(
            number,
            previous + 1,
            "stages must be numbered 1, 2, 3, ... in order"
        );
        previous = number;
        let module = module_name(field(stage, "source"));
        declare_module(&mut out, root, field(stage, "source"), &module);
        declare_docs(root, field(stage, "docs"));
        let lifecycle = match field(stage, "lifecycle") {
            "script" => "Script",
            "forever" => "Forever",
            "console" => "Console",
            other => panic!("stage {number}: unknown lifecycle {other:?}"),
        };
        writeln!(
            table,
            "    crate::stage::Stage {{ number: {number}, slug: {slug:?}, title_zh: {zh:?}, title_en: {en:?}, \
             source_file: {src_file:?}, source: include_str!({src_path:?}), \
             docs: include_str!({docs_path:?}), lifecycle: crate::stage::Lifecycle::{lifecycle}, \
             log_format: {fmt:?}, start: {module}::start }},",
            slug = field(stage, "slug"),
            zh = field(stage, "title_zh"),
            en = field(stage, "title_en"),
            src_file = format!("stages/{}", field(stage, "source")),
            src_path = root.join("stages").join(field(stage, "source")).display().to_string(),
            docs_path = root.join(field(stage, "docs")).display().to_string(),
            fmt = field(stage, "log_format"),
        )
        .unwrap();
    }
    writeln!(out, "/// Every server stage, in the order of the notes.").unwrap();
    writeln!(
        out,
        "pub static STAGES: &[crate::stage::Stage] = &[\n{table}];"
    )
    .unwrap();

    let client = meta["client"].as_table().expect("[client] table");
    let module = module_name(field(client, "source"));
    declare_module(&mut out, root, field(client, "source"), &module);
    declare_docs(root, field(client, "docs"));
    writeln!(
        out,
        "/// The chat client of the notes' last code block.\n\
         pub static CLIENT: crate::stage::Client = crate::stage::Client {{ slug: {slug:?}, title_zh: {zh:?}, \
         title_en: {en:?}, source_file: {src_file:?}, source: include_str!({src_path:?}), \
         log_format: {fmt:?}, start: {module}::start }};",
        slug = field(client, "slug"),
        zh = field(client, "title_zh"),
        en = field(client, "title_en"),
        src_file = format!("stages/{}", field(client, "source")),
        src_path = root.join("stages").join(field(client, "source")).display().to_string(),
        fmt = field(client, "log_format"),
    )
    .unwrap();

    let dest = Path::new(&env::var("OUT_DIR").unwrap()).join("stages.rs");
    fs::write(dest, out).unwrap();

    // The pages: a stage's by its number, the client's by its slug, the others by name.
    let mut named: Vec<(String, String)> = stages
        .iter()
        .map(|s| {
            let s = s.as_table().unwrap();
            (
                field(s, "docs").to_string(),
                s["number"].as_integer().unwrap().to_string(),
            )
        })
        .collect();
    named.push((
        field(client, "docs").to_string(),
        field(client, "slug").to_string(),
    ));
    let exercises = exercises_table(root, stages, client);
    let dest = Path::new(&env::var("OUT_DIR").unwrap()).join("exercises.rs");
    fs::write(dest, exercises).unwrap();

    let pages = pages_table(root, &named);
    let dest = Path::new(&env::var("OUT_DIR").unwrap()).join("pages.rs");
    fs::write(dest, pages).unwrap();
}

/// `&[Page { .. }, ..]` for every `.md` file under `docs/`: the stages' pages in stage
/// order, then the client's, then the others by name. `named` maps a page's path
/// (`docs/stage3-event.md`) to the name `netlab explain` takes for it (`3`).
fn pages_table(root: &Path, named: &[(String, String)]) -> String {
    let docs = root.join("docs");
    // A directory as rerun-if-changed: cargo looks at every file under it, new ones too.
    println!("cargo::rerun-if-changed={}", docs.display());
    let mut files = Vec::new();
    collect_md(&docs, &mut files);
    let mut pages: Vec<(usize, String, String)> = files
        .iter()
        .map(|path| {
            let relative = path
                .strip_prefix(root)
                .unwrap()
                .to_str()
                .expect("a docs/ path that is UTF-8")
                .replace('\\', "/");
            let stem = relative
                .trim_start_matches("docs/")
                .trim_end_matches(".md")
                .to_string();
            match named.iter().position(|(file, _)| *file == relative) {
                Some(i) => (i, named[i].1.clone(), relative),
                None => (named.len(), stem, relative),
            }
        })
        .collect();
    pages.sort();
    for (file, _) in named {
        assert!(
            pages.iter().any(|(_, _, path)| path == file),
            "stages/stages.toml names {file}, which is not in docs/"
        );
    }
    let mut out = String::from("&[\n");
    for (_, name, relative) in pages {
        let path = root.join(&relative);
        let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {relative}: {e}"));
        let title = text
            .lines()
            .find_map(|l| l.strip_prefix("# "))
            .unwrap_or_else(|| panic!("{relative} has no `# ` heading for its title"))
            .trim();
        let stem = relative.trim_start_matches("docs/").trim_end_matches(".md");
        writeln!(
            out,
            "    crate::docs::Page {{ name: {name:?}, stem: {stem:?}, file: {relative:?}, title: {title:?}, \
             text: include_str!({path:?}) }},",
            path = path.display().to_string(),
        )
        .unwrap();
    }
    out.push(']');
    out
}

/// The exercise table from `stages/exercises.toml`: one module per reference solution
/// (a file under `stages/solutions/`) and one `netlab::exercise::Exercise` value each, its
/// solution a `Stage` (or the `Client`) in the shape of the stage it starts from.
fn exercises_table(root: &Path, stages: &[toml::Value], client: &toml::Table) -> String {
    let path = root.join("stages/exercises.toml");
    println!("cargo::rerun-if-changed={}", path.display());
    let text = fs::read_to_string(&path).expect("read stages/exercises.toml");
    let meta: toml::Table = text
        .parse()
        .expect("stages/exercises.toml is not valid TOML");
    let mut modules = String::new();
    let mut table = String::new();
    let list = |t: &toml::Table, key: &str| -> String {
        let items: Vec<String> = t
            .get(key)
            .and_then(|v| v.as_array())
            .unwrap_or_else(|| panic!("stages/exercises.toml: missing list {key:?}"))
            .iter()
            .map(|v| format!("{:?}", v.as_str().expect("a string")))
            .collect();
        format!("&[{}]", items.join(", "))
    };
    for exercise in meta["exercise"].as_array().expect("[[exercise]] entries") {
        let e = exercise.as_table().expect("an [[exercise]] table");
        let id = field(e, "id");
        let solution = field(e, "solution");
        let module = format!(
            "solution_{}",
            module_name(solution).rsplit('/').next().unwrap()
        );
        let solution_path = root.join("stages").join(solution);
        println!("cargo::rerun-if-changed={}", solution_path.display());
        writeln!(
            modules,
            "#[path = {:?}]\npub(crate) mod {module};",
            solution_path.display().to_string()
        )
        .unwrap();
        let (scenario, step) = field(e, "fails_at")
            .split_once(' ')
            .expect("fails_at is \"scenario step\"");
        let common = format!(
            "id: {id:?}, title_zh: {zh:?}, title_en: {en:?}, task_zh: {task_zh:?}, task_en: {task_en:?}, \
             hints_zh: {hints_zh}, hints_en: {hints_en}, scenarios: {scenarios}, replaces: {replaces}, \
             fails_at: ({scenario:?}, {step}),",
            zh = field(e, "title_zh"),
            en = field(e, "title_en"),
            task_zh = field(e, "task_zh").trim(),
            task_en = field(e, "task_en").trim(),
            hints_zh = list(e, "hints_zh"),
            hints_en = list(e, "hints_en"),
            scenarios = list(e, "scenarios"),
            replaces = list(e, "replaces"),
        );
        let source = format!(
            "source_file: {:?}, source: include_str!({:?}),",
            format!("stages/{solution}"),
            solution_path.display().to_string()
        );
        let entry = match e.get("base") {
            Some(toml::Value::Integer(n)) => {
                let base = stages
                    .iter()
                    .map(|s| s.as_table().unwrap())
                    .find(|s| s["number"].as_integer() == Some(*n))
                    .unwrap_or_else(|| panic!("exercise {id}: no stage {n}"));
                let lifecycle = match field(base, "lifecycle") {
                    "script" => "Script",
                    "forever" => "Forever",
                    _ => "Console",
                };
                format!(
                    "base: crate::exercise::Base::Stage({n}), solution: crate::exercise::Solution::Server(\
                     crate::stage::Stage {{ number: {n}, slug: {id:?}, title_zh: {zh:?}, title_en: {en:?}, \
                     {source} docs: include_str!({docs:?}), lifecycle: crate::stage::Lifecycle::{lifecycle}, \
                     log_format: {fmt:?}, start: {module}::start }})",
                    zh = field(e, "title_zh"),
                    en = field(e, "title_en"),
                    docs = root.join(field(base, "docs")).display().to_string(),
                    fmt = field(base, "log_format"),
                )
            }
            Some(toml::Value::String(c)) if c == "client" => format!(
                "base: crate::exercise::Base::Client, solution: crate::exercise::Solution::Client(\
                 crate::stage::Client {{ slug: {id:?}, title_zh: {zh:?}, title_en: {en:?}, {source} \
                 log_format: {fmt:?}, start: {module}::start }})",
                zh = field(e, "title_zh"),
                en = field(e, "title_en"),
                fmt = field(client, "log_format"),
            ),
            other => panic!("exercise {id}: base must be a stage number or \"client\", not {other:?}"),
        };
        writeln!(
            table,
            "    crate::exercise::Exercise {{ {common} {entry} }},"
        )
        .unwrap();
    }
    format!(
        "{modules}\n/// Every exercise, in the order of the notes.\npub static EXERCISES: &[crate::exercise::Exercise] = &[\n{table}];\n"
    )
}

/// Every `.md` file under `dir`, recursively.
fn collect_md(dir: &Path, files: &mut Vec<std::path::PathBuf>) {
    let entries = fs::read_dir(dir).unwrap_or_else(|e| panic!("read {}: {e}", dir.display()));
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect_md(&path, files);
        } else if path.extension().is_some_and(|e| e == "md") {
            println!("cargo::rerun-if-changed={}", path.display());
            files.push(path);
        }
    }
}

fn field<'a>(table: &'a toml::Table, key: &str) -> &'a str {
    table
        .get(key)
        .and_then(|v| v.as_str())
        .unwrap_or_else(|| panic!("stages/stages.toml: missing string field {key:?}"))
}

fn module_name(source: &str) -> String {
    source.trim_end_matches(".rs").to_string()
}

fn declare_module(out: &mut String, root: &Path, source: &str, module: &str) {
    let path = root.join("stages").join(source);
    println!("cargo::rerun-if-changed={}", path.display());
    writeln!(
        out,
        "#[path = {:?}]\npub mod {module};",
        path.display().to_string()
    )
    .unwrap();
}

fn declare_docs(root: &Path, docs: &str) {
    println!("cargo::rerun-if-changed={}", root.join(docs).display());
}
