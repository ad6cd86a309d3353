//! Fitting a [`Vectoriser`]: the vocabulary and idf values learnt from training texts.
//!
//! Three steps, each a function here: the document frequency of every term
//! ([`document_frequencies`], in parallel); the candidates, terms in at least `min_df` rows
//! with smoothed idf `ln((1 + n) / (1 + df)) + 1`; and, when there are more than
//! `max_features` of them, the chi² cap: every candidate scored against every label on the
//! candidates' TF-IDF rows ([`chi2_ranking`]) and the best taken round-robin over the labels
//! ([`round_robin`]) so rare labels get their best features too.

use super::clusters::{is_cluster_term, WordClusters};
use super::normalise::{Normaliser, Tokens};
use super::vocab::{for_each_context_term, for_each_term};
use super::{SparseRow, Vectoriser, VectoriserParams};
use crate::error::{Error, Result};
use rayon::prelude::*;
use rustc_hash::FxHashMap;

impl Vectoriser {
    /// Fits the vocabulary on `texts`, keeping at most `max_features` terms chosen by chi²
    /// against the label matrix `y` (row-major, `texts.len()` × `n_labels`).
    pub fn fit(
        params: &VectoriserParams,
        normaliser: &Normaliser,
        texts: &[&str],
        contexts: Option<&[&str]>,
        y: &[bool],
        n_labels: usize,
    ) -> Result<Vectoriser> {
        Self::fit_with_clusters(params, normaliser, texts, contexts, y, n_labels, None)
    }

    /// [`Vectoriser::fit`] with word clusters: a sentence's words also count as their cluster
    /// terms, which compete for the `max_features` like any term; the words whose cluster
    /// terms are kept are stored with the vectoriser. `None` gives exactly
    /// [`Vectoriser::fit`]'s vectoriser.
    pub fn fit_with_clusters(
        params: &VectoriserParams,
        normaliser: &Normaliser,
        texts: &[&str],
        contexts: Option<&[&str]>,
        y: &[bool],
        n_labels: usize,
        clusters: Option<&WordClusters>,
    ) -> Result<Vectoriser> {
        let params = params.check()?;
        let n = texts.len();
        // 1. document frequencies of all terms
        let df = document_frequencies(&params, normaliser, texts, contexts, clusters);
        let mut candidates: Vec<&str> = df
            .iter()
            .filter(|(_, &(c, _))| c as usize >= params.min_df)
            .map(|(t, _)| &**t)
            .collect();
        candidates.sort_unstable();
        if candidates.is_empty() {
            return Err(Error::Train(format!(
                "no term occurs in at least {} training rows (min_df): add more data or lower min_df",
                params.min_df
            )));
        }
        let idf_of = |c: u32| ((1.0 + n as f64) / (1.0 + c as f64)).ln() as f32 + 1.0;
        let cand_terms: Vec<String> = candidates.iter().map(|s| s.to_string()).collect();
        let cand_clusters = cluster_features(clusters, &cand_terms);
        let cand = Vectoriser::new(
            params,
            cand_terms,
            candidates.iter().map(|t| idf_of(df[*t].0)).collect(),
            cand_clusters,
        );
        if cand.len() <= params.max_features {
            return Ok(cand);
        }
        // 2. chi² of every candidate against every label, on the TF-IDF rows
        let rows: Vec<SparseRow> = cand.transform_many(normaliser, texts, contexts);
        let m = cand.len();
        let ranked = chi2_ranking(&rows, y, n_labels, m);
        // 3. round-robin over labels so rare labels get their best features too
        let chosen = round_robin(&ranked, m, params.max_features);
        let terms: Vec<String> = (0..m)
            .filter(|&f| chosen[f])
            .map(|f| cand.terms[f].clone())
            .collect();
        let idf: Vec<f32> = (0..m).filter(|&f| chosen[f]).map(|f| cand.idf[f]).collect();
        let kept = cluster_features(clusters, &terms);
        Ok(Vectoriser::new(params, terms, idf, kept))
    }
}

