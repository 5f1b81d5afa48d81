//! netlab's `--help`, in the language in force.
//!
//! clap builds the commands from their derive attributes, whose doc comments stay the
//! code's English documentation. [`localised`] then replaces every text of the help that
//! a person reads with a message of the catalogue, in either language:
//!
//! - each command's about: `help-stage`, `help-demo-race` (the command's path);
//! - each argument's help: `help-stage--port` (the path, two dashes, the argument's id
//!   with `-` for `_`); an argument every command shares has no path: `help--lang`,
//!   `help--help`, `help--version`;
//! - the headings (`Usage:`, `Options:`, `Arguments:`, `Commands:`), the `[default: ..]`
//!   and `[possible values: ..]` notes, and the `help` command's own texts.
//!
//! What stays clap's: the usage line (`netlab stage [OPTIONS] <NUMBER|EXERCISE>`, the
//! syntax of a command). Its usage errors are said by [`Errors`], from the catalogue.
//!
//! Every message gets the same arguments, `consoles` (the stages with a `>> ` console)
//! and `stages` (the stage numbers), so that a text can name them. A debug build panics
//! when a message is missing, so a new argument cannot show an id instead of its help.

use crate::catalogue::{self, Arg as Value};
use crate::{curriculum, tr};
use clap::{Arg, Command};

/// `cmd`, built (with clap's help and version flags and its `help` command), every text
/// a person reads taken from the catalogue.
pub fn localised(cmd: Command) -> Command {
    // No long texts: a command with one makes clap lay `--help` out on several lines
    // per argument, and the derive's long texts are the English doc comments.
    let mut cmd = short_only(cmd);
    cmd.build();
    localise(&mut cmd, &mut Vec::new());
    cmd
}

/// `cmd` and its subcommands without their long about and long helps.
fn short_only(cmd: Command) -> Command {
    cmd.long_about(None)
        .mut_args(|arg| arg.long_help(None))
        .mut_subcommands(short_only)
}

/// `cmd`'s texts, and those of its subcommands, from the catalogue. `path` is the
/// command's names below `netlab` (`["demo", "race"]`).
fn localise(cmd: &mut Command, path: &mut Vec<String>) {
    // A `help` command (`netlab help`, `netlab demo help`) is the same everywhere, and
    // its copies of the commands (`netlab help stage`) say what the commands say.
    let names: Vec<&str> = path.iter().map(String::as_str).collect();
    let own: Vec<&str> = match names.iter().rposition(|n| *n == "help") {
        Some(at) if at + 1 == names.len() => vec!["help"],
        Some(at) => [&names[..at], &names[at + 1..]].concat(),
        None => names,
    };
    let id = if own.is_empty() {
        "help-netlab".to_string()
    } else {
        format!("help-{}", own.join("-"))
    };
    let template = template(cmd);
    let mut c = std::mem::take(cmd)
        .about(message(&id))
        .help_template(template)
        .mut_args(|arg| localise_arg(arg, &id));
    for sub in c.get_subcommands_mut() {
        path.push(sub.get_name().to_string());
        localise(sub, path);
        path.pop();
    }
    *cmd = c;
}

/// clap's help layout, with headings from the catalogue: clap writes its own `Usage:`,
/// `Options:`... in English, and puts an ASCII colon after a heading it is given, so
/// the template names each section itself (`{subcommands}`, `{positionals}`,
/// `{options}`), and only those that `cmd` has.
fn template(cmd: &Command) -> String {
    let styles = cmd.get_styles();
    let styled = |style: &clap::builder::styling::Style, text: String| {
        format!("{}{text}{}", style.render(), style.render_reset())
    };
    let heading = |id: &str, section: &str| {
        format!(
            "{}\n{{{section}}}",
            styled(
                styles.get_header(),
                tr!("help-heading", heading = catalogue::text(id, &[]))
            )
        )
    };
    let mut sections = Vec::new();
    if cmd.has_subcommands() {
        sections.push(heading("help-heading-commands", "subcommands"));
    }
    if cmd.get_positionals().any(|a| !a.is_hide_set()) {
        sections.push(heading("help-heading-arguments", "positionals"));
    }
    sections.push(heading("help-heading-options", "options"));
    let usage = tr!("help-usage");
    format!(
        "{{before-help}}{{about-with-newline}}\n{}{}{{usage}}\n\n{}{{after-help}}",
        styled(styles.get_usage(), usage.clone()),
        after_label(&usage),
        sections.join("\n\n")
    )
}

