//! Features: sentence text → normalised tokens → sparse TF-IDF rows.
//!
//! Terms are word n-grams (1..=`max_ngram`) and, when `context_weight` > 0, the words of the
//! paragraph a sentence sits in as separate `§word` terms. The fitted [`Vectoriser`] keeps the
//! vocabulary chosen by chi² against the labels and its idf values, so training and prediction
//! always use the same features. Weights are sublinear tf (`1 + ln tf`) × smoothed idf
//! (`ln((1 + n) / (1 + df)) + 1`) (× the context weight for context terms), rows L2-normalised
//! over the selected vocabulary.
//!
//! The folder follows the data:
//!
//! - `normalise.rs`: text → tokens ([`Normaliser`], [`Tokens`]; the `tokenizers` definition
//!   and the byte-loop fast paths that must equal it).
//! - `vocab.rs`: what a term string is (n-grams, the `§` context mark) and the fitted
//!   vocabulary's lookup by word ids (`TermIndex` over the inline-key `WordTable`, bigram keys).
//! - `fit.rs`: [`Vectoriser::fit`]: document frequencies, idf, the chi² feature cap.
//! - `transform.rs`: the five ways to turn text into rows ([`Vectoriser::transform_into`] and
//!   its variants) and their reused buffers ([`Scratch`]).
//! - `rows.rs`: the row layouts with a shared context part ([`RowParts`] for scoring,
//!   [`SharedContextRows`] for the sparse solver) and the L2 helpers. [`RowParts`] lives here
//!   rather than in `transform.rs` because it is also the row view of [`SharedContextRows`].
//! - this file: the [`Vectoriser`] type and its accessors, [`VectoriserParams`] (checked by
//!   [`VectoriserParams::check`]), [`SparseRow`], and the serialised form: a vectoriser is
//!   stored as its parameters, terms and idf values only (`VectoriserData`, part of the model
//!   file format); the word-id index is rebuilt on load.
//!
//! The public types are re-exported here, so `crate::features::X` is the one path to each.

mod clusters;
mod fit;
mod normalise;
mod rows;
mod transform;
mod vocab;

pub use clusters::{cluster_term, is_cluster_term, WordClusters, CLUSTER_MARK};
pub use normalise::{Normaliser, Tokens};
pub use rows::{RowParts, SharedContextRows};
pub use transform::Scratch;

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use vocab::TermIndex;

/// A sparse feature row: `(feature index, value)` pairs sorted by index.
pub type SparseRow = Vec<(u32, f32)>;

/// Unchecked vectoriser parameters; [`VectoriserParams::check`] validates them.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct VectoriserParams {
    /// Largest n-gram length (1 = words only, 2 = words and word pairs).
    pub max_ngram: usize,
    /// Minimum number of training rows a term must occur in.
    pub min_df: usize,
    /// Maximum number of features kept (chosen by chi² against the labels).
    pub max_features: usize,
    /// Use `1 + ln(tf)` instead of raw term counts.
    pub sublinear_tf: bool,
    /// Weight of context features: the words of the paragraph a sentence sits in, as separate
    /// terms (`§word`), scaled by this factor before the row is normalised (0 = off).
    pub context_weight: f32,
    /// Weight of word-cluster terms (`¤k.c`, from `train --representations`) before the row
    /// is normalised; unused without word clusters.
    pub cluster_weight: f32,
}

impl Default for VectoriserParams {
    fn default() -> Self {
        VectoriserParams {
            max_ngram: 2,
            min_df: 2,
            max_features: 10_000,
            sublinear_tf: true,
            context_weight: 0.5,
            cluster_weight: 1.0,
        }
    }
}

impl VectoriserParams {
    /// Validates the parameters.
    pub fn check(&self) -> Result<Self> {
        if !(1..=4).contains(&self.max_ngram) {
            return Err(Error::Params(format!(
                "max n-gram length must be 1..=4, got {}",
                self.max_ngram
            )));
        }
        if self.min_df == 0 {
            return Err(Error::Params("min_df must be at least 1".into()));
        }
        if !(self.cluster_weight.is_finite() && self.cluster_weight > 0.0) {
            return Err(Error::Params("cluster weight must be > 0".into()));
        }
        if !(self.context_weight.is_finite() && self.context_weight >= 0.0) {
            return Err(Error::Params("context weight must be ≥ 0".into()));
        }
        if self.max_features == 0 {
            return Err(Error::Params("max_features must be at least 1".into()));
        }
        Ok(*self)
    }
}

