//! The report of an IBC comparison: every model's scores, the split chosen
//! and the interactions it came from.

use super::pipeline::CandidateScore;
use super::regimes::SplitSummary;
use crate::interactions::ScreenMethod;
use serde::Serialize;

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

/// The outcome of [`run`](super::run).
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
