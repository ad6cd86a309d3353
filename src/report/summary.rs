//! `summary.md`: the coverage matrix and the file accounting as Markdown.

use crate::model::Model;
use crate::report::coverage::Coverage;
use crate::report::files::{accounting_line, problem_files, FileStatus};
use std::fmt::Write as _;

/// The note under a coverage table with a policy in another language.
pub const FOREIGN_NOTE: &str = "\n⚠ marks a policy written in another language than English (ISO 639-3 code): the model reads English only, so its row means little. `--skip-non-english` leaves such files out.\n";

/// The Markdown summary: coverage matrix (✓ with the share of sentences, or — when silent) and
/// file accounting.
pub fn summary_markdown(model: &Model, cov: &[Coverage], files: &[FileStatus]) -> String {
    let mut s = String::from("# Policy coverage\n\n");
    let _ = writeln!(s, "| company | date | {} |", model.labels().join(" | "));
    let _ = writeln!(s, "|---|---|{}", "---|".repeat(model.labels().len()));
    let mut foreign = false;
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
        let mark = if row[0].foreign() {
            foreign = true;
            format!(" ⚠ {}", row[0].language)
        } else {
            String::new()
        };
        let _ = writeln!(
            s,
            "| {}{mark} | {} | {} |",
            md_escape(&row[0].company),
            row[0].date.as_deref().unwrap_or(""),
            cells.join(" | ")
        );
    }
    if foreign {
        s.push_str(FOREIGN_NOTE);
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
