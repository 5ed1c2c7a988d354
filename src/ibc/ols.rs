//! Least squares with an intercept for models A/B/C/D (IBC article §8.2–8.3,
//! scikit-learn's `LinearRegression`), solved by Householder QR with a rank
//! check, and a ridge fallback for rank-deficient or too-small regimes.
//!
//! Why hand-written and not a LAPACK binding (`ndarray-linalg`, `lax`): those
//! crates need a system BLAS/LAPACK (OpenBLAS, Netlib or MKL) at build time,
//! a heavy requirement for a crate whose designs have at most a few dozen
//! columns. Householder QR on n × m costs O(n·m²) — microseconds here.
//!
//! Numerics: the design `[1, X]` is column-equilibrated (each column divided by
//! its Euclidean norm) before the QR so that the rank test
//! `|R_kk| < RANK_TOL · max_j |R_jj|` does not depend on the units of the
//! features. Solving `R β = Qᵀ y` never forms `XᵀX`, so the condition number
//! is not squared (unlike the normal equations).

use ndarray::{Array1, ArrayView1, ArrayView2, Axis};
use serde::Serialize;

/// Relative tolerance of the rank test on the diagonal of R (equilibrated
/// columns): below it a column is treated as linearly dependent.
pub const RANK_TOL: f64 = 1e-9;

/// Default ridge penalty of the fallback, in units of standardized columns:
/// the objective is `(1/n)‖y − Zb‖² + λ‖b‖²` with Z centered and scaled.
pub const DEFAULT_RIDGE: f64 = 1e-3;

/// How a linear fit was solved.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Solver {
    /// Ordinary least squares by Householder QR (full column rank).
    Qr,
    /// Ridge regression on standardized columns (rank-deficient or too few rows).
    Ridge {
        /// Penalty λ on standardized coefficients.
        lambda: f64,
    },
    /// Too few rows to fit anything: the model predicts a constant (the mean).
    Constant,
}

/// A fitted linear model `ŷ = intercept + x·coef`.
#[derive(Debug, Clone, PartialEq)]
pub struct LinearFit {
    /// Intercept.
    pub intercept: f64,
    /// One coefficient per column of X.
    pub coef: Array1<f64>,
    /// How it was solved.
    pub solver: Solver,
}

impl LinearFit {
    /// Predictions for the rows of `x`.
    pub fn predict(&self, x: ArrayView2<f64>) -> Array1<f64> {
        x.dot(&self.coef) + self.intercept
    }

    /// Prediction for one row.
    pub fn predict_row(&self, x: ArrayView1<f64>) -> f64 {
        self.intercept + x.dot(&self.coef)
    }

    /// Whether the ridge (or constant) fallback was used.
    pub fn is_fallback(&self) -> bool {
        !matches!(self.solver, Solver::Qr)
    }
}

/// Least squares with an intercept: QR when `[1, X]` has full column rank and
/// more rows than columns, otherwise ridge with penalty `ridge` (see
/// [`ridge`]); with fewer than two rows, the constant mean.
pub fn fit_linear(x: ArrayView2<f64>, y: ArrayView1<f64>, ridge_lambda: f64) -> LinearFit {
    assert_eq!(x.nrows(), y.len(), "x and y disagree on the number of rows");
    let n = x.nrows();
    if n < 2 {
        let mean = if n == 1 { y[0] } else { 0.0 };
        return LinearFit {
            intercept: mean,
            coef: Array1::zeros(x.ncols()),
            solver: Solver::Constant,
        };
    }
    // A regime with no spare degree of freedom fits noise exactly: use ridge.
    if n > x.ncols() + 1 {
        if let Some(fit) = ols_qr(x, y) {
            return fit;
        }
    }
    ridge(x, y, ridge_lambda)
}

