//! Sentence boundaries inside a block: the splitter's second layer.
//!
//! * **Candidates.** [`candidate_cuts`] gives the Unicode UAX #29 sentence boundaries that
//!   [`accept_boundary`] can keep, found directly: runs of terminal punctuation, closing
//!   punctuation and whitespace, minus those the UAX #29 rules veto ([`vetoed`]). It equals
//!   filtering every boundary of the `unicode-segmentation` crate (`uax_cuts`), which the
//!   tests here and the ignored corpus test in [`super`] check. [`markdown_boundaries`] adds
//!   the boundaries UAX #29 does not know about: after terminal punctuation closed by Markdown
//!   emphasis (`**Cookies.** We ...`) and after a bold lead-in at the start of a block; those
//!   are always cuts.
//! * **Filter.** [`accept_boundary`] keeps a candidate only if the text before it ends in
//!   terminal punctuation followed by whitespace and the last word is not an abbreviation
//!   ([`ABBREVIATIONS`]: e.g., i.e., U.S., Inc., No., ...) or a single initial. Decimals,
//!   e-mail addresses and URLs contain no whitespace after their dots and so never split.
//!
//! The fast skip to the next terminator is a word-wide scan ([`super::swar`]).

use super::swar::next_terminator_or_non_ascii;

/// Words that end in a period without ending a sentence (compared case-insensitively, without
/// the final period). The OPP-115 importer keeps its own, shorter list (`import/split.rs`).
const ABBREVIATIONS: &[&str] = &[
    "e.g", "i.e", "eg", "ie", "etc", "vs", "cf", "viz", "al", "approx", "inc", "ltd", "llc",
    "corp", "co", "plc", "gmbh", "no", "nos", "dr", "mr", "mrs", "ms", "prof", "st", "jr", "sr",
    "art", "sec", "para", "fig", "ch", "vol", "pp", "p", "jan", "feb", "mar", "apr", "jun", "jul",
    "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "u.k", "e.u", "u.s.a", "d.c", "ph.d", "a.m",
    "p.m", "ave", "blvd", "dept", "est", "tel", "ext", "incl", "resp",
];

/// Closing quotes and brackets that may follow terminal punctuation.
pub(super) const CLOSERS: &str = "\"'”’»)]}";

/// Whether a candidate boundary after `piece` (which includes its trailing whitespace) is a
/// real sentence end.
pub(super) fn accept_boundary(piece: &str) -> bool {
    if !piece.ends_with(|c: char| c.is_whitespace()) {
        return false; // "www.Example.com", "3.5", "a.b@c.org": no space, no break
    }
    let t = piece.trim_end();
    let core = t.trim_end_matches(|c: char| CLOSERS.contains(c) || c == '*' || c == '_');
    if !core.ends_with(['.', '!', '?', '…', '。', '！', '？']) {
        return false;
    }
    if !core.ends_with('.') {
        return true;
    }
    // The last whitespace-separated word, without the final period and leading punctuation.
    let word = core
        .rsplit(|c: char| c.is_whitespace())
        .next()
        .unwrap_or("")
        .trim_start_matches(|c: char| !c.is_alphanumeric());
    let word = word.strip_suffix('.').unwrap_or(word);
    if word.is_empty() {
        return true;
    }
    let lower = word.to_lowercase();
    if ABBREVIATIONS.contains(&lower.as_str()) {
        return false;
    }
    let letters: Vec<char> = word.chars().collect();
    // A single initial ("J."), a dotted initialism ("U.S", "e.g"), or a bare enumerator.
    if letters.len() == 1 && letters[0].is_alphabetic() {
        return false;
    }
    if word.contains('.') && word.split('.').all(|p| p.chars().count() <= 2) {
        return false;
    }
    // "1." at the very start of a piece is an enumerator, not a sentence.
    if core.trim_start() == format!("{word}.") && word.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    true
}

