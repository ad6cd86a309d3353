//! Attribute evaluation: a model's attribute values against the data's `attributes` column,
//! per family (micro and macro F1) and pooled over the core families, at sentence, segment and
//! document level.
//!
//! The label set is every value of the data and of the model: a value the model did not
//! learn counts as missed wherever the data has it. The **core families** are the ones the
//! data profile shows: Personal Information Type, Purpose, Third Party Entity, Choice Type,
//! Access Type, Retention Period, Security Measure, Audience Type, and Does/Does Not scored
//! on `Does Not` only (a negated statement; the affirmative is the default).

use super::evaluate;
use crate::data::LabelledData;
use crate::labels::{Decisions, Probabilities, Scores};
use crate::model::attributes::{family_of, STANCE_FAMILY};
use crate::model::Model;
use serde::{Deserialize, Serialize};

/// The families pooled into the core figure.
pub const CORE_FAMILIES: [&str; 9] = [
    "Personal Information Type",
    "Purpose",
    "Third Party Entity",
    "Choice Type",
    "Access Type",
    "Retention Period",
    "Security Measure",
    "Audience Type",
    "Does/Does Not",
];

/// The only value of `Does/Does Not` that is scored in the core figure.
pub use crate::model::attributes::DOES_NOT;

/// Whether a value counts in the core figure.
pub fn is_core(value: &str) -> bool {
    let f = family_of(value);
    CORE_FAMILIES.contains(&f) && (f != STANCE_FAMILY || value == DOES_NOT)
}

/// Scores of one group of values at every level the data supports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Levels {
    /// Row (sentence) level.
    pub sentence: Scores,
    /// Segment level, when `policy_id` and `segment_id` are present.
    pub segment: Option<Scores>,
    /// Document level, when `policy_id` is present.
    pub document: Option<Scores>,
}

/// Attribute scores: pooled over the core families, and per family.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttributeEvaluation {
    /// The core families pooled (micro-F1 is the headline figure).
    pub core: Levels,
    /// Each family of the data and the model, by name.
    pub families: Vec<(String, Levels)>,
}

/// The model's attribute decisions over `names` (values it did not learn are never
/// predicted), from the attribute probabilities of [`Model::predict`] and the model's
/// category decisions of the same rows (a value needs one of its categories).
pub fn decisions_over(
    model: &Model,
    attributes: &Probabilities,
    categories: &Decisions,
    names: &[String],
) -> Decisions {
    let mut pred = Decisions::new(attributes.rows(), names.len());
    if let Some(head) = model.attributes() {
        let column: Vec<Option<usize>> = head
            .names()
            .iter()
            .map(|n| names.iter().position(|x| x == n))
            .collect();
        for r in 0..attributes.rows() {
            let labels: Vec<usize> = (0..categories.n_labels())
                .filter(|&l| categories.get(r, l))
                .collect();
            for mv in head.decide(attributes.row(r), &labels) {
                if let Some(v) = column[mv] {
                    pred.set(r, v, true);
                }
            }
        }
    }
    pred
}

/// Scores the model's attribute decisions `pred` (over `names`) against `data`'s attributes.
pub fn evaluate_attributes(
    data: &LabelledData,
    names: &[String],
    pred: &Decisions,
) -> AttributeEvaluation {
    let gold = Decisions::gold(names, &data.attributes);
    let levels = |cols: &[usize]| -> Levels {
        let sub: Vec<String> = cols.iter().map(|&c| names[c].clone()).collect();
        let (g, p) = (columns(&gold, cols), columns(pred, cols));
        let e = evaluate(&sub, &g, &p, &data.policy_id, &data.segment_id);
        Levels {
            sentence: e.sentence,
            segment: e.segment,
            document: e.document,
        }
    };
    let core: Vec<usize> = (0..names.len()).filter(|&c| is_core(&names[c])).collect();
    let mut families: Vec<&str> = names.iter().map(|n| family_of(n)).collect();
    families.sort();
    families.dedup();
    AttributeEvaluation {
        core: levels(&core),
        families: families
            .into_iter()
            .map(|f| {
                let cols: Vec<usize> = (0..names.len())
                    .filter(|&c| family_of(&names[c]) == f)
                    .collect();
                (f.to_string(), levels(&cols))
            })
            .collect(),
    }
}

/// The values to score: the data's and the model's, sorted.
pub fn value_set(model: &Model, data: &LabelledData) -> Vec<String> {
    let mut names: Vec<String> = data
        .attribute_counts()
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    if let Some(h) = model.attributes() {
        names.extend(h.names().iter().cloned());
    }
    names.sort();
    names.dedup();
    names
}

/// The columns `cols` of `m`, in that order.
fn columns(m: &Decisions, cols: &[usize]) -> Decisions {
    let mut out = Decisions::new(m.rows(), cols.len());
    for r in 0..m.rows() {
        for (j, &c) in cols.iter().enumerate() {
            out.set(r, j, m.get(r, c));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn core_values_are_the_core_families_and_does_not_only() {
        assert!(is_core("Purpose: Advertising"));
        assert!(is_core(DOES_NOT));
        assert!(!is_core("Does/Does Not: Does"));
        assert!(!is_core("Other Type: Introductory/Generic"));
    }

    #[test]
    fn families_and_the_core_are_scored_separately() {
        let mut d = LabelledData::default();
        for (t, a, pid, sid) in [
            ("x", vec!["Purpose: Advertising", DOES_NOT], "p1", "0"),
            ("y", vec!["Purpose: Marketing"], "p1", "1"),
            ("z", vec!["Other Type: Practice not covered"], "p2", "0"),
        ] {
            d.texts.push(t.into());
            d.labels.push(Vec::new());
            d.attributes.push(a.into_iter().map(String::from).collect());
            d.policy_id.push(Some(pid.into()));
            d.segment_id.push(Some(sid.into()));
        }
        d.attribute_column = Some(true);
        let names: Vec<String> = d.attribute_counts().into_iter().map(|(n, _)| n).collect();
        // Predicted: Advertising on row 0 (right), Marketing on row 0 (wrong), nothing else.
        let mut pred = Decisions::new(3, names.len());
        let col = |n: &str| names.iter().position(|x| x == n).unwrap();
        pred.set(0, col("Purpose: Advertising"), true);
        pred.set(0, col("Purpose: Marketing"), true);
        let e = evaluate_attributes(&d, &names, &pred);
        let purpose = &e.families.iter().find(|(f, _)| f == "Purpose").unwrap().1;
        // Purpose: tp 1, predicted 2, support 2.
        assert!((purpose.sentence.micro_f1 - 0.5).abs() < 1e-9);
        // Core: Advertising, Marketing and Does Not: tp 1, predicted 2, support 3.
        assert!((e.core.sentence.micro_f1 - 2.0 / 5.0).abs() < 1e-9);
        // Document p1: Advertising and Marketing both right.
        let doc = e.core.document.as_ref().unwrap();
        assert!((doc.micro_f1 - 4.0 / 5.0).abs() < 1e-9, "{}", doc.micro_f1);
    }
}
