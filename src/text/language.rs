//! Which language a policy is written in, so that a policy the English model cannot read is
//! flagged instead of tagged silently with confident nonsense.
//!
//! Policies saved from the web start with menus, cookie notices and link lists, and some are
//! bilingual; the first kilobytes say little. So the detector samples 16 pieces evenly spaced
//! through the document (each up to the end of its line, at most about 300 bytes) and keeps the
//! prose ones: at least 60 bytes and 8 words of ordinary length, without Markdown links. A
//! cheap first test counts English function words ("the", "and", "we", "your", …): English
//! prose has about four in ten, other languages almost none. Only when the English pieces hold
//! no more than half of the sampled prose is `whatlang` (trigram profiles of 69 languages, with
//! a reliability flag) asked to name the language of the other pieces; the document's language
//! is the one of most sampled prose. The cost does not grow with the document's length: about
//! 1.7 % of `classify report`'s instructions (measured in `docs/reliability.md`).

/// The language of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Language {
    /// English (ISO 639-3 `eng`).
    #[default]
    English,
    /// Another language, reliably detected.
    Other(whatlang::Lang),
    /// Too little prose to tell, or no reliable detection (`und`).
    Undetermined,
}

impl Language {
    /// The ISO 639-3 code: `eng`, `deu`, `fra`, …, or `und` when undetermined.
    pub fn code(&self) -> &'static str {
        match self {
            Language::English => "eng",
            Language::Other(l) => l.code(),
            Language::Undetermined => "und",
        }
    }

    /// The language's English name ("German"), or "undetermined".
    pub fn name(&self) -> &'static str {
        match self {
            Language::English => "English",
            Language::Other(l) => l.eng_name(),
            Language::Undetermined => "undetermined",
        }
    }

    /// True when the document is reliably in a language other than English: the model's tags
    /// mean little for it.
    pub fn is_foreign(&self) -> bool {
        matches!(self, Language::Other(_))
    }
}

/// "German (deu)": the name and the ISO 639-3 code, as messages give them.
impl std::fmt::Display for Language {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.name(), self.code())
    }
}

/// Detects the language of a policy's text (see the module documentation).
pub fn detect_language(text: &str) -> Language {
    let sample: Vec<&str> = if text.len() <= PIECES * 300 {
        // A short document is read whole, line by line.
        text.lines().filter(|w| is_prose(w.trim())).collect()
    } else {
        (0..PIECES)
            .filter_map(|k| piece_at(text, k * text.len() / PIECES))
            .filter(|w| is_prose(w))
            .collect()
    };
    let sampled: usize = sample.iter().map(|w| w.len()).sum();
    if sampled < 120 {
        return Language::Undetermined;
    }
    // The cheap test first: most policies are settled by it, without asking whatlang.
    let (mut english, unsure): (usize, Vec<&str>) =
        sample
            .into_iter()
            .fold((0, Vec::new()), |(n, mut rest), w| {
                if english_share(w) >= 0.12 {
                    (n + w.len(), rest)
                } else {
                    rest.push(w);
                    (n, rest)
                }
            });
    if 2 * english > sampled {
        return Language::English;
    }
    let mut other: Vec<(whatlang::Lang, usize)> = Vec::new();
    for w in unsure.into_iter().take(MAX_DETECTIONS) {
        match whatlang::detect(w) {
            Some(i) if i.lang() == whatlang::Lang::Eng => english += w.len(),
            Some(i) if i.is_reliable() => match other.iter_mut().find(|(l, _)| *l == i.lang()) {
                Some((_, n)) => *n += w.len(),
                None => other.push((i.lang(), w.len())),
            },
            _ => {}
        }
    }
    let top = other.iter().max_by_key(|(_, n)| *n).copied();
    match top {
        Some((lang, n)) if n > english => Language::Other(lang),
        _ if english > 0 => Language::English,
        _ => Language::Undetermined,
    }
}

/// At most this many pieces of a document are given to `whatlang`.
const MAX_DETECTIONS: usize = 12;

/// Pieces sampled, evenly spaced through the document.
const PIECES: usize = 16;

