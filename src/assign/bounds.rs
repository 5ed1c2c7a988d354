//! The cardinality bounds (15) and the error of an assignment that cannot
//! be made.

use thiserror::Error;

/// Cardinality bounds (15).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CardinalityBounds {
    /// Smallest cluster size.
    pub n_min: usize,
    /// Largest cluster size.
    pub n_max: usize,
}

impl CardinalityBounds {
    /// How far a cluster of `size` rows is outside the bounds, in rows (an
    /// empty cluster is unused, which (15) allows).
    pub fn violation(&self, size: usize) -> usize {
        if size == 0 {
            0
        } else {
            size.saturating_sub(self.n_max) + self.n_min.saturating_sub(size)
        }
    }
}

/// The assignment problem could not be solved.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum AssignError {
    /// The bounds admit no assignment.
    #[error("cardinality bounds cannot be met: {k} clusters of between {n_min} and {n_max} points cannot hold {n} points")]
    Infeasible {
        /// Clusters.
        k: usize,
        /// Points.
        n: usize,
        /// Smallest size.
        n_min: usize,
        /// Largest size.
        n_max: usize,
    },
    /// HiGHS failed.
    #[error("the assignment LP failed: {0}")]
    Solver(String),
}
