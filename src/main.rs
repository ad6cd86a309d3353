//! The `classify` binary: parse arguments, run one command, map errors to exit codes
//! (0 success, 1 some inputs failed, 2 usage or fatal error).

mod cli;
mod commands;
mod output;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match commands::run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("classify: error: {}", output::one_line(&e));
            ExitCode::from(2)
        }
    }
}
