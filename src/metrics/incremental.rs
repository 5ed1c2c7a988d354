//! Incremental silhouette (DESIGN.md "Silhouette fast"): keep
//! `S[t][k] = Σ_{u∈C_k} d(t,u)` for every point and cluster. The silhouette is
//! then O(n·K) from S, and moving one point updates S in O(n) with a
//! precomputed distance matrix (O(n·d) without one).

use super::euclidean;
use super::vector::{dispatch, Kernel};
use ndarray::{Array1, Array2, ArrayView2, Axis};
use rayon::prelude::*;

/// Pairwise Euclidean distances: a precomputed matrix when it fits the memory
/// budget, otherwise computed from the data on demand.
///
/// The matrix holds each distance as a whole number of [`Self::unit`]s in 16
/// bits, rounded to the nearest: the local search reads a matrix row for
/// every row it moves and the whole matrix for every state it starts from,
/// so the bytes per distance are its time (single precision, 4 bytes,
/// measured about 30 % less time than f64 on engytime and bank). The unit is 1/65 535 of twice the
/// largest distance from the mean row, a bound on the largest distance, so
/// a distance is within half a unit of its exact value, at most 2⁻¹⁷ of the
/// data's diameter bound (on features scaled to [0, 1], a unit is at most
/// 2√d / 65 535). Sums of whole units are exact in f64 (and in u32
/// up to 65 537 rows), so sums over the same rows agree bit for bit in any
/// order. The silhouette a fit reports is always recomputed exactly in f64.
#[derive(Debug, Clone)]
pub struct Distances {
    x: Array2<f64>,
    matrix: Option<Vec<u16>>,
    /// The distance one step of the matrix stands for (1 without a matrix).
    unit: f64,
}

impl Distances {
    /// Largest matrix kept in memory, in bytes (n² · 2): 512 MiB, n ≤ 16 384.
    pub const MATRIX_BUDGET: usize = 512 << 20;

    /// How far a mean silhouette from the matrix may be from the exact one
    /// before the two are told apart: silhouettes from the matrix closer
    /// than this to a leader are recomputed exactly before runs are
    /// chosen. A held distance is within half a unit of the exact one, so a
    /// row's silhouette within about unit / max(q, r); the mean silhouettes
    /// of every instance of the paper's suites, at their reference labels
    /// and k-means' at k = 2, 4, 7 and 10, were within 5e-6 (zoo, whose
    /// distances repeat and round alike), a twentieth of this margin
    /// (`tests/metrics.rs` holds them within a tenth).
    pub const ESTIMATE_MARGIN: f64 = 1e-4;

    /// Prepare distances for the rows of `x`; the matrix is built (in
    /// parallel) when n² 16-bit values fit [`Self::MATRIX_BUDGET`].
    pub fn new(x: ArrayView2<f64>) -> Self {
        let n = x.nrows();
        let x = x.as_standard_layout().to_owned();
        let fits = n * n * std::mem::size_of::<u16>() <= Self::MATRIX_BUDGET;
        if !fits {
            return Self {
                x,
                matrix: None,
                unit: 1.0,
            };
        }
        let d = x.ncols();
        let flat = x.as_slice().expect("standard layout");
        // Every distance is at most twice the largest distance from the
        // mean (triangle inequality through the mean).
        let mean = x.mean_axis(Axis(0)).unwrap_or_else(|| Array1::zeros(d));
        let mean = mean.as_slice().expect("a fresh array");
        let radius = flat
            .chunks_exact(d.max(1))
            .map(|row| euclidean(row, mean))
            .fold(0.0f64, f64::max);
        let bound = 2.0 * radius;
        let unit = if bound > 0.0 && bound.is_finite() {
            bound / f64::from(u16::MAX)
        } else {
            1.0
        };
        let mut m = vec![0u16; n * n];
        m.par_chunks_mut(n.max(1)).enumerate().for_each(|(t, row)| {
            let a = &flat[t * d..(t + 1) * d];
            for (u, cell) in row.iter_mut().enumerate() {
                // To the nearest step: the distance is not negative, so adding
                // a half and truncating (`as`) is `round`, which is a libm
                // call without SSE4.1. The rounding of the bound itself can
                // reach one step past it.
                let steps = euclidean(a, &flat[u * d..(u + 1) * d]) / unit + 0.5;
                *cell = steps.min(f64::from(u16::MAX)) as u16;
            }
        });
        Self {
            x,
            matrix: Some(m),
            unit,
        }
    }

