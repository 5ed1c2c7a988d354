//! The paper's benchmark (MPC paper §4.1 and Appendices B–D): k-means++,
//! MPC-1 and MPC-2 under the paper's protocol — every k in 2..10, several
//! seeds per k, the best silhouette kept — on the FCPS and UCI instances,
//! reported beside the paper's Tables 1–4 ([`paper`]).
//!
//! The protocol is deterministic: runs go in (k, seed) order and ties keep the
//! first run, so a row depends only on the data, the settings and the seeds.

pub mod paper;
pub mod report;

pub use paper::{PaperInstance, PaperResults, PaperSource};
pub use report::{format_seconds, to_csv, to_markdown, CSV_HEADER};

use crate::data::Dataset;
use crate::mpc::{self, ExplanationSpace, MpcError, MpcParams, Preset};
use crate::params::{check_k, ParamsError};
use crate::protocol::{run_grid, ProtocolGrid};
use crate::{kmeans, metrics};
use ndarray::ArrayView2;
use serde::Serialize;
use std::ops::RangeInclusive;
use std::time::Instant;

/// A clustering method of the benchmark.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Method {
    /// k-means++ seeding and Lloyd iterations (the paper's uninterpretable baseline).
    #[serde(rename = "kmeans++")]
    KMeansPlusPlus,
    /// MPC with M = β = 1 (axis-parallel polytopes).
    #[serde(rename = "mpc1")]
    Mpc1,
    /// MPC with M = 3, β = 2.
    #[serde(rename = "mpc2")]
    Mpc2,
}

impl Method {
    /// The methods in table order.
    pub const ALL: [Method; 3] = [Method::KMeansPlusPlus, Method::Mpc1, Method::Mpc2];

    /// Key in the CSV and in `instances/paper_results.json`.
    pub fn name(self) -> &'static str {
        match self {
            Method::KMeansPlusPlus => "kmeans++",
            Method::Mpc1 => "mpc1",
            Method::Mpc2 => "mpc2",
        }
    }

    /// Column heading, as the paper spells it.
    pub fn heading(self) -> &'static str {
        match self {
            Method::KMeansPlusPlus => "k-means++",
            Method::Mpc1 => "MPC-1",
            Method::Mpc2 => "MPC-2",
        }
    }

    /// The MPC preset, for the MPC methods.
    pub fn preset(self) -> Option<Preset> {
        match self {
            Method::KMeansPlusPlus => None,
            Method::Mpc1 => Some(Preset::Mpc1),
            Method::Mpc2 => Some(Preset::Mpc2),
        }
    }
}

/// Settings shared by every run of the benchmark.
#[derive(Debug, Clone)]
pub struct BenchSettings {
    /// Values of k tried (the paper: 2..=10).
    pub ks: RangeInclusive<usize>,
    /// Seeds per k (the paper: 100).
    pub restarts: usize,
    /// MPC settings other than M and β (backend, λ, time limits, first seed,
    /// k-means restarts of the initialisation). The k-means++ baseline uses its
    /// `seed` and `kmeans_restarts` too, so each baseline run is the k-means
    /// that starts the MPC run with the same k and seed.
    pub mpc: MpcParams,
    /// Run the (k, seed) runs of an instance side by side (rayon) or one at a
    /// time (see [`mpc::protocol`]).
    pub runs_in_parallel: bool,
}

impl BenchSettings {
    /// The paper's protocol: k = 2..10, `restarts` seeds, default MPC settings.
    pub fn paper(restarts: usize) -> Self {
        Self {
            ks: 2..=10,
            restarts,
            mpc: MpcParams::new(2),
            runs_in_parallel: true,
        }
    }
}

