//! `bench` arguments: the paper's tables, scale, speed.

use super::shared::parse_k_range;
use super::solvers::{BenchSolversArgs, SolverArgs};
use clap::{Args, Subcommand, ValueEnum};
use polyclust::mpc::MinClusterSize;
use std::path::PathBuf;

/// Benchmarks.
#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Every pair of clusters solved by every compiled-in backend, side by side;
    /// with `--mpc`, one whole MPC run per backend.
    Solvers(BenchSolversArgs),
    /// The paper's protocol (best silhouette over k = 2..10 and seeds) for
    /// k-means++, MPC-1 and MPC-2 on every instance of a suite; writes
    /// results.csv and results.md beside the paper's Tables 1–4.
    Paper(BenchPaperArgs),
    /// One thread, median seconds of one run (one k, one seed) of MPC-1 and
    /// MPC-2 over a range of k, beside scikit-learn's k-means++ and ExKMC-1
    /// when a Python with them is given; prints the ratios.
    Speed(BenchSpeedArgs),
    /// MPC-1 and MPC-2 runs on generated blobs of 10⁵ and 10⁶ rows: seconds,
    /// peak memory, fidelity, the sampled silhouette beside k-means++'s, and
    /// the sampled silhouette against the exact one at 2·10⁴ rows.
    Scale(BenchScaleArgs),
    /// Every method at the reference k (the number of classes) of every
    /// labelled instance: ARI, NCA, silhouette, price of explainability,
    /// explanation size, mean over seeds; polyclust's configurations and
    /// k-means++, and with `--python` scikit-learn's and ExKMC's; writes
    /// results.csv and results.md.
    Reference(super::super::reference::BenchReferenceArgs),
    /// Seconds and bytes of the HTML report beyond the fit, on the
    /// registry's instances and on generated blobs of 10⁶ rows.
    Report(super::super::report::BenchReportArgs),
}

/// `bench scale` arguments.
#[derive(Debug, Args)]
pub struct BenchScaleArgs {
    /// Row counts of the generated instances.
    #[arg(long, value_delimiter = ',', default_value = "100000,1000000")]
    pub rows: Vec<usize>,
    /// Features of the generated instances.
    #[arg(long, default_value_t = 6)]
    pub dims: usize,
    /// Blobs of the generated instances, and k of every run.
    #[arg(long, default_value_t = 6)]
    pub clusters: usize,
    /// Rows at which the sampled silhouette is compared with the exact one.
    #[arg(long, default_value_t = 20_000)]
    pub check_rows: usize,
    /// Print the rows as one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// `bench speed` arguments.
#[derive(Debug, Args)]
pub struct BenchSpeedArgs {
    /// Instances of the POLYCLUST_INSTANCES registry.
    #[arg(
        long,
        value_name = "A,B,...",
        value_delimiter = ',',
        default_value = "hepta,lsun,atom,engytime,iris,wine,seeds,framingham,spam"
    )]
    pub instances: Vec<String>,
    /// Values of k, A..B inclusive.
    #[arg(long, value_name = "A..B", default_value = "2..10", value_parser = parse_k_range)]
    pub k_range: (usize, usize),
    /// Seed of every run.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Threads of every run (the comparison is made with one).
    #[arg(long, default_value_t = 1)]
    pub threads: usize,
    /// Smallest cluster size (1: the paper's protocol, as the peers run).
    #[arg(long, value_name = "N|P%", default_value = "1")]
    pub min_cluster_size: MinClusterSize,
    /// A Python interpreter with scikit-learn (and ExKMC) for the peers'
    /// columns; without it only polyclust's columns are measured.
    #[arg(long, value_name = "PYTHON")]
    pub python: Option<PathBuf>,
    /// Times every run (polyclust's and the peers') is repeated; the
    /// fastest of its repeats is kept, since a busy machine only adds time.
    #[arg(long, value_name = "R", default_value_t = 1)]
    pub repeats: usize,
    /// Print the rows as one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// Instance suites of the registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SuiteArg {
    /// The fundamental clustering problems suite (paper Tables 1 and 3).
    Fcps,
    /// The UCI sets (paper Tables 2 and 4).
    Uci,
    /// Both.
    All,
}

impl SuiteArg {
    /// Whether an instance of registry suite `suite` belongs to the selection.
    pub fn includes(self, suite: &str) -> bool {
        match self {
            SuiteArg::Fcps => suite == "fcps",
            SuiteArg::Uci => suite == "uci",
            SuiteArg::All => true,
        }
    }
}

/// `bench paper` arguments.
#[derive(Debug, Args)]
pub struct BenchPaperArgs {
    /// Which suite of the POLYCLUST_INSTANCES registry to run.
    #[arg(long, default_value = "all", conflicts_with = "instances")]
    pub suite: SuiteArg,
    /// Only these instances, in this order.
    #[arg(long, value_name = "A,B,...", value_delimiter = ',')]
    pub instances: Vec<String>,
    /// Seeds per k (the paper ran 100).
    #[arg(long, default_value_t = 100)]
    pub restarts: usize,
    /// Values of k tried, A..B inclusive (the paper: 2..10).
    #[arg(long, value_name = "A..B", default_value = "2..10", value_parser = parse_k_range)]
    pub k_range: (usize, usize),
    /// First seed; run r of every k uses seed + r.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Smallest cluster size of every method's runs: rows (15) or a share
    /// (1%); a k-means++ run with a smaller cluster is discarded. 1 is the
    /// paper's unconstrained protocol.
    #[arg(long, value_name = "N|P%", default_value = "1%")]
    pub min_cluster_size: MinClusterSize,
    /// Hyperplane solver of the MPC runs.
    #[command(flatten)]
    pub solver: SolverArgs,
    /// Wall-clock limit of one MPC run, seconds.
    #[arg(long, value_name = "S", allow_negative_numbers = true)]
    pub time_limit: Option<f64>,
    /// Run the (k, seed) MPC runs of an instance one at a time instead of
    /// side by side, so each run's seconds are those of a run alone on the
    /// machine (it still uses every core inside); the total takes longer.
    #[arg(long)]
    pub one_run_at_a_time: bool,
    /// Directory for results.csv and results.md (created if needed).
    #[arg(long, value_name = "DIR", default_value = "bench-paper")]
    pub out: PathBuf,
    /// Print the rows as one JSON object.
    #[arg(long)]
    pub json: bool,
}
