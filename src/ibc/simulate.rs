//! Seeded data generators for the IBC experiments.
//!
//! * [`article`] — IBC article §8.1: `Y = 0.5 + 0.1·Xi + 0.1·Xj + 3·Xi·Xj + ε`.
//! * [`degree3`] — the §13 extension with a dominant triple product
//!   `Y = 0.5 + 0.1·(X1 + X2 + X3) + 3·X1·X2·X3 + ε`.
//! * [`regimes`] — §9's case for model D: the interaction coefficient and the
//!   intercept differ between the regimes `Xj < 0` and `Xj ≥ 0`.
//!
//! All features and the noise ε are N(0, 1); `noise_features` extra N(0, 1)
//! columns named `noise1, noise2, …` carry no signal.

use ndarray::{Array1, Array2};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};
use std::path::Path;

/// A simulated regression data set.
#[derive(Debug, Clone)]
pub struct Simulated {
    /// Features, one column per name.
    pub x: Array2<f64>,
    /// Target.
    pub y: Array1<f64>,
    /// Feature names.
    pub names: Vec<String>,
}

impl Simulated {
    /// Writes `names…,Y` as CSV with full-precision values.
    pub fn write_csv(&self, path: &Path) -> std::io::Result<()> {
        std::fs::write(path, self.to_csv())
    }

    /// The CSV text: a header `names…,Y` and one line per row.
    pub fn to_csv(&self) -> String {
        let mut out = format!("{},Y\n", self.names.join(","));
        for (row, y) in self.x.rows().into_iter().zip(&self.y) {
            let cells: Vec<String> = row.iter().map(|v| format!("{v}")).collect();
            out.push_str(&format!("{},{y}\n", cells.join(",")));
        }
        out
    }
}

fn normals(n: usize, p: usize, rng: &mut ChaCha8Rng) -> Array2<f64> {
    Array2::from_shape_simple_fn((n, p), || StandardNormal.sample(rng))
}

fn build(
    n: usize,
    signal_names: &[&str],
    noise_features: usize,
    seed: u64,
    f: impl Fn(&[f64]) -> f64,
) -> Simulated {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let s = signal_names.len();
    let x = normals(n, s + noise_features, &mut rng);
    let y: Array1<f64> = x
        .rows()
        .into_iter()
        .map(|r| {
            let e: f64 = StandardNormal.sample(&mut rng);
            f(&r.as_slice().expect("row-major rows")[..s]) + e
        })
        .collect();
    let mut names: Vec<String> = signal_names.iter().map(|s| s.to_string()).collect();
    names.extend((1..=noise_features).map(|k| format!("noise{k}")));
    Simulated { x, y, names }
}

/// IBC article §8.1 with n rows: features `Xi, Xj, noise1…`.
pub fn article(n: usize, noise_features: usize, seed: u64) -> Simulated {
    build(n, &["Xi", "Xj"], noise_features, seed, |v| {
        0.5 + 0.1 * v[0] + 0.1 * v[1] + 3.0 * v[0] * v[1]
    })
}

/// A dominant degree-3 interaction (§13): features `X1, X2, X3, noise1…`.
pub fn degree3(n: usize, noise_features: usize, seed: u64) -> Simulated {
    build(n, &["X1", "X2", "X3"], noise_features, seed, |v| {
        0.5 + 0.1 * (v[0] + v[1] + v[2]) + 3.0 * v[0] * v[1] * v[2]
    })
}

/// Regime-dependent coefficients (§9): with `r = [Xj ≥ 0]`,
/// `Y = 0.5 + 1.0·r + 0.1·Xi + 0.1·Xj + β(r)·Xi·Xj + ε`, β(0) = 1, β(1) = 4.
/// A global interaction model (C) must average β; per-regime interaction
/// models (D) fit each regime exactly.
pub fn regimes(n: usize, noise_features: usize, seed: u64) -> Simulated {
    build(n, &["Xi", "Xj"], noise_features, seed, |v| {
        let r = v[1] >= 0.0;
        let beta = if r { 4.0 } else { 1.0 };
        0.5 + f64::from(u8::from(r)) + 0.1 * v[0] + 0.1 * v[1] + beta * v[0] * v[1]
    })
}
