//! Word clusters: spherical k-means (cosine similarity on unit vectors) with k-means++
//! seeding from a stable hash of the seed, Lloyd iterations until no word moves (or the
//! iteration cap). Assignments are computed in parallel (each word on its own), centroid sums
//! sequentially in word order, so the clusters depend on the vectors and the seed only.

use crate::hash::splitmix;
use rayon::prelude::*;

/// Cluster ids (`0..k`) of the `n` unit vectors of `vectors` (row-major `n × dim`), nearest
/// centroid by cosine similarity.
pub(super) fn kmeans(
    vectors: &[f32],
    dim: usize,
    k: usize,
    iterations: usize,
    seed: u64,
) -> Vec<u32> {
    let n = vectors.len() / dim;
    let k = k.min(n).max(1);
    let row = |i: usize| &vectors[i * dim..][..dim];
    let dot = |a: &[f32], b: &[f32]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f32>();
    // k-means++: the first centre from the seed, each next one drawn with probability
    // proportional to its squared distance (2 − 2 cos) to the nearest centre so far.
    let mut centres: Vec<f32> = Vec::with_capacity(k * dim);
    let first = (splitmix(seed) % n as u64) as usize;
    centres.extend_from_slice(row(first));
    let mut nearest: Vec<f32> = (0..n)
        .into_par_iter()
        .map(|i| (2.0 - 2.0 * dot(row(i), row(first))).max(0.0))
        .collect();
    for c in 1..k {
        let total: f64 = nearest.iter().map(|&d| f64::from(d)).sum();
        let u = (splitmix(seed ^ splitmix(c as u64)) >> 11) as f64 / (1u64 << 53) as f64 * total;
        let mut acc = 0f64;
        let mut pick = n - 1;
        for (i, &d) in nearest.iter().enumerate() {
            acc += f64::from(d);
            if acc > u {
                pick = i;
                break;
            }
        }
        centres.extend_from_slice(row(pick));
        let centre = row(pick);
        nearest.par_iter_mut().enumerate().for_each(|(i, d)| {
            *d = d.min((2.0 - 2.0 * dot(row(i), centre)).max(0.0));
        });
    }
    let mut assign = vec![u32::MAX; n];
    for _ in 0..iterations.max(1) {
        let next: Vec<u32> = (0..n)
            .into_par_iter()
            .map(|i| {
                let x = row(i);
                let mut best = (f32::NEG_INFINITY, 0u32);
                for (c, centre) in centres.chunks_exact(dim).enumerate() {
                    let s = dot(x, centre);
                    if s > best.0 {
                        best = (s, c as u32);
                    }
                }
                best.1
            })
            .collect();
        let moved = next != assign;
        assign = next;
        if !moved {
            break;
        }
        let mut sums = vec![0f64; k * dim];
        let mut sizes = vec![0usize; k];
        for (i, &c) in assign.iter().enumerate() {
            sizes[c as usize] += 1;
            for (s, &x) in sums[c as usize * dim..][..dim].iter_mut().zip(row(i)) {
                *s += f64::from(x);
            }
        }
        for c in 0..k {
            if sizes[c] == 0 {
                continue; // an empty cluster keeps its centre
            }
            let s = &sums[c * dim..][..dim];
            let norm = s.iter().map(|x| x * x).sum::<f64>().sqrt();
            if norm > 0.0 {
                for (o, x) in centres[c * dim..][..dim].iter_mut().zip(s) {
                    *o = (x / norm) as f32;
                }
            }
        }
    }
    assign
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separates_two_obvious_groups() {
        // Two tight groups of unit vectors around orthogonal directions.
        let mut v = Vec::new();
        for i in 0..10 {
            let e = 0.01 * i as f32;
            let (a, b) = if i < 5 { (1.0, e) } else { (e, 1.0) };
            let n = (a * a + b * b).sqrt();
            v.extend([a / n, b / n]);
        }
        let c = kmeans(&v, 2, 2, 20, 3);
        assert!(c[..5].iter().all(|&x| x == c[0]));
        assert!(c[5..].iter().all(|&x| x == c[5]));
        assert_ne!(c[0], c[5]);
        assert_eq!(c, kmeans(&v, 2, 2, 20, 3), "deterministic");
    }
}
