//! The size of an explanation, counted as the explainable-clustering
//! literature counts a threshold tree's (Dasgupta et al., ICML 2020; Frost,
//! Moshkovitz and Rashtchian 2020; Laber, Murtinho and Oliveira, "Shallow
//! decision trees for explainable k-means clustering", Pattern Recognition
//! 2023, whose "weighted average explanation size" is the mean over rows of
//! the conditions on the rule that decides the row).
//!
//! An explanation is a list of pieces: a piece is one conjunction of
//! conditions (a polytope, a tree leaf's path) and the rows it decides. A
//! cluster is explained by one piece or by several (a polytope and its
//! extensions, several leaves, a union of polytopes); [`ExplanationSize`]
//! counts over the pieces, so any model that lists its pieces is measured the
//! same way.

use crate::mpc::{ExplanationFeature, PolytopeModel};
use serde::Serialize;
use std::collections::BTreeSet;

/// One conjunction of conditions and the training rows it decides.
#[derive(Debug, Clone, PartialEq)]
pub struct RulePiece {
    /// The cluster the piece explains.
    pub cluster: usize,
    /// Training rows the piece decides.
    pub rows: usize,
    /// Its conditions; each lists its terms as the clustering features
    /// (columns of the scaled data X) each term reads: one for a feature or
    /// a threshold indicator, several for a product.
    pub conditions: Vec<Vec<Vec<usize>>>,
}

/// How large an explanation is.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ExplanationSize {
    /// Conditions over all pieces (for polytopes: half-spaces after
    /// redundancy removal; for a tree: the conditions on every leaf's path).
    pub conditions: usize,
    /// Terms (non-zero coefficients) over those conditions: a condition
    /// `2·x − y ≤ 0.3` has two, an axis-parallel one one.
    pub terms: usize,
    /// Distinct clustering features that some condition reads.
    pub features: usize,
    /// Mean over the rows of the conditions of the piece that decides the
    /// row: Σ_pieces rows · conditions / Σ_pieces rows (0 with no rows).
    pub weighted_conditions: f64,
}

impl ExplanationSize {
    /// The size of an explanation made of `pieces`.
    pub fn of_pieces(pieces: &[RulePiece]) -> Self {
        let conditions = pieces.iter().map(|p| p.conditions.len()).sum();
        let terms = pieces
            .iter()
            .flat_map(|p| &p.conditions)
            .map(Vec::len)
            .sum();
        let features: BTreeSet<usize> = pieces
            .iter()
            .flat_map(|p| &p.conditions)
            .flatten()
            .flatten()
            .copied()
            .collect();
        let rows: usize = pieces.iter().map(|p| p.rows).sum();
        let weighted: usize = pieces.iter().map(|p| p.rows * p.conditions.len()).sum();
        Self {
            conditions,
            terms,
            features: features.len(),
            weighted_conditions: if rows > 0 {
                weighted as f64 / rows as f64
            } else {
                0.0
            },
        }
    }
}

/// The pieces of a polytope model: every polytope (each cluster's own, then
/// the extensions, [`PolytopeModel::extensions`]) with its half-spaces. A
/// cluster's own polytope decides its rows (`sizes[c]`, the rows of cluster
/// c) less those its extensions decide (each extension's recorded training
/// rows).
pub fn rule_pieces(model: &PolytopeModel, sizes: &[usize]) -> Vec<RulePiece> {
    let k = model.k();
    let mut extension_rows = vec![0usize; k];
    for p in model.extensions() {
        extension_rows[p.cluster] += p.size;
    }
    model
        .polytopes
        .iter()
        .enumerate()
        .map(|(index, p)| {
            let rows = if index < k {
                sizes
                    .get(p.cluster)
                    .copied()
                    .unwrap_or(0)
                    .saturating_sub(extension_rows[p.cluster])
            } else {
                p.size
            };
            let conditions = p
                .halfspaces
                .iter()
                .map(|h| {
                    let plane = &model.hyperplanes[h.hyperplane].hyperplane;
                    plane
                        .w
                        .iter()
                        .enumerate()
                        .filter(|(_, w)| **w != 0.0)
                        .map(|(f, _)| columns_read(&model.space.features[f]))
                        .collect()
                })
                .collect();
            RulePiece {
                cluster: p.cluster,
                rows,
                conditions,
            }
        })
        .collect()
}

/// The clustering features an explanation feature reads.
fn columns_read(feature: &ExplanationFeature) -> Vec<usize> {
    match feature {
        ExplanationFeature::Base { index } | ExplanationFeature::Threshold { index, .. } => {
            vec![*index]
        }
        ExplanationFeature::Product { indices, .. } => indices.clone(),
    }
}

/// The size of a polytope model's explanation, given the rows of each
/// cluster (`sizes[c]`, e.g. [`crate::mpc::MpcFit::sizes`]):
/// [`ExplanationSize::of_pieces`] of [`rule_pieces`].
pub fn explanation_size(model: &PolytopeModel, sizes: &[usize]) -> ExplanationSize {
    ExplanationSize::of_pieces(&rule_pieces(model, sizes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{data, mpc};

    #[test]
    fn pieces_count_conditions_terms_features_and_rows() {
        // Cluster 0: x0 ≤ a (60 rows); cluster 1: x0 > a and 2·x1 − x2 ≤ b
        // (30 rows); cluster 2: x0 > a, 2·x1 − x2 > b (10 rows).
        let pieces = vec![
            RulePiece {
                cluster: 0,
                rows: 60,
                conditions: vec![vec![vec![0]]],
            },
            RulePiece {
                cluster: 1,
                rows: 30,
                conditions: vec![vec![vec![0]], vec![vec![1], vec![2]]],
            },
            RulePiece {
                cluster: 2,
                rows: 10,
                conditions: vec![vec![vec![0]], vec![vec![1], vec![2]]],
            },
        ];
        let size = ExplanationSize::of_pieces(&pieces);
        assert_eq!(size.conditions, 5);
        assert_eq!(size.terms, 7);
        assert_eq!(size.features, 3);
        // (60·1 + 30·2 + 10·2) / 100.
        assert!((size.weighted_conditions - 1.4).abs() < 1e-12);
        assert_eq!(ExplanationSize::of_pieces(&[]).weighted_conditions, 0.0);
    }

    #[test]
    fn a_fitted_model_is_measured_by_its_halfspaces() {
        let ds = data::gaussian_blobs(300, 3, 4, 0.3, 5).into_dataset();
        let space = mpc::ExplanationSpace::identity(ds.d());
        let params = mpc::MpcParams::new(4)
            .preset(mpc::Preset::Mpc1)
            .seed(2)
            .check(ds.x.view(), space.dim())
            .unwrap();
        let fit = mpc::fit(ds.x.view(), &ds.map, space, &params, &()).unwrap();
        let size = explanation_size(&fit.model, &fit.sizes);
        assert_eq!(size.conditions, fit.model.halfspace_count());
        // Axis-parallel: one term per condition.
        assert_eq!(size.terms, size.conditions);
        assert!(size.features >= 1 && size.features <= ds.d());
        let per_cluster: Vec<usize> = fit
            .model
            .polytopes
            .iter()
            .map(|p| p.halfspaces.len())
            .collect();
        let lo = *per_cluster.iter().min().unwrap() as f64;
        let hi = *per_cluster.iter().max().unwrap() as f64;
        assert!(size.weighted_conditions >= lo && size.weighted_conditions <= hi);
        let rows: usize = rule_pieces(&fit.model, &fit.sizes)
            .iter()
            .map(|p| p.rows)
            .sum();
        assert_eq!(rows, ds.n());
    }
}
