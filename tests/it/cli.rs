//! End-to-end tests of the CLI contract through the `classify` binary.

use crate::common::*;
use policy_classifier::features::{is_cluster_term, CLUSTER_MARK};
use policy_classifier::labels::OPP115;
use policy_classifier::model::CLUSTER_PREFIX;
use std::path::Path;

fn example() -> std::path::PathBuf {
    repo().join("datasets/examples/lanternfish-privacy.md")
}

#[test]
fn help_is_golden() {
    for (args, file) in [
        (vec!["--help"], "help.txt"),
        (vec!["train", "--help"], "train-help.txt"),
        (vec!["predict", "--help"], "predict-help.txt"),
        (vec!["evaluate", "--help"], "evaluate-help.txt"),
        (vec!["report", "--help"], "report-help.txt"),
    ] {
        let out = stdout_of(classify().args(&args).env("COLUMNS", "100"));
        let golden = repo().join("tests/golden").join(file);
        if std::env::var_os("UPDATE_GOLDEN").is_some() {
            std::fs::write(&golden, &out).unwrap();
        }
        let want = std::fs::read_to_string(&golden)
            .expect("golden file (run with UPDATE_GOLDEN=1 to create)");
        assert_eq!(
            out,
            want,
            "`classify {}` changed; rerun with UPDATE_GOLDEN=1 if intended",
            args.join(" ")
        );
    }
}

#[test]
fn tables_are_coloured_only_when_asked_or_on_a_terminal() {
    let esc = "\x1b[";
    // Piped (and NO_COLOR set by the helper): plain.
    let plain = stdout_of(classify().arg("predict").arg(example()));
    assert!(!plain.contains(esc), "colour codes in piped output");
    let never = stdout_of(
        classify()
            .args(["--color", "never", "predict"])
            .arg(example()),
    );
    assert_eq!(never, plain);
    // --color always: each labelled row in its practice's colour (the HTML palette, as
    // 24-bit colour), unlabelled sentences dimmed; the words themselves are unchanged.
    let always = stdout_of(
        classify()
            .args(["--color", "always", "predict"])
            .arg(example()),
    );
    assert!(always.contains("\x1b[38;2;"), "no label colour in {always}");
    let stripped = regex_lite_strip(&always);
    for line in plain.lines().filter(|l| l.contains("Do Not Track")) {
        let words: Vec<&str> = line.split(['|', ' ']).filter(|w| !w.is_empty()).collect();
        assert!(words.iter().all(|w| stripped.contains(w)), "{line}");
    }
    // report: covered cells green, silent practices red.
    let dir = tempfile::tempdir().unwrap();
    let short = dir.path().join("short.txt");
    std::fs::write(
        &short,
        "We collect your e-mail address when you subscribe.\n",
    )
    .unwrap();
    let out = stdout_of(
        classify()
            .args(["--color", "always", "report", "--out"])
            .arg(dir.path().join("out"))
            .arg(example())
            .arg(&short),
    );
    assert!(
        out.contains("\x1b[38;5;10m") || out.contains("\x1b[32m"),
        "{out}"
    );
    assert!(out.contains('—') && (out.contains("\x1b[38;5;9m") || out.contains("\x1b[31m")));
}

