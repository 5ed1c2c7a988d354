//! Labelling a CSV file of any size with a fitted model, in flat memory.
//!
//! The file is read in chunks (`CsvChunks`, by a reader thread that runs
//! ahead), each row is encoded with the model's feature map as
//! [`prepare`](crate::data::prepare) encodes it (`RowEncoder`: same numbers, same errors)
//! and decided with the model's rule as [`PolytopeModel::segments`] decides
//! it: its cluster, or [`OUTLIER_LABEL`] when the model sets outliers apart
//! and the row is one. Chunks are processed in parallel (rayon) and written
//! in file order as `row,cluster` lines, `row` being the 0-based data row.
//!
//! A row with a missing cell (empty, `NA` or `?`) that the model does not
//! impute is decided on the cells it has ([`RowRule::segment`]): a
//! condition that reads a missing cell is not counted, and when no polytope
//! holds the row, the nearest centre is measured on the cells it has. Rows
//! without a missing cell are decided exactly as before (same numbers).
//!
//! A file is refused for the reason, and naming the row and column,
//! [`prepare`](crate::data::prepare) would give. A refused file may already have passed
//! rows on to the output (only rows before the first row that cannot be
//! encoded, and never the rows after it): the error is what tells the caller
//! that the output is not complete.
//!
//! Memory: O(chunk size × (in-flight chunks)) whatever the file's length.
//! Speed depends on the machine; `docs/scale.md` gives the command that
//! measures it.
//!
//! [`PolytopeModel::segments`]: crate::mpc::PolytopeModel::segments

use crate::data::{Chunk, CsvChunks, DataError, EncodeScan, RowEncoder};
use crate::hyperplane::Side;
use crate::mpc::model::nearest_centre;
use crate::mpc::{PolytopeModel, OUTLIER_LABEL};
use ndarray::ArrayView1;
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::panic::AssertUnwindSafe;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
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
    /// Rows with a missing cell the model does not impute, decided on the
    /// cells they have.
    pub missing: usize,
    /// The first (at most ten) of those, 0-based as in the `row` column.
    pub first_missing: Vec<usize>,
}

/// A model's decision rule laid out for one row at a time, as
/// [`PolytopeModel::segments`] decides a row: the first polytope (in id
/// order) holding the row's explanation features z, else the nearest centre;
/// then [`OUTLIER_LABEL`] (`None`) when the model sets outliers apart and
/// the row is one. Each hyperplane keeps only its non-zero weights, which
/// are the products `Hyperplane::score` adds, in its order: the same
/// numbers, without a pass over the zero weights of a sparse hyperplane.
///
/// A row with missing features (NaN in x) is decided on the features it
/// has: a half-space whose hyperplane reads a missing feature (through any
/// explanation feature with a non-zero weight) holds; the nearest centre
/// and the outlier distance sum only the features present.
#[derive(Debug, Clone)]
pub struct RowRule<'m> {
    model: &'m PolytopeModel,
    /// Per hyperplane: intercept and (feature, weight) of the non-zero weights.
    hyperplanes: Vec<(f64, Vec<(usize, f64)>)>,
    /// Per hyperplane: the clustering features (columns of x) it reads.
    reads: Vec<Vec<usize>>,
    /// Per polytope: cluster and (hyperplane, side I) of its half-spaces.
    polytopes: Vec<(usize, Vec<(usize, bool)>)>,
    identity: bool,
}

impl<'m> RowRule<'m> {
    /// The rule of `model`.
    pub fn new(model: &'m PolytopeModel) -> Self {
        let hyperplanes: Vec<(f64, Vec<(usize, f64)>)> = model
            .hyperplanes
            .iter()
            .map(|h| {
                let w = &h.hyperplane.w;
                let nonzero = w
                    .iter()
                    .enumerate()
                    .filter(|(_, w)| **w != 0.0)
                    .map(|(j, w)| (j, *w))
                    .collect();
                (h.hyperplane.b, nonzero)
            })
            .collect();
        let polytopes = model
            .polytopes
            .iter()
            .map(|p| {
                let sides = p
                    .halfspaces
                    .iter()
                    .map(|h| (h.hyperplane, h.side == Side::I))
                    .collect();
                (p.cluster, sides)
            })
            .collect();
        let reads = hyperplanes
            .iter()
            .map(|(_, weights)| {
                let mut xs: Vec<usize> = weights
                    .iter()
                    .flat_map(|&(j, _)| x_features(&model.space.features[j]))
                    .collect();
                xs.sort_unstable();
                xs.dedup();
                xs
            })
            .collect();
        Self {
            model,
            hyperplanes,
            reads,
            polytopes,
            identity: model.space.is_identity(),
        }
    }

    /// Columns of z, the length of the buffer [`RowRule::segment`] takes.
    pub fn z_len(&self) -> usize {
        self.model.space.features.len()
    }

