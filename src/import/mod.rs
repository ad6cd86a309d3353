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
//! # Sentences
//!
//! Every block tag ends a sentence, so headings and list items stand alone. Inside a line, a
//! sentence ends at a run of `.`, `!` or `?` (plus closing quotes or brackets) when whitespace
//! and then a capital letter, a digit, or one opening quote or bracket followed by one of these
//! follow (a dash bullet in between is allowed). A run of periods does not end a sentence after
//! a common abbreviation (`Inc.`, `No.`, `Dr.`, `Jan.`, ...), a dotted initialism (`U.S.`,
//! `e.g.`, `i.e.`), a single-letter initial, or a list marker such as `1.` or `iv.` at the start
//! of the sentence.

use crate::error::{Error, Result};
use crate::labels::OPP115;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

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

/// The columns an annotation row must have (the official files have 9).
const MIN_COLUMNS: usize = 7;

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
    let policies_dir = dir.join("sanitized_policies");
    let annotations_dir = dir.join("annotations");
    for d in [&policies_dir, &annotations_dir] {
        if !d.is_dir() {
            return Err(Error::Input {
                path: d.clone(),
                message: format!(
                    "folder not found; pass the root of the OPP-115 v1.0 release (the folder that \
                     holds sanitized_policies/ and annotations/), not {}",
                    dir.display()
                ),
            });
        }
    }

    let mut report = ImportReport::default();
    let html_files = list_files(&policies_dir, "html")?;
    let csv_files = list_files(&annotations_dir, "csv")?;
    let csv_by_stem: HashMap<String, PathBuf> = csv_files
        .iter()
        .filter_map(|p| Some((file_stem(p)?, p.clone())))
        .collect();

    let mut policies: Vec<(u64, String, String, PathBuf, PathBuf)> = Vec::new();
    let html_stems: BTreeSet<String> = html_files.iter().filter_map(|p| file_stem(p)).collect();
    for html in &html_files {
        let Some(stem) = file_stem(html) else {
            continue;
        };
        let Some((id, company)) = parse_policy_name(&stem) else {
            report.warnings.push(format!(
                "{}: skipped: the file name does not start with a numeric policy id and `_` \
                 (expected e.g. 1017_sci-news.com.html)",
                html.display()
            ));
            continue;
        };
        let Some(csv) = csv_by_stem.get(&stem) else {
            report.warnings.push(format!(
                "{}: skipped: no annotation file {stem}.csv in {}",
                html.display(),
                annotations_dir.display()
            ));
            continue;
        };
        let num: u64 = id.parse().unwrap_or(u64::MAX);
        policies.push((num, id, company, html.clone(), csv.clone()));
    }
    for csv in &csv_files {
        if file_stem(csv).is_some_and(|s| !html_stems.contains(&s)) {
            report.warnings.push(format!(
                "{}: ignored: no policy file with the same name in {}",
                csv.display(),
                policies_dir.display()
            ));
        }
    }
    if policies.is_empty() {
        return Err(Error::Input {
            path: policies_dir,
            message: "no policy to import: expected <id>_<domain>.html files with matching \
                      annotations/<id>_<domain>.csv files"
                .into(),
        });
    }
    policies.sort_by(|a, b| (a.0, &a.3).cmp(&(b.0, &b.3)));

    for (_, id, company, html, csv) in &policies {
        let raw = read_text(html, &mut report.warnings)?;
        let segments: Vec<Segment> = raw.split("|||").map(Segment::new).collect();
        let practices = read_annotations(csv, segments.len())?;
        label_policy(id, company, &segments, &practices, level, &mut report);
        report.policies += 1;
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
    let report_err = |e: csv::Error| Error::Report {
        path: out.to_path_buf(),
        message: format!("cannot build the CSV: {e}"),
    };
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    match level {
        Level::Sentence => w.write_record([
            "policy_id",
            "company",
            "segment_id",
            "sentence_index",
            "text",
            "labels",
        ]),
        Level::Segment => w.write_record(["policy_id", "company", "segment_id", "text", "labels"]),
    }
    .map_err(report_err)?;
    for r in rows {
        let segment_id = r.segment_id.to_string();
        let labels = r.labels.join(";");
        match level {
            Level::Sentence => {
                let index = r.sentence_index.map(|i| i.to_string()).unwrap_or_default();
                w.write_record([
                    r.policy_id.as_str(),
                    &r.company,
                    &segment_id,
                    &index,
                    &r.text,
                    &labels,
                ])
            }
            Level::Segment => w.write_record([
                r.policy_id.as_str(),
                &r.company,
                &segment_id,
                &r.text,
                &labels,
            ]),
        }
        .map_err(report_err)?;
    }
    let bytes = w.into_inner().map_err(|e| Error::Report {
        path: out.to_path_buf(),
        message: format!("cannot build the CSV: {}", e.error()),
    })?;
    crate::io::write_atomic(out, &bytes)
}

