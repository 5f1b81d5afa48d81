//! Generates the stage table from `stages/stages.toml`, the one list of stages.
//!
//! For every entry it declares the stage's module (the file in `stages/`) and one
//! `netlab::stage::Stage` value that points at it, with the stage's source and docs page
//! embedded so that `netlab explain 3` works without a checkout.

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
             source_file: {src_file:?}, source: include_str!({src_path:?}), docs_file: {docs:?}, \
             docs: include_str!({docs_path:?}), lifecycle: crate::stage::Lifecycle::{lifecycle}, \
             log_format: {fmt:?}, start: {module}::start }},",
            slug = field(stage, "slug"),
            zh = field(stage, "title_zh"),
            en = field(stage, "title_en"),
            src_file = format!("stages/{}", field(stage, "source")),
            src_path = root.join("stages").join(field(stage, "source")).display().to_string(),
            docs = field(stage, "docs"),
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
         title_en: {en:?}, source_file: {src_file:?}, source: include_str!({src_path:?}), docs_file: {docs:?}, \
         docs: include_str!({docs_path:?}), log_format: {fmt:?}, start: {module}::start }};",
        slug = field(client, "slug"),
        zh = field(client, "title_zh"),
        en = field(client, "title_en"),
        src_file = format!("stages/{}", field(client, "source")),
        src_path = root.join("stages").join(field(client, "source")).display().to_string(),
        docs = field(client, "docs"),
        docs_path = root.join(field(client, "docs")).display().to_string(),
        fmt = field(client, "log_format"),
    )
    .unwrap();

    let dest = Path::new(&env::var("OUT_DIR").unwrap()).join("stages.rs");
    fs::write(dest, out).unwrap();
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
