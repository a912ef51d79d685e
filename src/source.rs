//! Where a template comes from: the built-in one embedded in the binary, or a
//! directory. Either way it is listed as a [`SourceTree`]: the manifest and
//! the project directory's entries, with paths relative to the template root.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use include_dir::{Dir, DirEntry, include_dir};

use crate::cookiecutter::{self, Definition};
use crate::error::{Error, Result};
use crate::hooks::Hook;
use crate::manifest::Manifest;

static BUILTIN: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/template");

/// Template-relative paths of the built-in template's executable files,
/// recorded by `build.rs` because include_dir does not keep file modes.
const BUILTIN_EXECUTABLES: &[&str] = include!(concat!(env!("OUT_DIR"), "/builtin_executables.rs"));

/// The manifest file of stamp's own template format.
pub const MANIFEST_FILE: &str = "stamp.toml";

/// Which template to use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateSource {
    /// The template compiled into stamp.
    Builtin,
    /// A template directory on disk.
    Directory(PathBuf),
}

/// One entry of the template's project directory.
#[derive(Debug, Clone)]
pub struct SourceEntry {
    /// `/`-separated, relative to the template root, starting with the
    /// project directory's own (templated) name.
    pub path: String,
    /// `None` for a directory.
    pub file: Option<SourceFile>,
}

/// A template file. Files on disk are read only when rendered, on all cores,
/// so that reading overlaps with rendering and a template is never held whole.
#[derive(Debug, Clone)]
pub enum SourceFile {
    /// A file of the built-in template.
    Embedded { contents: &'static [u8], executable: bool },
    /// A file of a template directory.
    OnDisk(PathBuf),
}

/// A template file's bytes and mode, as read.
pub struct FileData {
    pub contents: Cow<'static, [u8]>,
    pub executable: bool,
}

impl SourceFile {
    /// Its bytes and mode (read from disk now for a file there).
    pub fn read(&self) -> Result<FileData> {
        match self {
            SourceFile::Embedded { contents, executable } => {
                Ok(FileData { contents: Cow::Borrowed(contents), executable: *executable })
            }
            SourceFile::OnDisk(path) => read_file(path).map_err(|e| Error::io("read template file", path, e)),
        }
    }
}

/// A whole template, listed.
#[derive(Debug, Clone)]
pub struct SourceTree {
    /// The questions (for a cookiecutter template, derived from `cookiecutter.json`).
    pub manifest: Manifest,
    /// Present for cookiecutter templates, which follow cookiecutter's rules.
    pub cookiecutter: Option<Definition>,
    /// The template directory on disk (`None` for the built-in template).
    pub dir: Option<PathBuf>,
    /// The templated name of the project directory, e.g. `{{cookiecutter.project_slug}}`.
    pub top: String,
    /// Entries below `top`, sorted by path.
    pub entries: Vec<SourceEntry>,
    /// Files of a sibling `templates/` directory, for `include` and `extends`.
    pub includes: Vec<SourceEntry>,
    /// cookiecutter hooks found in `hooks/`, in name order.
    pub hooks: Vec<Hook>,
}

impl SourceTree {
    /// Lists and checks a template.
    pub fn load(source: &TemplateSource) -> Result<SourceTree> {
        match source {
            TemplateSource::Builtin => Self::load_builtin(),
            TemplateSource::Directory(dir) => Self::load_dir(dir),
        }
    }

    /// Reads only the manifest, for commands that do not render.
    pub fn load_manifest(source: &TemplateSource) -> Result<Manifest> {
        match source {
            TemplateSource::Builtin => builtin_manifest(),
            TemplateSource::Directory(dir) => read_manifest(dir),
        }
    }

    /// The text of a file by template-relative path, for `include` and
    /// `extends`: `None` when there is no such file or it is not UTF-8.
    pub fn text(&self, path: &str) -> Result<Option<String>> {
        let list = if path.starts_with("templates/") { &self.includes } else { &self.entries };
        let Ok(index) = list.binary_search_by(|e| e.path.as_str().cmp(path)) else { return Ok(None) };
        let Some(file) = &list[index].file else { return Ok(None) };
        Ok(String::from_utf8(file.read()?.contents.into_owned()).ok())
    }

