//! Multi-Polytope Clustering (MPC paper §3): Algorithm 1 (alternating
//! minimisation, [`init`]), Algorithm 2 (silhouette coordinate descent), and
//! the fitted [`PolytopeModel`] whose polytopes explain every cluster.

pub(crate) mod build;
mod deadline;
pub mod init;
pub mod model;
mod model_check;
pub mod outliers;
pub mod params;
pub mod protocol;
mod redundancy;
pub mod search;
pub mod space;

pub use build::finalize;
pub use deadline::Deadline;
pub use init::{PairHyperplane, SolveStats};
pub use model::{HalfSpace, ModelError, ModelSettings, Polytope, PolytopeModel, SCHEMA_VERSION};
pub use outliers::{OutlierRule, OUTLIER_LABEL, OUTLIER_MULTIPLE};
pub use params::{
    CoarseStart, MinClusterSize, MpcParams, Preset, ValidMpcParams, DEFAULT_SAMPLE_SIZE,
};
pub use protocol::{protocol, ProtocolPlan, ProtocolResult, ProtocolRun};
pub use space::{screen_for_explanation, ExplanationFeature, ExplanationSpace, ScreeningTarget};

use crate::assign::AssignError;
use crate::data::FeatureMap;
use crate::hyperplane::SolveError;
use crate::metrics;
use crate::params::ParamsError;
use build::centres;
use ndarray::{Array2, ArrayView2};
use serde::Serialize;
use std::collections::HashMap;
use thiserror::Error;

/// Why an iterative loop stopped. A status, not an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    /// The objective stopped improving.
    Converged,
    /// The iteration cap was reached.
    IterationLimit,
    /// The time limit was reached.
    TimeLimit,
}

impl RunStatus {
    /// Name used in output.
    pub fn name(self) -> &'static str {
        match self {
            RunStatus::Converged => "converged",
            RunStatus::IterationLimit => "iteration_limit",
            RunStatus::TimeLimit => "time_limit",
        }
    }
}

impl std::fmt::Display for RunStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A progress report from a running algorithm.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    /// Which stage.
    pub stage: &'static str,
    /// Iteration within the stage.
    pub iteration: usize,
    /// Current loss.
    pub loss: f64,
    /// Rows of the smallest cluster now.
    pub smallest_cluster: usize,
    /// Rows by which the clusters are outside the cardinality bounds (15)
    /// now (0 without bounds). Algorithm 2 never increases it.
    pub violation: usize,
}

impl Progress {
    /// A report that a phase without iterations begins.
    pub fn phase(stage: &'static str) -> Self {
        Self {
            stage,
            iteration: 0,
            loss: f64::NAN,
            smallest_cluster: 0,
            violation: 0,
        }
    }
}

/// Receives progress reports (progress bars, logs).
pub trait Observer: Sync {
    /// Called after each iteration of a stage.
    fn progress(&self, _p: Progress) {}
}

impl Observer for () {}

