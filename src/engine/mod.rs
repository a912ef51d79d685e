//! The template engine: minijinja configured the way cookiecutter configures
//! Jinja2 (strict undefined, trailing newline kept, no autoescape, Python's
//! printing and string methods), with the filters and helpers templates use.
//! It knows no template format: a dialect hands it a [`Syntax`], and every
//! render goes through [`Engine::render_str`], which also rewrites `{% now %}`
//! tags and, where a template mutates them, list and dict literals, so no
//! caller can forget to.

mod blocks;
mod containers;
mod extensions;
mod filters;
mod helpers;
mod line_syntax;
mod modulo;
mod ordered_dict;
mod python;
mod slugify;
mod undefined;
mod unicode_spaces;

use std::borrow::Cow;

use minijinja::syntax::SyntaxConfig;
use minijinja::{AutoEscape, Environment, UndefinedBehavior, Value};

use crate::error::{Error, Result};

pub(crate) use filters::{JsonStyle, python_json};
pub use helpers::Determinism;
pub(crate) use helpers::fnv1a;
pub(crate) use ordered_dict::freeze_answers;
pub(crate) use python::{OrderedDict, float_repr, repr};

/// The Jinja2 environment settings a template may change, checked when they
/// are built: a `Syntax` always makes a working environment.
#[derive(Debug, Clone)]
pub(crate) struct Syntax {
    settings: SyntaxSettings,
    config: SyntaxConfig,
}

/// The parts of a [`Syntax`], as a template states them; [`SyntaxSettings::build`]
/// checks them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SyntaxSettings {
    /// Block start and end, variable start and end, comment start and end.
    pub delimiters: [String; 6],
    pub line_statement_prefix: Option<String>,
    pub line_comment_prefix: Option<String>,
    pub trim_blocks: bool,
    pub lstrip_blocks: bool,
    pub keep_trailing_newline: bool,
}

/// Jinja2's names for [`SyntaxSettings::delimiters`], in order.
pub(crate) const DELIMITER_NAMES: [&str; 6] = [
    "block_start_string",
    "block_end_string",
    "variable_start_string",
    "variable_end_string",
    "comment_start_string",
    "comment_end_string",
];

impl Default for SyntaxSettings {
    fn default() -> Self {
        SyntaxSettings {
            delimiters: ["{%", "%}", "{{", "}}", "{#", "#}"].map(String::from),
            line_statement_prefix: None,
            line_comment_prefix: None,
            trim_blocks: false,
            lstrip_blocks: false,
            keep_trailing_newline: true,
        }
    }
}

impl SyntaxSettings {
    /// Checks the settings and builds the syntax, or says which setting is
    /// wrong (by its Jinja2 name): every delimiter must be non-empty, and no
    /// two openings (block, variable, comment, line prefixes) may be equal.
    pub(crate) fn build(self) -> std::result::Result<Syntax, String> {
        for (name, delimiter) in DELIMITER_NAMES.iter().zip(&self.delimiters) {
            if delimiter.is_empty() {
                return Err(format!("`{name}` must not be empty"));
            }
        }
        let openings = [
            ("block_start_string", Some(&self.delimiters[0])),
            ("variable_start_string", Some(&self.delimiters[2])),
            ("comment_start_string", Some(&self.delimiters[4])),
            ("line_statement_prefix", self.line_statement_prefix.as_ref().filter(|p| !p.is_empty())),
            ("line_comment_prefix", self.line_comment_prefix.as_ref().filter(|p| !p.is_empty())),
        ];
        for (i, (name, opening)) in openings.iter().enumerate() {
            let Some(opening) = opening else { continue };
            if let Some((other, _)) = openings[..i].iter().find(|(_, o)| *o == Some(*opening)) {
                return Err(format!("`{other}` and `{name}` are both {opening:?}; they must differ"));
            }
        }
        let [block_start, block_end, variable_start, variable_end, comment_start, comment_end] =
            self.delimiters.clone();
        let mut builder = SyntaxConfig::builder();
        builder
            .block_delimiters(block_start, block_end)
            .variable_delimiters(variable_start, variable_end)
            .comment_delimiters(comment_start, comment_end)
            .keep_trailing_newline(self.keep_trailing_newline)
            .trim_blocks(self.trim_blocks)
            .lstrip_blocks(self.lstrip_blocks);
        // Line statements and comments are translated into tags first (see `line_syntax`).
        let config = builder.build().map_err(|err| format!("the delimiters are not usable: {err}"))?;
        Ok(Syntax { settings: self, config })
    }
}

