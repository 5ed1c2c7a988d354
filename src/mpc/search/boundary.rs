//! The best boundary over a set of directions: which directions are swept,
//! on which rows, and which are refined.
//!
//! Directions are ranked by a sweep on a coarse grid of positions (on a
//! fixed subsample of the rows when n > [`SAMPLE_ABOVE`](super::tuning::SAMPLE_ABOVE), else on every
//! row); above [`SCREEN_ABOVE`] directions (of two non-zeros, on the
//! subsample), a screening sweep on a coarser grid keeps the best
//! [`SCREEN_KEEP`] for it (on every other row from
//! [`SCREEN_SAMPLE_FROM`](super::tuning::SCREEN_SAMPLE_FROM)
//! rows, when the ranking runs on every row); the best few, and the current
//! direction near its current threshold, are then re-scored exactly on every
//! position of a window (only the rows that change side move). Windows that
//! repeat positions already scored exactly are not swept, and on the
//! subsample only directions within [`RANK_MARGIN`] of the current one are
//! refined.

use super::context::Context;
use super::partition::{Partition, PartitionFrame};
use super::rows::{Boundary, SweepRow};
use super::sample::Sample;
use super::sweep::{Span, SweepBest, SweepSpace};
use super::tuning::{
    EXACT_DIRECTIONS, RANKING_POSITIONS, RANK_MARGIN, SCREEN_ABOVE, SCREEN_KEEP, SCREEN_POSITIONS,
    SCREEN_SAMPLE_ROWS, WINDOW_POSITIONS,
};
use rayon::prelude::*;

/// The directions a boundary may take, and the current one when the
/// boundary exists: (its index among them, its current θ).
#[derive(Clone, Copy)]
pub(super) struct Directions<'d> {
    pub(super) all: &'d [Vec<f64>],
    pub(super) current: Option<(usize, f64)>,
}

impl Directions<'_> {
    /// The current θ when `index` is the current direction.
    fn current_theta(&self, index: usize) -> Option<f64> {
        self.current.filter(|(c, _)| *c == index).map(|(_, t)| t)
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

/// Where a ranking sweeps: the space, the frame and the state with every
/// sweep row on i's side (with its uncovered count), and the boundary.
struct Ranking<'r, 'v> {
    space: &'r SweepSpace<'v>,
    frame: &'r PartitionFrame,
    positioned: &'r (Partition, usize),
    boundary: Boundary<'r>,
    /// The score of `positioned`.
    start: Option<(usize, f64)>,
}

impl<'r, 'v> Ranking<'r, 'v> {
    fn new(
        space: &'r SweepSpace<'v>,
        frame: &'r PartitionFrame,
        positioned: &'r (Partition, usize),
        boundary: Boundary<'r>,
    ) -> Self {
        Self {
            space,
            frame,
            positioned,
            boundary,
            start: space.score(&positioned.0, positioned.1, frame, boundary.i, boundary.j),
        }
    }
}

/// A boundary's sweep on a subsample (see [`on_sample`]).
struct OnSample<'s> {
    space: SweepSpace<'s>,
    frame: PartitionFrame,
    positioned: (Partition, usize),
    rows: Vec<SweepRow>,
    i: usize,
    j: usize,
}

impl<'s> OnSample<'s> {
    fn ranking(&self) -> Ranking<'_, 's> {
        Ranking::new(
            &self.space,
            &self.frame,
            &self.positioned,
            Boundary {
                i: self.i,
                j: self.j,
                rows: &self.rows,
            },
        )
    }
}

/// Where the exact window sweeps run: every row, from the search's `state`
/// with `base_uncovered` rows outside the sweep uncovered.
struct Exact<'e, 'v> {
    space: &'e SweepSpace<'v>,
    frame: &'e PartitionFrame,
    state: &'e Partition,
    base_uncovered: usize,
    boundary: Boundary<'e>,
}

