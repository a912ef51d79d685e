//! Names stamp keeps for itself beside a destination. A template may not
//! generate them, so that nothing a template makes can pass for stamp's own.

/// Prefix of staging directories.
pub(crate) const STAGING_PREFIX: &str = ".stamp-staging-";

/// Whether a generated name is one stamp keeps for itself.
pub(crate) fn is_reserved(name: &str) -> bool {
    name.starts_with(STAGING_PREFIX)
}
