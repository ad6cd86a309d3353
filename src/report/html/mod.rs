//! The self-contained HTML report (`report.html`).
//!
//! One file with inline CSS, SVG and a small script; it loads nothing from the network (no
//! fonts, scripts or images) and its Content-Security-Policy allows no other resource and
//! runs only the report's own script (by its SHA-256 hash). It has:
//!
//! * an overview: a coverage heatmap (policies × practices, share of sentences; practices a
//!   policy is silent on are marked "—"), each company linking to its policy view and each
//!   cell to the first sentence stating the practice;
//! * the charts (`coverage.svg`, `practices.svg`, see [`crate::report::charts`]) inline;
//! * for companies with several dated versions, their coverage over time and the practices
//!   each version added or dropped (with evidence sentences, see [`crate::diff`]);
//! * one policy view per document: every sentence highlighted by its practices, with the
//!   probabilities and the terms that contributed most ([`crate::model::Model::explain`]) on hover (title)
//!   and, on click, in an inspector panel (also opened by a `#p<doc>-s<sentence>` link, as
//!   from the heatmap cells); a legend that filters by practice.
//!
//! Every piece of text that comes from a policy, a file name or the model is HTML-escaped
//! ([`escape`]): a policy containing `<script>` or `onerror=` shows as text.
//!
//! The page is built in `page.rs` (skeleton, overview, charts), `views.rs` (policy views),
//! `timeline.rs` (versions over time), `explain.rs` (the model's explanations) and
//! `format.rs` (escaping and number formatting).

mod explain;
mod format;
mod page;
mod timeline;
mod views;

pub use explain::FROM_PARAGRAPH;
pub use format::{escape, escape_into};
pub use page::report_html;
pub use timeline::diff_details;

use crate::predict::TaggedDocument;
use crate::report::{Coverage, FileStatus};

/// The SVG charts embedded in the report.
#[derive(Debug, Clone, Copy)]
pub struct Charts<'a> {
    /// The coverage heatmap.
    pub coverage: &'a str,
    /// The per-practice bar chart.
    pub practices: &'a str,
}

/// What the report page shows.
pub struct ReportPage<'a> {
    /// The documents with a policy view: at most [`MAX_POLICY_VIEWS`], the first in company,
    /// date, path order (extra ones are ignored).
    pub views: &'a [&'a TaggedDocument],
    /// Number of documents tagged in all.
    pub tagged: usize,
    /// Number of sentences tagged in all.
    pub sentences: usize,
    /// Coverage of every company × date.
    pub coverage: &'a [Coverage],
    /// Accounting of every input.
    pub files: &'a [FileStatus],
    /// The SVG charts.
    pub charts: Charts<'a>,
}

/// Policy views are written for at most this many documents (the overview lists them all).
pub const MAX_POLICY_VIEWS: usize = 300;
