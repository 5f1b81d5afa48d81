//! Generates netlab's tables from the files that are their one list:
//!
//! - the languages, from `messages/*.ftl` (one catalogue per language: `messages/zh.ftl`
//!   makes `zh` a language);
//! - the curriculum, from `stages/curriculum.toml`, deserialised with serde into the
//!   typed [`Curriculum`] below: every stage, the client and every exercise's solution,
//!   each entry with its program files embedded (`netlab source 3` needs no checkout),
//!   one module per Rust file, and the table `netlab::curriculum::ENTRIES`;
//! - the pages, from `docs/<lang>/*.md`: one `netlab::docs::Page` per file name, named as
//!   `netlab explain` takes it (a stage's page by its id, the client's by `client`, any
//!   other by its file name without `.md`).
//!
//! A stage's page holds the marker `<!-- diff from the previous stage -->`, which becomes
//! the unified diff of its base's Python file and its own, then the same for the Rust
//! files, folded under a summary whose words are the message `page-diff-rust-summary` of
//! `messages/<lang>.ftl`; both made by `src/diff.rs` as `netlab diff` (and
//! `netlab diff --rust`) makes them: the page's "what changed" is generated, never kept by
//! hand.
//!
//! Every mistake in those files is a build error that names the file and the entry.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

#[allow(dead_code)]
#[path = "src/diff.rs"]
mod diff;

/// Where a stage's page wants the diff from its base.
const DIFF_MARKER: &str = "<!-- diff from the previous stage -->";

/// The message of `messages/<lang>.ftl` that sums up the folded Rust diff of a stage page.
const RUST_DIFF_SUMMARY: &str = "page-diff-rust-summary";

/// The curriculum file, relative to the repository.
const CURRICULUM: &str = "stages/curriculum.toml";

/// The version of the curriculum's schema this build reads.
const FORMAT_VERSION: u32 = 1;

/// `stages/curriculum.toml`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Curriculum {
    /// The schema's version: [`FORMAT_VERSION`].
    format_version: u32,
    /// Every entry, in the order of the notes.
    entry: Vec<EntryDef>,
}

/// One `[[entry]]`: see the comment at the top of `stages/curriculum.toml`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EntryDef {
    id: String,
    kind: Kind,
    base: Option<String>,
    slug: Option<String>,
    heading: Option<String>,
    rust: String,
    python: Option<String>,
    page: Option<String>,
    lifecycle: Option<Lifecycle>,
    log_format: Option<String>,
    server: Option<String>,
    #[serde(default)]
    scenarios: Scenarios,
    fails_at: Option<String>,
    text: BTreeMap<String, TextDef>,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq, Debug)]
#[serde(rename_all = "lowercase")]
enum Kind {
    Stage,
    Client,
    Solution,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq, Debug)]
#[serde(rename_all = "lowercase")]
enum Lifecycle {
    Script,
    Forever,
    Console,
    Service,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Scenarios {
    #[serde(default)]
    adds: Vec<String>,
    #[serde(default)]
    drops: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TextDef {
    title: String,
    task: Option<String>,
    #[serde(default)]
    hints: Vec<String>,
}

fn main() {
    emit_build_commit();
    let root = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    let out = PathBuf::from(env::var("OUT_DIR").unwrap());
    println!(
        "cargo::rerun-if-changed={}",
        root.join("src/diff.rs").display()
    );
    let langs = languages(&root);
    fs::write(out.join("langs.rs"), langs_table(&root, &langs)).unwrap();
    let curriculum = read_curriculum(&root);
    let entries = resolve(&root, &curriculum, &langs);
    let (modules, sources) = modules_and_sources(&root, &entries);
    fs::write(out.join("stages.rs"), modules).unwrap();
    fs::write(out.join("sources.rs"), sources).unwrap();
    fs::write(out.join("curriculum.rs"), entries_table(&root, &entries)).unwrap();
    fs::write(
        out.join("pages.rs"),
        pages_table(&root, &out, &entries, &langs),
    )
    .unwrap();
}

/// Panics with a message that names the curriculum file and the entry.
fn bad(id: &str, what: impl std::fmt::Display) -> ! {
    panic!("{CURRICULUM}: entry {id:?}: {what}")
}

/// The languages: one per `messages/CODE.ftl`, by code, sorted.
fn languages(root: &Path) -> Vec<String> {
    let dir = root.join("messages");
    println!("cargo::rerun-if-changed={}", dir.display());
    let mut codes: Vec<String> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("read messages/: {e}"))
        .map(|entry| entry.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "ftl"))
        .map(|p| {
            println!("cargo::rerun-if-changed={}", p.display());
            p.file_stem().unwrap().to_str().unwrap().to_string()
        })
        .collect();
    codes.sort();
    assert!(
        codes.iter().any(|c| c == "en"),
        "messages/en.ftl is missing: English is the language netlab falls back to"
    );
    codes
}

