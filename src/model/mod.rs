//! The model: one `linfa-logistic` binary classifier per label over the TF-IDF features,
//! per-label decision thresholds tuned on held-out folds, and the versioned model file.
//!
//! Training builds, per label, a dense column-major f32 matrix of the chi²-selected features
//! only (linfa-logistic takes dense arrays), with positive rows repeated for class balance
//! (linfa-logistic has no sample weights). Prediction never densifies: the fitted weights
//! (`params()`, `intercept()`) are stacked into a feature-major matrix and multiplied with the
//! sparse TF-IDF rows, which gives exactly the probabilities linfa would compute.

pub mod neighbours;
pub mod sparse_lr;

use crate::data::{LabelledData, SourceInfo};
use crate::error::{Error, Result};
use crate::eval::{self, Scores};
use crate::features::{Normaliser, Scratch, SparseRow, Vectoriser, VectoriserParams};
use crate::sentences::paragraph::Paragraphs;
use linfa::prelude::*;
use linfa_logistic::LogisticRegression;
use ndarray::{Array1, Array2, ShapeBuilder};
use neighbours::NeighbourStage;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::Path;

/// Iteration limit of the neighbour stage's fits (small dense problems: cheap).
const NEIGHBOUR_MAX_ITERATIONS: u64 = 300;

/// Current model file format version. Bump on any incompatible change.
pub const FORMAT_VERSION: u32 = 5;
const MAGIC: &[u8; 8] = b"PCLSMDL\n";

/// The unit a model is trained on and applied to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Unit {
    /// Sentences (and headings, list items).
    #[default]
    Sentence,
    /// Paragraphs (segments), as OPP-115 results are often quoted.
    Segment,
}

/// Unchecked training parameters (linfa style): build, then [`TrainParams::check`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TrainParams {
    /// Vectoriser settings.
    pub vectoriser: VectoriserParams,
    /// L2 penalty strength (`alpha`, ≈ 1/C of scikit-learn).
    pub alpha: f32,
    /// L-BFGS iteration limit per label.
    pub max_iterations: u64,
    /// Gradient tolerance per training row (the loss is summed over rows, so the solver's
    /// tolerance is this × rows).
    pub tolerance_per_row: f32,
    /// Class balancing: positives are repeated `min(max_repeat, (neg/pos)^balance_power)`
    /// times (0 = no balancing, 1 = fully balanced).
    pub balance_power: f32,
    /// Cap on how often one positive row is repeated.
    pub max_repeat: usize,
    /// Folds (grouped by policy) used to tune the per-label thresholds; below 2 = fixed 0.5.
    pub threshold_folds: usize,
    /// Seed for fold assignment.
    pub seed: u64,
    /// Start linfa-logistic from the solution of the same objective on the sparse rows
    /// (`sparse_lr`); `false` runs linfa-logistic from zero, ~15× slower, same optimum.
    pub warm_start: bool,
    /// Largest dense matrix (MiB) built for linfa-logistic's final fit of one label.
    /// linfa-logistic takes dense arrays only (100,000 rows × 10,000 features would be 4 GB
    /// per label); a label whose matrix would be larger keeps the sparse solution of the
    /// identical objective (same solver, argmin's L-BFGS, at a quarter of linfa's gradient
    /// tolerance). Two labels are fitted at a time. 0 = always the sparse solution.
    pub dense_limit_mib: usize,
    /// What a training row is; prediction splits documents into the same unit.
    pub unit: Unit,
    /// Fit the neighbour stage ([`crate::model::neighbours`]) on the threshold folds' out-of-fold
    /// probabilities (needs `threshold_folds` ≥ 2).
    pub neighbour_stage: bool,
    /// L2 penalty strength of the neighbour stage.
    pub neighbour_alpha: f32,
}

impl Default for TrainParams {
    fn default() -> Self {
        TrainParams {
            vectoriser: VectoriserParams::default(),
            alpha: 0.5,
            max_iterations: 150,
            tolerance_per_row: 1e-4,
            balance_power: 0.5,
            max_repeat: 10,
            threshold_folds: 3,
            seed: 42,
            warm_start: true,
            dense_limit_mib: 1536,
            unit: Unit::Sentence,
            neighbour_stage: true,
            neighbour_alpha: 1.0,
        }
    }
}

/// Training parameters that passed [`TrainParams::check`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ValidTrainParams(TrainParams);

impl ValidTrainParams {
    /// The checked parameters.
    pub fn get(&self) -> &TrainParams {
        &self.0
    }
}

impl TrainParams {
    /// Validates the parameters.
    pub fn check(&self) -> Result<ValidTrainParams> {
        self.vectoriser.check()?;
        if !(self.alpha.is_finite() && self.alpha > 0.0) {
            return Err(Error::Params(format!(
                "alpha must be positive, got {}",
                self.alpha
            )));
        }
        if !(self.neighbour_alpha.is_finite() && self.neighbour_alpha > 0.0) {
            return Err(Error::Params(format!(
                "the neighbour stage's alpha must be positive, got {}",
                self.neighbour_alpha
            )));
        }
        if self.max_iterations == 0 {
            return Err(Error::Params("max_iterations must be at least 1".into()));
        }
        if !(self.tolerance_per_row.is_finite() && self.tolerance_per_row > 0.0) {
            return Err(Error::Params("tolerance must be positive".into()));
        }
        if !(0.0..=1.0).contains(&self.balance_power) {
            return Err(Error::Params("balance power must be within 0..=1".into()));
        }
        if self.max_repeat == 0 {
            return Err(Error::Params("max_repeat must be at least 1".into()));
        }
        Ok(ValidTrainParams(*self))
    }
}

/// What the model was trained on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainingInfo {
    /// Training files with size and SHA-256.
    pub sources: Vec<SourceInfo>,
    /// Number of training rows.
    pub rows: usize,
    /// Positive rows per label.
    pub label_counts: Vec<usize>,
}

/// Cross-validated metrics stored in the model (out-of-fold predictions of the threshold
/// folds, revised by the neighbour stage, which was fitted on them; thresholds were tuned on
/// the same predictions, so these are slightly optimistic — `classify evaluate --cv` gives the
/// unbiased figures).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CvSummary {
    /// Number of folds.
    pub folds: usize,
    /// Sentence-level scores of the out-of-fold predictions.
    pub scores: Scores,
}