// ---------------------------------------------------------------------------------------------
// Files

/// The files of `dir` whose extension is `ext` (case-insensitive), sorted by path.
fn list_files(dir: &Path, ext: &str) -> Result<Vec<PathBuf>> {
    let unreadable = |e: std::io::Error| Error::Input {
        path: dir.to_path_buf(),
        message: format!("cannot list the folder ({e}); check that it is readable"),
    };
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(unreadable)? {
        let path = entry.map_err(unreadable)?.path();
        let matches = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case(ext));
        if matches && path.is_file() {
            out.push(path);
        }
    }
    out.sort();
    Ok(out)
}

fn file_stem(p: &Path) -> Option<String> {
    p.file_stem().and_then(|s| s.to_str()).map(str::to_string)
}

/// `1017_sci-news.com` → (`1017`, `sci-news.com`).
fn parse_policy_name(stem: &str) -> Option<(String, String)> {
    let (id, company) = stem.split_once('_')?;
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) || company.is_empty() {
        return None;
    }
    Some((id.to_string(), company.to_string()))
}

/// Reads a text file as UTF-8 (without BOM); a file that is not UTF-8 is decoded as
/// Windows-1252 with a warning.
fn read_text(path: &Path, warnings: &mut Vec<String>) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| Error::Input {
        path: path.to_path_buf(),
        message: format!("cannot read the file ({e}); check that it exists and is readable"),
    })?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_string()),
        Err(_) => {
            warnings.push(format!(
                "{}: not valid UTF-8, decoded as Windows-1252",
                path.display()
            ));
            Ok(encoding_rs::WINDOWS_1252.decode(bytes).0.into_owned())
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Annotations

/// One highlighted span of a practice.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Span {
    text: String,
    start: Option<i64>,
    end: Option<i64>,
}

/// One practice entered by one annotator.
#[derive(Debug, Clone)]
struct Practice {
    annotator: String,
    segment: usize,
    category: usize,
    spans: Vec<Span>,
    line: u64,
}

/// Reads and checks one annotation file.
fn read_annotations(path: &Path, n_segments: usize) -> Result<Vec<Practice>> {
    let file = std::fs::File::open(path).map_err(|e| Error::Input {
        path: path.to_path_buf(),
        message: format!("cannot read the file ({e}); check that it exists and is readable"),
    })?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(std::io::BufReader::new(file));
    let mut out = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        let line_before = reader.position().line();
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(line_before, |p| p.line());
                return Err(Error::Csv {
                    path: path.to_path_buf(),
                    line,
                    message: format!("cannot read the annotation row ({e})"),
                });
            }
        }
        let line = record.position().map_or(line_before, |p| p.line());
        if record.len() == 1 && record[0].trim().is_empty() {
            continue;
        }
        let bad = |message: String| Error::Csv {
            path: path.to_path_buf(),
            line,
            message,
        };
        if record.len() < MIN_COLUMNS {
            return Err(bad(format!(
                "{} columns, expected 9 (annotation id, batch id, annotator id, policy id, \
                 segment id, category, attribute JSON, date, url); is this an OPP-115 \
                 annotations/ file?",
                record.len()
            )));
        }
        let annotator = record[2].trim();
        if annotator.is_empty() {
            return Err(bad("empty annotator id (column 3)".into()));
        }
        let segment: usize = record[4].trim().parse().map_err(|_| {
            bad(format!(
                "segment id (column 5) `{}` is not a non-negative integer",
                &record[4]
            ))
        })?;
        if segment >= n_segments {
            return Err(bad(format!(
                "segment id {segment} but the policy has {n_segments} segments; check that the \
                 annotation file belongs to the policy file of the same name"
            )));
        }
        let name = record[5].trim();
        let Some(category) = OPP115.iter().position(|c| *c == name) else {
            let hint = crate::labels::closest(name, OPP115)
                .map(|c| format!(" (did you mean `{c}`?)"))
                .unwrap_or_default();
            return Err(bad(format!(
                "unknown category `{name}` (column 6){hint}; expected one of the 10 OPP-115 \
                 categories"
            )));
        };
        let spans = parse_spans(&record[6])
            .map_err(|m| bad(format!("attribute-value JSON (column 7): {m}")))?;
        out.push(Practice {
            annotator: annotator.to_string(),
            segment,
            category,
            spans,
            line,
        });
    }
    Ok(out)
}

