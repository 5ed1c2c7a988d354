//! Arguments of the baseline commands: `score` and `kmeans`.

use super::data::DataArgs;
use clap::Args;

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
