//! Importer for the official OPP-115 v1.0 release layout.
//!
//! Users who hold the corpus (it is not shipped with this project: its terms allow research,
//! teaching and scholarship only) can turn it into labelled rows for training with
//! [`import_opp115`] and save them with [`write_csv`].
//!
//! # Input layout
//!
//! The release root holds two folders:
//!
//! * `sanitized_policies/<id>_<domain>.html`: one policy per file, its segments separated by
//!   `|||`. The segment id is the 0-based position of the segment in the file.
//! * `annotations/<id>_<domain>.csv`: no header, one row per practice entered by one annotator,
//!   with the columns annotation id, batch id, annotator id, internal policy id, segment id,
//!   category, attribute-value JSON, date and url. Every attribute object of the JSON may carry
//!   a highlighted span: `selectedText`, `startIndexInSegment` and `endIndexInSegment`.
//!
//! The `policy_id` of a row is the number at the start of the file name and `company` the
//! domain after the first `_` (`1017_sci-news.com.html` → `1017`, `sci-news.com`). The policy
//! id column inside the annotation files is an internal tool id and is not used.
//!
//! # Text
//!
//! A segment's text is its HTML with tags removed (block tags such as `<br>`, `<li>`, `<p>` and
//! `<strong>` act as a space, inline tags such as `<a>` or `<em>` as nothing), character
//! references unescaped and all whitespace collapsed to single spaces. Empty segments give no
//! row.
//!
//! # Labels (majority rule)
//!
//! * **Segment:** a category is a label when at least 2 distinct annotator ids entered at least
//!   one practice of it in the segment (a practice entered twice by the same annotator counts
//!   once).
//! * **Sentence:** an annotator votes for category C on a sentence when a highlighted span of
//!   one of that annotator's C practices in the segment overlaps the sentence by at least one
//!   character; the sentence gets C when at least 2 distinct annotators vote for it.
//!
//! Span offsets are character offsets into the raw segment HTML. Each clean character remembers
//! the raw offset it came from, so a span `[start, end)` covers the clean characters whose raw
//! offset falls inside it. A span is trusted when the cleaned raw slice equals its cleaned
//! `selectedText`; otherwise (wrong offsets, missing offsets, offsets of -1) the cleaned
//! `selectedText` is searched for in the segment text and the occurrence nearest to the given
//! start is used. A span whose text cannot be found is ignored with a warning (sentence level
//! only). Attributes without a span (no `selectedText`, or the placeholders `null` and
//! `Not selected` that the corpus uses with offsets -1) give no sentence votes.
//!
//! Labels are listed in the fixed OPP-115 order ([`crate::labels::OPP115`]).
//!
//! # Attribute labels
//!
//! Every row also gets the attribute values of OPP-115's practices ([`ImportedRow::attributes`],
//! written as a column `attributes` by [`write_csv_with_attributes`]), as `Family: Value`
//! items, e.g. `Personal Information Type: Location`:
//!
//! * every attribute family of every practice counts, whatever the practice's category;
//! * the values `Unspecified`, `not-selected`, `Other`, `null` and empty are dropped (compared
//!   case-insensitively);
//! * case variants of a value within a family are one value, spelled as its most frequent form
//!   over the whole release, counting every attribute of every annotation row (on a tie, the
//!   first form in plain string order);
//! * **segment:** a value holds when at least 2 distinct annotators gave it to a practice in the
//!   segment;
//! * **sentence:** a value holds when at least 2 distinct annotators gave it with a span (the
//!   attribute's own `selectedText`, placed as above) that overlaps the sentence;
//! * a row's values are sorted in plain string order.
//!
//! # Sentences
//!
//! Every block tag ends a sentence, so headings and list items stand alone; inside a line,
//! terminal punctuation followed by a capital letter or a digit ends one, except after an
//! abbreviation, an initial or a list marker (the full rules are in `split.rs`). The importer
//! has its own splitter, not the product's (`sentences::split`), on purpose: it reproduces
//! the rules the shared OPP-115 CSVs were made with (`../shared/opp115/README.md`, "Sentence
//! splitter"), so that `classify import opp115` gives `../shared/opp115/sentences.csv` byte for
//! byte, while the product's splitter, tuned for real policy files, stays free to change.
//!
//! # Words and files
//!
//! A **segment** is the corpus's own unit (its paragraph, as the annotators saw it): the
//! `segment_id` of the rows. A **practice** is one annotation row: one annotator's category
//! for one segment, with the spans highlighted for its attributes.
//!
//! * `mod.rs` (this file): [`import_opp115`], the majority rule and the rows, [`write_csv`].
//! * `raw.rs`: reading the release: file pairs, policy text, annotation rows, attribute JSON.
//! * `segment.rs`: a segment's HTML → clean text with a map back to raw offsets.
//! * `split.rs`: the importer's sentence splitter (see above).
//! * `spans.rs`: placing highlighted spans in the clean text, and span → sentence hits: "which
//!   annotator highlighted what, for which practice and attribute", read by the category and
//!   the attribute votes alike.
//! * `attributes.rs`: which attribute values count, and their spelling.

