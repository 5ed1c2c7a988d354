//! The bounded assignment (31)–(32) with (15) as a transportation problem
//! solved by successive shortest paths on the clusters, without an LP.
//!
//! Min-cost flow view: every point sends one unit to a cluster (cost
//! `cost[t][k]`); cluster k passes between `N_min` and `N_max` units on to a
//! sink T. Lower bounds become demands: cluster k must absorb `N_min`, T
//! absorbs `n − K·N_min`, and edge k→T has capacity `N_max − N_min`. The
//! per-point argmin is an optimal pseudo-flow (every residual edge has a
//! non-negative cost). It leaves excess at clusters above `N_max` (or at T,
//! when clusters above `N_min` hold more than T absorbs) and deficits at
//! clusters below `N_min` (or at T). Each step sends one unit along a
//! shortest residual path from an excess node to a deficit node (Bellman–Ford
//! on the K + 1 nodes: a hop u→v moves the point of u that is cheapest to
//! move to v, at `cost[t][v] − cost[t][u]`; hops u→T and T→v cost 0 while
//! the capacity of k→T allows). Successive shortest paths keep the
//! pseudo-flow optimal, so the assignment that meets the bounds is optimal
//! (the same cost as the LP, which the tests check).
//!
//! Cost: O(n·K log n) to fill, per augmentation O(K³ + K log n); the number
//! of augmentations is the total violation of the argmin assignment. Memory:
//! one heap entry per (point, other cluster), O(n·K). This is what makes the
//! bounded assignment possible at 10⁶ rows, where the LP would have n·K
//! variables.

use super::bounds::{AssignError, CardinalityBounds};
use super::cost::assign_unbounded;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Order-preserving map of an f64 onto an i64 (the order of `total_cmp`).
fn key(v: f64) -> i64 {
    let b = v.to_bits() as i64;
    b ^ ((((b >> 63) as u64) >> 1) as i64)
}

/// Points of cluster u by their cost of moving to cluster v.
struct MoveHeaps {
    k: usize,
    /// `heaps[u * k + v]`: (move cost key, point), cheapest first; entries of
    /// points that have left u are skipped when met.
    heaps: Vec<BinaryHeap<Reverse<(i64, usize)>>>,
}

impl MoveHeaps {
    fn new(cost: &[f64], k: usize, labels: &[usize]) -> Self {
        let mut heaps: Vec<BinaryHeap<Reverse<(i64, usize)>>> =
            (0..k * k).map(|_| BinaryHeap::new()).collect();
        for (t, &u) in labels.iter().enumerate() {
            for v in (0..k).filter(|&v| v != u) {
                heaps[u * k + v].push(Reverse((key(cost[t * k + v] - cost[t * k + u]), t)));
            }
        }
        Self { k, heaps }
    }

    /// The cheapest point of u to move to v and its cost.
    fn peek(&mut self, u: usize, v: usize, labels: &[usize], cost: &[f64]) -> Option<(f64, usize)> {
        let heap = &mut self.heaps[u * self.k + v];
        while let Some(&Reverse((_, t))) = heap.peek() {
            if labels[t] == u {
                return Some((cost[t * self.k + v] - cost[t * self.k + u], t));
            }
            heap.pop();
        }
        None
    }

    /// Record that point t now belongs to v.
    fn moved(&mut self, t: usize, v: usize, cost: &[f64]) {
        let k = self.k;
        for w in (0..k).filter(|&w| w != v) {
            self.heaps[v * k + w].push(Reverse((key(cost[t * k + w] - cost[t * k + v]), t)));
        }
    }
}

