//! The state of Algorithm 2: the pairwise hyperplanes of the active
//! clusters, the labels they induce (tournament winner, or the nearest centre
//! for a row no cluster wins) and the incremental silhouette of those labels.

use super::sweep::Sample;
use super::UNCOVERED_WEIGHT;
use crate::hyperplane::SolveOptions;
use crate::metrics::{Distances, SilhouetteState};
use crate::mpc::init::PairHyperplane;
use crate::mpc::model::{nearest_active_centre, tournament_among};
use crate::mpc::params::ValidMpcParams;
use crate::mpc::Deadline;
use ndarray::ArrayView2;

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
    /// The run's deadline: sweeps stop scoring directions once it passes,
    /// and solves get at most the time that remains.
    pub(super) deadline: Deadline,
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

    /// Nearest active centre of row t.
    pub(super) fn nearest(&self, t: usize) -> usize {
        nearest_active_centre(&self.centroids, &self.active, self.x.row(t))
    }

    /// Labels and coverage of every row under `hyperplanes`.
    fn labels_for(&self, hyperplanes: &[PairHyperplane]) -> (Vec<usize>, Vec<bool>) {
        (0..self.n)
            .map(
                |t| match tournament_among(hyperplanes, &self.active, self.z.row(t)) {
                    Some(c) => (c, true),
                    None => (self.nearest(t), false),
                },
            )
            .unzip()
    }

    /// Relabel every row by the current hyperplanes (changed rows move in
    /// the silhouette state).
    pub(super) fn accept_labels(&mut self) {
        let (labels, covered) = self.labels_for(&self.hyperplanes);
        for (t, &l) in labels.iter().enumerate() {
            if self.state.labels()[t] != l {
                self.state.move_point(self.dist, t, l);
            }
        }
        self.covered = covered;
    }

    pub(super) fn pair_index(&self, i: usize, j: usize) -> Option<usize> {
        self.hyperplanes.iter().position(|h| h.i == i && h.j == j)
    }

    /// Whether row t wins every duel of cluster `c` except the one against `except`.
    pub(super) fn wins_all_but(&self, t: usize, c: usize, except: usize) -> bool {
        let zr = self.z.row(t);
        self.hyperplanes.iter().all(|h| {
            if h.i == c && h.j != except {
                h.hyperplane.score(zr) >= 0.0
            } else if h.j == c && h.i != except {
                h.hyperplane.score(zr) < 0.0
            } else {
                true
            }
        })
    }

    /// Rows of every slot, covered or not.
    pub(super) fn members(&self) -> Vec<Vec<usize>> {
        let mut members: Vec<Vec<usize>> = vec![Vec::new(); self.k()];
        for (t, &l) in self.state.labels().iter().enumerate() {
            members[l].push(t);
        }
        members
    }

    /// The loss this state would have with `hyperplanes` (and `inactive`
    /// slot dropped), when it improves on `current` by more than `min_gain`
    /// and keeps two clusters: the probe that merges and covers are judged by.
    pub(super) fn improves_with(
        &self,
        hyperplanes: &[PairHyperplane],
        inactive: Option<usize>,
        current: f64,
        min_gain: f64,
    ) -> Option<f64> {
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
            deadline: self.deadline,
        };
        if let Some(slot) = inactive {
            probe.active[slot] = false;
        }
        probe.accept_labels();
        let loss = probe.current_loss();
        (loss < current - min_gain && probe.state.clusters() >= 2).then_some(loss)
    }

    /// Solver options of a re-solve of (1)–(12) within the run's deadline.
    pub(super) fn solve_options(&self) -> SolveOptions {
        self.params.solve_options(&self.deadline)
    }
}
