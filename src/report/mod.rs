//! Reports: tagged documents → polars DataFrames → CSV, Parquet and Markdown.
//!
//! * `sentences.parquet`: one row per sentence: company, file, sentence, start, end, heading,
//!   text, labels (`;`-joined), one probability column per label.
//! * `coverage.csv` / `coverage.parquet`: one row per company × label: sentences with the
//!   label, share of the company's sentences, max and mean probability, covered (yes/no).
//! * `files.csv`: every input with its status (tagged, skipped, failed), sentence count and
//!   message, so nothing is silently dropped.
//! * `summary.md`: the coverage matrix and the file accounting as Markdown.
//! * `report.html` (see [`crate::report::html`]) with `coverage.svg` and `practices.svg` (see
//!   [`crate::report::charts`]) embedded.
//!
//! Every policy has a date when one is known (the corpus header's archive date, else a
//! `YYYY-MM-DD` at the end of the file name); coverage is per company and date, so a folder of
//! dated versions of one policy gives its coverage over time.

pub mod charts;
pub mod html;

use crate::error::{Error, Result};
use crate::io::{write_uncommitted, AtomicFile};
use crate::model::Model;
use crate::predict::{Outcome, TaggedDocument};
use polars::prelude::*;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

/// Coverage of one label for one company.
#[derive(Debug, Clone, PartialEq)]
pub struct Coverage {
    /// Company.
    pub company: String,
    /// The policy version's date (`YYYY-MM-DD`), when known.
    pub date: Option<String>,
    /// Sentences of the company's policy (at that date).
    pub total: usize,
    /// Label name.
    pub label: String,
    /// Sentences tagged with the label.
    pub sentences: usize,
    /// Share of the company's sentences tagged with the label.
    pub share: f64,
    /// Highest probability of the label over the company's sentences.
    pub max_probability: f32,
    /// Mean probability of the label over the company's sentences.
    pub mean_probability: f32,
    /// Whether at least one sentence states the practice.
    pub covered: bool,
}

/// Accounting of one input file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileStatus {
    /// The input path.
    pub file: String,
    /// The company (empty when the file was not read).
    pub company: String,
    /// `tagged`, `skipped` or `failed`.
    pub status: &'static str,
    /// Number of sentences classified.
    pub sentences: usize,
    /// Why it was skipped or failed, or warnings.
    pub message: String,
}

/// Per company × date × label coverage, sorted by company then date (undated first), labels
/// in model order.
pub fn coverage(model: &Model, docs: &[&TaggedDocument]) -> Vec<Coverage> {
    let mut acc = CoverageAccumulator::default();
    for d in docs {
        acc.add(d);
    }
    acc.finish(model)
}

/// Coverage sums of one company × date, folded one document at a time.
#[derive(Debug, Default)]
struct CoverageSums {
    total: usize,
    tagged: Vec<usize>,
    max: Vec<f32>,
    sum: Vec<f64>,
}

/// Folds documents into [`Coverage`] rows without keeping them: what a streaming report
/// needs. Documents of one company × date are summed in the order they are added.
#[derive(Debug, Default)]
pub struct CoverageAccumulator {
    by_company: BTreeMap<(String, Option<String>), CoverageSums>,
}

impl CoverageAccumulator {
    /// Adds one tagged document.
    pub fn add(&mut self, d: &TaggedDocument) {
        let nl = d.sentences.first().map_or(0, |s| s.probs.len());
        let c = self.by_company.entry(d.version.key()).or_default();
        if c.tagged.len() < nl {
            c.tagged.resize(nl, 0);
            c.max.resize(nl, 0.0);
            c.sum.resize(nl, 0.0);
        }
        c.total += d.sentences.len();
        for s in &d.sentences {
            for &l in &s.labels {
                c.tagged[l] += 1;
            }
            for (l, &p) in s.probs.iter().enumerate() {
                c.max[l] = c.max[l].max(p);
                c.sum[l] += p as f64;
            }
        }
    }

