//! The MILP (1)–(12): one solver-independent formulation, one generic
//! good_lp builder over `S: Solver`, and the HiGHS and microlp drivers.
//!
//! Columns, for every feature `d` (integer mode; general mode replaces `M`
//! by 1 and makes `w±` continuous):
//! - `w_pos_d`, `w_neg_d ∈ {0, …, M}`: `w_d = w_pos_d − w_neg_d` (4), (10);
//! - `y_d ∈ {0, 1}`: feature `d` is in the support (12);
//! - `s_d ∈ {0, 1}`: the sign of `w_d` (1 = non-negative);
//!
//! then `b` (free) and `xi_t ≥ 0` for each point `t ∈ Ci ∪ Cj` (11), named
//! by the point's row in `X`.
//!
//! Rows:
//! - `ci_t`: `Σ_d x_td (w_pos_d − w_neg_d) + b + xi_t ≥ 0` for `t ∈ Ci` (2);
//! - `cj_t`: `Σ_d x_td (w_pos_d − w_neg_d) + b − xi_t ≤ −ε` for `t ∈ Cj` (3);
//! - `norm`: `Σ_d (w_pos_d + w_neg_d) ≥ 1` (5);
//! - `sgp_d`: `w_pos_d − M s_d ≤ 0` and `sgn_d`: `w_neg_d + M s_d ≤ M`: at most
//!   one of `w_pos_d`, `w_neg_d` is non-zero (6) — the paper's
//!   `y_{d,+} = y_d ∧ s_d`, `y_{d,−} = y_d ∧ ¬s_d`;
//! - `sup_d`: `w_pos_d + w_neg_d − M y_d ≤ 0` (8)–(9);
//! - `card`: `Σ_d y_d ≤ β` (7).
//!
//! Objective: `min Σ_t xi_t` (1). Size: `4d + 1 + n` columns, `n + 3d + 2` rows.

use std::sync::{Mutex, PoisonError};
use std::time::Instant;

use good_lp::solvers::highs::highs;
use good_lp::solvers::microlp::microlp;
use good_lp::{
    Expression, ProblemVariables, ResolutionError, Solution, SolutionStatus, Solver, SolverModel,
    Variable, WithInitialSolution, WithMipGap, WithTimeLimit,
};
use highs::{HighsModelStatus, HighsSolutionStatus};

use super::backend::{Backend, SolveOptions};
use super::enumerate::{enumerate_directions, optimal_intercept, Enumeration};
use super::outcome::{SolveError, SolveStatus};
use super::params::{Coefficients, ValidHyperplaneParams};
use super::problem::{objective, Hyperplane, HyperplaneProblem};

/// Absolute MIP gap used when no relative gap is requested.
const EXACT_ABS_GAP: f64 = 1e-9;

/// Integrality of a column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Continuous,
    Integer,
    Binary,
}

/// One column of the MILP.
#[derive(Clone, Debug)]
pub(crate) struct Column {
    pub name: String,
    pub lower: f64,
    pub upper: f64,
    pub kind: Kind,
    pub cost: f64,
}

/// Direction of a row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Sense {
    Le,
    Ge,
}

/// One row `Σ a_j x_j (≤|≥) rhs`.
#[derive(Clone, Debug)]
pub(crate) struct Row {
    pub name: String,
    pub terms: Vec<(usize, f64)>,
    pub sense: Sense,
    pub rhs: f64,
}

/// The MILP (1)–(12), independent of any solver; both the solved model and
/// the exported LP/MPS files are built from it.
#[derive(Clone, Debug)]
pub(crate) struct Formulation {
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    pub d: usize,
}

impl Formulation {
    pub fn w_pos(d: usize) -> usize {
        4 * d
    }
    pub fn w_neg(d: usize) -> usize {
        4 * d + 1
    }
    pub fn y(d: usize) -> usize {
        4 * d + 2
    }
    pub fn s(d: usize) -> usize {
        4 * d + 3
    }
    pub fn b(&self) -> usize {
        4 * self.d
    }
    pub fn xi(&self, k: usize) -> usize {
        4 * self.d + 1 + k
    }

