//! The separating-hyperplane problem (1)–(12): the data and the two
//! clusters, a hyperplane, and the objective and errors of a hyperplane.

use super::params::HyperplaneError;
use ndarray::{ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};

/// Tolerance above which an error term `ξ_t` counts as a misclassification.
pub const MISCLASSIFIED_TOLERANCE: f64 = 1e-9;

/// One separating-hyperplane problem: the data and the two clusters.
#[derive(Clone, Copy, Debug)]
pub struct HyperplaneProblem<'a> {
    /// Explanation matrix, one row per point.
    pub x: ArrayView2<'a, f64>,
    /// Rows of cluster `i` (the side `w·x + b ≥ 0`).
    pub ci: &'a [usize],
    /// Rows of cluster `j` (the side `w·x + b ≤ −ε`).
    pub cj: &'a [usize],
}

impl<'a> HyperplaneProblem<'a> {
    /// Builds and validates a problem (see [`HyperplaneProblem::validate`]).
    pub fn new(
        x: ArrayView2<'a, f64>,
        ci: &'a [usize],
        cj: &'a [usize],
    ) -> Result<Self, HyperplaneError> {
        let problem = Self { x, ci, cj };
        problem.validate()?;
        Ok(problem)
    }

    /// Checks that `X` has at least one column, `Ci` and `Cj` are non-empty,
    /// their rows exist, appear once in `Ci ∪ Cj`, and hold finite values.
    /// `O(n·d)`.
    pub fn validate(&self) -> Result<(), HyperplaneError> {
        if self.x.ncols() == 0 {
            return Err(HyperplaneError::NoFeatures);
        }
        if self.ci.is_empty() {
            return Err(HyperplaneError::EmptyCi);
        }
        if self.cj.is_empty() {
            return Err(HyperplaneError::EmptyCj);
        }
        let rows = self.x.nrows();
        let mut seen = vec![false; rows];
        // Rows as slices when the matrix is in standard layout: a row view
        // per row cost more than its checks (a problem is validated at
        // every solve).
        let d = self.x.ncols();
        let flat = self.x.as_slice();
        for &t in self.ci.iter().chain(self.cj) {
            if t >= rows {
                return Err(HyperplaneError::RowOutOfRange { index: t, rows });
            }
            if std::mem::replace(&mut seen[t], true) {
                return Err(HyperplaneError::DuplicateRow(t));
            }
            let col = match flat {
                Some(flat) => flat[t * d..(t + 1) * d].iter().position(|v| !v.is_finite()),
                None => self.x.row(t).iter().position(|v| !v.is_finite()),
            };
            if let Some(col) = col {
                return Err(HyperplaneError::NonFinite { row: t, col });
            }
        }
        Ok(())
    }

    /// Number of features `d`.
    pub fn dim(&self) -> usize {
        self.x.ncols()
    }

    /// Number of points `|Ci| + |Cj|`.
    pub fn len(&self) -> usize {
        self.ci.len() + self.cj.len()
    }

    /// True when both clusters are empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Which side of a hyperplane a point lies on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Side {
    /// `w·x + b ≥ 0`: the side of cluster `i`.
    I,
    /// `w·x + b < 0`: the side of cluster `j`.
    J,
}

/// A hyperplane `w·x + b = 0`; cluster `i` lies on the side `w·x + b ≥ 0`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Hyperplane {
    /// Coefficients, one per feature (integers stored as `f64` in integer mode).
    pub w: Vec<f64>,
    /// Intercept.
    pub b: f64,
}

impl Hyperplane {
    /// `w·x + b` for one row `x`. `O(d)`.
    pub fn score(&self, x_row: ArrayView1<f64>) -> f64 {
        debug_assert_eq!(x_row.len(), self.w.len());
        let mut s = self.b;
        for (w, x) in self.w.iter().zip(x_row.iter()) {
            if *w != 0.0 {
                s += w * x;
            }
        }
        s
    }

