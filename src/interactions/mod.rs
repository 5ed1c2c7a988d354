//! Interaction screening: which products of features matter for a target?
//!
//! Two screeners share one output type, [`Screening`], a list of
//! [`Interaction`]s sorted by strength:
//!
//! * [`lasso::lasso_screen`] — the IBC article §7 pipeline: standardize,
//!   build interaction-only products up to a degree, fit a lasso path with
//!   k-fold cross-validation (as scikit-learn's `LassoCV`), refit at the chosen
//!   alpha and rank the product terms by |coefficient|.
//! * [`nid::nid_screen`] — Neural Interaction Detection (Tsang, Cheng & Liu,
//!   ICLR 2018, §3–4): train the MLP-M network ([`mlp`]), read pairwise
//!   strengths ω({i,j}) and higher-order candidates (Algorithm 1) off its
//!   weights.
//!
//! [`screen_against_labels`] screens without a target, one-vs-rest against a
//! clustering, so the top products can feed the polytopes' explanation space.
//! [`synthetic`] holds the NID test suite F1–F10 (Table 1) with ground truth,
//! [`auc`] the evaluation measures of NID Table 2 and §5.3, and
//! [`nid::evaluate_synthetic`] the whole benchmark.
//!
//! ```
//! use ndarray::{Array1, Array2};
//! use polyclust::interactions::lasso::{lasso_screen, LassoScreenOptions};
//!
//! // y = 3·a·b on a small grid: the a×b product is ranked first.
//! let mut x = Array2::zeros((64, 3));
//! let mut y = Array1::zeros(64);
//! for t in 0..64 {
//!     let (a, b, c) = ((t % 4) as f64 - 1.5, ((t / 4) % 4) as f64 - 1.5, (t / 16) as f64);
//!     x[[t, 0]] = a;
//!     x[[t, 1]] = b;
//!     x[[t, 2]] = c;
//!     y[t] = 3.0 * a * b;
//! }
//! let names: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
//! let s = lasso_screen(x.view(), y.view(), &names, &LassoScreenOptions::default()).unwrap();
//! assert_eq!(s.interactions[0].name, "a×b");
//! ```

pub mod auc;
pub mod lasso;
pub mod mlp;
pub mod nid;
pub mod synthetic;

use std::collections::BTreeMap;

use ndarray::{Array1, ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};

pub use lasso::{lasso_screen, Lasso, LassoFit, LassoScreenOptions};
pub use nid::{
    evaluate_synthetic, nid_screen, EvalOptions, FunctionReport, NidParams, ValidNidParams,
};
pub use synthetic::SyntheticFunction;

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

/// The interaction screener, for [`screen_against_labels`], the IBC
/// pipeline and the command line (`lasso`, `nid`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum ScreenMethod {
    /// Lasso-CV on interaction products.
    ///
    /// See [`lasso::lasso_screen`].
    Lasso,
    /// Neural Interaction Detection on an MLP.
    ///
    /// See [`nid::nid_screen`].
    Nid,
}

impl ScreenMethod {
    /// `"lasso"` or `"nid"`, as on the command line and in [`Screening::method`].
    pub fn name(self) -> &'static str {
        match self {
            ScreenMethod::Lasso => "lasso",
            ScreenMethod::Nid => "nid",
        }
    }
}

/// Options of both screeners, for [`screen_against_labels`].
#[derive(Debug, Clone, Default)]
pub struct ScreenOptions {
    /// Used with [`ScreenMethod::Lasso`].
    pub lasso: LassoScreenOptions,
    /// Used with [`ScreenMethod::Nid`] (binary target and no cutoff are set
    /// per label).
    pub nid: ValidNidParams,
}

/// Screens interactions against a numeric target `y` with `method`:
/// products up to `degree`, seeded (the lasso's folds, NID's networks), each
/// screener with its defaults otherwise. The one entry point the command
/// line, the explanation space and the Python package share.
pub fn screen_target(
    x: ArrayView2<f64>,
    y: ArrayView1<f64>,
    names: &[String],
    method: ScreenMethod,
    degree: usize,
    seed: u64,
) -> Result<Screening, InteractionError> {
    match method {
        ScreenMethod::Lasso => lasso::lasso_screen(
            x,
            y,
            names,
            &LassoScreenOptions {
                degree,
                seed,
                ..Default::default()
            },
        ),
        ScreenMethod::Nid => {
            let params = nid::NidParams::new()
                .degree(degree)
                .seed(seed)
                .check()
                .map_err(|e| InteractionError::InvalidOption(e.to_string()))?;
            nid::nid_screen(x, y, names, &params)
        }
    }
}

/// Screens interactions without a target: for every cluster label c, a
/// one-vs-rest target (1 if `labels[t] == c`, else 0) is screened — the lasso
/// regresses the 0/1 indicator, NID trains with binary cross-entropy — and
/// the rankings are merged, keeping for each interaction its maximum strength
/// over the labels. With two labels only one side is screened (the other is
/// its complement).
pub fn screen_against_labels(
    x: ArrayView2<f64>,
    labels: &[usize],
    names: &[String],
    method: ScreenMethod,
    opts: &ScreenOptions,
) -> Result<Screening, InteractionError> {
    if labels.len() != x.nrows() {
        return Err(InteractionError::LengthMismatch {
            x_rows: x.nrows(),
            y_len: labels.len(),
        });
    }
    let mut distinct: Vec<usize> = labels.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() < 2 {
        return Err(InteractionError::TooSmall(
            "one-vs-rest screening needs at least two cluster labels".into(),
        ));
    }
    let classes: &[usize] = if distinct.len() == 2 {
        &distinct[..1]
    } else {
        &distinct
    };
    let mut best: BTreeMap<Vec<usize>, Interaction> = BTreeMap::new();
    let mut alpha = None;
    for &c in classes {
        let y: Array1<f64> = labels
            .iter()
            .map(|&l| if l == c { 1.0 } else { 0.0 })
            .collect();
        let s = match method {
            ScreenMethod::Lasso => lasso::lasso_screen(x, y.view(), names, &opts.lasso)?,
            ScreenMethod::Nid => {
                let o = opts.nid.clone().with_binary(true).with_cutoff(false);
                nid::nid_screen(x, y.view(), names, &o)?
            }
        };
        alpha = alpha.or(s.alpha);
        for inter in s.interactions {
            match best.get_mut(&inter.features) {
                Some(b) if b.strength >= inter.strength => {}
                Some(b) => b.strength = inter.strength,
                None => {
                    best.insert(inter.features.clone(), inter);
                }
            }
        }
    }
    let mut interactions: Vec<Interaction> = best.into_values().collect();
    sort_interactions(&mut interactions);
    Ok(Screening {
        interactions,
        method: method.name().into(),
        alpha: if classes.len() == 1 { alpha } else { None },
        cutoff: None,
    })
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
