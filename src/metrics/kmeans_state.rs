//! Incremental k-means cost: keep every cluster's size and the sum of its
//! rows. The cost (within-cluster sum of squares) is then
//! `Σ_t ‖x_t‖² − Σ_c ‖s_c‖² / n_c`, O(k·d) from the sums, and moving one row
//! updates two sums in O(d) — where the silhouette's state moves a row in
//! O(n). A sweep's position among a few clusters costs O(|affected|·d).

use ndarray::ArrayView2;

/// Per-cluster sizes and sums of rows, for O(d) moves.
///
/// Cluster slots are `0..k`; a slot may be empty (it is then ignored), so
/// splits and merges keep their slot numbers, as in
/// [`super::SilhouetteState`].
#[derive(Debug, Clone)]
pub struct KMeansState {
    labels: Vec<usize>,
    sizes: Vec<usize>,
    /// `sums[c·d + f] = Σ_{t∈C_c} x_tf`.
    sums: Vec<f64>,
    d: usize,
    /// `Σ_t ‖x_t‖²` over every row.
    squares: f64,
    /// The cost of one cluster holding every row (the total sum of squares
    /// about the mean row): the unit of [`Self::cost_share`].
    total: f64,
}

/// What the evaluations of one sweep share: the clusters rows move among and
/// the part of the cost of every other cluster, which does not change.
#[derive(Debug, Clone)]
pub struct KMeansFrame {
    affected: Vec<usize>,
    /// `−Σ_{c∉affected} ‖s_c‖² / n_c`.
    others: f64,
}

impl KMeansState {
    /// The state of `labels` (each in `0..k`) of the rows `x`, in O(n·d).
    pub fn new(x: ArrayView2<f64>, labels: &[usize], k: usize) -> Self {
        assert_eq!(labels.len(), x.nrows(), "one label per row");
        assert!(labels.iter().all(|&l| l < k), "labels must be below k");
        let d = x.ncols();
        let mut sizes = vec![0; k];
        let mut sums = vec![0.0; k * d];
        let mut squares = 0.0;
        let mut grand = vec![0.0; d];
        for (row, &l) in x.rows().into_iter().zip(labels) {
            sizes[l] += 1;
            for (f, &v) in row.iter().enumerate() {
                sums[l * d + f] += v;
                grand[f] += v;
                squares += v * v;
            }
        }
        let n = labels.len().max(1) as f64;
        let total = (squares - grand.iter().map(|g| g * g).sum::<f64>() / n).max(0.0);
        Self {
            labels: labels.to_vec(),
            sizes,
            sums,
            d,
            squares,
            total,
        }
    }

    /// Current labels.
    pub fn labels(&self) -> &[usize] {
        &self.labels
    }

    /// Cluster sizes by slot.
    pub fn sizes(&self) -> &[usize] {
        &self.sizes
    }

    /// Number of cluster slots.
    pub fn slots(&self) -> usize {
        self.sizes.len()
    }

    /// Number of non-empty clusters.
    pub fn clusters(&self) -> usize {
        self.sizes.iter().filter(|&&s| s > 0).count()
    }

    /// Add an empty cluster slot and return its index. O(d).
    pub fn add_slot(&mut self) -> usize {
        self.sizes.push(0);
        self.sums.extend(std::iter::repeat_n(0.0, self.d));
        self.sizes.len() - 1
    }

    /// Move the rows of `moves` (row of `x`, new cluster), O(d) each.
    pub fn move_points(&mut self, x: ArrayView2<f64>, moves: &[(usize, usize)]) {
        let d = self.d;
        for &(t, to) in moves {
            let from = self.labels[t];
            if from == to {
                continue;
            }
            for (f, &v) in x.row(t).iter().enumerate() {
                self.sums[from * d + f] -= v;
                self.sums[to * d + f] += v;
            }
            self.sizes[from] -= 1;
            self.sizes[to] += 1;
            self.labels[t] = to;
        }
    }

    /// `−‖s_c‖² / n_c`: cluster c's part of the cost beside `Σ‖x_t‖²`.
    fn part(&self, c: usize) -> f64 {
        let size = self.sizes[c];
        if size == 0 {
            return 0.0;
        }
        let sum = &self.sums[c * self.d..(c + 1) * self.d];
        -sum.iter().map(|s| s * s).sum::<f64>() / size as f64
    }

    /// The k-means cost: the within-cluster sum of squared distances to the
    /// cluster means.
    pub fn cost(&self) -> f64 {
        (self.squares + (0..self.slots()).map(|c| self.part(c)).sum::<f64>()).max(0.0)
    }

    /// The cost as a share of the total sum of squares (0: every row on its
    /// cluster's mean; 1: the cost of a single cluster), the unit in which
    /// Algorithm 2 compares it with the share of uncovered rows.
    pub fn cost_share(&self) -> f64 {
        share(self.cost(), self.total)
    }