/// Removes ANSI SGR sequences.
fn regex_lite_strip(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        if c == '\x1b' && it.peek() == Some(&'[') {
            for d in it.by_ref() {
                if d == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn predict_with_shipped_model_works_without_model_flag() {
    let out = stdout_of(
        classify()
            .args(["predict", "--format", "csv"])
            .arg(example()),
    );
    let (header, rows) = parse_csv(&out);
    let mut want = vec![
        "company",
        "file",
        "sentence",
        "text",
        "labels",
        "attributes",
    ];
    want.extend(OPP115);
    assert_eq!(header, want);
    assert!(rows.len() >= 30, "{} sentences", rows.len());
    assert!(rows.iter().all(|r| r[0] == "lanternfish-privacy"));
    let find = |needle: &str| {
        rows.iter()
            .find(|r| r[3].contains(needle))
            .unwrap_or_else(|| panic!("no sentence with {needle}"))
    };
    assert!(find("Do Not Track signals")[4].contains("Do Not Track"));
    assert!(find("deleted after 90 days")[4].contains("Data Retention"));
    assert!(find("encrypted with TLS")[4].contains("Data Security"));
    assert!(find("children under 13")[4].contains("International and Specific Audiences"));
    // What the sentences say: attribute values after the categories.
    assert!(find("operating system version")[5]
        .contains("Personal Information Type: Computer information"));
    assert!(find("children under 13")[5].contains("Audience Type: Children"));
    assert!(find("deleted after 90 days")[5].contains("Retention Period: Stated Period"));
    for r in &rows {
        for a in r[5].split(';').filter(|a| !a.is_empty()) {
            assert!(a.contains(": "), "not Family: Value: {a}");
        }
    }
    // The splitter kept "e.g." and "4.2.1" inside their sentence.
    assert!(find("e.g. the operating system")[3].ends_with("app build 4.2.1."));
    for r in &rows {
        for p in &r[6..] {
            let p: f64 = p.parse().unwrap();
            assert!((0.0..=1.0).contains(&p));
        }
    }
}

#[test]
fn predict_jsonl_json_and_table_agree() {
    let jsonl = stdout_of(classify().args(["predict", "-f", "jsonl"]).arg(example()));
    let json = stdout_of(classify().args(["predict", "-f", "json"]).arg(example()));
    let lines: Vec<serde_json::Value> = jsonl
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let arr: Vec<serde_json::Value> = serde_json::from_str(&json).unwrap();
    assert_eq!(lines, arr);
    for (i, v) in lines.iter().enumerate() {
        for key in [
            "company",
            "file",
            "sentence",
            "text",
            "labels",
            "probabilities",
        ] {
            assert!(v.get(key).is_some(), "missing {key}");
        }
        assert_eq!(v["sentence"], i);
        assert_eq!(v["probabilities"].as_object().unwrap().len(), 10);
        // Every predicted attribute value has a probability that passed its threshold.
        let probs = v["attribute_probabilities"].as_object().unwrap();
        assert!(probs.len() >= 40, "{} attribute values", probs.len());
        for a in v["attributes"].as_array().unwrap() {
            assert!(probs[a.as_str().unwrap()].as_f64().unwrap() > 0.0);
        }
    }
    assert!(lines
        .iter()
        .any(|v| !v["attributes"].as_array().unwrap().is_empty()));
    let table = stdout_of(classify().args(["predict"]).arg(example()));
    assert!(table.contains("Do Not Track ("));
    assert!(table.contains("· Personal Information Type: Location ("));
}

#[test]
fn predict_reads_stdin_and_company_flag() {
    let out = stdout_of(
        classify()
            .args(["predict", "-f", "csv", "--company", "Acme", "-"])
            .write_stdin("We never sell your data. We keep logs for 30 days."),
    );
    let (_, rows) = parse_csv(&out);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0][0], "Acme");
    assert_eq!(rows[0][1], "-");
}

#[test]
fn predict_explain_lists_contributing_terms() {
    let out = stdout_of(
        classify()
            .args(["predict", "-f", "jsonl", "--explain", "-"])
            .write_stdin("Our website does not respond to Do Not Track signals."),
    );
    let v: serde_json::Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    let terms = v["explanations"]["Do Not Track"]
        .as_array()
        .expect("explanation for the predicted label");
    assert!(!terms.is_empty() && terms.len() <= 5);
    let c: Vec<f64> = terms
        .iter()
        .map(|t| t["contribution"].as_f64().unwrap())
        .collect();
    assert!(
        c.iter().all(|&x| x > 0.0) && c.windows(2).all(|w| w[0] >= w[1]),
        "{c:?}"
    );
    let words: Vec<&str> = terms.iter().map(|t| t["term"].as_str().unwrap()).collect();
    // Every term is one of the sentence's n-grams, or a word cluster of the shipped model's
    // representations, named by its words (`≈signals/signal/…`), never by its id (`¤K.C`).
    assert!(
        words.iter().all(
            |w| w.starts_with(CLUSTER_PREFIX) && !is_cluster_term(w) && w.len() > 3
                || "our website does not respond to do not track signals"
                    .contains(w.trim_end_matches(" (paragraph)"))
        ),
        "{words:?}"
    );
    assert!(words.iter().all(|w| !w.contains(CLUSTER_MARK)), "{words:?}");
}

#[test]
fn html_input_drops_scripts_and_splits_blocks() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("shop.html");
    std::fs::write(
        &p,
        "<html><head><script>var x='We sell data.';</script></head><body><nav>Home</nav><h2>Privacy</h2>\
         <p>We collect your e-mail address.</p><ul><li>We keep it for two years.</li></ul></body></html>",
    )
    .unwrap();
    let out = stdout_of(classify().args(["predict", "-f", "csv"]).arg(&p));
    let (_, rows) = parse_csv(&out);
    let texts: Vec<&str> = rows.iter().map(|r| r[3].as_str()).collect();
    assert_eq!(
        texts,
        [
            "Privacy",
            "We collect your e-mail address.",
            "We keep it for two years."
        ]
    );
}

