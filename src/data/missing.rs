//! Missing cells (empty, `NA`, `?`; NaN in a column of numbers built in
//! memory): which rows are kept, what is reported, and the limits.
//!
//! At fit, `--missing drop` (the default) drops a row with a missing
//! feature cell, `--missing impute` keeps it and reads the cell as the
//! column's median or most frequent category (recorded in the map, so new
//! rows are read alike). Either way a feature column missing on more than
//! half of the rows is refused (dropping would erase the table, imputing
//! would invent most of the column), and dropping more than half of the
//! rows is refused, naming the column that causes most of it. A label the
//! caller does not need (ARI only) drops no row.

use super::columns::{Feature, Roles};
use super::error::DataError;
use super::options::{LoadOptions, MissingPolicy};
use super::table::RawTable;
use super::text::{excerpt, flag_value};
use serde::Serialize;

/// Share of rows above which a column's missing cells are refused.
pub const MOST: f64 = 0.5;

/// How many dropped rows a report lists.
const FIRST: usize = 10;

/// What became of the rows with missing cells.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MissingReport {
    /// Data rows read.
    pub rows: usize,
    /// Rows dropped for a missing cell.
    pub dropped: usize,
    /// The first rows dropped (at most ten), 1-based data rows as in error messages.
    pub first_dropped: Vec<usize>,
    /// Per column with missing cells (feature columns and a needed label):
    /// rows where it is missing, most first.
    pub by_column: Vec<(String, usize)>,
    /// Cells imputed (`--missing impute`).
    pub imputed_cells: usize,
    /// Rows kept without a label (the label is read for comparison only).
    pub unlabelled: usize,
}

impl MissingReport {
    /// One line for people: rows dropped or cells imputed, and the columns
    /// responsible; `None` when nothing was missing.
    pub fn line(&self) -> Option<String> {
        let columns = |n: usize| {
            let shown: Vec<String> = self
                .by_column
                .iter()
                .take(n)
                .map(|(c, k)| format!("'{}' {k}", excerpt(c)))
                .collect();
            let more = if self.by_column.len() > n {
                ", …"
            } else {
                ""
            };
            format!("{}{more}", shown.join(", "))
        };
        let mut parts = Vec::new();
        if self.dropped > 0 {
            let rows: Vec<String> = self.first_dropped.iter().map(|r| r.to_string()).collect();
            let more = if self.dropped > self.first_dropped.len() {
                ", …"
            } else {
                ""
            };
            parts.push(format!(
                "{} of {} rows dropped for a missing cell (rows {}{more}; missing in {})",
                self.dropped,
                self.rows,
                rows.join(", "),
                columns(5)
            ));
        }
        if self.imputed_cells > 0 {
            parts.push(format!(
                "{} missing cells imputed with their column's median or most frequent value ({})",
                self.imputed_cells,
                columns(5)
            ));
        }
        if self.unlabelled > 0 {
            parts.push(format!(
                "{} rows have no label: clustered, and left out of the comparison with the labels",
                self.unlabelled
            ));
        }
        (!parts.is_empty()).then(|| parts.join("; "))
    }
}

/// The rows kept (0-based, in file order) and the report.
pub(crate) fn select_rows(
    table: &RawTable,
    options: &LoadOptions,
    roles: &Roles,
    features: &[Feature],
) -> Result<(Vec<usize>, MissingReport), DataError> {
    let rows = table.n_rows();
    let mut missing_in = vec![0usize; features.len()];
    let label_needed = roles.label.filter(|_| options.label_required);
    let mut label_missing = 0;
    let mut unlabelled = 0;
    let mut kept = Vec::with_capacity(rows);
    let mut first_dropped = Vec::new();
    let impute = options.missing == MissingPolicy::Impute;
    for r in 0..rows {
        let mut row_missing = false;
        for (k, f) in features.iter().enumerate() {
            if table.cell(r, f.column).is_missing() {
                missing_in[k] += 1;
                row_missing = true;
            }
        }
        let no_label = roles.label.is_some_and(|c| table.cell(r, c).is_missing());
        if no_label && label_needed.is_none() {
            unlabelled += 1;
        }
        let label_gone = no_label && label_needed.is_some();
        label_missing += usize::from(label_gone);
        if label_gone || (row_missing && !impute) {
            if first_dropped.len() < FIRST {
                first_dropped.push(r + 1);
            }
        } else {
            kept.push(r);
        }
    }
    for (k, f) in features.iter().enumerate() {
        if rows > 0 && missing_in[k] as f64 > MOST * rows as f64 {
            let column = table.header[f.column].clone();
            let consequence = if impute {
                "imputing its cells would invent most of the column".to_string()
            } else {
                format!(
                    "dropping those rows would leave at most {}",
                    rows - missing_in[k]
                )
            };
            return Err(DataError::SparseColumn {
                path: table.path.clone(),
                flag_value: flag_value(&column),
                column,
                missing: missing_in[k],
                rows,
                consequence,
            });
        }
    }
    let mut by_column: Vec<(String, usize)> = features
        .iter()
        .zip(&missing_in)
        .filter(|(_, &m)| m > 0)
        .map(|(f, &m)| (table.header[f.column].clone(), m))
        .collect();
    if let (Some(c), true) = (label_needed, label_missing > 0) {
        by_column.push((table.header[c].clone(), label_missing));
    }
    by_column.sort_by_key(|c| std::cmp::Reverse(c.1));
    let dropped = rows - kept.len();
    if !impute && dropped as f64 > MOST * rows as f64 {
        // The feature column behind most of the drops.
        if let Some((k, &count)) = missing_in.iter().enumerate().max_by_key(|(_, m)| **m) {
            if count > 0 {
                let column = table.header[features[k].column].clone();
                return Err(DataError::MostRowsMissing {
                    path: table.path.clone(),
                    dropped,
                    rows,
                    kept: kept.len(),
                    flag_value: flag_value(&column),
                    column,
                    count,
                });
            }
        }
    }
    let imputed_cells = if impute { missing_in.iter().sum() } else { 0 };
    Ok((
        kept,
        MissingReport {
            rows,
            dropped,
            first_dropped,
            by_column,
            imputed_cells,
            unlabelled,
        },
    ))
}
