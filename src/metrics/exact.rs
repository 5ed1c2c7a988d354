//! The exact silhouette (MPC paper Definition 1), equal to scikit-learn's
//! `silhouette_score` with the Euclidean metric: from the rows in O(n²·d),
//! or from precomputed distances.

use super::coefficient::coefficient;
use super::distance::euclidean;
use super::distances::{sums_by_label, Distances};
use super::error::MetricsError;
use super::labels::compact_labels;
use ndarray::ArrayView2;
use rayon::prelude::*;

/// Silhouette of every point from the per-cluster distance sums
/// `sums[t*k + c] = Σ_{u∈C_c} d(t,u)`: s(t) = (q − r) / max(q, r), with
/// s(t) = 0 when t's cluster is a singleton (scikit-learn's convention).
#[inline]
pub(crate) fn point_silhouette(sums: &[f64], sizes: &[usize], own: usize) -> f64 {
    let size = sizes[own];
    if size <= 1 {
        return 0.0;
    }
    let r = sums[own] / (size - 1) as f64;
    let mut q = f64::INFINITY;
    for (c, (&s, &m)) in sums.iter().zip(sizes).enumerate() {
        if c != own && m > 0 {
            q = q.min(s / m as f64);
        }
    }
    coefficient::<f64>(r, q)
}

/// Labels of `n` rows as ids `0..k` with the cluster sizes, when the
/// silhouette is defined for them (one label per row, 2 ≤ k ≤ n − 1).
pub(super) fn silhouette_labels(
    n: usize,
    labels: &[usize],
) -> Result<(Vec<usize>, usize, Vec<usize>), MetricsError> {
    if labels.len() != n {
        return Err(MetricsError::Length {
            labels: labels.len(),
            n,
        });
    }
    let (labels, k) = compact_labels(labels);
    if k < 2 || k >= n {
        return Err(MetricsError::ClusterCount { clusters: k, n });
    }
    let mut sizes = vec![0usize; k];
    for &l in &labels {
        sizes[l] += 1;
    }
    Ok((labels, k, sizes))
}

/// Silhouette of each point (Euclidean), computed exactly in O(n²·d) and in
/// parallel over points. Labels may be any ids; equal ids share a cluster.
pub fn silhouette_samples(x: ArrayView2<f64>, labels: &[usize]) -> Result<Vec<f64>, MetricsError> {
    silhouette_samples_until(x, labels, &|| false)
        .map(|samples| samples.expect("a computation that never stops ends"))
}

/// [`silhouette_samples`], abandoned (`Ok(None)`) when `stop` says so (a
/// run's deadline has passed) before every point is scored; it is asked
/// before each point, an O(n·d) step.
pub(crate) fn silhouette_samples_until(
    x: ArrayView2<f64>,
    labels: &[usize],
    stop: &(dyn Fn() -> bool + Sync),
) -> Result<Option<Vec<f64>>, MetricsError> {
    let n = x.nrows();
    let (labels, k, sizes) = silhouette_labels(n, labels)?;
    let x = x.as_standard_layout();
    let d = x.ncols();
    let flat = x.as_slice().expect("standard layout");
    Ok((0..n)
        .into_par_iter()
        .map_init(
            || (vec![0.0f64; k], vec![0.0f64; 4 * k], vec![0.0f64; n]),
            |(sums, acc, row), t| {
                if stop() {
                    return None;
                }
                let a = &flat[t * d..(t + 1) * d];
                for (u, dist) in row.iter_mut().enumerate() {
                    *dist = euclidean(a, &flat[u * d..(u + 1) * d]);
                }
                sums_by_label(row, &labels, acc, sums);
                Some(point_silhouette(sums, &sizes, labels[t]))
            },
        )
        .collect())
}

/// Mean silhouette coefficient (MPC paper Definition 1), equal to
/// scikit-learn's `silhouette_score` with the Euclidean metric.
pub fn silhouette(x: ArrayView2<f64>, labels: &[usize]) -> Result<f64, MetricsError> {
    let s = silhouette_samples(x, labels)?;
    Ok(s.iter().sum::<f64>() / s.len() as f64)
}

/// [`silhouette_samples`] from precomputed distances.
pub fn silhouette_samples_with(
    distances: &Distances,
    labels: &[usize],
) -> Result<Vec<f64>, MetricsError> {
    let n = distances.n();
    let (labels, k, sizes) = silhouette_labels(n, labels)?;
    let columns = distances.sums_by_label_all(&labels, k);
    Ok((0..n)
        .into_par_iter()
        .map_init(
            || vec![0.0f64; k],
            |sums, t| {
                for (s, column) in sums.iter_mut().zip(&columns) {
                    *s = column[t];
                }
                point_silhouette(sums, &sizes, labels[t])
            },
        )
        .collect())
}
#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn silhouette_of_two_pairs() {
        let x = array![[0.0], [1.0], [10.0], [11.0]];
        // r = 1, q = mean(10, 11) = 10.5 for point 0 → s = 9.5/10.5
        let s = silhouette_samples(x.view(), &[0, 0, 1, 1]).unwrap();
        assert!((s[0] - 9.5 / 10.5).abs() < 1e-12, "{}", s[0]);
        let score = silhouette(x.view(), &[5, 5, 9, 9]).unwrap();
        assert!(score > 0.85);
    }

    #[test]
    fn singleton_scores_zero() {
        let x = array![[0.0], [1.0], [10.0]];
        let s = silhouette_samples(x.view(), &[0, 0, 1]).unwrap();
        assert_eq!(s[2], 0.0);
    }

    #[test]
    fn silhouette_rejects_one_cluster() {
        let x = array![[0.0], [1.0]];
        assert!(silhouette(x.view(), &[0, 0]).is_err());
    }
}
