//! Explanations: the first stage's logit of a label is the intercept plus one term per
//! feature (TF-IDF value × weight), so the largest terms are the model's own account of a
//! sentence's evidence. Returned as data ([`TermContribution`]); wording is the caller's.

use super::Model;
use crate::features::{is_cluster_term, Normaliser, Scratch, SparseRow};
use crate::sentences::paragraph::paragraph_runs;

/// What to say when a predicted label has no positive term of its own: the neighbour stage
/// (the sentence's paragraph) decided it.
pub const FROM_PARAGRAPH: &str = "(from its paragraph)";

/// How an explanation names a word-cluster feature: this prefix, then its commonest words.
pub const CLUSTER_PREFIX: &str = "≈";

/// How many of a cluster's words an explanation shows.
pub const CLUSTER_WORDS_SHOWN: usize = 3;

/// Which outputs of the model an explanation is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// The categories (labels).
    Categories,
    /// The attribute values (when the model has an attribute head).
    Attributes,
}

/// One feature's share of a label's first-stage logit.
#[derive(Debug, Clone, PartialEq)]
pub struct TermContribution {
    /// The word or n-gram, or a word cluster as [`CLUSTER_PREFIX`] and its commonest words.
    pub term: String,
    /// Whether it is a word of the sentence's paragraph (context feature) rather than of the
    /// sentence itself.
    pub from_paragraph: bool,
    /// TF-IDF value × weight.
    pub contribution: f32,
}

impl std::fmt::Display for TermContribution {
    /// `word`, or `word (paragraph)` for a context feature.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.from_paragraph {
            write!(f, "{} (paragraph)", self.term)
        } else {
            f.write_str(&self.term)
        }
    }
}

impl Model {
    /// Every feature's contribution to the first stage's logit of label `l` for `text`
    /// (TF-IDF value × weight), largest first. The contributions plus the intercept sum exactly
    /// to that logit ([`Model::text_stage_probabilities`]), so this is the model's own account
    /// of the sentence's evidence, not a heuristic; the neighbour stage then weighs it against
    /// the paragraph's.
    /// `context` is the sentence's paragraph as given to [`Model::text_stage_probabilities`]
    /// (`None`: the text is its own context). Context terms are named `§word`.
    pub fn contributions(&self, text: &str, context: Option<&str>, l: usize) -> Vec<(String, f32)> {
        let row = self.row(text, context, &mut Scratch::default());
        self.row_contributions(&row, l, false)
            .into_iter()
            .map(|(f, c)| (self.vectoriser.term(f as usize).to_string(), c))
            .collect()
    }

    fn row(&self, text: &str, context: Option<&str>, s: &mut Scratch) -> SparseRow {
        let mut row = Vec::new();
        self.vectoriser
            .transform_into(&Normaliser::new(), text, context, s, &mut row);
        row
    }

    /// `(feature, TF-IDF value × weight of label l)` for every feature of the row (only the
    /// positive ones with `positive_only`), largest first (ties broken by the term text).
    fn row_contributions(&self, row: &SparseRow, l: usize, positive_only: bool) -> Vec<(u32, f32)> {
        self.contributions_in(Part::Categories, row, l, positive_only)
    }

