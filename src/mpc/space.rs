//! The explanation space Z in which hyperplanes separate clusters (MPC paper,
//! Remark 1): the clustering features themselves, plus optional binarized
//! thresholds `x_d ≥ q` and products of features `x_a·x_b` screened for
//! interactions.

use super::error::MpcError;
use crate::interactions::{
    screen_against_labels, screen_target, ScreenMethod, ScreenOptions, Screening,
};
use crate::kmeans;
use ndarray::{Array1, Array2, ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};

/// What interactions are screened against before they join the explanation
/// space (MPC paper Remark 1: products of features a polytope may use).
#[derive(Debug, Clone, Copy)]
pub enum ScreeningTarget<'a> {
    /// The cells of a target column: regression screening when every cell is
    /// a finite number, else one-vs-rest screening against its classes.
    Column(&'a [String]),
    /// Given clusters (ids `0..K`), one-vs-rest.
    Clusters(&'a [usize]),
    /// No target: an initial k-means clustering with `k` clusters (seeded),
    /// one-vs-rest.
    InitialClustering {
        /// Clusters of the initial k-means.
        k: usize,
    },
}

/// Screen the features `x` (named `names`) against `target` with `method`
/// (degree-2 products, seeded). Regression targets use the screeners
/// directly; class and cluster targets one-vs-rest
/// ([`screen_against_labels`]).
pub fn screen_for_explanation(
    x: ArrayView2<f64>,
    names: &[String],
    target: ScreeningTarget,
    method: ScreenMethod,
    seed: u64,
) -> Result<Screening, MpcError> {
    let labels = match target {
        ScreeningTarget::Column(cells) => {
            let numbers: Option<Vec<f64>> = cells
                .iter()
                .map(|v| v.parse::<f64>().ok().filter(|y| y.is_finite()))
                .collect();
            if let Some(y) = numbers {
                let y = Array1::from(y);
                return Ok(screen_target(x, y.view(), names, method, 2, seed)?);
            }
            crate::data::encode_labels(cells).0
        }
        ScreeningTarget::Clusters(ids) => ids.to_vec(),
        ScreeningTarget::InitialClustering { k } => {
            let params = kmeans::KMeansParams::new(k).seed(seed).check(x)?;
            kmeans::fit(x, &params).labels
        }
    };
    let mut opts = ScreenOptions::default();
    opts.lasso.seed = seed;
    opts.nid = opts.nid.with_seed(seed);
    Ok(screen_against_labels(x, &labels, names, method, &opts)?)
}

/// One column of Z, defined from the (scaled) clustering features X.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ExplanationFeature {
    /// Column `index` of X.
    Base {
        /// Column of X.
        index: usize,
    },
    /// Indicator `x_index ≥ threshold` (threshold in scaled units).
    Threshold {
        /// Column of X.
        index: usize,
        /// Threshold in scaled units.
        threshold: f64,
    },
    /// Product of centred columns of X: Π (x_i − c_i), the centres being the
    /// training means, so a product's sign marks the regimes of an
    /// interaction (IBC article §2) as a product of standardized features does.
    /// The product is divided by `scale`, its largest magnitude on the
    /// training rows, so it spans \[−1, 1\] like the other features and the
    /// margin ε of (3) means the same everywhere.
    Product {
        /// Columns of X.
        indices: Vec<usize>,
        /// Centre subtracted from each column (scaled units).
        centers: Vec<f64>,
        /// Divisor: the largest |product| on the training rows.
        scale: f64,
    },
}

impl ExplanationFeature {
    /// Value of the feature for one row of X.
    #[inline]
    pub fn value(&self, x: ArrayView1<f64>) -> f64 {
        match self {
            ExplanationFeature::Base { index } => x[*index],
            ExplanationFeature::Threshold { index, threshold } => {
                f64::from(u8::from(x[*index] >= *threshold))
            }
            ExplanationFeature::Product {
                indices,
                centers,
                scale,
            } => {
                indices
                    .iter()
                    .zip(centers)
                    .fold(1.0, |acc, (&i, &c)| acc * (x[i] - c))
                    / scale
            }
        }
    }
}

/// The explanation space: a list of features computed from X.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExplanationSpace {
    /// Columns of Z.
    pub features: Vec<ExplanationFeature>,
}