/// Word → features of its cluster terms among `terms`, for the words of `clusters` with at
/// least one (sorted by word).
fn cluster_features(clusters: Option<&WordClusters>, terms: &[String]) -> Vec<(String, Vec<u32>)> {
    let Some(clusters) = clusters else {
        return Vec::new();
    };
    let feature: FxHashMap<&str, u32> = terms
        .iter()
        .enumerate()
        .filter(|(_, t)| is_cluster_term(t))
        .map(|(f, t)| (t.as_str(), f as u32))
        .collect();
    if feature.is_empty() {
        return Vec::new();
    }
    clusters
        .sorted()
        .into_iter()
        .filter_map(|(w, ts)| {
            let fs: Vec<u32> = ts
                .iter()
                .filter_map(|t| feature.get(&**t).copied())
                .collect();
            (!fs.is_empty()).then(|| (w.to_string(), fs))
        })
        .collect()
}

/// Term → (rows containing it, last row counted).
type Df = FxHashMap<Box<str>, (u32, u32)>;

/// The document frequency of every term of `texts` (and of their context terms when
/// `params` has context features; `None` contexts mean each text is its own), counted per
/// thread and merged: one allocation per distinct term, not per occurrence. Consecutive rows
/// of a paragraph share their context, which is tokenised once.
fn document_frequencies(
    params: &VectoriserParams,
    normaliser: &Normaliser,
    texts: &[&str],
    contexts: Option<&[&str]>,
    clusters: Option<&WordClusters>,
) -> Df {
    let n = texts.len();
    let use_context = params.context_weight > 0.0;
    let count = |df: &mut Df, t: &str, row: u32| match df.get_mut(t) {
        Some(e) => {
            if e.1 != row {
                e.0 += 1;
                e.1 = row;
            }
        }
        None => {
            df.insert(t.into(), (1, row));
        }
    };
    (0..n)
        .into_par_iter()
        .fold(
            || {
                (
                    Df::default(),
                    Tokens::default(),
                    String::new(),
                    None::<&str>,
                    Tokens::default(),
                )
            },
            |(mut df, mut tok, mut scratch, mut last_ctx, mut ctx_tok), i| {
                let row = i as u32;
                normaliser.tokenize(texts[i], &mut tok);
                for_each_term(&tok, params.max_ngram, &mut scratch, |t| {
                    count(&mut df, t, row)
                });
                if let Some(clusters) = clusters {
                    for w in tok.iter() {
                        for t in clusters.terms_of(w).unwrap_or_default() {
                            count(&mut df, t, row);
                        }
                    }
                }
                if use_context {
                    let c = contexts.map_or(texts[i], |c| c[i]);
                    if last_ctx != Some(c) {
                        normaliser.tokenize(c, &mut ctx_tok);
                        last_ctx = Some(c);
                    }
                    for_each_context_term(&ctx_tok, &mut scratch, |t| count(&mut df, t, row));
                }
                (df, tok, scratch, last_ctx, ctx_tok)
            },
        )
        .map(|(df, ..)| df)
        .reduce(Df::default, |a, b| {
            // Fold the smaller map into the larger; the row counts of disjoint rows add.
            let (mut big, small) = if a.len() >= b.len() { (a, b) } else { (b, a) };
            for (t, (c, _)) in small {
                big.entry(t).or_insert((0, u32::MAX)).0 += c;
            }
            big
        })
}

/// For every label, the `m` features of `rows` from the highest chi² against the label matrix
/// `y` (row-major, `rows.len()` × `n_labels`) to the lowest, ties by feature.
fn chi2_ranking(rows: &[SparseRow], y: &[bool], n_labels: usize, m: usize) -> Vec<Vec<u32>> {
    let n = rows.len();
    let mut feat_sum = vec![0f64; m];
    let mut pos_sum = vec![0f64; m * n_labels];
    let mut pos_count = vec![0usize; n_labels];
    for (r, row) in rows.iter().enumerate() {
        let yr = &y[r * n_labels..(r + 1) * n_labels];
        for (l, &on) in yr.iter().enumerate() {
            pos_count[l] += usize::from(on);
        }
        for &(f, v) in row {
            feat_sum[f as usize] += v as f64;
            for (l, &on) in yr.iter().enumerate() {
                if on {
                    pos_sum[f as usize * n_labels + l] += v as f64;
                }
            }
        }
    }
    let mut ranked: Vec<Vec<u32>> = Vec::with_capacity(n_labels);
    for l in 0..n_labels {
        let p = pos_count[l] as f64 / n as f64;
        let mut scored: Vec<(f64, u32)> = (0..m)
            .map(|f| {
                let total = feat_sum[f];
                let op = pos_sum[f * n_labels + l];
                let on = total - op;
                let ep = total * p;
                let en = total * (1.0 - p);
                let mut chi = 0.0;
                if ep > 0.0 {
                    chi += (op - ep).powi(2) / ep;
                }
                if en > 0.0 {
                    chi += (on - en).powi(2) / en;
                }
                (chi, f as u32)
            })
            .collect();
        scored.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        ranked.push(scored.into_iter().map(|(_, f)| f).collect());
    }
    ranked
}