impl Default for Syntax {
    fn default() -> Self {
        SyntaxSettings::default().build().expect("Jinja's default syntax is valid")
    }
}

impl Syntax {
    /// What the template stated.
    pub(crate) fn settings(&self) -> &SyntaxSettings {
        &self.settings
    }

    /// Whether this is Jinja's default syntax, the only one the fast paths
    /// that bypass the engine know.
    pub(crate) fn is_plain(&self) -> bool {
        let default = SyntaxSettings::default();
        self.settings.delimiters == default.delimiters
            && self.settings.line_statement_prefix.is_none()
            && self.settings.line_comment_prefix.is_none()
    }

    /// `source` with its line statements as tags and its line comments gone.
    fn translate_lines<'s>(&self, source: &'s str) -> std::borrow::Cow<'s, str> {
        let settings = &self.settings;
        let lines = line_syntax::LineSyntax {
            statement: settings.line_statement_prefix.as_deref().filter(|p| !p.is_empty()),
            comment: settings.line_comment_prefix.as_deref().filter(|p| !p.is_empty()),
            block: (&settings.delimiters[0], &settings.delimiters[1]),
        };
        if lines.statement.is_none() && lines.comment.is_none() {
            return std::borrow::Cow::Borrowed(source);
        }
        lines.translate(source, &self.config)
    }

    /// The block and variable openings: a name holding neither is not a template.
    pub(crate) fn openings(&self) -> [&str; 2] {
        [&self.settings.delimiters[0], &self.settings.delimiters[2]]
    }
}

/// How much a template may make stamp do: every render is bounded, so a
/// hostile or broken template ends in an error, never a hang or an abort.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// The engine's fuel for each render (a file, a name, a default): one
    /// per instruction, plus one per 64 bytes produced or processed.
    pub fuel: u64,
    /// The largest template file read, in bytes.
    pub file_bytes: u64,
    /// The most a whole project may hold, in bytes.
    pub project_bytes: u64,
}

impl Default for Limits {
    /// About a second of rendering and 1 GiB of output per render, 256 MiB
    /// per template file and 8 GiB per project: far above any real template.
    fn default() -> Self {
        Limits { fuel: 16_000_000, file_bytes: 256 << 20, project_bytes: 8 << 30 }
    }
}

/// What every source goes through before minijinja compiles it, so that no
/// caller can forget a step: what Jinja2 reads and minijinja lexes otherwise
/// is translated (Unicode spaces in tags, line statements, `{% now %}`), the
/// blocks it defines are noted for `self`, `%` after a string literal formats
/// as Python's does, and, where it mutates them, its list and dict literals
/// are made mutable. Returns the source as errors
/// quote it (every line where it was written) and the code to compile.
fn prepare<'s>(source: &'s str, syntax: &Syntax, blocks: &blocks::Blocks) -> (Cow<'s, str>, Cow<'s, str>) {
    let shown = then(unicode_spaces::as_spaces(source, &syntax.config), |text| syntax.translate_lines(text));
    let shown = then(shown, |text| helpers::rewrite_now_tags(text, syntax.settings.trim_blocks));
    blocks.learn(&shown, &syntax.config);
    let code = then(shown.clone(), |text| modulo::rewrite_percent(text, &syntax.config));
    let code = then(code, |text| containers::rewrite_literals(text, &syntax.config));
    (shown, code)
}

