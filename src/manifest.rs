//! `stamp.toml`: the typed list of questions a template asks, and the checks
//! that run on it before any question is asked. Every problem is collected
//! and reported at once, each with its file and line.

use std::collections::HashSet;
use std::ops::Range;
use std::path::Path;
use std::sync::LazyLock;

use serde::Deserialize;
use toml::Spanned;

use crate::answers::{Answer, RawValue};
use crate::error::{Error, Result};

/// A parsed, validated template manifest.
#[derive(Debug, Clone)]
pub struct Manifest {
    pub info: TemplateInfo,
    pub questions: Vec<Question>,
}

/// The `[template]` table.
#[derive(Debug, Clone, Default)]
pub struct TemplateInfo {
    pub name: String,
    pub version: String,
    pub description: String,
    /// Globs on the template-relative path of files copied without rendering.
    pub copy_without_render: Vec<String>,
    /// Shown after a successful run; a template rendered with the answers.
    pub next_steps: Option<String>,
}

impl TemplateInfo {
    /// `name version`, or just the name when there is no version (cookiecutter templates).
    pub fn label(&self) -> String {
        if self.version.is_empty() { self.name.clone() } else { format!("{} {}", self.name, self.version) }
    }
}

/// The type of a question's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    #[default]
    String,
    Bool,
    Choice,
    Multichoice,
    Integer,
    /// Free text asked without echo and never recorded.
    Secret,
}

impl Kind {
    /// The name used in `stamp.toml`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::String => "string",
            Kind::Bool => "bool",
            Kind::Choice => "choice",
            Kind::Multichoice => "multichoice",
            Kind::Integer => "integer",
            Kind::Secret => "secret",
        }
    }
}

/// A question's default: either a template rendered with the answers so far,
/// or a literal value of the question's type.
#[derive(Debug, Clone)]
pub enum DefaultValue {
    Template(String),
    Literal(Answer),
}

/// A regular expression an answer must match, and the message shown when not.
#[derive(Debug, Clone)]
pub struct Validation {
    /// The template's pattern, anchored to match whole answers.
    pub pattern: String,
    matcher: regex_automata::meta::Regex,
    pub message: Option<String>,
}

impl Validation {
    /// Compiles `regex` (Rust regex syntax) anchored at both ends, or returns
    /// why it is not a valid pattern. Every run compiles every pattern but
    /// tests each against an answer or two, so only the NFA engines are built:
    /// the `regex` crate's lazy DFA and reverse automata would double the
    /// compile time for searches that never need them.
    pub fn new(regex: &str, message: Option<String>) -> std::result::Result<Validation, String> {
        use regex_automata::meta::{Config, Regex};
        let pattern = format!("^(?:{regex})$");
        let config = Config::new().hybrid(false).dfa(false).onepass(false);
        match Regex::builder().configure(config).build(&pattern) {
            Ok(matcher) => Ok(Validation { pattern, matcher, message }),
            Err(err) => Err(err.syntax_error().map_or_else(|| err.to_string(), ToString::to_string)),
        }
    }

    /// Whether `text` matches as a whole.
    pub fn matches(&self, text: &str) -> bool {
        self.matcher.is_match(text)
    }
}

/// One question of a template.
#[derive(Debug, Clone)]
pub struct Question {
    pub name: String,
    pub prompt: String,
    pub help: Option<String>,
    pub kind: Kind,
    pub default: Option<DefaultValue>,
    pub choices: Vec<String>,
    pub validation: Option<Validation>,
    /// A template; the question is asked only when it renders truthy.
    pub when: Option<String>,
}

impl Question {
    /// A question with no default, choices, validation or condition, for
    /// questions that do not come from a `stamp.toml`.
    pub fn new(name: &str, prompt: String, kind: Kind, choices: Vec<String>) -> Question {
        Question {
            name: name.to_owned(),
            prompt,
            help: None,
            kind,
            default: None,
            choices,
            validation: None,
            when: None,
        }
    }

