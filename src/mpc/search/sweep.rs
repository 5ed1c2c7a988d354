//! The sweep engine of Algorithm 2: for a direction `w`, the intercept of a
//! boundary is swept across the rows' projections, one row changing side at
//! a time, and every position is scored with the incremental silhouette
//! state.
//!
//! A move that changes one boundary between clusters `i` and `j` moves only
//! the rows that can be won by `i` or `j` ([`SweepRows`]); the silhouette of a
//! position is evaluated over the clusters those rows touch, in
//! O(n·|affected clusters|), never by an O(n²) recomputation. Directions are
//! ranked by a sweep on a coarse grid of positions (on a fixed subsample of
//! the rows when n > [`SAMPLE_ABOVE`], else on every row); above
//! [`SCREEN_ABOVE`] directions (of two non-zeros, on the subsample), a
//! screening sweep on a coarser grid keeps the best [`SCREEN_KEEP`] for it
//! (on every other row from [`SCREEN_SAMPLE_FROM`] rows, when the ranking
//! runs on every row); the best few, and the current
//! direction near its current threshold, are then re-scored exactly on every
//! position of a window (only the rows that change side move). The scored
//! positions are what a sweep costs: every row that changes side is an O(n)
//! update of two columns, every scored position an O(n·|affected|) pass, so
//! windows that repeat positions already scored exactly are not swept, and
//! on the subsample only directions within [`RANK_MARGIN`] of the current
//! one are refined.

use super::state::Search;
use super::UNCOVERED_WEIGHT;
use crate::assign::CardinalityBounds;
use crate::metrics::{Distances, SilhouetteState, SweepFrame};
use ndarray::ArrayView2;
use rayon::prelude::*;
use std::sync::Mutex;

/// Candidate intercepts scored per direction when ranking directions (on the
/// subsample, or on every row when there is none): the ranking only orders
/// directions and brackets θ, which the exact window sweeps then refine.
pub(super) const RANKING_POSITIONS: usize = 32;

/// Candidate intercepts per direction of the screening sweep that, when the
/// ranking runs on every row, picks the [`SCREEN_KEEP`] directions ranked on
/// [`RANKING_POSITIONS`] (measured on the paper's suites at 2 seeds: the same
/// silhouettes, wine's MPC-2 run 3.6× faster).
const SCREEN_POSITIONS: usize = 8;

/// Directions kept by the screening sweep.
const SCREEN_KEEP: usize = 24;

/// Rows from which the screening sweeps run on a subsample of every other
/// row ([`Sample::for_screening`]) when the ranking runs on every row: a
/// screening sweep moves every sweep row (O(n) each) and sorts them, so on
/// half the rows it costs about a quarter.
const SCREEN_SAMPLE_FROM: usize = 120;

/// Sweep rows the screening subsample needs to hold to screen a boundary
/// (with fewer, the screening runs on every row).
const SCREEN_SAMPLE_ROWS: usize = 16;

/// Directions up to which the ranking sweeps every one on the fine grid.
const SCREEN_ABOVE: usize = 64;

/// Candidate intercepts scored (at most) in the window of an exact sweep.
const WINDOW_POSITIONS: usize = 16;

/// Ranks on either side of the current intercept scored exactly (current direction).
const LOCAL_POSITIONS: usize = 12;

/// Rows of a sweep: `(row, can_be_i, can_be_j, fallback)`, where `can_be_i`
/// says the row wins every duel of i except the one being moved.
pub(super) type SweepRows = [(usize, bool, bool, usize)];

/// Where a sweep runs: the full data, or a subsample used to rank directions.
pub(super) struct SweepSpace<'b> {
    pub(super) z: ArrayView2<'b, f64>,
    /// Sample position → row of `z` (None: identity).
    pub(super) index: Option<&'b [usize]>,
    pub(super) dist: &'b Distances,
    pub(super) n: usize,
    /// Cardinality bounds (15) and the violation allowed for the two
    /// clusters of the sweep (their current one): positions beyond it are
    /// not scored. `None` on the subsample, which only ranks directions.
    pub(super) bounds: Option<(CardinalityBounds, usize)>,
}

/// How far a cluster of `size` rows is outside the bounds.
pub(super) fn size_violation(bounds: &CardinalityBounds, size: usize) -> usize {
    bounds.violation(size)
}

