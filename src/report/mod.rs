//! A report a person can look at: one self-contained HTML page for a fitted
//! model and its data (feature `report`, which the command line's `cli`
//! feature and the Python package enable).
//!
//! The page holds a summary (rows, features, clusters, silhouette exact or
//! estimated with its standard error, fidelity, rows in no cluster, ARI and
//! NCA against labels when there are any, the explanation's size, the
//! command that reproduces it), one card per cluster (size and share,
//! silhouette, its rule in words, a profile of the features that set it
//! apart in original units, its nearest cluster), a scatter of two features
//! with the polytope boundaries, the choice of k when several were tried,
//! and the rules as SQL. Nothing is fetched: the style sheet and the one
//! small script (a copy button; the page works without it) are inline, and
//! the charts are inline SVG drawn with plotters. Every chart has a text
//! alternative and every number a chart shows is also in a table.
//!
//! Size: the scatter draws at most [`ReportOptions::plot_rows`] rows
//! (default [`DEFAULT_PLOT_ROWS`], a seeded sample above it, which the page
//! says), and everything else grows with the clusters and features only,
//! so a report stays well under a few MB at any row count.
//!
//! Time: O(n·d) for the profiles and the decision of every row, the
//! quartiles of the features shown by selection, and the silhouette exact up
//! to [`ReportOptions::sample_size`] rows (O(n²·d)), estimated from samples
//! above (or taken from the fit, [`Report::fit`]).
//!
//! ```
//! use polyclust::{data, mpc, report};
//!
//! let ds = data::gaussian_blobs(200, 2, 3, 0.3, 7).into_dataset();
//! let space = mpc::ExplanationSpace::identity(ds.d());
//! let params = mpc::MpcParams::new(3).preset(mpc::Preset::Mpc1).seed(1)
//!     .check(ds.x.view(), space.dim()).unwrap();
//! let fit = mpc::fit(ds.x.view(), &ds.map, space, &params, &()).unwrap();
//! let html = report::Report::new(&fit.model, &ds)
//!     .unwrap()
//!     .fit(&fit)
//!     .unwrap()
//!     .render(&report::ReportOptions::default())
//!     .unwrap();
//! assert!(html.starts_with(report::SIGNATURE));
//! assert_eq!(html.matches("class=\"cluster-card\"").count(), fit.model.k());
//! ```

mod charts;
mod figures;

use crate::data::{Dataset, FeatureColumn};
use crate::explain::Dialect;
use crate::mpc::{MpcFit, PolytopeModel, ProtocolRun, ESTIMATE_REPEATS};
use serde::{Deserialize, Serialize};

/// The first line of every report: how polyclust recognises a file it wrote.
pub const SIGNATURE: &str = "<!DOCTYPE html><!-- polyclust report -->";

/// Rows the scatter draws at most; above, a seeded sample of this many.
pub const DEFAULT_PLOT_ROWS: usize = 4_000;

/// Features in a cluster's profile besides those its own conditions read.
pub const DEFAULT_PROFILE_FEATURES: usize = 5;

/// A report that cannot be made.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The data were not encoded with the model's features.
    #[error("the data have {data} features but the model reads {model} ({names}): encode them with the model's feature map")]
    Features {
        /// Features of the data.
        data: usize,
        /// Features of the model.
        model: usize,
        /// The model's features.
        names: String,
    },
    /// A feature named for the scatter does not exist.
    #[error("no feature named '{name}' to plot (features: {available})")]
    UnknownColumn {
        /// The name given.
        name: String,
        /// The model's features.
        available: String,
    },
    /// The same feature named twice for the scatter.
    #[error("the scatter needs two different features, '{0}' was named twice")]
    SameColumn(String),
    /// Given segments or labels that do not fit the rows.
    #[error("{what} has {got} entries for {rows} rows")]
    Length {
        /// What was given.
        what: &'static str,
        /// Its length.
        got: usize,
        /// Rows of the data.
        rows: usize,
    },
    /// A chart could not be drawn.
    #[error("cannot draw the {chart}: {reason}")]
    Draw {
        /// Which chart.
        chart: String,
        /// Why.
        reason: String,
    },
    /// The page template failed.
    #[error("cannot render the report: {0}")]
    Template(String),
}

/// How the page is made.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportOptions {
    /// The two features of the scatter (names as in the model's features,
    /// `col=value` for a category); default: the two its rules read most.
    pub columns: Option<(String, String)>,
    /// Dialect of the SQL section.
    pub dialect: Dialect,
    /// The command shown as the one that reproduces the report.
    pub command: Option<String>,
    /// Rows the scatter draws at most (a seeded sample above).
    pub plot_rows: usize,
    /// Rows up to which the silhouette is computed exactly when the fit's
    /// is not given; above, it is estimated from samples of this size.
    pub sample_size: usize,
    /// Seed of the scatter's sample and of the silhouette's samples.
    pub seed: u64,
    /// Features in a cluster's profile besides those its conditions read.
    pub profile_features: usize,
}

