//! Policy views: one document's text with every sentence highlighted by its practices, its
//! probabilities and explanations on hover and in the inspector.

use super::explain::{self, FROM_PARAGRAPH};
use super::format::{escape, escape_into, push_prob3};
use crate::features::SparseRow;
use crate::model::Model;
use crate::predict::{TaggedDocument, TaggedSentence};
use std::fmt::Write as _;

/// The index of the first sentence of `d` tagged with label `l`.
pub(super) fn first_with_label(d: &TaggedDocument, l: usize) -> Option<usize> {
    d.sentences
        .iter()
        .find(|s| s.labels.contains(&l))
        .map(|s| s.index)
}

/// The hover text of a sentence: each predicted practice with its probability and top terms,
/// else the most likely practice.
fn sentence_info(
    model: &Model,
    s: &TaggedSentence,
    row: &SparseRow,
) -> (String, serde_json::Value) {
    let mut title = Vec::new();
    let mut terms = serde_json::Map::new();
    let explained = explain::top_terms(model, row, &s.labels);
    for (&l, t) in s.labels.iter().zip(explained) {
        title.push(format!(
            "{} {:.2} · {}",
            model.labels()[l],
            s.probs[l],
            if t.is_empty() {
                FROM_PARAGRAPH.to_string()
            } else {
                t.join(", ")
            }
        ));
        terms.insert(l.to_string(), serde_json::json!(t));
    }
    if title.is_empty() {
        if let Some((l, p)) = s.probs.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1)) {
            title.push(format!(
                "no practice (most likely: {} {p:.2})",
                model.labels()[l]
            ));
        }
    }
    (title.join("\n"), serde_json::Value::Object(terms))
}

/// One sentence as a highlighted, focusable span.
fn sentence_html(model: &Model, doc_id: usize, s: &TaggedSentence, row: &SparseRow) -> String {
    let (title, terms) = sentence_info(model, s, row);
    let mut probs = String::with_capacity(6 * s.probs.len());
    for (i, &p) in s.probs.iter().enumerate() {
        if i > 0 {
            probs.push(' ');
        }
        push_prob3(&mut probs, p);
    }
    let mut class = String::from("s");
    let mut labels = s.labels.clone();
    labels.sort_by(|&a, &b| s.probs[b].total_cmp(&s.probs[a]));
    if let Some(&top) = labels.first() {
        let _ = write!(class, " t b{top}");
        for l in &labels {
            let _ = write!(class, " h{l}");
        }
    }
    let mut out = format!(
        "<span class=\"{class}\" id=\"p{doc_id}-s{}\" data-p=\"{}\" title=\"{}\"",
        s.index,
        probs,
        escape(&title)
    );
    if !labels.is_empty() {
        let _ = write!(
            out,
            " data-t=\"{}\" tabindex=\"0\"",
            escape(&terms.to_string())
        );
    }
    out.push('>');
    escape_into(&mut out, &s.text);
    if !labels.is_empty() {
        out.push_str("<span class=\"chips\" aria-hidden=\"true\">");
        for l in &labels {
            let _ = write!(out, "<i class=\"k{l}\"></i>");
        }
        out.push_str("</span>");
    }
    out.push_str("</span>");
    out
}

/// What the policy says about people's data (its attribute values by profile section), each
/// item linking to its first evidence sentence; nothing for a model without attributes.
fn profile_html(h: &mut String, model: &Model, i: usize, d: &TaggedDocument) {
    use crate::model::attributes::family_of;
    use crate::report::profile::{section, SECTIONS};
    let Some(head) = model.attributes() else {
        return;
    };
    let names = head.names();
    // (section, value) → (sentences, first sentence)
    let mut items: std::collections::BTreeMap<(usize, &str), (usize, usize)> =
        std::collections::BTreeMap::new();
    for s in &d.sentences {
        let mut seen = Vec::new();
        for (l, v, negated) in head.statements(&s.labels, &s.attributes) {
            let name = names[v].as_str();
            let stance = if negated { "does not" } else { "does" };
            if let Some(sec) = section(&model.labels()[l], family_of(name), stance) {
                let k = SECTIONS.iter().position(|x| *x == sec).unwrap_or(0);
                if !seen.contains(&(k, v)) {
                    seen.push((k, v));
                    let e = items.entry((k, name)).or_insert((0, s.index));
                    e.0 += 1;
                }
            }
        }
    }
    if items.is_empty() {
        return;
    }
    h.push_str("<p class=\"profile\">What it says about your data:");
    let mut current = None;
    for ((k, name), (n, first)) in &items {
        if current != Some(*k) {
            let _ = write!(h, "<br><b>{}:</b> ", escape(SECTIONS[*k]));
            current = Some(*k);
        } else {
            h.push_str(", ");
        }
        let shown = if SECTIONS[*k] == "Says it does not" || SECTIONS[*k].starts_with("Retention") {
            name
        } else {
            name.split_once(": ").map_or(*name, |(_, v)| v)
        };
        let _ = write!(h, "<a href=\"#p{i}-s{first}\">{} ({n})</a>", escape(shown));
    }
    h.push_str("</p>\n");
}

