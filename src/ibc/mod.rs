//! Interaction-based regimes (IBC article §7–11 and the §13 extension): a
//! dominant interaction `Xi·Xj` makes the slope of `Xi` depend on `Xj` (§3),
//! so splitting the rows on `Xj` and fitting a linear model per regime turns
//! the product into locally linear pieces.
//!
//! [`run`] compares four models under k-fold cross-validation:
//!
//! * **A** — least squares on X (no interaction);
//! * **B** — the IBC model: least squares on X inside each regime;
//! * **C** — least squares on X plus the top interaction products;
//! * **D** — least squares on X plus the products inside each regime (§9).
//!
//! Pipeline on every training set ([`pipeline::fit`]): screen interactions by
//! lasso-CV on interaction products ([`crate::interactions::lasso`], default)
//! or NID ([`crate::interactions::nid`]); take the variables of the top
//! interactions as candidate clustering variables; try the split rules of
//! [`regimes`] (sign, median, tertiles, model trees of depth 1–2, and for
//! pairs of variables inside one interaction the sign quadrants and an MPC
//! polytope split); keep the one whose model B scores best on a hold-out of
//! the training rows (§11); fit A/B/C/D by Householder QR ([`ols`]) with a
//! ridge fallback for rank-deficient or tiny regimes. [`cv`] runs it on each
//! fold so that screening and regimes never see the held-out rows.
//!
//! ```
//! use polyclust::ibc::{self, simulate, IbcOptions};
//!
//! let data = simulate::article(400, 0, 7);
//! let opts = IbcOptions { folds: 3, polytope_k: vec![], ..IbcOptions::default() };
//! let report = ibc::run(data.x.view(), data.y.view(), &data.names, &opts).unwrap();
//! assert_eq!(report.top_interactions[0], "Xi×Xj");
//! assert!(report.models.c.r2_cv > report.models.b.r2_cv);
//! assert!(report.models.b.r2_cv > report.models.a.r2_cv + 0.3);
//! ```

pub mod cv;
pub mod ols;
pub mod pipeline;
pub mod regimes;
pub mod simulate;

pub use ols::{fit_linear, r2_score, rmse, LinearFit, Solver};
pub use pipeline::{CandidateScore, IbcFit};
pub use regimes::{Split, SplitRule, SplitSummary};

use ndarray::{ArrayView1, ArrayView2};
use serde::Serialize;
use std::time::Instant;

use crate::interactions::{InteractionError, ScreenMethod, ValidNidParams};
use crate::params::ParamsError;