    /// The distance one unit of the per-cluster sums ([`Self::sums_by_label_all`],
    /// [`SilhouetteState::sum`]) stands for: the matrix's step, or 1 when
    /// distances are computed on demand.
    pub fn unit(&self) -> f64 {
        self.unit
    }

    /// Whether the matrix is held (else distances are computed on demand).
    pub fn has_matrix(&self) -> bool {
        self.matrix.is_some()
    }

    /// Number of points.
    pub fn n(&self) -> usize {
        self.x.nrows()
    }

    /// The points.
    pub fn points(&self) -> ArrayView2<'_, f64> {
        self.x.view()
    }

    /// Distances from point `u` to every point, written into `out`.
    pub fn row_into(&self, u: usize, out: &mut [f64]) {
        match &self.matrix {
            Some(m) => {
                let n = self.n();
                for (o, &v) in out.iter_mut().zip(&m[u * n..(u + 1) * n]) {
                    *o = f64::from(v) * self.unit;
                }
            }
            None => {
                let d = self.x.ncols();
                let flat = self.x.as_slice().expect("standard layout");
                let a = &flat[u * d..(u + 1) * d];
                for (t, o) in out.iter_mut().enumerate() {
                    *o = euclidean(a, &flat[t * d..(t + 1) * d]);
                }
            }
        }
    }

    /// `out[c] = Σ_{u: labels[u] = c} d(t, u)` in [`Self::unit`]s
    /// ([`sums_by_label`]): the matrix row is read in place; without it the
    /// distances are computed into `row` (length n).
    pub(crate) fn sums_by_label(
        &self,
        t: usize,
        labels: &[usize],
        row: &mut [f64],
        acc: &mut [f64],
        out: &mut [f64],
    ) {
        match &self.matrix {
            Some(m) => {
                let n = self.n();
                sums_by_label(&m[t * n..(t + 1) * n], labels, acc, out);
            }
            None => {
                self.row_into(t, row);
                sums_by_label(row, labels, acc, out);
            }
        }
    }

    /// Every row's per-cluster distance sums in [`Self::unit`]s,
    /// cluster-major: `out[c][t] = Σ_{u: labels[u] = c} d(t, u)` for `k`
    /// clusters, each sum bit for bit the one [`sums_by_label`] gives for
    /// row t.
    ///
    /// With the matrix, by columns: the matrix is symmetric, so matrix row u
    /// is added to the column of u's cluster, a contiguous vector addition,
    /// instead of scattering every distance into its row's cluster cell (the
    /// scatter waits on the cell it last wrote; the additions measured
    /// several times faster on engytime's 4096 rows). The additions are of
    /// whole units in u32, sixteen to a 512-bit vector, exact and so the
    /// same in any order: n · 65 535 < 2³² for the n ≤ 16 384 rows a matrix
    /// holds.
    pub(crate) fn sums_by_label_all(&self, labels: &[usize], k: usize) -> Vec<Vec<f64>> {
        let n = self.n();
        let Some(m) = &self.matrix else {
            let mut by_row = vec![0.0; n * k];
            by_row.par_chunks_mut(k.max(1)).enumerate().for_each_init(
                || (vec![0.0; n], vec![0.0; 4 * k]),
                |(row, acc), (t, out)| self.sums_by_label(t, labels, row, acc, out),
            );
            return (0..k)
                .map(|c| (0..n).map(|t| by_row[t * k + c]).collect())
                .collect();
        };
        // Rows t in chunks (one per task), the chunk's k accumulators in L1.
        const CHUNK: usize = 1024;
        let mut out: Vec<Vec<f64>> = vec![vec![0.0; n]; k];
        let chunks: Vec<(usize, Vec<Vec<f64>>)> = (0..n.div_ceil(CHUNK))
            .into_par_iter()
            .map(|chunk| {
                let start = chunk * CHUNK;
                let end = (start + CHUNK).min(n);
                let width = end - start;
                let mut acc = vec![0u32; k * width];
                for (u, &label) in labels.iter().enumerate() {
                    let cell = label * width;
                    add_row(&mut acc[cell..cell + width], &m[u * n + start..u * n + end]);
                }
                let columns = acc
                    .chunks_exact(width)
                    .map(|column| column.iter().map(|&s| f64::from(s)).collect())
                    .collect();
                (start, columns)
            })
            .collect();
        for (start, columns) in chunks {
            for (column, part) in out.iter_mut().zip(columns) {
                column[start..start + part.len()].copy_from_slice(&part);
            }
        }
        out
    }

    /// Distance between points `t` and `u`.
    pub fn get(&self, t: usize, u: usize) -> f64 {
        match &self.matrix {
            Some(m) => f64::from(m[t * self.n() + u]) * self.unit,
            None => {
                let d = self.x.ncols();
                let flat = self.x.as_slice().expect("standard layout");
                euclidean(&flat[t * d..(t + 1) * d], &flat[u * d..(u + 1) * d])
            }
        }
    }
}

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
    labels: Vec<usize>,
    sizes: Vec<usize>,
    /// `sums[c][t] = Σ_{u∈C_c} d(t,u)`.
    sums: Vec<Vec<f64>>,
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
        match &distances.matrix {
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
    /// applied together, up to [`MOVE_BATCH`] rows at a time, so the two
    /// columns are read and written once per batch instead of once per row
    /// (a move is memory-bound on them: eight rows of 4,000 measured 24.2 µs
    /// one at a time and 6.6 µs together, `cargo bench --bench silhouette --
    /// move_points`).
    pub fn move_points(&mut self, distances: &Distances, moves: &[(usize, usize)]) {
        let Some(matrix) = &distances.matrix else {
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
        silhouette_value(self.sums[own][t] / (size - 1) as f64, q)
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

    /// What every evaluation of a sweep among the clusters of `affected`
    /// shares (see [`SweepFrame`]), in O(n·k): the clusters outside
    /// `affected` keep their columns and their rows whatever the direction,
    /// so one frame serves every sweep of a boundary.
    pub fn sweep_frame(&self, affected: &[usize]) -> SweepFrame {
        let other_min = self.other_means_min(affected);
        // Rows of the other clusters keep their own mean: it is read once.
        let fixed_own: Vec<f64> = self
            .labels
            .iter()
            .enumerate()
            .map(|(t, &own)| {
                if affected.contains(&own) || self.sizes[own] <= 1 {
                    // Affected rows take their mean from their column at
                    // every position; singletons score 0.
                    f64::NAN
                } else {
                    self.sums[own][t] * (1.0 / (self.sizes[own] - 1) as f64)
                }
            })
            .collect();
        SweepFrame {
            affected: affected.to_vec(),
            other_min,
            fixed_own,
        }
    }

    /// Mean silhouette in O(n·|affected|) when, since `frame` was made by
    /// [`Self::sweep_frame`], rows have moved only among its affected
    /// clusters (DESIGN.md: q(t) = min(cached best of the other clusters,
    /// the means to the affected ones)). Rows outside `affected` keep their
    /// own cluster, whose column did not change.
    ///
    /// This is the innermost loop of every sweep. It is written without
    /// branches on the rows (the own cluster is selected, not branched on) and
    /// summed in [`LANES`] independent partial sums, so the compiler keeps it
    /// busy: with the sweep frame this measured wine's MPC-2 run 1.3×
    /// faster than the branchy loop. Means are taken by multiplication with reciprocals (a division
    /// per cluster and row measured 1.6× slower).
    pub fn silhouette_within(&self, frame: &SweepFrame) -> f64 {
        // (slot, column, 1/|c|, 1/(|c|−1) or NaN for a singleton); empty
        // clusters are left out of the minimum.
        let column_of = |c: usize| {
            let size = self.sizes[c];
            (size > 0).then(|| {
                let own = if size > 1 {
                    1.0 / (size - 1) as f64
                } else {
                    f64::NAN
                };
                Column {
                    slot: c,
                    sums: self.sums[c].as_slice(),
                    reciprocal: 1.0 / size as f64,
                    own_reciprocal: own,
                }
            })
        };
        let mut inline = [Column::EMPTY; MAX_INLINE_AFFECTED];
        let mut count = 0;
        let heap: Vec<Column>;
        let columns: &[Column] = if frame.affected.len() <= MAX_INLINE_AFFECTED {
            for column in frame.affected.iter().filter_map(|&c| column_of(c)) {
                inline[count] = column;
                count += 1;
            }
            &inline[..count]
        } else {
            heap = frame
                .affected
                .iter()
                .filter_map(|&c| column_of(c))
                .collect();
            &heap
        };
        // One instantiation per column count: the loop over the rows then
        // has no inner loop of unknown length and the compiler vectorizes
        // it across rows.
        match columns.len() {
            0 => self.within_columns::<0>(frame, &inline[..0]),
            1 => self.within_columns::<1>(frame, columns),
            2 => self.within_columns::<2>(frame, columns),
            3 => self.within_columns::<3>(frame, columns),
            4 => self.within_columns::<4>(frame, columns),
            5 => self.within_columns::<5>(frame, columns),
            6 => self.within_columns::<6>(frame, columns),
            _ => self.within_any(frame, columns),
        }
    }

    /// [`Self::silhouette_within`] over exactly `N` columns, compiled for
    /// the CPU's widest vectors.
    #[inline(never)]
    fn within_columns<const N: usize>(&self, frame: &SweepFrame, columns: &[Column]) -> f64 {
        struct Within<'s, const N: usize>(&'s SilhouetteState, &'s SweepFrame, &'s [Column<'s>]);
        impl<const N: usize> Kernel for Within<'_, N> {
            type Output = f64;
            #[inline(always)]
            fn run(self) -> f64 {
                self.0.within_columns_body::<N>(self.1, self.2)
            }
        }
        dispatch(Within::<N>(self, frame, columns))
    }

    /// The loop of [`Self::within_columns`], [`LANES`] rows at a time
    /// (branch-free: the own cluster is selected, not branched on).
    #[inline(always)]
    fn within_columns_body<const N: usize>(&self, frame: &SweepFrame, columns: &[Column]) -> f64 {
        let n = self.labels.len();
        let columns: [Column; N] = std::array::from_fn(|c| columns[c]);
        let mut partial = [0.0; LANES];
        let whole = n - n % LANES;
        // Every slice cut to the whole chunks once: the loop then indexes
        // fixed-size chunks without a bounds check per column.
        let sums: [&[f64]; N] = std::array::from_fn(|c| &columns[c].sums[..whole]);
        let chunks = self.labels[..whole]
            .chunks_exact(LANES)
            .zip(frame.other_min[..whole].chunks_exact(LANES))
            .zip(frame.fixed_own[..whole].chunks_exact(LANES));
        for (chunk, ((labels, other_min), fixed_own)) in chunks.enumerate() {
            let start = chunk * LANES;
            let mut q: [f64; LANES] = other_min.try_into().expect("lanes");
            let mut r: [f64; LANES] = fixed_own.try_into().expect("lanes");
            for (column, sums) in columns.iter().zip(&sums) {
                let sums: &[f64; LANES] = sums[start..start + LANES].try_into().expect("lanes");
                for lane in 0..LANES {
                    let sum = sums[lane];
                    let mean = sum * column.reciprocal;
                    let is_own = labels[lane] == column.slot;
                    q[lane] = if !is_own && mean < q[lane] {
                        mean
                    } else {
                        q[lane]
                    };
                    r[lane] = if is_own {
                        sum * column.own_reciprocal
                    } else {
                        r[lane]
                    };
                }
            }
            for lane in 0..LANES {
                partial[lane] += silhouette_lane(q[lane], r[lane]);
            }
        }
        let tail: f64 = (whole..n)
            .map(|t| self.within_row(frame, &columns, t))
            .sum();
        (partial.iter().sum::<f64>() + tail) / n as f64
    }

    /// [`Self::silhouette_within`] over any number of columns, row by row.
    fn within_any(&self, frame: &SweepFrame, columns: &[Column]) -> f64 {
        let n = self.labels.len();
        (0..n)
            .map(|t| self.within_row(frame, columns, t))
            .sum::<f64>()
            / n as f64
    }

    /// Silhouette of row `t` from the frame and the affected columns.
    #[inline(always)]
    fn within_row(&self, frame: &SweepFrame, columns: &[Column], t: usize) -> f64 {
        let own = self.labels[t];
        let mut q = frame.other_min[t];
        let mut r = frame.fixed_own[t];
        for column in columns {
            // Compare-and-select rather than `f64::min`, whose NaN rule
            // costs extra instructions (no mean here is NaN).
            let sum = column.sums[t];
            let mean = sum * column.reciprocal;
            let is_own = own == column.slot;
            q = if !is_own && mean < q { mean } else { q };
            r = if is_own {
                sum * column.own_reciprocal
            } else {
                r
            };
        }
        silhouette_lane(q, r)
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
                total += silhouette_value(r, q);
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
                total += silhouette_value(self.sums[own][t] / (size - 1) as f64, q);
            }
        }
        total / n as f64
    }
}

