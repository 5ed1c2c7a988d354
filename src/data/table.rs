//! The raw table: a CSV file's header and records as text, or named columns
//! built in memory (a data frame), before any column is typed.

use super::error::{ColumnRole, DataError};
use super::records;
use super::sniff::{self, DelimiterSource, Dialect};
use super::text::{closest_name, excerpt, is_missing, name_list, parse_number};
use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// One column of a table built in memory ([`RawTable::from_columns`]).
#[derive(Debug, Clone, PartialEq)]
pub enum Column {
    /// Numbers, used exactly as given (no round trip through text); NaN is
    /// a missing cell, an infinite number is refused as an `inf` cell of a
    /// file is.
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
pub(crate) enum Cell<'a> {
    Text(&'a str),
    Number(f64),
}

impl<'a> Cell<'a> {
    pub(crate) fn is_missing(self) -> bool {
        match self {
            Cell::Text(t) => is_missing(t),
            Cell::Number(v) => v.is_nan(),
        }
    }

    /// As [`parse_number`].
    pub(crate) fn number(self) -> Result<Option<f64>, ()> {
        match self {
            Cell::Text(t) => parse_number(t),
            Cell::Number(v) if v.is_finite() => Ok(Some(v)),
            Cell::Number(_) => Err(()),
        }
    }

    /// The cell as text, trimmed (a number in Rust's shortest round-trip form).
    pub(crate) fn text(self) -> Cow<'a, str> {
        match self {
            Cell::Text(t) => Cow::Borrowed(t.trim()),
            Cell::Number(v) => Cow::Owned(v.to_string()),
        }
    }

    /// The cell as written (a number is never a formatted one).
    pub(crate) fn raw(self) -> Option<&'a str> {
        match self {
            Cell::Text(t) => Some(t),
            Cell::Number(_) => None,
        }
    }
}

/// The raw table of a CSV file, or of named columns built in memory.
#[derive(Debug, Clone)]
pub struct RawTable {
    /// File the table came from (for a table built in memory, its name).
    pub path: PathBuf,
    /// Header names (an empty name reads as `unnamed_N`, N its position).
    pub header: Vec<String>,
    /// Rows of cells (empty for a table built from columns). A record keeps
    /// a row's cells in one buffer, a fifth of the memory of one string per
    /// cell on wide files of 10⁶ rows.
    pub rows: Vec<csv::StringRecord>,
    /// Column name → position, built once (wide files have 10⁵+ columns).
    index: HashMap<String, usize>,
    /// The columns of a table built in memory (empty for a file).
    columns: Vec<Column>,
    /// Positions of the columns whose header cell was empty.
    pub(crate) unnamed: Vec<usize>,
    /// How the file was split.
    pub(crate) dialect: Option<Dialect>,
}

impl RawTable {
    /// A table from named columns held in memory (a data frame), prepared
    /// by [`prepare`](super::prepare) exactly as a CSV file with these
    /// columns would be, except that [`Column::Numbers`] reach the features
    /// without a round trip through text. `name` names the table in errors.
    /// Column names must be non-empty and distinct, and all columns of one
    /// length.
    pub fn from_columns(name: &str, columns: Vec<(String, Column)>) -> Result<Self, DataError> {
        let path = PathBuf::from(name);
        let mut index = HashMap::with_capacity(columns.len());
        for (i, (h, column)) in columns.iter().enumerate() {
            if h.trim().is_empty() {
                return Err(DataError::UnnamedColumn {
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
            unnamed: Vec::new(),
            dialect: None,
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
    pub(crate) fn cell(&self, r: usize, c: usize) -> Cell<'_> {
        match self.columns.get(c) {
            Some(Column::Numbers(v)) => Cell::Number(v[r]),
            Some(Column::Text(v)) => Cell::Text(&v[r]),
            None => Cell::Text(&self.rows[r][c]),
        }
    }

    /// Read a CSV with a header row, its delimiter detected; ragged rows are
    /// errors naming the row.
    pub fn read(path: &Path) -> Result<Self, DataError> {
        Self::read_with(path, None)
    }

    /// [`RawTable::read`] with the delimiter given (`None`: detected).
    pub fn read_with(path: &Path, delimiter: Option<u8>) -> Result<Self, DataError> {
        Self::parse_with(path, &read_bytes(path)?, delimiter)
    }

    /// Parse the bytes of a CSV with a header row; `path` names the file in errors.
    pub fn parse(path: &Path, bytes: &[u8]) -> Result<Self, DataError> {
        Self::parse_with(path, bytes, None)
    }

    /// [`RawTable::parse`] with the delimiter given (`None`: detected).
    pub fn parse_with(path: &Path, bytes: &[u8], delimiter: Option<u8>) -> Result<Self, DataError> {
        let dialect = sniff::sniff(bytes, true, delimiter);
        let (mut records, header) =
            records::Records::new(path, &bytes[dialect.skip..], None, dialect)?;
        let mut rows = Vec::new();
        while let Some(record) = records.next_row()? {
            let mut row = record.clone();
            row.set_position(None);
            rows.push(row);
        }
        Ok(Self {
            path: path.to_path_buf(),
            header: header.names,
            rows,
            index: header.index,
            columns: Vec::new(),
            unnamed: header.unnamed,
            dialect: Some(dialect),
        })
    }

    /// Position of a column, or an error naming the file and the columns it has.
    pub fn column_index(&self, name: &str) -> Result<usize, DataError> {
        self.column_for(name, ColumnRole::Model)
    }

    /// Position of a column named by `role`, or an error naming the file,
    /// the flag, the closest name and the columns it has.
    pub fn column_for(&self, name: &str, role: ColumnRole) -> Result<usize, DataError> {
        self.position(name)
            .ok_or_else(|| missing_column(&self.path, name, role, &self.header))
    }

    /// Position of a column by name.
    pub fn position(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
    }

    /// A note on how the file was split, when it was not by commas as always.
    pub(crate) fn dialect_notice(&self) -> Option<String> {
        let d = self.dialect?;
        let name = sniff::delimiter_name(d.delimiter);
        match d.source {
            DelimiterSource::Default | DelimiterSource::Given => None,
            DelimiterSource::SepLine => Some(format!(
                "read as separated by {name}, as its first line (sep=) says"
            )),
            DelimiterSource::Detected => Some(format!(
                "read as separated by {name} (detected; `delimiter` sets it)"
            )),
        }
    }
}

/// The error for a column `role` names that `header` lacks.
pub(crate) fn missing_column(
    path: &Path,
    name: &str,
    role: ColumnRole,
    header: &[String],
) -> DataError {
    // A header of one column holding another delimiter: the file is
    // separated by it.
    let other = match header {
        [only] => [';', '\t', '|', ',']
            .into_iter()
            .find(|d| only.contains(*d)),
        _ => None,
    };
    let hint = other
        .map(|d| {
            let d = if d == '\t' { "tab".to_string() } else { format!("'{d}'") };
            format!("; the header reads as one column: if the file is separated by {d}, name it with `delimiter {d}`")
        })
        .unwrap_or_default();
    DataError::MissingColumn {
        path: path.to_path_buf(),
        column: excerpt(name),
        role,
        suggestion: closest_name(name, header).map(|s| excerpt(s).into()),
        available: name_list(header),
        hint: hint.into(),
    }
}

/// The bytes of a data file, or an error naming it.
pub(crate) fn read_bytes(path: &Path) -> Result<Vec<u8>, DataError> {
    std::fs::read(path).map_err(|e| DataError::Io {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })
}
