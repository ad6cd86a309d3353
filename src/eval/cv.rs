//! Grouped k-fold cross-validation: train on k−1 folds of policies, score the held-out fold,
//! report the mean and spread of every metric.
//!
//! Rows of one policy (`policy_id`, else company, else the row itself) always stay in one
//! fold. Everything that is tuned — vocabulary, chi² feature selection, weights and per-label
//! thresholds (on inner folds) — is fitted on the training folds only, exactly as
//! [`Model::fit`] does for a shipped model.

use crate::data::LabelledData;
use crate::error::Result;
use crate::eval::attributes::{AttributeEvaluation, Levels};
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

/// Micro- and macro-F1 over folds of one group of attribute values at each level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttributeSpread {
    /// `core families`, or a family name.
    pub name: String,
    /// Sentence level `(micro, macro)`.
    pub sentence: (Spread, Spread),
    /// Segment level, when the data has segment ids.
    pub segment: Option<(Spread, Spread)>,
    /// Document level, when the data has policy ids.
    pub document: Option<(Spread, Spread)>,
}

/// The spreads of the attribute groups of every fold (a family absent from a fold's data and
/// model is left out of that fold's figures).
fn attribute_spreads(folds: &[AttributeEvaluation]) -> Vec<AttributeSpread> {
    if folds.is_empty() {
        return Vec::new();
    }
    let mut names: Vec<String> = vec!["core families".into()];
    for f in folds {
        for (n, _) in &f.families {
            if !names.contains(n) {
                names.push(n.clone());
            }
        }
    }
    names[1..].sort();
    names
        .into_iter()
        .map(|name| {
            let levels: Vec<&Levels> = folds
                .iter()
                .filter_map(|f| {
                    if name == "core families" {
                        Some(&f.core)
                    } else {
                        f.families.iter().find(|(n, _)| *n == name).map(|(_, l)| l)
                    }
                })
                .collect();
            let pair = |get: &dyn Fn(&Levels) -> Option<&Scores>| -> Option<(Spread, Spread)> {
                let s: Option<Vec<&Scores>> = levels.iter().map(|l| get(l)).collect();
                s.filter(|s| !s.is_empty()).map(|s| {
                    (
                        Spread::of(&s.iter().map(|x| x.micro_f1).collect::<Vec<_>>()),
                        Spread::of(&s.iter().map(|x| x.macro_f1).collect::<Vec<_>>()),
                    )
                })
            };
            AttributeSpread {
                sentence: pair(&|l| Some(&l.sentence))
                    .unwrap_or((Spread::of(&[]), Spread::of(&[]))),
                segment: pair(&|l| l.segment.as_ref()),
                document: pair(&|l| l.document.as_ref()),
                name,
            }
        })
        .collect()
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
    /// When the data has attributes: micro- and macro-F1 over folds of the core families
    /// pooled (first, named `core families`) and of each family.
    pub attributes: Vec<AttributeSpread>,
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
    let mut attribute_folds = Vec::new();
    for f in 0..k {
        let train: Vec<usize> = (0..data.len()).filter(|&r| folds[r] != f).collect();
        let test: Vec<usize> = (0..data.len()).filter(|&r| folds[r] == f).collect();
        let tr = data.subset(&train);
        let te = data.subset(&test);
        let model = Model::fit(&tr, params, &|stage| progress(f + 1, k, stage))?;
        let a = eval::assess(&model, &te, &labels);
        if let Some(e) = a.attributes.and_then(|x| x.evaluation) {
            attribute_folds.push(e);
        }
        per_fold.push(a.evaluation);
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
        attributes: attribute_spreads(&attribute_folds),
        fold_of_row: folds,
    })
}
