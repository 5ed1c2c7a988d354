//! Arguments of the clustering commands: `cluster`, `interactions`, `predict`, `explain`.

use super::data::DataArgs;
use super::shared::{parse_k_range, SPEC};
use super::solvers::SolverArgs;
use clap::{Args, ValueEnum};
use polyclust::mpc::{CoarseStart, MinClusterSize, Preset};
use std::path::PathBuf;

/// Output format of `explain`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RuleFormat {
    /// Readable rules.
    Text,
    /// Rules as JSON.
    Json,
    /// One SQL CASE WHEN … END expression.
    Sql,
}

/// `cluster` arguments.
#[derive(Debug, Args)]
pub struct ClusterArgs {
    /// Data.
    #[command(flatten)]
    pub data: DataArgs,
    /// Number of clusters.
    #[arg(long, required_unless_present_any = ["k_range", "labels_from"], conflicts_with = "k_range")]
    pub k: Option<usize>,
    /// Explain the clustering given in this column (segments, classes) instead of clustering.
    #[arg(long, value_name = "COL", conflicts_with_all = ["k", "k_range", "target"])]
    pub labels_from: Option<String>,
    /// Add the top K screened interaction products to the explanation space.
    #[arg(long, value_name = "K")]
    pub interactions: Option<usize>,
    /// Numeric (or class) column to screen interactions against; default: the
    /// clusters (given ones, or an initial k-means labelling, one-vs-rest).
    #[arg(long, value_name = "COL", requires = "interactions")]
    pub target: Option<String>,
    /// Interaction screening method.
    #[arg(long, value_enum, default_value_t = SPEC.interaction_method)]
    pub interaction_method: polyclust::interactions::ScreenMethod,
    /// Try every k in A..B (inclusive) and keep the best silhouette (the paper's protocol).
    #[arg(long, value_name = "A..B", value_parser = parse_k_range)]
    pub k_range: Option<(usize, usize)>,
    /// Seeds per k (the best silhouette over k and seeds is kept).
    #[arg(long, default_value_t = SPEC.restarts)]
    pub restarts: usize,
    /// The paper's settings: mpc1 (M = beta = 1) or mpc2 (M = 3, beta = 2,
    /// the default).
    #[arg(long, conflicts_with_all = ["m", "beta", "axis_parallel"])]
    pub preset: Option<Preset>,
    /// Largest number of clusters the coordinate descent may reach by splits
    /// (default: the run's k; with --k-range, the top of the range).
    #[arg(long, value_name = "K")]
    pub k_max: Option<usize>,
    /// Fewest clusters the coordinate descent may reach by merges (default:
    /// the run's k, so --k K returns K clusters; with --k-range, the bottom
    /// of the range).
    #[arg(long, value_name = "K")]
    pub k_min: Option<usize>,
    /// What the coordinate descent minimises: the k-means cost of the
    /// polytope partition (explainable k-means) or the silhouette (the MPC
    /// paper's objective).
    #[arg(long, value_enum, default_value_t = SPEC.objective)]
    pub objective: polyclust::mpc::Objective,
    /// Skip the silhouette coordinate descent (Algorithm 2).
    #[arg(long)]
    pub no_search: bool,
    /// Which runs beyond axis-parallel start from the axis-parallel (M = beta
    /// = 1) result and refine it: never, always or both (each run tries
    /// both starts and keeps the better).
    #[arg(long, value_enum, default_value_t = SPEC.coarse_start)]
    pub coarse_start: CoarseStart,
    /// Wall-clock limit of one run, seconds.
    #[arg(long, value_name = "S", allow_negative_numbers = true)]
    pub time_limit: Option<f64>,
    /// Wall-clock budget of the whole protocol (every k and seed), seconds:
    /// runs not started when it ends are skipped, and the result says so.
    #[arg(long, value_name = "S", allow_negative_numbers = true)]
    pub budget: Option<f64>,
    /// Largest absolute integer coefficient M (default: the preset's, 3).
    #[arg(long)]
    pub m: Option<u32>,
    /// Largest number of non-zero coefficients (default: the preset's, 2).
    #[arg(long)]
    pub beta: Option<usize>,
    /// Real coefficients in [-1, 1] instead of integers (needs --backend highs).
    #[arg(long)]
    pub general: bool,
    /// Axis-parallel hyperplanes (M = beta = 1), as --preset mpc1.
    #[arg(long, conflicts_with_all = ["m", "beta", "general"])]
    pub axis_parallel: bool,
    /// Weight of the representation error.
    #[arg(long, default_value_t = SPEC.lambda, allow_negative_numbers = true)]
    pub lambda: f64,
    /// Smallest cluster size: a number of rows (15) or a share of them (1%,
    /// at least 2 rows). 1 is the paper's unconstrained protocol.
    #[arg(long, alias = "n-min", value_name = "N|P%", default_value_t = SPEC.min_cluster_size)]
    pub min_cluster_size: MinClusterSize,
    /// Above this many rows the coordinate descent scores the silhouette on a
    /// fixed sample of this size, and the reported silhouette is an estimate
    /// over independent samples (with its standard error).
    #[arg(long, value_name = "N", default_value_t = SPEC.sample_size)]
    pub sample_size: usize,
    /// Most polytopes per cluster: with P > 1 a cluster may be the union of
    /// up to P polytopes (an OR of ANDs), when the rows fall into k groups
    /// that do not touch (a ring, interlocked rings, an L); otherwise one
    /// polytope per cluster, as with 1.
    #[arg(long, value_name = "P", default_value_t = SPEC.pieces)]
    pub pieces: usize,
    /// Set rows that belong to no segment apart as outliers (label -1):
    /// rows farther from their cluster's centre than the median distance +
    /// 3 robust standard deviations.
    #[arg(long, conflicts_with = "labels_from")]
    pub outliers: bool,
    /// Draw silhouette and smallest cluster against k (with --k-range) as SVG.
    #[arg(long, value_name = "FILE.svg", requires = "k_range")]
    pub plot_k: Option<PathBuf>,
    /// Largest cluster size.
    #[arg(long)]
    pub n_max: Option<usize>,
    /// Hyperplane solver.
    #[command(flatten)]
    pub solver: SolverArgs,
    /// Seed.
    #[arg(long, default_value_t = SPEC.seed)]
    pub seed: u64,
    /// k-means restarts of the initial clustering.
    #[arg(long, default_value_t = SPEC.kmeans_restarts)]
    pub kmeans_restarts: usize,
    /// Add `x ≥ q-quantile` indicators (q = 1/Q … (Q−1)/Q) to the explanation space.
    #[arg(long, value_name = "Q")]
    pub binarize: Option<usize>,
    /// Write assignments.csv, model.json, rules.txt and rules.sql here.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Draw the clusters and polytope boundaries of 2-D data as SVG.
    #[arg(long, value_name = "FILE.svg")]
    pub plot: Option<PathBuf>,
    /// Two columns to plot when the data have more than two.
    #[arg(long, value_name = "A,B", value_delimiter = ',')]
    pub plot_columns: Option<Vec<String>>,
    /// The HTML report (`--report FILE.html`).
    #[command(flatten)]
    pub report: super::super::report::ClusterReportArgs,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// `interactions` arguments.
#[derive(Debug, Args)]
pub struct InteractionsArgs {
    /// CSV with a header row.
    #[arg(
        long,
        value_name = "FILE",
        required_unless_present = "synthetic",
        conflicts_with = "synthetic"
    )]
    pub data: Option<PathBuf>,
    /// Numeric target column.
    #[arg(long, value_name = "COL", required_unless_present = "synthetic")]
    pub target: Option<String>,
    /// Columns to ignore (ids); repeatable.
    #[arg(long, value_name = "COL")]
    pub drop: Vec<String>,
    /// Screening method.
    #[arg(long, default_value = "lasso")]
    pub method: polyclust::interactions::ScreenMethod,
    /// Highest interaction order.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u8).range(2..=3))]
    pub degree: u8,
    /// How many interactions to print.
    #[arg(long, default_value_t = 10)]
    pub top: usize,
    /// Seed (folds, network initialisation).
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// NID benchmark functions: `f1..f10`, `all`, or a list such as `f1,f4`.
    #[arg(long, value_name = "LIST")]
    pub synthetic: Option<String>,
    /// Seeds per benchmark function (results are means).
    #[arg(long, default_value_t = 5)]
    pub seeds: u64,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// `predict` arguments.
