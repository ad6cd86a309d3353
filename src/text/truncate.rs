//! Shortening text for display: the one truncation helper, shared by the charts' labels and
//! the command line's diff listing (it lives here, the lowest layer, so every user may depend
//! on it).

/// `s` if it has at most `max` characters, else its first `max - 1` characters and `…` (so
/// exactly `max` characters; `…` alone when `max` is 0). Counts `char`s, never splits one.
pub fn truncate_chars(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_short_text_and_ends_long_text_with_an_ellipsis() {
        assert_eq!(truncate_chars("abc", 3), "abc");
        assert_eq!(truncate_chars("abcd", 3), "ab…");
        assert_eq!(truncate_chars("ééééé", 4), "ééé…");
        assert_eq!(truncate_chars("", 0), "");
        assert_eq!(truncate_chars("a", 0), "…");
    }
}
