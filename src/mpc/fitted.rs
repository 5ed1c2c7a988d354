//! A fitted MPC clustering: the model, every row's cluster, and how good and
//! how complete the fit is.

use super::deadline::Deadline;
use super::error::MpcError;
use super::model::PolytopeModel;
use super::outliers::OutlierRule;
use super::pair::SolveStats;
use super::params::{Objective, ValidMpcParams};
use super::progress::RunStatus;
use crate::metrics;
use crate::params::ParamsError;
use ndarray::ArrayView2;

/// Independent samples of the final silhouette estimate above the sample
/// size.
pub const ESTIMATE_REPEATS: usize = 10;

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
    /// What Algorithm 2 minimised, and by which runs are compared.
    pub objective: Objective,
    /// The k-means cost of `labels` (within-cluster sum of squared
    /// distances to the cluster means, in the scaled clustering space).
    pub kmeans_cost: f64,
    /// Whether `silhouette` (and the per-cluster values) are exact: always
    /// up to the sample size; above it the silhouette is an estimate over
    /// independent samples with standard error `silhouette_se`, and the
    /// per-cluster values are those of the search's sample. A run whose
    /// deadline (time limit or budget) passed first keeps the estimate it
    /// made, from the search's distances or a sample of its rows, with
    /// `silhouette_se` `None`.
    pub silhouette_exact: bool,
    /// Standard error of a silhouette estimated over samples (0 when exact;
    /// `None` for the estimate of a run cut short by its deadline).
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
    /// [`CoarseStart`](super::CoarseStart)).
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

    /// Record that the deadline ended the run: in Algorithm 2's status, or
    /// Algorithm 1's when the search did not run.
    pub(crate) fn mark_time_limit(&mut self) {
        match self.search_status.as_mut() {
            Some(status) => *status = RunStatus::TimeLimit,
            None => self.init_status = RunStatus::TimeLimit,
        }
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
    /// stay those of the search's sample. When `deadline` passes first, the
    /// silhouette stays the search's.
    pub(crate) fn estimate_silhouette(
        &mut self,
        x: ArrayView2<f64>,
        params: &ValidMpcParams,
        deadline: &Deadline,
    ) -> Result<(), MpcError> {
        if self.model.k() < 2 {
            return Ok(());
        }
        let estimate = metrics::silhouette_sampled_until(
            x,
            &self.labels,
            params.sample_size,
            ESTIMATE_REPEATS,
            params.seed,
            &|| deadline.expired(),
        )
        .map_err(|e| MpcError::Params(ParamsError::new("sample-size", e.to_string())))?;
        let Some(estimate) = estimate else {
            return Ok(());
        };
        self.silhouette = Some(estimate.value);
        self.silhouette_se = estimate.standard_error;
        self.silhouette_exact = estimate.exact;
        Ok(())
    }

    /// The silhouette of a fit that has none yet ([`super::fit::Scoring`]
    /// deferred): exact up to the sample size, estimated from samples above
    /// it, within `deadline`.
    pub(crate) fn complete_silhouette(
        &mut self,
        x: ArrayView2<f64>,
        params: &ValidMpcParams,
        deadline: &Deadline,
    ) -> Result<(), MpcError> {
        if self.silhouette.is_some() || deadline.expired() {
            return Ok(());
        }
        if x.nrows() > params.sample_size {
            self.estimate_silhouette(x, params, deadline)
        } else {
            self.make_silhouette_exact(x, deadline);
            Ok(())
        }
    }

    /// Recompute the silhouette and the per-cluster values exactly (in
    /// double precision from the rows `x` of the fit), when they are not and
    /// `deadline` does not pass first (O(n²·d)).
    pub(crate) fn make_silhouette_exact(&mut self, x: ArrayView2<f64>, deadline: &Deadline) {
        if self.silhouette_exact {
            return;
        }
        let Some(quality) =
            metrics::cluster_quality_until(x, &self.labels, self.model.k(), &|| deadline.expired())
        else {
            return;
        };
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

    /// Set outliers apart (see [`OutlierRule`](super::OutlierRule)): rows farther from their
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

/// Whether `a` beats `b`: the floor met, full fidelity, then the objective
/// (a higher silhouette, or a lower k-means cost).
pub(crate) fn better(a: &MpcFit, b: &MpcFit) -> bool {
    let key = |f: &MpcFit| {
        (
            f.meets_min_cluster_size(),
            f.fidelity >= 1.0,
            match f.objective {
                Objective::Silhouette => f.silhouette.unwrap_or(f64::NEG_INFINITY),
                Objective::KMeans => -f.kmeans_cost,
            },
        )
    };
    let (ka, kb) = (key(a), key(b));
    (ka.0, ka.1) > (kb.0, kb.1) || ((ka.0, ka.1) == (kb.0, kb.1) && ka.2 > kb.2)
}
