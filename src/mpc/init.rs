//! Algorithm 1 of the MPC paper: initialisation by alternating minimisation.
//!
//! Starting from k-means++ (line 2), each outer iteration
//! 1. alternates the representation-aware assignment (31)–(32) with the
//!    centre update until the assignment is stable (lines 4–8);
//! 2. solves the separating-hyperplane problem (1)–(12) for every pair of
//!    clusters, pairs in parallel (lines 10–17);
//! 3. updates the representation errors ξ (lines 14–15, sign corrected:
//!    ξ⁺ = max(0, −(w·z + b)), ξ⁻ = max(0, w·z + b + ε)).
//!
//! The objective (31) is recorded after every outer iteration; it is
//! non-increasing from the second iteration on (Theorem 2) when the
//! hyperplane problems are solved to optimality, and the loop stops as soon as
//! it stops decreasing, or at the iteration or time limit (a status, not an
//! error). Cost per outer iteration: O(inner · n·K·d) for the assignments
//! plus K(K−1)/2 hyperplane solves.

use super::deadline::Deadline;
use super::error::MpcError;
use super::pair::{solve_between, PairHyperplane, SolveStats};
use super::params::ValidMpcParams;
use super::progress::{Observer, Progress, RunStatus};
use super::rows::centres;
use super::tournament::SparsePlane;
use crate::assign::{self, CardinalityBounds};
use crate::hyperplane::{Hyperplane, SolveOutcome};
use crate::kmeans;
use crate::metrics::vector::{dispatch, Inline};
use ndarray::{Array2, ArrayView2};
use rayon::prelude::*;

/// Result of Algorithm 1.
#[derive(Debug, Clone)]
pub struct InitResult {
    /// Centres in the clustering space, K × d.
    pub centroids: Array2<f64>,
    /// Hyperplanes for every pair i < j.
    pub hyperplanes: Vec<PairHyperplane>,
    /// Objective (31) after each outer iteration.
    pub history: Vec<f64>,
    /// Why the loop stopped.
    pub status: RunStatus,
    /// Solver statistics.
    pub solves: SolveStats,
}

/// Solve the hyperplane problem for every pair of non-empty clusters, in parallel.
pub fn solve_pairs(
    z: ArrayView2<f64>,
    labels: &[usize],
    k: usize,
    params: &ValidMpcParams,
    deadline: &Deadline,
) -> Result<(Vec<PairHyperplane>, SolveStats), MpcError> {
    solve_pairs_reusing(z, labels, k, params, &mut PairCache::default(), deadline)
}

/// Hyperplanes already solved, by pair, with the memberships they separate.
/// Problem (1)–(12) depends only on the two row sets, so an outer iteration
/// of Algorithm 1 that leaves a pair's clusters unchanged reuses its optimum
/// instead of solving again (most pairs, once the assignment settles).
#[derive(Debug, Default)]
pub struct PairCache {
    solved: std::collections::HashMap<(usize, usize), SolvedPair>,
}

/// The rows of clusters i and j and the hyperplane that separates them.
type SolvedPair = (Vec<usize>, Vec<usize>, Hyperplane);

/// [`solve_pairs`], reusing the hyperplanes of `cache` whose two clusters
/// have not changed, and storing the new ones there. Only new solves count
/// in the statistics.
pub fn solve_pairs_reusing(
    z: ArrayView2<f64>,
    labels: &[usize],
    k: usize,
    params: &ValidMpcParams,
    cache: &mut PairCache,
    deadline: &Deadline,
) -> Result<(Vec<PairHyperplane>, SolveStats), MpcError> {
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); k];
    for (t, &l) in labels.iter().enumerate() {
        members[l].push(t);
    }
    let pairs: Vec<(usize, usize)> = (0..k)
        .flat_map(|i| (i + 1..k).map(move |j| (i, j)))
        .filter(|&(i, j)| !members[i].is_empty() && !members[j].is_empty())
        .collect();
    let options = params.solve_options(deadline);
    let reused = |i: usize, j: usize| {
        cache
            .solved
            .get(&(i, j))
            .filter(|(ci, cj, _)| *ci == members[i] && *cj == members[j])
            .map(|(_, _, h)| h.clone())
    };
    let outcomes: Vec<Result<(PairHyperplane, Option<SolveOutcome>), MpcError>> = pairs
        .par_iter()
        .map(|&(i, j)| {
            if let Some(hyperplane) = reused(i, j) {
                return Ok((PairHyperplane { i, j, hyperplane }, None));
            }
            let outcome = solve_between(
                z.view(),
                &members[i],
                &members[j],
                params,
                &options,
                deadline,
            )?;
            Ok((
                PairHyperplane {
                    i,
                    j,
                    hyperplane: outcome.hyperplane.clone(),
                },
                Some(outcome),
            ))
        })
        .collect();
    let mut stats = SolveStats::default();
    let mut out = Vec::with_capacity(outcomes.len());
    for r in outcomes {
        let (pair, outcome) = r?;
        if let Some(outcome) = outcome {
            stats.record(&outcome);
            cache.solved.insert(
                (pair.i, pair.j),
                (
                    members[pair.i].clone(),
                    members[pair.j].clone(),
                    pair.hyperplane.clone(),
                ),
            );
        }
        out.push(pair);
    }
    Ok((out, stats))
}

