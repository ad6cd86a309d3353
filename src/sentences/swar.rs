//! Word-wide (SWAR) byte scans for the splitter's two hottest loops: eight bytes of text as a
//! little-endian `u64`, with the high bit of each byte as its flag.
//!
//! [`next_terminator_or_non_ascii`] is how [`super::boundaries::candidate_cuts`] skips to the
//! next possible sentence end; [`is_plain`] is the fast path of [`super::clean_markdown`]
//! (plain text needs no cleaning). Both are built on the same primitives and are checked
//! against their byte-by-byte definitions in one exhaustive test, so they live here together
//! rather than with their callers.

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
/// where [`candidate_cuts`](super::boundaries::candidate_cuts) has to look closer.
#[inline]
pub(super) fn next_terminator_or_non_ascii(b: &[u8], mut i: usize) -> usize {
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

/// Whether [`clean_markdown_full`](super::clean::clean_markdown_full) would return `s` unchanged because it has nothing to clean:
/// no Markdown or entity characters, and single spaces as its only whitespace, none at
/// either end. Eight bytes at a time while they are printable ASCII (a word-wide test for
/// the Markdown characters and a doubled space); a chunk with anything else goes byte by
/// byte, decoding non-ASCII characters only to rule out Unicode spaces.
pub(super) fn is_plain(s: &str) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
