//! The fixed subsamples of the rows on which directions are ranked (above
//! [`SAMPLE_ABOVE`] rows) or screened (from [`SCREEN_SAMPLE_FROM`] rows up
//! to it) before the sweeps on every row.

use super::partition::{Partition, PartitionData};
use super::tuning::{sample_size, SAMPLE_ABOVE, SCREEN_SAMPLE_FROM};
use crate::metrics::Distances;
use ndarray::{Array2, ArrayView2};
use std::sync::Mutex;

/// What the objective reads on a sample: its distances (silhouette) or its
/// rows (k-means cost).
enum SampleData {
    Distances(Distances),
    Rows(Array2<f64>),
}

/// A fixed subsample of the rows, with its own distances (or rows).
pub(super) struct Sample {
    pub(super) rows: Vec<usize>,
    /// Full row → sample position.
    pub(super) position: Vec<Option<usize>>,
    data: SampleData,
    /// The sample's state for the last labels asked for, with its slot
    /// count: most examined moves are rejected, so the next boundary sweeps
    /// from the same labels and the O(s²) build is skipped (the state is the
    /// one a fresh build gives, bit for bit).
    last_state: Mutex<Option<Partition>>,
}

impl Sample {
    /// The subsample on which directions are ranked, above [`SAMPLE_ABOVE`]
    /// rows.
    pub(super) fn new(x: ArrayView2<f64>, distances: bool) -> Option<Self> {
        let n = x.nrows();
        (n > SAMPLE_ABOVE).then(|| Self::of_size(x, sample_size(n), distances))
    }

    /// The subsample on which the screening sweeps run when the ranking
    /// runs on every row (n at most [`SAMPLE_ABOVE`]): every other row, from
    /// [`SCREEN_SAMPLE_FROM`] rows on.
    pub(super) fn for_screening(x: ArrayView2<f64>, distances: bool) -> Option<Self> {
        let n = x.nrows();
        (SCREEN_SAMPLE_FROM..=SAMPLE_ABOVE)
            .contains(&n)
            .then(|| Self::of_size(x, n / 2, distances))
    }

    /// `size` rows of `x`, with their distances when `distances` (the
    /// silhouette's) or their values (the k-means cost's).
    fn of_size(x: ArrayView2<f64>, size: usize, distances: bool) -> Self {
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
            data: if distances {
                SampleData::Distances(Distances::new(sub.view()))
            } else {
                SampleData::Rows(sub)
            },
            last_state: Mutex::new(None),
        }
    }

    /// What moving the sample's rows reads.
    pub(super) fn data(&self) -> PartitionData<'_> {
        match &self.data {
            SampleData::Distances(dist) => PartitionData::Silhouette(dist),
            SampleData::Rows(x) => PartitionData::KMeans(x.view()),
        }
    }

    /// The partition of the sample rows under the labels of `state` (same
    /// slots).
    pub(super) fn state_of(&self, state: &Partition) -> Partition {
        let labels: Vec<usize> = self.rows.iter().map(|&t| state.labels()[t]).collect();
        let mut last = self.last_state.lock().unwrap_or_else(|e| e.into_inner());
        match last.as_ref() {
            Some(cached) if cached.slots() == state.slots() && cached.labels() == labels => {
                cached.clone()
            }
            _ => {
                let fresh = self.data().partition(&labels, state.slots());
                *last = Some(fresh.clone());
                fresh
            }
        }
    }
}
