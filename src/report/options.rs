//! How a page is made: its options and their defaults, and the first line
//! that marks a file as a report.

use crate::explain::Dialect;

/// The first line of every report: how polyclust recognises a file it wrote.
pub const SIGNATURE: &str = "<!DOCTYPE html><!-- polyclust report -->";

/// Rows the scatter draws at most; above, a seeded sample of this many.
pub const DEFAULT_PLOT_ROWS: usize = 4_000;

/// Features in a cluster's profile besides those its own conditions read.
pub const DEFAULT_PROFILE_FEATURES: usize = 5;

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
