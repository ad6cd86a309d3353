//! Grouped k-fold cross-validation: train on k−1 folds of policies, score the held-out fold,
//! report the mean and spread of every metric.
//!
//! Rows of one policy (`policy_id`, else company, else the row itself) always stay in one
//! fold. Everything that is tuned — vocabulary, chi² feature selection, weights and per-label
//! thresholds (on inner folds) — is fitted on the training folds only, exactly as
//! [`Model::fit`] does for a shipped model.

use crate::data::LabelledData;
use crate::error::Result;
use crate::eval::{self, Evaluation, Scores};
use crate::model::{group_folds, Model, TrainStage, ValidTrainParams};
use serde::{Deserialize, Serialize};

/// Mean and (population) standard deviation of a metric over folds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Spread {
    /// Mean over folds.
    pub mean: f64,
    /// Standard deviation over folds.
    pub std: f64,
}

impl Spread {
    fn of(values: &[f64]) -> Spread {
        let n = values.len().max(1) as f64;
        let mean = values.iter().sum::<f64>() / n;
        let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
        Spread {
            mean,
            std: var.sqrt(),
        }
    }
}

/// Per-label metrics across folds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LabelSpread {
    /// Label name.
    pub label: String,
    /// Precision over folds.
    pub precision: Spread,
    /// Recall over folds.
    pub recall: Spread,
    /// F1 over folds.
    pub f1: Spread,
    /// Total gold positives over all folds.
    pub support: usize,
}

/// All metrics of one level across folds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LevelSpread {
    /// Micro precision.
    pub micro_precision: Spread,
    /// Micro recall.
    pub micro_recall: Spread,
    /// Micro F1.
    pub micro_f1: Spread,
    /// Macro F1.
    pub macro_f1: Spread,
    /// Per label.
    pub per_label: Vec<LabelSpread>,
}

impl LevelSpread {
    fn of(scores: &[&Scores]) -> LevelSpread {
        let get = |f: &dyn Fn(&Scores) -> f64| {
            Spread::of(&scores.iter().map(|s| f(s)).collect::<Vec<_>>())
        };
        let nl = scores.first().map_or(0, |s| s.per_label.len());
        let per_label = (0..nl)
            .map(|l| LabelSpread {
                label: scores[0].per_label[l].label.clone(),
                precision: get(&|s| s.per_label[l].precision),
                recall: get(&|s| s.per_label[l].recall),
                f1: get(&|s| s.per_label[l].f1),
                support: scores.iter().map(|s| s.per_label[l].support).sum(),
            })
            .collect();
        LevelSpread {
            micro_precision: get(&|s| s.micro_precision),
            micro_recall: get(&|s| s.micro_recall),
            micro_f1: get(&|s| s.micro_f1),
            macro_f1: get(&|s| s.macro_f1),
            per_label,
        }
    }
}

/// The result of a cross-validation run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CvReport {
    /// Number of folds.
    pub folds: usize,
    /// Seed of the fold assignment.
    pub seed: u64,
    /// Row (sentence) level.
    pub sentence: LevelSpread,
    /// Segment level, when `policy_id` and `segment_id` are present.
    pub segment: Option<LevelSpread>,
    /// Document level, when `policy_id` is present.
    pub document: Option<LevelSpread>,
    /// Each fold's evaluation.
    pub per_fold: Vec<Evaluation>,
    /// The held-out fold of every row, in data order.
    #[serde(skip)]
    pub fold_of_row: Vec<usize>,
}

/// Progress of a cross-validation run: fold `i` of `k`, and the training stage inside it.
pub type CvProgress<'a> = &'a (dyn Fn(usize, usize, TrainStage) + Sync);

/// Runs grouped `k`-fold cross-validation with the given training parameters.
pub fn cross_validate(
    data: &LabelledData,
    params: &ValidTrainParams,
    k: usize,
    seed: u64,
    progress: CvProgress<'_>,
) -> Result<CvReport> {
    let mut groups: Vec<&String> = data.fold_group.iter().collect();
    groups.sort();
    groups.dedup();
    if k < 2 || groups.len() < k {
        return Err(crate::Error::Params(format!(
            "--cv {k} needs at least {k} policies (groups), the data has {}",
            groups.len()
        )));
    }
    let labels = data.label_names();
    let folds = group_folds(&data.fold_group, k, seed);
    let mut per_fold = Vec::with_capacity(k);
    for f in 0..k {
        let train: Vec<usize> = (0..data.len()).filter(|&r| folds[r] != f).collect();
        let test: Vec<usize> = (0..data.len()).filter(|&r| folds[r] == f).collect();
        let tr = data.subset(&train);
        let te = data.subset(&test);
        let model = Model::fit(&tr, params, &|stage| progress(f + 1, k, stage))?;
        per_fold.push(eval::assess(&model, &te, &labels).evaluation);
    }
    let sentence = LevelSpread::of(&per_fold.iter().map(|e| &e.sentence).collect::<Vec<_>>());
    let level = |get: &dyn Fn(&Evaluation) -> Option<&Scores>| {
        let v: Option<Vec<&Scores>> = per_fold.iter().map(get).collect();
        v.map(|v| LevelSpread::of(&v))
    };
    let segment = level(&|e| e.segment.as_ref());
    let document = level(&|e| e.document.as_ref());
    Ok(CvReport {
        folds: k,
        seed,
        sentence,
        segment,
        document,
        per_fold,
        fold_of_row: folds,
    })
}
