//! Command-line arguments (clap derive).

use clap::{Args, Parser, Subcommand, ValueEnum};
use polyclust::data::{GeneratorKind, GeneratorSpec};
use polyclust::hyperplane::Backend;
use polyclust::mpc::{CoarseStart, MinClusterSize, Preset};
use polyclust::ClusterSpec;
use std::path::PathBuf;

/// Interpretable clustering with polytopes.
#[derive(Debug, Parser)]
#[command(name = "polyclust", version, about, long_about = None)]
pub struct Cli {
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Benchmark instances in the directory named by POLYCLUST_INSTANCES.
    Instances {
        /// What to do with the instances.
        #[command(subcommand)]
        action: InstancesAction,
    },
    /// Silhouette (and ARI against ground truth) of labels given in a column.
    Score(ScoreArgs),
    /// k-means++ with Lloyd iterations and restarts.
    Kmeans(KmeansArgs),
    /// Multi-Polytope Clustering: clusters explained by polytopes.
    Cluster(Box<ClusterArgs>),
    /// Assign new rows with a saved model (prints `row,cluster` CSV).
    Predict(PredictArgs),
    /// Write a generated instance of any size as CSV with a `label`
    /// column, row by row (the rows of `--generate NAME`).
    Generate(GenerateArgs),
    /// Print a saved model's rules as text, JSON or SQL.
    Explain(ExplainArgs),
    /// Write one self-contained HTML page of a saved model on data: summary,
    /// one card per cluster, a scatter with the boundaries, the SQL.
    Report(super::report::ReportArgs),
    /// Solve one separating-hyperplane problem (1)–(12) between two labelled clusters.
    Hyperplane(HyperplaneArgs),
    /// Write the separating-hyperplane MILP of one pair as an LP or MPS file.
    ExportModel(ExportModelArgs),
    /// Rank interactions by lasso-CV or Neural Interaction Detection; or run
    /// the NID benchmark F1–F10.
    Interactions(InteractionsArgs),
    /// Interaction-based regimes: models A/B/C/D under cross-validation.
    Ibc(super::ibc::IbcArgs),
    /// Benchmarks that write tables.
    Bench {
        /// Which benchmark.
        #[command(subcommand)]
        which: BenchCommand,
    },
}

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
    Reference(super::reference::BenchReferenceArgs),
    /// Seconds and bytes of the HTML report beyond the fit, on the
    /// registry's instances and on generated blobs of 10⁶ rows.
    Report(super::report::BenchReportArgs),
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

/// Which pair and which hyperplane family (shared by `hyperplane` and `export-model`).
#[derive(Debug, Clone, Args)]
pub struct PairArgs {
    /// Data.
    #[command(flatten)]
    pub data: DataArgs,
    /// Column whose values define the clusters (default: the label column).
    #[arg(long, value_name = "COL")]
    pub labels_from: Option<String>,
    /// Label of cluster i (the side w·x + b ≥ 0).
    #[arg(long, value_name = "LABEL")]
    pub i: String,
    /// Label of cluster j (the side w·x + b ≤ −ε).
    #[arg(long, value_name = "LABEL")]
    pub j: String,
    /// Hyperplane family.
    #[command(flatten)]
    pub family: FamilyArgs,
}

/// The hyperplane solver of MPC runs.
#[derive(Debug, Clone, Args)]
pub struct SolverArgs {
    /// Hyperplane solver.
    #[arg(long, value_enum, default_value_t = SPEC.backend)]
    pub backend: Backend,
    /// Time limit per hyperplane MILP, seconds (MILP backends).
    #[arg(long, default_value_t = SPEC.solver_time_limit, allow_negative_numbers = true)]
    pub solver_time_limit: f64,
}

/// M, beta and the coefficient kind.
#[derive(Debug, Clone, Args)]
pub struct FamilyArgs {
    /// Largest absolute integer coefficient M.
    #[arg(long, default_value_t = 3)]
    pub m: u32,
    /// Largest number of non-zero coefficients.
    #[arg(long, default_value_t = 2)]
    pub beta: usize,
    /// Real coefficients in [-1, 1] instead of integers.
    #[arg(long)]
    pub general: bool,
}

