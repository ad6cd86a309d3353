//! `classify diff OLD NEW`: practices added, removed and reworded between two versions of a
//! policy, with the sentences as evidence.

use crate::common::*;
use serde_json::Value;
use std::path::Path;

const OLD: &str = "Acme privacy policy\n\n\
We collect your name and e-mail address when you create an account.\n\n\
We share your postal address with our delivery partner so that your parcel arrives.\n\n\
Contact us with any questions.\n";

const NEW: &str = "Acme privacy policy\n\n\
We collect your name, e-mail address and phone number when you create an account.\n\n\
We keep your order history for seven years and then delete it.\n\n\
Contact us with any questions.\n";

fn diff_json(old: &Path, new: &Path) -> Value {
    let out = stdout_of(
        classify()
            .args(["diff", "--format", "json"])
            .arg(old)
            .arg(new),
    );
    serde_json::from_str(&out).expect("diff --format json prints JSON")
}

fn names(v: &Value) -> Vec<&str> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_str().expect("label name"))
        .collect()
}

fn practice<'a>(d: &'a Value, label: &str) -> &'a Value {
    d["practices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["label"] == label)
        .unwrap_or_else(|| panic!("{label} missing"))
}

fn texts(v: &Value) -> Vec<&str> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|e| e["text"].as_str().unwrap())
        .collect()
}

#[test]
fn small_pair_exact() {
    let dir = tempfile::tempdir().unwrap();
    let (old, new) = (
        dir.path().join("acme_2020-01-01.txt"),
        dir.path().join("acme_2022-05-01.txt"),
    );
    std::fs::write(&old, OLD).unwrap();
    std::fs::write(&new, NEW).unwrap();
    let d = diff_json(&old, &new);
    assert_eq!(d["old"]["company"], "acme");
    assert_eq!(d["old"]["date"], "2020-01-01");
    assert_eq!(d["new"]["date"], "2022-05-01");
    assert_eq!(d["old"]["sentences"], 4);
    assert_eq!(
        d["alignment"],
        serde_json::json!({"unchanged": 2, "reworded": 1, "removed": 1, "added": 1})
    );
    assert_eq!(names(&d["practices_added"]), ["Data Retention"]);
    assert_eq!(
        names(&d["practices_removed"]),
        ["Third Party Sharing/Collection"]
    );
    let ret = practice(&d, "Data Retention");
    assert_eq!(ret["status"], "added");
    assert_eq!(
        texts(&ret["added"]),
        ["We keep your order history for seven years and then delete it."]
    );
    assert_eq!(ret["added"][0]["sentence"], 2);
    let share = practice(&d, "Third Party Sharing/Collection");
    assert_eq!(share["status"], "removed");
    assert_eq!(
        texts(&share["removed"]),
        ["We share your postal address with our delivery partner so that your parcel arrives."]
    );
    let fp = practice(&d, "First Party Collection/Use");
    assert_eq!(fp["status"], "kept");
    let rew = &fp["reworded"][0];
    assert_eq!(
        rew["old"]["text"],
        "We collect your name and e-mail address when you create an account."
    );
    assert_eq!(
        rew["new"]["text"],
        "We collect your name, e-mail address and phone number when you create an account."
    );
    assert!(rew["similarity"].as_f64().unwrap() < 1.0);
    // Evidence spans point into the files.
    let span = &ret["added"][0]["span"];
    let (s, e) = (
        span[0].as_u64().unwrap() as usize,
        span[1].as_u64().unwrap() as usize,
    );
    assert_eq!(
        &NEW[s..e],
        "We keep your order history for seven years and then delete it."
    );

    // The table: plain when piped (no ANSI colour), with the evidence.
    let table = stdout_of(classify().arg("diff").arg(&old).arg(&new));
    assert!(!table.contains('\u{1b}'), "colour codes in piped output");
    assert!(table.contains("practices added: Data Retention"));
    assert!(table.contains("practices removed: Third Party Sharing/Collection"));
    assert!(table.contains("  + [2 p="));
    assert!(table.contains("We keep your order history for seven years"));
    assert!(table.contains("sentences: 2 unchanged, 1 reworded, 1 removed, 1 added"));
}