#[test]
fn train_is_deterministic_and_model_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let data = tiny_training_csv(dir.path());
    let (a, b) = (dir.path().join("a.model"), dir.path().join("b.model"));
    for m in [&a, &b] {
        stdout_of(
            classify()
                .args(["train", "--min-df", "1", "--data"])
                .arg(&data)
                .arg("--model")
                .arg(m),
        );
    }
    let (ba, bb) = (std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    assert_eq!(
        ba, bb,
        "same data and seed must give a byte-identical model"
    );
    let model = policy_classifier::Model::load(&a).unwrap();
    assert_eq!(
        model.labels(),
        [
            "First Party Collection/Use",
            "Third Party Sharing/Collection",
            "Data Retention"
        ]
    );
    assert_eq!(model.to_bytes().unwrap(), ba);
    // The trained model predicts through the CLI.
    let out = stdout_of(
        classify()
            .args(["predict", "-f", "csv", "--model"])
            .arg(&a)
            .arg("-")
            .write_stdin("We keep invoices for seven years."),
    );
    let (header, rows) = parse_csv(&out);
    assert_eq!(
        &header[5..],
        [
            "attributes",
            "First Party Collection/Use",
            "Third Party Sharing/Collection",
            "Data Retention"
        ]
    );
    let p: Vec<f64> = rows[0][6..].iter().map(|x| x.parse().unwrap()).collect();
    assert!(
        p[2] > p[0] && p[2] > p[1],
        "Data Retention should be the most likely: {p:?}"
    );
}

fn train_opp115(shared: &Path, out: &Path) {
    stdout_of(
        classify()
            .args(["train", "--data"])
            .arg(shared.join("opp115/sentences.csv"))
            .arg("--model")
            .arg(out),
    );
}

/// Issue 3's bar for the shipped model (trained on our own corpus only) on the real OPP-115
/// sentences: sentence micro-F1 ≥ 0.60 and document micro-F1 ≥ 0.93 (model card:
/// 0.614 / 0.953).
#[test]
fn shipped_model_meets_its_bar_on_real_policies() {
    let Some(shared) = shared() else { return };
    let out = stdout_of(
        classify()
            .args(["evaluate", "-f", "json", "--data"])
            .arg(shared.join("opp115/sentences.csv")),
    );
    let e: serde_json::Value = serde_json::from_str(&out).unwrap();
    let f1 = |level: &str| e[level]["micro_f1"].as_f64().unwrap();
    assert_eq!(e["sentence"]["units"], 8407);
    assert!(
        f1("sentence") >= 0.60,
        "sentence micro-F1 {}",
        f1("sentence")
    );
    assert!(
        f1("document") >= 0.93,
        "document micro-F1 {}",
        f1("document")
    );
}

