//! Parameter validation shared by the algorithms: builders are checked into
//! validated types, and the algorithms accept only the validated ones.

use crate::hyperplane::HyperplaneError;
use thiserror::Error;

/// A rejected parameter: names the field and says what is allowed.
#[derive(Debug, Clone, PartialEq, Error)]
#[error("invalid {field}: {reason}")]
pub struct ParamsError {
    /// The parameter (as spelled on the command line where one exists).
    pub field: &'static str,
    /// What is wrong and what is allowed.
    pub reason: String,
}

impl ParamsError {
    /// Build an error for `field`.
    pub fn new(field: &'static str, reason: impl Into<String>) -> Self {
        Self {
            field,
            reason: reason.into(),
        }
    }

    /// The hyperplane settings' error, named by the field it concerns.
    pub fn from_hyperplane(e: &HyperplaneError) -> Self {
        let field = match e {
            HyperplaneError::M(_) => "m",
            HyperplaneError::Beta(_) | HyperplaneError::BetaExceedsDimension { .. } => "beta",
            HyperplaneError::Epsilon(_) => "epsilon",
            _ => "hyperplane",
        };
        Self::new(field, e.to_string())
    }
}

/// Number of distinct rows of a row-major matrix (exact comparison of values).
pub fn distinct_rows(x: ndarray::ArrayView2<f64>) -> usize {
    let mut rows: Vec<Vec<u64>> = x
        .rows()
        .into_iter()
        .map(|r| r.iter().map(|v| v.to_bits()).collect())
        .collect();
    rows.sort_unstable();
    rows.dedup();
    rows.len()
}

/// Check a cluster count against the data: 2 ≤ k ≤ n and at least k distinct points.
pub fn check_k(k: usize, x: ndarray::ArrayView2<f64>) -> Result<(), ParamsError> {
    let n = x.nrows();
    if k < 2 {
        return Err(ParamsError::new(
            "k",
            format!("k = {k}; at least 2 clusters are needed"),
        ));
    }
    if k > n {
        return Err(ParamsError::new(
            "k",
            format!("k = {k} is larger than the number of rows n = {n}"),
        ));
    }
    let distinct = distinct_rows(x);
    if distinct < k {
        let what = if distinct == 1 {
            "all rows are identical".to_string()
        } else {
            format!("the data have only {distinct} distinct rows")
        };
        return Err(ParamsError::new(
            "k",
            format!("{what}, so {k} non-empty clusters cannot be formed"),
        ));
    }
    Ok(())
}
