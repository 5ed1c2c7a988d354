//! Every row's side of every current hyperplane, one bit each: the duels a
//! row wins are then a few word operations instead of a hyperplane score per
//! duel.
//!
//! Algorithm 2 examines many moves between two accepted ones, and every
//! boundary shift and merge it examines asks, for every row, whether the row
//! wins all of a cluster's duels but one (the rows a shift can move); the
//! hyperplanes do not change in between, so the sides are computed once per
//! set of hyperplanes (`Context::sides`) and shared by those moves. The
//! labels of a relabelling (the tournament of the pairwise hyperplanes, MPC
//! paper §2) are read from the same bits.

use crate::mpc::pair::PairHyperplane;
use crate::mpc::tournament::{nearest_active_centre, SparsePlane};
use ndarray::ArrayView2;
use std::sync::OnceLock;

/// The sides of every row for one set of hyperplanes between the `active`
/// slots, with what they were computed for.
pub(super) struct RowSides {
    hyperplanes: Vec<PairHyperplane>,
    active: Vec<bool>,
    centroids: Vec<Vec<f64>>,
    /// 64-bit words per row.
    words: usize,
    /// Row-major, `words` per row: bit p is set when the row lies on the
    /// non-negative side (`w·z + b ≥ 0`, cluster i's) of hyperplane p.
    bits: Vec<u64>,
    /// Per slot, `words` each: the hyperplanes the slot takes part in, and
    /// the side bits it needs there to win them (set where it is cluster i).
    duels: Vec<u64>,
    wanted: Vec<u64>,
    /// Every row's nearest active centre, computed when first asked for (a
    /// relabelling needs it only for the rows no cluster wins).
    nearest: OnceLock<Vec<usize>>,
}

/// The duels a row must win: [`RowSides::duels_of`].
pub(super) struct Duels {
    duels: Vec<u64>,
    wanted: Vec<u64>,
}

impl RowSides {
    /// The sides of the rows `z` (centres' rows `x`) under `hyperplanes`.
    ///
    /// A side is `score ≥ 0` with the score of [`SparsePlane::score`], the
    /// terms added in the same order, so every bit is the comparison the
    /// tournament makes. Scores are finite (the rows and the coefficients
    /// are), so a clear bit is the negative side.
    pub(super) fn new(
        z: ArrayView2<f64>,
        hyperplanes: &[PairHyperplane],
        active: &[bool],
        centroids: &[Vec<f64>],
    ) -> Self {
        let n = z.nrows();
        let planes = SparsePlane::all(hyperplanes);
        let words = planes.len().div_ceil(64).max(1);
        let mut bits = vec![0u64; n * words];
        // Plane by plane over flat rows: a row view per score cost more than
        // the one or two multiplications of a score.
        let z = z.as_standard_layout();
        let d = z.ncols().max(1);
        let flat = z.as_slice().expect("standard layout");
        let mut scores = vec![0.0; n];
        for (p, plane) in planes.iter().enumerate() {
            let (word, shift) = (p / 64, p % 64);
            plane.score_rows(flat, d, &mut scores);
            // Without a branch: a row's side is as likely one way as the
            // other, and the mispredicted branch cost more than the scores.
            for (out, &score) in bits.chunks_exact_mut(words).zip(&scores) {
                out[word] |= u64::from(score >= 0.0) << shift;
            }
        }
        let slots = active.len();
        let mut duels = vec![0u64; slots * words];
        let mut wanted = vec![0u64; slots * words];
        for (p, h) in hyperplanes.iter().enumerate() {
            let bit = 1u64 << (p % 64);
            for (c, on_i) in [(h.i, true), (h.j, false)] {
                if c < slots {
                    duels[c * words + p / 64] |= bit;
                    if on_i {
                        wanted[c * words + p / 64] |= bit;
                    }
                }
            }
        }
        Self {
            hyperplanes: hyperplanes.to_vec(),
            active: active.to_vec(),
            centroids: centroids.to_vec(),
            words,
            bits,
            duels,
            wanted,
            nearest: OnceLock::new(),
        }
    }

    /// Whether these are the sides of `hyperplanes` between the `active`
    /// slots, with those centres.
    pub(super) fn matches(
        &self,
        hyperplanes: &[PairHyperplane],
        active: &[bool],
        centroids: &[Vec<f64>],
    ) -> bool {
        self.hyperplanes == hyperplanes && self.active == active && self.centroids == centroids
    }

    /// Cluster `c`'s duels except the one against `except` (every duel
    /// with `except = c`). A slot without hyperplanes wins every duel.
    pub(super) fn duels_of(&self, c: usize, except: usize) -> Duels {
        let w = self.words;
        let mut duels = vec![0u64; w];
        let mut wanted = vec![0u64; w];
        if c < self.active.len() {
            duels.copy_from_slice(&self.duels[c * w..(c + 1) * w]);
            wanted.copy_from_slice(&self.wanted[c * w..(c + 1) * w]);
        }
        for (p, h) in self.hyperplanes.iter().enumerate() {
            if (h.i, h.j) == (c, except) || (h.i, h.j) == (except, c) {
                duels[p / 64] &= !(1 << (p % 64));
            }
        }
        Duels { duels, wanted }
    }