/// `text` after `step`, borrowing as long as no step changed anything.
fn then(text: Cow<'_, str>, step: impl FnOnce(&str) -> Cow<'_, str>) -> Cow<'_, str> {
    let changed = match step(&text) {
        Cow::Owned(changed) => Some(changed),
        Cow::Borrowed(_) => None,
    };
    changed.map_or(text, Cow::Owned)
}

/// Resolves `include` and `extends`: the template's text by name, `None`
/// when there is none.
pub(crate) type Loader = dyn Fn(&str) -> std::result::Result<Option<String>, String> + Send + Sync;

/// A configured environment and the syntax it was configured with.
pub(crate) struct Engine {
    env: Environment<'static>,
    syntax: Syntax,
    limits: Limits,
    blocks: std::sync::Arc<blocks::Blocks>,
}

impl Engine {
    /// An engine for `syntax`, with time and randomness as `determinism` says.
    pub(crate) fn new(syntax: &Syntax, determinism: Determinism) -> Engine {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_syntax(syntax.config.clone());
        // minijinja's `json` feature would escape `.json`/`.yaml` output; cookiecutter never escapes.
        env.set_auto_escape_callback(|_| AutoEscape::None);
        env.set_formatter(python::formatter);
        env.set_unknown_method_callback(python::unknown_method);
        // Jinja2's filters that minijinja keeps in its contrib crate (truncate, wordcount, ...).
        minijinja_contrib::add_to_environment(&mut env);
        filters::add_filters(&mut env);
        helpers::add_helpers(&mut env, determinism);
        containers::add_constructors(&mut env);
        let blocks = std::sync::Arc::new(blocks::Blocks::default());
        env.add_global("self", Value::from_dyn_object(std::sync::Arc::clone(&blocks)));
        env.set_debug(true);
        let limits = Limits::default();
        env.set_fuel(Some(limits.fuel));
        Engine { env, syntax: syntax.clone(), limits, blocks }
    }

    /// Bounds every render by `limits` instead of the defaults.
    #[must_use]
    pub(crate) fn with_limits(mut self, limits: Limits) -> Engine {
        self.env.set_fuel(Some(limits.fuel));
        self.limits = limits;
        self
    }

    /// What renders are bounded by.
    pub(crate) fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Lets templates `include` and `extends` what `loader` finds.
    pub(crate) fn set_loader(&mut self, loader: Box<Loader>) {
        let syntax = self.syntax.clone();
        let blocks = std::sync::Arc::clone(&self.blocks);
        self.env.set_loader(move |name| {
            let text = loader(name)
                .map_err(|message| minijinja::Error::new(minijinja::ErrorKind::InvalidOperation, message))?;
            Ok(text.map(|text| {
                // Jinja2 reads every template's line endings as `\n`; the file being rendered was
                // normalised by its caller, which writes its own line endings back.
                let text =
                    if text.contains('\r') { text.replace("\r\n", "\n").replace('\r', "\n") } else { text };
                let (_, code) = prepare(&text, &syntax, &blocks);
                code.into_owned()
            }))
        });
    }

    /// Runs the template's own Jinja2 extensions `names` (modules in
    /// `template_dir`) in Python, and lets templates use what they add.
    pub(crate) fn load_extensions(&mut self, template_dir: &std::path::Path, names: &[String]) -> Result<()> {
        extensions::load(&mut self.env, template_dir, names)
    }

