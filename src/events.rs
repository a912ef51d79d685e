//! Progress events: the library reports, the CLI draws.

/// Progress reported while rendering and writing.
#[derive(Debug, Clone, Copy)]
pub enum Event<'a> {
    /// A phase begins with `total` steps.
    Started { phase: Phase, total: usize },
    /// One step of the current phase is done.
    Step { path: &'a str },
    /// The current phase is over.
    Finished,
}

/// The long phases of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Rendering,
    Writing,
}

/// Receives [`Event`]s; the CLI draws them, library users may ignore them.
pub type Reporter<'r> = &'r dyn Fn(Event);
