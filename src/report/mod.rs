//! Reports: the sink of tagged documents → polars DataFrames → CSV, Parquet, Markdown and
//! HTML. [`ReportWriter`] takes batches (from [`crate::predict::tag_into`], through
//! [`Sink`]) and writes the files; each job has its own file: `coverage.rs` (per company ×
//! date × label), `files.rs` (the input accounting), `frames.rs` (DataFrames, CSV and
//! Parquet), `summary.rs` (summary.md), [`charts`] and [`html`].
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
mod coverage;
mod files;
mod frames;
pub mod html;
pub mod profile;
mod summary;

pub use coverage::{coverage, Coverage, CoverageAccumulator};
pub use files::{accounting_line, file_statuses, problem_files, FileStatus};
pub use frames::{coverage_frame, files_frame, join_labels, sentences_frame};
pub use summary::summary_markdown;

/// Files tagged per batch when a report is fed by [`crate::predict::tag_into`] (its
/// [`crate::predict::BATCH_FILES`]).
pub use crate::predict::BATCH_FILES as REPORT_BATCH_FILES;

use crate::error::{Error, Result};
use crate::io::{write_uncommitted, AtomicFile};
use crate::model::Model;
use crate::predict::{Outcome, Sink, TaggedDocument};
use frames::{polars_err, write_csv, write_parquet, SentenceSink};
use profile::ProfileAccumulator;
use std::collections::BTreeMap;
use std::path::Path;

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
    profile: ProfileAccumulator,
    files: Vec<FileStatus>,
    views: ViewMap,
    tagged: usize,
    total_sentences: usize,
}

/// The documents shown in report.html, by (company, date, path, arrival): the first
/// [`crate::report::html::MAX_POLICY_VIEWS`] in that order are kept.
type ViewMap = BTreeMap<(String, Option<String>, std::path::PathBuf, usize), TaggedDocument>;

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
            profile: ProfileAccumulator::default(),
            files: Vec::new(),
            views: BTreeMap::new(),
            tagged: 0,
            total_sentences: 0,
        })
    }

    /// Adds a batch of outcomes (in input order): what [`crate::predict::tag_into`] calls
    /// through [`Sink`].
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
            if self.sentences.is_none() {
                self.sentences = Some(SentenceSink::create(&p, &df)?);
            }
            let sink = self.sentences.as_mut().expect("just created");
            sink.write(&p, &df)?;
        }
        for d in docs {
            self.coverage.add(&d);
            self.profile.add(self.model, &d);
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
                    Some(sink) => sink.commit(&p),
                    None => frames::write_empty_sentences(model, &p),
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
                self.profile,
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
        profile: ProfileAccumulator,
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
        let profile = model.attributes().map(|_| profile.finish(model));
        let p = dir.join("coverage.svg");
        let coverage_svg = crate::report::charts::coverage_svg(model.labels(), &cov)
            .map_err(|e| polars_err(&p, e))?;
        write(&p, coverage_svg.as_bytes())?;
        let p = dir.join("practices.svg");
        let practices_svg = crate::report::charts::practices_svg(model.labels(), &cov)
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
                let mut summary = summary_markdown(model, &cov, &files);
                if let Some(rows) = &profile {
                    let p = dir.join("profile.csv");
                    let mut pdf = frames::profile_frame(rows).map_err(|e| polars_err(&p, e))?;
                    commit(write_csv(&p, &mut pdf)?)?;
                    commit(write_parquet(&dir.join("profile.parquet"), &mut pdf)?)?;
                    summary.push_str("\n## Data profile\n\nWhat each policy says about people's data (attribute values of its sentences; the number of sentences, then the strongest evidence sentence: its index in its file, as in sentences.parquet).\n");
                    summary.push_str(&profile::profile_markdown(rows));
                }
                write(&dir.join("summary.md"), summary.as_bytes())
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

impl Sink for ReportWriter<'_> {
    fn add(&mut self, outcomes: Vec<Outcome>) -> Result<()> {
        ReportWriter::add(self, outcomes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_write_error_stops_the_report_and_names_the_file() {
        let model = crate::predict::shipped_model();
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
        let err = crate::predict::tag_into(
            &model,
            &inputs,
            &Default::default(),
            &|| {},
            &mut |o| {
                assert_eq!(o.len(), REPORT_BATCH_FILES);
                batches += 1;
            },
            writer,
        )
        .and_then(ReportWriter::finish)
        .unwrap_err();
        assert!(
            err.to_string().starts_with(&out.display().to_string()),
            "{err}"
        );
        assert!(batches >= 1);
        assert!(!out.exists(), "nothing may be written after the error");
    }
}
