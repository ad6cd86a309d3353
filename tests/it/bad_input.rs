//! Bad input gets a one-line error naming the file (and line), a non-zero exit, and no panic.

use crate::common::*;
use std::path::Path;

fn failure(cmd: &mut assert_cmd::Command) -> (i32, String) {
    let out = cmd.output().expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(!stderr.contains("panicked"), "panic: {stderr}");
    (out.status.code().unwrap_or(-1), stderr)
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

#[test]
fn predict_bad_files_exit_1_naming_the_file_and_keep_the_good_ones() {
    let dir = tempfile::tempdir().unwrap();
    let good = write(dir.path(), "good.txt", b"We collect your e-mail address.");
    let empty = write(dir.path(), "empty.txt", b"");
    let blank = write(dir.path(), "blank.txt", b"  \n\t\n");
    let pdf = write(
        dir.path(),
        "scan.txt",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3 binary",
    );
    let png = write(dir.path(), "logo.txt", b"\x89PNG\r\n\x1a\n\0\0\0");
    let missing = dir.path().join("missing.txt");
    let out = classify()
        .args(["predict", "-f", "csv"])
        .args([&good, &empty, &blank, &pdf, &png, &missing])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"));
    for (p, why) in [
        (&empty, "empty"),
        (&blank, "empty"),
        (&pdf, "PDF"),
        (&png, "PNG"),
        (&missing, "no such file"),
    ] {
        let line = stderr
            .lines()
            .find(|l| l.contains(&p.display().to_string()))
            .unwrap_or_else(|| panic!("no error for {}: {stderr}", p.display()));
        assert!(line.contains(why), "{line}");
    }
    let (_, rows) = parse_csv(&String::from_utf8_lossy(&out.stdout));
    assert_eq!(rows.len(), 1);
    assert!(rows[0][1].ends_with("good.txt"));
}

#[test]
fn windows_1252_is_decoded_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "cp1252.txt",
        b"We collect your caf\xe9 loyalty number \x96 and nothing else.",
    );
    let out = classify()
        .args(["predict", "-f", "csv"])
        .arg(&p)
        .output()
        .unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("warning")
            && stderr.contains("cp1252.txt")
            && stderr.contains("Windows-1252"),
        "{stderr}"
    );
    let (_, rows) = parse_csv(&String::from_utf8_lossy(&out.stdout));
    assert!(rows[0][3].contains("café loyalty number – and"));
}

#[test]
fn bad_training_csv_names_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let cases: Vec<(&str, &[u8], &str)> = vec![
        (
            "no_text.csv",
            b"sentence,labels\nhello,Other\n",
            ":1: no `text` column",
        ),
        (
            "no_labels.csv",
            b"text,label\nhello,Other\n",
            ":1: no `labels` column",
        ),
        (
            "ragged.csv",
            b"text,labels\na,Other\nb,Other,extra\n",
            ":3: row has 3 fields",
        ),
        (
            "typo.csv",
            b"text,labels\na,Other\nb,Data Retension\n",
            "did you mean \"Data Retention\"",
        ),
        ("empty.csv", b"", ":1: empty file"),
        (
            "header_only.csv",
            b"text,labels\n",
            "need at least 2 training rows",
        ),
        (
            "one_row.csv",
            b"text,labels\nWe keep data.,Data Retention\n",
            "need at least 2 training rows",
        ),
        (
            "all_positive.csv",
            b"text,labels\na b,Other\nb c,Other\n",
            "is on every row",
        ),
    ];
    for (name, bytes, want) in cases {
        let p = write(dir.path(), name, bytes);
        let (code, stderr) = failure(
            classify()
                .args(["train", "--model"])
                .arg(dir.path().join("m.model"))
                .arg("--data")
                .arg(&p),
        );
        assert_eq!(code, 2, "{name}: {stderr}");
        assert_eq!(
            stderr.trim().lines().count(),
            1,
            "{name}: one line: {stderr}"
        );
        assert!(
            stderr.contains(name) || !want.starts_with(':'),
            "{name}: {stderr}"
        );
        assert!(stderr.contains(want), "{name}: want {want:?} in {stderr}");
    }
    assert!(
        !dir.path().join("m.model").exists(),
        "no model written after failures"
    );
}

