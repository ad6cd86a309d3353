//! The library's error type.
//!
//! Every variant names what went wrong and, where it applies, the file (and line) at fault and
//! what the user can do about it, so the binary can print it as one line.

use std::path::PathBuf;

/// Errors returned by the library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file or directory could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A labelled CSV file is malformed (missing column, ragged row, unknown label, ...).
    #[error("{path}:{line}: {message}")]
    Csv {
        /// The CSV file.
        path: PathBuf,
        /// 1-based line number in the file (the header is line 1).
        line: u64,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// An input policy file cannot be classified (empty, binary, too large, ...).
    #[error("{path}: {message}")]
    Input {
        /// The policy file.
        path: PathBuf,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// An input that holds nothing to classify by its nature (a PDF with no text layer, i.e. a
    /// scanned image): a batch (`classify report`) lists it as skipped, a command given just
    /// that file reports it as an error.
    #[error("{path}: {message}")]
    NothingToRead {
        /// The policy file.
        path: PathBuf,
        /// Why, and what to do (e.g. run OCR first).
        message: String,
    },
    /// A model file is missing, truncated, corrupt or of another format version.
    #[error("{path}: {message}")]
    Model {
        /// The model file.
        path: PathBuf,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// Parameters or training data cannot produce a model.
    #[error("{0}")]
    Train(String),
    /// Invalid parameters (rejected by a `check()`).
    #[error("invalid parameter: {0}")]
    Params(String),
    /// A report table could not be built or written.
    #[error("{path}: {message}")]
    Report {
        /// The output file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
}

impl Error {
    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
