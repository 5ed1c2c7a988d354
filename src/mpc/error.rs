//! The errors of an MPC run.

use crate::assign::AssignError;
use crate::hyperplane::SolveError;
use crate::params::ParamsError;
use thiserror::Error;

/// Errors of an MPC run.
#[derive(Debug, Error)]
pub enum MpcError {
    /// Invalid parameters.
    #[error(transparent)]
    Params(#[from] ParamsError),
    /// A hyperplane problem failed.
    #[error(transparent)]
    Solve(#[from] SolveError),
    /// The assignment problem failed.
    #[error(transparent)]
    Assign(#[from] AssignError),
    /// Interaction screening for the explanation space failed.
    #[error(transparent)]
    Screening(#[from] crate::interactions::InteractionError),
}
