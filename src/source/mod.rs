//! Where a template comes from, in two steps: [`TemplateSource::parse`]
//! classifies what the user named (`named`), and [`SourceTree::load`] turns any source
//! into a local tree (the built-in one embedded in the binary, or a
//! directory), read by its [`Dialect`]: the manifest, and the project
//! directory's entries with paths relative to the template root. A tree that
//! lives in a temporary copy keeps the copy for as long as it lives.

mod archive;
mod builtin;
mod fetch;
mod git;
mod listing;
mod named;
mod nested;

pub use fetch::Fetch;
pub use named::TemplateSource;
pub(crate) use nested::{Chooser, NestedTemplate};

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::dialect::Dialect;
use crate::dialect::cookiecutter::{self, Definition};
use crate::dialect::stamp::{self, StampTemplate};
use crate::error::{Error, Result};
use crate::interrupt::Registration;
use crate::model::{Manifest, Provenance};

/// One entry of the template's project directory.
#[derive(Debug, Clone)]
pub(crate) struct SourceEntry {
    /// `/`-separated, relative to the template root, starting with the
    /// project directory's own (templated) name.
    pub path: String,
    /// `None` for a directory.
    pub file: Option<SourceFile>,
}

/// A template file. Files on disk are read only when rendered, on all cores,
/// so that reading overlaps with rendering and a template is never held whole.
#[derive(Debug, Clone)]
pub(crate) enum SourceFile {
    /// A file of the built-in template.
    Embedded { contents: &'static [u8], executable: bool },
    /// A file of a template directory.
    OnDisk(PathBuf),
}

/// A template file's bytes and mode, as read.
pub(crate) struct FileData {
    pub contents: Cow<'static, [u8]>,
    pub executable: bool,
}

impl SourceFile {
    /// Its bytes and mode (read from disk now for a file there), refusing a
    /// file over `max_bytes` before reading it.
    pub(crate) fn read(&self, max_bytes: u64) -> Result<FileData> {
        match self {
            SourceFile::Embedded { contents, executable } => {
                Ok(FileData { contents: Cow::Borrowed(contents), executable: *executable })
            }
            SourceFile::OnDisk(path) => listing::read_file(path, max_bytes),
        }
    }
}

/// A whole template, listed.
#[derive(Debug, Clone)]
pub struct SourceTree {
    dialect: Arc<dyn Dialect>,
    /// The template directory on disk (`None` for the built-in template).
    pub(crate) dir: Option<PathBuf>,
    /// The templated name of the project directory, e.g. `{{cookiecutter.project_slug}}`.
    pub(crate) top: String,
    /// Entries below `top`, sorted by path.
    pub(crate) entries: Vec<SourceEntry>,
    /// Files of the dialect's include directories, for `include` and `extends`, sorted by path.
    includes: Vec<SourceEntry>,
    /// Where the template came from, as a project records it.
    pub(crate) provenance: Provenance,
    /// A temporary copy the tree was read from (and its registration with
    /// the interrupt handler), removed when the last clone goes.
    _scratch: Option<Arc<(tempfile::TempDir, Registration)>>,
}

impl SourceTree {
    /// Lists and checks a template, fetching a remote one with the default
    /// [`Fetch`] settings.
    pub fn load(source: &TemplateSource) -> Result<SourceTree> {
        Self::fetch(source, &Fetch::default())
    }

    /// Lists and checks a template, fetching a remote one as `fetch` says.
    /// A set of nested templates is refused with a hint to name one.
    pub fn fetch(source: &TemplateSource, fetch: &Fetch) -> Result<SourceTree> {
        Self::fetch_choosing(source, fetch, &mut |dir, offered| {
            let paths: Vec<String> = offered.iter().map(|t| t.path.display().to_string()).collect();
            Err(Error::InvalidInput(format!(
                "{} offers several templates ({}): name one with --directory",
                dir.display(),
                paths.join(", ")
            )))
        })
    }