#[test]
fn opp115_train_evaluate_predict_report_seeds() {
    let Some(shared) = shared() else { return };
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("opp.model");
    train_opp115(&shared, &model);
    let m = policy_classifier::Model::load(&model).unwrap();
    assert_eq!(m.labels(), OPP115);
    assert_eq!(m.training().rows, 8407);
    assert!(
        m.cv().as_ref().unwrap().scores.micro_f1 > 0.5,
        "cv micro-F1 {:?}",
        m.cv().as_ref().map(|c| c.scores.micro_f1)
    );

    // evaluate: JSON metrics at three levels and the predictions file, column by column
    let preds = dir.path().join("pred.csv");
    let out = stdout_of(
        classify()
            .args(["evaluate", "-f", "json", "--model"])
            .arg(&model)
            .arg("--data")
            .arg(shared.join("opp115/sentences.csv"))
            .arg("--predictions")
            .arg(&preds),
    );
    let e: serde_json::Value = serde_json::from_str(&out).unwrap();
    let sentence_f1 = e["sentence"]["micro_f1"].as_f64().unwrap();
    assert!(sentence_f1 > 0.6, "training-set fit micro-F1 {sentence_f1}");
    assert_eq!(e["sentence"]["units"], 8407);
    assert_eq!(e["segment"]["units"], 2477);
    assert_eq!(e["document"]["units"], 75);
    assert_eq!(e["sentence"]["per_label"].as_array().unwrap().len(), 10);
    let (header, rows) = read_csv(&preds);
    let mut want = vec!["row", "predicted", "attributes"];
    want.extend(OPP115);
    assert_eq!(header, want);
    assert_eq!(rows.len(), 8407);
    for (i, r) in rows.iter().enumerate() {
        assert_eq!(r[0], i.to_string());
        for l in r[1].split(';').filter(|s| !s.is_empty()) {
            assert!(OPP115.contains(&l), "{l}");
        }
    }

    // predict the five seeds: the header line is metadata, the company is the domain
    let seeds = shared.join("seeds");
    let out = stdout_of(
        classify()
            .args(["predict", "-f", "csv", "--model"])
            .arg(&model)
            .arg(&seeds),
    );
    let (_, rows) = parse_csv(&out);
    let mut companies: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    companies.sort();
    companies.dedup();
    assert_eq!(companies, SEED_COMPANIES);
    assert!(rows
        .iter()
        .all(|r| !r[3].contains("The following text is extracted")));
    assert!(
        rows.iter()
            .filter(|r| r[4].contains("First Party Collection/Use"))
            .count()
            >= 10
    );

    // report: every file accounted for, coverage has exactly the five companies
    let rep = dir.path().join("report");
    let out = stdout_of(
        classify()
            .args(["report", "--model"])
            .arg(&model)
            .arg("--out")
            .arg(&rep)
            .arg(&seeds),
    );
    for c in SEED_COMPANIES {
        assert!(out.contains(c), "{c} missing from printed coverage");
    }
    for f in [
        "coverage.csv",
        "coverage.parquet",
        "sentences.parquet",
        "summary.md",
        "files.csv",
    ] {
        assert!(rep.join(f).is_file(), "{f} not written");
    }
    let (header, rows) = read_csv(&rep.join("coverage.csv"));
    assert_eq!(
        header,
        [
            "company",
            "date",
            "label",
            "sentences",
            "share",
            "max_probability",
            "mean_probability",
            "covered",
            "language"
        ]
    );
    let mut cos: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    cos.dedup();
    assert_eq!(cos, SEED_COMPANIES);
    assert_eq!(rows.len(), 50);
    let fp: Vec<&Vec<String>> = rows
        .iter()
        .filter(|r| r[2] == "First Party Collection/Use")
        .collect();
    assert!(
        fp.iter().all(|r| r[7] == "true"),
        "every seed states first-party collection"
    );
    let (_, files) = read_csv(&rep.join("files.csv"));
    assert_eq!(files.len(), 5);
    assert!(files.iter().all(|f| f[2] == "tagged"));
    // Parquet files load with polars and agree with the CSV.
    use polars::prelude::*;
    let cov = ParquetReader::new(std::fs::File::open(rep.join("coverage.parquet")).unwrap())
        .finish()
        .unwrap();
    assert_eq!(cov.height(), 50);
    let sent = ParquetReader::new(std::fs::File::open(rep.join("sentences.parquet")).unwrap())
        .finish()
        .unwrap();
    let names: Vec<String> = sent
        .get_column_names()
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(
        &names[..10],
        [
            "company", "date", "file", "language", "sentence", "start", "end", "heading", "text",
            "labels"
        ]
    );
    assert_eq!(&names[10..], OPP115);
    let summary = std::fs::read_to_string(rep.join("summary.md")).unwrap();
    assert!(summary.contains("5 files: 5 tagged, 0 skipped, 0 failed"));
}

