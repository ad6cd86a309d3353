//! Command-line arguments (clap derive) and their validation into plain configuration.

use clap::{Args, Parser, Subcommand, ValueEnum};
use policy_classifier::embed::EmbedParams;
use policy_classifier::model::TrainParams;
use policy_classifier::selftrain::SelfTrainParams;
use std::path::PathBuf;

/// Tag privacy-policy sentences with the data practices they state (OPP-115 categories) and
/// report which practices each company's policy covers.
#[derive(Debug, Parser)]
#[command(name = "classify", version, about, long_about = None, max_term_width = 100)]
pub struct Cli {
    /// Colour in terminal output: auto (when stdout is a terminal and NO_COLOR is unset),
    /// always, never
    #[arg(long, global = true, value_enum, value_name = "WHEN", default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    #[command(subcommand)]
    pub command: Command,
}

/// When to colour terminal output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// When stdout is a terminal and `NO_COLOR` is unset or empty.
    Auto,
    /// Always (also when piped).
    Always,
    /// Never.
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Train a model on labelled sentences (CSV with `text` and `labels` columns).
    Train(TrainArgs),
    /// Split policies into sentences and print each with its labels and probabilities.
    Predict(PredictArgs),
    /// Score a model on labelled data (precision, recall, F1 per label; micro and macro).
    Evaluate(EvaluateArgs),
    /// Tag many policies and write per-company coverage tables.
    Report(ReportArgs),
    /// Compare two versions of a policy: practices added, removed and reworded.
    Diff(DiffArgs),
    /// Learn word representations (vectors and clusters) from unlabelled policies, for
    /// `train --representations`.
    Embed(EmbedArgs),
    /// Convert a labelled corpus release into training CSV (`classify import opp115 DIR`).
    #[command(subcommand)]
    Import(ImportCommand),
    /// Print a shell completion script.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Args)]
pub struct ModelArg {
    /// Model file [default: the shipped model, models/default.model]
    #[arg(
        long,
        short = 'm',
        value_name = "PATH",
        env = "POLICY_CLASSIFIER_MODEL"
    )]
    pub model: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct InputOptions {
    /// Company name for every input (default: the corpus header's domain, else the file stem)
    #[arg(long, value_name = "NAME")]
    pub company: Option<String>,
    /// Refuse policy files larger than this many MiB
    #[arg(long, value_name = "MIB", default_value_t = 64)]
    pub max_file_mib: u64,
    /// Cut sentences longer than this many bytes into pieces
    #[arg(long, value_name = "BYTES", default_value_t = 4000)]
    pub max_sentence_bytes: usize,
    /// Skip policies written in another language than English (they are still counted, as
    /// skipped); without it they are tagged and flagged with a warning
    #[arg(long)]
    pub skip_non_english: bool,
}

#[derive(Debug, Args)]
pub struct TrainArgs {
    /// Labelled CSV file(s) [default: the team's corpus, datasets/corpus.csv]
    #[arg(long, short = 'd', value_name = "CSV")]
    pub data: Vec<PathBuf>,
    /// Where to write the model [default: models/default.model]
    #[arg(long, short = 'm', value_name = "PATH")]
    pub model: Option<PathBuf>,
    #[command(flatten)]
    pub params: TrainOptions,
    #[command(flatten)]
    pub self_train: SelfTrainOptions,
}

