//! Property tests (proptest): the splitter loses and reorders nothing, vectoriser rows are
//! unit-norm or empty, a batch's order does not change any sentence's prediction, and the
//! model loader never panics. `PROPTEST_CASES=N` sets the number of cases per property
//! (default 256); `docs/reliability.md` records a run with many more.

use policy_classifier::data::LabelledData;
use policy_classifier::features::{Normaliser, Vectoriser};
use policy_classifier::model::{Model, TrainParams, Units, FORMAT_VERSION};
use policy_classifier::sentences::{split, SplitOptions};
use policy_classifier::text::{html_page, html_to_text};
use proptest::prelude::*;
use sha2::{Digest, Sha256};
use std::path::Path;
use std::sync::OnceLock;

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(256);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// A small model trained in-process on the fictional rows of `tiny_training_csv`.
fn model() -> &'static (Model, Vec<u8>) {
    static M: OnceLock<(Model, Vec<u8>)> = OnceLock::new();
    M.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let mut data = LabelledData::default();
        data.read_csv(&crate::common::tiny_training_csv(dir.path()))
            .unwrap();
        let mut p = TrainParams::default();
        p.vectoriser.min_df = 1;
        let m = Model::fit(&data, &p.check().unwrap(), &|_| {}).unwrap();
        let bytes = m.to_bytes().unwrap();
        (m, bytes)
    })
}

/// Policy-like text: words, numbers, sentence punctuation, abbreviations, Markdown markers
/// (headings, bullets, enumerators, emphasis, blockquotes, rules) and mixed line ends. No `[`
/// or `&`: a link with empty text (`[](url)`) and `&nbsp;` are meant to vanish.
fn policy_like() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        6 => "[A-Za-z]{1,9}",
        2 => "[0-9]{1,4}",
        1 => "[a-zà-ÿ]{1,6}",
        1 => "(日本語|データ|ΣΩ|Straße|naïve|ＤＡＴＡ)",
        4 => Just(" ".to_string()),
        2 => "[.!?,;:]",
        1 => "(e\\.g\\.|i\\.e\\.|U\\.S\\.|Inc\\.|No\\.|3\\.5|a@b\\.org|www\\.x\\.com)",
        2 => "(\n|\r\n|\n\n|  \n)",
        1 => "(\n# |\n## |\n- |\n\\* |\n1\\. |\n12\\) |\n\\(a\\) |\niv\\. |\n> |\n---\n|\n• )",
        1 => "(\\*\\*|__|\\*|_|`|\"|'|\\(|\\)|-|—|…|\t|/|\\|)",
    ];
    prop::collection::vec(piece, 0..120).prop_map(|v| v.concat())
}

