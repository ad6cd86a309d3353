//! Word vectors from co-occurrence counts: positive pointwise mutual information (PPMI, with
//! the context-distribution smoothing of Levy, Goldberg & Dagan 2015, applied to both sides so
//! the matrix stays symmetric), then its leading eigenvectors by a randomized range finder
//! (Halko, Martinsson & Tropp 2011): a seeded Gaussian start, a few power iterations with
//! Gram–Schmidt orthonormalisation, and the small projected matrix diagonalised by Jacobi
//! rotations. Only sparse products and dense `n × k` arithmetic: no LAPACK or BLAS. A word's
//! vector is its eigenvector row scaled by √|λ| (the symmetric SVD weighting), L2-normalised.
//!
//! Every sum runs in a fixed order (rows are computed in parallel, each row sequentially), so
//! the vectors depend on the counts and the seed only.

use super::count::Cooccurrence;
use crate::hash::splitmix;
use rayon::prelude::*;

/// A sparse symmetric matrix in compressed rows.
pub(super) struct Csr {
    n: usize,
    starts: Vec<usize>,
    cols: Vec<u32>,
    vals: Vec<f32>,
}

impl Csr {
    /// Number of stored (non-zero) entries.
    pub(super) fn nnz(&self) -> usize {
        self.vals.len()
    }
}

/// The PPMI matrix of the counts: `max(0, ln(p(i, j) / (p_α(i) p_α(j))))` with
/// `p_α(i) ∝ rowsum(i)^α`.
pub(super) fn ppmi(c: &Cooccurrence, alpha: f64) -> Csr {
    let n = c.v;
    let rows: Vec<f64> = (0..n)
        .into_par_iter()
        .map(|i| (0..n).map(|j| f64::from(c.get(i, j))).sum())
        .collect();
    let total: f64 = rows.iter().sum();
    let smooth: Vec<f64> = rows.iter().map(|r| r.powf(alpha)).collect();
    let z: f64 = smooth.iter().sum();
    let log_p: Vec<f64> = smooth
        .iter()
        .map(|s| if *s > 0.0 { (s / z).ln() } else { 0.0 })
        .collect();
    let ln_total = total.max(1.0).ln();
    let per_row: Vec<(Vec<u32>, Vec<f32>)> = (0..n)
        .into_par_iter()
        .map(|i| {
            let (mut cols, mut vals) = (Vec::new(), Vec::new());
            for j in 0..n {
                let x = c.get(i, j);
                if x == 0 {
                    continue;
                }
                let pmi = f64::from(x).ln() - ln_total - log_p[i] - log_p[j];
                if pmi > 0.0 {
                    cols.push(j as u32);
                    vals.push(pmi as f32);
                }
            }
            (cols, vals)
        })
        .collect();
    let mut m = Csr {
        n,
        starts: vec![0],
        cols: Vec::new(),
        vals: Vec::new(),
    };
    for (cols, vals) in per_row {
        m.cols.extend(cols);
        m.vals.extend(vals);
        m.starts.push(m.cols.len());
    }
    m
}

/// A dense `n × k` matrix, row-major.
struct Dense {
    k: usize,
    data: Vec<f64>,
}

/// `m × x` (each row summed in a fixed order).
fn product(m: &Csr, x: &Dense) -> Dense {
    let k = x.k;
    let mut data = vec![0f64; m.n * k];
    data.par_chunks_mut(k).enumerate().for_each(|(i, out)| {
        for e in m.starts[i]..m.starts[i + 1] {
            let v = f64::from(m.vals[e]);
            let row = &x.data[m.cols[e] as usize * k..][..k];
            for (o, r) in out.iter_mut().zip(row) {
                *o += v * r;
            }
        }
    });
    Dense { k, data }
}

/// Orthonormalises the columns of `x` in place (modified Gram–Schmidt, twice for stability);
/// a column that vanishes stays zero.
fn orthonormalise(x: &mut Dense) {
    let (n, k) = (x.data.len() / x.k, x.k);
    // Column-major copy: the column operations below stream through memory.
    let mut cols: Vec<Vec<f64>> = (0..k)
        .map(|c| (0..n).map(|r| x.data[r * k + c]).collect())
        .collect();
    for _ in 0..2 {
        for c in 0..k {
            let (done, rest) = cols.split_at_mut(c);
            let col = &mut rest[0];
            for q in done.iter() {
                let d: f64 = q.iter().zip(col.iter()).map(|(a, b)| a * b).sum();
                for (v, a) in col.iter_mut().zip(q) {
                    *v -= d * a;
                }
            }
            let norm = col.iter().map(|v| v * v).sum::<f64>().sqrt();
            let s = if norm > 1e-12 { 1.0 / norm } else { 0.0 };
            col.iter_mut().for_each(|v| *v *= s);
        }
    }
    for (c, col) in cols.iter().enumerate() {
        for (r, v) in col.iter().enumerate() {
            x.data[r * k + c] = *v;
        }
    }
}