/// `pub static LANGS: &[LangDef]`: each language's code and catalogue.
fn langs_table(root: &Path, langs: &[String]) -> String {
    let mut out = String::from("/// Every language, by code: one per file of `messages/`.\n");
    out.push_str("pub static LANGS: &[LangDef] = &[\n");
    for code in langs {
        let path = root.join("messages").join(format!("{code}.ftl"));
        writeln!(
            out,
            "    LangDef {{ code: {code:?}, catalogue: include_str!({:?}) }},",
            path.display().to_string()
        )
        .unwrap();
    }
    out.push_str("];\n");
    out
}

fn read_curriculum(root: &Path) -> Curriculum {
    let path = root.join(CURRICULUM);
    println!("cargo::rerun-if-changed={}", path.display());
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {CURRICULUM}: {e}"));
    let curriculum: Curriculum =
        toml::from_str(&text).unwrap_or_else(|e| panic!("{CURRICULUM}: {e}"));
    assert_eq!(
        curriculum.format_version, FORMAT_VERSION,
        "{CURRICULUM}: format_version {} is not the {FORMAT_VERSION} this build reads",
        curriculum.format_version
    );
    curriculum
}

/// An entry with what it inherits filled in and every reference checked.
struct Resolved<'a> {
    def: &'a EntryDef,
    slug: String,
    page: Option<String>,
    lifecycle: Option<Lifecycle>,
    log_format: String,
    /// Whether it runs as a server (a stage, a server exercise) or as the client.
    server: bool,
    /// The module its Rust file becomes, under `netlab::stages`.
    module: String,
}