/// The highlighted spans of a practice's attribute-value JSON. Attributes without a
/// `selectedText`, or with one of the corpus's placeholders (see [`is_placeholder`]), give no
/// span.
fn parse_spans(json: &str) -> std::result::Result<Vec<Span>, String> {
    let value: serde_json::Value =
        serde_json::from_str(json).map_err(|e| format!("not valid JSON ({e})"))?;
    let obj = value
        .as_object()
        .ok_or_else(|| "expected a JSON object of attributes".to_string())?;
    let index = |v: Option<&serde_json::Value>| -> Option<i64> {
        match v? {
            serde_json::Value::Number(n) => n.as_i64(),
            serde_json::Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    };
    let mut spans = Vec::new();
    for attr in obj.values() {
        let Some(attr) = attr.as_object() else {
            continue;
        };
        let Some(text) = attr.get("selectedText").and_then(|t| t.as_str()) else {
            continue;
        };
        if is_placeholder(text) {
            continue;
        }
        spans.push(Span {
            text: text.to_string(),
            start: index(attr.get("startIndexInSegment")),
            end: index(attr.get("endIndexInSegment")),
        });
    }
    Ok(spans)
}

/// The corpus's stand-ins for "no span": empty text, `null`, `Not selected`.
fn is_placeholder(text: &str) -> bool {
    let t = text.trim();
    t.is_empty()
        || t.eq_ignore_ascii_case("null")
        || t.eq_ignore_ascii_case("not selected")
        || t.eq_ignore_ascii_case("not-selected")
}

// ---------------------------------------------------------------------------------------------
// Labelling

/// Adds the rows of one policy to `report`.
fn label_policy(
    policy_id: &str,
    company: &str,
    segments: &[Segment],
    practices: &[Practice],
    level: Level,
    report: &mut ImportReport,
) {
    // (segment, category) → annotators; (segment, sentence, category) → annotators.
    let mut seg_votes: BTreeMap<(usize, usize), BTreeSet<&str>> = BTreeMap::new();
    let mut sent_votes: BTreeMap<(usize, usize, usize), BTreeSet<&str>> = BTreeMap::new();
    let mut searched = 0usize;
    for p in practices {
        seg_votes
            .entry((p.segment, p.category))
            .or_default()
            .insert(&p.annotator);
        if level != Level::Sentence {
            continue;
        }
        let seg = &segments[p.segment];
        for span in &p.spans {
            let located = seg.locate(span);
            if matches!(located, Located::Searched(_)) {
                searched += 1;
            }
            match located {
                Located::Offsets(r) | Located::Searched(r) => {
                    for (i, s) in seg.sentences.iter().enumerate() {
                        if r.start < s.end && r.end > s.start {
                            sent_votes
                                .entry((p.segment, i, p.category))
                                .or_default()
                                .insert(&p.annotator);
                        }
                    }
                }
                Located::NotFound => report.warnings.push(format!(
                    "policy {policy_id}, segment {}, annotation line {}: selectedText \"{}\" is \
                     not in the segment; span ignored",
                    p.segment,
                    p.line,
                    shorten(&span.text, 60)
                )),
            }
        }
    }
    if searched > 0 {
        report.warnings.push(format!(
            "policy {policy_id}: {searched} span(s) had offsets that disagree with their \
             selectedText and were placed by searching for the text"
        ));
    }

    let labels_of = |votes: Option<&BTreeSet<&str>>, c: usize, out: &mut Vec<String>| {
        if votes.is_some_and(|v| v.len() >= MIN_ANNOTATORS) {
            out.push(OPP115[c].to_string());
        }
    };
    for (sid, seg) in segments.iter().enumerate() {
        if seg.text.is_empty() {
            continue;
        }
        match level {
            Level::Segment => {
                let mut labels = Vec::new();
                for c in 0..OPP115.len() {
                    labels_of(seg_votes.get(&(sid, c)), c, &mut labels);
                }
                report.rows.push(ImportedRow {
                    policy_id: policy_id.to_string(),
                    company: company.to_string(),
                    segment_id: sid,
                    sentence_index: None,
                    text: seg.text.clone(),
                    labels,
                });
            }
            Level::Sentence => {
                for (i, s) in seg.sentences.iter().enumerate() {
                    let mut labels = Vec::new();
                    for c in 0..OPP115.len() {
                        labels_of(sent_votes.get(&(sid, i, c)), c, &mut labels);
                    }
                    report.rows.push(ImportedRow {
                        policy_id: policy_id.to_string(),
                        company: company.to_string(),
                        segment_id: sid,
                        sentence_index: Some(i),
                        text: seg.chars[s.clone()].iter().collect(),
                        labels,
                    });
                }
            }
        }
    }
}

fn shorten(s: &str, max: usize) -> String {
    let s: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.chars().count() <= max {
        s
    } else {
        let mut t: String = s.chars().take(max).collect();
        t.push('…');
        t
    }
}

// ---------------------------------------------------------------------------------------------
// Segments: HTML → clean text with a map back to raw offsets, and sentences.

/// Where a span was placed, as a range of clean characters.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Located {
    /// The offsets agree with `selectedText`.
    Offsets(std::ops::Range<usize>),
    /// The offsets disagree (or are missing); the text was found by searching.
    Searched(std::ops::Range<usize>),
    /// The text is not in the segment.
    NotFound,
}