/// Optimal assignment of the points (rows of `cost`, `k` columns) with every
/// cluster's size in `[bounds.n_min, bounds.n_max]`; ties go to the argmin's
/// lowest cluster index and then to the lowest point index.
pub fn assign_transport(
    cost: &[f64],
    k: usize,
    bounds: CardinalityBounds,
) -> Result<Vec<usize>, AssignError> {
    let n = cost.len() / k;
    let (lo, hi) = (bounds.n_min, bounds.n_max);
    if lo * k > n || hi * k < n || lo > hi {
        return Err(AssignError::Infeasible {
            k,
            n,
            n_min: lo,
            n_max: hi,
        });
    }
    let mut labels = assign_unbounded(cost, k);
    let mut sizes = vec![0usize; k];
    labels.iter().for_each(|&l| sizes[l] += 1);
    let mut heaps = MoveHeaps::new(cost, k, &labels);
    let t_node = k;
    // T absorbs what clusters pass on beyond their demand, up to capacity.
    let t_balance = |sizes: &[usize]| -> i64 {
        let passed: usize = sizes.iter().map(|&s| s.clamp(lo, hi) - lo).sum();
        passed as i64 - (n - k * lo) as i64
    };
    loop {
        let balance = t_balance(&sizes);
        let excess = |c: usize| {
            if c == t_node {
                balance > 0
            } else {
                sizes[c] > hi
            }
        };
        let deficit = |c: usize| {
            if c == t_node {
                balance < 0
            } else {
                sizes[c] < lo
            }
        };
        if !(0..=k).any(excess) {
            debug_assert!(!(0..=k).any(deficit));
            return Ok(labels);
        }
        // Edge weights of the residual graph on clusters and T.
        let mut weight = vec![None; (k + 1) * (k + 1)];
        let mut via = vec![usize::MAX; (k + 1) * (k + 1)];
        for u in 0..k {
            for v in (0..k).filter(|&v| v != u) {
                if let Some((w, t)) = heaps.peek(u, v, &labels, cost) {
                    weight[u * (k + 1) + v] = Some(w);
                    via[u * (k + 1) + v] = t;
                }
            }
            // u → T: u may pass one more unit on (it ends one larger).
            if sizes[u] >= lo && sizes[u] < hi {
                weight[u * (k + 1) + t_node] = Some(0.0);
            }
            // T → u: u may pass one unit fewer (it ends one smaller).
            if sizes[u] > lo && sizes[u] <= hi {
                weight[t_node * (k + 1) + u] = Some(0.0);
            }
        }
        // Bellman–Ford from every excess node at distance 0.
        let mut dist = vec![f64::INFINITY; k + 1];
        let mut parent = vec![usize::MAX; k + 1];
        for c in (0..=k).filter(|&c| excess(c)) {
            dist[c] = 0.0;
        }
        for _ in 0..=k {
            let mut changed = false;
            for u in 0..=k {
                if !dist[u].is_finite() {
                    continue;
                }
                for v in 0..=k {
                    if let Some(w) = weight[u * (k + 1) + v] {
                        if dist[u] + w < dist[v] {
                            dist[v] = dist[u] + w;
                            parent[v] = u;
                            changed = true;
                        }
                    }
                }
            }
            if !changed {
                break;
            }
        }
        let Some(sink) = (0..=k)
            .filter(|&c| deficit(c) && dist[c].is_finite())
            .min_by(|&a, &b| dist[a].total_cmp(&dist[b]).then(a.cmp(&b)))
        else {
            return Err(AssignError::Solver(
                "no augmenting path in the transportation problem".into(),
            ));
        };
        // Walk the path back from the sink, moving one point per cluster hop.
        let mut hops = Vec::new();
        let mut v = sink;
        // Only a source has a finite distance without a parent.
        while parent[v] != usize::MAX {
            let u = parent[v];
            hops.push((u, v));
            v = u;
        }
        for &(u, v) in hops.iter().rev() {
            if u == t_node || v == t_node {
                continue;
            }
            let t = via[u * (k + 1) + v];
            labels[t] = v;
            sizes[u] -= 1;
            sizes[v] += 1;
            heaps.moved(t, v, cost);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assign::{assign_bounded_lp, assignment_cost};
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    fn sizes(labels: &[usize], k: usize) -> Vec<usize> {
        let mut s = vec![0; k];
        labels.iter().for_each(|&l| s[l] += 1);
        s
    }

    /// Successive shortest paths reach the LP's optimum (differential test),
    /// with floors only, ceilings only and both, on random costs.
    #[test]
    fn transport_reaches_the_lp_optimum() {
        let mut rng = ChaCha8Rng::seed_from_u64(17);
        for case in 0..60 {
            let k = 2 + case % 5;
            let n = 20 + 13 * (case % 7);
            // Skewed costs so that the argmin violates the bounds.
            let cost: Vec<f64> = (0..n * k)
                .map(|i| rng.random_range(0.0..1.0) + 0.8 * (i % k) as f64 / k as f64)
                .collect();
            let bounds = match case % 3 {
                0 => CardinalityBounds {
                    n_min: n / (2 * k),
                    n_max: n,
                },
                1 => CardinalityBounds {
                    n_min: 0,
                    n_max: n / k + 1,
                },
                _ => CardinalityBounds {
                    n_min: n / (2 * k),
                    n_max: n / k + 2,
                },
            };
            let fast = assign_transport(&cost, k, bounds).unwrap();
            let lp = assign_bounded_lp(&cost, k, bounds).unwrap();
            assert!(sizes(&fast, k)
                .iter()
                .all(|&s| s >= bounds.n_min && s <= bounds.n_max));
            let (a, b) = (
                assignment_cost(&cost, k, &fast),
                assignment_cost(&cost, k, &lp),
            );
            assert!(
                (a - b).abs() <= 1e-9 * b.abs().max(1.0),
                "case {case}: {a} vs {b}"
            );
        }
    }

    #[test]
    fn feasible_argmin_is_returned_unchanged() {
        let cost = vec![0.0, 1.0, 1.0, 0.0, 0.0, 1.0, 1.0, 0.0];
        let b = CardinalityBounds { n_min: 2, n_max: 2 };
        assert_eq!(assign_transport(&cost, 2, b).unwrap(), vec![0, 1, 0, 1]);
    }
}
