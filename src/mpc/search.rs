//! Algorithm 2 of the MPC paper: silhouette coordinate descent over the
//! polytopes.
//!
//! The state is a set of pairwise hyperplanes; every row belongs to the
//! winner of its pairwise tournament, and a row no cluster wins (uncovered)
//! goes to the nearest centre. The loss is `−silhouette + μ·uncovered/n`
//! (μ = [`UNCOVERED_WEIGHT`]), so coverage is restored before silhouette is
//! traded. Moves, tried in queue order, accepted only when the loss drops:
//! - **boundary shift** of `H_ij`: a new direction within (M, β) and a new
//!   intercept; only rows that can be won by i or j change label;
//! - **split** of cluster c (while K < K_max): a new hyperplane inside c, the
//!   two halves inheriting c's hyperplanes against every other cluster;
//! - **merge** of clusters a and b: `H_ab` removed, and the merged cluster
//!   separated from each other cluster m by `H_am` when `H_am = H_bm`,
//!   otherwise by a new solve of (1)–(12);
//! - **cover** of cluster c while some uncovered row is nearest to c: c's
//!   hyperplanes re-solved by (1)–(12) for the current labels, the uncovered
//!   rows counted as c's.
//!
//! After an accepted move the items of the clusters it changed are queued
//! again; the search ends when no item is left, or at the iteration or time
//! limit (a status, not an error).
//!
//! Candidates are scored with the incremental silhouette state: sweeping an
//! intercept moves one row at a time (O(n) per row with the distance matrix)
//! and a position is scored in O(n·|clusters the sweep touches|), never by an
//! O(n²) recomputation. Directions are ranked by a sweep on a coarse grid of
//! positions (on a subsample of the rows when n > 500); the best few, and the
//! current direction near its current threshold, are then re-scored exactly
//! on every position of a window (only the rows that change side move).

use super::init::{PairHyperplane, SolveStats};
use super::params::ValidMpcParams;
use super::{MpcError, Observer, Progress, RunStatus};
use crate::assign::CardinalityBounds;
use crate::hyperplane::{self, Hyperplane, HyperplaneProblem, SolveOptions};
use crate::metrics::{Distances, SilhouetteState};
use ndarray::{Array2, ArrayView2};
use rayon::prelude::*;
use std::time::Instant;

/// Weight μ of the share of uncovered rows in the loss.
pub const UNCOVERED_WEIGHT: f64 = 1.0;

/// Candidate intercepts scored per direction when ranking directions (on the
/// subsample, or on every row when there is none): the ranking only orders
/// directions and brackets θ, which the exact window sweeps then refine.
const RANKING_POSITIONS: usize = 32;

/// Candidate intercepts scored (at most) in the window of an exact sweep.
const WINDOW_POSITIONS: usize = 16;

/// Ranks on either side of the current intercept scored exactly (current direction).
const LOCAL_POSITIONS: usize = 12;

/// Smallest loss decrease accepted: smaller gains are not worth a pass of
/// the queue (a silhouette change below 1e-5, invisible in the three
/// decimals results are read at, while each accepted move re-queues every
/// item of its two clusters).
const MIN_GAIN: f64 = 1e-5;

/// Result of Algorithm 2.
#[derive(Debug, Clone)]
pub struct SearchResult {
    /// Hyperplanes between the remaining clusters (slots renumbered 0..K).
    pub hyperplanes: Vec<PairHyperplane>,
    /// Fallback centres, K × d.
    pub centroids: Array2<f64>,
    /// Loss after the search.
    pub loss: f64,
    /// Loss after each accepted move (first entry: the starting loss).
    pub history: Vec<f64>,
    /// Accepted moves by kind: boundary shifts, splits, merges.
    pub accepted: [usize; 3],
    /// Why the search stopped.
    pub status: RunStatus,
    /// Hyperplane solves made by merges.
    pub solves: SolveStats,
}

struct Search<'a> {
    x: ArrayView2<'a, f64>,
    z: ArrayView2<'a, f64>,
    dist: &'a Distances,
    params: &'a ValidMpcParams,
    hyperplanes: Vec<PairHyperplane>,
    active: Vec<bool>,
    centroids: Vec<Vec<f64>>,
    state: SilhouetteState,
    covered: Vec<bool>,
    n: usize,
    sample: Option<Sample>,
}

/// Integer directions with at most β non-zeros in [−M, M], one per ray
/// (primitive vectors: gcd of |coefficients| = 1), limited as documented on
/// [`Search::directions`].
fn gcd(a: u32, b: u32) -> u32 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

/// Rows of a sweep: `(row, can_be_i, can_be_j, fallback)`, where `can_be_i`
/// says the row wins every duel of i except the one being moved.
type SweepRows = [(usize, bool, bool, usize)];

