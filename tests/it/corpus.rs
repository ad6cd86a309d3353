//! Checks on the team's own labelled corpus (`datasets/corpus.csv`): it must keep every
//! category, every organisation, and gain no unknown label or duplicate sentence.

use crate::common::*;
use policy_classifier::data::LabelledData;
use policy_classifier::labels::OPP115;
use std::collections::{BTreeMap, BTreeSet};

fn corpus() -> (LabelledData, Vec<Vec<String>>) {
    let path = repo().join("datasets/corpus.csv");
    let data = LabelledData::read_all(std::slice::from_ref(&path)).expect("corpus loads");
    let (header, rows) = read_csv(&path);
    assert_eq!(
        header,
        [
            "text",
            "labels",
            "attributes",
            "company",
            "policy_id",
            "segment_id"
        ]
    );
    (data, rows)
}

#[test]
fn every_label_is_a_known_category() {
    let (data, _) = corpus();
    let known: Vec<String> = OPP115.iter().map(|s| s.to_string()).collect();
    data.check_labels(&known).expect("only OPP-115 categories");
}

#[test]
fn size_and_coverage_of_categories_and_organisations() {
    let (data, _) = corpus();
    assert!(data.len() >= 4000, "{} sentences", data.len());
    let mut per_label: BTreeMap<&str, usize> = BTreeMap::new();
    for l in data.labels.iter().flatten() {
        *per_label.entry(l.as_str()).or_default() += 1;
    }
    for c in OPP115 {
        let n = per_label.get(c).copied().unwrap_or(0);
        assert!(n >= 150, "{c}: only {n} sentences");
    }
    let orgs: BTreeSet<&str> = data.company.iter().map(String::as_str).collect();
    assert!(orgs.len() >= 60, "{} organisations", orgs.len());
    let unlabelled = data.labels.iter().filter(|l| l.is_empty()).count() as f64 / data.len() as f64;
    assert!(
        (0.15..0.40).contains(&unlabelled),
        "share without label {unlabelled:.2}"
    );
    let multi = data.labels.iter().filter(|l| l.len() > 1).count();
    assert!(multi >= 200, "{multi} multi-label sentences");
}

#[test]
fn no_duplicates_and_every_organisation_has_one_policy_id() {
    let (data, rows) = corpus();
    let mut seen = BTreeSet::new();
    for t in &data.texts {
        assert!(seen.insert(t.as_str()), "duplicate sentence: {t}");
    }
    let mut org_policy: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for r in &rows {
        assert!(!r[3].is_empty(), "row without company: {}", r[0]);
        assert!(!r[4].is_empty(), "row without policy_id: {}", r[0]);
        r[5].parse::<u32>()
            .unwrap_or_else(|_| panic!("segment_id not a number: {:?}", r[5]));
        org_policy
            .entry(r[3].as_str())
            .or_default()
            .insert(r[4].as_str());
    }
    for (org, ids) in &org_policy {
        assert_eq!(ids.len(), 1, "{org} has policy ids {ids:?}");
    }
}

#[test]
fn shipped_model_was_trained_on_this_corpus() {
    let model = policy_classifier::Model::load(&repo().join("models/default.model")).unwrap();
    assert_eq!(model.labels(), OPP115);
    let src = &model.training().sources;
    assert_eq!(src.len(), 1);
    // Recorded by content (size, rows, SHA-256), not by path.
    assert_eq!(src[0].path, "");
    let bytes = std::fs::read(repo().join("datasets/corpus.csv")).unwrap();
    use sha2::Digest;
    let sha: String = sha2::Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(
        src[0].sha256, sha,
        "models/default.model is stale: retrain with the command in models/README.md"
    );
}

#[test]
fn every_attribute_is_a_core_value_of_a_category_it_comes_with() {
    let (data, _) = corpus();
    assert!(data.has_attributes());
    let counts = data.attribute_counts();
    // The nine core families only (docs/labelling.md), `Does/Does Not` as `Does Not` only.
    for (name, n) in &counts {
        assert!(
            policy_classifier::eval::attributes::is_core(name),
            "{name}: not a core value"
        );
        assert!(
            *n >= 40,
            "{name}: only {n} sentences (the guide asks for 40)"
        );
    }
    assert_eq!(counts.len(), 56, "every core value is used");
    // A sentence labelled only Other, Policy Change or Do Not Track states no attribute.
    for (labs, attrs) in data.labels.iter().zip(&data.attributes) {
        if !attrs.is_empty() {
            assert!(
                labs.iter()
                    .any(|l| !["Other", "Policy Change", "Do Not Track"].contains(&l.as_str())),
                "attributes {attrs:?} on a sentence labelled {labs:?}"
            );
        }
    }
}
