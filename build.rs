//! Generates the stage table from `stages/stages.toml`, the one list of stages, and the
//! page table from the `docs/` directory, the one list of pages.
//!
//! For every stage it declares the stage's module (the file in `stages/`) and one
//! `netlab::stage::Stage` value that points at it, with the stage's source embedded so
//! that `netlab source 3` works without a checkout.
//!
//! Pages live in one directory per language, `docs/en/` and `docs/zh/`, one file each
//! (`docs/en/console.md`, `docs/zh/console.md`). For every file name found in either it
//! writes one `netlab::docs::Page`, embedded, named as `netlab explain` takes it: a
//! stage's page by the stage's number, the client's by `client`, any other by its file
//! name without `.md` (`console`, `demo-race`). A page added to `docs/` is listed and
//! explained without a change to the code; one that lacks a language shows in the table
//! without it, and a test says so.
//!
//! A stage's page (from stage 2 on) holds the marker `<!-- diff from the previous stage
//! -->`, which becomes the unified diff of the previous stage's file and this one's, made
//! by `src/diff.rs` as `netlab diff N-1 N` makes it: the page's "what changed" is
//! generated, never kept by hand.

use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::Path;

#[allow(dead_code)]
#[path = "src/diff.rs"]
mod diff;

/// Where a stage's page wants the diff from the previous stage.
const DIFF_MARKER: &str = "<!-- diff from the previous stage -->";

/// The languages of the pages: the directories under `docs/`.
const LANGS: [&str; 2] = ["zh", "en"];

