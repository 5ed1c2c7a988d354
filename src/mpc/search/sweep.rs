//! The sweep engine of Algorithm 2: for a direction `w`, the intercept of a
//! boundary is swept across the rows' projections, one row changing side at
//! a time, and every position is scored with the incremental silhouette
//! state.
//!
//! A move that changes one boundary between clusters `i` and `j` moves only
//! the rows that can be won by `i` or `j` ([`SweepRow`]); the silhouette of a
//! position is evaluated over the clusters those rows touch, in
//! O(n·|affected clusters|), never by an O(n²) recomputation. The scored
//! positions are what a sweep costs: every row that changes side is an O(n)
//! update of two columns, every scored position an O(n·|affected|) pass.
//! Which directions are swept, on which rows and at which positions is
//! decided in [`super::boundary`].

use super::partition::{Partition, PartitionData, PartitionFrame};
use super::rows::{Boundary, SweepRow};
use super::score::loss;
use super::tuning::{LOCAL_POSITIONS, WINDOW_RANKS};
use crate::assign::CardinalityBounds;
use ndarray::ArrayView2;

/// Where a sweep runs: the full data, or a subsample used to rank directions.
pub(super) struct SweepSpace<'b> {
    pub(super) z: ArrayView2<'b, f64>,
    /// Sample position → row of `z` (None: identity).
    pub(super) index: Option<&'b [usize]>,
    /// What moving the rows reads.
    pub(super) data: PartitionData<'b>,
    pub(super) n: usize,
    /// Cardinality bounds (15) and the violation allowed for the two
    /// clusters of the sweep (their current one): positions beyond it are
    /// not scored. `None` on the subsample, which only ranks directions.
    pub(super) bounds: Option<(CardinalityBounds, usize)>,
    /// Fewest non-empty clusters a scored position may leave (see
    /// [`super::context::Context::min_clusters`]).
    pub(super) min_clusters: usize,
}

/// Positions a sweep scores.
pub(super) enum Span<'s> {
    /// Every position on a grid (plus every position within
    /// [`LOCAL_POSITIONS`] ranks of `current_theta`), from the state with all
    /// sweep rows on i's side.
    Full {
        positioned: &'s (Partition, usize),
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
        state: &'s Partition,
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

/// A scored position: (violation of the bounds by i and j, loss, position).
type Scored = (usize, f64, usize);

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
        state: &Partition,
        boundary: Boundary,
        base_uncovered: usize,
    ) -> (Partition, usize) {
        let mut state = state.clone();
        let mut uncovered = base_uncovered;
        let moves: Vec<(usize, usize)> = boundary
            .rows
            .iter()
            .map(|r| {
                let (label, covered) = r.on_i_side(boundary.i);
                uncovered += usize::from(!covered);
                (r.row, label)
            })
            .collect();
        state.move_points(self.data, &moves);
        (state, uncovered)
    }

    /// (violation of the bounds by i and j, loss) of `state` with
    /// `uncovered` rows uncovered, when it is scored: within the violation
    /// allowed and with two clusters at least.
    pub(super) fn score(
        &self,
        state: &Partition,
        uncovered: usize,
        frame: &PartitionFrame,
        i: usize,
        j: usize,
    ) -> Option<(usize, f64)> {
        let violation = self.bounds.map_or(0, |(b, _)| {
            b.violation(state.sizes()[i]) + b.violation(state.sizes()[j])
        });
        let within = self.bounds.is_none_or(|(_, allowed)| violation <= allowed);
        (within && state.clusters() >= self.min_clusters).then(|| {
            let loss = loss(state.objective_loss_within(frame), uncovered, self.n);
            (violation, loss)
        })
    }

    /// What every sweep of `boundary` shares, from `state` (this space's
    /// state before the sweep rows move). Rows move only among i, j and the
    /// fallback clusters of rows that cannot be i or j: the objective is
    /// evaluated over those clusters ([`Partition::frame`]).
    pub(super) fn frame(state: &Partition, boundary: Boundary) -> PartitionFrame {
        let mut affected = vec![boundary.i, boundary.j];
        for r in boundary.rows {
            if !(affected.contains(&r.fallback) || r.can_be_i && r.can_be_j) {
                affected.push(r.fallback);
            }
        }
        state.frame(&affected)
    }

    /// Sweep the threshold θ of direction `w` across `boundary` (i on the
    /// side `w·z ≥ θ`): rows cross to j's side one at a time in order of
    /// projection (O(n) each) and the positions of `span` are scored in
    /// O(n·|affected clusters|), at most `grid` + 1 of them besides those
    /// near the current θ. Returns the best position.
    pub(super) fn sweep(
        &self,
        span: &Span,
        frame: &PartitionFrame,
        w: &[f64],
        boundary: Boundary,
        grid: usize,
    ) -> Option<SweepBest> {
        if boundary.rows.is_empty() {
            return None;
        }
        // The buffers and the starting state are the thread's (see [`Scratch`]).
        SCRATCH.with_borrow_mut(|scratch| {
            let Scratch {
                order,
                state,
                moves,
            } = scratch;
            moves.clear();
            let order = order.sort(self, w, boundary.rows);
            let mut walk = Walk::begin(span, boundary, order, state, moves);
            let step = self.step(span, walk.last - walk.first, grid);
            let best = walk.best_position(self, span, frame, step)?;
            Some(self.best_at(order, best, step, walk.local))
        })
    }

    /// Positions between two scored ones, over `scanned` positions: at most
    /// `grid` + 1 positions on a ranking over every row (a step of one below
    /// 2·grid rows scored every position twice as densely as asked); on the
    /// subsample and in windows, the step rounds down: ranking engytime's
    /// subsample at the rounded-up step lowered its best silhouette from
    /// 0.573 to 0.530.
    fn step(&self, span: &Span, scanned: usize, grid: usize) -> usize {
        if matches!(span, Span::Full { .. }) && self.index.is_none() {
            scanned.div_ceil(grid).max(1)
        } else {
            (scanned / grid).max(1)
        }
    }

    /// The sweep's answer for its best position: θ there, and the windows
    /// an exact sweep refines around it and around the current θ (rank
    /// `local`).
    fn best_at(
        &self,
        order: &[(f64, usize)],
        (violation, loss, pos): Scored,
        step: usize,
        local: Option<usize>,
    ) -> SweepBest {
        let len = order.len();
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
        // ([`WINDOW_RANKS`]).
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
        // position within reach of the current θ was scored exactly: there
        // is nothing to refine around it.
        let current_window = local
            .filter(|_| self.index.is_some() || reach > LOCAL_POSITIONS)
            .map(window_around);
        SweepBest {
            violation,
            loss,
            theta: theta_at(pos),
            window: window_around(pos),
            current_window,
        }
    }
}

