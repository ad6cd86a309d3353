//! Micro-benchmarks of the tagging hot path, through the library API:
//!
//! * `read/bytes/N`: `text::document_from_bytes` (UTF-8 check, format, header) on N bytes;
//! * `split/bytes/N`: `sentences::split` on a generated policy of N bytes;
//! * `tokenize/{ascii,unicode}/sentences/N`: the normaliser's two paths;
//! * `transform/sentences/N`: `Vectoriser::transform_into` (one thread, reused `Scratch`);
//! * `probabilities/sentences/N`: `Model::probabilities` (vectorise + sparse scoring, rayon
//!   over chunks of 256); minus `transform` it is the cost of the sparse scoring;
//! * `probabilities_of_blocks/sentences/N`: `Model::probabilities_of_blocks` with the
//!   sentences in paragraphs of four (each in its paragraph's context, then the neighbour
//!   stage);
//! * `tag_document/bytes/N`: `predict::tag_document` end to end for one document.
//!
//! The model is the shipped `models/default.model` (trained on the team's own corpus); if it
//! cannot be loaded, a model is trained on `datasets/corpus.csv` with fixed thresholds. All
//! text is the team-written sentences of `datasets/corpus.csv` (fictional organisations),
//! arranged into policies by a fixed pseudo-random order; no real policy text is used.
//!
//! Run: `cargo bench --bench hot_path` (`-- --quick` for a fast pass, `-- split` to filter).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use policy_classifier::data::LabelledData;
use policy_classifier::features::{Normaliser, Scratch, SparseRow, Tokens};
use policy_classifier::model::{Model, TrainParams, Units};
use policy_classifier::predict;
use policy_classifier::sentences::{self, SplitOptions};
use policy_classifier::text::{self, ReadOptions};
use std::hint::black_box;
use std::path::{Path, PathBuf};

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// The team's sentences, in file order.
fn corpus() -> LabelledData {
    LabelledData::read_all(&[repo("datasets/corpus.csv")])
        .expect("datasets/corpus.csv is part of the repository")
}

fn model(data: &LabelledData) -> Model {
    match Model::load(&repo("models/default.model")) {
        Ok(m) => {
            eprintln!("hot_path: model models/default.model");
            return m;
        }
        Err(e) => eprintln!("hot_path: {e}; training a model on datasets/corpus.csv instead"),
    }
    let params = TrainParams {
        threshold_folds: 0,
        ..TrainParams::default()
    }
    .check()
    .expect("default parameters are valid");
    Model::fit(data, &params, &|_| {}).expect("the team corpus trains")
}

