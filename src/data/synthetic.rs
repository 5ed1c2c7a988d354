//! Seeded generators for synthetic instances the project owns, so the main
//! command runs with no download.

use ndarray::Array2;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal};

/// A generated instance: features in original units, ground-truth labels and column names.
#[derive(Debug, Clone)]
pub struct SyntheticInstance {
    /// Instance name.
    pub name: String,
    /// Column names.
    pub columns: Vec<String>,
    /// Features in original units.
    pub x: Array2<f64>,
    /// Ground-truth labels.
    pub labels: Vec<usize>,
}

impl SyntheticInstance {
    /// Write the instance as CSV with a `label` column.
    pub fn write_csv(&self, path: &std::path::Path) -> std::io::Result<()> {
        let mut w = csv::Writer::from_path(path)?;
        let mut header = self.columns.clone();
        header.push("label".into());
        w.write_record(&header)?;
        for (row, label) in self.x.rows().into_iter().zip(&self.labels) {
            let mut rec: Vec<String> = row.iter().map(|v| format!("{v}")).collect();
            rec.push(label.to_string());
            w.write_record(&rec)?;
        }
        w.flush()
    }
}

/// `k` isotropic Gaussian blobs in `d` dimensions, `n` points split as evenly
/// as possible; centres drawn uniformly in \[0, 10\]^d, standard deviation `spread`.
pub fn gaussian_blobs(n: usize, d: usize, k: usize, spread: f64, seed: u64) -> SyntheticInstance {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let centres: Vec<Vec<f64>> = (0..k)
        .map(|_| (0..d).map(|_| rng.random_range(0.0..10.0)).collect())
        .collect();
    let noise = Normal::new(0.0, spread.max(1e-12)).expect("spread is positive");
    let mut x = Array2::zeros((n, d));
    let mut labels = Vec::with_capacity(n);
    for i in 0..n {
        let c = i % k.max(1);
        for j in 0..d {
            x[[i, j]] = centres[c][j] + noise.sample(&mut rng);
        }
        labels.push(c);
    }
    SyntheticInstance {
        name: format!("blobs-n{n}-d{d}-k{k}"),
        columns: (1..=d).map(|j| format!("x{j}")).collect(),
        x,
        labels,
    }
}

/// A 2-D quadrant set: `n` points uniform in \[−1, 1\]², labelled by the regime
/// sign(x1·x2) (label 1 where x1·x2 > 0). Points within `margin` of an axis are
/// redrawn so the regimes are cleanly separated.
pub fn quadrants(n: usize, margin: f64, seed: u64) -> SyntheticInstance {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut x = Array2::zeros((n, 2));
    let mut labels = Vec::with_capacity(n);
    for i in 0..n {
        let (a, b) = loop {
            let a: f64 = rng.random_range(-1.0..1.0);
            let b: f64 = rng.random_range(-1.0..1.0);
            if a.abs() > margin && b.abs() > margin {
                break (a, b);
            }
        };
        x[[i, 0]] = a;
        x[[i, 1]] = b;
        labels.push(usize::from(a * b > 0.0));
    }
    SyntheticInstance {
        name: format!("quadrants-n{n}"),
        columns: vec!["x1".into(), "x2".into()],
        x,
        labels,
    }
}

impl SyntheticInstance {
    /// Prepare the instance as the loader prepares a CSV: min-max scaled
    /// features with the inverse map, labels kept apart.
    pub fn into_dataset(self) -> super::Dataset {
        use super::{FeatureColumn, FeatureMap};
        let mut x = self.x;
        let mut columns = Vec::with_capacity(x.ncols());
        let mut constant_features = Vec::new();
        for (j, name) in self.columns.iter().enumerate() {
            let mut col = x.column_mut(j);
            let (min, max) = col
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
                    (a.min(v), b.max(v))
                });
            let feature = FeatureColumn::Numeric {
                source: name.clone(),
                min,
                max,
            };
            col.mapv_inplace(|v| feature.scale(v));
            if max <= min {
                constant_features.push(name.clone());
            }
            columns.push(feature);
        }
        let n = x.nrows();
        super::Dataset {
            name: self.name,
            x,
            map: FeatureMap {
                columns,
                categorical_sources: Vec::new(),
            },
            labels: Some(self.labels.iter().map(|l| l.to_string()).collect()),
            row_index: (0..n).collect(),
            dropped_rows: 0,
            constant_features,
            path: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generators_are_seeded() {
        let a = gaussian_blobs(50, 3, 4, 0.5, 7);
        let b = gaussian_blobs(50, 3, 4, 0.5, 7);
        assert_eq!(a.x, b.x);
        assert_eq!(a.labels, b.labels);
        let q = quadrants(100, 0.05, 1);
        for (row, l) in q.x.rows().into_iter().zip(&q.labels) {
            assert_eq!(*l, usize::from(row[0] * row[1] > 0.0));
        }
    }
}