/// `out[c] = Σ_{u: labels[u] = c} row[u]` for `out.len()` clusters, with
/// `acc` (four times as long) as scratch. The sums are kept in four
/// interleaved sets of accumulators, one per residue of u mod 4: consecutive
/// rows of one cluster then add into different cells instead of each waiting
/// on the previous addition (the O(n²) passes that build per-cluster sums
/// measured about 2× faster so on engytime).
pub(crate) fn sums_by_label<T: Copy + Into<f64>>(
    row: &[T],
    labels: &[usize],
    acc: &mut [f64],
    out: &mut [f64],
) {
    let k = out.len();
    acc.iter_mut().for_each(|a| *a = 0.0);
    let n = row.len();
    let whole = n - n % 4;
    for (dists, ls) in row[..whole].chunks_exact(4).zip(labels.chunks_exact(4)) {
        for lane in 0..4 {
            acc[lane * k + ls[lane]] += dists[lane].into();
        }
    }
    for (&dist, &l) in row[whole..].iter().zip(&labels[whole..]) {
        acc[l] += dist.into();
    }
    for (c, o) in out.iter_mut().enumerate() {
        *o = (acc[c] + acc[k + c]) + (acc[2 * k + c] + acc[3 * k + c]);
    }
}

/// `q = min(q, column / size)` on the rows outside cluster `slot`, compiled
/// for the CPU's widest vectors (the mean selected, not branched on: the
/// same minimum, since no mean is NaN).
struct OtherMeans<'a> {
    q: &'a mut [f64],
    column: &'a [f64],
    labels: &'a [usize],
    slot: usize,
    size: f64,
}

