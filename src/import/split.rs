//! The importer's own sentence splitter: clean segment text → sentence ranges.
//!
//! # Why not the product's splitter (`sentences::split`)
//!
//! The shared OPP-115 CSVs (`../shared/opp115/segments.csv` and `sentences.csv`, used for
//! training and evaluation) were made from the release with fixed rules, described in
//! `../shared/opp115/README.md` ("Sentence splitter"). This file is those rules, so that
//! `classify import opp115` on the release reproduces `sentences.csv` byte for byte
//! (`tests/import.rs` checks it). The product's splitter is tuned for real policy files
//! (Markdown structure, UAX #29, a longer abbreviation list) and must stay free to change
//! without changing what an import gives; the two are therefore kept apart on purpose.
//!
//! # Rules
//!
//! Every block tag ends a sentence (the `breaks` of a cleaned segment), so headings and list
//! items stand alone. Inside a line, a sentence ends at a run of `.`, `!` or `?` (plus closing
//! quotes or brackets) when whitespace and then a capital letter, a digit, or one opening quote
//! or bracket followed by one of these follow (a dash bullet in between is allowed). A run of
//! periods does not end a sentence after a common abbreviation ([`ABBREVIATIONS`]), a dotted
//! initialism (`U.S.`, `e.g.`), a single-letter initial, or a list marker such as `1.` or
//! `iv.` at the start of the sentence.

/// Splits clean text into sentences: lines between block-tag breaks, then the punctuation
/// rules inside each line. Returns trimmed, non-empty ranges.
pub(super) fn split_sentences(chars: &[char], breaks: &[usize]) -> Vec<std::ops::Range<usize>> {
    let mut bounds: Vec<usize> = Vec::with_capacity(breaks.len() + 2);
    bounds.push(0);
    bounds.extend_from_slice(breaks);
    bounds.push(chars.len());
    bounds.dedup();
    let mut out = Vec::new();
    for w in bounds.windows(2) {
        let (a, b) = (w[0], w[1]);
        if a >= b {
            continue;
        }
        for r in split_line(&chars[a..b]) {
            out.push(a + r.start..a + r.end);
        }
    }
    out
}

/// `.`, `!` or `?`.
fn is_terminal(c: char) -> bool {
    matches!(c, '.' | '!' | '?')
}

/// A closing quote or bracket that stays with the sentence it ends.
fn is_closer(c: char) -> bool {
    matches!(c, '"' | '\'' | ')' | ']' | '”' | '’')
}

/// An opening quote or bracket that may begin a sentence.
fn is_opener(c: char) -> bool {
    matches!(c, '"' | '\'' | '(' | '[' | '“' | '‘')
}

/// Words that end in a period without ending a sentence (lower case, without the period).
const ABBREVIATIONS: &[&str] = &[
    "inc", "no", "nos", "dr", "mr", "mrs", "ms", "prof", "jr", "sr", "st", "co", "corp", "ltd",
    "vs", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "approx", "dept", "fig", "ave", "blvd", "tel", "ext", "cf", "viz", "e.g", "i.e", "u.s",
];

/// Splits one line (no block tag inside) into trimmed sentence ranges.
fn split_line(line: &[char]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < line.len() {
        if !is_terminal(line[i]) {
            i += 1;
            continue;
        }
        let run_start = i;
        while i < line.len() && is_terminal(line[i]) {
            i += 1;
        }
        let only_periods = line[run_start..i].iter().all(|&c| c == '.');
        while i < line.len() && is_closer(line[i]) {
            i += 1;
        }
        let end = i;
        if !next_starts_sentence(line, end) {
            continue;
        }
        if only_periods && period_is_not_an_end(line, start, end) {
            continue;
        }
        push_trimmed(&mut out, line, start, end);
        start = end;
    }
    push_trimmed(&mut out, line, start, line.len());
    out
}

/// Appends `line[a..b]` without surrounding whitespace, when anything is left.
fn push_trimmed(out: &mut Vec<std::ops::Range<usize>>, line: &[char], a: usize, b: usize) {
    let mut a = a;
    let mut b = b;
    while a < b && line[a].is_whitespace() {
        a += 1;
    }
    while b > a && line[b - 1].is_whitespace() {
        b -= 1;
    }
    if a < b {
        out.push(a..b);
    }
}

