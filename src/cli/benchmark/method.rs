//! What the benchmark runs and reports: the methods, the settings shared by
//! every run, and one row of the table.

use polyclust::mpc::{MpcParams, Preset};
use serde::Serialize;
use std::ops::RangeInclusive;

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
    /// time (see [`polyclust::mpc::protocol()`]).
    pub runs_in_parallel: bool,
}

impl BenchSettings {
    /// The paper's protocol: k = 2..10, `restarts` seeds, default MPC settings.
    #[cfg(test)]
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
