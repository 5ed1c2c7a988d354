//! A CSV file read in chunks of rows, and rows encoded with a fitted
//! [`FeatureMap`], for data too large to hold in memory.
//!
//! The record reader of `records.rs` is the one of the crate:
//! [`RawTable::parse`] and [`CsvChunks`] both use it (with the delimiter
//! detected alike, from the first 64 KiB), so a file read whole and a file
//! read in chunks pass the same checks (header, blank lines, ragged rows,
//! UTF-8) with the same messages. [`RowEncoder`] encodes rows exactly as
//! [`prepare`](super::prepare) does with `Some(map)` (same numbers), and
//! [`EncodeScan`] keeps, chunk by chunk, what `prepare` would refuse, so
//! that once the whole file was seen [`EncodeScan::finish`] names the same
//! error `prepare` names for the same file.
//!
//! [`RawTable::parse`]: super::RawTable::parse

use super::error::{ColumnRole, DataError};
use super::features::{CellFormat, FeatureColumn, FeatureMap, Imputed};
use super::records::Records;
use super::sniff;
use super::table::missing_column;
use super::text::{excerpt, is_missing, parse_number, trimmed};
use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};

/// The first bytes of a file read for sniffing, then the rest.
type Sniffed<R> = std::io::Chain<std::io::Cursor<Vec<u8>>, R>;

/// Rows of a CSV file, a chunk at a time, holding only the chosen columns.
pub struct CsvChunks<R: Read> {
    records: Records<Sniffed<R>>,
    header: Vec<String>,
    index: HashMap<String, usize>,
    columns: Vec<usize>,
}

/// Consecutive data rows of a file; the chosen columns are its cells.
/// The records are kept as read (no copy) and reused by the next chunk.
#[derive(Debug, Clone, Default)]
pub struct Chunk {
    /// 0-based data row (blank lines not counted) of the chunk's first row.
    pub first_row: usize,
    records: Vec<csv::StringRecord>,
    columns: Vec<usize>,
    rows: usize,
}

impl Chunk {
    /// Rows in the chunk.
    pub fn len(&self) -> usize {
        self.rows
    }

    /// Cell `column` (position among the chosen columns) of row `row`
    /// (position in the chunk), as in the file.
    #[inline]
    pub fn cell(&self, row: usize, column: usize) -> &str {
        &self.records[row][self.columns[column]]
    }
}

