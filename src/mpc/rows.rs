//! Means of sets of rows: cluster centres.

use ndarray::{Array2, ArrayView2};

/// Mean of the rows `rows` of `x`, summed in row order (`None` for no rows).
pub(crate) fn mean_of_rows(x: ArrayView2<f64>, rows: &[usize]) -> Option<Vec<f64>> {
    if rows.is_empty() {
        return None;
    }
    let mut sum = vec![0.0; x.ncols()];
    for &t in rows {
        for (a, v) in sum.iter_mut().zip(x.row(t)) {
            *a += v;
        }
    }
    let count = rows.len() as f64;
    sum.iter_mut().for_each(|v| *v /= count);
    Some(sum)
}

/// Centres of the clusters `0..k` of `labels`; a cluster with no row keeps
/// its row of `previous`.
pub(crate) fn centres(x: ArrayView2<f64>, labels: &[usize], previous: &Array2<f64>) -> Array2<f64> {
    let k = previous.nrows();
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); k];
    for (t, &l) in labels.iter().enumerate() {
        members[l].push(t);
    }
    let mut out = previous.clone();
    for (c, rows) in members.iter().enumerate() {
        if let Some(mean) = mean_of_rows(x, rows) {
            out.row_mut(c).assign(&ndarray::ArrayView1::from(&mean));
        }
    }
    out
}
