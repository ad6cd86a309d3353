//! The neighbour stage: a second, small `linfa-logistic` model per label that revises a
//! unit's probabilities with those of the units around it in its paragraph.
//!
//! Real annotators label a sentence in the light of its paragraph: a short follow-up ("This
//! helps us improve the site.") takes the practice of the sentence before it, and a sentence
//! that mentions opting out inside a sharing paragraph is often about sharing. The text stage
//! (TF-IDF × weights, [`crate::model`]) already sees the paragraph's words; this stage sees
//! the paragraph's *decisions*. For unit `j` of a paragraph of `s` units with first-stage
//! probabilities `P` (`s` × `L`), its [`n_features`]`(L)` inputs are:
//!
//! | columns | what |
//! |---|---|
//! | `0..L` | `P[j]`, the unit's own probabilities |
//! | `L..2L` | their log-odds × [`LOGIT_SCALE`] (probabilities clipped to `[1e-4, 1 − 1e-4]`) |
//! | `2L..3L` | `P[j − 1]`, the previous unit's (0 for the first) |
//! | `3L..4L` | `P[j + 1]`, the next unit's (0 for the last) |
//! | `4L..5L` | mean of the other units' (0 when alone) |
//! | `5L..6L` | maximum of the other units' (0 when alone) |
//! | `6L`, `6L+1`, `6L+2` | first in its paragraph, last, alone (1 or 0) |
//!
//! Every label's model sees every label's probabilities, so the stage also learns how the
//! practices co-occur. It is trained on out-of-fold first-stage probabilities (the folds
//! that tune the thresholds), so it learns how far to trust a first stage that has not seen
//! the sentence. A unit given alone (no paragraph) is a paragraph of one.

use super::kernels::sigmoid;
use crate::error::Result;
use crate::features::SparseRow;
use crate::labels::{Decisions, Probabilities};
use crate::sentences::paragraph::Paragraphs;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// Number of inputs of the neighbour stage for `n_labels` labels.
pub fn n_features(n_labels: usize) -> usize {
    6 * n_labels + 3
}

/// The log-odds inputs are scaled by this (to ±2.3, the range of the other inputs: the
/// solver then needs a third of the iterations; same CV F1).
pub const LOGIT_SCALE: f32 = 0.25;

/// Above this many rows the stage is fitted on every k-th paragraph, k = ⌈rows / MAX_ROWS⌉
/// (about MAX_ROWS rows; more when paragraphs differ much in size).
pub const MAX_ROWS: usize = 20_000;

/// Probabilities are clipped to `[CLIP, 1 − CLIP]` before taking log-odds.
const CLIP: f32 = 1e-4;

/// Writes the neighbour-stage inputs of every unit of one paragraph: `probs` is `s` × `L`
/// row-major first-stage probabilities, `out` gets `s` × [`n_features`]`(L)`.
pub fn paragraph_features(probs: &[f32], n_labels: usize, out: &mut Vec<f32>) {
    let l = n_labels;
    let nf = n_features(l);
    let s = probs.len().checked_div(l).unwrap_or(0);
    out.clear();
    out.resize(s * nf, 0.0);
    // Per label: sum, and the two largest values with the row of the largest (only read for
    // paragraphs of several units; most are one unit, so nothing is allocated then).
    let per_label = if s > 1 { l } else { 0 };
    let mut sum = vec![0f32; per_label];
    let mut top = vec![(f32::NEG_INFINITY, usize::MAX); per_label];
    let mut second = vec![f32::NEG_INFINITY; per_label];
    for j in 0..if s > 1 { s } else { 0 } {
        for c in 0..l {
            let v = probs[j * l + c];
            sum[c] += v;
            if v > top[c].0 {
                second[c] = top[c].0;
                top[c] = (v, j);
            } else if v > second[c] {
                second[c] = v;
            }
        }
    }
    for j in 0..s {
        let row = &mut out[j * nf..(j + 1) * nf];
        let own = &probs[j * l..(j + 1) * l];
        for c in 0..l {
            let p = own[c].clamp(CLIP, 1.0 - CLIP);
            row[c] = own[c];
            row[l + c] = (p / (1.0 - p)).ln() * LOGIT_SCALE;
            if j > 0 {
                row[2 * l + c] = probs[(j - 1) * l + c];
            }
            if j + 1 < s {
                row[3 * l + c] = probs[(j + 1) * l + c];
            }
            if s > 1 {
                row[4 * l + c] = (sum[c] - own[c]) / (s - 1) as f32;
                row[5 * l + c] = if top[c].1 == j { second[c] } else { top[c].0 };
            }
        }
        row[6 * l] = f32::from(u8::from(j == 0));
        row[6 * l + 1] = f32::from(u8::from(j + 1 == s));
        row[6 * l + 2] = f32::from(u8::from(s == 1));
    }
}

