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

mod bounded;
mod bounds;
mod cost;
mod transport;

pub use bounded::{assign_bounded, assign_bounded_lp, LP_VARIABLES_LIMIT};
pub use bounds::{AssignError, CardinalityBounds};
pub use cost::{assign_unbounded, assignment_cost, cost_matrix};
pub use transport::assign_transport;
