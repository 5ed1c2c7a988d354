//! Representation-aware assignment, MPC paper (31)–(32) with (14)–(15).
//!
//! Given centres `c_k` and a penalty `P[t][k]` (λ times the representation
//! errors ξ of point t if it were in cluster k, (29)–(30)), assign every point
//! to minimise `Σ_t ‖x_t − c_{z(t)}‖² + P[t][z(t)]`.
//! - Without cardinality bounds the problem separates per point: an argmin,
//!   O(n·k·d).
//! - With `N_min ≤ |C_k| ≤ N_max` (15) it is a transportation problem. Its
//!   constraint matrix is totally unimodular, so the LP relaxation solved by
//!   HiGHS has an integral optimal vertex; the solution is checked for
//!   integrality and the MILP with binary `z` is solved when the check fails.
//!   Every cluster is used (`u_k = 1` in (15)). Large problems are solved
//!   without an LP, by successive shortest paths ([`assign_transport`]).

mod transport;

pub use transport::assign_transport;

use good_lp::{
    constraint, variable, Expression, ProblemVariables, Solution, SolverModel, Variable,
};
use ndarray::ArrayView2;
use thiserror::Error;

/// Cardinality bounds (15).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CardinalityBounds {
    /// Smallest cluster size.
    pub n_min: usize,
    /// Largest cluster size.
    pub n_max: usize,
}

impl CardinalityBounds {
    /// How far a cluster of `size` rows is outside the bounds, in rows (an
    /// empty cluster is unused, which (15) allows).
    pub fn violation(&self, size: usize) -> usize {
        if size == 0 {
            0
        } else {
            size.saturating_sub(self.n_max) + self.n_min.saturating_sub(size)
        }
    }
}

/// The assignment problem could not be solved.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum AssignError {
    /// The bounds admit no assignment.
    #[error("cardinality bounds cannot be met: {k} clusters of between {n_min} and {n_max} points cannot hold {n} points")]
    Infeasible {
        /// Clusters.
        k: usize,
        /// Points.
        n: usize,
        /// Smallest size.
        n_min: usize,
        /// Largest size.
        n_max: usize,
    },
    /// HiGHS failed.
    #[error("the assignment LP failed: {0}")]
    Solver(String),
}

/// Cost matrix `cost[t*k + c] = ‖x_t − c_c‖² + penalty[t*k + c]`.
pub fn cost_matrix(
    x: ArrayView2<f64>,
    centroids: ArrayView2<f64>,
    penalty: Option<&[f64]>,
) -> Vec<f64> {
    let k = centroids.nrows();
    let d = x.ncols();
    // Flat rows: ndarray's row views cost more than the arithmetic at the
    // few features of most instances (Algorithm 1 builds this matrix twice
    // per iteration).
    let x = x.as_standard_layout();
    let centroids = centroids.as_standard_layout();
    let centres = centroids.as_slice().expect("standard layout");
    // Written in place (a push per cell kept the loop from being unrolled).
    let mut cost = vec![0.0; x.nrows() * k];
    let rows = x
        .as_slice()
        .expect("standard layout")
        .chunks_exact(d.max(1))
        .take(x.nrows());
    for (t, (row, out)) in rows.zip(cost.chunks_exact_mut(k.max(1))).enumerate() {
        for (c, (cell, centre)) in out
            .iter_mut()
            .zip(centres.chunks_exact(d.max(1)))
            .enumerate()
        {
            let mut d2: f64 = row.iter().zip(centre).map(|(a, b)| (a - b) * (a - b)).sum();
            if let Some(p) = penalty {
                d2 += p[t * k + c];
            }
            *cell = d2;
        }
    }
    cost
}

/// Total cost of an assignment.
pub fn assignment_cost(cost: &[f64], k: usize, labels: &[usize]) -> f64 {
    labels
        .iter()
        .enumerate()
        .map(|(t, &l)| cost[t * k + l])
        .sum()
}

/// Per-point argmin (ties to the lowest cluster index).
pub fn assign_unbounded(cost: &[f64], k: usize) -> Vec<usize> {
    cost.chunks(k)
        .map(|row| {
            // Selected, not branched on: which cluster is nearest is
            // unpredictable, and the mispredicted branches cost more than
            // the comparisons.
            let (mut best, mut lowest) = (0, row[0]);
            for (c, &v) in row.iter().enumerate().skip(1) {
                let better = v < lowest;
                best = if better { c } else { best };
                lowest = if better { v } else { lowest };
            }
            best
        })
        .collect()
}

