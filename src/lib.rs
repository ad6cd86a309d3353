//! `policy-classifier`: tag privacy-policy sentences with the data practices they state.
//!
//! The data flows one way, one module per step:
//!
//! text ([`text`]) → sentences ([`sentences`]) → features ([`features`]) → model ([`model`],
//! whose second stage is [`neighbours`]) → predictions ([`predict`]) → reports ([`report`]);
//! [`data`] reads labelled CSV for training and [`evaluate`] scores predictions. The library never prints and never parses arguments;
//! the `classify` binary does both.

#![warn(missing_docs)]

pub mod data;
pub mod diff;
pub mod embed;
pub mod error;
pub mod eval;
pub mod features;
pub mod hash;
pub mod import;
pub mod io;
pub mod labels;
pub mod model;
pub mod predict;
pub mod report;
pub mod selftrain;
pub mod sentences;
pub mod text;

pub use error::{Error, Result};
pub use model::{Model, TrainParams};

/// `../shared/corpus` beside the checkout, for the ignored whole-corpus equivalence tests;
/// `None` (with a message) when it is missing.
#[cfg(test)]
fn shared_corpus_for_tests() -> Option<std::path::PathBuf> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("SKIPPED: {} not found", dir.display());
        None
    }
}
