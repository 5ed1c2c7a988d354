//! What a search reads and never changes: the rows, their distances, the
//! settings, the deadline and the subsamples, with a cache of the rows'
//! sides of the hyperplanes last asked for.

use super::partition::PartitionData;
use super::sample::Sample;
use super::sides::RowSides;
use crate::assign::CardinalityBounds;
use crate::hyperplane::{self, Hyperplane, HyperplaneProblem, SolveOptions};
use crate::mpc::deadline::Deadline;
use crate::mpc::error::MpcError;
use crate::mpc::pair::{PairHyperplane, SolveStats};
use crate::mpc::params::ValidMpcParams;
use ndarray::ArrayView2;
use std::sync::{Arc, Mutex};

/// The inputs of a search (Algorithm 2) besides its starting polytopes.
#[derive(Clone, Copy)]
pub struct SearchInputs<'a> {
    /// The rows the search scores (every row, or the run's sample), in the
    /// scaled clustering space.
    pub x: ArrayView2<'a, f64>,
    /// The same rows in the explanation space.
    pub z: ArrayView2<'a, f64>,
    /// Their distances, when the search minimises −silhouette (the k-means
    /// cost reads the rows themselves).
    pub dist: Option<&'a crate::metrics::Distances>,
    /// The settings of the search.
    pub params: &'a ValidMpcParams,
    /// The run's deadline: sweeps stop scoring directions once it passes,
    /// and solves get at most the time that remains.
    pub deadline: Deadline,
}

/// The fixed context of a search: every move and sweep is a function of it
/// and of the [`super::state::SearchState`].
pub(super) struct Context<'a> {
    pub(super) x: ArrayView2<'a, f64>,
    pub(super) z: ArrayView2<'a, f64>,
    /// What the objective's moves read.
    pub(super) data: PartitionData<'a>,
    pub(super) params: &'a ValidMpcParams,
    /// Rows of `x`.
    pub(super) n: usize,
    /// Fewest non-empty clusters a state may have: K_min, and never below
    /// two. A boundary that would empty a cluster below it is not taken,
    /// so a run asked for K clusters keeps K.
    pub(super) min_clusters: usize,
    /// Rows on which directions are ranked before exact sweeps (large n).
    pub(super) sample: Option<Sample>,
    /// Rows on which the screening sweeps run when directions are ranked on
    /// every row (small n).
    pub(super) screen_sample: Option<Sample>,
    pub(super) deadline: Deadline,
    /// The rows' sides of the hyperplanes last asked for ([`Self::sides`]):
    /// a cache whose entry says what it was computed for, so it holds no
    /// state of the search.
    sides: Mutex<Option<Arc<RowSides>>>,
}

impl<'a> Context<'a> {
    /// The context of a search over `inputs`, with its subsamples.
    pub(super) fn new(inputs: &SearchInputs<'a>) -> Self {
        Self {
            x: inputs.x,
            z: inputs.z,
            data: match inputs.dist {
                Some(dist) => PartitionData::Silhouette(dist),
                None => PartitionData::KMeans(inputs.x),
            },
            params: inputs.params,
            n: inputs.x.nrows(),
            min_clusters: inputs.params.k_min.unwrap_or(inputs.params.k).max(2),
            sample: Sample::new(inputs.x, inputs.dist.is_some()),
            screen_sample: Sample::for_screening(inputs.x, inputs.dist.is_some()),
            deadline: inputs.deadline,
            sides: Mutex::new(None),
        }
    }

    /// The sides of the rows for `hyperplanes` between the `active` slots
    /// (rows no slot wins go to the nearest of `centroids`): kept from the
    /// last call while those are the same, computed afresh otherwise.
    pub(super) fn sides(
        &self,
        hyperplanes: &[PairHyperplane],
        active: &[bool],
        centroids: &[Vec<f64>],
    ) -> Arc<RowSides> {
        let mut kept = self.sides.lock().unwrap_or_else(|e| e.into_inner());
        match kept.as_ref() {
            Some(sides) if sides.matches(hyperplanes, active, centroids) => Arc::clone(sides),
            _ => {
                let sides = Arc::new(RowSides::new(self.z, hyperplanes, active, centroids));
                *kept = Some(Arc::clone(&sides));
                sides
            }
        }
    }

    /// The cardinality bounds (15), when the run has them.
    pub(super) fn bounds(&self) -> Option<CardinalityBounds> {
        self.params.bounds
    }

    /// Solver options of a re-solve of (1)–(12) within the run's deadline.
    pub(super) fn solve_options(&self) -> SolveOptions {
        self.params.solve_options(&self.deadline)
    }

    /// The hyperplane (1)–(12) separating rows `ci` from rows `cj`, the
    /// solve counted in `stats`.
    pub(super) fn solve_pair(
        &self,
        ci: &[usize],
        cj: &[usize],
        stats: &mut SolveStats,
    ) -> Result<Hyperplane, MpcError> {
        let problem =
            HyperplaneProblem::new(self.z.view(), ci, cj).map_err(|e| MpcError::Solve(e.into()))?;
        let outcome = hyperplane::solve_validated(
            &problem,
            &self.params.hyperplane,
            &self.solve_options(),
            self.deadline.end(),
        )?;
        stats.record(&outcome);
        Ok(outcome.hyperplane)
    }
}
