//! Data loading and the paper's preprocessing (MPC paper §4).
//!
//! A CSV file with a header row becomes a [`Dataset`]:
//! 1. the label column (default `label`) and any `--drop` columns are kept out
//!    of the features;
//! 2. rows with a missing cell (empty, `NA`, `?`) are dropped and counted;
//! 3. each remaining column is numeric when every value parses as a finite
//!    number, otherwise categorical and one-hot encoded as `col=value`;
//!    `NaN`/`inf` cells are errors naming the row and column;
//! 4. every feature is min-max scaled to \[0, 1\]; the [`FeatureMap`] keeps the
//!    inverse so rules can be shown in original units.

mod registry;
mod stream;
mod synthetic;

pub use registry::{
    public_instances, sha256_hex, FileSummary, InstanceCheck, InstanceInfo, ManifestKind, Registry,
    INSTANCES_ENV,
};
pub use stream::{Chunk, CsvChunks, EncodeScan, EncodeSummary, RowEncoder};
pub use synthetic::{
    gaussian_blobs, generated_instances, generated_registry_files, quadrants, GeneratedInstance,
    GeneratorKind, GeneratorSpec, RowStream, SyntheticInstance, ValidGenerator, BLOBS_SPREAD,
    QUADRANTS_MARGIN,
};

use ndarray::Array2;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use thiserror::Error;