/// Where a sweep runs: the full data, or a subsample used to rank directions.
struct SweepSpace<'b> {
    z: ArrayView2<'b, f64>,
    /// Sample position → row of `z` (None: identity).
    index: Option<&'b [usize]>,
    dist: &'b Distances,
    n: usize,
    /// Cardinality bounds (15) and the violation allowed for the two
    /// clusters of the sweep (their current one): positions beyond it are
    /// not scored. `None` on the subsample, which only ranks directions.
    bounds: Option<(CardinalityBounds, usize)>,
}

/// How far a cluster of `size` rows is outside the bounds (an empty cluster is
/// unused, which (15) allows).
fn size_violation(bounds: &CardinalityBounds, size: usize) -> usize {
    if size == 0 {
        0
    } else {
        size.saturating_sub(bounds.n_max) + bounds.n_min.saturating_sub(size)
    }
}

impl SweepSpace<'_> {
    fn projection(&self, t: usize, w: &[f64]) -> f64 {
        let row = self.index.map_or(t, |ix| ix[t]);
        self.z.row(row).iter().zip(w).map(|(z, w)| z * w).sum()
    }

    /// The state with every sweep row on i's side (θ below every projection)
    /// and the uncovered count there. Shared by every direction of a boundary.
    fn positioned(
        &self,
        state: &SilhouetteState,
        rows: &SweepRows,
        i: usize,
        base_uncovered: usize,
    ) -> (SilhouetteState, usize) {
        let mut state = state.clone();
        let mut uncovered = base_uncovered;
        for &(t, can_i, _, fallback) in rows {
            let label = if can_i { i } else { fallback };
            uncovered += usize::from(!can_i);
            if state.labels()[t] != label {
                state.move_point(self.dist, t, label);
            }
        }
        (state, uncovered)
    }

    /// Sweep the threshold θ of direction `w` for the boundary between `i`
    /// (side `w·z ≥ θ`) and `j`: rows cross to j's side one at a time in order
    /// of projection (O(n) each) and the positions of `span` are scored in
    /// O(n·|affected clusters|). Returns the best position.
    fn sweep(
        &self,
        span: &Span,
        w: &[f64],
        i: usize,
        j: usize,
        rows: &SweepRows,
        grid: usize,
    ) -> Option<SweepBest> {
        if rows.is_empty() {
            return None;
        }
        let mut order: Vec<(f64, usize)> = rows
            .iter()
            .enumerate()
            .map(|(r, &(t, ..))| (self.projection(t, w), r))
            .collect();
        order.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let len = order.len();
        let j_side = |r: usize| {
            let (_, _, can_j, fallback) = rows[r];
            if can_j {
                j
            } else {
                fallback
            }
        };
        // The state at the first position of the span.
        let (mut state, mut uncovered, first, last, local) = match *span {
            Span::Full {
                positioned,
                current_theta,
            } => {
                // Rank of the current θ among the projections (0..=len).
                let local = current_theta.map(|theta| order.partition_point(|(p, _)| *p < theta));
                (positioned.0.clone(), positioned.1, 0, len, local)
            }
            Span::Window {
                state,
                uncovered,
                lo,
                hi,
            } => {
                let first = order.partition_point(|(p, _)| *p < lo);
                let last = order.partition_point(|(p, _)| *p <= hi).max(first);
                let mut state = state.clone();
                let mut uncovered = uncovered;
                for (q, &(_, r)) in order.iter().enumerate() {
                    let (t, can_i, can_j, fallback) = rows[r];
                    let (label, covered) = if q < first {
                        (j_side(r), can_j)
                    } else {
                        (if can_i { i } else { fallback }, can_i)
                    };
                    uncovered += usize::from(!covered);
                    if state.labels()[t] != label {
                        state.move_point(self.dist, t, label);
                    }
                }
                (state, uncovered, first, last, None)
            }
        };
        // Rows move only among i, j and the fallback clusters of rows that
        // cannot be i or j: the silhouette is evaluated over those alone.
        let mut affected = vec![i, j];
        for &(_, can_i, can_j, fallback) in rows {
            if !(affected.contains(&fallback) || can_i && can_j) {
                affected.push(fallback);
            }
        }
        let cache = state.other_means_min(&affected);
        let step = ((last - first) / grid).max(1);
        let mut best: Option<(f64, usize)> = None;
        for pos in first..=last {
            let near_current =
                local.is_some_and(|r| pos + LOCAL_POSITIONS >= r && pos <= r + LOCAL_POSITIONS);
            // Position `pos`: rows 0..pos on j's side; θ between neighbours.
            let separable = pos == 0 || pos == len || order[pos - 1].0 < order[pos].0;
            let within = self.bounds.is_none_or(|(b, allowed)| {
                size_violation(&b, state.sizes()[i]) + size_violation(&b, state.sizes()[j])
                    <= allowed
            });
            if ((pos - first) % step == 0 || near_current || pos == last)
                && separable
                && within
                && state.clusters() >= 2
            {
                let loss = -state.silhouette_within(&affected, &cache)
                    + UNCOVERED_WEIGHT * uncovered as f64 / self.n as f64;
                if best.is_none_or(|(b, _)| loss < b) {
                    best = Some((loss, pos));
                }
            }
            if pos < last {
                let r = order[pos].1;
                let (t, can_i, can_j, _) = rows[r];
                uncovered = uncovered + usize::from(!can_j) - usize::from(!can_i);
                let label = j_side(r);
                if state.labels()[t] != label {
                    state.move_point(self.dist, t, label);
                }
            }
        }
        let (loss, pos) = best?;
        let theta_at = |pos: usize| {
            if pos == 0 {
                order[0].0 - 1.0
            } else if pos == len {
                order[len - 1].0 + 1.0
            } else {
                0.5 * (order[pos - 1].0 + order[pos].0)
            }
        };
        // On every row the bracket reaches the neighbouring scored positions;
        // on the subsample, whose ranks are coarse already, a few ranks
        // (measured: reaching the neighbouring grid positions there lowered
        // spam's k = 5 silhouette from 0.7595 to 0.7346).
        let reach = if self.index.is_some() {
            WINDOW_RANKS
        } else {
            step.max(WINDOW_RANKS)
        };
        let window_around = |pos: usize| {
            let lo = pos
                .checked_sub(reach + 1)
                .map_or(f64::NEG_INFINITY, |r| order[r].0);
            let hi = order.get(pos + reach).map_or(f64::INFINITY, |o| o.0);
            (lo, hi)
        };
        let current_window = local.map(window_around);
        Some(SweepBest {
            loss,
            theta: theta_at(pos),
            window: window_around(pos),
            current_window,
        })
    }
}