/// The best clustering of one method on one instance, with the paper's figures.
#[derive(Debug, Clone, Serialize)]
pub struct BenchRow {
    /// Registry name of the instance.
    pub instance: String,
    /// Suite of the instance (`fcps`, `uci`).
    pub suite: String,
    /// Rows after preprocessing.
    pub n: usize,
    /// Features after preprocessing (one-hot columns counted).
    pub d: usize,
    /// The method.
    pub method: Method,
    /// Silhouette of the best run (`None` when no run produced two clusters).
    pub silhouette: Option<f64>,
    /// Clusters of the best run.
    pub k: usize,
    /// Share of rows inside their own polytope (MPC only).
    pub fidelity: Option<f64>,
    /// Hyperplanes of the best model (MPC only).
    pub hyperplanes: Option<usize>,
    /// Median wall-clock seconds of one run (one k, one seed).
    pub median_run_seconds: f64,
    /// Runs made (k values × seeds).
    pub runs: usize,
    /// The paper's silhouette (Tables 1–2).
    pub paper_silhouette: Option<f64>,
    /// The paper's average seconds of one run (Tables 3–4).
    pub paper_seconds: Option<f64>,
    /// The paper's number of clusters (Tables 5–6).
    pub paper_k: Option<usize>,
    /// Rows of the smallest cluster of the best run.
    pub smallest_cluster: Option<usize>,
    /// The minimum cluster size the runs were held to, in rows (1: none).
    pub min_cluster_size: usize,
    /// Whether the best run met it (no run did when false: the row then
    /// reports the best run below it).
    pub meets_min_cluster_size: bool,
}

/// One finished run, reported to the caller's progress hook.
#[derive(Debug, Clone, Copy)]
pub struct RunTick {
    /// The method.
    pub method: Method,
    /// Initial number of clusters.
    pub k: usize,
    /// Seed.
    pub seed: u64,
    /// Silhouette of the run.
    pub silhouette: Option<f64>,
}

/// One k-means++ run of [`kmeans_protocol`].
#[derive(Debug, Clone, Copy, Serialize)]
pub struct KMeansRun {
    /// Number of clusters.
    pub k: usize,
    /// Seed.
    pub seed: u64,
    /// Silhouette (`None` when fewer than two clusters are non-empty).
    pub silhouette: Option<f64>,
    /// Rows of the smallest cluster.
    pub smallest: usize,
    /// Seconds of the k-means fit.
    pub seconds: f64,
}

/// Result of [`kmeans_protocol`].
#[derive(Debug, Clone)]
pub struct KMeansProtocolResult {
    /// Labels of the best run.
    pub labels: Vec<usize>,
    /// Its k.
    pub best_k: usize,
    /// Its seed.
    pub best_seed: u64,
    /// Its silhouette.
    pub silhouette: Option<f64>,
    /// Whether its smallest cluster holds at least the floor (when no run
    /// does, the best run below it is kept and says so here).
    pub meets_min_cluster_size: bool,
    /// Every run, in (k, seed) order.
    pub runs: Vec<KMeansRun>,
}

