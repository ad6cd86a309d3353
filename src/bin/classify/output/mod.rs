//! Everything the binary prints: tables, CSV, JSON, summaries.

use crate::cli::{ColorChoice, DiffFormat, EvalFormat, PredictFormat};
use anyhow::Result;
use comfy_table::{presets, Cell, ContentArrangement, Table};
use policy_classifier::eval::attributes::AttributeEvaluation;
use policy_classifier::eval::{Evaluation, Scores};
use policy_classifier::features::Scratch;
use policy_classifier::labels::{Decisions, Probabilities};
use policy_classifier::model::{Model, TermContribution, FROM_PARAGRAPH};
use policy_classifier::predict::Outcome;
use policy_classifier::report::{self, ReportSummary};
use policy_classifier::selftrain::SelfTrained;
use policy_classifier::text::truncate_chars;
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::time::Duration;

/// An error and its causes on one line.
pub fn one_line(e: &dyn std::fmt::Display) -> String {
    e.to_string().replace('\n', " ")
}

fn new_table() -> Table {
    let mut t = Table::new();
    if std::io::stdout().is_terminal() {
        t.load_preset(presets::UTF8_FULL_CONDENSED);
        t.set_content_arrangement(ContentArrangement::Dynamic);
    } else {
        t.load_preset(presets::ASCII_MARKDOWN);
    }
    if colour_enabled() {
        // comfy-table drops styling when stdout is not a terminal; --color always keeps it.
        t.enforce_styling();
    }
    t
}

pub fn print_train_summary(model: &Model, path: &Path, took: Duration) -> Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "trained on {} rows, {} labels, {} features in {:.1} s → {}",
        model.training().rows,
        model.labels().len(),
        model.vectoriser().len(),
        took.as_secs_f64(),
        path.display()
    )?;
    if !model.sparse_only().is_empty() {
        let names: Vec<&str> = model
            .sparse_only()
            .iter()
            .map(|&l| model.labels()[l].as_str())
            .collect();
        eprintln!(
            "classify: note: {} of {} labels keep the sparse solver's weights (the same objective): linfa-logistic's dense matrix would exceed {} MiB ({})",
            names.len(),
            model.labels().len(),
            model.params().dense_limit_mib,
            names.join(", ")
        );
    }
    if let Some(cv) = model.cv() {
        writeln!(
            out,
            "{}-fold grouped CV (out-of-fold, {} level): micro-F1 {:.3}, macro-F1 {:.3}",
            cv.folds,
            match model.params().unit {
                policy_classifier::model::Unit::Sentence => "sentence",
                policy_classifier::model::Unit::Segment => "segment",
            },
            cv.scores.micro_f1,
            cv.scores.macro_f1
        )?;
    }
    let t = fit_table(
        "label",
        model.labels(),
        &model.training().label_counts,
        model.thresholds(),
        model.cv().map(|c| &c.scores),
    );
    writeln!(out, "{t}")?;
    print_attribute_summary(&mut out, model)?;
    Ok(())
}

/// One row per output of a fitted head: name, training rows, threshold, out-of-fold F1.
/// The self-training account: documents used, then per label its last cut-offs and the rows
/// each round added.
pub fn print_self_training(done: &SelfTrained) -> Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "self-training over {} documents ({} sentences; {} inputs not used)",
        done.documents,
        done.sentences,
        done.unused.len()
    )?;
    let mut t = new_table();
    let mut header = vec![
        "label".to_string(),
        "present at P ≥".into(),
        "absent at P <".into(),
    ];
    header.extend(done.rounds.iter().map(|r| format!("round {}", r.round)));
    t.set_header(header);
    let labels = done.model.labels();
    let last = done.rounds.last().map(|r| &r.cut_offs);
    for (i, name) in labels
        .iter()
        .chain(std::iter::once(&"(no label)".to_string()))
        .enumerate()
    {
        let mut row = vec![name.clone()];
        match last.filter(|_| i < labels.len()) {
            Some(c) => {
                row.push(c.present[i].map_or("never".into(), |p| format!("{p:.3}")));
                row.push(format!("{:.3}", c.absent[i]));
            }
            None => row.extend(["".to_string(), "".to_string()]),
        }
        row.extend(done.rounds.iter().map(|r| r.added[i].to_string()));
        t.add_row(row);
    }
    let mut total = vec![
        "added (of confident)".to_string(),
        String::new(),
        String::new(),
    ];
    total.extend(
        done.rounds
            .iter()
            .map(|r| format!("{} ({})", r.total(), r.confident)),
    );
    t.add_row(total);
    writeln!(out, "{t}")?;
    Ok(())
}

