//! The paper's protocol (MPC paper §4.1): for every k in a range and every
//! seed, run MPC and keep the best silhouette. Runs whose polytopes cover every
//! row (fidelity 1) are preferred; ties keep the first run in (k, seed) order,
//! so the result does not depend on thread count.

use super::deadline::Deadline;
use super::error::MpcError;
use super::fit::{fit_with, FitOptions, Scoring};
use super::fitted::{better, MpcFit};
use super::params::{MpcParams, Objective, ValidMpcParams};
use super::progress::{Observer, Progress, RunStatus};
use super::sample::SearchRows;
use super::space::ExplanationSpace;
use crate::data::FeatureMap;
use crate::metrics::{self, Distances};
use crate::params::{check_k_range, check_seconds, ParamsError};
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
    /// The fewest clusters the run could end with (Algorithm 2's merges
    /// stop there): `--k-min`.
    pub k_min: usize,
    /// The most clusters the run could end with (its splits stop there):
    /// `--k-max`.
    pub k_max: usize,
    /// Mean silhouette (`None` with one cluster): exact for the best run and
    /// the runs within [`Distances::ESTIMATE_MARGIN`] of it; for the others,
    /// from the search's distance matrix (within about 1e-5 of exact). Above
    /// the sample size, an estimate over samples.
    pub silhouette: Option<f64>,
    /// Whether `silhouette` is exact.
    pub silhouette_exact: bool,
    /// The k-means cost of the run's clusters.
    pub kmeans_cost: f64,
    /// Share of rows inside their own polytope.
    pub fidelity: f64,
    /// Rows of the smallest cluster.
    pub smallest: usize,
    /// Whether every cluster holds at least the minimum cluster size.
    pub meets_min_cluster_size: bool,
    /// Wall-clock seconds of the run.
    pub seconds: f64,
}

impl ProtocolRun {
    /// The protocol's order of runs: the floor met, then full fidelity, then
    /// the objective (as [`MpcFit`]s are compared): a higher silhouette, or
    /// a lower k-means cost.
    fn beats(&self, other: &ProtocolRun, objective: Objective) -> bool {
        let key = |r: &ProtocolRun| (r.meets_min_cluster_size, r.fidelity >= 1.0);
        let score = |r: &ProtocolRun| match objective {
            Objective::Silhouette => r.silhouette.unwrap_or(f64::NEG_INFINITY),
            Objective::KMeans => -r.kmeans_cost,
        };
        key(self) > key(other) || key(self) == key(other) && score(self) > score(other)
    }
}

/// Which runs the protocol makes.
#[derive(Debug, Clone, PartialEq)]
pub struct ProtocolPlan {
    /// Values of k (the paper: 2..=10).
    pub ks: std::ops::RangeInclusive<usize>,
    /// Seeds per k, from the base parameters' seed (the paper: 100).
    pub restarts: usize,
    /// Run side by side on the rayon pool, or one at a time (each still
    /// parallel inside).
    pub runs_in_parallel: bool,
    /// Wall-clock budget of the whole protocol, seconds: runs not started
    /// when it ends are skipped (and counted), runs under way stop at it.
    /// Which runs finish then depends on the machine, so a budgeted result is
    /// reproducible only when the budget was not reached.
    pub budget: Option<f64>,
}

impl ProtocolPlan {
    /// Every k of `ks`, `restarts` seeds each, runs side by side, no budget.
    pub fn new(ks: std::ops::RangeInclusive<usize>, restarts: usize) -> Self {
        Self {
            ks,
            restarts,
            runs_in_parallel: true,
            budget: None,
        }
    }
}