/// The paper's protocol for its k-means++ baseline: k-means (best inertia of
/// `kmeans_restarts` k-means++ seedings, as scikit-learn's `n_init`) for every
/// k in `ks` that the data support and seeds `seed .. seed + restarts`; the
/// run with the highest silhouette is kept, the first one on ties. Runs whose
/// smallest cluster holds fewer than `min_cluster_size` rows are discarded
/// (ranked below every run that meets it). Cost: O(runs · (Lloyd + n²·d))
/// for the silhouettes.
pub fn kmeans_protocol(
    x: ArrayView2<f64>,
    ks: RangeInclusive<usize>,
    restarts: usize,
    seed: u64,
    kmeans_restarts: usize,
    min_cluster_size: usize,
    on_run: &(dyn Fn(&KMeansRun) + Sync),
) -> Result<KMeansProtocolResult, ParamsError> {
    let grid = ProtocolGrid { ks, restarts, seed };
    let prepare = |k: usize, run_seed: u64| {
        kmeans::KMeansParams::new(k)
            .restarts(kmeans_restarts)
            .seed(run_seed)
            .check(x)
    };
    let one_run = |params: &kmeans::ValidKMeansParams| {
        let start = Instant::now();
        let fit = kmeans::fit(x, params);
        let seconds = start.elapsed().as_secs_f64();
        let mut sizes = vec![0usize; params.k];
        fit.labels.iter().for_each(|&l| sizes[l] += 1);
        let run = KMeansRun {
            k: params.k,
            seed: params.seed,
            silhouette: metrics::silhouette(x, &fit.labels).ok(),
            smallest: sizes.iter().copied().min().unwrap_or(0),
            seconds,
        };
        on_run(&run);
        Ok::<_, ParamsError>((fit.labels, run))
    };
    let key = |r: &KMeansRun| {
        (
            r.smallest >= min_cluster_size,
            r.silhouette.unwrap_or(f64::NEG_INFINITY),
        )
    };
    let outcome = run_grid(
        &grid,
        prepare,
        one_run,
        |a, b| {
            let (ka, kb) = (key(&a.1), key(&b.1));
            ka.0 && !kb.0 || ka.0 == kb.0 && ka.1 > kb.1
        },
        false,
    )?;
    let best = outcome.runs[outcome.best].1;
    let mut labels = Vec::new();
    let mut runs = Vec::with_capacity(outcome.runs.len());
    for (index, (run_labels, run)) in outcome.runs.into_iter().enumerate() {
        if index == outcome.best {
            labels = run_labels;
        }
        runs.push(run);
    }
    Ok(KMeansProtocolResult {
        labels,
        best_k: best.k,
        best_seed: best.seed,
        silhouette: best.silhouette,
        meets_min_cluster_size: best.smallest >= min_cluster_size,
        runs,
    })
}

/// How many runs [`run_method`] makes on `x`: the k values the data support
/// times the seeds (for progress bars).
pub fn runs_per_method(x: ArrayView2<f64>, settings: &BenchSettings) -> usize {
    let ks = settings
        .ks
        .clone()
        .filter(|&k| check_k(k, x).is_ok())
        .count();
    ks * settings.restarts.max(1)
}

