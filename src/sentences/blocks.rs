//! Blocks: the splitter's first layer, from the line structure of the text.
//!
//! Markdown headings, list items (bullets, numbers, `(a)`), blockquotes, rules and blank lines
//! end a block; a heading or a list item is always a block of its own. Plain lines are joined
//! into one block only when the previous line stops mid-sentence and the next begins in lower
//! case (hard-wrapped prose); otherwise every line is a block, which is how most extracted
//! policies (one paragraph per line) are written.
//!
//! [`blocks`] only finds them; [`super::split`] cuts each into sentences
//! ([`super::boundaries`]) and gives the units their block ids ([`super::Sentence::block`]).

use super::boundaries::CLOSERS;
use std::ops::Range;

/// What a line is, for building blocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LineKind {
    Blank,
    Rule,
    Heading,
    Item,
    Prose,
}

/// One line of the text, classified.
struct Line {
    kind: LineKind,
    /// Content range (markers and surrounding whitespace excluded).
    content: Range<usize>,
    /// The line ends in a Markdown hard break (two trailing spaces or a backslash).
    hard_break: bool,
}

/// One block: a heading, a list item, or a run of prose lines.
pub(super) struct Block {
    /// Content range in the document text (markers and surrounding whitespace excluded).
    pub(super) range: Range<usize>,
    /// The block is a heading (Markdown `#`, or a line that is entirely bold).
    pub(super) heading: bool,
    /// The block is a list item.
    pub(super) item: bool,
}

/// Classifies the line `text[range]` (its line end included) and finds its content.
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

/// Whether a block's text so far ends a sentence (then the next line is not joined to it).
fn ends_sentence(s: &str) -> bool {
    let t = s.trim_end_matches(|c: char| CLOSERS.contains(c) || c == '*' || c == '_');
    t.ends_with(['.', '!', '?', ':', ';', '…', '。', '！', '？'])
}

/// Whether a line begins like the continuation of a wrapped sentence.
fn starts_lower(s: &str) -> bool {
    s.chars()
        .next()
        .is_some_and(|c| c.is_lowercase() || c.is_ascii_digit() || c == '(')
}

/// The blocks of `text[start..]` in document order; ranges are offsets into `text`.
pub(super) fn blocks(text: &str, start: usize) -> Vec<Block> {
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