impl CsvChunks<std::io::BufReader<std::fs::File>> {
    /// Open a file and read its header.
    pub fn open(path: &Path) -> Result<Self, DataError> {
        let file = std::fs::File::open(path).map_err(|e| DataError::Io {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
        // The csv reader buffers on its own; a large buffer keeps reads long.
        Self::from_reader(path, std::io::BufReader::with_capacity(1 << 16, file))
    }
}

impl<R: Read> CsvChunks<R> {
    /// Read the header from `reader`, the delimiter detected from the
    /// first 64 KiB as [`RawTable::read`](super::RawTable::read) detects it;
    /// `path` names the file in errors.
    pub fn from_reader(path: &Path, mut reader: R) -> Result<Self, DataError> {
        let mut first = Vec::with_capacity(sniff::SAMPLE);
        (&mut reader)
            .take(sniff::SAMPLE as u64)
            .read_to_end(&mut first)
            .map_err(|e| DataError::Io {
                path: path.to_path_buf(),
                reason: e.to_string(),
            })?;
        let whole = first.len() < sniff::SAMPLE;
        let dialect = sniff::sniff(&first, whole, None);
        first.drain(..dialect.skip);
        let chained = std::io::Cursor::new(first).chain(reader);
        let (records, header) = Records::new(path, chained, Some(1 << 20), dialect)?;
        Ok(Self {
            records,
            header: header.names,
            index: header.index,
            columns: Vec::new(),
        })
    }

    /// Position of a column by name.
    pub fn position(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
    }

    /// Position of a column, or the error [`super::RawTable::column_index`] gives.
    pub fn column_index(&self, name: &str) -> Result<usize, DataError> {
        self.position(name).ok_or_else(|| {
            missing_column(&self.records.path, name, ColumnRole::Model, &self.header)
        })
    }

    /// Keep these columns (header positions) of every row, in this order.
    pub fn select(&mut self, columns: Vec<usize>) {
        self.columns = columns;
    }

    /// Fill `chunk` with the next rows, at most `max_rows` of them and
    /// stopping once they passed `max_bytes` of cells; `false` when the file
    /// had no row left.
    pub fn read_chunk(
        &mut self,
        chunk: &mut Chunk,
        max_rows: usize,
        max_bytes: usize,
    ) -> Result<bool, DataError> {
        chunk.first_row = self.records.rows;
        chunk.columns.clone_from(&self.columns);
        chunk.rows = 0;
        let mut bytes = 0;
        while chunk.rows < max_rows.max(1) && bytes < max_bytes {
            if chunk.records.len() == chunk.rows {
                chunk.records.push(csv::StringRecord::new());
            }
            if !self.records.read_into(&mut chunk.records[chunk.rows])? {
                break;
            }
            bytes += chunk.records[chunk.rows].as_slice().len();
            chunk.rows += 1;
        }
        Ok(chunk.rows > 0)
    }
}

/// How one feature of the map is computed from the chosen cells.
#[derive(Debug, Clone)]
enum Plan {
    /// A number parsed from a cell, scaled.
    Numeric {
        number: usize,
        column: FeatureColumn,
    },
    /// Whether a cell (trimmed) is this category.
    OneHot { cell: usize, value: String },
}

/// Encodes rows with a fitted feature map as [`prepare`](super::prepare)
/// does with `Some(map)`: cells of the map's source columns, missing cells
/// leave the row out, numeric sources parsed and min-max scaled, categorical
/// ones one-hot encoded.
#[derive(Debug, Clone)]
pub struct RowEncoder {
    path: PathBuf,
    /// Header positions of the chosen cells: the map's sources, then the
    /// categorical sources that are not among them.
    columns: Vec<usize>,
    /// Source names, in order of the chosen cells.
    names: Vec<String>,
    /// Chosen cells parsed as numbers (the sources the map does not read as
    /// categorical), in source order.
    numeric: Vec<usize>,
    /// How each of those is written, when not as plain numbers.
    formats: Vec<Option<CellFormat>>,
    /// What a missing cell of each of those reads as (`--missing impute`).
    imputed_numbers: Vec<Option<f64>>,
    /// Per chosen cell, the category a missing cell reads as.
    imputed_cells: Vec<Option<String>>,
    /// The other sources' cells (read as categories).
    others: Vec<usize>,
    /// Categorical sources in the map's order: the chosen cell (or the
    /// error for a column absent from the header) and the known categories.
    categorical: Vec<(String, Result<usize, DataError>, HashSet<String>)>,
    plan: Vec<Plan>,
    /// A source absent from the header (the first, in source order).
    missing_source: Option<DataError>,
}

impl RowEncoder {
    /// The encoder of `map` for the rows of `file`.
    pub fn new<R: Read>(map: &FeatureMap, file: &CsvChunks<R>) -> Self {
        let sources = map.sources();
        let mut missing_source = None;
        let mut columns = Vec::new();
        let mut names = Vec::new();
        for s in &sources {
            match file.column_index(s) {
                Ok(c) => columns.push(c),
                Err(e) => {
                    missing_source.get_or_insert(e);
                    columns.push(0);
                }
            }
            names.push(s.clone());
        }
        let cell_of: HashMap<&str, usize> = sources
            .iter()
            .enumerate()
            .map(|(i, s)| (s.as_str(), i))
            .collect();
        let is_categorical = |s: &str| map.categorical_sources.iter().any(|c| c == s);
        // A source the map reads as categorical is never parsed; a numeric
        // feature of such a source (a model edited by hand) is parsed anyway.
        let numeric_source = |s: &str| {
            !is_categorical(s)
                || map
                    .columns
                    .iter()
                    .any(|c| matches!(c, FeatureColumn::Numeric { source, .. } if source == s))
        };
        let numeric: Vec<usize> = (0..sources.len())
            .filter(|&i| numeric_source(&sources[i]))
            .collect();
        let others: Vec<usize> = (0..sources.len())
            .filter(|&i| !numeric_source(&sources[i]))
            .collect();
        let formats = numeric
            .iter()
            .map(|&i| map.formats.get(&sources[i]).cloned())
            .collect();
        let imputed_numbers = numeric
            .iter()
            .map(|&i| match map.impute.get(&sources[i]) {
                Some(Imputed::Number(v)) => Some(*v),
                _ => None,
            })
            .collect();
        let number_of: HashMap<usize, usize> =
            numeric.iter().enumerate().map(|(n, &i)| (i, n)).collect();
        let plan = map
            .columns
            .iter()
            .map(|col| match col {
                FeatureColumn::Numeric { source, .. } => Plan::Numeric {
                    number: number_of[&cell_of[source.as_str()]],
                    column: col.clone(),
                },
                FeatureColumn::OneHot { source, value } => Plan::OneHot {
                    cell: cell_of[source.as_str()],
                    value: value.clone(),
                },
            })
            .collect();
        let mut categorical = Vec::new();
        for source in &map.categorical_sources {
            let known: HashSet<String> = map
                .columns
                .iter()
                .filter_map(|col| match col {
                    FeatureColumn::OneHot { source: s, value } if s == source => {
                        Some(value.clone())
                    }
                    _ => None,
                })
                .collect();
            let cell = match cell_of.get(source.as_str()) {
                Some(&i) => Ok(i),
                None => file.column_index(source).map(|c| {
                    columns.push(c);
                    names.push(source.clone());
                    columns.len() - 1
                }),
            };
            categorical.push((source.clone(), cell, known));
        }
        let imputed_cells = names
            .iter()
            .map(|s| match map.impute.get(s) {
                Some(Imputed::Category(v)) => Some(v.clone()),
                _ => None,
            })
            .collect();
        Self {
            path: file.records.path.clone(),
            columns,
            names,
            numeric,
            formats,
            imputed_numbers,
            imputed_cells,
            others,
            categorical,
            plan,
            missing_source,
        }
    }

    /// Header positions the encoder reads, for [`CsvChunks::select`]
    /// (none when a source is absent: the rows cannot be encoded).
    pub fn columns(&self) -> Vec<usize> {
        if self.missing_source.is_some() {
            Vec::new()
        } else {
            self.columns.clone()
        }
    }

    /// A scan of no rows yet.
    pub fn scan(&self) -> EncodeScan {
        EncodeScan {
            path: self.path.clone(),
            names: self.names.clone(),
            numeric: self.numeric.clone(),
            categorical: self
                .categorical
                .iter()
                .map(|(name, cell, _)| (name.clone(), cell.clone().err()))
                .collect(),
            missing_source: self.missing_source.clone(),
            rows: 0,
            kept: 0,
            partial: 0,
            first_partial: Vec::new(),
            first_nan: vec![None; self.numeric.len()],
            first_text: vec![None; self.numeric.len()],
            first_unknown: vec![None; self.categorical.len()],
        }
    }

    /// Encode the rows of `chunk` (read with [`RowEncoder::columns`]
    /// chosen) into `scan`, calling `row(data_row, x)` for every row that
    /// can be encoded while `decide` is true (once a row is refused no
    /// later row of the chunk is passed on: the file will be refused).
    pub fn encode(
        &self,
        chunk: &Chunk,
        scan: &mut EncodeScan,
        decide: bool,
        mut row: impl FnMut(usize, &[f64]),
    ) {
        scan.rows += chunk.len();
        if self.missing_source.is_some() {
            return;
        }
        let mut numbers = vec![0.0; self.numeric.len()];
        // Per number: 0 a finite number, 1 text, 2 NaN or infinite.
        let mut bad = vec![0u8; self.numeric.len()];
        let mut x = vec![0.0; self.plan.len()];
        let mut clean = decide && !scan.has_error();
        for r in 0..chunk.len() {
            let data_row = chunk.first_row + r;
            // A missing cell is imputed when the map says so; otherwise its
            // features are NaN and the row is decided on the cells it has.
            let mut partial = false;
            let mut fine = true;
            for (n, &c) in self.numeric.iter().enumerate() {
                let cell = chunk.cell(r, c);
                if is_missing(cell) {
                    numbers[n] = self.imputed_numbers[n].unwrap_or_else(|| {
                        partial = true;
                        f64::NAN
                    });
                    continue;
                }
                let parsed = match &self.formats[n] {
                    Some(format) => format.parse(cell),
                    None => parse_number(cell),
                };
                match parsed {
                    Ok(Some(v)) => numbers[n] = v,
                    Ok(None) => bad[n] = 1,
                    Err(()) => bad[n] = 2,
                }
                fine &= bad[n] == 0;
            }
            partial |= self
                .others
                .iter()
                .any(|&c| is_missing(chunk.cell(r, c)) && self.imputed_cells[c].is_none());
            scan.kept += 1;
            if partial {
                scan.partial += 1;
                if scan.first_partial.len() < 10 {
                    scan.first_partial.push(data_row);
                }
            }
            if !fine {
                for (n, &c) in self.numeric.iter().enumerate() {
                    let first = match bad[n] {
                        0 => continue,
                        1 => &mut scan.first_text[n],
                        _ => &mut scan.first_nan[n],
                    };
                    first.get_or_insert_with(|| (data_row, excerpt(chunk.cell(r, c))));
                    bad[n] = 0;
                }
            }
            for (k, (_, cell, known)) in self.categorical.iter().enumerate() {
                if let Ok(c) = cell {
                    let v = self.category(chunk, r, *c);
                    if v.is_some_and(|v| !known.contains(v)) {
                        fine = false;
                        let v = v.unwrap_or_default();
                        scan.first_unknown[k].get_or_insert_with(|| (data_row, excerpt(v)));
                    }
                }
            }
            clean &= fine;
            if !clean {
                continue;
            }
            for (j, p) in self.plan.iter().enumerate() {
                x[j] = match p {
                    Plan::Numeric { number, column } => {
                        let v = numbers[*number];
                        if v.is_nan() {
                            v
                        } else {
                            column.scale(v)
                        }
                    }
                    Plan::OneHot { cell, value } => match self.category(chunk, r, *cell) {
                        Some(v) => f64::from(u8::from(v == value)),
                        None => f64::NAN,
                    },
                };
            }
            row(data_row, &x);
        }
    }

    /// The category of chosen cell `c` of row `r`: the cell trimmed, the
    /// imputed category for a missing cell, or `None` for a missing cell
    /// that is not imputed.
    fn category<'c>(&'c self, chunk: &'c Chunk, r: usize, c: usize) -> Option<&'c str> {
        let cell = chunk.cell(r, c);
        if is_missing(cell) {
            self.imputed_cells[c].as_deref()
        } else {
            Some(trimmed(cell))
        }
    }
}

/// What the rows seen so far tell about encoding the file: rows kept and
/// left out, and the first cell of each column that cannot be encoded.
#[derive(Debug, Clone)]
pub struct EncodeScan {
    path: PathBuf,
    names: Vec<String>,
    numeric: Vec<usize>,
    /// Categorical sources, with the error of one absent from the header.
    categorical: Vec<(String, Option<DataError>)>,
    missing_source: Option<DataError>,
    rows: usize,
    kept: usize,
    partial: usize,
    first_partial: Vec<usize>,
    first_nan: Vec<Option<(usize, String)>>,
    first_text: Vec<Option<(usize, String)>>,
    first_unknown: Vec<Option<(usize, String)>>,
}

/// Rows of a file that were encoded and left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodeSummary {
    /// Data rows of the file.
    pub rows: usize,
    /// Rows encoded.
    pub kept: usize,
    /// Rows with a missing cell that is not imputed, decided on the cells
    /// they have.
    pub partial: usize,
    /// The first (at most ten) of those, 0-based.
    pub first_partial: Vec<usize>,
}

impl EncodeScan {
    /// Whether some row seen so far cannot be encoded (the file will be
    /// refused).
    pub fn has_error(&self) -> bool {
        self.missing_source.is_some()
            || self.first_nan.iter().any(Option::is_some)
            || self.first_text.iter().any(Option::is_some)
            || self.first_unknown.iter().any(Option::is_some)
    }

