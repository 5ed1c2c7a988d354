//! The errors of reading and preparing data: each message is one sentence
//! naming the file and, where it applies, the row, the column and the flag
//! that resolves it.

use std::fmt;
use std::path::PathBuf;
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
        "data file {path}, row {row} (line {line}): {found} fields where the header has {expected}{hint}"
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
        /// What may resolve it (starts with "; "), or empty.
        hint: String,
    },
    /// A quote opens a cell and is never closed: the rest of the file was
    /// read as one cell.
    #[error("data file {path}, line {line}: a quote (\") opens a cell there and is not closed on that line, so the cell runs on to {end} and the rows no longer match the header; close the quote, or remove it")]
    UnclosedQuote {
        /// File path.
        path: PathBuf,
        /// 1-based line where the quote opened.
        line: usize,
        /// Where the cell ends: "the end of the file" or "line N".
        end: String,
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
    #[error("{}{hint}", missing_column_message(path, column, role, suggestion.as_deref(), available))]
    MissingColumn {
        /// File path.
        path: PathBuf,
        /// The requested column.
        column: String,
        /// What named it (a flag, or the model).
        role: ColumnRole,
        /// The header's closest name (same up to case, or a near spelling).
        suggestion: Option<Box<str>>,
        /// The header, comma separated.
        available: String,
        /// More that may resolve it (starts with "; "), or empty.
        hint: Box<str>,
    },
    /// No feature column is left.
    #[error(
        "data file {path} has no feature columns once the label and dropped columns are removed"
    )]
    NoFeatures {
        /// File path.
        path: PathBuf,
    },
    /// A header cell is empty while its column holds data (a column of
    /// numbers 0, 1, 2, … first in the file, an index, is left out instead).
    #[error("data file {path}: column {position} of the header has no name but holds data (row {row}: '{value}'); name it in the header, or leave it out with `drop unnamed_{position}`")]
    EmptyColumnName {
        /// File path.
        path: PathBuf,
        /// 1-based position of the column.
        position: usize,
        /// 1-based data row of its first non-empty cell.
        row: usize,
        /// That cell.
        value: String,
    },
    /// A column of a table built in memory has an empty name.
    #[error("data file {path}: column {position} of the header has no name")]
    UnnamedColumn {
        /// Name of the table.
        path: PathBuf,
        /// 1-based position of the column.
        position: usize,
    },
    /// A named column has no value on any row.
    #[error("data file {path}, column '{column}': every cell is empty; leave it out with `drop {flag_value}`")]
    EmptyColumn {
        /// File path.
        path: PathBuf,
        /// Column name.
        column: String,
        /// The column as a flag value (quoted when it needs to be).
        flag_value: String,
    },
    /// A column of numbers holds a cell that is not one.
    #[error("data file {path}, row {row} (line {line}), column '{column}': value '{value}' is not a number, while {numbers} of the column's {cells} cells are; fix the cell, leave it empty to mark it missing, or declare the column categorical (`categorical {column}`)")]
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
    /// A column of numbers holds a unit or hexadecimal digits, which
    /// polyclust does not read as numbers.
    #[error("data file {path}, row {row}, column '{column}': value '{value}' is {what}, which polyclust does not read as a number; store plain numbers in the column (one unit throughout), or leave it out with `drop {flag_value}` (or read its values as categories with `categorical {flag_value}`)")]
    NotPlainNumber {
        /// File path.
        path: PathBuf,
        /// 1-based data row.
        row: usize,
        /// Column name.
        column: String,
        /// The cell.
        value: String,
        /// What it is ("a number with a unit", "a hexadecimal number").
        what: &'static str,
        /// The column as a flag value.
        flag_value: String,
    },
    /// A column of formatted numbers mixes two ways of writing them.
    #[error("data file {path}, column '{column}': {detail}; make the column consistent, or leave it out with `drop {flag_value}`")]
    InconsistentNumbers {
        /// File path.
        path: PathBuf,
        /// Column name.
        column: String,
        /// What differs, naming two cells and their rows.
        detail: String,
        /// The column as a flag value.
        flag_value: String,
    },
    /// A categorical column has more levels than the limit.
    #[error("data file {path}, column '{column}': {levels} distinct values on {rows} rows, more than the {limit} levels a categorical column may have (one-hot encoding would add {levels} features); leave it out with `drop {flag_value}`, or raise the limit with `max_levels {levels}`")]
    TooManyLevels {
        /// File path.
        path: PathBuf,
        /// Column name.
        column: String,
        /// Distinct values.
        levels: usize,
        /// Rows read.
        rows: usize,
        /// The limit.
        limit: usize,
        /// The column as a flag value.
        flag_value: String,
    },
    /// Two feature columns have names equal up to case.
    #[error("data file {path}: columns '{first}' and '{second}' differ only by case, and SQL engines such as SQLite do not tell such names apart, so the model's SQL could not run; rename one of them in the file, or leave one out with `drop {flag_value}`")]
    CaseCollision {
        /// File path.
        path: PathBuf,
        /// The first name.
        first: String,
        /// The second name.
        second: String,
        /// The second as a flag value.
        flag_value: String,
    },
    /// A column is missing on most rows.
    #[error("data file {path}, column '{column}': missing on {missing} of {rows} rows (more than half), so {consequence}; leave the column out with `drop {flag_value}`")]
    SparseColumn {
        /// File path.
        path: PathBuf,
        /// Column name.
        column: String,
        /// Rows where it is missing.
        missing: usize,
        /// Rows read.
        rows: usize,
        /// What keeping it would do.
        consequence: String,
        /// The column as a flag value.
        flag_value: String,
    },
    /// Dropping the rows with missing cells would leave fewer than half.
    #[error("data file {path}: {dropped} of {rows} rows have a missing cell (empty, NA or ?) and dropping them would leave {kept}; most are missing in column '{column}' ({count} rows); keep every row with `missing impute`, or leave that column out with `drop {flag_value}`")]
    MostRowsMissing {
        /// File path.
        path: PathBuf,
        /// Rows with a missing cell.
        dropped: usize,
        /// Rows read.
        rows: usize,
        /// Rows left.
        kept: usize,
        /// The column missing on most of them.
        column: String,
        /// Rows where that column is missing.
        count: usize,
        /// The column as a flag value.
        flag_value: String,
    },
    /// The labels of `--labels-from` look like a continuous measurement.
    #[error("data file {path}, column '{column}': {distinct} distinct values on {rows} rows, so it looks continuous rather than a labelling; `labels_from` needs a column of cluster or class labels (or try `target {flag_value}` with `interactions`)")]
    ContinuousLabels {
        /// File path.
        path: PathBuf,
        /// Column name.
        column: String,
        /// Distinct values.
        distinct: usize,
        /// Rows.
        rows: usize,
        /// The column as a flag value.
        flag_value: String,
    },
}

