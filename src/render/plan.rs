//! A project rendered in memory: what `stamp check` compares and `--force` inspects.

/// A project rendered in memory, ready to be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The project directory's rendered name.
    pub root: String,
    /// Entries relative to `root`, sorted by path.
    pub entries: Vec<PlannedEntry>,
}

/// One directory or file of a [`Plan`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedEntry {
    /// `/`-separated, relative to the project root.
    pub path: String,
    /// `None` for a directory.
    pub file: Option<PlannedFile>,
}

/// A file's final bytes and whether it is executable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedFile {
    /// The bytes, as written.
    pub contents: Vec<u8>,
    /// Whether the file gets execute permission.
    pub executable: bool,
    /// Whether only its owner may read it: it holds a secret answer.
    pub private: bool,
}
