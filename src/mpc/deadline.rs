//! The wall-clock budget of a run.

use std::time::{Duration, Instant};

/// When a run started and how long it may take. Every step of a run that
/// can last long checks it: the distance matrix row by row, the k-means
/// restarts, Algorithm 1 after every assignment, every hyperplane solve
/// (enumeration stops at it with its best direction so far, a MILP gets at
/// most the time that remains: [`super::ValidMpcParams::solve_options`]),
/// Algorithm 2 before every move and every direction it sweeps; a run past
/// it skips the search and the exact silhouette, so it ends with a model
/// shortly after its limit.
#[derive(Debug, Clone, Copy)]
pub struct Deadline {
    start: Instant,
    limit: Option<f64>,
}

impl Deadline {
    /// A budget of `limit` seconds from now (`None`: unlimited).
    pub fn after(limit: Option<f64>) -> Self {
        Self {
            start: Instant::now(),
            limit,
        }
    }

    /// A budget of `limit` seconds from now that also ends with `outer` (a
    /// run inside a protocol with an overall budget).
    pub fn within(outer: Option<&Deadline>, limit: Option<f64>) -> Self {
        let outer = outer.and_then(Deadline::remaining);
        let limit = match (limit, outer) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        Self::after(limit)
    }

    /// Seconds since the start.
    pub fn elapsed(&self) -> f64 {
        self.start.elapsed().as_secs_f64()
    }

    /// Seconds left (`None`: unlimited; never negative).
    pub fn remaining(&self) -> Option<f64> {
        self.limit.map(|t| (t - self.elapsed()).max(0.0))
    }

    /// Whether the budget is used up.
    pub fn expired(&self) -> bool {
        self.limit.is_some_and(|t| self.elapsed() > t)
    }

    /// The instant the budget ends (`None`: unlimited, or later than an
    /// `Instant` can hold).
    pub fn end(&self) -> Option<Instant> {
        let limit = Duration::try_from_secs_f64(self.limit?).ok()?;
        self.start.checked_add(limit)
    }
}
