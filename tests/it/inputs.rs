//! Reading policies as users have them: mojibake repaired, other languages flagged or skipped
//! (fixtures in `tests/fixtures/inputs/`, written by the team; see its README).
//!
//! `tideway-mojibake.txt` was made from `tideway-plain.txt` with:
//! `b = src.encode('utf-8'); ''.join(chr(x) if x in (0x81, 0x8d, 0x8f, 0x90, 0x9d) else bytes([x]).decode('cp1252') for x in b)`.

use crate::common::{classify, parse_csv, read_csv, repo, shared, stdout_of};
use std::path::PathBuf;

fn fixture(name: &str) -> PathBuf {
    repo().join("tests/fixtures/inputs").join(name)
}

fn sentences_of(path: &std::path::Path) -> Vec<String> {
    let out = stdout_of(classify().args(["predict", "-f", "csv"]).arg(path));
    let (head, rows) = parse_csv(&out);
    let t = head.iter().position(|h| h == "text").unwrap();
    rows.into_iter().map(|r| r[t].clone()).collect()
}

#[test]
fn mojibake_is_repaired_to_the_original_text() {
    let plain = sentences_of(&fixture("tideway-plain.txt"));
    let out = classify()
        .args(["predict", "-f", "csv"])
        .arg(fixture("tideway-mojibake.txt"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let (head, rows) = parse_csv(&String::from_utf8(out.stdout).unwrap());
    let t = head.iter().position(|h| h == "text").unwrap();
    let repaired: Vec<String> = rows.into_iter().map(|r| r[t].clone()).collect();
    assert_eq!(repaired, plain);
    assert!(plain.iter().any(|s| s.contains("“Tideway”")), "{plain:?}");
    let stderr = String::from_utf8(out.stderr).unwrap();
    let warnings: Vec<&str> = stderr.lines().collect();
    assert_eq!(warnings.len(), 1, "one warning per file: {stderr}");
    assert!(
        warnings[0].starts_with("classify: warning: ")
            && warnings[0].contains("tideway-mojibake.txt: repaired 9 mojibake sequences")
            && warnings[0].contains("\"â€“\" → \"–\""),
        "{stderr}"
    );
    // The correct file is read without a word about encodings.
    let ok = classify()
        .args(["predict", "-f", "csv"])
        .arg(fixture("tideway-plain.txt"))
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&ok.stderr), "");
}

