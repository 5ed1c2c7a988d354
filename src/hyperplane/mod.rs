//! Interpretable separating hyperplanes between two clusters (MPC paper §2.1,
//! equations (1)–(12)).
//!
//! Given an explanation matrix `X` (`n × d`, features typically scaled to
//! `[0, 1]`) and two disjoint sets of rows `Ci`, `Cj`, find coefficients `w`
//! (at most `β` non-zeros, `‖w‖₁ ≥ 1`; integers with `|w_d| ≤ M`, or reals
//! in `[−1, 1]`) and an intercept `b` minimising the hinge error
//!
//! ```text
//! f(w, b) = Σ_{t ∈ Ci} max(0, −(w·x_t + b)) + Σ_{t ∈ Cj} max(0, w·x_t + b + ε)
//! ```
//!
//! Points of `Ci` should satisfy `w·x + b ≥ 0`, points of `Cj`
//! `w·x + b ≤ −ε`. (Algorithm 1, lines 14–15 of the paper print the
//! error terms with a sign typo; [`Hyperplane::xi_plus`] and
//! [`Hyperplane::xi_minus`] use the form above.)
//!
//! Three interchangeable [`Backend`]s solve it and must agree on the optimal
//! objective:
//! - [`Backend::Highs`] and [`Backend::Microlp`]: the MILP (1)–(12), built once
//!   from one formulation (also exported by [`write_lp`] and [`write_mps`]);
//! - [`Backend::Enumerate`]: exact enumeration of the finite set of integer
//!   directions with, for each, the exact optimal intercept (a selection).
//!
//! # The MILP (1)–(12)
//!
//! Columns, for every feature `d`: `w_pos_d`, `w_neg_d` (integers in
//! `[0, M]`, or reals in `[0, 1]` in general mode; `w_d = w_pos_d − w_neg_d`,
//! (4), (10)), binaries `y_d` (support, (12)) and `s_d` (sign); then `b`
//! (free) and `xi_t ≥ 0` per point (11). Rows: `ci_t` (2), `cj_t` (3),
//! `norm`: `Σ (w_pos_d + w_neg_d) ≥ 1` (5), `sgp_d`/`sgn_d`: `w_pos_d ≤ M s_d`,
//! `w_neg_d ≤ M (1 − s_d)` (6), `sup_d`: `w_pos_d + w_neg_d ≤ M y_d` (8)–(9),
//! `card`: `Σ y_d ≤ β` (7). Objective `Σ xi_t` (1). Size: `4d + 1 + n`
//! columns, `n + 3d + 2` rows. [`write_lp`] and [`write_mps`] export this
//! exact model.
//!
//! # Enumeration
//!
//! For a fixed `w` let `z_t = −w·x_t` for `t ∈ Ci` and `z_t = −w·x_t − ε` for
//! `t ∈ Cj`. Then `f(w, b) = Σ_{Ci} max(0, z_t − b) + Σ_{Cj} max(0, b − z_t)`
//! is convex piecewise linear in `b` with right derivative
//! `#{t : z_t ≤ b} − |Ci|`, so it is minimal on `[z_(|Ci|), z_(|Ci|+1)]` (order
//! statistics) and `min_b f = Σ_{Ci} z_t − (sum of the |Ci| smallest z)`: one
//! selection, expected `O(n)`. The integer directions are finite
//! ([`direction_count`]: `Σ_{s=1..β} C(d, s)·(2M)^s`, e.g. 57,798 for
//! `d = 57, M = 3, β = 2`), so enumerating them is exact in
//! `O(directions · n)`. Directions are not merged by scaling (`w` and `2w`
//! differ because of `ε`). Ties go to the smallest objective, then the
//! sparser support, then the lexicographically first support, then
//! coefficients in the order `1, −1, 2, −2, …`, whatever the thread count.
//!
//! Every backend returns `b` at the midpoint of the optimal interval for its
//! `w` (the largest margin among optimal intercepts).
//!
//! # Example
//!
//! ```
//! use ndarray::array;
//! use polyclust::hyperplane::{
//!     solve, Backend, HyperplaneParams, HyperplaneProblem, SolveOptions, SolveStatus,
//! };
//!
//! let x = array![[0.1, 0.9], [0.2, 0.8], [0.8, 0.1], [0.9, 0.3]];
//! let (ci, cj) = ([0, 1], [2, 3]);
//! let problem = HyperplaneProblem::new(x.view(), &ci, &cj).unwrap();
//! let params = HyperplaneParams::new().m(3).beta(2).check().unwrap();
//! let options = SolveOptions { backend: Backend::Enumerate, ..Default::default() };
//! let outcome = solve(&problem, &params, &options).unwrap();
//! assert_eq!(outcome.objective, 0.0);
//! assert_eq!(outcome.misclassified, 0);
//! assert_eq!(outcome.status, SolveStatus::Optimal);
//! assert!(outcome.hyperplane.score(x.row(0)) >= 0.0);
//! assert!(outcome.hyperplane.score(x.row(2)) <= -params.epsilon());
//! ```

