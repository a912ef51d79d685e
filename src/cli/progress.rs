//! Draws the library's progress events as one indicatif bar on stderr, or
//! nothing when stderr is not a terminal or `--quiet` is given.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::{Event, Phase};

/// A progress bar that is either drawn on stderr or hidden.
pub(super) struct Progress {
    bar: ProgressBar,
}

impl Progress {
    pub(super) fn new(visible: bool) -> Self {
        let target = if visible { ProgressDrawTarget::stderr() } else { ProgressDrawTarget::hidden() };
        let bar = ProgressBar::with_draw_target(Some(0), target);
        bar.set_style(
            ProgressStyle::with_template("{msg:>10} [{bar:30}] {pos}/{len}")
                .expect("static template")
                .progress_chars("=> "),
        );
        Progress { bar }
    }

    /// Handles one event from the library.
    pub(super) fn event(&self, event: Event) {
        match event {
            Event::Started { phase, total } => {
                self.bar.set_length(total as u64);
                self.bar.set_position(0);
                self.bar.set_message(match phase {
                    Phase::Rendering => "rendering",
                    Phase::Writing => "writing",
                });
            }
            Event::Step { .. } => self.bar.inc(1),
            Event::Finished => {}
        }
    }

    /// Moves the bar to `done` steps.
    pub(super) fn set_position(&self, done: usize) {
        self.bar.set_position(done as u64);
    }

    /// Removes the bar before the summary is printed.
    pub(super) fn clear(&self) {
        self.bar.finish_and_clear();
    }
}