/// One segment of a policy.
#[derive(Debug, Clone)]
struct Segment {
    /// The raw HTML, as characters (span offsets count characters).
    raw: Vec<char>,
    /// The clean text, as characters.
    chars: Vec<char>,
    /// For each clean character, the raw offset it came from (non-decreasing).
    raw_pos: Vec<usize>,
    /// The clean text.
    text: String,
    /// Sentences as ranges of clean characters.
    sentences: Vec<std::ops::Range<usize>>,
}

impl Segment {
    fn new(html: &str) -> Segment {
        let raw: Vec<char> = html.chars().collect();
        let clean = clean_html(&raw);
        let text: String = clean.chars.iter().collect();
        let sentences = split_sentences(&clean.chars, &clean.breaks);
        Segment {
            raw,
            chars: clean.chars,
            raw_pos: clean.raw_pos,
            text,
            sentences,
        }
    }

    /// Places a span in the clean text (see the module documentation).
    fn locate(&self, span: &Span) -> Located {
        let wanted = clean_html(&span.text.chars().collect::<Vec<_>>()).chars;
        if wanted.is_empty() {
            return Located::NotFound;
        }
        let n = self.raw.len() as i64;
        if let (Some(s), Some(e)) = (span.start, span.end) {
            if 0 <= s && s < e && e <= n {
                let (s, e) = (s as usize, e as usize);
                if clean_html(&self.raw[s..e]).chars == wanted {
                    let a = self.raw_pos.partition_point(|&p| p < s);
                    let b = self.raw_pos.partition_point(|&p| p < e);
                    return Located::Offsets(a..b);
                }
            }
        }
        // Search: the occurrence nearest to the given start (first one without a start).
        let hint = span
            .start
            .filter(|&s| s >= 0)
            .map(|s| self.raw_pos.partition_point(|&p| p < s as usize));
        let mut best: Option<usize> = None;
        let m = wanted.len();
        if m <= self.chars.len() {
            for i in 0..=self.chars.len() - m {
                if self.chars[i..i + m] == wanted[..] {
                    let better = match (best, hint) {
                        (None, _) => true,
                        (Some(b), Some(h)) => i.abs_diff(h) < b.abs_diff(h),
                        (Some(_), None) => false,
                    };
                    if better {
                        best = Some(i);
                    }
                }
            }
        }
        match best {
            Some(i) => Located::Searched(i..i + m),
            None => Located::NotFound,
        }
    }
}

/// Clean text of an HTML fragment.
#[derive(Debug, Default)]
struct Clean {
    chars: Vec<char>,
    raw_pos: Vec<usize>,
    /// Clean offsets at which a block tag occurred (line boundaries).
    breaks: Vec<usize>,
}

/// Tags that do not break a line (they are removed without leaving a space).
const INLINE_TAGS: &[&str] = &[
    "a", "abbr", "acronym", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em", "font",
    "i", "ins", "kbd", "mark", "q", "s", "samp", "small", "span", "strike", "sub", "sup", "time",
    "tt", "u", "var", "wbr",
];

