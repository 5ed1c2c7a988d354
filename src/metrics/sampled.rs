//! The silhouette of data too large for the exact O(n²·d) computation,
//! estimated from samples.

use super::error::MetricsError;
use super::exact::silhouette_samples_until;
use super::labels::compact_labels;
use ndarray::ArrayView2;

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
/// O(n²·d) [`silhouette`](super::silhouette): exact when n ≤ `sample_size`; otherwise the mean
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
    silhouette_sampled_until(x, labels, sample_size, repeats, seed, &|| false)
        .map(|estimate| estimate.expect("a computation that never stops ends"))
}

/// [`silhouette_sampled`], abandoned (`Ok(None)`) when `stop` says so (a
/// run's deadline has passed) before the last sample is scored; it is asked
/// before every row of every sample, an O(sample_size·d) step.
pub(crate) fn silhouette_sampled_until(
    x: ArrayView2<f64>,
    labels: &[usize],
    sample_size: usize,
    repeats: usize,
    seed: u64,
    stop: &(dyn Fn() -> bool + Sync),
) -> Result<Option<SilhouetteEstimate>, MetricsError> {
    // The mean silhouette, as [`silhouette`] takes it.
    let mean_until = |x: ArrayView2<f64>, labels: &[usize]| {
        silhouette_samples_until(x, labels, stop)
            .map(|s| s.map(|s| s.iter().sum::<f64>() / s.len() as f64))
    };
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
        return Ok(mean_until(x, labels)?.map(|value| SilhouetteEstimate {
            value,
            standard_error: Some(0.0),
            exact: true,
            sample_size: n,
            repeats: 1,
        }));
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
        let value = match mean_until(sample.view(), &sample_labels) {
            Ok(Some(v)) => v,
            Ok(None) => return Ok(None),
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
    Ok(Some(SilhouetteEstimate {
        value: mean,
        standard_error,
        exact: false,
        sample_size,
        repeats,
    }))
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::silhouette;
    use crate::metrics::MetricsError;

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
}
