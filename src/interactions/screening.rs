//! What every screener returns, and the checks and helpers they share.

use ndarray::{ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};

/// Errors raised by the screeners for bad input.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum InteractionError {
    /// The design matrix and the target disagree on the number of rows.
    #[error("x has {x_rows} rows but the target has {y_len} values")]
    LengthMismatch {
        /// Rows of x.
        x_rows: usize,
        /// Length of the target.
        y_len: usize,
    },
    /// The number of names differs from the number of columns.
    #[error("x has {columns} columns but {names} feature names were given")]
    NamesMismatch {
        /// Columns of x.
        columns: usize,
        /// Names given.
        names: usize,
    },
    /// Too few rows or columns for the requested screening.
    #[error("not enough data: {0}")]
    TooSmall(String),
    /// A cell of x or of the target is NaN or infinite.
    #[error("non-finite value in {what} at row {row}")]
    NonFinite {
        /// "x" or "y".
        what: &'static str,
        /// Row index (0-based).
        row: usize,
    },
    /// An option is out of its valid range.
    #[error("invalid option: {0}")]
    InvalidOption(String),
}

/// One interaction: a set of at least two features and its strength.
///
/// Serialized as `{"name": "x1×x4", "features": ["x1", "x4"], "strength": …}`:
/// the `features` key holds the feature *names*; the column indices are kept
/// in memory only (see [`Screening::resolve_indices`] after deserializing).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Interaction {
    /// Feature names joined by '×', e.g. `x1×x4`.
    pub name: String,
    /// Column indices of the features, ascending.
    #[serde(skip)]
    pub features: Vec<usize>,
    /// Feature names, in the order of `features`.
    #[serde(rename = "features")]
    pub feature_names: Vec<String>,
    /// Strength: |lasso coefficient| or NID strength ω; larger is stronger.
    pub strength: f64,
}

impl Interaction {
    /// Builds an interaction from column indices (sorted here) and the names
    /// of all columns.
    pub fn new(mut features: Vec<usize>, names: &[String], strength: f64) -> Self {
        features.sort_unstable();
        let feature_names: Vec<String> = features.iter().map(|&i| names[i].clone()).collect();
        Interaction {
            name: feature_names.join("×"),
            features,
            feature_names,
            strength,
        }
    }
}

/// The result of a screening: interactions sorted by strength, descending.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Screening {
    /// Interactions, strongest first.
    pub interactions: Vec<Interaction>,
    /// `"lasso"` or `"nid"`.
    pub method: String,
    /// Lasso: the cross-validated alpha of the refit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alpha: Option<f64>,
    /// NID with MLP-Cutoff: the number K of top interactions kept (§4.3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cutoff: Option<usize>,
}

impl Screening {
    /// The top `k` interactions (all if fewer).
    pub fn top(&self, k: usize) -> &[Interaction] {
        &self.interactions[..k.min(self.interactions.len())]
    }

    /// Interactions kept by the cutoff (all when no cutoff was computed).
    pub fn selected(&self) -> &[Interaction] {
        match self.cutoff {
            Some(k) => self.top(k),
            None => &self.interactions,
        }
    }

    /// Fills `features` (column indices) from the feature names, e.g. after
    /// deserializing; unknown names are an error.
    pub fn resolve_indices(&mut self, names: &[String]) -> Result<(), InteractionError> {
        for inter in &mut self.interactions {
            let mut idx = Vec::with_capacity(inter.feature_names.len());
            for n in &inter.feature_names {
                let i = names.iter().position(|m| m == n).ok_or_else(|| {
                    InteractionError::InvalidOption(format!("unknown feature name {n:?}"))
                })?;
                idx.push(i);
            }
            inter.features = idx;
        }
        Ok(())
    }
}

/// Sorts interactions by strength (descending), ties by order then indices,
/// so rankings are reproducible.
pub(crate) fn sort_interactions(v: &mut [Interaction]) {
    v.sort_by(|a, b| {
        b.strength
            .total_cmp(&a.strength)
            .then(a.features.len().cmp(&b.features.len()))
            .then(a.features.cmp(&b.features))
    });
}

/// `v > 0` and not NaN.
pub(crate) fn is_pos(v: f64) -> bool {
    v > 0.0
}

/// `v >= 0` and not NaN.
pub(crate) fn is_nonneg(v: f64) -> bool {
    v >= 0.0
}

/// Checks shapes and finiteness shared by the screeners.
pub(crate) fn check_inputs(
    x: ArrayView2<f64>,
    y: Option<ArrayView1<f64>>,
    names: &[String],
) -> Result<(), InteractionError> {
    if let Some(y) = y {
        if y.len() != x.nrows() {
            return Err(InteractionError::LengthMismatch {
                x_rows: x.nrows(),
                y_len: y.len(),
            });
        }
        if let Some(row) = y.iter().position(|v| !v.is_finite()) {
            return Err(InteractionError::NonFinite { what: "y", row });
        }
        if y.iter().all(|&v| v == y[0]) {
            return Err(InteractionError::TooSmall(
                "the target is constant, so no feature or interaction can explain it".into(),
            ));
        }
    }
    if names.len() != x.ncols() {
        return Err(InteractionError::NamesMismatch {
            columns: x.ncols(),
            names: names.len(),
        });
    }
    if x.ncols() < 2 {
        return Err(InteractionError::TooSmall(
            "interactions need at least two features".into(),
        ));
    }
    for (row, r) in x.outer_iter().enumerate() {
        if r.iter().any(|v| !v.is_finite()) {
            return Err(InteractionError::NonFinite { what: "x", row });
        }
    }
    Ok(())
}

/// All subsets of `0..p` with sizes 2..=degree, in lexicographic order by
/// size then indices.
pub(crate) fn subsets(p: usize, degree: usize) -> Vec<Vec<usize>> {
    fn rec(start: usize, p: usize, k: usize, cur: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
        if cur.len() == k {
            out.push(cur.clone());
            return;
        }
        for i in start..p {
            cur.push(i);
            rec(i + 1, p, k, cur, out);
            cur.pop();
        }
    }
    let mut out = Vec::new();
    for k in 2..=degree.min(p) {
        rec(0, p, k, &mut Vec::new(), &mut out);
    }
    out
}
