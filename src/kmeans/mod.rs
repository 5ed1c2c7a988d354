//! k-means: k-means++ seeding (Arthur and Vassilvitskii 2007, greedy variant
//! with 2 + ⌊ln k⌋ local trials as scikit-learn) and Lloyd iterations, with
//! several restarts keeping the lowest inertia. MPC Algorithm 1, line 2.
//!
//! Objective: Σ_t ‖x_t − c_{z(t)}‖². Each Lloyd iteration costs O(n·k·d).
//! Restarts run in parallel; restart r draws from its own generator seeded by
//! (seed, r), and ties are broken by restart index, so the result does not
//! depend on the number of threads.

use crate::metrics::{inertia, squared_euclidean};
use crate::params::{check_k, ParamsError};
use ndarray::{Array2, ArrayView2};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

/// k-means settings; call [`KMeansParams::check`] to validate against the data.
#[derive(Debug, Clone, PartialEq)]
pub struct KMeansParams {
    /// Number of clusters.
    pub k: usize,
    /// Independent restarts (best inertia kept). Default 10.
    pub restarts: usize,
    /// Lloyd iteration cap per restart. Default 300.
    pub max_iter: usize,
    /// Stop when the centres move less than `tol` × mean feature variance. Default 1e-4.
    pub tol: f64,
    /// Seed of the random generator. Default 0.
    pub seed: u64,
}

impl KMeansParams {
    /// Defaults for `k` clusters.
    pub fn new(k: usize) -> Self {
        Self {
            k,
            restarts: 10,
            max_iter: 300,
            tol: 1e-4,
            seed: 0,
        }
    }

    /// Set the number of restarts.
    pub fn restarts(mut self, r: usize) -> Self {
        self.restarts = r;
        self
    }

    /// Set the seed.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Set the iteration cap.
    pub fn max_iter(mut self, m: usize) -> Self {
        self.max_iter = m;
        self
    }

    /// Validate against the data `x`.
    pub fn check(self, x: ArrayView2<f64>) -> Result<ValidKMeansParams, ParamsError> {
        check_k(self.k, x)?;
        if self.restarts == 0 {
            return Err(ParamsError::new(
                "restarts",
                "at least one restart is needed",
            ));
        }
        if self.max_iter == 0 {
            return Err(ParamsError::new(
                "max_iter",
                "at least one iteration is needed",
            ));
        }
        if !(self.tol >= 0.0 && self.tol.is_finite()) {
            return Err(ParamsError::new(
                "tol",
                "tolerance must be a finite number ≥ 0",
            ));
        }
        Ok(ValidKMeansParams(self))
    }
}

/// Validated k-means settings.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidKMeansParams(KMeansParams);

impl std::ops::Deref for ValidKMeansParams {
    type Target = KMeansParams;
    fn deref(&self) -> &KMeansParams {
        &self.0
    }
}

/// A fitted k-means clustering.
#[derive(Debug, Clone, PartialEq)]
pub struct KMeansResult {
    /// Cluster centres, k × d.
    pub centroids: Array2<f64>,
    /// Cluster of each point, in 0..k.
    pub labels: Vec<usize>,
    /// Sum of squared distances to the assigned centres.
    pub inertia: f64,
    /// Lloyd iterations of the kept restart.
    pub iterations: usize,
    /// Restart that was kept.
    pub restart: usize,
}

/// Seed of restart `r` derived from the master seed.
fn restart_seed(seed: u64, r: usize) -> u64 {
    seed.wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add((r as u64).wrapping_mul(0xD1B5_4A32_D192_ED03))
        ^ 0x5851_F42D_4C95_7F2D
}

/// Fit k-means with restarts; see the module doc.
pub fn fit(x: ArrayView2<f64>, params: &ValidKMeansParams) -> KMeansResult {
    fit_until(x, params, &|| false)
}