/// The policy view of document `i`: its metadata, the practices it states (each linking to
/// its first sentence) and its text with every sentence highlighted.
pub(super) fn policy_view(
    h: &mut String,
    model: &Model,
    i: usize,
    d: &TaggedDocument,
    company: &str,
    date: Option<&str>,
) {
    let name = match date {
        Some(t) => format!("{company} ({t})"),
        None => company.to_string(),
    };
    let _ = write!(
        h,
        "<article class=\"policy\" id=\"p{i}\" data-name=\"{}\"><h3>{}",
        escape(&name),
        escape(company)
    );
    if let Some(t) = date {
        let _ = write!(h, " <span class=\"date\">{}</span>", escape(t));
    }
    let _ = write!(
        h,
        "</h3>\n<p class=\"meta\"><a href=\"#overview\">↑ Overview</a> · {} · {} sentences",
        escape(&d.path.display().to_string()),
        d.sentences.len()
    );
    if let Some(url) = d.archive.as_ref().and_then(|a| a.url.as_deref()) {
        if url.starts_with("https://") || url.starts_with("http://") {
            let _ = write!(
                h,
                " · <a href=\"{}\" rel=\"noreferrer noopener\">archived snapshot</a>",
                escape(url)
            );
        }
    }
    h.push_str("</p>\n<p class=\"stated\">States: ");
    let mut silent = Vec::new();
    for (l, name) in model.labels().iter().enumerate() {
        let n = d.sentences.iter().filter(|s| s.labels.contains(&l)).count();
        match first_with_label(d, l) {
            Some(s) => {
                let _ = write!(
                    h,
                    "<a href=\"#p{i}-s{s}\"><span class=\"sw k{l}\"></span>{} ({n})</a>",
                    escape(name)
                );
            }
            None => silent.push(escape(name)),
        }
    }
    if !silent.is_empty() {
        let _ = write!(
            h,
            "<br><span class=\"silent\">Silent on: {}</span>",
            silent.join(", ")
        );
    }
    h.push_str("</p>\n");
    profile_html(h, model, i, d);
    h.push_str("<div class=\"text\">\n");
    let mut open: Option<&str> = None;
    let mut prev_end: Option<usize> = None;
    let rows = explain::sentence_rows(model, d);
    for (si, s) in d.sentences.iter().enumerate() {
        let gap = prev_end.and_then(|e| d.text.get(e..s.span.start));
        let new_block = s.heading || open == Some("h4") || gap.is_none_or(|g| g.contains('\n'));
        if new_block {
            if let Some(tag) = open.take() {
                let _ = writeln!(h, "</{tag}>");
            }
            let tag = if s.heading { "h4" } else { "p" };
            let _ = write!(h, "<{tag}>");
            open = Some(tag);
        } else {
            h.push(' ');
        }
        h.push_str(&sentence_html(model, i, s, &rows[si]));
        prev_end = Some(s.span.end);
    }
    if let Some(tag) = open {
        let _ = writeln!(h, "</{tag}>");
    }
    h.push_str("</div></article>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_practice_without_its_own_terms_is_explained_by_its_paragraph() {
        let model = crate::predict::shipped_model();
        let nl = model.labels().len();
        // A sentence with no known word, tagged with label 0 as the neighbour stage can.
        let s = TaggedSentence {
            index: 0,
            span: 0..4,
            text: "zzqx".into(),
            heading: false,
            block: 0,
            probs: vec![0.7; nl],
            labels: vec![0],
            attribute_probs: Vec::new(),
            attributes: Vec::new(),
        };
        let row = model.rows_of_blocks(&[(0, "zzqx")]).pop().unwrap();
        let (title, _) = sentence_info(&model, &s, &row);
        assert_eq!(
            title,
            format!("{} 0.70 · {FROM_PARAGRAPH}", model.labels()[0])
        );
    }
}