/// Errors of the IBC pipeline (bad input or a failed screening).
#[derive(Debug, thiserror::Error)]
pub enum IbcError {
    /// The screener rejected the data.
    #[error(transparent)]
    Screening(#[from] InteractionError),
    /// A screener setting is out of range.
    #[error(transparent)]
    Params(#[from] ParamsError),
    /// Too few rows for the requested folds.
    #[error("{n} rows are too few for {folds}-fold cross-validation (at least {need} are needed)")]
    TooFewRows {
        /// Rows given.
        n: usize,
        /// Folds requested.
        folds: usize,
        /// Rows needed.
        need: usize,
    },
    /// The design and the target disagree, or a value is not finite.
    #[error("invalid input: {0}")]
    Input(String),
    /// An option is out of range.
    #[error("invalid option: {0}")]
    InvalidOption(String),
    /// The MPC polytope split failed.
    #[error("polytope split failed: {0}")]
    Polytope(String),
}

/// Options of [`run`].
#[derive(Debug, Clone)]
pub struct IbcOptions {
    /// Highest interaction order screened (2 or 3).
    pub degree: usize,
    /// Outer cross-validation folds (≥ 2; default 5).
    pub folds: usize,
    /// Screener (default lasso, as IBC article §7, §13).
    pub method: ScreenMethod,
    /// Folds of the lasso's own alpha selection (default 5).
    pub screen_folds: usize,
    /// Seed of folds, hold-outs, screening and MPC.
    pub seed: u64,
    /// Most interactions kept for models C and D (default 3).
    pub top_k: usize,
    /// An interaction beyond the first is kept only if its strength is at
    /// least this share of the strongest (default 0.1).
    pub min_relative_strength: f64,
    /// Share of the training rows held out to choose the split (default 0.3).
    pub validation_fraction: f64,
    /// Cluster counts k of the polytope candidates (default `[4]`; empty: none).
    pub polytope_k: Vec<usize>,
    /// Penalty of the ridge fallback (standardized units, default 1e-3).
    pub ridge_lambda: f64,
    /// NID settings when `method` is [`ScreenMethod::Nid`]; their degree
    /// and seed are replaced by `degree` and `seed`.
    pub nid: ValidNidParams,
}

impl Default for IbcOptions {
    fn default() -> Self {
        IbcOptions {
            degree: 2,
            folds: 5,
            method: ScreenMethod::Lasso,
            screen_folds: 5,
            seed: 0,
            top_k: 3,
            min_relative_strength: 0.1,
            validation_fraction: 0.3,
            polytope_k: vec![4],
            ridge_lambda: ols::DEFAULT_RIDGE,
            nid: ValidNidParams::default(),
        }
    }
}

impl IbcOptions {
    /// Checks the options against the number of rows.
    pub fn check(&self, n: usize) -> Result<(), IbcError> {
        if !(2..=3).contains(&self.degree) {
            return Err(IbcError::InvalidOption(format!(
                "degree must be 2 or 3, got {}",
                self.degree
            )));
        }
        if self.folds < 2 {
            return Err(IbcError::InvalidOption(format!(
                "at least 2 folds are needed, got {}",
                self.folds
            )));
        }
        if self.top_k == 0 {
            return Err(IbcError::InvalidOption("top_k must be at least 1".into()));
        }
        if !(self.validation_fraction > 0.0 && self.validation_fraction < 1.0) {
            return Err(IbcError::InvalidOption(
                "validation_fraction must lie in (0, 1)".into(),
            ));
        }
        if self.polytope_k.iter().any(|&k| k < 2) {
            return Err(IbcError::InvalidOption(
                "polytope k must be at least 2".into(),
            ));
        }
        let need = MIN_ROWS_PER_FOLD * self.folds;
        if n < need {
            return Err(IbcError::TooFewRows {
                n,
                folds: self.folds,
                need,
            });
        }
        Ok(())
    }
}

/// Rows needed per fold: a training part must hold a hold-out and regimes
/// with room for a few coefficients each.
pub const MIN_ROWS_PER_FOLD: usize = 10;

/// In-sample and cross-validated scores of one model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelScores {
    /// R² on all rows of a fit on all rows.
    pub r2_in: f64,
    /// Mean over folds of the held-out R².
    pub r2_cv: f64,
    /// Mean over folds of the held-out RMSE.
    pub rmse_cv: f64,
    /// Standard deviation over folds of the held-out R².
    pub r2_cv_sd: f64,
    /// Held-out R² of every fold.
    pub r2_folds: Vec<f64>,
}

/// Scores of the four models.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelTable {
    /// A: linear on X.
    #[serde(rename = "A")]
    pub a: ModelScores,
    /// B: per-regime linear on X.
    #[serde(rename = "B")]
    pub b: ModelScores,
    /// C: linear on X and the interaction products.
    #[serde(rename = "C")]
    pub c: ModelScores,
    /// D: per-regime linear on X and the interaction products.
    #[serde(rename = "D")]
    pub d: ModelScores,
}

/// The outcome of [`run`].
#[derive(Debug, Clone, Serialize)]
pub struct IbcReport {
    /// Top interactions screened on all rows (names like `Xi×Xj`).
    pub top_interactions: Vec<String>,
    /// Their strengths (|lasso coefficient| or NID ω).
    pub strengths: Vec<f64>,
    /// The split chosen on all rows.
    pub split: SplitSummary,
    /// The split in words.
    pub split_description: String,
    /// Scores of A, B, C, D.
    pub models: ModelTable,
    /// Hold-out scores of every candidate split on all rows.
    pub candidates: Vec<CandidateScore>,
    /// The split chosen on each fold's training part.
    pub fold_splits: Vec<SplitSummary>,
    /// Whether any fit (in sample or on a fold) used the ridge fallback or a
    /// pooled model for a regime with fewer than two rows.
    pub ridge_fallback: bool,
    /// How the split was chosen.
    pub selection: String,
    /// Screener.
    pub method: ScreenMethod,
    /// Interaction degree.
    pub degree: usize,
    /// Folds.
    pub folds: usize,
    /// Rows.
    pub n: usize,
    /// Features.
    pub p: usize,
    /// Wall-clock seconds of the whole run.
    pub seconds: f64,
}