impl Kernel for OtherMeans<'_> {
    type Output = ();
    #[inline(always)]
    fn run(self) {
        for ((q, &s), &own) in self.q.iter_mut().zip(self.column).zip(self.labels) {
            let mean = s / self.size;
            *q = if own != self.slot && mean < *q {
                mean
            } else {
                *q
            };
        }
    }
}

/// One cluster's part of [`SilhouetteState::silhouette_merged`]: the rows
/// of cluster `slot` (or of `absorbed`, merged into it) take their own mean
/// from its column (plus the merged one), the others the minimum of `q` and
/// the cluster's mean.
struct MergedMeans<'a> {
    q: &'a mut [f64],
    r: &'a mut [f64],
    column: &'a [f64],
    /// The absorbed cluster's column, when `slot` is the cluster kept.
    merged_column: Option<&'a [f64]>,
    labels: &'a [usize],
    slot: usize,
    absorbed: usize,
    size: usize,
}

impl Kernel for MergedMeans<'_> {
    type Output = ();
    #[inline(always)]
    fn run(self) {
        let others_in_own = (self.size - 1) as f64;
        let size = self.size as f64;
        let rows = self.q.iter_mut().zip(self.r.iter_mut()).zip(self.labels);
        match self.merged_column {
            Some(merged) => {
                for (((q, r), &label), (&s, &m)) in rows.zip(self.column.iter().zip(merged)) {
                    let sum = s + m;
                    let own = label == self.slot || label == self.absorbed;
                    let mean = sum / size;
                    *q = if !own && mean < *q { mean } else { *q };
                    if own && self.size > 1 {
                        *r = sum / others_in_own;
                    }
                }
            }
            None => {
                for (((q, r), &label), &s) in rows.zip(self.column) {
                    let own = label == self.slot;
                    let mean = s / size;
                    *q = if !own && mean < *q { mean } else { *q };
                    if own && self.size > 1 {
                        *r = s / others_in_own;
                    }
                }
            }
        }
    }
}

