//! The report's tables as polars DataFrames (sentences, coverage, files) and their CSV and
//! Parquet writing, with the Parquet settings every file shares ([`parquet_writer`]) and the
//! batched writer of `sentences.parquet` ([`SentenceSink`]).

use crate::error::{Error, Result};
use crate::io::{write_uncommitted, AtomicFile};
use crate::model::Model;
use crate::predict::{TaggedDocument, TaggedSentence};
use crate::report::coverage::Coverage;
use crate::report::files::FileStatus;
use polars::prelude::*;
use std::path::Path;

/// A polars (or chart) error while writing `path`, as the report's error.
pub(super) fn polars_err(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::Report {
        path: path.into(),
        message: e.to_string(),
    }
}

/// The per-sentence DataFrame.
pub fn sentences_frame(model: &Model, docs: &[&TaggedDocument]) -> PolarsResult<DataFrame> {
    let rows: Vec<(&TaggedDocument, &TaggedSentence)> = docs
        .iter()
        .flat_map(|d| d.sentences.iter().map(move |s| (*d, s)))
        .collect();
    let keys: Vec<(String, Option<String>)> = docs.iter().map(|d| d.version.key()).collect();
    let paths: Vec<String> = docs.iter().map(|d| d.path.display().to_string()).collect();
    let mut doc_index = Vec::with_capacity(rows.len());
    for (i, d) in docs.iter().enumerate() {
        doc_index.extend(std::iter::repeat_n(i, d.sentences.len()));
    }
    let file: Vec<&str> = doc_index.iter().map(|&i| paths[i].as_str()).collect();
    let mut cols = vec![
        Column::new(
            "company".into(),
            doc_index
                .iter()
                .map(|&i| keys[i].0.as_str())
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "date".into(),
            doc_index
                .iter()
                .map(|&i| keys[i].1.as_deref())
                .collect::<Vec<_>>(),
        ),
        Column::new("file".into(), file),
        Column::new(
            "language".into(),
            doc_index
                .iter()
                .map(|&i| docs[i].language.code())
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "sentence".into(),
            rows.iter().map(|(_, s)| s.index as u32).collect::<Vec<_>>(),
        ),
        Column::new(
            "start".into(),
            rows.iter()
                .map(|(_, s)| s.span.start as u64)
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "end".into(),
            rows.iter()
                .map(|(_, s)| s.span.end as u64)
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "heading".into(),
            rows.iter().map(|(_, s)| s.heading).collect::<Vec<_>>(),
        ),
        Column::new(
            "text".into(),
            rows.iter()
                .map(|(_, s)| s.text.as_str())
                .collect::<Vec<_>>(),
        ),
        label_column(model, &rows),
    ];
    for (l, name) in model.labels().iter().enumerate() {
        cols.push(Column::new(
            name.as_str().into(),
            rows.iter().map(|(_, s)| s.probs[l]).collect::<Vec<_>>(),
        ));
    }
    DataFrame::new_infer_height(cols)
}

/// The `labels` column: each row's labels joined, every distinct label set joined once
/// (a corpus has few of them).
fn label_column(model: &Model, rows: &[(&TaggedDocument, &TaggedSentence)]) -> Column {
    let mut joined: rustc_hash::FxHashMap<&[usize], String> = Default::default();
    for (_, s) in rows {
        joined
            .entry(s.labels.as_slice())
            .or_insert_with(|| join_labels(model, &s.labels));
    }
    let values: Vec<&str> = rows
        .iter()
        .map(|(_, s)| joined[s.labels.as_slice()].as_str())
        .collect();
    Column::new("labels".into(), values)
}

/// Joins label indices into the `;`-separated names.
pub fn join_labels(model: &Model, labels: &[usize]) -> String {
    labels
        .iter()
        .map(|&l| model.labels()[l].as_str())
        .collect::<Vec<_>>()
        .join(";")
}

/// The coverage DataFrame.
pub fn coverage_frame(cov: &[Coverage]) -> PolarsResult<DataFrame> {
    DataFrame::new_infer_height(vec![
        Column::new(
            "company".into(),
            cov.iter().map(|c| c.company.as_str()).collect::<Vec<_>>(),
        ),
        Column::new(
            "date".into(),
            cov.iter().map(|c| c.date.as_deref()).collect::<Vec<_>>(),
        ),
        Column::new(
            "label".into(),
            cov.iter().map(|c| c.label.as_str()).collect::<Vec<_>>(),
        ),
        Column::new(
            "sentences".into(),
            cov.iter().map(|c| c.sentences as u32).collect::<Vec<_>>(),
        ),
        Column::new(
            "share".into(),
            cov.iter().map(|c| c.share).collect::<Vec<_>>(),
        ),
        Column::new(
            "max_probability".into(),
            cov.iter().map(|c| c.max_probability).collect::<Vec<_>>(),
        ),
        Column::new(
            "mean_probability".into(),
            cov.iter().map(|c| c.mean_probability).collect::<Vec<_>>(),
        ),
        Column::new(
            "covered".into(),
            cov.iter().map(|c| c.covered).collect::<Vec<_>>(),
        ),
        Column::new(
            "language".into(),
            cov.iter().map(|c| c.language.as_str()).collect::<Vec<_>>(),
        ),
    ])
}