mod attributes;
mod raw;
mod segment;
mod spans;
mod split;

use crate::error::{Error, Result};
use crate::labels::OPP115;
use attributes::{value_key, Spellings, ValueKey};
use raw::{Attribute, Practice};
use segment::Segment;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The granularity of imported rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Level {
    /// One row per sentence of every segment, labelled from the annotators' highlighted spans.
    Sentence,
    /// One row per segment, labelled from the annotators' practices.
    Segment,
}

/// One labelled row of the imported corpus.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedRow {
    /// The OPP-115 policy id: the number at the start of the policy's file name.
    pub policy_id: String,
    /// The domain part of the policy's file name, e.g. `amazon.com`.
    pub company: String,
    /// The 0-based position of the segment in its policy.
    pub segment_id: usize,
    /// The 0-based position of the sentence within its segment (`None` at segment level).
    pub sentence_index: Option<usize>,
    /// The segment or sentence text: tags removed, entities unescaped, whitespace collapsed.
    pub text: String,
    /// The categories that passed the majority rule, in the fixed OPP-115 order.
    pub labels: Vec<String>,
    /// The attribute values that passed the majority rule, as `Family: Value`, in plain string
    /// order (see "Attribute labels" in the [module documentation](self)).
    pub attributes: Vec<String>,
}

/// The result of [`import_opp115`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// The labelled rows, ordered by numeric policy id, then segment, then sentence.
    pub rows: Vec<ImportedRow>,
    /// How many policies were imported.
    pub policies: usize,
    /// Problems that did not stop the import (skipped files, spans that could not be placed,
    /// ...), one line each, for the caller to show.
    pub warnings: Vec<String>,
}

/// Distinct annotators needed for a label.
const MIN_ANNOTATORS: usize = 2;

/// Reads the OPP-115 release at `dir` (the folder holding `sanitized_policies/` and
/// `annotations/`) and labels every segment or sentence by the majority rule described in the
/// [module documentation](self).
///
/// A policy without an annotation file (or the other way round), or a file whose name does not
/// start with a numeric policy id, is skipped with a warning.
///
/// # Errors
///
/// [`Error::Input`] when a folder is missing, a folder or file cannot be read, or no policy is
/// found; [`Error::Csv`] (with the file and the 1-based line) for a malformed annotation row:
/// too few columns, a non-numeric or out-of-range segment id, an unknown category, an empty
/// annotator id or invalid attribute JSON.
pub fn import_opp115(dir: &Path, level: Level) -> Result<ImportReport> {
    let mut report = ImportReport::default();
    let policies = raw::find_policies(dir, &mut report.warnings)?;
    // The attribute values of each row, spelled once the whole release has been counted.
    let mut row_values: Vec<Vec<ValueKey>> = Vec::new();
    let mut spellings = Spellings::default();
    for p in &policies {
        let text = raw::read_text(&p.html, &mut report.warnings)?;
        let segments: Vec<Segment> = text.split("|||").map(Segment::new).collect();
        let practices = raw::read_annotations(&p.csv, segments.len())?;
        spellings.count(&practices);
        label_policy(
            &p.id,
            &p.company,
            &segments,
            &practices,
            level,
            &mut report,
            &mut row_values,
        );
        report.policies += 1;
    }
    for (row, values) in report.rows.iter_mut().zip(&row_values) {
        row.attributes = spellings.labels(values);
    }
    Ok(report)
}

/// Writes `rows` as UTF-8 CSV (comma-separated, quoted only when needed, `\n` line ends) to
/// `out`, atomically (see [`crate::io::write_atomic`]).
///
/// The header is `policy_id,company,segment_id,sentence_index,text,labels` for
/// [`Level::Sentence`] and `policy_id,company,segment_id,text,labels` for [`Level::Segment`];
/// labels are joined with `;`, an empty field meaning no label.
///
/// # Errors
///
/// [`Error::Io`] when the file cannot be written, [`Error::Report`] when the CSV cannot be
/// built.
pub fn write_csv(rows: &[ImportedRow], level: Level, out: &Path) -> Result<()> {
    write_rows(rows, level, false, out)
}

