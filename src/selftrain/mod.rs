//! Self-training: learn from unlabelled policies. A model trained on the labelled rows tags
//! the unlabelled policies; the sentences it is confident about become training rows; the
//! model is trained again on both, and the round repeats.
//!
//! Confidence is per label and measured, not assumed: the threshold folds' held-out
//! probabilities of the *labelled* rows give each label a cut-off above which the held-out
//! precision reached `confidence`, and one below which at most `1 − confidence` of its
//! positives fell ([`select::CutOffs`]). A sentence is taken only when every label is beyond
//! one of its cut-offs; each label adds at most `cap_ratio` times its labelled rows, the most
//! confident first ([`select::choose`]). Each round replaces the previous round's rows: the
//! rows are always those the latest model is sure of, never an accumulation.
//!
//! Documents in another language than English, and those of excluded companies (e.g. those
//! of a test set), are never tagged for training. Nothing is written: the rows live in memory.

pub mod select;

use crate::data::LabelledData;
use crate::error::{Error, Result};
use crate::model::{Model, SelfTrainingInfo, TrainStage, ValidTrainParams};
use crate::predict::{self, Outcome, Sink, Skip, TagOptions};
use crate::text::Input;
use select::{Candidate, CutOffs};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::{BTreeSet, HashSet};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Self-training parameters as given (see [`SelfTrainParams::check`]).
#[derive(Debug, Clone, PartialEq)]
pub struct SelfTrainParams {
    /// Rounds of tag → select → retrain.
    pub rounds: usize,
    /// Held-out precision a label's presence cut-off must reach; `1 − confidence` is the share
    /// of its held-out positives allowed below its absence cut-off.
    pub confidence: f32,
    /// Per label, at most this many times its labelled rows are added (and as many times the
    /// rows without a label, for sentences without one).
    pub cap_ratio: f32,
    /// Shortest sentence taken, in characters (fragments and headings teach little).
    pub min_chars: usize,
}

impl Default for SelfTrainParams {
    fn default() -> Self {
        SelfTrainParams {
            rounds: 1,
            confidence: 0.95,
            cap_ratio: 0.5,
            min_chars: 20,
        }
    }
}

/// Checked [`SelfTrainParams`].
#[derive(Debug, Clone, PartialEq)]
pub struct ValidSelfTrainParams(SelfTrainParams);

impl ValidSelfTrainParams {
    /// The parameters.
    pub fn get(&self) -> &SelfTrainParams {
        &self.0
    }
}

impl SelfTrainParams {
    /// Checks the ranges: 1–10 rounds, confidence in [0.5, 1), a positive finite cap ratio.
    pub fn check(&self) -> Result<ValidSelfTrainParams> {
        let bad = |m: String| Err(Error::Params(m));
        if !(1..=10).contains(&self.rounds) {
            return bad(format!(
                "self-training rounds must be 1 to 10, got {}",
                self.rounds
            ));
        }
        if !(0.5..1.0).contains(&self.confidence) {
            return bad(format!(
                "self-training confidence must be at least 0.5 and below 1, got {}",
                self.confidence
            ));
        }
        if !(self.cap_ratio.is_finite() && self.cap_ratio > 0.0) {
            return bad(format!(
                "self-training cap must be a positive number, got {}",
                self.cap_ratio
            ));
        }
        Ok(ValidSelfTrainParams(self.clone()))
    }
}

/// The unlabelled policies to learn from.
#[derive(Debug, Clone, Copy)]
pub struct Unlabelled<'a> {
    /// The inputs (from [`crate::text::expand_inputs`]).
    pub inputs: &'a [Input],
    /// How they are read and split (non-English documents are always skipped).
    pub tag: &'a TagOptions,
    /// Companies (lower case) whose documents are left out, e.g. those of a test set.
    pub exclude_companies: &'a BTreeSet<String>,
}

/// Progress of self-training.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SelfTrainStage {
    /// Training in round `.0` (0: on the labelled rows alone).
    Training(usize, TrainStage),
    /// Tagging in round `.0`: `.1` of `.2` inputs done.
    Tagging(usize, usize, usize),
}

/// What one round did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Round {
    /// 1-based round.
    pub round: usize,
    /// The cut-offs used (from the previous model's held-out predictions).
    pub cut_offs: CutOffs,
    /// Distinct new sentences every label of which was decided beyond its cut-offs.
    pub confident: usize,
    /// Rows added per label (a row counts for its rarest label), then rows without a label.
    pub added: Vec<usize>,
}