/// Self-training over unlabelled policies (`train --self-train DIR`).
#[derive(Debug, Args)]
pub struct SelfTrainOptions {
    /// Unlabelled policy files or folders: the model tags them, and the sentences it is
    /// confident about (per-label cut-offs measured on held-out folds) become training rows
    #[arg(long, value_name = "DIR")]
    pub self_train: Vec<PathBuf>,
    /// Rounds of tag → add confident sentences → retrain
    #[arg(long, value_name = "N", default_value_t = SelfTrainParams::default().rounds, requires = "self_train")]
    pub self_train_rounds: usize,
    /// Held-out precision P a label needs to be taken as present; a label is taken as absent
    /// below the cut-off under which at most 1 − P of its held-out positives fall
    #[arg(long, value_name = "P", default_value_t = SelfTrainParams::default().confidence, requires = "self_train")]
    pub self_train_confidence: f32,
    /// Per label, add at most this many times its labelled rows
    #[arg(long, value_name = "R", default_value_t = SelfTrainParams::default().cap_ratio, requires = "self_train")]
    pub self_train_cap: f32,
    /// Leave out the unlabelled policies of the companies in this CSV's `company` column
    /// (e.g. your test set, so that evaluating on it stays fair)
    #[arg(long, value_name = "CSV", requires = "self_train")]
    pub self_train_exclude: Vec<PathBuf>,
}

impl SelfTrainOptions {
    /// The (unchecked) self-training parameters these arguments describe.
    pub fn params(&self) -> SelfTrainParams {
        SelfTrainParams {
            rounds: self.self_train_rounds,
            confidence: self.self_train_confidence,
            cap_ratio: self.self_train_cap,
            ..SelfTrainParams::default()
        }
    }
}

/// Training parameters shared by `train` and `evaluate --cv`.
#[derive(Debug, Args)]
pub struct TrainOptions {
    /// Seed for the cross-validation folds
    #[arg(long, default_value_t = TrainParams::default().seed)]
    pub seed: u64,
    /// Maximum number of features (chosen by chi² against the labels)
    #[arg(long, value_name = "N", default_value_t = TrainParams::default().vectoriser.max_features)]
    pub max_features: usize,
    /// Minimum number of rows a term must occur in
    #[arg(long, value_name = "N", default_value_t = TrainParams::default().vectoriser.min_df)]
    pub min_df: usize,
    /// Longest word n-gram
    #[arg(long, value_name = "N", default_value_t = TrainParams::default().vectoriser.max_ngram)]
    pub ngram: usize,
    /// L2 regularisation strength (≈ 1/C in scikit-learn)
    #[arg(long, default_value_t = TrainParams::default().alpha)]
    pub alpha: f32,
    /// Weight of context features (the words of the sentence's paragraph; 0 = off)
    #[arg(long, value_name = "W", default_value_t = TrainParams::default().vectoriser.context_weight)]
    pub context_weight: f32,
    /// Class balancing power: positives repeated (neg/pos)^power times (0 = off)
    #[arg(long, value_name = "P", default_value_t = TrainParams::default().balance_power)]
    pub balance: f32,
    /// Folds (grouped by policy_id) for tuning per-label thresholds; 0 or 1 = fixed 0.5
    #[arg(long, value_name = "K", default_value_t = TrainParams::default().threshold_folds)]
    pub threshold_folds: usize,
    /// L-BFGS iteration limit per label
    #[arg(long, value_name = "N", default_value_t = TrainParams::default().max_iterations)]
    pub max_iterations: u64,
    /// Run linfa-logistic from zero instead of from the sparse solution (slow; same optimum)
    #[arg(long)]
    pub no_warm_start: bool,
    /// Largest dense matrix (MiB) built for linfa-logistic's final fit of one label; labels
    /// above keep the sparse solution of the same objective (0 = never build one: fastest)
    #[arg(long, value_name = "MIB", default_value_t = TrainParams::default().dense_limit_mib)]
    pub dense_limit_mib: usize,
    /// What a training row is; `predict` and `report` split policies into the same unit
    #[arg(long, value_enum, default_value_t = UnitArg::Sentence)]
    pub level: UnitArg,
    /// Do not fit the neighbour stage (which revises each sentence's probabilities with its
    /// paragraph's; fitted on the threshold folds' out-of-fold predictions)
    #[arg(long)]
    pub no_neighbours: bool,
    /// L2 regularisation strength of the neighbour stage
    #[arg(long, value_name = "ALPHA", default_value_t = TrainParams::default().neighbour_alpha)]
    pub neighbour_alpha: f32,
    /// With an `attributes` column: rows an attribute value needs to get a model (rarer
    /// values are listed as not learned)
    #[arg(long, value_name = "N", default_value_t = TrainParams::default().min_attribute_examples)]
    pub min_attribute_examples: usize,
    /// Word representations from `classify embed`: their word clusters become features next
    /// to TF-IDF (stored in the model)
    #[arg(long, value_name = "FILE")]
    pub representations: Option<PathBuf>,
    /// Weight of the word-cluster terms of `--representations`
    #[arg(long, value_name = "W", default_value_t = TrainParams::default().vectoriser.cluster_weight)]
    pub cluster_weight: f32,
}

