//! Paragraphs: the one owner of how units (sentences, headings, list items) group into
//! paragraphs, what a unit's context is, and which units the neighbour stage looks across.
//!
//! A paragraph is a training segment (`policy_id` + `segment_id` rows) or a run of the
//! splitter's block (a list item shares the block of its lead-in). [`Paragraphs`] is the only
//! way to build either grouping, and [`paragraph_contexts`] the only way to build a context,
//! so training and prediction see the same features and the same neighbourhoods.

use std::ops::Range;
use std::sync::Arc;

/// A paragraph longer than this many bytes is not used whole as context; each sentence gets a
/// window of its neighbours instead (keeps the cost linear on huge paragraphs).
pub const CONTEXT_MAX_BYTES: usize = 2_000;

/// The context of every sentence of one paragraph (in order): the whole paragraph when it is
/// at most [`CONTEXT_MAX_BYTES`], else the sentence with up to two neighbours on each side,
/// cut to that size. Training and prediction both build contexts with this function. The
/// sentences of a whole paragraph share one string.
pub fn paragraph_contexts(sentences: &[&str]) -> Vec<Arc<str>> {
    if is_whole_context(sentences) {
        let whole: Arc<str> = sentences.join(" ").into();
        return vec![whole; sentences.len()];
    }
    (0..sentences.len())
        .map(|i| window_context(sentences, i).into())
        .collect()
}

/// The sentences around sentence `i` of a paragraph too long to be its context whole: up to
/// two on each side, joined by spaces.
pub(crate) fn window(i: usize, n: usize) -> Range<usize> {
    i.saturating_sub(2)..(i + 3).min(n)
}

/// The context of sentence `i` of a long paragraph: its [`window`], cut to
/// [`CONTEXT_MAX_BYTES`].
pub(crate) fn window_context(sentences: &[&str], i: usize) -> String {
    let mut w = sentences[window(i, sentences.len())].join(" ");
    if w.len() > CONTEXT_MAX_BYTES {
        let mut cut = CONTEXT_MAX_BYTES;
        while !w.is_char_boundary(cut) {
            cut -= 1;
        }
        w.truncate(cut);
    }
    w
}

/// Whether a paragraph is short enough to be its sentences' context whole
/// ([`paragraph_contexts`]).
pub(crate) fn is_whole_context(sentences: &[&str]) -> bool {
    let joined: usize = sentences.iter().map(|s| s.len() + 1).sum();
    joined <= CONTEXT_MAX_BYTES + 1
}

/// The runs of consecutive sentences of one block (paragraph) in `(block, text)` pairs given in
/// document order.
pub fn paragraph_runs(sents: &[(usize, &str)]) -> Vec<Range<usize>> {
    sents
        .chunk_by(|a, b| a.0 == b.0)
        .scan(0, |start, run| {
            let r = *start..*start + run.len();
            *start = r.end;
            Some(r)
        })
        .collect()
}

/// Contexts for sentences given as `(block, text)` in document order: each block's sentences
/// go through [`paragraph_contexts`].
pub fn block_contexts(sents: &[(usize, &str)]) -> Vec<std::sync::Arc<str>> {
    let mut out = Vec::with_capacity(sents.len());
    for r in paragraph_runs(sents) {
        let texts: Vec<&str> = sents[r].iter().map(|s| s.1).collect();
        out.extend(paragraph_contexts(&texts));
    }
    out
}

/// Units grouped into paragraphs (or, for segment models, segments grouped into documents):
/// every unit is in exactly one group, each group's members in unit order, groups ordered
/// by their first member. Built only by [`Paragraphs::by_key`] and [`Paragraphs::runs`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paragraphs {
    groups: Vec<Vec<usize>>,
}

impl Paragraphs {
    /// Units `0..n` grouped by `key` (units with the same key form one group, in unit order;
    /// a unit whose key is `None` is a group of its own).
    pub fn by_key<K: std::hash::Hash + Eq>(
        n: usize,
        key: impl Fn(usize) -> Option<K>,
    ) -> Paragraphs {
        let mut index: std::collections::HashMap<K, usize> = std::collections::HashMap::new();
        let mut groups: Vec<Vec<usize>> = Vec::new();
        for i in 0..n {
            match key(i) {
                Some(k) => {
                    let g = *index.entry(k).or_insert_with(|| {
                        groups.push(Vec::new());
                        groups.len() - 1
                    });
                    groups[g].push(i);
                }
                None => groups.push(vec![i]),
            }
        }
        Paragraphs { groups }
    }

    /// The runs of consecutive units with the same block id, in order.
    pub fn runs(blocks: &[usize]) -> Paragraphs {
        let mut groups: Vec<Vec<usize>> = Vec::new();
        for (i, b) in blocks.iter().enumerate() {
            match groups.last_mut() {
                Some(g) if blocks[g[0]] == *b => g.push(i),
                _ => groups.push(vec![i]),
            }
        }
        Paragraphs { groups }
    }

    /// One group holding all `n` units (a segment model's document).
    pub fn whole(n: usize) -> Paragraphs {
        Paragraphs {
            groups: if n == 0 {
                Vec::new()
            } else {
                vec![(0..n).collect()]
            },
        }
    }

    /// The groups, each a list of unit indices.
    pub fn groups(&self) -> &[Vec<usize>] {
        &self.groups
    }

    /// Number of groups.
    pub fn len(&self) -> usize {
        self.groups.len()
    }

    /// True when there are no groups.
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// The context of every unit (indexed like `texts`): its group through
    /// [`paragraph_contexts`].
    pub fn contexts(&self, texts: &[&str]) -> Vec<Arc<str>> {
        let mut out: Vec<Arc<str>> = vec![Arc::from(""); texts.len()];
        let mut members: Vec<&str> = Vec::new();
        for g in &self.groups {
            members.clear();
            members.extend(g.iter().map(|&i| texts[i]));
            for (&i, c) in g.iter().zip(paragraph_contexts(&members)) {
                out[i] = c;
            }
        }
        out
    }
}