impl Default for ReportOptions {
    fn default() -> Self {
        Self {
            columns: None,
            dialect: Dialect::Ansi,
            command: None,
            plot_rows: DEFAULT_PLOT_ROWS,
            sample_size: crate::mpc::DEFAULT_SAMPLE_SIZE,
            seed: 0,
            profile_features: DEFAULT_PROFILE_FEATURES,
        }
    }
}

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
    /// Its silhouette.
    pub silhouette: Option<f64>,
    /// Whether the silhouette is exact.
    #[serde(default)]
    pub silhouette_exact: bool,
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
            silhouette: r.silhouette,
            silhouette_exact: r.silhouette_exact,
            fidelity: r.fidelity,
            smallest: r.smallest,
            meets_min_cluster_size: r.meets_min_cluster_size,
        }
    }
}

impl KStudyRow {
    /// The best run of every k among `runs` (in (k, seed) order), as
    /// [`crate::mpc::ProtocolResult::best_per_k`] chooses it: the floor met,
    /// then full fidelity, then the silhouette; the first seed on ties.
    pub fn best_per_k(runs: &[KStudyRow]) -> Vec<KStudyRow> {
        let key = |r: &KStudyRow| (r.meets_min_cluster_size, r.fidelity >= 1.0);
        let score = |r: &KStudyRow| r.silhouette.unwrap_or(f64::NEG_INFINITY);
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

/// A report of a model on data encoded with its features.
#[derive(Debug, Clone)]
pub struct Report<'a> {
    model: &'a PolytopeModel,
    data: &'a Dataset,
    truth: Option<(&'a [usize], String)>,
    fit: Option<FitFigures>,
    k_study: Vec<KStudyRow>,
}

impl<'a> Report<'a> {
    /// A report of `model` on `data`, whose features must be the model's
    /// (the training data, or data prepared with the model's feature map).
    pub fn new(model: &'a PolytopeModel, data: &'a Dataset) -> Result<Self, ReportError> {
        if data.map.columns.len() != model.map.columns.len() {
            return Err(ReportError::Features {
                data: data.d(),
                model: model.map.columns.len(),
                names: crate::data::name_list(&model.map.names()),
            });
        }
        Ok(Self {
            model,
            data,
            truth: None,
            fit: None,
            k_study: Vec::new(),
        })
    }

    /// Reference classes of the rows (ids `0..`), read from `column`: the
    /// report adds ARI and NCA against them.
    pub fn truth(mut self, labels: &'a [usize], column: &str) -> Result<Self, ReportError> {
        self.check_len("the labels", labels.len())?;
        self.truth = Some((labels, column.to_string()));
        Ok(self)
    }

    /// Take the segments, fidelity and silhouette from the fit that made the
    /// model on these rows.
    pub fn fit(self, fit: &MpcFit) -> Result<Self, ReportError> {
        let sample = crate::mpc::DEFAULT_SAMPLE_SIZE;
        self.figures(FitFigures::of(fit, sample))
    }

    /// Take given figures of these rows instead of computing them.
    pub fn figures(mut self, figures: FitFigures) -> Result<Self, ReportError> {
        self.check_len("the segments", figures.segments.len())?;
        self.fit = Some(figures);
        Ok(self)
    }

    /// The best run of every k tried (in k order): the page then charts
    /// the silhouette and the smallest cluster against k.
    pub fn k_study(mut self, rows: Vec<KStudyRow>) -> Self {
        self.k_study = rows;
        self
    }

    fn check_len(&self, what: &'static str, got: usize) -> Result<(), ReportError> {
        if got != self.data.n() {
            return Err(ReportError::Length {
                what,
                got,
                rows: self.data.n(),
            });
        }
        Ok(())
    }

    /// The page.
    pub fn render(&self, options: &ReportOptions) -> Result<String, ReportError> {
        let page = page::build(self, options)?;
        page::render(&page)
    }
}

/// A compact HTML table of a model's clusters (size, share, rule) for a
/// notebook's rich display; escaped, with no script or style sheet.
pub fn clusters_table_html(model: &PolytopeModel) -> Result<String, ReportError> {
    page::clusters_table(model)
}

mod page;

/// Share as `12.3%`.
fn percent(v: f64) -> String {
    if v > 0.0 && v < 0.001 {
        return "<0.1%".into();
    }
    format!("{:.1}%", 100.0 * v)
}

/// A number to four significant digits, no trailing zeros.
fn short(v: f64) -> String {
    if !v.is_finite() {
        return "—".into();
    }
    if v == 0.0 {
        return "0".into();
    }
    let digits = (4 - 1 - v.abs().log10().floor() as i32).clamp(0, 10) as usize;
    let s = format!("{v:.digits$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    let s = if s == "-0" { "0".to_string() } else { s };
    s.replacen('-', "−", 1)
}

/// A whole number with thousands separators: `1,000,000`.
fn count(v: usize) -> String {
    let s = v.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// The feature's value in original units.
fn unscaled(column: &FeatureColumn, v: f64) -> f64 {
    column.unscale(v)
}

// Items used by `page`.
use charts::{hex, style_of};
use figures::{decide, distinguishing, explanation_size, moments, nearest, plot_rows, quartiles};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_well() {
        assert_eq!(short(0.70214), "0.7021");
        assert_eq!(short(-1234.5), "−1234");
        assert_eq!(short(12.0), "12");
        assert_eq!(count(1_000_000), "1,000,000");
        assert_eq!(count(999), "999");
        assert_eq!(percent(0.123), "12.3%");
    }
}