    fn load_builtin() -> Result<SourceTree> {
        let manifest = builtin_manifest()?;
        let label = Path::new("<built-in>");
        let top = single_top(label, BUILTIN.dirs().filter_map(|d| d.path().to_str()))?;
        let mut entries = Vec::new();
        collect_embedded(BUILTIN.get_dir(&top).expect("top directory exists"), &mut entries);
        entries.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(SourceTree {
            manifest,
            cookiecutter: None,
            dir: None,
            top,
            entries,
            includes: Vec::new(),
            hooks: Vec::new(),
        })
    }

    fn load_dir(dir: &Path) -> Result<SourceTree> {
        let (manifest, cookiecutter) = read_manifest_and_definition(dir)?;
        let listing = std::fs::read_dir(dir).map_err(|e| Error::io("read template directory", dir, e))?;
        let mut dirs = Vec::new();
        for entry in listing {
            let entry = entry.map_err(|e| Error::io("read template directory", dir, e))?;
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                dirs.push(entry.file_name().to_string_lossy().into_owned());
            }
        }
        dirs.sort();
        let top = match &cookiecutter {
            // cookiecutter's find_template: a name holding `cookiecutter` and the variable delimiters.
            Some(definition) => {
                let [.., start, end, _, _] = &definition.syntax.delimiters;
                let found = dirs.iter().find(|d| {
                    d.contains("cookiecutter") && d.contains(start.as_str()) && d.contains(end.as_str())
                });
                found.cloned().ok_or_else(|| {
                    layout(dir, "no top-level directory whose name holds `cookiecutter` and a template, such as {{cookiecutter.project_slug}}".into())
                })?
            }
            None => single_top(dir, dirs.iter().map(String::as_str))?,
        };
        let entries = list_entries(dir, &top)?;
        let (includes, hooks) = match &cookiecutter {
            Some(_) => (list_entries(dir, "templates")?, crate::hooks::find(dir)?),
            None => (Vec::new(), Vec::new()),
        };
        Ok(SourceTree { manifest, cookiecutter, dir: Some(dir.to_owned()), top, entries, includes, hooks })
    }
}

/// Lists every entry below `dir/sub` (none if it does not exist), sorted by path.
fn list_entries(dir: &Path, sub: &str) -> Result<Vec<SourceEntry>> {
    if !dir.join(sub).is_dir() {
        return Ok(Vec::new());
    }
    let root = dir.canonicalize().ok();
    let mut entries = walkdir::WalkDir::new(dir.join(sub))
        .min_depth(1)
        .sort_by_file_name()
        .into_iter()
        .map(|entry| list_entry(dir, root.as_deref(), entry))
        .collect::<Result<Vec<_>>>()?;
    entries.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(entries)
}

/// One entry of the walk, checked: no link out of the template, no special file.
fn list_entry(
    dir: &Path,
    root: Option<&Path>,
    entry: walkdir::Result<walkdir::DirEntry>,
) -> Result<SourceEntry> {
    let entry = entry.map_err(|e| {
        let path = e.path().unwrap_or(dir).to_owned();
        Error::io("read template file", path, e.into())
    })?;
    let relative = entry.path().strip_prefix(dir).expect("walk stays below the template");
    let Some(path) = relative.to_str().map(|p| p.replace(std::path::MAIN_SEPARATOR, "/")) else {
        return Err(layout(dir, format!("{} is not valid UTF-8", relative.display())));
    };
    let kind = entry.file_type();
    // A link is followed, as cookiecutter follows it, but only to a place inside the template.
    let (is_dir, is_file) = if kind.is_symlink() {
        let inside = match (entry.path().canonicalize(), root) {
            (Ok(target), Some(root)) => target.starts_with(root),
            _ => false,
        };
        if !inside {
            return Err(layout(dir, format!("{path} is a symbolic link to somewhere outside the template")));
        }
        let metadata =
            std::fs::metadata(entry.path()).map_err(|e| Error::io("read template file", entry.path(), e))?;
        (metadata.is_dir(), metadata.is_file())
    } else {
        (kind.is_dir(), kind.is_file())
    };
    if is_dir {
        Ok(SourceEntry { path, file: None })
    } else if is_file {
        Ok(SourceEntry { path, file: Some(SourceFile::OnDisk(entry.into_path())) })
    } else {
        Err(layout(dir, format!("{path} is a special file, which templates may not hold")))
    }
}

