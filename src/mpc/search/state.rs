//! The state of Algorithm 2: the pairwise hyperplanes of the active
//! clusters, the labels they induce (tournament winner, or the nearest centre
//! for a row no cluster wins) and the incremental silhouette of those labels.

use super::sides::RowSides;
use super::sweep::{size_violation, Sample};
use super::{MIN_GAIN, UNCOVERED_WEIGHT};
use crate::hyperplane::SolveOptions;
use crate::metrics::{Distances, SilhouetteState};
use crate::mpc::init::PairHyperplane;
use crate::mpc::params::ValidMpcParams;
use crate::mpc::Deadline;
use ndarray::ArrayView2;
use std::sync::{Arc, Mutex};

/// What Algorithm 2 minimises, in order: the violation of the cardinality
/// bounds (15) in rows (0 without bounds), then the loss
/// `−silhouette + μ·uncovered/n`.
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

/// The polytopes being searched and the labels they induce.
pub(super) struct Search<'a> {
    pub(super) x: ArrayView2<'a, f64>,
    pub(super) z: ArrayView2<'a, f64>,
    pub(super) dist: &'a Distances,
    pub(super) params: &'a ValidMpcParams,
    /// Hyperplanes between active clusters (slot ids; i < j).
    pub(super) hyperplanes: Vec<PairHyperplane>,
    /// Which slots are clusters (merged-away slots are inactive).
    pub(super) active: Vec<bool>,
    /// Fallback centres, one per slot.
    pub(super) centroids: Vec<Vec<f64>>,
    /// Labels (slot ids) and their per-cluster distance sums.
    pub(super) state: SilhouetteState,
    /// Whether each row lies inside its cluster's polytope.
    pub(super) covered: Vec<bool>,
    pub(super) n: usize,
    /// Rows on which directions are ranked before exact sweeps (large n).
    pub(super) sample: Option<&'a Sample>,
    /// Rows on which the screening sweeps run when directions are ranked on
    /// every row (small n).
    pub(super) screen_sample: Option<&'a Sample>,
    /// The run's deadline: sweeps stop scoring directions once it passes,
    /// and solves get at most the time that remains.
    pub(super) deadline: Deadline,
    /// The rows' sides of the hyperplanes last asked for ([`Search::sides`]).
    pub(super) sides: Mutex<Option<Arc<RowSides>>>,
}

impl<'a> Search<'a> {
    /// Slots (active or not).
    pub(super) fn k(&self) -> usize {
        self.active.len()
    }

    /// The loss `−silhouette + μ·uncovered/n` of a state.
    pub(super) fn loss(state: &SilhouetteState, uncovered: usize, n: usize) -> f64 {
        -state.silhouette() + UNCOVERED_WEIGHT * uncovered as f64 / n as f64
    }

    pub(super) fn uncovered(&self) -> usize {
        self.covered.iter().filter(|c| !**c).count()
    }

    pub(super) fn current_loss(&self) -> f64 {
        Self::loss(&self.state, self.uncovered(), self.n)
    }

    /// Rows by which `clusters` are outside the cardinality bounds.
    pub(super) fn violation_of(&self, clusters: &[usize]) -> usize {
        self.params.bounds.map_or(0, |b| {
            clusters
                .iter()
                .map(|&c| size_violation(&b, self.state.sizes()[c]))
                .sum()
        })
    }

    /// The current [`Score`].
    pub(super) fn score(&self) -> Score {
        Score {
            violation: self.violation_of(&(0..self.k()).collect::<Vec<_>>()),
            loss: self.current_loss(),
        }
    }

    /// Relabel every row by the current hyperplanes (changed rows move in
    /// the silhouette state).
    pub(super) fn accept_labels(&mut self) {
        let (labels, covered) = self.sides().labels(self.x);
        let moves: Vec<(usize, usize)> = labels.into_iter().enumerate().collect();
        self.state.move_points(self.dist, &moves);
        self.covered = covered;
    }

    pub(super) fn pair_index(&self, i: usize, j: usize) -> Option<usize> {
        self.hyperplanes.iter().position(|h| h.i == i && h.j == j)
    }

    /// Rows of every slot, covered or not.
    pub(super) fn members(&self) -> Vec<Vec<usize>> {
        let mut members: Vec<Vec<usize>> = vec![Vec::new(); self.k()];
        for (t, &l) in self.state.labels().iter().enumerate() {
            members[l].push(t);
        }
        members
    }

    /// The score this state would have with `hyperplanes` (and the
    /// `inactive` slot dropped), when it keeps two clusters: the probe that
    /// merges and covers are judged by.
    pub(super) fn score_with(
        &self,
        hyperplanes: &[PairHyperplane],
        inactive: Option<usize>,
    ) -> Option<Score> {
        let mut probe = Search {
            x: self.x,
            z: self.z,
            dist: self.dist,
            params: self.params,
            hyperplanes: hyperplanes.to_vec(),
            active: self.active.clone(),
            centroids: self.centroids.clone(),
            state: self.state.clone(),
            covered: self.covered.clone(),
            n: self.n,
            sample: None,
            screen_sample: None,
            deadline: self.deadline,
            sides: Mutex::new(None),
        };
        if let Some(slot) = inactive {
            probe.active[slot] = false;
        }
        probe.accept_labels();
        (probe.state.clusters() >= 2).then(|| probe.score())
    }

    /// Solver options of a re-solve of (1)–(12) within the run's deadline.
    pub(super) fn solve_options(&self) -> SolveOptions {
        self.params.solve_options(&self.deadline)
    }
}

/// Labels and coverage of every row of `x` (explanation rows `z`) under
/// `hyperplanes` between the `active` slots: the tournament winner, or the
/// nearest active centre for a row no cluster wins.
pub(super) fn induced_labels(
    x: ArrayView2<f64>,
    z: ArrayView2<f64>,
    hyperplanes: &[PairHyperplane],
    active: &[bool],
    centroids: &[Vec<f64>],
) -> (Vec<usize>, Vec<bool>) {
    RowSides::new(z, hyperplanes, active, centroids).labels(x)
}
