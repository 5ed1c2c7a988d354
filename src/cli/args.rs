//! Command-line arguments (clap derive).

use clap::{Args, Parser, Subcommand, ValueEnum};
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
}

/// A built-in generated instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Generated {
    /// Five Gaussian blobs in 3-D, 600 points.
    Blobs,
    /// 2-D quadrants whose regimes follow sign(x1·x2), 800 points.
    Quadrants,
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
    pub generate: Option<Generated>,
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
    /// Seed of the generated instance.
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub generate_seed: u64,
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
}