    /// [`Side::I`] when `w·x + b ≥ 0`, else [`Side::J`].
    pub fn side(&self, x_row: ArrayView1<f64>) -> Side {
        if self.score(x_row) >= 0.0 {
            Side::I
        } else {
            Side::J
        }
    }

    /// Error of the row if it were put in cluster `i`:
    /// `ξ⁺ = max(0, −(w·x + b))` (Algorithm 1 line 14, sign corrected).
    pub fn xi_plus(&self, x_row: ArrayView1<f64>) -> f64 {
        (-self.score(x_row)).max(0.0)
    }

    /// Error of the row if it were put in cluster `j`:
    /// `ξ⁻ = max(0, w·x + b + ε)` (Algorithm 1 line 15).
    pub fn xi_minus(&self, x_row: ArrayView1<f64>, epsilon: f64) -> f64 {
        (self.score(x_row) + epsilon).max(0.0)
    }

    /// `(ξ⁺_t, ξ⁻_t)` for every row `t` of `x` (Algorithm 1 lines 14–15). `O(n·d)`.
    pub fn xi_all(&self, x: ArrayView2<f64>, epsilon: f64) -> (Vec<f64>, Vec<f64>) {
        x.rows()
            .into_iter()
            .map(|row| {
                let s = self.score(row);
                ((-s).max(0.0), (s + epsilon).max(0.0))
            })
            .unzip()
    }

    /// Number of non-zero coefficients.
    pub fn nonzeros(&self) -> usize {
        self.w.iter().filter(|w| **w != 0.0).count()
    }
}

/// The objective `f(w, b)` of equation (1) with the error terms (2)–(3),
/// evaluated by a plain loop, independent of every backend. `O((|Ci| + |Cj|)·d)`.
pub fn objective(problem: &HyperplaneProblem, hyperplane: &Hyperplane, epsilon: f64) -> f64 {
    let ci: f64 = problem
        .ci
        .iter()
        .map(|&t| hyperplane.xi_plus(problem.x.row(t)))
        .sum();
    let cj: f64 = problem
        .cj
        .iter()
        .map(|&t| hyperplane.xi_minus(problem.x.row(t), epsilon))
        .sum();
    ci + cj
}

/// Number of points with a positive error term (above [`MISCLASSIFIED_TOLERANCE`]):
/// points of `Ci` with `w·x + b < 0` and points of `Cj` with `w·x + b > −ε`.
pub fn misclassified(problem: &HyperplaneProblem, hyperplane: &Hyperplane, epsilon: f64) -> usize {
    let ci = problem
        .ci
        .iter()
        .filter(|&&t| hyperplane.xi_plus(problem.x.row(t)) > MISCLASSIFIED_TOLERANCE)
        .count();
    let cj = problem
        .cj
        .iter()
        .filter(|&&t| hyperplane.xi_minus(problem.x.row(t), epsilon) > MISCLASSIFIED_TOLERANCE)
        .count();
    ci + cj
}