    /// As [`SourceTree::fetch`], choosing among nested templates with `choose`.
    pub(crate) fn fetch_choosing(
        source: &TemplateSource,
        fetch: &Fetch,
        choose: &mut Chooser,
    ) -> Result<SourceTree> {
        match source {
            TemplateSource::Builtin => Self::load_builtin(),
            TemplateSource::BuiltinRelease(version) => {
                let name = builtin_dialect()?.manifest().info.name.clone();
                let Some(bytes) = builtin::release(&name, version) else {
                    return Err(Error::InvalidInput(format!(
                        "this stamp does not carry version {version} of the built-in template {name}"
                    )));
                };
                let shown = format!("{}/releases/{name}-{version}.zip", builtin::LABEL);
                let archive::Unpacked { scratch, registration, root } =
                    archive::unpack_embedded(bytes, &shown)?;
                Self::load_copy(&root, scratch, registration)
            }
            TemplateSource::Directory(dir) => {
                let (dir, _) = nested::descend(dir, choose)?;
                let mut tree = Self::load_dir(&dir, None)?;
                let absolute = std::path::absolute(&dir).map_err(|e| Error::io("resolve", &dir, e))?;
                tree.provenance.source = Some(absolute.display().to_string());
                Ok(tree)
            }
            TemplateSource::Git { url, checkout, directory, .. } => {
                let git::Checkout { scratch, registration, tree: checked_out, commit } =
                    git::checkout(url, checkout.as_deref(), fetch)?;
                let (dir, directory) = descend_within(&checked_out, directory.as_ref(), choose)?;
                let mut tree = Self::load_copy(&dir, scratch, registration)?;
                tree.provenance =
                    Provenance::of(fetch::mask_credentials(url), Some(commit), directory.as_ref());
                Ok(tree)
            }
            TemplateSource::Zip { location, directory, .. } => {
                let archive::Unpacked { scratch, registration, root } = archive::unpack(location, fetch)?;
                let (dir, directory) = descend_within(&root, directory.as_ref(), choose)?;
                let mut tree = Self::load_copy(&dir, scratch, registration)?;
                let source = if archive::is_url(location) {
                    fetch::mask_credentials(location)
                } else {
                    let path = Path::new(location);
                    std::path::absolute(path)
                        .map_err(|e| Error::io("resolve", path, e))?
                        .display()
                        .to_string()
                };
                tree.provenance = Provenance::of(source, None, directory.as_ref());
                Ok(tree)
            }
        }
    }

    /// Lists and checks the template copied to `dir`, inside `scratch`,
    /// which is removed once the tree is dropped.
    pub(crate) fn load_copy(
        dir: &Path,
        scratch: tempfile::TempDir,
        registration: Registration,
    ) -> Result<SourceTree> {
        Self::load_dir(dir, Some(Arc::new((scratch, registration))))
    }

    /// Reads only the manifest, for commands that do not render.
    pub fn load_manifest(source: &TemplateSource) -> Result<Manifest> {
        Ok(match source {
            TemplateSource::Builtin => builtin_dialect()?.manifest().clone(),
            TemplateSource::Directory(dir) => read_dialect(dir)?.manifest().clone(),
            TemplateSource::Git { .. } | TemplateSource::Zip { .. } | TemplateSource::BuiltinRelease(_) => {
                Self::load(source)?.manifest().clone()
            }
        })
    }

    /// The questions and what the template says of itself.
    pub fn manifest(&self) -> &Manifest {
        self.dialect.manifest()
    }

    /// A digest of everything the template renders from (`sha256:…`): its
    /// manifest, and each file's path, mode and bytes, in path order. Read
    /// on demand, since it reads the whole template.
    pub(crate) fn content_digest(&self, max_bytes: u64) -> Result<String> {
        use sha2::{Digest, Sha256};
        let mut hasher = Sha256::new();
        // Each entry: its path, a kind (directory, file, executable file), its length and bytes.
        let mut add = |path: &str, kind: u8, contents: &[u8]| {
            hasher.update(path.as_bytes());
            hasher.update([0, kind]);
            hasher.update((contents.len() as u64).to_le_bytes());
            hasher.update(contents);
        };
        if let Some(dir) = &self.dir {
            for name in [stamp::MANIFEST_FILE, cookiecutter::MANIFEST_FILE] {
                let path = dir.join(name);
                // Read whole, as it was when the template was loaded.
                if path.is_file() {
                    add(name, 1, &std::fs::read(&path).map_err(|e| Error::io("read", &path, e))?);
                }
            }
        }
        for entry in self.entries.iter().chain(&self.includes) {
            match &entry.file {
                Some(file) => {
                    let data = file.read(max_bytes)?;
                    add(&entry.path, 1 + u8::from(data.executable), &data.contents);
                }
                None => add(&entry.path, 0, b""),
            }
        }
        let hex = hasher.finalize().iter().fold(String::with_capacity(64), |mut hex, b| {
            hex.push_str(&format!("{b:02x}"));
            hex
        });
        Ok(format!("sha256:{hex}"))
    }

    /// The rules of the template's format.
    pub(crate) fn dialect(&self) -> &dyn Dialect {
        &*self.dialect
    }

