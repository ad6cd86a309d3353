//! Sentence splitting: policy text → sentences with byte spans.
//!
//! The splitter works in two layers:
//!
//! 1. **Blocks** from the line structure: Markdown headings, list items (bullets, numbers,
//!    `(a)`), blockquotes, rules and blank lines end a block; a heading or a list item is always
//!    its own unit. Plain lines are joined into one block only when the previous line stops
//!    mid-sentence and the next begins in lower case (hard-wrapped prose); otherwise every line
//!    is a block, which is how most extracted policies (one paragraph per line) are written.
//! 2. **Sentences** inside a block: candidate boundaries are the Unicode UAX #29 sentence
//!    boundaries from the `unicode-segmentation` crate, plus boundaries after terminal
//!    punctuation closed by Markdown emphasis (`**Cookies.** We ...`) and after a bold lead-in
//!    at the start of a block, which UAX #29 does not know about. A candidate is kept only if
//!    the text before it ends in terminal punctuation followed by whitespace and the last word is
//!    not an abbreviation (e.g., i.e., U.S., Inc., No., ...) or a single initial. Decimals,
//!    e-mail addresses and URLs contain no whitespace after their dots and so never split.
//!
//! Each [`Sentence`] keeps the byte span of its source text (Markdown markers excluded) and a
//! cleaned `text` with Markdown syntax removed and whitespace collapsed; the cleaned text is
//! what gets classified.

pub mod paragraph;

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
    /// 0-based index of the block (paragraph or heading) the unit belongs to; sentences of
    /// one paragraph share it, and so do a paragraph and the list items it introduces
    /// ([`split`]; [`split_paragraphs`] numbers every item apart).
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