    /// The coverage rows, sorted by company then date (undated first), labels in model order.
    pub fn finish(self, model: &Model) -> Vec<Coverage> {
        let mut out = Vec::new();
        for ((company, date), c) in self.by_company {
            let total = c.total;
            for (l, label) in model.labels.iter().enumerate() {
                let n = c.tagged.get(l).copied().unwrap_or(0);
                let sum = c.sum.get(l).copied().unwrap_or(0.0);
                out.push(Coverage {
                    company: company.clone(),
                    date: date.clone(),
                    total,
                    label: label.clone(),
                    sentences: n,
                    share: if total == 0 {
                        0.0
                    } else {
                        n as f64 / total as f64
                    },
                    max_probability: c.max.get(l).copied().unwrap_or(0.0),
                    mean_probability: if total == 0 {
                        0.0
                    } else {
                        (sum / total as f64) as f32
                    },
                    covered: n > 0,
                });
            }
        }
        out
    }
}

/// The file accounting of a batch.
pub fn file_statuses(outcomes: &[Outcome]) -> Vec<FileStatus> {
    outcomes
        .iter()
        .map(|o| match o {
            Outcome::Tagged(d) => FileStatus {
                file: d.path.display().to_string(),
                company: d.company.clone(),
                status: "tagged",
                sentences: d.sentences.len(),
                message: d.warnings.join("; "),
            },
            Outcome::Skipped(p, why) => FileStatus {
                file: p.display().to_string(),
                company: String::new(),
                status: "skipped",
                sentences: 0,
                message: why.clone(),
            },
            Outcome::Failed(p, e) => FileStatus {
                file: p.display().to_string(),
                company: String::new(),
                status: "failed",
                sentences: 0,
                message: strip_path(&e.to_string(), p),
            },
        })
        .collect()
}

fn strip_path(msg: &str, p: &Path) -> String {
    let prefix = format!("{}: ", p.display());
    msg.strip_prefix(&prefix).unwrap_or(msg).to_string()
}

fn polars_err(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::Report {
        path: path.into(),
        message: e.to_string(),
    }
}

/// The per-sentence DataFrame.
pub fn sentences_frame(model: &Model, docs: &[&TaggedDocument]) -> PolarsResult<DataFrame> {
    let rows: Vec<(&TaggedDocument, &crate::predict::TaggedSentence)> = docs
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
    for (l, name) in model.labels.iter().enumerate() {
        cols.push(Column::new(
            name.as_str().into(),
            rows.iter().map(|(_, s)| s.probs[l]).collect::<Vec<_>>(),
        ));
    }
    DataFrame::new_infer_height(cols)
}

/// The `labels` column: each row's labels joined, every distinct label set joined once
/// (a corpus has few of them).
fn label_column(
    model: &Model,
    rows: &[(&TaggedDocument, &crate::predict::TaggedSentence)],
) -> Column {
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
        .map(|&l| model.labels[l].as_str())
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
            "message".into(),
            files.iter().map(|f| f.message.as_str()).collect::<Vec<_>>(),
        ),
    ])
}

fn write_csv(path: &Path, df: &mut DataFrame) -> Result<AtomicFile> {
    write_uncommitted(path, |f| {
        CsvWriter::new(f)
            .include_header(true)
            .finish(df)
            .map_err(std::io::Error::other)
    })
    .map_err(|e| polars_err(path, e))
}

fn write_parquet(path: &Path, df: &mut DataFrame) -> Result<AtomicFile> {
    write_uncommitted(path, |f| {
        parquet_writer(std::io::BufWriter::with_capacity(PARQUET_BUFFER, f))
            .finish(df)
            .map(|_| ())
            .map_err(std::io::Error::other)
    })
    .map_err(|e| polars_err(path, e))
}

/// "N files: a tagged, b skipped, c failed." for the report summaries.
pub fn accounting_line(files: &[FileStatus]) -> String {
    let count = |st: &str| files.iter().filter(|f| f.status == st).count();
    format!(
        "{} files: {} tagged, {} skipped, {} failed.",
        files.len(),
        count("tagged"),
        count("skipped"),
        count("failed")
    )
}

/// The inputs worth listing in a summary: every one not tagged, and tagged ones with warnings.
pub fn problem_files(files: &[FileStatus]) -> Vec<&FileStatus> {
    files
        .iter()
        .filter(|f| f.status != "tagged" || !f.message.is_empty())
        .collect()
}