/// [`fit`], where a restart that would begin once `stop` says so (a run's
/// deadline has passed) is not made; the first always is. The best of the
/// restarts made is kept, by the same rule.
pub fn fit_until(
    x: ArrayView2<f64>,
    params: &ValidKMeansParams,
    stop: &(dyn Fn() -> bool + Sync),
) -> KMeansResult {
    let x = x.as_standard_layout();
    let x = x.view();
    (0..params.restarts)
        .into_par_iter()
        .filter(|&r| r == 0 || !stop())
        .map(|r| {
            let mut rng = ChaCha8Rng::seed_from_u64(restart_seed(params.seed, r));
            let seeds = plus_plus(x, params.k, &mut rng);
            let mut result = lloyd(x, seeds, params.max_iter, params.tol);
            result.restart = r;
            result
        })
        .reduce_with(|a, b| {
            if b.inertia < a.inertia || (b.inertia == a.inertia && b.restart < a.restart) {
                b
            } else {
                a
            }
        })
        .expect("at least one restart")
}

/// Greedy k-means++ seeding: each new centre is the best of 2 + ⌊ln k⌋
/// candidates drawn with probability proportional to D(x)².
pub fn plus_plus(x: ArrayView2<f64>, k: usize, rng: &mut ChaCha8Rng) -> Array2<f64> {
    let n = x.nrows();
    let d = x.ncols();
    let flat = x.as_slice().expect("standard layout");
    let row = |i: usize| &flat[i * d..(i + 1) * d];
    let trials = 2 + (k as f64).ln().floor() as usize;
    let mut centres = Array2::zeros((k, d));
    let first = rng.random_range(0..n);
    centres.row_mut(0).assign(&x.row(first));
    let mut closest: Vec<f64> = (0..n)
        .map(|i| squared_euclidean(row(i), row(first)))
        .collect();
    for c in 1..k {
        let total: f64 = closest.iter().sum();
        let mut best: Option<(f64, usize, Vec<f64>)> = None;
        for _ in 0..trials {
            let candidate = if total > 0.0 {
                let target = rng.random::<f64>() * total;
                let mut acc = 0.0;
                let mut pick = n - 1;
                for (i, &w) in closest.iter().enumerate() {
                    acc += w;
                    if acc > target {
                        pick = i;
                        break;
                    }
                }
                pick
            } else {
                rng.random_range(0..n)
            };
            let updated: Vec<f64> = (0..n)
                .map(|i| closest[i].min(squared_euclidean(row(i), row(candidate))))
                .collect();
            let pot: f64 = updated.iter().sum();
            if best.as_ref().is_none_or(|(b, _, _)| pot < *b) {
                best = Some((pot, candidate, updated));
            }
        }
        let (_, pick, updated) = best.expect("at least one trial");
        centres.row_mut(c).assign(&x.row(pick));
        closest = updated;
    }
    centres
}

/// Nearest centre of every point (ties to the lowest index), in parallel.
pub fn assign_nearest(x: ArrayView2<f64>, centroids: ArrayView2<f64>) -> Vec<usize> {
    let d = x.ncols();
    let flat = x.as_slice().expect("standard layout");
    let centroids = centroids.as_standard_layout();
    let cflat = centroids.as_slice().expect("standard layout");
    let k = centroids.nrows();
    flat.par_chunks(d)
        .map(|p| {
            let mut best = (f64::INFINITY, 0);
            for c in 0..k {
                let dist = squared_euclidean(p, &cflat[c * d..(c + 1) * d]);
                if dist < best.0 {
                    best = (dist, c);
                }
            }
            best.1
        })
        .collect()
}

/// Means of the clusters; an empty cluster takes the point farthest from its
/// centre (so every cluster stays non-empty).
pub fn update_centroids(x: ArrayView2<f64>, labels: &mut [usize], k: usize) -> Array2<f64> {
    centre_update(x, labels, k).0
}