/// Errors raised while reading or preparing data. Each message is one sentence
/// naming the file and, where it applies, the row and column.
#[derive(Debug, Clone, Error)]
pub enum DataError {
    /// The file could not be opened or read.
    #[error("cannot read data file {path}: {reason}")]
    Io {
        /// File path.
        path: PathBuf,
        /// Operating-system reason.
        reason: String,
    },
    /// The file has no header row.
    #[error("data file {path} is empty: a header row and at least one data row are needed")]
    Empty {
        /// File path.
        path: PathBuf,
    },
    /// The file has a header but no data rows (or none left after dropping missing cells).
    #[error("data file {path} has no usable data rows{detail}")]
    NoRows {
        /// File path.
        path: PathBuf,
        /// Extra explanation, such as how many rows were dropped.
        detail: String,
    },
    /// A row has a different number of fields than the header.
    #[error(
        "data file {path}, row {row} (line {line}): {found} fields where the header has {expected}"
    )]
    Ragged {
        /// File path.
        path: PathBuf,
        /// 1-based data row.
        row: usize,
        /// 1-based line in the file.
        line: usize,
        /// Fields in this row.
        found: usize,
        /// Fields in the header.
        expected: usize,
    },
    /// A numeric cell is NaN or infinite.
    #[error("data file {path}, row {row} (line {line}), column '{column}': value '{value}' is not a finite number")]
    NotFinite {
        /// File path.
        path: PathBuf,
        /// 1-based data row.
        row: usize,
        /// 1-based line in the file.
        line: usize,
        /// Column name.
        column: String,
        /// The offending text.
        value: String,
    },
    /// A cell of a column read as numbers (a numeric target) is not a finite number.
    #[error(
        "data file {path}, row {row}, column '{column}': value '{value}' is not a finite number"
    )]
    NotNumeric {
        /// File path (the dataset name for generated data).
        path: PathBuf,
        /// 1-based data row.
        row: usize,
        /// Column name.
        column: String,
        /// The offending text, cut to 40 characters.
        value: String,
    },
    /// A named column is not in the header.
    #[error("data file {path} has no column '{column}' (columns: {available})")]
    MissingColumn {
        /// File path.
        path: PathBuf,
        /// The requested column.
        column: String,
        /// The header, comma separated.
        available: String,
    },
    /// No feature column is left.
    #[error(
        "data file {path} has no feature columns once the label and dropped columns are removed"
    )]
    NoFeatures {
        /// File path.
        path: PathBuf,
    },
    /// A header cell is empty.
    #[error("data file {path}: column {position} of the header has no name")]
    EmptyColumnName {
        /// File path.
        path: PathBuf,
        /// 1-based position of the column.
        position: usize,
    },
    /// A column of numbers holds a cell that is not one.
    #[error("data file {path}, row {row} (line {line}), column '{column}': value '{value}' is not a number, while {numbers} of the column's {cells} cells are; fix the cell, leave it empty to mark it missing, or declare the column categorical (--categorical {column})")]
    MixedColumn {
        /// File path.
        path: PathBuf,
        /// 1-based data row.
        row: usize,
        /// 1-based line in the file.
        line: usize,
        /// Column name.
        column: String,
        /// The offending text (cut to a few dozen characters).
        value: String,
        /// Cells of the column that are numbers.
        numbers: usize,
        /// Cells of the column (rows kept).
        cells: usize,
    },
    /// A numeric column spans more than a double can hold.
    #[error("data file {path}, column '{column}': its values span {min:e} to {max:e}, a range too wide to scale to [0, 1] in double precision; rescale the column")]
    Range {
        /// File path.
        path: PathBuf,
        /// Column name.
        column: String,
        /// Smallest value.
        min: f64,
        /// Largest value.
        max: f64,
    },
    /// A column of a table built in memory holds another number of values
    /// than the first column.
    #[error("data file {path}: column '{column}' holds {found} values where column '{first}' holds {expected}")]
    ColumnLength {
        /// Name of the table.
        path: PathBuf,
        /// The column.
        column: String,
        /// Its number of values.
        found: usize,
        /// The first column.
        first: String,
        /// The first column's number of values.
        expected: usize,
    },
    /// The header repeats a column name.
    #[error("data file {path}: column '{column}' appears twice in the header")]
    DuplicateColumn {
        /// File path.
        path: PathBuf,
        /// The repeated name.
        column: String,
    },
    /// The CSV parser failed.
    #[error("data file {path}, line {line}: {reason}")]
    Csv {
        /// File path.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// Parser message.
        reason: String,
    },
    /// The instance registry is missing or malformed, or the instance is unknown.
    #[error("{0}")]
    Registry(String),
    /// A manifest lists the same instance name twice.
    #[error(
        "instance manifest {manifest} lists the instance '{name}' twice; names must be unique"
    )]
    DuplicateInstance {
        /// The manifest file.
        manifest: PathBuf,
        /// The repeated name.
        name: String,
    },
    /// An instance file has another number of data rows than a manifest entry says.
    #[error(
        "instance file {path} has {found} data rows but {manifest} says {expected}; {}",
        if found < expected { "the file is truncated or not the published one" } else { "the file is not the published one" }
    )]
    RowCount {
        /// The instance file.
        path: PathBuf,
        /// Data rows in the file (blank lines excluded).
        found: usize,
        /// Rows the manifest entry gives.
        expected: usize,
        /// Which manifest disagrees.
        manifest: ManifestKind,
    },
    /// An instance file's SHA-256 differs from a manifest entry's.
    #[error("instance file {path} has sha256 {found} but {manifest} says {expected}; the file is damaged or not the published one")]
    Checksum {
        /// The instance file.
        path: PathBuf,
        /// SHA-256 of the file, lowercase hex.
        found: String,
        /// SHA-256 the manifest entry gives.
        expected: String,
        /// Which manifest disagrees.
        manifest: ManifestKind,
    },
    /// A row to predict has a value the model cannot encode.
    #[error("data file {path}, row {row}, column '{column}': {reason}")]
    Encode {
        /// File path.
        path: PathBuf,
        /// 1-based data row.
        row: usize,
        /// Column name.
        column: String,
        /// Why the value cannot be encoded.
        reason: String,
    },
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
}

impl Default for LoadOptions {
    fn default() -> Self {
        Self {
            label_column: Some("label".into()),
            drop: Vec::new(),
            categorical: Vec::new(),
        }
    }
}

/// One column of the clustering space and how it maps back to the input file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FeatureColumn {
    /// A numeric input column scaled by `(v - min) / (max - min)`.
    Numeric {
        /// Input column name.
        source: String,
        /// Minimum in the input data.
        min: f64,
        /// Maximum in the input data (equal to `min` for a constant column, which maps to 0).
        max: f64,
    },
    /// The indicator of one category of a categorical input column.
    OneHot {
        /// Input column name.
        source: String,
        /// Category.
        value: String,
    },
}

impl FeatureColumn {
    /// Name of the feature: the column name, or `col=value` for a one-hot column.
    pub fn name(&self) -> String {
        match self {
            FeatureColumn::Numeric { source, .. } => source.clone(),
            FeatureColumn::OneHot { source, value } => format!("{source}={value}"),
        }
    }

    /// Scaled value in \[0, 1\] from the original one.
    pub fn scale(&self, original: f64) -> f64 {
        match self {
            FeatureColumn::Numeric { min, max, .. } => {
                if max > min {
                    (original - min) / (max - min)
                } else {
                    0.0
                }
            }
            FeatureColumn::OneHot { .. } => original,
        }
    }