#[test]
fn report_spans_point_back_to_source() {
    let Some(shared) = shared() else { return };
    let dir = tempfile::tempdir().unwrap();
    let rep = dir.path().join("r");
    let seed = shared.join("seeds/000_ffadb58f9407ec41.txt");
    stdout_of(classify().args(["report", "--out"]).arg(&rep).arg(&seed));
    use polars::prelude::*;
    let df = ParquetReader::new(std::fs::File::open(rep.join("sentences.parquet")).unwrap())
        .finish()
        .unwrap();
    let src = std::fs::read_to_string(&seed).unwrap();
    let start = df.column("start").unwrap().u64().unwrap().clone();
    let end = df.column("end").unwrap().u64().unwrap().clone();
    let text = df.column("text").unwrap().str().unwrap().clone();
    for i in 0..df.height() {
        let (s, e) = (start.get(i).unwrap() as usize, end.get(i).unwrap() as usize);
        let words_src: Vec<String> = src[s..e]
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(String::from)
            .collect();
        let words_txt: Vec<String> = text
            .get(i)
            .unwrap()
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(String::from)
            .collect();
        // The cleaned text drops link targets only, so its words appear in order in the span.
        let mut it = words_src.iter();
        for w in &words_txt {
            assert!(it.any(|x| x == w), "span {s}..{e} does not contain {w:?}");
        }
    }
}

#[test]
fn import_opp115_fixture_then_train_on_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("seg.csv");
    let msg = stdout_of(
        classify()
            .args(["import", "opp115"])
            .arg(repo().join("tests/fixtures/opp115"))
            .arg("--level")
            .arg("segment")
            .arg("--out")
            .arg(&out),
    );
    assert!(msg.starts_with("2 policies"), "{msg}");
    let (header, rows) = read_csv(&out);
    assert_eq!(
        header,
        ["policy_id", "company", "segment_id", "text", "labels"]
    );
    assert!(!rows.is_empty());
    let sent = dir.path().join("sent.csv");
    stdout_of(
        classify()
            .args(["import", "opp115"])
            .arg(repo().join("tests/fixtures/opp115"))
            .arg("--out")
            .arg(&sent),
    );
    let (header, _) = read_csv(&sent);
    assert_eq!(
        header,
        [
            "policy_id",
            "company",
            "segment_id",
            "sentence_index",
            "text",
            "labels"
        ]
    );
    // The imported file is valid training input for `classify evaluate`.
    let out = stdout_of(
        classify()
            .args(["evaluate", "-f", "json", "--data"])
            .arg(&sent),
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(v["document"]["units"] == 2, "{v}");
}