    /// Whether row `t` wins all of `duels`.
    #[inline]
    pub(super) fn wins(&self, t: usize, duels: &Duels) -> bool {
        if self.words == 1 {
            return (self.bits[t] ^ duels.wanted[0]) & duels.duels[0] == 0;
        }
        let row = &self.bits[t * self.words..(t + 1) * self.words];
        row.iter()
            .zip(&duels.duels)
            .zip(&duels.wanted)
            .all(|((&side, &duel), &want)| (side ^ want) & duel == 0)
    }

    /// Row `t`'s nearest active centre (rows `x`).
    pub(super) fn nearest(&self, x: ArrayView2<f64>, t: usize) -> usize {
        self.nearest.get_or_init(|| {
            x.rows()
                .into_iter()
                .map(|row| nearest_active_centre(&self.centroids, &self.active, row))
                .collect()
        })[t]
    }

    /// Labels and coverage of every row: the winner of the tournament (the
    /// first active slot that loses no duel), or the nearest active centre
    /// of a row no slot wins.
    pub(super) fn labels(&self, x: ArrayView2<f64>) -> (Vec<usize>, Vec<bool>) {
        let all: Vec<(usize, Duels)> = (0..self.active.len())
            .filter(|&c| self.active[c])
            .map(|c| (c, self.duels_of(c, c)))
            .collect();
        (0..self.bits.len() / self.words)
            .map(
                |t| match all.iter().find(|(_, duels)| self.wins(t, duels)) {
                    Some(&(c, _)) => (c, true),
                    None => (
                        nearest_active_centre(&self.centroids, &self.active, x.row(t)),
                        false,
                    ),
                },
            )
            .unzip()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hyperplane::Hyperplane;
    use crate::mpc::tournament::tournament_among;
    use ndarray::Array2;
    use proptest::prelude::*;

    /// Hyperplanes between every pair of `k` slots, with small integer
    /// coefficients over `d` features (some of them zero) and intercepts
    /// drawn from `values`.
    fn pairs(k: usize, d: usize, values: &[f64]) -> Vec<PairHyperplane> {
        let mut next = values.iter().cycle();
        let mut out = Vec::new();
        for i in 0..k {
            for j in i + 1..k {
                let w = (0..d)
                    .map(|_| (next.next().unwrap() * 3.0).round().clamp(-2.0, 2.0))
                    .collect();
                let b = *next.next().unwrap();
                out.push(PairHyperplane {
                    i,
                    j,
                    hyperplane: Hyperplane { w, b },
                });
            }
        }
        out
    }

    proptest! {
        /// The bits answer what the hyperplanes' scores answer: whether a
        /// row wins every duel of a cluster but one (scored one duel at a
        /// time), and the tournament's labels with the nearest centre for
        /// rows no slot wins. Up to 12 slots (a slot in eight inactive): 66
        /// hyperplanes take two words.
        #[test]
        fn sides_answer_as_the_scores_do(
            k in 2usize..13,
            d in 1usize..4,
            values in proptest::collection::vec(-1.0f64..1.0, 40..80),
            points in proptest::collection::vec(-1.5f64..1.5, 30..90),
            inactive in proptest::collection::vec(0u8..8, 13),
        ) {
            let hyperplanes = pairs(k, d, &values);
            let n = points.len() / d;
            let z = Array2::from_shape_fn((n, d), |(t, f)| points[t * d + f]);
            let mut active: Vec<bool> = (0..k).map(|c| inactive[c] != 0).collect();
            active[0] = true;
            let kept: Vec<PairHyperplane> = hyperplanes
                .into_iter()
                .filter(|h| active[h.i] && active[h.j])
                .collect();
            let centroids: Vec<Vec<f64>> = (0..k)
                .map(|c| (0..d).map(|f| values[(c * d + f) % values.len()]).collect())
                .collect();
            let sides = RowSides::new(z.view(), &kept, &active, &centroids);
            for t in 0..n {
                let row = z.row(t);
                for c in 0..k {
                    for except in 0..k {
                        let scored = kept.iter().all(|h| {
                            let s = h.hyperplane.score(row);
                            if h.i == c && h.j != except {
                                s >= 0.0
                            } else if h.j == c && h.i != except {
                                s < 0.0
                            } else {
                                true
                            }
                        });
                        prop_assert_eq!(sides.wins(t, &sides.duels_of(c, except)), scored);
                    }
                }
            }
            let (labels, covered) = sides.labels(z.view());
            for t in 0..n {
                let row = z.row(t);
                let expected = match tournament_among(&kept, &active, row) {
                    Some(c) => (c, true),
                    None => (nearest_active_centre(&centroids, &active, row), false),
                };
                prop_assert_eq!((labels[t], covered[t]), expected);
                prop_assert_eq!(sides.nearest(z.view(), t), nearest_active_centre(&centroids, &active, row));
            }
        }
    }
}