/// Above this many assignment variables (n·K), the bounded assignment is
/// solved by successive shortest paths ([`assign_transport`]) instead of the
/// HiGHS LP: both are exact (a differential test checks it), the LP's memory
/// and time grow with n·K while the dedicated algorithm grows with the
/// violation of the argmin. Below it the LP is kept, so the results of the
/// paper's instances do not depend on how ties between equal optima break.
pub const LP_VARIABLES_LIMIT: usize = 200_000;

/// Optimal assignment under cardinality bounds: the argmin when it meets
/// them, else the transportation problem ([`assign_bounded_lp`] up to
/// [`LP_VARIABLES_LIMIT`] variables, [`assign_transport`] beyond).
pub fn assign_bounded(
    cost: &[f64],
    k: usize,
    bounds: CardinalityBounds,
) -> Result<Vec<usize>, AssignError> {
    if cost.len() > LP_VARIABLES_LIMIT {
        return assign_transport(cost, k, bounds);
    }
    assign_bounded_lp(cost, k, bounds)
}

/// Optimal assignment under cardinality bounds by the transportation LP on
/// HiGHS (MILP fallback if the vertex is not integral).
pub fn assign_bounded_lp(
    cost: &[f64],
    k: usize,
    bounds: CardinalityBounds,
) -> Result<Vec<usize>, AssignError> {
    let n = cost.len() / k;
    if bounds.n_min * k > n || bounds.n_max * k < n || bounds.n_min > bounds.n_max {
        return Err(AssignError::Infeasible {
            k,
            n,
            n_min: bounds.n_min,
            n_max: bounds.n_max,
        });
    }
    // Already feasible argmin is optimal (the bounds are not binding).
    let free = assign_unbounded(cost, k);
    let mut sizes = vec![0usize; k];
    for &l in &free {
        sizes[l] += 1;
    }
    if sizes
        .iter()
        .all(|&s| s >= bounds.n_min && s <= bounds.n_max)
    {
        return Ok(free);
    }
    match solve_transport(cost, k, bounds, false)? {
        Some(labels) => Ok(labels),
        None => Ok(solve_transport(cost, k, bounds, true)?.expect("a MILP solution is integral")),
    }
}

/// Solve the transportation model; `None` when the LP vertex is fractional.
fn solve_transport(
    cost: &[f64],
    k: usize,
    bounds: CardinalityBounds,
    integer: bool,
) -> Result<Option<Vec<usize>>, AssignError> {
    // HiGHS instances must not be created or dropped while another thread solves.
    crate::hyperplane::with_highs_lock(|| solve_transport_locked(cost, k, bounds, integer))
}

