//! Normalisation: sentence text → lower-case tokens ([`Normaliser`] into [`Tokens`]).
//!
//! Normalisation is defined by the Hugging Face `tokenizers` crate: the normaliser sequence
//! NFKC → Lowercase → NFD → StripAccents, then the BERT pre-tokeniser (split on whitespace,
//! isolate punctuation). Tokens without any alphanumeric character are dropped. For pure-ASCII
//! text the same result is computed by a byte loop (NFKC/NFD/StripAccents are the identity on
//! ASCII, and every ASCII non-alphanumeric printable character is BERT punctuation); a test
//! checks the two paths agree.
//!
//! The piece and ASCII-token scanners ([`for_each_piece`], [`for_each_ascii_token`]) are
//! shared with the vocabulary's fused tokenise-and-look-up path
//! ([`TermIndex::append_text_ids`](super::vocab::TermIndex::append_text_ids)), which must give
//! the ids of these tokens.

use tokenizers::normalizers::{Lowercase, Sequence, StripAccents, NFD, NFKC};
use tokenizers::pre_tokenizers::bert::BertPreTokenizer;
use tokenizers::{
    NormalizedString, Normalizer, OffsetReferential, OffsetType, PreTokenizedString, PreTokenizer,
};

/// The `tokenizers`-based normaliser and pre-tokeniser.
pub struct Normaliser {
    sequence: Sequence,
}

impl Default for Normaliser {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for Normaliser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Normaliser(NFKC, Lowercase, NFD, StripAccents, BertPreTokenizer)")
    }
}

/// Reusable token buffer: token text concatenated, with token boundaries.
#[derive(Debug, Default, Clone)]
pub struct Tokens {
    /// The tokens' text; [`TermIndex::append_text_ids`] also borrows it as a lower-casing
    /// buffer (the tokens are not read after that).
    ///
    /// [`TermIndex::append_text_ids`]: super::vocab::TermIndex::append_text_ids
    pub(super) text: String,
    bounds: Vec<(u32, u32)>,
    /// Scratch of [`TermIndex::append_text_ids`]: the table keys of a piece's tokens.
    ///
    /// [`TermIndex::append_text_ids`]: super::vocab::TermIndex::append_text_ids
    pub(super) keys: Vec<([u64; 2], u32)>,
}

impl Tokens {
    /// Number of tokens.
    pub fn len(&self) -> usize {
        self.bounds.len()
    }
    /// True when there are no tokens.
    pub fn is_empty(&self) -> bool {
        self.bounds.is_empty()
    }
    /// The `i`-th token.
    pub fn get(&self, i: usize) -> &str {
        let (a, b) = self.bounds[i];
        &self.text[a as usize..b as usize]
    }
    /// Iterates over the tokens.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.len()).map(|i| self.get(i))
    }
    pub(super) fn clear(&mut self) {
        self.text.clear();
        self.bounds.clear();
    }
    fn push(&mut self, tok: &str) {
        let a = self.text.len() as u32;
        self.text.push_str(tok);
        self.bounds.push((a, self.text.len() as u32));
    }
}

impl Normaliser {
    /// Builds the normaliser.
    pub fn new() -> Self {
        Normaliser {
            sequence: Sequence::new(vec![
                NFKC.into(),
                Lowercase.into(),
                NFD.into(),
                StripAccents.into(),
            ]),
        }
    }

    /// Normalises and tokenises `text` into `out` (which is cleared first).
    ///
    /// Pure-ASCII text takes the byte loop. Other text is cut at whitespace and typographic
    /// punctuation (`is_piece_separator`) and each piece takes the byte loop when it is ASCII
    /// and the `tokenizers` path otherwise: every normaliser step acts within a run of
    /// characters between such separators (they are starters, so canonical composition never
    /// crosses them; lowercasing and accent stripping are per character) and the BERT
    /// pre-tokeniser splits there anyway, so the result equals
    /// [`Normaliser::tokenize_unicode`] on the whole text (tests check it).
    /// Typical policy text is ASCII but for a few typographic quotes and dashes, so only
    /// those words pay for the `tokenizers` path.
    pub fn tokenize(&self, text: &str, out: &mut Tokens) {
        out.clear();
        for_each_piece(text, |piece, ascii| {
            if ascii {
                ascii_tokens(piece, out);
            } else {
                self.append_unicode(piece, out);
            }
        });
    }