    /// Original value from a scaled one (inverse of [`FeatureColumn::scale`]).
    pub fn unscale(&self, scaled: f64) -> f64 {
        match self {
            FeatureColumn::Numeric { min, max, .. } => min + scaled * (max - min),
            FeatureColumn::OneHot { .. } => scaled,
        }
    }
}

/// The preprocessing map: which input columns become which features and how
/// they are scaled. Stored with a fitted model so new rows are encoded the same way.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureMap {
    /// Features in order.
    pub columns: Vec<FeatureColumn>,
    /// Input columns that were categorical.
    pub categorical_sources: Vec<String>,
}

impl FeatureMap {
    /// Feature names in order.
    pub fn names(&self) -> Vec<String> {
        self.columns.iter().map(FeatureColumn::name).collect()
    }

    /// Input column names the map reads (each once, in order).
    pub fn sources(&self) -> Vec<String> {
        let mut seen = HashSet::new();
        let mut sources = Vec::new();
        for c in &self.columns {
            let s = match c {
                FeatureColumn::Numeric { source, .. } | FeatureColumn::OneHot { source, .. } => {
                    source
                }
            };
            if seen.insert(s.as_str()) {
                sources.push(s.clone());
            }
        }
        sources
    }
}

/// A prepared dataset: scaled features, optional labels, and the map back to the file.
#[derive(Debug, Clone)]
pub struct Dataset {
    /// Display name (instance name or file stem).
    pub name: String,
    /// Features scaled to \[0, 1\], one row per kept data row.
    pub x: Array2<f64>,
    /// How features map to input columns.
    pub map: FeatureMap,
    /// Ground-truth labels as text, when a label column was read.
    pub labels: Option<Vec<String>>,
    /// For each kept row, its 0-based index among the file's data rows.
    pub row_index: Vec<usize>,
    /// Rows dropped because of a missing cell.
    pub dropped_rows: usize,
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
                available: self.map.sources().join(", "),
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
                    value: cut(text, 40),
                }),
            })
            .collect()
    }
}

/// `text` cut to `max` characters, with "…" when cut.
fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_string(),
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

/// A cell as quoted in a message: at most 40 characters, then `…` and the
/// length (a five-megabyte cell is not echoed whole).
pub fn excerpt(cell: &str) -> String {
    const KEEP: usize = 40;
    let t = cell.trim();
    match t.char_indices().nth(KEEP) {
        None => t.to_string(),
        Some((cut, _)) => format!("{}… ({} characters)", &t[..cut], t.chars().count()),
    }
}

/// Names as listed in a message: the first 20, then how many more.
pub fn name_list(names: &[String]) -> String {
    const KEEP: usize = 20;
    let shown: Vec<String> = names.iter().take(KEEP).map(|n| excerpt(n)).collect();
    if names.len() > KEEP {
        format!("{}, … ({} more)", shown.join(", "), names.len() - KEEP)
    } else {
        shown.join(", ")
    }
}

/// True when a cell counts as missing: empty, `NA` or `?` (after trimming).
pub fn is_missing(cell: &str) -> bool {
    matches!(trimmed(cell), "" | "NA" | "?")
}

/// `cell.trim()`, without decoding characters when both ends are ASCII
/// other than whitespace (almost every cell): such a cell has nothing to
/// trim, since every whitespace character is either at most a space or not
/// ASCII. Reading 10⁷ rows calls this 10⁸ times.
#[inline]
pub(crate) fn trimmed(cell: &str) -> &str {
    let plain = |b: u8| b > b' ' && b.is_ascii();
    match cell.as_bytes() {
        [first, .., last] if plain(*first) && plain(*last) => cell,
        [only] if plain(*only) => cell,
        _ => cell.trim(),
    }
}

/// Parse a cell as a number. `Ok(None)` means "not a number" (a category);
/// `Err(())` means a number that is not finite (NaN, inf).
pub(crate) fn parse_number(cell: &str) -> Result<Option<f64>, ()> {
    let t = trimmed(cell);
    match t.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(Some(v)),
        Ok(_) => Err(()),
        Err(_) => {
            let lower = t.to_ascii_lowercase();
            if matches!(
                lower.as_str(),
                "nan" | "inf" | "-inf" | "+inf" | "infinity" | "-infinity"
            ) {
                Err(())
            } else {
                Ok(None)
            }
        }
    }
}