/// Which of the `m` features to keep: each label's next best in turn (`ranked` as
/// [`chi2_ranking`] gives it) until `max_features` are chosen.
fn round_robin(ranked: &[Vec<u32>], m: usize, max_features: usize) -> Vec<bool> {
    let mut chosen = vec![false; m];
    let mut count = 0;
    'outer: for rank in 0..m {
        for r in ranked {
            let Some(&f) = r.get(rank) else { continue };
            let f = f as usize;
            if !chosen[f] {
                chosen[f] = true;
                count += 1;
                if count == max_features {
                    break 'outer;
                }
            }
        }
    }
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_transform_unit_norm_and_chi2_cap() {
        let n = Normaliser::new();
        let texts = [
            "we share data with partners",
            "we share data with advertisers",
            "we keep data for two years",
            "we keep logs for two years",
            "contact us by mail",
            "contact us by phone",
        ];
        let y = [
            true, false, false, true, false, false, false, true, false, false, true, false, false,
            false, true, false, false, true,
        ];
        let p = VectoriserParams {
            max_ngram: 2,
            min_df: 2,
            max_features: 4,
            sublinear_tf: true,
            context_weight: 0.0,
            cluster_weight: 1.0,
        };
        let v = Vectoriser::fit(&p, &n, &texts, None, &y, 3).unwrap();
        assert_eq!(v.len(), 4);
        let row = v.transform(&n, "We share data and keep it for two years");
        let norm: f32 = row.iter().map(|x| x.1 * x.1).sum();
        assert!((norm - 1.0).abs() < 1e-5);
        assert!(v.transform(&n, "zzz unknown").is_empty());
    }

    /// A word the training rows never show lights its cluster's term, as the words of its
    /// cluster the rows do show; without clusters the vectoriser is `fit`'s.
    #[test]
    fn an_unseen_word_lights_its_cluster() {
        let n = Normaliser::new();
        let texts = [
            "we keep logs",
            "we keep records",
            "contact us",
            "contact our team",
        ];
        let y = [true, true, false, false];
        let p = VectoriserParams {
            min_df: 1,
            context_weight: 0.0,
            ..VectoriserParams::default()
        };
        let words: Vec<String> = ["logs", "records", "clickstream", "team"]
            .map(String::from)
            .to_vec();
        let ids = [0u32, 0, 0, 1];
        let clusters = WordClusters::new(&words, &[(2, &ids[..])]);
        let v =
            Vectoriser::fit_with_clusters(&p, &n, &texts, None, &y, 1, Some(&clusters)).unwrap();
        let c0 = (0..v.len())
            .find(|&f| v.term(f) == "¤2.0")
            .expect("cluster term") as u32;
        let row = v.transform(&n, "we keep clickstream");
        assert!(row.iter().any(|&(f, _)| f == c0), "{row:?}");
        assert!(v
            .transform(&n, "we keep logs")
            .iter()
            .any(|&(f, _)| f == c0));
        assert!(!v.transform(&n, "contact us").iter().any(|&(f, _)| f == c0));
        let plain = Vectoriser::fit(&p, &n, &texts, None, &y, 1).unwrap();
        let none = Vectoriser::fit_with_clusters(&p, &n, &texts, None, &y, 1, None).unwrap();
        assert_eq!(
            postcard::to_stdvec(&plain).unwrap(),
            postcard::to_stdvec(&none).unwrap()
        );
        assert!(v.is_consistent());
    }
}