/// Result of the protocol.
#[derive(Debug, Clone)]
pub struct ProtocolResult {
    /// What the runs minimised: the best run of each k is the best by it.
    pub objective: Objective,
    /// The best run.
    pub best: MpcFit,
    /// Its initial k.
    pub best_k: usize,
    /// Its seed.
    pub best_seed: u64,
    /// Every run, in (k, seed) order.
    pub runs: Vec<ProtocolRun>,
    /// Runs not started because the budget had ended.
    pub skipped: usize,
    /// Whether the budget ended the protocol early ([`RunStatus::TimeLimit`]).
    pub status: RunStatus,
    /// Wall-clock seconds of the whole protocol.
    pub seconds: f64,
}

impl ProtocolResult {
    /// Median seconds of a single run.
    pub fn median_run_seconds(&self) -> f64 {
        let seconds: Vec<f64> = self.runs.iter().map(|r| r.seconds).collect();
        metrics::median(&seconds)
    }

    /// The best run of every initial k, in k order (the first seed on ties):
    /// how the choice of k was made. `polyclust cluster --k K --seed S
    /// --k-min A --k-max B` with that row's seed and bounds reproduces the
    /// row's run.
    pub fn best_per_k(&self) -> Vec<&ProtocolRun> {
        let mut best: Vec<&ProtocolRun> = Vec::new();
        for run in &self.runs {
            match best.last_mut() {
                Some(b) if b.k == run.k => {
                    if run.beats(b, self.objective) {
                        *b = run;
                    }
                }
                _ => best.push(run),
            }
        }
        best
    }
}

/// Runs within this much silhouette of the best, by the search's distance
/// matrix, are made exact before the best is chosen: far above the
/// matrix's error, so the run chosen is the one exact silhouettes choose.
const EXACT_CONTENDERS: f64 = Distances::ESTIMATE_MARGIN;

/// The protocol's runs are ranked by their silhouettes from the search's
/// distance matrix (O(n²) each instead of the exact O(n²·d)).
/// The best run, and every run of its class (floor met, full fidelity)
/// within [`EXACT_CONTENDERS`] of it, are made exact, and the best is chosen
/// again among them in (k, seed) order: the run exact silhouettes would
/// have chosen, at one exact silhouette per protocol instead of one per run.
/// Returns the index of the best run. Only for data within the sample size
/// (above it every run's silhouette is an estimate over samples). A run
/// not made exact when `deadline` passes keeps its estimate.
fn exact_best(
    runs: &mut [Option<(MpcFit, ProtocolRun)>],
    best: usize,
    x: ArrayView2<f64>,
    deadline: &Deadline,
) -> usize {
    let Some((leader, _)) = runs[best].as_ref() else {
        return best;
    };
    let class = |f: &MpcFit| (f.meets_min_cluster_size(), f.fidelity >= 1.0);
    let (leader_class, leader_silhouette) = (class(leader), leader.silhouette);
    let contends = |f: &MpcFit| {
        class(f) == leader_class
            && match (f.silhouette, leader_silhouette) {
                (Some(a), Some(b)) => (a - b).abs() < EXACT_CONTENDERS,
                (a, b) => a.is_none() && b.is_none(),
            }
    };
    let contenders: Vec<usize> = (0..runs.len())
        .filter(|&i| runs[i].as_ref().is_some_and(|(f, _)| contends(f)))
        .collect();
    for &i in &contenders {
        if let Some((fit, run)) = runs[i].as_mut() {
            fit.make_silhouette_exact(x, deadline);
            run.silhouette = fit.silhouette;
            run.silhouette_exact = fit.silhouette_exact;
        }
    }
    let mut chosen = contenders[0];
    for &i in &contenders[1..] {
        if let (Some((a, _)), Some((b, _))) = (&runs[i], &runs[chosen]) {
            if better(a, b) {
                chosen = i;
            }
        }
    }
    chosen
}