    /// The segment of a row of scaled features `x`: its cluster, or `None`
    /// for an outlier; `z` is a buffer of [`RowRule::z_len`] values. A NaN
    /// in `x` is a missing feature (see the type's doc).
    #[inline]
    pub fn segment(&self, x: &[f64], z: &mut [f64]) -> Option<usize> {
        if x.iter().any(|v| v.is_nan()) {
            return self.partial_segment(x, z);
        }
        let xv = ArrayView1::from(x);
        let z: &[f64] = if self.identity {
            x
        } else {
            for (zj, f) in z.iter_mut().zip(&self.model.space.features) {
                *zj = f.value(xv);
            }
            z
        };
        let holds = |&(h, side_i): &(usize, bool)| self.side_holds(h, side_i, z);
        let cluster = self
            .polytopes
            .iter()
            .find(|(_, sides)| sides.iter().all(holds))
            .map_or_else(
                || {
                    self.model
                        .cluster_of_piece(nearest_centre(&self.model.centroids, xv))
                },
                |(cluster, _)| *cluster,
            );
        match &self.model.outliers {
            Some(rule) if rule.is_outlier(cluster, xv) => None,
            _ => Some(cluster),
        }
    }
}

impl RowRule<'_> {
    /// Whether the row's explanation-space values `z` lie on the side of
    /// hyperplane `h` its polytope asks for (`w·z + b ≥ 0` for the side of
    /// the pair's first cluster, `< 0` for the other).
    #[inline]
    fn side_holds(&self, h: usize, side_i: bool, z: &[f64]) -> bool {
        let (b, weights) = &self.hyperplanes[h];
        let mut s = *b;
        for &(j, w) in weights {
            s += w * z[j];
        }
        if side_i {
            s >= 0.0
        } else {
            s < 0.0
        }
    }

    /// [`RowRule::segment`] of a row with missing features.
    fn partial_segment(&self, x: &[f64], z: &mut [f64]) -> Option<usize> {
        let xv = ArrayView1::from(x);
        for (zj, f) in z.iter_mut().zip(&self.model.space.features) {
            *zj = f.value(xv);
        }
        let z: &[f64] = z;
        // A condition on a missing cell is not counted.
        let holds = |&(h, side_i): &(usize, bool)| {
            self.reads[h].iter().any(|&i| x[i].is_nan()) || self.side_holds(h, side_i, z)
        };
        let cluster = self
            .polytopes
            .iter()
            .find(|(_, sides)| sides.iter().all(holds))
            .map_or_else(
                || {
                    let mut best = (f64::INFINITY, 0);
                    for (c, centre) in self.model.centroids.iter().enumerate() {
                        let d = present_distance(x, centre);
                        if d < best.0 {
                            best = (d, c);
                        }
                    }
                    self.model.cluster_of_piece(best.1)
                },
                |(cluster, _)| *cluster,
            );
        match &self.model.outliers {
            Some(rule) => {
                let r = rule.radii[cluster];
                (present_distance(x, &rule.centres[cluster]) <= r * r).then_some(cluster)
            }
            None => Some(cluster),
        }
    }
}

/// Squared distance over the features present (not NaN), summed in order.
fn present_distance(x: &[f64], centre: &[f64]) -> f64 {
    let mut d = 0.0;
    for (a, b) in x.iter().zip(centre) {
        if !a.is_nan() {
            d += (a - b) * (a - b);
        }
    }
    d
}

/// The clustering features an explanation feature reads.
pub(crate) fn x_features(f: &crate::mpc::ExplanationFeature) -> Vec<usize> {
    use crate::mpc::ExplanationFeature;
    match f {
        ExplanationFeature::Base { index } | ExplanationFeature::Threshold { index, .. } => {
            vec![*index]
        }
        ExplanationFeature::Product { indices, .. } => indices.clone(),
    }
}

