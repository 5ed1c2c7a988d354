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

mod backend;
pub(crate) mod directions;
mod enumerate;
mod export;
mod milp;
mod outcome;
mod params;
mod problem;
mod solve;

pub use backend::{Backend, SolveOptions, UnknownBackend};
pub use directions::direction_count;
pub(crate) use directions::{search_candidate_bytes, MAX_CANDIDATE_BYTES};
pub(crate) use enumerate::{enumeration_bytes, MAX_ENUMERATION_BYTES};
pub use export::{write_lp, write_mps, ExportError, MpsFormat};
pub use milp::with_highs_lock;
pub use outcome::{objectives_agree, SolveError, SolveOutcome, SolveStatus};
pub use params::{
    Coefficients, HyperplaneError, HyperplaneParams, ValidHyperplaneParams, DEFAULT_EPSILON,
};
pub use problem::{
    misclassified, objective, Hyperplane, HyperplaneProblem, Side, MISCLASSIFIED_TOLERANCE,
};
pub(crate) use solve::solve_validated;
pub use solve::{cross_check, solve, CrossCheck};
