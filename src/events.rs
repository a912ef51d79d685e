//! Progress events: the library reports, the CLI draws.

/// Progress reported while rendering and writing.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Event<'a> {
    /// A phase begins with `total` steps.
    Started {
        /// Which phase.
        phase: Phase,
        /// How many steps (files) it has.
        total: usize,
    },
    /// One step of the current phase is done.
    Step {
        /// The file, relative to the project directory.
        path: &'a str,
    },
    /// The current phase is over.
    Finished,
}

/// The long phases of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Phase {
    /// Files rendered into memory (`--force`, `--dry-run`, `check`).
    Rendering,
    /// Files rendered and written.
    Writing,
}

/// Receives [`Event`]s; the CLI draws them, library users may ignore them.
pub type Reporter<'r> = &'r dyn Fn(Event);
