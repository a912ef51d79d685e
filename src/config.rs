//! The user's configuration, `$XDG_CONFIG_HOME/stamp/config.toml` (or
//! `~/.config/stamp/config.toml`): template abbreviations such as `gh:`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, Problem, Result};

/// What the user configured; [`UserConfig::default`] when there is no file.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct UserConfig {
    /// Template abbreviations: `gh` → `https://github.com/{0}.git`, where
    /// `{0}` stands for what follows `gh:`.
    pub abbreviations: BTreeMap<String, String>,
}

impl Default for UserConfig {
    /// cookiecutter's abbreviations: `gh:`, `gl:` and `bb:`.
    fn default() -> Self {
        let abbreviations = [
            ("gh", "https://github.com/{0}.git"),
            ("gl", "https://gitlab.com/{0}.git"),
            ("bb", "https://bitbucket.org/{0}"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        UserConfig { abbreviations }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    abbreviations: BTreeMap<String, String>,
}

impl UserConfig {
    /// The configuration file's path, from the environment (`XDG_CONFIG_HOME`, else `HOME`).
    pub fn default_path() -> Option<PathBuf> {
        let base = match std::env::var_os("XDG_CONFIG_HOME").filter(|v| !v.is_empty()) {
            Some(dir) => PathBuf::from(dir),
            None => PathBuf::from(std::env::var_os("HOME")?).join(".config"),
        };
        Some(base.join("stamp").join("config.toml"))
    }

    /// Reads `path`, if it exists, over the defaults: its abbreviations add
    /// to (or replace) the built-in ones.
    pub fn load(path: &Path) -> Result<UserConfig> {
        let mut config = UserConfig::default();
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(config),
            Err(e) => return Err(Error::io("read", path, e)),
        };
        let raw: RawConfig = toml::from_str(&text).map_err(|err| {
            let message = format!("user configuration: {}", err.message().trim());
            let problem = match err.span() {
                Some(span) => Problem::at_line(path, crate::error::line_of(&text, span.start), message),
                None => Problem::in_file(path, message),
            };
            Error::Manifest { problems: vec![problem] }
        })?;
        config.abbreviations.extend(raw.abbreviations);
        Ok(config)
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
}
