//! Agreement of a clustering with reference labels: the confusion matrix and
//! the normalised clustering accuracy (NCA) of Gagolewski's clustering
//! benchmarks (M. Gagolewski, "Normalised clustering accuracy: an asymmetric
//! external cluster validity measure", Journal of Classification 42, 2025;
//! `genieclust.compare_partitions.normalized_clustering_accuracy`, used by
//! the `clustbench` framework, SoftwareX 20:101270, 2022). The adjusted Rand
//! index is [`super::labels::adjusted_rand_index`].

use pathfinding::kuhn_munkres::kuhn_munkres;
use pathfinding::matrix::Matrix;

/// Counts of rows per (reference class, predicted cluster): row `i`, column
/// `j` holds the rows of class `i` that the clustering put in cluster `j`.
/// Classes and clusters are numbered in order of first appearance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confusion {
    /// Reference classes (rows).
    pub classes: usize,
    /// Predicted clusters (columns).
    pub clusters: usize,
    /// Row-major counts, `classes × clusters`.
    pub counts: Vec<u64>,
}

impl Confusion {
    /// The confusion matrix of `predicted` against `reference` (any ids;
    /// equal ids share a class or a cluster).
    ///
    /// # Panics
    /// When the two labellings differ in length.
    pub fn new(reference: &[usize], predicted: &[usize]) -> Self {
        assert_eq!(
            reference.len(),
            predicted.len(),
            "labellings of different lengths"
        );
        let (reference, classes) = super::labels::compact_labels(reference);
        let (predicted, clusters) = super::labels::compact_labels(predicted);
        let mut counts = vec![0u64; classes * clusters];
        for (&i, &j) in reference.iter().zip(&predicted) {
            counts[i * clusters + j] += 1;
        }
        Self {
            classes,
            clusters,
            counts,
        }
    }

    /// A confusion matrix given by its rows (one per class, of equal length).
    ///
    /// # Panics
    /// When the rows differ in length.
    pub fn from_rows(rows: &[Vec<u64>]) -> Self {
        let clusters = rows.first().map_or(0, Vec::len);
        assert!(
            rows.iter().all(|r| r.len() == clusters),
            "rows of different lengths"
        );
        Self {
            classes: rows.len(),
            clusters,
            counts: rows.concat(),
        }
    }

    /// Rows of class `i` in cluster `j`.
    pub fn at(&self, i: usize, j: usize) -> u64 {
        self.counts[i * self.clusters + j]
    }

    /// Rows of each class (the row sums).
    pub fn class_sizes(&self) -> Vec<u64> {
        (0..self.classes)
            .map(|i| (0..self.clusters).map(|j| self.at(i, j)).sum())
            .collect()
    }

    /// The best matching of clusters to classes for the NCA: for every
    /// class, the cluster it is matched with (`None` for a class left
    /// without one when there are fewer clusters than classes), no cluster
    /// used twice, maximising the sum of the classes' recalls
    /// `c[i][σ(i)] / c[i][·]`. With fewer clusters than classes the matrix
    /// is padded with empty clusters (columns of zeros), as genieclust pads
    /// it (genieclust 1.1.2 and later; release 1.3.0 accepts only square
    /// matrices); with more clusters than classes the extra clusters stay
    /// unmatched.
    ///
    /// Solved as a linear sum assignment (Kuhn–Munkres, O(max(K, L)³)) on
    /// the recalls in fixed point (2⁻⁴⁰): the assignment needs exact,
    /// totally ordered weights, and the sum of the chosen recalls is within
    /// K·2⁻⁴⁰ of the optimum.
    pub fn best_matching(&self) -> Vec<Option<usize>> {
        let k = self.classes;
        if k == 0 {
            return Vec::new();
        }
        let columns = self.clusters.max(k);
        let sizes = self.class_sizes();
        const SCALE: f64 = (1u64 << 40) as f64;
        let weights = Matrix::from_fn(k, columns, |(i, j)| {
            if j < self.clusters && sizes[i] > 0 {
                (self.at(i, j) as f64 / sizes[i] as f64 * SCALE).round() as i64
            } else {
                0
            }
        });
        let (_, assignment) = kuhn_munkres(&weights);
        assignment
            .into_iter()
            .map(|j| (j < self.clusters).then_some(j))
            .collect()
    }

