//! Scoring: [`Model::predict`] is the one entry point ([`Model::probabilities`] is its
//! categories). The first stage (TF-IDF rows × stacked weights, [`super::kernels`]) runs over
//! the units as [`Units`] gives them, for the categories and, with the same rows, for the
//! attribute values; then the neighbour stage revises every unit's categories with the others
//! of its neighbourhood ([`Model::neighbourhoods_of`]: a sentence's paragraph, a segment's
//! document) — the same rule at training, evaluation and prediction.

use super::kernels::{add_dots, score_rows, sigmoid};
use super::train::{neighbourhoods, Core};
use super::{Model, Unit};
use crate::data::LabelledData;
use crate::features::{Normaliser, Scratch, SparseRow, Vectoriser};
use crate::labels::Probabilities;
use crate::sentences::paragraph::{paragraph_runs, Paragraphs};
use rayon::prelude::*;

/// What to score, and how its units group into paragraphs (see [`Model::predict`]).
#[derive(Debug, Clone, Copy)]
pub enum Units<'a> {
    /// Texts scored alone: each is its own context and its own paragraph.
    Alone(&'a [&'a str]),
    /// Labelled rows, each in its segment (`policy_id` + `segment_id`), as in training.
    Labelled(&'a LabelledData),
    /// A document's units as `(block, text)` in document order, each in the context of its
    /// block's run (the prediction path: a paragraph is tokenised and its context part
    /// dotted once).
    Blocks(&'a [(usize, &'a str)]),
}

/// The probabilities of every unit: categories, and attribute values when the model has
/// them (columns in [`super::attributes::AttributeHead::names`] order).
#[derive(Debug, Clone, PartialEq)]
pub struct Predicted {
    /// P(category), after the neighbour stage.
    pub categories: Probabilities,
    /// P(attribute value), from the first stage.
    pub attributes: Option<Probabilities>,
}

/// A linear head's stacked weights (feature-major) and intercepts.
type Head<'a> = (&'a [f32], &'a [f32]);

impl Model {
    /// Probabilities of every unit (rows in unit order): the first stage for every head, then
    /// the neighbour stage over the categories of the units' neighbourhoods.
    pub fn predict(&self, units: Units<'_>) -> Predicted {
        let heads = self.heads();
        let (mut p, neighbourhoods) = match units {
            Units::Alone(texts) => (
                probabilities(&self.vectoriser, &heads, &Normaliser::new(), texts, None),
                Paragraphs::by_key(texts.len(), |_| None::<()>),
            ),
            Units::Labelled(data) => {
                let texts: Vec<&str> = data.texts.iter().map(String::as_str).collect();
                let contexts = data.contexts();
                let ctx: Vec<&str> = contexts.iter().map(|c| &**c).collect();
                (
                    probabilities(
                        &self.vectoriser,
                        &heads,
                        &Normaliser::new(),
                        &texts,
                        Some(&ctx),
                    ),
                    neighbourhoods(data, self.params.unit),
                )
            }
            Units::Blocks(sents) => (
                self.text_stage_of_blocks(&heads, sents),
                self.neighbourhoods_of(sents),
            ),
        };
        let attributes = (p.len() > 1).then(|| p.pop().expect("two heads"));
        let mut categories = p.pop().expect("the categories' head");
        if let Some(st) = &self.neighbours {
            st.revise_groups(&mut categories, &neighbourhoods);
        }
        Predicted {
            categories,
            attributes,
        }
    }

    /// The categories' probabilities of every unit ([`Model::predict`]'s `categories`).
    pub fn probabilities(&self, units: Units<'_>) -> Probabilities {
        self.predict(units).categories
    }

