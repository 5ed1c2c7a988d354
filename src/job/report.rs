//! [`ClusterReport`]: the figures of a job's result as one serialisable
//! value — the command line's `--json` and the Python estimator's fitted
//! attributes read the same fields.

use super::run::ClusterOutcome;
use super::spec::ClusterSpec;
use crate::data::Dataset;
use crate::explain::{explanation_size, ExplanationSize};
use crate::metrics;
use crate::mpc::SearchRows;
use serde::Serialize;

/// The best run of one initial k (how the choice of k was made).
#[derive(Debug, Clone, Serialize)]
pub struct PerK {
    /// Initial k.
    pub k: usize,
    /// Seed of its best run.
    pub seed: u64,
    /// Clusters of that run.
    pub clusters: usize,
    /// Its silhouette.
    pub silhouette: Option<f64>,
    /// Whether the silhouette is exact.
    pub silhouette_exact: bool,
    /// Rows of its smallest cluster.
    pub smallest_cluster: usize,
    /// Share of rows inside their own polytope.
    pub fidelity: f64,
    /// Whether every cluster holds the minimum cluster size.
    pub meets_min_cluster_size: bool,
    /// The fewest clusters the run could end with (the `--k-min` that
    /// reproduces the run alone).
    pub k_min: usize,
    /// The most clusters the run could end with (the `--k-max` that
    /// reproduces the run alone).
    pub k_max: usize,
}

/// The figures of a job's result.
#[derive(Debug, Clone, Serialize)]
pub struct ClusterReport {
    /// Name of the data (instance or file stem).
    pub instance: String,
    /// Rows clustered.
    pub n: usize,
    /// Features.
    pub d: usize,
    /// Clusters of the model.
    pub k: usize,
    /// Mean silhouette (over rows that are not outliers).
    pub silhouette: Option<f64>,
    /// Share of rows inside their own cluster's polytope.
    pub fidelity: f64,
    /// Whether the silhouette is exact (else a sampled estimate).
    pub silhouette_exact: bool,
    /// Standard error of an estimated silhouette.
    pub silhouette_se: Option<f64>,
    /// Rows in no polytope.
    pub uncovered: usize,
    /// Rows of each cluster.
    pub sizes: Vec<usize>,
    /// Mean silhouette of each cluster.
    pub cluster_silhouettes: Vec<Option<f64>>,
    /// The floor on cluster sizes, in rows.
    pub min_cluster_size: usize,
    /// Whether every cluster holds the floor.
    pub meets_min_cluster_size: bool,
    /// Rows set apart as outliers.
    pub outliers: usize,
    /// Hyperplanes of the model.
    pub hyperplanes: usize,
    /// Half-spaces after redundancy removal.
    pub halfspaces: usize,
    /// Seconds of the whole job.
    pub seconds: f64,
    /// Hyperplane solver.
    pub backend: String,
    /// How the job ended (see [`ClusterOutcome::status`]).
    pub status: String,
    /// How Algorithm 1 of the kept run ended.
    pub init_status: String,
    /// Which start the kept run came from: `own` or `axis_parallel`.
    pub start: String,
    /// Moves Algorithm 2 accepted in the kept run.
    pub search_moves: usize,
    /// Outer iterations of Algorithm 1 in the kept run.
    pub init_iterations: usize,
    /// Initial k of the kept run.
    pub best_k: usize,
    /// Seed of the kept run.
    pub best_seed: u64,
    /// Runs made.
    pub runs: usize,
    /// Median seconds of one run.
    pub median_run_seconds: f64,
    /// Runs not started because the budget had ended.
    pub runs_skipped: usize,
    /// Whether the budget ended the runs early.
    pub protocol_status: String,
    /// Runs that ended with a cluster under the floor.
    pub runs_below_min_cluster_size: usize,
    /// The best run of every initial k.
    pub per_k: Vec<PerK>,
    /// Hyperplane problems solved.
    pub solves: usize,
    /// Of them, proven optimal.
    pub solves_optimal: usize,
    /// M of the job.
    pub m: u32,
    /// β of the job.
    pub beta: usize,
    /// Seed of the job.
    pub seed: u64,
    /// Screened products added to the explanation space.
    pub interactions: Vec<String>,
    /// What a person should know, one sentence each.
    pub notes: Vec<String>,
    /// What Algorithm 2 minimised: `kmeans` or `silhouette`.
    pub objective: String,
    /// The k-means cost of the clusters (within-cluster sum of squares, in
    /// the scaled clustering space).
    pub kmeans_cost: f64,
    /// The price of explainability: `kmeans_cost` over the best k-means
    /// cost at the same k (the library's k-means, 20 restarts; IMM/ExKMC's
    /// measure), 1 when the polytopes cost no more than k-means. Above the
    /// sample size both costs are taken on the search's sample of rows.
    pub price_of_explainability: Option<f64>,
    /// Whether the price was taken on a sample of the rows.
    pub price_estimated: bool,
    /// The explanation's size: conditions (half-spaces after redundancy
    /// removal), terms (non-zero coefficients), features read, and the
    /// conditions of the rule that decides a row, averaged over the rows.
    pub explanation: ExplanationSize,
    /// Adjusted Rand index against the ground truth, when it was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ari: Option<f64>,
    /// Normalised clustering accuracy against the ground truth (Gagolewski:
    /// per class, the recall of the cluster matched with it rescaled so
    /// that chance is 0, under the best matching), when it was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nca: Option<f64>,
}