/// The piece of text that starts at the first word after byte `pos`: up to the end of its line,
/// and at most about 300 bytes (cut at a space; some saved pages are one long line).
fn piece_at(text: &str, pos: usize) -> Option<&str> {
    let b = text.as_bytes();
    let mut start = pos;
    if start > 0 {
        // Move to the start of the next word.
        while start < b.len() && !b[start].is_ascii_whitespace() {
            start += 1;
        }
    }
    while start < b.len() && b[start].is_ascii_whitespace() {
        start += 1;
    }
    if start >= b.len() {
        return None;
    }
    let horizon = b.len().min(start + 400);
    let line_end = b[start..horizon]
        .iter()
        .position(|&c| c == b'\n')
        .map_or(horizon, |k| start + k);
    let mut end = line_end.min(start + 300);
    if end < line_end {
        end = b[end..line_end]
            .iter()
            .position(|&c| c == b' ')
            .map_or(line_end, |k| end + k);
    }
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    Some(text[start..end].trim_end())
}

/// A piece of running text: long enough, eight words or more, no Markdown links, and words of
/// ordinary length (menus glued together read "HomeAbout UsContact").
fn is_prose(w: &str) -> bool {
    if w.len() < 60 || w.contains("](") {
        return false;
    }
    let words = w.split_whitespace().count();
    words >= 8 && w.len() <= words * 10
}

/// Share of the words of `line` that are common English function words.
fn english_share(line: &str) -> f32 {
    let (mut n, mut hits) = (0usize, 0usize);
    let mut buf = [0u8; 11];
    for w in line.split(|c: char| !c.is_alphabetic()) {
        if w.is_empty() {
            continue;
        }
        n += 1;
        if w.len() > buf.len() {
            continue;
        }
        let lower = &mut buf[..w.len()];
        lower.copy_from_slice(w.as_bytes());
        lower.make_ascii_lowercase();
        if matches!(
            &*lower,
            b"the"
                | b"and"
                | b"of"
                | b"to"
                | b"a"
                | b"in"
                | b"is"
                | b"we"
                | b"you"
                | b"your"
                | b"our"
                | b"that"
                | b"for"
                | b"or"
                | b"with"
                | b"this"
                | b"by"
                | b"are"
                | b"be"
                | b"as"
                | b"not"
                | b"may"
                | b"will"
                | b"from"
                | b"it"
                | b"us"
                | b"if"
                | b"any"
                | b"on"
                | b"at"
                | b"which"
                | b"have"
                | b"can"
                | b"such"
                | b"these"
                | b"other"
                | b"when"
                | b"information"
                | b"use"
                | b"data"
                | b"an"
                | b"do"
                | b"does"
                | b"who"
                | b"how"
                | b"what"
                | b"about"
        ) {
            hits += 1;
        }
    }
    if n == 0 {
        0.0
    } else {
        hits as f32 / n as f32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EN: &str = "We collect the information you give us when you create an account, and we use it to provide the service.\n\
        You may ask us to delete your account at any time by writing to the address given below in this notice.\n\
        We do not sell your personal information to other companies, and we keep it only as long as we need it.\n";
    const DE: &str = "Wir erheben die Daten, die Sie uns bei der Anmeldung mitteilen, und verwenden sie zur Erbringung des Dienstes.\n\
        Sie können jederzeit verlangen, dass wir Ihr Konto löschen, indem Sie uns an die unten genannte Anschrift schreiben.\n\
        Wir verkaufen Ihre personenbezogenen Daten nicht an andere Unternehmen und speichern sie nur so lange wie nötig.\n";

    #[test]
    fn english_and_german_prose() {
        assert_eq!(detect_language(EN), Language::English);
        let de = detect_language(DE);
        assert_eq!(de.code(), "deu");
        assert_eq!(de.name(), "German");
        assert!(de.is_foreign());
    }

    #[test]
    fn menus_before_the_policy_do_not_decide() {
        let menu = "Startseite | Über uns | Kontakt | Karriere | Impressum\n".repeat(30);
        assert_eq!(detect_language(&(menu + EN)), Language::English);
    }

    #[test]
    fn the_language_of_most_prose_wins() {
        assert_eq!(detect_language(&format!("{EN}{DE}{DE}")).code(), "deu");
        assert_eq!(detect_language(&format!("{EN}{EN}{DE}")), Language::English);
    }

    #[test]
    fn pieces_end_on_character_boundaries() {
        // Long runs without spaces or line breaks, in multi-byte characters, at every offset.
        for filler in ["\u{202b}", "é", "日本", "😀x"] {
            let text = format!("{}{EN}{}", filler.repeat(3000), filler.repeat(3000));
            for k in 0..PIECES {
                let _ = piece_at(&text, k * text.len() / PIECES);
            }
            let _ = detect_language(&text);
        }
    }

    #[test]
    fn too_little_text_is_undetermined() {
        assert_eq!(detect_language("Privacy"), Language::Undetermined);
        assert!(!Language::Undetermined.is_foreign());
    }
}