    /// Builds the formulation; `O(n·d)`.
    pub fn new(problem: &HyperplaneProblem, params: &ValidHyperplaneParams) -> Self {
        let d = problem.dim();
        let m = f64::from(params.m());
        let w_kind = match params.coefficients() {
            Coefficients::Integer => Kind::Integer,
            Coefficients::General => Kind::Continuous,
        };
        let mut columns = Vec::with_capacity(4 * d + 1 + problem.len());
        let col = |name: String, lower, upper, kind, cost| Column {
            name,
            lower,
            upper,
            kind,
            cost,
        };
        for f in 0..d {
            columns.push(col(format!("w_pos_{f}"), 0.0, m, w_kind, 0.0));
            columns.push(col(format!("w_neg_{f}"), 0.0, m, w_kind, 0.0));
            columns.push(col(format!("y_{f}"), 0.0, 1.0, Kind::Binary, 0.0));
            columns.push(col(format!("s_{f}"), 0.0, 1.0, Kind::Binary, 0.0));
        }
        columns.push(col(
            "b".into(),
            f64::NEG_INFINITY,
            f64::INFINITY,
            Kind::Continuous,
            0.0,
        ));
        for &t in problem.ci.iter().chain(problem.cj) {
            columns.push(col(
                format!("xi_{t}"),
                0.0,
                f64::INFINITY,
                Kind::Continuous,
                1.0,
            ));
        }

        let mut formulation = Self {
            columns,
            rows: Vec::with_capacity(problem.len() + 3 * d + 2),
            d,
        };
        let n_i = problem.ci.len();
        for (k, &t) in problem.ci.iter().chain(problem.cj).enumerate() {
            let in_ci = k < n_i;
            let mut terms = Vec::with_capacity(2 * d + 2);
            for (f, &x) in problem.x.row(t).iter().enumerate() {
                if x != 0.0 {
                    terms.push((Self::w_pos(f), x));
                    terms.push((Self::w_neg(f), -x));
                }
            }
            terms.push((formulation.b(), 1.0));
            let (name, xi_coef, sense, rhs) = if in_ci {
                (format!("ci_{t}"), 1.0, Sense::Ge, 0.0)
            } else {
                (format!("cj_{t}"), -1.0, Sense::Le, -params.epsilon())
            };
            terms.push((formulation.xi(k), xi_coef));
            formulation.rows.push(Row {
                name,
                terms,
                sense,
                rhs,
            });
        }
        formulation.rows.push(Row {
            name: "norm".into(),
            terms: (0..d)
                .flat_map(|f| [(Self::w_pos(f), 1.0), (Self::w_neg(f), 1.0)])
                .collect(),
            sense: Sense::Ge,
            rhs: 1.0,
        });
        for f in 0..d {
            formulation.rows.push(Row {
                name: format!("sgp_{f}"),
                terms: vec![(Self::w_pos(f), 1.0), (Self::s(f), -m)],
                sense: Sense::Le,
                rhs: 0.0,
            });
            formulation.rows.push(Row {
                name: format!("sgn_{f}"),
                terms: vec![(Self::w_neg(f), 1.0), (Self::s(f), m)],
                sense: Sense::Le,
                rhs: m,
            });
            formulation.rows.push(Row {
                name: format!("sup_{f}"),
                terms: vec![
                    (Self::w_pos(f), 1.0),
                    (Self::w_neg(f), 1.0),
                    (Self::y(f), -m),
                ],
                sense: Sense::Le,
                rhs: 0.0,
            });
        }
        formulation.rows.push(Row {
            name: "card".into(),
            terms: (0..d).map(|f| (Self::y(f), 1.0)).collect(),
            sense: Sense::Le,
            rhs: params.beta() as f64,
        });
        formulation
    }

    /// A feasible column vector for the hyperplane `(w, b)`.
    pub fn point(&self, problem: &HyperplaneProblem, w: &[f64], b: f64, epsilon: f64) -> Vec<f64> {
        let mut v = vec![0.0; self.columns.len()];
        for (f, &wf) in w.iter().enumerate() {
            v[Self::w_pos(f)] = wf.max(0.0);
            v[Self::w_neg(f)] = (-wf).max(0.0);
            v[Self::y(f)] = if wf != 0.0 { 1.0 } else { 0.0 };
            v[Self::s(f)] = if wf >= 0.0 { 1.0 } else { 0.0 };
        }
        v[self.b()] = b;
        let score = |t: usize| -> f64 {
            b + w
                .iter()
                .zip(problem.x.row(t))
                .map(|(w, x)| w * x)
                .sum::<f64>()
        };
        for (k, &t) in problem.ci.iter().chain(problem.cj).enumerate() {
            v[self.xi(k)] = if k < problem.ci.len() {
                (-score(t)).max(0.0)
            } else {
                (score(t) + epsilon).max(0.0)
            };
        }
        v
    }

