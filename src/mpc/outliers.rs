//! Outliers set apart (`cluster --outliers`): a row is an outlier when it
//! lies farther from its cluster's centre than a robust multiple of that
//! cluster's spread. For cluster c with members' Euclidean distances `d_t`
//! to their mean (scaled clustering space), the radius is
//! `median(d) + multiple · 1.4826 · MAD(d)` (MAD: median absolute deviation
//! from the median; 1.4826·MAD estimates a standard deviation under
//! normality), with `multiple` = [`OUTLIER_MULTIPLE`] by default. The rule
//! is part of the model: `predict`, the text rules and the SQL label a new
//! row an outlier the same way (label −1).

use super::rows::mean_of_rows;
use crate::metrics::median;
use ndarray::{ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};

/// Robust standard deviations beyond the median distance at which a row is
/// an outlier.
pub const OUTLIER_MULTIPLE: f64 = 3.0;

/// Label of an outlier in `assignments.csv`, `predict` and the SQL.
pub const OUTLIER_LABEL: i64 = -1;

/// Per cluster, the centre and the radius beyond which a row is an outlier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutlierRule {
    /// Robust standard deviations beyond the median distance.
    pub multiple: f64,
    /// Centre of each cluster (mean of its training rows, scaled space).
    pub centres: Vec<Vec<f64>>,
    /// Radius of each cluster, scaled units.
    pub radii: Vec<f64>,
}

fn squared_distance(x: ArrayView1<f64>, centre: &[f64]) -> f64 {
    x.iter().zip(centre).map(|(a, b)| (a - b) * (a - b)).sum()
}

impl OutlierRule {
    /// The rule for clusters `0..k` of `labels` on the rows of `x`.
    pub fn fit(x: ArrayView2<f64>, labels: &[usize], k: usize, multiple: f64) -> Self {
        let mut members: Vec<Vec<usize>> = vec![Vec::new(); k];
        for (t, &l) in labels.iter().enumerate() {
            members[l].push(t);
        }
        let mut centres = Vec::with_capacity(k);
        let mut radii = Vec::with_capacity(k);
        for rows in &members {
            let centre = mean_of_rows(x, rows).unwrap_or_else(|| vec![0.0; x.ncols()]);
            let d: Vec<f64> = rows
                .iter()
                .map(|&t| squared_distance(x.row(t), &centre).sqrt())
                .collect();
            let mid = median(&d);
            let deviations: Vec<f64> = d.iter().map(|v| (v - mid).abs()).collect();
            let mad = median(&deviations);
            radii.push(mid + multiple * 1.4826 * mad);
            centres.push(centre);
        }
        Self {
            multiple,
            centres,
            radii,
        }
    }

    /// Whether a row (scaled clustering features) decided for `cluster` is
    /// an outlier: its squared distance to the centre exceeds the squared
    /// radius (squares, so that SQL can compare without a square root).
    pub fn is_outlier(&self, cluster: usize, x: ArrayView1<f64>) -> bool {
        let r = self.radii[cluster];
        squared_distance(x, &self.centres[cluster]) > r * r
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn a_far_row_is_an_outlier_and_its_neighbours_are_not() {
        let x = array![
            [0.0],
            [0.1],
            [0.2],
            [0.15],
            [0.05],
            [3.0],
            [5.0],
            [5.1],
            [4.9]
        ];
        let labels = [0, 0, 0, 0, 0, 0, 1, 1, 1];
        let rule = OutlierRule::fit(x.view(), &labels, 2, OUTLIER_MULTIPLE);
        let flagged: Vec<usize> = (0..9)
            .filter(|&t| rule.is_outlier(labels[t], x.row(t)))
            .collect();
        assert_eq!(flagged, vec![5]);
    }
}
