//! Labels: the default OPP-115 taxonomy and label-string parsing ([`OPP115`], here), the
//! units × labels matrices of gold labels, probabilities and decisions ([`matrix`]), and how
//! two decision matrices agree ([`scores`]).
//!
//! The label set of a model always comes from its training data; [`OPP115`] is only used to
//! order labels conventionally and to suggest corrections for misspelt names.

pub mod matrix;
pub mod scores;

pub use matrix::{Decisions, LabelMatrix, Probabilities, Thresholds};
pub use scores::{score, LabelScore, Scores};

/// The ten OPP-115 categories, in the corpus's conventional order.
pub const OPP115: [&str; 10] = [
    "First Party Collection/Use",
    "Third Party Sharing/Collection",
    "User Choice/Control",
    "User Access, Edit and Deletion",
    "Data Retention",
    "Data Security",
    "Policy Change",
    "Do Not Track",
    "International and Specific Audiences",
    "Other",
];

/// Splits a `;`-joined label field into trimmed, non-empty names.
pub fn split_labels(field: &str) -> impl Iterator<Item = &str> {
    field.split(';').map(str::trim).filter(|s| !s.is_empty())
}

/// Orders a set of label names: OPP-115 categories first in their conventional order, then
/// any other names alphabetically.
pub fn sort_labels(labels: &mut [String]) {
    labels.sort_by_key(|l| {
        let rank = OPP115.iter().position(|c| c == l).unwrap_or(OPP115.len());
        (rank, l.clone())
    });
}

/// The candidate closest to `name` by edit distance (case-insensitive), if any is close enough
/// to be a plausible typo.
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = name.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (levenshtein(&lower, &c.to_lowercase()), c))
        .filter(|(d, c)| *d <= (c.len() / 3).max(2))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_finds_typo() {
        assert_eq!(closest("Data Retension", OPP115), Some("Data Retention"));
        assert_eq!(closest("do not track", OPP115), Some("Do Not Track"));
        assert_eq!(closest("Completely different", OPP115), None);
    }

    #[test]
    fn sort_puts_opp115_first() {
        let mut v = vec!["Other".to_string(), "Zeta".into(), "Data Security".into()];
        sort_labels(&mut v);
        assert_eq!(v, ["Data Security", "Other", "Zeta"]);
    }

    #[test]
    fn split_trims_and_drops_empty() {
        let v: Vec<_> = split_labels(" Other ;; Do Not Track;").collect();
        assert_eq!(v, ["Other", "Do Not Track"]);
    }
}