fn resolve<'a>(root: &Path, curriculum: &'a Curriculum, langs: &[String]) -> Vec<Resolved<'a>> {
    let mut done: Vec<Resolved<'a>> = Vec::new();
    for def in &curriculum.entry {
        let id = def.id.as_str();
        if done.iter().any(|r| r.def.id == id) {
            bad(id, "two entries have this id");
        }
        if id.is_empty() || id.contains(char::is_whitespace) {
            bad(id, "an id is one word");
        }
        let base = def.base.as_deref().map(|b| {
            done.iter()
                .find(|r| r.def.id == b)
                .unwrap_or_else(|| bad(id, format!("its base {b:?} is not an entry above it")))
        });
        let inherited = |own: Option<String>, get: fn(&Resolved) -> Option<String>| {
            own.or_else(|| base.and_then(get))
        };
        let page = inherited(def.page.clone(), |b| b.page.clone());
        let lifecycle = def.lifecycle.or_else(|| base.and_then(|b| b.lifecycle));
        let log_format = inherited(def.log_format.clone(), |b| Some(b.log_format.clone()))
            .unwrap_or_else(|| bad(id, "no log_format, and no base to take it from"));
        let server = match def.kind {
            Kind::Stage => {
                if id.parse::<u8>().is_err() {
                    bad(id, "a stage's id is its number: `netlab stage 3`");
                }
                if def.heading.is_none() {
                    bad(id, "a stage needs the notes' heading");
                }
                if page.is_none() {
                    bad(id, "a stage needs a page");
                }
                if lifecycle.is_none() {
                    bad(id, "a stage needs a lifecycle");
                }
                if let Some(b) = base {
                    if b.def.kind != Kind::Stage {
                        bad(id, "a stage's base is a stage");
                    }
                }
                true
            }
            Kind::Client => {
                let Some(server) = def.server.as_deref() else {
                    bad(
                        id,
                        "the client needs `server`, the stage that plays the server",
                    )
                };
                if !done
                    .iter()
                    .any(|r| r.def.id == server && r.def.kind == Kind::Stage)
                {
                    bad(id, format!("server {server:?} is not a stage above it"));
                }
                if def.heading.is_none() {
                    bad(id, "the client needs the notes' heading");
                }
                false
            }
            Kind::Solution => {
                let Some(b) = base else {
                    bad(
                        id,
                        "a solution needs a base: the stage (or the client) it starts from",
                    )
                };
                if b.def.kind == Kind::Solution {
                    bad(id, "a solution's base is a stage or the client");
                }
                match def.fails_at.as_deref().and_then(|f| f.split_once(' ')) {
                    Some((_, step)) if step.parse::<usize>().is_ok() => {}
                    _ => bad(id, "a solution needs fails_at = \"scenario step\""),
                }
                if def.scenarios.adds.is_empty() {
                    bad(id, "a solution adds the scenarios its fix must pass");
                }
                b.server
            }
        };
        if def.kind != Kind::Solution && def.fails_at.is_some() {
            bad(id, "only a solution has fails_at");
        }
        if def.kind != Kind::Client && def.server.is_some() {
            bad(id, "only the client has a server");
        }
        for lang in langs {
            let Some(text) = def.text.get(lang) else {
                bad(
                    id,
                    format!("no text.{lang}: every language of messages/ needs one"),
                )
            };
            if def.kind == Kind::Solution && (text.task.is_none() || text.hints.len() < 2) {
                bad(
                    id,
                    format!("text.{lang} needs a task and at least two hints"),
                );
            }
            if def.kind != Kind::Solution && (text.task.is_some() || !text.hints.is_empty()) {
                bad(
                    id,
                    format!("text.{lang}: only a solution has a task and hints"),
                );
            }
        }
        for lang in def.text.keys() {
            if !langs.contains(lang) {
                bad(id, format!("text.{lang}: there is no messages/{lang}.ftl"));
            }
        }
        if def.kind == Kind::Solution && def.python.is_some() {
            if let Some(b) = base.filter(|b| b.def.python.is_none()) {
                bad(
                    id,
                    format!(
                        "its base {:?} has no python: the exercise's start file is the base's \
                         Python program (`netlab exercise {id} --start`)",
                        b.def.id
                    ),
                );
            }
        }
        for file in std::iter::once(&def.rust).chain(&def.python) {
            let path = root.join("stages").join(file);
            if !path.is_file() {
                bad(id, format!("stages/{file} does not exist"));
            }
            println!("cargo::rerun-if-changed={}", path.display());
        }
        let stem = def.rust.trim_end_matches(".rs").rsplit('/').next().unwrap();
        let module = match def.kind {
            Kind::Solution => format!("solution_{stem}"),
            _ => stem.to_string(),
        };
        done.push(Resolved {
            def,
            slug: def.slug.clone().unwrap_or_else(|| id.to_string()),
            page,
            lifecycle: if server { lifecycle } else { None },
            log_format,
            server,
            module,
        });
    }
    done
}

/// The `netlab::stages` module (one module per Rust file), and the sources tracebacks
/// quote (`netlab::sources::SOURCES`).
fn modules_and_sources(root: &Path, entries: &[Resolved]) -> (String, String) {
    let mut modules = String::new();
    let mut sources = String::from(
        "/// Every Rust program of the curriculum, as (path shown, text): the lines a\n\
         /// Python-style traceback quotes.\npub static SOURCES: &[(&str, &str)] = &[\n",
    );
    for e in entries {
        let path = root.join("stages").join(&e.def.rust);
        writeln!(
            modules,
            "#[path = {:?}]\npub mod {};",
            path.display().to_string(),
            e.module
        )
        .unwrap();
        writeln!(
            sources,
            "    ({:?}, include_str!({:?})),",
            format!("stages/{}", e.def.rust),
            path.display().to_string()
        )
        .unwrap();
    }
    sources.push_str("];\n");
    (modules, sources)
}