    /// Turns a value from a file, a flag, a reply or a rendered default into
    /// an answer of this question's type, or says why it is not acceptable.
    /// Secret values are never quoted in the reason.
    pub fn parse(&self, raw: &RawValue) -> std::result::Result<Answer, String> {
        let answer = match self.kind {
            Kind::String | Kind::Secret => Answer::String(raw.as_text()?),
            Kind::Bool => Answer::Bool(match raw {
                RawValue::Bool(b) => *b,
                RawValue::Integer(0) => false,
                RawValue::Integer(1) => true,
                RawValue::Text(t) => {
                    parse_bool(t).ok_or_else(|| format!("expected yes or no, found {}", quoted(t)))?
                }
                other => return Err(format!("expected yes or no, found {}", other.describe())),
            }),
            Kind::Integer => Answer::Integer(match raw {
                RawValue::Integer(i) => *i,
                RawValue::Text(t) => {
                    t.trim().parse().map_err(|_| format!("expected a whole number, found {}", quoted(t)))?
                }
                other => return Err(format!("expected a whole number, found {}", other.describe())),
            }),
            Kind::Choice => {
                let text = raw.as_text()?;
                self.check_choice(&text)?;
                Answer::String(text)
            }
            Kind::Multichoice => {
                let items = match raw {
                    RawValue::List(items) => {
                        items.iter().map(RawValue::as_text).collect::<std::result::Result<Vec<_>, _>>()?
                    }
                    RawValue::Text(t) if t.trim().is_empty() => Vec::new(),
                    RawValue::Text(t) => t.split(',').map(|s| s.trim().to_owned()).collect(),
                    other => return Err(format!("expected a list, found {}", other.describe())),
                };
                for item in &items {
                    self.check_choice(item)?;
                }
                Answer::List(items)
            }
        };
        if let (Some(validation), Answer::String(text)) = (&self.validation, &answer)
            && !validation.matches(text)
        {
            let shown = if self.kind == Kind::Secret { "the value".to_owned() } else { quoted(text) };
            return Err(match &validation.message {
                Some(message) => format!("{shown}: {message}"),
                None => format!("{shown} does not match {}", validation.pattern),
            });
        }
        Ok(answer)
    }

    fn check_choice(&self, text: &str) -> std::result::Result<(), String> {
        if self.choices.iter().any(|c| c == text) {
            Ok(())
        } else {
            Err(format!("{} is not one of: {}", quoted(text), self.choices.join(", ")))
        }
    }
}

/// Parses the yes/no words cookiecutter accepts for booleans.
pub fn parse_bool(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "t" | "yes" | "y" | "on" => Some(true),
        "0" | "false" | "f" | "no" | "n" | "off" => Some(false),
        _ => None,
    }
}

fn quoted(text: &str) -> String {
    const LIMIT: usize = 60;
    if text.chars().count() > LIMIT {
        let head: String = text.chars().take(LIMIT).collect();
        format!("{head:?}…")
    } else {
        format!("{text:?}")
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawManifest {
    template: RawInfo,
    #[serde(default)]
    variables: Vec<Spanned<RawVariable>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInfo {
    name: String,
    version: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    copy_without_render: Vec<Spanned<String>>,
    next_steps: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVariable {
    name: Spanned<String>,
    prompt: Option<String>,
    help: Option<String>,
    #[serde(rename = "type", default)]
    kind: Kind,
    default: Option<Spanned<toml::Value>>,
    choices: Option<Spanned<Vec<String>>>,
    validation: Option<Spanned<RawValidation>>,
    when: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawValidation {
    regex: String,
    message: Option<String>,
}

/// Collects problems, each located at a line of the manifest.
struct Problems<'a> {
    file: String,
    text: &'a str,
    list: Vec<String>,
}

impl Problems<'_> {
    fn add(&mut self, span: Range<usize>, message: impl AsRef<str>) {
        let line = line_of(self.text, span.start);
        self.list.push(format!("{}:{line}: {}", self.file, message.as_ref()));
    }
}

/// 1-based line number of a byte offset.
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())].iter().filter(|&&b| b == b'\n').count() + 1
}

impl Manifest {
    /// Parses and checks a `stamp.toml`; `path` is used in messages.
    pub fn from_toml(path: &Path, text: &str) -> Result<Manifest> {
        let file = path.display().to_string();
        let raw: RawManifest = toml::from_str(text).map_err(|err| {
            let at = err.span().map(|s| format!(":{}", line_of(text, s.start))).unwrap_or_default();
            Error::Manifest { problems: vec![format!("{file}{at}: {}", err.message().trim())] }
        })?;
        let mut problems = Problems { file, text, list: Vec::new() };
        let info = TemplateInfo {
            name: raw.template.name,
            version: raw.template.version,
            description: raw.template.description,
            copy_without_render: raw
                .template
                .copy_without_render
                .into_iter()
                .filter_map(|glob| match globset::Glob::new(glob.get_ref()) {
                    Ok(_) => Some(glob.into_inner()),
                    Err(err) => {
                        problems.add(glob.span(), format!("copy_without_render: {err}"));
                        None
                    }
                })
                .collect(),
            next_steps: raw.template.next_steps,
        };
        let mut questions = Vec::new();
        let mut seen = HashSet::new();
        for variable in raw.variables {
            let span = variable.span();
            let variable = variable.into_inner();
            let name = variable.name.get_ref().clone();
            if let Some(question) = check_variable(variable, span, &seen, &mut problems) {
                questions.push(question);
            }
            seen.insert(name);
        }
        if problems.list.is_empty() {
            Ok(Manifest { info, questions })
        } else {
            Err(Error::Manifest { problems: problems.list })
        }
    }

