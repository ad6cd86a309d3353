//! Fuzzes the sentence splitter: any text, any start offset, any sentence limit ≥ 16 bytes.
//! Spans must be in order, non-overlapping, on char boundaries, within the text and the limit,
//! and every sentence must have text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use policy_classifier::sentences::{clean_markdown, split, SplitOptions};

fuzz_target!(|data: &[u8]| {
    let Some((&[limit, at], rest)) = data.split_first_chunk::<2>() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let max = 16 + usize::from(limit) * 4;
    let mut start = usize::from(at) * text.len() / 256;
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let opts = SplitOptions {
        max_sentence_bytes: max,
    };
    let mut prev = start;
    for s in split(&text, start, &opts) {
        assert!(s.span.start >= prev, "spans out of order or overlapping");
        assert!(s.span.start < s.span.end && s.span.end <= text.len());
        assert!(text.is_char_boundary(s.span.start) && text.is_char_boundary(s.span.end));
        assert!(s.span.len() <= max, "span over the sentence limit");
        assert!(s.text.chars().any(char::is_alphanumeric));
        prev = s.span.end;
    }
    let _ = clean_markdown(&text);
});