impl SweepSpace<'_> {
    /// `w·z_t` over the non-zeros `support` of `w` (the zero terms add
    /// nothing: the sum is the dense one, at 1–2 of d features' cost). A
    /// zero projection is +0 (the order sorts with `total_cmp`).
    fn projection(&self, t: usize, support: &[(usize, f64)]) -> f64 {
        let row = self.z.row(self.index.map_or(t, |ix| ix[t]));
        support.iter().map(|&(f, w)| row[f] * w).sum::<f64>() + 0.0
    }

    /// The state with every sweep row on i's side (θ below every projection)
    /// and the uncovered count there. Shared by every direction of a boundary.
    pub(super) fn positioned(
        &self,
        state: &SilhouetteState,
        rows: &SweepRows,
        i: usize,
        base_uncovered: usize,
    ) -> (SilhouetteState, usize) {
        let mut state = state.clone();
        let mut uncovered = base_uncovered;
        let moves: Vec<(usize, usize)> = rows
            .iter()
            .map(|&(t, can_i, _, fallback)| {
                uncovered += usize::from(!can_i);
                (t, if can_i { i } else { fallback })
            })
            .collect();
        state.move_points(self.dist, &moves);
        (state, uncovered)
    }

    /// (violation of the bounds by i and j, loss) of `state` with
    /// `uncovered` rows uncovered, when it is scored: within the violation
    /// allowed and with two clusters at least.
    pub(super) fn score(
        &self,
        state: &SilhouetteState,
        uncovered: usize,
        frame: &SweepFrame,
        i: usize,
        j: usize,
    ) -> Option<(usize, f64)> {
        let violation = self.bounds.map_or(0, |(b, _)| {
            size_violation(&b, state.sizes()[i]) + size_violation(&b, state.sizes()[j])
        });
        let within = self.bounds.is_none_or(|(_, allowed)| violation <= allowed);
        (within && state.clusters() >= 2).then(|| {
            let loss = -state.silhouette_within(frame)
                + UNCOVERED_WEIGHT * uncovered as f64 / self.n as f64;
            (violation, loss)
        })
    }

    /// What every sweep of the boundary between `i` and `j` over `rows`
    /// shares, from `state` (this space's state before the sweep rows move).
    /// Rows move only among i, j and the fallback clusters of rows that
    /// cannot be i or j: the silhouette is evaluated over those clusters
    /// ([`SilhouetteState::sweep_frame`]).
    pub(super) fn frame(
        state: &SilhouetteState,
        rows: &SweepRows,
        i: usize,
        j: usize,
    ) -> SweepFrame {
        let mut affected = vec![i, j];
        for &(_, can_i, can_j, fallback) in rows {
            if !(affected.contains(&fallback) || can_i && can_j) {
                affected.push(fallback);
            }
        }
        state.sweep_frame(&affected)
    }

    /// Sweep the threshold θ of direction `w` for the boundary between `i`
    /// (side `w·z ≥ θ`) and `j`: rows cross to j's side one at a time in order
    /// of projection (O(n) each) and the positions of `span` are scored in
    /// O(n·|affected clusters|). Returns the best position.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn sweep(
        &self,
        span: &Span,
        frame: &SweepFrame,
        w: &[f64],
        i: usize,
        j: usize,
        rows: &SweepRows,
        grid: usize,
    ) -> Option<SweepBest> {
        if rows.is_empty() {
            return None;
        }
        // The buffers and the starting state are the thread's (see [`Scratch`]).
        SCRATCH.with_borrow_mut(|scratch| {
            let Scratch {
                support,
                projections,
                keys,
                order,
                state: kept_state,
                moves,
            } = scratch;
            moves.clear();
            support.clear();
            support.extend(
                w.iter()
                    .enumerate()
                    .filter(|(_, w)| **w != 0.0)
                    .map(|(f, &w)| (f, w)),
            );
            projections.clear();
            projections.extend(rows.iter().map(|&(t, ..)| self.projection(t, support)));
            // Rows in `total_cmp` order of their projection, the row index
            // breaking ties, sorted as single integers: the projection's
            // total-order bits above the index (unstable is exact, no two keys
            // are equal). Integer keys sort about twice as fast as the pairs
            // compared field by field, and a sweep sorts its rows once per
            // direction.
            keys.clear();
            keys.extend(
                projections
                    .iter()
                    .enumerate()
                    .map(|(r, &p)| (u128::from(total_order_bits(p)) << 64) | r as u128),
            );
            keys.sort_unstable();
            order.clear();
            order.extend(keys.iter().map(|&key| {
                let r = key as u64 as usize;
                (projections[r], r)
            }));
            let order = &order[..];
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
            let (state, mut uncovered, first, last, local) = match *span {
                Span::Full {
                    positioned,
                    current_theta,
                    ..
                } => {
                    // Rank of the current θ among the projections (0..=len).
                    let local =
                        current_theta.map(|theta| order.partition_point(|(p, _)| *p < theta));
                    (
                        copy_into(kept_state, &positioned.0),
                        positioned.1,
                        0,
                        len,
                        local,
                    )
                }
                Span::Window {
                    state,
                    uncovered,
                    lo,
                    hi,
                } => {
                    let first = order.partition_point(|(p, _)| *p < lo);
                    let last = order.partition_point(|(p, _)| *p <= hi).max(first);
                    let state = copy_into(kept_state, state);
                    let mut uncovered = uncovered;
                    for (q, &(_, r)) in order.iter().enumerate() {
                        let (t, can_i, can_j, fallback) = rows[r];
                        let (label, covered) = if q < first {
                            (j_side(r), can_j)
                        } else {
                            (if can_i { i } else { fallback }, can_i)
                        };
                        uncovered += usize::from(!covered);
                        moves.push((t, label));
                    }
                    (state, uncovered, first, last, None)
                }
            };
            // At most `grid` + 1 positions on a ranking over every row (a step of
            // one below 2·grid rows scored every position twice as densely as
            // asked); on the subsample and in windows, the step rounds down:
            // ranking engytime's subsample at the rounded-up step lowered its
            // best silhouette from 0.573 to 0.530.
            let step = if matches!(span, Span::Full { .. }) && self.index.is_none() {
                (last - first).div_ceil(grid).max(1)
            } else {
                ((last - first) / grid).max(1)
            };
            // Best position by (violation of the bounds by i and j, loss): with
            // bounds, positions that repair a violation come first.
            // The positions every direction shares: all sweep rows on i's side
            // (scored once per ranking, `Span::Full::start`) and all on j's side.
            let (start, ends) = match *span {
                Span::Full { start, ends, .. } => (Some(start), ends),
                Span::Window { .. } => (None, true),
            };
            let mut best: Option<(usize, f64, usize)> = None;
            for pos in first..=last {
                let near_current =
                    local.is_some_and(|r| pos + LOCAL_POSITIONS >= r && pos <= r + LOCAL_POSITIONS);
                // Position `pos`: rows 0..pos on j's side; θ between neighbours.
                let separable = pos == 0 || pos == len || order[pos - 1].0 < order[pos].0;
                let scored = ((pos - first) % step == 0 || near_current || pos == last)
                    && separable
                    && (ends || pos != 0 && pos != len);
                let found = match start {
                    Some(start) if pos == 0 => start.filter(|_| scored),
                    _ if scored => {
                        // The rows that crossed since the last scored
                        // position move together.
                        state.move_points(self.dist, moves);
                        moves.clear();
                        self.score(state, uncovered, frame, i, j)
                    }
                    _ => None,
                };
                if let Some((violation, loss)) = found {
                    if best.is_none_or(|(bv, bl, _)| violation < bv || violation == bv && loss < bl)
                    {
                        best = Some((violation, loss, pos));
                    }
                }
                if pos < last {
                    let r = order[pos].1;
                    let (t, can_i, can_j, _) = rows[r];
                    uncovered = uncovered + usize::from(!can_j) - usize::from(!can_i);
                    // Each sweep row crosses once: its pending moves (at
                    // most one, from the window's start) are behind it.
                    moves.push((t, j_side(r)));
                }
            }
            let (violation, loss, pos) = best?;
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
            // On every row with a grid step of at most LOCAL_POSITIONS, every
            // position within reach of the current θ was scored exactly above:
            // there is nothing to refine around it.
            let current_window = local
                .filter(|_| self.index.is_some() || reach > LOCAL_POSITIONS)
                .map(window_around);
            Some(SweepBest {
                violation,
                loss,
                theta: theta_at(pos),
                window: window_around(pos),
                current_window,
            })
        })
    }
}

