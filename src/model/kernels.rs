//! The linear kernels of scoring: sparse row × feature-major weights for every label at once
//! (specialised for 1–16 labels), and the logistic function.

use crate::features::SparseRow;

/// The logistic function (also the neighbour stage's).
pub fn sigmoid(z: f32) -> f32 {
    1.0 / (1.0 + (-z).exp())
}

/// Adds `row · weights` of every label to `out` (`weights` feature-major, `out.len()` labels).
/// Up to 16 labels go through a copy specialised for the count (the ten OPP-115 labels are
/// the common case): the label loop unrolls into vector adds with one bounds check per
/// feature. Each label's sum is accumulated in row order either way, so the results are
/// the same bits.
pub(crate) fn add_dots(core_w: &[f32], row: &[(u32, f32)], out: &mut [f32]) {
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

pub(crate) fn score_rows(core_w: &[f32], intercepts: &[f32], row: &SparseRow, out: &mut [f32]) {
    out.copy_from_slice(intercepts);
    add_dots(core_w, row, out);
    for o in out.iter_mut() {
        *o = sigmoid(*o);
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
}
