//! The assignment under cardinality bounds (15): the transportation LP on
//! HiGHS, or successive shortest paths for large problems.

use super::bounds::{AssignError, CardinalityBounds};
use super::cost::assign_unbounded;
use super::transport::assign_transport;
use good_lp::{
    constraint, variable, Expression, ProblemVariables, Solution, SolverModel, Variable,
};

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
    use crate::assign::{assignment_cost, cost_matrix};
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
