//! The moves of Algorithm 2 (MPC paper §3.2): boundary shift, split, merge,
//! and cover, as functions of the search's [`Context`] and its
//! [`SearchState`]. Each is proposed from the current state and scored
//! before it is applied; the driver ([`super::driver`]) applies it to a copy
//! of the state and keeps the copy only when the exact loss drops.

use super::boundary::{best_boundary, Candidate, Directions};
use super::context::Context;
use super::partition::Partition;
use super::rows::{Boundary, SweepRow};
use super::score::{loss, Score};
use super::state::SearchState;
use crate::hyperplane::directions::search_candidates;
use crate::hyperplane::Hyperplane;
use crate::mpc::error::MpcError;
use crate::mpc::pair::{PairHyperplane, SolveStats};
use crate::mpc::rows::mean_of_rows;

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

/// Propose `mv` from `state`: Some(proposal) when it is predicted to beat
/// `current` ([`Score::beats`]). Hyperplane solves (merges, covers) stay
/// within the run's deadline and are counted in `stats`.
pub(super) fn propose(
    context: &Context,
    state: &SearchState,
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
        Move::Shift { i, j } => match state.pair_index(i, j) {
            Some(index) => best_shift(context, state, index)?
                .filter(|(found, _)| local(found, state.violation_of(context, &[i, j])))
                .map(|(_, hyperplane)| Proposal::Shift { index, hyperplane }),
            None => None,
        },
        Move::Split { cluster } => best_split(context, state, cluster)?
            .filter(|(found, _)| local(found, state.violation_of(context, &[cluster])))
            .map(|(_, hyperplane)| Proposal::Split {
                cluster,
                hyperplane,
            }),
        Move::Cover { cluster } => {
            try_cover(context, state, cluster, current, stats)?.map(|hyperplanes| {
                Proposal::Replace {
                    hyperplanes,
                    inactive: None,
                }
            })
        }
        Move::Merge { a, b } => {
            try_merge(context, state, a, b, current, stats)?.map(|hyperplanes| Proposal::Replace {
                hyperplanes,
                inactive: Some(b),
            })
        }
    })
}

/// Install a proposal in `state` and relabel every row.
pub(super) fn apply(context: &Context, state: &mut SearchState, proposal: Proposal) {
    match proposal {
        Proposal::Shift { index, hyperplane } => {
            state.hyperplanes[index].hyperplane = hyperplane;
            state.relabel(context);
        }
        Proposal::Split {
            cluster,
            hyperplane,
        } => apply_split(context, state, cluster, hyperplane),
        Proposal::Replace {
            hyperplanes,
            inactive,
        } => {
            state.hyperplanes = hyperplanes;
            if let Some(slot) = inactive {
                state.active[slot] = false;
            }
            state.relabel(context);
        }
    }
}

/// Best boundary shift of the hyperplane at index `h`: (loss, new hyperplane).
fn best_shift(
    context: &Context,
    state: &SearchState,
    h: usize,
) -> Result<Option<(Candidate, Hyperplane)>, MpcError> {
    let PairHyperplane {
        i,
        j,
        ref hyperplane,
    } = state.hyperplanes[h];
    let sides = state.sides(context);
    let (duels_i, duels_j) = (sides.duels_of(i, j), sides.duels_of(j, i));
    let rows: Vec<SweepRow> = (0..context.n)
        .filter_map(|t| {
            let can_be_i = sides.wins(t, &duels_i);
            let can_be_j = sides.wins(t, &duels_j);
            (can_be_i || can_be_j).then(|| SweepRow {
                row: t,
                can_be_i,
                can_be_j,
                fallback: sides.nearest(context.x, t),
            })
        })
        .collect();
    // Clusters that share no boundary region (no row could belong to
    // either) cannot trade rows without uncovering them: nothing to gain.
    if !rows.iter().any(|r| r.can_be_i && r.can_be_j) {
        return Ok(None);
    }
    let directions = search_candidates(&hyperplane.w, context.params.m, context.params.beta)?;
    Ok(best_direction(
        context,
        state,
        &state.partition,
        Boundary { i, j, rows: &rows },
        Directions {
            all: &directions,
            current: Some((0, -hyperplane.b)),
        },
    ))
}

/// Best split of cluster c: (loss, hyperplane with c on the ≥ side).
fn best_split(
    context: &Context,
    state: &SearchState,
    c: usize,
) -> Result<Option<(Candidate, Hyperplane)>, MpcError> {
    let rows: Vec<SweepRow> = (0..context.n)
        .filter(|&t| state.covered[t] && state.labels()[t] == c)
        .map(|t| SweepRow {
            row: t,
            can_be_i: true,
            can_be_j: true,
            fallback: c,
        })
        .collect();
    if rows.len() < 2 {
        return Ok(None);
    }
    let mut partition = state.partition.clone();
    let new_slot = partition.add_slot();
    // From no current direction: the candidates without the zero vector.
    let zero = vec![0.0; context.z.ncols()];
    let mut directions = search_candidates(&zero, context.params.m, context.params.beta)?;
    directions.remove(0);
    Ok(best_direction(
        context,
        state,
        &partition,
        Boundary {
            i: c,
            j: new_slot,
            rows: &rows,
        },
        Directions {
            all: &directions,
            current: None,
        },
    ))
}