impl FamilyArgs {
    /// The coefficient kind of `--general`.
    pub fn coefficients(&self) -> polyclust::hyperplane::Coefficients {
        if self.general {
            polyclust::hyperplane::Coefficients::General
        } else {
            polyclust::hyperplane::Coefficients::Integer
        }
    }
}

/// `hyperplane` arguments.
#[derive(Debug, Args)]
pub struct HyperplaneArgs {
    /// Pair and family.
    #[command(flatten)]
    pub pair: PairArgs,
    /// Solver backend.
    #[arg(long, default_value = "enumerate")]
    pub backend: Backend,
    /// Time limit for the MILP backends, seconds.
    #[arg(long, default_value_t = 60.0, allow_negative_numbers = true)]
    pub time_limit: f64,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// Export file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ModelFormat {
    /// CPLEX LP format.
    Lp,
    /// Free MPS format.
    Mps,
}

/// `export-model` arguments.
#[derive(Debug, Args)]
pub struct ExportModelArgs {
    /// Pair and family.
    #[command(flatten)]
    pub pair: PairArgs,
    /// File format.
    #[arg(long, default_value = "lp")]
    pub format: ModelFormat,
    /// Output file.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
}

/// `bench solvers` arguments.
#[derive(Debug, Args)]
pub struct BenchSolversArgs {
    /// Data.
    #[command(flatten)]
    pub data: DataArgs,
    /// Column whose values define the clusters (default: the label column).
    #[arg(long, value_name = "COL", conflicts_with = "mpc")]
    pub labels_from: Option<String>,
    /// Hyperplane family.
    #[command(flatten)]
    pub family: FamilyArgs,
    /// The paper's settings: mpc1 (M = beta = 1) or mpc2 (M = 3, beta = 2).
    #[arg(long, conflicts_with_all = ["m", "beta", "general"])]
    pub preset: Option<Preset>,
    /// Cluster the data with one whole MPC run per backend (Algorithms 1
    /// and 2) instead of solving the class pairs.
    #[arg(long)]
    pub mpc: bool,
    /// Initial number of clusters of the MPC runs.
    #[arg(long, requires = "mpc", required_if_eq("mpc", "true"))]
    pub k: Option<usize>,
    /// Seed of the MPC runs.
    #[arg(long, default_value_t = 0, requires = "mpc")]
    pub seed: u64,
    /// Time limit per MILP solve, seconds.
    #[arg(long, default_value_t = 60.0, allow_negative_numbers = true)]
    pub time_limit: f64,
    /// Backends to run (default: every compiled-in one).
    #[arg(long, value_delimiter = ',')]
    pub backends: Vec<Backend>,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
}

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

/// The defaults of `cluster`: those of the library's job description.
static SPEC: std::sync::LazyLock<ClusterSpec> = std::sync::LazyLock::new(ClusterSpec::default);

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
    pub report: super::report::ClusterReportArgs,
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

