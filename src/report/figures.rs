//! The numbers of a report: segments, silhouette, agreement with labels,
//! the explanation's size, cluster profiles and nearest clusters.

use super::{ReportError, Silhouette};
use crate::data::FeatureColumn;
use crate::hyperplane::Side;
use crate::metrics;
use crate::mpc::{ExplanationFeature, HalfSpace, PolytopeModel};
use ndarray::{ArrayView2, Axis};
use rand::SeedableRng;
use rayon::prelude::*;

/// How the segments of the rows were decided: every row's cluster (`None`:
/// an outlier) and whether it lies inside a polytope.
pub(crate) fn decide(model: &PolytopeModel, x: ArrayView2<f64>) -> (Vec<Option<usize>>, usize) {
    let chunks: Vec<ArrayView2<f64>> = x.axis_chunks_iter(Axis(0), 16_384).collect();
    let rows: Vec<(Option<usize>, bool)> = chunks
        .into_par_iter()
        .flat_map_iter(|chunk| {
            let (labels, inside) = model.assign(chunk);
            labels
                .into_iter()
                .zip(inside)
                .zip(chunk.rows())
                .map(|((l, inside), row)| match &model.outliers {
                    Some(rule) if rule.is_outlier(l, row) => (None, inside),
                    _ => (Some(l), inside),
                })
                .collect::<Vec<_>>()
        })
        .collect();
    let uncovered = rows.iter().filter(|(_, inside)| !inside).count();
    (rows.into_iter().map(|(s, _)| s).collect(), uncovered)
}

/// The silhouette of the rows in a cluster: exact up to `sample_size` rows;
/// above, the mean of `repeats` samples with its standard error, and the
/// per-cluster values from one more sample.
pub(crate) fn silhouette(
    x: ArrayView2<f64>,
    segments: &[Option<usize>],
    k: usize,
    sample_size: usize,
    repeats: usize,
    seed: u64,
) -> Silhouette {
    let kept: Vec<usize> = (0..segments.len())
        .filter(|&t| segments[t].is_some())
        .collect();
    let labels: Vec<usize> = kept.iter().filter_map(|&t| segments[t]).collect();
    match (kept.len() < segments.len()).then(|| x.select(Axis(0), &kept)) {
        Some(owned) => silhouette_of(owned.view(), &labels, k, sample_size, repeats, seed),
        None => silhouette_of(x, &labels, k, sample_size, repeats, seed),
    }
}

fn silhouette_of(
    xk: ArrayView2<f64>,
    labels: &[usize],
    k: usize,
    sample_size: usize,
    repeats: usize,
    seed: u64,
) -> Silhouette {
    if labels.len() <= sample_size {
        let q = metrics::cluster_quality(xk, labels, k);
        return Silhouette {
            value: q.silhouette,
            exact: true,
            standard_error: q.silhouette.map(|_| 0.0),
            sample_size: labels.len(),
            repeats: 1,
            per_cluster: q.cluster_silhouettes,
        };
    }
    let estimate = metrics::silhouette_sampled(xk, labels, sample_size, repeats, seed).ok();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed.wrapping_add(1));
    let mut rows = rand::seq::index::sample(&mut rng, labels.len(), sample_size).into_vec();
    rows.sort_unstable();
    let sample = xk.select(Axis(0), &rows);
    let sample_labels: Vec<usize> = rows.iter().map(|&r| labels[r]).collect();
    let q = metrics::cluster_quality(sample.view(), &sample_labels, k);
    Silhouette {
        value: estimate.as_ref().map(|e| e.value),
        exact: false,
        standard_error: estimate.as_ref().and_then(|e| e.standard_error),
        sample_size,
        repeats,
        per_cluster: q.cluster_silhouettes,
    }
}

/// Conditions (half-spaces after redundancy removal), terms (non-zero
/// coefficients) and the clustering features the rules read.
pub(crate) struct ExplanationSize {
    pub conditions: usize,
    pub terms: usize,
    /// How many half-spaces read each clustering feature.
    pub uses: Vec<usize>,
}

