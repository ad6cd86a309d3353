//! Fuzzes the labelled-CSV loader and, for small inputs that load, training on them: any
//! bytes must give rows or a line-numbered error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use policy_classifier::data::LabelledData;
use policy_classifier::labels::OPP115;
use policy_classifier::model::{Model, TrainParams};
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let mut d = LabelledData::default();
    if let Err(e) = d.read_csv_bytes(Path::new("fuzz.csv"), data) {
        let msg = e.to_string();
        assert!(
            msg.starts_with("fuzz.csv:"),
            "error does not name the file: {msg}"
        );
        assert!(!msg.contains('\n') || msg.lines().count() > 0);
        return;
    }
    let n = d.len();
    assert_eq!(d.sources.len(), 1);
    assert_eq!(d.sources[0].rows, n);
    for v in [
        d.labels.len(),
        d.company.len(),
        d.fold_group.len(),
        d.policy_id.len(),
        d.segment_id.len(),
    ] {
        assert_eq!(v, n);
    }
    let _ = d.label_names();
    let _ = d.has_policy_ids();
    let _ = d.check_typos();
    let known: Vec<String> = OPP115.iter().map(|s| s.to_string()).collect();
    let _ = d.check_labels(&known);
    // Train on small inputs (a few ms each) so odd data reaches the model code too.
    if n <= 12 && d.texts.iter().map(String::len).sum::<usize>() <= 2_000 {
        let mut p = TrainParams {
            threshold_folds: 2,
            max_iterations: 10,
            ..TrainParams::default()
        };
        p.vectoriser.min_df = 1;
        if let Ok(m) = Model::fit(&d, &p.check().expect("valid params"), &|_| {}) {
            let bytes = m.to_bytes().expect("serialise");
            let back = Model::from_bytes(&bytes, Path::new("m")).expect("round trip");
            let texts: Vec<&str> = d.texts.iter().map(String::as_str).collect();
            assert_eq!(m.probabilities(&texts), back.probabilities(&texts));
        }
    }
});