/// A deterministic pseudo-random sequence (splitmix64), so every run sees the same text.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut x = self.0;
        x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        x ^ (x >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// `n` sentences drawn from the corpus (with repetition once it is exhausted).
fn sentences_of(data: &LabelledData, n: usize, seed: u64) -> Vec<String> {
    let mut rng = Rng(seed);
    (0..n)
        .map(|_| data.texts[rng.below(data.texts.len())].clone())
        .collect()
}

/// A policy of about `bytes` bytes in the layout of the unlabelled corpus: a title, headings,
/// paragraphs of 1–4 sentences on one line each, bullet lists, blank lines between blocks.
fn policy_of(data: &LabelledData, bytes: usize, seed: u64) -> String {
    let mut rng = Rng(seed);
    let pick = |rng: &mut Rng| data.texts[rng.below(data.texts.len())].as_str();
    let mut out = String::with_capacity(bytes + 1024);
    out.push_str("# Privacy Notice\n\n");
    while out.len() < bytes {
        match rng.below(6) {
            0 => {
                out.push_str("## ");
                let h = pick(&mut rng);
                out.push_str(&h[..h.len().min(60)]);
                out.push_str("\n\n");
            }
            1 => {
                for _ in 0..2 + rng.below(3) {
                    out.push_str("- ");
                    out.push_str(pick(&mut rng));
                    out.push('\n');
                }
                out.push('\n');
            }
            _ => {
                for i in 0..1 + rng.below(4) {
                    if i > 0 {
                        out.push(' ');
                    }
                    out.push_str(pick(&mut rng));
                }
                out.push_str("\n\n");
            }
        }
    }
    out
}

fn size_id(bytes: usize) -> String {
    if bytes >= 1 << 20 {
        format!("{}MiB", bytes >> 20)
    } else {
        format!("{}KiB", bytes >> 10)
    }
}

const DOC_SIZES: [usize; 3] = [2 << 10, 16 << 10, 128 << 10];
const BATCH_SIZES: [usize; 3] = [1, 256, 10_000];

fn bench_read_and_split(c: &mut Criterion) {
    let data = corpus();
    let opts = SplitOptions::default();
    let mut g = c.benchmark_group("read");
    for &size in &DOC_SIZES {
        let doc = policy_of(&data, size, size as u64);
        g.throughput(Throughput::Bytes(doc.len() as u64));
        let path = Path::new("bench.txt");
        g.bench_with_input(
            BenchmarkId::new("bytes", size_id(size)),
            doc.as_bytes(),
            |b, bytes| {
                b.iter(|| {
                    text::document_from_bytes(path, black_box(bytes), &ReadOptions::default())
                        .expect("generated text reads")
                })
            },
        );
    }
    g.finish();
    let mut g = c.benchmark_group("split");
    for &size in &DOC_SIZES {
        let doc = policy_of(&data, size, size as u64);
        g.throughput(Throughput::Bytes(doc.len() as u64));
        g.bench_with_input(
            BenchmarkId::new("bytes", size_id(size)),
            doc.as_str(),
            |b, doc| b.iter(|| sentences::split(black_box(doc), 0, &opts)),
        );
    }
    g.finish();
}

fn bench_tokenize(c: &mut Criterion) {
    let data = corpus();
    let n = 1_000;
    let ascii = sentences_of(&data, n, 1);
    // The same sentences with accented letters and a typographic apostrophe, which send the
    // normaliser down the `tokenizers` path.
    let unicode: Vec<String> = ascii
        .iter()
        .map(|s| s.replace('e', "é").replace('\'', "\u{2019}"))
        .collect();
    let normaliser = Normaliser::new();
    let mut g = c.benchmark_group("tokenize");
    g.throughput(Throughput::Elements(n as u64));
    for (name, texts) in [("ascii", &ascii), ("unicode", &unicode)] {
        g.bench_with_input(
            BenchmarkId::new(format!("{name}/sentences"), n),
            texts,
            |b, texts| {
                let mut tokens = Tokens::default();
                b.iter(|| {
                    for t in texts {
                        normaliser.tokenize(t, &mut tokens);
                        black_box(tokens.len());
                    }
                })
            },
        );
    }
    g.finish();
}

fn bench_transform_and_score(c: &mut Criterion) {
    let data = corpus();
    let model = model(&data);
    let normaliser = Normaliser::new();
    let mut g = c.benchmark_group("transform");
    for &n in &BATCH_SIZES {
        let texts = sentences_of(&data, n, n as u64);
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::new("sentences", n), &texts, |b, texts| {
            let mut scratch = Scratch::default();
            let mut row = SparseRow::new();
            b.iter(|| {
                for t in texts {
                    model
                        .vectoriser()
                        .transform_into(&normaliser, t, None, &mut scratch, &mut row);
                    black_box(row.len());
                }
            })
        });
    }
    g.finish();
    let mut g = c.benchmark_group("probabilities");
    for &n in &BATCH_SIZES {
        let texts = sentences_of(&data, n, n as u64);
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::new("sentences", n), &refs, |b, refs| {
            b.iter(|| model.probabilities(Units::Alone(black_box(refs))))
        });
    }
    g.finish();
    // The same sentences in paragraphs of four, each with its paragraph as context (what
    // `tag_document` does for a model with context features).
    let mut g = c.benchmark_group("probabilities_of_blocks");
    for &n in &BATCH_SIZES[1..] {
        let texts = sentences_of(&data, n, n as u64);
        let blocks: Vec<(usize, &str)> = texts
            .iter()
            .enumerate()
            .map(|(i, t)| (i / 4, t.as_str()))
            .collect();
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::new("sentences", n), &blocks, |b, blocks| {
            b.iter(|| model.probabilities(Units::Blocks(black_box(blocks))))
        });
    }
    g.finish();
    let mut g = c.benchmark_group("tag_document");
    let opts = SplitOptions::default();
    for &size in &DOC_SIZES {
        let doc = text::document_from_bytes(
            Path::new("bench.txt"),
            policy_of(&data, size, size as u64).as_bytes(),
            &ReadOptions::default(),
        )
        .expect("generated text reads");
        g.throughput(Throughput::Bytes(doc.text.len() as u64));
        g.bench_with_input(BenchmarkId::new("bytes", size_id(size)), &doc, |b, doc| {
            b.iter(|| predict::tag_document(&model, doc.clone(), &opts))
        });
    }
    g.finish();
}

criterion_group!(
    benches,
    bench_read_and_split,
    bench_tokenize,
    bench_transform_and_score
);
criterion_main!(benches);
