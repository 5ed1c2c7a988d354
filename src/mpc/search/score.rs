//! What Algorithm 2 minimises.

use super::tuning::{MIN_GAIN, UNCOVERED_WEIGHT};

/// The loss `objective + μ·uncovered/n` (μ = [`UNCOVERED_WEIGHT`]) of a
/// state whose objective's part is `objective` (−silhouette, or the k-means
/// cost as a share of the total sum of squares; see
/// [`super::partition::Partition::objective_loss`]) with `uncovered` of its
/// `n` rows uncovered.
#[inline]
pub(super) fn loss(objective: f64, uncovered: usize, n: usize) -> f64 {
    objective + UNCOVERED_WEIGHT * uncovered as f64 / n as f64
}

/// What Algorithm 2 minimises, in order: the violation of the cardinality
/// bounds (15) in rows (0 without bounds), then the [`loss`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Score {
    pub(super) violation: usize,
    pub(super) loss: f64,
}

impl Score {
    /// Whether this score is better than `other` by enough to take a move:
    /// less violation, or the same and a loss lower by more than
    /// [`MIN_GAIN`].
    pub(super) fn beats(self, other: Score) -> bool {
        self.violation < other.violation
            || self.violation == other.violation && self.loss < other.loss - MIN_GAIN
    }
}