/// The clustering features (indices of `map.columns`) a half-space reads.
pub(crate) fn halfspace_features(model: &PolytopeModel, h: &HalfSpace) -> Vec<usize> {
    let w = &model.hyperplanes[h.hyperplane].hyperplane.w;
    let mut out = Vec::new();
    for (j, &wj) in w.iter().enumerate() {
        if wj == 0.0 {
            continue;
        }
        match &model.space.features[j] {
            ExplanationFeature::Base { index } | ExplanationFeature::Threshold { index, .. } => {
                out.push(*index)
            }
            ExplanationFeature::Product { indices, .. } => out.extend(indices.iter().copied()),
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

pub(crate) fn explanation_size(model: &PolytopeModel) -> ExplanationSize {
    let mut uses = vec![0usize; model.map.columns.len()];
    let mut terms = 0;
    for p in &model.polytopes {
        for h in &p.halfspaces {
            let w = &model.hyperplanes[h.hyperplane].hyperplane.w;
            terms += w.iter().filter(|w| **w != 0.0).count();
            for f in halfspace_features(model, h) {
                uses[f] += 1;
            }
        }
    }
    ExplanationSize {
        conditions: model.halfspace_count(),
        terms,
        uses,
    }
}

/// Quartiles (linear interpolation, as NumPy's default) of `values`, which
/// are reordered.
pub(crate) fn quartiles(values: &mut [f64]) -> [f64; 3] {
    let n = values.len();
    if n == 0 {
        return [f64::NAN; 3];
    }
    let mut at = |p: f64| {
        let pos = p * (n - 1) as f64;
        let lo = pos.floor() as usize;
        let frac = pos - lo as f64;
        let (_, v_lo, rest) = values.select_nth_unstable_by(lo, f64::total_cmp);
        let v_lo = *v_lo;
        if frac == 0.0 || rest.is_empty() {
            return v_lo;
        }
        let v_hi = rest.iter().copied().fold(f64::INFINITY, f64::min);
        v_lo + frac * (v_hi - v_lo)
    };
    [at(0.25), at(0.5), at(0.75)]
}

/// Per feature: the mean and standard deviation over every row, and each
/// cluster's mean (scaled units).
pub(crate) struct Moments {
    pub mean_all: Vec<f64>,
    pub sd_all: Vec<f64>,
    /// `[cluster][feature]`; the last row is the outliers'.
    pub mean: Vec<Vec<f64>>,
}

pub(crate) fn moments(x: ArrayView2<f64>, segments: &[Option<usize>], k: usize) -> Moments {
    let d = x.ncols();
    let groups = k + 1;
    let chunks: Vec<ArrayView2<f64>> = x.axis_chunks_iter(Axis(0), 16_384).collect();
    let (sum, sumsq, count) = chunks
        .into_par_iter()
        .zip(segments.par_chunks(16_384))
        .map(|(chunk, seg)| {
            let mut sum = vec![0.0f64; groups * d];
            let mut sumsq = vec![0.0f64; d];
            let mut count = vec![0usize; groups];
            for (row, s) in chunk.rows().into_iter().zip(seg) {
                let g = s.unwrap_or(k);
                count[g] += 1;
                let acc = &mut sum[g * d..(g + 1) * d];
                for ((a, q), &v) in acc.iter_mut().zip(sumsq.iter_mut()).zip(row) {
                    *a += v;
                    *q += v * v;
                }
            }
            (sum, sumsq, count)
        })
        .reduce(
            || (vec![0.0; groups * d], vec![0.0; d], vec![0; groups]),
            |(mut s, mut q, mut c), (s2, q2, c2)| {
                s.iter_mut().zip(s2).for_each(|(a, b)| *a += b);
                q.iter_mut().zip(q2).for_each(|(a, b)| *a += b);
                c.iter_mut().zip(c2).for_each(|(a, b)| *a += b);
                (s, q, c)
            },
        );
    let n = segments.len().max(1) as f64;
    let mut mean_all = vec![0.0; d];
    for g in 0..groups {
        for j in 0..d {
            mean_all[j] += sum[g * d + j];
        }
    }
    mean_all.iter_mut().for_each(|m| *m /= n);
    let sd_all = (0..d)
        .map(|j| (sumsq[j] / n - mean_all[j] * mean_all[j]).max(0.0).sqrt())
        .collect();
    let mean = (0..groups)
        .map(|g| {
            (0..d)
                .map(|j| sum[g * d + j] / count[g].max(1) as f64)
                .collect()
        })
        .collect();
    Moments {
        mean_all,
        sd_all,
        mean,
    }
}

/// One feature of a cluster's profile.
pub(crate) struct ProfileEntry {
    pub feature: usize,
    /// |cluster mean − overall mean| / overall standard deviation.
    pub effect: f64,
    /// Whether the cluster's own conditions read the feature.
    pub in_rule: bool,
}

/// The features that set cluster `g` (`k`: the outliers) apart most: the
/// `top` largest standardised mean differences, and every feature its own
/// conditions read.
pub(crate) fn distinguishing(
    model: &PolytopeModel,
    moments: &Moments,
    g: usize,
    top: usize,
) -> Vec<ProfileEntry> {
    let d = moments.mean_all.len();
    let mut in_rule = vec![false; d];
    for p in model.polytopes.iter().filter(|p| p.cluster == g) {
        for h in &p.halfspaces {
            for f in halfspace_features(model, h) {
                in_rule[f] = true;
            }
        }
    }
    let mut entries: Vec<ProfileEntry> = (0..d)
        .map(|j| {
            let sd = moments.sd_all[j];
            let effect = if sd > 0.0 {
                (moments.mean[g][j] - moments.mean_all[j]).abs() / sd
            } else {
                0.0
            };
            ProfileEntry {
                feature: j,
                effect,
                in_rule: in_rule[j],
            }
        })
        .collect();
    entries.sort_by(|a, b| {
        b.effect
            .total_cmp(&a.effect)
            .then(a.feature.cmp(&b.feature))
    });
    let mut kept: Vec<ProfileEntry> = Vec::new();
    for (rank, e) in entries.into_iter().enumerate() {
        if rank < top || e.in_rule {
            kept.push(e);
        }
    }
    kept
}

/// Whether a clustering feature is a category indicator.
pub(crate) fn is_indicator(column: &FeatureColumn) -> bool {
    matches!(column, FeatureColumn::OneHot { .. })
}

/// The nearest other cluster by the distance between cluster centres
/// (scaled units), and the text of the pairwise condition that puts a row
/// in `c` rather than in it.
pub(crate) fn nearest(model: &PolytopeModel, c: usize) -> Option<(usize, f64, Option<String>)> {
    let centre = &model.centroids[c];
    let (other, dist) = model
        .centroids
        .iter()
        .enumerate()
        .filter(|(o, _)| *o != c)
        .map(|(o, other)| (o, metrics::euclidean(centre, other)))
        .min_by(|a, b| a.1.total_cmp(&b.1))?;
    let boundary = model.hyperplanes.iter().enumerate().find_map(|(idx, h)| {
        let side = if h.i == c && h.j == other {
            Side::I
        } else if h.j == c && h.i == other {
            Side::J
        } else {
            return None;
        };
        Some(crate::explain::halfspace_text(
            model,
            &HalfSpace {
                hyperplane: idx,
                side,
            },
        ))
    });
    Some((other, dist, boundary))
}

/// The two features of the scatter: the named ones, else the two the
/// conditions read most (numeric before indicators, then by spread).
pub(crate) fn scatter_columns(
    model: &PolytopeModel,
    named: Option<&(String, String)>,
    uses: &[usize],
    sd: &[f64],
) -> Result<Option<(usize, usize)>, ReportError> {
    let names = model.map.names();
    if let Some((a, b)) = named {
        let find = |c: &String| {
            names
                .iter()
                .position(|n| n == c)
                .ok_or_else(|| ReportError::UnknownColumn {
                    name: c.clone(),
                    available: crate::data::name_list(&names),
                })
        };
        let (ia, ib) = (find(a)?, find(b)?);
        if ia == ib {
            return Err(ReportError::SameColumn(a.clone()));
        }
        return Ok(Some((ia, ib)));
    }
    if names.len() < 2 {
        return Ok(None);
    }
    let mut order: Vec<usize> = (0..names.len()).collect();
    order.sort_by(|&a, &b| {
        let key = |j: usize| (uses[j] > 0, !is_indicator(&model.map.columns[j]));
        key(b)
            .cmp(&key(a))
            .then(uses[b].cmp(&uses[a]))
            .then(sd[b].total_cmp(&sd[a]))
            .then(a.cmp(&b))
    });
    // The lower-numbered feature runs along the horizontal axis.
    Ok(Some((order[0].min(order[1]), order[0].max(order[1]))))
}

/// Rows of `n` to draw: every row up to `limit`, else a seeded sample of
/// `limit` rows, in row order.
pub(crate) fn plot_rows(n: usize, limit: usize, seed: u64) -> Vec<usize> {
    if n <= limit {
        return (0..n).collect();
    }
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let mut rows = rand::seq::index::sample(&mut rng, n, limit).into_vec();
    rows.sort_unstable();
    rows
}

#[cfg(test)]
mod tests {
    use super::quartiles;

    #[test]
    fn quartiles_interpolate_as_numpy() {
        // numpy.percentile([1, 2, 3, 4], [25, 50, 75]) = 1.75, 2.5, 3.25
        assert_eq!(quartiles(&mut [4.0, 1.0, 3.0, 2.0]), [1.75, 2.5, 3.25]);
        assert_eq!(quartiles(&mut [7.0]), [7.0, 7.0, 7.0]);
    }
}
