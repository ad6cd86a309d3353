//! Highlighted spans: placing each annotator's spans in the clean text of their segment, and
//! finding the sentences each placed span overlaps.
//!
//! The placement rule is the module's ("Labels" in [`super`]): offsets are trusted when the
//! raw slice they point at cleans to the cleaned `selectedText`; otherwise the text is searched
//! for and the occurrence nearest to the given start is used; a span that cannot be found is
//! dropped with a warning.
//!
//! [`place_spans`] is the one answer to "which annotator highlighted which characters of which
//! segment, for which practice and attribute" ([`PlacedSpan`]), and [`sentence_hits`] the one
//! answer to "which sentences does it reach". The category votes and the attribute votes of
//! `mod.rs` both read them.

use super::raw::{Attribute, Practice, Span};
use super::segment::{clean_html, Segment};

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
    /// The attribute of the practice whose `selectedText` the span is.
    pub(super) attribute: &'a Attribute,
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
        for attribute in &p.attributes {
            let Some(span) = &attribute.span else {
                continue;
            };
            let located = seg.locate(span);
            if matches!(located, Located::Searched(_)) {
                searched += 1;
            }
            match located {
                Located::Offsets(r) | Located::Searched(r) => placed.push(PlacedSpan {
                    practice: p,
                    attribute,
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

/// Every (segment, sentence index, span) where a placed span overlaps a sentence of its
/// segment by at least one character.
pub(super) fn sentence_hits<'s, 'a>(
    segments: &'s [Segment],
    placed: &'s [PlacedSpan<'a>],
) -> impl Iterator<Item = (usize, usize, &'s PlacedSpan<'a>)> + 's {
    placed.iter().flat_map(move |placed_span| {
        let (g, r) = (placed_span.practice.segment, &placed_span.chars);
        segments[g]
            .sentences
            .iter()
            .enumerate()
            .filter(move |(_, s)| r.start < s.end && r.end > s.start)
            .map(move |(i, _)| (g, i, placed_span))
    })
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