/// Like [`write_csv`], with one more column, `attributes`, after `labels`: the row's
/// [`ImportedRow::attributes`] joined with `;`, an empty field meaning none.
///
/// # Errors
///
/// As [`write_csv`].
pub fn write_csv_with_attributes(rows: &[ImportedRow], level: Level, out: &Path) -> Result<()> {
    write_rows(rows, level, true, out)
}

fn write_rows(rows: &[ImportedRow], level: Level, attributes: bool, out: &Path) -> Result<()> {
    let report_err = |e: csv::Error| Error::Report {
        path: out.to_path_buf(),
        message: format!("cannot build the CSV: {e}"),
    };
    let sentences = level == Level::Sentence;
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let mut header = vec!["policy_id", "company", "segment_id"];
    header.extend(sentences.then_some("sentence_index"));
    header.extend(["text", "labels"]);
    header.extend(attributes.then_some("attributes"));
    w.write_record(&header).map_err(report_err)?;
    for r in rows {
        let mut record = vec![
            r.policy_id.clone(),
            r.company.clone(),
            r.segment_id.to_string(),
        ];
        if sentences {
            record.push(r.sentence_index.map(|i| i.to_string()).unwrap_or_default());
        }
        record.extend([r.text.clone(), r.labels.join(";")]);
        if attributes {
            record.push(r.attributes.join(";"));
        }
        w.write_record(&record).map_err(report_err)?;
    }
    let bytes = w.into_inner().map_err(|e| Error::Report {
        path: out.to_path_buf(),
        message: format!("cannot build the CSV: {}", e.error()),
    })?;
    crate::io::write_atomic(out, &bytes)
}

/// What a vote is for. Categories sort first, in the fixed OPP-115 order.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Label {
    /// A category, as an index into [`OPP115`].
    Category(usize),
    /// An attribute value.
    Attribute(ValueKey),
}

/// A row's place in its policy: the segment and, at sentence level, the sentence index.
type Unit = (usize, Option<usize>);

/// (row, label) → the distinct annotators who voted for the label on the row.
type Votes<'a> = BTreeMap<(Unit, Label), BTreeSet<&'a str>>;

/// The votes of practice `p`'s annotator at `unit`: for its category and for the (not dropped)
/// values of `attributes`.
fn vote<'a>(
    votes: &mut Votes<'a>,
    unit: Unit,
    p: &'a Practice,
    attributes: impl IntoIterator<Item = &'a Attribute>,
) {
    let values = attributes.into_iter().filter_map(value_key);
    let labels = std::iter::once(Label::Category(p.category)).chain(values.map(Label::Attribute));
    for label in labels {
        votes.entry((unit, label)).or_default().insert(&p.annotator);
    }
}

/// Adds the rows of one policy to `report`, labelled by the majority rule, and their attribute
/// values (to be spelled) to `row_values`, one entry per row.
fn label_policy(
    policy_id: &str,
    company: &str,
    segments: &[Segment],
    practices: &[Practice],
    level: Level,
    report: &mut ImportReport,
    row_values: &mut Vec<Vec<ValueKey>>,
) {
    let mut votes = Votes::new();
    match level {
        Level::Segment => {
            for p in practices {
                vote(&mut votes, (p.segment, None), p, &p.attributes);
            }
        }
        Level::Sentence => {
            let placed = spans::place_spans(policy_id, segments, practices, &mut report.warnings);
            for (g, i, s) in spans::sentence_hits(segments, &placed) {
                vote(&mut votes, (g, Some(i)), s.practice, [s.attribute]);
            }
        }
    }
    let mut passed: BTreeMap<Unit, Vec<Label>> = BTreeMap::new();
    for ((unit, label), annotators) in votes {
        if annotators.len() >= MIN_ANNOTATORS {
            passed.entry(unit).or_default().push(label);
        }
    }

    for (sid, seg) in segments.iter().enumerate() {
        if seg.text.is_empty() {
            continue;
        }
        let units: Vec<(Option<usize>, String)> = match level {
            Level::Segment => vec![(None, seg.text.clone())],
            Level::Sentence => (seg.sentences.iter().enumerate())
                .map(|(i, s)| (Some(i), seg.chars[s.clone()].iter().collect()))
                .collect(),
        };
        for (sentence_index, text) in units {
            let (mut labels, mut values) = (Vec::new(), Vec::new());
            for label in passed.remove(&(sid, sentence_index)).unwrap_or_default() {
                match label {
                    Label::Category(c) => labels.push(OPP115[c].to_string()),
                    Label::Attribute(key) => values.push(key),
                }
            }
            report.rows.push(ImportedRow {
                policy_id: policy_id.to_string(),
                company: company.to_string(),
                segment_id: sid,
                sentence_index,
                text,
                labels,
                attributes: Vec::new(),
            });
            row_values.push(values);
        }
    }
}