/// What a sweep allocates, kept per thread between sweeps: a ranking sweeps
/// hundreds of directions of a few hundred rows each, where allocating the
/// buffers and the state's columns afresh measured about a tenth of the
/// instructions (wine's MPC-2 run).
#[derive(Default)]
struct Scratch {
    support: Vec<(usize, f64)>,
    projections: Vec<f64>,
    keys: Vec<u128>,
    order: Vec<(f64, usize)>,
    state: Option<SilhouetteState>,
    /// Rows that changed side since the last scored position, as
    /// `(row, cluster)`: they move together before the next score.
    moves: Vec<(usize, usize)>,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::default();
}

/// `source` copied into `kept` (its allocations reused when it holds a state).
fn copy_into<'k>(
    kept: &'k mut Option<SilhouetteState>,
    source: &SilhouetteState,
) -> &'k mut SilhouetteState {
    match kept {
        Some(state) => {
            state.clone_from(source);
            state
        }
        None => kept.insert(source.clone()),
    }
}

/// `p`'s bits as an unsigned integer ordered as [`f64::total_cmp`] orders
/// the floats.
fn total_order_bits(p: f64) -> u64 {
    let bits = p.to_bits();
    // Negative floats: every bit flipped (larger magnitude, smaller key);
    // positive ones: the sign bit set (above every negative).
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | (1 << 63)
    }
}

