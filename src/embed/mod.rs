//! Domain word representations learnt from unlabelled policies (issue 21), as Polisis did:
//! the words of real policies ("clickstream", "web beacons", "pixel tags") that the labelled
//! training text never shows get a vector and a cluster, and the clusters become features
//! next to TF-IDF (`crate::features::WordClusters`), so an unseen word lights the same feature
//! as the words of its cluster the training rows do show.
//!
//! The steps, one file each:
//!
//! - `count.rs`: the corpus read with the product's splitter and normaliser (the tokens the
//!   vectoriser sees), identical sentences counted once; the vocabulary (most frequent words)
//!   and windowed co-occurrence counts.
//! - `svd.rs`: PPMI and its leading eigenvectors (randomized, seeded): word vectors.
//! - `kmeans.rs`: spherical k-means over the vectors: word clusters.
//! - this file: [`EmbedParams`], [`learn`], and the representations file
//!   ([`Representations`]: magic, format version, SHA-256, postcard payload, like the model).
//!
//! Deterministic: the same files, parameters and seed give the same bytes (integer counts,
//! fixed summation orders, stable hashes for every random draw).

mod count;
mod kmeans;
mod svd;

use crate::error::{Error, Result};
use crate::features::WordClusters;
use crate::text::{expand_inputs, Input};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// Parameters of [`learn`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmbedParams {
    /// Words kept (the most frequent).
    pub max_words: usize,
    /// Minimum occurrences of a kept word (in the distinct sentences).
    pub min_count: u64,
    /// Co-occurrence window (words either side, within a sentence).
    pub window: usize,
    /// Vector dimensions.
    pub dim: usize,
    /// Power iterations of the randomized eigensolver.
    pub power_iterations: usize,
    /// Numbers of clusters: one k-means clustering (and one cluster term per word) each.
    pub clusters: Vec<usize>,
    /// Lloyd iterations cap of k-means.
    pub kmeans_iterations: usize,
    /// Seed of every random draw.
    pub seed: u64,
}

impl Default for EmbedParams {
    fn default() -> Self {
        EmbedParams {
            max_words: 10_000,
            min_count: 5,
            window: 5,
            dim: 100,
            power_iterations: 3,
            clusters: vec![200, 1000],
            kmeans_iterations: 30,
            seed: 42,
        }
    }
}

impl EmbedParams {
    /// Validates the parameters.
    pub fn check(&self) -> Result<()> {
        let bad = |m: &str| Err(Error::Params(m.into()));
        if self.max_words < 2 {
            return bad("the vocabulary needs at least 2 words");
        }
        if self.max_words > 30_000 {
            return bad("at most 30,000 words (the co-occurrence triangle takes 2 × words² bytes)");
        }
        if self.window == 0 || self.dim == 0 {
            return bad("window and dimensions must be at least 1");
        }
        if self.clusters.is_empty() || self.clusters.iter().any(|&k| k < 2) {
            return bad("every clustering needs at least 2 clusters");
        }
        Ok(())
    }
}

/// A stage of [`learn`], for progress display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmbedStage {
    /// Files read so far of the total.
    Reading(usize, usize),
    /// Counting co-occurrences.
    Counting,
    /// PPMI and the eigensolver.
    Vectors,
    /// k-means into this many clusters.
    Clustering(usize),
}

/// One clustering of the words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Clustering {
    /// Number of clusters.
    pub k: usize,
    /// Cluster id of every word (parallel to [`Representations::words`]).
    pub ids: Vec<u32>,
}

/// What the corpus held.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CorpusStats {
    /// Files read.
    pub files: usize,
    /// Sentences read (with repeats).
    pub sentences: usize,
    /// Distinct sentences kept.
    pub distinct_sentences: usize,
    /// Tokens of the distinct sentences.
    pub tokens: usize,
    /// Distinct words seen.
    pub distinct_words: usize,
    /// Non-zero entries of the PPMI matrix.
    pub ppmi_entries: usize,
}

/// Learnt word representations: the words (normalised tokens, most frequent first), their
/// clusters and, optionally, their vectors (quantised to i8, `dim` per word). Only single words
/// and numbers: no sentence of the corpus is kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Representations {
    /// The parameters they were learnt with.
    pub params: EmbedParams,
    /// What the corpus held.
    pub stats: CorpusStats,
    /// The words.
    pub words: Vec<String>,
    /// Their clusterings.
    pub clusterings: Vec<Clustering>,
    /// Their unit vectors × 127, rounded (empty unless kept).
    pub vectors: Vec<i8>,
}

/// Representations file format version.
pub const REPRESENTATIONS_VERSION: u32 = 1;
const MAGIC: &[u8; 8] = b"PCLSREP\n";

