//! Transforming text into TF-IDF rows with a fitted [`Vectoriser`]: one sentence
//! ([`Vectoriser::transform_into`], [`Vectoriser::transform`]), many in parallel
//! ([`Vectoriser::transform_many`]), a paragraph's sentences with their shared context part
//! ([`Vectoriser::transform_paragraph`], for scoring), and a training set split into own and
//! shared context parts ([`Vectoriser::transform_shared`], for the sparse solver). All of
//! them weigh features the same way ([`Vectoriser::weigh`]) and give the same rows up to float
//! rounding of the norm (tested); [`Scratch`] holds the buffers they reuse.

use super::normalise::{Normaliser, Tokens};
use super::rows::{squared_norm, unit_scale, RowParts, SharedContextRows, NO_CONTEXT};
use super::{SparseRow, Vectoriser};
use crate::sentences::paragraph::{
    is_whole_context, paragraph_contexts, window, window_context, CONTEXT_MAX_BYTES,
};
use rayon::prelude::*;

/// Reusable per-thread buffers for [`Vectoriser::transform_into`].
///
/// It also remembers the last context and the context features found in it: the sentences of
/// one paragraph share their context, so it is tokenised once per paragraph, not once per
/// sentence.
#[derive(Debug, Default)]
pub struct Scratch {
    tokens: Tokens,
    ids: Vec<u32>,
    features: Vec<u32>,
    context: Option<(u64, String)>,
    context_features: Vec<u32>,
    context_row: SparseRow,
    context_serial: u64,
}

impl Vectoriser {
    /// Transforms one text into `out` (cleared first) using reusable buffers. `context` is the
    /// paragraph the text sits in (used only when the vectoriser has context features; `None`
    /// means the text is its own context).
    pub fn transform_into(
        &self,
        normaliser: &Normaliser,
        text: &str,
        context: Option<&str>,
        s: &mut Scratch,
        out: &mut SparseRow,
    ) {
        out.clear();
        let ix = &self.index;
        s.ids.clear();
        ix.append_text_ids(normaliser, text, &mut s.tokens, &mut s.ids);
        s.features.clear();
        ix.own_features(&s.ids, self.params.max_ngram, &mut s.features);
        let cw = self.params.context_weight;
        if cw > 0.0 {
            match context.filter(|&c| c != text) {
                // The text is its own context (a one-sentence paragraph): its word ids are in
                // `s.ids` already.
                None => ix.context_features(&s.ids, &mut s.features),
                Some(c) => {
                    let cached = matches!(&s.context, Some((id, t)) if *id == self.id && t == c);
                    if !cached {
                        s.ids.clear();
                        ix.append_text_ids(normaliser, c, &mut s.tokens, &mut s.ids);
                        s.context_features.clear();
                        ix.context_features(&s.ids, &mut s.context_features);
                        let (id, text) = s.context.get_or_insert_with(Default::default);
                        *id = self.id;
                        text.clear();
                        text.push_str(c);
                    }
                    s.features.extend_from_slice(&s.context_features);
                }
            }
        }
        self.weigh(&mut s.features, out);
    }

    /// The TF-IDF row of a list of feature occurrences (sorted here): sublinear tf × idf ×
    /// context weight, L2-normalised.
    fn weigh(&self, features: &mut [u32], out: &mut SparseRow) {
        self.weigh_unscaled(features, out);
        let norm = squared_norm(out).sqrt();
        if norm > 0.0 {
            for (_, v) in out.iter_mut() {
                *v /= norm;
            }
        }
    }

    /// [`Vectoriser::weigh`] without the normalisation: appends the weighted terms to `out`.
    fn weigh_unscaled(&self, features: &mut [u32], out: &mut SparseRow) {
        let cw = self.params.context_weight;
        features.sort_unstable();
        for run in features.chunk_by(|a, b| a == b) {
            let i = run[0];
            let c = run.len();
            let tf = if self.params.sublinear_tf {
                // Most terms occur once: skip the logarithm (ln 1 = 0).
                if c == 1 {
                    1.0
                } else {
                    1.0 + (c as f32).ln()
                }
            } else {
                c as f32
            };
            let w = if self.index.is_context(i) {
                cw
            } else if self.index.is_cluster(i) {
                self.params.cluster_weight
            } else {
                1.0
            };
            out.push((i, w * tf * self.idf[i as usize]));
        }
    }