/// Errors of an MPC run.
#[derive(Debug, Error)]
pub enum MpcError {
    /// Invalid parameters.
    #[error(transparent)]
    Params(#[from] ParamsError),
    /// A hyperplane problem failed.
    #[error(transparent)]
    Solve(#[from] SolveError),
    /// The assignment problem failed.
    #[error(transparent)]
    Assign(#[from] AssignError),
    /// Interaction screening for the explanation space failed.
    #[error(transparent)]
    Screening(#[from] crate::interactions::InteractionError),
}

/// A fitted MPC clustering.
#[derive(Debug, Clone)]
pub struct MpcFit {
    /// The model.
    pub model: PolytopeModel,
    /// Cluster of every row (from the model's decision rule).
    pub labels: Vec<usize>,
    /// Rows in no polytope (assigned to the nearest centre).
    pub uncovered: usize,
    /// Share of rows inside their own cluster's polytope.
    pub fidelity: f64,
    /// Mean silhouette of `labels` (`None` with a single cluster).
    pub silhouette: Option<f64>,
    /// Whether `silhouette` (and the per-cluster values) are exact: always
    /// up to the sample size; above it the silhouette is an estimate over
    /// independent samples with standard error `silhouette_se`, and the
    /// per-cluster values are those of the search's sample.
    pub silhouette_exact: bool,
    /// Standard error of an estimated silhouette (0 when exact).
    pub silhouette_se: Option<f64>,
    /// Rows of each cluster.
    pub sizes: Vec<usize>,
    /// Mean silhouette of each cluster's rows.
    pub cluster_silhouettes: Vec<Option<f64>>,
    /// The smallest cluster size the run was held to, in rows (1: none).
    pub min_cluster_size: usize,
    /// With outliers set apart ([`MpcFit::set_outliers_apart`]): which rows
    /// are outliers. The silhouette, sizes and per-cluster silhouettes then
    /// cover the other rows only.
    pub outliers: Option<Vec<bool>>,
    /// How Algorithm 1 stopped.
    pub init_status: RunStatus,
    /// Objective (31) after each outer iteration of Algorithm 1.
    pub init_history: Vec<f64>,
    /// How Algorithm 2 stopped (`None` when it did not run).
    pub search_status: Option<RunStatus>,
    /// Loss (−silhouette + μ·uncovered share) after each accepted move of Algorithm 2.
    pub search_history: Vec<f64>,
    /// Hyperplane solver statistics.
    pub solves: SolveStats,
    /// Whether the kept result came from the axis-parallel start (see
    /// [`CoarseStart`]).
    pub coarse_start: bool,
    /// Wall-clock seconds.
    pub seconds: f64,
}

impl MpcFit {
    /// How the run ended: Algorithm 2's status, or Algorithm 1's when the
    /// search did not run.
    pub fn status(&self) -> RunStatus {
        self.search_status.unwrap_or(self.init_status)
    }

    /// Rows of the smallest cluster.
    pub fn smallest_cluster(&self) -> usize {
        self.sizes.iter().copied().min().unwrap_or(0)
    }

    /// Whether every cluster holds at least [`MpcFit::min_cluster_size`] rows.
    pub fn meets_min_cluster_size(&self) -> bool {
        self.smallest_cluster() >= self.min_cluster_size
    }

    /// Estimate the silhouette of every row from [`ESTIMATE_REPEATS`]
    /// independent seeded samples of `params.sample_size` rows of `x`, with
    /// its standard error (`silhouette_exact` false); the per-cluster values
    /// stay those of the search's sample.
    pub(crate) fn estimate_silhouette(
        &mut self,
        x: ArrayView2<f64>,
        params: &ValidMpcParams,
    ) -> Result<(), MpcError> {
        if self.model.k() < 2 {
            return Ok(());
        }
        let estimate = metrics::silhouette_sampled(
            x,
            &self.labels,
            params.sample_size,
            ESTIMATE_REPEATS,
            params.seed,
        )
        .map_err(|e| MpcError::Params(ParamsError::new("sample-size", e.to_string())))?;
        self.silhouette = Some(estimate.value);
        self.silhouette_se = estimate.standard_error;
        self.silhouette_exact = estimate.exact;
        Ok(())
    }

    /// Recompute the silhouette and the per-cluster values exactly (in
    /// double precision from the rows `x` of the fit), when they are not.
    pub(crate) fn make_silhouette_exact(&mut self, x: ArrayView2<f64>) {
        if self.silhouette_exact {
            return;
        }
        let quality = metrics::cluster_quality(x, &self.labels, self.model.k());
        self.model
            .record_quality(&quality, self.min_cluster_size, self.labels.len());
        self.silhouette = quality.silhouette;
        self.cluster_silhouettes = quality.cluster_silhouettes;
        self.silhouette_exact = true;
        self.silhouette_se = Some(0.0);
    }

    /// Number of outliers (0 unless they were set apart).
    pub fn outlier_count(&self) -> usize {
        self.outliers
            .as_ref()
            .map_or(0, |o| o.iter().filter(|&&b| b).count())
    }

    /// Set outliers apart (see [`outliers`]): rows farther from their
    /// cluster's centre than `multiple` robust standard deviations beyond
    /// the median distance get the outlier label, and the model carries the
    /// rule. The silhouette and the cluster sizes are recomputed over the
    /// other rows of `x` (the rows the fit was made on).
    pub fn set_outliers_apart(&mut self, x: ArrayView2<f64>, multiple: f64) {
        let k = self.model.k();
        let rule = OutlierRule::fit(x, &self.labels, k, multiple);
        let mask: Vec<bool> = self
            .labels
            .iter()
            .zip(x.rows())
            .map(|(&l, row)| rule.is_outlier(l, row))
            .collect();
        let kept: Vec<usize> = (0..mask.len()).filter(|&t| !mask[t]).collect();
        let labels: Vec<usize> = kept.iter().map(|&t| self.labels[t]).collect();
        let quality =
            metrics::cluster_quality(x.select(ndarray::Axis(0), &kept).view(), &labels, k);
        self.silhouette = quality.silhouette;
        self.model
            .record_quality(&quality, self.min_cluster_size, mask.len());
        self.sizes = quality.sizes;
        self.cluster_silhouettes = quality.cluster_silhouettes;
        self.model.outliers = Some(rule);
        self.outliers = Some(mask);
    }
}

/// Fit MPC on the scaled clustering matrix `x` with explanation space `space`.
pub fn fit(
    x: ArrayView2<f64>,
    map: &FeatureMap,
    space: ExplanationSpace,
    params: &ValidMpcParams,
    observer: &dyn Observer,
) -> Result<MpcFit, MpcError> {
    fit_with(x, map, space, params, observer, None, None)
}

/// As [`fit`], reusing a distance matrix of the rows of `x` (the protocol
/// computes it once for all its runs), and ending no later than `budget`
/// (the protocol's overall budget) as well as the run's own time limit.
pub fn fit_with(
    x: ArrayView2<f64>,
    map: &FeatureMap,
    space: ExplanationSpace,
    params: &ValidMpcParams,
    observer: &dyn Observer,
    distances: Option<&crate::metrics::Distances>,
    budget: Option<&Deadline>,
) -> Result<MpcFit, MpcError> {
    fit_scored(
        x,
        map,
        space,
        params,
        observer,
        distances,
        budget,
        Scoring::Exact,
    )
}

/// How a fit's silhouette is computed up to the sample size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scoring {
    /// Exactly, in double precision from the rows (O(n²·d)).
    Exact,
    /// From the search's distance matrix when it is held (O(n²), within
    /// about 1e-5 of exact; `silhouette_exact` false): the
    /// protocol ranks its runs by it and makes the runs that can win exact
    /// ([`MpcFit::make_silhouette_exact`]).
    SearchDistances,
}

/// [`fit_with`], the silhouette computed as `scoring` says.
#[allow(clippy::too_many_arguments)]
pub(crate) fn fit_scored(
    x: ArrayView2<f64>,
    map: &FeatureMap,
    space: ExplanationSpace,
    params: &ValidMpcParams,
    observer: &dyn Observer,
    distances: Option<&crate::metrics::Distances>,
    budget: Option<&Deadline>,
    scoring: Scoring,
) -> Result<MpcFit, MpcError> {
    let deadline = Deadline::within(budget, params.time_limit);
    let x = x.as_standard_layout().to_owned();
    let z = space.transform(x.view());
    // Above the sample size, Algorithm 2 scores the silhouette on a fixed
    // sample of the rows (see [`SearchRows`]).
    let rows = SearchRows::choose(x.nrows(), params.sample_size);
    let (xs, zs) = rows.select(x.view(), z.view());
    let owned;
    let dist = match distances {
        Some(d) if d.n() == xs.nrows() => Some(d),
        _ if params.local_search => {
            owned = crate::metrics::Distances::new(xs.view());
            Some(&owned)
        }
        _ => None,
    };
    let (own_start, coarse_start) = params.coarse_start.starts(params.m, params.beta);
    let coarse = if coarse_start {
        let p = (**params)
            .clone()
            .m(1)
            .beta(1)
            .coarse_start(CoarseStart::Never);
        Some(p.check(x.view(), z.ncols())?)
    } else {
        None
    };
    // Both starts begin from the same k-means (line 2 of Algorithm 1
    // depends only on k, the seed and the restarts): it is computed once.
    let start = init::initial_kmeans(x.view(), params, observer)?;
    let run = |coarse: Option<&ValidMpcParams>| {
        fit_from(
            Rows {
                x: x.view(),
                z: z.view(),
                xs: xs.view(),
                zs: zs.view(),
                sampled: rows.is_sampled(),
            },
            map,
            &space,
            params,
            coarse,
            start.clone(),
            observer,
            dist,
            &deadline,
        )
    };
    // The two starts are independent: on the rayon pool they use both cores
    // of a single run. Each is deterministic and the choice between them is
    // fixed (own start first), so the result does not depend on threads.
    // `starts` always asks for at least one start.
    let mut fit = match (own_start, coarse.as_ref()) {
        (true, Some(c)) => {
            let (own, from_coarse) = rayon::join(|| run(None), || run(Some(c)));
            let (mut own, mut from_coarse) = (own?, from_coarse?);
            // The silhouettes of the starts are estimates from the search's
            // distance matrix: the exact value decides when they are close.
            let close = match (own.silhouette, from_coarse.silhouette) {
                (Some(a), Some(b)) => (a - b).abs() < crate::metrics::Distances::ESTIMATE_MARGIN,
                _ => false,
            };
            if close && !rows.is_sampled() {
                own.make_silhouette_exact(x.view());
                from_coarse.make_silhouette_exact(x.view());
            }
            if better(&from_coarse, &own) {
                from_coarse
            } else {
                own
            }
        }
        (_, c) => run(c)?,
    };
    if rows.is_sampled() {
        observer.progress(Progress::phase("estimating the silhouette"));
        fit.estimate_silhouette(x.view(), params)?;
    } else if scoring == Scoring::Exact {
        fit.make_silhouette_exact(x.view());
    }
    fit.seconds = deadline.elapsed();
    Ok(fit)
}

/// The rows of a run: every row (`x`, `z`), and the rows Algorithm 2 scores
/// the silhouette on (`xs`, `zs`: every row, or a fixed sample).
#[derive(Clone, Copy)]
struct Rows<'a> {
    x: ArrayView2<'a, f64>,
    z: ArrayView2<'a, f64>,
    xs: ArrayView2<'a, f64>,
    zs: ArrayView2<'a, f64>,
    sampled: bool,
}

/// Seed of the sample Algorithm 2 runs on above the sample size: fixed, so
/// every run of a protocol (and `--k K` after a `--k-range` study) sees the
/// same rows.
pub const SEARCH_SAMPLE_SEED: u64 = 0x5eed;

/// Independent samples of the final silhouette estimate above the sample
/// size.
pub const ESTIMATE_REPEATS: usize = 10;

/// Which rows Algorithm 2 scores the silhouette on (MPC paper §3.2 at
/// scale): every row up to the sample size; above it a fixed, seeded sample
/// of that many rows, drawn without replacement. The silhouette is O(n²),
/// everything else a run does is linear or n log n in the rows, so above the
/// sample size only the search is sampled: Algorithm 1 (k-means, the
/// assignment (31)–(32), the hyperplanes (1)–(12)) and the final model, its
/// labels and its fidelity use every row. The sample's labels are always the
/// ones the current polytopes give, so the search moves real hyperplanes.
#[derive(Debug, Clone)]
pub struct SearchRows {
    rows: Option<Vec<usize>>,
}

impl SearchRows {
    /// The rows for data of `n` rows and a sample size.
    pub fn choose(n: usize, sample_size: usize) -> Self {
        if n <= sample_size {
            return Self { rows: None };
        }
        use rand::SeedableRng;
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(SEARCH_SAMPLE_SEED);
        let mut rows = rand::seq::index::sample(&mut rng, n, sample_size).into_vec();
        rows.sort_unstable();
        Self { rows: Some(rows) }
    }

    /// Whether the search runs on a sample.
    pub fn is_sampled(&self) -> bool {
        self.rows.is_some()
    }

    /// The search's rows of X and Z (copies of the sample, or views of all).
    fn select<'a>(
        &self,
        x: ArrayView2<'a, f64>,
        z: ArrayView2<'a, f64>,
    ) -> (
        ndarray::CowArray<'a, f64, ndarray::Ix2>,
        ndarray::CowArray<'a, f64, ndarray::Ix2>,
    ) {
        match &self.rows {
            None => (x.into(), z.into()),
            Some(rows) => (
                x.select(ndarray::Axis(0), rows).into(),
                z.select(ndarray::Axis(0), rows).into(),
            ),
        }
    }

    /// The rows of X the search scores (all of them, or the sample).
    pub fn of<'a>(&self, x: ArrayView2<'a, f64>) -> ndarray::CowArray<'a, f64, ndarray::Ix2> {
        match &self.rows {
            None => x.into(),
            Some(rows) => x.select(ndarray::Axis(0), rows).into(),
        }
    }
}

