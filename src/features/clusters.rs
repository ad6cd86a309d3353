//! Word clusters as features: every word of a cluster lights the cluster's term
//! (`¤{k}.{cluster}`, `k` the number of clusters of that clustering), so a word the training
//! rows never show ("clickstream" in a real policy) fires the same feature as the words of
//! its cluster that they do show. The clusters come from `classify embed` (learnt on unlabelled
//! policies); this layer only maps words to cluster terms.

use rustc_hash::FxHashMap;

/// Marks cluster terms so they never collide with n-grams or context terms.
pub const CLUSTER_MARK: char = '¤';

/// Word → the cluster terms it lights (one per clustering).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WordClusters {
    map: FxHashMap<Box<str>, Vec<Box<str>>>,
}

impl WordClusters {
    /// The clusters of `clusterings`: each is `(k, cluster id per word)` over `words`.
    pub fn new(words: &[String], clusterings: &[(usize, &[u32])]) -> WordClusters {
        let mut map: FxHashMap<Box<str>, Vec<Box<str>>> = FxHashMap::default();
        for (i, w) in words.iter().enumerate() {
            let terms = clusterings
                .iter()
                .map(|(k, ids)| cluster_term(*k, ids[i]).into())
                .collect();
            map.insert(w.as_str().into(), terms);
        }
        WordClusters { map }
    }

    /// The cluster terms of `word` (normalised token), if it has clusters.
    pub fn terms_of(&self, word: &str) -> Option<&[Box<str>]> {
        self.map.get(word).map(|v| &v[..])
    }

    /// Number of words with clusters.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// True when no word has a cluster.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// The words and their cluster terms, sorted by word (a stable order for the model file).
    pub(super) fn sorted(&self) -> Vec<(&str, &[Box<str>])> {
        let mut v: Vec<(&str, &[Box<str>])> =
            self.map.iter().map(|(w, t)| (&**w, &t[..])).collect();
        v.sort_unstable_by(|a, b| a.0.cmp(b.0));
        v
    }
}

/// The term of cluster `c` of a clustering into `k` clusters.
pub fn cluster_term(k: usize, c: u32) -> String {
    format!("{CLUSTER_MARK}{k}.{c}")
}

/// Whether `term` is a cluster term.
pub fn is_cluster_term(term: &str) -> bool {
    term.starts_with(CLUSTER_MARK)
}