/// Positions a sweep scores.
enum Span<'s> {
    /// Every position on a grid (plus every position within
    /// [`LOCAL_POSITIONS`] ranks of `current_theta`), from the state with all
    /// sweep rows on i's side.
    Full {
        positioned: &'s (SilhouetteState, usize),
        current_theta: Option<f64>,
    },
    /// Every position with θ in `[lo, hi]` (at most the grid's count), from
    /// `state`, the search's state, with `uncovered` rows outside the sweep
    /// uncovered.
    Window {
        state: &'s SilhouetteState,
        uncovered: usize,
        lo: f64,
        hi: f64,
    },
}

/// Best position of a sweep.
struct SweepBest {
    loss: f64,
    theta: f64,
    /// The θ interval spanning [`WINDOW_RANKS`] rows on either side of the
    /// best position: where an exact sweep refines a subsample's answer.
    window: (f64, f64),
    /// The same interval around the current θ, when one was given.
    current_window: Option<(f64, f64)>,
}

/// Subsample ranks on either side of a subsample's best position that the
/// exact sweep re-scores on every row.
const WINDOW_RANKS: usize = 3;

/// A fixed subsample of the rows, used to rank candidate directions cheaply
/// before the exact sweeps (only when n exceeds [`SAMPLE_ABOVE`]).
struct Sample {
    rows: Vec<usize>,
    /// Full row → sample position.
    position: Vec<Option<usize>>,
    dist: Distances,
}

/// Above this many rows, directions are ranked on a subsample first.
const SAMPLE_ABOVE: usize = 500;

/// Size of that subsample: a third of the rows, between 300 and 600.
fn sample_size(n: usize) -> usize {
    (n / 3).clamp(300, 600)
}

/// Directions kept for exact sweeps after ranking on the subsample.
const EXACT_DIRECTIONS: usize = 3;

impl Sample {
    fn new(x: ArrayView2<f64>) -> Option<Self> {
        let n = x.nrows();
        if n <= SAMPLE_ABOVE {
            return None;
        }
        // Evenly spaced rows: deterministic and spread over the file order.
        let size = sample_size(n);
        let rows: Vec<usize> = (0..size).map(|s| s * n / size).collect();
        let mut position = vec![None; n];
        rows.iter()
            .enumerate()
            .for_each(|(p, &t)| position[t] = Some(p));
        let sub = x.select(ndarray::Axis(0), &rows);
        Some(Self {
            rows,
            position,
            dist: Distances::new(sub.view()),
        })
    }
}

impl<'a> Search<'a> {
    fn k(&self) -> usize {
        self.active.len()
    }

    fn loss(state: &SilhouetteState, uncovered: usize, n: usize) -> f64 {
        -state.silhouette() + UNCOVERED_WEIGHT * uncovered as f64 / n as f64
    }

    fn uncovered(&self) -> usize {
        self.covered.iter().filter(|c| !**c).count()
    }

    fn current_loss(&self) -> f64 {
        Self::loss(&self.state, self.uncovered(), self.n)
    }

    fn nearest(&self, t: usize) -> usize {
        let row = self.x.row(t);
        let mut best = (f64::INFINITY, 0);
        for (c, centre) in self.centroids.iter().enumerate() {
            if !self.active[c] {
                continue;
            }
            let d: f64 = row.iter().zip(centre).map(|(a, b)| (a - b) * (a - b)).sum();
            if d < best.0 {
                best = (d, c);
            }
        }
        best.1
    }