impl ExplanationSpace {
    /// Z = X.
    pub fn identity(d: usize) -> Self {
        Self {
            features: (0..d)
                .map(|index| ExplanationFeature::Base { index })
                .collect(),
        }
    }

    /// True when Z = X.
    pub fn is_identity(&self) -> bool {
        self.features
            .iter()
            .enumerate()
            .all(|(j, f)| matches!(f, ExplanationFeature::Base { index } if *index == j))
    }

    /// Add `x_d ≥ q`-quantile indicators for `q = 1/bins, …, (bins−1)/bins`
    /// for every non-binary column of X (distinct thresholds only).
    pub fn add_quantile_thresholds(&mut self, x: ArrayView2<f64>, bins: usize) {
        for d in 0..x.ncols() {
            let mut col: Vec<f64> = x.column(d).to_vec();
            col.sort_by(f64::total_cmp);
            let distinct = {
                let mut c = col.clone();
                c.dedup();
                c.len()
            };
            if distinct <= 2 {
                continue; // binary columns are their own indicators
            }
            let mut seen: Vec<f64> = Vec::new();
            for q in 1..bins {
                let pos = (q as f64 / bins as f64) * (col.len() - 1) as f64;
                let threshold = col[pos.round() as usize];
                // An indicator that holds for every row carries no information.
                if threshold <= col[0] || seen.contains(&threshold) {
                    continue;
                }
                seen.push(threshold);
                self.features.push(ExplanationFeature::Threshold {
                    index: d,
                    threshold,
                });
            }
        }
    }

    /// Add product features (each a set of X columns), centred on the column
    /// means of `x`.
    pub fn add_products(&mut self, x: ArrayView2<f64>, products: &[Vec<usize>]) {
        let n = x.nrows().max(1) as f64;
        for p in products {
            let exists = self
                .features
                .iter()
                .any(|f| matches!(f, ExplanationFeature::Product { indices, .. } if indices == p));
            if exists {
                continue;
            }
            let centers: Vec<f64> = p.iter().map(|&i| x.column(i).sum() / n).collect();
            let largest = x
                .rows()
                .into_iter()
                .map(|r| {
                    p.iter()
                        .zip(&centers)
                        .fold(1.0f64, |acc, (&i, &c)| acc * (r[i] - c))
                        .abs()
                })
                .fold(0.0f64, f64::max);
            self.features.push(ExplanationFeature::Product {
                indices: p.clone(),
                centers,
                scale: if largest > 0.0 { largest } else { 1.0 },
            });
        }
    }

    /// Add the `top` strongest products of a screening; returns their names.
    pub fn add_screened(
        &mut self,
        x: ArrayView2<f64>,
        screening: &Screening,
        top: usize,
    ) -> Vec<String> {
        let chosen = &screening.interactions[..top.min(screening.interactions.len())];
        let products: Vec<Vec<usize>> = chosen.iter().map(|i| i.features.clone()).collect();
        self.add_products(x, &products);
        chosen.iter().map(|i| i.name.clone()).collect()
    }

    /// Number of columns of Z.
    pub fn dim(&self) -> usize {
        self.features.len()
    }

    /// Z for every row of X.
    pub fn transform(&self, x: ArrayView2<f64>) -> Array2<f64> {
        let mut z = Array2::zeros((x.nrows(), self.dim()));
        for (mut zrow, xrow) in z.rows_mut().into_iter().zip(x.rows()) {
            for (j, f) in self.features.iter().enumerate() {
                zrow[j] = f.value(xrow);
            }
        }
        z
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn transform_thresholds_and_products() {
        let x = array![[0.0, 0.5], [0.5, 1.0], [1.0, 0.0], [0.25, 0.75]];
        let mut space = ExplanationSpace::identity(2);
        assert!(space.is_identity());
        space.add_quantile_thresholds(x.view(), 2);
        space.add_products(x.view(), &[vec![0, 1]]);
        let z = space.transform(x.view());
        assert_eq!(z.ncols(), 2 + 2 + 1);
        // Means: x0 = 0.4375, x1 = 0.5625; largest |product| is row 2's.
        let scale = (1.0 - 0.4375) * 0.5625;
        assert!((z[[1, 4]] - (0.5 - 0.4375) * (1.0 - 0.5625) / scale).abs() < 1e-15);
        assert!(z.column(4).iter().all(|v| v.abs() <= 1.0 + 1e-15));
        assert!(!space.is_identity());
    }
}
