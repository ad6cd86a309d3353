//! `classify train --self-train`: learning from unlabelled policies. The hermetic tests use
//! the team's corpus and team-written pages; one test uses the real seeds and OPP-115 from
//! `../shared`.

use crate::common::{classify, repo, shared, stdout_of};
use std::path::{Path, PathBuf};

/// The rows of the first `policies` policies of the team's corpus (fast to train on, with
/// enough policies for threshold folds).
fn corpus_subset(dir: &Path, policies: usize) -> PathBuf {
    let text = std::fs::read_to_string(repo().join("datasets/corpus.csv")).unwrap();
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let header = r.headers().unwrap().clone();
    let pid = header.iter().position(|h| h == "policy_id").unwrap();
    let out = dir.join("labelled.csv");
    let mut w = csv::Writer::from_path(&out).unwrap();
    w.write_record(&header).unwrap();
    let mut seen: Vec<String> = Vec::new();
    for rec in r.records() {
        let rec = rec.unwrap();
        if !seen.iter().any(|p| p == &rec[pid]) {
            if seen.len() == policies {
                break;
            }
            seen.push(rec[pid].to_string());
        }
        w.write_record(&rec).unwrap();
    }
    w.flush().unwrap();
    out
}

/// A folder of team-written policies: the example policy, the HTML fixtures, an English and
/// a German plain-text policy.
fn unlabelled(dir: &Path) -> PathBuf {
    let u = dir.join("unlabelled");
    std::fs::create_dir_all(&u).unwrap();
    let r = repo();
    let mut files = vec![
        r.join("datasets/examples/lanternfish-privacy.md"),
        r.join("tests/fixtures/inputs/tideway-plain.txt"),
        r.join("tests/fixtures/inputs/datenschutz-lindenhof.txt"),
    ];
    for e in std::fs::read_dir(r.join("tests/fixtures/html")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "html") {
            files.push(p);
        }
    }
    for f in files {
        std::fs::copy(&f, u.join(f.file_name().unwrap())).unwrap();
    }
    u
}

fn self_train(
    labelled: &Path,
    unlabelled: &Path,
    model: &Path,
    extra: &[&str],
) -> std::process::Output {
    classify()
        .args(["train", "--threshold-folds", "3", "--data"])
        .arg(labelled)
        .arg("--self-train")
        .arg(unlabelled)
        .arg("--model")
        .arg(model)
        .args(extra)
        .output()
        .unwrap()
}

/// `(rows, added per round)` from `train`'s output.
fn rows_and_added(stdout: &str) -> (usize, Vec<usize>) {
    let rows = stdout
        .lines()
        .find_map(|l| l.strip_prefix("trained on "))
        .and_then(|l| l.split_whitespace().next())
        .expect("trained on N rows")
        .parse()
        .unwrap();
    let added = stdout
        .lines()
        .find(|l| l.contains("added (of confident)"))
        .expect("the self-training table")
        .split('|')
        .skip(4)
        .filter_map(|c| c.split_whitespace().next())
        .map(|n| n.parse().unwrap())
        .collect();
    (rows, added)
}

