//! Labelling a CSV file of any size with a fitted model, in flat memory.
//!
//! The file is read in chunks ([`CsvChunks`], by a reader thread that runs
//! ahead), each row is encoded with the model's feature map as
//! [`prepare`](crate::data::prepare) encodes it ([`RowEncoder`]: same numbers, same errors)
//! and decided with the model's rule as [`PolytopeModel::segments`] decides
//! it: its cluster, or [`OUTLIER_LABEL`] when the model sets outliers apart
//! and the row is one. Chunks are processed in parallel (rayon) and written
//! in file order as `row,cluster` lines, `row` being the 0-based data row.
//!
//! A file is refused for the reason, and naming the row and column,
//! [`prepare`](crate::data::prepare) would give. A refused file may already have passed
//! rows on to the output (only rows before the first row that cannot be
//! encoded, and never the rows after it): the error is what tells the caller
//! that the output is not complete.
//!
//! Memory: O(chunk size × (in-flight chunks)) whatever the file's length.
//! Speed depends on the machine; `README.md` gives the command that
//! measures it.
//!
//! [`PolytopeModel::segments`]: crate::mpc::PolytopeModel::segments

use crate::data::{Chunk, CsvChunks, DataError, EncodeScan, RowEncoder};
use crate::mpc::{PolytopeModel, OUTLIER_LABEL};
use ndarray::ArrayView1;
use rayon::prelude::*;
use std::io::{Read, Write};
use std::path::Path;
use std::sync::mpsc;
use thiserror::Error;

/// How a file is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreamOptions {
    /// Most rows of one chunk.
    pub chunk_rows: usize,
    /// A chunk ends once its cells pass this many bytes (wide rows make
    /// smaller chunks, so memory stays bounded).
    pub chunk_bytes: usize,
}

impl Default for StreamOptions {
    fn default() -> Self {
        Self {
            chunk_rows: 65_536,
            chunk_bytes: 4 << 20,
        }
    }
}

