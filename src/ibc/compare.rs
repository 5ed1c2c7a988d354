//! The whole IBC comparison of models A/B/C/D, in-sample and under
//! cross-validation.

use super::options::{IbcError, IbcOptions};
use super::report::{IbcReport, ModelScores, ModelTable};
use super::{cv, ols::r2_score, pipeline};
use ndarray::{ArrayView1, ArrayView2};
use std::time::Instant;

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