    /// Tournament winner of row t among active clusters.
    fn winner(&self, hyperplanes: &[PairHyperplane], t: usize) -> Option<usize> {
        let k = self.k();
        let mut lost = vec![false; k];
        let zr = self.z.row(t);
        for h in hyperplanes {
            if h.hyperplane.score(zr) >= 0.0 {
                lost[h.j] = true;
            } else {
                lost[h.i] = true;
            }
        }
        (0..k).find(|&c| self.active[c] && !lost[c])
    }

    /// Labels and coverage of every row under `hyperplanes`.
    fn labels_for(&self, hyperplanes: &[PairHyperplane]) -> (Vec<usize>, Vec<bool>) {
        (0..self.n)
            .map(|t| match self.winner(hyperplanes, t) {
                Some(c) => (c, true),
                None => (self.nearest(t), false),
            })
            .unzip()
    }

    /// Move the state to the given labels (changed rows only).
    fn apply_labels(&mut self, labels: &[usize], covered: Vec<bool>) {
        for (t, &l) in labels.iter().enumerate() {
            if self.state.labels()[t] != l {
                self.state.move_point(self.dist, t, l);
            }
        }
        self.covered = covered;
    }

    fn pair_index(&self, i: usize, j: usize) -> Option<usize> {
        self.hyperplanes.iter().position(|h| h.i == i && h.j == j)
    }