/// `from -= row`, `to += row`: a row moving between two clusters' columns,
/// compiled for the CPU's widest vectors.
fn transfer(from: &mut [f64], to: &mut [f64], row: &[u16]) {
    struct Transfer<'a>(&'a mut [f64], &'a mut [f64], &'a [u16]);
    impl Kernel for Transfer<'_> {
        type Output = ();
        #[inline(always)]
        fn run(self) {
            transfer_body(self.0, self.1, self.2);
        }
    }
    dispatch(Transfer(from, to, row));
}

/// `B` rows moving in order between two clusters' columns (`from -= row`,
/// `to += row` for each), compiled for the CPU's widest vectors.
fn transfer_many<const B: usize>(from: &mut [f64], to: &mut [f64], rows: [&[u16]; B]) {
    struct TransferMany<'a, const B: usize>(&'a mut [f64], &'a mut [f64], [&'a [u16]; B]);
    impl<const B: usize> Kernel for TransferMany<'_, B> {
        type Output = ();
        #[inline(always)]
        fn run(self) {
            transfer_many_body(self.0, self.1, self.2);
        }
    }
    dispatch(TransferMany(from, to, rows));
}

/// The loop of [`transfer_many`]: each entry of the two columns is loaded
/// once and stored once. The rows' distances are whole units: their sum in
/// u32 is exact, and so is the column entry less (or plus) that sum, the
/// value `B` successive [`transfer_body`] calls leave bit for bit, at one
/// conversion to f64 per entry instead of one per row.
#[inline(always)]
fn transfer_many_body<const B: usize>(from: &mut [f64], to: &mut [f64], rows: [&[u16]; B]) {
    let n = from.len();
    let to = &mut to[..n];
    let rows: [&[u16]; B] = std::array::from_fn(|b| &rows[b][..n]);
    for t in 0..n {
        let moved = f64::from(rows.iter().map(|row| u32::from(row[t])).sum::<u32>());
        from[t] -= moved;
        to[t] += moved;
    }
}