    /// What every evaluation of a sweep among the clusters of `affected`
    /// shares (see [`KMeansFrame`]), in O(k·d).
    pub fn frame(&self, affected: &[usize]) -> KMeansFrame {
        let others = (0..self.slots())
            .filter(|c| !affected.contains(c))
            .map(|c| self.part(c))
            .sum();
        KMeansFrame {
            affected: affected.to_vec(),
            others,
        }
    }

    /// [`Self::cost_share`] in O(|affected|·d) when, since `frame` was made,
    /// rows have moved only among its affected clusters.
    pub fn cost_share_within(&self, frame: &KMeansFrame) -> f64 {
        let parts: f64 = frame.affected.iter().map(|&c| self.part(c)).sum();
        share((self.squares + frame.others + parts).max(0.0), self.total)
    }

    /// [`Self::cost_share`] with cluster `b` merged into `a`, in O(k·d).
    pub fn cost_share_merged(&self, a: usize, b: usize) -> f64 {
        if a == b {
            return self.cost_share();
        }
        let d = self.d;
        let merged_size = self.sizes[a] + self.sizes[b];
        let merged = if merged_size == 0 {
            0.0
        } else {
            let square: f64 = (0..d)
                .map(|f| {
                    let s = self.sums[a * d + f] + self.sums[b * d + f];
                    s * s
                })
                .sum();
            -square / merged_size as f64
        };
        let rest: f64 = (0..self.slots())
            .filter(|&c| c != a && c != b)
            .map(|c| self.part(c))
            .sum();
        share((self.squares + rest + merged).max(0.0), self.total)
    }
}

/// `cost / total`, 0 when every row is the same.
fn share(cost: f64, total: f64) -> f64 {
    if total > 0.0 {
        cost / total
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    /// The cost from scratch: squared distances to the cluster means.
    fn direct_cost(x: ArrayView2<f64>, labels: &[usize], k: usize) -> f64 {
        let d = x.ncols();
        let mut means = vec![vec![0.0; d]; k];
        let mut sizes = vec![0usize; k];
        for (row, &l) in x.rows().into_iter().zip(labels) {
            sizes[l] += 1;
            for (m, v) in means[l].iter_mut().zip(row) {
                *m += v;
            }
        }
        for (mean, &size) in means.iter_mut().zip(&sizes) {
            mean.iter_mut().for_each(|m| *m /= size.max(1) as f64);
        }
        x.rows()
            .into_iter()
            .zip(labels)
            .map(|(row, &l)| (0..d).map(|f| (row[f] - means[l][f]).powi(2)).sum::<f64>())
            .sum()
    }

    #[test]
    fn moves_keep_the_cost_of_the_labels() {
        let ds = crate::data::gaussian_blobs(120, 3, 4, 0.8, 5);
        let x = ds.x.view();
        let mut state = KMeansState::new(x, &ds.labels, 5);
        let mut labels = ds.labels.clone();
        let mut rng = 7u64;
        for _ in 0..200 {
            rng = rng
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let t = (rng >> 33) as usize % labels.len();
            let to = (rng >> 13) as usize % 5;
            labels[t] = to;
            state.move_points(x, &[(t, to)]);
        }
        let direct = direct_cost(x, &labels, 5);
        assert!((state.cost() - direct).abs() < 1e-9 * direct.max(1.0));
        assert_eq!(state.labels(), labels.as_slice());
    }

    #[test]
    fn frames_and_merges_agree_with_the_whole_cost() {
        let ds = crate::data::gaussian_blobs(90, 2, 3, 0.5, 2);
        let x = ds.x.view();
        let mut state = KMeansState::new(x, &ds.labels, 3);
        let frame = state.frame(&[0, 2]);
        let moves: Vec<(usize, usize)> = (0..90)
            .filter(|&t| ds.labels[t] == 0)
            .take(5)
            .map(|t| (t, 2))
            .collect();
        state.move_points(x, &moves);
        assert!((state.cost_share_within(&frame) - state.cost_share()).abs() < 1e-12);
        let merged: Vec<usize> = state
            .labels()
            .iter()
            .map(|&l| if l == 2 { 1 } else { l })
            .collect();
        let direct = KMeansState::new(x, &merged, 3).cost_share();
        assert!((state.cost_share_merged(1, 2) - direct).abs() < 1e-12);
        // One cluster costs the total sum of squares: a share of 1.
        let one = KMeansState::new(x, &vec![0; 90], 1);
        assert!((one.cost_share() - 1.0).abs() < 1e-12);
        // An added slot is empty and changes nothing.
        let slot = state.add_slot();
        assert_eq!(state.sizes()[slot], 0);
        assert!((state.cost_share_within(&frame) - state.cost_share()).abs() < 1e-12);
    }

    #[test]
    fn identical_rows_cost_nothing() {
        let x = Array2::from_elem((4, 2), 0.5);
        let state = KMeansState::new(x.view(), &[0, 0, 1, 1], 2);
        assert_eq!(state.cost_share(), 0.0);
    }
}