/// [`update_centroids`], and whether an empty cluster took a point (the
/// labels changed).
fn centre_update(x: ArrayView2<f64>, labels: &mut [usize], k: usize) -> (Array2<f64>, bool) {
    let d = x.ncols();
    let mut repaired = false;
    let x = x.as_standard_layout();
    let flat = x.as_slice().expect("standard layout");
    loop {
        let mut sums = Array2::<f64>::zeros((k, d));
        let mut counts = vec![0usize; k];
        {
            // Flat rows: a row view per point cost more than its additions.
            let cells = sums.as_slice_mut().expect("standard layout");
            for (row, &l) in flat.chunks_exact(d.max(1)).zip(labels.iter()) {
                for (s, v) in cells[l * d..(l + 1) * d].iter_mut().zip(row) {
                    *s += v;
                }
                counts[l] += 1;
            }
        }
        let empty = counts.iter().position(|&c| c == 0);
        for (c, &m) in counts.iter().enumerate() {
            if m > 0 {
                sums.row_mut(c).mapv_inplace(|v| v / m as f64);
            }
        }
        match empty {
            None => return (sums, repaired),
            Some(e) => {
                // Farthest point from its centre among clusters with ≥ 2 points.
                let far = (0..x.nrows())
                    .filter(|&i| counts[labels[i]] > 1)
                    .map(|i| {
                        let dist = squared_euclidean(
                            x.row(i).as_slice().expect("standard layout"),
                            sums.row(labels[i]).as_slice().expect("standard layout"),
                        );
                        (dist, i)
                    })
                    .fold((f64::NEG_INFINITY, 0), |a, b| if b.0 > a.0 { b } else { a });
                labels[far.1] = e;
                repaired = true;
            }
        }
    }
}

/// Lloyd iterations from the given centres.
pub fn lloyd(x: ArrayView2<f64>, seeds: Array2<f64>, max_iter: usize, tol: f64) -> KMeansResult {
    let k = seeds.nrows();
    let n = x.nrows() as f64;
    let mean_var = x
        .columns()
        .into_iter()
        .map(|c| {
            let m = c.sum() / n;
            c.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / n
        })
        .sum::<f64>()
        / x.ncols() as f64;
    let threshold = tol * mean_var;
    let mut centroids = seeds;
    let mut iterations = 0;
    let mut labels = if x.ncols() <= DENSE_FEATURES {
        // Every distance of every row, vectorized across rows: at few
        // features this is cheaper than keeping bounds.
        let columns = RowsByColumn::new(x);
        let mut labels = vec![0; x.nrows()];
        columns.assign(centroids.view(), &mut labels);
        let mut next = labels.clone();
        for it in 1..=max_iter {
            iterations = it;
            let (updated, _) = centre_update(x, &mut labels, k);
            let shift: f64 = (&updated - &centroids).mapv(|v| v * v).sum();
            columns.assign(updated.view(), &mut next);
            let changed = next != labels;
            std::mem::swap(&mut labels, &mut next);
            centroids = updated;
            if !changed || shift <= threshold {
                break;
            }
        }
        labels
    } else {
        let mut bounds = Bounds::new(x, centroids.view());
        for it in 1..=max_iter {
            iterations = it;
            let (updated, repaired) = centre_update(x, &mut bounds.labels, k);
            let shift: f64 = (&updated - &centroids).mapv(|v| v * v).sum();
            let changed = if repaired {
                // An emptied cluster took a far point: that point's bounds no
                // longer hold, so every bound is rebuilt (rare).
                let repaired_labels = std::mem::take(&mut bounds.labels);
                bounds = Bounds::new(x, updated.view());
                bounds.labels != repaired_labels
            } else {
                bounds.reassign(x, centroids.view(), updated.view())
            };
            centroids = updated;
            if !changed || shift <= threshold {
                break;
            }
        }
        bounds.labels
    };
    // Keep centres consistent with the final labels.
    centroids = update_centroids(x, &mut labels, k);
    let inertia = inertia(x, &labels, centroids.view());
    KMeansResult {
        centroids,
        labels,
        inertia,
        iterations,
        restart: 0,
    }
}

/// Features up to which Lloyd's assignment computes every distance
/// ([`RowsByColumn::assign`], vectorized across rows) instead of keeping
/// Hamerly's bounds ([`Bounds`]): the same labels and iterations. One
/// thread, 10 restarts, fastest of 5 (`polyclust kmeans --json`, seconds):
/// engytime (d = 2) k = 7 0.026 → 0.011, framingham (d = 15) k = 6
/// 0.016 → 0.012, spam (d = 57) k = 6 0.124 → 0.119; at libras' d = 90 the
/// two were even (k = 10, fastest of 3: 0.0128 against 0.0135).
const DENSE_FEATURES: usize = 64;

/// Rows stored feature by feature, for the assignment step vectorized
/// across rows.
struct RowsByColumn {
    n: usize,
    /// `data[f * n + t]` = feature f of row t.
    data: Vec<f64>,
}

/// Rows assigned together by [`RowsByColumn::assign`].
const ROW_LANES: usize = 8;