/// Words that end in a period without ending a sentence (compared case-insensitively, without
/// the final period).
const ABBREVIATIONS: &[&str] = &[
    "e.g", "i.e", "eg", "ie", "etc", "vs", "cf", "viz", "al", "approx", "inc", "ltd", "llc",
    "corp", "co", "plc", "gmbh", "no", "nos", "dr", "mr", "mrs", "ms", "prof", "st", "jr", "sr",
    "art", "sec", "para", "fig", "ch", "vol", "pp", "p", "jan", "feb", "mar", "apr", "jun", "jul",
    "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "u.k", "e.u", "u.s.a", "d.c", "ph.d", "a.m",
    "p.m", "ave", "blvd", "dept", "est", "tel", "ext", "incl", "resp",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LineKind {
    Blank,
    Rule,
    Heading,
    Item,
    Prose,
}

struct Line {
    kind: LineKind,
    /// Content range (markers and surrounding whitespace excluded).
    content: Range<usize>,
    /// The line ends in a Markdown hard break (two trailing spaces or a backslash).
    hard_break: bool,
}

struct Block {
    range: Range<usize>,
    heading: bool,
    item: bool,
}

/// Splits `text[start..]` into sentences; spans are offsets into `text`.
///
/// A list item is a unit of its own but shares the block number of the paragraph that
/// introduces it ("We collect:" and its items are one paragraph, as annotators and the
/// training segments see them); items right after a heading share one number.
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

/// Splits `text[start..]` into paragraph units instead: every block (heading, list item,
/// paragraph) is one unit, for models trained on segments (`classify train --level segment`).
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

fn classify_line(text: &str, range: Range<usize>) -> Line {
    let raw = &text[range.clone()];
    let body = raw.trim_end_matches(['\n', '\r']);
    let hard_break = body.ends_with("  ") || body.ends_with('\\');
    let trimmed_start = body.len() - body.trim_start().len();
    let mut s = range.start + trimmed_start;
    let e = range.start + body.trim_end().len();
    if s >= e {
        return Line {
            kind: LineKind::Blank,
            content: s..s,
            hard_break,
        };
    }
    // Blockquote markers are dropped; the quoted line is classified by what follows.
    while s < e && text.as_bytes()[s] == b'>' {
        s += 1;
        while s < e && text.as_bytes()[s].is_ascii_whitespace() {
            s += 1;
        }
    }
    let line = &text[s..e];
    if line.is_empty() {
        return Line {
            kind: LineKind::Blank,
            content: s..s,
            hard_break,
        };
    }
    if is_rule(line) {
        return Line {
            kind: LineKind::Rule,
            content: s..s,
            hard_break,
        };
    }
    let hashes = line.bytes().take_while(|&b| b == b'#').count();
    if (1..=6).contains(&hashes) && line[hashes..].starts_with(|c: char| c.is_whitespace()) {
        let inner = line[hashes..].trim();
        let inner = inner.trim_end_matches('#').trim_end();
        let cs = s + hashes + (line[hashes..].len() - line[hashes..].trim_start().len());
        return Line {
            kind: LineKind::Heading,
            content: cs..cs + inner.len(),
            hard_break,
        };
    }
    if let Some(marker) = list_marker_len(line) {
        let rest = &line[marker..];
        let cs = s + marker + (rest.len() - rest.trim_start().len());
        return Line {
            kind: LineKind::Item,
            content: cs..e,
            hard_break,
        };
    }
    let kind = if is_bold_line(line) {
        LineKind::Heading
    } else {
        LineKind::Prose
    };
    Line {
        kind,
        content: s..e,
        hard_break,
    }
}

fn is_rule(line: &str) -> bool {
    // Three or more of one of `-*_=`, spaces allowed between (no allocation: every line is
    // checked).
    let mut marks = line.chars().filter(|c| !c.is_whitespace());
    let Some(first) = marks.next() else {
        return false;
    };
    if !matches!(first, '-' | '*' | '_' | '=') {
        return false;
    }
    let mut n = 1;
    for c in marks {
        if c != first {
            return false;
        }
        n += 1;
    }
    n >= 3
}

/// Length of a list marker and its following space: `-`, `*`, `+`, `•` and similar bullets,
/// `1.`, `1)`, `(a)`, `a)`, `iv.` style enumerators.
fn list_marker_len(line: &str) -> Option<usize> {
    let mut chars = line.char_indices();
    let (_, first) = chars.next()?;
    let after = |i: usize| -> Option<usize> {
        let rest = &line[i..];
        if rest.starts_with(|c: char| c.is_whitespace()) && !rest.trim().is_empty() {
            Some(i)
        } else {
            None
        }
    };
    if matches!(
        first,
        '-' | '*'
            | '+'
            | '•'
            | '·'
            | '▪'
            | '◦'
            | '‣'
            | '–'
            | '—'
            | '●'
            | '○'
            | '■'
            | '□'
            | '➢'
            | '→'
    ) {
        // "**bold**" is emphasis, not a bullet.
        if first == '*' && line[1..].starts_with('*') {
            return None;
        }
        return after(first.len_utf8());
    }
    // Enumerators: "12." "12)" "(a)" "a)" "iv)" "(iv)".
    let (open, body_start) = if first == '(' { (true, 1) } else { (false, 0) };
    let len = line.as_bytes()[body_start..]
        .iter()
        .take(5)
        .take_while(|b| b.is_ascii_alphanumeric())
        .count();
    if len == 0 || len > 4 {
        return None;
    }
    let body = &line[body_start..body_start + len];
    let numeric = body.bytes().all(|b| b.is_ascii_digit());
    let roman = body.bytes().all(|b| b"ivxlcIVXLC".contains(&b));
    let letter = body.len() == 1 && body.bytes().all(|b| b.is_ascii_alphabetic());
    if !(numeric || roman || letter) || (numeric && body.len() > 3) {
        return None;
    }
    let close_at = body_start + body.len();
    let close = line[close_at..].chars().next()?;
    let ok = if open {
        close == ')'
    } else {
        close == ')' || (close == '.' && (numeric || roman))
    };
    if !ok {
        return None;
    }
    after(close_at + 1)
}

/// A line that is entirely bold (`**Heading**`, `__Heading__`), optionally with a trailing
/// colon: a heading in many converted policies.
fn is_bold_line(line: &str) -> bool {
    let l = line.trim_end_matches(':').trim_end();
    for m in ["**", "__"] {
        if l.len() > 4 && l.starts_with(m) && l.ends_with(m) && !l[2..l.len() - 2].contains(m) {
            return true;
        }
    }
    false
}

fn ends_sentence(s: &str) -> bool {
    let t = s.trim_end_matches(|c: char| CLOSERS.contains(c) || c == '*' || c == '_');
    t.ends_with(['.', '!', '?', ':', ';', '…', '。', '！', '？'])
}

fn starts_lower(s: &str) -> bool {
    s.chars()
        .next()
        .is_some_and(|c| c.is_lowercase() || c.is_ascii_digit() || c == '(')
}

fn blocks(text: &str, start: usize) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::new();
    let mut open: Option<(Block, bool)> = None; // (block, previous line had a hard break)
    let mut pos = start;
    let flush = |open: &mut Option<(Block, bool)>, out: &mut Vec<Block>| {
        if let Some((b, _)) = open.take() {
            out.push(b);
        }
    };
    for raw in text[start..].split_inclusive('\n') {
        let range = pos..pos + raw.len();
        pos = range.end;
        let line = classify_line(text, range);
        match line.kind {
            LineKind::Blank | LineKind::Rule => flush(&mut open, &mut out),
            LineKind::Heading => {
                flush(&mut open, &mut out);
                out.push(Block {
                    range: line.content,
                    heading: true,
                    item: false,
                });
            }
            LineKind::Item => {
                flush(&mut open, &mut out);
                open = Some((
                    Block {
                        range: line.content,
                        heading: false,
                        item: true,
                    },
                    line.hard_break,
                ));
            }
            LineKind::Prose => {
                let content = &text[line.content.clone()];
                let joins = match &open {
                    Some((b, hard)) => {
                        !hard && !ends_sentence(&text[b.range.clone()]) && starts_lower(content)
                    }
                    None => false,
                };
                if joins {
                    if let Some((b, hard)) = open.as_mut() {
                        b.range.end = line.content.end;
                        *hard = line.hard_break;
                    }
                } else {
                    flush(&mut open, &mut out);
                    open = Some((
                        Block {
                            range: line.content,
                            heading: false,
                            item: false,
                        },
                        line.hard_break,
                    ));
                }
            }
        }
    }
    flush(&mut open, &mut out);
    out
}

