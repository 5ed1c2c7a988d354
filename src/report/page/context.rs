//! What every section of the page reads: the model, the data, the rows'
//! clusters (the fit's, or decided by the model's rule) and the figures
//! made of them once.

use crate::data::Dataset;
use crate::mpc::{PolytopeModel, ESTIMATE_REPEATS};
use crate::report::builder::Report;
use crate::report::figures::{self, ExplanationSize, Moments};
use crate::report::format::percent;
use crate::report::inputs::Silhouette;
use crate::report::options::ReportOptions;
use ndarray::ArrayView2;
use std::borrow::Cow;

/// The model, its rows and their clusters.
pub(super) struct Context<'a> {
    /// The model.
    pub(super) model: &'a PolytopeModel,
    /// The rows, encoded with the model's features.
    pub(super) ds: &'a Dataset,
    /// The rows' features (scaled units).
    pub(super) x: ArrayView2<'a, f64>,
    /// Rows.
    pub(super) n: usize,
    /// Clusters.
    pub(super) k: usize,
    /// Cluster of every row (`None`: in no cluster).
    pub(super) segments: Cow<'a, [Option<usize>]>,
    /// Rows in no polytope.
    pub(super) uncovered: usize,
    /// Share of rows inside their own cluster's polytope.
    pub(super) fidelity: f64,
    /// The silhouette, overall and per cluster.
    pub(super) silhouette: Silhouette,
    /// Rows of each cluster, and last (at `k`) the rows in no cluster.
    pub(super) members: Vec<Vec<usize>>,
    /// Means and spreads of the features, overall and per cluster.
    pub(super) moments: Moments,
    /// The explanation's size and the features its conditions read.
    pub(super) size: ExplanationSize,
}

impl<'a> Context<'a> {
    /// The rows' clusters: the fit's figures when the report has them,
    /// else the model's decision of every row and its silhouette.
    pub(super) fn new(report: &'a Report<'_>, options: &ReportOptions) -> Self {
        let (model, ds) = (report.model, report.data);
        let x = ds.x.view();
        let (n, k) = (ds.n(), model.k());
        let (segments, uncovered, fidelity, silhouette) = match &report.fit {
            Some(f) => (
                Cow::Borrowed(f.segments.as_slice()),
                f.uncovered,
                f.fidelity,
                f.silhouette.clone(),
            ),
            None => {
                let (segments, uncovered) = figures::decide(model, x);
                let silhouette = figures::silhouette(
                    x,
                    &segments,
                    k,
                    options.sample_size,
                    ESTIMATE_REPEATS,
                    options.seed,
                );
                let fidelity = 1.0 - uncovered as f64 / n.max(1) as f64;
                (Cow::Owned(segments), uncovered, fidelity, silhouette)
            }
        };
        let mut members: Vec<Vec<usize>> = vec![Vec::new(); k + 1];
        for (t, s) in segments.iter().enumerate() {
            members[s.unwrap_or(k)].push(t);
        }
        let moments = figures::moments(x, &segments, k);
        let size = figures::explanation_size(model);
        Self {
            model,
            ds,
            x,
            n,
            k,
            segments,
            uncovered,
            fidelity,
            silhouette,
            members,
            moments,
            size,
        }
    }

    /// Rows in no cluster.
    pub(super) fn outliers(&self) -> usize {
        self.members[self.k].len()
    }

    /// `rows` as a share of every row.
    pub(super) fn share(&self, rows: usize) -> String {
        percent(rows as f64 / self.n.max(1) as f64)
    }
}