    /// Reads `w` from a column vector: rounded to integers in integer mode,
    /// with values below 1e-9 in magnitude set to zero in general mode.
    pub fn read_w(&self, values: &[f64], coefficients: Coefficients) -> Vec<f64> {
        (0..self.d)
            .map(|f| {
                let w = values[Self::w_pos(f)] - values[Self::w_neg(f)];
                match coefficients {
                    Coefficients::Integer => w.round(),
                    Coefficients::General if w.abs() < 1e-9 => 0.0,
                    Coefficients::General => w,
                }
            })
            .collect()
    }
}

/// Builds the formulation as a good_lp model for any solver; the variables
/// are created in column order, so solver column `k` is `formulation.columns[k]`.
pub(crate) fn build<S: Solver>(formulation: &Formulation, solver: S) -> (S::Model, Vec<Variable>) {
    let mut vars = ProblemVariables::new();
    let columns: Vec<Variable> = formulation
        .columns
        .iter()
        .map(|c| {
            let def = good_lp::variable().name(c.name.clone());
            let def = match c.kind {
                Kind::Binary => def.binary(),
                Kind::Integer => def.integer().min(c.lower).max(c.upper),
                Kind::Continuous => def.min(c.lower).max(c.upper),
            };
            vars.add(def)
        })
        .collect();
    let mut objective = Expression::with_capacity(formulation.columns.len());
    for (c, &v) in formulation.columns.iter().zip(&columns) {
        if c.cost != 0.0 {
            objective.add_mul(c.cost, v);
        }
    }
    let mut model = vars.minimise(objective).using(solver);
    for row in &formulation.rows {
        let mut e = Expression::with_capacity(row.terms.len());
        for &(j, a) in &row.terms {
            e.add_mul(a, columns[j]);
        }
        model.add_constraint(match row.sense {
            Sense::Le => e.leq(row.rhs),
            Sense::Ge => e.geq(row.rhs),
        });
    }
    (model, columns)
}

/// The best axis-parallel hyperplane (exact, `O(d·M·n)`), used as a warm
/// start so that a time limit always leaves an incumbent.
fn warm_start(problem: &HyperplaneProblem, params: &ValidHyperplaneParams) -> (Vec<f64>, f64) {
    let axis_parallel = Enumeration {
        m: params.m(),
        beta: 1,
        epsilon: params.epsilon(),
        stop: None,
    };
    let w = enumerate_directions(problem, &axis_parallel).w;
    let b = optimal_intercept(problem, &w, params.epsilon());
    (w, b)
}

fn solver_error(backend: Backend, message: impl ToString) -> SolveError {
    SolveError::Solver {
        backend,
        message: message.to_string(),
    }
}

/// Of two directions, the one with the smaller objective at its optimal
/// intercept (the first on ties). An interrupted solver may hold an incumbent
/// worse than the warm start if it rejected the start.
fn better_of(
    problem: &HyperplaneProblem,
    params: &ValidHyperplaneParams,
    a: Vec<f64>,
    b: Vec<f64>,
) -> Vec<f64> {
    let eps = params.epsilon();
    let value = |w: &[f64]| {
        let h = Hyperplane {
            w: w.to_vec(),
            b: optimal_intercept(problem, w, eps),
        };
        objective(problem, &h, eps)
    };
    if value(&b) < value(&a) {
        b
    } else {
        a
    }
}

/// Serialises every HiGHS instance of the process.
static HIGHS: Mutex<()> = Mutex::new(());

/// Runs `f` while holding the process-wide HiGHS lock.
///
/// The HiGHS C API bundled with `highs-sys` 1.15 resets HiGHS's global task
/// scheduler whenever an instance is destroyed (`Highs_destroy`), which is
/// not safe while another thread is inside a HiGHS call (the upstream fix,
/// ERGO-Code/HiGHS PR #3141, removes those calls). Every HiGHS model in the
/// crate should therefore be created, solved and dropped inside this lock;
/// callers may still solve many problems from many threads, HiGHS runs then
/// one at a time. A poisoned lock is recovered (it guards no data).
pub fn with_highs_lock<T>(f: impl FnOnce() -> T) -> T {
    let _guard = HIGHS.lock().unwrap_or_else(PoisonError::into_inner);
    f()
}

