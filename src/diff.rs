//! Comparing two versions of a policy: which practices the new version adds, drops or
//! rewords, with the sentences as evidence.
//!
//! The sentences of both versions are aligned by their normalised text (lower case, words
//! only): identical sentences are paired first, in order, wherever they moved; the rest are
//! paired greedily by similarity (the mean of the Dice coefficients of their word and word-
//! bigram sets), best pairs first, when it reaches [`REWORD_THRESHOLD`]. Paired sentences
//! with different text are *reworded*; unpaired old sentences are *removed*, unpaired new
//! ones *added*.
//!
//! Per practice, a version *states* it when at least one sentence is tagged with it. Evidence
//! of a practice added is each new sentence tagged with it that is new or whose old
//! counterpart was not tagged with it; evidence of a practice removed is the mirror image; a
//! sentence tagged with the practice in both versions but worded differently is *reworded*.

use crate::model::Model;
use crate::predict::{TaggedDocument, TaggedSentence};
use serde::Serialize;
use std::collections::BTreeMap;
use std::collections::{HashMap, VecDeque};

/// Lowest similarity for two different sentences to count as one reworded sentence.
pub const REWORD_THRESHOLD: f64 = 0.5;

/// One version of the policy.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Side {
    /// The file.
    pub file: String,
    /// The company.
    pub company: String,
    /// The version's date, when known.
    pub date: Option<String>,
    /// Number of sentences.
    pub sentences: usize,
}

/// Counts of the sentence alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct AlignmentCounts {
    /// Sentences with the same normalised text in both versions.
    pub unchanged: usize,
    /// Pairs of similar but different sentences.
    pub reworded: usize,
    /// Old sentences with no counterpart.
    pub removed: usize,
    /// New sentences with no counterpart.
    pub added: usize,
}

/// A sentence cited as evidence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    /// 0-based sentence index in its version.
    pub sentence: usize,
    /// Byte span in that version's document text.
    pub span: [usize; 2],
    /// The sentence text.
    pub text: String,
    /// The probability of the practice for this sentence.
    pub probability: f32,
}

/// A sentence of the old version and its reworded counterpart in the new one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reworded {
    /// The old sentence.
    pub old: Evidence,
    /// The new sentence.
    pub new: Evidence,
    /// Their similarity (0–1).
    pub similarity: f64,
}

/// Whether each version states a practice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PracticeStatus {
    /// Only the new version states it.
    Added,
    /// Only the old version states it.
    Removed,
    /// Both state it.
    Kept,
    /// Neither states it.
    Absent,
}

impl PracticeStatus {
    /// The lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            PracticeStatus::Added => "added",
            PracticeStatus::Removed => "removed",
            PracticeStatus::Kept => "kept",
            PracticeStatus::Absent => "absent",
        }
    }
}

/// What changed for one practice.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PracticeChange {
    /// The practice (label).
    pub label: String,
    /// Whether each version states it.
    pub status: PracticeStatus,
    /// Sentences tagged with it in the old version.
    pub old_sentences: usize,
    /// Sentences tagged with it in the new version.
    pub new_sentences: usize,
    /// New sentences stating it that the old version did not have (or did not tag with it).
    pub added: Vec<Evidence>,
    /// Old sentences stating it that the new version dropped (or no longer tags with it).
    pub removed: Vec<Evidence>,
    /// Sentences stating it in both versions, worded differently.
    pub reworded: Vec<Reworded>,
}

impl PracticeChange {
    /// Whether anything about this practice changed.
    pub fn changed(&self) -> bool {
        !self.added.is_empty() || !self.removed.is_empty() || !self.reworded.is_empty()
    }
}

/// The comparison of two versions of a policy.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PolicyDiff {
    /// The old version.
    pub old: Side,
    /// The new version.
    pub new: Side,
    /// How the sentences aligned.
    pub alignment: AlignmentCounts,
    /// Practices only the new version states.
    pub practices_added: Vec<String>,
    /// Practices only the old version states.
    pub practices_removed: Vec<String>,
    /// Every practice, in model order.
    pub practices: Vec<PracticeChange>,
    /// What the policy says about people's data that only one version says (a model with
    /// attribute values only): statements added or removed, with evidence.
    pub attributes: Vec<AttributeChange>,
}

