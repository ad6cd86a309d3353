//! The OPP-115 importer: exact rows from a tiny invented release (`tests/fixtures/opp115/`), its
//! attribute labels, its errors, its CSV output, and, when `../shared/opp115/raw` is present,
//! agreement with the `segments.csv` and `sentences.csv` derived from the real release and byte
//! equality with `segments_attributes.csv` and `sentences_attributes.csv`.

use crate::common::{classify, read_csv, stdout_of};
use policy_classifier::import::{
    import_opp115, write_csv, write_csv_with_attributes, ImportedRow, Level,
};
use policy_classifier::Error;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

const FPC: &str = "First Party Collection/Use";
const TPS: &str = "Third Party Sharing/Collection";
const UAED: &str = "User Access, Edit and Deletion";
const IASA: &str = "International and Specific Audiences";
const PC: &str = "Policy Change";
const OTHER: &str = "Other";

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/opp115")
}

/// (policy, company, segment, sentence, text, labels) of the rows, for compact comparison.
type Row = (
    &'static str,
    &'static str,
    usize,
    Option<usize>,
    &'static str,
    &'static [&'static str],
);

/// Row by row (the first difference is the message), then the number of rows.
fn assert_same_rows<T: PartialEq + std::fmt::Debug>(got: &[T], want: &[T]) {
    for (g, w) in got.iter().zip(want) {
        assert_eq!(g, w);
    }
    assert_eq!(got.len(), want.len(), "number of rows");
}

fn assert_rows(got: &[ImportedRow], want: &[Row]) {
    let got: Vec<_> = got
        .iter()
        .map(|r| {
            (
                r.policy_id.as_str(),
                r.company.as_str(),
                r.segment_id,
                r.sentence_index,
                r.text.as_str(),
                r.labels.iter().map(String::as_str).collect::<Vec<_>>(),
            )
        })
        .collect();
    let want: Vec<_> = want
        .iter()
        .map(|&(p, c, s, i, t, l)| (p, c, s, i, t, l.to_vec()))
        .collect();
    assert_same_rows(&got, &want);
}

const LUMEN: &str = "lumenbrook.example";
const HARBOR: &str = "harborkite.example";

#[test]
fn fixture_segment_rows_follow_the_majority_rule() {
    let report = import_opp115(&fixture(), Level::Segment).expect("fixture imports");
    assert_eq!(report.policies, 2);
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    assert_rows(
        &report.rows,
        &[
            (
                "7001",
                LUMEN,
                0,
                None,
                "Lumenbrook Privacy Notice",
                &[OTHER],
            ),
            // Data Retention: one annotator, entered twice → counts once → no label.
            (
                "7001",
                LUMEN,
                1,
                None,
                "We collect your name and postal address when you order a lantern. We use them \
                 to ship the order. Lumenbrook Co. keeps receipts for tax purposes.",
                &[FPC],
            ),
            (
                "7001",
                LUMEN,
                2,
                None,
                "We share your address with the courier that delivers your parcel. You can ask \
                 us to delete your account at any time by writing to us.",
                &[TPS, UAED],
            ),
            // Other: one of the three practices has no span; segment votes do not need spans.
            (
                "7001",
                LUMEN,
                3,
                None,
                "Questions? Write to Lumenbrook Inc. at 12 Elm Row, Dover.",
                &[OTHER],
            ),
            (
                "7002",
                HARBOR,
                0,
                None,
                "Harborkite Online Privacy Policy",
                &[OTHER],
            ),
            (
                "7002",
                HARBOR,
                1,
                None,
                "Cookies We place cookies on your device to remember your settings. Advertisers \
                 may also set their own cookies through our pages.",
                &[FPC, TPS],
            ),
            (
                "7002",
                HARBOR,
                2,
                None,
                "Children & teens: we do not knowingly collect data from children under 13. \
                 Parents may contact us at the U.S. Help Center.",
                &[IASA],
            ),
            // Do Not Track: one annotator only → no label.
            (
                "7002",
                HARBOR,
                3,
                None,
                "Policy Change We may update this policy. We will post the new version here, \
                 e.g. on the home page.",
                &[PC],
            ),
        ],
    );
}

