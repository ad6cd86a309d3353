//! Training parameters, linfa style: [`TrainParams`] (unchecked) → [`TrainParams::check`] →
//! [`ValidTrainParams`], the only kind [`super::Model::fit`] accepts.

use super::Unit;
use crate::error::{Error, Result};
use crate::features::{VectoriserParams, WordClusters};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

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
    /// Fit the neighbour stage ([`super::neighbours`]) on the threshold folds' out-of-fold
    /// probabilities (needs `threshold_folds` ≥ 2).
    pub neighbour_stage: bool,
    /// L2 penalty strength of the neighbour stage.
    pub neighbour_alpha: f32,
    /// An attribute value (when the data has an `attributes` column) gets a model when at
    /// least this many rows carry it; rarer values are listed as not learned.
    pub min_attribute_examples: usize,
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
            min_attribute_examples: 10,
        }
    }
}

/// Training parameters that passed [`TrainParams::check`], and the word clusters the
/// vectoriser adds as features (none unless [`ValidTrainParams::with_clusters`]).
#[derive(Debug, Clone, PartialEq)]
pub struct ValidTrainParams(TrainParams, Option<Arc<WordClusters>>);

impl ValidTrainParams {
    /// The checked parameters.
    pub fn get(&self) -> &TrainParams {
        &self.0
    }

    /// The same parameters with word clusters as features (learnt by `classify embed`).
    pub fn with_clusters(mut self, clusters: Arc<WordClusters>) -> Self {
        self.1 = Some(clusters);
        self
    }

    /// The word clusters the vectoriser adds as features, if any.
    pub fn clusters(&self) -> Option<&WordClusters> {
        self.1.as_deref()
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
        if self.min_attribute_examples == 0 {
            return Err(Error::Params(
                "the minimum number of examples of an attribute value must be at least 1".into(),
            ));
        }
        if self.max_repeat == 0 {
            return Err(Error::Params("max_repeat must be at least 1".into()));
        }
        Ok(ValidTrainParams(*self, None))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