/// λ-weighted representation errors: `penalty[t*k + c]` = λ Σ_{j≠c} ξ of
/// point t against the hyperplane between c and j, were t in cluster c.
// The plain form of Algorithm 1's step, the baseline of the unit tests.
#[cfg_attr(not(test), allow(dead_code))]
pub fn penalty_matrix(
    z: ArrayView2<f64>,
    hyperplanes: &[PairHyperplane],
    k: usize,
    lambda: f64,
    epsilon: f64,
) -> Vec<f64> {
    let n = z.nrows();
    let mut penalty = vec![0.0; n * k];
    if lambda == 0.0 {
        return penalty;
    }
    // Scored over their non-zero coefficients (the same terms in the same
    // order as the dense score, so the same values).
    let planes = SparsePlane::all(hyperplanes);
    penalty.par_chunks_mut(k).enumerate().for_each(|(t, row)| {
        let zrow = z.row(t);
        for h in &planes {
            let s = h.score(zrow);
            row[h.i] += lambda * (-s).max(0.0);
            row[h.j] += lambda * (s + epsilon).max(0.0);
        }
    });
    penalty
}

/// Assignment step (31)–(32): argmin per point, or the transportation LP under
/// cardinality bounds; without bounds an assignment that empties a cluster is
/// re-solved with N_min = 1 so every cluster stays in use.
// The plain form of Algorithm 1's step, the baseline of the unit tests.
#[cfg_attr(not(test), allow(dead_code))]
pub fn assign_step(
    cost: &[f64],
    k: usize,
    bounds: Option<CardinalityBounds>,
) -> Result<Vec<usize>, MpcError> {
    assign_step_within(cost, k, bounds, false)
}

/// [`assign_step`]; `past_deadline` (the run's deadline has passed), a
/// bounded assignment is solved by successive shortest paths
/// ([`assign::assign_transport`]), exact and at a cost that grows with the
/// argmin's violation of the bounds, instead of the LP, whose cost grows
/// with n·K (the two may break ties between equal optima differently).
fn assign_step_within(
    cost: &[f64],
    k: usize,
    bounds: Option<CardinalityBounds>,
    past_deadline: bool,
) -> Result<Vec<usize>, MpcError> {
    let n = cost.len() / k;
    let bounded = |b: CardinalityBounds| match past_deadline {
        true => assign::assign_transport(cost, k, b),
        false => assign::assign_bounded(cost, k, b),
    };
    let labels = match bounds {
        Some(b) => bounded(b)?,
        None => assign::assign_unbounded(cost, k),
    };
    let mut sizes = vec![0usize; k];
    labels.iter().for_each(|&l| sizes[l] += 1);
    if sizes.contains(&0) {
        let b = bounds.unwrap_or(CardinalityBounds { n_min: 0, n_max: n });
        return Ok(bounded(CardinalityBounds {
            n_min: b.n_min.max(1),
            n_max: b.n_max,
        })?);
    }
    Ok(labels)
}

/// Objective (31) of an assignment.
// The plain form of Algorithm 1's step, the baseline of the unit tests.
#[cfg_attr(not(test), allow(dead_code))]
pub fn objective(
    x: ArrayView2<f64>,
    labels: &[usize],
    centroids: ArrayView2<f64>,
    penalty: &[f64],
) -> f64 {
    let k = centroids.nrows();
    let cost = assign::cost_matrix(x, centroids, Some(penalty));
    assign::assignment_cost(&cost, k, labels)
}

/// A matrix's rows feature by feature (`values[f*n + t]`): Algorithm 1's
/// loops run over every row for one feature, hyperplane or cluster at a
/// time, contiguous and vectorized across rows, where the row-major loops
/// ([`penalty_matrix`], [`assign::cost_matrix`]) touch a few values per row
/// at a time.
struct ByColumn {
    n: usize,
    values: Vec<f64>,
}

