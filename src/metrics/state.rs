//! Incremental silhouette (docs/design.md, "Silhouette fast"): keep
//! `S[t][k] = Σ_{u∈C_k} d(t,u)` for every point and cluster. The silhouette is
//! then O(n·K) from S, and moving one point updates S in O(n) with a
//! precomputed distance matrix (O(n·d) without one).

use super::coefficient::coefficient;
use super::distances::Distances;
use super::kernels::{transfer, transfer_many, MergedMeans, OtherMeans};
use super::vector::dispatch;

/// Per-point, per-cluster distance sums with cluster sizes, for O(n) moves.
///
/// Cluster slots are `0..k`; a slot may be empty (then it is ignored, as if the
/// cluster did not exist), so splits and merges keep their slot numbers.
///
/// The sums are stored cluster-major (one length-n column per slot): a move
/// then updates two contiguous columns from one contiguous distance row, which
/// the compiler vectorizes; the row-major layout touched a cache line per
/// point and measured about 3× slower on engytime (n = 4096, k = 9).
///
/// The sums are in the distances' [`Distances::unit`]: a silhouette is a
/// ratio of mean distances, the same in any unit. With the matrix they are
/// whole numbers, exact, so a row moved out and back leaves its columns as
/// they were.
#[derive(Debug)]
pub struct SilhouetteState {
    pub(super) labels: Vec<usize>,
    pub(super) sizes: Vec<usize>,
    /// `sums[c][t] = Σ_{u∈C_c} d(t,u)`.
    pub(super) sums: Vec<Vec<f64>>,
    scratch: Vec<f64>,
}

impl Clone for SilhouetteState {
    fn clone(&self) -> Self {
        Self {
            labels: self.labels.clone(),
            sizes: self.sizes.clone(),
            sums: self.sums.clone(),
            scratch: vec![0.0; self.scratch.len()],
        }
    }

    /// Field by field, into the existing allocations: a sweep copies the
    /// state it starts from once per direction. The scratch row holds no
    /// state between moves and is only sized.
    fn clone_from(&mut self, source: &Self) {
        self.labels.clone_from(&source.labels);
        self.sizes.clone_from(&source.sizes);
        self.sums.clone_from(&source.sums);
        self.scratch.resize(source.scratch.len(), 0.0);
    }
}

