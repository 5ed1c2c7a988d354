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

/// Number of distinct rows of a matrix (exact comparison of values),
/// counting no further than `limit`: O(min(n, rows until `limit` distinct)·d).
pub fn distinct_rows_up_to(x: ndarray::ArrayView2<f64>, limit: usize) -> usize {
    let mut seen: std::collections::HashSet<Vec<u64>> = std::collections::HashSet::new();
    for r in x.rows() {
        if seen.len() >= limit {
            break;
        }
        seen.insert(r.iter().map(|v| v.to_bits()).collect());
    }
    seen.len()
}

/// Number of distinct rows of a matrix (exact comparison of values).
pub fn distinct_rows(x: ndarray::ArrayView2<f64>) -> usize {
    distinct_rows_up_to(x, usize::MAX)
}

/// The largest number of clusters the data support: every cluster needs a
/// row of its own (k ≤ distinct rows) and the silhouette needs a cluster of
/// two (k ≤ n − 1). `limit` bounds the work (see [`distinct_rows_up_to`]).
fn largest_k(x: ndarray::ArrayView2<f64>, limit: usize) -> usize {
    distinct_rows_up_to(x, limit).min(x.nrows().saturating_sub(1))
}

/// Check a cluster count against the data: 2 ≤ k ≤ n − 1 and at least k
/// distinct rows.
pub fn check_k(k: usize, x: ndarray::ArrayView2<f64>) -> Result<(), ParamsError> {
    check_k_range(k, k, x).map_err(|e| ParamsError::new("k", e.reason))
}

/// Check a range of cluster counts `lo..=hi` against the data up front
/// (see [`check_k`]): every k of the range must be possible.
pub fn check_k_range(lo: usize, hi: usize, x: ndarray::ArrayView2<f64>) -> Result<(), ParamsError> {
    let n = x.nrows();
    let what = if lo == hi {
        format!("k = {lo}")
    } else {
        format!("{lo}..{hi}")
    };
    if lo < 2 || hi < lo {
        return Err(ParamsError::new(
            "k-range",
            format!("{what}; at least 2 clusters are needed"),
        ));
    }
    let what = if lo == hi {
        what
    } else {
        format!("k-range {what}")
    };
    if hi > largest_k(x, hi) {
        let distinct = distinct_rows(x);
        let most = distinct.min(n.saturating_sub(1));
        let reach = if lo == hi {
            what.clone()
        } else {
            format!("{what} reaches k = {hi}, which")
        };
        let reason = if distinct == 1 {
            format!("all rows are identical, so {what} non-empty clusters cannot be formed")
        } else if distinct < hi && distinct < n {
            format!(
                "{reach} needs {hi} distinct rows, but the data have only {distinct} (n = {n}); the largest possible k is {most}"
            )
        } else {
            format!(
                "{reach} is more than n − 1 = {} for the data's n = {n} rows (a silhouette needs a cluster of two); the largest possible k is {most}",
                n.saturating_sub(1)
            )
        };
        return Err(ParamsError::new("k-range", reason));
    }
    Ok(())
}

/// Check a time limit in seconds: a finite number above 0.
pub fn check_seconds(field: &'static str, seconds: Option<f64>) -> Result<(), ParamsError> {
    match seconds {
        Some(t) if !(t.is_finite() && t > 0.0) => Err(ParamsError::new(
            field,
            format!("{t}; a time limit is a finite number of seconds above 0"),
        )),
        _ => Ok(()),
    }
}