    /// Looks a question up by name.
    pub fn question(&self, name: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.name == name)
    }

    /// The names of all questions, in order.
    pub fn names(&self) -> Vec<String> {
        self.questions.iter().map(|q| q.name.clone()).collect()
    }
}

/// Checks one `[[variables]]` entry; `earlier` holds the names declared
/// before it, the only ones its default and condition may use.
fn check_variable(
    raw: RawVariable,
    span: Range<usize>,
    earlier: &HashSet<String>,
    problems: &mut Problems,
) -> Option<Question> {
    let before = problems.list.len();
    let name = raw.name.get_ref().clone();
    let label = format!("variable `{name}`");
    if !is_identifier(&name) {
        problems.add(raw.name.span(), format!("{label}: a name must be letters, digits and underscores"));
    } else if earlier.contains(&name) {
        problems.add(raw.name.span(), format!("{label} is declared twice"));
    }

    let choices = raw.choices.as_ref().map(|c| c.get_ref().clone()).unwrap_or_default();
    match (raw.kind, &raw.choices) {
        (Kind::Choice | Kind::Multichoice, None) => {
            problems.add(span.clone(), format!("{label}: a {} needs `choices`", raw.kind.name()))
        }
        (Kind::Choice | Kind::Multichoice, Some(c)) if c.get_ref().is_empty() => {
            problems.add(c.span(), format!("{label}: `choices` is empty"))
        }
        (Kind::Choice | Kind::Multichoice, Some(c)) => {
            let mut unique = HashSet::new();
            if let Some(dup) = c.get_ref().iter().find(|x| !unique.insert(*x)) {
                problems.add(c.span(), format!("{label}: choice {dup:?} is listed twice"));
            }
        }
        (kind, Some(c)) => problems.add(
            c.span(),
            format!("{label}: `choices` only applies to choice and multichoice, not {}", kind.name()),
        ),
        _ => {}
    }

    let validation = raw.validation.as_ref().and_then(|v| {
        if !matches!(raw.kind, Kind::String | Kind::Secret) {
            problems
                .add(v.span(), format!("{label}: `validation` only applies to string and secret questions"));
            return None;
        }
        match Validation::new(&v.get_ref().regex, v.get_ref().message.clone()) {
            Ok(validation) => Some(validation),
            Err(err) => {
                let first = err.lines().last().unwrap_or_default().trim().to_owned();
                problems.add(v.span(), format!("{label}: invalid validation regex: {first}"));
                None
            }
        }
    });

    let mut question = Question {
        name: name.clone(),
        prompt: raw.prompt.unwrap_or_else(|| name.clone()),
        help: raw.help,
        kind: raw.kind,
        default: None,
        choices,
        validation,
        when: None,
    };

    if let Some(when) = &raw.when {
        check_template_refs(&label, "when", when.get_ref(), when.span(), earlier, problems);
        question.when = Some(when.get_ref().clone());
    }

    if let Some(default) = &raw.default {
        let value = default.get_ref();
        let template = match value {
            toml::Value::String(s) if s.contains("{{") || s.contains("{%") => {
                check_template_refs(&label, "default", s, default.span(), earlier, problems);
                Some(s.clone())
            }
            _ => None,
        };
        question.default = match template {
            Some(t) => Some(DefaultValue::Template(t)),
            None => match RawValue::from_toml(value).and_then(|raw| question.parse(&raw)) {
                Ok(answer) => Some(DefaultValue::Literal(answer)),
                Err(reason) => {
                    problems.add(default.span(), format!("{label}: invalid default: {reason}"));
                    None
                }
            },
        };
    }

    (problems.list.len() == before).then_some(question)
}

