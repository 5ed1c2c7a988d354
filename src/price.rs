//! The price of explainability: how much more a partition costs, in the
//! k-means objective, than the best k-means partition with as many clusters
//! (Frost, Moshkovitz and Rashtchian, "ExKMC: Expanding Explainable k-Means
//! Clustering", 2020; Dasgupta, Frost, Moshkovitz and Rashtchian,
//! "Explainable k-Means and k-Medians Clustering", ICML 2020, where the
//! reference is a k-means++ clustering and the explainable partition is a
//! threshold tree's). Both costs are measured in the space the library
//! clusters in: the prepared features, min-max scaled to [0, 1].

use crate::kmeans::{self, KMeansParams};
use crate::params::ParamsError;
use ndarray::ArrayView2;
use serde::Serialize;

/// k-means restarts of the reference clustering (k-means++ seeding and
/// Lloyd iterations each, the lowest cost kept): twice `polyclust kmeans`'s
/// default, so the reference is the best of more starts than any method it
/// is compared with makes by default.
pub const PRICE_RESTARTS: usize = 20;

/// Seed of the reference clustering: fixed, so a partition's price is a
/// function of the data and the partition alone.
pub const PRICE_SEED: u64 = 0;

/// The k-means cost of a partition: Σ_c Σ_{t∈c} ‖x_t − μ_c‖², the squared
/// Euclidean distances of the rows to the mean of their own cluster (labels
/// may be any ids; equal ids share a cluster). O(n·d).
///
/// # Panics
/// When `labels` and the rows of `x` differ in number.
pub fn kmeans_cost(x: ArrayView2<f64>, labels: &[usize]) -> f64 {
    assert_eq!(labels.len(), x.nrows(), "one label per row");
    let (labels, k) = crate::metrics::compact_labels(labels);
    let d = x.ncols();
    let mut sums = vec![0.0; k * d];
    let mut sizes = vec![0usize; k];
    for (row, &l) in x.rows().into_iter().zip(&labels) {
        sizes[l] += 1;
        for (s, v) in sums[l * d..(l + 1) * d].iter_mut().zip(row) {
            *s += v;
        }
    }
    for (c, &size) in sizes.iter().enumerate() {
        sums[c * d..(c + 1) * d]
            .iter_mut()
            .for_each(|s| *s /= size as f64);
    }
    x.rows()
        .into_iter()
        .zip(&labels)
        .map(|(row, &l)| {
            row.iter()
                .zip(&sums[l * d..(l + 1) * d])
                .map(|(a, b)| (a - b) * (a - b))
                .sum::<f64>()
        })
        .sum()
}

/// The best k-means cost found at one k: the denominator of the price of
/// explainability.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KMeansReference {
    /// Clusters.
    pub k: usize,
    /// [`kmeans_cost`] of the reference partition.
    pub cost: f64,
    /// k-means restarts it is the best of ([`PRICE_RESTARTS`]).
    pub restarts: usize,
    /// Their seed ([`PRICE_SEED`]).
    pub seed: u64,
    /// The reference partition.
    #[serde(skip)]
    pub labels: Vec<usize>,
}

impl KMeansReference {
    /// The reference at `k` clusters: the library's k-means
    /// ([`crate::kmeans::fit`]: k-means++ seeding, Lloyd iterations) with
    /// [`PRICE_RESTARTS`] restarts from seed [`PRICE_SEED`], its cost
    /// measured by [`kmeans_cost`]. k = 1 is the one partition there is.
    pub fn new(x: ArrayView2<f64>, k: usize) -> Result<Self, ParamsError> {
        let labels = if k == 1 && x.nrows() > 0 {
            vec![0; x.nrows()]
        } else {
            let params = KMeansParams::new(k)
                .restarts(PRICE_RESTARTS)
                .seed(PRICE_SEED)
                .check(x)?;
            kmeans::fit(x, &params).labels
        };
        Ok(Self {
            k,
            cost: kmeans_cost(x, &labels),
            restarts: PRICE_RESTARTS,
            seed: PRICE_SEED,
            labels,
        })
    }

