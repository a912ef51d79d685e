//! `stamp update`: carry a generated project to a new version of its
//! template (or to changed answers) with a three-way merge. From the
//! project's record it renders the template as the project was made (the
//! base) and as it is now asked for (theirs), both in memory, decides each
//! file against what the project holds ([`merge`]), and commits the result
//! through the same staging and journal as `new --force`: all of it, or
//! nothing. A project whose record cannot name the exact version it came
//! from is refused rather than guessed at.

mod base;
mod merge;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use base::{as_generated, base, canonical, check_committed, record_of, secrets_of};
pub use merge::Change;
use merge::{Outcome, Side};

use crate::changeset::Action;
use crate::consent::{may_run_code, may_run_extensions};
use crate::engine::{Determinism, Limits, is_truthy};
use crate::error::{Error, Result};
use crate::events::Reporter;
use crate::given::Given;
use crate::hooks::{Consent, Hook, Operation, Stage};
use crate::output::{self, DestinationLock, Staging};
use crate::pipeline::render_as_generated;
use crate::prompt::{Prompter, SecretsAskedAgain};
use crate::render::{Owned, Plan, PlannedEntry, PlannedFile};
use crate::source::{Fetch, SourceTree};
use crate::tasks::{self, ReadyTask};

/// How a conflict is left for the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ConflictStyle {
    /// Conflict markers in the file, diff3 style (what git and IDE merge tools read).
    #[default]
    Markers,
    /// The user's file untouched and the template's change beside it in `FILE.rej`.
    Reject,
}

/// Everything [`update`] needs to know.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct UpdateRequest {
    /// The generated project (holding `.stamp-answers.toml`).
    pub project: PathBuf,
    /// The template version to update to; `None`: the repository's default branch.
    pub checkout: Option<String>,
    /// Answers to change or add, over the recorded ones.
    pub given: Given,
    /// Decide and report, write nothing.
    pub dry_run: bool,
    /// How conflicts are written.
    pub conflicts: ConflictStyle,
    /// The clock and seed templates see.
    pub determinism: Determinism,
    /// What a render may cost.
    pub limits: Limits,
    /// How the template is fetched.
    pub fetch: Fetch,
    /// Update a project with uncommitted changes in its git work tree.
    pub allow_dirty: bool,
    /// Whether the new version's `post_gen_project` hooks may run in the
    /// project once the update is committed (never while rendering).
    pub hooks: Consent,
    /// Whether the template's own Jinja2 extensions may run while both
    /// versions render (`hooks` = yes allows them too).
    pub extensions: Consent,
}

impl UpdateRequest {
    /// An update of `project` to its template's latest version.
    pub fn new(project: PathBuf) -> UpdateRequest {
        UpdateRequest {
            project,
            checkout: None,
            given: Given::default(),
            dry_run: false,
            conflicts: ConflictStyle::Markers,
            determinism: Determinism::default(),
            limits: Limits::default(),
            fetch: Fetch::default(),
            allow_dirty: false,
            hooks: Consent::No,
            extensions: Consent::No,
        }
    }
}

/// What an update did (or, dry, would do).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct UpdateOutcome {
    /// Every file the update touches or reports, in path order, with a note where one helps
    /// (why a file was kept, where a moved file came from).
    pub changes: Vec<(Change, String, Option<String>)>,
    /// For each file the update writes or removes, a unified diff from what
    /// the project holds to what it would hold.
    pub diffs: Vec<String>,
    /// Questions the new version asks that the record did not answer.
    pub new_questions: Vec<String>,
    /// Hooks that did not run because nobody consented.
    pub skipped_hooks: Vec<String>,
    /// The new version's tasks, to run in the project now that the update is
    /// committed ([`run_tasks`](crate::run_tasks)); none when nothing changed.
    /// For a dry run, those that would run.
    pub tasks: Vec<ReadyTask>,
    /// Tasks that would have run but for consent withheld.
    pub skipped_tasks: Vec<String>,
    /// The template's version before and after, as people read them.
    pub from: String,
    /// See [`UpdateOutcome::from`].
    pub to: String,
}

impl UpdateOutcome {
    /// Whether any file was left with a conflict to resolve.
    pub fn has_conflicts(&self) -> bool {
        self.changes.iter().any(|(change, ..)| *change == Change::Conflict)
    }
}

