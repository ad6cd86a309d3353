//! The data profile: what each policy says about people's data, one row per company × date ×
//! category × family × value × stance, with the number of sentences, the highest probability
//! and the strongest evidence sentence.
//!
//! An attribute value belongs to every category predicted for the same sentence (a sentence
//! tagged First Party and Third Party with `Personal Information Type: Location` counts for
//! both). A sentence with `Does/Does Not: Does Not` states its other values negatively ("we do
//! not sell …"): they are kept apart as stance `does not`; the Does/Does Not value itself is
//! the stance, not a row. Folded one document at a time ([`ProfileAccumulator`]).

use crate::model::attributes::family_of;
use crate::model::Model;
use crate::predict::TaggedDocument;
use std::collections::BTreeMap;

/// The value that turns a sentence's other values into negated statements.
pub const DOES_NOT: &str = "Does/Does Not: Does Not";

/// One profile row.
#[derive(Debug, Clone, PartialEq)]
pub struct ProfileRow {
    /// Company.
    pub company: String,
    /// The policy version's date, when known.
    pub date: Option<String>,
    /// The category the value was stated under.
    pub category: String,
    /// The attribute family (e.g. `Personal Information Type`).
    pub family: String,
    /// The value (the text after `Family: `).
    pub value: String,
    /// `does` (an affirmative statement) or `does not` (a negated one).
    pub stance: &'static str,
    /// Sentences stating it.
    pub sentences: usize,
    /// Highest probability of the value among those sentences.
    pub max_probability: f32,
    /// The file of the strongest evidence sentence (highest probability, first on ties).
    pub evidence_file: String,
    /// The 0-based index of that sentence in its file (the `sentence` column of
    /// sentences.parquet).
    pub evidence_sentence: usize,
    /// Its text.
    pub evidence_text: String,
}

#[derive(Debug)]
struct Sums {
    sentences: usize,
    max: f32,
    file: String,
    index: usize,
    text: String,
}