pub(crate) mod directions;
mod enumerate;
mod export;
mod milp;
mod params;

use std::fmt;
use std::str::FromStr;
use std::time::Instant;

use ndarray::{ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};
use thiserror::Error;

pub use directions::{direction_count, search_candidate_bytes, MAX_CANDIDATE_BYTES};
pub(crate) use enumerate::{enumeration_bytes, MAX_ENUMERATION_BYTES};
pub use export::{write_lp, write_mps, ExportError, MpsFormat};
pub use milp::with_highs_lock;
pub use params::{
    Coefficients, HyperplaneError, HyperplaneParams, ValidHyperplaneParams, DEFAULT_EPSILON,
};

/// Tolerance above which an error term `ξ_t` counts as a misclassification.
pub const MISCLASSIFIED_TOLERANCE: f64 = 1e-9;

/// One separating-hyperplane problem: the data and the two clusters.
#[derive(Clone, Copy, Debug)]
pub struct HyperplaneProblem<'a> {
    /// Explanation matrix, one row per point.
    pub x: ArrayView2<'a, f64>,
    /// Rows of cluster `i` (the side `w·x + b ≥ 0`).
    pub ci: &'a [usize],
    /// Rows of cluster `j` (the side `w·x + b ≤ −ε`).
    pub cj: &'a [usize],
}

impl<'a> HyperplaneProblem<'a> {
    /// Builds and validates a problem (see [`HyperplaneProblem::validate`]).
    pub fn new(
        x: ArrayView2<'a, f64>,
        ci: &'a [usize],
        cj: &'a [usize],
    ) -> Result<Self, HyperplaneError> {
        let problem = Self { x, ci, cj };
        problem.validate()?;
        Ok(problem)
    }

    /// Checks that `X` has at least one column, `Ci` and `Cj` are non-empty,
    /// their rows exist, appear once in `Ci ∪ Cj`, and hold finite values.
    /// `O(n·d)`.
    pub fn validate(&self) -> Result<(), HyperplaneError> {
        if self.x.ncols() == 0 {
            return Err(HyperplaneError::NoFeatures);
        }
        if self.ci.is_empty() {
            return Err(HyperplaneError::EmptyCi);
        }
        if self.cj.is_empty() {
            return Err(HyperplaneError::EmptyCj);
        }
        let rows = self.x.nrows();
        let mut seen = vec![false; rows];
        // Rows as slices when the matrix is in standard layout: a row view
        // per row cost more than its checks (a problem is validated at
        // every solve).
        let d = self.x.ncols();
        let flat = self.x.as_slice();
        for &t in self.ci.iter().chain(self.cj) {
            if t >= rows {
                return Err(HyperplaneError::RowOutOfRange { index: t, rows });
            }
            if std::mem::replace(&mut seen[t], true) {
                return Err(HyperplaneError::DuplicateRow(t));
            }
            let col = match flat {
                Some(flat) => flat[t * d..(t + 1) * d].iter().position(|v| !v.is_finite()),
                None => self.x.row(t).iter().position(|v| !v.is_finite()),
            };
            if let Some(col) = col {
                return Err(HyperplaneError::NonFinite { row: t, col });
            }
        }
        Ok(())
    }

    /// Number of features `d`.
    pub fn dim(&self) -> usize {
        self.x.ncols()
    }

