//! `stamp check`: snapshot testing of what a template renders
//! ([`snapshots`]) and rendering every combination of its answers
//! ([`combinations`]).

mod combinations;
mod snapshots;

pub use combinations::{CombinationReport, check_combinations, combinations};
pub use snapshots::{CaseOutcome, CaseReport, Difference, check, unified_diff};
