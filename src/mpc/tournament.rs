//! The decision rule's parts: the pairwise tournament of the hyperplanes,
//! their scores over the non-zero coefficients, and the nearest centre of a
//! row no cluster wins.

use super::pair::PairHyperplane;
use ndarray::ArrayView1;

/// Winner of the pairwise tournament among clusters `0..k`: the cluster on
/// whose side `z` lies for every hyperplane it takes part in (at most one
/// exists), or `None`.
pub fn tournament(hyperplanes: &[PairHyperplane], k: usize, z: ArrayView1<f64>) -> Option<usize> {
    tournament_among(hyperplanes, &vec![true; k], z)
}

/// [`tournament`] among the slots marked `active` (a slot merged away keeps
/// no hyperplane and must not win).
pub fn tournament_among(
    hyperplanes: &[PairHyperplane],
    active: &[bool],
    z: ArrayView1<f64>,
) -> Option<usize> {
    winner(hyperplanes, active, |h| {
        (h.i, h.j, h.hyperplane.score(z) >= 0.0)
    })
}

/// The active slot that loses no duel, where `duel` gives a hyperplane's
/// two slots and whether the row lies on the first one's side. Up to 64
/// slots the losers are one bit each.
fn winner<P>(
    planes: &[P],
    active: &[bool],
    duel: impl Fn(&P) -> (usize, usize, bool),
) -> Option<usize> {
    if active.len() > 64 {
        let mut lost = vec![false; active.len()];
        for h in planes {
            let (i, j, on_i) = duel(h);
            lost[if on_i { j } else { i }] = true;
        }
        return (0..active.len()).find(|&c| active[c] && !lost[c]);
    }
    let mut lost = 0u64;
    for h in planes {
        let (i, j, on_i) = duel(h);
        lost |= 1 << if on_i { j } else { i };
    }
    (0..active.len()).find(|&c| active[c] && lost & (1 << c) == 0)
}

/// A pairwise hyperplane with its non-zero coefficients listed once: a
/// score costs β terms instead of a pass over the d coefficients (spam's
/// d = 57 against β ≤ 2), and adds the same terms in the same order as
/// [`crate::hyperplane::Hyperplane::score`], so it is the same number.
#[derive(Debug, Clone)]
pub(crate) struct SparsePlane {
    pub(crate) i: usize,
    pub(crate) j: usize,
    b: f64,
    terms: Vec<(usize, f64)>,
}

impl SparsePlane {
    /// The hyperplanes of `pairs`, in order.
    pub(crate) fn all(pairs: &[PairHyperplane]) -> Vec<SparsePlane> {
        pairs
            .iter()
            .map(|h| SparsePlane {
                i: h.i,
                j: h.j,
                b: h.hyperplane.b,
                terms: h
                    .hyperplane
                    .w
                    .iter()
                    .enumerate()
                    .filter(|(_, w)| **w != 0.0)
                    .map(|(f, &w)| (f, w))
                    .collect(),
            })
            .collect()
    }

    /// `w·z + b`.
    #[inline]
    pub(crate) fn score(&self, z: ArrayView1<f64>) -> f64 {
        let mut s = self.b;
        for &(f, w) in &self.terms {
            s += w * z[f];
        }
        s
    }

    /// `b`.
    pub(crate) fn intercept(&self) -> f64 {
        self.b
    }

    /// The non-zero coefficients `(feature, w_f)`, in feature order.
    pub(crate) fn terms(&self) -> impl Iterator<Item = (usize, f64)> + '_ {
        self.terms.iter().copied()
    }

    /// [`Self::score`] of every row of `flat` (rows of `d` features) into
    /// `scores`: the same terms in the same order, a column of the rows at
    /// a time.
    pub(crate) fn score_rows(&self, flat: &[f64], d: usize, scores: &mut [f64]) {
        scores.iter_mut().for_each(|s| *s = self.b);
        for &(f, w) in &self.terms {
            for (s, &v) in scores.iter_mut().zip(flat[f..].iter().step_by(d)) {
                *s += w * v;
            }
        }
    }
}

/// Index of the nearest centre (squared Euclidean distance; ties to the
/// lowest id).
pub fn nearest_centre(centroids: &[Vec<f64>], x: ArrayView1<f64>) -> usize {
    nearest_active_centre(centroids, &vec![true; centroids.len()], x)
}

/// [`nearest_centre`] among the centres marked `active`.
pub fn nearest_active_centre(centroids: &[Vec<f64>], active: &[bool], x: ArrayView1<f64>) -> usize {
    let mut best = (f64::INFINITY, 0);
    for (c, centre) in centroids.iter().enumerate() {
        if !active[c] {
            continue;
        }
        let d: f64 = x.iter().zip(centre).map(|(a, b)| (a - b) * (a - b)).sum();
        if d < best.0 {
            best = (d, c);
        }
    }
    best.1
}