/// A file that cannot be labelled, or output that cannot be written.
#[derive(Debug, Error)]
pub enum PredictError {
    /// The data file is refused (the error names the row and column).
    #[error(transparent)]
    Data(#[from] DataError),
    /// The output could not be written.
    #[error("{0}")]
    Write(#[source] std::io::Error),
}

/// What labelling a file did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PredictSummary {
    /// Data rows of the file.
    pub rows: usize,
    /// Rows labelled.
    pub assigned: usize,
    /// Rows labelled as outliers.
    pub outliers: usize,
    /// Rows left out for a missing cell.
    pub missing: usize,
    /// The first (at most ten) rows left out, 0-based as in the `row` column.
    pub first_missing: Vec<usize>,
}

/// The segment of one row: [`PolytopeModel::segments`] for a single row,
/// with `z` a buffer for the explanation features.
#[inline]
pub fn segment(model: &PolytopeModel, x: &[f64], z: &mut [f64]) -> Option<usize> {
    let xv = ArrayView1::from(x);
    for (zj, f) in z.iter_mut().zip(&model.space.features) {
        *zj = f.value(xv);
    }
    let (cluster, _) = model.decide(xv, ArrayView1::from(&*z));
    match &model.outliers {
        Some(rule) if rule.is_outlier(cluster, xv) => None,
        _ => Some(cluster),
    }
}

/// One chunk's work: its rows' lines and what its cells tell.
struct Done {
    text: Vec<u8>,
    scan: EncodeScan,
    outliers: usize,
}

/// Label the rows of the CSV file `path`, writing `row,cluster` lines (after
/// a `row,cluster` header) to `out`.
pub fn predict_file<W: Write>(
    path: &Path,
    model: &PolytopeModel,
    out: &mut W,
    options: &StreamOptions,
) -> Result<PredictSummary, PredictError> {
    predict_chunks(CsvChunks::open(path)?, model, out, options)
}

/// [`predict_file`] on rows read from `reader`; `path` names the file in
/// errors.
pub fn predict_reader<R: Read + Send, W: Write>(
    path: &Path,
    reader: R,
    model: &PolytopeModel,
    out: &mut W,
    options: &StreamOptions,
) -> Result<PredictSummary, PredictError> {
    predict_chunks(CsvChunks::from_reader(path, reader)?, model, out, options)
}

fn predict_chunks<R: Read + Send, W: Write>(
    mut file: CsvChunks<R>,
    model: &PolytopeModel,
    out: &mut W,
    options: &StreamOptions,
) -> Result<PredictSummary, PredictError> {
    let encoder = RowEncoder::new(&model.map, &file);
    file.select(encoder.columns());
    // Chunks in flight: one per worker being processed, as many read ahead.
    let batch = rayon::current_num_threads().max(1);
    let (full_tx, full_rx) = mpsc::sync_channel::<Result<Chunk, DataError>>(batch);
    let (empty_tx, empty_rx) = mpsc::channel::<Chunk>();
    let (rows, bytes) = (options.chunk_rows, options.chunk_bytes);
    std::thread::scope(|scope| {
        scope.spawn(move || {
            let mut made = 0;
            loop {
                let mut chunk = match empty_rx.try_recv() {
                    Ok(c) => c,
                    // At most 2·batch + 1 buffers exist: the rest come back.
                    Err(_) if made <= 2 * batch => {
                        made += 1;
                        Chunk::default()
                    }
                    Err(_) => match empty_rx.recv() {
                        Ok(c) => c,
                        Err(_) => return,
                    },
                };
                let read = file.read_chunk(&mut chunk, rows, bytes);
                let last = !matches!(read, Ok(true));
                let sent = match read {
                    Ok(true) => full_tx.send(Ok(chunk)),
                    Ok(false) => return,
                    Err(e) => full_tx.send(Err(e)),
                };
                if sent.is_err() || last {
                    return;
                }
            }
        });
        let result = consume(&encoder, model, &full_rx, &empty_tx, batch, out);
        // Unblock a reader waiting to send or for a buffer.
        drop(full_rx);
        drop(empty_tx);
        result
    })
}

/// Process the chunks the reader sends, `batch` at a time in parallel, and
/// write them in order while every row so far could be encoded.
fn consume<W: Write>(
    encoder: &RowEncoder,
    model: &PolytopeModel,
    chunks: &mpsc::Receiver<Result<Chunk, DataError>>,
    recycle: &mpsc::Sender<Chunk>,
    batch: usize,
    out: &mut W,
) -> Result<PredictSummary, PredictError> {
    let mut scan = encoder.scan();
    let mut outliers = 0;
    let mut header = false;
    let mut refused = false;
    let mut pending: Vec<Chunk> = Vec::with_capacity(batch);
    let mut texts: Vec<Vec<u8>> = Vec::new();
    let mut end = false;
    while !end {
        pending.clear();
        while pending.len() < batch {
            match chunks.recv() {
                Ok(Ok(chunk)) => pending.push(chunk),
                // A file that cannot be read is refused for that, whatever
                // its rows: `prepare` reads the whole table first.
                Ok(Err(e)) => return Err(e.into()),
                Err(_) => {
                    end = true;
                    break;
                }
            }
        }
        texts.resize_with(pending.len(), Vec::new);
        let decide = !refused;
        let done: Vec<Done> = pending
            .par_iter()
            .zip(texts.par_drain(..))
            .map(|(chunk, text)| work(encoder, model, chunk, text, decide))
            .collect();
        for chunk in pending.drain(..) {
            let _ = recycle.send(chunk);
        }
        for d in done {
            scan.merge(&d.scan);
            refused |= scan.has_error();
            if !refused {
                if !header && !d.text.is_empty() {
                    out.write_all(b"row,cluster\n")
                        .map_err(PredictError::Write)?;
                    header = true;
                }
                out.write_all(&d.text).map_err(PredictError::Write)?;
                outliers += d.outliers;
            }
            texts.push(d.text);
        }
    }
    let summary = scan.finish()?;
    if !header {
        out.write_all(b"row,cluster\n")
            .map_err(PredictError::Write)?;
    }
    Ok(PredictSummary {
        rows: summary.rows,
        assigned: summary.kept,
        outliers,
        missing: summary.dropped,
        first_missing: summary.first_dropped,
    })
}

/// Encode and decide the rows of one chunk into `text`.
fn work(
    encoder: &RowEncoder,
    model: &PolytopeModel,
    chunk: &Chunk,
    mut text: Vec<u8>,
    decide: bool,
) -> Done {
    text.clear();
    let mut scan = encoder.scan();
    let mut z = vec![0.0; model.space.features.len()];
    let mut outliers = 0;
    let mut digits = itoa::Buffer::new();
    encoder.encode(chunk, &mut scan, decide, |row, x| {
        text.extend_from_slice(digits.format(row).as_bytes());
        text.push(b',');
        match segment(model, x, &mut z) {
            Some(cluster) => text.extend_from_slice(digits.format(cluster).as_bytes()),
            None => {
                outliers += 1;
                text.extend_from_slice(digits.format(OUTLIER_LABEL).as_bytes());
            }
        }
        text.push(b'\n');
    });
    Done {
        text,
        scan,
        outliers,
    }
}
