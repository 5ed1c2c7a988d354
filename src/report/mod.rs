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

mod builder;
mod charts;
mod error;
mod figures;
mod format;
mod inputs;
mod options;
mod page;
mod table;
mod template;

pub use builder::Report;
pub use error::ReportError;
pub use inputs::{FitFigures, KStudyRow, Silhouette};
pub use options::{ReportOptions, DEFAULT_PLOT_ROWS, DEFAULT_PROFILE_FEATURES, SIGNATURE};
pub use table::clusters_table_html;