/// [`objective`] and [`misclassified`] from one score per row: the same
/// scores (the non-zero terms in feature order, after `b`), sums and counts,
/// with the rows read as slices when the matrix is in standard layout (a
/// row view per score cost more than the score at a few features).
pub(super) fn errors(
    problem: &HyperplaneProblem,
    hyperplane: &Hyperplane,
    epsilon: f64,
) -> (f64, usize) {
    let terms: Vec<(usize, f64)> = hyperplane
        .w
        .iter()
        .enumerate()
        .filter(|(_, w)| **w != 0.0)
        .map(|(f, &w)| (f, w))
        .collect();
    let d = problem.x.ncols();
    let flat = problem.x.as_slice();
    let score = |t: usize| match flat {
        Some(flat) => {
            let row = &flat[t * d..(t + 1) * d];
            terms.iter().fold(hyperplane.b, |s, &(f, w)| s + w * row[f])
        }
        None => hyperplane.score(problem.x.row(t)),
    };
    let xi_plus: Vec<f64> = problem.ci.iter().map(|&t| (-score(t)).max(0.0)).collect();
    let xi_minus: Vec<f64> = problem
        .cj
        .iter()
        .map(|&t| (score(t) + epsilon).max(0.0))
        .collect();
    let value = xi_plus.iter().sum::<f64>() + xi_minus.iter().sum::<f64>();
    let wrong = xi_plus
        .iter()
        .chain(&xi_minus)
        .filter(|&&xi| xi > MISCLASSIFIED_TOLERANCE)
        .count();
    (value, wrong)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    /// The one-pass errors of a solve are [`objective`] and
    /// [`misclassified`] bit for bit, on rows in standard layout and on a
    /// transposed view.
    #[test]
    fn errors_are_the_objective_and_the_misclassified_rows() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        let x = ndarray::Array2::from_shape_fn((90, 4), |_| rng.random_range(-2.0..2.0));
        let transposed = x.t().to_owned();
        let ci: Vec<usize> = (0..90).filter(|t| t % 3 != 0).collect();
        let cj: Vec<usize> = (0..90).filter(|t| t % 3 == 0).collect();
        for view in [x.view(), transposed.t()] {
            let problem = HyperplaneProblem::new(view, &ci, &cj).unwrap();
            for case in 0..20 {
                let w: Vec<f64> = (0..4)
                    .map(|f| {
                        if (case + f) % 3 == 0 {
                            0.0
                        } else {
                            f64::from(rng.random_range(-3..=3))
                        }
                    })
                    .collect();
                let hyperplane = Hyperplane {
                    w,
                    b: rng.random_range(-1.0..1.0),
                };
                let (value, wrong) = errors(&problem, &hyperplane, 0.05);
                assert_eq!(
                    value.to_bits(),
                    objective(&problem, &hyperplane, 0.05).to_bits()
                );
                assert_eq!(wrong, misclassified(&problem, &hyperplane, 0.05));
            }
        }
    }

    #[test]
    fn xi_terms_follow_the_corrected_signs() {
        let h = Hyperplane {
            w: vec![2.0, -1.0],
            b: -0.5,
        };
        let x = array![[1.0, 0.0], [0.0, 1.0]];
        // score(row 0) = 1.5, score(row 1) = -1.5
        assert_eq!(h.xi_plus(x.row(0)), 0.0);
        assert_eq!(h.xi_minus(x.row(0), 0.1), 1.6);
        assert_eq!(h.xi_plus(x.row(1)), 1.5);
        assert_eq!(h.xi_minus(x.row(1), 0.1), 0.0);
        assert_eq!(h.side(x.row(0)), Side::I);
        assert_eq!(h.side(x.row(1)), Side::J);
        let (plus, minus) = h.xi_all(x.view(), 0.1);
        assert_eq!(plus, vec![0.0, 1.5]);
        assert_eq!(minus, vec![1.6, 0.0]);
    }

    #[test]
    fn problem_validation_rejects_bad_rows() {
        let x = array![[0.0], [1.0], [f64::NAN]];
        assert_eq!(
            HyperplaneProblem::new(x.view(), &[], &[1]).unwrap_err(),
            HyperplaneError::EmptyCi
        );
        assert_eq!(
            HyperplaneProblem::new(x.view(), &[0], &[]).unwrap_err(),
            HyperplaneError::EmptyCj
        );
        assert_eq!(
            HyperplaneProblem::new(x.view(), &[0], &[0]).unwrap_err(),
            HyperplaneError::DuplicateRow(0)
        );
        assert!(matches!(
            HyperplaneProblem::new(x.view(), &[0], &[7]).unwrap_err(),
            HyperplaneError::RowOutOfRange { index: 7, rows: 3 }
        ));
        assert!(matches!(
            HyperplaneProblem::new(x.view(), &[0], &[2]).unwrap_err(),
            HyperplaneError::NonFinite { row: 2, col: 0 }
        ));
    }
}