impl RowsByColumn {
    fn new(x: ArrayView2<f64>) -> Self {
        let n = x.nrows();
        let mut data = vec![0.0; n * x.ncols()];
        for ((t, f), &v) in x.indexed_iter() {
            data[f * n + t] = v;
        }
        Self { n, data }
    }

    /// Nearest centre of every row, exactly as [`assign_nearest`]: each
    /// squared distance is [`squared_euclidean`]'s, term for term (four
    /// partial sums over the whole groups of four features, then the rest
    /// in order), and ties go to the lowest index.
    fn assign(&self, centroids: ArrayView2<f64>, labels: &mut [usize]) {
        struct Assign<'a>(&'a RowsByColumn, &'a [f64], usize, &'a mut [usize]);
        impl crate::metrics::vector::Kernel for Assign<'_> {
            type Output = ();
            #[inline(always)]
            fn run(self) {
                self.0.assign_body(self.1, self.2, self.3);
            }
        }
        let centroids = centroids.as_standard_layout();
        let centres = centroids.as_slice().expect("standard layout");
        let d = centroids.ncols();
        crate::metrics::vector::dispatch(Assign(self, centres, d, labels));
    }

    /// The loop of [`Self::assign`] over `centres` (k × `d`, row-major).
    #[inline(always)]
    fn assign_body(&self, centres: &[f64], d: usize, labels: &mut [usize]) {
        let n = self.n;
        let whole_features = d - d % 4;
        let column = |f: usize| &self.data[f * n..(f + 1) * n];
        let whole = n - n % ROW_LANES;
        for start in (0..whole).step_by(ROW_LANES) {
            let mut best = [f64::INFINITY; ROW_LANES];
            let mut best_c = [0usize; ROW_LANES];
            for (c, centre) in centres.chunks_exact(d).enumerate() {
                let mut acc = [[0.0f64; ROW_LANES]; 4];
                for f in (0..whole_features).step_by(4) {
                    for (l, acc) in acc.iter_mut().enumerate() {
                        let values: &[f64; ROW_LANES] = column(f + l)[start..start + ROW_LANES]
                            .try_into()
                            .expect("lanes");
                        for lane in 0..ROW_LANES {
                            let diff = values[lane] - centre[f + l];
                            acc[lane] += diff * diff;
                        }
                    }
                }
                let mut total = [0.0f64; ROW_LANES];
                for lane in 0..ROW_LANES {
                    total[lane] = (acc[0][lane] + acc[1][lane]) + (acc[2][lane] + acc[3][lane]);
                }
                for (f, &mean) in centre.iter().enumerate().skip(whole_features) {
                    let values: &[f64; ROW_LANES] = column(f)[start..start + ROW_LANES]
                        .try_into()
                        .expect("lanes");
                    for lane in 0..ROW_LANES {
                        total[lane] += (values[lane] - mean) * (values[lane] - mean);
                    }
                }
                for lane in 0..ROW_LANES {
                    if total[lane] < best[lane] {
                        best[lane] = total[lane];
                        best_c[lane] = c;
                    }
                }
            }
            labels[start..start + ROW_LANES].copy_from_slice(&best_c);
        }
        let mut row = vec![0.0; d];
        for (t, label) in labels.iter_mut().enumerate().skip(whole) {
            row.iter_mut()
                .enumerate()
                .for_each(|(f, v)| *v = self.data[f * n + t]);
            let mut best = (f64::INFINITY, 0);
            for (c, centre) in centres.chunks_exact(d).enumerate() {
                let dist = squared_euclidean(&row, centre);
                if dist < best.0 {
                    best = (dist, c);
                }
            }
            *label = best.1;
        }
    }
}

/// The assignment step of Lloyd's iterations with Hamerly's bounds
/// (Hamerly 2010, "Making k-means even faster"): per row an upper bound on
/// the distance to its centre and a lower bound on the distance to every
/// other centre. After the centres move, a row whose upper bound stays below
/// both its lower bound and half the distance from its centre to the nearest
/// other centre keeps its label without computing any distance; every
/// other row is assigned as [`assign_nearest`] does (the same squared
/// distances, ties to the lowest index), so the labels are always exactly
/// [`assign_nearest`]'s. The bounds are kept with a relative guard of
/// [`BOUND_GUARD`] against rounding. On low-dimensional data most rows skip
/// every distance after the first iterations (engytime k-means measured
/// several times faster).
struct Bounds {
    labels: Vec<usize>,
    /// Upper bound on the distance from each row to its centre.
    upper: Vec<f64>,
    /// Lower bound on the distance from each row to any other centre.
    lower: Vec<f64>,
}

