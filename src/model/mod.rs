//! The model: one `linfa-logistic` binary classifier per label over the TF-IDF features, a
//! neighbour stage that revises each unit with its paragraph's probabilities, per-label
//! decision thresholds tuned on held-out folds, and the versioned model file.
//!
//! Training builds, per label, a dense column-major f32 matrix of the chi²-selected features
//! only (linfa-logistic takes dense arrays), with positive rows repeated for class balance
//! (linfa-logistic has no sample weights). Prediction never densifies: the fitted weights
//! (`params()`, `intercept()`) are stacked into a feature-major matrix and multiplied with the
//! sparse TF-IDF rows, which gives exactly the probabilities linfa would compute.
//!
//! | file | job |
//! |---|---|
//! | `params.rs` | [`TrainParams`] → `check()` → [`ValidTrainParams`] |
//! | `train.rs` | [`Model::fit`]: threshold folds, neighbour stage, thresholds, final fit |
//! | `solve.rs` | one binary model: the sparse solution, then linfa-logistic (the linfa bridge) |
//! | `sparse_lr.rs` | the same objective solved on sparse rows (argmin L-BFGS) |
//! | `folds.rs` | grouped fold assignment |
//! | `kernels.rs` | sparse row × stacked weights, the logistic function |
//! | `neighbours.rs` | the neighbour stage |
//! | `score.rs` | [`Model::probabilities`], the one scoring entry point, over [`Units`] |
//! | `explain.rs` | per-term contributions ([`TermContribution`]) |
//! | `format.rs` | the model file |

pub mod attributes;
mod explain;
mod folds;
mod format;
pub mod kernels;
pub mod neighbours;
mod params;
mod score;
mod solve;
pub mod sparse_lr;
mod train;

pub use explain::{Part, TermContribution, CLUSTER_PREFIX, CLUSTER_WORDS_SHOWN, FROM_PARAGRAPH};
pub use folds::group_folds;
pub use format::FORMAT_VERSION;
pub use params::{TrainParams, ValidTrainParams};
pub use score::{Predicted, Units};

use crate::data::SourceInfo;
use crate::features::Vectoriser;
use crate::labels::{Scores, Thresholds};
use attributes::AttributeHead;
use neighbours::NeighbourStage;
use serde::{Deserialize, Serialize};

/// The unit a model is trained on and applied to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Unit {
    /// Sentences (and headings, list items).
    #[default]
    Sentence,
    /// Paragraphs (segments), as OPP-115 results are often quoted.
    Segment,
}

/// What the model was trained on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainingInfo {
    /// Training files by content: size, rows and SHA-256. The path is left empty, so that the
    /// same data under another file name trains a byte-identical model.
    pub sources: Vec<SourceInfo>,
    /// Number of training rows.
    pub rows: usize,
    /// Positive rows per label.
    pub label_counts: Vec<usize>,
    /// Attribute values of the data on too few rows to be learned
    /// ([`TrainParams::min_attribute_examples`]), with their row counts.
    pub attributes_not_learned: Vec<(String, usize)>,
    /// Self-training rounds over unlabelled policies, when the model was self-trained.
    pub self_training: Option<SelfTrainingInfo>,
}

/// How a self-trained model used unlabelled policies (`train --self-train`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SelfTrainingInfo {
    /// Rounds run (tag, select, retrain).
    pub rounds: usize,
    /// Unlabelled documents tagged in each round.
    pub documents: usize,
    /// Hex SHA-256 over the documents' texts in input order (by content, not by path).
    pub documents_sha256: String,
    /// Pseudo-labelled rows added in each round (the last round's are in the model).
    pub rows_per_round: Vec<usize>,
    /// Held-out precision a label's presence cut-off had to reach; `1 − confidence` is the
    /// share of its held-out positives allowed below its absence cut-off.
    pub confidence: f32,
    /// Per label, at most this many times its labelled rows were added.
    pub cap_ratio: f32,
}