/// `pub static ENTRIES: &[Entry]`, the curriculum table.
fn entries_table(root: &Path, entries: &[Resolved]) -> String {
    let source = |file: &str| {
        format!(
            "Source {{ file: {:?}, text: include_str!({:?}) }}",
            format!("stages/{file}"),
            root.join("stages").join(file).display().to_string()
        )
    };
    let list = |items: &[String]| {
        let quoted: Vec<String> = items.iter().map(|s| format!("{s:?}")).collect();
        format!("&[{}]", quoted.join(", "))
    };
    let mut out = String::from("/// Every entry of `stages/curriculum.toml`, in its order.\n");
    out.push_str("pub static ENTRIES: &[Entry] = &[\n");
    for e in entries {
        let d = e.def;
        let texts: Vec<String> = d
            .text
            .iter()
            .map(|(lang, t)| {
                format!(
                    "Text {{ lang: {lang:?}, title: {:?}, task: {:?}, hints: {} }}",
                    t.title,
                    t.task.as_deref().unwrap_or("").trim(),
                    list(&t.hints)
                )
            })
            .collect();
        let fails_at = d.fails_at.as_deref().map_or("None".to_string(), |f| {
            let (scenario, step) = f.split_once(' ').unwrap();
            format!("Some(({scenario:?}, {step}))")
        });
        let runs = if e.server {
            format!(
                "Runs::Server(crate::stage::ServerProgram {{ id: {id:?}, slug: {slug:?}, \
                 lifecycle: crate::stage::Lifecycle::{lifecycle:?}, log_format: {fmt:?}, \
                 start: crate::stages::{module}::start }})",
                id = d.id,
                slug = e.slug,
                lifecycle = e.lifecycle.expect("a server's lifecycle"),
                fmt = e.log_format,
                module = e.module,
            )
        } else {
            format!(
                "Runs::Client(crate::stage::ClientProgram {{ id: {id:?}, log_format: {fmt:?}, \
                 start: crate::stages::{module}::start }})",
                id = d.id,
                fmt = e.log_format,
                module = e.module,
            )
        };
        writeln!(
            out,
            "    Entry {{ id: {id:?}, kind: Kind::{kind:?}, base: {base:?}, slug: {slug:?}, \
             heading: {heading:?}, rust: {rust}, python: {python}, page: {page:?}, \
             server: {server:?}, adds: {adds}, drops: {drops}, fails_at: {fails_at}, \
             texts: &[{texts}], runs: {runs} }},",
            id = d.id,
            kind = d.kind,
            base = d.base,
            slug = e.slug,
            heading = d.heading.as_deref().unwrap_or(""),
            rust = source(&d.rust),
            python = d
                .python
                .as_deref()
                .map_or("None".to_string(), |p| format!("Some({})", source(p))),
            page = e.page,
            server = d.server,
            adds = list(&d.scenarios.adds),
            drops = list(&d.scenarios.drops),
            texts = texts.join(", "),
        )
        .unwrap();
    }
    out.push_str("];\n");
    out
}

/// A page that answers to another name than its file's: a stage's, or the client's.
struct Named {
    /// The file name without `.md`: `stage3-event`.
    stem: String,
    /// The name `netlab explain` takes: `3`, `client`.
    name: String,
    /// For a stage with a base, the diffs from the base's files.
    diff: Option<StageDiff>,
}

/// What changed from a stage's base to the stage, as its page shows it.
struct StageDiff {
    /// The base's id and the stage's: the folded Rust diff's summary names them
    /// (`netlab diff 4 5 --rust`).
    ids: (String, String),
    /// The diff of the Python files, where both have one.
    python: Option<String>,
    /// The diff of the Rust files.
    rust: String,
}

