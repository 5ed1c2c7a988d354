//! Cluster quality: exact silhouette (MPC paper Definition 1), its incremental
//! state for local search, the k-means objective and the adjusted Rand index.

mod agreement;
mod incremental;
mod price;
pub(crate) mod vector;

pub use agreement::{normalized_clustering_accuracy, Confusion};
pub use price::{
    kmeans_cost, price_of_explainability, KMeansReference, PRICE_RESTARTS, PRICE_SEED,
};

pub use incremental::{Distances, SilhouetteState, SweepFrame};

use ndarray::ArrayView2;
use rayon::prelude::*;
use thiserror::Error;

/// A clustering the metric is not defined for.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum MetricsError {
    /// Silhouette needs 2 ≤ number of clusters ≤ n − 1.
    #[error(
        "silhouette needs between 2 and n - 1 clusters, got {clusters} clusters for n = {n} points"
    )]
    ClusterCount {
        /// Clusters present.
        clusters: usize,
        /// Points.
        n: usize,
    },
    /// Labels and data disagree in length.
    #[error("{labels} labels for {n} points")]
    Length {
        /// Labels given.
        labels: usize,
        /// Points.
        n: usize,
    },
    /// A sampled silhouette's settings that cannot work.
    #[error("invalid {field}: {reason}")]
    Sampling {
        /// `sample-size` or `repeats`.
        field: &'static str,
        /// What is wrong and what is allowed.
        reason: String,
    },
    /// A sample drew rows of a single cluster.
    #[error("sample {repeat} of {sample_size} rows holds a single cluster, so its silhouette is undefined; draw a larger sample")]
    SampleOneCluster {
        /// 1-based sample.
        repeat: usize,
        /// Rows of the sample.
        sample_size: usize,
    },
}

/// Euclidean distance between two equal-length slices.
#[inline]
pub fn euclidean(a: &[f64], b: &[f64]) -> f64 {
    squared_euclidean(a, b).sqrt()
}

/// Squared Euclidean distance between two equal-length slices.
///
/// Four independent accumulators let the compiler vectorise the loop (a plain
/// iterator sum is evaluated strictly in order and stays scalar); this is the
/// inner loop of every exact silhouette and measured about 3× faster on spam.
#[inline]
pub fn squared_euclidean(a: &[f64], b: &[f64]) -> f64 {
    debug_assert_eq!(a.len(), b.len());
    let mut acc = [0.0f64; 4];
    let chunks_a = a.chunks_exact(4);
    let chunks_b = b.chunks_exact(4);
    let (rest_a, rest_b) = (chunks_a.remainder(), chunks_b.remainder());
    for (ca, cb) in chunks_a.zip(chunks_b) {
        for l in 0..4 {
            let diff = ca[l] - cb[l];
            acc[l] += diff * diff;
        }
    }
    let mut total = (acc[0] + acc[1]) + (acc[2] + acc[3]);
    for (x, y) in rest_a.iter().zip(rest_b) {
        total += (x - y) * (x - y);
    }
    total
}

/// Relabel arbitrary ids as 0..K in order of first appearance.
pub fn compact_labels(labels: &[usize]) -> (Vec<usize>, usize) {
    let mut map = std::collections::HashMap::new();
    let out = labels
        .iter()
        .map(|l| {
            let next = map.len();
            *map.entry(*l).or_insert(next)
        })
        .collect();
    (out, map.len())
}

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
    if !q.is_finite() {
        return 0.0;
    }
    let denom = q.max(r);
    if denom > 0.0 {
        (q - r) / denom
    } else {
        0.0
    }
}