/// A sweep under way: the rows in order of projection, the state at the
/// current position, and the rows that crossed since it was last scored.
struct Walk<'w> {
    boundary: Boundary<'w>,
    /// (projection, index into the sweep rows), in `total_cmp` order.
    order: &'w [(f64, usize)],
    state: &'w mut Partition,
    uncovered: usize,
    /// Rows that changed side since the last scored position, as
    /// `(row, cluster)`: they move together before the next score.
    pending: &'w mut Vec<(usize, usize)>,
    /// The positions walked: `first..=last` (position p: the rows of ranks
    /// below p on j's side).
    first: usize,
    last: usize,
    /// Rank of the current θ among the projections (0..=len), when given.
    local: Option<usize>,
}

impl<'w> Walk<'w> {
    /// The walk at the first position of `span`, its state copied into
    /// `kept` (the thread's, its allocations reused).
    fn begin(
        span: &Span,
        boundary: Boundary<'w>,
        order: &'w [(f64, usize)],
        kept: &'w mut Option<Partition>,
        pending: &'w mut Vec<(usize, usize)>,
    ) -> Self {
        match *span {
            Span::Full {
                positioned,
                current_theta,
                ..
            } => Walk {
                boundary,
                order,
                state: copy_into(kept, &positioned.0),
                uncovered: positioned.1,
                pending,
                first: 0,
                last: order.len(),
                local: current_theta.map(|theta| order.partition_point(|(p, _)| *p < theta)),
            },
            Span::Window {
                state,
                uncovered,
                lo,
                hi,
            } => {
                let first = order.partition_point(|(p, _)| *p < lo);
                let last = order.partition_point(|(p, _)| *p <= hi).max(first);
                let state = copy_into(kept, state);
                // From the search's state: the rows below the window on j's
                // side, the others on i's, moved with the first score.
                let mut uncovered = uncovered;
                for (q, &(_, r)) in order.iter().enumerate() {
                    let row: SweepRow = boundary.rows[r];
                    let (label, covered) = if q < first {
                        row.on_j_side(boundary.j)
                    } else {
                        row.on_i_side(boundary.i)
                    };
                    uncovered += usize::from(!covered);
                    pending.push((row.row, label));
                }
                Walk {
                    boundary,
                    order,
                    state,
                    uncovered,
                    pending,
                    first,
                    last,
                    local: None,
                }
            }
        }
    }