fn fit_table(
    what: &str,
    names: &[String],
    counts: &[usize],
    thresholds: &policy_classifier::labels::Thresholds,
    cv: Option<&policy_classifier::labels::Scores>,
) -> Table {
    let mut t = new_table();
    t.set_header(vec![what, "rows", "threshold", "cv F1"]);
    for (l, name) in names.iter().enumerate() {
        let f1 = cv
            .map(|c| format!("{:.3}", c.per_label[l].f1))
            .unwrap_or_else(|| "-".into());
        t.add_row(vec![
            name.clone(),
            counts[l].to_string(),
            format!("{:.3}", thresholds.get(l)),
            f1,
        ]);
    }
    t
}

/// The attribute head's part of the training summary: learned values with their rows,
/// thresholds and out-of-fold F1, then the values not learned.
fn print_attribute_summary(out: &mut impl Write, model: &Model) -> Result<()> {
    let not_learned = &model.training().attributes_not_learned;
    if let Some(head) = model.attributes() {
        writeln!(
            out,
            "attribute values: {} learned (at least {} rows each)",
            head.names().len(),
            model.params().min_attribute_examples
        )?;
        if let Some(cv) = head.cv() {
            writeln!(
                out,
                "attribute values, out-of-fold: micro-F1 {:.3}, macro-F1 {:.3}",
                cv.micro_f1, cv.macro_f1
            )?;
        }
        let t = fit_table(
            "attribute value",
            head.names(),
            head.counts(),
            head.thresholds(),
            head.cv(),
        );
        writeln!(out, "{t}")?;
    }
    if !not_learned.is_empty() {
        let list: Vec<String> = not_learned
            .iter()
            .map(|(n, c)| format!("{n} ({c})"))
            .collect();
        writeln!(
            out,
            "not learned (fewer than {} rows; --min-attribute-examples): {}",
            model.params().min_attribute_examples,
            list.join(", ")
        )?;
    }
    Ok(())
}

/// The names of the attribute values at `idx` of the model's attribute head.
fn attribute_names<'a>(model: &'a Model, idx: &[usize]) -> Vec<&'a str> {
    model
        .attributes()
        .map(|h| idx.iter().map(|&v| h.names()[v].as_str()).collect())
        .unwrap_or_default()
}

/// `{value: probability}` of every attribute value of the model.
fn attribute_probs_json(
    model: &Model,
    probs: &[f32],
) -> serde_json::Map<String, serde_json::Value> {
    model
        .attributes()
        .map(|h| {
            h.names()
                .iter()
                .zip(probs)
                .map(|(n, &p)| (n.clone(), serde_json::json!((p as f64 * 1e6).round() / 1e6)))
                .collect()
        })
        .unwrap_or_default()
}

fn probs_json(model: &Model, probs: &[f32]) -> serde_json::Map<String, serde_json::Value> {
    model
        .labels()
        .iter()
        .zip(probs)
        .map(|(l, &p)| (l.clone(), serde_json::json!((p as f64 * 1e6).round() / 1e6)))
        .collect()
}

