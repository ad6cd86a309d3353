//! Predictions: documents → sentences → per-label probabilities and decisions, and the
//! tagging driver ([`tag_into`]) that tags inputs in batches and feeds them to any [`Sink`]
//! (the report writer is one).

use crate::error::{Error, Result};
use crate::model::{Model, Units};
use crate::sentences::{self, SplitOptions};
use crate::text::{self, Archive, Document, Format, Input, Language, PolicyVersion, ReadOptions};
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
    /// Probability per attribute value of the model (empty when it has none).
    pub attribute_probs: Vec<f32>,
    /// Indices of the attribute values whose probability passed their threshold.
    pub attributes: Vec<usize>,
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
    /// The language of the policy body (see [`Document::language`]).
    pub language: Language,
    /// Mojibake runs repaired while reading (see [`Document::repaired`]).
    pub repaired: usize,
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
    /// Deliberately not read or not tagged, and why.
    Skipped(PathBuf, Skip),
    /// Could not be read or classified.
    Failed(PathBuf, Error),
}

/// Why an input was skipped. The kind, not the message, decides what a command does with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Skip {
    /// Not a policy file type (found in a directory listing).
    NotAPolicy(String),
    /// Read, but with nothing to classify (a PDF with no text layer).
    NothingToRead(String),
    /// Written in this language, not English, and `--skip-non-english` was given.
    NotEnglish(Language),
}

impl std::fmt::Display for Skip {
    /// The one-line reason.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Skip::NotAPolicy(m) | Skip::NothingToRead(m) => f.write_str(m),
            Skip::NotEnglish(l) => write!(f, "written in {l}, not English (--skip-non-english)"),
        }
    }
}

impl Outcome {
    /// For commands that tag the files they are given and nothing else (`predict`): a file
    /// that was read but held nothing to classify (a PDF with no text layer) is an error,
    /// while a batch (`report`) lists it as skipped. Other outcomes are unchanged.
    /// `input` is the input this outcome is for: only a file given to be read is turned into
    /// an error, not a file a directory listing skipped.
    pub fn skip_is_failure(self, input: &Input) -> Outcome {
        match (self, input) {
            (Outcome::Skipped(p, Skip::NothingToRead(why)), Input::File(_)) => Outcome::Failed(
                p.clone(),
                Error::NothingToRead {
                    path: p,
                    message: why,
                },
            ),
            (o, _) => o,
        }
    }

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
    /// Skip documents reliably detected as written in another language than English (they are
    /// accounted as skipped, with the language named).
    pub skip_non_english: bool,
}

