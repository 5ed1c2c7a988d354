//! How a solve ends: the hyperplane found with its status, or the error
//! that kept it from producing one.

use super::backend::Backend;
use super::params::HyperplaneError;
use super::problem::Hyperplane;
use serde::{Deserialize, Serialize};
use std::fmt;
use thiserror::Error;

/// How a solve ended. A status is not an error: every status comes with a
/// feasible hyperplane.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum SolveStatus {
    /// Proven optimal (enumeration is always exact).
    Optimal,
    /// Stopped within the requested relative MIP gap.
    GapLimit {
        /// Relative gap between the incumbent and the best bound.
        gap: f64,
    },
    /// Stopped by the time limit with an incumbent.
    TimeLimit {
        /// Relative gap between the incumbent and the best bound, when known.
        gap: Option<f64>,
    },
}

impl SolveStatus {
    /// True for [`SolveStatus::Optimal`].
    pub fn is_optimal(&self) -> bool {
        matches!(self, SolveStatus::Optimal)
    }

    /// Key used in JSON output: `optimal`, `gap_limit` or `time_limit`.
    pub fn key(&self) -> &'static str {
        match self {
            SolveStatus::Optimal => "optimal",
            SolveStatus::GapLimit { .. } => "gap_limit",
            SolveStatus::TimeLimit { .. } => "time_limit",
        }
    }

    /// Relative gap between the incumbent and the best bound (0 when
    /// optimal; `None` when a stopped solve does not know it).
    pub fn gap(&self) -> Option<f64> {
        match *self {
            SolveStatus::Optimal => Some(0.0),
            SolveStatus::GapLimit { gap } => Some(gap),
            SolveStatus::TimeLimit { gap } => gap,
        }
    }
}

/// The key, with the gap of a stopped solve: `time_limit (gap 1.00e-2)`.
impl fmt::Display for SolveStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self, self.gap()) {
            (SolveStatus::Optimal, _) | (_, None) => f.write_str(self.key()),
            (_, Some(gap)) => write!(f, "{} (gap {gap:.2e})", self.key()),
        }
    }
}

/// Whether two objective values agree to 1e-6 relative (absolute near zero):
/// the tolerance within which two backends' optima count as the same.
pub fn objectives_agree(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * a.abs().max(b.abs()).max(1.0)
}

/// The result of [`solve`](super::solve).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SolveOutcome {
    /// The hyperplane found. Its intercept is the midpoint of the interval
    /// of optimal intercepts for its `w` (all backends polish `b` the same way).
    pub hyperplane: Hyperplane,
    /// `f(w, b)` of the returned hyperplane, evaluated exactly by [`objective`](super::objective).
    pub objective: f64,
    /// How the solve ended.
    pub status: SolveStatus,
    /// Points with a positive error term (see [`misclassified`](super::misclassified)).
    pub misclassified: usize,
    /// Wall-clock seconds spent in the backend (for HiGHS, including any
    /// wait for [`with_highs_lock`](super::with_highs_lock); the time limit covers the solve only).
    pub seconds: f64,
    /// The backend used.
    pub backend: Backend,
}

/// A solve that could not produce a hyperplane.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum SolveError {
    /// Invalid parameters or data.
    #[error(transparent)]
    Invalid(#[from] HyperplaneError),
    /// The backend cannot solve this kind of problem.
    #[error("backend {backend} does not support this problem: {reason}")]
    Unsupported {
        /// The backend.
        backend: Backend,
        /// Why.
        reason: &'static str,
    },
    /// The list of integer directions would not fit in memory.
    #[error("the integer directions for these M and beta would need {bytes} bytes of memory (limit {limit}); use a smaller M or beta, or a MILP backend")]
    TooManyDirections {
        /// Bytes the direction list would need.
        bytes: u128,
        /// The limit in bytes.
        limit: u128,
    },
    /// The MILP solver failed.
    #[error("{backend} failed: {message}")]
    Solver {
        /// The backend.
        backend: Backend,
        /// The solver's message.
        message: String,
    },
}