/// Removes tags, unescapes character references and collapses whitespace, remembering for each
/// clean character its raw offset. Block tags act as whitespace and are recorded as line
/// breaks; inline tags and comments vanish.
fn clean_html(raw: &[char]) -> Clean {
    let mut out = Clean::default();
    // Raw offset of the first whitespace (or block tag) since the last kept character.
    let mut pending: Option<usize> = None;
    let push = |out: &mut Clean, pending: &mut Option<usize>, c: char, at: usize| {
        if c.is_whitespace() {
            pending.get_or_insert(at);
            return;
        }
        if let Some(p) = pending.take() {
            if !out.chars.is_empty() {
                out.chars.push(' ');
                out.raw_pos.push(p);
            }
        }
        out.chars.push(c);
        out.raw_pos.push(at);
    };
    let mut i = 0;
    while i < raw.len() {
        let c = raw[i];
        if c == '<' {
            if let Some((end, block)) = parse_tag(raw, i) {
                if block {
                    out.breaks.push(out.chars.len());
                    pending.get_or_insert(i);
                }
                i = end;
                continue;
            }
        }
        if c == '&' {
            if let Some((decoded, end)) = decode_entity(raw, i) {
                for d in decoded.chars() {
                    push(&mut out, &mut pending, d, i);
                }
                i = end;
                continue;
            }
        }
        push(&mut out, &mut pending, c, i);
        i += 1;
    }
    out
}

/// Recognises a tag (or comment, doctype, processing instruction) starting at `raw[i] == '<'`.
/// Returns the offset after it and whether it is a block tag; `None` when the `<` is text.
fn parse_tag(raw: &[char], i: usize) -> Option<(usize, bool)> {
    let rest = &raw[i + 1..];
    if rest.starts_with(&['!', '-', '-']) {
        let end = (i + 4..raw.len().saturating_sub(2))
            .find(|&j| raw[j..j + 3] == ['-', '-', '>'])
            .map_or(raw.len(), |j| j + 3);
        return Some((end, false));
    }
    let first = *rest.first()?;
    let name_start = match first {
        '/' if rest.get(1).is_some_and(|c| c.is_ascii_alphabetic()) => i + 2,
        '!' | '?' => i + 2,
        c if c.is_ascii_alphabetic() => i + 1,
        _ => return None,
    };
    // Find the closing '>' outside quoted attribute values.
    let mut quote: Option<char> = None;
    let mut j = name_start;
    let close = loop {
        let c = *raw.get(j)?;
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '>' => break j,
            None if (c == '"' || c == '\'') && raw[j - 1] == '=' => quote = Some(c),
            None => {}
        }
        j += 1;
    };
    if matches!(first, '!' | '?') {
        return Some((close + 1, false));
    }
    let name: String = raw[name_start..close]
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    Some((close + 1, !INLINE_TAGS.contains(&name.as_str())))
}

/// Named character references understood by the importer.
const ENTITIES: &[(&str, &str)] = &[
    ("amp", "&"),
    ("lt", "<"),
    ("gt", ">"),
    ("quot", "\""),
    ("apos", "'"),
    ("nbsp", "\u{a0}"),
    ("AMP", "&"),
    ("LT", "<"),
    ("GT", ">"),
    ("QUOT", "\""),
    ("copy", "©"),
    ("COPY", "©"),
    ("reg", "®"),
    ("REG", "®"),
    ("trade", "™"),
    ("hellip", "…"),
    ("mdash", "—"),
    ("ndash", "–"),
    ("lsquo", "‘"),
    ("rsquo", "’"),
    ("sbquo", "‚"),
    ("ldquo", "“"),
    ("rdquo", "”"),
    ("bdquo", "„"),
    ("laquo", "«"),
    ("raquo", "»"),
    ("bull", "•"),
    ("middot", "·"),
    ("sect", "§"),
    ("para", "¶"),
    ("deg", "°"),
    ("cent", "¢"),
    ("pound", "£"),
    ("euro", "€"),
    ("yen", "¥"),
    ("times", "×"),
    ("divide", "÷"),
    ("shy", "\u{ad}"),
    ("ensp", "\u{2002}"),
    ("emsp", "\u{2003}"),
    ("thinsp", "\u{2009}"),
    ("zwnj", "\u{200c}"),
    ("zwj", "\u{200d}"),
    ("aacute", "á"),
    ("agrave", "à"),
    ("acirc", "â"),
    ("auml", "ä"),
    ("aring", "å"),
    ("ccedil", "ç"),
    ("eacute", "é"),
    ("egrave", "è"),
    ("ecirc", "ê"),
    ("euml", "ë"),
    ("iacute", "í"),
    ("icirc", "î"),
    ("iuml", "ï"),
    ("ntilde", "ñ"),
    ("oacute", "ó"),
    ("ocirc", "ô"),
    ("ouml", "ö"),
    ("uacute", "ú"),
    ("uuml", "ü"),
    ("szlig", "ß"),
    ("Aacute", "Á"),
    ("Auml", "Ä"),
    ("Eacute", "É"),
    ("Ntilde", "Ñ"),
    ("Ouml", "Ö"),
    ("Uuml", "Ü"),
];

