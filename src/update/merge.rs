//! The three-way decision for one file: the template's version the project
//! came from (*base*), the template's new version (*theirs*) and what the
//! project holds (*ours*). Pure: nothing here reads or writes the disk.

use crate::render::PlannedFile;

/// A file's bytes and mode, as one of the three sides has it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Side {
    pub contents: Vec<u8>,
    pub executable: bool,
}

impl From<&PlannedFile> for Side {
    fn from(file: &PlannedFile) -> Self {
        Side { contents: file.contents.clone(), executable: file.executable }
    }
}

/// What an update does with one file, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Change {
    /// The template added it.
    Added,
    /// Changed only by the template: its new version is taken.
    Updated,
    /// Changed by both, in different places: the changes are combined.
    Merged,
    /// Changed by both in the same place: written with conflict markers
    /// (or a `.rej` file beside it), for the user to resolve.
    Conflict,
    /// Removed by the template and unchanged by the user: removed.
    Deleted,
    /// Renamed by the template (an answer names it): the user's version moves to the new name.
    Moved,
    /// Kept as the user has it, although the template changed it: the user
    /// deleted it, or changed a file the template removed.
    Kept,
}

impl Change {
    /// The word printed in the summary.
    pub fn label(self) -> &'static str {
        match self {
            Change::Added => "added",
            Change::Updated => "updated",
            Change::Merged => "merged",
            Change::Conflict => "conflict",
            Change::Deleted => "deleted",
            Change::Moved => "moved",
            Change::Kept => "kept",
        }
    }
}

/// What to do with one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Leave the project's file (or its absence) as it is.
    Unchanged,
    /// Write `file` (a `Kept` change is reported, and nothing is written).
    Write(Change, Side),
    /// Remove the file.
    Delete,
    /// Remove the file: its contents moved to the name the template renamed it to.
    MovedAway,
    /// Keep the user's file, report why.
    Keep(&'static str),
    /// A conflict in a file that cannot be merged line by line: the user's
    /// file stays, the template's version is written beside it.
    Beside(Side),
}

/// Decides one file.
pub(crate) fn decide(base: Option<&Side>, theirs: Option<&Side>, ours: Option<&Side>) -> Outcome {
    if base == theirs || ours == theirs {
        // The template did not change it, or the project already matches.
        return Outcome::Unchanged;
    }
    match (base, theirs, ours) {
        (_, Some(new), None) if base.is_none() => Outcome::Write(Change::Added, new.clone()),
        (_, _, None) => Outcome::Keep("you deleted it; the template changed it, and it stays deleted"),
        (_, None, Some(current)) if Some(current) == base => Outcome::Delete,
        (_, None, Some(_)) => Outcome::Keep("the template removed it; you changed it, so it stays"),
        (_, Some(new), Some(current)) if Some(current) == base => {
            Outcome::Write(Change::Updated, new.clone())
        }
        (_, Some(new), Some(current)) => {
            // Both changed it: the mode follows whoever changed it.
            let executable = match base {
                Some(old) if old.executable == current.executable => new.executable,
                _ => current.executable,
            };
            let empty = Side { contents: Vec::new(), executable: false };
            let old = base.unwrap_or(&empty);
            match merge_text(&old.contents, &current.contents, &new.contents) {
                Some(Ok(merged)) => Outcome::Write(Change::Merged, Side { contents: merged, executable }),
                Some(Err(marked)) => Outcome::Write(Change::Conflict, Side { contents: marked, executable }),
                None => Outcome::Beside(new.clone()),
            }
        }
    }
}

/// A line-level three-way merge of UTF-8 texts: `Ok` merged, `Err` with
/// diff3-style conflict markers (`<<<<<<< ours`, `||||||| base`, `=======`,
/// `>>>>>>> theirs`, as git writes with `merge.conflictStyle=diff3`), or
/// `None` when a side is not text.
fn merge_text(base: &[u8], ours: &[u8], theirs: &[u8]) -> Option<Result<Vec<u8>, Vec<u8>>> {
    let (base, ours, theirs) =
        (std::str::from_utf8(base).ok()?, std::str::from_utf8(ours).ok()?, std::str::from_utf8(theirs).ok()?);
    if [base, ours, theirs].iter().any(|text| text.contains('\0')) {
        return None;
    }
    let mut options = diffy::MergeOptions::new();
    options.set_conflict_style(diffy::ConflictStyle::Diff3);
    Some(
        options
            .merge(base, ours, theirs)
            .map(String::into_bytes)
            .map_err(|conflicts| markers_ending_like(conflicts, ours).into_bytes()),
    )
}