fn check_input(x: ArrayView2<f64>, y: ArrayView1<f64>, names: &[String]) -> Result<(), IbcError> {
    if x.nrows() != y.len() {
        return Err(IbcError::Input(format!(
            "x has {} rows but the target has {} values",
            x.nrows(),
            y.len()
        )));
    }
    if names.len() != x.ncols() {
        return Err(IbcError::Input(format!(
            "x has {} columns but {} names were given",
            x.ncols(),
            names.len()
        )));
    }
    if let Some(t) = y.iter().position(|v| !v.is_finite()) {
        return Err(IbcError::Input(format!(
            "target value of row {} is not finite",
            t + 1
        )));
    }
    if let Some(t) = x
        .rows()
        .into_iter()
        .position(|r| r.iter().any(|v| !v.is_finite()))
    {
        return Err(IbcError::Input(format!(
            "row {} has a non-finite feature",
            t + 1
        )));
    }
    Ok(())
}

fn mean_sd(v: &[f64]) -> (f64, f64) {
    let n = v.len() as f64;
    let m = v.iter().sum::<f64>() / n;
    let var = v.iter().map(|a| (a - m) * (a - m)).sum::<f64>() / n;
    (m, var.sqrt())
}

/// The whole IBC comparison: cross-validated and in-sample scores of models
/// A/B/C/D (article §8.2–8.3, §9, §11). Cost: `folds + 1` pipeline fits,
/// each one lasso-CV screening (or one NID training) plus one fit per
/// candidate split (QR fits are O(n·m²); a polytope candidate is one MPC run).
pub fn run(
    x: ArrayView2<f64>,
    y: ArrayView1<f64>,
    names: &[String],
    opts: &IbcOptions,
) -> Result<IbcReport, IbcError> {
    let start = Instant::now();
    check_input(x, y, names)?;
    opts.check(x.nrows())?;
    let (full, folds) = rayon::join(
        || pipeline::fit(x, y, names, opts),
        || cv::cross_validate(x, y, names, opts),
    );
    let (full, folds) = (full?, folds?);
    let p = full.predict(x);
    let ins = [&p.a, &p.b, &p.c, &p.d].map(|q| r2_score(y, q.view()));
    let score = |m: usize| {
        let r2: Vec<f64> = folds.iter().map(|f| f.r2[m]).collect();
        let rm: Vec<f64> = folds.iter().map(|f| f.rmse[m]).collect();
        let (r2_cv, r2_cv_sd) = mean_sd(&r2);
        ModelScores {
            r2_in: ins[m],
            r2_cv,
            rmse_cv: mean_sd(&rm).0,
            r2_cv_sd,
            r2_folds: r2,
        }
    };
    Ok(IbcReport {
        top_interactions: full.top.iter().map(|i| i.name.clone()).collect(),
        strengths: full.top.iter().map(|i| i.strength).collect(),
        split: full.split.summary(),
        split_description: full.split.describe(),
        models: ModelTable {
            a: score(0),
            b: score(1),
            c: score(2),
            d: score(3),
        },
        candidates: full.candidates.clone(),
        fold_splits: folds.iter().map(|f| f.split.clone()).collect(),
        ridge_fallback: full.ridge_fallback() || folds.iter().any(|f| f.ridge_fallback),
        selection: format!(
            "largest R² of model B on a {:.0}% hold-out of each training set",
            opts.validation_fraction * 100.0
        ),
        method: opts.method,
        degree: opts.degree,
        folds: opts.folds,
        n: x.nrows(),
        p: x.ncols(),
        seconds: start.elapsed().as_secs_f64(),
    })
}
