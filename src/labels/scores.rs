//! How two decision matrices agree: per-label precision, recall and F1, micro and macro F1.
//! Used by training (the model's stored CV summary) and by evaluation (`eval`).

use super::matrix::Decisions;
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

/// Scores predictions against gold labels (both units × `labels.len()`).
pub fn score(labels: &[String], gold: &Decisions, pred: &Decisions) -> Scores {
    let nl = labels.len();
    assert_eq!(gold.as_slice().len(), pred.as_slice().len());
    assert_eq!(gold.n_labels(), nl);
    let units = gold.rows();
    let (mut ttp, mut tpred, mut tsup) = (0, 0, 0);
    let mut per_label = Vec::with_capacity(nl);
    for (l, name) in labels.iter().enumerate() {
        let (mut tp, mut np, mut ns) = (0, 0, 0);
        for u in 0..units {
            let (g, p) = (gold.get(u, l), pred.get(u, l));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn micro_macro() {
        let labels = vec!["a".to_string(), "b".to_string()];
        // 3 units × 2 labels
        let gold = Decisions::from_cells(2, vec![true, false, true, true, false, false]);
        let pred = Decisions::from_cells(2, vec![true, false, false, true, true, false]);
        let s = score(&labels, &gold, &pred);
        assert_eq!(s.per_label[0].support, 2);
        // label a: tp 1, predicted 2, support 2; label b: tp 1, predicted 1, support 1
        assert!((s.per_label[0].f1 - 0.5).abs() < 1e-9);
        assert!((s.per_label[1].f1 - 1.0).abs() < 1e-9);
        assert!((s.micro_f1 - 2.0 / 3.0).abs() < 1e-9);
        assert!((s.macro_f1 - 0.75).abs() < 1e-9);
    }
}
