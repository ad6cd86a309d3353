//! PDF input: the team's fixtures in `tests/fixtures/pdf/` (fictional organisations; HTML
//! sources and `make.sh` beside them). The sentences of a PDF must be those of the HTML it was
//! printed from, in order; page furniture must not become sentences; a scanned PDF is a skip
//! in a batch and an error alone; a malformed one is an error, never a panic.

use crate::common::{classify, parse_csv, read_csv, repo, stdout_of};
use std::path::PathBuf;

fn fixture(name: &str) -> PathBuf {
    repo().join("tests/fixtures/pdf").join(name)
}

/// The sentence texts `classify predict --format csv` gives for `path`, whitespace collapsed
/// and soft hyphens (invisible in print) removed.
fn sentences(path: &std::path::Path) -> Vec<String> {
    let out = stdout_of(classify().args(["predict", "--format", "csv"]).arg(path));
    let (header, rows) = parse_csv(&out);
    let text = header
        .iter()
        .position(|h| h == "text")
        .expect("text column");
    rows.iter()
        .map(|r| {
            r[text]
                .replace('\u{AD}', "")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

fn assert_same_sentences(pdf: &str, html: &str) -> Vec<String> {
    let want = sentences(&fixture(html));
    let got = sentences(&fixture(pdf));
    assert!(want.len() >= 10, "{html}: only {} sentences", want.len());
    for (i, (g, w)) in got.iter().zip(&want).enumerate() {
        assert_eq!(g, w, "{pdf}: sentence {i} differs from {html}");
    }
    assert_eq!(got.len(), want.len(), "{pdf}: {got:#?}");
    got
}

#[test]
fn multi_page_pdf_gives_its_sources_sentences_in_order_without_furniture() {
    let got = assert_same_sentences("policy.pdf", "policy.html");
    let all = got.join("\n");
    // Running header, footer and page numbers are in the PDF only (CSS page-margin boxes).
    for furniture in ["Brackenfold Ferries Ltd.", "Version 4.2", "Page 1", "of 3"] {
        assert!(!all.contains(furniture), "{furniture:?} became a sentence");
    }
    // Hyphenated line breaks: soft hyphens joined, a real hyphen ("e-" + "mail") kept, and
    // a sentence that runs across a page break is whole.
    for whole in [
        "collect your name, your e-mail address and the registration number",
        "you can also unsubscribe by replying",
        "Vehicle registration numbers are checked at the gate",
    ] {
        assert!(all.contains(whole), "missing {whole:?} in {all}");
    }
}

#[test]
fn two_column_pdf_is_read_column_by_column() {
    let got = assert_same_sentences("two-column.pdf", "two-column.html");
    // The left column's last sentence comes before the right column's first one.
    let pos = |needle: &str| {
        got.iter()
            .position(|s| s.contains(needle))
            .unwrap_or_else(|| panic!("no sentence with {needle:?}"))
    };
    assert!(pos("We do not build profiles") < pos("The courier company receives"));

    // Columns drawn line by line, left and right alternating: still read column by column.
    let got = sentences(&fixture("interleaved.pdf"));
    assert_eq!(
        got,
        [
            "Tamsin Kite Club membership list",
            "Tamsin Kite Club keeps a list of its members.",
            "The list holds each member's name and telephone number.",
            "We use it only to call members when a flight is cancelled.",
            "Members can ask to see their entry at any meeting.",
            "Entries are removed when a membership ends.",
            "The list is never given to other clubs.",
        ]
    );
}

#[test]
fn pdf_bytes_are_read_as_pdf_under_any_name_and_on_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let renamed = dir.path().join("brackenfold.txt");
    std::fs::copy(fixture("policy.pdf"), &renamed).unwrap();
    let want = sentences(&fixture("policy.pdf"));
    assert_eq!(sentences(&renamed), want);
    let out = stdout_of(
        classify()
            .args(["predict", "--format", "csv", "-"])
            .write_stdin(std::fs::read(fixture("policy.pdf")).unwrap()),
    );
    let (_, rows) = parse_csv(&out);
    assert_eq!(rows.len(), want.len());
}

/// `classify predict` of one fixture alone: exit 1 and exactly one stderr line, returned.
fn one_line_error(name: &str) -> String {
    let out = classify()
        .args(["predict", "--format", "csv"])
        .arg(fixture(name))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(err.lines().count(), 1, "{err}");
    err
}

#[test]
fn scanned_pdf_is_an_error_alone_and_a_skip_in_a_batch() {
    let err = one_line_error("scanned.pdf");
    assert!(err.contains("scanned.pdf: no text layer"), "{err}");
    assert!(err.contains("run OCR (e.g. ocrmypdf) first"), "{err}");

    // In a batch: the other files are reported, the scan is a skip with its reason, exit 0.
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    for f in ["policy.pdf", "scanned.pdf", "two-column.pdf"] {
        std::fs::copy(fixture(f), inputs.join(f)).unwrap();
    }
    std::fs::write(inputs.join("notes.txt"), "We collect your name.\n").unwrap();
    let out_dir = dir.path().join("out");
    let run = classify()
        .args(["report", "--out"])
        .arg(&out_dir)
        .arg(&inputs)
        .output()
        .unwrap();
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let (header, rows) = read_csv(&out_dir.join("files.csv"));
    let col = |name: &str| header.iter().position(|h| h == name).expect(name);
    let (file, status, message) = (col("file"), col("status"), col("message"));
    assert_eq!(rows.len(), 4, "{rows:?}");
    for r in &rows {
        if r[file].ends_with("scanned.pdf") {
            assert_eq!(r[status], "skipped");
            assert!(r[message].starts_with("no text layer"), "{r:?}");
        } else {
            assert_eq!(r[status], "tagged", "{r:?}");
        }
    }
    let summary = std::fs::read_to_string(out_dir.join("summary.md")).unwrap();
    assert!(
        summary.contains("4 files: 3 tagged, 1 skipped, 0 failed."),
        "{summary}"
    );
}

#[test]
fn encrypted_pdfs_need_their_password_unless_only_restricted() {
    let err = one_line_error("encrypted.pdf");
    assert!(
        err.contains("encrypted.pdf: the PDF is encrypted with a password"),
        "{err}"
    );
    // Only an owner password (printing/copying restrictions): read like the plain file.
    assert_eq!(
        sentences(&fixture("owner-only.pdf")),
        sentences(&fixture("two-column.pdf"))
    );
}

#[test]
fn malformed_pdfs_are_one_line_errors_and_failed_rows_never_panics() {
    let out = classify()
        .args(["predict", "--format", "csv"])
        .arg(fixture("truncated.pdf"))
        .arg(fixture("two-column.pdf"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("classify: error: ") && err.contains("truncated.pdf: cannot read this PDF"),
        "{err}"
    );
    let (_, rows) = parse_csv(&String::from_utf8_lossy(&out.stdout));
    assert!(rows.iter().all(|r| r[1].ends_with("two-column.pdf")) && !rows.is_empty());

    // Many more broken files: prefixes and bit flips of a real PDF. Each is read or refused
    // with an error line, never a crash.
    let pdf = std::fs::read(fixture("two-column.pdf")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut paths = Vec::new();
    for (i, cut) in [10, 200, 1000, 5000, 12000, 20000, pdf.len() - 30]
        .into_iter()
        .enumerate()
    {
        let p = dir.path().join(format!("cut{i}.pdf"));
        std::fs::write(&p, &pdf[..cut]).unwrap();
        paths.push(p);
    }
    for (i, at) in (0..pdf.len()).step_by(pdf.len() / 24).enumerate() {
        let mut b = pdf.clone();
        b[at] ^= 0x5A;
        let p = dir.path().join(format!("flip{i}.pdf"));
        std::fs::write(&p, b).unwrap();
        paths.push(p);
    }
    let out = classify()
        .args(["predict", "--format", "csv"])
        .args(&paths)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.lines().all(|l| l.starts_with("classify: ")), "{err}");

    let report_dir = dir.path().join("report");
    let inputs = dir.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    std::fs::copy(fixture("truncated.pdf"), inputs.join("truncated.pdf")).unwrap();
    std::fs::copy(fixture("policy.pdf"), inputs.join("policy.pdf")).unwrap();
    let run = classify()
        .args(["report", "--out"])
        .arg(&report_dir)
        .arg(&inputs)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1));
    let (header, rows) = read_csv(&report_dir.join("files.csv"));
    let status = header.iter().position(|h| h == "status").unwrap();
    let file = header.iter().position(|h| h == "file").unwrap();
    let by_name = |n: &str| &rows.iter().find(|r| r[file].ends_with(n)).unwrap()[status];
    assert_eq!(by_name("truncated.pdf"), "failed");
    assert_eq!(by_name("policy.pdf"), "tagged");
}