/// A trained multi-label model.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Model {
    /// Label names, from the training data.
    pub labels: Vec<String>,
    /// The fitted vectoriser.
    pub vectoriser: Vectoriser,
    /// Weights, feature-major: `weights[f * labels.len() + l]`.
    pub weights: Vec<f32>,
    /// Intercept per label.
    pub intercepts: Vec<f32>,
    /// The neighbour stage, when trained: revises each unit's probabilities with its
    /// paragraph's (see [`crate::model::neighbours`]).
    pub neighbours: Option<NeighbourStage>,
    /// Decision threshold per label (applied to the final probabilities).
    pub thresholds: Vec<f32>,
    /// The parameters used.
    pub params: TrainParams,
    /// What it was trained on.
    pub training: TrainingInfo,
    /// Cross-validated metrics, when threshold folds were used.
    pub cv: Option<CvSummary>,
    /// Crate version that wrote the model.
    pub written_by: String,
    /// Labels whose final fit kept the sparse solver's solution because linfa-logistic's
    /// dense matrix would have exceeded [`TrainParams::dense_limit_mib`] (known after
    /// training only; not stored in the model file).
    #[serde(skip)]
    pub sparse_only: Vec<usize>,
}

/// Progress events during training.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrainStage {
    /// Starting fold `i` of `n` for threshold tuning.
    Fold(usize, usize),
    /// Fitting the neighbour stage on the folds' out-of-fold probabilities.
    Neighbours,
    /// Training the final model on all rows.
    Final,
}

/// The core fitted parts: vectoriser, weights, intercepts.
struct Core {
    vectoriser: Vectoriser,
    weights: Vec<f32>,
    intercepts: Vec<f32>,
    /// Labels fitted by the sparse solver alone although linfa was asked for.
    sparse_only: Vec<usize>,
}

/// Assigns each row a fold in `0..k`, keeping each group (policy) in one fold. Groups are
/// shuffled with `seed` and then placed, largest first, in the fold with the fewest rows.
pub fn group_folds(groups: &[String], k: usize, seed: u64) -> Vec<usize> {
    let mut names: Vec<&String> = groups.iter().collect();
    names.sort();
    names.dedup();
    let mut sizes: Vec<(usize, u64, &String)> = names
        .iter()
        .map(|g| {
            let n = groups.iter().filter(|x| x == g).count();
            (n, splitmix(seed ^ fxhash(g)), *g)
        })
        .collect();
    sizes.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut load = vec![0usize; k];
    let mut fold_of = std::collections::BTreeMap::new();
    for (n, _, g) in sizes {
        let f = (0..k).min_by_key(|&f| (load[f], f)).unwrap_or(0);
        load[f] += n;
        fold_of.insert(g, f);
    }
    groups.iter().map(|g| fold_of[g]).collect()
}

fn fxhash(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
    })
}

fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// Which fitter has the last word on a core's weights.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fitter {
    /// linfa-logistic (warm-started from the sparse solution unless `warm_start` is off):
    /// the model that is saved.
    Linfa,
    /// The sparse solution of the same objective alone: models used only to tune thresholds
    /// on held-out folds and then discarded (falls back to linfa when `warm_start` is off).
    Sparse,
}

fn fit_core(
    normaliser: &Normaliser,
    texts: &[&str],
    contexts: &[&str],
    y: &[bool],
    n_labels: usize,
    p: &TrainParams,
    (fitter, prior): (Fitter, &[Core]),
) -> Result<Core> {
    let vectoriser = Vectoriser::fit(
        &p.vectoriser,
        normaliser,
        texts,
        Some(contexts),
        y,
        n_labels,
    )?;
    let (rows, shared) = vectoriser.transform_shared(normaliser, texts, contexts);
    let k = vectoriser.len();
    let starts = mean_start(&vectoriser, prior, n_labels);
    let fitted: Vec<Result<(Vec<f32>, f32, bool)>> = (0..n_labels)
        .into_par_iter()
        .map(|l| {
            let target = label_column(y, n_labels, l);
            let start = starts.as_ref().map(|s| &s[l][..]);
            let data = (&rows[..], &shared);
            fit_label(data, &target, &format!("label {l}"), k, p, (fitter, start))
        })
        .collect();
    let mut weights = vec![0f32; k * n_labels];
    let mut intercepts = vec![0f32; n_labels];
    let mut sparse_only = Vec::new();
    for (l, r) in fitted.into_iter().enumerate() {
        let (w, b, sparse) = r?;
        if sparse && fitter == Fitter::Linfa {
            sparse_only.push(l);
        }
        for f in 0..k {
            weights[f * n_labels + l] = w[f];
        }
        intercepts[l] = b;
    }
    Ok(Core {
        vectoriser,
        weights,
        intercepts,
        sparse_only,
    })
}

/// Starting points `[w, b]` per label for a fit over `vectoriser`'s features: the mean of
/// the `prior` cores' weights, matched by term (a term a prior lacks counts as 0 there).
/// The objective is strictly convex, so the start changes only how fast the solver reaches
/// the optimum; the threshold folds' models (fitted on parts of the same rows) are close to
/// it. `None` without priors.
fn mean_start(vectoriser: &Vectoriser, prior: &[Core], n_labels: usize) -> Option<Vec<Vec<f32>>> {
    if prior.is_empty() {
        return None;
    }
    let k = vectoriser.len();
    let index: std::collections::HashMap<&str, usize> =
        (0..k).map(|f| (vectoriser.term(f), f)).collect();
    let mut starts = vec![vec![0f32; k + 1]; n_labels];
    let share = 1.0 / prior.len() as f32;
    for c in prior {
        for pf in 0..c.vectoriser.len() {
            if let Some(&f) = index.get(c.vectoriser.term(pf)) {
                for (l, s) in starts.iter_mut().enumerate() {
                    s[f] += share * c.weights[pf * n_labels + l];
                }
            }
        }
        for (l, s) in starts.iter_mut().enumerate() {
            s[k] += share * c.intercepts[l];
        }
    }
    Some(starts)
}