impl SilhouetteState {
    /// Build the state for `labels` (each in `0..k`) in O(n²) (parallel).
    pub fn new(distances: &Distances, labels: &[usize], k: usize) -> Self {
        let n = distances.n();
        assert_eq!(labels.len(), n, "one label per point");
        assert!(labels.iter().all(|&l| l < k), "labels must be below k");
        let mut sizes = vec![0; k];
        for &l in labels {
            sizes[l] += 1;
        }
        let sums = distances.sums_by_label_all(labels, k);
        Self {
            labels: labels.to_vec(),
            sizes,
            sums,
            scratch: vec![0.0; n],
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
        self.sums.len()
    }

    /// Number of non-empty clusters.
    pub fn clusters(&self) -> usize {
        self.sizes.iter().filter(|&&s| s > 0).count()
    }

    /// `Σ_{u∈C_c} d(t,u)` in [`Distances::unit`]s.
    pub fn sum(&self, t: usize, c: usize) -> f64 {
        self.sums[c][t]
    }

    /// Add an empty cluster slot and return its index. O(n).
    pub fn add_slot(&mut self) -> usize {
        self.sums.push(vec![0.0; self.labels.len()]);
        self.sizes.push(0);
        self.sums.len() - 1
    }

    /// The columns of clusters `from` and `to` (distinct) among `sums`,
    /// borrowed mutably at once.
    fn two_columns(sums: &mut [Vec<f64>], from: usize, to: usize) -> (&mut [f64], &mut [f64]) {
        let (low, high) = (from.min(to), from.max(to));
        let (head, tail) = sums.split_at_mut(high);
        let (low_col, high_col) = (&mut head[low], &mut tail[0]);
        if from < to {
            (low_col, high_col)
        } else {
            (high_col, low_col)
        }
    }

    /// Move point `u` to cluster `to`: O(n) with a distance matrix.
    pub fn move_point(&mut self, distances: &Distances, u: usize, to: usize) {
        let from = self.labels[u];
        if from == to {
            return;
        }
        let (from_col, to_col) = Self::two_columns(&mut self.sums, from, to);
        let apply = |from_col: &mut [f64], to_col: &mut [f64], row: &[f64]| {
            for ((f, t), &dist) in from_col.iter_mut().zip(to_col.iter_mut()).zip(row) {
                *f -= dist;
                *t += dist;
            }
        };
        match distances.matrix() {
            // Read the matrix row in place: this is the hot loop of local search.
            Some(m) => {
                let n = distances.n();
                transfer(from_col, to_col, &m[u * n..(u + 1) * n]);
            }
            None => {
                let mut row = std::mem::take(&mut self.scratch);
                distances.row_into(u, &mut row);
                apply(from_col, to_col, &row);
                self.scratch = row;
            }
        }
        self.sizes[from] -= 1;
        self.sizes[to] += 1;
        self.labels[u] = to;
    }

    /// The moves `(u, to)` in order, each as [`Self::move_point`], with the
    /// same sums bit for bit: every column entry takes the same additions in
    /// the same order. Consecutive moves between the same two clusters are
    /// applied together, up to `MOVE_BATCH` rows at a time, so the two
    /// columns are read and written once per batch instead of once per row
    /// (a move is memory-bound on them: eight rows of 4,000 measured 24.2 µs
    /// one at a time and 6.6 µs together, `cargo bench --bench silhouette --
    /// move_points`).
    pub fn move_points(&mut self, distances: &Distances, moves: &[(usize, usize)]) {
        let Some(matrix) = distances.matrix() else {
            for &(u, to) in moves {
                self.move_point(distances, u, to);
            }
            return;
        };
        let n = distances.n();
        let mut batch = [0usize; MOVE_BATCH];
        let mut len = 0;
        let mut pair = (0, 0);
        for &(u, to) in moves {
            let from = self.labels[u];
            if from == to {
                continue;
            }
            if len > 0 && ((from, to) != pair || len == MOVE_BATCH) {
                self.transfer_rows(matrix, n, pair, &batch[..len]);
                len = 0;
            }
            pair = (from, to);
            batch[len] = u;
            len += 1;
            // Labels and sizes move at once (a later move of the same row
            // reads its new label); the columns follow with the batch.
            self.sizes[from] -= 1;
            self.sizes[to] += 1;
            self.labels[u] = to;
        }
        if len > 0 {
            self.transfer_rows(matrix, n, pair, &batch[..len]);
        }
    }

    /// The columns of `from` and `to` after `rows` (1 to [`MOVE_BATCH`])
    /// moved from one to the other, in order.
    fn transfer_rows(
        &mut self,
        matrix: &[u16],
        n: usize,
        (from, to): (usize, usize),
        rows: &[usize],
    ) {
        let (from_col, to_col) = Self::two_columns(&mut self.sums, from, to);
        let row = |b: usize| &matrix[rows[b] * n..(rows[b] + 1) * n];
        match rows.len() {
            1 => transfer(from_col, to_col, row(0)),
            2 => transfer_many::<2>(from_col, to_col, std::array::from_fn(row)),
            3 => transfer_many::<3>(from_col, to_col, std::array::from_fn(row)),
            4 => transfer_many::<4>(from_col, to_col, std::array::from_fn(row)),
            5 => transfer_many::<5>(from_col, to_col, std::array::from_fn(row)),
            6 => transfer_many::<6>(from_col, to_col, std::array::from_fn(row)),
            7 => transfer_many::<7>(from_col, to_col, std::array::from_fn(row)),
            _ => transfer_many::<MOVE_BATCH>(from_col, to_col, std::array::from_fn(row)),
        }
    }

    /// Silhouette of point `t` under the current state.
    pub fn point(&self, t: usize) -> f64 {
        let own = self.labels[t];
        let size = self.sizes[own];
        if size <= 1 {
            return 0.0;
        }
        let mut q = f64::INFINITY;
        for (c, (col, &m)) in self.sums.iter().zip(&self.sizes).enumerate() {
            if c != own && m > 0 {
                q = q.min(col[t] / m as f64);
            }
        }
        coefficient::<f64>(self.sums[own][t] / (size - 1) as f64, q)
    }

    /// For a sweep that moves rows only among the clusters of `affected`: for
    /// every row, the smallest mean distance to a non-empty cluster outside
    /// `affected` other than its own (∞ when there is none). O(n·k), computed
    /// once per sweep; [`Self::silhouette_within`] then costs O(n·|affected|).
    pub fn other_means_min(&self, affected: &[usize]) -> Vec<f64> {
        let mut q = vec![f64::INFINITY; self.labels.len()];
        for (c, (col, &m)) in self.sums.iter().zip(&self.sizes).enumerate() {
            if m == 0 || affected.contains(&c) {
                continue;
            }
            dispatch(OtherMeans {
                q: &mut q,
                column: col,
                labels: &self.labels,
                slot: c,
                size: m as f64,
            });
        }
        q
    }
    /// Mean silhouette were every row of cluster `b` moved to cluster `a`, in
    /// O(n·k) without moving any row (the merged column is `S_a + S_b`):
    /// moving the rows one at a time costs O(|b|·n).
    pub fn silhouette_merged(&self, a: usize, b: usize) -> f64 {
        let n = self.labels.len();
        let merged = self.sizes[a] + self.sizes[b];
        let clusters = self
            .sizes
            .iter()
            .enumerate()
            .filter(|&(c, &m)| c != b && (m > 0 || (c == a && merged > 0)))
            .count();
        if a == b || clusters < 2 {
            return if a == b { self.silhouette() } else { 0.0 };
        }
        // Cluster by cluster across the rows (compiled for the CPU's
        // vectors), the same divisions and the same minimum as row by row;
        // the rows' values are then summed in row order.
        let mut q = vec![f64::INFINITY; n];
        // The own mean of every row, NaN for a row alone in its cluster.
        let mut r = vec![f64::NAN; n];
        for c in (0..self.sums.len()).filter(|&c| c != b) {
            let (size, merging) = if c == a {
                (merged, true)
            } else {
                (self.sizes[c], false)
            };
            if size == 0 {
                continue;
            }
            dispatch(MergedMeans {
                q: &mut q,
                r: &mut r,
                column: &self.sums[c],
                merged_column: merging.then(|| self.sums[b].as_slice()),
                labels: &self.labels,
                slot: c,
                absorbed: b,
                size,
            });
        }
        let mut total = 0.0;
        for (&q, &r) in q.iter().zip(&r) {
            if !r.is_nan() {
                total += coefficient::<f64>(r, q);
            }
        }
        total / n as f64
    }

    /// Mean silhouette in O(n·k). With fewer than two non-empty clusters the
    /// value is 0 (every point would score 0 by the singleton convention).
    pub fn silhouette(&self) -> f64 {
        let n = self.labels.len();
        if self.clusters() < 2 {
            return 0.0;
        }
        let q = self.other_means_min(&[]);
        let mut total = 0.0;
        for (t, &q) in q.iter().enumerate() {
            let own = self.labels[t];
            let size = self.sizes[own];
            if size > 1 {
                total += coefficient::<f64>(self.sums[own][t] / (size - 1) as f64, q);
            }
        }
        total / n as f64
    }
}

/// Rows moved together by [`SilhouetteState::move_points`].
const MOVE_BATCH: usize = 8;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::silhouette;
    use ndarray::Array2;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// Moves applied together (runs between the same two clusters, longer
    /// and shorter than a batch, a row moved twice, moves to its own cluster)
    /// leave the state of the same moves one at a time, bit for bit.
    #[test]
    fn moves_applied_together_are_the_moves_one_at_a_time_bit_for_bit() {
        let mut rng = ChaCha8Rng::seed_from_u64(8);
        let n = 203;
        let k = 4;
        let x = ndarray::Array2::from_shape_fn((n, 3), |_| rng.random::<f64>() * 10.0);
        let dist = Distances::new(x.view());
        let labels: Vec<usize> = (0..n).map(|_| rng.random_range(0..k)).collect();
        let mut moves: Vec<(usize, usize)> = (0..25).map(|u| (u, 1)).collect();
        moves.extend((30..33).map(|u| (u, 2)));
        moves.push((5, 3));
        moves.extend((0..150).map(|_| (rng.random_range(0..n), rng.random_range(0..k))));
        let mut one_at_a_time = SilhouetteState::new(&dist, &labels, k);
        let mut together = one_at_a_time.clone();
        for &(u, to) in &moves {
            one_at_a_time.move_point(&dist, u, to);
        }
        together.move_points(&dist, &moves);
        assert_eq!(together.labels(), one_at_a_time.labels());
        assert_eq!(together.sizes(), one_at_a_time.sizes());
        for c in 0..k {
            for t in 0..n {
                assert_eq!(
                    together.sum(t, c).to_bits(),
                    one_at_a_time.sum(t, c).to_bits(),
                    "row {t}, cluster {c}"
                );
            }
        }
    }

