//! Committing changesets to disk, the only stage that touches the
//! destination. A project is built in a [`Staging`] directory beside the
//! destination and moved into place only when all of it is written; on any
//! failure the destination is left exactly as it was and the staging
//! directory removed. Runs killed mid-way are recovered by the next one.

mod beneath;
mod files;
mod journal;
mod recovery;
mod staging;

pub(crate) use files::{copy_tree, replace_file};
pub(crate) use recovery::clean_stale_staging;
pub(crate) use staging::{DestinationLock, Staging};