/// Solves the MILP on HiGHS (quiet, optional time limit and relative gap).
/// Returns `w` and the status read from HiGHS, including its MIP gap.
/// HiGHS runs under [`with_highs_lock`].
pub(crate) fn solve_highs(
    problem: &HyperplaneProblem,
    params: &ValidHyperplaneParams,
    options: &SolveOptions,
) -> Result<(Vec<f64>, SolveStatus), SolveError> {
    let formulation = Formulation::new(problem, params);
    let (model, _) = build(&formulation, highs);
    let warm = options.time_limit.map(|limit| {
        let (w, b) = warm_start(problem, params);
        (w, b, limit)
    });
    with_highs_lock(|| run_highs(&formulation, model, warm, problem, params, options))
}

/// The part of [`solve_highs`] that owns a HiGHS instance.
fn run_highs(
    formulation: &Formulation,
    model: good_lp::solvers::highs::HighsProblem,
    warm: Option<(Vec<f64>, f64, f64)>,
    problem: &HyperplaneProblem,
    params: &ValidHyperplaneParams,
    options: &SolveOptions,
) -> Result<(Vec<f64>, SolveStatus), SolveError> {
    let err = |m: &str| solver_error(Backend::Highs, m);
    let mut inner = model
        .try_into_inner()
        .map_err(|e| solver_error(Backend::Highs, e))?;
    inner
        .try_set_option("output_flag", false)
        .map_err(|_| err("cannot silence output"))?;
    if let Some((w, b, limit)) = &warm {
        inner
            .try_set_option("time_limit", *limit)
            .map_err(|_| err("invalid time limit"))?;
        let start = formulation.point(problem, w, *b, params.epsilon());
        inner
            .try_set_solution(Some(&start), None, None, None)
            .map_err(|_| err("cannot set the warm start"))?;
    }
    match options.mip_gap {
        Some(gap) => inner
            .try_set_option("mip_rel_gap", gap)
            .map_err(|_| err("invalid MIP gap"))?,
        None => {
            inner
                .try_set_option("mip_rel_gap", 0.0)
                .map_err(|_| err("invalid MIP gap"))?;
            inner
                .try_set_option("mip_abs_gap", EXACT_ABS_GAP)
                .map_err(|_| err("invalid MIP gap"))?;
        }
    }
    let solved = inner
        .try_solve()
        .map_err(|e| solver_error(Backend::Highs, format!("{e:?}")))?;
    let gap = solved.mip_gap();
    let status = match solved.status() {
        HighsModelStatus::Optimal => {
            if options.mip_gap.is_some() && gap.is_finite() && gap > EXACT_ABS_GAP {
                SolveStatus::GapLimit { gap }
            } else {
                SolveStatus::Optimal
            }
        }
        HighsModelStatus::ReachedTimeLimit
        | HighsModelStatus::ReachedIterationLimit
        | HighsModelStatus::ReachedSolutionLimit
        | HighsModelStatus::ReachedInterrupt
        | HighsModelStatus::ReachedMemoryLimit
        | HighsModelStatus::ObjectiveBound
        | HighsModelStatus::ObjectiveTarget => SolveStatus::TimeLimit {
            gap: gap.is_finite().then_some(gap),
        },
        other => {
            return Err(solver_error(
                Backend::Highs,
                format!("HiGHS ended with status {other:?}"),
            ))
        }
    };
    if solved.primal_solution_status() == HighsSolutionStatus::Feasible {
        let solution = solved.get_solution();
        let w = formulation.read_w(solution.columns(), params.coefficients());
        let w = match (status, warm) {
            (SolveStatus::Optimal, _) | (_, None) => w,
            (_, Some((start, _, _))) => better_of(problem, params, w, start),
        };
        Ok((w, status))
    } else if let Some((w, _, _)) = warm {
        // Stopped before HiGHS accepted any incumbent: the warm start is feasible.
        Ok((w, SolveStatus::TimeLimit { gap: None }))
    } else {
        Err(err("no feasible solution found"))
    }
}

