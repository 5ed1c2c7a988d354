//! The moves of Algorithm 2 (MPC paper §3.2): boundary shift, split, merge,
//! and cover. Each is proposed from the current [`Search`] state and scored
//! before it is applied; the driver ([`super::search`]) accepts a move only
//! when the exact loss drops.

use super::state::{Score, Search};
use super::sweep::{size_violation, Candidate, SweepRows};
use super::UNCOVERED_WEIGHT;
use crate::hyperplane::directions::search_candidates;
use crate::hyperplane::{self, Hyperplane, HyperplaneProblem};
use crate::mpc::build::mean_of_rows;
use crate::mpc::init::{PairHyperplane, SolveStats};
use crate::mpc::MpcError;

/// One move of Algorithm 2, on cluster slots.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Move {
    /// A new direction and intercept for the hyperplane between `i < j`.
    Shift {
        /// Cluster on the non-negative side.
        i: usize,
        /// Cluster on the negative side.
        j: usize,
    },
    /// A new hyperplane inside the cluster, its two halves inheriting the
    /// cluster's hyperplanes against every other cluster.
    Split {
        /// The cluster split.
        cluster: usize,
    },
    /// Cluster `b` merged into `a < b`.
    Merge {
        /// The cluster kept.
        a: usize,
        /// The cluster merged away.
        b: usize,
    },
    /// The cluster's hyperplanes re-solved with the uncovered rows nearest
    /// to it counted as its own.
    Cover {
        /// The cluster.
        cluster: usize,
    },
}

impl Move {
    /// The two cluster slots whose changes make the move worth examining
    /// again (one cluster twice for a split or a cover).
    pub(super) fn clusters(self) -> (usize, usize) {
        match self {
            Move::Shift { i, j } => (i, j),
            Move::Merge { a, b } => (a, b),
            Move::Split { cluster } | Move::Cover { cluster } => (cluster, cluster),
        }
    }
}

/// What a move proposes: the hyperplanes to install (and the effect on the
/// slots), with the loss predicted for them.
pub(super) enum Proposal {
    /// Replace the hyperplane at an index.
    Shift {
        index: usize,
        hyperplane: Hyperplane,
    },
    /// Split a cluster with a hyperplane (the cluster keeps the ≥ side).
    Split {
        cluster: usize,
        hyperplane: Hyperplane,
    },
    /// Install a whole new set of hyperplanes, deactivating a slot for a merge.
    Replace {
        hyperplanes: Vec<PairHyperplane>,
        inactive: Option<usize>,
    },
}