    /// Walk the positions, scoring every `step`-th one (and those near the
    /// current θ, and the last): the best by (violation of the bounds by i
    /// and j, loss), so that with bounds the positions that repair a
    /// violation come first.
    fn best_position(
        &mut self,
        space: &SweepSpace,
        span: &Span,
        frame: &PartitionFrame,
        step: usize,
    ) -> Option<Scored> {
        let Boundary { i, j, rows } = self.boundary;
        let len = self.order.len();
        // The positions every direction shares: all sweep rows on i's side
        // (scored once per ranking, `Span::Full::start`) and all on j's side.
        let (start, ends) = match *span {
            Span::Full { start, ends, .. } => (Some(start), ends),
            Span::Window { .. } => (None, true),
        };
        let mut best: Option<Scored> = None;
        for pos in self.first..=self.last {
            let near_current = self
                .local
                .is_some_and(|r| pos + LOCAL_POSITIONS >= r && pos <= r + LOCAL_POSITIONS);
            // Position `pos`: rows 0..pos on j's side; θ between neighbours.
            let separable = pos == 0 || pos == len || self.order[pos - 1].0 < self.order[pos].0;
            let scored =
                ((pos - self.first).is_multiple_of(step) || near_current || pos == self.last)
                    && separable
                    && (ends || pos != 0 && pos != len);
            let found = match start {
                Some(start) if pos == 0 => start.filter(|_| scored),
                _ if scored => {
                    // The rows that crossed since the last scored
                    // position move together.
                    self.state.move_points(space.data, self.pending);
                    self.pending.clear();
                    space.score(self.state, self.uncovered, frame, i, j)
                }
                _ => None,
            };
            if let Some((violation, loss)) = found {
                if best.is_none_or(|(bv, bl, _)| violation < bv || violation == bv && loss < bl) {
                    best = Some((violation, loss, pos));
                }
            }
            if pos < self.last {
                let row = rows[self.order[pos].1];
                self.uncovered =
                    self.uncovered + usize::from(!row.can_be_j) - usize::from(!row.can_be_i);
                // Each sweep row crosses once: its pending moves (at
                // most one, from the window's start) are behind it.
                self.pending.push((row.row, row.on_j_side(j).0));
            }
        }
        best
    }
}

/// What a sweep allocates, kept per thread between sweeps: a ranking sweeps
/// hundreds of directions of a few hundred rows each, where allocating the
/// buffers and the state's columns afresh measured about a tenth of the
/// instructions (wine's MPC-2 run).
#[derive(Default)]
struct Scratch {
    order: Order,
    state: Option<Partition>,
    moves: Vec<(usize, usize)>,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::default();
}

/// The buffers that order a sweep's rows by projection.
#[derive(Default)]
struct Order {
    support: Vec<(usize, f64)>,
    projections: Vec<f64>,
    keys: Vec<u128>,
    rows: Vec<(f64, usize)>,
}

impl Order {
    /// The sweep `rows` as (projection on `w`, index into `rows`), in
    /// `total_cmp` order of the projection, the index breaking ties.
    fn sort(&mut self, space: &SweepSpace, w: &[f64], rows: &[SweepRow]) -> &[(f64, usize)] {
        let Order {
            support,
            projections,
            keys,
            rows: order,
        } = self;
        support.clear();
        support.extend(
            w.iter()
                .enumerate()
                .filter(|(_, w)| **w != 0.0)
                .map(|(f, &w)| (f, w)),
        );
        projections.clear();
        projections.extend(rows.iter().map(|r| space.projection(r.row, support)));
        // Sorted as single integers: the projection's total-order bits above
        // the index (unstable is exact, no two keys are equal). Integer keys
        // sort about twice as fast as the pairs compared field by field, and
        // a sweep sorts its rows once per direction.
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
        order
    }
}

/// `source` copied into `kept` (its allocations reused when it holds a state).
fn copy_into<'k>(kept: &'k mut Option<Partition>, source: &Partition) -> &'k mut Partition {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::Distances;
    use crate::mpc::search::tuning::RANKING_POSITIONS;
    use ndarray::Array2;

    /// Sweep rows that either cluster can take, falling back to `fallback(t)`.
    fn either(rows: &[usize], fallback: impl Fn(usize) -> usize) -> Vec<SweepRow> {
        rows.iter()
            .map(|&t| SweepRow {
                row: t,
                can_be_i: true,
                can_be_j: true,
                fallback: fallback(t),
            })
            .collect()
    }

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
        let data = PartitionData::Silhouette(&dist);
        let state = data.partition(&labels, 2);
        let space = SweepSpace {
            z: z.view(),
            index: None,
            data,
            n,
            bounds: None,
            min_clusters: 2,
        };
        // Only the first group's rows and the middle row sweep between the
        // clusters: with all of them on cluster 0's side (position 0, θ
        // below every projection) the groups are the clusters.
        let rows = either(&[0, 1, 2, 6], |_| 0);
        let boundary = Boundary {
            i: 0,
            j: 1,
            rows: &rows,
        };
        let frame = SweepSpace::frame(&state, boundary);
        let positioned = space.positioned(&state, boundary, 0);
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
                .sweep(&span, &frame, &[1.0], boundary, RANKING_POSITIONS)
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
        let data = PartitionData::Silhouette(&dist);
        let state = data.partition(&labels, 2);
        let identity: Vec<usize> = (0..n).collect();
        let exact = SweepSpace {
            z: z.view(),
            index: None,
            data,
            n,
            bounds: None,
            min_clusters: 2,
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
            let rows = either(&sweep_rows, |t| labels[t]);
            let boundary = Boundary {
                i: 0,
                j: 1,
                rows: &rows,
            };
            let frame = SweepSpace::frame(&state, boundary);
            let positioned = space.positioned(&state, boundary, 0);
            for theta in [-10.0, 10.0] {
                let span = Span::Full {
                    positioned: &positioned,
                    current_theta: Some(theta),
                    start: space.score(&positioned.0, positioned.1, &frame, 0, 1),
                    ends: true,
                };
                let best = space
                    .sweep(&span, &frame, &[1.0, 0.0], boundary, RANKING_POSITIONS)
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