#[test]
fn fixture_sentence_rows_follow_the_span_rule() {
    let report = import_opp115(&fixture(), Level::Sentence).expect("fixture imports");
    assert_eq!(report.policies, 2);
    // The wrong offsets in 7001/2 are reported as placed by search, nothing else.
    assert_eq!(report.warnings.len(), 1, "{:?}", report.warnings);
    assert!(
        report.warnings[0].contains("policy 7001") && report.warnings[0].contains("1 span"),
        "{:?}",
        report.warnings
    );
    assert_rows(
        &report.rows,
        &[
            (
                "7001",
                LUMEN,
                0,
                Some(0),
                "Lumenbrook Privacy Notice",
                &[OTHER],
            ),
            // A span of annotator 33 runs across the boundary of sentences 0 and 1.
            (
                "7001",
                LUMEN,
                1,
                Some(0),
                "We collect your name and postal address when you order a lantern.",
                &[FPC],
            ),
            (
                "7001",
                LUMEN,
                1,
                Some(1),
                "We use them to ship the order.",
                &[FPC],
            ),
            // A list item stands alone; "Co." does not end it; one annotator → no label.
            (
                "7001",
                LUMEN,
                1,
                Some(2),
                "Lumenbrook Co. keeps receipts for tax purposes.",
                &[],
            ),
            // Annotator 33's offsets point into sentence 1; its selectedText is in sentence 0.
            (
                "7001",
                LUMEN,
                2,
                Some(0),
                "We share your address with the courier that delivers your parcel.",
                &[TPS],
            ),
            (
                "7001",
                LUMEN,
                2,
                Some(1),
                "You can ask us to delete your account at any time by writing to us.",
                &[UAED],
            ),
            ("7001", LUMEN, 3, Some(0), "Questions?", &[]),
            (
                "7001",
                LUMEN,
                3,
                Some(1),
                "Write to Lumenbrook Inc. at 12 Elm Row, Dover.",
                &[OTHER],
            ),
            (
                "7002",
                HARBOR,
                0,
                Some(0),
                "Harborkite Online Privacy Policy",
                &[OTHER],
            ),
            // Annotator 22's span crosses the </p> <p> tags: it reaches "Cookies" alone.
            ("7002", HARBOR, 1, Some(0), "Cookies", &[]),
            (
                "7002",
                HARBOR,
                1,
                Some(1),
                "We place cookies on your device to remember your settings.",
                &[FPC],
            ),
            (
                "7002",
                HARBOR,
                1,
                Some(2),
                "Advertisers may also set their own cookies through our pages.",
                &[TPS],
            ),
            // Offsets count the raw "&amp;".
            (
                "7002",
                HARBOR,
                2,
                Some(0),
                "Children & teens: we do not knowingly collect data from children under 13.",
                &[IASA],
            ),
            (
                "7002",
                HARBOR,
                2,
                Some(1),
                "Parents may contact us at the U.S. Help Center.",
                &[],
            ),
            ("7002", HARBOR, 3, Some(0), "Policy Change", &[]),
            // Policy Change: the second annotator's practice has no span → one vote only.
            (
                "7002",
                HARBOR,
                3,
                Some(1),
                "We may update this policy.",
                &[],
            ),
            (
                "7002",
                HARBOR,
                3,
                Some(2),
                "We will post the new version here, e.g. on the home page.",
                &[],
            ),
        ],
    );
}