    /// The text of a file by template-relative path, for `include` and
    /// `extends`: `None` when there is no such file or it is not UTF-8.
    pub(crate) fn text(&self, path: &str, max_bytes: u64) -> Result<Option<String>> {
        for list in [&self.entries, &self.includes] {
            let Ok(index) = list.binary_search_by(|e| e.path.as_str().cmp(path)) else { continue };
            let Some(file) = &list[index].file else { return Ok(None) };
            return Ok(String::from_utf8(file.read(max_bytes)?.contents.into_owned()).ok());
        }
        Ok(None)
    }

    fn load_builtin() -> Result<SourceTree> {
        let dialect = builtin_dialect()?;
        let dirs: Vec<String> =
            builtin::BUILTIN.dirs().filter_map(|d| d.path().to_str()).map(str::to_owned).collect();
        let top = dialect.project_dir(Path::new(builtin::LABEL), &dirs)?;
        let mut entries = Vec::new();
        builtin::collect_embedded(
            builtin::BUILTIN.get_dir(&top).expect("top directory exists"),
            &mut entries,
        );
        entries.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(SourceTree {
            dialect,
            dir: None,
            top,
            entries,
            includes: Vec::new(),
            provenance: Provenance::default(),
            _scratch: None,
        })
    }

    fn load_dir(dir: &Path, scratch: Option<Arc<(tempfile::TempDir, Registration)>>) -> Result<SourceTree> {
        let dialect = read_dialect(dir)?;
        let listing = std::fs::read_dir(dir).map_err(|e| Error::io("read template directory", dir, e))?;
        let mut dirs = Vec::new();
        for entry in listing {
            let entry = entry.map_err(|e| Error::io("read template directory", dir, e))?;
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                dirs.push(entry.file_name().to_string_lossy().into_owned());
            }
        }
        dirs.sort();
        let top = dialect.project_dir(dir, &dirs)?;
        let entries = listing::list_entries(dir, &top)?;
        let mut includes = Vec::new();
        for include in dialect.include_dirs() {
            includes.extend(listing::list_entries(dir, include)?);
        }
        includes.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(SourceTree {
            dialect,
            dir: Some(dir.to_owned()),
            top,
            entries,
            includes,
            provenance: Provenance::default(),
            _scratch: scratch,
        })
    }
}

/// The template in `root` (or in `directory` inside it), through any
/// nested templates, and its directory relative to `root` (`None`: the root).
fn descend_within(
    root: &Path,
    directory: Option<&PathBuf>,
    choose: &mut Chooser,
) -> Result<(PathBuf, Option<PathBuf>)> {
    let start = directory.map_or_else(|| root.to_owned(), |sub| root.join(sub));
    let (dir, taken) = nested::descend(&start, choose)?;
    let directory = match (directory, taken.as_os_str().is_empty()) {
        (directory, true) => directory.cloned(),
        (Some(directory), false) => Some(directory.join(taken)),
        (None, false) => Some(taken),
    };
    Ok((dir, directory))
}

impl Provenance {
    /// Where a fetched template came from: `source` at `commit`, in `directory`.
    fn of(source: String, commit: Option<String>, directory: Option<&PathBuf>) -> Provenance {
        let directory = directory.map(|d| d.display().to_string());
        Provenance { source: Some(source), commit, directory, digest: None }
    }
}

fn builtin_dialect() -> Result<Arc<dyn Dialect>> {
    let text = builtin::BUILTIN
        .get_file(stamp::MANIFEST_FILE)
        .and_then(|f| f.contents_utf8())
        .expect("the built-in template has a UTF-8 stamp.toml");
    let path = Path::new(builtin::LABEL).join(stamp::MANIFEST_FILE);
    Ok(Arc::new(StampTemplate::parse(&path, text)?))
}

/// Reads `stamp.toml`, or else `cookiecutter.json`.
fn read_dialect(dir: &Path) -> Result<Arc<dyn Dialect>> {
    let path = dir.join(stamp::MANIFEST_FILE);
    if path.is_file() {
        let text = std::fs::read_to_string(&path).map_err(|e| Error::io("read", &path, e))?;
        let mut template = StampTemplate::parse(&path, &text)?;
        template.ignored_hooks = crate::hooks::find(dir)?.into_iter().map(|h| h.file_name).collect();
        return Ok(Arc::new(template));
    }
    if dir.join(cookiecutter::MANIFEST_FILE).is_file() {
        return Ok(Arc::new(Definition::load(dir)?));
    }
    let message = if dir.is_dir() {
        format!("no {} or {} in this directory", stamp::MANIFEST_FILE, cookiecutter::MANIFEST_FILE)
    } else {
        "no such directory".to_owned()
    };
    Err(layout_error(dir, message))
}

fn layout_error(path: &Path, message: String) -> Error {
    Error::TemplateLayout { path: path.to_owned(), message }
}
