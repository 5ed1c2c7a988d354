//! Arguments of the separating-hyperplane commands: `hyperplane`, `export-model`, `bench solvers`.

use super::data::DataArgs;
use super::shared::SPEC;
use clap::{Args, ValueEnum};
use polyclust::hyperplane::Backend;
use polyclust::mpc::Preset;
use std::path::PathBuf;

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