/// `a · b` summed in eight lanes (so the compiler can use SIMD: a plain `sum` must keep its
/// sequential order), the lanes added pairwise at the end.
fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0f32; 8];
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f32 = ca
        .remainder()
        .iter()
        .zip(cb.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in ca.zip(cb) {
        for k in 0..8 {
            acc[k] += x[k] * y[k];
        }
    }
    let [a0, a1, a2, a3, a4, a5, a6, a7] = acc;
    ((a0 + a4) + (a1 + a5)) + ((a2 + a6) + (a3 + a7)) + tail
}

/// The rows `members` of `probs`, in that order, into `out` (row-major).
fn gather(probs: &Probabilities, members: &[usize], out: &mut Vec<f32>) {
    out.clear();
    for &r in members {
        out.extend_from_slice(probs.row(r));
    }
}

/// The rows `members` span when they are consecutive (a paragraph of a predicted document).
fn consecutive(members: &[usize]) -> Option<std::ops::Range<usize>> {
    let (&first, &last) = (members.first()?, members.last()?);
    (last - first + 1 == members.len() && members.windows(2).all(|w| w[1] == w[0] + 1))
        .then_some(first..last + 1)
}

/// Fits one binary model of the stage: `(rows, target, start)` → weights and intercept,
/// oriented as P(true).
pub trait FitLabel: Fn(&[SparseRow], &[bool], &[f32]) -> Result<(Vec<f32>, f32)> + Sync {}

impl<F: Fn(&[SparseRow], &[bool], &[f32]) -> Result<(Vec<f32>, f32)> + Sync> FitLabel for F {}

/// The fitted neighbour stage: per label, weights over [`n_features`] inputs and an
/// intercept, giving the log-odds of the label.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NeighbourStage {
    n_labels: usize,
    /// Label-major: `weights[l * n_features + j]`.
    weights: Vec<f32>,
    intercepts: Vec<f32>,
}