/// References that HTML also accepts without the final `;`.
const LEGACY_ENTITIES: &[&str] = &[
    "amp", "AMP", "lt", "LT", "gt", "GT", "quot", "QUOT", "nbsp", "copy", "COPY", "reg", "REG",
];

/// Decodes a character reference starting at `raw[i] == '&'`. Returns the text and the offset
/// after the reference; `None` when the `&` is text (as in `AT&T`).
fn decode_entity(raw: &[char], i: usize) -> Option<(String, usize)> {
    let mut j = i + 1;
    if raw.get(j) == Some(&'#') {
        j += 1;
        let hex = matches!(raw.get(j), Some('x' | 'X'));
        if hex {
            j += 1;
        }
        let digits_start = j;
        while raw.get(j).is_some_and(|c| {
            if hex {
                c.is_ascii_hexdigit()
            } else {
                c.is_ascii_digit()
            }
        }) {
            j += 1;
        }
        if j == digits_start {
            return None;
        }
        let digits: String = raw[digits_start..j].iter().collect();
        let code = u32::from_str_radix(&digits, if hex { 16 } else { 10 }).unwrap_or(0xFFFD);
        if raw.get(j) == Some(&';') {
            j += 1;
        }
        let text = match code {
            // HTML maps C1 controls to their Windows-1252 characters.
            0x80..=0x9F => encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(&[code as u8])
                .0
                .into_owned(),
            0 => "\u{FFFD}".to_string(),
            _ => char::from_u32(code).unwrap_or('\u{FFFD}').to_string(),
        };
        return Some((text, j));
    }
    while raw.get(j).is_some_and(|c| c.is_ascii_alphanumeric()) && j - i <= 32 {
        j += 1;
    }
    let name: String = raw[i + 1..j].iter().collect();
    if raw.get(j) == Some(&';') {
        if let Some((_, v)) = ENTITIES.iter().find(|(n, _)| *n == name) {
            return Some((v.to_string(), j + 1));
        }
    }
    // Legacy form without ';': the longest known prefix.
    LEGACY_ENTITIES
        .iter()
        .filter(|n| name.starts_with(**n))
        .max_by_key(|n| n.len())
        .map(|n| {
            let v = ENTITIES.iter().find(|(e, _)| e == n).map_or("", |e| e.1);
            (v.to_string(), i + 1 + n.len())
        })
}

/// Splits clean text into sentences: lines between block-tag breaks, then the punctuation
/// rules inside each line. Returns trimmed, non-empty ranges.
fn split_sentences(chars: &[char], breaks: &[usize]) -> Vec<std::ops::Range<usize>> {
    let mut bounds: Vec<usize> = Vec::with_capacity(breaks.len() + 2);
    bounds.push(0);
    bounds.extend_from_slice(breaks);
    bounds.push(chars.len());
    bounds.dedup();
    let mut out = Vec::new();
    for w in bounds.windows(2) {
        let (a, b) = (w[0], w[1]);
        if a >= b {
            continue;
        }
        for r in split_line(&chars[a..b]) {
            out.push(a + r.start..a + r.end);
        }
    }
    out
}

fn is_terminal(c: char) -> bool {
    matches!(c, '.' | '!' | '?')
}

fn is_closer(c: char) -> bool {
    matches!(c, '"' | '\'' | ')' | ']' | '”' | '’')
}

fn is_opener(c: char) -> bool {
    matches!(c, '"' | '\'' | '(' | '[' | '“' | '‘')
}