/// The data-profile DataFrame (one row per company × date × category × family × value ×
/// stance).
pub fn profile_frame(rows: &[crate::report::profile::ProfileRow]) -> PolarsResult<DataFrame> {
    let strs = |f: &dyn Fn(&crate::report::profile::ProfileRow) -> &str| {
        rows.iter().map(f).collect::<Vec<_>>()
    };
    DataFrame::new_infer_height(vec![
        Column::new("company".into(), strs(&|r| r.company.as_str())),
        Column::new(
            "date".into(),
            rows.iter().map(|r| r.date.as_deref()).collect::<Vec<_>>(),
        ),
        Column::new("category".into(), strs(&|r| r.category.as_str())),
        Column::new("family".into(), strs(&|r| r.family.as_str())),
        Column::new("value".into(), strs(&|r| r.value.as_str())),
        Column::new("stance".into(), strs(&|r| r.stance)),
        Column::new(
            "sentences".into(),
            rows.iter().map(|r| r.sentences as u32).collect::<Vec<_>>(),
        ),
        Column::new(
            "max_probability".into(),
            rows.iter().map(|r| r.max_probability).collect::<Vec<_>>(),
        ),
        Column::new("evidence_file".into(), strs(&|r| r.evidence_file.as_str())),
        Column::new(
            "evidence_sentence".into(),
            rows.iter()
                .map(|r| r.evidence_sentence as u32)
                .collect::<Vec<_>>(),
        ),
    ])
}

/// The file-accounting DataFrame.
pub fn files_frame(files: &[FileStatus]) -> PolarsResult<DataFrame> {
    DataFrame::new_infer_height(vec![
        Column::new(
            "file".into(),
            files.iter().map(|f| f.file.as_str()).collect::<Vec<_>>(),
        ),
        Column::new(
            "company".into(),
            files.iter().map(|f| f.company.as_str()).collect::<Vec<_>>(),
        ),
        Column::new(
            "status".into(),
            files.iter().map(|f| f.status).collect::<Vec<_>>(),
        ),
        Column::new(
            "sentences".into(),
            files.iter().map(|f| f.sentences as u32).collect::<Vec<_>>(),
        ),
        Column::new(
            "language".into(),
            files.iter().map(|f| f.language).collect::<Vec<_>>(),
        ),
        Column::new(
            "repaired".into(),
            files.iter().map(|f| f.repaired as u32).collect::<Vec<_>>(),
        ),
        Column::new(
            "message".into(),
            files.iter().map(|f| f.message.as_str()).collect::<Vec<_>>(),
        ),
    ])
}

/// Writes `df` as CSV with a header to a temporary file for `path` (committed by the caller).
pub(super) fn write_csv(path: &Path, df: &mut DataFrame) -> Result<AtomicFile> {
    write_uncommitted(path, |f| {
        CsvWriter::new(f)
            .include_header(true)
            .finish(df)
            .map_err(std::io::Error::other)
    })
    .map_err(|e| polars_err(path, e))
}

/// Writes `df` as Parquet to a temporary file for `path` (committed by the caller).
pub(super) fn write_parquet(path: &Path, df: &mut DataFrame) -> Result<AtomicFile> {
    write_uncommitted(path, |f| {
        parquet_writer(std::io::BufWriter::with_capacity(PARQUET_BUFFER, f))
            .finish(df)
            .map(|_| ())
            .map_err(std::io::Error::other)
    })
    .map_err(|e| polars_err(path, e))
}

/// The write buffer of a Parquet file: the writer emits page headers and metadata a few
/// bytes at a time (≈ 96,000 `write` calls for the corpus' sentences.parquet unbuffered);
/// its final flush (in `finish`) reports any write error.
const PARQUET_BUFFER: usize = 1 << 20;

fn parquet_writer<W: std::io::Write>(w: W) -> ParquetWriter<W> {
    // Snappy: several times faster to write than the default zstd, read by every Parquet
    // reader; the serial writing step is on the report's critical path.
    ParquetWriter::new(w).with_compression(ParquetCompression::Snappy)
}

/// `sentences.parquet` written one row group per batch, into a temporary file until
/// [`SentenceSink::commit`].
pub(super) struct SentenceSink {
    file: AtomicFile,
    writer: polars::io::parquet::write::BatchedWriter<std::io::BufWriter<std::fs::File>>,
}

impl SentenceSink {
    /// Starts the file `p` with the schema of `df` (the first batch).
    pub(super) fn create(p: &Path, df: &DataFrame) -> Result<SentenceSink> {
        let mut file = AtomicFile::create(p)?;
        let handle = file.file_mut().try_clone().map_err(|e| Error::io(p, e))?;
        let handle = std::io::BufWriter::with_capacity(PARQUET_BUFFER, handle);
        let writer = parquet_writer(handle)
            .batched(df.schema())
            .map_err(|e| polars_err(p, e))?;
        Ok(SentenceSink { file, writer })
    }

    /// Writes one batch's rows (`p` names the file in errors).
    pub(super) fn write(&mut self, p: &Path, df: &DataFrame) -> Result<()> {
        self.writer.write_batch(df).map_err(|e| polars_err(p, e))
    }

    /// Writes the footer and moves the file into place.
    pub(super) fn commit(self, p: &Path) -> Result<()> {
        self.writer
            .finish()
            .map_err(|e| polars_err(p, e))
            .and_then(|_| {
                drop(self.writer);
                self.file.commit()
            })
    }
}

/// Writes and commits a `sentences.parquet` with no rows (when nothing was tagged).
pub(super) fn write_empty_sentences(model: &Model, p: &Path) -> Result<()> {
    sentences_frame(model, &[])
        .map_err(|e| polars_err(p, e))
        .and_then(|mut sdf| write_parquet(p, &mut sdf))
        .and_then(AtomicFile::commit)
}
