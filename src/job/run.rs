//! Running a [`ClusterSpec`]: the explanation space (quantile indicators,
//! screened interaction products), the runs over k and seeds (the paper's
//! protocol, §4.1), outliers set apart — or, given clusters, their
//! explanation — and what a person should know about the result.

use super::spec::ClusterSpec;
use crate::data::Dataset;
use crate::mpc::{
    self, ExplanationSpace, MinClusterSize, MpcError, MpcFit, Observer, ProtocolPlan,
    ProtocolResult, ProtocolRun, RunStatus, ScreeningTarget,
};

/// What screened interactions are screened against (with
/// [`ClusterSpec::interactions`]).
#[derive(Debug, Clone, Copy, Default)]
pub enum ScreenAgainst<'a> {
    /// The clusters: an initial k-means clustering (or the given clusters
    /// when explaining), one-vs-rest.
    #[default]
    Clusters,
    /// The cells of a target column: regression screening when every cell
    /// is a number, else one-vs-rest against its classes.
    Column(&'a [String]),
}

/// Progress of a running job: the runs' inner progress and each finished run.
#[derive(Clone, Copy)]
pub struct Hooks<'a> {
    /// Progress inside a run (stages, iterations).
    pub observer: &'a dyn Observer,
    /// Called as each run of the protocol ends.
    pub on_run: &'a (dyn Fn(&ProtocolRun) + Sync),
}

impl Default for Hooks<'_> {
    fn default() -> Self {
        Self {
            observer: &(),
            on_run: &|_| {},
        }
    }
}

/// The result of a job.
#[derive(Debug, Clone)]
pub struct ClusterOutcome {
    /// The runs and the kept one (`result.best`, outliers set apart when
    /// asked). Explaining given clusters makes one run.
    pub result: ProtocolResult,
    /// Whether the job explained given clusters instead of clustering.
    pub explained: bool,
    /// The screened products added to the explanation space.
    pub interactions: Vec<String>,
    /// What a person should know about the result, one sentence each.
    pub notes: Vec<String>,
}

impl ClusterOutcome {
    /// The kept run.
    pub fn fit(&self) -> &MpcFit {
        &self.result.best
    }

    /// The status a person reads: the run's, or that the floor was not met,
    /// or that given clusters were explained.
    pub fn status(&self) -> &'static str {
        let fit = self.fit();
        if self.explained {
            "explained"
        } else if !fit.meets_min_cluster_size() {
            "below_min_cluster_size"
        } else {
            fit.status().name()
        }
    }

    /// Labels of every row as `predict` gives them: the cluster, or
    /// [`mpc::OUTLIER_LABEL`] for an outlier.
    pub fn row_labels(&self) -> Vec<i64> {
        let fit = self.fit();
        fit.labels
            .iter()
            .enumerate()
            .map(|(t, &l)| match &fit.outliers {
                Some(o) if o[t] => mpc::OUTLIER_LABEL,
                _ => l as i64,
            })
            .collect()
    }
}

impl ClusterSpec {
    /// The explanation space of the job on `ds`: the features, quantile
    /// indicators, and the top screened products (returned by name).
    fn space(
        &self,
        ds: &Dataset,
        against: ScreeningTarget<'_>,
    ) -> Result<(ExplanationSpace, Vec<String>), MpcError> {
        let mut space = self.base_space(ds)?;
        let mut screened = Vec::new();
        if let Some(top) = self.interactions {
            let screening = mpc::screen_for_explanation(
                ds.x.view(),
                &ds.feature_names(),
                against,
                self.interaction_method,
                self.seed,
            )?;
            screened = space.add_screened(ds.x.view(), &screening, top);
        }
        Ok((space, screened))
    }