/// What separates a label from its text: a space after an ASCII colon (`Usage: netlab`),
/// none after a full-width one (`用法：netlab`).
fn after_label(label: &str) -> &'static str {
    if label.ends_with(':') {
        " "
    } else {
        ""
    }
}

/// One argument's help, with its default and possible values.
fn localise_arg(arg: Arg, command: &str) -> Arg {
    let name = arg.get_id().as_str().replace('_', "-");
    let id = if ["lang", "help", "version"].contains(&name.as_str()) {
        format!("help--{name}")
    } else {
        format!("{command}--{name}")
    };
    let mut help = message(&id);
    let mut arg = arg;
    if arg.get_action().takes_values() && !arg.get_default_values().is_empty() {
        let values: Vec<String> = arg
            .get_default_values()
            .iter()
            .map(|v| v.to_string_lossy().into_owned())
            .collect();
        help.push(' ');
        help.push_str(&tr!("help-default", value = values.join(" ")));
        arg = arg.hide_default_value(true);
    }
    let possible: Vec<String> = arg
        .get_possible_values()
        .iter()
        .filter(|v| !v.is_hide_set())
        .map(|v| v.get_name().to_string())
        .collect();
    if !possible.is_empty() {
        help.push(' ');
        help.push_str(&tr!("help-possible", values = crate::text::list(&possible)));
        arg = arg.hide_possible_values(true);
    }
    arg.help(help)
}

/// Message `id`, with the arguments every help message may use.
fn message(id: &str) -> String {
    debug_assert!(
        catalogue::has(crate::lang::current(), id),
        "messages/*.ftl have no {id}: every command and argument needs its help there"
    );
    catalogue::text(
        id,
        &[
            ("consoles", Value::from(curriculum::stages_with_console())),
            ("stages", Value::from(curriculum::stage_numbers())),
        ],
    )
}

/// clap's usage errors in the language in force: the same layout as clap's own
/// (`error: ...`, the tips, the usage, `For more information, try '--help'.`), the words
/// from the catalogue (`clap-*`). `clap::Error::apply::<Errors>()` puts it to use.
pub struct Errors;

