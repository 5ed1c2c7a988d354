//! The fitted polytope model: preprocessing map, explanation space,
//! hyperplanes between clusters, one polytope per cluster, and the decision
//! rule shared by `predict`, the text rules and the SQL export.
//!
//! Decision rule: a row belongs to the first cluster (in id order) whose
//! polytope contains it; a row in no polytope goes to the nearest cluster
//! centre (squared Euclidean distance in the scaled clustering space). On the
//! data's bounding box the polytopes are disjoint (each is the winner region of
//! the pairwise tournament), so the order matters only outside it.
//!
//! A *union* model ([`PolytopeModel::pieces`] not empty, `--pieces`) makes a
//! cluster the union of several polytopes (pieces): its centres, hyperplanes
//! and polytopes are those of the pieces, and `pieces[p]` names the cluster of
//! piece p. Pieces `0..k` are the clusters' first pieces (cluster c's is piece
//! c), so `polytopes[..k]` are still one polytope per cluster in id order and
//! the further pieces follow like extensions: the rule of a cluster is an OR
//! of its pieces' ANDs, decided by the same first-polytope-that-holds rule.

use super::pair::PairHyperplane;
use super::space::{ExplanationFeature, ExplanationSpace};
use crate::data::FeatureMap;
use crate::hyperplane::{Coefficients, Side};
use ndarray::{ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};

pub use super::tournament::nearest_centre;

/// Version of the model JSON layout; bumped on incompatible changes.
pub const SCHEMA_VERSION: u32 = 1;

/// A model file that cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ModelError {
    /// Not JSON, or not the model layout.
    #[error("not a model: {0}")]
    Json(String),
    /// Another layout version.
    #[error("model schema version {0} is not supported (expected {SCHEMA_VERSION})")]
    Version(String),
    /// A field that does not fit the rest of the model.
    #[error("field {field} {reason}")]
    Field {
        /// Path of the field, e.g. `polytopes[0].halfspaces[1]`.
        field: String,
        /// What is wrong.
        reason: String,
    },
}

/// One side of one hyperplane: `w·z + b ≥ 0` (side I) or `w·z + b < 0` (side J).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct HalfSpace {
    /// Index into the model's hyperplanes.
    pub hyperplane: usize,
    /// Which side.
    pub side: Side,
}

/// A cluster's polytope: the intersection of its half-spaces (redundant ones removed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Polytope {
    /// Cluster id.
    pub cluster: usize,
    /// Points of the training data in the cluster.
    pub size: usize,
    /// Share of the training rows in the cluster.
    #[serde(default)]
    pub share: f64,
    /// Mean silhouette of the cluster's training rows.
    #[serde(default)]
    pub silhouette: Option<f64>,
    /// Its half-spaces.
    pub halfspaces: Vec<HalfSpace>,
    /// In a union model, the piece whose hyperplanes the half-spaces are
    /// sides of (`cluster` is then that piece's cluster).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub piece: Option<usize>,
}

/// Settings the model was fitted with (for the record).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelSettings {
    /// Coefficient bound M.
    pub m: u32,
    /// Sparsity bound β.
    pub beta: usize,
    /// Integer or general coefficients.
    pub coefficients: Coefficients,
    /// Margin ε.
    pub epsilon: f64,
    /// Weight λ of the representation error.
    pub lambda: f64,
    /// The smallest cluster size the fit was held to, in rows (1: none).
    #[serde(default = "one_row")]
    pub min_cluster_size: usize,
}

fn one_row() -> usize {
    1
}

/// A fitted MPC model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PolytopeModel {
    /// Layout version ([`SCHEMA_VERSION`]).
    pub schema_version: u32,
    /// How input columns become the scaled clustering features X.
    pub map: FeatureMap,
    /// How X becomes the explanation space Z.
    pub space: ExplanationSpace,
    /// Cluster centres in the scaled clustering space (fallback rule).
    pub centroids: Vec<Vec<f64>>,
    /// Hyperplanes between pairs of clusters.
    pub hyperplanes: Vec<PairHyperplane>,
    /// One polytope per cluster, in id order.
    pub polytopes: Vec<Polytope>,
    /// Fitting settings.
    pub settings: ModelSettings,
    /// Outliers set apart: rows beyond their cluster's radius get the
    /// outlier label ([`OutlierRule`](super::OutlierRule)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outliers: Option<super::outliers::OutlierRule>,
    /// A union model's cluster of every piece (empty: every polytope is a
    /// cluster of its own, one per cluster). With pieces, `centroids`,
    /// `hyperplanes` (between pieces `i < j`) and the polytopes' half-spaces
    /// are the pieces'; see the module doc.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pieces: Vec<usize>,
}