/// The Markdown summary: coverage matrix (✓ with the share of sentences, or — when silent) and
/// file accounting.
pub fn summary_markdown(model: &Model, cov: &[Coverage], files: &[FileStatus]) -> String {
    let mut s = String::from("# Policy coverage\n\n");
    let _ = writeln!(s, "| company | date | {} |", model.labels.join(" | "));
    let _ = writeln!(s, "|---|---|{}", "---|".repeat(model.labels.len()));
    for row in cov.chunk_by(|a, b| a.company == b.company && a.date == b.date) {
        let cells: Vec<String> = row
            .iter()
            .map(|x| {
                if x.covered {
                    format!("✓ {:.0}%", x.share * 100.0)
                } else {
                    "—".into()
                }
            })
            .collect();
        let _ = writeln!(
            s,
            "| {} | {} | {} |",
            md_escape(&row[0].company),
            row[0].date.as_deref().unwrap_or(""),
            cells.join(" | ")
        );
    }
    let _ = writeln!(s, "\n## Inputs\n\n{}\n", accounting_line(files));
    let problems = problem_files(files);
    if !problems.is_empty() {
        s.push_str("| file | status | message |\n|---|---|---|\n");
        for f in problems {
            let _ = writeln!(
                s,
                "| {} | {} | {} |",
                md_escape(&f.file),
                f.status,
                md_escape(&f.message)
            );
        }
    }
    s
}

fn md_escape(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// Files tagged per batch by [`ReportWriter::tag_and_write`].
pub const REPORT_BATCH_FILES: usize = 128;

/// What [`ReportWriter::finish`] wrote.
#[derive(Debug, Clone)]
pub struct ReportSummary {
    /// Coverage rows.
    pub coverage: Vec<Coverage>,
    /// File accounting.
    pub files: Vec<FileStatus>,
}

/// Writes a report from batches of outcomes, keeping only what the final files need: the
/// sentences go to `sentences.parquet` one row group per batch, coverage and file statuses are
/// folded into small per-company sums, and only the documents the HTML report shows (the first
/// [`crate::report::html::MAX_POLICY_VIEWS`] in company, date, path order) are kept. Memory is bounded
/// by the batch size, however many files there are; the output is the same for any batching.
///
/// Nothing appears in `dir` until [`ReportWriter::finish`]: every file is written to a
/// temporary file and renamed into place.
pub struct ReportWriter<'m> {
    model: &'m Model,
    dir: std::path::PathBuf,
    sentences: Option<SentenceSink>,
    coverage: CoverageAccumulator,
    files: Vec<FileStatus>,
    views: ViewMap,
    tagged: usize,
    total_sentences: usize,
}

/// The documents shown in report.html, by (company, date, path, arrival): the first
/// [`crate::report::html::MAX_POLICY_VIEWS`] in that order are kept.
type ViewMap = BTreeMap<(String, Option<String>, std::path::PathBuf, usize), TaggedDocument>;

