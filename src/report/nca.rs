//! Normalised clustering accuracy (NCA; Gagolewski, "Normalised clustering
//! accuracy: an asymmetric external cluster validity measure", J. Classif.
//! 2024; genieclust's `normalized_clustering_accuracy`): the mean recall of
//! the reference classes under the best matching of clusters to classes,
//! rescaled so that chance is 0 and a perfect match 1.
//!
//! With a confusion matrix C (rows: the k reference classes, row sums n_i;
//! columns: the clusters, padded with empty clusters up to k),
//! NCA = max_σ (1/k) Σ_i (C[i, σ(i)] / n_i − 1/k) / (1 − 1/k) over
//! one-to-one matchings σ of classes to clusters.
//!
//! The report calls [`normalised_clustering_accuracy`] at one place; a row
//! in no cluster (an outlier) counts in its class's n_i and in no cluster,
//! so it lowers its class's recall.

/// NCA of `clusters` (`None`: a row in no cluster) against the reference
/// classes `truth` (ids `0..`); `None` when there are fewer than two classes.
pub(crate) fn normalised_clustering_accuracy(
    clusters: &[Option<usize>],
    truth: &[usize],
) -> Option<f64> {
    let k = truth.iter().max().map_or(0, |m| m + 1);
    let clusters_count = clusters.iter().flatten().max().map_or(0, |m| m + 1);
    if k < 2 {
        return None;
    }
    let size = k.max(clusters_count);
    let mut confusion = vec![vec![0.0f64; size]; k];
    let mut class_sizes = vec![0usize; k];
    for (c, &t) in clusters.iter().zip(truth) {
        class_sizes[t] += 1;
        if let Some(c) = c {
            confusion[t][*c] += 1.0;
        }
    }
    let classes: Vec<usize> = (0..k).filter(|&i| class_sizes[i] > 0).collect();
    let k = classes.len();
    if k < 2 {
        return None;
    }
    // Recall of each class in each cluster; extra rows of zeros make the
    // matrix square (matching padded clusters to no class).
    let mut weights = vec![vec![0.0f64; size]; size];
    for (row, &i) in classes.iter().enumerate() {
        for (col, w) in weights[row].iter_mut().enumerate() {
            *w = confusion[i][col] / class_sizes[i] as f64;
        }
    }
    let best = max_weight_matching(&weights);
    let kf = k as f64;
    Some((best / kf - 1.0 / kf) / (1.0 - 1.0 / kf))
}

/// The largest total weight of a perfect matching of rows to columns of the
/// square matrix `w` (the Hungarian algorithm, O(m³)).
fn max_weight_matching(w: &[Vec<f64>]) -> f64 {
    let m = w.len();
    // Minimise the cost −w with potentials u (rows) and v (columns);
    // index 0 is a virtual column.
    let cost = |i: usize, j: usize| -w[i - 1][j - 1];
    let mut u = vec![0.0f64; m + 1];
    let mut v = vec![0.0f64; m + 1];
    let mut row_of = vec![0usize; m + 1];
    let mut way = vec![0usize; m + 1];
    for i in 1..=m {
        row_of[0] = i;
        let mut j0 = 0usize;
        let mut min_to = vec![f64::INFINITY; m + 1];
        let mut used = vec![false; m + 1];
        loop {
            used[j0] = true;
            let i0 = row_of[j0];
            let mut delta = f64::INFINITY;
            let mut j1 = 0usize;
            for j in 1..=m {
                if used[j] {
                    continue;
                }
                let reduced = cost(i0, j) - u[i0] - v[j];
                if reduced < min_to[j] {
                    min_to[j] = reduced;
                    way[j] = j0;
                }
                if min_to[j] < delta {
                    delta = min_to[j];
                    j1 = j;
                }
            }
            for j in 0..=m {
                if used[j] {
                    u[row_of[j]] += delta;
                    v[j] -= delta;
                } else {
                    min_to[j] -= delta;
                }
            }
            j0 = j1;
            if row_of[j0] == 0 {
                break;
            }
        }
        loop {
            let j1 = way[j0];
            row_of[j0] = row_of[j1];
            j0 = j1;
            if j0 == 0 {
                break;
            }
        }
    }
    (1..=m)
        .filter(|&j| row_of[j] > 0)
        .map(|j| w[row_of[j] - 1][j - 1])
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_perfect_match_up_to_renaming_is_one() {
        let truth = [0, 0, 1, 1, 2, 2];
        let clusters = [2, 2, 0, 0, 1, 1].map(Some);
        let nca = normalised_clustering_accuracy(&clusters, &truth).unwrap();
        assert!((nca - 1.0).abs() < 1e-12);
    }

    #[test]
    fn one_cluster_for_every_row_is_chance() {
        let truth = [0, 0, 1, 1];
        let clusters = [Some(0); 4];
        // Recalls 1 and 0 under the best matching: mean 1/2 = 1/k.
        let nca = normalised_clustering_accuracy(&clusters, &truth).unwrap();
        assert!(nca.abs() < 1e-12);
    }

    #[test]
    fn matches_a_brute_force_over_permutations() {
        // Classes of 3, 4 and 5 rows; four clusters; one outlier.
        let truth = [0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 2];
        let clusters = [
            Some(1),
            Some(1),
            Some(3),
            Some(0),
            Some(0),
            Some(1),
            None,
            Some(2),
            Some(2),
            Some(3),
            Some(2),
            Some(0),
        ];
        let nca = normalised_clustering_accuracy(&clusters, &truth).unwrap();
        let sizes = [3.0, 4.0, 5.0];
        let mut best = f64::NEG_INFINITY;
        for a in 0..4 {
            for b in 0..4 {
                for c in 0..4 {
                    if a == b || b == c || a == c {
                        continue;
                    }
                    let hits = |class: usize, cl: usize| {
                        truth
                            .iter()
                            .zip(&clusters)
                            .filter(|(&t, &c)| t == class && c == Some(cl))
                            .count() as f64
                    };
                    let mean =
                        (hits(0, a) / sizes[0] + hits(1, b) / sizes[1] + hits(2, c) / sizes[2])
                            / 3.0;
                    best = best.max((mean - 1.0 / 3.0) / (1.0 - 1.0 / 3.0));
                }
            }
        }
        assert!((nca - best).abs() < 1e-12, "{nca} vs {best}");
    }

    #[test]
    fn one_class_has_no_accuracy() {
        assert_eq!(
            normalised_clustering_accuracy(&[Some(0), Some(1)], &[0, 0]),
            None
        );
    }
}