pub fn print_predictions(
    model: &Model,
    outcomes: &[Outcome],
    format: PredictFormat,
    explain: bool,
) -> Result<()> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let docs = outcomes.iter().filter_map(|o| match o {
        Outcome::Tagged(d) => Some(d),
        _ => None,
    });
    match format {
        PredictFormat::Csv => {
            let mut w = csv::Writer::from_writer(&mut out);
            let mut header = vec![
                "company".to_string(),
                "file".into(),
                "sentence".into(),
                "text".into(),
                "labels".into(),
                "attributes".into(),
            ];
            header.extend(model.labels().iter().cloned());
            w.write_record(&header)?;
            for d in docs {
                for s in &d.sentences {
                    let mut rec = vec![
                        d.company.clone(),
                        d.path.display().to_string(),
                        s.index.to_string(),
                        s.text.clone(),
                        report::join_labels(model, &s.labels),
                        attribute_names(model, &s.attributes).join(";"),
                    ];
                    rec.extend(s.probs.iter().map(|p| format!("{p:.6}")));
                    w.write_record(&rec)?;
                }
            }
            w.flush()?;
        }
        PredictFormat::Jsonl | PredictFormat::Json => {
            let mut all = Vec::new();
            for d in docs {
                let contexts = if explain { d.contexts() } else { Vec::new() };
                let mut scratch = Scratch::default();
                for (i, s) in d.sentences.iter().enumerate() {
                    let mut v = serde_json::json!({
                        "company": d.company,
                        "file": d.path.display().to_string(),
                        "sentence": s.index,
                        "text": s.text,
                        "labels": s.labels.iter().map(|&l| model.labels()[l].as_str()).collect::<Vec<_>>(),
                        "probabilities": probs_json(model, &s.probs),
                        "attributes": attribute_names(model, &s.attributes),
                        "attribute_probabilities": attribute_probs_json(model, &s.attribute_probs),
                        "span": [s.span.start, s.span.end],
                    });
                    if explain {
                        let ctx = contexts.get(i).map(|c| &**c);
                        let names: Vec<&str> = s
                            .labels
                            .iter()
                            .map(|&l| model.labels()[l].as_str())
                            .collect();
                        v["explanations"] = explanations_json(
                            &names,
                            model.explain_labels(&s.text, ctx, &s.labels, 5, &mut scratch),
                        );
                        v["attribute_explanations"] = explanations_json(
                            &attribute_names(model, &s.attributes),
                            model.explain_attributes(&s.text, ctx, &s.attributes, 5, &mut scratch),
                        );
                    }
                    if format == PredictFormat::Jsonl {
                        serde_json::to_writer(&mut out, &v)?;
                        writeln!(out)?;
                    } else {
                        all.push(v);
                    }
                }
            }
            if format == PredictFormat::Json {
                serde_json::to_writer_pretty(&mut out, &all)?;
                writeln!(out)?;
            }
        }
        PredictFormat::Table => {
            let on = colour_enabled();
            for d in docs {
                let date = d
                    .archive
                    .as_ref()
                    .map(|a| format!(", archived {}", a.date))
                    .unwrap_or_default();
                writeln!(
                    out,
                    "{} ({}{}) — {} sentences",
                    d.path.display(),
                    d.company,
                    date,
                    d.sentences.len()
                )?;
                let mut t = new_table();
                t.set_header(vec!["#", "labels (probability)", "sentence"]);
                let contexts = if explain { d.contexts() } else { Vec::new() };
                let mut scratch = Scratch::default();
                for (i, s) in d.sentences.iter().enumerate() {
                    let mut labs: Vec<String> = s
                        .labels
                        .iter()
                        .map(|&l| format!("{} ({:.2})", model.labels()[l], s.probs[l]))
                        .collect();
                    if explain {
                        let ctx = contexts.get(i).map(|c| &**c);
                        let explained =
                            model.explain_labels(&s.text, ctx, &s.labels, 4, &mut scratch);
                        for (&l, e) in s.labels.iter().zip(explained) {
                            let terms: Vec<String> = e.iter().map(ToString::to_string).collect();
                            let why = if terms.is_empty() {
                                // No word of its own pushed it up: the neighbour stage did.
                                FROM_PARAGRAPH.to_string()
                            } else {
                                terms.join(", ")
                            };
                            labs.push(format!("  ↳ {}: {why}", model.labels()[l]));
                        }
                    }
                    // What the sentence says: its attribute values, under the categories.
                    let names = attribute_names(model, &s.attributes);
                    for (&v, name) in s.attributes.iter().zip(&names) {
                        labs.push(format!("· {name} ({:.2})", s.attribute_probs[v]));
                    }
                    if explain && !s.attributes.is_empty() {
                        let ctx = contexts.get(i).map(|c| &**c);
                        let explained =
                            model.explain_attributes(&s.text, ctx, &s.attributes, 4, &mut scratch);
                        for (name, e) in names.iter().zip(explained) {
                            let terms: Vec<String> = e.iter().map(ToString::to_string).collect();
                            if !terms.is_empty() {
                                labs.push(format!("  ↳ {name}: {}", terms.join(", ")));
                            }
                        }
                    }
                    let mut by_prob = s.labels.clone();
                    by_prob.sort_by(|&a, &b| s.probs[b].total_cmp(&s.probs[a]));
                    let mut label_cell = Cell::new(labs.join("\n"));
                    let mut text_cell = Cell::new(&s.text);
                    if on {
                        match by_prob.first() {
                            Some(&top) => label_cell = label_cell.fg(label_color(top)),
                            None => text_cell = text_cell.fg(comfy_table::Color::DarkGrey),
                        }
                        if s.heading {
                            text_cell = text_cell.add_attribute(comfy_table::Attribute::Bold);
                        }
                    }
                    t.add_row(vec![Cell::new(s.index), label_cell, text_cell]);
                }
                writeln!(out, "{t}\n")?;
            }
        }
    }
    out.flush()?;
    Ok(())
}