/// The fitter of the neighbour stage's per-label models: [`fit_label`] (the sparse solution,
/// then linfa-logistic's check on the dense inputs, which are small) with the stage's alpha,
/// no class balancing (the thresholds do that) and a higher iteration limit.
pub(crate) fn neighbour_fitter(p: &TrainParams, n_labels: usize) -> impl neighbours::FitLabel {
    let sp = TrainParams {
        alpha: p.neighbour_alpha,
        balance_power: 0.0,
        max_iterations: NEIGHBOUR_MAX_ITERATIONS,
        warm_start: true,
        ..*p
    };
    move |rows, target, start| {
        let k = neighbours::n_features(n_labels);
        let what = "the neighbour stage";
        let shared = crate::features::SharedContextRows::from_rows(rows);
        fit_label(
            (rows, &shared),
            target,
            what,
            k,
            &sp,
            (Fitter::Linfa, Some(start)),
        )
        .map(|(w, b, _)| (w, b))
    }
}

/// Column `l` of the row-major `n` × `n_labels` gold matrix `y`.
fn label_column(y: &[bool], n_labels: usize, l: usize) -> Vec<bool> {
    y.iter().skip(l).step_by(n_labels).copied().collect()
}

/// Fits one label (`target[r]`: row `r` has it; `what` names it in errors) on `rows` with `k`
/// features, the sparse solver started at `start` (else zeros); returns weights and
/// intercept oriented as P(true), and whether the sparse solution was kept.
fn fit_label(
    (rows, shared): (&[SparseRow], &crate::features::SharedContextRows),
    target: &[bool],
    what: &str,
    k: usize,
    p: &TrainParams,
    (fitter, start): (Fitter, Option<&[f32]>),
) -> Result<(Vec<f32>, f32, bool)> {
    let n = rows.len();
    let pos = target.iter().filter(|&&t| t).count();
    let neg = n - pos;
    if pos == 0 || neg == 0 {
        // A fold may lack a rare label entirely: predict the constant class.
        let b = if pos == 0 { -20.0 } else { 20.0 };
        return Ok((vec![0.0; k], b, false));
    }
    let repeat = if p.balance_power > 0.0 && neg > pos {
        ((neg as f32 / pos as f32).powf(p.balance_power).round() as usize).clamp(1, p.max_repeat)
    } else {
        1
    };
    let m = n + pos * (repeat - 1);
    let tolerance = p.tolerance_per_row * m as f32;
    // 1. Solve the same objective on the sparse rows (fast), oriented as P(true).
    let weight: Vec<f32> = target
        .iter()
        .map(|&t| if t { repeat as f32 } else { 1.0 })
        .collect();
    let warm = if p.warm_start {
        let solve = crate::model::sparse_lr::Solve {
            alpha: p.alpha,
            // The folds' models only tune thresholds and the neighbour stage: linfa's
            // tolerance is enough there (28 % fewer solver row passes on 100,000 rows, same
            // CV F1); the model that is kept gets a quarter of it.
            tolerance: if fitter == Fitter::Sparse {
                tolerance
            } else {
                tolerance / 4.0
            },
            max_iterations: p.max_iterations,
            start,
        };
        let w = crate::model::sparse_lr::fit(shared, target, &weight, k, &solve)
            .map_err(|e| Error::Train(format!("sparse warm start failed for {what}: {e}")))?;
        Some(w)
    } else {
        None
    };
    let too_big = m.saturating_mul(k).saturating_mul(4) > p.dense_limit_mib << 20;
    if let Some(w) = &warm {
        if fitter == Fitter::Sparse || too_big {
            // Oriented as P(true) already: [weights…, intercept].
            return Ok((w.slice(ndarray::s![..k]).to_vec(), w[k], true));
        }
    }
    // linfa-logistic's positive class is the majority class (ties: the first row's class).
    let pos_true = match (pos * repeat).cmp(&neg) {
        std::cmp::Ordering::Greater => true,
        std::cmp::Ordering::Less => false,
        std::cmp::Ordering::Equal => target[0],
    };
    let init = warm.map(|w| if pos_true { w } else { -w });
    // 2. linfa-logistic on the dense column-major matrix of the selected features, started at
    //    that solution: it checks convergence on the exact dense objective and refines if needed.
    let mut x = Array2::<f32>::zeros((m, k).f());
    let mut t = Array1::<bool>::from_elem(m, false);
    let mut i = 0;
    for (r, row) in rows.iter().enumerate() {
        let on = target[r];
        let copies = if on { repeat } else { 1 };
        for _ in 0..copies {
            for &(f, v) in row {
                x[[i, f as usize]] = v;
            }
            t[i] = on;
            i += 1;
        }
    }
    let ds = Dataset::new(x, t);
    let mut lr = LogisticRegression::default()
        .alpha(p.alpha)
        .max_iterations(p.max_iterations)
        .gradient_tolerance(tolerance);
    if let Some(init) = init {
        lr = lr.initial_params(init);
    }
    let fitted = lr
        .fit(&ds)
        .map_err(|e| Error::Train(format!("logistic regression failed for {what}: {e}")))?;
    // predict_probabilities gives P(labels().pos.class); we store weights for P(true).
    let sign = if fitted.labels().pos.class { 1.0 } else { -1.0 };
    let w = fitted.params().iter().map(|v| sign * v).collect();
    Ok((w, sign * fitted.intercept(), false))
}

/// The units the neighbour stage looks across: a sentence's paragraph, a segment's document.
fn neighbourhoods(data: &LabelledData, unit: Unit) -> Paragraphs {
    match unit {
        Unit::Sentence => data.paragraphs(),
        Unit::Segment => data.documents(),
    }
}

/// The logistic function (also the neighbour stage's).
pub(crate) fn sigmoid(z: f32) -> f32 {
    1.0 / (1.0 + (-z).exp())
}