#[derive(Debug, Args)]
pub struct PredictArgs {
    /// A model.json written by `cluster --out`.
    #[arg(long, value_name = "FILE")]
    pub model: PathBuf,
    /// CSV with the model's input columns.
    #[arg(long, value_name = "FILE")]
    pub data: PathBuf,
    /// Write the CSV to this file instead of standard output; it takes the
    /// place of an earlier file only once every row is written.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Rows read, encoded and decided at a time (chunks run in parallel).
    #[arg(long, value_name = "N", default_value_t = 65_536,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
    pub chunk_rows: usize,
}

/// `explain` arguments.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A model.json written by `cluster --out`.
    #[arg(long, value_name = "FILE")]
    pub model: PathBuf,
    /// Output format.
    #[arg(long, default_value = "text")]
    pub format: RuleFormat,
    /// SQL dialect of --format sql (default: ansi, which SQLite, DuckDB and PostgreSQL read).
    #[arg(long)]
    pub dialect: Option<polyclust::explain::Dialect>,
    /// Print `SELECT <columns>, <rules> AS cluster FROM NAME` (--format sql);
    /// NAME is written as given: a table, `schema.table` or any FROM item.
    #[arg(long, value_name = "NAME")]
    pub table: Option<String>,
    /// Columns of the table to select beside the cluster (default: all, `*`).
    #[arg(long, value_name = "COL", value_delimiter = ',', requires = "table")]
    pub keep: Vec<String>,
    /// Name of the output column (default: cluster, or cluster_1, … when
    /// the table already has a column of that name).
    #[arg(long, value_name = "NAME", requires = "table")]
    pub column: Option<String>,
}
