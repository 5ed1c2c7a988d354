//! Algorithm 2 of the MPC paper: silhouette coordinate descent over the
//! polytopes.
//!
//! The state ([`state`]) is a set of pairwise hyperplanes; every row belongs
//! to the winner of its pairwise tournament, and a row no cluster wins
//! (uncovered) goes to the nearest centre. The loss is
//! `−silhouette + μ·uncovered/n` (μ = [`UNCOVERED_WEIGHT`]), so coverage is
//! restored before silhouette is traded. The [`moves`], accepted only when
//! the exact loss drops by more than [`MIN_GAIN`](tuning::MIN_GAIN):
//! - **boundary shift** of `H_ij`: a new direction within (M, β) and a new
//!   intercept; only rows that can be won by i or j change label;
//! - **split** of cluster c (while K < K_max): a new hyperplane inside c, the
//!   two halves inheriting c's hyperplanes against every other cluster;
//! - **merge** of clusters a and b: `H_ab` removed, and the merged cluster
//!   separated from each other cluster m by `H_am` when `H_am = H_bm`,
//!   otherwise by a new solve of (1)–(12);
//! - **cover** of cluster c while some uncovered row is nearest to c: c's
//!   hyperplanes re-solved by (1)–(12) for the current labels, the uncovered
//!   rows counted as c's.
//!
//! Shifts and splits are scored by the [`sweep`] engine over the directions
//! [`boundary`] chooses. The driver ([`search`]) is an explicit loop over a
//! queue of moves: it owns the cap on accepted moves
//! ([`crate::mpc::MpcParams::max_moves`]) and the run's
//! [`Deadline`](crate::mpc::Deadline), whose remaining time bounds every
//! hyperplane solve. After an accepted move the moves of the clusters it
//! changed are queued again; the search ends when no move is left, or at the
//! move cap or the deadline (a status, not an error).
//!
//! Everything a search reads and never changes is its [`context`]; everything
//! it changes is one [`state::SearchState`] value. A move is a function of
//! both: it is applied to a copy of the state, and the copy replaces the
//! state only when the move is accepted. The tuning constants of the search
//! are in [`tuning`], each with its reason.

mod boundary;
mod context;
mod driver;
mod moves;
mod partition;
mod rows;
mod sample;
mod score;
mod sides;
mod state;
mod sweep;
mod tuning;

pub use context::SearchInputs;
pub use driver::search;