fn solve_transport_locked(
    cost: &[f64],
    k: usize,
    bounds: CardinalityBounds,
    integer: bool,
) -> Result<Option<Vec<usize>>, AssignError> {
    let n = cost.len() / k;
    let mut vars = ProblemVariables::new();
    let z: Vec<Variable> = (0..n * k)
        .map(|_| {
            if integer {
                vars.add(variable().binary())
            } else {
                vars.add(variable().min(0.0).max(1.0))
            }
        })
        .collect();
    let objective: Expression = z.iter().zip(cost).map(|(&v, &c)| c * v).sum();
    let mut model = vars
        .minimise(objective)
        .using(good_lp::solvers::highs::highs);
    model.set_verbose(false);
    for t in 0..n {
        let row: Expression = z[t * k..(t + 1) * k].iter().copied().sum();
        model = model.with(constraint!(row == 1.0));
    }
    for c in 0..k {
        let size: Expression = (0..n).map(|t| z[t * k + c]).sum();
        model = model.with(constraint!(size.clone() >= bounds.n_min as f64));
        model = model.with(constraint!(size <= bounds.n_max as f64));
    }
    let solution = model
        .solve()
        .map_err(|e| AssignError::Solver(e.to_string()))?;
    let mut labels = Vec::with_capacity(n);
    for t in 0..n {
        let values: Vec<f64> = (0..k).map(|c| solution.value(z[t * k + c])).collect();
        let (best, &v) = values
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1))
            .expect("k ≥ 1");
        if (v - 1.0).abs() > 1e-6 {
            return Ok(None);
        }
        labels.push(best);
    }
    Ok(Some(labels))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// Every assignment of n points to k clusters within the bounds.
    fn brute_force(cost: &[f64], k: usize, bounds: CardinalityBounds) -> f64 {
        let n = cost.len() / k;
        let mut best = f64::INFINITY;
        let total = k.pow(n as u32);
        for code in 0..total {
            let mut c = code;
            let labels: Vec<usize> = (0..n)
                .map(|_| {
                    let l = c % k;
                    c /= k;
                    l
                })
                .collect();
            let mut sizes = vec![0; k];
            labels.iter().for_each(|&l| sizes[l] += 1);
            if sizes
                .iter()
                .all(|&s| s >= bounds.n_min && s <= bounds.n_max)
            {
                best = best.min(assignment_cost(cost, k, &labels));
            }
        }
        best
    }

    #[test]
    fn bounded_assignment_equals_brute_force() {
        let mut rng = ChaCha8Rng::seed_from_u64(4);
        for case in 0..30 {
            let n = 4 + case % 4;
            let k = 2 + case % 2;
            let cost: Vec<f64> = (0..n * k).map(|_| rng.random_range(0.0..5.0)).collect();
            let n_min = if (1 + case % 2) * k <= n {
                1 + case % 2
            } else {
                1
            };
            let bounds = CardinalityBounds {
                n_min,
                n_max: (n / k + 1).max(n_min),
            };
            let labels = assign_bounded(&cost, k, bounds).unwrap();
            let mut sizes = vec![0; k];
            labels.iter().for_each(|&l| sizes[l] += 1);
            assert!(sizes
                .iter()
                .all(|&s| s >= bounds.n_min && s <= bounds.n_max));
            let got = assignment_cost(&cost, k, &labels);
            let want = brute_force(&cost, k, bounds);
            assert!((got - want).abs() < 1e-9, "case {case}: {got} vs {want}");
        }
    }

    #[test]
    fn unbounded_is_argmin() {
        let cost = vec![1.0, 0.5, 0.2, 3.0];
        assert_eq!(assign_unbounded(&cost, 2), vec![1, 0]);
        // Ties go to the lowest cluster.
        let tied = vec![2.0, 1.0, 1.0, 0.5, 0.5, 0.5];
        assert_eq!(assign_unbounded(&tied, 3), vec![1, 0]);
    }

    /// Every cell, at the feature counts with a fixed-length kernel and
    /// above, is the squared distance summed feature by feature from the
    /// first plus the penalty, bit for bit.
    #[test]
    fn cost_cells_are_the_sums_in_feature_order() {
        let mut rng = ChaCha8Rng::seed_from_u64(9);
        for d in 1..=6 {
            let (n, k) = (37, 4);
            let x = ndarray::Array2::from_shape_fn((n, d), |_| rng.random_range(-3.0..3.0));
            let centres = ndarray::Array2::from_shape_fn((k, d), |_| rng.random_range(-3.0..3.0));
            let penalty: Vec<f64> = (0..n * k).map(|_| rng.random_range(0.0..1.0)).collect();
            for with_penalty in [false, true] {
                let p = with_penalty.then_some(penalty.as_slice());
                let cost = cost_matrix(x.view(), centres.view(), p);
                for t in 0..n {
                    for c in 0..k {
                        let mut want = 0.0;
                        for f in 0..d {
                            let diff = x[[t, f]] - centres[[c, f]];
                            want += diff * diff;
                        }
                        if let Some(p) = p {
                            want += p[t * k + c];
                        }
                        assert_eq!(cost[t * k + c].to_bits(), want.to_bits(), "d = {d}");
                    }
                }
            }
        }
    }

    #[test]
    fn infeasible_bounds_are_an_error() {
        let cost = vec![0.0; 10];
        let err = assign_bounded(&cost, 2, CardinalityBounds { n_min: 3, n_max: 5 }).unwrap_err();
        assert!(matches!(err, AssignError::Infeasible { .. }));
    }
}
