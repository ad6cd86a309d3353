//! Sentence splitting: policy text → units (sentences, headings, list items) with byte spans.
//!
//! The splitter works in two layers:
//!
//! 1. **Blocks** from the line structure (`blocks.rs`): headings, list items, blockquotes, rules
//!    and blank lines end a block; a heading or a list item is always a block of its own, and
//!    plain lines join into one block only when they are hard-wrapped prose.
//! 2. **Sentences** inside a block (`boundaries.rs`): candidate boundaries are the Unicode
//!    UAX #29 sentence boundaries (found directly, equal to the `unicode-segmentation` crate's)
//!    plus the Markdown ones UAX #29 does not know about; a candidate is kept only after
//!    terminal punctuation and whitespace, and not after an abbreviation or an initial.
//!
//! Each [`Sentence`] keeps the byte span of its source text (Markdown markers excluded) and a
//! cleaned `text` with Markdown syntax removed and whitespace collapsed ([`clean_markdown`]);
//! the cleaned text is what gets classified.
//!
//! # Blocks and paragraphs
//!
//! In this folder "block" means only the splitter's block and its id, [`Sentence::block`]. A
//! block's run of sentences is a **paragraph** — together with the block before it when the
//! block is a list item (its lead-in "We collect:" and the items are one paragraph, as in the
//! OPP-115 annotators' segments). What a paragraph is used for (a sentence's context, the
//! neighbour stage) is decided in one place, [`paragraph`] (`sentences/paragraph.rs`).
//!
//! # Files
//!
//! * `mod.rs` (this file): the [`Sentence`] type, [`SplitOptions`], the entry points [`split`]
//!   and [`split_paragraphs`] (which number the blocks), and the assembly of units: a block's
//!   pieces between kept cuts, over-long pieces cut at whitespace
//!   ([`SplitOptions::max_sentence_bytes`]), then cleaned; a piece without a letter or digit is
//!   dropped. Also the end-to-end tests and the ignored corpus test of the fast paths.
//! * `blocks.rs`: lines → blocks (headings, list items, hard-wrapped prose).
//! * `boundaries.rs`: candidate cuts (the UAX #29 rules applied directly), the Markdown cuts,
//!   and the filter with its abbreviation list.
//! * `swar.rs`: the word-wide byte scans of `boundaries.rs` and `clean.rs` (kept apart because
//!   they share their primitives and their exhaustive test).
//! * `clean.rs`: [`clean_markdown`] and its full (slow) path.
//! * `paragraph.rs`: paragraphs, contexts and neighbourhoods (see above).
//!
//! The public paths are the folder's: `sentences::{Sentence, SplitOptions, split,
//! split_paragraphs, clean_markdown}` and `sentences::paragraph`.

mod blocks;
mod boundaries;
mod clean;
pub mod paragraph;
mod swar;

use blocks::{blocks, Block};
use boundaries::{accept_boundary, candidate_cuts, markdown_boundaries};
pub use clean::clean_markdown;
use std::ops::Range;

/// One unit of a policy: a sentence, a heading or a list item.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Sentence {
    /// Byte span of the sentence in the document text.
    pub span: Range<usize>,
    /// The sentence with Markdown syntax removed and whitespace collapsed.
    pub text: String,
    /// True when the unit is a heading (Markdown `#`, or a line that is entirely bold).
    pub heading: bool,
    /// 0-based id of the block the unit belongs to: the units of one block share it, and so
    /// do a block and the list items it introduces ([`split`]; [`split_paragraphs`] numbers
    /// every block apart). A run of units with one id is a paragraph ([`paragraph`]).
    pub block: usize,
}

/// Splitter options.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SplitOptions {
    /// Sentences longer than this many bytes are cut at whitespace into pieces of at most this
    /// size (a policy that is one giant run-on "sentence" still gets classified piecewise).
    pub max_sentence_bytes: usize,
}

impl Default for SplitOptions {
    fn default() -> Self {
        SplitOptions {
            max_sentence_bytes: 4_000,
        }
    }
}