/// The user's own changes: each file the template renders (as the project
/// was made) that the project holds otherwise, as a unified diff from the
/// template's version to the project's, in path order.
pub fn local_changes(request: &UpdateRequest) -> Result<Vec<String>> {
    let request = &UpdateRequest { project: canonical(&request.project)?, ..request.clone() };
    let base = base(request)?;
    let rendered = base.render(request, &request.given)?;
    let mut diffs = Vec::new();
    for (path, rendered) in files(&rendered.plan) {
        let ours = match read_ours(&request.project.join(path), request.limits.file_bytes)? {
            Ours::File(side) => Some(side),
            Ours::Absent => None,
            Ours::Other => continue,
        };
        if ours.as_ref() != Some(&rendered) {
            diffs.push(unified(path, Some(&rendered), ours.as_ref()));
        }
    }
    Ok(diffs)
}

/// Updates a project; see the module documentation.
pub fn update(
    request: &UpdateRequest,
    prompter: &mut dyn Prompter,
    report: Reporter,
) -> Result<UpdateOutcome> {
    let request = &UpdateRequest { project: canonical(&request.project)?, ..request.clone() };
    let project = &request.project;
    if !request.allow_dirty && !request.dry_run && record_of(project).is_ok() {
        check_committed(project)?;
    }
    let base = base(request)?;
    let base_tree = Arc::clone(&base.tree);
    let their_tree = Arc::new(SourceTree::fetch(&base.latest, &request.fetch)?);
    // Asked before anything is decided; they run after the commit, in the project.
    let post_hooks: Vec<Hook> =
        their_tree.dialect().hooks().iter().filter(|h| h.stage == Stage::PostGenProject).cloned().collect();
    let their_tasks = their_tree.manifest().tasks.as_slice();
    let run_code = !request.dry_run && may_run_code(&post_hooks, their_tasks, request.hooks, prompter)?;
    let run_hooks = run_code && !post_hooks.is_empty();
    // Both versions render with the extensions, or neither does.
    let extensions = may_run_extensions(&their_tree, request.hooks, request.extensions, prompter)?
        || may_run_extensions(&base_tree, request.hooks, request.extensions, prompter)?;
    let request =
        &UpdateRequest { extensions: if extensions { Consent::Yes } else { Consent::No }, ..request.clone() };
    // Theirs: recorded answers for questions that remain, changed by what is given now.
    let mut their_given = base.recorded.clone();
    their_given.retain_known(their_tree.manifest());
    for (name, value) in request.given.iter() {
        their_given.insert(name, value.clone());
    }
    let mut new_questions: Vec<String> = their_tree
        .manifest()
        .questions
        .iter()
        .filter(|q| !q.is_computed())
        .filter(|q| base_tree.manifest().question(&q.name).is_none() && their_given.get(&q.name).is_none())
        .map(|q| q.name.clone())
        .collect();
    let mut generated = as_generated(request, base.latest.clone(), their_given);
    generated.record = base.cruft;
    // Given and recorded answers are not asked again; a secret, never recorded, is.
    let mut asking = SecretsAskedAgain { given: &generated.given, inner: prompter };
    let theirs = render_as_generated(&their_tree, &generated, &mut asking, report)?;
    // Only those the new version asks under these answers: a question whose condition is false took
    // its default without being asked, as a new project's would.
    new_questions.retain(|name| {
        let when = their_tree.manifest().question(name).and_then(|q| q.when.as_deref());
        when.is_none_or(|when| theirs.render_str("when", when).is_ok_and(|text| is_truthy(&text)))
    });
    // Rendered before anything is written: a task that cannot render stops the update here.
    let ready = theirs.prepare_tasks(their_tasks, Operation::Update)?;
    // The base with the secrets answered for theirs: the same values, so they are no change.
    let base = base.render(request, &secrets_of(&theirs, their_tree.manifest()))?;

    let _lock = if request.dry_run { None } else { Some(DestinationLock::take(project)?) };
    let mut decisions = decide_all(&base.plan, &theirs.plan, project, request.limits.file_bytes)?;
    // Files handed over once written (`skip_if_exists`) are the user's: only a new one is added.
    let owned = Owned::new(&their_tree.manifest().info, Some(&base_tree.manifest().info))?;
    decisions.retain(|d| {
        !owned.contains(&d.path)
            || (d.base.is_none() && std::fs::symlink_metadata(project.join(&d.path)).is_err())
    });
    let mut outcome = UpdateOutcome {
        changes: decisions.iter().filter_map(Decision::reported).collect(),
        diffs: decisions.iter().filter_map(Decision::preview).collect(),
        new_questions,
        skipped_hooks: if run_code || request.dry_run {
            Vec::new()
        } else {
            post_hooks.iter().map(|h| h.file_name.clone()).collect()
        },
        // Tasks belong to an update that changes something.
        tasks: Vec::new(),
        skipped_tasks: Vec::new(),
        from: version_of(&base_tree),
        to: version_of(&their_tree),
    };
    let changed = if request.dry_run {
        !outcome.changes.is_empty()
    } else {
        commit(project, &decisions, request.conflicts, report)?
    };
    if changed {
        (outcome.tasks, outcome.skipped_tasks) = tasks::by_consent(ready, run_code || request.dry_run);
    }
    if changed && run_hooks {
        theirs.run_hooks(&post_hooks, Stage::PostGenProject, project, Operation::Update).map_err(|err| {
            match err {
                Error::Hook { name, message } => {
                    Error::Hook { name, message: format!("{message}; the update itself is committed") }
                }
                other => other,
            }
        })?;
    }
    Ok(outcome)
}

