//! Fuzzes reading a policy from bytes: binary sniffing, UTF-8 / Windows-1252 decoding,
//! HTML-to-text (html5ever via scraper), the corpus header, then splitting the result.
#![no_main]

use libfuzzer_sys::fuzz_target;
use policy_classifier::sentences::{split, SplitOptions};
use policy_classifier::text::{document_from_bytes, html_to_text, parse_header, ReadOptions};
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let html = String::from_utf8_lossy(data);
    let text = html_to_text(&html);
    assert!(text.ends_with('\n'));
    let _ = parse_header(&text);
    for name in ["policy.html", "policy.txt", "-"] {
        let Ok(doc) = document_from_bytes(Path::new(name), data, &ReadOptions::default()) else {
            continue;
        };
        assert!(doc.body_start <= doc.text.len() && doc.text.is_char_boundary(doc.body_start));
        for s in split(&doc.text, doc.body_start, &SplitOptions::default()) {
            assert!(s.span.start >= doc.body_start && s.span.end <= doc.text.len());
        }
    }
});