#[derive(Debug, Args)]
pub struct EmbedArgs {
    /// Where to write the representations
    #[arg(long, short = 'o', value_name = "FILE")]
    pub out: PathBuf,
    /// Unlabelled policy files or folders (.txt, .md, .html; searched recursively)
    #[arg(value_name = "DIR", required = true)]
    pub inputs: Vec<PathBuf>,
    /// Words kept (the most frequent)
    #[arg(long, value_name = "N", default_value_t = EmbedParams::default().max_words)]
    pub words: usize,
    /// Minimum occurrences of a kept word
    #[arg(long, value_name = "N", default_value_t = EmbedParams::default().min_count)]
    pub min_count: u64,
    /// Co-occurrence window (words either side, within a sentence)
    #[arg(long, value_name = "N", default_value_t = EmbedParams::default().window)]
    pub window: usize,
    /// Vector dimensions
    #[arg(long, value_name = "N", default_value_t = EmbedParams::default().dim)]
    pub dim: usize,
    /// Numbers of clusters, one clustering each (comma-separated)
    #[arg(long, value_name = "K,...", value_delimiter = ',', default_values_t = EmbedParams::default().clusters)]
    pub clusters: Vec<usize>,
    /// Seed of every random draw
    #[arg(long, default_value_t = EmbedParams::default().seed)]
    pub seed: u64,
    /// Also store the word vectors (quantised to 8 bits)
    #[arg(long)]
    pub keep_vectors: bool,
    /// Print the cluster of these words when done
    #[arg(long, value_name = "WORD")]
    pub show: Vec<String>,
}