/// Words of `files` (those that can be read; the failures are returned with their reason):
/// the [`Representations`] of `params`. `keep_vectors` stores the quantised vectors too.
pub fn learn(
    inputs: &[PathBuf],
    params: &EmbedParams,
    keep_vectors: bool,
    progress: &(dyn Fn(EmbedStage) + Sync),
) -> Result<(Representations, Vec<(PathBuf, String)>)> {
    params.check()?;
    let mut failed = Vec::new();
    let mut files = Vec::new();
    for i in expand_inputs(inputs) {
        match i {
            Input::File(p) => files.push(p),
            Input::Skipped(..) => {}
            Input::Failed(p, m) => failed.push((p, m)),
        }
    }
    let total = files.len();
    let corpus = count::read_corpus(&files, &|done| progress(EmbedStage::Reading(done, total)));
    failed.extend(corpus.failed.iter().cloned());
    if corpus.files == 0 {
        let (path, why) = failed.first().cloned().unwrap_or_else(|| {
            let p = inputs.first().cloned().unwrap_or_default();
            (p, "no .txt, .md or .html policy file found".into())
        });
        return Err(Error::Input {
            path,
            message: format!("{why}; `classify embed` needs folders of unlabelled policies"),
        });
    }
    let (map, order) = count::vocabulary(&corpus, params.max_words, params.min_count);
    if order.len() < 2 {
        return Err(Error::Params(format!(
            "the inputs hold {} word(s) with at least {} occurrences: give more policies or lower --min-count",
            order.len(),
            params.min_count
        )));
    }
    progress(EmbedStage::Counting);
    let co = count::cooccurrence(&corpus, &map, order.len(), params.window);
    progress(EmbedStage::Vectors);
    let m = svd::ppmi(&co, 0.75);
    drop(co);
    let dim = params.dim.min(order.len());
    let vectors = svd::word_vectors(&m, dim, params.power_iterations, params.seed);
    let dim = vectors.len() / order.len();
    let mut clusterings = Vec::new();
    for &k in &params.clusters {
        progress(EmbedStage::Clustering(k));
        let ids = kmeans::kmeans(
            &vectors,
            dim,
            k,
            params.kmeans_iterations,
            params.seed ^ k as u64,
        );
        clusterings.push(Clustering { k, ids });
    }
    let stats = CorpusStats {
        files: corpus.files,
        sentences: corpus.sentences_seen,
        distinct_sentences: corpus.ends.len(),
        tokens: corpus.ids.len(),
        distinct_words: corpus.words.len(),
        ppmi_entries: m.nnz(),
    };
    let words = order
        .iter()
        .map(|&o| corpus.words[o as usize].clone())
        .collect();
    let vectors = if keep_vectors {
        vectors.iter().map(|x| (x * 127.0).round() as i8).collect()
    } else {
        Vec::new()
    };
    Ok((
        Representations {
            params: EmbedParams {
                dim,
                ..params.clone()
            },
            stats,
            words,
            clusterings,
            vectors,
        },
        failed,
    ))
}

impl Representations {
    /// The word clusters the vectoriser uses (every clustering).
    pub fn word_clusters(&self) -> WordClusters {
        let c: Vec<(usize, &[u32])> = self.clusterings.iter().map(|c| (c.k, &c.ids[..])).collect();
        WordClusters::new(&self.words, &c)
    }

    /// The words of `word`'s cluster in the first clustering (most frequent first), if it has
    /// one.
    pub fn cluster_mates(&self, word: &str) -> Option<Vec<&str>> {
        let c = self.clusterings.first()?;
        let i = self.words.iter().position(|w| w == word)?;
        Some(
            self.words
                .iter()
                .zip(&c.ids)
                .filter(|(_, &id)| id == c.ids[i])
                .map(|(w, _)| w.as_str())
                .collect(),
        )
    }

    /// Serialises to bytes (magic, version, SHA-256, postcard payload).
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        let payload = postcard::to_stdvec(self)
            .map_err(|e| Error::Train(format!("cannot serialise the representations: {e}")))?;
        let mut out = Vec::with_capacity(payload.len() + 44);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&REPRESENTATIONS_VERSION.to_le_bytes());
        out.extend_from_slice(&Sha256::digest(&payload));
        out.extend_from_slice(&payload);
        Ok(out)
    }

    /// Parses bytes written by [`Representations::to_bytes`]; `path` names them in errors.
    pub fn from_bytes(bytes: &[u8], path: &Path) -> Result<Representations> {
        let err = |message: &str| Error::Model {
            path: path.into(),
            message: message.into(),
        };
        if bytes.len() < 44 || &bytes[..8] != MAGIC {
            return Err(err(
                "not a representations file: make one with `classify embed --out FILE DIR`",
            ));
        }
        let version = u32::from_le_bytes(bytes[8..12].try_into().expect("4 bytes"));
        if version != REPRESENTATIONS_VERSION {
            return Err(err(
                "representations format version differs from this build's: rebuild them with `classify embed`",
            ));
        }
        let payload = &bytes[44..];
        if Sha256::digest(payload).as_slice() != &bytes[12..44] {
            return Err(err(
                "checksum mismatch: the representations file is truncated or corrupt; rebuild it with `classify embed`",
            ));
        }
        let r: Representations = postcard::from_bytes(payload)
            .map_err(|e| err(&format!("cannot decode the representations: {e}")))?;
        if r.clusterings
            .iter()
            .any(|c| c.ids.len() != r.words.len() || c.ids.iter().any(|&i| i as usize >= c.k))
            || !(r.vectors.is_empty() || r.vectors.len() == r.words.len() * r.params.dim)
        {
            return Err(err("inconsistent representations: the file is corrupt"));
        }
        Ok(r)
    }

    /// Reads a representations file.
    pub fn load(path: &Path) -> Result<Representations> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        Representations::from_bytes(&bytes, path)
    }

    /// Writes the representations atomically.
    pub fn save(&self, path: &Path) -> Result<()> {
        crate::io::write_atomic(path, &self.to_bytes()?)
    }
}