/// The length of a line's Markdown prefix (blockquote `>`s, heading `#`s, a bullet or an
/// enumerator such as `1.`, `12)`, `(a)`, `iv.` followed by whitespace and more text), mirroring
/// the splitter's rules: the only alphanumerics it may drop are enumerators.
fn marker_prefix(line: &str) -> usize {
    let mut i = line.len() - line.trim_start().len();
    while line[i..].starts_with('>') {
        i += 1;
        i += line[i..].len()
            - line[i..]
                .trim_start_matches(|c: char| c.is_ascii_whitespace())
                .len();
    }
    let rest = &line[i..];
    let hashes = rest.bytes().take_while(|&b| b == b'#').count();
    if (1..=6).contains(&hashes) && rest[hashes..].starts_with(char::is_whitespace) {
        return i + hashes; // a heading: no enumerator after it
    }
    let open = usize::from(rest.starts_with('('));
    let body: String = rest[open..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    let numeric = !body.is_empty() && body.len() <= 3 && body.bytes().all(|b| b.is_ascii_digit());
    let roman =
        !body.is_empty() && body.len() <= 4 && body.bytes().all(|b| b"ivxlcIVXLC".contains(&b));
    let letter = body.len() == 1 && body.bytes().all(|b| b.is_ascii_alphabetic());
    if numeric || roman || letter {
        let end = open + body.len();
        let close = rest[end..].chars().next();
        let ok = if open == 1 {
            close == Some(')')
        } else {
            close == Some(')') || (close == Some('.') && (numeric || roman))
        };
        let after = rest.get(end + 1..).unwrap_or("");
        if ok && after.starts_with(char::is_whitespace) && !after.trim().is_empty() {
            return i + end + 1;
        }
    }
    i
}

/// The alphanumeric characters of `text[start..]` outside line marker prefixes, in order.
fn body_alnums(text: &str, start: usize) -> Vec<char> {
    text[start..]
        .split_inclusive('\n')
        .flat_map(|line| {
            line[marker_prefix(line)..]
                .chars()
                .filter(|c| c.is_alphanumeric())
        })
        .collect()
}

fn check_spans(text: &str, start: usize, max: usize) -> Result<(), TestCaseError> {
    let sents = split(
        text,
        start,
        &SplitOptions {
            max_sentence_bytes: max,
        },
    );
    let mut prev = start;
    for s in &sents {
        prop_assert!(
            s.span.start >= prev,
            "out of order / overlapping: {:?}",
            s.span
        );
        prop_assert!(s.span.start < s.span.end && s.span.end <= text.len());
        prop_assert!(text.is_char_boundary(s.span.start) && text.is_char_boundary(s.span.end));
        prop_assert!(
            s.span.len() <= max,
            "span of {} bytes over {max}",
            s.span.len()
        );
        prop_assert!(s.text.chars().any(char::is_alphanumeric));
        prev = s.span.end;
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    /// Any Unicode text, any start offset: spans are in order, non-overlapping, inside the
    /// text, on char boundaries and within the sentence limit.
    #[test]
    fn split_spans_are_well_formed_for_any_text(
        text in any::<String>(),
        at in 0.0f64..=1.0,
        max in 4usize..300,
    ) {
        let mut start = (text.len() as f64 * at) as usize;
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        check_spans(&text, start, max)?;
    }

    /// Nothing lost, nothing reordered: the alphanumerics of the spans, concatenated, are
    /// exactly the alphanumerics of the body outside line markers; the cleaned sentence texts
    /// keep them too.
    #[test]
    fn split_loses_and_reorders_nothing(
        head in prop::option::of("[A-Za-z ]{0,30}\n"),
        body in policy_like(),
        max in 16usize..200,
    ) {
        let start = head.as_ref().map_or(0, String::len);
        let text = head.unwrap_or_default() + &body;
        check_spans(&text, start, max)?;
        let sents = split(&text, start, &SplitOptions { max_sentence_bytes: max });
        let from_spans: Vec<char> = sents
            .iter()
            .flat_map(|s| text[s.span.clone()].chars().filter(|c| c.is_alphanumeric()))
            .collect();
        prop_assert_eq!(&from_spans, &body_alnums(&text, start));
        let from_texts: Vec<char> = sents
            .iter()
            .flat_map(|s| s.text.chars().filter(|c| c.is_alphanumeric()))
            .collect();
        prop_assert_eq!(from_texts, from_spans);
    }

    /// Vectoriser rows: sorted unique in-range indices, finite positive values, and an L2 norm
    /// of 1 (or no features at all), for the chi²-capped test vectoriser and the model's.
    #[test]
    fn vectoriser_rows_are_unit_norm_or_empty(
        text in prop_oneof![any::<String>(), policy_like()],
    ) {
        let n = Normaliser::new();
        for v in [vectoriser(), model().0.vectoriser()] {
            let row = v.transform(&n, &text);
            prop_assert!(row.windows(2).all(|w| w[0].0 < w[1].0), "indices not sorted/unique");
            prop_assert!(row.iter().all(|&(i, x)| (i as usize) < v.len() && x.is_finite() && x > 0.0));
            if !row.is_empty() {
                let norm: f32 = row.iter().map(|&(_, x)| x * x).sum::<f32>().sqrt();
                prop_assert!((norm - 1.0).abs() < 1e-4, "norm {norm}");
            }
        }
    }

    /// A sentence's probabilities do not depend on its batch or its place in it (batches over
    /// 256 sentences span several parallel chunks).
    #[test]
    fn shuffled_batch_gives_the_same_per_sentence_results(
        (texts, perm) in prop::collection::vec(batch_text(), 0..600)
            .prop_flat_map(|v| {
                let n = v.len();
                (Just(v), Just((0..n).collect::<Vec<usize>>()).prop_shuffle())
            }),
    ) {
        let m = &model().0;
        let nl = m.labels().len();
        let a: Vec<&str> = texts.iter().map(String::as_str).collect();
        let b: Vec<&str> = perm.iter().map(|&i| a[i]).collect();
        let (pa, pb) = (m.probabilities(Units::Alone(&a)), m.probabilities(Units::Alone(&b)));
        prop_assert_eq!((pa.rows(), pa.n_labels()), (a.len(), nl));
        for (j, &i) in perm.iter().enumerate() {
            prop_assert_eq!(pa.row(i), pb.row(j));
        }
        if let Some(&first) = a.first() {
            let alone = m.probabilities(Units::Alone(&[first]));
            prop_assert_eq!(alone.row(0), pa.row(0));
        }
    }

    /// Markup nested deeper than the parser's depth cap keeps all its text: a fragment gives
    /// the same words wrapped in 10 or in 600 `<div>`s (where the flattening pre-pass applies).
    #[test]
    fn deeply_nested_html_keeps_its_text(pieces in html_fragment()) {
        let frag = pieces.concat();
        let wrap = |n: usize| format!("{}{frag}{}", "<div>".repeat(n), "</div>".repeat(n));
        let words = |html: String| -> Vec<char> {
            html_to_text(&html).chars().filter(|c| c.is_alphanumeric()).collect()
        };
        // Every word of the fragment, in order: nothing dropped, moved or leaked from a script.
        let want: Vec<char> = pieces
            .iter()
            .filter(|p| p.bytes().all(|b| b.is_ascii_lowercase()))
            .flat_map(|p| p.chars())
            .collect();
        let shallow = words(wrap(10));
        prop_assert_eq!(&shallow, &want);
        prop_assert_eq!(words(wrap(600)), want);
    }

    /// Main-content extraction changes nothing on markup without page chrome (no links, no
    /// attributes, no landmark elements): the text is exactly the whole-page conversion's, at
    /// any depth. Wrapped in `<main>` between a cookie banner, a header and a footer, the
    /// fragment keeps every word and the chrome (upper-case words) is gone.
    #[test]
    fn main_content_keeps_chrome_free_markup(pieces in html_fragment()) {
        let frag = pieces.concat().replace("<a href=\"x>y\">", "<span>").replace("</a>", "</span>");
        prop_assert_eq!(html_page(&frag).text, html_to_text(&frag));
        let deep = format!("{}{frag}{}", "<div>".repeat(600), "</div>".repeat(600));
        prop_assert_eq!(html_page(&deep).text, html_to_text(&deep));
        // An unclosed table cell would take what follows into main (as in a browser).
        let close = "</td></tr></table>".repeat(frag.matches("<table>").count());
        let page = format!(
            "<div class=cookie-banner>COOKIES OK<button>ACCEPT</button></div>\
             <header><a href=/>LOGO</a><nav>HOME</nav></header><main>{frag}{close}</main>\
             <aside>SIDE BAR</aside><footer><a href=/t>TERMS</a> <a href=/p>PRIVACY</a> \
             <a href=/c>CAREERS</a><p>© 2026 ACME</p></footer>"
        );
        let want: Vec<char> = pieces
            .iter()
            .filter(|p| p.bytes().all(|b| b.is_ascii_lowercase()))
            .flat_map(|p| p.chars())
            .collect();
        let got: Vec<char> = html_page(&page).text.chars().filter(|c| c.is_alphanumeric()).collect();
        prop_assert_eq!(got, want);
    }

    /// Main-content extraction and the site name never panic, whatever the attributes, text
    /// and title hold (multi-byte characters in class names, quotes, odd URLs).
    #[test]
    fn html_page_never_panics(attr in any::<String>(), text in any::<String>(), fragment in html_fragment()) {
        let page = format!(
            "<html><head><title>{text} | {attr}</title><meta property=og:url content='{attr}'>\
             <link rel=canonical href=\"{attr}\"></head><body><div class=\"{attr}\" id='{attr}' \
             aria-label={attr} style=\"{attr}\"><p>{text}</p><a href=x>{attr}</a></div>{}</body></html>",
            fragment.concat()
        );
        let p = html_page(&page);
        prop_assert!(p.text.ends_with('\n'));
    }

    /// Arbitrary bytes, with or without a valid header, never make the loader panic.
    #[test]
    fn model_loader_never_panics_on_arbitrary_bytes(
        bytes in prop::collection::vec(any::<u8>(), 0..4096),
        header in any::<bool>(),
    ) {
        let mut file = Vec::new();
        if header {
            file.extend_from_slice(b"PCLSMDL\n");
            file.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        }
        file.extend_from_slice(&bytes);
        prop_assert!(Model::from_bytes(&file, Path::new("x.model")).is_err());
    }

    /// Mutations of a real payload behind a *valid* checksum (what a buggy writer could
    /// produce) reach the decoder and the consistency checks: they may load, but a model that
    /// loads must predict without panicking.
    #[test]
    fn corrupt_payload_with_valid_checksum_is_rejected_or_usable(
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6),
        cut in prop::option::of(any::<prop::sample::Index>()),
    ) {
        let (_, good) = model();
        let mut payload = good[44..].to_vec();
        for (at, byte) in edits {
            let i = at.index(payload.len());
            payload[i] = byte;
        }
        if let Some(c) = cut {
            payload.truncate(c.index(payload.len()));
        }
        if let Ok(m) = Model::from_bytes(&with_checksum(&payload), Path::new("x.model")) {
            let texts = ["We collect your e-mail address.", "Ünïcode ＤＡＴＡ", ""];
            let p = m.probabilities(Units::Alone(&texts));
            prop_assert_eq!((p.rows(), p.n_labels()), (texts.len(), m.labels().len()));
            for l in 0..m.labels().len() {
                let _ = m.explain(texts[0], None, l, 3);
            }
        }
    }
}

/// HTML fragments: block and inline tags (closed or not), text, comments, entities, and a
/// script whose text (`Q`) must never show.
fn html_fragment() -> impl Strategy<Value = Vec<String>> {
    let piece = prop_oneof![
        3 => "[a-z]{1,6}",
        2 => Just(" ".to_string()),
        4 => prop::sample::select(vec![
            "<p>", "</p>", "<b>", "</b>", "<i>", "<ul>", "</ul>", "<li>", "</li>", "<br>",
            "<span>", "</span>", "<h2>", "</h2>", "<div>", "</div>", "<table><tr><td>",
            "</td></tr></table>", "<a href=\"x>y\">", "</a>", "<!-- c -->", "&amp;",
            "<script>Q < QQ</script>", "<svg><path/></svg>", "<p/>",
        ])
        .prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..60)
}

/// Cheap sentence texts for large batches: training-like sentences, random words, odd ones.
fn batch_text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(vec![
            "We collect your name and e-mail address when you sign up.",
            "We share your address with the courier.",
            "We keep invoices for seven years.",
            "Contact us with questions.",
            "",
            "!!!",
            "Ünïcode ＤＡＴＡ is kept",
        ])
        .prop_map(String::from),
        2 => "[a-z]{1,8}( [a-z]{1,8}){0,12}",
        1 => any::<String>(),
    ]
}