impl NeighbourStage {
    /// Fits the stage on first-stage probabilities `probs` of rows grouped into `paragraphs`
    /// and the gold labels `y` (same rows and labels). Above [`MAX_ROWS`] rows it is fitted on every k-th
    /// paragraph (63 weights per label need no more than about that many rows).
    /// `fit_label(rows, target, start)` fits one binary model on the stage's input rows from
    /// `start` (`[weights…, intercept]`) and returns its weights and intercept, oriented as
    /// P(true) (the model's own fitter: sparse solution, then linfa-logistic's check).
    pub fn fit(
        probs: &Probabilities,
        paragraphs: &Paragraphs,
        y: &Decisions,
        fit_label: impl FitLabel,
    ) -> Result<NeighbourStage> {
        let l = probs.n_labels();
        let nf = n_features(l);
        let n = probs.rows();
        let stride = n.div_ceil(MAX_ROWS).max(1);
        let mut rows: Vec<SparseRow> = Vec::new();
        let mut used: Vec<usize> = Vec::new();
        let (mut group, mut feats) = (Vec::new(), Vec::new());
        for members in paragraphs.groups().iter().step_by(stride) {
            gather(probs, members, &mut group);
            paragraph_features(&group, l, &mut feats);
            for (i, &r) in members.iter().enumerate() {
                rows.push(
                    feats[i * nf..(i + 1) * nf]
                        .iter()
                        .enumerate()
                        .filter(|(_, v)| **v != 0.0)
                        .map(|(j, &v)| (j as u32, v))
                        .collect(),
                );
                used.push(r);
            }
        }
        let fitted: Vec<Result<(Vec<f32>, f32)>> = (0..l)
            .into_par_iter()
            .map(|c| {
                let target: Vec<bool> = used.iter().map(|&r| y.get(r, c)).collect();
                // "Keep the first stage's verdict": weight 1 / LOGIT_SCALE on the label's own
                // log-odds column.
                let mut keep = vec![0.0; nf + 1];
                keep[l + c] = 1.0 / LOGIT_SCALE;
                let pos = target.iter().filter(|&&t| t).count();
                if pos == 0 || pos == target.len() {
                    // A label on no row (or every row) of the folds: keep that verdict.
                    keep.pop();
                    return Ok((keep, 0.0));
                }
                // The optimum is near that verdict, so the solver starts there.
                fit_label(&rows, &target, &keep)
            })
            .collect();
        let mut weights = Vec::with_capacity(l * nf);
        let mut intercepts = Vec::with_capacity(l);
        for r in fitted {
            let (w, b) = r?;
            weights.extend(w);
            intercepts.push(b);
        }
        Ok(NeighbourStage {
            n_labels: l,
            weights,
            intercepts,
        })
    }

    /// Whether the stage's dimensions fit a model of `n_labels` labels (a check for model
    /// files: a corrupt one must be rejected, not panic at prediction).
    pub fn is_consistent(&self, n_labels: usize) -> bool {
        self.n_labels == n_labels
            && self.weights.len() == n_labels * n_features(n_labels)
            && self.intercepts.len() == n_labels
    }

    /// Replaces the first-stage probabilities of one paragraph (`s` × `L`, row-major, in
    /// reading order) by the stage's; `scratch` is reused between calls.
    pub fn revise(&self, probs: &mut [f32], scratch: &mut Vec<f32>) {
        let l = self.n_labels;
        let nf = n_features(l);
        paragraph_features(probs, l, scratch);
        for (j, out) in probs.chunks_mut(l.max(1)).enumerate() {
            let x = &scratch[j * nf..(j + 1) * nf];
            for (c, o) in out.iter_mut().enumerate() {
                let w = &self.weights[c * nf..(c + 1) * nf];
                let z = self.intercepts[c] + dot(x, w);
                *o = sigmoid(z);
            }
        }
    }