/// A template version as people read it: its name and version, and the
/// commit for a git source (many templates never change their version).
fn version_of(tree: &SourceTree) -> String {
    let label = tree.manifest().info.label();
    match &tree.provenance.commit {
        Some(commit) => format!("{label} ({})", &commit[..commit.len().min(7)]),
        None => label,
    }
}

/// One file's fate, with the template's two versions of it and the project's.
struct Decision {
    path: String,
    outcome: Outcome,
    base: Option<Side>,
    theirs: Option<Side>,
    /// The project's file, as read when deciding (none: absent or not a regular file).
    ours: Option<Side>,
    /// For a renamed file, its old name.
    moved_from: Option<String>,
}

impl Decision {
    fn reported(&self) -> Option<(Change, String, Option<String>)> {
        let path = self.path.clone();
        match &self.outcome {
            Outcome::Unchanged | Outcome::MovedAway => None,
            Outcome::Write(Change::Moved, _) => {
                let from = self.moved_from.as_deref().unwrap_or_default();
                Some((Change::Moved, path, Some(format!("from {from}"))))
            }
            Outcome::Write(change, _) => Some((*change, path, None)),
            Outcome::Delete => Some((Change::Deleted, path, None)),
            Outcome::Keep(why) => Some((Change::Kept, path, Some((*why).to_owned()))),
            Outcome::Beside(_) => Some((
                Change::Conflict,
                path,
                Some("not text: yours stays, the template's is beside it (.theirs)".to_owned()),
            )),
        }
    }

    /// What the update does to the file, as a unified diff (`None` when it leaves it).
    fn preview(&self) -> Option<String> {
        match &self.outcome {
            Outcome::Write(_, side) => Some(unified(&self.path, self.ours.as_ref(), Some(side))),
            Outcome::Delete | Outcome::MovedAway => Some(unified(&self.path, self.ours.as_ref(), None)),
            Outcome::Unchanged | Outcome::Keep(_) | Outcome::Beside(_) => None,
        }
    }
}

/// A unified diff of one file from `old` to `new` (absent: empty).
fn unified(path: &str, old: Option<&Side>, new: Option<&Side>) -> String {
    crate::changeset::unified(path, old.map(|s| s.contents.as_slice()), new.map(|s| s.contents.as_slice()))
}

/// The files of a plan by path.
fn files(plan: &Plan) -> BTreeMap<&str, Side> {
    plan.entries.iter().filter_map(|e| Some((e.path.as_str(), Side::from(e.file.as_ref()?)))).collect()
}

/// Decides every file either version of the template has.
fn decide_all(base: &Plan, theirs: &Plan, project: &Path, max_bytes: u64) -> Result<Vec<Decision>> {
    let (base, theirs) = (files(base), files(theirs));
    let moves = renames(&base, &theirs);
    let paths: BTreeSet<&str> = base.keys().chain(theirs.keys()).copied().collect();
    let mut decisions = Vec::new();
    for path in paths {
        let (old, new) = (base.get(path), theirs.get(path));
        if old == new {
            continue;
        }
        let ours = read_ours(&project.join(path), max_bytes)?;
        let outcome = if let Some(from) = moves.get(path)
            && matches!(ours, Ours::Absent)
        {
            // A path the template renamed (an answer renders it): your version moves along.
            match read_ours(&project.join(from), max_bytes)? {
                Ours::File(yours) if Some(&yours) != base.get(from) => Outcome::Write(Change::Moved, yours),
                Ours::File(_) => {
                    Outcome::Write(Change::Moved, new.expect("a rename's target is new").clone())
                }
                Ours::Absent => Outcome::Keep("you deleted it under its old name, and it stays deleted"),
                Ours::Other => Outcome::Keep("its old name is not a regular file in the project"),
            }
        } else if moves.values().any(|from| *from == path) && matches!(ours, Ours::File(_)) {
            Outcome::MovedAway
        } else {
            match &ours {
                Ours::File(current) => merge::decide(old, new, Some(current)),
                Ours::Absent => merge::decide(old, new, None),
                Ours::Other => Outcome::Keep("it is not a regular file in the project"),
            }
        };
        decisions.push(Decision {
            path: path.to_owned(),
            outcome,
            base: old.cloned(),
            theirs: new.cloned(),
            ours: match ours {
                Ours::File(side) => Some(side),
                Ours::Absent | Ours::Other => None,
            },
            moved_from: moves.get(path).map(|from| (*from).to_owned()),
        });
    }
    Ok(decisions)
}