    /// Number of points `|Ci| + |Cj|`.
    pub fn len(&self) -> usize {
        self.ci.len() + self.cj.len()
    }

    /// True when both clusters are empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Which side of a hyperplane a point lies on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Side {
    /// `w·x + b ≥ 0`: the side of cluster `i`.
    I,
    /// `w·x + b < 0`: the side of cluster `j`.
    J,
}

/// A hyperplane `w·x + b = 0`; cluster `i` lies on the side `w·x + b ≥ 0`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Hyperplane {
    /// Coefficients, one per feature (integers stored as `f64` in integer mode).
    pub w: Vec<f64>,
    /// Intercept.
    pub b: f64,
}

impl Hyperplane {
    /// `w·x + b` for one row `x`. `O(d)`.
    pub fn score(&self, x_row: ArrayView1<f64>) -> f64 {
        debug_assert_eq!(x_row.len(), self.w.len());
        let mut s = self.b;
        for (w, x) in self.w.iter().zip(x_row.iter()) {
            if *w != 0.0 {
                s += w * x;
            }
        }
        s
    }

    /// [`Side::I`] when `w·x + b ≥ 0`, else [`Side::J`].
    pub fn side(&self, x_row: ArrayView1<f64>) -> Side {
        if self.score(x_row) >= 0.0 {
            Side::I
        } else {
            Side::J
        }
    }

    /// Error of the row if it were put in cluster `i`:
    /// `ξ⁺ = max(0, −(w·x + b))` (Algorithm 1 line 14, sign corrected).
    pub fn xi_plus(&self, x_row: ArrayView1<f64>) -> f64 {
        (-self.score(x_row)).max(0.0)
    }

    /// Error of the row if it were put in cluster `j`:
    /// `ξ⁻ = max(0, w·x + b + ε)` (Algorithm 1 line 15).
    pub fn xi_minus(&self, x_row: ArrayView1<f64>, epsilon: f64) -> f64 {
        (self.score(x_row) + epsilon).max(0.0)
    }

    /// `(ξ⁺_t, ξ⁻_t)` for every row `t` of `x` (Algorithm 1 lines 14–15). `O(n·d)`.
    pub fn xi_all(&self, x: ArrayView2<f64>, epsilon: f64) -> (Vec<f64>, Vec<f64>) {
        x.rows()
            .into_iter()
            .map(|row| {
                let s = self.score(row);
                ((-s).max(0.0), (s + epsilon).max(0.0))
            })
            .unzip()
    }

    /// Number of non-zero coefficients.
    pub fn nonzeros(&self) -> usize {
        self.w.iter().filter(|w| **w != 0.0).count()
    }
}

/// The objective `f(w, b)` of equation (1) with the error terms (2)–(3),
/// evaluated by a plain loop, independent of every backend. `O((|Ci| + |Cj|)·d)`.
pub fn objective(problem: &HyperplaneProblem, hyperplane: &Hyperplane, epsilon: f64) -> f64 {
    let ci: f64 = problem
        .ci
        .iter()
        .map(|&t| hyperplane.xi_plus(problem.x.row(t)))
        .sum();
    let cj: f64 = problem
        .cj
        .iter()
        .map(|&t| hyperplane.xi_minus(problem.x.row(t), epsilon))
        .sum();
    ci + cj
}

/// Number of points with a positive error term (above [`MISCLASSIFIED_TOLERANCE`]):
/// points of `Ci` with `w·x + b < 0` and points of `Cj` with `w·x + b > −ε`.
pub fn misclassified(problem: &HyperplaneProblem, hyperplane: &Hyperplane, epsilon: f64) -> usize {
    let ci = problem
        .ci
        .iter()
        .filter(|&&t| hyperplane.xi_plus(problem.x.row(t)) > MISCLASSIFIED_TOLERANCE)
        .count();
    let cj = problem
        .cj
        .iter()
        .filter(|&&t| hyperplane.xi_minus(problem.x.row(t), epsilon) > MISCLASSIFIED_TOLERANCE)
        .count();
    ci + cj
}

