//! The message catalogue: every line netlab itself prints to explain what is happening
//! (the `netlab:` lines, the demos' verdicts, the headings of `netlab diff` and
//! `netlab explain`), in Chinese and in English.
//!
//! The messages live in one [Fluent](https://projectfluent.org) file per language,
//! `messages/zh.ftl` and `messages/en.ftl`, embedded in the binary. A message is an id and a text with
//! named arguments, which a translator reads as a sentence:
//!
//! ```text
//! quit-every-thread-ended = every thread has ended, { $seconds } s after quit: the program exits ...
//! ```
//!
//! Code asks for it by id with [`tr!`](crate::tr), in the language of
//! [`crate::lang::current`]: `tr!("quit-every-thread-ended", seconds = "6.1")`. English
//! plurals are Fluent selectors (`{ $n -> [one] thread *[other] threads }`); Chinese
//! needs none.
//!
//! What never goes through the catalogue: the bytes on the wire, and the stages' own
//! records (`logging.info`, `print()`, Python's tracebacks and exception messages), which
//! are the notes' and print as the notes print them, whatever the language.

use crate::lang::{self, Lang};
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use std::sync::OnceLock;

/// One argument of a message: text, or a number (which English plurals select on).
#[derive(Clone, Debug)]
pub enum Arg {
    /// Shown as it is.
    Text(String),
    /// A count or a measure.
    Number(f64),
}

impl From<&str> for Arg {
    fn from(text: &str) -> Arg {
        Arg::Text(text.to_string())
    }
}

impl From<String> for Arg {
    fn from(text: String) -> Arg {
        Arg::Text(text)
    }
}

impl From<&String> for Arg {
    fn from(text: &String) -> Arg {
        Arg::Text(text.clone())
    }
}

macro_rules! numbers {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg {
            fn from(n: $t) -> Arg {
                Arg::Number(n as f64)
            }
        }
    )*};
}
numbers!(u8, u16, u32, u64, usize, i32, i64, f64);

/// A message in the language in force: `tr!("id")`, `tr!("id", name = value, ...)`.
/// A value is text (`&str`, `String`) or a number; anything else, `.to_string()` first.
#[macro_export]
macro_rules! tr {
    ($id:literal) => {
        $crate::catalogue::text($id, &[])
    };
    ($id:literal, $($name:ident = $value:expr),+ $(,)?) => {
        $crate::catalogue::text(
            $id,
            &[$((stringify!($name), $crate::catalogue::Arg::from($value))),+],
        )
    };
}

type Bundle = FluentBundle<FluentResource>;

/// The bundle of `lang`, parsed once.
fn bundle(lang: Lang) -> &'static Bundle {
    static BUNDLES: OnceLock<Vec<Bundle>> = OnceLock::new();
    let bundles = BUNDLES.get_or_init(|| Lang::all().map(parse).collect());
    &bundles[lang.index()]
}

fn parse(lang: Lang) -> Bundle {
    let resource =
        FluentResource::try_new(lang.catalogue().to_string()).unwrap_or_else(|(_, errors)| {
            panic!("messages/{}.ftl does not parse: {errors:?}", lang.code())
        });
    // The code is the language identifier: it picks the plural rules (Chinese has none).
    let id: unic_langid::LanguageIdentifier = lang.code().parse().expect("a language code");
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // No Unicode isolation marks around arguments: a terminal shows them as garbage.
    bundle.set_use_isolating(false);
    bundle
        .add_resource(resource)
        .unwrap_or_else(|errors| panic!("messages/{}.ftl: {errors:?}", lang.code()));
    bundle
}

/// Whether the catalogue has message `id` (every language has the same, a test checks).
pub fn exists(id: &str) -> bool {
    bundle(lang::current()).has_message(id)
}

/// Message `id` with `args`, in the language in force.
pub fn text(id: &str, args: &[(&str, Arg)]) -> String {
    text_in(lang::current(), id, args)
}