/// Parse `A..B` (inclusive) with 2 ≤ A ≤ B.
fn parse_k_range(text: &str) -> Result<(usize, usize), String> {
    let (a, b) = text
        .split_once("..")
        .ok_or_else(|| format!("'{text}' is not a range A..B such as 2..10"))?;
    let a: usize = a
        .trim()
        .parse()
        .map_err(|_| format!("'{a}' is not a whole number"))?;
    let b: usize = b
        .trim()
        .trim_start_matches('=')
        .parse()
        .map_err(|_| format!("'{b}' is not a whole number"))?;
    if a < 2 || b < a {
        return Err(format!("range {a}..{b} must satisfy 2 <= A <= B"));
    }
    Ok((a, b))
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

/// `instances` actions.
#[derive(Debug, Subcommand)]
pub enum InstancesAction {
    /// List the instances: name, n, d, suite.
    List {
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Check every instance file: present, with the manifest's row count and
    /// sha256, and for a public instance also polyclust's own manifest entry.
    /// One line per instance; exit code 2 when any fails.
    Verify,
    /// Write the generated instances shipped in instances/generated/ (CSVs and
    /// manifest.json) into a directory.
    Generate {
        /// Directory to write (created when missing).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
}

/// Where the data come from (exactly one source).
#[derive(Debug, Clone, Args)]
#[group(required = true, multiple = false, id = "source")]
pub struct Source {
    /// An instance from the POLYCLUST_INSTANCES directory.
    #[arg(long, value_name = "NAME")]
    pub instance: Option<String>,
    /// A CSV file with a header row.
    #[arg(long, value_name = "FILE")]
    pub data: Option<PathBuf>,
    /// A built-in generated instance (no download).
    #[arg(long, value_name = "NAME")]
    pub generate: Option<GeneratorKind>,
}

/// How to read the data.
#[derive(Debug, Clone, Args)]
pub struct DataArgs {
    /// Data source.
    #[command(flatten)]
    pub source: Source,
    /// Column holding the ground-truth label (kept out of the features).
    #[arg(long, value_name = "COL", default_value = "label")]
    pub label_column: String,
    /// The file has no label column.
    #[arg(long, conflicts_with = "label_column")]
    pub no_label: bool,
    /// Columns to ignore (ids); repeatable.
    #[arg(long, value_name = "COL")]
    pub drop: Vec<String>,
    /// Columns to one-hot encode even where their values are numbers;
    /// repeatable.
    #[arg(long, value_name = "COL")]
    pub categorical: Vec<String>,
    /// The character between cells: , ; tab | or any one character
    /// (default: Excel's `sep=` line, else detected).
    #[arg(long, value_name = "CHAR", value_parser = parse_delimiter)]
    pub delimiter: Option<u8>,
    /// The decimal mark of numbers: . or , (default: detected from the cells).
    #[arg(long, value_name = "MARK", value_parser = parse_decimal)]
    pub decimal: Option<polyclust::data::DecimalMark>,
    /// Rows with a missing cell (empty, NA or ?): drop them (reported), or
    /// keep them with the cell read as its column's median or most frequent
    /// category (recorded in the model, so `predict` reads them alike).
    #[arg(long, value_name = "HOW", default_value = "drop")]
    pub missing: polyclust::data::MissingPolicy,
    /// Columns of dates or times: left out (exclude), or read as days since
    /// 1970-01-01 and hours since midnight (as-number).
    #[arg(long, value_name = "HOW", default_value = "exclude")]
    pub dates: polyclust::data::DatePolicy,
    /// The most categories a categorical column may have.
    #[arg(long, value_name = "N", default_value_t = polyclust::data::MAX_LEVELS)]
    pub max_levels: usize,
    /// Seed of the generated instance.
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub generate_seed: u64,
    /// Shape of the generated instance.
    #[command(flatten)]
    pub shape: ShapeArgs,
}

/// `--delimiter`: one character, or `tab`.
fn parse_delimiter(text: &str) -> Result<u8, String> {
    match text {
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        _ if text.len() == 1 && text.is_ascii() && text != "\"" => Ok(text.as_bytes()[0]),
        _ => Err(format!(
            "'{text}' is not one character: give , ; | tab or another single ASCII character"
        )),
    }
}

/// `--decimal`: `.` or `,`.
fn parse_decimal(text: &str) -> Result<polyclust::data::DecimalMark, String> {
    polyclust::data::DecimalMark::from_flag(text)
        .ok_or_else(|| format!("'{text}' is not a decimal mark: give . or ,"))
}

/// The shape of a generated instance.
#[derive(Debug, Clone, Args)]
pub struct ShapeArgs {
    /// Rows of the generated instance (default: blobs 600, quadrants 800).
    #[arg(long, value_name = "N")]
    pub rows: Option<usize>,
    /// Dimensions of generated blobs (default 3).
    #[arg(long, value_name = "D")]
    pub dims: Option<usize>,
    /// Clusters of generated blobs (default 5).
    #[arg(long, value_name = "K")]
    pub clusters: Option<usize>,
}

impl ShapeArgs {
    /// The generator `kind` in this shape.
    pub fn spec(&self, kind: GeneratorKind, seed: u64) -> GeneratorSpec {
        GeneratorSpec {
            rows: self.rows,
            dims: self.dims,
            clusters: self.clusters,
            ..GeneratorSpec::new(kind, seed)
        }
    }

    /// Whether any shape argument was given.
    pub fn given(&self) -> bool {
        self.rows.is_some() || self.dims.is_some() || self.clusters.is_some()
    }
}

/// `generate` arguments.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Which generator.
    #[arg(value_name = "NAME")]
    pub kind: GeneratorKind,
    /// Shape.
    #[command(flatten)]
    pub shape: ShapeArgs,
    /// Seed (the same instance as `--generate NAME --generate-seed S`).
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
    /// CSV file to write (default: standard output).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// `score` arguments.
#[derive(Debug, Args)]
pub struct ScoreArgs {
    /// Data.
    #[command(flatten)]
    pub data: DataArgs,
    /// Column whose values are the clusters to score (default: the label column).
    #[arg(long, value_name = "COL")]
    pub labels_from: Option<String>,
    /// Estimate the silhouette from samples of N rows drawn without
    /// replacement (exact when the data have at most N rows).
    #[arg(long, value_name = "N")]
    pub sample_size: Option<usize>,
    /// Samples of --sample-size rows; the estimate is their mean, with a
    /// standard error.
    #[arg(long, value_name = "R", default_value_t = 10, requires = "sample_size")]
    pub repeats: usize,
    /// Seed of the samples.
    #[arg(long, default_value_t = 0, requires = "sample_size")]
    pub seed: u64,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// `kmeans` arguments.
#[derive(Debug, Args)]
pub struct KmeansArgs {
    /// Data.
    #[command(flatten)]
    pub data: DataArgs,
    /// Number of clusters.
    #[arg(long)]
    pub k: usize,
    /// Seed.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Restarts (best inertia kept).
    #[arg(long, default_value_t = 10)]
    pub restarts: usize,
    /// Above this many rows the silhouette is estimated from samples of this
    /// size (as `cluster` reports it: the same samples for the same seed).
    #[arg(long, value_name = "N", default_value_t = polyclust::mpc::DEFAULT_SAMPLE_SIZE)]
    pub sample_size: usize,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    /// `cluster`'s flags that are not settings of the job, and why.
    const CLI_ONLY: [(&str, &str); 27] = [
        ("instance", "data source"),
        ("data", "data source"),
        ("generate", "data source"),
        ("generate_seed", "data source"),
        ("rows", "data source"),
        ("dims", "data source"),
        ("clusters", "data source"),
        ("label_column", "data reading"),
        ("no_label", "data reading"),
        ("drop", "data reading"),
        ("categorical", "data reading (Python: the frame's dtypes)"),
        ("delimiter", "data reading"),
        ("decimal", "data reading"),
        ("missing", "data reading (Python: missing=)"),
        ("dates", "data reading"),
        ("max_levels", "data reading"),
        ("target", "input: Python fit(X, y)"),
        ("labels_from", "input: Python explain(X, labels)"),
        ("out", "output"),
        ("plot", "output"),
        ("plot_columns", "output"),
        ("plot_k", "output"),
        ("json", "output"),
        ("report", "output (Python: report(X, path))"),
        ("columns", "output: the report's scatter"),
        ("dialect", "output: the report's SQL"),
        ("plot_rows", "output: the report's scatter"),
    ];

    /// Flags that set a job setting of another name.
    const ALIASES: [(&str, &str); 3] = [
        ("general", "coefficients"),
        ("no_search", "local_search"),
        ("axis_parallel", "preset"),
    ];

    /// Every flag of `cluster` is a setting of the library's job
    /// description, an alias of one, or listed as the command line's own;
    /// and every setting has a flag.
    #[test]
    fn every_cluster_flag_is_a_job_setting_or_the_command_lines_own() {
        let cli = Cli::command();
        let cluster = cli.find_subcommand("cluster").unwrap();
        let flags: Vec<String> = cluster
            .get_arguments()
            .map(|a| a.get_id().to_string())
            .filter(|id| id != "help")
            .collect();
        let settings = ClusterSpec::FIELDS;
        for flag in &flags {
            let known = settings.contains(&flag.as_str())
                || ALIASES.iter().any(|(a, _)| a == flag)
                || CLI_ONLY.iter().any(|(c, _)| c == flag);
            assert!(
                known,
                "cluster --{} is neither a ClusterSpec setting nor listed as the command line's own",
                flag.replace('_', "-")
            );
        }
        for setting in settings {
            let reached =
                flags.iter().any(|f| f == setting) || ALIASES.iter().any(|(_, s)| s == &setting);
            assert!(reached, "the job setting {setting} has no cluster flag");
        }
        for (listed, _) in CLI_ONLY.iter().chain(ALIASES.iter()) {
            assert!(
                flags.iter().any(|f| f == listed),
                "{listed} is listed but is not a cluster flag"
            );
        }
    }
}
