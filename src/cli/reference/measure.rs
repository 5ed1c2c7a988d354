//! One run measured against an instance: ARI, NCA, silhouette, price, explanation size; rows and means.

use anyhow::Result;
use polyclust::data::Dataset;
use polyclust::explain::explanation_size;
use polyclust::job::{ClusterSpec, Hooks, ScreenAgainst};
use polyclust::kmeans::{self, KMeansParams};
use polyclust::metrics;
use polyclust::mpc;
use polyclust::price::KMeansReference;
use serde::Serialize;
use std::time::Instant;

/// What one run returned and how large its explanation is.
pub(super) struct Outcome {
    pub(super) labels: Vec<usize>,
    pub(super) seconds: f64,
    pub(super) size: Option<Size>,
    pub(super) fidelity: Option<f64>,
}

/// An explanation's size as the table reports it.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Size {
    pub(super) conditions: f64,
    pub(super) terms: f64,
    pub(super) weighted_conditions: f64,
    pub(super) features: f64,
    pub(super) leaves: Option<f64>,
}

/// The measures of one run.
#[derive(Debug, Clone)]
pub(super) struct Measures {
    pub(super) ari: f64,
    pub(super) nca: f64,
    pub(super) silhouette: Option<f64>,
    pub(super) price: f64,
    pub(super) size: Option<Size>,
    pub(super) fidelity: Option<f64>,
    pub(super) smallest: f64,
    pub(super) clusters: f64,
    pub(super) seconds: f64,
}

/// One (instance, method) row: means over the runs that succeeded.
#[derive(Debug, Clone, Serialize)]
pub(super) struct Row {
    pub(super) instance: String,
    pub(super) n: usize,
    pub(super) d: usize,
    pub(super) k: usize,
    pub(super) method: String,
    pub(super) runs: usize,
    pub(super) errors: Vec<String>,
    pub(super) ari: Option<f64>,
    pub(super) nca: Option<f64>,
    pub(super) silhouette: Option<f64>,
    pub(super) price: Option<f64>,
    pub(super) conditions: Option<f64>,
    pub(super) terms: Option<f64>,
    pub(super) weighted_conditions: Option<f64>,
    pub(super) features: Option<f64>,
    pub(super) leaves: Option<f64>,
    pub(super) fidelity: Option<f64>,
    pub(super) smallest_cluster: Option<f64>,
    pub(super) clusters: Option<f64>,
    pub(super) seconds: Option<f64>,
}

/// An instance of the bench: its prepared data, ground truth and reference.
pub(super) struct Instance {
    pub(super) ds: Dataset,
    pub(super) truth: Vec<usize>,
    pub(super) k: usize,
    pub(super) reference: KMeansReference,
}

/// The mean of the values present, `None` when none is.
pub(super) fn mean_of(values: impl Iterator<Item = Option<f64>>) -> Option<f64> {
    let present: Vec<f64> = values.flatten().filter(|v| v.is_finite()).collect();
    (!present.is_empty()).then(|| present.iter().sum::<f64>() / present.len() as f64)
}

/// Measure one run's labels against the instance.
pub(super) fn measure(inst: &Instance, outcome: &Outcome, seed: u64) -> Measures {
    let x = inst.ds.x.view();
    let labels = &outcome.labels;
    let (compact, clusters) = metrics::compact_labels(labels);
    let mut sizes = vec![0usize; clusters];
    for &l in &compact {
        sizes[l] += 1;
    }
    // As `cluster` reports it: exact up to the sample size, estimated above.
    let silhouette = metrics::silhouette_sampled(
        x,
        labels,
        mpc::DEFAULT_SAMPLE_SIZE,
        mpc::ESTIMATE_REPEATS,
        seed,
    )
    .ok()
    .map(|e| e.value);
    Measures {
        ari: metrics::adjusted_rand_index(labels, &inst.truth),
        nca: metrics::normalized_clustering_accuracy(&inst.truth, labels),
        silhouette,
        price: inst.reference.price(x, labels),
        size: outcome.size,
        fidelity: outcome.fidelity,
        smallest: sizes.iter().copied().min().unwrap_or(0) as f64,
        clusters: clusters as f64,
        seconds: outcome.seconds,
    }
}

