//! One function per subcommand: load, call the library, hand results to `output`.

use crate::cli::{
    Cli, Command, DiffArgs, EmbedArgs, EvaluateArgs, ImportCommand, ImportLevel, PredictArgs,
    ReportArgs, TrainArgs, TrainOptions,
};
use crate::output;
use anyhow::Result;
use indicatif::{ProgressBar, ProgressStyle};
use policy_classifier::data::LabelledData;
use policy_classifier::embed::{EmbedStage, Representations};
use policy_classifier::eval;
use policy_classifier::model::{Model, TrainStage, ValidTrainParams};
use policy_classifier::predict::{self, Outcome};
use policy_classifier::report;
use policy_classifier::selftrain::{self_train, SelfTrainStage, Unlabelled, Unused};
use policy_classifier::text;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

/// The shipped model, embedded so the binary works from any directory.
const EMBEDDED_MODEL: &[u8] =
    include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/models/default.model"));

fn repo_path(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// Where `train` writes by default and `predict` looks first.
fn default_model_path() -> PathBuf {
    repo_path("models/default.model")
}

/// Loads `--model`, else the repository's `models/default.model`, else the embedded copy.
fn load_model(path: Option<&Path>) -> Result<Model> {
    if let Some(p) = path {
        return Ok(Model::load(p)?);
    }
    let p = default_model_path();
    if p.is_file() && std::fs::metadata(&p).map(|m| m.len() > 0).unwrap_or(false) {
        return Ok(Model::load(&p)?);
    }
    Ok(Model::from_bytes(
        EMBEDDED_MODEL,
        Path::new("<embedded default model>"),
    )?)
}

pub fn run(cli: Cli) -> Result<ExitCode> {
    output::set_colour(cli.color);
    match cli.command {
        Command::Train(a) => train(a),
        Command::Predict(a) => predict(a),
        Command::Evaluate(a) => evaluate(a),
        Command::Report(a) => report(a),
        Command::Diff(a) => diff(a),
        Command::Embed(a) => embed(a),
        Command::Import(ImportCommand::Opp115(a)) => {
            let level = match a.level {
                ImportLevel::Sentence => policy_classifier::import::Level::Sentence,
                ImportLevel::Segment => policy_classifier::import::Level::Segment,
            };
            let rep = policy_classifier::import::import_opp115(&a.dir, level)?;
            for w in &rep.warnings {
                eprintln!("classify: warning: {w}");
            }
            if a.attributes {
                policy_classifier::import::write_csv_with_attributes(&rep.rows, level, &a.out)?;
            } else {
                policy_classifier::import::write_csv(&rep.rows, level, &a.out)?;
            }
            println!(
                "{} policies, {} rows → {}",
                rep.policies,
                rep.rows.len(),
                a.out.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut cmd, "classify", &mut std::io::stdout());
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn spinner(msg: &str) -> ProgressBar {
    let pb = ProgressBar::new_spinner();
    pb.set_style(
        ProgressStyle::with_template("{spinner} {msg} [{elapsed}]").expect("valid template"),
    );
    pb.set_message(msg.to_string());
    pb.enable_steady_tick(std::time::Duration::from_millis(120));
    pb
}

/// The checked training parameters, with the word clusters of `--representations`.
fn valid_params(o: &TrainOptions) -> Result<ValidTrainParams> {
    let params = o.params().check()?;
    Ok(match &o.representations {
        Some(p) => params.with_clusters(Arc::new(Representations::load(p)?.word_clusters())),
        None => params,
    })
}

fn embed(a: EmbedArgs) -> Result<ExitCode> {
    let params = a.params();
    params.check()?;
    // Fail before the work, not after, when the file cannot be written there.
    let out_dir = match a.out.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    tempfile::tempfile_in(out_dir).map_err(|e| policy_classifier::Error::io(out_dir, e))?;
    let t0 = Instant::now();
    let pb = ProgressBar::new(0);
    pb.set_style(
        ProgressStyle::with_template("{spinner} {msg} [{bar:30}] {pos}/{len} files ({elapsed})")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    pb.enable_steady_tick(std::time::Duration::from_millis(120));
    let (reps, failed) = policy_classifier::embed::learn(
        &a.inputs,
        &params,
        a.keep_vectors,
        &|stage| match stage {
            EmbedStage::Reading(done, total) => {
                pb.set_length(total as u64);
                pb.set_position(done as u64);
                pb.set_message("reading");
            }
            EmbedStage::Counting => pb.set_message("counting co-occurrences"),
            EmbedStage::Vectors => pb.set_message("PPMI and word vectors"),
            EmbedStage::Clustering(k) => pb.set_message(format!("{k} clusters")),
        },
    )?;
    pb.finish_and_clear();
    for (p, why) in &failed {
        eprintln!("classify: error: {}: {why}", p.display());
    }
    reps.save(&a.out)?;
    let s = &reps.stats;
    println!(
        "wrote {}: {} words, {} dimensions, clusterings {:?}, {} bytes",
        a.out.display(),
        reps.words.len(),
        reps.params.dim,
        reps.params.clusters,
        std::fs::metadata(&a.out).map(|m| m.len()).unwrap_or(0)
    );
    println!(
        "from {} files: {} sentences, {} distinct ({} tokens, {} distinct words); {} PPMI entries; {:.1} s",
        s.files,
        s.sentences,
        s.distinct_sentences,
        s.tokens,
        s.distinct_words,
        s.ppmi_entries,
        t0.elapsed().as_secs_f64()
    );
    for w in &a.show {
        match reps.cluster_mates(w) {
            Some(mates) => {
                let shown: Vec<&str> = mates.iter().take(25).copied().collect();
                println!("{w}: {} words: {}", mates.len(), shown.join(" "));
            }
            None => println!("{w}: not among the kept words"),
        }
    }
    Ok(exit_for(failed.len()))
}

fn train(a: TrainArgs) -> Result<ExitCode> {
    let params = valid_params(&a.params)?;
    let data_paths = if a.data.is_empty() {
        vec![repo_path("datasets/corpus.csv")]
    } else {
        a.data.clone()
    };
    let data = LabelledData::read_all(&data_paths)?;
    data.check_typos()?;
    let out = a.model.clone().unwrap_or_else(default_model_path);
    if out.is_dir() {
        anyhow::bail!(
            "{}: is a directory; --model needs a file path",
            out.display()
        );
    }
    // Fail before training, not after, when the model cannot be written there.
    let out_dir = match out.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    tempfile::tempfile_in(out_dir).map_err(|e| policy_classifier::Error::io(out_dir, e))?;
    let t0 = Instant::now();
    let pb = spinner("training");
    let stage_message = |stage: TrainStage| match stage {
        TrainStage::Fold(i, k) => format!("tuning thresholds: fold {i}/{k}"),
        TrainStage::Neighbours => "fitting the neighbour stage".to_string(),
        TrainStage::Final => "training on all rows".to_string(),
    };
    let (model, failed) = if a.self_train.self_train.is_empty() {
        let model = Model::fit(&data, &params, &|s| pb.set_message(stage_message(s)))?;
        (model, 0)
    } else {
        let st = a.self_train.params().check()?;
        let mut exclude = std::collections::BTreeSet::new();
        for p in &a.self_train.self_train_exclude {
            exclude.extend(policy_classifier::data::companies_in(p)?);
        }
        let inputs = text::expand_inputs(&a.self_train.self_train);
        let tag = predict::TagOptions::default();
        let unlabelled = Unlabelled {
            inputs: &inputs,
            tag: &tag,
            exclude_companies: &exclude,
        };
        let done = self_train(&data, &params, &st, unlabelled, &|s| {
            pb.set_message(match s {
                SelfTrainStage::Training(0, s) => stage_message(s),
                SelfTrainStage::Training(r, s) => format!("round {r}: {}", stage_message(s)),
                SelfTrainStage::Tagging(r, d, t) => format!("round {r}: tagging {d}/{t}"),
            })
        })?;
        pb.finish_and_clear();
        let failed = report_unused(&done.unused);
        output::print_self_training(&done)?;
        (done.model, failed)
    };
    pb.finish_and_clear();
    for w in model.warnings() {
        eprintln!("classify: warning: {w}");
    }
    model.save(&out)?;
    output::print_train_summary(&model, &out, t0.elapsed())?;
    Ok(exit_for(failed))
}

/// Prints one line per unlabelled input that self-training did not use; returns how many
/// could not be read.
fn report_unused(unused: &[Unused]) -> usize {
    let mut failed = 0;
    for u in unused {
        match u {
            Unused::Skipped(p, why) => eprintln!("classify: skipped: {}: {why}", p.display()),
            Unused::Failed(_, e) => {
                failed += 1;
                eprintln!("classify: error: {}", output::one_line(e));
            }
        }
    }
    failed
}

fn predict(a: PredictArgs) -> Result<ExitCode> {
    let model = load_model(a.model.model.as_deref())?;
    let opts = a.input.tag_options();
    let inputs = text::expand_inputs(&a.files);
    let outcomes: Vec<Outcome> = predict::tag_inputs(&model, &inputs, &opts, &|| {})
        .into_iter()
        .zip(&inputs)
        .map(|(o, i)| o.skip_is_failure(i))
        .collect();
    let failed = report_problems(&outcomes);
    output::print_predictions(&model, &outcomes, a.format, a.explain)?;
    Ok(exit_for(failed))
}

/// Prints one line per failed input and per warning to stderr; returns the number failed.
fn report_problems(outcomes: &[Outcome]) -> usize {
    let mut failed = 0;
    for o in outcomes {
        match o {
            Outcome::Failed(_, e) => {
                failed += 1;
                eprintln!("classify: error: {}", output::one_line(e));
            }
            Outcome::Skipped(p, why) => eprintln!("classify: skipped: {}: {why}", p.display()),
            Outcome::Tagged(d) => {
                for w in &d.warnings {
                    eprintln!("classify: warning: {}: {w}", d.path.display());
                }
            }
        }
    }
    failed
}

fn exit_for(failed: usize) -> ExitCode {
    if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn evaluate(a: EvaluateArgs) -> Result<ExitCode> {
    let data = LabelledData::read_all(&a.data)?;
    if data.is_empty() {
        anyhow::bail!("{}: no data rows to evaluate", a.data[0].display());
    }
    if let Some(k) = a.cv {
        data.check_typos()?;
        let params = valid_params(&a.params)?;
        let pb = spinner("cross-validating");
        let report = policy_classifier::eval::cv::cross_validate(
            &data,
            &params,
            k,
            a.params.seed,
            &|f, k, stage| {
                pb.set_message(match stage {
                    TrainStage::Fold(i, n) => format!("fold {f}/{k}: tuning thresholds {i}/{n}"),
                    TrainStage::Neighbours => format!("fold {f}/{k}: neighbour stage"),
                    TrainStage::Final => format!("fold {f}/{k}: training"),
                })
            },
        )?;
        pb.finish_and_clear();
        if let Some(p) = &a.folds_out {
            let mut csv = String::from("row,fold\n");
            for (r, f) in report.fold_of_row.iter().enumerate() {
                csv.push_str(&format!("{r},{f}\n"));
            }
            policy_classifier::io::write_atomic(p, csv.as_bytes())?;
        }
        output::print_cv(&report, a.format)?;
        return Ok(ExitCode::SUCCESS);
    }
    let model = load_model(a.model.model.as_deref())?;
    data.check_labels(model.labels())?;
    let assessed = eval::assess(&model, &data, model.labels());
    if let Some(p) = &a.predictions {
        let attributes = assessed
            .attributes
            .as_ref()
            .map(|a| (&a.names[..], &a.decisions));
        output::write_predictions_csv(
            p,
            &model,
            &assessed.probabilities,
            &assessed.decisions,
            attributes,
        )?;
    }
    let eval = assessed.evaluation;
    let attribute_eval = assessed.attributes.and_then(|a| a.evaluation);
    output::print_evaluation(&eval, attribute_eval.as_ref(), a.format)?;
    Ok(ExitCode::SUCCESS)
}

fn report(a: ReportArgs) -> Result<ExitCode> {
    let model = load_model(a.model.model.as_deref())?;
    if a.out.is_file() {
        anyhow::bail!("{}: --out is a file; give a directory", a.out.display());
    }
    // Fail before tagging, not after, when the output directory cannot be made.
    std::fs::create_dir_all(&a.out).map_err(|e| policy_classifier::Error::io(&a.out, e))?;
    let opts = a.input.tag_options();
    let inputs = text::expand_inputs(&a.inputs);
    let pb = ProgressBar::new(inputs.len() as u64);
    pb.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} files [{elapsed} < {eta}]")
            .expect("valid template"),
    );
    let mut failed = 0;
    let writer = report::ReportWriter::create(&model, &a.out)?;
    let writer = predict::tag_into(
        &model,
        &inputs,
        &opts,
        &|| pb.inc(1),
        &mut |outcomes| failed += pb.suspend(|| report_problems(outcomes)),
        writer,
    )?;
    let summary = writer.finish()?;
    pb.finish_and_clear();
    output::print_coverage(&model, &summary, &a.out)?;
    Ok(exit_for(failed))
}

fn diff(a: DiffArgs) -> Result<ExitCode> {
    let model = load_model(a.model.model.as_deref())?;
    let opts = predict::TagOptions {
        read: text::ReadOptions {
            company: None,
            max_file_bytes: text::DEFAULT_MAX_FILE_BYTES,
        },
        split: Default::default(),
        skip_non_english: false,
    };
    let tag = |p: &Path| -> Result<predict::TaggedDocument> {
        match predict::tag_input(&model, &text::Input::File(p.to_path_buf()), &opts) {
            Outcome::Tagged(d) => {
                for w in &d.warnings {
                    eprintln!("classify: warning: {}: {w}", d.path.display());
                }
                Ok(d)
            }
            Outcome::Failed(_, e) => Err(e.into()),
            Outcome::Skipped(p, why) => anyhow::bail!("{}: {why}", p.display()),
        }
    };
    let old = tag(&a.old)?;
    let new = tag(&a.new)?;
    let d = policy_classifier::diff::diff_documents(&model, &old, &new);
    output::print_diff(&d, a.format)?;
    Ok(ExitCode::SUCCESS)
}
