//! The one record reader of the crate: a CSV file's header and data rows,
//! one at a time, with the checks every reader passes (header, blank
//! lines, ragged rows, unclosed quotes, UTF-8) and their messages.

use super::error::DataError;
use super::sniff::{self, Dialect};
use super::text::excerpt;
use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The records of a CSV file with a header row, one at a time: blank lines
/// are skipped (they are not data rows) and a row with another number of
/// fields than the header is an error naming it.
pub(crate) struct Records<R: Read> {
    pub(crate) path: PathBuf,
    reader: csv::Reader<R>,
    record: csv::StringRecord,
    width: usize,
    /// Data rows read so far.
    pub(crate) rows: usize,
    /// Records read so far (blank lines included).
    records: usize,
    /// Lines before the header that the reader does not see (a `sep=` line).
    lines_skipped: usize,
    delimiter: u8,
}

/// A header: names (trimmed; an empty one reads as `unnamed_N`), name →
/// position, and the positions of the empty ones.
pub(crate) struct Header {
    pub(crate) names: Vec<String>,
    pub(crate) index: HashMap<String, usize>,
    pub(crate) unnamed: Vec<usize>,
}

impl<R: Read> Records<R> {
    /// Read and check the header: present, not blank, every name given
    /// once. An empty name reads as `unnamed_N` (N its 1-based position):
    /// what such a column holds decides later whether it is left out.
    pub(crate) fn new(
        path: &Path,
        reader: R,
        buffer: Option<usize>,
        dialect: Dialect,
    ) -> Result<(Self, Header), DataError> {
        let mut builder = csv::ReaderBuilder::new();
        builder
            .has_headers(false)
            .flexible(true)
            .delimiter(dialect.delimiter);
        if let Some(capacity) = buffer {
            builder.buffer_capacity(capacity);
        }
        let mut reader = builder.from_reader(reader);
        let mut record = csv::StringRecord::new();
        let empty = || DataError::Empty {
            path: path.to_path_buf(),
        };
        if !reader
            .read_record(&mut record)
            .map_err(|e| read_error(path, &e))?
        {
            return Err(empty());
        }
        let mut names: Vec<String> = record.iter().map(|s| s.trim().to_string()).collect();
        if names.iter().all(|h| h.is_empty()) {
            return Err(empty());
        }
        let mut unnamed = Vec::new();
        for (i, h) in names.iter_mut().enumerate() {
            if h.is_empty() {
                *h = format!("unnamed_{}", i + 1);
                unnamed.push(i);
            }
        }
        let mut index = HashMap::with_capacity(names.len());
        for (i, h) in names.iter().enumerate() {
            if index.insert(h.clone(), i).is_some() {
                return Err(DataError::DuplicateColumn {
                    path: path.to_path_buf(),
                    column: excerpt(h),
                });
            }
        }
        let records = Self {
            path: path.to_path_buf(),
            reader,
            record,
            width: names.len(),
            rows: 0,
            records: 0,
            lines_skipped: dialect.lines_skipped,
            delimiter: dialect.delimiter,
        };
        Ok((
            records,
            Header {
                names,
                index,
                unnamed,
            },
        ))
    }

    /// The next data row, or `None` at the end of the file.
    pub(crate) fn next_row(&mut self) -> Result<Option<&csv::StringRecord>, DataError> {
        let mut record = std::mem::take(&mut self.record);
        let read = self.read_into(&mut record);
        self.record = record;
        Ok(read?.then_some(&self.record))
    }

    /// Read the next data row into `record`; `false` at the end of the file.
    pub(crate) fn read_into(&mut self, record: &mut csv::StringRecord) -> Result<bool, DataError> {
        loop {
            if !self
                .reader
                .read_record(record)
                .map_err(|e| read_error(&self.path, &e))?
            {
                return Ok(false);
            }
            self.records += 1;
            if record.len() == 1 && record[0].trim().is_empty() && self.width > 1 {
                continue;
            }
            if record.len() != self.width {
                return Err(self.ragged(record));
            }
            self.rows += 1;
            return Ok(true);
        }
    }
}

impl<R: Read> Records<R> {
    /// The error for a row of another width than the header: an unclosed
    /// quote when the row runs to the end of the file across lines, else
    /// the counts, with a hint at the delimiter when the header reads as
    /// one column.
    fn ragged(&self, record: &csv::StringRecord) -> DataError {
        let start = record
            .position()
            .map(|p| p.line() as usize)
            .unwrap_or(self.records + 1)
            + self.lines_skipped;
        if let Some(field) = record.iter().position(|f| f.contains('\n')) {
            // A quoted cell ran over lines: the quote opened in that cell.
            let before: usize = record
                .iter()
                .take(field)
                .map(|f| f.matches('\n').count())
                .sum();
            let lines: usize = record.iter().map(|f| f.matches('\n').count()).sum();
            return DataError::UnclosedQuote {
                path: self.path.clone(),
                line: start + before,
                end: if self.reader.is_done() {
                    "the end of the file".to_string()
                } else {
                    format!("line {}", start + lines)
                },
            };
        }
        let name = sniff::delimiter_name(self.delimiter);
        let hint = if self.width == 1 {
            format!("; the header reads as one column when cells are separated by {name}: name the file's delimiter with `delimiter`")
        } else {
            format!("; cells are separated by {name} (`delimiter` sets it): a cell holding {name} must be quoted")
        };
        DataError::Ragged {
            path: self.path.clone(),
            row: self.rows + 1,
            line: start,
            found: record.len(),
            expected: self.width,
            hint,
        }
    }
}

/// A reader's error: a failed read names the file as opening it does; a
/// parser error (such as invalid UTF-8) its line.
fn read_error(path: &Path, e: &csv::Error) -> DataError {
    match e.kind() {
        csv::ErrorKind::Io(io) => DataError::Io {
            path: path.to_path_buf(),
            reason: io.to_string(),
        },
        _ => csv_error(path, e),
    }
}

fn csv_error(path: &Path, e: &csv::Error) -> DataError {
    let line = e.position().map(|p| p.line() as usize).unwrap_or(0);
    DataError::Csv {
        path: path.to_path_buf(),
        line,
        reason: e.to_string(),
    }
}
