//! Pairwise distances of the rows: a matrix of 16-bit units when it fits the
//! memory budget, otherwise computed on demand; and the per-cluster sums of
//! a row's distances that every silhouette is computed from.

use super::distance::euclidean;
use super::kernels::add_row;
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
        Self::new_until(x, &|| false).expect("a build that never stops ends")
    }

    /// [`Self::new`], abandoned (`None`) when `stop` says so (a run's
    /// deadline has passed) before the matrix is complete; it is asked
    /// before every row of the matrix, an O(n·d) step.
    pub fn new_until(x: ArrayView2<f64>, stop: &(dyn Fn() -> bool + Sync)) -> Option<Self> {
        let n = x.nrows();
        let x = x.as_standard_layout().to_owned();
        let fits = n * n * std::mem::size_of::<u16>() <= Self::MATRIX_BUDGET;
        if !fits {
            return Some(Self {
                x,
                matrix: None,
                unit: 1.0,
            });
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
        m.par_chunks_mut(n.max(1))
            .enumerate()
            .try_for_each(|(t, row)| {
                if stop() {
                    return None;
                }
                let a = &flat[t * d..(t + 1) * d];
                for (u, cell) in row.iter_mut().enumerate() {
                    // To the nearest step: the distance is not negative, so
                    // adding a half and truncating (`as`) is `round`, which is
                    // a libm call without SSE4.1. The rounding of the bound
                    // itself can reach one step past it.
                    let steps = euclidean(a, &flat[u * d..(u + 1) * d]) / unit + 0.5;
                    *cell = steps.min(f64::from(u16::MAX)) as u16;
                }
                Some(())
            })?;
        Some(Self {
            x,
            matrix: Some(m),
            unit,
        })
    }

    /// The distance one unit of the per-cluster sums (`Self::sums_by_label_all`,
    /// [`SilhouetteState::sum`](super::SilhouetteState::sum)) stands for: the matrix's step, or 1 when
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

    /// The matrix of whole units, row-major, when it is held.
    #[inline]
    pub(crate) fn matrix(&self) -> Option<&[u16]> {
        self.matrix.as_deref()
    }

    /// Distances of the rows of `x` computed on demand, without the matrix
    /// whatever its size (the path taken above the memory budget).
    #[cfg(test)]
    pub(crate) fn on_demand(x: ArrayView2<f64>) -> Self {
        Self {
            x: x.as_standard_layout().to_owned(),
            matrix: None,
            unit: 1.0,
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

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
        let without = Distances::on_demand(x.view());
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

    /// A build told to stop gives no distances; one never told to is the
    /// matrix [`Distances::new`] builds.
    #[test]
    fn a_stopped_build_gives_no_distances() {
        let mut rng = ChaCha8Rng::seed_from_u64(2);
        let x = Array2::from_shape_fn((50, 3), |_| rng.random::<f64>());
        assert!(Distances::new_until(x.view(), &|| true).is_none());
        let built = Distances::new_until(x.view(), &|| false).unwrap();
        assert_eq!(built.matrix(), Distances::new(x.view()).matrix());
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
}
