//! # polyclust
//!
//! Interpretable clustering with polytopes: Multi-Polytope Clustering (MPC,
//! Lawless and Günlük, AAAI 2022), where every cluster is explained by the
//! intersection of half-spaces with small integer coefficients.
//!
//! ```
//! use polyclust::{data, kmeans, metrics};
//!
//! let ds = data::gaussian_blobs(300, 2, 3, 0.3, 7).into_dataset();
//! let params = kmeans::KMeansParams::new(3).seed(1).check(ds.x.view()).unwrap();
//! let fit = kmeans::fit(ds.x.view(), &params);
//! let s = metrics::silhouette(ds.x.view(), &fit.labels).unwrap();
//! assert!(s > 0.7);
//! ```
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod assign;
pub mod benchmark;
pub mod data;
pub mod explain;
pub mod hyperplane;
pub mod ibc;
pub mod interactions;
pub mod kmeans;
pub mod metrics;
pub mod mpc;
pub mod params;

pub use hyperplane::{
    Backend, Coefficients, Hyperplane, HyperplaneParams, HyperplaneProblem, SolveOptions,
    SolveOutcome, SolveStatus,
};
