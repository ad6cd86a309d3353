//! Fitting one binary model: the L2 logistic objective solved on sparse rows
//! ([`super::sparse_lr`]), then linfa-logistic on the dense matrix of the selected features,
//! started at that solution, has the last word (the linfa bridge). Weights come back oriented
//! as P(true) whatever linfa-logistic's positive class was.

use super::neighbours::{n_features, FitLabel};
use super::TrainParams;
use crate::error::{Error, Result};
use crate::features::{SharedContextRows, SparseRow};
use linfa::prelude::*;
use linfa_logistic::LogisticRegression;
use ndarray::{Array1, Array2, ShapeBuilder};

/// Iteration limit of the neighbour stage's fits (small dense problems: cheap).
const NEIGHBOUR_MAX_ITERATIONS: u64 = 300;

/// Which fitter has the last word on a core's weights.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Fitter {
    /// linfa-logistic (warm-started from the sparse solution unless `warm_start` is off):
    /// the model that is saved.
    Linfa,
    /// The sparse solution of the same objective alone: models used only to tune thresholds
    /// on held-out folds and then discarded (falls back to linfa when `warm_start` is off).
    Sparse,
}

/// The fitter of the neighbour stage's per-label models: [`fit_label`] (the sparse solution,
/// then linfa-logistic's check on the dense inputs, which are small) with the stage's alpha,
/// no class balancing (the thresholds do that) and a higher iteration limit.
pub(crate) fn neighbour_fitter(p: &TrainParams, n_labels: usize) -> impl FitLabel {
    let sp = TrainParams {
        alpha: p.neighbour_alpha,
        balance_power: 0.0,
        max_iterations: NEIGHBOUR_MAX_ITERATIONS,
        warm_start: true,
        ..*p
    };
    move |rows, target, start| {
        let k = n_features(n_labels);
        let what = "the neighbour stage";
        let shared = SharedContextRows::from_rows(rows);
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

/// Fits one label (`target[r]`: row `r` has it; `what` names it in errors) on `rows` with `k`
/// features, the sparse solver started at `start` (else zeros); returns weights and
/// intercept oriented as P(true), and whether the sparse solution was kept.
pub(super) fn fit_label(
    (rows, shared): (&[SparseRow], &SharedContextRows),
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
        let solve = super::sparse_lr::Solve {
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
        let w = super::sparse_lr::fit(shared, target, &weight, k, &solve)
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
