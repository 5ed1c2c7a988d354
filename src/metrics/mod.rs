//! Cluster quality: exact silhouette (MPC paper Definition 1), its incremental
//! state for local search, the k-means objective and the adjusted Rand index.

mod agreement;
mod coefficient;
mod distance;
mod distances;
mod error;
mod exact;
mod frame;
mod kernels;
mod kmeans_state;
mod labels;
mod quality;
mod sampled;
mod state;
mod stats;
pub(crate) mod vector;

pub use distance::{euclidean, squared_euclidean};
pub use distances::Distances;
pub use error::MetricsError;
pub use exact::{silhouette, silhouette_samples, silhouette_samples_with};
pub(crate) use frame::SweepFrame;
pub(crate) use kmeans_state::{KMeansFrame, KMeansState};
pub use labels::{adjusted_rand_index, compact_labels};
pub(crate) use quality::cluster_quality_from_samples;
pub(crate) use quality::cluster_quality_until;
pub use quality::{cluster_quality, cluster_quality_with, ClusterQuality};
pub(crate) use sampled::silhouette_sampled_until;
pub use sampled::{silhouette_sampled, SilhouetteEstimate};
pub use state::SilhouetteState;
pub use stats::{inertia, median};

pub use agreement::{normalized_clustering_accuracy, Confusion};