impl ByColumn {
    fn of(x: ArrayView2<f64>) -> Self {
        let n = x.nrows();
        let values = x.columns().into_iter().flatten().copied().collect();
        Self { n, values }
    }

    fn column(&self, f: usize) -> &[f64] {
        &self.values[f * self.n..(f + 1) * self.n]
    }
}

/// [`penalty_matrix`] cluster by cluster (`penalty[c*n + t]`): every cell
/// takes its hyperplanes' terms in the same order, so it is the same value.
fn penalty_by_cluster(
    z: &ByColumn,
    hyperplanes: &[PairHyperplane],
    k: usize,
    lambda: f64,
    epsilon: f64,
) -> Vec<f64> {
    let n = z.n;
    let mut penalty = vec![0.0; n * k];
    if lambda == 0.0 {
        return penalty;
    }
    let mut scores = vec![0.0; n];
    for h in SparsePlane::all(hyperplanes) {
        // `w·z + b` over the non-zero terms, in the order of `SparsePlane::score`.
        scores.iter_mut().for_each(|s| *s = h.intercept());
        for (f, w) in h.terms() {
            dispatch(Inline(|| add_scaled(&mut scores, w, z.column(f))));
        }
        let (low, high) = penalty.split_at_mut(h.j * n);
        let (on_i, on_j) = (&mut low[h.i * n..(h.i + 1) * n], &mut high[..n]);
        dispatch(Inline(|| {
            hinge_errors(on_i, on_j, &scores, lambda, epsilon)
        }));
    }
    penalty
}

/// `on_i += λ·max(0, −s)`, `on_j += λ·max(0, s + ε)` for every row's score
/// `s`.
#[inline(always)]
fn hinge_errors(on_i: &mut [f64], on_j: &mut [f64], scores: &[f64], lambda: f64, epsilon: f64) {
    for ((a, b), &s) in on_i.iter_mut().zip(on_j.iter_mut()).zip(scores) {
        *a += lambda * (-s).max(0.0);
        *b += lambda * (s + epsilon).max(0.0);
    }
}

/// [`assign::cost_matrix`] cluster by cluster (`cost[c*n + t]`, the penalty
/// by cluster too): each cell the same sum in the same order.
fn cost_by_cluster(x: &ByColumn, centroids: ArrayView2<f64>, penalty: &[f64]) -> Vec<f64> {
    let n = x.n;
    let mut cost = vec![0.0; n * centroids.nrows()];
    for (centre, column) in centroids.rows().into_iter().zip(cost.chunks_exact_mut(n)) {
        for (f, &c) in centre.iter().enumerate() {
            dispatch(Inline(|| add_squared_differences(column, x.column(f), c)));
        }
    }
    dispatch(Inline(|| add_scaled(&mut cost, 1.0, penalty)));
    cost
}

/// `acc += w·v` (with `w` = 1 an exact `acc += v`).
#[inline(always)]
fn add_scaled(acc: &mut [f64], w: f64, v: &[f64]) {
    for (a, &v) in acc.iter_mut().zip(v) {
        *a += w * v;
    }
}

/// `acc += (v − c)²`.
#[inline(always)]
fn add_squared_differences(acc: &mut [f64], v: &[f64], c: f64) {
    for (a, &v) in acc.iter_mut().zip(v) {
        *a += (v - c) * (v - c);
    }
}

/// [`assign_step`] on costs by cluster: the argmin of every row (ties to
/// the lowest cluster, as [`assign::assign_unbounded`]), cluster by cluster
/// across the rows; under bounds, or when a cluster would be left empty,
/// [`assign_step_within`] on the row-major costs.
fn assign_step_by_cluster(
    cost: &[f64],
    n: usize,
    k: usize,
    bounds: Option<CardinalityBounds>,
    past_deadline: bool,
) -> Result<Vec<usize>, MpcError> {
    if bounds.is_none() {
        let mut labels = vec![0usize; n];
        let mut lowest = cost[..n].to_vec();
        for (c, column) in cost.chunks_exact(n).enumerate().skip(1) {
            dispatch(Inline(|| lower_to(&mut labels, &mut lowest, column, c)));
        }
        let mut sizes = vec![0usize; k];
        labels.iter().for_each(|&l| sizes[l] += 1);
        if !sizes.contains(&0) {
            return Ok(labels);
        }
    }
    let by_row: Vec<f64> = (0..n * k)
        .map(|cell| cost[(cell % k) * n + cell / k])
        .collect();
    assign_step_within(&by_row, k, bounds, past_deadline)
}