/// With the k-means objective, the run kept: of every k, the run of lowest
/// cost (the floor met and full fidelity first); among those, the highest
/// silhouette, since the cost itself falls as k grows. Ties keep the first
/// in (k, seed) order. The runs deferred their silhouettes: those compared
/// across k, and the one kept, get theirs here (`prepare` gives a run's
/// settings), within `deadline`.
fn best_across_k(
    runs: &mut [Option<(MpcFit, ProtocolRun)>],
    x: ArrayView2<f64>,
    prepare: &dyn Fn(usize, u64) -> Result<ValidMpcParams, ParamsError>,
    deadline: &Deadline,
) -> Result<usize, MpcError> {
    let done: Vec<(usize, &ProtocolRun)> = runs
        .iter()
        .enumerate()
        .filter_map(|(i, r)| r.as_ref().map(|(_, run)| (i, run)))
        .collect();
    let mut per_k: Vec<(usize, &ProtocolRun)> = Vec::new();
    for &(i, run) in &done {
        match per_k.last() {
            Some(&(_, b)) if b.k == run.k => {
                if run.beats(b, Objective::KMeans) {
                    per_k.pop();
                    per_k.push((i, run));
                }
            }
            _ => per_k.push((i, run)),
        }
    }
    let contenders: Vec<usize> = per_k.iter().map(|(i, _)| *i).collect();
    for &i in &contenders {
        if let Some((fit, run)) = runs[i].as_mut() {
            fit.complete_silhouette(x, &prepare(run.k, run.seed)?, deadline)?;
            run.silhouette = fit.silhouette;
            run.silhouette_exact = fit.silhouette_exact;
        }
    }
    let mut chosen = contenders.first().copied().unwrap_or(0);
    for &i in contenders.iter().skip(1) {
        let (Some((_, run)), Some((_, best))) = (&runs[i], &runs[chosen]) else {
            continue;
        };
        if run.beats(best, Objective::Silhouette) {
            chosen = i;
        }
    }
    Ok(chosen)
}