    /// [`NeighbourStage::revise`] over the rows of `probs` grouped into `paragraphs`.
    pub fn revise_groups(&self, probs: &mut Probabilities, paragraphs: &Paragraphs) {
        let l = self.n_labels;
        let (mut group, mut scratch) = (Vec::new(), Vec::new());
        for members in paragraphs.groups() {
            if let Some(rows) = consecutive(members) {
                let cells = &mut probs.as_mut_slice()[rows.start * l..rows.end * l];
                self.revise(cells, &mut scratch);
                continue;
            }
            gather(probs, members, &mut group);
            self.revise(&mut group, &mut scratch);
            for (i, &r) in members.iter().enumerate() {
                probs.row_mut(r).copy_from_slice(&group[i * l..(i + 1) * l]);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn features_of_a_paragraph_follow_the_table() {
        // Three units, two labels.
        let p = [0.9, 0.1, 0.2, 0.6, 0.5, 0.3];
        let mut f = Vec::new();
        paragraph_features(&p, 2, &mut f);
        let nf = n_features(2);
        assert_eq!(f.len(), 3 * nf);
        let row = |j: usize| &f[j * nf..(j + 1) * nf];
        // Unit 1 (middle): own, log-odds, previous, next, mean and max of the others, flags.
        let m = row(1);
        assert_eq!(&m[0..2], &[0.2, 0.6]);
        assert!((m[2] - (0.2f32 / 0.8).ln() * LOGIT_SCALE).abs() < 1e-6);
        assert!((m[3] - (0.6f32 / 0.4).ln() * LOGIT_SCALE).abs() < 1e-6);
        assert_eq!(&m[4..6], &[0.9, 0.1]);
        assert_eq!(&m[6..8], &[0.5, 0.3]);
        assert!((m[8] - 0.7).abs() < 1e-6 && (m[9] - 0.2).abs() < 1e-6);
        assert_eq!(&m[10..12], &[0.9, 0.3]);
        assert_eq!(&m[12..15], &[0.0, 0.0, 0.0]);
        // First unit: no previous; the max of the others skips its own 0.9.
        let a = row(0);
        assert_eq!(&a[4..6], &[0.0, 0.0]);
        assert_eq!(&a[10..12], &[0.5, 0.6]);
        assert_eq!(&a[12..15], &[1.0, 0.0, 0.0]);
        assert_eq!(&row(2)[12..15], &[0.0, 1.0, 0.0]);
        // A unit alone: only its own columns and the "alone" flags.
        paragraph_features(&[0.3, 0.7], 2, &mut f);
        assert_eq!(&f[4..12], &[0.0; 8]);
        assert_eq!(&f[12..15], &[1.0, 1.0, 1.0]);
    }

    #[test]
    fn the_stage_learns_to_follow_the_previous_unit() {
        // Label 0 of the second unit of each paragraph is whatever the first unit's first
        // stage said, while its own first-stage probability is noise: only the stage's
        // "previous" column can explain it.
        let (mut probs, mut y) = (Vec::new(), Vec::new());
        let mut seed = 7u64;
        let mut rnd = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 40) as f32 / (1u64 << 24) as f32
        };
        for g in 0..400 {
            let lead = g % 2 == 0;
            let first = if lead {
                0.8 + 0.15 * rnd()
            } else {
                0.05 + 0.15 * rnd()
            };
            let r = probs.len() / 2;
            probs.extend([first, 0.5]);
            y.extend([lead, false]);
            probs.extend([rnd(), 0.5]);
            y.extend([lead, false]);
            assert_eq!(r % 2, 0);
        }
        let p = crate::model::TrainParams::default();
        let fit = super::super::solve::neighbour_fitter(&p, 2);
        let paragraphs = Paragraphs::by_key(probs.len() / 2, |i| Some(i / 2));
        let (probs, y) = (
            Probabilities::from_cells(2, probs),
            Decisions::from_cells(2, y),
        );
        let stage = NeighbourStage::fit(&probs, &paragraphs, &y, fit).unwrap();
        let mut on = [0.9, 0.5, 0.2, 0.5];
        let mut off = [0.1, 0.5, 0.8, 0.5];
        let mut s = Vec::new();
        stage.revise(&mut on, &mut s);
        stage.revise(&mut off, &mut s);
        assert!(on[2] > 0.8, "{on:?}");
        assert!(off[2] < 0.2, "{off:?}");
        // A label that is never true stays with the first stage's verdict.
        assert!((on[1] - 0.5).abs() < 1e-6);
        assert!(stage.is_consistent(2) && !stage.is_consistent(3));
        // Revising groups in place (consecutive rows) or gathered (scattered rows) is the same.
        let mut a = probs.select(&[0, 1, 2, 3]);
        stage.revise_groups(&mut a, &Paragraphs::runs(&[0, 0, 1, 1]));
        let mut b = probs.select(&[0, 2, 1, 3]);
        stage.revise_groups(&mut b, &Paragraphs::by_key(4, |i| Some(i % 2)));
        assert_eq!(a, b.select(&[0, 2, 1, 3]));
    }
}
