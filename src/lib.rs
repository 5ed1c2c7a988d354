//! polyclust: interpretable clustering with polytopes (Multi-Polytope Clustering).
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod hyperplane;

pub use hyperplane::{
    Backend, Coefficients, Hyperplane, HyperplaneParams, HyperplaneProblem, SolveOptions,
    SolveOutcome, SolveStatus,
};