    /// Normalised clustering accuracy of the clusters against the classes
    /// (rows):
    ///
    /// `NCA = max_σ (1/K) Σ_i (r_i − 1/K) / (1 − 1/K)`, `r_i = c[i][σ(i)] / c[i][·]`,
    ///
    /// the mean over the K reference classes of the recall of the cluster
    /// matched with the class ([`Confusion::best_matching`]; 0 for a class
    /// left without one), rescaled so that 1 is a perfect match and 0 the
    /// recall 1/K of clusters that split every class evenly. It can be
    /// negative (down to −1/(K − 1)). Asymmetric: the classes are the
    /// reference. Undefined (NaN) for a single class, where chance and a
    /// perfect match coincide.
    pub fn normalized_clustering_accuracy(&self) -> f64 {
        let k = self.classes;
        if k < 2 {
            return f64::NAN;
        }
        let sizes = self.class_sizes();
        let chance = 1.0 / k as f64;
        let total: f64 = self
            .best_matching()
            .iter()
            .enumerate()
            .map(|(i, j)| {
                let recall = match j {
                    Some(j) if sizes[i] > 0 => self.at(i, *j) as f64 / sizes[i] as f64,
                    _ => 0.0,
                };
                (recall - chance) / (1.0 - chance)
            })
            .sum();
        total / k as f64
    }
}