/// `{name: [{term, contribution}, …]}` for the explained outputs `names` (categories or
/// attribute values), contributions rounded to six decimals.
fn explanations_json(names: &[&str], explained: Vec<Vec<TermContribution>>) -> serde_json::Value {
    let mut m = serde_json::Map::new();
    for (name, e) in names.iter().zip(explained) {
        let terms: Vec<serde_json::Value> = e
            .into_iter()
            .map(|t| serde_json::json!({"term": t.to_string(), "contribution": (t.contribution as f64 * 1e6).round() / 1e6}))
            .collect();
        m.insert(name.to_string(), serde_json::Value::Array(terms));
    }
    serde_json::Value::Object(m)
}

pub fn write_predictions_csv(
    path: &Path,
    model: &Model,
    probs: &Probabilities,
    pred: &Decisions,
    attributes: Option<(&[String], &Decisions)>,
) -> Result<()> {
    let nl = model.labels().len();
    let mut buf = Vec::new();
    {
        let mut w = csv::Writer::from_writer(&mut buf);
        let mut header = vec!["row".to_string(), "predicted".into(), "attributes".into()];
        header.extend(model.labels().iter().cloned());
        w.write_record(&header)?;
        for r in 0..probs.rows() {
            let labs: Vec<&str> = (0..nl)
                .filter(|&l| pred.get(r, l))
                .map(|l| model.labels()[l].as_str())
                .collect();
            let attrs: Vec<&str> = attributes
                .map(|(names, d)| {
                    (0..names.len())
                        .filter(|&v| d.get(r, v))
                        .map(|v| names[v].as_str())
                        .collect()
                })
                .unwrap_or_default();
            let mut rec = vec![r.to_string(), labs.join(";"), attrs.join(";")];
            rec.extend(probs.row(r).iter().map(|p| format!("{p:.6}")));
            w.write_record(&rec)?;
        }
        w.flush()?;
    }
    policy_classifier::io::write_atomic(path, &buf)?;
    Ok(())
}

fn scores_table(title: &str, s: &Scores) -> String {
    let mut t = new_table();
    t.set_header(vec!["label", "precision", "recall", "F1", "support"]);
    for l in &s.per_label {
        t.add_row(vec![
            l.label.clone(),
            format!("{:.3}", l.precision),
            format!("{:.3}", l.recall),
            format!("{:.3}", l.f1),
            l.support.to_string(),
        ]);
    }
    t.add_row(vec![
        "micro avg".to_string(),
        format!("{:.3}", s.micro_precision),
        format!("{:.3}", s.micro_recall),
        format!("{:.3}", s.micro_f1),
        s.per_label
            .iter()
            .map(|l| l.support)
            .sum::<usize>()
            .to_string(),
    ]);
    t.add_row(vec![
        "macro F1".to_string(),
        String::new(),
        String::new(),
        format!("{:.3}", s.macro_f1),
        String::new(),
    ]);
    format!(
        "{title} level ({} units): micro-F1 {:.3}, macro-F1 {:.3}\n{t}\n",
        s.units, s.micro_f1, s.macro_f1
    )
}

pub fn print_evaluation(
    e: &Evaluation,
    attributes: Option<&AttributeEvaluation>,
    format: EvalFormat,
) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match format {
        EvalFormat::Json => match attributes {
            None => writeln!(out, "{}", serde_json::to_string_pretty(e)?)?,
            Some(a) => {
                let mut v = serde_json::to_value(e)?;
                v["attributes"] = serde_json::to_value(a)?;
                writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
            }
        },
        EvalFormat::Table => {
            write!(out, "{}", scores_table("sentence", &e.sentence))?;
            if let Some(s) = &e.segment {
                write!(out, "\n{}", scores_table("segment", s))?;
            }
            if let Some(s) = &e.document {
                write!(out, "\n{}", scores_table("document", s))?;
            }
            if let Some(a) = attributes {
                write!(out, "\n{}", attribute_table(a))?;
            }
        }
    }
    Ok(())
}