/// `acc += row` in whole units, compiled for the CPU's widest vectors.
fn add_row(acc: &mut [u32], row: &[u16]) {
    struct AddRow<'a>(&'a mut [u32], &'a [u16]);
    impl Kernel for AddRow<'_> {
        type Output = ();
        #[inline(always)]
        fn run(self) {
            add_row_body(self.0, self.1);
        }
    }
    dispatch(AddRow(acc, row));
}

/// `from -= row`, `to += row`: a row moving between two clusters' columns.
#[inline(always)]
fn transfer_body(from: &mut [f64], to: &mut [f64], row: &[u16]) {
    for ((f, t), &dist) in from.iter_mut().zip(to.iter_mut()).zip(row) {
        let dist = f64::from(dist);
        *f -= dist;
        *t += dist;
    }
}

/// `acc += row`.
#[inline(always)]
fn add_row_body(acc: &mut [u32], row: &[u16]) {
    for (a, &dist) in acc.iter_mut().zip(row) {
        *a += u32::from(dist);
    }
}

/// Rows moved together by [`SilhouetteState::move_points`].
const MOVE_BATCH: usize = 8;

/// Affected clusters held without allocation by
/// [`SilhouetteState::silhouette_within`] (a sweep touches i, j and the
/// fallback clusters of a few rows).
const MAX_INLINE_AFFECTED: usize = 8;

