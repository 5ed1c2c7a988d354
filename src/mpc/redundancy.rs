//! Redundant half-space removal: a half-space is dropped when the remaining
//! ones imply it inside the data's bounding box, checked by one LP per
//! half-space (minimise, or maximise, its score over the others).
//!
//! The LPs are tiny (a variable per coordinate the half-spaces use, a row per
//! other half-space) and are solved with microlp: building and dropping a
//! HiGHS instance cost about 0.2 ms per LP, a fifth of an atom MPC-1 run
//! (`polyclust bench speed`), where microlp solves the same LP in
//! microseconds.

use super::model::{HalfSpace, PolytopeModel};
use super::pair::PairHyperplane;
use super::tournament::SparsePlane;
use crate::hyperplane::Side;
use good_lp::{
    constraint, variable, Expression, ProblemVariables, Solution, SolverModel, Variable,
};
use ndarray::ArrayView2;

/// Slack within which the LP optimum counts as "implied" (LP feasibility
/// tolerances are about 1e-7). Data rows keep margins far larger than this
/// because hyperplanes are centred in their gaps, and the caller verifies that
/// the reduced polytopes still assign every training row as before.
const IMPLIED_TOLERANCE: f64 = 1e-9;

/// How far outside a half-space a training row must lie to show, without
/// an LP, that the half-space is not implied: far above the LP's tolerances,
/// so the row and the LP never disagree.
const WITNESS_MARGIN: f64 = 1e-6;

/// Remove redundant half-spaces from every polytope of `model`, one at a time
/// against the ones kept so far. `z` is the explanation matrix of the training
/// rows, whose bounding box bounds the LPs.
pub fn remove_redundant(model: &mut PolytopeModel, z: ArrayView2<f64>) {
    let dz = z.ncols();
    let lo: Vec<f64> = (0..dz)
        .map(|j| z.column(j).iter().copied().fold(f64::INFINITY, f64::min))
        .collect();
    let hi: Vec<f64> = (0..dz)
        .map(|j| {
            z.column(j)
                .iter()
                .copied()
                .fold(f64::NEG_INFINITY, f64::max)
        })
        .collect();
    let hyperplanes = model.hyperplanes.clone();
    // Every row's score against every hyperplane: a training row lies in the
    // box, so a row on the kept side of every other half-space and well
    // outside the target one is a point of the LP's feasible set where the
    // target fails, and the target is not implied without solving the LP.
    let scores: Vec<Vec<f64>> = SparsePlane::all(&hyperplanes)
        .iter()
        .map(|h| z.rows().into_iter().map(|r| h.score(r)).collect())
        .collect();
    let holds = |h: &HalfSpace, t: usize| {
        let s = scores[h.hyperplane][t];
        match h.side {
            Side::I => s >= 0.0,
            Side::J => s <= 0.0,
        }
    };
    let fails_clearly = |h: &HalfSpace, t: usize| {
        let s = scores[h.hyperplane][t];
        match h.side {
            Side::I => s < -WITNESS_MARGIN,
            Side::J => s > WITNESS_MARGIN,
        }
    };
    for polytope in &mut model.polytopes {
        let mut kept = polytope.halfspaces.clone();
        let mut idx = 0;
        while idx < kept.len() {
            let others: Vec<_> = kept
                .iter()
                .enumerate()
                .filter(|(o, _)| *o != idx)
                .map(|(_, h)| *h)
                .collect();
            let target = kept[idx];
            let witness = (0..z.nrows())
                .any(|t| fails_clearly(&target, t) && others.iter().all(|h| holds(h, t)));
            if !witness && implied(&hyperplanes, &others, target, &lo, &hi) {
                kept.remove(idx);
            } else {
                idx += 1;
            }
        }
        polytope.halfspaces = kept;
    }
}

/// Whether `others` imply `target` inside the box `[lo, hi]`: the LP
/// optimum of the target's score over the others is on its kept side.
fn implied(
    hyperplanes: &[PairHyperplane],
    others: &[HalfSpace],
    target: HalfSpace,
    lo: &[f64],
    hi: &[f64],
) -> bool {
    let dz = lo.len();
    // Only coordinates that some half-space uses matter.
    let mut used = vec![false; dz];
    for h in others.iter().chain(std::iter::once(&target)) {
        for (j, w) in hyperplanes[h.hyperplane].hyperplane.w.iter().enumerate() {
            used[j] |= *w != 0.0;
        }
    }
    let mut vars = ProblemVariables::new();
    let zvar: Vec<Option<Variable>> = (0..dz)
        .map(|j| used[j].then(|| vars.add(variable().min(lo[j]).max(hi[j]))))
        .collect();
    let expr = |h: &crate::hyperplane::Hyperplane| -> Expression {
        let mut e = Expression::from(h.b);
        for (j, w) in h.w.iter().enumerate() {
            if *w != 0.0 {
                e += *w * zvar[j].expect("used coordinate");
            }
        }
        e
    };
    let target_h = &hyperplanes[target.hyperplane].hyperplane;
    let objective = expr(target_h);
    let mut problem = match target.side {
        // s ≥ 0 is implied when min s ≥ 0.
        Side::I => vars.minimise(objective.clone()),
        // s < 0 is implied when max s ≤ 0.
        Side::J => vars.maximise(objective.clone()),
    }
    .using(good_lp::solvers::microlp::microlp);
    for h in others {
        let e = expr(&hyperplanes[h.hyperplane].hyperplane);
        problem = match h.side {
            Side::I => problem.with(constraint!(e >= 0.0)),
            Side::J => problem.with(constraint!(e <= 0.0)),
        };
    }
    match problem.solve() {
        Ok(solution) => {
            let value = solution.eval(&objective);
            match target.side {
                Side::I => value >= -IMPLIED_TOLERANCE,
                Side::J => value <= IMPLIED_TOLERANCE,
            }
        }
        // Infeasible within the box: keep the half-space (nothing to simplify safely).
        Err(_) => false,
    }
}