/// Attribute scores: the core families pooled, then each family, with micro / macro F1 at
/// each level the data supports.
fn attribute_table(a: &AttributeEvaluation) -> String {
    let cell = |s: Option<&policy_classifier::labels::Scores>| {
        s.map(|s| format!("{:.3} / {:.3}", s.micro_f1, s.macro_f1))
            .unwrap_or_else(|| "-".into())
    };
    let row = |name: &str, l: &policy_classifier::eval::attributes::Levels| {
        [
            name.to_string(),
            cell(Some(&l.sentence)),
            cell(l.segment.as_ref()),
            cell(l.document.as_ref()),
        ]
    };
    let mut rows = vec![row(CORE_FAMILIES_ROW, &a.core)];
    rows.extend(a.families.iter().map(|(f, l)| row(f, l)));
    levels_table(rows)
}

/// How the pooled core families are named in the attribute tables.
const CORE_FAMILIES_ROW: &str = "core families (pooled; Does/Does Not: Does Not only)";

/// An attribute table: a name and its sentence, segment and document cells per row.
fn levels_table(rows: Vec<[String; 4]>) -> String {
    let mut t = new_table();
    t.set_header(vec![
        "attributes",
        "sentence micro / macro",
        "segment micro / macro",
        "document micro / macro",
    ]);
    for r in rows {
        t.add_row(r.to_vec());
    }
    format!("{t}\n")
}

/// Policies shown in the coverage table `report` prints; the rest are counted under it and
/// are in the output directory's summary.md and coverage.csv (a table of thousands of rows
/// is a file's job, not a terminal's).
pub const MAX_TABLE_POLICIES: usize = 50;

pub fn print_coverage(model: &Model, summary: &ReportSummary, dir: &Path) -> Result<()> {
    let mut out = std::io::stdout().lock();
    let on = colour_enabled();
    let mut t = new_table();
    let mut header = vec!["company".to_string(), "sentences".into()];
    header.extend(model.labels().iter().cloned());
    t.set_header(header);
    let policies = policy_classifier::report::charts::policy_rows(&summary.coverage);
    for policy in policies.iter().take(MAX_TABLE_POLICIES) {
        let row = vec![
            policy_classifier::report::charts::policy_name(&policy[0]),
            policy[0].total.to_string(),
        ];
        let mut cells: Vec<Cell> = row.into_iter().map(Cell::new).collect();
        cells.extend(policy.iter().map(|x| {
            // A practice the policy is silent on (red) is what a reviewer looks for.
            let (text, colour) = if x.covered {
                (
                    format!("✓ {:.0}%", x.share * 100.0),
                    comfy_table::Color::Green,
                )
            } else {
                ("—".to_string(), comfy_table::Color::Red)
            };
            let cell = Cell::new(text);
            if on {
                cell.fg(colour)
            } else {
                cell
            }
        }));
        t.add_row(cells);
    }
    writeln!(out, "{t}")?;
    if let Some(more) = policies
        .len()
        .checked_sub(MAX_TABLE_POLICIES)
        .filter(|&n| n > 0)
    {
        writeln!(
            out,
            "… and {more} more policies: all {} are in {}",
            policies.len(),
            dir.join("summary.md").display()
        )?;
    }
    let count = |s: &str| summary.files.iter().filter(|f| f.status == s).count();
    writeln!(
        out,
        "{} inputs: {} tagged, {} skipped, {} failed",
        summary.files.len(),
        count("tagged"),
        count("skipped"),
        count("failed")
    )?;
    Ok(())
}