const CLOSERS: &str = "\"'”’»)]}";

/// Whether a candidate boundary after `piece` (which includes its trailing whitespace) is a
/// real sentence end.
fn accept_boundary(piece: &str) -> bool {
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
fn markdown_boundaries(block: &str) -> Vec<usize> {
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
fn candidate_cuts(s: &str) -> Vec<usize> {
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

/// Removes Markdown inline syntax (emphasis, links, images, code ticks, escapes) and collapses
/// whitespace.
pub fn clean_markdown(s: &str) -> String {
    // Most sentences have no Markdown and single spaces only: nothing to clean.
    if is_plain(s) {
        return s.to_owned();
    }
    clean_markdown_full(s)
}

/// Whether [`clean_markdown_full`] would return `s` unchanged because it has nothing to clean:
/// no Markdown or entity characters, and single spaces as its only whitespace, none at
/// either end. Eight bytes at a time while they are printable ASCII (a word-wide test for
/// the Markdown characters and a doubled space); a chunk with anything else goes byte by
/// byte, decoding non-ASCII characters only to rule out Unicode spaces.
fn is_plain(s: &str) -> bool {
    let b = s.as_bytes();
    if b.first() == Some(&b' ') || b.last() == Some(&b' ') {
        return false;
    }
    let mut prev_space = false;
    let mut i = 0;
    while i < b.len() {
        if let Some(x) = load8(b, i) {
            if (x & HIGH) | below(x, 0x20) == 0 {
                let bad = eq_any(x, b'*')
                    | eq_any(x, b'`')
                    | eq_any(x, b'_')
                    | eq_any(x, b'\\')
                    | eq_any(x, b'[')
                    | eq_any(x, b'&');
                let spaces = eq_exact(x, b' ');
                let doubled = spaces & ((spaces << 8) | u64::from(prev_space) << 7);
                if bad | doubled != 0 {
                    return false;
                }
                prev_space = spaces >> 63 != 0;
                i += 8;
                continue;
            }
        }
        // Byte by byte to the end of this chunk (or of the text).
        let end = (i + 8).min(b.len());
        while i < end {
            let c = b[i];
            if c >= 0x80 {
                let ch = s[i..].chars().next().expect("char boundary");
                if ch.is_whitespace() {
                    return false;
                }
                prev_space = false;
                i += ch.len_utf8();
                continue;
            }
            match c {
                b' ' if prev_space => return false,
                b' ' => prev_space = true,
                b'*' | b'`' | b'_' | b'\\' | b'[' | b'&' => return false,
                c if c.is_ascii_whitespace() || c == 0x0b => return false,
                _ => prev_space = false,
            }
            i += 1;
        }
    }
    true
}

/// [`is_plain`] one byte at a time (the definition the word-wide path is tested against).
#[cfg(test)]
fn is_plain_bytewise(s: &str) -> bool {
    let b = s.as_bytes();
    if b.first() == Some(&b' ') || b.last() == Some(&b' ') {
        return false;
    }
    let mut prev_space = false;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c >= 0x80 {
            let ch = s[i..].chars().next().expect("char boundary");
            if ch.is_whitespace() {
                return false;
            }
            prev_space = false;
            i += ch.len_utf8();
            continue;
        }
        match c {
            b' ' if prev_space => return false,
            b' ' => prev_space = true,
            b'*' | b'`' | b'_' | b'\\' | b'[' | b'&' => return false,
            c if c.is_ascii_whitespace() || c == 0x0b => return false,
            _ => prev_space = false,
        }
        i += 1;
    }
    true
}

// Word-wide byte tests (SWAR) for the splitter's scans: eight bytes of text as a
// little-endian u64, with the high bit of each byte as its flag.
const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// The eight bytes at `i`, if there are eight.
#[inline]
fn load8(b: &[u8], i: usize) -> Option<u64> {
    let chunk: [u8; 8] = b.get(i..i + 8)?.try_into().ok()?;
    Some(u64::from_le_bytes(chunk))
}

/// Flags bytes of `x` equal to `c`: nonzero exactly when one is, and the lowest flag is the
/// first such byte (flags above it may be false, from the borrow).
#[inline]
fn eq_any(x: u64, c: u8) -> u64 {
    let y = x ^ (ONES * u64::from(c));
    y.wrapping_sub(ONES) & !y & HIGH
}

/// Flags exactly the bytes of `x` equal to `c`.
#[inline]
fn eq_exact(x: u64, c: u8) -> u64 {
    let y = x ^ (ONES * u64::from(c));
    !(((y & !HIGH) + !HIGH) | y | !HIGH)
}

/// Flags bytes of `x` below `c` (`c` ≤ 0x80; nonzero exactly when one is, lowest flag
/// first, as [`eq_any`]) — for bytes without the high bit.
#[inline]
fn below(x: u64, c: u8) -> u64 {
    x.wrapping_sub(ONES * u64::from(c)) & !x & HIGH
}

/// The first index ≥ `i` of a byte that is `.`, `!`, `?` or not ASCII (`b.len()` if none):
/// where [`candidate_cuts`] has to look closer.
#[inline]
fn next_terminator_or_non_ascii(b: &[u8], mut i: usize) -> usize {
    while let Some(x) = load8(b, i) {
        let m = eq_any(x, b'.') | eq_any(x, b'!') | eq_any(x, b'?') | (x & HIGH);
        if m != 0 {
            return i + (m.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < b.len() && b[i].is_ascii() && !matches!(b[i], b'.' | b'!' | b'?') {
        i += 1;
    }
    i
}

fn clean_markdown_full(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '*' | '`' => {}
            '_' if i + 1 < chars.len() && chars[i + 1] == '_' => i += 1,
            '\\' if i + 1 < chars.len() && chars[i + 1].is_ascii_punctuation() => {
                out.push(chars[i + 1]);
                i += 1;
            }
            '!' if i + 1 < chars.len() && chars[i + 1] == '[' => {}
            '[' => {
                // [text](url) → text ; other brackets are kept.
                if let Some(close) = chars[i + 1..].iter().position(|&x| x == ']') {
                    let close = i + 1 + close;
                    if close + 1 < chars.len() && chars[close + 1] == '(' {
                        if let Some(end) = chars[close + 2..].iter().position(|&x| x == ')') {
                            out.extend(&chars[i + 1..close]);
                            i = close + 2 + end + 1;
                            continue;
                        }
                    }
                }
                out.push(c);
            }
            c if c.is_whitespace() => {
                if !out.ends_with(' ') && !out.is_empty() {
                    out.push(' ');
                }
            }
            _ => out.push(c),
        }
        i += 1;
    }
    let t = out.trim_end();
    t.trim_start().replace("&amp;", "&").replace("&nbsp;", " ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_segmentation::UnicodeSegmentation;

    /// The reference: every UAX #29 boundary inside the block.
    fn uax_cuts(s: &str) -> Vec<usize> {
        s.split_sentence_bound_indices()
            .map(|(i, _)| i)
            .filter(|&i| i > 0)
            .collect()
    }

    fn kept(s: &str, cuts: &[usize]) -> Vec<usize> {
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

    #[test]
    fn clean_markdown_fast_path_matches_full() {
        for s in [
            "We collect your name.",
            "",
            "a",
            " lead",
            "trail ",
            "two  spaces",
            "tab\there",
            "vt\u{b}here",
            "**bold** and _it_ and `code` and [link](http://x) and \\* esc",
            "AT&amp;T &nbsp; x",
            "caf\u{e9}\u{a0}au lait",
            "snake_case and ![img](x)",
            "the company\u{2019}s data \u{2014} and more",
            "line\u{2028}sep",
            "ideographic\u{3000}space",
            "next\u{85}line",
            "\u{a0}lead",
            "\u{e9}",
        ] {
            assert_eq!(clean_markdown(s), clean_markdown_full(s), "{s:?}");
        }
    }

    #[test]
    fn word_wide_scans_match_their_bytewise_definitions() {
        // Every string of up to 5 symbols from an alphabet holding each byte class the scans
        // tell apart, padded on both sides so chunks fall at every offset.
        let alphabet = [
            "a", " ", "*", "`", "_", "\\", "[", "&", "\t", "\n", "\u{b}", "\u{1}", "\u{7f}", ".",
            "!", "?", "\u{e9}", "\u{a0}", "\u{2019}", "\u{3002}",
        ];
        let mut strings = vec![String::new()];
        for _ in 0..4 {
            let longer: Vec<String> = strings
                .iter()
                .flat_map(|s| alphabet.iter().map(move |c| format!("{s}{c}")))
                .collect();
            strings.extend(longer);
        }
        strings.sort();
        strings.dedup();
        let mut checked = 0;
        for core in &strings {
            for pad in 0..9 {
                let s = format!("{}{core}{}", "x".repeat(pad), "y".repeat(8 - pad));
                for t in [s.as_str(), core.as_str()] {
                    assert_eq!(is_plain(t), is_plain_bytewise(t), "{t:?}");
                    let b = t.as_bytes();
                    let mut i = 0;
                    while i <= b.len() {
                        let want = (i..b.len())
                            .find(|&j| !b[j].is_ascii() || matches!(b[j], b'.' | b'!' | b'?'))
                            .unwrap_or(b.len());
                        assert_eq!(next_terminator_or_non_ascii(b, i), want, "{t:?} from {i}");
                        i += 1;
                    }
                    checked += 1;
                }
            }
        }
        assert!(checked > 300_000, "{checked}");
    }

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