/// One column of a table built in memory ([`RawTable::from_columns`]).
#[derive(Debug, Clone, PartialEq)]
pub enum Column {
    /// Numbers, used exactly as given (no round trip through text); a
    /// number that is not finite is refused as a `NaN` cell of a file is.
    Numbers(Vec<f64>),
    /// Cells read as the cells of a CSV file are: trimmed, missing when
    /// empty, `NA` or `?`, a number when every cell of the column is one
    /// (unless declared categorical).
    Text(Vec<String>),
}

impl Column {
    fn len(&self) -> usize {
        match self {
            Column::Numbers(v) => v.len(),
            Column::Text(v) => v.len(),
        }
    }
}

/// One cell of a [`RawTable`].
#[derive(Debug, Clone, Copy)]
enum Cell<'a> {
    Text(&'a str),
    Number(f64),
}

impl<'a> Cell<'a> {
    fn is_missing(self) -> bool {
        match self {
            Cell::Text(t) => is_missing(t),
            Cell::Number(_) => false,
        }
    }

    /// As [`parse_number`].
    fn number(self) -> Result<Option<f64>, ()> {
        match self {
            Cell::Text(t) => parse_number(t),
            Cell::Number(v) if v.is_finite() => Ok(Some(v)),
            Cell::Number(_) => Err(()),
        }
    }

    /// The cell as text, trimmed (a number in Rust's shortest round-trip form).
    fn text(self) -> Cow<'a, str> {
        match self {
            Cell::Text(t) => Cow::Borrowed(t.trim()),
            Cell::Number(v) => Cow::Owned(v.to_string()),
        }
    }
}

/// The raw table of a CSV file, or of named columns built in memory.
#[derive(Debug, Clone)]
pub struct RawTable {
    /// File the table came from (for a table built in memory, its name).
    pub path: PathBuf,
    /// Header names.
    pub header: Vec<String>,
    /// Rows of cells (empty for a table built from columns). A record keeps
    /// a row's cells in one buffer, a fifth of the memory of one string per
    /// cell on wide files of 10⁶ rows.
    pub rows: Vec<csv::StringRecord>,
    /// Column name → position, built once (wide files have 10⁵+ columns).
    index: HashMap<String, usize>,
    /// The columns of a table built in memory (empty for a file).
    columns: Vec<Column>,
}

impl RawTable {
    /// A table from named columns held in memory (a data frame), prepared
    /// by [`prepare`] exactly as a CSV file with these columns would be,
    /// except that [`Column::Numbers`] reach the features without a round
    /// trip through text. `name` names the table in errors. Column names
    /// must be non-empty and distinct, and all columns of one length.
    pub fn from_columns(name: &str, columns: Vec<(String, Column)>) -> Result<Self, DataError> {
        let path = PathBuf::from(name);
        let mut index = HashMap::with_capacity(columns.len());
        for (i, (h, column)) in columns.iter().enumerate() {
            if h.trim().is_empty() {
                return Err(DataError::EmptyColumnName {
                    path,
                    position: i + 1,
                });
            }
            if index.insert(h.clone(), i).is_some() {
                return Err(DataError::DuplicateColumn {
                    path,
                    column: excerpt(h),
                });
            }
            let (first, values) = (&columns[0].0, columns[0].1.len());
            if column.len() != values {
                return Err(DataError::ColumnLength {
                    path,
                    column: excerpt(h),
                    found: column.len(),
                    first: excerpt(first),
                    expected: values,
                });
            }
        }
        let (header, columns) = columns.into_iter().unzip();
        Ok(Self {
            path,
            header,
            rows: Vec::new(),
            index,
            columns,
        })
    }

    /// Number of data rows.
    pub fn n_rows(&self) -> usize {
        match self.columns.first() {
            Some(column) => column.len(),
            None => self.rows.len(),
        }
    }