fn spread_table(title: &str, s: &policy_classifier::eval::cv::LevelSpread) -> String {
    let pm = |x: &policy_classifier::eval::cv::Spread| format!("{:.3} ± {:.3}", x.mean, x.std);
    let mut t = new_table();
    t.set_header(vec!["label", "precision", "recall", "F1", "support"]);
    for l in &s.per_label {
        t.add_row(vec![
            l.label.clone(),
            pm(&l.precision),
            pm(&l.recall),
            pm(&l.f1),
            l.support.to_string(),
        ]);
    }
    t.add_row(vec![
        "micro avg".to_string(),
        pm(&s.micro_precision),
        pm(&s.micro_recall),
        pm(&s.micro_f1),
        String::new(),
    ]);
    t.add_row(vec![
        "macro F1".to_string(),
        String::new(),
        String::new(),
        pm(&s.macro_f1),
        String::new(),
    ]);
    format!(
        "{title} level: micro-F1 {:.3} ± {:.3}, macro-F1 {:.3} ± {:.3}\n{t}\n",
        s.micro_f1.mean, s.micro_f1.std, s.macro_f1.mean, s.macro_f1.std
    )
}

pub fn print_cv(r: &policy_classifier::eval::cv::CvReport, format: EvalFormat) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match format {
        EvalFormat::Json => writeln!(out, "{}", serde_json::to_string_pretty(r)?)?,
        EvalFormat::Table => {
            writeln!(
                out,
                "{}-fold cross-validation grouped by policy (seed {}), mean ± std over folds\n",
                r.folds, r.seed
            )?;
            write!(out, "{}", spread_table("sentence", &r.sentence))?;
            if let Some(s) = &r.segment {
                write!(out, "\n{}", spread_table("segment", s))?;
            }
            if let Some(s) = &r.document {
                write!(out, "\n{}", spread_table("document", s))?;
            }
            if !r.attributes.is_empty() {
                write!(out, "\n{}", attribute_spread_table(&r.attributes))?;
            }
        }
    }
    Ok(())
}

/// Attribute micro / macro F1 over folds (mean ± std), the core families pooled first.
fn attribute_spread_table(rows: &[policy_classifier::eval::cv::AttributeSpread]) -> String {
    use policy_classifier::eval::cv::Spread;
    let cell = |p: Option<&(Spread, Spread)>| {
        p.map(|(a, b)| {
            format!(
                "{:.3} ± {:.3} / {:.3} ± {:.3}",
                a.mean, a.std, b.mean, b.std
            )
        })
        .unwrap_or_else(|| "-".into())
    };
    levels_table(
        rows.iter()
            .map(|r| {
                let name = if r.name == "core families" {
                    CORE_FAMILIES_ROW
                } else {
                    r.name.as_str()
                };
                [
                    name.to_string(),
                    cell(Some(&r.sentence)),
                    cell(r.segment.as_ref()),
                    cell(r.document.as_ref()),
                ]
            })
            .collect(),
    )
}

static COLOUR: std::sync::OnceLock<bool> = std::sync::OnceLock::new();

/// Decides once whether output is coloured: `--color always|never`, else (auto) when stdout
/// is a terminal and `NO_COLOR` is unset or empty.
pub fn set_colour(choice: ColorChoice) {
    let on = match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => auto_colour(),
    };
    // The tables' colours go through crossterm, which honours NO_COLOR on its own; the
    // explicit flag wins over the environment (as the NO_COLOR convention asks).
    crossterm::style::force_color_output(on);
    let _ = COLOUR.set(on);
}

/// Whether to colour output (see [`set_colour`]; auto when it was not called).
fn colour_enabled() -> bool {
    *COLOUR.get_or_init(auto_colour)
}

/// Colour when stdout is a terminal and `NO_COLOR` is unset or empty.
fn auto_colour() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// The terminal colour of label `l`: the same palette as the HTML report and the charts.
fn label_color(l: usize) -> comfy_table::Color {
    let (r, g, b) = policy_classifier::report::charts::label_colour(l);
    comfy_table::Color::Rgb { r, g, b }
}

/// `s` in an ANSI colour (SGR `code`) when `on`.
fn paint(s: &str, code: &str, on: bool) -> String {
    if on {
        format!("\x1b[{code}m{s}\x1b[0m")
    } else {
        s.to_string()
    }
}