/// Where a ranking sweeps: the space, the frame and the state with every
/// sweep row on i's side (with its uncovered count), and the sweep rows.
pub(super) struct Ranking<'r, 'v> {
    space: &'r SweepSpace<'v>,
    frame: &'r SweepFrame,
    positioned: &'r (SilhouetteState, usize),
    rows: &'r SweepRows,
    /// The score of `positioned`.
    start: Option<(usize, f64)>,
}

impl<'r, 'v> Ranking<'r, 'v> {
    fn new(
        space: &'r SweepSpace<'v>,
        frame: &'r SweepFrame,
        positioned: &'r (SilhouetteState, usize),
        rows: &'r SweepRows,
        i: usize,
        j: usize,
    ) -> Self {
        Self {
            space,
            frame,
            positioned,
            rows,
            start: space.score(&positioned.0, positioned.1, frame, i, j),
        }
    }
}

/// A boundary's sweep on a subsample (see [`Search::on_sample`]).
pub(super) struct OnSample<'s> {
    space: SweepSpace<'s>,
    frame: SweepFrame,
    positioned: (SilhouetteState, usize),
    rows: Vec<(usize, bool, bool, usize)>,
    i: usize,
    j: usize,
}

impl<'s> OnSample<'s> {
    fn ranking(&self) -> Ranking<'_, 's> {
        Ranking::new(
            &self.space,
            &self.frame,
            &self.positioned,
            &self.rows,
            self.i,
            self.j,
        )
    }
}