    /// Whether row t wins every duel of cluster `c` except the one against `except`.
    fn wins_all_but(&self, t: usize, c: usize, except: usize) -> bool {
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

    /// Candidate directions for a boundary: the current one, every axis
    /// direction, and two-feature rays (coefficients within M, primitive):
    /// all of them when d ≤ 6, those sharing a feature with the current
    /// direction when d ≤ 16, only the current support beyond.
    fn directions(&self, current: &[f64]) -> Vec<Vec<f64>> {
        let d = self.z.ncols();
        let m = self.params.m;
        let mut out: Vec<Vec<f64>> = vec![current.to_vec()];
        let integer = current.iter().all(|w| w.fract() == 0.0);
        for f in 0..d {
            for s in [1.0, -1.0] {
                let mut w = vec![0.0; d];
                w[f] = s;
                out.push(w);
            }
        }
        if self.params.beta >= 2 && integer && d >= 2 {
            let support: Vec<usize> = (0..d).filter(|&f| current[f] != 0.0).collect();
            let mut pairs: Vec<(usize, usize)> = Vec::new();
            for a in 0..d {
                for b in a + 1..d {
                    let take = if d <= 6 {
                        true
                    } else if d <= 16 {
                        support.contains(&a) || support.contains(&b)
                    } else {
                        support.len() == 2 && support.contains(&a) && support.contains(&b)
                    };
                    if take {
                        pairs.push((a, b));
                    }
                }
            }
            for (a, b) in pairs {
                for ca in 1..=m {
                    for cb in 1..=m {
                        if gcd(ca, cb) != 1 {
                            continue;
                        }
                        for (sa, sb) in [(1.0, 1.0), (1.0, -1.0), (-1.0, 1.0), (-1.0, -1.0)] {
                            let mut w = vec![0.0; d];
                            w[a] = sa * f64::from(ca);
                            w[b] = sb * f64::from(cb);
                            out.push(w);
                        }
                    }
                }
            }
        }
        out
    }

    /// Best (loss, direction, θ) for the boundary between `i` and `j` over
    /// `directions`, from `state`. Small data: every direction is swept
    /// exactly. With a subsample, every direction is swept on it; the best few
    /// (and the current direction near its current θ) are then re-scored
    /// exactly, each within a window of θ around the subsample's answer, from
    /// `state` (only the rows that change side move).
    fn best_boundary(
        &self,
        state: &SilhouetteState,
        i: usize,
        j: usize,
        rows: &SweepRows,
        directions: &[Vec<f64>],
        current: Option<(usize, f64)>,
    ) -> Option<(f64, usize, f64)> {
        let in_rows = {
            let mut v = vec![false; self.n];
            rows.iter().for_each(|r| v[r.0] = true);
            v
        };
        let base_uncovered = (0..self.n)
            .filter(|&t| !in_rows[t] && !self.covered[t])
            .count();
        let exact = SweepSpace {
            z: self.z,
            index: None,
            dist: self.dist,
            n: self.n,
            bounds: self.params.bounds.map(|b| {
                let sizes = state.sizes();
                (
                    b,
                    size_violation(&b, sizes[i]) + size_violation(&b, sizes[j]),
                )
            }),
        };
        let pick =
            |a: &(f64, usize, f64), b: &(f64, usize, f64)| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1));
        let Some(sample) = self.sample.as_ref() else {
            // Few rows: the ranking sweeps are exact already (on a coarse
            // grid); the best few directions are then refined on every
            // position of a window around their best grid position.
            let positioned = exact.positioned(state, rows, i, base_uncovered);
            let ranked: Vec<(usize, SweepBest)> = directions
                .par_iter()
                .enumerate()
                .filter_map(|(idx, w)| {
                    let current_theta = current.filter(|(c, _)| *c == idx).map(|(_, t)| t);
                    let span = Span::Full {
                        positioned: &positioned,
                        current_theta,
                    };
                    exact
                        .sweep(&span, w, i, j, rows, RANKING_POSITIONS)
                        .map(|b| (idx, b))
                })
                .collect();
            let coarse = ranked
                .iter()
                .map(|(idx, b)| (b.loss, *idx, b.theta))
                .min_by(pick);
            let refined = self.refine(
                state,
                base_uncovered,
                &exact,
                i,
                j,
                rows,
                directions,
                ranked,
            );
            return [coarse, refined].into_iter().flatten().min_by(pick);
        };
        let labels: Vec<usize> = sample.rows.iter().map(|&t| state.labels()[t]).collect();
        let sub_state = SilhouetteState::new(&sample.dist, &labels, state.slots());
        let sub_rows: Vec<(usize, bool, bool, usize)> = rows
            .iter()
            .filter_map(|&(t, a, b, f)| sample.position[t].map(|p| (p, a, b, f)))
            .collect();
        let sub_base = sample
            .rows
            .iter()
            .filter(|&&t| !in_rows[t] && !self.covered[t])
            .count();
        let space = SweepSpace {
            z: self.z.view(),
            index: Some(&sample.rows),
            dist: &sample.dist,
            n: sample.rows.len(),
            bounds: None,
        };
        let positioned = space.positioned(&sub_state, &sub_rows, i, sub_base);
        let ranked: Vec<(usize, SweepBest)> = directions
            .par_iter()
            .enumerate()
            .filter_map(|(idx, w)| {
                let current_theta = current.filter(|(c, _)| *c == idx).map(|(_, t)| t);
                let span = Span::Full {
                    positioned: &positioned,
                    current_theta,
                };
                space
                    .sweep(&span, w, i, j, &sub_rows, RANKING_POSITIONS)
                    .map(|b| (idx, b))
            })
            .collect();
        self.refine(
            state,
            base_uncovered,
            &exact,
            i,
            j,
            rows,
            directions,
            ranked,
        )
    }

    /// Exact window sweeps from `state` for the best [`EXACT_DIRECTIONS`] of
    /// the `ranked` directions (index, ranking sweep) around their best θ,
    /// and for the current direction near its current θ.
    #[allow(clippy::too_many_arguments)]
    fn refine(
        &self,
        state: &SilhouetteState,
        base_uncovered: usize,
        exact: &SweepSpace,
        i: usize,
        j: usize,
        rows: &SweepRows,
        directions: &[Vec<f64>],
        mut ranked: Vec<(usize, SweepBest)>,
    ) -> Option<(f64, usize, f64)> {
        ranked.sort_by(|a, b| a.1.loss.total_cmp(&b.1.loss).then(a.0.cmp(&b.0)));
        let mut windows: Vec<(usize, (f64, f64))> = ranked
            .iter()
            .take(EXACT_DIRECTIONS)
            .map(|(idx, b)| (*idx, b.window))
            .collect();
        // The current hyperplane's neighbourhood is always re-scored, so a
        // small exact improvement the ranking cannot see is still found.
        windows.extend(
            ranked
                .iter()
                .filter_map(|(idx, b)| b.current_window.map(|w| (*idx, w))),
        );
        windows
            .par_iter()
            .filter_map(|&(idx, (lo, hi))| {
                let span = Span::Window {
                    state,
                    uncovered: base_uncovered,
                    lo,
                    hi,
                };
                exact
                    .sweep(&span, &directions[idx], i, j, rows, WINDOW_POSITIONS)
                    .map(|b| (b.loss, idx, b.theta))
            })
            .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)))
    }

    /// Best boundary shift of the hyperplane at index `h`: (loss, new hyperplane).
    fn best_shift(&self, h: usize) -> Option<(f64, Hyperplane)> {
        let PairHyperplane {
            i,
            j,
            ref hyperplane,
        } = self.hyperplanes[h];
        let rows: Vec<(usize, bool, bool, usize)> = (0..self.n)
            .filter_map(|t| {
                let can_i = self.wins_all_but(t, i, j);
                let can_j = self.wins_all_but(t, j, i);
                (can_i || can_j).then(|| (t, can_i, can_j, self.nearest(t)))
            })
            .collect();
        // Clusters that share no boundary region (no row could belong to
        // either) cannot trade rows without uncovering them: nothing to gain.
        if !rows.iter().any(|&(_, can_i, can_j, _)| can_i && can_j) {
            return None;
        }
        let directions = self.directions(&hyperplane.w);
        let (loss, idx, theta) = self.best_boundary(
            &self.state,
            i,
            j,
            &rows,
            &directions,
            Some((0, -hyperplane.b)),
        )?;
        Some((
            loss,
            Hyperplane {
                w: directions[idx].clone(),
                b: -theta,
            },
        ))
    }

    /// Best split of cluster c: (loss, hyperplane with c on the ≥ side).
    fn best_split(&self, c: usize) -> Option<(f64, Hyperplane)> {
        let rows: Vec<(usize, bool, bool, usize)> = (0..self.n)
            .filter(|&t| self.covered[t] && self.state.labels()[t] == c)
            .map(|t| (t, true, true, c))
            .collect();
        if rows.len() < 2 {
            return None;
        }
        let mut state = self.state.clone();
        let new_slot = state.add_slot();
        let d = self.z.ncols();
        let directions: Vec<Vec<f64>> = self.directions(&vec![0.0; d]).split_off(1);
        let (loss, idx, theta) =
            self.best_boundary(&state, c, new_slot, &rows, &directions, None)?;
        Some((
            loss,
            Hyperplane {
                w: directions[idx].clone(),
                b: -theta,
            },
        ))
    }

    fn accept_labels(&mut self) {
        let (labels, covered) = self.labels_for(&self.hyperplanes);
        self.apply_labels(&labels, covered);
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
        self.hyperplanes.extend(inherited);
        self.hyperplanes.push(PairHyperplane {
            i: c,
            j: s,
            hyperplane: split,
        });
        let mut centre = vec![0.0; self.x.ncols()];
        let mut count = 0.0;
        let zs: Vec<usize> = (0..self.n)
            .filter(|&t| self.state.labels()[t] == c && self.covered[t])
            .collect();
        let split_h = self
            .hyperplanes
            .last()
            .expect("just pushed")
            .hyperplane
            .clone();
        for &t in &zs {
            if split_h.score(self.z.row(t)) < 0.0 {
                for (a, v) in centre.iter_mut().zip(self.x.row(t)) {
                    *a += v;
                }
                count += 1.0;
            }
        }
        if count > 0.0 {
            centre.iter_mut().for_each(|v| *v /= count);
        }
        self.centroids.push(centre);
        self.accept_labels();
    }

    /// Cover move for cluster `c`: every hyperplane of c re-solved by
    /// (1)–(12) for the current labels, in which the uncovered rows nearest
    /// to c count as c's. Where the re-solved hyperplanes separate those
    /// labels exactly, the rows are covered without moving any other row (a
    /// boundary shift moves one hyperplane and cannot cover a row that loses
    /// two of its duels). Some((loss, hyperplanes)) when the loss drops below
    /// `current`.
    fn try_cover(
        &self,
        c: usize,
        current: f64,
        stats: &mut SolveStats,
    ) -> Result<Option<(f64, Vec<PairHyperplane>)>, MpcError> {
        if (0..self.n).all(|t| self.covered[t] || self.state.labels()[t] != c) {
            return Ok(None);
        }
        let mut members: Vec<Vec<usize>> = vec![Vec::new(); self.k()];
        for (t, &l) in self.state.labels().iter().enumerate() {
            members[l].push(t);
        }
        let options = SolveOptions {
            backend: self.params.backend,
            time_limit: self.params.solver_time_limit,
            mip_gap: None,
        };
        let mut hyperplanes = self.hyperplanes.clone();
        for h in hyperplanes.iter_mut().filter(|h| h.i == c || h.j == c) {
            if members[h.i].is_empty() || members[h.j].is_empty() {
                continue;
            }
            let problem = HyperplaneProblem::new(self.z.view(), &members[h.i], &members[h.j])
                .map_err(|e| MpcError::Solve(e.into()))?;
            let outcome = hyperplane::solve(&problem, &self.params.hyperplane, &options)?;
            stats.record(&outcome);
            h.hyperplane = outcome.hyperplane;
        }
        let mut probe = Search {
            x: self.x,
            z: self.z,
            dist: self.dist,
            params: self.params,
            hyperplanes: hyperplanes.clone(),
            active: self.active.clone(),
            centroids: self.centroids.clone(),
            state: self.state.clone(),
            covered: self.covered.clone(),
            n: self.n,
            sample: None,
        };
        probe.accept_labels();
        let loss = probe.current_loss();
        Ok((loss < current - MIN_GAIN && probe.state.clusters() >= 2)
            .then_some((loss, hyperplanes)))
    }

    /// Merge b into a (a < b): Some((loss, hyperplanes)) when the merged
    /// clustering improves on `current`.
    fn try_merge(
        &self,
        a: usize,
        b: usize,
        current: f64,
        stats: &mut SolveStats,
    ) -> Result<Option<(f64, Vec<PairHyperplane>)>, MpcError> {
        // Only adjacent clusters merge: some row of one could belong to the other.
        let adjacent = (0..self.n).any(|t| {
            let l = self.state.labels()[t];
            self.covered[t]
                && ((l == a && self.wins_all_but(t, b, a))
                    || (l == b && self.wins_all_but(t, a, b)))
        });
        if !adjacent {
            return Ok(None);
        }
        // Cheap screen: the loss with b's rows relabelled a, in O(n·K).
        let screened = -self.state.silhouette_merged(a, b)
            + UNCOVERED_WEIGHT * self.uncovered() as f64 / self.n as f64;
        if self.state.clusters() <= 2 || screened >= current - MIN_GAIN {
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
        let options = SolveOptions {
            backend: self.params.backend,
            time_limit: self.params.solver_time_limit,
            mip_gap: None,
        };
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
            let problem = HyperplaneProblem::new(self.z.view(), ci, cj)
                .map_err(|e| MpcError::Solve(e.into()))?;
            let outcome = hyperplane::solve(&problem, &self.params.hyperplane, &options)?;
            stats.record(&outcome);
            h.hyperplane = outcome.hyperplane;
        }
        let mut probe = Search {
            x: self.x,
            z: self.z,
            dist: self.dist,
            params: self.params,
            hyperplanes: hyperplanes.clone(),
            active: self.active.clone(),
            centroids: self.centroids.clone(),
            state: self.state.clone(),
            covered: self.covered.clone(),
            n: self.n,
            sample: None,
        };
        probe.active[b] = false;
        probe.accept_labels();
        let loss = probe.current_loss();
        Ok((loss < current - MIN_GAIN && probe.state.clusters() >= 2)
            .then_some((loss, hyperplanes)))
    }
}

