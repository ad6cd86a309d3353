//! The attribute head: what a practice says (OPP-115's attribute values, `Family: Value`),
//! one binary model per value over the same TF-IDF rows as the categories.
//!
//! It shares the model's vectoriser (a sentence is tokenised once for both), is fitted on the
//! same threshold folds (its per-value thresholds are tuned on their out-of-fold
//! probabilities) and, for speed, keeps the sparse solver's solution of the same L2 logistic
//! objective (no dense linfa-logistic check: a model per value of ~100 would multiply that
//! cost; `docs/ARCHITECTURE.md`, "Design decisions"). Values and families come from the data;
//! values on fewer than [`super::TrainParams::min_attribute_examples`] rows are not learned
//! and listed as such.

use crate::labels::{Decisions, Probabilities, Scores, Thresholds};
use serde::{Deserialize, Serialize};

/// The fitted attribute models.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AttributeHead {
    /// The learned values (`Family: Value`), sorted by name.
    pub(super) names: Vec<String>,
    /// Weights, feature-major over the model's vectoriser: `weights[f * names.len() + v]`.
    pub(super) weights: Vec<f32>,
    /// Intercept per value.
    pub(super) intercepts: Vec<f32>,
    /// Decision threshold per value.
    pub(super) thresholds: Thresholds,
    /// Training rows carrying each learned value.
    pub(super) counts: Vec<usize>,
    /// Per value, the categories it comes with in the training data (on at least
    /// [`GATE_SHARE`] of its rows): a value is predicted only in a sentence that has one of
    /// them (empty: no such category, no condition).
    pub(super) gates: Vec<Vec<usize>>,
    /// Out-of-fold scores of the threshold folds (optimistic, as the categories' summary).
    pub(super) cv: Option<Scores>,
}

impl AttributeHead {
    /// The learned values (`Family: Value`), sorted by name.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Decision threshold per value.
    pub fn thresholds(&self) -> &Thresholds {
        &self.thresholds
    }

    /// Training rows carrying each learned value.
    pub fn counts(&self) -> &[usize] {
        &self.counts
    }

    /// Out-of-fold scores of the threshold folds, when they were used.
    pub fn cv(&self) -> Option<&Scores> {
        self.cv.as_ref()
    }

    /// The categories each value comes with (see the field's documentation).
    pub fn gates(&self) -> &[Vec<usize>] {
        &self.gates
    }

    /// The values predicted for one unit: probability `probs[v]` passes value `v`'s threshold
    /// and the unit has one of the value's categories (`categories`: the unit's predicted
    /// category indices).
    pub fn decide(&self, probs: &[f32], categories: &[usize]) -> Vec<usize> {
        Self::decide_with(&self.thresholds, &self.gates, probs, categories)
    }

    /// [`AttributeHead::decide`] with the given thresholds and gates (training uses it before
    /// the head exists).
    pub(super) fn decide_with(
        thresholds: &Thresholds,
        gates: &[Vec<usize>],
        probs: &[f32],
        categories: &[usize],
    ) -> Vec<usize> {
        (0..probs.len())
            .filter(|&v| thresholds.passes(v, probs[v]) && gate_open(&gates[v], categories))
            .collect()
    }

    /// The statements of one unit: `(category, value, negated)` for every predicted value
    /// (of any family but [`STANCE_FAMILY`]) under every predicted category, negated when the
    /// unit has [`DOES_NOT`]. An attribute value belongs to each category of its sentence; the
    /// data profile, the report page and `diff` all read statements from here.
    pub fn statements(&self, categories: &[usize], values: &[usize]) -> Vec<(usize, usize, bool)> {
        let negated = values.iter().any(|&v| self.names[v] == DOES_NOT);
        let mut out = Vec::new();
        for &v in values {
            if family_of(&self.names[v]) == STANCE_FAMILY {
                continue;
            }
            out.extend(categories.iter().map(|&l| (l, v, negated)));
        }
        out
    }

    /// Whether the dimensions agree with a vectoriser of `k` features and `n_labels`
    /// categories.
    pub(super) fn is_consistent(&self, k: usize, n_labels: usize) -> bool {
        let n = self.names.len();
        n > 0
            && self.weights.len() == n * k
            && self.intercepts.len() == n
            && self.thresholds.len() == n
            && self.counts.len() == n
            && self.gates.len() == n
            && self.gates.iter().flatten().all(|&c| c < n_labels)
    }
}

/// The value that makes a unit's other values negated statements ("we do not sell …").
pub const DOES_NOT: &str = "Does/Does Not: Does Not";

/// The family whose values are a statement's stance rather than statements of their own.
pub const STANCE_FAMILY: &str = "Does/Does Not";

/// A value's categories are those on at least this share of its training rows.
pub const GATE_SHARE: f64 = 0.05;

/// Whether a value with `gate` may be predicted in a unit with `categories`.
pub(super) fn gate_open(gate: &[usize], categories: &[usize]) -> bool {
    gate.is_empty() || gate.iter().any(|c| categories.contains(c))
}

/// Each value's categories (columns of `y`) from the gold labels: those on at least
/// [`GATE_SHARE`] of the value's rows.
pub(super) fn gates_of(y: &Decisions, ya: &Decisions) -> Vec<Vec<usize>> {
    (0..ya.n_labels())
        .map(|v| {
            let rows: Vec<usize> = (0..ya.rows()).filter(|&r| ya.get(r, v)).collect();
            (0..y.n_labels())
                .filter(|&c| {
                    let with = rows.iter().filter(|&&r| y.get(r, c)).count();
                    !rows.is_empty() && with as f64 >= GATE_SHARE * rows.len() as f64
                })
                .collect()
        })
        .collect()
}