/// The best boundary over `directions` from `partition` (the state's, or
/// the state's with a slot added) as a hyperplane (see [`best_boundary`]).
fn best_direction(
    context: &Context,
    state: &SearchState,
    partition: &Partition,
    boundary: Boundary,
    directions: Directions,
) -> Option<(Candidate, Hyperplane)> {
    let found = best_boundary(context, &state.covered, partition, boundary, directions)?;
    Some((
        found,
        Hyperplane {
            w: directions.all[found.direction].clone(),
            b: -found.theta,
        },
    ))
}

/// Split cluster c of `state` with `split` (c keeps the ≥ side).
fn apply_split(context: &Context, state: &mut SearchState, c: usize, split: Hyperplane) {
    let s = state.partition.add_slot();
    state.active.push(true);
    let inherited: Vec<PairHyperplane> = state
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
    let moved: Vec<usize> = (0..context.n)
        .filter(|&t| {
            state.labels()[t] == c && state.covered[t] && split.score(context.z.row(t)) < 0.0
        })
        .collect();
    let centre = mean_of_rows(context.x, &moved).unwrap_or_else(|| vec![0.0; context.x.ncols()]);
    state.hyperplanes.extend(inherited);
    state.hyperplanes.push(PairHyperplane {
        i: c,
        j: s,
        hyperplane: split,
    });
    state.centroids.push(centre);
    state.relabel(context);
}

/// Cover move for cluster `c`: every hyperplane of c re-solved by
/// (1)–(12) for the current labels, in which the uncovered rows nearest
/// to c count as c's. Where the re-solved hyperplanes separate those
/// labels exactly, the rows are covered without moving any other row (a
/// boundary shift moves one hyperplane and cannot cover a row that loses
/// two of its duels). Some(hyperplanes) when the loss drops below
/// `current`.
fn try_cover(
    context: &Context,
    state: &SearchState,
    c: usize,
    current: Score,
    stats: &mut SolveStats,
) -> Result<Option<Vec<PairHyperplane>>, MpcError> {
    if (0..context.n).all(|t| state.covered[t] || state.labels()[t] != c) {
        return Ok(None);
    }
    let members = state.members();
    let mut hyperplanes = state.hyperplanes.clone();
    for h in hyperplanes.iter_mut().filter(|h| h.i == c || h.j == c) {
        // A move half re-solved at the deadline is abandoned.
        if context.deadline.expired() {
            return Ok(None);
        }
        if members[h.i].is_empty() || members[h.j].is_empty() {
            continue;
        }
        h.hyperplane = context.solve_pair(&members[h.i], &members[h.j], stats)?;
    }
    Ok(state
        .score_with(context, &hyperplanes, None)
        .filter(|probe| probe.beats(current))
        .map(|_| hyperplanes))
}

/// Merge b into a (a < b): Some(hyperplanes) when the merged clustering
/// improves on `current`.
fn try_merge(
    context: &Context,
    state: &SearchState,
    a: usize,
    b: usize,
    current: Score,
    stats: &mut SolveStats,
) -> Result<Option<Vec<PairHyperplane>>, MpcError> {
    let n = context.n;
    let labels = state.labels();
    // Only adjacent clusters merge: some row of one could belong to the other.
    let sides = state.sides(context);
    let (duels_a, duels_b) = (sides.duels_of(a, b), sides.duels_of(b, a));
    let adjacent = (0..n).any(|t| {
        let l = labels[t];
        state.covered[t]
            && ((l == a && sides.wins(t, &duels_b)) || (l == b && sides.wins(t, &duels_a)))
    });
    if !adjacent {
        return Ok(None);
    }
    // Cheap screen: the loss with b's rows relabelled a, in O(n·K), and
    // the violation of the bounds by the merged cluster.
    let sizes = state.partition.sizes();
    let merged_violation = context
        .bounds()
        .map_or(0, |bounds| bounds.violation(sizes[a] + sizes[b]));
    let screened = Score {
        violation: current.violation + merged_violation - state.violation_of(context, &[a, b]),
        loss: loss(
            state.partition.objective_loss_merged(a, b),
            state.uncovered(),
            n,
        ),
    };
    if state.partition.clusters() <= 2 || !screened.beats(current) {
        return Ok(None);
    }
    let merged_rows: Vec<usize> = (0..n)
        .filter(|&t| {
            let l = labels[t];
            l == a || l == b
        })
        .collect();
    let mut hyperplanes: Vec<PairHyperplane> = state
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
        let identical = state
            .pair_index(b.min(other), b.max(other))
            .map(|idx| &state.hyperplanes[idx])
            .is_some_and(|hb| (hb.i == b) == (h.i == a) && hb.hyperplane == h.hyperplane);
        if identical {
            continue;
        }
        if context.deadline.expired() {
            return Ok(None);
        }
        let others: Vec<usize> = (0..n).filter(|&t| labels[t] == other).collect();
        if others.is_empty() {
            continue;
        }
        let (ci, cj) = if h.i == a {
            (&merged_rows, &others)
        } else {
            (&others, &merged_rows)
        };
        h.hyperplane = context.solve_pair(ci, cj, stats)?;
    }
    Ok(state
        .score_with(context, &hyperplanes, Some(b))
        .filter(|probe| probe.beats(current))
        .map(|_| hyperplanes))
}
