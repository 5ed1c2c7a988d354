//! The pairwise hyperplanes of a run and the statistics of their solves.

use super::deadline::Deadline;
use super::error::MpcError;
use super::params::ValidMpcParams;
use crate::hyperplane::{self, Hyperplane, HyperplaneProblem, SolveOptions, SolveOutcome};
use ndarray::ArrayView2;

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

/// Problem (1)–(12) between the rows `a` and `b` of the explanation-space
/// rows `z`, in the run's setting and within `deadline`: the hyperplane
/// that keeps `a` on its non-negative side, with its solve's figures.
pub(crate) fn solve_between<'a>(
    z: ArrayView2<'a, f64>,
    a: &'a [usize],
    b: &'a [usize],
    params: &ValidMpcParams,
    options: &SolveOptions,
    deadline: &Deadline,
) -> Result<SolveOutcome, MpcError> {
    let problem = HyperplaneProblem::new(z, a, b).map_err(|e| MpcError::Solve(e.into()))?;
    Ok(hyperplane::solve_validated(
        &problem,
        &params.hyperplane,
        options,
        deadline.end(),
    )?)
}