impl HalfSpace {
    /// Whether a row of Z satisfies the half-space.
    #[inline]
    pub fn contains(&self, hyperplanes: &[PairHyperplane], z: ArrayView1<f64>) -> bool {
        let s = hyperplanes[self.hyperplane].hyperplane.score(z);
        match self.side {
            Side::I => s >= 0.0,
            Side::J => s < 0.0,
        }
    }
}

impl PolytopeModel {
    /// Number of clusters.
    pub fn k(&self) -> usize {
        match self.pieces.iter().max() {
            Some(&last) => last + 1,
            None => self.centroids.len(),
        }
    }

    /// Number of pieces: one per centre (the clusters, without pieces).
    pub fn piece_count(&self) -> usize {
        self.centroids.len()
    }

    /// Whether a cluster may be a union of several polytopes (pieces).
    pub fn is_union(&self) -> bool {
        !self.pieces.is_empty()
    }

    /// Cluster of piece `p` (`p` itself without pieces).
    pub fn cluster_of_piece(&self, p: usize) -> usize {
        self.pieces.get(p).copied().unwrap_or(p)
    }

    /// Pieces of cluster `c`'s rule: its polytopes, in decision order.
    pub fn pieces_of(&self, c: usize) -> impl Iterator<Item = &Polytope> {
        self.polytopes.iter().filter(move |p| p.cluster == c)
    }

    /// The polytopes after the first [`PolytopeModel::k`] (one per cluster,
    /// in id order): extensions that cover training rows no cluster's own
    /// polytope held (see `crate::mpc::finalize`), checked after every
    /// cluster's own polytope.
    pub fn extensions(&self) -> &[Polytope] {
        &self.polytopes[self.k().min(self.polytopes.len())..]
    }

    /// Cluster of one row (X and Z given) and whether it lies inside a polytope.
    pub fn decide(&self, x: ArrayView1<f64>, z: ArrayView1<f64>) -> (usize, bool) {
        for p in &self.polytopes {
            if p.halfspaces
                .iter()
                .all(|h| h.contains(&self.hyperplanes, z))
            {
                return (p.cluster, true);
            }
        }
        (
            self.cluster_of_piece(nearest_centre(&self.centroids, x)),
            false,
        )
    }

    /// Segment of every row of X: its cluster, or `None` for an outlier
    /// (only when the model sets outliers apart).
    pub fn segments(&self, x: ArrayView2<f64>) -> Vec<Option<usize>> {
        let (labels, _) = self.assign(x);
        labels
            .into_iter()
            .zip(x.rows())
            .map(|(l, row)| match &self.outliers {
                Some(rule) if rule.is_outlier(l, row) => None,
                _ => Some(l),
            })
            .collect()
    }

    /// Clusters of every row of the scaled clustering matrix X, and for each
    /// whether it lies inside a polytope.
    pub fn assign(&self, x: ArrayView2<f64>) -> (Vec<usize>, Vec<bool>) {
        let z = self.space.transform(x);
        self.assign_with(x, z.view())
    }

    /// As [`PolytopeModel::assign`] with Z already computed.
    pub fn assign_with(&self, x: ArrayView2<f64>, z: ArrayView2<f64>) -> (Vec<usize>, Vec<bool>) {
        x.rows()
            .into_iter()
            .zip(z.rows())
            .map(|(xr, zr)| self.decide(xr, zr))
            .unzip()
    }

    /// Share of rows inside their own cluster's polytope (its own or an
    /// extension of it), for given labels.
    pub fn fidelity(&self, x: ArrayView2<f64>, labels: &[usize]) -> f64 {
        let z = self.space.transform(x);
        let inside = z
            .rows()
            .into_iter()
            .zip(labels)
            .filter(|(zr, &l)| {
                self.polytopes.iter().any(|p| {
                    p.cluster == l
                        && p.halfspaces
                            .iter()
                            .all(|h| h.contains(&self.hyperplanes, *zr))
                })
            })
            .count();
        inside as f64 / labels.len().max(1) as f64
    }