/// A model file around `payload` with the current header and a correct checksum.
fn with_checksum(payload: &[u8]) -> Vec<u8> {
    let mut f = b"PCLSMDL\n".to_vec();
    f.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    f.extend_from_slice(&Sha256::digest(payload));
    f.extend_from_slice(payload);
    f
}

/// The vectoriser of a model trained with a chi² cap of 12 features.
fn vectoriser() -> &'static Vectoriser {
    static V: OnceLock<Vectoriser> = OnceLock::new();
    V.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let mut data = LabelledData::default();
        data.read_csv(&crate::common::tiny_training_csv(dir.path()))
            .unwrap();
        let mut p = TrainParams::default();
        p.vectoriser.min_df = 1;
        p.vectoriser.max_features = 12;
        let m = Model::fit(&data, &p.check().unwrap(), &|_| {}).unwrap();
        assert_eq!(m.vectoriser().len(), 12, "the chi² cap applies");
        m.vectoriser().clone()
    })
}

/// Every truncation and every single-bit flip of a real model file is rejected with an error
/// (the SHA-256 covers the payload; magic and version are checked), exhaustively.
#[test]
fn every_truncation_and_bit_flip_of_a_model_is_rejected() {
    let (_, good) = model();
    assert!(Model::from_bytes(good, Path::new("m")).is_ok());
    for len in 0..good.len() {
        let e = Model::from_bytes(&good[..len], Path::new("m.model"));
        assert!(e.is_err(), "a {len}-byte prefix loaded");
    }
    let mut b = good.clone();
    for i in 0..b.len() {
        for bit in 0..8 {
            b[i] ^= 1 << bit;
            let r = Model::from_bytes(&b, Path::new("m.model"));
            assert!(
                r.is_err(),
                "flipping bit {bit} of byte {i} was not detected"
            );
            let msg = r.unwrap_err().to_string();
            assert!(msg.starts_with("m.model: ") && !msg.contains('\n'), "{msg}");
            b[i] ^= 1 << bit;
        }
    }
}

