//! The error of a metric asked of a clustering it is not defined for.

use thiserror::Error;

/// A clustering the metric is not defined for.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum MetricsError {
    /// Silhouette needs 2 ≤ number of clusters ≤ n − 1.
    #[error(
        "silhouette needs between 2 and n - 1 clusters, got {clusters} clusters for n = {n} points"
    )]
    ClusterCount {
        /// Clusters present.
        clusters: usize,
        /// Points.
        n: usize,
    },
    /// Labels and data disagree in length.
    #[error("{labels} labels for {n} points")]
    Length {
        /// Labels given.
        labels: usize,
        /// Points.
        n: usize,
    },
    /// A sampled silhouette's settings that cannot work.
    #[error("invalid {field}: {reason}")]
    Sampling {
        /// `sample-size` or `repeats`.
        field: &'static str,
        /// What is wrong and what is allowed.
        reason: String,
    },
    /// A sample drew rows of a single cluster.
    #[error("sample {repeat} of {sample_size} rows holds a single cluster, so its silhouette is undefined; draw a larger sample")]
    SampleOneCluster {
        /// 1-based sample.
        repeat: usize,
        /// Rows of the sample.
        sample_size: usize,
    },
}
