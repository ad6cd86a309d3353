//! Highlighted spans: placing each annotator's spans in the clean text of their segment, and
//! turning the placed spans into sentence votes.
//!
//! The placement rule is the module's ("Labels" in [`super`]): offsets are trusted when the
//! raw slice they point at cleans to the cleaned `selectedText`; otherwise the text is searched
//! for and the occurrence nearest to the given start is used; a span that cannot be found is
//! dropped with a warning.
//!
//! # The seam for attribute labels
//!
//! [`place_spans`] is the one answer to "which annotator highlighted which characters of which
//! segment, for which practice" ([`PlacedSpan`]). The category votes of [`sentence_votes`] are
//! one reader of it; an importer of attribute labels is another: it needs each span's attribute
//! name and value as well, which [`super::raw::parse_spans`] would keep on the
//! [`Span`] (they come from the same JSON object), and its own majority rule next to the
//! category one in `mod.rs`.

use super::raw::{Practice, Span};
use super::segment::{clean_html, Segment};
use std::collections::{BTreeMap, BTreeSet};

/// Where a span was placed, as a range of clean characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Located {
    /// The offsets agree with `selectedText`.
    Offsets(std::ops::Range<usize>),
    /// The offsets disagree (or are missing); the text was found by searching.
    Searched(std::ops::Range<usize>),
    /// The text is not in the segment.
    NotFound,
}

impl Segment {
    /// Places a span in the clean text (see the module documentation).
    pub(super) fn locate(&self, span: &Span) -> Located {
        let wanted = clean_html(&span.text.chars().collect::<Vec<_>>()).chars;
        if wanted.is_empty() {
            return Located::NotFound;
        }
        let n = self.raw.len() as i64;
        if let (Some(s), Some(e)) = (span.start, span.end) {
            if 0 <= s && s < e && e <= n {
                let (s, e) = (s as usize, e as usize);
                if clean_html(&self.raw[s..e]).chars == wanted {
                    let a = self.raw_pos.partition_point(|&p| p < s);
                    let b = self.raw_pos.partition_point(|&p| p < e);
                    return Located::Offsets(a..b);
                }
            }
        }
        // Search: the occurrence nearest to the given start (first one without a start).
        let hint = span
            .start
            .filter(|&s| s >= 0)
            .map(|s| self.raw_pos.partition_point(|&p| p < s as usize));
        let mut best: Option<usize> = None;
        let m = wanted.len();
        if m <= self.chars.len() {
            for i in 0..=self.chars.len() - m {
                if self.chars[i..i + m] == wanted[..] {
                    let better = match (best, hint) {
                        (None, _) => true,
                        (Some(b), Some(h)) => i.abs_diff(h) < b.abs_diff(h),
                        (Some(_), None) => false,
                    };
                    if better {
                        best = Some(i);
                    }
                }
            }
        }
        match best {
            Some(i) => Located::Searched(i..i + m),
            None => Located::NotFound,
        }
    }
}

/// A span placed in the clean text of its segment.
pub(super) struct PlacedSpan<'a> {
    /// The practice (annotator, segment, category) the span was highlighted for.
    pub(super) practice: &'a Practice,
    /// The span in the segment's clean text, as a range of characters.
    pub(super) chars: std::ops::Range<usize>,
}

/// Places every span of `practices` (all of one policy) in its segment, in order. A span that
/// cannot be found gives a warning instead, and one more warning counts the spans placed by
/// searching, when there are any.
pub(super) fn place_spans<'a>(
    policy_id: &str,
    segments: &[Segment],
    practices: &'a [Practice],
    warnings: &mut Vec<String>,
) -> Vec<PlacedSpan<'a>> {
    let mut placed = Vec::new();
    let mut searched = 0usize;
    for p in practices {
        let seg = &segments[p.segment];
        for span in &p.spans {
            let located = seg.locate(span);
            if matches!(located, Located::Searched(_)) {
                searched += 1;
            }
            match located {
                Located::Offsets(r) | Located::Searched(r) => placed.push(PlacedSpan {
                    practice: p,
                    chars: r,
                }),
                Located::NotFound => warnings.push(format!(
                    "policy {policy_id}, segment {}, annotation line {}: selectedText \"{}\" is \
                     not in the segment; span ignored",
                    p.segment,
                    p.line,
                    shorten(&span.text, 60)
                )),
            }
        }
    }
    if searched > 0 {
        warnings.push(format!(
            "policy {policy_id}: {searched} span(s) had offsets that disagree with their \
             selectedText and were placed by searching for the text"
        ));
    }
    placed
}

/// Sentence votes: (segment, sentence, category) → the distinct annotators who voted for the
/// category on the sentence.
pub(super) type SentenceVotes<'a> = BTreeMap<(usize, usize, usize), BTreeSet<&'a str>>;

/// An annotator votes for category C on a sentence when a placed span of one of their C
/// practices overlaps the sentence by at least one character.
pub(super) fn sentence_votes<'a>(
    segments: &[Segment],
    placed: &[PlacedSpan<'a>],
) -> SentenceVotes<'a> {
    let mut votes = SentenceVotes::new();
    for placed_span in placed {
        let (p, r) = (placed_span.practice, &placed_span.chars);
        for (i, s) in segments[p.segment].sentences.iter().enumerate() {
            if r.start < s.end && r.end > s.start {
                votes
                    .entry((p.segment, i, p.category))
                    .or_default()
                    .insert(&p.annotator);
            }
        }
    }
    votes
}

/// `s` with its whitespace collapsed, cut to `max` characters with `…` when longer (for
/// warnings).
fn shorten(s: &str, max: usize) -> String {
    let s: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.chars().count() <= max {
        s
    } else {
        let mut t: String = s.chars().take(max).collect();
        t.push('…');
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_are_checked_and_searched() {
        let seg = Segment::new("<strong>Head</strong> <br> One two. Three four.");
        let span = |t: &str, s: i64, e: i64| Span {
            text: t.into(),
            start: Some(s),
            end: Some(e),
        };
        // Offsets into the raw HTML, crossing a tag.
        assert_eq!(seg.locate(&span("Head One", 8, 30)), Located::Offsets(0..8));
        // Wrong offsets: found by searching.
        assert_eq!(
            seg.locate(&span("Three four.", 0, 5)),
            Located::Searched(14..25)
        );
        assert_eq!(
            seg.locate(&span("Three", -1, -1)),
            Located::Searched(14..19)
        );
        assert_eq!(seg.locate(&span("Nowhere", 0, 7)), Located::NotFound);
    }
}
