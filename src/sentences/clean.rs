//! Cleaning: a unit's source text → the text that gets classified, with Markdown inline
//! syntax (emphasis, links, images, code ticks, escapes) removed and whitespace collapsed.
//!
//! Most units have nothing to clean; [`clean_markdown`] returns those as they are, found by a
//! word-wide scan ([`super::swar::is_plain`]), and runs [`clean_markdown_full`] on the rest.

use super::swar::is_plain;

/// Removes Markdown inline syntax (emphasis, links, images, code ticks, escapes) and collapses
/// whitespace.
pub fn clean_markdown(s: &str) -> String {
    // Most sentences have no Markdown and single spaces only: nothing to clean.
    if is_plain(s) {
        return s.to_owned();
    }
    clean_markdown_full(s)
}

/// [`clean_markdown`] without the fast path: character by character.
pub(super) fn clean_markdown_full(s: &str) -> String {
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
}