/// Whether `name` can be a variable: an ASCII letter or `_`, then letters, digits and `_`.
pub(crate) fn is_identifier(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// Checks that a default or condition parses and refers only to questions
/// declared before this one.
fn check_template_refs(
    label: &str,
    field: &str,
    source: &str,
    span: Range<usize>,
    earlier: &HashSet<String>,
    problems: &mut Problems,
) {
    // Built once: a manifest has many fields to check, and the built-in one is read on every run.
    static ENV: LazyLock<minijinja::Environment<'static>> =
        LazyLock::new(|| crate::render::environment(crate::filters::Determinism::default()));
    let template = match ENV.template_from_str(source) {
        Ok(template) => template,
        Err(err) => {
            let detail = err.detail().unwrap_or("syntax error");
            problems.add(span, format!("{label}: `{field}` is not a valid template: {detail}"));
            return;
        }
    };
    let mut used: Vec<String> = template
        .undeclared_variables(true)
        .into_iter()
        .filter_map(|name| name.strip_prefix("cookiecutter.").map(str::to_owned))
        .collect();
    used.sort();
    for used in used {
        if !earlier.contains(&used) {
            problems.add(
                span.clone(),
                format!("{label}: `{field}` uses `{used}`, which is not a question declared before it"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Manifest> {
        Manifest::from_toml(Path::new("stamp.toml"), text)
    }

    const HEAD: &str = "[template]\nname = \"t\"\nversion = \"1\"\n";

    #[test]
    fn parses_every_kind() {
        let text = format!(
            "{HEAD}
[[variables]]
name = \"name\"
default = \"Demo\"
[[variables]]
name = \"slug\"
default = \"{{{{ cookiecutter.name | lower }}}}\"
validation = {{ regex = \"[a-z]+\" }}
[[variables]]
name = \"flag\"
type = \"bool\"
default = true
[[variables]]
name = \"pick\"
type = \"choice\"
choices = [\"a\", \"b\"]
default = \"b\"
[[variables]]
name = \"many\"
type = \"multichoice\"
choices = [\"a\", \"b\"]
default = [\"a\"]
[[variables]]
name = \"count\"
type = \"integer\"
default = 3
when = \"{{{{ cookiecutter.flag }}}}\"
[[variables]]
name = \"token\"
type = \"secret\"
"
        );
        let manifest = parse(&text).unwrap();
        assert_eq!(manifest.names(), ["name", "slug", "flag", "pick", "many", "count", "token"]);
        assert!(matches!(manifest.questions[1].default, Some(DefaultValue::Template(_))));
        assert!(matches!(manifest.questions[4].default, Some(DefaultValue::Literal(Answer::List(_)))));
    }

    #[test]
    fn reports_every_problem_with_its_line() {
        let text = format!(
            "{HEAD}
[[variables]]
name = \"a\"
validation = {{ regex = \"(\" }}

[[variables]]
name = \"a\"

[[variables]]
name = \"c\"
type = \"choice\"
choices = [\"x\", \"y\"]
default = \"z\"

[[variables]]
name = \"d\"
when = \"{{{{ cookiecutter.later }}}}\"

[[variables]]
name = \"later\"
"
        );
        let Err(Error::Manifest { problems }) = parse(&text) else { panic!("expected problems") };
        assert_eq!(problems.len(), 4, "{problems:#?}");
        assert!(problems[0].starts_with("stamp.toml:7:") && problems[0].contains("regex"));
        assert!(problems[1].starts_with("stamp.toml:10:") && problems[1].contains("twice"));
        assert!(problems[2].starts_with("stamp.toml:16:") && problems[2].contains("\"z\" is not one of"));
        assert!(problems[3].starts_with("stamp.toml:20:") && problems[3].contains("`later`"));
    }

    #[test]
    fn rejects_unknown_fields_with_a_line() {
        let text = format!("{HEAD}\n[[variables]]\nname = \"a\"\ncolour = \"red\"\n");
        let Err(Error::Manifest { problems }) = parse(&text) else { panic!("expected problems") };
        assert!(problems[0].starts_with("stamp.toml:7:") && problems[0].contains("colour"), "{problems:?}");
    }

    #[test]
    fn secret_values_stay_out_of_reasons() {
        let text = format!(
            "{HEAD}\n[[variables]]\nname = \"s\"\ntype = \"secret\"\nvalidation = {{ regex = \"[0-9]+\" }}\n"
        );
        let manifest = parse(&text).unwrap();
        let reason = manifest.questions[0].parse(&RawValue::Text("hunter2".into())).unwrap_err();
        assert!(!reason.contains("hunter2"), "{reason}");
    }

    #[test]
    fn parses_bool_words() {
        assert_eq!(parse_bool("Yes"), Some(true));
        assert_eq!(parse_bool("off"), Some(false));
        assert_eq!(parse_bool("maybe"), None);
    }
}
