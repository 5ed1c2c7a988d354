//! Building the fitted [`PolytopeModel`] from the hyperplanes and centres an
//! MPC run ends with (MPC paper §3, §4.2): clusters the polytopes leave
//! empty are dropped, every hyperplane is centred in its widest gap, and
//! redundant half-spaces are removed ([`super::redundancy`]) as long as the
//! reduced polytopes decide every training row as the tournament did.

use super::model::{HalfSpace, ModelSettings, Polytope, PolytopeModel, SCHEMA_VERSION};
use super::pair::PairHyperplane;
use super::params::ValidMpcParams;
use super::redundancy::remove_redundant;
use super::space::ExplanationSpace;
use super::tournament::{nearest_centre, tournament};
use crate::data::FeatureMap;
use crate::hyperplane::Side;
use ndarray::{Array2, ArrayView2};

/// Labels by the tournament, uncovered rows to the nearest centre.
fn tournament_labels(
    x: ArrayView2<f64>,
    z: ArrayView2<f64>,
    hyperplanes: &[PairHyperplane],
    centroids: &[Vec<f64>],
) -> (Vec<usize>, Vec<bool>) {
    let k = centroids.len();
    x.rows()
        .into_iter()
        .zip(z.rows())
        .map(|(xr, zr)| match tournament(hyperplanes, k, zr) {
            Some(c) => (c, true),
            None => (nearest_centre(centroids, xr), false),
        })
        .unzip()
}

/// What a model is built on besides its hyperplanes and centres: the
/// training rows (clustering space `x`, explanation space `z`), the map
/// from the input columns, and the settings it records.
#[derive(Clone, Copy)]
pub struct Training<'a> {
    /// The training rows in the scaled clustering space.
    pub x: ArrayView2<'a, f64>,
    /// The same rows in the explanation space.
    pub z: ArrayView2<'a, f64>,
    /// How input columns became `x`.
    pub map: &'a FeatureMap,
    /// The settings of the fit.
    pub params: &'a ValidMpcParams,
}

/// Turn hyperplanes and centres into a model: drop clusters the polytopes
/// leave empty, centre every hyperplane in the widest gap that keeps each
/// relevant row on its side, remove redundant half-spaces, and give the rows
/// no polytope holds an extension polytope of their cluster (`preferred`
/// labels when given, else the nearest centre's; see `complete_coverage`).
pub fn finalize(
    training: &Training,
    space: ExplanationSpace,
    hyperplanes: Vec<PairHyperplane>,
    centroids: &Array2<f64>,
    preferred: Option<&[usize]>,
) -> PolytopeModel {
    finalize_grouped(training, space, hyperplanes, centroids, preferred, None).0
}

/// [`finalize`] for the pieces of a union model ([`super::union`]): with
/// `groups` (the cluster of every piece), the reduced polytopes must decide
/// every training row for the same *cluster* as the tournament did (pieces
/// of one cluster overlap, so which of them holds a row may change). Also
/// returns the groups of the pieces kept (empty without `groups`).
pub(crate) fn finalize_grouped(
    training: &Training,
    space: ExplanationSpace,
    mut hyperplanes: Vec<PairHyperplane>,
    centroids: &Array2<f64>,
    preferred: Option<&[usize]>,
    mut groups: Option<Vec<usize>>,
) -> (PolytopeModel, Vec<usize>) {
    let Training { x, z, map, params } = *training;
    let mut centres: Vec<Vec<f64>> = centroids.rows().into_iter().map(|r| r.to_vec()).collect();
    // Drop empty clusters until every remaining one holds a row.
    let (labels, inside) = loop {
        let (labels, inside) = tournament_labels(x, z, &hyperplanes, &centres);
        let mut sizes = vec![0usize; centres.len()];
        labels.iter().for_each(|&l| sizes[l] += 1);
        match sizes.iter().position(|&s| s == 0) {
            Some(empty) if centres.len() > 1 => {
                centres.remove(empty);
                if let Some(g) = &mut groups {
                    g.remove(empty);
                }
                hyperplanes.retain(|h| h.i != empty && h.j != empty);
                for h in &mut hyperplanes {
                    h.i -= usize::from(h.i > empty);
                    h.j -= usize::from(h.j > empty);
                }
            }
            _ => break (labels, inside),
        }
    };
    center_margins(z, &mut hyperplanes, &labels, &inside);
    let k = centres.len();
    let mut sizes = vec![0usize; k];
    labels.iter().for_each(|&l| sizes[l] += 1);
    let polytopes: Vec<Polytope> = (0..k)
        .map(|c| Polytope {
            cluster: c,
            size: sizes[c],
            share: sizes[c] as f64 / labels.len().max(1) as f64,
            silhouette: None,
            halfspaces: hyperplanes
                .iter()
                .enumerate()
                .filter(|(_, h)| h.i == c || h.j == c)
                .map(|(idx, h)| HalfSpace {
                    hyperplane: idx,
                    side: if h.i == c { Side::I } else { Side::J },
                })
                .collect(),
            piece: None,
        })
        .collect();
    let mut model = PolytopeModel {
        schema_version: SCHEMA_VERSION,
        map: map.clone(),
        space,
        centroids: centres,
        hyperplanes,
        polytopes,
        settings: ModelSettings {
            m: params.m,
            beta: params.beta,
            coefficients: params.coefficients,
            epsilon: params.epsilon,
            lambda: params.lambda,
            min_cluster_size: params.min_cluster_rows(),
        },
        outliers: None,
        pieces: Vec::new(),
    };
    let full = model.polytopes.clone();
    remove_redundant(&mut model, z);
    // The reduced polytopes must decide every training row as the tournament did.
    let (decided, _) = model.assign_with(x, z);
    let group = |l: &usize| groups.as_ref().map_or(*l, |g| g[*l]);
    if !decided.iter().map(group).eq(labels.iter().map(group)) {
        model.polytopes = full;
    }
    // Preferred labels name the clusters as given: unusable once one was dropped.
    let preferred = preferred.filter(|_| model.k() == centroids.nrows());
    complete_coverage(&mut model, x, z, preferred);
    (model, groups.unwrap_or_default())
}

