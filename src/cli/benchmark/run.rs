//! One method's protocol on one instance: k-means++ over every (k, seed),
//! or MPC through [`polyclust::mpc::protocol`], the best run kept.

use super::method::{BenchRow, BenchSettings, Method};
use super::paper::PaperResults;
use ndarray::ArrayView2;
use polyclust::data::Dataset;
use polyclust::mpc::{self, ExplanationSpace, MpcError};
use polyclust::params::{check_k, ParamsError};
use polyclust::protocol::{run_grid, ProtocolGrid};
use polyclust::{kmeans, metrics};
use serde::Serialize;
use std::ops::RangeInclusive;
use std::time::Instant;

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
    let floor = settings.mpc.get_min_cluster_size().rows(ds.n())?;
    row.min_cluster_size = floor;
    match method.preset() {
        None => {
            let result = kmeans_protocol(
                ds.x.view(),
                settings.ks.clone(),
                settings.restarts,
                settings.mpc.get_seed(),
                settings.mpc.get_kmeans_restarts(),
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
    use polyclust::data::gaussian_blobs;
    use polyclust::mpc::MpcParams;

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