    /// The categories' head, then the attribute head's when there is one.
    fn heads(&self) -> Vec<Head<'_>> {
        let mut heads: Vec<Head<'_>> = vec![(&self.weights, &self.intercepts)];
        if let Some(a) = &self.attributes {
            heads.push((&a.weights, &a.intercepts));
        }
        heads
    }

    /// The neighbourhoods of a document's units given as `(block, text)`: a sentence's is its
    /// block's run (its paragraph), a segment's is the whole document.
    pub fn neighbourhoods_of(&self, sents: &[(usize, &str)]) -> Paragraphs {
        match self.params.unit {
            Unit::Sentence => {
                let blocks: Vec<usize> = sents.iter().map(|s| s.0).collect();
                Paragraphs::runs(&blocks)
            }
            Unit::Segment => Paragraphs::whole(sents.len()),
        }
    }

    /// The first stage's category probabilities alone (TF-IDF × weights, before the
    /// neighbour stage) for each text given the paragraph it sits in (`contexts[i]` for
    /// `texts[i]`; `None`: each text is its own context). [`Model::contributions`] explains
    /// these.
    pub fn text_stage_probabilities(
        &self,
        texts: &[&str],
        contexts: Option<&[&str]>,
    ) -> Probabilities {
        let heads = [(&self.weights[..], &self.intercepts[..])];
        probabilities(
            &self.vectoriser,
            &heads,
            &Normaliser::new(),
            texts,
            contexts,
        )
        .pop()
        .expect("one head")
    }

    /// The first stage's probabilities (one matrix per head) of units given as `(block,
    /// text)` in document order, each in the context of its block's run: the numbers
    /// [`Model::text_stage_probabilities`] with
    /// [`crate::sentences::paragraph::block_contexts`] gives (up to float rounding), computed
    /// paragraph by paragraph so that a paragraph is tokenised once
    /// ([`crate::features::Vectoriser::transform_paragraph`]) and its shared context part is
    /// dotted once per head.
    fn text_stage_of_blocks(
        &self,
        heads: &[Head<'_>],
        sents: &[(usize, &str)],
    ) -> Vec<Probabilities> {
        let blocks = paragraph_runs(sents);
        let normaliser = Normaliser::new();
        // Groups of blocks of about 256 sentences, scored in parallel.
        let mut groups: Vec<std::ops::Range<usize>> = Vec::new();
        let mut start = 0;
        for (b, r) in blocks.iter().enumerate() {
            if r.end - blocks[start].start >= 256 || b + 1 == blocks.len() {
                groups.push(start..b + 1);
                start = b + 1;
            }
        }
        let parts: Vec<Vec<Vec<f32>>> = groups
            .par_iter()
            .map_init(
                || (Scratch::default(), SparseRow::new(), Vec::new()),
                |(s, row, texts), g| {
                    let mut out: Vec<Vec<f32>> = vec![Vec::new(); heads.len()];
                    // The shared context part's dot products (unscaled) per head, per
                    // context serial.
                    let mut context_dot: Vec<Vec<f32>> =
                        heads.iter().map(|h| vec![0f32; h.1.len()]).collect();
                    let mut serial = 0;
                    for r in &blocks[g.clone()] {
                        texts.clear();
                        texts.extend(sents[r.clone()].iter().map(|x| x.1));
                        self.vectoriser
                            .transform_paragraph(&normaliser, texts, s, row, |parts| {
                                let fresh = parts.context_serial != serial;
                                serial = parts.context_serial;
                                for (((w, b), out), cd) in
                                    heads.iter().zip(out.iter_mut()).zip(context_dot.iter_mut())
                                {
                                    if fresh {
                                        cd.fill(0.0);
                                        add_dots(w, parts.context, cd);
                                    }
                                    let at = out.len();
                                    out.resize(at + b.len(), 0.0);
                                    let o = &mut out[at..];
                                    add_dots(w, parts.own, o);
                                    for ((o, &c), &b) in o.iter_mut().zip(cd.iter()).zip(b.iter()) {
                                        *o = sigmoid(b + parts.scale * (*o + c));
                                    }
                                }
                            });
                    }
                    out
                },
            )
            .collect();
        join_heads(heads, &parts)
    }
}