/// A model whose parts disagree in size but whose checksum is valid (e.g. written by a buggy
/// build) must be refused at load time, not crash later while predicting.
#[test]
fn inconsistent_model_parts_are_refused_at_load() {
    let (m, _) = model();
    let json = serde_json::to_value(m).unwrap();
    type Edit = fn(&mut serde_json::Value);
    let edits: [(&str, Edit); 5] = [
        ("idf shorter than the vocabulary", |j| {
            j["vectoriser"]["idf"].as_array_mut().unwrap().pop();
        }),
        ("idf longer than the vocabulary", |j| {
            j["vectoriser"]["idf"]
                .as_array_mut()
                .unwrap()
                .push(1.0.into());
        }),
        ("one weight missing", |j| {
            j["weights"].as_array_mut().unwrap().pop();
        }),
        ("a threshold missing", |j| {
            j["thresholds"].as_array_mut().unwrap().pop();
        }),
        ("n-gram length 0", |j| {
            j["vectoriser"]["params"]["max_ngram"] = 0.into();
        }),
    ];
    for (what, edit) in edits {
        let mut j = json.clone();
        edit(&mut j);
        let bad: Model = serde_json::from_value(j).unwrap();
        let file = bad.to_bytes().unwrap();
        let r = Model::from_bytes(&file, Path::new("bad.model"));
        let e = r.err().unwrap_or_else(|| panic!("{what}: loaded"));
        assert!(e.to_string().contains("bad.model"), "{what}: {e}");
    }
}
