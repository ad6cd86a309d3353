//! Shared helpers for the integration tests: one way to run the binary, one way to find
//! `../shared`.
#![allow(dead_code)]

use assert_cmd::Command;
use std::path::{Path, PathBuf};

/// The `classify` binary with a clean environment (no model override, no colours).
pub fn classify() -> Command {
    let mut c = Command::cargo_bin("classify").expect("binary built");
    c.env_remove("POLICY_CLASSIFIER_MODEL").env("NO_COLOR", "1");
    c
}

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `../shared` beside the checkout. Outside CI a missing folder skips the test with a message;
/// in CI (`CI` set) it is always present, so its absence fails the test.
pub fn shared() -> Option<PathBuf> {
    let p = repo().join("../shared");
    if p.join("opp115/sentences.csv").is_file() {
        return Some(p.canonicalize().expect("shared path"));
    }
    if std::env::var_os("CI").is_some() {
        panic!("../shared is missing but CI is set: CI must provide ../shared beside the checkout");
    }
    eprintln!("SKIPPED: ../shared (OPP-115, seeds, corpus) is not beside the checkout; this test needs it");
    None
}

/// Runs a command, asserting success, and returns stdout.
pub fn stdout_of(cmd: &mut Command) -> String {
    let out = cmd.output().expect("run classify");
    assert!(
        out.status.success(),
        "classify failed ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 stdout")
}

/// Parses CSV text into (header, rows).
pub fn parse_csv(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let header = r
        .headers()
        .expect("header")
        .iter()
        .map(String::from)
        .collect();
    let rows = r
        .records()
        .map(|x| x.expect("record").iter().map(String::from).collect())
        .collect();
    (header, rows)
}

/// Reads a CSV file.
pub fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    parse_csv(&std::fs::read_to_string(path).expect("read csv"))
}

/// A small labelled training set written by the tests (fictional sentences).
pub fn tiny_training_csv(dir: &Path) -> PathBuf {
    let p = dir.join("tiny.csv");
    let mut s = String::from("text,labels,policy_id\n");
    let rows = [
        (
            "We collect your name and e-mail address when you sign up.",
            "First Party Collection/Use",
        ),
        (
            "We use your address to deliver orders.",
            "First Party Collection/Use",
        ),
        (
            "We record the pages you visit to improve the site.",
            "First Party Collection/Use",
        ),
        (
            "We share your address with the courier.",
            "Third Party Sharing/Collection",
        ),
        (
            "Advertising partners may collect data about your visits.",
            "Third Party Sharing/Collection",
        ),
        (
            "We may disclose data when a court order requires it.",
            "Third Party Sharing/Collection",
        ),
        ("We keep invoices for seven years.", "Data Retention"),
        ("Logs are deleted after ninety days.", "Data Retention"),
        (
            "We keep your data while your account is open.",
            "Data Retention",
        ),
        ("Contact us with questions.", ""),
        ("Welcome to our site.", ""),
        ("Read this notice carefully.", ""),
    ];
    for (i, (t, l)) in rows.iter().enumerate() {
        s.push_str(&format!("\"{t}\",{l},p{}\n", i % 4));
    }
    std::fs::write(&p, s).expect("write tiny csv");
    p
}

/// The five seed companies.
pub const SEED_COMPANIES: [&str; 5] = [
    "asterisk.org",
    "ekomi.com",
    "wowza.com",
    "wso2.com",
    "zabbix.com",
];