#[test]
fn sentence_labels_are_a_subset_of_segment_labels() {
    let seg = import_opp115(&fixture(), Level::Segment).unwrap();
    let sent = import_opp115(&fixture(), Level::Sentence).unwrap();
    let by_seg: HashMap<(&str, usize), &ImportedRow> = seg
        .rows
        .iter()
        .map(|r| ((r.policy_id.as_str(), r.segment_id), r))
        .collect();
    for r in &sent.rows {
        let parent = by_seg[&(r.policy_id.as_str(), r.segment_id)];
        assert!(r.labels.iter().all(|l| parent.labels.contains(l)), "{r:?}");
        // The same holds for attribute values.
        let values = &parent.attributes;
        assert!(r.attributes.iter().all(|a| values.contains(a)), "{r:?}");
    }
}

#[test]
fn write_csv_has_the_documented_headers() {
    let dir = tempfile::tempdir().unwrap();
    // The last item: a line of the file written with the attributes column.
    for (level, header, first, with_attributes) in [
        (
            Level::Sentence,
            "policy_id,company,segment_id,sentence_index,text,labels",
            "7001,lumenbrook.example,0,0,Lumenbrook Privacy Notice,Other",
            "7001,lumenbrook.example,1,1,We use them to ship the order.,First Party \
             Collection/Use,Purpose: Basic service/feature",
        ),
        (
            Level::Segment,
            "policy_id,company,segment_id,text,labels",
            "7001,lumenbrook.example,0,Lumenbrook Privacy Notice,Other",
            "7001,lumenbrook.example,3,\"Questions? Write to Lumenbrook Inc. at 12 Elm Row, \
             Dover.\",Other,Other Type: Contact information",
        ),
    ] {
        let report = import_opp115(&fixture(), level).unwrap();
        let out = dir.path().join("out.csv");
        write_csv(&report.rows, level, &out).unwrap();
        let text = std::fs::read_to_string(&out).unwrap();
        let lines: Vec<&str> = text.split('\n').collect();
        assert_eq!(lines[0], header);
        assert_eq!(lines[1], first);
        assert_eq!(
            lines.len(),
            report.rows.len() + 2,
            "one line per row, final \\n"
        );
        assert!(!text.contains('\r'));
        let mut r = csv::Reader::from_reader(text.as_bytes());
        let recs: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
        let joined: Vec<String> = report.rows.iter().map(|x| x.labels.join(";")).collect();
        let col = header.split(',').count() - 1;
        for (rec, want) in recs.iter().zip(&joined) {
            assert_eq!(&rec[col], want);
        }

        // With attributes: every line is the line above plus one field (empty: a final comma).
        let out = dir.path().join("attributes.csv");
        write_csv_with_attributes(&report.rows, level, &out).unwrap();
        let with = std::fs::read_to_string(&out).unwrap();
        let with_lines: Vec<&str> = with.split('\n').collect();
        assert_eq!(with_lines[0], format!("{header},attributes"));
        assert!(with_lines.contains(&with_attributes), "{with}");
        assert_eq!(with_lines.len(), lines.len());
        for (w, p) in with_lines.iter().zip(&lines) {
            assert!(
                w.strip_prefix(p)
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with(',')),
                "{w}\n{p}"
            );
        }
    }
    // Multi-label rows are quoted only because of the comma in a category name.
    let report = import_opp115(&fixture(), Level::Segment).unwrap();
    let out = dir.path().join("seg.csv");
    write_csv(&report.rows, Level::Segment, &out).unwrap();
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.contains(",\"Third Party Sharing/Collection;User Access, Edit and Deletion\"\n"));
}