/// A fitted TF-IDF vectoriser: vocabulary, idf and settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(from = "VectoriserData", into = "VectoriserData")]
pub struct Vectoriser {
    params: VectoriserParams,
    terms: Vec<String>,
    idf: Vec<f32>,
    /// Word → features of its cluster terms (empty without word representations).
    clusters: Vec<(String, Vec<u32>)>,
    index: TermIndex,
    /// Identifies this vocabulary in a [`Scratch`]'s context cache (not serialised).
    id: u64,
}

/// The serialised form of a [`Vectoriser`] (part of the model file format): its parameters,
/// terms, idf values and word clusters (word → its cluster terms' features), in this order.
#[derive(Serialize, Deserialize)]
struct VectoriserData {
    params: VectoriserParams,
    terms: Vec<String>,
    idf: Vec<f32>,
    clusters: Vec<(String, Vec<u32>)>,
}

impl From<VectoriserData> for Vectoriser {
    fn from(d: VectoriserData) -> Self {
        Vectoriser::new(d.params, d.terms, d.idf, d.clusters)
    }
}

impl From<Vectoriser> for VectoriserData {
    fn from(v: Vectoriser) -> Self {
        VectoriserData {
            params: v.params,
            terms: v.terms,
            idf: v.idf,
            clusters: v.clusters,
        }
    }
}

impl Vectoriser {
    /// The vectoriser of `terms` with their `idf` values, its word-id index built here and a
    /// fresh id for the [`Scratch`] context cache. `clusters` maps a word to the features of
    /// its cluster terms.
    fn new(
        params: VectoriserParams,
        terms: Vec<String>,
        idf: Vec<f32>,
        clusters: Vec<(String, Vec<u32>)>,
    ) -> Self {
        let index = TermIndex::new(&terms, &clusters);
        static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        Vectoriser {
            params,
            terms,
            idf,
            clusters,
            index,
            id: NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        }
    }

    /// Number of features.
    pub fn len(&self) -> usize {
        self.terms.len()
    }

    /// True when the vocabulary is empty.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// The term of feature `i`.
    pub fn term(&self, i: usize) -> &str {
        &self.terms[i]
    }

    /// The words that light cluster feature `f` (empty for any other feature), the commonest
    /// first: those that are unigram terms by rising idf, then the others alphabetically.
    /// For explanations: `¤1000.279` means little, "cookies, pixel, beacons" does.
    pub fn cluster_members(&self, f: usize) -> Vec<&str> {
        let mut words: Vec<(f32, &str)> = self
            .clusters
            .iter()
            .filter(|(_, fs)| fs.contains(&(f as u32)))
            .map(|(w, _)| {
                let idf = self
                    .index
                    .unigram_feature(w)
                    .map_or(f32::INFINITY, |u| self.idf[u as usize]);
                (idf, w.as_str())
            })
            .collect();
        words.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(b.1)));
        words.into_iter().map(|(_, w)| w).collect()
    }

    /// Number of words that light cluster terms (0 without word representations).
    pub fn cluster_words(&self) -> usize {
        self.clusters.len()
    }

    /// The parameters the vectoriser was fitted with.
    pub fn params(&self) -> &VectoriserParams {
        &self.params
    }

    /// Whether the parts agree (one finite idf value per term, valid parameters): a model file
    /// can pass its checksum and still be inconsistent if a faulty build wrote it.
    pub fn is_consistent(&self) -> bool {
        self.idf.len() == self.terms.len()
            && self.idf.iter().all(|x| x.is_finite())
            && self.clusters.iter().all(|(_, fs)| {
                fs.iter().all(|&f| {
                    self.terms
                        .get(f as usize)
                        .is_some_and(|t| is_cluster_term(t))
                })
            })
            && self.params.check().is_ok()
    }
}
