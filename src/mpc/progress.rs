//! How a run reports: why a loop stopped, and progress to an observer.

use serde::Serialize;

/// Why an iterative loop stopped. A status, not an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    /// The objective stopped improving.
    Converged,
    /// The iteration cap was reached.
    IterationLimit,
    /// The time limit was reached.
    TimeLimit,
}

impl RunStatus {
    /// Name used in output.
    pub fn name(self) -> &'static str {
        match self {
            RunStatus::Converged => "converged",
            RunStatus::IterationLimit => "iteration_limit",
            RunStatus::TimeLimit => "time_limit",
        }
    }
}

impl std::fmt::Display for RunStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A progress report from a running algorithm.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    /// Which stage.
    pub stage: &'static str,
    /// Iteration within the stage.
    pub iteration: usize,
    /// Current loss.
    pub loss: f64,
    /// Rows of the smallest cluster now.
    pub smallest_cluster: usize,
    /// Rows by which the clusters are outside the cardinality bounds (15)
    /// now (0 without bounds). Algorithm 2 never increases it.
    pub violation: usize,
}

impl Progress {
    /// A report that a phase without iterations begins.
    pub fn phase(stage: &'static str) -> Self {
        Self {
            stage,
            iteration: 0,
            loss: f64::NAN,
            smallest_cluster: 0,
            violation: 0,
        }
    }
}

/// Receives progress reports (progress bars, logs).
pub trait Observer: Sync {
    /// Called after each iteration of a stage.
    fn progress(&self, _p: Progress) {}
}

impl Observer for () {}