/// (policy, segment, sentence, attributes) of the rows, for the attribute tests.
type AttrRow = (&'static str, usize, Option<usize>, &'static [&'static str]);

fn assert_attributes(got: &[ImportedRow], want: &[AttrRow]) {
    let got: Vec<_> = got
        .iter()
        .map(|r| {
            (
                r.policy_id.as_str(),
                r.segment_id,
                r.sentence_index,
                r.attributes.iter().map(String::as_str).collect::<Vec<_>>(),
            )
        })
        .collect();
    let want: Vec<_> = want
        .iter()
        .map(|&(p, s, i, a)| (p, s, i, a.to_vec()))
        .collect();
    assert_same_rows(&got, &want);
}

const CONTACT: &str = "Personal Information Type: Contact";
/// Written `Basic service/feature` 3 times in the fixture (twice in 7001, once in 7002) and
/// `Basic Service/Feature` twice (both in 7002): one value, spelled as the form most frequent
/// over the whole release, in 7002 too.
const BASIC: &str = "Purpose: Basic service/feature";
const INTRO: &str = "Other Type: Introductory/Generic";

#[test]
fn fixture_segment_attributes_follow_the_majority_rule() {
    let report = import_opp115(&fixture(), Level::Segment).unwrap();
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    assert_attributes(
        &report.rows,
        &[
            ("7001", 0, None, &[INTRO]),
            // Kept: Contact (11, 22), Basic service/feature (22, 33). Dropped although two
            // annotators gave them: User Type `Other`/`other` (11, 33), Identifiability
            // `not-selected`/`NOT-SELECTED` (22, 33). One annotator: Purpose `Unspecified`
            // (11), Action First-Party (33), Retention Period (11, entered twice).
            ("7001", 1, None, &[CONTACT, BASIC]),
            // Sorted in plain string order, not by category.
            (
                "7001",
                2,
                None,
                &[
                    "Access Type: Deactivate account",
                    "Third Party Entity: Unnamed third party",
                ],
            ),
            // A value given without a span still counts at segment level (annotator 11).
            ("7001", 3, None, &["Other Type: Contact information"]),
            ("7002", 0, None, &[INTRO]),
            // Basic Service/Feature (11, 33 without a span) and Basic service/feature (22): one
            // value. One annotator each: Collection Mode, Personal Information Type, Action
            // Third Party, Third Party Entity.
            ("7002", 1, None, &[BASIC]),
            ("7002", 2, None, &["Audience Type: Children"]),
            // Change Type `Unspecified` (22, 33) dropped; Notification Type and Do Not Track
            // policy by one annotator each.
            ("7002", 3, None, &[]),
        ],
    );
}

#[test]
fn fixture_sentence_attributes_need_two_annotators_spans_in_the_sentence() {
    let report = import_opp115(&fixture(), Level::Sentence).unwrap();
    // The attribute spans add no warning: still only the one span placed by search.
    assert_eq!(report.warnings.len(), 1, "{:?}", report.warnings);
    assert_attributes(
        &report.rows,
        &[
            ("7001", 0, Some(0), &[INTRO]),
            // Annotators 22 and 33 gave Basic service/feature, and both their practices reach
            // this sentence (22's Contact span, 33's Action First-Party span), but their
            // Purpose spans are in the next sentence: only Contact (11, 22) holds here.
            // User Type `Other` (11, 33), with spans here, is dropped.
            ("7001", 1, Some(0), &[CONTACT]),
            ("7001", 1, Some(1), &[BASIC]),
            ("7001", 1, Some(2), &[]),
            // Annotator 33's Third Party Entity span is placed by search into sentence 0.
            (
                "7001",
                2,
                Some(0),
                &["Third Party Entity: Unnamed third party"],
            ),
            ("7001", 2, Some(1), &["Access Type: Deactivate account"]),
            ("7001", 3, Some(0), &[]),
            // Annotator 11 gave Contact information without a span; 22's and 33's spans are here.
            ("7001", 3, Some(1), &["Other Type: Contact information"]),
            ("7002", 0, Some(0), &[INTRO]),
            // Annotator 22's Cookies span reaches "Cookies", but 22 alone.
            ("7002", 1, Some(0), &[]),
            // Basic Service/Feature (11) and Basic service/feature (22) spans: one value;
            // annotator 33 gave it without a span.
            ("7002", 1, Some(1), &[BASIC]),
            ("7002", 1, Some(2), &[]),
            // Three Children spans, two of them in this sentence.
            ("7002", 2, Some(0), &["Audience Type: Children"]),
            ("7002", 2, Some(1), &[]),
            ("7002", 3, Some(0), &[]),
            ("7002", 3, Some(1), &[]),
            ("7002", 3, Some(2), &[]),
        ],
    );
}

#[test]
fn cli_attributes_flag_adds_the_column_and_only_then() {
    let dir = tempfile::tempdir().unwrap();
    let run = |out: &Path, extra: &[&str]| {
        let msg = stdout_of(
            classify()
                .args(["import", "opp115"])
                .arg(fixture())
                .args(["--level", "segment"])
                .args(extra)
                .arg("--out")
                .arg(out),
        );
        assert!(msg.starts_with("2 policies, 8 rows"), "{msg}");
        read_csv(out)
    };
    let (header, rows) = run(&dir.path().join("with.csv"), &["--attributes"]);
    assert_eq!(
        header,
        [
            "policy_id",
            "company",
            "segment_id",
            "text",
            "labels",
            "attributes"
        ]
    );
    assert_eq!(rows[1][5], format!("{CONTACT};{BASIC}"));
    let (header, _) = run(&dir.path().join("plain.csv"), &[]);
    assert_eq!(header.last().unwrap(), "labels");
}

/// Copies the fixture into a temporary folder so a test can damage it.
fn fixture_copy() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    for sub in ["sanitized_policies", "annotations"] {
        std::fs::create_dir(tmp.path().join(sub)).unwrap();
        for e in std::fs::read_dir(fixture().join(sub)).unwrap() {
            let p = e.unwrap().path();
            std::fs::copy(&p, tmp.path().join(sub).join(p.file_name().unwrap())).unwrap();
        }
    }
    tmp
}

#[test]
fn missing_folder_is_an_input_error_saying_what_to_pass() {
    let tmp = tempfile::tempdir().unwrap();
    let err = import_opp115(tmp.path(), Level::Segment).unwrap_err();
    match &err {
        Error::Input { path, message } => {
            assert!(path.ends_with("sanitized_policies"), "{path:?}");
            assert!(message.contains("root of the OPP-115"), "{message}");
        }
        other => panic!("expected Error::Input, got {other:?}"),
    }
    std::fs::create_dir(tmp.path().join("sanitized_policies")).unwrap();
    let err = import_opp115(tmp.path(), Level::Sentence).unwrap_err();
    assert!(
        matches!(&err, Error::Input { path, .. } if path.ends_with("annotations")),
        "{err:?}"
    );
    // Both folders present but empty: nothing to import.
    std::fs::create_dir(tmp.path().join("annotations")).unwrap();
    let err = import_opp115(tmp.path(), Level::Sentence).unwrap_err();
    assert!(matches!(err, Error::Input { .. }), "{err:?}");
}

#[test]
fn malformed_annotation_rows_name_file_and_line() {
    let cases = [
        ("1,b,11,9001,0,Other\n", "columns"),
        ("1,b,11,9001,zero,Other,{},d,u\n", "segment id"),
        ("1,b,11,9001,9,Other,{},d,u\n", "segment id 9"),
        ("1,b,11,9001,0,Data Retension,{},d,u\n", "Data Retention"),
        ("1,b,11,9001,0,Other,{not json,d,u\n", "JSON"),
        ("1,b,,9001,0,Other,{},d,u\n", "annotator"),
    ];
    for (bad_row, needle) in cases {
        let tmp = fixture_copy();
        let csv = tmp.path().join("annotations/7001_lumenbrook.example.csv");
        let mut text = std::fs::read_to_string(&csv).unwrap();
        let lines_before = text.lines().count() as u64;
        text.push_str(bad_row);
        std::fs::write(&csv, text).unwrap();
        let err = import_opp115(tmp.path(), Level::Sentence).unwrap_err();
        match &err {
            Error::Csv {
                path,
                line,
                message,
            } => {
                assert_eq!(path, &csv);
                assert_eq!(*line, lines_before + 1, "{message}");
                assert!(message.contains(needle), "{needle}: {message}");
            }
            other => panic!("expected Error::Csv, got {other:?}"),
        }
        assert!(err.to_string().contains("7001_lumenbrook.example.csv:"));
    }
}

#[test]
fn unpaired_files_are_skipped_with_warnings() {
    let tmp = fixture_copy();
    std::fs::remove_file(tmp.path().join("annotations/7002_harborkite.example.csv")).unwrap();
    std::fs::write(tmp.path().join("annotations/8000_orphan.example.csv"), "").unwrap();
    std::fs::write(tmp.path().join("sanitized_policies/notes.html"), "x").unwrap();
    let report = import_opp115(tmp.path(), Level::Segment).unwrap();
    assert_eq!(report.policies, 1);
    assert!(report.rows.iter().all(|r| r.policy_id == "7001"));
    assert_eq!(report.warnings.len(), 3, "{:?}", report.warnings);
}

// ---------------------------------------------------------------------------------------------
// Agreement with the CSVs derived from the real release (only when ../shared is present).

fn shared_raw() -> Option<PathBuf> {
    let raw = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/opp115/raw");
    if raw.is_dir() {
        return Some(raw);
    }
    if std::env::var_os("CI").is_some() {
        panic!("../shared/opp115/raw not found but CI is set: CI must provide ../shared");
    }
    println!("SKIPPED: ../shared/opp115/raw not found");
    None
}

fn label_set(field: &str) -> BTreeSet<String> {
    policy_classifier::labels::split_labels(field)
        .map(String::from)
        .collect()
}

/// Reads a reference CSV into rows of (column name → value).
fn read_reference(path: &Path) -> Vec<HashMap<String, String>> {
    let mut r = csv::Reader::from_path(path).expect("reference CSV");
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            header
                .iter()
                .cloned()
                .zip(rec.iter().map(String::from))
                .collect()
        })
        .collect()
}