    /// Calls `each` with the row of every sentence of one paragraph, in order (reused
    /// buffers), each in the context of that paragraph as [`paragraph_contexts`] builds it: the
    /// same rows as [`transform_into`] with those contexts (up to float rounding of the norm),
    /// but a paragraph short enough to be the context whole is tokenised once — its tokens are
    /// its sentences' tokens one after the other, since the sentences are joined by a space
    /// and tokenisation cuts there — and its context features are counted and weighted once,
    /// handed to every sentence as the shared [`RowParts::context`].
    ///
    /// [`transform_into`]: Vectoriser::transform_into
    pub fn transform_paragraph(
        &self,
        normaliser: &Normaliser,
        sentences: &[&str],
        s: &mut Scratch,
        row: &mut SparseRow,
        mut each: impl FnMut(RowParts<'_>),
    ) {
        if let [only] = sentences {
            if only.len() <= CONTEXT_MAX_BYTES {
                // A one-sentence paragraph is its own context (`paragraph_contexts` would
                // give the sentence itself): no joined copy needed.
                self.transform_into(normaliser, only, None, s, row);
                each(RowParts::whole(row));
                return;
            }
        }
        let cw = self.params.context_weight;
        if cw == 0.0 || sentences.len() == 1 {
            let contexts = if cw == 0.0 {
                Vec::new()
            } else {
                paragraph_contexts(sentences)
            };
            for (i, t) in sentences.iter().enumerate() {
                let ctx = contexts.get(i).map(|c| &**c);
                self.transform_into(normaliser, t, ctx, s, row);
                each(RowParts::whole(row));
            }
            return;
        }
        let ix = &self.index;
        // Word ids of every sentence, one after the other; `bounds[i]` is sentence i's range.
        let mut ids = std::mem::take(&mut s.ids);
        ids.clear();
        let mut bounds = Vec::with_capacity(sentences.len());
        for t in sentences {
            let start = ids.len();
            ix.append_text_ids(normaliser, t, &mut s.tokens, &mut ids);
            bounds.push(start..ids.len());
        }
        if is_whole_context(sentences) {
            s.context_features.clear();
            ix.context_features(&ids, &mut s.context_features);
            let mut context = std::mem::take(&mut s.context_row);
            context.clear();
            self.weigh_unscaled(&mut s.context_features, &mut context);
            let context_sq = squared_norm(&context);
            s.context_serial += 1;
            for b in bounds {
                s.features.clear();
                ix.own_features(&ids[b], self.params.max_ngram, &mut s.features);
                row.clear();
                self.weigh_unscaled(&mut s.features, row);
                let sq = squared_norm(row) + context_sq;
                each(RowParts {
                    own: row,
                    context: &context,
                    context_serial: s.context_serial,
                    scale: unit_scale(sq),
                });
            }
            s.context_row = context;
        } else {
            // A long paragraph: each sentence's context is its window. A window that fits
            // in CONTEXT_MAX_BYTES is its sentences' tokens one after the other (joined by
            // spaces, as above); one that is cut is tokenised as the cut string.
            let mut window_ids = Vec::new();
            for (i, b) in bounds.iter().enumerate() {
                let w = window(i, sentences.len());
                let joined: usize = sentences[w.clone()].iter().map(|t| t.len() + 1).sum();
                s.features.clear();
                ix.own_features(&ids[b.clone()], self.params.max_ngram, &mut s.features);
                if joined <= CONTEXT_MAX_BYTES + 1 {
                    let span = bounds[w.start].start..bounds[w.end - 1].end;
                    ix.context_features(&ids[span], &mut s.features);
                } else {
                    window_ids.clear();
                    let w = window_context(sentences, i);
                    ix.append_text_ids(normaliser, &w, &mut s.tokens, &mut window_ids);
                    ix.context_features(&window_ids, &mut s.features);
                }
                row.clear();
                self.weigh(&mut s.features, row);
                each(RowParts::whole(row));
            }
        }
        s.ids = ids;
        // The cached context is no longer what `context_features` holds.
        s.context = None;
    }

    /// Transforms one text (its own context).
    pub fn transform(&self, normaliser: &Normaliser, text: &str) -> SparseRow {
        let mut out = Vec::new();
        self.transform_into(normaliser, text, None, &mut Scratch::default(), &mut out);
        out
    }

    /// The rows of `texts` in their `contexts` (as [`Vectoriser::transform_many`] gives them,
    /// up to float rounding of the norm), and the same rows split into each row's own part and
    /// a context part shared by consecutive rows of the same context (a paragraph's
    /// sentences), for the sparse solver ([`SharedContextRows`]).
    pub fn transform_shared(
        &self,
        normaliser: &Normaliser,
        texts: &[&str],
        contexts: &[&str],
    ) -> (Vec<SparseRow>, SharedContextRows) {
        const CHUNK: usize = 2048;
        let parts: Vec<SharedContextRows> = (0..texts.len().div_ceil(CHUNK))
            .into_par_iter()
            .map(|c| {
                let r = c * CHUNK..((c + 1) * CHUNK).min(texts.len());
                self.shared_chunk(normaliser, &texts[r.clone()], &contexts[r])
            })
            .collect();
        let mut all = SharedContextRows::default();
        for mut part in parts {
            let base = all.contexts.len() as u32;
            all.group.extend(part.group.iter().map(|&g| {
                if g == NO_CONTEXT {
                    NO_CONTEXT
                } else {
                    g + base
                }
            }));
            all.own.append(&mut part.own);
            all.scale.append(&mut part.scale);
            all.contexts.append(&mut part.contexts);
        }
        let rows = (0..all.own.len())
            .into_par_iter()
            .map(|i| {
                let mut row = SparseRow::new();
                all.parts(i).to_row(&mut row);
                row
            })
            .collect();
        (rows, all)
    }

    fn shared_chunk(
        &self,
        normaliser: &Normaliser,
        texts: &[&str],
        contexts: &[&str],
    ) -> SharedContextRows {
        let ix = &self.index;
        let cw = self.params.context_weight;
        let mut s = Scratch::default();
        let mut out = SharedContextRows::default();
        let mut context_sq = 0f32;
        for (i, (&text, &context)) in texts.iter().zip(contexts).enumerate() {
            s.ids.clear();
            ix.append_text_ids(normaliser, text, &mut s.tokens, &mut s.ids);
            s.features.clear();
            ix.own_features(&s.ids, self.params.max_ngram, &mut s.features);
            let mut own = SparseRow::new();
            self.weigh_unscaled(&mut s.features, &mut own);
            let mut sq = squared_norm(&own);
            if cw > 0.0 {
                if i == 0 || contexts[i - 1] != context {
                    if context != text {
                        s.ids.clear();
                        ix.append_text_ids(normaliser, context, &mut s.tokens, &mut s.ids);
                    }
                    s.context_features.clear();
                    ix.context_features(&s.ids, &mut s.context_features);
                    let mut c = SparseRow::new();
                    self.weigh_unscaled(&mut s.context_features, &mut c);
                    context_sq = squared_norm(&c);
                    out.contexts.push(c);
                }
                sq += context_sq;
                out.group.push(out.contexts.len() as u32 - 1);
            } else {
                out.group.push(NO_CONTEXT);
            }
            out.scale.push(unit_scale(sq));
            out.own.push(own);
        }
        out
    }

    /// Transforms many texts in parallel, with their contexts when given.
    pub fn transform_many(
        &self,
        normaliser: &Normaliser,
        texts: &[&str],
        contexts: Option<&[&str]>,
    ) -> Vec<SparseRow> {
        (0..texts.len())
            .into_par_iter()
            .map_init(Scratch::default, |s, i| {
                let mut row = Vec::new();
                self.transform_into(normaliser, texts[i], contexts.map(|c| c[i]), s, &mut row);
                row
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::VectoriserParams;

    #[test]
    fn context_cache_gives_the_same_rows() {
        let n = Normaliser::new();
        let (texts, ctx, y, p) = context_fixture();
        let a = Vectoriser::fit(&p, &n, &texts, Some(&ctx), &y, 1).unwrap();
        let b = Vectoriser::fit(&p, &n, &texts[..3], Some(&ctx[..3]), &y[..3], 1).unwrap();
        // One scratch reused across sentences, contexts and two vocabularies.
        let mut shared = Scratch::default();
        for (t, c) in texts.iter().zip(ctx).chain(texts.iter().zip(ctx).rev()) {
            for v in [&a, &b, &a] {
                let mut reused = Vec::new();
                v.transform_into(&n, t, Some(c), &mut shared, &mut reused);
                let mut fresh = Vec::new();
                v.transform_into(&n, t, Some(c), &mut Scratch::default(), &mut fresh);
                assert_eq!(reused, fresh, "{t} in {c}");
            }
        }
    }

    /// Every branch of `transform_paragraph` (one sentence, a whole paragraph with its shared
    /// context part, a long paragraph of windows) gives the rows `transform_into` gives with
    /// `paragraph_contexts`.
    #[test]
    fn paragraph_parts_give_the_rows_of_transform_into() {
        let n = Normaliser::new();
        let (texts, ctx, y, p) = context_fixture();
        let v = Vectoriser::fit(&p, &n, &texts, Some(&ctx), &y, 1).unwrap();
        let long = "we keep logs and files ".repeat(30);
        let paragraphs: Vec<Vec<&str>> = vec![
            vec!["we keep logs"],
            vec![
                "we keep logs.",
                "cookies are small files.",
                "we keep files.",
            ],
            vec![
                long.as_str(),
                long.as_str(),
                "cookies are files.",
                long.as_str(),
            ],
        ];
        let mut s = Scratch::default();
        let mut row = Vec::new();
        for sentences in &paragraphs {
            let contexts = paragraph_contexts(sentences);
            let mut got = Vec::new();
            v.transform_paragraph(&n, sentences, &mut s, &mut row, |parts| {
                let mut r = Vec::new();
                parts.to_row(&mut r);
                got.push(r);
            });
            assert_eq!(got.len(), sentences.len());
            for (i, (t, g)) in sentences.iter().zip(&got).enumerate() {
                let mut want = Vec::new();
                v.transform_into(
                    &n,
                    t,
                    Some(&contexts[i]),
                    &mut Scratch::default(),
                    &mut want,
                );
                assert_eq!(g.len(), want.len(), "{t}");
                for (a, b) in g.iter().zip(&want) {
                    assert_eq!(a.0, b.0, "{t}");
                    assert!((a.1 - b.1).abs() < 1e-6, "{t}: {a:?} vs {b:?}");
                }
            }
        }
    }

    /// Four sentences with paragraph contexts, one label (retention), context weight 0.5.
    fn context_fixture() -> (
        [&'static str; 4],
        [&'static str; 4],
        [bool; 4],
        VectoriserParams,
    ) {
        let texts = [
            "we keep logs",
            "we keep files",
            "cookies are small",
            "cookies are files",
        ];
        let ctx = [
            "retention section we keep logs",
            "retention section",
            "cookie section",
            "cookie section",
        ];
        let p = VectoriserParams {
            min_df: 1,
            context_weight: 0.5,
            ..VectoriserParams::default()
        };
        (texts, ctx, [true, true, false, false], p)
    }

    #[test]
    fn context_terms_are_separate_and_weighted() {
        let n = Normaliser::new();
        let (texts, ctx, y, p) = context_fixture();
        let v = Vectoriser::fit(&p, &n, &texts, Some(&ctx), &y, 1).unwrap();
        assert!((0..v.len()).any(|i| v.term(i) == "§retention"));
        let mut row = Vec::new();
        v.transform_into(
            &n,
            "we keep logs",
            Some("retention section"),
            &mut Scratch::default(),
            &mut row,
        );
        let ctx_part: f32 = row
            .iter()
            .filter(|(i, _)| v.term(*i as usize).starts_with('§'))
            .map(|x| x.1 * x.1)
            .sum();
        let own_part: f32 = row
            .iter()
            .filter(|(i, _)| !v.term(*i as usize).starts_with('§'))
            .map(|x| x.1 * x.1)
            .sum();
        assert!(ctx_part > 0.0 && own_part > ctx_part);
        assert!((ctx_part + own_part - 1.0).abs() < 1e-5);
    }
}
