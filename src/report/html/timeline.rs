//! Versions over time: for companies with several dated policies, a heat table per company
//! with the practices each version added or dropped, and the evidence of each change from
//! [`crate::diff`].

use super::format::escape;
use super::page::{heat_cell, PolicyRow};
use crate::diff::{self, PolicyDiff};
use crate::model::Model;
use crate::predict::TaggedDocument;
use crate::report::charts::policy_name;
use crate::report::Coverage;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Coverage over time for companies with several dated policies, with the practices each
/// version added or dropped.
pub(super) fn timeline_html(
    model: &Model,
    sorted: &[(&TaggedDocument, String, Option<String>)],
    rows: &[PolicyRow],
) -> String {
    let mut by_company: BTreeMap<&str, Vec<&PolicyRow>> = BTreeMap::new();
    for r in rows {
        if r.cov[0].date.is_some() {
            by_company.entry(&r.cov[0].company).or_default().push(r);
        }
    }
    by_company.retain(|_, v| v.len() >= 2);
    if by_company.is_empty() {
        return String::new();
    }
    let max = rows
        .iter()
        .flat_map(|r| r.cov.iter())
        .map(|c| c.share)
        .fold(0.0, f64::max);
    let mut h = String::from(
        "<section id=\"timeline\"><h2>Coverage over time</h2>\n<p class=\"note\">One row per dated version; \
         a green outline marks a practice the version states and the previous one did not, a red one a practice it dropped.</p>\n",
    );
    for (company, versions) in by_company {
        let _ = write!(
            h,
            "<h3>{}</h3>\n<div class=\"scroll\"><table class=\"heat\"><thead><tr><th>Date</th><th class=\"num\">Sentences</th>",
            escape(company)
        );
        for (l, name) in model.labels().iter().enumerate() {
            let _ = write!(
                h,
                "<th class=\"lab\"><span class=\"sw k{l}\"></span>{}</th>",
                escape(name)
            );
        }
        h.push_str("<th>Changes</th></tr></thead><tbody>\n");
        let mut prev: Option<&PolicyRow> = None;
        for r in &versions {
            let date = r.cov[0].date.as_deref().unwrap_or("");
            let link = match r.doc {
                Some(i) => format!("<a href=\"#p{i}\">{}</a>", escape(date)),
                None => escape(date),
            };
            let _ = write!(
                h,
                "<tr><th>{link}</th><td class=\"num\">{}</td>",
                r.cov[0].total
            );
            let (mut plus, mut minus) = (Vec::new(), Vec::new());
            for (l, c) in r.cov.iter().enumerate() {
                let before = prev.map(|p| p.cov[l].covered);
                let class = match before {
                    Some(false) if c.covered => {
                        plus.push(escape(&c.label));
                        "gain"
                    }
                    Some(true) if !c.covered => {
                        minus.push(escape(&c.label));
                        "loss"
                    }
                    _ => "",
                };
                h.push_str(&heat_cell(
                    c,
                    max,
                    r.doc.map(|i| (i, sorted[i].0)),
                    l,
                    class,
                ));
            }
            let mut changes = Vec::new();
            if !plus.is_empty() {
                changes.push(format!("<span class=\"plus\">+ {}</span>", plus.join(", ")));
            }
            if !minus.is_empty() {
                changes.push(format!(
                    "<span class=\"minus\">− {}</span>",
                    minus.join(", ")
                ));
            }
            let _ = writeln!(h, "<td>{}</td></tr>", changes.join("<br>"));
            prev = Some(r);
        }
        h.push_str("</tbody></table></div>\n");
        // Evidence: diff each version against the previous one (first document of each).
        for pair in versions.windows(2) {
            let (Some(a), Some(b)) = (pair[0].doc, pair[1].doc) else {
                continue;
            };
            let d = diff::diff_documents(model, sorted[a].0, sorted[b].0);
            h.push_str(&diff_details(&d, &pair[0].cov[0], &pair[1].cov[0]));
        }
    }
    h.push_str("</section>\n");
    h
}

/// A collapsible account of one version change: practices added and removed with their
/// evidence sentences, and sentences reworded.
pub fn diff_details(d: &PolicyDiff, old: &Coverage, new: &Coverage) -> String {
    let mut h = String::new();
    let _ = write!(
        h,
        "<details><summary>{} → {}: {} sentences unchanged, {} reworded, {} removed, {} added",
        escape(&policy_name(old)),
        escape(&policy_name(new)),
        d.alignment.unchanged,
        d.alignment.reworded,
        d.alignment.removed,
        d.alignment.added
    );
    if !d.practices_added.is_empty() {
        let _ = write!(
            h,
            "; <span class=\"plus\">practices added: {}</span>",
            escape(&d.practices_added.join(", "))
        );
    }
    if !d.practices_removed.is_empty() {
        let _ = write!(
            h,
            "; <span class=\"minus\">practices removed: {}</span>",
            escape(&d.practices_removed.join(", "))
        );
    }
    h.push_str("</summary>\n");
    for p in d.practices.iter().filter(|p| p.changed()) {
        let _ = write!(
            h,
            "<p><b>{}</b> ({}: {} → {} sentences)</p><ul class=\"evidence\">",
            escape(&p.label),
            p.status.as_str(),
            p.old_sentences,
            p.new_sentences
        );
        for e in &p.added {
            let _ = write!(h, "<li class=\"add\">{}</li>", escape(&e.text));
        }
        for e in &p.removed {
            let _ = write!(h, "<li class=\"del\">{}</li>", escape(&e.text));
        }
        for r in &p.reworded {
            let _ = write!(
                h,
                "<li class=\"rew\">{} <br>→ {}</li>",
                escape(&r.old.text),
                escape(&r.new.text)
            );
        }
        h.push_str("</ul>\n");
    }
    h.push_str("</details>\n");
    h
}
