//! Reading the unlabelled corpus: every file split into sentences by the product's splitter,
//! each sentence normalised and tokenised by the product's [`Normaliser`], identical sentences
//! counted once (a policy re-archived over the years repeats most of its text), and the kept
//! sentences stored as word ids. Then the vocabulary (the most frequent words) and the
//! co-occurrence counts within a window of each sentence.

use crate::features::{Normaliser, Tokens};
use crate::hash::fnv1a;
use crate::sentences::{split, SplitOptions};
use crate::text::{read_document, ReadOptions};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

/// The distinct sentences of a corpus as word ids, and the words.
#[derive(Debug, Default)]
pub(super) struct Corpus {
    /// Word id → word (every alphanumeric token seen).
    pub(super) words: Vec<String>,
    /// Word id → occurrences in the distinct sentences.
    pub(super) counts: Vec<u64>,
    /// The word ids of every distinct sentence, one after the other.
    pub(super) ids: Vec<u32>,
    /// `ids[ends[i - 1]..ends[i]]` is sentence `i`.
    pub(super) ends: Vec<usize>,
    /// Files read, files that could not be read, sentences seen and sentences kept.
    pub(super) files: usize,
    pub(super) failed: Vec<(PathBuf, String)>,
    pub(super) sentences_seen: usize,
}

/// One file's sentences: their hashes and their tokens (space-joined, tokens never hold
/// whitespace), or why the file could not be read.
type FileSentences = Result<Vec<(u64, String)>, String>;

fn file_sentences(path: &Path, normaliser: &Normaliser) -> FileSentences {
    let doc = read_document(path, &ReadOptions::default()).map_err(|e| e.to_string())?;
    let mut tokens = Tokens::default();
    let mut out = Vec::new();
    for s in split(&doc.text, doc.body_start, &SplitOptions::default()) {
        normaliser.tokenize(&s.text, &mut tokens);
        let mut joined = String::new();
        for t in tokens
            .iter()
            .filter(|t| t.chars().any(char::is_alphanumeric))
        {
            if !joined.is_empty() {
                joined.push(' ');
            }
            joined.push_str(t);
        }
        if !joined.is_empty() {
            out.push((fnv1a(joined.as_bytes()), joined));
        }
    }
    Ok(out)
}

/// Reads `files` (in parallel, in chunks so memory stays bounded), keeping each distinct
/// sentence once in file order; `progress` is called with the number of files done.
pub(super) fn read_corpus(files: &[PathBuf], progress: &(dyn Fn(usize) + Sync)) -> Corpus {
    const CHUNK: usize = 128;
    let normaliser = Normaliser::new();
    let mut corpus = Corpus::default();
    let mut seen: FxHashSet<u64> = FxHashSet::default();
    let mut index: FxHashMap<Box<str>, u32> = FxHashMap::default();
    for (c, chunk) in files.chunks(CHUNK).enumerate() {
        let parsed: Vec<FileSentences> = chunk
            .par_iter()
            .map(|p| file_sentences(p, &normaliser))
            .collect();
        for (path, sentences) in chunk.iter().zip(parsed) {
            let sentences = match sentences {
                Ok(s) => s,
                Err(e) => {
                    corpus.failed.push((path.clone(), e));
                    continue;
                }
            };
            corpus.files += 1;
            for (h, joined) in sentences {
                corpus.sentences_seen += 1;
                if !seen.insert(h) {
                    continue;
                }
                for w in joined.split(' ') {
                    let id = match index.get(w) {
                        Some(&id) => id,
                        None => {
                            let id = corpus.words.len() as u32;
                            index.insert(w.into(), id);
                            corpus.words.push(w.to_string());
                            corpus.counts.push(0);
                            id
                        }
                    };
                    corpus.counts[id as usize] += 1;
                    corpus.ids.push(id);
                }
                corpus.ends.push(corpus.ids.len());
            }
        }
        progress((c * CHUNK + chunk.len()).min(files.len()));
    }
    corpus
}

/// The `max_words` most frequent words with at least `min_count` occurrences (ties by
/// word), most frequent first: `(old id → new id or u32::MAX, new id → old id)`.
pub(super) fn vocabulary(
    corpus: &Corpus,
    max_words: usize,
    min_count: u64,
) -> (Vec<u32>, Vec<u32>) {
    let mut order: Vec<u32> = (0..corpus.words.len() as u32)
        .filter(|&i| corpus.counts[i as usize] >= min_count)
        .collect();
    order.sort_unstable_by(|&a, &b| {
        corpus.counts[b as usize]
            .cmp(&corpus.counts[a as usize])
            .then_with(|| corpus.words[a as usize].cmp(&corpus.words[b as usize]))
    });
    order.truncate(max_words);
    let mut map = vec![u32::MAX; corpus.words.len()];
    for (new, &old) in order.iter().enumerate() {
        map[old as usize] = new as u32;
    }
    (map, order)
}

/// Symmetric co-occurrence counts of the vocabulary's words: the upper triangle (with the
/// diagonal) of a `v × v` matrix, row-major. Two words `d` ≤ `window` positions apart in a
/// sentence add `window + 1 - d` (nearer words weigh more; integers, so the sums do not depend
/// on the order the threads add them in).
pub(super) struct Cooccurrence {
    pub(super) v: usize,
    pub(super) upper: Vec<u32>,
}

impl Cooccurrence {
    /// The index of `(i, j)`, `i ≤ j`, in `upper`.
    #[inline]
    pub(super) fn at(&self, i: usize, j: usize) -> usize {
        debug_assert!(i <= j);
        i * self.v - i * (i + 1) / 2 + j
    }

    /// The count of the pair `(i, j)` in either order.
    #[inline]
    pub(super) fn get(&self, i: usize, j: usize) -> u32 {
        if i <= j {
            self.upper[self.at(i, j)]
        } else {
            self.upper[self.at(j, i)]
        }
    }
}

/// Counts co-occurrences within `window` words in every sentence of `corpus`, words mapped by
/// `map` (words outside the vocabulary still take their place in the window).
pub(super) fn cooccurrence(corpus: &Corpus, map: &[u32], v: usize, window: usize) -> Cooccurrence {
    let mut c = Cooccurrence {
        v,
        upper: Vec::new(),
    };
    let counts: Vec<AtomicU32> = (0..v * (v + 1) / 2).map(|_| AtomicU32::new(0)).collect();
    (0..corpus.ends.len()).into_par_iter().for_each(|s| {
        let start = if s == 0 { 0 } else { corpus.ends[s - 1] };
        let ids = &corpus.ids[start..corpus.ends[s]];
        for (i, &a) in ids.iter().enumerate() {
            let a = map[a as usize];
            if a == u32::MAX {
                continue;
            }
            for d in 1..=window {
                let Some(&b) = ids.get(i + d) else { break };
                let b = map[b as usize];
                if b == u32::MAX {
                    continue;
                }
                let (x, y) = if a <= b { (a, b) } else { (b, a) };
                let k = c.at(x as usize, y as usize);
                counts[k].fetch_add((window + 1 - d) as u32, Ordering::Relaxed);
            }
        }
    });
    c.upper = counts.into_iter().map(AtomicU32::into_inner).collect();
    c
}