/// Where `column` (cluster `c`'s costs) is below `lowest`, the row's label
/// becomes `c` and its lowest cost the column's (ties keep the lower
/// cluster).
#[inline(always)]
fn lower_to(labels: &mut [usize], lowest: &mut [f64], column: &[f64], c: usize) {
    for ((label, low), &v) in labels.iter_mut().zip(lowest.iter_mut()).zip(column) {
        let better = v < *low;
        *label = if better { c } else { *label };
        *low = if better { v } else { *low };
    }
}

/// [`objective`] from costs by cluster: the assigned cells summed in row
/// order.
fn objective_by_cluster(cost: &[f64], n: usize, labels: &[usize]) -> f64 {
    labels
        .iter()
        .enumerate()
        .map(|(t, &l)| cost[l * n + t])
        .sum()
}

/// Line 2 of Algorithm 1: the best of `params.kmeans_restarts` k-means++
/// runs from `params.seed` (those begun before the deadline). It depends
/// only on k, the seed and the restarts, so the two starts of an MPC-2 run
/// share it.
pub fn initial_kmeans(
    x: ArrayView2<f64>,
    params: &ValidMpcParams,
    observer: &dyn Observer,
    deadline: &Deadline,
) -> Result<kmeans::KMeansResult, MpcError> {
    let kparams = kmeans::KMeansParams::new(params.k)
        .restarts(params.kmeans_restarts)
        .seed(params.seed)
        .check(x)?;
    observer.progress(Progress::phase("k-means++ and Lloyd"));
    Ok(kmeans::fit_until(x, &kparams, &|| deadline.expired()))
}

/// Run Algorithm 1 on the clustering matrix `x` and explanation matrix `z`.
// Algorithm 1 as the paper states it; a fit starts from its own k-means
// through `initialize_from`.
#[allow(dead_code)]
pub fn initialize(
    x: ArrayView2<f64>,
    z: ArrayView2<f64>,
    params: &ValidMpcParams,
    observer: &dyn Observer,
    deadline: &Deadline,
) -> Result<InitResult, MpcError> {
    let km = initial_kmeans(x, params, observer, deadline)?;
    initialize_from(x, z, params, km, observer, deadline)
}