/// Adds `row · weights` of every label to `out` (`weights` feature-major, `out.len()` labels).
/// Up to 16 labels go through a copy specialised for the count (the ten OPP-115 labels are
/// the common case): the label loop unrolls into vector adds with one bounds check per
/// feature. Each label's sum is accumulated in row order either way, so the results are
/// the same bits.
fn add_dots(core_w: &[f32], row: &[(u32, f32)], out: &mut [f32]) {
    macro_rules! by_count {
        ($($n:literal)*) => {
            match out.len() {
                $($n => add_dots_n::<$n>(core_w, row, out),)*
                _ => add_dots_any(core_w, row, out),
            }
        };
    }
    by_count!(1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16)
}

fn add_dots_n<const N: usize>(core_w: &[f32], row: &[(u32, f32)], out: &mut [f32]) {
    let out: &mut [f32; N] = out.try_into().expect("N labels");
    let mut acc = *out;
    for &(f, v) in row {
        let at = f as usize * N;
        let w: &[f32; N] = core_w[at..at + N].try_into().expect("N weights");
        for k in 0..N {
            acc[k] += v * w[k];
        }
    }
    *out = acc;
}

fn add_dots_any(core_w: &[f32], row: &[(u32, f32)], out: &mut [f32]) {
    let l = out.len();
    for &(f, v) in row {
        let w = &core_w[f as usize * l..f as usize * l + l];
        for (o, wi) in out.iter_mut().zip(w) {
            *o += v * wi;
        }
    }
}

fn score_rows(core_w: &[f32], intercepts: &[f32], row: &SparseRow, out: &mut [f32]) {
    out.copy_from_slice(intercepts);
    add_dots(core_w, row, out);
    for o in out.iter_mut() {
        *o = sigmoid(*o);
    }
}

impl Core {
    fn probabilities(
        &self,
        normaliser: &Normaliser,
        texts: &[&str],
        contexts: &[&str],
    ) -> Vec<f32> {
        probabilities(
            &self.vectoriser,
            &self.weights,
            &self.intercepts,
            normaliser,
            texts,
            Some(contexts),
        )
    }
}

fn probabilities(
    vectoriser: &Vectoriser,
    weights: &[f32],
    intercepts: &[f32],
    normaliser: &Normaliser,
    texts: &[&str],
    contexts: Option<&[&str]>,
) -> Vec<f32> {
    let l = intercepts.len();
    let mut out = vec![0f32; texts.len() * l];
    out.par_chunks_mut(l.max(1) * 256)
        .enumerate()
        .for_each_init(
            || (Scratch::default(), SparseRow::new()),
            |(s, row), (c, o)| {
                let start = c * 256;
                let end = (start + 256).min(texts.len());
                for (i, t) in texts[start..end].iter().enumerate() {
                    let ctx = contexts.map(|cs| cs[start + i]);
                    vectoriser.transform_into(normaliser, t, ctx, s, row);
                    score_rows(weights, intercepts, row, &mut o[i * l..(i + 1) * l]);
                }
            },
        );
    out
}

/// The threshold maximising F1 for one label over out-of-fold probabilities.
fn best_threshold(probs: &[f32], gold: &[bool]) -> f32 {
    let mut pairs: Vec<(f32, bool)> = probs.iter().copied().zip(gold.iter().copied()).collect();
    pairs.sort_by(|a, b| b.0.total_cmp(&a.0));
    let total_pos = gold.iter().filter(|&&g| g).count();
    if total_pos == 0 {
        return 0.5;
    }
    let (mut tp, mut best_f1, mut best_t) = (0usize, -1f64, 0.5f32);
    for i in 0..pairs.len() {
        tp += usize::from(pairs[i].1);
        // Only cut between distinct probabilities.
        if i + 1 < pairs.len() && pairs[i + 1].0 == pairs[i].0 {
            continue;
        }
        let predicted = i + 1;
        let f1 = 2.0 * tp as f64 / (predicted + total_pos) as f64;
        if f1 > best_f1 {
            best_f1 = f1;
            let next = pairs.get(i + 1).map_or(0.0, |p| p.0);
            best_t = (pairs[i].0 + next) / 2.0;
        }
    }
    best_t.clamp(0.02, 0.98)
}

