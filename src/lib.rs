//! stamp generates projects from templates.
//!
//! One run, in order (see `pipeline`): a [`TemplateSource`] is loaded into a
//! [`SourceTree`] whose dialect (stamp's `stamp.toml` or cookiecutter's
//! `cookiecutter.json`) holds every rule that differs between formats →
//! answers are resolved from [`Given`] values and a [`Prompter`] → the
//! project is laid out and rendered by the template engine → the output
//! module writes it into a staging directory beside the destination and
//! moves it into place in one step, running the template's hooks on the way
//! when allowed. Progress is reported through [`Event`]s; the library never
//! prints. The command line ([`run`]) is a thin layer over [`generate`],
//! [`render_project`] and the `check` functions.
//!
//! The user-facing contract (commands, flags, files, exit codes) is
//! `docs/contract.md`.

#![deny(missing_docs)]

mod changeset;
mod check;
mod cli;
mod config;
mod consent;
mod destination;
mod dialect;
mod engine;
mod error;
mod events;
mod file_mode;
mod given;
mod hooks;
mod interrupt;
mod model;
mod output;
mod par;
mod pipeline;
mod process;
mod prompt;
mod render;
mod reserved;
mod source;
mod spelling;
mod tasks;
mod update;
mod vars;

pub use changeset::{Action, OnExisting};
pub use check::{
    CaseOutcome, CaseReport, CombinationReport, Difference, check, check_combinations, combinations,
    unified_diff,
};
pub use cli::run;
pub use config::UserConfig;
pub use dialect::RECORD_FILES;
pub use engine::{Determinism, Limits};
pub use error::{Error, Result};
pub use events::{Event, Phase, Reporter};
pub use given::{AnswersFormat, Given, GivenValue};
pub use hooks::Consent;
pub use interrupt::{Abandoned, abandon_runs};
pub use model::{Answer, DefaultValue, Kind, Manifest, Question, RawValue, TemplateInfo, Validation};
pub use pipeline::{Outcome, Rendered, Request, generate, render_project};
pub use prompt::{NoPrompter, Prompter, ScriptedPrompter, TerminalPrompter};
pub use render::{Plan, PlannedEntry, PlannedFile};
pub use source::{Fetch, SourceTree, TemplateSource};
pub use tasks::{ReadyTask, Task, TaskCommand, run_tasks};
pub use update::{Change, ConflictStyle, UpdateOutcome, UpdateRequest, local_changes, update};
pub use vars::{json as vars_json, schema as vars_schema, text as vars_text};

/// Entry points for stamp's own fuzz targets and benchmarks: parsers that
/// take raw input, outside the pipeline. Not a stable interface.
#[doc(hidden)]
pub mod machinery {
    use std::path::Path;

    use crate::Result;
    use crate::dialect::Dialect;

    /// Parses a `stamp.toml`.
    pub fn parse_stamp_manifest(path: &Path, text: &str) -> Result<crate::Manifest> {
        crate::dialect::stamp::StampTemplate::parse(path, text).map(|t| t.manifest().clone())
    }

    /// Reads `dir/cookiecutter.json` and the questions stamp derives from it.
    pub fn load_cookiecutter(dir: &Path) -> Result<crate::Manifest> {
        crate::dialect::cookiecutter::Definition::load(dir).map(|d| d.manifest().clone())
    }
}