impl Round {
    /// Rows added in all.
    pub fn total(&self) -> usize {
        self.added.iter().sum()
    }
}

/// An input that was not used, and why.
#[derive(Debug)]
pub enum Unused {
    /// Read, but skipped (not a policy file, nothing to read, not English, excluded company).
    Skipped(PathBuf, String),
    /// Could not be read.
    Failed(PathBuf, Error),
}

/// A self-trained model and the account of how it was made.
#[derive(Debug)]
pub struct SelfTrained {
    /// The last round's model.
    pub model: Model,
    /// One entry per round.
    pub rounds: Vec<Round>,
    /// Documents tagged in every round.
    pub documents: usize,
    /// Sentences in those documents.
    pub sentences: usize,
    /// Every input not used (each input is tagged, or here).
    pub unused: Vec<Unused>,
}

/// Trains on `data`, then runs the rounds of self-training over `unlabelled`. Fails when
/// the labelled data is too small for threshold folds (there is then no held-out measure of
/// confidence) or when no unlabelled document could be tagged.
pub fn self_train(
    data: &LabelledData,
    params: &ValidTrainParams,
    st: &ValidSelfTrainParams,
    unlabelled: Unlabelled<'_>,
    progress: &(dyn Fn(SelfTrainStage) + Sync),
) -> Result<SelfTrained> {
    let st = st.get();
    let n = data.len();
    let (mut model, mut held) =
        Model::fit_held_out(data, params, &|s| progress(SelfTrainStage::Training(0, s)))?;
    let labelled_texts: HashSet<&str> = data.texts.iter().map(String::as_str).collect();
    let labelled_counts = model.training().label_counts.clone();
    let labelled_none = data.labels.iter().filter(|l| l.is_empty()).count();
    let mut rounds = Vec::new();
    let mut last = None;
    for round in 1..=st.rounds {
        let Some(h) = held.as_ref() else {
            return Err(Error::Train(
                "self-training needs held-out predictions to measure confidence, and this data is too small for threshold folds: add labelled policies".into(),
            ));
        };
        let rows: Vec<usize> = (0..n).collect();
        let cut_offs = CutOffs::choose(
            &h.probabilities.select(&rows),
            &h.gold.select(&rows),
            model.thresholds(),
            st.confidence,
        );
        let mut collected = collect(
            &model,
            &cut_offs,
            unlabelled,
            &labelled_texts,
            st,
            &|d, t| progress(SelfTrainStage::Tagging(round, d, t)),
        )?;
        let candidates = std::mem::take(&mut collected.candidates);
        let confident = candidates.len();
        let (kept, added) =
            select::choose(candidates, &labelled_counts, labelled_none, st.cap_ratio);
        let combined = with_rows(data, &model, &kept, &collected.companies);
        let (next, next_held) = Model::fit_held_out(&combined, params, &|s| {
            progress(SelfTrainStage::Training(round, s))
        })?;
        rounds.push(Round {
            round,
            cut_offs,
            confident,
            added,
        });
        model = next;
        held = next_held;
        last = Some(collected);
    }
    // The inputs are the same in every round: the last pass accounts for them.
    let last = last.expect("at least one round");
    model.set_self_training(SelfTrainingInfo {
        rounds: st.rounds,
        documents: last.documents,
        documents_sha256: last.sha256,
        rows_per_round: rounds.iter().map(Round::total).collect(),
        confidence: st.confidence,
        cap_ratio: st.cap_ratio,
    });
    Ok(SelfTrained {
        model,
        rounds,
        documents: last.documents,
        sentences: last.sentences,
        unused: last.unused,
    })
}

/// What one tagging pass found.
struct Collected {
    candidates: Vec<Candidate>,
    /// Company of each tagged document (by document number).
    companies: Vec<String>,
    documents: usize,
    sentences: usize,
    sha256: String,
    unused: Vec<Unused>,
}

/// The sink of a tagging pass: keeps the confident sentences (first occurrence of a text in
/// input order), hashes the documents' texts, and accounts for every input.
struct Collector<'a> {
    model: &'a Model,
    cut_offs: &'a CutOffs,
    exclude: &'a BTreeSet<String>,
    labelled: &'a HashSet<&'a str>,
    min_chars: usize,
    seen: HashSet<String>,
    hash: Sha256,
    out: Collected,
}

