//! The silhouette of a clustering and of each of its clusters, as a fit
//! reports them.

use super::distances::Distances;
use super::error::MetricsError;
use super::exact::{silhouette_labels, silhouette_samples_until, silhouette_samples_with};
use ndarray::ArrayView2;

/// The silhouette of a clustering and of each of its clusters.
#[derive(Debug, Clone, PartialEq)]
pub struct ClusterQuality {
    /// Mean silhouette over every row (`None` when it is undefined: fewer
    /// than two clusters, or as many clusters as rows).
    pub silhouette: Option<f64>,
    /// Rows of each cluster id `0..k`.
    pub sizes: Vec<usize>,
    /// Mean silhouette of each cluster's rows (`None` for an empty cluster
    /// or when the silhouette is undefined).
    pub cluster_silhouettes: Vec<Option<f64>>,
}

/// [`silhouette`](super::silhouette) and the per-cluster means of [`silhouette_samples`](super::silhouette_samples) for
/// labels in `0..k`, in one O(n²·d) pass.
pub fn cluster_quality(x: ArrayView2<f64>, labels: &[usize], k: usize) -> ClusterQuality {
    cluster_quality_until(x, labels, k, &|| false).expect("a computation that never stops ends")
}

/// [`cluster_quality`], abandoned (`None`) when `stop` says so before every
/// row is scored (see [`silhouette_samples_until`]).
pub(crate) fn cluster_quality_until(
    x: ArrayView2<f64>,
    labels: &[usize],
    k: usize,
    stop: &(dyn Fn() -> bool + Sync),
) -> Option<ClusterQuality> {
    match silhouette_samples_until(x, labels, stop) {
        Ok(None) => None,
        Ok(Some(samples)) => Some(quality_from(Ok(samples), labels, k)),
        Err(e) => Some(quality_from(Err(e), labels, k)),
    }
}

/// [`cluster_quality`] from precomputed distances of the same rows, in O(n²)
/// when the matrix is held instead of O(n²·d); the matrix holds distances
/// to 16 bits, so the values are estimates (see
/// [`Distances::ESTIMATE_MARGIN`]).
pub fn cluster_quality_with(distances: &Distances, labels: &[usize], k: usize) -> ClusterQuality {
    quality_from(silhouette_samples_with(distances, labels), labels, k)
}

/// [`cluster_quality`] from every row's silhouette (`samples`, one per
/// label), as an incremental state holds them.
pub(crate) fn cluster_quality_from_samples(
    samples: Vec<f64>,
    labels: &[usize],
    k: usize,
) -> ClusterQuality {
    let defined = silhouette_labels(labels.len(), labels).map(|_| samples);
    quality_from(defined, labels, k)
}

fn quality_from(
    samples: Result<Vec<f64>, MetricsError>,
    labels: &[usize],
    k: usize,
) -> ClusterQuality {
    let mut sizes = vec![0usize; k];
    labels.iter().for_each(|&l| sizes[l] += 1);
    let Ok(samples) = samples else {
        return ClusterQuality {
            silhouette: None,
            sizes,
            cluster_silhouettes: vec![None; k],
        };
    };
    let mut sums = vec![0.0; k];
    for (&l, &s) in labels.iter().zip(&samples) {
        sums[l] += s;
    }
    ClusterQuality {
        silhouette: Some(samples.iter().sum::<f64>() / samples.len() as f64),
        cluster_silhouettes: sums
            .iter()
            .zip(&sizes)
            .map(|(&sum, &m)| (m > 0).then(|| sum / m as f64))
            .collect(),
        sizes,
    }
}
