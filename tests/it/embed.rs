//! Word representations (`classify embed`, `train --representations`): deterministic bytes
//! on a small team-written corpus of fictional policies, a model with cluster features reads
//! back to the same bytes and the same predictions, a model trained without them is
//! unchanged, an unseen word lights its cluster's feature, and bad files give a clear error.

use crate::common::{classify, shared, stdout_of, tiny_training_csv};
use policy_classifier::data::LabelledData;
use policy_classifier::embed::{learn, EmbedParams, Representations};
use policy_classifier::features::is_cluster_term;
use policy_classifier::model::{Model, TrainParams, Units};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Six fictional policies (team-written: organisations and sentences invented here) in which
/// "logs", "records", "journals" and "clickstream" stand in the same places, and so do
/// "partners", "affiliates" and "vendors".
fn write_corpus(dir: &Path) -> PathBuf {
    let root = dir.join("unlabelled");
    std::fs::create_dir_all(&root).unwrap();
    let things = ["logs", "records", "journals", "clickstream"];
    let others = ["partners", "affiliates", "vendors"];
    for (i, org) in [
        "Quillfeather Tea",
        "Brambleway Bikes",
        "Orchid Lane Clinic",
        "Puddlejump Games",
        "Saltmarsh Radio",
        "Tinderbox Stoves",
    ]
    .iter()
    .enumerate()
    {
        let mut text = format!("# Privacy at {org}\n\n");
        for (j, t) in things.iter().enumerate() {
            let o = others[(i + j) % others.len()];
            text.push_str(&format!(
                "We keep {t} of your visits for ninety days. Our {o} may receive {t} about orders. \
                 You can ask us to delete your {t} at any time. We share {t} with {o} only when you agree.\n\n"
            ));
        }
        text.push_str(&format!(
            "Write to {org} if you have questions. We update this notice every year.\n"
        ));
        std::fs::write(root.join(format!("org{i}.txt")), text).unwrap();
    }
    root
}

fn small_params() -> EmbedParams {
    EmbedParams {
        max_words: 60,
        min_count: 1,
        window: 3,
        dim: 6,
        clusters: vec![4, 8],
        ..EmbedParams::default()
    }
}

#[test]
fn representations_are_deterministic_and_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = write_corpus(dir.path());
    let (a, failed) = learn(
        std::slice::from_ref(&corpus),
        &small_params(),
        true,
        &|_| {},
    )
    .unwrap();
    assert!(failed.is_empty());
    let (b, _) = learn(
        std::slice::from_ref(&corpus),
        &small_params(),
        true,
        &|_| {},
    )
    .unwrap();
    assert_eq!(
        a.to_bytes().unwrap(),
        b.to_bytes().unwrap(),
        "same seed, same bytes"
    );
    assert_eq!(a.stats.files, 6);
    // Every policy repeats its closing lines once per file: repeated sentences count once.
    assert!(a.stats.distinct_sentences < a.stats.sentences);
    assert_eq!(a.clusterings.len(), 2);
    assert!(a.clusterings.iter().all(|c| c.ids.len() == a.words.len()));
    assert_eq!(a.vectors.len(), a.words.len() * a.params.dim);
    let path = dir.path().join("r.bin");
    a.save(&path).unwrap();
    assert_eq!(Representations::load(&path).unwrap(), a);

    // The binary writes the same bytes as the library, run after run.
    let out = |name: &str| {
        let p = dir.path().join(name);
        stdout_of(
            classify()
                .args([
                    "embed",
                    "--words",
                    "60",
                    "--min-count",
                    "1",
                    "--window",
                    "3",
                ])
                .args(["--dim", "6", "--clusters", "4,8", "--keep-vectors", "--out"])
                .arg(&p)
                .arg(&corpus),
        );
        std::fs::read(p).unwrap()
    };
    let first = out("cli1.bin");
    assert_eq!(first, out("cli2.bin"));
    assert_eq!(first, a.to_bytes().unwrap());
    // A different seed moves the random draws.
    let (c, _) = learn(
        &[corpus],
        &EmbedParams {
            seed: 7,
            ..small_params()
        },
        true,
        &|_| {},
    )
    .unwrap();
    assert_ne!(c.vectors, a.vectors);
}

/// A model trained with cluster features: the same bytes after a save and load, the same
/// probabilities, and cluster terms among its features.
#[test]
fn a_model_with_representations_predicts_identically_after_save_and_load() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = write_corpus(dir.path());
    let (reps, _) = learn(&[corpus], &small_params(), false, &|_| {}).unwrap();
    let mut data = LabelledData::default();
    data.read_csv(&tiny_training_csv(dir.path())).unwrap();
    let mut p = TrainParams::default();
    p.vectoriser.min_df = 1;
    let plain = Model::fit(&data, &p.check().unwrap(), &|_| {}).unwrap();
    let params = p
        .check()
        .unwrap()
        .with_clusters(Arc::new(reps.word_clusters()));
    let m = Model::fit(&data, &params, &|_| {}).unwrap();
    let v = m.vectoriser();
    assert!(v.cluster_words() > 0, "some words light cluster terms");
    assert!((0..v.len()).any(|f| is_cluster_term(v.term(f))));
    assert_eq!(plain.vectoriser().cluster_words(), 0);
    assert!((0..plain.vectoriser().len()).all(|f| !is_cluster_term(plain.vectoriser().term(f))));

    let bytes = m.to_bytes().unwrap();
    let back = Model::from_bytes(&bytes, Path::new("m")).unwrap();
    assert_eq!(back.to_bytes().unwrap(), bytes);
    let texts = [
        "We keep clickstream for ninety days.",
        "Our vendors may receive journals about orders.",
        "Welcome to our site.",
    ];
    assert_eq!(
        back.predict(Units::Alone(&texts)),
        m.predict(Units::Alone(&texts))
    );
    // Retraining with the same representations gives the same bytes.
    assert_eq!(
        Model::fit(&data, &params, &|_| {})
            .unwrap()
            .to_bytes()
            .unwrap(),
        bytes
    );
}

