//! Features: sentence text → normalised tokens → sparse TF-IDF rows.
//!
//! Normalisation is defined by the Hugging Face `tokenizers` crate: the normaliser sequence
//! NFKC → Lowercase → NFD → StripAccents, then the BERT pre-tokeniser (split on whitespace,
//! isolate punctuation). Tokens without any alphanumeric character are dropped. For pure-ASCII
//! text the same result is computed by a byte loop (NFKC/NFD/StripAccents are the identity on
//! ASCII, and every ASCII non-alphanumeric printable character is BERT punctuation); a test
//! checks the two paths agree.
//!
//! Terms are word n-grams (1..=`max_ngram`). The fitted [`Vectoriser`] keeps the vocabulary
//! chosen by chi² against the labels and its idf values, so training and prediction always use
//! the same features. Weights are sublinear tf (`1 + ln tf`) × smoothed idf
//! (`ln((1 + n) / (1 + df)) + 1`), rows L2-normalised over the selected vocabulary.

use crate::error::{Error, Result};
use crate::sentences::paragraph::{
    is_whole_context, paragraph_contexts, window, window_context, CONTEXT_MAX_BYTES,
};
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use tokenizers::normalizers::{Lowercase, Sequence, StripAccents, NFD, NFKC};
use tokenizers::pre_tokenizers::bert::BertPreTokenizer;
use tokenizers::{
    NormalizedString, Normalizer, OffsetReferential, OffsetType, PreTokenizedString, PreTokenizer,
};