/// A statement about people's data — an attribute value under a category, affirmative or
/// negated — that one version makes and the other does not.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AttributeChange {
    /// The category it is stated under.
    pub category: String,
    /// The value, `Family: Value`.
    pub value: String,
    /// `does`, or `does not` when the sentence negates it ("we do not sell …").
    pub stance: &'static str,
    /// [`PracticeStatus::Added`] (only the new version) or [`PracticeStatus::Removed`].
    pub status: PracticeStatus,
    /// The first sentence stating it in the version that does.
    pub evidence: Evidence,
}

/// Each statement of a document (category, value, stance) with its first sentence.
fn statements(model: &Model, d: &TaggedDocument) -> BTreeMap<(usize, usize, &'static str), usize> {
    let mut out = BTreeMap::new();
    let Some(head) = model.attributes() else {
        return out;
    };
    for (i, s) in d.sentences.iter().enumerate() {
        for (l, v, negated) in head.statements(&s.labels, &s.attributes) {
            let stance = if negated { "does not" } else { "does" };
            out.entry((l, v, stance)).or_insert(i);
        }
    }
    out
}

/// The statements only one version makes, the removed ones first, each in model order.
fn attribute_changes(
    model: &Model,
    old: &TaggedDocument,
    new: &TaggedDocument,
) -> Vec<AttributeChange> {
    let Some(head) = model.attributes() else {
        return Vec::new();
    };
    let (before, after) = (statements(model, old), statements(model, new));
    let mut out = Vec::new();
    for (from, to, doc, status) in [
        (&before, &after, old, PracticeStatus::Removed),
        (&after, &before, new, PracticeStatus::Added),
    ] {
        for (&(l, v, stance), &i) in from {
            if to.contains_key(&(l, v, stance)) {
                continue;
            }
            let s = &doc.sentences[i];
            out.push(AttributeChange {
                category: model.labels()[l].clone(),
                value: head.names()[v].clone(),
                stance,
                status,
                evidence: Evidence {
                    sentence: i,
                    span: [s.span.start, s.span.end],
                    text: s.text.clone(),
                    probability: s.attribute_probs[v],
                },
            });
        }
    }
    out
}

/// The alignment of two sentence lists.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Alignment {
    /// For each old sentence, its new counterpart and their similarity (1 when identical).
    pub old_to_new: Vec<Option<(usize, f64)>>,
    /// For each new sentence, its old counterpart and their similarity.
    pub new_to_old: Vec<Option<(usize, f64)>>,
}

/// Lower case words (letters and digits) joined by single spaces.
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for w in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(w.chars().flat_map(char::to_lowercase));
    }
    out
}

/// FNV-1a of a word or bigram: stable and fast; collisions only blur the similarity slightly.
fn hash(s: &str) -> u64 {
    crate::hash::fnv1a(s.as_bytes())
}

/// Sorted, deduplicated hashes of a sentence's words and of its word bigrams.
type Shingles = (Vec<u64>, Vec<u64>);

/// The [`Shingles`] of a normalised sentence.
fn shingles(norm: &str) -> Shingles {
    let words: Vec<&str> = norm.split(' ').filter(|w| !w.is_empty()).collect();
    let mut uni: Vec<u64> = words.iter().map(|w| hash(w)).collect();
    let mut bi: Vec<u64> = words
        .windows(2)
        .map(|p| hash(p[0]) ^ hash(p[1]).rotate_left(17))
        .collect();
    uni.sort_unstable();
    uni.dedup();
    bi.sort_unstable();
    bi.dedup();
    (uni, bi)
}

fn dice(a: &[u64], b: &[u64]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let (mut i, mut j, mut n) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    2.0 * n as f64 / (a.len() + b.len()) as f64
}