    /// Cell `c` of data row `r` (0-based).
    fn cell(&self, r: usize, c: usize) -> Cell<'_> {
        match self.columns.get(c) {
            Some(Column::Numbers(v)) => Cell::Number(v[r]),
            Some(Column::Text(v)) => Cell::Text(&v[r]),
            None => Cell::Text(&self.rows[r][c]),
        }
    }

    /// Read a CSV with a header row; ragged rows are errors naming the row.
    pub fn read(path: &Path) -> Result<Self, DataError> {
        Self::parse(path, &read_bytes(path)?)
    }

    /// Parse the bytes of a CSV with a header row; `path` names the file in errors.
    pub fn parse(path: &Path, bytes: &[u8]) -> Result<Self, DataError> {
        let (mut records, (header, index)) = stream::Records::new(path, bytes, None)?;
        let mut rows = Vec::new();
        while let Some(record) = records.next_row()? {
            let mut row = record.clone();
            row.set_position(None);
            rows.push(row);
        }
        Ok(Self {
            path: path.to_path_buf(),
            header,
            rows,
            index,
            columns: Vec::new(),
        })
    }

    /// Position of a column, or an error naming the file and the columns it has.
    pub fn column_index(&self, name: &str) -> Result<usize, DataError> {
        self.index
            .get(name)
            .copied()
            .ok_or_else(|| DataError::MissingColumn {
                path: self.path.clone(),
                column: excerpt(name),
                available: name_list(&self.header),
            })
    }
}

/// The bytes of a data file, or an error naming it.
fn read_bytes(path: &Path) -> Result<Vec<u8>, DataError> {
    std::fs::read(path).map_err(|e| DataError::Io {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })
}

fn csv_error(path: &Path, e: &csv::Error) -> DataError {
    let line = e.position().map(|p| p.line() as usize).unwrap_or(0);
    DataError::Csv {
        path: path.to_path_buf(),
        line,
        reason: e.to_string(),
    }
}

/// Load and prepare a CSV file (see the module doc for the steps).
pub fn load_csv(path: &Path, options: &LoadOptions) -> Result<Dataset, DataError> {
    let table = RawTable::read(path)?;
    prepare(&table, options, None)
}