/// Whitespace, an optional dash bullet, at most one opening quote or bracket, then a capital
/// letter or a digit.
fn next_starts_sentence(line: &[char], at: usize) -> bool {
    let ws = |k: usize| line.get(k).is_some_and(|c| c.is_whitespace());
    let mut k = at;
    if !ws(k) {
        return false;
    }
    while ws(k) {
        k += 1;
    }
    if line
        .get(k)
        .is_some_and(|&c| matches!(c, '-' | '*' | '–' | '—' | '•'))
        && ws(k + 1)
    {
        k += 1;
        while ws(k) {
            k += 1;
        }
    }
    if line.get(k).is_some_and(|&c| is_opener(c)) {
        k += 1;
    }
    line.get(k)
        .is_some_and(|&c| c.is_uppercase() || c.is_ascii_digit())
}

/// True when the periods ending `line[start..end]` belong to an abbreviation, a dotted
/// initialism, a single initial or a leading list marker.
fn period_is_not_an_end(line: &[char], start: usize, end: usize) -> bool {
    let piece = &line[start..end];
    let tok_start = piece
        .iter()
        .rposition(|c| c.is_whitespace())
        .map_or(0, |p| p + 1);
    let token = &piece[tok_start..];
    let mut t = token.len();
    while t > 0 && (token[t - 1] == '.' || is_closer(token[t - 1])) {
        t -= 1;
    }
    let mut s = 0;
    while s < t && is_opener(token[s]) {
        s += 1;
    }
    let word: String = token[s..t].iter().flat_map(|c| c.to_lowercase()).collect();
    if word.is_empty() {
        return false;
    }
    if ABBREVIATIONS.contains(&word.as_str()) {
        return true;
    }
    let letters: Vec<char> = word.chars().collect();
    // Single initial: "J." — and dotted initialisms: "u.s", "e.g", "a.b.c".
    let dotted = letters.len() % 2 == 1
        && letters.iter().enumerate().all(|(k, &c)| {
            if k % 2 == 0 {
                c.is_alphabetic()
            } else {
                c == '.'
            }
        });
    if dotted {
        return true;
    }
    // List marker ("1.", "iv.") when it is all of the sentence so far.
    let marker = word.chars().all(|c| c.is_ascii_digit())
        || word.chars().all(|c| matches!(c, 'i' | 'v' | 'x'));
    let whole = piece[..tok_start].iter().all(|c| c.is_whitespace());
    marker && whole
}

#[cfg(test)]
mod tests {
    use super::super::segment::Segment;

    fn sentences(html: &str) -> Vec<String> {
        let seg = Segment::new(html);
        seg.sentences
            .iter()
            .map(|r| seg.chars[r.clone()].iter().collect())
            .collect()
    }

    #[test]
    fn block_tags_end_sentences() {
        assert_eq!(
            sentences("Cookies <br> We use cookies. <ul> <li> one </li> <li> two</li> </ul>"),
            ["Cookies", "We use cookies.", "one", "two"]
        );
    }

    #[test]
    fn punctuation_rules() {
        assert_eq!(
            sentences("We are Acme Inc. We sell. 2 items? Yes! \"Quoted.\" Next one."),
            [
                "We are Acme Inc. We sell.",
                "2 items?",
                "Yes!",
                "\"Quoted.\"",
                "Next one."
            ]
        );
        assert_eq!(
            sentences("Made in the U.S. By us. See e.g. Part Two. Ask J. Doe. Then stop."),
            [
                "Made in the U.S. By us.",
                "See e.g. Part Two.",
                "Ask J. Doe.",
                "Then stop."
            ]
        );
        assert_eq!(
            sentences("1. First item. Under 13. We stop. Ends etc. Then (Note: x.) (b) not."),
            [
                "1. First item.",
                "Under 13.",
                "We stop.",
                "Ends etc.",
                "Then (Note: x.) (b) not."
            ]
        );
        assert_eq!(
            sentences("Revised Jan. 2, 2014. See more. - Read on. (\"Not\") here."),
            [
                "Revised Jan. 2, 2014.",
                "See more.",
                "- Read on. (\"Not\") here."
            ]
        );
        assert_eq!(sentences("a.b.c lower. next"), ["a.b.c lower. next"]);
    }
}
