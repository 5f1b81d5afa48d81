//! The files a class's pattern names (`'students/*/server.py'`), expanded by netlab itself
//! so that it works the same from any shell, and quoted from a script.
//!
//! A small glob, not the `glob` crate: a class needs `*`, `?` and `[...]` in the path's
//! components, as a shell expands them, and no more. `*` and `?` never match a `/`, and
//! never a leading `.` (a shell hides dot files so too: `students/*` skips `.git`); `**`
//! is just `*`; braces (`{a,b}`) are not expanded. The matches are files (a link to a
//! file counts), in the order of their paths.

use std::path::{Path, PathBuf};

/// The files `pattern` names, sorted. A component without wildcards is taken as it is;
/// one with wildcards is matched against its directory's entries.
pub(crate) fn files(pattern: &str) -> Vec<PathBuf> {
    let (mut found, rest) = if let Some(rest) = pattern.strip_prefix('/') {
        (vec![PathBuf::from("/")], rest)
    } else {
        (vec![PathBuf::new()], pattern)
    };
    let parts: Vec<&str> = rest.split('/').filter(|p| !p.is_empty()).collect();
    for part in &parts {
        let mut next = Vec::new();
        for dir in &found {
            if !is_wild(part) {
                next.push(dir.join(part));
                continue;
            }
            let listed = if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                dir.as_path()
            };
            let Ok(entries) = std::fs::read_dir(listed) else {
                continue;
            };
            let mut names: Vec<String> = entries
                .filter_map(Result::ok)
                .filter_map(|e| e.file_name().into_string().ok())
                .filter(|name| matches(part, name))
                .collect();
            names.sort();
            next.extend(names.into_iter().map(|name| dir.join(name)));
        }
        found = next;
    }
    let mut files: Vec<PathBuf> = found.into_iter().filter(|p| p.is_file()).collect();
    files.sort();
    files.dedup();
    files
}

/// The directory the pattern's wildcards start in: its components before the first one
/// with a wildcard (`students` for `students/*/server.py`), empty when it starts with
/// one: the start of every path [`files`] gives.
pub(crate) fn base(pattern: &str) -> PathBuf {
    let mut base = if pattern.starts_with('/') {
        PathBuf::from("/")
    } else {
        PathBuf::new()
    };
    for part in pattern.split('/').filter(|p| !p.is_empty()) {
        if is_wild(part) {
            break;
        }
        base.push(part);
    }
    base
}

fn is_wild(part: &str) -> bool {
    part.contains(['*', '?', '['])
}

/// Whether `name` (one path component) matches `pattern` (one component).
pub(crate) fn matches(pattern: &str, name: &str) -> bool {
    // A dot file only by a pattern that starts with a dot, as a shell does.
    if name.starts_with('.') && !pattern.starts_with('.') {
        return false;
    }
    let pattern: Vec<char> = pattern.chars().collect();
    let name: Vec<char> = name.chars().collect();
    match_from(&pattern, &name)
}

fn match_from(pattern: &[char], name: &[char]) -> bool {
    match pattern.first() {
        None => name.is_empty(),
        Some('*') => {
            let rest = &pattern[1..];
            (0..=name.len()).any(|skip| match_from(rest, &name[skip..]))
        }
        Some('?') => !name.is_empty() && match_from(&pattern[1..], &name[1..]),
        Some('[') => match (class(&pattern[1..]), name.first()) {
            (Some((set, len)), Some(&c)) => set(c) && match_from(&pattern[1 + len..], &name[1..]),
            // An unclosed `[` is a plain character.
            (None, Some('[')) => match_from(&pattern[1..], &name[1..]),
            _ => false,
        },
        Some(&c) => name.first() == Some(&c) && match_from(&pattern[1..], &name[1..]),
    }
}

/// A bracket expression after its `[`: `abc]`, `a-z]`, `!x]` (or `^x]`, not x). Returns
/// what it accepts and how many characters it takes, `]` included; `None` if unclosed.
fn class(pattern: &[char]) -> Option<(impl Fn(char) -> bool, usize)> {
    let negated = matches!(pattern.first(), Some('!' | '^'));
    let start = usize::from(negated);
    // A `]` first in the set is a member, not the end.
    let end = pattern
        .iter()
        .enumerate()
        .skip(start + 1)
        .find(|(_, c)| **c == ']')
        .map(|(i, _)| i)?;
    let members: Vec<char> = pattern[start..end].to_vec();
    let accepts = move |c: char| {
        let mut inside = false;
        let mut i = 0;
        while i < members.len() {
            if i + 2 < members.len() && members[i + 1] == '-' {
                inside |= members[i] <= c && c <= members[i + 2];
                i += 3;
            } else {
                inside |= members[i] == c;
                i += 1;
            }
        }
        inside != negated
    };
    Some((accepts, end + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_match_one_component_as_a_shell_does() {
        assert!(matches("*", "alice"));
        assert!(matches("*.py", "server.py"));
        assert!(!matches("*.py", "server.c"));
        assert!(matches("s?rver.py", "server.py"));
        assert!(matches("[a-c]*", "bob"));
        assert!(!matches("[!a-c]*", "bob"));
        assert!(matches("[]x]", "]"));
        assert!(matches("a[", "a["));
        assert!(!matches("*", ".git"), "dot files are hidden");
        assert!(matches(".*", ".git"));
        assert!(matches("学生*", "学生甲"));
    }

    #[test]
    fn a_pattern_names_files_in_each_folder_sorted() {
        let dir = std::env::temp_dir().join(format!("netlab-glob-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for (folder, file) in [
            ("bob", "server.py"),
            ("alice", "server.py"),
            ("carol", "other.py"),
            (".hidden", "server.py"),
        ] {
            std::fs::create_dir_all(dir.join(folder)).unwrap();
            std::fs::write(dir.join(folder).join(file), "").unwrap();
        }
        // A folder named like the file: not a file, not matched.
        std::fs::create_dir_all(dir.join("dave/server.py")).unwrap();
        let pattern = format!("{}/*/server.py", dir.display());
        let found = files(&pattern);
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(
            found,
            vec![dir.join("alice/server.py"), dir.join("bob/server.py")]
        );
        assert_eq!(base(&pattern), dir);
        assert_eq!(base("students/*/server.py"), Path::new("students"));
    }
}