/// What named a column that the file lacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnRole {
    /// The label column by default (`label`): the user named none.
    DefaultLabel,
    /// `--label-column` (or a column read as the labels or the target).
    Label,
    /// `--drop`.
    Drop,
    /// `--categorical`.
    Categorical,
    /// A column the fitted model reads.
    Model,
}

fn missing_column_message(
    path: &std::path::Path,
    column: &str,
    role: &ColumnRole,
    suggestion: Option<&str>,
    available: &str,
) -> String {
    let file = path.display();
    let quote = |name: &str| super::text::flag_value(name);
    match role {
        ColumnRole::DefaultLabel => {
            let named = match suggestion {
                Some(s) => format!(
                    ", or name the ground truth with `label_column {}`",
                    quote(s)
                ),
                None => ", or name the ground truth with `label_column COL`".to_string(),
            };
            format!("data file {file} has no column '{column}' (the ground-truth label, kept out of the features); leave `label_column` unset when the file has none{named} (columns: {available})")
        }
        _ => {
            let flag = match role {
                ColumnRole::Label => "named by `label_column` or `labels_from`",
                ColumnRole::Drop => "named by `drop`",
                ColumnRole::Categorical => "named by `categorical`",
                _ => "read by the model",
            };
            let hint = suggestion
                .map(|s| format!("; did you mean '{s}'?"))
                .unwrap_or_default();
            format!(
                "data file {file} has no column '{column}' ({flag}){hint} (columns: {available})"
            )
        }
    }
}

/// Which manifest an instance file was checked against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ManifestKind {
    /// The `manifest.json` of the file's own directory.
    Directory,
    /// The project's manifest of the public instances, compiled in.
    Project,
}

impl fmt::Display for ManifestKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ManifestKind::Directory => "its manifest",
            ManifestKind::Project => "polyclust's manifest of the public instances",
        })
    }
}
