//! Which tagged sentences become training rows: per-label confidence cut-offs chosen on the
//! threshold folds' held-out probabilities ([`CutOffs`]), the sentences every label of which
//! is decided beyond its cut-offs ([`Candidate`]), and the per-label cap ([`choose`]).

use crate::labels::{Decisions, Probabilities, Thresholds};
use serde::Serialize;

/// Per label, the probabilities beyond which a held-out decision was reliable enough to be
/// taken as a label.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CutOffs {
    /// A label is present at `P ≥ present[l]`: the lowest cut-off at which the held-out rows
    /// above it had at least the asked precision (never below the label's threshold).
    /// `None` when no cut-off reached it: the label is never added as present.
    pub present: Vec<Option<f32>>,
    /// A label is absent at `P < absent[l]`: at most the asked miss rate of its held-out
    /// positives fell below it (never above the label's threshold).
    pub absent: Vec<f32>,
}

impl CutOffs {
    /// The cut-offs of every label from held-out probabilities `probs` and gold labels `gold`
    /// of the same rows: held-out precision ≥ `confidence` above `present`, and at most
    /// `1 − confidence` of the label's positives below `absent`.
    pub fn choose(
        probs: &Probabilities,
        gold: &Decisions,
        thresholds: &Thresholds,
        confidence: f32,
    ) -> CutOffs {
        let nl = probs.n_labels();
        let miss_rate = 1.0 - confidence;
        let mut present = Vec::with_capacity(nl);
        let mut absent = Vec::with_capacity(nl);
        for l in 0..nl {
            let p = probs.column(l);
            let g = gold.column(l);
            let t = thresholds.get(l);
            present.push(present_cut(&p, &g, confidence).map(|c| c.max(t)));
            absent.push(absent_cut(&p, &g, miss_rate).min(t));
        }
        CutOffs { present, absent }
    }

    /// The labels of a unit with probabilities `row` when every label is decided beyond its
    /// cut-offs, with the weakest decision's confidence (P for a present label, 1 − P for an
    /// absent one); `None` when some label falls between its cut-offs.
    pub fn decide(&self, row: &[f32]) -> Option<(Vec<usize>, f32)> {
        let mut labels = Vec::new();
        let mut weakest = 1.0f32;
        for (l, &p) in row.iter().enumerate() {
            if self.present[l].is_some_and(|c| p >= c) {
                labels.push(l);
                weakest = weakest.min(p);
            } else if p < self.absent[l] {
                weakest = weakest.min(1.0 - p);
            } else {
                return None;
            }
        }
        Some((labels, weakest))
    }
}

/// The lowest probability `c` such that the rows with `P ≥ c` are positive at least at rate
/// `precision` (cut only between distinct probabilities); `None` when even the top row's
/// probability does not reach it, or there are no positives.
fn present_cut(p: &[f32], gold: &[bool], precision: f32) -> Option<f32> {
    let mut pairs: Vec<(f32, bool)> = p.iter().copied().zip(gold.iter().copied()).collect();
    pairs.sort_by(|a, b| b.0.total_cmp(&a.0));
    let (mut tp, mut best) = (0usize, None);
    for (i, &(pi, gi)) in pairs.iter().enumerate() {
        tp += usize::from(gi);
        if pairs.get(i + 1).is_some_and(|n| n.0 == pi) {
            continue;
        }
        if tp > 0 && tp as f32 / (i + 1) as f32 >= precision {
            best = Some(pi);
        }
    }
    best
}

/// The probability below which at most `miss_rate` of the positives fall (0 when there are
/// none: nothing is then taken as absent of a label never seen held out).
fn absent_cut(p: &[f32], gold: &[bool], miss_rate: f32) -> f32 {
    let mut pos: Vec<f32> = p
        .iter()
        .zip(gold)
        .filter(|(_, &g)| g)
        .map(|(&x, _)| x)
        .collect();
    if pos.is_empty() {
        return 0.0;
    }
    pos.sort_by(f32::total_cmp);
    let m = (miss_rate * pos.len() as f32).floor() as usize;
    pos[m.min(pos.len() - 1)]
}

/// A tagged sentence whose every label was decided beyond its cut-offs.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// The sentence text.
    pub text: String,
    /// Its labels (indices into the model's labels).
    pub labels: Vec<usize>,
    /// The model's attribute values for it (indices into the attribute head's names).
    pub attributes: Vec<usize>,
    /// The weakest decision's confidence.
    pub confidence: f32,
    /// Which document (input order) and block (paragraph) it comes from.
    pub doc: usize,
    /// The sentence's block in its document.
    pub block: usize,
    /// The sentence's index in its document.
    pub index: usize,
}

