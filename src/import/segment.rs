//! One segment of a policy (the release separates them with `|||`): its HTML cleaned to
//! text, with a map from every clean character back to its raw offset (span offsets count
//! raw HTML characters), and its sentences ([`super::split`]).
//!
//! The text rules are the module's ("Text" in [`super`]): tags removed (block tags act as a
//! space and end a line, inline tags vanish), character references unescaped, whitespace
//! collapsed.

use super::split::split_sentences;

/// One segment of a policy.
#[derive(Debug, Clone)]
pub(super) struct Segment {
    /// The raw HTML, as characters (span offsets count characters).
    pub(super) raw: Vec<char>,
    /// The clean text, as characters.
    pub(super) chars: Vec<char>,
    /// For each clean character, the raw offset it came from (non-decreasing).
    pub(super) raw_pos: Vec<usize>,
    /// The clean text.
    pub(super) text: String,
    /// Sentences as ranges of clean characters.
    pub(super) sentences: Vec<std::ops::Range<usize>>,
}

impl Segment {
    /// Cleans one segment's HTML and splits it into sentences.
    pub(super) fn new(html: &str) -> Segment {
        let raw: Vec<char> = html.chars().collect();
        let clean = clean_html(&raw);
        let text: String = clean.chars.iter().collect();
        let sentences = split_sentences(&clean.chars, &clean.breaks);
        Segment {
            raw,
            chars: clean.chars,
            raw_pos: clean.raw_pos,
            text,
            sentences,
        }
    }
}

/// Clean text of an HTML fragment.
#[derive(Debug, Default)]
pub(super) struct Clean {
    /// The clean text, as characters.
    pub(super) chars: Vec<char>,
    /// For each clean character, the raw offset it came from (non-decreasing).
    pub(super) raw_pos: Vec<usize>,
    /// Clean offsets at which a block tag occurred (line boundaries).
    pub(super) breaks: Vec<usize>,
}

/// Tags that do not break a line (they are removed without leaving a space).
const INLINE_TAGS: &[&str] = &[
    "a", "abbr", "acronym", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em", "font",
    "i", "ins", "kbd", "mark", "q", "s", "samp", "small", "span", "strike", "sub", "sup", "time",
    "tt", "u", "var", "wbr",
];

/// Removes tags, unescapes character references and collapses whitespace, remembering for each
/// clean character its raw offset. Block tags act as whitespace and are recorded as line
/// breaks; inline tags and comments vanish.
pub(super) fn clean_html(raw: &[char]) -> Clean {
    let mut out = Clean::default();
    // Raw offset of the first whitespace (or block tag) since the last kept character.
    let mut pending: Option<usize> = None;
    let push = |out: &mut Clean, pending: &mut Option<usize>, c: char, at: usize| {
        if c.is_whitespace() {
            pending.get_or_insert(at);
            return;
        }
        if let Some(p) = pending.take() {
            if !out.chars.is_empty() {
                out.chars.push(' ');
                out.raw_pos.push(p);
            }
        }
        out.chars.push(c);
        out.raw_pos.push(at);
    };
    let mut i = 0;
    while i < raw.len() {
        let c = raw[i];
        if c == '<' {
            if let Some((end, block)) = parse_tag(raw, i) {
                if block {
                    out.breaks.push(out.chars.len());
                    pending.get_or_insert(i);
                }
                i = end;
                continue;
            }
        }
        if c == '&' {
            if let Some((decoded, end)) = decode_entity(raw, i) {
                for d in decoded.chars() {
                    push(&mut out, &mut pending, d, i);
                }
                i = end;
                continue;
            }
        }
        push(&mut out, &mut pending, c, i);
        i += 1;
    }
    out
}

/// Recognises a tag (or comment, doctype, processing instruction) starting at `raw[i] == '<'`.
/// Returns the offset after it and whether it is a block tag; `None` when the `<` is text.
fn parse_tag(raw: &[char], i: usize) -> Option<(usize, bool)> {
    let rest = &raw[i + 1..];
    if rest.starts_with(&['!', '-', '-']) {
        let end = (i + 4..raw.len().saturating_sub(2))
            .find(|&j| raw[j..j + 3] == ['-', '-', '>'])
            .map_or(raw.len(), |j| j + 3);
        return Some((end, false));
    }
    let first = *rest.first()?;
    let name_start = match first {
        '/' if rest.get(1).is_some_and(|c| c.is_ascii_alphabetic()) => i + 2,
        '!' | '?' => i + 2,
        c if c.is_ascii_alphabetic() => i + 1,
        _ => return None,
    };
    // Find the closing '>' outside quoted attribute values.
    let mut quote: Option<char> = None;
    let mut j = name_start;
    let close = loop {
        let c = *raw.get(j)?;
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '>' => break j,
            None if (c == '"' || c == '\'') && raw[j - 1] == '=' => quote = Some(c),
            None => {}
        }
        j += 1;
    };
    if matches!(first, '!' | '?') {
        return Some((close + 1, false));
    }
    let name: String = raw[name_start..close]
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    Some((close + 1, !INLINE_TAGS.contains(&name.as_str())))
}