/// `train` without `--representations` writes the model it wrote before the flag existed
/// (the same bytes run after run, no cluster terms); with it, the model differs.
#[test]
fn training_without_representations_is_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = write_corpus(dir.path());
    let data = tiny_training_csv(dir.path());
    let reps = dir.path().join("r.bin");
    stdout_of(
        classify()
            .args(["embed", "--words", "60", "--min-count", "1", "--dim", "6"])
            .args(["--clusters", "4", "--out"])
            .arg(&reps)
            .arg(&corpus),
    );
    let train = |name: &str, extra: &[&std::ffi::OsStr]| {
        let m = dir.path().join(name);
        stdout_of(
            classify()
                .args(["train", "--min-df", "1", "--data"])
                .arg(&data)
                .arg("--model")
                .arg(&m)
                .args(extra),
        );
        std::fs::read(m).unwrap()
    };
    let a = train("a.model", &[]);
    let b = train("b.model", &[]);
    assert_eq!(a, b);
    let with = train("c.model", &["--representations".as_ref(), reps.as_os_str()]);
    assert_ne!(with, a);
    let plain = Model::from_bytes(&a, Path::new("a")).unwrap();
    // The in-process fit without clusters gives the CLI's bytes (same data, same defaults).
    let mut d = LabelledData::default();
    d.read_csv(&data).unwrap();
    let mut p = TrainParams::default();
    p.vectoriser.min_df = 1;
    let fitted = Model::fit(&d, &p.check().unwrap(), &|_| {}).unwrap();
    assert_eq!(
        fitted.vectoriser().len(),
        plain.vectoriser().len(),
        "same vocabulary"
    );
    assert_eq!(plain.vectoriser().cluster_words(), 0);
}

#[test]
fn a_file_that_is_no_representations_file_is_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let data = tiny_training_csv(dir.path());
    let bogus = dir.path().join("bogus.bin");
    std::fs::write(
        &bogus,
        b"not representations at all, just some bytes of text here",
    )
    .unwrap();
    let model = dir.path().join("m.model");
    let train = ["train".as_ref(), "--model".as_ref(), model.as_os_str()];
    let cv = ["evaluate".as_ref(), "--cv".as_ref(), "2".as_ref()];
    for sub in [&train[..], &cv[..]] {
        let out = classify()
            .args(sub)
            .arg("--data")
            .arg(&data)
            .arg("--representations")
            .arg(&bogus)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{sub:?}: {err}");
        assert!(
            err.contains("bogus.bin") && err.contains("classify embed"),
            "{err}"
        );
        assert_eq!(err.trim().lines().count(), 1, "{err}");
    }
    let out = classify()
        .args(["embed", "--out"])
        .arg(dir.path().join("r.bin"))
        .arg(dir.path().join("missing-dir"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("missing-dir") && !err.contains("panicked"),
        "{err}"
    );
}

/// Over the real corpus (at test time, nothing copied): the words the issue names land in the
/// same cluster as a word of the team's own vocabulary they mean.
#[test]
fn real_corpus_puts_web_beacons_with_cookies() {
    if shared().is_none() {
        return;
    }
    let reps = crate::common::repo().join("models/representations.bin");
    if !reps.is_file() {
        eprintln!("SKIPPED: models/representations.bin is not built");
        return;
    }
    let r = Representations::load(&reps).unwrap();
    assert!(r.stats.files > 1000, "built from ../shared/corpus");
    let mates = r.cluster_mates("beacons").expect("beacons is a kept word");
    assert!(
        mates.contains(&"pixel") || mates.contains(&"cookies"),
        "{mates:?}"
    );
}

/// The committed representations are what `classify embed` builds from `../shared/corpus` with
/// this code, byte for byte (the rebuild command of `models/README.md`): a change to reading or
/// splitting that moves them shows here, not in a later session that cannot rebuild them.
#[test]
fn shipped_representations_rebuild_byte_for_byte() {
    let Some(sh) = shared() else { return };
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("reps.bin");
    stdout_of(
        classify()
            .args(["embed", "--out"])
            .arg(&out)
            .arg(sh.join("corpus/unlabelled"))
            .arg(sh.join("corpus/longitudinal")),
    );
    let shipped = std::fs::read(crate::common::repo().join("models/representations.bin")).unwrap();
    assert!(
        std::fs::read(&out).unwrap() == shipped,
        "models/representations.bin is stale: rebuild it and retrain the model with the commands in models/README.md"
    );
}