impl EmbedArgs {
    /// The embedding parameters these arguments describe.
    pub fn params(&self) -> EmbedParams {
        EmbedParams {
            max_words: self.words,
            min_count: self.min_count,
            window: self.window,
            dim: self.dim,
            clusters: self.clusters.clone(),
            seed: self.seed,
            ..EmbedParams::default()
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum UnitArg {
    /// Sentences, headings and list items
    Sentence,
    /// Paragraphs (segments)
    Segment,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PredictFormat {
    /// A readable table per file
    Table,
    /// CSV, one row per sentence
    Csv,
    /// One JSON object per line and sentence
    Jsonl,
    /// One JSON array
    Json,
}

#[derive(Debug, Args)]
pub struct PredictArgs {
    #[command(flatten)]
    pub model: ModelArg,
    /// Output format
    #[arg(long, short = 'f', value_enum, default_value_t = PredictFormat::Table)]
    pub format: PredictFormat,
    /// Show the terms that contributed most to each predicted label
    #[arg(long)]
    pub explain: bool,
    #[command(flatten)]
    pub input: InputOptions,
    /// Policy files (.txt, .md, .html) or directories; `-` reads stdin
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EvalFormat {
    /// Readable tables
    Table,
    /// JSON
    Json,
}

#[derive(Debug, Args)]
pub struct EvaluateArgs {
    #[command(flatten)]
    pub model: ModelArg,
    /// Labelled CSV file(s) to score
    #[arg(long, short = 'd', value_name = "CSV", required = true)]
    pub data: Vec<PathBuf>,
    /// Write one row per input row: row, predicted, one probability column per label
    #[arg(long, value_name = "OUT.csv")]
    pub predictions: Option<PathBuf>,
    /// Output format
    #[arg(long, short = 'f', value_enum, default_value_t = EvalFormat::Table)]
    pub format: EvalFormat,
    /// Instead of scoring a model, run grouped K-fold cross-validation on the data (rows of
    /// one policy_id stay in one fold); prints the mean and spread of every metric
    #[arg(long, value_name = "K", conflicts_with_all = ["model", "predictions"])]
    pub cv: Option<usize>,
    /// With --cv: write each row's held-out fold (`row,fold`) so other tools can be scored on
    /// the same folds
    #[arg(long, value_name = "FILE.csv", requires = "cv")]
    pub folds_out: Option<PathBuf>,
    #[command(flatten)]
    pub params: TrainOptions,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub model: ModelArg,
    /// Output directory for coverage.csv, coverage.parquet, sentences.parquet, files.csv,
    /// summary.md, report.html, coverage.svg and practices.svg
    #[arg(long, short = 'o', value_name = "DIR")]
    pub out: PathBuf,
    #[command(flatten)]
    pub input: InputOptions,
    /// Policy files or directories
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// Readable tables with the evidence sentences
    Table,
    /// JSON
    Json,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    #[command(flatten)]
    pub model: ModelArg,
    /// Output format
    #[arg(long, short = 'f', value_enum, default_value_t = DiffFormat::Table)]
    pub format: DiffFormat,
    /// The older version of the policy (.txt, .md, .html)
    #[arg(value_name = "OLD")]
    pub old: PathBuf,
    /// The newer version of the policy
    #[arg(value_name = "NEW")]
    pub new: PathBuf,
}

impl TrainOptions {
    /// The (unchecked) training parameters these arguments describe.
    pub fn params(&self) -> TrainParams {
        let mut p = TrainParams {
            seed: self.seed,
            alpha: self.alpha,
            balance_power: self.balance,
            threshold_folds: self.threshold_folds,
            max_iterations: self.max_iterations,
            warm_start: !self.no_warm_start,
            dense_limit_mib: self.dense_limit_mib,
            neighbour_stage: !self.no_neighbours,
            neighbour_alpha: self.neighbour_alpha,
            min_attribute_examples: self.min_attribute_examples,
            unit: match self.level {
                UnitArg::Sentence => policy_classifier::model::Unit::Sentence,
                UnitArg::Segment => policy_classifier::model::Unit::Segment,
            },
            ..TrainParams::default()
        };
        p.vectoriser.max_features = self.max_features;
        p.vectoriser.min_df = self.min_df;
        p.vectoriser.max_ngram = self.ngram;
        p.vectoriser.context_weight = self.context_weight;
        p.vectoriser.cluster_weight = self.cluster_weight;
        p
    }
}

impl InputOptions {
    /// Reading and splitting options.
    pub fn tag_options(&self) -> policy_classifier::predict::TagOptions {
        policy_classifier::predict::TagOptions {
            read: policy_classifier::text::ReadOptions {
                company: self.company.clone(),
                max_file_bytes: self.max_file_mib.saturating_mul(1 << 20),
            },
            split: policy_classifier::sentences::SplitOptions {
                max_sentence_bytes: self.max_sentence_bytes.max(16),
            },
            skip_non_english: self.skip_non_english,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Read the OPP-115 v1.0 release (sanitized_policies/ and annotations/) and write labelled
    /// rows by the majority rule (a label needs at least 2 distinct annotators)
    Opp115(ImportOpp115Args),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ImportLevel {
    /// One row per sentence (labels from overlapping highlighted spans)
    Sentence,
    /// One row per segment (paragraph)
    Segment,
}

#[derive(Debug, Args)]
pub struct ImportOpp115Args {
    /// The release folder holding sanitized_policies/ and annotations/
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Output CSV file
    #[arg(long, short = 'o', value_name = "FILE.csv")]
    pub out: PathBuf,
    /// Row unit
    #[arg(long, value_enum, default_value_t = ImportLevel::Sentence)]
    pub level: ImportLevel,
    /// Add a column `attributes`: the practices' attribute values that pass the same rule, as
    /// `Family: Value` items joined by `;`
    #[arg(long)]
    pub attributes: bool,
}