/// Normalised clustering accuracy of `predicted` against the reference
/// labels `reference` ([`Confusion::normalized_clustering_accuracy`]): 1 when
/// the clusters are the classes, about 0 for clusters unrelated to them, NaN
/// with a single reference class.
///
/// # Panics
/// When the two labellings differ in length.
pub fn normalized_clustering_accuracy(reference: &[usize], predicted: &[usize]) -> f64 {
    Confusion::new(reference, predicted).normalized_clustering_accuracy()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::adjusted_rand_index;

    /// Reference and predicted labels whose confusion matrix is `rows`.
    fn labels_of(rows: &[Vec<u64>]) -> (Vec<usize>, Vec<usize>) {
        let mut reference = Vec::new();
        let mut predicted = Vec::new();
        for (i, row) in rows.iter().enumerate() {
            for (j, &count) in row.iter().enumerate() {
                for _ in 0..count {
                    reference.push(i);
                    predicted.push(j);
                }
            }
        }
        (reference, predicted)
    }

    fn nca(rows: &[Vec<u64>]) -> f64 {
        let (reference, predicted) = labels_of(rows);
        let from_labels = normalized_clustering_accuracy(&reference, &predicted);
        let from_rows = Confusion::from_rows(rows).normalized_clustering_accuracy();
        // Columns of zeros vanish from the labels; the measure is the same.
        assert!((from_labels - from_rows).abs() < 1e-12);
        from_rows
    }

    fn ari(rows: &[Vec<u64>]) -> f64 {
        let (reference, predicted) = labels_of(rows);
        adjusted_rand_index(&reference, &predicted)
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn confusion_counts_rows_per_class_and_cluster() {
        let c = Confusion::new(&[7, 7, 7, 3, 3], &[1, 1, 0, 0, 0]);
        assert_eq!((c.classes, c.clusters), (2, 2));
        assert_eq!(c.counts, vec![2, 1, 0, 2]);
        assert_eq!(c.class_sizes(), vec![3, 2]);
    }

    #[test]
    fn nca_and_ari_of_an_iris_like_matrix() {
        let rows = vec![vec![50, 0, 0], vec![0, 48, 2], vec![0, 14, 36]];
        // Recalls 1, 0.96, 0.72 under the identity matching, rescaled by
        // (r − 1/3)/(2/3): 1, 0.94, 0.58; mean 0.84.
        assert!(close(nca(&rows), 0.84), "{}", nca(&rows));
        // Σ C(n_ij, 2) = 1225 + 1128 + 1 + 91 + 630 = 3075; rows: 3·1225 =
        // 3675; columns (50, 62, 38): 1225 + 1891 + 703 = 3819; C(150, 2) =
        // 11175; expected 3675·3819/11175; ARI = (3075 − expected) /
        // ((3675 + 3819)/2 − expected) = 0.730238272…
        let expected = 3675.0 * 3819.0 / 11175.0;
        let hand = (3075.0 - expected) / (3747.0 - expected);
        assert!(close(ari(&rows), hand));
        assert!(close(ari(&rows), 0.7302382722834697));
    }

    #[test]
    fn nca_matches_classes_by_recall_not_by_count() {
        // Class 0 (100 rows) is split 90/10, class 1 (30 rows) lies in
        // cluster 0. By counts the identity matching wins (90 + 0 > 10 +
        // 30), by recalls the swap (0.1 + 1.0 > 0.9 + 0.0): NCA = ((0.1 −
        // 0.5)/0.5 + (1 − 0.5)/0.5)/2 = (−0.8 + 1)/2 = 0.1.
        let rows = vec![vec![90, 10], vec![30, 0]];
        assert!(close(nca(&rows), 0.1), "{}", nca(&rows));
        // Unequal classes: recalls [[.8, 0, .2], [.133, .6, .267], [0, 1, 0]];
        // the best matching 0→0, 1→2, 2→1 sums 0.8 + 0.267 + 1: terms 0.7,
        // −0.1, 1; NCA = 1.6/3.
        let rows = vec![vec![12, 0, 3], vec![2, 9, 4], vec![0, 1, 0]];
        assert!(close(nca(&rows), 1.6 / 3.0), "{}", nca(&rows));
        assert!(close(ari(&rows), 0.3649906890130354));
    }

    #[test]
    fn nca_pads_missing_clusters_with_empty_ones() {
        // Three classes, two clusters: the third class is matched with an
        // empty cluster, recall 0, term (0 − 1/3)/(2/3) = −0.5. Terms 0.7,
        // 0.85, −0.5: NCA = 1.05/3 = 0.35 (genieclust 1.2.0: 0.35).
        let rows = vec![vec![40, 10], vec![5, 45], vec![20, 30]];
        assert!(close(nca(&rows), 0.35), "{}", nca(&rows));
        assert!(close(ari(&rows), 0.211074216997218));
        // Two classes merged into one cluster: 1, 1, −0.5 → 0.5.
        let rows = vec![vec![50, 0], vec![0, 50], vec![0, 50]];
        assert!(close(nca(&rows), 0.5));
        let c = Confusion::from_rows(&rows);
        let matching = c.best_matching();
        assert_eq!(matching.iter().filter(|m| m.is_none()).count(), 1);
        assert_eq!(matching[0], Some(0));
    }

    #[test]
    fn nca_leaves_extra_clusters_unmatched() {
        // Two classes, three clusters: recalls 0.8 and 0.9, chance 1/2:
        // terms 0.6 and 0.8, NCA 0.7 (genieclust 1.2.0: 0.7).
        let rows = vec![vec![40, 10, 0], vec![0, 45, 5]];
        assert!(close(nca(&rows), 0.7), "{}", nca(&rows));
        // Recalls 0.6 (cluster 0) and 0.5 (cluster 3): terms 0.2 and 0.
        let rows = vec![vec![30, 10, 10, 0], vec![0, 5, 20, 25]];
        assert!(close(nca(&rows), 0.1), "{}", nca(&rows));
    }

    #[test]
    fn nca_is_one_for_a_relabelling_and_zero_for_even_splits() {
        assert!(close(nca(&[vec![0, 5], vec![5, 0]]), 1.0));
        assert!(close(nca(&[vec![10, 10], vec![10, 10]]), 0.0));
        let rows = vec![
            vec![7, 2, 1, 0],
            vec![1, 6, 0, 3],
            vec![0, 2, 8, 0],
            vec![3, 0, 1, 9],
        ];
        // Identity: recalls 0.7, 0.6, 0.8, 9/13 (the best); chance 1/4.
        let hand = [0.7, 0.6, 0.8, 9.0 / 13.0]
            .iter()
            .map(|r| (r - 0.25) / 0.75)
            .sum::<f64>()
            / 4.0;
        assert!(close(nca(&rows), hand));
        assert!(close(nca(&rows), 0.5974358974358974));
        assert!(close(ari(&rows), 0.3589318260940796));
    }

    #[test]
    fn nca_of_one_class_is_undefined() {
        assert!(normalized_clustering_accuracy(&[0, 0, 0], &[0, 1, 1]).is_nan());
    }
}
