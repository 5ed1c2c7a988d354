//! polyclust: interpretable clustering with polytopes (Multi-Polytope Clustering).
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod hyperplane;

pub use hyperplane::{
    objective, solve, write_lp, write_mps, Backend, Coefficients, Hyperplane, HyperplaneParams,
    HyperplaneProblem, SolveOptions, SolveOutcome, SolveStatus,
};