/// [`initialize`] from the k-means result of line 2 ([`initial_kmeans`]
/// with the same k, seed and restarts).
pub fn initialize_from(
    x: ArrayView2<f64>,
    z: ArrayView2<f64>,
    params: &ValidMpcParams,
    km: kmeans::KMeansResult,
    observer: &dyn Observer,
    deadline: &Deadline,
) -> Result<InitResult, MpcError> {
    let k = params.k;
    let mut centroids = km.centroids;
    let mut labels = km.labels;
    let n = x.nrows();
    let (by_column, z_by_column) = (ByColumn::of(x), ByColumn::of(z));
    let mut penalty = vec![0.0; n * k];
    let mut history = Vec::new();
    let mut hyperplanes = Vec::new();
    let mut solves = SolveStats::default();
    let mut status = RunStatus::IterationLimit;
    let mut cache = PairCache::default();
    for outer in 1..=params.max_outer {
        // Lines 4–8: assignments and centres with ξ fixed.
        for _ in 0..params.max_inner {
            let cost = cost_by_cluster(&by_column, centroids.view(), &penalty);
            let next = assign_step_by_cluster(&cost, n, k, params.bounds, deadline.expired())?;
            let changed = next != labels;
            labels = next;
            centroids = centres(x, &labels, &centroids);
            // Past the deadline, the current assignment still gets its
            // hyperplanes below: a run always ends with a model.
            if !changed || deadline.expired() {
                break;
            }
        }
        // Lines 10–17: hyperplanes and representation errors.
        let (h, stats) = solve_pairs_reusing(z, &labels, k, params, &mut cache, deadline)?;
        solves += &stats;
        hyperplanes = h;
        penalty = penalty_by_cluster(&z_by_column, &hyperplanes, k, params.lambda, params.epsilon);
        let value = objective_by_cluster(
            &cost_by_cluster(&by_column, centroids.view(), &penalty),
            n,
            &labels,
        );
        let mut sizes = vec![0usize; k];
        labels.iter().for_each(|&l| sizes[l] += 1);
        observer.progress(Progress {
            stage: "alternating minimisation",
            iteration: outer,
            loss: value,
            smallest_cluster: sizes.iter().copied().min().unwrap_or(0),
            violation: params
                .bounds
                .map_or(0, |b| sizes.iter().map(|&s| b.violation(s)).sum()),
        });
        let previous = history.last().copied();
        history.push(value);
        if let Some(p) = previous {
            if value >= p - 1e-12 * p.abs().max(1.0) {
                status = RunStatus::Converged;
                break;
            }
        }
        if params.lambda == 0.0 {
            // ξ does not enter the assignment: one pass is the fixed point.
            status = RunStatus::Converged;
            break;
        }
        if deadline.expired() {
            status = RunStatus::TimeLimit;
            break;
        }
    }
    Ok(InitResult {
        centroids,
        hyperplanes,
        history,
        status,
        solves,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hyperplane::Hyperplane;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// Every cell is λ·ξ summed over the cell's hyperplanes in their order,
    /// each scored on the row (`w·z + b`, the dense score), bit for bit, on
    /// more rows than one chunk holds.
    #[test]
    fn penalties_are_the_errors_summed_in_hyperplane_order() {
        let mut rng = ChaCha8Rng::seed_from_u64(4);
        let (n, d, k) = (2500, 3, 4);
        let z = ndarray::Array2::from_shape_fn((n, d), |_| rng.random_range(-2.0..2.0));
        let mut hyperplanes = Vec::new();
        for i in 0..k {
            for j in i + 1..k {
                let w = (0..d)
                    .map(|_| f64::from(rng.random_range(-2..=2)))
                    .collect();
                let b = rng.random_range(-1.0..1.0);
                hyperplanes.push(PairHyperplane {
                    i,
                    j,
                    hyperplane: Hyperplane { w, b },
                });
            }
        }
        let (lambda, epsilon) = (0.7, 0.1);
        let penalty = penalty_matrix(z.view(), &hyperplanes, k, lambda, epsilon);
        // Cluster by cluster, the same cells.
        let by_cluster =
            penalty_by_cluster(&ByColumn::of(z.view()), &hyperplanes, k, lambda, epsilon);
        for t in 0..n {
            for c in 0..k {
                assert_eq!(
                    by_cluster[c * n + t].to_bits(),
                    penalty[t * k + c].to_bits()
                );
            }
        }
        for t in 0..n {
            let mut want = vec![0.0; k];
            for h in &hyperplanes {
                let s = h.hyperplane.score(z.row(t));
                want[h.i] += lambda * (-s).max(0.0);
                want[h.j] += lambda * (s + epsilon).max(0.0);
            }
            for c in 0..k {
                assert_eq!(penalty[t * k + c].to_bits(), want[c].to_bits(), "row {t}");
            }
        }
    }

    /// Costs, assignments and objectives cluster by cluster are those of
    /// the row-major [`assign::cost_matrix`], [`assign_step`] and
    /// [`objective`], bit for bit, with and without bounds and when a
    /// cluster would be left empty.
    #[test]
    fn costs_by_cluster_are_the_row_major_costs() {
        let mut rng = ChaCha8Rng::seed_from_u64(8);
        for d in [1, 2, 3, 7] {
            let (n, k) = (300, 5);
            let x = ndarray::Array2::from_shape_fn((n, d), |_| rng.random_range(-2.0..2.0));
            let mut centroids =
                ndarray::Array2::from_shape_fn((k, d), |_| rng.random_range(-2.0..2.0));
            // A centre far from every row: its cluster would be empty.
            centroids.row_mut(k - 1).fill(50.0);
            let penalty: Vec<f64> = (0..n * k).map(|_| rng.random_range(0.0..0.5)).collect();
            let by_cluster_penalty: Vec<f64> = (0..n * k)
                .map(|cell| penalty[(cell % n) * k + cell / n])
                .collect();
            let cost = assign::cost_matrix(x.view(), centroids.view(), Some(&penalty));
            let by_cluster = cost_by_cluster(
                &ByColumn::of(x.view()),
                centroids.view(),
                &by_cluster_penalty,
            );
            for t in 0..n {
                for c in 0..k {
                    assert_eq!(
                        by_cluster[c * n + t].to_bits(),
                        cost[t * k + c].to_bits(),
                        "d = {d}"
                    );
                }
            }
            for bounds in [
                None,
                Some(CardinalityBounds {
                    n_min: 40,
                    n_max: 90,
                }),
            ] {
                let labels = assign_step(&cost, k, bounds).unwrap();
                assert_eq!(
                    assign_step_by_cluster(&by_cluster, n, k, bounds, false).unwrap(),
                    labels
                );
                assert!(labels.contains(&(k - 1)), "the empty cluster is filled");
                let value = objective(x.view(), &labels, centroids.view(), &penalty);
                assert_eq!(
                    objective_by_cluster(&by_cluster, n, &labels).to_bits(),
                    value.to_bits()
                );
            }
        }
    }
}