struct SentenceSink {
    file: crate::io::AtomicFile,
    writer: polars::io::parquet::write::BatchedWriter<std::io::BufWriter<std::fs::File>>,
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

impl<'m> ReportWriter<'m> {
    /// Prepares writing into `dir` (created if needed).
    pub fn create(model: &'m Model, dir: &Path) -> Result<ReportWriter<'m>> {
        if dir.is_file() {
            return Err(Error::io(
                dir,
                std::io::Error::other("--out is a file; give a directory"),
            ));
        }
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        Ok(ReportWriter {
            model,
            dir: dir.to_path_buf(),
            sentences: None,
            coverage: CoverageAccumulator::default(),
            files: Vec::new(),
            views: BTreeMap::new(),
            tagged: 0,
            total_sentences: 0,
        })
    }

    /// Adds a batch of outcomes (in input order).
    pub fn add(&mut self, outcomes: Vec<Outcome>) -> Result<()> {
        self.files.extend(file_statuses(&outcomes));
        let docs: Vec<TaggedDocument> = outcomes
            .into_iter()
            .filter_map(|o| match o {
                Outcome::Tagged(d) => Some(d),
                _ => None,
            })
            .collect();
        let refs: Vec<&TaggedDocument> = docs.iter().collect();
        if !refs.is_empty() {
            let p = self.dir.join("sentences.parquet");
            let df = sentences_frame(self.model, &refs).map_err(|e| polars_err(&p, e))?;
            self.write_sentences(&p, &df)?;
        }
        for d in docs {
            self.coverage.add(&d);
            self.total_sentences += d.sentences.len();
            let (company, date) = d.version.key();
            let key = (company, date, d.path.clone(), self.tagged);
            self.views.insert(key, d);
            self.tagged += 1;
            if self.views.len() > crate::report::html::MAX_POLICY_VIEWS {
                self.views.pop_last();
            }
        }
        Ok(())
    }

    fn write_sentences(&mut self, p: &Path, df: &DataFrame) -> Result<()> {
        if self.sentences.is_none() {
            let mut file = crate::io::AtomicFile::create(p)?;
            let handle = file.file_mut().try_clone().map_err(|e| Error::io(p, e))?;
            let handle = std::io::BufWriter::with_capacity(PARQUET_BUFFER, handle);
            let writer = parquet_writer(handle)
                .batched(df.schema())
                .map_err(|e| polars_err(p, e))?;
            self.sentences = Some(SentenceSink { file, writer });
        }
        let sink = self.sentences.as_mut().expect("just created");
        sink.writer.write_batch(df).map_err(|e| polars_err(p, e))
    }

    /// Tags `inputs` in batches of [`REPORT_BATCH_FILES`] and adds them, then finishes. The
    /// rayon threads tag while a writer thread of its own adds each finished batch, with at
    /// most one batch waiting between them (memory holds three batches, not the corpus): the
    /// write is serial, and when the two took turns batch by batch a core sat idle whenever
    /// tagging a batch took less time than writing the one before (≈ 14 % of the loop).
    /// `progress` is called once per input; `on_batch` sees every batch's outcomes in input
    /// order before they are written (to report problems). A write error stops the tagging.
    pub fn tag_and_write(
        self,
        inputs: &[crate::text::Input],
        opts: &crate::predict::TagOptions,
        progress: &(dyn Fn() + Sync),
        on_batch: &mut dyn FnMut(&[Outcome]),
    ) -> Result<ReportSummary> {
        let model = self.model;
        let writer = std::thread::scope(|scope| {
            let (batches, written) = std::sync::mpsc::sync_channel::<Vec<Outcome>>(1);
            let mut this = self;
            let writer = scope.spawn(move || -> Result<ReportWriter<'m>> {
                for outcomes in written {
                    this.add(outcomes)?;
                }
                Ok(this)
            });
            for batch in inputs.chunks(REPORT_BATCH_FILES) {
                let outcomes = crate::predict::tag_inputs(model, batch, opts, progress);
                on_batch(&outcomes);
                if batches.send(outcomes).is_err() {
                    break; // the writer stopped on an error, returned by the join below
                }
            }
            drop(batches);
            writer
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        })?;
        writer.finish()
    }

    /// Writes the remaining files and moves every file into place.
    pub fn finish(self) -> Result<ReportSummary> {
        let model = self.model;
        let dir = &self.dir;
        let sentences = self.sentences;
        // Committing a file ends in an fsync that waits on the disk, not the CPU (tens of MiB
        // for sentences.parquet on a big corpus, and a small file's fsync waits behind it in
        // the journal): one I/O thread closes sentences.parquet and then commits every other
        // file as the rayon threads finish building it, so the CPU never waits on the disk.
        std::thread::scope(|scope| {
            let (commits, pending) = std::sync::mpsc::channel::<AtomicFile>();
            let io = scope.spawn(move || -> Result<()> {
                let p = dir.join("sentences.parquet");
                let mut result = match sentences {
                    Some(sink) => sink
                        .writer
                        .finish()
                        .map_err(|e| polars_err(&p, e))
                        .and_then(|_| {
                            drop(sink.writer);
                            sink.file.commit()
                        }),
                    None => sentences_frame(model, &[])
                        .map_err(|e| polars_err(&p, e))
                        .and_then(|mut sdf| write_parquet(&p, &mut sdf))
                        .and_then(AtomicFile::commit),
                };
                // Every file sent is committed, even after an error, as when each file was
                // committed where it was written; the first error is the one returned.
                for file in pending {
                    let committed = file.commit();
                    if result.is_ok() {
                        result = committed;
                    }
                }
                result
            });
            let rest = Self::finish_tables(
                model,
                dir,
                self.coverage,
                self.files,
                &self.views,
                self.tagged,
                self.total_sentences,
                &|file| {
                    // The I/O thread is gone only if it panicked (joined below): commit here.
                    commits
                        .send(file)
                        .or_else(|std::sync::mpsc::SendError(file)| file.commit())
                },
            );
            drop(commits);
            let io = io
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            io?;
            rest
        })
    }