/// Relative slack of the bounds' comparisons: far above the rounding of a
/// distance, far below any gap between distances that decides a label.
const BOUND_GUARD: f64 = 1e-9;

impl Bounds {
    /// Every row assigned by computing all its distances.
    fn new(x: ArrayView2<f64>, centroids: ArrayView2<f64>) -> Self {
        let n = x.nrows();
        let mut bounds = Self {
            labels: vec![0; n],
            upper: vec![0.0; n],
            lower: vec![0.0; n],
        };
        let centroids = centroids.as_standard_layout();
        let cflat = centroids.as_slice().expect("standard layout");
        let d = x.ncols();
        let flat = x.as_slice().expect("standard layout");
        for (t, p) in flat.chunks(d.max(1)).enumerate().take(n) {
            bounds.full(t, p, cflat, d);
        }
        bounds
    }

    /// Row `t` (`p`) assigned from all its squared distances, in
    /// [`assign_nearest`]'s order and tie rule; its bounds made exact.
    fn full(&mut self, t: usize, p: &[f64], cflat: &[f64], d: usize) {
        let mut best = (f64::INFINITY, 0);
        let mut second = f64::INFINITY;
        for (c, centre) in cflat.chunks(d.max(1)).enumerate() {
            let dist = squared_euclidean(p, centre);
            if dist < best.0 {
                second = best.0;
                best = (dist, c);
            } else if dist < second {
                second = dist;
            }
        }
        self.labels[t] = best.1;
        self.upper[t] = best.0.sqrt();
        self.lower[t] = second.sqrt();
    }