/// Run MPC for every k of `plan.ks` and seeds `base.seed ..
/// base.seed + plan.restarts`; keep the best run (see
/// [`crate::protocol::run_grid`]). The range is checked against the data up
/// front. Unless `base.k_max` is set, Algorithm 2 may split up to the largest
/// k of the range. `on_run` is called after every run, in completion order
/// (progress bars).
pub fn protocol(
    x: ArrayView2<f64>,
    map: &FeatureMap,
    space: &ExplanationSpace,
    base: &MpcParams,
    plan: &ProtocolPlan,
    observer: &dyn Observer,
    on_run: &(dyn Fn(&ProtocolRun) + Sync),
) -> Result<ProtocolResult, MpcError> {
    let start = Instant::now();
    check_k_range(*plan.ks.start(), *plan.ks.end(), x)?;
    check_seconds("budget", plan.budget)?;
    let budget = Deadline::after(plan.budget);
    // With a single run, what the protocol prepares for it is part of that
    // run: its time limit runs from here.
    let single_run = plan.ks.clone().count() * plan.restarts == 1;
    let overall = match single_run {
        true => Deadline::within(Some(&budget), base.time_limit),
        false => budget,
    };
    let x = x.as_standard_layout().to_owned();
    let space_dim = space.dim();
    let silhouette = base.objective == Objective::Silhouette;
    // K_max (Algorithm 2): unless given, the largest k of the range, so a
    // run may split beyond its initial k but, as the paper's bound for a
    // fair comparison with fixed-k methods (§3.2), never ends with more
    // clusters than the range allows.
    // K_min: unless given, the smallest k of the range, so no run ends with
    // fewer clusters than the range asks for.
    let k_min = base.k_min.unwrap_or(*plan.ks.start());
    // The k-means cost falls with every split, so a k-means run splits only
    // up to a K_max that is asked for: by default each run keeps its k and
    // the range's k are compared by the silhouette.
    let k_max_default = |k: usize| if silhouette { *plan.ks.end() } else { k };
    let prepare = |k: usize, seed: u64| {
        base.clone()
            .k(k)
            .k_max(Some(base.k_max.unwrap_or(k_max_default(k)).max(k)))
            .k_min(Some(k_min.min(k)))
            .seed(seed)
            .check(x.view(), space_dim)
    };
    // Every k of the range must be possible under the floor: checked at the
    // largest, before any run.
    prepare(*plan.ks.end(), base.seed)?;
    // The distances of the rows Algorithm 2 scores, shared by every run
    // (the silhouette's search reads them, the k-means cost's does not);
    // none when the budget (or a single run's limit) ends first, and the
    // runs then end without a search.
    let distances = if silhouette {
        observer.progress(Progress::phase("distances"));
        Distances::new_until(
            SearchRows::choose(x.nrows(), base.sample_size)
                .of(x.view())
                .view(),
            &|| overall.expired(),
        )
    } else {
        None
    };
    let grid = ProtocolGrid {
        ks: plan.ks.clone(),
        restarts: plan.restarts,
        seed: base.seed,
    };
    let one_run = |params: &ValidMpcParams| {
        if budget.expired() {
            return Ok(None);
        }
        // The silhouette's runs are ranked by their silhouettes from the
        // search's matrix and the contenders made exact (`exact_best`); the
        // k-means cost's runs compute theirs exactly.
        let options = FitOptions::default().budget(&overall);
        let options = options.scoring(if silhouette {
            Scoring::SearchDistances
        } else {
            Scoring::Deferred
        });
        let options = match &distances {
            Some(d) => options.distances(d),
            None => options,
        };
        let fit = fit_with(x.view(), map, space.clone(), params, observer, &options)?;
        let run = ProtocolRun {
            k: params.k,
            seed: params.seed,
            clusters: fit.model.k(),
            k_min: params.k_min.unwrap_or(params.k),
            k_max: params.k_max.unwrap_or(params.k),
            silhouette: fit.silhouette,
            silhouette_exact: fit.silhouette_exact,
            kmeans_cost: fit.kmeans_cost,
            fidelity: fit.fidelity,
            smallest: fit.smallest_cluster(),
            meets_min_cluster_size: fit.meets_min_cluster_size(),
            seconds: fit.seconds,
        };
        on_run(&run);
        Ok::<_, MpcError>(Some((fit, run)))
    };
    let outcome = run_grid(
        &grid,
        prepare,
        one_run,
        |a, b| match (a, b) {
            (Some(a), Some(b)) => better(&a.0, &b.0),
            (a, b) => a.is_some() && b.is_none(),
        },
        plan.runs_in_parallel,
    )?;
    let skipped = outcome.runs.iter().filter(|r| r.is_none()).count();
    let mut outcome = outcome;
    // Past the budget (or a single run's limit) the runs are ranked by
    // their estimates: the exact silhouettes cost O(n²·d) each.
    if !silhouette {
        outcome.best = best_across_k(&mut outcome.runs, x.view(), &prepare, &overall)?;
    } else if !SearchRows::choose(x.nrows(), base.sample_size).is_sampled() && !overall.expired() {
        outcome.best = exact_best(&mut outcome.runs, outcome.best, x.view(), &overall);
    }
    let mut best = None;
    let mut runs = Vec::with_capacity(outcome.runs.len());
    for (index, result) in outcome.runs.into_iter().enumerate() {
        let Some((fit, run)) = result else { continue };
        if index == outcome.best {
            best = Some((fit, run.k, run.seed));
        }
        runs.push(run);
    }
    let Some((mut best, best_k, best_seed)) = best else {
        return Err(MpcError::Params(ParamsError::new(
            "budget",
            format!(
                "{} s ended before the first run finished; give the protocol more time",
                plan.budget.unwrap_or(0.0)
            ),
        )));
    };
    // A single run's limit that passed while its silhouette was completed
    // cut that step short.
    if single_run && overall.expired() {
        best.mark_time_limit();
    }
    Ok(ProtocolResult {
        objective: base.objective,
        best,
        best_k,
        best_seed,
        runs,
        skipped,
        status: if budget.expired() {
            RunStatus::TimeLimit
        } else {
            RunStatus::Converged
        },
        seconds: start.elapsed().as_secs_f64(),
    })
}