/// `&[Page { .. }, ..]` for every file name under `docs/<lang>/`: the entries' pages in
/// curriculum order, then the others by name. Each language's text is written to OUT_DIR
/// (a stage's page with its diff put in) and embedded from there.
fn pages_table(root: &Path, out_dir: &Path, entries: &[Resolved], langs: &[String]) -> String {
    let mut named: Vec<Named> = Vec::new();
    for e in entries.iter().filter(|e| e.def.kind != Kind::Solution) {
        let Some(stem) = e.def.page.clone() else {
            continue;
        };
        let diff = e.def.base.as_deref().and_then(|b| {
            let base = entries.iter().find(|r| r.def.id == b)?;
            let python = match (&base.def.python, &e.def.python) {
                (Some(old), Some(new)) => Some(file_diff(root, old, new)),
                _ => None,
            };
            Some(StageDiff {
                ids: (base.def.id.clone(), e.def.id.clone()),
                python,
                rust: file_diff(root, &base.def.rust, &e.def.rust),
            })
        });
        named.push(Named {
            stem,
            name: e.def.id.clone(),
            diff,
        });
    }
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
        let Some((lang, file)) = relative
            .split_once('/')
            .filter(|(l, _)| langs.iter().any(|code| code == l))
        else {
            panic!(
                "docs/{relative}: a page lives in docs/<lang>/, one directory per language of \
                 messages/ ({})",
                langs.join(", ")
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
    for n in &named {
        assert!(
            stems.iter().any(|(_, s)| *s == n.stem),
            "{CURRICULUM} names the page {}, which is in no docs/<lang>/ directory",
            n.stem
        );
    }
    let mut out = String::from("&[\n");
    for (_, stem) in stems {
        let entry = named.iter().find(|n| n.stem == stem);
        let name = entry.map_or(stem.clone(), |n| n.name.clone());
        let mut texts = Vec::new();
        for lang in langs {
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
                let (old, new) = &diff.ids;
                let summary = message(
                    root,
                    lang,
                    RUST_DIFF_SUMMARY,
                    &[("old", old.as_str()), ("new", new.as_str())],
                );
                let section = diff::page_section(diff.python.as_deref(), &diff.rust, &summary);
                text = text.replace(DIFF_MARKER, &section);
            }
            let title = text
                .lines()
                .find_map(|l| l.strip_prefix("# "))
                .unwrap_or_else(|| panic!("{relative} has no `# ` heading for its title"))
                .trim()
                .to_string();
            let generated = out_dir.join("pages").join(lang).join(format!("{stem}.md"));
            fs::create_dir_all(generated.parent().unwrap()).unwrap();
            fs::write(&generated, &text).unwrap();
            texts.push(format!(
                "Some(crate::docs::Text {{ file: {relative:?}, title: {title:?}, text: include_str!({path:?}) }})",
                path = generated.display().to_string(),
            ));
        }
        writeln!(
            out,
            "    crate::docs::Page {{ name: {name:?}, stem: {stem:?}, texts: &[{}] }},",
            texts.join(", ")
        )
        .unwrap();
    }
    out.push(']');
    out
}

/// The unified diff of two program files under `stages/`, labelled as `netlab diff`
/// labels them.
fn file_diff(root: &Path, old: &str, new: &str) -> String {
    let read = |file: &str| {
        let path = root.join("stages").join(file);
        fs::read_to_string(&path).unwrap_or_else(|err| panic!("read {}: {err}", path.display()))
    };
    let (old_label, new_label) = (format!("stages/{old}"), format!("stages/{new}"));
    let (old_text, new_text) = (read(old), read(new));
    diff::unified(
        diff::Source {
            label: &old_label,
            text: &old_text,
        },
        diff::Source {
            label: &new_label,
            text: &new_text,
        },
        false,
    )
}

/// Message `id` of `messages/<lang>.ftl`, its `{ $name }` arguments replaced by `args`:
/// read without Fluent, so it must be one line of plain text and arguments (the catalogue's
/// test checks that both files have it).
fn message(root: &Path, lang: &str, id: &str, args: &[(&str, &str)]) -> String {
    let file = format!("messages/{lang}.ftl");
    let text = fs::read_to_string(root.join(&file)).unwrap_or_else(|e| panic!("read {file}: {e}"));
    let mut lines = text.lines();
    let Some(value) = lines
        .by_ref()
        .find_map(|l| l.strip_prefix(id)?.trim_start().strip_prefix('='))
    else {
        panic!("{file} has no message {id}, which build.rs puts in the stage pages")
    };
    if lines
        .next()
        .is_some_and(|next| next.starts_with(' ') && !next.trim().is_empty())
    {
        panic!("{file}: {id} must be one line: build.rs reads it without Fluent");
    }
    let mut value = value.trim().to_string();
    for (name, arg) in args {
        value = value.replace(&format!("{{ ${name} }}"), arg);
    }
    assert!(
        !value.contains('{'),
        "{file}: {id} has an argument or a placeable build.rs does not fill: {value}"
    );
    value
}

/// Every `.md` file under `dir`, recursively.
fn collect_md(dir: &Path, files: &mut Vec<PathBuf>) {
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

/// The commit netlab is built from, for `netlab --version`: `NETLAB_BUILD` is, in a release
/// build, `commit` and the short hash of HEAD when this directory is a git checkout (a clone, or a
/// worktree, whose `.git` is a file), else `unknown` (a tarball, or no git on the PATH).
///
/// Cargo runs this script again when HEAD moves: when HEAD itself changes (a checkout) or
/// the branch it points to does (a commit). git says where each file lives, since a
/// worktree keeps its HEAD apart from the branches it shares with the main checkout.
fn emit_build_commit() {
    // A development build (the debug profile: `cargo build`, `make test`, `make run`) says
    // `debug build` instead: watching HEAD would rebuild the whole crate at every commit.
    // What is installed or handed out (`make install`, `make dist`) is a release build.
    if env::var("PROFILE").as_deref() != Ok("release") {
        println!("cargo::rustc-env=NETLAB_BUILD=debug build");
        return;
    }
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
    println!("cargo::rustc-env=NETLAB_BUILD=commit {commit}");
}
