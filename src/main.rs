use std::process::ExitCode;

fn main() -> ExitCode {
    polyclust::cli::main()
}