/// The price of explainability of `labels` of the rows `x`: on every row up
/// to `sample_size` rows, else on the fixed sample Algorithm 2 searched.
/// (price, whether it was taken on a sample).
fn price(x: ndarray::ArrayView2<f64>, labels: &[usize], sample_size: usize) -> (Option<f64>, bool) {
    let rows = SearchRows::choose(x.nrows(), sample_size);
    if rows.is_sampled() {
        let sample = rows.of(x);
        let picked = rows.pick(labels);
        (
            crate::price::price_of_explainability(sample.view(), &picked).ok(),
            true,
        )
    } else {
        (crate::price::price_of_explainability(x, labels).ok(), false)
    }
}

impl ClusterOutcome {
    /// The figures of this outcome of `spec` on `ds`; `truth` (label ids of
    /// the rows) adds the agreement with the ground truth.
    pub fn report(
        &self,
        spec: &ClusterSpec,
        ds: &Dataset,
        truth: Option<&[usize]>,
    ) -> ClusterReport {
        let result = &self.result;
        let fit = self.fit();
        let model = &fit.model;
        let (m, beta) = spec.m_beta();
        let (price, price_estimated) = price(ds.x.view(), &fit.labels, spec.sample_size);
        let per_k = result
            .best_per_k()
            .into_iter()
            .map(|r| PerK {
                k: r.k,
                seed: r.seed,
                clusters: r.clusters,
                silhouette: r.silhouette,
                silhouette_exact: r.silhouette_exact,
                smallest_cluster: r.smallest,
                fidelity: r.fidelity,
                meets_min_cluster_size: r.meets_min_cluster_size,
                k_min: r.k_min,
                k_max: r.k_max,
            })
            .collect();
        ClusterReport {
            instance: ds.name.clone(),
            n: ds.n(),
            d: ds.d(),
            k: model.k(),
            silhouette: fit.silhouette,
            fidelity: fit.fidelity,
            silhouette_exact: fit.silhouette_exact,
            silhouette_se: fit.silhouette_se,
            uncovered: fit.uncovered,
            sizes: fit.sizes.clone(),
            cluster_silhouettes: fit.cluster_silhouettes.clone(),
            min_cluster_size: fit.min_cluster_size,
            meets_min_cluster_size: fit.meets_min_cluster_size(),
            outliers: fit.outlier_count(),
            hyperplanes: model.hyperplanes.len(),
            halfspaces: model.halfspace_count(),
            seconds: result.seconds,
            backend: spec.backend.name().to_string(),
            status: self.status().to_string(),
            init_status: fit.init_status.name().to_string(),
            start: if fit.coarse_start {
                "axis_parallel"
            } else {
                "own"
            }
            .to_string(),
            search_moves: fit.search_history.len().saturating_sub(1),
            init_iterations: fit.init_history.len(),
            best_k: result.best_k,
            best_seed: result.best_seed,
            runs: result.runs.len(),
            median_run_seconds: result.median_run_seconds(),
            runs_skipped: result.skipped,
            protocol_status: result.status.name().to_string(),
            runs_below_min_cluster_size: result
                .runs
                .iter()
                .filter(|r| !r.meets_min_cluster_size)
                .count(),
            per_k,
            solves: fit.solves.solved,
            solves_optimal: fit.solves.optimal,
            m,
            beta,
            seed: spec.seed,
            interactions: self.interactions.clone(),
            notes: self.notes.clone(),
            objective: fit.objective.name().to_string(),
            kmeans_cost: fit.kmeans_cost,
            price_of_explainability: price,
            price_estimated,
            explanation: explanation_size(model, &fit.sizes),
            ari: truth.map(|t| metrics::adjusted_rand_index(&fit.labels, t)),
            nca: truth.map(|t| metrics::normalized_clustering_accuracy(t, &fit.labels)),
        }
    }
}
