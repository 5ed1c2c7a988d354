//! The NID synthetic test suite F1–F10 (Tsang et al. 2018, Table 1), with
//! the ground-truth interactions read off each formula (every set of
//! variables that appear together inside one non-additive term).
//!
//! Inputs are U(−1, 1) except F1, which uses Hooker (2004)'s ranges:
//! x1, x2, x3, x6, x7, x9 ~ U(0, 1) and x4, x5, x8, x10 ~ U(0.6, 1) (§5.1).
//! Formulas, with 1-based variables as in the paper:
//!
//! * F1 = π^(x1x2)·√(2x3) − sin⁻¹(x4) + log(x3 + x5) − (x9/x10)·√(x7/x8) − x2x7
//! * F2 = π^(x1x2)·√(2|x3|) − sin⁻¹(0.5x4) + log(|x3 + x5| + 1)
//!   + (x9/(1 + |x10|))·√(|x7|/(1 + |x8|)) − x2x7
//! * F3 = exp|x1 − x2| + |x2x3| − x3^(2|x4|) + log(x4² + x5² + x7² + x8²) + x9
//!   + 1/(1 + x10²)
//! * F4 = F3 + (x1x4)²
//! * F5 = 1/(1 + x1² + x2² + x3²) + √(exp(x4 + x5)) + |x6 + x7| + x8x9x10
//! * F6 = exp(|x1x2| + 1) − exp(|x3 + x4| + 1) + cos(x5 + x6 − x8)
//!   + √(x8² + x9² + x10²)
//! * F7 = (arctan x1 + arctan x2)² + max(x3x4 + x6, 0) − 1/(1 + (x4x5x6x7x8)²)
//!   + (|x7|/(1 + |x9|))⁵ + Σᵢ xᵢ
//! * F8 = x1x2 + 2^(x3+x5+x6) + 2^(x3+x4+x5+x7) + sin(x7·sin(x8 + x9))
//!   + arccos(0.9x10)
//! * F9 = tanh(x1x2 + x3x4)·√|x5| + exp(x5 + x6) + log((x6x7x8)² + 1) + x9x10
//!   + 1/(1 + |x10|)
//! * F10 = sinh(x1 + x2) + arccos(tanh(x3 + x5 + x7)) + cos(x4 + x5) + sec(x7x9)
//!
//! Two real-valued readings for inputs in (−1, 1): `x3^(2|x4|)` is
//! evaluated as `(x3²)^|x4|`, and F2's `√(x7/(1 + |x8|))` as
//! `√(|x7|/(1 + |x8|))` (x7 can be negative); neither changes the
//! interaction structure.

use ndarray::{Array1, Array2};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use std::f64::consts::PI;

/// One of the ten NID test functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[allow(missing_docs)]
pub enum SyntheticFunction {
    F1,
    F2,
    F3,
    F4,
    F5,
    F6,
    F7,
    F8,
    F9,
    F10,
}

impl SyntheticFunction {
    /// All ten functions in order.
    pub const ALL: [SyntheticFunction; 10] = [
        SyntheticFunction::F1,
        SyntheticFunction::F2,
        SyntheticFunction::F3,
        SyntheticFunction::F4,
        SyntheticFunction::F5,
        SyntheticFunction::F6,
        SyntheticFunction::F7,
        SyntheticFunction::F8,
        SyntheticFunction::F9,
        SyntheticFunction::F10,
    ];