    /// Cluster the rows of `ds`: for every k of the job and every seed one
    /// MPC run (Algorithms 1 and 2), the best kept (the floor met, full
    /// fidelity, then silhouette; ties keep the first in (k, seed) order, so
    /// the result does not depend on threads); outliers set apart when asked.
    pub fn run(
        &self,
        ds: &Dataset,
        against: ScreenAgainst<'_>,
        hooks: Hooks<'_>,
    ) -> Result<ClusterOutcome, MpcError> {
        self.check(ds)?;
        let (k_lo, k_hi) = self.ks();
        let target = match against {
            ScreenAgainst::Column(cells) => ScreeningTarget::Column(cells),
            ScreenAgainst::Clusters => ScreeningTarget::InitialClustering { k: k_lo },
        };
        let (space, interactions) = self.space(ds, target)?;
        let params = self.params(k_lo);
        // The explanation space may have grown by the screened products.
        params.clone().check(ds.x.view(), space.dim())?;
        let plan = ProtocolPlan {
            budget: self.budget,
            ..ProtocolPlan::new(k_lo..=k_hi, self.restarts)
        };
        let mut result = mpc::protocol(
            ds.x.view(),
            &ds.map,
            &space,
            &params,
            &plan,
            hooks.observer,
            hooks.on_run,
        )?;
        if self.outliers {
            result
                .best
                .set_outliers_apart(ds.x.view(), mpc::OUTLIER_MULTIPLE);
        }
        let mut notes = quality_notes(&result, ds.n());
        let clusters = result.best.model.k();
        if clusters < k_lo || clusters > k_hi {
            let asked = if k_lo == k_hi {
                format!("k = {k_lo}")
            } else {
                format!("k in {k_lo}..{k_hi}")
            };
            notes.push(format!(
                "{asked} was asked for, but the polytopes hold {clusters} clusters with rows: the hyperplanes between the rows left no room for the others (the data may hold fewer distinct groups than asked)"
            ));
        }
        Ok(ClusterOutcome {
            result,
            explained: false,
            interactions,
            notes,
        })
    }

    /// Explain given clusters (`labels`, ids `0..K`: segments, classes) with
    /// polytopes, without changing them: the separating-hyperplane problem
    /// (1)–(12) for every pair, then the model. The fit's fidelity is the
    /// share of rows inside their given cluster's polytope.
    pub fn explain(&self, ds: &Dataset, labels: &[usize]) -> Result<ClusterOutcome, MpcError> {
        let k = labels.iter().max().map_or(0, |l| l + 1);
        self.check_explaining(ds, k)?;
        let (space, interactions) = self.space(ds, ScreeningTarget::Clusters(labels))?;
        let params = self
            .params(k)
            .min_cluster_size(MinClusterSize::Rows(1))
            .check(ds.x.view(), space.dim())?;
        let fit = mpc::explain_labels(ds.x.view(), &ds.map, space, labels, &params)?;
        let mut notes = Vec::new();
        if self.min_cluster_size != MinClusterSize::DEFAULT {
            notes.push(
                "the minimum cluster size does not apply when explaining given clusters: they are explained as they are".to_string(),
            );
        }
        let run = ProtocolRun {
            k,
            seed: self.seed,
            clusters: fit.model.k(),
            k_min: k,
            k_max: k,
            silhouette: fit.silhouette,
            silhouette_exact: fit.silhouette_exact,
            kmeans_cost: fit.kmeans_cost,
            fidelity: fit.fidelity,
            smallest: fit.smallest_cluster(),
            meets_min_cluster_size: true,
            seconds: fit.seconds,
        };
        let seconds = fit.seconds;
        Ok(ClusterOutcome {
            result: ProtocolResult {
                objective: self.objective,
                best: fit,
                best_k: k,
                best_seed: self.seed,
                runs: vec![run],
                skipped: 0,
                status: RunStatus::Converged,
                seconds,
            },
            explained: true,
            interactions,
            notes,
        })
    }
}

/// What a person should know about the result's clusters: a cluster under
/// 1 % of the rows (only possible with a lowered floor), and a protocol
/// whose runs could not meet the floor.
fn quality_notes(result: &ProtocolResult, n: usize) -> Vec<String> {
    let fit = &result.best;
    let mut notes = Vec::new();
    let one_percent = (n as f64 * 0.01).ceil() as usize;
    for (c, &size) in fit.sizes.iter().enumerate() {
        if size < one_percent && size >= fit.min_cluster_size {
            notes.push(format!(
                "cluster {c} holds {size} rows, under 1% of the {n} rows: the minimum cluster size was lowered to {}",
                fit.min_cluster_size
            ));
        }
    }
    if !fit.meets_min_cluster_size() {
        notes.push(format!(
            "no run met the minimum cluster size of {} rows; the best run's smallest cluster holds {} (lower the floor or the range of k)",
            fit.min_cluster_size,
            fit.smallest_cluster()
        ));
    } else {
        let below = result
            .runs
            .iter()
            .filter(|r| !r.meets_min_cluster_size)
            .count();
        if below > 0 {
            notes.push(format!(
                "{below} of {} runs ended with a cluster under the minimum cluster size of {} rows and ranked below the others",
                result.runs.len(),
                fit.min_cluster_size
            ));
        }
    }
    notes
}
