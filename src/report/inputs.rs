//! What a report is given besides the model and the data: the figures of
//! the fit that made the model, and the runs of a study of k.

use crate::mpc::{MpcFit, Objective, ProtocolRun, ESTIMATE_REPEATS};
use serde::{Deserialize, Serialize};

/// A silhouette as the report shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Silhouette {
    /// Mean silhouette of the rows in a cluster (`None`: undefined).
    pub value: Option<f64>,
    /// Whether `value` is exact.
    pub exact: bool,
    /// Standard error of an estimate.
    pub standard_error: Option<f64>,
    /// Rows of each sample (all rows when exact).
    pub sample_size: usize,
    /// Samples (1 when exact).
    pub repeats: usize,
    /// Mean silhouette of each cluster's rows.
    pub per_cluster: Vec<Option<f64>>,
}

/// The best run of one initial k (`polyclust cluster --k-range`), as the
/// protocol's runs serialise ([`ProtocolRun`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KStudyRow {
    /// Initial number of clusters.
    pub k: usize,
    /// Seed of the run.
    pub seed: u64,
    /// Clusters of its result.
    pub clusters: usize,
    /// The fewest clusters it could end with (`None` in a study saved
    /// before the bounds were recorded).
    #[serde(default)]
    pub k_min: Option<usize>,
    /// The most clusters it could end with.
    #[serde(default)]
    pub k_max: Option<usize>,
    /// Its silhouette.
    pub silhouette: Option<f64>,
    /// Whether the silhouette is exact.
    #[serde(default)]
    pub silhouette_exact: bool,
    /// The k-means cost of its clusters (`None` in a study saved before
    /// the cost was recorded).
    #[serde(default)]
    pub kmeans_cost: Option<f64>,
    /// Share of rows inside their own polytope.
    pub fidelity: f64,
    /// Rows of its smallest cluster.
    pub smallest: usize,
    /// Whether every cluster met the minimum cluster size.
    pub meets_min_cluster_size: bool,
}

impl From<&ProtocolRun> for KStudyRow {
    fn from(r: &ProtocolRun) -> Self {
        Self {
            k: r.k,
            seed: r.seed,
            clusters: r.clusters,
            k_min: Some(r.k_min),
            k_max: Some(r.k_max),
            silhouette: r.silhouette,
            silhouette_exact: r.silhouette_exact,
            kmeans_cost: Some(r.kmeans_cost),
            fidelity: r.fidelity,
            smallest: r.smallest,
            meets_min_cluster_size: r.meets_min_cluster_size,
        }
    }
}

impl KStudyRow {
    /// The best run of every k among `runs` (in (k, seed) order), as
    /// [`crate::mpc::ProtocolResult::best_per_k`] chooses it: the floor met,
    /// then full fidelity, then the `objective` (a higher silhouette or a
    /// lower k-means cost); the first seed on ties.
    pub fn best_per_k(runs: &[KStudyRow], objective: Objective) -> Vec<KStudyRow> {
        let key = |r: &KStudyRow| (r.meets_min_cluster_size, r.fidelity >= 1.0);
        let score = |r: &KStudyRow| match objective {
            Objective::Silhouette => r.silhouette.unwrap_or(f64::NEG_INFINITY),
            Objective::KMeans => r.kmeans_cost.map_or(f64::NEG_INFINITY, |c| -c),
        };
        let mut best: Vec<KStudyRow> = Vec::new();
        for run in runs {
            match best.last_mut() {
                Some(b) if b.k == run.k => {
                    if key(run) > key(b) || key(run) == key(b) && score(run) > score(b) {
                        *b = run.clone();
                    }
                }
                _ => best.push(run.clone()),
            }
        }
        best
    }
}

/// What a fit already knows about its rows, so the report need not
/// recompute it.
#[derive(Debug, Clone, PartialEq)]
pub struct FitFigures {
    /// Cluster of every row (`None`: set apart as an outlier).
    pub segments: Vec<Option<usize>>,
    /// Rows in no polytope.
    pub uncovered: usize,
    /// Share of rows inside their own cluster's polytope.
    pub fidelity: f64,
    /// The silhouette.
    pub silhouette: Silhouette,
}

impl FitFigures {
    /// The figures of a fit, on the rows it was made on.
    pub fn of(fit: &MpcFit, sample_size: usize) -> Self {
        let segments = fit
            .labels
            .iter()
            .enumerate()
            .map(|(t, &l)| match &fit.outliers {
                Some(o) if o[t] => None,
                _ => Some(l),
            })
            .collect();
        let exact = fit.silhouette_exact;
        Self {
            segments,
            uncovered: fit.uncovered,
            fidelity: fit.fidelity,
            silhouette: Silhouette {
                value: fit.silhouette,
                exact,
                standard_error: fit.silhouette_se,
                sample_size: if exact { fit.labels.len() } else { sample_size },
                repeats: if exact { 1 } else { ESTIMATE_REPEATS },
                per_cluster: fit.cluster_silhouettes.clone(),
            },
        }
    }
}