    #[test]
    fn incremental_matches_exact_after_random_moves() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let n = 120;
        let x = Array2::from_shape_fn((n, 3), |_| rng.random::<f64>());
        let k = 4;
        let labels: Vec<usize> = (0..n).map(|i| i % k).collect();
        for budget in [Distances::MATRIX_BUDGET, 0] {
            let dist = if budget == 0 {
                Distances::on_demand(x.view())
            } else {
                Distances::new(x.view())
            };
            // The matrix holds distances to half a unit (2⁻¹⁷ of their
            // bound); on demand they are exact.
            let tolerance = if dist.has_matrix() { 1e-4 } else { 1e-9 };
            let mut state = SilhouetteState::new(&dist, &labels, k);
            for step in 0..300 {
                let u = rng.random_range(0..n);
                let to = rng.random_range(0..k);
                if state.sizes()[state.labels()[u]] > 1 {
                    state.move_point(&dist, u, to);
                }
                if step % 50 == 0 {
                    let exact = silhouette(x.view(), state.labels()).unwrap();
                    assert!((state.silhouette() - exact).abs() < tolerance);
                }
            }
            let exact = silhouette(x.view(), state.labels()).unwrap();
            assert!((state.silhouette() - exact).abs() < tolerance);
        }
    }

    #[test]
    fn merged_silhouette_matches_moving_the_rows() {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let n = 80;
        let x = Array2::from_shape_fn((n, 3), |_| rng.random::<f64>());
        let labels: Vec<usize> = (0..n).map(|i| (i * 7) % 5).collect();
        let dist = Distances::new(x.view());
        let state = SilhouetteState::new(&dist, &labels, 5);
        for (a, b) in [(0, 1), (3, 1), (4, 2), (0, 4)] {
            let mut moved = state.clone();
            for t in 0..n {
                if moved.labels()[t] == b {
                    moved.move_point(&dist, t, a);
                }
            }
            assert!((state.silhouette_merged(a, b) - moved.silhouette()).abs() < 1e-12);
        }
        // Two clusters merged into one: silhouette 0 by convention.
        let two = SilhouetteState::new(
            &dist,
            &vec![0; n]
                .iter()
                .enumerate()
                .map(|(t, _)| t % 2)
                .collect::<Vec<_>>(),
            2,
        );
        assert_eq!(two.silhouette_merged(0, 1), 0.0);
    }

    /// The merged silhouette is the row-by-row formula bit for bit (the
    /// merged cluster's mean from the summed columns, the minimum over the
    /// other non-empty clusters, rows alone in their cluster left out), with
    /// a singleton, an empty slot and either cluster the larger; and the
    /// means outside a sweep's clusters are the row-by-row minimum.
    #[test]
    #[allow(clippy::needless_range_loop)]
    fn merged_silhouette_is_the_row_by_row_formula() {
        let mut rng = ChaCha8Rng::seed_from_u64(15);
        let n = 61;
        // Slot 5 is empty, slot 4 holds one row; the clusters lie in a row,
        // so the merged one is the nearest other cluster of many rows.
        let labels: Vec<usize> = (0..n)
            .map(|t| if t == 7 { 4 } else { (t * 3) % 4 })
            .collect();
        let x = Array2::from_shape_fn((n, 2), |(t, f)| {
            let centre = if f == 0 { labels[t] as f64 } else { 0.0 };
            centre + 0.8 * rng.random::<f64>()
        });
        let dist = Distances::new(x.view());
        let state = SilhouetteState::new(&dist, &labels, 6);
        let row_by_row = |a: usize, b: usize| {
            let sizes = state.sizes();
            let merged = sizes[a] + sizes[b];
            let mut total = 0.0;
            for t in 0..n {
                let own = if labels[t] == b { a } else { labels[t] };
                let size = if own == a { merged } else { sizes[own] };
                if size <= 1 {
                    continue;
                }
                let mean_of = |c: usize| {
                    if c == a {
                        (state.sum(t, a) + state.sum(t, b)) / merged as f64
                    } else {
                        state.sum(t, c) / sizes[c] as f64
                    }
                };
                let own_sum = if own == a {
                    state.sum(t, a) + state.sum(t, b)
                } else {
                    state.sum(t, own)
                };
                let mut q = f64::INFINITY;
                for c in 0..6 {
                    let present = if c == a { merged > 0 } else { sizes[c] > 0 };
                    if c != own && c != b && present {
                        q = q.min(mean_of(c));
                    }
                }
                total += coefficient::<f64>(own_sum / (size - 1) as f64, q);
            }
            total / n as f64
        };
        for (a, b) in [(0, 1), (1, 0), (2, 4), (4, 2), (3, 5), (0, 3)] {
            assert_eq!(
                state.silhouette_merged(a, b).to_bits(),
                row_by_row(a, b).to_bits(),
                "{a} and {b}"
            );
        }
        for affected in [vec![0, 1], vec![2], vec![]] {
            let q = state.other_means_min(&affected);
            for t in 0..n {
                let mut want = f64::INFINITY;
                for c in (0..6).filter(|c| !affected.contains(c) && *c != labels[t]) {
                    if state.sizes()[c] > 0 {
                        want = want.min(state.sum(t, c) / state.sizes()[c] as f64);
                    }
                }
                assert_eq!(q[t].to_bits(), want.to_bits());
            }
        }
    }

    #[test]
    fn empty_slots_are_ignored() {
        let x = ndarray::array![[0.0], [1.0], [10.0], [11.0]];
        let dist = Distances::new(x.view());
        // Distances of 1 held to half a unit of 11/65 535.
        let tolerance = 1e-4;
        let mut state = SilhouetteState::new(&dist, &[0, 0, 2, 2], 3);
        let exact = silhouette(x.view(), &[0, 0, 2, 2]).unwrap();
        assert!((state.silhouette() - exact).abs() < tolerance);
        let s = state.add_slot();
        state.move_point(&dist, 3, s);
        let exact = silhouette(x.view(), &[0, 0, 2, 3]).unwrap();
        assert!((state.silhouette() - exact).abs() < tolerance);
    }
}