/// A solver backend, chosen at run time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    /// The MILP (1)–(12) on HiGHS (time limit and MIP gap supported).
    Highs,
    /// The MILP (1)–(12) on microlp, a pure-Rust branch and bound (slow
    /// beyond a few dozen points; honours the time limit through good_lp).
    Microlp,
    /// Exact enumeration of integer directions (integer mode; general mode
    /// only with `β = 1`, where it coincides with integer `M = 1`).
    #[default]
    Enumerate,
}

impl Backend {
    /// Every backend, in a fixed order.
    pub const ALL: [Backend; 3] = [Backend::Highs, Backend::Microlp, Backend::Enumerate];

    /// The backend's name: `"highs"`, `"microlp"` or `"enumerate"`.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Highs => "highs",
            Backend::Microlp => "microlp",
            Backend::Enumerate => "enumerate",
        }
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An unknown backend name.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("unknown backend {0:?}; expected one of highs, microlp, enumerate")]
pub struct UnknownBackend(pub String);

impl FromStr for Backend {
    type Err = UnknownBackend;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Backend::ALL
            .into_iter()
            .find(|b| b.name().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| UnknownBackend(s.to_string()))
    }
}

/// How to solve: backend, time limit and relative MIP gap.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, Default)]
pub struct SolveOptions {
    /// The backend.
    pub backend: Backend,
    /// Time limit in seconds for the MILP backends (`None`: no limit).
    /// Enumeration is exact and ignores it.
    pub time_limit: Option<f64>,
    /// Relative MIP gap at which the MILP backends may stop (`None`: prove
    /// optimality, i.e. gap 0 and an absolute gap of 1e-9).
    pub mip_gap: Option<f64>,
}

/// How a solve ended. A status is not an error: every status comes with a
/// feasible hyperplane.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum SolveStatus {
    /// Proven optimal (enumeration is always exact).
    Optimal,
    /// Stopped within the requested relative MIP gap.
    GapLimit {
        /// Relative gap between the incumbent and the best bound.
        gap: f64,
    },
    /// Stopped by the time limit with an incumbent.
    TimeLimit {
        /// Relative gap between the incumbent and the best bound, when known.
        gap: Option<f64>,
    },
}

impl SolveStatus {
    /// True for [`SolveStatus::Optimal`].
    pub fn is_optimal(&self) -> bool {
        matches!(self, SolveStatus::Optimal)
    }

    /// Key used in JSON output: `optimal`, `gap_limit` or `time_limit`.
    pub fn key(&self) -> &'static str {
        match self {
            SolveStatus::Optimal => "optimal",
            SolveStatus::GapLimit { .. } => "gap_limit",
            SolveStatus::TimeLimit { .. } => "time_limit",
        }
    }

    /// Relative gap between the incumbent and the best bound (0 when
    /// optimal; `None` when a stopped solve does not know it).
    pub fn gap(&self) -> Option<f64> {
        match *self {
            SolveStatus::Optimal => Some(0.0),
            SolveStatus::GapLimit { gap } => Some(gap),
            SolveStatus::TimeLimit { gap } => gap,
        }
    }
}

/// The key, with the gap of a stopped solve: `time_limit (gap 1.00e-2)`.
impl fmt::Display for SolveStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self, self.gap()) {
            (SolveStatus::Optimal, _) | (_, None) => f.write_str(self.key()),
            (_, Some(gap)) => write!(f, "{} (gap {gap:.2e})", self.key()),
        }
    }
}

/// Whether two objective values agree to 1e-6 relative (absolute near zero):
/// the tolerance within which two backends' optima count as the same.
pub fn objectives_agree(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * a.abs().max(b.abs()).max(1.0)
}

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

/// The result of [`solve`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SolveOutcome {
    /// The hyperplane found. Its intercept is the midpoint of the interval
    /// of optimal intercepts for its `w` (all backends polish `b` the same way).
    pub hyperplane: Hyperplane,
    /// `f(w, b)` of the returned hyperplane, evaluated exactly by [`objective`].
    pub objective: f64,
    /// How the solve ended.
    pub status: SolveStatus,
    /// Points with a positive error term (see [`misclassified`]).
    pub misclassified: usize,
    /// Wall-clock seconds spent in the backend (for HiGHS, including any
    /// wait for [`with_highs_lock`]; the time limit covers the solve only).
    pub seconds: f64,
    /// The backend used.
    pub backend: Backend,
}