/// Run one method under the protocol on a prepared dataset and fill in the
/// paper's figures for it. `on_run` is called after every run.
pub fn run_method(
    ds: &Dataset,
    suite: &str,
    method: Method,
    settings: &BenchSettings,
    on_run: &(dyn Fn(RunTick) + Sync),
) -> Result<BenchRow, MpcError> {
    let paper = PaperResults::get();
    let mut row = BenchRow {
        instance: ds.name.clone(),
        suite: suite.to_string(),
        n: ds.n(),
        d: ds.d(),
        method,
        silhouette: None,
        k: 0,
        fidelity: None,
        hyperplanes: None,
        median_run_seconds: 0.0,
        runs: 0,
        paper_silhouette: paper.silhouette(&ds.name, method.name()),
        paper_seconds: paper.seconds(&ds.name, method.name()),
        paper_k: paper.k(&ds.name, method.name()),
        smallest_cluster: None,
        min_cluster_size: 1,
        meets_min_cluster_size: true,
    };
    let floor = settings.mpc.min_cluster_size.rows(ds.n())?;
    row.min_cluster_size = floor;
    match method.preset() {
        None => {
            let result = kmeans_protocol(
                ds.x.view(),
                settings.ks.clone(),
                settings.restarts,
                settings.mpc.seed,
                settings.mpc.kmeans_restarts,
                floor,
                &|run| {
                    on_run(RunTick {
                        method,
                        k: run.k,
                        seed: run.seed,
                        silhouette: run.silhouette,
                    })
                },
            )?;
            let seconds: Vec<f64> = result.runs.iter().map(|r| r.seconds).collect();
            row.silhouette = result.silhouette;
            row.k = metrics::compact_labels(&result.labels).1;
            row.smallest_cluster = result
                .runs
                .iter()
                .find(|r| (r.k, r.seed) == (result.best_k, result.best_seed))
                .map(|r| r.smallest);
            row.meets_min_cluster_size = result.meets_min_cluster_size;
            row.median_run_seconds = metrics::median(&seconds);
            row.runs = result.runs.len();
        }
        Some(preset) => {
            let params = settings.mpc.clone().preset(preset);
            let plan = mpc::ProtocolPlan {
                runs_in_parallel: settings.runs_in_parallel,
                ..mpc::ProtocolPlan::new(settings.ks.clone(), settings.restarts)
            };
            let result = mpc::protocol(
                ds.x.view(),
                &ds.map,
                &ExplanationSpace::identity(ds.d()),
                &params,
                &plan,
                &(),
                &|run| {
                    on_run(RunTick {
                        method,
                        k: run.k,
                        seed: run.seed,
                        silhouette: run.silhouette,
                    })
                },
            )?;
            row.silhouette = result.best.silhouette;
            row.k = result.best.model.k();
            row.smallest_cluster = Some(result.best.smallest_cluster());
            row.meets_min_cluster_size = result.best.meets_min_cluster_size();
            row.fidelity = Some(result.best.fidelity);
            row.hyperplanes = Some(result.best.model.hyperplanes.len());
            row.median_run_seconds = result.median_run_seconds();
            row.runs = result.runs.len();
        }
    }
    Ok(row)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::gaussian_blobs;

    #[test]
    fn kmeans_protocol_keeps_the_best_silhouette_in_fixed_order() {
        let ds = gaussian_blobs(120, 2, 4, 0.1, 3).into_dataset();
        let result = kmeans_protocol(ds.x.view(), 2..=6, 2, 0, 3, 1, &|_| {}).unwrap();
        assert_eq!(result.runs.len(), 10);
        let order: Vec<(usize, u64)> = result.runs.iter().map(|r| (r.k, r.seed)).collect();
        assert_eq!(order[..3], [(2, 0), (2, 1), (3, 0)]);
        let best = result
            .runs
            .iter()
            .filter_map(|r| r.silhouette)
            .fold(f64::NEG_INFINITY, f64::max);
        assert_eq!(result.silhouette, Some(best));
        let exact = metrics::silhouette(ds.x.view(), &result.labels).unwrap();
        assert!((exact - best).abs() < 1e-12);
        // Four well separated blobs: k = 4 wins.
        assert_eq!(result.best_k, 4);
    }

    #[test]
    fn kmeans_protocol_rejects_a_range_the_data_cannot_hold() {
        let ds = gaussian_blobs(5, 2, 2, 0.3, 3).into_dataset();
        let err = kmeans_protocol(ds.x.view(), 6..=8, 1, 0, 1, 1, &|_| {}).unwrap_err();
        assert_eq!(err.field, "k");
    }

    #[test]
    fn run_method_fills_the_row_and_reports_every_run() {
        let mut ds = gaussian_blobs(90, 2, 3, 0.3, 5).into_dataset();
        ds.name = "blobs".into();
        let settings = BenchSettings {
            ks: 2..=4,
            restarts: 2,
            mpc: MpcParams::new(2),
            runs_in_parallel: false,
        };
        assert_eq!(runs_per_method(ds.x.view(), &settings), 6);
        for method in Method::ALL {
            let ticks = std::sync::Mutex::new(Vec::new());
            let row = run_method(&ds, "synthetic", method, &settings, &|t| {
                ticks.lock().unwrap().push((t.k, t.seed))
            })
            .unwrap();
            assert_eq!(row.runs, 6, "{method:?}");
            assert_eq!(ticks.into_inner().unwrap().len(), 6);
            assert_eq!(row.k, 3, "{method:?}");
            assert!(row.silhouette.unwrap() > 0.7);
            assert_eq!(row.fidelity.is_some(), method != Method::KMeansPlusPlus);
            assert_eq!(row.hyperplanes.is_some(), method != Method::KMeansPlusPlus);
            assert_eq!(row.paper_silhouette, None, "not a paper instance");
        }
    }
}