/// Positions a sweep scores.
pub(super) enum Span<'s> {
    /// Every position on a grid (plus every position within
    /// [`LOCAL_POSITIONS`] ranks of `current_theta`), from the state with all
    /// sweep rows on i's side.
    Full {
        positioned: &'s (SilhouetteState, usize),
        current_theta: Option<f64>,
        /// The score of `positioned` ([`SweepSpace::score`]): the same for
        /// every direction, computed once.
        start: Option<(usize, f64)>,
        /// Whether the first and last positions are scored. Every direction
        /// shares them (all sweep rows on one side), so a screening sweep,
        /// which only orders directions, leaves them out.
        ends: bool,
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
pub(super) struct SweepBest {
    /// How far i and j are outside the cardinality bounds there.
    pub(super) violation: usize,
    pub(super) loss: f64,
    pub(super) theta: f64,
    /// The θ interval spanning [`WINDOW_RANKS`] rows on either side of the
    /// best position: where an exact sweep refines a subsample's answer.
    pub(super) window: (f64, f64),
    /// The same interval around the current θ, when one was given.
    pub(super) current_window: Option<(f64, f64)>,
}

/// Subsample ranks on either side of a subsample's best position that the
/// exact sweep re-scores on every row.
const WINDOW_RANKS: usize = 3;

/// A fixed subsample of the rows, used to rank candidate directions cheaply
/// before the exact sweeps (only when n exceeds [`SAMPLE_ABOVE`]).
pub(super) struct Sample {
    rows: Vec<usize>,
    /// Full row → sample position.
    position: Vec<Option<usize>>,
    dist: Distances,
    /// The sample's state for the last labels asked for, with its slot
    /// count: most examined moves are rejected, so the next boundary sweeps
    /// from the same labels and the O(s²) build is skipped (the state is the
    /// one a fresh build gives, bit for bit).
    last_state: Mutex<Option<SilhouetteState>>,
}

/// Above this many rows, directions are ranked on a subsample first.
pub(super) const SAMPLE_ABOVE: usize = 500;

/// Size of that subsample: a third of the rows, between 300 and 600.
fn sample_size(n: usize) -> usize {
    (n / 3).clamp(300, 600)
}

/// Directions kept for exact sweeps after ranking on the subsample.
const EXACT_DIRECTIONS: usize = 3;

/// A direction whose best loss on the subsample is worse than the current
/// direction's by more than this is not refined on every row: a window
/// sweep on every row costs a move of O(n) per row that changes side, and
/// such a direction (the current one reversed, say) does not beat the
/// current boundary there. Differences between directions on one sample
/// are far less noisy than the sample's silhouette itself.
const RANK_MARGIN: f64 = 0.02;

impl Sample {
    pub(super) fn new(x: ArrayView2<f64>) -> Option<Self> {
        let n = x.nrows();
        (n > SAMPLE_ABOVE).then(|| Self::of_size(x, sample_size(n)))
    }

    /// The subsample on which the screening sweeps run when the ranking
    /// runs on every row (n at most [`SAMPLE_ABOVE`]): every other row, from
    /// [`SCREEN_SAMPLE_FROM`] rows on.
    pub(super) fn for_screening(x: ArrayView2<f64>) -> Option<Self> {
        let n = x.nrows();
        (SCREEN_SAMPLE_FROM..=SAMPLE_ABOVE)
            .contains(&n)
            .then(|| Self::of_size(x, n / 2))
    }

    fn of_size(x: ArrayView2<f64>, size: usize) -> Self {
        let n = x.nrows();
        // Evenly spaced rows: deterministic and spread over the file order.
        let rows: Vec<usize> = (0..size).map(|s| s * n / size).collect();
        let mut position = vec![None; n];
        rows.iter()
            .enumerate()
            .for_each(|(p, &t)| position[t] = Some(p));
        let sub = x.select(ndarray::Axis(0), &rows);
        Self {
            rows,
            position,
            dist: Distances::new(sub.view()),
            last_state: Mutex::new(None),
        }
    }

    /// The silhouette state of the sample rows under the labels of `state`
    /// (same slots).
    fn state_of(&self, state: &SilhouetteState) -> SilhouetteState {
        let labels: Vec<usize> = self.rows.iter().map(|&t| state.labels()[t]).collect();
        let mut last = self.last_state.lock().unwrap_or_else(|e| e.into_inner());
        match last.as_ref() {
            Some(cached) if cached.slots() == state.slots() && cached.labels() == labels => {
                cached.clone()
            }
            _ => {
                let fresh = SilhouetteState::new(&self.dist, &labels, state.slots());
                *last = Some(fresh.clone());
                fresh
            }
        }
    }
}

/// The best boundary a sweep found: by the violation of the bounds by the
/// two clusters, then the loss, then the direction's index (the candidates'
/// order breaks ties).
#[derive(Debug, Clone, Copy)]
pub(super) struct Candidate {
    pub(super) violation: usize,
    pub(super) loss: f64,
    pub(super) direction: usize,
    pub(super) theta: f64,
}

impl Candidate {
    fn from_sweep(direction: usize, b: &SweepBest) -> Self {
        Self {
            violation: b.violation,
            loss: b.loss,
            direction,
            theta: b.theta,
        }
    }

    fn order(a: &Self, b: &Self) -> std::cmp::Ordering {
        a.violation
            .cmp(&b.violation)
            .then(a.loss.total_cmp(&b.loss))
            .then(a.direction.cmp(&b.direction))
    }
}

impl Search<'_> {
    /// Best candidate for the boundary between `i` and `j` over
    /// `directions`, from `state`. Small data: every direction is swept
    /// exactly. With a subsample, every direction is swept on it; the best few
    /// (and the current direction near its current θ) are then re-scored
    /// exactly, each within a window of θ around the subsample's answer, from
    /// `state` (only the rows that change side move).
    pub(super) fn best_boundary(
        &self,
        state: &SilhouetteState,
        i: usize,
        j: usize,
        rows: &SweepRows,
        directions: &[Vec<f64>],
        current: Option<(usize, f64)>,
    ) -> Option<Candidate> {
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
        // The ranking sweeps: exact (on a coarse grid) with few rows, whose
        // best grid position is then a candidate too; on the sample above
        // the sample size. Either way the best few directions are refined on
        // every position of a window around their best grid position, on
        // every row.
        let (ranked, coarse, exact_frame) = match self.sample {
            None => {
                let frame = SweepSpace::frame(state, rows, i, j);
                let positioned = exact.positioned(state, rows, i, base_uncovered);
                let every_row = Ranking::new(&exact, &frame, &positioned, rows, i, j);
                let screening = self
                    .screen_sample
                    .filter(|_| directions.len() > SCREEN_ABOVE)
                    .map(|sample| self.on_sample(sample, state, rows, &in_rows, i, j))
                    .filter(|on_sample| on_sample.rows.len() >= SCREEN_SAMPLE_ROWS);
                let screen = screening.as_ref().map(|on| on.ranking());
                let ranked = self.rank(&every_row, screen, i, j, directions, current);
                let coarse = ranked
                    .iter()
                    .map(|(idx, b)| Candidate::from_sweep(*idx, b))
                    .min_by(Candidate::order);
                (ranked, coarse, frame)
            }
            Some(sample) => {
                let on_sample = self.on_sample(sample, state, rows, &in_rows, i, j);
                let ranked = self.rank(&on_sample.ranking(), None, i, j, directions, current);
                (ranked, None, SweepSpace::frame(state, rows, i, j))
            }
        };
        // On the sample, a direction ranked clearly below the current one
        // is not refined on every row (see [`RANK_MARGIN`]).
        let reference = current
            .filter(|_| self.sample.is_some())
            .and_then(|(c, _)| ranked.iter().find(|(idx, _)| *idx == c))
            .map(|(_, b)| (b.violation, b.loss));
        let refined = self.refine(
            state,
            base_uncovered,
            &exact,
            &exact_frame,
            i,
            j,
            rows,
            directions,
            ranked,
            reference,
        );
        [coarse, refined]
            .into_iter()
            .flatten()
            .min_by(Candidate::order)
    }

    /// `state` and the sweep `rows` on `sample` (the state of its rows under
    /// the same labels, the sweep rows among them, everything on i's side).
    fn on_sample<'s>(
        &'s self,
        sample: &'s Sample,
        state: &SilhouetteState,
        rows: &SweepRows,
        in_rows: &[bool],
        i: usize,
        j: usize,
    ) -> OnSample<'s> {
        let sub_state = sample.state_of(state);
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
        let frame = SweepSpace::frame(&sub_state, &sub_rows, i, j);
        let positioned = space.positioned(&sub_state, &sub_rows, i, sub_base);
        OnSample {
            space,
            frame,
            positioned,
            rows: sub_rows,
            i,
            j,
        }
    }

    /// Directions swept on a coarse grid of `on` from the state with every
    /// sweep row on i's side (the current direction also near its current
    /// θ), until the deadline: (index, best position) of each. With at most
    /// [`SCREEN_ABOVE`] directions, or directions of one non-zero on the
    /// subsample, every direction; otherwise the [`SCREEN_KEEP`] best of a
    /// screening sweep on [`SCREEN_POSITIONS`] positions (on `screen` when
    /// given, the screening subsample), and the current direction.
    fn rank(
        &self,
        on: &Ranking,
        screen: Option<Ranking>,
        i: usize,
        j: usize,
        directions: &[Vec<f64>],
        current: Option<(usize, f64)>,
    ) -> Vec<(usize, SweepBest)> {
        let every: Vec<usize> = (0..directions.len()).collect();
        // Few directions (MPC-1 below 32 features) are all ranked: screening
        // 33 of them measured lower on zoo (MPC-1, 10 seeds: 0.4105 against
        // 0.413). On the subsample, directions of one non-zero (MPC-1) are
        // all ranked too: screening them there lowered bank's MPC-1 (10
        // seeds: 0.13245 → 0.12787), while MPC-2's neighbouring directions
        // of two non-zeros screen as well there as on every row (bank
        // 0.13310 → 0.13304, every other instance the same; atom's MPC-2
        // run at k = 6: 3.65 → 2.15 G instructions).
        let one_nonzero = self.params.beta == 1;
        if directions.len() <= SCREEN_ABOVE || on.space.index.is_some() && one_nonzero {
            return self.sweep_each(
                on,
                &every,
                RANKING_POSITIONS,
                false,
                i,
                j,
                directions,
                current,
            );
        }
        // Screening: every direction on a grid of SCREEN_POSITIONS; the best
        // SCREEN_KEEP (and the current direction) are ranked on the finer grid.
        let mut screened = match &screen {
            Some(sample) => self.sweep_each(
                sample,
                &every,
                SCREEN_POSITIONS,
                true,
                i,
                j,
                directions,
                current,
            ),
            None => self.sweep_each(
                on,
                &every,
                SCREEN_POSITIONS,
                true,
                i,
                j,
                directions,
                current,
            ),
        };
        screened.sort_by(|a, b| {
            Candidate::order(
                &Candidate::from_sweep(a.0, &a.1),
                &Candidate::from_sweep(b.0, &b.1),
            )
        });
        let mut kept: Vec<usize> = screened
            .iter()
            .take(SCREEN_KEEP)
            .map(|(idx, _)| *idx)
            .collect();
        if let Some((c, _)) = current.filter(|(c, _)| *c < directions.len() && !kept.contains(c)) {
            kept.push(c);
        }
        kept.sort_unstable();
        self.sweep_each(
            on,
            &kept,
            RANKING_POSITIONS,
            false,
            i,
            j,
            directions,
            current,
        )
    }

    /// The sweeps of the directions `indices` on `on`, on a grid of `grid`
    /// positions (the current direction also near its current θ), until the
    /// deadline.
    #[allow(clippy::too_many_arguments)]
    fn sweep_each(
        &self,
        on: &Ranking,
        indices: &[usize],
        grid: usize,
        screening: bool,
        i: usize,
        j: usize,
        directions: &[Vec<f64>],
        current: Option<(usize, f64)>,
    ) -> Vec<(usize, SweepBest)> {
        indices
            .par_iter()
            .filter(|_| !self.deadline.expired())
            .filter_map(|&idx| {
                let current_theta = current.filter(|(c, _)| *c == idx).map(|(_, t)| t);
                let span = Span::Full {
                    positioned: on.positioned,
                    current_theta,
                    start: on.start,
                    ends: !screening,
                };
                on.space
                    .sweep(&span, on.frame, &directions[idx], i, j, on.rows, grid)
                    .map(|b| (idx, b))
            })
            .collect()
    }

    /// Exact window sweeps from `state` for the best [`EXACT_DIRECTIONS`] of
    /// the `ranked` directions (index, ranking sweep) around their best θ,
    /// and for the current direction near its current θ. With a
    /// `reference` (the current direction's best (violation, loss) on the
    /// subsample), a direction ranked worse than it by more than
    /// [`RANK_MARGIN`] is not refined; two windows of one direction that
    /// overlap are swept once, over their union.
    #[allow(clippy::too_many_arguments)]
    fn refine(
        &self,
        state: &SilhouetteState,
        base_uncovered: usize,
        exact: &SweepSpace,
        frame: &SweepFrame,
        i: usize,
        j: usize,
        rows: &SweepRows,
        directions: &[Vec<f64>],
        mut ranked: Vec<(usize, SweepBest)>,
        reference: Option<(usize, f64)>,
    ) -> Option<Candidate> {
        ranked.sort_by(|a, b| {
            Candidate::order(
                &Candidate::from_sweep(a.0, &a.1),
                &Candidate::from_sweep(b.0, &b.1),
            )
        });
        let competitive = |b: &SweepBest| {
            reference.is_none_or(|(violation, loss)| {
                b.violation < violation || b.violation == violation && b.loss <= loss + RANK_MARGIN
            })
        };
        let mut windows: Vec<(usize, (f64, f64))> = ranked
            .iter()
            .take(EXACT_DIRECTIONS)
            .filter(|(_, b)| competitive(b))
            .map(|(idx, b)| (*idx, b.window))
            .collect();
        // The current hyperplane's neighbourhood is always re-scored, so a
        // small exact improvement the ranking cannot see is still found.
        windows.extend(
            ranked
                .iter()
                .filter_map(|(idx, b)| b.current_window.map(|w| (*idx, w))),
        );
        // Near convergence the current direction often ranks best near its
        // current θ: its two windows then overlap and are swept once, over
        // their union.
        let mut merged: Vec<(usize, (f64, f64))> = Vec::with_capacity(windows.len());
        for (idx, (lo, hi)) in windows {
            match merged
                .iter_mut()
                .find(|(other, (l, h))| *other == idx && lo <= *h && *l <= hi)
            {
                Some((_, (l, h))) => {
                    *l = l.min(lo);
                    *h = h.max(hi);
                }
                None => merged.push((idx, (lo, hi))),
            }
        }
        let windows = merged;
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
                    .sweep(&span, frame, &directions[idx], i, j, rows, WINDOW_POSITIONS)
                    .map(|b| Candidate::from_sweep(idx, &b))
            })
            .min_by(Candidate::order)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    /// The integer keys order floats as `total_cmp` does.
    #[test]
    fn total_order_bits_follow_total_cmp() {
        let values = [
            f64::NEG_INFINITY,
            -1e300,
            -2.5,
            -1e-310,
            -0.0,
            0.0,
            1e-310,
            1.0,
            2.5,
            1e300,
            f64::INFINITY,
        ];
        for a in values {
            for b in values {
                assert_eq!(
                    total_order_bits(a).cmp(&total_order_bits(b)),
                    a.total_cmp(&b),
                    "{a} against {b}"
                );
            }
        }
    }

    /// A screening sweep (`ends: false`) never reports the first or the
    /// last position, which every direction shares, even where one of them
    /// is the best; with the ends, the same sweep reports it.
    #[test]
    fn screening_sweeps_leave_the_shared_ends_out() {
        // Two tight groups far apart and one row between them: the best
        // boundary of the sweep rows puts every row on one side.
        let points = [0.0, 0.1, 0.2, 10.0, 10.1, 10.2, 5.0];
        let n = points.len();
        let z = Array2::from_shape_fn((n, 1), |(t, _)| points[t]);
        let dist = Distances::new(z.view());
        let labels = vec![0, 0, 0, 1, 1, 1, 0];
        let state = SilhouetteState::new(&dist, &labels, 2);
        let space = SweepSpace {
            z: z.view(),
            index: None,
            dist: &dist,
            n,
            bounds: None,
        };
        // Only the first group's rows and the middle row sweep between the
        // clusters: with all of them on cluster 0's side (position 0, θ
        // below every projection) the groups are the clusters.
        let rows: Vec<(usize, bool, bool, usize)> =
            [0, 1, 2, 6].iter().map(|&t| (t, true, true, 0)).collect();
        let frame = SweepSpace::frame(&state, &rows, 0, 1);
        let positioned = space.positioned(&state, &rows, 0, 0);
        let start = space.score(&positioned.0, positioned.1, &frame, 0, 1);
        let lowest = 0.0;
        let highest = 5.0;
        for ends in [true, false] {
            let span = Span::Full {
                positioned: &positioned,
                current_theta: None,
                start,
                ends,
            };
            let best = space
                .sweep(&span, &frame, &[1.0], 0, 1, &rows, RANKING_POSITIONS)
                .expect("a scored position");
            let at_an_end = best.theta < lowest || best.theta > highest;
            assert_eq!(at_an_end, ends, "θ {} with ends {ends}", best.theta);
        }
    }

    /// A sweep whose current θ lies beyond every projection (all rows on one
    /// side of the current hyperplane), over as few rows as the window's
    /// reach, still reports windows inside the data on a subsample (here the
    /// rows themselves); on every row, where each position within reach of
    /// the current θ was scored, it reports none.
    #[test]
    fn sweep_with_current_threshold_outside_the_rows() {
        let n = 12;
        let z = Array2::from_shape_fn((n, 2), |(t, f)| (t * (f + 1)) as f64 / n as f64);
        let dist = Distances::new(z.view());
        let labels: Vec<usize> = (0..n).map(|t| usize::from(t >= n / 2)).collect();
        let state = SilhouetteState::new(&dist, &labels, 2);
        let identity: Vec<usize> = (0..n).collect();
        let exact = SweepSpace {
            z: z.view(),
            index: None,
            dist: &dist,
            n,
            bounds: None,
        };
        let sampled = SweepSpace {
            index: Some(&identity),
            ..exact
        };
        for (space, sweep_rows) in [
            (&sampled, vec![5, 6]),
            (&sampled, vec![2, 3, 8, 9]),
            (&exact, vec![5, 6]),
            (&exact, vec![2, 3, 8, 9]),
        ] {
            let rows: Vec<(usize, bool, bool, usize)> = sweep_rows
                .iter()
                .map(|&t| (t, true, true, labels[t]))
                .collect();
            let frame = SweepSpace::frame(&state, &rows, 0, 1);
            let positioned = space.positioned(&state, &rows, 0, 0);
            for theta in [-10.0, 10.0] {
                let span = Span::Full {
                    positioned: &positioned,
                    current_theta: Some(theta),
                    start: space.score(&positioned.0, positioned.1, &frame, 0, 1),
                    ends: true,
                };
                let best = space
                    .sweep(&span, &frame, &[1.0, 0.0], 0, 1, &rows, RANKING_POSITIONS)
                    .expect("a scored position");
                match space.index {
                    Some(_) => {
                        let (lo, hi) = best.current_window.expect("a current window");
                        assert!(lo <= hi);
                    }
                    None => assert!(best.current_window.is_none()),
                }
                // The reported loss is the silhouette of the reported θ (from
                // distances held to half a matrix unit, 2⁻¹⁷ of their bound).
                let mut at_theta = labels.clone();
                for &t in &sweep_rows {
                    at_theta[t] = if z[[t, 0]] >= best.theta { 0 } else { 1 };
                }
                let exact = crate::metrics::silhouette(z.view(), &at_theta).unwrap();
                assert!((best.loss + exact).abs() < 1e-4, "{} {exact}", best.loss);
            }
        }
    }
}
