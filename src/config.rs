//! The user's configuration: stamp's own `$XDG_CONFIG_HOME/stamp/config.toml`
//! (or `~/.config/stamp/config.toml`), layered over cookiecutter's
//! (`$COOKIECUTTER_CONFIG`, else `~/.cookiecutterrc`) so that a cookiecutter
//! user keeps their defaults and abbreviations; or one file named on the
//! command line; or none at all.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use serde::Deserialize;

use crate::error::{Error, Problem, Result};
use crate::model::RawValue;

/// What the user configured; [`UserConfig::default`] when there is no file.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct UserConfig {
    /// Template abbreviations: `gh` → `https://github.com/{0}.git`, where
    /// `{0}` stands for what follows `gh:`.
    pub abbreviations: BTreeMap<String, String>,
    /// The user's own defaults for questions of any template (`author`, `email`…).
    pub default_context: IndexMap<String, RawValue>,
    /// Where cookiecutter replay files are written and read; `None`:
    /// `~/.cookiecutter_replay`.
    pub replay_dir: Option<PathBuf>,
    /// Where remote sources are cached; `None`: the user's cache directory.
    pub cache_dir: Option<PathBuf>,
    /// Record cookiecutter-template projects in cruft's `.cruft.json`, as `--record` does.
    pub record: bool,
    /// The files read, for messages (`the user configuration (PATH)`).
    pub files: Vec<PathBuf>,
}

impl Default for UserConfig {
    /// cookiecutter's abbreviations (`gh:`, `gl:` and `bb:`) and nothing else.
    fn default() -> Self {
        let abbreviations = [
            ("gh", "https://github.com/{0}.git"),
            ("gl", "https://gitlab.com/{0}.git"),
            ("bb", "https://bitbucket.org/{0}"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        UserConfig {
            abbreviations,
            default_context: IndexMap::new(),
            replay_dir: None,
            cache_dir: None,
            record: false,
            files: Vec::new(),
        }
    }
}

/// stamp's own file: every key known.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StampFile {
    #[serde(default)]
    abbreviations: BTreeMap<String, String>,
    #[serde(default)]
    default_context: IndexMap<String, RawValue>,
    replay_dir: Option<String>,
    cache_dir: Option<String>,
    record: Option<bool>,
}

/// cookiecutter's file (YAML): the keys stamp uses; others, such as
/// `cookiecutters_dir`, are cookiecutter's own business and pass.
#[derive(Deserialize)]
struct CookiecutterFile {
    #[serde(default)]
    abbreviations: BTreeMap<String, String>,
    #[serde(default)]
    default_context: IndexMap<String, RawValue>,
    replay_dir: Option<String>,
}

impl UserConfig {
    /// stamp's configuration file's path, from the environment (`XDG_CONFIG_HOME`, else `HOME`).
    pub fn default_path() -> Option<PathBuf> {
        Some(user_dir("XDG_CONFIG_HOME", ".config")?.join("stamp").join("config.toml"))
    }

    /// The configuration a run uses, as cookiecutter chooses it: none with
    /// `default_only` (`--default-config`); else only `file`
    /// (`--config-file`, which must exist); else cookiecutter's file
    /// (`$COOKIECUTTER_CONFIG`, which must exist, or `~/.cookiecutterrc`)
    /// with stamp's own over it.
    pub fn discover(file: Option<&Path>, default_only: bool) -> Result<UserConfig> {
        let mut config = UserConfig::default();
        if default_only {
            return Ok(config);
        }
        if let Some(file) = file {
            config.read(file, true)?;
            return Ok(config);
        }
        match std::env::var_os("COOKIECUTTER_CONFIG").filter(|v| !v.is_empty()) {
            Some(path) => config.read(Path::new(&path), true)?,
            None => {
                if let Some(home) = home() {
                    config.read(&home.join(".cookiecutterrc"), false)?;
                }
            }
        }
        if let Some(path) = Self::default_path() {
            config.read(&path, false)?;
        }
        Ok(config)
    }

    /// Reads stamp's file at `path` (if it exists) over the defaults.
    pub fn load(path: &Path) -> Result<UserConfig> {
        let mut config = UserConfig::default();
        config.read(path, false)?;
        Ok(config)
    }