/// Best candidate for `boundary` over `directions`, from `state` (the rows
/// `covered` or not). Small data: every direction is swept exactly. With a
/// subsample, every direction is swept on it; the best few (and the current
/// direction near its current θ) are then re-scored exactly, each within a
/// window of θ around the subsample's answer, from `state` (only the rows
/// that change side move).
pub(super) fn best_boundary(
    context: &Context,
    covered: &[bool],
    state: &Partition,
    boundary: Boundary,
    directions: Directions,
) -> Option<Candidate> {
    let Boundary { i, j, rows } = boundary;
    let n = context.n;
    let in_rows = {
        let mut v = vec![false; n];
        rows.iter().for_each(|r| v[r.row] = true);
        v
    };
    let base_uncovered = (0..n).filter(|&t| !in_rows[t] && !covered[t]).count();
    let exact = SweepSpace {
        z: context.z,
        index: None,
        data: context.data,
        n,
        min_clusters: context.min_clusters,
        bounds: context.bounds().map(|b| {
            let sizes = state.sizes();
            (b, b.violation(sizes[i]) + b.violation(sizes[j]))
        }),
    };
    // The ranking sweeps: exact (on a coarse grid) with few rows, whose
    // best grid position is then a candidate too; on the sample above
    // the sample size. Either way the best few directions are refined on
    // every position of a window around their best grid position, on
    // every row.
    let (ranked, coarse, exact_frame) = match context.sample.as_ref() {
        None => {
            let frame = SweepSpace::frame(state, boundary);
            let positioned = exact.positioned(state, boundary, base_uncovered);
            let every_row = Ranking::new(&exact, &frame, &positioned, boundary);
            let screening = context
                .screen_sample
                .as_ref()
                .filter(|_| directions.all.len() > SCREEN_ABOVE)
                .map(|sample| on_sample(context, sample, covered, state, boundary, &in_rows))
                .filter(|on_sample| on_sample.rows.len() >= SCREEN_SAMPLE_ROWS);
            let screen = screening.as_ref().map(|on| on.ranking());
            let ranked = rank(context, &every_row, screen, directions);
            let coarse = ranked
                .iter()
                .map(|(idx, b)| Candidate::from_sweep(*idx, b))
                .min_by(Candidate::order);
            (ranked, coarse, frame)
        }
        Some(sample) => {
            let on_sample = on_sample(context, sample, covered, state, boundary, &in_rows);
            let ranked = rank(context, &on_sample.ranking(), None, directions);
            (ranked, None, SweepSpace::frame(state, boundary))
        }
    };
    // On the sample, a direction ranked clearly below the current one
    // is not refined on every row (see [`RANK_MARGIN`]).
    let reference = directions
        .current
        .filter(|_| context.sample.is_some())
        .and_then(|(c, _)| ranked.iter().find(|(idx, _)| *idx == c))
        .map(|(_, b)| (b.violation, b.loss));
    let exact = Exact {
        space: &exact,
        frame: &exact_frame,
        state,
        base_uncovered,
        boundary,
    };
    let refined = refine(&exact, directions, ranked, reference);
    [coarse, refined]
        .into_iter()
        .flatten()
        .min_by(Candidate::order)
}