    /// [`Model::row_contributions`] of output `l` of `part`.
    fn contributions_in(
        &self,
        part: Part,
        row: &SparseRow,
        l: usize,
        positive_only: bool,
    ) -> Vec<(u32, f32)> {
        let (weights, nl) = match (part, &self.attributes) {
            (Part::Attributes, Some(a)) => (&a.weights, a.names.len()),
            _ => (&self.weights, self.labels.len()),
        };
        let mut c: Vec<(u32, f32)> = row
            .iter()
            .map(|&(f, v)| (f, v * weights[f as usize * nl + l]))
            .filter(|&(_, c)| !positive_only || c > 0.0)
            .collect();
        let term = |f: u32| self.vectoriser.term(f as usize);
        c.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| term(a.0).cmp(term(b.0))));
        c
    }

    /// The `top` terms that pushed label `l` up the most for `text` in `context` (positive
    /// contributions only), largest first.
    pub fn explain(
        &self,
        text: &str,
        context: Option<&str>,
        l: usize,
        top: usize,
    ) -> Vec<TermContribution> {
        self.explain_labels(text, context, &[l], top, &mut Scratch::default())
            .pop()
            .unwrap_or_default()
    }

    /// [`Model::explain`] for several labels of one sentence, vectorising it once; `scratch`
    /// can be reused across calls (the sentences of one paragraph then share the
    /// tokenisation of their paragraph).
    pub fn explain_labels(
        &self,
        text: &str,
        context: Option<&str>,
        labels: &[usize],
        top: usize,
        scratch: &mut Scratch,
    ) -> Vec<Vec<TermContribution>> {
        self.explain_in(Part::Categories, text, context, labels, top, scratch)
    }

    /// [`Model::explain_labels`] for the outputs `outputs` of `part` (empty lists when the
    /// model has no such part).
    fn explain_in(
        &self,
        part: Part,
        text: &str,
        context: Option<&str>,
        outputs: &[usize],
        top: usize,
        scratch: &mut Scratch,
    ) -> Vec<Vec<TermContribution>> {
        if outputs.is_empty() || (part == Part::Attributes && self.attributes.is_none()) {
            return vec![Vec::new(); outputs.len()];
        }
        let row = self.row(text, context, scratch);
        self.explain_row_in(part, &row, outputs, top)
    }

    /// The TF-IDF rows of sentences given as `(block, text)` in document order, each in the
    /// context of its block, paragraph by paragraph ([`Vectoriser::transform_paragraph`]):
    /// what [`Model::probabilities`] of [`super::Units::Blocks`] scored, for [`Model::explain_row`].
    pub fn rows_of_blocks(&self, sents: &[(usize, &str)]) -> Vec<SparseRow> {
        let normaliser = Normaliser::new();
        let (mut s, mut row) = (Scratch::default(), SparseRow::new());
        let mut out = Vec::with_capacity(sents.len());
        for r in paragraph_runs(sents) {
            let texts: Vec<&str> = sents[r].iter().map(|x| x.1).collect();
            self.vectoriser
                .transform_paragraph(&normaliser, &texts, &mut s, &mut row, |parts| {
                    let mut whole = SparseRow::new();
                    parts.to_row(&mut whole);
                    out.push(whole);
                });
        }
        out
    }

    /// [`Model::explain_labels`] for attribute values (indices into
    /// [`super::attributes::AttributeHead::names`]): the terms that pushed each value up.
    /// Empty lists when the model has no attribute head.
    pub fn explain_attributes(
        &self,
        text: &str,
        context: Option<&str>,
        values: &[usize],
        top: usize,
        scratch: &mut Scratch,
    ) -> Vec<Vec<TermContribution>> {
        self.explain_in(Part::Attributes, text, context, values, top, scratch)
    }

    /// A word cluster's term as its commonest words: `≈cookies/pixel/beacons…` (the `…` when
    /// it has more than [`CLUSTER_WORDS_SHOWN`]).
    fn cluster_name(&self, f: usize) -> String {
        let words = self.vectoriser.cluster_members(f);
        let shown: Vec<&str> = words.iter().take(CLUSTER_WORDS_SHOWN).copied().collect();
        let more = if words.len() > CLUSTER_WORDS_SHOWN {
            "…"
        } else {
            ""
        };
        format!("{CLUSTER_PREFIX}{}{more}", shown.join("/"))
    }

    /// [`Model::explain_labels`] of a row from [`Model::rows_of_blocks`].
    pub fn explain_row(
        &self,
        row: &SparseRow,
        labels: &[usize],
        top: usize,
    ) -> Vec<Vec<TermContribution>> {
        self.explain_row_in(Part::Categories, row, labels, top)
    }

    /// [`Model::explain_row`] for the outputs `labels` of `part`.
    pub fn explain_row_in(
        &self,
        part: Part,
        row: &SparseRow,
        labels: &[usize],
        top: usize,
    ) -> Vec<Vec<TermContribution>> {
        labels
            .iter()
            .map(|&l| {
                let mut c = self.contributions_in(part, row, l, true);
                c.truncate(top);
                c.into_iter()
                    .map(|(f, contribution)| {
                        let t = self.vectoriser.term(f as usize);
                        let (term, from_paragraph) = match t.strip_prefix('§') {
                            Some(w) => (w.to_string(), true),
                            None if is_cluster_term(t) => (self.cluster_name(f as usize), false),
                            None => (t.to_string(), false),
                        };
                        TermContribution {
                            term,
                            from_paragraph,
                            contribution,
                        }
                    })
                    .collect()
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use crate::model::kernels::sigmoid;
    use crate::model::shipped_for_tests as shipped;

    #[test]
    fn contributions_sum_to_the_logit() {
        let model = shipped();
        let text =
            "We share your e-mail address with advertising partners and keep it for two years.";
        let p = model.text_stage_probabilities(&[text], None);
        for (l, &pl) in p.row(0).iter().enumerate() {
            let logit: f32 = model
                .contributions(text, None, l)
                .iter()
                .map(|c| c.1)
                .sum::<f32>()
                + model.intercepts[l];
            assert!((sigmoid(logit) - pl).abs() < 1e-5, "label {l}");
        }
        let e = model.explain(text, None, 1, 3);
        // Word clusters are named by their words, never by their ids.
        for l in 0..model.labels.len() {
            for c in model.explain(text, None, l, 50) {
                assert!(!c.term.contains('¤'), "{}", c.term);
            }
        }
        assert!(!e.is_empty() && e.len() <= 3);
        assert!(e.windows(2).all(|w| w[0].contribution >= w[1].contribution));
    }
}