/// Message `id` with `args`, in `lang`. A message missing from the catalogue (which a
/// test rules out) shows as its id and arguments rather than nothing.
pub fn text_in(lang: Lang, id: &str, args: &[(&str, Arg)]) -> String {
    let bundle = bundle(lang);
    let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else {
        return format!("{id} {args:?}");
    };
    let mut fluent_args = FluentArgs::new();
    for (name, value) in args {
        match value {
            Arg::Text(text) => fluent_args.set(*name, FluentValue::from(text.as_str())),
            Arg::Number(n) => fluent_args.set(*name, FluentValue::from(*n)),
        }
    }
    let mut errors = Vec::new();
    let text = bundle.format_pattern(pattern, Some(&fluent_args), &mut errors);
    debug_assert!(errors.is_empty(), "message {id}: {errors:?}");
    text.into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// The message ids of one catalogue file, and the variables each uses.
    fn ids(source: &str) -> BTreeSet<(String, BTreeSet<String>)> {
        let mut out = BTreeSet::new();
        let mut current: Option<(String, BTreeSet<String>)> = None;
        for line in source.lines() {
            let starts_message =
                line.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) && line.contains(" =");
            if starts_message {
                out.extend(current.take());
                let id = line.split(" =").next().unwrap().trim().to_string();
                current = Some((id, BTreeSet::new()));
            }
            if let Some((_, vars)) = current.as_mut() {
                let mut rest = line;
                while let Some(at) = rest.find("{ $") {
                    let name: String = rest[at + 3..]
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect();
                    vars.insert(name);
                    rest = &rest[at + 3..];
                }
            }
        }
        out.extend(current);
        out
    }

    /// The same ids in every file, and no message uses an argument that the English one
    /// lacks (another language may leave out one that only an English plural needs).
    #[test]
    fn every_language_has_the_same_messages() {
        let en = ids(Lang::fallback().catalogue());
        let en_ids: BTreeSet<&String> = en.iter().map(|(id, _)| id).collect();
        for lang in Lang::all() {
            let other = ids(lang.catalogue());
            let other_ids: BTreeSet<&String> = other.iter().map(|(id, _)| id).collect();
            let only_other: Vec<_> = other_ids.difference(&en_ids).collect();
            let only_en: Vec<_> = en_ids.difference(&other_ids).collect();
            let code = lang.code();
            assert!(
                only_other.is_empty() && only_en.is_empty(),
                "messages/{code}.ftl and messages/en.ftl differ:\n  only in {code}: {only_other:?}\n  only in en: {only_en:?}"
            );
            for (id, vars) in &other {
                let english = &en.iter().find(|(e, _)| e == id).unwrap().1;
                assert!(
                    vars.is_subset(english),
                    "{id}: {code} uses {vars:?}, en has {english:?}"
                );
            }
        }
    }

    #[test]
    fn every_file_parses() {
        for lang in Lang::all() {
            let _ = bundle(lang);
        }
    }

    /// Every `tr!("id"` in the code names a message of the catalogue.
    #[test]
    fn every_message_the_code_asks_for_exists() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        for dir in ["src", "stages"] {
            collect_rs(&root.join(dir), &mut files);
        }
        let known: BTreeSet<String> = ids(Lang::fallback().catalogue())
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        let mut missing = Vec::new();
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            let mut rest = text.as_str();
            while let Some(at) = rest.find("tr!(\"") {
                // `tr!`, not `include_str!` or another macro that ends in `tr`.
                let whole = !rest[..at]
                    .chars()
                    .next_back()
                    .is_some_and(|c| c.is_alphanumeric() || c == '_');
                rest = &rest[at + 5..];
                let id: String = rest.chars().take_while(|c| *c != '"').collect();
                if whole && id != "id" && !known.contains(&id) {
                    missing.push(format!("{}: {id}", file.display()));
                }
            }
        }
        assert!(missing.is_empty(), "not in the catalogue: {missing:#?}");
    }

    fn collect_rs(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                collect_rs(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    #[test]
    fn english_counts_agree_with_their_noun() {
        assert_eq!(
            text_in(
                Lang::fallback(),
                "count-threads",
                &[("n", Arg::from(1usize))]
            ),
            "1 thread"
        );
        assert_eq!(
            text_in(
                Lang::fallback(),
                "count-threads",
                &[("n", Arg::from(40usize))]
            ),
            "40 threads"
        );
        assert_eq!(
            text_in(
                Lang::from_code("zh").unwrap(),
                "count-threads",
                &[("n", Arg::from(40usize))]
            ),
            "40 个线程"
        );
    }
}