/// Named character references understood by the importer.
const ENTITIES: &[(&str, &str)] = &[
    ("amp", "&"),
    ("lt", "<"),
    ("gt", ">"),
    ("quot", "\""),
    ("apos", "'"),
    ("nbsp", "\u{a0}"),
    ("AMP", "&"),
    ("LT", "<"),
    ("GT", ">"),
    ("QUOT", "\""),
    ("copy", "©"),
    ("COPY", "©"),
    ("reg", "®"),
    ("REG", "®"),
    ("trade", "™"),
    ("hellip", "…"),
    ("mdash", "—"),
    ("ndash", "–"),
    ("lsquo", "‘"),
    ("rsquo", "’"),
    ("sbquo", "‚"),
    ("ldquo", "“"),
    ("rdquo", "”"),
    ("bdquo", "„"),
    ("laquo", "«"),
    ("raquo", "»"),
    ("bull", "•"),
    ("middot", "·"),
    ("sect", "§"),
    ("para", "¶"),
    ("deg", "°"),
    ("cent", "¢"),
    ("pound", "£"),
    ("euro", "€"),
    ("yen", "¥"),
    ("times", "×"),
    ("divide", "÷"),
    ("shy", "\u{ad}"),
    ("ensp", "\u{2002}"),
    ("emsp", "\u{2003}"),
    ("thinsp", "\u{2009}"),
    ("zwnj", "\u{200c}"),
    ("zwj", "\u{200d}"),
    ("aacute", "á"),
    ("agrave", "à"),
    ("acirc", "â"),
    ("auml", "ä"),
    ("aring", "å"),
    ("ccedil", "ç"),
    ("eacute", "é"),
    ("egrave", "è"),
    ("ecirc", "ê"),
    ("euml", "ë"),
    ("iacute", "í"),
    ("icirc", "î"),
    ("iuml", "ï"),
    ("ntilde", "ñ"),
    ("oacute", "ó"),
    ("ocirc", "ô"),
    ("ouml", "ö"),
    ("uacute", "ú"),
    ("uuml", "ü"),
    ("szlig", "ß"),
    ("Aacute", "Á"),
    ("Auml", "Ä"),
    ("Eacute", "É"),
    ("Ntilde", "Ñ"),
    ("Ouml", "Ö"),
    ("Uuml", "Ü"),
];

/// References that HTML also accepts without the final `;`.
const LEGACY_ENTITIES: &[&str] = &[
    "amp", "AMP", "lt", "LT", "gt", "GT", "quot", "QUOT", "nbsp", "copy", "COPY", "reg", "REG",
];

/// Decodes a character reference starting at `raw[i] == '&'`. Returns the text and the offset
/// after the reference; `None` when the `&` is text (as in `AT&T`).
fn decode_entity(raw: &[char], i: usize) -> Option<(String, usize)> {
    let mut j = i + 1;
    if raw.get(j) == Some(&'#') {
        j += 1;
        let hex = matches!(raw.get(j), Some('x' | 'X'));
        if hex {
            j += 1;
        }
        let digits_start = j;
        while raw.get(j).is_some_and(|c| {
            if hex {
                c.is_ascii_hexdigit()
            } else {
                c.is_ascii_digit()
            }
        }) {
            j += 1;
        }
        if j == digits_start {
            return None;
        }
        let digits: String = raw[digits_start..j].iter().collect();
        let code = u32::from_str_radix(&digits, if hex { 16 } else { 10 }).unwrap_or(0xFFFD);
        if raw.get(j) == Some(&';') {
            j += 1;
        }
        let text = match code {
            // HTML maps C1 controls to their Windows-1252 characters.
            0x80..=0x9F => encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(&[code as u8])
                .0
                .into_owned(),
            0 => "\u{FFFD}".to_string(),
            _ => char::from_u32(code).unwrap_or('\u{FFFD}').to_string(),
        };
        return Some((text, j));
    }
    while raw.get(j).is_some_and(|c| c.is_ascii_alphanumeric()) && j - i <= 32 {
        j += 1;
    }
    let name: String = raw[i + 1..j].iter().collect();
    if raw.get(j) == Some(&';') {
        if let Some((_, v)) = ENTITIES.iter().find(|(n, _)| *n == name) {
            return Some((v.to_string(), j + 1));
        }
    }
    // Legacy form without ';': the longest known prefix.
    LEGACY_ENTITIES
        .iter()
        .filter(|n| name.starts_with(**n))
        .max_by_key(|n| n.len())
        .map(|n| {
            let v = ENTITIES.iter().find(|(e, _)| e == n).map_or("", |e| e.1);
            (v.to_string(), i + 1 + n.len())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clean(s: &str) -> String {
        clean_html(&s.chars().collect::<Vec<_>>())
            .chars
            .iter()
            .collect()
    }

    #[test]
    fn cleans_tags_entities_and_whitespace() {
        assert_eq!(
            clean(
                "<strong> Title </strong> <br>\n Body &amp; more&nbsp;text &#8220;x&#x201D; AT&T"
            ),
            "Title Body & more text “x” AT&T"
        );
        assert_eq!(clean("a<em>b</em>c<br>d"), "abc d");
        assert_eq!(clean("x <!-- note --> y"), "x y");
        assert_eq!(clean("1 < 2 and 3 > 2"), "1 < 2 and 3 > 2");
        assert_eq!(clean("&copy 2015 &#150; &bogus;"), "© 2015 – &bogus;");
    }

    #[test]
    fn raw_positions_follow_the_clean_text() {
        let raw: Vec<char> = "<br> Ab &amp; c".chars().collect();
        let c = clean_html(&raw);
        assert_eq!(c.chars.iter().collect::<String>(), "Ab & c");
        assert_eq!(c.raw_pos, vec![5, 6, 7, 8, 13, 14]);
    }
}
