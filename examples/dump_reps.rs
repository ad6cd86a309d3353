//! Writes a representations file from `classify embed` as TSV on stdout: per word, the word,
//! its cluster ids (comma-separated, one per clustering) and its vector (8-bit components,
//! space-separated; empty unless embedded with `--keep-vectors`). For inspecting the
//! representations with other tools (`bench/dense_probe.py` reads it).
//!
//! `cargo run --release --example dump_reps -- models/representations.bin > reps.tsv`

use policy_classifier::embed::Representations;
use std::io::Write;
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Some(path) = std::env::args_os().nth(1).map(PathBuf::from) else {
        return Err("usage: dump_reps REPRESENTATIONS.bin".into());
    };
    let r = Representations::load(&path)?;
    let dim = r.params.dim;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for (i, w) in r.words.iter().enumerate() {
        let ids: Vec<String> = r.clusterings.iter().map(|c| c.ids[i].to_string()).collect();
        let v: Vec<String> = r
            .vectors
            .get(i * dim..(i + 1) * dim)
            .unwrap_or(&[])
            .iter()
            .map(|x| x.to_string())
            .collect();
        writeln!(out, "{w}\t{}\t{}", ids.join(","), v.join(" "))?;
    }
    Ok(())
}
