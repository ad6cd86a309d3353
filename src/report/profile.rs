//! The data profile: what each policy says about people's data, one row per company × date ×
//! category × family × value × stance, with the number of sentences, the highest probability
//! and the strongest evidence sentence.
//!
//! An attribute value belongs to every category predicted for the same sentence (a sentence
//! tagged First Party and Third Party with `Personal Information Type: Location` counts for
//! both). A sentence with `Does/Does Not: Does Not` states its other values negatively ("we do
//! not sell …"): they are kept apart as stance `does not`; the Does/Does Not value itself is
//! the stance, not a row. Folded one document at a time ([`ProfileAccumulator`]): a few
//! numbers per statement; the evidence is a sentence id (file, sentence), whose text is in
//! sentences.parquet.

use crate::model::attributes::family_of;
use crate::model::Model;
use crate::predict::TaggedDocument;
use std::collections::BTreeMap;

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
    /// The 0-based index of that sentence in its file: with the file, its id in
    /// sentences.parquet (columns `file`, `sentence`), where its text is.
    pub evidence_sentence: usize,
}

/// Sums of one statement; the evidence file is an index into the policy's files.
#[derive(Debug, Clone, Copy)]
struct Sums {
    sentences: u32,
    max: f32,
    file: u32,
    index: u32,
}

/// Category index, value index (in the attribute head), negated.
type Key = (u16, u16, bool);

/// One policy version's statements, and the files they came from.
#[derive(Debug, Default)]
struct Policy {
    files: Vec<String>,
    statements: BTreeMap<Key, Sums>,
}

/// Folds documents into [`ProfileRow`]s without keeping them: a few numbers per statement,
/// so memory stays small however many policies there are.
#[derive(Debug, Default)]
pub struct ProfileAccumulator {
    policies: BTreeMap<(String, Option<String>), Policy>,
}

impl ProfileAccumulator {
    /// Adds one tagged document (nothing when the model has no attribute head).
    pub fn add(&mut self, model: &Model, d: &TaggedDocument) {
        let Some(head) = model.attributes() else {
            return;
        };
        let policy = self.policies.entry(d.version.key()).or_default();
        let mut file = None;
        for s in &d.sentences {
            let statements = head.statements(&s.labels, &s.attributes);
            if statements.is_empty() {
                continue;
            }
            let f = *file.get_or_insert_with(|| {
                policy.files.push(d.path.display().to_string());
                policy.files.len() as u32 - 1
            });
            for (l, v, negated) in statements {
                let p = s.attribute_probs[v];
                let e = policy
                    .statements
                    .entry((l as u16, v as u16, negated))
                    .or_insert(Sums {
                        sentences: 0,
                        max: f32::NEG_INFINITY,
                        file: f,
                        index: s.index as u32,
                    });
                e.sentences += 1;
                if p > e.max {
                    (e.max, e.file, e.index) = (p, f, s.index as u32);
                }
            }
        }
    }

    /// The profile rows, by company, date, category (model order), family, value, stance.
    pub fn finish(self, model: &Model) -> Vec<ProfileRow> {
        let Some(head) = model.attributes() else {
            return Vec::new();
        };
        let names = head.names();
        let mut out = Vec::new();
        for ((company, date), policy) in self.policies {
            let mut rows: Vec<(Key, Sums)> = policy.statements.into_iter().collect();
            rows.sort_by(|a, b| {
                let key = |k: &Key| {
                    (
                        k.0,
                        family_of(&names[k.1 as usize]),
                        &names[k.1 as usize],
                        k.2,
                    )
                };
                key(&a.0).cmp(&key(&b.0))
            });
            for ((l, v, negated), s) in rows {
                let name = &names[v as usize];
                out.push(ProfileRow {
                    company: company.clone(),
                    date: date.clone(),
                    category: model.labels()[l as usize].clone(),
                    family: family_of(name).to_string(),
                    value: name
                        .split_once(':')
                        .map_or(name.as_str(), |(_, v)| v.trim())
                        .to_string(),
                    stance: if negated { "does not" } else { "does" },
                    sentences: s.sentences as usize,
                    max_probability: s.max,
                    evidence_file: policy.files[s.file as usize].clone(),
                    evidence_sentence: s.index as usize,
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
/// it does not do — each item with its number of sentences and the id of its strongest
/// evidence (file and sentence, as in sentences.parquet).
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
                        "{} ({n}; sentence {} of {})",
                        md(&label),
                        r.evidence_sentence,
                        md(&r.evidence_file)
                    )
                })
                .collect();
            let _ = writeln!(out, "- **{title}:** {}", list.join("; "));
        }
    }
    out
}