/// Paths the template renamed between the two renders (new path → old
/// path): a file only the base has and one only the new version has, with
/// the same contents, found nowhere else among them.
fn renames<'a>(
    base: &BTreeMap<&'a str, Side>,
    theirs: &BTreeMap<&'a str, Side>,
) -> BTreeMap<&'a str, &'a str> {
    let removed: Vec<(&str, &Side)> =
        base.iter().filter(|(p, _)| !theirs.contains_key(*p)).map(|(p, s)| (*p, s)).collect();
    let added: Vec<(&str, &Side)> =
        theirs.iter().filter(|(p, _)| !base.contains_key(*p)).map(|(p, s)| (*p, s)).collect();
    let mut moves = BTreeMap::new();
    for (new_path, contents) in &added {
        let from: Vec<&str> = removed.iter().filter(|(_, c)| c == contents).map(|(p, _)| *p).collect();
        let twins = added.iter().filter(|(_, c)| c == contents).count();
        if let ([old_path], 1) = (from.as_slice(), twins) {
            moves.insert(*new_path, *old_path);
        }
    }
    moves
}

/// What the project holds at a path.
enum Ours {
    File(Side),
    Absent,
    /// A directory, link or other special file: never read through, never replaced.
    Other,
}

fn read_ours(path: &Path, max_bytes: u64) -> Result<Ours> {
    let metadata = match std::fs::symlink_metadata(path) {
        Ok(metadata) => metadata,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Ours::Absent),
        Err(e) => return Err(Error::io("read", path, e)),
    };
    if !metadata.is_file() {
        return Ok(Ours::Other);
    }
    if metadata.len() > max_bytes {
        return Ok(Ours::Other);
    }
    let contents = std::fs::read(path).map_err(|e| Error::io("read", path, e))?;
    Ok(Ours::File(Side { contents, executable: crate::file_mode::is_executable(&metadata) }))
}

/// Writes the decisions into the project through staging, all or nothing;
/// whether there was anything to write.
fn commit(project: &Path, decisions: &[Decision], style: ConflictStyle, report: Reporter) -> Result<bool> {
    let mut entries = Vec::new();
    let mut deletions = Vec::new();
    let planned = |path: String, contents: Vec<u8>, executable: bool| PlannedEntry {
        path,
        file: Some(PlannedFile { contents, executable, private: false }),
    };
    for decision in decisions {
        let path = decision.path.clone();
        match &decision.outcome {
            Outcome::Unchanged | Outcome::Keep(_) => {}
            Outcome::Delete | Outcome::MovedAway => deletions.push(path),
            Outcome::Beside(theirs) => {
                entries.push(planned(format!("{path}.theirs"), theirs.contents.clone(), theirs.executable));
            }
            Outcome::Write(Change::Conflict, _) if style == ConflictStyle::Reject => {
                let rejected = rejected_change(&path, decision.base.as_ref(), decision.theirs.as_ref());
                entries.push(planned(format!("{path}.rej"), rejected.into_bytes(), false));
            }
            Outcome::Write(_, side) => entries.push(planned(path, side.contents.clone(), side.executable)),
        }
    }
    if entries.is_empty() && deletions.is_empty() {
        return Ok(false);
    }
    entries.sort_by(|a, b| a.path.cmp(&b.path));
    let changes: Vec<(Action, String)> =
        entries.iter().map(|e| (Action::Overwrite, e.path.clone())).collect();
    let plan = Plan { root: String::new(), entries };
    let parent = project.parent().map_or(PathBuf::from("."), Path::to_path_buf);
    output::clean_stale_staging(&parent, project)?;
    let staging = Staging::begin(&parent, project)?;
    staging.stage_changes(&plan, &changes, report)?;
    staging.commit_into(project, &deletions)?;
    Ok(true)
}

/// The template's change to `path` as a unified diff, for a `.rej` file.
fn rejected_change(path: &str, base: Option<&Side>, theirs: Option<&Side>) -> String {
    unified(path, base, theirs)
}