impl Model {
    /// Trains a model on labelled rows. `progress` is told about each stage.
    pub fn fit(
        data: &LabelledData,
        params: &ValidTrainParams,
        progress: &(dyn Fn(TrainStage) + Sync),
    ) -> Result<Model> {
        let p = params.get();
        if data.len() < 2 {
            return Err(Error::Train(format!(
                "need at least 2 training rows, got {}: add labelled sentences to the CSV",
                data.len()
            )));
        }
        let labels = data.label_names();
        if labels.is_empty() {
            return Err(Error::Train(
                "no row has a label: the `labels` column is empty everywhere".into(),
            ));
        }
        let nl = labels.len();
        let n = data.len();
        let mut y = vec![false; n * nl];
        for (r, labs) in data.labels.iter().enumerate() {
            for lab in labs {
                let l = labels
                    .iter()
                    .position(|x| x == lab)
                    .expect("label from data");
                y[r * nl + l] = true;
            }
        }
        let label_counts: Vec<usize> = (0..nl)
            .map(|l| (0..n).filter(|&r| y[r * nl + l]).count())
            .collect();
        if let Some(l) = (0..nl).find(|&l| label_counts[l] == n) {
            return Err(Error::Train(format!(
                "label \"{}\" is on every row: a classifier needs rows without it too",
                labels[l]
            )));
        }
        let normaliser = Normaliser::new();
        let texts: Vec<&str> = data.texts.iter().map(String::as_str).collect();
        let context_owned = data.contexts();
        let contexts: Vec<&str> = context_owned.iter().map(|c| &**c).collect();

        let mut groups: Vec<&String> = data.group.iter().collect();
        groups.sort();
        groups.dedup();
        let k = p.threshold_folds.min(groups.len());
        let mut neighbours = None;
        let mut fold_cores = Vec::new();
        let (thresholds, cv) = if k >= 2 {
            let folds = group_folds(&data.group, k, p.seed);
            let mut oof = vec![0f32; n * nl];
            for f in 0..k {
                progress(TrainStage::Fold(f + 1, k));
                let train_idx: Vec<usize> = (0..n).filter(|&r| folds[r] != f).collect();
                let test_idx: Vec<usize> = (0..n).filter(|&r| folds[r] == f).collect();
                let tt: Vec<&str> = train_idx.iter().map(|&r| texts[r]).collect();
                let tc: Vec<&str> = train_idx.iter().map(|&r| contexts[r]).collect();
                let ty: Vec<bool> = train_idx
                    .iter()
                    .flat_map(|&r| y[r * nl..(r + 1) * nl].iter().copied())
                    .collect();
                let core = fit_core(&normaliser, &tt, &tc, &ty, nl, p, (Fitter::Sparse, &[]))?;
                let et: Vec<&str> = test_idx.iter().map(|&r| texts[r]).collect();
                let ec: Vec<&str> = test_idx.iter().map(|&r| contexts[r]).collect();
                let probs = core.probabilities(&normaliser, &et, &ec);
                for (i, &r) in test_idx.iter().enumerate() {
                    oof[r * nl..(r + 1) * nl].copy_from_slice(&probs[i * nl..(i + 1) * nl]);
                }
                fold_cores.push(core);
            }
            if p.neighbour_stage {
                progress(TrainStage::Neighbours);
                let paragraphs = neighbourhoods(data, p.unit);
                let fit = neighbour_fitter(p, nl);
                let stage = NeighbourStage::fit(&oof, &paragraphs, &y, nl, fit)?;
                stage.revise_groups(&mut oof, &paragraphs);
                neighbours = Some(stage);
            }
            let thresholds: Vec<f32> = (0..nl)
                .map(|l| {
                    let pr: Vec<f32> = (0..n).map(|r| oof[r * nl + l]).collect();
                    let g: Vec<bool> = (0..n).map(|r| y[r * nl + l]).collect();
                    best_threshold(&pr, &g)
                })
                .collect();
            let pred: Vec<bool> = (0..n * nl).map(|i| oof[i] >= thresholds[i % nl]).collect();
            let scores = eval::score(&labels, &y, &pred);
            (thresholds, Some(CvSummary { folds: k, scores }))
        } else {
            (vec![0.5; nl], None)
        };
        progress(TrainStage::Final);
        let prior = (Fitter::Linfa, &fold_cores[..]);
        let core = fit_core(&normaliser, &texts, &contexts, &y, nl, p, prior)?;
        Ok(Model {
            labels,
            vectoriser: core.vectoriser,
            weights: core.weights,
            intercepts: core.intercepts,
            neighbours,
            thresholds,
            params: *p,
            training: TrainingInfo {
                sources: data.sources.clone(),
                rows: n,
                label_counts,
            },
            cv,
            written_by: format!("policy-classifier {}", env!("CARGO_PKG_VERSION")),
            sparse_only: core.sparse_only,
        })
    }

    /// Probabilities for each text, row-major (`texts.len()` × `labels.len()`); each text is
    /// its own context and its own paragraph.
    pub fn probabilities(&self, texts: &[&str]) -> Vec<f32> {
        let mut p = self.text_stage_probabilities(texts, None);
        if let Some(st) = &self.neighbours {
            let mut s = Vec::new();
            for row in p.chunks_mut(self.labels.len().max(1)) {
                st.revise(row, &mut s);
            }
        }
        p
    }

    /// Probabilities for every row of labelled data, each row in its segment (see
    /// [`LabelledData::contexts`] and [`LabelledData::paragraphs`]).
    pub fn probabilities_for(&self, data: &LabelledData) -> Vec<f32> {
        let texts: Vec<&str> = data.texts.iter().map(String::as_str).collect();
        let contexts = data.contexts();
        let ctx: Vec<&str> = contexts.iter().map(|c| &**c).collect();
        let mut p = self.text_stage_probabilities(&texts, Some(&ctx));
        if let Some(st) = &self.neighbours {
            st.revise_groups(&mut p, &neighbourhoods(data, self.params.unit));
        }
        p
    }

    /// The first stage's probabilities alone (TF-IDF × weights, before the neighbour stage)
    /// for each text given the paragraph it sits in (`contexts[i]` for `texts[i]`; `None`:
    /// each text is its own context). [`Model::contributions`] explains these.
    pub fn text_stage_probabilities(&self, texts: &[&str], contexts: Option<&[&str]>) -> Vec<f32> {
        probabilities(
            &self.vectoriser,
            &self.weights,
            &self.intercepts,
            &Normaliser::new(),
            texts,
            contexts,
        )
    }

    /// Probabilities for sentences given as `(block, text)` in document order, each in the
    /// context of its block (paragraph), row-major: the first stage's numbers as
    /// [`Model::text_stage_probabilities`] with [`crate::sentences::paragraph::block_contexts`] gives them,
    /// computed paragraph by paragraph so that a paragraph is tokenised once
    /// ([`Vectoriser::transform_paragraph`]), then revised block by block by the neighbour
    /// stage.
    pub fn probabilities_of_blocks(&self, sents: &[(usize, &str)]) -> Vec<f32> {
        let nl = self.labels.len();
        let blocks = crate::sentences::paragraph::paragraph_runs(sents);
        let normaliser = Normaliser::new();
        // Groups of blocks of about 256 sentences, scored in parallel.
        let mut groups: Vec<std::ops::Range<usize>> = Vec::new();
        let mut start = 0;
        for (b, r) in blocks.iter().enumerate() {
            if r.end - blocks[start].start >= 256 || b + 1 == blocks.len() {
                groups.push(start..b + 1);
                start = b + 1;
            }
        }
        let parts: Vec<Vec<f32>> = groups
            .par_iter()
            .map_init(
                || (Scratch::default(), SparseRow::new(), Vec::new(), Vec::new()),
                |(s, row, texts, revise), g| {
                    let mut out = Vec::new();
                    // The shared context part's dot products (unscaled), per context serial.
                    let (mut context_dot, mut serial) = (vec![0f32; nl], 0);
                    for r in &blocks[g.clone()] {
                        texts.clear();
                        texts.extend(sents[r.clone()].iter().map(|x| x.1));
                        let first = out.len();
                        self.vectoriser
                            .transform_paragraph(&normaliser, texts, s, row, |parts| {
                                if parts.context_serial != serial {
                                    serial = parts.context_serial;
                                    context_dot.fill(0.0);
                                    add_dots(&self.weights, parts.context, &mut context_dot);
                                }
                                let at = out.len();
                                out.resize(at + nl, 0.0);
                                let o = &mut out[at..];
                                add_dots(&self.weights, parts.own, o);
                                for ((o, &c), &b) in
                                    o.iter_mut().zip(&context_dot).zip(&self.intercepts)
                                {
                                    *o = sigmoid(b + parts.scale * (*o + c));
                                }
                            });
                        if let (Some(st), Unit::Sentence) = (&self.neighbours, self.params.unit) {
                            st.revise(&mut out[first..], revise);
                        }
                    }
                    out
                },
            )
            .collect();
        let mut out = parts.concat();
        if let (Some(st), Unit::Segment) = (&self.neighbours, self.params.unit) {
            // A segment's neighbourhood is its document.
            st.revise(&mut out, &mut Vec::new());
        }
        out
    }