/// Out-of-fold probabilities of the threshold folds (revised by the neighbour stage, as the
/// thresholds saw them) with the gold decisions of the same rows: what a caller needs to
/// choose its own cut-offs on held-out data.
#[derive(Debug, Clone)]
pub struct HeldOut {
    /// Out-of-fold probability of every training row and label.
    pub probabilities: crate::labels::Probabilities,
    /// The rows' gold labels.
    pub gold: crate::labels::Decisions,
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

/// A trained multi-label model. Its fields are private: a `Model` is made only by
/// [`Model::fit`] or by [`Model::from_bytes`] (which checks every dimension), so it is
/// consistent by construction; read it through the accessors.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Model {
    /// Label names, from the training data.
    labels: Vec<String>,
    /// The fitted vectoriser.
    vectoriser: Vectoriser,
    /// Weights, feature-major: `weights[f * labels.len() + l]`.
    weights: Vec<f32>,
    /// Intercept per label.
    intercepts: Vec<f32>,
    /// The neighbour stage, when trained: revises each unit's probabilities with its
    /// paragraph's (see [`neighbours`]).
    neighbours: Option<NeighbourStage>,
    /// Decision threshold per label (applied to the final probabilities).
    thresholds: Thresholds,
    /// The parameters used.
    params: TrainParams,
    /// What it was trained on.
    training: TrainingInfo,
    /// Cross-validated metrics, when threshold folds were used.
    cv: Option<CvSummary>,
    /// Crate version that wrote the model.
    written_by: String,
    /// Labels whose final fit kept the sparse solver's solution because linfa-logistic's
    /// dense matrix would have exceeded [`TrainParams::dense_limit_mib`] (known after
    /// training only; not stored in the model file).
    #[serde(skip)]
    sparse_only: Vec<usize>,
    /// The attribute head, when the training data had attribute values to learn.
    attributes: Option<AttributeHead>,
    /// What training had to work around (e.g. fewer threshold folds for a small data set);
    /// known after training only, not stored in the model file.
    #[serde(skip)]
    warnings: Vec<String>,
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

/// The shipped model, for unit tests.
#[cfg(test)]
pub(crate) fn shipped_for_tests() -> Model {
    Model::from_bytes(
        include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/models/default.model")),
        std::path::Path::new("default"),
    )
    .expect("the shipped model loads")
}

impl Model {
    /// Label names, from the training data (OPP-115 categories first in their order).
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// The fitted vectoriser.
    pub fn vectoriser(&self) -> &Vectoriser {
        &self.vectoriser
    }

    /// Decision thresholds per label.
    pub fn thresholds(&self) -> &Thresholds {
        &self.thresholds
    }

    /// The training parameters used.
    pub fn params(&self) -> &TrainParams {
        &self.params
    }

    /// What the model was trained on.
    pub fn training(&self) -> &TrainingInfo {
        &self.training
    }

    /// Cross-validated metrics of the threshold folds, when they were used.
    pub fn cv(&self) -> Option<&CvSummary> {
        self.cv.as_ref()
    }

    /// Crate version that wrote the model.
    pub fn written_by(&self) -> &str {
        &self.written_by
    }

    /// Labels whose final fit kept the sparse solver's solution (known after training only).
    pub fn sparse_only(&self) -> &[usize] {
        &self.sparse_only
    }

    /// The attribute head, when the model was trained with attribute values.
    pub fn attributes(&self) -> Option<&AttributeHead> {
        self.attributes.as_ref()
    }

    /// What training had to work around, one line each (known after training only).
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// Whether the model has a neighbour stage.
    pub fn has_neighbour_stage(&self) -> bool {
        self.neighbours.is_some()
    }

    /// Records the self-training that made this model (provenance only: no dimension of the
    /// model changes, so it stays consistent).
    pub(crate) fn set_self_training(&mut self, info: SelfTrainingInfo) {
        self.training.self_training = Some(info);
    }
}