    /// The reference path through `tokenizers` on the whole text (what
    /// [`Normaliser::tokenize`] must equal).
    pub fn tokenize_unicode(&self, text: &str, out: &mut Tokens) {
        out.clear();
        self.append_unicode(text, out);
    }

    /// Appends the tokens of `text` by the `tokenizers` path.
    pub(super) fn append_unicode(&self, text: &str, out: &mut Tokens) {
        let mut ns = NormalizedString::from(text);
        if self.sequence.normalize(&mut ns).is_err() {
            return;
        }
        let mut pts = PreTokenizedString::from(ns);
        if BertPreTokenizer.pre_tokenize(&mut pts).is_err() {
            return;
        }
        for (s, _, _) in pts.get_splits(OffsetReferential::Normalized, OffsetType::None) {
            if s.chars().any(char::is_alphanumeric) {
                out.push(s);
            }
        }
    }
}

/// Calls `f` with the pieces [`Normaliser::tokenize`] tokenises independently, in order, and
/// whether each is ASCII: the whole text when it is ASCII, else the non-empty runs between
/// [`is_piece_separator`] characters — with consecutive ASCII runs that only ASCII whitespace
/// separates given as one piece (the ASCII tokeniser cuts at whitespace anyway, so this
/// changes no token; `tests::pieces_*`). One byte scan: only non-ASCII characters are
/// decoded.
pub(super) fn for_each_piece(text: &str, mut f: impl FnMut(&str, bool)) {
    if text.is_ascii() {
        f(text, true);
        return;
    }
    let bytes = text.as_bytes();
    // `run` starts the pending ASCII piece, `word` the current run between separators.
    let (mut run, mut word, mut i) = (0, 0, 0);
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            i += 1;
            if matches!(b, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ') {
                word = i;
            }
            continue;
        }
        let c = text[i..].chars().next().expect("a char starts here");
        let n = c.len_utf8();
        if is_piece_separator(c) {
            if run < i {
                f(&text[run..i], true);
            }
            (run, word) = (i + n, i + n);
            i += n;
            continue;
        }
        // A non-ASCII word: the ASCII before it, then the word up to the next separator.
        if run < word {
            f(&text[run..word], true);
        }
        let mut end = i + n;
        while end < bytes.len() {
            let c = text[end..].chars().next().expect("a char starts here");
            if is_piece_separator(c) {
                break;
            }
            end += c.len_utf8();
        }
        f(&text[word..end], false);
        (run, word, i) = (end, end, end);
    }
    if run < bytes.len() {
        f(&text[run..], true);
    }
}

/// The pieces of the previous definition of [`for_each_piece`] (every run between
/// separators on its own), which the tests compare it with.
#[cfg(test)]
fn pieces_by_split(text: &str) -> Vec<(String, bool)> {
    if text.is_ascii() {
        return vec![(text.to_string(), true)];
    }
    text.split(is_piece_separator)
        .filter(|p| !p.is_empty())
        .map(|p| (p.to_string(), p.is_ascii()))
        .collect()
}

/// Characters at which [`Normaliser::tokenize`] may cut a text into independently tokenised
/// pieces: ASCII whitespace, and the typographic punctuation and spaces that make most policy
/// sentences non-ASCII. Each of these is left alone by the normaliser (or turned into a plain
/// space by NFKC), is whitespace or punctuation to the BERT pre-tokeniser, and so ends a token
/// and produces none: cutting there changes nothing (`tests::piecewise_*`).
fn is_piece_separator(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{0b}' | '\u{0c}' | '\r' | ' '
            // quotes, apostrophes, dashes, bullets, ellipsis, guillemets
            | '\u{2018}' | '\u{2019}' | '\u{201c}' | '\u{201d}' | '\u{2013}' | '\u{2014}'
            | '\u{2022}' | '\u{b7}' | '\u{2026}' | '\u{ab}' | '\u{bb}'
            // no-break and typographic spaces (NFKC: U+0020)
            | '\u{a0}' | '\u{2002}'..='\u{200a}' | '\u{202f}' | '\u{3000}'
    )
}

