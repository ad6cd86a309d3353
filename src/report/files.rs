//! File accounting: every input with its status (tagged, skipped, failed), sentence count and
//! message, so nothing is silently dropped; and the summary line and problem list that
//! `summary.md` and `report.html` both show.

use crate::predict::Outcome;
use std::path::Path;

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
    /// ISO 639-3 code of the policy's language (`eng`, `deu`, …, `und`); empty when the file
    /// was not read.
    pub language: &'static str,
    /// Mojibake runs repaired while reading (0: none).
    pub repaired: usize,
    /// Why it was skipped or failed, or warnings.
    pub message: String,
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
                language: d.language.code(),
                repaired: d.repaired,
                message: d.warnings.join("; "),
            },
            Outcome::Skipped(p, why) => FileStatus {
                file: p.display().to_string(),
                company: String::new(),
                status: "skipped",
                sentences: 0,
                language: "",
                repaired: 0,
                message: why.to_string(),
            },
            Outcome::Failed(p, e) => FileStatus {
                file: p.display().to_string(),
                company: String::new(),
                status: "failed",
                sentences: 0,
                language: "",
                repaired: 0,
                message: strip_path(&e.to_string(), p),
            },
        })
        .collect()
}

fn strip_path(msg: &str, p: &Path) -> String {
    let prefix = format!("{}: ", p.display());
    msg.strip_prefix(&prefix).unwrap_or(msg).to_string()
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