#[test]
fn evaluate_cv_reports_mean_and_spread() {
    let dir = tempfile::tempdir().unwrap();
    let data = tiny_training_csv(dir.path());
    let out = stdout_of(
        classify()
            .args([
                "evaluate",
                "-f",
                "json",
                "--cv",
                "2",
                "--min-df",
                "1",
                "--threshold-folds",
                "0",
                "--data",
            ])
            .arg(&data),
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["folds"], 2);
    assert_eq!(v["per_fold"].as_array().unwrap().len(), 2);
    let f1 = &v["sentence"]["micro_f1"];
    let per: Vec<f64> = v["per_fold"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["sentence"]["micro_f1"].as_f64().unwrap())
        .collect();
    let mean = per.iter().sum::<f64>() / 2.0;
    assert!((f1["mean"].as_f64().unwrap() - mean).abs() < 1e-9);
    assert!((f1["std"].as_f64().unwrap() - (per[0] - per[1]).abs() / 2.0).abs() < 1e-9);
    assert!(
        v["document"].is_object(),
        "policy_id present → document level"
    );
    // Same seed, same result.
    let again = stdout_of(
        classify()
            .args([
                "evaluate",
                "-f",
                "json",
                "--cv",
                "2",
                "--min-df",
                "1",
                "--threshold-folds",
                "0",
                "--data",
            ])
            .arg(&data),
    );
    assert_eq!(out, again);
}

#[test]
fn list_items_take_the_practice_their_lead_in_introduces() {
    // Each item is classified on its own but in the paragraph that introduces it: the
    // purposes below are about the details "we" collect only because of the lead-in.
    let policy = "Ways we use what you tell us\n\n\
        We use the details you give us for the following purposes:\n\n\
        - To run the prize draws and polls on our forum.\n\
        - To answer your support questions faster.\n\
        - To tailor the start page to you.\n";
    let parse = |out: String| -> Vec<(String, Vec<String>)> {
        out.lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                let labels = v["labels"].as_array().unwrap().iter();
                let labels = labels.map(|x| x.as_str().unwrap().to_string()).collect();
                (v["text"].as_str().unwrap().to_string(), labels)
            })
            .collect()
    };
    let labels_of = |text: &str| {
        parse(stdout_of(
            classify()
                .args(["predict", "-f", "jsonl", "-"])
                .write_stdin(text.to_string()),
        ))
    };
    // The same policy as HTML: `<li>` items are list items too.
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("policy.html");
    std::fs::write(
        &html,
        "<html><body><h2>Ways we use what you tell us</h2>\
         <p>We use the details you give us for the following purposes:</p><ul>\
         <li>To run the prize draws and polls on our forum.</li>\
         <li>To answer your support questions faster.</li>\
         <li>To tailor the start page to you.</li></ul></body></html>",
    )
    .unwrap();
    let from_html = parse(stdout_of(
        classify().args(["predict", "-f", "jsonl"]).arg(&html),
    ));
    for rows in [labels_of(policy), from_html] {
        assert_eq!(rows.len(), 5, "{rows:?}");
        for (text, labels) in &rows[1..] {
            assert!(
                labels.iter().any(|l| l == "First Party Collection/Use"),
                "{text:?} lost its practice: {rows:?}"
            );
        }
    }
    // The same item alone states nothing the model can see.
    let alone = labels_of("To answer your support questions faster.\n");
    assert!(alone[0].1.is_empty(), "{alone:?}");
}