/// Whether `a` beats `b`: full fidelity first, then silhouette.
pub(crate) fn better(a: &MpcFit, b: &MpcFit) -> bool {
    let key = |f: &MpcFit| {
        (
            f.meets_min_cluster_size(),
            f.fidelity >= 1.0,
            f.silhouette.unwrap_or(f64::NEG_INFINITY),
        )
    };
    let (ka, kb) = (key(a), key(b));
    (ka.0, ka.1) > (kb.0, kb.1) || ((ka.0, ka.1) == (kb.0, kb.1) && ka.2 > kb.2)
}

/// One run from one start: Algorithm 1 and Algorithm 2 in `params`, or, with
/// `coarse`, both in the axis-parallel `coarse` setting first and then
/// Algorithm 2 again in `params` from that result (see [`CoarseStart`]).
#[allow(clippy::too_many_arguments)]
fn fit_from<'a>(
    rows: Rows<'a>,
    map: &FeatureMap,
    space: &ExplanationSpace,
    params: &'a ValidMpcParams,
    coarse: Option<&'a ValidMpcParams>,
    start: crate::kmeans::KMeansResult,
    observer: &dyn Observer,
    dist: Option<&'a crate::metrics::Distances>,
    deadline: &Deadline,
) -> Result<MpcFit, MpcError> {
    let (x, z) = (rows.x, rows.z);
    let init = init::initialize_from(x, z, coarse.unwrap_or(params), start, observer, deadline)?;
    let mut solves = init.solves.clone();
    let mut hyperplanes = init.hyperplanes;
    let mut centroids = init.centroids;
    let mut search_status = None;
    let mut search_history = Vec::new();
    let mut searched_rows = None;
    if let (true, Some(dist)) = (params.local_search, dist) {
        // On a sample, the cardinality bounds are the sample's share of them.
        let on_rows = |p: &ValidMpcParams| {
            if rows.sampled {
                p.on_sample(rows.xs.nrows(), x.nrows())
            } else {
                p.clone()
            }
        };
        let stages: Vec<ValidMpcParams> = match coarse {
            Some(c) => vec![on_rows(c), on_rows(params)],
            None => vec![on_rows(params)],
        };
        for stage in &stages {
            let found = search::search(
                rows.xs,
                rows.zs,
                dist,
                hyperplanes,
                &centroids,
                stage,
                observer,
                deadline,
            )?;
            solves += &found.solves;
            hyperplanes = found.hyperplanes;
            centroids = found.centroids;
            search_status = Some(found.status);
            // A later stage starts where the previous one ended; its first
            // entry repeats that loss.
            let skip = usize::from(!search_history.is_empty());
            search_history.extend(found.history.into_iter().skip(skip));
            searched_rows = Some(found.rows);
        }
    }
    // A run the deadline cut short says so, whichever loop it was in.
    let mut init_status = init.status;
    if deadline.expired() {
        match search_status.as_mut() {
            Some(status) => *status = RunStatus::TimeLimit,
            None => init_status = RunStatus::TimeLimit,
        }
    }
    observer.progress(Progress::phase("building the model"));
    let model = finalize(
        x,
        z,
        map,
        space.clone(),
        hyperplanes,
        &centroids,
        params,
        None,
    );
    let (labels, inside) = model.assign_with(x, z);
    let uncovered = inside.iter().filter(|i| !**i).count();
    let fidelity = 1.0 - uncovered as f64 / labels.len() as f64;
    // From the search's distance matrix the silhouette costs O(n²) instead
    // of O(n²·d), from distances held to 16 bits: an estimate that chooses between the
    // starts; the chosen fit's is then made exact.
    // The search's last state scored these very labels when the model
    // assigns every row as the search left it: O(n·K).
    // The same clusters under other ids (the model numbers its clusters
    // afresh) have the same silhouettes.
    let searched = searched_rows.filter(|r| {
        !rows.sampled
            && r.len() == labels.len()
            && same_partition(r.iter().map(|s| s.0), &labels, model.k())
    });
    let (quality, silhouette_exact) = match dist {
        Some(d) if searched.is_some() && d.has_matrix() => {
            let samples = searched
                .unwrap_or_default()
                .into_iter()
                .map(|r| r.1)
                .collect();
            (
                metrics::cluster_quality_from_samples(samples, &labels, model.k()),
                false,
            )
        }
        Some(d) if d.n() == labels.len() && d.has_matrix() => {
            (metrics::cluster_quality_with(d, &labels, model.k()), false)
        }
        // Sampled: the quality of the search's rows (every size counted on
        // all rows), until the fit's estimate replaces it.
        Some(d) if rows.sampled => {
            let sample_labels = model.assign_with(rows.xs, rows.zs).0;
            let mut quality = metrics::cluster_quality_with(d, &sample_labels, model.k());
            quality.sizes = vec![0; model.k()];
            labels.iter().for_each(|&l| quality.sizes[l] += 1);
            (quality, false)
        }
        _ => (metrics::cluster_quality(x, &labels, model.k()), true),
    };
    let mut model = model;
    model.record_quality(&quality, params.min_cluster_rows(), labels.len());
    Ok(MpcFit {
        model,
        labels,
        uncovered,
        fidelity,
        silhouette: quality.silhouette,
        silhouette_exact,
        silhouette_se: None,
        sizes: quality.sizes,
        cluster_silhouettes: quality.cluster_silhouettes,
        min_cluster_size: params.min_cluster_rows(),
        outliers: None,
        init_status,
        init_history: init.history,
        search_status,
        search_history,
        solves,
        coarse_start: coarse.is_some(),
        seconds: deadline.elapsed(),
    })
}