pub fn print_diff(d: &policy_classifier::diff::PolicyDiff, format: DiffFormat) -> Result<()> {
    use comfy_table::Color;
    use policy_classifier::diff::{PracticeStatus, Side};
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    if format == DiffFormat::Json {
        serde_json::to_writer_pretty(&mut out, d)?;
        writeln!(out)?;
        out.flush()?;
        return Ok(());
    }
    let on = colour_enabled();
    let side = |s: &Side| {
        let date = s
            .date
            .as_deref()
            .map(|t| format!(", {t}"))
            .unwrap_or_default();
        format!(
            "{} ({}{date}) — {} sentences",
            s.file, s.company, s.sentences
        )
    };
    writeln!(out, "{} {}", paint("old:", "1", on), side(&d.old))?;
    writeln!(out, "{} {}", paint("new:", "1", on), side(&d.new))?;
    let a = &d.alignment;
    writeln!(
        out,
        "sentences: {} unchanged, {} reworded, {} removed, {} added\n",
        a.unchanged, a.reworded, a.removed, a.added
    )?;
    let mut t = new_table();
    t.set_header(vec!["practice", "old", "new", "change", "+", "−", "~"]);
    for p in &d.practices {
        let (status, colour) = match p.status {
            PracticeStatus::Added => ("added", Some(Color::Green)),
            PracticeStatus::Removed => ("removed", Some(Color::Red)),
            PracticeStatus::Kept if p.changed() => ("kept, changed", Some(Color::Yellow)),
            PracticeStatus::Kept => ("kept", None),
            PracticeStatus::Absent => ("—", None),
        };
        let mut cell = Cell::new(status);
        if let (true, Some(c)) = (on, colour) {
            cell = cell.fg(c);
        }
        t.add_row(vec![
            Cell::new(&p.label),
            Cell::new(p.old_sentences),
            Cell::new(p.new_sentences),
            cell,
            Cell::new(p.added.len()),
            Cell::new(p.removed.len()),
            Cell::new(p.reworded.len()),
        ]);
    }
    writeln!(out, "{t}\n")?;
    let list = |v: &[String]| {
        if v.is_empty() {
            "none".to_string()
        } else {
            v.join(", ")
        }
    };
    writeln!(
        out,
        "{} {}",
        paint("practices added:", "32", on),
        list(&d.practices_added)
    )?;
    writeln!(
        out,
        "{} {}",
        paint("practices removed:", "31", on),
        list(&d.practices_removed)
    )?;
    const SHOWN: usize = 5;
    const WIDTH: usize = 240;
    if !d.attributes.is_empty() {
        writeln!(
            out,
            "\n{}",
            paint("what it says about people's data:", "1", on)
        )?;
        for c in &d.attributes {
            let (mark, colour, verb) = match c.status {
                PracticeStatus::Added => ('+', "32", "now"),
                _ => ('-', "31", "no longer"),
            };
            let says = if c.stance == "does not" {
                "says it does not"
            } else {
                "states"
            };
            let line = format!(
                "  {mark} {verb} {says} {} under {} [{} p={:.2}] {}",
                c.value,
                c.category,
                c.evidence.sentence,
                c.evidence.probability,
                truncate_chars(&c.evidence.text, WIDTH)
            );
            writeln!(out, "{}", paint(&line, colour, on))?;
        }
    }
    for p in d.practices.iter().filter(|p| p.changed()) {
        writeln!(
            out,
            "\n{} ({}, {} → {} sentences)",
            paint(&p.label, "1", on),
            p.status.as_str(),
            p.old_sentences,
            p.new_sentences
        )?;
        for (evidence, mark, colour) in [(&p.added, '+', "32"), (&p.removed, '-', "31")] {
            for e in evidence.iter().take(SHOWN) {
                let line = format!(
                    "  {mark} [{} p={:.2}] {}",
                    e.sentence,
                    e.probability,
                    truncate_chars(&e.text, WIDTH)
                );
                writeln!(out, "{}", paint(&line, colour, on))?;
            }
        }
        for r in p.reworded.iter().take(SHOWN) {
            let line = format!(
                "  ~ [{} → {}] {}\n        → {}",
                r.old.sentence,
                r.new.sentence,
                truncate_chars(&r.old.text, WIDTH),
                truncate_chars(&r.new.text, WIDTH)
            );
            writeln!(out, "{}", paint(&line, "33", on))?;
        }
        let more = p.added.len().saturating_sub(SHOWN)
            + p.removed.len().saturating_sub(SHOWN)
            + p.reworded.len().saturating_sub(SHOWN);
        if more > 0 {
            writeln!(out, "  … {more} more (all of them with --format json)")?;
        }
    }
    out.flush()?;
    Ok(())
}