    /// Layers the file at `path` over this configuration: stamp's format for
    /// a `.toml` file, cookiecutter's YAML otherwise. A file that does not
    /// exist is skipped unless `required`.
    fn read(&mut self, path: &Path, required: bool) -> Result<()> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => return Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(Error::InvalidInput(format!(
                    "configuration file {} does not exist",
                    path.display()
                )));
            }
            Err(e) => return Err(Error::io("read the configuration file", path, e)),
        };
        let invalid = |line: Option<usize>, message: String| {
            let message = format!("user configuration: {message}");
            let problem = match line {
                Some(line) => Problem::at_line(path, line, message),
                None => Problem::in_file(path, message),
            };
            Error::Manifest { problems: vec![problem] }
        };
        let toml = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("toml"));
        let (abbreviations, default_context, replay_dir) = if toml {
            let file: StampFile = toml::from_str(&text).map_err(|err| {
                let line = err.span().map(|span| crate::error::line_of(&text, span.start));
                invalid(line, err.message().trim().to_owned())
            })?;
            if let Some(dir) = file.cache_dir {
                self.cache_dir = Some(expand_path(&dir));
            }
            if let Some(record) = file.record {
                self.record = record;
            }
            (file.abbreviations, file.default_context, file.replay_dir)
        } else {
            let file: Option<CookiecutterFile> = serde_saphyr::from_str(&text).map_err(|err| {
                let text = err.to_string();
                invalid(
                    None,
                    text.lines().next().unwrap_or_default().trim_start_matches("error: ").to_owned(),
                )
            })?;
            let file = file.unwrap_or(CookiecutterFile {
                abbreviations: BTreeMap::new(),
                default_context: IndexMap::new(),
                replay_dir: None,
            });
            (file.abbreviations, file.default_context, file.replay_dir)
        };
        self.abbreviations.extend(abbreviations);
        self.default_context.extend(default_context);
        if let Some(dir) = replay_dir {
            self.replay_dir = Some(expand_path(&dir));
        }
        self.files.push(path.to_owned());
        Ok(())
    }

    /// `text` with its abbreviation (`gh:owner/repo`) expanded, if it has one.
    pub fn expand(&self, text: &str) -> Option<String> {
        let (prefix, rest) = text.split_once(':')?;
        let template = self.abbreviations.get(prefix)?;
        Some(if template.contains("{0}") {
            template.replace("{0}", rest)
        } else {
            format!("{template}{rest}")
        })
    }

    /// The directory replay files live in.
    pub fn replay_dir(&self) -> Option<PathBuf> {
        self.replay_dir.clone().or_else(|| Some(home()?.join(".cookiecutter_replay")))
    }
}

fn home() -> Option<PathBuf> {
    std::env::var_os("HOME").filter(|v| !v.is_empty()).map(PathBuf::from)
}

/// An XDG base directory: `$variable` when set, else `~/fallback`.
pub(crate) fn user_dir(variable: &str, fallback: &str) -> Option<PathBuf> {
    match std::env::var_os(variable).filter(|v| !v.is_empty()) {
        Some(dir) => Some(PathBuf::from(dir)),
        None => Some(home()?.join(fallback)),
    }
}

/// A configured path with `~` and `$VAR`/`${VAR}` expanded, as cookiecutter
/// expands `replay_dir` (an unset variable is left as written).
fn expand_path(text: &str) -> PathBuf {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let (name, tail) = if let Some((name, tail)) = after.strip_prefix('{').and_then(|a| a.split_once('}'))
        {
            (name, tail)
        } else {
            let end = after.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(after.len());
            (&after[..end], &after[end..])
        };
        match std::env::var(name) {
            Ok(value) if !name.is_empty() => out.push_str(&value),
            _ => out.push_str(&rest[at..rest.len() - tail.len()]),
        }
        rest = tail;
    }
    out.push_str(rest);
    match (out.strip_prefix('~'), home()) {
        (Some(tail), Some(home)) if tail.is_empty() || tail.starts_with('/') => {
            home.join(tail.trim_start_matches('/'))
        }
        _ => PathBuf::from(out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn abbreviations_expand_like_cookiecutters() {
        let config = UserConfig::default();
        assert_eq!(config.expand("gh:org/tpl").as_deref(), Some("https://github.com/org/tpl.git"));
        assert_eq!(config.expand("bb:org/tpl").as_deref(), Some("https://bitbucket.org/org/tpl"));
        assert_eq!(config.expand("./local"), None);
        assert_eq!(config.expand("https://example.com/x.git"), None);
    }

    #[test]
    fn the_file_adds_abbreviations() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "[abbreviations]\nmine = \"file:///srv/{0}\"\ngh = \"git://127.0.0.1/{0}\"\n")
            .unwrap();
        let config = UserConfig::load(&path).unwrap();
        assert_eq!(config.expand("mine:tpl").as_deref(), Some("file:///srv/tpl"));
        assert_eq!(config.expand("gh:org/tpl").as_deref(), Some("git://127.0.0.1/org/tpl"));
        std::fs::write(&path, "colour = 1\n").unwrap();
        assert!(UserConfig::load(&path).is_err());
    }

    #[test]
    fn cookiecutters_file_is_read_as_yaml() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rc.yaml");
        std::fs::write(
            &path,
            "default_context:\n  full_name: Ada\ncookiecutters_dir: /x\nreplay_dir: /r/replay\n\
             abbreviations:\n  mine: file:///srv/{0}\n",
        )
        .unwrap();
        let config = UserConfig::discover(Some(&path), false).unwrap();
        assert_eq!(config.default_context.get("full_name"), Some(&RawValue::Text("Ada".into())));
        assert_eq!(config.replay_dir(), Some(PathBuf::from("/r/replay")));
        assert_eq!(config.expand("mine:t").as_deref(), Some("file:///srv/t"));
        assert_eq!(UserConfig::discover(Some(&path), true).unwrap(), UserConfig::default());
        assert!(UserConfig::discover(Some(&dir.path().join("absent")), false).is_err());
    }
}
