//! The HiGHS and microlp backends build and solve a small MILP: a knapsack
//! whose optimum is known.

use good_lp::{constraint, variable, variables, Solution, SolverModel};

fn knapsack<S: good_lp::Solver>(solver: S) -> (f64, Vec<f64>) {
    let mut vars = variables!();
    let weights = [3.0, 4.0, 5.0, 6.0];
    let values = [4.0, 5.0, 7.0, 8.0];
    let x: Vec<_> = (0..4).map(|_| vars.add(variable().binary())).collect();
    let objective: good_lp::Expression = x.iter().zip(values).map(|(&v, c)| c * v).sum();
    let weight: good_lp::Expression = x.iter().zip(weights).map(|(&v, c)| c * v).sum();
    let solution = vars
        .maximise(objective.clone())
        .using(solver)
        .with(constraint!(weight <= 10.0))
        .solve()
        .expect("the knapsack is feasible");
    (
        solution.eval(&objective),
        x.iter().map(|&v| solution.value(v).round()).collect(),
    )
}

#[test]
fn highs_solves_a_knapsack() {
    // Best: items of weight 4 and 6 (value 13) or 5 + ... ; 3+6 = 12, 4+6 = 13, 5+4 = 12.
    let (value, chosen) =
        polyclust::hyperplane::with_highs_lock(|| knapsack(good_lp::solvers::highs::highs));
    assert!((value - 13.0).abs() < 1e-9, "{value}");
    assert_eq!(chosen, vec![0.0, 1.0, 0.0, 1.0]);
}

#[test]
fn microlp_agrees_with_highs() {
    let (value, _) = knapsack(good_lp::solvers::microlp::microlp);
    assert!((value - 13.0).abs() < 1e-9, "{value}");
}