/// Splits `text[start..]` into sentences; spans are offsets into `text`.
///
/// A list item is a unit of its own but shares the block id of the block that introduces it
/// ("We collect:" and its items are one paragraph, as annotators and the training segments
/// see them); items right after a heading share one id.
pub fn split(text: &str, start: usize, opts: &SplitOptions) -> Vec<Sentence> {
    let mut out: Vec<Sentence> = Vec::new();
    let mut previous_heading = true;
    for block in blocks(text, start) {
        let before = out.len();
        split_block(text, &block, opts, &mut out);
        if out.len() == before {
            continue;
        }
        let joins = block.item && !previous_heading;
        let bi = match out.get(before.wrapping_sub(1)) {
            Some(last) if joins => last.block,
            Some(last) => last.block + 1,
            None => 0,
        };
        for s in &mut out[before..] {
            s.block = bi;
        }
        previous_heading = block.heading;
    }
    out
}

/// Splits `text[start..]` into one unit per block instead (heading, list item or prose block),
/// each with a block id of its own, for models trained on segments
/// (`classify train --level segment`).
pub fn split_paragraphs(text: &str, start: usize, opts: &SplitOptions) -> Vec<Sentence> {
    let mut out = Vec::new();
    for block in blocks(text, start) {
        let before = out.len();
        push(text, block.range.clone(), block.heading, opts, &mut out);
        let bi = out.get(before.wrapping_sub(1)).map_or(0, |s| s.block + 1);
        for s in &mut out[before..] {
            s.block = bi;
        }
    }
    out
}

/// Cuts one block into units (a heading is one unit) and appends them to `out`.
fn split_block(text: &str, block: &Block, opts: &SplitOptions, out: &mut Vec<Sentence>) {
    let base = block.range.start;
    let s = &text[block.range.clone()];
    if block.heading {
        push(text, base..block.range.end, true, opts, out);
        return;
    }
    let mut cuts = candidate_cuts(s);
    let forced: Vec<usize> = markdown_boundaries(s);
    cuts.extend(forced.iter().copied());
    cuts.sort_unstable();
    cuts.dedup();
    let mut last = 0;
    for cut in cuts {
        if forced.contains(&cut) || accept_boundary(&s[last..cut]) {
            push(text, base + last..base + cut, false, opts, out);
            last = cut;
        }
    }
    push(text, base + last..block.range.end, false, opts, out);
}

/// Appends the unit `text[range]` (trimmed) to `out`, cut at whitespace into pieces of at
/// most [`SplitOptions::max_sentence_bytes`] when longer.
fn push(
    text: &str,
    range: Range<usize>,
    heading: bool,
    opts: &SplitOptions,
    out: &mut Vec<Sentence>,
) {
    let raw = &text[range.clone()];
    let lead = raw.len() - raw.trim_start().len();
    let span = range.start + lead..range.start + raw.trim_end().len();
    if span.is_empty() {
        return;
    }
    if span.len() > opts.max_sentence_bytes {
        // Cut over-long runs at whitespace so each piece stays within the limit.
        let mut start = span.start;
        while start < span.end {
            let mut end = (start + opts.max_sentence_bytes).min(span.end);
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            if end < span.end {
                if let Some(ws) = text[start..end].rfind(char::is_whitespace) {
                    if ws > 0 {
                        end = start + ws;
                    }
                }
            }
            if end <= start {
                end = span
                    .end
                    .min(start + text[start..].chars().next().map_or(1, char::len_utf8));
            }
            push_clean(text, start..end, heading, out);
            start = end + text[end..span.end].len() - text[end..span.end].trim_start().len();
        }
        return;
    }
    push_clean(text, span, heading, out);
}