/// `state` and the sweep rows of `boundary` on `sample`, rows of the
/// context's `z` (the state of its
/// rows under the same labels, the sweep rows among them, everything on i's
/// side); `in_rows` marks the sweep rows.
fn on_sample<'s>(
    context: &'s Context,
    sample: &'s Sample,
    covered: &[bool],
    state: &Partition,
    boundary: Boundary,
    in_rows: &[bool],
) -> OnSample<'s> {
    let Boundary { i, j, rows } = boundary;
    let sub_state = sample.state_of(state);
    let sub_rows: Vec<SweepRow> = rows
        .iter()
        .filter_map(|r| sample.position[r.row].map(|p| SweepRow { row: p, ..*r }))
        .collect();
    let sub_base = sample
        .rows
        .iter()
        .filter(|&&t| !in_rows[t] && !covered[t])
        .count();
    let space = SweepSpace {
        z: context.z.reborrow(),
        index: Some(&sample.rows),
        data: sample.data(),
        n: sample.rows.len(),
        bounds: None,
        // The subsample only ranks directions: a small cluster may have no
        // row in it, and the exact sweeps keep K_min.
        min_clusters: 2,
    };
    let sub_boundary = Boundary {
        i,
        j,
        rows: &sub_rows,
    };
    let frame = SweepSpace::frame(&sub_state, sub_boundary);
    let positioned = space.positioned(&sub_state, sub_boundary, sub_base);
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
    context: &Context,
    on: &Ranking,
    screen: Option<Ranking>,
    directions: Directions,
) -> Vec<(usize, SweepBest)> {
    let every: Vec<usize> = (0..directions.all.len()).collect();
    // Few directions (MPC-1 below 32 features) are all ranked (see
    // [`SCREEN_ABOVE`]). On the subsample, directions of one non-zero
    // (MPC-1) are all ranked too: screening them there lowered bank's MPC-1
    // (10 seeds: 0.13245 → 0.12787), while MPC-2's neighbouring directions
    // of two non-zeros screen as well there as on every row (bank
    // 0.13310 → 0.13304, every other instance the same; atom's MPC-2
    // run at k = 6: 3.65 → 2.15 G instructions).
    let one_nonzero = context.params.beta == 1;
    if directions.all.len() <= SCREEN_ABOVE || on.space.index.is_some() && one_nonzero {
        return sweep_each(context, on, &every, RANKING_POSITIONS, false, directions);
    }
    // Screening: every direction on a grid of SCREEN_POSITIONS; the best
    // SCREEN_KEEP (and the current direction) are ranked on the finer grid.
    let mut screened = match &screen {
        Some(sample) => sweep_each(context, sample, &every, SCREEN_POSITIONS, true, directions),
        None => sweep_each(context, on, &every, SCREEN_POSITIONS, true, directions),
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
    if let Some((c, _)) = directions
        .current
        .filter(|(c, _)| *c < directions.all.len() && !kept.contains(c))
    {
        kept.push(c);
    }
    kept.sort_unstable();
    sweep_each(context, on, &kept, RANKING_POSITIONS, false, directions)
}

/// The sweeps of the directions `indices` on `on`, on a grid of `grid`
/// positions (the current direction also near its current θ; without the
/// shared end positions when `screening`), until the deadline.
fn sweep_each(
    context: &Context,
    on: &Ranking,
    indices: &[usize],
    grid: usize,
    screening: bool,
    directions: Directions,
) -> Vec<(usize, SweepBest)> {
    indices
        .par_iter()
        .filter(|_| !context.deadline.expired())
        .filter_map(|&idx| {
            let span = Span::Full {
                positioned: on.positioned,
                current_theta: directions.current_theta(idx),
                start: on.start,
                ends: !screening,
            };
            on.space
                .sweep(&span, on.frame, &directions.all[idx], on.boundary, grid)
                .map(|b| (idx, b))
        })
        .collect()
}

/// Exact window sweeps on `exact` for the best [`EXACT_DIRECTIONS`] of the
/// `ranked` directions (index, ranking sweep) around their best θ, and for
/// the current direction near its current θ. With a `reference` (the
/// current direction's best (violation, loss) on the subsample), a
/// direction ranked worse than it by more than [`RANK_MARGIN`] is not
/// refined; two windows of one direction that overlap are swept once, over
/// their union.
fn refine(
    exact: &Exact,
    directions: Directions,
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
    merged
        .par_iter()
        .filter_map(|&(idx, (lo, hi))| {
            let span = Span::Window {
                state: exact.state,
                uncovered: exact.base_uncovered,
                lo,
                hi,
            };
            exact
                .space
                .sweep(
                    &span,
                    exact.frame,
                    &directions.all[idx],
                    exact.boundary,
                    WINDOW_POSITIONS,
                )
                .map(|b| Candidate::from_sweep(idx, &b))
        })
        .min_by(Candidate::order)
}
