//! How a CSV file is read into a dataset: the options of [`prepare`](super::prepare()) and
//! [`load_csv`](super::load_csv).

use super::numbers::DecimalMark;

/// The most categories a categorical column may have by default.
pub const MAX_LEVELS: usize = 50;

/// What to do with a row that has a missing feature cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum MissingPolicy {
    /// Drop the row (and report it).
    #[default]
    Drop,
    /// Keep it: a missing cell reads as its column's median or most
    /// frequent category, recorded in the map.
    Impute,
    /// With a fitted map: keep the row, its missing features NaN (for the
    /// decision on the cells it has). At fit, as `Drop`.
    #[cfg_attr(feature = "cli", value(skip))]
    Keep,
}

/// What to do with a column of dates or times.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum DatePolicy {
    /// Leave it out, with a notice.
    #[default]
    Exclude,
    /// Read dates as days since 1970-01-01, times as hours since midnight.
    AsNumber,
}

/// How to read a CSV into a dataset.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// Column holding the ground truth, kept out of the features (`None`: no label).
    pub label_column: Option<String>,
    /// Columns to ignore entirely (ids).
    pub drop: Vec<String>,
    /// Columns to treat as categorical even when their values are numeric.
    pub categorical: Vec<String>,
    /// Whether a row without a label is dropped (the labels are the
    /// clusters to explain or score, or a target); otherwise it is kept and
    /// the label is only compared with.
    pub label_required: bool,
    /// Rows with a missing feature cell.
    pub missing: MissingPolicy,
    /// Columns of dates or times.
    pub dates: DatePolicy,
    /// The most categories of one categorical column.
    pub max_levels: usize,
    /// The decimal mark (`None`: detected).
    pub decimal: Option<DecimalMark>,
}

impl Default for LoadOptions {
    fn default() -> Self {
        Self {
            label_column: Some("label".into()),
            drop: Vec::new(),
            categorical: Vec::new(),
            label_required: true,
            missing: MissingPolicy::Drop,
            dates: DatePolicy::Exclude,
            max_levels: MAX_LEVELS,
            decimal: None,
        }
    }
}