/// Byte classes for [`ascii_tokens`]: 0 ends a token (whitespace, vertical tab, punctuation),
/// 1 is alphanumeric, 2 is any other byte that belongs to a token (control characters).
const ASCII_CLASS: [u8; 128] = {
    let mut t = [2u8; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        if c.is_ascii_whitespace() || c == 0x0b || c.is_ascii_punctuation() {
            t[b] = 0;
        } else if c.is_ascii_alphanumeric() {
            t[b] = 1;
        }
        b += 1;
    }
    t
};

/// Calls `f` with every token of ASCII `text` (a run of token bytes holding an alphanumeric)
/// and whether it has upper-case letters.
pub(super) fn for_each_ascii_token(text: &str, mut f: impl FnMut(&str, bool)) {
    let bytes = text.as_bytes();
    let class = |b: u8| ASCII_CLASS[(b & 0x7f) as usize];
    let mut i = 0;
    while i < bytes.len() {
        if class(bytes[i]) == 0 {
            i += 1;
            continue;
        }
        let begin = i;
        let (mut alnum, mut upper) = (false, false);
        while i < bytes.len() {
            let b = bytes[i];
            let k = class(b);
            if k == 0 {
                break;
            }
            alnum |= k == 1;
            upper |= b.is_ascii_uppercase();
            i += 1;
        }
        if alnum {
            f(&text[begin..i], upper);
        }
    }
}

