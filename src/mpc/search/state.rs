//! The state of Algorithm 2: the pairwise hyperplanes of the active
//! clusters, the labels they induce (tournament winner, or the nearest centre
//! for a row no cluster wins) and the objective's incremental statistics
//! of those labels ([`Partition`]).
//! One value: a move is made on a copy, and the copy replaces the state only
//! when the move is taken, so nothing a move changes can escape its rollback.

use super::context::Context;
use super::partition::Partition;
use super::score::{loss, Score};
use super::sides::RowSides;
use crate::mpc::pair::PairHyperplane;
use ndarray::Array2;
use std::sync::Arc;

/// The polytopes being searched and the labels they induce.
#[derive(Debug, Clone)]
pub(super) struct SearchState {
    /// Hyperplanes between active clusters (slot ids; i < j).
    pub(super) hyperplanes: Vec<PairHyperplane>,
    /// Which slots are clusters (merged-away slots are inactive).
    pub(super) active: Vec<bool>,
    /// Fallback centres, one per slot.
    pub(super) centroids: Vec<Vec<f64>>,
    /// Labels (slot ids) and the objective's statistics.
    pub(super) partition: Partition,
    /// Whether each row lies inside its cluster's polytope.
    pub(super) covered: Vec<bool>,
}

impl SearchState {
    /// The state of `hyperplanes` between `centroids.nrows()` active slots,
    /// its partition built in one pass (O(n²) for the silhouette).
    pub(super) fn new(
        context: &Context,
        hyperplanes: Vec<PairHyperplane>,
        centroids: &Array2<f64>,
    ) -> Self {
        let k = centroids.nrows();
        let active = vec![true; k];
        let centroids: Vec<Vec<f64>> = centroids.rows().into_iter().map(|r| r.to_vec()).collect();
        let (labels, covered) =
            RowSides::new(context.z, &hyperplanes, &active, &centroids).labels(context.x);
        Self {
            partition: context.data.partition(&labels, k),
            hyperplanes,
            active,
            centroids,
            covered,
        }
    }

    /// Slots (active or not).
    pub(super) fn slots(&self) -> usize {
        self.active.len()
    }

    /// Every row's slot.
    pub(super) fn labels(&self) -> &[usize] {
        self.partition.labels()
    }

    /// Rows outside their cluster's polytope.
    pub(super) fn uncovered(&self) -> usize {
        self.covered.iter().filter(|c| !**c).count()
    }

    /// Rows by which `clusters` are outside the cardinality bounds.
    pub(super) fn violation_of(&self, context: &Context, clusters: &[usize]) -> usize {
        context.bounds().map_or(0, |b| {
            clusters
                .iter()
                .map(|&c| b.violation(self.partition.sizes()[c]))
                .sum()
        })
    }

    /// The state's [`Score`].
    pub(super) fn score(&self, context: &Context) -> Score {
        Score {
            violation: self.violation_of(context, &(0..self.slots()).collect::<Vec<_>>()),
            loss: loss(self.partition.objective_loss(), self.uncovered(), context.n),
        }
    }

    /// The rows' sides of the state's hyperplanes (from the context's cache).
    pub(super) fn sides(&self, context: &Context) -> Arc<RowSides> {
        context.sides(&self.hyperplanes, &self.active, &self.centroids)
    }

    /// Relabel every row by the state's hyperplanes (changed rows move in
    /// the silhouette).
    pub(super) fn relabel(&mut self, context: &Context) {
        let sides = self.sides(context);
        self.relabel_by(context, &sides);
    }

    /// Relabel every row by `sides`, the sides of the state's hyperplanes.
    fn relabel_by(&mut self, context: &Context, sides: &RowSides) {
        let (labels, covered) = sides.labels(context.x);
        let moves: Vec<(usize, usize)> = labels.into_iter().enumerate().collect();
        self.partition.move_points(context.data, &moves);
        self.covered = covered;
    }

    /// Index of the hyperplane between slots `i < j`.
    pub(super) fn pair_index(&self, i: usize, j: usize) -> Option<usize> {
        self.hyperplanes.iter().position(|h| h.i == i && h.j == j)
    }

    /// Rows of every slot, covered or not.
    pub(super) fn members(&self) -> Vec<Vec<usize>> {
        let mut members: Vec<Vec<usize>> = vec![Vec::new(); self.slots()];
        for (t, &l) in self.labels().iter().enumerate() {
            members[l].push(t);
        }
        members
    }

    /// The score this state would have with `hyperplanes` (and the
    /// `inactive` slot dropped), when it keeps two clusters: the probe that
    /// merges and covers are judged by. Its sides are computed apart from
    /// the context's cache, which keeps the current state's.
    pub(super) fn score_with(
        &self,
        context: &Context,
        hyperplanes: &[PairHyperplane],
        inactive: Option<usize>,
    ) -> Option<Score> {
        let mut probe = SearchState {
            hyperplanes: hyperplanes.to_vec(),
            active: self.active.clone(),
            centroids: self.centroids.clone(),
            partition: self.partition.clone(),
            covered: self.covered.clone(),
        };
        if let Some(slot) = inactive {
            probe.active[slot] = false;
        }
        let sides = RowSides::new(
            context.z,
            &probe.hyperplanes,
            &probe.active,
            &probe.centroids,
        );
        probe.relabel_by(context, &sides);
        (probe.partition.clusters() >= context.min_clusters).then(|| probe.score(context))
    }
}
