//! The settings of an IBC comparison and its errors.

use super::ols::DEFAULT_RIDGE;
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

/// Options of [`run`](super::run).
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
            ridge_lambda: DEFAULT_RIDGE,
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