/// Appends the lower-cased tokens of ASCII `text` to `out`.
fn ascii_tokens(text: &str, out: &mut Tokens) {
    for_each_ascii_token(text, |tok, _| {
        let start = out.text.len();
        out.text.push_str(tok);
        out.text[start..].make_ascii_lowercase();
        out.bounds.push((start as u32, out.text.len() as u32));
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(n: &Normaliser, s: &str) -> Vec<String> {
        let mut t = Tokens::default();
        n.tokenize(s, &mut t);
        t.iter().map(String::from).collect()
    }

    #[test]
    fn normalises_unicode() {
        let n = Normaliser::new();
        assert_eq!(toks(&n, "Café ＤＡＴＡ, naïve!"), ["cafe", "data", "naive"]);
        assert_eq!(
            toks(&n, "We don't sell data."),
            ["we", "don", "t", "sell", "data"]
        );
    }

    /// `tokenize` (fast paths) equals `tokenize_unicode` (tokenizers on the whole text).
    fn assert_same_tokens(n: &Normaliser, s: &str) {
        let mut fast = Tokens::default();
        n.tokenize(s, &mut fast);
        let mut whole = Tokens::default();
        n.tokenize_unicode(s, &mut whole);
        assert_eq!(
            fast.iter().collect::<Vec<_>>(),
            whole.iter().collect::<Vec<_>>(),
            "{s:?}"
        );
    }

    #[test]
    fn ascii_fast_path_matches_tokenizers() {
        let n = Normaliser::new();
        for s in [
            "We collect e-mail addresses (and IP addresses) at www.Example.com/privacy!",
            "  tabs\tand\nnewlines  x_y 3.5% $10 ",
            "ab\u{1}cd ...  -- ''",
        ] {
            assert_same_tokens(&n, s);
        }
    }

    #[test]
    fn pieces_are_the_split_pieces_with_ascii_runs_joined() {
        // The non-ASCII pieces are exactly those of splitting at every separator, in order,
        // and the ASCII pieces hold the same ASCII tokens.
        let n = Normaliser::new();
        for s in [
            "We don\u{2019}t sell \u{201c}Personal Data\u{201d} \u{2013} ever.",
            "Caf\u{e9} na\u{ef}ve r\u{e9}sum\u{e9}\u{a0}ok e\u{301}t\u{e9} \u{301}alone",
            "\u{2022}\tItem\u{b}two \u{b4}accent \u{1f600} emoji\u{200b}joined\r\n",
            "\u{e9}",
            "\u{2019}",
            " \u{2019} ",
            "a\u{e9}b c",
            "end caf\u{e9}",
            "\u{e9}\u{e9} x\u{2014}",
            "\u{3000}\u{4e2d}\u{6587}\u{3000}text\u{202f}more  spaces\u{2026}",
        ] {
            let mut got: Vec<(String, bool)> = Vec::new();
            for_each_piece(s, |p, ascii| {
                assert_eq!(ascii, p.is_ascii(), "{p:?} of {s:?}");
                got.push((p.to_string(), ascii));
            });
            let want = pieces_by_split(s);
            let non_ascii = |v: &[(String, bool)]| -> Vec<String> {
                v.iter().filter(|p| !p.1).map(|p| p.0.clone()).collect()
            };
            assert_eq!(non_ascii(&got), non_ascii(&want), "{s:?}");
            let tokens = |v: &[(String, bool)]| -> Vec<String> {
                let mut t = Tokens::default();
                for (p, ascii) in v {
                    if *ascii {
                        ascii_tokens(p, &mut t);
                    } else {
                        n.append_unicode(p, &mut t);
                    }
                }
                t.iter().map(String::from).collect()
            };
            assert_eq!(tokens(&got), tokens(&want), "{s:?}");
        }
    }

    #[test]
    fn piecewise_path_matches_tokenizers_on_the_whole_text() {
        let n = Normaliser::new();
        for s in [
            "We don\u{2019}t sell \u{201c}Personal Data\u{201d} \u{2013} ever.",
            "Caf\u{e9} na\u{ef}ve r\u{e9}sum\u{e9} e\u{301}t\u{e9} \u{301}alone",
            "\u{ff24}\u{ff21}\u{ff34}\u{ff21} full\u{a0}width\u{2003}spaces \u{bd} \u{338f} \u{fb01}le",
            "\u{2022} Item one\n\u{2022}\tItem\u{b}two \u{b4}accent \u{1f600} emoji\u{200b}joined",
            "\u{130}stanbul \u{3a3}\u{39f}\u{3a6}\u{399}\u{391} \u{4e2d}\u{6587} \u{0130}",
            "\u{2018}quoted\u{2019}, \u{ab}guillemets\u{bb} \u{2014}dash\u{2014} a\u{b7}b \u{2026}",
        ] {
            assert_same_tokens(&n, s);
        }
    }

    /// Every sentence of the real corpus (`../shared/corpus`), when present: the piecewise
    /// path equals `tokenizers` on the whole text.
    /// `cargo test --release --lib -- --ignored piecewise_path_matches_on_the_corpus`
    #[test]
    #[ignore = "reads ../shared/corpus; run by hand after changing the tokeniser"]
    fn piecewise_path_matches_on_the_corpus() {
        let Some(dir) = crate::shared_corpus_for_tests() else {
            return;
        };
        let n = Normaliser::new();
        let (mut checked, mut differ) = (0usize, 0usize);
        let (mut a, mut b) = (Tokens::default(), Tokens::default());
        for e in walkdir::WalkDir::new(&dir).into_iter().flatten() {
            let Ok(text) = std::fs::read_to_string(e.path()) else {
                continue;
            };
            for line in text.lines().filter(|l| !l.is_ascii()) {
                checked += 1;
                n.tokenize(line, &mut a);
                n.tokenize_unicode(line, &mut b);
                if a.iter().ne(b.iter()) {
                    differ += 1;
                    if differ <= 10 {
                        eprintln!("  {line:?}");
                    }
                }
            }
        }
        eprintln!("{checked} non-ASCII lines, {differ} differ");
        assert_eq!(differ, 0);
    }
}