/// The similarity of two sentences (0–1): the mean Dice coefficient of their word sets and
/// word-bigram sets, after [`normalise`].
pub fn similarity(a: &str, b: &str) -> f64 {
    let (sa, sb) = (shingles(&normalise(a)), shingles(&normalise(b)));
    (dice(&sa.0, &sb.0) + dice(&sa.1, &sb.1)) / 2.0
}

/// Aligns two lists of sentences (see the module documentation). Sentences with no words
/// are never paired.
pub fn align(old: &[&str], new: &[&str]) -> Alignment {
    let on: Vec<String> = old.iter().map(|s| normalise(s)).collect();
    let nn: Vec<String> = new.iter().map(|s| normalise(s)).collect();
    let mut a = Alignment {
        old_to_new: vec![None; old.len()],
        new_to_old: vec![None; new.len()],
    };
    // 1. Identical sentences, in order.
    let mut by_text: HashMap<&str, VecDeque<usize>> = HashMap::new();
    for (j, t) in nn.iter().enumerate() {
        if !t.is_empty() {
            by_text.entry(t.as_str()).or_default().push_back(j);
        }
    }
    for (i, t) in on.iter().enumerate() {
        if let Some(j) = by_text.get_mut(t.as_str()).and_then(VecDeque::pop_front) {
            a.old_to_new[i] = Some((j, 1.0));
            a.new_to_old[j] = Some((i, 1.0));
        }
    }
    // 2. Similar sentences, best pairs first.
    let free_old: Vec<(usize, Shingles)> = (0..old.len())
        .filter(|&i| a.old_to_new[i].is_none() && !on[i].is_empty())
        .map(|i| (i, shingles(&on[i])))
        .collect();
    let free_new: Vec<(usize, Shingles)> = (0..new.len())
        .filter(|&j| a.new_to_old[j].is_none() && !nn[j].is_empty())
        .map(|j| (j, shingles(&nn[j])))
        .collect();
    let mut cands: Vec<(f64, usize, usize)> = Vec::new();
    for (i, (ou, ob)) in &free_old {
        for (j, (nu, nb)) in &free_new {
            // Upper bound of the mean Dice from the set sizes: skip hopeless pairs.
            let bound = |x: usize, y: usize| {
                if x + y == 0 {
                    1.0
                } else {
                    2.0 * x.min(y) as f64 / (x + y) as f64
                }
            };
            if (bound(ou.len(), nu.len()) + bound(ob.len(), nb.len())) / 2.0 < REWORD_THRESHOLD {
                continue;
            }
            let s = (dice(ou, nu) + dice(ob, nb)) / 2.0;
            if s >= REWORD_THRESHOLD {
                cands.push((s, *i, *j));
            }
        }
    }
    cands.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)).then(x.2.cmp(&y.2)));
    for (s, i, j) in cands {
        if a.old_to_new[i].is_none() && a.new_to_old[j].is_none() {
            a.old_to_new[i] = Some((j, s));
            a.new_to_old[j] = Some((i, s));
        }
    }
    a
}

fn evidence(s: &TaggedSentence, l: usize) -> Evidence {
    Evidence {
        sentence: s.index,
        span: [s.span.start, s.span.end],
        text: s.text.clone(),
        probability: s.probs[l],
    }
}

fn side(d: &TaggedDocument) -> Side {
    let (company, date) = d.version.key();
    Side {
        file: d.path.display().to_string(),
        company,
        date,
        sentences: d.sentences.len(),
    }
}