#[test]
fn real_release_agrees_with_the_shared_csvs() {
    let Some(raw) = shared_raw() else { return };
    let shared = raw.parent().unwrap();

    // Segment level.
    let report = import_opp115(&raw, Level::Segment).expect("release imports");
    let mine: HashMap<(String, usize), BTreeSet<String>> = report
        .rows
        .iter()
        .map(|r| {
            (
                (r.policy_id.clone(), r.segment_id),
                r.labels.iter().cloned().collect(),
            )
        })
        .collect();
    let reference = read_reference(&shared.join("segments.csv"));
    let same = reference
        .iter()
        .filter(|r| {
            let key = (r["policy_id"].clone(), r["segment_id"].parse().unwrap());
            mine.get(&key) == Some(&label_set(&r["labels"]))
        })
        .count();
    let seg_share = same as f64 / reference.len() as f64;
    let same_text = reference
        .iter()
        .filter(|r| {
            report.rows.iter().any(|m| {
                m.policy_id == r["policy_id"]
                    && m.segment_id.to_string() == r["segment_id"]
                    && m.text == r["text"]
            })
        })
        .count();
    println!(
        "segments: {} policies, {} rows imported, {} reference rows; label sets equal on {same} \
         ({:.4}); text equal on {same_text}; {} warnings",
        report.policies,
        report.rows.len(),
        reference.len(),
        seg_share,
        report.warnings.len()
    );
    assert!(seg_share >= 0.98, "segment label agreement {seg_share:.4}");
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("segments.csv");
    write_csv(&report.rows, Level::Segment, &out).unwrap();
    let identical =
        std::fs::read(&out).unwrap() == std::fs::read(shared.join("segments.csv")).unwrap();
    println!("segments: written CSV byte-identical to the reference: {identical}");

    // Sentence level.
    let report = import_opp115(&raw, Level::Sentence).expect("release imports");
    let reference = read_reference(&shared.join("sentences.csv"));
    let ratio = report.rows.len() as f64 / reference.len() as f64;
    let mut mine: HashMap<(String, usize, String), Vec<BTreeSet<String>>> = HashMap::new();
    for r in &report.rows {
        mine.entry((r.policy_id.clone(), r.segment_id, r.text.clone()))
            .or_default()
            .push(r.labels.iter().cloned().collect());
    }
    let (mut matched, mut agree, mut same_index) = (0usize, 0usize, 0usize);
    let by_index: HashMap<(&str, usize, usize), &str> = report
        .rows
        .iter()
        .map(|r| {
            (
                (
                    r.policy_id.as_str(),
                    r.segment_id,
                    r.sentence_index.unwrap(),
                ),
                r.text.as_str(),
            )
        })
        .collect();
    for r in &reference {
        let seg: usize = r["segment_id"].parse().unwrap();
        let idx: usize = r["sentence_index"].parse().unwrap();
        if by_index.get(&(r["policy_id"].as_str(), seg, idx)) == Some(&r["text"].as_str()) {
            same_index += 1;
        }
        let key = (r["policy_id"].clone(), seg, r["text"].clone());
        if let Some(list) = mine.get_mut(&key) {
            if !list.is_empty() {
                let labels = list.remove(0);
                matched += 1;
                if labels == label_set(&r["labels"]) {
                    agree += 1;
                }
            }
        }
    }
    let sent_share = agree as f64 / matched.max(1) as f64;
    println!(
        "sentences: {} imported, {} reference (ratio {ratio:.4}); same (policy, segment, index, \
         text) {same_index}; matched on (policy, segment, text) {matched}; label sets equal on \
         {agree} ({sent_share:.4}); {} warnings",
        report.rows.len(),
        reference.len(),
        report.warnings.len()
    );
    let out = tmp.path().join("sentences.csv");
    write_csv(&report.rows, Level::Sentence, &out).unwrap();
    let identical =
        std::fs::read(&out).unwrap() == std::fs::read(shared.join("sentences.csv")).unwrap();
    println!("sentences: written CSV byte-identical to the reference: {identical}");
    for w in report.warnings.iter().take(10) {
        println!("warning: {w}");
    }
    assert!(
        (0.97..=1.03).contains(&ratio),
        "sentence count ratio {ratio:.4}"
    );
    assert!(
        matched as f64 >= 0.9 * reference.len() as f64,
        "{matched} matched"
    );
    assert!(
        sent_share >= 0.90,
        "sentence label agreement {sent_share:.4}"
    );
}

