//! `bench reference` arguments.

use clap::Args;
use std::path::PathBuf;

/// `bench reference` arguments.
#[derive(Debug, Args)]
pub struct BenchReferenceArgs {
    /// Only these instances of the POLYCLUST_INSTANCES registry, in this
    /// order (default: every instance with a label column).
    #[arg(long, value_name = "A,B,...", value_delimiter = ',')]
    pub instances: Vec<String>,
    /// Seeds 0..N of every method (ARI, NCA, … are means over them).
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub seeds: u64,
    /// A Python with scikit-learn and ExKMC for the peers' rows
    /// (`bash benches/peers/setup.sh` builds one and prints it).
    #[arg(long, value_name = "PYTHON")]
    pub python: Option<PathBuf>,
    /// Directory for results.csv and results.md (created if needed).
    #[arg(long, value_name = "DIR", default_value = "bench-reference")]
    pub out: PathBuf,
    /// Print the rows as one JSON object.
    #[arg(long)]
    pub json: bool,
}
