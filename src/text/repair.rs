//! Mojibake repair: UTF-8 text that was once decoded as Windows-1252 (or Latin-1) and encoded
//! again, so that "–" (E2 80 93) reads "â€“".
//!
//! The rule is deliberately narrow, so a repair is never a guess. Every maximal run of
//! non-ASCII characters is mapped back to the bytes Windows-1252 gives those characters (the
//! five bytes Windows-1252 leaves undefined map to the C1 controls of the same value, as
//! Latin-1 decoders produce them). The run is replaced only when every character has such a
//! byte, the bytes are valid UTF-8, and they decode to fewer characters (at least one
//! multi-byte sequence). Text that does not reverse exactly stays as it is: a lone "é" is the
//! byte E9, which is not UTF-8 on its own; a sequence that lost a byte on the way ("â€"
//! followed by a space, where the "”" lost its undefined third byte 9D) is left alone, since
//! the lost byte cannot be known. Two layers of mojibake are undone by a second pass.
//!
//! `plsfix` (a Rust port of Python's ftfy) was considered: it guesses with ftfy's "badness"
//! heuristics and also normalises other text (quotes, HTML entities, line breaks), which would
//! change files that have no mojibake; this rule changes nothing else.

/// Text with its mojibake repaired, and how many runs were replaced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repaired {
    /// The repaired text.
    pub text: String,
    /// Number of character runs replaced (0: the text was left as it was).
    pub runs: usize,
    /// The first replacement, `(before, after)`, for the warning.
    pub example: Option<(String, String)>,
}

/// Repairs UTF-8-read-as-Windows-1252 mojibake in `text` (see the module documentation).
/// Returns `None` when nothing needed repair, without allocating.
pub fn repair_mojibake(text: &str) -> Option<Repaired> {
    let first = repair_pass(text)?;
    // A second layer ("Ã¢â‚¬â€œ" → "â€“" → "–").
    Some(match repair_pass(&first.text) {
        Some(second) => Repaired {
            text: second.text,
            runs: first.runs,
            example: first.example.map(|(before, after)| {
                let after = repair_pass(&after).map_or(after, |r| r.text);
                (before, after)
            }),
        },
        None => first,
    })
}

fn repair_pass(text: &str) -> Option<Repaired> {
    if text.is_ascii() {
        return None;
    }
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut runs = 0;
    let mut example = None;
    let mut bytes = Vec::new();
    let raw = text.as_bytes();
    let mut at = 0;
    // Jump from one non-ASCII run to the next over the bytes (runs start and end at character
    // boundaries, since ASCII bytes never occur inside a multi-byte character).
    while let Some(k) = raw[at..].iter().position(|&b| b >= 0x80) {
        let start = at + k;
        let end = raw[start..]
            .iter()
            .position(|&b| b < 0x80)
            .map_or(raw.len(), |k| start + k);
        at = end;
        let run = &text[start..end];
        // One character alone (a curly quote, an "é") is never mojibake, which takes two or more.
        if run.chars().nth(1).is_none() {
            continue;
        }
        bytes.clear();
        if !run.chars().all(|ch| match windows_1252_byte(ch) {
            Some(b) => {
                bytes.push(b);
                true
            }
            None => false,
        }) {
            continue;
        }
        let Ok(fixed) = std::str::from_utf8(&bytes) else {
            continue;
        };
        if fixed.chars().count() >= run.chars().count() || !fixed.chars().all(plausible) {
            continue;
        }
        let o = out.get_or_insert_with(|| String::with_capacity(text.len()));
        o.push_str(&text[copied..start]);
        o.push_str(fixed);
        copied = end;
        runs += 1;
        if example.is_none() {
            example = Some((visible(run), fixed.to_string()));
        }
    }
    let mut o = out?;
    o.push_str(&text[copied..]);
    Some(Repaired {
        text: o,
        runs,
        example,
    })
}

/// `s` with C1 control characters (invisible, but common in Latin-1-decoded mojibake) written
/// as `\u{..}` escapes, for messages.
fn visible(s: &str) -> String {
    s.chars()
        .map(|c| {
            if ('\u{80}'..='\u{9f}').contains(&c) {
                format!("\\u{{{:x}}}", c as u32)
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Whether `c` is a character a repair may produce: two-byte UTF-8 (Latin, Greek, Cyrillic,
/// …), punctuation and symbols (U+2000–U+2BFF: dashes, quotes, €, ™, arrows, bullets) and the
/// U+FB00–U+FFFF block (ligatures, the byte-order mark, U+FFFD). Other three- and four-byte
/// characters (CJK, Indic, emoji) are refused: "é »" in French typography (E9 A0 BB) is also
/// valid UTF-8 for "頻", and text in Latin script cannot tell the two apart.
fn plausible(c: char) -> bool {
    let u = c as u32;
    u < 0x800 || (0x2000..0x2C00).contains(&u) || (0xFB00..0x10000).contains(&u)
}

/// The Windows-1252 byte of `c`, if it has one (C1 controls stand for the five undefined bytes
/// and, as Latin-1 decoders produce them, for themselves).
fn windows_1252_byte(c: char) -> Option<u8> {
    let u = c as u32;
    if (0xA0..=0xFF).contains(&u) || (0x80..=0x9F).contains(&u) {
        return Some(u as u8);
    }
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8D}', 'Ž',
        '\u{8F}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9D}',
        'ž', 'Ÿ',
    ];
    HIGH.iter().position(|&h| h == c).map(|i| 0x80 + i as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_mojibake_is_repaired() {
        let r =
            repair_mojibake("Transactions â€“ your data. Weâ€™re here. CafÃ© Â© 2024.").unwrap();
        assert_eq!(r.text, "Transactions – your data. We’re here. Café © 2024.");
        assert_eq!(r.runs, 4);
        assert_eq!(r.example, Some(("â€“".into(), "–".into())));
        // German umlauts and a non-breaking space.
        let r = repair_mojibake("fÃ¼r Datenschutz,Â\u{a0}bitte").unwrap();
        assert_eq!(r.text, "für Datenschutz,\u{a0}bitte");
    }

    #[test]
    fn correct_text_is_left_alone() {
        for ok in [
            "Plain ASCII policy.",
            "Café, naïve, Zürich, « guillemets », 50 € and © 2024 — fine.",
            "We’re “quoted” – dashes… and ™ marks.",
            "日本語のテキスト and Ελληνικά.",
        ] {
            assert_eq!(repair_mojibake(ok), None, "{ok}");
        }
    }

    #[test]
    fn ambiguous_runs_are_left_alone() {
        // French spacing before a guillemet: é, no-break space, » is also UTF-8 for a CJK
        // character; text in Latin script is never "repaired" into another script.
        assert_eq!(repair_mojibake("Fréquence : « activé\u{a0}» ici"), None);
        assert_eq!(repair_mojibake("un café\u{a0}»"), None);
    }

    #[test]
    fn sequences_that_lost_a_byte_are_not_guessed() {
        // "”" is E2 80 9D; 9D is undefined in Windows-1252 and was dropped on the way.
        assert_eq!(repair_mojibake("a Battle Royalâ€ story"), None);
    }

    #[test]
    fn two_layers_are_undone() {
        let once = "â€“";
        // Encode the mojibake again the same way: its UTF-8 bytes read as Windows-1252.
        let twice: String = once
            .bytes()
            .map(|b| {
                let byte = [b];
                let (s, _, _) = encoding_rs::WINDOWS_1252.decode(&byte);
                s.into_owned()
            })
            .collect();
        assert_ne!(twice, once);
        assert_eq!(repair_mojibake(&twice).unwrap().text, "–");
    }
}