/// The row of one method on one instance from its runs.
pub(super) fn row(inst: &Instance, method: &str, runs: &[Result<Measures, String>]) -> Row {
    let ok: Vec<&Measures> = runs.iter().filter_map(|r| r.as_ref().ok()).collect();
    let errors = runs
        .iter()
        .filter_map(|r| r.as_ref().err().cloned())
        .collect();
    let size =
        |f: fn(&Size) -> Option<f64>| mean_of(ok.iter().map(|m| m.size.as_ref().and_then(f)));
    Row {
        instance: inst.ds.name.clone(),
        n: inst.ds.n(),
        d: inst.ds.d(),
        k: inst.k,
        method: method.to_string(),
        runs: ok.len(),
        errors,
        ari: mean_of(ok.iter().map(|m| Some(m.ari))),
        nca: mean_of(ok.iter().map(|m| Some(m.nca))),
        silhouette: mean_of(ok.iter().map(|m| m.silhouette)),
        price: mean_of(ok.iter().map(|m| Some(m.price))),
        conditions: size(|s| Some(s.conditions)),
        terms: size(|s| Some(s.terms)),
        weighted_conditions: size(|s| Some(s.weighted_conditions)),
        features: size(|s| Some(s.features)),
        leaves: size(|s| s.leaves),
        fidelity: mean_of(ok.iter().map(|m| m.fidelity)),
        smallest_cluster: mean_of(ok.iter().map(|m| Some(m.smallest))),
        clusters: mean_of(ok.iter().map(|m| Some(m.clusters))),
        seconds: mean_of(ok.iter().map(|m| Some(m.seconds))),
    }
}

/// The per-method means over instances, in the order of `methods`.
pub(super) fn means(rows: &[Row], methods: &[String]) -> Vec<Row> {
    methods
        .iter()
        .map(|method| {
            let mine: Vec<&Row> = rows.iter().filter(|r| &r.method == method).collect();
            let avg = |f: fn(&Row) -> Option<f64>| mean_of(mine.iter().map(|r| f(r)));
            Row {
                instance: "mean".into(),
                n: 0,
                d: 0,
                k: 0,
                method: method.clone(),
                runs: mine.iter().map(|r| r.runs).sum(),
                errors: Vec::new(),
                ari: avg(|r| r.ari),
                nca: avg(|r| r.nca),
                silhouette: avg(|r| r.silhouette),
                price: avg(|r| r.price),
                conditions: avg(|r| r.conditions),
                terms: avg(|r| r.terms),
                weighted_conditions: avg(|r| r.weighted_conditions),
                features: avg(|r| r.features),
                leaves: avg(|r| r.leaves),
                fidelity: avg(|r| r.fidelity),
                smallest_cluster: avg(|r| r.smallest_cluster),
                clusters: avg(|r| r.clusters),
                seconds: avg(|r| r.seconds),
            }
        })
        .collect()
}

/// One run of a polyclust configuration, as `cluster --k K --seed S` runs.
pub(super) fn run_config(ds: &Dataset, spec: &ClusterSpec) -> Result<Outcome> {
    let start = Instant::now();
    let outcome = spec.run(ds, ScreenAgainst::Clusters, Hooks::default())?;
    let seconds = start.elapsed().as_secs_f64();
    let fit = outcome.result.best;
    let size = explanation_size(&fit.model, &fit.sizes);
    Ok(Outcome {
        seconds,
        size: Some(Size {
            conditions: size.conditions as f64,
            terms: size.terms as f64,
            weighted_conditions: size.weighted_conditions,
            features: size.features as f64,
            leaves: None,
        }),
        fidelity: Some(fit.fidelity),
        labels: fit.labels,
    })
}

/// One run of the library's k-means++ (`polyclust kmeans --k K --seed S`).
pub(super) fn run_kmeans(ds: &Dataset, k: usize, seed: u64) -> Result<Outcome> {
    let params = KMeansParams::new(k).seed(seed).check(ds.x.view())?;
    let start = Instant::now();
    let fit = kmeans::fit(ds.x.view(), &params);
    Ok(Outcome {
        seconds: start.elapsed().as_secs_f64(),
        labels: fit.labels,
        size: None,
        fidelity: None,
    })
}
