//! The language netlab speaks: Chinese for the classes that read the tutorial in
//! Chinese, English for the others.
//!
//! One choice per process, made once at start-up by [`choose`]: `--lang zh|en` if given,
//! else the locale, from the first of `LC_ALL`, `LC_MESSAGES` and `LANG` that is set and
//! not empty (the order in which POSIX programs look): a value starting with `zh`
//! (`zh_CN.UTF-8`, `zh_TW`) means Chinese, any other (`C`, `en_US.UTF-8`, `fr_FR`)
//! English. GNU's `LANGUAGE` list is not read: netlab has two languages, and the locale
//! that the shell already has is the one a classroom sets.
//!
//! The language chooses the pages of `netlab explain`, the titles of `netlab stages` and
//! the lines of the message catalogue (`crate::catalogue`): netlab's `netlab:` lines and
//! the demos' verdicts. It never changes the bytes on the wire or the stages' own
//! Python-style records, which are the notes' and stay as the notes print them.
//!
//! The library speaks English until the CLI chooses: tests that run stages in their own
//! process read English lines whatever the machine's locale.

use std::sync::OnceLock;

/// A language of netlab's pages and messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Lang {
    /// 中文: the tutorial's language, and most classes'.
    Zh,
    /// English.
    En,
}

impl Lang {
    /// Every language, in the order the pages are listed: the tests walk it.
    pub const ALL: [Lang; 2] = [Lang::Zh, Lang::En];

    /// The code `--lang` takes and the directory of its pages: `zh`, `en`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }

    /// The language a locale value names: `zh*` is Chinese, anything else English.
    pub fn from_locale(value: &str) -> Lang {
        if value.starts_with("zh") {
            Lang::Zh
        } else {
            Lang::En
        }
    }

    /// The language of the environment `var` reads: the first of `LC_ALL`, `LC_MESSAGES`
    /// and `LANG` that is set and not empty, English when none is.
    pub fn from_env(var: impl Fn(&str) -> Option<String>) -> Lang {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|name| var(name))
            .find(|value| !value.is_empty())
            .map_or(Lang::En, |value| Lang::from_locale(&value))
    }
}

/// The language chosen for this process, once.
static CHOSEN: OnceLock<Lang> = OnceLock::new();

/// Chooses the language for the rest of the process: `flag` (`--lang`) if given, else
/// the locale's. Returns the language in force (the first choice stays).
pub fn choose(flag: Option<Lang>) -> Lang {
    *CHOSEN.get_or_init(|| flag.unwrap_or_else(|| Lang::from_env(|v| std::env::var(v).ok())))
}

/// The language in force: the chosen one, or English when nothing chose.
pub fn current() -> Lang {
    CHOSEN.get().copied().unwrap_or(Lang::En)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn zh_locales_are_chinese_and_the_rest_english() {
        for zh in ["zh_CN.UTF-8", "zh_TW.UTF-8", "zh", "zh_CN"] {
            assert_eq!(Lang::from_locale(zh), Lang::Zh, "{zh}");
        }
        for en in ["C", "C.UTF-8", "POSIX", "en_US.UTF-8", "fr_FR.UTF-8", ""] {
            assert_eq!(Lang::from_locale(en), Lang::En, "{en}");
        }
    }

    #[test]
    fn lc_all_then_lc_messages_then_lang() {
        let all = [
            ("LC_ALL", "en_US.UTF-8"),
            ("LC_MESSAGES", "zh_CN.UTF-8"),
            ("LANG", "zh_CN.UTF-8"),
        ];
        assert_eq!(Lang::from_env(env(&all)), Lang::En);
        let messages = [("LC_MESSAGES", "zh_CN.UTF-8"), ("LANG", "en_US.UTF-8")];
        assert_eq!(Lang::from_env(env(&messages)), Lang::Zh);
        assert_eq!(Lang::from_env(env(&[("LANG", "zh_CN.UTF-8")])), Lang::Zh);
        assert_eq!(Lang::from_env(env(&[])), Lang::En);
    }

    #[test]
    fn an_empty_variable_is_skipped() {
        let vars = [("LC_ALL", ""), ("LANG", "zh_CN.UTF-8")];
        assert_eq!(Lang::from_env(env(&vars)), Lang::Zh);
    }
}