/// Words that end in a period without ending a sentence (lower case, without the period).
const ABBREVIATIONS: &[&str] = &[
    "inc", "no", "nos", "dr", "mr", "mrs", "ms", "prof", "jr", "sr", "st", "co", "corp", "ltd",
    "vs", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "approx", "dept", "fig", "ave", "blvd", "tel", "ext", "cf", "viz", "e.g", "i.e", "u.s",
];

/// Splits one line (no block tag inside) into trimmed sentence ranges.
fn split_line(line: &[char]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < line.len() {
        if !is_terminal(line[i]) {
            i += 1;
            continue;
        }
        let run_start = i;
        while i < line.len() && is_terminal(line[i]) {
            i += 1;
        }
        let only_periods = line[run_start..i].iter().all(|&c| c == '.');
        while i < line.len() && is_closer(line[i]) {
            i += 1;
        }
        let end = i;
        if !next_starts_sentence(line, end) {
            continue;
        }
        if only_periods && period_is_not_an_end(line, start, end) {
            continue;
        }
        push_trimmed(&mut out, line, start, end);
        start = end;
    }
    push_trimmed(&mut out, line, start, line.len());
    out
}

fn push_trimmed(out: &mut Vec<std::ops::Range<usize>>, line: &[char], a: usize, b: usize) {
    let mut a = a;
    let mut b = b;
    while a < b && line[a].is_whitespace() {
        a += 1;
    }
    while b > a && line[b - 1].is_whitespace() {
        b -= 1;
    }
    if a < b {
        out.push(a..b);
    }
}

/// Whitespace, an optional dash bullet, at most one opening quote or bracket, then a capital
/// letter or a digit.
fn next_starts_sentence(line: &[char], at: usize) -> bool {
    let ws = |k: usize| line.get(k).is_some_and(|c| c.is_whitespace());
    let mut k = at;
    if !ws(k) {
        return false;
    }
    while ws(k) {
        k += 1;
    }
    if line
        .get(k)
        .is_some_and(|&c| matches!(c, '-' | '*' | '–' | '—' | '•'))
        && ws(k + 1)
    {
        k += 1;
        while ws(k) {
            k += 1;
        }
    }
    if line.get(k).is_some_and(|&c| is_opener(c)) {
        k += 1;
    }
    line.get(k)
        .is_some_and(|&c| c.is_uppercase() || c.is_ascii_digit())
}