#[test]
fn report_table_shows_the_first_fifty_policies_and_points_to_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(example()).unwrap();
    let inputs = dir.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    for i in 0..52 {
        std::fs::write(inputs.join(format!("site{i:02}.example.md")), &text).unwrap();
    }
    let rep = dir.path().join("rep");
    let out = stdout_of(classify().args(["report", "--out"]).arg(&rep).arg(&inputs));
    let rows: Vec<&str> = out.lines().filter(|l| l.contains(".example")).collect();
    assert_eq!(rows.len(), 50, "{out}");
    assert!(rows[0].contains("site00.example") && rows[49].contains("site49.example"));
    assert!(!out.contains("site50.example"), "{out}");
    let more = format!(
        "… and 2 more policies: all 52 are in {}",
        rep.join("summary.md").display()
    );
    assert!(out.contains(&more), "no pointer to summary.md in {out}");
    assert!(
        out.contains("52 inputs: 52 tagged, 0 skipped, 0 failed"),
        "{out}"
    );
    let summary = std::fs::read_to_string(rep.join("summary.md")).unwrap();
    assert!(
        summary.contains("site51.example"),
        "summary.md lacks the last policy"
    );
}

#[test]
fn report_writes_the_data_profile_of_the_seeds() {
    let Some(shared) = shared() else { return };
    let dir = tempfile::tempdir().unwrap();
    let rep = dir.path().join("r");
    stdout_of(
        classify()
            .args(["report", "--out"])
            .arg(&rep)
            .arg(shared.join("seeds")),
    );
    let (header, rows) = parse_csv(&std::fs::read_to_string(rep.join("profile.csv")).unwrap());
    assert_eq!(
        header,
        [
            "company",
            "date",
            "category",
            "family",
            "value",
            "stance",
            "sentences",
            "max_probability",
            "evidence_file",
            "evidence_sentence"
        ]
    );
    let companies: std::collections::BTreeSet<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert!(companies.len() >= 4, "{companies:?}");
    let sentences = {
        use polars::prelude::*;
        ParquetReader::new(std::fs::File::open(rep.join("sentences.parquet")).unwrap())
            .finish()
            .unwrap()
    };
    let file = sentences.column("file").unwrap().str().unwrap().clone();
    let index = sentences.column("sentence").unwrap().u32().unwrap().clone();
    for r in &rows {
        assert!(["does", "does not"].contains(&r[5].as_str()), "{r:?}");
        assert!(r[6].parse::<u32>().unwrap() >= 1);
        assert_ne!(
            r[3], "Does/Does Not",
            "the negation is the stance, not a row"
        );
        // The evidence is a sentence of the report (its id in sentences.parquet).
        let found = (0..sentences.height()).any(|i| {
            file.get(i) == Some(r[8].as_str()) && index.get(i) == Some(r[9].parse().unwrap())
        });
        assert!(found, "evidence not in sentences.parquet: {r:?}");
    }
    // wowza.com collects contact details and says so in a First Party sentence.
    assert!(rows.iter().any(|r| r[0] == "wowza.com"
        && r[2] == "First Party Collection/Use"
        && r[4] == "Contact"
        && r[5] == "does"));
    let summary = std::fs::read_to_string(rep.join("summary.md")).unwrap();
    assert!(summary.contains("## Data profile") && summary.contains("- **Collects:**"));
}

/// Four rows without policy or company: the threshold folds are tiny.
const TINY: &str = "text,labels\n\
We keep server logs for one year.,Data Retention\n\
We share your e-mail address with partners.,Third Party Sharing/Collection\n\
Write to our office with questions.,\n\
We keep invoices for seven years.,Data Retention\n";

/// Trains on `csv` written under `name`; returns (stdout, stderr) of a successful run.
fn train_named(dir: &Path, name: &str, csv: &str) -> (String, String) {
    let data = dir.join(name);
    std::fs::write(&data, csv).unwrap();
    let out = classify()
        .args(["train", "--data"])
        .arg(&data)
        .arg("--model")
        .arg(dir.join(format!("{name}.model")))
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    );
    assert!(out.status.success(), "{name}: {stderr}");
    (stdout, stderr)
}