    /// The environment itself, for tests that add templates to it.
    #[cfg(test)]
    pub(crate) fn env_mut(&mut self) -> &mut Environment<'static> {
        &mut self.env
    }

    /// The syntax templates are read with.
    pub(crate) fn syntax(&self) -> &Syntax {
        &self.syntax
    }

    /// Renders `source` (a file, a name, a default, a condition, a hook) with
    /// `context`; `name` locates errors.
    pub(crate) fn render_str(&self, name: &str, source: &str, context: &Value) -> Result<String> {
        let (source, code) = prepare(source, &self.syntax, &self.blocks);
        self.env.render_named_str(name, &code, context).map_err(|err| {
            let hint = err.detail().and_then(|detail| undefined::hint(detail, context));
            let mut error = Error::render(name, Some(&source), err);
            if let (Some(hint), Error::Render { message, .. }) = (hint, &mut error) {
                message.push_str(&format!("; {hint}"));
            }
            error
        })
    }

    /// The `cookiecutter.*` names `source` reads, or why it does not parse.
    pub(crate) fn answers_used(&self, source: &str) -> std::result::Result<Vec<String>, String> {
        let (source, _) = prepare(source, &self.syntax, &self.blocks);
        let template = self
            .env
            .template_from_str(&source)
            .map_err(|err| err.detail().unwrap_or("syntax error").to_owned())?;
        // Nested paths name the answer first: `cookiecutter.region.startswith` uses `region`.
        let mut used: Vec<String> = template
            .undeclared_variables(true)
            .into_iter()
            .filter_map(|name| Some(name.strip_prefix("cookiecutter.")?.split('.').next()?.to_owned()))
            .collect();
        used.sort();
        used.dedup();
        Ok(used)
    }
}

/// How a rendered condition reads: empty, `false`, `0`, `no`, `none` and `off` are false.
pub(crate) fn is_truthy(text: &str) -> bool {
    !matches!(text.trim().to_ascii_lowercase().as_str(), "" | "false" | "0" | "no" | "none" | "off")
}

/// A template map value that keeps insertion order.
pub(crate) fn map(entries: impl IntoIterator<Item = (String, Value)>) -> Value {
    Value::from_object(
        entries.into_iter().map(|(k, v)| (Value::from(k), v)).collect::<indexmap::IndexMap<Value, Value>>(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_is_strict_and_keeps_newlines() {
        let engine = Engine::new(&Syntax::default(), Determinism::default());
        let ctx = map([("x".into(), Value::from(true))]);
        assert_eq!(engine.render_str("t", "{{ x }}\n", &ctx).unwrap(), "True\n");
        assert!(engine.render_str("t", "{% if missing %}{% endif %}", &ctx).is_err());
        assert_eq!(engine.render_str("a.json", "{{ '\"q\"' }}", &ctx).unwrap(), "\"q\"");
    }

    #[test]
    fn every_render_understands_now_tags() {
        let engine = Engine::new(&Syntax::default(), Determinism { epoch: Some(0), seed: None });
        assert_eq!(engine.render_str("t", "{% now 'utc', '%Y' %}", &Value::UNDEFINED).unwrap(), "1970");
        assert_eq!(engine.answers_used("{% now 'utc' %}{{ cookiecutter.b }}"), Ok(vec!["b".to_owned()]));
        // A method called on an answer uses the answer.
        assert_eq!(
            engine.answers_used("{{ cookiecutter.r.startswith('x') }}{{ cookiecutter.r.upper() }}"),
            Ok(vec!["r".to_owned()])
        );
    }

    #[test]
    fn unusable_delimiters_are_named_when_built() {
        let with = |i: usize, text: &str| {
            let mut settings = SyntaxSettings::default();
            settings.delimiters[i] = text.to_owned();
            settings.build().map(|_| ())
        };
        assert_eq!(with(3, ""), Err("`variable_end_string` must not be empty".to_owned()));
        let equal = with(2, "{%").unwrap_err();
        assert!(equal.contains("`block_start_string` and `variable_start_string`"), "{equal}");
        let prefix = SyntaxSettings { line_statement_prefix: Some("{#".into()), ..SyntaxSettings::default() };
        assert!(prefix.build().unwrap_err().contains("line_statement_prefix"));
        assert!(with(0, "<%").is_ok());
    }
}