/// Eigenvalues and eigenvectors (columns of the returned row-major `k × k` matrix) of the
/// symmetric `a` (row-major `k × k`), by cyclic Jacobi rotations.
fn jacobi(mut a: Vec<f64>, k: usize) -> (Vec<f64>, Vec<f64>) {
    let mut v = vec![0f64; k * k];
    for i in 0..k {
        v[i * k + i] = 1.0;
    }
    for _sweep in 0..100 {
        let off: f64 = (0..k)
            .flat_map(|i| (0..k).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| a[i * k + j] * a[i * k + j])
            .sum();
        if off < 1e-22 {
            break;
        }
        for p in 0..k {
            for q in p + 1..k {
                let apq = a[p * k + q];
                if apq.abs() < 1e-300 {
                    continue;
                }
                let theta = (a[q * k + q] - a[p * k + p]) / (2.0 * apq);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for r in 0..k {
                    let (arp, arq) = (a[r * k + p], a[r * k + q]);
                    a[r * k + p] = c * arp - s * arq;
                    a[r * k + q] = s * arp + c * arq;
                }
                for r in 0..k {
                    let (apr, aqr) = (a[p * k + r], a[q * k + r]);
                    a[p * k + r] = c * apr - s * aqr;
                    a[q * k + r] = s * apr + c * aqr;
                }
                for r in 0..k {
                    let (vrp, vrq) = (v[r * k + p], v[r * k + q]);
                    v[r * k + p] = c * vrp - s * vrq;
                    v[r * k + q] = s * vrp + c * vrq;
                }
            }
        }
    }
    ((0..k).map(|i| a[i * k + i]).collect(), v)
}

/// A standard normal number from two stable hashes (Box–Muller).
fn gaussian(seed: u64, i: u64) -> f64 {
    let u1 = ((splitmix(seed ^ splitmix(2 * i)) >> 11) as f64 + 0.5) / (1u64 << 53) as f64;
    let u2 = ((splitmix(seed ^ splitmix(2 * i + 1)) >> 11) as f64) / (1u64 << 53) as f64;
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// The `dim`-dimensional unit word vectors (row-major `n × dim`, f32) of the symmetric `m`:
/// its `dim` eigenvectors of largest |λ| scaled by √|λ|, from a range of `dim + 10` columns
/// after `power_iterations` power iterations.
pub(super) fn word_vectors(m: &Csr, dim: usize, power_iterations: usize, seed: u64) -> Vec<f32> {
    let n = m.n;
    let k = (dim + 10).min(n);
    let mut q = Dense {
        k,
        data: (0..n * k).map(|i| gaussian(seed, i as u64)).collect(),
    };
    q = product(m, &q);
    orthonormalise(&mut q);
    for _ in 0..power_iterations {
        q = product(m, &q);
        orthonormalise(&mut q);
    }
    // The projected matrix qᵀ m q (k × k), symmetrised against rounding.
    let mq = product(m, &q);
    let mut b = vec![0f64; k * k];
    for r in 0..n {
        let (qr, mr) = (&q.data[r * k..][..k], &mq.data[r * k..][..k]);
        for i in 0..k {
            for j in 0..k {
                b[i * k + j] += qr[i] * mr[j];
            }
        }
    }
    for i in 0..k {
        for j in i + 1..k {
            let s = 0.5 * (b[i * k + j] + b[j * k + i]);
            b[i * k + j] = s;
            b[j * k + i] = s;
        }
    }
    let (lambda, w) = jacobi(b, k);
    let mut order: Vec<usize> = (0..k).collect();
    order.sort_by(|&a, &b| lambda[b].abs().total_cmp(&lambda[a].abs()).then(a.cmp(&b)));
    order.truncate(dim.min(k));
    let d = order.len();
    let mut out = vec![0f32; n * d];
    for r in 0..n {
        let qr = &q.data[r * k..][..k];
        let row = &mut out[r * d..][..d];
        for (c, &e) in order.iter().enumerate() {
            let u: f64 = (0..k).map(|i| qr[i] * w[i * k + e]).sum();
            row[c] = (u * lambda[e].abs().sqrt()) as f32;
        }
        let norm = row.iter().map(|x| x * x).sum::<f32>().sqrt();
        if norm > 0.0 {
            row.iter_mut().for_each(|x| *x /= norm);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jacobi_diagonalises_a_symmetric_matrix() {
        let a = vec![4.0, 1.0, 2.0, 1.0, 3.0, 0.5, 2.0, 0.5, 1.0];
        let (l, v) = jacobi(a.clone(), 3);
        for e in 0..3 {
            for r in 0..3 {
                let av: f64 = (0..3).map(|c| a[r * 3 + c] * v[c * 3 + e]).sum();
                assert!((av - l[e] * v[r * 3 + e]).abs() < 1e-9);
            }
        }
        assert!((l.iter().sum::<f64>() - 8.0).abs() < 1e-9, "trace kept");
    }

    #[test]
    fn columns_come_out_orthonormal() {
        let mut x = Dense {
            k: 3,
            data: (0..30).map(|i| gaussian(7, i)).collect(),
        };
        orthonormalise(&mut x);
        for a in 0..3 {
            for b in 0..3 {
                let d: f64 = (0..10).map(|r| x.data[r * 3 + a] * x.data[r * 3 + b]).sum();
                let want = if a == b { 1.0 } else { 0.0 };
                assert!((d - want).abs() < 1e-9);
            }
        }
    }
}
