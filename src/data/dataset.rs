//! A prepared dataset: scaled features, labels, and the map back to the file.

use super::error::{ColumnRole, DataError};
use super::features::FeatureMap;
use super::missing::MissingReport;
use super::text::{self, is_missing};
use ndarray::Array2;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// A prepared dataset: scaled features, optional labels, and the map back to the file.
#[derive(Debug, Clone)]
pub struct Dataset {
    /// Display name (instance name or file stem).
    pub name: String,
    /// Features scaled to \[0, 1\], one row per kept data row (NaN: a
    /// missing cell kept by
    /// [`MissingPolicy::Keep`](super::MissingPolicy::Keep)).
    pub x: Array2<f64>,
    /// How features map to input columns.
    pub map: FeatureMap,
    /// Ground-truth labels as text, when a label column was read (a label
    /// not required may be missing: empty, `NA` or `?`).
    pub labels: Option<Vec<String>>,
    /// For each kept row, its 0-based index among the file's data rows.
    pub row_index: Vec<usize>,
    /// Rows dropped because of a missing cell.
    pub dropped_rows: usize,
    /// What became of missing cells.
    pub missing: MissingReport,
    /// Columns left out or read in a format, one sentence each.
    pub notices: Vec<String>,
    /// Features that were constant (kept at 0).
    pub constant_features: Vec<String>,
    /// File the rows were read from (`None` for generated data).
    pub path: Option<PathBuf>,
}

impl Dataset {
    /// Number of rows.
    pub fn n(&self) -> usize {
        self.x.nrows()
    }

    /// Number of features.
    pub fn d(&self) -> usize {
        self.x.ncols()
    }

    /// Feature names.
    pub fn feature_names(&self) -> Vec<String> {
        self.map.names()
    }

    /// Labels encoded as 0..L in order of first appearance, with the label texts.
    pub fn label_ids(&self) -> Option<(Vec<usize>, Vec<String>)> {
        self.labels.as_ref().map(|l| encode_labels(l))
    }

    /// Labels encoded as 0..L in order of first appearance, `None` for a
    /// row without one (see
    /// [`LoadOptions::label_required`](super::LoadOptions::label_required)).
    pub fn truth_ids(&self) -> Option<Vec<Option<usize>>> {
        let labels = self.labels.as_ref()?;
        let mut index: BTreeMap<&str, usize> = BTreeMap::new();
        Some(
            labels
                .iter()
                .map(|l| {
                    if is_missing(l) {
                        return None;
                    }
                    let next = index.len();
                    Some(*index.entry(l.as_str()).or_insert(next))
                })
                .collect(),
        )
    }

    /// The labels as finite numbers (a numeric target); `column` names the
    /// label column in errors. A cell that does not parse is a
    /// [`DataError::NotNumeric`] naming the file, data row, column and cell;
    /// no label column read is a [`DataError::MissingColumn`].
    pub fn numeric_labels(&self, column: &str) -> Result<ndarray::Array1<f64>, DataError> {
        let file = || {
            self.path
                .clone()
                .unwrap_or_else(|| PathBuf::from(&self.name))
        };
        let labels = self
            .labels
            .as_ref()
            .ok_or_else(|| DataError::MissingColumn {
                path: file(),
                column: column.to_string(),
                role: ColumnRole::Label,
                suggestion: None,
                available: self.map.sources().join(", "),
                hint: "".into(),
            })?;
        labels
            .iter()
            .zip(&self.row_index)
            .map(|(text, &row)| match text.parse::<f64>() {
                Ok(v) if v.is_finite() => Ok(v),
                _ => Err(DataError::NotNumeric {
                    path: file(),
                    row: row + 1,
                    column: column.to_string(),
                    value: text::cut(text, 40),
                }),
            })
            .collect()
    }
}

/// Encode text labels as 0..L in order of first appearance.
pub fn encode_labels(labels: &[String]) -> (Vec<usize>, Vec<String>) {
    let mut names: Vec<String> = Vec::new();
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    let mut ids = Vec::with_capacity(labels.len());
    for l in labels {
        let id = *index.entry(l.as_str()).or_insert_with(|| {
            names.push(l.clone());
            names.len() - 1
        });
        ids.push(id);
    }
    (ids, names)
}