/// Partial sums of [`SilhouetteState::silhouette_within`]: independent sums
/// the compiler can hold in vector registers. With the loop over fixed-size
/// chunks, eight (one AVX-512 register of f64) measured faster than four
/// (`cargo bench --bench silhouette -- silhouette_within`, 300 rows: 431 ns
/// with four lanes indexed per column, 338 ns chunked, 281 ns chunked with
/// eight).
const LANES: usize = 8;

/// An affected cluster's column as [`SilhouetteState::silhouette_within`]
/// reads it.
#[derive(Clone, Copy)]
struct Column<'s> {
    slot: usize,
    sums: &'s [f64],
    /// 1/|c|.
    reciprocal: f64,
    /// 1/(|c|−1), NaN for a singleton.
    own_reciprocal: f64,
}

impl Column<'_> {
    const EMPTY: Self = Column {
        slot: usize::MAX,
        sums: &[],
        reciprocal: 0.0,
        own_reciprocal: 0.0,
    };
}

/// What the evaluations of one sweep share: the clusters rows move among,
/// every row's smallest mean distance to the other clusters, and the own mean
/// of every row outside them.
#[derive(Debug, Clone)]
pub struct SweepFrame {
    affected: Vec<usize>,
    other_min: Vec<f64>,
    /// Own mean of a row outside `affected` (NaN for the others, and for a
    /// row alone in its cluster).
    fixed_own: Vec<f64>,
}

/// [`silhouette_value`] without branches, r NaN for a row alone in its
/// cluster (value 0). The quotient is taken in single precision: the 8-lane
/// double division bounded the sweeps' scoring, and twice the lanes at a
/// shorter latency measured `silhouette_within` (800 rows, three affected
/// clusters) 1.13 → 0.75 µs. A row's value is then within 2⁻²⁴ of its own,
/// far below the matrix's error ([`Distances::ESTIMATE_MARGIN`]); the
/// sweeps only rank positions with it.
#[inline(always)]
fn silhouette_lane(q: f64, r: f64) -> f64 {
    let denom = if q > r { q } else { r };
    let s = f64::from((q - r) as f32 / denom as f32);
    if q.is_finite() && denom > 0.0 && !r.is_nan() {
        s
    } else {
        0.0
    }
}