/// Labels of `n` rows as ids `0..k` with the cluster sizes, when the
/// silhouette is defined for them (one label per row, 2 ≤ k ≤ n − 1).
fn silhouette_labels(
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
                let a = &flat[t * d..(t + 1) * d];
                for (u, dist) in row.iter_mut().enumerate() {
                    *dist = euclidean(a, &flat[u * d..(u + 1) * d]);
                }
                incremental::sums_by_label(row, &labels, acc, sums);
                point_silhouette(sums, &sizes, labels[t])
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

/// A silhouette computed exactly or estimated from samples
/// ([`silhouette_sampled`]).
#[derive(Debug, Clone, PartialEq)]
pub struct SilhouetteEstimate {
    /// The silhouette, or the mean of the samples' silhouettes.
    pub value: f64,
    /// Standard error of `value`: the samples' standard deviation over
    /// √repeats; 0 when exact; `None` from a single sample.
    pub standard_error: Option<f64>,
    /// Whether `value` is the exact silhouette of every row.
    pub exact: bool,
    /// Rows of each sample (n when exact).
    pub sample_size: usize,
    /// Samples drawn (1 when exact).
    pub repeats: usize,
}

/// Mean silhouette estimated from samples, for data too large for the exact
/// O(n²·d) [`silhouette`]: exact when n ≤ `sample_size`; otherwise the mean
/// over `repeats` samples of `sample_size` rows, each drawn without
/// replacement (as scikit-learn's `silhouette_score(sample_size=…)` draws
/// one), of the exact silhouette of the sample (distances within the
/// sample), with standard error sd/√repeats (sd: the samples' standard
/// deviation, n − 1 in the denominator).
///
/// Time O(repeats · sample_size² · d), memory O(sample_size · (d + k)) (no
/// n×n or sample×sample structure). The samples are drawn from one
/// ChaCha8 stream seeded by `seed`, one after another, so the estimate is
/// the same for a seed whatever the number of threads.
pub fn silhouette_sampled(
    x: ArrayView2<f64>,
    labels: &[usize],
    sample_size: usize,
    repeats: usize,
    seed: u64,
) -> Result<SilhouetteEstimate, MetricsError> {
    let n = x.nrows();
    if labels.len() != n {
        return Err(MetricsError::Length {
            labels: labels.len(),
            n,
        });
    }
    if repeats == 0 {
        return Err(MetricsError::Sampling {
            field: "repeats",
            reason: "0; at least one sample is needed".into(),
        });
    }
    if n <= sample_size {
        return Ok(SilhouetteEstimate {
            value: silhouette(x, labels)?,
            standard_error: Some(0.0),
            exact: true,
            sample_size: n,
            repeats: 1,
        });
    }
    let (_, k) = compact_labels(labels);
    if k < 2 || k >= n {
        return Err(MetricsError::ClusterCount { clusters: k, n });
    }
    if sample_size < 3 {
        return Err(MetricsError::Sampling {
            field: "sample-size",
            reason: format!(
                "{sample_size}; a sample needs at least 3 rows (two clusters, one of two rows)"
            ),
        });
    }
    use rand::SeedableRng;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let d = x.ncols();
    let mut values = Vec::with_capacity(repeats);
    let mut sample = ndarray::Array2::<f64>::zeros((sample_size, d));
    let mut sample_labels = vec![0usize; sample_size];
    for repeat in 0..repeats {
        let mut rows = rand::seq::index::sample(&mut rng, n, sample_size).into_vec();
        // Sorted rows read the data in order; the silhouette of a set of
        // rows does not depend on their order.
        rows.sort_unstable();
        for (t, &r) in rows.iter().enumerate() {
            sample.row_mut(t).assign(&x.row(r));
            sample_labels[t] = labels[r];
        }
        let value = match silhouette(sample.view(), &sample_labels) {
            Ok(v) => v,
            Err(MetricsError::ClusterCount { clusters: 1, .. }) => {
                return Err(MetricsError::SampleOneCluster {
                    repeat: repeat + 1,
                    sample_size,
                })
            }
            Err(e) => return Err(e),
        };
        values.push(value);
    }
    let mean = values.iter().sum::<f64>() / repeats as f64;
    let standard_error = (repeats > 1).then(|| {
        let var =
            values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (repeats - 1) as f64;
        (var / repeats as f64).sqrt()
    });
    Ok(SilhouetteEstimate {
        value: mean,
        standard_error,
        exact: false,
        sample_size,
        repeats,
    })
}

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

/// [`silhouette`] and the per-cluster means of [`silhouette_samples`] for
/// labels in `0..k`, in one O(n²·d) pass.
pub fn cluster_quality(x: ArrayView2<f64>, labels: &[usize], k: usize) -> ClusterQuality {
    quality_from(silhouette_samples(x, labels), labels, k)
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

/// k-means objective: sum of squared distances to the assigned centre.
pub fn inertia(x: ArrayView2<f64>, labels: &[usize], centroids: ArrayView2<f64>) -> f64 {
    x.rows()
        .into_iter()
        .zip(labels)
        .map(|(row, &l)| {
            row.iter()
                .zip(centroids.row(l))
                .map(|(a, b)| (a - b) * (a - b))
                .sum::<f64>()
        })
        .sum()
}

/// Median of a list (0 for an empty one).
pub fn median(values: &[f64]) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    if v.len() % 2 == 1 {
        v[mid]
    } else {
        0.5 * (v[mid - 1] + v[mid])
    }
}

/// Adjusted Rand index between two labellings (Hubert and Arabie 1985).
pub fn adjusted_rand_index(a: &[usize], b: &[usize]) -> f64 {
    assert_eq!(a.len(), b.len(), "labellings of different lengths");
    let n = a.len();
    let (a, ka) = compact_labels(a);
    let (b, kb) = compact_labels(b);
    let mut table = vec![0u64; ka * kb];
    for (&i, &j) in a.iter().zip(&b) {
        table[i * kb + j] += 1;
    }
    let comb2 = |m: u64| (m * m.saturating_sub(1)) as f64 / 2.0;
    let index: f64 = table.iter().map(|&m| comb2(m)).sum();
    let rows: f64 = (0..ka)
        .map(|i| comb2(table[i * kb..(i + 1) * kb].iter().sum()))
        .sum();
    let cols: f64 = (0..kb)
        .map(|j| comb2((0..ka).map(|i| table[i * kb + j]).sum()))
        .sum();
    let total = comb2(n as u64);
    if total == 0.0 {
        return 1.0;
    }
    let expected = rows * cols / total;
    let max = (rows + cols) / 2.0;
    if (max - expected).abs() < f64::EPSILON {
        // Both labellings are trivial (one cluster, or all singletons).
        return 1.0;
    }
    (index - expected) / (max - expected)
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

    #[test]
    fn sampled_silhouette_is_exact_when_the_sample_holds_every_row() {
        let ds = crate::data::gaussian_blobs(300, 2, 3, 1.0, 4);
        let exact = silhouette(ds.x.view(), &ds.labels).unwrap();
        for sample_size in [300, 301, 10_000] {
            let e = silhouette_sampled(ds.x.view(), &ds.labels, sample_size, 7, 1).unwrap();
            assert_eq!(e.value, exact);
            assert!(e.exact);
            assert_eq!(e.standard_error, Some(0.0));
            assert_eq!((e.sample_size, e.repeats), (300, 1));
        }
    }

    #[test]
    fn sampled_silhouette_estimates_the_exact_one_on_20000_rows() {
        // Overlapping blobs (silhouette about 0.25), so samples vary.
        let ds = crate::data::gaussian_blobs(20_000, 3, 5, 1.2, 1);
        let exact = silhouette(ds.x.view(), &ds.labels).unwrap();
        let e = silhouette_sampled(ds.x.view(), &ds.labels, 5_000, 10, 3).unwrap();
        assert!(!e.exact);
        assert_eq!((e.sample_size, e.repeats), (5_000, 10));
        let se = e.standard_error.unwrap();
        assert!(se > 0.0 && se < 0.01, "standard error {se}");
        assert!(
            (e.value - exact).abs() < 0.01,
            "estimate {} vs exact {exact}",
            e.value
        );
        assert!(
            (e.value - exact).abs() < 4.0 * se,
            "estimate {} ± {se} vs exact {exact}",
            e.value
        );
        // Same seed, same estimate; another seed, other samples.
        let again = silhouette_sampled(ds.x.view(), &ds.labels, 5_000, 10, 3).unwrap();
        assert_eq!(again, e);
        let other = silhouette_sampled(ds.x.view(), &ds.labels, 5_000, 10, 4).unwrap();
        assert_ne!(other.value, e.value);
    }

    #[test]
    fn sampled_silhouette_is_the_same_on_one_thread() {
        let ds = crate::data::gaussian_blobs(3_000, 2, 4, 1.5, 2);
        let many = silhouette_sampled(ds.x.view(), &ds.labels, 500, 5, 9).unwrap();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let one = pool.install(|| silhouette_sampled(ds.x.view(), &ds.labels, 500, 5, 9).unwrap());
        assert_eq!(one, many);
        let single = silhouette_sampled(ds.x.view(), &ds.labels, 500, 1, 9).unwrap();
        assert_eq!(single.standard_error, None);
    }

    #[test]
    fn sampled_silhouette_refuses_settings_that_cannot_work() {
        let ds = crate::data::gaussian_blobs(100, 2, 2, 1.0, 2);
        let err = silhouette_sampled(ds.x.view(), &ds.labels, 50, 0, 1).unwrap_err();
        assert!(err.to_string().contains("repeats"), "{err}");
        let err = silhouette_sampled(ds.x.view(), &ds.labels, 2, 3, 1).unwrap_err();
        assert!(err.to_string().contains("sample-size"), "{err}");
        let one = vec![0; 100];
        assert!(matches!(
            silhouette_sampled(ds.x.view(), &one, 50, 3, 1),
            Err(MetricsError::ClusterCount { clusters: 1, .. })
        ));
    }

    #[test]
    fn ari_known_values() {
        assert!((adjusted_rand_index(&[0, 0, 1, 1], &[1, 1, 0, 0]) - 1.0).abs() < 1e-12);
        // scikit-learn: adjusted_rand_score([0,0,1,1],[0,0,1,2]) = 0.5714285714285715
        let v = adjusted_rand_index(&[0, 0, 1, 1], &[0, 0, 1, 2]);
        assert!((v - 0.571_428_571_428_571_4).abs() < 1e-12, "{v}");
        // scikit-learn: adjusted_rand_score([0,0,0,1,1,1],[0,1,0,1,2,2]) = 0.24242424242424243
        let w = adjusted_rand_index(&[0, 0, 0, 1, 1, 1], &[0, 1, 0, 1, 2, 2]);
        assert!((w - 0.242_424_242_424_242_43).abs() < 1e-12, "{w}");
    }

    #[test]
    fn median_of_odd_and_even_lists() {
        assert_eq!(median(&[]), 0.0);
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
    }

    #[test]
    fn inertia_sums_squared_distances() {
        let x = array![[0.0, 0.0], [2.0, 0.0]];
        let c = array![[1.0, 0.0]];
        assert_eq!(inertia(x.view(), &[0, 0], c.view()), 2.0);
    }
}
