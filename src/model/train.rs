//! Training: the vectoriser and one binary model per label fitted on all rows; before that,
//! threshold folds (grouped by policy) whose out-of-fold probabilities train the neighbour
//! stage and tune each label's threshold; the final fit starts at the folds' mean weights.

use super::folds::group_folds;
use super::neighbours::NeighbourStage;
use super::solve::{fit_label, neighbour_fitter, Fitter};
use super::{CvSummary, Model, TrainParams, TrainStage, TrainingInfo, Unit, ValidTrainParams};
use crate::data::LabelledData;
use crate::error::{Error, Result};
use crate::features::{Normaliser, Vectoriser};
use crate::labels::{self, Decisions, Probabilities, Thresholds};
use crate::sentences::paragraph::Paragraphs;
use rayon::prelude::*;

/// The core fitted parts: vectoriser, weights, intercepts.
pub(super) struct Core {
    pub(super) vectoriser: Vectoriser,
    pub(super) weights: Vec<f32>,
    pub(super) intercepts: Vec<f32>,
    /// Labels fitted by the sparse solver alone although linfa was asked for.
    pub(super) sparse_only: Vec<usize>,
}

pub(super) fn fit_core(
    normaliser: &Normaliser,
    texts: &[&str],
    contexts: &[&str],
    y: &Decisions,
    p: &TrainParams,
    (fitter, prior): (Fitter, &[Core]),
) -> Result<Core> {
    let n_labels = y.n_labels();
    let vectoriser = Vectoriser::fit(
        &p.vectoriser,
        normaliser,
        texts,
        Some(contexts),
        y.as_slice(),
        n_labels,
    )?;
    let (rows, shared) = vectoriser.transform_shared(normaliser, texts, contexts);
    let k = vectoriser.len();
    let starts = mean_start(&vectoriser, prior, n_labels);
    let fitted: Vec<Result<(Vec<f32>, f32, bool)>> = (0..n_labels)
        .into_par_iter()
        .map(|l| {
            let target = y.column(l);
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
pub(super) fn mean_start(
    vectoriser: &Vectoriser,
    prior: &[Core],
    n_labels: usize,
) -> Option<Vec<Vec<f32>>> {
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

/// The units the neighbour stage looks across: a sentence's paragraph, a segment's document.
pub(super) fn neighbourhoods(data: &LabelledData, unit: Unit) -> Paragraphs {
    match unit {
        Unit::Sentence => data.paragraphs(),
        Unit::Segment => data.documents(),
    }
}

/// The threshold maximising F1 for one label over out-of-fold probabilities.
pub(super) fn best_threshold(probs: &[f32], gold: &[bool]) -> f32 {
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
        let y = Decisions::gold(&labels, &data.labels);
        let label_counts = y.counts();
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

        let mut groups: Vec<&String> = data.fold_group.iter().collect();
        groups.sort();
        groups.dedup();
        let k = p.threshold_folds.min(groups.len());
        let mut neighbours = None;
        let mut fold_cores = Vec::new();
        let (thresholds, cv) = if k >= 2 {
            let folds = group_folds(&data.fold_group, k, p.seed);
            let mut oof = Probabilities::new(n, nl);
            for f in 0..k {
                progress(TrainStage::Fold(f + 1, k));
                let train_idx: Vec<usize> = (0..n).filter(|&r| folds[r] != f).collect();
                let test_idx: Vec<usize> = (0..n).filter(|&r| folds[r] == f).collect();
                let tt: Vec<&str> = train_idx.iter().map(|&r| texts[r]).collect();
                let tc: Vec<&str> = train_idx.iter().map(|&r| contexts[r]).collect();
                let ty = y.select(&train_idx);
                let core = fit_core(&normaliser, &tt, &tc, &ty, p, (Fitter::Sparse, &[]))?;
                let et: Vec<&str> = test_idx.iter().map(|&r| texts[r]).collect();
                let ec: Vec<&str> = test_idx.iter().map(|&r| contexts[r]).collect();
                oof.scatter(&test_idx, &core.probabilities(&normaliser, &et, &ec));
                fold_cores.push(core);
            }
            if p.neighbour_stage {
                progress(TrainStage::Neighbours);
                let paragraphs = neighbourhoods(data, p.unit);
                let fit = neighbour_fitter(p, nl);
                let stage = NeighbourStage::fit(&oof, &paragraphs, &y, fit)?;
                stage.revise_groups(&mut oof, &paragraphs);
                neighbours = Some(stage);
            }
            let thresholds = Thresholds::new(
                (0..nl)
                    .map(|l| best_threshold(&oof.column(l), &y.column(l)))
                    .collect(),
            );
            let scores = labels::score(&labels, &y, &thresholds.decide(&oof));
            (thresholds, Some(CvSummary { folds: k, scores }))
        } else {
            (Thresholds::fixed(nl, 0.5), None)
        };
        progress(TrainStage::Final);
        let prior = (Fitter::Linfa, &fold_cores[..]);
        let core = fit_core(&normaliser, &texts, &contexts, &y, p, prior)?;
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Units;

    #[test]
    fn threshold_maximises_f1() {
        let p = [0.9, 0.8, 0.7, 0.3, 0.2, 0.1];
        let g = [true, true, false, true, false, false];
        let t = best_threshold(&p, &g);
        assert!(t > 0.2 && t < 0.3, "{t}");
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
            d.fold_group.push(format!("g{i}"));
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
        let (a, b) = (
            warm.probabilities(Units::Alone(&probe)),
            cold.probabilities(Units::Alone(&probe)),
        );
        for (x, y) in a.as_slice().iter().zip(b.as_slice()) {
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
            let y = Decisions::from_cells(2, idx.iter().flat_map(|&i| rows[i].1).collect());
            fit_core(&norm, &t, &t, &y, &p, (Fitter::Sparse, prior)).unwrap()
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
        for (x, y) in a.as_slice().iter().zip(b.as_slice()) {
            assert!((x - y).abs() < 2e-3, "{a:?} vs {b:?}");
        }
    }
}