/// Per-value thresholds that maximise the micro-F1 pooled over all values of the
/// out-of-fold probabilities `oof` against `gold`, where value `v` can only be predicted in
/// rows `open[v]` allows (its gate): starting from each value's own best threshold `start`,
/// two rounds of coordinate ascent, each value's threshold chosen among the cuts between its
/// distinct probabilities given the others'.
pub(super) fn micro_thresholds(
    oof: &Probabilities,
    gold: &Decisions,
    open: &dyn Fn(usize, usize) -> bool,
    start: Vec<f32>,
) -> Vec<f32> {
    let nv = oof.n_labels();
    let n = oof.rows();
    // Per value: (probability, gold) of the rows its gate allows, most probable first.
    let cols: Vec<Vec<(f32, bool)>> = (0..nv)
        .map(|v| {
            let mut c: Vec<(f32, bool)> = (0..n)
                .filter(|&r| open(r, v))
                .map(|r| (oof.get(r, v), gold.get(r, v)))
                .collect();
            c.sort_by(|a, b| b.0.total_cmp(&a.0));
            c
        })
        .collect();
    let support: usize = gold.counts().iter().sum();
    let counts = |v: usize, t: f32| -> (usize, usize) {
        let on = cols[v].iter().take_while(|x| x.0 >= t);
        on.fold((0, 0), |(tp, p), x| (tp + usize::from(x.1), p + 1))
    };
    let mut t = start;
    let mut per: Vec<(usize, usize)> = (0..nv).map(|v| counts(v, t[v])).collect();
    for _ in 0..2 {
        for v in 0..nv {
            let (tp0, p0) = per.iter().fold((0, 0), |a, x| (a.0 + x.0, a.1 + x.1));
            let (tp_rest, p_rest) = (tp0 - per[v].0, p0 - per[v].1);
            let f1 = |tp: usize, p: usize| 2.0 * tp as f64 / (p + support).max(1) as f64;
            let mut best = (f1(tp0, p0), t[v], per[v]);
            let c = &cols[v];
            // Off: a threshold above the value's highest probability.
            let top = c.first().map_or(0.0, |x| x.0);
            if f1(tp_rest, p_rest) > best.0 {
                best = (
                    f1(tp_rest, p_rest),
                    (top + (1.0 - top) / 2.0).min(1.0),
                    (0, 0),
                );
            }
            let (mut tp, mut p) = (0, 0);
            for i in 0..c.len() {
                tp += usize::from(c[i].1);
                p += 1;
                if i + 1 < c.len() && c[i + 1].0 == c[i].0 {
                    continue;
                }
                let f = f1(tp_rest + tp, p_rest + p);
                if f > best.0 {
                    let next = c.get(i + 1).map_or(0.0, |x| x.0);
                    best = (f, ((c[i].0 + next) / 2.0).clamp(0.02, 0.98), (tp, p));
                }
            }
            t[v] = best.1;
            per[v] = counts(v, t[v]);
        }
    }
    t
}

/// The family of a `Family: Value` name (the text before the first `:`).
pub fn family_of(name: &str) -> &str {
    name.split_once(':').map_or(name, |(f, _)| f.trim())
}

/// Attribute values with their row counts.
pub(super) type ValueCounts = Vec<(String, usize)>;

/// Splits the data's attribute values into those to learn (at least `min` rows) and those
/// not learned, both sorted by name, with their row counts.
pub(super) fn select_values(
    counts: Vec<(String, usize)>,
    min: usize,
) -> (ValueCounts, ValueCounts) {
    counts.into_iter().partition(|(_, n)| *n >= min)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_under_the_minimum_are_not_learned() {
        let (learn, not) = select_values(
            vec![
                ("Purpose: Advertising".into(), 12),
                ("Purpose: Marketing".into(), 3),
            ],
            10,
        );
        assert_eq!(learn, [("Purpose: Advertising".to_string(), 12)]);
        assert_eq!(not, [("Purpose: Marketing".to_string(), 3)]);
        assert_eq!(family_of("Does/Does Not: Does Not"), "Does/Does Not");
    }

    #[test]
    fn gates_are_the_categories_a_value_comes_with() {
        // Categories a, b; value x on rows 0-2 (with a twice, b never), value y on no row.
        let y = Decisions::from_cells(2, vec![true, false, true, false, false, false]);
        let ya = Decisions::from_cells(2, vec![true, false, true, false, true, false]);
        assert_eq!(gates_of(&y, &ya), vec![vec![0], vec![]]);
        assert!(gate_open(&[0], &[1, 0]) && !gate_open(&[0], &[1]) && gate_open(&[], &[]));
    }

    #[test]
    fn micro_thresholds_trade_a_noisy_value_for_pooled_f1() {
        // Value 0 separates well; value 1 is noise with few positives: pooled micro-F1 is
        // best with value 1 (almost) off, although its own F1 is best fully on.
        let oof = Probabilities::from_cells(
            2,
            vec![0.9, 0.6, 0.8, 0.6, 0.7, 0.6, 0.2, 0.6, 0.1, 0.6, 0.1, 0.6],
        );
        let gold = Decisions::from_cells(
            2,
            vec![
                true, true, true, false, true, false, false, false, false, false, false, false,
            ],
        );
        let t = micro_thresholds(&oof, &gold, &|_, _| true, vec![0.45, 0.02]);
        assert!(t[0] > 0.2 && t[0] < 0.7, "{t:?}");
        assert!(t[1] > 0.6, "{t:?}");
    }
}