/// Run Algorithm 2 from the hyperplanes and centres of Algorithm 1.
#[allow(clippy::too_many_arguments)]
pub fn search<'a>(
    x: ArrayView2<'a, f64>,
    z: ArrayView2<'a, f64>,
    dist: &'a Distances,
    hyperplanes: Vec<PairHyperplane>,
    centroids: &Array2<f64>,
    params: &'a ValidMpcParams,
    observer: &dyn Observer,
    start: Instant,
) -> Result<SearchResult, MpcError> {
    let n = x.nrows();
    let k = centroids.nrows();
    let k_max = params.k_max.unwrap_or(params.k).max(k);
    let mut s = Search {
        x,
        z,
        dist,
        params,
        hyperplanes,
        active: vec![true; k],
        centroids: centroids.rows().into_iter().map(|r| r.to_vec()).collect(),
        state: SilhouetteState::new(dist, &vec![0; n], k),
        covered: vec![true; n],
        n,
        sample: Sample::new(x),
    };
    s.accept_labels();
    let mut loss = s.current_loss();
    let mut history = vec![loss];
    let mut accepted = [0usize; 3];
    let mut stats = SolveStats::default();
    let mut status = RunStatus::Converged;
    let max_moves = 200;
    let out_of_time = || {
        params
            .time_limit
            .is_some_and(|t| start.elapsed().as_secs_f64() > t)
    };
    // Queue items: hyperplanes by (i, j), then clusters (split), then cover
    // moves (clusters nearest to an uncovered row), then merges.
    // An item is examined again only after one of its clusters changed (its
    // members or its hyperplanes) since it was last examined; the search ends
    // when every item is clean. This is the queue reset of Algorithm 2
    // restricted to the items an accepted move can affect directly.
    let mut version: Vec<u64> = vec![0; s.k()];
    let mut examined: std::collections::HashMap<(u8, usize, usize), (u64, u64)> =
        std::collections::HashMap::new();
    let mut cursor = 0usize;
    loop {
        let mut queue: Vec<(u8, usize, usize)> =
            s.hyperplanes.iter().map(|h| (0u8, h.i, h.j)).collect();
        let active: Vec<usize> = (0..s.k()).filter(|&c| s.active[c]).collect();
        if active.len() < k_max {
            queue.extend(active.iter().map(|&c| (1u8, c, c)));
        }
        // Cover moves for the clusters nearest to some uncovered row.
        let mut stray_clusters: Vec<usize> = (0..s.n)
            .filter(|&t| !s.covered[t])
            .map(|t| s.state.labels()[t])
            .collect();
        stray_clusters.sort_unstable();
        stray_clusters.dedup();
        queue.extend(stray_clusters.iter().map(|&c| (3u8, c, c)));
        if active.len() > 2 {
            for (pos, &a) in active.iter().enumerate() {
                for &b in &active[pos + 1..] {
                    queue.push((2u8, a, b));
                }
            }
        }
        let dirty = |item: &(u8, usize, usize)| {
            examined.get(item) != Some(&(version[item.1], version[item.2]))
        };
        let Some(offset) = (0..queue.len()).find(|o| dirty(&queue[(cursor + o) % queue.len()]))
        else {
            break;
        };
        let item = queue[(cursor + offset) % queue.len()];
        cursor += offset + 1;
        examined.insert(item, (version[item.1], version[item.2]));
        if out_of_time() {
            status = RunStatus::TimeLimit;
            break;
        }
        let before_labels = s.state.labels().to_vec();
        let snapshot = (
            s.hyperplanes.clone(),
            s.active.clone(),
            s.centroids.clone(),
            s.state.clone(),
            s.covered.clone(),
        );
        // A cover move shifts intercepts: it counts as boundary shifts.
        let kind = [0, 1, 2, 0][usize::from(item.0)];
        let applied = match item.0 {
            0 => {
                let Some(h) = s.pair_index(item.1, item.2) else {
                    continue;
                };
                match s.best_shift(h) {
                    Some((l, hp)) if l < loss - MIN_GAIN => {
                        s.hyperplanes[h].hyperplane = hp;
                        s.accept_labels();
                        true
                    }
                    _ => false,
                }
            }
            1 => match s.best_split(item.1) {
                Some((l, hp)) if l < loss - MIN_GAIN => {
                    s.apply_split(item.1, hp);
                    version.push(0);
                    true
                }
                _ => false,
            },
            3 => match s.try_cover(item.1, loss, &mut stats)? {
                Some((_, hyperplanes)) => {
                    s.hyperplanes = hyperplanes;
                    s.accept_labels();
                    true
                }
                None => false,
            },
            _ => match s.try_merge(item.1, item.2, loss, &mut stats)? {
                Some((_, hyperplanes)) => {
                    s.hyperplanes = hyperplanes;
                    s.active[item.2] = false;
                    s.accept_labels();
                    true
                }
                None => false,
            },
        };
        if !applied {
            continue;
        }
        // The sweep's prediction is re-checked on the exact tournament labels;
        // a move that does not lower the exact loss is undone.
        let new_loss = s.current_loss();
        let violation = |st: &SilhouetteState| {
            params.bounds.map_or(0, |b| {
                st.sizes()
                    .iter()
                    .map(|&z| size_violation(&b, z))
                    .sum::<usize>()
            })
        };
        if new_loss >= loss - MIN_GAIN || violation(&s.state) > violation(&snapshot.3) {
            (s.hyperplanes, s.active, s.centroids, s.state, s.covered) = snapshot;
            version.truncate(s.k());
            continue;
        }
        accepted[kind] += 1;
        for (t, &old) in before_labels.iter().enumerate() {
            let new = s.state.labels()[t];
            if new != old {
                version[old] += 1;
                version[new] += 1;
            }
        }
        version[item.1] += 1;
        version[item.2] += 1;
        loss = new_loss;
        history.push(loss);
        observer.progress(Progress {
            stage: "coordinate descent",
            iteration: history.len() - 1,
            loss,
        });
        if history.len() > max_moves {
            status = RunStatus::IterationLimit;
            break;
        }
    }
    // Renumber the active slots 0..K.
    let map: Vec<Option<usize>> = {
        let mut next = 0;
        s.active
            .iter()
            .map(|&a| {
                a.then(|| {
                    next += 1;
                    next - 1
                })
            })
            .collect()
    };
    let hyperplanes = s
        .hyperplanes
        .into_iter()
        .filter_map(|h| {
            let (i, j) = (map[h.i]?, map[h.j]?);
            Some(PairHyperplane {
                i,
                j,
                hyperplane: h.hyperplane,
            })
        })
        .collect();
    let kept: Vec<Vec<f64>> = s
        .centroids
        .iter()
        .zip(&s.active)
        .filter(|(_, a)| **a)
        .map(|(c, _)| c.clone())
        .collect();
    let d = x.ncols();
    let centroids = Array2::from_shape_fn((kept.len(), d), |(c, f)| kept[c][f]);
    Ok(SearchResult {
        hyperplanes,
        centroids,
        loss,
        history,
        accepted,
        status,
        solves: stats,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    /// A sweep whose current θ lies beyond every projection (all rows on one
    /// side of the current hyperplane), over as few rows as the window's
    /// reach, still reports windows inside the data.
    #[test]
    fn sweep_with_current_threshold_outside_the_rows() {
        let n = 12;
        let z = Array2::from_shape_fn((n, 2), |(t, f)| (t * (f + 1)) as f64 / n as f64);
        let dist = Distances::new(z.view());
        let labels: Vec<usize> = (0..n).map(|t| usize::from(t >= n / 2)).collect();
        let state = SilhouetteState::new(&dist, &labels, 2);
        let space = SweepSpace {
            z: z.view(),
            index: None,
            dist: &dist,
            n,
            bounds: None,
        };
        for sweep_rows in [vec![5, 6], vec![2, 3, 8, 9]] {
            let rows: Vec<(usize, bool, bool, usize)> = sweep_rows
                .iter()
                .map(|&t| (t, true, true, labels[t]))
                .collect();
            let positioned = space.positioned(&state, &rows, 0, 0);
            for theta in [-10.0, 10.0] {
                let span = Span::Full {
                    positioned: &positioned,
                    current_theta: Some(theta),
                };
                let best = space
                    .sweep(&span, &[1.0, 0.0], 0, 1, &rows, RANKING_POSITIONS)
                    .expect("a scored position");
                let (lo, hi) = best.current_window.expect("a current window");
                assert!(lo <= hi);
                // The reported loss is the silhouette of the reported θ.
                let mut at_theta = labels.clone();
                for &t in &sweep_rows {
                    at_theta[t] = if z[[t, 0]] >= best.theta { 0 } else { 1 };
                }
                let exact = crate::metrics::silhouette(z.view(), &at_theta).unwrap();
                assert!((best.loss + exact).abs() < 1e-12, "{} {exact}", best.loss);
            }
        }
    }
}
