//! Which known name a misspelt one most likely meant: one measure of
//! closeness for every "did you mean" an error offers.

/// The known name closest to a misspelt `name`, if one is close enough to
/// be what was meant.
pub(crate) fn closest<'a>(name: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    known
        .into_iter()
        .map(|k| (strsim::jaro_winkler(name, k), k))
        .filter(|(score, _)| *score >= 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn the_closest_name_wins_and_a_distant_one_is_no_hint() {
        let known = ["project_name", "project_slug", "license"];
        assert_eq!(closest("projet_name", known), Some("project_name"));
        assert_eq!(closest("project_slg", known), Some("project_slug"));
        assert_eq!(closest("zebra", known), None);
    }
}
