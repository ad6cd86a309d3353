//! Coverage: per company × date × label, how many sentences state a practice, with the share
//! and the highest and mean probability; folded one document at a time
//! ([`CoverageAccumulator`]) so a streaming report keeps no documents.

use crate::model::Model;
use crate::predict::TaggedDocument;
use std::collections::BTreeMap;

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
    /// The ISO 639-3 codes of the languages of the policy's documents, joined by `+`
    /// (`eng` for nearly all; see [`crate::text::Language`]).
    pub language: String,
}

impl Coverage {
    /// True when a document of this policy is reliably written in another language than
    /// English: its coverage means little, and tables mark it.
    pub fn foreign(&self) -> bool {
        self.language.split('+').any(|c| c != "eng" && c != "und")
    }
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
    languages: std::collections::BTreeSet<&'static str>,
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
        c.languages.insert(d.language.code());
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
            let language = c.languages.iter().copied().collect::<Vec<_>>().join("+");
            for (l, label) in model.labels().iter().enumerate() {
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
                    language: language.clone(),
                });
            }
        }
        out
    }
}
