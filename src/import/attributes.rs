//! Attribute labels: which attribute values count, and how each is spelled.
//!
//! The rules are the module's ("Attribute labels" in [`super`]):
//!
//! * every attribute of every practice counts, whatever its category;
//! * the values `Unspecified`, `not-selected`, `Other`, `null` and empty (or a missing value)
//!   are dropped, compared case-insensitively ([`value_key`]);
//! * case variants of a value within a family are one value ([`ValueKey`] holds it lowercased),
//!   spelled as its most frequent form over the whole release ([`Spellings`]).
//!
//! The majority rule itself (≥ 2 distinct annotators) is the one the categories use, in
//! `mod.rs`.

use super::raw::{Attribute, Practice};
use std::collections::{BTreeSet, HashMap};

/// Values that are not labels (compared case-insensitively, after trimming).
const DROPPED: &[&str] = &["unspecified", "not-selected", "other", "null", ""];

/// An attribute value as it is voted on: its family and its value, lowercased, so that case
/// variants are one value.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) struct ValueKey {
    family: String,
    folded: String,
}

/// The key an attribute votes for, `None` when its value is dropped.
pub(super) fn value_key(a: &Attribute) -> Option<ValueKey> {
    let folded = a.value.as_deref()?.to_lowercase();
    if DROPPED.contains(&folded.as_str()) {
        return None;
    }
    Some(ValueKey {
        family: a.family.clone(),
        folded,
    })
}

/// How often each written form of each value occurs, counted over every attribute of every
/// practice read (each annotation row once, duplicates included).
#[derive(Debug, Default)]
pub(super) struct Spellings {
    forms: HashMap<ValueKey, HashMap<String, usize>>,
}

impl Spellings {
    /// Counts the forms of the (not dropped) values of `practices`.
    pub(super) fn count(&mut self, practices: &[Practice]) {
        for a in practices.iter().flat_map(|p| &p.attributes) {
            if let (Some(key), Some(value)) = (value_key(a), &a.value) {
                *self
                    .forms
                    .entry(key)
                    .or_default()
                    .entry(value.clone())
                    .or_default() += 1;
            }
        }
    }

    /// The value of `key` spelled as its most frequent form (on a tie, the first in plain
    /// string order).
    fn spell<'s>(&'s self, key: &'s ValueKey) -> &'s str {
        self.forms
            .get(key)
            .and_then(|forms| {
                forms
                    .iter()
                    .max_by(|(a, m), (b, n)| m.cmp(n).then_with(|| b.cmp(a)))
                    .map(|(form, _)| form.as_str())
            })
            .unwrap_or(&key.folded)
    }

    /// The labels `Family: Value` of `keys`, spelled, in plain string order.
    pub(super) fn labels(&self, keys: &[ValueKey]) -> Vec<String> {
        let labels: BTreeSet<String> = keys
            .iter()
            .map(|k| format!("{}: {}", k.family, self.spell(k)))
            .collect();
        labels.into_iter().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn practice(values: &[(&str, &str)]) -> Practice {
        Practice {
            annotator: "1".into(),
            segment: 0,
            category: 0,
            attributes: values
                .iter()
                .map(|&(family, value)| Attribute {
                    family: family.into(),
                    value: Some(value.into()),
                    span: None,
                })
                .collect(),
            line: 1,
        }
    }

    #[test]
    fn dropped_values_give_no_key() {
        for v in ["Unspecified", "NOT-SELECTED", "other", "Null", ""] {
            assert_eq!(value_key(&practice(&[("F", v)]).attributes[0]), None, "{v}");
        }
        let missing = Attribute {
            family: "F".into(),
            value: None,
            span: None,
        };
        assert_eq!(value_key(&missing), None);
        // Only the whole value is compared: "Other users" and "None" are values.
        assert!(value_key(&practice(&[("F", "Other users")]).attributes[0]).is_some());
        assert!(value_key(&practice(&[("F", "None")]).attributes[0]).is_some());
    }

    #[test]
    fn case_variants_are_spelled_as_the_most_frequent_form() {
        let mut sp = Spellings::default();
        sp.count(&[
            practice(&[("P", "User profile"), ("Q", "b")]),
            practice(&[("P", "User Profile"), ("Q", "B")]),
            practice(&[("P", "User profile"), ("R", "User profile")]),
        ]);
        let keys: Vec<ValueKey> = [("R", "USER PROFILE"), ("P", "user PROFILE"), ("Q", "b")]
            .iter()
            .map(|&(f, v)| value_key(&practice(&[(f, v)]).attributes[0]).unwrap())
            .collect();
        // "P": 2 × "User profile" against 1 × "User Profile"; "Q": a tie, the first in string
        // order ("B" < "b"); "R" is another family with its own forms.
        assert_eq!(
            sp.labels(&keys),
            ["P: User profile", "Q: B", "R: User profile"]
        );
    }
}
