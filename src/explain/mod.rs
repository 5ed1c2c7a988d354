//! Explanations of a fitted [`PolytopeModel`](crate::mpc::PolytopeModel) (MPC paper §4.2): each
//! cluster's polytope (built with redundant half-spaces removed, see
//! `crate::mpc::finalize`) rendered as rules a person reads (original units
//! where a condition involves one feature), as JSON, and as one SQL
//! `CASE WHEN … END` expression over the original columns.

mod dialect;
mod geometry;
mod pieces;
mod render;
mod size;
mod sql;

pub use geometry::boundary_segment;
pub(crate) use render::halfspace_text;
#[cfg(feature = "report")]
pub(crate) use render::scaling_notes;
pub use render::{rules_json, rules_text};
pub use size::{explanation_size, rule_pieces, ExplanationSize, RulePiece};
pub use sql::{output_column, rules_sql, select_sql, select_sql_as, Dialect};
