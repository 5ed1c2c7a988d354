//! The loops of the incremental silhouette that run compiled for the CPU's
//! widest vectors ([`super::vector::dispatch`]): a row's move between two
//! clusters' columns, the per-cluster sums of the matrix, and the
//! per-cluster means of a whole state.

use super::vector::{dispatch, Kernel};

/// `q = min(q, column / size)` on the rows outside cluster `slot`, compiled
/// for the CPU's widest vectors (the mean selected, not branched on: the
/// same minimum, since no mean is NaN).
pub(super) struct OtherMeans<'a> {
    pub(super) q: &'a mut [f64],
    pub(super) column: &'a [f64],
    pub(super) labels: &'a [usize],
    pub(super) slot: usize,
    pub(super) size: f64,
}

impl Kernel for OtherMeans<'_> {
    type Output = ();
    #[inline(always)]
    fn run(self) {
        for ((q, &s), &own) in self.q.iter_mut().zip(self.column).zip(self.labels) {
            let mean = s / self.size;
            *q = if own != self.slot && mean < *q {
                mean
            } else {
                *q
            };
        }
    }
}

/// One cluster's part of [`super::SilhouetteState::silhouette_merged`]: the rows
/// of cluster `slot` (or of `absorbed`, merged into it) take their own mean
/// from its column (plus the merged one), the others the minimum of `q` and
/// the cluster's mean.
pub(super) struct MergedMeans<'a> {
    pub(super) q: &'a mut [f64],
    pub(super) r: &'a mut [f64],
    pub(super) column: &'a [f64],
    /// The absorbed cluster's column, when `slot` is the cluster kept.
    pub(super) merged_column: Option<&'a [f64]>,
    pub(super) labels: &'a [usize],
    pub(super) slot: usize,
    pub(super) absorbed: usize,
    pub(super) size: usize,
}

impl Kernel for MergedMeans<'_> {
    type Output = ();
    #[inline(always)]
    fn run(self) {
        let others_in_own = (self.size - 1) as f64;
        let size = self.size as f64;
        let rows = self.q.iter_mut().zip(self.r.iter_mut()).zip(self.labels);
        match self.merged_column {
            Some(merged) => {
                for (((q, r), &label), (&s, &m)) in rows.zip(self.column.iter().zip(merged)) {
                    let sum = s + m;
                    let own = label == self.slot || label == self.absorbed;
                    let mean = sum / size;
                    *q = if !own && mean < *q { mean } else { *q };
                    if own && self.size > 1 {
                        *r = sum / others_in_own;
                    }
                }
            }
            None => {
                for (((q, r), &label), &s) in rows.zip(self.column) {
                    let own = label == self.slot;
                    let mean = s / size;
                    *q = if !own && mean < *q { mean } else { *q };
                    if own && self.size > 1 {
                        *r = s / others_in_own;
                    }
                }
            }
        }
    }
}

/// `from -= row`, `to += row`: a row moving between two clusters' columns,
/// compiled for the CPU's widest vectors.
pub(super) fn transfer(from: &mut [f64], to: &mut [f64], row: &[u16]) {
    struct Transfer<'a>(&'a mut [f64], &'a mut [f64], &'a [u16]);
    impl Kernel for Transfer<'_> {
        type Output = ();
        #[inline(always)]
        fn run(self) {
            transfer_body(self.0, self.1, self.2);
        }
    }
    dispatch(Transfer(from, to, row));
}

/// `B` rows moving in order between two clusters' columns (`from -= row`,
/// `to += row` for each), compiled for the CPU's widest vectors.
pub(super) fn transfer_many<const B: usize>(from: &mut [f64], to: &mut [f64], rows: [&[u16]; B]) {
    struct TransferMany<'a, const B: usize>(&'a mut [f64], &'a mut [f64], [&'a [u16]; B]);
    impl<const B: usize> Kernel for TransferMany<'_, B> {
        type Output = ();
        #[inline(always)]
        fn run(self) {
            transfer_many_body(self.0, self.1, self.2);
        }
    }
    dispatch(TransferMany(from, to, rows));
}

/// The loop of [`transfer_many`]: each entry of the two columns is loaded
/// once and stored once. The rows' distances are whole units: their sum in
/// u32 is exact, and so is the column entry less (or plus) that sum, the
/// value `B` successive [`transfer_body`] calls leave bit for bit, at one
/// conversion to f64 per entry instead of one per row.
#[inline(always)]
fn transfer_many_body<const B: usize>(from: &mut [f64], to: &mut [f64], rows: [&[u16]; B]) {
    let n = from.len();
    let to = &mut to[..n];
    let rows: [&[u16]; B] = std::array::from_fn(|b| &rows[b][..n]);
    for t in 0..n {
        let moved = f64::from(rows.iter().map(|row| u32::from(row[t])).sum::<u32>());
        from[t] -= moved;
        to[t] += moved;
    }
}

/// `acc += row` in whole units, compiled for the CPU's widest vectors.
pub(super) fn add_row(acc: &mut [u32], row: &[u16]) {
    struct AddRow<'a>(&'a mut [u32], &'a [u16]);
    impl Kernel for AddRow<'_> {
        type Output = ();
        #[inline(always)]
        fn run(self) {
            add_row_body(self.0, self.1);
        }
    }
    dispatch(AddRow(acc, row));
}

/// `from -= row`, `to += row`: a row moving between two clusters' columns.
#[inline(always)]
fn transfer_body(from: &mut [f64], to: &mut [f64], row: &[u16]) {
    for ((f, t), &dist) in from.iter_mut().zip(to.iter_mut()).zip(row) {
        let dist = f64::from(dist);
        *f -= dist;
        *t += dist;
    }
}

/// `acc += row`.
#[inline(always)]
fn add_row_body(acc: &mut [u32], row: &[u16]) {
    for (a, &dist) in acc.iter_mut().zip(row) {
        *a += u32::from(dist);
    }
}