    /// Record the training quality in the polytopes (sizes, shares,
    /// per-cluster silhouettes; shares of all `n` training rows) and the
    /// floor the fit was held to.
    pub fn record_quality(
        &mut self,
        quality: &crate::metrics::ClusterQuality,
        min_cluster_size: usize,
        n: usize,
    ) {
        let k = self.k();
        for p in &mut self.polytopes[..k] {
            p.size = quality.sizes[p.cluster];
            p.share = p.size as f64 / n.max(1) as f64;
            p.silhouette = quality.cluster_silhouettes[p.cluster];
        }
        self.settings.min_cluster_size = min_cluster_size;
    }

    /// Total number of half-spaces over all polytopes (after redundancy removal).
    pub fn halfspace_count(&self) -> usize {
        self.polytopes.iter().map(|p| p.halfspaces.len()).sum()
    }

    /// Serialize as pretty JSON, with the digest that
    /// [`PolytopeModel::from_json`] checks.
    pub fn to_json(&self) -> String {
        super::model_check::with_digest(serde_json::to_value(self).expect("a model serializes"))
    }

    /// Read a model from JSON, checking the schema version, then
    /// [`PolytopeModel::validate`]: a model file edited by hand or cut short
    /// is refused with the field that is wrong, before anything uses it.
    pub fn from_json(text: &str) -> Result<Self, ModelError> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| ModelError::Json(e.to_string()))?;
        let version = value.get("schema_version").and_then(|v| v.as_u64());
        if version != Some(u64::from(SCHEMA_VERSION)) {
            return Err(ModelError::Version(
                version.map_or("missing".to_string(), |v| v.to_string()),
            ));
        }
        let model: Self =
            serde_json::from_value(value.clone()).map_err(|e| ModelError::Json(e.to_string()))?;
        model.validate()?;
        let refused = |(field, reason)| ModelError::Field { field, reason };
        super::model_check::check_plausible(&value).map_err(refused)?;
        super::model_check::check_digest(&value).map_err(refused)?;
        Ok(model)
    }

    /// Check that every part of the model fits the others: feature columns,
    /// explanation features that read existing columns, one finite centre of
    /// the right length per cluster, hyperplanes between existing clusters
    /// with one finite weight per explanation feature, polytopes in id order
    /// whose half-spaces are sides of their own cluster's hyperplanes, and
    /// settings in their valid ranges.
    pub fn validate(&self) -> Result<(), ModelError> {
        let bad = |field: String, reason: String| Err(ModelError::Field { field, reason });
        let d = self.map.columns.len();
        if d == 0 {
            return bad(
                "map.columns".into(),
                "the model has no feature columns".into(),
            );
        }
        for (c, col) in self.map.columns.iter().enumerate() {
            if let crate::data::FeatureColumn::Numeric { min, max, .. } = col {
                if !(min.is_finite() && max.is_finite() && min <= max) {
                    return bad(
                        format!("map.columns[{c}]"),
                        format!("min {min} and max {max} are not a finite range"),
                    );
                }
            }
        }
        let dz = self.space.features.len();
        if dz == 0 {
            return bad(
                "space.features".into(),
                "the explanation space is empty".into(),
            );
        }
        for (j, f) in self.space.features.iter().enumerate() {
            let field = format!("space.features[{j}]");
            let column = |index: usize| {
                if index < d {
                    Ok(())
                } else {
                    bad(
                        field.clone(),
                        format!("reads feature {index}, but the model has {d} features"),
                    )
                }
            };
            match f {
                ExplanationFeature::Base { index } => column(*index)?,
                ExplanationFeature::Threshold { index, threshold } => {
                    column(*index)?;
                    if !threshold.is_finite() {
                        return bad(field, format!("threshold {threshold} is not finite"));
                    }
                }
                ExplanationFeature::Product {
                    indices,
                    centers,
                    scale,
                } => {
                    for &index in indices {
                        column(index)?;
                    }
                    if indices.len() < 2 || centers.len() != indices.len() {
                        return bad(
                            field,
                            format!(
                                "a product of {} features with {} centres",
                                indices.len(),
                                centers.len()
                            ),
                        );
                    }
                    if !(scale.is_finite() && *scale > 0.0)
                        || centers.iter().any(|c| !c.is_finite())
                    {
                        return bad(
                            field,
                            "its centres and scale must be finite, the scale positive".into(),
                        );
                    }
                }
            }
        }
        let pieces = self.centroids.len();
        if pieces == 0 {
            return bad("centroids".into(), "the model has no clusters".into());
        }
        let k = self.k();
        if self.is_union() {
            if self.pieces.len() != pieces {
                return bad(
                    "pieces".into(),
                    format!(
                        "names the cluster of {} pieces, but the model has {pieces} piece centres",
                        self.pieces.len()
                    ),
                );
            }
            // Cluster c's first piece is piece c, so every cluster has one.
            if let Some(p) = (0..k).find(|&p| self.pieces[p] != p) {
                return bad(
                    format!("pieces[{p}]"),
                    format!(
                        "is {}, but the first {k} pieces are the clusters' first pieces in id order",
                        self.pieces[p]
                    ),
                );
            }
        }
        if self.polytopes.len() < k {
            return bad(
                "polytopes".into(),
                format!(
                    "{} polytopes for {k} clusters (one per cluster centre)",
                    self.polytopes.len()
                ),
            );
        }
        for (c, centre) in self.centroids.iter().enumerate() {
            if centre.len() != d || centre.iter().any(|v| !v.is_finite()) {
                return bad(
                    format!("centroids[{c}]"),
                    format!("needs {d} finite coordinates, has {}", centre.len()),
                );
            }
        }
        for (h, pair) in self.hyperplanes.iter().enumerate() {
            let field = format!("hyperplanes[{h}]");
            if !(pair.i < pair.j && pair.j < pieces) {
                return bad(
                    field,
                    format!("separates clusters {} and {} of {pieces}", pair.i, pair.j),
                );
            }
            if self.is_union() && self.pieces[pair.i] == self.pieces[pair.j] {
                return bad(
                    field,
                    format!(
                        "separates pieces {} and {} of the same cluster {}",
                        pair.i, pair.j, self.pieces[pair.i]
                    ),
                );
            }
            let hp = &pair.hyperplane;
            if hp.w.len() != dz || hp.w.iter().any(|w| !w.is_finite()) || !hp.b.is_finite() {
                return bad(
                    field,
                    format!(
                        "needs {dz} finite weights and a finite intercept, has {} weights",
                        hp.w.len()
                    ),
                );
            }
        }
        for (index, p) in self.polytopes.iter().enumerate() {
            // Each cluster's own polytope in id order, then extensions.
            let misplaced = if index < k {
                p.cluster != index
            } else {
                p.cluster >= k
            };
            if misplaced {
                return bad(
                    format!("polytopes[{index}].cluster"),
                    format!(
                        "is {}, but the first {k} polytopes are the clusters' in id order and extensions name one of them",
                        p.cluster
                    ),
                );
            }
            // A union model's half-spaces are sides of the piece's hyperplanes.
            let c = match (self.is_union(), p.piece) {
                (false, None) => p.cluster,
                (true, Some(piece)) if self.pieces.get(piece) == Some(&p.cluster) => piece,
                _ => {
                    return bad(
                        format!("polytopes[{index}].piece"),
                        format!(
                            "is {:?}, but a polytope of a union model names one of its cluster's pieces and a polytope of another model none",
                            p.piece
                        ),
                    )
                }
            };
            for (e, half) in p.halfspaces.iter().enumerate() {
                let field = format!("polytopes[{index}].halfspaces[{e}]");
                let Some(pair) = self.hyperplanes.get(half.hyperplane) else {
                    return bad(
                        field,
                        format!(
                            "points at hyperplane {} of {}",
                            half.hyperplane,
                            self.hyperplanes.len()
                        ),
                    );
                };
                let own = match half.side {
                    Side::I => pair.i,
                    Side::J => pair.j,
                };
                if own != c {
                    return bad(
                        field,
                        format!("is a side of cluster {own}'s hyperplane, not of cluster {c}'s"),
                    );
                }
            }
        }
        if let Some(rule) = &self.outliers {
            if rule.centres.len() != k || rule.radii.len() != k {
                return bad(
                    "outliers".into(),
                    format!(
                        "has {} centres and {} radii for {k} clusters",
                        rule.centres.len(),
                        rule.radii.len()
                    ),
                );
            }
            let finite = rule
                .centres
                .iter()
                .all(|c| c.len() == d && c.iter().all(|v| v.is_finite()))
                && rule.radii.iter().all(|r| r.is_finite() && *r >= 0.0);
            if !finite {
                return bad(
                    "outliers".into(),
                    format!("needs finite centres of {d} coordinates and radii ≥ 0"),
                );
            }
        }
        let st = &self.settings;
        if st.m < 1 || st.beta < 1 || !(st.epsilon.is_finite() && st.epsilon > 0.0) {
            return bad(
                "settings".into(),
                format!(
                    "M = {}, beta = {}, epsilon = {} are out of range",
                    st.m, st.beta, st.epsilon
                ),
            );
        }
        Ok(())
    }
}