/// Give every training row a polytope: a row that no cluster's polytope
/// holds (its pairwise duels are cyclic) would fall back to the nearest
/// centre, outside every rule. For each cluster c with such rows (their
/// cluster: `preferred` when given, else the nearest centre), an extension
/// polytope is appended: c's own half-spaces, each intercept moved just far
/// enough to hold those rows (a copy of the hyperplane when it moves).
/// Extensions are checked after every cluster's own polytope, so no row a
/// polytope held changes cluster; a row in no polytope then lies in the
/// extension of its cluster, or of an earlier one that also holds it. The
/// fidelity on the training rows is 1.
fn complete_coverage(
    model: &mut PolytopeModel,
    x: ArrayView2<f64>,
    z: ArrayView2<f64>,
    preferred: Option<&[usize]>,
) {
    let (decided, inside) = model.assign_with(x, z);
    let k = model.k();
    let mut stray: Vec<Vec<usize>> = vec![Vec::new(); k];
    for (t, (&c, &held)) in decided.iter().zip(&inside).enumerate() {
        if !held {
            stray[preferred.map_or(c, |p| p[t])].push(t);
        }
    }
    for (c, rows) in stray.iter().enumerate() {
        if rows.is_empty() {
            continue;
        }
        let mut halfspaces = Vec::new();
        for half in model.polytopes[c].halfspaces.clone() {
            let original = &model.hyperplanes[half.hyperplane];
            let mut relaxed = original.hyperplane.clone();
            let holds = |h: &crate::hyperplane::Hyperplane, t: usize| {
                let s = h.score(z.row(t));
                match half.side {
                    Side::I => s >= 0.0,
                    Side::J => s < 0.0,
                }
            };
            if rows.iter().all(|&t| holds(&relaxed, t)) {
                halfspaces.push(half);
                continue;
            }
            // The intercept that puts the farthest row on the boundary,
            // then nudged until every row is on the right side (the score
            // adds the terms in its own order).
            let scores = rows.iter().map(|&t| relaxed.score(z.row(t)) - relaxed.b);
            relaxed.b = match half.side {
                Side::I => -scores.fold(f64::INFINITY, f64::min),
                Side::J => -scores.fold(f64::NEG_INFINITY, f64::max),
            };
            let step = |b: f64| match half.side {
                Side::I => b + b.abs().max(1.0) * f64::EPSILON,
                Side::J => b - b.abs().max(1.0) * f64::EPSILON,
            };
            while !rows.iter().all(|&t| holds(&relaxed, t)) {
                relaxed.b = step(relaxed.b);
            }
            model.hyperplanes.push(PairHyperplane {
                i: original.i,
                j: original.j,
                hyperplane: relaxed,
            });
            halfspaces.push(HalfSpace {
                hyperplane: model.hyperplanes.len() - 1,
                side: half.side,
            });
        }
        model.polytopes.push(Polytope {
            cluster: c,
            size: rows.len(),
            share: rows.len() as f64 / decided.len().max(1) as f64,
            silhouette: None,
            halfspaces,
            piece: None,
        });
    }
}

/// Move each hyperplane's intercept to the middle of the gap between the rows
/// it must keep on either side: the rows of its two clusters and the rows no
/// polytope covers (whose tournament must not change). `w` is unchanged and no
/// such row changes side, so the labels are unchanged; the boundary then sits
/// as far as possible from the data, like a decision tree's midpoint split.
fn center_margins(
    z: ArrayView2<f64>,
    hyperplanes: &mut [PairHyperplane],
    labels: &[usize],
    inside: &[bool],
) {
    for h in hyperplanes.iter_mut() {
        let mut lowest_non_negative = f64::INFINITY;
        let mut highest_negative = f64::NEG_INFINITY;
        for (t, zr) in z.rows().into_iter().enumerate() {
            let relevant = !inside[t] || labels[t] == h.i || labels[t] == h.j;
            if !relevant {
                continue;
            }
            let s = h.hyperplane.score(zr);
            if s >= 0.0 {
                lowest_non_negative = lowest_non_negative.min(s);
            } else {
                highest_negative = highest_negative.max(s);
            }
        }
        if lowest_non_negative.is_finite() && highest_negative.is_finite() {
            let mid = 0.5 * (lowest_non_negative + highest_negative);
            let candidate = h.hyperplane.b - mid;
            // Keep the shift only if it provably preserves every side (rounding).
            let mut shifted = h.hyperplane.clone();
            shifted.b = candidate;
            let preserved = z.rows().into_iter().enumerate().all(|(t, zr)| {
                let relevant = !inside[t] || labels[t] == h.i || labels[t] == h.j;
                !relevant || ((h.hyperplane.score(zr) >= 0.0) == (shifted.score(zr) >= 0.0))
            });
            if preserved {
                h.hyperplane.b = candidate;
            }
        }
    }
}
