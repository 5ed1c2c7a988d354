//! # polyclust
//!
//! Interpretable clustering with polytopes: Multi-Polytope Clustering (MPC;
//! Lawless, Kalagnanam, Nguyen, Phan and Reddy, "Interpretable Clustering via
//! Multi-Polytope Machines", AAAI 2022), where every cluster is explained by
//! the intersection of half-spaces with small integer coefficients.
//!
//! ```
//! use polyclust::{data, explain, metrics, mpc, ExplanationSpace, MpcParams, Preset};
//!
//! let ds = data::gaussian_blobs(300, 2, 3, 0.3, 7).into_dataset();
//! let space = ExplanationSpace::identity(ds.d());
//! // MPC-1: axis-parallel polytopes, three initial clusters, seed 1.
//! let params = MpcParams::new(3)
//!     .preset(Preset::Mpc1)
//!     .seed(1)
//!     .check(ds.x.view(), space.dim())
//!     .unwrap();
//! let fit = mpc::fit(ds.x.view(), &ds.map, space, &params, &()).unwrap();
//! assert_eq!(fit.fidelity, 1.0);
//! assert!(fit.silhouette.unwrap() > 0.7);
//! // The rules decide every row as the fit did.
//! assert_eq!(fit.model.assign(ds.x.view()).0, fit.labels);
//! println!("{}", explain::rules_text(&fit.model));
//! # let _ = metrics::silhouette(ds.x.view(), &fit.labels).unwrap();
//! ```
//!
//! The command line (`polyclust`) is built with the default `cli` feature;
//! a library user can depend on the crate with `default-features = false`.
#![deny(missing_docs)]
// `unsafe` is allowed in one module only, `metrics::vector`: the measured hot
// loops of the search run compiled for the CPU's widest vectors, chosen at
// run time.
#![deny(unsafe_code)]

pub mod assign;
pub mod data;
pub mod explain;
pub mod hyperplane;
pub mod ibc;
pub mod interactions;
pub mod job;
pub mod kmeans;
pub mod metrics;
pub mod mpc;
pub mod params;
pub mod predict;
pub mod price;
pub mod protocol;
#[cfg(feature = "report")]
pub mod report;

// The types a library user needs, at the crate root; the modules hold the rest.
pub use data::{load_csv, DataError, Dataset, LoadOptions};
pub use explain::{rules_sql, rules_text, Dialect};
pub use hyperplane::{
    Backend, Coefficients, Hyperplane, HyperplaneParams, HyperplaneProblem, SolveOptions,
    SolveOutcome, SolveStatus,
};
pub use job::{ClusterOutcome, ClusterReport, ClusterSpec};
pub use kmeans::KMeansParams;
pub use metrics::silhouette;
pub use mpc::{ExplanationSpace, MpcError, MpcFit, MpcParams, Objective, PolytopeModel, Preset};
pub use params::ParamsError;