/// The candidates kept: per group (a candidate's group is its label with the fewest labelled
/// rows, or "no label"), the most confident first, at most `ceil(cap_ratio × labelled rows of
/// the group)`; returned in document order. `labelled` holds the labelled rows per label and
/// `labelled_none` those without a label.
pub fn choose(
    candidates: Vec<Candidate>,
    labelled: &[usize],
    labelled_none: usize,
    cap_ratio: f32,
) -> (Vec<Candidate>, Vec<usize>) {
    let nl = labelled.len();
    // Group nl is "no label".
    let mut groups: Vec<Vec<Candidate>> = vec![Vec::new(); nl + 1];
    for c in candidates {
        let g = c
            .labels
            .iter()
            .copied()
            .min_by_key(|&l| (labelled[l], l))
            .unwrap_or(nl);
        groups[g].push(c);
    }
    let mut kept = Vec::new();
    let mut per_group = Vec::with_capacity(nl + 1);
    for (g, mut v) in groups.into_iter().enumerate() {
        let base = if g == nl { labelled_none } else { labelled[g] };
        // In f32, as the ratio was given: 0.2 × 10 is 2 rows, not the 3 that 0.2 widened to
        // f64 (0.2000000030) would round up to.
        let cap = (cap_ratio * base as f32).ceil() as usize;
        v.sort_by(|a, b| {
            b.confidence
                .total_cmp(&a.confidence)
                .then(a.doc.cmp(&b.doc))
                .then(a.index.cmp(&b.index))
        });
        v.truncate(cap);
        per_group.push(v.len());
        kept.extend(v);
    }
    kept.sort_by_key(|c| (c.doc, c.index));
    (kept, per_group)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn present_cut_is_the_lowest_cut_with_the_precision() {
        let p = [0.99, 0.95, 0.9, 0.8, 0.7, 0.6, 0.4];
        let g = [true, true, true, false, true, false, false];
        // Above 0.9: 3/3; above 0.7: 4/5 = 0.8; above 0.8: 3/4.
        assert_eq!(present_cut(&p, &g, 0.95), Some(0.9));
        assert_eq!(present_cut(&p, &g, 0.8), Some(0.7));
        assert_eq!(present_cut(&[0.9, 0.8], &[false, true], 0.95), None);
        assert_eq!(present_cut(&[0.9, 0.8], &[false, false], 0.5), None);
    }

    #[test]
    fn absent_cut_leaves_at_most_the_miss_rate_of_positives_below() {
        let p: Vec<f32> = (0..100).map(|i| i as f32 / 100.0).collect();
        let g: Vec<bool> = (0..100).map(|i| i >= 50).collect();
        let c = absent_cut(&p, &g, 0.1);
        let below = p.iter().zip(&g).filter(|(&x, &y)| y && x < c).count();
        assert_eq!(below, 5, "{c}");
        assert_eq!(absent_cut(&p, &[false; 100], 0.1), 0.0);
    }

    #[test]
    fn a_unit_is_taken_only_when_every_label_is_beyond_its_cut_offs() {
        let cuts = CutOffs {
            present: vec![Some(0.9), None],
            absent: vec![0.2, 0.1],
        };
        assert_eq!(cuts.decide(&[0.95, 0.05]), Some((vec![0], 0.95)));
        assert_eq!(cuts.decide(&[0.1, 0.05]), Some((vec![], 0.9)));
        assert_eq!(cuts.decide(&[0.5, 0.05]), None);
        // A label without a present cut-off can only be absent.
        assert_eq!(cuts.decide(&[0.95, 0.99]), None);
    }

    fn cand(labels: Vec<usize>, confidence: f32, doc: usize) -> Candidate {
        Candidate {
            text: format!("{doc}"),
            labels,
            attributes: Vec::new(),
            confidence,
            doc,
            block: 0,
            index: 0,
        }
    }

    #[test]
    fn the_cap_keeps_the_most_confident_of_each_rarest_label() {
        let c = vec![
            cand(vec![0], 0.91, 0),
            cand(vec![0, 1], 0.99, 1),
            cand(vec![0], 0.97, 2),
            cand(vec![1], 0.92, 3),
            cand(vec![], 0.98, 4),
            cand(vec![0], 0.96, 5),
        ];
        // Label 1 is the rarer (2 labelled rows): the two-label unit counts against it.
        let (kept, per) = choose(c, &[10, 2], 1, 0.2);
        assert_eq!(per, vec![2, 1, 1]);
        let docs: Vec<usize> = kept.iter().map(|c| c.doc).collect();
        assert_eq!(docs, vec![1, 2, 4, 5]);
    }
}
