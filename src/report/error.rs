//! What can keep a report from being made.

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