/// Conflict markers ended as the user's file ends its lines (`\r\n` when
/// its first line does), as git writes them, so a CRLF file stays CRLF.
fn markers_ending_like(text: String, ours: &str) -> String {
    if !ours.split_inclusive('\n').next().is_some_and(|line| line.ends_with("\r\n")) {
        return text;
    }
    let is_marker = |line: &str| {
        ["<<<<<<< ", "||||||| ", ">>>>>>> "].iter().any(|m| line.starts_with(m)) || line == "=======\n"
    };
    text.split_inclusive('\n')
        .map(|line| {
            if is_marker(line) && !line.ends_with("\r\n") {
                format!("{}\r\n", line.trim_end_matches('\n'))
            } else {
                line.to_owned()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conflict_markers_in_a_crlf_file_end_with_crlf() {
        let merged = merge_text(b"one\r\ntwo\r\n", b"ONE\r\ntwo\r\n", b"one (v2)\r\ntwo\r\n").unwrap();
        assert_eq!(
            String::from_utf8(merged.unwrap_err()).unwrap(),
            "<<<<<<< ours\r\nONE\r\n||||||| original\r\none\r\n=======\r\none (v2)\r\n>>>>>>> theirs\r\ntwo\r\n"
        );
        let merged = merge_text(b"one\ntwo\n", b"ONE\ntwo\n", b"one (v2)\ntwo\n").unwrap();
        assert!(String::from_utf8(merged.unwrap_err()).unwrap().starts_with("<<<<<<< ours\nONE\n"));
    }

    fn side(text: &str) -> Side {
        Side { contents: text.as_bytes().to_vec(), executable: false }
    }

    #[test]
    fn each_sides_change_is_kept() {
        let (base, theirs) = (side("a\nb\nc\n"), side("a\nb\nc2\n"));
        // Unchanged by the user: the template's version.
        assert_eq!(
            decide(Some(&base), Some(&theirs), Some(&base)),
            Outcome::Write(Change::Updated, theirs.clone())
        );
        // Changed only by the user: kept.
        let ours = side("a1\nb\nc\n");
        assert_eq!(decide(Some(&base), Some(&base), Some(&ours)), Outcome::Unchanged);
        // Both, apart: merged.
        assert_eq!(
            decide(Some(&base), Some(&theirs), Some(&ours)),
            Outcome::Write(Change::Merged, side("a1\nb\nc2\n"))
        );
    }

    #[test]
    fn overlapping_changes_get_diff3_markers() {
        let outcome = decide(Some(&side("a\nb\n")), Some(&side("a\nt\n")), Some(&side("a\no\n")));
        let Outcome::Write(Change::Conflict, file) = outcome else { panic!("{outcome:?}") };
        let text = String::from_utf8(file.contents).unwrap();
        assert!(
            text.contains("<<<<<<< ours\no\n||||||| original\nb\n=======\nt\n>>>>>>> theirs\n"),
            "{text}"
        );
    }

    #[test]
    fn deletions_on_either_side() {
        let (base, theirs) = (side("a\n"), side("b\n"));
        assert!(matches!(decide(Some(&base), Some(&theirs), None), Outcome::Keep(_)));
        assert_eq!(decide(Some(&base), Some(&base), None), Outcome::Unchanged);
        assert_eq!(decide(Some(&base), None, Some(&base)), Outcome::Delete);
        assert!(matches!(decide(Some(&base), None, Some(&theirs)), Outcome::Keep(_)));
        assert_eq!(decide(None, Some(&theirs), None), Outcome::Write(Change::Added, theirs.clone()));
    }

    #[test]
    fn binaries_are_never_merged_and_modes_follow_their_changer() {
        let binary = |b: u8| Side { contents: vec![0, b], executable: false };
        assert_eq!(decide(Some(&binary(1)), Some(&binary(2)), Some(&binary(3))), Outcome::Beside(binary(2)));
        let script = Side { contents: b"x\ny\n".to_vec(), executable: false };
        let made_executable = Side { executable: true, ..script.clone() };
        let edited = side("x2\ny\n");
        let Outcome::Write(Change::Merged, merged) =
            decide(Some(&script), Some(&made_executable), Some(&edited))
        else {
            panic!()
        };
        assert!(merged.executable);
    }
}