/// Prepare a raw table. With `map = Some(..)` the rows are encoded with an
/// existing feature map (for prediction) instead of fitting a new one.
pub fn prepare(
    table: &RawTable,
    options: &LoadOptions,
    map: Option<&FeatureMap>,
) -> Result<Dataset, DataError> {
    let path = &table.path;
    let label_idx = match &options.label_column {
        Some(l) if map.is_none() => Some(table.column_index(l)?),
        // For prediction, a label column is used only when present.
        Some(l) => table.index.get(l).copied(),
        None => None,
    };
    let mut skip = vec![false; table.header.len()];
    if let Some(i) = label_idx {
        skip[i] = true;
    }
    for d in &options.drop {
        skip[table.column_index(d)?] = true;
    }
    let feature_cols: Vec<usize> = match map {
        None => (0..table.header.len()).filter(|&i| !skip[i]).collect(),
        Some(m) => m
            .sources()
            .iter()
            .map(|s| table.column_index(s))
            .collect::<Result<_, _>>()?,
    };
    if feature_cols.is_empty() {
        return Err(DataError::NoFeatures { path: path.clone() });
    }

    // Rows with a missing feature or label cell are dropped.
    let mut kept: Vec<usize> = Vec::new();
    let n_rows = table.n_rows();
    for r in 0..n_rows {
        let missing = feature_cols.iter().any(|&c| table.cell(r, c).is_missing())
            || label_idx.is_some_and(|c| table.cell(r, c).is_missing());
        if !missing {
            kept.push(r);
        }
    }
    let dropped_rows = n_rows - kept.len();
    if kept.is_empty() {
        let detail = if n_rows == 0 {
            String::new()
        } else {
            format!(" ({n_rows} rows, all with a missing cell)")
        };
        return Err(DataError::NoRows {
            path: path.clone(),
            detail,
        });
    }

    // Column types: numeric when every kept cell is a number. A column whose
    // cells are mostly numbers but some not is refused, naming the first
    // such cell (a stray text cell would otherwise turn it into dozens of
    // one-hot columns); a column with at least as many text cells as
    // numbers is categorical. A declared categorical column is never parsed.
    let forced_categorical = |name: &str| options.categorical.iter().any(|c| c == name);
    let mut parsed: Vec<Option<Vec<f64>>> = Vec::with_capacity(feature_cols.len());
    for &c in &feature_cols {
        let name = &table.header[c];
        let categorical_in_map = map.is_some_and(|m| m.categorical_sources.contains(name));
        if forced_categorical(name) || categorical_in_map {
            parsed.push(None);
            continue;
        }
        let mut values = Vec::with_capacity(kept.len());
        let mut first_text = None;
        for &r in &kept {
            match table.cell(r, c).number() {
                Ok(Some(v)) => values.push(v),
                Ok(None) => {
                    first_text.get_or_insert(r);
                }
                Err(()) => {
                    return Err(DataError::NotFinite {
                        path: path.clone(),
                        row: r + 1,
                        line: r + 2,
                        column: name.clone(),
                        value: excerpt(&table.cell(r, c).text()),
                    })
                }
            }
        }
        let Some(r) = first_text else {
            let (min, max) = values
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
                    (a.min(v), b.max(v))
                });
            if map.is_none() && !(max - min).is_finite() {
                return Err(DataError::Range {
                    path: path.clone(),
                    column: name.clone(),
                    min,
                    max,
                });
            }
            parsed.push(Some(values));
            continue;
        };
        if map.is_some() {
            // The model saw this column as numeric: name the first bad cell.
            return Err(DataError::Encode {
                path: path.clone(),
                row: r + 1,
                column: name.clone(),
                reason: format!(
                    "value '{}' is not a number but the model reads this column as numeric",
                    excerpt(&table.cell(r, c).text())
                ),
            });
        }
        let numbers = values.len();
        if numbers > kept.len() - numbers {
            return Err(DataError::MixedColumn {
                path: path.clone(),
                row: r + 1,
                line: r + 2,
                column: name.clone(),
                value: excerpt(&table.cell(r, c).text()),
                numbers,
                cells: kept.len(),
            });
        }
        parsed.push(None);
    }

    let fitted_map = match map {
        Some(m) => m.clone(),
        None => {
            let mut columns = Vec::new();
            let mut categorical_sources = Vec::new();
            for (slot, &c) in feature_cols.iter().enumerate() {
                let name = table.header[c].clone();
                match &parsed[slot] {
                    Some(values) => {
                        let (min, max) = values
                            .iter()
                            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
                                (a.min(v), b.max(v))
                            });
                        columns.push(FeatureColumn::Numeric {
                            source: name,
                            min,
                            max,
                        });
                    }
                    None => {
                        let mut cats: Vec<String> = kept
                            .iter()
                            .map(|&r| table.cell(r, c).text().into_owned())
                            .collect();
                        cats.sort();
                        cats.dedup();
                        for value in cats {
                            columns.push(FeatureColumn::OneHot {
                                source: name.clone(),
                                value,
                            });
                        }
                        categorical_sources.push(name);
                    }
                }
            }
            FeatureMap {
                columns,
                categorical_sources,
            }
        }
    };

    // Encode.
    let d = fitted_map.columns.len();
    let mut x = Array2::<f64>::zeros((kept.len(), d));
    let slot_of: HashMap<&str, usize> = feature_cols
        .iter()
        .enumerate()
        .map(|(slot, &c)| (table.header[c].as_str(), slot))
        .collect();
    let source_slot = |source: &str| slot_of[source];
    for (j, col) in fitted_map.columns.iter().enumerate() {
        match col {
            FeatureColumn::Numeric { source, .. } => {
                let slot = source_slot(source);
                let values = parsed[slot].as_ref().expect("numeric columns were parsed");
                for (i, v) in values.iter().enumerate() {
                    x[[i, j]] = col.scale(*v);
                }
            }
            FeatureColumn::OneHot { source, value } => {
                let c = feature_cols[source_slot(source)];
                for (i, &r) in kept.iter().enumerate() {
                    x[[i, j]] = f64::from(u8::from(table.cell(r, c).text() == value.as_str()));
                }
            }
        }
    }
    if let Some(m) = map {
        // Unknown categories cannot be encoded faithfully.
        let known: HashSet<(&str, &str)> = m
            .columns
            .iter()
            .filter_map(|col| match col {
                FeatureColumn::OneHot { source, value } => Some((source.as_str(), value.as_str())),
                FeatureColumn::Numeric { .. } => None,
            })
            .collect();
        for source in &m.categorical_sources {
            let c = table.column_index(source)?;
            for &r in &kept {
                let v = table.cell(r, c).text();
                let v = v.as_ref();
                if !known.contains(&(source.as_str(), v)) {
                    return Err(DataError::Encode {
                        path: path.clone(),
                        row: r + 1,
                        column: source.clone(),
                        reason: format!(
                            "category '{}' was not seen when the model was fitted",
                            excerpt(v)
                        ),
                    });
                }
            }
        }
    }

    let constant_features = fitted_map
        .columns
        .iter()
        .filter(|c| matches!(c, FeatureColumn::Numeric { min, max, .. } if max <= min))
        .map(FeatureColumn::name)
        .collect();
    let labels = label_idx.map(|c| {
        kept.iter()
            .map(|&r| table.cell(r, c).text().into_owned())
            .collect()
    });
    let name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(Dataset {
        name,
        x,
        map: fitted_map,
        labels,
        row_index: kept,
        dropped_rows,
        constant_features,
        path: Some(path.clone()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn write(text: &str) -> tempfile::NamedTempFile {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(text.as_bytes()).unwrap();
        f
    }

    #[test]
    fn one_hot_scaling_and_missing_rows() {
        let f = write("a,job,label\n1,x,0\n3,y,1\n,x,0\n2,?,1\n5,x,1\n");
        let ds = load_csv(f.path(), &LoadOptions::default()).unwrap();
        assert_eq!(ds.n(), 3);
        assert_eq!(ds.dropped_rows, 2);
        assert_eq!(ds.feature_names(), vec!["a", "job=x", "job=y"]);
        assert_eq!(ds.row_index, vec![0, 1, 4]);
        assert!((ds.x[[1, 0]] - 0.5).abs() < 1e-12);
        assert_eq!(ds.x[[1, 2]], 1.0);
        let col = &ds.map.columns[0];
        assert!((col.unscale(col.scale(3.0)) - 3.0).abs() < 1e-12);
    }

    #[test]
    fn nan_cell_names_row_and_column() {
        let f = write("a,b\n1,2\n3,NaN\n");
        let opts = LoadOptions {
            label_column: None,
            ..Default::default()
        };
        let err = load_csv(f.path(), &opts).unwrap_err().to_string();
        assert!(err.contains("row 2") && err.contains("'b'"), "{err}");
    }

    #[test]
    fn ragged_row_is_an_error() {
        let f = write("a,b\n1,2\n3\n");
        let opts = LoadOptions {
            label_column: None,
            ..Default::default()
        };
        let err = load_csv(f.path(), &opts).unwrap_err();
        assert!(matches!(err, DataError::Ragged { row: 2, .. }), "{err}");
    }

    #[test]
    fn numeric_labels_name_file_row_column_and_cell() {
        // The dropped third row still counts: the bad cell is data row 4.
        let f = write("a,b,Y\n1,2,0.5\n2,1,1e3\n,3,2\n3,3,abc\n");
        let opts = LoadOptions {
            label_column: Some("Y".into()),
            ..Default::default()
        };
        let mut ds = load_csv(f.path(), &opts).unwrap();
        let err = ds.numeric_labels("Y").unwrap_err().to_string();
        let file = f.path().display();
        assert_eq!(
            err,
            format!("data file {file}, row 4, column 'Y': value 'abc' is not a finite number")
        );
        let mut cell = |text: &str| {
            ds.labels.as_mut().unwrap()[2] = text.to_string();
            ds.numeric_labels("Y")
        };
        assert_eq!(cell("4").unwrap().to_vec(), vec![0.5, 1e3, 4.0]);
        assert!(matches!(
            cell("inf"),
            Err(DataError::NotNumeric { row: 4, .. })
        ));
        let long = cell(&"x".repeat(100)).unwrap_err().to_string();
        assert!(long.contains(&format!("'{}…'", "x".repeat(40))), "{long}");
    }

    #[test]
    fn constant_column_is_zero_and_reported() {
        let f = write("a,b\n1,7\n3,7\n");
        let opts = LoadOptions {
            label_column: None,
            ..Default::default()
        };
        let ds = load_csv(f.path(), &opts).unwrap();
        assert_eq!(ds.constant_features, vec!["b"]);
        assert_eq!(ds.x[[1, 1]], 0.0);
    }

    #[test]
    fn encoding_with_a_fitted_map_matches() {
        let f = write("a,c\n1,u\n3,v\n2,u\n");
        let opts = LoadOptions {
            label_column: None,
            ..Default::default()
        };
        let ds = load_csv(f.path(), &opts).unwrap();
        let table = RawTable::read(f.path()).unwrap();
        let again = prepare(&table, &opts, Some(&ds.map)).unwrap();
        assert_eq!(again.x, ds.x);
        let g = write("a,c\n1,w\n");
        let table = RawTable::read(g.path()).unwrap();
        let err = prepare(&table, &opts, Some(&ds.map)).unwrap_err();
        assert!(err.to_string().contains("'w'"));
    }

    fn no_label() -> LoadOptions {
        LoadOptions {
            label_column: None,
            ..Default::default()
        }
    }

    fn text(cells: &[&str]) -> Column {
        Column::Text(cells.iter().map(|c| c.to_string()).collect())
    }

    #[test]
    fn columns_are_prepared_as_the_same_csv_is() {
        let f = write("a,job,n\n1.5,x,1\n3,y,2\n2, x ,1\n");
        let from_file = load_csv(f.path(), &no_label()).unwrap();
        let table = RawTable::from_columns(
            "frame",
            vec![
                ("a".into(), Column::Numbers(vec![1.5, 3.0, 2.0])),
                ("job".into(), text(&["x", "y", " x "])),
                ("n".into(), text(&["1", "2", "1"])),
            ],
        )
        .unwrap();
        assert_eq!(table.n_rows(), 3);
        let from_columns = prepare(&table, &no_label(), None).unwrap();
        assert_eq!(from_columns.x, from_file.x);
        assert_eq!(from_columns.map, from_file.map);
        assert_eq!(from_columns.row_index, from_file.row_index);
        // New rows are encoded with the fitted map as a file's are.
        let again = prepare(&table, &no_label(), Some(&from_file.map)).unwrap();
        assert_eq!(again.x, from_file.x);
        // Missing text cells drop their rows, as in a file.
        let gaps = RawTable::from_columns(
            "frame",
            vec![
                ("a".into(), Column::Numbers(vec![1.0, 2.0, 3.0])),
                ("job".into(), text(&["x", "NA", "y"])),
            ],
        )
        .unwrap();
        let ds = prepare(&gaps, &no_label(), None).unwrap();
        assert_eq!((ds.row_index, ds.dropped_rows), (vec![0, 2], 1));
    }

    #[test]
    fn numbers_reach_the_features_exactly() {
        let values = vec![0.1, 1.0 / 3.0, 2f64.sqrt(), -7.25e-300, 1e300 / 7.0];
        let table = RawTable::from_columns(
            "frame",
            vec![
                ("v".into(), Column::Numbers(values.clone())),
                ("c".into(), Column::Numbers(vec![1.0, 2.5, 1.0, 2.5, 1.0])),
            ],
        )
        .unwrap();
        let options = LoadOptions {
            categorical: vec!["c".into()],
            ..no_label()
        };
        let ds = prepare(&table, &options, None).unwrap();
        let (min, max) = (-7.25e-300, 1e300 / 7.0);
        assert_eq!(
            ds.map.columns[0],
            FeatureColumn::Numeric {
                source: "v".into(),
                min,
                max
            }
        );
        for (t, v) in values.iter().enumerate() {
            assert_eq!(ds.x[[t, 0]].to_bits(), ((v - min) / (max - min)).to_bits());
        }
        // A column of numbers declared categorical reads them as text.
        assert_eq!(ds.feature_names(), vec!["v", "c=1", "c=2.5"]);
        let bad = RawTable::from_columns(
            "frame",
            vec![("v".into(), Column::Numbers(vec![1.0, f64::NAN]))],
        )
        .unwrap();
        let err = prepare(&bad, &no_label(), None).unwrap_err().to_string();
        assert!(err.contains("row 2") && err.contains("'NaN'"), "{err}");
    }

    #[test]
    fn columns_need_names_and_one_length() {
        let err = |columns: Vec<(String, Column)>| {
            RawTable::from_columns("frame", columns)
                .unwrap_err()
                .to_string()
        };
        let msg = err(vec![("a".into(), text(&["1"])), (" ".into(), text(&["2"]))]);
        assert!(msg.contains("column 2 of the header has no name"), "{msg}");
        let msg = err(vec![("a".into(), text(&["1"])), ("a".into(), text(&["2"]))]);
        assert!(msg.contains("'a' appears twice"), "{msg}");
        let msg = err(vec![
            ("a".into(), text(&["1", "2"])),
            ("b".into(), Column::Numbers(vec![1.0])),
        ]);
        assert_eq!(
            msg,
            "data file frame: column 'b' holds 1 values where column 'a' holds 2"
        );
        let empty = RawTable::from_columns("frame", vec![("a".into(), text(&[]))]).unwrap();
        let msg = prepare(&empty, &no_label(), None).unwrap_err().to_string();
        assert_eq!(msg, "data file frame has no usable data rows");
    }
}