/// Extra candidate boundaries UAX #29 does not propose: after terminal punctuation closed by
/// emphasis markers (`... here.** Next`), and after a bold lead-in at the start of a block.
pub(super) fn markdown_boundaries(block: &str) -> Vec<usize> {
    let mut out = Vec::new();
    // Bold lead-in: "**Cookies:** We use ..." / "__Note__ - text".
    for m in ["**", "__"] {
        if let Some(rest) = block.strip_prefix(m) {
            if let Some(close) = rest.find(m) {
                let mut end = m.len() + close + m.len();
                // Punctuation right after the closing marker stays with the lead-in.
                while let Some(c) = block[end..].chars().next() {
                    if matches!(c, ':' | '.' | '-' | '–' | '—') && end + c.len_utf8() <= block.len()
                    {
                        end += c.len_utf8();
                    } else {
                        break;
                    }
                }
                let ws = block[end..].len() - block[end..].trim_start().len();
                if ws > 0 && end + ws < block.len() && close > 0 {
                    out.push(end + ws);
                }
            }
        }
    }
    let bytes = block.as_bytes();
    for (i, w) in bytes.windows(3).enumerate() {
        if matches!(w[0], b'.' | b'!' | b'?') && (w[1] == b'*' || w[1] == b'_') {
            // Skip the run of markers, then require whitespace.
            let mut j = i + 1;
            while j < bytes.len() && (bytes[j] == b'*' || bytes[j] == b'_') {
                j += 1;
            }
            let k = j + block[j..].len() - block[j..].trim_start().len();
            if k > j && k < bytes.len() {
                out.push(k);
            }
        }
    }
    out
}

/// Unicode Sentence_Break classes that matter for [`candidate_cuts`].
fn is_aterm(c: char) -> bool {
    matches!(c, '.' | '\u{2024}' | '\u{fe52}' | '\u{ff0e}')
}

fn is_sterm(c: char) -> bool {
    matches!(
        c,
        '!' | '?' | '\u{589}' | '\u{61f}' | '\u{6d4}' | '\u{700}'..='\u{702}' | '\u{7f9}'
            | '\u{964}' | '\u{965}' | '\u{203c}' | '\u{203d}' | '\u{2047}'..='\u{2049}'
            | '\u{2e2e}' | '\u{3002}' | '\u{fe56}' | '\u{fe57}' | '\u{ff01}' | '\u{ff1f}'
            | '\u{ff61}'
    )
}

fn is_close(c: char) -> bool {
    // Sentence_Break=Close: quotation marks and closing/opening brackets (Ps, Pe, Pi, Pf
    // punctuation that is not terminal).
    matches!(
        c,
        '"' | '\'' | '(' | ')' | '[' | ']' | '{' | '}' | '\u{ab}' | '\u{bb}'
            | '\u{2018}'..='\u{201f}' | '\u{2039}' | '\u{203a}' | '\u{2045}' | '\u{2046}'
            | '\u{207d}' | '\u{207e}' | '\u{208d}' | '\u{208e}' | '\u{2308}'..='\u{230b}'
            | '\u{2329}' | '\u{232a}' | '\u{275b}'..='\u{2760}' | '\u{2768}'..='\u{2775}'
            | '\u{27e6}'..='\u{27ef}' | '\u{2983}'..='\u{2998}' | '\u{29fc}' | '\u{29fd}'
            | '\u{2e00}'..='\u{2e0d}' | '\u{2e1c}' | '\u{2e1d}' | '\u{2e20}'..='\u{2e29}'
            | '\u{3008}'..='\u{3011}' | '\u{3014}'..='\u{301b}' | '\u{301d}'..='\u{301f}'
            | '\u{fd3e}' | '\u{fd3f}' | '\u{fe17}' | '\u{fe18}' | '\u{fe35}'..='\u{fe44}'
            | '\u{fe47}' | '\u{fe48}' | '\u{fe59}'..='\u{fe5e}' | '\u{ff08}' | '\u{ff09}'
            | '\u{ff3b}' | '\u{ff3d}' | '\u{ff5b}' | '\u{ff5d}' | '\u{ff5f}' | '\u{ff60}'
            | '\u{ff62}' | '\u{ff63}'
    )
}

