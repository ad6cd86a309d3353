//! Explanations on the page: the one place the HTML report re-vectorises a document
//! ([`TaggedDocument::rows`]) and asks the model which terms pushed each predicted practice
//! up ([`Model::explain_row`]), so the two calls are easy to swap for stored explanations.

use crate::features::SparseRow;
use crate::model::Model;
use crate::predict::TaggedDocument;

/// Terms shown per predicted label.
const TOP_TERMS: usize = 5;

pub use crate::model::FROM_PARAGRAPH;

/// The TF-IDF row of every sentence of `d`, as the model scored it.
pub(super) fn sentence_rows(model: &Model, d: &TaggedDocument) -> Vec<SparseRow> {
    d.rows(model)
}

/// The top terms of each of `labels` (in that order) for a sentence's `row`, strongest first;
/// empty for a practice no word of the sentence pushed up.
pub(super) fn top_terms(model: &Model, row: &SparseRow, labels: &[usize]) -> Vec<Vec<String>> {
    model
        .explain_row(row, labels, TOP_TERMS)
        .into_iter()
        .map(|e| e.iter().map(ToString::to_string).collect())
        .collect()
}
