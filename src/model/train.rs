//! Training: the vectoriser and one binary model per label fitted on all rows; before that,
//! threshold folds (grouped by policy) whose out-of-fold probabilities train the neighbour
//! stage and tune each label's threshold; the final fit starts at the folds' mean weights.

use super::attributes::{self, AttributeHead};
use super::folds::group_folds;
use super::neighbours::NeighbourStage;
use super::solve::{fit_label, neighbour_fitter, Fitter};
use super::{
    CvSummary, HeldOut, Model, TrainParams, TrainStage, TrainingInfo, Unit, ValidTrainParams,
};
use crate::data::{LabelledData, SourceInfo};
use crate::error::{Error, Result};
use crate::features::{Normaliser, SharedContextRows, SparseRow, Vectoriser, WordClusters};
use crate::labels::{self, Decisions, Probabilities, Thresholds};
use crate::sentences::paragraph::Paragraphs;
use rayon::prelude::*;

/// The core fitted parts: vectoriser, the categories' weights and intercepts, and the
/// attribute values' when asked for.
pub(super) struct Core {
    pub(super) vectoriser: Vectoriser,
    pub(super) weights: Vec<f32>,
    pub(super) intercepts: Vec<f32>,
    /// Labels fitted by the sparse solver alone although linfa was asked for.
    pub(super) sparse_only: Vec<usize>,
    /// The attribute values' `(weights, intercepts)`, feature-major like the categories'.
    pub(super) attributes: Option<(Vec<f32>, Vec<f32>)>,
}

/// Fits the vectoriser (on the categories `y`) and one model per category, and per attribute
/// value of `ya` (always the sparse solution: see [`super::attributes`]) on the same rows.
pub(super) fn fit_core(
    normaliser: &Normaliser,
    texts: &[&str],
    contexts: &[&str],
    (y, ya): (&Decisions, Option<&Decisions>),
    (p, clusters): (&TrainParams, Option<&WordClusters>),
    (fitter, prior): (Fitter, &[Core]),
) -> Result<Core> {
    let n_labels = y.n_labels();
    let vectoriser = Vectoriser::fit_with_clusters(
        &p.vectoriser,
        normaliser,
        texts,
        Some(contexts),
        y.as_slice(),
        n_labels,
        clusters,
    )?;
    let (rows, shared) = vectoriser.transform_shared(normaliser, texts, contexts);
    let data = (&rows[..], &shared);
    let starts = mean_start(
        &vectoriser,
        &prior
            .iter()
            .map(|c| (&c.vectoriser, &c.weights[..], &c.intercepts[..]))
            .collect::<Vec<_>>(),
        n_labels,
    );
    let (weights, intercepts, sparse_only) =
        fit_weights(data, y, vectoriser.len(), p, (fitter, starts), "label")?;
    let attributes = match ya {
        None => None,
        Some(ya) => {
            let prior: Vec<_> = prior
                .iter()
                .filter_map(|c| {
                    let (w, b) = c.attributes.as_ref()?;
                    Some((&c.vectoriser, &w[..], &b[..]))
                })
                .collect();
            let starts = mean_start(&vectoriser, &prior, ya.n_labels());
            let (w, b, _) = fit_weights(
                data,
                ya,
                vectoriser.len(),
                p,
                (Fitter::Sparse, starts),
                "attribute value",
            )?;
            Some((w, b))
        }
    };
    Ok(Core {
        vectoriser,
        weights,
        intercepts,
        sparse_only,
        attributes,
    })
}