#[test]
fn report_accounts_language_and_repairs_per_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    let o = classify()
        .args(["report", "--out"])
        .arg(&out)
        .arg(repo().join("tests/fixtures/inputs"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    for (file, lang) in [
        ("datenschutz-lindenhof.txt", "German (deu)"),
        ("confidentialite-atelier-brume.txt", "French (fra)"),
    ] {
        assert!(
            stderr.contains(&format!("{file}: written in {lang}, not English")),
            "{stderr}"
        );
    }
    let (head, files) = read_csv(&out.join("files.csv"));
    assert_eq!(
        head,
        [
            "file",
            "company",
            "status",
            "sentences",
            "language",
            "repaired",
            "message"
        ]
    );
    let row = |name: &str| files.iter().find(|f| f[0].ends_with(name)).unwrap().clone();
    assert_eq!(row("datenschutz-lindenhof.txt")[4], "deu");
    assert_eq!(row("confidentialite-atelier-brume.txt")[4], "fra");
    assert_eq!(row("tideway-plain.txt")[4..6], ["eng", "0"]);
    assert_eq!(row("tideway-mojibake.txt")[4..6], ["eng", "9"]);
    assert_eq!(row("README.md")[2], "tagged");
    // The coverage table marks the foreign policies, and only them.
    let summary = std::fs::read_to_string(out.join("summary.md")).unwrap();
    let marked: Vec<&str> = summary.lines().filter(|l| l.contains(" ⚠ ")).collect();
    assert_eq!(marked.len(), 2, "{summary}");
    assert!(marked
        .iter()
        .any(|l| l.starts_with("| datenschutz-lindenhof ⚠ deu |")));
    assert!(summary.contains("⚠ marks a policy written in another language"));
    let (chead, cov) = read_csv(&out.join("coverage.csv"));
    let lang = chead.iter().position(|h| h == "language").unwrap();
    assert!(cov
        .iter()
        .all(|r| (r[0] == "confidentialite-atelier-brume") == (r[lang] == "fra")));
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert_eq!(html.matches("<span class=\"lang\"").count(), 2);
    // sentences.parquet says the language of every sentence's document.
    use polars::prelude::*;
    let df = ParquetReader::new(std::fs::File::open(out.join("sentences.parquet")).unwrap())
        .finish()
        .unwrap();
    let company = df.column("company").unwrap().str().unwrap().clone();
    let language = df.column("language").unwrap().str().unwrap().clone();
    let pairs: std::collections::BTreeSet<(String, String)> = (0..df.height())
        .map(|i| {
            (
                company.get(i).unwrap().to_string(),
                language.get(i).unwrap().to_string(),
            )
        })
        .collect();
    assert!(pairs.contains(&("datenschutz-lindenhof".into(), "deu".into())));
    assert!(pairs.contains(&("tideway-plain".into(), "eng".into())));
}

#[test]
fn skip_non_english_skips_and_counts_them() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    let o = classify()
        .args(["report", "--skip-non-english", "--out"])
        .arg(&out)
        .arg(repo().join("tests/fixtures/inputs"))
        .output()
        .unwrap();
    assert!(o.status.success());
    let (_, files) = read_csv(&out.join("files.csv"));
    let skipped: Vec<&Vec<String>> = files.iter().filter(|f| f[2] == "skipped").collect();
    assert_eq!(skipped.len(), 2, "{files:?}");
    assert!(skipped
        .iter()
        .any(|f| f[0].ends_with("datenschutz-lindenhof.txt")
            && f[6] == "written in German (deu), not English (--skip-non-english)"));
    let summary = std::fs::read_to_string(out.join("summary.md")).unwrap();
    assert!(
        summary.contains("5 files: 3 tagged, 2 skipped, 0 failed"),
        "{summary}"
    );
    assert!(!summary.contains(" ⚠ "));
    // predict says so on stderr and prints nothing for the skipped file.
    let o = classify()
        .args(["predict", "-f", "csv", "--skip-non-english"])
        .arg(fixture("confidentialite-atelier-brume.txt"))
        .output()
        .unwrap();
    assert!(o.status.success());
    let (_, rows) = parse_csv(&String::from_utf8(o.stdout).unwrap());
    assert!(rows.is_empty());
    assert!(String::from_utf8_lossy(&o.stderr).contains("classify: skipped: "));
}

#[test]
fn the_wso2_seed_dash_is_repaired() {
    let Some(shared) = shared() else { return };
    let seed = shared.join("seeds/001_69fd7035628d2391.txt");
    let raw = std::fs::read_to_string(&seed).unwrap();
    assert!(raw.contains("â€“"), "the seed still has its mojibake");
    let sentences = sentences_of(&seed);
    assert!(sentences.iter().all(|s| !s.contains("â€")));
    assert_eq!(
        sentences.iter().filter(|s| s.contains(" – ")).count(),
        raw.matches("â€“").count()
    );
    // Every other seed is English and needs no repair.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    stdout_of(
        classify()
            .args(["report", "--out"])
            .arg(&out)
            .arg(shared.join("seeds")),
    );
    let (_, files) = read_csv(&out.join("files.csv"));
    for f in &files {
        assert_eq!(f[4], "eng", "{f:?}");
        let want = if f[1] == "wso2.com" { "1" } else { "0" };
        assert_eq!(f[5], want, "{f:?}");
    }
}