    /// The coverage tables, charts, summary and report page (everything but
    /// sentences.parquet), each handed to `commit` once written.
    #[allow(clippy::too_many_arguments)]
    fn finish_tables(
        model: &Model,
        dir: &Path,
        coverage: CoverageAccumulator,
        files: Vec<FileStatus>,
        views: &ViewMap,
        tagged: usize,
        total_sentences: usize,
        commit: &(dyn Fn(AtomicFile) -> Result<()> + Sync),
    ) -> Result<ReportSummary> {
        let write = |p: &Path, bytes: &[u8]| {
            commit(write_uncommitted(p, |f| {
                std::io::Write::write_all(f, bytes)
            })?)
        };
        let cov = coverage.finish(model);
        let p = dir.join("coverage.svg");
        let coverage_svg = crate::report::charts::coverage_svg(&model.labels, &cov)
            .map_err(|e| polars_err(&p, e))?;
        write(&p, coverage_svg.as_bytes())?;
        let p = dir.join("practices.svg");
        let practices_svg = crate::report::charts::practices_svg(&model.labels, &cov)
            .map_err(|e| polars_err(&p, e))?;
        write(&p, practices_svg.as_bytes())?;
        let views: Vec<&TaggedDocument> = views.values().collect();
        let page = crate::report::html::ReportPage {
            views: &views,
            tagged,
            sentences: total_sentences,
            coverage: &cov,
            files: &files,
            charts: crate::report::html::Charts {
                coverage: &coverage_svg,
                practices: &practices_svg,
            },
        };
        // The tables and the page are independent: build them side by side.
        let (tables, html) = rayon::join(
            || -> Result<()> {
                let p = dir.join("coverage.csv");
                let mut cdf = coverage_frame(&cov).map_err(|e| polars_err(&p, e))?;
                commit(write_csv(&p, &mut cdf)?)?;
                commit(write_parquet(&dir.join("coverage.parquet"), &mut cdf)?)?;
                let p = dir.join("files.csv");
                let mut fdf = files_frame(&files).map_err(|e| polars_err(&p, e))?;
                commit(write_csv(&p, &mut fdf)?)?;
                write(
                    &dir.join("summary.md"),
                    summary_markdown(model, &cov, &files).as_bytes(),
                )
            },
            || {
                write(
                    &dir.join("report.html"),
                    crate::report::html::report_html(model, &page).as_bytes(),
                )
            },
        );
        tables?;
        html?;
        Ok(ReportSummary {
            coverage: cov,
            files,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_write_error_stops_the_report_and_names_the_file() {
        let model = Model::from_bytes(
            include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/models/default.model")),
            Path::new("default.model"),
        )
        .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("acme.example.txt");
        std::fs::write(
            &input,
            "We collect your e-mail address to send you receipts.\n",
        )
        .unwrap();
        let out = dir.path().join("out");
        let writer = ReportWriter::create(&model, &out).unwrap();
        // The directory goes away after the writer is made: the first batch's write fails on
        // the writer thread, and the error comes back from the tagging loop.
        std::fs::remove_dir(&out).unwrap();
        let inputs = vec![crate::text::Input::File(input); 3 * REPORT_BATCH_FILES];
        let mut batches = 0;
        let err = writer
            .tag_and_write(&inputs, &Default::default(), &|| {}, &mut |o| {
                assert_eq!(o.len(), REPORT_BATCH_FILES);
                batches += 1;
            })
            .unwrap_err();
        assert!(
            err.to_string().starts_with(&out.display().to_string()),
            "{err}"
        );
        assert!(batches >= 1);
        assert!(!out.exists(), "nothing may be written after the error");
    }
}