/// One matrix per head from the parts computed in parallel (`parts[chunk][head]`: that
/// chunk's rows of that head, row-major), rows in chunk order.
fn join_heads(heads: &[Head<'_>], parts: &[Vec<Vec<f32>>]) -> Vec<Probabilities> {
    heads
        .iter()
        .enumerate()
        .map(|(h, (_, b))| {
            Probabilities::from_cells(
                b.len(),
                parts.iter().flat_map(|p| p[h].iter().copied()).collect(),
            )
        })
        .collect()
}

impl Core {
    /// The first stage's probabilities of `texts` in `contexts` (training's threshold folds):
    /// the categories, and the attribute values when the core has them.
    pub(super) fn probabilities(
        &self,
        normaliser: &Normaliser,
        texts: &[&str],
        contexts: &[&str],
    ) -> (Probabilities, Option<Probabilities>) {
        let mut heads: Vec<Head<'_>> = vec![(&self.weights, &self.intercepts)];
        if let Some((w, b)) = &self.attributes {
            heads.push((w, b));
        }
        let mut p = probabilities(&self.vectoriser, &heads, normaliser, texts, Some(contexts));
        let attributes = (p.len() > 1).then(|| p.pop().expect("two heads"));
        (p.pop().expect("the categories' head"), attributes)
    }
}

/// The first stage over texts (each with its context, else alone) for every head, parallel
/// in chunks of 256 texts: each text is vectorised once.
fn probabilities(
    vectoriser: &Vectoriser,
    heads: &[Head<'_>],
    normaliser: &Normaliser,
    texts: &[&str],
    contexts: Option<&[&str]>,
) -> Vec<Probabilities> {
    let chunks: Vec<Vec<Vec<f32>>> = texts
        .par_chunks(256)
        .enumerate()
        .map_init(
            || (Scratch::default(), SparseRow::new()),
            |(s, row), (c, chunk)| {
                let start = c * 256;
                let mut out: Vec<Vec<f32>> = heads
                    .iter()
                    .map(|h| vec![0f32; chunk.len() * h.1.len()])
                    .collect();
                for (i, t) in chunk.iter().enumerate() {
                    let ctx = contexts.map(|cs| cs[start + i]);
                    vectoriser.transform_into(normaliser, t, ctx, s, row);
                    for ((w, b), o) in heads.iter().zip(out.iter_mut()) {
                        let l = b.len();
                        score_rows(w, b, row, &mut o[i * l..(i + 1) * l]);
                    }
                }
                out
            },
        )
        .collect();
    join_heads(heads, &chunks)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::shipped_for_tests as shipped;

    #[test]
    fn paragraph_scoring_equals_scoring_in_context() {
        let model = shipped();
        let long = "We keep server logs for a while. ".repeat(80);
        // A paragraph over the context limit made of short sentences: windows that fit and
        // (around the long last one) windows that are cut.
        let many: Vec<String> = (0..70)
            .map(|i| format!("Item {i}: we may share r\u{e9}sum\u{e9} data with partner {i}."))
            .chain([format!("{} end.", "Very long tail sentence ".repeat(90))])
            .collect();
        let paragraphs: Vec<Vec<&str>> = vec![
            many.iter().map(String::as_str).collect(),
            vec!["Information We Collect"],
            vec![
                "We collect your name and e-mail address.",
                "We share them with our payment processor\u{2019}s \u{201c}fraud\u{201d} team.",
                "You can opt out at any time.",
            ],
            vec!["Caf\u{e9} visitors\u{a0}may be tracked.", "No DNT support."],
            vec![
                long.as_str(),
                "Logs are deleted after 30 days.",
                "Backups too.",
            ],
        ];
        let mut sents: Vec<(usize, &str)> = Vec::new();
        for (b, p) in paragraphs.iter().enumerate() {
            sents.extend(p.iter().map(|&t| (b, t)));
        }
        let contexts = crate::sentences::paragraph::block_contexts(&sents);
        let ctx: Vec<&str> = contexts.iter().map(|c| &**c).collect();
        let texts: Vec<&str> = sents.iter().map(|s| s.1).collect();
        let mut a = model.text_stage_probabilities(&texts, Some(&ctx));
        if let Some(st) = &model.neighbours {
            let nl = model.labels.len();
            let mut s = Vec::new();
            for r in paragraph_runs(&sents) {
                st.revise(&mut a.as_mut_slice()[r.start * nl..r.end * nl], &mut s);
            }
        }
        let b = model.probabilities(Units::Blocks(&sents));
        // The same numbers up to float rounding: the paragraph path sums a shared context's
        // part once and adds the intercept last.
        assert_eq!(a.rows(), b.rows());
        for (x, y) in a.as_slice().iter().zip(b.as_slice()) {
            assert!((x - y).abs() < 1e-5, "{x} vs {y}");
        }
    }
}