fn is_para_sep(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn is_scontinue(c: char) -> bool {
    matches!(
        c,
        ',' | '-'
            | ':'
            | ';'
            | '\u{37e}'
            | '\u{589}'
            | '\u{60c}'
            | '\u{60d}'
            | '\u{7f8}'
            | '\u{1802}'
            | '\u{1808}'
            | '\u{2013}'
            | '\u{2014}'
            | '\u{3001}'
            | '\u{fe10}'
            | '\u{fe11}'
            | '\u{fe13}'
            | '\u{fe31}'
            | '\u{fe32}'
            | '\u{fe50}'
            | '\u{fe51}'
            | '\u{fe55}'
            | '\u{fe58}'
            | '\u{fe63}'
            | '\u{ff0c}'
            | '\u{ff0d}'
            | '\u{ff1a}'
            | '\u{ff1b}'
            | '\u{ff64}'
    )
}

/// The candidate sentence boundaries of a block that [`accept_boundary`] can keep: the UAX #29
/// boundaries that follow terminal punctuation, closing punctuation and whitespace, computed
/// directly. UAX #29 proposes more (after a line break, at the end), but `accept_boundary`
/// rejects every piece that does not end in terminal punctuation + whitespace, so scanning for
/// those runs and applying the UAX #29 rules that veto them — a period followed by a
/// lower-case word (SB8), or by a comma-like or terminal character (SB8a) — gives the same
/// cuts without classifying every character (`tests::fast_cuts_match_uax29`).
pub(super) fn candidate_cuts(s: &str) -> Vec<usize> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        // Fast skip to the next possible terminator.
        i = next_terminator_or_non_ascii(b, i);
        if i >= b.len() {
            break;
        }
        let ch = s[i..].chars().next().expect("char boundary");
        if !(is_aterm(ch) || is_sterm(ch)) {
            i += ch.len_utf8();
            continue;
        }
        // A run of terminators; the last one decides (ATerm or STerm).
        let mut j = i;
        let mut last = ch;
        while let Some(c) = s[j..].chars().next() {
            if is_aterm(c) || is_sterm(c) {
                last = c;
                j += c.len_utf8();
            } else {
                break;
            }
        }
        let after_terms = j;
        while let Some(c) = s[j..].chars().next() {
            if is_close(c) {
                j += c.len_utf8();
            } else {
                break;
            }
        }
        let mut spaces = false;
        while let Some(c) = s[j..].chars().next() {
            if c.is_whitespace() && !is_para_sep(c) {
                spaces = true;
                j += c.len_utf8();
            } else {
                break;
            }
        }
        let mut para = false;
        if let Some(c) = s[j..].chars().next() {
            if is_para_sep(c) {
                para = true;
                j += c.len_utf8();
                if c == '\r' && s[j..].starts_with('\n') {
                    j += 1;
                }
            }
        }
        // After a line break UAX #29 always breaks (SB4); after spaces unless vetoed.
        if j < b.len() && (para || (spaces && !vetoed(&s[j..], is_aterm(last)))) {
            out.push(j);
        }
        i = after_terms.max(i + 1);
    }
    out
}

/// Whether UAX #29 forbids a break before `rest` after terminal punctuation (`aterm`: a
/// period) + closers + spaces: SB8a (a comma-like or terminal character follows) and, after a
/// period, SB8 (the next letter, skipping digits, spaces and punctuation, is lower case).
fn vetoed(rest: &str, aterm: bool) -> bool {
    let Some(first) = rest.chars().next() else {
        return false;
    };
    if is_scontinue(first) || is_aterm(first) || is_sterm(first) {
        return true;
    }
    if !aterm {
        return false;
    }
    for c in rest.chars() {
        if c.is_lowercase() {
            return true;
        }
        if c.is_uppercase() || c.is_alphabetic() || is_para_sep(c) || is_aterm(c) || is_sterm(c) {
            return false;
        }
    }
    false
}

/// The reference for [`candidate_cuts`]: every UAX #29 boundary inside the block.
#[cfg(test)]
pub(super) fn uax_cuts(s: &str) -> Vec<usize> {
    use unicode_segmentation::UnicodeSegmentation;
    s.split_sentence_bound_indices()
        .map(|(i, _)| i)
        .filter(|&i| i > 0)
        .collect()
}

/// The cuts of `cuts` that [`accept_boundary`] keeps, in a left-to-right pass.
#[cfg(test)]
pub(super) fn kept(s: &str, cuts: &[usize]) -> Vec<usize> {
    let mut last = 0;
    let mut out = Vec::new();
    for &c in cuts {
        if accept_boundary(&s[last..c]) {
            out.push(c);
            last = c;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_cuts_match_uax29() {
        for s in [
            "We collect data. We share it! Do we sell it? No. e.g. this. approx. 5 users. Fine.",
            "He said \u{201c}stop.\u{201d} Then left. (See below.) Next one.\u{a0}Again. Here",
            "Ends with period.  \n  New line. U.S. Inc. rules. 3.5 percent. www.x.com. Ok.",
            "Wait... what? Really?! Yes. - dash. , comma. ; semi. . dot. \u{2026} more. A",
            "\u{3002}\u{4e2d}\u{6587}\u{3002} \u{4e2d}. \u{e9}t\u{e9}. \u{c9}t\u{e9}. 1. 2. (a) b.",
            "Line one.\r\nLine two.\rLine three.\u{2029}Four. 'Quoted.' ['x.'] Five.",
        ] {
            assert_eq!(kept(s, &candidate_cuts(s)), kept(s, &uax_cuts(s)), "{s:?}");
        }
    }
}
