//! Metrics: per-label precision, recall and F1, micro and macro F1, at sentence, segment and
//! document level.

pub mod cv;

use serde::{Deserialize, Serialize};

/// Scores of one label.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LabelScore {
    /// Label name.
    pub label: String,
    /// Precision (0 when nothing was predicted).
    pub precision: f64,
    /// Recall (0 when there is no support).
    pub recall: f64,
    /// F1 (0 when both are 0).
    pub f1: f64,
    /// Gold positives.
    pub support: usize,
    /// Predicted positives.
    pub predicted: usize,
}

/// Scores over all labels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scores {
    /// Number of units scored (sentences, segments or documents).
    pub units: usize,
    /// Per-label scores, in model label order.
    pub per_label: Vec<LabelScore>,
    /// Micro-averaged precision.
    pub micro_precision: f64,
    /// Micro-averaged recall.
    pub micro_recall: f64,
    /// Micro-averaged F1.
    pub micro_f1: f64,
    /// Mean F1 over the labels with gold support.
    pub macro_f1: f64,
}

fn prf(tp: usize, predicted: usize, support: usize) -> (f64, f64, f64) {
    let p = if predicted == 0 {
        0.0
    } else {
        tp as f64 / predicted as f64
    };
    let r = if support == 0 {
        0.0
    } else {
        tp as f64 / support as f64
    };
    let f = if predicted + support == 0 {
        0.0
    } else {
        2.0 * tp as f64 / (predicted + support) as f64
    };
    (p, r, f)
}

/// Scores predictions against gold labels; both are row-major `units × labels.len()`.
pub fn score(labels: &[String], gold: &[bool], pred: &[bool]) -> Scores {
    let nl = labels.len();
    assert_eq!(gold.len(), pred.len());
    let units = gold.len().checked_div(nl).unwrap_or(0);
    let (mut ttp, mut tpred, mut tsup) = (0, 0, 0);
    let mut per_label = Vec::with_capacity(nl);
    for (l, name) in labels.iter().enumerate() {
        let (mut tp, mut np, mut ns) = (0, 0, 0);
        for u in 0..units {
            let (g, p) = (gold[u * nl + l], pred[u * nl + l]);
            tp += usize::from(g && p);
            np += usize::from(p);
            ns += usize::from(g);
        }
        let (precision, recall, f1) = prf(tp, np, ns);
        per_label.push(LabelScore {
            label: name.clone(),
            precision,
            recall,
            f1,
            support: ns,
            predicted: np,
        });
        ttp += tp;
        tpred += np;
        tsup += ns;
    }
    let (micro_precision, micro_recall, micro_f1) = prf(ttp, tpred, tsup);
    let supported: Vec<f64> = per_label
        .iter()
        .filter(|s| s.support > 0)
        .map(|s| s.f1)
        .collect();
    let macro_f1 = if supported.is_empty() {
        0.0
    } else {
        supported.iter().sum::<f64>() / supported.len() as f64
    };
    Scores {
        units,
        per_label,
        micro_precision,
        micro_recall,
        micro_f1,
        macro_f1,
    }
}

/// Unions row labels over groups (segments or documents): returns `(gold, pred)` with one row
/// per distinct key, in order of first appearance.
pub fn aggregate<K: std::hash::Hash + Eq + Clone>(
    keys: &[K],
    nl: usize,
    gold: &[bool],
    pred: &[bool],
) -> (Vec<bool>, Vec<bool>) {
    let mut index: std::collections::HashMap<K, usize> = std::collections::HashMap::new();
    let (mut g, mut p) = (Vec::new(), Vec::new());
    for (r, k) in keys.iter().enumerate() {
        let next = index.len();
        let u = *index.entry(k.clone()).or_insert(next);
        if u == next {
            g.extend(std::iter::repeat_n(false, nl));
            p.extend(std::iter::repeat_n(false, nl));
        }
        for l in 0..nl {
            g[u * nl + l] |= gold[r * nl + l];
            p[u * nl + l] |= pred[r * nl + l];
        }
    }
    (g, p)
}

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

/// Evaluates row predictions, adding segment and document levels when ids are available.
pub fn evaluate(
    labels: &[String],
    gold: &[bool],
    pred: &[bool],
    policy_id: &[Option<String>],
    segment_id: &[Option<String>],
) -> Evaluation {
    let nl = labels.len();
    let sentence = score(labels, gold, pred);
    let has_policy = !policy_id.is_empty() && policy_id.iter().all(Option::is_some);
    let has_segment = has_policy && segment_id.iter().all(Option::is_some);
    let document = has_policy.then(|| {
        let (g, p) = aggregate(policy_id, nl, gold, pred);
        score(labels, &g, &p)
    });
    let segment = has_segment.then(|| {
        let keys: Vec<(&Option<String>, &Option<String>)> =
            policy_id.iter().zip(segment_id).collect();
        let (g, p) = aggregate(&keys, nl, gold, pred);
        score(labels, &g, &p)
    });
    Evaluation {
        sentence,
        segment,
        document,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn micro_macro() {
        let labels = vec!["a".to_string(), "b".to_string()];
        // 3 units × 2 labels
        let gold = [true, false, true, true, false, false];
        let pred = [true, false, false, true, true, false];
        let s = score(&labels, &gold, &pred);
        assert_eq!(s.per_label[0].support, 2);
        // label a: tp 1, predicted 2, support 2; label b: tp 1, predicted 1, support 1
        assert!((s.per_label[0].f1 - 0.5).abs() < 1e-9);
        assert!((s.per_label[1].f1 - 1.0).abs() < 1e-9);
        assert!((s.micro_f1 - 2.0 / 3.0).abs() < 1e-9);
        assert!((s.macro_f1 - 0.75).abs() < 1e-9);
    }

    #[test]
    fn aggregation_unions() {
        let keys = ["x", "x", "y"];
        let (g, p) = aggregate(&keys, 1, &[true, false, false], &[false, true, false]);
        assert_eq!(g, [true, false]);
        assert_eq!(p, [true, false]);
    }
}