    /// Whether probability `p` of label `l` passes its threshold.
    pub fn decide(&self, l: usize, p: f32) -> bool {
        p >= self.thresholds[l]
    }

    /// Every feature's contribution to the first stage's logit of label `l` for `text`
    /// (TF-IDF value × weight), largest first. The contributions plus the intercept sum exactly
    /// to that logit ([`Model::text_stage_probabilities`]), so this is the model's own account
    /// of the sentence's evidence, not a heuristic; the neighbour stage then weighs it against
    /// the paragraph's.
    /// `context` is the sentence's paragraph as given to [`Model::text_stage_probabilities`]
    /// (`None`: the text is its own context). Context terms are named `§word`.
    pub fn contributions(&self, text: &str, context: Option<&str>, l: usize) -> Vec<(String, f32)> {
        let row = self.row(text, context, &mut Scratch::default());
        self.row_contributions(&row, l, false)
            .into_iter()
            .map(|(f, c)| (self.vectoriser.term(f as usize).to_string(), c))
            .collect()
    }

    fn row(&self, text: &str, context: Option<&str>, s: &mut Scratch) -> SparseRow {
        let mut row = Vec::new();
        self.vectoriser
            .transform_into(&Normaliser::new(), text, context, s, &mut row);
        row
    }

    /// `(feature, TF-IDF value × weight of label l)` for every feature of the row (only the
    /// positive ones with `positive_only`), largest first (ties broken by the term text).
    fn row_contributions(&self, row: &SparseRow, l: usize, positive_only: bool) -> Vec<(u32, f32)> {
        let nl = self.labels.len();
        let mut c: Vec<(u32, f32)> = row
            .iter()
            .map(|&(f, v)| (f, v * self.weights[f as usize * nl + l]))
            .filter(|&(_, c)| !positive_only || c > 0.0)
            .collect();
        let term = |f: u32| self.vectoriser.term(f as usize);
        c.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| term(a.0).cmp(term(b.0))));
        c
    }

    /// The `top` terms that pushed label `l` up the most for `text` in `context` (positive
    /// contributions only), largest first. Terms from the paragraph context read
    /// `word (paragraph)`.
    pub fn explain(
        &self,
        text: &str,
        context: Option<&str>,
        l: usize,
        top: usize,
    ) -> Vec<(String, f32)> {
        self.explain_labels(text, context, &[l], top, &mut Scratch::default())
            .pop()
            .unwrap_or_default()
    }

    /// [`Model::explain`] for several labels of one sentence, vectorising it once; `scratch`
    /// can be reused across calls (the sentences of one paragraph then share the
    /// tokenisation of their paragraph).
    pub fn explain_labels(
        &self,
        text: &str,
        context: Option<&str>,
        labels: &[usize],
        top: usize,
        scratch: &mut Scratch,
    ) -> Vec<Vec<(String, f32)>> {
        if labels.is_empty() {
            return Vec::new();
        }
        let row = self.row(text, context, scratch);
        self.explain_row(&row, labels, top)
    }

    /// The TF-IDF rows of sentences given as `(block, text)` in document order, each in the
    /// context of its block, paragraph by paragraph ([`Vectoriser::transform_paragraph`]):
    /// what [`Model::probabilities_of_blocks`] scored, for [`Model::explain_row`].
    pub fn rows_of_blocks(&self, sents: &[(usize, &str)]) -> Vec<SparseRow> {
        let normaliser = Normaliser::new();
        let (mut s, mut row) = (Scratch::default(), SparseRow::new());
        let mut out = Vec::with_capacity(sents.len());
        for r in crate::sentences::paragraph::paragraph_runs(sents) {
            let texts: Vec<&str> = sents[r].iter().map(|x| x.1).collect();
            self.vectoriser
                .transform_paragraph(&normaliser, &texts, &mut s, &mut row, |parts| {
                    let mut whole = SparseRow::new();
                    parts.to_row(&mut whole);
                    out.push(whole);
                });
        }
        out
    }

    /// [`Model::explain_labels`] of a row from [`Model::rows_of_blocks`].
    pub fn explain_row(
        &self,
        row: &SparseRow,
        labels: &[usize],
        top: usize,
    ) -> Vec<Vec<(String, f32)>> {
        labels
            .iter()
            .map(|&l| {
                let mut c = self.row_contributions(row, l, true);
                c.truncate(top);
                c.into_iter()
                    .map(|(f, v)| {
                        let t = self.vectoriser.term(f as usize);
                        let t = match t.strip_prefix('§') {
                            Some(w) => format!("{w} (paragraph)"),
                            None => t.to_string(),
                        };
                        (t, v)
                    })
                    .collect()
            })
            .collect()
    }

    /// Serialises the model to bytes (magic, format version, SHA-256, postcard payload).
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        let payload = postcard::to_stdvec(self)
            .map_err(|e| Error::Train(format!("cannot serialise the model: {e}")))?;
        let mut out = Vec::with_capacity(payload.len() + 44);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        out.extend_from_slice(&Sha256::digest(&payload));
        out.extend_from_slice(&payload);
        Ok(out)
    }

    /// Parses a model from bytes; `path` is only used in error messages.
    pub fn from_bytes(bytes: &[u8], path: &Path) -> Result<Model> {
        let err = |message: String| Error::Model {
            path: path.into(),
            message,
        };
        if bytes.is_empty() {
            return Err(err(
                "empty file, not a model: train one with `classify train --model PATH`".into(),
            ));
        }
        if bytes.len() < MAGIC.len() || &bytes[..MAGIC.len()] != MAGIC {
            return Err(err(
                "not a policy-classifier model file (bad magic bytes)".into()
            ));
        }
        if bytes.len() < 44 {
            return Err(err("truncated model file: retrain or copy it again".into()));
        }
        let version = u32::from_le_bytes(bytes[8..12].try_into().expect("4 bytes"));
        if version != FORMAT_VERSION {
            return Err(err(format!(
                "model format version {version}, but this build reads version {FORMAT_VERSION}: retrain it with this version's `classify train`"
            )));
        }
        let payload = &bytes[44..];
        if Sha256::digest(payload).as_slice() != &bytes[12..44] {
            return Err(err("checksum mismatch: the model file is truncated or corrupt; retrain or copy it again".into()));
        }
        let model: Model = postcard::from_bytes(payload)
            .map_err(|e| err(format!("cannot decode the model: {e}")))?;
        let (nl, k) = (model.labels.len(), model.vectoriser.len());
        if nl == 0
            || model.weights.len() != nl * k
            || model.intercepts.len() != nl
            || model.thresholds.len() != nl
            || !model.vectoriser.is_consistent()
            || model
                .neighbours
                .as_ref()
                .is_some_and(|st| !st.is_consistent(nl))
        {
            return Err(err(
                "inconsistent model dimensions: the file is corrupt".into()
            ));
        }
        Ok(model)
    }

    /// Writes the model atomically (temporary file in the same directory, then rename).
    pub fn save(&self, path: &Path) -> Result<()> {
        crate::io::write_atomic(path, &self.to_bytes()?)
    }

    /// Loads a model file.
    pub fn load(path: &Path) -> Result<Model> {
        if path.is_dir() {
            return Err(Error::Model {
                path: path.into(),
                message: "is a directory: --model needs a model file".into(),
            });
        }
        let bytes = std::fs::read(path).map_err(|e| Error::Model {
            path: path.into(),
            message: format!("cannot read: {e}"),
        })?;
        Model::from_bytes(&bytes, path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specialised_dots_are_the_same_bits_as_the_general_loop() {
        let mut seed = 11u64;
        let mut rnd = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 40) as f32 / (1u64 << 24) as f32 - 0.5
        };
        for l in 1..=18 {
            let features = 50;
            let w: Vec<f32> = (0..features * l).map(|_| rnd()).collect();
            let row: Vec<(u32, f32)> = (0..features as u32)
                .step_by(3)
                .map(|f| (f, rnd()))
                .collect();
            let start: Vec<f32> = (0..l).map(|_| rnd()).collect();
            let (mut a, mut b) = (start.clone(), start);
            add_dots(&w, &row, &mut a);
            add_dots_any(&w, &row, &mut b);
            assert_eq!(
                a.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
                b.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
                "{l} labels"
            );
        }
    }

    #[test]
    fn folds_keep_groups_together_and_balance() {
        let g: Vec<String> = (0..100).map(|i| format!("p{}", i % 10)).collect();
        let f = group_folds(&g, 5, 1);
        for i in 0..100 {
            for j in 0..100 {
                if g[i] == g[j] {
                    assert_eq!(f[i], f[j]);
                }
            }
        }
        for k in 0..5 {
            assert_eq!(f.iter().filter(|&&x| x == k).count(), 20);
        }
        assert_eq!(f, group_folds(&g, 5, 1));
    }

    #[test]
    fn threshold_maximises_f1() {
        let p = [0.9, 0.8, 0.7, 0.3, 0.2, 0.1];
        let g = [true, true, false, true, false, false];
        let t = best_threshold(&p, &g);
        assert!(t > 0.2 && t < 0.3, "{t}");
    }

    fn shipped() -> Model {
        Model::from_bytes(
            include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/models/default.model")),
            Path::new("default"),
        )
        .unwrap()
    }

    #[test]
    fn contributions_sum_to_the_logit() {
        let model = shipped();
        let text =
            "We share your e-mail address with advertising partners and keep it for two years.";
        let p = model.text_stage_probabilities(&[text], None);
        for (l, &pl) in p.iter().enumerate() {
            let logit: f32 = model
                .contributions(text, None, l)
                .iter()
                .map(|c| c.1)
                .sum::<f32>()
                + model.intercepts[l];
            assert!((sigmoid(logit) - pl).abs() < 1e-5, "label {l}");
        }
        let e = model.explain(text, None, 1, 3);
        assert!(!e.is_empty() && e.len() <= 3);
        assert!(e.windows(2).all(|w| w[0].1 >= w[1].1));
    }

    #[test]
    fn paragraph_scoring_equals_scoring_in_context() {
        let model = shipped();
        let long = "We keep server logs for a while. ".repeat(80);
        // A paragraph over the context limit made of short sentences: windows that fit and
        // (around the long last one) windows that are cut.
        let many: Vec<String> = (0..70)
            .map(|i| format!("Item {i}: we may share r\u{e9}sum\u{e9} data with partner {i}."))
            .chain([format!("{} end.", "Very long tail sentence ".repeat(90))])
            .collect();
        let paragraphs: Vec<Vec<&str>> = vec![
            many.iter().map(String::as_str).collect(),
            vec!["Information We Collect"],
            vec![
                "We collect your name and e-mail address.",
                "We share them with our payment processor\u{2019}s \u{201c}fraud\u{201d} team.",
                "You can opt out at any time.",
            ],
            vec!["Caf\u{e9} visitors\u{a0}may be tracked.", "No DNT support."],
            vec![
                long.as_str(),
                "Logs are deleted after 30 days.",
                "Backups too.",
            ],
        ];
        let mut sents: Vec<(usize, &str)> = Vec::new();
        for (b, p) in paragraphs.iter().enumerate() {
            sents.extend(p.iter().map(|&t| (b, t)));
        }
        let contexts = crate::sentences::paragraph::block_contexts(&sents);
        let ctx: Vec<&str> = contexts.iter().map(|c| &**c).collect();
        let texts: Vec<&str> = sents.iter().map(|s| s.1).collect();
        let mut a = model.text_stage_probabilities(&texts, Some(&ctx));
        if let Some(st) = &model.neighbours {
            let nl = model.labels.len();
            let mut s = Vec::new();
            for r in crate::sentences::paragraph::paragraph_runs(&sents) {
                st.revise(&mut a[r.start * nl..r.end * nl], &mut s);
            }
        }
        let b = model.probabilities_of_blocks(&sents);
        // The same numbers up to float rounding: the paragraph path sums a shared context's
        // part once and adds the intercept last.
        assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(&b) {
            assert!((x - y).abs() < 1e-5, "{x} vs {y}");
        }
    }

    #[test]
    fn warm_start_reaches_the_same_model_as_linfa_alone() {
        let mut d = LabelledData::default();
        let texts = [
            ("we share your address with couriers", "tp"),
            ("partners may receive your email", "tp"),
            ("we disclose data to advertisers", "tp"),
            ("we keep logs for a year", "dr"),
            ("records are kept for seven years", "dr"),
            ("we delete old logs after a year", "dr"),
            ("contact our office", ""),
            ("read this notice", ""),
            ("welcome to the site", ""),
            ("we share logs with partners for a year", "tp;dr"),
        ];
        for (i, (t, l)) in texts.iter().enumerate() {
            d.texts.push(t.to_string());
            d.labels.push(
                l.split(';')
                    .filter(|x| !x.is_empty())
                    .map(String::from)
                    .collect(),
            );
            d.company.push(String::new());
            d.group.push(format!("g{i}"));
            d.policy_id.push(None);
            d.segment_id.push(None);
        }
        let mut p = TrainParams {
            threshold_folds: 0,
            max_iterations: 500,
            tolerance_per_row: 1e-6,
            ..TrainParams::default()
        };
        p.vectoriser.min_df = 1;
        let warm = Model::fit(&d, &p.check().unwrap(), &|_| {}).unwrap();
        p.warm_start = false;
        let cold = Model::fit(&d, &p.check().unwrap(), &|_| {}).unwrap();
        let probe = ["we share your logs", "kept for a year", "hello"];
        let (a, b) = (warm.probabilities(&probe), cold.probabilities(&probe));
        for (x, y) in a.iter().zip(&b) {
            assert!((x - y).abs() < 2e-3, "{a:?} vs {b:?}");
        }
    }

    #[test]
    fn the_final_fit_starts_at_the_folds_mean_and_reaches_the_same_optimum() {
        let rows = [
            ("we share your address with couriers", [true, false]),
            ("partners may receive your email", [true, false]),
            ("we disclose data to advertisers", [true, false]),
            ("we keep logs for a year", [false, true]),
            ("records are kept for seven years", [false, true]),
            ("we delete old logs after a year", [false, true]),
            ("contact our office", [false, false]),
            ("read this notice", [false, false]),
            ("we share logs with partners for a year", [true, true]),
        ];
        let mut p = TrainParams {
            max_iterations: 500,
            tolerance_per_row: 1e-6,
            ..TrainParams::default()
        };
        p.vectoriser.min_df = 1;
        let norm = Normaliser::new();
        let fit = |idx: &[usize], prior: &[Core]| {
            let t: Vec<&str> = idx.iter().map(|&i| rows[i].0).collect();
            let y: Vec<bool> = idx.iter().flat_map(|&i| rows[i].1).collect();
            fit_core(&norm, &t, &t, &y, 2, &p, (Fitter::Sparse, prior)).unwrap()
        };
        let folds = [fit(&[0, 1, 3, 4, 6, 8], &[]), fit(&[1, 2, 4, 5, 7], &[])];
        let all: Vec<usize> = (0..rows.len()).collect();
        let cold = fit(&all, &[]);
        let starts = mean_start(&cold.vectoriser, &folds, 2).unwrap();
        // Matched by term: "couriers" is in the first fold only, "advertisers" in the second.
        for (term, in_fold) in [("couriers", 0), ("advertisers", 1)] {
            let f = (0..cold.vectoriser.len())
                .find(|&f| cold.vectoriser.term(f) == term)
                .unwrap();
            let c = &folds[in_fold];
            let pf = (0..c.vectoriser.len())
                .find(|&f| c.vectoriser.term(f) == term)
                .unwrap();
            assert!(c.weights[pf * 2] != 0.0);
            assert_eq!(starts[0][f], c.weights[pf * 2] / 2.0, "{term}");
        }
        let warm = fit(&all, &folds);
        let probe = ["we share your logs", "kept for a year", "hello"];
        let (a, b) = (
            warm.probabilities(&norm, &probe, &probe),
            cold.probabilities(&norm, &probe, &probe),
        );
        for (x, y) in a.iter().zip(&b) {
            assert!((x - y).abs() < 2e-3, "{a:?} vs {b:?}");
        }
    }

    #[test]
    fn a_neighbour_stage_of_the_wrong_size_is_rejected_on_load() {
        let mut model = shipped();
        assert!(model.neighbours.is_some());
        // A stage fitted for 2 labels inside a 10-label model (what a corrupt file can decode
        // to) must be an error, not a panic at prediction.
        let probs = [0.9, 0.1, 0.2, 0.6, 0.1, 0.8, 0.7, 0.3];
        let y = [true, false, false, true, false, true, true, false];
        let paragraphs = Paragraphs::runs(&[0, 0, 1, 1]);
        let fit = neighbour_fitter(&TrainParams::default(), 2);
        model.neighbours = Some(NeighbourStage::fit(&probs, &paragraphs, &y, 2, fit).unwrap());
        let bytes = model.to_bytes().unwrap();
        let e = Model::from_bytes(&bytes, Path::new("m.model")).unwrap_err();
        assert!(
            e.to_string().contains("inconsistent model dimensions"),
            "{e}"
        );
    }

    #[test]
    fn params_check_rejects_bad_values() {
        let p = TrainParams {
            alpha: -1.0,
            ..Default::default()
        };
        assert!(p.check().is_err());
        assert!(TrainParams::default().check().is_ok());
    }
}