/// A solve that could not produce a hyperplane.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum SolveError {
    /// Invalid parameters or data.
    #[error(transparent)]
    Invalid(#[from] HyperplaneError),
    /// The backend cannot solve this kind of problem.
    #[error("backend {backend} does not support this problem: {reason}")]
    Unsupported {
        /// The backend.
        backend: Backend,
        /// Why.
        reason: &'static str,
    },
    /// The list of integer directions would not fit in memory.
    #[error("the integer directions for these M and beta would need {bytes} bytes of memory (limit {limit}); use a smaller M or beta, or a MILP backend")]
    TooManyDirections {
        /// Bytes the direction list would need.
        bytes: u128,
        /// The limit in bytes.
        limit: u128,
    },
    /// The MILP solver failed.
    #[error("{backend} failed: {message}")]
    Solver {
        /// The backend.
        backend: Backend,
        /// The solver's message.
        message: String,
    },
}

/// Solves the separating-hyperplane problem (1)–(12) with the chosen backend.
///
/// Validates the problem and `β ≤ d`, then dispatches:
/// - [`Backend::Enumerate`]: exact, `O(D_dir · n)` with
///   `D_dir = Σ_{s=1..β} C(d, s)·(2M)^s` directions ([`direction_count`]),
///   parallel over supports with rayon; integer mode, and general mode with
///   `β = 1` (general mode with `β ≥ 2` answers [`SolveError::Unsupported`]:
///   its direction set is infinite);
/// - [`Backend::Highs`], [`Backend::Microlp`]: the MILP (1)–(12) with
///   `2d + 2d` integer/binary columns, `1 + n` continuous columns and
///   `n + 3d + 2` rows; worst case exponential. A time limit returns the
///   incumbent with [`SolveStatus::TimeLimit`].
///
/// Whatever the backend, `b` is then re-optimised exactly for the returned
/// `w` and the objective is re-evaluated by [`objective`].
///
/// Thread-safe: callers may solve many pairs concurrently (enumeration uses
/// rayon, nested pools are fine; HiGHS solves are serialised by
/// [`with_highs_lock`] because the bundled HiGHS C API is not safe to use
/// from several threads at once).
pub fn solve(
    problem: &HyperplaneProblem,
    params: &ValidHyperplaneParams,
    options: &SolveOptions,
) -> Result<SolveOutcome, SolveError> {
    problem.validate()?;
    solve_validated(problem, params, options)
}