impl Search<'_> {
    /// Propose `mv`: Some(proposal) when it is predicted to beat `current`
    /// ([`Score::beats`]). Hyperplane solves (merges, covers) stay within the
    /// run's deadline and are counted in `stats`.
    pub(super) fn propose(
        &self,
        mv: Move,
        current: Score,
        stats: &mut SolveStats,
    ) -> Result<Option<Proposal>, MpcError> {
        // A shift or split changes the sizes of two clusters only: it is
        // judged by their part of the violation.
        let local = |found: &Candidate, now: usize| {
            Score {
                violation: found.violation,
                loss: found.loss,
            }
            .beats(Score {
                violation: now,
                loss: current.loss,
            })
        };
        Ok(match mv {
            Move::Shift { i, j } => match self.pair_index(i, j) {
                Some(index) => self
                    .best_shift(index)?
                    .filter(|(found, _)| local(found, self.violation_of(&[i, j])))
                    .map(|(_, hyperplane)| Proposal::Shift { index, hyperplane }),
                None => None,
            },
            Move::Split { cluster } => self
                .best_split(cluster)?
                .filter(|(found, _)| local(found, self.violation_of(&[cluster])))
                .map(|(_, hyperplane)| Proposal::Split {
                    cluster,
                    hyperplane,
                }),
            Move::Cover { cluster } => {
                self.try_cover(cluster, current, stats)?
                    .map(|hyperplanes| Proposal::Replace {
                        hyperplanes,
                        inactive: None,
                    })
            }
            Move::Merge { a, b } => {
                self.try_merge(a, b, current, stats)?
                    .map(|hyperplanes| Proposal::Replace {
                        hyperplanes,
                        inactive: Some(b),
                    })
            }
        })
    }

    /// Install a proposal and relabel every row.
    pub(super) fn apply(&mut self, proposal: Proposal) {
        match proposal {
            Proposal::Shift { index, hyperplane } => {
                self.hyperplanes[index].hyperplane = hyperplane;
                self.accept_labels();
            }
            Proposal::Split {
                cluster,
                hyperplane,
            } => self.apply_split(cluster, hyperplane),
            Proposal::Replace {
                hyperplanes,
                inactive,
            } => {
                self.hyperplanes = hyperplanes;
                if let Some(slot) = inactive {
                    self.active[slot] = false;
                }
                self.accept_labels();
            }
        }
    }

    /// Best boundary shift of the hyperplane at index `h`: (loss, new hyperplane).
    fn best_shift(&self, h: usize) -> Result<Option<(Candidate, Hyperplane)>, MpcError> {
        let PairHyperplane {
            i,
            j,
            ref hyperplane,
        } = self.hyperplanes[h];
        let sides = self.sides();
        let (duels_i, duels_j) = (sides.duels_of(i, j), sides.duels_of(j, i));
        let rows: Vec<(usize, bool, bool, usize)> = (0..self.n)
            .filter_map(|t| {
                let can_i = sides.wins(t, &duels_i);
                let can_j = sides.wins(t, &duels_j);
                (can_i || can_j).then(|| (t, can_i, can_j, sides.nearest(self.x, t)))
            })
            .collect();
        // Clusters that share no boundary region (no row could belong to
        // either) cannot trade rows without uncovering them: nothing to gain.
        if !rows.iter().any(|&(_, can_i, can_j, _)| can_i && can_j) {
            return Ok(None);
        }
        let directions = search_candidates(&hyperplane.w, self.params.m, self.params.beta)?;
        Ok(self.best_direction(
            &self.state,
            i,
            j,
            &rows,
            &directions,
            Some((0, -hyperplane.b)),
        ))
    }

    /// Best split of cluster c: (loss, hyperplane with c on the ≥ side).
    fn best_split(&self, c: usize) -> Result<Option<(Candidate, Hyperplane)>, MpcError> {
        let rows: Vec<(usize, bool, bool, usize)> = (0..self.n)
            .filter(|&t| self.covered[t] && self.state.labels()[t] == c)
            .map(|t| (t, true, true, c))
            .collect();
        if rows.len() < 2 {
            return Ok(None);
        }
        let mut state = self.state.clone();
        let new_slot = state.add_slot();
        // From no current direction: the candidates without the zero vector.
        let zero = vec![0.0; self.z.ncols()];
        let mut directions = search_candidates(&zero, self.params.m, self.params.beta)?;
        directions.remove(0);
        Ok(self.best_direction(&state, c, new_slot, &rows, &directions, None))
    }

    /// The best boundary over `directions` as a hyperplane (see
    /// [`Search::best_boundary`]).
    fn best_direction(
        &self,
        state: &crate::metrics::SilhouetteState,
        i: usize,
        j: usize,
        rows: &SweepRows,
        directions: &[Vec<f64>],
        current: Option<(usize, f64)>,
    ) -> Option<(Candidate, Hyperplane)> {
        let found = self.best_boundary(state, i, j, rows, directions, current)?;
        Some((
            found,
            Hyperplane {
                w: directions[found.direction].clone(),
                b: -found.theta,
            },
        ))
    }

    /// Split cluster c with `split` (c keeps the ≥ side).
    fn apply_split(&mut self, c: usize, split: Hyperplane) {
        let s = self.state.add_slot();
        self.active.push(true);
        let inherited: Vec<PairHyperplane> = self
            .hyperplanes
            .iter()
            .filter(|h| h.i == c || h.j == c)
            .map(|h| {
                let mut copy = h.clone();
                if h.i == c {
                    copy.i = s;
                } else {
                    copy.j = s;
                }
                // Keep i < j: the new slot is the largest index.
                if copy.i > copy.j {
                    // Negation is exact in floating point, so the flipped
                    // hyperplane scores exactly −score (only a row with score
                    // exactly 0 changes side).
                    std::mem::swap(&mut copy.i, &mut copy.j);
                    copy.hyperplane.w.iter_mut().for_each(|w| *w = -*w);
                    copy.hyperplane.b = -copy.hyperplane.b;
                }
                copy
            })
            .collect();
        // The new cluster's fallback centre: the mean of the rows the split
        // gives it.
        let moved: Vec<usize> = (0..self.n)
            .filter(|&t| {
                self.state.labels()[t] == c && self.covered[t] && split.score(self.z.row(t)) < 0.0
            })
            .collect();
        let centre = mean_of_rows(self.x, &moved).unwrap_or_else(|| vec![0.0; self.x.ncols()]);
        self.hyperplanes.extend(inherited);
        self.hyperplanes.push(PairHyperplane {
            i: c,
            j: s,
            hyperplane: split,
        });
        self.centroids.push(centre);
        self.accept_labels();
    }

    /// The hyperplane (1)–(12) separating rows `ci` from rows `cj`.
    fn solve_pair(
        &self,
        ci: &[usize],
        cj: &[usize],
        stats: &mut SolveStats,
    ) -> Result<Hyperplane, MpcError> {
        let problem =
            HyperplaneProblem::new(self.z.view(), ci, cj).map_err(|e| MpcError::Solve(e.into()))?;
        let outcome =
            hyperplane::solve_validated(&problem, &self.params.hyperplane, &self.solve_options())?;
        stats.record(&outcome);
        Ok(outcome.hyperplane)
    }

    /// Cover move for cluster `c`: every hyperplane of c re-solved by
    /// (1)–(12) for the current labels, in which the uncovered rows nearest
    /// to c count as c's. Where the re-solved hyperplanes separate those
    /// labels exactly, the rows are covered without moving any other row (a
    /// boundary shift moves one hyperplane and cannot cover a row that loses
    /// two of its duels). Some(hyperplanes) when the loss drops below
    /// `current`.
    fn try_cover(
        &self,
        c: usize,
        current: Score,
        stats: &mut SolveStats,
    ) -> Result<Option<Vec<PairHyperplane>>, MpcError> {
        if (0..self.n).all(|t| self.covered[t] || self.state.labels()[t] != c) {
            return Ok(None);
        }
        let members = self.members();
        let mut hyperplanes = self.hyperplanes.clone();
        for h in hyperplanes.iter_mut().filter(|h| h.i == c || h.j == c) {
            // A move half re-solved at the deadline is abandoned.
            if self.deadline.expired() {
                return Ok(None);
            }
            if members[h.i].is_empty() || members[h.j].is_empty() {
                continue;
            }
            h.hyperplane = self.solve_pair(&members[h.i], &members[h.j], stats)?;
        }
        Ok(self
            .score_with(&hyperplanes, None)
            .filter(|probe| probe.beats(current))
            .map(|_| hyperplanes))
    }

    /// Merge b into a (a < b): Some(hyperplanes) when the merged clustering
    /// improves on `current`.
    fn try_merge(
        &self,
        a: usize,
        b: usize,
        current: Score,
        stats: &mut SolveStats,
    ) -> Result<Option<Vec<PairHyperplane>>, MpcError> {
        // Only adjacent clusters merge: some row of one could belong to the other.
        let sides = self.sides();
        let (duels_a, duels_b) = (sides.duels_of(a, b), sides.duels_of(b, a));
        let adjacent = (0..self.n).any(|t| {
            let l = self.state.labels()[t];
            self.covered[t]
                && ((l == a && sides.wins(t, &duels_b)) || (l == b && sides.wins(t, &duels_a)))
        });
        if !adjacent {
            return Ok(None);
        }
        // Cheap screen: the loss with b's rows relabelled a, in O(n·K), and
        // the violation of the bounds by the merged cluster.
        let sizes = self.state.sizes();
        let merged_violation = self
            .params
            .bounds
            .map_or(0, |bounds| size_violation(&bounds, sizes[a] + sizes[b]));
        let screened = Score {
            violation: current.violation + merged_violation - self.violation_of(&[a, b]),
            loss: -self.state.silhouette_merged(a, b)
                + UNCOVERED_WEIGHT * self.uncovered() as f64 / self.n as f64,
        };
        if self.state.clusters() <= 2 || !screened.beats(current) {
            return Ok(None);
        }
        let merged_rows: Vec<usize> = (0..self.n)
            .filter(|&t| {
                let l = self.state.labels()[t];
                l == a || l == b
            })
            .collect();
        let mut hyperplanes: Vec<PairHyperplane> = self
            .hyperplanes
            .iter()
            .filter(|h| h.i != b && h.j != b)
            .cloned()
            .collect();
        for h in hyperplanes.iter_mut() {
            let other = if h.i == a {
                h.j
            } else if h.j == a {
                h.i
            } else {
                continue;
            };
            // b's hyperplane against `other`, oriented as a's: identical means
            // the merged cluster is separated from `other` exactly as before.
            let identical = self
                .pair_index(b.min(other), b.max(other))
                .map(|idx| &self.hyperplanes[idx])
                .is_some_and(|hb| (hb.i == b) == (h.i == a) && hb.hyperplane == h.hyperplane);
            if identical {
                continue;
            }
            if self.deadline.expired() {
                return Ok(None);
            }
            let others: Vec<usize> = (0..self.n)
                .filter(|&t| self.state.labels()[t] == other)
                .collect();
            if others.is_empty() {
                continue;
            }
            let (ci, cj) = if h.i == a {
                (&merged_rows, &others)
            } else {
                (&others, &merged_rows)
            };
            h.hyperplane = self.solve_pair(ci, cj, stats)?;
        }
        Ok(self
            .score_with(&hyperplanes, Some(b))
            .filter(|probe| probe.beats(current))
            .map(|_| hyperplanes))
    }
}