/// The segment of every row of `x` (its cluster, `None` for an outlier) by
/// [`RowRule::segment`]: [`PolytopeModel::segments`] for complete rows, and
/// rows with missing features (NaN) decided on the features they have.
pub fn segments(model: &PolytopeModel, x: ndarray::ArrayView2<f64>) -> Vec<Option<usize>> {
    let rule = RowRule::new(model);
    let mut z = vec![0.0; rule.z_len()];
    x.rows()
        .into_iter()
        .map(|row| {
            let row: Vec<f64> = row.to_vec();
            rule.segment(&row, &mut z)
        })
        .collect()
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
    let rule = RowRule::new(model);
    let threads = rayon::current_num_threads().max(1);
    // Chunks read ahead of the workers, and chunks in the workers or
    // waiting for their turn to be written: memory is bounded by these.
    let ahead = threads;
    let in_flight = 2 * threads;
    let (full_tx, full_rx) = mpsc::sync_channel::<Result<Chunk, DataError>>(ahead);
    let (empty_tx, empty_rx) = mpsc::channel::<Chunk>();
    let (rows, bytes) = (options.chunk_rows, options.chunk_bytes);
    std::thread::scope(|scope| {
        scope.spawn(move || loop {
            let mut chunk = empty_rx.try_recv().unwrap_or_default();
            match file.read_chunk(&mut chunk, rows, bytes) {
                Ok(true) => {
                    if full_tx.send(Ok(chunk)).is_err() {
                        return;
                    }
                }
                Ok(false) => return,
                Err(e) => {
                    let _ = full_tx.send(Err(e));
                    return;
                }
            }
        });
        let pipeline = Pipeline {
            encoder: &encoder,
            rule: &rule,
            in_flight,
        };
        let result = pipeline.run(&full_rx, &empty_tx, out);
        // A reader still going stops at its next send.
        drop(full_rx);
        result
    })
}

/// The workers' side: chunks encoded and decided in parallel, written in
/// file order while every row so far could be encoded.
struct Pipeline<'a> {
    encoder: &'a RowEncoder,
    rule: &'a RowRule<'a>,
    in_flight: usize,
}

impl Pipeline<'_> {
    fn run<W: Write>(
        &self,
        chunks: &mpsc::Receiver<Result<Chunk, DataError>>,
        recycle: &mpsc::Sender<Chunk>,
        out: &mut W,
    ) -> Result<PredictSummary, PredictError> {
        let mut scan = self.encoder.scan();
        let mut outliers = 0;
        let mut header = false;
        // Once a row cannot be encoded the file is refused: later chunks
        // are only scanned (for the error `prepare` would name).
        let refused = AtomicBool::new(false);
        type Worked = std::thread::Result<Done>;
        let (done_tx, done_rx) = mpsc::channel::<(usize, Chunk, Worked)>();
        let mut waiting: BTreeMap<usize, (Chunk, Done)> = BTreeMap::new();
        let mut texts: Vec<Vec<u8>> = Vec::new();
        let (mut sent, mut next) = (0usize, 0usize);
        let mut read_error = None;
        let mut end = false;
        rayon::in_place_scope(|s| -> Result<(), PredictError> {
            loop {
                while !end && sent - next < self.in_flight {
                    match chunks.recv() {
                        Ok(Ok(chunk)) => {
                            let done_tx = done_tx.clone();
                            let text = texts.pop().unwrap_or_default();
                            let refused = &refused;
                            let i = sent;
                            s.spawn(move |_| {
                                let decide = !refused.load(Ordering::Relaxed);
                                // A panic is passed on to the caller rather
                                // than leaving it waiting for this chunk.
                                let done = std::panic::catch_unwind(AssertUnwindSafe(|| {
                                    self.work(&chunk, text, decide)
                                }));
                                let _ = done_tx.send((i, chunk, done));
                            });
                            sent += 1;
                        }
                        // A file that cannot be read is refused for that,
                        // whatever its rows: `prepare` reads the whole
                        // table first.
                        Ok(Err(e)) => {
                            read_error = Some(e);
                            end = true;
                        }
                        Err(_) => end = true,
                    }
                }
                if next == sent {
                    return Ok(());
                }
                let (i, chunk, done) = done_rx.recv().expect("a worker sends its chunk");
                let done = done.unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                waiting.insert(i, (chunk, done));
                while let Some((chunk, done)) = waiting.remove(&next) {
                    next += 1;
                    let _ = recycle.send(chunk);
                    scan.merge(&done.scan);
                    if scan.has_error() {
                        refused.store(true, Ordering::Relaxed);
                    } else if read_error.is_none() {
                        if !header && !done.text.is_empty() {
                            out.write_all(b"row,cluster\n")
                                .map_err(PredictError::Write)?;
                            header = true;
                        }
                        out.write_all(&done.text).map_err(PredictError::Write)?;
                        outliers += done.outliers;
                    }
                    texts.push(done.text);
                }
            }
        })?;
        if let Some(e) = read_error {
            return Err(e.into());
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
            missing: summary.partial,
            first_missing: summary.first_partial,
        })
    }

    /// Encode and decide the rows of one chunk into `text`.
    fn work(&self, chunk: &Chunk, mut text: Vec<u8>, decide: bool) -> Done {
        text.clear();
        let mut scan = self.encoder.scan();
        let mut z = vec![0.0; self.rule.z_len()];
        let mut outliers = 0;
        let mut digits = itoa::Buffer::new();
        self.encoder.encode(chunk, &mut scan, decide, |row, x| {
            text.extend_from_slice(digits.format(row).as_bytes());
            text.push(b',');
            match self.rule.segment(x, &mut z) {
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
}