/// Ordinary least squares with an intercept by Householder QR of the
/// equilibrated design `[1, X]`. `None` when the design is rank-deficient
/// (some `|R_kk| < RANK_TOL · max |R_jj|`) or has fewer rows than columns.
pub fn ols_qr(x: ArrayView2<f64>, y: ArrayView1<f64>) -> Option<LinearFit> {
    let (n, p) = x.dim();
    let m = p + 1;
    if n < m {
        return None;
    }
    // Column-major copy of the design, equilibrated.
    let mut cols: Vec<Vec<f64>> = Vec::with_capacity(m);
    cols.push(vec![1.0; n]);
    for c in x.axis_iter(Axis(1)) {
        cols.push(c.to_vec());
    }
    let mut scale = vec![1.0; m];
    for (j, c) in cols.iter_mut().enumerate() {
        let norm = c.iter().map(|v| v * v).sum::<f64>().sqrt();
        if norm == 0.0 || !norm.is_finite() {
            return None;
        }
        scale[j] = norm;
        c.iter_mut().for_each(|v| *v /= norm);
    }
    let mut b: Vec<f64> = y.to_vec();
    let mut diag = vec![0.0; m];
    for k in 0..m {
        // Householder vector for column k, rows k..n.
        let alpha_norm = cols[k][k..].iter().map(|v| v * v).sum::<f64>().sqrt();
        if alpha_norm == 0.0 {
            return None;
        }
        let alpha = if cols[k][k] > 0.0 {
            -alpha_norm
        } else {
            alpha_norm
        };
        let mut v: Vec<f64> = cols[k][k..].to_vec();
        v[0] -= alpha;
        let vnorm2: f64 = v.iter().map(|t| t * t).sum();
        diag[k] = alpha;
        if vnorm2 > 0.0 {
            for col in cols.iter_mut().skip(k + 1) {
                let s: f64 =
                    v.iter().zip(&col[k..]).map(|(a, c)| a * c).sum::<f64>() * 2.0 / vnorm2;
                for (c, a) in col[k..].iter_mut().zip(&v) {
                    *c -= s * a;
                }
            }
            let s: f64 = v.iter().zip(&b[k..]).map(|(a, c)| a * c).sum::<f64>() * 2.0 / vnorm2;
            for (c, a) in b[k..].iter_mut().zip(&v) {
                *c -= s * a;
            }
        }
        cols[k][k] = alpha;
    }
    let rmax = diag.iter().fold(0.0f64, |a, d| a.max(d.abs()));
    if diag.iter().any(|d| d.abs() < RANK_TOL * rmax) {
        return None;
    }
    // Back substitution R β = (Qᵀ y)[..m]; R's upper triangle sits in cols.
    let mut beta = vec![0.0; m];
    for k in (0..m).rev() {
        let mut s = b[k];
        for (j, bj) in beta.iter().enumerate().skip(k + 1) {
            s -= cols[j][k] * bj;
        }
        beta[k] = s / diag[k];
    }
    for (bj, s) in beta.iter_mut().zip(&scale) {
        *bj /= s;
    }
    if beta.iter().any(|v| !v.is_finite()) {
        return None;
    }
    Some(LinearFit {
        intercept: beta[0],
        coef: Array1::from(beta[1..].to_vec()),
        solver: Solver::Qr,
    })
}

/// Ridge regression with an unpenalized intercept: columns are centered and
/// scaled to unit (population) standard deviation, `(ZᵀZ/n + λI) b = Zᵀy/n`
/// is solved by Cholesky (positive definite for λ > 0), and the coefficients
/// are mapped back to the original units. Constant columns get coefficient 0.
pub fn ridge(x: ArrayView2<f64>, y: ArrayView1<f64>, lambda: f64) -> LinearFit {
    let (n, p) = x.dim();
    let lambda = if lambda > 0.0 { lambda } else { DEFAULT_RIDGE };
    let nf = n as f64;
    let ym = y.sum() / nf;
    let means: Vec<f64> = x.axis_iter(Axis(1)).map(|c| c.sum() / nf).collect();
    let sds: Vec<f64> = x
        .axis_iter(Axis(1))
        .zip(&means)
        .map(|(c, m)| (c.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / nf).sqrt())
        .collect();
    let live: Vec<usize> = (0..p)
        .filter(|&j| sds[j] > 1e-12 * (1.0 + means[j].abs()))
        .collect();
    let q = live.len();
    let z = |t: usize, a: usize| (x[[t, live[a]]] - means[live[a]]) / sds[live[a]];
    let mut g = vec![0.0; q * q];
    let mut r = vec![0.0; q];
    for t in 0..n {
        let row: Vec<f64> = (0..q).map(|a| z(t, a)).collect();
        let yt = y[t] - ym;
        for a in 0..q {
            r[a] += row[a] * yt / nf;
            for b in 0..=a {
                g[a * q + b] += row[a] * row[b] / nf;
            }
        }
    }
    for a in 0..q {
        g[a * q + a] += lambda;
    }
    let bz = cholesky_solve(&mut g, &r, q);
    let mut coef = Array1::zeros(p);
    for (a, &j) in live.iter().enumerate() {
        coef[j] = bz[a] / sds[j];
    }
    let intercept = ym - coef.iter().zip(&means).map(|(c, m)| c * m).sum::<f64>();
    LinearFit {
        intercept,
        coef,
        solver: Solver::Ridge { lambda },
    }
}