#[test]
fn evaluate_unknown_label_lists_known_ones() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "eval.csv",
        b"text,labels\nWe keep data.,Data Retention\nWe sell data.,Data Selling\n",
    );
    let (code, stderr) = failure(classify().args(["evaluate", "--data"]).arg(&p));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("eval.csv:3:") && stderr.contains("unknown label \"Data Selling\""),
        "{stderr}"
    );
    assert!(
        stderr.contains("known labels: First Party Collection/Use"),
        "{stderr}"
    );
}

#[test]
fn bad_model_files_are_rejected_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let good = std::fs::read(repo().join("models/default.model")).unwrap();
    let mut other_version = good.clone();
    other_version[8] = 99;
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty.model", vec![], "empty file"),
        (
            "text.model",
            b"hello world, not a model".to_vec(),
            "not a policy-classifier model",
        ),
        (
            "truncated.model",
            good[..good.len() / 2].to_vec(),
            "truncated or corrupt",
        ),
        ("old.model", other_version, "format version 99"),
    ];
    for (name, bytes, want) in cases {
        let p = write(dir.path(), name, &bytes);
        let (code, stderr) = failure(
            classify()
                .args(["predict", "--model"])
                .arg(&p)
                .arg("-")
                .write_stdin("We collect data."),
        );
        assert_eq!(code, 2, "{name}");
        assert!(
            stderr.contains(name) && stderr.contains(want),
            "{name}: {stderr}"
        );
    }
    let (code, stderr) = failure(
        classify()
            .args(["predict", "--model"])
            .arg(dir.path())
            .arg("-")
            .write_stdin("x"),
    );
    assert_eq!(code, 2);
    assert!(stderr.contains("is a directory"), "{stderr}");
}

#[test]
fn report_continues_past_bad_files_and_accounts_for_all() {
    let dir = tempfile::tempdir().unwrap();
    let inp = dir.path().join("in");
    std::fs::create_dir(&inp).unwrap();
    write(
        &inp,
        "a.txt",
        b"We collect names. We share them with partners.",
    );
    write(&inp, "b.md", b"# Privacy\n\nWe keep logs for 30 days.");
    write(&inp, "c.txt", b"");
    write(&inp, "notes.docx", b"PK\x03\x04");
    #[cfg(unix)]
    std::os::unix::fs::symlink(inp.join("gone.txt"), inp.join("broken.txt")).unwrap();
    let out_dir = dir.path().join("out");
    let out = classify()
        .args(["report", "--out"])
        .arg(&out_dir)
        .arg(&inp)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (_, files) = read_csv(&out_dir.join("files.csv"));
    let status = |name: &str| {
        files
            .iter()
            .find(|f| f[0].ends_with(name))
            .map(|f| f[2].clone())
            .unwrap_or_default()
    };
    assert_eq!(status("a.txt"), "tagged");
    assert_eq!(status("b.md"), "tagged");
    assert_eq!(status("c.txt"), "failed");
    assert_eq!(status("notes.docx"), "skipped");
    #[cfg(unix)]
    assert_eq!(status("broken.txt"), "failed");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("tagged") && stdout.contains("failed"),
        "{stdout}"
    );
}

#[test]
fn report_out_that_is_a_file_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "out", b"x");
    let p = write(dir.path(), "a.txt", b"We collect names.");
    let (code, stderr) = failure(classify().args(["report", "--out"]).arg(&f).arg(&p));
    assert_eq!(code, 2);
    assert!(stderr.contains("--out is a file"), "{stderr}");
}

#[test]
fn usage_errors_exit_2() {
    let (code, _) = failure(classify().args(["predict"]));
    assert_eq!(code, 2);
    let (code, _) = failure(classify().args(["frobnicate"]));
    assert_eq!(code, 2);
}