    /// Add the scan of the rows that follow (a later chunk).
    pub fn merge(&mut self, later: &EncodeScan) {
        self.rows += later.rows;
        self.kept += later.kept;
        self.partial += later.partial;
        for &r in &later.first_partial {
            if self.first_partial.len() < 10 {
                self.first_partial.push(r);
            }
        }
        let firsts = |mine: &mut [Option<(usize, String)>], theirs: &[Option<(usize, String)>]| {
            for (m, t) in mine.iter_mut().zip(theirs) {
                if m.is_none() {
                    m.clone_from(t);
                }
            }
        };
        firsts(&mut self.first_nan, &later.first_nan);
        firsts(&mut self.first_text, &later.first_text);
        firsts(&mut self.first_unknown, &later.first_unknown);
    }

    /// Once every row was seen: the rows encoded and left out, or the error
    /// [`prepare`](super::prepare) gives for the file (in its order: an
    /// absent source, no rows left, then column by column a cell that is not
    /// a finite number, then unknown categories).
    pub fn finish(self) -> Result<EncodeSummary, DataError> {
        let path = self.path;
        if let Some(e) = self.missing_source {
            return Err(e);
        }
        if self.kept == 0 {
            let detail = if self.rows == 0 {
                String::new()
            } else {
                format!(" ({} rows, all with a missing cell)", self.rows)
            };
            return Err(DataError::NoRows { path, detail });
        }
        for (n, &c) in self.numeric.iter().enumerate() {
            let column = self.names[c].clone();
            if let Some((r, value)) = &self.first_nan[n] {
                return Err(DataError::NotFinite {
                    path,
                    row: r + 1,
                    line: r + 2,
                    column,
                    value: value.clone(),
                });
            }
            if let Some((r, value)) = &self.first_text[n] {
                return Err(DataError::Encode {
                    path,
                    row: r + 1,
                    column,
                    reason: format!(
                        "value '{value}' is not a number but the model reads this column as numeric"
                    ),
                });
            }
        }
        for (k, (source, absent)) in self.categorical.into_iter().enumerate() {
            if let Some(e) = absent {
                return Err(e);
            }
            if let Some((r, value)) = &self.first_unknown[k] {
                return Err(DataError::Encode {
                    path,
                    row: r + 1,
                    column: source,
                    reason: format!("category '{value}' was not seen when the model was fitted"),
                });
            }
        }
        Ok(EncodeSummary {
            rows: self.rows,
            kept: self.kept,
            partial: self.partial,
            first_partial: self.first_partial,
        })
    }
}
