//! The paper's benchmark (MPC paper §4.1 and Appendices B–D): k-means++,
//! MPC-1 and MPC-2 under the paper's protocol — every k in 2..10, several
//! seeds per k, the best silhouette kept — on the FCPS and UCI instances,
//! reported beside the paper's Tables 1–4 ([`paper`]).
//!
//! The protocol is deterministic: runs go in (k, seed) order and ties keep the
//! first run, so a row depends only on the data, the settings and the seeds.

mod method;
mod paper;
mod report;
mod run;

pub(crate) use method::{BenchRow, BenchSettings, Method};
pub(crate) use report::{format_seconds, to_csv, to_markdown};
pub(crate) use run::{run_method, runs_per_method};