/// One model per column of `y` over `k` features, in parallel: feature-major weights,
/// intercepts, and the columns whose final fit kept the sparse solution although linfa was
/// asked for.
fn fit_weights(
    data: (&[SparseRow], &SharedContextRows),
    y: &Decisions,
    k: usize,
    p: &TrainParams,
    (fitter, starts): (Fitter, Option<Vec<Vec<f32>>>),
    what: &str,
) -> Result<(Vec<f32>, Vec<f32>, Vec<usize>)> {
    let n_labels = y.n_labels();
    let fitted: Vec<Result<(Vec<f32>, f32, bool)>> = (0..n_labels)
        .into_par_iter()
        .map(|l| {
            let target = y.column(l);
            let start = starts.as_ref().map(|s| &s[l][..]);
            fit_label(data, &target, &format!("{what} {l}"), k, p, (fitter, start))
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
    Ok((weights, intercepts, sparse_only))
}

/// Starting points `[w, b]` per label for a fit over `vectoriser`'s features: the mean of
/// the `prior` fits' weights (`(vectoriser, weights, intercepts)`), matched by term (a term a
/// prior lacks counts as 0 there). The objective is strictly convex, so the start changes
/// only how fast the solver reaches the optimum; the threshold folds' models (fitted on parts
/// of the same rows) are close to it. `None` without priors.
pub(super) fn mean_start(
    vectoriser: &Vectoriser,
    prior: &[(&Vectoriser, &[f32], &[f32])],
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
    for &(pv, weights, intercepts) in prior {
        for pf in 0..pv.len() {
            if let Some(&f) = index.get(pv.term(pf)) {
                for (l, s) in starts.iter_mut().enumerate() {
                    s[f] += share * weights[pf * n_labels + l];
                }
            }
        }
        for (l, s) in starts.iter_mut().enumerate() {
            s[k] += share * intercepts[l];
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
        Ok(Model::fit_held_out(data, params, progress)?.0)
    }

    /// [`Model::fit`], also returning the threshold folds' out-of-fold probabilities (`None`
    /// when the data was too small for threshold folds).
    pub fn fit_held_out(
        data: &LabelledData,
        params: &ValidTrainParams,
        progress: &(dyn Fn(TrainStage) + Sync),
    ) -> Result<(Model, Option<HeldOut>)> {
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
        // Attribute values: those on at least `min_attribute_examples` rows get a model.
        let (learned, not_learned) = if data.has_attributes() {
            attributes::select_values(data.attribute_counts(), p.min_attribute_examples)
        } else {
            (Vec::new(), Vec::new())
        };
        let attribute_names: Vec<String> = learned.iter().map(|(n, _)| n.clone()).collect();
        let ya = (!attribute_names.is_empty())
            .then(|| Decisions::gold(&attribute_names, &data.attributes));
        let normaliser = Normaliser::new();
        let texts: Vec<&str> = data.texts.iter().map(String::as_str).collect();
        let context_owned = data.contexts();
        let contexts: Vec<&str> = context_owned.iter().map(|c| &**c).collect();

        let mut groups: Vec<&String> = data.fold_group.iter().collect();
        groups.sort();
        groups.dedup();
        // Out-of-fold probabilities of `k` threshold folds (grouped by `fold_group`), with the
        // folds' cores (the final fit starts at their mean).
        let run_folds = |k: usize| -> Result<(Vec<Core>, Probabilities, Option<Probabilities>)> {
            let folds = group_folds(&data.fold_group, k, p.seed);
            let mut fold_cores = Vec::new();
            let mut oof = Probabilities::new(n, nl);
            let mut oof_attributes = ya.as_ref().map(|ya| Probabilities::new(n, ya.n_labels()));
            for f in 0..k {
                progress(TrainStage::Fold(f + 1, k));
                let train_idx: Vec<usize> = (0..n).filter(|&r| folds[r] != f).collect();
                let test_idx: Vec<usize> = (0..n).filter(|&r| folds[r] == f).collect();
                let tt: Vec<&str> = train_idx.iter().map(|&r| texts[r]).collect();
                let tc: Vec<&str> = train_idx.iter().map(|&r| contexts[r]).collect();
                let ty = y.select(&train_idx);
                let tya = ya.as_ref().map(|ya| ya.select(&train_idx));
                let fit = (Fitter::Sparse, &[][..]);
                let pc = (p, params.clusters());
                let core = fit_core(&normaliser, &tt, &tc, (&ty, tya.as_ref()), pc, fit)?;
                let et: Vec<&str> = test_idx.iter().map(|&r| texts[r]).collect();
                let ec: Vec<&str> = test_idx.iter().map(|&r| contexts[r]).collect();
                let (pc, pa) = core.probabilities(&normaliser, &et, &ec);
                oof.scatter(&test_idx, &pc);
                if let (Some(o), Some(pa)) = (oof_attributes.as_mut(), pa) {
                    o.scatter(&test_idx, &pa);
                }
                fold_cores.push(core);
            }
            Ok((fold_cores, oof, oof_attributes))
        };
        // A small data set can leave a fold without a usable vocabulary (no term in min_df of
        // its rows) although the whole set has one: fewer folds, else fixed thresholds, with
        // a warning that says so.
        let mut warnings = Vec::new();
        let mut k = p.threshold_folds.min(groups.len());
        let mut folded = None;
        while k >= 2 {
            match run_folds(k) {
                Ok(x) => {
                    folded = Some(x);
                    break;
                }
                Err(e) => {
                    warnings.push(format!(
                        "{k} threshold folds cannot be trained on this data ({e})"
                    ));
                    k -= 1;
                }
            }
        }
        if !warnings.is_empty() {
            warnings.push(match folded {
                Some(_) => format!("thresholds were tuned on {k} folds instead"),
                None => "the data is too small for threshold folds: thresholds are fixed at 0.5 and there is no neighbour stage; add rows (or policies) for tuned thresholds".into(),
            });
        }
        let mut neighbours = None;
        let mut fold_cores = Vec::new();
        let mut attribute_thresholds = None;
        let mut held_out = None;
        let (thresholds, cv) = if let Some((cores, mut oof, oof_attributes)) = folded {
            fold_cores = cores;
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
            if let (Some(ya), Some(oa)) = (&ya, &oof_attributes) {
                // A value is predicted only with one of its categories: the folds' own
                // category decisions gate their attribute probabilities here as at prediction.
                let gates = attributes::gates_of(&y, ya);
                let decided = thresholds.decide(&oof);
                let row_labels: Vec<Vec<usize>> = (0..n)
                    .map(|r| (0..nl).filter(|&l| decided.get(r, l)).collect())
                    .collect();
                let open = |r: usize, v: usize| attributes::gate_open(&gates[v], &row_labels[r]);
                let own: Vec<f32> = (0..ya.n_labels())
                    .map(|v| best_threshold(&oa.column(v), &ya.column(v)))
                    .collect();
                let t = Thresholds::new(attributes::micro_thresholds(oa, ya, &open, own));
                let mut pred = Decisions::new(n, ya.n_labels());
                for (r, labs) in row_labels.iter().enumerate() {
                    let on = AttributeHead::decide_with(&t, &gates, oa.row(r), labs);
                    for v in on {
                        pred.set(r, v, true);
                    }
                }
                let s = labels::score(&attribute_names, ya, &pred);
                attribute_thresholds = Some((t, s, gates));
            }
            held_out = Some(HeldOut {
                probabilities: oof,
                gold: y.clone(),
            });
            (thresholds, Some(CvSummary { folds: k, scores }))
        } else {
            (Thresholds::fixed(nl, 0.5), None)
        };
        progress(TrainStage::Final);
        let prior = (Fitter::Linfa, &fold_cores[..]);
        let pc = (p, params.clusters());
        let core = fit_core(&normaliser, &texts, &contexts, (&y, ya.as_ref()), pc, prior)?;
        let attributes = core.attributes.map(|(weights, intercepts)| {
            let na = attribute_names.len();
            let (thresholds, cv, gates) = match attribute_thresholds {
                Some((t, s, g)) => (t, Some(s), g),
                None => (
                    Thresholds::fixed(na, 0.5),
                    None,
                    attributes::gates_of(&y, ya.as_ref().expect("attribute gold")),
                ),
            };
            AttributeHead {
                names: attribute_names,
                weights,
                intercepts,
                thresholds,
                counts: learned.iter().map(|(_, c)| *c).collect(),
                gates,
                cv,
            }
        });
        let model = Model {
            labels,
            vectoriser: core.vectoriser,
            weights: core.weights,
            intercepts: core.intercepts,
            neighbours,
            thresholds,
            params: *p,
            training: TrainingInfo {
                // By content only: the same bytes under any name train the same model file.
                sources: data
                    .sources
                    .iter()
                    .map(|s| SourceInfo {
                        path: String::new(),
                        ..s.clone()
                    })
                    .collect(),
                rows: n,
                label_counts,
                attributes_not_learned: not_learned,
                self_training: None,
            },
            cv,
            written_by: format!("policy-classifier {}", env!("CARGO_PKG_VERSION")),
            sparse_only: core.sparse_only,
            attributes,
            warnings,
        };
        Ok((model, held_out))
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
            fit_core(
                &norm,
                &t,
                &t,
                (&y, None),
                (&p, None),
                (Fitter::Sparse, prior),
            )
            .unwrap()
        };
        let folds = [fit(&[0, 1, 3, 4, 6, 8], &[]), fit(&[1, 2, 4, 5, 7], &[])];
        let all: Vec<usize> = (0..rows.len()).collect();
        let cold = fit(&all, &[]);
        let priors: Vec<_> = folds
            .iter()
            .map(|c| (&c.vectoriser, &c.weights[..], &c.intercepts[..]))
            .collect();
        let starts = mean_start(&cold.vectoriser, &priors, 2).unwrap();
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
            warm.probabilities(&norm, &probe, &probe).0,
            cold.probabilities(&norm, &probe, &probe).0,
        );
        for (x, y) in a.as_slice().iter().zip(b.as_slice()) {
            assert!((x - y).abs() < 2e-3, "{a:?} vs {b:?}");
        }
    }

    #[test]
    fn attribute_values_get_models_and_survive_a_round_trip() {
        let mut d = LabelledData::default();
        let rows = [
            (
                "we collect your location to show nearby shops",
                "fp",
                "Personal Information Type: Location;Purpose: Additional service/feature",
            ),
            (
                "your gps position is recorded while you ride",
                "fp",
                "Personal Information Type: Location",
            ),
            (
                "we use your location for local offers",
                "fp",
                "Personal Information Type: Location;Purpose: Marketing",
            ),
            (
                "we collect your email address for receipts",
                "fp",
                "Personal Information Type: Contact",
            ),
            (
                "your email address is stored with your account",
                "fp",
                "Personal Information Type: Contact",
            ),
            (
                "we share your email address with couriers",
                "tp",
                "Personal Information Type: Contact",
            ),
            (
                "we share your location with a map partner",
                "tp",
                "Personal Information Type: Location",
            ),
            ("contact our office for help", "", ""),
            ("read this notice carefully", "", ""),
            ("welcome to our website", "", ""),
        ];
        for (i, (t, l, a)) in rows.iter().enumerate() {
            d.texts.push(t.to_string());
            let split = |s: &str| {
                s.split(';')
                    .filter(|x| !x.is_empty())
                    .map(String::from)
                    .collect()
            };
            d.labels.push(split(l));
            d.attributes.push(split(a));
            d.company.push(String::new());
            d.fold_group.push(format!("g{i}"));
            d.policy_id.push(None);
            d.segment_id.push(None);
        }
        d.attribute_column = Some(true);
        let mut p = TrainParams {
            threshold_folds: 0,
            min_attribute_examples: 3,
            ..TrainParams::default()
        };
        p.vectoriser.min_df = 1;
        let m = Model::fit(&d, &p.check().unwrap(), &|_| {}).unwrap();
        let head = m.attributes().expect("an attribute head");
        assert_eq!(
            head.names(),
            [
                "Personal Information Type: Contact",
                "Personal Information Type: Location"
            ]
        );
        assert_eq!(head.counts(), [3, 4]);
        assert_eq!(
            m.training().attributes_not_learned.len(),
            2,
            "the purposes are rare"
        );
        // Location comes with both categories; Contact too.
        assert_eq!(head.gates()[1], [0, 1]);
        let probe = ["we record your gps location", "hello there"];
        let a = m.predict(Units::Alone(&probe));
        let back = Model::from_bytes(&m.to_bytes().unwrap(), std::path::Path::new("m")).unwrap();
        assert_eq!(a, back.predict(Units::Alone(&probe)));
        let ap = a.attributes.expect("attribute probabilities");
        assert!(ap.get(0, 1) > ap.get(0, 0), "{ap:?}");
        // Without an attributes column the model has no head.
        d.attribute_column = Some(false);
        d.attributes.clear();
        assert!(Model::fit(&d, &p.check().unwrap(), &|_| {})
            .unwrap()
            .attributes()
            .is_none());
    }
}