fn main() {
    emit_build_commit();
    let root = env::var("CARGO_MANIFEST_DIR").unwrap();
    let root = Path::new(&root);
    let meta_path = root.join("stages/stages.toml");
    println!("cargo::rerun-if-changed={}", meta_path.display());
    println!(
        "cargo::rerun-if-changed={}",
        root.join("src/diff.rs").display()
    );
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
        let lifecycle = match field(stage, "lifecycle") {
            "script" => "Script",
            "forever" => "Forever",
            "console" => "Console",
            "service" => "Service",
            other => panic!("stage {number}: unknown lifecycle {other:?}"),
        };
        writeln!(
            table,
            "    crate::stage::Stage {{ number: {number}, slug: {slug:?}, title_zh: {zh:?}, title_en: {en:?}, \
             summary_zh: {summary:?}, source_file: {src_file:?}, source: include_str!({src_path:?}), \
             page: {page:?}, lifecycle: crate::stage::Lifecycle::{lifecycle}, \
             log_format: {fmt:?}, start: {module}::start }},",
            slug = field(stage, "slug"),
            zh = field(stage, "title_zh"),
            en = field(stage, "title_en"),
            summary = field(stage, "summary_zh"),
            src_file = format!("stages/{}", field(stage, "source")),
            src_path = root.join("stages").join(field(stage, "source")).display().to_string(),
            page = field(stage, "page"),
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
    writeln!(
        out,
        "/// The chat client of the notes' last code block.\n\
         pub static CLIENT: crate::stage::Client = crate::stage::Client {{ slug: {slug:?}, title_zh: {zh:?}, \
         title_en: {en:?}, summary_zh: {summary:?}, source_file: {src_file:?}, source: include_str!({src_path:?}), \
         log_format: {fmt:?}, start: {module}::start }};",
        slug = field(client, "slug"),
        zh = field(client, "title_zh"),
        en = field(client, "title_en"),
        summary = field(client, "summary_zh"),
        src_file = format!("stages/{}", field(client, "source")),
        src_path = root.join("stages").join(field(client, "source")).display().to_string(),
        fmt = field(client, "log_format"),
    )
    .unwrap();

    let dest = Path::new(&env::var("OUT_DIR").unwrap()).join("stages.rs");
    fs::write(dest, out).unwrap();

    // The pages: a stage's by its number, the client's by its slug, the others by name.
    // A stage's page from stage 2 on gets the diff from the previous stage's file.
    let mut named: Vec<Named> = Vec::new();
    let mut previous: Option<(String, String)> = None;
    for s in stages {
        let s = s.as_table().unwrap();
        let source = format!("stages/{}", field(s, "source"));
        let text = fs::read_to_string(root.join(&source)).expect("read a stage file");
        named.push(Named {
            stem: field(s, "page").to_string(),
            name: s["number"].as_integer().unwrap().to_string(),
            diff: previous.take().map(|(old_label, old_text)| {
                diff::unified(
                    diff::Source {
                        label: &old_label,
                        text: &old_text,
                    },
                    diff::Source {
                        label: &source,
                        text: &text,
                    },
                    false,
                )
            }),
        });
        previous = Some((source, text));
    }
    named.push(Named {
        stem: field(client, "page").to_string(),
        name: field(client, "slug").to_string(),
        diff: None,
    });
    let exercises = exercises_table(root, stages, client);
    let dest = Path::new(&env::var("OUT_DIR").unwrap()).join("exercises.rs");
    fs::write(dest, exercises).unwrap();

    let pages = pages_table(root, &named);
    let dest = Path::new(&env::var("OUT_DIR").unwrap()).join("pages.rs");
    fs::write(dest, pages).unwrap();
}

/// A page that has a name other than its file's: a stage's, or the client's.
struct Named {
    /// The file name without `.md`: `stage3-event`.
    stem: String,
    /// The name `netlab explain` takes: `3`, `client`.
    name: String,
    /// For a stage after the first, the diff from the previous stage's file.
    diff: Option<String>,
}

/// `&[Page { .. }, ..]` for every file name under `docs/zh/` and `docs/en/`: the stages'
/// pages in stage order, then the client's, then the others by name. Each language's text
/// is written to OUT_DIR (a stage's page with its diff put in) and embedded from there.
fn pages_table(root: &Path, named: &[Named]) -> String {
    let docs = root.join("docs");
    // A directory as rerun-if-changed: cargo looks at every file under it, new ones too.
    println!("cargo::rerun-if-changed={}", docs.display());
    let mut files = Vec::new();
    collect_md(&docs, &mut files);
    let mut stems: Vec<(usize, String)> = Vec::new();
    for path in &files {
        let relative = path
            .strip_prefix(&docs)
            .unwrap()
            .to_str()
            .expect("a docs/ path that is UTF-8")
            .replace('\\', "/");
        let Some((lang, file)) = relative.split_once('/').filter(|(l, _)| LANGS.contains(l)) else {
            panic!(
                "docs/{relative}: a page lives in docs/en/ and docs/zh/, one file per language \
                 (docs/en/NAME.md and docs/zh/NAME.md)"
            )
        };
        assert!(
            !file.contains('/'),
            "docs/{lang}/{file}: pages are files directly in docs/{lang}/"
        );
        let stem = file.trim_end_matches(".md").to_string();
        let order = named
            .iter()
            .position(|n| n.stem == stem)
            .unwrap_or(named.len());
        if !stems.iter().any(|(_, s)| *s == stem) {
            stems.push((order, stem));
        }
    }
    stems.sort();
    for n in named {
        assert!(
            stems.iter().any(|(_, s)| *s == n.stem),
            "stages/stages.toml names the page {}, which is in neither docs/en/ nor docs/zh/",
            n.stem
        );
    }
    let out_dir = Path::new(&env::var("OUT_DIR").unwrap()).join("pages");
    let mut out = String::from("&[\n");
    for (_, stem) in stems {
        let entry = named.iter().find(|n| n.stem == stem);
        let name = entry.map_or(stem.clone(), |n| n.name.clone());
        let mut texts = Vec::new();
        for lang in LANGS {
            let relative = format!("docs/{lang}/{stem}.md");
            let path = root.join(&relative);
            if !path.exists() {
                texts.push("None".to_string());
                continue;
            }
            let mut text =
                fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {relative}: {e}"));
            if let Some(diff) = entry.and_then(|n| n.diff.as_ref()) {
                assert!(
                    text.contains(DIFF_MARKER),
                    "{relative} is a stage's page: it needs the line {DIFF_MARKER}, where the diff from \
                     the previous stage goes"
                );
                text = text.replace(DIFF_MARKER, &format!("```diff\n{diff}```"));
            }
            let title = text
                .lines()
                .find_map(|l| l.strip_prefix("# "))
                .unwrap_or_else(|| panic!("{relative} has no `# ` heading for its title"))
                .trim()
                .to_string();
            let generated = out_dir.join(lang).join(format!("{stem}.md"));
            fs::create_dir_all(generated.parent().unwrap()).unwrap();
            fs::write(&generated, &text).unwrap();
            texts.push(format!(
                "Some(crate::docs::Text {{ file: {relative:?}, title: {title:?}, text: include_str!({path:?}) }})",
                path = generated.display().to_string(),
            ));
        }
        writeln!(
            out,
            "    crate::docs::Page {{ name: {name:?}, stem: {stem:?}, zh: {}, en: {} }},",
            texts[0], texts[1]
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
                    "service" => "Service",
                    _ => "Console",
                };
                format!(
                    "base: crate::exercise::Base::Stage({n}), solution: crate::exercise::Solution::Server(\
                     crate::stage::Stage {{ number: {n}, slug: {id:?}, title_zh: {zh:?}, title_en: {en:?}, \
                     summary_zh: {zh:?}, {source} page: {page:?}, lifecycle: crate::stage::Lifecycle::{lifecycle}, \
                     log_format: {fmt:?}, start: {module}::start }})",
                    zh = field(e, "title_zh"),
                    en = field(e, "title_en"),
                    page = field(base, "page"),
                    fmt = field(base, "log_format"),
                )
            }
            Some(toml::Value::String(c)) if c == "client" => format!(
                "base: crate::exercise::Base::Client, solution: crate::exercise::Solution::Client(\
                 crate::stage::Client {{ slug: {id:?}, title_zh: {zh:?}, title_en: {en:?}, summary_zh: {zh:?}, {source} \
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
            println!("cargo::rerun-if-changed={}", path.display());
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
        .unwrap_or_else(|| panic!("stages/*.toml: missing string field {key:?}"))
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

/// The commit netlab is built from, for `netlab --version`: `NETLAB_COMMIT` is the short
/// hash of HEAD when this directory is a git checkout (a clone, or a worktree, whose
/// `.git` is a file), else `unknown` (a tarball, or no git on the PATH).
///
/// Cargo runs this script again when HEAD moves: when HEAD itself changes (a checkout) or
/// the branch it points to does (a commit). git says where each file lives, since a
/// worktree keeps its HEAD apart from the branches it shares with the main checkout.
fn emit_build_commit() {
    let root = std::path::PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    let git = |args: &[&str]| -> Option<String> {
        let out = std::process::Command::new("git")
            .args(args)
            .current_dir(&root)
            .output()
            .ok()?;
        let text = String::from_utf8(out.stdout).ok()?.trim().to_string();
        (out.status.success() && !text.is_empty()).then_some(text)
    };
    // Only this directory's own repository: a tarball unpacked inside another checkout
    // must not take that checkout's commit.
    let commit = if root.join(".git").exists() {
        git(&["rev-parse", "--short", "HEAD"])
    } else {
        None
    };
    if commit.is_some() {
        let mut watched = vec![git(&["rev-parse", "--git-path", "HEAD"])];
        if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"]) {
            watched.push(git(&["rev-parse", "--git-path", &branch]));
            watched.push(git(&["rev-parse", "--git-path", "packed-refs"]));
        }
        for path in watched.into_iter().flatten() {
            // Relative to this directory, or absolute (join keeps an absolute path). A
            // path that does not exist would make cargo run this script at every build.
            let path = root.join(path);
            if path.exists() {
                println!("cargo::rerun-if-changed={}", path.display());
            }
        }
    }
    let commit = commit.as_deref().unwrap_or("unknown");
    println!("cargo::rustc-env=NETLAB_COMMIT={commit}");
}