#[test]
fn real_release_reproduces_the_attribute_csvs_byte_for_byte() {
    let Some(raw) = shared_raw() else { return };
    let shared = raw.parent().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    for (level, name) in [
        (Level::Segment, "segments_attributes.csv"),
        (Level::Sentence, "sentences_attributes.csv"),
    ] {
        let reference_path = shared.join(name);
        if !reference_path.is_file() {
            assert!(
                std::env::var_os("CI").is_none(),
                "{name} not found but CI is set"
            );
            println!("SKIPPED: ../shared/opp115/{name} not found");
            continue;
        }
        let report = import_opp115(&raw, level).expect("release imports");
        let out = tmp.path().join(name);
        write_csv_with_attributes(&report.rows, level, &out).unwrap();
        let (mine, reference) = (
            std::fs::read(&out).unwrap(),
            std::fs::read(&reference_path).unwrap(),
        );
        if mine != reference {
            // Name the first row that differs.
            let (m, r) = (
                String::from_utf8_lossy(&mine),
                String::from_utf8_lossy(&reference),
            );
            let (i, (a, b)) = (m.lines().zip(r.lines()).enumerate())
                .find(|(_, (a, b))| a != b)
                .unwrap_or((0, ("", "")));
            panic!(
                "{name}: not byte-identical ({} vs {} bytes); first differing line {}:\n  mine: \
                 {a}\n  ref:  {b}",
                mine.len(),
                reference.len(),
                i + 1
            );
        }
        println!("{name}: {} rows, byte-identical", report.rows.len());
    }
}
