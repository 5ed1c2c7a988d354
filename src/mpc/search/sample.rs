//! The fixed subsamples of the rows on which directions are ranked (above
//! [`SAMPLE_ABOVE`] rows) or screened (from [`SCREEN_SAMPLE_FROM`] rows up
//! to it) before the sweeps on every row.

use super::tuning::{sample_size, SAMPLE_ABOVE, SCREEN_SAMPLE_FROM};
use crate::metrics::{Distances, SilhouetteState};
use ndarray::ArrayView2;
use std::sync::Mutex;

/// A fixed subsample of the rows, with its own distances.
pub(super) struct Sample {
    pub(super) rows: Vec<usize>,
    /// Full row → sample position.
    pub(super) position: Vec<Option<usize>>,
    pub(super) dist: Distances,
    /// The sample's state for the last labels asked for, with its slot
    /// count: most examined moves are rejected, so the next boundary sweeps
    /// from the same labels and the O(s²) build is skipped (the state is the
    /// one a fresh build gives, bit for bit).
    last_state: Mutex<Option<SilhouetteState>>,
}

impl Sample {
    /// The subsample on which directions are ranked, above [`SAMPLE_ABOVE`]
    /// rows.
    pub(super) fn new(x: ArrayView2<f64>) -> Option<Self> {
        let n = x.nrows();
        (n > SAMPLE_ABOVE).then(|| Self::of_size(x, sample_size(n)))
    }

    /// The subsample on which the screening sweeps run when the ranking
    /// runs on every row (n at most [`SAMPLE_ABOVE`]): every other row, from
    /// [`SCREEN_SAMPLE_FROM`] rows on.
    pub(super) fn for_screening(x: ArrayView2<f64>) -> Option<Self> {
        let n = x.nrows();
        (SCREEN_SAMPLE_FROM..=SAMPLE_ABOVE)
            .contains(&n)
            .then(|| Self::of_size(x, n / 2))
    }

    fn of_size(x: ArrayView2<f64>, size: usize) -> Self {
        let n = x.nrows();
        // Evenly spaced rows: deterministic and spread over the file order.
        let rows: Vec<usize> = (0..size).map(|s| s * n / size).collect();
        let mut position = vec![None; n];
        rows.iter()
            .enumerate()
            .for_each(|(p, &t)| position[t] = Some(p));
        let sub = x.select(ndarray::Axis(0), &rows);
        Self {
            rows,
            position,
            dist: Distances::new(sub.view()),
            last_state: Mutex::new(None),
        }
    }

    /// The silhouette state of the sample rows under the labels of `state`
    /// (same slots).
    pub(super) fn state_of(&self, state: &SilhouetteState) -> SilhouetteState {
        let labels: Vec<usize> = self.rows.iter().map(|&t| state.labels()[t]).collect();
        let mut last = self.last_state.lock().unwrap_or_else(|e| e.into_inner());
        match last.as_ref() {
            Some(cached) if cached.slots() == state.slots() && cached.labels() == labels => {
                cached.clone()
            }
            _ => {
                let fresh = SilhouetteState::new(&self.dist, &labels, state.slots());
                *last = Some(fresh.clone());
                fresh
            }
        }
    }
}
