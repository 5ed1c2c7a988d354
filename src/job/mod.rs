//! A clustering job described once: [`ClusterSpec`] holds every
//! user-facing setting with its default and checks, [`ClusterSpec::run`]
//! runs it (or [`ClusterSpec::explain`] explains given clusters), and
//! [`ClusterOutcome::report`] gives its figures. The command line and the
//! Python package each convert their own arguments into a `ClusterSpec` in
//! one place and add nothing to the job.

mod report;
mod run;
mod spec;

pub use report::{ClusterReport, PerK};
pub use run::{ClusterOutcome, Hooks, ScreenAgainst};
pub use spec::ClusterSpec;
