//! What the tests share: netlab's stages started in this process, and the binary run as a
//! user runs it (`process`).
#![allow(dead_code)]

pub mod process;

use netlab::curriculum::{self, Kind};
use netlab::stage::Running;

/// Starts stage `id` in this process on 127.0.0.1:0, with its output captured.
pub fn start(id: &str) -> Running {
    let program = curriculum::find(id)
        .ok()
        .and_then(|e| e.server_program())
        .expect("a server of the curriculum");
    Running::start(program, "127.0.0.1:0".parse().unwrap(), true).expect("the stage starts")
}

/// The stage number just past the last stage of the curriculum: `10`.
pub fn past_the_last() -> String {
    let last: u8 = curriculum::of_kind(Kind::Stage)
        .filter_map(|e| e.id.parse().ok())
        .max()
        .unwrap_or(0);
    (last + 1).to_string()
}

/// The one sentence every command gives for that id, in English.
pub fn out_of_range() -> String {
    curriculum::unknown(&past_the_last())
}

/// The locale variables netlab reads to choose its language (`netlab::lang`).
pub const LOCALE_VARS: [&str; 3] = ["LC_ALL", "LC_MESSAGES", "LANG"];

/// `cmd` with a 30 s timeout and no locale variables, so that netlab speaks English
/// whatever the machine's locale: the tests that look at netlab's words read English.
pub fn english(mut cmd: assert_cmd::Command) -> assert_cmd::Command {
    cmd.timeout(std::time::Duration::from_secs(30));
    for var in LOCALE_VARS {
        cmd.env_remove(var);
    }
    cmd
}

/// The tutorial's original program whose file name starts with `prefix` (`stage_4_`,
/// `stage_7_client`), from `../shared/reference`, copied into `dir` with its literal port
/// 61000 taken from `$PORT` (the one-line change docs/en/check.md shows); or why there is
/// none here. The notes' skeleton is never taken, nor a client unless `client`.
pub fn copy_original(
    prefix: &str,
    client: bool,
    dir: &std::path::Path,
) -> Result<std::path::PathBuf, String> {
    let reference = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/reference");
    let file = std::fs::read_dir(&reference)
        .map_err(|e| {
            format!(
                "{} is not here ({e}): it holds the tutorial's originals",
                reference.display()
            )
        })?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| {
            p.file_name().and_then(|f| f.to_str()).is_some_and(|f| {
                f.starts_with(prefix)
                    && f.ends_with(".py")
                    && !f.contains("skeleton")
                    && (client || !f.contains("client"))
            })
        })
        .ok_or_else(|| format!("{} has no {prefix}*.py", reference.display()))?;
    let text = std::fs::read_to_string(&file).map_err(|e| e.to_string())?;
    assert!(
        text.contains("61000"),
        "{} no longer has its port 61000",
        file.display()
    );
    let text = text.replace("61000", "int(__import__('os').environ.get('PORT', 61000))");
    let copy = dir.join(file.file_name().unwrap());
    std::fs::write(&copy, text).map_err(|e| e.to_string())?;
    Ok(copy)
}