/// Solves `G b = r` for symmetric positive definite G (lower triangle used,
/// row-major q × q, overwritten by its Cholesky factor).
fn cholesky_solve(g: &mut [f64], r: &[f64], q: usize) -> Vec<f64> {
    for j in 0..q {
        let mut d = g[j * q + j];
        for k in 0..j {
            d -= g[j * q + k] * g[j * q + k];
        }
        let d = d.max(f64::MIN_POSITIVE).sqrt();
        g[j * q + j] = d;
        for i in j + 1..q {
            let mut s = g[i * q + j];
            for k in 0..j {
                s -= g[i * q + k] * g[j * q + k];
            }
            g[i * q + j] = s / d;
        }
    }
    let mut w = vec![0.0; q];
    for i in 0..q {
        let mut s = r[i];
        for k in 0..i {
            s -= g[i * q + k] * w[k];
        }
        w[i] = s / g[i * q + i];
    }
    for i in (0..q).rev() {
        let mut s = w[i];
        for k in i + 1..q {
            s -= g[k * q + i] * w[k];
        }
        w[i] = s / g[i * q + i];
    }
    w
}

/// Coefficient of determination `1 − SS_res / SS_tot` (scikit-learn's
/// `r2_score`; 0 when y is constant and the fit exact, −∞-free: a constant y
/// with errors gives 0).
pub fn r2_score(y: ArrayView1<f64>, pred: ArrayView1<f64>) -> f64 {
    let n = y.len() as f64;
    let m = y.sum() / n;
    let ss_tot: f64 = y.iter().map(|v| (v - m) * (v - m)).sum();
    let ss_res: f64 = y.iter().zip(pred).map(|(a, b)| (a - b) * (a - b)).sum();
    if ss_tot == 0.0 {
        return if ss_res == 0.0 { 1.0 } else { 0.0 };
    }
    1.0 - ss_res / ss_tot
}

/// Root mean squared error.
pub fn rmse(y: ArrayView1<f64>, pred: ArrayView1<f64>) -> f64 {
    let n = y.len() as f64;
    (y.iter()
        .zip(pred)
        .map(|(a, b)| (a - b) * (a - b))
        .sum::<f64>()
        / n)
        .sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{array, Array2};

    #[test]
    fn exact_fit_is_recovered() {
        let x = array![[0.0, 1.0], [1.0, 0.0], [2.0, 5.0], [3.0, -1.0], [4.0, 2.0]];
        let y: Array1<f64> = x
            .rows()
            .into_iter()
            .map(|r| 1.0 + 2.0 * r[0] - 3.0 * r[1])
            .collect();
        let f = fit_linear(x.view(), y.view(), DEFAULT_RIDGE);
        assert_eq!(f.solver, Solver::Qr);
        assert!((f.intercept - 1.0).abs() < 1e-12);
        assert!((f.coef[0] - 2.0).abs() < 1e-12 && (f.coef[1] + 3.0).abs() < 1e-12);
    }

    #[test]
    fn duplicated_column_falls_back_to_ridge() {
        let x: Array2<f64> = Array2::from_shape_fn((20, 2), |(t, _)| t as f64);
        let y: Array1<f64> = (0..20).map(|t| 2.0 * t as f64 + 1.0).collect();
        let f = fit_linear(x.view(), y.view(), DEFAULT_RIDGE);
        assert!(matches!(f.solver, Solver::Ridge { .. }));
        // The two copies share the slope.
        assert!((f.coef[0] + f.coef[1] - 2.0).abs() < 0.01, "{:?}", f.coef);
    }

    #[test]
    fn r2_of_the_mean_is_zero() {
        let y = array![1.0, 2.0, 3.0];
        let p = array![2.0, 2.0, 2.0];
        assert_eq!(r2_score(y.view(), p.view()), 0.0);
        assert!((rmse(y.view(), p.view()) - (2.0f64 / 3.0).sqrt()).abs() < 1e-15);
    }
}