/// A sparse feature row: `(feature index, value)` pairs sorted by index.
pub type SparseRow = Vec<(u32, f32)>;

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
    text: String,
    bounds: Vec<(u32, u32)>,
    /// Scratch of [`TermIndex::append_ascii_ids`]: the table keys of a piece's tokens.
    keys: Vec<([u64; 2], u32)>,
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
    fn clear(&mut self) {
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

    fn append_unicode(&self, text: &str, out: &mut Tokens) {
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
fn for_each_piece(text: &str, mut f: impl FnMut(&str, bool)) {
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
fn for_each_ascii_token(text: &str, mut f: impl FnMut(&str, bool)) {
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

fn ascii_tokens(text: &str, out: &mut Tokens) {
    for_each_ascii_token(text, |tok, _| {
        let start = out.text.len();
        out.text.push_str(tok);
        out.text[start..].make_ascii_lowercase();
        out.bounds.push((start as u32, out.text.len() as u32));
    });
}

/// Calls `f` with every n-gram (1..=max_n) of `tokens`, using `scratch` to join multi-word
/// terms with a single space.
fn for_each_term(tokens: &Tokens, max_n: usize, scratch: &mut String, mut f: impl FnMut(&str)) {
    for i in 0..tokens.len() {
        f(tokens.get(i));
        for n in 2..=max_n {
            if i + n > tokens.len() {
                break;
            }
            scratch.clear();
            for k in i..i + n {
                if k > i {
                    scratch.push(' ');
                }
                scratch.push_str(tokens.get(k));
            }
            f(scratch);
        }
    }
}

/// Marks context terms so they never collide with the sentence's own terms (tokens are
/// alphanumeric, so `§` cannot start one).
const CONTEXT_MARK: char = '§';

/// Calls `f` with every context term (`§word`, unigrams) of `tokens`.
fn for_each_context_term(tokens: &Tokens, scratch: &mut String, mut f: impl FnMut(&str)) {
    for t in tokens.iter() {
        scratch.clear();
        scratch.push(CONTEXT_MARK);
        scratch.push_str(t);
        f(scratch);
    }
}

/// Unchecked vectoriser parameters; [`VectoriserParams::check`] validates them.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct VectoriserParams {
    /// Largest n-gram length (1 = words only, 2 = words and word pairs).
    pub max_ngram: usize,
    /// Minimum number of training rows a term must occur in.
    pub min_df: usize,
    /// Maximum number of features kept (chosen by chi² against the labels).
    pub max_features: usize,
    /// Use `1 + ln(tf)` instead of raw term counts.
    pub sublinear_tf: bool,
    /// Weight of context features: the words of the paragraph a sentence sits in, as separate
    /// terms (`§word`), scaled by this factor before the row is normalised (0 = off).
    pub context_weight: f32,
}

impl Default for VectoriserParams {
    fn default() -> Self {
        VectoriserParams {
            max_ngram: 2,
            min_df: 2,
            max_features: 10_000,
            sublinear_tf: true,
            context_weight: 0.5,
        }
    }
}

impl VectoriserParams {
    /// Validates the parameters.
    pub fn check(&self) -> Result<Self> {
        if !(1..=4).contains(&self.max_ngram) {
            return Err(Error::Params(format!(
                "max n-gram length must be 1..=4, got {}",
                self.max_ngram
            )));
        }
        if self.min_df == 0 {
            return Err(Error::Params("min_df must be at least 1".into()));
        }
        if !(self.context_weight.is_finite() && self.context_weight >= 0.0) {
            return Err(Error::Params("context weight must be ≥ 0".into()));
        }
        if self.max_features == 0 {
            return Err(Error::Params("max_features must be at least 1".into()));
        }
        Ok(*self)
    }
}

/// A fitted TF-IDF vectoriser: vocabulary, idf and settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(from = "VectoriserData", into = "VectoriserData")]
pub struct Vectoriser {
    params: VectoriserParams,
    terms: Vec<String>,
    idf: Vec<f32>,
    index: TermIndex,
    /// Identifies this vocabulary in a [`Scratch`]'s context cache (not serialised).
    id: u64,
}

/// Word → word id, for the tokens of every sentence (the hottest lookup of tagging): an
/// open-addressing table whose slots hold words of up to [`SHORT_WORD`] bytes inline, so a
/// lookup is one multiply-hash and a 16-byte compare per probe, with no string hashing or
/// `memcmp` call; longer words (rare) are in a hash map. The words and ids are those it was
/// built from: [`WordTable::get`] answers as that map would (tested).
#[derive(Debug, Clone, Default)]
struct WordTable {
    /// Power-of-two number of slots, at most half full (empty slots have id `NONE`).
    slots: Vec<WordSlot>,
    /// Words longer than `SHORT_WORD` bytes.
    long: FxHashMap<Box<str>, u32>,
}

/// The longest word kept inline in a [`WordTable`] slot.
const SHORT_WORD: usize = 16;

#[derive(Debug, Clone, Copy)]
struct WordSlot {
    /// The word's bytes, zero-padded, as two little-endian words.
    key: [u64; 2],
    len: u32,
    id: u32,
}

const EMPTY_SLOT: WordSlot = WordSlot {
    key: [0; 2],
    len: 0,
    id: NONE,
};

impl WordTable {
    fn new(words: FxHashMap<Box<str>, u32>) -> WordTable {
        let short = words.keys().filter(|w| w.len() <= SHORT_WORD).count();
        let mut t = WordTable {
            slots: vec![EMPTY_SLOT; (2 * short).next_power_of_two().max(16)],
            long: FxHashMap::default(),
        };
        for (w, id) in words {
            match Self::key(w.as_bytes(), false) {
                Some(key) => {
                    let mut i = t.home(key, w.len());
                    while t.slots[i].id != NONE {
                        i = (i + 1) & (t.slots.len() - 1);
                    }
                    t.slots[i] = WordSlot {
                        key,
                        len: w.len() as u32,
                        id,
                    };
                }
                None => {
                    t.long.insert(w, id);
                }
            }
        }
        t
    }

    /// The padded key of a word of at most `SHORT_WORD` bytes, ASCII-lowercased if `lower`.
    #[inline]
    fn key(word: &[u8], lower: bool) -> Option<[u64; 2]> {
        if word.len() > SHORT_WORD {
            return None;
        }
        let mut buf = [0u8; SHORT_WORD];
        buf[..word.len()].copy_from_slice(word);
        if lower {
            buf.make_ascii_lowercase();
        }
        let (a, b) = buf.split_at(8);
        Some([
            u64::from_le_bytes(a.try_into().expect("8 bytes")),
            u64::from_le_bytes(b.try_into().expect("8 bytes")),
        ])
    }

    /// The first slot to probe for `key`.
    #[inline]
    fn home(&self, key: [u64; 2], len: usize) -> usize {
        let h = (key[0].wrapping_mul(0x9E37_79B9_7F4A_7C15)
            ^ key[1].wrapping_mul(0xC2B2_AE3D_27D4_EB4F).rotate_left(31)
            ^ len as u64)
            .wrapping_mul(0x1656_67B1_9E37_79F9);
        (h >> 32) as usize & (self.slots.len() - 1)
    }

    /// The id of a word of at most `SHORT_WORD` bytes (ASCII-lowercased first if `lower`):
    /// `Some(NONE)` when it is no word of the table, `None` when it is too long to say.
    #[inline]
    fn get_short(&self, word: &[u8], lower: bool) -> Option<u32> {
        let key = Self::key(word, lower)?;
        Some(self.get_key(key, word.len()))
    }

    /// The id of the word of `len` ≤ `SHORT_WORD` bytes whose padded key is `key`.
    #[inline]
    fn get_key(&self, key: [u64; 2], len: usize) -> u32 {
        if self.slots.is_empty() {
            return NONE;
        }
        let mut i = self.home(key, len);
        loop {
            let s = &self.slots[i];
            if s.id == NONE || (s.key == key && s.len as usize == len) {
                return s.id;
            }
            i = (i + 1) & (self.slots.len() - 1);
        }
    }

    /// The id of `word`, `NONE` if it is no word of the table.
    #[inline]
    fn get(&self, word: &str) -> u32 {
        match self.get_short(word.as_bytes(), false) {
            Some(id) => id,
            None => self.long.get(word).copied().unwrap_or(NONE),
        }
    }
}

/// The vocabulary as word ids, built from the terms when a vectoriser is made (not
/// serialised): a token is hashed once, and n-grams and context terms are found by word ids,
/// with no string joined per n-gram.
#[derive(Debug, Clone, Default)]
struct TermIndex {
    /// Every word of every term → word id.
    words: WordTable,
    /// Word id → feature of the word as a unigram (`NONE` if it is not one).
    unigram: Vec<u32>,
    /// Word id → feature of the word as a context term `§word` (`NONE` if not one).
    context: Vec<u32>,
    /// Word ids of a bigram (first << 32 | second) → feature: the common n-gram gets a
    /// one-word key (cheaper to hash and a smaller table than `ngrams`').
    bigrams: FxHashMap<u64, u32>,
    /// Word ids of an n-gram (n ≥ 3, padded with `NONE`) → feature.
    ngrams: FxHashMap<[u32; 4], u32>,
    /// Whether feature `i` is a context term.
    is_context: Vec<bool>,
}

const NONE: u32 = u32::MAX;

/// `Σ v²` of a row's values.
fn squared_norm(row: &[(u32, f32)]) -> f32 {
    row.iter().map(|&(_, v)| v * v).sum()
}

/// The factor that L2-normalises a row of squared norm `sq` (1 for an empty row).
fn unit_scale(sq: f32) -> f32 {
    if sq > 0.0 {
        1.0 / sq.sqrt()
    } else {
        1.0
    }
}

/// The [`TermIndex::bigrams`] key of two word ids.
fn bigram_key(a: u32, b: u32) -> u64 {
    (u64::from(a) << 32) | u64::from(b)
}

impl TermIndex {
    fn new(terms: &[String]) -> TermIndex {
        let mut ix = TermIndex::default();
        let mut words: FxHashMap<Box<str>, u32> = FxHashMap::default();
        let mut word = |ix: &mut TermIndex, w: &str| -> u32 {
            if let Some(&id) = words.get(w) {
                return id;
            }
            let id = ix.unigram.len() as u32;
            words.insert(w.into(), id);
            ix.unigram.push(NONE);
            ix.context.push(NONE);
            id
        };
        for (f, t) in terms.iter().enumerate() {
            let f = f as u32;
            if let Some(w) = t.strip_prefix(CONTEXT_MARK) {
                let id = word(&mut ix, w);
                ix.context[id as usize] = f;
                ix.is_context.push(true);
                continue;
            }
            ix.is_context.push(false);
            let parts: Vec<&str> = t.split(' ').collect();
            if parts.len() == 1 {
                let id = word(&mut ix, t);
                ix.unigram[id as usize] = f;
            } else {
                let mut key = [NONE; 4];
                for (k, p) in parts.iter().take(4).enumerate() {
                    key[k] = word(&mut ix, p);
                }
                if parts.len() == 2 {
                    ix.bigrams.insert(bigram_key(key[0], key[1]), f);
                } else {
                    ix.ngrams.insert(key, f);
                }
            }
        }
        ix.words = WordTable::new(words);
        ix
    }

    /// Appends the word ids of `text`'s tokens to `ids`: the ids of
    /// [`Normaliser::tokenize`] + [`TermIndex::append_ids`], without copying ASCII tokens
    /// that are lower case already (most words): those are looked up in place.
    fn append_text_ids(
        &self,
        normaliser: &Normaliser,
        text: &str,
        s: &mut Tokens,
        ids: &mut Vec<u32>,
    ) {
        for_each_piece(text, |piece, ascii| {
            if ascii {
                self.append_ascii_ids(piece, s, ids);
            } else {
                s.clear();
                normaliser.append_unicode(piece, s);
                self.append_ids(s, ids);
            }
        });
    }

    /// [`ascii_tokens`] of `text` as word ids (`lower` is a reused buffer).
    fn append_ascii_ids(&self, text: &str, s: &mut Tokens, ids: &mut Vec<u32>) {
        // Scan first, then look every key up in a tight loop of independent lookups: the
        // table is larger than the L2 cache, and this lets the misses overlap instead of
        // each stalling the scan.
        const LONG: u32 = u32::MAX;
        let (keys, lower) = (&mut s.keys, &mut s.text);
        keys.clear();
        for_each_ascii_token(text, |tok, upper| {
            match WordTable::key(tok.as_bytes(), upper) {
                Some(key) => keys.push((key, tok.len() as u32)),
                None => {
                    let id = if upper {
                        lower.clear();
                        lower.push_str(tok);
                        lower.make_ascii_lowercase();
                        self.words.get(lower)
                    } else {
                        self.words.get(tok)
                    };
                    keys.push(([u64::from(id), 0], LONG));
                }
            }
        });
        ids.extend(keys.iter().map(|&(key, len)| {
            if len == LONG {
                key[0] as u32
            } else {
                self.words.get_key(key, len as usize)
            }
        }));
    }

    /// Appends the word ids of `tokens` to `ids` (`NONE` for words in no term).
    fn append_ids(&self, tokens: &Tokens, ids: &mut Vec<u32>) {
        ids.extend(tokens.iter().map(|t| self.words.get(t)));
    }

    /// Pushes the features of the sentence's own n-grams (1..=max_n) of word ids `ids`.
    fn own_features(&self, ids: &[u32], max_n: usize, out: &mut Vec<u32>) {
        for i in 0..ids.len() {
            let first = ids[i];
            if first == NONE {
                continue;
            }
            let f = self.unigram[first as usize];
            if f != NONE {
                out.push(f);
            }
            if max_n < 2 || i + 1 >= ids.len() || ids[i + 1] == NONE {
                continue;
            }
            if let Some(&f) = self.bigrams.get(&bigram_key(first, ids[i + 1])) {
                out.push(f);
            }
            let mut key = [NONE; 4];
            key[0] = first;
            key[1] = ids[i + 1];
            for n in 3..=max_n.min(4) {
                if i + n > ids.len() || ids[i + n - 1] == NONE {
                    break;
                }
                key[n - 1] = ids[i + n - 1];
                if let Some(&f) = self.ngrams.get(&key) {
                    out.push(f);
                }
            }
        }
    }

    /// Pushes the context features (`§word`) of word ids `ids`.
    fn context_features(&self, ids: &[u32], out: &mut Vec<u32>) {
        out.extend(
            ids.iter()
                .filter(|&&id| id != NONE)
                .map(|&id| self.context[id as usize])
                .filter(|&f| f != NONE),
        );
    }
}

#[derive(Serialize, Deserialize)]
struct VectoriserData {
    params: VectoriserParams,
    terms: Vec<String>,
    idf: Vec<f32>,
}

impl From<VectoriserData> for Vectoriser {
    fn from(d: VectoriserData) -> Self {
        Vectoriser::new(d.params, d.terms, d.idf)
    }
}

impl From<Vectoriser> for VectoriserData {
    fn from(v: Vectoriser) -> Self {
        VectoriserData {
            params: v.params,
            terms: v.terms,
            idf: v.idf,
        }
    }
}

/// Reusable per-thread buffers for [`Vectoriser::transform_into`].
///
/// It also remembers the last context and the context features found in it: the sentences of
/// one paragraph share their context, so it is tokenised once per paragraph, not once per
/// sentence.
#[derive(Debug, Default)]
pub struct Scratch {
    tokens: Tokens,
    ids: Vec<u32>,
    features: Vec<u32>,
    context: Option<(u64, String)>,
    context_features: Vec<u32>,
    context_row: SparseRow,
    context_serial: u64,
}

/// Rows as an own part and a shared context part each: row `i` is
/// `scale[i] × (own[i] ∪ contexts[group[i]])` (no context part when `group[i]` is `u32::MAX`).
/// The sentences of one paragraph share its context part, which holds most of their
/// features, so a solver can compute its dot products and gradient once per paragraph.
#[derive(Debug, Clone, Default)]
pub struct SharedContextRows {
    /// Each row's own features, before scaling.
    pub own: Vec<SparseRow>,
    /// Each row's context part (an index into `contexts`, or `u32::MAX` for none).
    pub group: Vec<u32>,
    /// Each row's L2 normalisation factor.
    pub scale: Vec<f32>,
    /// The context parts, before scaling.
    pub contexts: Vec<SparseRow>,
}

impl SharedContextRows {
    /// Rows that are all their own (already normalised): no shared parts.
    pub fn from_rows(rows: &[SparseRow]) -> Self {
        SharedContextRows {
            own: rows.to_vec(),
            group: vec![NONE; rows.len()],
            scale: vec![1.0; rows.len()],
            contexts: Vec::new(),
        }
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.own.len()
    }

    /// True when there are no rows.
    pub fn is_empty(&self) -> bool {
        self.own.is_empty()
    }

    /// Row `i` as [`RowParts`].
    pub fn parts(&self, i: usize) -> RowParts<'_> {
        let g = self.group[i];
        RowParts {
            own: &self.own[i],
            context: if g == NONE {
                &[]
            } else {
                &self.contexts[g as usize]
            },
            context_serial: if g == NONE { 0 } else { u64::from(g) + 1 },
            scale: self.scale[i],
        }
    }
}

/// One sentence's TF-IDF row as [`Vectoriser::transform_paragraph`] gives it: the row is
/// `scale × (own ∪ context)` (the two hold disjoint features, each sorted). The context part
/// is shared by every sentence of a paragraph that is its sentences' context whole, so a caller
/// can compute anything linear in it (a dot product with the weights) once per
/// `context_serial` instead of once per sentence.
#[derive(Debug, Clone, Copy)]
pub struct RowParts<'a> {
    /// The sentence's own features (and, when the context is not shared, its context's),
    /// before scaling.
    pub own: &'a [(u32, f32)],
    /// The shared context features before scaling (empty when not shared).
    pub context: &'a [(u32, f32)],
    /// Identifies `context`: equal serials (within one [`Scratch`]) mean the same context
    /// part; 0 means `context` is empty.
    pub context_serial: u64,
    /// The L2 normalisation factor of the whole row.
    pub scale: f32,
}

impl<'a> RowParts<'a> {
    /// A row that is all its own (already normalised, no shared context).
    fn whole(row: &'a [(u32, f32)]) -> Self {
        RowParts {
            own: row,
            context: &[],
            context_serial: 0,
            scale: 1.0,
        }
    }

    /// The whole row, sorted by feature: what [`Vectoriser::transform_into`] gives for the
    /// sentence in its context (up to float rounding of the norm).
    pub fn to_row(&self, out: &mut SparseRow) {
        out.clear();
        let (mut a, mut b) = (self.own.iter().peekable(), self.context.iter().peekable());
        loop {
            let next = match (a.peek(), b.peek()) {
                (Some(x), Some(y)) if x.0 < y.0 => a.next(),
                (Some(_), Some(_)) => b.next(),
                (Some(_), None) => a.next(),
                (None, Some(_)) => b.next(),
                (None, None) => break,
            };
            let &(f, v) = next.expect("peeked");
            out.push((f, v * self.scale));
        }
    }
}

impl Vectoriser {
    fn new(params: VectoriserParams, terms: Vec<String>, idf: Vec<f32>) -> Self {
        let index = TermIndex::new(&terms);
        static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        Vectoriser {
            params,
            terms,
            idf,
            index,
            id: NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        }
    }

    /// Number of features.
    pub fn len(&self) -> usize {
        self.terms.len()
    }

    /// True when the vocabulary is empty.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// The term of feature `i`.
    pub fn term(&self, i: usize) -> &str {
        &self.terms[i]
    }

    /// The parameters the vectoriser was fitted with.
    pub fn params(&self) -> &VectoriserParams {
        &self.params
    }

    /// Whether the parts agree (one finite idf value per term, valid parameters): a model file
    /// can pass its checksum and still be inconsistent if a faulty build wrote it.
    pub fn is_consistent(&self) -> bool {
        self.idf.len() == self.terms.len()
            && self.idf.iter().all(|x| x.is_finite())
            && self.params.check().is_ok()
    }

    /// Fits the vocabulary on `texts`, keeping at most `max_features` terms chosen by chi²
    /// against the label matrix `y` (row-major, `texts.len()` × `n_labels`).
    pub fn fit(
        params: &VectoriserParams,
        normaliser: &Normaliser,
        texts: &[&str],
        contexts: Option<&[&str]>,
        y: &[bool],
        n_labels: usize,
    ) -> Result<Vectoriser> {
        let params = params.check()?;
        let n = texts.len();
        // 1. document frequencies of all terms
        let use_context = params.context_weight > 0.0;
        // Per thread: term → (rows containing it, last row counted); one allocation per
        // distinct term, not per occurrence. Consecutive rows of a paragraph share their
        // context, which is tokenised once.
        type Df = FxHashMap<Box<str>, (u32, u32)>;
        let count = |df: &mut Df, t: &str, row: u32| match df.get_mut(t) {
            Some(e) => {
                if e.1 != row {
                    e.0 += 1;
                    e.1 = row;
                }
            }
            None => {
                df.insert(t.into(), (1, row));
            }
        };
        let df: Df = (0..n)
            .into_par_iter()
            .fold(
                || {
                    (
                        Df::default(),
                        Tokens::default(),
                        String::new(),
                        None::<&str>,
                        Tokens::default(),
                    )
                },
                |(mut df, mut tok, mut scratch, mut last_ctx, mut ctx_tok), i| {
                    let row = i as u32;
                    normaliser.tokenize(texts[i], &mut tok);
                    for_each_term(&tok, params.max_ngram, &mut scratch, |t| {
                        count(&mut df, t, row)
                    });
                    if use_context {
                        let c = contexts.map_or(texts[i], |c| c[i]);
                        if last_ctx != Some(c) {
                            normaliser.tokenize(c, &mut ctx_tok);
                            last_ctx = Some(c);
                        }
                        for_each_context_term(&ctx_tok, &mut scratch, |t| count(&mut df, t, row));
                    }
                    (df, tok, scratch, last_ctx, ctx_tok)
                },
            )
            .map(|(df, ..)| df)
            .reduce(Df::default, |a, b| {
                // Fold the smaller map into the larger; the row counts of disjoint rows add.
                let (mut big, small) = if a.len() >= b.len() { (a, b) } else { (b, a) };
                for (t, (c, _)) in small {
                    big.entry(t).or_insert((0, u32::MAX)).0 += c;
                }
                big
            });
        let mut candidates: Vec<&str> = df
            .iter()
            .filter(|(_, &(c, _))| c as usize >= params.min_df)
            .map(|(t, _)| &**t)
            .collect();
        candidates.sort_unstable();
        if candidates.is_empty() {
            return Err(Error::Train(format!(
                "no term occurs in at least {} training rows (min_df): add more data or lower min_df",
                params.min_df
            )));
        }
        let idf_of = |c: u32| ((1.0 + n as f64) / (1.0 + c as f64)).ln() as f32 + 1.0;
        let cand = Vectoriser::new(
            params,
            candidates.iter().map(|s| s.to_string()).collect(),
            candidates.iter().map(|t| idf_of(df[*t].0)).collect(),
        );
        if cand.len() <= params.max_features {
            return Ok(cand);
        }
        // 2. chi² of every candidate against every label, on the TF-IDF rows
        let rows: Vec<SparseRow> = cand.transform_many(normaliser, texts, contexts);
        let m = cand.len();
        let mut feat_sum = vec![0f64; m];
        let mut pos_sum = vec![0f64; m * n_labels];
        let mut pos_count = vec![0usize; n_labels];
        for (r, row) in rows.iter().enumerate() {
            let yr = &y[r * n_labels..(r + 1) * n_labels];
            for (l, &on) in yr.iter().enumerate() {
                pos_count[l] += usize::from(on);
            }
            for &(f, v) in row {
                feat_sum[f as usize] += v as f64;
                for (l, &on) in yr.iter().enumerate() {
                    if on {
                        pos_sum[f as usize * n_labels + l] += v as f64;
                    }
                }
            }
        }
        let mut ranked: Vec<Vec<u32>> = Vec::with_capacity(n_labels);
        for l in 0..n_labels {
            let p = pos_count[l] as f64 / n as f64;
            let mut scored: Vec<(f64, u32)> = (0..m)
                .map(|f| {
                    let total = feat_sum[f];
                    let op = pos_sum[f * n_labels + l];
                    let on = total - op;
                    let ep = total * p;
                    let en = total * (1.0 - p);
                    let mut chi = 0.0;
                    if ep > 0.0 {
                        chi += (op - ep).powi(2) / ep;
                    }
                    if en > 0.0 {
                        chi += (on - en).powi(2) / en;
                    }
                    (chi, f as u32)
                })
                .collect();
            scored.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            ranked.push(scored.into_iter().map(|(_, f)| f).collect());
        }
        // 3. round-robin over labels so rare labels get their best features too
        let mut chosen = vec![false; m];
        let mut count = 0;
        'outer: for rank in 0..m {
            for r in &ranked {
                let f = r[rank] as usize;
                if !chosen[f] {
                    chosen[f] = true;
                    count += 1;
                    if count == params.max_features {
                        break 'outer;
                    }
                }
            }
        }
        let terms: Vec<String> = (0..m)
            .filter(|&f| chosen[f])
            .map(|f| cand.terms[f].clone())
            .collect();
        let idf: Vec<f32> = (0..m).filter(|&f| chosen[f]).map(|f| cand.idf[f]).collect();
        Ok(Vectoriser::new(params, terms, idf))
    }

    /// Transforms one text into `out` (cleared first) using reusable buffers. `context` is the
    /// paragraph the text sits in (used only when the vectoriser has context features; `None`
    /// means the text is its own context).
    pub fn transform_into(
        &self,
        normaliser: &Normaliser,
        text: &str,
        context: Option<&str>,
        s: &mut Scratch,
        out: &mut SparseRow,
    ) {
        out.clear();
        let ix = &self.index;
        s.ids.clear();
        ix.append_text_ids(normaliser, text, &mut s.tokens, &mut s.ids);
        s.features.clear();
        ix.own_features(&s.ids, self.params.max_ngram, &mut s.features);
        let cw = self.params.context_weight;
        if cw > 0.0 {
            match context.filter(|&c| c != text) {
                // The text is its own context (a one-sentence paragraph): its word ids are in
                // `s.ids` already.
                None => ix.context_features(&s.ids, &mut s.features),
                Some(c) => {
                    let cached = matches!(&s.context, Some((id, t)) if *id == self.id && t == c);
                    if !cached {
                        s.ids.clear();
                        ix.append_text_ids(normaliser, c, &mut s.tokens, &mut s.ids);
                        s.context_features.clear();
                        ix.context_features(&s.ids, &mut s.context_features);
                        let (id, text) = s.context.get_or_insert_with(Default::default);
                        *id = self.id;
                        text.clear();
                        text.push_str(c);
                    }
                    s.features.extend_from_slice(&s.context_features);
                }
            }
        }
        self.weigh(&mut s.features, out);
    }

    /// The TF-IDF row of a list of feature occurrences (sorted here): sublinear tf × idf ×
    /// context weight, L2-normalised.
    fn weigh(&self, features: &mut [u32], out: &mut SparseRow) {
        self.weigh_unscaled(features, out);
        let norm = squared_norm(out).sqrt();
        if norm > 0.0 {
            for (_, v) in out.iter_mut() {
                *v /= norm;
            }
        }
    }

    /// [`Vectoriser::weigh`] without the normalisation: appends the weighted terms to `out`.
    fn weigh_unscaled(&self, features: &mut [u32], out: &mut SparseRow) {
        let cw = self.params.context_weight;
        features.sort_unstable();
        for run in features.chunk_by(|a, b| a == b) {
            let i = run[0];
            let c = run.len();
            let tf = if self.params.sublinear_tf {
                // Most terms occur once: skip the logarithm (ln 1 = 0).
                if c == 1 {
                    1.0
                } else {
                    1.0 + (c as f32).ln()
                }
            } else {
                c as f32
            };
            let w = if self.index.is_context[i as usize] {
                cw
            } else {
                1.0
            };
            out.push((i, w * tf * self.idf[i as usize]));
        }
    }

    /// Calls `each` with the row of every sentence of one paragraph, in order (reused
    /// buffers), each in the context of that paragraph as [`paragraph_contexts`] builds it: the
    /// same rows as [`transform_into`] with those contexts (up to float rounding of the norm),
    /// but a paragraph short enough to be the context whole is tokenised once — its tokens are
    /// its sentences' tokens one after the other, since the sentences are joined by a space
    /// and tokenisation cuts there — and its context features are counted and weighted once,
    /// handed to every sentence as the shared [`RowParts::context`].
    ///
    /// [`transform_into`]: Vectoriser::transform_into
    pub fn transform_paragraph(
        &self,
        normaliser: &Normaliser,
        sentences: &[&str],
        s: &mut Scratch,
        row: &mut SparseRow,
        mut each: impl FnMut(RowParts<'_>),
    ) {
        if let [only] = sentences {
            if only.len() <= CONTEXT_MAX_BYTES {
                // A one-sentence paragraph is its own context (`paragraph_contexts` would
                // give the sentence itself): no joined copy needed.
                self.transform_into(normaliser, only, None, s, row);
                each(RowParts::whole(row));
                return;
            }
        }
        let cw = self.params.context_weight;
        if cw == 0.0 || sentences.len() == 1 {
            let contexts = if cw == 0.0 {
                Vec::new()
            } else {
                paragraph_contexts(sentences)
            };
            for (i, t) in sentences.iter().enumerate() {
                let ctx = contexts.get(i).map(|c| &**c);
                self.transform_into(normaliser, t, ctx, s, row);
                each(RowParts::whole(row));
            }
            return;
        }
        let ix = &self.index;
        // Word ids of every sentence, one after the other; `bounds[i]` is sentence i's range.
        let mut ids = std::mem::take(&mut s.ids);
        ids.clear();
        let mut bounds = Vec::with_capacity(sentences.len());
        for t in sentences {
            let start = ids.len();
            ix.append_text_ids(normaliser, t, &mut s.tokens, &mut ids);
            bounds.push(start..ids.len());
        }
        if is_whole_context(sentences) {
            s.context_features.clear();
            ix.context_features(&ids, &mut s.context_features);
            let mut context = std::mem::take(&mut s.context_row);
            context.clear();
            self.weigh_unscaled(&mut s.context_features, &mut context);
            let context_sq = squared_norm(&context);
            s.context_serial += 1;
            for b in bounds {
                s.features.clear();
                ix.own_features(&ids[b], self.params.max_ngram, &mut s.features);
                row.clear();
                self.weigh_unscaled(&mut s.features, row);
                let sq = squared_norm(row) + context_sq;
                each(RowParts {
                    own: row,
                    context: &context,
                    context_serial: s.context_serial,
                    scale: unit_scale(sq),
                });
            }
            s.context_row = context;
        } else {
            // A long paragraph: each sentence's context is its window. A window that fits
            // in CONTEXT_MAX_BYTES is its sentences' tokens one after the other (joined by
            // spaces, as above); one that is cut is tokenised as the cut string.
            let mut window_ids = Vec::new();
            for (i, b) in bounds.iter().enumerate() {
                let w = window(i, sentences.len());
                let joined: usize = sentences[w.clone()].iter().map(|t| t.len() + 1).sum();
                s.features.clear();
                ix.own_features(&ids[b.clone()], self.params.max_ngram, &mut s.features);
                if joined <= CONTEXT_MAX_BYTES + 1 {
                    let span = bounds[w.start].start..bounds[w.end - 1].end;
                    ix.context_features(&ids[span], &mut s.features);
                } else {
                    window_ids.clear();
                    let w = window_context(sentences, i);
                    ix.append_text_ids(normaliser, &w, &mut s.tokens, &mut window_ids);
                    ix.context_features(&window_ids, &mut s.features);
                }
                row.clear();
                self.weigh(&mut s.features, row);
                each(RowParts::whole(row));
            }
        }
        s.ids = ids;
        // The cached context is no longer what `context_features` holds.
        s.context = None;
    }

    /// Transforms one text (its own context).
    pub fn transform(&self, normaliser: &Normaliser, text: &str) -> SparseRow {
        let mut out = Vec::new();
        self.transform_into(normaliser, text, None, &mut Scratch::default(), &mut out);
        out
    }

    /// The rows of `texts` in their `contexts` (as [`Vectoriser::transform_many`] gives them,
    /// up to float rounding of the norm), and the same rows split into each row's own part and
    /// a context part shared by consecutive rows of the same context (a paragraph's
    /// sentences), for the sparse solver ([`SharedContextRows`]).
    pub fn transform_shared(
        &self,
        normaliser: &Normaliser,
        texts: &[&str],
        contexts: &[&str],
    ) -> (Vec<SparseRow>, SharedContextRows) {
        const CHUNK: usize = 2048;
        let parts: Vec<SharedContextRows> = (0..texts.len().div_ceil(CHUNK))
            .into_par_iter()
            .map(|c| {
                let r = c * CHUNK..((c + 1) * CHUNK).min(texts.len());
                self.shared_chunk(normaliser, &texts[r.clone()], &contexts[r])
            })
            .collect();
        let mut all = SharedContextRows::default();
        for mut part in parts {
            let base = all.contexts.len() as u32;
            all.group.extend(
                part.group
                    .iter()
                    .map(|&g| if g == NONE { NONE } else { g + base }),
            );
            all.own.append(&mut part.own);
            all.scale.append(&mut part.scale);
            all.contexts.append(&mut part.contexts);
        }
        let rows = (0..all.own.len())
            .into_par_iter()
            .map(|i| {
                let mut row = SparseRow::new();
                all.parts(i).to_row(&mut row);
                row
            })
            .collect();
        (rows, all)
    }

    fn shared_chunk(
        &self,
        normaliser: &Normaliser,
        texts: &[&str],
        contexts: &[&str],
    ) -> SharedContextRows {
        let ix = &self.index;
        let cw = self.params.context_weight;
        let mut s = Scratch::default();
        let mut out = SharedContextRows::default();
        let mut context_sq = 0f32;
        for (i, (&text, &context)) in texts.iter().zip(contexts).enumerate() {
            s.ids.clear();
            ix.append_text_ids(normaliser, text, &mut s.tokens, &mut s.ids);
            s.features.clear();
            ix.own_features(&s.ids, self.params.max_ngram, &mut s.features);
            let mut own = SparseRow::new();
            self.weigh_unscaled(&mut s.features, &mut own);
            let mut sq = squared_norm(&own);
            if cw > 0.0 {
                if i == 0 || contexts[i - 1] != context {
                    if context != text {
                        s.ids.clear();
                        ix.append_text_ids(normaliser, context, &mut s.tokens, &mut s.ids);
                    }
                    s.context_features.clear();
                    ix.context_features(&s.ids, &mut s.context_features);
                    let mut c = SparseRow::new();
                    self.weigh_unscaled(&mut s.context_features, &mut c);
                    context_sq = squared_norm(&c);
                    out.contexts.push(c);
                }
                sq += context_sq;
                out.group.push(out.contexts.len() as u32 - 1);
            } else {
                out.group.push(NONE);
            }
            out.scale.push(unit_scale(sq));
            out.own.push(own);
        }
        out
    }

    /// Transforms many texts in parallel, with their contexts when given.
    pub fn transform_many(
        &self,
        normaliser: &Normaliser,
        texts: &[&str],
        contexts: Option<&[&str]>,
    ) -> Vec<SparseRow> {
        (0..texts.len())
            .into_par_iter()
            .map_init(Scratch::default, |s, i| {
                let mut row = Vec::new();
                self.transform_into(normaliser, texts[i], contexts.map(|c| c[i]), s, &mut row);
                row
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_table_answers_as_the_map_it_was_built_from() {
        // Short and long words (16 bytes is the inline limit), non-ASCII, and enough of them
        // that probes collide and wrap around.
        let mut words: Vec<String> = (0..5000).map(|i| format!("w{i}")).collect();
        words.extend(
            [
                "",
                "a",
                "exactly16bytes!!",
                "seventeen-bytes!!",
                "a-much-longer-word-than-sixteen",
                "données",
                "ß",
            ]
            .map(String::from),
        );
        let map: FxHashMap<Box<str>, u32> = words
            .iter()
            .enumerate()
            .map(|(i, w)| (w.as_str().into(), i as u32))
            .collect();
        let table = WordTable::new(map.clone());
        for (w, &id) in &map {
            assert_eq!(table.get(w), id, "{w:?}");
            let upper = w.to_ascii_uppercase();
            if w.len() <= SHORT_WORD {
                assert_eq!(table.get_short(upper.as_bytes(), true), Some(id), "{w:?}");
            } else {
                assert_eq!(table.get_short(upper.as_bytes(), true), None, "{w:?}");
            }
        }
        for w in [
            "w5000",
            "W1",
            "b",
            "exactly16bytes!?",
            "seventeen-bytes!?",
            "donnees",
            "w1 ",
        ] {
            assert_eq!(table.get(w), NONE, "{w:?}");
        }
        assert_eq!(WordTable::default().get("w1"), NONE);
    }

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

    #[test]
    fn context_cache_gives_the_same_rows() {
        let n = Normaliser::new();
        let (texts, ctx, y, p) = context_fixture();
        let a = Vectoriser::fit(&p, &n, &texts, Some(&ctx), &y, 1).unwrap();
        let b = Vectoriser::fit(&p, &n, &texts[..3], Some(&ctx[..3]), &y[..3], 1).unwrap();
        // One scratch reused across sentences, contexts and two vocabularies.
        let mut shared = Scratch::default();
        for (t, c) in texts.iter().zip(ctx).chain(texts.iter().zip(ctx).rev()) {
            for v in [&a, &b, &a] {
                let mut reused = Vec::new();
                v.transform_into(&n, t, Some(c), &mut shared, &mut reused);
                let mut fresh = Vec::new();
                v.transform_into(&n, t, Some(c), &mut Scratch::default(), &mut fresh);
                assert_eq!(reused, fresh, "{t} in {c}");
            }
        }
    }

    #[test]
    fn fit_transform_unit_norm_and_chi2_cap() {
        let n = Normaliser::new();
        let texts = [
            "we share data with partners",
            "we share data with advertisers",
            "we keep data for two years",
            "we keep logs for two years",
            "contact us by mail",
            "contact us by phone",
        ];
        let y = [
            true, false, false, true, false, false, false, true, false, false, true, false, false,
            false, true, false, false, true,
        ];
        let p = VectoriserParams {
            max_ngram: 2,
            min_df: 2,
            max_features: 4,
            sublinear_tf: true,
            context_weight: 0.0,
        };
        let v = Vectoriser::fit(&p, &n, &texts, None, &y, 3).unwrap();
        assert_eq!(v.len(), 4);
        let row = v.transform(&n, "We share data and keep it for two years");
        let norm: f32 = row.iter().map(|x| x.1 * x.1).sum();
        assert!((norm - 1.0).abs() < 1e-5);
        assert!(v.transform(&n, "zzz unknown").is_empty());
    }

    /// Four sentences with paragraph contexts, one label (retention), context weight 0.5.
    /// The fused tokenise-and-look-up path gives the ids of `tokenize` + `append_ids`.
    #[test]
    fn text_ids_match_tokens_then_ids() {
        let n = Normaliser::new();
        let terms: Vec<String> = ["we", "keep", "logs", "caf", "cafe", "e", "mail", "n", "12"]
            .iter()
            .map(|t| t.to_string())
            .collect();
        let ix = TermIndex::new(&terms);
        let mut tokens = Tokens::default();
        for text in [
            "We KEEP logs, e-mail and Caf\u{e9} data.",
            "we keep logs",
            "The company\u{2019}s logs \u{2014} we keep them 12 months.",
            "\u{fb01}le Na\u{ef}ve \u{1f600} x",
            "",
            "!!! ...",
        ] {
            let mut want = Vec::new();
            n.tokenize(text, &mut tokens);
            ix.append_ids(&tokens, &mut want);
            let mut got = vec![7];
            ix.append_text_ids(&n, text, &mut tokens, &mut got);
            assert_eq!(got[0], 7, "appends");
            assert_eq!(&got[1..], &want[..], "{text:?}");
        }
    }

    /// Every branch of `transform_paragraph` (one sentence, a whole paragraph with its shared
    /// context part, a long paragraph of windows) gives the rows `transform_into` gives with
    /// `paragraph_contexts`.
    #[test]
    fn paragraph_parts_give_the_rows_of_transform_into() {
        let n = Normaliser::new();
        let (texts, ctx, y, p) = context_fixture();
        let v = Vectoriser::fit(&p, &n, &texts, Some(&ctx), &y, 1).unwrap();
        let long = "we keep logs and files ".repeat(30);
        let paragraphs: Vec<Vec<&str>> = vec![
            vec!["we keep logs"],
            vec![
                "we keep logs.",
                "cookies are small files.",
                "we keep files.",
            ],
            vec![
                long.as_str(),
                long.as_str(),
                "cookies are files.",
                long.as_str(),
            ],
        ];
        let mut s = Scratch::default();
        let mut row = Vec::new();
        for sentences in &paragraphs {
            let contexts = paragraph_contexts(sentences);
            let mut got = Vec::new();
            v.transform_paragraph(&n, sentences, &mut s, &mut row, |parts| {
                let mut r = Vec::new();
                parts.to_row(&mut r);
                got.push(r);
            });
            assert_eq!(got.len(), sentences.len());
            for (i, (t, g)) in sentences.iter().zip(&got).enumerate() {
                let mut want = Vec::new();
                v.transform_into(
                    &n,
                    t,
                    Some(&contexts[i]),
                    &mut Scratch::default(),
                    &mut want,
                );
                assert_eq!(g.len(), want.len(), "{t}");
                for (a, b) in g.iter().zip(&want) {
                    assert_eq!(a.0, b.0, "{t}");
                    assert!((a.1 - b.1).abs() < 1e-6, "{t}: {a:?} vs {b:?}");
                }
            }
        }
    }

    fn context_fixture() -> (
        [&'static str; 4],
        [&'static str; 4],
        [bool; 4],
        VectoriserParams,
    ) {
        let texts = [
            "we keep logs",
            "we keep files",
            "cookies are small",
            "cookies are files",
        ];
        let ctx = [
            "retention section we keep logs",
            "retention section",
            "cookie section",
            "cookie section",
        ];
        let p = VectoriserParams {
            min_df: 1,
            context_weight: 0.5,
            ..VectoriserParams::default()
        };
        (texts, ctx, [true, true, false, false], p)
    }

    #[test]
    fn context_terms_are_separate_and_weighted() {
        let n = Normaliser::new();
        let (texts, ctx, y, p) = context_fixture();
        let v = Vectoriser::fit(&p, &n, &texts, Some(&ctx), &y, 1).unwrap();
        assert!((0..v.len()).any(|i| v.term(i) == "§retention"));
        let mut row = Vec::new();
        v.transform_into(
            &n,
            "we keep logs",
            Some("retention section"),
            &mut Scratch::default(),
            &mut row,
        );
        let ctx_part: f32 = row
            .iter()
            .filter(|(i, _)| v.term(*i as usize).starts_with('§'))
            .map(|x| x.1 * x.1)
            .sum();
        let own_part: f32 = row
            .iter()
            .filter(|(i, _)| !v.term(*i as usize).starts_with('§'))
            .map(|x| x.1 * x.1)
            .sum();
        assert!(ctx_part > 0.0 && own_part > ctx_part);
        assert!((ctx_part + own_part - 1.0).abs() < 1e-5);
    }

    #[test]
    fn bigrams_are_space_joined() {
        let n = Normaliser::new();
        let mut t = Tokens::default();
        n.tokenize("Do not track", &mut t);
        let mut seen = Vec::new();
        for_each_term(&t, 2, &mut String::new(), |s| seen.push(s.to_string()));
        assert_eq!(seen, ["do", "do not", "not", "not track", "track"]);
    }
}
