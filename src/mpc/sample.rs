//! Which rows Algorithm 2 scores the silhouette on above the sample size.

use ndarray::ArrayView2;

/// Seed of the sample Algorithm 2 runs on above the sample size: fixed, so
/// every run of a protocol (and `--k K` after a `--k-range` study) sees the
/// same rows.
pub const SEARCH_SAMPLE_SEED: u64 = 0x5eed;

/// Which rows Algorithm 2 scores the silhouette on (MPC paper §3.2 at
/// scale): every row up to the sample size; above it a fixed, seeded sample
/// of that many rows, drawn without replacement. The silhouette is O(n²),
/// everything else a run does is linear or n log n in the rows, so above the
/// sample size only the search is sampled: Algorithm 1 (k-means, the
/// assignment (31)–(32), the hyperplanes (1)–(12)) and the final model, its
/// labels and its fidelity use every row. The sample's labels are always the
/// ones the current polytopes give, so the search moves real hyperplanes.
#[derive(Debug, Clone)]
pub struct SearchRows {
    rows: Option<Vec<usize>>,
}

impl SearchRows {
    /// The rows for data of `n` rows and a sample size.
    pub fn choose(n: usize, sample_size: usize) -> Self {
        if n <= sample_size {
            return Self { rows: None };
        }
        use rand::SeedableRng;
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(SEARCH_SAMPLE_SEED);
        let mut rows = rand::seq::index::sample(&mut rng, n, sample_size).into_vec();
        rows.sort_unstable();
        Self { rows: Some(rows) }
    }

    /// Whether the search runs on a sample.
    pub fn is_sampled(&self) -> bool {
        self.rows.is_some()
    }

    /// The search's rows of X and Z (copies of the sample, or views of all).
    pub(super) fn select<'a>(
        &self,
        x: ArrayView2<'a, f64>,
        z: ArrayView2<'a, f64>,
    ) -> (
        ndarray::CowArray<'a, f64, ndarray::Ix2>,
        ndarray::CowArray<'a, f64, ndarray::Ix2>,
    ) {
        match &self.rows {
            None => (x.into(), z.into()),
            Some(rows) => (
                x.select(ndarray::Axis(0), rows).into(),
                z.select(ndarray::Axis(0), rows).into(),
            ),
        }
    }

    /// The values of `values` (one per row) at the rows of the search.
    pub(crate) fn pick<T: Copy>(&self, values: &[T]) -> Vec<T> {
        match &self.rows {
            None => values.to_vec(),
            Some(rows) => rows.iter().map(|&t| values[t]).collect(),
        }
    }

    /// The rows of X the search scores (all of them, or the sample).
    pub fn of<'a>(&self, x: ArrayView2<'a, f64>) -> ndarray::CowArray<'a, f64, ndarray::Ix2> {
        match &self.rows {
            None => x.into(),
            Some(rows) => x.select(ndarray::Axis(0), rows).into(),
        }
    }
}
