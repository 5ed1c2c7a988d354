//! The pairwise hyperplanes of a run and the statistics of their solves.

use crate::hyperplane::{Hyperplane, SolveOutcome};

/// One separating hyperplane between clusters `i < j`; cluster `i` lies on
/// the side `w·z + b ≥ 0`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PairHyperplane {
    /// Cluster on the non-negative side.
    pub i: usize,
    /// Cluster on the negative side.
    pub j: usize,
    /// The hyperplane.
    pub hyperplane: Hyperplane,
}

/// Summary of the hyperplane solves of a run.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct SolveStats {
    /// Problems solved.
    pub solved: usize,
    /// Of which proven optimal.
    pub optimal: usize,
    /// Seconds spent in the solver.
    pub seconds: f64,
}

impl SolveStats {
    pub(crate) fn record(&mut self, outcome: &SolveOutcome) {
        self.solved += 1;
        self.optimal += usize::from(outcome.status.is_optimal());
        self.seconds += outcome.seconds;
    }
}

impl std::ops::AddAssign<&SolveStats> for SolveStats {
    fn add_assign(&mut self, other: &SolveStats) {
        self.solved += other.solved;
        self.optimal += other.optimal;
        self.seconds += other.seconds;
    }
}