impl clap::error::ErrorFormatter for Errors {
    fn format_error(error: &clap::error::Error<Self>) -> clap::builder::StyledStr {
        use clap::error::{ContextKind as K, ContextValue as V, ErrorKind};
        let text = |kind: K| match error.get(kind) {
            Some(V::String(s)) => Some(s.clone()),
            Some(V::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        let list = |kind: K| match error.get(kind) {
            Some(V::Strings(items)) => items.clone(),
            Some(V::String(item)) => vec![item.clone()],
            _ => Vec::new(),
        };
        let arg = text(K::InvalidArg).unwrap_or_default();
        let value = text(K::InvalidValue).unwrap_or_default();
        // `error: ...`, `错误：...`: a space after an ASCII colon only.
        let labelled = |label: String, text: &str| format!("{label}{}{text}", after_label(&label));
        let mut out = String::new();
        let message = match error.kind() {
            ErrorKind::ArgumentConflict => match error.get(K::PriorArg) {
                Some(V::String(prior)) if *prior == arg => {
                    tr!("clap-conflict-repeated", arg = arg.as_str())
                }
                Some(V::String(prior)) => {
                    tr!(
                        "clap-conflict-one",
                        arg = arg.as_str(),
                        other = prior.as_str()
                    )
                }
                Some(V::Strings(priors)) => {
                    let mut m = tr!("clap-conflict-many", arg = arg.as_str());
                    for p in priors {
                        m.push_str(&format!("\n  {p}"));
                    }
                    m
                }
                _ => tr!("clap-conflict-others", arg = arg.as_str()),
            },
            ErrorKind::NoEquals => tr!("clap-no-equals", arg = arg.as_str()),
            ErrorKind::InvalidValue if value.is_empty() => {
                tr!("clap-value-required", arg = arg.as_str())
            }
            ErrorKind::InvalidValue => {
                let mut m = tr!(
                    "clap-invalid-value",
                    value = value.as_str(),
                    arg = arg.as_str()
                );
                let valid = list(K::ValidValue);
                if !valid.is_empty() {
                    m.push_str("\n  ");
                    m.push_str(&tr!("help-possible", values = valid.join(", ")));
                }
                m
            }
            ErrorKind::InvalidSubcommand => tr!(
                "clap-unknown-subcommand",
                name = text(K::InvalidSubcommand).unwrap_or_default()
            ),
            ErrorKind::MissingRequiredArgument => {
                let mut m = tr!("clap-missing-arguments");
                for a in list(K::InvalidArg) {
                    m.push_str(&format!("\n  {a}"));
                }
                m
            }
            ErrorKind::MissingSubcommand => {
                let mut m = tr!(
                    "clap-missing-subcommand",
                    name = text(K::InvalidSubcommand).unwrap_or_default()
                );
                let valid = list(K::ValidSubcommand);
                if !valid.is_empty() {
                    m.push_str("\n  ");
                    m.push_str(&tr!("clap-subcommands", values = valid.join(", ")));
                }
                m
            }
            ErrorKind::TooManyValues => {
                tr!(
                    "clap-too-many-values",
                    value = value.as_str(),
                    arg = arg.as_str()
                )
            }
            ErrorKind::TooFewValues => tr!(
                "clap-too-few-values",
                arg = arg.as_str(),
                min = text(K::MinValues).unwrap_or_default(),
                actual = text(K::ActualNumValues).unwrap_or_default()
            ),
            ErrorKind::WrongNumberOfValues => tr!(
                "clap-wrong-number-of-values",
                arg = arg.as_str(),
                expected = text(K::ExpectedNumValues).unwrap_or_default(),
                actual = text(K::ActualNumValues).unwrap_or_default()
            ),
            ErrorKind::ValueValidation => match std::error::Error::source(error) {
                Some(why) => tr!(
                    "clap-invalid-value-why",
                    value = value.as_str(),
                    arg = arg.as_str(),
                    why = why.to_string()
                ),
                None => tr!(
                    "clap-invalid-value",
                    value = value.as_str(),
                    arg = arg.as_str()
                ),
            },
            ErrorKind::UnknownArgument => tr!("clap-unknown-argument", arg = arg.as_str()),
            _ => error.kind().as_str().unwrap_or_default().to_string(),
        };
        out.push_str(&labelled(tr!("clap-error"), &message));
        // Tips: the similar names clap found, then the suggestions (netlab's port tip;
        // clap's `-- ARG`, said again in the catalogue's words).
        let mut tips = Vec::new();
        for (kind, what) in [
            (K::SuggestedSubcommand, "clap-similar-subcommand"),
            (K::SuggestedArg, "clap-similar-argument"),
            (K::SuggestedValue, "clap-similar-value"),
        ] {
            let similar = list(kind);
            if !similar.is_empty() {
                let quoted: Vec<String> = similar.iter().map(|s| format!("'{s}'")).collect();
                tips.push(catalogue::text(
                    what,
                    &[
                        ("names", Value::from(crate::text::list(&quoted))),
                        ("n", Value::from(similar.len())),
                    ],
                ));
            }
        }
        if let Some(V::StyledStrs(suggestions)) = error.get(K::Suggested) {
            for s in suggestions {
                let s = s.to_string();
                let quoted: Vec<&str> = s.split('\'').skip(1).step_by(2).collect();
                tips.push(match (s.starts_with("to pass '"), quoted.as_slice()) {
                    (true, [value, command]) => {
                        tr!("clap-tip-escape", value = *value, command = *command)
                    }
                    _ => s.clone(),
                });
            }
        }
        if !tips.is_empty() {
            out.push('\n');
        }
        for tip in tips {
            out.push_str(&format!("\n  {}", labelled(tr!("clap-tip"), &tip)));
        }
        if let Some(V::StyledStr(usage)) = error.get(K::Usage) {
            let usage = usage.to_string();
            let line = usage.strip_prefix("Usage: ").unwrap_or(&usage);
            out.push_str(&format!("\n\n{}", labelled(tr!("help-usage"), line)));
        }
        out.push_str("\n\n");
        out.push_str(&tr!("clap-more", help = "--help"));
        out.push('\n');
        let styles = clap::builder::Styles::styled();
        let red = styles.get_error();
        // `error:` in clap's colour (shown on a terminal only).
        let label = tr!("clap-error");
        let styled = out.replacen(
            &label,
            &format!("{}{label}{}", red.render(), red.render_reset()),
            1,
        );
        clap::builder::StyledStr::from(styled)
    }
}