/// Splits and classifies one document.
pub fn tag_document(model: &Model, doc: Document, opts: &SplitOptions) -> TaggedDocument {
    let sents = match model.params().unit {
        crate::model::Unit::Sentence => sentences::split(&doc.text, doc.body_start, opts),
        crate::model::Unit::Segment => sentences::split_paragraphs(&doc.text, doc.body_start, opts),
    };
    // The context of a sentence is its paragraph: the sentences of the same block.
    let blocks: Vec<(usize, &str)> = sents.iter().map(|s| (s.block, s.text.as_str())).collect();
    let predicted = model.predict(Units::Blocks(&blocks));
    let sentences = sents
        .into_iter()
        .enumerate()
        .map(|(i, s)| {
            let p = predicted.categories.row(i).to_vec();
            let labels = model.thresholds().labels_of(&p);
            let (attribute_probs, attributes) = match (&predicted.attributes, model.attributes()) {
                (Some(a), Some(head)) => {
                    let ap = a.row(i).to_vec();
                    let on = head.decide(&ap, &labels);
                    (ap, on)
                }
                _ => (Vec::new(), Vec::new()),
            };
            TaggedSentence {
                index: i,
                span: s.span,
                text: s.text,
                heading: s.heading,
                block: s.block,
                probs: p,
                labels,
                attribute_probs,
                attributes,
            }
        })
        .collect();
    TaggedDocument {
        path: doc.path,
        company: doc.company,
        archive: doc.archive,
        version: doc.version,
        format: doc.format,
        language: doc.language,
        repaired: doc.repaired,
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
        Input::Skipped(p, why) => Outcome::Skipped(p.clone(), Skip::NotAPolicy(why.clone())),
        Input::Failed(p, why) => Outcome::Failed(
            p.clone(),
            Error::Input {
                path: p.clone(),
                message: why.clone(),
            },
        ),
        Input::File(p) => match text::read_document(p, &opts.read) {
            Ok(doc) if opts.skip_non_english && doc.language.is_foreign() => {
                Outcome::Skipped(p.clone(), Skip::NotEnglish(doc.language))
            }
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
            Err(Error::NothingToRead { message, .. }) => {
                Outcome::Skipped(p.clone(), Skip::NothingToRead(message))
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

/// Files tagged per batch by [`tag_into`].
pub const BATCH_FILES: usize = 128;

/// Where [`tag_into`] delivers tagged batches: it consumes them one at a time, in input
/// order, on a thread of its own (the report writer is one).
pub trait Sink: Send {
    /// Consumes one batch of outcomes (in input order). An error stops the tagging.
    fn add(&mut self, outcomes: Vec<Outcome>) -> Result<()>;
}

/// Tags `inputs` in batches of [`BATCH_FILES`] and adds them to `sink`, which it returns. The
/// rayon threads tag while a writer thread of its own adds each finished batch, with at most
/// one batch waiting between them (memory holds three batches, not the corpus): the sink's
/// work is serial, and when the two took turns batch by batch a core sat idle whenever tagging
/// a batch took less time than writing the one before (≈ 14 % of the report loop).
/// `progress` is called once per input; `on_batch` sees every batch's outcomes in input order
/// before they are added (to report problems). An error from the sink stops the tagging and
/// is returned.
pub fn tag_into<S: Sink>(
    model: &Model,
    inputs: &[Input],
    opts: &TagOptions,
    progress: &(dyn Fn() + Sync),
    on_batch: &mut dyn FnMut(&[Outcome]),
    sink: S,
) -> Result<S> {
    std::thread::scope(|scope| {
        let (batches, written) = std::sync::mpsc::sync_channel::<Vec<Outcome>>(1);
        let mut sink = sink;
        let writer = scope.spawn(move || -> Result<S> {
            for outcomes in written {
                sink.add(outcomes)?;
            }
            Ok(sink)
        });
        for batch in inputs.chunks(BATCH_FILES) {
            let outcomes = tag_inputs(model, batch, opts, progress);
            on_batch(&outcomes);
            if batches.send(outcomes).is_err() {
                break; // the writer stopped on an error, returned by the join below
            }
        }
        drop(batches);
        writer
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

/// The shipped model (`models/default.model`), for the unit tests of tagging and its sinks.
#[cfg(test)]
pub(crate) fn shipped_model() -> Model {
    Model::from_bytes(
        include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/models/default.model")),
        std::path::Path::new("default.model"),
    )
    .unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Records the batches it gets; fails on the batch numbered `fail_at`, if any.
    struct Recorder {
        batches: Vec<Vec<PathBuf>>,
        fail_at: Option<usize>,
    }

    impl Sink for Recorder {
        fn add(&mut self, outcomes: Vec<Outcome>) -> Result<()> {
            if self.fail_at == Some(self.batches.len()) {
                return Err(Error::Report {
                    path: "sink".into(),
                    message: "full".into(),
                });
            }
            self.batches
                .push(outcomes.iter().map(|o| o.path().to_path_buf()).collect());
            Ok(())
        }
    }

    fn inputs(n: usize) -> Vec<Input> {
        (0..n)
            .map(|i| Input::Skipped(PathBuf::from(format!("f{i}")), "not a policy".into()))
            .collect()
    }

    #[test]
    fn the_sink_gets_every_input_in_order_in_batches() {
        let model = shipped_model();
        let inputs = inputs(2 * BATCH_FILES + 3);
        let calls = std::sync::atomic::AtomicUsize::new(0);
        let mut seen = Vec::new();
        let sink = tag_into(
            &model,
            &inputs,
            &TagOptions::default(),
            &|| {
                calls.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            },
            &mut |o| seen.push(o.len()),
            Recorder {
                batches: Vec::new(),
                fail_at: None,
            },
        )
        .unwrap();
        assert_eq!(calls.into_inner(), inputs.len());
        assert_eq!(seen, [BATCH_FILES, BATCH_FILES, 3]);
        let got: Vec<PathBuf> = sink.batches.concat();
        let want: Vec<PathBuf> = inputs
            .iter()
            .map(|i| match i {
                Input::Skipped(p, _) => p.clone(),
                _ => unreachable!(),
            })
            .collect();
        assert_eq!(got, want);
        assert_eq!(sink.batches.len(), 3);
    }

    #[test]
    fn a_sink_error_stops_the_tagging_and_is_returned() {
        let model = shipped_model();
        let inputs = inputs(10 * BATCH_FILES);
        let mut tagged = 0;
        let err = tag_into(
            &model,
            &inputs,
            &TagOptions::default(),
            &|| {},
            &mut |_| tagged += 1,
            Recorder {
                batches: Vec::new(),
                fail_at: Some(0),
            },
        )
        .err()
        .expect("the sink's error");
        assert_eq!(err.to_string(), "sink: full");
        // The first batch fails; at most one more waits in the channel and one more is tagged
        // before the closed channel stops the loop.
        assert!((1..=3).contains(&tagged), "{tagged} batches tagged");
    }
}
