//! Predictions: documents → sentences → per-label probabilities and decisions.

use crate::error::Error;
use crate::model::{Model, Units};
use crate::sentences::{self, SplitOptions};
use crate::text::{self, Archive, Document, Format, Input, PolicyVersion, ReadOptions};
use rayon::prelude::*;
use serde::Serialize;
use std::ops::Range;
use std::path::PathBuf;

/// One classified sentence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaggedSentence {
    /// 0-based position of the sentence in its document.
    pub index: usize,
    /// Byte span in the document text.
    pub span: Range<usize>,
    /// The cleaned sentence text that was classified.
    pub text: String,
    /// Whether the unit is a heading.
    pub heading: bool,
    /// The block (paragraph) the sentence belongs to; sentences of one paragraph share it.
    pub block: usize,
    /// Probability per model label.
    pub probs: Vec<f32>,
    /// Indices of the labels whose probability passed the threshold.
    pub labels: Vec<usize>,
}

/// A classified document.
#[derive(Debug, Clone)]
pub struct TaggedDocument {
    /// The file it came from.
    pub path: PathBuf,
    /// Its company.
    pub company: String,
    /// Corpus header metadata, when present.
    pub archive: Option<Archive>,
    /// The policy and date it is a version of (from [`Document::version`]).
    pub version: PolicyVersion,
    /// Source format.
    pub format: Format,
    /// Non-fatal warnings from reading.
    pub warnings: Vec<String>,
    /// The document text the sentence spans point into (see [`Document::text`]).
    pub text: String,
    /// The sentences with predictions.
    pub sentences: Vec<TaggedSentence>,
}

/// What happened to one input of a batch.
#[derive(Debug)]
pub enum Outcome {
    /// Read, split and classified.
    Tagged(TaggedDocument),
    /// Deliberately not read (e.g. not a policy file type).
    Skipped(PathBuf, String),
    /// Could not be read or classified.
    Failed(PathBuf, Error),
}

impl Outcome {
    /// The input path.
    pub fn path(&self) -> &std::path::Path {
        match self {
            Outcome::Tagged(d) => &d.path,
            Outcome::Skipped(p, _) | Outcome::Failed(p, _) => p,
        }
    }
}

/// Options for tagging.
#[derive(Debug, Clone, Default)]
pub struct TagOptions {
    /// How files are read.
    pub read: ReadOptions,
    /// How text is split.
    pub split: SplitOptions,
}

/// Splits and classifies one document.
pub fn tag_document(model: &Model, doc: Document, opts: &SplitOptions) -> TaggedDocument {
    let sents = match model.params.unit {
        crate::model::Unit::Sentence => sentences::split(&doc.text, doc.body_start, opts),
        crate::model::Unit::Segment => sentences::split_paragraphs(&doc.text, doc.body_start, opts),
    };
    // The context of a sentence is its paragraph: the sentences of the same block.
    let blocks: Vec<(usize, &str)> = sents.iter().map(|s| (s.block, s.text.as_str())).collect();
    let probs = model.probabilities(Units::Blocks(&blocks));
    let sentences = sents
        .into_iter()
        .enumerate()
        .map(|(i, s)| {
            let p = probs.row(i).to_vec();
            let labels = model.thresholds.labels_of(&p);
            TaggedSentence {
                index: i,
                span: s.span,
                text: s.text,
                heading: s.heading,
                block: s.block,
                probs: p,
                labels,
            }
        })
        .collect();
    TaggedDocument {
        path: doc.path,
        company: doc.company,
        archive: doc.archive,
        version: doc.version,
        format: doc.format,
        warnings: doc.warnings,
        text: doc.text,
        sentences,
    }
}

impl TaggedDocument {
    /// The TF-IDF row of every sentence as the model scored it (for explanations).
    pub fn rows(&self, model: &Model) -> Vec<crate::features::SparseRow> {
        model.rows_of_blocks(
            &self
                .sentences
                .iter()
                .map(|s| (s.block, s.text.as_str()))
                .collect::<Vec<_>>(),
        )
    }

    /// The context (paragraph) of every sentence, as the model saw it.
    pub fn contexts(&self) -> Vec<std::sync::Arc<str>> {
        crate::sentences::paragraph::block_contexts(
            &self
                .sentences
                .iter()
                .map(|s| (s.block, s.text.as_str()))
                .collect::<Vec<_>>(),
        )
    }
}

/// Reads and tags one input.
pub fn tag_input(model: &Model, input: &Input, opts: &TagOptions) -> Outcome {
    match input {
        Input::Skipped(p, why) => Outcome::Skipped(p.clone(), why.clone()),
        Input::Failed(p, why) => Outcome::Failed(
            p.clone(),
            Error::Input {
                path: p.clone(),
                message: why.clone(),
            },
        ),
        Input::File(p) => match text::read_document(p, &opts.read) {
            Ok(doc) => {
                let tagged = tag_document(model, doc, &opts.split);
                if tagged.sentences.is_empty() {
                    Outcome::Failed(
                        p.clone(),
                        Error::Input {
                            path: p.clone(),
                            message: "no sentences found (the text has no words)".into(),
                        },
                    )
                } else {
                    Outcome::Tagged(tagged)
                }
            }
            Err(e) => Outcome::Failed(p.clone(), e),
        },
    }
}

/// Tags many inputs in parallel, in input order; `progress` is called once per input.
pub fn tag_inputs(
    model: &Model,
    inputs: &[Input],
    opts: &TagOptions,
    progress: &(dyn Fn() + Sync),
) -> Vec<Outcome> {
    inputs
        .par_iter()
        .map(|i| {
            let o = tag_input(model, i, opts);
            progress();
            o
        })
        .collect()
}