    /// The assignment to `new` centres from bounds valid for `old` ones;
    /// whether any label changed.
    fn reassign(&mut self, x: ArrayView2<f64>, old: ArrayView2<f64>, new: ArrayView2<f64>) -> bool {
        let k = new.nrows();
        let d = x.ncols();
        let new = new.as_standard_layout();
        let cflat = new.as_slice().expect("standard layout");
        let centre = |c: usize| &cflat[c * d..(c + 1) * d];
        let old = old.as_standard_layout();
        let oflat = old.as_slice().expect("standard layout");
        let moved: Vec<f64> = (0..k)
            .map(|c| squared_euclidean(&oflat[c * d..(c + 1) * d], centre(c)).sqrt())
            .collect();
        // The largest and second largest move: a row's other centres moved
        // at most the largest one that is not its own.
        let (mut top, mut next, mut top_c) = (0.0f64, 0.0f64, usize::MAX);
        for (c, &m) in moved.iter().enumerate() {
            if m > top {
                (next, top, top_c) = (top, m, c);
            } else if m > next {
                next = m;
            }
        }
        // Half the distance from each centre to its nearest other centre.
        let half_gap: Vec<f64> = (0..k)
            .map(|c| {
                (0..k)
                    .filter(|&o| o != c)
                    .map(|o| squared_euclidean(centre(c), centre(o)))
                    .fold(f64::INFINITY, f64::min)
                    .sqrt()
                    * 0.5
            })
            .collect();
        let flat = x.as_slice().expect("standard layout");
        let mut changed = false;
        for t in 0..x.nrows() {
            let own = self.labels[t];
            self.upper[t] = (self.upper[t] + moved[own]) * (1.0 + BOUND_GUARD);
            let others_moved = if own == top_c { next } else { top };
            self.lower[t] = (self.lower[t] - others_moved) * (1.0 - BOUND_GUARD);
            let keeps =
                |upper: f64, lower: f64| upper < lower.max(half_gap[own]) * (1.0 - BOUND_GUARD);
            if keeps(self.upper[t], self.lower[t]) {
                continue;
            }
            let p = &flat[t * d..(t + 1) * d];
            self.upper[t] = squared_euclidean(p, centre(own)).sqrt() * (1.0 + BOUND_GUARD);
            if keeps(self.upper[t], self.lower[t]) {
                continue;
            }
            self.full(t, p, cflat, d);
            changed |= self.labels[t] != own;
        }
        changed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::gaussian_blobs;
    use crate::metrics::adjusted_rand_index;

    #[test]
    fn recovers_separated_blobs() {
        let inst = gaussian_blobs(300, 2, 3, 0.2, 11);
        let params = KMeansParams::new(3).seed(1).check(inst.x.view()).unwrap();
        let fit = fit(inst.x.view(), &params);
        assert!((adjusted_rand_index(&fit.labels, &inst.labels) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn same_seed_same_result_on_any_thread_count() {
        let inst = gaussian_blobs(400, 3, 5, 1.5, 2);
        let params = KMeansParams::new(5).seed(9).check(inst.x.view()).unwrap();
        let run = |threads| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| fit(inst.x.view(), &params))
        };
        assert_eq!(run(1), run(2));
        assert_eq!(run(1), run(4));
    }

    /// Lloyd's iterations with every row assigned by all its distances:
    /// the reference the bounded assignment must reproduce exactly.
    fn lloyd_by_full_assignment(x: ArrayView2<f64>, seeds: Array2<f64>) -> Vec<usize> {
        let k = seeds.nrows();
        let mut centroids = seeds;
        let mut labels = assign_nearest(x, centroids.view());
        for _ in 0..300 {
            centroids = update_centroids(x, &mut labels, k);
            let next = assign_nearest(x, centroids.view());
            if next == labels {
                break;
            }
            labels = next;
        }
        labels
    }

    /// The assignment vectorized across rows is `assign_nearest`'s: rows
    /// not a multiple of the lanes, features not a multiple of four, and a
    /// centre given twice (the tie goes to the lower index).
    #[test]
    fn assignment_by_columns_is_the_nearest_centre() {
        for (seed, (n, d, k)) in [
            (203, 1, 3),
            (64, 2, 5),
            (99, 4, 4),
            (301, 9, 6),
            (77, 13, 7),
        ]
        .into_iter()
        .enumerate()
        {
            let mut rng = ChaCha8Rng::seed_from_u64(seed as u64);
            let x = Array2::from_shape_fn((n, d), |_| rng.random::<f64>());
            let mut centres = Array2::from_shape_fn((k, d), |_| rng.random::<f64>());
            let first = centres.row(0).to_owned();
            centres.row_mut(k - 1).assign(&first);
            let mut labels = vec![usize::MAX; n];
            RowsByColumn::new(x.view()).assign(centres.view(), &mut labels);
            assert_eq!(labels, assign_nearest(x.view(), centres.view()), "d = {d}");
            assert!(
                !labels.contains(&(k - 1)),
                "the tie went to the higher index"
            );
        }
    }

    #[test]
    fn bounded_assignment_gives_the_full_assignment() {
        // Both assignment steps: every distance (few features) and
        // Hamerly's bounds (above DENSE_FEATURES).
        for (seed, (n, d, k, spread)) in [
            (300, 2, 4, 2.0),
            (500, 5, 8, 3.0),
            (200, 13, 3, 5.0),
            (300, DENSE_FEATURES + 6, 5, 4.0),
        ]
        .into_iter()
        .enumerate()
        {
            let inst = gaussian_blobs(n, d, k, spread, seed as u64);
            let x = inst.x.view();
            let mut rng = ChaCha8Rng::seed_from_u64(seed as u64);
            let seeds = plus_plus(x, k + 2, &mut rng);
            // tol 0: iterate until the labels stop changing, as the reference.
            let bounded = lloyd(x, seeds.clone(), 300, 0.0);
            assert_eq!(bounded.labels, lloyd_by_full_assignment(x, seeds));
        }
    }

    #[test]
    fn rejects_bad_k() {
        let x = ndarray::array![[0.0], [1.0], [2.0]];
        assert_eq!(KMeansParams::new(1).check(x.view()).unwrap_err().field, "k");
        assert_eq!(KMeansParams::new(4).check(x.view()).unwrap_err().field, "k");
        let same = ndarray::array![[1.0], [1.0], [1.0]];
        assert!(KMeansParams::new(2).check(same.view()).is_err());
        assert_eq!(
            KMeansParams::new(2)
                .restarts(0)
                .check(x.view())
                .unwrap_err()
                .field,
            "restarts"
        );
    }
}