/// Compares two tagged versions of a policy (both tagged with `model`).
pub fn diff_documents(model: &Model, old: &TaggedDocument, new: &TaggedDocument) -> PolicyDiff {
    let ot: Vec<&str> = old.sentences.iter().map(|s| s.text.as_str()).collect();
    let nt: Vec<&str> = new.sentences.iter().map(|s| s.text.as_str()).collect();
    let al = align(&ot, &nt);
    let mut counts = AlignmentCounts::default();
    for (i, m) in al.old_to_new.iter().enumerate() {
        match m {
            None => counts.removed += 1,
            Some((j, _)) if normalise(ot[i]) == normalise(nt[*j]) => counts.unchanged += 1,
            Some(_) => counts.reworded += 1,
        }
    }
    counts.added = al.new_to_old.iter().filter(|m| m.is_none()).count();

    let mut practices = Vec::with_capacity(model.labels().len());
    for (l, label) in model.labels().iter().enumerate() {
        let has = |s: &TaggedSentence| s.labels.contains(&l);
        let old_n = old.sentences.iter().filter(|s| has(s)).count();
        let new_n = new.sentences.iter().filter(|s| has(s)).count();
        let status = match (old_n > 0, new_n > 0) {
            (false, true) => PracticeStatus::Added,
            (true, false) => PracticeStatus::Removed,
            (true, true) => PracticeStatus::Kept,
            (false, false) => PracticeStatus::Absent,
        };
        let mut change = PracticeChange {
            label: label.clone(),
            status,
            old_sentences: old_n,
            new_sentences: new_n,
            added: Vec::new(),
            removed: Vec::new(),
            reworded: Vec::new(),
        };
        for (j, s) in new.sentences.iter().enumerate() {
            if !has(s) {
                continue;
            }
            match al.new_to_old.get(j).copied().flatten() {
                Some((i, _)) if has(&old.sentences[i]) => {}
                _ => change.added.push(evidence(s, l)),
            }
        }
        for (i, s) in old.sentences.iter().enumerate() {
            if !has(s) {
                continue;
            }
            match al.old_to_new.get(i).copied().flatten() {
                Some((j, sim)) if has(&new.sentences[j]) => {
                    if normalise(&s.text) != normalise(&new.sentences[j].text) {
                        change.reworded.push(Reworded {
                            old: evidence(s, l),
                            new: evidence(&new.sentences[j], l),
                            similarity: (sim * 1000.0).round() / 1000.0,
                        });
                    }
                }
                _ => change.removed.push(evidence(s, l)),
            }
        }
        practices.push(change);
    }
    let names = |st: PracticeStatus| {
        practices
            .iter()
            .filter(|p| p.status == st)
            .map(|p| p.label.clone())
            .collect::<Vec<_>>()
    };
    PolicyDiff {
        old: side(old),
        new: side(new),
        alignment: counts,
        practices_added: names(PracticeStatus::Added),
        practices_removed: names(PracticeStatus::Removed),
        practices,
        attributes: attribute_changes(model, old, new),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalise_keeps_words_only() {
        assert_eq!(
            normalise("  We **collect** your E-mail!  "),
            "we collect your e mail"
        );
        assert_eq!(normalise("• —"), "");
    }

    #[test]
    fn similarity_separates_rewording_from_unrelated_sentences() {
        let a = "We collect your name and email address.";
        assert!(similarity(a, "We collect your name, email address and phone number.") >= 0.5);
        assert!(similarity(a, "Cookies expire after one year.") < 0.2);
        assert_eq!(similarity(a, "we COLLECT your name and email address"), 1.0);
    }

    #[test]
    fn align_pairs_moved_identical_and_reworded_sentences() {
        let old = [
            "Intro text here.",
            "We keep logs for ninety days.",
            "We sell nothing.",
            "•",
        ];
        let new = [
            "We keep logs for ninety days.",
            "Intro text here.",
            "We keep server logs for thirty days.",
            "•",
        ];
        let a = align(&old, &new);
        assert_eq!(a.old_to_new[0], Some((1, 1.0)));
        assert_eq!(a.old_to_new[1], Some((0, 1.0)));
        assert_eq!(a.old_to_new[2], None);
        assert_eq!(
            a.old_to_new[3], None,
            "sentences without words are not paired"
        );
        assert_eq!(
            a.new_to_old[2], None,
            "too different from 'We sell nothing.'"
        );
        let b = align(
            &["We keep logs for ninety days."],
            &["We keep server logs for ninety days."],
        );
        assert!(matches!(b.old_to_new[0], Some((0, s)) if (REWORD_THRESHOLD..1.0).contains(&s)));
    }
}