/// True when the periods ending `line[start..end]` belong to an abbreviation, a dotted
/// initialism, a single initial or a leading list marker.
fn period_is_not_an_end(line: &[char], start: usize, end: usize) -> bool {
    let piece = &line[start..end];
    let tok_start = piece
        .iter()
        .rposition(|c| c.is_whitespace())
        .map_or(0, |p| p + 1);
    let token = &piece[tok_start..];
    let mut t = token.len();
    while t > 0 && (token[t - 1] == '.' || is_closer(token[t - 1])) {
        t -= 1;
    }
    let mut s = 0;
    while s < t && is_opener(token[s]) {
        s += 1;
    }
    let word: String = token[s..t].iter().flat_map(|c| c.to_lowercase()).collect();
    if word.is_empty() {
        return false;
    }
    if ABBREVIATIONS.contains(&word.as_str()) {
        return true;
    }
    let letters: Vec<char> = word.chars().collect();
    // Single initial: "J." — and dotted initialisms: "u.s", "e.g", "a.b.c".
    let dotted = letters.len() % 2 == 1
        && letters.iter().enumerate().all(|(k, &c)| {
            if k % 2 == 0 {
                c.is_alphabetic()
            } else {
                c == '.'
            }
        });
    if dotted {
        return true;
    }
    // List marker ("1.", "iv.") when it is all of the sentence so far.
    let marker = word.chars().all(|c| c.is_ascii_digit())
        || word.chars().all(|c| matches!(c, 'i' | 'v' | 'x'));
    let whole = piece[..tok_start].iter().all(|c| c.is_whitespace());
    marker && whole
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clean(s: &str) -> String {
        clean_html(&s.chars().collect::<Vec<_>>())
            .chars
            .iter()
            .collect()
    }

    fn sentences(html: &str) -> Vec<String> {
        let seg = Segment::new(html);
        seg.sentences
            .iter()
            .map(|r| seg.chars[r.clone()].iter().collect())
            .collect()
    }

    #[test]
    fn cleans_tags_entities_and_whitespace() {
        assert_eq!(
            clean(
                "<strong> Title </strong> <br>\n Body &amp; more&nbsp;text &#8220;x&#x201D; AT&T"
            ),
            "Title Body & more text “x” AT&T"
        );
        assert_eq!(clean("a<em>b</em>c<br>d"), "abc d");
        assert_eq!(clean("x <!-- note --> y"), "x y");
        assert_eq!(clean("1 < 2 and 3 > 2"), "1 < 2 and 3 > 2");
        assert_eq!(clean("&copy 2015 &#150; &bogus;"), "© 2015 – &bogus;");
    }

    #[test]
    fn raw_positions_follow_the_clean_text() {
        let raw: Vec<char> = "<br> Ab &amp; c".chars().collect();
        let c = clean_html(&raw);
        assert_eq!(c.chars.iter().collect::<String>(), "Ab & c");
        assert_eq!(c.raw_pos, vec![5, 6, 7, 8, 13, 14]);
    }

    #[test]
    fn block_tags_end_sentences() {
        assert_eq!(
            sentences("Cookies <br> We use cookies. <ul> <li> one </li> <li> two</li> </ul>"),
            ["Cookies", "We use cookies.", "one", "two"]
        );
    }

    #[test]
    fn punctuation_rules() {
        assert_eq!(
            sentences("We are Acme Inc. We sell. 2 items? Yes! \"Quoted.\" Next one."),
            [
                "We are Acme Inc. We sell.",
                "2 items?",
                "Yes!",
                "\"Quoted.\"",
                "Next one."
            ]
        );
        assert_eq!(
            sentences("Made in the U.S. By us. See e.g. Part Two. Ask J. Doe. Then stop."),
            [
                "Made in the U.S. By us.",
                "See e.g. Part Two.",
                "Ask J. Doe.",
                "Then stop."
            ]
        );
        assert_eq!(
            sentences("1. First item. Under 13. We stop. Ends etc. Then (Note: x.) (b) not."),
            [
                "1. First item.",
                "Under 13.",
                "We stop.",
                "Ends etc.",
                "Then (Note: x.) (b) not."
            ]
        );
        assert_eq!(
            sentences("Revised Jan. 2, 2014. See more. - Read on. (\"Not\") here."),
            [
                "Revised Jan. 2, 2014.",
                "See more.",
                "- Read on. (\"Not\") here."
            ]
        );
        assert_eq!(sentences("a.b.c lower. next"), ["a.b.c lower. next"]);
    }

    #[test]
    fn spans_are_checked_and_searched() {
        let seg = Segment::new("<strong>Head</strong> <br> One two. Three four.");
        let span = |t: &str, s: i64, e: i64| Span {
            text: t.into(),
            start: Some(s),
            end: Some(e),
        };
        // Offsets into the raw HTML, crossing a tag.
        assert_eq!(seg.locate(&span("Head One", 8, 30)), Located::Offsets(0..8));
        // Wrong offsets: found by searching.
        assert_eq!(
            seg.locate(&span("Three four.", 0, 5)),
            Located::Searched(14..25)
        );
        assert_eq!(
            seg.locate(&span("Three", -1, -1)),
            Located::Searched(14..19)
        );
        assert_eq!(seg.locate(&span("Nowhere", 0, 7)), Located::NotFound);
    }

    #[test]
    fn span_json_skips_null_and_missing_text() {
        let spans = parse_spans(
            r#"{"A": {"selectedText": "x", "startIndexInSegment": 1, "endIndexInSegment": 2, "value": "v"},
                "B": {"selectedText": "null", "startIndexInSegment": -1, "endIndexInSegment": -1, "value": "not-selected"},
                "C": {"value": "no text"},
                "D": {"selectedText": "Not selected", "startIndexInSegment": -1, "endIndexInSegment": -1, "value": "x"}}"#,
        )
        .unwrap();
        assert_eq!(
            spans,
            [Span {
                text: "x".into(),
                start: Some(1),
                end: Some(2)
            }]
        );
        assert!(parse_spans("[1]").is_err());
        assert!(parse_spans("{").is_err());
    }

    #[test]
    fn policy_names() {
        assert_eq!(
            parse_policy_name("1017_sci-news.com"),
            Some(("1017".into(), "sci-news.com".into()))
        );
        assert_eq!(parse_policy_name("abc_x.com"), None);
        assert_eq!(parse_policy_name("1017"), None);
    }
}