#[test]
fn folds_depend_on_the_data_not_the_file_name() {
    let dir = tempfile::tempdir().unwrap();
    let mut tables = std::collections::BTreeSet::new();
    let mut predictions = std::collections::BTreeSet::new();
    let mut models = std::collections::BTreeSet::new();
    std::fs::create_dir_all(dir.path().join("sub")).unwrap();
    for i in 0..20 {
        let name = if i == 19 {
            "sub/other name.csv".to_string()
        } else {
            format!("copy-{i}-{}.csv", "x".repeat(i))
        };
        let (stdout, _) = train_named(dir.path(), &name, TINY);
        models.insert(std::fs::read(dir.path().join(format!("{name}.model"))).unwrap());
        // Everything but the timing and the output path: thresholds, CV figures.
        tables.insert(stdout.lines().skip(1).collect::<Vec<_>>().join("\n"));
        predictions.insert(stdout_of(
            classify()
                .args(["predict", "-f", "csv", "--model"])
                .arg(dir.path().join(format!("{name}.model")))
                .arg("-")
                .write_stdin("We keep your logs for a year and share them with partners."),
        ));
    }
    assert_eq!(tables.len(), 1, "{tables:#?}");
    assert_eq!(
        models.len(),
        1,
        "the same bytes under 20 names train one model file"
    );
    assert_eq!(predictions.len(), 1, "{predictions:#?}");
}

#[test]
fn tiny_training_sets_train_and_say_what_they_gave_up() {
    let dir = tempfile::tempdir().unwrap();
    let ten: String = TINY.to_string()
        + "We encrypt your data in transit.,Data Security\n\
           We store backups in a locked room.,Data Security\n\
           This notice may change.,Policy Change\n\
           We will post changes on this page.,Policy Change\n\
           You can opt out of e-mails.,User Choice/Control\n\
           You can opt out of cookies in your browser.,User Choice/Control\n";
    std::fs::create_dir_all(dir.path().join("b")).unwrap();
    for (csv, name) in [
        (TINY, "four.csv"),
        (TINY, "b/four.csv"),
        (ten.as_str(), "ten.csv"),
    ] {
        let (stdout, _) = train_named(dir.path(), name, csv);
        assert!(stdout.starts_with("trained on"), "{name}: {stdout}");
    }
    // Three rows: every fold leaves a training part without a term in two rows, although
    // the whole file has one. It trains with fixed thresholds and says so, line by line.
    let three = "text,labels\nalpha x,A\nalpha y,B\nbeta z,A\n";
    let (stdout, stderr) = train_named(dir.path(), "three.csv", three);
    assert!(stdout.starts_with("trained on 3 rows"), "{stdout}");
    assert!(
        stderr.contains("3 threshold folds cannot be trained on this data (no term occurs in at least 2 training rows (min_df)"),
        "{stderr}"
    );
    assert!(stderr.contains("thresholds are fixed at 0.5"), "{stderr}");
    assert!(
        stderr.lines().all(|l| l.starts_with("classify: warning: ")),
        "{stderr}"
    );
}

/// Issue 19's example: in the wowza.com seed, the sentence that offers removal, opt-out and
/// correction on written request. The shipped model gives it its choice category and the
/// correction right; deletion (its category, User Access, stays just under its threshold, so
/// the value's gate is closed) and opt-out by contacting the company are not found yet.
#[test]
fn the_wowza_rights_sentence_gets_its_choice_category_and_correction_right() {
    let Some(shared) = shared() else { return };
    let out = stdout_of(
        classify()
            .args(["predict", "-f", "jsonl"])
            .arg(shared.join("seeds/000_ffadb58f9407ec41.txt")),
    );
    let v: serde_json::Value = out
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|v| {
            v["text"]
                .as_str()
                .unwrap()
                .starts_with("Upon written request")
        })
        .expect("the rights sentence");
    let has = |key: &str, x: &str| v[key].as_array().unwrap().iter().any(|a| a == x);
    assert!(has("labels", "User Choice/Control"), "{v}");
    assert!(has("attributes", "Access Type: Edit information"), "{v}");
}
