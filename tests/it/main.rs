//! The integration tests, linked as one test binary (one link of the ~90 MB binary instead
//! of eight: `docs/performance.md`, "Session 10"). Each module is one suite; `common` holds
//! the one way to run the binary and to find `../shared`.

mod common;

mod bad_input;
mod cli;
mod corpus;
mod diff;
mod embed;
mod html;
mod html_input;
mod import;
mod inputs;
mod pdf;
mod properties;
mod reliability;
mod selftrain;
