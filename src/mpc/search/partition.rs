//! The labels of Algorithm 2's rows with the incremental statistics of the
//! objective it minimises: the silhouette (the MPC paper's, from every row's
//! distance sums per cluster, O(n) per moved row) or the k-means cost (from
//! every cluster's sum of rows, O(d) per moved row). The sweeps, moves and
//! the driver see one [`Partition`]; only its objective part differs.

use crate::metrics::{Distances, KMeansFrame, KMeansState, SilhouetteState, SweepFrame};
use ndarray::ArrayView2;

/// What moving rows reads: the rows' distances (silhouette) or the rows
/// themselves in the clustering space (k-means cost).
#[derive(Clone, Copy)]
pub(super) enum PartitionData<'a> {
    Silhouette(&'a Distances),
    KMeans(ArrayView2<'a, f64>),
}

impl PartitionData<'_> {
    /// The partition of `labels` (each in `0..k`): O(n²) for the
    /// silhouette (one pass over the matrix), O(n·d) for the k-means cost.
    pub(super) fn partition(&self, labels: &[usize], k: usize) -> Partition {
        match *self {
            PartitionData::Silhouette(dist) => {
                Partition::Silhouette(SilhouetteState::new(dist, labels, k))
            }
            PartitionData::KMeans(x) => Partition::KMeans(KMeansState::new(x, labels, k)),
        }
    }
}

/// Labels and the objective's incremental statistics.
#[derive(Debug)]
pub(super) enum Partition {
    Silhouette(SilhouetteState),
    KMeans(KMeansState),
}

/// What the evaluations of one sweep share (see [`Partition::frame`]).
pub(super) enum PartitionFrame {
    Silhouette(SweepFrame),
    KMeans(KMeansFrame),
}

impl Clone for Partition {
    fn clone(&self) -> Self {
        match self {
            Partition::Silhouette(s) => Partition::Silhouette(s.clone()),
            Partition::KMeans(s) => Partition::KMeans(s.clone()),
        }
    }

    /// Into the existing allocations when both are of one objective: a
    /// sweep copies the state it starts from once per direction.
    fn clone_from(&mut self, source: &Self) {
        match (self, source) {
            (Partition::Silhouette(a), Partition::Silhouette(b)) => a.clone_from(b),
            (Partition::KMeans(a), Partition::KMeans(b)) => a.clone_from(b),
            (this, source) => *this = source.clone(),
        }
    }
}

impl Partition {
    /// Every row's slot.
    pub(super) fn labels(&self) -> &[usize] {
        match self {
            Partition::Silhouette(s) => s.labels(),
            Partition::KMeans(s) => s.labels(),
        }
    }

    /// Rows of every slot.
    pub(super) fn sizes(&self) -> &[usize] {
        match self {
            Partition::Silhouette(s) => s.sizes(),
            Partition::KMeans(s) => s.sizes(),
        }
    }

    /// Slots, empty or not.
    pub(super) fn slots(&self) -> usize {
        match self {
            Partition::Silhouette(s) => s.slots(),
            Partition::KMeans(s) => s.slots(),
        }
    }

    /// Non-empty clusters.
    pub(super) fn clusters(&self) -> usize {
        match self {
            Partition::Silhouette(s) => s.clusters(),
            Partition::KMeans(s) => s.clusters(),
        }
    }

    /// Add an empty slot and return its index.
    pub(super) fn add_slot(&mut self) -> usize {
        match self {
            Partition::Silhouette(s) => s.add_slot(),
            Partition::KMeans(s) => s.add_slot(),
        }
    }

    /// Move rows (row, new slot), reading `data` (the data the partition
    /// was built from).
    pub(super) fn move_points(&mut self, data: PartitionData, moves: &[(usize, usize)]) {
        match (self, data) {
            (Partition::Silhouette(s), PartitionData::Silhouette(dist)) => {
                s.move_points(dist, moves)
            }
            (Partition::KMeans(s), PartitionData::KMeans(x)) => s.move_points(x, moves),
            _ => unreachable!("a partition moves with the data of its own objective"),
        }
    }

    /// What every evaluation of a sweep among the slots of `affected`
    /// shares.
    pub(super) fn frame(&self, affected: &[usize]) -> PartitionFrame {
        match self {
            Partition::Silhouette(s) => PartitionFrame::Silhouette(s.sweep_frame(affected)),
            Partition::KMeans(s) => PartitionFrame::KMeans(s.frame(affected)),
        }
    }

    /// The objective's part of the loss (lower is better): −silhouette, or
    /// the k-means cost as a share of the total sum of squares.
    pub(super) fn objective_loss(&self) -> f64 {
        match self {
            Partition::Silhouette(s) => -s.silhouette(),
            Partition::KMeans(s) => s.cost_share(),
        }
    }

    /// [`Self::objective_loss`] when rows moved only among the affected
    /// slots of `frame` since it was made: O(n·|affected|) for the
    /// silhouette, O(|affected|·d) for the k-means cost.
    pub(super) fn objective_loss_within(&self, frame: &PartitionFrame) -> f64 {
        match (self, frame) {
            (Partition::Silhouette(s), PartitionFrame::Silhouette(f)) => -s.silhouette_within(f),
            (Partition::KMeans(s), PartitionFrame::KMeans(f)) => s.cost_share_within(f),
            _ => unreachable!("a frame is made by a partition of the same objective"),
        }
    }

    /// [`Self::objective_loss`] with slot `b` merged into `a`.
    pub(super) fn objective_loss_merged(&self, a: usize, b: usize) -> f64 {
        match self {
            Partition::Silhouette(s) => -s.silhouette_merged(a, b),
            Partition::KMeans(s) => s.cost_share_merged(a, b),
        }
    }

    /// Row `t`'s silhouette, when the partition holds it.
    pub(super) fn point_silhouette(&self, t: usize) -> Option<f64> {
        match self {
            Partition::Silhouette(s) => Some(s.point(t)),
            Partition::KMeans(_) => None,
        }
    }
}
