//! Solving the separating-hyperplane problem with a backend, and
//! cross-checking the backends on one problem.

use super::backend::{Backend, SolveOptions};
use super::outcome::{objectives_agree, SolveError, SolveOutcome, SolveStatus};
use super::params::{HyperplaneError, ValidHyperplaneParams};
use super::problem::{errors, Hyperplane, HyperplaneProblem};
use super::{enumerate, milp};
use std::time::Instant;

/// One problem solved by several backends: their outcomes and whether every
/// proven optimum agrees ([`objectives_agree`]).
#[derive(Clone, Debug)]
pub struct CrossCheck {
    /// One outcome per backend, in the order given.
    pub outcomes: Vec<SolveOutcome>,
    /// Whether the proven optima agree.
    pub agree: bool,
    /// Solves that stopped before proving optimality.
    pub unproven: usize,
}

/// Solve `problem` with every backend of `backends` (time limit per MILP
/// solve `time_limit`) and compare their proven optima: every backend must
/// reach the same optimal objective. `on_solve` sees each outcome as it
/// arrives (progress bars).
pub fn cross_check(
    problem: &HyperplaneProblem,
    params: &ValidHyperplaneParams,
    backends: &[Backend],
    time_limit: Option<f64>,
    on_solve: &mut dyn FnMut(&SolveOutcome),
) -> Result<CrossCheck, SolveError> {
    let mut outcomes = Vec::with_capacity(backends.len());
    for &backend in backends {
        let options = SolveOptions {
            backend,
            time_limit,
            mip_gap: None,
        };
        let outcome = solve(problem, params, &options)?;
        on_solve(&outcome);
        outcomes.push(outcome);
    }
    let optima: Vec<f64> = outcomes
        .iter()
        .filter(|o| o.status.is_optimal())
        .map(|o| o.objective)
        .collect();
    let agree = optima.iter().all(|&o| objectives_agree(o, optima[0]));
    let unproven = outcomes.len() - optima.len();
    Ok(CrossCheck {
        outcomes,
        agree,
        unproven,
    })
}

/// Solves the separating-hyperplane problem (1)–(12) with the chosen backend.
///
/// Validates the problem and `β ≤ d`, then dispatches:
/// - [`Backend::Enumerate`]: exact, `O(D_dir · n)` with
///   `D_dir = Σ_{s=1..β} C(d, s)·(2M)^s` directions ([`direction_count`](super::direction_count)),
///   parallel over supports with rayon; integer mode, and general mode with
///   `β = 1` (general mode with `β ≥ 2` answers [`SolveError::Unsupported`]:
///   its direction set is infinite);
/// - [`Backend::Highs`], [`Backend::Microlp`]: the MILP (1)–(12) with
///   `2d + 2d` integer/binary columns, `1 + n` continuous columns and
///   `n + 3d + 2` rows; worst case exponential. A time limit returns the
///   incumbent with [`SolveStatus::TimeLimit`].
///
/// Whatever the backend, `b` is then re-optimised exactly for the returned
/// `w` and the objective is re-evaluated by [`objective`](super::objective).
///
/// Thread-safe: callers may solve many pairs concurrently (enumeration uses
/// rayon, nested pools are fine; HiGHS solves are serialised by
/// [`with_highs_lock`](super::with_highs_lock) because the bundled HiGHS C API is not safe to use
/// from several threads at once).
pub fn solve(
    problem: &HyperplaneProblem,
    params: &ValidHyperplaneParams,
    options: &SolveOptions,
) -> Result<SolveOutcome, SolveError> {
    problem.validate()?;
    solve_validated(problem, params, options, None)
}

/// [`solve`] of a problem made by [`HyperplaneProblem::new`], which
/// validated it already: Algorithms 1 and 2 solve thousands of small pairs,
/// and a second O(n·d) validation of each was a few per cent of a run. An
/// enumeration stops at `stop` (the run's deadline) with the best direction
/// it evaluated, as [`SolveStatus::TimeLimit`]; the MILP backends stop at
/// `options.time_limit`.
pub(crate) fn solve_validated(
    problem: &HyperplaneProblem,
    params: &ValidHyperplaneParams,
    options: &SolveOptions,
    stop: Option<Instant>,
) -> Result<SolveOutcome, SolveError> {
    params.params().check_for(problem.dim())?;
    if let Some(t) = options.time_limit {
        if !(t.is_finite() && t >= 0.0) {
            return Err(HyperplaneError::TimeLimit(t).into());
        }
    }
    let start = Instant::now();
    let mut enumerated = None;
    let (w, status) = match options.backend {
        Backend::Enumerate => {
            let best = enumerate::enumerate(problem, params, stop)?;
            if best.complete {
                enumerated = Some(best.objective);
                (best.w, SolveStatus::Optimal)
            } else {
                (best.w, SolveStatus::TimeLimit { gap: None })
            }
        }
        Backend::Highs => milp::solve_highs(problem, params, options)?,
        Backend::Microlp => milp::solve_microlp(problem, params, options)?,
    };
    let b = enumerate::optimal_intercept(problem, &w, params.epsilon());
    let seconds = start.elapsed().as_secs_f64();
    let hyperplane = Hyperplane { w, b };
    let (value, misclassified) = errors(problem, &hyperplane, params.epsilon());
    if let Some(fast) = enumerated {
        // the selection formula and the plain loop evaluate the same optimum
        debug_assert!(
            (fast - value).abs() <= 1e-7 * value.max(1.0),
            "{fast} vs {value}"
        );
    }
    Ok(SolveOutcome {
        objective: value,
        misclassified,
        hyperplane,
        status,
        seconds,
        backend: options.backend,
    })
}
