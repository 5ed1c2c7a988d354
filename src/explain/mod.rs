//! Explanations of a fitted [`PolytopeModel`] (MPC paper §4.2): each
//! cluster's polytope with redundant half-spaces removed, rendered as rules a
//! person reads (original units where a condition involves one feature), as
//! JSON, and as one SQL `CASE WHEN … END` expression over the original columns.

mod redundancy;
mod render;
mod sql;

pub use redundancy::remove_redundant;
pub use render::{halfspace_text, rules_json, rules_text, z_feature_name};
pub use sql::{rules_sql, select_sql, Dialect};

use crate::mpc::PolytopeModel;