    /// Lower-case name, `f1` … `f10`.
    pub fn name(self) -> &'static str {
        use SyntheticFunction::*;
        match self {
            F1 => "f1",
            F2 => "f2",
            F3 => "f3",
            F4 => "f4",
            F5 => "f5",
            F6 => "f6",
            F7 => "f7",
            F8 => "f8",
            F9 => "f9",
            F10 => "f10",
        }
    }

    /// Parses `f1` … `f10` (case-insensitive).
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(s))
    }

    /// Number of input variables (10 for all functions).
    pub fn n_features(self) -> usize {
        10
    }

    /// Sampling range of variable `j` (0-based).
    pub fn range(self, j: usize) -> (f64, f64) {
        match self {
            SyntheticFunction::F1 => match j {
                3 | 4 | 7 | 9 => (0.6, 1.0),
                _ => (0.0, 1.0),
            },
            _ => (-1.0, 1.0),
        }
    }

    /// Ground-truth interactions, 0-based feature indices, each ascending.
    pub fn ground_truth(self) -> Vec<Vec<usize>> {
        use SyntheticFunction::*;
        // Written 1-based as in the paper, shifted below.
        let one_based: Vec<Vec<usize>> = match self {
            F1 | F2 => vec![vec![1, 2, 3], vec![3, 5], vec![7, 8, 9, 10], vec![2, 7]],
            F3 => vec![vec![1, 2], vec![2, 3], vec![3, 4], vec![4, 5, 7, 8]],
            F4 => vec![
                vec![1, 2],
                vec![2, 3],
                vec![3, 4],
                vec![1, 4],
                vec![4, 5, 7, 8],
            ],
            F5 => vec![vec![1, 2, 3], vec![4, 5], vec![6, 7], vec![8, 9, 10]],
            F6 => vec![vec![1, 2], vec![3, 4], vec![5, 6, 8], vec![8, 9, 10]],
            F7 => vec![vec![1, 2], vec![3, 4, 6], vec![4, 5, 6, 7, 8], vec![7, 9]],
            F8 => vec![vec![1, 2], vec![3, 5, 6], vec![3, 4, 5, 7], vec![7, 8, 9]],
            F9 => vec![vec![1, 2, 3, 4, 5], vec![5, 6], vec![6, 7, 8], vec![9, 10]],
            F10 => vec![vec![1, 2], vec![3, 5, 7], vec![4, 5], vec![7, 9]],
        };
        one_based
            .into_iter()
            .map(|s| s.into_iter().map(|i| i - 1).collect())
            .collect()
    }

    /// Evaluates the function at one point `x` (length 10).
    pub fn eval(self, x: &[f64]) -> f64 {
        use SyntheticFunction::*;
        let [x1, x2, x3, x4, x5, x6, x7, x8, x9, x10] =
            [x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7], x[8], x[9]];
        let f3 = || {
            (x1 - x2).abs().exp() + (x2 * x3).abs() - (x3 * x3).powf(x4.abs())
                + (x4 * x4 + x5 * x5 + x7 * x7 + x8 * x8).ln()
                + x9
                + 1.0 / (1.0 + x10 * x10)
        };
        match self {
            F1 => {
                PI.powf(x1 * x2) * (2.0 * x3).sqrt() - x4.asin() + (x3 + x5).ln()
                    - (x9 / x10) * (x7 / x8).sqrt()
                    - x2 * x7
            }
            F2 => {
                PI.powf(x1 * x2) * (2.0 * x3.abs()).sqrt() - (0.5 * x4).asin()
                    + ((x3 + x5).abs() + 1.0).ln()
                    + (x9 / (1.0 + x10.abs())) * (x7.abs() / (1.0 + x8.abs())).sqrt()
                    - x2 * x7
            }
            F3 => f3(),
            F4 => f3() + (x1 * x4).powi(2),
            F5 => {
                1.0 / (1.0 + x1 * x1 + x2 * x2 + x3 * x3)
                    + (x4 + x5).exp().sqrt()
                    + (x6 + x7).abs()
                    + x8 * x9 * x10
            }
            F6 => {
                ((x1 * x2).abs() + 1.0).exp() - ((x3 + x4).abs() + 1.0).exp()
                    + (x5 + x6 - x8).cos()
                    + (x8 * x8 + x9 * x9 + x10 * x10).sqrt()
            }
            F7 => {
                (x1.atan() + x2.atan()).powi(2) + (x3 * x4 + x6).max(0.0)
                    - 1.0 / (1.0 + (x4 * x5 * x6 * x7 * x8).powi(2))
                    + (x7.abs() / (1.0 + x9.abs())).powi(5)
                    + x.iter().take(10).sum::<f64>()
            }
            F8 => {
                x1 * x2
                    + 2f64.powf(x3 + x5 + x6)
                    + 2f64.powf(x3 + x4 + x5 + x7)
                    + (x7 * (x8 + x9).sin()).sin()
                    + (0.9 * x10).acos()
            }
            F9 => {
                (x1 * x2 + x3 * x4).tanh() * x5.abs().sqrt()
                    + (x5 + x6).exp()
                    + ((x6 * x7 * x8).powi(2) + 1.0).ln()
                    + x9 * x10
                    + 1.0 / (1.0 + x10.abs())
            }
            F10 => {
                (x1 + x2).sinh()
                    + (x3 + x5 + x7).tanh().acos()
                    + (x4 + x5).cos()
                    + 1.0 / (x7 * x9).cos()
            }
        }
    }

    /// Draws `n` points with the function's input distribution and their
    /// noise-free responses, seeded with ChaCha8.
    pub fn generate(self, n: usize, seed: u64) -> (Array2<f64>, Array1<f64>) {
        let p = self.n_features();
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut x = Array2::zeros((n, p));
        for t in 0..n {
            for j in 0..p {
                let (lo, hi) = self.range(j);
                x[[t, j]] = rng.random_range(lo..hi);
            }
        }
        let y = x
            .outer_iter()
            .map(|r| self.eval(r.as_slice().expect("standard layout")))
            .collect();
        (x, y)
    }
}

/// Draws `n` points of `function` (see [`SyntheticFunction::generate`]).
pub fn generate(function: SyntheticFunction, n: usize, seed: u64) -> (Array2<f64>, Array1<f64>) {
    function.generate(n, seed)
}

/// Feature names `x1` … `xp`.
pub fn feature_names(p: usize) -> Vec<String> {
    (1..=p).map(|i| format!("x{i}")).collect()
}