/// `(q − r) / max(q, r)`, 0 when no other cluster exists (q = ∞) or both
/// means are 0, as [`super::point_silhouette`] defines it.
fn silhouette_value(r: f64, q: f64) -> f64 {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::silhouette;
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

    /// The column-wise sums (with the matrix, over several row chunks and
    /// a tail of rows not a multiple of four) are the row-wise sums bit for
    /// bit, with and without the matrix.
    #[test]
    fn column_sums_are_the_row_sums_bit_for_bit() {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let n = 2 * 1024 + 7;
        let x = ndarray::Array2::from_shape_fn((n, 3), |_| rng.random::<f64>() * 10.0);
        let k = 5;
        let labels: Vec<usize> = (0..n).map(|_| rng.random_range(0..k)).collect();
        let with_matrix = Distances::new(x.view());
        assert!(with_matrix.has_matrix());
        let without = Distances {
            x: x.clone(),
            matrix: None,
            unit: 1.0,
        };
        for distances in [&with_matrix, &without] {
            let columns = distances.sums_by_label_all(&labels, k);
            let (mut row, mut acc, mut out) = (vec![0.0; n], vec![0.0; 4 * k], vec![0.0; k]);
            for t in 0..n {
                distances.sums_by_label(t, &labels, &mut row, &mut acc, &mut out);
                for (c, (column, sum)) in columns.iter().zip(&out).enumerate() {
                    assert_eq!(column[t].to_bits(), sum.to_bits(), "row {t}, cluster {c}");
                }
            }
        }
    }

    /// Every distance the matrix holds is within half a unit of the exact
    /// one, with an outlier stretching the bound, and the largest distance
    /// fits the 16 bits without clipping.
    #[test]
    fn matrix_distances_are_within_half_a_unit() {
        let mut rng = ChaCha8Rng::seed_from_u64(21);
        let n = 150;
        let mut x = Array2::from_shape_fn((n, 4), |_| rng.random::<f64>() - 0.5);
        x.row_mut(0).fill(400.0);
        let dist = Distances::new(x.view());
        assert!(dist.has_matrix());
        let unit = dist.unit();
        let mut largest = 0.0f64;
        for t in 0..n {
            for u in 0..n {
                let exact = euclidean(x.row(t).as_slice().unwrap(), x.row(u).as_slice().unwrap());
                largest = largest.max(exact);
                let held = dist.get(t, u);
                assert!(
                    (held - exact).abs() <= 0.5 * unit * (1.0 + 1e-9),
                    "rows {t} and {u}: {held} against {exact}, unit {unit}"
                );
            }
        }
        assert!(largest <= f64::from(u16::MAX) * unit);
        // Sums in whole units are the exact sums of the held distances.
        let labels: Vec<usize> = (0..n).map(|t| t % 3).collect();
        let columns = dist.sums_by_label_all(&labels, 3);
        for t in [0, 1, n - 1] {
            for (c, column) in columns.iter().enumerate() {
                let held: f64 = (0..n)
                    .filter(|&u| labels[u] == c)
                    .map(|u| (dist.get(t, u) / unit).round())
                    .sum();
                assert_eq!(column[t], held, "row {t}, cluster {c}");
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
            let mut dist = Distances::new(x.view());
            if budget == 0 {
                dist.matrix = None;
            }
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
    fn pair_silhouette_matches_after_moves_between_two_clusters() {
        let mut rng = ChaCha8Rng::seed_from_u64(8);
        let n = 90;
        let x = Array2::from_shape_fn((n, 2), |_| rng.random::<f64>());
        let labels: Vec<usize> = (0..n).map(|i| i % 4).collect();
        let dist = Distances::new(x.view());
        let mut state = SilhouetteState::new(&dist, &labels, 4);
        let frame = state.sweep_frame(&[1, 3]);
        for u in 0..n {
            let l = state.labels()[u];
            if (l == 1 || l == 3) && state.sizes()[l] > 2 && rng.random_bool(0.5) {
                state.move_point(&dist, u, 4 - l);
                // Each row's quotient in single precision (2⁻²⁴ relative).
                assert!((state.silhouette_within(&frame) - state.silhouette()).abs() < 1e-7);
            }
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
                total += silhouette_value(own_sum / (size - 1) as f64, q);
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