impl Sink for Collector<'_> {
    fn add(&mut self, outcomes: Vec<Outcome>) -> Result<()> {
        for o in outcomes {
            let d = match o {
                Outcome::Tagged(d) => d,
                Outcome::Skipped(p, Skip::NotEnglish(language)) => {
                    // Not the user's flag here: self-training always leaves these out.
                    let why = format!(
                        "written in {language}, not English (self-training reads English policies only)"
                    );
                    self.out.unused.push(Unused::Skipped(p, why));
                    continue;
                }
                Outcome::Skipped(p, why) => {
                    self.out.unused.push(Unused::Skipped(p, why.to_string()));
                    continue;
                }
                Outcome::Failed(p, e) => {
                    self.out.unused.push(Unused::Failed(p, e));
                    continue;
                }
            };
            if self.exclude.contains(&d.company.to_lowercase()) {
                let why = format!("company {} is excluded", d.company);
                self.out.unused.push(Unused::Skipped(d.path, why));
                continue;
            }
            let doc = self.out.companies.len();
            self.hash.update((d.text.len() as u64).to_le_bytes());
            self.hash.update(d.text.as_bytes());
            self.out.documents += 1;
            self.out.sentences += d.sentences.len();
            for s in d.sentences {
                if s.heading
                    || s.text.chars().count() < self.min_chars
                    || self.labelled.contains(s.text.as_str())
                    || self.seen.contains(&s.text)
                {
                    continue;
                }
                let Some((labels, confidence)) = self.cut_offs.decide(&s.probs) else {
                    continue;
                };
                self.seen.insert(s.text.clone());
                // The attribute values the model gives the same sentence (gated by its labels).
                let attributes = match self.model.attributes() {
                    Some(head) => head.decide(&s.attribute_probs, &labels),
                    None => Vec::new(),
                };
                self.out.candidates.push(Candidate {
                    text: s.text,
                    labels,
                    attributes,
                    confidence,
                    doc,
                    block: s.block,
                    index: s.index,
                });
            }
            self.out.companies.push(d.company);
        }
        Ok(())
    }
}

/// Tags every unlabelled input with `model` and collects the confident sentences.
fn collect(
    model: &Model,
    cut_offs: &CutOffs,
    u: Unlabelled<'_>,
    labelled: &HashSet<&str>,
    st: &SelfTrainParams,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Collected> {
    let opts = TagOptions {
        skip_non_english: true,
        ..u.tag.clone()
    };
    let sink = Collector {
        model,
        cut_offs,
        exclude: u.exclude_companies,
        labelled,
        min_chars: st.min_chars,
        seen: HashSet::new(),
        hash: Sha256::new(),
        out: Collected {
            candidates: Vec::new(),
            companies: Vec::new(),
            documents: 0,
            sentences: 0,
            sha256: String::new(),
            unused: Vec::new(),
        },
    };
    let done = AtomicUsize::new(0);
    let total = u.inputs.len();
    let tick = || progress(done.fetch_add(1, Ordering::Relaxed) + 1, total);
    let sink = predict::tag_into(model, u.inputs, &opts, &tick, &mut |_| {}, sink)?;
    let mut out = sink.out;
    if out.documents == 0 {
        return Err(Error::Train(format!(
            "self-training found no unlabelled document to tag among {total} inputs: give folders of English policies (.txt, .html, .pdf)"
        )));
    }
    out.sha256 = format!("{:x}", sink.hash.finalize());
    Ok(out)
}

/// The labelled rows followed by the kept candidates as rows: the model's labels and
/// attribute values, one fold group (and `policy_id`) per document so that a document's
/// sentences share a fold, and its block as `segment_id` so that they keep their paragraph.
fn with_rows(
    data: &LabelledData,
    model: &Model,
    kept: &[Candidate],
    companies: &[String],
) -> LabelledData {
    let mut out = data.clone();
    let names = model.labels();
    let attribute_names = model.attributes().map(|a| a.names()).unwrap_or(&[]);
    for c in kept {
        let group = format!("self-training document {}", c.doc);
        out.texts.push(c.text.clone());
        out.labels
            .push(c.labels.iter().map(|&l| names[l].clone()).collect());
        if data.has_attributes() {
            out.attributes.push(
                c.attributes
                    .iter()
                    .map(|&v| attribute_names[v].clone())
                    .collect(),
            );
        }
        out.company.push(companies[c.doc].clone());
        out.fold_group.push(group.clone());
        out.policy_id.push(Some(group));
        out.segment_id.push(Some(c.block.to_string()));
    }
    out
}