    /// The price of explainability of `labels` (any ids) against this
    /// reference: [`kmeans_cost`] of the partition divided by the
    /// reference's. 1 for the reference partition itself, above 1 for a
    /// partition that costs more; below 1 only for one better than the best
    /// of the reference's restarts. A reference of cost 0 (k distinct rows)
    /// prices a partition of cost 0 at 1 and any other at infinity.
    pub fn price(&self, x: ArrayView2<f64>, labels: &[usize]) -> f64 {
        let cost = kmeans_cost(x, labels);
        if self.cost > 0.0 {
            cost / self.cost
        } else if cost > 0.0 {
            f64::INFINITY
        } else {
            1.0
        }
    }
}

/// The price of explainability of a partition (labels, any ids): its
/// k-means cost over the best k-means cost at k = its number of distinct
/// labels ([`KMeansReference::new`]). Fails where the library's k-means
/// does ([`crate::params::check_k`]: k above n − 1 or above the data's
/// distinct rows).
pub fn price_of_explainability(x: ArrayView2<f64>, labels: &[usize]) -> Result<f64, ParamsError> {
    let (_, k) = crate::metrics::compact_labels(labels);
    Ok(KMeansReference::new(x, k)?.price(x, labels))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn cost_sums_squared_distances_to_the_cluster_means() {
        let x = array![
            [0.0, 0.0],
            [2.0, 0.0],
            [10.0, 1.0],
            [10.0, 3.0],
            [10.0, 5.0]
        ];
        // Means (1, 0) and (10, 3): 1 + 1 + 4 + 0 + 4.
        assert_eq!(kmeans_cost(x.view(), &[4, 4, 9, 9, 9]), 10.0);
        assert_eq!(kmeans_cost(x.view(), &[0, 1, 2, 3, 4]), 0.0);
    }

    #[test]
    fn price_of_a_kmeans_partition_is_one() {
        let ds = crate::data::gaussian_blobs(240, 3, 4, 0.4, 3).into_dataset();
        let x = ds.x.view();
        let reference = KMeansReference::new(x, 4).unwrap();
        assert_eq!(reference.price(x, &reference.labels), 1.0);
        // Any k-means run of the library on separated blobs finds the same
        // partition, whatever its seed and restarts.
        for seed in 0..3 {
            let params = KMeansParams::new(4)
                .restarts(3)
                .seed(seed)
                .check(x)
                .unwrap();
            let labels = kmeans::fit(x, &params).labels;
            let price = price_of_explainability(x, &labels).unwrap();
            assert!((price - 1.0).abs() < 1e-12, "seed {seed}: {price}");
        }
        // Moving one row to another cluster costs more.
        let mut worse = reference.labels.clone();
        worse[0] = (worse[0] + 1) % 4;
        assert!(reference.price(x, &worse) > 1.0);
    }

    #[test]
    fn price_of_one_cluster_is_one() {
        let x = array![[0.0], [1.0], [5.0]];
        assert_eq!(price_of_explainability(x.view(), &[3, 3, 3]).unwrap(), 1.0);
        let four = array![[0.0], [1.0], [5.0], [6.0]];
        // The best 3-means of 0, 1, 5, 6 pairs 0 and 1 or 5 and 6: cost 0.5.
        assert_eq!(
            price_of_explainability(four.view(), &[0, 0, 1, 2]).unwrap(),
            1.0
        );
        assert_eq!(
            price_of_explainability(four.view(), &[0, 1, 2, 2]).unwrap(),
            1.0
        );
        // {0}, {1, 5}, {6}: cost 8, sixteen times the best.
        assert_eq!(
            price_of_explainability(four.view(), &[0, 1, 1, 2]).unwrap(),
            16.0
        );
        // Three clusters of two distinct rows cannot be had.
        let twice = array![[0.0], [0.0], [0.0], [1.0]];
        assert!(price_of_explainability(twice.view(), &[0, 1, 2, 2]).is_err());
    }
}
