//! Hooks: scripts in a template's `hooks/` directory that run
//! before prompting (`pre_prompt`), before the files are written
//! (`pre_gen_project`) and after (`post_gen_project`). They run only with the
//! user's consent; Python scripts run with `python3`, others directly.

use std::path::{Path, PathBuf};
use std::process::Command;

use minijinja::Value;

use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::{interrupt, process};

/// When a hook runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stage {
    PrePrompt,
    PreGenProject,
    PostGenProject,
}

impl Stage {
    /// The file stem cookiecutter looks for.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Stage::PrePrompt => "pre_prompt",
            Stage::PreGenProject => "pre_gen_project",
            Stage::PostGenProject => "post_gen_project",
        }
    }
}

/// What the hooks run for. They see it as `stamp_operation` when rendered
/// and as `$STAMP_OPERATION` when run, so a hook can do what only a new
/// project needs (`git init`) and skip it on update.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Operation {
    Create,
    Update,
}

impl Operation {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Operation::Create => "create",
            Operation::Update => "update",
        }
    }
}

/// One hook script.
#[derive(Debug, Clone)]
pub(crate) struct Hook {
    pub stage: Stage,
    /// The script's file name, e.g. `post_gen_project.py`.
    pub file_name: String,
    pub contents: Vec<u8>,
}

/// Whether hooks may run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Consent {
    /// Run them.
    Yes,
    /// Skip them.
    No,
    /// Ask the user once, before anything runs.
    Ask,
}

/// The hooks in `template_dir/hooks`, sorted by file name; editor backups
/// (`name~`) and files for other stages are ignored, as cookiecutter does.
pub(crate) fn find(template_dir: &Path) -> Result<Vec<Hook>> {
    let dir = template_dir.join("hooks");
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let listing = std::fs::read_dir(&dir).map_err(|e| Error::io("read hooks directory", &dir, e))?;
    let mut hooks = Vec::new();
    for entry in listing {
        let entry = entry.map_err(|e| Error::io("read hooks directory", &dir, e))?;
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let stem = Path::new(&file_name).file_stem().and_then(|s| s.to_str()).unwrap_or_default();
        let stage = [Stage::PrePrompt, Stage::PreGenProject, Stage::PostGenProject]
            .into_iter()
            .find(|s| s.name() == stem);
        if let Some(stage) = stage
            && !file_name.ends_with('~')
            && entry.path().is_file()
        {
            let contents =
                std::fs::read(entry.path()).map_err(|e| Error::io("read hook", entry.path(), e))?;
            hooks.push(Hook { stage, file_name, contents });
        }
    }
    hooks.sort_by(|a, b| a.file_name.cmp(&b.file_name));
    Ok(hooks)
}

/// Runs every hook of `stage` in `cwd`, each rendered with `context` first
/// (except `pre_prompt`, which cookiecutter runs as it is).
pub(crate) fn run_stage(
    hooks: &[Hook],
    stage: Stage,
    engine: &Engine,
    context: &Value,
    cwd: &Path,
    operation: Operation,
) -> Result<()> {
    let context = &minijinja::context! { stamp_operation => operation.name(), ..context.clone() };
    for hook in hooks.iter().filter(|h| h.stage == stage) {
        let script = if stage == Stage::PrePrompt {
            hook.contents.clone()
        } else {
            let text = std::str::from_utf8(&hook.contents).map_err(|_| Error::TemplateLayout {
                path: PathBuf::from("hooks").join(&hook.file_name),
                message: "a hook must be UTF-8 text".into(),
            })?;
            let name = format!("hooks/{}", hook.file_name);
            engine.render_str(&name, text, context)?.into_bytes()
        };
        run_script(hook, &script, cwd, operation)?;
    }
    Ok(())
}

/// Writes the script to a temporary file with the hook's extension and runs it.
fn run_script(hook: &Hook, script: &[u8], cwd: &Path, operation: Operation) -> Result<()> {
    let extension = Path::new(&hook.file_name).extension().map(|e| format!(".{}", e.to_string_lossy()));
    let mut builder = tempfile::Builder::new();
    builder.prefix("stamp-hook-");
    if let Some(extension) = &extension {
        builder.suffix(extension);
    }
    let file =
        builder.tempfile().map_err(|e| Error::io("create a hook script in", std::env::temp_dir(), e))?;
    std::fs::write(file.path(), script).map_err(|e| Error::io("write", file.path(), e))?;
    // Close the file before executing it, or Linux refuses with "text file busy".
    let path = file.into_temp_path();
    let _script = interrupt::register_scratch(&path);
    let mut command = if extension.as_deref() == Some(".py") {
        let mut c = Command::new("python3");
        c.arg(&*path);
        c
    } else {
        make_executable(&path)?;
        Command::new(&*path)
    };
    command.current_dir(cwd).env("STAMP_OPERATION", operation.name());
    let failed = |message| Error::Hook { name: hook.file_name.clone(), message };
    match process::run(&mut command) {
        Ok(Ok(())) => Ok(()),
        Ok(Err(how)) => Err(failed(how)),
        Err(e) => Err(failed(format!("cannot run it: {e}"))),
    }
}

#[cfg(unix)]
fn make_executable(path: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o700))
        .map_err(|e| Error::io("make executable", path, e))
}

#[cfg(not(unix))]
fn make_executable(_: &Path) -> Result<()> {
    Ok(())
}
