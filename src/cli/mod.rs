//! The `polyclust` command line: a thin layer over the library. Every error
//! becomes one sentence on stderr and exit code 2.

mod args;
mod bench;
mod benchmark;
mod cluster;
mod commands;
mod ibc;
mod instances;
mod load;
mod output;
mod peer_script;
mod plot;
mod progress;
mod reference;
mod report;
mod safe_output;
mod screening;
mod solvers;
mod vocabulary;
mod write_error;

use args::Cli;

use clap::Parser;
use std::process::ExitCode;

/// Parse the process arguments, run the command, map errors to exit code 2.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    safe_output::install_interrupt_cleanup();
    let result = commands::run(cli).and_then(|()| Ok(output::flush_stdout()?));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // The reader went away (`| head`): nothing is wrong and nothing is
        // left to say.
        Err(e) if output::is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            let mut msg = String::new();
            for (i, cause) in e.chain().enumerate() {
                if i > 0 {
                    msg.push_str(": ");
                }
                msg.push_str(&cause.to_string());
            }
            output::warn(&format!("error: {}", vocabulary::with_flags(&msg)));
            ExitCode::from(2)
        }
    }
}