/// Whether `searched` labels (ids below `k` or any, each row's) split the
/// rows into the same clusters as `labels` (ids below `k`): a one-to-one
/// correspondence between the ids.
fn same_partition(searched: impl Iterator<Item = usize>, labels: &[usize], k: usize) -> bool {
    let mut to_label: HashMap<usize, usize> = HashMap::new();
    let mut from_label: Vec<Option<usize>> = vec![None; k];
    let mut count = 0;
    for (s, &l) in searched.zip(labels) {
        count += 1;
        let Some(slot) = from_label.get_mut(l) else {
            return false;
        };
        if *to_label.entry(s).or_insert(l) != l || *slot.get_or_insert(s) != s {
            return false;
        }
    }
    count == labels.len()
}

/// Explain a given clustering (customer segments, classes): solve the
/// separating-hyperplane problem (1)–(12) for every pair of the given
/// clusters and build the polytope model, without changing the clustering.
/// `labels` are ids in `0..K`. The fit's `fidelity` is the share of rows
/// inside the polytope of their *given* cluster; its `labels` are the model's
/// decisions (which `predict` and the SQL rules reproduce).
pub fn explain_labels(
    x: ArrayView2<f64>,
    map: &FeatureMap,
    space: ExplanationSpace,
    labels: &[usize],
    params: &ValidMpcParams,
) -> Result<MpcFit, MpcError> {
    let deadline = Deadline::after(params.time_limit);
    let x = x.as_standard_layout().to_owned();
    let z = space.transform(x.view());
    let k = labels.iter().max().map_or(0, |m| m + 1);
    let centroids = centres(x.view(), labels, &Array2::zeros((k, x.ncols())));
    let (hyperplanes, solves) = init::solve_pairs(z.view(), labels, k, params, &deadline)?;
    // Rows no polytope holds are covered in the cluster they were given.
    let model = finalize(
        x.view(),
        z.view(),
        map,
        space,
        hyperplanes,
        &centroids,
        params,
        Some(labels),
    );
    let (decided, _) = model.assign_with(x.view(), z.view());
    let fidelity = if model.k() == k {
        model.fidelity(x.view(), labels)
    } else {
        0.0
    };
    let uncovered = ((1.0 - fidelity) * labels.len() as f64).round() as usize;
    // The given clusters are explained as they are: no floor applies.
    let quality = metrics::cluster_quality(x.view(), &decided, model.k());
    let mut model = model;
    model.record_quality(&quality, 1, decided.len());
    Ok(MpcFit {
        model,
        labels: decided,
        uncovered,
        fidelity,
        silhouette: quality.silhouette,
        silhouette_exact: true,
        silhouette_se: Some(0.0),
        sizes: quality.sizes,
        cluster_silhouettes: quality.cluster_silhouettes,
        min_cluster_size: 1,
        outliers: None,
        init_status: RunStatus::Converged,
        init_history: Vec::new(),
        search_status: None,
        search_history: Vec::new(),
        solves,
        coarse_start: false,
        seconds: deadline.elapsed(),
    })
}

#[cfg(test)]
mod tests {
    use super::same_partition;

    /// Renumbered clusters are the same partition; a row in another
    /// cluster, two clusters merged or one split are not.
    #[test]
    fn same_partition_is_a_renumbering() {
        let labels = [0, 0, 1, 2, 1, 2];
        let renumbered = [5, 5, 0, 1, 0, 1];
        assert!(same_partition(renumbered.into_iter(), &labels, 3));
        assert!(same_partition(labels.into_iter(), &labels, 3));
        let moved = [5, 0, 0, 1, 0, 1];
        assert!(!same_partition(moved.into_iter(), &labels, 3));
        let merged = [5, 5, 0, 0, 0, 0];
        assert!(!same_partition(merged.into_iter(), &labels, 3));
        let split = [5, 4, 0, 1, 0, 1];
        assert!(!same_partition(split.into_iter(), &labels, 3));
        assert!(!same_partition(renumbered[..5].iter().copied(), &labels, 3));
        assert!(!same_partition(
            renumbered.into_iter(),
            &[0, 0, 1, 2, 1, 3],
            3
        ));
    }
}