/// Appends one cleaned unit to `out`, unless it has no letter or digit.
fn push_clean(text: &str, span: Range<usize>, heading: bool, out: &mut Vec<Sentence>) {
    let cleaned = clean_markdown(&text[span.clone()]);
    if cleaned.chars().any(char::is_alphanumeric) {
        out.push(Sentence {
            span,
            text: cleaned,
            heading,
            block: 0,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::boundaries::{candidate_cuts, kept, uax_cuts};
    use super::clean::clean_markdown_full;
    use super::*;

    /// The same, and the plain-text fast path of `clean_markdown`, on every block of the real
    /// corpus (`../shared/corpus`, ~6,000 policies), when present:
    /// `cargo test --release --lib -- --ignored fast_paths_match_on_the_corpus`.
    #[test]
    #[ignore = "reads ../shared/corpus; run by hand after changing the splitter"]
    fn fast_paths_match_on_the_corpus() {
        let Some(dir) = crate::shared_corpus_for_tests() else {
            return;
        };
        let (mut blocks_checked, mut differ) = (0usize, Vec::new());
        for e in walkdir::WalkDir::new(&dir).into_iter().flatten() {
            let Ok(text) = std::fs::read_to_string(e.path()) else {
                continue;
            };
            for b in blocks(&text, 0) {
                let s = &text[b.range.clone()];
                blocks_checked += 1;
                // A zero-width space after a sentence end: UAX #29 attaches it (Format) to
                // the piece, which then does not end in whitespace and is not cut; the fast
                // path cuts before it, which is what a reader sees (10 of 682,528 blocks).
                let cuts_differ =
                    !s.contains('\u{200b}') && kept(s, &candidate_cuts(s)) != kept(s, &uax_cuts(s));
                let clean_differs = clean_markdown(s) != clean_markdown_full(s);
                if cuts_differ || clean_differs {
                    let what = if cuts_differ { "cuts" } else { "clean" };
                    differ.push(format!(
                        "{what}: {}",
                        s.chars().take(200).collect::<String>()
                    ));
                }
            }
        }
        eprintln!("{blocks_checked} blocks, {} differ", differ.len());
        for d in differ.iter().take(20) {
            eprintln!("  {d:?}");
        }
        assert!(differ.is_empty());
    }

    fn texts(s: &str) -> Vec<String> {
        split(s, 0, &SplitOptions::default())
            .into_iter()
            .map(|x| x.text)
            .collect()
    }

    #[test]
    fn plain_prose() {
        assert_eq!(
            texts("We collect data. We share it! Do we sell it? No."),
            ["We collect data.", "We share it!", "Do we sell it?", "No."]
        );
    }

    #[test]
    fn abbreviations_do_not_split() {
        assert_eq!(
            texts("We use providers, e.g. Acme Inc. and others, i.e. vendors. The U.S. Government may ask. See No. 5 below."),
            [
                "We use providers, e.g. Acme Inc. and others, i.e. vendors.",
                "The U.S. Government may ask.",
                "See No. 5 below."
            ]
        );
    }

    #[test]
    fn decimals_emails_urls_do_not_split() {
        assert_eq!(
            texts("Version 2.5 applies. Write to privacy@example.com or visit www.Example.org/privacy. Thanks."),
            [
                "Version 2.5 applies.",
                "Write to privacy@example.com or visit www.Example.org/privacy.",
                "Thanks."
            ]
        );
    }

    #[test]
    fn headings_and_items_are_units() {
        let s = "# Privacy Policy\n\n## What we collect\n- Your name\n- Your e-mail address. It is required.\n1. First item\n2) Second item\n(a) third\nThen prose.";
        assert_eq!(
            texts(s),
            [
                "Privacy Policy",
                "What we collect",
                "Your name",
                "Your e-mail address.",
                "It is required.",
                "First item",
                "Second item",
                "third",
                "Then prose."
            ]
        );
    }

    #[test]
    fn list_items_share_the_block_of_their_lead_in() {
        let s = "# Data\n\nWe collect:\n\n- your name;\n- your address.\n\nThat is all. Really.\n\n## Rights\n- access\n- deletion\n\nWrite to us.";
        let blocks: Vec<(usize, String)> = split(s, 0, &SplitOptions::default())
            .into_iter()
            .map(|x| (x.block, x.text))
            .collect();
        let b = |t: &str| blocks.iter().find(|x| x.1 == t).unwrap().0;
        assert_eq!(b("We collect:"), b("your name;"));
        assert_eq!(b("your name;"), b("your address."));
        assert_ne!(b("That is all."), b("your address."));
        assert_eq!(b("That is all."), b("Really."));
        // After a heading the items form their own paragraph; the heading stays alone.
        assert_ne!(b("Rights"), b("access"));
        assert_eq!(b("access"), b("deletion"));
        assert_ne!(b("Write to us."), b("deletion"));
        assert_ne!(b("Data"), b("We collect:"));
        // Every item is still its own unit, and split_paragraphs keeps items apart.
        let para = split_paragraphs(s, 0, &SplitOptions::default());
        assert_eq!(
            para.iter().map(|x| x.block).collect::<Vec<_>>(),
            (0..para.len()).collect::<Vec<_>>()
        );
    }

    #[test]
    fn bold_lead_in_and_bold_heading() {
        let s = "**What do we collect?**  \nWe collect names.\n\n**Cookies.** We use cookies. **Note:** read this.";
        assert_eq!(
            texts(s),
            [
                "What do we collect?",
                "We collect names.",
                "Cookies.",
                "We use cookies.",
                "Note: read this."
            ]
        );
        let h = split(s, 0, &SplitOptions::default());
        assert!(h[0].heading);
        assert!(!h[1].heading);
    }

    #[test]
    fn links_are_cleaned_and_spans_point_to_source() {
        let s = "Read the [cookie policy](https://example.com/c.html). Then stop.";
        let v = split(s, 0, &SplitOptions::default());
        assert_eq!(v[0].text, "Read the cookie policy.");
        assert_eq!(
            &s[v[0].span.clone()],
            "Read the [cookie policy](https://example.com/c.html)."
        );
        assert_eq!(&s[v[1].span.clone()], "Then stop.");
    }

    #[test]
    fn wrapped_lines_join_but_line_per_paragraph_does_not() {
        assert_eq!(
            texts(
                "We collect your\nname and address. Then\nwe stop.\nData storage\nWe store data."
            ),
            [
                "We collect your name and address.",
                "Then we stop.",
                "Data storage",
                "We store data."
            ]
        );
    }

    #[test]
    fn start_offset_skips_header_and_crlf_is_handled() {
        let s = "HEADER LINE\r\nFirst one. Second one.\r\n\r\n- item\r\n";
        let v = split(s, 13, &SplitOptions::default());
        let t: Vec<_> = v.iter().map(|x| x.text.as_str()).collect();
        assert_eq!(t, ["First one.", "Second one.", "item"]);
        assert_eq!(&s[v[2].span.clone()], "item");
    }

    #[test]
    fn paragraphs_keep_sentences_together() {
        let s = "# Title\n\nFirst one. Second one.\n- item one. item two.\n";
        let v = split_paragraphs(s, 0, &SplitOptions::default());
        let t: Vec<_> = v.iter().map(|x| x.text.as_str()).collect();
        assert_eq!(
            t,
            ["Title", "First one. Second one.", "item one. item two."]
        );
    }

    #[test]
    fn giant_sentence_is_cut() {
        let s = "word ".repeat(3000);
        let v = split(
            &s,
            0,
            &SplitOptions {
                max_sentence_bytes: 1000,
            },
        );
        assert!(v.len() >= 15);
        assert!(v.iter().all(|x| x.span.len() <= 1000));
    }

    #[test]
    fn punctuation_only_lines_are_dropped() {
        assert_eq!(texts("---\n|\n* * *\nReal text."), ["Real text."]);
    }

    #[test]
    fn single_initials_and_enumerators() {
        assert_eq!(
            texts("Contact J. Smith today. Done."),
            ["Contact J. Smith today.", "Done."]
        );
    }
}
