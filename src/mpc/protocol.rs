//! The paper's protocol (MPC paper §4.1): for every k in a range and every
//! seed, run MPC and keep the best silhouette. Runs whose polytopes cover every
//! row (fidelity 1) are preferred; ties keep the first run in (k, seed) order,
//! so the result does not depend on thread count.

use super::ValidMpcParams;
use super::{better, fit_with, ExplanationSpace, MpcError, MpcFit, MpcParams, Observer};
use crate::data::FeatureMap;
use crate::metrics::{self, Distances};
use crate::protocol::{run_grid, ProtocolGrid};
use ndarray::ArrayView2;
use serde::Serialize;
use std::time::Instant;

/// Summary of one run of the protocol.
#[derive(Debug, Clone, Serialize)]
pub struct ProtocolRun {
    /// Initial number of clusters.
    pub k: usize,
    /// Seed.
    pub seed: u64,
    /// Clusters in the result.
    pub clusters: usize,
    /// Mean silhouette (`None` with one cluster).
    pub silhouette: Option<f64>,
    /// Share of rows inside their own polytope.
    pub fidelity: f64,
    /// Wall-clock seconds of the run.
    pub seconds: f64,
}

/// Result of the protocol.
#[derive(Debug, Clone)]
pub struct ProtocolResult {
    /// The best run.
    pub best: MpcFit,
    /// Its initial k.
    pub best_k: usize,
    /// Its seed.
    pub best_seed: u64,
    /// Every run, in (k, seed) order.
    pub runs: Vec<ProtocolRun>,
    /// Wall-clock seconds of the whole protocol.
    pub seconds: f64,
}

impl ProtocolResult {
    /// Median seconds of a single run.
    pub fn median_run_seconds(&self) -> f64 {
        let seconds: Vec<f64> = self.runs.iter().map(|r| r.seconds).collect();
        metrics::median(&seconds)
    }
}

/// Run MPC for every k in `ks` (values the data cannot support are skipped)
/// and seeds `base.seed .. base.seed + restarts`; keep the best run (see
/// [`crate::protocol::run_grid`]). With `runs_in_parallel` the runs execute
/// side by side on the rayon pool, else one at a time (each still parallel
/// inside). Unless `base.k_max` is set, Algorithm 2 may split up to the
/// largest k of `ks`. `on_run` is called after every run, in completion
/// order (progress bars).
#[allow(clippy::too_many_arguments)]
pub fn protocol(
    x: ArrayView2<f64>,
    map: &FeatureMap,
    space: &ExplanationSpace,
    base: &MpcParams,
    ks: std::ops::RangeInclusive<usize>,
    restarts: usize,
    runs_in_parallel: bool,
    observer: &dyn Observer,
    on_run: &(dyn Fn(&ProtocolRun) + Sync),
) -> Result<ProtocolResult, MpcError> {
    let start = Instant::now();
    let x = x.as_standard_layout().to_owned();
    let distances = Distances::new(x.view());
    // K_max (Algorithm 2): unless given, the largest k of the range, so a
    // run may split beyond its initial k but, as the paper's bound for a
    // fair comparison with fixed-k methods (§3.2), never ends with more
    // clusters than the range allows.
    let k_max = base.k_max.unwrap_or(*ks.end());
    let grid = ProtocolGrid {
        ks,
        restarts,
        seed: base.seed,
    };
    let prepare = |k: usize, seed: u64| {
        base.clone()
            .k(k)
            .k_max(Some(k_max.max(k)))
            .seed(seed)
            .check(x.view(), space.dim())
    };
    let one_run = |params: &ValidMpcParams| {
        let fit = fit_with(
            x.view(),
            map,
            space.clone(),
            params,
            observer,
            Some(&distances),
        )?;
        let run = ProtocolRun {
            k: params.k,
            seed: params.seed,
            clusters: fit.model.k(),
            silhouette: fit.silhouette,
            fidelity: fit.fidelity,
            seconds: fit.seconds,
        };
        on_run(&run);
        Ok::<_, MpcError>((fit, run))
    };
    let outcome = run_grid(
        &grid,
        prepare,
        one_run,
        |a, b| better(&a.0, &b.0),
        runs_in_parallel,
    )?;
    let (best_k, best_seed) = (
        outcome.runs[outcome.best].1.k,
        outcome.runs[outcome.best].1.seed,
    );
    let mut best = None;
    let mut runs = Vec::with_capacity(outcome.runs.len());
    for (index, (fit, run)) in outcome.runs.into_iter().enumerate() {
        if index == outcome.best {
            best = Some(fit);
        }
        runs.push(run);
    }
    Ok(ProtocolResult {
        best: best.expect("the best run is one of the runs"),
        best_k,
        best_seed,
        runs,
        seconds: start.elapsed().as_secs_f64(),
    })
}