/// Category, family, `Family: Value`, stance.
type Key = (String, String, String, &'static str);

/// Folds documents into [`ProfileRow`]s without keeping them.
#[derive(Debug, Default)]
pub struct ProfileAccumulator {
    rows: BTreeMap<(String, Option<String>), BTreeMap<Key, Sums>>,
}

impl ProfileAccumulator {
    /// Adds one tagged document (nothing when the model has no attribute head).
    pub fn add(&mut self, model: &Model, d: &TaggedDocument) {
        let Some(head) = model.attributes() else {
            return;
        };
        let names = head.names();
        let per = self.rows.entry(d.version.key()).or_default();
        for s in &d.sentences {
            let negated = s.attributes.iter().any(|&v| names[v] == DOES_NOT);
            let stance = if negated { "does not" } else { "does" };
            for &v in &s.attributes {
                let name = &names[v];
                if family_of(name) == "Does/Does Not" {
                    continue;
                }
                let p = s.attribute_probs[v];
                for &l in &s.labels {
                    let key = (
                        model.labels()[l].clone(),
                        family_of(name).to_string(),
                        name.clone(),
                        stance,
                    );
                    let e = per.entry(key).or_insert_with(|| Sums {
                        sentences: 0,
                        max: f32::NEG_INFINITY,
                        file: String::new(),
                        index: 0,
                        text: String::new(),
                    });
                    e.sentences += 1;
                    if p > e.max {
                        e.max = p;
                        e.file = d.path.display().to_string();
                        e.index = s.index;
                        e.text = s.text.clone();
                    }
                }
            }
        }
    }

    /// The profile rows, by company, date, category (model order), family, value, stance.
    pub fn finish(self, model: &Model) -> Vec<ProfileRow> {
        let rank = |c: &str| {
            model
                .labels()
                .iter()
                .position(|l| l == c)
                .unwrap_or(usize::MAX)
        };
        let mut out = Vec::new();
        for ((company, date), per) in self.rows {
            let mut rows: Vec<(Key, Sums)> = per.into_iter().collect();
            rows.sort_by(|a, b| {
                (rank(&a.0 .0), &a.0 .1, &a.0 .2, a.0 .3).cmp(&(
                    rank(&b.0 .0),
                    &b.0 .1,
                    &b.0 .2,
                    b.0 .3,
                ))
            });
            for ((category, family, name, stance), s) in rows {
                let value = name
                    .split_once(':')
                    .map_or(name.as_str(), |(_, v)| v.trim())
                    .to_string();
                out.push(ProfileRow {
                    company: company.clone(),
                    date: date.clone(),
                    category,
                    family,
                    value,
                    stance,
                    sentences: s.sentences,
                    max_probability: s.max,
                    evidence_file: s.file,
                    evidence_sentence: s.index,
                    evidence_text: s.text,
                });
            }
        }
        out
    }
}

/// The sections of a policy's profile, in reading order.
pub const SECTIONS: [&str; 8] = [
    "Collects",
    "Shares (data)",
    "Shares with",
    "Purposes",
    "Choices offered",
    "Access rights",
    "Retention, security and audiences",
    "Says it does not",
];

/// The profile section of a value of `family` stated under `category` with `stance`: what is
/// collected (data types under First Party Collection/Use), shared (data types under Third
/// Party Sharing/Collection, and with whom), why, the choices and access offered, retention,
/// security and audiences, and what the policy says it does not do.
pub fn section(category: &str, family: &str, stance: &str) -> Option<&'static str> {
    if stance == "does not" {
        return Some("Says it does not");
    }
    Some(match family {
        "Personal Information Type" => match category {
            "First Party Collection/Use" => "Collects",
            "Third Party Sharing/Collection" => "Shares (data)",
            _ => return None,
        },
        "Third Party Entity" => "Shares with",
        "Purpose" => "Purposes",
        "Choice Type" => "Choices offered",
        "Access Type" => "Access rights",
        "Retention Period" | "Security Measure" | "Audience Type" => {
            "Retention, security and audiences"
        }
        _ => return None,
    })
}

/// The per-policy profile in words for summary.md: what is collected, shared (and with
/// whom), why, the choices and access offered, retention, audiences, and what the policy says
/// it does not do — each item with its number of sentences and its strongest evidence.
pub fn profile_markdown(rows: &[ProfileRow]) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let md = |s: &str| s.replace('|', "\\|").replace('\n', " ");
    for policy in rows.chunk_by(|a, b| a.company == b.company && a.date == b.date) {
        let p = &policy[0];
        let _ = writeln!(
            out,
            "\n### {}{}\n",
            md(&p.company),
            p.date
                .as_ref()
                .map(|d| format!(" ({d})"))
                .unwrap_or_default()
        );
        for title in SECTIONS {
            // One item per value (summed over the categories it was stated under).
            let mut items: BTreeMap<(&str, &str), (usize, &ProfileRow)> = BTreeMap::new();
            let keep = |r: &&ProfileRow| section(&r.category, &r.family, r.stance) == Some(title);
            for r in policy.iter().filter(keep) {
                let e = items
                    .entry((r.family.as_str(), r.value.as_str()))
                    .or_insert((0, r));
                e.0 += r.sentences;
                if r.max_probability > e.1.max_probability {
                    e.1 = r;
                }
            }
            if items.is_empty() {
                continue;
            }
            let list: Vec<String> = items
                .iter()
                .map(|((f, v), (n, r))| {
                    let label = if title == "Says it does not" || title.starts_with("Retention") {
                        format!("{f}: {v}")
                    } else {
                        v.to_string()
                    };
                    format!(
                        "{} ({n}; e.g. sentence {} of {}: \"{}\")",
                        md(&label),
                        r.evidence_sentence,
                        md(&r.evidence_file),
                        md(&crate::text::truncate_chars(&r.evidence_text, 120))
                    )
                })
                .collect();
            let _ = writeln!(out, "- **{title}:** {}", list.join("; "));
        }
    }
    out
}
