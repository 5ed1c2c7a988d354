//! Explanations of a fitted [`PolytopeModel`] (MPC paper §4.2): each
//! cluster's polytope (built with redundant half-spaces removed, see
//! [`crate::mpc::finalize`]) rendered as rules a person reads (original units
//! where a condition involves one feature), as JSON, and as one SQL
//! `CASE WHEN … END` expression over the original columns.

mod geometry;
mod render;
mod sql;

pub use geometry::boundary_segment;
pub use render::{halfspace_text, rules_json, rules_text, z_feature_name};
pub use sql::{output_column, rules_sql, select_sql, select_sql_as, Dialect};

use crate::mpc::PolytopeModel;
