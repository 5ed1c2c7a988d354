//! The cost of assigning each row to each cluster (31) and the unbounded
//! assignment, its per-row argmin.

use ndarray::ArrayView2;

/// Cost matrix `cost[t*k + c] = ‖x_t − c_c‖² + penalty[t*k + c]`.
pub fn cost_matrix(
    x: ArrayView2<f64>,
    centroids: ArrayView2<f64>,
    penalty: Option<&[f64]>,
) -> Vec<f64> {
    let k = centroids.nrows();
    let d = x.ncols();
    // Flat rows: ndarray's row views cost more than the arithmetic at the
    // few features of most instances (Algorithm 1 builds this matrix twice
    // per iteration).
    let x = x.as_standard_layout();
    let centroids = centroids.as_standard_layout();
    let centres = centroids.as_slice().expect("standard layout");
    // Written in place (a push per cell kept the loop from being unrolled).
    let mut cost = vec![0.0; x.nrows() * k];
    let rows = x
        .as_slice()
        .expect("standard layout")
        .chunks_exact(d.max(1))
        .take(x.nrows());
    for (t, (row, out)) in rows.zip(cost.chunks_exact_mut(k.max(1))).enumerate() {
        for (c, (cell, centre)) in out
            .iter_mut()
            .zip(centres.chunks_exact(d.max(1)))
            .enumerate()
        {
            let mut d2: f64 = row.iter().zip(centre).map(|(a, b)| (a - b) * (a - b)).sum();
            if let Some(p) = penalty {
                d2 += p[t * k + c];
            }
            *cell = d2;
        }
    }
    cost
}

/// Total cost of an assignment.
pub fn assignment_cost(cost: &[f64], k: usize, labels: &[usize]) -> f64 {
    labels
        .iter()
        .enumerate()
        .map(|(t, &l)| cost[t * k + l])
        .sum()
}

/// Per-point argmin (ties to the lowest cluster index).
pub fn assign_unbounded(cost: &[f64], k: usize) -> Vec<usize> {
    cost.chunks(k)
        .map(|row| {
            // Selected, not branched on: which cluster is nearest is
            // unpredictable, and the mispredicted branches cost more than
            // the comparisons.
            let (mut best, mut lowest) = (0, row[0]);
            for (c, &v) in row.iter().enumerate().skip(1) {
                let better = v < lowest;
                best = if better { c } else { best };
                lowest = if better { v } else { lowest };
            }
            best
        })
        .collect()
}