#[test]
fn self_training_adds_confident_rows_deterministically_and_accounts_for_every_input() {
    let t = tempfile::tempdir().unwrap();
    let labelled = corpus_subset(t.path(), 24);
    let labelled_rows = csv::Reader::from_path(&labelled).unwrap().records().count();
    let u = unlabelled(t.path());
    let (a, b) = (t.path().join("a.model"), t.path().join("b.model"));
    let out = self_train(&labelled, &u, &a, &["--self-train-rounds", "2"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    // The German policy is not tagged for training, and says so.
    assert!(
        stderr.contains("datenschutz-lindenhof.txt") && stderr.contains("German"),
        "{stderr}"
    );
    assert!(
        stdout.contains("self-training over 7 documents") && stdout.contains("1 inputs not used"),
        "{stdout}"
    );
    let (rows, added) = rows_and_added(&stdout);
    assert_eq!(added.len(), 2, "{stdout}");
    assert!(added[1] > 0, "nothing was added: {stdout}");
    // The model holds the labelled rows and the last round's rows, no more.
    assert_eq!(rows, labelled_rows + added[1], "{stdout}");

    // The same documents in another folder, under other names: the same model, byte for byte.
    let v = t.path().join("elsewhere");
    std::fs::create_dir(&v).unwrap();
    for e in std::fs::read_dir(&u).unwrap() {
        let p = e.unwrap().path();
        let name = format!("copy-{}", p.file_name().unwrap().to_string_lossy());
        std::fs::copy(&p, v.join(name)).unwrap();
    }
    let out = self_train(&labelled, &v, &b, &["--self-train-rounds", "2"]);
    assert!(out.status.success());
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());

    // Self-training changes the model; without it, training is what it was.
    let plain = t.path().join("plain.model");
    stdout_of(
        classify()
            .args(["train", "--threshold-folds", "3", "--data"])
            .arg(&labelled)
            .arg("--model")
            .arg(&plain),
    );
    assert_ne!(std::fs::read(&a).unwrap(), std::fs::read(&plain).unwrap());
    let predicted = |m: &Path| {
        stdout_of(
            classify()
                .args(["predict", "--format", "csv", "--model"])
                .arg(m)
                .arg(u.join("tideway-plain.txt")),
        )
    };
    assert!(!predicted(&a).is_empty() && !predicted(&plain).is_empty());
}

#[test]
fn a_tighter_cap_adds_fewer_rows_and_excluded_companies_are_left_out() {
    let t = tempfile::tempdir().unwrap();
    let labelled = corpus_subset(t.path(), 24);
    let u = unlabelled(t.path());
    let exclude = t.path().join("test-set.csv");
    std::fs::write(
        &exclude,
        "text,labels,company\nHello.,Other,Tideway-Plain\n",
    )
    .unwrap();
    let m = t.path().join("m.model");
    let wide = self_train(&labelled, &u, &m, &["--self-train-cap", "2"]);
    let narrow = self_train(
        &labelled,
        &u,
        &m,
        &[
            "--self-train-cap",
            "0.01",
            "--self-train-exclude",
            exclude.to_str().unwrap(),
        ],
    );
    assert!(wide.status.success() && narrow.status.success());
    let (_, wide_added) = rows_and_added(&String::from_utf8_lossy(&wide.stdout));
    let narrow_out = String::from_utf8_lossy(&narrow.stdout);
    let (_, narrow_added) = rows_and_added(&narrow_out);
    assert!(
        narrow_added[0] < wide_added[0],
        "{narrow_added:?} vs {wide_added:?}"
    );
    let err = String::from_utf8_lossy(&narrow.stderr);
    assert!(
        err.contains("tideway-plain.txt: company tideway-plain is excluded"),
        "{err}"
    );
    assert!(
        narrow_out.contains("self-training over 6 documents"),
        "{narrow_out}"
    );
}

#[test]
fn bad_self_training_input_gets_one_line_errors() {
    let t = tempfile::tempdir().unwrap();
    let labelled = corpus_subset(t.path(), 24);
    let u = unlabelled(t.path());
    let m = t.path().join("m.model");
    let one_line = |out: std::process::Output| -> String {
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
        err
    };
    let e = one_line(self_train(
        &labelled,
        &u,
        &m,
        &["--self-train-confidence", "1.5"],
    ));
    assert!(e.contains("confidence"), "{e}");
    let e = one_line(self_train(&labelled, &u, &m, &["--self-train-rounds", "0"]));
    assert!(e.contains("rounds must be 1 to 10"), "{e}");
    let no_company = t.path().join("no-company.csv");
    std::fs::write(&no_company, "text,labels\nHello.,Other\n").unwrap();
    let e = one_line(self_train(
        &labelled,
        &u,
        &m,
        &["--self-train-exclude", no_company.to_str().unwrap()],
    ));
    assert!(
        e.contains("no-company.csv") && e.contains("no `company` column"),
        "{e}"
    );
    // A folder with no English policy in it: nothing to learn from.
    let empty = t.path().join("only-german");
    std::fs::create_dir(&empty).unwrap();
    std::fs::copy(u.join("datenschutz-lindenhof.txt"), empty.join("d.txt")).unwrap();
    let out = self_train(&labelled, &empty, &m, &[]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no unlabelled document"), "{err}");
    assert!(!m.exists(), "no model is written when self-training fails");
    // The flags mean nothing without --self-train.
    let out = classify()
        .args(["train", "--self-train-rounds", "2", "--model"])
        .arg(&m)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    // An unreadable file among the unlabelled ones: named, the others still used, exit 1.
    std::fs::write(u.join("broken.txt"), [0u8, 159, 146, 150, 0, 0, 1, 2]).unwrap();
    let out = self_train(&labelled, &u, &m, &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("broken.txt"), "{err}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("self-training over 7 documents"));
}

/// Real data: a model trained on 30 OPP-115 policies, self-trained on the five seeds, still
/// scores the other 45 policies about as well, and every seed is accounted for.
#[test]
fn self_training_on_the_seeds_keeps_opp115_accuracy() {
    let Some(sh) = shared() else { return };
    let t = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(sh.join("opp115/sentences.csv")).unwrap();
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let header = r.headers().unwrap().clone();
    let (train, test) = (t.path().join("train.csv"), t.path().join("test.csv"));
    let mut wt = csv::Writer::from_path(&train).unwrap();
    let mut we = csv::Writer::from_path(&test).unwrap();
    wt.write_record(&header).unwrap();
    we.write_record(&header).unwrap();
    let mut policies: Vec<String> = Vec::new();
    for rec in r.records() {
        let rec = rec.unwrap();
        if !policies.contains(&rec[0].to_string()) {
            policies.push(rec[0].to_string());
        }
        if policies.len() <= 30 {
            wt.write_record(&rec).unwrap();
        } else {
            we.write_record(&rec).unwrap();
        }
    }
    wt.flush().unwrap();
    we.flush().unwrap();
    let (plain, st) = (t.path().join("plain.model"), t.path().join("st.model"));
    stdout_of(
        classify()
            .args(["train", "--threshold-folds", "3", "--data"])
            .arg(&train)
            .arg("--model")
            .arg(&plain),
    );
    let out = self_train(
        &train,
        &sh.join("seeds"),
        &st,
        &["--self-train-exclude", test.to_str().unwrap()],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("self-training over 5 documents"),
        "{stdout}"
    );
    let (_, added) = rows_and_added(&stdout);
    assert!(added[0] > 0, "{stdout}");
    let micro = |m: &Path| -> f64 {
        let j = stdout_of(
            classify()
                .args(["evaluate", "-f", "json", "--data"])
                .arg(&test)
                .arg("--model")
                .arg(m),
        );
        let v: serde_json::Value = serde_json::from_str(&j).unwrap();
        v["sentence"]["micro_f1"].as_f64().unwrap()
    };
    let (a, b) = (micro(&plain), micro(&st));
    assert!(b > a - 0.02, "self-trained {b:.3} vs plain {a:.3}");
}
