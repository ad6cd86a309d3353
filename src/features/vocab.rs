//! Vocabulary: what a term is, and how a token finds its features.
//!
//! A term is a word n-gram joined by single spaces ([`for_each_term`]) or a context word
//! marked with [`CONTEXT_MARK`] ([`for_each_context_term`]); fitting counts these strings.
//! A fitted vocabulary is looked up by word ids instead ([`TermIndex`]): every word of every
//! term gets an id in a [`WordTable`], and unigrams, bigrams ([`bigram_key`]), longer n-grams
//! and context terms are found from a sentence's ids with no string joined per n-gram.
//! [`TermIndex::append_text_ids`] fuses tokenising and looking up and gives the ids of
//! [`Normaliser::tokenize`]'s tokens (tested).

use super::clusters::is_cluster_term;
use super::normalise::{for_each_ascii_token, for_each_piece, Normaliser, Tokens};
use rustc_hash::FxHashMap;

/// Calls `f` with every n-gram (1..=max_n) of `tokens`, using `scratch` to join multi-word
/// terms with a single space.
pub(super) fn for_each_term(
    tokens: &Tokens,
    max_n: usize,
    scratch: &mut String,
    mut f: impl FnMut(&str),
) {
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
pub(super) fn for_each_context_term(
    tokens: &Tokens,
    scratch: &mut String,
    mut f: impl FnMut(&str),
) {
    for t in tokens.iter() {
        scratch.clear();
        scratch.push(CONTEXT_MARK);
        scratch.push_str(t);
        f(scratch);
    }
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
pub(super) struct TermIndex {
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
    /// Whether feature `i` is a cluster term.
    is_cluster: Vec<bool>,
    /// Word id → its cluster features: `cluster_features[cluster_start[id]..cluster_start[id
    /// + 1]]` (both empty without word clusters).
    cluster_start: Vec<u32>,
    cluster_features: Vec<u32>,
}

/// No word, no feature: the id of a word in no term, and the feature of a word that is no
/// unigram or context term.
const NONE: u32 = u32::MAX;

/// The [`TermIndex::bigrams`] key of two word ids.
fn bigram_key(a: u32, b: u32) -> u64 {
    (u64::from(a) << 32) | u64::from(b)
}

impl TermIndex {
    /// The index of `terms` (feature `i` is `terms[i]`) and of the words of `clusters` (word →
    /// features of its cluster terms).
    pub(super) fn new(terms: &[String], clusters: &[(String, Vec<u32>)]) -> TermIndex {
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
                ix.is_cluster.push(false);
                continue;
            }
            ix.is_context.push(false);
            ix.is_cluster.push(is_cluster_term(t));
            if is_cluster_term(t) {
                continue;
            }
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
        if !clusters.is_empty() {
            let mut per_word: Vec<&[u32]> = Vec::new();
            for (w, fs) in clusters {
                let id = word(&mut ix, w) as usize;
                per_word.resize(per_word.len().max(id + 1), &[]);
                per_word[id] = fs;
            }
            per_word.resize(ix.unigram.len(), &[]);
            ix.cluster_start.push(0);
            for fs in per_word {
                ix.cluster_features.extend_from_slice(fs);
                ix.cluster_start.push(ix.cluster_features.len() as u32);
            }
        }
        ix.words = WordTable::new(words);
        ix
    }

    /// Appends the word ids of `text`'s tokens to `ids`: the ids of
    /// [`Normaliser::tokenize`] + [`TermIndex::append_ids`], without copying ASCII tokens
    /// that are lower case already (most words): those are looked up in place.
    pub(super) fn append_text_ids(
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

    /// The word ids of ASCII `text`'s tokens, lower-cased (`s` lends its buffers).
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
    pub(super) fn own_features(&self, ids: &[u32], max_n: usize, out: &mut Vec<u32>) {
        for i in 0..ids.len() {
            let first = ids[i];
            if first == NONE {
                continue;
            }
            let f = self.unigram[first as usize];
            if f != NONE {
                out.push(f);
            }
            if !self.cluster_features.is_empty() {
                let (a, b) = (
                    self.cluster_start[first as usize] as usize,
                    self.cluster_start[first as usize + 1] as usize,
                );
                out.extend_from_slice(&self.cluster_features[a..b]);
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
    pub(super) fn context_features(&self, ids: &[u32], out: &mut Vec<u32>) {
        out.extend(
            ids.iter()
                .filter(|&&id| id != NONE)
                .map(|&id| self.context[id as usize])
                .filter(|&f| f != NONE),
        );
    }

    /// The feature of `word` as a unigram term, if it is one.
    pub(super) fn unigram_feature(&self, word: &str) -> Option<u32> {
        let id = self.words.get(word);
        (id != NONE)
            .then(|| self.unigram[id as usize])
            .filter(|&f| f != NONE)
    }

    /// Whether feature `f` is a cluster term.
    #[inline]
    pub(super) fn is_cluster(&self, f: u32) -> bool {
        self.is_cluster[f as usize]
    }

    /// Whether feature `f` is a context term.
    #[inline]
    pub(super) fn is_context(&self, f: u32) -> bool {
        self.is_context[f as usize]
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

    /// The fused tokenise-and-look-up path gives the ids of `tokenize` + `append_ids`.
    #[test]
    fn text_ids_match_tokens_then_ids() {
        let n = Normaliser::new();
        let terms: Vec<String> = ["we", "keep", "logs", "caf", "cafe", "e", "mail", "n", "12"]
            .iter()
            .map(|t| t.to_string())
            .collect();
        let ix = TermIndex::new(&terms, &[]);
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