/// Solves the MILP on microlp. microlp has no gap report: a gap stop is
/// reported with the requested gap, a time stop with an unknown gap.
pub(crate) fn solve_microlp(
    problem: &HyperplaneProblem,
    params: &ValidHyperplaneParams,
    options: &SolveOptions,
) -> Result<(Vec<f64>, SolveStatus), SolveError> {
    let formulation = Formulation::new(problem, params);
    let (model, columns) = build(&formulation, microlp);
    solve_generic(
        Backend::Microlp,
        model,
        &columns,
        &formulation,
        problem,
        params,
        options,
    )
}

/// Solves a built model through good_lp's capability traits only.
fn solve_generic<M>(
    backend: Backend,
    mut model: M,
    columns: &[Variable],
    formulation: &Formulation,
    problem: &HyperplaneProblem,
    params: &ValidHyperplaneParams,
    options: &SolveOptions,
) -> Result<(Vec<f64>, SolveStatus), SolveError>
where
    M: SolverModel<Error = ResolutionError> + WithTimeLimit + WithMipGap + WithInitialSolution,
{
    let mut warm = None;
    if let Some(limit) = options.time_limit {
        let (w, b) = warm_start(problem, params);
        let start = formulation.point(problem, &w, b, params.epsilon());
        model = model
            .with_time_limit(limit)
            .with_initial_solution(columns.iter().copied().zip(start));
        warm = Some(w);
    }
    if let Some(gap) = options.mip_gap {
        model = model
            .with_mip_gap(gap as f32)
            .map_err(|e| solver_error(backend, e))?;
    }
    let started = Instant::now();
    match model.solve() {
        Ok(solution) => {
            let values: Vec<f64> = columns.iter().map(|&v| solution.value(v)).collect();
            let status = match solution.status() {
                SolutionStatus::Optimal => SolveStatus::Optimal,
                SolutionStatus::GapLimit => SolveStatus::GapLimit {
                    gap: options.mip_gap.unwrap_or(0.0),
                },
                SolutionStatus::TimeLimit => SolveStatus::TimeLimit { gap: None },
            };
            let w = formulation.read_w(&values, params.coefficients());
            let w = match (status, warm) {
                (SolveStatus::Optimal, _) | (_, None) => w,
                (_, Some(start)) => better_of(problem, params, w, start),
            };
            Ok((w, status))
        }
        Err(e) => match warm {
            Some(w)
                if options
                    .time_limit
                    .is_some_and(|l| started.elapsed().as_secs_f64() >= l) =>
            {
                Ok((w, SolveStatus::TimeLimit { gap: None }))
            }
            _ => Err(solver_error(backend, e)),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hyperplane::HyperplaneParams;
    use ndarray::array;

    #[test]
    fn formulation_has_the_documented_size() {
        let x = array![[0.1, 0.0, 0.5], [0.2, 0.3, 0.4], [0.9, 0.8, 0.7]];
        let problem = HyperplaneProblem::new(x.view(), &[0, 1], &[2]).unwrap();
        let params = HyperplaneParams::new().m(2).beta(2).check().unwrap();
        let f = Formulation::new(&problem, &params);
        assert_eq!(f.columns.len(), 4 * 3 + 1 + 3);
        assert_eq!(f.rows.len(), 3 + 3 * 3 + 2);
        assert_eq!(f.columns[f.xi(2)].name, "xi_2");
        // zero entries of X are skipped: row of point 0 has 2 features + b + xi
        assert_eq!(f.rows[0].terms.len(), 2 * 2 + 2);
    }

    #[test]
    fn warm_start_point_is_feasible() {
        let x = array![[0.1, 0.6], [0.2, 0.3], [0.9, 0.8], [0.5, 0.5]];
        let problem = HyperplaneProblem::new(x.view(), &[0, 1], &[2, 3]).unwrap();
        let params = HyperplaneParams::new().m(3).beta(1).check().unwrap();
        let f = Formulation::new(&problem, &params);
        let (w, b) = warm_start(&problem, &params);
        let v = f.point(&problem, &w, b, params.epsilon());
        for (value, c) in v.iter().zip(&f.columns) {
            assert!(*value >= c.lower - 1e-12 && *value <= c.upper + 1e-12);
        }
        for row in &f.rows {
            let lhs: f64 = row.terms.iter().map(|&(j, a)| a * v[j]).sum();
            match row.sense {
                Sense::Le => assert!(lhs <= row.rhs + 1e-9, "{}", row.name),
                Sense::Ge => assert!(lhs >= row.rhs - 1e-9, "{}", row.name),
            }
        }
    }
}
