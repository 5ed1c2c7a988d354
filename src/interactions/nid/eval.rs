//! The synthetic benchmark of NID §5: F1–F10 with ground truth, pairwise
//! AUC as Table 2 and top-rank recall as §5.3.

use super::params::ValidNidParams;
use super::screen::ensemble_strengths;
use crate::interactions::auc::{pairwise_auc, top_rank_recall};
use crate::interactions::synthetic::SyntheticFunction;
use ndarray::{Array2, ArrayView2, Axis, Slice};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::time::Instant;

/// Options of [`evaluate_synthetic`].
#[derive(Debug, Clone, PartialEq)]
pub struct EvalOptions {
    /// Points per dataset (paper: 30,000, split 1/3 train/valid/test).
    pub n: usize,
    /// Network and training settings (the seed is replaced per run, the
    /// target is real).
    pub nid: ValidNidParams,
    /// Run the (function, seed) jobs side by side on the rayon pool; each
    /// job is seeded, so results do not depend on this flag.
    pub parallel: bool,
}

impl Default for EvalOptions {
    fn default() -> Self {
        EvalOptions {
            n: 30_000,
            nid: ValidNidParams::default(),
            parallel: false,
        }
    }
}

/// Result of one synthetic function, averaged over seeds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FunctionReport {
    /// `f1` … `f10`.
    pub function: String,
    /// Mean pairwise ROC AUC (NID Table 2).
    pub auc: f64,
    /// Mean top-rank recall of Algorithm 1's ranking (NID §5.3).
    pub top_rank_recall: f64,
    /// Mean wall-clock seconds per run (generation, training, ranking).
    pub seconds: f64,
}

/// A serializable list of reports: `{"functions": [...]}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyntheticSuiteReport {
    /// One entry per function.
    pub functions: Vec<FunctionReport>,
}

impl SyntheticSuiteReport {
    /// Mean AUC over the functions.
    pub fn average_auc(&self) -> f64 {
        self.functions.iter().map(|f| f.auc).sum::<f64>() / self.functions.len().max(1) as f64
    }
}

/// One run of the §5 protocol; returns (AUC, top-rank recall, seconds).
pub fn evaluate_run(f: SyntheticFunction, seed: u64, opts: &EvalOptions) -> (f64, f64, f64) {
    let start = Instant::now();
    let (x, y) = f.generate(opts.n, seed);
    let third = opts.n / 3;
    // Rows are i.i.d., so consecutive thirds are random splits; the test
    // third is not needed for the ranking.
    let (xtr, xva) = (
        x.slice_axis(Axis(0), Slice::from(0..third)),
        x.slice_axis(Axis(0), Slice::from(third..2 * third)),
    );
    let (mean, sd) = col_stats(xtr);
    let scale = |a: ArrayView2<f64>| -> Array2<f64> {
        let mut b = a.to_owned();
        for (j, mut c) in b.axis_iter_mut(Axis(1)).enumerate() {
            c.mapv_inplace(|v| (v - mean[j]) / sd[j]);
        }
        b
    };
    let (xtr, xva) = (scale(xtr), scale(xva));
    let ytr = y.slice_axis(Axis(0), Slice::from(0..third));
    let ym = ytr.mean().unwrap_or(0.0);
    let ysd = ytr.std(0.0).max(1e-12);
    let ytr = ytr.mapv(|v| (v - ym) / ysd);
    let yva = y
        .slice_axis(Axis(0), Slice::from(third..2 * third))
        .mapv(|v| (v - ym) / ysd);
    let nid = opts.nid.clone().with_seed(seed).with_binary(false);
    let (st, _) = ensemble_strengths(
        xtr.view(),
        ytr.view(),
        xva.view(),
        yva.view(),
        &nid,
        f.n_features(),
    );
    let truth = f.ground_truth();
    let auc = pairwise_auc(&st.pairwise, &truth);
    let ranking: Vec<Vec<usize>> = st.ranking.iter().map(|(s, _)| s.clone()).collect();
    let recall = top_rank_recall(&ranking, &truth);
    (auc, recall, start.elapsed().as_secs_f64())
}

fn col_stats(x: ArrayView2<f64>) -> (Vec<f64>, Vec<f64>) {
    x.axis_iter(Axis(1))
        .map(|c| {
            let m = c.mean().unwrap_or(0.0);
            let sd = c.std(0.0);
            (m, if sd > 0.0 { sd } else { 1.0 })
        })
        .unzip()
}

/// Runs the NID §5 protocol on each function for each seed (generate
/// `opts.n` points, train MLP-M on the first third with early stopping on
/// the second, pairwise AUC and top-rank recall) and averages over seeds.
pub fn evaluate_synthetic(
    functions: &[SyntheticFunction],
    seeds: &[u64],
    opts: &EvalOptions,
) -> Vec<FunctionReport> {
    evaluate_synthetic_with_progress(functions, seeds, opts, &|| {})
}

/// [`evaluate_synthetic`], calling `run_done` after each (function, seed)
/// run (from the worker thread that finished it) so a caller can count them.
pub fn evaluate_synthetic_with_progress(
    functions: &[SyntheticFunction],
    seeds: &[u64],
    opts: &EvalOptions,
    run_done: &(dyn Fn() + Sync),
) -> Vec<FunctionReport> {
    let jobs: Vec<(SyntheticFunction, u64)> = functions
        .iter()
        .flat_map(|&f| seeds.iter().map(move |&s| (f, s)))
        .collect();
    let run = |&(f, s): &(SyntheticFunction, u64)| {
        let r = evaluate_run(f, s, opts);
        run_done();
        r
    };
    let results: Vec<(f64, f64, f64)> = if opts.parallel {
        jobs.par_iter().map(run).collect()
    } else {
        jobs.iter().map(run).collect()
    };
    functions
        .iter()
        .enumerate()
        .map(|(k, f)| {
            let rs = &results[k * seeds.len()..(k + 1) * seeds.len()];
            let m = rs.len().max(1) as f64;
            FunctionReport {
                function: f.name().to_string(),
                auc: rs.iter().map(|r| r.0).sum::<f64>() / m,
                top_rank_recall: rs.iter().map(|r| r.1).sum::<f64>() / m,
                seconds: rs.iter().map(|r| r.2).sum::<f64>() / m,
            }
        })
        .collect()
}
