//! [`MpcParams`] read back.

use super::params::{MinClusterSize, MpcParams};
use crate::hyperplane::Backend;

/// Settings read back, for a caller that reports or reuses them (the
/// builder methods without `get_` set them).
impl MpcParams {
    /// The first seed.
    pub fn get_seed(&self) -> u64 {
        self.seed
    }

    /// The hyperplane backend.
    pub fn get_backend(&self) -> Backend {
        self.backend
    }

    /// k-means++ seedings of the initialisation.
    pub fn get_kmeans_restarts(&self) -> usize {
        self.kmeans_restarts
    }

    /// The minimum cluster size.
    pub fn get_min_cluster_size(&self) -> MinClusterSize {
        self.min_cluster_size
    }
}