/// [`solve`] of a problem made by [`HyperplaneProblem::new`], which
/// validated it already: Algorithms 1 and 2 solve thousands of small pairs,
/// and a second O(n·d) validation of each was a few per cent of a run.
pub(crate) fn solve_validated(
    problem: &HyperplaneProblem,
    params: &ValidHyperplaneParams,
    options: &SolveOptions,
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
            let best = enumerate::enumerate(problem, params)?;
            enumerated = Some(best.objective);
            (best.w, SolveStatus::Optimal)
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

/// [`objective`] and [`misclassified`] from one score per row: the same
/// scores (the non-zero terms in feature order, after `b`), sums and counts,
/// with the rows read as slices when the matrix is in standard layout (a
/// row view per score cost more than the score at a few features).
fn errors(problem: &HyperplaneProblem, hyperplane: &Hyperplane, epsilon: f64) -> (f64, usize) {
    let terms: Vec<(usize, f64)> = hyperplane
        .w
        .iter()
        .enumerate()
        .filter(|(_, w)| **w != 0.0)
        .map(|(f, &w)| (f, w))
        .collect();
    let d = problem.x.ncols();
    let flat = problem.x.as_slice();
    let score = |t: usize| match flat {
        Some(flat) => {
            let row = &flat[t * d..(t + 1) * d];
            terms.iter().fold(hyperplane.b, |s, &(f, w)| s + w * row[f])
        }
        None => hyperplane.score(problem.x.row(t)),
    };
    let xi_plus: Vec<f64> = problem.ci.iter().map(|&t| (-score(t)).max(0.0)).collect();
    let xi_minus: Vec<f64> = problem
        .cj
        .iter()
        .map(|&t| (score(t) + epsilon).max(0.0))
        .collect();
    let value = xi_plus.iter().sum::<f64>() + xi_minus.iter().sum::<f64>();
    let wrong = xi_plus
        .iter()
        .chain(&xi_minus)
        .filter(|&&xi| xi > MISCLASSIFIED_TOLERANCE)
        .count();
    (value, wrong)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    /// The one-pass errors of a solve are [`objective`] and
    /// [`misclassified`] bit for bit, on rows in standard layout and on a
    /// transposed view.
    #[test]
    fn errors_are_the_objective_and_the_misclassified_rows() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        let x = ndarray::Array2::from_shape_fn((90, 4), |_| rng.random_range(-2.0..2.0));
        let transposed = x.t().to_owned();
        let ci: Vec<usize> = (0..90).filter(|t| t % 3 != 0).collect();
        let cj: Vec<usize> = (0..90).filter(|t| t % 3 == 0).collect();
        for view in [x.view(), transposed.t()] {
            let problem = HyperplaneProblem::new(view, &ci, &cj).unwrap();
            for case in 0..20 {
                let w: Vec<f64> = (0..4)
                    .map(|f| {
                        if (case + f) % 3 == 0 {
                            0.0
                        } else {
                            f64::from(rng.random_range(-3..=3))
                        }
                    })
                    .collect();
                let hyperplane = Hyperplane {
                    w,
                    b: rng.random_range(-1.0..1.0),
                };
                let (value, wrong) = errors(&problem, &hyperplane, 0.05);
                assert_eq!(
                    value.to_bits(),
                    objective(&problem, &hyperplane, 0.05).to_bits()
                );
                assert_eq!(wrong, misclassified(&problem, &hyperplane, 0.05));
            }
        }
    }

    #[test]
    fn backend_names_round_trip() {
        for b in Backend::ALL {
            assert_eq!(b.name().parse::<Backend>().unwrap(), b);
            assert_eq!(b.to_string(), b.name());
            let json = serde_json::to_string(&b).unwrap();
            assert_eq!(json, format!("\"{}\"", b.name()));
        }
        assert!("cplex".parse::<Backend>().is_err());
    }

    #[test]
    fn xi_terms_follow_the_corrected_signs() {
        let h = Hyperplane {
            w: vec![2.0, -1.0],
            b: -0.5,
        };
        let x = array![[1.0, 0.0], [0.0, 1.0]];
        // score(row 0) = 1.5, score(row 1) = -1.5
        assert_eq!(h.xi_plus(x.row(0)), 0.0);
        assert_eq!(h.xi_minus(x.row(0), 0.1), 1.6);
        assert_eq!(h.xi_plus(x.row(1)), 1.5);
        assert_eq!(h.xi_minus(x.row(1), 0.1), 0.0);
        assert_eq!(h.side(x.row(0)), Side::I);
        assert_eq!(h.side(x.row(1)), Side::J);
        let (plus, minus) = h.xi_all(x.view(), 0.1);
        assert_eq!(plus, vec![0.0, 1.5]);
        assert_eq!(minus, vec![1.6, 0.0]);
    }

    #[test]
    fn problem_validation_rejects_bad_rows() {
        let x = array![[0.0], [1.0], [f64::NAN]];
        assert_eq!(
            HyperplaneProblem::new(x.view(), &[], &[1]).unwrap_err(),
            HyperplaneError::EmptyCi
        );
        assert_eq!(
            HyperplaneProblem::new(x.view(), &[0], &[]).unwrap_err(),
            HyperplaneError::EmptyCj
        );
        assert_eq!(
            HyperplaneProblem::new(x.view(), &[0], &[0]).unwrap_err(),
            HyperplaneError::DuplicateRow(0)
        );
        assert!(matches!(
            HyperplaneProblem::new(x.view(), &[0], &[7]).unwrap_err(),
            HyperplaneError::RowOutOfRange { index: 7, rows: 3 }
        ));
        assert!(matches!(
            HyperplaneProblem::new(x.view(), &[0], &[2]).unwrap_err(),
            HyperplaneError::NonFinite { row: 2, col: 0 }
        ));
    }
}