#[test]
fn identical_versions_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.txt"), dir.path().join("b.md"));
    std::fs::write(&a, OLD).unwrap();
    std::fs::write(&b, OLD.replace("\n\n", "\n\n\n")).unwrap();
    let d = diff_json(&a, &b);
    assert_eq!(d["alignment"]["unchanged"], 4);
    assert!(names(&d["practices_added"]).is_empty());
    assert!(names(&d["practices_removed"]).is_empty());
    for p in d["practices"].as_array().unwrap() {
        for k in ["added", "removed", "reworded"] {
            assert!(p[k].as_array().unwrap().is_empty(), "{} {k}", p["label"]);
        }
    }
}

#[test]
fn missing_file_is_one_line_error() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.txt");
    std::fs::write(&a, OLD).unwrap();
    let out = classify()
        .arg("diff")
        .arg(&a)
        .arg(dir.path().join("nope.txt"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("nope.txt"), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
}

/// The words of `evidence` appear, in order, in the file's text at its span.
fn assert_evidence_in(file: &str, e: &Value) {
    let s = e["span"][0].as_u64().unwrap() as usize;
    let t = e["span"][1].as_u64().unwrap() as usize;
    let src = file.get(s..t).expect("span inside the file");
    let words = |x: &str| -> Vec<String> {
        x.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(String::from)
            .collect()
    };
    let (ws, we) = (words(src), words(e["text"].as_str().unwrap()));
    assert!(!we.is_empty());
    let mut it = ws.iter();
    for w in &we {
        assert!(
            it.any(|x| x == w),
            "evidence word {w:?} not in the file at {s}..{t}"
        );
    }
}

#[test]
fn real_version_pair_from_the_longitudinal_corpus() {
    let Some(shared) = shared() else { return };
    let dir = shared.join("corpus/longitudinal/opentermsarchive");
    let (old, new) = (
        dir.join("gitlab_2020-12-08.txt"),
        dir.join("gitlab_2024-12-16.txt"),
    );
    let (old_text, new_text) = (
        std::fs::read_to_string(&old).unwrap(),
        std::fs::read_to_string(&new).unwrap(),
    );
    let d = diff_json(&old, &new);
    assert_eq!(d["old"]["company"], "gitlab");
    assert_eq!(d["new"]["company"], "gitlab");
    assert_eq!(d["old"]["date"], "2020-12-08");
    assert_eq!(d["new"]["date"], "2024-12-16");
    // Every sentence of each version is accounted for by the alignment.
    let a = &d["alignment"];
    let n = |k: &str| a[k].as_u64().unwrap();
    assert_eq!(
        n("unchanged") + n("reworded") + n("removed"),
        d["old"]["sentences"].as_u64().unwrap()
    );
    assert_eq!(
        n("unchanged") + n("reworded") + n("added"),
        d["new"]["sentences"].as_u64().unwrap()
    );
    assert!(
        n("unchanged") + n("reworded") > 0,
        "versions of one policy share sentences"
    );
    let practices = d["practices"].as_array().unwrap();
    assert_eq!(practices.len(), 10);
    let added = names(&d["practices_added"]);
    let removed = names(&d["practices_removed"]);
    let mut evidence = 0;
    for p in practices {
        let label = p["label"].as_str().unwrap();
        let (o, w) = (
            p["old_sentences"].as_u64().unwrap(),
            p["new_sentences"].as_u64().unwrap(),
        );
        let status = p["status"].as_str().unwrap();
        assert_eq!(status == "added", o == 0 && w > 0, "{label}");
        assert_eq!(status == "removed", o > 0 && w == 0, "{label}");
        assert_eq!(added.contains(&label), status == "added");
        assert_eq!(removed.contains(&label), status == "removed");
        // A removed practice is evidenced by old sentences, an added one by new sentences.
        if status == "removed" {
            assert_eq!(p["removed"].as_array().unwrap().len() as u64, o);
        }
        if status == "added" {
            assert_eq!(p["added"].as_array().unwrap().len() as u64, w);
        }
        for e in p["added"].as_array().unwrap() {
            assert_evidence_in(&new_text, e);
            evidence += 1;
        }
        for e in p["removed"].as_array().unwrap() {
            assert_evidence_in(&old_text, e);
            evidence += 1;
        }
        for r in p["reworded"].as_array().unwrap() {
            assert_evidence_in(&old_text, &r["old"]);
            assert_evidence_in(&new_text, &r["new"]);
            assert!(r["similarity"].as_f64().unwrap() >= 0.5);
        }
    }
    assert!(
        evidence > 20,
        "a four-year gap changes many sentences ({evidence})"
    );
    let table = stdout_of(classify().arg("diff").arg(&old).arg(&new));
    assert!(table.contains("practices added:") && table.contains("practices removed:"));
}

/// The statements (category, value, stance) the predictions of one version make.
fn statements(file: &Path) -> std::collections::BTreeSet<(String, String, String)> {
    let out = stdout_of(classify().args(["predict", "-f", "jsonl"]).arg(file));
    let mut set = std::collections::BTreeSet::new();
    for line in out.lines() {
        let v: Value = serde_json::from_str(line).unwrap();
        let attrs: Vec<&str> = v["attributes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        let stance = if attrs.contains(&"Does/Does Not: Does Not") {
            "does not"
        } else {
            "does"
        };
        for a in attrs.iter().filter(|a| !a.starts_with("Does/Does Not:")) {
            for l in v["labels"].as_array().unwrap() {
                set.insert((
                    l.as_str().unwrap().to_string(),
                    a.to_string(),
                    stance.to_string(),
                ));
            }
        }
    }
    set
}

#[test]
fn attribute_changes_between_two_versions_of_the_example_policy() {
    let dir = tempfile::tempdir().unwrap();
    let text =
        std::fs::read_to_string(repo().join("datasets/examples/lanternfish-privacy.md")).unwrap();
    let children = "Lanternfish is not meant for children under 13, and we do not knowingly collect their information.";
    assert!(text.contains(children));
    let newer = text
        .replace(
            "We do not sell your personal information. ",
            "We do not sell your personal information. We now share anonymised trail statistics with park authorities to plan maintenance. ",
        )
        .replace(children, "");
    let (old, new) = (
        dir.path().join("lf_2025-03-02.md"),
        dir.path().join("lf_2026-01-10.md"),
    );
    std::fs::write(&old, &text).unwrap();
    std::fs::write(&new, &newer).unwrap();
    let d = diff_json(&old, &new);
    let changes = d["attributes"].as_array().expect("attribute changes");
    // The children's statement went away with its sentence: removed, with that sentence.
    let gone = changes
        .iter()
        .find(|c| c["value"] == "Audience Type: Children")
        .expect("Audience Type: Children removed");
    assert_eq!(gone["status"], "removed");
    assert_eq!(gone["stance"], "does");
    assert_eq!(gone["evidence"]["text"], children);
    // The changes are exactly the statements one version's predictions make and the other's
    // do not, each evidenced by a sentence of the version that makes it.
    let (before, after) = (statements(&old), statements(&new));
    let key = |c: &Value| {
        (
            c["category"].as_str().unwrap().to_string(),
            c["value"].as_str().unwrap().to_string(),
            c["stance"].as_str().unwrap().to_string(),
        )
    };
    let removed: std::collections::BTreeSet<_> = changes
        .iter()
        .filter(|c| c["status"] == "removed")
        .map(key)
        .collect();
    let added: std::collections::BTreeSet<_> = changes
        .iter()
        .filter(|c| c["status"] == "added")
        .map(key)
        .collect();
    assert_eq!(removed, before.difference(&after).cloned().collect());
    assert_eq!(added, after.difference(&before).cloned().collect());
    for c in changes {
        let version = if c["status"] == "added" {
            &newer
        } else {
            &text
        };
        assert!(
            version.contains(c["evidence"]["text"].as_str().unwrap()),
            "{c}"
        );
    }
    // The table says it in words.
    let table = stdout_of(classify().arg("diff").arg(&old).arg(&new));
    assert!(
        table.contains(
            "- no longer states Audience Type: Children under International and Specific Audiences"
        ),
        "{table}"
    );
}
