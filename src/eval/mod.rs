//! Evaluation: a model's decisions on labelled data scored at sentence, segment and document
//! level ([`assess`], the one evaluation path, used by `classify evaluate` and by every fold
//! of [`cv::cross_validate`]), and the spread over folds ([`cv`]). The metrics themselves are
//! [`crate::labels::scores`].

pub mod attributes;
pub mod cv;

use crate::data::LabelledData;
pub use crate::labels::{score, LabelScore, Scores};
use crate::labels::{Decisions, Probabilities};
use crate::model::Model;
use serde::{Deserialize, Serialize};

/// Scores at every level the data supports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    /// Row (sentence) level.
    pub sentence: Scores,
    /// Segment level (union over `policy_id` + `segment_id`), when both columns are present.
    pub segment: Option<Scores>,
    /// Document level (does the policy state the practice at all), when `policy_id` is present.
    pub document: Option<Scores>,
}

/// Evaluates row decisions against gold labels (both units × `labels.len()`), adding
/// segment and document levels (the union of their rows) when the ids are available.
pub fn evaluate(
    labels: &[String],
    gold: &Decisions,
    pred: &Decisions,
    policy_id: &[Option<String>],
    segment_id: &[Option<String>],
) -> Evaluation {
    let sentence = score(labels, gold, pred);
    let has_policy = !policy_id.is_empty() && policy_id.iter().all(Option::is_some);
    let has_segment = has_policy && segment_id.iter().all(Option::is_some);
    let document =
        has_policy.then(|| score(labels, &gold.union_by(policy_id), &pred.union_by(policy_id)));
    let segment = has_segment.then(|| {
        let keys: Vec<(&Option<String>, &Option<String>)> =
            policy_id.iter().zip(segment_id).collect();
        score(labels, &gold.union_by(&keys), &pred.union_by(&keys))
    });
    Evaluation {
        sentence,
        segment,
        document,
    }
}

/// A model's probabilities and decisions on labelled data, and their scores.
#[derive(Debug, Clone)]
pub struct Assessment {
    /// The model's probabilities, over the model's labels.
    pub probabilities: Probabilities,
    /// The model's decisions, over the model's labels.
    pub decisions: Decisions,
    /// The scores over the label set asked for.
    pub evaluation: Evaluation,
    /// When the data has an `attributes` column or the model an attribute head: the values
    /// (the data's and the model's), the model's decisions over them, and, with the data's
    /// column, their scores.
    pub attributes: Option<AssessedAttributes>,
}

/// The attribute part of an [`Assessment`].
#[derive(Debug, Clone)]
pub struct AssessedAttributes {
    /// The values scored: the data's and the model's, sorted.
    pub names: Vec<String>,
    /// The model's decisions over `names` (values it did not learn are never predicted).
    pub decisions: Decisions,
    /// Per family and pooled over the core families (when the data has attributes).
    pub evaluation: Option<attributes::AttributeEvaluation>,
}

/// Scores `model` on `data` over the label set `labels`: the model's own labels, or a superset
/// (a model trained on some folds may lack a rare label; it never predicts it). Each row is
/// scored in its segment, as in training ([`Model::probabilities`] of labelled units).
pub fn assess(model: &Model, data: &LabelledData, labels: &[String]) -> Assessment {
    let predicted = model.predict(crate::model::Units::Labelled(data));
    let probabilities = predicted.categories;
    let decisions = model.thresholds().decide(&probabilities);
    let gold = Decisions::gold(labels, &data.labels);
    let mut pred = Decisions::new(data.len(), labels.len());
    for (ml, name) in model.labels().iter().enumerate() {
        if let Some(l) = labels.iter().position(|x| x == name) {
            for r in 0..data.len() {
                pred.set(r, l, decisions.get(r, ml));
            }
        }
    }
    let evaluation = evaluate(labels, &gold, &pred, &data.policy_id, &data.segment_id);
    let attributes = (data.has_attributes() || model.attributes().is_some()).then(|| {
        let names = attributes::value_set(model, data);
        let decisions = match &predicted.attributes {
            Some(p) => attributes::decisions_over(model, p, &decisions, &names),
            None => Decisions::new(data.len(), names.len()),
        };
        let evaluation = data
            .has_attributes()
            .then(|| attributes::evaluate_attributes(data, &names, &decisions));
        AssessedAttributes {
            names,
            decisions,
            evaluation,
        }
    });
    Assessment {
        probabilities,
        decisions,
        evaluation,
        attributes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segment_and_document_levels_union_their_rows() {
        let labels = vec!["a".to_string()];
        let gold = Decisions::from_cells(1, vec![true, false, false]);
        let pred = Decisions::from_cells(1, vec![false, true, false]);
        let p = |s: &str| Some(s.to_string());
        let e = evaluate(
            &labels,
            &gold,
            &pred,
            &[p("x"), p("x"), p("y")],
            &[p("0"), p("1"), p("0")],
        );
        // Sentence level: no hit; segments x/0, x/1, y/0: no hit; document x: a hit.
        assert_eq!(e.sentence.per_label[0].f1, 0.0);
        assert_eq!(e.segment.as_ref().unwrap().per_label[0].f1, 0.0);
        let d = e.document.unwrap();
        assert_eq!((d.units, d.per_label[0].f1), (2, 1.0));
    }
}
