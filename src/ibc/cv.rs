//! k-fold cross-validation of models A/B/C/D (IBC article §7 "Evaluate … via
//! cross-validated metrics", §9 "fit C and D on held-out data", §11).
//!
//! Folds are a seeded shuffle of the rows cut into k contiguous parts
//! (scikit-learn's `KFold(shuffle=True)`). On every fold the whole pipeline —
//! screening, choice of the split variable and rule, the split's thresholds
//! or polytopes, and the four models — is fitted on the training part only
//! ([`super::pipeline::fit`]), then scored on the held-out part: nothing about
//! the held-out rows leaks into any choice. R² per fold uses the held-out
//! rows' own mean (scikit-learn's `r2_score`); the reported `r2_cv` and
//! `rmse_cv` are means over folds.

use ndarray::{ArrayView1, ArrayView2, Axis};
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use super::ols::{r2_score, rmse};
use super::options::{IbcError, IbcOptions};
use super::pipeline::{self, IbcFit};
use super::regimes::SplitSummary;

/// Held-out row indices of each of `k` folds of `0..n`, after a seeded shuffle.
pub fn kfold(n: usize, k: usize, seed: u64) -> Vec<Vec<usize>> {
    let mut order: Vec<usize> = (0..n).collect();
    order.shuffle(&mut ChaCha8Rng::seed_from_u64(seed));
    (0..k)
        .map(|f| order[f * n / k..(f + 1) * n / k].to_vec())
        .collect()
}

/// Scores of one fold.
#[derive(Debug, Clone)]
pub struct FoldResult {
    /// Held-out R² of A, B, C, D.
    pub r2: [f64; 4],
    /// Held-out RMSE of A, B, C, D.
    pub rmse: [f64; 4],
    /// The split chosen on the training part.
    pub split: SplitSummary,
    /// The top interactions screened on the training part.
    pub top: Vec<String>,
    /// Whether a ridge/pooled fallback was used.
    pub ridge_fallback: bool,
}

/// Runs the pipeline on every fold (in parallel) and scores it out of sample.
pub fn cross_validate(
    x: ArrayView2<f64>,
    y: ArrayView1<f64>,
    names: &[String],
    opts: &IbcOptions,
) -> Result<Vec<FoldResult>, IbcError> {
    let n = x.nrows();
    let folds = kfold(n, opts.folds, opts.seed);
    folds
        .par_iter()
        .enumerate()
        .map(|(f, test)| {
            let mut is_test = vec![false; n];
            test.iter().for_each(|&t| is_test[t] = true);
            let train: Vec<usize> = (0..n).filter(|&t| !is_test[t]).collect();
            let mut o = opts.clone();
            o.seed = opts.seed.wrapping_add(1 + f as u64);
            let fit: IbcFit = pipeline::fit(
                x.select(Axis(0), &train).view(),
                y.select(Axis(0), &train).view(),
                names,
                &o,
            )?;
            let xt = x.select(Axis(0), test);
            let yt = y.select(Axis(0), test);
            let p = fit.predict(xt.view());
            let preds = [&p.a, &p.b, &p.c, &p.d];
            Ok(FoldResult {
                r2: preds.map(|q| r2_score(yt.view(), q.view())),
                rmse: preds.map(|q| rmse(yt.view(), q.view())),
                split: fit.split.summary(),
                top: fit.top.iter().map(|i| i.name.clone()).collect(),
                ridge_fallback: fit.ridge_fallback(),
            })
        })
        .collect()
}