/// A file's bytes and mode with four system calls: `open`, one `fstat` for
/// both the mode and the size, one `read` of exactly that size (a template
/// is not expected to change while it is read), `close`.
fn read_file(path: &Path) -> std::io::Result<FileData> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let metadata = file.metadata()?;
    let mut contents = vec![0; usize::try_from(metadata.len()).unwrap_or(usize::MAX)];
    file.read_exact(&mut contents)?;
    Ok(FileData { contents: Cow::Owned(contents), executable: is_executable(&metadata) })
}

fn builtin_manifest() -> Result<Manifest> {
    let text = BUILTIN
        .get_file(MANIFEST_FILE)
        .and_then(|f| f.contents_utf8())
        .expect("the built-in template has a UTF-8 stamp.toml");
    Manifest::from_toml(Path::new("<built-in>/stamp.toml"), text)
}

fn read_manifest(dir: &Path) -> Result<Manifest> {
    read_manifest_and_definition(dir).map(|(manifest, _)| manifest)
}

/// Reads `stamp.toml`, or else `cookiecutter.json` with the questions it implies.
fn read_manifest_and_definition(dir: &Path) -> Result<(Manifest, Option<Definition>)> {
    let path = dir.join(MANIFEST_FILE);
    if path.is_file() {
        let text = std::fs::read_to_string(&path).map_err(|e| Error::io("read", &path, e))?;
        return Ok((Manifest::from_toml(&path, &text)?, None));
    }
    if dir.join(cookiecutter::MANIFEST_FILE).is_file() {
        let definition = Definition::load(dir)?;
        let name =
            dir.canonicalize().ok().and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()));
        let manifest = definition.manifest(&name.unwrap_or_else(|| "template".into()));
        return Ok((manifest, Some(definition)));
    }
    let message = if dir.is_dir() {
        format!("no {MANIFEST_FILE} or {} in this directory", cookiecutter::MANIFEST_FILE)
    } else {
        "no such directory".to_owned()
    };
    Err(layout(dir, message))
}

/// The one top-level directory whose name is a template.
fn single_top<'a>(root: &Path, names: impl Iterator<Item = &'a str>) -> Result<String> {
    let templated: Vec<&str> = names.filter(|n| n.contains("{{")).collect();
    match templated.as_slice() {
        [one] => Ok((*one).to_owned()),
        [] => Err(layout(
            root,
            "no top-level directory with a templated name such as {{cookiecutter.project_slug}}".into(),
        )),
        many => {
            Err(layout(root, format!("more than one templated top-level directory: {}", many.join(", "))))
        }
    }
}

fn layout(path: &Path, message: String) -> Error {
    Error::TemplateLayout { path: path.to_owned(), message }
}

fn collect_embedded(dir: &Dir<'static>, out: &mut Vec<SourceEntry>) {
    for entry in dir.entries() {
        let path = entry.path().to_str().expect("built-in paths are UTF-8").replace('\\', "/");
        match entry {
            DirEntry::Dir(sub) => {
                out.push(SourceEntry { path, file: None });
                collect_embedded(sub, out);
            }
            DirEntry::File(file) => {
                let executable = BUILTIN_EXECUTABLES.contains(&path.as_str());
                out.push(SourceEntry {
                    path,
                    file: Some(SourceFile::Embedded { contents: file.contents(), executable }),
                });
            }
        }
    }
}

/// Whether any execute bit is set.
#[cfg(unix)]
pub(crate) fn is_executable(metadata: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    metadata.permissions().mode() & 0o111 != 0
}

#[cfg(not(unix))]
pub(crate) fn is_executable(_: &std::fs::Metadata) -> bool {
    false
}
